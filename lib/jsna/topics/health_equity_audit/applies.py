"""Whether the audit applies to a Place: a service file was given, or the synthetic example covers it."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from jsna import paths

#: the synthetic example the audit runs on when no service file is given (LLR practices only)
SYNTHETIC_EXAMPLE = paths.ROOT / "data" / "examples" / "hea_synthetic_diabetes_tech.csv"


def _example_area_codes(example: Path) -> set[str]:
    """The LSOA codes of the example file (its header and code column, read once)."""
    with open(example, encoding="utf-8", newline="") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        header = [h.strip().lower() for h in next(rows, [])]
        if "lsoa11cd" not in header:
            return set()
        i = header.index("lsoa11cd")
        return {r[i].strip() for r in rows if len(r) > i}


def example_covers(place: Any, data_dir: Path | None, example: Path | None = None) -> bool | None:
    """Whether the synthetic example has rows for residents of ``place`` (None when the lookup cannot
    be read: the run then reports the data problem)."""
    codes = _example_area_codes(Path(example or SYNTHETIC_EXAMPLE))
    try:
        from jsna.topics.health_equity_audit.inputs import place_lsoa11cds

        in_place = place_lsoa11cds(place, data_dir)
    except Exception:  # noqa: BLE001 - no data: the notebook says what is missing
        return None
    return bool(codes & in_place)


def applies_to(place: Any, data_dir: Path | None, params: dict[str, str]) -> str | None:
    """None when the audit can run for ``place``: a service file was given (``input_csv``), or the
    synthetic example covers it; else the note the index shows instead of the report."""
    if params.get("input_csv") or example_covers(place, data_dir) is not False:
        return None
    return f"Health Equity Audit: no service file has been given for {place.name}"
