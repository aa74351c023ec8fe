"""Whether the plain audit report applies to a Place: only for a one-off file or spec given to the build.

Every audit that is kept has a spec in ``audits/`` and is a report of its own
(:mod:`jsna.topics.health_equity_audit.audit_spec`), built for the Places its spec names. The plain
``<place>/health_equity_audit`` report is a one-off: built when the build is given a service file
(``--hea-input``) or a spec (``--param health_equity_audit.audit=FILE``), and withdrawn by the next
build that is not, so that an audit nobody declared is never left looking current.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsna import paths

#: the synthetic example the audit notebook runs on when it is given no file (LLR practices only)
SYNTHETIC_EXAMPLE = paths.ROOT / "data" / "examples" / "hea_synthetic_diabetes_tech.csv"

#: the index's note where no one-off audit was built: each audit is listed under its service's name
ONE_OFF_NOTE = "Health Equity Audit: each service's audit is listed under the service's name"


def applies_to(place: Any, data_dir: Path | None, params: dict[str, str]) -> str | None:
    """None when the build was given a one-off service file or audit spec, else the index's note."""
    if params.get("input_csv") or params.get("audit"):
        return None
    return ONE_OFF_NOTE
