"""Health Equity Audit of a service's uptake file (deprivation, ethnicity, practice)."""

from __future__ import annotations

from jsna.topics import Param, TopicSpec
from jsna.topics.health_equity_audit.applies import applies_to as _applies_to

TOPIC = TopicSpec(
    id='health_equity_audit',
    title='Health Equity Audit',
    order=5,
    description="Who a service reaches: uptake by deprivation, ethnic group and GP practice, from a service's own counts (synthetic example included)",
    params=(Param("input_csv", "file", "the service's CSV file (one row per breakdown; columns in the notebook's "
                  "appendix); default: the synthetic example, which covers Leicester, Leicestershire and Rutland",
                  alias="hea-input"),),
    applies_to=_applies_to,
)
