"""Sentences written from numbers: the wording helpers every topic shares (topics/<id>/text.py use them).

Every sentence must agree with its chart: wording follows the direction, size and
statistical significance of the numbers it is given, never a fixed template.

Rounding rule (the series' one rule): a gap or ratio stated beside two values is worked out from
the two values *as shown*, rounded to the precision they are shown at (:func:`shown_difference`,
:func:`shown_ratio`), so that a reader who subtracts the numbers on the page gets the gap the page
states: 76.4 and 81.2 years give a gap of 4.8 years, never 4.9 (the unrounded 4.86).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple


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


def shown(x: float | None, dp: int = 1) -> float | None:
    """The value as a reader sees it: rounded to ``dp`` decimals (None when missing)."""
    if is_missing(x):
        return None
    return round(float(x), dp)


def shown_difference(a: float | None, b: float | None, dp: int = 1) -> float | None:
    """``a - b`` worked out from the two values as shown (each rounded to ``dp`` decimals), so the
    stated gap is the difference of the displayed values (see the module's rounding rule)."""
    if is_missing(a) or is_missing(b):
        return None
    return round(round(float(a), dp) - round(float(b), dp), dp)


def shown_ratio(a: float | None, b: float | None, dp: int = 1) -> float | None:
    """``a / b`` worked out from the two values as shown (each rounded to ``dp`` decimals); None
    when either is missing or the shown ``b`` is not positive."""
    if is_missing(a) or is_missing(b):
        return None
    ra, rb = round(float(a), dp), round(float(b), dp)
    return ra / rb if rb > 0 and ra >= 0 else None


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


class SmallArea(NamedTuple):
    """One kind of England's small areas, as the series uses them."""

    kind: str  # "LSOA" or "MSOA"
    boundaries: str  # the census whose boundaries: "2011" (as IMD 2019)
    england_count: int
    mean_residents: int
    population_period: str


#: England's small areas: how many there are and their mean residents. On 2011 boundaries (as IMD
#: 2019 and the MSOA life expectancy and Covid-19 tables use), from IoD2019 File 6 (ONS mid-2015
#: populations excluding prisoners; England 54,728,204); on 2021 boundaries (as IoD2025 uses), from
#: Census 2021 usual residents (TS001 by LSOA 2021, England 56,490,108; MSOAs 2021 from the ONS
#: LSOA 2021 lookup). Every report that says how large an LSOA or MSOA is takes it from here
#: (:func:`small_area_words`); integration tests recompute these numbers from the data held.
#: (7,264 MSOAs and 35,672 LSOAs on 2021 boundaries are England and Wales together.)
SMALL_AREAS = {
    "LSOA": SmallArea("LSOA", "2011", 32_844, 1_666, "mid-2015"),
    "MSOA": SmallArea("MSOA", "2011", 6_791, 8_059, "mid-2015"),
    "LSOA21": SmallArea("LSOA", "2021", 33_755, 1_674, "Census 2021"),
    "MSOA21": SmallArea("MSOA", "2021", 6_856, 8_240, "Census 2021"),
}


def small_area_words(kind: str, count: bool = False, boundaries: str | int = "2011") -> str:
    """'about 8,100 residents' (mean residents of England's 2011 MSOAs in mid-2015, to the nearest
    hundred); with ``count``, 'about 8,100 residents each, 6,791 in England (2011 boundaries)'.
    ``boundaries="2021"`` gives the 2021 areas (Census 2021 residents: 'about 1,700 residents' for
    an LSOA 2021, 'about 8,200 residents' for an MSOA 2021)."""
    key = kind.upper() + ("21" if str(boundaries) == "2021" else "")
    a = SMALL_AREAS[key]
    size = f"about {round(a.mean_residents, -2):,} residents"
    if count:
        return f"{size} each, {a.england_count:,} in England ({a.boundaries} boundaries)"
    return size


def le_gap_explanation(fifths_gap: float | None = None, sii: float | None = None,
                       sii_period: str | None = None, sex_word: str = "") -> str:
    """The one explanation (used by every report) of why the life-expectancy gap between the most
    and least deprived fifths of MSOAs (about 5 years) is smaller than OHID's slope index of
    inequality across LSOA deciles (about 8 to 9 years), and which figure to quote. With numbers,
    it ends with this area's two figures."""
    text = ("Two measures of the life-expectancy gap by deprivation appear in this series, and they are not "
            "expected to agree. The gap between fifths compares the average life expectancy of the most and "
            f"least deprived fifths of neighbourhoods, made up of MSOAs of {small_area_words('MSOA')}: each MSOA "
            "mixes more and less deprived streets, and each fifth averages over a fifth of the gradient, so "
            "the extremes are diluted. OHID's slope index of inequality (SII) fits a line across all ten "
            f"deciles of the much smaller LSOAs ({small_area_words('LSOA')}) and reads off the gap between the very "
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
        text += f" Here{who}, the gap between fifths is {abs(fifths_gap):.1f} years; no OHID SII is in this report's sources."
    return text


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MIDNIGHT = re.compile(r"\b(\d{4}-\d{2}-\d{2})T00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?")
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
    '1 January 2019 to 31 December 2019', as does '2019-01-01T00:00:00/P1Y'. Other text is kept."""
    text = "" if period is None else str(period)

    def word(m: re.Match[str]) -> str:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return f"{d} {_MONTHS[mo - 1]} {y}" if 1 <= mo <= 12 and 1 <= d <= 31 else m.group(0)

    text = _MIDNIGHT.sub(r"\1", text)  # '2006-08-01T00:00:00/P1Y' reads as '2006-08-01/P1Y'
    text = _ISO_DURATION.sub(lambda m: f"{m.group(1)} to {_interval_end(m.group(1), int(m.group(2)), m.group(3))}",
                             text)
    text = re.sub(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})", r"\1 to \2", text)
    return _ISO_DATE.sub(word, text)


# --------------------------------------------------------------------------- the gap over time (issue 23, item 4)
_SEX_PEOPLE = {"Male": "men", "Female": "women"}


def _trend_words(t, what: str) -> str:
    """'widening by 1.0 year per decade (95% CI 0.4 to 1.6; a straight line through 5 non-overlapping three-year
    periods, 2010-12 to 2022-24)' or why it is not tested (``t``: jsna.gaps.GapTrend)."""
    if t.verdict == "not tested":
        return f"whether {what} is narrowing is not tested ({t.reason})"
    per_decade = 10 * t.slope
    size = f"{abs(per_decade):.1f} {'year' if round(abs(per_decade), 1) == 1 else 'years'} per decade"
    how = (f"95% CI {10 * t.lower:+.1f} to {10 * t.upper:+.1f} years per decade; a straight line through "
           f"{t.n} non-overlapping three-year periods, {t.first} to {t.last}")
    if t.verdict == "no clear change":
        return f"{what} shows no clear change ({'+' if per_decade >= 0 else '-'}{size}, {how})"
    return f"{what} is {t.verdict}, by {size} ({how})"


def gap_over_time_sentences(g, place_name: str) -> list[str]:
    """One sentence per sex on the gap to England and one on the gap within the Place, each with the test used
    (``g``: jsna.gaps.GapHistory)."""
    out = []
    for sex, who in _SEX_PEOPLE.items():
        le = g.le.get(sex)
        if le is not None and len(le) and le["england"].notna().any():
            first, last = le.iloc[0], le.iloc[-1]
            gap = shown_difference(last["value"], last["england"], 1)
            side = "the same as" if gap == 0 else f"{abs(gap):.1f} years {'below' if gap < 0 else 'above'}"
            out.append(
                f"Life expectancy of {who} in {place_name}: {fmt_number(last['value'], 1)} years in {last['period']}, "
                f"{side} England's {fmt_number(last['england'], 1)}, against {fmt_number(first['value'], 1)} and "
                f"{fmt_number(first['england'], 1)} in {first['period']}; "
                + _trend_words(g.to_england[sex], "the gap to England") + ".")
        else:
            out.append(f"Life expectancy of {who} in {place_name} over time is {g.missing.get(('le', sex), 'not available')}.")
        sii = g.sii.get(sex)
        if sii is not None and len(sii):
            first, last = sii.iloc[0], sii.iloc[-1]
            eng = (f" (England's: {fmt_number(first['england'], 1)} to {fmt_number(last['england'], 1)})"
                   if not (is_missing(first["england"]) or is_missing(last["england"])) else "")
            out.append(
                f"The gap within {place_name} (OHID's slope index of inequality, {who}): "
                f"{fmt_number(first['value'], 1)} years in {first['period']}, {fmt_number(last['value'], 1)} in "
                f"{last['period']}{eng}; " + _trend_words(g.within[sex], "the gap") + ".")
        else:
            out.append(f"OHID's slope index of inequality for {who} in {place_name} over time is "
                       f"{g.missing.get(('sii', sex), 'not available')}.")
    return out


def framework_gap_sentence(framework, place_name: str, sii_male: float | None, sii_female: float | None,
                           period: str | None, fifths_gap: float | None = None,
                           fifths_period: str | None = None, lead: bool = True) -> str | None:
    """The Place's framework's words for the life-expectancy gap ("nearly nine years", params ``framework:``)
    set against OHID's slope index for the Place; None without such words (no other council gets them).
    ``lead=False`` leaves out the framework's words (for the second and later authorities of a group Place)."""
    if framework is None or not getattr(framework, "le_gap_claim", None):
        return None
    claim, years = framework.le_gap_claim, float(framework.le_gap_claim_years)
    s = (f"{framework.name} puts the gap in life expectancy between boys born in the most and the least deprived "
         f"areas at {claim}. ") if lead else ""
    if is_missing(sii_male):
        return s + (f"OHID publishes no slope index of inequality for {place_name}, so the figure cannot be "
                    "checked against it here.")
    women = f"; {fmt_number(sii_female, 1)} for women" if not is_missing(sii_female) else ""
    fit = ("agrees with it" if abs(sii_male - years) <= 0.5 else
           "is smaller than that" if sii_male < years else "is larger than that")
    s += (f"OHID's slope index of inequality, the figure to compare, is {fmt_number(sii_male, 1)} years for men "
          f"in {place_name} ({period}{women}), which {fit}.")
    if not is_missing(fifths_gap):
        s += (f" The gap between the most and least deprived fifths of neighbourhoods ({abs(fifths_gap):.1f} years, "
              f"{fifths_period}) is smaller because each fifth averages over a fifth of the gradient.")
    return s
