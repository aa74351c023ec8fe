"""Deprivation topic: where a Place's neighbourhoods sit in England's Indices of Deprivation 2019.

Pure computations on a frame of LSOAs (one row per LSOA 2011), as returned by
``jsna.areas.lsoas(place)``: codes and names (LSOA, MSOA with House of Commons Library
name, ward, district), IMD 2019 score/rank/decile, the seven domain deciles and the mid-2015
population MHCLG used. Conventions as published: rank 1 and decile 1 = most deprived.

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

from jsna.areas import CORE20_DECILES

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

REQUIRED_COLUMNS = ("lsoa11cd", "lsoa11nm", "lad19cd", "lad19nm", "imd_score", "imd_rank", "imd_decile",
                    "pop_total")
NEIGHBOURHOOD_COLUMNS = ("msoa11cd", "msoa11hclnm", "wd19cd", "wd19nm")


class DeprivationError(ValueError):
    """Input LSOA data cannot support the deprivation figures (names the column and the fix)."""


def check_lsoas(lsoas: pd.DataFrame, extra: Sequence[str] = (), where: str = "LSOA data") -> pd.DataFrame:
    """Validate the LSOA frame: required columns present, one row per LSOA, deciles 1-10, no
    missing IMD values or populations. Returns it unchanged; raises DeprivationError otherwise."""
    need = list(REQUIRED_COLUMNS) + list(extra)
    missing = [c for c in need if c not in lsoas.columns]
    if missing:
        raise DeprivationError(
            f"{where}: missing column(s) {missing}; columns present: {list(lsoas.columns)}. "
            "Build the frame with jsna.areas.lsoas(place).")
    if lsoas.empty:
        raise DeprivationError(f"{where}: no LSOAs. Check the Place's district codes against the lookup.")
    dup = lsoas["lsoa11cd"].duplicated()
    if dup.any():
        raise DeprivationError(f"{where}: LSOA {lsoas.loc[dup, 'lsoa11cd'].iloc[0]!r} appears more than once")
    for col in ("imd_score", "imd_rank", "imd_decile", "pop_total"):
        na = lsoas[col].isna()
        if na.any():
            raise DeprivationError(f"{where}: column {col!r} is missing for {int(na.sum())} LSOA(s), "
                                   f"e.g. {lsoas.loc[na, 'lsoa11cd'].iloc[0]!r}")
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


def headline(lsoas: pd.DataFrame, name: str) -> Headline:
    """Headline figures for the LSOAs given (a Place, a district or England)."""
    check_lsoas(lsoas)
    pop = lsoas["pop_total"].astype(float)
    in_core20 = lsoas["imd_decile"].isin(CORE20_DECILES)
    d1 = lsoas["imd_decile"] == 1
    total = float(pop.sum())
    core_pop = float(pop[in_core20].sum())
    return Headline(
        name=name,
        n_lsoas=len(lsoas),
        population=int(round(total)),
        avg_score=weighted_score(lsoas["imd_score"], pop),
        n_lsoas_decile1=int(d1.sum()),
        pct_lsoas_decile1=100.0 * d1.mean(),
        core20_population=int(round(core_pop)),
        core20_pct=100.0 * core_pop / total if total > 0 else float("nan"),
        n_lsoas_core20=int(in_core20.sum()),
        pct_lsoas_decile10=100.0 * (lsoas["imd_decile"] == 10).mean(),
    )


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
        "_core_pop": pop.where(lsoas["imd_decile"].isin(CORE20_DECILES), 0.0),
        "_rank": lsoas["imd_rank"],
    })
    g = d.groupby([code, name], sort=False).agg(
        lsoas=("_pop", "size"), _pop=("_pop", "sum"), _wscore=("_wscore", "sum"), _d1=("_d1", "sum"),
        _core_pop=("_core_pop", "sum"), best_rank=("_rank", "min"))
    has_pop = g["_pop"] > 0
    out = pd.DataFrame({
        code: g.index.get_level_values(0), name: g.index.get_level_values(1),
        "lsoas": g["lsoas"].astype(int).to_numpy(),
        "population": g["_pop"].round().astype(int).to_numpy(),
        "avg_score": (g["_wscore"] / g["_pop"]).where(has_pop).to_numpy(dtype=float),
        "lsoas_decile1": g["_d1"].astype(int).to_numpy(),
        "pct_lsoas_decile1": (100.0 * g["_d1"] / g["lsoas"]).to_numpy(dtype=float),
        "core20_pct": (100.0 * g["_core_pop"] / g["_pop"]).where(has_pop).to_numpy(dtype=float),
        "best_rank": g["best_rank"].astype(int).to_numpy(),
    })
    return out.sort_values(["avg_score", "best_rank"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def ward_summary(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Per electoral ward (2019 best-fit LSOA lookup): LSOAs, population, population-weighted IMD
    score, LSOAs in England's most deprived 10%, Core20 %, most deprived rank; most deprived first."""
    check_lsoas(lsoas, ["wd19cd", "wd19nm"])
    return _group_summary(lsoas, "wd19cd", "wd19nm")


def msoa_summary(lsoas: pd.DataFrame) -> pd.DataFrame:
    """As ward_summary, per MSOA 2011 named by the House of Commons Library names."""
    check_lsoas(lsoas, ["msoa11cd", "msoa11hclnm"])
    return _group_summary(lsoas, "msoa11cd", "msoa11hclnm")


def district_summary(lsoas: pd.DataFrame, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Per lower-tier district: as ward_summary. ``order`` (district codes) keeps the params order;
    by default most deprived first."""
    check_lsoas(lsoas)
    out = _group_summary(lsoas, "lad19cd", "lad19nm")
    if order is not None:
        unknown = sorted(set(out["lad19cd"]) - set(order))
        if unknown:
            raise DeprivationError(f"district_summary: districts {unknown} are not in the order given")
        out = out.set_index("lad19cd").loc[[c for c in order if c in set(out["lad19cd"])]].reset_index()
    return out


def extremes(lsoas: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n most and n least deprived LSOAs (by national IMD rank), with their neighbourhood names.

    Columns: lsoa11cd, lsoa11nm, msoa11hclnm, wd19nm, lad19nm, imd_rank, imd_decile, imd_score.
    """
    check_lsoas(lsoas, list(NEIGHBOURHOOD_COLUMNS))
    cols = ["lsoa11cd", "lsoa11nm", "msoa11hclnm", "wd19nm", "lad19nm", "imd_rank", "imd_decile", "imd_score"]
    ordered = lsoas.sort_values(["imd_rank", "lsoa11cd"], kind="mergesort")[cols]
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


def check_boundaries(lsoas: pd.DataFrame, boundaries, code_col: str = "lsoa11cd") -> BoundaryCheck:
    """Compare the LSOA data with the boundary file: which LSOAs cannot be drawn (named), and
    which polygons have no data. The maps then show what they can and the report says what is
    missing, instead of silently dropping areas."""
    if code_col not in boundaries.columns:
        raise DeprivationError(f"check_boundaries: boundary data has no {code_col!r} column; "
                               f"columns: {list(boundaries.columns)}")
    have = set(boundaries[code_col].astype(str))
    miss = lsoas.loc[~lsoas["lsoa11cd"].astype(str).isin(have)].sort_values("lsoa11cd")
    extra = sorted(have - set(lsoas["lsoa11cd"].astype(str)))
    return BoundaryCheck(tuple(miss["lsoa11cd"].astype(str)), tuple(miss["lsoa11nm"].astype(str)),
                         tuple(extra))


def map_frame(lsoas: pd.DataFrame, boundaries, code_col: str = "lsoa11cd"):
    """GeoDataFrame of the LSOAs that have a polygon, with display columns for map tooltips:
    decile/rank as text, names filled ('not available' where a lookup has no name)."""
    import geopandas as gpd

    geo = boundaries[[code_col, boundaries.geometry.name]].rename(columns={code_col: "lsoa11cd"})
    out = geo.merge(lsoas, on="lsoa11cd", how="inner")
    out = gpd.GeoDataFrame(out, geometry=boundaries.geometry.name, crs=boundaries.crs)
    out["rank_text"] = [f"{int(r):,} of 32,844" for r in out["imd_rank"]]
    for col in ("msoa11hclnm", "wd19nm", "lad19nm"):
        if col in out.columns:
            out[col] = out[col].astype("string").fillna("not available")
    return out


# ---------------------------------------------------------------------------------------------
# Report helpers: map outlines, tooltips, display tables
# ---------------------------------------------------------------------------------------------

SOURCE_IDS = ("imd2019_lsoa", "lookup_lsoa11_ew", "lsoa11_boundaries_england")
TOOLTIP = {
    "lsoa11cd": "LSOA code",
    "lsoa11nm": "LSOA name",
    "msoa11hclnm": "Neighbourhood (MSOA)",
    "wd19nm": "Ward (2019)",
    "lad19nm": "District",
    "imd_decile": "National decile (1 = most deprived)",
    "rank_text": "National rank (1 = most deprived)",
}




def headline_text(h: Headline) -> str:
    """Plain-text headline numbers (for the notebook's NBVAL_CHECK_OUTPUT cell)."""
    return "\n".join([
        f"Place: {h.name}",
        f"LSOAs: {h.n_lsoas}",
        f"Population (mid-2015): {h.population}",
        f"IMD average score (population-weighted): {h.avg_score:.3f}",
        f"LSOAs in England's most deprived 10%: {h.n_lsoas_decile1} ({h.pct_lsoas_decile1:.1f}%)",
        f"Core20 population: {h.core20_population} ({h.core20_pct:.1f}%)",
    ])


def area_table(summary: pd.DataFrame, name_col: str, label: str) -> pd.DataFrame:
    """Ward or MSOA summary for display."""
    return pd.DataFrame({
        label: summary[name_col].astype(str),
        "LSOAs": summary["lsoas"].astype(int),
        "Population (mid-2015)": summary["population"].astype(int),
        "Average IMD score": summary["avg_score"].round(1),
        "LSOAs in most deprived 10%": summary["lsoas_decile1"].astype(int),
        "% in most deprived 20% (Core20)": summary["core20_pct"].round(1),
    })


def district_table(summary: pd.DataFrame) -> pd.DataFrame:
    """District summary for display."""
    return area_table(summary, "lad19nm", "District")


def lsoa_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Most/least deprived LSOAs for display."""
    return pd.DataFrame({
        "LSOA": rows["lsoa11cd"].astype(str) + " " + rows["lsoa11nm"].astype(str),
        "Neighbourhood (MSOA)": rows["msoa11hclnm"].astype(str),
        "Ward": rows["wd19nm"].astype(str),
        "District": rows["lad19nm"].astype(str),
        "National rank": rows["imd_rank"].astype(int),
        "National decile": rows["imd_decile"].astype(int),
        "IMD score": rows["imd_score"].round(1),
    })


def quintile_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Local quintile summary for display."""
    return pd.DataFrame({
        "Local quintile": [f"{q}{' (most deprived)' if q == 1 else ' (least deprived)' if q == 5 else ''}"
                           for q in summary["quintile"].astype(int)],
        "LSOAs": summary["lsoas"].astype(int),
        "Population (mid-2015)": summary["population"].astype(int),
        "% of population": summary["pct_population"].round(1),
        "IMD score from": summary["min_score"].round(1),
        "IMD score to": summary["max_score"].round(1),
    })


@dataclass
class Inputs:
    """What the deprivation report reads: the Place's LSOAs (jsna.areas), England's, and boundaries."""

    lsoas: pd.DataFrame
    england_lsoas: pd.DataFrame
    boundaries: object  # GeoDataFrame of the Place's LSOA 2011 polygons


@dataclass
class Results:
    """The headline figures and the map frame every section of the report starts from."""

    lsoas: pd.DataFrame
    head: Headline
    england: Headline
    boundary_check: BoundaryCheck
    frame: object  # GeoDataFrame: LSOAs joined with their polygons


def load_inputs(place, data_dir=None) -> Inputs:
    """Load every source of the topic: the area table for the Place and England, and boundaries."""
    from jsna import areas
    from jsna.load.boundaries import lsoa_boundaries

    lsoas = areas.lsoas(place, data_dir)
    return Inputs(lsoas=lsoas, england_lsoas=areas.england_lsoas(data_dir),
                  boundaries=lsoa_boundaries(lsoas["lsoa11cd"], data_dir))


def compute(place, inputs: Inputs) -> Results:
    """Headline figures for the Place and England, the boundary check and the map frame."""
    return Results(lsoas=inputs.lsoas, head=headline(inputs.lsoas, place.name),
                   england=headline(inputs.england_lsoas, "England"),
                   boundary_check=check_boundaries(inputs.lsoas, inputs.boundaries),
                   frame=map_frame(inputs.lsoas, inputs.boundaries))
