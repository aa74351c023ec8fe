"""Fingertips-family loaders on small fixtures: period spellings, NA spellings, layouts, filling."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from jsna.load import DataError
from jsna.load.fingertips import (
    TIDY_COLUMNS,
    PeriodError,
    fingertips_api_csv,
    la_indicators,
    normalise_period,
    normalise_periods,
    ons_csv,
    trafford_csv,
)

# fixture files are not the catalogued bytes: see tests/unit/conftest.py
pytestmark = pytest.mark.usefixtures("fixture_files_trusted")

RAW = Path(__file__).parents[1] / "fixtures" / "fingertips" / "raw"
API = RAW / "fingertips" / "format_examples"

T = pd.Timestamp


@pytest.mark.parametrize(
    ("raw", "label", "start", "end"),
    [
        ("2015", "2015", T(2015, 1, 1), T(2015, 12, 31)),
        (2018, "2018", T(2018, 1, 1), T(2018, 12, 31)),
        ("2018.0", "2018", T(2018, 1, 1), T(2018, 12, 31)),
        ("2015 - 17", "2015-17", T(2015, 1, 1), T(2017, 12, 31)),
        ("2015-17", "2015-17", T(2015, 1, 1), T(2017, 12, 31)),
        ("2015-2017", "2015-17", T(2015, 1, 1), T(2017, 12, 31)),
        ("1999-01", "1999-01", T(1999, 1, 1), T(2001, 12, 31)),
        ("2015/16", "2015/16", T(2015, 4, 1), T(2016, 3, 31)),
        ("1999/00", "1999/00", T(1999, 4, 1), T(2000, 3, 31)),
        ("2020/21 - 24/25", "2020/21-24/25", T(2020, 4, 1), T(2025, 3, 31)),
        ("2015-11-16/P1Y", "2015/16", T(2015, 11, 16), T(2016, 11, 15)),
        ("2013-01-01/P1Y", "2013", T(2013, 1, 1), T(2013, 12, 31)),
        ("2020-01-01/P3Y", "2020-22", T(2020, 1, 1), T(2022, 12, 31)),
        ("2019-01-01/P5Y", "2019-23", T(2019, 1, 1), T(2023, 12, 31)),
        ("2006-08-01T00:00:00/P1Y", "2006/07", T(2006, 8, 1), T(2007, 7, 31)),
        ("  2015/16 ", "2015/16", T(2015, 4, 1), T(2016, 3, 31)),
    ],
)
def test_normalise_period_table(raw, label, start, end):
    p = normalise_period(raw)
    assert (p.label, p.start, p.end) == (label, start, end)


@pytest.mark.parametrize("raw", ["2015/17", "2017-15", "Q1 2015", "", "15/16", "2015-11-16/P0Y"])
def test_normalise_period_rejects_unknown(raw):
    with pytest.raises(PeriodError):
        normalise_period(raw)


def test_same_period_spelled_three_ways_matches():
    labels = {normalise_period(x).label for x in ("2015 - 17", "2015-17", "2015-01-01/P3Y")}
    assert labels == {"2015-17"}
    assert normalise_period("2006/07").label == normalise_period("2006-08-01/P1Y").label


def test_normalise_periods_names_file_on_error():
    with pytest.raises(DataError, match=r"myfile\.csv.*'2015/17'"):
        normalise_periods(pd.Series(["2015", "2015/17"]), "myfile.csv")


def test_api_csv_r_rewritten_na_spelling():
    df = fingertips_api_csv(API / "api_R_rewritten.csv")
    assert list(df.columns) == TIDY_COLUMNS
    # Leicester appears under two parents in the file; kept once
    leic = df[df["area_code"] == "E06000016"]
    assert len(leic) == 1
    assert leic["value"].iloc[0] == pytest.approx(7.59776842034744)
    assert leic["period"].iloc[0] == "2018" and leic["indicator_id"].iloc[0] == "93861"
    assert leic["age"].iloc[0] == "30+ yrs" and leic["sex"].iloc[0] == "Persons"
    # "NA" is missing, not the string "NA"
    rut = df[df["area_code"] == "E06000017"]
    assert rut["value"].isna().all() and rut["lower_ci95"].isna().all()


def test_api_csv_original_empty_missing_and_counts():
    df = fingertips_api_csv(API / "api_original.csv")
    assert df["indicator_name"].iloc[0] == "Campylobacter incidence rate/100,000"  # embedded newline gone
    leic = df[df["area_code"] == "E06000016"].iloc[0]
    assert (leic["count"], leic["denominator"]) == (177, 342627)
    assert leic["compared_to_england"] == "Better"
    assert pd.isna(leic["lower_ci998"])
    rut = df[df["area_code"] == "E06000017"].iloc[0]
    assert pd.isna(rut["value"]) and pd.isna(rut["count"])


def test_api_csv_rejects_other_layout(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a Fingertips API CSV"):
        fingertips_api_csv(bad)
    with pytest.raises(DataError, match="not found"):
        fingertips_api_csv(tmp_path / "missing.csv")


def test_trafford_layout_sex_and_missing():
    df = trafford_csv("trafford_themes_healthy_life_expectancy", data_dir=RAW)
    assert set(df["sex"]) == {"Male", "Female"}
    assert df["category"].isna().all()
    fem = df[(df["area_code"] == "E06000016") & (df["sex"] == "Female")]
    assert fem["value"].isna().all() and len(fem) == 2  # "NA" and empty both missing
    assert set(df["period"]) == {"2020-22", "2021-23"}
    male = df[(df["area_code"] == "E06000016") & (df["sex"] == "Male") & (df["period"] == "2021-23")]
    assert male["value"].iloc[0] == 57.6 and male["compared_to_england"].iloc[0] == "Worse"


def test_ons_upper_case_layout_status_and_polarity():
    df = ons_csv("ons_overweight_children_at_year_6_age_aged_10_to_11_years", data_dir=RAW)
    leics = df[df["area_code"] == "E10000018"].set_index("period")
    assert leics.loc["2021/22", "value"] == pytest.approx(33.20053)
    assert leics.loc["2021/22", "upper_ci95"] == pytest.approx(34.27705)
    assert pd.isna(leics.loc["2020/21", "value"])
    assert "status u" in leics.loc["2020/21", "note"]
    assert set(df["polarity"]) == {"low_is_good"}


def test_ons_lower_case_layout_sex_from_name():
    df = ons_csv("ons_healthy_life_expectancy", data_dir=RAW)
    assert set(df["sex"]) == {"Male", "Female"}
    assert df["polarity"].isna().all()


def test_leicestershire_filled_from_ons_with_note():
    df = la_indicators(sources=["trafford_themes_healthy_life_expectancy"], data_dir=RAW)
    assert set(df["source_id"]) == {"trafford_themes_healthy_life_expectancy"}
    county = df[df["area_code"] == "E10000018"].sort_values(["sex", "period"])
    # Only periods the Trafford file publishes (2020-22, 2021-23), never the ONS-only 2019-21
    assert list(zip(county["sex"], county["period"], county["value"], strict=True)) == [
        ("Female", "2021-23", 63.2), ("Male", "2020-22", 63.0), ("Male", "2021-23", 62.7)]
    assert county["note"].str.contains("ONS Explore local statistics").all()
    assert (county["period_start"] == T(2020, 1, 1)).sum() == 1
    # Leicester's own Trafford rows are untouched (no note)
    assert df.loc[df["area_code"] == "E06000016", "note"].isna().all()


def test_fill_can_be_switched_off_and_areas_filter():
    df = la_indicators(sources=["trafford_themes_healthy_life_expectancy"], data_dir=RAW,
                       fill_leicestershire=False, areas=["E10000018", "E92000001"])
    assert set(df["area_code"]) == {"E92000001"}


def test_unknown_source_id_is_a_clear_error():
    with pytest.raises(DataError, match="unknown source id"):
        la_indicators(sources=["no_such_source"], data_dir=RAW)
