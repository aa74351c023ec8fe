"""Funnel plot control limits and significance (Fingertips technical guidance, as in
PHEindicatormethods ``calculate_funnel_limits`` / ``assign_funnel_significance``).

Proportions: the limits at population n around the overall proportion p are the values whose
Wilson score interval at n has p on its edge (2 sigma: z = qnorm(0.975); 3 sigma: qnorm(0.999)).
Ratios and rates: the limits at O observed events are O divided by the exact Poisson limits of O
(so a point is outside when the reference lies outside its own exact interval); significance of
a ratio uses exact limits below 10 events and Byars' approximation above.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.stats._common import StatsWarning, fmt_multiplier
from jsna.stats._funnel_inputs import FunnelInputs, prepare
from jsna.stats.overdispersion import average, check_method, estimate, transformed

_P2, _P3 = 0.975, 0.999  # one-sided probabilities of the 2- and 3-sigma limits


def _proportion_limit(p: float, n: np.ndarray, av: float, high: bool) -> np.ndarray:
    """Proportion funnel point at population n (solving the Wilson score bound for the observed value)."""
    z2 = sps.norm.ppf(p) ** 2
    a = av * (n / z2 + 1)
    disc = (8 * a) ** 2 - 64 * (1 / z2 + 1 / n) * av * (n * (av * (n / z2 + 2) - 1) + z2 * (av - 1))
    root = np.sqrt(np.maximum(disc, 0)) / 8
    return ((a + root) if high else (a - root)) / (1 / z2 + 1 / n) / n


def _poisson_mean(obs: np.ndarray, p: float, side: str) -> np.ndarray:
    """Mean mu with P(X >= obs | mu) = p (side 'low') or P(X <= obs | mu) = p (side 'high')."""
    with np.errstate(invalid="ignore"):
        if side == "low":
            return np.where(obs > 0, sps.chi2.ppf(p, 2 * obs) / 2, 0.0)
        return sps.chi2.ppf(1 - p, 2 * obs + 2) / 2


def _signif_floor(x: float, down: float = 0.95) -> float:
    if x == 0:
        return 0
    n = len(str(math.floor(x * down))) - 1
    return math.floor(x * down / 10**n) * 10**n


def _signif_ceiling(x: float, up: float = 1.05) -> float:
    if x == 0:
        return 0
    n = len(str(math.ceil(x * up))) - 2
    return math.ceil(x * up / 10**n) * 10**n


def _axis(first: float, axis_max: float, ratio: bool) -> np.ndarray:
    """The 100 x-axis points of the Fingertips funnel (geometric steps, at least 1 apart)."""
    pts = [max(1, first)]
    for j in range(2, 101):  # 100 chart points, independent of data size
        offset = j - 1 if ratio else j
        pts.append(max(round((axis_max / pts[-1]) ** (1 / (101 - offset)) * pts[-1]), pts[-1] + 1))
    return np.array(pts, dtype=float)


def _od_proportion_limit(z: float, n: np.ndarray, theta: float, how: str, phi: float, tau2: float,
                         high: bool) -> np.ndarray:
    """Overdispersed proportion limit at population n: sin^2(theta -/+ z k), k on the asin scale."""
    s = 1 / (2 * np.sqrt(n))
    k = np.sqrt(phi) * s if how == "multiplicative" else np.sqrt(s**2 + tau2)
    y = theta + z * k if high else theta - z * k
    return np.sin(np.clip(y, 0, np.pi / 2)) ** 2


def _od_expected(z: float, obs: np.ndarray, how: str, phi: float, tau2: float, high: bool) -> np.ndarray:
    """Expected count E at which O observed events lie on the overdispersed limit of O/E.

    On the square-root scale the limit is 1 -/+ z k(E), so with u = sqrt(E):
    multiplicative sqrt(O) = u -/+ z sqrt(phi) / 2; additive sqrt(O) = u -/+ z sqrt(1/4 + tau2 u^2),
    i.e. (1 - z^2 tau2) u^2 - 2 sqrt(O) u + O - z^2 / 4 = 0. NaN where the upper limit has no
    finite value (too few events); 0 events as the lower limit's E means no lower limit (inf).
    """
    r = np.sqrt(obs)
    if how == "multiplicative":
        u = r - z * np.sqrt(phi) / 2 if high else r + z * np.sqrt(phi) / 2
        return np.where(u > 0, u**2, np.nan)
    a = 1 - z**2 * tau2
    with np.errstate(divide="ignore", invalid="ignore"):
        root = z * np.sqrt(tau2 * obs + a / 4)
        u = (r - root) / a if high else (r + root) / a
        # keep only roots of the unsquared equation
        resid = u - r + (z if high else -z) * np.sqrt(0.25 + tau2 * u**2)
        ok = (a > 0) & (u > 0) & (np.abs(resid) <= 1e-9 * np.maximum(1, r))
    if high:
        return np.where(ok, u**2, np.nan)
    return np.where(ok, u**2, np.inf)  # a > 0 fails only when z tau >= 1: no lower limit


def _warn_left_out(inp: FunnelInputs, what: str) -> None:
    if inp.n_left_out:
        warnings.warn(
            f"{what}: {inp.n_left_out} row(s) left out of the funnel, numerator and denominator "
            f"alike ({inp.reasons()})", StatsWarning, stacklevel=3)


def _od_active(how: str | None, phi: float, tau2: float) -> bool:
    """An adjustment changes the limits only when phi > 1 (multiplicative) or tau2 > 0 (additive)."""
    if how == "multiplicative":
        return bool(np.isfinite(phi) and phi > 1)
    if how == "additive":
        return bool(np.isfinite(tau2) and tau2 > 0)
    return False


def _od_method(how: str | None, active: bool, phi: float, tau2: float) -> str:
    if how is None:
        return ""
    if not active:
        return f"; {how} overdispersion requested but none estimated (phi = {phi:.3g}): standard limits"
    if how == "multiplicative":
        return f"; multiplicative overdispersion (phi = {phi:.4g})"
    return f"; additive overdispersion (DerSimonian-Laird tau\u00b2 = {tau2:.4g})"


def funnel_limits(
    df: pd.DataFrame,
    num_col: str,
    statistic: str,
    multiplier: float,
    denom_col: str | None = None,
    rate_col: str | None = None,
    rate_type: str | None = None,
    ratio_type: str | None = None,
    years_of_data: int | None = None,
    overdispersion: str | None = None,
    trim: float = 0.1,
) -> pd.DataFrame:
    """Funnel control limits (2 sigma ~95%, 3 sigma ~99.8%) on 100 x-axis points.

    ``statistic``: "proportion" (x-axis: population; needs ``denom_col``), "ratio" (x-axis:
    observed events; ``denom_col`` = expected; ``ratio_type`` "count" or "isr"), or "rate"
    (x-axis: events; ``rate_col``, ``rate_type`` "dsr"/"crude", ``years_of_data``).
    Rows with a missing numerator, denominator or rate, or a zero denominator, are left out of
    the funnel (numerator and denominator alike) with a StatsWarning.
    ``overdispersion``: None (Fingertips limits), "multiplicative" or "additive"
    (Spiegelhalter 2005; phi / tau2 from z-scores winsorised at ``trim`` each end, see
    :func:`funnel_overdispersion`). When no overdispersion is estimated the standard limits
    are returned.
    Output columns: the axis column (``Population`` / ``Observed_events`` / ``Events``),
    ``lower_2s_limit``, ``upper_2s_limit``, ``lower_3s_limit``, ``upper_3s_limit``,
    ``baseline`` (proportion, rate), ``statistic``, ``method``; with ``overdispersion`` also
    ``overdispersion``, ``phi`` and ``tau2``.

    References
    ----------
    - Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat
      Med 24:1185-1202.
    - Public Health England (2017). Technical Guide: Funnel Plots. Fingertips Public Health
      Data technical guidance.
    - R: ``PHEindicatormethods::calculate_funnel_limits`` (overdispersion as
      ``FunnelPlotR::funnel_plot``).

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"x": [30, 45, 80, 100], "n": [200, 400, 500, 1000]})
    >>> out = stats.funnel_limits(df, "x", "proportion", multiplier=100, denom_col="n")
    >>> cols = ["Population", "lower_2s_limit", "upper_2s_limit", "baseline"]
    >>> print(out.iloc[[0, 50, 99]][cols].round(2).to_string(index=False))
     Population  lower_2s_limit  upper_2s_limit  baseline
            1.0            0.00           76.16     12.14
           90.0            5.39           18.89     12.14
         1100.0           10.21           14.07     12.14
    """
    check_method(overdispersion, trim)
    if statistic == "rate" and years_of_data is None:
        raise ValueError("statistic='rate' needs years_of_data")
    if statistic == "ratio" and ratio_type not in ("count", "isr"):
        raise ValueError("statistic='ratio' needs ratio_type 'count' or 'isr'")
    inp = prepare(df, num_col, statistic, denom_col, rate_col, rate_type, multiplier, "funnel_limits")
    _warn_left_out(inp, "funnel_limits")
    u = inp.usable
    if not u.any():
        raise ValueError(f"funnel_limits: no row has both {num_col!r} and a denominator above 0")
    x, d = inp.x[u], inp.d[u]
    years = years_of_data or 1
    av = x.sum() / d.sum()
    dmin, dmax = d.min(), d.max()
    if dmax > 2 * dmin:
        axis_min = 0
    else:
        axis_min = _signif_floor(dmin / years) * years if statistic == "rate" else _signif_floor(dmin)
    axis_max = _signif_ceiling(dmax / years) * years if statistic == "rate" else _signif_ceiling(dmax)
    if statistic == "rate":
        axis_min, axis_max = math.floor(axis_min * av), math.ceil(axis_max * av)
    pts = _axis(axis_min, axis_max, statistic == "ratio")
    phi = tau2 = np.nan
    if overdispersion is not None:
        phi, tau2, _ = estimate(statistic, inp, trim)
    od = _od_active(overdispersion, phi, tau2)
    out = pd.DataFrame()
    if statistic == "proportion":
        out["Population"] = pts
        theta = float(np.arcsin(np.sqrt(av)))
        for tag, p in (("2s", _P2), ("3s", _P3)):
            if od:
                z = sps.norm.ppf(p)
                lo = _od_proportion_limit(z, pts, theta, overdispersion, phi, tau2, False)
                hi = _od_proportion_limit(z, pts, theta, overdispersion, phi, tau2, True)
            else:
                lo, hi = _proportion_limit(p, pts, av, False), _proportion_limit(p, pts, av, True)
            out[f"lower_{tag}_limit"] = np.maximum(0, lo * multiplier)
            out[f"upper_{tag}_limit"] = np.minimum(100, hi * multiplier)
        out["baseline"] = av * multiplier
        stat, method = "proportion", "Wilson"
        if od:
            method = "arcsine square root"
    else:
        col = "Observed_events" if statistic == "ratio" else "Events"
        out[col] = pts
        for tag, p in (("2s", 1 - _P2), ("3s", 1 - _P3)):
            if od:
                z = sps.norm.ppf(1 - p)
                lo_mean = _od_expected(z, pts, overdispersion, phi, tau2, high=False)
                hi_mean = _od_expected(z, pts, overdispersion, phi, tau2, high=True)
            else:
                lo_mean = _poisson_mean(pts, p, "high")
                hi_mean = _poisson_mean(pts, p, "low")
            with np.errstate(divide="ignore", invalid="ignore"):
                lo, hi = pts / lo_mean, pts / hi_mean
            if statistic == "ratio":
                adj = (lambda v: v - 1) if ratio_type == "count" else (lambda v: v * 100)
                out[f"lower_{tag}_exp_events"] = lo_mean
                out[f"lower_{tag}_limit"] = adj(lo)
                out[f"upper_{tag}_exp_events"] = hi_mean
                out[f"upper_{tag}_limit"] = adj(hi)
            else:
                out[f"lower_{tag}_population_1_year"] = lo_mean / av / years
                out[f"lower_{tag}_limit"] = lo * av * multiplier
                out[f"upper_{tag}_population_1_year"] = hi_mean / av / years
                out[f"upper_{tag}_limit"] = hi * av * multiplier
        if statistic == "rate":
            out["baseline"] = av * multiplier
            stat = f"rate ({rate_type} per {fmt_multiplier(multiplier, thousands=True)})"
        else:
            stat = f"ratio ({ratio_type})"
        method = "square root" if od else "Poisson"
    out["statistic"] = stat
    out["method"] = method + _od_method(overdispersion, od, phi, tau2)
    if overdispersion is not None:
        out["overdispersion"] = overdispersion if od else "none"
        out["phi"] = phi
        out["tau2"] = tau2
    return out


def _ratio_bound(obs: np.ndarray, expected: np.ndarray, p: float, side: str) -> np.ndarray:
    """Exact (below 10 events) or Byars limit of obs divided by expected, at two-sided level p."""
    z = sps.norm.ppf(0.5 + p / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        if side == "low":
            exact = sps.chi2.ppf(1 - (0.5 + p / 2), 2 * obs) / 2
            o = obs
            byars = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
            val = np.where(obs == 0, 0.0, np.where(obs < 10, exact, byars))
        else:
            exact = sps.chi2.ppf(0.5 + p / 2, 2 * obs + 2) / 2
            o = obs + 1
            byars = o * (1 - 1 / (9 * o) + z / (3 * np.sqrt(o))) ** 3
            val = np.where(obs < 10, exact, byars)
        return val / expected


def funnel_significance(
    df: pd.DataFrame,
    num_col: str,
    statistic: str,
    denom_col: str | None = None,
    rate_col: str | None = None,
    rate_type: str | None = None,
    multiplier: float | None = None,
    overdispersion: str | None = None,
    trim: float = 0.1,
) -> pd.DataFrame:
    """Copy of df with ``significance``: "High (0.001)", "High (0.025)", "Not significant",
    "Low (0.025)" or "Low (0.001)" against the funnel of the whole data set (3 sigma checked
    first). DSR rows with fewer than 10 events are "Not applicable for events less than 10 for DSRs".

    A row with a missing numerator, denominator or rate, or a zero denominator (0/0, expected 0)
    gets no label: ``significance`` is NA, ``significance_note`` says why, a StatsWarning is
    raised, and the row is left out of the funnel's average. ``overdispersion`` ("multiplicative"
    / "additive", see :func:`funnel_limits`) judges each row by its z-score on the
    variance-stabilised scale against the widened limits.

    References
    ----------
    - Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Stat
      Med 24:1185-1202.
    - Public Health England (2017). Technical Guide: Funnel Plots. Fingertips Public Health
      Data technical guidance.
    - R: ``PHEindicatormethods::assign_funnel_significance``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": list("ABCD"), "x": [30, 45, 80, 100],
    ...                    "n": [200, 400, 500, 1000]})
    >>> out = stats.funnel_significance(df, "x", "proportion", denom_col="n")
    >>> print(out[["area", "x", "n", "significance"]].to_string(index=False))
    area   x    n    significance
       A  30  200 Not significant
       B  45  400 Not significant
       C  80  500    High (0.025)
       D 100 1000     Low (0.025)
    """
    check_method(overdispersion, trim)
    inp = prepare(df, num_col, statistic, denom_col, rate_col, rate_type, multiplier,
                  "funnel_significance")
    _warn_left_out(inp, "funnel_significance")
    u = inp.usable
    x = np.where(u, inp.x, 0.0)
    d = np.where(u, inp.d, 1.0)  # placeholders on rows that get no label
    out = df.copy()
    phi = tau2 = np.nan
    if overdispersion is not None:
        phi, tau2, _ = estimate(statistic, inp, trim)
    od = _od_active(overdispersion, phi, tau2)
    if od:
        av = average(statistic, inp)
        y, s, theta = transformed(statistic, x, d, av)
        k = np.sqrt(phi) * s if overdispersion == "multiplicative" else np.sqrt(s**2 + tau2)
        zs = (y - theta) / k
        z2, z3 = sps.norm.ppf(_P2), sps.norm.ppf(_P3)
        low3, low2, high3, high2 = zs < -z3, zs < -z2, zs > z3, zs > z2
    elif statistic == "proportion":
        av = inp.x[u].sum() / inp.d[u].sum() if u.any() else np.nan
        p = x / d
        low3, low2 = (p < _proportion_limit(_P3, d, av, False)), (p < _proportion_limit(_P2, d, av, False))
        high3, high2 = (p > _proportion_limit(_P3, d, av, True)), (p > _proportion_limit(_P2, d, av, True))
    else:
        ref = 1.0 if statistic == "ratio" else (
            inp.x[u].sum() / inp.d[u].sum() if u.any() else np.nan)
        high3 = ref < _ratio_bound(x, d, 0.998, "low")
        high2 = ref < _ratio_bound(x, d, 0.95, "low")
        low3 = ref > _ratio_bound(x, d, 0.998, "high")
        low2 = ref > _ratio_bound(x, d, 0.95, "high")
    if statistic == "proportion":
        sig = np.select([low3, low2, high3, high2],
                        ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"], "Not significant")
    else:
        sig = np.select([high3, high2, low3, low2],
                        ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"], "Not significant")
    sig = sig.astype(object)
    if statistic == "rate" and rate_type == "dsr":
        sig[inp.dsr_small] = "Not applicable for events less than 10 for DSRs"
    no_label = ~u & ~inp.dsr_small
    sig[no_label] = None
    out["significance"] = sig
    out["significance_note"] = np.where(no_label, inp.reason, None).astype(object)
    return out
