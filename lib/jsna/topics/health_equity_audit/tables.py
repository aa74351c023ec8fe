"""The audit's tables, as the reader sees them: built from the topic's results, no computation."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jsna.topics.health_equity_audit.funnel_chart import masked_count, masked_rate

#: problems listed in the page; all of them go to the CSV of :func:`write_errors_csv`
MAX_ERRORS_SHOWN = 50
QUINTILE_LABELS = {1: "1 (most deprived)", 2: "2", 3: "3", 4: "4", 5: "5 (least deprived)"}


def display_table(table: pd.DataFrame, group_col: str, group_label: str,
                  labels: dict | None = None, what: str = "Uptake") -> pd.DataFrame:
    """A reader-facing table: group, people served, eligible, value (%) and 95% interval text."""
    rows = []
    for _, r in table.iterrows():
        g = labels.get(r[group_col], r[group_col]) if labels else r[group_col]
        if bool(r.get("suppressed", False)) and "significance" in table:  # a practice: kept, counts masked
            count_col = "not_recorded" if "not_recorded" in table.columns else "served"
            rows.append([g, masked_count(r[count_col]), int(r["eligible"]) if r["eligible"] >= 5 else
                         masked_count(r["eligible"]), masked_rate(r["eligible"]), ""])
            continue
        if bool(r.get("suppressed", False)):
            rows.append([g, "suppressed", "suppressed", "suppressed", "suppressed"])
            continue
        if pd.isna(r.get("value")):
            rows.append([g, int(r["served"]), int(r["eligible"]), "nobody eligible", ""])
            continue
        count_col = "not_recorded" if "not_recorded" in table.columns else "served"
        rows.append([g, int(r[count_col]), int(r["eligible"]), round(float(r["value"]), 1),
                     f"{r['lowercl']:.1f} to {r['uppercl']:.1f}"])
    first = "Not recorded" if "not_recorded" in table.columns else "Served"
    return pd.DataFrame(rows, columns=[group_label, first, "Eligible", f"{what} (%)",
                                       "95% confidence interval (%)"])


def stack(*tables: pd.DataFrame) -> pd.DataFrame:
    """Display tables with the same columns, one after the other."""
    return pd.concat(list(tables), ignore_index=True)


def problem_kind(problem: str) -> str:
    """A problem without its row-specific details: 'served (5) is more than eligible (3)' ->
    'served is more than eligible', 'duplicate of line 12 ...' -> 'duplicate of line ...'."""
    kind = re.sub(r"\s*\([^)]*\)", "", str(problem))
    kind = re.sub(r"\d[\d,]*", "…", kind)
    return re.split(r"[:;]", kind, maxsplit=1)[0].strip()


def error_counts(errors: pd.DataFrame) -> pd.DataFrame:
    """How many problems of each kind (column + :func:`problem_kind`), most frequent first:
    columns Column, Problem, Rows."""
    if errors.empty:
        return pd.DataFrame(columns=["Column", "Problem", "Rows"])
    kinds = errors.assign(kind=errors["problem"].map(problem_kind))
    out = kinds.groupby(["column", "kind"], sort=False).size().rename("Rows").reset_index()
    out = out.sort_values("Rows", ascending=False, kind="stable").reset_index(drop=True)
    return out.rename(columns={"column": "Column", "kind": "Problem"})


def write_errors_csv(errors: pd.DataFrame, path: str | Path) -> Path:
    """Write every problem (line, column, value, problem) to a CSV the page can link; returns it.
    Values are written as text; a cell starting with = + - @ is prefixed with ' so a spreadsheet
    never runs it as a formula."""
    out = errors.copy()
    for c in ("column", "value", "problem"):
        out[c] = out[c].astype(str).map(lambda v: "'" + v if v[:1] in ("=", "+", "-", "@") else v)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, encoding="utf-8")
    return path


def error_table(errors: pd.DataFrame, limit: int | None = MAX_ERRORS_SHOWN) -> pd.DataFrame:
    """The validation problems as a reader-facing table (line 'whole file' when not row-specific):
    the first ``limit`` only (None = all); show :func:`error_counts` and link
    :func:`write_errors_csv` for the rest."""
    out = errors if limit is None else errors.head(limit)
    out = out.copy()
    out["line"] = out["line"].map(lambda v: "whole file" if pd.isna(v) else str(int(v)))
    return out.rename(columns={"line": "Line", "column": "Column", "value": "Value",
                               "problem": "Problem"})


def census_display(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Reader-facing :func:`eligible_beside_census`: the service columns say "Synthetic example" when
    the file is synthetic; the Census columns are labelled "Census 2021 residents"."""
    tag = " (synthetic example)" if synthetic else ""
    out = pd.DataFrame({
        "Ethnic group": table["ethnicity"],
        f"Eligible people{tag}": ["suppressed" if s else int(e)
                                  for e, s in zip(table["eligible"], table["suppressed"], strict=True)],
        f"Share of eligible with a recorded group (%){tag}": [
            "suppressed" if s else round(float(v), 1)
            for v, s in zip(table["eligible_share"], table["suppressed"], strict=True)],
        "Census 2021 residents": table["census_residents"],
        "Census 2021 residents (%)": table["census_share"].round(1),
    })
    return out


def quintile_display(table: pd.DataFrame) -> pd.DataFrame:
    """Uptake by national deprivation quintile (:attr:`Results.by_national_quintile`)."""
    return display_table(table, "quintile", "IMD 2019 quintile of England", QUINTILE_LABELS)


def not_recorded_display(r) -> pd.DataFrame:
    """Ethnicity not recorded: all eligible people, then (when the file has practices) the practices
    with the highest share (:attr:`Results.not_recorded_worst`)."""
    overall = display_table(r.not_recorded.assign(label="All eligible people"), "label", "Practice",
                            what="Not recorded")
    if r.not_recorded_worst is None:
        return overall
    return stack(overall, display_table(r.not_recorded_worst, "label", "Practice", what="Not recorded"))


def mix_display(mix: pd.DataFrame) -> pd.DataFrame:
    """Uptake by the ethnic mix of the practices' patients, with each group's practices and range of
    minority ethnic share."""
    tab = display_table(mix, "label", "Practices grouped by ethnic mix")
    tab.insert(1, "Practices", mix["practices"].to_numpy())
    tab.insert(2, "Minority ethnic share (%)", [f"{a:.0f} to {b:.0f}" for a, b in
                                                zip(mix["share_min"], mix["share_max"], strict=True)])
    return tab


def practices_outside_display(shown: pd.DataFrame) -> pd.DataFrame | None:
    """The practices outside the funnel limits, lowest uptake first (small counts masked: "fewer than
    5"); None when every practice is within them."""
    from jsna.topics.health_equity_audit.funnel_chart import CATEGORIES

    outside = shown[shown["significance"] != "Not significant"].sort_values("value")
    if outside.empty:
        return None
    tab = display_table(outside, "label", "Practice")
    tab["Compared with the funnel"] = [CATEGORIES[s][2] for s in outside["significance"]]
    return tab


def age_display(by_age: pd.DataFrame) -> pd.DataFrame:
    """Uptake by age band."""
    return display_table(by_age, "age_band", "Age band")
