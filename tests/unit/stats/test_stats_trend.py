"""Recent trend (Fingertips method, issue 15 item 3) on hand-worked series.

Notation: points t = 1..5 oldest to newest, SE = (upper - lower) / 3.92, w = 1 / SE^2,
S1 = sum w, S2 = sum w t y, S3 = sum w t, S4 = sum w y, S5 = sum w t^2,
slope b = (S1 S2 - S3 S4) / (S1 S5 - S3^2), SE(b) = sqrt(S1 / (S1 S5 - S3^2)),
significant when (b / SE(b))^2 > 9.5495 and all six slope signs (all points, each left out) agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats


def series(values, ses, periods=None, **extra) -> pd.DataFrame:
    values = np.asarray(values, float)
    ses = np.asarray(ses, float)
    periods = list(range(2015, 2015 + len(values))) if periods is None else periods
    return pd.DataFrame({"period": periods, "value": values, "lower": values - 1.96 * ses,
                         "upper": values + 1.96 * ses, **extra})


def run(d, **kw):
    return stats.trend(d, "value", "lower", "upper", "period", **kw)


def test_increasing_straight_line():
    """y = 10, 12, 14, 16, 18 with SE = 1 (limits -/+ 1.96 -> 3.92 / 3.92 = 1), so w = 1:
    S1 = 5, S3 = 15, S5 = 55, S4 = 70, S2 = 10 + 24 + 42 + 64 + 90 = 230;
    b = (5 x 230 - 15 x 70) / (5 x 55 - 15^2) = 100 / 50 = 2; SE(b) = sqrt(5 / 50) = 0.3162;
    chi-squared = 2^2 / 0.1 = 40 > 9.5495, and every leave-one-out slope is 2 -> Increasing."""
    out = run(series([10, 12, 14, 16, 18], [1] * 5)).iloc[0]
    assert out["slope"] == pytest.approx(2)
    assert out["slope_se"] == pytest.approx(np.sqrt(0.1))
    assert out["chi_squared"] == pytest.approx(40)
    assert out["trend"] == "Increasing" and bool(out["significant"])
    assert out["points_used"] == 5 and out["first_period"] == 2015 and out["last_period"] == 2019


def test_polarity_words():
    d = series([10, 12, 14, 16, 18], [1] * 5)
    assert run(d, polarity="low is good")["trend"].iloc[0] == "Increasing and getting worse"
    assert run(d, polarity="high is good")["trend"].iloc[0] == "Increasing and getting better"
    assert run(d, polarity="no judgement")["trend"].iloc[0] == "Increasing"
    flat = series([10, 10.5, 10, 10.5, 11], [1] * 5)
    assert run(flat, polarity="low is good")["trend"].iloc[0] == "No significant change"
    with pytest.raises(ValueError, match="polarity"):
        run(d, polarity="up is good")


def test_not_significant():
    """y = 10, 10.5, 10, 10.5, 11, SE = 1: S4 = 52, S2 = 10 + 21 + 30 + 42 + 55 = 158;
    b = (5 x 158 - 15 x 52) / 50 = 0.2; chi-squared = 0.04 / 0.1 = 0.4 < 9.5495."""
    out = run(series([10, 10.5, 10, 10.5, 11], [1] * 5)).iloc[0]
    assert out["slope"] == pytest.approx(0.2)
    assert out["chi_squared"] == pytest.approx(0.4)
    assert out["trend"] == "No significant change" and not out["significant"]
    assert pd.isna(out["note"])


def test_leave_one_out_flips_the_sign():
    """y = 10, 10.2, 10.4, 10.6, 5 with SE = 1, 1, 1, 1, 0.1 (w = 1, 1, 1, 1, 100):
    S1 = 104, S3 = 10 + 500 = 510, S5 = 30 + 2500 = 2530, S4 = 41.2 + 500 = 541.2,
    S2 = 104 + 100 x 5 x 5 = 2604; S1 S5 - S3^2 = 263120 - 260100 = 3020;
    b = (104 x 2604 - 510 x 541.2) / 3020 = -5196 / 3020 = -1.7205;
    SE(b) = sqrt(104 / 3020) = 0.18557; chi-squared = 85.96 > 9.5495.
    Without the fifth point: S1 = 4, S3 = 10, S5 = 30, S4 = 41.2, S2 = 104 ->
    b = (416 - 412) / (120 - 100) = +0.2: the sign flips, so no significant change."""
    out = run(series([10, 10.2, 10.4, 10.6, 5], [1, 1, 1, 1, 0.1])).iloc[0]
    assert out["slope"] == pytest.approx(-5196 / 3020)
    assert out["slope_se"] == pytest.approx(np.sqrt(104 / 3020))
    assert out["chi_squared"] == pytest.approx((5196 / 3020) ** 2 * 3020 / 104)
    assert out["chi_squared"] > 9.5495
    assert out["trend"] == "No significant change" and not out["significant"]
    assert "leaving one point out changes its sign" in out["note"]


def test_five_most_recent_valid_points_only():
    """Six years; the oldest (2014, value 100) is not among the five most recent, and a missing
    2017 value is skipped, so the points are 2015, 2016, 2018, 2019, 2020 with
    y = 18, 16, 14, 12, 10 at t = 1..5: b = -2 (the mirror of the increasing case) -> Decreasing."""
    d = series([100, 18, 16, np.nan, 14, 12, 10], [1] * 7, periods=list(range(2014, 2021)))
    out = run(d, polarity="low is good").iloc[0]
    assert out["slope"] == pytest.approx(-2)
    assert out["trend"] == "Decreasing and getting better"
    assert out["first_period"] == 2015 and out["last_period"] == 2020


def test_fewer_than_five_points():
    d = series([10, 12, 14, 16, np.nan], [1] * 5)
    out = run(d).iloc[0]
    assert out["trend"] == "Cannot be calculated" and pd.isna(out["significant"])
    assert out["note"] == "fewer than 5 points with a value and 95% limits (4)"
    assert out["points_used"] == 4 and np.isnan(out["slope"])


def test_periods_must_be_yearly():
    rolling = series([10, 12, 14, 16, 18], [1] * 5,
                     periods=["2011 - 13", "2012 - 14", "2013 - 15", "2014 - 16", "2015 - 17"])
    out = run(rolling).iloc[0]
    assert out["trend"] == "Cannot be calculated" and "not yearly" in out["note"]
    financial = series([10, 12, 14, 16, 18], [1] * 5,
                       periods=["2015/16", "2016/17", "2017/18", "2018/19", "2019/20"])
    assert run(financial)["trend"].iloc[0] == "Increasing"
    quarters = series([10, 12, 14, 16, 18], [1] * 5,
                      periods=["2019 Q1", "2019 Q2", "2019 Q3", "2019 Q4", "2020 Q1"])
    assert run(quarters)["trend"].iloc[0] == "Cannot be calculated"


def test_zero_width_interval_cannot_be_calculated():
    d = series([10, 12, 14, 16, 18], [1, 1, 0, 1, 1])
    out = run(d).iloc[0]
    assert out["trend"] == "Cannot be calculated" and "zero-width" in out["note"]


def test_grouped_with_polarity_column_and_bad_input():
    a = series([10, 12, 14, 16, 18], [1] * 5, area="A", pol="high is good")
    b = series([18, 16, 14, 12, 10], [1] * 5, area="B", pol="high is good")
    c = series([10, 10.5, 10, 10.5, 11], [1] * 5, area="C", pol="low is good")
    d = pd.concat([a, b, c], ignore_index=True)
    out = run(d, group_cols="area", polarity="pol")
    assert out["area"].tolist() == ["A", "B", "C"]
    assert out["trend"].tolist() == ["Increasing and getting better",
                                     "Decreasing and getting worse", "No significant change"]
    assert out["direction"].tolist() == ["Increasing", "Decreasing", "No significant change"]
    with pytest.raises(ValueError, match="duplicated periods"):
        run(pd.concat([a, a.iloc[[0]]]), group_cols="area")
    with pytest.raises(ValueError, match="'lower' is above 'upper'"):
        run(a.assign(lower=a["upper"] + 1))
    with pytest.raises(ValueError, match="differs within a group"):
        run(d.assign(pol=["high is good"] * 14 + ["low is good"]), group_cols="area",
            polarity="pol")
