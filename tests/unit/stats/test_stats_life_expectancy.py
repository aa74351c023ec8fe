"""Life expectancy (Chiang II + Silcocks) against the PHEindicatormethods inline oracle, and the
PHE NA rules checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats
from jsna.stats import StatsWarning


@pytest.fixture
def df1(ref):
    return ref("le_chiang_silcocks_df1", folder="inline")


def test_values_pops_and_deaths_used(close, df1):
    out = stats.life_expectancy(df1, "deaths", "pops", "startage", le_age="all")
    assert out["startage"].tolist() == df1["startage"].tolist()
    # expected values are published to 8 d.p. (~1e-10 relative for values near 80)
    close(out["value"], df1["value"], rtol=1e-9)
    close(out["pops_used"], df1["pops_used"])
    close(out["dths_used"], df1["dths_used"])
    # the R test compares limits after rounding to 4 d.p.
    assert np.allclose(out["lowercl"], df1["lowercl_95"], atol=5e-5, rtol=0)
    assert np.allclose(out["uppercl"], df1["uppercl_95"], atol=5e-5, rtol=0)


def test_reference_limits_used_z_of_1_96(close, df1):
    """The oracle's limits were made with z = 1.96; we use the exact normal quantile
    1.959964 as PHEindicatormethods does. Their half-widths differ by exactly that ratio."""
    out = stats.life_expectancy(df1, "deaths", "pops", "startage", le_age="all")
    ours = (out["uppercl"] - out["lowercl"]) / 2
    theirs = (df1["uppercl_95"] - df1["lowercl_95"]) / 2
    close(ours / theirs, np.full(len(df1), 1.959963984540054 / 1.96), rtol=2e-7)
    close((out["uppercl"] + out["lowercl"]) / 2, out["value"])


def test_hand_calculation_single_band_view():
    """Two-band check of the open-interval term: with e_w = P_w / D_w at the last band and
    Var = (l_w / M_w)^2 / D_w / l_w^2 = P_w^2 / D_w^3."""
    base = pd.DataFrame({"startage": stats.life_expectancy.__globals__["STARTAGES"]})
    base["pops"] = 10000.0
    base["deaths"] = 10.0
    base.loc[19, "deaths"] = 2500.0
    out = stats.life_expectancy(base, "deaths", "pops", "startage", le_age=90)
    assert out["value"].iloc[0] == pytest.approx(10000 / 2500, rel=1e-12)
    se = np.sqrt(10000**2 / 2500**3)
    assert out["uppercl"].iloc[0] - out["value"].iloc[0] == pytest.approx(1.959963984540054 * se, rel=1e-9)


def test_many_groups_any_order_equals_single(df1):
    a = df1.assign(area="A")
    b = df1.assign(area="B", deaths=df1["deaths"] * 2)
    both = pd.concat([b, a]).sample(frac=1, random_state=1)  # shuffled bands and groups
    out = stats.life_expectancy(both, "deaths", "pops", "startage", "area", le_age=[0, 65])
    single = stats.life_expectancy(df1, "deaths", "pops", "startage", le_age=[0, 65])
    got = out[out["area"] == "A"].reset_index(drop=True)
    np.testing.assert_allclose(got["value"], single["value"], rtol=1e-12)
    assert set(out["area"]) == {"A", "B"} and len(out) == 4
    assert (out[out["area"] == "B"]["value"].to_numpy() < got["value"].to_numpy()).all()


def _na_case(df1, change, rule):
    d = df1.copy()
    change(d)
    with pytest.warns(StatsWarning, match="PHE rules"):
        out = stats.life_expectancy(d, "deaths", "pops", "startage", le_age="all")
    assert out[["value", "lowercl", "uppercl", "pops_used", "dths_used"]].isna().all().all()
    assert out["note"].str.contains(rule).all()


@pytest.mark.parametrize(
    "change,rule",
    [
        (lambda d: d.__setitem__("deaths", d["deaths"].where(d.index != 3, -1)), "negative deaths"),
        (lambda d: d.__setitem__("pops", d["pops"].where(d.index != 5, 0)), "population of 0"),
        (lambda d: d.__setitem__("deaths", d["deaths"].where(d.index != 2, 50000)), "more deaths"),
        (lambda d: d.update(pd.DataFrame({"pops": [250.0] * 20, "deaths": [1.0] * 20})),
         "total population 5,000"),  # 20 x 250 = 5,000: not more than 5,000
        (lambda d: d.__setitem__("deaths", d["deaths"].where(d.index != 4, np.nan)), "missing"),
    ],
)
def test_phe_na_rules(df1, change, rule):
    _na_case(df1, change, rule)


def test_missing_band_gives_na(df1):
    d = df1.drop(index=7)
    with pytest.warns(StatsWarning, match="PHE rules"):
        out = stats.life_expectancy(d, "deaths", "pops", "startage")
    assert out["value"].isna().all() and out["note"].str.contains("age bands missing").all()


def test_wide_interval_keeps_limits():
    """Total population just over 5,000 with few deaths: half-width > 10 years."""
    ages = stats.life_expectancy.__globals__["STARTAGES"]
    d = pd.DataFrame({"startage": ages, "pops": 260.0, "deaths": 1.0})
    d.loc[19, "deaths"] = 1.0
    out = stats.life_expectancy(d, "deaths", "pops", "startage", le_age=[0, 90])
    assert out["value"].isna().any()
    wide = out["note"].fillna("").str.contains("wider")
    assert wide.any()
    assert out.loc[wide, ["lowercl", "uppercl"]].notna().all().all()


def test_85_plus_last_band_warns(df1):
    d = df1[df1["startage"] < 90].copy()
    d.loc[d["startage"] == 85, ["pops", "deaths"]] += df1[df1["startage"] == 90][["pops", "deaths"]].to_numpy()
    with pytest.warns(StatsWarning, match="85\\+"):
        out = stats.life_expectancy(d, "deaths", "pops", "startage", le_age="all")
    assert len(out) == 19 and out["value"].notna().all()
    assert out["value"].iloc[-1] == pytest.approx(23872 / 3873)  # open band: P / D


def test_band_labels_accepted(df1):
    d = df1.copy()
    labels = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
    d["band"] = labels
    a = stats.life_expectancy(d, "deaths", "pops", "band")
    b = stats.life_expectancy(df1, "deaths", "pops", "startage")
    assert a["value"].iloc[0] == b["value"].iloc[0]


def test_bad_inputs(df1):
    with pytest.raises(ValueError, match="duplicated age bands"):
        stats.life_expectancy(pd.concat([df1, df1.iloc[[3]]]), "deaths", "pops", "startage")
    with pytest.raises(ValueError, match="'deaths' must be numeric"):
        stats.life_expectancy(df1.astype({"deaths": str}), "deaths", "pops", "startage")
    with pytest.raises(ValueError, match="not life-table bands"):
        stats.life_expectancy(df1.assign(startage=df1["startage"] + 2), "deaths", "pops", "startage")
    with pytest.raises(ValueError, match="le_age"):
        stats.life_expectancy(df1, "deaths", "pops", "startage", le_age=3)
    with pytest.raises(ValueError, match="not found"):
        stats.life_expectancy(df1, "dths", "pops", "startage")
