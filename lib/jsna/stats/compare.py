"""Comparisons used by every report: a value against a benchmark, and one group against another.

This module holds the series' one polarity vocabulary (:data:`POLARITIES`, the words Fingertips
uses) and the only two comparison functions:

* :func:`compare_with_benchmark` - Fingertips' benchmark comparison: the value's confidence
  interval against a benchmark value (England, the region). "better" / "worse" when the interval
  excludes the benchmark (direction from the polarity), "similar" when it includes it; for an
  indicator with no judgement "higher" / "lower" / "similar". "not compared" when an input is
  missing.
* :func:`compare_groups` - two groups (two deprivation fifths, baseline against latest): "higher"
  or "lower" when the two confidence intervals do not overlap, "no clear difference" when they
  do, "not tested" when an interval is missing. :func:`judge` turns "higher"/"lower" into
  "better"/"worse" for a polarity.

:func:`published_comparison` reads the comparison a publisher printed beside a value
("Better", "Similar", "Worse", "Not compared", ...) into the words of
:func:`compare_with_benchmark`, for files that give no limits.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The one polarity vocabulary of the series (Fingertips' "RAG - High is good", "RAG - Low is
#: good" and "BOB - no judgement").
HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT = "high_is_good", "low_is_good", "no_judgement"
POLARITIES = (HIGH_IS_GOOD, LOW_IS_GOOD, NO_JUDGEMENT)
BENCHMARK_WORDS = ("better", "similar", "worse", "higher", "lower", "not compared")
GROUP_WORDS = ("higher", "lower", "no clear difference", "not tested")

__all__ = [
    "BENCHMARK_WORDS", "GROUP_WORDS", "HIGH_IS_GOOD", "LOW_IS_GOOD", "NO_JUDGEMENT", "POLARITIES",
    "check_polarity", "compare_groups", "compare_with_benchmark", "judge", "published_comparison",
]


def check_polarity(polarity: object) -> np.ndarray:
    """The polarity as an object array; ValueError naming the bad value and the vocabulary."""
    pol = np.asarray(polarity, dtype=object)
    bad = ~np.isin(pol, POLARITIES)
    if bad.any():
        raise ValueError(f"polarity must be one of {POLARITIES}, got {pol[bad].ravel()[0]!r}")
    return pol


def _shape(res: np.ndarray, like: object):
    if res.ndim == 0:
        return str(res)
    if isinstance(like, pd.Series):
        return pd.Series(res, index=like.index, dtype="string")
    return res


def compare_with_benchmark(lower: object, upper: object, benchmark: object, polarity: object):
    """Fingertips comparison of a value's interval [lower, upper] with a benchmark value.

    Scalars or aligned arrays/Series (the result has the same shape; a Series keeps its index).
    A limit equal to the benchmark counts as including it ("similar").

    References
    ----------
    - Public Health England (2017). Technical Guide: RAG Rating Indicator Values. Fingertips
      Public Health Data technical guidance.
    - R: no PHEindicatormethods equivalent (Fingertips' benchmark comparison).

    Examples
    --------
    >>> from jsna import stats
    >>> stats.compare_with_benchmark(12.1, 15.3, 16.0, "low_is_good")  # below the benchmark
    'better'
    """
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    bm = np.asarray(benchmark, dtype=float)
    pol = check_polarity(polarity)
    above, below = lo > bm, hi < bm
    missing = np.isnan(lo) | np.isnan(hi) | np.isnan(bm)
    good_high, good_low = pol == HIGH_IS_GOOD, pol == LOW_IS_GOOD
    up = np.where(good_high, "better", np.where(good_low, "worse", "higher"))
    down = np.where(good_high, "worse", np.where(good_low, "better", "lower"))
    res = np.where(missing, "not compared", np.where(above, up, np.where(below, down, "similar")))
    return _shape(np.asarray(res, dtype=object).astype(str), lower)


def compare_groups(a_lower: float, a_upper: float, b_lower: float, b_upper: float) -> str:
    """Group a against group b by their 95% intervals: 'higher' / 'lower' when they do not overlap
    (a above / below b), 'no clear difference' when they overlap (touching counts as overlap),
    'not tested' when a limit is missing.

    References
    ----------
    - Schenker N, Gentleman JF (2001). On judging the significance of differences by
      examining the overlap between confidence intervals. Am Stat 55:182-186.
    - APHO (2008). Technical Briefing 3: Commonly used public health statistics and their
      confidence intervals (use and presentation).
    - R: no PHEindicatormethods equivalent.

    Examples
    --------
    >>> from jsna import stats
    >>> stats.compare_groups(20.0, 24.0, 12.5, 16.0)  # most deprived fifth against least deprived
    'higher'
    """
    vals = (a_lower, a_upper, b_lower, b_upper)
    if any(v is None or pd.isna(v) for v in vals):
        return "not tested"
    if a_lower > b_upper:
        return "higher"
    if a_upper < b_lower:
        return "lower"
    return "no clear difference"


def judge(direction: str, polarity: str) -> str:
    """'higher'/'lower' as 'better'/'worse' for a polarity (unchanged for no judgement and for
    any other word, e.g. 'no clear difference').

    References
    ----------
    - Public Health England (2017). Technical Guide: RAG Rating Indicator Values. Fingertips
      Public Health Data technical guidance (polarity).
    - R: no PHEindicatormethods equivalent.

    Examples
    --------
    >>> from jsna import stats
    >>> stats.judge("higher", "low_is_good")
    'worse'
    """
    check_polarity(polarity)
    if direction not in ("higher", "lower") or polarity == NO_JUDGEMENT:
        return direction
    return "better" if (direction == "higher") == (polarity == HIGH_IS_GOOD) else "worse"


def published_comparison(word: object, value: float | None = None, benchmark: float | None = None,
                         polarity: str | None = None) -> str:
    """A publisher's printed comparison with England as 'better' / 'similar' / 'worse' (or
    'higher' / 'lower' for no judgement); 'not compared' for anything else (blank, 'Not compared').

    Files that print 'Higher' / 'Lower' (or 'Significantly ...') need ``value``, ``benchmark`` and
    ``polarity`` to say which way is better; without them the result is 'not compared'.

    References
    ----------
    - Public Health England (2017). Technical Guide: RAG Rating Indicator Values. Fingertips
      Public Health Data technical guidance.
    - R: no PHEindicatormethods equivalent.

    Examples
    --------
    >>> from jsna import stats
    >>> stats.published_comparison("Significantly higher", value=31.2, benchmark=25.0,
    ...                            polarity="low_is_good")
    'worse'
    """
    if word is None or (isinstance(word, float) and np.isnan(word)) or word is pd.NA:
        return "not compared"
    w = str(word).strip().lower()
    if w.startswith(("similar", "not significantly", "no significant")):
        return "similar"
    if w.startswith("better"):
        return "better" if polarity != NO_JUDGEMENT else "not compared"
    if w.startswith("worse"):
        return "worse" if polarity != NO_JUDGEMENT else "not compared"
    if w.startswith(("higher", "lower", "significantly")):
        if polarity is None or value is None or benchmark is None or pd.isna(value) or pd.isna(benchmark) \
                or value == benchmark:
            return "not compared"
        return judge("higher" if value > benchmark else "lower", polarity)
    return "not compared"
