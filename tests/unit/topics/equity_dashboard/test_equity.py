"""Benchmarking against England: significance (95% / 99.8%), limits via jsna.stats, trend, dashboard."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from jsna.indicators import Indicator, LaSource, add_limits
from jsna.stats.compare import compare_with_benchmark as compare_to_benchmark
from jsna.topics.equity_dashboard.charts import spine_chart, spine_positions
from jsna.topics.equity_dashboard.compute import (
    dashboard,
    fingertips_trend,
)
from jsna.topics.equity_dashboard.tables import dashboard_display
from jsna.topics.equity_dashboard.text import dashboard_sentences

from tests.support.frames import tidy_la

Z95, Z998 = 1.959963984540054, 3.090232306167813


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval written out by hand (Newcombe 1998, method 3), as percentages."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)




# --------------------------------------------------------------------------- limits via jsna.stats
def test_wilson_limits_via_stats_give_better_at_95_similar_at_998():
    # 30 of 100 (30%) against England 20%: hand-computed Wilson limits 21.9-39.6% (95%) exclude 20,
    # 18.1-45.4% (99.8%) include it -> better at 95%, similar at 99.8%.
    rows = add_limits(tidy_la(value=30.0, count=30.0, denominator=100.0), "wilson")
    lo95, hi95 = _wilson(30, 100, Z95)
    lo998, hi998 = _wilson(30, 100, Z998)
    assert rows.loc[0, "lower95"] == pytest.approx(lo95, abs=1e-6)
    assert rows.loc[0, "upper95"] == pytest.approx(hi95, abs=1e-6)
    assert rows.loc[0, "lower998"] == pytest.approx(lo998, abs=1e-6)
    assert rows.loc[0, "upper998"] == pytest.approx(hi998, abs=1e-6)
    assert round(lo95, 1) == 21.9 and round(lo998, 1) == 18.1
    assert compare_to_benchmark(rows.loc[0, "lower95"], rows.loc[0, "upper95"], 20.0, "high_is_good") == "better"
    assert compare_to_benchmark(rows.loc[0, "lower998"], rows.loc[0, "upper998"], 20.0,
                                "high_is_good") == "similar"
    assert "Wilson" in rows.loc[0, "ci_method"]


def test_byars_limits_reproduce_published_fingertips_row():
    # Fingertips indicator 93356, Leicester 2015: 177 cases / 342,627 people = 51.66 per 100,000,
    # published 95% limits 44.3292799600907 to 59.8560756159834 (format_examples export).
    # (Fingertips rounds z to 1.96; the exact z moves the limits by under 0.001.)
    rows = add_limits(tidy_la(value=51.6596765578895, count=177.0, denominator=342627.0), "byars")
    assert rows.loc[0, "lower95"] == pytest.approx(44.3292799600907, abs=1e-3)
    assert rows.loc[0, "upper95"] == pytest.approx(59.8560756159834, abs=1e-3)
    # England 94.73 per 100,000 is above both intervals; lower is better -> better at both levels
    for lo, hi in (("lower95", "upper95"), ("lower998", "upper998")):
        assert compare_to_benchmark(rows.loc[0, lo], rows.loc[0, hi], 94.7261896202678,
                                    "low_is_good") == "better"


def test_published_95_scaled_to_998_by_hand():
    rows = add_limits(tidy_la(value=50.0, lower_ci95=45.0, upper_ci95=56.0))
    k = Z998 / Z95  # 1.576679...
    assert rows.loc[0, "lower998"] == pytest.approx(50 - 5 * k)  # 42.1166
    assert rows.loc[0, "upper998"] == pytest.approx(50 + 6 * k)  # 59.4601
    assert rows.loc[0, "lower998"] == pytest.approx(42.1166, abs=1e-4)
    assert "scaled" in rows.loc[0, "ci_method"]


def test_published_998_used_as_given_and_no_limits_flagged():
    rows = add_limits(tidy_la(value=[50.0, 40.0], lower_ci95=[45.0, np.nan], upper_ci95=[56.0, np.nan],
                            lower_ci998=[40.0, np.nan], upper_ci998=[61.0, np.nan]))
    assert (rows.loc[0, "lower998"], rows.loc[0, "upper998"]) == (40.0, 61.0)
    assert rows.loc[0, "ci_method"] == "published 95% and 99.8%"
    assert np.isnan(rows.loc[1, "lower998"]) and rows.loc[1, "ci_method"] == "no limits published"


def test_count_methods_need_counts():
    with pytest.raises(ValueError, match="count and denominator"):
        add_limits(tidy_la(value=1.0), "wilson")
    with pytest.raises(ValueError, match="ci_method"):
        add_limits(tidy_la(value=1.0), "bootstrap")


# --------------------------------------------------------------------------- trend
def _series(values, half_width):
    periods = [str(y) for y in range(2019, 2019 + len(values))]
    return pd.DataFrame({"period": periods, "value": values, "lower95": [v - half_width for v in values],
                         "upper95": [v + half_width for v in values]})


def test_fingertips_trend_by_hand():
    # equal weights w = 1/SE^2, SE = 2h/3.92; slope 1 per point; SE(b) = sqrt(S1/(S1 S5 - S3^2))
    # = sqrt(5w / (w^2 (5*55 - 15^2))) = sqrt(0.1 / w). h = 0.5: SE = 0.2551, w = 15.366,
    # SE(b) = 0.0807, chi^2 = 153.7 > 9.5495 and every leave-one-out slope is positive.
    up = fingertips_trend(_series([30, 31, 32, 33, 34], 0.5), "high_is_good")
    assert (up["trend"], up["arrow"]) == ("Increasing and getting better", "↑")
    assert fingertips_trend(_series([30, 31, 32, 33, 34], 0.5), "low_is_good")["trend"] == \
        "Increasing and getting worse"
    # h = 5: w = 0.15366, SE(b) = 0.8067, chi^2 = 1.54 < 9.5495 -> no significant change
    flat = fingertips_trend(_series([30, 31, 32, 33, 34], 5.0), "high_is_good")
    assert (flat["trend"], flat["arrow"]) == ("No significant change", "→")


def test_fingertips_trend_cannot_be_calculated_says_why():
    no_ci = _series([30, 31, 32, 33, 34], 0.5).assign(lower95=np.nan, upper95=np.nan)
    r = fingertips_trend(no_ci, "high_is_good")
    assert r["trend"] == "Cannot be calculated" and "no confidence limits" in r["note"]
    three = fingertips_trend(_series([30, 31, 32], 0.5), "high_is_good")
    assert three["trend"] == "Cannot be calculated" and "fewer than 5" in three["note"]


# --------------------------------------------------------------------------- dashboard
def _indicators() -> pd.DataFrame:
    periods = ["2019", "2020", "2021", "2022", "2023"]
    starts = [pd.Timestamp(int(p), 1, 1) for p in periods]
    ends = [pd.Timestamp(int(p), 12, 31) for p in periods]
    codes = ["E92000001", "E06000001", "E06000002", "E12000001", "E06000004"]
    a = tidy_la(source_id="src_a", indicator_id="x", indicator_name="X", area_code=sum(([c] * 5 for c in codes), []),
              area_name="n", period=periods * 5, period_start=starts * 5, period_end=ends * 5, sex="Persons",
              value=[20.0] * 5 + [30, 31, 32, 33, 34] + [21.0] * 5 + [22.0] * 5 + [40.0] * 5,
              lower_ci95=[np.nan] * 5 + [29.5, 30.5, 31.5, 32.5, 33.5] + [15.0] * 5 + [np.nan] * 10,
              upper_ci95=[np.nan] * 5 + [30.5, 31.5, 32.5, 33.5, 34.5] + [26.0] * 5 + [np.nan] * 10,
              unit="Percentage")
    b_new = tidy_la(source_id="src_new", indicator_id="y", indicator_name="Y", area_code=["E92000001", "E06000001"],
                  area_name="n", period="2023", period_start=pd.Timestamp(2023, 1, 1),
                  period_end=pd.Timestamp(2023, 12, 31), sex="Persons",
                  value=[10.0, 8.0], compared_to_england=["Not compared", "Better"])
    b_old = tidy_la(source_id="src_old", indicator_id="y", indicator_name="Y",
                  area_code=["E92000001", "E06000002"], area_name="n", period="2015",
                  period_start=pd.Timestamp(2015, 1, 1), period_end=pd.Timestamp(2015, 12, 31), sex="Persons",
                  value=[9.0, 12.0], compared_to_england=["Not compared", "Worse"])
    return pd.concat([a, b_new, b_old], ignore_index=True)


def _inds() -> list[Indicator]:
    return [Indicator("x", "Indicator X", "Live well", "la", "LA", "%", "high_is_good", "calendar year", "m",
                      sources=(LaSource("src_a", "x"),), baseline="2021", inequality="y"),
            Indicator("y", "Indicator Y", "Live well", "la", "LA", "%", "low_is_good", "calendar year", "m",
                      sources=(LaSource("src_new", "y"), LaSource("src_old", "y")))]


def _dash(codes=("E06000001", "E06000002", "E06000003"), **kw):
    return dashboard(_indicators(), _inds(), list(codes), today=pd.Timestamp("2024-06-30"), **kw)


def test_dashboard_rows_significance_trend_baseline_and_fallback():
    d = _dash(regions={"E06000001": ("E12000001", "North East")},
              peers={"E06000001": ["E06000002", "E06000004", "E06000009"]})
    x1 = d[(d.indicator_id == "x") & (d.area_code == "E06000001")].iloc[0]
    assert (x1["period"], x1["value"], x1["england"]) == ("2023", 34.0, 20.0)
    assert x1["sig95"] == "better"  # 33.5-34.5 excludes 20
    assert x1["trend"] == "Increasing and getting better" and x1["trend_arrow"] == "↑"
    # agreed baseline 2021 (not the earliest period, 2019): 32 -> 34, intervals 31.5-32.5 and 33.5-34.5
    assert (x1["baseline_period"], x1["baseline_value"], x1["change"]) == ("2021", 32.0, 2.0)
    assert x1["change_sig"] == "better"
    assert x1["inequality_value"] == 8.0  # indicator y, same area
    # region E12000001 = 22 in 2023: the interval 33.5-34.5 excludes it, high is good -> better
    assert (x1["region_value"], x1["sig_region"]) == (22.0, "better")
    # peers: E06000002 21, E06000004 40, E06000009 no value -> 2nd of 3, one missing
    assert (x1["peer_rank"], x1["peer_n"], x1["peer_missing"]) == (2, 3, 1)
    x2 = d[(d.indicator_id == "x") & (d.area_code == "E06000002")].iloc[0]
    assert x2["sig95"] == "similar" and x2["trend"] == "No significant change"
    assert pd.isna(x2["region_value"]) and x2["sig_region"] == "not compared"
    # indicator y: area 2 only in the older source -> used, noted, publisher's comparison kept, old
    y2 = d[(d.indicator_id == "y") & (d.area_code == "E06000002")].iloc[0]
    assert (y2["source_id"], y2["sig95"], y2["sig998"]) == ("src_old", "worse", "not compared")
    assert "the usual source has an older period" in y2["note"] and bool(y2["old"])
    # area 3 has nothing: a row saying so
    y3 = d[(d.indicator_id == "y") & (d.area_code == "E06000003")].iloc[0]
    assert np.isnan(y3["value"]) and y3["note"] == "not in this report's sources"


def test_dashboard_998_similar_when_scaled_limit_includes_england():
    ind = tidy_la(source_id="src_a", indicator_id="x", indicator_name="X", area_code=["E92000001", "E06000001"],
                area_name="n", period="2023", period_start=pd.Timestamp(2023, 1, 1),
                period_end=pd.Timestamp(2023, 12, 31), sex="Persons", value=[20.0, 34.0],
                lower_ci95=[np.nan, 25.0], upper_ci95=[np.nan, 35.0])
    x = Indicator("x", "X", "Live well", "la", "LA", "%", "high_is_good", "year", "m", sources=(LaSource("src_a", "x"),))
    d = dashboard(ind, [x], ["E06000001"])
    # latest 34 with 95% limits 25-35: lower 99.8% = 34 - 9 * 1.5767 = 19.81 < 20 -> similar
    assert d.loc[0, "lower998"] == pytest.approx(34 - 9 * Z998 / Z95)
    assert (d.loc[0, "sig95"], d.loc[0, "sig998"]) == ("better", "similar")


def test_spine_chart_and_text_agree():
    d = _dash(("E06000001",))
    d["area_name"] = "Placeton"
    sf = spine_chart(d, "Placeton")
    assert "for Placeton" in sf.alt and "2 are significantly better, 0 significantly worse" in sf.alt
    text = " ".join(sf.description)
    assert "Indicator X, 2023" in text and "better at the 95% level" in text
    sentences = " ".join(dashboard_sentences(d, "Placeton"))
    assert "significantly better on 2" in sentences
    table = dashboard_display(d)
    assert table.loc[0, "vs England (95%)"] == "▲ better"
    assert table.loc[0, "Recent trend"] == "↑ Increasing and getting better"
    # the agreed baseline 2021 overlaps the pandemic years (March 2020 to 2021), so it says so
    assert table.loc[0, "Baseline"] == "2021: 32.0 (affected by the Covid-19 pandemic)"
    assert table.loc[0, "Change since baseline"] == "+2.0, significantly better"


def test_old_flag_is_marked_and_missing_rows_say_not_in_the_data_held():
    d = _dash(("E06000002", "E06000003"))
    rows = d[d.area_code == "E06000002"]
    table = dashboard_display(rows)
    assert table.loc[rows.index[rows.indicator_id == "y"][0], "vs England (95%)"] == "▼ worse (old data)"
    text = " ".join(dashboard_sentences(d[d.area_code == "E06000003"], "Nowhere"))
    assert "Not in this report's sources for Nowhere: indicator X and indicator Y." in text


def test_spine_positions_mirror_lower_is_better():
    df = pd.DataFrame({"england": [10.0, 10.0], "value": [12.0, 12.0], "min": [6.0, 6.0], "q25": [8.0, 8.0],
                       "q75": [11.0, 11.0], "max": [14.0, 14.0],
                       "polarity": ["high_is_good", "low_is_good"]})
    pos = spine_positions(df)
    # half-width = max(|14-10|, |6-10|) = 4: value 12 -> 0.5 + 2/8 = 0.75 (or 0.25 mirrored)
    assert pos.loc[0, "value"] == pytest.approx(0.75) and pos.loc[1, "value"] == pytest.approx(0.25)
    assert (pos.loc[1, "min"], pos.loc[1, "max"]) == (pytest.approx(0.0), pytest.approx(1.0))
    assert pos.loc[1, "q25"] == pytest.approx(0.375) and pos.loc[1, "q75"] == pytest.approx(0.75)


def test_quintile_gaps_fall_back_to_england_and_sentence():
    from jsna.topics.equity_dashboard.compute import quintile_gaps
    from jsna.topics.equity_dashboard.text import quintile_gap_sentences

    ind = tidy_la(source_id="src_q", indicator_name="Year 6 obesity, 5 years data combined",
                area_code=["E92000001"] * 3, period="2020/21-24/25", period_start=pd.Timestamp(2020, 4, 1),
                category=["Most deprived quintile", "Average deprived quintile", "Least deprived quintile"],
                value=[28.9, 21.4, 14.5])
    m = [Indicator("q", "Q", "Start well", "la", "LA", "%", "low_is_good", "year", "m",
                   sources=(LaSource("src_q"),))]
    g = quintile_gaps(ind, m, "E06000001")
    assert len(g) == 1 and g.loc[0, "area_code"] == "E92000001"
    assert g.loc[0, "gap"] == pytest.approx(14.4) and g.loc[0, "ratio"] == pytest.approx(28.9 / 14.5)
    text = " ".join(quintile_gap_sentences(g, "Placeton"))
    assert "In England (2020/21-24/25), Year 6 obesity was 28.9%" in text and "14.5%" in text
    assert "(twice as high)" in text and "not for Placeton" in text


# --------------------------------------------------------------------------- change you can trust (issue 24)
def _mortality(values: list[float], lower: list[float] | None = None, upper: list[float] | None = None):
    """An under-75 mortality series 2017-2024 for E06000016 (low is good) with England 140 each year."""
    years = list(range(2017, 2025))
    n = len(years)
    return tidy_la(source_id="src_m", indicator_id="m", indicator_name="M",
                   area_code=["E92000001"] * n + ["E06000016"] * n, area_name="n", period=[str(y) for y in years] * 2,
                   period_start=[pd.Timestamp(y, 1, 1) for y in years] * 2,
                   period_end=[pd.Timestamp(y, 12, 31) for y in years] * 2, sex="Persons",
                   value=[140.0] * n + values, lower_ci95=[np.nan] * n + (lower or [np.nan] * n),
                   upper_ci95=[np.nan] * n + (upper or [np.nan] * n),
                   compared_to_england=["Not compared"] * n + ["Worse"] * n)


def _u75() -> Indicator:
    return Indicator("m", "Under-75 mortality from causes considered preventable", "Die well", "la", "LA",
                     "per 100,000", "low_is_good", "calendar year", "m", sources=(LaSource("src_m", "m"),),
                     baseline="2021", pre_pandemic="2019")


def test_preventable_mortality_is_worse_than_2019_though_better_than_the_pandemic_baseline():
    # Leicester's published under-75 preventable mortality (OHID, via Trafford Data Lab): 159.3 in 2019,
    # 262.0 in 2021 (Covid-19 deaths count as preventable), 191.6 in 2024. No limits: not tested.
    d = dashboard(_mortality([150.0, 155.0, 159.3, 230.0, 262.0, 220.0, 200.0, 191.6]), [_u75()], ["E06000016"])
    r = d.iloc[0]
    assert (r["baseline_period"], bool(r["baseline_covid"]), r["change_sig"]) == ("2021", True, "better, not tested")
    assert (r["pre_period"], r["pre_value"], r["change_pre_sig"]) == ("2019", 159.3, "worse, not tested")
    assert r["change_pre"] == pytest.approx(191.6 - 159.3)  # +32.3
    row = dashboard_display(d).iloc[0]
    assert row["Baseline"] == "2021: 262.0 (affected by the Covid-19 pandemic)"
    assert row["Change since baseline"] == "-70.4, better than 2021 (not tested: no limits)"
    assert row["Before the pandemic, and change since"] == "2019: 159.3; +32.3, worse than 2019 (not tested: no limits)"
    text = " ".join(dashboard_sentences(d, "Leicester"))
    assert ("worse now: under-75 mortality from causes considered preventable (159.3 in 2019, 191.6 in 2024)"
            in text)


def test_trend_limits_computed_from_counts_when_the_source_prints_none():
    # 5 yearly rates, counts 100, 120, 140, 160, 180 per 100,000 population (denominator 100,000): Byars limits
    # (jsna.stats.rate) are computed, so the trend can be calculated. By hand: rates 100..180, SE ~ sqrt(x)
    # (10.0 .. 13.4), slope 20 a year, chi-squared well above 9.55 -> increasing, getting worse (low is good).
    years = ["2019", "2020", "2021", "2022", "2023"]
    series = pd.DataFrame({"period": years, "value": [100.0, 120.0, 140.0, 160.0, 180.0],
                           "lower95": np.nan, "upper95": np.nan, "lower_ci95": np.nan, "upper_ci95": np.nan,
                           "lower_ci998": np.nan, "upper_ci998": np.nan,
                           "count": [100.0, 120.0, 140.0, 160.0, 180.0], "denominator": 100000.0})
    r = fingertips_trend(series, "low_is_good", "per 100,000")
    assert r["trend"] == "Increasing and getting worse"
    no_counts = series.assign(count=np.nan)
    assert fingertips_trend(no_counts, "low_is_good", "per 100,000")["note"] == (
        "the source gives no confidence limits, counts or trend of its own")


def test_the_report_counts_the_trends_and_says_why_for_the_rest_in_one_line():
    d = dashboard(_mortality([150.0, 155.0, 159.3, 230.0, 262.0, 220.0, 200.0, 191.6]), [_u75()], ["E06000016"])
    text = dashboard_sentences(d, "Leicester")
    assert "can be calculated for 0 of 1 indicator." in " ".join(text)
    assert "No trend for the rest: 1 has no confidence limits, counts or trend of their own in the source." in text


def test_verdict_is_the_publishers_where_printed_else_the_interval_against_englands_value():
    from jsna.indicators import VERDICT_BY_INTERVAL, VERDICT_BY_PUBLISHER, england_verdict

    # Fingertips prints "Worse" beside Leicester's preventable mortality: that word is the verdict
    v = england_verdict(191.6, None, None, 145.8, "low_is_good", "Worse")
    assert (v.word, v.method) == ("worse", VERDICT_BY_PUBLISHER)
    # ONS HLE, no printed comparison: Leicester males 2022-24 57.8 (54.7-60.8) v England 60.9 -> worse; females
    # 57.9 (54.3-61.6) v 61.3 -> the interval includes 61.3 -> similar
    assert england_verdict(57.8, 54.7, 60.8, 60.9, "high_is_good").word == "worse"
    assert england_verdict(57.9, 54.3, 61.6, 61.3, "high_is_good").word == "similar"
    assert england_verdict(57.9, 54.3, 61.6, 61.3, "high_is_good").method == VERDICT_BY_INTERVAL
    assert england_verdict(57.9, None, None, 61.3, "high_is_good", "Not compared").word == "not compared"

