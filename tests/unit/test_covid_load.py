"""Covid-19 loaders on small hand-written fixtures (tests/fixtures/covid), including bad input."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.load import DataError
from jsna.load import covid as load

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "covid" / "data"
LTLA = "ukhsa_ltla_cases_daily_england_2020-2023.csv.gz"
WEEKLY = "ukhsa_msoa_cases_weekly_england_2020.csv.gz"
UTLA = "ukhsa_utla_cases_deaths28d_daily_england_to_2021-06-21.csv.gz"
ONS = "ons_msoa_covid_deaths_mar-dec2020_imd_england.csv"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch):
    """Parquet caches of fixture files go to this test's own directory, never to data/processed."""
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "data")
    return tmp_path / "data"


def _edit(data_dir: Path, name: str, old: str, new: str) -> None:
    p = data_dir / "covid" / name
    gz = p.suffix == ".gz"
    text = gzip.decompress(p.read_bytes()).decode() if gz else p.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    if gz:
        p.write_bytes(gzip.compress(text.encode()))
    else:
        p.write_text(text)


def test_msoa_deaths_2020_published_interface():
    df = load.msoa_deaths_2020(FIXTURES)
    assert list(df.columns[:4]) == ["msoa11cd", "deaths", "crude_rate", "imd_score"]
    assert df["deaths"].tolist() == [4, 1, 0]
    assert df["deaths"].dtype == "int64"
    assert df["imd_score"].tolist() == [40.5, 12.0, 8.25]


def test_msoa_deaths_duplicate_msoa_is_an_error(data_dir):
    _edit(data_dir, ONS, "E02900002", "E02900001")
    with pytest.raises(DataError, match=r"ons_msoa_covid_deaths.*MSOA11CD"):
        load.msoa_deaths_2020(data_dir)


def test_msoa_deaths_missing_column_names_it(data_dir):
    _edit(data_dir, ONS, "Deaths,", "Death_count,")
    with pytest.raises(DataError, match="Deaths"):
        load.msoa_deaths_2020(data_dir)


def test_msoa_deaths_negative_count_is_an_error(data_dir):
    _edit(data_dir, ONS, "50.0,4,", "50.0,-4,")
    with pytest.raises(DataError, match="negative"):
        load.msoa_deaths_2020(data_dir)


def test_ltla_cases_tidy_and_sorted():
    df = load.ltla_cases_daily(FIXTURES)
    assert list(df.columns) == ["area_code", "area_name", "date", "cases", "population"]
    assert df["cases"].sum() == 3 + 1 + 5 + 2 + 4
    assert df["date"].dtype.kind == "M"


def test_ltla_cases_negative_population_is_an_error(data_dir):
    _edit(data_dir, LTLA, ",50000,", ",-50000,")
    with pytest.raises(DataError, match="population"):
        load.ltla_cases_daily(data_dir)


def test_ltla_cases_duplicate_day_is_an_error(data_dir):
    _edit(data_dir, LTLA, "E06000901,2020-03-02", "E06000901,2020-03-01")
    with pytest.raises(DataError, match="area_code, date"):
        load.ltla_cases_daily(data_dir)


def test_ltla_cases_bad_date_names_column(data_dir):
    _edit(data_dir, LTLA, "2020-03-04", "4th March")
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
    assert all(s.startswith(("covid_vacc", "covid_nims")) for s in load.LLR_ONLY)  # only vaccination is LLR-only
    for sid in load.CODE_VINTAGE:
        assert get_source(sid).parquet  # the all-England files are parsed once, then read from parquet


def test_utla_loader_tidy_blank_deaths_missing():
    df = load.utla_cases_deaths_daily(FIXTURES)
    assert list(df.columns) == ["area_code", "area_name", "date", "cases", "deaths"]
    assert df["area_code"].tolist() == ["E06000901", "E06000901", "E10000901", "E10000901"]  # sorted
    assert df["deaths"].isna().sum() == 1 and df["deaths"].sum() == 1 + 2 + 0


def test_england_loaders_are_cached_as_parquet(tmp_path):
    first = load.ltla_cases_daily(FIXTURES)
    files = sorted((tmp_path / "processed").glob("covid_ltla_cases_daily_england-tidy-v1-*.parquet"))
    assert len(files) == 1
    pd.testing.assert_frame_equal(load.ltla_cases_daily(FIXTURES), first)


def test_edited_england_file_is_parsed_again(data_dir, tmp_path):
    assert load.ltla_cases_daily(data_dir)["cases"].sum() == 15
    _edit(data_dir, LTLA, "E06000902,2020-03-03,4,", "E06000902,2020-03-03,40,")
    assert load.ltla_cases_daily(data_dir)["cases"].sum() == 51  # new bytes, new cache key


def test_population_changing_within_a_district_is_an_error(data_dir):
    _edit(data_dir, LTLA, "E06000901,2020-03-02,1,100000", "E06000901,2020-03-02,1,100001")
    with pytest.raises(DataError, match="population"):
        load.ltla_cases_daily(data_dir)


# --------------------------------------------------------------------------- MSOA populations


def test_msoa_population_recovered_from_the_published_rates():
    """Worked by hand. A: 5 deaths at 62.5 per 100,000 -> 5 x 100,000 / 62.5 = 8,000 exactly.
    B: no deaths; weeks of 7 cases at 87.5 and 4 at 50.0 (rates rounded to 0.1) bound the population
    to [7e5/87.55, 7e5/87.45] = [7995.4, 8004.6] and [4e5/50.05, 4e5/49.95] = [7992.0, 8008.0]: 7,996 to
    8,004, several whole numbers. C: no deaths, no weeks; it is its district's last unknown MSOA, so its
    population is the district's 24,000 less A's 8,000 and D's 9,000 = 7,000. B (district 2, with an
    unknown E) stays approximate: the middle 8,000, within 4. E has no deaths and no published week."""
    deaths = pd.DataFrame({"msoa11cd": ["A", "B", "C", "D", "E"], "deaths": [5, 0, 0, 9, 0],
                           "crude_rate": [62.5, 0.0, 0.0, 100.0, 0.0]})
    weekly = pd.DataFrame({"msoa11cd": ["B", "B", "D"], "cases": pd.array([7, 4, pd.NA], dtype="Int64"),
                           "rate": [87.5, 50.0, np.nan]})
    lookup = pd.DataFrame({"msoa11cd": ["A", "B", "C", "D", "E"], "lad19cd": ["L1", "L2", "L1", "L1", "L2"]})
    out = load.derive_msoa_population(deaths, weekly, lookup, pd.Series({"L1": 24_000, "L2": 15_000})).set_index(
        "msoa11cd")
    assert out.at["A", "population"] == 8_000 and out.at["A", "method"] == "deaths"
    assert out.at["D", "population"] == 9_000
    assert out.at["C", "population"] == 7_000 and out.at["C", "method"] == "district remainder"
    assert out.at["B", "population"] == 8_000 and out.at["B", "method"] == "case rates, approximate"
    assert out.at["B", "uncertainty"] == 4  # (8,004 - 7,996) / 2
    assert pd.isna(out.at["E", "population"]) and out.at["E", "method"] == "none"
    assert (out.loc[["A", "C", "D"], "uncertainty"] == 0).all()


def test_msoa_population_from_one_case_rate_when_the_bounds_meet():
    """Worked by hand. X: one week of 81 cases at 1,000.0 per 100,000 bounds the population to
    81e5 / 1000.05 = 8,099.6 .. 81e5 / 999.95 = 8,100.4, one whole number. Y: 3 cases at 50.0 give
    5,994.0 .. 6,006.0 and 6 cases at 100.0 give 5,997.0 .. 6,003.0: 5,997 to 6,003, approximately 6,000."""
    deaths = pd.DataFrame({"msoa11cd": ["X", "Y"], "deaths": [0, 0], "crude_rate": [0.0, 0.0]})
    weekly = pd.DataFrame({"msoa11cd": ["X", "Y", "Y"], "cases": pd.array([81, 3, 6], dtype="Int64"),
                           "rate": [1000.0, 50.0, 100.0]})
    lookup = pd.DataFrame({"msoa11cd": ["X", "Y"], "lad19cd": ["L", "L"]})
    out = load.derive_msoa_population(deaths, weekly, lookup, pd.Series(dtype=float)).set_index("msoa11cd")
    assert out.at["X", "population"] == 8_100 and out.at["X", "method"] == "case rates"
    assert out.at["Y", "population"] == 6_000 and out.at["Y", "uncertainty"] == 3
