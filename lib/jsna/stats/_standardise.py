"""Helpers shared by the standardised rates: age-band parsing and per-group positional vectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def band_start(s: pd.Series, col: str) -> np.ndarray:
    """Start age of each age band: numbers as they are; labels '0-4', '00-04', '90+', 'Aged 5 to 9'."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
    else:  # parse each distinct label once
        codes, labels = pd.factorize(s, use_na_sentinel=True)
        starts = pd.to_numeric(
            pd.Series(labels, dtype="string").str.extract(r"(\d+)")[0], errors="coerce"
        ).to_numpy(dtype="float64", na_value=np.nan)
        arr = np.where(codes >= 0, starts[np.maximum(codes, 0)] if len(starts) else np.nan, np.nan)
    if np.isnan(arr).any():
        bad = s[np.isnan(arr)].unique()[:3].tolist()
        raise ValueError(f"column {col!r} has age bands with no start age: {bad}")
    return arr


def position_in_group(codes: np.ndarray) -> np.ndarray:
    """0, 1, 2 ... within each group, in row order."""
    return pd.Series(codes).groupby(codes).cumcount().to_numpy()


def by_position(values: Sequence[float], codes: np.ndarray, what: str) -> np.ndarray:
    """Broadcast a per-age-band vector onto rows by their position within each group."""
    vec = np.asarray(values, dtype=float)
    sizes = np.bincount(codes)
    if (sizes != len(vec)).any():
        raise ValueError(
            f"{what}: a vector of {len(vec)} values is matched to age bands by position, but some "
            f"groups have {sorted(set(sizes.tolist()) - {len(vec)})[:3]} rows; give one row per band"
        )
    return vec[position_in_group(codes)]
