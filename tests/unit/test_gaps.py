"""The gap over time (issue 23, item 4): one area's life expectancy and slope index of inequality over every period
held, the non-overlapping periods tested, and the slope with its interval, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna.gaps import MIN_POINTS, gap_history, gap_trend, non_overlapping
from jsna.indicators import NOT_PUBLISHED
from jsna.words import framework_gap_sentence, gap_over_time_sentences

from tests.support.frames import tidy_la

LEICESTER, RUTLAND, ENGLAND = "E06000016", "E06000017", "E92000001"
# OHID's slope index of inequality in male life expectancy (Fingertips 92901 via Trafford Data Lab): the 2020
# extract to 2015-17 and the 2026 extract from 2015-17, Leicester and England
OLD = {"2010-12": (7.3, 9.1), "2011-13": (8.0, 9.0), "2012-14": (7.6, 9.1), "2013-15": (8.0, 9.2),
       "2014-16": (7.0, 9.4), "2015-17": (7.7, 9.4)}
NEW = {"2015-17": (7.8, 9.6), "2016-18": (8.1, 9.6), "2017-19": (8.3, 9.5), "2018-20": (8.3, 9.9),
       "2019-21": (8.3, 10.3), "2020-22": (8.9, 10.7), "2021-23": (8.5, 10.5), "2022-24": (8.6, 10.4)}


def _rows(source: str, indicator: str, sex: str, values: dict[str, tuple[float, float]],
          area: str = LEICESTER) -> pd.DataFrame:
    periods = list(values)
    start = [pd.Timestamp(int(p[:4]), 1, 1) for p in periods]
    end = [pd.Timestamp(int(p[:4]) + 2, 12, 31) for p in periods]
    n = len(periods)
    return tidy_la(source_id=source, indicator_id=indicator, indicator_name="x", area_code=[area] * n + [ENGLAND] * n,
                   area_name="n", period=periods * 2, period_start=start * 2, period_end=end * 2, sex=sex,
                   value=[v[0] for v in values.values()] + [v[1] for v in values.values()])


def _la(area: str = LEICESTER, sii_area=None) -> pd.DataFrame:
    parts = []
    for sex in ("Male", "Female"):
        parts += [_rows("trafford_themes_inequality_life_expectancy", "inequality_in_life_expectancy_at_birth", sex,
                        NEW if sii_area is None else sii_area, area),
                  _rows("trafford_dashboard_slope_index_of_inequality", "inequality_in_life_expectancy_at_birth",
                        sex, OLD if sii_area is None else sii_area, area),
                  _rows("trafford_themes_life_expectancy", "life_expectancy_at_birth", sex,
                        {"2017-19": (77.7, 79.7), "2020-22": (75.9, 78.9), "2023-25": (77.5, 79.7)}, area)]
    return pd.concat(parts, ignore_index=True)


def test_non_overlapping_periods_step_back_three_years_from_the_latest():
    h = _rows("s", "i", "Male", {**OLD, **NEW})
    h = h[h["area_code"] == LEICESTER].drop_duplicates("period")
    assert list(non_overlapping(h)["period"]) == ["2010-12", "2013-15", "2016-18", "2019-21", "2022-24"]


def test_leicester_male_sii_is_widening_by_hand():
    # x = middle years 2011, 2014, 2017, 2020, 2023 (mean 2017, Sxx = 36+9+0+9+36 = 90); y = 7.3, 8.0, 8.1, 8.3, 8.6
    # (mean 8.06); Sxy = (-6)(-0.76)+(-3)(-0.06)+0+3(0.24)+6(0.54) = 8.7; slope = 8.7/90 = 0.09667 a year.
    # Fitted 7.48, 7.77, 8.06, 8.35, 8.64: residuals -0.18, 0.23, 0.04, -0.05, -0.04, SSE = 0.091, s^2 = 0.091/3,
    # SE = sqrt(0.030333/90) = 0.018358; t(0.975, 3) = 3.1824: 95% CI 0.0383 to 0.1551 -> widening.
    g = gap_history(_la(), LEICESTER, "Leicester")
    t = g.within["Male"]
    assert (t.n, t.first, t.last, t.verdict) == (5, "2010-12", "2022-24", "widening")
    assert t.slope == pytest.approx(0.096667, abs=1e-5)
    assert (t.lower, t.upper) == (pytest.approx(0.0383, abs=1e-4), pytest.approx(0.1551, abs=1e-4))
    # 2015-17 is in both releases: the first-listed source (the newer release, 7.8) is used, once
    sii = g.sii["Male"].set_index("period")
    assert sii.loc["2015-17", "value"] == 7.8 and len(sii) == 13 and sii.loc["2010-12", "england"] == 9.1
    text = " ".join(gap_over_time_sentences(g, "Leicester"))
    assert ("the gap is widening, by 1.0 year per decade (95% CI +0.4 to +1.6 years per decade; a straight line "
            "through 5 non-overlapping three-year periods, 2010-12 to 2022-24)") in text


def test_no_slope_below_five_points():
    g = gap_history(_la(), LEICESTER, "Leicester")
    t = g.to_england["Male"]  # 2017-19, 2020-22, 2023-25: three points
    assert t.verdict == "not tested" and np.isnan(t.slope) and MIN_POINTS == 5
    assert "3 non-overlapping three-year periods; a trend needs at least 5" in t.reason
    text = " ".join(gap_over_time_sentences(g, "Leicester"))
    assert ("Life expectancy of men in Leicester: 77.5 years in 2023-25, 2.2 years below England's 79.7, against "
            "77.7 and 79.7 in 2017-19; whether the gap to England is narrowing is not tested") in text


def test_narrowing_and_no_clear_change():
    pts = pd.DataFrame({"period": ["2001-03", "2004-06", "2007-09", "2010-12", "2013-15"]})
    assert gap_trend(pts.assign(gap=[3.0, 2.8, 2.6, 2.4, 2.2])).verdict == "narrowing"
    assert gap_trend(pts.assign(gap=[3.0, 2.0, 3.1, 2.1, 3.0])).verdict == "no clear change"


def test_a_blank_sii_gets_the_dashboards_reason():
    blank = {p: (np.nan, v[1]) for p, v in NEW.items()}
    g = gap_history(_la(RUTLAND, sii_area=blank), RUTLAND, "Rutland")
    assert g.sii["Male"].empty and g.missing[("sii", "Male")] == NOT_PUBLISHED
    assert ("OHID's slope index of inequality for men in Rutland over time is not published for this area: the "
            "publisher leaves the value blank.") in gap_over_time_sentences(g, "Rutland")


def test_the_frameworks_nearly_nine_years_against_ohids_sii():
    from jsna.places import load_place

    fw = load_place("leicester").framework
    assert (fw.le_gap_claim, fw.le_gap_claim_years) == ("nearly nine years", 9)
    # OHID's SII, Leicester 2022-24: men 8.6, women 7.1 (within half a year of nine: agrees)
    s = framework_gap_sentence(fw, "Leicester", 8.6, 7.1, "2022-24", -4.8, "2016-20")
    assert "is 8.6 years for men in Leicester (2022-24; 7.1 for women), which agrees with it" in s
    assert "(4.8 years, 2016-20) is smaller" in s
    assert "is smaller than that" in framework_gap_sentence(fw, "Leicestershire", 6.6, 5.5, "2015-17")
    assert framework_gap_sentence(load_place("rutland").framework, "Rutland", None, None, None).endswith(
        "OHID publishes no slope index of inequality for Rutland, so the figure cannot be checked against it here.")
    assert framework_gap_sentence(None, "Tower Hamlets", 10.0, 8.0, "2022-24") is None  # no framework, no words


def test_every_number_of_the_gap_sentences_is_in_the_charts_data():
    from tests.support.numbers import assert_numbers_shown

    for la, code, name in ((_la(), LEICESTER, "Leicester"),
                           (_la(RUTLAND, sii_area={p: (np.nan, v[1]) for p, v in NEW.items()}), RUTLAND, "Rutland")):
        g = gap_history(la, code, name)
        assert_numbers_shown(gap_over_time_sentences(g, name), g.data(), by_row=False)
