"""Synthetic Fingertips API exports in the real layout, for tests of the live sources (issue 23, item 2).

Each export is the data mirror's real API export ``fingertips/format_examples/
fingertips_export_indicators-CountyUA_93356_campylobacter_2015-2017.csv`` (read with the csv module) with
its indicator id, indicator name (prefixed "SYNTHETIC"), sex, time periods and values re-written (years moved on by :data:`SHIFT`): the
column layout, the areas (England, regions, counties including Leicestershire E10000018, unitary
authorities), the categories, counts and denominators stay as published. Values are made up inside each
catalogue entry's plausible range, with 95% and 99.8% limits around them, so a test can read the expected
numbers back from the file it served. File names say "synthetic".
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from jsna.catalogue import Source

REAL_EXPORT = "fingertips_export_indicators-CountyUA_93356_campylobacter_2015-2017.csv"
R_EXPORT = "fingertips_export_93861_air_pollution_mortality_2018-2020_R_rewritten.csv"
#: the real export's years (2015-2017) are moved on by this many years, so that the synthetic live values are
#: the latest held (2023-2025, as a current download would be) and win over the mirror's older extracts
SHIFT = 8
_SPELL = {
    "year": lambda y: y,
    "split": lambda y: f"{y}/{(int(y) + 1) % 100:02d}",
    "pooled3": lambda y: f"{int(y) - 2} - {y[2:]}",
    "pooled5": lambda y: f"{int(y) - 4} - {y[2:]}",
}
#: Fingertips indicator id -> (sexes published, period spelling); others: Persons, calendar years
SHAPES: dict[int, tuple[tuple[str, ...], str]] = {
    90366: (("Male", "Female"), "pooled3"), 90362: (("Male", "Female"), "pooled3"),
    92901: (("Male", "Female"), "pooled3"), 93283: (("Male", "Female"), "pooled5"),
    92196: (("Persons",), "pooled3"), 93085: (("Female",), "split"), 20401: (("Female",), "year"),
    92517: (("Persons",), "split"), 93436: (("Persons",), "split"), 219: (("Persons",), "split"),
    253: (("Persons",), "split"), 92313: (("Persons",), "split"), 90813: (("Persons",), "split"),
    90319: (("Persons",), "split"), 90323: (("Persons",), "split"), 90632: (("Persons",), "split"),
    93014: (("Persons",), "split"), 93881: (("Persons",), "split"),
}


def shape(indicator_id: int) -> tuple[tuple[str, ...], str]:
    return SHAPES.get(indicator_id, (("Persons",), "year"))


def _fraction(*key: str) -> float:
    """A repeatable number in [0.25, 0.65) from the row's key."""
    h = int(hashlib.sha256("|".join(key).encode()).hexdigest()[:8], 16)
    return 0.25 + 0.4 * (h % 10_000) / 10_000


def synthetic_export(src: Source, examples: Path, extra_year: bool = False) -> bytes:
    """The synthetic export of one live catalogue entry (its first indicator id), as the API would send it.
    ``extra_year`` adds a year after the last (a copy of its areas' rows): a newer release."""
    iid = int(src.live["indicator_ids"][0])
    sexes, spelling = shape(iid)
    lo, hi = (float(v) for v in src.expect["range"]["Value"])
    name = src.title.split(" (Fingertips indicator")[0]
    with open(examples / REAL_EXPORT, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    col = {c: i for i, c in enumerate(header)}
    if extra_year:
        body = body + [r[:col["Time period"]] + ["2018"] + r[col["Time period"] + 1:] for r in body
                       if r[col["Time period"]] == "2017"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for r in body:
        r = r + [""] * (len(header) - len(r))
        year = str(int(r[col["Time period"]]) + SHIFT)
        for sex in sexes:
            row = list(r)
            row[col["Indicator ID"]] = str(iid)
            row[col["Indicator Name"]] = f"SYNTHETIC {name}"
            row[col["Sex"]] = sex
            row[col["Time period"]] = _SPELL[spelling](year)
            row[col["Time period Sortable"]] = f"{year}0000"
            if row[col["Value"]]:
                f = _fraction(str(iid), row[col["Area Code"]], year, row[col["Category"]])
                v = lo + (hi - lo) * (f + (0.05 if sex == "Female" else 0.0))
                half = (hi - lo) * 0.01
                row[col["Value"]] = f"{v:.4f}"
                row[col["Lower CI 95.0 limit"]] = f"{v - half:.4f}"
                row[col["Upper CI 95.0 limit"]] = f"{v + half:.4f}"
                row[col["Lower CI 99.8 limit"]] = f"{v - 1.6 * half:.4f}"
                row[col["Upper CI 99.8 limit"]] = f"{v + 1.6 * half:.4f}"
            w.writerow(row)
    return out.getvalue().encode("utf-8")


def file_name(src: Source) -> str:
    return f"synthetic_fingertips_export_{src.live['indicator_ids'][0]}_rewritten_from_{REAL_EXPORT}"


def records(body: bytes) -> list[dict[str, str]]:
    """The export's data rows, read with the csv module (the test's own reading)."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))
