"""Everything the deprivation report reads, for one Place: the only module of the topic that calls
loaders (each read goes through a catalogued loader, so jsna.reads records it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna import areas
from jsna.editions import IOD2019, IOD2025, Edition, get_edition
from jsna.load.boundaries import lsoa_boundaries
from jsna.load.geography import lsoa11_lsoa21_lookup
from jsna.places import Place


@dataclass
class Inputs:
    """What the deprivation report reads for one Place, in the report's edition (``edition``) and,
    for the 2019 -> 2025 section, in the other one."""

    #: the Place's LSOAs in the report's edition (jsna.areas.lsoas, LSOAs a file lacks dropped) and England's
    lsoas: pd.DataFrame
    england_lsoas: pd.DataFrame
    boundaries: object = field(repr=False)  # GeoDataFrame of the Place's LSOA polygons (the edition's geography)
    summaries: pd.DataFrame | None = None  # MHCLG's district summaries (File 10) of the edition
    unmatched: pd.DataFrame | None = None  # jsna.areas.unmatched_lsoas: the Place's LSOAs a file lacks
    edition: str = "iod2019"
    #: the 2019 -> 2025 comparison: the Place's LSOAs and File 10 in the other edition, the ONS LSOA 2011 ->
    #: 2021 lookup and, for an IoD2019 report, the boundaries of the Place's 2021 LSOAs
    other_lsoas: pd.DataFrame | None = None
    other_summaries: pd.DataFrame | None = None
    lsoa_bridge: pd.DataFrame | None = None
    boundaries_2021: object = field(repr=False, default=None)

    @property
    def ed(self) -> Edition:
        return get_edition(self.edition)

    def lsoas_of(self, edition: Edition) -> pd.DataFrame:
        """The Place's LSOAs in ``edition`` (IoD2019 or IoD2025)."""
        return self.lsoas if edition.key == self.edition else self.other_lsoas


def edition_for(place, deprivation_index: Edition | str | None = None) -> Edition:
    """The edition a report uses: the build's ``deprivation_index`` if given, else the Place's
    (params ``deprivation_index``, default IoD2025)."""
    return get_edition(deprivation_index or getattr(place, "deprivation_index", None) or "iod2025")


def load(place: Place, data_dir: Path | None = None, deprivation_index: Edition | str | None = None) -> Inputs:
    """Read every input of the report for ``place`` in the edition :func:`edition_for` picks: the area
    table of the Place and of England, boundaries, MHCLG's district summaries and the LSOAs a file
    lacks; then, for the 2019 -> 2025 section, the Place's LSOAs and district summaries in the other
    edition, the ONS LSOA 2011 -> 2021 lookup and (for an IoD2019 report) the 2021 LSOAs' boundaries."""
    ed = edition_for(place, deprivation_index)
    other = IOD2019 if ed.key == IOD2025.key else IOD2025
    lsoas = areas.lsoas(place, data_dir, edition=ed, missing="drop")
    inputs = Inputs(lsoas=lsoas, england_lsoas=areas.england_lsoas(data_dir, edition=ed),
                    boundaries=lsoa_boundaries(lsoas[ed.lsoa], data_dir, edition=ed),
                    summaries=ed.lad_summaries(data_dir),
                    unmatched=areas.unmatched_lsoas(place, data_dir, edition=ed), edition=ed.key)
    inputs.other_lsoas = areas.lsoas(place, data_dir, edition=other, missing="drop")
    inputs.lsoa_bridge = lsoa11_lsoa21_lookup(data_dir)
    inputs.other_summaries = other.lad_summaries(data_dir)
    if ed.key != IOD2025.key:
        inputs.boundaries_2021 = lsoa_boundaries(inputs.other_lsoas[IOD2025.lsoa], data_dir, edition=IOD2025)
    return inputs
