"""Core20PLUS5 'PLUS' context: Census 2021 residents by ethnic group inside and outside Core20
neighbourhoods, through the LSOA 2011 -> 2021 lookup (hand-computed on a small fixture)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna.topics.equity_dashboard.core20 import (
    AMBIGUOUS,
    CORE20,
    NOT_CORE20,
    lsoa21_core20_status,
    plus_table,
)
from jsna.topics.equity_dashboard.tables import plus_display
from jsna.topics.equity_dashboard.text import plus_sentences

from tests.support.numbers import assert_numbers_shown

GROUPS = {"asian": "Asian", "white": "White"}


def _bridge() -> pd.DataFrame:
    # a -> A (U); b split -> B1, B2 (S); c + e merged -> CE (M, both Core20);
    # d + f merged -> DF (M, one Core20, one not: ambiguous); g + h -> GH (X, both not Core20);
    # z is outside the Place (ignored)
    rows = [("a", "A", "U"), ("b", "B1", "S"), ("b", "B2", "S"), ("c", "CE", "M"), ("e", "CE", "M"),
            ("d", "DF", "M"), ("f", "DF", "M"), ("g", "GH", "X"), ("h", "GH", "X"), ("z", "Z", "U")]
    return pd.DataFrame(rows, columns=["lsoa11cd", "lsoa21cd", "change"])


def _lsoas11() -> pd.DataFrame:
    return pd.DataFrame({"lsoa11cd": list("abcdefgh"),
                         "core20": [True, False, True, False, True, True, False, False]})


def _residents() -> pd.DataFrame:
    # residents = asian + white in every row
    return pd.DataFrame({"lsoa21cd": ["A", "B1", "B2", "CE", "DF", "GH", "Z"],
                         "asian": [600, 100, 50, 2000, 300, 10, 999],
                         "white": [400, 900, 950, 3000, 700, 4990, 999]}).assign(
        residents=lambda d: d["asian"] + d["white"])


def test_status_handles_unchanged_split_merged_and_irregular():
    s = lsoa21_core20_status(_bridge(), _lsoas11()).set_index("lsoa21cd")
    assert list(s.index) == ["A", "B1", "B2", "CE", "DF", "GH"]  # Z's parent is outside the Place
    assert s.loc["A", "status"] == CORE20
    assert s.loc["B1", "status"] == s.loc["B2", "status"] == NOT_CORE20  # each child keeps b's status
    assert s.loc["CE", "status"] == CORE20  # merged, both parents Core20
    assert (s.loc["DF", "status"], s.loc["DF", "parents"], s.loc["DF", "parents_core20"]) == (AMBIGUOUS, 2, 1)
    assert s.loc["GH", "status"] == NOT_CORE20 and s.loc["GH", "change"] == "X"


def test_plus_table_by_hand():
    t = plus_table(_residents(), lsoa21_core20_status(_bridge(), _lsoas11()), GROUPS).set_index("group")
    # Asian: Core20 = A 600 + CE 2000 = 2,600; not = B1 100 + B2 50 + GH 10 = 160; ambiguous DF 300;
    # residents 3,060 (Z outside); share 2,600 / 3,060 = 84.97%
    a = t.loc["Asian"]
    assert (a["residents"], a["core20"], a["not_core20"], a["ambiguous"]) == (3060, 2600, 160, 300)
    assert a["share_core20"] == pytest.approx(100 * 2600 / 3060)
    # White: Core20 400 + 3000 = 3,400; not 900 + 950 + 4990 = 6,840; ambiguous 700; residents 10,940
    w = t.loc["White"]
    assert (w["residents"], w["core20"], w["not_core20"], w["ambiguous"]) == (10940, 3400, 6840, 700)
    assert w["share_core20"] == pytest.approx(100 * 3400 / 10940)  # 31.08%
    # all residents: Core20 6,000 of 14,000 = 42.86%; ambiguous 1,000
    tot = t.loc["All residents"]
    assert (tot["residents"], tot["core20"], tot["ambiguous"]) == (14000, 6000, 1000)
    assert tot["share_core20"] == pytest.approx(100 * 6000 / 14000)
    # the groups sum to all residents in every column
    for col in ["residents", "core20", "not_core20", "ambiguous"]:
        assert t.loc[["Asian", "White"], col].sum() == tot[col]


def test_small_core20_counts_are_withheld():
    r = _residents()
    r.loc[r["lsoa21cd"] == "A", "asian"] = 4  # Asian Core20 = 4 + 0 (CE set below) = 4 < 10
    r.loc[r["lsoa21cd"] == "CE", "asian"] = 0
    r["residents"] = r["asian"] + r["white"]
    t = plus_table(r, lsoa21_core20_status(_bridge(), _lsoas11()), GROUPS)
    a = t.iloc[0]
    assert a["suppressed"] and np.isnan(a["core20"]) and np.isnan(a["share_core20"]) and np.isnan(a["not_core20"])
    shown = plus_display(t)
    assert shown.iloc[0]["In Core20 neighbourhoods"] == "fewer than 10"
    text = " ".join(plus_sentences(t, "Here"))
    assert "No share is stated for Asian" in text


def test_sentences_match_table():
    t = plus_table(_residents(), lsoa21_core20_status(_bridge(), _lsoas11()), GROUPS)
    s = plus_sentences(t, "Here")
    # 42.9% of 14,000 residents; Asian (3,060 residents) is below 5,000, so its share is not stated;
    # White 31.1%; 1,000 residents ambiguous
    assert s[0].startswith("42.9% of Here's 14,000 residents at Census 2021 (21 March 2021)")
    assert "31.1% of White residents" in s[1] and "Asian" not in s[1]
    assert "No share is stated for Asian" in s[2]
    assert s[3].startswith("1,000 residents (Census 2021)")
    assert_numbers_shown(s, plus_display(t), allow={5000})


def test_no_core20_neighbourhood():
    lsoas = _lsoas11().assign(core20=False)
    t = plus_table(_residents(), lsoa21_core20_status(_bridge(), lsoas), GROUPS)
    s = plus_sentences(t, "Rural")
    assert s[0].startswith("None of Rural's 14,000 residents")
    assert s[1] == "No resident lives in a 2021 neighbourhood whose Core20 status is ambiguous."
    assert_numbers_shown(s, plus_display(t))
