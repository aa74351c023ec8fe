"""Geography lookups (ONS; House of Commons Library MSOA names).

LSOA 2011 -> MSOA 2011 -> ward (December 2019, ONS best fit) -> LAD 2019 -> upper-tier LA 2019:
the vintage that matches IoD2019. For IoD2025 and Census 2021: LAD 2024 -> upper-tier LA (April 2023),
LAD 2024 -> region (December 2024) and the 2021 rural-urban classification of LSOAs 2021. Wards do not nest in LSOAs or MSOAs: the LSOA -> ward link
is ONS's best fit (the ward holding the LSOA's population-weighted centroid).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.load import DataError, cached_parquet, read_source, register_parquet

__all__ = ["LOOKUP_COLUMNS", "LOOKUP21_COLUMNS", "lsoa_lookup", "lsoa21_lookup", "lsoa11_lsoa21_lookup",
           "msoa_names", "ltla_utla_lookup", "llr_wards", "ltla23_utla23_lookup", "lad24_regions",
           "lsoa21_rural_urban"]

LOOKUP_COLUMNS = ["lsoa11cd", "lsoa11nm", "msoa11cd", "msoa11nm", "msoa11hclnm", "wd19cd", "wd19nm",
                  "lad19cd", "lad19nm", "utla19cd", "utla19nm"]


def _build_lookup(data_dir: Path | None) -> pd.DataFrame:
    raw = read_source("lookup_lsoa11_ew", data_dir)
    df = raw.rename(columns=str.lower)[LOOKUP_COLUMNS]
    df = df[df["lsoa11cd"].str.startswith("E")].reset_index(drop=True)
    dup = df["lsoa11cd"].duplicated()
    if dup.any():
        raise DataError(f"lookup_lsoa11_ew: LSOA {df.loc[dup, 'lsoa11cd'].iloc[0]!r} appears more than once")
    missing = df[LOOKUP_COLUMNS].isna().any()
    if missing.any():
        raise DataError(f"lookup_lsoa11_ew: missing values in column(s) {list(missing[missing].index)}")
    return df


@register_parquet("lookup_lsoa11_ew")
def lsoa_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """England LSOA 2011 lookup (32,844 rows): lsoa11cd, lsoa11nm, msoa11cd, msoa11nm,
    msoa11hclnm (House of Commons Library name), wd19cd, wd19nm, lad19cd, lad19nm, utla19cd, utla19nm.
    Cached as parquet after the first read."""
    return cached_parquet("lookup_lsoa11_ew", lambda: _build_lookup(data_dir), data_dir,
                          name="england", version="1")


LOOKUP21_COLUMNS = ["lsoa21cd", "lsoa21nm", "msoa21cd", "msoa21nm", "msoa21hclnm", "wd24cd", "wd24nm",
                    "lad24cd", "lad24nm", "utla23cd", "utla23nm", "rgn24cd", "rgn24nm"]


def _build_lookup21(data_dir: Path | None) -> pd.DataFrame:
    sid = "lookup_lsoa21_england"
    raw = read_source(sid, data_dir)
    if raw["LSOA21CD"].duplicated().any():
        raise DataError(f"{sid}: column 'LSOA21CD': {raw.loc[raw['LSOA21CD'].duplicated(), 'LSOA21CD'].iloc[0]!r} "
                        "appears more than once")
    # the district is IoD2025's (IOD25_LAD24CD), which differs from the ONS best fit for one LSOA
    # (E01027305); its upper tier and region are that district's, taken from the rows where the two agree
    agree = raw[raw["LAD24CD"] == raw["IOD25_LAD24CD"]]
    utla = agree.groupby("LAD24CD")[["UTLA23CD", "UTLA23NM", "RGN24CD", "RGN24NM"]].first()
    if agree.groupby("LAD24CD")["UTLA23CD"].nunique().gt(1).any():
        raise DataError(f"{sid}: column 'UTLA23CD': a district lies in two upper-tier authorities")
    df = pd.DataFrame({
        "lsoa21cd": raw["LSOA21CD"], "lsoa21nm": raw["LSOA21NM"], "msoa21cd": raw["MSOA21CD"],
        "msoa21nm": raw["MSOA21NM"], "msoa21hclnm": raw["MSOA21HCLNM_secondary"], "wd24cd": raw["WD24CD"],
        "wd24nm": raw["WD24NM"], "lad24cd": raw["IOD25_LAD24CD"], "lad24nm": raw["IOD25_LAD24NM"],
        "utla23cd": raw["IOD25_LAD24CD"].map(utla["UTLA23CD"]),
        "utla23nm": raw["IOD25_LAD24CD"].map(utla["UTLA23NM"]),
        "rgn24cd": raw["IOD25_LAD24CD"].map(utla["RGN24CD"]), "rgn24nm": raw["IOD25_LAD24CD"].map(utla["RGN24NM"])})
    if df["utla23cd"].isna().any():
        raise DataError(f"{sid}: column 'IOD25_LAD24CD': district {df.loc[df['utla23cd'].isna(), 'lad24cd'].iloc[0]!r} "
                        "has no upper-tier authority")
    return df.sort_values("lsoa21cd").reset_index(drop=True)


@register_parquet("lookup_lsoa21_england")
def lsoa21_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """England LSOA 2021 lookup (33,755 rows): lsoa21cd, lsoa21nm, msoa21cd, msoa21nm, msoa21hclnm (House
    of Commons Library name), wd24cd, wd24nm (ONS best fit), lad24cd, lad24nm (the district of IoD2025,
    File 10 v2), utla23cd, utla23nm (upper tier of April 2023), rgn24cd, rgn24nm (those of the district). The LSOA 2021 analogue
    of :func:`lsoa_lookup`; cached as parquet after the first read."""
    return cached_parquet("lookup_lsoa21_england", lambda: _build_lookup21(data_dir), data_dir, version="1")


#: ONS change codes of the LSOA 2011 -> 2021 lookup
LSOA_CHANGES = {"U": "unchanged", "S": "split", "M": "merged", "X": "redrawn"}


def lsoa11_lsoa21_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS LSOA 2011 -> LSOA 2021 lookup, England rows: lsoa11cd, lsoa11nm, lsoa21cd, lsoa21nm, change
    (U unchanged, S a 2011 LSOA split into several, M several merged into one, X redrawn irregularly:
    :data:`LSOA_CHANGES`), lad22cd. One row per pair, so split and merged LSOAs appear several times.
    Cached as parquet after the first read."""
    return cached_parquet("ons_lsoa11_lsoa21_lad22", lambda: _build_lsoa11_lsoa21(data_dir), data_dir,
                          name="england", version="1")


def _build_lsoa11_lsoa21(data_dir: Path | None) -> pd.DataFrame:
    sid = "ons_lsoa11_lsoa21_lad22"
    raw = read_source(sid, data_dir)
    bad = ~raw["change_code"].isin(list(LSOA_CHANGES))
    if bad.any():
        raise DataError(f"{sid}: column 'change_code' has unknown value {raw.loc[bad, 'change_code'].iloc[0]!r}")
    df = pd.DataFrame({"lsoa11cd": raw["lsoa11_code"], "lsoa11nm": raw["lsoa11_name"], "lsoa21cd": raw["lsoa21_code"],
                       "lsoa21nm": raw["lsoa21_name"], "change": raw["change_code"], "lad22cd": raw["ltla22_code"]})
    df = df[df["lsoa21cd"].str.startswith("E")]
    if df.duplicated(["lsoa11cd", "lsoa21cd"]).any():
        raise DataError(f"{sid}: a pair of LSOA codes appears more than once")
    return df.sort_values(["lsoa21cd", "lsoa11cd"]).reset_index(drop=True)


def msoa_names(data_dir: Path | None = None) -> pd.DataFrame:
    """House of Commons Library MSOA names v1.14 (England and Wales 2011 MSOAs):
    msoa11cd, msoa11nm (ONS), msoa11hclnm (HCL name), msoa11hclnmw (Welsh), laname."""
    raw = read_source("hcl_msoa_names", data_dir)
    df = raw.rename(columns=str.lower)
    return df[["msoa11cd", "msoa11nm", "msoa11hclnm", "msoa11hclnmw", "laname"]]


def ltla_utla_lookup(data_dir: Path | None = None, england_only: bool = True) -> pd.DataFrame:
    """ONS lower-tier -> upper-tier LA lookup (April 2019): lad19cd, lad19nm, utla19cd, utla19nm."""
    raw = read_source("ons_ltla19_utla19", data_dir)
    df = raw.rename(columns={"ltla19_code": "lad19cd", "ltla19_name": "lad19nm",
                             "utla19_code": "utla19cd", "utla19_name": "utla19nm"})
    df = df[["lad19cd", "lad19nm", "utla19cd", "utla19nm"]]
    if england_only:
        df = df[df["lad19cd"].str.startswith("E")]
    return df.sort_values(["utla19cd", "lad19cd"]).reset_index(drop=True)


def llr_wards(data_dir: Path | None = None) -> pd.DataFrame:
    """LLR electoral wards (December 2019): wd19cd, wd19nm, lad19cd, lad19nm, utla19cd, utla19nm,
    n_lsoa11_bestfit (0 for the two wards that receive no best-fit LSOA)."""
    raw = read_source("lookup_ward19_llr", data_dir)
    return raw.rename(columns=str.lower)


def ltla23_utla23_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS lower-tier -> upper-tier LA lookup (April 2023), England: lad24cd, lad24nm, utla23cd, utla23nm.

    296 districts in 153 upper-tier LAs; the LTLA 2023 codes are the LAD 2024 codes of IoD2025."""
    raw = read_source("ons_ltla23_utla23", data_dir)
    df = raw.rename(columns={"ltla23_code": "lad24cd", "ltla23_name": "lad24nm",
                             "utla23_code": "utla23cd", "utla23_name": "utla23nm"})
    df = df[["lad24cd", "lad24nm", "utla23cd", "utla23nm"]]
    if df["lad24cd"].duplicated().any():
        raise DataError("ons_ltla23_utla23: column 'ltla23_code': a district appears more than once")
    return df.sort_values(["utla23cd", "lad24cd"]).reset_index(drop=True)


def lad24_regions(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS LAD -> region lookup (December 2024), England: lad24cd, lad24nm, rgn24cd, rgn24nm (9 regions)."""
    raw = read_source("ons_lad24_region24", data_dir)
    df = raw.rename(columns={"ltla24_code": "lad24cd", "ltla24_name": "lad24nm",
                             "region24_code": "rgn24cd", "region24_name": "rgn24nm"})
    df = df[["lad24cd", "lad24nm", "rgn24cd", "rgn24nm"]]
    if df["lad24cd"].duplicated().any():
        raise DataError("ons_lad24_region24: column 'ltla24_code': a district appears more than once")
    return df.sort_values("lad24cd").reset_index(drop=True)


RUC21_CODES = {"UN1": "Urban", "UF1": "Urban", "RLN1": "Rural", "RLF1": "Rural", "RSN1": "Rural", "RSF1": "Rural"}


def lsoa21_rural_urban(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS Rural Urban Classification 2021 of LSOAs 2021, England: lsoa21cd, ruc21cd, ruc21nm (six
    classes), rural (bool: the RLN1/RLF1/RSN1/RSF1 classes, ONS's two-way "Rural")."""
    raw = read_source("ons_ruc21_lsoa21", data_dir)
    where = "ons_ruc21_lsoa21"
    unknown = ~raw["ruc21_code"].isin(list(RUC21_CODES))
    if unknown.any():
        raise DataError(f"{where}: column 'ruc21_code' has unknown class {raw.loc[unknown, 'ruc21_code'].iloc[0]!r}")
    mismatch = raw["ruc21_code"].map(RUC21_CODES) != raw["ruc"]
    if mismatch.any():
        raise DataError(f"{where}: column 'ruc' disagrees with 'ruc21_code' for {raw.loc[mismatch, 'lsoa21_code'].iloc[0]!r}")
    if raw["lsoa21_code"].duplicated().any():
        raise DataError(f"{where}: column 'lsoa21_code': an LSOA appears more than once")
    df = pd.DataFrame({"lsoa21cd": raw["lsoa21_code"], "ruc21cd": raw["ruc21_code"],
                       "ruc21nm": raw["classification"], "rural": raw["ruc"] == "Rural"})
    return df.sort_values("lsoa21cd").reset_index(drop=True)
