"""IoD2019 recomputed from the LSOA file (data/raw) against MHCLG's published figures.

Published numbers are from File 10 (lower-tier LA summaries) and imd2019/SOURCES.md:
Leicester IMD average score 30.877 and Rutland 8.381; Leicester's proportion of LSOAs in the most
deprived 10% nationally 0.2031; LSOA counts per LLR district; England 32,844 LSOAs and a mid-2015
population of 54,728,204; Leicestershire county (no File 11 in the mirror) 12.330 from 396 LSOAs
with a population of 672,368. MHCLG's "average score" is the population-weighted mean of LSOA
scores; "proportion in the most deprived 10%" is the share of a LAD's LSOAs in national decile 1.
"""

from __future__ import annotations

import pandas as pd
import pytest
from jsna.areas import lsoas as place_lsoas
from jsna.areas import msoas as place_msoas
from jsna.load.boundaries import lsoa_boundaries, missing_codes
from jsna.load.geography import lsoa_lookup
from jsna.load.imd import imd2019_lad_summaries, imd2019_lsoa

pytestmark = pytest.mark.integration

TEN = ["imd", "income", "employment", "education", "health", "crime", "barriers", "living_env", "idaci",
       "idaopi"]


@pytest.fixture(scope="module")
def lsoa() -> pd.DataFrame:
    return imd2019_lsoa()


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return imd2019_lad_summaries().set_index("lad19cd")


def _weighted(lsoa: pd.DataFrame, value: str, weight: str) -> pd.Series:
    w = lsoa[weight]
    return (lsoa[value] * w).groupby(lsoa["lad19cd"]).sum() / w.groupby(lsoa["lad19cd"]).sum()


def test_england_totals(lsoa):
    assert len(lsoa) == 32844 and lsoa["lsoa11cd"].is_unique
    assert lsoa["pop_total"].sum() == 54_728_204
    counts = lsoa["imd_decile"].value_counts()
    assert set(counts.index) == set(range(1, 11)) and set(counts) <= {3284, 3285}


def test_llr_lsoa_counts(lsoa):
    counts = lsoa["lad19cd"].value_counts()
    expected = {"E06000016": 192, "E06000017": 23, "E07000129": 60, "E07000130": 99, "E07000131": 47,
                "E07000132": 66, "E07000133": 30, "E07000134": 58, "E07000135": 36}
    assert {k: counts[k] for k in expected} == expected


def test_headline_average_scores(lsoa):
    score = _weighted(lsoa, "imd_score", "pop_total")
    assert round(score["E06000016"], 3) == 30.877  # Leicester, File 10
    assert round(score["E06000017"], 3) == 8.381  # Rutland, File 10


def test_every_lad_average_score_matches_file10(lsoa, published):
    score = _weighted(lsoa, "imd_score", "pop_total")
    assert set(score.index) == set(published.index) and len(score) == 317
    diff = (score - published["imd_avg_score"]).abs()
    assert diff.max() <= 0.0006, diff.idxmax()  # published to 3 dp


@pytest.mark.parametrize("domain,weight", [
    ("income", "pop_total"), ("employment", "pop_working_age"), ("education", "pop_total"),
    ("health", "pop_total"), ("crime", "pop_total"), ("barriers", "pop_total"),
    ("living_env", "pop_total"), ("idaci", "pop_0_15"),
])
def test_domain_average_scores_match_file10(lsoa, published, domain, weight):
    score = _weighted(lsoa, f"{domain}_score", weight)
    diff = (score - published[f"{domain}_avg_score"]).abs()
    assert diff.max() <= 0.0008, diff.idxmax()


def test_leicester_and_rutland_most_deprived_10pc(lsoa, published):
    share = (lsoa["imd_decile"] == 1).groupby(lsoa["lad19cd"]).mean()
    assert share["E06000016"] == pytest.approx(39 / 192)  # 39 of Leicester's 192 LSOAs
    assert round(share["E06000016"], 4) == 0.2031 == published.loc["E06000016", "imd_prop_most_deprived_10pc"]
    assert share["E06000017"] == 0 == published.loc["E06000017", "imd_prop_most_deprived_10pc"]


@pytest.mark.parametrize("domain", TEN)
def test_every_lad_share_in_most_deprived_10pc_matches_file10(lsoa, published, domain):
    share = (lsoa[f"{domain}_decile"] == 1).groupby(lsoa["lad19cd"]).mean()
    diff = (share - published[f"{domain}_prop_most_deprived_10pc"]).abs()
    assert diff.max() <= 0.00005 + 1e-12, diff.idxmax()  # published to 4 dp


def test_leicestershire_county_from_lsoas():
    df = place_lsoas("leicestershire")
    assert len(df) == 396 and df["pop_total"].sum() == 672_368
    score = (df["imd_score"] * df["pop_total"]).sum() / df["pop_total"].sum()
    assert round(score, 3) == 12.330


def test_place_geography_is_complete():
    llr = place_lsoas("llr")
    assert len(llr) == 611 and set(llr["utla19cd"]) == {"E06000016", "E10000018", "E06000017"}
    assert len(place_msoas("llr")) == 125  # geography/SOURCES.md: 125 LLR MSOAs
    assert lsoa_lookup()["lsoa11cd"].nunique() == 32844
    assert missing_codes(lsoa_boundaries(llr["lsoa11cd"]), "lsoa11cd", llr["lsoa11cd"]) == []


def test_merged_summary_csv_equals_the_original_workbook(published):
    from jsna.load import read_source

    xlsx = read_source("imd2019_lad_summaries_file10").set_index("Local Authority District code (2019)")
    assert len(xlsx) == 317
    for header, col in [("IMD - Average score ", "imd_avg_score"), ("IMD - Average rank ", "imd_avg_rank"),
                        ("IMD - Proportion of LSOAs in most deprived 10% nationally ",
                         "imd_prop_most_deprived_10pc"), ("IMD - Rank of average score ", "imd_rank_of_avg_score")]:
        pd.testing.assert_series_equal(published[col].sort_index(), xlsx[header].sort_index(),
                                       check_names=False, check_dtype=False, check_index_type=False)
    assert xlsx.loc["E06000016", "IMD - Rank of average score "] == 32  # SOURCES.md: Leicester 32nd


# --- IoD2025 (LSOA 2021) against MHCLG's File 10 v2 ------------------------------------------------
# Published values quoted from File 10 v2 and imd2025/SOURCES.md (not from our output): Leicester IMD
# average score 34.449, rank of average score 16 of 296, proportion of LSOAs in the most deprived 10%
# nationally 0.2 (40 of its 200 LSOAs 2021); Rutland 9.851, rank 276.

@pytest.fixture(scope="module")
def england25() -> pd.DataFrame:
    from jsna.areas import england_lsoas

    return england_lsoas(edition="iod2025")


@pytest.fixture(scope="module")
def published25() -> pd.DataFrame:
    from jsna.load.imd2025 import imd2025_lad_summaries

    return imd2025_lad_summaries().set_index("lad24cd")


def test_iod2025_area_table_covers_england(england25):
    assert len(england25) == 33_755 and england25["lsoa21cd"].is_unique
    assert england25[["imd_decile", "pop_total", "msoa21cd", "utla23cd"]].notna().all().all()
    assert england25["lad24cd"].nunique() == 296 and england25["utla23cd"].nunique() == 153
    assert england25["pop_total"].sum() == 56_490_108  # Census 2021 usual residents, England (census2021/SOURCES.md)
    # the IoD2025 district of E01027305 (File 10 v2), not the ONS best fit (Cherwell)
    row = england25.set_index("lsoa21cd").loc["E01027305"]
    assert (row["lad24cd"], row["utla23cd"]) == ("E06000062", "E06000062")


def test_iod2025_decile1_share_of_every_district_reproduces_file10(england25, published25):
    share = (england25["imd_decile"] == 1).groupby(england25["lad24cd"]).mean()
    f10 = published25["imd_prop_most_deprived_10pc"]
    assert len(share) == len(f10) == 296 and set(share.index) == set(f10.index)
    diff = (share - f10.reindex(share.index)).abs()
    assert diff.max() <= 0.00005, diff.idxmax()  # published to 4 dp
    assert f10["E06000016"] == 0.2 and share["E06000016"] == 40 / 200


def test_iod2025_leicester_and_rutland_headlines_are_file10s(published25):
    from jsna.places import load_place
    from jsna.topics.deprivation import compute, inputs

    for pid, score, rank, n_lsoas, prop10 in (("leicester", 34.449, 16, 200, 0.20), ("rutland", 9.851, 276, 26, 0.0)):
        P = load_place(pid)
        R = compute.compute(P, inputs.load(P, None, "iod2025"))
        assert (R.head.avg_score, R.head.published_rank, R.head.n_districts) == (score, rank, 296)
        assert R.head.n_lsoas == n_lsoas and R.head.pct_lsoas_decile1 == pytest.approx(100 * prop10)
        # ours, weighted by Census 2021 residents (MHCLG's mid-2022 populations are not held), is close
        assert compute.headline(R.lsoas, pid).avg_score == pytest.approx(score, abs=0.05)
        assert R.unmatched.empty and R.boundary_check.ok


def test_iod2025_district_table_quotes_file10(published25):
    from jsna.places import load_place
    from jsna.topics.deprivation import compute, inputs

    P = load_place("leicestershire")
    R = compute.compute(P, inputs.load(P, None, "iod2025"))
    d = compute.district_summary(R.lsoas, order=P.district_codes, published=R.published).set_index("lad24cd")
    assert d["avg_score"].to_dict() == published25.loc[P.district_codes, "imd_avg_score"].to_dict()
    assert d.loc["E07000130", "published_rank"] == 228  # Charnwood 13.272, rank 228 (SOURCES.md)
    assert R.head.published_rank is None and R.head.n_lsoas == 408  # a county: no File 10 row of its own
