"""Funnel plot: limits/significance through jsna.stats (hand-checked), chart and text description.

Proportion funnel limits (Fingertips technical guidance) are the observed proportions whose
Wilson interval just reaches the overall proportion p, which works out as
p -/+ z * sqrt(p * (1 - p) / n): for p = 0.5 and n = 100 the 95% limits are
50 -/+ 100 * 1.959964 * 0.05 = 40.2002% and 59.7998%, the 99.8% limits
50 -/+ 100 * 3.090232 * 0.05 = 34.5488% and 65.4512%.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from jsna import stats
from jsna.topics.health_equity_audit import funnel_chart as funnel

Z95, Z998 = 1.959964, 3.090232


def hand_limits(p: float, ns: np.ndarray) -> pd.DataFrame:
    se = np.sqrt(p * (1 - p) / ns)
    return pd.DataFrame({"Population": ns, "lower_2s_limit": 100 * (p - Z95 * se),
                         "upper_2s_limit": 100 * (p + Z95 * se),
                         "lower_3s_limit": 100 * (p - Z998 * se),
                         "upper_3s_limit": 100 * (p + Z998 * se), "baseline": 100 * p})


def practices() -> pd.DataFrame:
    # overall 500 / 1000 = 50%. At n=100: 30% is below 34.55 (99.8%); 38% is between 34.55 and
    # 40.20 (below 95% only); 50% and 52% inside; 70% above 65.45 (99.8%).
    return pd.DataFrame({"label": ["A", "B", "C", "D", "E", "F"],
                         "served": [30, 38, 50, 52, 70, 260],
                         "eligible": [100, 100, 100, 100, 100, 500]})


def _stats_funnel(fn, *a, **k):
    try:
        return fn(*a, **k)
    except NotImplementedError:
        pytest.skip("jsna.stats funnel functions not implemented yet (issue 8)")


def test_stats_funnel_limits_match_hand_calculation():
    df = practices()
    lim = _stats_funnel(stats.funnel_limits, df, "served", "proportion", 100, denom_col="eligible")
    at = funnel._limits_at(lim, 100)
    assert at["lower_2s_limit"] == pytest.approx(40.2002, abs=0.05)
    assert at["upper_2s_limit"] == pytest.approx(59.7998, abs=0.05)
    assert at["lower_3s_limit"] == pytest.approx(34.5488, abs=0.05)
    assert at["upper_3s_limit"] == pytest.approx(65.4512, abs=0.05)


def test_stats_funnel_significance_hand_cases():
    df = practices()
    sig = _stats_funnel(stats.funnel_significance, df, "served", "proportion",
                        denom_col="eligible")
    assert list(sig["significance"][:5]) == ["Low (0.001)", "Low (0.025)", "Not significant",
                                             "Not significant", "High (0.001)"]


def points_with_significance() -> pd.DataFrame:
    df = practices()
    df["value"] = 100 * df["served"] / df["eligible"]
    df["significance"] = ["Low (0.001)", "Low (0.025)", "Not significant", "Not significant",
                          "High (0.001)", "Not significant"]
    return df


def test_describe_funnel_from_points_and_limits():
    pts = points_with_significance()
    lim = hand_limits(0.5, np.array([10, 50, 100, 200, 500, 600]))
    text = " ".join(funnel.describe_funnel(pts, lim, 50.0))
    assert "6 practices" in text and "overall uptake of 50.0%" in text
    # limits quoted at the smallest, median and largest denominators (100, 100, 500)
    assert "For 100 eligible people the 95% limits are 40.2% to 59.8%" in text
    assert "99.8% limits 34.5% to 65.5%" in text
    assert "Below the 99.8% limit: 1 practice - A: 30.0% of 100." in text
    assert "Below the 95% limit: 1 practice - B: 38.0% of 100." in text
    assert "Within the limits: 3 practices" in text
    assert "Above the 99.8% limit: 1 practice - E: 70.0% of 100." in text


def test_funnel_plot_returns_figure_alt_and_description():
    pts = points_with_significance()
    lim = hand_limits(0.5, np.array([10, 50, 100, 200, 500, 600]))
    fig, alt, desc = funnel.funnel_plot(pts, lim, "Title", 50.0)
    assert "6 practices; 2 below and 1 above" in alt
    assert desc.startswith("Funnel plot of uptake for 6 practices")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    # significance is in words in the legend, not colour alone
    assert "Below the 99.8% limit (1)" in labels and "Above the 99.8% limit (1)" in labels
    # outliers beyond the 99.8% limits are labelled on the chart
    assert {t.get_text() for t in ax.texts} == {"A", "E"}
    plt.close(fig)


def test_funnel_plot_rejects_bad_input():
    lim = hand_limits(0.5, np.array([10, 100]))
    with pytest.raises(ValueError, match="significance"):
        funnel.funnel_plot(practices().assign(value=1.0), lim, "T", 50.0)
    with pytest.raises(ValueError, match="denominator column"):
        funnel.funnel_plot(points_with_significance(), lim.drop(columns="Population"), "T", 50.0)
