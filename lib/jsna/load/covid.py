"""Covid-19 loaders (issue 5): UKHSA dashboard cases and deaths, ONS deaths by MSOA,
NHS England vaccinations and NIMS populations, LTLA deprivation and ethnic composition.

Every loader reads a catalogued file (data/catalogue/covid.yaml) through
:func:`jsna.load.read_source` and returns a tidy frame with short snake_case columns.
Structural problems (duplicated keys, non-ISO dates, a negative population) raise
:class:`DataError` naming the file and column. Problems the report can live with (a
negative daily count after a revision, a suppressed MSOA week, a vaccination count above
its NIMS denominator) are kept and flagged by the compute functions in :mod:`jsna.topics.covid_impact.compute`.

Several files cover Leicester, Leicestershire and Rutland (LLR) only; the England and
all-LTLA files cover every English Place. :data:`LLR_ONLY` names the LLR-only sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jsna.catalogue import get_source
from jsna.load import DataError, read_source
from jsna.places import ENGLAND_CODE

#: Sources filtered to the nine LLR lower-tier authorities (not available for other Places).
LLR_ONLY = (
    "covid_ltla_cases_daily",
    "covid_utla_cases_deaths_daily",
    "covid_msoa_cases_weekly_2020",
    "covid_ons_msoa_deaths_2020",
    "covid_vacc_msoa_2021_03",
    "covid_vacc_msoa_2021_07",
    "covid_vacc_ltla_2021_07",
    "covid_nims_ltla",
    "covid_nims_msoa",
    "covid_msoa_lookup",
)

#: Age bands of the July 2021 NHS England vaccination files (left) and NIMS (right).
VACC_BANDS = ("Under 25", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
              "60-64", "65-69", "70-74", "75-79", "80+")
NIMS_BANDS = ("Under 16", "16-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
              "55-59", "60-64", "65-69", "70-74", "75-79", "80+")


def _where(source_id: str, data_dir: Path | None) -> str:
    return str(get_source(source_id).raw_path(data_dir))


def _unique(df: pd.DataFrame, keys: list[str], where: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        first = df.loc[dup, keys].iloc[0].to_dict()
        raise DataError(
            f"{where}: {int(dup.sum())} rows share the same {', '.join(keys)} (e.g. {first}). "
            "Each key must appear once: check the file is the catalogued release."
        )


def _non_negative(df: pd.DataFrame, cols: list[str], where: str) -> None:
    for c in cols:
        bad = df[c].notna() & (df[c] < 0)
        if bad.any():
            raise DataError(f"{where}: column {c!r} has {int(bad.sum())} negative value(s), "
                            f"e.g. {df.loc[bad, c].iloc[0]}; a population or total cannot be negative.")


def _band_key(label: str) -> str:
    """'Under 25' -> 'under_25', '25-29' -> '25_29', '80+' -> '80_plus', '16+' -> '16_plus'."""
    s = label.strip().lower().replace("+", "_plus").replace("-", "_").replace(" ", "_")
    return re.sub(r"_+", "_", s)


# --------------------------------------------------------------------------- geography


def msoa_lookup(data_dir: Path | None = None) -> pd.DataFrame:
    """LLR MSOA (2011) -> LTLA -> UTLA lookup: msoa11cd, msoa11nm, lad19cd, lad19nm, utla19cd, utla19nm."""
    sid = "covid_msoa_lookup"
    df = read_source(sid, data_dir).rename(columns={
        "msoa11_cd": "msoa11cd", "msoa11_hclnm": "msoa11nm", "lad19_cd": "lad19cd",
        "lad19_nm": "lad19nm", "utla19_cd": "utla19cd", "utla19_nm": "utla19nm"})
    _unique(df, ["msoa11cd"], _where(sid, data_dir))
    return df[["msoa11cd", "msoa11nm", "lad19cd", "lad19nm", "utla19cd", "utla19nm"]]


def msoa_population_2019(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS mid-2019 MSOA populations (all ages, 16+), as carried in the NHS England March 2021 file.

    These are the denominators ONS-based MSOA death rates were computed with (Deaths / population
    x 100,000 reproduces `DeathRate` of the ONS MSOA deaths file exactly).
    Columns: msoa11cd, population, population_16_plus.
    """
    sid = "covid_vacc_msoa_2021_03"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["MSOA"], where)
    _non_negative(raw, ["ONS_00_16", "ONS_16_99"], where)
    return pd.DataFrame({
        "msoa11cd": raw["MSOA"],
        "population": raw["ONS_00_16"] + raw["ONS_16_99"],
        "population_16_plus": raw["ONS_16_99"],
    })


# --------------------------------------------------------------------------- deaths


def msoa_deaths_2020(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS deaths involving COVID-19 by MSOA of residence, 1 March - 31 December 2020 (LLR).

    Columns: msoa11cd, deaths, crude_rate (per 100,000, ONS mid-2019 population, not
    age-standardised), imd_score (IMD 2019 average score aggregated to MSOA; higher = more
    deprived), imd_extent, imd_proportion (share of LSOAs in England's most deprived 10%).
    """
    sid = "covid_ons_msoa_deaths_2020"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["MSOA11CD"], where)
    if raw["Deaths"].isna().any():
        raise DataError(f"{where}: column 'Deaths' has missing values for "
                        f"{list(raw.loc[raw['Deaths'].isna(), 'MSOA11CD'][:3])}; the ONS file has none.")
    _non_negative(raw, ["Deaths", "DeathRate"], where)
    return pd.DataFrame({
        "msoa11cd": raw["MSOA11CD"],
        "deaths": raw["Deaths"].astype("int64"),
        "crude_rate": raw["DeathRate"],
        "imd_score": raw["Score"],
        "imd_extent": raw["Extent"],
        "imd_proportion": raw["Proportion"],
    })


def ltla_deathrate_imd(data_dir: Path | None = None) -> pd.DataFrame:
    """All English LTLAs: cumulative death rate (within 28 days of a positive test, by publish date,
    crude per 100,000, ~18 Feb 2021) and IMD 2019 average score.

    Columns: lad19cd, region, death_rate, imd_score, imd_extent, imd_proportion.
    """
    sid = "covid_ltla_cumdeathrate_imd_england"
    raw = read_source(sid, data_dir)
    _unique(raw, ["LAD19CD"], _where(sid, data_dir))
    return pd.DataFrame({
        "lad19cd": raw["LAD19CD"], "region": raw["RGN19NM"], "death_rate": raw["DeathRate"],
        "imd_score": raw["Score"], "imd_extent": raw["Extent"], "imd_proportion": raw["Proportion"],
    })


def ons_deprivation_headlines(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS headline figures (most vs least deprived areas of England etc.), as transcribed.

    Columns: period_start, period_end, area_code, area_name, measure, group, value, unit,
    source_type, source_url.
    """
    return read_source("covid_ons_deprivation_headlines", data_dir)


# --------------------------------------------------------------------------- cases


def ltla_cases_daily(data_dir: Path | None = None) -> pd.DataFrame:
    """Daily cases by specimen date for the LLR LTLAs, as published (zero days absent).

    Columns: area_code, area_name, date, cases, population (ONS mid-2019).
    Use :func:`jsna.topics.covid_impact.compute.complete_daily` to reindex to a full calendar.
    """
    sid = "covid_ltla_cases_daily"
    raw = read_source(sid, data_dir)
    df = pd.DataFrame({"area_code": raw["code"], "area_name": raw["name"], "date": raw["date"],
                       "cases": raw["count"], "population": raw["population"]})
    where = _where(sid, data_dir)
    _unique(df, ["area_code", "date"], where)
    _non_negative(df, ["population"], where)
    return df.sort_values(["area_code", "date"], ignore_index=True)


def england_daily(data_dir: Path | None = None) -> pd.DataFrame:
    """England daily cases by specimen date and deaths within 28 days by date of death.

    Columns: area_code, area_name, date, cases, deaths (NA where not reported).
    """
    sid = "covid_england_daily"
    raw = read_source(sid, data_dir)
    raw = raw[raw["areaCode"] == ENGLAND_CODE]
    where = _where(sid, data_dir)
    if raw.empty:
        raise DataError(f"{where}: no rows for England ({ENGLAND_CODE}) in column 'areaCode'.")
    df = pd.DataFrame({"area_code": raw["areaCode"], "area_name": raw["areaName"], "date": raw["date"],
                       "cases": raw["newCasesBySpecimenDate"],
                       "deaths": raw["newDeaths28DaysByDeathDate"]})
    _unique(df, ["date"], where)
    return df.sort_values("date", ignore_index=True)


def utla_cases_deaths_daily(data_dir: Path | None = None) -> pd.DataFrame:
    """LLR upper-tier daily cases and deaths within 28 days of a positive test, to 21 June 2021.

    Columns: area_code, area_name, date, cases, deaths. Blank deaths are days with none reported.
    """
    sid = "covid_utla_cases_deaths_daily"
    raw = read_source(sid, data_dir)
    df = pd.DataFrame({"area_code": raw["areaCode"], "area_name": raw["areaName"], "date": raw["date"],
                       "cases": raw["newCasesBySpecimenDate"],
                       "deaths": raw["newDeaths28DaysByDeathDate"]})
    _unique(df, ["area_code", "date"], _where(sid, data_dir))
    return df.sort_values(["area_code", "date"], ignore_index=True)


def msoa_cases_weekly_2020(data_dir: Path | None = None) -> pd.DataFrame:
    """Weekly (7-day block) cases by MSOA for LLR, weeks ending 21 March - 28 November 2020.

    Columns: msoa11cd, msoa11nm, week_ending, cases (NA = suppressed, 0-2 cases),
    rate (per 100,000, NA when suppressed), suppressed (bool).
    """
    sid = "covid_msoa_cases_weekly_2020"
    raw = read_source(sid, data_dir)
    df = pd.DataFrame({
        "msoa11cd": raw["areaCode"], "msoa11nm": raw["areaName"], "week_ending": raw["date"],
        "cases": raw["newCasesBySpecimenDateRollingSum"].astype("Int64"),
        "rate": raw["newCasesBySpecimenDateRollingRate"],
    })
    df["suppressed"] = df["cases"].isna()
    where = _where(sid, data_dir)
    _unique(df, ["msoa11cd", "week_ending"], where)
    _non_negative(df, ["cases"], where)
    return df.sort_values(["msoa11cd", "week_ending"], ignore_index=True)


# --------------------------------------------------------------------------- vaccinations


def _wide_doses(raw: pd.DataFrame, area_col: str, where: str) -> pd.DataFrame:
    rows = []
    for dose, prefix in ((1, "1st dose "), (2, "2nd dose ")):
        for band in VACC_BANDS:
            col = prefix + band
            if col not in raw.columns:
                raise DataError(f"{where}: missing column {col!r}")
            rows.append(pd.DataFrame({"area_code": raw[area_col], "dose": dose,
                                      "age_band": _band_key(band), "vaccinated": raw[col]}))
    out = pd.concat(rows, ignore_index=True)
    _non_negative(out, ["vaccinated"], where)
    return out


def vaccinations_msoa_2021_07(data_dir: Path | None = None) -> pd.DataFrame:
    """People vaccinated (first, second dose) by MSOA and age band to 11 July 2021, long format.

    Columns: msoa11cd, msoa11nm, lad19cd, dose (1|2), age_band (under_25, 25_29, ... 80_plus),
    vaccinated (Int64; NA where the packaged file has an error value - see the catalogue notes).
    """
    sid = "covid_vacc_msoa_2021_07"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["MSOA Code"], where)
    long = _wide_doses(raw, "MSOA Code", where).rename(columns={"area_code": "msoa11cd"})
    names = raw[["MSOA Code", "MSOA Name", "LTLA Code"]].set_axis(["msoa11cd", "msoa11nm", "lad19cd"], axis=1)
    return names.merge(long, on="msoa11cd", how="right")


def vaccinations_ltla_2021_07(data_dir: Path | None = None) -> pd.DataFrame:
    """People vaccinated by LTLA and age band to 11 July 2021 (long): lad19cd, lad19nm, dose, age_band, vaccinated."""
    sid = "covid_vacc_ltla_2021_07"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["LTLA Code"], where)
    long = _wide_doses(raw, "LTLA Code", where).rename(columns={"area_code": "lad19cd"})
    names = raw[["LTLA Code", "LTLA Name"]].set_axis(["lad19cd", "lad19nm"], axis=1)
    return names.merge(long, on="lad19cd", how="right")


def _nims(raw: pd.DataFrame, code_col: str, where: str) -> pd.DataFrame:
    _unique(raw, [code_col], where)
    bands = [*NIMS_BANDS, "16+"]
    _non_negative(raw, list(bands), where)
    out = raw[[code_col, *bands]].rename(columns={b: _band_key(b) for b in bands})
    return out.rename(columns={code_col: "area_code"})


def nims_msoa(data_dir: Path | None = None) -> pd.DataFrame:
    """NIMS population by MSOA, wide: msoa11cd, under_16, 16_24, 25_29, ..., 80_plus, 16_plus."""
    sid = "covid_nims_msoa"
    return _nims(read_source(sid, data_dir), "MSOA Code", _where(sid, data_dir)).rename(
        columns={"area_code": "msoa11cd"})


def nims_ltla(data_dir: Path | None = None) -> pd.DataFrame:
    """NIMS population by LTLA, wide: lad19cd, under_16, ..., 80_plus, 16_plus."""
    sid = "covid_nims_ltla"
    return _nims(read_source(sid, data_dir), "LTLA Code", _where(sid, data_dir)).rename(
        columns={"area_code": "lad19cd"})


def vaccinations_msoa_2021_03(data_dir: Path | None = None) -> pd.DataFrame:
    """First doses by MSOA and age band to 28 Feb 2021 with the release's own denominators (long).

    Columns: msoa11cd, msoa11nm, age_band (16_64, 65_69, 70_74, 75_79, 80_plus, 16_plus),
    vaccinated, population (the release's NIMS-based denominator, `P_*`), population_ons (ONS mid-2019).
    """
    sid = "covid_vacc_msoa_2021_03"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["MSOA"], where)
    rows = []
    for suffix, band in (("16_64", "16_64"), ("65_69", "65_69"), ("70_74", "70_74"),
                         ("75_79", "75_79"), ("80_99", "80_plus"), ("16_99", "16_plus")):
        rows.append(pd.DataFrame({
            "msoa11cd": raw["MSOA"], "msoa11nm": raw["MSOAn"], "age_band": band,
            "vaccinated": raw[f"V_{suffix}"], "population": raw[f"P_{suffix}"],
            "population_ons": raw[f"ONS_{suffix}"]}))
    out = pd.concat(rows, ignore_index=True)
    _non_negative(out, ["vaccinated", "population", "population_ons"], where)
    return out


def ltla_ethnicity(data_dir: Path | None = None) -> pd.DataFrame:
    """English LTLAs (2020 codes): Census 2011 ethnic composition (proportions 0-1) and IMD 2019.

    Columns: lad20cd, black_prop, south_asian_prop, other_minority_prop, minority_prop (all
    ethnic groups other than White), imd_score, imd_quintile (5 = most deprived, as packaged),
    rural_urban.
    """
    sid = "covid_ltla_ethnicity_imd"
    raw = read_source(sid, data_dir)
    _unique(raw, ["lad20cd"], _where(sid, data_dir))
    return pd.DataFrame({
        "lad20cd": raw["lad20cd"], "black_prop": raw["Black_prop"],
        "south_asian_prop": raw["South_Asian_prop"], "other_minority_prop": raw["Other_BAME_prop"],
        "minority_prop": raw["BAME"], "imd_score": raw["IMD"], "imd_quintile": raw["IMD_quint"],
        "rural_urban": raw["rural_urban"],
    })
