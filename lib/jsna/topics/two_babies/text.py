"""Sentences for the "tale of two babies", written from the numbers of jsna.topics.two_babies.compute tables.

Wording follows direction (higher/lower), size (gap, ratio) and significance (non-overlapping
95% intervals -> a clear difference; overlapping -> "no clear difference"; no interval -> the
sentence says so). No sentence is a fixed template filled with numbers regardless of sign.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from jsna.indicators import get_indicator, not_held_sentence
from jsna.words import (
    fmt_number,
    fmt_pct,
    is_missing,
    join_names,
    le_gap_explanation,
    plural,
    shown_difference,
    shown_ratio,
)

SEX_WORDS = {"Male": ("boy", "boys"), "Female": ("girl", "girls")}

#: the period of the MSOA life expectancy (OHID Local Health) behind the fifths and the slope
LE_PERIOD = get_indicator("le_male").period


def fmt_value(x: float | None, unit: str, dp: int = 1) -> str:
    """A value with its unit: 12.34, '%' -> '12.3%'; 76.4, 'years' -> '76.4 years'."""
    if is_missing(x):
        return "not available"
    if unit == "%":
        return f"{x:,.{dp}f}%"
    if unit == "years":
        return f"{x:,.{dp}f} years"
    if unit.startswith("per "):
        return f"{x:,.{dp}f} {unit}"
    return f"{x:,.{dp}f}"


def fmt_gap(x: float | None, unit: str, dp: int = 1) -> str:
    """An absolute difference: '%' -> 'percentage points'; years -> 'years'."""
    if is_missing(x):
        return "not available"
    x = abs(x)
    if unit == "%":
        return f"{x:,.{dp}f} percentage points"
    if unit == "years":
        return f"{x:,.{dp}f} years"
    if unit.startswith("per "):
        return f"{x:,.{dp}f} {unit}"
    return f"{x:,.{dp}f}"


def fmt_interval(lo: float | None, hi: float | None, unit: str, dp: int = 1) -> str:
    """'95% CI 10.1 to 11.2' or '' when a limit is missing."""
    if is_missing(lo) or is_missing(hi):
        return ""
    return f"95% CI {lo:,.{dp}f} to {hi:,.{dp}f}"


def _ratio_words(ratio: float | None) -> str:
    if is_missing(ratio) or ratio <= 0:
        return ""
    if ratio >= 1.05:
        return "twice as high" if abs(ratio - 2) < 0.05 else f"{ratio:.1f} times as high"
    if ratio <= 1 / 1.05:
        return f"{(1 - ratio) * 100:.0f}% lower"
    return ""


def shown_gap(row: Mapping) -> float | None:
    """The row's gap (a - b) as the difference of its two values as shown (jsna.words rounding rule)."""
    return shown_difference(row["a_value"], row["b_value"], int(row["dp"]))


def shown_row_ratio(row: Mapping) -> float | None:
    """The row's ratio (a / b) from its two values as shown; None for units without a sensible ratio
    (scores, years of life: a life expectancy is compared in years, never as a ratio)."""
    unit = str(row["unit"])
    if not (unit == "%" or unit.startswith("per ") or unit in ("standardised ratio", "standardised rate")):
        return None
    return shown_ratio(row["a_value"], row["b_value"], int(row["dp"]))


def _value_with_ci(row: Mapping, side: str) -> str:
    """'39.9%; 95% CI 39.2 to 40.5' (meant to sit inside parentheses) or just the value."""
    unit, dp = row["unit"], int(row["dp"])
    v = fmt_value(row[f"{side}_value"], unit, dp)
    ci = fmt_interval(row[f"{side}_lower"], row[f"{side}_upper"], unit, dp)
    return f"{v}; {ci}" if ci else v


def _lower_first(name: str) -> str:
    return name[0].lower() + name[1:] if name and not name[:2].isupper() else name


def indicator_sentence(row: Mapping, possessive: str) -> str:
    """One sentence for one row of a babies table (small-area or LA-level)."""
    name = row["name"]
    period = row["period"]
    if not row["available"]:
        reason = row["note"] if not is_missing(row["note"]) else "no data"
        return f"{name}: not available ({reason})."
    a, b = _value_with_ci(row, "a"), _value_with_ci(row, "b")
    unit, dp = row["unit"], int(row["dp"])
    sig = row["significance"]
    gap = fmt_gap(shown_gap(row), unit, dp)
    if row["comparison"].startswith("Whole area"):
        place = row["a_label"]
        if row.get("kind") != "la" and not is_missing(row["note"]):  # fifths below the reliability minimum
            return (_whole_area_sentence(row, possessive, a, b, sig, period) + " "
                    + _upper_first(str(row["note"])) + ".")
        if sig == "no clear difference":
            return (f"{name}: no clear difference between {place} ({a}) and England ({b}), "
                    f"{period}.")
        direction = "higher" if row["a_value"] > row["b_value"] else "lower"
        if row["a_value"] == row["b_value"]:
            return f"{name}: {place} has the same value as England ({a}), {period}."
        tail = "" if sig in ("higher", "lower") else "; no interval is available to test the difference"
        judge = ""
        if row["worse_group"] == "a" and sig in ("higher", "lower"):
            judge = ", worse than England"
        elif row["worse_group"] == "b" and sig in ("higher", "lower"):
            judge = ", better than England"
        return f"{name}: {direction} in {place} than in England ({a} against {b}, {period}{tail}){judge}."
    where = f"the most deprived fifth of {possessive} neighbourhoods"
    if row.get("kind") == "covid_rate":  # crude rates of fifths whose age structures differ
        if sig == "no clear difference" or row["a_value"] == row["b_value"]:
            return (f"{name}: the crude death rates of {where} ({a}) and of the least deprived fifth ({b}), "
                    f"{period}, are close, but {CRUDE_CAVEAT}.")
        direction = "higher" if row["a_value"] > row["b_value"] else "lower"
        return (f"{name}: the crude death rate is {direction} in {where} ({a}) than in the least deprived "
                f"fifth ({b}), {period}; {CRUDE_CAVEAT}.")
    circular = f"; {GROUPING_CAVEAT}" if _flag(row.get("part_of_grouping")) else ""
    if sig == "no clear difference":
        return (f"{name}: no clear difference between {where} ({a}) and the least deprived fifth "
                f"({b}), {period}; the 95% intervals overlap{circular}.")
    if row["a_value"] == row["b_value"]:
        return f"{name}: the same in {where} and the least deprived fifth ({a}), {period}{circular}."
    direction = "higher" if row["a_value"] > row["b_value"] else "lower"
    ratio = _ratio_words(shown_row_ratio(row)) if unit in ("%",) or unit.startswith("per ") else ""
    size = f"a gap of {gap}" + (f", {ratio}" if ratio and direction == "higher" else "")
    tail = "" if sig in ("higher", "lower") else "; no interval is available to test the difference"
    return (f"{name}: {direction} in {where} ({a}) than in the least deprived fifth ({b}): "
            f"{size} ({period}){tail}{circular}.")


#: why a gap between IMD fifths in one of the IMD's own measures is partly true by construction (said in the
#: sentence that states the gap, not only in the methods)
GROUPING_CAVEAT = ("the fifths are defined by the IMD, which includes this measure, so part of this gap follows "
                   "from how the fifths are made")


#: why a crude local Covid-19 death rate does not compare like with like (said in the same sentence)
CRUDE_CAVEAT = ("these are crude rates, not age-standardised, and the fifths' age structures differ (Covid-19 "
                "deaths rose steeply with age), so they do not show whether the risk was the same; the Covid-19 "
                "impact report compares age-standardised rates")


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _whole_area_sentence(row: Mapping, possessive: str, a: str, b: str, sig: str, period: str) -> str:
    place = row["a_label"]
    if sig == "no clear difference":
        return f"{row['name']}: no clear difference between {place} ({a}) and England ({b}), {period}."
    direction = "higher" if row["a_value"] > row["b_value"] else "lower"
    return f"{row['name']}: {direction} in {place} as a whole than in England ({a} against {b}, {period})."


def life_expectancy_sentence(row: Mapping, possessive: str) -> str:
    """'A boy born in the most deprived fifth of X's neighbourhoods can expect to live N years
    fewer than one born in the least deprived fifth (A vs B years, period).'"""
    sex = "Male" if row["indicator_id"].endswith("_male") else "Female"
    one, many = SEX_WORDS[sex]
    measure = "live" if row["indicator_id"].startswith("le_") else "live in good health"
    if row["indicator_id"].startswith("dfle_"):
        measure = "live free of disability"
    if not row["available"]:
        if row["comparison"].startswith("Whole area"):
            return f"Life expectancy of {many}, most against least deprived fifth: {row['note']}."
        return f"Life expectancy of {many}: not available ({row['note']})."
    a, b = row["a_value"], row["b_value"]
    nums = f"{a:.1f} vs {b:.1f} years, {row['period']}"
    gap = abs(shown_difference(a, b, 1))  # the difference of the values shown
    if row["comparison"].startswith("Whole area"):  # fifths below the reliability minimum
        why = (" " + _upper_first(str(row["note"])) + ".") if not is_missing(row["note"]) else ""
        if row["significance"] == "no clear difference" or a == b:  # the table's verdict, in the same words
            return (f"{_upper_first(many)} born in {row['a_label']} can expect to {measure} {a:.1f} years, "
                    f"no clear difference from England ({b:.1f}; {row['period']}).{why}")
        more = "longer" if a > b else "shorter"
        verdict = {"a": ", worse than England", "b": ", better than England"}.get(row["worse_group"], "") \
            if row["significance"] in ("higher", "lower") else "; the difference is not tested"
        return (f"{_upper_first(many)} born in {row['a_label']} can expect to {measure} {a:.1f} years, "
                f"{gap:.1f} years {more} than in England ({b:.1f}; {row['period']}){verdict}.{why}")
    where = f"the most deprived fifth of {possessive} neighbourhoods"
    if row["significance"] == "no clear difference":
        return (f"There is no clear difference in how long {many} born in {where} and in the least "
                f"deprived fifth can expect to {measure} ({nums}); the 95% "
                "intervals overlap.")
    more = "fewer" if a < b else "more"
    out = (f"A {one} born in {where} can expect to {measure} {gap:.1f} years {more} than one born "
           f"in the least deprived fifth ({nums}).")
    if row["significance"] == "not tested" and row["indicator_id"].startswith("le_"):
        out += (" OHID publishes these neighbourhood figures without intervals, so the gap describes the two "
                "fifths and is not tested.")
    return out


def _flag(x: object) -> bool:
    """A table's True/False cell (Python or numpy bool; missing is False)."""
    return False if is_missing(x) else bool(x)


def _old(row: Mapping) -> bool:
    """The row's data are old (jsna.indicators.is_old, set by the computation)."""
    return _flag(row.get("old"))


def headline_sentences(table: pd.DataFrame, possessive: str) -> list[str]:
    """Life expectancy and healthy life expectancy sentences for the summary box, on current data only
    (jsna.indicators.is_old): the gap between the fifths where it is current, else the Place's published
    figure against England (the table's verdict, in its words); a measure with neither is left out."""
    out = []
    for iid in ("le_male", "le_female", "hle_male", "hle_female"):
        hit = table[table["indicator_id"] == iid]
        if hit.empty:
            continue
        row = hit.iloc[0]
        if row["available"] and not _old(row):
            out.append(life_expectancy_sentence(row, possessive))
            continue
        la = table[(table["indicator_id"] == iid.replace("_", "_la_", 1)) & table["available"].astype(bool)]
        if la.empty or _old(la.iloc[0]):
            continue
        whole = la.iloc[0].copy()
        whole["indicator_id"] = iid  # for the sex and measure words
        fifths_note = str(row["note"]).split("; the whole area's published")[0]
        whole["note"] = fifths_note if row["comparison"].startswith("Whole area") and not row["available"] else None
        out.append(life_expectancy_sentence(whole, possessive))
    return out


def old_fifths_sentence(table: pd.DataFrame) -> str | None:
    """Which life-expectancy gaps between fifths are left out of the summary because their data are old."""
    ids = ("le_male", "le_female", "hle_male", "hle_female")
    rows = table[table["indicator_id"].isin(ids) & table["available"].astype(bool)
                 & table.apply(_old, axis=1)]
    if rows.empty:
        return None
    periods = join_names(list(dict.fromkeys(str(p) for p in rows["period"])))
    return (f"The gaps in life expectancy between the most and least deprived fifths of neighbourhoods rest on "
            f"data from {periods}, more than five years old, so they are given below, not here.")


def published_sii_summary(published: Mapping[str, Mapping | None], place_name: str) -> str | None:
    """OHID's slope index of inequality for men and women against England's, when current (not old)."""
    parts, period = [], None
    for sex, who in (("Male", "men"), ("Female", "women")):
        pub = published.get(sex)
        if not pub or is_missing(pub.get("value")) or pub.get("old"):
            continue
        eng = pub.get("england")
        vs = f" (England {fmt_number(eng, 1)})" if not is_missing(eng) else ""
        tail = " than at the least deprived end" if not parts else ""
        parts.append(f"{who} at the most deprived end can expect to live {fmt_number(pub['value'], 1)} years "
                     f"fewer{tail}{vs}" if not parts else f"{who} {fmt_number(pub['value'], 1)} years fewer{vs}")
        period = pub.get("period")
    if not parts:
        return None
    return (f"Across the whole deprivation gradient of {place_name}'s neighbourhoods (OHID's slope index of "
            f"inequality, {period}), {', '.join(parts)}.")


def stage_sentences(part: pd.DataFrame, stage: str, possessive: str) -> list[str]:
    """The sentences of one life stage: one per indicator, then the stage's indicators that no held
    source contains (jsna.indicators.NOT_HELD_BY_STAGE), worded "not in the data held"."""
    out = [indicator_sentence(r, possessive) for _, r in part.iterrows()]
    missing = not_held_sentence(stage)
    return out + ([missing] if missing else [])


def stage_summary(table: pd.DataFrame, possessive: str) -> list[str]:
    """Per stage: how many small-area indicators are clearly worse for the most deprived baby."""
    out = []
    for stage, part in table.groupby("stage", sort=False):
        small = part[(part["comparison"] != "Whole area vs England") & part["available"].astype(bool)]
        if "kind" in small:  # crude Covid-19 rates are not judged here (their sentence says why)
            small = small[small["kind"] != "covid_rate"]
        if small.empty:
            out.append(f"{stage}: no small-area indicator is available for "
                       f"{possessive.removesuffix(chr(39) + 's').removesuffix(chr(39))}.")
            continue
        worse = small[(small["worse_group"] == "a") & small["significance"].isin(["higher", "lower"])]
        untested_worse = small[(small["worse_group"] == "a") & (small["significance"] == "not tested")]
        nclear = small[small["significance"] == "no clear difference"]
        bits = []
        if len(worse):
            bits.append(f"{plural(len(worse), 'indicator')} clearly worse for the baby from the most "
                        f"deprived fifth ({join_names([_lower_first(n) for n in worse['name']])})")
        if len(untested_worse):
            bits.append(f"{plural(len(untested_worse), 'indicator')} worse without an interval to test "
                        "it")
        if len(nclear):
            bits.append(f"{plural(len(nclear), 'indicator')} with no clear difference")
        better = small[(small["worse_group"] == "b")]
        if len(better):
            bits.append(f"{plural(len(better), 'indicator')} better for the most deprived fifth")
        out.append(f"{stage}: " + join_names(bits) + ".")
    return out


def sii_sentence(sex: str, ours: Mapping, published: Mapping | None, place_name: str) -> str:
    """Our SII in life expectancy (years; positive = the least deprived end lives longer), with the
    Fingertips-published SII for comparison when given."""
    many = SEX_WORDS[sex][1]
    v = ours.get("value")
    if ours.get("below_minimum"):
        s = (f"The slope index of inequality in life expectancy for {many} is not calculated for {place_name}: "
             f"{ours.get('note')}. With so few neighbourhoods a slope would describe particular places, not a "
             "gradient.")
    elif is_missing(v):
        s = (f"The slope index of inequality in life expectancy for {many} in {place_name} could not "
             f"be computed ({ours.get('note') or 'no data'}).")
    else:
        lo, hi = ours.get("lowercl"), ours.get("uppercl")
        ci = fmt_interval(lo, hi, "years", 1)
        s = (f"Across the whole deprivation gradient of {place_name}'s neighbourhoods (MSOA fifths, "
             f"{LE_PERIOD}), the slope index of inequality in life expectancy for {many} is {v:.1f} years"
             + (f" ({ci})" if ci else "") + ". ")
        if ours.get("descriptive"):
            s += "OHID publishes the neighbourhood figures without intervals, so this slope is descriptive. "
        spans_zero = not (is_missing(lo) or is_missing(hi)) and lo <= 0 <= hi
        if spans_zero:
            s += "The interval includes zero: there is no clear gradient."
        elif v > 0:
            s += (f"{many.capitalize()} at the least deprived end of the gradient can expect to live "
                  f"about {v:.1f} years longer than at the most deprived end.")
        else:
            s += (f"Unusually, {many} at the most deprived end of the gradient can expect to live "
                  f"longer, by about {abs(v):.1f} years.")
    if published is not None and not is_missing(published.get("value")):
        s += (f" OHID publishes {fmt_number(published['value'], 1)} years for {published['period']} "
              "(deciles of LSOAs, a different method and period)"
              + ("; these are old data, from a period that ended more than five years ago." if published.get("old")
                 else "."))
    elif published is not None and published.get("note"):  # the dashboard's reason, in the same words
        s += f" OHID's slope index of inequality for {place_name} is {published['note']}."
    elif published is None:
        s += " No OHID-published value is in this report's sources for this area."
    return s


def le_gap_paragraph(table: pd.DataFrame, published_male: Mapping | None) -> str:
    """The series' one explanation of the gap between fifths against OHID's SII
    (jsna.words.le_gap_explanation), with this Place's figures for boys."""
    hit = table[(table["indicator_id"] == "le_male") & table["available"].astype(bool)
                & table["comparison"].str.startswith("Most")]
    gap = shown_gap(hit.iloc[0]) if len(hit) else None
    sii = None if published_male is None else published_male.get("value")
    period = None if published_male is None else published_male.get("period")
    return le_gap_explanation(gap, sii, period, "boys")


def core20_sentence(c: Mapping, place_name: str, possessive: str) -> str:
    """How many residents live in England's most deprived 20% of neighbourhoods (Core20)."""
    if c["n_core20"] == 0:
        return (f"None of {possessive} {c['n_lsoas']} neighbourhoods (LSOAs) is among England's most "
                "deprived 20% (Core20), so the national view has no most-deprived group here; the "
                "local fifths above compare the area's own most and least deprived neighbourhoods.")
    return (f"{c['share']:.1f}% of {possessive} residents ({fmt_number(c['pop_core20'])} people in "
            f"{plural(c['n_core20'], 'neighbourhood')} of {c['n_lsoas']}) live in England's most "
            "deprived 20% of neighbourhoods (Core20, IMD 2019).")


def gap_vs_england_sentence(row: Mapping, place_gap_col: str, place_name: str) -> str:
    """Where a Place's gap sits against England's gap for one indicator (overview). Gaps are
    most minus least deprived fifth; a gap of the opposite sign is said to run the other way, and
    a gap without a clear difference inside the Place is flagged."""
    g, e = row.get(place_gap_col), row.get("England gap")
    unit, name = row["unit"], _lower_first(row["name"])
    if is_missing(g) or is_missing(e):
        return f"{place_name}: the gap in {name} cannot be compared with England's."
    sig = row.get(place_gap_col.removesuffix(" gap") + " significance")
    unclear = " (no clear difference within the area)" if sig == "no clear difference" else ""
    if g * e < 0:
        return (f"{place_name}: the gap in {name} between the most and least deprived fifths "
                f"({fmt_gap(g, unit)}){unclear} runs the other way from England's "
                f"({fmt_gap(e, unit)}).")
    if abs(abs(g) - abs(e)) < 0.05 * max(abs(e), 1e-9):
        size = "about the same as"
    elif abs(g) > abs(e):
        size = "wider than"
    else:
        size = "narrower than"
    return (f"{place_name}: the gap in {name} between the most and least deprived fifths "
            f"({fmt_gap(g, unit)}){unclear} is {size} England's ({fmt_gap(e, unit)}).")


def obesity_deprivation_sentences(ob: pd.DataFrame, place_name: str, area_codes: list[str]) -> list[str]:
    """Published child obesity by deprivation quintile: one sentence per indicator and area, and a
    note when the Place has no published breakdown."""
    out = []
    for _, r in ob.iterrows():
        if is_missing(r["most"]) or is_missing(r["least"]):
            out.append(f"{r['indicator']} in {r['area_name']}: the most or least deprived quintile is "
                       f"not in this report's sources ({r['period']}).")
            continue
        direction = "higher" if r["most"] > r["least"] else "lower"
        out.append(f"{r['indicator']} in {r['area_name']}, {r['period']} (five years combined): "
                   f"{r['most']:.1f}% of children living in the most deprived fifth of neighbourhoods, "
                   f"against {r['least']:.1f}% in the least deprived fifth ({direction}, a gap of "
                   f"{abs(shown_difference(r['most'], r['least'], 1)):.1f} percentage points; published "
                   "without intervals).")
    if not set(area_codes) & set(ob["area_code"]):
        out.append(f"This breakdown for {place_name} is not in this report's sources, so only England's figures "
                   "are shown.")
    return out


def group_mix_sentence(mix: pd.DataFrame, place_name: str) -> str | None:
    """For a group Place: where the residents of its most and least deprived fifths live, so the
    reader sees that a gap between pooled fifths also reflects differences between its authorities."""
    ends = {q: mix[mix["local_quintile"] == q] for q in (1, 5)}
    if any(e.empty for e in ends.values()):
        return None
    most, least = ends[1].iloc[0], ends[5].iloc[0]
    return (f"In {place_name} as a whole, {fmt_pct(most['pct'], 0)} of the residents of the most deprived fifth "
            f"live in {most['utla19nm']} and {fmt_pct(least['pct'], 0)} of those of the least deprived fifth in "
            f"{least['utla19nm']}, so a gap between {place_name}'s pooled fifths also reflects differences "
            "between its authorities (such as their age structure and services); the side-by-side section "
            "compares each authority's own fifths.")


# --------------------------------------------------------------------------- the notebook's prose
def summary_sentences(r) -> list[str]:
    """The summary box at the top: life expectancy, Core20, how a changed Place was formed and, for a
    group Place, where the residents of its pooled fifths live."""
    p = r.place
    out = headline_sentences(r.table, p.possessive)
    sii = None if p.is_group else published_sii_summary(r.published_sii, p.short_name)
    if sii:
        out.append(sii)
    if (old := old_fifths_sentence(r.table)) is not None:
        out.append(old)
    out.append(core20_sentence(r.core20, p.name, p.possessive))
    if p.changed_since_2019:
        out.append(p.formed_from_sentence())
    if p.is_group and (s := group_mix_sentence(r.fifth_mix, p.short_name)):
        out.append(s)
    return out


def life_course_caption(place_name: str) -> str:
    """Caption of the life-course chart."""
    return (f"{place_name}: how many times as high each indicator is for the baby from the most deprived fifth of "
            "neighbourhoods as for the baby from the least deprived fifth (whole-area rows: the area over "
            "England), on one log scale with 95% intervals (life expectancies: the gap in years); raw values in "
            "each row. Sources and periods: see the table below and Methods and sources.")


def babies_table_caption(place_name: str) -> str:
    """Caption of the indicator-by-indicator table."""
    return (f"{place_name}: the two babies, indicator by indicator (sortable; a = most deprived fifth or the "
            "whole area, b = least deprived fifth or England)")


def sii_sentences(r) -> list[str]:
    """The slope index of inequality in life expectancy for boys and girls, with OHID's where held."""
    return [sii_sentence(sex, r.sii[sex], r.published_sii[sex], r.place.name) for sex in ("Male", "Female")]


def sii_caption(place_name: str) -> str:
    """Caption of the slope index table."""
    return f"{place_name}: slope index of inequality in life expectancy, this report's and OHID's"


def dashboard_link(place) -> dict[str, str]:
    """The words around the link to the same Place's health equity dashboard (report.see_also)."""
    return {"before": f"The same explanation is in {place.possessive} ",
            "after": ", with OHID's slope index where the sources include it."}


def core20_caption(place_name: str) -> str:
    """Caption of the Core20 table."""
    return f"{place_name}: neighbourhoods and residents in England's most and least deprived 20% (IMD 2019)"


def national_view_caption(place_name: str) -> str:
    """Caption of the national view table."""
    return (f"{place_name}: income-based indicators in England's most deprived 20% of neighbourhoods "
            "(Core20) and least deprived 20%")


def no_national_view_note(place_name: str, c: Mapping) -> str:
    """Why the national view table is not shown (no neighbourhood in England's most or least deprived 20%)."""
    return (f"{place_name} has no neighbourhoods in " + ("England's most deprived 20%" if not c["n_core20"]
            else "England's least deprived 20%") + ", so the national comparison table is not shown.")


OBESITY_CAPTION = ("Child obesity in the most and least deprived fifths of neighbourhoods, as published (no "
                   "intervals)")


def side_by_side_heading(place) -> str:
    """Heading of a group Place's side-by-side section."""
    return f"{join_names([a.name for a in place.upper_tier])} side by side"


SIDE_BY_SIDE_INTRO = (
    "Each upper-tier authority has its own local fifths, so each gap compares an authority's own most and least "
    "deprived neighbourhoods. England's gap compares the most and least deprived fifths of all England's "
    "neighbourhoods (national quintiles) with the same method.")


def fifth_mix_caption(place_name: str) -> str:
    """Caption of the table of where each pooled fifth's residents live."""
    return f"{place_name}: where the residents of each pooled local fifth live (MSOA fifths)"


GAP_CHART_CAPTION = ("Gap between the most and least deprived fifths (most minus least) for each authority and "
                     "for England, small-area indicators. Sources: see Methods and sources.")
OVERVIEW_CAPTION = "Gap between the most and least deprived fifth, by authority, with England's gap"
LA_SIDE_BY_SIDE_CAPTION = "Indicators published only for whole authorities: each authority against England"


def gap_sentences(ov: pd.DataFrame, names: list[str]) -> list[str]:
    """Each authority's gap against England's, for life expectancy and income deprivation."""
    out = []
    for iid in ("le_male", "le_female", "income", "idaci"):
        row = ov[ov["indicator_id"] == iid]
        if not row.empty:
            out += [gap_vs_england_sentence(row.iloc[0], f"{n} gap", n) for n in names]
    return out


ALL_AVAILABLE = "Every indicator is available for this area."


def not_available_caption(place_name: str) -> str:
    """Caption of the table of indicators not available."""
    return f"{place_name}: indicators not available, and why"


def data_notes(r) -> list[str]:
    """Problems met while loading the inputs."""
    return list(r.notes)


METHODS_CAPTION = "Method, source and geography of each indicator"


def method_paragraphs() -> str:
    """The reliability rule, for the Methods and sources appendix."""
    from jsna.reliability import rule_text

    return rule_text()


#: the rows of the nbval check and of the headline figures
CHECK_IDS = ("idaci", "income", "idaopi", "le_male", "le_female", "hle_female")
HEADLINE_IDS = ("idaci", "income", "idaopi", "le_male", "le_female", "hle_male", "hle_female")


def check_lines(r) -> list[str]:
    """The numbers a reviewer's nbval run compares (the notebook's NBVAL_CHECK_OUTPUT cell)."""
    idx = r.table.set_index("indicator_id")
    out = []
    for iid in CHECK_IDS:
        row = idx.loc[iid]
        out.append(f"{iid} [{row.comparison}]: {row.a_label} {row.a_value:.2f}, {row.b_label} {row.b_value:.2f}, "
                   f"gap {row.gap:.2f}, {row.significance}")
    out.append(f"indicators available: {int(r.table.available.sum())} of {len(r.table)}")
    return out


def headlines(r) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline)."""
    out = []
    t = r.table
    for _, row in t[t["indicator_id"].isin(list(HEADLINE_IDS))].iterrows():
        for side, v, who in (("a", row.a_value, "most deprived fifth"), ("b", row.b_value, "least deprived fifth")):
            out.append(dict(id=f"{row.indicator_id}_{side}", value=None if v is None else float(v),
                            unit=str(row.unit), period=str(row.period), label=f"{row['name']}: {who}"))
        out.append(dict(id=f"{row.indicator_id}_gap", value=None if row.gap is None else float(row.gap),
                        unit=str(row.unit), period=str(row.period), label=f"{row['name']}: gap"))
    out.append(dict(id="core20_share", value=r.core20["share"], unit="%", period="IoD2019 (populations mid-2015)",
                    label="Share of residents in Core20 LSOAs"))
    return out


def le_map_caption(place_name: str) -> str:
    """Caption of the map of life expectancy by neighbourhood."""
    return (f"{place_name}: life expectancy at birth by neighbourhood (MSOA), boys and girls, 2015-19. Source: OHID "
            "Local Health (no intervals published). Boundaries: ONS.")


def le_map_refused_sentences(r) -> list[str]:
    """Why life expectancy for boys or girls is not mapped (the plausibility check, or no data)."""
    return [f"Life expectancy by neighbourhood for {SEX_WORDS[sex][1]} is not mapped: {reason}."
            for sex, reason in (r.le_map_refused or {}).items()]


GAP_OVER_TIME_INTRO = ("Is the gap closing? Life expectancy against England's, and the gap between the most and least "
                       "deprived neighbourhoods (OHID's slope index of inequality), over every period available. "
                       "The health equity dashboard shows the same.")


def framework_gap_sentences(r) -> list[str]:
    """The Place's framework's words for the life-expectancy gap set against OHID's slope index (and, for boys,
    the gap between this report's fifths); none for a council whose params give no such words."""
    from jsna.words import framework_gap_sentence

    p = r.place
    if p.is_group:  # each authority's own slope index, the framework's words once
        out: list[str] = []
        for g in r.gaps or []:
            s = framework_gap_sentence(p.framework, g.area_name, *_latest_sii(g), None, lead=not out)
            if s:
                out.append(s)
        return out
    male, female = r.published_sii.get("Male") or {}, r.published_sii.get("Female") or {}
    fifths = r.table[(r.table["indicator_id"] == "le_male") & r.table["available"].astype(bool)
                     & r.table["comparison"].str.startswith("Most")]
    gap = shown_gap(fifths.iloc[0]) if len(fifths) else None
    s = framework_gap_sentence(p.framework, p.short_name, male.get("value"), female.get("value"),
                               male.get("period"), gap, str(fifths.iloc[0]["period"]) if len(fifths) else None)
    return [s] if s else []


def _latest_sii(g) -> tuple[float | None, float | None, str | None]:
    m, f = g.sii.get("Male"), g.sii.get("Female")
    male = None if m is None or m.empty else float(m.iloc[-1]["value"])
    female = None if f is None or f.empty else float(f.iloc[-1]["value"])
    return male, female, None if m is None or m.empty else str(m.iloc[-1]["period"])
