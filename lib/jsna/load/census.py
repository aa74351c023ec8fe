"""ONS Census 2021 loaders: usual residents by ethnic group and by age (local authority districts,
2021 codes) and usual residents by LSOA 2021.

Census counts are disclosure-controlled (record swapping, small perturbations): the same area's
total differs by a few persons between tables, which is expected, not an error. District codes are
the 2021 (= 2022) LAD codes: the Cumbria, North Yorkshire and Somerset districts abolished in April
2023 are still separate; :func:`jsna.load.imd2025.lsoa21_lad24_lookup` bridges them to 2024 LADs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jsna.catalogue import get_source
from jsna.load import (
    DataError,
    cached_loader,
    cached_parquet,
    cached_parquet_of,
    read_source,
    register_parquet,
)

__all__ = ["WHITE_BRITISH", "AGE_BANDS_5YR", "ETHNIC_GROUP_NAMES", "ethnic_group_ltla", "age_ltla", "usual_residents_lsoa", "age_lsoa",
           "age_msoa11"]

#: the 19-category label of the White British group (everyone else is an ethnic minority in the
#: GOV.UK "Ethnicity facts and figures" sense, which includes White minorities)
WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
_N_GROUPS = 19
_MEASURE = re.compile(r"^(?P<group>.*\S)\s+\((?P<measure>number|percent)\)$")


def _where(source_id: str, data_dir: Path | None) -> str:
    return str(get_source(source_id).raw_path(data_dir))


@cached_loader("census2021_ethnic_group_ltla21")
def ethnic_group_ltla(data_dir: Path | None = None) -> pd.DataFrame:
    """Census 2021 ethnic group (19 categories) for every LTLA (2021) of England and Wales.

    One row per district and group: ltla21cd, ltla21nm, broad_group (e.g. "Asian, Asian British or
    Asian Welsh"), ethnic_group (the full 19-category label), persons (int) and percent (the published
    share of usual residents, 1 dp).
    """
    sid = "census2021_ethnic_group_ltla21"
    where = _where(sid, data_dir)
    raw = read_source(sid, data_dir)
    parts = raw["ethnic_group"].str.extract(_MEASURE)
    bad = parts["group"].isna()
    if bad.any():
        raise DataError(f"{where}: column 'ethnic_group' has a label without '(number)' or '(percent)': "
                        f"{raw.loc[bad, 'ethnic_group'].iloc[0]!r}")
    df = raw.assign(ethnic_group=parts["group"].str.replace(r"\s+", " ", regex=True), measure=parts["measure"])
    wide = df.pivot_table(index=["ltla21_code", "ltla21_name", "ethnic_group"], columns="measure",
                          values="value", aggfunc="first").reset_index()
    wide.columns.name = None
    if set(wide.columns) != {"ltla21_code", "ltla21_name", "ethnic_group", "number", "percent"} or \
            wide[["number", "percent"]].isna().any().any():
        raise DataError(f"{where}: column 'value': every district and group needs both a (number) and a "
                        "(percent) row")
    counts = wide.groupby("ltla21_code")["ethnic_group"].nunique()
    if (counts != _N_GROUPS).any():
        raise DataError(f"{where}: column 'ethnic_group': district {counts[counts != _N_GROUPS].index[0]!r} "
                        f"has {int(counts[counts != _N_GROUPS].iloc[0])} groups, expected {_N_GROUPS}")
    num = wide["number"]
    if ((num < 0) | (num.round() != num)).any():
        raise DataError(f"{where}: column 'value': a (number) row is not a whole, non-negative count")
    out = pd.DataFrame({
        "ltla21cd": wide["ltla21_code"],
        "ltla21nm": wide["ltla21_name"],
        "broad_group": wide["ethnic_group"].str.split(":").str[0].str.strip(),
        "ethnic_group": wide["ethnic_group"],
        "persons": num.astype("int64"),
        "percent": wide["percent"].astype("float64"),
    })
    return out.sort_values(["ltla21cd", "ethnic_group"]).reset_index(drop=True)


_AGE_COLUMN = re.compile(r"^Age: Aged (?:(?P<age>\d+) years?|(?P<under>under 1 year)|"
                         r"(?P<top>100) years and over); measures: Value$")


def age_ltla(data_dir: Path | None = None) -> pd.DataFrame:
    """Census 2021 TS007 usual residents by single year of age for every LTLA (2021), England and Wales.

    One row per district: ltla21cd, ltla21nm, total and age_0 ... age_99, age_100_plus (persons).
    The single years are checked to sum to the published total.
    """
    sid = "census2021_age_ltla21"
    where = _where(sid, data_dir)
    raw = read_source(sid, data_dir)
    ages: dict[str, str] = {}
    for col in raw.columns:
        m = _AGE_COLUMN.match(col)
        if m:
            key = "age_0" if m["under"] else ("age_100_plus" if m["top"] else f"age_{int(m['age'])}")
            ages[col] = key
    expected = {f"age_{i}" for i in range(100)} | {"age_100_plus"}
    if set(ages.values()) != expected:
        missing = sorted(expected - set(ages.values()))
        raise DataError(f"{where}: single-year age column(s) missing, e.g. {missing[:3]}")
    out = raw[["geography code", "geography", "Age: Total; measures: Value", *ages]].rename(
        columns={"geography code": "ltla21cd", "geography": "ltla21nm",
                 "Age: Total; measures: Value": "total", **ages})
    if out["ltla21cd"].duplicated().any():
        raise DataError(f"{where}: column 'geography code': {out.loc[out['ltla21cd'].duplicated(), 'ltla21cd'].iloc[0]!r}"
                        " appears more than once")
    single = out[sorted(expected, key=lambda c: (len(c), c))].sum(axis=1)
    off = single != out["total"]
    if off.any():
        raise DataError(f"{where}: column 'Age: Total; measures: Value': single years do not sum to the total "
                        f"for {out.loc[off, 'ltla21cd'].iloc[0]!r}")
    cols = ["ltla21cd", "ltla21nm", "total", *[f"age_{i}" for i in range(100)], "age_100_plus"]
    return out[cols].sort_values("ltla21cd").reset_index(drop=True)


_TS021_GROUPS = {
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Mixed or Multiple ethnic groups": "mixed",
    "White": "white",
    "Other ethnic group": "other",
}


#: the five TS021 columns of :func:`usual_residents_lsoa` -> the group's name for readers
ETHNIC_GROUP_NAMES = {v: k for k, v in _TS021_GROUPS.items()}


@register_parquet("census2021_ethnic_group_lsoa21")
def usual_residents_lsoa(data_dir: Path | None = None, england_only: bool = True) -> pd.DataFrame:
    """Census 2021 usual residents per LSOA 2021 (TS021): lsoa21cd, lsoa21nm, residents and the five
    high-level ethnic groups (asian, black, mixed, white, other), which sum to residents.

    33,755 English LSOAs (35,672 with Wales when ``england_only`` is False); Nomis's header block and
    footer note are dropped. Cached as parquet.
    """
    out = cached_parquet("census2021_ethnic_group_lsoa21", lambda: _build_residents_lsoa(data_dir), data_dir,
                         name="tidy", version="1")
    if england_only:
        out = out[out["lsoa21cd"].str.startswith("E")].reset_index(drop=True)
    return out


def _nomis_lsoa_table(sid: str, data_dir: Path | None, total_label: str, total_col: str,
                      bands: dict[str, str], what: str) -> pd.DataFrame:
    """A Nomis Census 2021 table by LSOA 2021 (E/W01 rows): lsoa21cd, lsoa21nm, ``total_col`` and the
    ``bands`` (column label -> name), checked complete, one row per LSOA, the bands summing to the total
    (``what`` names the bands in the error), as int64, sorted by lsoa21cd."""
    where = _where(sid, data_dir)
    raw = read_source(sid, data_dir)
    raw = raw[raw["mnemonic"].str.match(r"^[EW]01\d{6}$", na=False)]
    out = raw.rename(columns={"mnemonic": "lsoa21cd", "2021 super output area - lower layer": "lsoa21nm",
                              total_label: total_col, **bands})
    cols = list(bands.values())
    out = out[["lsoa21cd", "lsoa21nm", total_col, *cols]]
    if out[[total_col, *cols]].isna().any().any():
        raise DataError(f"{where}: an LSOA row has a missing count")
    if out["lsoa21cd"].duplicated().any():
        raise DataError(f"{where}: column 'mnemonic': {out.loc[out['lsoa21cd'].duplicated(), 'lsoa21cd'].iloc[0]!r}"
                        " appears more than once")
    off = out[cols].sum(axis=1) != out[total_col]
    if off.any():
        raise DataError(f"{where}: column {total_label!r}: {what} do not sum to the total "
                        f"for {out.loc[off, 'lsoa21cd'].iloc[0]!r}")
    out = out.astype({c: "int64" for c in [total_col, *cols]})
    return out.sort_values("lsoa21cd").reset_index(drop=True)


def _build_residents_lsoa(data_dir: Path | None) -> pd.DataFrame:
    return _nomis_lsoa_table("census2021_ethnic_group_lsoa21", data_dir, "Total: All usual residents", "residents",
                             _TS021_GROUPS, "the five groups")


#: the 18 bands of TS007A (persons): column label -> key (``age_0_4`` ... ``age_85_plus``)
AGE_BANDS_5YR: dict[str, str] = {
    "Aged 4 years and under": "age_0_4",
    **{f"Aged {a} to {a + 4} years": f"age_{a}_{a + 4}" for a in range(5, 85, 5)},
    "Aged 85 years and over": "age_85_plus",
}


def _build_age_lsoa(data_dir: Path | None) -> pd.DataFrame:
    return _nomis_lsoa_table("census2021_ts007a_age_5yr_lsoa21", data_dir, "Total", "total", AGE_BANDS_5YR,
                             "the 18 age bands")


@register_parquet("census2021_ts007a_age_5yr_lsoa21")
def age_lsoa(data_dir: Path | None = None, england_only: bool = True) -> pd.DataFrame:
    """Census 2021 TS007A usual residents by five-year age band per LSOA 2021 (persons; no sex split):
    lsoa21cd, lsoa21nm, total, age_0_4, age_5_9, ..., age_80_84, age_85_plus (the bands sum to total).
    33,755 English LSOAs (35,672 with Wales when ``england_only`` is False). Cached as parquet."""
    out = cached_parquet("census2021_ts007a_age_5yr_lsoa21", lambda: _build_age_lsoa(data_dir), data_dir,
                         name="tidy", version="1")
    if england_only:
        out = out[out["lsoa21cd"].str.startswith("E")].reset_index(drop=True)
    return out


_AGE_MSOA_SOURCES = ("census2021_ts007a_age_5yr_lsoa21", "ons_lsoa11_lsoa21_lad22", "lookup_lsoa11_ew")


def lsoa21_to_msoa11(bridge: pd.DataFrame, lookup: pd.DataFrame) -> pd.DataFrame:
    """Weights sending each LSOA 2021 to the 2011 MSOA(s) it was made from: lsoa21cd, msoa11cd, weight.

    ``bridge``: the ONS LSOA 2011 -> 2021 lookup (lsoa11_code, lsoa21_code); ``lookup``: LSOA 2011 ->
    MSOA 2011 (lsoa11cd, msoa11cd). An LSOA 2021 made from LSOAs of one 2011 MSOA (unchanged, split or
    merged within it) has weight 1; one that straddles k MSOAs (a few irregular changes, 3 in England)
    is divided equally, 1/k to each. The weights of every LSOA 2021 sum to 1."""
    d = bridge[["lsoa11_code", "lsoa21_code"]].merge(lookup[["lsoa11cd", "msoa11cd"]], left_on="lsoa11_code",
                                                     right_on="lsoa11cd", how="inner")
    pairs = d[["lsoa21_code", "msoa11cd"]].drop_duplicates()
    k = pairs.groupby("lsoa21_code")["msoa11cd"].transform("size")
    return pd.DataFrame({"lsoa21cd": pairs["lsoa21_code"], "msoa11cd": pairs["msoa11cd"],
                         "weight": 1.0 / k}).reset_index(drop=True)


def age_msoa11(data_dir: Path | None = None) -> pd.DataFrame:
    """Census 2021 age bands (TS007A) summed to the 2011 MSOAs of England through the ONS LSOA 2011 ->
    2021 lookup (:func:`lsoa21_to_msoa11`), so that a 2021 age structure can be set beside data
    published on 2011 MSOAs (IoD2019 fifths, Covid-19 2020). Columns: msoa11cd, total, age_0_4, ...,
    age_85_plus (persons; fractional only where an LSOA 2021 straddles two MSOAs). Cached as parquet."""
    def build() -> pd.DataFrame:
        from jsna.load.geography import lsoa_lookup

        bridge = read_source("ons_lsoa11_lsoa21_lad22", data_dir)
        w = lsoa21_to_msoa11(bridge, lsoa_lookup(data_dir))
        age = age_lsoa(data_dir)
        cols = ["total", *AGE_BANDS_5YR.values()]
        missing = sorted(set(age["lsoa21cd"]) - set(w["lsoa21cd"]))
        if missing:
            raise DataError(f"ons_lsoa11_lsoa21_lad22: {len(missing)} English LSOA(s) 2021 of the Census age "
                            f"table have no 2011 parent, e.g. {missing[:3]}")
        d = age.merge(w, on="lsoa21cd", how="inner")
        d[cols] = d[cols].mul(d["weight"], axis=0)
        return d.groupby("msoa11cd", as_index=False)[cols].sum()

    return cached_parquet_of(_AGE_MSOA_SOURCES, build, "census2021_age_msoa11", data_dir, version="1")
