"""Sentences for the health-equity dashboard and the Core20PLUS5 view, written from the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators import COVID_WORDS, NOT_AVAILABLE, NOT_HELD, NOT_PUBLISHED
from jsna.places import ENGLAND_CODE
from jsna.topics.equity_dashboard.compute import NO_LIMITS
from jsna.words import fmt_number, fmt_pct, is_missing, join_names, plural, possessive


def _names(rows: pd.DataFrame) -> str:
    return join_names([f"{_lower_first(r['name'])} ({r['period']})" for _, r in rows.iterrows()])


def _lower_first(name: str) -> str:
    """'Adults living with obesity' -> 'adults living with obesity', 'Under-75 mortality' -> 'under-75
    mortality' (keeps acronyms like 'GCSE', 'Year 6' and names starting with a number)."""
    first = name.split(" ")[0]
    keep = first.isupper() or first == "Year" or first[:1].isdigit()
    return name if keep else name[0].lower() + name[1:]


def _group_by_reason(missing: pd.DataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for _, r in missing.iterrows():
        out.setdefault(str(r["note"]) or NOT_HELD, []).append(_lower_first(r["name"]))
    return out


def missing_sentences(dash: pd.DataFrame, area_name: str) -> list[str]:
    """'Not in the data held for Leicestershire (the extract covers ...): a, b and c.'"""
    out = []
    missing = dash[dash["value"].isna() & (dash["note"] != NOT_AVAILABLE)]  # those are in refresh_note's box
    for reason, names in _group_by_reason(missing).items():
        if reason == NOT_PUBLISHED:
            out.append(f"Not published for {area_name} (the publisher leaves the value blank): "
                       f"{join_names(names)}.")
            continue
        why = reason.removeprefix(NOT_HELD).strip()
        out.append(f"Not in this report's sources for {area_name}{' ' + why if why else ''}: {join_names(names)}.")
    return out


def dashboard_sentences(dash: pd.DataFrame, area_name: str) -> list[str]:
    """Summary of one area's dashboard rows: better/worse than England at 95% and 99.8%, old data,
    region, peers, recent trends, baseline changes, and what is not in the data held."""
    have = dash[dash["value"].notna()]
    # findings first, on current data only: a flag on data more than five years old is listed apart
    compared = have[have["sig95"].isin(["better", "similar", "worse"]) & ~have["old"].astype(bool)]
    out: list[str] = []
    if compared.empty:
        out.append(f"None of the {plural(len(have), 'indicator')} for {area_name} with current data could be "
                   "compared with England.")
    else:
        better = compared[compared["sig95"] == "better"]
        worse = compared[compared["sig95"] == "worse"]
        out.append(f"Of {plural(len(compared), 'indicator')} with current data that can be compared with England, {area_name} "
                   f"is significantly better on {len(better)} and significantly worse on {len(worse)} "
                   "at the 95% level.")
        if len(worse):
            out.append(f"Worse than England: {_names(worse)}.")
        if len(better):
            out.append(f"Better than England: {_names(better)}.")
        strict = compared[compared["sig998"] == "worse"]
        with_998 = compared[compared["sig998"] != "not compared"]
        if len(with_998):
            if len(strict):
                out.append(f"At the stricter 99.8% level (which only flags larger differences), "
                           f"{plural(len(strict), 'indicator')} {'remains' if len(strict) == 1 else 'remain'} worse "
                           f"than England: {_names(strict)}.")
            else:
                out.append("At the stricter 99.8% level no indicator with confidence limits is worse "
                           "than England.")
    old = have[have["old"].astype(bool) & have["sig95"].isin(["better", "worse"])]
    if len(old):
        out.append("Not counted above, because the data are more than five years old: " + join_names(
            [f"{_lower_first(r['name'])} ({r['period']}, {r['sig95']} than England)" for _, r in old.iterrows()])
            + ".")
    region = have[have["region_value"].notna()]
    if len(region):
        name = region["region_name"].dropna().iloc[0] if region["region_name"].notna().any() else "the region"
        rw = region[region["sig_region"] == "worse"]
        rb = region[region["sig_region"] == "better"]
        s = (f"Against {name} (the region's value is held for {len(region)} of {len(have)} indicators), "
             f"{area_name} is significantly better on {len(rb)} and worse on {len(rw)}")
        out.append(s + (f": worse on {_names(rw)}." if len(rw) else "."))
    ranked = have[have["peer_rank"].notna() & (have["peer_n"] >= 4)]
    if len(ranked):
        q = ranked["peer_rank"].astype(float) / ranked["peer_n"].astype(float)
        bottom = ranked[q > 0.75]
        top = ranked[(ranked["peer_rank"].astype(float) <= np.ceil(ranked["peer_n"].astype(float) / 4))]
        s = (f"Among {area_name} and its statistical neighbours (similar authorities), {area_name} is in the "
             f"best quarter on {len(top)} and the worst quarter on {len(bottom)} of the {len(ranked)} "
             "indicators that can be ranked")
        out.append(s + (f"; worst quarter: {_names(bottom)}." if len(bottom) else "."))
    out += trend_sentences(have)
    changed = have[have["change_sig"].isin(["better", "worse"])]
    if len(changed):
        cw = changed[changed["change_sig"] == "worse"]
        s = (f"Since the agreed baseline (the period nearest 2021), {plural(len(changed), 'indicator')} "
             f"changed significantly: {len(changed) - len(cw)} better, {len(cw)} worse")
        out.append(s + (f" ({join_names([_lower_first(r['name']) + ' since ' + str(r['baseline_period']) for _, r in cw.iterrows()])})."
                        if len(cw) else "."))
    out += pre_pandemic_sentences(have)
    nc = have[~have["sig95"].isin(["better", "similar", "worse"])]
    if len(nc):
        out.append(f"{plural(len(nc), 'indicator')} cannot be compared with England because the "
                   "sources give no confidence limits, published comparison or England value; they are shown "
                   "for context.")
    out += missing_sentences(dash, area_name)
    return out


#: why the recent trend cannot be calculated, grouped: (start of the trend note, words after "N indicators")
_TREND_REASONS = (
    (NO_LIMITS, "no confidence limits, counts or trend of their own in the source"),
    ("periods are not yearly", "three-year pooled periods, which overlap, and the method needs yearly points"),
    ("fewer than", "fewer than five points with confidence limits"),
)


def trend_sentences(have: pd.DataFrame) -> list[str]:
    """How many indicators have a recent trend (getting better, getting worse), and in one line why the
    rest have none."""
    calc = have[have["trend"] != "Cannot be calculated"]
    worse = calc[calc["trend"].str.contains("getting worse", na=False)]
    better = calc[calc["trend"].str.contains("getting better", na=False)]
    s = (f"The recent trend (Fingertips method: five most recent yearly points with confidence limits) can be "
         f"calculated for {len(calc)} of {plural(len(have), 'indicator')}")
    if len(calc):
        s += f": getting better on {len(better)} and getting worse on {len(worse)}"
        s += f" ({_names(worse)})" if len(worse) else ""
    out = [s + "."]
    rest = have[have["trend"] == "Cannot be calculated"]
    if len(rest):
        counts: dict[str, int] = {}
        for note in rest["trend_note"].fillna(""):
            words = next((w for start, w in _TREND_REASONS if str(note).startswith(start)), str(note) or "no values")
            counts[words] = counts.get(words, 0) + 1
        out.append("No trend for the rest: " + "; ".join(f"{n} {'has' if n == 1 else 'have'} {w}"
                                                          if not w.startswith("three") else
                                                          f"{n} {'is' if n == 1 else 'are'} {w}"
                                                          for w, n in counts.items()) + ".")
    return out


def pre_pandemic_sentences(have: pd.DataFrame) -> list[str]:
    """Mortality and life expectancy against the last period before the Covid-19 pandemic (the registry's
    ``pre_pandemic``), beside the baseline, whose 2020-22 or 2021 values the pandemic's deaths inflate."""
    rows = have[have["pre_period"].notna()]
    if rows.empty:
        return []
    groups: dict[str, list[str]] = {}
    for _, r in rows.iterrows():
        word = str(r["change_pre_sig"])
        key = {"better": "significantly better", "worse": "significantly worse"}.get(word, word.removesuffix(
            ", not tested"))
        dp = int(r["dp"])
        groups.setdefault(key, []).append(f"{_lower_first(r['name'])} ({fmt_number(r['pre_value'], dp)} in "
                                          f"{r['pre_period']}, {fmt_number(r['value'], dp)} in {r['period']})")
    order = ("significantly worse", "worse", "higher", "lower", "no clear difference", "better",
             "significantly better")
    parts = [f"{'no clear change' if k == 'no clear difference' else k + ' now'}: {join_names(v)}"
             for k in sorted(groups, key=lambda k: order.index(k) if k in order else len(order))
             for v in [groups[k]]]
    return [f"Against the last period before the Covid-19 pandemic (2019, or 2017-19 for three pooled years), "
            f"because the baselines of 2021 and 2020-22 are {COVID_WORDS}: " + "; ".join(parts) + ". Where the "
            "source gives no confidence limits the change is not tested."]


def inequality_sentences(dash: pd.DataFrame, area_name: str) -> list[str]:
    """The life-expectancy gap (slope index of inequality) sentences; the notebook follows them
    with jsna.words.le_gap_explanation, the series' one explanation of how it differs from the gap
    between deprivation fifths."""
    out = []
    rows = dash[dash["indicator_id"].str.startswith("sii_")]
    for _, r in rows.iterrows():
        who = "women" if r["indicator_id"].endswith("female") else "men"
        if is_missing(r["value"]):
            out.append(f"The slope index of inequality in life expectancy for {who} in {area_name} is "
                       f"{r['note'] or NOT_HELD}.")
            continue
        cmp = ""
        if not is_missing(r["england"]):
            cmp = (" narrower than" if r["value"] < r["england"] else
                   " wider than" if r["value"] > r["england"] else " the same as")
            cmp = f",{cmp} England's {fmt_number(r['england'], 1)} years"
        old = " These are old data: the period ended more than five years ago." if r["old"] else ""
        out.append(f"In {area_name}, {who} in the most deprived areas can expect to live "
                   f"{fmt_number(r['value'], 1)} fewer years than those in the least deprived "
                   f"(OHID's slope index of inequality, {r['period']}){cmp}.{old}")
    return out


def core20_sentences(pop: pd.DataFrame, england_share: float, place_name: str,
                     by_district: pd.DataFrame | None = None) -> list[str]:
    """Headline Core20 sentences: people and share in England's most deprived 20% of LSOAs."""
    tot = pop.iloc[-1]
    out = []
    if tot["pop_core20"] == 0:
        out.append(f"No neighbourhood (LSOA) in {place_name} is among England's most deprived 20% "
                   f"(IMD 2019 deciles 1 and 2), so the Core20 population is zero; across England "
                   f"{fmt_pct(england_share)} of people live in such areas. The PLUS groups (for example "
                   "ethnic minority communities, carers, people with a learning disability, rural "
                   "isolation) remain relevant.")
        return out
    out.append(
        f"{fmt_number(tot['pop_core20'])} people ({fmt_pct(tot['share_core20'])} of {possessive(place_name)} "
        f"{fmt_number(tot['pop_total'])} residents, mid-2015) live in {plural(int(tot['lsoas_core20']), 'LSOA')} "
        f"that are among England's most deprived 20% (IMD 2019 deciles 1 and 2), compared with "
        f"{fmt_pct(england_share)} of people across England.")
    out.append(f"They include {fmt_number(tot['pop_0_15_core20'])} children aged 0-15 "
               f"({fmt_pct(tot['share_0_15_core20'])} of the area's children).")
    if len(pop) > 1:
        parts = [f"{r['area_name']} {fmt_pct(r['share_core20'])} ({fmt_number(r['pop_core20'])} people)"
                 for _, r in pop.iloc[:-1].iterrows()]
        out.append("By Place: " + join_names(parts) + ".")
    if by_district is not None and len(by_district) > 1:
        top = by_district[by_district["pop_core20"] > 0]
        if len(top):
            out.append("Core20 neighbourhoods are in " + join_names(
                [f"{r['area_name']} ({fmt_number(r['pop_core20'])})" for _, r in top.iterrows()]) + ".")
    return out


def quintile_gap_sentences(gaps: pd.DataFrame, area_name: str) -> list[str]:
    """'In England (2020/21-24/25), ... was 28.9% in the most deprived fifth against 14.5% ...'."""
    from jsna.words import shown_ratio, times_word

    out = []
    for _, r in gaps.iterrows():
        where = area_name if r["area_code"] != ENGLAND_CODE else "England"
        label = str(r["indicator_name"]).split(", ")[0]
        out.append(f"In {where} ({r['period']}), {_lower_first(label)} was "
                   f"{fmt_number(r['most'], 1)}% in the most deprived fifth of neighbourhoods against "
                   f"{fmt_number(r['least'], 1)}% in the least deprived fifth "
                   f"({times_word(shown_ratio(r['most'], r['least'], 1))} as high).")
    if len(gaps) and (gaps["area_code"] == ENGLAND_CODE).all():
        out.append(f"These deprivation breakdowns are published for England only, not for {area_name}.")
    return out


def method_paragraphs(place) -> list[str]:
    """How the dashboard's comparisons are made, for its Methods and sources appendix (the page
    itself opens with a short reading key)."""
    return [
        "Comparison with England. Each indicator has one verdict in every report of the series: the "
        "publisher's own comparison with England where it prints one; otherwise a value is better or worse "
        "than England when its 95% confidence interval does not include the England value, and similar when "
        "it does (the Fingertips method). The stricter 99.8% level flags only larger differences (fewer "
        "chance findings when many indicators are looked at together). A better or worse flag on data whose "
        "period ended more than five years ago is marked old data and is not counted among the findings.",
        "Spine chart. Each local value is placed against England (the centre line) and the range of English "
        "upper-tier local authorities, with better values always to the right.",
        "One value per indicator. Every value is the latest period held, and the same value, period and "
        "source appear in every report of this series.",
        "Region and peers. The region column compares the value with the region's in the same period, where "
        "the sources include regions. The rank among peers places the area among itself and its 15 "
        "statistical neighbours (authorities most like it in population size, age, ethnicity, deprivation "
        "and rurality), 1 being the best.",
        "Recent trend. Calculated as Fingertips does: a weighted straight line through the five most recent "
        "yearly values, shown with an arrow and words (increasing, decreasing, no significant change), where "
        "the source gives confidence limits or the counts to compute them.",
        f"Baseline. {baseline_sentence(place)[:-1]}: 2021, or 2021/22 for school and financial years, 2020-22 "
        "for three pooled years. The change since then is called significant when the two confidence "
        "intervals do not overlap; without limits its direction is given, not tested. A baseline in 2020-21 "
        f"is {COVID_WORDS}, so for mortality and life expectancy the change since the last period before the "
        "pandemic (2019, or 2017-19) is shown beside it.",
        "The gap over time. Life expectancy and OHID's slope index of inequality against England's over every "
        "period available; whether a gap is narrowing is tested by the slope of a straight line through "
        "non-overlapping three-year periods, with its 95% confidence interval, and only with at least five.",
        "Inequality gap. OHID's slope index of inequality in life expectancy, in years, between the most and "
        "least deprived ends of the deprivation gradient of the area's neighbourhoods.",
    ]


def plus_sentences(plus: pd.DataFrame, place_name: str) -> list[str]:
    """Sentences from :func:`jsna.topics.equity_dashboard.core20.plus_table`: the share of each ethnic
    group's Census 2021 residents living in Core20 neighbourhoods against the Place's overall share.
    A group's share is stated only when it has at least the reliability rule's minimum of residents
    (:data:`jsna.reliability.MIN_POPULATION_PER_GROUP`) and its Core20 count is not withheld."""
    from jsna.reliability import MIN_POPULATION_PER_GROUP

    when = "at Census 2021 (21 March 2021)"
    tot = plus.iloc[-1]
    groups = plus.iloc[:-1]
    out = []
    if not (tot["core20"] > 0):
        out.append(f"None of {possessive(place_name)} {fmt_number(tot['residents'])} residents {when} lived in a Core20 "
                   "neighbourhood, so ethnic groups cannot be compared inside and outside them.")
    else:
        out.append(f"{fmt_pct(tot['share_core20'])} of {possessive(place_name)} {fmt_number(tot['residents'])} residents "
                   f"{when} lived in Core20 neighbourhoods ({fmt_number(tot['core20'])} people).")
        ok = groups[(groups["residents"] >= MIN_POPULATION_PER_GROUP) & groups["share_core20"].notna()]
        if len(ok):
            ok = ok.sort_values("share_core20", ascending=False, kind="stable")
            out.append("The share living in Core20 neighbourhoods was " + join_names(
                [f"{fmt_pct(r['share_core20'])} of {r['group']} residents" for _, r in ok.iterrows()]) +
                f", against {fmt_pct(tot['share_core20'])} of all residents (Census 2021).")
        few = groups[~groups.index.isin(ok.index)]
        if len(few):
            out.append("No share is stated for " + join_names(list(few["group"])) + ": the group has fewer than "
                       f"{fmt_number(MIN_POPULATION_PER_GROUP)} residents in {place_name} or a Core20 count too "
                       "small to show.")
    if tot["ambiguous"] > 0:
        out.append(f"{fmt_number(tot['ambiguous'])} residents (Census 2021) live in 2021 neighbourhoods whose "
                   "Core20 status is ambiguous (made from 2011 neighbourhoods of which some are Core20 and some "
                   "are not); they are counted in neither group.")
    else:
        out.append("No resident lives in a 2021 neighbourhood whose Core20 status is ambiguous.")
    return out


# --------------------------------------------------------------------------- the notebook's prose
def introduction(place) -> str:
    """The paragraph under the title."""
    return (f"This report compares {place.possessive} public-health indicators with England, its region and "
            "similar authorities, shows the recent trend and the change since the agreed baseline, and the gap "
            "between the most and least deprived where published. It then describes the Core20PLUS5 population: "
            "the people living in England's most deprived 20% of neighbourhoods, and what local data say about "
            "the five clinical areas of NHS England's adult and children's Core20PLUS5 frameworks.")


def spine_caption(area_name: str) -> str:
    """Caption of an area's spine chart."""
    return (f"{area_name} compared with England. Sources: OHID Fingertips (as republished by Trafford Data Lab, and the "
            "Fingertips API) and ONS Explore local statistics; latest period per indicator as shown.")


def not_held_notes(rows: pd.DataFrame) -> list[str]:
    """For each life stage of the rows, the sentence naming its indicators not in the data held (not those
    the dashboard now carries)."""
    from jsna.indicators import not_held_sentence

    return [s for stage in dict.fromkeys(rows["stage"])
            if (s := not_held_sentence(stage, report="equity_dashboard"))]


def refresh_note(dash: pd.DataFrame) -> str | None:
    """The one box naming every indicator not available for any area of the report because its live
    Fingertips source was not downloaded (jsna.indicators.NOT_AVAILABLE), in life-course order; None when
    there are none. Readers' words: the command is in the README and the analyst's `make data` log."""
    rows = dash[dash["value"].isna() & (dash["note"] == NOT_AVAILABLE)]
    if rows.empty:
        return None
    names = [_lower_first(n) for n in dict.fromkeys(rows["name"])]
    return (f"These indicators were not available when this report was produced: {join_names(names)}. An analyst "
            "can add them by refreshing the Fingertips data (see the README).")


def two_babies_link(place) -> dict[str, str]:
    """The words around the link to the same Place's "A tale of two babies" (report.see_also)."""
    return {"before": f"The gap between the most and least deprived fifths of {place.possessive} neighbourhoods "
                      "is in ", "after": ", with the same explanation."}


QUINTILE_GAP_CAPTION = "Published values for the most and least deprived fifths of neighbourhoods"
QUINTILE_BREAKDOWN_NOTE = ("Most indicator breakdowns by deprivation quintile are published in these sources for "
                           "England only, not for individual local authorities; the small-area reports in this "
                           "series give local deprivation gradients.")


def core20_caption(place_name: str, england_share: float, basis: str) -> str:
    """Caption of the Core20 population table; ``basis``: the edition and populations (jsna.areas.core20_basis)."""
    return (f"People living in England's most deprived 20% of LSOAs ({basis}), {place_name}; "
            f"England share {england_share:.1f}%")


def plus_caption(place_name: str) -> str:
    """Caption of the PLUS groups table."""
    from jsna.topics.equity_dashboard.core20 import CENSUS_PERIOD

    return (f"Residents by ethnic group inside and outside Core20 neighbourhoods (IMD 2019 deciles 1 and 2), "
            f"{place_name}, {CENSUS_PERIOD}")


def plus_note() -> str:
    """The method note under the PLUS groups table."""
    from jsna.topics.equity_dashboard.core20 import PLUS_METHOD, PLUS_SUPPRESS_BELOW

    return (PLUS_METHOD + " Counts in Core20 neighbourhoods below " + str(PLUS_SUPPRESS_BELOW)
            + " are not shown. Census 2021 counts are lightly perturbed by ONS to protect confidentiality, so "
            "totals can differ by a few people from other Census tables. The populations in the table above are "
            "mid-2015 estimates for the same Core20 neighbourhoods. Source: Office for National Statistics, Census "
            "2021 (ethnic group, usual residents by 2021 neighbourhood; real figures, not synthetic), and the ONS "
            "2011 to 2021 neighbourhood lookup.")


def clinical_gap_note(area_name: str, n_missing: int, n_areas: int) -> str:
    """How many Core20PLUS5 clinical-area rows have no local indicator."""
    return (f"{area_name}: {n_missing} of the {n_areas} rows (five clinical areas for adults, five for children "
            "and young people, and smoking cessation) have no local indicator in this report's sources; the table names "
            "the data that would fill each gap.")


def check_lines(r) -> list[str]:
    """The headline numbers a reviewer's nbval run compares (the notebook's NBVAL_CHECK_OUTPUT cell)."""
    tot = r.whole
    lines = [f"{r.place.name}: Core20 population {int(tot['pop_core20'])} of {int(tot['pop_total'])} "
             f"({tot['share_core20']:.1f}%); England {r.england_core20['share_core20']:.1f}%"]
    for a in r.areas:  # every verdict whatever the data's age (the key points set old ones apart)
        rows = a.rows[a.rows["value"].notna()]
        c = rows["sig95"].value_counts()
        lines.append(f"{a.name}: {len(rows)} indicators; better {c.get('better', 0)}, similar {c.get('similar', 0)}, "
                     f"worse {c.get('worse', 0)}, not compared {c.get('not compared', 0)} (any age)")
    return lines


_SIG_WORDS = {"better": "significantly better than England", "similar": "similar to England",
              "worse": "significantly worse than England"}


#: the recent trend's words (jsna.stats.trend) as a front-door direction; a trend with no better or
#: worse side ("Increasing") and one that cannot be calculated are not front-door figures
_TREND_DIRECTIONS = {"getting better": "getting better", "getting worse": "getting worse",
                     "No significant change": "no clear change"}
#: front-door order: a worse verdict first (what a board acts on), then better, then the rest
_VERDICT_RANK = {"worse": 300, "better": 400, "higher": 500, "lower": 500, "similar": 600}


def _trend_direction(trend: str) -> str | None:
    return next((d for k, d in _TREND_DIRECTIONS.items() if str(trend).endswith(k)), None)


def headlines(r) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline). The front-door
    figures carry the verdict the dashboard's own table shows (``sig95``) and the recent trend's words,
    for current indicators only (a period more than five years old is not a headline)."""
    tot, period = r.whole, r.core20_basis
    eng_share = float(r.england_core20["share_core20"])
    share = float(tot["share_core20"])
    out = [dict(id="core20_population", value=int(tot["pop_core20"]), unit="people", period=period,
                label=f"{r.place.name}: residents of Core20 LSOAs"),
           dict(id="core20_share", value=share, unit="%", period=period,
                label=f"{r.place.name}: share of residents in England's most deprived 20% of neighbourhoods",
                kind="size", direction="higher" if share > eng_share else "lower" if share < eng_share else "similar",
                compared_with=f"England ({eng_share:.1f}%)", rank=200)]
    for a in r.areas:
        c = a.counts()
        out += [dict(id=f"{a.code}_indicators_{sig}", value=c[sig], unit="indicators",
                     period="latest period of each indicator", label=f"{a.name}: indicators {words} (95%)")
                for sig, words in _SIG_WORDS.items()]
    gap_ids = set(r.dash["inequality_id"].dropna())  # OHID's slope index of inequality in life expectancy
    for order, (_, row) in enumerate(r.dash.iterrows()):
        if pd.isna(row["value"]) or bool(row["old"]):
            continue
        dp = int(row["dp"])
        if row["indicator_id"] in gap_ids and pd.notna(row["england"]):
            # the gap within the area against England's gap, as shown (no interval is published to test it)
            a, b = round(float(row["value"]), dp), round(float(row["england"]), dp)
            out.append(dict(id=f"{row['area_code']}_{row['indicator_id']}_gap", value=float(row["value"]),
                            unit=str(row["unit"]), period=str(row["period"]), decimals=dp,
                            label=f"{row['area_name']}: {row['name']}", kind="gap",
                            direction="higher" if a > b else "lower" if a < b else "similar",
                            compared_with=f"England's gap ({b:,.{dp}f})", rank=10 + order))
            continue
        who = f"{row['area_name']}: {row['name']}"
        common = dict(value=float(row["value"]), unit=str(row["unit"]), period=str(row["period"]),
                      decimals=int(row["dp"]))
        if row["sig95"] in _VERDICT_RANK:
            out.append(dict(id=f"{row['area_code']}_{row['indicator_id']}_vs_england", label=who, kind="comparator",
                            direction=str(row["sig95"]), compared_with=f"England ({row['england']:,.{int(row['dp'])}f})"
                            if pd.notna(row["england"]) else "England", rank=_VERDICT_RANK[row["sig95"]] + order,
                            **common))
        trend = _trend_direction(row["trend"])
        if trend:
            out.append(dict(id=f"{row['area_code']}_{row['indicator_id']}_trend", label=f"{who}, recent trend",
                            kind="trend", direction=trend, compared_with="its own recent years",
                            rank=(700 if trend == "no clear change" else 100) + order, **common))
    return out


def baseline_sentence(place) -> str:
    """What the baseline is: the Place's framework's agreed period where its params name one (LLR's "Better
    health for all", whose action 7 asks for this dashboard), else the series' fixed point, in neutral words."""
    fw = place.framework
    if fw and fw.adopted:
        action = f", whose action {fw.dashboard_action} asks for this dashboard with a benchmarked baseline" \
            if fw.dashboard_action else ""
        return f"The agreed period nearest the adoption of {fw.name}, {fw.description}{action}."
    return "The period nearest 2021, the series' fixed point for measuring change."


def how_to_read(place) -> list[str]:
    """The "How to read the dashboard" paragraphs."""
    baseline = baseline_sentence(place)
    if place.is_group:
        return ["Each council's indicators are compared with England: ▲ better, ● similar, ▼ worse or ■ not "
                "compared (symbol and word carry the comparison, not colour alone). A flag on data more than "
                "five years old is marked old data.",
                f"The baseline: {baseline[0].lower()}{baseline[1:]} How each comparison is worked out is under "
                "Methods and sources at the end."]
    return ["Each indicator is compared with England: ▲ better, ● similar, ▼ worse or ■ not compared (marker "
            "shape, symbol and word carry the comparison, not colour alone; on the spine chart better values are "
            "always to the right). A flag on data more than five years old is marked old data.",
            f"The baseline: {baseline[0].lower()}{baseline[1:]} How each "
            "comparison, the region, the peers, the trend and the baseline are worked out is under Methods and "
            "sources at the end."]


def comparison_caption(place_name: str) -> str:
    """Caption of a group Place's one comparative table."""
    return (f"{place_name}: each council's latest value and its comparison with England (95%), indicator by "
            "indicator, with England's value")


def comparison_detail(place) -> str:
    """Where a group Place's reader finds each council's region, peers, trend and baseline."""
    return (f"Each council of {place.name} has its own dashboard, linked at the end of this page, with its "
            "region, its similar authorities, the recent trend, the change since the baseline and a chart of "
            "every indicator against the range across England.")


def group_key_points(areas) -> list[str]:
    """A group Place's key points: for each council, how its indicators compare with England and which
    are worse (the first two sentences of :func:`dashboard_sentences`)."""
    return [s for a in areas for s in dashboard_sentences(a.rows, a.name)[:2]]


def clinical_comparison_caption(place_name: str) -> str:
    """Caption of a group Place's one Core20PLUS5 clinical-area table."""
    return f"Core20PLUS5 clinical areas: local indicators for each council of {place_name}"


def clinical_gap_note_group(counts: dict[str, tuple[int, int]]) -> str:
    """How many clinical areas have no local indicator, council by council (``counts``: name ->
    (:func:`core20.clinical_areas_without_indicator`))."""
    n_areas = max(n for _, n in counts.values())
    return (f"Clinical areas with no local indicator, of the {n_areas}: "
            + join_names([f"{name} {missing}" for name, (missing, _) in counts.items()])
            + ". The last column says, once for each row, what would fill it.")


GAP_OVER_TIME_INTRO = ("Is the gap closing? Each area's life expectancy against England's, and the gap between its most "
                       "and least deprived neighbourhoods (OHID's slope index of inequality), over every period "
                       "available.")


def framework_gap_sentences(r) -> list[str]:
    """The Place's framework's words for the life-expectancy gap, set against OHID's slope index of each area
    (params ``framework:``; none for a council without such words)."""
    from jsna.words import framework_gap_sentence

    out = []
    for a in r.areas:
        sii = a.rows.set_index("indicator_id")
        male = sii["value"].get("sii_le_male")
        female = sii["value"].get("sii_le_female")
        period = sii["period"].get("sii_le_male")
        s = framework_gap_sentence(r.place.framework, a.name, male, female, None if pd.isna(period) else period,
                                   lead=not out)
        if s:
            out.append(s)
    return out
