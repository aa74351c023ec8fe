"""Overdispersed funnel plots (Spiegelhalter 2005; FunnelPlotR's winsorised phi and
DerSimonian-Laird tau^2): hand calculations and a published worked example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna import stats
from jsna.stats.overdispersion import dispersion
from scipy import stats as sps

Z2, Z3 = sps.norm.ppf(0.975), sps.norm.ppf(0.999)


def units() -> pd.DataFrame:
    """Ten units with E = 100 expected events. On the square-root scale y = sqrt(O/E),
    s = 1 / (2 sqrt(E)) = 0.05 and target 1, so z = 2 (sqrt(O) - sqrt(E)):
    O = 49, 64, 81, 100, 100, 100, 121, 144, 169, 196 -> z = -6, -4, -2, 0, 0, 0, 2, 4, 6, 8."""
    return pd.DataFrame({"o": [49, 64, 81, 100, 100, 100, 121, 144, 169, 196], "e": 100.0})


# Hand calculation for units():
#   10% / 90% quantiles (R type 7): -6 + 0.9 x 2 = -4.2 and 6 + 0.1 x 2 = 6.2, so the
#   winsorised z are -4.2, -4, -2, 0, 0, 0, 2, 4, 6, 6.2; squares sum to
#   17.64 + 16 + 4 + 4 + 16 + 36 + 38.44 = 132.08 -> phi = 13.208.
#   w = 1 / s^2 = 400 each: sum w = 4000, sum w^2 / sum w = 400 -> tau2 = (132.08 - 9) / 3600.
PHI = 13.208
TAU2 = (132.08 - 9) / 3600


def test_phi_tau2_and_test_by_hand():
    out = stats.funnel_overdispersion(units(), "o", "ratio", denom_col="e").iloc[0]
    assert out["n_units"] == 10
    assert out["phi"] == pytest.approx(PHI, rel=1e-12)
    assert out["tau2"] == pytest.approx(TAU2, rel=1e-12)
    assert out["chi_squared"] == pytest.approx(132.08) and out["df"] == 9
    assert out["p_value"] == pytest.approx(sps.chi2.sf(132.08, 9))
    assert out["overdispersed"] and out["recommended"] == "additive"
    assert "additive random-effects" in out["note"] and "winsorised at 10%" in out["note"]


def test_significance_with_additive_and_multiplicative_adjustment_by_hand():
    """Additive: k = sqrt(0.05^2 + tau2) = sqrt(0.0025 + 0.0341889) = 0.191543.
    O = 196: (1.4 - 1) / k = 2.088 -> above 1.96, below 3.09 -> High (0.025);
    O = 49: (0.7 - 1) / k = -1.566 -> Not significant. Unadjusted, O = 196 against E = 100 is
    High (0.001) and O = 49 Low (0.001).
    Multiplicative: z / sqrt(phi), sqrt(13.208) = 3.6343: O = 196 -> 8 / 3.6343 = 2.201 ->
    High (0.025); O = 169 -> 1.651 and O = 49 -> -1.651 -> Not significant."""
    d = units()
    plain = stats.funnel_significance(d, "o", "ratio", denom_col="e")["significance"]
    assert plain.iloc[9] == "High (0.001)" and plain.iloc[0] == "Low (0.001)"
    k = np.sqrt(0.0025 + TAU2)
    assert 0.4 / k == pytest.approx(2.0883, abs=1e-4)
    add = stats.funnel_significance(d, "o", "ratio", denom_col="e", overdispersion="additive")
    assert add["significance"].tolist() == ["Not significant"] * 9 + ["High (0.025)"]
    mult = stats.funnel_significance(d, "o", "ratio", denom_col="e",
                                     overdispersion="multiplicative")
    assert 8 / np.sqrt(PHI) == pytest.approx(2.2013, abs=1e-4)
    assert mult["significance"].tolist() == ["Not significant"] * 9 + ["High (0.025)"]


def test_ratio_limits_satisfy_the_defining_equations():
    """At O observed events the additive limit r = O / E must satisfy
    sqrt(r) = 1 -/+ z sqrt(1 / (4 E) + tau2); the multiplicative one
    sqrt(r) = 1 -/+ z sqrt(phi) / (2 sqrt(E))."""
    d = units()
    for how in ("additive", "multiplicative"):
        lim = stats.funnel_limits(d, "o", "ratio", 1, denom_col="e", ratio_type="isr",
                                  overdispersion=how)
        assert (lim["overdispersion"] == how).all()
        o = lim["Observed_events"].to_numpy()
        for tag, z in (("2s", Z2), ("3s", Z3)):
            for side, sign in (("upper", 1), ("lower", -1)):
                e = lim[f"{side}_{tag}_exp_events"].to_numpy()
                r = lim[f"{side}_{tag}_limit"].to_numpy() / 100  # ratio_type isr: x 100
                ok = np.isfinite(e)
                np.testing.assert_allclose(r[ok], o[ok] / e[ok], rtol=1e-12)
                k = (np.sqrt(1 / (4 * e) + TAU2) if how == "additive"
                     else np.sqrt(PHI) / (2 * np.sqrt(e)))
                np.testing.assert_allclose(np.sqrt(r[ok]), 1 + sign * z * k[ok], rtol=1e-9)
        # the adjusted funnel is wider than the Poisson one
        plain = stats.funnel_limits(d, "o", "ratio", 1, denom_col="e", ratio_type="isr")
        assert (lim["upper_2s_limit"] > plain["upper_2s_limit"]).all()
        assert (lim["lower_2s_limit"] < plain["lower_2s_limit"]).all()


def test_proportion_limits_on_the_arcsine_scale():
    """Practices with overall p = 0.3 spread far more than binomial: limits at population n are
    sin^2(asin(sqrt(0.3)) -/+ z sqrt(1 / (4 n) + tau2)), tau2 from funnel_overdispersion."""
    n = np.array([400, 500, 600, 800, 1000, 1200, 1500, 2000])
    x = np.round(n * np.array([0.15, 0.42, 0.2, 0.38, 0.24, 0.36, 0.27, 0.33])).astype(int)
    d = pd.DataFrame({"x": x, "n": n})
    t = stats.funnel_overdispersion(d, "x", "proportion", denom_col="n").iloc[0]
    assert t["overdispersed"]
    lim = stats.funnel_limits(d, "x", "proportion", 100, denom_col="n", overdispersion="additive")
    theta = np.arcsin(np.sqrt(x.sum() / n.sum()))
    pts = lim["Population"].to_numpy()
    k = np.sqrt(1 / (4 * pts) + t["tau2"])
    # the asin scale ends at pi / 2 (100%): the first axis point, n = 1, is clipped there
    np.testing.assert_allclose(lim["upper_2s_limit"],
                               100 * np.sin(np.minimum(theta + Z2 * k, np.pi / 2)) ** 2, rtol=1e-12)
    np.testing.assert_allclose(lim["lower_3s_limit"],
                               100 * np.sin(np.maximum(theta - Z3 * k, 0)) ** 2, rtol=1e-12)
    assert lim["baseline"].iloc[0] == pytest.approx(100 * x.sum() / n.sum())


def test_no_overdispersion_keeps_the_standard_limits():
    """Every unit exactly on target: z = 0, phi = 0, tau2 = 0 -> p = 1, nothing recommended, and
    the limits are the Fingertips (Poisson) ones."""
    d = pd.DataFrame({"o": [25, 100, 400], "e": [25.0, 100.0, 400.0]})
    t = stats.funnel_overdispersion(d, "o", "ratio", denom_col="e").iloc[0]
    assert t["phi"] == 0 and t["tau2"] == 0 and t["p_value"] == 1
    assert not t["overdispersed"] and t["recommended"] is None
    plain = stats.funnel_limits(d, "o", "ratio", 1, denom_col="e", ratio_type="count")
    adj = stats.funnel_limits(d, "o", "ratio", 1, denom_col="e", ratio_type="count",
                              overdispersion="additive")
    assert (adj["overdispersion"] == "none").all() and "none estimated" in adj["method"].iloc[0]
    pd.testing.assert_frame_equal(adj[plain.columns.drop("method")], plain.drop(columns="method"))


def test_rate_funnel_with_overdispersion():
    """Crude rates, populations 25,000 each, overall 1,000 / 100,000 = 0.01 per person, so
    E = 250 for every area and O = 150, 200, 250, 400.
    Unadjusted (Byars): upper 99.8% limit of O = 200 is 201 (1 - 1/1809 + 3.0902 / (3 sqrt 201))^3
    = 247.7 < 250 -> Low (0.001); O = 150 is lower still; O = 250 is on target; lower 99.8% limit
    of 400 is 400 (1 - 1/3600 - 3.0902/60)^3 = 339.6 > 250 -> High (0.001).
    Additive: z = 2 (sqrt(O) - sqrt(250)) = -7.1279, -3.3385, 0, 8.3772; 10% / 90% quantiles of
    four values: -7.1279 + 0.3 x 3.7894 = -5.9911 and 0 + 0.7 x 8.3772 = 5.8641; squares
    35.893 + 11.146 + 0 + 34.388 = 81.427 -> phi = 20.357; w = 4 E = 1000 each, so
    tau2 = (81.427 - 3) / (4000 - 1000) = 0.026142; k = sqrt(1 / 1000 + tau2) = 0.16475;
    O = 400: (sqrt(1.6) - 1) / k = 1.608, O = 150: (sqrt(0.6) - 1) / k = -1.368 -> none
    significant."""
    d = pd.DataFrame({"num": [150, 200, 250, 400], "pop": [25000, 25000, 25000, 25000]})
    d["rate"] = d["num"] / d["pop"] * 100000
    plain = stats.funnel_significance(d, "num", "rate", rate_col="rate", rate_type="crude",
                                      multiplier=100000)
    assert plain["significance"].tolist() == ["Low (0.001)", "Low (0.001)", "Not significant",
                                              "High (0.001)"]
    t = stats.funnel_overdispersion(d, "num", "rate", rate_col="rate", rate_type="crude",
                                    multiplier=100000).iloc[0]
    assert t["phi"] == pytest.approx(20.357, abs=1e-3)
    assert t["tau2"] == pytest.approx(0.026142, abs=1e-6)
    add = stats.funnel_significance(d, "num", "rate", rate_col="rate", rate_type="crude",
                                    multiplier=100000, overdispersion="additive")
    assert add["significance"].tolist() == ["Not significant"] * 4
    lim = stats.funnel_limits(d, "num", "rate", 100000, rate_col="rate", rate_type="crude",
                              years_of_data=1, overdispersion="additive")
    assert lim["statistic"].iloc[0] == "rate (crude per 100,000)"
    assert lim["baseline"].iloc[0] == pytest.approx(1000)
    # at O events the upper limit is O / E x 0.01 x 100,000 with sqrt(O / E) = 1 + z k(E)
    o = lim["Events"].to_numpy()
    e = lim["upper_2s_population_1_year"].to_numpy() * 0.01
    ok = np.isfinite(e)
    np.testing.assert_allclose(lim["upper_2s_limit"].to_numpy()[ok], (o / e * 1000)[ok], rtol=1e-12)
    np.testing.assert_allclose(np.sqrt(o / e)[ok], (1 + Z2 * np.sqrt(1 / (4 * e) + t["tau2"]))[ok],
                               rtol=1e-9)


def test_published_example_dersimonian_laird_bcg():
    """The BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg), log risk ratios: the
    published DerSimonian-Laird results are Q = 152.2330 on 12 d.f., tau^2 = 0.3088 and pooled
    log RR -0.7141 (Viechtbauer 2010, J Stat Softw 36(3); metafor's tests against Stata metan).
    With no winsorising and the inverse-variance mean as target, n phi is Cochran's Q and our
    tau2 is DerSimonian-Laird's."""
    t = np.array([[4, 119, 11, 128], [6, 300, 29, 274], [3, 228, 11, 209],
                  [62, 13536, 248, 12619], [33, 5036, 47, 5761], [180, 1361, 372, 1079],
                  [8, 2537, 10, 619], [505, 87886, 499, 87892], [29, 7470, 45, 7232],
                  [17, 1699, 65, 1600], [186, 50448, 141, 27197], [5, 2493, 3, 2338],
                  [27, 16886, 29, 17825]], dtype=float)
    a, b, c, d = t.T
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    target = np.sum(y / v) / np.sum(1 / v)
    phi, tau2, n = dispersion(y, np.sqrt(v), target, trim=0)
    assert n * phi == pytest.approx(152.2330, abs=5e-5)
    assert tau2 == pytest.approx(0.3088, abs=5e-5)
    w = 1 / (v + tau2)
    assert np.sum(w * y) / np.sum(w) == pytest.approx(-0.7141, abs=5e-5)


def test_bad_options():
    d = units()
    with pytest.raises(ValueError, match="overdispersion="):
        stats.funnel_limits(d, "o", "ratio", 1, denom_col="e", ratio_type="isr",
                            overdispersion="both")
    with pytest.raises(ValueError, match="trim="):
        stats.funnel_significance(d, "o", "ratio", denom_col="e", overdispersion="additive",
                                  trim=0.6)
    with pytest.raises(ValueError, match="alpha="):
        stats.funnel_overdispersion(d, "o", "ratio", denom_col="e", alpha=1.5)
