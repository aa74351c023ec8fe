"""Integration: the Rutland reports for every topic present in notebooks/, built from data/raw by
`python -m jsna build --place rutland` (once per session: see ``rutland_reports`` in conftest.py)."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from jsna.offline import external_resources
from jsna.runner.publish import BUILD_FILE, LOGS, STAGING

from tests.support.topics import published_topic_ids

pytestmark = pytest.mark.integration

TOPICS = published_topic_ids()
HTML_LIMIT = 3 * 2**20  # issue 7: every report under 3 MB


def test_there_are_topics():
    assert TOPICS, "no notebook in notebooks/ has 'jsna' metadata"


def test_every_topic_built_without_failure(rutland_reports):
    rec = json.loads((rutland_reports / BUILD_FILE).read_text())
    runs = {r["topic"]: r for r in rec["runs"] if r["place"] == "rutland"}
    missing = sorted(set(TOPICS) - set(runs))
    failed = {t: f"{r['ename'] or 'error'} in cell {r['cell']}: {r['evalue'] or r['error']}"
              for t, r in runs.items() if not r["ok"]}
    assert not missing, f"topics not run: {missing}"
    assert not failed, f"failed Rutland runs (logs in {rutland_reports / LOGS}):\n" + "\n".join(
        f"  {t}: {e}" for t, e in failed.items())


@pytest.mark.parametrize("topic", TOPICS)
def test_report_is_complete_offline_and_small(rutland_reports, topic):
    page_path = rutland_reports / "rutland" / f"{topic}.html"
    assert page_path.exists(), f"{page_path} missing"
    page = page_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<title>" in page and "Rutland" in page[: page.index("</title>")]
    assert external_resources(page) == [], "page loads something from the network"
    assert page_path.stat().st_size < HTML_LIMIT, f"{topic}.html is {page_path.stat().st_size / 2**20:.1f} MB"
    assert "Traceback (most recent call last)" not in page
    assert not re.search(r"\b\w+Warning:", page), "a Python warning is shown to the reader"


@pytest.mark.parametrize("topic", TOPICS)
def test_executed_notebook_kept_with_rutland_parameters(rutland_reports, topic):
    nb = nbformat.read(rutland_reports / "rutland" / f"{topic}.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and 'place = "rutland"' in injected[0].source
    assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code" and c.source.strip())


def test_index_lists_every_rutland_report(rutland_reports):
    index = (rutland_reports / "index.html").read_text(encoding="utf-8")
    for topic in TOPICS:
        assert f'href="rutland/{topic}.html"' in index
    sources = (rutland_reports / "sources.html").read_text(encoding="utf-8")
    assert "Data sources" in sources and "Open Government Licence" in sources and 'href="sources.html"' in index
    assert external_resources(index) == []


def test_nothing_half_written_left_behind(rutland_reports):
    assert not (rutland_reports / STAGING).exists()
    leftovers = [p for p in rutland_reports.rglob("*") if p.suffix in (".part", ".tmp")]
    assert leftovers == []


def _sanitisers() -> list[tuple[re.Pattern, str]]:
    """The nbval sanitisers (folium ids, timestamps, paths, addresses) from tests/nbval_sanitize.cfg."""
    import configparser
    from pathlib import Path

    cfg = configparser.ConfigParser()
    cfg.read(Path(__file__).resolve().parents[1] / "nbval_sanitize.cfg")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _outputs(nb) -> list[str]:
    subs = _sanitisers()
    shown = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            parts = [out.get("text", "")] + [str(v) for v in out.get("data", {}).values()]
            text = "".join(parts)
            for rx, rep in subs:
                text = rx.sub(rep, text)
            shown.append(text)
    return shown


@pytest.mark.slow
def test_warm_kernels_give_the_same_reports_as_fresh_kernels(rutland_reports, rutland_builder, tmp_path):
    """The shared build reuses each worker's kernel between runs (jsna.kernel); building again with
    a new kernel for every run must give the same outputs, cell by cell (images included)."""
    proc = rutland_builder(tmp_path, "--fresh-kernels", "--jobs", "1")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for topic in TOPICS:
        warm = nbformat.read(rutland_reports / "rutland" / f"{topic}.ipynb", as_version=4)
        fresh = nbformat.read(tmp_path / "rutland" / f"{topic}.ipynb", as_version=4)
        a, b = _outputs(warm), _outputs(fresh)
        assert len(a) == len(b), topic
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        assert not diff, f"{topic}: outputs {diff} differ between a warm and a fresh kernel"


def test_no_machine_path_in_any_published_file(rutland_reports):
    """Issue 13 item 7 / issue 17: no published file (html, ipynb, csv, pdf text and links) holds the
    absolute path of the repository or of the reports directory. The build's own state in
    .build/ is not published."""
    import subprocess
    from pathlib import Path

    from jsna import paths

    needles = {str(p) for root in (paths.ROOT, Path(rutland_reports)) for p in (root, root.resolve())}
    published = [p for p in Path(rutland_reports).rglob("*")
                 if p.is_file() and ".build" not in p.relative_to(rutland_reports).parts]
    assert any(p.suffix == ".ipynb" for p in published)
    hits = []
    for p in published:
        text = p.read_bytes().decode("utf-8", errors="replace")  # the PDF's link URIs are plain text
        if p.suffix == ".pdf":
            proc = subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=False) \
                if shutil.which("pdftotext") else None
            text += proc.stdout if proc else ""
        hits += [f"{p.relative_to(rutland_reports)}: {n}" for n in needles if n in text]
    assert not hits, "absolute build paths published:\n" + "\n".join(hits)
