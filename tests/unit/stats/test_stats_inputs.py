"""Bad input, small-number NA rules, grouping and suppression, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats


@pytest.fixture
def frame():
    return pd.DataFrame({"area": ["a", "a", "b"], "sex": ["F", "M", "F"],
                         "x": [3, 5, 20], "n": [10, 40, 100]})


@pytest.mark.parametrize("fn", [stats.proportion, stats.rate])
def test_negative_counts_and_populations(frame, fn):
    with pytest.raises(ValueError, match="'x' has negative"):
        fn(frame.assign(x=[-1, 5, 20]), "x", "n", "area")
    with pytest.raises(ValueError, match="'n' has negative"):
        fn(frame.assign(n=[10, -40, 100]), "x", "n", "area")


@pytest.mark.parametrize("fn", [stats.proportion, stats.rate])
def test_wrong_dtype_and_missing_column(frame, fn):
    with pytest.raises(ValueError, match="'x' must be numeric"):
        fn(frame.assign(x=["3", "5", "20"]), "x", "n", "area")
    with pytest.raises(ValueError, match=r"\['cases'\] not found"):
        fn(frame, "cases", "n", "area")


def test_numerator_over_denominator_is_an_error_for_proportions_only(frame):
    bad = frame.assign(x=[30, 5, 20])
    with pytest.raises(ValueError, match="'x' is greater than 'n'"):
        stats.proportion(bad, "x", "n", "area")
    out = stats.rate(bad, "x", "n", "area")  # allowed for rates (e.g. 250/220 in the R tests)
    assert out["value"].iloc[0] == pytest.approx(35 / 50 * 100000)


@pytest.mark.parametrize("fn", [stats.proportion, stats.rate])
def test_zero_denominator_is_na_with_note(frame, fn):
    out = fn(frame.assign(x=[0, 0, 20], n=[0, 0, 100]), "x", "n", "area")
    a = out.set_index("area").loc["a"]
    assert np.isnan(a["value"]) and np.isnan(a["lowercl"]) and "is 0" in a["note"]
    assert out.set_index("area").loc["b", "value"] > 0


def test_missing_value_gives_na_not_error(frame):
    out = stats.proportion(frame.assign(x=[np.nan, 5, 20]), "x", "n", "area")
    assert np.isnan(out.set_index("area").loc["a", "value"])


def test_two_group_columns_and_missing_keys(frame):
    out = stats.proportion(frame, "x", "n", ["area", "sex"])
    assert out[["area", "sex"]].values.tolist() == [["a", "F"], ["a", "M"], ["b", "F"]]
    assert out["value"].tolist() == pytest.approx([0.3, 0.125, 0.2])
    nas = stats.rate(frame.assign(area=["a", None, None]), "x", "n", "area")
    assert len(nas) == 2 and nas["x"].tolist() == [3, 25]


def test_zero_events_rate_exact_limits_by_hand():
    """0 events in 1,000: lower 0, upper = chi2(0.975, 2) / 2 = -ln(0.025) = 3.6889 events."""
    out = stats.rate(pd.DataFrame({"x": [0], "n": [1000]}), "x", "n", multiplier=1000)
    assert out["lowercl"].iloc[0] == 0
    assert out["uppercl"].iloc[0] == pytest.approx(-np.log(0.025), rel=1e-12)
    assert out["method"].iloc[0] == "Exact"


def test_quantiles_population_weighted_by_hand():
    """Scores 50, 40, 30, 20, 10 with populations 100, 100, 100, 100, 600 (total 1,000), invert:
    cumulative mid-points 50, 150, 250, 350, 700 -> quintiles 1, 1, 2, 2, 4 of 5 (20% = 200 each)."""
    d = pd.DataFrame({"score": [10, 20, 30, 40, 50], "pop": [600, 100, 100, 100, 100]})
    out = stats.quantiles(d, "score", 5, weight_col="pop")
    assert out["quantile"].tolist() == [4, 2, 2, 1, 1]
    by_count = stats.quantiles(d, "score", 5)
    assert by_count["quantile"].tolist() == [5, 4, 3, 2, 1]


def test_quantiles_weighted_ties_share_a_quantile_and_groups():
    d = pd.DataFrame({"g": ["x"] * 4 + ["y"] * 4, "v": [1, 1, 2, 3, 5, 6, 7, 8],
                      "w": [1, 1, 1, 1, 0, 0, 0, 0]})
    with pytest.warns(stats.StatsWarning, match="no weight"):
        out = stats.quantiles(d, "v", 2, "g", weight_col="w", invert=False)
    x = out[out["g"] == "x"]["quantile"].tolist()
    assert x[0] == x[1] == 1 and x[3] == 2  # tied values 1, 1 -> the same quantile
    assert out[out["g"] == "y"]["quantile"].isna().all()
    assert out[out["g"] == "y"]["quantile_note"].str.contains("total weight is 0").all()


def test_quantiles_bad_arguments():
    d = pd.DataFrame({"v": [1.0, 2.0], "w": [1, -1], "s": ["1", "2"]})
    with pytest.raises(ValueError, match="negative"):
        stats.quantiles(d, "v", 2, weight_col="w")
    with pytest.raises(ValueError, match="'s' must be numeric"):
        stats.quantiles(d, "s", 2)
    with pytest.raises(ValueError, match="nquantiles"):
        stats.quantiles(d, "v", 0)


def test_mean_small_groups():
    out = stats.mean(pd.DataFrame({"g": ["a", "b", "b"], "v": [1.0, 2.0, 4.0]}), "v", "g")
    a, b = out.iloc[0], out.iloc[1]
    assert a["value"] == 1 and np.isnan(a["lowercl"]) and "one value" in a["note"]
    # hand: mean 3, sd sqrt(2), t(0.975, 1) = 12.7062
    assert b["uppercl"] == pytest.approx(3 + 12.706204736174707 * np.sqrt(2) / np.sqrt(2))


def test_suppress_counts_and_derived_values():
    d = pd.DataFrame({"area": ["a", "b", "c", "d"], "count": [0, 4, 5, np.nan],
                      "value": [0.0, 1.2, 1.5, np.nan], "lowercl": [0, 0.3, 0.5, np.nan]})
    out = stats.suppress(d, "count")
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert out["count"].isna().tolist() == [True, True, False, True]
    assert out["value"].isna().tolist() == [True, True, False, True]
    assert out.loc[2, "lowercl"] == 0.5
    assert d["count"].iloc[1] == 4  # input untouched
    marked = stats.suppress(d, "count", threshold=10, marker="*", flag_col=None)
    assert marked["count"].tolist()[:3] == ["*", "*", "*"] and "suppressed" not in marked


def test_suppress_integer_columns_and_errors():
    d = pd.DataFrame({"n": [2, 7], "value": [0.1, 0.2]})
    out = stats.suppress(d, "n")
    assert str(out["n"].dtype) == "Int64" and out["n"].isna().tolist() == [True, False]
    with pytest.raises(ValueError, match="not found"):
        stats.suppress(d, "count")
    with pytest.raises(ValueError, match="threshold"):
        stats.suppress(d, "n", threshold=-1)


def test_funnel_significance_by_hand():
    """Ratio funnel: O = 30 vs E = 15: Byars lower 95% limit of 30 is 20.24 > 15 -> High;
    its 99.8% lower limit is 15.84 > 15 -> High (0.001). O = 15, E = 15: not significant."""
    d = pd.DataFrame({"o": [30, 15, 2], "e": [15.0, 15.0, 12.0]})
    out = stats.funnel_significance(d, "o", "ratio", denom_col="e")
    assert out["significance"].tolist()[:2] == ["High (0.001)", "Not significant"]
    # O = 2 < 10 uses exact limits: upper 99.8% limit of 2 is 11.23 < 12 -> Low (0.001)
    assert out["significance"].iloc[2] == "Low (0.001)"


def test_funnel_limits_proportion_shape_and_errors():
    d = pd.DataFrame({"x": [20, 50, 300], "n": [100, 400, 2000]})
    lim = stats.funnel_limits(d, "x", "proportion", 100, denom_col="n")
    assert len(lim) == 100 and lim["Population"].is_monotonic_increasing
    assert (lim["lower_3s_limit"] <= lim["lower_2s_limit"]).all()
    assert (lim["upper_2s_limit"] <= lim["upper_3s_limit"]).all()
    base = lim["baseline"].iloc[0]
    assert base == pytest.approx(370 / 2500 * 100)
    width = lim["upper_2s_limit"] - lim["lower_2s_limit"]
    assert width.iloc[-1] < width.iloc[10]  # the funnel narrows
    with pytest.raises(ValueError, match="statistic"):
        stats.funnel_limits(d, "x", "mean", 100, denom_col="n")
    with pytest.raises(ValueError, match="denom_col"):
        stats.funnel_limits(d, "x", "proportion", 100)
