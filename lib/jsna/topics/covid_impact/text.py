"""Sentences for the Covid-19 impact report, written from the numbers they describe: the notebook's
prose, captions and notes, the nbval check lines and the headline figures, from
:class:`~jsna.topics.covid_impact.compute.Results`."""

from __future__ import annotations

import pandas as pd

from jsna import reliability
from jsna.topics.covid_impact.compute import TOTALS_END, TOTALS_START, guests_of, hosts_of
from jsna.words import (
    fmt_number,
    fmt_pct,
    intervals_overlap,
    is_missing,
    join_names,
    shown_difference,
    times_word,
)


def _date(d: pd.Timestamp | str) -> str:
    d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}"


def _compare(a: float, b: float, tolerance: float = 0.05) -> str:
    """'higher than', 'lower than' or 'similar to' (within tolerance, relative)."""
    if b and abs(a - b) / b <= tolerance:
        return "similar to"
    return "higher than" if a > b else "lower than"


def peak_sentence(place_name: str, peak_rate: float, peak_date, eng_rate: float, eng_date) -> str:
    """The highest 7-day case rate of the Place against England's."""
    rel = _compare(peak_rate, eng_rate)
    return (f"Recorded Covid-19 cases in {place_name} peaked at {fmt_number(peak_rate)} per 100,000 in the 7 days to "
            f"{_date(peak_date)}, {rel} England's highest of {fmt_number(eng_rate)} ({_date(eng_date)}).")


def total_sentence(place_name: str, what: str, place_rate: float, eng_rate: float, start, end,
                   place_total: float | None = None) -> str:
    """Cumulative count and rate of cases or deaths over a period against England (a count and a rate
    never share one 'per 100,000')."""
    rel = _compare(place_rate, eng_rate)
    count = f"{fmt_number(place_total)} {what}, " if place_total is not None else ""
    return (f"From {_date(start)} to {_date(end)}, {place_name} recorded {count}{fmt_number(place_rate)} {what} "
            f"per 100,000 residents, {rel} England ({fmt_number(eng_rate)} per 100,000).")


def _age_clause(age: dict | None) -> str:
    """'the most deprived fifth is younger (12.0% of residents aged 65 and over against 24.1% in the least
    deprived fifth, Census 2021)'."""
    if not age:
        return ""
    shares = (f"{fmt_pct(age['most_65'])} of residents aged 65 and over against {fmt_pct(age['least_65'])} in the "
              "least deprived fifth, Census 2021")
    if age["kind"] == "similar":
        return f"the two fifths have similar age structures ({shares})"
    return f"the most deprived fifth is {age['kind']} ({shares})"


def gap_sentence(place_name: str, gap: dict, what: str, unit: str = "per 100,000", crude: bool = True,
                 age: dict | None = None) -> str:
    """Most vs least deprived local quintile, worded by whether the 95% intervals overlap. A crude
    rate carries its caveat in the same sentence and is called 'no clear difference' only when the
    two fifths' age structures are known to be similar (``age``: :func:`compute.age_contrast`)."""
    if any(is_missing(gap.get(k)) for k in ("most", "least")):
        return f"The deprivation gap in {what} could not be calculated for {place_name}."
    overlap = intervals_overlap(gap["most_lower"], gap["most_upper"], gap["least_lower"], gap["least_upper"])
    most, least = fmt_number(gap["most"]), fmt_number(gap["least"])
    kind = "crude " if crude else ""
    caveat = ", not adjusted for age," if crude else ""
    clause = _age_clause(age) if crude else ""
    if overlap:
        if not crude:
            tail = " (95% confidence intervals overlap): no clear difference."
        elif age and age["kind"] == "similar":
            tail = (f"; the 95% confidence intervals overlap and {clause}, so there is no clear difference in "
                    "these crude rates.")
        elif age:
            tail = (f": the 95% confidence intervals overlap, but {clause}, so crude rates do not compare like "
                    "with like and this is not evidence that the two fared alike.")
        else:
            tail = (": the 95% confidence intervals overlap, but crude rates are not adjusted for age, so this "
                    "is not evidence that the two fared alike.")
        return (f"In {place_name}, {kind}{what}{caveat} were {most} {unit} in the most deprived fifth of "
                f"neighbourhoods and {least} in the least deprived fifth{tail}")
    extra = ""
    if crude and age and age["kind"] != "similar":
        extra = f"; {clause}, so part of the difference in crude rates reflects age"
        if (age["kind"] == "younger") == (gap["most"] > gap["least"]):
            extra = f"; {clause}, so at the same age the gap would likely be wider"
    if gap["most"] > gap["least"]:
        ratio = gap["most"] / gap["least"] if gap["least"] else float("nan")
        size = f"{times_word(ratio)} as high as" if not is_missing(ratio) and ratio >= 1.2 else "higher than"
        return (f"In {place_name}, {kind}{what}{caveat} in the most deprived fifth of neighbourhoods were {size} in "
                f"the least deprived fifth ({most} against {least} {unit}){extra}.")
    return (f"In {place_name}, {kind}{what}{caveat} were lower in the most deprived fifth of neighbourhoods "
            f"({most} {unit}) than in the least deprived fifth ({least}){extra}.")


def uptake_gap_sentence(place_name: str, gap: dict, dose: str = "first dose", ages: str = "16+") -> str:
    """Uptake in the most vs least deprived quintile, in percentage points."""
    if any(is_missing(gap.get(k)) for k in ("most", "least")):
        return f"The deprivation gap in vaccine uptake could not be calculated for {place_name}."
    diff = shown_difference(gap["least"], gap["most"])  # the gap of the two percentages as shown
    overlap = intervals_overlap(gap["most_lower"], gap["most_upper"], gap["least_lower"], gap["least_upper"])
    base = (f"By July 2021, {fmt_pct(gap['most'])} of people aged {ages} in {place_name}'s most deprived fifth of "
            f"neighbourhoods had a {dose}, against {fmt_pct(gap['least'])} in the least deprived fifth")
    if overlap:
        return base + " (no clear difference)."
    word = "lower" if diff > 0 else "higher"
    return base + f": {fmt_number(abs(diff), 1)} percentage points {word}."


def ltla_sentence(name: str, rate: float, rank: int, n: int, median: float) -> str:
    """One district's place in the England ranking of cumulative death rates (n counted in the file)."""
    rel = _compare(rate, median)
    return (f"By mid-February 2021, {name} had {fmt_number(rate, 1)} deaths within 28 days of a positive test per "
            f"100,000 residents (a crude rate, not adjusted for age), ranking {rank} of the {n} English districts in the dashboard's file (April 2019 "
            f"districts; 1 = highest), {rel} the median district ({fmt_number(median, 1)}).")


def summary(sentences: list[str | None], limit: int = 5) -> list[str]:
    """Keep the available sentences (3-5 in a full report); drop the ones that could not be written."""
    out = [s for s in sentences if s]
    return out[:limit]


# --------------------------------------------------------------------------- report-level sentences


def totals_sentence(place_name: str, totals: dict) -> str | None:
    """Cases and deaths within 28 days, 1 March 2020 to 21 June 2021: each count, then its rate per
    100,000 beside England's (a count and a rate never share one 'per 100,000')."""
    t, d = totals["cases"], totals["deaths"]
    if "place" not in t:
        return None
    cases = (f"{fmt_number(t['place']['total'])} cases ({fmt_number(t['place']['rate'])} per 100,000; England "
             f"{fmt_number(t['england']['rate'])})")
    if "place" not in d:
        return f"From 1 March 2020 to 21 June 2021, {place_name} recorded {cases}."
    deaths = (f"{fmt_number(d['place']['total'])} deaths within 28 days of a positive test "
              f"({fmt_number(d['place']['rate'], 1)} per 100,000; England {fmt_number(d['england']['rate'], 1)})")
    return (f"From 1 March 2020 to 21 June 2021, {place_name} recorded {cases} and {deaths}; these are crude "
            "rates, not adjusted for age.")


def whole_area_sentences(place, h) -> list[str]:
    """What the neighbourhood files support for the whole area against England: ONS deaths involving
    Covid-19, March to December 2020 (a zero is a zero; a rate only from the reliability minimum of
    events), with the age caveat of crude rates."""
    if h.whole is None:
        return []
    w = h.whole[h.whole["measure"] == "deaths"].set_index("area")
    me, eng = w.loc[place.name], w.loc["England"]
    n = int(me["count"])
    period = "from March to December 2020"
    if n == 0:
        return [f"No deaths involving Covid-19 of {place.possessive} residents were registered {period} (ONS): a "
                "count of zero, not a suppressed figure, so there is no rate to compare with England's "
                f"{fmt_number(eng['rate'], 1)} per 100,000."]
    deaths = f"{fmt_number(n)} death{'s' if n != 1 else ''} involving Covid-19"
    if not me["stable"] or is_missing(me["rate"]):
        why = (f"too few for a stable rate (the series needs at least {reliability.MIN_EVENTS_PER_GROUP})"
               if not me["stable"] else "no population is held for all of its neighbourhoods")
        return [f"ONS registered {deaths} of {place.possessive} residents {period}: {why}; England's crude rate "
                f"was {fmt_number(eng['rate'], 1)} per 100,000."]
    age = ""
    if h.age_whole and not is_missing(h.age_whole.get("place_65")):
        age = (f", and {fmt_pct(h.age_whole['place_65'])} of {place.possessive} residents are aged 65 or over "
               f"against {fmt_pct(h.age_whole['england_65'])} in England (Census 2021)")
    return [f"ONS registered {deaths} of {place.possessive} residents {period}: {fmt_number(me['rate'], 1)} per "
            f"100,000 (95% CI {fmt_number(me['lowercl'], 1)} to {fmt_number(me['uppercl'], 1)}) against England's "
            f"{fmt_number(eng['rate'], 1)}; both are crude rates, not adjusted for age{age}."]


def summary_sentences(place, h) -> list[str]:
    """Three to five summary sentences from a :class:`jsna.topics.covid_impact.compute.Results`: the
    waves, the totals, the age-standardised national contrast first, then the local contrast (crude, with
    its caveat in the same sentence) or, below the reliability minimum, the reason and the whole area
    against England."""
    s: list[str | None] = []
    if h.cases.available:
        p = h.cases.place.dropna(subset=["rate_7d"])
        e = h.cases.england.dropna(subset=["rate_7d"])
        pi, ei = p["rate_7d"].idxmax(), e["rate_7d"].idxmax()
        s.append(peak_sentence(place.name, p.at[pi, "rate_7d"], p.at[pi, "date"], e.at[ei, "rate_7d"],
                               e.at[ei, "date"]))
    else:
        s.append(cases_unavailable(place, h.cases))
    s.append(totals_sentence(place.name, h.totals))
    s.append(asmr_summary_sentence(place, h.asmr))  # the age-standardised contrasts lead
    refused = []  # comparisons below the reliability minimum: said once, together
    contrasts = 0
    if h.checks.get("deaths") is not None:
        if h.checks["deaths"].ok and h.deaths_gap:
            s.append(gap_sentence(place.name, h.deaths_gap, "death rates from Covid-19 in March to December 2020",
                                  age=h.age_gap))
            contrasts += 1
        else:
            refused.append(("Covid-19 death rates", h.checks["deaths"]))
    if h.vaccination and h.checks.get("uptake") is not None:
        if h.checks["uptake"].ok and h.uptake_gap:
            s.append(uptake_gap_sentence(place.name, h.uptake_gap))
            contrasts += 1
        else:
            refused.append(("vaccine uptake", h.checks["uptake"]))
    mix = fifth_mix_sentence(place, h) if contrasts else None
    if mix:  # a group Place's pooled fifths also compare its councils: said next to the contrasts
        s.append(mix)
    if refused:
        merged = reliability.Verdict(False, tuple(dict.fromkeys(r for _, v in refused for r in v.reasons)))
        s.append(merged.sentence(place.name, " or ".join(w for w, _ in refused)))
    s.extend(whole_area_sentences(place, h))  # what the data support for the whole area (kept if room)
    return summary(s, 6 if mix else 5)


def gap_paragraph(place_name: str, gap: dict | None, what: str, check=None, unit: str = "per 100,000",
                  age: dict | None = None) -> list[str]:
    """The gap sentence plus ratio and SII (when available), or, below the reliability minimum
    (``check``: a :class:`jsna.reliability.Verdict`), the reason no gap is stated."""
    if check is not None and not check.ok:
        return [check.sentence(place_name, what)]
    if not gap:
        return [f"The deprivation gap in {what} could not be calculated for {place_name}."]
    out = [gap_sentence(place_name, gap, what, age=age)]
    ratio = f"The rate ratio (most / least deprived fifth) is {gap['ratio']:.2f}"
    if not is_missing(gap.get("sii")):
        end = "most" if gap["sii"] < 0 else "least"
        ratio += (f"; the slope index of inequality (SII) is {fmt_number(gap['sii'], 1)} {unit} (95% CI "
                  f"{fmt_number(gap['sii_lower'], 1)} to {fmt_number(gap['sii_upper'], 1)}): across the whole "
                  f"deprivation gradient, the modelled rate is {fmt_number(abs(gap['sii']), 1)} higher at the "
                  f"{end} deprived end")
        if gap["sii_lower"] <= 0 <= gap["sii_upper"]:
            ratio += ", though the interval includes zero"
    out.append(ratio + ". Both are crude rates: differences in age structure between neighbourhoods are not "
               "adjusted for.")
    return out


def age_sentences(place, h) -> list[str]:
    """How the age structure of the deprivation fifths differs (Census 2021), locally when the reliability
    rule allows a comparison of the Place's fifths, and in England: why crude rates mislead."""
    out = []
    if h.age_england is not None and {1, 5} <= set(h.age_england["fifth"]):
        e = h.age_england.set_index("fifth")
        out.append(f"In England, {fmt_pct(e.at[1, 'pct_65_plus'])} of residents of the most deprived fifth of "
                   f"neighbourhoods were aged 65 or over in 2021, against {fmt_pct(e.at[5, 'pct_65_plus'])} in the "
                   f"least deprived fifth ({fmt_pct(e.at[1, 'pct_75_plus'])} and {fmt_pct(e.at[5, 'pct_75_plus'])} "
                   "aged 75 or over). Covid-19 death rates rise steeply with age, so a younger population has a "
                   "lower crude rate at the same risk: ONS's age-standardised rates remove that difference, crude "
                   "rates do not.")
    if h.age_gap:
        out.append(f"In {place.name}, {_age_clause(h.age_gap)}.")
    elif h.checks.get("age") is not None and not h.checks["age"].ok:
        whole = h.age_whole or {}
        out.append(f"The table shows England's fifths and {place.name} as a whole: {place.possessive} own "
                   "neighbourhoods are too few to compare by fifth, for the reasons given below."
                   + (f" In {place.name} as a whole, {fmt_pct(whole['place_65'])} of residents were aged 65 or "
                      f"over in 2021, against {fmt_pct(whole['england_65'])} in England: an older population has a higher "
                      "crude rate at the same risk, a younger one a lower."
                      if not is_missing(whole.get("place_65")) else ""))
    return out


def ltla_sentences(place, h) -> list[str]:
    """Where the Place's districts sit among all English districts by cumulative death rate."""
    df = h.scatter.table
    ok = df.dropna(subset=["death_rate"])
    median = float(ok["death_rate"].median())
    rows = df[df["highlight"]].sort_values("death_rate", ascending=False)
    out = []
    for r in rows.itertuples():
        rank = int((ok["death_rate"] > r.death_rate).sum()) + 1
        out.append(ltla_sentence(h.district_names.get(r.lad19cd, r.lad19cd), r.death_rate, rank, len(ok), median))
    if len(out) > 3:
        out = out[:1] + [f"The lowest of {place.possessive} districts was "
                         f"{h.district_names.get(rows.iloc[-1]['lad19cd'])} ({fmt_number(rows.iloc[-1]['death_rate'], 1)})."]
    return out


def _ci(lo: float, hi: float) -> str:
    return f"95% CI {fmt_number(lo, 1)} to {fmt_number(hi, 1)}"


def asmr_area_sentence(r, e) -> str:
    """One council's age-standardised Covid-19 death rate against England's (rows of ``AsmrBenchmark.areas``)."""
    eng = f"England's {fmt_number(e.rate, 1)} ({_ci(e.lowercl, e.uppercl)})"
    if is_missing(r.rate):
        return (f"{r.area_name}: ONS published no age-standardised rate (fewer than 10 deaths due to Covid-19 from "
                "March to December 2020).")
    head = (f"In {r.area_name}, deaths due to Covid-19 from March to December 2020 were {fmt_number(r.rate, 1)} per "
            "100,000 (age-standardised")
    if r.compared == "not compared":
        return (f"{head}), a rate ONS marks as unreliable because it rests on few deaths, so it is not compared with "
                f"{eng}.")
    if r.compared in ("higher", "lower"):
        return f"{head}; {_ci(r.lowercl, r.uppercl)}), {r.compared} than {eng}: the intervals do not overlap."
    return f"{head}; {_ci(r.lowercl, r.uppercl)}), not clearly different from {eng}: the intervals overlap."


_BESIDE = {"higher": "higher than", "lower": "lower than", "no clear difference": "not clearly different from",
           "not compared": "(unreliable: few deaths) beside"}


def asmr_summary_sentence(place, b) -> str:
    """The summary's one sentence of ONS's age-standardised rates: England's most against least deprived tenth,
    then the Place's councils against England (higher or lower by the 95% intervals)."""
    d = b.deciles.set_index("decile")
    most, least = float(d.at[1, "rate"]), float(d.at[10, "rate"])
    s = (f"From March to December 2020, deaths due to Covid-19 in England's most deprived tenth of neighbourhoods "
         f"were {fmt_number(most, 1)} per 100,000 against {fmt_number(least, 1)} in the least deprived tenth, "
         f"{times_word(most / least)} the rate after allowing for age")
    e = b.areas[b.areas["is_england"]].iloc[0]
    own = b.areas[~b.areas["is_england"] & b.areas["rate"].notna()]
    if len(own) == 1 and not b.predecessors:
        r = own.iloc[0]
        s += (f"; {place.possessive} rate was {fmt_number(r['rate'], 1)}, {_BESIDE[r['compared']]} England's "
              f"{fmt_number(e['rate'], 1)}")
    elif len(own):
        parts = [f"{fmt_number(r['rate'], 1)} in {r['area_name']} ({r['compared'].replace('not compared', 'unreliable')})"
                 for _, r in own.iterrows()]
        s += f"; against England's {fmt_number(e['rate'], 1)}, the rate was {join_names(parts)}"
    return s + " (ONS, age-standardised)."


def asmr_sentences(place, b) -> list[str]:
    """ONS's age-standardised rates in words: England's most against least deprived tenth of neighbourhoods,
    then each of the Place's councils against England (``b``: compute.AsmrBenchmark)."""
    d = b.deciles.set_index("decile")
    most, least = float(d.at[1, "rate"]), float(d.at[10, "rate"])
    out = [f"From March to December 2020, deaths due to Covid-19 in England's most deprived tenth of neighbourhoods "
           f"were {fmt_number(most, 1)} per 100,000 against {fmt_number(least, 1)} in the least deprived tenth: "
           f"{times_word(most / least)} the rate, after allowing for age (ONS, age-standardised)."]
    e = b.areas[b.areas["is_england"]].iloc[0]
    out += [asmr_area_sentence(r, e) for r in b.areas[~b.areas["is_england"]].itertuples()]
    if b.predecessors:
        out.append(f"ONS published these rates for the councils of April 2020, so {place.name} is shown as the "
                   "areas it was formed from.")
    if b.not_found:
        out.append(f"ONS's table of councils has no row for {place.name} or the areas it was formed from.")
    return out


def uptake_sentences(place, h) -> list[str]:
    """Vaccine uptake gap in words (July 2021, and the 70+ gap in the March 2021 release), or the
    reason no gap is stated (the reliability rule)."""
    if not h.checks["uptake"].ok:
        return [h.checks["uptake"].sentence(place.name, "vaccine uptake")]
    out = [uptake_gap_sentence(place.name, h.uptake_gap)]
    mix = fifth_mix_sentence(place, h)
    if mix:
        out.append(mix)
    sel = h.uptake_by_q[(h.uptake_by_q["dose"] == 2) & (h.uptake_by_q["age_group"] == "16+")].set_index("quintile")
    if {1, 5} <= set(sel.index):
        out.append(f"For second doses the figures were {fmt_pct(sel.at[1, 'value'])} and {fmt_pct(sel.at[5, 'value'])}.")
    if h.march_by_q is not None:
        m = h.march_by_q.set_index("quintile")
        if {1, 5} <= set(m.index):
            out.append(f"Early in the programme (28 February 2021), {fmt_pct(m.at[1, 'value'])} of people aged 70+ in "
                       f"the most deprived fifth had a first dose against {fmt_pct(m.at[5, 'value'])} in the least "
                       "deprived fifth.")
    return out


def ethnicity_sentences(place, h) -> list[str]:
    """Area-level ethnicity view (Census 2021) and a plain statement of what the data cannot show."""
    eth = h.ethnicity.dropna(subset=["minority_prop"])
    out = []
    if not eth.empty:
        top = eth.sort_values("minority_prop", ascending=False).iloc[0]
        rank = (f"; {top['england_minority_rank']} of the {top['n_ltla']} English districts of the 2021 Census, "
                "1 = highest" if not is_missing(top["england_minority_rank"]) else "")
        if len(eth) == 1:
            out.append(f"In the 2021 Census, {fmt_pct(top['minority_prop'] * 100)} of {place.possessive} residents "
                       f"were from minority ethnic groups (all groups other than White{rank}).")
        else:
            out.append(f"{top['district']} has the largest share of residents from minority ethnic groups among "
                       f"{place.possessive} districts ({fmt_pct(top['minority_prop'] * 100)} in the 2021 Census"
                       f"{rank}).")
        both = eth.dropna(subset=["first_dose_pct"])
        if len(both) >= 4:
            rho = both["minority_prop"].corr(both["first_dose_pct"], method="spearman")
            direction = "lower" if rho < 0 else "higher"
            out.append(f"Across these {len(both)} districts, first-dose uptake tended to be {direction} where the "
                       f"minority ethnic share was larger (Spearman rank correlation {rho:.2f}); with so few areas this "
                       "is a description, not evidence of cause.")
    out.append("These files contain no individual-level ethnicity: they cannot show uptake, cases or deaths for any "
               "ethnic group, nor separate ethnicity from deprivation, age or occupation. That needs record-level "
               "data (e.g. NIMS or GP records by ethnic group), which is not published at this level.")
    return out


def coverage_notes(place, h) -> list[str]:
    """Honest coverage statement: periods, geography and gaps in the data held."""
    out = [
        "Cases: UKHSA final archive by specimen date, March 2020 to December 2023, for every English district of "
        "April 2019. From January 2022 the dashboard counts infection episodes (reinfections included), and free "
        "testing ended on 1 April 2022, so later counts are not comparable with earlier waves.",
        "Deaths within 28 days of a positive test: by upper-tier council of April 2019, ending on 21 June 2021 "
        "(the last snapshot held); no district-level deaths series and no 'Covid-19 on the death certificate' "
        "series by local authority are in this report's sources.",
        "Neighbourhood (MSOA, 2011) cases cover weeks ending 21 March to 28 November 2020 only; neighbourhood deaths "
        "cover March to December 2020 (ONS). Neighbourhood populations are ONS mid-2019 estimates, recovered from "
        "the published rates: deaths divided by the death rate, or, for the few neighbourhoods with no deaths, "
        "from the weekly case rates or as the district's population less its other neighbourhoods.",
        "Age structure: Census 2021 residents by five-year age band for each LSOA of 2021, added up to the 2011 "
        "neighbourhoods they were made from through the ONS LSOA 2011 to 2021 lookup (three LSOAs in England that "
        "straddle two neighbourhoods are divided equally between them), then to the deprivation fifths of those "
        "neighbourhoods (IMD 2019).",
    ]
    if h.vaccination:
        out.append("Vaccinations: two snapshots only (NHS England releases of 4 March and 15 July 2021); no time "
                   "series and no booster data.")
    return out


def case_range_sentence(h) -> str:
    """Recorded case rates by quintile as a range (suppressed MSOA weeks of 0-2 cases counted as 0 and as 2)."""
    lo = h.cases_by_q.set_index("quintile")["value"]
    hi = h.cases_upper_by_q.set_index("quintile")["value"]
    parts = [f"quintile {q}: {fmt_number(lo[q])} to {fmt_number(hi[q])}" for q in lo.index]
    return ("Because weeks with 0-2 cases were suppressed, each quintile's recorded case rate lies in a range "
            "(suppressed weeks counted as 0, then as 2 cases) per 100,000: " + "; ".join(parts) + ".")


def fifth_mix_sentence(place, h) -> str | None:
    """For a group Place, whose local fifths pool neighbourhoods of several councils: how much of the
    most and least deprived fifths lies in each council (from :attr:`Results.fifth_split <jsna.topics.covid_impact.compute.Results.fifth_split>`), why a
    contrast of the pooled fifths also compares places, and the reports that compare fifths within
    each council. None for a Place of one council."""
    split = getattr(h, "fifth_split", None)
    if split is None or split.empty:
        return None

    def parts(fifth: int) -> str:
        rows = split[split["fifth"] == fifth]
        return join_names([f"{fmt_pct(r.share)} in {r.council}" for r in rows.itertuples()])

    councils = list(dict.fromkeys(split["council"]))
    return (f"The local fifths here pool the neighbourhoods of {len(councils)} councils, so a contrast between "
            f"them also compares places: the most deprived fifth's residents live {parts(1)}, and the least deprived "
            f"fifth's {parts(5)}. Part of a gap between the two fifths may therefore reflect differences between "
            "the councils (such as testing and age structure) rather than deprivation alone; the reports for "
            f"{join_names(councils)} compare the fifths within each council.")


# --------------------------------------------------------------------------- the Place in the files


def guest_sentence(place) -> str:
    """Why a Place published inside a neighbour has no series of its own ('' when it has)."""
    g = guests_of(place)
    if not g:
        return ""
    guest, _, host = g[0]
    return (f"The coronavirus dashboard published {guest}'s daily cases and deaths together with {host}'s, so "
            f"they cannot be shown for {place.name} alone; the neighbourhood figures below are {place.possessive} "
            "own.")


def host_sentence(place) -> str:
    """The note for a Place whose published series include a neighbour ('' when none)."""
    h = hosts_of(place)
    if not h:
        return ""
    guests = join_names([guest for guest, _, _ in h])
    return (f"The coronavirus dashboard published {place.possessive} daily cases and deaths together with "
            f"{guests}'s, so those figures include {guests}'s residents; their rates divide by "
            f"{place.possessive} own population, so they are very slightly high.")


def geography_notes(place) -> list[str]:
    """The notes under the summary: a council formed since 2019, or one published with a neighbour."""
    return [s for s in (place.formed_from_sentence(), host_sentence(place)) if s]


def cases_unavailable(place, waves) -> str:
    """The one sentence said where the daily cases chart would be (``waves``: compute.Waves without a
    series, its ``unavailable`` reason)."""
    why = waves.unavailable
    if why.reason == "guest":
        return guest_sentence(place)
    if why.reason == "short":
        return (f"Daily cases for {join_names(list(why.areas))} were published only to {_date(why.until)}, so no "
                "series is shown.")
    return f"Daily cases for {join_names(list(why.areas))} are not in this report's sources."


def deaths_unavailable(place, waves) -> str:
    """The one sentence said where the deaths within 28 days chart would be."""
    why, what = waves.unavailable, "Deaths within 28 days of a positive test"
    if why.reason == "guest":
        return f"{what} were published together with {why.host}'s too, so they are not shown for {place.name} alone."
    if why.reason == "part_of_2019_council":
        part = f"part of {join_names(list(why.areas))}" if why.areas else "part of a larger council"
        return (f"{what} are not in this report's sources for {place.name}: the series ends in June 2021 and was "
                f"published for the upper-tier councils of the time, when {place.possessive} area was {part}.")
    if why.reason == "no_population":
        return f"{what} are not shown for {place.name}: no population is held for all of its districts."
    return f"{what} are not in this report's sources for {join_names(list(why.areas))}."


def vaccination_unavailable(place) -> str:
    """The one sentence said where vaccination would be, when the tables held do not cover the Place."""
    return (f"Vaccination by neighbourhood is not in this report's sources for {place.name}: the NHS England vaccination "
            "tables held cover Leicester, Leicestershire and Rutland only (the all-England tables are not held).")


def single_neighbourhood_note(place) -> str:
    """Said instead of the neighbourhood maps of a Place of one MSOA."""
    return (f"{place.name} is a single neighbourhood (MSOA), so its neighbourhood figures are the whole-area "
            "figures above and no map is drawn.")


# --------------------------------------------------------------------------- the notebook's prose and captions

WAVES_CAPTION = ("Source: UKHSA coronavirus dashboard (final archive), cases by specimen date. ONS mid-2019 "
                 "populations.")
DEATHS_CAPTION = ("Source: PHE/UKHSA coronavirus dashboard, snapshot of 22 June 2021 (the last ~5 days are "
                  "incomplete). Denominator: ONS mid-2019 population.")
#: captions of the three neighbourhood maps (jsna.topics.covid_impact.charts.harm_maps), in order
HARM_MAP_CAPTIONS = (
    "Source: PHE coronavirus dashboard, MSOA weekly cases (weeks ending 21 March to 28 November 2020). Weeks with "
    "0-2 cases are suppressed; mapped values count published weeks only.",
    "Source: ONS deaths involving COVID-19 by MSOA (10-month total), ONS mid-2019 populations.",
    "Source: MHCLG English Indices of Deprivation 2019, aggregated to MSOA.",
)
DEATHS_QUINTILE_CAPTION = ("Crude rates with 95% confidence intervals (Byars; exact below 10 deaths). Source: "
                           "ONS.")
CASES_QUINTILE_CAPTION = ("Crude rates with 95% confidence intervals, counting published MSOA weeks only "
                          "(suppressed weeks of 0-2 cases excluded, so rates are lower bounds).")
SCATTER_CAPTION = ("Source: PHE coronavirus dashboard (cumDeathsByPublishDateRate, about 18 February 2021, "
                   "crude); MHCLG IMD 2019 local authority summaries.")
ASMR_DECILE_CAPTION = ("England: deaths due to Covid-19 per 100,000 (age-standardised, 2013 European Standard "
                       "Population) by deprivation decile of neighbourhood (IMD 2019), deaths registered March to "
                       "December 2020. Source: ONS.")


def asmr_area_caption(place_name: str) -> str:
    """Caption of the table of the Place's councils beside England."""
    return (f"{place_name} beside England: deaths due to Covid-19 per 100,000 (age-standardised), deaths registered "
            "March to December 2020. Source: ONS.")
UPTAKE_CAPTION = ("Wilson 95% confidence intervals. Source: NHS England COVID-19 vaccinations (MSOA, 15 July "
                  "2021); NIMS populations.")
UPTAKE_MAP_CAPTION = "Source: NHS England, NIMS. Values above 100% are capped and flagged."
LTLA_UPTAKE_CAPTION = "First and second dose uptake, % of NIMS population aged 16+, by district, July 2021"
MARCH_CAPTION = ("First-dose uptake among people aged 70+ by local deprivation quintile, 28 February 2021 (NHS "
                 "England release of 4 March 2021)")


def totals_caption(place_name: str) -> str:
    """Caption of the table of cumulative cases and deaths within 28 days."""
    return (f"Cumulative cases and deaths within 28 days, {place_name} and England. Cases are from the final "
            "(episode-based) archive, so slightly higher than totals published in June 2021.")


def neighbourhoods_introduction() -> str:
    """The paragraph opening 'Where it hit hardest'."""
    from jsna.words import small_area_words

    return ("Neighbourhoods are middle-layer super output areas (MSOAs of 2011, {size} each). First the "
            "whole area against England, then, where the reliability rule allows, the Place's neighbourhoods by "
            "deprivation: local deprivation quintiles rank the Place's MSOAs by their IMD 2019 average score into "
            "five groups of about equal population (1 = most deprived fifth). Rates here are crude (not "
            "age-standardised): the Covid-19 files have no age detail, so the Census 2021 age structure of the "
            "fifths is shown beside them.").format(size=small_area_words("MSOA"))


def whole_caption(place_name: str) -> str:
    """Caption of the whole-area table (jsna.topics.covid_impact.tables.whole_table)."""
    return (f"{place_name} and England: deaths involving Covid-19 and recorded cases from the neighbourhood files "
            "(crude rates; a case count is a range because weeks with 0-2 cases were suppressed)")


def age_caption(place_name: str, local_fifths: bool) -> str:
    """Caption of the age table: the Place's local fifths beside England's when they are compared
    (``local_fifths``), else England's fifths and the Place as a whole."""
    return ("Share of usual residents aged 65 and over and 75 and over by deprivation fifth of "
            f"neighbourhoods (IMD 2019), {place_name + ' (local fifths) and ' if local_fifths else ''}England "
            f"(national fifths){'' if local_fifths else ', and ' + place_name + ' as a whole'}. Source: ONS Census "
            "2021 (TS007A) on LSOAs of 2021, added up to the 2011 neighbourhoods.")


def fifth_split_caption(place_name: str) -> str:
    """Caption of a group Place's table of end fifths by council."""
    return (f"{place_name}: residents of the most and least deprived local fifths by council (mid-2015 populations "
            "that weight the fifths)")


def ethnicity_caption(place_name: str, vaccination: bool) -> str:
    """Caption of the ethnicity table (uptake named where the vaccination tables cover the Place)."""
    return (f"Ethnic composition (Census 2021){', vaccine uptake' if vaccination else ''} and Covid-19 death rate, "
            f"{place_name} districts")


def death_gap_paragraphs(place, h) -> list[str]:
    """Deaths involving Covid-19 by local fifth: the gap, ratio and SII, or why no gap is stated."""
    return gap_paragraph(place.name, h.deaths_gap, "death rates from Covid-19", h.checks["deaths"], age=h.age_gap)


def case_gap_paragraphs(place, h) -> list[str]:
    """Recorded cases by local fifth: the gap, ratio and SII and the range the suppressed weeks allow, or
    why no gap is stated."""
    out = gap_paragraph(place.name, h.cases_gap, "recorded case rates", h.checks["cases"])
    return out + [case_range_sentence(h)] if h.checks["cases"].ok else out


def data_note_paragraphs(place, h) -> list[str]:
    """The appendix's Data notes: what the data held cover, and the reliability rule."""
    return coverage_notes(place, h) + [reliability.rule_text()]


# --------------------------------------------------------------------------- checks and headline figures


def check_lines(h) -> list[str]:
    """Deterministic plain-text headline numbers (the notebook's NBVAL_CHECK_OUTPUT cell)."""
    lines = [f"Place: {h.place.name}"]
    if h.cases.available:
        pk = h.cases.place.loc[h.cases.place["rate_7d"].idxmax()]
        lines.append(f"Peak 7-day case rate: {pk['rate_7d']:.1f} per 100,000 ({pk['date']:%Y-%m-%d})")
    for what in ("cases", "deaths"):
        t = h.totals[what].get("place")
        if t:
            lines.append(f"{what.capitalize()} 2020-03-01 to 2021-06-21: {t['total']:.0f} ({t['rate']:.1f} per 100,000)")
    if h.whole is not None:
        w = h.whole[(h.whole["measure"] == "deaths") & (h.whole["area"] != "England")].iloc[0]
        lines.append(f"ONS deaths Mar-Dec 2020: {int(w['count'])}")
    below = "not compared (below the reliability minimum)"
    if "deaths" in h.checks:
        lines.append("ONS deaths Mar-Dec 2020 per 100,000, most vs least deprived quintile: " + (
            f"{h.deaths_gap['most']:.1f} vs {h.deaths_gap['least']:.1f}" if h.checks["deaths"].ok and h.deaths_gap
            else below))
    if "uptake" in h.checks:
        lines.append("First-dose uptake 16+ July 2021, most vs least deprived quintile: " + (
            f"{h.uptake_gap['most']:.1f}% vs {h.uptake_gap['least']:.1f}%" if h.checks["uptake"].ok and h.uptake_gap
            else below))
    for r in h.asmr.areas.itertuples():
        lines.append(f"ONS age-standardised deaths due to Covid-19 Mar-Dec 2020, {r.area_name}: "
                     + ("none published" if is_missing(r.rate) else f"{r.rate:.1f} per 100,000")
                     + (f" ({r.compared})" if r.compared else ""))
    return lines


def headlines(h) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline)."""
    period = f"{TOTALS_START:%Y-%m-%d} to {TOTALS_END:%Y-%m-%d}"
    out = []
    if h.cases.available:
        pk = h.cases.place.loc[h.cases.place["rate_7d"].idxmax()]
        out.append(dict(id="peak_case_rate_7d", value=float(pk["rate_7d"]), unit="per 100,000",
                        period=f"7 days to {pk['date']:%Y-%m-%d}", label="Peak 7-day case rate"))
    for what in ("cases", "deaths"):
        t = h.totals[what].get("place")
        if t:
            out.append(dict(id=f"{what}_total", value=float(t["total"]), unit=what, period=period,
                            label=f"{what.capitalize()} (total)", decimals=0))
            out.append(dict(id=f"{what}_rate", value=float(t["rate"]), unit="per 100,000", period=period,
                            label=f"{what.capitalize()} per 100,000"))
    if h.deaths_gap and h.checks["deaths"].ok:
        out += [dict(id=f"deaths_{q}_deprived", value=float(h.deaths_gap[q]), unit="per 100,000",
                     period="March to December 2020", label=f"ONS Covid-19 deaths, {q} deprived quintile")
                for q in ("most", "least")]
    if h.uptake_gap and h.checks.get("uptake") and h.checks["uptake"].ok:
        out += [dict(id=f"uptake_{q}_deprived", value=float(h.uptake_gap[q]), unit="%", period="to July 2021",
                     label=f"First-dose uptake aged 16+, {q} deprived quintile") for q in ("most", "least")]
    return out
