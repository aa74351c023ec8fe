"""Small frames in the layouts the package reads, for unit tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def tidy_la(**cols) -> pd.DataFrame:
    """A tidy LA-indicator frame (jsna.load.fingertips.TIDY_COLUMNS): each keyword a column, a list
    (one value a row) or one value for every row; the other columns empty, text columns as strings."""
    from jsna.load.fingertips import TIDY_COLUMNS

    n = max(len(v) if isinstance(v, list) else 1 for v in cols.values())
    base = {c: [np.nan] * n for c in TIDY_COLUMNS}
    base.update({k: (v if isinstance(v, list) else [v] * n) for k, v in cols.items()})
    df = pd.DataFrame(base)
    for c in ("sex", "category", "age", "note", "compared_to_england", "unit", "polarity"):
        df[c] = df[c].astype("string")
    return df
