"""Health Equity Audit on the topic contract: inputs.load is the only module that reads, compute()
returns Results (no reader text), and the notebook's text comes from text.py (hand-made fixture
inputs, no data needed)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from jsna import paths
from jsna.catalogue import load_catalogue
from jsna.places import load_place
from jsna.topics.health_equity_audit import compute, service_file, tables, text
from jsna.topics.health_equity_audit.inputs import Inputs

PACKAGE = paths.ROOT / "lib" / "jsna" / "topics" / "health_equity_audit"
NOTEBOOK = paths.NOTEBOOKS_DIR / "health_equity_audit.ipynb"
FIX = Path(__file__).resolve().parents[3] / "fixtures" / "hea"
FIX_LSOAS = {f"E01{i:06d}" for i in range(1, 11)}
#: jsna.areas functions that read (the rest of jsna.areas computes on frames it is given)
AREA_LOADERS = {"lsoas", "england_lsoas", "msoas", "unmatched_lsoas"}


def _reads(path: Path) -> list[str]:
    """What a module imports from jsna.load, or reads through jsna.areas."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "jsna.load" or node.module.startswith("jsna.load."):
                out.append(node.module)
            if node.module == "jsna.areas":
                out += [f"jsna.areas.{a.name}" for a in node.names if a.name in AREA_LOADERS]
            if node.module == "jsna":
                out += [f"jsna.{a.name}" for a in node.names if a.name == "load"]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name == "jsna.load" or a.name.startswith("jsna.load.")]
        elif isinstance(node, ast.Attribute) and node.attr in AREA_LOADERS:
            out.append(f"<areas>.{node.attr}")
    return out


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_only_inputs_reads(module):
    reads = _reads(module)
    if module.name == "inputs.py":
        assert reads, "inputs.py reads every input of the topic"
    else:
        assert not reads, f"{module.name} reads {reads}: only inputs.py calls loaders"


def test_no_catalogue_source_id_is_typed_in_the_topic():
    ids = set(load_catalogue())
    texts = {p.name: p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py")}
    texts[NOTEBOOK.name] = NOTEBOOK.read_text(encoding="utf-8")
    for name, code in texts.items():
        typed = {s for s in re.findall(r"""["']([a-z0-9_]+)["']""", code) if s in ids}
        assert not typed, f"{name} names catalogue source(s) {sorted(typed)}"


def _residents() -> tuple[pd.DataFrame, list[str]]:
    d = pd.DataFrame({"lsoa21cd": ["L1", "L2"], "asian": [100, 300], "black": [50, 50], "mixed": [10, 20],
                      "white": [800, 600], "other": [40, 30]})
    d["residents"] = d[["asian", "black", "mixed", "white", "other"]].sum(axis=1)
    return d, ["L1", "L2"]


def _inputs(**kw) -> Inputs:
    """The fixture file read as inputs.load reads a service file: validated, kept to the Place."""
    hea = service_file.read_hea(FIX / "good_lsoa.csv", lsoa_codes=FIX_LSOAS)
    kept, dropped = service_file.filter_to_place(hea, FIX_LSOAS)
    residents, lsoa21 = _residents()
    base = dict(ok=True, source=str(FIX / "good_lsoa.csv"), synthetic=False, errors=service_file.error_frame([]),
                hea=kept, dropped=dropped, area_codes=FIX_LSOAS, imd=pd.read_csv(FIX / "imd_fixture.csv"),
                lsoa21cds=lsoa21, residents_2021=residents, seed=2019, sii_repetitions=1000)
    return Inputs(**{**base, **kw})


def test_compute_returns_results_with_every_table():
    place = load_place("rutland")
    r = compute.compute(place, _inputs())
    assert isinstance(r, compute.Results) and r.ok and r.place is place
    # good_lsoa.csv: 500 eligible, 200 served
    assert int(r.rows["eligible"].sum()) == 500 and r.overall == pytest.approx(40.0)
    for name in ("by_national_quintile", "by_local_quintile", "by_ethnicity", "not_recorded", "census",
                 "not_recorded_by_practice", "not_recorded_worst", "by_practice", "overdispersion",
                 "by_practice_mix", "by_age"):
        assert getattr(r, name) is not None, name
    assert set(r.by_national_quintile["quintile"]) == {1, 2, 3, 4, 5} and "sii" in r.sii
    assert r.completeness["eligible"] == 500
    # the notebook's tables and text build from the results alone
    assert len(tables.not_recorded_display(r)) == 1 + len(r.not_recorded_worst)
    assert text.key_findings(r, "the service")[0].startswith("The file lists 500 people eligible")
    assert text.check_lines(r)[0] == "eligible=500 served=200 uptake=40.0%"
    assert [h["id"] for h in text.headlines(r)][:3] == ["eligible", "served", "uptake"]
    assert text.actions(r, "the service")


def test_compute_of_a_rejected_file_measures_nothing():
    _, errors = service_file.check_hea(FIX / "bad_rows.csv")
    r = compute.compute(load_place("rutland"), Inputs(ok=False, source="bad_rows.csv", synthetic=False,
                                                      errors=errors))
    assert isinstance(r, compute.Results) and not r.ok and r.by_national_quintile is None
    assert text.check_lines(r) == [f"input rejected: {len(errors)} problems"] and text.headlines(r) == []


def test_results_hold_no_reader_text():
    """compute.py builds no display table and imports no presentation or text module."""
    tree = ast.parse((PACKAGE / "compute.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in imported if m.endswith((".text", ".tables", ".charts", ".funnel_chart"))
                or m.startswith(("jsna.report", "jsna.maps", "matplotlib"))}


def test_notebook_is_short_and_keeps_its_check_cell():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [line for c in nb["cells"] if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
            if line.strip() and not line.strip().startswith("#")]
    assert len(code) <= 90
    check = [c for c in nb["cells"] if "# NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert len(check) == 1 and check[0]["outputs"]
    assert 'results("health_equity_audit"' in "".join("".join(c["source"]) for c in nb["cells"])
