"""The gap over time (issue 23, item 4): is a Place's life expectancy gap to England, and its gap between its
most and least deprived neighbourhoods, narrowing?

* The gap to England: England's life expectancy minus the Place's, for every three-year period held
  (jsna.indicators.la_history of the registry's ``le_la_male`` / ``le_la_female``: OHID's Fingertips periods,
  and ONS's from 2001-03 where that source is held).
* The gap within the Place: OHID's slope index of inequality (SII) in life expectancy (``sii_le_male`` /
  ``sii_le_female``), the gap in years between the most and least deprived ends of the Place's deprivation
  gradient, with England's.

The test: the slope of the gap over time by ordinary least squares on NON-OVERLAPPING three-year periods (the
latest, then every third period back: 2022-24, 2019-21, 2016-18 ...), so that no death is counted twice, with
its 95% confidence interval (t distribution, n - 2 degrees of freedom). A gap is "narrowing" when the interval
lies wholly on the narrowing side of zero, "widening" when wholly on the other, "no clear change" when it
includes zero. The sources give no intervals for these values, so the points are unweighted. No slope is fitted
below :data:`MIN_POINTS` points, the series' reliability minimum for a trend (jsna.stats.trend.POINTS).

References
----------
- Fingertips Public Health Data technical guidance: recent trends need at least five points.
- Altman DG, Machin D, Bryant TN, Gardner MJ (2000). Statistics with Confidence, 2nd ed. BMJ Books: ch. 8,
  confidence interval of a regression slope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats as sps

from jsna.indicators import get_indicator, la_history, missing_reason
from jsna.stats.trend import POINTS as MIN_POINTS

__all__ = ["MIN_POINTS", "GapTrend", "GapHistory", "gap_history", "gap_trend", "non_overlapping"]

NARROWING, WIDENING, NO_CLEAR, NOT_TESTED = "narrowing", "widening", "no clear change", "not tested"
SEXES = ("Male", "Female")
LE_IDS = {"Male": "le_la_male", "Female": "le_la_female"}
SII_IDS = {"Male": "sii_le_male", "Female": "sii_le_female"}


def _years(period: str) -> float:
    """Middle year of a pooled period label ("2016-18" -> 2017.0)."""
    from jsna.load.fingertips import normalise_period

    p = normalise_period(period)
    return (p.start.year + p.end.year) / 2


def non_overlapping(history: pd.DataFrame, years: int = 3) -> pd.DataFrame:
    """The latest period and every ``years``-th one before it whose years do not overlap the next kept one
    (2022-24, 2019-21, 2016-18 ...), oldest first. ``history``: period_start, period_end (jsna.indicators.la_history)."""
    if history.empty:
        return history
    h = history.sort_values("period_start", ascending=False)
    kept, next_start = [], None
    for i, r in h.iterrows():
        if (r["period_end"].year - r["period_start"].year + 1) != years:
            continue
        if next_start is None or r["period_end"] < next_start:
            kept.append(i)
            next_start = r["period_start"]
    return h.loc[kept].sort_values("period_start").reset_index(drop=True)


@dataclass(frozen=True)
class GapTrend:
    """The slope of a gap over non-overlapping periods: ``slope`` years of gap per year (95% CI ``lower`` to
    ``upper``), ``n`` points from ``first`` to ``last``, ``verdict`` narrowing / widening / no clear change / not
    tested, ``reason`` (why not tested)."""

    slope: float
    lower: float
    upper: float
    n: int
    first: str | None
    last: str | None
    verdict: str
    reason: str = ""


def gap_trend(points: pd.DataFrame, gap_col: str = "gap") -> GapTrend:
    """The OLS slope of ``gap_col`` over the periods' middle years, with its 95% interval and verdict (a gap is
    positive when the Place or the most deprived end is behind). ``points``: non-overlapping periods (column
    ``period``); fewer than :data:`MIN_POINTS` with a gap: not tested.

    Examples
    --------
    Gaps 2.0, 2.2, 2.4, 2.6, 2.8 years at 2002, 2005, ..., 2014: slope 0.0667 a year, widening.

    >>> pts = pd.DataFrame({"period": ["2001-03", "2004-06", "2007-09", "2010-12", "2013-15"],
    ...                     "gap": [2.0, 2.2, 2.4, 2.6, 2.8]})
    >>> gap_trend(pts).verdict
    'widening'
    """
    d = points.dropna(subset=[gap_col])
    n = len(d)
    first = str(d["period"].iloc[0]) if n else None
    last = str(d["period"].iloc[-1]) if n else None
    if n < MIN_POINTS:
        return GapTrend(np.nan, np.nan, np.nan, n, first, last, NOT_TESTED,
                        f"{n} non-overlapping three-year {'period' if n == 1 else 'periods'}; a trend needs at "
                        f"least {MIN_POINTS}")
    x = np.array([_years(p) for p in d["period"]])
    y = d[gap_col].to_numpy(dtype=float)
    fit = sps.linregress(x, y)
    half = float(sps.t.ppf(0.975, n - 2)) * fit.stderr
    lo, hi = fit.slope - half, fit.slope + half
    verdict = WIDENING if lo > 0 else NARROWING if hi < 0 else NO_CLEAR
    return GapTrend(float(fit.slope), float(lo), float(hi), n, first, last, verdict)


@dataclass
class GapHistory:
    """One area's life expectancy and SII over every period held, by sex, and the two gap trends."""

    area_code: str
    area_name: str
    le: dict[str, pd.DataFrame]  # by sex: period, value, england, gap (England - area), kept (non-overlapping)
    sii: dict[str, pd.DataFrame]  # by sex: period, value (the area's SII), england (England's SII), kept
    to_england: dict[str, GapTrend]  # by sex: trend of England - area
    within: dict[str, GapTrend]  # by sex: trend of the area's SII
    #: why a series is empty, in the dashboard's words (jsna.indicators.missing_reason), by ("le"|"sii", sex)
    missing: dict[tuple[str, str], str] = field(default_factory=dict)

    def data(self) -> pd.DataFrame:
        """Tidy rows behind the chart: measure, sex, period, area value, England value, used in the test, and the
        test's result for the measure and sex (the gap's change per decade and its 95% interval, the periods
        tested and the minimum)."""
        cols = ["measure", "sex", "period", "area", "area_value", "england_value", "in_trend_test", "gap_trend",
                "gap_change_per_decade", "lower95_per_decade", "upper95_per_decade", "periods_tested",
                "minimum_periods"]
        rows = []
        for measure, by_sex, trends in (("Life expectancy at birth", self.le, self.to_england),
                                        ("Slope index of inequality", self.sii, self.within)):
            for sex, h in by_sex.items():
                t = trends[sex]
                for _, r in h.iterrows():
                    rows.append({"measure": measure, "sex": sex, "period": r["period"], "area": self.area_name,
                                 "area_value": r["value"], "england_value": r["england"],
                                 "in_trend_test": bool(r["kept"]), "gap_trend": t.verdict,
                                 "gap_change_per_decade": 10 * t.slope, "lower95_per_decade": 10 * t.lower,
                                 "upper95_per_decade": 10 * t.upper, "periods_tested": t.n,
                                 "minimum_periods": MIN_POINTS})
        return pd.DataFrame(rows, columns=cols)


def _history(iid: str, la: pd.DataFrame, code: str) -> pd.DataFrame:
    h = la_history(get_indicator(iid), la, code)
    kept = set(non_overlapping(h)["period"]) if len(h) else set()
    return h.assign(kept=h["period"].isin(kept))


def gap_history(la: pd.DataFrame, area_code: str, area_name: str) -> GapHistory:
    """:class:`GapHistory` of one upper-tier area from the tidy LA indicators (jsna.load.fingertips.la_indicators)."""
    le, sii, to_eng, within, missing = {}, {}, {}, {}, {}
    for sex in SEXES:
        h = _history(LE_IDS[sex], la, area_code)
        le[sex] = h.assign(gap=h["england"] - h["value"])
        to_eng[sex] = gap_trend(le[sex][le[sex]["kept"]])
        s = _history(SII_IDS[sex], la, area_code)
        sii[sex] = s
        within[sex] = gap_trend(s[s["kept"]].assign(gap=s["value"]))
        for key, iid, frame in (("le", LE_IDS[sex], h), ("sii", SII_IDS[sex], s)):
            if frame.empty:
                missing[(key, sex)] = missing_reason(get_indicator(iid), la, area_code)
    return GapHistory(area_code, area_name, le, sii, to_eng, within, missing)
