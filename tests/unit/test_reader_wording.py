"""Wording a fresh reader tripped over (issue 12, items 2, 7 and 8), each with a test that fails on
the old wording: gaps that are not the difference of the values shown, ratios of life expectancies,
two sizes for an MSOA, the life-expectancy gap explained differently in two reports, "England
about 100" beside 117, and a Start well stage without the first-1,001-days indicators held."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from jsna import paths, words
from jsna.indicators import (
    NOT_HELD,
    NOT_HELD_BY_STAGE,
    REGISTRY,
    get_indicator,
    indicators,
    not_held_sentence,
)
from jsna.topics.two_babies import charts as tb_charts
from jsna.topics.two_babies import tables as tb_tables
from jsna.topics.two_babies import text as tb_text

TOPICS = paths.ROOT / "lib" / "jsna" / "topics"


def _row(**kw) -> dict:
    base = {"indicator_id": "le_male", "name": "Life expectancy at birth, males", "stage": "Die well",
            "unit": "years", "dp": 1, "period": "2015-19", "comparison": "Most vs least deprived fifth",
            "kind": "msoa_le", "geography": "MSOA", "source_id": "ohid_localhealth_le_msoa_2015_19",
            "a_label": "Most deprived fifth", "b_label": "Least deprived fifth", "a_value": 76.36, "a_lower": 75.6,
            "a_upper": 77.1, "b_value": 81.22, "b_lower": 80.6, "b_upper": 81.8, "significance": "lower",
            "worse_group": "a", "available": True, "note": None, "old": False, "place_value": 79.9,
            "england_value": 81.8}
    base.update(kw)
    base["gap"] = base["a_value"] - base["b_value"]
    base["ratio"] = base["a_value"] / base["b_value"]
    return base


# ------------------------------------------------------------------------------- rounding rule
def test_a_gap_is_the_difference_of_the_values_shown():
    # 76.36 and 81.22 show as 76.4 and 81.2: the gap is 4.8, although 81.22 - 76.36 = 4.86 rounds to 4.9
    assert words.shown_difference(81.22, 76.36, 1) == 4.8
    assert words.shown_difference(39.94, 10.64, 1) == 29.3  # not 29.2 (29.30 - float noise)
    assert words.shown_difference(None, 1.0) is None
    s = tb_text.life_expectancy_sentence(_row(), "Leicester's")
    assert "4.8 years fewer" in s and "(76.4 vs 81.2 years" in s and "4.9" not in s
    shown = tb_tables.display_table(pd.DataFrame([_row()]))
    assert shown.loc[0, "Gap (a - b)"] == -4.8
    assert "gap 4.8 years" in " ".join(tb_charts.life_course_description(pd.DataFrame([_row()]), "Leicester")[1])
    # the explanation of the two measures quotes the same gap
    assert "the gap between fifths is 4.8 years" in tb_text.le_gap_paragraph(
        pd.DataFrame([_row()]), {"value": 8.6, "period": "2022-24"})


def test_a_ratio_is_that_of_the_values_shown():
    r = _row(indicator_id="idaci", name="Children in income-deprived families", unit="%", a_value=39.94,
             b_value=10.64, stage="Start well")
    # 39.9 / 10.6 = 3.76 (the unrounded 3.754 would read 3.75 or "3.8 times")
    assert tb_tables.display_table(pd.DataFrame([r])).loc[0, "Ratio (a / b)"] == 3.76
    assert "3.8 times as high" in tb_text.indicator_sentence(r, "Leicester's")


# ------------------------------------------------------------------------------- life expectancy
def test_life_expectancy_is_compared_in_years_never_as_a_ratio():
    t = pd.DataFrame([_row(), _row(indicator_id="hle_male", name="Healthy life expectancy at birth, males",
                                   a_value=54.66, b_value=64.08, period="2009-13", stage="Age well")])
    alt, paras = tb_charts.life_course_description(t, "Leicester")
    text = " ".join(paras)
    assert "gap 9.4 years" in text and "times as high" not in text  # was "gap 9.4 years ... 0.85 times as high"
    assert all(tb_charts.ratio_row(r)[0] is None for _, r in t.iterrows())
    assert tb_tables.display_table(t)["Ratio (a / b)"].isna().all()
    assert "times" not in tb_text.life_expectancy_sentence(t.iloc[1], "Leicester's")
    chart = tb_charts.life_course_figure(t, "Leicester")
    drawn = " ".join(x.get_text() for x in chart.fig.findobj(lambda a: hasattr(a, "get_text")))
    assert "gap 9.4 years" in drawn and "\u00d70.85" not in drawn
    import matplotlib.pyplot as plt

    plt.close(chart.fig)


# ------------------------------------------------------------------------------- one MSOA size
def test_small_area_sizes_come_from_one_constant_with_its_vintage():
    msoa, lsoa = words.SMALL_AREAS["MSOA"], words.SMALL_AREAS["LSOA"]
    assert (msoa.england_count, msoa.boundaries) == (6_791, "2011") and lsoa.england_count == 32_844
    assert words.small_area_words("MSOA") == "about 8,100 residents"
    assert words.small_area_words("MSOA", count=True) == "about 8,100 residents each, 6,791 in England (2011 boundaries)"
    text = words.le_gap_explanation()
    assert "MSOAs of about 8,100 residents" in text and "LSOAs (about 1,700 residents)" in text
    # no report of these topics writes an area size by hand ("about 7,000" beside "about 8,000"):
    # words.small_area_words gives it
    by_hand = re.compile(r"about \d{1,2},\d00 (?:residents|people)")
    for path in [*TOPICS.glob("two_babies/*.py"), *TOPICS.glob("equity_dashboard/*.py"),
                 *TOPICS.glob("health_equity_audit/*.py")]:
        assert not by_hand.search(path.read_text(encoding="utf-8")), path
    for nb in ("two_babies", "equity_dashboard", "health_equity_audit"):
        assert not by_hand.search((paths.NOTEBOOKS_DIR / f"{nb}.ipynb").read_text(encoding="utf-8")), nb


# ------------------------------------------------------------------------------- one explanation
def test_the_life_expectancy_gap_is_explained_once_and_the_reports_link_each_other():
    phrase = "Two measures of the life-expectancy gap by deprivation"
    holders = [p for p in (paths.ROOT / "lib").rglob("*.py") if phrase in p.read_text(encoding="utf-8")]
    assert holders == [paths.ROOT / "lib" / "jsna" / "words.py"]
    sources = {nb: "".join("".join(c["source"]) for c in json.loads(
        (paths.NOTEBOOKS_DIR / f"{nb}.ipynb").read_text(encoding="utf-8"))["cells"])
        for nb in ("two_babies", "equity_dashboard")}
    assert "le_gap_paragraph" in sources["two_babies"] and "le_gap_explanation()" in sources["equity_dashboard"]
    assert 'report.see_also("equity_dashboard.html"' in sources["two_babies"]
    assert 'report.see_also("two_babies.html"' in sources["equity_dashboard"]


# ------------------------------------------------------------------------------- England about 100
def test_no_unit_or_name_claims_a_value_for_england():
    # the comparative illness and disability ratio's LSOAs average 117 across England, not 100
    for ind in REGISTRY:
        assert not re.search(r"England (?:about|=|is) \d", f"{ind.unit} {ind.name}"), ind.id
    assert get_indicator("illness_disability_ratio").unit == "standardised ratio"


# ------------------------------------------------------------------------------- Start well
def test_start_well_has_every_held_first_1001_days_indicator_and_lists_the_rest():
    two = {i.id for i in indicators(stage="Start well", report="two_babies")}
    dash = {i.id for i in indicators(stage="Start well", report="equity_dashboard")}
    held = {"early_years_communication", "early_years_literacy", "early_years_mathematics", "school_readiness_fsm"}
    assert held <= two and held <= dash and "idaci" in two
    assert "children_relative_poverty" in dash  # no England row held: the dashboard sets it against peers
    s = not_held_sentence("Start well")
    assert s.startswith("Start well indicators not in this report's sources: low birth weight of term babies")
    assert all(name in s for name in ("breastfeeding", "infant mortality", "smoking status at the time of delivery"))
    assert not_held_sentence("Live well") is None
    table = pd.DataFrame([_row(stage="Start well", indicator_id="idaci", available=False, note="no data")])
    na = tb_tables.not_available(table)
    assert (na["Reason"].iloc[1:] == NOT_HELD).all() and len(na) == 1 + len(NOT_HELD_BY_STAGE["Start well"])
    assert tb_text.stage_sentences(table, "Start well", "Leicester's")[-1] == s


def test_dashboard_names_read_in_lower_case_inside_a_sentence():
    from jsna.topics.equity_dashboard.text import _lower_first

    assert _lower_first("Under-75 mortality from causes considered preventable") == \
        "under-75 mortality from causes considered preventable"
    assert _lower_first("GCSE English and maths") == "GCSE English and maths"
    assert _lower_first("16-17 year olds not in education") == "16-17 year olds not in education"


@pytest.mark.parametrize("period, words_", [
    ("2006-08-01T00:00:00/P1Y to 2021-08-01T00:00:00/P1Y (16 periods)",
     "1 August 2006 to 31 July 2007 to 1 August 2021 to 31 July 2022 (16 periods)"),
    ("2019-01-01/P1Y", "1 January 2019 to 31 December 2019"),
])
def test_periods_with_a_time_of_day_read_in_words(period, words_):
    assert words.period_in_words(period) == words_


def test_hea_overdispersion_note_speaks_of_practices():
    from jsna.topics.health_equity_audit import text

    od = pd.Series({"note": "The 38 units vary more than chance alone would give (phi = 2.08, chi-squared 79.1 "
                            "on 37 d.f., p = 1.2e-05), so the limits are widened.", "p_value": 1.2e-05,
                    "phi": 2.08, "chi_squared": 79.1, "df": 37, "tau2": 0.007, "trim": 0.1,
                    "n_units": 38, "overdispersed": True})
    # the findings say what the test means, in words; its statistics go to the appendix (issue 25.4)
    s = text.overdispersion_sentence(od)
    assert s == ("The 38 practices vary more than chance alone would explain, so the funnel limits were widened to "
                 "allow for it (the test is described under Methods and sources).")
    detail = text.overdispersion_detail(od)
    assert "The 38 practices vary" in detail and "p < 0.001" in detail and "e-05" not in detail and "phi = 2.08" in detail
    assert detail in text.method_paragraphs(True, od)
    calm = text.overdispersion_sentence(pd.Series({**od, "overdispersed": False, "p_value": 0.4}))
    assert calm == "The 38 practices vary no more than chance alone would explain, so the usual funnel limits are used."
    assert text.overdispersion_data(od)["chi-squared"] == 79.1
    assert np.isclose(text.overdispersion_data(od)["z-scores winsorised at each end (%)"], 10)
