"""`python -m jsna build --param TOPIC.NAME=VALUE` (and its aliases --deprivation-index, --hea-input):
a parameter is checked against the topic's spec (or, for a notebook without a topic package, its
parameters cell), reaches that topic's notebook only, and is part of its dependency record, so
changing it rebuilds it while the other reports stay up to date."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from jsna.__main__ import main as cli_main
from jsna.runner import build
from jsna.runner.topics import BuildError, discover_topics, notebook_parameters

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _notebooks(tmp: Path) -> Path:
    """hello (no deprivation_index parameter) and dep (hello with one, printed in a cell)."""
    d = tmp / "notebooks"
    d.mkdir()
    shutil.copy(FIXTURES / "hello.ipynb", d / "hello.ipynb")
    nb = nbformat.read(FIXTURES / "hello.ipynb", as_version=4)
    nb.metadata["jsna"] = {"title": "Dep report", "order": 2}
    nb.cells[0].source += '\ndeprivation_index = None  # "iod2025" or "iod2019"'
    nb.cells.append(nbformat.v4.new_code_cell("print(f'index: {deprivation_index}')"))
    nbformat.write(nb, d / "dep.ipynb")
    return d


def test_a_topics_parameters_come_from_its_spec_or_its_parameters_cell(tmp_path):
    topics = {t.id: t for t in discover_topics(_notebooks(tmp_path))}
    assert [p.name for p in topics["dep"].params] == ["deprivation_index"]  # no package: its parameters cell
    assert topics["hello"].params == ()  # place, data_dir and params_dir are the runner's
    real = {t.id: t for t in discover_topics()}
    for t in real.values():  # every spec parameter is one the notebook's parameters cell declares
        assert {p.name for p in t.params} <= set(notebook_parameters(t.path)), t.id
    assert real["deprivation"].params[0].choices == ("iod2025", "iod2019")
    assert real["two_babies"].params == ()


def test_bad_parameters_are_refused_before_anything_runs(tmp_path, capsys):
    kw = {"reports_dir": tmp_path / "r", "progress": False, "pdf": False}
    with pytest.raises(BuildError, match="iod2025, iod2019"):
        build.build(["rutland"], None, params={"deprivation": {"deprivation_index": "iod2015"}}, **kw)
    with pytest.raises(BuildError, match=r"topic 'two_babies' has no parameter 'edition' \(its parameters: none\)"):
        build.build(["rutland"], None, params={"two_babies": {"edition": "x"}}, **kw)
    with pytest.raises(BuildError, match="no topic 'nope' in this build"):
        build.build(["rutland"], None, params={"nope": {"x": "1"}}, **kw)
    assert not (tmp_path / "r").exists()
    with pytest.raises(SystemExit) as exc:
        cli_main(["build", "--deprivation-index", "iod2015", "--reports-dir", str(tmp_path / "r2")])
    assert exc.value.code == 2 and "invalid choice: 'iod2015'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli_main(["build", "--param", "deprivation_index=iod2019", "--reports-dir", str(tmp_path / "r2")])
    assert exc.value.code == 2 and "TOPIC.NAME=VALUE" in capsys.readouterr().err


def _printed(reports: Path, topic: str) -> str:
    nb = json.loads((reports / "rutland" / f"{topic}.ipynb").read_text(encoding="utf-8"))
    return "".join("".join(o.get("text", "")) for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])


@pytest.mark.kernel
def test_option_reaches_the_notebook_and_a_change_rebuilds(tmp_path):
    nbdir, reports = _notebooks(tmp_path), tmp_path / "reports"
    kw = {"reports_dir": reports, "notebooks_dir": nbdir, "progress": False, "pdf": False, "jobs": 1}
    first = build.build(["rutland"], None, **kw)
    assert first.ok and sorted(first.outcome().values()) == ["built", "built"]
    assert "index: None" in _printed(reports, "dep")
    second = build.build(["rutland"], None, params={"dep": {"deprivation_index": "iod2019"}}, **kw)
    assert second.outcome() == {"rutland/dep": "built", "rutland/hello": "up to date"}
    assert second.reasons["rutland/dep"] == "input dep.deprivation_index changed"
    assert "index: iod2019" in _printed(reports, "dep")
    third = build.build(["rutland"], None, params={"dep": {"deprivation_index": "iod2019"}}, **kw)
    assert third.outcome() == {"rutland/dep": "up to date", "rutland/hello": "up to date"}
    fourth = build.build(["rutland"], None, **kw)  # back to each Place's own index
    assert fourth.outcome()["rutland/dep"] == "built" and "index: None" in _printed(reports, "dep")


def test_the_first_fetch_of_a_live_source_is_a_dependency_of_every_report(tmp_path):
    """An indicator reads its live Fingertips source only once the file is held, so the set of
    held live sources is part of each report's dependency record: the first fetch rebuilds."""
    from jsna.catalogue import get_source
    from jsna.runner.build import _live_sources_record

    before = _live_sources_record(tmp_path)
    assert before[0]["sha256"] == "none"
    f = get_source("fingertips_live_90366").raw_path(tmp_path)
    f.parent.mkdir(parents=True)
    f.write_text("Indicator ID\n", encoding="utf-8")
    assert "fingertips_live_90366" in _live_sources_record(tmp_path)[0]["sha256"]
