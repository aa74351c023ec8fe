"""Core20PLUS5: shares in England's most deprived 20% (hand-computed), clinical-area table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from jsna.areas import core20_summary, is_core20, national_quintile
from jsna.topics.equity_dashboard.core20 import (
    CLINICAL_AREAS,
    clinical_area_table,
    core20_by_district,
)
from jsna.topics.equity_dashboard.text import core20_sentences


def _lsoas() -> pd.DataFrame:
    # 5 LSOAs; deciles 1, 2, 3, 10, 1; districts A (2 LSOAs, both Core20) and B (3 LSOAs, 1 Core20)
    df = pd.DataFrame({
        "lsoa11cd": [f"E0100000{i}" for i in range(5)],
        "lad19cd": ["A", "A", "B", "B", "B"], "lad19nm": ["Ay", "Ay", "Bee", "Bee", "Bee"],
        "utla19cd": ["U1", "U1", "U2", "U2", "U2"], "utla19nm": ["One", "One", "Two", "Two", "Two"],
        "imd_decile": [1, 2, 3, 10, 1],
        "pop_total": [100, 200, 300, 400, 500],
        "pop_0_15": [10, 20, 30, 40, 50],
    })
    df["core20"] = is_core20(df["imd_decile"])
    df["national_quintile"] = national_quintile(df["imd_decile"])
    return df


def core20_population(lsoas: pd.DataFrame, total_name: str | None = None) -> pd.DataFrame:
    return core20_summary(lsoas, by=("utla19cd", "utla19nm"), total_name=total_name)


def test_core20_shares_by_hand():
    pop = core20_population(_lsoas(), total_name="Both")
    one, two, tot = (pop.iloc[i] for i in range(3))
    assert (one["pop_core20"], one["pop_total"], one["share_core20"]) == (300, 300, 100.0)
    assert (two["pop_core20"], two["pop_total"]) == (500, 1200)
    assert two["share_core20"] == pytest.approx(100 * 500 / 1200)  # 41.67%
    assert (tot["area_name"], tot["pop_core20"], tot["pop_total"]) == ("Both", 800, 1500)
    assert tot["share_core20"] == pytest.approx(100 * 800 / 1500)  # 53.33%
    assert (tot["lsoas"], tot["lsoas_core20"]) == (5, 3)
    assert tot["pop_0_15_core20"] == 80 and tot["share_0_15_core20"] == pytest.approx(100 * 80 / 150)
    # England's least deprived 20% (decile 10): one LSOA of 400 residents
    assert (tot["lsoas_least20"], tot["pop_least20"]) == (1, 400)


def test_single_area_has_no_total_row_and_district_order():
    df = _lsoas()
    one = df[df["utla19cd"] == "U2"]
    assert len(core20_population(one, total_name="Two")) == 1
    by = core20_by_district(df)
    assert list(by["area_name"]) == ["Bee", "Ay"]  # 500 Core20 people before 300


def test_is_core20_rejects_missing_or_out_of_range():
    with pytest.raises(ValueError, match="missing"):
        is_core20(pd.Series([1, None]))
    with pytest.raises(ValueError, match="1..10"):
        is_core20(pd.Series([0, 3]))
    assert list(is_core20(pd.Series([1, 2, 3]))) == [True, True, False]


def test_missing_columns_named():
    with pytest.raises(ValueError, match="pop_total"):
        core20_population(_lsoas().drop(columns="pop_total"))
    assert "pop_0_15" not in core20_population(_lsoas().drop(columns="pop_0_15")).columns  # IoD2025: none


def test_england_core20_by_hand():
    # a: decile 5, 10 residents; b: decile 9, 30; c: decile 2 (Core20), 60 -> 60 of 100 = 60%
    e = pd.DataFrame({"pop_total": [10, 30, 60], "imd_decile": [5, 9, 2]})
    e = e.assign(core20=is_core20(e["imd_decile"]), national_quintile=national_quintile(e["imd_decile"]))
    row = core20_summary(e).iloc[0]
    assert (row["pop_total"], row["pop_core20"], row["share_core20"], row["pop_least20"]) == (100, 60, 60.0, 30)


def test_zero_core20_sentence():
    df = _lsoas().assign(core20=False)
    text = " ".join(core20_sentences(core20_summary(df, total_name="Quietshire"), 19.9, "Quietshire"))
    assert "No neighbourhood (LSOA) in Quietshire" in text and "19.9%" in text


def test_core20_sentences_numbers():
    text = " ".join(core20_sentences(core20_population(_lsoas(), total_name="Both"), 19.9, "Both",
                                     core20_by_district(_lsoas())))
    assert "800 people (53.3% of Both's 1,500 residents" in text
    assert "3 LSOAs" in text and "Bee (500)" in text


def _dash(value: float, lower: float, sig: str = "similar") -> pd.DataFrame:
    return pd.DataFrame({"metric_id": ["cancer_early_stage", "other"],
                         "name": ["Cancers diagnosed at stage 1 or 2", "Other"],
                         "core20": ["Early cancer diagnosis", None], "period": ["2022", "2022"],
                         "value": [value, 1.0], "lower95": [lower, np.nan], "england": [58.0, 1.0],
                         "sig95": [sig, "similar"]})


def test_clinical_area_table_ambition_and_missing():
    t = clinical_area_table(_dash(55.9, 54.0))
    assert len(t) == len(CLINICAL_AREAS)
    cancer = t[t["clinical_area"] == "Early cancer diagnosis"].iloc[0]
    assert cancer["ambition"] == "75% ambition: 19.1 percentage points short"  # 75 - 55.9
    assert cancer["value"] == 55.9
    missing = t[t["indicator"] == "No local indicator in the data"]
    assert "Maternity" in set(missing["clinical_area"])
    assert all(s.startswith("Missing") for s in missing["status"])
    met = clinical_area_table(_dash(76.0, 74.0))
    assert met.loc[met["clinical_area"] == "Early cancer diagnosis", "ambition"].iloc[0] == "75% ambition: met"


def test_every_empty_clinical_row_says_what_would_fill_it():
    """Issue 24 item 6: no row reads only 'Missing'; each names the data that would fill it."""
    assert all(ca.needed or ca.fills for ca in CLINICAL_AREAS)
    t = clinical_area_table(_dash(55.9, 54.0).iloc[1:])  # no cancer value: that row is empty too
    missing = t[t["indicator"] == "No local indicator in the data"]
    assert len(missing) == len(CLINICAL_AREAS) and all(len(s) > len("Missing: ") + 10 for s in missing["status"])


def test_a_group_has_one_clinical_table_saying_once_what_would_fill_each_row():
    from jsna.topics.equity_dashboard.tables import clinical_area_comparison

    one, two = clinical_area_table(_dash(55.9, 54.0)), clinical_area_table(_dash(60.0, 58.5, "better"))
    t = clinical_area_comparison({"One": one, "Two": two})
    assert list(t.columns) == ["Framework", "Clinical area", "Local indicator", "One", "Two", "What would fill it"]
    assert len(t) == len(CLINICAL_AREAS)  # each clinical area once, not once per council
    cancer = t[t["Clinical area"] == "Early cancer diagnosis"].iloc[0]
    assert (cancer["One"], cancer["Two"], cancer["What would fill it"]) == (
        "55.9 (2022): ● similar", "60.0 (2022): ▲ better", "")
    maternity = t[t["Clinical area"] == "Maternity"].iloc[0]
    assert (maternity["One"], maternity["Two"]) == ("", "")  # said once, in the last column
    assert maternity["What would fill it"].startswith("Maternity Services Data Set continuity-of-carer")
