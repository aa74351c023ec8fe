"""covid_impact on the topic contract (jsna.topics): ``inputs.load(place, data_dir, **params)`` is the only
module of the package that calls loaders, ``compute(place, inputs)`` returns a :class:`Results` of numbers
and tidy frames, and neither the package nor its notebook names a catalogue source."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from jsna.topics.covid_impact import compute, inputs
from test_covid_compute import TESTFORD, _synthetic_inputs

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "lib" / "jsna" / "topics" / "covid_impact"
NOTEBOOK = ROOT / "notebooks" / "covid_impact.ipynb"
#: the readers of jsna.areas (the LSOA and MSOA area tables); its other functions compute
AREA_LOADERS = {"lsoas", "england_lsoas", "msoas", "england_msoas"}


def _loader_uses(path: Path) -> list[str]:
    """What a module takes from the loaders: any function of jsna.load and its modules (constants and
    exceptions are not reads), and the area tables of jsna.areas."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    area_aliases, out = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("jsna.load")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                if node.module == "jsna" and a.name == "load":
                    out.append("jsna.load")
                elif node.module == "jsna" and a.name == "areas":
                    area_aliases.add(a.asname or a.name)
                elif node.module.startswith("jsna.load") and not (a.name.isupper() or a.name.endswith("Error")):
                    out.append(f"{node.module}.{a.name}")
                elif node.module == "jsna.areas" and a.name in AREA_LOADERS:
                    out.append(f"jsna.areas.{a.name}")
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in area_aliases and node.attr in AREA_LOADERS):
            out.append(f"jsna.areas.{node.attr}")
    return out


def test_only_inputs_calls_loaders():
    modules = sorted(PACKAGE.glob("*.py"))
    assert PACKAGE / "inputs.py" in modules
    uses = {p.name: _loader_uses(p) for p in modules}
    assert uses.pop("inputs.py"), "inputs.py should be the module that reads"
    assert not {k: v for k, v in uses.items() if v}, uses


def test_no_catalogue_source_id_in_the_package_or_its_notebook():
    from jsna.catalogue import load_catalogue

    ids = set(load_catalogue())
    for path in sorted(PACKAGE.glob("*.py")):
        strings = {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        assert not strings & ids, (path.name, sorted(strings & ids))
    code = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
    named = [i for i in ids if re.search(rf"""["']{re.escape(i)}["']""", code)]
    assert not named, named


def test_compute_returns_results_of_numbers_and_frames():
    r = compute.compute(TESTFORD, _synthetic_inputs(), seed=1)
    assert isinstance(r, compute.Results) and r.place is TESTFORD
    names = {f.name for f in dataclasses.fields(compute.Results)}
    assert not {n for n in names if n.endswith(("_table", "_sentence", "_text", "caption"))}, names
    assert isinstance(r.msoa, pd.DataFrame) and isinstance(r.whole, pd.DataFrame)
    assert r.totals["cases"]["place"]["total"] == 5_100  # tests/unit/topics/covid_impact/test_covid_compute.py, by hand


def test_results_passes_the_seed_through_inputs(monkeypatch):
    """jsna.topics.results: the notebook's one call, its ``seed`` travelling to inputs.load and so to the SII."""
    from jsna.topics import results

    seen = {}

    def load(place, data_dir=None, seed=2019):
        seen.update(data_dir=data_dir, seed=seed)
        return dataclasses.replace(_synthetic_inputs(), seed=seed)

    monkeypatch.setattr(inputs, "load", load)
    r = results("covid_impact", TESTFORD, None, None, seed=1)
    assert isinstance(r, compute.Results) and seen == {"data_dir": None, "seed": 1}
    # the SII's simulated limits are those of seed 1, not of the default seed 2019
    assert r.deaths_gap == compute.compute(TESTFORD, _synthetic_inputs(), seed=1).deaths_gap
    assert r.deaths_gap["sii_lower"] != compute.compute(TESTFORD, _synthetic_inputs()).deaths_gap["sii_lower"]


@pytest.mark.parametrize(("msoas", "drawn"), [(["A"], False), (["A", "B"], True)])
def test_boundaries_are_read_only_where_a_map_is_drawn(msoas, drawn):
    vacc = pd.DataFrame({"msoa11cd": ["Z"]})
    assert inputs.maps_drawn(msoas, vacc) is drawn
    assert inputs.maps_drawn(["Z"], vacc) and inputs.vaccination_covers(["Z"], vacc)
    assert not inputs.vaccination_covers([], vacc)
