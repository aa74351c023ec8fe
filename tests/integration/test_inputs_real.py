"""The real files in data/raw pass their catalogue `expect:` blocks, and the same checks refuse the
real Covid UTLA file cut at a line boundary (Rutland's deaths within 28 days, 65 in the full file
per its SOURCES.md totals, fall to 29 when the all-England file stops after line 7,830, inside
Rutland's rows)."""

from __future__ import annotations

import gzip
import hashlib
import shutil

import jsna.catalogue
import jsna.load
import pandas as pd
import pytest
import yaml
from jsna import paths
from jsna.catalogue import load_catalogue
from jsna.load import ChecksumMismatch, DataError, read_geojson, read_source
from jsna.load.fingertips import fingertips_api_csv

pytestmark = pytest.mark.integration

CATALOGUE = load_catalogue(paths.CATALOGUE_DIR)
WITH_EXPECT = sorted(sid for sid, s in CATALOGUE.items() if s.expect)
UTLA = "covid_utla_cases_deaths_daily_england"
CUT_AFTER = 7830


def _raw(sid):
    path = CATALOGUE[sid].raw_path(paths.raw_dir())
    if not path.is_file():
        pytest.skip(f"{path} missing: run `make data`")
    return path


def test_expect_blocks_cover_covid_imd_and_geography():
    fams = {CATALOGUE[s].family for s in WITH_EXPECT}
    assert {"covid", "imd", "geography"} <= fams
    assert CATALOGUE["imd2019_lsoa"].expect["rows"] == 32844  # imd2019/SOURCES.md
    assert CATALOGUE["lookup_lsoa11_ew"].expect["distinct"]["LSOA11CD"] == 34753  # 32,844 + 1,909 Welsh


@pytest.mark.parametrize("sid", WITH_EXPECT)
def test_real_file_meets_its_expectations(sid):
    _raw(sid)
    src = CATALOGUE[sid]
    if src.live or sid.startswith("fingertips_api_"):  # Fingertips API exports: their own reader
        frame = fingertips_api_csv(sid)
    else:
        frame = read_geojson(sid) if src.format == "geojson" else read_source(sid)
    assert len(frame) > 0


@pytest.fixture
def cut_utla(tmp_path, monkeypatch):
    """data/raw's UTLA file cut after line 7,830 (and gzipped again), in a copy of data/raw with a
    catalogue copy."""
    src_path = _raw(UTLA)
    raw = tmp_path / "raw"
    dest = raw / CATALOGUE[UTLA].path
    dest.parent.mkdir(parents=True)
    lines = gzip.decompress(src_path.read_bytes()).splitlines(keepends=True)
    dest.write_bytes(gzip.compress(b"".join(lines[:CUT_AFTER]), mtime=0))
    cat = tmp_path / "catalogue"
    shutil.copytree(paths.CATALOGUE_DIR, cat)
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    jsna.catalogue._load.cache_clear()
    yield raw, dest, cat
    jsna.catalogue._load.cache_clear()


def test_cut_file_is_refused_by_its_checksum(cut_utla):
    raw, dest, _ = cut_utla
    full = pd.read_csv(_raw(UTLA))
    cut = pd.read_csv(dest)
    rutland = "E06000017"
    assert full.loc[full["areaCode"] == rutland, "newDeaths28DaysByDeathDate"].sum() == 65
    assert cut.loc[cut["areaCode"] == rutland, "newDeaths28DaysByDeathDate"].sum() == 29
    with pytest.raises(ChecksumMismatch, match="make data"):
        read_source(UTLA, raw)


def test_cut_file_is_refused_by_expect_even_if_catalogued(cut_utla):
    raw, dest, cat = cut_utla
    f = cat / "covid.yaml"
    entries = yaml.safe_load(f.read_text(encoding="utf-8"))
    for e in entries:
        if e["id"] == UTLA:
            e["sha256"] = hashlib.sha256(dest.read_bytes()).hexdigest()  # catalogued by mistake
    f.write_text(yaml.safe_dump(entries), encoding="utf-8")
    jsna.catalogue._load.cache_clear()
    jsna.load._VERIFIED.clear()
    areas = pd.read_csv(dest)["areaCode"].nunique()  # the UTLAs left in the cut file (of 149)
    assert areas < 149
    with pytest.raises(DataError, match=rf"column 'areaCode' has {areas:,} distinct values, expected 149"):
        read_source(UTLA, raw)
