"""Core20PLUS5 'PLUS' context on the real files: Leicester's Census 2021 residents by ethnic group
(LSOA 2021) summed by hand from the raw Nomis CSV, and inside/outside Core20 neighbourhoods."""

from __future__ import annotations

import csv
import gzip

import pytest
from jsna import areas
from jsna.catalogue import get_source
from jsna.topics.equity_dashboard import core20, tables, text

from tests.support.numbers import assert_numbers_shown

pytestmark = pytest.mark.integration

GROUPS = ["Asian, Asian British or Asian Welsh", "Black, Black British, Black Welsh, Caribbean or African",
          "Mixed or Multiple ethnic groups", "White", "Other ethnic group"]


def _plus_from_sources(lsoas11):
    """(PLUS table, LSOA 2021 Core20 status) of a Place's LSOAs 2011, from the loaders the topic's inputs use."""
    from jsna.load.census import usual_residents_lsoa
    from jsna.load.geography import lsoa11_lsoa21_lookup

    status = core20.lsoa21_core20_status(lsoa11_lsoa21_lookup(), lsoas11)
    return core20.plus_table(usual_residents_lsoa(), status), status


def _raw_leicester_sums() -> dict[str, int]:
    """Sum the TS021 rows of Leicester's 2021 LSOAs (names begin 'Leicester 0') straight from the CSV."""
    path = get_source("census2021_ethnic_group_lsoa21").raw_path()
    sums: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "2021 super output area - lower layer")
    cols = rows[header]
    for r in rows[header + 1:]:
        if len(r) == len(cols) and r[0].startswith("Leicester 0") and r[1].startswith("E01"):
            for c, v in zip(cols[2:], r[2:], strict=True):
                sums[c] = sums.get(c, 0) + int(v)
    return sums


def test_leicester_ethnic_groups_by_hand():
    raw = _raw_leicester_sums()
    # SOURCES.md: Leicester 368,597 residents (Asian 159,994; Black 28,769; Mixed 13,882; White 150,678;
    # Other 15,274); 159,994 + 28,769 + 13,882 + 150,678 + 15,274 = 368,597
    assert raw["Total: All usual residents"] == 368_597
    assert [raw[g] for g in GROUPS] == [159_994, 28_769, 13_882, 150_678, 15_274]
    assert 159_994 + 28_769 + 13_882 + 150_678 + 15_274 == 368_597
    plus, status = _plus_from_sources(areas.lsoas("leicester"))
    t = plus.set_index("group")
    for g in GROUPS:
        assert t.loc[g, "residents"] == raw[g]
    assert t.loc["All residents", "residents"] == 368_597
    assert t.loc[GROUPS, "residents"].sum() == 368_597  # the 5 groups sum to the Place's residents
    for col in ["core20", "not_core20", "ambiguous"]:
        assert t.loc[GROUPS, col].sum() == t.loc["All residents", col]
    tot = t.loc["All residents"]
    assert tot["core20"] + tot["not_core20"] + tot["ambiguous"] == 368_597
    # Leicester's 2011 -> 2021 changes are unchanged LSOAs, splits and one merge whose parents agree:
    # no 2021 neighbourhood is ambiguous
    assert tot["ambiguous"] == 0 and set(status["status"]) == {core20.CORE20, core20.NOT_CORE20}
    assert 30 < tot["share_core20"] < 45
    assert t.loc[GROUPS[1], "share_core20"] > t.loc[GROUPS[0], "share_core20"]
    assert_numbers_shown(text.plus_sentences(plus, "Leicester"), tables.plus_display(plus), allow={5000})


def test_rutland_has_no_core20_residents():
    plus, _ = _plus_from_sources(areas.lsoas("rutland"))
    tot = plus.iloc[-1]
    assert tot["core20"] == 0 and tot["residents"] == 41_059  # SOURCES.md: Rutland 41,059
    s = text.plus_sentences(plus, "Rutland")
    assert s[0].startswith("None of Rutland's 41,059 residents")
    assert_numbers_shown(s, tables.plus_display(plus))


def test_audit_census_shares_match_the_raw_file_and_the_dashboard():
    from jsna.load.census import usual_residents_lsoa
    from jsna.topics.health_equity_audit.compute import census_ethnic_shares
    from jsna.topics.health_equity_audit.inputs import place_lsoa21cds

    raw = _raw_leicester_sums()
    c = census_ethnic_shares(usual_residents_lsoa(), place_lsoa21cds("leicester"))
    # the audit's five groups are TS021's five (names without "Welsh"), in the same order
    assert c["census_residents"].tolist() == [raw[g] for g in GROUPS]
    assert c["census_residents"].sum() == 368_597
    # 159,994 / 368,597 = 43.41%; 150,678 / 368,597 = 40.88%
    assert c["census_share"].iloc[0] == pytest.approx(100 * 159_994 / 368_597)
    assert c["census_share"].iloc[3] == pytest.approx(100 * 150_678 / 368_597)
    plus, _ = _plus_from_sources(areas.lsoas("leicester"))
    assert c["census_residents"].tolist() == plus["residents"].iloc[:-1].tolist()  # one Census population
