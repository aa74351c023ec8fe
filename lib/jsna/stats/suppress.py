"""Small-number suppression for published tables and charts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.stats._common import as_list, numeric, require_columns


def suppress(
    df: pd.DataFrame,
    count_cols: str | list[str],
    threshold: float = 5,
    value_cols: str | list[str] | None = None,
    marker: object = None,
    flag_col: str | None = "suppressed",
) -> pd.DataFrame:
    """Copy of df with counts below ``threshold`` (default < 5) blanked, as publishers do.

    A row is suppressed when any of ``count_cols`` is >= 0 and < threshold (zero is suppressed
    too: publishers treat 0 as a small number). On suppressed rows the count columns and every
    column in ``value_cols`` (rates, proportions, limits built on those counts; by default the
    standard output columns ``value``, ``lowercl``, ``uppercl``, ``lower95_0cl`` ... present in df)
    are set to NA (or ``marker`` when given, which makes them object columns). ``flag_col`` (None
    to omit) is a boolean column saying which rows were suppressed, so reports can print
    "suppressed" rather than a blank or zero. Missing counts are left as they are.

    References
    ----------
    - Office for National Statistics (2006). Review of the Dissemination of Health Statistics:
      Confidentiality Guidance.
    - R: no PHEindicatormethods equivalent.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"area": ["A", "B"], "count": [3, 40], "value": [1.2, 16.0]})
    >>> print(stats.suppress(df, "count").to_string(index=False))
    area  count  value  suppressed
       A   <NA>    NaN        True
       B     40   16.0       False
    """
    counts = as_list(count_cols)
    if not counts:
        raise ValueError("suppress: give at least one column in count_cols")
    if threshold is None or not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"suppress: threshold={threshold!r} must be a number >= 0")
    if value_cols is None:
        std = ["value", "lowercl", "uppercl", "lower95_0cl", "upper95_0cl",
               "lower99_8cl", "upper99_8cl"]
        values = [c for c in std if c in df.columns]
    else:
        values = as_list(value_cols)
    require_columns(df, counts + values, "suppress")
    small = np.zeros(len(df), dtype=bool)
    for c in counts:
        arr = numeric(df, c)
        small |= (arr >= 0) & (arr < threshold)
    out = df.copy()
    cols = list(dict.fromkeys(counts + values))
    for c in cols:
        if marker is None:
            if pd.api.types.is_integer_dtype(out[c]) and not isinstance(out[c].dtype, pd.Int64Dtype):
                out[c] = out[c].astype("Int64")
            out.loc[small, c] = pd.NA if isinstance(out[c].dtype, pd.Int64Dtype) else np.nan
        else:
            out[c] = out[c].astype(object)
            out.loc[small, c] = marker
    if flag_col:
        out[flag_col] = small
    return out
