"""Covid-19 loaders (issues 5, 14 and 23): UKHSA dashboard cases and deaths, ONS deaths by MSOA, ONS
age-standardised mortality by deprivation decile and by council, NHS England vaccinations and NIMS populations,
LTLA deprivation and ethnic composition.

Every loader reads a catalogued file (data/catalogue/covid.yaml) through
:func:`jsna.load.read_source` and returns a tidy frame with short snake_case columns.
Structural problems (duplicated keys, non-ISO dates, a negative population) raise
:class:`DataError` naming the file and column. Problems the report can live with (a
negative daily count after a revision, a suppressed MSOA week, a vaccination count above
its NIMS denominator) are kept and flagged by the compute functions in :mod:`jsna.topics.covid_impact.compute`.

Cases, deaths within 28 days and the neighbourhood (MSOA) files cover every English area; the large
ones are parsed once and cached as parquet in data/processed (:func:`jsna.load.cached_parquet`),
so an all-England run reads each CSV once, not once per Place. Their area codes are of April 2019
(districts ``lad19cd``, upper tiers ``utla19cd``, MSOAs of 2011): see :data:`CODE_VINTAGE`.
Vaccination and NIMS files cover Leicester, Leicestershire and Rutland (LLR) only:
:data:`LLR_ONLY` names them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
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
from jsna.places import ENGLAND_CODE

#: Sources filtered to the nine LLR lower-tier authorities (not available for other Places).
LLR_ONLY = (
    "covid_vacc_msoa_2021_03",
    "covid_vacc_msoa_2021_07",
    "covid_vacc_ltla_2021_07",
    "covid_nims_ltla",
    "covid_nims_msoa",
)

#: The ONS code vintage of each all-England file's areas (checked by the real-data tests): the
#: dashboard kept the districts and upper tiers of April 2019 to the end, so councils formed since
#: appear as the areas they were formed from (Buckinghamshire's four districts and its county, the
#: Northamptonshire districts and county, the seven North Yorkshire districts and the county).
CODE_VINTAGE = {
    "covid_ltla_cases_daily_england": 2019,
    "covid_utla_cases_deaths_daily_england": 2019,
    "covid_msoa_cases_weekly_2020_england": 2011,  # MSOA 2011
    "covid_ons_msoa_deaths_2020_england": 2011,
}

#: Authorities the dashboard published inside a neighbour, so that their figures cannot be shown on
#: their own (geography of the source, from its SOURCES.md, not a reliability judgement): the Isles of
#: Scilly inside Cornwall ("Cornwall and Isles of Scilly") and the City of London inside Hackney
#: ("Hackney and City of London"). Guest code -> (guest name, host code, host name). The MSOA files
#: keep both apart.
PUBLISHED_WITH: dict[str, tuple[str, str, str]] = {
    "E06000053": ("Isles of Scilly", "E06000052", "Cornwall"),
    "E09000001": ("City of London", "E09000012", "Hackney"),
}

#: Vaccination age bands of the July 2021 NHS England files (left) and NIMS (right).
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


# --------------------------------------------------------------------------- deaths


def _build_msoa_deaths(data_dir: Path | None) -> pd.DataFrame:
    sid = "covid_ons_msoa_deaths_2020_england"
    raw = read_source(sid, data_dir)
    where = _where(sid, data_dir)
    _unique(raw, ["MSOA11CD"], where)
    if raw["Deaths"].isna().any():
        raise DataError(f"{where}: column 'Deaths' has missing values for "
                        f"{list(raw.loc[raw['Deaths'].isna(), 'MSOA11CD'][:3])}; the ONS file has none.")
    _non_negative(raw, ["Deaths", "DeathRate"], where)
    out = pd.DataFrame({
        "msoa11cd": raw["MSOA11CD"],
        "deaths": raw["Deaths"].astype("int64"),
        "crude_rate": raw["DeathRate"],
        "imd_score": raw["Score"],
        "imd_extent": raw["Extent"],
        "imd_proportion": raw["Proportion"],
    })
    return out.sort_values("msoa11cd", ignore_index=True)


@register_parquet("covid_ons_msoa_deaths_2020_england")
def msoa_deaths_2020(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS deaths involving COVID-19 by MSOA of residence, 1 March - 31 December 2020, every English MSOA.

    Columns: msoa11cd, deaths, crude_rate (per 100,000, ONS mid-2019 population, not
    age-standardised), imd_score (IMD 2019 average score aggregated to MSOA; higher = more
    deprived), imd_extent, imd_proportion (share of LSOAs in England's most deprived 10%).
    """
    return cached_parquet("covid_ons_msoa_deaths_2020_england", lambda: _build_msoa_deaths(data_dir),
                          data_dir, name="tidy", version="1")


@cached_loader("covid_ltla_cumdeathrate_imd_england")
def ltla_deathrate_imd(data_dir: Path | None = None) -> pd.DataFrame:
    """All English LTLAs: cumulative death rate (within 28 days of a positive test, by publish date,
    crude per 100,000, ~18 Feb 2021) and IMD 2019 average score.

    Columns: lad19cd, region, death_rate, imd_score, imd_extent, imd_proportion. April 2019 district
    codes with Hackney and City of London, and Cornwall and Isles of Scilly, one row each (315 rows).
    """
    sid = "covid_ltla_cumdeathrate_imd_england"
    raw = read_source(sid, data_dir)
    _unique(raw, ["LAD19CD"], _where(sid, data_dir))
    return pd.DataFrame({
        "lad19cd": raw["LAD19CD"], "region": raw["RGN19NM"], "death_rate": raw["DeathRate"],
        "imd_score": raw["Score"], "imd_extent": raw["Extent"], "imd_proportion": raw["Proportion"],
    })


#: the period label of ONS's ten-month total in the age-standardised tables (deaths registered March-December 2020)
TEN_MONTHS = "Mar-Dec 2020 (10-month total)"
#: the cause of the age-standardised tables' Covid-19 rows: COVID-19 the underlying cause of death
DUE_TO_COVID = "Due to COVID-19"
_ASMR_COLUMNS = {"deaths": "deaths", "asmr_per_100k": "rate", "lower_95ci": "lowercl", "upper_95ci": "uppercl",
                 "rate_flag": "flag"}


def _asmr(raw: pd.DataFrame, keys: list[str], where: str) -> pd.DataFrame:
    _unique(raw, keys, where)
    out = raw.rename(columns=_ASMR_COLUMNS)
    out["flag"] = out["flag"].astype("string").str.strip()
    return out


@cached_loader("covid_ons_asmr_deciles_2020")
def ons_asmr_deciles(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS deaths and age-standardised mortality rates by IMD 2019 decile of England's neighbourhoods, deaths
    registered March-December 2020, by cause (all causes, due to COVID-19, due to other causes), sex and month
    (and :data:`TEN_MONTHS`).

    Columns: cause, sex ("People", "Males", "Females"), decile (1 = most deprived), decile_label, period, deaths,
    rate (per 100,000, 2013 European Standard Population; NA where ONS published none), flag ("u" = unreliable),
    lowercl, uppercl (95%).
    """
    sid = "covid_ons_asmr_deciles_2020"
    out = _asmr(read_source(sid, data_dir), ["cause", "sex", "imd2019_decile", "period"], _where(sid, data_dir))
    return out.rename(columns={"imd2019_decile": "decile"})


@cached_loader("covid_ons_asmr_areas_2020")
def ons_asmr_areas(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS deaths and age-standardised mortality rates for England, its regions and every council of April 2020
    (counties included), deaths registered March-December 2020, by cause, sex and month (and :data:`TEN_MONTHS`).

    Columns: cause, sex, area_code, area_name, geography_type, period, deaths, rate, flag ("u" = unreliable;
    NA rate where ONS published none: fewer than 10 deaths), lowercl, uppercl.
    """
    sid = "covid_ons_asmr_areas_2020"
    return _asmr(read_source(sid, data_dir), ["cause", "sex", "area_code", "period"], _where(sid, data_dir))


# --------------------------------------------------------------------------- cases


def _build_ltla_cases(data_dir: Path | None) -> pd.DataFrame:
    sid = "covid_ltla_cases_daily_england"
    raw = read_source(sid, data_dir)
    df = pd.DataFrame({"area_code": raw["code"], "area_name": raw["name"], "date": raw["date"],
                       "cases": raw["count"], "population": raw["population"]})
    where = _where(sid, data_dir)
    _unique(df, ["area_code", "date"], where)
    _non_negative(df, ["population"], where)
    pops = df.groupby("area_code")["population"].nunique()
    if (pops > 1).any():
        raise DataError(f"{where}: column 'population' changes within district {pops[pops > 1].index[0]!r}; "
                        "the file carries one mid-2019 population per district.")
    return df.sort_values(["area_code", "date"], ignore_index=True)


@register_parquet("covid_ltla_cases_daily_england")
def ltla_cases_daily(data_dir: Path | None = None) -> pd.DataFrame:
    """Daily cases by specimen date for every English district (April 2019 codes), as published
    (zero days absent), 30 January 2020 - 12 December 2023.

    Columns: area_code, area_name, date, cases, population (ONS mid-2019).
    Use :func:`jsna.topics.covid_impact.compute.complete_daily` to reindex to a full calendar.
    """
    return cached_parquet("covid_ltla_cases_daily_england", lambda: _build_ltla_cases(data_dir), data_dir,
                          name="tidy", version="1")


@cached_loader("covid_england_daily")
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


def _build_utla(data_dir: Path | None) -> pd.DataFrame:
    sid = "covid_utla_cases_deaths_daily_england"
    raw = read_source(sid, data_dir)
    df = pd.DataFrame({"area_code": raw["areaCode"], "area_name": raw["areaName"], "date": raw["date"],
                       "cases": raw["newCasesBySpecimenDate"],
                       "deaths": raw["newDeaths28DaysByDeathDate"]})
    _unique(df, ["area_code", "date"], _where(sid, data_dir))
    return df.sort_values(["area_code", "date"], ignore_index=True)


@register_parquet("covid_utla_cases_deaths_daily_england")
def utla_cases_deaths_daily(data_dir: Path | None = None) -> pd.DataFrame:
    """Daily cases and deaths within 28 days of a positive test for every English upper-tier authority
    (April 2019 codes), to 21 June 2021.

    Columns: area_code, area_name, date, cases, deaths. Blank deaths are days with none reported.
    """
    return cached_parquet("covid_utla_cases_deaths_daily_england", lambda: _build_utla(data_dir), data_dir,
                          name="tidy", version="1")


def _build_msoa_weekly(data_dir: Path | None) -> pd.DataFrame:
    sid = "covid_msoa_cases_weekly_2020_england"
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


@register_parquet("covid_msoa_cases_weekly_2020_england")
def msoa_cases_weekly_2020(data_dir: Path | None = None) -> pd.DataFrame:
    """Weekly (7-day block) cases by MSOA (2011) for England, weeks ending 21 March - 28 November 2020.

    Columns: msoa11cd, msoa11nm, week_ending, cases (NA = suppressed, 0-2 cases),
    rate (per 100,000 of the ONS mid-2019 population, rounded to 0.1; NA when suppressed), suppressed (bool).
    """
    return cached_parquet("covid_msoa_cases_weekly_2020_england", lambda: _build_msoa_weekly(data_dir),
                          data_dir, name="tidy", version="1")


# --------------------------------------------------------------------------- MSOA populations

#: the dashboard's weekly MSOA rates are published to 0.1 per 100,000
RATE_ROUNDING = 0.05


def derive_msoa_population(deaths: pd.DataFrame, weekly: pd.DataFrame, msoa_district: pd.DataFrame,
                           district_population: pd.Series) -> pd.DataFrame:
    """ONS mid-2019 population of each MSOA, recovered from the published rates (no population file
    by MSOA is held; both publishers divided by the same mid-2019 estimates).

    In order, for each MSOA:

    1. ``deaths``: where ONS deaths > 0, population = deaths x 100,000 / crude rate (exact: the rate
       was computed from that whole number);
    2. ``case rates``: each published week bounds the population, cases x 100,000 / (rate +- 0.05);
       when the bounds of all weeks leave one whole number, it is the population;
    3. ``district remainder``: the one MSOA of a district still unknown gets the district's mid-2019
       population (the cases file) less its other MSOAs, if every other is exact (and the value lies
       within its case-rate bounds, when there are some);
    4. ``case rates, approximate``: the middle of the remaining bounds (``uncertainty`` = half
       their width, a few people);
    5. otherwise no population (e.g. no deaths and every week suppressed).

    ``deaths``: msoa11cd, deaths, crude_rate; ``weekly``: msoa11cd, cases, rate (suppressed weeks
    NA); ``msoa_district``: msoa11cd, lad19cd; ``district_population``: lad19cd -> population.
    Returns msoa11cd, population (Int64), method, uncertainty (persons; 0 when exact), one row per
    MSOA of ``deaths``.
    """
    d = deaths[["msoa11cd", "deaths", "crude_rate"]].copy()
    pos = (d["deaths"] > 0) & (d["crude_rate"] > 0)
    exact = (d["deaths"] * 100_000 / d["crude_rate"]).where(pos)
    out = pd.DataFrame({"msoa11cd": d["msoa11cd"], "population": exact.round(),
                        "method": np.where(pos, "deaths", ""), "uncertainty": np.where(pos, 0.0, np.nan)})
    w = weekly.dropna(subset=["cases", "rate"])
    w = w[(w["rate"] > RATE_ROUNDING) & (w["cases"] > 0)]
    cases = w["cases"].astype("float64")
    bounds = pd.DataFrame({"msoa11cd": w["msoa11cd"],
                           "lo": cases * 100_000 / (w["rate"] + RATE_ROUNDING),
                           "hi": cases * 100_000 / (w["rate"] - RATE_ROUNDING)})
    b = bounds.groupby("msoa11cd").agg(lo=("lo", "max"), hi=("hi", "min"))
    b["lo"], b["hi"] = np.ceil(b["lo"] - 1e-9), np.floor(b["hi"] + 1e-9)
    out = out.merge(b, left_on="msoa11cd", right_index=True, how="left")
    one = out["population"].isna() & (out["lo"] == out["hi"])
    out.loc[one, "population"] = out.loc[one, "lo"]
    out.loc[one, "method"] = "case rates"
    out.loc[one, "uncertainty"] = 0.0
    # 3. the last unknown MSOA of a district: the district total less the others
    out = out.merge(msoa_district[["msoa11cd", "lad19cd"]], on="msoa11cd", how="left")
    known = out["uncertainty"] == 0
    for lad, g in out[out["lad19cd"].notna()].groupby("lad19cd"):
        todo = g.index[~known.loc[g.index]]
        if len(todo) != 1 or lad not in district_population.index:
            continue
        i = todo[0]
        rest = float(district_population[lad]) - float(out.loc[g.index[known.loc[g.index]], "population"].sum())
        lo, hi = out.at[i, "lo"], out.at[i, "hi"]
        if rest > 0 and (pd.isna(lo) or lo <= rest <= hi):
            out.loc[i, ["population", "method", "uncertainty"]] = [rest, "district remainder", 0.0]
    # 4. the middle of what the case rates allow
    approx = out["population"].isna() & out["lo"].notna() & (out["lo"] <= out["hi"])
    out.loc[approx, "population"] = ((out.loc[approx, "lo"] + out.loc[approx, "hi"]) / 2).round()
    out.loc[approx, "method"] = "case rates, approximate"
    out.loc[approx, "uncertainty"] = np.ceil((out.loc[approx, "hi"] - out.loc[approx, "lo"]) / 2)
    out.loc[out["population"].isna(), "method"] = "none"
    out["population"] = out["population"].astype("Int64")
    return out[["msoa11cd", "population", "method", "uncertainty"]].reset_index(drop=True)


_POPULATION_SOURCES = ("covid_ons_msoa_deaths_2020_england", "covid_msoa_cases_weekly_2020_england",
                       "covid_ltla_cases_daily_england", "lookup_lsoa11_ew")


def msoa_population_2019(data_dir: Path | None = None) -> pd.DataFrame:
    """ONS mid-2019 population of every English MSOA (2011), recovered from the ONS deaths and the
    dashboard's weekly case rates (:func:`derive_msoa_population`), cached as parquet.

    These are the denominators both publishers used (deaths x 100,000 / population reproduces the ONS
    file's ``DeathRate``). Columns: msoa11cd, population (Int64; NA where nothing bounds it), method,
    uncertainty (persons).
    """
    def build() -> pd.DataFrame:
        from jsna.load.geography import lsoa_lookup

        pops = ltla_cases_daily(data_dir).groupby("area_code")["population"].first()
        lk = lsoa_lookup(data_dir)[["msoa11cd", "lad19cd"]].drop_duplicates("msoa11cd")
        return derive_msoa_population(msoa_deaths_2020(data_dir), msoa_cases_weekly_2020(data_dir), lk, pops)

    return cached_parquet_of(_POPULATION_SOURCES, build, "covid_msoa_population_2019", data_dir, version="1")


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


@cached_loader("covid_vacc_msoa_2021_07")
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


@cached_loader("covid_vacc_ltla_2021_07")
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


@cached_loader("covid_nims_msoa")
def nims_msoa(data_dir: Path | None = None) -> pd.DataFrame:
    """NIMS population by MSOA, wide: msoa11cd, under_16, 16_24, 25_29, ..., 80_plus, 16_plus."""
    sid = "covid_nims_msoa"
    return _nims(read_source(sid, data_dir), "MSOA Code", _where(sid, data_dir)).rename(
        columns={"area_code": "msoa11cd"})


@cached_loader("covid_nims_ltla")
def nims_ltla(data_dir: Path | None = None) -> pd.DataFrame:
    """NIMS population by LTLA, wide: lad19cd, under_16, ..., 80_plus, 16_plus."""
    sid = "covid_nims_ltla"
    return _nims(read_source(sid, data_dir), "LTLA Code", _where(sid, data_dir)).rename(
        columns={"area_code": "lad19cd"})


@cached_loader("covid_vacc_msoa_2021_03")
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
