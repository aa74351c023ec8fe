"""Editions of the English Indices of Deprivation and the geography each is published on.

An :class:`Edition` says everything that differs between IoD2019 and IoD2025, so that the area
table (:mod:`jsna.areas`), the boundary loaders (:mod:`jsna.load.boundaries`), the maps
(:mod:`jsna.maps`) and the deprivation topic have one code path for both:

* **IoD2019** (MHCLG, September 2019) on LSOAs and MSOAs of **2011**, wards of December 2019 and
  councils of April 2019; population: MHCLG's own denominators (IoD2019 File 6, mid-2015, excluding
  prisoners).
* **IoD2025** (MHCLG, October 2025) on LSOAs and MSOAs of **2021**, wards of 2024, districts of 2024
  and upper-tier councils of April 2023; population: **Census 2021 usual residents**, because
  MHCLG's own IoD2025 denominators (mid-2022) are not held in the data mirror.

Column names keep the ONS vintage suffix of their codes (``lsoa11cd`` against ``lsoa21cd``,
``lad19cd`` against ``lad24cd``), so a frame says which edition it belongs to
(:func:`edition_of`) and a join can never mix them. Measures have the same names in both
(``imd_score``, ``imd_rank``, ``imd_decile``, ``<domain>_decile``, ``pop_total``).

Every indicator stays with the index and geography of its own time: data on 2011 small areas
(e.g. MSOA 2011 life expectancy 2016-20, Covid-19 2020) are grouped by IoD2019, and callers that do
not name an edition get IoD2019 (:data:`DEFAULT`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Edition", "IOD2019", "IOD2025", "EDITIONS", "DEFAULT", "get_edition", "edition_of",
           "CHANGE_CAVEAT"]

#: MHCLG's caveat on comparing editions, in words a reader can use
CHANGE_CAVEAT = ("MHCLG advises comparing editions of the Indices by ranks and deciles, not by scores: each "
                 "edition ranks every neighbourhood against the rest of England at the time, some indicators "
                 "changed between 2019 and 2025, and the neighbourhoods themselves were redrawn after the 2021 "
                 "Census. A move between deciles means a neighbourhood changed relative to the rest of England; "
                 "it does not by itself mean that it became more or less deprived in absolute terms.")


@dataclass(frozen=True)
class Edition:
    """One edition of the English Indices of Deprivation and its geography (see the module docstring)."""

    key: str  # "iod2019" | "iod2025": the value of a Place's deprivation_index
    title: str  # "English Indices of Deprivation 2019"
    short: str  # "IoD2019"
    imd: str  # "IMD 2019": the index in sentences
    year: int  # 2019 | 2025
    published: str  # "September 2019"
    lsoa_year: int  # 2011 | 2021: the census of the LSOAs and MSOAs
    codes_year: int  # 2019 | 2023: the Place geography vintage (Place.districts_in) of the districts
    ward_year: int  # 2019 | 2024
    n_lsoas: int  # LSOAs in England
    n_districts: int  # districts ranked in the edition's local authority summaries (File 10)
    # column names of the area table (codes keep their ONS vintage)
    lsoa: str
    lsoa_name: str
    msoa: str
    msoa_name: str
    msoa_hcl: str
    ward: str
    ward_name: str
    lad: str
    lad_name: str
    utla: str
    utla_name: str
    # catalogue ids
    index_source: str  # LSOA scores, ranks and deciles
    lookup_source: str  # LSOA -> MSOA -> ward -> LAD -> UTLA
    population_source: str  # the population weights
    summaries_source: str  # File 10: the published district summaries
    lsoa_boundary_source: str  # polygons for a Place's maps
    lsoa_boundary_england_source: str  # lighter polygons for England-wide maps
    msoa_boundary_source: str
    # words for readers
    population_label: str  # what pop_total is, in a sentence
    population_short: str  # in a column heading: "Population (mid-2015)"
    population_note: str  # why this population ('' when it is the index's own)
    boundary_label: str  # the boundaries in a map caption
    msoa_names_label: str

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Catalogue ids the area table of this edition is built from (lookup, index, population)."""
        return tuple(dict.fromkeys((self.lookup_source, self.index_source, self.population_source)))

    @property
    def geography_sentence(self) -> str:
        """Which edition and geography a report uses, in one sentence."""
        return (f"This report uses the {self.title} ({self.short}), published by the Ministry of Housing, "
                f"Communities and Local Government in {self.published}, on the {self.lsoa_year} Census "
                f"neighbourhoods (Lower-layer Super Output Areas, LSOAs), {self.ward_year} electoral wards and "
                f"the councils of {'April 2019' if self.codes_year == 2019 else 'April 2023'}.")

    # loaders: one call per role, whatever the edition (lazy imports keep this module light)
    def index_lsoa(self, data_dir: Path | None = None) -> Any:
        """The edition's LSOA table (File 7 content): lsoa, lsoa_name, lad, lad_name, <d>_score/_rank/_decile."""
        if self.key == "iod2019":
            from jsna.load.imd import imd2019_lsoa

            return imd2019_lsoa(data_dir)
        from jsna.load.imd2025 import imd2025_lsoa

        return imd2025_lsoa(data_dir)

    def lookup(self, data_dir: Path | None = None) -> Any:
        """LSOA -> MSOA (with House of Commons Library name) -> ward -> district -> upper tier, England."""
        from jsna.load import geography

        return geography.lsoa_lookup(data_dir) if self.key == "iod2019" else geography.lsoa21_lookup(data_dir)

    def population(self, data_dir: Path | None = None) -> Any:
        """``lsoa``, ``pop_total`` for every English LSOA of the edition (see :attr:`population_label`)."""
        if self.key == "iod2019":
            return self.index_lsoa(data_dir)[[self.lsoa, "pop_total"]]
        from jsna.load.census import usual_residents_lsoa

        res = usual_residents_lsoa(data_dir)
        return res[["lsoa21cd", "residents"]].rename(columns={"residents": "pop_total"})

    def lad_summaries(self, data_dir: Path | None = None) -> Any:
        """MHCLG's published district summaries (File 10), one row per district: ``lad``, ``lad_name``,
        imd_avg_score, imd_rank_of_avg_score, imd_prop_most_deprived_10pc, ..."""
        if self.key == "iod2019":
            from jsna.load.imd import imd2019_lad_summaries

            return imd2019_lad_summaries(data_dir)
        from jsna.load.imd2025 import imd2025_lad_summaries

        return imd2025_lad_summaries(data_dir)

    def decile_title(self) -> str:
        """Legend title of a map of national IMD deciles."""
        return f"{self.imd} national decile"


IOD2019 = Edition(
    key="iod2019", title="English Indices of Deprivation 2019", short="IoD2019", imd="IMD 2019", year=2019,
    published="September 2019", lsoa_year=2011, codes_year=2019, ward_year=2019, n_lsoas=32_844, n_districts=317,
    lsoa="lsoa11cd", lsoa_name="lsoa11nm", msoa="msoa11cd", msoa_name="msoa11nm", msoa_hcl="msoa11hclnm",
    ward="wd19cd", ward_name="wd19nm", lad="lad19cd", lad_name="lad19nm", utla="utla19cd", utla_name="utla19nm",
    index_source="imd2019_lsoa", lookup_source="lookup_lsoa11_ew", population_source="imd2019_lsoa",
    summaries_source="imd2019_lad_summaries", lsoa_boundary_source="lsoa11_boundaries_england",
    lsoa_boundary_england_source="lsoa11_boundaries_england", msoa_boundary_source="msoa11_boundaries_ew",
    population_label="the mid-2015 population (excluding prisoners) that MHCLG used for IoD2019",
    population_short="mid-2015", population_note="",
    boundary_label="ONS LSOA 2011 boundaries (Super Generalised Clipped)",
    msoa_names_label="House of Commons Library MSOA Names (2011 MSOAs)",
)

IOD2025 = Edition(
    key="iod2025", title="English Indices of Deprivation 2025", short="IoD2025", imd="IMD 2025", year=2025,
    published="October 2025", lsoa_year=2021, codes_year=2023, ward_year=2024, n_lsoas=33_755, n_districts=296,
    lsoa="lsoa21cd", lsoa_name="lsoa21nm", msoa="msoa21cd", msoa_name="msoa21nm", msoa_hcl="msoa21hclnm",
    ward="wd24cd", ward_name="wd24nm", lad="lad24cd", lad_name="lad24nm", utla="utla23cd", utla_name="utla23nm",
    index_source="imd2025_lsoa", lookup_source="lookup_lsoa21_england",
    population_source="census2021_ethnic_group_lsoa21", summaries_source="imd2025_lad_summaries",
    lsoa_boundary_source="lsoa21_boundaries_bgc_england", lsoa_boundary_england_source="lsoa21_boundaries_england",
    msoa_boundary_source="msoa21_boundaries_england",
    population_label="Census 2021 usual residents", population_short="Census 2021",
    population_note=("Residents are Census 2021 usual residents: MHCLG weighted IoD2025 by mid-2022 population "
                     "estimates, which are not available to this report, so averages weighted here can differ "
                     "slightly from MHCLG's published figures. Where MHCLG publishes a district's figure, the "
                     "report quotes it."),
    boundary_label="ONS LSOA 2021 boundaries (Generalised Clipped)",
    msoa_names_label="House of Commons Library MSOA Names (2021 MSOAs)",
)

EDITIONS: dict[str, Edition] = {e.key: e for e in (IOD2025, IOD2019)}
#: what callers that name no edition get: the index of the 2011 small-area data they hold
DEFAULT: Edition = IOD2019


def get_edition(edition: Edition | str | None) -> Edition:
    """An :class:`Edition` from itself, its key ("iod2019", "iod2025") or None (:data:`DEFAULT`)."""
    if edition is None:
        return DEFAULT
    if isinstance(edition, Edition):
        return edition
    try:
        return EDITIONS[str(edition).strip().lower()]
    except KeyError:
        raise ValueError(f"deprivation index {edition!r} is not known: choose one of "
                         f"{', '.join(EDITIONS)}") from None


def edition_of(frame: Any) -> Edition:
    """The edition of an area frame, from its code columns (LSOA, MSOA, ward, district or upper tier):
    ``lsoa21cd``, ``msoa21cd``, ``wd24cd``, ``lad24cd``, ``utla23cd`` -> IoD2025; ``lsoa11cd``,
    ``msoa11cd``, ``wd19cd``, ``lad19cd``, ``utla19cd`` -> IoD2019. Raises ValueError when it has none."""
    cols = set(getattr(frame, "columns", ()))
    for attr in ("lsoa", "msoa", "ward", "lad", "utla"):
        for ed in (IOD2025, IOD2019):
            if getattr(ed, attr) in cols:
                return ed
    raise ValueError(f"cannot tell the deprivation index of a frame with columns {sorted(cols)[:12]}: it needs "
                     "a code column such as lsoa11cd (IoD2019) or lsoa21cd (IoD2025)")
