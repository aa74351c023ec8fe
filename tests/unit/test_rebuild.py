"""Incremental builds, provenance, "Changed since" and ``make validate`` on tiny notebooks.

Two topic notebooks read one catalogued fixture file each (tests/fixtures/data) from a copied
data directory, for two Places: ``lad_score`` reads the IoD2019 LAD summaries, ``utla_count``
the LTLA -> UTLA lookup. One module-scoped sequence of builds (kernels are slow to start):
first build, no-op, swap the summaries file for one with a changed Rutland score (as a data
refresh: new file, new catalogue checksum), --force, a corrupt dependency record, a corrupt
headline history. The tests then check what each build did.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jsna.runner import build, changes, provenance, validate
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
LAD_FILE = "imd2019/iod2019_lad19_summaries_all_domains.csv"
UTLA_FILE = "geography/ons_ltla19_utla19_ew.csv"
PLACES = ["rutland", "leicester"]
RUTLAND_SCORE, NEW_SCORE = "8.381", "9.999"


def _nb(title: str, order: int, cells: list[str]) -> nbformat.NotebookNode:
    params = new_code_cell('place = "rutland"\ndata_dir = None\nparams_dir = None')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, *(new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["jsna"] = {"title": title, "order": order, "description": ""}
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    return nb


_READ = """import csv
from jsna import report
from jsna.catalogue import get_source
from jsna.load import verify_input
from jsna.places import load_place

P = load_place(place, params_dir)
src = get_source({sid!r})
verify_input(src, src.raw_path(data_dir))  # the one path of every catalogued read: it is recorded
with open(src.raw_path(data_dir), encoding="utf-8-sig", newline="") as fh:
    rows = list(csv.DictReader(fh))
"""

LAD_SCORE = _nb("LAD score", 1, [
    _READ.format(sid="imd2019_lad_summaries")
    + 'row = next(r for r in rows if r["Local Authority District code (2019)"] in P.upper_tier_codes)\n'
      'score = float(row["IMD - Average score"])\n'
      'report.paragraphs([f"{P.name}: IMD average score {score:.3f}."])',
    '# NBVAL_CHECK_OUTPUT\nprint(f"score {score:.3f}")',
    'report.about_the_data(data_dir=data_dir)\n'
    'report.headline("imd_avg_score", score, "score", "IoD2019", "IMD average score", decimals=3)\n'
    'report.headline("n_districts", len(rows), "districts", "IoD2019", "Districts in the file")',
])
UTLA_COUNT = _nb("UTLA count", 2, [
    _READ.format(sid="ons_ltla19_utla19")
    + 'n = sum(r["utla19_code"] in P.upper_tier_codes for r in rows)\n'
      'report.paragraphs([f"{P.name} has {n} lower-tier area(s)."])',
    'report.about_the_data(data_dir=data_dir)\n'
    'report.headline("n_ltlas", n, "areas", "April 2019", "Lower-tier areas")',
])


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_manifest(data: Path) -> None:
    lines = ["id\tpath\tsha256\tmethod\tobtained_from\tdate"]
    for sid, rel in (("imd2019_lad_summaries", LAD_FILE), ("ons_ltla19_utla19", UTLA_FILE)):
        lines.append(f"{sid}\t{rel}\t{_sha(data / rel)}\tcopy\t{FIXTURE_DATA / 'raw' / rel}\t2026-11-02T10:00:00Z")
    (data / "MANIFEST").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _swap_input(data: Path, catalogue: Path) -> None:
    """A data refresh: a new summaries file (Rutland's score changed) and its catalogue checksum."""
    f = data / LAD_FILE
    old_sha = _sha(f)
    text = f.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("E06000017,"))
    assert f",{RUTLAND_SCORE}," in line
    f.write_text(text.replace(line, line.replace(f",{RUTLAND_SCORE},", f",{NEW_SCORE},", 1)), encoding="utf-8")
    cat = catalogue / "fixtures.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace(old_sha, _sha(f)), encoding="utf-8")
    provenance_cache_clear()


def _swap_utla(data: Path, catalogue: Path) -> None:
    """A new release of the LTLA -> UTLA lookup (one district's name respelt) and its checksum."""
    f = data / UTLA_FILE
    old_sha = _sha(f)
    text = f.read_text(encoding="utf-8")
    assert "Rutland" in text
    f.write_text(text.replace("Rutland", "Rutland (county of)", 1), encoding="utf-8")
    cat = catalogue / "fixtures.yaml"
    cat.write_text(cat.read_text(encoding="utf-8").replace(old_sha, _sha(f)), encoding="utf-8")
    provenance_cache_clear()


def provenance_cache_clear() -> None:
    from jsna.catalogue import _load

    _load.cache_clear()


def _changed_section(index_html: str) -> str:
    m = re.search(r'<section class="jsna-changes".*?</section>', index_html, flags=re.S)
    assert m, "no Changed since section"
    return m.group(0)


@pytest.fixture(scope="module")
def sequence(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rebuild")
    nbdir = tmp / "notebooks"
    nbdir.mkdir()
    nbformat.write(LAD_SCORE, nbdir / "lad_score.ipynb")
    nbformat.write(UTLA_COUNT, nbdir / "utla_count.ipynb")
    data = tmp / "data"
    for rel in (LAD_FILE, UTLA_FILE):
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURE_DATA / "raw" / rel, data / rel)
    _write_manifest(data)
    catalogue = tmp / "catalogue"
    shutil.copytree(FIXTURE_DATA / "catalogue", catalogue)
    reports = tmp / "reports"
    mp = pytest.MonkeyPatch()
    mp.setenv("JSNA_CATALOGUE_DIR", str(catalogue))
    provenance_cache_clear()
    out: dict = {"reports": reports, "data": data, "notebooks": nbdir}

    def run(name: str, **kw) -> build.BuildSummary:
        t0 = time.perf_counter()
        s = build.build(PLACES, None, jobs=2, reports_dir=reports, data_dir=data, notebooks_dir=nbdir,
                        progress=False, **kw)
        out[f"{name}_s"] = time.perf_counter() - t0
        out[name] = s
        out[f"{name}_index"] = (reports / "index.html").read_text(encoding="utf-8")
        out[f"{name}_sources"] = (reports / "sources.html").read_text(encoding="utf-8")
        return s

    try:
        run("first")
        run("noop")
        out["valid"] = validate.validate("rutland", "lad_score", reports, data)
        _swap_input(data, catalogue)
        out["invalid"] = validate.validate("rutland", "lad_score", reports, data)
        run("swapped")
        run("forced", force=True)
        (reports / changes.DEPS_FILE).write_text('{"format": 1, "reports": [', encoding="utf-8")
        run("corrupt_deps")
        (reports / changes.HISTORY_FILE).write_text("not json", encoding="utf-8")
        run("corrupt_history")
        # a narrow build after the other topic's input changed: Rutland's LAD score only (forced,
        # since nothing it reads changed); the UTLA count reports are now out of date. The lookup
        # and its checksum are put back afterwards, so the tests of the final state see them as before.
        kept = (data / UTLA_FILE).read_bytes(), (catalogue / "fixtures.yaml").read_bytes()
        _swap_utla(data, catalogue)
        out["narrow"] = build.build(["rutland"], ["lad_score"], jobs=1, reports_dir=reports, data_dir=data,
                                    notebooks_dir=nbdir, progress=False, force=True)
        out["narrow_index"] = (reports / "index.html").read_text(encoding="utf-8")
        (data / UTLA_FILE).write_bytes(kept[0])
        (catalogue / "fixtures.yaml").write_bytes(kept[1])
        provenance_cache_clear()
        yield out
    finally:
        mp.undo()
        provenance_cache_clear()


ALL = {f"{p}/{t}" for p in PLACES for t in ("lad_score", "utla_count")}


@pytest.mark.kernel
def test_first_build_builds_all_and_says_no_earlier_build(sequence):
    s = sequence["first"]
    assert s.ok, s.text()
    assert set(s.outcome().values()) == {"built"} and set(s.outcome()) == ALL
    assert "There is no earlier build to compare with" in _changed_section(sequence["first_index"])


@pytest.mark.kernel
def test_noop_rebuild_runs_nothing(sequence):
    s = sequence["noop"]
    assert s.results == [] and set(s.up_to_date) == ALL
    assert "rutland/lad_score: up to date" in s.text()
    assert "Built 0, up to date 4, failed 0 of 4" in s.text()
    assert sequence["noop_s"] < 2.0


@pytest.mark.kernel
def test_noop_rebuild_imports_no_heavy_library(sequence):
    code = ("import sys; from jsna.runner.cli import main; "
            f"rc = main(['--place', *{PLACES!r}, '--reports-dir', {str(sequence['reports'])!r}, "
            f"'--data-dir', {str(sequence['data'])!r}, '--notebooks-dir', {str(sequence['notebooks'])!r}, "
            "'--no-progress']); "
            "heavy = [m for m in ('pandas', 'numpy', 'papermill', 'nbconvert', 'jupyter_client') if m in sys.modules]; "
            "print('HEAVY', heavy); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "up to date 4" in proc.stdout and "HEAVY []" in proc.stdout


@pytest.mark.kernel
def test_one_changed_input_rebuilds_only_its_readers(sequence):
    s = sequence["swapped"]
    assert s.ok, s.text()
    assert s.outcome() == {"leicester/lad_score": "built", "rutland/lad_score": "built",
                           "leicester/utla_count": "up to date", "rutland/utla_count": "up to date"}
    assert s.reasons["rutland/lad_score"] == "input imd2019_lad_summaries changed"


@pytest.mark.kernel
def test_changed_since_names_exactly_the_figure_that_moved(sequence):
    sec = _changed_section(sequence["swapped_index"])
    assert re.findall(r'data-jsna-figure="([^"]+)"', sec) == ["imd_avg_score"]
    assert f"IMD average score: {RUTLAND_SCORE} score → {NEW_SCORE} score (IoD2019)" in sec
    # both LAD score reports read the new file; only Rutland's figure moved
    leicester = sec[sec.index(">Leicester: LAD score</h3>"):sec.index(">Rutland: LAD score</h3>")]
    assert "No headline figure moved." in leicester and 'data-jsna-input="imd2019_lad_summaries"' in leicester
    assert re.findall(r'data-jsna-input="([^"]+)"', sec) == ["imd2019_lad_summaries"] * 2
    assert "Not rebuilt (nothing they depend on changed): Leicester: UTLA count; Rutland: UTLA count" in sec
    assert "Rebuilt, with no headline figure or input changed" not in sec


@pytest.mark.kernel
def test_force_rebuilds_all_and_nothing_moves(sequence):
    s = sequence["forced"]
    assert set(s.outcome().values()) == {"built"}
    assert all(r == "--force" for r in s.reasons.values())
    sec = _changed_section(sequence["forced_index"])
    assert "data-jsna-figure" not in sec and "data-jsna-input" not in sec
    assert "Nothing changed: no headline figure moved and no input's checksum changed" in sec
    assert "<h3>" not in sec and "LAD score" not in sec  # nothing listed


@pytest.mark.kernel
@pytest.mark.parametrize("which,what", [("corrupt_deps", "dependency record"),
                                        ("corrupt_history", "headline history")])
def test_corrupt_record_says_so_and_rebuilds_all(sequence, which, what):
    s = sequence[which]
    assert s.ok and set(s.outcome().values()) == {"built"}, s.text()
    assert any(what in n and "Rebuilding every report" in n for n in s.notices)
    assert "warning: " in s.text()
    reports = sequence["reports"]
    assert list(reports.glob(f"{changes.DEPS_FILE if which == 'corrupt_deps' else changes.HISTORY_FILE}.corrupt-*"))
    data, problem = changes.read_deps(reports)
    assert problem == "" and set(data["reports"]) == ALL  # written again as each report was published


@pytest.mark.kernel
def test_provenance_in_page_notebook_and_index(sequence):
    reports = sequence["reports"]
    page = (reports / "rutland" / "lad_score.html").read_text(encoding="utf-8")
    sha = _sha(sequence["data"] / LAD_FILE)
    assert f"File sha256 {sha[:12]}" in page
    assert "differs from the one recorded in MANIFEST" in page  # the swapped file is not the MANIFEST's
    assert "Code version " in page and provenance.code_version() in page
    assert "application/vnd.jsna.headline" not in page  # the records stay in the .ipynb
    nb = json.loads((reports / "rutland" / "utla_count.ipynb").read_text(encoding="utf-8"))
    prov = nb["metadata"]["jsna"]["provenance"]
    assert prov["code_version"] == provenance.code_version() and prov["build_date"]
    (inp,) = prov["inputs"]
    assert inp["id"] == "ons_ltla19_utla19" and inp["sha256"] == _sha(sequence["data"] / UTLA_FILE)
    assert inp["fetched"] == "2026-11-02T10:00:00Z" and inp["period"]
    assert nb["metadata"]["jsna"]["headlines"][0]["id"] == "n_ltlas"
    index = sequence["corrupt_history_sources"]  # the sources page, linked from every footer
    assert f"File sha256 {sha[:12]}" in index and re.search(r"(copied|downloaded)[^.]* 2 November 2026", index)


@pytest.mark.kernel
def test_validate_passes_unchanged_and_names_the_swapped_input(sequence):
    rc, text = sequence["valid"]
    assert rc == 0, text
    assert "VALID" in text and "passed" in text
    rc, text = sequence["invalid"]
    assert rc == 1
    assert "input imd2019_lad_summaries" in text and LAD_FILE in text
    assert "ons_ltla19_utla19" not in text
    assert "running:" not in text  # nbval not started on different data


def test_validate_missing_notebook_says_how_to_build(tmp_path):
    rc, text = validate.validate("rutland", "nope", tmp_path)
    assert rc == 2 and "make reports PLACES=rutland TOPICS=nope" in text


# ------------------------------------------------------------------------------------------
# interrupted build: only published reports are recorded
# ------------------------------------------------------------------------------------------
@pytest.mark.kernel
def test_interrupted_build_records_only_published_reports(tmp_path):
    fixtures = ROOT / "tests" / "fixtures" / "notebooks"
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    for name in ("hello", "slow"):
        shutil.copy(fixtures / f"{name}.ipynb", nbdir / f"{name}.ipynb")
    reports = tmp_path / "reports"
    proc = subprocess.Popen([sys.executable, "-m", "jsna", "build", "--place", "rutland", "--jobs", "2",
                             "--notebooks-dir", str(nbdir), "--reports-dir", str(reports), "--no-progress"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        deadline = time.time() + 120
        while not (reports / "rutland" / "hello.html").exists():
            assert time.time() < deadline and proc.poll() is None, "hello was not published"
            time.sleep(0.2)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    data, problem = changes.read_deps(reports)
    assert problem == ""
    assert set(data["reports"]) == {"rutland/hello"}
    assert not (reports / "rutland" / "slow.html").exists()


@pytest.mark.kernel
def test_after_a_narrow_build_reports_whose_input_changed_are_out_of_date(sequence):
    s = sequence["narrow"]
    assert s.ok and s.outcome() == {"rutland/lad_score": "built"}, s.text()
    sec = _changed_section(sequence["narrow_index"])
    # the UTLA count reports read the changed lookup: never "nothing they depend on changed"
    assert ("Out of date (not rebuilt by this build, although something they depend on changed; "
            "the next full build brings them up to date):\nLeicester: UTLA count (input ons_ltla19_utla19 changed); "
            "Rutland: UTLA count (input ons_ltla19_utla19 changed).") in sec
    # Rutland's LAD score was rebuilt with nothing moved; Leicester's is not rebuilt and up to date
    assert "Nothing changed: no headline figure moved and no input's checksum changed\n" \
           "(1 report(s) rebuilt, 1 not rebuilt)." in sec
    assert "nothing they depend on changed" not in sec


def test_changes_diff_separates_reports_out_of_date_from_those_up_to_date():
    snap = {k: {"built": "2026-12-01T10:00:00+00:00", "title": t, "place_name": p, "order": 1,
                "headlines": {}, "inputs": {}}
            for k, p, t in (("rutland/a", "Rutland", "A"), ("rutland/b", "Rutland", "B"))}
    got = changes.diff(snap, snap, {"rutland/b": "input x changed"})
    assert got["not_rebuilt"] == ["Rutland: A"]
    assert got["out_of_date"] == [{"name": "Rutland: B", "why": "input x changed"}]
    assert not got["nothing"]
    assert changes.diff(snap, snap)["not_rebuilt"] == ["Rutland: A", "Rutland: B"]
