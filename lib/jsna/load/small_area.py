"""Small-area (MSOA 2011) life expectancy loaders: OHID Local Health LE at birth 2015-19 (MSOAs and councils),
ONS HLE and DFLE 2009-13.

Each loader returns a tidy frame with short snake_case names, one row per area and sex:
``msoa11cd`` (or ``area_code``), name, ``sex`` ("Male", "Female"), ``value`` (years), ``lowercl``,
``uppercl`` (95% limits, where published: the Local Health tables have none) and ``period``. Values the
publisher left blank or suppressed stay NA; nothing is filled or recomputed here.

The REQ3292 MSOA table of 2016-20 (catalogue ``le_birth_msoa_2016_20_*``) has no loader: it runs 2-4 years above
the published values (issue 23) and no report reads it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.load import DataError, read_source
from jsna.places import ENGLAND_CODE

_SEX = {"Males": "Male", "Male": "Male", "Females": "Female", "Female": "Female",
        "Persons": "Persons"}
HLE_PERIOD = "2009-13"
MEASURES = ("hle", "dfle")


def _sex(s: pd.Series, where: str) -> pd.Series:
    out = s.map(_SEX)
    bad = s[out.isna()]
    if not bad.empty:
        raise DataError(f"{where}: column 'Sex' has unexpected value(s) {sorted(set(bad.astype(str)))}; "
                        f"expected one of {sorted(_SEX)}")
    return out.astype("string")


def _check_unique(df: pd.DataFrame, keys: list[str], where: str) -> None:
    dup = df.duplicated(keys)
    if dup.any():
        first = df.loc[dup, keys].iloc[0].tolist()
        raise DataError(f"{where}: duplicated rows for {dict(zip(keys, first, strict=True))}; "
                        "each area must appear once per sex")


def _measure(measure: str) -> str:
    m = measure.lower()
    if m not in MEASURES:
        raise ValueError(f"measure {measure!r} is not valid; use one of {MEASURES}")
    return m


def hle_msoa(measure: str = "hle", data_dir: Path | None = None) -> pd.DataFrame:
    """Healthy ('hle') or disability-free ('dfle') life expectancy at birth by MSOA and sex, 2009-13.

    Columns: msoa11cd, msoa11nm, sex, value, lowercl, uppercl, le, measure, period.
    """
    m = _measure(measure)
    sid = f"ons_{m}_msoa_2009_13_llr"
    up = m.upper()
    raw = read_source(sid, data_dir)
    out = pd.DataFrame({
        "msoa11cd": raw["MSOA Codes"],
        "msoa11nm": raw["MSOA Names"],
        "sex": _sex(raw["Sex"], sid),
        "value": raw[f"{up} (years)"],
        "lowercl": raw[f"{up} Lower 95 % confidence interval"],
        "uppercl": raw[f"{up} Upper 95 % confidence interval"],
        "le": raw["LE (Years)"],
    })
    out["measure"] = m
    out["period"] = HLE_PERIOD
    _check_unique(out, ["msoa11cd", "sex"], sid)
    return out.reset_index(drop=True)


def hle_utla(measure: str = "hle", data_dir: Path | None = None) -> pd.DataFrame:
    """HLE or DFLE benchmarks, 2009-13: LLR upper-tier LAs, East Midlands and England, by sex.

    Columns: area_code (England gets E92000001; the region row keeps NA), area_name, sex, value,
    lowercl, uppercl, measure, period.
    """
    m = _measure(measure)
    sid = f"ons_{m}_utla_2009_13"
    up = m.upper()
    raw = read_source(sid, data_dir)
    name_col = "UTLA Name" if "UTLA Name" in raw.columns else "UTLA Names"
    if name_col not in raw.columns:
        raise DataError(f"{sid}: no 'UTLA Name(s)' column; columns present: {list(raw.columns)}")
    code = raw["UTLA Codes"].astype("string")
    name = raw[name_col].astype("string").str.strip()
    code = code.mask(code.isna() & (name == "England"), ENGLAND_CODE)
    out = pd.DataFrame({
        "area_code": code,
        "area_name": name,
        "sex": _sex(raw["Sex"], sid),
        "value": raw[f"{up} (years)"],
        "lowercl": raw[f"{up} Lower 95 % confidence interval"],
        "uppercl": raw[f"{up} Upper 95 % confidence interval"],
    })
    out["measure"] = m
    out["period"] = HLE_PERIOD
    return out.reset_index(drop=True)


LOCAL_HEALTH_PERIOD = "2015-19"
_LH_COLUMNS = {"Male": "Life expectancy at birth for males", "Female": "Life expectancy at birth for females"}


def _local_health_long(raw: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    parts = [pd.DataFrame({**{k: raw[c] for k, c in keys.items()}, "sex": sex, "value": raw[col]})
             for sex, col in _LH_COLUMNS.items()]
    out = pd.concat(parts, ignore_index=True)
    out["sex"] = out["sex"].astype("string")
    out["period"] = LOCAL_HEALTH_PERIOD
    return out


def le_localhealth_msoa(data_dir: Path | None = None) -> pd.DataFrame:
    """OHID Local Health life expectancy at birth by MSOA (2011) and sex, 2015-19, every English MSOA.

    Columns: msoa11cd, msoa11nm, sex ("Male", "Female"), value (years; NA where suppressed), period. The
    publisher gives no confidence intervals, deaths or populations: a level, never a tested difference.
    """
    raw = read_source("ohid_localhealth_le_msoa_2015_19", data_dir)
    return _local_health_long(raw, {"msoa11cd": "Code", "msoa11nm": "Label"})


def le_localhealth_la(data_dir: Path | None = None) -> pd.DataFrame:
    """OHID Local Health life expectancy at birth by council (2021 geography) and sex, 2015-19: the published
    values a Place's MSOAs are checked against. Columns: area_code, area_name, area_type ("UTLA (2021)",
    "LTLA (2021)"), sex, value, period."""
    raw = read_source("ohid_localhealth_le_la_2015_19", data_dir)
    return _local_health_long(raw, {"area_code": "Code", "area_name": "Label", "area_type": "area_type"})
