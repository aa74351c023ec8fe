"""Assigning deprivation (or any) quantiles by the PHE rule, by count or weighted by population."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from jsna.stats._common import StatsWarning, as_list, group_keys, numeric, require_columns


def quantiles(
    df: pd.DataFrame,
    value_col: str,
    nquantiles: int = 5,
    group_cols: str | list[str] | None = None,
    weight_col: str | None = None,
    invert: bool | str = True,
) -> pd.DataFrame:
    """Copy of df with a ``quantile`` column (Int64, 1..nquantiles) assigned within each group.

    By count (``weight_col=None``) the PHE rule of PHEindicatormethods ``phe_quantile`` is used:
    with N non-missing values in a group and rank r (ties share the minimum rank),
    quantile = floor((q + 1) - ceiling(((N + 1) - r) / (N / q))), 0 recoded to 1.
    ``invert=True`` ranks the negated values so the highest value gets quantile 1 (most deprived
    when the value is an IMD score); ``invert`` may also name a boolean column that must be
    constant within each group (e.g. from indicator polarity: "low is good" -> True).

    With ``weight_col`` (e.g. population) areas are ordered the same way and each gets the
    quantile containing the mid-point of its cumulative weight, so each quantile holds about
    1/q of the group's weight (tied values share a quantile). Rows with a missing value get NA;
    a group with fewer non-missing values than quantiles (or zero total weight) gets NA for all
    its rows, a StatsWarning, and an explanation in ``quantile_note``.

    References
    ----------
    - Public Health England (2017; now OHID). Technical Guide: Assigning Deprivation
      Categories. Fingertips Public Health Data technical guidance.
    - R: ``PHEindicatormethods::phe_quantile``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"lsoa": list("ABCDEF"), "imd_score": [45.1, 8.2, 30.5, 12.0, 30.5, 5.9]})
    >>> out = stats.quantiles(df, "imd_score", nquantiles=3)  # tertile 1 = highest scores
    >>> print(out[["lsoa", "imd_score", "quantile"]].to_string(index=False))
    lsoa  imd_score  quantile
       A       45.1         1
       B        8.2         3
       C       30.5         1
       D       12.0         2
       E       30.5         1
       F        5.9         3
    """
    groups = as_list(group_cols)
    if isinstance(nquantiles, bool) or not isinstance(nquantiles, int | np.integer) or nquantiles < 1:
        raise ValueError(f"nquantiles={nquantiles!r} must be a positive whole number")
    cols = [value_col, *groups]
    if isinstance(invert, str):
        cols.append(invert)
    if weight_col is not None:
        cols.append(weight_col)
    require_columns(df, cols, "quantiles")
    q = int(nquantiles)
    v = numeric(df, value_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)

    if isinstance(invert, str):
        inv_s = df[invert]
        if not pd.api.types.is_bool_dtype(inv_s) or inv_s.isna().any():
            raise ValueError(f"column {invert!r} (invert) must be boolean with no missing values")
        inv = inv_s.to_numpy(bool)
        n_true = np.bincount(codes, weights=inv.astype(float), minlength=ng)
        n_all = np.bincount(codes, minlength=ng)
        mixed = (n_true > 0) & (n_true < n_all)
        if mixed.any():
            raise ValueError(
                f"column {invert!r} (invert) differs within a group: {keys.iloc[np.flatnonzero(mixed)[:3]].to_dict('records')}; "
                "polarity must be the same for every row of a group"
            )
    elif isinstance(invert, bool | np.bool_):
        inv = bool(invert)
    else:
        raise ValueError(f"invert={invert!r} must be True, False or the name of a boolean column")

    key = np.where(inv, -v, v) if isinstance(inv, np.ndarray) else (-v if inv else v)
    ok = ~np.isnan(v)
    n = np.bincount(codes[ok], minlength=ng).astype(float)
    note = np.full(ng, None, dtype=object)
    too_few = n < q
    note[too_few] = f"fewer than {q} values in the group: quantiles not assigned"

    if weight_col is None:
        # the PHE rule above, worked in place on one array
        nn = n[0] if ng == 1 else n[codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            result = (nn + 1) - _min_rank(key, codes, ng)
            result /= nn / q
            np.ceil(result, out=result)
            np.subtract(q + 1, result, out=result)
            np.floor(result, out=result)
        result[result == 0] = 1
        result[~ok] = np.nan
    else:
        w = numeric(df, weight_col)
        if np.isnan(w[ok]).any():
            raise ValueError(f"column {weight_col!r} (weight) has missing values where {value_col!r} is present")
        if (w < 0).any():
            raise ValueError(f"column {weight_col!r} (weight) has negative values")
        w = np.where(ok, w, 0.0)
        result = np.full(len(df), np.nan)
        total = np.bincount(codes, weights=w, minlength=ng)
        zero = (total <= 0) & ~too_few
        note[zero] = "total weight is 0: quantiles not assigned"
        too_few = too_few | zero
        frame = pd.DataFrame({"g": codes, "k": key, "w": w})
        frame = frame[ok]
        tie_w = frame.groupby(["g", "k"], sort=False)["w"].transform("sum").to_numpy()
        order = np.lexsort((frame["k"].to_numpy(), frame["g"].to_numpy()))
        fs = frame.iloc[order]
        # cumulative weight before each tie block = cumulative weight before its first member
        cum_incl = fs.groupby("g", sort=False)["w"].cumsum().to_numpy()
        before = cum_incl - fs["w"].to_numpy()
        block_start = pd.Series(before).groupby([fs["g"].to_numpy(), fs["k"].to_numpy()]).transform("min").to_numpy()
        mid = block_start + tie_w[order] / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            qq = np.floor(q * mid / total[fs["g"].to_numpy()]) + 1
        qq = np.clip(qq, 1, q)
        pos = np.flatnonzero(ok)[order]
        result[pos] = qq

    if too_few.any():
        result[too_few[codes]] = np.nan
        bad = keys.iloc[np.flatnonzero(too_few)[:5]].to_dict("records") if groups else ["all rows"]
        warnings.warn(
            f"quantiles: {int(too_few.sum())} group(s) have too few values or no weight for "
            f"{q} quantiles, so their quantile is NA (e.g. {bad})",
            StatsWarning,
            stacklevel=2,
        )
    out = df.copy()
    out["quantile"] = pd.array(result, dtype="Float64").astype("Int64") if len(df) else pd.array([], dtype="Int64")
    if ok.all() and not too_few.any():
        # no notes: an all-None object column, built without pandas' row-by-row dtype inference
        out["quantile_note"] = pd.Series(np.full(len(df), None, dtype=object), index=df.index, dtype=object)
    else:
        row_note = np.where(~ok & ~too_few[codes], f"{value_col} is missing", note[codes])
        out["quantile_note"] = row_note.astype(object)
    return out


def _new_run(sorted_values: np.ndarray) -> np.ndarray:
    """True where a sorted array starts a run of equal values (NaN never equals the one before)."""
    new = np.empty(sorted_values.size, dtype=bool)
    new[:1] = True
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=new[1:])
    return new


def _min_rank(key: np.ndarray, codes: np.ndarray, ngroups: int) -> np.ndarray:
    """Rank of each key within its group, ties sharing the lowest rank (pandas' grouped
    ``rank(method="min")``), by sorting instead of a grouped rank. Missing keys sort last, so
    the ranks of the other values are unaffected; their own rank is not used.

    With several groups the keys are first replaced by their dense rank over the whole frame, so
    one integer sort on (group, dense rank) orders every group at once.
    """
    n = key.size
    order = np.argsort(key)
    sorted_key = key[order]
    pos = np.arange(n)
    if ngroups > 1:
        dense = np.empty(n, dtype=np.int64)
        dense[order] = np.cumsum(_new_run(sorted_key))
        combined = codes * (n + 1) + dense  # < 2**63 for any frame below 3 billion rows
        order = np.argsort(combined)
        sorted_key = combined[order]
        group_first = np.maximum.accumulate(np.where(_new_run(codes[order]), pos, 0))
    else:
        group_first = 0
    tie_first = np.maximum.accumulate(np.where(_new_run(sorted_key), pos, 0))
    rank = np.empty(n)
    rank[order] = tie_first - group_first + 1
    return rank
