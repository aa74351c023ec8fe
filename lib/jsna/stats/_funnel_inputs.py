"""Validated funnel-plot inputs shared by the funnel limits, significance and overdispersion.

One rule for every funnel function: a row enters the funnel only when its numerator and its
(derived) denominator are both known and the denominator is above zero. Such a row is "usable";
every other row is left out of the numerator *and* the denominator sums, with a reason, so a
missing rate can never count its events against someone else's population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.stats._common import check_non_negative, numeric, require_columns

STATISTICS = ("proportion", "ratio", "rate")


@dataclass
class FunnelInputs:
    """Numerators, derived denominators and which rows the funnel may use."""

    x: np.ndarray  # numerators (NaN where missing)
    d: np.ndarray  # denominators: population, expected events, or population derived from a rate
    usable: np.ndarray  # bool: enters the funnel
    reason: np.ndarray  # object: why a row is not usable (None where usable or left out by method)
    dsr_small: np.ndarray  # bool: DSR rows with fewer than 10 events ("not applicable")

    @property
    def n_left_out(self) -> int:
        return int((self.reason != None).sum())  # noqa: E711

    def reasons(self) -> list[str]:
        r = self.reason[self.reason != None]  # noqa: E711
        return sorted(set(r.tolist()))


def prepare(
    df: pd.DataFrame,
    num_col: str,
    statistic: str,
    denom_col: str | None,
    rate_col: str | None,
    rate_type: str | None,
    multiplier: float | None,
    what: str,
) -> FunnelInputs:
    """Check the funnel arguments and columns; derive denominators; mark usable rows.

    Malformed input raises ValueError (negative counts, numerator above denominator for a
    proportion, a rate of 0 or below where there are events). Missing values and zero
    denominators are not errors: those rows are not usable and carry a reason.
    """
    if statistic not in STATISTICS:
        raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")
    require_columns(df, [c for c in (num_col, denom_col, rate_col) if c], what)
    x = numeric(df, num_col)
    check_non_negative(x, num_col)
    reason = np.full(len(df), None, dtype=object)
    dsr_small = np.zeros(len(df), dtype=bool)
    x_missing = np.isnan(x)

    if statistic in ("proportion", "ratio"):
        if denom_col is None:
            raise ValueError(
                f"statistic={statistic!r} needs denom_col"
                + (" (expected events)" if statistic == "ratio" else " (population)"))
        d = numeric(df, denom_col)
        check_non_negative(d, denom_col)
        if statistic == "proportion":
            bad = x > d
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"column {num_col!r} exceeds {denom_col!r} in row {df.index[i]!r} "
                    f"({x[i]:g} > {d[i]:g}): not a proportion")
        what_d = "population" if statistic == "proportion" else "expected events"
        reason[np.isnan(d)] = f"{denom_col} is missing"
        reason[d == 0] = f"{denom_col} is 0 ({what_d}): not defined"
    else:
        if rate_type not in ("dsr", "crude"):
            raise ValueError("statistic='rate' needs rate_type 'dsr' or 'crude'")
        if rate_col is None or multiplier is None:
            raise ValueError("statistic='rate' needs rate_col and multiplier")
        if not np.isfinite(multiplier) or multiplier <= 0:
            raise ValueError(f"multiplier={multiplier!r} must be a positive number")
        r = numeric(df, rate_col)
        events = x > 0
        if (events & (r <= 0)).any():
            raise ValueError(
                f"column {rate_col!r} is 0 or negative on a row with {num_col!r} > 0; "
                "a rate with events must be above 0")
        with np.errstate(divide="ignore", invalid="ignore"):
            from_rate = multiplier * x / r
        reason[events & np.isnan(r)] = f"{rate_col} is missing"
        if rate_type == "dsr":
            d = np.where(events, from_rate, np.nan)  # a DSR with 0 events gives no population
            dsr_small = x < 10
        else:
            if denom_col is None:
                if (x == 0).any():
                    raise ValueError("statistic='rate' with 0 events needs denom_col")
                d = from_rate
            else:
                n = numeric(df, denom_col)
                check_non_negative(n, denom_col)
                zero_events = x == 0
                d = np.where(zero_events, n, from_rate)
                reason[zero_events & np.isnan(n)] = f"{denom_col} is missing"
                reason[zero_events & (n == 0)] = f"{denom_col} is 0: not defined"
    reason[x_missing] = f"{num_col} is missing"
    usable = ~x_missing & np.isfinite(d) & (d > 0)
    return FunnelInputs(x=x, d=d, usable=usable, reason=reason, dsr_small=dsr_small)
