"""Deprivation topic on the real data (data/raw): numbers checked against MHCLG's published
local-authority summaries (IoD2019 File 10), and the notebook executed and exported for Rutland.

Published figures (File 10, "IMD - Average score" and "Proportion of LSOAs in most deprived 10%
nationally"; also quoted in data/raw/imd2019/SOURCES.md): Leicester 30.877 and 0.2031 (39 of 192
LSOAs), Rutland 8.381 and 0.0000. Leicestershire county (no File 11 in the mirror): 12.330 from 396
LSOAs, population 672,368 (SOURCES.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

from jsna.offline import external_resources  # noqa: E402
from jsna.paths import NOTEBOOKS_DIR  # noqa: E402
from jsna.topics.deprivation import compute as dep  # noqa: E402
from jsna.topics.deprivation import inputs as dep_inputs  # noqa: E402


@pytest.fixture(scope="module")
def geo():
    from jsna.areas import lsoas

    return lsoas


@pytest.mark.parametrize(("place", "code", "n", "score", "prop10"), [
    ("leicester", "E06000016", 192, 30.877, 0.2031),
    ("rutland", "E06000017", 23, 8.381, 0.0),
])
def test_headline_matches_file10(geo, place, code, n, score, prop10):
    from jsna.load.imd import imd2019_lad_summaries

    h = dep.headline(geo(place), place)
    assert h.n_lsoas == n
    assert round(h.avg_score, 3) == pytest.approx(score, abs=0.001)
    assert h.pct_lsoas_decile1 / 100 == pytest.approx(prop10, abs=0.00005)
    # and the loader's File 10 row agrees with the published numbers quoted above
    f10 = imd2019_lad_summaries().set_index("lad19cd").loc[code]
    assert f10["imd_avg_score"] == pytest.approx(score, abs=0.0005)
    assert f10["imd_prop_most_deprived_10pc"] == pytest.approx(prop10, abs=0.00005)


def test_leicestershire_county_and_districts(geo):
    from jsna.load.imd import imd2019_lad_summaries

    lsoas = geo("leicestershire")
    h = dep.headline(lsoas, "Leicestershire")
    assert (h.n_lsoas, h.population) == (396, 672_368)
    assert h.avg_score == pytest.approx(12.330, abs=0.0005)
    f10 = imd2019_lad_summaries().set_index("lad19cd")
    dist = dep.district_summary(lsoas)
    assert len(dist) == 7
    for row in dist.itertuples():
        assert row.avg_score == pytest.approx(f10.loc[row.lad19cd, "imd_avg_score"], abs=0.0006)
        assert row.pct_lsoas_decile1 / 100 == pytest.approx(f10.loc[row.lad19cd, "imd_prop_most_deprived_10pc"],
                                                            abs=0.00005)


def test_leicester_names_braunstone_among_most_deprived_wards(geo):
    wards = dep.ward_summary(geo("leicester"))
    assert "Braunstone Park & Rowley Fields" in wards["wd19nm"].head(3).tolist()
    most, _ = dep.extremes(geo("leicester"), 5)
    assert (most["imd_decile"] == 1).all()


def test_every_llr_lsoa_has_a_boundary(geo):
    from jsna.load.boundaries import lsoa_boundaries

    lsoas = geo("llr")
    chk = dep.check_boundaries(lsoas, lsoa_boundaries(lsoas["lsoa11cd"]))
    assert chk.ok and chk.n_missing == 0 and len(lsoas) == 611


def _run(place: str, tmp_path: Path, **parameters) -> str:
    import papermill as pm
    from jsna.runner.export import export_html

    out = tmp_path / f"deprivation_{place}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "deprivation.ipynb"), str(out), parameters={"place": place, **parameters},
                        kernel_name="python3", progress_bar=False)
    return export_html(out, place.title(), "Deprivation", "2026-01-01")


def _plain(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|svg|iframe)\b.*?</\1>", " ", page,
                                                                flags=re.S)))


def test_notebook_rutland_offline_html(tmp_path):
    html = _run("rutland", tmp_path)
    assert external_resources(html) == []
    assert 'class="jsna-map"' in html and re.search(r'<iframe[^>]+title="Interactive map of Rutland', html)
    assert "Text description" in html
    assert "Traceback" not in html
    # every http(s) URL left is plain text or a link (<a href>), never a loaded resource
    loaded = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*(?:src|href)=[\"']?https?:", html)
    assert loaded == []
    # the headline cell's numbers are not shown as raw text (the runner drops NBVAL cell outputs)
    assert "Population (mid-2015): " not in html and "Population (Census 2021): " not in html
    text = _plain(html)
    # the default edition, said in words, with the direction and unit of the score
    assert "This report uses the English Indices of Deprivation 2025 (IoD2025)" in text
    assert "higher score means more deprivation" in text and "Census 2021 usual residents" in text
    assert "What changed from IoD2019 to IoD2025" in text
    assert "MHCLG advises comparing editions of the Indices by ranks and deciles, not by scores" in text


def test_notebook_iod2019_by_parameter(tmp_path):
    """The build option (--deprivation-index iod2019) reaches the notebook as a parameter: the report is
    IoD2019 on 2011 LSOAs, with the same 2019 -> 2025 section."""
    text = _plain(_run("rutland", tmp_path, deprivation_index="iod2019"))
    assert "This report uses the English Indices of Deprivation 2019 (IoD2019)" in text
    assert "Residents are the mid-2015 population (excluding prisoners) that MHCLG used for IoD2019." in text
    assert "IMD 2019 national decile" in text and "What changed from IoD2019 to IoD2025" in text
    assert "ranked 303rd most deprived of 317 districts on average score in IoD2019 and 276th of 296 in IoD2025" in text


# --- IoD2025 and 2019 -> 2025 on the real data -----------------------------------------------------

def test_leicester_change_from_2019_to_2025():
    """Leicester: 39 of 192 LSOAs (20.3%) in the most deprived 10% in IoD2019 (File 10: 0.2031) and 40 of
    200 (20.0%) in IoD2025 (File 10 v2: 0.2); every 2021 LSOA is matched through the ONS lookup."""
    from jsna.places import load_place
    from jsna.topics.deprivation import change

    P = load_place("leicester")
    R = dep.compute(P, dep_inputs.load(P, None, "iod2025"))
    ch = R.change
    sh = ch.change.shares.set_index("edition")
    assert (sh.loc["IoD2019", "lsoas"], sh.loc["IoD2019", "lsoas_10"]) == (192, 39)
    assert (sh.loc["IoD2025", "lsoas"], sh.loc["IoD2025", "lsoas_10"]) == (200, 40)
    assert sh.loc["IoD2025", "residents"] == 368_597  # Census 2021 (census2021/SOURCES.md)
    assert ch.change.unmatched_new.empty and ch.change.unmatched_old.empty
    k = ch.counts
    assert k["compared"] == 200 and sum(k[d] for d in change.DIRECTIONS) == 200
    assert 0 < ch.change.changed_lsoas < 200 and 0 < ch.change.pct_changed_residents < 100
    r = ch.ranks.set_index("code").loc["E06000016"]
    assert (r["rank_of_avg_score_2019"], r["rank_of_avg_score_2025"]) == (32, 16)  # File 10 2019 and 2025


def _generated(code: str, tmp_path: Path):
    from jsna.geo import load_valid_place, write_params

    return load_valid_place(write_params(code, tmp_path).stem, tmp_path)


@pytest.mark.parametrize(("code", "ok"), [("E06000017", True), ("E09000001", False), ("E06000053", False)])
def test_local_fifths_follow_the_reliability_rule(tmp_path, code, ok):
    """Rutland (26 LSOAs 2021) passes the rule; the City of London (6) and the Isles of Scilly (1) do
    not, so the report shows no local fifths for them, and says why."""
    from jsna.topics.deprivation import text as dtext

    P = _generated(code, tmp_path)
    for ed in ("iod2025", "iod2019"):
        R = dep.compute(P, dep_inputs.load(P, None, ed))
        check = dep.quintile_check(dep.quintile_summary(R.lsoas))
        assert check.ok is ok, (code, ed, check.reasons)
        if not ok:
            why = dtext.quintile_refusal(check, dep.quintile_summary(R.lsoas), len(R.lsoas), P.name)
            assert "Reliability rule" in why and P.name in why


def test_city_of_london_report_shows_no_local_fifths(tmp_path):
    P = _generated("E09000001", tmp_path)
    import papermill as pm
    from jsna.runner.export import export_html

    out = tmp_path / "deprivation.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "deprivation.ipynb"), str(out), kernel_name="python3",
                        parameters={"place": P.id, "params_dir": str(tmp_path)}, progress_bar=False)
    text = _plain(export_html(out, P.name, "Deprivation", "2026-01-01"))
    assert "The report does not compare deprivation between the most and least deprived fifths" in text
    assert "local quintiles of IMD 2025 score" not in text and "Local quintile (City of London)" not in text
    assert "the 3 most deprived LSOAs" in text  # 6 LSOAs: the most and least deprived lists do not overlap


def test_north_yorkshire_is_built_from_its_2019_districts_and_compared(tmp_path):
    """A council formed in 2023: IoD2025 on its own code, IoD2019 on the seven districts it was formed
    from, and MHCLG's ranks of both."""
    P = _generated("E06000065", tmp_path)
    read = dep_inputs.load(P, None, "iod2025")
    R = dep.compute(P, read)
    assert R.head.published_rank is not None and R.head.n_districts == 296
    old = read.other_lsoas  # the IoD2019 table, read for the comparison
    assert old["lad19cd"].nunique() == 7
    ch = R.change
    assert ch.change.unmatched_new.empty and ch.change.unmatched_old.empty
    assert ch.ranks["code"].tolist()[0] == "E06000065" and len(ch.ranks) == 8
    assert ch.counts["compared"] == len(R.lsoas)


@pytest.mark.slow
def test_llr_report_under_3mb(tmp_path):
    html = _run("llr", tmp_path)
    assert len(html.encode("utf-8")) < 3_000_000


def test_small_area_sizes_on_2021_boundaries_are_those_of_census_2021():
    """jsna.words.SMALL_AREAS for 2021 LSOAs and MSOAs (IoD2025's geography) recomputed from Census
    2021 usual residents by LSOA 2021 and the ONS LSOA 2021 lookup (England only)."""
    from jsna.load.census import usual_residents_lsoa
    from jsna.load.geography import lsoa21_lookup
    from jsna.words import SMALL_AREAS, small_area_words

    res = usual_residents_lsoa()
    res = res[res["lsoa21cd"].str.startswith("E")]
    lk = lsoa21_lookup()
    lk = lk[lk["lsoa21cd"].str.startswith("E")]
    by_msoa = res.merge(lk[["lsoa21cd", "msoa21cd"]], on="lsoa21cd", validate="1:1").groupby("msoa21cd")["residents"].sum()
    assert SMALL_AREAS["LSOA21"].england_count == res["lsoa21cd"].nunique() == 33_755
    assert SMALL_AREAS["MSOA21"].england_count == len(by_msoa) == 6_856
    assert SMALL_AREAS["LSOA21"].mean_residents == round(res["residents"].sum() / len(res))
    assert SMALL_AREAS["MSOA21"].mean_residents == round(float(by_msoa.mean()))
    assert small_area_words("LSOA", boundaries=2021) == "about 1,700 residents"
    assert small_area_words("MSOA", boundaries="2021") == "about 8,200 residents"
