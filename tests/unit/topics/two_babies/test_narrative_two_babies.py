"""Sentences of the two babies report for rows with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna.topics.two_babies import text as nt


def row(**kw) -> dict:
    base = {"indicator_id": "income", "name": "People in income deprivation", "unit": "%", "dp": 1,
            "period": "2015", "comparison": "Most vs least deprived fifth",
            "a_label": "Most deprived fifth", "b_label": "Least deprived fifth",
            "a_value": 25.0, "a_lower": 23.1, "a_upper": 27.0, "b_value": 5.0, "b_lower": 4.1,
            "b_upper": 6.0, "gap": 20.0, "ratio": 5.0, "significance": "higher", "worse_group": "a",
            "available": True, "note": None, "stage": "Live well"}
    base.update(kw)
    return base


def le_row(a, b, sig, iid="le_male", a_lo=None, a_hi=None):
    return row(indicator_id=iid, name="Life expectancy at birth, males", unit="years",
               period="2016-20", a_value=a, b_value=b, gap=a - b, ratio=a / b, significance=sig,
               a_lower=a_lo if a_lo is not None else a - 0.5, a_upper=a_hi if a_hi is not None else a + 0.5,
               b_lower=b - 0.5, b_upper=b + 0.5)


def test_life_expectancy_sentence_fewer_years():
    s = nt.life_expectancy_sentence(le_row(76.37, 81.22, "lower"), "Leicester's")
    assert s == ("A boy born in the most deprived fifth of Leicester's neighbourhoods can expect to live "
                 "4.8 years fewer than one born in the least deprived fifth (76.4 vs 81.2 years, 2016-20).")


def test_life_expectancy_sentence_more_years_when_most_deprived_live_longer():
    s = nt.life_expectancy_sentence(le_row(84.0, 82.0, "higher", iid="le_female"), "Rutland's")
    assert s.startswith("A girl born in the most deprived fifth of Rutland's neighbourhoods")
    assert "2.0 years more than one born" in s


def test_overlapping_intervals_say_no_clear_difference_and_never_fewer():
    s = nt.life_expectancy_sentence(le_row(86.0, 84.5, "no clear difference"), "Rutland's")
    assert "no clear difference" in s and "fewer" not in s and "more than" not in s
    assert "(86.0 vs 84.5 years, 2016-20)" in s


def test_healthy_life_expectancy_wording():
    r = le_row(54.66, 64.08, "lower", iid="hle_male")
    assert "can expect to live in good health 9.4 years fewer" in nt.life_expectancy_sentence(r, "X's")


def test_indicator_sentence_clear_gap_with_ratio():
    s = nt.indicator_sentence(row(), "Leicester's")
    assert s == ("People in income deprivation: higher in the most deprived fifth of Leicester's "
                 "neighbourhoods (25.0%; 95% CI 23.1 to 27.0) than in the least deprived fifth "
                 "(5.0%; 95% CI 4.1 to 6.0): a gap of 20.0 percentage points, 5.0 times as high (2015).")


def test_indicator_sentence_without_interval_says_so():
    r = row(a_lower=np.nan, a_upper=np.nan, b_lower=np.nan, b_upper=np.nan, significance="not tested",
            unit="score", dp=2, a_value=1.14, b_value=-0.59, gap=1.73, ratio=np.nan)
    s = nt.indicator_sentence(r, "Leicester's")
    assert "higher in the most deprived fifth" in s and "a gap of 1.73" in s
    assert s.endswith("no interval is available to test the difference.")
    assert "times" not in s  # no ratio for scores


def test_indicator_sentence_no_clear_difference():
    r = row(a_value=10.0, a_lower=8.0, a_upper=12.0, b_value=11.0, b_lower=9.0, b_upper=13.0,
            gap=-1.0, ratio=10 / 11, significance="no clear difference", worse_group=None)
    s = nt.indicator_sentence(r, "Rutland's")
    assert s.startswith("People in income deprivation: no clear difference between")
    assert "higher" not in s and "lower" not in s


def test_whole_area_sentence_worse_than_england():
    r = row(name="Physically active adults", comparison="Whole area vs England", a_label="Leicester",
            b_label="England", a_value=59.4, a_lower=57.0, a_upper=61.8, b_value=68.0, b_lower=67.9,
            b_upper=68.1, gap=-8.6, significance="lower", worse_group="a", period="2024/25")
    s = nt.indicator_sentence(r, "Leicester's")
    assert s.startswith("Physically active adults: lower in Leicester than in England")
    assert s.endswith("worse than England.")


def test_not_available_sentence_gives_reason():
    r = row(available=False, a_value=np.nan, note="quintile 1: suppressed (fewer than 5 deaths)")
    assert nt.indicator_sentence(r, "X's") == ("People in income deprivation: not available "
                                               "(quintile 1: suppressed (fewer than 5 deaths)).")


def test_stage_summary_counts_clear_untested_and_no_difference():
    t = pd.DataFrame([
        row(),
        row(indicator_id="b", name="B thing", significance="not tested"),
        row(indicator_id="c", name="C thing", significance="no clear difference", worse_group=None),
    ])
    (s,) = nt.stage_summary(t, "X's")
    assert s == ("Live well: 1 indicator clearly worse for the baby from the most deprived fifth "
                 "(people in income deprivation), 1 indicator worse without an interval to test it and "
                 "1 indicator with no clear difference.")


@pytest.mark.parametrize(("x", "unit", "dp", "expected"), [
    (12.345, "%", 1, "12.3%"), (76.44, "years", 1, "76.4 years"), (127.3, "per 100,000", 0, "127 per 100,000"),
    (-0.594, "score", 2, "-0.59"), (np.nan, "%", 1, "not available"),
])
def test_fmt_value(x, unit, dp, expected):
    assert nt.fmt_value(x, unit, dp) == expected


def test_gap_vs_england_wider_narrower():
    r = {"name": "Life expectancy at birth, males", "unit": "years", "Leicester gap": -4.86,
         "England gap": -6.5}
    s = nt.gap_vs_england_sentence(r, "Leicester gap", "Leicester")
    assert "(4.9 years) is narrower than England's (6.5 years)" in s
    r["Leicester gap"] = -8.0
    assert "wider than" in nt.gap_vs_england_sentence(r, "Leicester gap", "Leicester")


def test_gap_vs_england_opposite_sign_is_not_called_narrower():
    r = {"name": "Life expectancy at birth, males", "unit": "years", "Rutland gap": 1.55,
         "Rutland significance": "no clear difference", "England gap": -6.5}
    s = nt.gap_vs_england_sentence(r, "Rutland gap", "Rutland")
    assert "runs the other way from England's (6.5 years)" in s
    assert "(no clear difference within the area)" in s and "narrower" not in s


def test_core20_sentence_none_and_some():
    none = {"n_core20": 0, "n_lsoas": 23, "share": 0.0, "pop_core20": 0.0}
    assert nt.core20_sentence(none, "Rutland", "Rutland's").startswith("None of Rutland's 23 neighbourhoods")
    some = {"n_core20": 3, "n_lsoas": 10, "share": 30.0, "pop_core20": 3000.0}
    assert nt.core20_sentence(some, "X", "X's").startswith("30.0% of X's residents (3,000 people in 3 neighbourhoods of 10)")


def test_sii_sentence_with_published_value():
    s = nt.sii_sentence("Male", {"value": 6.04, "lowercl": 5.5, "uppercl": 6.6, "note": None},
                        {"value": 9.1, "period": "2020-22"}, "Leicester")
    assert "for boys is 6.0 years (95% CI 5.5 to 6.6)" in s
    assert "least deprived end of the gradient can expect to live about 6.0 years longer" in s
    assert "OHID publishes 9.1 years for 2020-22" in s


def test_sii_sentence_interval_through_zero_and_negative():
    s = nt.sii_sentence("Female", {"value": 1.9, "lowercl": -0.5, "uppercl": 4.2}, None, "Rutland")
    assert "no clear gradient" in s and "longer" not in s
    s = nt.sii_sentence("Male", {"value": -2.0, "lowercl": -4.0, "uppercl": -0.1}, None, "Rutland")
    assert "is -2.0 years (95% CI -4.0 to -0.1)" in s
    assert "most deprived end of the gradient can expect to live longer, by about 2.0 years" in s


def test_obesity_deprivation_sentences_england_only():
    ob = pd.DataFrame([{"indicator": "Obesity at Year 6 (age 10-11)", "area_code": "E92000001",
                        "area_name": "England", "period": "2020/21-24/25", "most": 28.9, "least": 14.5,
                        "gap": 14.4}])
    s = nt.obesity_deprivation_sentences(ob, "Rutland", ["E06000017"])
    assert s[0] == ("Obesity at Year 6 (age 10-11) in England, 2020/21-24/25 (five years combined): 28.9% of "
                    "children living in the most deprived fifth of neighbourhoods, against 14.5% in the least "
                    "deprived fifth (higher, a gap of 14.4 percentage points; published without intervals).")
    assert "This breakdown for Rutland is not in this report's sources" in s[1]


def test_crude_covid_rates_are_never_no_clear_difference():
    """Leicester's crude Covid-19 death rates 127 vs 126 per 100,000 (issue 12) read as 'not clearly
    different'; the fifths' age structures differ, so the sentence says the rates are crude and points
    to the age-standardised comparison, in the same sentence."""
    r = row(indicator_id="covid_mortality", name="Deaths involving COVID-19, Mar-Dec 2020", unit="per 100,000",
            dp=0, period="Mar-Dec 2020", kind="covid_rate", a_value=127.0, a_lower=118.0, a_upper=137.0,
            b_value=126.0, b_lower=115.0, b_upper=138.0, gap=1.0, ratio=127 / 126,
            significance="no clear difference", stage="Die well")
    s = nt.indicator_sentence(r, "Leicester's")
    assert "no clear difference" not in s and "not clearly different" not in s
    assert "crude death rates" in s and "not age-standardised" in s and "age structures differ" in s
    assert s.count(".") == 1 or s.endswith("rates.")  # one sentence: the caveat is not a separate note
    higher = nt.indicator_sentence({**r, "a_value": 160.0, "significance": "higher"}, "Leicester's")
    assert "crude death rate is higher" in higher and "not age-standardised" in higher


def test_group_mix_sentence_names_where_each_end_fifth_lives():
    """LLR's pooled fifths: 187,720 of the 206,618 residents of fifth 1 live in Leicester (90.9%),
    184,964 of 207,758 of fifth 5 in Leicestershire (89.0%) (hand-summed shares)."""
    mix = pd.DataFrame({"local_quintile": [1, 1, 5, 5], "utla19nm": ["Leicester", "Leicestershire",
                                                                    "Leicestershire", "Rutland"],
                        "pop_total": [187720, 18898, 184964, 22794]})
    mix["pct"] = 100 * mix["pop_total"] / mix.groupby("local_quintile")["pop_total"].transform("sum")
    s = nt.group_mix_sentence(mix, "LLR")
    assert s.startswith("In LLR as a whole, 91% of the residents of the most deprived fifth live in Leicester and "
                        "89% of those of the least deprived fifth in Leicestershire")
    assert nt.group_mix_sentence(mix[mix["local_quintile"] == 1], "LLR") is None


def test_gap_against_england_quotes_the_gap_of_the_values_shown():
    """Leicester's income deprivation 31.24% against 6.26% is shown as 31.2 and 6.3 in its own
    report, a gap of 24.9 points (the unrounded 24.98 would read 25.0)."""
    import pandas as pd
    from jsna.topics.two_babies import compute as tb

    t = pd.DataFrame([{"indicator_id": "income", "name": "People in income deprivation", "stage": "Live well",
                       "unit": "%", "dp": 1, "comparison": tb.FIFTHS, "kind": "imd_rate", "gap": 31.24 - 6.26,
                       "a_value": 31.24, "b_value": 6.26, "significance": "clearly higher"}])
    r = tb.overview({"Leicester": t}, t[["indicator_id"]].assign(gap=23.8)).iloc[0].to_dict()
    s = nt.gap_vs_england_sentence(r, "Leicester gap", "Leicester")
    assert "(24.9 percentage points)" in s and "about the same as England's (23.8 percentage points)" in s  # within 5%


# --------------------------------------------------------------------------- headlines by evidence (issue 24)
def _la_le(a, b, sig, worse, iid="le_la_male", period="2023-25", old=False):
    return row(indicator_id=iid, name="Life expectancy at birth, males (recent, local authority)", unit="years",
               period=period, comparison="Whole area vs England", a_label="Rutland", b_label="England",
               a_value=a, b_value=b, a_lower=np.nan, a_upper=np.nan, b_lower=np.nan, b_upper=np.nan,
               significance=sig, worse_group=worse, old=old, stage="Die well")


def test_summary_states_only_current_indicators():
    # the fifths' life expectancy is from 2016-20 (old); the published whole-area value is from 2023-25
    table = pd.DataFrame([{**le_row(76.37, 81.22, "lower"), "old": True},
                          _la_le(77.5, 79.7, "lower", "a", period="2023-25")])
    s = nt.headline_sentences(table, "Leicester's")
    assert s == ["Boys born in Rutland can expect to live 77.5 years, 2.2 years shorter than in England "
                 "(79.7; 2023-25), worse than England."]
    assert nt.old_fifths_sentence(table).startswith("The gaps in life expectancy between the most and least "
                                                    "deprived fifths of neighbourhoods rest on data from 2016-20")


def test_summary_says_no_clear_difference_where_the_table_does():
    # Rutland's healthy life expectancy, males 2022-24: 65.0 against England's 60.9, and the table says no clear
    # difference: the summary must not say "4.1 years longer"
    fifths = row(indicator_id="hle_male", name="Healthy life expectancy at birth, males", unit="years",
                 comparison="Whole area vs England", available=False, old=True, period="2009-13",
                 note="the most and least deprived fifths are not compared: each fifth holds only 1 neighbourhood")
    la = _la_le(65.0, 60.9, "no clear difference", None, iid="hle_la_male", period="2022-24")
    s = nt.headline_sentences(pd.DataFrame([fifths, la]), "Rutland's")
    assert s[0].startswith("Boys born in Rutland can expect to live in good health 65.0 years, no clear difference "
                           "from England (60.9; 2022-24).")
    assert "longer" not in s[0]


def test_an_imd_domain_across_imd_fifths_carries_its_caveat_in_the_sentence():
    s = nt.indicator_sentence(row(part_of_grouping=True), "Leicester's")
    assert s.endswith("; the fifths are defined by the IMD, which includes this measure, so part of this gap "
                      "follows from how the fifths are made.")
    assert "IMD" not in nt.indicator_sentence(row(part_of_grouping=False), "Leicester's")


def test_current_published_sii_summary_against_england():
    # OHID's SII, Leicester 2022-24: men 8.6 (England 10.4), women 7.1 (England 8.0)
    pub = {"Male": {"value": 8.6, "england": 10.4, "period": "2022-24", "old": False},
           "Female": {"value": 7.1, "england": 8.0, "period": "2022-24", "old": False}}
    assert nt.published_sii_summary(pub, "Leicester") == (
        "Across the whole deprivation gradient of Leicester's neighbourhoods (OHID's slope index of inequality, "
        "2022-24), men at the most deprived end can expect to live 8.6 years fewer than at the least deprived end "
        "(England 10.4), women 7.1 years fewer (England 8.0).")
    assert nt.published_sii_summary({"Male": {**pub["Male"], "old": True}, "Female": None}, "Leicester") is None


def test_sii_not_published_gives_the_dashboards_reason():
    from jsna.indicators import NOT_PUBLISHED

    s = nt.sii_sentence("Male", {"value": np.nan, "below_minimum": True, "note": "each fifth holds only 1"},
                        {"value": np.nan, "note": NOT_PUBLISHED}, "Rutland")
    assert s.endswith("OHID's slope index of inequality for Rutland is not published for this area: the "
                      "publisher leaves the value blank.")
    assert "data held" not in s and "OHID publishes no such slope" not in s
