"""Everything the population report reads, for one Place: the only module of the topic that calls loaders."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna import areas
from jsna.places import Place


@dataclass
class Inputs:
    """The population report's inputs for one Place (every read recorded by jsna.reads)."""

    #: ONS mid-year estimates by sex and single year of age, every English area, mid-2021 to mid-2024
    #: (jsna.load.population.mid_year_estimates)
    estimates: pd.DataFrame
    #: Census 2021 usual residents in 19 ethnic groups, every district of 2021 (jsna.load.census.ethnic_group_ltla)
    ethnic: pd.DataFrame
    #: the ONS LSOA 2011 -> 2021 lookup (its 2022 districts) and the LSOA 2021 lookup (regions): the region
    #: of each 2021 district
    lsoa_bridge: pd.DataFrame
    lsoa21_lookup: pd.DataFrame
    #: the Place's LSOAs 2021 with IoD2025 deciles, national and local quintiles and Census 2021 residents
    #: (jsna.areas.lsoas), and England's
    lsoas: pd.DataFrame
    england_lsoas: pd.DataFrame
    #: Census 2021 usual residents by five-year age band and LSOA 2021, England (jsna.load.census.age_lsoa)
    age_lsoa: pd.DataFrame


def load(place: Place, data_dir: Path | None = None) -> Inputs:
    """Read every input of the population report for ``place``."""
    from jsna.load.census import age_lsoa, ethnic_group_ltla
    from jsna.load.geography import lsoa11_lsoa21_lookup, lsoa21_lookup
    from jsna.load.population import mid_year_estimates

    return Inputs(estimates=mid_year_estimates(data_dir), ethnic=ethnic_group_ltla(data_dir),
                  lsoa_bridge=lsoa11_lsoa21_lookup(data_dir), lsoa21_lookup=lsoa21_lookup(data_dir),
                  lsoas=areas.lsoas(place, data_dir, edition="iod2025"),
                  england_lsoas=areas.england_lsoas(data_dir, edition="iod2025"), age_lsoa=age_lsoa(data_dir))
