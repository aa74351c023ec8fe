"""Silent wrong answers (issue 15, item 1): zero or missing denominators must never get a label
or a number, and a value missing in one column must never drop only the other column.
Expected values are worked by hand in each test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats
from jsna.stats import StatsWarning


# ------------------------------------------------------------------ funnel: missing rate
def crude_rates() -> pd.DataFrame:
    # the example: crude rates, multiplier 100
    return pd.DataFrame({"num": [100, 100, 50], "rate": [50, 25, np.nan]})


def test_funnel_limits_missing_rate_leaves_out_events_and_population():
    """Populations 100 * 100 / 50 = 200 and 100 * 100 / 25 = 400; the third row has no rate, so
    its 50 events must go too: baseline (100 + 100) / (200 + 400) * 100 = 33.33, not
    250 / 600 * 100 = 41.67."""
    with pytest.warns(StatsWarning, match="1 row.*rate is missing"):
        lim = stats.funnel_limits(crude_rates(), "num", "rate", 100, rate_col="rate",
                                  rate_type="crude", years_of_data=1)
    assert lim["baseline"].iloc[0] == pytest.approx(100 / 3, rel=1e-12)


def test_funnel_significance_missing_rate_judged_against_the_right_average():
    """Average 200 / 600 = 1/3 per person. Row 1: O = 100, E = 200 / 3 = 66.67; Byars lower
    99.8% limit of 100 is 100 (1 - 1/900 - 3.0902/30)^3 = 71.90 > 66.67 -> High (0.001).
    Row 2: O = 100, E = 400 / 3 = 133.33; Byars upper 95% limit 101 (1 - 1/909 +
    1.96 / (3 sqrt 101))^3 = 121.63 < 133.33, 99.8% limit 134.94 > 133.33 -> Low (0.025).
    (Against the inflated 41.67 row 1 would be "Not significant": E = 83.3 > 81.36.)"""
    with pytest.warns(StatsWarning):
        out = stats.funnel_significance(crude_rates(), "num", "rate", rate_col="rate",
                                        rate_type="crude", multiplier=100)
    assert out["significance"].tolist()[:2] == ["High (0.001)", "Low (0.025)"]
    assert pd.isna(out["significance"].iloc[2])
    assert out["significance_note"].iloc[2] == "rate is missing"


# ------------------------------------------------------------------ funnel: zero denominators
def test_funnel_significance_zero_over_zero_proportion_gets_no_label():
    d = pd.DataFrame({"x": [0, 30, 50], "n": [0, 100, 100]})
    with pytest.warns(StatsWarning, match="n is 0"):
        out = stats.funnel_significance(d, "x", "proportion", denom_col="n")
    assert pd.isna(out["significance"].iloc[0])
    assert "n is 0" in out["significance_note"].iloc[0]
    # the other rows are judged against 80 / 200 = 40%, as if the 0/0 row were absent
    same = stats.funnel_significance(d.iloc[1:], "x", "proportion", denom_col="n")
    assert out["significance"].iloc[1:].tolist() == same["significance"].tolist()


def test_funnel_significance_ratio_with_expected_zero_gets_no_label():
    """O = 3, E = 0 was labelled "High (0.001)" (3 / 0 = inf). O = 30, E = 15: Byars lower
    99.8% limit of 30 is 15.84 > 15 -> High (0.001)."""
    d = pd.DataFrame({"o": [3, 30, 15], "e": [0.0, 15.0, 15.0]})
    with pytest.warns(StatsWarning, match="expected events"):
        out = stats.funnel_significance(d, "o", "ratio", denom_col="e")
    assert pd.isna(out["significance"].iloc[0])
    assert out["significance"].tolist()[1:] == ["High (0.001)", "Not significant"]


def test_funnel_limits_ignore_zero_and_missing_denominators():
    """A 0/0 row must not pull the axis down to 0: denominators 1,000 and 1,100 give an axis
    from signif_floor(0.95 x 1000) = 900, as without the 0/0 row."""
    d = pd.DataFrame({"x": [0, 100, 120, 5], "n": [0, 1000, 1100, np.nan]})
    with pytest.warns(StatsWarning, match="2 row"):
        lim = stats.funnel_limits(d, "x", "proportion", 100, denom_col="n")
    ref = stats.funnel_limits(d.iloc[1:3], "x", "proportion", 100, denom_col="n")
    pd.testing.assert_frame_equal(lim, ref)
    assert lim["Population"].iloc[0] == 900
    assert lim["baseline"].iloc[0] == pytest.approx(220 / 2100 * 100)


def test_funnel_malformed_rates_raise():
    d = pd.DataFrame({"num": [10, 20], "rate": [0.0, 5.0]})
    with pytest.raises(ValueError, match="'rate' is 0 or negative"):
        stats.funnel_limits(d, "num", "rate", 100, rate_col="rate", rate_type="crude",
                            years_of_data=1)
    with pytest.raises(ValueError, match="'x' exceeds 'n'"):
        stats.funnel_limits(pd.DataFrame({"x": [5], "n": [4]}), "x", "proportion", 100,
                            denom_col="n")
    with pytest.raises(ValueError, match="no row"), pytest.warns(StatsWarning):
        stats.funnel_limits(pd.DataFrame({"x": [0], "n": [0]}), "x", "proportion", 100,
                            denom_col="n")


# ------------------------------------------------------------------ the same fault elsewhere
def test_isr_population_missing_in_a_band_with_deaths_is_na():
    """Band 2 has 5 deaths but no population: O would count the 5 deaths while E leaves the
    band out (10 / 5 = 2.0 instead of unknown). The group is NA with a note; the other group is
    unchanged: O = 4, E = 100 x 0.01 + 100 x 0.03 = 4 -> ratio 1."""
    d = pd.DataFrame({"g": ["a", "a", "b", "b"], "x": [5, 5, 1, 3],
                      "n": [500.0, np.nan, 100, 100]})
    with pytest.warns(StatsWarning, match=r"population\) missing"):
        out = stats.isratio(d, "x", "n", [0.01, 0.03], [1, 1], "g")
    a, b = out.iloc[0], out.iloc[1]
    assert np.isnan(a["value"]) and np.isnan(a["lowercl"]) and "population" in a["note"]
    assert b["value"] == pytest.approx(1.0) and pd.isna(b["note"])


def test_isr_missing_population_without_deaths_still_counts_as_zero_as_in_r():
    """R (and the reference sheet testdata_multiarea_isr) treats a band with neither deaths nor
    population as contributing 0: O = 1, E = 100 x 0.01 = 1."""
    d = pd.DataFrame({"x": [1, np.nan], "n": [100.0, np.nan]})
    out = stats.isratio(d, "x", "n", [0.01, 0.03], [1, 1])
    assert out["value"].iloc[0] == pytest.approx(1.0)


def test_isr_observed_totals_missing_for_a_group_is_na_with_note():
    d = pd.DataFrame({"g": ["a", "b"], "n": [100.0, 100.0]})
    totals = pd.DataFrame({"g": ["a"], "deaths": [2]})
    with pytest.warns(StatsWarning, match="observed"):
        out = stats.isratio(d, "deaths", "n", [0.01], [1], "g", observed_totals=totals)
    assert out["value"].iloc[0] == pytest.approx(2.0)
    assert np.isnan(out["value"].iloc[1]) and "observed total" in out["note"].iloc[1]
    assert pd.isna(out["method"].iloc[1])


@pytest.mark.parametrize("fn", [stats.proportion, stats.rate])
def test_missing_inputs_give_a_note(fn):
    d = pd.DataFrame({"g": ["a", "b"], "x": [np.nan, 3], "n": [10, 10]})
    out = fn(d, "x", "n", "g")
    assert np.isnan(out["value"].iloc[0]) and "missing" in out["note"].iloc[0]
    assert pd.isna(out["note"].iloc[1])


def test_dsr_standard_population_vector_with_missing_weight_raises():
    d = pd.DataFrame({"x": [10, 20], "n": [100, 100]})
    with pytest.raises(ValueError, match="stdpop.*missing"):
        stats.dsr(d, "x", "n", age_col=None, stdpop=[1000, np.nan])
