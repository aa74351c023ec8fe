"""Everything the tale of two babies reads: the only module of the topic that calls loaders.

The inputs are England-wide (England's LSOAs with IoD2019 and File 8 indicators, MSOA life
expectancy, HLE/DFLE and their benchmarks, MSOA Covid-19 deaths, every area's LA indicators), so
that England's benchmarks are computed over the same data as the Place's fifths; the Place only
selects its districts from them (:func:`jsna.topics.two_babies.compute.compute`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna import areas
from jsna.indicators import get_indicator, indicators, la_source_ids
from jsna.places import Place

#: OHID's published slope index of inequality in life expectancy, by sex (read with the LA indicators)
SII_INDICATORS = {"Male": get_indicator("sii_le_male"), "Female": get_indicator("sii_le_female")}


@dataclass
class Inputs:
    """Everything the topic needs, already loaded and tidy.

    lsoas: England LSOAs (lsoa11cd, lad19cd, msoa11cd, imd_score, imd_decile, pop_* , domain
    scores and File 8 indicator columns). le: OHID Local Health MSOA LE 2015-19 (all England, no
    intervals). le_published: the same release's values for councils (2021), which a Place's MSOAs
    must average to before any level is stated (jsna.reliability.check_small_area_levels). hle/dfle: MSOA
    HLE/DFLE 2009-13 (where held). hle_bench: published HLE/DFLE benchmarks (area_code, sex,
    measure, value, lowercl, uppercl). covid: msoa11cd, deaths, population. la: tidy LA indicators
    (jsna.load.fingertips.la_indicators). notes: problems met while loading (shown in the report).
    seed, sii_repetitions: the notebook's settings of the slope index of inequality (Monte Carlo
    seed and draws), passed through to the computation.
    """

    lsoas: pd.DataFrame
    le: pd.DataFrame | None = None
    le_published: pd.DataFrame | None = None
    hle: pd.DataFrame | None = None
    hle_bench: pd.DataFrame | None = None
    covid: pd.DataFrame | None = None
    la: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    seed: int = 2019
    sii_repetitions: int = 10000
    #: the Place's MSOA boundaries (jsna.load.boundaries.msoa_boundaries), for the life expectancy map
    boundaries: object = field(repr=False, default=None)
    # Place-independent results memoised here (England benchmarks per indicator, per-sex MSOA
    # source slices): recomputing them for every Place dominated the all-England run
    _england_cache: dict = field(default_factory=dict, repr=False, compare=False)


def load(place: Place, data_dir: Path | None = None, seed: int = 2019, sii_repetitions: int = 10000) -> Inputs:
    """Read every input of the topic for ``place``: the England-wide inputs of :func:`load_england`, with
    the notebook's SII settings and the Place's MSOA boundaries (the life expectancy map). The LA indicators are every area's, not only the Place's: which age band
    of a file is used and how many counties an extract holds are judged over all its rows (a county's
    "not in the data held" reason names them), as in every report."""
    from jsna.load.boundaries import msoa_boundaries

    out = load_england(data_dir)
    out.seed, out.sii_repetitions = seed, sii_repetitions
    if "msoa11cd" in out.lsoas.columns:  # the map of the Place's neighbourhoods
        codes = sorted(out.lsoas.loc[out.lsoas["lad19cd"].isin(place.district_codes_2019), "msoa11cd"].unique())
        if codes:
            out.boundaries = msoa_boundaries(codes, data_dir)
    return out


def load_england(data_dir: Path | None = None) -> Inputs:
    """Load every source of the topic through the jsna loaders (IMD, lookups, small area, covid,
    fingertips), for all England: the same inputs serve every Place. A source that cannot be loaded
    is recorded in ``notes`` and its indicators become "not available" rather than stopping the report."""
    from jsna.load import imd
    from jsna.load import small_area as sa

    notes: list[str] = []
    lsoas = areas.england_lsoas(data_dir)
    try:
        ind = imd.imd2019_indicators(data_dir)
        keep = ["lsoa11cd"] + [c for c in ind.columns if c not in lsoas.columns]
        lsoas = lsoas.merge(ind[keep], on="lsoa11cd", how="left", validate="1:1")
    except Exception as exc:  # noqa: BLE001 - any loader failure becomes a report note
        notes.append(f"IoD2019 underlying indicators (File 8) could not be loaded: {exc}")

    def attempt(label: str, fn):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001
            notes.append(f"{label} could not be loaded: {exc}")
            return None

    le = attempt("MSOA life expectancy 2015-19 (OHID Local Health)", lambda: sa.le_localhealth_msoa(data_dir))
    le_published = attempt("Council life expectancy 2015-19 (OHID Local Health)", lambda: sa.le_localhealth_la(data_dir))
    hle = attempt("MSOA HLE/DFLE 2009-13", lambda: pd.concat(
        [sa.hle_msoa(m, data_dir) for m in ("hle", "dfle")], ignore_index=True))
    bench = attempt("HLE/DFLE benchmarks 2009-13", lambda: pd.concat(
        [sa.hle_utla(m, data_dir) for m in ("hle", "dfle")], ignore_index=True))
    covid = attempt("MSOA Covid-19 deaths 2020", lambda: _covid(data_dir))
    la_ids = la_source_ids([*indicators(report="two_babies", kind="la"), *SII_INDICATORS.values()], data_dir)
    la = attempt("LA-level indicators (Fingertips)", lambda: _la(la_ids, data_dir))
    return Inputs(lsoas=lsoas, le=le, le_published=le_published, hle=hle, hle_bench=bench, covid=covid, la=la, notes=notes)


def _covid(data_dir: Path | None) -> pd.DataFrame:
    """ONS deaths involving COVID-19 by MSOA (every English MSOA) with the mid-2019 populations they were
    divided by (jsna.load.covid.msoa_population_2019); an MSOA with no population held is left out."""
    from jsna.load import covid

    deaths = covid.msoa_deaths_2020(data_dir)
    pop = covid.msoa_population_2019(data_dir)
    out = deaths[["msoa11cd", "deaths"]].merge(pop[["msoa11cd", "population"]], on="msoa11cd",
                                               how="left", validate="1:1")
    return out.dropna(subset=["population"]).astype({"population": "int64"}).reset_index(drop=True)


def _la(source_ids: list[str], data_dir: Path | None) -> pd.DataFrame:
    from jsna.load.fingertips import la_indicators

    return la_indicators(source_ids, data_dir=data_dir)
