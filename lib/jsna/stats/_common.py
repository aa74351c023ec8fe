"""Shared machinery for jsna.stats: argument checks, confidence levels, interval formulas.

Every function here is vectorised over numpy arrays; the public methods group with pandas and
call these once for all groups.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

Confidence = float | Sequence[float] | None


# ---------------------------------------------------------------- arguments
def as_list(cols: str | Sequence[str] | None) -> list[str]:
    """A column argument (None, one name or several) as a list of names."""
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def parse_confidence(confidence: Confidence) -> list[float]:
    """Confidence as a list of levels in (0, 1]: accepts 0.95, 95, (0.95, 0.998) or None.

    Levels must lie in [0.9, 1] (or [90, 100]); at most two levels, as in PHEindicatormethods.
    """
    if confidence is None:
        return []
    if isinstance(confidence, int | float | np.floating | np.integer):
        levels = [float(confidence)]
    else:
        levels = [float(c) for c in confidence]
    out = []
    for c in levels:
        if np.isnan(c):
            return []
        if 90 <= c <= 100:
            c = c / 100
        if not 0.9 <= c <= 1:
            raise ValueError(
                f"confidence={c!r}: each confidence level must be between 0.9 and 1 (or 90 and 100)"
            )
        out.append(c)
    if len(out) > 2:
        raise ValueError("confidence: give at most two levels, e.g. (0.95, 0.998)")
    return out


def level_label(c: float) -> str:
    """0.998 -> '99.8%', 0.95 -> '95%'."""
    s = f"{c * 100:.4f}".rstrip("0").rstrip(".")
    return f"{s}%"


def confidence_label(levels: list[float]) -> str:
    """Text for the `confidence` output column ('95%', '95%, 99.8%' or 'not requested')."""
    return ", ".join(level_label(c) for c in levels) if levels else "not requested"


def ci_names(levels: list[float]) -> list[tuple[str, str]]:
    """Limit column names: ('lowercl', 'uppercl') for one level, ('lower95_0cl', ...) for two."""
    if len(levels) == 1:
        return [("lowercl", "uppercl")]
    names = []
    for c in levels:
        tag = f"{c * 100:.1f}".replace(".", "_")
        names.append((f"lower{tag}cl", f"upper{tag}cl"))
    return names


def z_value(c: float) -> float:
    """Two-sided standard normal quantile for confidence c."""
    return float(sps.norm.ppf(0.5 + c / 2))


def require_columns(df: pd.DataFrame, cols: Sequence[str], what: str = "data") -> None:
    """ValueError naming any column that is absent from df."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: column(s) {missing} not found; available columns are {list(df.columns)}"
        )


def numeric(df: pd.DataFrame, col: str, *, allow_na: bool = True) -> np.ndarray:
    """Column as float64, with a ValueError naming the column for non-numeric dtypes."""
    s = df[col]
    if pd.api.types.is_bool_dtype(s) or not (
        pd.api.types.is_numeric_dtype(s) or s.isna().all()
    ):
        raise ValueError(
            f"column {col!r} must be numeric (found dtype {s.dtype}); convert it with "
            f"pd.to_numeric(df[{col!r}]) first"
        )
    arr = s.to_numpy(dtype="float64", na_value=np.nan)
    if not allow_na and np.isnan(arr).any():
        raise ValueError(f"column {col!r} has missing values; fill or drop them first")
    if np.isinf(arr).any():
        raise ValueError(f"column {col!r} has infinite values")
    return arr


def check_non_negative(arr: np.ndarray, col: str) -> None:
    """ValueError if any non-missing value in arr is negative."""
    if (arr < 0).any():
        raise ValueError(f"column {col!r} has negative values; counts and populations must be >= 0")


def group_keys(df: pd.DataFrame, group_cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer group code per row (in order of first appearance; missing keys form their own
    groups) and the key frame (one row per group, original dtypes)."""
    if not group_cols:
        return np.zeros(len(df), dtype=np.int64), pd.DataFrame(index=range(1 if len(df) else 0))
    if len(group_cols) == 1:
        codes, _ = pd.factorize(df[group_cols[0]], use_na_sentinel=False)
    else:
        codes = df.groupby(group_cols, sort=False, dropna=False).ngroup().to_numpy()
    codes = np.asarray(codes, dtype=np.int64)
    first = np.unique(codes, return_index=True)[1]
    keys = df[group_cols].iloc[first].reset_index(drop=True)
    return codes, keys


def group_sum(codes: np.ndarray, ngroups: int, values: np.ndarray, skipna: bool = True) -> np.ndarray:
    """Sum of values per group code; NaN treated as 0 when skipna, else propagates."""
    v = np.where(np.isnan(values), 0.0, values) if skipna else values
    return np.bincount(codes, weights=v, minlength=ngroups)


def group_any(codes: np.ndarray, ngroups: int, mask: np.ndarray) -> np.ndarray:
    """True for groups where any row's mask is True."""
    return np.bincount(codes, weights=mask.astype(float), minlength=ngroups) > 0


def add_metadata(out: pd.DataFrame, levels: list[float], statistic, method) -> pd.DataFrame:
    """Append the `confidence`, `statistic` and `method` columns (scalars or arrays)."""
    out["confidence"] = confidence_label(levels)
    out["statistic"] = statistic
    out["method"] = method
    return out


# ---------------------------------------------------------------- interval formulas
def wilson_limits(x: np.ndarray, n: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportion x/n (Wilson 1927; Newcombe 1998).

    References
    ----------
    - Wilson EB (1927). Probable inference, the law of succession, and statistical
      inference. J Am Stat Assoc 22:209-212.
    - Newcombe RG, Altman DG (2000). Proportions and their differences. In: Altman DG et al.
      (eds). Statistics with confidence, 2nd edn. London: BMJ Books.
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendix 3 (Wilson Score method).
    - R: ``PHEindicatormethods`` internal ``wilson_lower`` / ``wilson_upper``.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna import stats
    >>> lo, hi = stats.wilson_limits(np.array([65.0]), np.array([100.0]), 0.95)
    >>> print(np.round(lo, 4), np.round(hi, 4))
    [0.5525] [0.7364]
    """
    z = z_value(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = 2 * x + z**2
        spread = z * np.sqrt(np.maximum(z**2 + 4 * x * (1 - p), 0))
        denom = 2 * (n + z**2)
        lo = (centre - spread) / denom
        hi = (centre + spread) / denom
    if c >= 1:
        lo = np.where(np.isnan(p), np.nan, 0.0)
        hi = np.where(np.isnan(p), np.nan, 1.0)
    return lo, hi


def byars_limits(x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Byars' approximation to the Poisson limits of a count x (Breslow & Day 1987).

    A negative lower limit (only possible for very small x) is returned as NaN.

    References
    ----------
    - Breslow NE, Day NE (1987). Statistical methods in cancer research, volume II: the
      design and analysis of cohort studies. Lyon: IARC.
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendix 1 (Byar's method).
    - R: ``PHEindicatormethods`` internal ``byars_lower`` / ``byars_upper``.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna import stats
    >>> lo, hi = stats.byars_limits(np.array([10.0, 100.0]), 0.95)
    >>> print(np.round(lo, 3), np.round(hi, 3))
    [ 4.787 81.362] [ 18.391 121.628]
    """
    z = z_value(c)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        x1 = x + 1
        hi = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    lo = np.where(lo < 0, np.nan, lo)
    lo = np.where(x == 0, 0.0, lo)
    return lo, hi


def exact_limits(x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact (chi-squared) Poisson limits of a count x; lower limit 0 when x = 0.

    References
    ----------
    - Public Health England (2018). Technical Guide: Confidence Intervals,
      Appendix 2 (chi-squared exact method).
    - Ulm K (1990). A simple method to calculate the confidence interval of a standardized
      mortality ratio. Am J Epidemiol 131:373-375.
    - R: the exact limits (fewer than 10 events) of ``PHEindicatormethods::phe_rate``.

    Examples
    --------
    >>> import numpy as np
    >>> from jsna import stats
    >>> lo, hi = stats.exact_limits(np.array([0.0, 3.0]), 0.95)
    >>> print(np.round(lo, 3), np.round(hi, 3))
    [0.    0.619] [3.689 8.767]
    """
    with np.errstate(invalid="ignore"):
        lo = sps.chi2.ppf((1 - c) / 2, 2 * x) / 2
        hi = sps.chi2.ppf(c + (1 - c) / 2, 2 * x + 2) / 2
    lo = np.where(x == 0, 0.0, lo)
    lo = np.where(np.isnan(x), np.nan, lo)
    return lo, hi


def poisson_limits(x: np.ndarray, c: float, exact_below: float = 10) -> tuple[np.ndarray, np.ndarray]:
    """Poisson limits of count x: exact below `exact_below` events, Byars otherwise."""
    blo, bhi = byars_limits(x, c)
    elo, ehi = exact_limits(np.where(x < exact_below, x, 0.0), c)
    small = x < exact_below
    return np.where(small, elo, blo), np.where(small, ehi, bhi)


def poisson_method(x: np.ndarray, exact_below: float = 10) -> np.ndarray:
    """'Exact' or 'Byars' per count (object array; NaN counts give NaN)."""
    m = np.where(x < exact_below, "Exact", "Byars").astype(object)
    m[np.isnan(x)] = np.nan
    return m


class StatsWarning(UserWarning):
    """Warning raised by jsna.stats when a group's result is NA by rule (filterable by category)."""


def fmt_multiplier(m: float, thousands: bool = False) -> str:
    """100000 -> '100000' (or '100,000' with ``thousands``, as R's ``big.mark = ","``),
    0.5 -> '0.5' (no scientific notation for whole numbers)."""
    if float(m).is_integer():
        return f"{int(m):,}" if thousands else str(int(m))
    return f"{m:g}"
