"""jsna.stats against the PHEindicatormethods reference sheets: Byars/Wilson, proportion, rate,
mean and quantiles. Expected values are the R package's test data (see SOURCES.md there)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats
from jsna.stats import StatsWarning

CI2 = ["lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]


def test_byars_and_wilson_limits(close, ref):
    d = ref("testdata_Byars_Wilson__testdata_B_W")
    for _, row in d.iterrows():
        c = 0.95 if row["confidence"] == "95%" else 0.998
        if row["method"] == "Byars":
            lo, hi = stats.byars_limits(np.array([row["x"]]), c)
        else:
            lo, hi = stats.wilson_limits(np.array([row["x"]]), np.array([row["n"]]), c)
        close(lo, [row["lowercl"]])  # row 13: negative Byars lower -> NA in both
        close(hi, [row["uppercl"]])


def test_wilson_at_100_percent_confidence():
    lo, hi = stats.wilson_limits(np.array([3.0]), np.array([10.0]), 1.0)
    assert lo[0] == 0 and hi[0] == 1


@pytest.mark.parametrize("bad", [0.8, 1.5, 85, 101, (0.95, 0.99, 0.998)])
def test_confidence_out_of_range(bad):
    d = pd.DataFrame({"x": [1], "n": [10]})
    with pytest.raises(ValueError, match="confidence"):
        stats.proportion(d, "x", "n", confidence=bad)


@pytest.mark.parametrize("multiplier,rows,statistic", [(1, slice(0, 8), "proportion of 1"),
                                                         (100, slice(8, 19), "percentage")])
def test_proportion_two_levels(close, ref, multiplier, rows, statistic):
    d = ref("testdata_Proportion__testdata_Prop").iloc[rows].reset_index(drop=True)
    out = stats.proportion(d, "Numerator", "Denominator", "Area", (0.95, 0.998), multiplier)
    close(out["value"], d["value"])
    for c in CI2:
        close(out[c], d[c])
    assert (out["statistic"] == statistic).all()
    assert (out["method"].fillna("NA") == d["method"].fillna("NA")).all()
    assert (out["confidence"] == "95%, 99.8%").all()


def test_proportion_grouped_and_percent_given_as_95(close, ref):
    d = ref("testdata_Proportion__testdata_Prop")
    exp = ref("testdata_Proportion__testdata_Prop_g")
    out = stats.proportion(d, "Numerator", "Denominator", "Area", confidence=95)
    m = exp.merge(out, on="Area", suffixes=("", "_ours"), validate="1:1")
    assert len(m) == len(exp) == 11
    for c in ["Numerator", "Denominator", "value", "lowercl", "uppercl"]:
        close(m[f"{c}_ours"], m[c])
    assert (out["confidence"] == "95%").all()


def test_proportion_without_confidence():
    d = pd.DataFrame({"x": [3], "n": [10]})
    out = stats.proportion(d, "x", "n", confidence=None)
    assert out["value"].iloc[0] == 0.3
    assert "lowercl" not in out and out["confidence"].iloc[0] == "not requested"


@pytest.mark.parametrize("rows,mult", [(slice(0, 8), 100), (slice(8, 20), 100000)])
def test_rate_two_levels(close, ref, rows, mult):
    d = ref("testdata_Rate__testdata_Rate").iloc[rows].reset_index(drop=True)
    out = stats.rate(d, "Numerator", "Denominator", "Area", (0.95, 0.998), mult)
    close(out["value"], d["value"])
    for c in CI2:
        close(out[c], d[c])
    assert (out["statistic"] == d["statistic"]).all()
    # R labels a row with a missing denominator by its count; we do the same
    assert (out["method"].fillna("NA") == d["method"].fillna("NA")).all()


def test_rate_grouped(close, ref):
    d = ref("testdata_Rate__testdata_Rate").iloc[8:]
    exp = ref("testdata_Rate__testdata_Rate_g")
    out = stats.rate(pd.concat([ref("testdata_Rate__testdata_Rate").iloc[:8], d]), "Numerator",
                     "Denominator", "Area")
    m = exp.merge(out, on="Area", suffixes=("", "_ours"), validate="1:1")
    assert len(m) == len(exp)
    for c in ["value", "lowercl", "uppercl"]:
        close(m[f"{c}_ours"], m[c])


def test_mean(close, ref):
    d = ref("testdata_Mean__testdata_Mean")
    exp = ref("testdata_Mean__testdata_Mean_results")
    grouped = stats.mean(d, "values", "area", (0.95, 0.998))
    whole = stats.mean(d, "values", confidence=(0.95, 0.998)).assign(area="No grouping")
    out = pd.concat([grouped, whole], ignore_index=True)
    for c in ["value_sum", "value_count", "stdev", "value", *CI2]:
        close(out[c], exp[c])
    assert (out["method"] == exp["method"]).all()


def _polarity(d: pd.DataFrame) -> pd.Series:
    return d["Polarity"].map({"RAG - Low is good": True, "RAG - High is good": False,
                              "True": True, "False": False})


@pytest.mark.parametrize("groupset,cols,nq", [("IndSexReg", ["IndSexRef", "ParentCode"], 10),
                                              ("IndSex", ["IndSexRef"], 7)])
def test_quantiles_within_groups(close, ref, groupset, cols, nq):
    d = ref("testdata_Quantiles__testdata_Quantiles")
    d = d[(d["GroupSet"] == groupset) & (d["Test"] != "BadPolarity")].copy()
    d["invert"] = _polarity(d).astype(bool)
    if groupset == "IndSexReg":  # two regions have only 9 areas: NA + warning + note
        with pytest.warns(StatsWarning, match="too few"):
            out = stats.quantiles(d, "Value", nq, cols, invert="invert")
        few = out["quantile_note"].fillna("").str.contains("fewer than 10")
        assert few.sum() == 18
    else:
        out = stats.quantiles(d, "Value", nq, cols, invert="invert")
    close(out["quantile"].astype("float"), d["QuantileInGrp"])
    assert out.loc[d["Value"].isna(), "quantile_note"].str.contains("missing").all()


def test_quantiles_no_grouping_default_invert(close, ref):
    d = ref("testdata_Quantiles__testdata_Quantiles")
    d = d[d["GroupSet"] == "None"]
    out = stats.quantiles(d, "Value", 4)
    close(out["quantile"].astype("float"), d["QuantileInGrp"])


def test_quantiles_bad_polarity(close, ref):
    d = ref("testdata_Quantiles__testdata_Quantiles")
    d = d[(d["GroupSet"] == "IndSex") & (d["Test"] == "BadPolarity")].copy()
    d["invert"] = _polarity(d).astype(bool)
    with pytest.raises(ValueError, match="invert"):
        stats.quantiles(d, "Value", 7, "IndSexRef", invert="invert")
