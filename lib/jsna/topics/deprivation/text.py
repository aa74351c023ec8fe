"""Sentences for the deprivation topic, written from the numbers (direction and size decide the words)."""

from __future__ import annotations

import pandas as pd

from jsna.topics.deprivation.compute import BoundaryCheck, Headline
from jsna.words import fmt_number, fmt_pct, join_names, plural, times_word


def _compare(value: float, benchmark: float, more: str, less: str, tol: float = 0.05) -> str:
    if abs(value - benchmark) <= tol * max(abs(benchmark), 1e-9):
        return "about the same as"
    return more if value > benchmark else less


def headline_sentences(place: Headline, england: Headline, possessive: str) -> list[str]:
    """Average score, share of LSOAs in the most deprived 10% and Core20 share, against England."""
    word = _compare(place.avg_score, england.avg_score, "more deprived than", "less deprived than")
    out = [
        f"{possessive} {plural(place.n_lsoas, 'neighbourhood')} (LSOAs) had {fmt_number(place.population)} "
        f"residents (mid-2015). Its population-weighted average IMD 2019 score is {place.avg_score:.1f}, "
        f"{word} England ({england.avg_score:.1f}); higher scores mean more deprivation.",
    ]
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
        out.append(f"{fmt_number(place.core20_population)} people ({fmt_pct(place.core20_pct)}) live in England's "
                   f"most deprived 20% of neighbourhoods, the Core20 group of NHS England's Core20PLUS5 approach: "
                   f"{cmp20} the one in five of the national picture.")
    else:
        out.append("No resident lives in England's most deprived 20% of neighbourhoods (the Core20 group).")
    return out


def extremes_sentences(wards: pd.DataFrame, msoas: pd.DataFrame, most: pd.DataFrame, least: pd.DataFrame,
                       n: int = 3) -> list[str]:
    """Name the most and least deprived wards, MSOAs and LSOAs."""
    k = min(n, len(wards) // 2)  # with few wards the "most" and "least" lists must not share a ward
    w_top = [f"{r.wd19nm} ({r.avg_score:.1f})" for r in wards.head(k).itertuples()]
    w_bot = [f"{r.wd19nm} ({r.avg_score:.1f})" for r in wards.iloc[::-1].head(k).itertuples()]
    m_top = [str(x) for x in msoas["msoa11hclnm"].head(n)]
    lsoa = most.iloc[0]
    lsoa_l = least.iloc[0]
    out = []
    if len(wards) > 1:
        out.append(f"By average score the most deprived wards are {join_names(w_top)}; the least deprived are "
                   f"{join_names(w_bot)}.")
    if len(msoas) > 1:
        out.append(f"The most deprived neighbourhoods by MSOA (House of Commons Library names) are "
                   f"{join_names(m_top)}.")
    if lsoa["lsoa11cd"] == lsoa_l["lsoa11cd"]:  # a Place of one LSOA (Isles of Scilly)
        out.append(f"The area is a single LSOA, {lsoa['lsoa11nm']} ({lsoa['msoa11hclnm']}, {lsoa['wd19nm']} ward), "
                   f"ranked {fmt_number(lsoa['imd_rank'])} of 32,844 in England (decile {int(lsoa['imd_decile'])}), "
                   "so it has no most and least deprived neighbourhoods to compare.")
        return out
    out.append(f"The single most deprived LSOA is {lsoa['lsoa11nm']} ({lsoa['msoa11hclnm']}, {lsoa['wd19nm']} ward), "
               f"ranked {fmt_number(lsoa['imd_rank'])} of 32,844 in England (decile {int(lsoa['imd_decile'])}); "
               f"the least deprived is {lsoa_l['lsoa11nm']} ({lsoa_l['msoa11hclnm']}, {lsoa_l['wd19nm']} ward), "
               f"ranked {fmt_number(lsoa_l['imd_rank'])} (decile {int(lsoa_l['imd_decile'])}).")
    return out


def district_sentences(districts: pd.DataFrame, england: Headline) -> list[str]:
    """Compare districts with each other and with England."""
    d = districts.sort_values("avg_score", ascending=False, kind="mergesort")
    more = d.loc[d["avg_score"] > england.avg_score, "lad19nm"].tolist()
    top, bottom = d.iloc[0], d.iloc[-1]
    out = [f"Across {plural(len(d), 'district')}, average scores range from {top['avg_score']:.1f} in "
           f"{top['lad19nm']} to {bottom['avg_score']:.1f} in {bottom['lad19nm']} (England {england.avg_score:.1f})."]
    if more:
        out.append(f"{join_names(more)} {'is' if len(more) == 1 else 'are'} more deprived than England on average.")
    else:
        out.append("Every district is less deprived than England on average.")
    c = d.sort_values("core20_pct", ascending=False, kind="mergesort").iloc[0]
    if c["core20_pct"] > 0:
        out.append(f"The largest Core20 share is in {c['lad19nm']}: {fmt_pct(c['core20_pct'])} of residents live "
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
