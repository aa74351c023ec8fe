"""Statistical neighbours ("peers") of England's upper-tier local authorities (April 2023, 153).

Each authority is described by eight features built from the held Census 2021, IoD2025 and ONS
geography data (:data:`FEATURES`). Every feature is standardised to a z-score over the reference
authorities (all but the Isles of Scilly and the City of London, as NHS England does), and the
distance between two authorities is the weighted Euclidean distance

    d(a, b) = sqrt( sum_k w_k * (z_ak - z_bk)^2 )

with equal weights (:data:`WEIGHTS`). An authority's n nearest reference authorities are its peers.
The method and its differences from NHS England's peer groups and CIPFA's nearest neighbours are
written down in NEIGHBOURS.md beside this module.

Codes are the April 2023 upper-tier codes (counties E10, unitaries E06, metropolitan districts E08,
London boroughs E09). Leicester (E06000016), Leicestershire (E10000018) and Rutland (E06000017) are
unchanged since 2009; codes retired in 2023 (Cumbria, North Yorkshire county, Somerset county) are
rejected with their successors named.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.load import DataError, cached_parquet_of
from jsna.load.census import WHITE_BRITISH

__all__ = [
    "FEATURES",
    "WEIGHTS",
    "EXCLUDED",
    "SOURCES",
    "KINDS",
    "NeighbourError",
    "PeerRank",
    "district_features",
    "lsoa_features",
    "upper_tier_features",
    "standardise",
    "distance_matrix",
    "statistical_neighbours",
    "peer_rank",
]

#: feature column -> what it measures (all computed per upper-tier LA, April 2023 boundaries)
FEATURES: dict[str, str] = {
    "log10_population": "log10 of Census 2021 usual residents (TS007)",
    "pct_aged_0_15": "% of usual residents aged 0-15 (Census 2021 TS007)",
    "pct_aged_65_plus": "% of usual residents aged 65 and over (Census 2021 TS007)",
    "pct_ethnic_minority": "% of usual residents not White British (Census 2021, 19 ethnic groups)",
    "imd_avg_score": "IoD2025 IMD average score: mean LSOA score weighted by Census 2021 usual residents",
    "pct_lsoas_most_deprived_20": "% of LSOAs in the most deprived 20% of England (IoD2025 IMD deciles 1-2)",
    "pct_rural": "% of usual residents living in rural LSOAs (ONS Rural Urban Classification 2021)",
    "log10_density": "log10 of usual residents per km2 (Census 2021 / LAD 2024 BUC boundary areas)",
}
#: feature weights w_k: equal (see NEIGHBOURS.md for why)
WEIGHTS: dict[str, float] = dict.fromkeys(FEATURES, 1.0)
#: left out of the reference set (standardisation and candidate peers): too small to compare, as NHS England
EXCLUDED: dict[str, str] = {"E06000053": "Isles of Scilly", "E09000001": "City of London"}
KINDS: dict[str, str] = {"E06": "unitary authority", "E08": "metropolitan district", "E09": "London borough",
                         "E10": "county"}
N_UPPER_TIER = 153

#: catalogue ids of every file the features are built from (the parquet cache key)
SOURCES = ("census2021_age_ltla21", "census2021_ethnic_group_ltla21", "census2021_ethnic_group_lsoa21",
           "imd2025_lsoa", "lookup_lsoa21_lad24", "ons_ltla23_utla23", "ons_lad24_region24", "ons_ruc21_lsoa21",
           "lad24_boundaries_england")


class NeighbourError(ValueError):
    """A code, weight or peer count the neighbour model cannot use (the message says why and what to use)."""


def district_features(age: pd.DataFrame, ethnic: pd.DataFrame, lad22_utla: pd.DataFrame,
                      area_km2: pd.Series) -> pd.DataFrame:
    """Population, age and ethnicity features per upper-tier LA from Census 2021 district tables.

    ``age``: ltla21cd, total, age_0 ... age_99, age_100_plus (:func:`jsna.load.census.age_ltla`);
    ``ethnic``: ltla21cd, ethnic_group, persons (:func:`jsna.load.census.ethnic_group_ltla`);
    ``lad22_utla``: lad22cd -> utla23cd (one row per 2021/2022 district); ``area_km2``: area per utla23cd.
    Returns, indexed by utla23cd: population, area_km2, density, log10_population, pct_aged_0_15,
    pct_aged_65_plus, pct_ethnic_minority, log10_density. Districts outside ``lad22_utla`` (Wales) are dropped.
    """
    to_utla = lad22_utla.set_index("lad22cd")["utla23cd"]
    a = age[age["ltla21cd"].isin(to_utla.index)]
    young = a[[f"age_{i}" for i in range(16)]].sum(axis=1)
    old = a[[f"age_{i}" for i in range(65, 100)] + ["age_100_plus"]].sum(axis=1)
    by = a["ltla21cd"].map(to_utla)
    sums = pd.DataFrame({"population": a["total"], "young": young, "old": old}).groupby(by.values).sum()
    e = ethnic[ethnic["ltla21cd"].isin(to_utla.index)]
    eth = pd.DataFrame({
        "all": e["persons"],
        "white_british": e["persons"].where(e["ethnic_group"] == WHITE_BRITISH, 0),
    }).groupby(e["ltla21cd"].map(to_utla).values).sum()
    out = pd.DataFrame(index=sums.index.rename("utla23cd"))
    out["population"] = sums["population"]
    out["area_km2"] = area_km2.reindex(out.index)
    out["density"] = out["population"] / out["area_km2"]
    out["log10_population"] = np.log10(out["population"])
    out["pct_aged_0_15"] = 100 * sums["young"] / sums["population"]
    out["pct_aged_65_plus"] = 100 * sums["old"] / sums["population"]
    out["pct_ethnic_minority"] = 100 * (1 - eth["white_british"] / eth["all"]).reindex(out.index)
    out["log10_density"] = np.log10(out["density"])
    return out


def lsoa_features(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Deprivation and rurality features per upper-tier LA from LSOA rows.

    ``lsoas``: one row per LSOA with utla23cd, residents (Census 2021), imd_score, imd_decile and rural
    (bool). Returns, indexed by utla23cd: n_lsoas, imd_avg_score (residents-weighted mean of imd_score),
    pct_lsoas_most_deprived_20 (% of LSOAs with imd_decile 1 or 2) and pct_rural (% of residents in rural
    LSOAs).
    """
    g = lsoas.assign(
        weighted=lsoas["imd_score"] * lsoas["residents"],
        deprived20=lsoas["imd_decile"].le(2).astype(int),
        rural_residents=lsoas["residents"].where(lsoas["rural"].astype(bool), 0),
        n=1,
    ).groupby("utla23cd")[["n", "residents", "weighted", "deprived20", "rural_residents"]].sum()
    return pd.DataFrame({
        "n_lsoas": g["n"],
        "imd_avg_score": g["weighted"] / g["residents"],
        "pct_lsoas_most_deprived_20": 100 * g["deprived20"] / g["n"],
        "pct_rural": 100 * g["rural_residents"] / g["residents"],
    })


def _lad24_area_km2(data_dir: Path | None) -> pd.Series:
    from jsna.load import read_geojson

    gdf = read_geojson("lad24_boundaries_england", data_dir).to_crs(27700)  # British National Grid, metres
    return pd.Series(gdf.geometry.area.to_numpy() / 1e6, index=gdf["LAD24CD"].to_numpy())


def _build_features(data_dir: Path | None) -> pd.DataFrame:
    from jsna.load.census import age_ltla, ethnic_group_ltla, usual_residents_lsoa
    from jsna.load.geography import lad24_regions, lsoa21_rural_urban, ltla23_utla23_lookup
    from jsna.load.imd2025 import imd2025_lsoa, lsoa21_lad24_lookup

    utla = ltla23_utla23_lookup(data_dir)
    lad_utla = utla.set_index("lad24cd")["utla23cd"]
    lookup = lsoa21_lad24_lookup(data_dir)
    lad22 = lookup[["lad22cd", "lad24cd"]].drop_duplicates()
    lad22 = lad22.assign(utla23cd=lad22["lad24cd"].map(lad_utla))
    if lad22["utla23cd"].isna().any():
        raise DataError(f"ons_ltla23_utla23: LAD 2024 {lad22.loc[lad22['utla23cd'].isna(), 'lad24cd'].iloc[0]!r} "
                        "(from lookup_lsoa21_lad24) has no upper-tier LA")
    area = _lad24_area_km2(data_dir)
    missing_area = sorted(set(lad_utla.index) - set(area.index))
    if missing_area:
        raise DataError(f"lad24_boundaries_england: column 'LAD24CD': no boundary for {missing_area[0]!r}")
    utla_area = area.groupby(area.index.map(lad_utla)).sum()
    dist = district_features(age_ltla(data_dir), ethnic_group_ltla(data_dir), lad22, utla_area)

    imd = imd2025_lsoa(data_dir)[["lsoa21cd", "lad24cd", "imd_score", "imd_decile"]]
    res = usual_residents_lsoa(data_dir)[["lsoa21cd", "residents"]]
    ruc = lsoa21_rural_urban(data_dir)[["lsoa21cd", "rural"]]
    lsoas = imd.merge(res, on="lsoa21cd", how="left", validate="1:1").merge(ruc, on="lsoa21cd", how="left",
                                                                            validate="1:1")
    for col, sid in (("residents", "census2021_ethnic_group_lsoa21"), ("rural", "ons_ruc21_lsoa21")):
        if lsoas[col].isna().any():
            raise DataError(f"{sid}: LSOA {lsoas.loc[lsoas[col].isna(), 'lsoa21cd'].iloc[0]!r} of IoD2025 is missing")
    lsoas["utla23cd"] = lsoas["lad24cd"].map(lad_utla)
    small = lsoa_features(lsoas)

    regions = lad24_regions(data_dir).assign(utla23cd=lambda d: d["lad24cd"].map(lad_utla))
    rgn = regions.groupby("utla23cd")[["rgn24cd", "rgn24nm"]].agg(lambda s: s.mode().iloc[0])
    names = utla.groupby("utla23cd").agg(utla23nm=("utla23nm", "first"), n_districts=("lad24cd", "size"))
    out = names.join(rgn).join(dist).join(small)
    out.insert(1, "kind", [KINDS.get(c[:3], "other") for c in out.index])
    out = out.reset_index()
    cols = ["utla23cd", "utla23nm", "kind", "rgn24cd", "rgn24nm", "n_districts", "n_lsoas", "population",
            "area_km2", "density", *FEATURES]
    out = out[cols].sort_values("utla23cd").reset_index(drop=True)
    if len(out) != N_UPPER_TIER or out[list(FEATURES)].isna().any().any():
        bad = out.loc[out[list(FEATURES)].isna().any(axis=1), "utla23cd"].tolist()
        raise DataError(f"upper-tier features: expected {N_UPPER_TIER} complete rows, got {len(out)} "
                        f"(incomplete: {bad[:5]})")
    return out


def upper_tier_features(data_dir: Path | None = None) -> pd.DataFrame:
    """The 153 upper-tier LAs of England (April 2023) with the neighbour-model features.

    Columns: utla23cd, utla23nm, kind ("county", "unitary authority", "metropolitan district",
    "London borough"), rgn24cd, rgn24nm (ONS region, December 2024), n_districts, n_lsoas (LSOA 2021),
    population (Census 2021 usual residents), area_km2, density, then the :data:`FEATURES` columns.
    Cached as parquet in data/processed, keyed by every input file.
    """
    return cached_parquet_of(list(SOURCES), lambda: _build_features(data_dir), "upper_tier_features",
                             data_dir, version="1")


def _check_weights(features: pd.DataFrame, weights: Mapping[str, float]) -> dict[str, float]:
    w = {k: float(v) for k, v in weights.items() if float(v) != 0.0}
    if not w:
        raise NeighbourError("weights: at least one feature needs a non-zero weight")
    missing = [k for k in w if k not in features.columns]
    if missing:
        raise NeighbourError(f"weights: no feature column {missing[0]!r}; columns: {list(features.columns)}")
    negative = [k for k, v in w.items() if v < 0 or math.isnan(v)]
    if negative:
        raise NeighbourError(f"weights: {negative[0]!r} must be a non-negative number")
    return w


def _indexed(features: pd.DataFrame) -> pd.DataFrame:
    return features.set_index("utla23cd") if "utla23cd" in features.columns else features


def standardise(features: pd.DataFrame, columns: Iterable[str],
                exclude: Iterable[str] = tuple(EXCLUDED)) -> pd.DataFrame:
    """z-scores of ``columns``: (x - mean) / standard deviation (population, ddof=0), the mean and
    standard deviation taken over the reference authorities (all but ``exclude``). Indexed by code."""
    df = _indexed(features)[list(columns)].astype(float)
    ref = df.drop(index=[c for c in exclude if c in df.index])
    sd = ref.std(ddof=0)
    flat = sd[sd == 0].index.tolist()
    if flat:
        raise NeighbourError(f"feature {flat[0]!r} has the same value for every reference authority")
    return (df - ref.mean()) / sd


def distance_matrix(features: pd.DataFrame | None = None, weights: Mapping[str, float] | None = None,
                    exclude: Iterable[str] = tuple(EXCLUDED)) -> pd.DataFrame:
    """Square frame of weighted Euclidean distances between every pair of authorities (code x code)."""
    feats = upper_tier_features() if features is None else features
    w = _check_weights(feats, WEIGHTS if weights is None else weights)
    z = standardise(feats, w, exclude)
    arr = z.to_numpy() * np.sqrt(np.array(list(w.values())))
    diff = arr[:, None, :] - arr[None, :, :]
    return pd.DataFrame(np.sqrt((diff ** 2).sum(axis=2)), index=z.index, columns=z.index)


def _successors(code: str) -> list[str]:
    """2023 upper-tier codes covering a retired 2021 upper-tier code (e.g. Cumbria), from ONS lookups."""
    try:
        from jsna.load import read_source
        from jsna.load.geography import ltla23_utla23_lookup
        from jsna.load.imd2025 import lsoa21_lad24_lookup

        old = read_source("ons_ltla21_utla21")
        districts = old.loc[old["utla21_code"] == code, "ltla21_code"]
        lad24 = lsoa21_lad24_lookup().drop_duplicates("lad22cd").set_index("lad22cd")["lad24cd"]
        new = ltla23_utla23_lookup().set_index("lad24cd")["utla23cd"]
        return sorted({new[lad24[d]] for d in districts if d in lad24.index and lad24[d] in new.index})
    except (DataError, KeyError, OSError):
        return []


def statistical_neighbours(code: str, n: int = 15, features: pd.DataFrame | None = None,
                           weights: Mapping[str, float] | None = None,
                           exclude: Iterable[str] = tuple(EXCLUDED)) -> pd.DataFrame:
    """The ``n`` nearest reference authorities to ``code`` (April 2023 upper-tier code).

    Returns one row per peer, nearest first: rank (1..n), code, name, distance (weighted Euclidean
    distance in z-score units). Ties in distance are broken by code. ``features`` defaults to
    :func:`upper_tier_features` (any frame with utla23cd, utla23nm and the weighted columns);
    ``weights`` to :data:`WEIGHTS`; ``exclude`` (never peers, not in the standardisation) to :data:`EXCLUDED`.
    """
    feats = upper_tier_features() if features is None else features
    indexed = _indexed(feats)
    code = str(code).strip().upper()
    if code not in indexed.index:
        succ = _successors(code) if features is None else []
        hint = (f" It was replaced in April 2023 by {', '.join(succ)}." if succ else
                f" Use one of the {len(indexed)} April 2023 upper-tier codes, e.g. {', '.join(indexed.index[:3])}.")
        raise NeighbourError(f"statistical_neighbours: {code!r} is not an upper-tier local authority code of the "
                             f"April 2023 lookup.{hint}")
    excluded = set(exclude)
    candidates = [c for c in indexed.index if c not in excluded and c != code]
    if not 1 <= n <= len(candidates):
        raise NeighbourError(f"statistical_neighbours: n must be between 1 and {len(candidates)}, got {n}")
    dist = distance_matrix(feats, weights, excluded).loc[code, candidates]
    order = pd.DataFrame({"code": dist.index, "distance": dist.to_numpy()})
    order = order.sort_values(["distance", "code"], kind="mergesort").head(n).reset_index(drop=True)
    order.insert(0, "rank", range(1, len(order) + 1))
    order.insert(2, "name", order["code"].map(indexed["utla23nm"]))
    return order[["rank", "code", "name", "distance"]]


@dataclass(frozen=True)
class PeerRank:
    """A Place's rank on one metric among itself and its peers (1 = highest value unless ascending)."""

    rank: int | None  # None when the Place has no value
    out_of: int  # the Place and the peers that have a value
    missing: tuple[str, ...]  # peers without a value (excluded from out_of)


def peer_rank(values: Mapping[str, float] | pd.Series, code: str, peers: Iterable[str],
              ascending: bool = False) -> PeerRank:
    """Rank of ``code``'s value among ``code`` and ``peers`` (ties share the best rank).

    ``values`` maps area codes to the metric (missing or NaN = no value). With ``ascending`` False the
    highest value is rank 1; pass True when the lowest should be 1. The caller decides which is "better".
    """
    s = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values.astype("float64")
    group = [code, *[p for p in peers if p != code]]
    have = {c: s[c] for c in group if c in s.index and pd.notna(s[c])}
    missing = tuple(c for c in group[1:] if c not in have)
    if code not in have:
        return PeerRank(None, len(have), missing)
    mine = have[code]
    better = sum(1 for v in have.values() if (v < mine if ascending else v > mine))
    return PeerRank(better + 1, len(have), missing)
