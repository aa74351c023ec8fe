"""Sentences written from numbers: the wording helpers every topic shares (topics/<id>/text.py use them).

Every sentence must agree with its chart: wording follows the direction, size and
statistical significance of the numbers it is given, never a fixed template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def is_missing(x: object) -> bool:
    """True for None, NaN and pandas NA."""
    if x is None:
        return True
    try:
        return bool(math.isnan(x))  # type: ignore[arg-type]
    except TypeError:
        return str(x) in ("<NA>", "NaT")


def fmt_number(x: float | int | None, dp: int = 0, na: str = "not available") -> str:
    """1234.5 -> '1,235' (dp=0) or '1,234.5' (dp=1)."""
    if is_missing(x):
        return na
    return f"{x:,.{dp}f}"


def fmt_pct(x: float | None, dp: int = 1, na: str = "not available") -> str:
    """A percentage already on the 0-100 scale: 12.34 -> '12.3%'."""
    if is_missing(x):
        return na
    return f"{x:.{dp}f}%"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'1 area', '3 areas'."""
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}"


def join_names(names: Sequence[str], conj: str = "and") -> str:
    """['A', 'B', 'C'] -> 'A, B and C'."""
    names = [str(n) for n in names]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {conj} {names[-1]}"


def times_word(ratio: float, dp: int = 1) -> str:
    """A ratio in words: 2.0 -> 'twice', 1.5 -> '1.5 times', 3 -> '3.0 times'."""
    if is_missing(ratio):
        return "not available"
    if abs(ratio - 2) < 0.05:
        return "twice"
    return f"{ratio:.{dp}f} times"


def intervals_overlap(lo1: float, hi1: float, lo2: float, hi2: float) -> bool:
    """True if two confidence intervals overlap (wording then says 'no clear difference')."""
    return not (hi1 < lo2 or hi2 < lo1)
