"""ONS age-standardised Covid-19 mortality (issue 23, item 5) on the real files: the tidy tables against the ONS
workbook they were made from and against the figures covid/SOURCES.md quotes, and the report's benchmark for
Leicester, Leicestershire and Rutland.

The workbook is read here with plain pandas (no jsna loader): sheet "Table 3", 90 data rows from the seventh line,
the ten-month total in the last five columns."""

from __future__ import annotations

import pandas as pd
import pytest
from jsna import paths
from jsna.load import covid
from jsna.places import load_place
from jsna.topics.covid_impact import compute as cv
from jsna.topics.covid_impact import text as say

pytestmark = pytest.mark.integration

WORKBOOK = "covid/ons_covid_deaths_by_la_and_deprivation_mar-dec2020.xlsx"


@pytest.fixture(scope="module")
def deciles():
    if not (paths.raw_dir() / WORKBOOK).is_file():
        pytest.skip(f"{WORKBOOK} missing: run `make data`")
    return covid.ons_asmr_deciles()


@pytest.fixture(scope="module")
def areas(deciles):
    return covid.ons_asmr_areas()


def _ten_months(df: pd.DataFrame, sex: str = "People") -> pd.DataFrame:
    return df[(df["cause"] == "Due to COVID-19") & (df["sex"] == sex) & (df["period"] == covid.TEN_MONTHS)]


def test_the_tidy_deciles_are_the_workbook_table_3(deciles):
    raw = pd.read_excel(paths.raw_dir() / WORKBOOK, sheet_name="Table 3", header=None, skiprows=6, nrows=90)
    book = pd.DataFrame({"cause": raw[0], "sex": raw[1], "deaths": raw[64], "rate": raw[65], "lowercl": raw[67],
                         "uppercl": raw[68]})
    tidy = deciles[deciles["period"] == covid.TEN_MONTHS].reset_index(drop=True)
    assert len(tidy) == len(book) == 90
    for col in ("cause", "sex", "deaths", "rate", "lowercl", "uppercl"):
        assert (tidy[col].astype(str).to_numpy() == book[col].astype(str).to_numpy()).all(), col


def test_key_values_are_those_sources_md_quotes(deciles, areas):
    d = _ten_months(deciles).set_index("decile")
    # "COVID-19 decile 1 = 8,560 deaths, ASMR 266.3 (260.6-271.9); decile 10 = 5,341 deaths, ASMR 96.1 (93.5-98.7)"
    assert tuple(d.loc[1, ["deaths", "rate", "lowercl", "uppercl"]]) == (8560, 266.3, 260.6, 271.9)
    assert tuple(d.loc[10, ["deaths", "rate", "lowercl", "uppercl"]]) == (5341, 96.1, 93.5, 98.7)
    assert d["deaths"].sum() == 69_041  # "the 10 deciles' 10-month deaths sum exactly to the England row"
    a = _ten_months(areas).set_index("area_code")
    assert tuple(a.loc["E06000016", ["deaths", "rate", "lowercl", "uppercl"]]) == (466, 234.7, 213.2, 256.2)
    assert tuple(a.loc["E10000018", ["deaths", "rate"]]) == (821, 131.3)
    assert tuple(a.loc["E06000017", ["deaths", "rate"]]) == (32, 72.0)
    assert tuple(a.loc["E92000001", ["deaths", "rate", "lowercl", "uppercl"]]) == (69_041, 149.8, 148.7, 150.9)
    # "UAs + counties + metropolitan districts + London boroughs sum exactly to England"
    top = a[a["geography_type"].isin(["Unitary Authority", "County", "Metropolitan District", "London Borough"])]
    assert top["deaths"].sum() == 69_041


@pytest.mark.parametrize(("place_id", "expected"), [
    # Leicester 213.2-256.2 above England 148.7-150.9; Leicestershire 122.3-140.3 and Rutland 49.0-102.0 below
    ("leicester", {"Leicester": "higher"}),
    ("llr", {"Leicester": "higher", "Leicestershire": "lower", "Rutland": "lower"}),
])
def test_each_council_beside_england(place_id, expected, deciles, areas):
    place = load_place(place_id)
    b = cv.asmr_benchmark(place, deciles, areas)
    got = dict(zip(b.areas["area_name"], b.areas["compared"], strict=True))
    assert got == {**expected, "England": ""} and not b.predecessors
    s = say.asmr_sentences(place, b)
    assert s[0].startswith("From March to December 2020, deaths due to Covid-19 in England's most deprived tenth of "
                           "neighbourhoods were 266.3 per 100,000 against 96.1 in the least deprived tenth: 2.8 times")
    assert s[1] == ("In Leicester, deaths due to Covid-19 from March to December 2020 were 234.7 per 100,000 "
                    "(age-standardised; 95% CI 213.2 to 256.2), higher than England's 149.8 (95% CI 148.7 to 150.9): "
                    "the intervals do not overlap.")
    summary = say.asmr_summary_sentence(place, b)
    if place_id == "llr":
        assert summary.endswith("; against England's 149.8, the rate was 234.7 in Leicester (higher), 131.3 in "
                                "Leicestershire (lower) and 72.0 in Rutland (lower) (ONS, age-standardised).")
    else:
        assert summary.endswith("; Leicester's rate was 234.7, higher than England's 149.8 (ONS, age-standardised).")


def test_a_council_formed_since_2020_is_shown_as_the_areas_it_was_formed_from(deciles, areas, tmp_path):
    """North Yorkshire (E06000065, April 2023) is not in ONS's table of April 2020 councils; its county of 2019,
    E10000023, covers the same area and is shown, and the report says so."""
    from jsna.geo import load_valid_place, write_params

    place = load_valid_place(write_params("E06000065", tmp_path).stem, tmp_path)
    b = cv.asmr_benchmark(place, deciles, areas)
    assert b.predecessors and list(b.areas["area_code"]) == ["E10000023", "E92000001"]
    assert say.asmr_sentences(place, b)[-1] == ("ONS published these rates for the councils of April 2020, so "
                                                f"{place.name} is shown as the areas it was formed from.")
