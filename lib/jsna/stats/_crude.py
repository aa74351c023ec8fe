"""Grouped numerator/denominator aggregation shared by proportion and rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.stats._common import (
    as_list,
    check_non_negative,
    group_keys,
    group_sum,
    numeric,
    require_columns,
)


def aggregate(
    df: pd.DataFrame, num_col: str, denom_col: str, group_cols, what: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Validate and sum numerator/denominator per group (a missing value makes the group NA)."""
    groups = as_list(group_cols)
    require_columns(df, [num_col, denom_col, *groups], what)
    x = numeric(df, num_col)
    n = numeric(df, denom_col)
    check_non_negative(x, num_col)
    check_non_negative(n, denom_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)
    xs = group_sum(codes, ng, x, skipna=False)
    ns = group_sum(codes, ng, n, skipna=False)
    out = keys.copy()
    for col, sums in ((num_col, xs), (denom_col, ns)):
        # integer counts stay integers (sums of integers are exact below 2**53)
        integer = pd.api.types.is_integer_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        out[col] = sums.astype("int64") if integer and not np.isnan(sums).any() else sums
    return out, xs, ns
