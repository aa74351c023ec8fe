"""The tale of two babies on the topic contract: ``inputs.load`` is the topic's only reader, ``compute()``
gives a :class:`Results` (numbers and frames, no reader text), and the notebook is one ``results`` call
followed by tables, figures and sentences."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jsna.indicators import indicators
from jsna.places import Area, Place
from jsna.topics.two_babies import compute, inputs, tables, text

from tests.support.code import imported_names

PKG = Path(compute.__file__).resolve().parent
NOTEBOOK = PKG.parents[3] / "notebooks" / "two_babies.ipynb"
#: calls that read files (jsna.areas' tables, boundaries, LA indicators, any catalogued source)
LOADER_CALL = re.compile(r"\b(?:areas\.(?:lsoas|england_lsoas|msoas|england_msoas)|lsoa_boundaries|la_indicators"
                         r"|read_source)\(")


def _lsoas(district: str, utla_name: str) -> pd.DataFrame:
    """30 LSOAs of 1,000 people in 15 MSOAs (each of 10 types three times), IMD score 10 - type."""
    rows = []
    for c in range(3):
        for i in range(10):
            rows.append({"lsoa11cd": f"{district}L{i}_{c}", "lad19cd": district, "msoa11cd": f"{district}M{i // 2}_{c}",
                         "utla19cd": district, "utla19nm": utla_name, "imd_score": 10.0 - i,
                         "imd_decile": [1, 1, 2, 3, 5, 6, 8, 9, 10, 10][i], "pop_total": 1000.0, "pop_0_15": 200.0,
                         "pop_60_plus": 250.0, "pop_working_age": 600.0, "income_score": 0.3 - 0.025 * i,
                         "idaci_score": 0.4 - 0.035 * i, "idaopi_score": 0.35 - 0.03 * i,
                         "employment_score": 0.2 - 0.015 * i})
    return pd.DataFrame(rows)


def _le(lsoas: pd.DataFrame) -> pd.DataFrame:
    """MSOA life expectancy shaped like OHID Local Health's (no intervals): 75 + k for boys, 80 + k for girls."""
    rows = []
    for m in sorted(lsoas["msoa11cd"].unique()):
        k = int(m.split("M")[1].split("_")[0])
        for sex, v in (("Male", 75.0 + k), ("Female", 80.0 + k)):
            rows.append({"msoa11cd": m, "sex": sex, "value": v})
    return pd.DataFrame(rows)


def _published(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Each authority's published value: its MSOAs (k = 0..4, equal populations) average 77.0 and 82.0."""
    return pd.DataFrame([{"area_code": c, "area_type": "UTLA (2021)", "sex": sex, "value": v}
                         for c in lsoas["utla19cd"].unique() for sex, v in (("Male", 77.0), ("Female", 82.0))])


def _inputs(*frames: pd.DataFrame) -> inputs.Inputs:
    lsoas = pd.concat(frames, ignore_index=True)
    return inputs.Inputs(lsoas=lsoas, le=_le(lsoas), le_published=_published(lsoas),
                         notes=["a note met while loading"], sii_repetitions=1000)


def _place(*areas: Area) -> Place:
    kind = "group" if len(areas) > 1 else "upper_tier"
    return Place(id="testshire", name="Testshire", kind=kind, upper_tier=areas, districts=areas)


def test_compute_returns_results_for_an_upper_tier_place():
    a = Area("E06000901", "Testshire")
    r = compute.compute(_place(a), _inputs(_lsoas(a.code, a.name)))
    assert isinstance(r, compute.Results)
    # life-course order; within a stage, the indicators that are part of the IMD (which defines the fifths) last
    inds = indicators(report="two_babies")
    stages = list(dict.fromkeys(i.stage for i in inds))
    assert list(r.table["indicator_id"]) == [i.id for i in sorted(inds, key=lambda i: (stages.index(i.stage),
                                                                                      i.part_of_grouping))]
    assert r.table["indicator_id"].iloc[0] != "idaci"  # the registry's first, an IMD domain, does not lead
    assert r.core20["n_lsoas"] == len(r.area) == 30 and r.core20["n_core20"] == 9
    assert set(r.sii) == {"Male", "Female"} and not np.isnan(r.sii["Male"]["value"])
    assert r.published_sii == {"Male": None, "Female": None}  # no LA indicators in these inputs
    assert r.side_by_side is None and r.fifth_mix is None
    assert r.notes == ["a note met while loading"] and text.data_notes(r)[0] == "a note met while loading"
    # the reader's tables and sentences are built from the results alone
    assert len(tables.display_table(r.table)) == len(r.table)
    assert len(text.check_lines(r)) == len(text.CHECK_IDS) + 1
    heads = text.headlines(r)
    assert heads[-1]["id"] == "core20_share" and heads[-1]["value"] == pytest.approx(30.0)
    assert text.summary_sentences(r)


def test_compute_puts_a_group_place_side_by_side():
    a, b = Area("E06000901", "Northshire"), Area("E06000902", "Southshire")
    r = compute.compute(_place(a, b), _inputs(_lsoas(a.code, a.name), _lsoas(b.code, b.name)))
    assert r.side_by_side is not None and r.side_by_side.names == ["Northshire", "Southshire"]
    assert set(r.side_by_side.tables) == {"Northshire", "Southshire"}
    assert r.fifth_mix is not None and set(r.fifth_mix["utla19nm"]) == {"Northshire", "Southshire"}
    assert r.published_sii == {"Male": None, "Female": None}  # a group Place has no published SII
    assert len(tables.fifth_mix_display(r.fifth_mix)) == len(r.fifth_mix)
    assert text.gap_sentences(r.side_by_side.overview, r.side_by_side.names)


def test_load_passes_the_notebook_settings_through(monkeypatch):
    seen = {}

    def england(data_dir=None):
        seen["data_dir"] = data_dir
        return inputs.Inputs(lsoas=pd.DataFrame())

    monkeypatch.setattr(inputs, "load_england", england)
    got = inputs.load(_place(Area("E06000901", "Testshire")), Path("/x"), seed=7, sii_repetitions=1000)
    assert (got.seed, got.sii_repetitions, seen["data_dir"]) == (7, 1000, Path("/x"))




def test_inputs_is_the_only_module_that_reads():
    readers = []
    for module in sorted(PKG.glob("*.py")):
        code = module.read_text(encoding="utf-8")
        if any(m == "jsna.load" or m.startswith("jsna.load.") for m in imported_names(module)) or LOADER_CALL.search(code):
            readers.append(module.name)
    assert readers == ["inputs.py"]


def test_no_catalogue_source_id_is_written_in_the_topic_or_its_notebook():
    from jsna.catalogue import load_catalogue

    ids = list(load_catalogue())
    texts = {p.name: p.read_text(encoding="utf-8") for p in PKG.glob("*.py")}
    texts[NOTEBOOK.name] = NOTEBOOK.read_text(encoding="utf-8")
    found = [(name, sid) for name, t in texts.items() for sid in ids
             if re.search(rf"""["']{re.escape(sid)}["']""", t)]
    assert found == []


def test_the_notebook_is_one_results_call_then_the_report():
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    code = ["".join(c["source"]) for c in cells]
    lines = [ln for src in code for ln in src.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    assert len(lines) <= 90
    assert sum('results("two_babies"' in src for src in code) == 1
    assert not any(re.search(r"\bcompute\.|\binputs\.", src) for src in code)
