"""Everything the dashboard reads, for one Place: the only module of the topic that calls loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna import areas
from jsna.load.fingertips import la_indicators
from jsna.places import Place


@dataclass
class Inputs:
    """The dashboard's inputs for one Place (every read recorded by jsna.reads)."""

    #: the LA indicator table (jsna.load.fingertips.la_indicators): every held Fingertips/ONS value
    indicators: pd.DataFrame
    #: region of each upper-tier area, its statistical neighbours, and notes for areas without
    regions: dict[str, tuple[str, str] | None]
    peers: dict[str, list[str]]
    peer_notes: list[str]
    #: the Place's LSOAs 2011 with IMD 2019 deciles and mid-2015 populations (jsna.areas.lsoas)
    lsoas: pd.DataFrame
    #: England's LSOAs with IMD 2019 deciles and populations, for England's Core20 share
    england_lsoas: pd.DataFrame
    #: ONS LSOA 2011 -> 2021 lookup and Census 2021 usual residents by ethnic group and LSOA 2021
    lsoa_bridge: pd.DataFrame
    residents_2021: pd.DataFrame
    #: the Place's LSOA 2011 boundaries, for the Core20 map
    boundaries: object = field(repr=False, default=None)


def neighbours(area_codes: list[str], data_dir: Path | None, n_peers: int = 15
               ) -> tuple[dict[str, tuple[str, str] | None], dict[str, list[str]], list[str]]:
    """Region (jsna.geo.region_of) and statistical neighbours (jsna.neighbours) of each area, and
    notes for areas that have none: (regions, peers, notes)."""
    from jsna.geo import region_of
    from jsna.neighbours import NeighbourError, statistical_neighbours, upper_tier_features

    regions = {c: region_of(c, data_dir) for c in area_codes}
    peers: dict[str, list[str]] = {}
    notes: list[str] = []
    try:
        feats = upper_tier_features(data_dir)
    except Exception as exc:  # noqa: BLE001 - a missing census file becomes a note, not a failed report
        return regions, peers, [f"Statistical neighbours could not be computed: {exc}"]
    for c in area_codes:
        try:
            peers[c] = statistical_neighbours(c, n_peers, features=feats)["code"].tolist()
        except NeighbourError as exc:
            notes.append(str(exc))
    return regions, peers, notes


def load(place: Place, data_dir: Path | None = None) -> Inputs:
    """Read every input of the dashboard for ``place``."""
    from jsna.load.boundaries import lsoa_boundaries
    from jsna.load.census import usual_residents_lsoa
    from jsna.load.geography import lsoa11_lsoa21_lookup

    codes = [a.code for a in place.upper_tier]
    regions, peers, notes = neighbours(codes, data_dir)
    lsoas = areas.lsoas(place, data_dir)
    return Inputs(indicators=la_indicators(data_dir=data_dir), regions=regions, peers=peers, peer_notes=notes,
                  lsoas=lsoas, england_lsoas=areas.england_lsoas(data_dir),
                  lsoa_bridge=lsoa11_lsoa21_lookup(data_dir), residents_2021=usual_residents_lsoa(data_dir),
                  boundaries=lsoa_boundaries(lsoas["lsoa11cd"].tolist(), data_dir))
