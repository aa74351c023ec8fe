"""Health Equity Audit of a service's uptake file (deprivation, ethnicity, practice)."""

from __future__ import annotations

from jsna.topics import Param, TopicSpec
from jsna.topics.health_equity_audit.applies import applies_to as _applies_to
from jsna.topics.health_equity_audit.audit_spec import audit_variants as _audit_variants

TOPIC = TopicSpec(
    id='health_equity_audit',
    title='Health Equity Audit',
    order=5,
    description="Who a service reaches: uptake by deprivation, ethnic group and GP practice, from a service's own counts (synthetic example included)",
    params=(Param("input_csv", "file", "a one-off audit of the service's CSV file (one row per breakdown; columns "
                  "in the notebook's appendix), published as <place>/health_equity_audit.html by this build only; "
                  "to keep an audit, write its spec in audits/<name>.yaml", alias="hea-input"),
            Param("audit", "file", "an audit spec file (audits/<name>.yaml: service, eligible, served, period, "
                  "places, input, columns); every spec in audits/ is built under its own name")),
    applies_to=_applies_to,
    variants=_audit_variants,
)
