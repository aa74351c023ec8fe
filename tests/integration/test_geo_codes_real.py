"""Council codes of two vintages on the real ONS lookups (data/raw): today's 153 upper-tier councils
(April 2023) and the 151 of April 2019. Expected areas are the published reorganisations since 2019
(geography/SOURCES.md; the Buckinghamshire 2020, Northamptonshire 2021 and Cumbria, North Yorkshire
and Somerset 2023 structural changes orders): North Yorkshire's seven districts, Cumbria split into
Cumberland (Allerdale, Carlisle, Copeland) and Westmorland and Furness (Barrow-in-Furness, Eden,
South Lakeland)."""

from __future__ import annotations

import pytest
import yaml
from jsna.geo import code_vintages, councils, describe_code, new_params, validate_place
from jsna.places import PlaceError, place_from_dict

pytestmark = pytest.mark.integration

NORTH_YORKS = ["Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale", "Scarborough", "Selby"]


def test_both_vintages_have_the_published_number_of_councils():
    assert len(councils(2023)) == 153 and len(councils(2019)) == 151
    table = code_vintages().set_index("code")
    assert (table["vintages"] == "2023 only").sum() == 7  # Bucks, 2 Northants, Cumberland, W&F, N Yorks, Somerset
    assert (table["vintages"] == "2019 only").sum() == 5  # Bucks, Northants, Cumbria, N Yorks, Somerset counties
    assert table.loc["E10000006", "successor"] == "E06000063 Cumberland; E06000064 Westmorland and Furness"
    assert table.loc["E06000016", "vintages"] == "2019 and 2023"


def test_params_new_for_a_council_formed_in_2023_lists_its_2019_parts():
    doc = yaml.safe_load(new_params("E06000065"))
    assert doc["geography"] == 2023 and doc["upper_tier"] == [{"code": "E06000065", "name": "North Yorkshire"}]
    assert doc["parent"] == {"code": "E12000003", "name": "Yorkshire and The Humber"}
    assert doc["areas_2019"]["upper_tier"] == [{"code": "E10000023", "name": "North Yorkshire"}]
    assert [d["name"] for d in doc["areas_2019"]["districts"]] == NORTH_YORKS
    place = place_from_dict(doc, "north-yorkshire.yaml")
    assert place.changed_since_2019 and place.district_codes_2019[0] == "E07000163"
    assert "7 former districts" in place.formed_from_sentence()


def test_part_of_a_2019_county_has_districts_but_no_2019_upper_tier():
    doc = yaml.safe_load(new_params("E06000063"))
    assert doc["areas_2019"]["upper_tier"] == []  # Cumbria county also covered Westmorland and Furness
    assert [d["name"] for d in doc["areas_2019"]["districts"]] == ["Allerdale", "Carlisle", "Copeland"]


def test_abolished_codes_name_their_successor():
    msg = describe_code("E10000023")
    assert "E10000023 is North Yorkshire, an April 2019 council code that no longer exists" in msg
    assert "params new E06000065" in msg
    with pytest.raises(PlaceError, match=r"E10000006.*Cumberland and E06000064 Westmorland and Furness"):
        new_params("E10000006")
    assert "E06000063" in describe_code("E07000026")  # Allerdale, a 2019 district


def test_district_names_its_county():
    msg = describe_code("E07000134")
    assert msg.startswith("E07000134 is North West Leicestershire, a district of E10000018 Leicestershire")
    assert "use E10000018 Leicestershire" in msg


def test_mixed_vintage_params_name_the_field_and_the_vintages():
    base = {"id": "nyorks", "name": "North Yorkshire", "kind": "upper_tier",
            "upper_tier": [{"code": "E06000065", "name": "North Yorkshire"}]}
    mixed = place_from_dict({**base, "districts": [{"code": "E07000163", "name": "Craven"}]})
    with pytest.raises(PlaceError, match=r"districts\[0\]\.code.*April 2019 code \(Craven\).*valid vintages 2019 "
                                         r"and 2023"):
        validate_place(mixed)
    old = place_from_dict({**base, "geography": 2019, "districts": [{"code": "E06000065", "name": "N"}]})
    with pytest.raises(PlaceError, match=r"upper_tier\[0\]\.code.*April 2023 code.*geography': 2019"):
        validate_place(old)
    gone = place_from_dict({**base, "geography": 2019, "upper_tier": [{"code": "E10000023", "name": "NY"}],
                            "districts": [{"code": "E07000163", "name": "Craven"}]})
    with pytest.raises(PlaceError, match=r"no longer exists.*E06000065"):
        validate_place(gone)
    no_block = place_from_dict({**base, "districts": [{"code": "E06000065", "name": "North Yorkshire"}]})
    with pytest.raises(PlaceError, match=r"field 'areas_2019': missing.*Craven"):
        validate_place(no_block)
    with pytest.raises(PlaceError, match=r"field 'geography'.*Valid vintages: 2019, 2023"):
        place_from_dict({**base, "geography": 2021, "districts": base["upper_tier"]})


def test_unknown_code_keeps_the_list_hint():
    assert describe_code("E06999999") is None
    with pytest.raises(PlaceError, match="include:"):
        new_params("E06999999")
