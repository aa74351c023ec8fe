"""The one indicator registry (data/indicators.yaml), the shared comparisons (jsna.stats.compare),
the choice of value (latest period held), the agreed baseline and the peer rank, on fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.indicators import (
    NOT_HELD,
    NOT_HELD_COUNTY,
    REGISTRY,
    STAGES,
    IndicatorError,
    LaSource,
    baseline_row,
    indicators,
    is_old,
    la_latest,
    load_registry,
)
from jsna.load.fingertips import TIDY_COLUMNS
from jsna.neighbours import peer_rank
from jsna.stats.compare import (
    POLARITIES,
    compare_groups,
    compare_with_benchmark,
    judge,
    published_comparison,
)

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- the registry
def test_each_id_once_every_stage_and_one_vocabulary():
    ids = [i.id for i in REGISTRY]
    assert len(ids) == len(set(ids))
    assert {i.stage for i in REGISTRY} == set(STAGES)
    assert {i.polarity for i in REGISTRY} <= set(POLARITIES)
    # one Reception obesity indicator, used by both reports
    reception = [i for i in REGISTRY if "Reception" in i.name]
    assert [i.id for i in reception] == ["obesity_reception"]
    assert set(reception[0].reports) == {"two_babies", "equity_dashboard"}


def test_every_source_is_catalogued():
    from jsna.catalogue import load_catalogue

    cat = load_catalogue()
    for ind in REGISTRY:
        for sid in ind.source_ids:
            assert sid in cat, f"{ind.id}: source {sid} not in the catalogue"


def test_the_polarity_vocabulary_is_defined_once():
    """No module or data file other than jsna.stats.compare defines a polarity vocabulary."""
    pattern = re.compile(r"higher_is_better|lower_is_better|high_is_bad")
    hits = [p for p in [*ROOT.joinpath("lib").rglob("*.py"), *ROOT.joinpath("data").glob("*.yaml"),
                        *ROOT.joinpath("notebooks").glob("*.ipynb")] if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
    assert not (ROOT / "data" / "metrics.yaml").exists()


def test_reports_take_their_indicators_from_the_registry():
    babies = indicators(report="two_babies")
    dash = indicators(report="equity_dashboard")
    assert {"smoking", "obesity_reception", "active_adults"} <= {i.id for i in babies} & {i.id for i in dash}
    assert all(i.kind == "la" for i in dash)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: up, period: y, "
         "method: m, sources: [{source: s}]}", "polarity"),
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "method: m, sources: [{source: s}]}", "period"),
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "period: y, method: m, sources: [{source: s}], colour: red}", "unknown field"),
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "period: y, method: m, sources: [{source: s}], inequality: b}", "not an id"),
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "period: y, method: m, sources: [{file: s}]}", "needs 'source'"),
        ("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "period: y, method: m, sources: [{source: s}]}\n"
         "- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
         "period: y, method: m, sources: [{source: s}]}", "duplicate"),
    ],
)
def test_registry_errors_name_the_field(tmp_path, text, match):
    p = tmp_path / "indicators.yaml"
    p.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(IndicatorError, match=match):
        load_registry(p)


def test_adding_an_indicator_is_one_entry(tmp_path):
    p = tmp_path / "indicators.yaml"
    p.write_text("- {id: a, name: A, stage: Live well, kind: la, geography: LA, unit: '%', polarity: low_is_good, "
                 "period: calendar year, method: m, reports: [equity_dashboard], baseline: 2021, "
                 "sources: [{source: s, indicator: i}]}\n", encoding="utf-8")
    (a,) = load_registry(p)
    assert a.sources == (LaSource("s", "i"),) and a.baseline == "2021" and a.reports == ("equity_dashboard",)


# --------------------------------------------------------------------------- comparisons, by hand
@pytest.mark.parametrize(
    ("lo", "hi", "bench", "polarity", "expected"),
    [
        (25.0, 35.0, 20.0, "high_is_good", "better"),
        (25.0, 35.0, 20.0, "low_is_good", "worse"),
        (10.0, 15.0, 20.0, "high_is_good", "worse"),
        (10.0, 15.0, 20.0, "low_is_good", "better"),
        (10.0, 15.0, 20.0, "no_judgement", "lower"),
        (25.0, 35.0, 20.0, "no_judgement", "higher"),
        (15.0, 25.0, 20.0, "high_is_good", "similar"),
        (20.0, 25.0, 20.0, "high_is_good", "similar"),  # a limit touching the benchmark includes it
        (np.nan, 25.0, 20.0, "high_is_good", "not compared"),
        (15.0, 25.0, np.nan, "low_is_good", "not compared"),
    ],
)
def test_compare_with_benchmark(lo, hi, bench, polarity, expected):
    assert compare_with_benchmark(lo, hi, bench, polarity) == expected


def test_compare_with_benchmark_vectorised_and_bad_polarity():
    res = compare_with_benchmark(pd.Series([25.0, 10.0], index=[7, 8]), pd.Series([35.0, 30.0], index=[7, 8]), 20.0,
                                 pd.Series(["low_is_good", "high_is_good"], index=[7, 8]))
    assert list(res.index) == [7, 8] and list(res) == ["worse", "similar"]
    with pytest.raises(ValueError, match="polarity"):
        compare_with_benchmark(1.0, 2.0, 3.0, "higher_is_better")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [((9, 11), (4, 6), "higher"), ((4, 6), (9, 11), "lower"), ((8, 12), (9, 13), "no clear difference"),
     ((9, 11), (11, 12), "no clear difference"), ((np.nan, 11), (4, 6), "not tested")],
)
def test_compare_groups(a, b, expected):
    assert compare_groups(*a, *b) == expected


def test_judge_and_published_comparison():
    assert judge("higher", "high_is_good") == "better" and judge("higher", "low_is_good") == "worse"
    assert judge("lower", "low_is_good") == "better" and judge("lower", "no_judgement") == "lower"
    assert judge("no clear difference", "low_is_good") == "no clear difference"
    assert published_comparison("Better") == "better" and published_comparison("Similar") == "similar"
    assert published_comparison("Not compared") == "not compared" and published_comparison(pd.NA) == "not compared"
    assert published_comparison("Higher", 12, 10, "low_is_good") == "worse"
    assert published_comparison("Higher") == "not compared"  # direction unknown without values


# --------------------------------------------------------------------------- value, baseline, old
def _tidy(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(TIDY_COLUMNS, np.nan)
    df = pd.DataFrame([{**base, "sex": "Persons", "category": pd.NA, **r} for r in rows])
    for c in ("sex", "category", "note", "compared_to_england"):
        df[c] = df[c].astype("string")
    return df


def _row(source, code, year, value):
    return {"source_id": source, "indicator_id": "i", "area_code": code, "period": str(year), "value": value,
            "period_start": pd.Timestamp(year, 1, 1), "period_end": pd.Timestamp(year, 12, 31)}


def _ind(*sources):
    from jsna.indicators import Indicator

    return Indicator("t", "T", "Live well", "la", "LA", "%", "low_is_good", "calendar year", "m",
                     sources=tuple(LaSource(s, "i") for s in sources), baseline="2021")


def test_la_latest_takes_the_source_with_the_latest_period_for_each_area():
    la = _tidy([_row("new", "E06000001", 2024, 9.8), _row("new", "E92000001", 2024, 10.4),
                _row("new", "E92000001", 2023, 10.9),
                _row("ons", "E06000001", 2023, 14.6), _row("ons", "E10000001", 2023, 9.5),
                _row("ons", "E92000001", 2023, 11.6)])
    ind = _ind("new", "ons")
    city, county = la_latest(ind, la, "E06000001"), la_latest(ind, la, "E10000001")
    assert (city["value"], city["period"], city["source_id"], city["england"]) == (9.8, "2024", "new", 10.4)
    assert (county["value"], county["period"], county["source_id"], county["england"]) == (9.5, "2023", "ons", 11.6)
    # a tie goes to the first listed source
    assert la_latest(_ind("ons", "new"), la, "E06000001")["source_id"] == "new"


def test_missing_county_says_not_in_the_data_held():
    la = _tidy([_row("new", "E06000001", 2024, 9.8), _row("new", "E07000001", 2024, 8.0)])
    r = la_latest(_ind("new"), la, "E10000001")
    assert not r["available"] and r["note"] == NOT_HELD_COUNTY
    assert la_latest(_ind("new"), la, "E06000009")["note"] == NOT_HELD


def test_agreed_baseline_and_default_nearest_2021():
    years = [2018, 2019, 2020, 2021, 2022, 2023]
    s = pd.DataFrame({"period": [str(y) for y in years], "value": [1.0] * 6,
                      "period_start": [pd.Timestamp(y, 1, 1) for y in years],
                      "period_end": [pd.Timestamp(y, 12, 31) for y in years]})
    assert baseline_row(s, "2021")["period"] == "2021"
    assert baseline_row(s, None)["period"] == "2021"  # middle 2021-07-02 is nearest 2021-10-01
    assert baseline_row(s, "2017") is None  # agreed period not held
    assert baseline_row(s, "2023") is None  # the baseline is the latest period itself
    fy = pd.DataFrame({"period": ["2020/21", "2021/22", "2022/23"], "value": [1.0] * 3,
                       "period_start": [pd.Timestamp(y, 4, 1) for y in (2020, 2021, 2022)],
                       "period_end": [pd.Timestamp(y + 1, 3, 31) for y in (2020, 2021, 2022)]})
    assert baseline_row(fy, None)["period"] == "2021/22"
    pooled = pd.DataFrame({"period": ["2019-21", "2020-22", "2021-23", "2022-24"], "value": [1.0] * 4,
                           "period_start": [pd.Timestamp(y, 1, 1) for y in (2019, 2020, 2021, 2022)],
                           "period_end": [pd.Timestamp(y + 2, 12, 31) for y in (2019, 2020, 2021, 2022)]})
    assert baseline_row(pooled, None)["period"] == "2020-22"


def test_old_means_ended_more_than_five_years_ago():
    today = pd.Timestamp("2026-12-01")
    assert is_old(pd.Timestamp("2018-03-31"), today)
    assert not is_old(pd.Timestamp("2022-03-31"), today)
    assert not is_old(pd.NaT, today)


def test_peer_rank_direction_follows_polarity():
    values = {"A": 10.0, "P1": 12.0, "P2": 8.0, "P3": np.nan}
    # low is good: the dashboard ranks ascending, so the lowest value is 1st
    low = peer_rank(values, "A", ["P1", "P2", "P3"], ascending=True)
    high = peer_rank(values, "A", ["P1", "P2", "P3"], ascending=False)
    assert (low.rank, low.out_of, low.missing) == (2, 3, ("P3",))
    assert high.rank == 2
    assert peer_rank({"A": 7.0, "P1": 12.0, "P2": 8.0}, "A", ["P1", "P2"], ascending=True).rank == 1


def test_recent_life_expectancy_tries_the_live_fingertips_source_once_it_is_held(tmp_path):
    """Fingertips indicator 90366 (API, area type 502) lists every county: both sexes name it first;
    without its file (no `make data REFRESH=1`) it is not read, and the held sources that list every
    county (OHID Local Health 2015-19, ONS to 2016-18) give counties their own value (issue 23, item 3)."""
    from jsna.indicators import get_indicator, la_source_ids

    for iid in ("le_la_male", "le_la_female"):
        ind = get_indicator(iid)
        assert ind.sources[0].source == "fingertips_live_90366" and ind.sources[0].indicator == "90366"
        assert la_source_ids([ind], tmp_path) == ["ohid_localhealth_le_la_2015_19",
                                                  "ons_le_birth_age65_la_2001_03_2016_18",
                                                  "trafford_themes_life_expectancy"]
