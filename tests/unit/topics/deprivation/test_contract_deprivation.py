"""The deprivation topic on the topic contract (jsna.topics): ``inputs.load`` is the only module of the
package that reads, ``compute`` returns a :class:`Results` of numbers and frames (no reader text), and
neither the package nor its notebook names a catalogue source."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from jsna import areas
from jsna.catalogue import load_catalogue
from jsna.places import load_place
from jsna.topics.deprivation import change, compute, inputs, text

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "lib" / "jsna" / "topics" / "deprivation"
NOTEBOOK = ROOT / "notebooks" / "deprivation.ipynb"
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "data"
#: methods of jsna.editions.Edition that read a file
EDITION_READERS = {"index_lsoa", "lookup", "population", "lad_summaries"}
#: functions of jsna.areas that work on a frame they are given and read nothing (the one Core20
#: summary; codes_in, a fast Series.isin for area codes)
AREA_SUMMARIES = {"core20_summary", "core20_basis", "is_core20", "national_quintile", "codes_in"}


def _is_loader_module(name: str) -> bool:
    return name == "jsna.areas" or name == "jsna.load" or name.startswith("jsna.load.")


def _readers(path: Path) -> list[str]:
    """What a module imports from jsna.load / jsna.areas that can read (modules and functions, not
    constants), and the Edition methods that read which it calls."""
    import importlib

    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if _is_loader_module(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if node.module == "jsna" and a.name in ("areas", "load"):
                    out.append(f"jsna.{a.name}")
                elif _is_loader_module(node.module):
                    obj = getattr(importlib.import_module(node.module), a.name)
                    if (callable(obj) or type(obj).__name__ == "module") and a.name not in AREA_SUMMARIES:
                        out.append(f"{node.module}.{a.name}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EDITION_READERS:
            out.append(f"Edition.{node.func.attr}()")
    return out


def test_only_inputs_reads():
    readers = {p.name: _readers(p) for p in sorted(PACKAGE.glob("*.py"))}
    assert readers.pop("inputs.py"), "inputs.py reads nothing?"
    assert not {k: v for k, v in readers.items() if v}, readers


def test_no_catalogue_source_id_is_written_in_the_package_or_its_notebook():
    ids = set(load_catalogue())
    literals = {(p.name, n.value) for p in PACKAGE.glob("*.py")
                for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    literals |= {("notebook", n.value) for c in cells for n in ast.walk(ast.parse("".join(c["source"])))
                 if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not {(where, s) for where, s in literals if s in ids}


@pytest.fixture
def fixture_data(monkeypatch, tmp_path):
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(FIXTURES / "catalogue"))
    monkeypatch.setenv("JSNA_DATA_DIR", str(FIXTURES / "raw"))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    caches = (areas._england_lsoas, areas._england_msoas, areas._place_lsoas, areas._place_msoas)
    for fn in caches:
        fn.cache_clear()
    yield FIXTURES / "raw"
    for fn in caches:
        fn.cache_clear()


@pytest.mark.parametrize("edition", ["iod2025", "iod2019"])
def test_compute_returns_results_without_reader_text(fixture_data, edition):
    from jsna.report import headline_record

    P = load_place("rutland")
    read = inputs.load(P, None, edition)
    assert isinstance(read, inputs.Inputs) and read.edition == edition
    R = compute.compute(P, read)
    assert isinstance(R, compute.Results) and R.place is P and R.edition == edition
    assert isinstance(R.change, change.ChangeReport) and R.districts is None  # Rutland: one district
    words = {f: type(getattr(R, f)).__name__ for f in R.__dataclass_fields__
             if isinstance(getattr(R, f), str) and f != "edition"}
    assert not words, f"reader text in Results: {words}"
    n, most, least = R.named(5)
    assert n == 5 and len(most) == len(least) == 5
    assert [headline_record(**h)["id"] for h in text.headlines(R)] == [
        "imd_avg_score", "lsoas_decile1", "lsoas_decile1_pct", "core20_population", "core20_pct"]
