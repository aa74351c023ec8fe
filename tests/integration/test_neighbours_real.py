"""Statistical neighbours on the real data (data/raw): features against published figures, and peers
that make sense.

Published figures used: IoD2025 File 10 v2 (Leicester IMD average score 34.449, rank 16 of 296;
Rutland 9.851, rank 276; each LAD's proportion of LSOAs in the most deprived 10%); Census 2021's
published ethnic-group percentages (1 dp; Leicester Indian 34.3%, White British 33.2%); ONS's
Census 2021 headline population for England, 56,489,800 (first results, rounded to the nearest 100).
"Mostly" below means at least 10 of the 15 peers (two thirds); medians are over the 151 reference
authorities (all 153 but the Isles of Scilly and the City of London).
"""

from __future__ import annotations

import pandas as pd
import pytest
from jsna import paths
from jsna.catalogue import get_source
from jsna.neighbours import (
    EXCLUDED,
    SOURCES,
    NeighbourError,
    statistical_neighbours,
    upper_tier_features,
)

pytestmark = pytest.mark.integration

LEICESTER, LEICESTERSHIRE, RUTLAND = "E06000016", "E10000018", "E06000017"
MOSTLY = 10


@pytest.fixture(scope="module")
def feats() -> pd.DataFrame:
    for sid in SOURCES:
        path = get_source(sid).raw_path(paths.raw_dir())
        if not path.exists():
            pytest.skip(f"{path} not present: run `make data`")
    return upper_tier_features()


@pytest.fixture(scope="module")
def ref(feats) -> pd.DataFrame:
    return feats[~feats["utla23cd"].isin(EXCLUDED)].set_index("utla23cd")


def _peers(code: str, feats: pd.DataFrame) -> pd.DataFrame:
    nb = statistical_neighbours(code)
    assert len(nb) == 15 and code not in set(nb["code"]) and not set(nb["code"]) & set(EXCLUDED)
    assert nb["distance"].is_monotonic_increasing
    return nb.merge(feats, left_on="code", right_on="utla23cd", how="left", validate="1:1")


def test_153_upper_tier_authorities(feats):
    assert len(feats) == 153 and feats["utla23cd"].is_unique
    assert feats["n_lsoas"].sum() == 33_755  # every English LSOA 2021 in exactly one authority
    assert feats["rgn24cd"].nunique() == 9
    assert set(feats.loc[feats["kind"] == "London borough", "rgn24nm"]) == {"London"}
    llr = feats.set_index("utla23cd").loc[[LEICESTER, LEICESTERSHIRE, RUTLAND]]
    assert list(llr["utla23nm"]) == ["Leicester", "Leicestershire", "Rutland"]
    assert set(llr["rgn24nm"]) == {"East Midlands"}
    # LSOA 2021 counts from imd2025/SOURCES.md: Leicester 200, Rutland 26, the 7 Leicestershire districts 408
    assert list(llr["n_lsoas"]) == [200, 408, 26] and list(llr["n_districts"]) == [1, 7, 1]
    # 2023 reorganisations are in: Cumberland, Westmorland and Furness, North Yorkshire, Somerset unitaries
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= set(feats["utla23cd"])
    assert not {"E10000006", "E10000023", "E10000027"} & set(feats["utla23cd"])


def test_population_matches_census_headline(feats):
    # ONS first results: England 56,489,800 (rounded to 100). TS007's own perturbation differs by a few
    # hundred persons from that table, hence the tolerance (0.002%).
    assert abs(feats["population"].sum() - 56_489_800) < 1_000


def test_ethnic_percentages_match_published():
    from jsna.load.census import WHITE_BRITISH, ethnic_group_ltla

    eth = ethnic_group_ltla()
    share = 100 * eth["persons"] / eth.groupby("ltla21cd")["persons"].transform("sum")
    assert (share - eth["percent"]).abs().max() <= 0.05 + 1e-9  # published to 1 dp
    leic = eth[eth["ltla21cd"] == LEICESTER].set_index("ethnic_group")["percent"]
    assert leic["Asian, Asian British or Asian Welsh: Indian"] == 34.3
    assert leic[WHITE_BRITISH] == 33.2


def test_leicester_ethnic_minority_feature(feats):
    leic = feats.set_index("utla23cd").loc[LEICESTER]
    assert round(leic["pct_ethnic_minority"], 1) == round(100 - 33.2, 1)  # published White British 33.2%


def test_file10_published_figures():
    from jsna.load.imd2025 import imd2025_lad_summaries

    f10 = imd2025_lad_summaries().set_index("lad24cd")
    assert len(f10) == 296
    assert f10.loc[LEICESTER, ["imd_avg_score", "imd_rank_of_avg_score"]].tolist() == [34.449, 16]
    assert f10.loc[RUTLAND, ["imd_avg_score", "imd_rank_of_avg_score"]].tolist() == [9.851, 276]
    assert f10.loc[LEICESTER, "imd_prop_most_deprived_10pc"] == 0.2


def test_deprivation_features_reproduce_file10():
    """The LSOA code path of the features, run per LAD 2024, against File 10: the share of LSOAs in decile
    1 exactly; average scores within 0.35 (MHCLG weights by mid-2022 populations, not held; we weight by
    Census 2021 residents), Leicester within 0.05 and still ranked 16th of 296."""
    from jsna.load.census import usual_residents_lsoa
    from jsna.load.imd2025 import imd2025_lad_summaries, imd2025_lsoa
    from jsna.neighbours import lsoa_features

    f10 = imd2025_lad_summaries().set_index("lad24cd")
    lsoa = imd2025_lsoa().merge(usual_residents_lsoa()[["lsoa21cd", "residents"]], on="lsoa21cd", validate="1:1")
    ours = lsoa_features(lsoa.assign(utla23cd=lsoa["lad24cd"], rural=False))
    decile1 = (lsoa["imd_decile"] == 1).groupby(lsoa["lad24cd"]).mean().round(4)
    assert (decile1 - f10["imd_prop_most_deprived_10pc"]).abs().max() == 0
    diff = (ours["imd_avg_score"] - f10["imd_avg_score"]).abs()
    assert diff.max() <= 0.35, diff.idxmax()
    assert diff[LEICESTER] <= 0.05
    assert ours["imd_avg_score"].rank(ascending=False, method="min")[LEICESTER] == 16


def test_single_district_authorities_match_file10(feats):
    from jsna.load.imd2025 import imd2025_lad_summaries

    f10 = imd2025_lad_summaries().set_index("lad24cd")["imd_avg_score"]
    one = feats[feats["n_districts"] == 1].set_index("utla23cd")["imd_avg_score"]
    assert len(one) == 153 - 21  # every authority but the 21 two-tier counties
    assert (one - f10.reindex(one.index)).abs().max() <= 0.35


def test_leicester_peers_are_urban_deprived_and_diverse(feats, ref):
    nb = _peers(LEICESTER, feats)
    urban_kinds = {"unitary authority", "metropolitan district", "London borough"}
    assert nb["kind"].isin(urban_kinds).sum() >= MOSTLY
    assert (nb["pct_rural"] < 10).sum() >= MOSTLY  # under 10% of residents in rural LSOAs
    assert (nb["imd_avg_score"] > ref["imd_avg_score"].median()).sum() >= MOSTLY
    assert (nb["pct_ethnic_minority"] > ref["pct_ethnic_minority"].median()).sum() >= MOSTLY


def test_rutland_peers_are_rural_affluent_shires(feats, ref):
    nb = _peers(RUTLAND, feats)
    assert nb["kind"].isin({"county", "unitary authority"}).sum() >= MOSTLY
    assert (nb["imd_avg_score"] < ref["imd_avg_score"].median()).sum() >= MOSTLY
    assert (nb["pct_rural"] > ref["pct_rural"].median()).sum() >= MOSTLY
    # 26%+ of residents rural: Defra's "urban with significant rural" threshold for LAs, on RUC2021 LSOAs
    assert (nb["pct_rural"] >= 26).sum() >= MOSTLY
    assert not nb["kind"].isin({"metropolitan district", "London borough"}).any()


def test_leicestershire_peers_are_shire_counties(feats, ref):
    nb = _peers(LEICESTERSHIRE, feats)
    assert (nb["kind"] == "county").sum() >= MOSTLY
    assert (nb["imd_avg_score"] < ref["imd_avg_score"].median()).sum() >= MOSTLY


def test_retired_code_names_its_successors(feats):
    with pytest.raises(NeighbourError, match="E06000063, E06000064"):  # Cumbria -> Cumberland, W & F
        statistical_neighbours("E10000006")


def test_regions_agree_with_geo_region_of(feats):
    """The 2024 LAD -> region lookup and jsna.geo's 2011 output-area regions agree on every code in both."""
    from jsna.geo import utla_regions

    for sid in ("ons_oa11_lookup_classifications", "lookup_lsoa11_ew"):
        if not get_source(sid).raw_path(paths.raw_dir()).exists():
            pytest.skip(f"{sid} not in data/raw: run `make data`")
    old = utla_regions()
    both = feats[feats["utla23cd"].isin(old)]
    # 153 less the 7 created since April 2019: Buckinghamshire, North and West Northamptonshire (2020-21),
    # Cumberland, Westmorland and Furness, North Yorkshire, Somerset (2023)
    assert len(both) == 146
    assert all(old[c][0] == r for c, r in zip(both["utla23cd"], both["rgn24cd"], strict=True))
