"""Indirectly standardised rates and ratios with Byars (exact below 10 events) limits.

Expected events E = sum_i (ref_x_i / ref_n_i) * n_i over age bands i (missing counts or
populations contribute 0); observed O = sum x (or supplied totals). Ratio = O / E * refvalue;
rate = O / E * (sum ref_x / sum ref_n) * multiplier. Limits are the Poisson limits of O (exact
below 10, Byars otherwise) divided by E and scaled the same way.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.stats._common import (
    Confidence,
    StatsWarning,
    add_metadata,
    as_list,
    check_non_negative,
    ci_names,
    fmt_multiplier,
    group_keys,
    group_sum,
    numeric,
    parse_confidence,
    poisson_limits,
    poisson_method,
    require_columns,
)
from jsna.stats._standardise import band_start, by_position


def _indirect(df, num_col, denom_col, ref_num, ref_denom, group_cols, confidence, scale,
              observed_totals, ref_df, age_col, what):
    levels = parse_confidence(confidence)
    groups = as_list(group_cols)
    # as in R, with observed_totals the count column may exist only in observed_totals
    counts_in_df = observed_totals is None or num_col in df.columns
    need = [num_col, denom_col, *groups] if counts_in_df else [denom_col, *groups]
    if ref_df is None:
        need += [c for c in (ref_num, ref_denom) if isinstance(c, str)]
    elif age_col is None:
        raise ValueError(f"{what}: ref_df needs age_col, the age-band column to join on")
    else:
        need.append(age_col)
    require_columns(df, need, what)
    x = numeric(df, num_col) if counts_in_df else np.full(len(df), np.nan)
    n = numeric(df, denom_col)
    check_non_negative(x, num_col)
    check_non_negative(n, denom_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)

    if ref_df is not None:
        if not (isinstance(ref_num, str) and isinstance(ref_denom, str)):
            raise ValueError(f"{what}: with ref_df, ref_num and ref_denom are column names in ref_df")
        require_columns(ref_df, [age_col, ref_num, ref_denom], f"{what} ref_df")
        ref_start = band_start(ref_df[age_col], age_col)
        if pd.Series(ref_start).duplicated().any():
            raise ValueError(f"{what} ref_df: column {age_col!r} has duplicated age bands")
        df_start = band_start(df[age_col], age_col)
        if pd.DataFrame({"g": codes, "a": df_start}).duplicated().any():
            raise ValueError(f"{what}: column {age_col!r} has duplicated age bands within a group")
        pos = pd.Index(ref_start).get_indexer(df_start)
        if (pos < 0).any():
            raise ValueError(f"{what}: some age bands in df column {age_col!r} are not in ref_df")
        rx_all, rn_all = numeric(ref_df, ref_num), numeric(ref_df, ref_denom)
        rx, rn = rx_all[pos], rn_all[pos]
        ref_rate_all = np.nansum(rx_all) / np.nansum(rn_all)
        ref_rate = np.full(ng, ref_rate_all)
    else:
        rx = numeric(df, ref_num) if isinstance(ref_num, str) else by_position(ref_num, codes, "ref_num")
        rn = numeric(df, ref_denom) if isinstance(ref_denom, str) else by_position(ref_denom, codes, "ref_denom")
        if isinstance(ref_num, str) or isinstance(ref_denom, str):
            ref_rate = group_sum(codes, ng, rx) / group_sum(codes, ng, rn)
        else:
            ref_rate = np.full(ng, np.nansum(np.asarray(ref_num, float)) / np.nansum(np.asarray(ref_denom, float)))
    check_non_negative(rx, ref_num if isinstance(ref_num, str) else "ref_num")
    check_non_negative(rn, ref_denom if isinstance(ref_denom, str) else "ref_denom")
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_band_rate = np.where(rn > 0, rx / rn, np.nan)
    if (np.isnan(ref_band_rate) & (np.nan_to_num(n) > 0)).any():
        raise ValueError(f"{what}: the reference population is 0 or missing in an age band that has population")
    expected = group_sum(codes, ng, np.where(np.isnan(n), 0.0, n) * np.nan_to_num(ref_band_rate))

    if observed_totals is None:
        observed = group_sum(codes, ng, x)
    else:
        other = [c for c in observed_totals.columns if c not in groups]
        col = num_col if num_col in other else (other[0] if len(other) == 1 else None)
        if col is None or not groups:
            raise ValueError(
                f"{what}: observed_totals must hold the group columns {groups} and one column of "
                f"totals (or a column named {num_col!r})"
            )
        require_columns(observed_totals, groups, f"{what} observed_totals")
        lookup = keys.merge(observed_totals[[*groups, col]], on=groups, how="left", validate="1:1")
        observed = numeric(lookup, col)
        check_non_negative(observed, col)

    # a band with deaths but no population: O would count the deaths, E would leave the band out
    pop_missing = group_sum(codes, ng, (np.isnan(n) & (x > 0)).astype(float)) > 0
    obs_missing = np.isnan(observed)
    out = keys.copy()
    out["observed"] = observed
    out["expected"] = expected
    factor = scale(ref_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ref_rate"] = np.nan
        value = observed / expected * factor
    zero_e = ~(expected > 0)
    na = zero_e | pop_missing | obs_missing
    out["value"] = np.where(na, np.nan, value)
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        lo, hi = poisson_limits(observed, c)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[lo_name] = np.where(na, np.nan, lo / expected * factor)
            out[hi_name] = np.where(na, np.nan, hi / expected * factor)
    method = poisson_method(np.where(na, np.nan, observed)) if levels else None
    note = np.select(
        [pop_missing, obs_missing, zero_e],
        [f"{denom_col} (population) missing in an age band with events: not calculated",
         "observed total missing for this group: not calculated",
         "expected count is 0: not calculated"], None).astype(object)
    out["note"] = note
    if (pop_missing | obs_missing).any():
        warnings.warn(
            f"{what}: {int((pop_missing | obs_missing).sum())} group(s) set to NA "
            f"({sorted(set(note[pop_missing | obs_missing]))})", StatsWarning, stacklevel=3)
    return out, levels, ref_rate, method


def isr(
    df: pd.DataFrame,
    num_col: str,
    denom_col: str,
    ref_num: str | Sequence[float],
    ref_denom: str | Sequence[float],
    group_cols: str | list[str] | None = None,
    confidence: Confidence = 0.95,
    multiplier: float = 100000,
    observed_totals: pd.DataFrame | None = None,
    ref_df: pd.DataFrame | None = None,
    age_col: str | None = None,
) -> pd.DataFrame:
    """Indirectly standardised rate per group (PHEindicatormethods ``calculate_ISRate``).

    Reference counts/populations: column names in df, sequences matched to each group's age bands
    by position, or columns of ``ref_df`` joined on ``age_col``. ``observed_totals``: optional
    frame of group columns plus one column of observed totals (when deaths by age are unknown);
    as in R, ``num_col`` may then name a column that exists only in ``observed_totals``.
    A group with deaths in an age band whose population is missing, or with no observed total,
    is NA with a ``note`` and a StatsWarning (R counts those deaths but not their band).
    Output: ``observed``, ``expected``, ``ref_rate``, ``value``, limits, metadata, ``note``.

    References
    ----------
    - Breslow NE, Day NE (1987). Statistical methods in cancer research, volume II: the
      design and analysis of cohort studies. Lyon: IARC (Byar's method).
    - APHO (2008). Technical Briefing 3: Commonly used public health statistics and their
      confidence intervals (indirectly standardised rates and ratios).
    - R: ``PHEindicatormethods::calculate_ISRate``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": "A", "deaths": [4, 30, 90], "pop": [30000, 15000, 4000]})
    >>> out = stats.isr(df, "deaths", "pop", ref_num=[200, 2500, 9000],
    ...                 ref_denom=[1.5e6, 6e5, 2e5], group_cols="area")
    >>> cols = ["observed", "expected", "value", "lowercl", "uppercl"]
    >>> print(out[cols].round(1).to_string(index=False))
     observed  expected  value  lowercl  uppercl
        124.0     246.5  255.9    212.8    305.1
    """
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier={multiplier!r} must be a positive number")
    out, levels, ref_rate, method = _indirect(
        df, num_col, denom_col, ref_num, ref_denom, group_cols, confidence,
        lambda rr: rr * multiplier, observed_totals, ref_df, age_col, "isr")
    out["ref_rate"] = ref_rate * multiplier
    add_metadata(out, levels, f"indirectly standardised rate per {fmt_multiplier(multiplier)}", method)
    return out


def isratio(
    df: pd.DataFrame,
    num_col: str,
    denom_col: str,
    ref_num: str | Sequence[float],
    ref_denom: str | Sequence[float],
    group_cols: str | list[str] | None = None,
    confidence: Confidence = 0.95,
    refvalue: float = 1,
    observed_totals: pd.DataFrame | None = None,
    ref_df: pd.DataFrame | None = None,
    age_col: str | None = None,
) -> pd.DataFrame:
    """Indirectly standardised ratio per group (``calculate_ISRatio``; SMR with refvalue=100).

    Arguments as :func:`isr`; ``ref_rate`` is NA in the output.

    References
    ----------
    - Breslow NE, Day NE (1987). Statistical methods in cancer research, volume II: the
      design and analysis of cohort studies. Lyon: IARC (Byar's method).
    - APHO (2008). Technical Briefing 3: Commonly used public health statistics and their
      confidence intervals (indirectly standardised rates and ratios).
    - R: ``PHEindicatormethods::calculate_ISRatio``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": "A", "deaths": [4, 30, 90], "pop": [30000, 15000, 4000]})
    >>> out = stats.isratio(df, "deaths", "pop", ref_num=[200, 2500, 9000],
    ...                     ref_denom=[1.5e6, 6e5, 2e5], group_cols="area", refvalue=100)
    >>> cols = ["observed", "expected", "value", "lowercl", "uppercl"]
    >>> print(out[cols].round(1).to_string(index=False))
     observed  expected  value  lowercl  uppercl
        124.0     246.5   50.3     41.8     60.0
    """
    if not np.isfinite(refvalue) or refvalue <= 0:
        raise ValueError(f"refvalue={refvalue!r} must be a positive number (1 or 100)")
    out, levels, _, method = _indirect(
        df, num_col, denom_col, ref_num, ref_denom, group_cols, confidence,
        lambda rr: refvalue, observed_totals, ref_df, age_col, "isratio")
    add_metadata(out, levels, f"indirectly standardised ratio x {fmt_multiplier(refvalue)}", method)
    return out
