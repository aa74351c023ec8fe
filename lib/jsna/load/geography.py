"""Geography lookups (ONS; House of Commons Library MSOA names).

LSOA 2011 -> MSOA 2011 -> ward (December 2019, ONS best fit) -> LAD 2019 -> upper-tier LA 2019:
the vintage that matches IoD2019. Wards do not nest in LSOAs or MSOAs: the LSOA -> ward link
is ONS's best fit (the ward holding the LSOA's population-weighted centroid).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.load import DataError, cached_parquet, read_source, register_parquet

__all__ = ["LOOKUP_COLUMNS", "lsoa_lookup", "msoa_names", "ltla_utla_lookup", "llr_wards"]

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
