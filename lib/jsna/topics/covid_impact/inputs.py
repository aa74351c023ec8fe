"""Everything the Covid-19 report reads, for one Place: the only module of the topic that calls loaders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna import areas
from jsna.places import Place


@dataclass
class Inputs:
    """Every frame the Covid-19 report reads, loaded through jsna.load.covid, jsna.load.census,
    jsna.load.boundaries and jsna.areas (every read recorded by jsna.reads)."""

    cases: pd.DataFrame
    england: pd.DataFrame
    utla: pd.DataFrame
    msoa_pop: pd.DataFrame
    msoa_weekly: pd.DataFrame
    msoa_deaths: pd.DataFrame
    ltla_deaths: pd.DataFrame
    vacc07: pd.DataFrame
    vacc03: pd.DataFrame
    vacc_ltla: pd.DataFrame
    nims_m: pd.DataFrame
    nims_l: pd.DataFrame
    #: ONS deaths and age-standardised rates by IMD 2019 decile, England, March-December 2020
    #: (jsna.load.covid.ons_asmr_deciles)
    asmr_deciles: pd.DataFrame
    #: the same for England, regions and councils of April 2020 (jsna.load.covid.ons_asmr_areas)
    asmr_areas: pd.DataFrame
    #: Census 2021 ethnic group by district, long (jsna.load.census.ethnic_group_ltla)
    ethnicity: pd.DataFrame
    #: the Place's MSOAs (jsna.areas.msoas): names, district, local quintile
    msoa_areas: pd.DataFrame
    #: England's MSOAs (jsna.areas.england_msoas): national quintile
    england_msoas: pd.DataFrame | None = None
    #: Census 2021 age bands on 2011 MSOAs (jsna.load.census.age_msoa11)
    age: pd.DataFrame | None = None
    #: the Place's MSOA boundaries (jsna.load.boundaries.msoa_boundaries), for the maps; None when no
    #: map is drawn (a single neighbourhood outside the vaccination tables)
    boundaries: object = field(repr=False, default=None)
    #: random seed of the SII's simulated confidence limits (the notebook's ``seed`` parameter)
    seed: int = 2019


def vaccination_covers(msoas: Iterable[str], vacc07: pd.DataFrame) -> bool:
    """True when the July 2021 vaccination table (held for Leicester, Leicestershire and Rutland) holds
    every one of the Place's MSOAs."""
    msoas = list(msoas)
    return bool(msoas) and set(msoas) <= set(vacc07["msoa11cd"])


def maps_drawn(msoas: Iterable[str], vacc07: pd.DataFrame) -> bool:
    """The report draws MSOA maps for a Place of two or more neighbourhoods, and the uptake map
    wherever the vaccination tables cover it."""
    msoas = list(msoas)
    return len(msoas) >= 2 or vaccination_covers(msoas, vacc07)


def load(place: Place, data_dir: Path | str | None = None, seed: int = 2019) -> Inputs:
    """Read every source of the topic (one call per source), the Place's MSOA area table and, where a map
    is drawn, its MSOA boundaries. The large all-England files come from their parquet caches
    (jsna.load.cached_parquet), so a run over every English authority parses each CSV once."""
    from jsna.load import census
    from jsna.load import covid as load
    from jsna.load.boundaries import msoa_boundaries

    data_dir = Path(data_dir) if data_dir else None
    out = Inputs(
        cases=load.ltla_cases_daily(data_dir), england=load.england_daily(data_dir),
        utla=load.utla_cases_deaths_daily(data_dir),
        msoa_pop=load.msoa_population_2019(data_dir), msoa_weekly=load.msoa_cases_weekly_2020(data_dir),
        msoa_deaths=load.msoa_deaths_2020(data_dir), ltla_deaths=load.ltla_deathrate_imd(data_dir),
        vacc07=load.vaccinations_msoa_2021_07(data_dir), vacc03=load.vaccinations_msoa_2021_03(data_dir),
        vacc_ltla=load.vaccinations_ltla_2021_07(data_dir), nims_m=load.nims_msoa(data_dir),
        nims_l=load.nims_ltla(data_dir), asmr_deciles=load.ons_asmr_deciles(data_dir),
        asmr_areas=load.ons_asmr_areas(data_dir),
        ethnicity=census.ethnic_group_ltla(data_dir), msoa_areas=areas.msoas(place, data_dir),
        england_msoas=areas.england_msoas(data_dir), age=census.age_msoa11(data_dir), seed=int(seed))
    codes = out.msoa_areas["msoa11cd"]
    if maps_drawn(codes, out.vacc07):
        out.boundaries = msoa_boundaries(codes, data_dir)
    return out
