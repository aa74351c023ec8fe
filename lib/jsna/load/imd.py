"""English Indices of Deprivation 2019 (MHCLG) loaders: LSOA 2011 scores, ranks, deciles,
populations, underlying indicators and the lower-tier LA summaries.

Conventions as published: rank 1 = most deprived, decile 1 = most deprived 10% of LSOAs in
England, higher score = more deprived. Populations are ONS mid-2015 (excluding prisoners), the
denominators MHCLG used; use them only for IoD-consistent weighting.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jsna.load import DataError, cached_parquet, read_source, register_parquet

__all__ = [
    "DOMAINS",
    "DOMAIN_LABELS",
    "SEVEN_DOMAINS",
    "imd2019_lsoa",
    "imd2019_indicators",
    "imd2019_lad_summaries",
    "imd2019_population",
]

# short key -> the label MHCLG uses at the start of File 7's headers
DOMAIN_LABELS: dict[str, str] = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "barriers": "Barriers to Housing and Services",
    "living_env": "Living Environment",
    "idaci": "Income Deprivation Affecting Children Index (IDACI)",
    "idaopi": "Income Deprivation Affecting Older People (IDAOPI)",
    "cyp": "Children and Young People Sub-domain",
    "adult_skills": "Adult Skills Sub-domain",
    "geo_barriers": "Geographical Barriers Sub-domain",
    "wider_barriers": "Wider Barriers Sub-domain",
    "indoors": "Indoors Sub-domain",
    "outdoors": "Outdoors Sub-domain",
}
DOMAINS: tuple[str, ...] = tuple(DOMAIN_LABELS)
#: the seven domains that make up the IMD, in MHCLG's order
SEVEN_DOMAINS: tuple[str, ...] = ("income", "employment", "education", "health", "crime",
                                  "barriers", "living_env")
_RATE_DOMAINS = {"income", "employment", "idaci", "idaopi"}

_ID_COLUMNS = {
    "LSOA code (2011)": "lsoa11cd",
    "LSOA name (2011)": "lsoa11nm",
    "Local Authority District code (2019)": "lad19cd",
    "Local Authority District name (2019)": "lad19nm",
}
_POP_COLUMNS = {
    "Total population: mid 2015 (excluding prisoners)": "pop_total",
    "Dependent Children aged 0-15: mid 2015 (excluding prisoners)": "pop_0_15",
    "Population aged 16-59: mid 2015 (excluding prisoners)": "pop_16_59",
    "Older population aged 60 and over: mid 2015 (excluding prisoners)": "pop_60_plus",
    "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)":
        "pop_working_age",
}


def file7_renames(id_columns: dict[str, str], labels: dict[str, str], rate_domains: set[str]) -> dict[str, str]:
    """MHCLG File 7 header -> short name (``<key>_score``, ``_rank``, ``_decile``) for an IoD
    edition's id columns, domain labels and domains whose score is a rate (IoD2019 and IoD2025)."""
    names = dict(id_columns)
    for key, label in labels.items():
        names[f"{label} Score{' (rate)' if key in rate_domains else ''}"] = f"{key}_score"
        names[f"{label} Rank (where 1 is most deprived)"] = f"{key}_rank"
        names[f"{label} Decile (where 1 is most deprived 10% of LSOAs)"] = f"{key}_decile"
    return names


FILE7_COLUMNS: dict[str, str] = {**file7_renames(_ID_COLUMNS, DOMAIN_LABELS, _RATE_DOMAINS), **_POP_COLUMNS}


def _check_lsoa_frame(df: pd.DataFrame, where: str) -> pd.DataFrame:
    dup = df["lsoa11cd"].duplicated()
    if dup.any():
        raise DataError(f"{where}: LSOA code {df.loc[dup, 'lsoa11cd'].iloc[0]!r} appears more than once")
    for col in [c for c in df.columns if c.endswith("_decile")]:
        bad = df[col].notna() & ~df[col].between(1, 10)
        if bad.any():
            raise DataError(f"{where}: column {col!r} has deciles outside 1-10, e.g. {df.loc[bad, col].iloc[0]}")
    return df


def _build_lsoa(data_dir: Path | None) -> pd.DataFrame:
    raw = read_source("imd2019_lsoa", data_dir)
    df = raw.rename(columns=FILE7_COLUMNS)[list(FILE7_COLUMNS.values())]
    return _check_lsoa_frame(df.reset_index(drop=True), "imd2019_lsoa")


@register_parquet("imd2019_lsoa")
def imd2019_lsoa(data_dir: Path | None = None) -> pd.DataFrame:
    """IoD2019 for every LSOA 2011 in England (32,844 rows; MHCLG File 7 content).

    Columns: lsoa11cd, lsoa11nm, lad19cd, lad19nm; ``<d>_score``, ``<d>_rank``, ``<d>_decile`` for
    every d in :data:`DOMAINS`; pop_total, pop_0_15, pop_16_59, pop_60_plus, pop_working_age
    (mid-2015). Cached as parquet in data/processed after the first read.
    """
    return cached_parquet("imd2019_lsoa", lambda: _build_lsoa(data_dir), data_dir, version="1")


def imd2019_population(data_dir: Path | None = None) -> pd.DataFrame:
    """File 6 population denominators (mid-2015, excluding prisoners): lsoa11cd, lsoa11nm, lad19cd,
    lad19nm, pop_total, pop_0_15, pop_16_59, pop_60_plus, pop_working_age."""
    raw = read_source("imd2019_population_file6", data_dir)
    names = {**_ID_COLUMNS, **_POP_COLUMNS}
    return _check_lsoa_frame(raw.rename(columns=names)[list(names.values())], "imd2019_population_file6")


def _snake(text: str) -> str:
    text = re.sub(r"\(([^)]*)\)", lambda m: " " + m.group(1) + " ", text)
    text = re.sub(r"[^0-9a-zA-Z]+", "_", text.lower()).strip("_")
    return re.sub(r"_+", "_", text)


# File 8 header -> short snake_case name
FILE8_COLUMNS: dict[str, str] = {
    **_ID_COLUMNS,
    "Income Domain numerator": "income_numerator",
    "Income Deprivation Affecting Children Index (IDACI) numerator": "idaci_numerator",
    "Income Deprivation Affecting Older People Index (IDAOPI) numerator": "idaopi_numerator",
    "Employment Domain numerator": "employment_numerator",
    "Staying on in education post 16 indicator": "staying_on_post16",
    "Entry to higher education indicator": "entry_to_higher_education",
    "Adult skills and English language proficiency indicator": "adult_skills_english",
    "Years of potential life lost indicator": "years_potential_life_lost",
    "Comparative illness and disability ratio indicator": "comparative_illness_disability_ratio",
    "Acute morbidity indicator": "acute_morbidity",
    "Mood and anxiety disorders indicator": "mood_anxiety_disorders",
    "Road distance to a post office indicator (km)": "distance_post_office_km",
    "Road distance to a primary school indicator (km)": "distance_primary_school_km",
    "Road distance to general store or supermarket indicator (km)": "distance_general_store_km",
    "Road distance to a GP surgery indicator (km)": "distance_gp_surgery_km",
    "Household overcrowding indicator": "household_overcrowding",
    "Homelessness indicator (rate per 1000 households)": "homelessness_per_1000_households",
    "Owner-occupation affordability (component of housing affordability indicator)":
        "owner_occupation_affordability",
    "Private rental affordability (component of housing affordability indicator)":
        "private_rental_affordability",
    "Housing affordability indicator": "housing_affordability",
    "Housing in poor condition indicator": "housing_poor_condition",
    "Houses without central heating indicator": "houses_without_central_heating",
    "Road traffic accidents indicator": "road_traffic_accidents",
    "Nitrogen dioxide (component of air quality indicator)": "nitrogen_dioxide",
    "Benzene (component of air quality indicator)": "benzene",
    "Sulphur dioxide (component of air quality indicator)": "sulphur_dioxide",
    "Particulates (component of air quality indicator)": "particulates",
    "Air quality indicator": "air_quality",
}


def imd2019_indicators(data_dir: Path | None = None) -> pd.DataFrame:
    """File 8 underlying indicators: lsoa11cd, lsoa11nm, lad19cd, lad19nm + snake_case indicators.

    The four numerators (income, idaci, idaopi, employment) are nullable integers, rounded to the
    nearest 5 by MHCLG and missing (<NA>) where suppressed below 10: never treat <NA> as 0.
    """
    raw = read_source("imd2019_indicators_file8", data_dir)
    renames = {c: FILE8_COLUMNS.get(c, _snake(c)) for c in raw.columns}
    df = raw.rename(columns=renames)
    for col in ("income_numerator", "idaci_numerator", "idaopi_numerator", "employment_numerator"):
        df[col] = df[col].astype("Int64")
    return _check_lsoa_frame(df, "imd2019_indicators_file8")


_SUMMARY_MEASURES = {
    "Average rank": "avg_rank",
    "Rank of average rank": "rank_of_avg_rank",
    "Average score": "avg_score",
    "Rank of average score": "rank_of_avg_score",
    "Proportion of LSOAs in most deprived 10% nationally": "prop_most_deprived_10pc",
    "Rank of proportion of LSOAs in most deprived 10% nationally": "rank_of_prop_most_deprived_10pc",
    "Extent": "extent",
    "Rank of extent": "rank_of_extent",
    "Local concentration": "local_concentration",
    "Rank of local concentration": "rank_of_local_concentration",
    "Scale": "scale",
    "Rank of scale": "rank_of_scale",
}
_SUMMARY_DOMAINS = {
    "IMD": "imd", "IMD 2019": "imd", "Income": "income", "Employment": "employment",
    "Education, Skills and Training": "education", "Education": "education",
    "Health Deprivation and Disability": "health", "Health": "health", "Crime": "crime",
    "Barriers to Housing and Services": "barriers", "Barriers": "barriers",
    "Living Environment": "living_env", "Living": "living_env", "IDACI": "idaci", "IDAOPI": "idaopi",
}


def _summary_name(header: str) -> str:
    """'IMD - Average score' -> 'imd_avg_score'; 'Rank of Income Scale' -> 'income_rank_of_scale'."""
    if header == "Local Authority District code (2019)":
        return "lad19cd"
    if header == "Local Authority District name (2019)":
        return "lad19nm"
    scale = re.fullmatch(r"(Rank of )?(Income|Employment) [Ss]cale", header)
    if scale:
        return f"{scale.group(2).lower()}_{'rank_of_' if scale.group(1) else ''}scale"
    if " - " not in header:
        return _snake(header)
    domain, measure = (part.strip() for part in header.split(" - ", 1))
    d = _SUMMARY_DOMAINS.get(domain, _snake(domain))
    m = _SUMMARY_MEASURES.get(measure[:1].upper() + measure[1:])
    return f"{d}_{m or _snake(measure)}"


def imd2019_lad_summaries(data_dir: Path | None = None) -> pd.DataFrame:
    """File 10 lower-tier LA summaries (317 LADs 2019), one row per LAD.

    Columns: lad19cd, lad19nm and ``<domain>_<measure>`` for domain in imd, income, employment,
    education, health, crime, barriers, living_env, idaci, idaopi and measure in avg_rank,
    rank_of_avg_rank, avg_score, rank_of_avg_score, prop_most_deprived_10pc,
    rank_of_prop_most_deprived_10pc (IMD also extent, local_concentration and their ranks; income and
    employment also scale, rank_of_scale). MHCLG's "average rank" uses reversed LSOA ranks (higher
    = more deprived); "rank of ..." ranks the 317 LADs, 1 = most deprived.
    """
    raw = read_source("imd2019_lad_summaries", data_dir)
    df = raw.rename(columns={c: _summary_name(c) for c in raw.columns})
    if df["lad19cd"].duplicated().any():
        raise DataError("imd2019_lad_summaries: a LAD code appears more than once")
    return df
