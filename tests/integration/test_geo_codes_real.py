"""Codes that are not April 2019 upper-tier codes get a message saying what they are and what to
use (ONS lookups in data/raw; expected areas from geography/SOURCES.md and the 2019-2023
reorganisations: North Yorkshire's seven districts, Leicestershire's seven)."""

from __future__ import annotations

import pytest
from jsna.geo import describe_code, new_params, validate_place
from jsna.places import PlaceError, place_from_dict

pytestmark = pytest.mark.integration

NORTH_YORKS_DISTRICTS = "Craven, Hambleton, Harrogate, Richmondshire, Ryedale, Scarborough, Selby"


def test_2023_successor_names_its_predecessors_and_what_to_use():
    msg = describe_code("E06000065")
    assert "E06000065 is North Yorkshire, a successor council formed after April 2019" in msg
    assert "April 2023 lookup" in msg
    assert f"all of E10000023 North Yorkshire ({NORTH_YORKS_DISTRICTS})" in msg
    assert "use E10000023 North Yorkshire" in msg


def test_district_names_its_county():
    msg = describe_code("E07000134")
    assert msg.startswith("E07000134 is North West Leicestershire, a district of E10000018 Leicestershire")
    assert "use E10000018 Leicestershire" in msg


def test_params_new_and_validate_place_use_the_description():
    with pytest.raises(PlaceError) as err:
        new_params("E06000065")
    assert "successor council" in str(err.value) and "Hartlepool" not in str(err.value)
    place = place_from_dict({"id": "nyorks", "name": "North Yorkshire", "kind": "upper_tier",
                             "upper_tier": [{"code": "E06000065", "name": "North Yorkshire"}],
                             "districts": [{"code": "E06000065", "name": "North Yorkshire"}]})
    with pytest.raises(PlaceError, match=r"upper_tier\[0\]\.code.*E10000023 North Yorkshire"):
        validate_place(place)
    with pytest.raises(PlaceError, match=r"E07000134 is a district .*params new E07000134"):
        place_from_dict({"id": "nwl", "name": "NW Leics", "kind": "upper_tier",
                         "upper_tier": [{"code": "E07000134", "name": "NW Leics"}],
                         "districts": [{"code": "E07000134", "name": "NW Leics"}]})


def test_unknown_code_keeps_the_list_hint():
    assert describe_code("E06999999") is None
    with pytest.raises(PlaceError, match="include:"):
        new_params("E06999999")
