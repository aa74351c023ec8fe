"""Benchmarking against England: significance (95% / 99.8%), limits via jsna.stats, trend, dashboard."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from jsna.load.fingertips import TIDY_COLUMNS
from jsna.topics.equity_dashboard.charts import spine_chart, spine_positions
from jsna.topics.equity_dashboard.compute import (
    Metric,
    MetricsError,
    add_limits,
    compare_to_benchmark,
    dashboard,
    dashboard_display,
    load_metrics,
    recent_trend,
)
from jsna.topics.equity_dashboard.text import dashboard_sentences

Z95, Z998 = 1.959963984540054, 3.090232306167813


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval written out by hand (Newcombe 1998, method 3), as percentages."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _tidy(**cols) -> pd.DataFrame:
    n = max(len(v) if isinstance(v, list) else 1 for v in cols.values())
    base = {c: [np.nan] * n for c in TIDY_COLUMNS}
    base.update({k: (v if isinstance(v, list) else [v] * n) for k, v in cols.items()})
    df = pd.DataFrame(base)
    for c in ("sex", "category", "age", "note", "compared_to_england", "unit", "polarity"):
        df[c] = df[c].astype("string")
    return df


# --------------------------------------------------------------------------- compare_to_benchmark
@pytest.mark.parametrize(
    ("lo", "hi", "bench", "polarity", "expected"),
    [
        (25.0, 35.0, 20.0, "higher_is_better", "better"),
        (25.0, 35.0, 20.0, "lower_is_better", "worse"),
        (10.0, 15.0, 20.0, "higher_is_better", "worse"),
        (10.0, 15.0, 20.0, "lower_is_better", "better"),
        (15.0, 25.0, 20.0, "higher_is_better", "similar"),
        (20.0, 25.0, 20.0, "higher_is_better", "similar"),  # limit touching England = includes it
        (np.nan, 25.0, 20.0, "higher_is_better", "not compared"),
        (15.0, 25.0, np.nan, "lower_is_better", "not compared"),
    ],
)
def test_compare_to_benchmark_cases(lo, hi, bench, polarity, expected):
    assert compare_to_benchmark(lo, hi, bench, polarity) == expected


def test_compare_to_benchmark_vectorised_and_bad_polarity():
    lo = pd.Series([25.0, 10.0], index=[7, 8])
    res = compare_to_benchmark(lo, pd.Series([35.0, 30.0], index=[7, 8]), 20.0,
                               pd.Series(["lower_is_better", "higher_is_better"], index=[7, 8]))
    assert list(res.index) == [7, 8] and list(res) == ["worse", "similar"]
    with pytest.raises(ValueError, match="polarity"):
        compare_to_benchmark(1.0, 2.0, 3.0, "up")


# --------------------------------------------------------------------------- limits via jsna.stats
def test_wilson_limits_via_stats_give_better_at_95_similar_at_998():
    # 30 of 100 (30%) against England 20%: hand-computed Wilson limits 21.9-39.6% (95%) exclude 20,
    # 18.1-45.4% (99.8%) include it -> better at 95%, similar at 99.8%.
    rows = add_limits(_tidy(value=30.0, count=30.0, denominator=100.0), "wilson")
    lo95, hi95 = _wilson(30, 100, Z95)
    lo998, hi998 = _wilson(30, 100, Z998)
    assert rows.loc[0, "lower95"] == pytest.approx(lo95, abs=1e-6)
    assert rows.loc[0, "upper95"] == pytest.approx(hi95, abs=1e-6)
    assert rows.loc[0, "lower998"] == pytest.approx(lo998, abs=1e-6)
    assert rows.loc[0, "upper998"] == pytest.approx(hi998, abs=1e-6)
    assert round(lo95, 1) == 21.9 and round(lo998, 1) == 18.1
    assert compare_to_benchmark(rows.loc[0, "lower95"], rows.loc[0, "upper95"], 20.0, "higher_is_better") == "better"
    assert compare_to_benchmark(rows.loc[0, "lower998"], rows.loc[0, "upper998"], 20.0,
                                "higher_is_better") == "similar"
    assert "Wilson" in rows.loc[0, "ci_method"]


def test_byars_limits_reproduce_published_fingertips_row():
    # Fingertips indicator 93356, Leicester 2015: 177 cases / 342,627 people = 51.66 per 100,000,
    # published 95% limits 44.3292799600907 to 59.8560756159834 (format_examples export).
    # (Fingertips rounds z to 1.96; the exact z moves the limits by under 0.001.)
    rows = add_limits(_tidy(value=51.6596765578895, count=177.0, denominator=342627.0), "byars")
    assert rows.loc[0, "lower95"] == pytest.approx(44.3292799600907, abs=1e-3)
    assert rows.loc[0, "upper95"] == pytest.approx(59.8560756159834, abs=1e-3)
    # England 94.73 per 100,000 is above both intervals; lower is better -> better at both levels
    for lo, hi in (("lower95", "upper95"), ("lower998", "upper998")):
        assert compare_to_benchmark(rows.loc[0, lo], rows.loc[0, hi], 94.7261896202678,
                                    "lower_is_better") == "better"


def test_published_95_scaled_to_998_by_hand():
    rows = add_limits(_tidy(value=50.0, lower_ci95=45.0, upper_ci95=56.0))
    k = Z998 / Z95  # 1.576679...
    assert rows.loc[0, "lower998"] == pytest.approx(50 - 5 * k)  # 42.1166
    assert rows.loc[0, "upper998"] == pytest.approx(50 + 6 * k)  # 59.4601
    assert rows.loc[0, "lower998"] == pytest.approx(42.1166, abs=1e-4)
    assert "scaled" in rows.loc[0, "ci_method"]


def test_published_998_used_as_given_and_no_limits_flagged():
    rows = add_limits(_tidy(value=[50.0, 40.0], lower_ci95=[45.0, np.nan], upper_ci95=[56.0, np.nan],
                            lower_ci998=[40.0, np.nan], upper_ci998=[61.0, np.nan]))
    assert (rows.loc[0, "lower998"], rows.loc[0, "upper998"]) == (40.0, 61.0)
    assert rows.loc[0, "ci_method"] == "published 95% and 99.8%"
    assert np.isnan(rows.loc[1, "lower998"]) and rows.loc[1, "ci_method"] == "no limits published"


def test_count_methods_need_counts():
    with pytest.raises(ValueError, match="count and denominator"):
        add_limits(_tidy(value=1.0), "wilson")
    with pytest.raises(ValueError, match="ci_method"):
        add_limits(_tidy(value=1.0), "bootstrap")


# --------------------------------------------------------------------------- trend
@pytest.mark.parametrize(
    ("values", "polarity", "expected"),
    [
        ([1, 2, 3, 4, 5], "higher_is_better", "getting better"),
        ([1, 2, 3, 4, 5], "lower_is_better", "getting worse"),
        ([9, 1, 2, 3, 4, 5], "lower_is_better", "getting worse"),  # only the last five count
        ([5, 4.1, 3, 2.2, 1], "lower_is_better", "getting better"),
        ([1, 3, 2, 3, 2], "higher_is_better", "no significant change"),
        ([5, 5, 5], "higher_is_better", "no significant change"),
        ([1, np.nan, 2], "higher_is_better", "cannot be calculated"),
    ],
)
def test_recent_trend(values, polarity, expected):
    assert recent_trend(values, polarity) == expected


# --------------------------------------------------------------------------- metric set
def test_committed_metric_set_is_valid_and_sources_exist():
    from jsna.catalogue import load_catalogue

    metrics = load_metrics()
    cat = load_catalogue()
    assert len(metrics) >= 20
    for m in metrics:
        for s in m.source:
            assert s in cat, f"{m.id}: source {s} not in catalogue"
    assert {m.life_stage for m in metrics} >= {"Start well", "Live well", "Age well"}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("- {id: a, name: A, source: s, polarity: up, life_stage: Live well, period: year}", "polarity"),
        ("- {id: a, name: A, source: s, polarity: lower_is_better, life_stage: Live well}", "period"),
        ("- {id: a, name: A, source: s, polarity: lower_is_better, life_stage: Live well, period: y, "
         "colour: red}", "unknown field"),
        ("- {id: a, name: A, source: s, polarity: lower_is_better, life_stage: Live well, period: y, "
         "inequality: b}", "not a metric id"),
        ("- {id: a, name: A, source: s, polarity: lower_is_better, life_stage: Live well, period: y, "
         "core20: Dentistry}", "core20"),
    ],
)
def test_metric_set_errors_name_the_field(tmp_path, text, match):
    p = tmp_path / "metrics.yaml"
    p.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(MetricsError, match=match):
        load_metrics(p)


# --------------------------------------------------------------------------- dashboard
def _indicators() -> pd.DataFrame:
    periods = ["2019", "2020", "2021", "2022", "2023"]
    starts = [pd.Timestamp(int(p), 1, 1) for p in periods]
    a = _tidy(source_id="src_a", indicator_id="x", indicator_name="X", area_code=["E92000001"] * 5
              + ["E06000001"] * 5 + ["E06000002"] * 5, area_name="n", period=periods * 3,
              period_start=starts * 3, sex="Persons",
              value=[20.0] * 5 + [30, 31, 32, 33, 34] + [21.0] * 5,
              lower_ci95=[np.nan] * 5 + [25.0] * 5 + [15.0] * 5,
              upper_ci95=[np.nan] * 5 + [35.0] * 5 + [26.0] * 5, unit="Percentage")
    b_new = _tidy(source_id="src_new", indicator_id="y", indicator_name="Y", area_code=["E92000001", "E06000001"],
                  area_name="n", period="2023", period_start=pd.Timestamp(2023, 1, 1), sex="Persons",
                  value=[10.0, 8.0], compared_to_england=["Not compared", "Better"])
    b_old = _tidy(source_id="src_old", indicator_id="y", indicator_name="Y",
                  area_code=["E92000001", "E06000002"], area_name="n", period="2015",
                  period_start=pd.Timestamp(2015, 1, 1), sex="Persons", value=[9.0, 12.0],
                  compared_to_england=["Not compared", "Worse"])
    return pd.concat([a, b_new, b_old], ignore_index=True)


def _metrics() -> list[Metric]:
    return [Metric("x", "Metric X", ("src_a",), "higher_is_better", "Live well", "year", inequality="y"),
            Metric("y", "Metric Y", ("src_new", "src_old"), "lower_is_better", "Live well", "year")]


def test_dashboard_rows_significance_trend_baseline_and_fallback():
    d = dashboard(_indicators(), _metrics(), ["E06000001", "E06000002", "E06000003"])
    x1 = d[(d.metric_id == "x") & (d.area_code == "E06000001")].iloc[0]
    assert (x1["period"], x1["value"], x1["england"]) == ("2023", 34.0, 20.0)
    assert x1["sig95"] == "better"  # 25-35 excludes 20
    assert x1["trend"] == "getting better"
    assert (x1["baseline_period"], x1["baseline_value"], x1["change"]) == ("2019", 30.0, 4.0)
    assert x1["inequality_value"] == 8.0  # metric y, same area
    x2 = d[(d.metric_id == "x") & (d.area_code == "E06000002")].iloc[0]
    assert x2["sig95"] == "similar" and x2["trend"] == "no significant change"
    # metric y: area 2 only in the older source -> used, and noted; publisher's comparison kept
    y2 = d[(d.metric_id == "y") & (d.area_code == "E06000002")].iloc[0]
    assert (y2["source_id"], y2["sig95"], y2["sig998"]) == ("src_old", "worse", "not compared")
    assert "older extract src_old" in y2["note"]
    # area 3 has nothing: a row saying so
    y3 = d[(d.metric_id == "y") & (d.area_code == "E06000003")].iloc[0]
    assert np.isnan(y3["value"]) and "Not published" in y3["note"]


def test_dashboard_998_similar_when_scaled_limit_includes_england():
    d = dashboard(_indicators(), _metrics(), ["E06000001"])
    # latest 34 with 95% limits 25-35: lower 99.8% = 34 - 9 * 1.5767 = 19.81 < 20 -> similar
    assert d.loc[0, "lower998"] == pytest.approx(34 - 9 * Z998 / Z95)
    assert d.loc[0, "sig998"] == "similar"


def test_dashboard_needs_the_inequality_metric():
    with pytest.raises(ValueError, match="inequality metric 'y'"):
        dashboard(_indicators(), _metrics()[:1], ["E06000001"])


def test_spine_chart_and_text_agree():
    d = dashboard(_indicators(), _metrics(), ["E06000001"], {"E06000001": "Placeton"})
    sf = spine_chart(d, "Placeton")
    assert "for Placeton" in sf.alt and "2 are significantly better, 0 significantly worse" in sf.alt
    text = " ".join(sf.description)
    assert "Metric X, 2023" in text and "better at the 95% level" in text
    sentences = " ".join(dashboard_sentences(d, "Placeton"))
    assert "significantly better on 2" in sentences
    table = dashboard_display(d)
    assert table.loc[0, "vs England (95%)"] == "▲ better"


def test_spine_positions_mirror_lower_is_better():
    df = pd.DataFrame({"england": [10.0, 10.0], "value": [12.0, 12.0], "min": [6.0, 6.0], "q25": [8.0, 8.0],
                       "q75": [11.0, 11.0], "max": [14.0, 14.0],
                       "polarity": ["higher_is_better", "lower_is_better"]})
    pos = spine_positions(df)
    # half-width = max(|14-10|, |6-10|) = 4: value 12 -> 0.5 + 2/8 = 0.75 (or 0.25 mirrored)
    assert pos.loc[0, "value"] == pytest.approx(0.75) and pos.loc[1, "value"] == pytest.approx(0.25)
    assert (pos.loc[1, "min"], pos.loc[1, "max"]) == (pytest.approx(0.0), pytest.approx(1.0))
    assert pos.loc[1, "q25"] == pytest.approx(0.375) and pos.loc[1, "q75"] == pytest.approx(0.75)


def test_quintile_gaps_fall_back_to_england_and_sentence():
    from jsna.topics.equity_dashboard.compute import quintile_gaps
    from jsna.topics.equity_dashboard.text import quintile_gap_sentences

    ind = _tidy(source_id="src_q", indicator_name="Year 6 obesity, 5 years data combined",
                area_code=["E92000001"] * 3, period="2020/21-24/25", period_start=pd.Timestamp(2020, 4, 1),
                category=["Most deprived quintile", "Average deprived quintile", "Least deprived quintile"],
                value=[28.9, 21.4, 14.5])
    m = [Metric("q", "Q", ("src_q",), "lower_is_better", "Start well", "year")]
    g = quintile_gaps(ind, m, "E06000001")
    assert len(g) == 1 and g.loc[0, "area_code"] == "E92000001"
    assert g.loc[0, "gap"] == pytest.approx(14.4) and g.loc[0, "ratio"] == pytest.approx(28.9 / 14.5)
    text = " ".join(quintile_gap_sentences(g, "Placeton"))
    assert "In England (2020/21-24/25), Year 6 obesity was 28.9%" in text and "14.5%" in text
    assert "(twice as high)" in text and "not for Placeton" in text
