"""The population report's words: sentences written from its numbers, captions, notes, the nbval check
lines and the headline figures. Every number a sentence states is in the table or chart data beside it,
and a difference stated beside two shares is that of the shares as shown (jsna.words rounding rule)."""

from __future__ import annotations

import pandas as pd

from jsna import reliability
from jsna.topics.population.compute import ALL_AGES, BASE_YEAR, LEAST, MOST, WHITE_BRITISH, Results
from jsna.words import fmt_number, fmt_pct, is_missing, join_names, shown, shown_difference

CENSUS = "Census 2021"
IMD = "IMD 2025"


def mid(year: int) -> str:
    """'mid-2023'."""
    return f"mid-{year}"


def ages_words(first: int, last: float | None) -> str:
    """'aged under 10', 'aged 20 to 49', 'aged 50 and over'."""
    if is_missing(last):
        return f"aged {first} and over"
    if first == 0:
        return f"aged under {int(last) + 1}"
    return f"aged {first} to {int(last)}"


def band_words(band: str) -> str:
    """A band label in words: '15-19' -> 'aged 15 to 19', '90+' -> 'aged 90 and over'."""
    if band.endswith("+"):
        return f"aged {band[:-1]} and over"
    lo, hi = band.split("-")
    return f"aged {lo} to {hi}"


def group_words(group: str) -> str:
    """An age group of the change table in words: 'all ages', 'aged 0 to 15', 'aged 65 and over'."""
    return "all ages" if group == ALL_AGES else band_words(group)


def _signed_pct(x: float | None) -> str:
    return "not available" if is_missing(x) else f"{x:+.1f}%"


def _grew(x: float) -> str:
    """'grew by', 'fell by' or 'changed by' for a change (a count or a percentage)."""
    return "grew by" if x > 0 else "fell by" if x < 0 else "changed by"


# --------------------------------------------------------------------------- the page's opening
def introduction(place) -> str:
    """The paragraph under the title."""
    return (f"This report describes who lives in {place.name}: how many people, their ages and sexes against "
            "England, how the population has changed since 2021, their ethnic groups at the 2021 Census, and "
            "how many live in more and less deprived neighbourhoods. Figures come from the Office for National "
            "Statistics (mid-year population estimates and the 2021 Census) and the English Indices of "
            "Deprivation 2025.")


def key_points(r: Results) -> list[str]:
    """The summary box: the headline figures in sentences, each against England."""
    h, m = r.headline, r.minority
    out = [f"{r.place.name} had {fmt_number(h.total)} residents in {mid(h.year)} (ONS estimate)."]
    if not is_missing(h.change_pct):
        than = ("more than" if h.change_pct > 0 else "fewer than" if h.change_pct < 0 else "as many as")
        out[0] = out[0][:-1] + (f", {fmt_pct(abs(h.change_pct))} {than} in {mid(BASE_YEAR)}; England's population "
                                f"{_grew(h.england_change_pct)} {fmt_pct(abs(h.england_change_pct))} over the same "
                                "years.")
    out.append(f"{fmt_pct(h.pct_65)} of residents were aged 65 and over (England {fmt_pct(h.england_pct_65)}) and "
               f"{fmt_pct(h.pct_0_15)} aged 0 to 15 (England {fmt_pct(h.england_pct_0_15)}), {mid(h.year)}.")
    out.append(f"At the 2021 Census, {fmt_pct(m.pct)} of residents belonged to an ethnic minority group, meaning "
               f"every group {m.definition} (England {fmt_pct(m.england_pct)}).")
    share = "None" if shown(h.most_deprived_pct, 1) == 0 else fmt_pct(h.most_deprived_pct)
    out.append(f"{share} of {r.place.possessive} residents live in neighbourhoods among England's most deprived "
               f"fifth ({IMD}), against {fmt_pct(h.england_most_deprived_pct)} of England's residents.")
    if (d := difference_sentence(r)):
        out.append(d)
    return out


# --------------------------------------------------------------------------- age and sex
def difference_sentence(r: Results, peaks: bool = False) -> str:
    """'Compared with England in mid-2023, Leicester has more people aged under 45 (66.5% of residents
    against 56.0%) and fewer aged 45 and over (33.5% against 44.0%).' At most two runs each way
    (:func:`~jsna.topics.population.compute.largest_differences`); with ``peaks``, the band of the
    largest run each way that differs most."""
    d = r.differences
    if d.empty:
        return (f"{r.place.possessive} age structure is close to England's: no group of neighbouring age bands "
                "differs from England's share by as much as 1 percentage point.")
    parts = []
    first = True
    for direction in ("more", "fewer"):
        rows = d[d["direction"] == direction].head(2)
        if rows.empty:
            continue
        bits = []
        for i, (_, x) in enumerate(rows.iterrows()):
            share = f"{fmt_pct(x['pct'])}{' of residents' if first else ''} against {fmt_pct(x['england_pct'])}"
            first = False
            if peaks and i == 0 and x["bands"] >= 3:
                share += (f"; the largest gap is at ages {band_words(x['peak'])[5:]}, "
                          f"{fmt_pct(x['peak_pct'])} against {fmt_pct(x['peak_england_pct'])}")
            bits.append(f"{ages_words(int(x['first_age']), x['last_age'])} ({share})")
        parts.append(f"{direction} {'people ' if not parts else ''}" + " and ".join(bits))
    joiner = ", and " if any(" and aged " in p for p in parts) else " and "
    return f"Compared with England in {mid(r.pyramid_year)}, {r.place.name} has " + joiner.join(parts) + "."


def pyramid_sentences(r: Results) -> list[str]:
    """Males and females in the pyramid's year, and the largest differences from England's shape."""
    p = r.pyramid
    males, females = int(p["males"].sum()), int(p["females"].sum())
    eng_m = float(p["england_male_pct"].sum())
    out = [f"In {mid(r.pyramid_year)}, the latest year for which the estimates give males and females separately, "
           f"{r.place.name} had {fmt_number(males)} males and {fmt_number(females)} females: "
           f"{fmt_pct(100 * males / (males + females))} of residents were male (England {fmt_pct(eng_m)})."]
    out.append(difference_sentence(r, peaks=True))
    return out


def pyramid_alt(r: Results) -> str:
    """Alt text of the pyramid."""
    return (f"Population pyramid of {r.place.name}, {mid(r.pyramid_year)}: males on the left and females on the "
            "right in five-year age bands, as a share of all residents, with England's shape as an outline. "
            "Details are in the text description and the table below.")


def pyramid_description(r: Results) -> list[str]:
    """Text description of the pyramid, written from the same numbers."""
    p = r.pyramid
    top = p.loc[p["persons_pct"].idxmax()]
    return [f"Each bar is the share of all {r.place.name} residents who are males (left) or females (right) of a "
            "five-year age band; the black outline is the same for England. The table below gives the counts.",
            f"The largest five-year band is ages {band_words(top['band'])[5:]} ({fmt_pct(top['persons_pct'])} of "
            f"residents; England {fmt_pct(top['england_pct'])})."] + _sex_sentence(r)


def _sex_sentence(r: Results) -> list[str]:
    """The band where the place's males and females differ most, against England's same band."""
    p = r.pyramid
    gap = (p["male_pct"] - p["female_pct"]).abs()
    b = p.loc[gap.idxmax()]
    if shown_difference(b["male_pct"], b["female_pct"], 1) == 0:
        return []
    more, fewer = ("males", "females") if b["male_pct"] > b["female_pct"] else ("females", "males")
    return [f"The largest difference between the sexes is at ages {band_words(b['band'])[5:]}: "
            f"{fmt_pct(max(b['male_pct'], b['female_pct']), 2)} of residents are {more} of that age and "
            f"{fmt_pct(min(b['male_pct'], b['female_pct']), 2)} {fewer} (England {fmt_pct(b['england_male_pct'], 2)} "
            f"males and {fmt_pct(b['england_female_pct'], 2)} females)."]


def pyramid_caption(r: Results) -> str:
    return (f"Population by age and sex, {r.place.name} against England, {mid(r.pyramid_year)} (ONS mid-year "
            "estimates)")


def differences_caption(r: Results) -> str:
    return (f"Age groups where {r.place.possessive} share of residents differs most from England's, "
            f"{mid(r.pyramid_year)}")


def pyramid_note(r: Results) -> str:
    """Why the pyramid is not the latest year, and how small areas' single years behave."""
    return (f"The sources give {mid(r.latest)} estimates for all persons only, without males and females "
            f"separately, so the pyramid shows {mid(r.pyramid_year)}. Estimates are not exact to the person; "
            "five-year bands smooth the noise of single years of age.")


# --------------------------------------------------------------------------- change
def change_sentences(r: Results) -> list[str]:
    """Growth since mid-2021 by age against England."""
    s = r.since
    if s.empty:
        return [f"The sources do not give {r.place.name} in {mid(BASE_YEAR)}, so no change is shown."]
    rows = s.set_index("group")
    t = rows.loc[ALL_AGES]
    first, last = int(t["first_year"]), int(t["last_year"])
    out = [f"Between {mid(first)} and {mid(last)}, {r.place.possessive} population {_grew(t['change'])} "
           f"{fmt_number(abs(t['change']))} people, from {fmt_number(t['first'])} to {fmt_number(t['last'])} "
           f"({_signed_pct(t['pct_change'])}), against {_signed_pct(t['england_pct_change'])} across England."]
    parts = [f"{group_words(g)} {_signed_pct(rows.loc[g, 'pct_change'])} (England "
             f"{_signed_pct(rows.loc[g, 'england_pct_change'])})" for g in rows.index if g != ALL_AGES]
    out.append("By age, the change was: " + join_names(parts) + ".")
    return out


def boundary_note(r: Results) -> str:
    """How mid-2021 (on 2021 boundaries) relates to the Place."""
    base = r.base_set
    text = ("ONS published the mid-2021 estimates on the council boundaries of 2021 and later years on those of "
            "April 2023. ")
    if base is None:
        return text + f"{r.place.name} is not in the mid-2021 estimates, so the change since then is not shown."
    if base.former:
        names = [a.name for a in base.areas]
        return text + (f"{r.place.name} took its present form in April 2023: its mid-2021 figures are the sum of "
                       f"the {len(names)} former councils it was formed from ({join_names(names)}), which cover the "
                       "same area.")
    return text + f"{r.place.possessive} boundaries are the same in both, so the years compare like with like."


REVISION_NOTE = ("Each year is shown as ONS first published it. ONS later revised its mid-2022 estimates (with "
                 "better information on international migration), so part of the change between mid-2022 and "
                 "mid-2023 is revision rather than real change; the change since mid-2021 compares mid-2021 with "
                 "the latest year directly. No projection is shown: the sources include no population "
                 "projection.")


def ages_caption(r: Results) -> str:
    return f"Residents by broad age group, {r.place.name} against England, {mid(r.latest)}"


def change_caption(r: Results) -> str:
    return f"Residents by age, {r.place.name}, {mid(r.years[0])} to {mid(r.latest)}, with the change against England"


def change_alt(r: Results) -> str:
    return (f"Bar chart of the percentage change in {r.place.possessive} population from {mid(BASE_YEAR)} to "
            f"{mid(r.latest)}, for all ages and four age groups, beside England's. Details are in the text "
            "description below.")


def change_description(r: Results) -> list[str]:
    return ["Each pair of bars is the percentage change of one age group: the place first, England second."
            ] + change_sentences(r)


def areas_sentence(r: Results) -> str:
    """A group Place: each area's residents and change."""
    a = r.areas
    rows = a[a["area_code"] != ""]
    parts = [f"{x['area_name']} {fmt_number(x['total'])} ({_signed_pct(x['pct_change'])})" for _, x in rows.iterrows()]
    return (f"Residents in {mid(int(a['year'].iloc[0]))} and the change since {mid(BASE_YEAR)}: "
            + join_names(parts) + ".")


def areas_caption(r: Results) -> str:
    return f"Residents of each area of {r.place.name}, {mid(r.latest)}"


# --------------------------------------------------------------------------- ethnic group
def group_name(broad: str, group: str) -> str:
    """One of the 19 groups as a reader names it: 'Indian', 'White Irish', 'Black African', 'Other White'."""
    word = broad.split(",")[0].split(" ")[0]
    if word in ("White", "Black") and word not in group:
        return f"{word} {group}"
    return group


def region_words(name: str) -> str:
    """'the East Midlands', 'London', 'Yorkshire and The Humber'."""
    return name if name in ("London", "Yorkshire and The Humber") else f"the {name}"


def ethnic_sentences(r: Results) -> list[str]:
    """Minority share (defined), the largest groups, against the region and England."""
    m, e = r.minority, r.ethnic
    total = m.residents
    against = (f"{fmt_pct(m.region_pct)} in {region_words(r.region.name)} and {fmt_pct(m.england_pct)} in England"
               if r.region and not is_missing(m.region_pct) else f"{fmt_pct(m.england_pct)} in England")
    out = [f"At the 2021 Census, {fmt_number(m.count)} of {r.place.possessive} {fmt_number(total)} usual residents "
           f"({fmt_pct(m.pct)}) belonged to an ethnic minority group, counted here as every group {m.definition}, "
           f"against {against}.",
           f"Counting every group other than White, the share was {fmt_pct(m.non_white_pct)} "
           f"(England {fmt_pct(m.england_non_white_pct)})."]
    det = e[(e["level"] == "detailed") & (e["label"] != WHITE_BRITISH)]
    top = det.sort_values("count", ascending=False, kind="stable").head(3)
    out.append("After White British, the largest groups were " + join_names(
        [f"{group_name(x['broad_group'], x['group'])} ({fmt_number(x['count'])}, {fmt_pct(x['pct'])}; England "
         f"{fmt_pct(x['england_pct'])})"
         for _, x in top.iterrows()]) + ".")
    return out


def census_note(r: Results) -> str:
    """How the Census figures were added up, and their small perturbations."""
    a = r.census_areas
    names = [x.name for x in a.areas]
    if a.former:
        where = (f"{r.place.name} took its present form after the Census: its figures are the sum of the "
                 f"{len(names)} former councils it was formed from ({join_names(names)}), which cover the same area. ")
    elif len(names) > 1:
        where = (f"Figures for {r.place.name} are the sum of those of its {len(names)} district and unitary "
                 "councils. ")
    else:
        where = ""
    return (where + "Census counts are lightly changed by ONS to protect confidentiality, so totals can differ by a "
            "few people between tables. Region and England are the sums of their councils.")


def ethnic_alt(r: Results) -> str:
    who = f", the {r.region.name}" if r.region else ""
    return (f"Bar chart of the share of usual residents in each of the five high-level ethnic groups at the 2021 "
            f"Census, {r.place.name}{who} and England. Details are in the text description below.")


def ethnic_description(r: Results) -> list[str]:
    b = r.ethnic[r.ethnic["level"] == "broad"]
    reg = r.region is not None and not b["region_pct"].isna().all()
    parts = [f"{x['group']} {fmt_pct(x['pct'])} ("
             + (f"{region_words(r.region.name)} {fmt_pct(x['region_pct'])}, " if reg else "")
             + f"England {fmt_pct(x['england_pct'])})" for _, x in b.iterrows()]
    return [f"Share of {r.place.possessive} usual residents in each high-level ethnic group, 2021 Census: "
            + "; ".join(parts) + "."]


def minority_caption(r: Results) -> str:
    return f"Usual residents from ethnic minority groups, {r.place.name}, Census 2021, by the two usual definitions"


def ethnic_caption(r: Results, detailed: bool = False) -> str:
    what = "the 19 ethnic groups" if detailed else "high-level ethnic group"
    region = f"{region_words(r.region.name)} and " if r.region else ""
    return f"Usual residents by {what}, {r.place.name}, against {region}England, Census 2021"


# --------------------------------------------------------------------------- deprivation
def quintile_sentences(r: Results) -> list[str]:
    """Residents of each national fifth of IMD 2025 against England."""
    q = r.quintiles.set_index("national_quintile")
    most, least = q.loc[MOST], q.loc[LEAST]
    if most["residents"] == 0:
        first = (f"None of {r.place.possessive} neighbourhoods is among England's most deprived fifth ({IMD}), "
                 f"where {fmt_pct(most['england_pct'])} of England's residents live.")
    else:
        first = (f"{fmt_number(most['residents'])} of {r.place.possessive} residents ({fmt_pct(most['pct'])}) live in "
                 f"{fmt_number(most['lsoas'])} neighbourhoods among England's most deprived fifth ({IMD}), against "
                 f"{fmt_pct(most['england_pct'])} of England's residents.")
    return [first, f"{fmt_pct(least['pct'])} live in neighbourhoods among England's least deprived fifth "
                   f"(England {fmt_pct(least['england_pct'])}). Residents are usual residents at the 2021 Census."]


def quintile_caption(r: Results) -> str:
    return f"Residents of {r.place.possessive} neighbourhoods by national fifth of the {IMD}, Census 2021"


def _pct_of(broad: pd.DataFrame, group: int, col: str) -> float:
    return float(broad.set_index("group").loc[group, col])


def fifths_sentences(r: Results) -> list[str]:
    """The age profile of the Place's most against least deprived fifth (when the reliability rule
    allows), and England's for context."""
    f = r.fifths
    eb = f.england_broad
    england = (f"Across England, residents of the most deprived fifth of neighbourhoods are younger than those "
               f"of the least deprived: {fmt_pct(_pct_of(eb, MOST, 'pct_0-14'))} are aged under 15 and "
               f"{fmt_pct(_pct_of(eb, MOST, 'pct_65+'))} aged 65 and over, against "
               f"{fmt_pct(_pct_of(eb, LEAST, 'pct_0-14'))} and {fmt_pct(_pct_of(eb, LEAST, 'pct_65+'))} in the "
               "least deprived fifth. So crude rates, not adjusted for age, understate how much worse health is "
               "in deprived areas.")
    if not f.verdict.ok:
        return [f.verdict.sentence(r.place.name, "the age profile"), england]
    b = f.broad
    kid_m, kid_l = _pct_of(b, MOST, "pct_0-14"), _pct_of(b, LEAST, "pct_0-14")
    old_m, old_l = _pct_of(b, MOST, "pct_65+"), _pct_of(b, LEAST, "pct_65+")
    dk, do = shown_difference(kid_m, kid_l, 1), shown_difference(old_m, old_l, 1)
    if abs(dk) < 1 and abs(do) < 1:
        kind = "has much the same age profile as the least deprived"
    elif dk > 0 and do < 0:
        kind = "is younger than the least deprived"
    elif dk < 0 and do > 0:
        kind = "is older than the least deprived"
    else:
        kind = (f"has a {'larger' if dk > 0 else 'smaller'} share of children and a {'larger' if do > 0 else 'smaller'} "
                "share of people aged 65 and over than the least deprived")
    return [f"In {r.place.name}, the most deprived fifth of residents (by the {IMD} score of their neighbourhood) "
            f"{kind}: {fmt_pct(kid_m)} are aged under 15 and {fmt_pct(old_m)} aged 65 and over, against "
            f"{fmt_pct(kid_l)} and {fmt_pct(old_l)} in the least deprived fifth (Census 2021).", england]


def fifths_caption(r: Results) -> str:
    return (f"Age of residents in the most and least deprived fifths of {r.place.possessive} neighbourhoods, "
            "and of England's, Census 2021")


def fifths_alt(r: Results) -> str:
    return (f"Line chart of the share of residents in each five-year age band, for the most and the least "
            f"deprived fifth of {r.place.possessive} residents, Census 2021. Details are in the text description "
            "below.")


def fifths_description(r: Results) -> list[str]:
    return ["Each line is one fifth of residents: the share of its residents in each five-year age band. Circles "
            "mark the most deprived fifth and squares the least deprived; solid lines are the place and dotted "
            "lines England."] + _fifths_peak(r)


def _fifths_peak(r: Results) -> list[str]:
    """The five-year band holding the largest share of each line's residents."""
    out = []
    for label, prof, g in ([(f"{r.place.possessive} most deprived fifth", r.fifths.profile, MOST),
                            (f"{r.place.possessive} least deprived fifth", r.fifths.profile, LEAST)]
                           if r.fifths.verdict.ok else []) + [
            ("England's most deprived fifth", r.fifths.england_profile, MOST),
            ("England's least deprived fifth", r.fifths.england_profile, LEAST)]:
        d = prof[prof["group"] == g]
        top = d.loc[d["pct"].idxmax()]
        out.append(f"{label}: the largest band is ages {band_words(top['band'])[5:]} ({fmt_pct(top['pct'])}).")
    return [" ".join(out)]


FIFTHS_METHOD = ("The fifths are population-weighted fifths of the place's own neighbourhoods (LSOAs, about "
                 "1,700 residents each) ranked by their IMD 2025 score, so each holds about a fifth of residents.")


# --------------------------------------------------------------------------- appendix, checks and headlines
def method_paragraphs(r: Results) -> list[str]:
    """How the report is built, for its Methods and sources appendix."""
    return [
        "Population estimates. ONS mid-year estimates (30 June each year) of residents by sex and single year of "
        "age, added up to five-year bands for the pyramid and to broad age groups for the change. Where a place "
        "is several councils, their figures are added together.",
        "Pyramid. Each bar is the share of all residents (males and females together make 100%) in a band; "
        "England's shares are drawn as an outline. The age groups named as differing most from England are runs "
        "of neighbouring bands where the place's share is on the same side of England's, whose shares differ by "
        "at least 1 percentage point.",
        "Ethnic group. 2021 Census usual residents in the 19 ethnic groups ONS publishes for each council, and the "
        "five high-level groups they make up. The ethnic minority share counts every group other than White "
        "British (which includes White Irish, Gypsy or Irish Traveller, Roma and Other White), as the UK "
        "government's Ethnicity facts and figures does; the share of every group other than White is given too.",
        "Deprivation. Each neighbourhood (LSOA 2021) takes the national fifth of its IMD 2025 rank (fifth 1 = "
        "England's most deprived 20% of neighbourhoods). Residents are 2021 Census usual residents, because the "
        "mid-2022 populations used by the Indices are not held. " + FIFTHS_METHOD,
        reliability.rule_text(),
    ]


def check_lines(r: Results) -> list[str]:
    """The headline numbers a reviewer's nbval run compares (the notebook's NBVAL_CHECK_OUTPUT cell)."""
    h, m, p, n = r.headline, r.minority, r.pyramid, r.place.name
    return [f"{n}: {h.total} residents mid-{h.year} (England {h.england_total}); change since mid-{BASE_YEAR} "
            f"{_signed_pct(h.change_pct)} (England {_signed_pct(h.england_change_pct)})",
            f"{n}: aged 65+ {h.pct_65:.1f}% (England {h.england_pct_65:.1f}%); aged 0-15 {h.pct_0_15:.1f}% "
            f"(England {h.england_pct_0_15:.1f}%)",
            f"{n}: pyramid mid-{r.pyramid_year}: {int(p['males'].sum())} males, {int(p['females'].sum())} females",
            f"{n}: ethnic minority ({m.definition}) {m.pct:.1f}% (England {m.england_pct:.1f}%)",
            f"{n}: in England's most deprived fifth {h.most_deprived_pct:.1f}% (England "
            f"{h.england_most_deprived_pct:.1f}%)"]


def headlines(r: Results) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline), each with England's."""
    h, m, n = r.headline, r.minority, r.place.name
    year, change = mid(h.year), f"{mid(BASE_YEAR)} to {mid(h.year)}"
    deprivation = f"{IMD} (Census 2021 residents)"
    figures = [
        ("population_total", h.total, h.england_total, "people", year, "residents"),
        ("population_65_plus_pct", h.pct_65, h.england_pct_65, "%", year, "share of residents aged 65 and over"),
        ("population_0_15_pct", h.pct_0_15, h.england_pct_0_15, "%", year, "share of residents aged 0 to 15"),
        ("ethnic_minority_pct", m.pct, m.england_pct, "%", CENSUS,
         f"share of residents from ethnic minority groups (every group {m.definition})"),
        ("most_deprived_fifth_pct", h.most_deprived_pct, h.england_most_deprived_pct, "%", deprivation,
         "share of residents in England's most deprived fifth of neighbourhoods"),
        ("population_change_pct", h.change_pct, h.england_change_pct, "%", change, "change in residents"),
    ]
    out = []
    for fid, value, england, unit, period, label in figures:
        out.append(dict(id=fid, value=value, unit=unit, period=period, label=f"{n}: {label}"))
        out.append(dict(id=f"{fid}_england", value=england, unit=unit, period=period, label=f"England: {label}"))
    return out
