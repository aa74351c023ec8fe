"""English Indices of Deprivation 2025 (MHCLG) loaders: LSOA 2021 scores, ranks and deciles, the
lower-tier LA summaries (File 10 v2) and the LSOA 2021 -> LAD 2022 -> LAD 2024 lookup.

Conventions as published: rank 1 = most deprived, decile 1 = most deprived 10% of LSOAs in England,
higher score = more deprived. Ranks are relative within IoD2025: compare with IoD2019 (LSOA 2011)
by deciles or ranks, with care, not by scores. MHCLG's mid-2022 population denominators are not held;
weight by Census 2021 usual residents (:func:`jsna.load.census.usual_residents_lsoa`) and say so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.load import DataError, cached_parquet, read_source, register_parquet
from jsna.load.imd import DOMAIN_LABELS as IMD2019_LABELS
from jsna.load.imd import file7_renames

__all__ = ["DOMAIN_LABELS", "imd2025_lsoa", "imd2025_lad_summaries", "lsoa21_lad24_lookup"]

#: short key -> the label MHCLG uses at the start of File 7's headers: IoD2019's labels, less IDACI and
#: IDAOPI (IoD2025 publishes them in a separate file)
DOMAIN_LABELS: dict[str, str] = {k: v for k, v in IMD2019_LABELS.items() if k not in ("idaci", "idaopi")}
_RATE_DOMAINS = {"income", "employment"}
_ID_COLUMNS = {
    "LSOA code (2021)": "lsoa21cd",
    "LSOA name (2021)": "lsoa21nm",
    "Local Authority District code (2024)": "lad24cd",
    "Local Authority District name (2024)": "lad24nm",
}


FILE7_COLUMNS: dict[str, str] = file7_renames(_ID_COLUMNS, DOMAIN_LABELS, _RATE_DOMAINS)
N_LSOA21 = 33_755
N_LAD24 = 296  # the districts File 10 ranks


def _build_lsoa(data_dir: Path | None) -> pd.DataFrame:
    raw = read_source("imd2025_lsoa", data_dir)
    missing = [c for c in FILE7_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(f"imd2025_lsoa: missing column(s) {missing}")
    df = raw.rename(columns=FILE7_COLUMNS)[list(FILE7_COLUMNS.values())].reset_index(drop=True)
    dup = df["lsoa21cd"].duplicated()
    if dup.any():
        raise DataError(f"imd2025_lsoa: column 'LSOA code (2021)': {df.loc[dup, 'lsoa21cd'].iloc[0]!r} "
                        "appears more than once")
    for col in [c for c in df.columns if c.endswith("_decile")]:
        bad = ~df[col].between(1, 10)
        if bad.any():
            raise DataError(f"imd2025_lsoa: column {col!r} has deciles outside 1-10, e.g. {df.loc[bad, col].iloc[0]}")
    for col in [c for c in df.columns if c.endswith("_rank")]:
        bad = ~df[col].between(1, N_LSOA21)
        if bad.any():
            raise DataError(f"imd2025_lsoa: column {col!r} has ranks outside 1-{N_LSOA21}")
    return df


@register_parquet("imd2025_lsoa")
def imd2025_lsoa(data_dir: Path | None = None) -> pd.DataFrame:
    """IoD2025 for every LSOA 2021 in England (33,755 rows; File 7 subset).

    Columns: lsoa21cd, lsoa21nm, lad24cd, lad24nm (IoD2025's LA column) and ``<d>_score``, ``<d>_rank``,
    ``<d>_decile`` for every d in :data:`DOMAIN_LABELS`. Cached as parquet after the first read.
    """
    return cached_parquet("imd2025_lsoa", lambda: _build_lsoa(data_dir), data_dir, version="1")


_F10_DOMAINS = {
    "imd": "imd", "income": "income", "employment": "employment", "education_skills_and_training": "education",
    "health_deprivation_and_disability": "health", "crime": "crime",
    "barriers_to_housing_and_services": "barriers", "living_environment": "living_env",
}
_F10_MEASURES = {
    "average_rank": "avg_rank",
    "rank_of_average_rank": "rank_of_avg_rank",
    "average_score": "avg_score",
    "rank_of_average_score": "rank_of_avg_score",
    "proportion_of_lso_as_in_most_deprived_10_percent_nationally": "prop_most_deprived_10pc",
    "rank_of_proportion_of_lso_as_in_most_deprived_10_percent_nationally": "rank_of_prop_most_deprived_10pc",
}


def _f10_name(col: str) -> str:
    """File 10 snake_case header -> the names of :func:`jsna.load.imd.imd2019_lad_summaries`."""
    fixed = {"ltla24_code": "lad24cd", "ltla24_name": "lad24nm", "imd25_extent": "imd_extent",
             "imd25_rank_of_extent": "imd_rank_of_extent", "imd25_local_concentration": "imd_local_concentration",
             "imd25_rank_of_local_concentration": "imd_rank_of_local_concentration",
             "income_scale": "income_scale", "rank_of_income_scale": "income_rank_of_scale",
             "employment_scale": "employment_scale", "rank_of_employment_scale": "employment_rank_of_scale"}
    if col in fixed:
        return fixed[col]
    for long, short in _F10_DOMAINS.items():
        rest = col.removeprefix(long + "_")
        if rest != col and rest in _F10_MEASURES:
            return f"{short}_{_F10_MEASURES[rest]}"
    raise DataError(f"imd2025_lad_summaries: unexpected column {col!r}")


def imd2025_lad_summaries(data_dir: Path | None = None) -> pd.DataFrame:
    """File 10 v2 lower-tier LA summaries (296 LADs 2024), one row per LAD.

    Columns: lad24cd, lad24nm and ``<domain>_<measure>`` for domain in imd, income, employment,
    education, health, crime, barriers, living_env and measure in avg_rank, rank_of_avg_rank, avg_score,
    rank_of_avg_score, prop_most_deprived_10pc, rank_of_prop_most_deprived_10pc; also imd_extent,
    imd_local_concentration, income_scale, employment_scale and their ranks (names as
    :func:`jsna.load.imd.imd2019_lad_summaries`). "rank of ..." ranks the 296 LADs, 1 = most deprived.
    """
    raw = read_source("imd2025_lad_summaries", data_dir)
    df = raw.rename(columns={c: _f10_name(c) for c in raw.columns})
    if df["lad24cd"].duplicated().any():
        raise DataError("imd2025_lad_summaries: column 'ltla24_code': a LAD code appears more than once")
    ranks = [c for c in df.columns if "rank_of" in c]
    bad = [c for c in ranks if not df[c].between(1, N_LAD24).all()]
    if bad:
        raise DataError(f"imd2025_lad_summaries: column {bad[0]!r} has ranks outside 1-{N_LAD24}")
    return df.sort_values("lad24cd").reset_index(drop=True)


def lsoa21_lad24_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """LSOA 2021 -> LAD 2022 -> LAD 2024 for England (33,755 rows): lsoa21cd, lsoa21nm, lad22cd, lad22nm,
    lad24cd, lad24nm. LAD 2022 codes are the 2021 codes of Census 2021 district tables; every LAD22 lies
    in one LAD24 (the April 2023 changes were whole-district mergers)."""
    raw = read_source("lookup_lsoa21_lad24", data_dir)
    df = raw.rename(columns=str.lower)[["lsoa21cd", "lsoa21nm", "lad22cd", "lad22nm", "lad24cd", "lad24nm"]]
    if df["lsoa21cd"].duplicated().any():
        raise DataError("lookup_lsoa21_lad24: column 'LSOA21CD': an LSOA appears more than once")
    nest = df.groupby("lad22cd")["lad24cd"].nunique()
    if (nest > 1).any():
        raise DataError(f"lookup_lsoa21_lad24: column 'LAD24CD': LAD22 {nest[nest > 1].index[0]!r} is split "
                        "between LAD24s")
    return df.sort_values("lsoa21cd").reset_index(drop=True)
