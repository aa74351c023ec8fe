"""The tale of two babies' tables, as the reader sees them: built from the topic's results, no computation
(rounded values, intervals and words; the gaps and ratios are those of the values as shown, jsna.words
rounding rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators import (
    NOT_HELD,
    NOT_HELD_BY_STAGE,
    get_indicator,
    small_area_source_label,
    source_label,
)
from jsna.topics.two_babies.compute import WHOLE_AREA, _nan
from jsna.words import shown_difference, shown_ratio


def _r(x: float, dp: int) -> float:
    return float(round(x, dp)) if not pd.isna(x) else np.nan


def _at_dp(x: float | None, dp: object) -> str | None:
    """A gap as shown, at its indicator's decimals (a whole number never reads '28.0'); None if missing."""
    return None if x is None or pd.isna(x) else f"{x:,.{int(dp)}f}"


def _ci(lo: float, hi: float, dp: int) -> str:
    if pd.isna(lo) or pd.isna(hi):
        return ""
    return f"{lo:,.{dp}f} to {hi:,.{dp}f}"


_DIFF_WORDS = {"higher": "clearly higher (a)", "lower": "clearly lower (a)",
               "no clear difference": "no clear difference", "not tested": "no interval to test"}
#: a whole-area row's one verdict against England (jsna.indicators.england_verdict), in the words every
#: report uses ("similar" reads "no clear difference", as in this report's sentences)
VERDICT_WORDS = {"better": "better than England", "worse": "worse than England",
                 "similar": "no clear difference from England", "higher": "higher than England",
                 "lower": "lower than England", "not compared": "not compared with England"}


def _difference(r: pd.Series) -> str:
    if not r["available"]:
        return "not available"
    verdict = r.get("vs_england")
    words = VERDICT_WORDS.get(verdict) if isinstance(verdict, str) and verdict else None
    return (words or _DIFF_WORDS.get(r["significance"], r["significance"])) + (
        " (old data)" if r["old"] is True else "")


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The babies table for readers: one row per indicator, rounded values, intervals as text,
    words for significance, 'not available' reasons and the source and period."""
    rows = []
    for _, r in table.iterrows():
        dp = int(r["dp"])
        rows.append({
            "Stage": r["stage"],
            "Indicator": r["name"],
            "Unit": r["unit"],
            "Compares": ("Most vs least deprived fifth" if r["comparison"].startswith("Most")
                         else f"{r['a_label']} vs England"),
            "Most deprived / area": _r(r["a_value"], dp),
            "95% CI (a)": _ci(r["a_lower"], r["a_upper"], dp),
            "Least deprived / England": _r(r["b_value"], dp),
            "95% CI (b)": _ci(r["b_lower"], r["b_upper"], dp),
            # gap and ratio of the values as shown (jsna.words rounding rule): 76.4 - 81.2 = -4.8
            "Gap (a - b)": _nan(shown_difference(r["a_value"], r["b_value"], dp)),
            "Ratio (a / b)": _r(shown_ratio(r["a_value"], r["b_value"], dp), 2)
            if r["unit"] in ("%",) or str(r["unit"]).startswith("per ") else np.nan,
            "Difference": _difference(r),
            "Area value": _r(r["place_value"], dp),
            "England value": _r(r["england_value"], dp),
            "Period": r["period"],
            "Geography": r["geography"],
            "Source": source_label(r["source_id"]) if r["kind"] == "la" else small_area_source_label(
                r["source_id"]),
            "Note": r["note"] if isinstance(r["note"], str) else "",
        })
    return pd.DataFrame(rows)


def methods_table(table: pd.DataFrame) -> pd.DataFrame:
    """How each indicator was computed (for the data notes)."""
    out = table[["stage", "name", "geography", "source_id", "method"]].rename(columns={
        "stage": "Stage", "name": "Indicator", "geography": "Geography", "source_id": "Source",
        "method": "How computed"})
    out["Source"] = [source_label(s) if k == "la" else small_area_source_label(s)
                     for s, k in zip(table["source_id"], table["kind"], strict=True)]
    return out


def not_available(table: pd.DataFrame) -> pd.DataFrame:
    """Indicators that could not be shown, with the reason, then each stage's indicators that no
    held source contains (jsna.indicators.NOT_HELD_BY_STAGE: "not in the data held")."""
    na = table[~table["available"].astype(bool)]
    out = na[["stage", "name", "note"]].rename(columns={"stage": "Stage", "name": "Indicator",
                                                        "note": "Reason"})
    held = [{"Stage": stage, "Indicator": name[:1].upper() + name[1:], "Reason": NOT_HELD}
            for stage in dict.fromkeys(table["stage"]) for name in NOT_HELD_BY_STAGE.get(stage, ())]
    return pd.concat([out, pd.DataFrame(held, columns=out.columns)], ignore_index=True)


def sii_display(ours: dict[str, pd.Series], published: dict[str, dict | None]) -> pd.DataFrame:
    """The slope index of inequality in life expectancy, by sex: this report's (MSOA fifths, OHID Local
    Health 2015-19, no interval) beside OHID's published one (LSOA deciles), the data behind the SII sentences."""
    rows = []
    for sex, r in ours.items():
        pub = published.get(sex) or {}
        rows.append({"Sex": {"Male": "Boys", "Female": "Girls"}.get(sex, sex),
                     f"SII, MSOA fifths {get_indicator('le_male').period} (years)": _r(r.get("value"), 1),
                     "95% CI": _ci(r.get("lowercl"), r.get("uppercl"), 1),
                     "OHID's SII, LSOA deciles (years)": _r(pub.get("value", np.nan), 1),
                     "OHID period": pub.get("period") or pub.get("note") or NOT_HELD,
                     "Note": "" if pd.isna(r.get("note")) or r.get("note") is None else str(r.get("note"))})
    return pd.DataFrame(rows)


def core20_display(c: dict, place_name: str) -> pd.DataFrame:
    """The numbers of :func:`core20` for readers (the data behind the Core20 sentence)."""
    return pd.DataFrame([{
        "Area": place_name, "Neighbourhoods (LSOAs)": c["n_lsoas"], "In England's most deprived 20%": c["n_core20"],
        "Residents (mid-2015)": int(round(c["pop_total"])), "Residents in the most deprived 20%": int(round(c["pop_core20"])),
        "Share of residents (%)": round(float(c["share"]), 1) if not pd.isna(c["share"]) else np.nan,
        "In England's least deprived 20%": c["n_least20"]}])


def national_view_display(nv: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing version of :func:`national_view`."""
    return pd.DataFrame({
        "Stage": nv["stage"], "Indicator": nv["name"], "Unit": nv["unit"],
        "Core20 (England's most deprived 20%)": nv["core20_value"].round(1),
        "95% CI (Core20)": [_ci(a, b, 1) for a, b in zip(nv["core20_lower"], nv["core20_upper"], strict=True)],
        "England's least deprived 20%": nv["least20_value"].round(1),
        "95% CI (least deprived 20%)": [_ci(a, b, 1) for a, b in
                                        zip(nv["least20_lower"], nv["least20_upper"], strict=True)],
    })


def obesity_display(ob: pd.DataFrame) -> pd.DataFrame:
    """Published child obesity by deprivation fifth (:func:`obesity_by_deprivation`) for readers;
    the gap is that of the values as shown (jsna.words rounding rule)."""
    return pd.DataFrame({
        "Indicator": ob["indicator"], "Area": ob["area_name"], "Period (five years combined)": ob["period"],
        "Most deprived fifth (%)": ob["most"].round(1), "Least deprived fifth (%)": ob["least"].round(1),
        "Gap (percentage points)": [_nan(shown_difference(a, b, 1)) for a, b in
                                    zip(ob["most"], ob["least"], strict=True)],
    })


def overview_display(ov: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Reader-facing side-by-side gaps (small-area indicators only)."""
    d = ov[ov["comparison"] != WHOLE_AREA]
    out = pd.DataFrame({"Stage": d["stage"], "Indicator": d["name"], "Unit": d["unit"]})
    for n in names:
        out[f"{n}: gap"] = [_at_dp(g, dp) for g, dp in zip(d[f"{n} gap"], d["dp"], strict=True)]
        out[f"{n}: difference"] = d[f"{n} significance"]
    out["England: gap"] = [_at_dp(g, dp) for g, dp in zip(d["England gap"], d["dp"], strict=True)]
    return out.reset_index(drop=True)


def la_side_by_side(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """LA-level indicators for several authorities: value, England, period, difference."""
    rows = []
    for name, t in tables.items():
        for _, r in t[(t["comparison"] == WHOLE_AREA) & (t["kind"] == "la")].iterrows():
            dp = int(r["dp"])
            rows.append({"Indicator": r["name"], "Authority": name, "Unit": r["unit"],
                         "Authority value": _r(r["a_value"], dp), "England": _r(r["b_value"], dp),
                         "Period": r["period"] if r["available"] else "",
                         "Difference": r["significance"] if r["available"] else "not available",
                         "Note": r["note"] if isinstance(r["note"], str) else ""})
    return pd.DataFrame(rows)


def fifth_mix_display(mix: pd.DataFrame) -> pd.DataFrame:
    """Where the residents of each pooled local fifth of a group Place live (:func:`compute.fifth_mix`)."""
    return (mix.assign(local_quintile=mix["local_quintile"].astype(int), pct=mix["pct"].round().astype(int))
            .rename(columns={"local_quintile": "Fifth (1 = most deprived)", "utla19nm": "Authority",
                             "pop_total": "Residents", "pct": "% of the fifth's residents"}))


def has_sii_values(sii: pd.DataFrame) -> bool:
    """True when :func:`sii_display` holds a value (this report's or OHID's) worth a table."""
    return bool(sii.drop(columns=["Sex", "Note", "OHID period", "95% CI"]).notna().any().any())
