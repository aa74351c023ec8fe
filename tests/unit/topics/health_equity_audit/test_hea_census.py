"""Health Equity Audit: the Place's Census 2021 residents by ethnic group beside the service's
eligible people (hand-computed on a small fixture)."""

from __future__ import annotations

import pandas as pd
import pytest
from jsna.topics.health_equity_audit.compute import census_ethnic_shares, eligible_beside_census
from jsna.topics.health_equity_audit.service_file import ETHNIC_GROUPS
from jsna.topics.health_equity_audit.tables import census_display
from jsna.topics.health_equity_audit.text import census_sentences

from tests.support.numbers import assert_numbers_shown


def _residents() -> pd.DataFrame:
    d = pd.DataFrame({"lsoa21cd": ["L1", "L2", "L3"], "asian": [100, 300, 7], "black": [50, 50, 7],
                      "mixed": [25, 25, 7], "white": [800, 600, 7], "other": [25, 25, 7]})
    return d.assign(residents=d[["asian", "black", "mixed", "white", "other"]].sum(axis=1))


def test_census_shares_by_hand():
    # L1 + L2 (L3 is elsewhere): residents 1,000 + 1,000 = 2,000; Asian 400 = 20.0%, Black 100 = 5.0%,
    # Mixed 50 = 2.5%, White 1,400 = 70.0%, Other 50 = 2.5%; a code listed twice counts once
    c = census_ethnic_shares(_residents(), ["L1", "L2", "L2"]).set_index("ethnicity")
    assert list(c.index) == list(ETHNIC_GROUPS)
    assert c["census_residents"].tolist() == [400, 100, 50, 1400, 50]
    assert c["census_share"].tolist() == pytest.approx([20.0, 5.0, 2.5, 70.0, 2.5])
    assert c["census_residents"].sum() == 2000  # the 5 groups sum to the Place's residents
    with pytest.raises(ValueError, match="no Census count"):
        census_ethnic_shares(_residents(), ["L1", "L9"])


def _eth() -> pd.DataFrame:
    # eligible with a recorded group: 60 + 3 + 10 + 120 + 7 = 200; Unknown does not count
    return pd.DataFrame({"ethnicity": [*ETHNIC_GROUPS, "Unknown"], "eligible": [60, 3, 10, 120, 7, 40]})


def test_eligible_beside_census_by_hand():
    t = eligible_beside_census(_eth(), census_ethnic_shares(_residents(), ["L1", "L2"])).set_index("ethnicity")
    # Asian 60 / 200 = 30.0%; White 120 / 200 = 60.0%; Mixed 10 / 200 = 5.0%; Other 7 / 200 = 3.5%
    assert t.loc["Asian or Asian British", "eligible_share"] == pytest.approx(30.0)
    assert t.loc["White", "eligible_share"] == pytest.approx(60.0)
    assert t.loc["Other ethnic group", "eligible_share"] == pytest.approx(3.5)
    # Black: 3 eligible (1-4) is withheld
    black = t.loc["Black, Black British, Caribbean or African"]
    assert black["suppressed"] and pd.isna(black["eligible"]) and pd.isna(black["eligible_share"])


@pytest.mark.parametrize("synthetic", [True, False])
def test_sentences_and_labels(synthetic):
    t = eligible_beside_census(_eth(), census_ethnic_shares(_residents(), ["L1", "L2"]))
    shown = census_display(t, synthetic)
    s = census_sentences(t, "Here", synthetic)
    assert s[0].startswith("Census 2021 residents of Here (21 March 2021; real figures, not synthetic): 20.0% Asian")
    assert s[1].startswith("Synthetic example: of the eligible") == synthetic
    assert "Black" not in s[1]  # withheld
    assert ("Eligible people (synthetic example)" in shown.columns) == synthetic
    assert "Census 2021 residents" in shown.columns and "Census 2021 residents (%)" in shown.columns
    assert shown.iloc[1, 1] == "suppressed"
    assert_numbers_shown(s, shown)


def test_a_suppressed_table_is_refused():
    eth = _eth().astype({"eligible": "float64"})
    eth.loc[1, "eligible"] = float("nan")  # as suppress_small leaves a group of 3
    with pytest.raises(ValueError, match="before suppress_small"):
        eligible_beside_census(eth, census_ethnic_shares(_residents(), ["L1", "L2"]))
