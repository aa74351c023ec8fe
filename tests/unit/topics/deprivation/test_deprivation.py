"""Unit tests for jsna.topics.deprivation.compute on six hand-made LSOAs (tests/fixtures/deprivation/lsoas.csv).

Hand calculation (population in brackets):
  District One: L1 score 60 (1000), L2 40 (2000), L3 25 (1000); deciles 1, 1, 2
  District Two: L4 10 (1500), L5 5 (1500), L6 2 (3000); deciles 5, 8, 10
  total population 10,000; weighted score = (60*1000 + 40*2000 + 25*1000 + 10*1500 + 5*1500 + 2*3000)
  / 10000 = 193500 / 10000 = 19.35; Core20 (deciles 1-2) = 4000 / 10000 = 40%;
  LSOAs in decile 1 = 2 of 6 = 33.3%.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from jsna.areas import local_quintiles
from jsna.topics.deprivation import compute as dep
from shapely.geometry import box

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "deprivation" / "lsoas.csv"


@pytest.fixture
def lsoas() -> pd.DataFrame:
    return pd.read_csv(FIXTURE)


def test_headline_hand_calculated(lsoas):
    h = dep.headline(lsoas, "Test")
    assert h.n_lsoas == 6 and h.population == 10_000
    assert h.avg_score == pytest.approx(19.35)
    assert h.n_lsoas_decile1 == 2 and h.pct_lsoas_decile1 == pytest.approx(100 / 3)
    assert h.core20_population == 4000 and h.core20_pct == pytest.approx(40.0)
    assert h.n_lsoas_core20 == 3
    assert h.pct_lsoas_decile10 == pytest.approx(100 / 6)


def test_decile_population_all_deciles(lsoas):
    t = dep.decile_population(lsoas)
    assert list(t["decile"]) == list(range(1, 11))
    assert list(t["population"]) == [3000, 1000, 0, 0, 1500, 0, 0, 1500, 0, 3000]
    assert t["pct_population"].tolist()[:2] == pytest.approx([30.0, 10.0])
    assert t["pct_population"].sum() == pytest.approx(100.0)
    assert (t["england_pct"] == 10.0).all()
    assert t.loc[0, "ratio_to_england"] == pytest.approx((2 / 6 * 100) / 10)


def test_local_quintiles_population_weighted(lsoas):
    # sorted by score: cumulative mid-points 500, 2000, 3500, 4750, 6250, 8500 of 10,000
    # -> quintile floor(5 * mid / 10000) + 1 = 1, 2, 2, 3, 4, 5
    out = local_quintiles(lsoas)
    assert out["local_quintile"].tolist() == [1, 2, 2, 3, 4, 5]
    s = dep.quintile_summary(out)
    assert s["population"].tolist() == [1000, 3000, 1500, 1500, 3000]
    assert s.loc[1, "avg_score"] == pytest.approx((40 * 2000 + 25 * 1000) / 3000)


def test_ward_msoa_district_summaries(lsoas):
    w = dep.ward_summary(lsoas)
    assert w["wd19nm"].tolist() == ["Ward One", "Ward Two", "Ward Three", "Ward Four"]
    assert w.loc[0, "avg_score"] == pytest.approx(140000 / 3000)
    assert w.loc[2, "avg_score"] == pytest.approx(7.5)
    assert w.loc[0, "lsoas_decile1"] == 2 and w.loc[0, "best_rank"] == 10
    m = dep.msoa_summary(lsoas)
    assert m.loc[0, "msoa11hclnm"] == "North Park"
    d = dep.district_summary(lsoas)
    assert d["lad19nm"].tolist() == ["District One", "District Two"]
    assert d["avg_score"].tolist() == pytest.approx([41.25, 4.75])
    assert d["core20_pct"].tolist() == pytest.approx([100.0, 0.0])
    # params order is kept when given
    d2 = dep.district_summary(lsoas, order=["E06900002", "E06900001"])
    assert d2["lad19nm"].tolist() == ["District Two", "District One"]
    with pytest.raises(dep.DeprivationError, match="E06900001"):
        dep.district_summary(lsoas, order=["E06900002"])


def test_extremes_named(lsoas):
    most, least = dep.extremes(lsoas, n=2)
    assert most["lsoa11cd"].tolist() == ["E01900001", "E01900002"]
    assert least["lsoa11cd"].tolist() == ["E01900006", "E01900005"]
    assert most.loc[0, "wd19nm"] == "Ward One" and least.loc[0, "msoa11hclnm"] == "West Green"


def test_domain_deciles_ordered(lsoas):
    t = dep.domain_deciles(lsoas)
    assert t["domain"].tolist()[:3] == ["crime", "income", "employment"]
    assert t["pct_pop_core20"].tolist()[:3] == pytest.approx([100.0, 40.0, 30.0])
    assert t.set_index("domain").loc["income", "lsoas_decile1"] == 3
    assert t["pct_pop_core20"].tolist()[3:] == [0.0] * 4


def test_check_lsoas_errors(lsoas):
    with pytest.raises(dep.DeprivationError, match="imd_score"):
        dep.headline(lsoas.drop(columns="imd_score"), "x")
    bad = lsoas.copy()
    bad.loc[0, "imd_decile"] = 11
    with pytest.raises(dep.DeprivationError, match="outside 1-10"):
        dep.headline(bad, "x")
    with pytest.raises(dep.DeprivationError, match="more than once"):
        dep.headline(pd.concat([lsoas, lsoas.head(1)]), "x")
    na = lsoas.copy()
    na.loc[3, "pop_total"] = None
    with pytest.raises(dep.DeprivationError, match="E01900004"):
        dep.headline(na, "x")
    with pytest.raises(dep.DeprivationError, match="no LSOAs"):
        dep.headline(lsoas.iloc[0:0], "x")


def test_boundary_check_names_missing_lsoas(lsoas):
    polys = gpd.GeoDataFrame(
        {"lsoa11cd": ["E01900001", "E01900002", "E01900004", "E01900005", "E01900006", "E01999999"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(6)], crs="EPSG:27700")
    chk = dep.check_boundaries(lsoas, polys)
    assert chk.n_missing == 1 and not chk.ok
    assert chk.missing_codes == ("E01900003",) and chk.missing_names == ("Alpha 002A",)
    assert chk.extra_codes == ("E01999999",)
    frame = dep.map_frame(lsoas, polys)
    assert len(frame) == 5 and "E01900003" not in set(frame["lsoa11cd"])
    assert frame.loc[frame["lsoa11cd"] == "E01900001", "rank_text"].item() == "10 of 32,844"
    with pytest.raises(dep.DeprivationError, match="code"):
        dep.check_boundaries(lsoas, polys.rename(columns={"lsoa11cd": "code"}))


# --- charts and sentences (written from the same fixture numbers) -------------------------------

def _england() -> dep.Headline:
    return dep.Headline(name="England", n_lsoas=32844, population=54_728_204, avg_score=21.7,
                        n_lsoas_decile1=3284, pct_lsoas_decile1=10.0, core20_population=10_900_000,
                        core20_pct=19.9, n_lsoas_core20=6568, pct_lsoas_decile10=10.0)


def test_headline_sentences_follow_the_numbers(lsoas):
    from jsna.topics.deprivation import text

    h = dep.headline(lsoas, "Test")  # 19.35 < 21.7; 33.3% in decile 1; Core20 40%
    s = text.headline_sentences(h, _england(), "Test's")
    assert "19.4, less deprived than England (21.7)" in s[0]
    assert "2 LSOAs (33.3%)" in s[1] and "3.3 times England's 10%" in s[1]
    assert "4,000 people (40.0%)" in s[2] and "more than" in s[2]
    calm = dep.headline(lsoas[lsoas["imd_decile"] > 2], "Calm")
    s2 = text.headline_sentences(calm, _england(), "Calm's")
    assert "None of its LSOAs" in s2[1] and "No resident lives" in s2[2]


def test_extremes_district_domain_sentences(lsoas):
    from jsna.topics.deprivation import text

    most, least = dep.extremes(lsoas, 2)
    s = text.extremes_sentences(dep.ward_summary(lsoas), dep.msoa_summary(lsoas), most, least, n=2)
    assert "most deprived wards are Ward One (46.7) and Ward Two (25.0)" in s[0]
    assert "least deprived are Ward Four (2.0) and Ward Three (7.5)" in s[0]
    assert "North Park and South Hill" in s[1]
    assert "Alpha 001A (North Park, Ward One ward), ranked 10 of 32,844" in s[2]
    d = text.district_sentences(dep.district_summary(lsoas), _england())
    assert "from 41.2 in District One to 4.8 in District Two (England 21.7)" in d[0]
    assert d[1] == "District One is more deprived than England on average."
    assert "District One: 100.0%" in d[2]
    dom = text.domain_sentences(dep.domain_deciles(lsoas), "Test")
    assert "most pronounced on crime (100.0%" in dom[0] and "income (40.0%)" in dom[0]


def test_boundary_note(lsoas):
    from jsna.topics.deprivation import text

    chk = dep.BoundaryCheck(("E01900003",), ("Alpha 002A",), ())
    note = text.boundary_note(chk, "Test")
    assert note.startswith("1 LSOA of Test could not be drawn") and "E01900003 Alpha 002A" in note
    assert text.boundary_note(dep.BoundaryCheck((), (), ()), "Test") is None


def test_decile_chart_and_map_descriptions(lsoas):
    import matplotlib.pyplot as plt
    from jsna.topics.deprivation import charts

    fig, alt, desc = charts.decile_population_chart(dep.decile_population(lsoas), "Test")
    assert "from 30.0% in decile 1 to 30.0% in decile 10" in alt
    assert "decile 1: 30.0% (3,000 people, 2 LSOAs)" in desc[0] and "decile 3: 0.0% (0 people, 0 LSOAs)" in desc[0]
    assert desc[1] == "Deciles above England's 10%: 1, 5, 8 and 10."
    assert fig.axes[0].get_title(loc="left").startswith("40% of Test residents")
    plt.close(fig)
    lines = charts.decile_map_description(lsoas, "Test")
    assert "6 LSOAs of Test" in lines[0] and "1: 2; 2: 1; 3: 0" in lines[0]
    assert lines[1] == "The 2 LSOAs in England's most deprived 10% are in 1 ward: Ward One (2)."
    assert lines[2] == "The 1 LSOA in England's least deprived 10% is in 1 ward: Ward Four (1)."
    fig, alt, desc = charts.district_chart(dep.district_summary(lsoas), _england())
    assert "from District One (41.2) to District Two (4.8), against England's 21.7" in alt
    assert "More deprived than England on average: District One." in desc[1]
    plt.close(fig)


def test_deprivation_charts_attach_tidy_data_for_their_csv_download(lsoas):
    """The decile and district charts attach their tidy data (jsna.report.attach_data), not artist
    coordinates: one row per decile / district, with the values the descriptions quote."""
    import matplotlib.pyplot as plt
    from jsna.topics.deprivation import charts

    fig, _, _ = charts.decile_population_chart(dep.decile_population(lsoas), "Test")
    data, _ = fig.jsna_data
    assert len(data) == 10 and data["% of residents"].iloc[0] == 30.0 and data["LSOAs"].iloc[0] == 2
    plt.close(fig)
    fig, _, _ = charts.district_chart(dep.district_summary(lsoas), _england())
    data, _ = fig.jsna_data
    assert list(data["district"]) == ["District One", "District Two"] and "x" not in data.columns
    assert data.filter(like="average score (").iloc[:, 0].round(1).tolist() == [41.2, 4.8]
    plt.close(fig)
