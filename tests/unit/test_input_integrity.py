"""Inputs are checked before use: sha256 against the catalogue (cached by file stats), the
catalogue's ``expect:`` block (rows, key coverage, dates), and counts (whole numbers >= 0, blank
= missing). Fixtures: tests/fixtures/inputs (see its README for the hand-worked values)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import jsna.catalogue
import jsna.load
import pandas as pd
import pytest
import yaml
from jsna.catalogue import CatalogueError, load_catalogue
from jsna.load import ChecksumMismatch, DataError, cached_parquet, read_geojson, read_source

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "inputs"
UTLA = (FIX / "utla_deaths.csv").read_bytes()
UTLA_COLUMNS = {"date": "date", "areaName": "str", "areaCode": "str", "newCasesBySpecimenDate": "count",
                "newDeaths28DaysByDeathDate": "count"}
UTLA_EXPECT = {"rows": 12, "distinct": {"areaCode": 3},
               "values": {"areaCode": ["E06000016", "E06000017", "E10000018"]},
               "dates": {"column": "date", "first": "2021-06-18", "last": "2021-06-21", "by": "areaCode"}}


@pytest.fixture(autouse=True)
def _fresh(monkeypatch, tmp_path):
    monkeypatch.setattr(jsna.load, "_VERIFIED", {})
    monkeypatch.setattr(jsna.load, "_MEMO", {})
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    yield
    jsna.catalogue._load.cache_clear()


def catalogue(tmp_path: Path, monkeypatch, files: dict[str, tuple[bytes, dict, dict | None]],
              fmt: str = "csv", sealed: dict[str, bytes] | None = None) -> Path:
    """Write raw files and a catalogue of them; ``sealed`` gives bytes whose sha256 the catalogue
    records instead of the file's own (a file edited after cataloguing). Returns the raw dir."""
    raw, cat = tmp_path / "raw", tmp_path / "catalogue"
    cat.mkdir(parents=True, exist_ok=True)
    entries = []
    for rel, (content, columns, expect) in files.items():
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content)
        digest = hashlib.sha256((sealed or {}).get(rel, content)).hexdigest()
        e = {"id": Path(rel).name.split(".")[0], "title": "t", "publisher": "p", "licence": "OGL",
             "url": "https://example.invalid/x", "path": rel, "sha256": digest, "format": fmt,
             "columns": columns}
        if expect:
            e["expect"] = expect
        entries.append(e)
    (cat / "t.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    jsna.catalogue._load.cache_clear()
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    return raw


# ------------------------------------------------------------------ 1. checksums before use
def test_an_edited_file_is_refused_naming_file_checksums_and_repair(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, None)})
    f = raw / "covid" / "utla.csv"
    assert read_source("utla", raw)["newDeaths28DaysByDeathDate"].sum() == (1 + 0 + 2) + (1 + 1 + 0 + 0) + (1 + 0 + 2 + 3)  # blank = missing
    st = f.stat()
    edited = UTLA.replace(b"Rutland,E06000017,1,3", b"Rutland,E06000017,1,9")  # same size
    with open(f, "r+b") as fh:
        fh.write(edited)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the old mtime put back
    with pytest.raises(ChecksumMismatch) as err:
        read_source("utla", raw)
    e = err.value
    assert isinstance(e, DataError) and Path(e.path) == f
    assert e.expected == hashlib.sha256(UTLA).hexdigest() and e.actual == hashlib.sha256(edited).hexdigest()
    assert str(f) in str(e) and e.expected in str(e) and e.actual in str(e) and "`make data`" in str(e)


def test_checksums_are_cached_by_file_stats(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, None)})
    calls = []
    real = jsna.load.file_sha256
    monkeypatch.setattr(jsna.load, "file_sha256", lambda p: calls.append(p) or real(p))
    read_source("utla", raw)
    read_source("utla", raw)
    assert len(calls) == 1
    jsna.load._VERIFIED.clear()  # a new process: the JSON cache in data/processed answers
    read_source("utla", raw)
    assert len(calls) == 1 and (tmp_path / "processed" / jsna.load.CHECKSUM_CACHE).exists()
    (raw / "covid" / "utla.csv").write_bytes(UTLA + b"2021-06-22,Rutland,E06000017,1,0\n")
    with pytest.raises(ChecksumMismatch):
        read_source("utla", raw)
    assert len(calls) == 2


def test_geojson_and_parquet_caches_are_verified(tmp_path, monkeypatch):
    gj = b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"CODE":"E1"},' \
         b'"geometry":{"type":"Point","coordinates":[-1.1,52.6]}}]}'
    raw = catalogue(tmp_path, monkeypatch, {"b/pts.geojson": (gj, {"CODE": "str"}, None)}, fmt="geojson")
    assert read_geojson("pts", raw)["CODE"].tolist() == ["E1"]
    built = cached_parquet("pts", lambda: read_geojson("pts", raw), raw)
    assert built["CODE"].tolist() == ["E1"]
    (raw / "b" / "pts.geojson").write_bytes(gj.replace(b"E1", b"E9"))
    for read in (lambda: read_geojson("pts", raw),
                 lambda: cached_parquet("pts", lambda: read_geojson("pts", raw), raw)):
        with pytest.raises(ChecksumMismatch, match="pts.geojson"):
            read()  # the parquet built from the old bytes is never served


def test_a_directory_instead_of_the_file_is_named(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, None)})
    (raw / "covid" / "utla.csv").unlink()
    (raw / "covid" / "utla.csv").mkdir()
    with pytest.raises(DataError, match=r"utla\.csv: is a directory.*make data"):
        read_source("utla", raw)


# ------------------------------------------------------------------ 2. completeness (expect:)
def _cut(lines_kept: int) -> bytes:
    return b"".join(UTLA.splitlines(keepends=True)[: lines_kept])


def test_a_file_cut_at_a_line_boundary_is_refused(tmp_path, monkeypatch):
    # header + 10 rows: Rutland keeps 2021-06-18/19 only, its deaths fall from 6 to 1
    cut = _cut(11)
    assert pd.read_csv(FIX / "utla_deaths.csv").query("areaCode == 'E06000017'")[
        "newDeaths28DaysByDeathDate"].sum() == 6
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (cut, UTLA_COLUMNS, UTLA_EXPECT)})
    with pytest.raises(DataError) as err:
        read_source("utla", raw)
    assert "10 data rows, expected 12" in str(err.value) and "expect:" in str(err.value)
    assert err.value.expected == 12 and err.value.actual == 10


def test_last_date_is_checked_for_every_area(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (
        _cut(11), UTLA_COLUMNS, {k: v for k, v in UTLA_EXPECT.items() if k != "rows"})})
    with pytest.raises(DataError, match=r"'date' ends on 2021-06-19 for areaCode 'E06000017'.*2021-06-21"):
        read_source("utla", raw)


def test_key_coverage_missing_area_is_named(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (
        _cut(9), UTLA_COLUMNS, {"values": UTLA_EXPECT["values"]})})
    with pytest.raises(DataError, match=r"column 'areaCode' lacks \['E06000017'\]"):
        read_source("utla", raw)
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (
        _cut(9), UTLA_COLUMNS, {"distinct": {"areaCode": 3}})})
    with pytest.raises(DataError, match=r"'areaCode' has 2 distinct values, expected 3"):
        read_source("utla", raw)


def test_the_complete_file_passes_its_expectations(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, UTLA_EXPECT)})
    df = read_source("utla", raw)
    assert df.loc[df["areaCode"] == "E06000017", "newDeaths28DaysByDeathDate"].sum() == 6


@pytest.mark.parametrize(("expect", "problem"), [
    ({"rows": 0}, "rows must be a positive"),
    ({"rowz": 3}, "unknown key"),
    ({"distinct": {"nope": 3}}, "not in the entry's columns"),
    ({"dates": {"column": "areaCode", "last": "2021-06-21"}}, "must be a catalogued column of type date"),
    ({"complete": "all"}, "complete must be"),
])
def test_bad_expect_blocks_are_catalogue_errors(tmp_path, monkeypatch, expect, problem):
    catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, expect)})
    with pytest.raises(CatalogueError, match=problem):
        load_catalogue()


# ------------------------------------------------------------------ 3. counts and scores
@pytest.mark.parametrize("token", [b"n/a", b"NA", b"-", b"*", b"none"])
def test_text_in_a_count_is_a_named_error_not_zero(tmp_path, monkeypatch, token):
    bad = UTLA.replace(b"Rutland,E06000017,1,3", b"Rutland,E06000017,1," + token)
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (bad, UTLA_COLUMNS, None)})
    with pytest.raises(DataError) as err:
        read_source("utla", raw)
    e = err.value
    assert (e.column, e.line, e.value) == ("newDeaths28DaysByDeathDate", 13, token.decode())
    assert "utla.csv" in str(e) and "line 13" in str(e) and repr(token.decode()) in str(e)


def test_a_negative_count_is_a_named_error(tmp_path, monkeypatch):
    bad = UTLA.replace(b"Leicester,E06000016,38,", b"Leicester,E06000016,-38,")
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (bad, UTLA_COLUMNS, None)})
    with pytest.raises(DataError, match=r"'newCasesBySpecimenDate' line 3: negative count '-38'") as err:
        read_source("utla", raw)
    assert err.value.line == 3


def test_a_blank_count_is_missing_not_zero(tmp_path, monkeypatch):
    raw = catalogue(tmp_path, monkeypatch, {"covid/utla.csv": (UTLA, UTLA_COLUMNS, None)})
    deaths = read_source("utla", raw)["newDeaths28DaysByDeathDate"]
    assert deaths.dtype == "Int64" and deaths.isna().tolist() == [i == 1 for i in range(12)]


def test_text_in_an_imd_score_is_a_named_error(tmp_path, monkeypatch):
    text = (FIX / "imd_scores.csv").read_bytes().replace(b"E01000003,8.0", b"E01000003,n/a")
    cols = {"lsoa11cd": "str", "imd_score": "float", "imd_rank": "int", "imd_decile": "int"}
    raw = catalogue(tmp_path, monkeypatch, {"imd/imd_scores.csv": (text, cols, {"complete": "*"})})
    with pytest.raises(DataError) as err:
        read_source("imd_scores", raw)
    e = err.value
    assert (e.column, e.line, e.value) == ("imd_score", 4, "n/a")
    assert "imd_scores.csv" in str(e) and "missing value 'n/a'" in str(e)


def test_real_imd_fixture_declares_complete_scores(tmp_path, monkeypatch):
    """The IoD2019 File 7 entry (fixture copy of the real entry) refuses "n/a" in a score."""
    src = Path(__file__).resolve().parents[1] / "fixtures" / "data"
    shutil.copytree(src / "raw", tmp_path / "raw")
    shutil.copytree(src / "catalogue", tmp_path / "catalogue")
    f = tmp_path / "raw" / "imd2019" / "iod2019_lsoa11_file7_equivalent.csv.gz"
    import gzip

    lines = gzip.decompress(f.read_bytes()).decode("utf-8").splitlines(keepends=True)
    cells = lines[3].split(",")
    cells[4] = "n/a"  # Index of Multiple Deprivation (IMD) Score of the third LSOA
    lines[3] = ",".join(cells)
    f.write_bytes(gzip.compress("".join(lines).encode("utf-8")))
    cat = tmp_path / "catalogue" / "fixtures.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace(
        next(e["sha256"] for e in yaml.safe_load(cat.read_text(encoding="utf-8"))
             if e["id"] == "imd2019_lsoa"), hashlib.sha256(f.read_bytes()).hexdigest()), encoding="utf-8")
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(tmp_path / "catalogue"))
    jsna.catalogue._load.cache_clear()
    from jsna.load.imd import imd2019_lsoa

    with pytest.raises(DataError) as err:
        imd2019_lsoa(tmp_path / "raw")
    assert err.value.column == "Index of Multiple Deprivation (IMD) Score" and err.value.line == 4
    assert err.value.value == "n/a" and "have no IoD2019 row" not in str(err.value)
