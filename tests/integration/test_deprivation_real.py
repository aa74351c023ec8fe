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


def _run(place: str, tmp_path: Path) -> str:
    import papermill as pm
    from jsna.runner.export import export_html

    out = tmp_path / f"deprivation_{place}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS_DIR / "deprivation.ipynb"), str(out), parameters={"place": place},
                        kernel_name="python3", progress_bar=False)
    return export_html(out, place.title(), "Deprivation", "2026-01-01")


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
    assert "Population (mid-2015): " not in html


@pytest.mark.slow
def test_llr_report_under_3mb(tmp_path):
    html = _run("llr", tmp_path)
    assert len(html.encode("utf-8")) < 3_000_000
