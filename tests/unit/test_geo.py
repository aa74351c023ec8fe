"""jsna.geo and jsna.areas on small real-data fixtures: Place LSOAs/MSOAs, Place-code validation, `params new`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml
from jsna.areas import lsoas as place_lsoas
from jsna.areas import msoas as place_msoas
from jsna.geo import (
    new_params,
    params_main,
    slugify,
    upper_tier_areas,
    validate_place,
    write_params,
)
from jsna.places import Area, PlaceError, load_place

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"


@pytest.fixture(autouse=True)
def fixture_data(monkeypatch, tmp_path):
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(FIXTURES / "catalogue"))
    monkeypatch.setenv("JSNA_DATA_DIR", str(FIXTURES / "raw"))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    return FIXTURES / "raw"


def test_upper_tier_areas_lists_districts():
    areas = upper_tier_areas().set_index("utla19cd")
    leics = areas.loc["E10000018"]
    assert leics["kind"] == "county" and leics["n_districts"] == 7
    assert ("E07000135", "Oadby and Wigston") in leics["districts"]
    assert areas.loc["E06000015", "kind"] == "unitary authority"
    assert areas.loc["E06000015", "districts"] == (("E06000015", "Derby"),)
    assert not areas.index.str.startswith("W").any()


@pytest.mark.parametrize("pid", ["leicester", "leicestershire", "rutland", "llr"])
def test_committed_params_are_valid(pid):
    place = load_place(pid)
    assert validate_place(place) is place


def test_unknown_upper_tier_code_names_file_field_and_choices():
    place = load_place("rutland")
    bad = replace(place, upper_tier=(Area("E06000099", "Nowhere"),))
    with pytest.raises(PlaceError) as exc:
        validate_place(bad)
    msg = str(exc.value)
    assert "rutland.yaml" in msg and "upper_tier[0].code" in msg and "E06000099" in msg
    assert "E06000017 Rutland" in msg and "params list" in msg


def test_district_of_another_area_is_refused():
    place = load_place("rutland")
    bad = replace(place, districts=(*place.districts, Area("E07000129", "Blaby")))
    with pytest.raises(PlaceError, match=r"districts\[1\]\.code.*E07000129.*E10000018.*E06000017 Rutland"):
        validate_place(bad)


def test_unknown_district_code_is_refused():
    place = load_place("rutland")
    bad = replace(place, districts=(Area("E07999999", "Nowhere"),))
    with pytest.raises(PlaceError, match=r"districts\[0\]\.code.*E07999999.*not an English local authority"):
        validate_place(bad)


def test_missing_district_is_named():
    place = load_place("leicestershire")
    bad = replace(place, districts=place.districts[:-1])
    with pytest.raises(PlaceError, match=r"'districts': missing E07000135 Oadby and Wigston"):
        validate_place(bad)


def _fixture_text(rel: str) -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "raw" / rel, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def test_place_lsoas_rutland_reproduces_published_average_score():
    df = place_lsoas("rutland")
    assert len(df) == 23 and df["lsoa11cd"].is_monotonic_increasing  # imd2019/SOURCES.md: Rutland 23
    assert {"msoa11hclnm", "wd19nm", "utla19nm", "imd_score", "imd_decile", "pop_total"} <= set(df.columns)
    score = (df["imd_score"] * df["pop_total"]).sum() / df["pop_total"].sum()
    assert score == pytest.approx(8.381, abs=0.0006)  # MHCLG File 10: Rutland IMD average score 8.381


def test_place_lsoas_group_covers_every_upper_tier_area():
    df = place_lsoas("llr")
    assert df.groupby("utla19cd").size().to_dict() == {"E06000016": 2, "E06000017": 23, "E10000018": 14}
    assert df["lsoa11cd"].is_unique and df["imd_score"].notna().all()


def test_place_lsoas_refuses_an_area_without_lsoas():
    place = load_place("llr")
    bad = replace(place, districts=(*place.districts, Area("E07000008", "Cambridge")))
    with pytest.raises(PlaceError, match=r"llr\.yaml: field 'districts': no LSOAs found for \['E07000008'\]"):
        place_lsoas(bad)


def test_place_msoas_population_weighted_score():
    msoas = place_msoas("rutland").set_index("msoa11cd")
    assert len(msoas) == 5 and msoas["n_lsoa"].sum() == 23  # geography/SOURCES.md: Rutland 5 MSOAs
    # hand calculation from the fixture files for Oakham East (E02002865)
    lk = _fixture_text("geography/lookup_lsoa11_msoa11_ward19_lad19_utla19_ew.csv.gz")
    imd = _fixture_text("imd2019/iod2019_lsoa11_file7_equivalent.csv.gz")
    codes = lk.loc[lk["MSOA11CD"] == "E02002865", "LSOA11CD"]
    rows = imd[imd["LSOA code (2011)"].isin(codes)]
    pop = rows["Total population: mid 2015 (excluding prisoners)"].astype(float)
    score = rows["Index of Multiple Deprivation (IMD) Score"].astype(float)
    assert msoas.loc["E02002865", "imd_score"] == pytest.approx((pop * score).sum() / pop.sum())
    assert msoas.loc["E02002865", "pop_total"] == pop.sum()
    assert msoas.loc["E02002865", "msoa11hclnm"] == "Oakham East"


def test_new_params_for_a_unitary_authority():
    text = new_params("E06000015")
    doc = yaml.safe_load(text)
    assert doc["id"] == "derby" and doc["kind"] == "upper_tier"
    assert doc["upper_tier"] == [{"code": "E06000015", "name": "Derby"}]
    assert doc["districts"] == [{"code": "E06000015", "name": "Derby"}]
    assert doc["parent"] == {"code": "E12000004", "name": "East Midlands"}
    assert doc["labels"]["possessive"] == "Derby's"


def test_new_params_for_a_county_lists_its_districts():
    doc = yaml.safe_load(new_params("E10000003"))
    assert doc["name"] == "Cambridgeshire"
    assert [d["code"] for d in doc["districts"]] == ["E07000008", "E07000009", "E07000010", "E07000011",
                                                      "E07000012"]
    assert "parent" not in doc  # the fixture has no Cambridgeshire LSOAs to find the region from


def test_new_params_refuses_unknown_codes():
    with pytest.raises(PlaceError, match=r"'E06000999' is not a current English upper-tier council code \(ONS April 2023.*params list"):
        new_params("E06000999")


def test_write_params_round_trip_and_no_overwrite(tmp_path):
    out = write_params("E06000015", tmp_path)
    assert out == tmp_path / "derby.yaml"
    place = load_place("derby", tmp_path)
    assert place.upper_tier_codes == ["E06000015"] and validate_place(place) is place
    with pytest.raises(PlaceError, match="already exists"):
        write_params("E06000015", tmp_path)
    assert write_params("E06000015", tmp_path, overwrite=True) == out


def test_params_main(tmp_path, capsys):
    assert params_main(["new", "E10000018", "--out", str(tmp_path), "--id", "leics"]) == 0
    assert load_place("leics", tmp_path).district_codes[0] == "E07000129"
    assert params_main(["new", "E10000018", "--out", str(tmp_path), "--id", "leics"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert params_main(["new", "X1"]) == 2
    assert "params list" in capsys.readouterr().err
    assert params_main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "E06000015\tDerby\tunitary authority\t1\t2019 and 2023\t" in listed
    assert listed.splitlines()[0] == "code\tname\tkind\tdistricts\tvintages\tsuccessor (April 2023)"
    assert params_main(["check", "rutland"]) == 0
    assert params_main(["new", "E06000015", "--stdout"]) == 0
    assert "id: derby" in capsys.readouterr().out


@pytest.mark.parametrize("name,slug", [("Bristol, City of", "bristol-city-of"),
                                       ("Brighton and Hove", "brighton-and-hove"),
                                       ("St. Helens", "st-helens"), ("Telford & Wrekin", "telford-and-wrekin")])
def test_slugify(name, slug):
    assert slugify(name) == slug


@pytest.mark.parametrize("dtype", ["str", "object"])
def test_codes_in_is_isin(dtype):
    """jsna.areas.codes_in gives Series.isin's mask (written out by hand here), for a set, a list or
    a Series of wanted codes; a missing code is never among them."""
    from jsna.areas import codes_in

    codes = pd.Series(["E01000001", "E01000002", None, "E01000004", "E01000001"], dtype=dtype)
    expected = [True, False, False, True, True]
    for wanted in ({"E01000001", "E01000004", "E09999999"}, ["E01000004", "E01000001"],
                   pd.Series(["E01000001", "E01000004"], dtype="str")):
        assert codes_in(codes, wanted).tolist() == expected
        assert codes_in(codes, wanted).tolist() == codes.isin(wanted).tolist()
    assert codes_in(codes.iloc[:0], {"E01000001"}).tolist() == []
