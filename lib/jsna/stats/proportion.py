"""Proportions with Wilson score confidence limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.stats._common import (
    Confidence,
    add_metadata,
    ci_names,
    fmt_multiplier,
    parse_confidence,
    wilson_limits,
)
from jsna.stats._crude import aggregate


def proportion(
    df: pd.DataFrame,
    num_col: str,
    denom_col: str,
    group_cols: str | list[str] | None = None,
    confidence: Confidence = 0.95,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Proportion x/n per group with Wilson score limits (PHEindicatormethods ``phe_proportion``).

    Numerators and denominators are summed within each group (a missing value makes the group NA).
    Numerator > denominator raises ValueError; a zero denominator gives NA with a ``note``.
    ``multiplier`` 100 gives percentages.

    References
    ----------
    - Wilson EB (1927). Probable inference, the law of succession, and statistical
      inference. J Am Stat Assoc 22:209-212.
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendix 3 (Wilson Score method). Fingertips Public Health Data technical guidance.
    - R: ``PHEindicatormethods::phe_proportion``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": ["A", "B", "C"], "smokers": [65, 82, 100], "adults": 100})
    >>> out = stats.proportion(df, "smokers", "adults", "area", multiplier=100)
    >>> print(out[["area", "value", "lowercl", "uppercl"]].round(2).to_string(index=False))
    area  value  lowercl  uppercl
       A   65.0    55.25    73.64
       B   82.0    73.33    88.30
       C  100.0    96.30   100.00
    """
    levels = parse_confidence(confidence)
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier={multiplier!r} must be a positive number (1 or 100)")
    out, x, n = aggregate(df, num_col, denom_col, group_cols, "proportion")
    raw_x, raw_n = df[num_col].to_numpy(float, na_value=np.nan), df[denom_col].to_numpy(
        float, na_value=np.nan
    )
    bad = raw_x > raw_n
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"column {num_col!r} is greater than {denom_col!r} in row {df.index[i]!r} "
            f"({raw_x[i]:g} > {raw_n[i]:g}); a proportion's numerator must not exceed its denominator"
        )
    zero = n == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(zero, np.nan, x / n)
    out["value"] = value * multiplier
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        lo, hi = wilson_limits(x, np.where(zero, np.nan, n), c)
        out[lo_name] = lo * multiplier
        out[hi_name] = hi * multiplier
    if multiplier == 1:
        statistic = "proportion of 1"
    elif multiplier == 100:
        statistic = "percentage"
    else:
        statistic = f"proportion of {fmt_multiplier(multiplier)}"
    method = "Wilson" if levels else None
    add_metadata(out, levels, statistic, method)
    missing = np.isnan(x) | np.isnan(n)
    out["note"] = np.select(
        [missing, zero], [f"{num_col} or {denom_col} missing: proportion not calculated",
                          f"{denom_col} is 0: proportion not defined"], None).astype(object)
    return out
