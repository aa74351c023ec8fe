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

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.stats._common import check_non_negative, fmt_multiplier, numeric, require_columns

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


def _derived_denominator(df, num_col, denom_col, rate_col, rate_type, multiplier):
    x = numeric(df, num_col, allow_na=False)
    if rate_type not in ("dsr", "crude"):
        raise ValueError("rate_type must be 'dsr' or 'crude' for statistic='rate'")
    if rate_col is None or multiplier is None:
        raise ValueError("statistic='rate' needs rate_col and multiplier")
    r = numeric(df, rate_col)
    with np.errstate(divide="ignore", invalid="ignore"):
        if rate_type == "dsr":
            return np.where(x == 0, np.nan, multiplier * x / r)
        if denom_col is None:
            if (x == 0).any():
                raise ValueError("statistic='rate' with 0 events needs denom_col")
            return multiplier * x / r
        return np.where(x == 0, numeric(df, denom_col), multiplier * x / r)


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
) -> pd.DataFrame:
    """Funnel control limits (2 sigma ~95%, 3 sigma ~99.8%) on 100 x-axis points.

    ``statistic``: "proportion" (x-axis: population; needs ``denom_col``), "ratio" (x-axis:
    observed events; ``denom_col`` = expected; ``ratio_type`` "count" or "isr"), or "rate"
    (x-axis: events; ``rate_col``, ``rate_type`` "dsr"/"crude", ``years_of_data``).
    Output columns: the axis column (``Population`` / ``Observed_events`` / ``Events``),
    ``lower_2s_limit``, ``upper_2s_limit``, ``lower_3s_limit``, ``upper_3s_limit``,
    ``baseline`` (proportion, rate), ``statistic``, ``method``.
    """
    if statistic not in ("proportion", "ratio", "rate"):
        raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")
    require_columns(df, [c for c in (num_col, denom_col, rate_col) if c], "funnel_limits")
    x = numeric(df, num_col, allow_na=False)
    check_non_negative(x, num_col)
    if statistic in ("proportion", "ratio"):
        if denom_col is None:
            raise ValueError(f"statistic={statistic!r} needs denom_col")
        d = numeric(df, denom_col, allow_na=False)
    else:
        if years_of_data is None:
            raise ValueError("statistic='rate' needs years_of_data")
        d = _derived_denominator(df, num_col, denom_col, rate_col, rate_type, multiplier)
    if statistic == "ratio" and ratio_type not in ("count", "isr"):
        raise ValueError("statistic='ratio' needs ratio_type 'count' or 'isr'")
    years = years_of_data or 1
    av = x.sum() / np.nansum(d)
    dmin, dmax = np.nanmin(d), np.nanmax(d)
    if dmax > 2 * dmin:
        axis_min = 0
    else:
        axis_min = _signif_floor(dmin / years) * years if statistic == "rate" else _signif_floor(dmin)
    axis_max = _signif_ceiling(dmax / years) * years if statistic == "rate" else _signif_ceiling(dmax)
    if statistic == "rate":
        axis_min, axis_max = math.floor(axis_min * av), math.ceil(axis_max * av)
    pts = _axis(axis_min, axis_max, statistic == "ratio")
    out = pd.DataFrame()
    if statistic == "proportion":
        out["Population"] = pts
        for tag, p in (("2s", _P2), ("3s", _P3)):
            out[f"lower_{tag}_limit"] = np.maximum(0, _proportion_limit(p, pts, av, False) * multiplier)
            out[f"upper_{tag}_limit"] = np.minimum(100, _proportion_limit(p, pts, av, True) * multiplier)
        out["baseline"] = av * multiplier
        stat, method = "proportion", "Wilson"
    else:
        col = "Observed_events" if statistic == "ratio" else "Events"
        out[col] = pts
        for tag, p in (("2s", 1 - _P2), ("3s", 1 - _P3)):
            lo_mean = _poisson_mean(pts, p, "high")
            hi_mean = _poisson_mean(pts, p, "low")
            if statistic == "ratio":
                lo, hi = pts / lo_mean, pts / hi_mean
                adj = (lambda v: v - 1) if ratio_type == "count" else (lambda v: v * 100)
                out[f"lower_{tag}_exp_events"] = lo_mean
                out[f"lower_{tag}_limit"] = adj(lo)
                out[f"upper_{tag}_exp_events"] = hi_mean
                out[f"upper_{tag}_limit"] = adj(hi)
            else:
                out[f"lower_{tag}_population_1_year"] = lo_mean / av / years
                out[f"lower_{tag}_limit"] = pts / (lo_mean / av) * multiplier
                out[f"upper_{tag}_population_1_year"] = hi_mean / av / years
                out[f"upper_{tag}_limit"] = pts / (hi_mean / av) * multiplier
        if statistic == "rate":
            out["baseline"] = av * multiplier
            stat = f"rate ({rate_type} per {fmt_multiplier(multiplier)})"
        else:
            stat = f"ratio ({ratio_type})"
        method = "Poisson"
    out["statistic"] = stat
    out["method"] = method
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
) -> pd.DataFrame:
    """Copy of df with ``significance``: "High (0.001)", "High (0.025)", "Not significant",
    "Low (0.025)" or "Low (0.001)" against the funnel of the whole data set (3 sigma checked
    first). DSR rows with fewer than 10 events are "Not applicable for events less than 10 for DSRs".
    """
    if statistic not in ("proportion", "ratio", "rate"):
        raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")
    require_columns(df, [c for c in (num_col, denom_col, rate_col) if c], "funnel_significance")
    x = numeric(df, num_col, allow_na=False)
    check_non_negative(x, num_col)
    out = df.copy()
    if statistic == "proportion":
        if denom_col is None:
            raise ValueError("statistic='proportion' needs denom_col")
        n = numeric(df, denom_col, allow_na=False)
        if (x > n).any():
            raise ValueError(f"column {num_col!r} exceeds {denom_col!r}: not a proportion")
        av = x.sum() / n.sum()
        p = x / n
        low3, low2 = (p < _proportion_limit(_P3, n, av, False)), (p < _proportion_limit(_P2, n, av, False))
        high3, high2 = (p > _proportion_limit(_P3, n, av, True)), (p > _proportion_limit(_P2, n, av, True))
    else:
        if statistic == "ratio":
            if denom_col is None:
                raise ValueError("statistic='ratio' needs denom_col (expected events)")
            e = numeric(df, denom_col, allow_na=False)
            ref = 1.0
        else:
            e = _derived_denominator(df, num_col, denom_col, rate_col, rate_type, multiplier)
            ref = x.sum() / np.nansum(e)
        high3 = ref < _ratio_bound(x, e, 0.998, "low")
        high2 = ref < _ratio_bound(x, e, 0.95, "low")
        low3 = ref > _ratio_bound(x, e, 0.998, "high")
        low2 = ref > _ratio_bound(x, e, 0.95, "high")
    if statistic == "proportion":
        sig = np.select([low3, low2, high3, high2],
                        ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"], "Not significant")
    else:
        sig = np.select([high3, high2, low3, low2],
                        ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"], "Not significant")
    sig = sig.astype(object)
    if statistic == "rate" and rate_type == "dsr":
        sig[x < 10] = "Not applicable for events less than 10 for DSRs"
    out["significance"] = sig
    return out
