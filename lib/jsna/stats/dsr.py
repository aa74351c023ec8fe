"""Directly standardised rates (European Standard Population 2013) with Dobson limits."""

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
    byars_limits,
    check_non_negative,
    ci_names,
    fmt_multiplier,
    group_keys,
    group_sum,
    numeric,
    parse_confidence,
    require_columns,
)
from jsna.stats._standardise import band_start, by_position

#: European Standard Population 2013 (Eurostat 2013, 19 five-year bands, 90+ last).
ESP2013 = pd.DataFrame(
    {
        "startage": np.arange(0, 95, 5),
        "ageband": [f"{a}-{a + 4}" for a in range(0, 90, 5)] + ["90+"],
        "esp2013": [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
                    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    }
)


def dsr(
    df: pd.DataFrame,
    num_col: str,
    denom_col: str,
    group_cols: str | list[str] | None = None,
    age_col: str | None = "ageband",
    stdpop: str | Sequence[float] = "esp2013",
    confidence: Confidence = 0.95,
    multiplier: float = 100000,
    independent_events: bool = True,
    eventfreq_col: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rate per group with Dobson limits (PHEindicatormethods ``calculate_dsr``).

    DSR = sum(w_i x_i / n_i) / sum(w_i) * multiplier over age bands i with standard population w.
    Limits (Dobson et al. 1991): DSR + sqrt(var / O) * (O_limit - O), O = total count, O_limit its
    Byars limits, var = sum(w_i^2 x_i / n_i^2) / sum(w_i)^2 * multiplier^2.

    ``stdpop``: "esp2013" (default; European Standard Population 2013 joined on the start age read
    from ``age_col``, e.g. "0-4", "00-04", "90+"), the name of a column of df, or a sequence of
    weights matched to each group's rows by position. Missing counts count as 0 events.
    Groups with a total count below 10 get NA (statistic "dsr NA for total count < 10"); groups
    with a band whose population is 0 or missing get NA with a ``note``.

    Non-independent events (``independent_events=False``): each row is one age band and event
    frequency k (``eventfreq_col``) and ``num_col`` holds the number of *persons* with exactly k
    events; events are sum k * persons and the variance is sum_k k^2 var_k (PHEindicatormethods
    2.1, "Dobson, with confidence adjusted for non-independent events").

    References
    ----------
    - Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991). Confidence intervals for weighted
      sums of Poisson parameters. Stat Med 10:457-462.
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendix 4 (Dobson's method); Eurostat (2013). Revision of the European Standard
      Population.
    - R: ``PHEindicatormethods::calculate_dsr`` (formerly ``phe_dsr``).

    Examples
    --------
    >>> from jsna import stats
    >>> df = stats.ESP2013[["ageband"]].assign(deaths=range(1, 20), pop=5000)  # 19 bands, one area
    >>> out = stats.dsr(df, "deaths", "pop")
    >>> print(out[["total_count", "value", "lowercl", "uppercl"]].round(1).to_string(index=False))
     total_count  value  lowercl  uppercl
           190.0  178.5    151.6    208.4
    """
    levels = parse_confidence(confidence)
    groups = as_list(group_cols)
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier={multiplier!r} must be a positive number")
    need = [num_col, denom_col, *groups]
    if not independent_events:
        if eventfreq_col is None:
            raise ValueError("independent_events=False needs eventfreq_col (events per person)")
        need.append(eventfreq_col)
        if age_col is None:
            raise ValueError("independent_events=False needs age_col to identify the age bands")
    if isinstance(stdpop, str) and stdpop != "esp2013":
        need.append(stdpop)
    if age_col is not None:
        need.append(age_col)
    elif isinstance(stdpop, str) and stdpop == "esp2013":
        raise ValueError("stdpop='esp2013' needs age_col to join the standard population on")
    require_columns(df, need, "dsr")

    x = numeric(df, num_col)
    n = numeric(df, denom_col)
    check_non_negative(x, num_col)
    check_non_negative(n, denom_col)
    x = np.where(np.isnan(x), 0.0, x)
    codes, keys = group_keys(df, groups)
    ng = len(keys)

    if isinstance(stdpop, str) and stdpop == "esp2013":
        start = band_start(df[age_col], age_col)
        pos = pd.Index(ESP2013["startage"].astype(float)).get_indexer(start)
        w = np.where(pos >= 0, ESP2013["esp2013"].to_numpy(float)[pos], np.nan)
        if np.isnan(w).any():
            bad = sorted(set(start[np.isnan(w)].tolist()))[:5]
            raise ValueError(
                f"column {age_col!r}: start ages {bad} are not ESP 2013 bands (0-4, 5-9, ..., 85-89, 90+)"
            )
    elif isinstance(stdpop, str):
        w = numeric(df, stdpop, allow_na=False)
    else:
        w = by_position(stdpop, codes, "stdpop")
        if np.isnan(w).any():
            raise ValueError("stdpop has missing weights; give a standard population for every band")
    check_non_negative(w, stdpop if isinstance(stdpop, str) else "stdpop")

    if age_col is not None:
        start = band_start(df[age_col], age_col)
        keycols = [codes, start] if independent_events else [
            codes, start, numeric(df, eventfreq_col, allow_na=False)]
        order = np.lexsort(keycols[::-1])
        stacked = np.column_stack(keycols)[order]
        dup_sorted = (np.diff(stacked, axis=0) == 0).all(axis=1)
        if dup_sorted.any():
            first = order[int(np.flatnonzero(dup_sorted)[0]) + 1]
            raise ValueError(
                f"column {age_col!r} has duplicated age bands within a group "
                f"(first at row {df.index[first]!r}); give one row per band"
            )

    zero_pop = (np.isnan(n) | (n == 0))
    bad = np.bincount(codes, weights=zero_pop.astype(float), minlength=ng) > 0
    incomplete = np.zeros(ng, dtype=bool)
    if isinstance(stdpop, str) and stdpop == "esp2013":
        # every group needs all 19 bands, or the standard population silently shrinks
        band_codes = pd.Index(ESP2013["startage"].astype(float)).get_indexer(start)
        seen = np.zeros((ng, len(ESP2013)), dtype=bool)
        seen[codes, band_codes] = True
        incomplete = ~seen.all(axis=1)
    if (bad | incomplete).any():
        warnings.warn(
            f"dsr: {int((bad | incomplete).sum())} group(s) set to NA (a band with no population, "
            "or ESP 2013 bands missing)",
            StatsWarning,
            stacklevel=2,
        )
    nn = np.where(zero_pop, 1.0, n)

    if independent_events:
        k = np.ones(len(df))
        events = x
        sum_w = group_sum(codes, ng, w)
        pop_rows = n
    else:
        k = numeric(df, eventfreq_col, allow_na=False)
        events = x * k
        # the standard population and population are per band: count each band once
        first = ~pd.DataFrame({"g": codes, "a": start}).duplicated().to_numpy()
        sum_w = group_sum(codes, ng, np.where(first, w, 0.0))
        pop_rows = np.where(first, n, 0.0)

    total_count = group_sum(codes, ng, events)
    total_pop = group_sum(codes, ng, pop_rows)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = group_sum(codes, ng, w * events / nn) / sum_w * multiplier
        var = group_sum(codes, ng, k**2 * w**2 * x / nn**2) / sum_w**2 * multiplier**2
    small = total_count < 10
    na = small | bad | incomplete
    out = keys.copy()
    out["total_count"] = total_count
    out["total_pop"] = total_pop
    out["value"] = np.where(na, np.nan, value)
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        olo, ohi = byars_limits(total_count, c)
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.sqrt(var / total_count)
        out[lo_name] = np.where(na, np.nan, value + root * (olo - total_count))
        out[hi_name] = np.where(na, np.nan, value + root * (ohi - total_count))
    statistic = np.where(small, "dsr NA for total count < 10",
                         f"dsr per {fmt_multiplier(multiplier)}").astype(object)
    method = "Dobson" if independent_events else (
        "Dobson, with confidence adjusted for non-independent events")
    add_metadata(out, levels, statistic, method)
    out["note"] = np.where(
        incomplete,
        "ESP 2013 age bands missing: give all 19 bands (0 events where there were none)",
        np.where(bad, f"{denom_col} is 0 or missing in an age band: DSR not calculated",
                 np.where(small, "total count below 10: DSR not calculated", None))).astype(object)
    return out
