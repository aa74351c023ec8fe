"""One verdict per indicator (issue 24, item 2) and change you can trust (item 1), on the real data.

* Leicester's and Rutland's indicators through each topic's compute(): every indicator shown by both the two
  babies (whole area against England) and the health-equity dashboard has ONE verdict against England.
* Every Place built by `make test` (JSNA_TEST_REPORTS_DIR, the Rutland build): the two pages' tables agree.
* Leicester's under-75 preventable mortality says it is worse than in 2019 (159.3 in 2019, 191.6 in 2024, OHID),
  and no mortality or life-expectancy change since a baseline in 2020-21 lacks the pre-pandemic comparison.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from jsna.indicators import get_indicator
from jsna.topics import results
from jsna.topics.two_babies.tables import VERDICT_WORDS

pytestmark = pytest.mark.integration

BY_WORDS = {words: word for word, words in VERDICT_WORDS.items()}


@pytest.fixture(scope="module", params=["leicester", "rutland"])
def both(request):
    return (results("two_babies", request.param, sii_repetitions=1000), results("equity_dashboard", request.param))


def test_no_indicator_has_two_verdicts_for_one_place(both):
    babies, dash = both
    mine = babies.table[babies.table["vs_england"].notna()].set_index("indicator_id")["vs_england"]
    theirs = dash.dash[dash.dash["value"].notna()].set_index("indicator_id")["sig95"]
    shared = sorted(set(mine.index) & set(theirs.index))
    assert len(shared) >= 8, shared  # LE, HLE, smoking, activity, obesity, early years ...
    assert {i: mine[i] for i in shared} == {i: str(theirs[i]) for i in shared}


def test_leicester_male_hle_is_worse_in_both_reports():
    # ONS, Leicester males 2022-24: 57.8 (95% CI 54.7 to 60.8) against England's 60.9: the interval excludes
    # England's value, so worse (Fingertips' method); the two babies once said "no clear difference"
    babies = results("two_babies", "leicester", sii_repetitions=1000)
    row = babies.table.set_index("indicator_id").loc["hle_la_male"]
    assert (row["period"], round(row["a_value"], 1), round(row["b_value"], 1)) == ("2022-24", 57.8, 60.9)
    assert row["vs_england"] == "worse"
    dash = results("equity_dashboard", "leicester").dash.set_index("indicator_id")
    assert dash.loc["hle_la_male", "sig95"] == "worse"


def test_preventable_mortality_is_worse_than_2019_and_every_covid_baseline_has_its_pre_pandemic_comparison():
    from jsna.topics.equity_dashboard.tables import dashboard_display

    dash = results("equity_dashboard", "leicester").dash
    u75 = dash.set_index("indicator_id").loc["preventable_mortality_u75"]
    assert (u75["pre_period"], u75["pre_value"], u75["period"], u75["value"]) == ("2019", 159.3, "2024", 191.6)
    assert str(u75["change_pre_sig"]).startswith("worse")
    shown = dashboard_display(dash).set_index(dash["indicator_id"])
    assert "worse than 2019" in shown.loc["preventable_mortality_u75", "Before the pandemic, and change since"]
    for iid, r in dash.set_index("indicator_id").iterrows():
        if get_indicator(iid).pre_pandemic and bool(r["baseline_covid"]):
            assert pd.notna(r["pre_period"]), f"{iid}: a baseline of {r['baseline_period']} without 2017-19 or 2019"


# --------------------------------------------------------------------------- the built pages
def _tables(path) -> list[pd.DataFrame]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    out = []
    for t in soup.select("main table"):
        head = [th.get_text(" ", strip=True) for th in t.select("thead th")]
        rows = [[td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])] for tr in t.select("tbody tr")]
        if rows and len(head) == len(rows[0]):
            out.append(pd.DataFrame(rows, columns=head))
    return out


def _dashboard_verdicts(path) -> dict[str, str]:
    out = {}
    for t in _tables(path):
        if {"Indicator", "vs England (95%)"} <= set(t.columns):
            for name, cell in zip(t["Indicator"], t["vs England (95%)"], strict=True):
                word = re.sub(r"^\W+\s*", "", cell).removesuffix(" (old data)").strip()
                if word:
                    out[name] = word
    return out


def _babies_verdicts(path) -> dict[str, str]:
    out = {}
    for t in _tables(path):
        if {"Indicator", "Compares", "Difference"} <= set(t.columns):
            for name, cell in zip(t["Indicator"], t["Difference"], strict=True):
                words = cell.removesuffix(" (old data)").strip()
                if words in BY_WORDS:
                    out[name] = BY_WORDS[words]
    return out


def test_every_built_place_gives_each_indicator_one_verdict(rutland_reports):
    checked = 0
    for place in sorted(p for p in rutland_reports.iterdir() if p.is_dir()):
        babies, dash = place / "two_babies.html", place / "equity_dashboard.html"
        if not (babies.exists() and dash.exists()):
            continue
        mine, theirs = _babies_verdicts(babies), _dashboard_verdicts(dash)
        if not mine:  # a group Place: the two babies compare no whole area with England (its authorities differ)
            continue
        shared = sorted(set(mine) & set(theirs))
        assert shared, f"{place.name}: no indicator in both reports"
        assert {n: mine[n] for n in shared} == {n: theirs[n] for n in shared}, place.name
        checked += 1
    assert checked >= 1, f"no Place with both reports in {rutland_reports}"
