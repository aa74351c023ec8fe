"""Slope and relative index of inequality (SII / RII) with Monte Carlo confidence limits.

Method (PHE technical guide; PHEindicatormethods ``phe_sii``): within each group the quantiles are
ordered from 1 (most deprived) upwards; each quantile's population share a_i gives its mid-point
rank b_i = sum_{j<i} a_j + a_i / 2 on 0..1. The indicator (optionally log- or logit-transformed)
is regressed on b by least squares weighted by a. SII = slope (the modelled gap between the least
and most deprived ends), intercept = fitted value at b = 0, RII = fitted(1) / fitted(0). With a
transform the fitted values are back-transformed before taking the difference and the ratio.
Confidence limits: the values are simulated ``repetitions`` times from Normal(value, se) (on the
transformed scale), the SII/RII recomputed for each, and the (1 -/+ c)/2 percentiles taken.
Everything is linear algebra over (groups x repetitions x quantiles) arrays: no loop per group.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from jsna.stats._common import (
    Confidence,
    StatsWarning,
    add_metadata,
    as_list,
    group_keys,
    numeric,
    parse_confidence,
    require_columns,
)

Z95 = 1.959963984540054
_CHUNK = 4_000_000  # simulated values held in memory at once


def _ci_tag(c: float, n_levels: int) -> str:
    if n_levels == 1:
        return "cl"
    return f"{c * 100:.1f}".replace(".", "_") + "cl"


def sii(
    df: pd.DataFrame,
    quantile_col: str,
    population_col: str,
    value_col: str | None = None,
    lower_cl_col: str | None = None,
    upper_cl_col: str | None = None,
    se_col: str | None = None,
    x_col: str | None = None,
    group_cols: str | list[str] | None = None,
    value_type: int = 0,
    transform: bool = False,
    multiplier: float = 1,
    repetitions: int = 100000,
    confidence: Confidence = 0.95,
    rii: bool = False,
    intercept: bool = False,
    seed: int | None = None,
) -> pd.DataFrame:
    """SII (and optionally RII and intercept) per group (PHEindicatormethods ``phe_sii``).

    Input: one row per group and quantile (1 = most deprived). ``value_col`` holds the indicator
    (for proportions, ``x_col`` counts may be given instead: value = x / population). The
    standard error comes from ``se_col``, else from the 95% limits as (U - L) / (2 x 1.96) on
    the analysis scale, else (proportions/rates with ``x_col``) from the binomial/Poisson
    variance. ``value_type``: 0 any, 1 rate, 2 proportion (between 0 and 1). ``transform``:
    log (rates) or logit (proportions) scale for the regression and simulation. ``multiplier``
    scales SII and intercept (-1 or -100 reverses the direction: RII becomes 1/RII).
    ``seed`` makes the Monte Carlo limits reproducible.

    Output per group: ``sii``, its limits (``sii_lowercl``/``sii_uppercl`` for one level,
    ``sii_lower95_0cl`` ... for two), ``rii`` and limits when ``rii``, ``intercept`` when asked,
    ``confidence``, ``statistic``, ``method``, ``note``. A group with a quantile whose
    population is 0 or missing, or whose value/se is missing, gets NA and a note.

    References
    ----------
    - Low A, Low A (2004). Measuring the gap: quantifying and comparing local health
      inequalities. J Public Health 26:388-395.
    - Public Health England. Slope index of inequality tool (simulated confidence intervals).
      Fingertips Public Health Data technical guidance.
    - R: ``PHEindicatormethods::phe_sii``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"quintile": [1, 2, 3, 4, 5], "pop": [11000, 10500, 9800, 10200, 9500],
    ...                    "le": [76.1, 77.9, 79.4, 80.6, 82.3], "se": [0.4, 0.4, 0.35, 0.35, 0.3]})
    >>> out = stats.sii(df, "quintile", "pop", "le", se_col="se", repetitions=10000, seed=1)
    >>> print(out[["sii", "sii_lowercl", "sii_uppercl"]].round(2).to_string(index=False))
     sii  sii_lowercl  sii_uppercl
    7.58         6.47          8.7
    """
    levels = parse_confidence(confidence)
    groups = as_list(group_cols)
    if value_type not in (0, 1, 2):
        raise ValueError(f"value_type={value_type!r} must be 0 (any), 1 (rate) or 2 (proportion)")
    if transform and value_type == 0:
        raise ValueError("transform=True needs value_type 1 (rate: log) or 2 (proportion: logit)")
    if value_col is None and not (x_col is not None and value_type == 2):
        raise ValueError("sii: give value_col (or x_col with value_type=2 for proportions)")
    if se_col is None and (lower_cl_col is None or upper_cl_col is None) and x_col is None:
        raise ValueError("sii: give se_col, or both lower_cl_col and upper_cl_col, or x_col")
    if not isinstance(repetitions, int | np.integer) or repetitions < 1000:
        raise ValueError(f"repetitions={repetitions!r} must be a whole number of at least 1000")
    if not np.isfinite(multiplier) or multiplier == 0:
        raise ValueError(f"multiplier={multiplier!r} must be a non-zero number")
    cols = [quantile_col, population_col, *groups]
    cols += [c for c in (value_col, lower_cl_col, upper_cl_col, se_col, x_col) if c is not None]
    require_columns(df, cols, "sii")

    quant = numeric(df, quantile_col)
    pop = numeric(df, population_col)
    if (pop < 0).any():
        raise ValueError(f"column {population_col!r} has negative populations")
    if np.isnan(quant).any() or (quant != np.round(quant)).any() or (quant < 1).any():
        raise ValueError(f"column {quantile_col!r} must hold whole numbers 1, 2, ... (1 = most deprived)")
    x = numeric(df, x_col) if x_col else None
    if x is not None and (x < 0).any():
        raise ValueError(f"column {x_col!r} has negative counts")
    if value_col is not None:
        value = numeric(df, value_col)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(pop > 0, x / pop, np.nan)
    se = numeric(df, se_col) if se_col else None
    if se is not None and (se < 0).any():
        raise ValueError(f"column {se_col!r} has negative standard errors")
    lcl = numeric(df, lower_cl_col) if lower_cl_col else None
    ucl = numeric(df, upper_cl_col) if upper_cl_col else None
    if value_type == 2:
        for arr, name in ((value, value_col or "x / population"), (lcl, lower_cl_col), (ucl, upper_cl_col)):
            if arr is not None and ((arr < 0) | (arr > 1)).any():
                raise ValueError(f"column {name!r}: proportions must lie between 0 and 1 for value_type=2")
    if value_type == 1 and (value < 0).any():
        raise ValueError(f"column {value_col!r}: rates must not be negative")

    # ---- analysis scale and standard errors
    f = finv = None
    if transform:
        f, finv = (np.log, np.exp) if value_type == 1 else (logit, expit)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = f(value) if transform else value
        if se is not None:
            s = se if not transform else (se / value if value_type == 1 else se / (value * (1 - value)))
        elif lcl is not None and ucl is not None:
            s = (f(ucl) - f(lcl)) / (2 * Z95) if transform else (ucl - lcl) / (2 * Z95)
        elif value_type == 2:
            s_raw = np.sqrt(value * (1 - value) / pop)
            s = s_raw / (value * (1 - value)) if transform else s_raw
        else:  # rate from counts: Poisson
            s = 1 / np.sqrt(x) if transform else value / np.sqrt(x)

    # ---- (groups x quantiles) arrays
    codes, keys = group_keys(df, groups)
    ng = len(keys)
    qi = quant.astype(np.int64)
    nq = int(qi.max()) if len(qi) else 0
    flat = codes * nq + (qi - 1)
    if len(np.unique(flat)) != len(flat):
        raise ValueError(f"column {quantile_col!r} has duplicated quantiles within a group")
    if nq > 10:
        warnings.warn(f"sii: more than 10 quantiles ({nq}); SII is normally calculated on deciles or fewer",
                      StatsWarning, stacklevel=2)
    present = np.zeros((ng, nq), bool)
    present.reshape(-1)[flat] = True
    P = np.zeros((ng, nq))
    Y = np.zeros((ng, nq))
    S = np.zeros((ng, nq))
    P.reshape(-1)[flat] = pop
    Y.reshape(-1)[flat] = y
    S.reshape(-1)[flat] = s
    # groups must have quantiles 1..k with no gaps (k may differ between groups)
    k = present.sum(axis=1)
    contiguous = present[np.arange(ng), np.maximum(k - 1, 0)] & (k > 0)

    note = np.full(ng, None, dtype=object)

    def flag(mask, text):
        new = mask & (note == None)  # noqa: E711
        note[new] = text

    flag(~contiguous, "quantiles are not numbered 1, 2, ... without gaps")
    flag((present & (np.isnan(P) | (P == 0))).any(axis=1), "a quantile has no population")
    flag((present & (np.isnan(Y) | ~np.isfinite(Y))).any(axis=1), "a quantile has no value (or none on the analysis scale, e.g. 0 events)")
    flag((present & np.isnan(S)).any(axis=1), "a quantile has no standard error")
    flag(k < 2, "fewer than two quantiles")
    bad = note != None  # noqa: E711
    if bad.any():
        warnings.warn(
            f"sii: {int(bad.sum())} group(s) set to NA ({sorted(set(note[bad]))})",
            StatsWarning,
            stacklevel=2,
        )
    P = np.where(present & ~bad[:, None], np.nan_to_num(P), 0.0)
    Y = np.where(P > 0, Y, 0.0)
    S = np.where(P > 0, S, 0.0)
    tot = P.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(tot > 0, P / tot, 0.0)
    b = np.cumsum(a, axis=1) - a / 2
    xbar = (a * b).sum(axis=1, keepdims=True)
    sxx = (a * (b - xbar) ** 2).sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c_slope = np.where(sxx > 0, a * (b - xbar) / sxx, 0.0)  # slope = Y @ c_slope
    c_icpt = a - xbar * c_slope  # intercept = Y @ c_icpt

    def summaries(Yarr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """SII, RII and intercept on the reporting scale for Y of shape (..., nq)."""
        b1 = (Yarr * c_slope).sum(axis=-1)
        b0 = (Yarr * c_icpt).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if transform:
                lo_end, hi_end = finv(b0), finv(b0 + b1)
            else:
                lo_end, hi_end = b0, b0 + b1
            return hi_end - lo_end, hi_end / lo_end, lo_end

    sii_v, rii_v, icpt = summaries(Y)

    rng = np.random.default_rng(seed)
    probs = []
    for c in levels:
        probs += [(1 - c) / 2, (1 + c) / 2]
    sii_q = np.full((ng, len(probs)), np.nan)
    rii_q = np.full((ng, len(probs)), np.nan)
    if probs and ng:
        step = max(1, _CHUNK // max(1, repetitions * nq))
        for g0 in range(0, ng, step):  # memory chunks of many groups, not one loop per group
            sl = slice(g0, min(ng, g0 + step))
            sims = rng.standard_normal((sl.stop - sl.start, repetitions, nq))
            sims = Y[sl, None, :] + sims * S[sl, None, :]
            # the c_slope/c_icpt broadcast needs the group axis aligned
            b1 = np.einsum("grq,gq->gr", sims, c_slope[sl])
            b0 = np.einsum("grq,gq->gr", sims, c_icpt[sl])
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                lo_end, hi_end = (finv(b0), finv(b0 + b1)) if transform else (b0, b0 + b1)
                sims_sii = hi_end - lo_end
                sims_rii = hi_end / lo_end
            sii_q[sl] = np.quantile(sims_sii, probs, axis=1).T
            rii_q[sl] = np.quantile(sims_rii, probs, axis=1).T

    m = float(multiplier)
    out = keys.copy()
    sii_out = np.where(bad, np.nan, sii_v * m)
    out["sii"] = sii_out
    lims_sii = np.where(bad[:, None], np.nan, sii_q * m)
    if m < 0:  # limits swap when the direction is reversed
        lims_sii = lims_sii[:, [i ^ 1 for i in range(len(probs))]]
    for i, c in enumerate(levels):
        tag = _ci_tag(c, len(levels))
        out[f"sii_lower{tag}"] = lims_sii[:, 2 * i]
        out[f"sii_upper{tag}"] = lims_sii[:, 2 * i + 1]
    if rii:
        rr = np.where(bad, np.nan, rii_v if m > 0 else 1 / rii_v)
        lims = np.where(bad[:, None], np.nan, rii_q if m > 0 else 1 / rii_q)
        if m < 0:
            lims = lims[:, [i ^ 1 for i in range(len(probs))]]
        out["rii"] = rr
        for i, c in enumerate(levels):
            tag = _ci_tag(c, len(levels))
            out[f"rii_lower{tag}"] = lims[:, 2 * i]
            out[f"rii_upper{tag}"] = lims[:, 2 * i + 1]
    if intercept:
        out["intercept"] = np.where(bad, np.nan, icpt * abs(m))
    scale = {0: "", 1: " (log transform)" if transform else "", 2: " (logit transform)" if transform else ""}
    add_metadata(out, levels, "sii" + scale[value_type],
                 f"Weighted least squares, Monte Carlo limits from {repetitions:,} simulations")
    out["note"] = note
    return out
