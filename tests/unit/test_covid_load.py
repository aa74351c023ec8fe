"""Covid-19 loaders on small hand-written fixtures (tests/fixtures/covid), including bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from jsna.load import DataError
from jsna.load import covid as load

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "covid" / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "data")
    return tmp_path / "data"


def _edit(data_dir: Path, name: str, old: str, new: str) -> None:
    p = data_dir / "covid" / name
    text = p.read_text()
    assert old in text
    p.write_text(text.replace(old, new, 1))


def test_msoa_deaths_2020_published_interface():
    df = load.msoa_deaths_2020(FIXTURES)
    assert list(df.columns[:4]) == ["msoa11cd", "deaths", "crude_rate", "imd_score"]
    assert df["deaths"].tolist() == [4, 1, 0]
    assert df["deaths"].dtype == "int64"
    assert df["imd_score"].tolist() == [40.5, 12.0, 8.25]


def test_msoa_deaths_duplicate_msoa_is_an_error(data_dir):
    _edit(data_dir, "ons_msoa_covid_deaths_mar-dec2020_imd_llr.csv", "E02900002", "E02900001")
    with pytest.raises(DataError, match=r"ons_msoa_covid_deaths.*MSOA11CD"):
        load.msoa_deaths_2020(data_dir)


def test_msoa_deaths_missing_column_names_it(data_dir):
    _edit(data_dir, "ons_msoa_covid_deaths_mar-dec2020_imd_llr.csv", "Deaths,", "Death_count,")
    with pytest.raises(DataError, match="Deaths"):
        load.msoa_deaths_2020(data_dir)


def test_msoa_deaths_negative_count_is_an_error(data_dir):
    _edit(data_dir, "ons_msoa_covid_deaths_mar-dec2020_imd_llr.csv", "50.0,4,", "50.0,-4,")
    with pytest.raises(DataError, match="negative"):
        load.msoa_deaths_2020(data_dir)


def test_ltla_cases_tidy_and_sorted():
    df = load.ltla_cases_daily(FIXTURES)
    assert list(df.columns) == ["area_code", "area_name", "date", "cases", "population"]
    assert df["cases"].sum() == 3 + 1 + 5 + 2 + 4
    assert df["date"].dtype.kind == "M"


def test_ltla_cases_negative_population_is_an_error(data_dir):
    _edit(data_dir, "ukhsa_ltla_cases_daily_llr.csv", ",50000,", ",-50000,")
    with pytest.raises(DataError, match="population"):
        load.ltla_cases_daily(data_dir)


def test_ltla_cases_duplicate_day_is_an_error(data_dir):
    _edit(data_dir, "ukhsa_ltla_cases_daily_llr.csv", "E06000901,2020-03-02", "E06000901,2020-03-01")
    with pytest.raises(DataError, match="area_code, date"):
        load.ltla_cases_daily(data_dir)


def test_ltla_cases_bad_date_names_column(data_dir):
    _edit(data_dir, "ukhsa_ltla_cases_daily_llr.csv", "2020-03-04", "4th March")
    with pytest.raises(DataError, match="'date'"):
        load.ltla_cases_daily(data_dir)


def test_msoa_weekly_blank_weeks_are_suppressed_not_zero():
    df = load.msoa_cases_weekly_2020(FIXTURES)
    assert int(df["suppressed"].sum()) == 2
    assert df.loc[df["suppressed"], "cases"].isna().all()


def test_vaccinations_long_keeps_error_cells_missing():
    df = load.vaccinations_msoa_2021_07(FIXTURES)
    assert len(df) == 2 * 2 * 13
    beta = df[(df["msoa11cd"] == "E02900002") & (df["dose"] == 1) & (df["age_band"] == "under_25")]
    assert beta["vaccinated"].isna().all()
    assert set(df["age_band"]) >= {"under_25", "25_29", "80_plus"}


def test_vaccinations_negative_count_is_an_error(data_dir):
    _edit(data_dir, "nhse_vaccinations_msoa_2021-07-15_llr.csv", "Alpha,100,", "Alpha,-100,")
    with pytest.raises(DataError, match="negative"):
        load.vaccinations_msoa_2021_07(data_dir)


def test_nims_wide_keys():
    df = load.nims_msoa(FIXTURES)
    assert list(df.columns[:3]) == ["msoa11cd", "under_16", "16_24"]
    assert df.set_index("msoa11cd").at["E02900001", "16_plus"] == 2480


def test_missing_file_says_make_data(tmp_path):
    with pytest.raises(DataError, match="make data"):
        load.msoa_deaths_2020(tmp_path)


def test_llr_only_sources_are_catalogued():
    from jsna.catalogue import get_source

    for sid in load.LLR_ONLY:
        src = get_source(sid)
        assert src.family == "covid" and src.url.startswith("https://")
    assert isinstance(load.ltla_cases_daily(FIXTURES), pd.DataFrame)
