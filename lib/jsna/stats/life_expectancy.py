"""Life expectancy: Chiang II abridged life table with Silcocks confidence limits.

Method (PHE/OHID "Life expectancy calculator"; Chiang 1984; Silcocks, Jenner & Reza 2001):
for start ages x_i with widths n_i (1, 4, 5, ..., 5, open) and a_i = 0.1 at age 0, else 0.5,
M_i = D_i / P_i, q_i = n_i M_i / (1 + n_i (1 - a_i) M_i) (q = 1 in the open band),
l_0 = 100,000, l_{i+1} = l_i (1 - q_i), L_i = n_i (l_i - (1 - a_i) l_i q_i), L_w = l_w / M_w,
e_i = sum_{j>=i} L_j / l_i. Variance: Var(q_i) = q_i^2 (1 - q_i) / D_i and
Var(e_i) = sum_{j>=i} l_j^2 ((1 - a_j) n_j + e_{j+1})^2 Var(q_j) / l_i^2, with the open band
contributing (l_w / M_w)^2 / D_w (Silcocks' term for the final age interval).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.stats._common import (
    Confidence,
    StatsWarning,
    add_metadata,
    as_list,
    ci_names,
    group_keys,
    numeric,
    parse_confidence,
    require_columns,
    z_value,
)
from jsna.stats._standardise import band_start

STARTAGES = np.array([0, 1] + list(range(5, 95, 5)))  # 20 bands: 0, 1-4, 5-9, ..., 85-89, 90+
_SLOT = {int(a): i for i, a in enumerate(STARTAGES)}
_WIDTH = np.append(np.diff(STARTAGES), np.nan).astype(float)
_A = np.where(STARTAGES == 0, 0.1, 0.5)
MIN_TOTAL_POP = 5000
MAX_HALF_WIDTH = 10.0


def _startages(s: pd.Series, col: str) -> np.ndarray:
    """Start ages as floats: numbers, or band labels such as '0', '1-4', '90+', '85 and over'."""
    try:
        arr = band_start(s, col)
    except ValueError as err:
        raise ValueError(f"column {col!r} (start age) has missing or unreadable values") from err
    unknown = sorted(set(arr[~np.isin(arr, STARTAGES)].tolist()))
    if unknown:
        raise ValueError(
            f"column {col!r} has start ages {unknown[:5]} that are not life-table bands; "
            "expected 0, 1, 5, 10, ..., 85, 90 (20 bands; 85+ accepted as the last band)"
        )
    return arr


def life_expectancy(
    df: pd.DataFrame,
    deaths_col: str,
    pop_col: str,
    startage_col: str,
    group_cols: str | list[str] | None = None,
    le_age: int | Sequence[int] | str = 0,
    confidence: Confidence = 0.95,
) -> pd.DataFrame:
    """Life expectancy per group and start age (PHEindicatormethods ``phe_life_expectancy``).

    Input: one row per group and age band, 20 bands with start ages 0, 1, 5, ..., 85, 90 (a group
    whose last band is 85 is treated as 85+, with a StatsWarning). ``le_age``: a start age, a list
    of them, or "all". Output per group and start age: ``startage``, ``value``, limits,
    ``pops_used`` / ``dths_used`` (this and all older bands), ``confidence``, ``statistic``,
    ``method``, ``note``.

    PHE rules, each giving NA for every output of the group with a StatsWarning and a note naming
    the rule: deaths < 0, population <= 0 in any band, deaths > population in a band, missing age
    bands (or missing deaths/population), total population <= 5,000. When the 95% half-width
    exceeds 10 years the value is NA but the limits are kept. Duplicated age bands raise ValueError.

    References
    ----------
    - Chiang CL (1968). Introduction to Stochastic Processes in Biostatistics. New York: Wiley.
    - Silcocks PBS, Jenner DA, Reza R (2001). Life expectancy as a summary of mortality in a
      population: statistical considerations and suitability for use by health authorities.
      J Epidemiol Community Health 55:38-43.
    - Public Health England. Life expectancy calculator. Fingertips Public Health Data
      technical guidance.
    - R: ``PHEindicatormethods::phe_life_expectancy``.

    Examples
    --------
    >>> import pandas as pd
    >>> from jsna import stats
    >>> df = pd.DataFrame({"startage": [0, 1, *range(5, 95, 5)], "pop": 5000,
    ...                    "deaths": [20, 3, 1, 1, 2, 3, 4, 5, 7, 10, 15, 22, 33, 50, 75, 110, 170,
    ...                               260, 400, 600]})
    >>> out = stats.life_expectancy(df, "deaths", "pop", "startage")  # at birth
    >>> print(out[["startage", "value", "lowercl", "uppercl"]].round(2).to_string(index=False))
     startage  value  lowercl  uppercl
            0  80.95    79.97    81.92
    """
    levels = parse_confidence(confidence)
    groups = as_list(group_cols)
    require_columns(df, [deaths_col, pop_col, startage_col, *groups], "life_expectancy")
    deaths = numeric(df, deaths_col)
    pops = numeric(df, pop_col)
    ages = _startages(df[startage_col], startage_col)
    codes, keys = group_keys(df, groups)
    ng = len(keys)
    k = len(STARTAGES)
    slot = np.searchsorted(STARTAGES, ages).astype(np.int64)

    flat = codes * k + slot
    per_slot = np.bincount(flat, minlength=ng * k)
    if len(flat) and per_slot.max() > 1:
        dup_groups = np.flatnonzero((per_slot.reshape(ng, k) > 1).any(axis=1))[:3]
        dup = keys.iloc[dup_groups].to_dict("records")
        raise ValueError(
            f"column {startage_col!r} has duplicated age bands within a group ({dup or 'whole frame'}); "
            "give one row per group and age band"
        )
    present = np.zeros((ng, k), dtype=bool)
    present.reshape(-1)[flat] = True
    D = np.full((ng, k), np.nan)
    P = np.full((ng, k), np.nan)
    D.reshape(-1)[flat] = deaths
    P.reshape(-1)[flat] = pops

    full20 = present.all(axis=1)
    full85 = present[:, :19].all(axis=1) & ~present[:, 19]
    last = np.where(full20, 19, 18)
    idx = np.arange(k)[None, :]
    in_table = idx <= last[:, None]
    is_last = idx == last[:, None]
    before_last = idx < last[:, None]

    # ---- PHE rules -> group NA with a note (first rule that applies)
    note = np.full(ng, None, dtype=object)

    def flag(mask: np.ndarray, text: str) -> None:
        new = mask & (note == None)  # noqa: E711  (object array comparison)
        note[new] = text

    Dt = np.where(in_table, D, np.nan)
    Pt = np.where(in_table, P, np.nan)
    with np.errstate(invalid="ignore"):
        flag(~(full20 | full85), "age bands missing: life expectancy needs all 20 bands 0, 1-4, ..., 90+ (or 85+)")
        flag((in_table & (np.isnan(D) | np.isnan(P))).any(axis=1),
             "deaths or population missing in an age band")
        flag((Dt < 0).any(axis=1), "negative deaths in an age band")
        flag((Pt <= 0).any(axis=1), "population of 0 or less in an age band")
        flag((Dt > Pt).any(axis=1), "more deaths than population in an age band")
        flag(np.nansum(Pt, axis=1) <= MIN_TOTAL_POP, f"total population {MIN_TOTAL_POP:,} or less")
        flag((is_last & (Dt == 0)).any(axis=1), "no deaths in the last (open) age band")
    bad = note != None  # noqa: E711
    if bad.any():
        examples = keys.iloc[np.flatnonzero(bad)[:3]].to_dict("records") if groups else "whole frame"
        warnings.warn(
            f"life_expectancy: {int(bad.sum())} group(s) set to NA by the PHE rules "
            f"({sorted(set(note[bad]))}); e.g. {examples}",
            StatsWarning,
            stacklevel=2,
        )
    if full85.any():
        warnings.warn(
            f"life_expectancy: {int(full85.sum())} group(s) end at 85+ rather than 90+; "
            "life expectancy at older ages is less accurate",
            StatsWarning,
            stacklevel=2,
        )

    # ---- Chiang II life table, all groups at once (rows = groups, columns = age bands)
    ok = ~bad
    Dc = np.where(in_table & ok[:, None], D, 1.0)
    Pc = np.where(in_table & ok[:, None], P, 1.0)
    n = np.broadcast_to(_WIDTH, (ng, k))
    a = np.broadcast_to(_A, (ng, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        M = Dc / Pc
        q = np.where(before_last, n * M / (1 + n * (1 - a) * M), np.where(is_last, 1.0, 0.0))
        p = 1 - q
        surv = np.cumprod(p, axis=1)
        lx = 100000 * np.concatenate([np.ones((ng, 1)), surv[:, :-1]], axis=1)
        L = np.where(before_last, n * (lx - (1 - a) * lx * q), np.where(is_last, lx / M, 0.0))
        T = np.cumsum(L[:, ::-1], axis=1)[:, ::-1]
        e = T / lx
        e_next = np.concatenate([e[:, 1:], np.zeros((ng, 1))], axis=1)
        var_q = np.where(Dc > 0, q**2 * (1 - q) / Dc, 0.0)
        nn = np.where(before_last, n, 0.0)
        t = np.where(
            before_last,
            lx**2 * ((1 - a) * nn + e_next) ** 2 * var_q,
            np.where(is_last, (lx / M) ** 2 / Dc, 0.0),
        )
        var_e = np.cumsum(t[:, ::-1], axis=1)[:, ::-1] / lx**2
        se = np.sqrt(var_e)
    pops_used = np.cumsum(np.where(in_table, P, 0.0)[:, ::-1], axis=1)[:, ::-1]
    dths_used = np.cumsum(np.where(in_table, D, 0.0)[:, ::-1], axis=1)[:, ::-1]

    # ---- which start ages to report
    if isinstance(le_age, str):
        if le_age != "all":
            raise ValueError(f"le_age={le_age!r}: give a start age, a list of start ages or 'all'")
        wanted = STARTAGES
    else:
        wanted = np.atleast_1d(np.asarray(le_age, dtype=float))
        unknown = sorted(set(wanted.tolist()) - set(_SLOT))
        if unknown:
            raise ValueError(f"le_age {unknown} is not a start age of the life table bands {STARTAGES.tolist()}")
    wslots = np.array(sorted(_SLOT[int(w)] for w in wanted))
    sel = (in_table[:, wslots])  # a group ending at 85+ has no row for 90
    gi, si = np.nonzero(sel)
    si = wslots[si]

    out = keys.iloc[gi].reset_index(drop=True) if groups else pd.DataFrame(index=range(len(gi)))
    out["startage"] = STARTAGES[si]
    grp_ok = ok[gi]
    value = np.where(grp_ok, e[gi, si], np.nan)
    se_sel = np.where(grp_ok, se[gi, si], np.nan)
    half95 = z_value(0.95) * se_sel
    wide = grp_ok & (half95 > MAX_HALF_WIDTH)
    out["value"] = np.where(wide, np.nan, value)
    for c, (lo_name, hi_name) in zip(levels, ci_names(levels), strict=True):
        z = z_value(c)
        out[lo_name] = value - z * se_sel
        out[hi_name] = value + z * se_sel
    out["pops_used"] = np.where(grp_ok, pops_used[gi, si], np.nan)
    out["dths_used"] = np.where(grp_ok, dths_used[gi, si], np.nan)
    add_metadata(out, levels, "life expectancy", "Chiang II, using Silcocks et al for confidence limits")
    row_note = note[gi].copy()
    row_note[wide] = "95% confidence interval wider than 20 years: value not shown"
    out["note"] = row_note
    return out
