"""jsna.reliability: the minimums below which no gap, ratio or slope between groups is stated."""

from __future__ import annotations

import pandas as pd
from jsna import reliability as rel


def _groups(n_areas, population, events=None) -> pd.DataFrame:
    d = {"q": [1, 2, 3, 4, 5], "n": n_areas, "pop": population}
    if events is not None:
        d["ev"] = events
    return pd.DataFrame(d)


def test_five_areas_make_fifths_of_one_and_are_refused():
    # a Place with 5 MSOAs: one per fifth, each of about 8,000 residents, 20+ deaths each
    v = rel.assess(_groups([1] * 5, [8000] * 5, [20] * 5), "q", "n", "pop", "ev", compared=None)
    assert not v.ok
    assert v.reasons == ("each fifth holds only 1 neighbourhood (the series needs at least 3 in each)",)
    s = v.sentence("Rutland", "Covid-19 death rates")
    assert s.startswith("The report does not compare Covid-19 death rates between the most and least deprived "
                        "fifths of Rutland's neighbourhoods: each fifth holds only 1 neighbourhood")
    assert "the whole area against England" in s


def test_every_minimum_is_checked_and_named():
    # q1: 3 areas, 4,999 residents, 9 deaths -> fails on population and events; q5 passes everything
    v = rel.assess(_groups([3, 3, 3, 3, 3], [4999, 6000, 6000, 6000, 6000], [9, 10, 10, 10, 10]),
                   "q", "n", "pop", "ev")
    assert not v.ok
    assert v.reasons == ("the most deprived fifth holds fewer than 5,000 residents",
                         "there are too few events for a stable rate (9 in the most deprived fifth; at least 10 "
                         "are needed in each)")


def test_at_the_minimums_the_comparison_is_stated():
    v = rel.assess(_groups([3] * 5, [5000] * 5, [10] * 5), "q", "n", "pop", "ev", compared=None)
    assert v.ok and v.reasons == () and v.sentence("X", "rates") == ""


def test_only_the_compared_groups_count_for_a_two_group_gap():
    # a middle fifth of 2 areas does not stop a most-vs-least gap, but does stop a slope over all five
    g = _groups([3, 2, 3, 3, 3], [6000] * 5)
    assert rel.assess(g, "q", "n", "pop").ok
    slope = rel.assess(g, "q", "n", "pop", compared=None)
    assert not slope.ok and slope.reasons[0].startswith("fifth 2 holds only 2 neighbourhoods")


def test_a_missing_group_fails():
    v = rel.assess(_groups([3] * 5, [6000] * 5).iloc[:4], "q", "n", "pop")
    assert not v.ok and "the least deprived fifth has no neighbourhoods with data" in v.reasons


def test_a_suppressed_count_fails_the_events_minimum():
    v = rel.assess(_groups([3] * 5, [6000] * 5, [float("nan"), 10, 10, 10, 12]), "q", "n", "pop", "ev")
    assert not v.ok and "a suppressed count in the most deprived fifth" in v.reasons[0]


def test_the_small_area_level_check_examples_hold():
    """jsna.reliability.check_small_area_levels: its docstring examples (a hand calculation: (76 x 1,000 +
    80 x 3,000) / 4,000 = 79.0, within a year of 79.3; (81 + 83) / 2 = 82.0, 2.7 years above) run as written."""
    import doctest

    import jsna.reliability

    assert doctest.testmod(jsna.reliability).failed == 0
