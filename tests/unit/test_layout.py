"""The code layout the README describes: one package per topic notebook, topics independent of
each other, computation independent of presentation, one definition of each shared fact."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.support.code import imported_names

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "lib" / "jsna"
TOPICS = LIB / "topics"
PRESENTATION = ("jsna.maps", "jsna.palette", "jsna.report", "matplotlib", "folium", "seaborn")




def test_one_topic_package_per_notebook():
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))
    packages = sorted(p.name for p in TOPICS.iterdir() if (p / "__init__.py").exists())
    assert packages == notebooks


TOPIC_PACKAGES = sorted(p.name for p in TOPICS.iterdir() if (p / "__init__.py").exists())


@pytest.mark.parametrize("topic", TOPIC_PACKAGES)
def test_no_topic_imports_another(topic):
    """A topic may import the spec types of jsna.topics, never another topic package."""
    for module in (TOPICS / topic).glob("*.py"):
        others = {m for m in imported_names(module) if m.startswith("jsna.topics.")
                  and m.split(".")[2] in TOPIC_PACKAGES and m.split(".")[2] != topic}
        assert not others, f"{module.relative_to(ROOT)} imports {sorted(others)}"


@pytest.mark.parametrize("topic", TOPIC_PACKAGES)
def test_every_topic_declares_its_spec(topic):
    """The runner knows a topic only through its TOPIC spec: id, title, order, description, parameters."""
    import importlib

    from jsna.topics import TopicSpec, discover

    spec = importlib.import_module(f"jsna.topics.{topic}").TOPIC
    assert isinstance(spec, TopicSpec) and spec.id == topic and spec.title and spec.description
    assert discover()[topic] is spec


def test_the_runner_names_no_topic_and_no_place():
    """Topics and Places reach the runner as data (specs, params files), never by name in its code."""
    names = [*TOPIC_PACKAGES, *(p.stem for p in (ROOT / "params").glob("*.yaml"))]
    for module in (LIB / "runner").glob("*.py"):
        code = module.read_text(encoding="utf-8")
        named = [n for n in names if re.search(rf"[\"']{n}[\"'.]", code)]
        assert not named, f"{module.relative_to(ROOT)} names {named}"


@pytest.mark.parametrize("module", sorted(TOPICS.glob("*/compute.py")), ids=lambda p: p.parent.name)
def test_computation_does_not_import_presentation(module):
    bad = {m for m in imported_names(module) if m.startswith(PRESENTATION)}
    assert not bad, f"{module.relative_to(ROOT)} imports presentation modules {sorted(bad)}"


@pytest.mark.parametrize(("pattern", "home"), [
    (r"^\s*CORE20_DECILES\s*(:[^=]+)?=", "areas.py"),
    (r"^\s*ENGLAND_CODE\s*(:[^=]+)?=", "places.py"),
    (r"""^[^#\n]*["']E92000001["']""", "places.py"),
    (r"^def (lsoas|msoas)\(", "areas.py"),
])
def test_one_definition_of_each_shared_fact(pattern, home):
    rx = re.compile(pattern, re.M)
    where = sorted(str(p.relative_to(LIB)) for p in LIB.rglob("*.py") if rx.search(p.read_text(encoding="utf-8")))
    assert where == [home], f"{pattern!r} is defined in {where}, expected only in {home}"


def test_every_figure_builder_returns_a_chart():
    """One shape for every figure: jsna.report.Chart (figure, alt text, text description)."""
    bad = []
    for module in sorted(TOPICS.glob("*/*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                returns = [n for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
                makes_fig = any(isinstance(n, ast.Name) and n.id == "fig" for r in returns
                                for n in ast.walk(r.value))
                if makes_fig and (node.returns is None or ast.unparse(node.returns) != "Chart"):
                    bad.append(f"{module.relative_to(ROOT)}:{node.name}")
    assert not bad, f"figure builders not returning jsna.report.Chart: {bad}"


#: wording helpers three computes still import, to word their data notes (rows "not available because ...",
#: zero-filled days, rejected practices): a debt of the contract, listed exactly so that it can only shrink
WORDING_IN_COMPUTE = {
    "covid_impact": {"jsna.words", "jsna.words.join_names", "jsna.words.plural"},
    "health_equity_audit": {"jsna.words", "jsna.words.fmt_number", "jsna.words.join_names", "jsna.words.plural"},
    "two_babies": {"jsna.words", "jsna.words.plural", "jsna.words.shown_difference"},
}


def _code_lines(nb_path: Path) -> int:
    import json

    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines()
               if line.strip() and not line.strip().startswith("#"))


def _loader_imports(path: Path) -> set[str]:
    """What a module takes from jsna.load other than constants and classes (DataError): its reading functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("jsna.load")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jsna.load"):
            out |= {f"{node.module}.{a.name}" for a in node.names if not a.name[0].isupper()}
        elif isinstance(node, ast.ImportFrom) and node.module == "jsna" and any(a.name == "load" for a in node.names):
            out.add("jsna.load")
    return out


def _catalogue_ids() -> set[str]:
    from jsna.catalogue import load_catalogue

    return set(load_catalogue())


@pytest.mark.parametrize("topic", TOPIC_PACKAGES)
def test_every_topic_has_the_same_contract(topic):
    """inputs.load -> compute -> Results, then tables, charts and text; the notebook is parameters, one results
    call and presentation: at most 90 code lines, no catalogue id written anywhere in the topic."""
    import importlib
    import inspect

    pkg = TOPICS / topic
    inputs = importlib.import_module(f"jsna.topics.{topic}.inputs")
    compute = importlib.import_module(f"jsna.topics.{topic}.compute")
    assert callable(getattr(inputs, "load", None)), f"{topic}: inputs.load missing"
    assert list(inspect.signature(inputs.load).parameters)[:2] == ["place", "data_dir"]
    assert callable(getattr(compute, "compute", None)) and inspect.isclass(getattr(compute, "Results", None))
    for part in ("tables", "charts", "text"):
        assert (pkg / f"{part}.py").is_file(), f"{topic}: {part}.py missing"
    # compute formats no reader text: it imports none of the presentation or wording modules
    banned = ("jsna.words", f"jsna.topics.{topic}.text", f"jsna.topics.{topic}.tables",
              f"jsna.topics.{topic}.charts", *PRESENTATION)
    bad = {m for m in imported_names(pkg / "compute.py") if m.startswith(banned)}
    assert bad == WORDING_IN_COMPUTE.get(topic, set()), f"{topic}/compute.py imports {sorted(bad)}"
    # only inputs.py reads: elsewhere in the package nothing but constants comes from the loaders
    for module in pkg.glob("*.py"):
        if module.name != "inputs.py":
            loads = _loader_imports(module)
            assert not loads, f"{module.relative_to(ROOT)} imports loaders {sorted(loads)}: reads belong in inputs.py"
    nb = ROOT / "notebooks" / f"{topic}.ipynb"
    assert _code_lines(nb) <= 90, f"{nb.name}: {_code_lines(nb)} code lines (at most 90)"
    ids = _catalogue_ids()
    for path in [*pkg.glob("*.py"), nb]:
        literals = set(re.findall(r"""["']([a-z0-9_]+)["']""", path.read_text(encoding="utf-8")))
        named = sorted(literals & ids)
        assert not named, f"{path.relative_to(ROOT)} names catalogue source(s) {named}: a loader names its source"


@pytest.mark.parametrize("topic", TOPIC_PACKAGES)
def test_each_topic_has_its_unit_tests_and_readme(topic):
    """tests/unit mirrors lib: a topic's unit tests live in tests/unit/topics/<id>/; its README says its
    method, outputs and limits."""
    assert list((ROOT / "tests" / "unit" / "topics" / topic).glob("test_*.py")), f"no tests/unit/topics/{topic}/"
    readme = TOPICS / topic / "README.md"
    assert readme.is_file() and len(readme.read_text(encoding="utf-8").split()) > 80, f"{topic}: README.md"
