"""Recent trend as Fingertips computes it (the legacy trend-marker calculator, as ported in
FingertipsNext's trend-analysis service).

Per group: take the five most recent points of a yearly series that have a value and 95%
limits; give each the weight w = 1 / SE^2 with SE = (upper95 - lower95) / 3.92; number them
t = 1..5 from oldest to newest and fit y = a + b t by weighted least squares:
b = (S1 S2 - S3 S4) / (S1 S5 - S3^2) with S1 = sum w, S2 = sum w t y, S3 = sum w t,
S4 = sum w y, S5 = sum w t^2, and SE(b) = sqrt(S1 / (S1 S5 - S3^2)) (the weights are the
inverse variances). The trend is significant when (b / SE(b))^2 > 9.5495 (chi-squared with 1 d.f.
at 99.8%) *and* the sign of b is the same for the fit on all five points and for each of the
five fits with one point left out (a slope of exactly 0 counts as positive, as in Fingertips).
Everything is computed on (groups x 5) arrays: no loop per group.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.stats._common import as_list, group_keys, numeric, require_columns

POINTS = 5
CHI2_998 = float(sps.chi2.ppf(0.998, 1))  # 9.549535706...
INCREASING, DECREASING = "Increasing", "Decreasing"
NO_CHANGE, CANNOT = "No significant change", "Cannot be calculated"
_HIGH = {"high is good", "high", "higher is better", "rag - high is good"}
_LOW = {"low is good", "low", "lower is better", "rag - low is good"}
_NONE = {"no judgement", "none", "not applicable", "bob", "rag - not applicable", ""}


def _period_years(s: pd.Series, col: str) -> tuple[np.ndarray, np.ndarray]:
    """(sort key, is yearly) per row: integer years; '2019', '2019/20', '2019-20', '2019/2020'
    are yearly; '2017 - 19' (three years), '2019 Q1', '2019-06' and the like are not."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        if np.isnan(v).any():
            raise ValueError(f"column {col!r} (period) has missing values")
        return v, v == np.round(v)
    codes, labels = pd.factorize(s, use_na_sentinel=True)
    if (codes < 0).any():
        raise ValueError(f"column {col!r} (period) has missing values")
    key = np.empty(len(labels))
    yearly = np.empty(len(labels), dtype=bool)
    for i, lab in enumerate(labels):  # one parse per distinct label, not per row
        text = str(lab).strip()
        m = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text)
        if m is None:
            lead = re.match(r"(\d{4})", text)
            key[i], yearly[i] = (float(lead.group(1)) if lead else np.nan), False
            continue
        start = int(m.group(1))
        key[i] = start
        if m.group(2) is None:
            yearly[i] = True
        else:
            end = int(m.group(2))
            end = end if end >= 1000 else (start // 100) * 100 + end + (100 if end < start % 100 else 0)
            yearly[i] = end - start == 1  # 2019/20: one year; 2017 - 19: three
    if np.isnan(key).any():
        bad = [str(labels[i]) for i in np.flatnonzero(np.isnan(key))[:3]]
        raise ValueError(f"column {col!r} (period) has labels with no year: {bad}")
    return key[codes], yearly[codes]


def _polarity(polarity: str | None, df: pd.DataFrame, codes: np.ndarray, ng: int) -> np.ndarray:
    """Per group: +1 high is good, -1 low is good, 0 no judgement."""
    def parse(v: object) -> int:
        t = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip().lower()
        t = t.replace("_", " ")
        if t in _HIGH:
            return 1
        if t in _LOW:
            return -1
        if t in _NONE:
            return 0
        raise ValueError(f"polarity {v!r}: give 'high is good', 'low is good' or 'no judgement'")

    if polarity is None:
        return np.zeros(ng, dtype=int)
    if polarity in df.columns:
        vals = np.array([parse(v) for v in pd.unique(df[polarity])])
        lookup = dict(zip(pd.unique(df[polarity]), vals, strict=True))
        per_row = df[polarity].map(lookup).to_numpy(dtype=int)
        lo = np.full(ng, 2)
        hi = np.full(ng, -2)
        np.minimum.at(lo, codes, per_row)
        np.maximum.at(hi, codes, per_row)
        if (lo != hi).any():
            raise ValueError(f"column {polarity!r} (polarity) differs within a group")
        return lo
    return np.full(ng, parse(polarity), dtype=int)


def trend(
    df: pd.DataFrame,
    value_col: str,
    lower_cl_col: str,
    upper_cl_col: str,
    period_col: str,
    group_cols: str | list[str] | None = None,
    polarity: str | None = None,
) -> pd.DataFrame:
    """Fingertips recent trend per group from yearly values and their 95% limits.

    ``period_col``: years (2019) or yearly labels ("2019", "2019/20"); a group whose five
    points include a non-yearly period ("2017 - 19", "2019 Q1") cannot be calculated.
    Points without a value or limits are skipped (the five most recent valid points are used;
    gaps between years are allowed, as in Fingertips). ``polarity``: None, "high is good",
    "low is good", "no judgement", or the name of a column holding one of these per group;
    it adds "and getting better" / "and getting worse" to a significant trend.

    Output per group: ``trend`` ("Increasing", "Decreasing", "No significant change", or
    "Cannot be calculated", with the polarity words when given), ``direction`` (the same
    without the polarity words), ``slope`` (change per point), ``slope_se``, ``chi_squared``,
    ``significant``, ``points_used``, ``first_period``, ``last_period``, ``statistic``,
    ``method``, ``note`` (why it cannot be calculated, or why a large slope is not significant).
    Malformed input (lower limit above upper, duplicated periods in a group) raises ValueError.

    References
    ----------
    - Fingertips Public Health Data technical guidance: Fingertips trend markers (recent trend).
    - R: no PHEindicatormethods equivalent (Fingertips' trend-marker calculator).

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"year": range(2018, 2023), "value": [20.1, 21.0, 22.4, 23.1, 24.5]})
    >>> df["lower"], df["upper"] = df["value"] - 0.8, df["value"] + 0.8
    >>> out = stats.trend(df, "value", "lower", "upper", "year", polarity="low is good")
    >>> print(out[["trend", "slope", "chi_squared", "points_used"]].round(2).to_string(index=False))
                           trend  slope  chi_squared  points_used
    Increasing and getting worse   1.09        71.32            5
    """
    groups = as_list(group_cols)
    cols = [value_col, lower_cl_col, upper_cl_col, period_col, *groups]
    if isinstance(polarity, str) and polarity in df.columns:
        cols.append(polarity)
    require_columns(df, cols, "trend")
    y_all = numeric(df, value_col)
    lo_all = numeric(df, lower_cl_col)
    hi_all = numeric(df, upper_cl_col)
    if (lo_all > hi_all).any():
        i = int(np.flatnonzero(lo_all > hi_all)[0])
        raise ValueError(f"column {lower_cl_col!r} is above {upper_cl_col!r} in row {df.index[i]!r}")
    key, yearly = _period_years(df[period_col], period_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)
    pol = _polarity(polarity, df, codes, ng)
    if pd.DataFrame({"g": codes, "p": df[period_col].to_numpy()}).duplicated().any():
        raise ValueError(f"column {period_col!r} has duplicated periods within a group")

    # ---- the five most recent valid points per group, oldest first
    valid = ~(np.isnan(y_all) | np.isnan(lo_all) | np.isnan(hi_all))
    idx = np.flatnonzero(valid)
    order = idx[np.lexsort((-key[idx], codes[idx]))]  # by group, newest first
    g_sorted = codes[order]
    rank = pd.Series(g_sorted).groupby(g_sorted).cumcount().to_numpy()
    take = rank < POINTS
    rows, gi, ri = order[take], g_sorted[take], rank[take]
    n_valid = np.bincount(codes[valid], minlength=ng)
    col = POINTS - 1 - ri  # position 0 = oldest of the five
    Y = np.full((ng, POINTS), np.nan)
    SE = np.full((ng, POINTS), np.nan)
    YR = np.zeros((ng, POINTS), dtype=bool)
    Y[gi, col] = y_all[rows]
    SE[gi, col] = (hi_all[rows] - lo_all[rows]) / 3.92
    YR[gi, col] = yearly[rows]
    first_row = np.full(ng, -1)
    last_row = np.full(ng, -1)
    first_row[gi[ri == np.minimum(n_valid[gi], POINTS) - 1]] = rows[ri == np.minimum(n_valid[gi], POINTS) - 1]
    last_row[gi[ri == 0]] = rows[ri == 0]

    enough = n_valid >= POINTS
    all_yearly = YR.all(axis=1)
    zero_width = (enough & (SE == 0).any(axis=1))
    ok = enough & all_yearly & ~zero_width

    # ---- weighted least squares on t = 1..5, and with each point left out
    t = np.arange(1, POINTS + 1, dtype=float)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        W = np.where(ok[:, None], 1 / SE**2, 0.0)
        Yz = np.where(ok[:, None], Y, 0.0)
        parts = np.stack([W, W * t * Yz, W * t, W * Yz, W * t**2])  # S1..S5 terms
        S = parts.sum(axis=2)  # (5, ng)
        S_loo = S[:, :, None] - parts  # (5, ng, 5): sums without point j

        def slope(s1, s2, s3, s4, s5):
            return (s1 * s2 - s3 * s4) / (s1 * s5 - s3**2)

        b = slope(*S)
        se_b = np.sqrt(S[0] / (S[0] * S[4] - S[2] ** 2))
        chi2 = (b / se_b) ** 2
        b_loo = slope(*S_loo)
    signs = np.concatenate([np.where(b < 0, -1, 1)[:, None], np.where(b_loo < 0, -1, 1)], axis=1)
    agree = np.abs(signs.sum(axis=1)) == POINTS + 1
    big = chi2 > CHI2_998
    significant = ok & big & agree

    direction = np.where(~ok, CANNOT, np.where(significant, np.where(b > 0, INCREASING, DECREASING),
                                               NO_CHANGE)).astype(object)
    direction[significant & (b == 0)] = NO_CHANGE
    better = (np.sign(b) * pol) > 0
    suffix = np.where(significant & (pol != 0) & (b != 0),
                      np.where(better, " and getting better", " and getting worse"), "")
    label = np.array([d + s for d, s in zip(direction, suffix, strict=True)], dtype=object)

    note = np.full(ng, None, dtype=object)
    note[ok & big & ~agree] = ("slope not robust: leaving one point out changes its sign, "
                               "so no significant change")
    note[enough & ~all_yearly] = ("periods are not yearly (e.g. 3-year or quarterly): "
                                  "the recent trend needs a yearly series")
    note[zero_width] = "a point has a zero-width confidence interval (standard error 0)"
    few = ~enough
    note[few] = [f"fewer than {POINTS} points with a value and 95% limits ({k})" for k in n_valid[few]]

    periods = df[period_col].to_numpy()
    out = keys.copy()
    out["trend"] = label
    out["direction"] = direction
    out["slope"] = np.where(ok, b, np.nan)
    out["slope_se"] = np.where(ok, se_b, np.nan)
    out["chi_squared"] = np.where(ok, chi2, np.nan)
    out["significant"] = pd.array(np.where(ok, significant, False), dtype="boolean")
    out.loc[~ok, "significant"] = pd.NA
    out["points_used"] = np.minimum(n_valid, POINTS).astype("int64")
    out["first_period"] = [periods[r] if r >= 0 else None for r in first_row]
    out["last_period"] = [periods[r] if r >= 0 else None for r in last_row]
    out["statistic"] = "recent trend"
    out["method"] = ("Fingertips recent trend: weighted least squares on the 5 most recent yearly "
                     "points (weights 1/SE\u00b2), chi-squared > 9.5495 (99.8%), leave-one-out sign check")
    out["note"] = note
    return out
