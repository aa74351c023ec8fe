"""Sentences for the deprivation topic, written from the numbers (direction and size decide the words)."""

from __future__ import annotations

import pandas as pd

from jsna.editions import CHANGE_CAVEAT, Edition, edition_of, get_edition
from jsna.topics.deprivation.compute import BoundaryCheck, Headline
from jsna.words import fmt_number, fmt_pct, join_names, plural, small_area_words, times_word


def introduction(ed: Edition | str) -> str:
    """The paragraph that says what the report shows and what an LSOA, a decile and the IMD are."""
    ed = get_edition(ed)
    return ("This report shows where the area's neighbourhoods sit in the English Indices of Deprivation, published by "
            "the Ministry of Housing, Communities and Local Government (MHCLG). Neighbourhoods are Lower-layer Super "
            f"Output Areas (LSOAs, {small_area_words('LSOA', boundaries=ed.lsoa_year)} each). Every LSOA in England "
            "is ranked from 1 (most deprived) to the least deprived and put into ten national deciles: decile 1 holds "
            "England's most deprived 10% of LSOAs. Deprivation is about a lack of resources of many kinds, not only "
            "income: the Index of Multiple Deprivation (IMD) combines seven domains.")


def ordinal(n: int) -> str:
    """1 -> '1st', 16 -> '16th', 22 -> '22nd'."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _compare(value: float, benchmark: float, more: str, less: str, tol: float = 0.05) -> str:
    if abs(value - benchmark) <= tol * max(abs(benchmark), 1e-9):
        return "about the same as"
    return more if value > benchmark else less


def headline_sentences(place: Headline, england: Headline, possessive: str) -> list[str]:
    """Average score, share of LSOAs in the most deprived 10% and Core20 share, against England."""
    ed = place.ed
    word = _compare(place.avg_score, england.avg_score, "more deprived than", "less deprived than")
    when = "(mid-2015)" if ed.key == "iod2019" else "at the 2021 Census"
    if place.published_rank:  # MHCLG's figure, to the 3 decimals it is published with
        score = f"as published by MHCLG, is {place.avg_score:.3f}"
    else:
        score = f"weighted by {ed.population_short} residents, is {place.avg_score:.1f}"
    first = (f"{possessive} {plural(place.n_lsoas, 'neighbourhood')} (LSOAs) had {fmt_number(place.population)} "
             f"residents {when}. Its average {ed.imd} score, {score}, {word} England "
             f"({england.avg_score:.1f}); higher scores mean more deprivation.")
    if ed.key == "iod2019" and not place.published_rank:  # the sentence as it always read
        first = (f"{possessive} {plural(place.n_lsoas, 'neighbourhood')} (LSOAs) had {fmt_number(place.population)} "
                 f"residents (mid-2015). Its population-weighted average IMD 2019 score is {place.avg_score:.1f}, "
                 f"{word} England ({england.avg_score:.1f}); higher scores mean more deprivation.")
    if place.published_rank:
        first = first.replace(f"{score}, {word}", f"{score}: {word}")
        first += (f" On this measure it ranks {ordinal(place.published_rank)} most deprived of England's "
                  f"{place.n_districts} local authority districts.")
    first = first.replace("1 neighbourhood (LSOAs)", "1 neighbourhood (LSOA)")
    out = [first]
    if place.n_lsoas_decile1:
        ratio = place.pct_lsoas_decile1 / 10.0
        size = (f"{times_word(ratio)} England's 10%" if ratio >= 1.15
                else "close to England's 10%" if ratio > 0.85 else "below England's 10%")
        out.append(f"{plural(place.n_lsoas_decile1, 'LSOA')} ({fmt_pct(place.pct_lsoas_decile1)}) are among "
                   f"England's most deprived 10%, {size}.")
    else:
        out.append("None of its LSOAs is among England's most deprived 10%.")
    if place.core20_population:
        cmp20 = _compare(place.core20_pct, 20.0, "more than", "less than", tol=0.1)
        on = "" if ed.key == "iod2019" else f" on the {ed.imd}"
        out.append(f"{fmt_number(place.core20_population)} people ({fmt_pct(place.core20_pct)}) live in England's "
                   f"most deprived 20% of neighbourhoods{on}, the Core20 group of NHS England's Core20PLUS5 approach: "
                   f"{cmp20} the one in five of the national picture.")
    else:
        out.append("No resident lives in England's most deprived 20% of neighbourhoods (the Core20 group).")
    return out


def extremes_sentences(wards: pd.DataFrame, msoas: pd.DataFrame, most: pd.DataFrame, least: pd.DataFrame,
                       n: int = 3) -> list[str]:
    """Name the most and least deprived wards, MSOAs and LSOAs."""
    ed = edition_of(most)
    k = min(n, len(wards) // 2)  # with few wards the "most" and "least" lists must not share a ward
    w_top = [f"{getattr(r, ed.ward_name)} ({r.avg_score:.1f})" for r in wards.head(k).itertuples()]
    w_bot = [f"{getattr(r, ed.ward_name)} ({r.avg_score:.1f})" for r in wards.iloc[::-1].head(k).itertuples()]
    m_top = [str(x) for x in msoas[ed.msoa_hcl].head(n)]
    lsoa = most.iloc[0]
    lsoa_l = least.iloc[0]
    nm, ms, wd, n_all = ed.lsoa_name, ed.msoa_hcl, ed.ward_name, f"{ed.n_lsoas:,}"
    out = []
    if len(wards) > 1:
        out.append(f"By average score the most deprived wards are {join_names(w_top)}; the least deprived are "
                   f"{join_names(w_bot)}.")
    if len(msoas) > 1:
        out.append(f"The most deprived neighbourhoods by MSOA (House of Commons Library names) are "
                   f"{join_names(m_top)}.")
    if lsoa[ed.lsoa] == lsoa_l[ed.lsoa]:  # a Place of one LSOA (Isles of Scilly)
        out.append(f"The area is a single LSOA, {lsoa[nm]} ({lsoa[ms]}, {lsoa[wd]} ward), "
                   f"ranked {fmt_number(lsoa['imd_rank'])} of {n_all} in England (decile {int(lsoa['imd_decile'])}), "
                   "so it has no most and least deprived neighbourhoods to compare.")
        return out
    out.append(f"The single most deprived LSOA is {lsoa[nm]} ({lsoa[ms]}, {lsoa[wd]} ward), "
               f"ranked {fmt_number(lsoa['imd_rank'])} of {n_all} in England (decile {int(lsoa['imd_decile'])}); "
               f"the least deprived is {lsoa_l[nm]} ({lsoa_l[ms]}, {lsoa_l[wd]} ward), "
               f"ranked {fmt_number(lsoa_l['imd_rank'])} (decile {int(lsoa_l['imd_decile'])}).")
    return out


def district_sentences(districts: pd.DataFrame, england: Headline) -> list[str]:
    """Compare districts with each other and with England."""
    ed = edition_of(districts)
    nm = ed.lad_name
    d = districts.sort_values("avg_score", ascending=False, kind="mergesort")
    more = d.loc[d["avg_score"] > england.avg_score, nm].tolist()
    top, bottom = d.iloc[0], d.iloc[-1]
    out = [f"Across {plural(len(d), 'district')}, average scores range from {top['avg_score']:.1f} in "
           f"{top[nm]} to {bottom['avg_score']:.1f} in {bottom[nm]} (England {england.avg_score:.1f})."]
    if "published_rank" in d.columns and d["published_rank"].notna().all():
        out[0] += (f" Among England's {int(d['n_districts'].iloc[0])} districts, MHCLG ranks {top[nm]} "
                   f"{ordinal(top['published_rank'])} and {bottom[nm]} {ordinal(bottom['published_rank'])} "
                   "most deprived on average score.")
    if more:
        out.append(f"{join_names(more)} {'is' if len(more) == 1 else 'are'} more deprived than England on average.")
    else:
        out.append("Every district is less deprived than England on average.")
    c = d.sort_values("core20_pct", ascending=False, kind="mergesort").iloc[0]
    if c["core20_pct"] > 0:
        out.append(f"The largest Core20 share is in {c[nm]}: {fmt_pct(c['core20_pct'])} of residents live "
                   "in England's most deprived 20% of neighbourhoods.")
    return out


def domain_sentences(domains: pd.DataFrame, place_name: str) -> list[str]:
    """Which domains drive deprivation in the Place."""
    top = domains.iloc[0]
    low = domains.iloc[-1]
    if top["pct_pop_core20"] <= 0:
        return [f"On none of the seven domains does any {place_name} neighbourhood fall in England's most "
                "deprived 20%."]
    second = domains.iloc[1]
    head = (f"Deprivation in {place_name} is most pronounced on {top['label'].lower()} "
            f"({fmt_pct(top['pct_pop_core20'])} of residents in England's most deprived 20% of LSOAs on that "
            "domain)")
    if second["pct_pop_core20"] > 0:
        head += f" and {second['label'].lower()} ({fmt_pct(second['pct_pop_core20'])})"
    none = domains.loc[domains["pct_pop_core20"] <= 0, "label"].str.lower().tolist()
    if len(none) > 1:  # several domains with nobody in the most deprived 20%: name them, not one of them
        return [head + f"; no resident is in England's most deprived 20% on {join_names(none)}."]
    return [head + f"; it is least pronounced on {low['label'].lower()} ({fmt_pct(low['pct_pop_core20'])})."]


def boundary_note(check: BoundaryCheck, place_name: str) -> str | None:
    """A note when LSOAs of the data have no polygon (None when all can be mapped)."""
    if check.ok:
        return None
    shown = ", ".join(f"{c} {n}" for c, n in zip(check.missing_codes[:10], check.missing_names[:10], strict=True))
    more = f" and {check.n_missing - 10} more" if check.n_missing > 10 else ""
    return (f"{plural(check.n_missing, 'LSOA')} of {place_name} could not be drawn because the boundary file "
            f"has no polygon for {'it' if check.n_missing == 1 else 'them'}: {shown}{more}. They are included "
            "in every number and table but missing from the maps.")


def edition_sentences(ed: Edition | str, place_name: str, formed_from: str = "", other: str | None = None) -> list[str]:
    """Which edition and geography the report uses, its population, the direction and unit of the
    score, and (``other``: the key of the other edition) how to see the report in it."""
    ed = get_edition(ed)
    out = [ed.geography_sentence + (f" Residents are {ed.population_label}." if not ed.population_note else ""),
           f"Scores are MHCLG's {ed.imd} scores: a combined measure without units in which a higher score means "
           f"more deprivation. Ranks run from 1 (most deprived) to {ed.n_lsoas:,} (least deprived), and decile 1 "
           f"is England's most deprived 10% of neighbourhoods in {ed.short}."]
    if ed.population_note:
        out.append(ed.population_note)
    if formed_from and ed.codes_year == 2019:
        out.append(formed_from)
    return out


def _first_ten(items: list[str]) -> str:
    """The first ten items joined by '; ', then '; and N more' when there are more."""
    return "; ".join(items[:10]) + (f"; and {len(items) - 10} more" if len(items) > 10 else "")


def unmatched_note(unmatched: pd.DataFrame, place_name: str, ed: Edition | str) -> str | None:
    """A note naming the Place's LSOAs that one of the edition's files lacks, and their residents
    (None when there are none): they are left out of every figure of that edition."""
    ed = get_edition(ed)
    if unmatched is None or unmatched.empty:
        return None
    shown = _first_ten([f"{r.code} {r.name} ({r.problem}"
                        + (f", {fmt_number(r.residents)} residents)" if pd.notna(r.residents) else ")")
                        for r in unmatched.itertuples()])
    res = unmatched["residents"].dropna()
    held = (f" They hold {fmt_number(float(res.sum()))} residents ({ed.population_label})"
            + (" where known" if len(res) < len(unmatched) else "") + "." if len(res) else "")
    return (f"{plural(len(unmatched), 'neighbourhood')} of {place_name} could not be used for {ed.short} because one of "
            f"its files does not cover {'it' if len(unmatched) == 1 else 'them'}: {shown}.{held} They are left "
            "out of the figures, tables and maps of this report.")


def change_sentences(c, place_name: str, possessive: str) -> list[str]:
    """The 2019 -> 2025 comparison in words (``c``: jsna.topics.deprivation.change.Change), MHCLG's
    caveat first."""
    from jsna.topics.deprivation.change import DIRECTIONS

    old, new = c.shares.iloc[0], c.shares.iloc[1]
    out = [CHANGE_CAVEAT]

    def share(row, n: int) -> str:
        return (f"{plural(int(row[f'lsoas_{n}']), 'neighbourhood')} ({fmt_pct(row[f'pct_lsoas_{n}'])} of "
                f"{int(row['lsoas'])}), home to {fmt_pct(row[f'pct_residents_{n}'])} of residents")

    for n in (10, 20):
        a, b = float(old[f"pct_residents_{n}"]), float(new[f"pct_residents_{n}"])
        if not int(old[f"lsoas_{n}"]) and not int(new[f"lsoas_{n}"]):
            out.append(f"No neighbourhood of {place_name} was in England's most deprived {n}% in either edition.")
            continue
        trend = ("a larger share than" if b > a + 0.5 else "a smaller share than" if b < a - 0.5 else "about the same "
                 "share as")
        out.append(f"In England's most deprived {n}%: {share(old, n)} in IMD 2019; {share(new, n)} in IMD 2025, "
                   f"{trend} in 2019.")
    k = c.counts()
    if k["compared"]:
        within = k[DIRECTIONS[2]]
        parts = [f"{plural(k[DIRECTIONS[0]], 'neighbourhood')} moved to a more deprived national decile",
                 f"{fmt_number(k[DIRECTIONS[3]])} to a less deprived one",
                 f"{fmt_number(k[DIRECTIONS[1]])} stayed in the same decile"]
        if within:
            parts.append(f"{fmt_number(within)} merged or redrawn "
                         f"{'neighbourhood sits' if within == 1 else 'neighbourhoods sit'} within the deciles of the "
                         "2011 neighbourhoods they came from")
        out.append(f"Of {possessive} {fmt_number(k['compared'])} neighbourhoods of 2021 that can be compared with the "
                   f"2011 neighbourhoods they came from, {join_names(parts)}; "
                   f"{fmt_number(k['two_or_more'])} moved by two deciles or more.")
        moves = []
        for n in (10, 20):
            if k[f"into_{n}"] or k[f"out_of_{n}"]:
                joined, left = (fmt_number(k[f"{w}_{n}"]) if k[f"{w}_{n}"] else "none" for w in ("into", "out_of"))
                moves.append(f"{joined} joined and {left} left England's most deprived {n}%")
        if moves:
            out.append(f"Of these, {join_names(moves)}.")
    if c.changed_lsoas:
        out.append(f"{plural(c.changed_lsoas, 'neighbourhood')} of 2021 {'was' if c.changed_lsoas == 1 else 'were'} "
                   f"drawn by splitting, merging or redrawing 2011 neighbourhoods; "
                   f"{'it holds' if c.changed_lsoas == 1 else 'they hold'} {fmt_number(c.changed_residents)} residents, "
                   f"{fmt_pct(c.pct_changed_residents)} of {possessive} {fmt_number(c.residents)} (Census 2021). "
                   "A split neighbourhood is compared with the 2011 neighbourhood it came from; a merged one with the "
                   "range of the 2011 neighbourhoods it joined.")
    else:
        out.append(f"No neighbourhood of {place_name} was redrawn in 2021: each is compared with the same 2011 "
                   "neighbourhood, and none of its residents live in a changed area.")
    return out


def change_unmatched_note(c, place_name: str) -> str | None:
    """A note naming the neighbourhoods the 2019 -> 2025 comparison cannot use (None when all can)."""
    parts = []
    if len(c.unmatched_new):
        shown = _first_ten([f"{r.code} {r.name} ({r.reason})" for r in c.unmatched_new.itertuples()])
        parts.append(f"{plural(len(c.unmatched_new), 'neighbourhood')} of 2021 with "
                     f"{fmt_number(float(c.unmatched_new['residents'].sum()))} residents (Census 2021) cannot be "
                     f"matched to the 2019 area: {shown}")
    if len(c.unmatched_old):
        shown = _first_ten([f"{r.code} {r.name}" for r in c.unmatched_old.itertuples()])
        parts.append(f"{plural(len(c.unmatched_old), 'neighbourhood')} of 2011 with "
                     f"{fmt_number(float(c.unmatched_old['residents'].sum()))} residents (mid-2015) "
                     f"{'has' if len(c.unmatched_old) == 1 else 'have'} no successor in the 2025 area: {shown}")
    if not parts:
        return None
    return (f"Not every neighbourhood of {place_name} can be followed from 2019 to 2025: " + "; ".join(parts)
            + ". They count in each edition's own shares above, but not among the neighbourhoods that moved decile.")


def district_rank_sentences(ranks: pd.DataFrame) -> list[str]:
    """MHCLG's published district ranks, 2019 against 2025 (jsna.topics.deprivation.change.district_ranks)."""
    both = ranks.dropna(subset=["rank_of_avg_score_2019", "rank_of_avg_score_2025"])
    out = []
    for r in both.itertuples():
        a, b = int(r.rank_of_avg_score_2019), int(r.rank_of_avg_score_2025)
        out.append(f"{r.name} ranked {ordinal(a)} most deprived of {int(r.n_districts_2019)} districts on average "
                   f"score in IoD2019 and {ordinal(b)} of {int(r.n_districts_2025)} in IoD2025.")
    new_only = ranks[ranks["rank_of_avg_score_2019"].isna() & ranks["rank_of_avg_score_2025"].notna()]
    old_only = ranks[ranks["rank_of_avg_score_2019"].notna() & ranks["rank_of_avg_score_2025"].isna()]
    for r in new_only.itertuples():
        formed = ", ".join(f"{o.name} {ordinal(int(o.rank_of_avg_score_2019))}" for o in old_only.itertuples())
        out.append(f"{r.name} ranks {ordinal(int(r.rank_of_avg_score_2025))} of {int(r.n_districts_2025)} districts in "
                   "IoD2025; it was not a district in 2019"
                   + (f", when MHCLG ranked the districts it was formed from (of 317): {formed}." if formed else "."))
    if out:
        out.append("England had 317 districts in 2019 and 296 in 2025 (several were merged), so a rank is a position "
                   "among a different set of districts in each edition.")
    return out


def change_key_finding(c, possessive: str) -> str:
    """One key finding on 2019 -> 2025: the share of residents in England's most deprived 20%."""
    old, new = c.shares.iloc[0], c.shares.iloc[1]
    a, b = float(old["pct_residents_20"]), float(new["pct_residents_20"])
    if a == 0 and b == 0:
        return ("No neighbourhood was in England's most deprived 20% in either IMD 2019 or IMD 2025.")
    trend = "up from" if b > a + 0.5 else "down from" if b < a - 0.5 else "about the same as"
    return (f"In IMD 2025, {fmt_pct(b)} of {possessive} residents live in England's most deprived 20% of "
            f"neighbourhoods, {trend} {fmt_pct(a)} in IMD 2019 (a comparison of deciles, not scores: see 'What "
            "changed from IoD2019 to IoD2025').")


def moves_summary(n: int) -> str:
    """The line that opens the folded table of neighbourhoods that moved two deciles or more."""
    who = "The neighbourhood" if n == 1 else f"The {fmt_number(n)} neighbourhoods"
    return f"{who} that moved two national deciles or more: show the table"


def quintile_refusal(qcheck, summary: pd.DataFrame, n_lsoas: int, place_name: str) -> str:
    """Why the local fifths are not shown (the reliability rule's reasons), with the rule itself."""
    from jsna import reliability

    if summary.empty:
        why = (f"{place_name} has {plural(n_lsoas, 'neighbourhood')} (LSOA{'s' if n_lsoas != 1 else ''}): too few "
               "to split into five local groups, so the report shows the area against England and the national "
               "deciles instead.")
    else:
        why = qcheck.sentence(place_name, "deprivation")
    return why + " " + reliability.rule_text()


# ---------------------------------------------------------------------------------------------
# Key findings, captions, the nbval check lines and the headline figures
# ---------------------------------------------------------------------------------------------

def key_findings(r) -> list[str]:
    """The summary box (``r``: jsna.topics.deprivation.compute.Results): the headline sentences,
    then the 2019 -> 2025 key finding."""
    return (headline_sentences(r.head, r.england, r.place.possessive)
            + [change_key_finding(r.change.change, r.place.possessive)])


def key_figures_caption(place_name: str, ed: Edition | str) -> str:
    ed = get_edition(ed)
    return f"{place_name} and England: the key figures ({ed.short}, {ed.population_label})"


def interactive_map_caption(ed: Edition | str, quintiles_shown: bool) -> str:
    ed = get_edition(ed)
    return ("Interactive map: hover or tap an area for its names, decile and rank"
            + ("; the layer button switches to local quintiles" if quintiles_shown else "")
            + f". Source: MHCLG {ed.title}; {ed.boundary_label}.")


def print_map_caption(ed: Edition | str) -> str:
    ed = get_edition(ed)
    return (f"Map for print. Source: MHCLG {ed.title}; {ed.boundary_label}. "
            "Contains OS data © Crown copyright and database right.")


def quintile_map_caption(ed: Edition | str) -> str:
    ed = get_edition(ed)
    return f"Local quintiles of {ed.imd} score, weighted by {ed.population_label}. Source: MHCLG {ed.short}."


def decile_chart_caption(ed: Edition | str) -> str:
    ed = get_edition(ed)
    return (f"Share of residents ({ed.population_label}) in each national {ed.imd} decile. "
            f"Each decile holds 10% of England's LSOAs. Source: MHCLG {ed.short}.")


def district_chart_caption(ed: Edition | str) -> str:
    ed = get_edition(ed)
    return (f"Average {ed.imd} score by district as published in MHCLG's local authority summaries "
            f"(higher = more deprived). Source: MHCLG {ed.short}.")


def domains_caption(ed: Edition | str) -> str:
    ed = get_edition(ed)
    return (f"National deciles of the seven {ed.imd} domains (1 = most deprived 10% of England's LSOAs). "
            f"Source: MHCLG {ed.short}.")


def shares_caption(place_name: str) -> str:
    return f"{place_name}: neighbourhoods and residents in England's most deprived 10% and 20%, IMD 2019 and IMD 2025"


CHANGE_DECILE_CAPTION = ("Share of residents in each national decile of each edition: IMD 2019 on 2011 neighbourhoods "
                         "(mid-2015 population), IMD 2025 on 2021 neighbourhoods (Census 2021 residents). "
                         "Source: MHCLG IoD2019 and IoD2025.")
CHANGE_MAP_CAPTION = ("Decile in IMD 2025 against the IMD 2019 decile of the 2011 neighbourhoods each 2021 "
                      "neighbourhood came from (ranks and deciles compared, never scores). Source: MHCLG IoD2019 and "
                      "IoD2025; ONS LSOA 2011 to 2021 lookup; ONS LSOA 2021 boundaries.")


def moves_caption(place_name: str, n_moved: int, n_shown: int = 25) -> str:
    """Caption of the folded table of neighbourhoods that moved two deciles or more (at most ``n_shown``)."""
    return (f"{place_name}: neighbourhoods that moved two national deciles or more between IMD 2019 and IMD 2025 "
            f"({'the ' + str(n_shown) + ' largest moves of ' + str(n_moved) if n_moved > n_shown else 'all of them'}; "
            "the map's data file lists every neighbourhood compared)")


def no_big_moves(place_name: str) -> str:
    return f"No neighbourhood of {place_name} moved by two national deciles or more."


def ranks_caption(place_name: str) -> str:
    return f"{place_name}: MHCLG's ranks of districts by average IMD score, IoD2019 and IoD2025"


def headline_text(h: Headline) -> str:
    """Plain-text headline numbers (for the notebook's NBVAL_CHECK_OUTPUT cell)."""
    ed = h.ed
    lines = [
        f"Place: {h.name}",
        f"Index: {ed.short} on LSOAs {ed.lsoa_year}",
        f"LSOAs: {h.n_lsoas}",
        f"Population ({ed.population_short}): {h.population}",
        f"IMD average score ({'published by MHCLG' if h.published_rank else 'population-weighted'}): "
        f"{h.avg_score:.3f}",
    ]
    if h.published_rank:
        lines.append(f"Rank of average score: {h.published_rank} of {h.n_districts}")
    lines += [f"LSOAs in England's most deprived 10%: {h.n_lsoas_decile1} ({h.pct_lsoas_decile1:.1f}%)",
              f"Core20 population: {h.core20_population} ({h.core20_pct:.1f}%)"]
    return "\n".join(lines)


def headlines(r) -> list[dict]:
    """The report's headline figures (keyword arguments of jsna.report.headline)."""
    h, ed = r.head, r.ed
    period = f"{ed.short} ({ed.population_label})"
    how = " (published by MHCLG)" if h.published_rank else " (population-weighted)"
    return [dict(id="imd_avg_score", value=h.avg_score, unit="score", period=period,
                 label=f"{ed.imd} average score" + how, decimals=3),
            dict(id="lsoas_decile1", value=h.n_lsoas_decile1, unit="LSOAs", period=period,
                 label="LSOAs in England's most deprived 10%"),
            dict(id="lsoas_decile1_pct", value=h.pct_lsoas_decile1, unit="%", period=period,
                 label="Share of LSOAs in England's most deprived 10%"),
            dict(id="core20_population", value=h.core20_population, unit="people", period=period,
                 label="Residents of Core20 LSOAs"),
            dict(id="core20_pct", value=h.core20_pct, unit="%", period=period,
                 label="Share of residents in Core20 LSOAs")]
