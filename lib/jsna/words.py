"""Sentences written from numbers: the wording helpers every topic shares (topics/<id>/text.py use them).

Every sentence must agree with its chart: wording follows the direction, size and
statistical significance of the numbers it is given, never a fixed template.
"""

from __future__ import annotations

import math
import re
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
    """True if two confidence intervals overlap (wording then says 'no clear difference'); the
    test is jsna.stats.compare.compare_groups (a missing limit counts as overlapping)."""
    from jsna.stats.compare import compare_groups

    return compare_groups(lo1, hi1, lo2, hi2) not in ("higher", "lower")


def le_gap_explanation(fifths_gap: float | None = None, sii: float | None = None,
                       sii_period: str | None = None, sex_word: str = "") -> str:
    """The one explanation (used by every report) of why the life-expectancy gap between the most
    and least deprived fifths of MSOAs (about 5 years) is smaller than OHID's slope index of
    inequality across LSOA deciles (about 8 to 9 years), and which figure to quote. With numbers,
    it ends with this area's two figures."""
    text = ("Two measures of the life-expectancy gap by deprivation appear in this series, and they are not "
            "expected to agree. The gap between fifths compares the average life expectancy of the most and "
            "least deprived fifths of neighbourhoods, built from MSOAs of about 8,000 residents: each MSOA "
            "mixes more and less deprived streets, and each fifth averages over a fifth of the gradient, so "
            "the extremes are diluted. OHID's slope index of inequality (SII) fits a line across all ten "
            "deciles of the much smaller LSOAs (about 1,500 residents) and reads off the gap between the very "
            "most and very least deprived ends of that line. Smaller areas and a gradient taken to its ends "
            "both give a larger number, so the SII is usually several years larger. Quote OHID's SII when "
            "comparing an area with England or with other areas, because it is published on the same basis "
            "everywhere; use the gap between fifths to describe the two babies within the area.")
    have_gap, have_sii = not is_missing(fifths_gap), not is_missing(sii)
    who = f" for {sex_word}" if sex_word else ""
    if have_gap and have_sii:
        text += (f" Here{who}, the gap between fifths is {abs(fifths_gap):.1f} years and OHID's SII is "
                 f"{sii:.1f} years ({sii_period}).")
    elif have_sii:
        text += f" Here{who}, OHID's SII is {sii:.1f} years ({sii_period})."
    elif have_gap:
        text += f" Here{who}, the gap between fifths is {abs(fifths_gap):.1f} years; no OHID SII is in the data held."
    return text


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_DURATION = re.compile(r"\b(\d{4}-\d{2}-\d{2})/P(\d+)([YMWD])\b")


def _interval_end(start: str, n: int, unit: str) -> str:
    """The last day of an ISO 8601 interval 'start/PnU' (n years, months, weeks or days)."""
    import datetime as dt

    y, m, d = (int(x) for x in start.split("-"))
    first = dt.date(y, m, d)
    if unit in "YM":
        import calendar

        months = n * 12 if unit == "Y" else n
        yy, mm = divmod(first.month - 1 + months, 12)
        year, month = first.year + yy, mm + 1
        after = dt.date(year, month, min(first.day, calendar.monthrange(year, month)[1]))
    else:
        after = first + dt.timedelta(days=n * (7 if unit == "W" else 1))
    return (after - dt.timedelta(days=1)).isoformat()


def period_in_words(period: object) -> str:
    """Periods as a reader writes them: '2020-02-27 to 2023-12-12' -> '27 February 2020 to 12
    December 2023'; ISO 8601 intervals '2019-01-01/2019-12-31' and '2019-01-01/P1Y' both read
    '1 January 2019 to 31 December 2019'. Other text is kept."""
    text = "" if period is None else str(period)

    def word(m: re.Match[str]) -> str:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return f"{d} {_MONTHS[mo - 1]} {y}" if 1 <= mo <= 12 and 1 <= d <= 31 else m.group(0)

    text = _ISO_DURATION.sub(lambda m: f"{m.group(1)} to {_interval_end(m.group(1), int(m.group(2)), m.group(3))}",
                             text)
    text = re.sub(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", r"\1 to \2", text)
    return _ISO_DATE.sub(word, text)
