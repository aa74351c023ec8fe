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
