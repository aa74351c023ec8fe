"""The record of reads (jsna.reads): what a report read is recorded, never declared by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jsna import reads
from jsna.catalogue import get_source
from jsna.load import DataError, verify_input

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"


@pytest.fixture(autouse=True)
def fresh_record():
    reads.reset()
    yield
    reads.reset()


def test_a_cache_hit_records_the_sources_its_first_call_read():
    calls = []

    @reads.recorded_cache(maxsize=2)
    def table(n: int) -> int:
        calls.append(n)
        reads.note("source_a")
        if n > 1:
            reads.note("source_b")
        return n * 10

    assert table(2) == 20 and reads.recorded() == ["source_a", "source_b"]
    reads.reset()  # the next report, in the same warm kernel
    assert table(2) == 20 and calls == [2]  # served from the cache ...
    assert reads.recorded() == ["source_a", "source_b"]  # ... and recorded all the same
    reads.reset()
    assert table(1) == 10 and reads.recorded() == ["source_a"]
    table(3)  # a third key: the least recently used (2) goes
    reads.reset()
    table(2)
    assert calls == [2, 1, 3, 2] and reads.recorded() == ["source_a", "source_b"]


def test_nested_cached_calls_record_into_every_open_call():
    @reads.recorded_cache()
    def inner() -> str:
        reads.note("inner_source")
        return "i"

    @reads.recorded_cache()
    def outer() -> str:
        reads.note("outer_source")
        return inner() + "o"

    inner()  # inner cached first: outer's call gets it as a hit
    reads.reset()
    assert outer() == "io"
    assert reads.recorded() == ["outer_source", "inner_source"]
    reads.reset()
    outer()
    assert reads.recorded() == ["outer_source", "inner_source"]


def test_verify_input_records_every_catalogued_read_even_a_missing_file(tmp_path, monkeypatch):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(FIXTURE_DATA / "catalogue", catalogue)
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(catalogue))
    from jsna.catalogue import _load

    _load.cache_clear()
    try:
        src = get_source("imd2019_lad_summaries")
        verify_input(src, FIXTURE_DATA / "raw" / src.path)
        assert reads.recorded() == ["imd2019_lad_summaries"]
        other = get_source("ons_ltla19_utla19")
        with pytest.raises(DataError):
            verify_input(other, tmp_path / "absent.csv")
        # a report that needed a missing file depends on it: its arrival rebuilds the report
        assert reads.recorded() == ["imd2019_lad_summaries", "ons_ltla19_utla19"]
    finally:
        _load.cache_clear()
