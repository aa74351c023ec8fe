"""Means with Student's t confidence limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.stats._common import (
    Confidence,
    add_metadata,
    as_list,
    ci_names,
    group_keys,
    numeric,
    parse_confidence,
    require_columns,
)


def mean(
    df: pd.DataFrame,
    value_col: str,
    group_cols: str | list[str] | None = None,
    confidence: Confidence = 0.95,
) -> pd.DataFrame:
    """Mean of ``value_col`` per group with Student's t limits (PHEindicatormethods ``phe_mean``).

    Outputs ``value_sum``, ``value_count``, ``stdev`` (n - 1), ``value`` and limits
    mean -/+ t(1 - (1 - c)/2, n - 1) * sd / sqrt(n). Missing values are ignored (counted out);
    a group with fewer than two values gets NA limits and a ``note``.

    References
    ----------
    - APHO (2008). Technical Briefing 3: Commonly used public health statistics and their
      confidence intervals (means).
    - Public Health England (2018). Technical Guide: Confidence Intervals
      (Student's t-distribution).
    - R: ``PHEindicatormethods::phe_mean``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": list("AAAABBB"),
    ...                    "bmi": [22.0, 25.5, 27.1, 30.2, 24.0, 26.4, 23.3]})
    >>> out = stats.mean(df, "bmi", "area")
    >>> cols = ["area", "value_count", "value", "lowercl", "uppercl"]
    >>> print(out[cols].round(2).to_string(index=False))
    area  value_count  value  lowercl  uppercl
       A            4  26.20    20.77    31.63
       B            3  24.57    20.53    28.61
    """
    levels = parse_confidence(confidence)
    groups = as_list(group_cols)
    require_columns(df, [value_col, *groups], "mean")
    v = numeric(df, value_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)
    ok = ~np.isnan(v)
    cnt = np.bincount(codes[ok], minlength=ng).astype(float)
    s = np.bincount(codes[ok], weights=v[ok], minlength=ng)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = s / cnt
        dev = v - m[codes]
        ss = np.bincount(codes[ok], weights=dev[ok] ** 2, minlength=ng)
        sd = np.sqrt(ss / (cnt - 1))
    sd = np.where(cnt >= 2, sd, np.nan)
    out = keys.copy()
    out["value_sum"] = s
    out["value_count"] = cnt.astype("int64")
    out["stdev"] = sd
    out["value"] = np.where(cnt > 0, m, np.nan)
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        with np.errstate(invalid="ignore"):
            t = np.abs(sps.t.ppf((1 - c) / 2, np.where(cnt >= 2, cnt - 1, np.nan)))
            half = t * sd / np.sqrt(cnt)
        out[lo_name] = m - half
        out[hi_name] = m + half
    add_metadata(out, levels, "mean", "Student's t-distribution")
    note = np.where(cnt == 0, "no values", np.where(cnt < 2, "one value: no limits", None))
    out["note"] = note.astype(object)
    return out
