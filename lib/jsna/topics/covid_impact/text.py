"""Sentences for the Covid-19 impact report, written from the numbers they describe."""

from __future__ import annotations

import pandas as pd

from jsna import reliability
from jsna.places import ENGLAND_CODE
from jsna.words import fmt_number, fmt_pct, intervals_overlap, is_missing, times_word


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
    """Cumulative rate of cases or deaths over a period against England."""
    rel = _compare(place_rate, eng_rate)
    count = f" ({fmt_number(place_total)} {what})" if place_total is not None else ""
    return (f"From {_date(start)} to {_date(end)}, {place_name} recorded {fmt_number(place_rate)} {what} per 100,000"
            f"{count}, {rel} England ({fmt_number(eng_rate)} per 100,000).")


def gap_sentence(place_name: str, gap: dict, what: str, unit: str = "per 100,000", crude: bool = True) -> str:
    """Most vs least deprived local quintile, worded by whether the 95% intervals overlap. A crude
    rate carries its caveat in the same sentence and is never called 'no difference'."""
    if any(is_missing(gap.get(k)) for k in ("most", "least")):
        return f"The deprivation gap in {what} could not be calculated for {place_name}."
    overlap = intervals_overlap(gap["most_lower"], gap["most_upper"], gap["least_lower"], gap["least_upper"])
    most, least = fmt_number(gap["most"]), fmt_number(gap["least"])
    kind = "crude " if crude else ""
    caveat = " (not adjusted for age)" if crude else ""
    if overlap:
        tail = (": the 95% confidence intervals overlap, but crude rates take no account of the younger age "
                "structure of more deprived neighbourhoods, so this is not evidence that the two fared alike."
                if crude else " (95% confidence intervals overlap): no clear difference.")
        return (f"In {place_name}, {kind}{what}{caveat} were {most} {unit} in the most deprived fifth of "
                f"neighbourhoods and {least} in the least deprived fifth{tail}")
    if gap["most"] > gap["least"]:
        ratio = gap["most"] / gap["least"] if gap["least"] else float("nan")
        size = f"{times_word(ratio)} as high as" if not is_missing(ratio) and ratio >= 1.2 else "higher than"
        return (f"In {place_name}, {kind}{what}{caveat} in the most deprived fifth of neighbourhoods were {size} in "
                f"the least deprived fifth ({most} against {least} {unit}).")
    return (f"In {place_name}, {kind}{what}{caveat} were lower in the most deprived fifth of neighbourhoods "
            f"({most} {unit}) than in the least deprived fifth ({least}).")


def uptake_gap_sentence(place_name: str, gap: dict, dose: str = "first dose", ages: str = "16+") -> str:
    """Uptake in the most vs least deprived quintile, in percentage points."""
    if any(is_missing(gap.get(k)) for k in ("most", "least")):
        return f"The deprivation gap in vaccine uptake could not be calculated for {place_name}."
    diff = gap["least"] - gap["most"]
    overlap = intervals_overlap(gap["most_lower"], gap["most_upper"], gap["least_lower"], gap["least_upper"])
    base = (f"By July 2021, {fmt_pct(gap['most'])} of people aged {ages} in {place_name}'s most deprived fifth of "
            f"neighbourhoods had a {dose}, against {fmt_pct(gap['least'])} in the least deprived fifth")
    if overlap:
        return base + " (no clear difference)."
    word = "lower" if diff > 0 else "higher"
    return base + f": {fmt_number(abs(diff), 1)} percentage points {word}."


def ltla_sentence(name: str, rate: float, rank: int, n: int, median: float) -> str:
    """One district's place in the England LTLA ranking of cumulative death rates."""
    rel = _compare(rate, median)
    return (f"By mid-February 2021, {name} had {fmt_number(rate, 1)} deaths within 28 days of a positive test per "
            f"100,000 residents, ranking {rank} of {n} English districts (1 = highest), {rel} the median district "
            f"({fmt_number(median, 1)}).")


def summary(sentences: list[str | None]) -> list[str]:
    """Keep the available sentences (3-5 in a full report); drop the ones that could not be written."""
    out = [s for s in sentences if s]
    return out[:5]


# --------------------------------------------------------------------------- report-level sentences


def summary_sentences(place, h) -> list[str]:
    """Three to five summary sentences from a :class:`jsna.topics.covid_impact.compute.CovidReport` (fewer where data are missing)."""
    s: list[str | None] = []
    if h.cases.available:
        p = h.cases.place.dropna(subset=["rate_7d"])
        e = h.cases.england.dropna(subset=["rate_7d"])
        pi, ei = p["rate_7d"].idxmax(), e["rate_7d"].idxmax()
        s.append(peak_sentence(place.name, p.at[pi, "rate_7d"], p.at[pi, "date"], e.at[ei, "rate_7d"],
                               e.at[ei, "date"]))
    t, d = h.totals["cases"], h.totals["deaths"]
    if "place" in t and "place" in d:
        s.append(
            f"From 1 March 2020 to 21 June 2021, {place.name} recorded {fmt_number(t['place']['rate'])} cases per "
            f"100,000 people (England {fmt_number(t['england']['rate'])}) and {fmt_number(d['place']['rate'], 1)} "
            f"deaths within 28 days of a positive test per 100,000 (England {fmt_number(d['england']['rate'], 1)}).")
    elif "place" in t:
        s.append(total_sentence(place.name, "cases", t["place"]["rate"], t["england"]["rate"],
                                "2020-03-01", "2021-06-21", t["place"]["total"]))
    refused = []  # comparisons below the reliability minimum: said once, together
    if h.deaths_gap:
        s.extend(ons_sentences(h.ons)[:1])  # the age-standardised national contrast leads
        what = "death rates from Covid-19 (March-December 2020)"
        if h.checks["deaths"].ok:
            s.append(gap_sentence(place.name, h.deaths_gap, what))
        else:
            refused.append(("Covid-19 death rates", h.checks["deaths"]))
    if h.uptake_gap:
        if h.checks["uptake"].ok:
            s.append(uptake_gap_sentence(place.name, h.uptake_gap))
        else:
            refused.append(("vaccine uptake", h.checks["uptake"]))
    if refused:
        merged = reliability.Verdict(False, tuple(dict.fromkeys(r for _, v in refused for r in v.reasons)))
        s.append(merged.sentence(place.name, " or ".join(w for w, _ in refused)))
    if not h.llr_data:
        s.extend(ltla_sentences(place, h)[:2])
        s.extend(ons_sentences(h.ons)[:1])
        s.append(f"Local case, death and vaccination series for {place.name} are not in this release of the data; "
                 "the report shows the England picture only.")
    return summary(s)


def gap_paragraph(place_name: str, gap: dict, what: str, check=None, unit: str = "per 100,000") -> list[str]:
    """The gap sentence plus ratio and SII (when available), or, below the reliability minimum
    (``check``: a :class:`jsna.reliability.Verdict`), the reason no gap is stated."""
    if check is not None and not check.ok:
        return [check.sentence(place_name, what)]
    out = [gap_sentence(place_name, gap, what)]
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


def ons_sentences(ons: pd.DataFrame) -> list[str]:
    """The ONS national benchmark in words (longest period first)."""
    e = ons[(ons["area_code"] == ENGLAND_CODE)]
    out = []
    periods = sorted(e.groupby(["period_start", "period_end"]), key=lambda kv: kv[0][0] - kv[0][1])
    for (a, b), g in periods:  # longest period first
        v = g.set_index("group")["value"]
        if {"most deprived areas", "least deprived areas"} <= set(v.index):
            most, least = v["most deprived areas"], v["least deprived areas"]
            out.append(f"{_date(a)} to {_date(b)}: {fmt_number(most, 1)} deaths per 100,000 in England's most deprived "
                       f"areas against {fmt_number(least, 1)} in the least deprived ({times_word(most / least)} "
                       "the rate, age-standardised).")
    lei = ons[(ons["area_code"] == "E06000016") & (ons["unit"] == "deaths")]
    if not lei.empty:
        out.append(f"In July 2020, during its local lockdown, Leicester had {fmt_number(lei['value'].iloc[0])} deaths "
                   "involving COVID-19, one of only two areas in England and Wales with more than 20 that month (ONS).")
    return out


def uptake_sentences(place, h) -> list[str]:
    """Vaccine uptake gap in words (July 2021, and the 70+ gap in the March 2021 release), or the
    reason no gap is stated (the reliability rule)."""
    if not h.checks["uptake"].ok:
        return [h.checks["uptake"].sentence(place.name, "vaccine uptake")]
    out = [uptake_gap_sentence(place.name, h.uptake_gap)]
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
    """Area-level ethnicity view and a plain statement of what the data cannot show."""
    eth = h.ethnicity.dropna(subset=["minority_prop"])
    out = []
    if not eth.empty:
        top = eth.sort_values("minority_prop", ascending=False).iloc[0]
        rank = f"{top['england_minority_rank']} of {top['n_ltla']} English districts, 1 = highest"
        if len(eth) == 1:
            out.append(f"In the 2021 Census, {fmt_pct(top['minority_prop'] * 100)} of {place.possessive} residents "
                       f"were from minority ethnic groups (all groups other than White; {rank}).")
        else:
            out.append(f"{top['district']} has the largest share of residents from minority ethnic groups among "
                   f"{place.possessive} districts ({fmt_pct(top['minority_prop'] * 100)} in the 2021 Census, "
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
    """Honest coverage statement: periods and gaps in the data."""
    out = [
        "Cases: UKHSA final archive by specimen date, March 2020 to December 2023. From January 2022 the dashboard "
        "counts infection episodes (reinfections included), and free testing ended on 1 April 2022, so later counts "
        "are not comparable with earlier waves.",
        "Deaths within 28 days of a positive test: local data end on 21 June 2021 (the last snapshot found); no "
        "district-level deaths series and no 'Covid-19 on the death certificate' series by local authority are "
        "available in this release.",
        "Neighbourhood cases cover weeks ending 21 March to 28 November 2020 only; neighbourhood deaths cover March "
        "to December 2020 (ONS).",
        "Vaccinations: two snapshots only (NHS England releases of 4 March and 15 July 2021); no time series and no "
        "booster data.",
    ]
    if not h.llr_data:
        out.insert(0, f"The local files of this release cover Leicester, Leicestershire and Rutland only, so "
                   f"{place.name} is shown on the England picture only.")
    return out


def case_range_sentence(h) -> str:
    """Recorded case rates by quintile as a range (suppressed MSOA weeks of 0-2 cases counted as 0 and as 2)."""
    lo = h.cases_by_q.set_index("quintile")["value"]
    hi = h.cases_upper_by_q.set_index("quintile")["value"]
    parts = [f"quintile {q}: {fmt_number(lo[q])} to {fmt_number(hi[q])}" for q in lo.index]
    return ("Because weeks with 0-2 cases were suppressed, each quintile's recorded case rate lies in a range "
            "(suppressed weeks counted as 0, then as 2 cases) per 100,000: " + "; ".join(parts) + ".")
