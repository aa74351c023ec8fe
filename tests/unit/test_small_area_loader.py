"""Small-area life expectancy loaders (jsna.load.small_area) on cut-down real rows.

Fixtures under tests/fixtures/two_babies/small_area/ are rows copied unchanged from the mirror
files (Leicester 001 E02002827 and Leicester 041 E02006851, whose male LE OHID suppressed; the Leicester rows
of the Local Health council table).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from jsna.load import DataError
from jsna.load import small_area as sa

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "two_babies"


def test_local_health_msoa_is_long_by_sex_and_keeps_suppressed_values():
    df = sa.le_localhealth_msoa(data_dir=FIX)
    assert list(df.columns) == ["msoa11cd", "msoa11nm", "sex", "value", "period"]  # no intervals published
    assert len(df) == 4 and set(df["sex"]) == {"Male", "Female"}
    v = df.set_index(["msoa11cd", "sex"])["value"]
    assert (v[("E02002827", "Male")], v[("E02002827", "Female")]) == (78.0, 80.7)  # as in the file
    # Leicester 041 males: 'N/A' (suppressed) in the source stays NA, never 0
    assert pd.isna(v[("E02006851", "Male")]) and v[("E02006851", "Female")] == 84.8
    assert (df["period"] == "2015-19").all()


def test_local_health_la_gives_the_published_council_values():
    df = sa.le_localhealth_la(data_dir=FIX)
    utla = df[df["area_type"] == "UTLA (2021)"].set_index("sex")["value"]
    # small_area/SOURCES.md: "Leicester 77.3 / 82.0"
    assert (utla["Male"], utla["Female"]) == (77.3, 82.0)


def test_hle_and_dfle_msoa():
    hle = sa.hle_msoa("hle", data_dir=FIX)
    dfle = sa.hle_msoa("DFLE", data_dir=FIX)
    assert len(hle) == len(dfle) == 4
    m = hle[(hle["msoa11cd"] == "E02002827") & (hle["sex"] == "Male")].iloc[0]
    assert m["value"] == pytest.approx(59.91939)
    assert (m["lowercl"], m["uppercl"]) == (pytest.approx(58.10587), pytest.approx(61.73292))
    assert m["le"] == pytest.approx(75.16582)
    f = dfle[(dfle["msoa11cd"] == "E02002827") & (dfle["sex"] == "Female")].iloc[0]
    assert f["value"] == pytest.approx(61.8007)
    assert set(hle["measure"]) == {"hle"} and set(dfle["measure"]) == {"dfle"}


def test_hle_utla_fills_england_code_only():
    b = sa.hle_utla("hle", data_dir=FIX)
    eng = b[b["area_name"] == "England"]
    assert set(eng["area_code"]) == {"E92000001"}
    assert eng.loc[eng["sex"] == "Male", "value"].iloc[0] == pytest.approx(63.49254)
    em = b[b["area_name"] == "East Midlands"]
    assert em["area_code"].isna().all()  # the region row has no code in the source: left NA
    d = sa.hle_utla("dfle", data_dir=FIX)  # 'UTLA Names' spelling in the DFLE file
    assert d.loc[(d["area_code"] == "E06000017") & (d["sex"] == "Male"), "value"].iloc[0] == \
        pytest.approx(68.53922)


def test_unknown_measure_is_rejected():
    with pytest.raises(ValueError, match="measure"):
        sa.hle_msoa("qale", data_dir=FIX)


def _copy_fixture(tmp_path: Path) -> Path:
    shutil.copytree(FIX / "small_area", tmp_path / "small_area")
    return tmp_path / "small_area" / "ons_hle_le_msoa11_2009-13_llr.csv"


def test_unexpected_sex_names_the_file_and_values(tmp_path):
    path = _copy_fixture(tmp_path)
    text = path.read_text().replace("\nMale,", "\nMen,", 1)
    path.write_text(text)
    with pytest.raises(DataError, match=r"ons_hle_msoa_2009_13_llr.*'Sex'.*Men"):
        sa.hle_msoa("hle", data_dir=tmp_path)


def test_duplicate_rows_are_an_error(tmp_path):
    path = _copy_fixture(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(DataError, match="duplicated"):
        sa.hle_msoa("hle", data_dir=tmp_path)


def test_missing_column_is_named(tmp_path):
    path = _copy_fixture(tmp_path)
    df = pd.read_csv(path).drop(columns=["LE (Years)"])
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"LE \(Years\)"):
        sa.hle_msoa("hle", data_dir=tmp_path)


def test_missing_file_says_make_data(tmp_path):
    with pytest.raises(DataError, match="make data"):
        sa.le_localhealth_msoa(data_dir=tmp_path)


@pytest.mark.integration
def test_real_files_match_sources_md():
    eng = sa.le_localhealth_msoa()
    # SOURCES.md: 6,791 English MSOAs, each with a male and a female value; "N/A: 56 male and 19 female"
    assert len(eng) == 2 * 6791 and eng["msoa11cd"].nunique() == 6791
    blank = eng[eng["value"].isna()]
    assert (blank["sex"] == "Male").sum() == 56 and (blank["sex"] == "Female").sum() == 19
    la = sa.le_localhealth_la()
    # "461 = 152 UTLAs ... + 309 LTLAs"
    assert la.drop_duplicates(["area_type", "area_code"])["area_type"].value_counts().to_dict() == {
        "LTLA (2021)": 309, "UTLA (2021)": 152}
    hle = sa.hle_msoa("hle")
    assert len(hle) == 250 and hle["value"].notna().all()
