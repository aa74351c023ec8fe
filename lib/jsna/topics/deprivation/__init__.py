"""Deprivation maps: IMD by neighbourhood, local quintiles, Core20, named areas, 2019 to 2025."""

from __future__ import annotations

from jsna.places import DEPRIVATION_INDICES
from jsna.topics import Param, TopicSpec

TOPIC = TopicSpec(
    id='deprivation',
    title='Deprivation',
    order=1,
    description='Where neighbourhoods sit in the English Indices of Deprivation (IoD2025 by default, or IoD2019): maps, deciles, Core20 share, most and least deprived areas, and what changed from 2019 to 2025',
    params=(Param("deprivation_index", "choice", "edition of the English Indices of Deprivation: iod2025 (LSOA "
                  "2021) or iod2019 (LSOA 2011); default: the Place's params (deprivation_index, itself iod2025 "
                  "unless set)", choices=DEPRIVATION_INDICES, alias="deprivation-index"),),
)
