"""Sentences for the Health Equity Audit, written from the result tables.

Wording follows the numbers: a difference is called lower/higher only when the 95% confidence
intervals do not overlap (or, against the overall value, when the group's interval excludes it);
otherwise the sentence says there is no clear difference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jsna import reliability
from jsna.topics.health_equity_audit.compute import count_words
from jsna.topics.health_equity_audit.funnel_chart import shown_rate
from jsna.words import (
    fmt_number,
    fmt_pct,
    intervals_overlap,
    is_missing,
    join_names,
    plural,
    shown_difference,
)

# Ethnicity recording: share not recorded above which improving recording is recommended.
COMPLETENESS_TARGET = 10.0

FRAMEWORK = 'Leicester, Leicestershire and Rutland\'s "Better health for all" framework'
#: the published Freestyle Libre audit in the framework (uptake %), the synthetic example's target
PUBLISHED_AUDIT = {"most_deprived": 29.0, "least_deprived": 39.0,
                   "most_minority_practices": 14.0, "fewest_minority_practices": 38.0}
SYNTHETIC = "Synthetic example"
#: the note every data download of the synthetic example carries (jsna.report.mark_synthetic)
SYNTHETIC_DATA = "Synthetic example: invented counts for illustration, not real service data"


def label(text: str, synthetic: bool) -> str:
    """A title, caption or action as shown: prefixed 'Synthetic example: ' for the synthetic file,
    so that a chart image or a quoted sentence still says so on its own."""
    return f"{SYNTHETIC}: {text}" if synthetic else text


def labelled(sentences: str | list[str], synthetic: bool) -> list[str]:
    """Finding sentences (or a chart's text description) as shown: for the synthetic file each one
    is :func:`label`-led, so that a sentence quoted on its own still says it is synthetic; a sentence
    that already says whether it is synthetic (e.g. the real Census 2021 figures) is left alone."""
    items = [sentences] if isinstance(sentences, str) else list(sentences)
    return [t if SYNTHETIC.lower() in t.lower() or "not synthetic" in t.lower() else label(t, synthetic)
            for t in items]


def _ci(row: pd.Series) -> str:
    return f"95% CI {fmt_pct(row['lowercl'])} to {fmt_pct(row['uppercl'])}"


def _valid(table: pd.DataFrame) -> pd.DataFrame:
    ok = table["value"].notna()
    if "suppressed" in table:
        ok &= ~table["suppressed"].fillna(False).astype(bool)
    return table[ok]


def _direction(a: pd.Series, b: pd.Series) -> str:
    """Row a against row b: 'similar' when their 95% intervals overlap, else 'lower' or 'higher'."""
    if intervals_overlap(a["lowercl"], a["uppercl"], b["lowercl"], b["uppercl"]):
        return "similar"
    return "lower" if a["value"] < b["value"] else "higher"


def compare_ends(table: pd.DataFrame) -> dict[str, Any] | None:
    """Most vs least deprived quintile with data: values, direction ('lower'/'higher'/'similar')."""
    q = _valid(table).sort_values("quintile")
    if len(q) < 2:
        return None
    most, least = q.iloc[0], q.iloc[-1]
    return {"most": most, "least": least, "direction": _direction(most, least),
            "gap": shown_difference(least["value"], most["value"], 1)}  # of the values as shown


def quintile_title(table: pd.DataFrame) -> str:
    """Chart title stating the finding."""
    c = compare_ends(table)
    if c is None:
        return "Uptake by deprivation quintile"
    if c["direction"] == "similar":
        return "No clear difference in uptake between the most and least deprived areas"
    return f"Uptake is {c['direction']} in the most deprived areas than in the least deprived"


def _q_name(q: int, basis: str) -> str:
    where = "of England" if basis == "national" else "of the area"
    ends = {1: f"the most deprived fifth {where}", 5: f"the least deprived fifth {where}"}
    return ends.get(int(q), f"quintile {int(q)} {where}")


def quintile_sentences(table: pd.DataFrame, basis: str = "national",
                       place_name: str = "the Place") -> list[str]:
    """Compare uptake at the two ends of the deprivation scale (national or local quintiles)."""
    c = compare_ends(table)
    empty = [int(q) for q in table.loc[table["eligible"] == 0, "quintile"]]
    out = []
    if c is None:
        out.append("There are too few people with data in the deprivation quintiles to compare "
                   "uptake by deprivation.")
    else:
        most, least = c["most"], c["least"]
        head = (f"Uptake among residents of {_q_name(most['quintile'], basis)} is "
                f"{fmt_pct(most['value'])} ({_ci(most)}), compared with "
                f"{fmt_pct(least['value'])} ({_ci(least)}) in {_q_name(least['quintile'], basis)}")
        few = [q for q in (most, least) if float(q["served"]) < reliability.MIN_EVENTS_PER_GROUP]
        if few:  # the series' reliability rule: no comparison resting on a handful of people served
            counts = join_names([count_words(q["served"]) for q in few])
            out.append(head + f". With only {counts} people served "
                       f"in {'that group' if len(few) == 1 else 'those groups'}, the report states no difference "
                       f"between them (the series needs at least {reliability.MIN_EVENTS_PER_GROUP} in each).")
        elif c["direction"] == "similar":
            out.append(head + ": the intervals overlap, so there is no clear difference.")
        else:
            out.append(head + f": {fmt_number(abs(c['gap']), 1)} percentage points "
                       f"{c['direction']}, a statistically significant difference.")
    if empty:
        names = join_names([str(q) for q in empty])
        out.append(f"Nobody eligible lives in {plural(len(empty), 'quintile')} ({names}) "
                   f"{'of England' if basis == 'national' else ''} in {place_name}.".replace("  ", " "))
    return out


def sii_sentence(sii: dict[str, Any]) -> str:
    """The slope index of inequality in words."""
    if is_missing(sii.get("sii")):
        return sii.get("note") or "The slope index of inequality could not be calculated."
    val, lo, hi = sii["sii"], sii["sii_lowercl"], sii["sii_uppercl"]
    text = (f"The slope index of inequality (SII) is {fmt_number(val, 1)} percentage points "
            f"(95% CI {fmt_number(lo, 1)} to {fmt_number(hi, 1)}): ")
    if not sii.get("significant"):
        return text + ("the interval includes zero, so there is no clear gradient in uptake "
                       "across the deprivation scale.")
    direction = "higher" if val > 0 else "lower"
    text += (f"modelled uptake at the least deprived end of the population is "
             f"{fmt_number(abs(val), 1)} points {direction} than at the most deprived end")
    if not is_missing(sii.get("rii")):
        text += f" (relative index of inequality {fmt_number(sii['rii'], 2)})"
    return text + "."


def below_overall(table: pd.DataFrame, overall: float, group_col: str) -> list[str]:
    """Groups whose whole 95% interval lies below the overall value."""
    t = _valid(table)
    return [str(g) for g in t.loc[t["uppercl"] < overall, group_col]]


def above_overall(table: pd.DataFrame, overall: float, group_col: str) -> list[str]:
    """Groups whose whole 95% interval lies above the overall value."""
    t = _valid(table)
    return [str(g) for g in t.loc[t["lowercl"] > overall, group_col]]


def ethnicity_title(table: pd.DataFrame, overall: float) -> str:
    """Chart title stating the finding for ethnic groups."""
    rec = table[table["recorded"]] if "recorded" in table else table
    low = below_overall(rec, overall, "ethnicity")
    if low:
        return f"Uptake is below the overall figure for {join_names(low)}"
    return "No recorded ethnic group differs clearly from the overall uptake"


def ethnicity_sentences(table: pd.DataFrame, overall: float) -> list[str]:
    """Recorded ethnic groups with uptake clearly below/above the overall value."""
    rec = table[table["recorded"]] if "recorded" in table else table
    low = below_overall(rec, overall, "ethnicity")
    high = above_overall(rec, overall, "ethnicity")
    out = []
    t = _valid(rec)
    if t.empty:
        return ["No ethnic group has enough people recorded to compare uptake."]
    lowest = t.loc[t["value"].idxmin()]
    highest = t.loc[t["value"].idxmax()]
    if len(t) == 1:
        out.append(f"Only one recorded ethnic group has enough people to show: uptake is "
                   f"{fmt_pct(lowest['value'])} for {lowest['ethnicity']}; overall uptake is "
                   f"{fmt_pct(overall)}.")
    else:
        out.append(f"Among people with a recorded ethnic group, uptake ranges from "
                   f"{fmt_pct(lowest['value'])} ({lowest['ethnicity']}) to "
                   f"{fmt_pct(highest['value'])} ({highest['ethnicity']}); overall uptake is "
                   f"{fmt_pct(overall)}.")
    if low:
        out.append(f"Uptake is significantly below the overall figure for: {join_names(low)}.")
    if high:
        out.append(f"Uptake is significantly above the overall figure for: {join_names(high)}.")
    if not low and not high:
        out.append("No recorded ethnic group differs significantly from the overall figure.")
    unrec = _valid(table[~table["recorded"]]) if "recorded" in table else table.iloc[0:0]
    if not unrec.empty:
        served = int(unrec["served"].sum())
        elig = int(unrec["eligible"].sum())
        out.append(f"For people whose ethnicity is not recorded, uptake is "
                   f"{fmt_pct(100 * served / elig)} ({fmt_number(served)} of {fmt_number(elig)}).")
    return out


def completeness_sentences(overall: pd.Series, by_practice: pd.DataFrame | None = None,
                           target: float = COMPLETENESS_TARGET) -> list[str]:
    """Share of eligible people with ethnicity unknown or not stated, and the worst practices."""
    out = [f"Ethnicity is not recorded (Unknown or Not stated) for "
           f"{fmt_number(overall['not_recorded'])} of {fmt_number(overall['eligible'])} eligible "
           f"people: {fmt_pct(overall['value'])} ({_ci(overall)})."]
    if overall["value"] > target:
        out.append(f"That is above the {fmt_pct(target, 0)} this audit treats as the most that "
                   "still allows a fair comparison between ethnic groups.")
    else:
        out.append(f"That is within the {fmt_pct(target, 0)} this audit treats as acceptable.")
    if by_practice is not None and not by_practice.empty:
        worse = _valid(by_practice)
        worse = worse[worse["lowercl"] > overall["value"]].sort_values("value", ascending=False)
        if not worse.empty:
            names = [f"{r.label} ({fmt_pct(r.value)})" for r in worse.head(5).itertuples()]
            verb = "records" if len(worse) == 1 else "record"
            worst = "" if len(worse) == 1 else ", the worst being"
            out.append(f"{plural(len(worse), 'practice')} {verb} ethnicity significantly less "
                       f"often than the rest{worst}: {join_names(names)}.")
    return out


SIGNIFICANCE_WORDS = {
    "Low (0.001)": "below the 99.8% limit",
    "Low (0.025)": "below the 95% limit",
    "High (0.025)": "above the 95% limit",
    "High (0.001)": "above the 99.8% limit",
}


def practice_title(points: pd.DataFrame) -> str:
    """Funnel chart title stating the finding."""
    sig = points["significance"].astype(str)
    low99, low = int((sig == "Low (0.001)").sum()), int(sig.str.startswith("Low").sum())
    if low99:
        return f"{plural(low99, 'practice')} {'has' if low99 == 1 else 'have'} uptake below the 99.8% limit"
    if low:
        return (f"No practice is below the 99.8% limit; {fmt_number(low)} "
                f"{'is' if low == 1 else 'are'} below the 95% limit")
    return "No practice has uptake below the funnel limits"


def practice_sentences(points: pd.DataFrame, overall: float) -> list[str]:
    """Practices outside the funnel limits. points: ``label``, ``value``, ``significance``."""
    n = len(points)
    low99 = points[points["significance"] == "Low (0.001)"]
    low95 = points[points["significance"] == "Low (0.025)"]
    high = points[points["significance"].astype(str).str.startswith("High")]
    out = [f"Of {plural(n, 'practice')}, {fmt_number(len(low99) + len(low95))} "
           f"{'has' if len(low99) + len(low95) == 1 else 'have'} uptake below the funnel limits "
           f"around the overall {fmt_pct(overall)} and {fmt_number(len(high))} above them."]
    if not low99.empty:
        names = [f"{r.label} ({shown_rate(r)})" for r in low99.sort_values("value").itertuples()]
        out.append(f"Below the 99.8% limit (very unlikely to be chance): {join_names(names)}.")
    if not low95.empty:
        names = [f"{r.label} ({shown_rate(r)})" for r in low95.sort_values("value").itertuples()]
        out.append(f"Below the 95% limit only (possibly chance; watch): {join_names(names)}.")
    out.append("The funnel compares crude uptake: a practice whose patients are more deprived, "
               "or differ in age or ethnic group, may sit low for those reasons, so read it "
               "alongside the results by deprivation and ethnic group.")
    return out


def recommended_actions(quintiles: pd.DataFrame | None, sii: dict[str, Any] | None,
                        ethnicity: pd.DataFrame | None, overall: float,
                        completeness: pd.Series | None, practices: pd.DataFrame | None,
                        service: str = "the service", basis: str = "national",
                        target: float = COMPLETENESS_TARGET, framework=None) -> list[str]:
    """Actions phrased from the results; each names the numbers behind it."""
    acts = []
    c = compare_ends(quintiles) if quintiles is not None else None
    if c is not None and c["direction"] == "lower":
        acts.append(
            f"Uptake in {_q_name(c['most']['quintile'], basis)} is {fmt_pct(c['most']['value'])} "
            f"vs {fmt_pct(c['least']['value'])} in {_q_name(c['least']['quintile'], basis)}: "
            f"target outreach for {service} at the most deprived neighbourhoods (proactive "
            "invitations, follow-up of people not yet served, sessions in community settings) "
            "and set a goal to close the gap, re-auditing in 12 months.")
    elif c is not None and c["direction"] == "higher":
        acts.append(f"Uptake is higher in the most deprived areas ({fmt_pct(c['most']['value'])} vs "
                    f"{fmt_pct(c['least']['value'])}): keep the approach that reaches them and "
                    "check that need is being met in the least deprived areas too.")
    elif c is not None:
        acts.append("No clear gap by deprivation: keep monitoring uptake by quintile each quarter.")
    if sii and not is_missing(sii.get("sii")) and sii.get("significant") and sii["sii"] > 0 \
            and (c is None or c["direction"] != "lower"):
        acts.append(f"The slope index of inequality ({fmt_number(sii['sii'], 1)} points) shows "
                    "a gradient across the whole population: look beyond the extremes.")
    if ethnicity is not None:
        rec = ethnicity[ethnicity["recorded"]] if "recorded" in ethnicity else ethnicity
        low = _valid(rec)
        low = low[low["uppercl"] < overall].sort_values("value")
        if not low.empty:
            parts = [f"{r.ethnicity} ({fmt_pct(r.value)})" for r in low.itertuples()]
            acts.append(f"Uptake is below the overall {fmt_pct(overall)} for {join_names(parts)}: "
                        "co-design outreach with community organisations and check that "
                        "information is offered in accessible formats and languages.")
    if completeness is not None and completeness["value"] > target:
        acts.append(f"Ethnicity is not recorded for {fmt_pct(completeness['value'])} of eligible "
                    f"people (above {fmt_pct(target, 0)}): improve recording"
                    + (f" (action {framework.recording_action} of {framework.name}, {framework.description})"
                       if framework is not None and framework.recording_action else "")
                    + " so that gaps between ethnic groups can be measured reliably.")
    if practices is not None and not practices.empty:
        low = practices[practices["significance"] == "Low (0.001)"].sort_values("value")
        if not low.empty:
            names = [f"{r.label} ({shown_rate(r)})" for r in low.itertuples()]
            share = (" and share what works in the practices above the limits"
                     if practices["significance"].astype(str).str.startswith("High").any() else "")
            acts.append(f"Review with {join_names(names)} why uptake is below the 99.8% funnel "
                        f"limit{share}.")
    if not acts:
        acts.append(f"No significant inequality was found in {service}: keep auditing regularly.")
    return acts


def input_summary(run, place_name: str, service: str) -> list[str]:
    """What was read: rows, people, overall uptake, breakdowns offered and rows left out."""
    rows, h = run.rows, run.hea
    elig, served = int(rows["eligible"].sum()), int(rows["served"].sum())
    where = f"who live in {place_name}" if h.geography else "in total"
    parts = [f"The file lists {fmt_number(elig)} people eligible for {service} {where}, of whom "
             f"{fmt_number(served)} were served: an overall uptake of {fmt_pct(run.overall)}."]
    offered = []
    if h.geography:
        offered.append(f"residence {h.geography.upper()} (so deprivation)")
    if h.has_practice:
        offered.append("GP practice")
    if h.has_ethnicity:
        offered.append("ethnic group")
    if h.has_age:
        offered.append("age band")
    parts.append(f"It breaks the counts down by {join_names(offered)}.")
    if run.dropped.get("rows"):
        parts.append(f"{plural(run.dropped['rows'], 'row')} ({fmt_number(run.dropped['eligible'])} "
                     f"people eligible) for residents outside {place_name} are left out.")
    if h.geography is None:
        parts.append("The file has no residence column (lsoa11cd or msoa11cd), so it cannot be "
                     f"limited to residents of {place_name} and uptake by deprivation cannot be "
                     "measured: every row is used.")
    parts.extend(h.warnings)
    return parts



def _mix_ends(table: pd.DataFrame) -> dict[str, Any] | None:
    t = _valid(table)
    if len(t) < 2:
        return None
    few, most = t.iloc[0], t.iloc[-1]
    return {"few": few, "most": most, "direction": _direction(most, few)}


def mix_title(table: pd.DataFrame, reasons: list[str]) -> str:
    """Chart title for practices grouped by ethnic mix, stating the finding only when allowed."""
    c = _mix_ends(table)
    if reasons or c is None:
        return "Uptake by the ethnic mix of the practice's patients"
    if c["direction"] == "similar":
        return ("No clear difference in uptake between the practices with the most and the "
                "fewest minority ethnic patients")
    return (f"Uptake is {c['direction']} in the practices with the most minority ethnic patients "
            "than in those with the fewest")


def mix_method(table: pd.DataFrame) -> str:
    """How the practices were grouped (stated beside the chart)."""
    k = int(table.attrs.get("n_groups", len(table)))
    word = "fifths" if k == 5 else "quartiles" if k == 4 else "groups"
    n = int(table["practices"].sum())
    text = (f"Each practice's ethnic mix is read from the service's own counts: the share of its "
            f"eligible patients with a recorded ethnic group who are in a group other than White. "
            f"The {plural(n, 'practice')} are ranked by that share and cut into {word} holding "
            "equal numbers of practices.")
    if k == 4:
        text += " Quartiles are used because there are too few practices for fifths of at least 3."
    left = int(table.attrs.get("ungrouped", 0))
    if left:
        text += (f" {plural(left, 'practice')} with fewer than 5 patients of recorded ethnicity "
                 f"{'is' if left == 1 else 'are'} left out.")
    return text


def mix_sentences(table: pd.DataFrame, reasons: list[str], place_name: str) -> list[str]:
    """Compare the practices with the most and the fewest minority ethnic patients, or say why not."""
    if reasons:
        return [f"The report does not compare uptake between practices grouped by ethnic mix in "
                f"{place_name}: {join_names(reasons)}. A difference between so few practices or "
                "people would describe particular practices rather than their patients' ethnic "
                "mix; the funnel plot below compares each practice with the overall uptake."]
    c = _mix_ends(table)
    if c is None:
        return ["Too few practices have data to compare uptake by ethnic mix."]
    few, most = c["few"], c["most"]
    head = (f"Uptake in the practices with the most minority ethnic patients "
            f"({fmt_pct(most['share_min'], 0)} to {fmt_pct(most['share_max'], 0)} of recorded "
            f"patients) is {fmt_pct(most['value'])} ({_ci(most)}), compared with "
            f"{fmt_pct(few['value'])} ({_ci(few)}) in those with the fewest "
            f"({fmt_pct(few['share_min'], 0)} to {fmt_pct(few['share_max'], 0)})")
    if c["direction"] == "similar":
        return [head + ": the intervals overlap, so there is no clear difference."]
    gap = abs(shown_difference(few["value"], most["value"], 1))  # of the values as shown
    return [head + f": {fmt_number(gap, 1)} percentage points {c['direction']}, a statistically "
            "significant difference."]


def published_deprivation(q_nat: pd.DataFrame) -> str:
    """The published audit's deprivation figures beside the synthetic example's."""
    p = PUBLISHED_AUDIT
    q = _valid(q_nat).set_index("quintile")
    ours = (f"{fmt_pct(q.loc[1, 'value'])} in the most deprived fifth of England and "
            f"{fmt_pct(q.loc[5, 'value'])} in the least deprived"
            if 1 in q.index and 5 in q.index else "not shown for this area, where one end of England's "
            "deprivation scale has too few eligible residents to show")
    return (f"Published figures (Freestyle Libre audit, {FRAMEWORK}): uptake "
            f"{fmt_pct(p['most_deprived'], 0)} in the most deprived areas against "
            f"{fmt_pct(p['least_deprived'], 0)} in the least deprived. {SYNTHETIC} (invented "
            "counts calibrated to those figures for the three authorities together, with the same "
            f"direction inside each): {ours}.")


def published_mix(table: pd.DataFrame, reasons: list[str]) -> str:
    """The published audit's practice ethnic-mix figures beside the synthetic example's."""
    p = PUBLISHED_AUDIT
    c = _mix_ends(table)
    ours = ("not stated for this area (see above)" if reasons or c is None else
            f"{fmt_pct(c['most']['value'])} in the practices with the most minority ethnic patients "
            f"and {fmt_pct(c['few']['value'])} in those with the fewest")
    return (f"Published figures (Freestyle Libre audit, {FRAMEWORK}): uptake "
            f"{fmt_pct(p['most_minority_practices'], 0)} in the practices with the most "
            f"ethnic-minority patients against {fmt_pct(p['fewest_minority_practices'], 0)} in "
            f"those with the fewest. {SYNTHETIC}: {ours}.")


def mix_action(table: pd.DataFrame, reasons: list[str], service: str = "the service") -> str | None:
    """The action when the practices with the most minority ethnic patients have lower uptake."""
    c = _mix_ends(table)
    if reasons or c is None or c["direction"] != "lower":
        return None
    return (f"Uptake in the practices with the most minority ethnic patients is "
            f"{fmt_pct(c['most']['value'])} vs {fmt_pct(c['few']['value'])} in those with the "
            f"fewest: work with those practices and their communities on how {service} is "
            "offered, and re-audit by practice ethnic mix.")


def calibrated(r) -> bool:
    """Whether the audit is the series' own synthetic example, whose counts are calibrated to the published
    Freestyle Libre audit (so the published figures are quoted beside it); another synthetic file is not."""
    from jsna.topics.health_equity_audit.applies import SYNTHETIC_EXAMPLE

    return bool(r.synthetic) and Path(r.source).name == SYNTHETIC_EXAMPLE.name


def synthetic_note(r) -> str:
    """The warning at the top of a synthetic audit: the shipped example's, or any other synthetic file's."""
    if calibrated(r):
        return SYNTHETIC_NOTE
    return ("SYNTHETIC DATA: the counts in this audit are invented, for testing and demonstration. It says "
            "nothing about any real service.")


def method_paragraphs(synthetic: bool, od: pd.Series | None = None, calibrated_example: bool = True) -> list[str]:
    """The audit's data and methods, for its Methods and sources appendix (with the overdispersion
    test's statistics, :func:`overdispersion_detail`, when ``od`` is given)."""
    service = ("The service file is the SYNTHETIC example shipped with the series: generated with a fixed seed "
               "from the real LSOA list and IMD 2019, with invented counts and synthetic practices, calibrated to "
               f"the published Freestyle Libre audit in {FRAMEWORK}." if synthetic and calibrated_example else
               "The service file is SYNTHETIC: its counts are invented." if synthetic else
               "The service file is the file supplied by the service "
               "(its name and checksum are in the notebook for reviewers).")
    return [
        service + " Small numbers (1 to 4 people served or eligible) are "
        "shown as 'fewer than 5': such practices stay in the funnel plot and its counts, while in the quintile, "
        "ethnic group and age tables such small groups are suppressed.",
        "Deprivation is the English Index of Multiple Deprivation 2019 of the person's residence (2011 LSOAs; "
        "an MSOA takes the population-weighted average score of its LSOAs). National quintiles: deciles 1 and 2 "
        "of England's LSOAs form quintile 1. Local quintiles: population-weighted fifths of the Place's own "
        "areas (mid-2015 populations).",
        "Methods: proportions with Wilson score intervals; slope and relative index of inequality (PHE method, "
        "Monte Carlo limits, fixed seed); funnel-plot limits for proportions as in the Fingertips technical "
        "guidance, widened by an additive random-effects term (Spiegelhalter 2005) when a chi-squared test finds "
        "the practices overdispersed (5% level); the report states which.",
        *([d] if (d := overdispersion_detail(od)) else []),
    ]


def sii_data(sii: dict[str, Any] | None) -> dict[str, object]:
    """The slope and relative index of inequality as columns of the local quintile chart's CSV
    (the data behind :func:`sii_sentence`)."""
    if not sii or is_missing(sii.get("sii")):
        return {}
    return {"slope index of inequality (percentage points)": sii["sii"],
            "SII lower 95% limit": sii.get("sii_lowercl"), "SII upper 95% limit": sii.get("sii_uppercl"),
            "relative index of inequality": sii.get("rii")}


def overdispersion_data(od: pd.Series) -> dict[str, object]:
    """The overdispersion test as columns of the funnel plot's CSV (the data behind
    :func:`overdispersion_sentence`)."""
    return {"overdispersion phi": od.get("phi"), "chi-squared": od.get("chi_squared"),
            "degrees of freedom": od.get("df"), "chi-squared p": od.get("p_value"),
            "tau squared": od.get("tau2"), "z-scores winsorised at each end (%)": 100 * float(od.get("trim", 0.1))}


def overdispersion_sentence(od: pd.Series) -> str:
    """What the overdispersion test found, in plain words for the findings (its statistics are in
    the appendix: :func:`overdispersion_detail`)."""
    n = od.get("n_units")
    if is_missing(n) or int(n) < 2 or is_missing(od.get("p_value")):
        return "There are too few practices to test whether they vary more than chance alone would explain."
    practices = plural(int(n), "practice")
    if bool(od.get("overdispersed")):
        return (f"The {practices} vary more than chance alone would explain, so the funnel limits were widened "
                "to allow for it (the test is described under Methods and sources).")
    return f"The {practices} vary no more than chance alone would explain, so the usual funnel limits are used."


def overdispersion_detail(od: pd.Series | None) -> str:
    """The overdispersion test's note (jsna.stats), with its statistics, for the Methods and sources
    appendix: its units are practices, and a p-value below 0.001 reads "p < 0.001"."""
    import re

    if od is None or len(od) == 0:
        return ""
    note = str(od.get("note") or "")
    note = re.sub(r"\b(\d+) units?\b", lambda m: plural(int(m.group(1)), "practice"), note)
    p = od.get("p_value")
    if not is_missing(p) and float(p) < 0.001:
        note = re.sub(r"p = [0-9.e+-]+", "p < 0.001", note)
    return f"Overdispersion test of the practices' uptake: {note}" if note else ""


def census_sentences(table: pd.DataFrame, place_name: str, synthetic: bool) -> list[str]:
    """Who the eligible population is, from :func:`jsna.topics.health_equity_audit.compute.
    eligible_beside_census`: the Place's Census 2021 residents by ethnic group (real figures) beside
    the service's eligible people with a recorded group (labelled when the file is synthetic)."""
    out = [f"Census 2021 residents of {place_name} (21 March 2021; real figures, not synthetic): " + join_names(
        [f"{fmt_pct(r['census_share'])} {r['ethnicity']}" for _, r in table.iterrows()]) + "."]
    shown = table[~table["suppressed"] & table["eligible_share"].notna()]
    if len(shown):
        out.append(label("of the eligible people whose ethnic group is recorded in the service file, " + join_names(
            [f"{fmt_pct(r['eligible_share'])} are {r['ethnicity']}" for _, r in shown.iterrows()]) +
            "; a group whose share of eligible people is well below its share of residents may be missing "
            "from the list of people the service counts as eligible.", synthetic))
    return [s[:1].upper() + s[1:] for s in out]


# --------------------------------------------------------------------------- the notebook's prose
def audit_definition(audit) -> list[str]:
    """What the audit counts (its spec): who is eligible, who is served, and the period."""
    if not audit.name:
        return ["The service's file does not name the service or its period: it is read as it stands."]
    return [f"The audit is of {audit.service}. Eligible: {audit.eligible}. Served: {audit.served}. "
            f"Period: {audit.period}."]


def data_meta(r) -> dict[str, str]:
    """The columns every CSV of the report carries: the service, what eligible and served mean, the period."""
    return r.audit.as_meta() if r.audit is not None else {}


def service_heading(service: str, place_name: str) -> str:
    """The report's heading: the service (first letter capitalised) and the Place."""
    return f"{service[:1].upper()}{service[1:]}: {place_name}"


SYNTHETIC_NOTE = ("SYNTHETIC DATA: this example was generated by the report series from the real list "
                  "of neighbourhoods and IMD 2019, with invented counts and synthetic practices, "
                  "calibrated to the published Freestyle Libre audit in " + FRAMEWORK + ". It shows "
                  "how the audit works; it says nothing about any real service.")


def rejected_note(errors: pd.DataFrame) -> str:
    """The note that the input file was rejected and the analysis skipped."""
    n = len(errors)
    return (f"The input file could not be used: {n} problem{'s' if n != 1 else ''} "
            "found. The analysis is skipped. Correct each row listed and run the report again.")


ERROR_COUNTS_CAPTION = "Problems found in the input file, by kind"


def errors_caption(errors: pd.DataFrame) -> str:
    """Caption of the table of problems (the first ones only when there are many)."""
    from jsna.topics.health_equity_audit.tables import MAX_ERRORS_SHOWN

    n = len(errors)
    shown = min(n, MAX_ERRORS_SHOWN)
    return (f"Problems found in the input file: the first {shown} of {n} "
            "(the download below lists them all)" if n > shown else "Problems found in the input file")


def key_findings(r, service: str) -> list[str]:
    """The key findings box: the first sentence of each section, labelled for the synthetic file,
    with the published audit's figures beside the synthetic example's."""
    findings = [input_summary(r, r.place.name, service)[0]]
    if r.by_national_quintile is not None:
        findings.append(quintile_sentences(r.by_national_quintile, "national", r.place.name)[0])
    if r.by_practice_mix is not None:
        findings.append(mix_sentences(r.by_practice_mix, r.mix_reasons, r.place.name)[0])
    if r.by_ethnicity is not None:
        findings.append(ethnicity_sentences(r.by_ethnicity, r.overall)[0])
        findings.append(completeness_sentences(r.completeness)[0])
    if r.by_practice is not None:
        findings.append(practice_sentences(r.practices_shown, r.overall)[0])
    if r.synthetic:
        findings = [label(f, True) for f in findings]
    if calibrated(r):
        if r.by_national_quintile is not None:
            findings.append(published_deprivation(r.by_national_quintile))
        if r.by_practice_mix is not None:
            findings.append(published_mix(r.by_practice_mix, r.mix_reasons))
    return findings


QUINTILE_CAPTION = ("Uptake by IMD 2019 quintile of England (residence LSOA/MSOA), 95% Wilson confidence "
                    "intervals. Sources: service file; MHCLG English Indices of Deprivation 2019.")
QUINTILE_TABLE_CAPTION = "Uptake by national deprivation quintile (1 = most deprived)"
NO_DEPRIVATION_NOTE = ("Uptake by deprivation is not shown: the file has no residence column "
                       "(lsoa11cd or msoa11cd).")


def local_quintile_caption(place_name: str) -> str:
    """Caption of the chart of uptake by local deprivation quintile."""
    return (f"Uptake by population-weighted IMD 2019 quintile within {place_name} (each fifth holds about "
            "a fifth of residents, mid-2015), 95% Wilson confidence intervals.")


def quintile_paragraphs(r, basis: str = "national") -> list[str]:
    """:func:`quintile_sentences` of the national (or local) quintiles of the results ``r``; for the
    synthetic file, the published audit's figures beside the national ones."""
    if basis == "national":
        table = r.by_national_quintile
        return quintile_sentences(table, basis, r.place.name) + ([published_deprivation(table)] if calibrated(r) else [])
    return quintile_sentences(r.by_local_quintile, basis, r.place.name)


def sii_paragraph(sii: dict[str, Any], place_name: str) -> str:
    """:func:`sii_sentence`, saying which quintiles it is calculated across."""
    return sii_sentence(sii) + ("" if is_missing(sii.get("sii")) else
                                f" (Calculated across the local quintiles of {place_name}.)")


ETHNICITY_CAPTION = ("Uptake by ethnic group as recorded by the service, "
                     "95% Wilson confidence intervals. Source: service file.")
NO_ETHNICITY_NOTE = ("Uptake by ethnic group and recording completeness are not shown: the file has "
                     "no ethnicity column.")


def census_caption(place_name: str) -> str:
    """Caption of the table of eligible people beside the Census 2021 residents."""
    return (f"Eligible people by recorded ethnic group beside Census 2021 residents of {place_name} "
            "(21 March 2021). Census 2021 figures are real (Office for National Statistics, usual "
            "residents by 2021 neighbourhood); the service columns come from the service file")


def not_recorded_caption(by_practice: pd.DataFrame | None) -> str:
    """Caption of the table of ethnicity not recorded (tables.not_recorded_display)."""
    if by_practice is None:
        return "Ethnicity not recorded (Unknown or Not stated)"
    return ("Ethnicity not recorded (Unknown or Not stated): all eligible people, then "
            + ("the 10 practices with the highest share" if len(by_practice) > 10
               else "every practice, highest share first"))


def mix_paragraphs(r) -> list[str]:
    """:func:`mix_sentences` of the results ``r``; for the synthetic file, the published audit's figures."""
    mix, why = r.by_practice_mix, r.mix_reasons
    return mix_sentences(mix, why, r.place.name) + ([published_mix(mix, why)] if calibrated(r) else [])


MIX_CAPTION = ("Uptake for GP practices grouped by the share of their eligible patients recorded in "
               "a minority ethnic group, 95% Wilson confidence intervals. Source: service file.")
NO_MIX_NOTE = "Uptake by the ethnic mix of practices is not shown: the file has no ethnicity column."
FUNNEL_CAPTION = ("Each marker is a GP practice; lines are 95% (dashed) "
                  "and 99.8% (solid) control limits around the overall uptake (Fingertips method, "
                  "widened for overdispersion when the test below finds it). Source: service file.")
NO_PRACTICE_NOTE = "Uptake by practice is not shown: the file gives no GP practice code for its rows."


def suppressed_practices_note(points: pd.DataFrame) -> str:
    """The note on practices whose counts are masked (they stay in the funnel and its findings)."""
    n = int(points["suppressed"].sum())
    return (f"{plural(n, 'practice')} with fewer than 5 people served or eligible {'is' if n == 1 else 'are'} "
            f"plotted and counted like every other; {'its' if n == 1 else 'their'} counts are shown as "
            '"fewer than 5" in the tables and the chart\'s data (and one more is withheld where a single one '
            "could be worked out from the totals).")


def actions(r, service: str) -> list[str]:
    """The recommended actions (:func:`recommended_actions`, with :func:`mix_action` second),
    labelled for the synthetic file."""
    acts = recommended_actions(r.by_national_quintile, r.sii, r.by_ethnicity, r.overall, r.completeness,
                               r.practices_shown, service=service, framework=r.place.framework)
    extra = mix_action(r.by_practice_mix, r.mix_reasons, service) if r.by_practice_mix is not None else None
    if extra:
        acts.insert(1, extra)
    return [label(a, r.synthetic) for a in acts]


def check_lines(r) -> list[str]:
    """The numbers a reviewer's nbval run compares (the notebook's NBVAL_CHECK_OUTPUT cell)."""
    if not r.ok:
        return [f"input rejected: {len(r.errors)} problems"]
    lines = [f"eligible={int(r.rows['eligible'].sum())} served={int(r.rows['served'].sum())} "
             f"uptake={r.overall:.1f}%"]
    if r.deprivation is not None:
        lines.append("national quintile uptake: " + ", ".join(
            "NA" if v != v else f"{v:.1f}" for v in r.by_national_quintile["value"]))
    if r.completeness is not None:
        lines.append(f"ethnicity not recorded={r.completeness['value']:.1f}%")
    return lines


def headlines(r) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline); none for a
    rejected file."""
    if not r.ok:
        return []
    period = (r.audit.period if r.audit is not None and r.audit.name
              else "service file " + r.source.rsplit("/", 1)[-1])
    out = [dict(id="eligible", value=int(r.rows["eligible"].sum()), unit="people", period=period,
                label="People eligible"),
           dict(id="served", value=int(r.rows["served"].sum()), unit="people", period=period,
                label="People served"),
           dict(id="uptake", value=r.overall, unit="%", period=period, label="Overall uptake")]
    if r.deprivation is not None:
        for q, v in zip(r.by_national_quintile["quintile"], r.by_national_quintile["value"], strict=True):
            out.append(dict(id=f"uptake_national_q{int(q)}", value=None if v != v else float(v), unit="%",
                            period=period, label=f"Uptake, national IMD 2019 quintile {int(q)} (1 = most deprived)"))
    if r.completeness is not None:
        out.append(dict(id="ethnicity_not_recorded", value=float(r.completeness["value"]), unit="%",
                        period=period, label="Ethnicity not recorded"))
    return out


def introduction(place) -> str:
    """The paragraph under the title: what an audit asks, and who asks it of every service where the Place's
    framework does (params ``framework:``)."""
    fw = place.framework
    asks = (f", as {fw.name}, {fw.description}, asks of every service"
            + (f" (action {fw.audit_action})" if fw.audit_action else "") if fw else "")
    return (f"A Health Equity Audit asks whether a service reaches everyone who could benefit from it equally{asks}. "
            "This report shows uptake by deprivation, by ethnic group, by the ethnic mix of each GP practice's "
            "patients and by practice, how completely ethnicity is recorded, and the actions the results point "
            "to. The key findings come first; how the input file must be laid out is in the appendix.")
