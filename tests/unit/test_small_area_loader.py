"""Small-area life expectancy loaders (jsna.load.small_area) on cut-down real rows.

Fixtures under tests/fixtures/two_babies/small_area/ are rows copied unchanged from the mirror
files (Leicester 001 E02002827 and Leicester 041 E02006851, whose LE is blank in the source).
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


def test_le_birth_renames_maps_sex_and_keeps_blanks():
    df = sa.le_birth_msoa(data_dir=FIX)
    assert list(df.columns) == ["msoa11cd", "msoa11nm", "sex", "deaths", "person_years", "value",
                                "lowercl", "uppercl", "period"]
    assert len(df) == 6
    assert set(df["sex"]) == {"Male", "Female", "Persons"}
    r = df[(df["msoa11cd"] == "E02002827") & (df["sex"] == "Persons")].iloc[0]
    # SOURCES.md: "Leicester 001 persons = 31,936"
    assert r["person_years"] == 31936
    assert r["deaths"] == 190
    assert r["value"] == pytest.approx(82.1669975)
    # Leicester 041 is one of the rows ONS left blank: it stays NA, never 0
    blank = df[df["msoa11cd"] == "E02006851"]
    assert blank["value"].isna().all() and blank["lowercl"].isna().all()
    assert (df["period"] == "2016-20").all()


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
    return tmp_path / "small_area" / "le_birth_msoa11_2016-20_llr.csv"


def test_unexpected_sex_names_the_file_and_values(tmp_path):
    path = _copy_fixture(tmp_path)
    text = path.read_text().replace(",Males,", ",Men,", 1)
    path.write_text(text)
    with pytest.raises(DataError, match=r"le_birth_msoa_2016_20_llr.*'Sex'.*Men"):
        sa.le_birth_msoa(data_dir=tmp_path)


def test_duplicate_rows_are_an_error(tmp_path):
    path = _copy_fixture(tmp_path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(DataError, match="duplicated"):
        sa.le_birth_msoa(data_dir=tmp_path)


def test_missing_column_is_named(tmp_path):
    path = _copy_fixture(tmp_path)
    df = pd.read_csv(path).drop(columns=["Population"])
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match="Population"):
        sa.le_birth_msoa(data_dir=tmp_path)


def test_missing_file_says_make_data(tmp_path):
    with pytest.raises(DataError, match="make data"):
        sa.le_birth_msoa(data_dir=tmp_path)


@pytest.mark.integration
def test_real_files_match_sources_md():
    llr = sa.le_birth_msoa()
    eng = sa.le_birth_msoa(england=True)
    # SOURCES.md: 375 rows = 125 MSOAs x 3; England 20,373 = 6,791 x 3
    assert len(llr) == 375 and llr["msoa11cd"].nunique() == 125
    assert len(eng) == 20373 and eng["msoa11cd"].nunique() == 6791
    # "9 LLR rows have a blank LE and CI"
    assert int(llr["value"].isna().sum()) == 9
    # "Its LLR rows are identical to le_birth_msoa11_2016-20_llr.csv"
    merged = llr.merge(eng, on=["msoa11cd", "sex"], suffixes=("", "_e"))
    assert len(merged) == 375
    assert (merged["value"].fillna(-1) == merged["value_e"].fillna(-1)).all()
    hle = sa.hle_msoa("hle")
    assert len(hle) == 250 and hle["value"].notna().all()
