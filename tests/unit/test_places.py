"""Place registry: the committed params files load, and bad params give errors naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsna.places import (
    Area,
    PlaceError,
    available_places,
    check_place_id,
    load_place,
    load_places,
    place_from_dict,
)

GOOD = {
    "id": "derby",
    "name": "Derby",
    "kind": "upper_tier",
    "upper_tier": [{"code": "E06000015", "name": "Derby"}],
    "districts": [{"code": "E06000015", "name": "Derby"}],
    "parent": {"code": "E12000004", "name": "East Midlands"},
}


def _write(d: Path, raw: dict, stem: str | None = None) -> Path:
    p = d / f"{stem or raw.get('id', 'x')}.yaml"
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return p


def test_committed_places_load():
    assert available_places() == ["leicester", "leicestershire", "llr", "rutland"]
    leicester, shire, llr, rutland = load_places()
    assert leicester.upper_tier_codes == ["E06000016"] and leicester.district_codes == ["E06000016"]
    assert rutland.upper_tier_codes == ["E06000017"]
    assert shire.upper_tier_codes == ["E10000018"]
    # Leicestershire's seven districts (ONS codes E07000129 to E07000135)
    assert shire.district_codes == [f"E07000{n}" for n in range(129, 136)]
    assert llr.is_group and llr.upper_tier_codes == ["E06000016", "E10000018", "E06000017"]
    assert len(llr.districts) == 9
    assert all(p.parent == Area("E12000004", "East Midlands") for p in (leicester, shire, llr, rutland))
    assert leicester.possessive == "Leicester's" and llr.short_name == "LLR"


def test_unknown_place_lists_valid_places():
    with pytest.raises(PlaceError) as err:
        load_place("narnia")
    msg = str(err.value)
    assert "Unknown Place 'narnia'" in msg
    assert "Valid Places: leicester, leicestershire, llr, rutland" in msg
    assert "python -m jsna params new" in msg


@pytest.mark.parametrize("bad", ["../x", "a/b", "/tmp/x", "x/../x", "", "X", ".hidden", "x.yaml", "a\\b"])
def test_place_ids_that_are_paths_are_refused_before_reading(tmp_path, bad):
    params = tmp_path / "params"
    params.mkdir()
    _write(params, GOOD)
    # files a path-like id would reach: params/../x.yaml and params/a/b.yaml, both valid params
    _write(tmp_path, {**GOOD, "id": "x"})
    (params / "a").mkdir()
    _write(params / "a", {**GOOD, "id": "b"})
    with pytest.raises(PlaceError) as err:
        load_place(bad, params)
    msg = str(err.value)
    assert f"Invalid Place id {bad!r}" in msg and "never a path" in msg and "Valid Places: derby" in msg


def test_check_place_id_accepts_ids():
    assert check_place_id("rutland") == "rutland" and check_place_id("bristol-city-of_2") == "bristol-city-of_2"


def test_good_params_in_a_temp_dir(tmp_path):
    _write(tmp_path, GOOD)
    p = load_place("derby", tmp_path)
    assert p.name == "Derby" and p.possessive == "Derby's" and not p.is_group
    assert p.source_file == tmp_path / "derby.yaml"


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"name": 42}, "name", "must be a non-empty string"),
        ({"kind": "district"}, "kind", "Valid choices: upper_tier, group"),
        ({"upper_tier": "E06000015"}, "upper_tier", "non-empty list"),
        ({"upper_tier": [{"code": "E07000129", "name": "Blaby"}]}, "upper_tier[0].code",
         "not a valid area code"),
        ({"districts": [{"code": "X123", "name": "Nowhere"}]}, "districts[0].code", "not a valid area code"),
        ({"districts": [{"code": "E06000015"}, {"code": "E06000015"}]}, "districts", "duplicated code"),
        ({"parent": "East Midlands"}, "parent", "expected a mapping"),
        ({"labels": {"possessive": 3}}, "labels", "mapping of text label -> string"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"upper_tier": [{"code": "E06000015", "name": "Derby"}, {"code": "E06000016", "name": "L"}]},
         "upper_tier", "needs exactly one area"),
    ],
)
def test_ill_typed_field_is_named(tmp_path, change, field, text):
    path = _write(tmp_path, {**GOOD, **change}, stem="derby")
    with pytest.raises(PlaceError) as err:
        load_place("derby", tmp_path)
    msg = str(err.value)
    assert str(path) in msg
    assert f"field '{field}'" in msg
    assert text in msg


def test_missing_field_is_named(tmp_path):
    raw = {k: v for k, v in GOOD.items() if k != "districts"}
    _write(tmp_path, raw)
    with pytest.raises(PlaceError, match=r"field 'districts': missing"):
        load_place("derby", tmp_path)


def test_id_must_match_file_name(tmp_path):
    _write(tmp_path, GOOD, stem="derbyshire")
    with pytest.raises(PlaceError, match=r"'derby' differs from the file name 'derbyshire'"):
        load_place("derbyshire", tmp_path)


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "derby.yaml").write_text("id: derby\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlaceError, match=r"derby\.yaml: not valid YAML"):
        load_place("derby", tmp_path)


def test_root_must_be_a_mapping():
    with pytest.raises(PlaceError, match=r"field '<root>': expected a YAML mapping"):
        place_from_dict(["not", "a", "mapping"], "x.yaml")


def test_retired_and_unknown_params_fields_are_refused(tmp_path):
    """Every params field is used: 'comparator' (always England) is refused with the fix, and so is
    a label no sentence reads."""
    base = "id: x\nname: X\nkind: upper_tier\nupper_tier: [{code: E06000017, name: X}]\n" \
           "districts: [{code: E06000017, name: X}]\n"
    (tmp_path / "x.yaml").write_text(base + "comparator: {code: E92000001, name: England}\n")
    with pytest.raises(PlaceError, match=r"field 'comparator': is no longer used. Remove it"):
        load_place("x", tmp_path)
    (tmp_path / "x.yaml").write_text(base + "labels: {neighbourhood_word: areas}\n")
    with pytest.raises(PlaceError, match=r"field 'labels.neighbourhood_word': unknown label. Valid labels: "
                                         r"possessive, short_name"):
        load_place("x", tmp_path)
