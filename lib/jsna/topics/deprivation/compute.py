"""Deprivation topic: where a Place's neighbourhoods sit in England's Indices of Deprivation.

Pure computations on a frame of LSOAs, as returned by ``jsna.areas.lsoas(place, edition=...)``,
in either edition (:mod:`jsna.editions`; the frame's code columns say which: ``lsoa11cd`` for
IoD2019 on 2011 LSOAs, ``lsoa21cd`` for IoD2025 on 2021 LSOAs): codes and names (LSOA, MSOA with
House of Commons Library name, ward, district), IMD score/rank/decile, the seven domain deciles
and the population (IoD2019: the mid-2015 population MHCLG used; IoD2025: Census 2021 usual
residents). Conventions as published: rank 1 and decile 1 = most deprived; higher score = more
deprived.

Methods follow MHCLG's summaries (File 10): an area's "average score" is the
population-weighted mean of its LSOA scores; "proportion of LSOAs in the most deprived 10%
nationally" counts LSOAs in national decile 1. The Core20 group (NHS England Core20PLUS5) is
the population living in England's most deprived 20% of LSOAs (national IMD deciles 1-2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.areas import CORE20_DECILES, core20_summary
from jsna.editions import IOD2019, IOD2025, Edition, edition_of, get_edition
from jsna.places import Place
from jsna.topics.deprivation import change
from jsna.topics.deprivation.change import ChangeReport
from jsna.topics.deprivation.inputs import Inputs

SEVEN_DOMAINS: dict[str, str] = {
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "barriers": "Barriers to housing and services",
    "living_env": "Living environment",
}
DECILES = tuple(range(1, 11))
ENGLAND_SHARE_PER_DECILE = 10.0  # by construction each national decile holds 10% of England's LSOAs

MEASURE_COLUMNS = ("imd_score", "imd_rank", "imd_decile", "pop_total")
#: the columns every LSOA frame needs (IoD2019 names; :func:`required_columns` for any edition)
REQUIRED_COLUMNS = ("lsoa11cd", "lsoa11nm", "lad19cd", "lad19nm", *MEASURE_COLUMNS)
NEIGHBOURHOOD_COLUMNS = ("msoa11cd", "msoa11hclnm", "wd19cd", "wd19nm")


def required_columns(edition: Edition | str | None = None) -> tuple[str, ...]:
    """:data:`REQUIRED_COLUMNS` in an edition's names."""
    ed = get_edition(edition)
    return (ed.lsoa, ed.lsoa_name, ed.lad, ed.lad_name, *MEASURE_COLUMNS)


def neighbourhood_columns(edition: Edition | str | None = None) -> tuple[str, ...]:
    """:data:`NEIGHBOURHOOD_COLUMNS` in an edition's names."""
    ed = get_edition(edition)
    return (ed.msoa, ed.msoa_hcl, ed.ward, ed.ward_name)


def _edition(lsoas: pd.DataFrame) -> Edition:
    try:
        return edition_of(lsoas)
    except ValueError:  # no code column at all: the check below names what is missing
        return IOD2019


class DeprivationError(ValueError):
    """Input LSOA data cannot support the deprivation figures (names the column and the fix)."""


def check_lsoas(lsoas: pd.DataFrame, extra: Sequence[str] = (), where: str = "LSOA data") -> pd.DataFrame:
    """Validate the LSOA frame: required columns present, one row per LSOA, deciles 1-10, no
    missing IMD values or populations. Returns it unchanged; raises DeprivationError otherwise."""
    ed = _edition(lsoas)
    need = list(required_columns(ed)) + list(extra)
    missing = [c for c in need if c not in lsoas.columns]
    if missing:
        raise DeprivationError(
            f"{where}: missing column(s) {missing}; columns present: {list(lsoas.columns)}. "
            "Build the frame with jsna.areas.lsoas(place).")
    if lsoas.empty:
        raise DeprivationError(f"{where}: no LSOAs. Check the Place's district codes against the lookup.")
    dup = lsoas[ed.lsoa].duplicated()
    if dup.any():
        raise DeprivationError(f"{where}: LSOA {lsoas.loc[dup, ed.lsoa].iloc[0]!r} appears more than once")
    for col in MEASURE_COLUMNS:
        na = lsoas[col].isna()
        if na.any():
            raise DeprivationError(f"{where}: column {col!r} is missing for {int(na.sum())} LSOA(s), "
                                   f"e.g. {lsoas.loc[na, ed.lsoa].iloc[0]!r}")
    for col in [c for c in lsoas.columns if c.endswith("_decile")]:
        bad = lsoas[col].notna() & ~lsoas[col].isin(DECILES)
        if bad.any():
            raise DeprivationError(f"{where}: column {col!r} has values outside 1-10, "
                                   f"e.g. {lsoas.loc[bad, col].iloc[0]!r}")
    if (lsoas["pop_total"] < 0).any():
        raise DeprivationError(f"{where}: column 'pop_total' has negative values")
    return lsoas


def weighted_score(scores: pd.Series, weights: pd.Series) -> float:
    """Population-weighted mean score (MHCLG 'average score'); NaN when the weights sum to 0."""
    w = weights.astype(float).to_numpy()
    total = w.sum()
    if total <= 0:
        return float("nan")
    return float(np.dot(scores.astype(float).to_numpy(), w) / total)


@dataclass(frozen=True)
class Headline:
    """Headline deprivation figures for one area."""

    name: str
    n_lsoas: int
    population: int
    avg_score: float  # population-weighted mean IMD score (File 10 method)
    n_lsoas_decile1: int
    pct_lsoas_decile1: float  # % of LSOAs in England's most deprived 10%
    core20_population: int
    core20_pct: float  # % of population in England's most deprived 20% of LSOAs
    n_lsoas_core20: int
    pct_lsoas_decile10: float
    edition: str = "iod2019"  # jsna.editions key: which index, geography and population
    #: MHCLG's published figures when the area is one district (File 10): its average score (then
    #: ``avg_score`` too), the rank of that score among England's districts, and how many are ranked
    published_rank: int | None = None
    n_districts: int | None = None

    @property
    def ed(self) -> Edition:
        return get_edition(self.edition)


def headline(lsoas: pd.DataFrame, name: str) -> Headline:
    """Headline figures for the LSOAs given (a Place, a district or England)."""
    check_lsoas(lsoas)
    ed = _edition(lsoas)
    pop = lsoas["pop_total"].astype(float)
    d1 = lsoas["imd_decile"] == 1
    total = float(pop.sum())
    c20 = core20_summary(lsoas).iloc[0]  # the one Core20 summary (jsna.areas)
    return Headline(
        name=name,
        n_lsoas=len(lsoas),
        population=int(round(total)),
        avg_score=weighted_score(lsoas["imd_score"], pop),
        n_lsoas_decile1=int(d1.sum()),
        pct_lsoas_decile1=100.0 * d1.mean(),
        core20_population=int(round(float(c20["pop_core20"]))),
        core20_pct=float(c20["share_core20"]) if total > 0 else float("nan"),
        n_lsoas_core20=int(c20["lsoas_core20"]),
        pct_lsoas_decile10=100.0 * (lsoas["imd_decile"] == 10).mean(),
        edition=ed.key,
    )


def with_published(head: Headline, published: pd.DataFrame) -> Headline:
    """The headline with MHCLG's published figures when the area is exactly one district of
    ``published`` (:func:`published_districts`): its average score replaces ours (for IoD2025 ours
    is weighted by Census 2021 residents, not MHCLG's mid-2022 populations) and its rank is added."""
    import dataclasses

    if len(published) != 1 or pd.isna(published["avg_score"].iloc[0]):
        return head
    row = published.iloc[0]
    return dataclasses.replace(head, avg_score=float(row["avg_score"]), published_rank=int(row["rank_of_avg_score"]),
                               n_districts=int(row["n_districts"]))


def published_districts(districts: Sequence[tuple[str, str]], summaries: pd.DataFrame,
                        edition: Edition | str | None = None) -> pd.DataFrame:
    """MHCLG's published summaries (File 10) of the given districts ((code, name) pairs, in order):
    columns code, name, avg_score, rank_of_avg_score, prop_decile1 (share of LSOAs in England's most
    deprived 10%, 0-1), rank_of_prop_decile1, n_districts (how many districts the edition ranks).
    A district the summaries lack gets missing values."""
    ed = get_edition(edition)
    f10 = summaries.set_index(ed.lad)
    rows = []
    for code, name in districts:
        have = code in f10.index
        r = f10.loc[code] if have else None
        rows.append({"code": code, "name": name,
                     "avg_score": float(r["imd_avg_score"]) if have else np.nan,
                     "rank_of_avg_score": int(r["imd_rank_of_avg_score"]) if have else pd.NA,
                     "prop_decile1": float(r["imd_prop_most_deprived_10pc"]) if have else np.nan,
                     "rank_of_prop_decile1": int(r["imd_rank_of_prop_most_deprived_10pc"]) if have else pd.NA,
                     "n_districts": len(f10)})
    out = pd.DataFrame(rows, columns=["code", "name", "avg_score", "rank_of_avg_score", "prop_decile1",
                                      "rank_of_prop_decile1", "n_districts"])
    return out.astype({"rank_of_avg_score": "Int64", "rank_of_prop_decile1": "Int64"})


def decile_population(lsoas: pd.DataFrame, decile_col: str = "imd_decile") -> pd.DataFrame:
    """Population and LSOAs in each national decile (1-10, all present), against England's 10%.

    Columns: decile, lsoas, population, pct_population, pct_lsoas, england_pct (10),
    ratio_to_england (pct_lsoas / 10: 2.0 = twice England's share of LSOAs).
    """
    check_lsoas(lsoas, [decile_col])
    grp = lsoas.groupby(lsoas[decile_col].astype(int))
    out = pd.DataFrame({"decile": list(DECILES)})
    out["lsoas"] = out["decile"].map(grp.size()).fillna(0).astype(int)
    out["population"] = out["decile"].map(grp["pop_total"].sum()).fillna(0).astype(int)
    total_pop = out["population"].sum()
    out["pct_population"] = 100.0 * out["population"] / total_pop if total_pop else np.nan
    out["pct_lsoas"] = 100.0 * out["lsoas"] / out["lsoas"].sum()
    out["england_pct"] = ENGLAND_SHARE_PER_DECILE
    out["ratio_to_england"] = out["pct_lsoas"] / ENGLAND_SHARE_PER_DECILE
    return out


def quintile_summary(lsoas: pd.DataFrame, col: str = "local_quintile") -> pd.DataFrame:
    """Per local quintile: LSOAs, population, % population, score range and most common national decile."""
    if col not in lsoas.columns:
        raise DeprivationError(f"quintile_summary: column {col!r} missing; build the frame with jsna.areas.lsoas(place)")
    g = lsoas.dropna(subset=[col]).groupby(lsoas[col].dropna().astype(int))
    out = pd.DataFrame({
        "quintile": g.size().index.astype(int),
        "lsoas": g.size().to_numpy(),
        "population": g["pop_total"].sum().astype(int).to_numpy(),
        "min_score": g["imd_score"].min().to_numpy(),
        "max_score": g["imd_score"].max().to_numpy(),
        "avg_score": [weighted_score(x["imd_score"], x["pop_total"]) for _, x in g],
    })
    out["pct_population"] = 100.0 * out["population"] / out["population"].sum()
    return out


def _group_summary(lsoas: pd.DataFrame, code: str, name: str) -> pd.DataFrame:
    # vectorised (one groupby, not a Python loop over groups): the all-England scale run calls this
    # for every ward and MSOA of 151 areas
    pop = lsoas["pop_total"].astype(float)
    d1 = lsoas["imd_decile"] == 1
    d = pd.DataFrame({
        code: lsoas[code], name: lsoas[name], "_pop": pop,
        "_wscore": lsoas["imd_score"].astype(float) * pop,
        "_d1": d1.astype(int),
        "_rank": lsoas["imd_rank"],
    })
    g = d.groupby([code, name], sort=False).agg(
        lsoas=("_pop", "size"), _pop=("_pop", "sum"), _wscore=("_wscore", "sum"), _d1=("_d1", "sum"),
        best_rank=("_rank", "min"))
    c20 = core20_summary(lsoas, by=(code, name)).set_index(["area_code", "area_name"])  # the one Core20 summary
    has_pop = g["_pop"] > 0
    out = pd.DataFrame({
        code: g.index.get_level_values(0), name: g.index.get_level_values(1),
        "lsoas": g["lsoas"].astype(int).to_numpy(),
        "population": g["_pop"].round().astype(int).to_numpy(),
        "avg_score": (g["_wscore"] / g["_pop"]).where(has_pop).to_numpy(dtype=float),
        "lsoas_decile1": g["_d1"].astype(int).to_numpy(),
        "pct_lsoas_decile1": (100.0 * g["_d1"] / g["lsoas"]).to_numpy(dtype=float),
        "core20_pct": c20["share_core20"].reindex(g.index).astype(float).where(has_pop.to_numpy()).to_numpy(dtype=float),
        "best_rank": g["best_rank"].astype(int).to_numpy(),
    })
    return out.sort_values(["avg_score", "best_rank"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def ward_summary(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Per electoral ward (the edition's best-fit LSOA lookup: 2019 or 2024 wards): LSOAs,
    population, population-weighted IMD score, LSOAs in England's most deprived 10%, Core20 %, most
    deprived rank; most deprived first."""
    ed = _edition(lsoas)
    check_lsoas(lsoas, [ed.ward, ed.ward_name])
    return _group_summary(lsoas, ed.ward, ed.ward_name)


def msoa_summary(lsoas: pd.DataFrame) -> pd.DataFrame:
    """As ward_summary, per MSOA (2011 or 2021) named by the House of Commons Library names."""
    ed = _edition(lsoas)
    check_lsoas(lsoas, [ed.msoa, ed.msoa_hcl])
    return _group_summary(lsoas, ed.msoa, ed.msoa_hcl)


def district_summary(lsoas: pd.DataFrame, order: Sequence[str] | None = None,
                     published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per lower-tier district: as ward_summary. ``order`` (district codes) keeps the params order;
    by default most deprived first. ``published`` (:func:`published_districts`): MHCLG's average
    score of each district replaces ours, and its rank among England's districts is added
    (columns published_rank, n_districts)."""
    ed = _edition(lsoas)
    check_lsoas(lsoas)
    out = _group_summary(lsoas, ed.lad, ed.lad_name)
    if published is not None:
        pub = published.set_index("code")
        have = out[ed.lad].isin(pub.index) & out[ed.lad].map(pub["avg_score"]).notna()
        out.loc[have, "avg_score"] = out.loc[have, ed.lad].map(pub["avg_score"]).astype(float)
        out["published_rank"] = out[ed.lad].map(pub["rank_of_avg_score"]).astype("Int64")
        out["n_districts"] = out[ed.lad].map(pub["n_districts"]).astype("Int64")
        out = out.sort_values(["avg_score", "best_rank"], ascending=[False, True], kind="mergesort")
        out = out.reset_index(drop=True)
    if order is not None:
        unknown = sorted(set(out[ed.lad]) - set(order))
        if unknown:
            raise DeprivationError(f"district_summary: districts {unknown} are not in the order given")
        out = out.set_index(ed.lad).loc[[c for c in order if c in set(out[ed.lad])]].reset_index()
    return out


def extremes(lsoas: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n most and n least deprived LSOAs (by national IMD rank), with their neighbourhood names.

    Columns (IoD2019 names; IoD2025 the same in 2021/2024 names): lsoa11cd, lsoa11nm, msoa11hclnm,
    wd19nm, lad19nm, imd_rank, imd_decile, imd_score.
    """
    ed = _edition(lsoas)
    check_lsoas(lsoas, list(neighbourhood_columns(ed)))
    cols = [ed.lsoa, ed.lsoa_name, ed.msoa_hcl, ed.ward_name, ed.lad_name, "imd_rank", "imd_decile", "imd_score"]
    ordered = lsoas.sort_values(["imd_rank", ed.lsoa], kind="mergesort")[cols]
    most = ordered.head(n).reset_index(drop=True)
    least = ordered.iloc[::-1].head(n).reset_index(drop=True)
    return most, least


def domain_deciles(lsoas: pd.DataFrame) -> pd.DataFrame:
    """For each of the seven domains: LSOAs and % of population in national deciles 1 and 1-2.

    Columns: domain, label, lsoas_decile1, pct_lsoas_decile1, pct_pop_core20; ordered by
    pct_pop_core20, highest first (the Place's most pronounced domains of deprivation)."""
    cols = [f"{d}_decile" for d in SEVEN_DOMAINS]
    check_lsoas(lsoas, cols)
    pop = lsoas["pop_total"].astype(float)
    rows = []
    for key, label in SEVEN_DOMAINS.items():
        dec = lsoas[f"{key}_decile"]
        rows.append({
            "domain": key, "label": label,
            "lsoas_decile1": int((dec == 1).sum()),
            "pct_lsoas_decile1": 100.0 * float((dec == 1).mean()),
            "pct_pop_core20": 100.0 * float(pop[dec.isin(CORE20_DECILES)].sum() / pop.sum()) if pop.sum() else np.nan,
        })
    return (pd.DataFrame(rows).sort_values("pct_pop_core20", ascending=False, kind="mergesort")
            .reset_index(drop=True))


@dataclass(frozen=True)
class BoundaryCheck:
    """LSOAs of the data that have no polygon (and polygons with no data)."""

    missing_codes: tuple[str, ...]
    missing_names: tuple[str, ...]
    extra_codes: tuple[str, ...]

    @property
    def n_missing(self) -> int:
        return len(self.missing_codes)

    @property
    def ok(self) -> bool:
        return not self.missing_codes


def check_boundaries(lsoas: pd.DataFrame, boundaries, code_col: str | None = None) -> BoundaryCheck:
    """Compare the LSOA data with the boundary file: which LSOAs cannot be drawn (named), and
    which polygons have no data. The maps then show what they can and the report says what is
    missing, instead of silently dropping areas. ``code_col``: the boundaries' code column
    (default: the LSOA code column of the data's edition)."""
    ed = _edition(lsoas)
    code_col = code_col or ed.lsoa
    if code_col not in boundaries.columns:
        raise DeprivationError(f"check_boundaries: boundary data has no {code_col!r} column; "
                               f"columns: {list(boundaries.columns)}")
    have = set(boundaries[code_col].astype(str))
    miss = lsoas.loc[~lsoas[ed.lsoa].astype(str).isin(have)].sort_values(ed.lsoa)
    extra = sorted(have - set(lsoas[ed.lsoa].astype(str)))
    return BoundaryCheck(tuple(miss[ed.lsoa].astype(str)), tuple(miss[ed.lsoa_name].astype(str)),
                         tuple(extra))


def map_frame(lsoas: pd.DataFrame, boundaries, code_col: str | None = None):
    """GeoDataFrame of the LSOAs that have a polygon, with display columns for map tooltips:
    decile/rank as text, names filled ('not available' where a lookup has no name)."""
    import geopandas as gpd

    ed = _edition(lsoas)
    code_col = code_col or ed.lsoa
    geo = boundaries[[code_col, boundaries.geometry.name]].rename(columns={code_col: ed.lsoa})
    out = geo.merge(lsoas, on=ed.lsoa, how="inner")
    out = gpd.GeoDataFrame(out, geometry=boundaries.geometry.name, crs=boundaries.crs)
    out["rank_text"] = [f"{int(r):,} of {ed.n_lsoas:,}" for r in out["imd_rank"]]
    for col in (ed.msoa_hcl, ed.ward_name, ed.lad_name):
        if col in out.columns:
            out[col] = out[col].astype("string").fillna("not available")
    return out


# ---------------------------------------------------------------------------------------------
# The topic's results
# ---------------------------------------------------------------------------------------------

def print_frame(frame):
    """The map frame with only what the static maps draw and their CSVs need: the LSOA's code and
    name, its ward and district, the deciles and local quintile (a report's weight is mostly in
    those CSVs; the interactive map's list of areas has the other names)."""
    ed = _edition(frame)
    keep = [ed.lsoa, ed.lsoa_name, ed.ward_name, ed.lad_name,
            "imd_decile", "local_quintile", *(f"{d}_decile" for d in SEVEN_DOMAINS), frame.geometry.name]
    return frame[[c for c in keep if c in frame.columns]]


def quintile_check(summary: pd.DataFrame):
    """The reliability rule (:mod:`jsna.reliability`) for the local fifths: every fifth needs enough
    LSOAs and residents before the fifths are shown and compared (a Place of a handful of LSOAs,
    such as the City of London or the Isles of Scilly, gets the rule's reason instead)."""
    from jsna import reliability

    return reliability.assess(summary, "quintile", "lsoas", "population", area_word="neighbourhood",
                              compared=reliability.ALL_FIFTHS)


@dataclass
class Results:
    """Every figure the report shows for one Place in one edition (numbers, tidy frames and map
    frames, no reader text): the headline figures of the Place and England, the boundary check, the
    map frames, the local fifths and their reliability check, the national deciles, wards, MSOAs,
    districts and domains, and the 2019 -> 2025 comparison."""

    place: Place
    lsoas: pd.DataFrame
    head: Headline
    england: Headline
    boundary_check: BoundaryCheck
    frame: object  # GeoDataFrame: LSOAs joined with their polygons (map_frame)
    print_frame: object  # what the static maps draw and their CSVs carry (print_frame)
    quintiles: pd.DataFrame  # quintile_summary: the local fifths
    quintile_check: object  # quintile_check: the series' reliability rule for the local fifths
    deciles: pd.DataFrame  # decile_population
    wards: pd.DataFrame  # ward_summary
    msoas: pd.DataFrame  # msoa_summary
    districts: pd.DataFrame | None  # district_summary in the Place's order, when it has more than one district
    domains: pd.DataFrame  # domain_deciles
    change: ChangeReport  # IoD2019 against IoD2025 (jsna.topics.deprivation.change)
    published: pd.DataFrame | None = None  # published_districts of the Place's districts
    unmatched: pd.DataFrame | None = None
    edition: str = "iod2019"

    @property
    def ed(self) -> Edition:
        return get_edition(self.edition)

    def named(self, n: int) -> tuple[int, pd.DataFrame, pd.DataFrame]:
        """(how many, the most deprived, the least deprived LSOAs) to name: ``n``, but at most half the
        LSOAs (at least one), so that the most and least deprived lists never share an LSOA (:func:`extremes`)."""
        k = min(n, max(1, len(self.lsoas) // 2))
        return (k, *extremes(self.lsoas, k))


def _published(place: Place, summaries: pd.DataFrame, ed: Edition) -> pd.DataFrame:
    return published_districts([(a.code, a.name) for a in place.districts_in(ed.codes_year)], summaries, ed)


def compute(place: Place, inputs: Inputs) -> Results:
    """Every figure of the report for ``place`` from its :class:`~jsna.topics.deprivation.inputs.Inputs`:
    headline figures for the Place and England (with MHCLG's published figures when the Place is one
    district), the boundary check and map frame, the summaries of each section, and the 2019 -> 2025
    comparison (reusing the report's own edition's tables, map frame and published figures)."""
    ed = inputs.ed
    lsoas = inputs.lsoas
    published = None
    head = headline(lsoas, place.name)
    if inputs.summaries is not None:
        published = _published(place, inputs.summaries, ed)
        head = with_published(head, published)
    frame = map_frame(lsoas, inputs.boundaries)
    quintiles = quintile_summary(lsoas)
    district_codes = [a.code for a in place.districts_in(ed.codes_year)]
    districts = district_summary(lsoas, order=district_codes, published=published) if len(district_codes) > 1 else None
    # the 2019 -> 2025 comparison: the report's own edition's table, published figures and (IoD2025) map frame
    other = IOD2019 if ed.key == IOD2025.key else IOD2025
    pub = {ed.key: published, other.key: _published(place, inputs.other_summaries, other)}
    frame_2021 = frame if ed.key == IOD2025.key else map_frame(inputs.other_lsoas, inputs.boundaries_2021)
    return Results(
        place=place, lsoas=lsoas, head=head,
        england=headline(inputs.england_lsoas.dropna(subset=list(MEASURE_COLUMNS)), "England"),
        boundary_check=check_boundaries(lsoas, inputs.boundaries), frame=frame, print_frame=print_frame(frame),
        quintiles=quintiles, quintile_check=quintile_check(quintiles), deciles=decile_population(lsoas),
        wards=ward_summary(lsoas), msoas=msoa_summary(lsoas), districts=districts, domains=domain_deciles(lsoas),
        change=change.for_place(inputs.lsoas_of(IOD2019), inputs.lsoas_of(IOD2025), inputs.lsoa_bridge,
                                pub[IOD2019.key], pub[IOD2025.key], frame_2021),
        published=published, unmatched=inputs.unmatched, edition=ed.key)
