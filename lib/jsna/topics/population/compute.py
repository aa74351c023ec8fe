"""Who lives here: the numbers of the population report, for one Place (a council or a group of them).

* **Age and sex.** The population pyramid of the latest mid-year estimate held by sex (ONS MYE2), in
  five-year bands (0-4 ... 85-89, 90+), each band's males and females as a share of the whole
  population, beside England's; the runs of neighbouring bands where the Place has a larger or
  smaller share than England (:func:`largest_differences`).
* **Change.** Totals and broad ages (0-15, 16-64, 65+, 85+) for each mid-year held, against England,
  and the change from mid-2021 to the latest year. ONS published mid-2021 on the council boundaries of
  2021 and later years on those of April 2023: a council formed in 2023 is, for mid-2021, the sum of
  the former districts it was formed from, which cover the same area (:func:`areas_held`).
* **Ethnic group.** Census 2021 usual residents in the 19 ethnic groups (and the five high-level
  groups they make up), summed over the Place's districts, against the region and England.
* **Deprivation.** Census 2021 residents of the Place's neighbourhoods (LSOAs 2021) in each national
  fifth of the Index of Multiple Deprivation 2025 (quintile 1: England's most deprived 20% of
  neighbourhoods); and the age profile (Census 2021, five-year bands) of the most against the least
  deprived fifth of the Place's own residents (local quintiles, jsna.areas), stated only when both
  fifths pass the series' reliability rule (jsna.reliability).

Numbers and tidy frames only: the sentences are in text.py, the display tables in tables.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from jsna import reliability
from jsna.load.census import WHITE_BRITISH
from jsna.load.population import AGE_COLUMNS as AGES
from jsna.places import ENGLAND_CODE, Area, Place
from jsna.topics.population.inputs import Inputs

#: the pyramid's five-year bands: label -> (first age, last age; None = and over)
PYRAMID_BANDS: dict[str, tuple[int, int | None]] = {
    **{f"{a}-{a + 4}": (a, a + 4) for a in range(0, 90, 5)}, "90+": (90, None)}
#: the broad ages of the change section (single years of the estimates)
BROAD_AGES: dict[str, tuple[int, int | None]] = {"0-15": (0, 15), "16-64": (16, 64), "65+": (65, None),
                                                  "85+": (85, None)}
ALL_AGES = "All ages"
#: Census 2021 five-year bands of the age-by-neighbourhood table: column -> (first age, last age)
CENSUS_BANDS: dict[str, tuple[int, int | None]] = {
    "age_0_4": (0, 4), **{f"age_{a}_{a + 4}": (a, a + 4) for a in range(5, 85, 5)}, "age_85_plus": (85, None)}
#: broad ages of the Census table (its bands split at 15, not 16)
CENSUS_BROAD: dict[str, tuple[int, int | None]] = {"0-14": (0, 14), "15-64": (15, 64), "65+": (65, None),
                                                    "85+": (85, None)}
BASE_YEAR = 2021
#: the name of the White high-level group (WHITE_BRITISH: the 19-category label of the White British group)
WHITE = "White"
MOST, LEAST = 1, 5


def band_label(first: int, last: int | None) -> str:
    """'0-4', '90+'."""
    return f"{first}+" if last is None else f"{first}-{last}"


def _in(first: int, last: int | None, lo: int, hi: int | None) -> bool:
    """Whether the band [first, last] lies inside [lo, hi] (None: no upper end)."""
    return first >= lo and (hi is None or (last is not None and last <= hi))


def _age_columns(lo: int, hi: int | None) -> list[str]:
    return [c for c in AGES if _in(*_age_of(c), lo, hi)]


def _age_of(col: str) -> tuple[int, int | None]:
    return (90, None) if col == "age_90_plus" else (int(col[4:]), int(col[4:]))


# --------------------------------------------------------------------------- which areas hold the Place
@dataclass(frozen=True)
class AreaSet:
    """The areas of a table that make up the Place: its own codes, or (a council formed since 2019, in a
    table on older boundaries) the former districts it was formed from, which cover the same area."""

    areas: tuple[Area, ...]
    former: bool = False

    @property
    def codes(self) -> list[str]:
        return [a.code for a in self.areas]


def areas_held(place: Place, held: Iterable[str], levels: Sequence[str] = ("upper_tier", "districts")
               ) -> AreaSet | None:
    """The first of the Place's sets of areas (``levels``: its upper-tier areas, its districts; then its
    April 2019 districts when it was formed since) whose codes the table holds, or None."""
    held = set(held)
    candidates = [(getattr(place, lv), False) for lv in levels]
    if place.changed_since_2019:
        candidates.append((place.districts_in(2019), True))
    for areas, former in candidates:
        if areas and all(a.code in held for a in areas):
            return AreaSet(tuple(areas), former)
    return None


# --------------------------------------------------------------------------- the estimates
def _rows(mye: pd.DataFrame, year: int, sex: str, codes: Sequence[str]) -> pd.DataFrame:
    return mye[(mye["year"] == year) & (mye["sex"] == sex) & mye["area_code"].isin(list(codes))]


def estimate(mye: pd.DataFrame, year: int, sex: str, codes: Sequence[str]) -> pd.Series | None:
    """all_ages and the single years of ``sex`` in ``year`` summed over ``codes`` (None when any is absent)."""
    rows = _rows(mye, year, sex, codes)
    if rows.empty or set(rows["area_code"]) != set(codes):
        return None
    return rows[["all_ages", *AGES]].sum()


def sex_years(mye: pd.DataFrame) -> list[int]:
    """The years held by sex (mid-2024 is held for persons only)."""
    return sorted(int(y) for y in mye.loc[mye["sex"] == "Male", "year"].unique())


def pyramid(mye: pd.DataFrame, codes: Sequence[str], year: int) -> pd.DataFrame:
    """One row per five-year band (:data:`PYRAMID_BANDS`): band, first_age, males, females, persons,
    male_pct and female_pct (% of the whole population, both sexes: all bands of both sum to 100), and
    england_males, england_females, england_male_pct, england_female_pct, persons_pct, england_pct."""
    parts = {}
    for who, codes_ in (("", codes), ("england_", [ENGLAND_CODE])):
        m, f = estimate(mye, year, "Male", codes_), estimate(mye, year, "Female", codes_)
        if m is None or f is None:
            raise ValueError(f"no mid-{year} estimates by sex for {', '.join(codes_)}")
        parts[who] = (m, f, m["all_ages"] + f["all_ages"])
    rows = []
    for label, (lo, hi) in PYRAMID_BANDS.items():
        cols = _age_columns(lo, hi)
        rec: dict[str, object] = {"band": label, "first_age": lo}
        for who, (m, f, tot) in parts.items():
            males, females = int(m[cols].sum()), int(f[cols].sum())
            rec.update({f"{who}males": males, f"{who}females": females,
                        f"{who}male_pct": 100.0 * males / tot, f"{who}female_pct": 100.0 * females / tot})
        rows.append(rec)
    out = pd.DataFrame(rows)
    out["persons"] = out["males"] + out["females"]
    out["persons_pct"] = out["male_pct"] + out["female_pct"]
    out["england_pct"] = out["england_male_pct"] + out["england_female_pct"]
    return out


def largest_differences(pyr: pd.DataFrame, min_points: float = 1.0) -> pd.DataFrame:
    """Runs of neighbouring five-year bands in which the Place's share of residents is on the same side
    of England's, each run's share and England's, largest first; only runs whose shares, as shown to one
    decimal, differ by at least ``min_points`` percentage points. Columns: direction ("more", "fewer"),
    first_age, last_age (None: and over), label, pct, england_pct, difference (pct - england_pct, as
    shown), bands (how many), and the band of the run furthest from England's share: peak (its label),
    peak_first, peak_last, peak_pct, peak_england_pct."""
    d = pyr["persons_pct"] - pyr["england_pct"]
    runs: list[list[int]] = []
    for i, v in enumerate(d):
        if v == 0:
            runs.append([])
            continue
        if runs and runs[-1] and (d.iloc[runs[-1][-1]] > 0) == (v > 0):
            runs[-1].append(i)
        else:
            runs.append([i])
    recs = []
    bands = list(PYRAMID_BANDS.values())
    for run in (r for r in runs if r):
        pct, eng = float(pyr["persons_pct"].iloc[run].sum()), float(pyr["england_pct"].iloc[run].sum())
        diff = round(round(pct, 1) - round(eng, 1), 1)
        if abs(diff) < min_points:
            continue
        first, last = bands[run[0]][0], bands[run[-1]][1]
        peak = max(run, key=lambda i: abs(d.iloc[i]))
        recs.append({"direction": "more" if diff > 0 else "fewer", "first_age": first, "last_age": last,
                     "label": band_label(first, last), "pct": pct, "england_pct": eng, "difference": diff,
                     "bands": len(run), "peak": pyr["band"].iloc[peak], "peak_first": bands[peak][0],
                     "peak_last": bands[peak][1], "peak_pct": float(pyr["persons_pct"].iloc[peak]),
                     "peak_england_pct": float(pyr["england_pct"].iloc[peak])})
    out = pd.DataFrame(recs, columns=["direction", "first_age", "last_age", "label", "pct", "england_pct",
                                      "difference", "bands", "peak", "peak_first", "peak_last", "peak_pct",
                                      "peak_england_pct"])
    return out.reindex(out["difference"].abs().sort_values(ascending=False, kind="stable").index
                       ).reset_index(drop=True)


def broad_ages(est: pd.Series) -> dict[str, int]:
    """All ages and :data:`BROAD_AGES` of one estimate (persons)."""
    return {ALL_AGES: int(est["all_ages"]), **{k: int(est[_age_columns(lo, hi)].sum())
                                               for k, (lo, hi) in BROAD_AGES.items()}}


def change_table(mye: pd.DataFrame, sets: dict[int, AreaSet | None]) -> pd.DataFrame:
    """Persons by year (those the Place is held for) and age group (all ages, then :data:`BROAD_AGES`):
    year, group, count, pct (% of all ages), england_count, england_pct."""
    recs = []
    for year, held in sorted(sets.items()):
        if held is None:
            continue
        place, eng = estimate(mye, year, "Persons", held.codes), estimate(mye, year, "Persons", [ENGLAND_CODE])
        if place is None or eng is None:
            continue
        p, e = broad_ages(place), broad_ages(eng)
        for g in p:
            recs.append({"year": year, "group": g, "count": p[g], "pct": 100.0 * p[g] / p[ALL_AGES],
                         "england_count": e[g], "england_pct": 100.0 * e[g] / e[ALL_AGES]})
    return pd.DataFrame(recs, columns=["year", "group", "count", "pct", "england_count", "england_pct"])


def change_since(table: pd.DataFrame, first: int = BASE_YEAR) -> pd.DataFrame:
    """Change of each age group from ``first`` to the latest year of :func:`change_table`: group,
    first_year, last_year, first, last, change, pct_change, england_first, england_last,
    england_pct_change (empty when ``first`` or a later year is not held)."""
    cols = ["group", "first_year", "last_year", "first", "last", "change", "pct_change", "england_first",
            "england_last", "england_pct_change"]
    years = sorted(table["year"].unique()) if len(table) else []
    if first not in years or years[-1] == first:
        return pd.DataFrame(columns=cols)
    last = years[-1]
    a = table[table["year"] == first].set_index("group")
    b = table[table["year"] == last].set_index("group")
    out = pd.DataFrame({"group": list(a.index), "first_year": first, "last_year": last,
                        "first": a["count"].to_numpy(), "last": b.loc[a.index, "count"].to_numpy()})
    out["change"] = out["last"] - out["first"]
    out["pct_change"] = 100.0 * out["change"] / out["first"]
    out["england_first"] = a["england_count"].to_numpy()
    out["england_last"] = b.loc[a.index, "england_count"].to_numpy()
    out["england_pct_change"] = 100.0 * (out["england_last"] - out["england_first"]) / out["england_first"]
    return out[cols]


def by_area(mye: pd.DataFrame, place: Place, years: Sequence[int]) -> pd.DataFrame:
    """For a group Place, each of its upper-tier areas (then the whole Place): area_code, area_name,
    total in the latest year, pct_0_15, pct_65 (of that year), total in mid-2021 and the % change (NA
    when the area is not in the mid-2021 table on its own)."""
    last = max(years)
    recs = []
    for a in [*place.upper_tier, Area(code="", name=place.name)]:
        codes = [a.code] if a.code else place.upper_tier_codes
        now = estimate(mye, last, "Persons", codes)
        then = estimate(mye, BASE_YEAR, "Persons", codes) if BASE_YEAR in years else None
        b = broad_ages(now)
        recs.append({"area_code": a.code, "area_name": a.name, "year": last, "total": b[ALL_AGES],
                     "pct_0_15": 100.0 * b["0-15"] / b[ALL_AGES], "pct_65": 100.0 * b["65+"] / b[ALL_AGES],
                     "total_2021": None if then is None else int(then["all_ages"]),
                     "pct_change": None if then is None else 100.0 * (b[ALL_AGES] / then["all_ages"] - 1)})
    return pd.DataFrame(recs)


# --------------------------------------------------------------------------- ethnic group
def ltla_regions(bridge: pd.DataFrame, lookup21: pd.DataFrame) -> pd.DataFrame:
    """Region of each 2021 district (ltla21cd, rgn_code, rgn_name), through its LSOAs 2021: the ONS LSOA
    2011 -> 2021 lookup gives their 2022 (= 2021) district, the LSOA 2021 lookup their region."""
    d = bridge[["lsoa21cd", "lad22cd"]].drop_duplicates().merge(
        lookup21[["lsoa21cd", "rgn24cd", "rgn24nm"]], on="lsoa21cd", how="inner")
    d = d[["lad22cd", "rgn24cd", "rgn24nm"]].drop_duplicates()
    if d["lad22cd"].duplicated().any():
        raise ValueError(f"district {d.loc[d['lad22cd'].duplicated(), 'lad22cd'].iloc[0]} lies in two regions")
    return d.rename(columns={"lad22cd": "ltla21cd", "rgn24cd": "rgn_code", "rgn24nm": "rgn_name"})


def ethnic_groups(eth: pd.DataFrame, codes: Sequence[str], region_codes: Sequence[str] | None) -> pd.DataFrame:
    """Census 2021 residents by ethnic group: one row per high-level group (level "broad", group = its
    name) and per one of the 19 groups (level "detailed", group = the name after the colon), each with
    broad_group, count and pct of the Place, region_count and region_pct (NA without a region), and
    england_count and england_pct. Shares are of the usual residents of the areas summed."""
    eng_rows = eth[eth["ltla21cd"].str.startswith("E")]

    def summed(rows: pd.DataFrame) -> pd.Series:
        return rows.groupby("ethnic_group")["persons"].sum()

    parts = {"": summed(eth[eth["ltla21cd"].isin(list(codes))]), "england_": summed(eng_rows)}
    if region_codes:
        parts["region_"] = summed(eth[eth["ltla21cd"].isin(list(region_codes))])
    groups = list(parts["england_"].index)
    recs = []
    for broad in dict.fromkeys(g.split(":")[0].strip() for g in groups):
        members = [g for g in groups if g.split(":")[0].strip() == broad]
        rows = [("broad", broad, members)] + [("detailed", g.split(":", 1)[1].strip(), [g]) for g in members]
        for level, name, gs in rows:
            rec: dict[str, object] = {"level": level, "broad_group": broad, "group": name,
                                      "label": name if level == "broad" else f"{broad}: {name}"}
            for who, s in parts.items():
                n = int(s.reindex(gs).fillna(0).sum())
                rec[f"{who}count"], rec[f"{who}pct"] = n, 100.0 * n / s.sum()
            recs.append(rec)
    out = pd.DataFrame(recs)
    for c in ("region_count", "region_pct"):
        if c not in out:
            out[c] = pd.NA
    return out[["level", "broad_group", "group", "label", "count", "pct", "region_count", "region_pct",
                "england_count", "england_pct"]]


@dataclass(frozen=True)
class Minority:
    """The share of residents from ethnic minority groups, as defined here: every group other than
    White British when the 19 groups are held (they are, for every English district), else every
    group other than White."""

    definition: str  # "other than White British" | "other than White"
    pct: float
    count: int
    region_pct: float | None
    england_pct: float
    non_white_pct: float  # every group other than White, for the same residents
    non_white_count: int
    region_non_white_pct: float | None
    england_non_white_pct: float
    residents: int  # the usual residents counted


def minority(groups: pd.DataFrame) -> Minority:
    """:class:`Minority` from :func:`ethnic_groups`."""
    detailed = groups[groups["level"] == "detailed"]
    wb = detailed[detailed["label"] == WHITE_BRITISH]
    white = groups[(groups["level"] == "broad") & (groups["group"] == WHITE)].iloc[0]
    total = int(groups.loc[groups["level"] == "broad", "count"].sum())
    if len(wb):
        r, definition = wb.iloc[0], "other than White British"
    else:
        r, definition = white, "other than White"
    def rest(pct: object) -> float | None:
        return None if pd.isna(pct) else 100.0 - float(pct)

    return Minority(definition=definition, pct=100.0 - float(r["pct"]), count=total - int(r["count"]),
                    region_pct=rest(r["region_pct"]), england_pct=100.0 - float(r["england_pct"]),
                    non_white_pct=100.0 - float(white["pct"]), non_white_count=total - int(white["count"]),
                    region_non_white_pct=rest(white["region_pct"]),
                    england_non_white_pct=100.0 - float(white["england_pct"]), residents=total)


# --------------------------------------------------------------------------- deprivation
def national_quintiles(lsoas: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Residents (Census 2021) of the Place's neighbourhoods in each national IMD 2025 quintile (1 = the
    most deprived 20% of England's neighbourhoods): national_quintile, lsoas, residents, pct, and
    england_residents, england_pct. Every quintile has a row (zero where the Place has none)."""
    q = range(1, 6)
    p = lsoas.groupby("national_quintile").agg(lsoas=("pop_total", "size"), residents=("pop_total", "sum"))
    e = england.groupby("national_quintile")["pop_total"].sum()
    out = pd.DataFrame({"national_quintile": list(q)})
    out["lsoas"] = [int(p["lsoas"].get(i, 0)) for i in q]
    out["residents"] = [int(p["residents"].get(i, 0)) for i in q]
    out["pct"] = 100.0 * out["residents"] / out["residents"].sum()
    out["england_residents"] = [int(e.get(i, 0)) for i in q]
    out["england_pct"] = 100.0 * out["england_residents"] / out["england_residents"].sum()
    return out


def _profile(age: pd.DataFrame, group: pd.Series) -> pd.DataFrame:
    """Census 2021 residents by five-year band of each group of neighbourhoods (``group``: lsoa21cd ->
    group): one row per group and band, with count and pct of the group's residents."""
    d = age[age["lsoa21cd"].isin(group.index)].assign(grp=lambda f: f["lsoa21cd"].map(group))
    tot = d.groupby("grp")[list(CENSUS_BANDS)].sum()
    recs = []
    for g, row in tot.iterrows():
        n = row.sum()
        for col, (lo, hi) in CENSUS_BANDS.items():
            recs.append({"group": g, "band": band_label(lo, hi), "first_age": lo, "count": int(row[col]),
                         "pct": 100.0 * row[col] / n})
    return pd.DataFrame(recs, columns=["group", "band", "first_age", "count", "pct"])


def broad_profile(profile: pd.DataFrame) -> pd.DataFrame:
    """Per group of :func:`_profile`: residents and the % of them in each of :data:`CENSUS_BROAD`
    (columns residents, pct_0-14, pct_15-64, pct_65+, pct_85+)."""
    recs = []
    for g, rows in profile.groupby("group", sort=True):
        n = rows["count"].sum()
        rec = {"group": g, "residents": int(n)}
        for k, (lo, hi) in CENSUS_BROAD.items():
            inside = [_in(*CENSUS_BANDS[c], lo, hi) for c in CENSUS_BANDS]
            rec[f"pct_{k}"] = 100.0 * rows["count"].to_numpy()[inside].sum() / n
        recs.append(rec)
    return pd.DataFrame(recs)


@dataclass
class Fifths:
    """The most and least deprived fifths of the Place's own residents (local quintiles of IMD 2025)."""

    groups: pd.DataFrame  # local_quintile, n_areas, population (Census 2021): the reliability rule's input
    verdict: reliability.Verdict
    profile: pd.DataFrame  # :func:`_profile` of local fifths 1 and 5 ("group" 1 or 5)
    broad: pd.DataFrame  # :func:`broad_profile` of the same
    england_profile: pd.DataFrame  # England's most and least deprived national fifths (1, 5)
    england_broad: pd.DataFrame


def fifths(lsoas: pd.DataFrame, england: pd.DataFrame, age: pd.DataFrame) -> Fifths:
    """:class:`Fifths` of a Place from its LSOA table (jsna.areas.lsoas, IoD2025), England's and the Census
    2021 age table by LSOA 2021. The verdict is the series' rule on fifths 1 and 5 (areas, residents);
    with fewer than five neighbourhoods the Place cannot be divided at all."""
    groups = lsoas.dropna(subset=["local_quintile"]).groupby("local_quintile").agg(
        n_areas=("lsoa21cd", "size"), population=("pop_total", "sum")).reset_index()
    groups["local_quintile"] = groups["local_quintile"].astype(int)
    verdict = (reliability.too_few_to_divide(len(lsoas))
               or reliability.assess(groups, "local_quintile", "n_areas", "population", compared=(MOST, LEAST)))
    sel = lsoas.dropna(subset=["local_quintile"])
    sel = sel[sel["local_quintile"].isin([MOST, LEAST])]
    prof = _profile(age, sel.set_index("lsoa21cd")["local_quintile"].astype(int))
    eng = england[england["national_quintile"].isin([MOST, LEAST])]
    eprof = _profile(age, eng.set_index("lsoa21cd")["national_quintile"].astype(int))
    return Fifths(groups=groups, verdict=verdict, profile=prof,
                  broad=broad_profile(prof) if len(prof) else pd.DataFrame(), england_profile=eprof,
                  england_broad=broad_profile(eprof))


# --------------------------------------------------------------------------- the topic's results
@dataclass(frozen=True)
class Headline:
    """The front-door figures, each with England's value."""

    year: int  # the latest mid-year held
    total: int
    england_total: int
    pct_65: float
    england_pct_65: float
    pct_0_15: float
    england_pct_0_15: float
    change_pct: float | None  # mid-2021 to ``year``
    england_change_pct: float | None
    minority: Minority
    most_deprived_pct: float  # residents in England's most deprived fifth of neighbourhoods (IMD 2025)
    england_most_deprived_pct: float


@dataclass
class Results:
    """Everything the population report shows for one Place: numbers and tidy frames, no reader text."""

    place: Place
    region: Area | None  # the Place's region (its params' parent), where it has one
    years: list[int]  # the mid-years the Place is held for, by persons
    sets: dict[int, AreaSet | None]  # the areas of the estimates making up the Place, by year
    pyramid_year: int  # the latest year held by sex
    pyramid: pd.DataFrame
    differences: pd.DataFrame  # largest_differences of the pyramid
    change: pd.DataFrame  # change_table
    since: pd.DataFrame  # change_since
    areas: pd.DataFrame | None  # by_area, for a group Place
    census_areas: AreaSet  # the Census 2021 districts summed
    ethnic: pd.DataFrame  # ethnic_groups
    minority: Minority
    quintiles: pd.DataFrame  # national_quintiles
    fifths: Fifths
    headline: Headline

    @property
    def latest(self) -> int:
        return self.years[-1]

    @property
    def base_set(self) -> AreaSet | None:
        """The areas of the mid-2021 estimates that make up the Place."""
        return self.sets.get(BASE_YEAR)


def compute(place: Place, inputs: Inputs) -> Results:
    """The population report of ``place`` from its :class:`~jsna.topics.population.inputs.Inputs`."""
    mye = inputs.estimates
    sets = {int(y): areas_held(place, mye.loc[mye["year"] == y, "area_code"])
            for y in sorted(mye["year"].unique())}
    years = [y for y, s in sets.items() if s is not None]
    if not years:
        raise ValueError(f"{place.name}: none of its areas is in the mid-year estimates held")
    pyr_year = max(y for y in sex_years(mye) if sets.get(y) is not None)
    pyr = pyramid(mye, sets[pyr_year].codes, pyr_year)
    change = change_table(mye, sets)
    since = change_since(change)
    census = areas_held(place, inputs.ethnic["ltla21cd"], levels=("districts",))
    if census is None:
        raise ValueError(f"{place.name}: its districts are not in the Census 2021 ethnic group table")
    regions = ltla_regions(inputs.lsoa_bridge, inputs.lsoa21_lookup)
    region = place.parent if place.parent and place.parent.code in set(regions["rgn_code"]) else None
    region_codes = list(regions.loc[regions["rgn_code"] == region.code, "ltla21cd"]) if region else None
    eth = ethnic_groups(inputs.ethnic, census.codes, region_codes)
    mino = minority(eth)
    quint = national_quintiles(inputs.lsoas, inputs.england_lsoas)
    last = change[change["year"] == years[-1]].set_index("group")
    total = since.set_index("group").loc[ALL_AGES] if len(since) else None
    head = Headline(
        year=years[-1], total=int(last.loc[ALL_AGES, "count"]), england_total=int(last.loc[ALL_AGES, "england_count"]),
        pct_65=float(last.loc["65+", "pct"]), england_pct_65=float(last.loc["65+", "england_pct"]),
        pct_0_15=float(last.loc["0-15", "pct"]), england_pct_0_15=float(last.loc["0-15", "england_pct"]),
        change_pct=None if total is None else float(total["pct_change"]),
        england_change_pct=None if total is None else float(total["england_pct_change"]),
        minority=mino, most_deprived_pct=float(quint.loc[quint["national_quintile"] == MOST, "pct"].iloc[0]),
        england_most_deprived_pct=float(quint.loc[quint["national_quintile"] == MOST, "england_pct"].iloc[0]))
    return Results(place=place, region=region, years=years, sets=sets, pyramid_year=pyr_year, pyramid=pyr,
                   differences=largest_differences(pyr), change=change, since=since,
                   areas=by_area(mye, place, years) if place.is_group else None, census_areas=census,
                   ethnic=eth, minority=mino, quintiles=quint,
                   fifths=fifths(inputs.lsoas, inputs.england_lsoas, inputs.age_lsoa), headline=head)
