"""Crude rates with exact (below 10 events) or Byars confidence limits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.stats._common import (
    Confidence,
    add_metadata,
    ci_names,
    fmt_multiplier,
    parse_confidence,
    poisson_limits,
    poisson_method,
)
from jsna.stats._crude import aggregate


def rate(
    df: pd.DataFrame,
    num_col: str,
    denom_col: str,
    group_cols: str | list[str] | None = None,
    confidence: Confidence = 0.95,
    multiplier: float = 100000,
) -> pd.DataFrame:
    """Crude rate x/n * multiplier per group (PHEindicatormethods ``phe_rate``).

    Limits: exact Poisson (chi-squared) when the count is below 10, Byars otherwise. Numerator
    may exceed the denominator. A zero denominator gives NA with a ``note``.

    References
    ----------
    - Breslow NE, Day NE (1987). Statistical methods in cancer research, volume II: the
      design and analysis of cohort studies. Lyon: IARC (Byar's method).
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendices 1-2 (Byar's method; exact chi-squared method).
    - R: ``PHEindicatormethods::phe_rate``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": ["A", "B"], "deaths": [5, 65], "pop": [10000, 100000]})
    >>> out = stats.rate(df, "deaths", "pop", "area")
    >>> cols = ["area", "value", "lowercl", "uppercl", "method"]
    >>> print(out[cols].round(2).to_string(index=False))
    area  value  lowercl  uppercl method
       A   50.0    16.23   116.68  Exact
       B   65.0    50.16    82.85  Byars
    """
    levels = parse_confidence(confidence)
    if not np.isfinite(multiplier) or multiplier <= 0:
        raise ValueError(f"multiplier={multiplier!r} must be a positive number")
    out, x, n = aggregate(df, num_col, denom_col, group_cols, "rate")
    zero = n == 0
    nn = np.where(zero, np.nan, n)
    out["value"] = x / nn * multiplier
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        lo, hi = poisson_limits(x, c)
        out[lo_name] = lo / nn * multiplier
        out[hi_name] = hi / nn * multiplier
    method = poisson_method(np.where(zero, np.nan, x)) if levels else None
    add_metadata(out, levels, f"rate per {fmt_multiplier(multiplier)}", method)
    missing = np.isnan(x) | np.isnan(n)
    out["note"] = np.select(
        [missing, zero], [f"{num_col} or {denom_col} missing: rate not calculated",
                          f"{denom_col} is 0: rate not defined"], None).astype(object)
    return out
