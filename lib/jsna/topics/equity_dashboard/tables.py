"""The dashboard's tables, as the reader sees them: built from the topic's results, no computation."""

from __future__ import annotations

import pandas as pd

from jsna.indicators import COVID_WORDS, NOT_HELD
from jsna.palette import SIGNIFICANCE
from jsna.places import ENGLAND_CODE
from jsna.topics.equity_dashboard.core20 import PLUS_SUPPRESS_BELOW
from jsna.words import shown_difference

CORE20_DISPLAY_COLUMNS = {
    "area_name": "Area", "lsoas": "LSOAs", "lsoas_core20": "Core20 LSOAs",
    "pop_total": "Population (mid-2015)", "pop_core20": "Core20 population",
    "share_core20": "Core20 share (%)", "pop_0_15_core20": "Core20 children 0-15",
    "share_0_15_core20": "Share of children (%)",
}
#: number formats of :func:`core20_display`'s columns (report.table's number_format)
CORE20_DISPLAY_FORMAT = {"Population (mid-2015)": ",.0f", "Core20 population": ",.0f",
                         "Core20 share (%)": ".1f", "Core20 children 0-15": ",.0f",
                         "Share of children (%)": ".1f", "LSOAs": ",.0f", "Core20 LSOAs": ",.0f"}


def core20_display(pop: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of a Core20 summary (:func:`jsna.areas.core20_summary`)."""
    return pop[list(CORE20_DISPLAY_COLUMNS)].rename(columns=CORE20_DISPLAY_COLUMNS)


CLINICAL_AREA_DISPLAY_COLUMNS = {
    "framework": "Framework", "clinical_area": "Clinical area", "focus": "Focus",
    "indicator": "Local indicator", "period": "Period", "value": "Value", "england": "England",
    "vs_england": "vs England (95%)", "ambition": "Ambition", "status": "Status",
}


def clinical_area_display(table: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of :func:`clinical_area_table`."""
    return table.rename(columns=CLINICAL_AREA_DISPLAY_COLUMNS)


PLUS_DISPLAY_COLUMNS = {
    "group": "Ethnic group", "residents": "Residents (Census 2021)", "core20": "In Core20 neighbourhoods",
    "not_core20": "Not in Core20 neighbourhoods", "ambiguous": "Core20 status ambiguous",
    "share_core20": "Share in Core20 (%)",
}
PLUS_DISPLAY_FORMAT = {"Residents (Census 2021)": ",.0f", "In Core20 neighbourhoods": ",.0f",
                       "Not in Core20 neighbourhoods": ",.0f", "Core20 status ambiguous": ",.0f",
                       "Share in Core20 (%)": ".1f"}


def plus_display(table: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of :func:`plus_table` (a withheld count reads "fewer than 10")."""
    out = table[list(PLUS_DISPLAY_COLUMNS)].rename(columns=PLUS_DISPLAY_COLUMNS)
    if table["suppressed"].any():
        out = out.astype({"In Core20 neighbourhoods": object})
        out.loc[table["suppressed"].to_numpy(), "In Core20 neighbourhoods"] = f"fewer than {PLUS_SUPPRESS_BELOW}"
    return out


def quintile_gap_display(gaps: pd.DataFrame, area_name: str) -> pd.DataFrame:
    """The published most and least deprived quintile values behind :func:`quintile_gap_sentences`
    (ratio of the values as shown, jsna.words rounding rule)."""
    from jsna.words import shown_ratio

    return pd.DataFrame({
        "Indicator": [str(n).split(", ")[0] for n in gaps["indicator_name"]],
        "Area": ["England" if c == ENGLAND_CODE else area_name for c in gaps["area_code"]],
        "Period": gaps["period"].to_numpy(),
        "Most deprived fifth (%)": gaps["most"].round(1).to_numpy(),
        "Least deprived fifth (%)": gaps["least"].round(1).to_numpy(),
        "Times as high": [round(r, 2) if r is not None else None for r in
                          (shown_ratio(a, b, 1) for a, b in zip(gaps["most"], gaps["least"], strict=True))],
    })


def _num(v: float, dp: int = 1) -> str | None:
    return None if pd.isna(v) else f"{v:,.{dp}f}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_CHANGE_WORDS = {"better": "significantly better", "worse": "significantly worse",
                 "higher": "significantly higher", "lower": "significantly lower",
                 "no clear difference": "no significant change", "not tested": "not tested (no limits)"}


def change_words(word: str, since: str) -> str:
    """A change verdict (compute.change_verdict) in words: "significantly worse", "worse than 2019 (not tested:
    no limits)"."""
    if word.endswith(", not tested"):
        return f"{word.removesuffix(', not tested')} than {since} (not tested: no limits)"
    return _CHANGE_WORDS.get(word, word)


def _change(now: float, then: float, dp: int, word: str, since: object) -> str | None:
    if pd.isna(then) or pd.isna(now):
        return None
    return f"{shown_difference(now, then, dp):+,.{dp}f}, {change_words(str(word), str(since))}"


def dashboard_display(dash: pd.DataFrame) -> pd.DataFrame:
    """Reader-facing table of one area's dashboard rows (text cells; NA shown as blank).

    Significance words carry the same symbols as the spine chart (▲ better, ● similar, ▼ worse);
    a flag on data more than five years old says "old data"; the recent trend has its arrow.
    """
    def sig(word: str, old: bool = False) -> str:
        text = f"{SIGNIFICANCE.get(word, SIGNIFICANCE['not compared'])['symbol']} {word}"
        return text + (" (old data)" if old and word in ("better", "worse", "higher", "lower") else "")

    def region(r: pd.Series) -> str | None:
        if pd.isna(r["value"]):
            return None
        if pd.isna(r["region_value"]):
            return NOT_HELD
        return f"{_num(r['region_value'], int(r['dp']))}: {sig(r['sig_region'], r['old'])}"

    def peers(r: pd.Series) -> str | None:
        if pd.isna(r["value"]):
            return None
        if pd.isna(r["peer_rank"]):
            return "not ranked"
        extra = f"; {int(r['peer_missing'])} without a value" if r["peer_missing"] else ""
        return f"{_ordinal(int(r['peer_rank']))} of {int(r['peer_n'])}{extra}"

    def trend(r: pd.Series) -> str | None:
        if pd.isna(r["value"]):
            return None
        why = f" ({r['trend_note']})" if r["trend"] == "Cannot be calculated" and r["trend_note"] else ""
        return f"{r['trend_arrow']} {r['trend']}{why}"

    def baseline(r: pd.Series) -> str | None:
        if pd.isna(r["value"]):
            return None
        if pd.isna(r["baseline_period"]):
            return f"{r['baseline_setting']}: {NOT_HELD}" if r["baseline_setting"] else NOT_HELD
        covid = f" ({COVID_WORDS})" if r["baseline_covid"] else ""
        return f"{r['baseline_period']}: {_num(r['baseline_value'], int(r['dp']))}{covid}"

    def pre_pandemic(r: pd.Series) -> str | None:
        if pd.isna(r["value"]) or pd.isna(r["pre_period"]):
            return None
        return (f"{r['pre_period']}: {_num(r['pre_value'], int(r['dp']))}; "
                f"{_change(r['value'], r['pre_value'], int(r['dp']), r['change_pre_sig'], r['pre_period'])}")

    out = pd.DataFrame({
        "Life stage": dash["stage"],
        "Indicator": dash["name"],
        "Period": dash["period"],
        "Value": [_num(v, int(d)) for v, d in zip(dash["value"], dash["dp"], strict=True)],
        "95% CI": [None if pd.isna(lo) else f"{lo:,.1f} to {hi:,.1f}"
                   for lo, hi in zip(dash["lower95"], dash["upper95"], strict=True)],
        "England": [_num(v, int(d)) for v, d in zip(dash["england"], dash["dp"], strict=True)],
        "vs England (95%)": [sig(w, o) for w, o in zip(dash["sig95"], dash["old"], strict=True)],
        "vs England (99.8%)": [sig(w, o) for w, o in zip(dash["sig998"], dash["old"], strict=True)],
        "Region (95%)": [region(r) for _, r in dash.iterrows()],
        "Rank among peers (1 = best)": [peers(r) for _, r in dash.iterrows()],
        "Recent trend": [trend(r) for _, r in dash.iterrows()],
        "Baseline": [baseline(r) for _, r in dash.iterrows()],
        # the change of the values as shown (jsna.words rounding rule): 2021/22: 86.2 to 87.1 is +0.9
        "Change since baseline": [_change(now, base, int(d), c, p) for now, base, d, c, p in
                                  zip(dash["value"], dash["baseline_value"], dash["dp"], dash["change_sig"],
                                      dash["baseline_period"], strict=True)],
        "Before the pandemic, and change since": [pre_pandemic(r) for _, r in dash.iterrows()],
        "Inequality gap (SII, years)": [None if pd.isna(v) else f"{v:,.1f} ({p})" for v, p in
                                        zip(dash["inequality_value"], dash["inequality_period"], strict=True)],
        "Source": dash["source_label"].fillna(""),
        "Note": dash["note"].fillna(""),
    })
    out.loc[dash["value"].isna(), ["vs England (95%)", "vs England (99.8%)"]] = None
    return out.astype(object).where(out.notna(), None)
