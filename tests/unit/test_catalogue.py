"""The data catalogue: the committed entries are complete, and a broken catalogue fails clearly."""

from __future__ import annotations

import pytest
import yaml
from jsna.catalogue import (
    COLUMN_TYPES,
    FORMATS,
    CatalogueError,
    default_catalogue_dir,
    get_source,
    load_catalogue,
)
from jsna.paths import CATALOGUE_DIR

# what the reports need from the imd / geography / boundaries families (issue 3, helper B brief)
REQUIRED_IDS = {
    "imd2019_lsoa", "imd2019_indicators_file8", "imd2019_lad_summaries", "imd2019_lad_summaries_file10",
    "imd2019_population_file6", "lookup_lsoa11_ew", "hcl_msoa_names", "ons_ltla19_utla19",
    "lsoa11_boundaries_england", "lsoa11_boundaries_llr", "msoa11_boundaries_llr", "msoa11_boundaries_ew",
    "lad19_boundaries_england", "utla19_boundaries_england", "wards2019_boundaries_llr",
    "lad19_outlines_llr", "utla19_outlines_llr",
}
MY_FAMILIES = {"imd", "geography", "boundaries"}


@pytest.fixture
def real(monkeypatch):
    monkeypatch.delenv("JSNA_CATALOGUE_DIR", raising=False)
    return load_catalogue(CATALOGUE_DIR)


def test_required_sources_present(real):
    assert set(real) >= REQUIRED_IDS


def test_entries_are_complete(real):
    mine = [s for s in real.values() if s.family in MY_FAMILIES]
    assert len(mine) >= len(REQUIRED_IDS)
    for s in mine:
        assert s.url.startswith("https://"), s.id
        assert s.attribution and s.licence and s.period and s.publisher, s.id
        assert s.format in FORMATS
        if s.format in ("csv", "geojson"):
            assert s.columns, f"{s.id} has no column schema"
        assert set(s.columns.values()) <= set(COLUMN_TYPES)
        assert s.path.split("/")[0] in {"imd2019", "geography", "boundaries"}
    paths = [s.path for s in real.values()]
    assert len(paths) == len(set(paths)), "two catalogue entries point at the same file"


def test_big_england_files_are_parquet_cached(real):
    for sid in ("imd2019_lsoa", "lookup_lsoa11_ew", "lsoa11_boundaries_england"):
        assert real[sid].parquet, sid


def test_fetch_url_prefers_download_url(real):
    src = real["hcl_msoa_names"]
    assert src.fetch_url == src.download_url != src.url
    assert real["imd2019_lsoa"].fetch_url == real["imd2019_lsoa"].url


def test_unknown_id_lists_valid_ids(real):
    with pytest.raises(CatalogueError, match=r"Unknown data source 'nope'.*imd2019_lsoa"):
        get_source("nope", CATALOGUE_DIR)


def test_env_var_selects_the_catalogue(tmp_path, monkeypatch):
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(tmp_path))
    assert default_catalogue_dir() == tmp_path


GOOD = {"id": "x", "title": "X", "publisher": "P", "licence": "OGL", "url": "https://e.invalid/x",
        "path": "fam/x.csv", "sha256": "a" * 64, "format": "csv", "columns": {"a": "int"}}


@pytest.mark.parametrize("change,message", [
    ({"sha256": "abc"}, "sha256 must be 64"),
    ({"path": "/etc/passwd"}, "must be relative"),
    ({"path": "../x.csv"}, "must be relative"),
    ({"format": "parquet"}, "format 'parquet'"),
    ({"columns": {"a": "integer"}}, "unknown column types"),
    ({"colour": "red"}, r"unknown field\(s\) \['colour'\]"),
    ({"url": ""}, r"lacks field\(s\) url"),
    ({"fill": {"from": "y", "areas": ["E10000018"]}}, "fill: give exactly from"),
    ({"fill": {"from": "y", "areas": "E10000018", "indicators": {"Persons": "P"}}}, "fill: areas must be a list"),
    ({"fill": {"from": "y", "areas": ["E10000018"], "indicators": {}}}, "fill: indicators must map each sex"),
])
def test_bad_entries_are_refused(tmp_path, change, message):
    (tmp_path / "fam.yaml").write_text(yaml.safe_dump([{**GOOD, **change}]), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message) as exc:
        load_catalogue(tmp_path)
    assert "fam.yaml" in str(exc.value) and "'x'" in str(exc.value)


def test_duplicate_ids_and_empty_dir(tmp_path):
    with pytest.raises(CatalogueError, match="No catalogue files"):
        load_catalogue(tmp_path)
    (tmp_path / "a.yaml").write_text(yaml.safe_dump([GOOD]), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump([{**GOOD, "path": "fam/y.csv"}]), encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate source id 'x'"):
        load_catalogue(tmp_path)


def test_fixture_catalogue_mirrors_the_real_schemas(real):
    from pathlib import Path

    fixtures = load_catalogue(Path(__file__).resolve().parents[1] / "fixtures" / "data" / "catalogue")
    for sid, fx in fixtures.items():
        assert fx.path == real[sid].path and fx.columns == real[sid].columns, (
            f"{sid}: rerun tests/fixtures/data/make_fixtures.py after changing data/catalogue")
