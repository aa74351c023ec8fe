"""The series runner on tiny fixture notebooks (tests/fixtures/notebooks): discovery, success,
a failing notebook (others publish, summary names it, exit 1), atomic publish (the old report
survives a failed rebuild), offline HTML, escaping of data strings, and the index page.

Each build starts real Jupyter kernels, so builds are shared by the tests of a class.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from jsna.__main__ import main as cli_main
from jsna.runner import build, publish
from jsna.runner.publish import BUILD_FILE, LOGS, STAGING
from jsna.runner.topics import BuildError, discover_topics, select_topics

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
PARAMS = Path(__file__).resolve().parents[2] / "params"


def _notebooks(tmp: Path, names: dict[str, str]) -> Path:
    """A notebooks dir holding fixture notebooks, as {topic name: fixture name}."""
    d = tmp / "notebooks"
    d.mkdir(exist_ok=True)
    for topic, fixture in names.items():
        shutil.copy(FIXTURES / f"{fixture}.ipynb", d / f"{topic}.ipynb")
    return d


def _no_network_tags(html_text: str) -> list[str]:
    return re.findall(r"<(?:script|link|img|iframe)\b[^>]*(?:src|href)=[\"']?(?:https?:)?//[^>]*>",
                      html_text, flags=re.I)


# ------------------------------------------------------------------------------------------
# discovery (no kernels)
# ------------------------------------------------------------------------------------------
def test_discover_topics_reads_metadata_and_skips_plain_notebooks():
    topics = discover_topics(FIXTURES)
    assert [t.id for t in topics] == ["hello", "failing", "slow", "reads_data", "crash"]  # "order" 1-5
    assert topics[0].title == "Hello report"
    assert "scratch_not_a_topic" not in {t.id for t in topics}


def test_unknown_topic_lists_valid_topics():
    with pytest.raises(BuildError, match=r"Unknown topic\(s\) nope\. Valid topics: hello, failing, slow, reads_data, crash"):
        select_topics(discover_topics(FIXTURES), ["nope"])


def test_bad_topic_metadata_names_the_notebook(tmp_path):
    nb = nbformat.read(FIXTURES / "hello.ipynb", as_version=4)
    nb.metadata["jsna"]["order"] = "first"
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(BuildError, match=r"bad\.ipynb.*'jsna\.order' must be an integer"):
        discover_topics(tmp_path)


def test_no_topics_is_a_clear_error(tmp_path, capsys):
    rc = cli_main(["build", "--notebooks-dir", str(tmp_path), "--reports-dir", str(tmp_path / "r"),
                   "--no-progress"])
    assert rc == 2
    assert "No topic notebooks found" in capsys.readouterr().err


def test_unknown_place_fails_before_running(tmp_path, capsys):
    rc = cli_main(["build", "--place", "atlantis", "--notebooks-dir", str(FIXTURES),
                   "--reports-dir", str(tmp_path / "r"), "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "Unknown Place 'atlantis'" in err and "leicester, leicestershire, llr, rutland" in err
    assert not (tmp_path / "r").exists()


def test_cli_dispatch_lists_commands(capsys):
    assert cli_main([]) == 0
    out = capsys.readouterr().out
    assert "build" in out and "data" in out and "params" in out
    assert cli_main(["frobnicate"]) == 2


# ------------------------------------------------------------------------------------------
# one build: hello (ok) + failing, for two Places, 2 jobs
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build1")
    nbdir = _notebooks(tmp, {"hello": "hello", "failing": "failing"})
    reports = tmp / "reports"
    summary = build.build(["rutland", "leicester"], None, jobs=2, reports_dir=reports,
                          notebooks_dir=nbdir, progress=False)
    return tmp, nbdir, reports, summary


@pytest.mark.kernel
def test_failing_notebook_does_not_stop_the_others(first_build):
    _, _, reports, summary = first_build
    ok = sorted((r.place, r.topic) for r in summary.results if r.ok)
    bad = sorted((r.place, r.topic) for r in summary.results if not r.ok)
    assert ok == [("leicester", "hello"), ("rutland", "hello")]
    assert bad == [("leicester", "failing"), ("rutland", "failing")]
    assert not summary.ok
    for place in ("rutland", "leicester"):
        assert (reports / place / "hello.html").exists()
        assert (reports / place / "hello.ipynb").exists()  # executed notebook kept for audit
        assert not (reports / place / "failing.html").exists()
        assert (reports / LOGS / place / "failing.log").exists()
        assert (reports / LOGS / place / "failing.failed.ipynb").exists()
    assert not (reports / STAGING).exists()


@pytest.mark.kernel
def test_summary_names_failed_run_and_cell_error(first_build):
    _, _, _, summary = first_build
    text = summary.text()
    assert "FAILED 2 run(s)" in text
    assert "rutland/failing: ValueError in cell" in text
    assert "deliberate failure for rutland" in text
    res = next(r for r in summary.results if r.place == "rutland" and r.topic == "failing")
    assert res.ename == "ValueError" and res.evalue == "deliberate failure for rutland"


@pytest.mark.kernel
def test_failure_is_in_the_log(first_build):
    _, _, reports, _ = first_build
    log = (reports / LOGS / "rutland" / "failing.log").read_text()
    assert "ValueError" in log and "deliberate failure for rutland" in log


@pytest.mark.kernel
def test_exported_html_is_offline_and_hides_code(first_build):
    _, _, reports, _ = first_build
    page = (reports / "rutland" / "hello.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert '<html lang="en-GB">' in page
    assert "<title>Hello report: Rutland | JSNA</title>" in page
    assert 'href="#main"' in page and 'id="main"' in page  # skip link
    assert _no_network_tags(page) == []
    assert "require.js" not in page and "mathjax" not in page.lower()
    assert "load_place(place)" not in page  # input cells hidden
    assert "Districts of Rutland" in page  # output shown
    assert "a warning the reader must not see" not in page  # stderr dropped
    assert "headline: 42" not in page  # NBVAL_CHECK_OUTPUT print not on the page
    assert "Published " in page and "Open Government Licence" in page  # footer
    assert "accessibility.html" in page and (reports / "accessibility.html").exists()


@pytest.mark.kernel
def test_index_lists_reports_and_failures(first_build):
    _, _, reports, _ = first_build
    index = (reports / "index.html").read_text()
    assert 'href="rutland/hello.html"' in index and 'href="leicester/hello.html"' in index
    # a Place x topic grid, a row per Place, each Place's front door linked from its row
    assert index.index('data-jsna-place="leicester"') < index.index('data-jsna-place="rutland"')
    assert 'href="leicester/index.html"' in index and (reports / "leicester" / "index.html").is_file()
    assert "Runs that failed" in index
    assert "ValueError in cell" in index and "deliberate failure for leicester" in index
    assert _no_network_tags(index) == []


@pytest.mark.kernel
def test_build_record_has_timings(first_build):
    _, _, reports, _ = first_build
    rec = json.loads((reports / BUILD_FILE).read_text())
    runs = {(r["place"], r["topic"]): r for r in rec["runs"]}
    assert set(runs) == {(p, t) for p in ("rutland", "leicester") for t in ("hello", "failing")}
    assert all(r["seconds"] > 0 for r in runs.values())


@pytest.mark.kernel
def test_failed_rebuild_leaves_old_report_intact(first_build):
    tmp, _, reports, _ = first_build
    before = (reports / "rutland" / "hello.html").read_bytes()
    broken = tmp / "broken"
    broken.mkdir()
    _notebooks(broken, {"hello": "failing"})  # the topic "hello" now fails
    rc = cli_main(["build", "--place", "rutland", "--notebooks-dir", str(broken / "notebooks"),
                   "--reports-dir", str(reports), "--no-progress"])
    assert rc == 1
    assert (reports / "rutland" / "hello.html").read_bytes() == before
    index = (reports / "index.html").read_text()
    assert 'href="rutland/hello.html"' in index  # still listed
    assert "Showing the report made" in index


# ------------------------------------------------------------------------------------------
# data strings are escaped
# ------------------------------------------------------------------------------------------
@pytest.mark.kernel
def test_place_name_with_markup_is_escaped(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    text = (PARAMS / "rutland.yaml").read_text()
    evil = "<script>alert('x')</script> & Co"
    (params / "evil.yaml").write_text(
        text.replace("id: rutland", "id: evil").replace("name: Rutland\n", f'name: "{evil}"\n', 1))
    nbdir = _notebooks(tmp_path, {"hello": "hello"})
    reports = tmp_path / "reports"
    summary = build.build(["evil"], None, jobs=1, reports_dir=reports, notebooks_dir=nbdir,
                          params_dir=params, progress=False)
    assert summary.ok, summary.text()
    for page in (reports / "evil" / "hello.html", reports / "index.html"):
        html_text = page.read_text()
        assert "<script>alert(" not in html_text, page
        assert "&lt;script&gt;alert(" in html_text, page


def test_list_shows_topics_and_places(capsys):
    assert cli_main(["build", "--list", "--notebooks-dir", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "hello" in out and "Hello report" in out and "scratch_not_a_topic" not in out
    assert "rutland" in out and "Rutland (E06000017)" in out


def test_stale_staging_of_dead_builds_is_removed(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # a pid that has exited
    stage = tmp_path / STAGING
    (stage / f"20260101T000000-{dead}-abcdef" / "rutland").mkdir(parents=True)
    live = stage / f"20260101T000000-{os.getpid()}-abcdef"
    live.mkdir()
    removed = publish.clean_stale_staging(tmp_path)
    assert [p.name for p in removed] == [f"20260101T000000-{dead}-abcdef"]
    assert live.exists()


def test_index_dates_are_readable():
    assert publish._readable_time("2026-11-05T19:00:45+00:00") == "5 November 2026, 19:00 UTC"
    assert publish._readable_time(None) == "date unknown"


@pytest.mark.kernel
def test_machine_state_is_kept_out_of_the_published_tree(first_build):
    """Issue 13 item 7: logs, status, records, the lock and staging live in reports/.build/, which
    the index never links; the rest of reports/ is what a reader sees."""
    _, _, reports, _ = first_build
    top = sorted(p.name for p in reports.iterdir())
    assert top == [".build", "accessibility.html", "index.html", "leicester", "rutland", "sources.html"], top
    state = reports / ".build"
    assert (state / "status.json").is_file() and (state / "build.json").is_file()
    assert (state / "deps.json").is_file() and (state / "logs").is_dir()
    published = [p for p in reports.rglob("*") if p.is_file() and ".build" not in p.relative_to(reports).parts]
    assert {p.suffix for p in published} <= {".html", ".ipynb", ".pdf", ".csv", ".ods", ".json"}, published
    assert all(p.name.endswith(".csv-metadata.json") for p in published if p.suffix == ".json"), published
    index = (reports / "index.html").read_text()
    assert not re.search(r'(?:href|src)="[^"]*\.build/', index)
    assert ".build" not in index  # the build's own folder is no reader's business


def test_reports_dir_that_is_a_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "reports.txt"
    target.write_text("not a directory")
    for given in (target, target / "sub"):
        rc = cli_main(["build", "--place", "rutland", "--notebooks-dir", str(FIXTURES),
                       "--reports-dir", str(given), "--no-progress"])
        err = capsys.readouterr().err
        assert rc == 2, err
        assert f"--reports-dir {given} is not a directory" in err and "Traceback" not in err
        assert "move the file out of the way" in err
    assert target.read_text() == "not a directory"


@pytest.mark.kernel
def test_disk_full_while_publishing_leaves_a_consistent_tree(tmp_path, monkeypatch):
    """Issue 17: the disk fills up after the first report is published (simulated: every write of
    a record fails with ENOSPC while the staging area holds the staged runs; removing it frees the
    space). A clear error, no temp files, no staging left, and the index lists what is published."""
    import errno
    import pathlib

    nbdir = _notebooks(tmp_path, {"one": "hello", "two": "hello", "three": "hello"})
    reports = tmp_path / "reports"
    real_write = pathlib.Path.write_text
    writes = {"n": 0}

    def write_text(self, data, *args, **kwargs):
        if self.name.endswith(".tmp") and reports in self.parents:
            writes["n"] += 1
            if writes["n"] > 2 and (reports / STAGING).exists() and any((reports / STAGING).iterdir()):
                real_write(self, "", *args, **kwargs)  # as on a full disk: the file is created empty
                raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_write(self, data, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "write_text", write_text)
    summary = build.build(["rutland"], None, jobs=1, reports_dir=reports, notebooks_dir=nbdir,
                          progress=False, pdf=False)
    text = summary.text()
    assert not summary.ok
    assert "No space left on device" in text and "free some space and build again" in text, text
    assert not list(reports.rglob("*.tmp")) and not list(reports.rglob("*.part"))
    assert not (reports / STAGING).exists()
    published = sorted(p.stem for p in (reports / "rutland").glob("*.html") if p.name != "index.html")
    assert len(published) == 1, published  # the first report; the others failed to publish
    assert len([r for r in summary.results if r.ok]) == 1
    index = (reports / "index.html").read_text()
    listed = sorted(set(re.findall(r'href="rutland/(\w+)\.html"', index)) - {"index"})  # not the front door
    assert listed == published
    assert "Runs that failed" in index and "No space left on device" in index


# ------------------------------------------------------------------------------------------
# the Health Equity Audit's input (issue 17)
# ------------------------------------------------------------------------------------------
def _derby_params(tmp: Path) -> Path:
    params = tmp / "params"
    params.mkdir(exist_ok=True)
    shutil.copy(PARAMS / "rutland.yaml", params / "rutland.yaml")
    text = (PARAMS / "rutland.yaml").read_text()
    (params / "derby.yaml").write_text(text.replace("id: rutland", "id: derby").replace("Rutland", "Derby")
                                       .replace("E06000017", "E06000015"))
    return params


@pytest.mark.kernel
def test_each_audit_spec_is_built_for_its_places_and_a_plain_audit_is_a_one_off(tmp_path):
    """Issue 26: the synthetic example is one audit spec (audits/), built under its own name for the LLR Places
    only; the plain report is a one-off (--hea-input) that a build without it withdraws, with one note."""
    pytest.importorskip("jsna.load.geography")
    if not build._data_present(None):
        pytest.skip("needs the lookups in data/raw")
    from jsna.topics.health_equity_audit.applies import ONE_OFF_NOTE

    params = _derby_params(tmp_path)
    nbdir = _notebooks(tmp_path, {"hello": "hello", "health_equity_audit": "hello"})
    reports = tmp_path / "reports"
    # an earlier audit report of Derby (built from the LLR example) is withdrawn
    (reports / "derby").mkdir(parents=True)
    (reports / "derby" / "health_equity_audit.html").write_text("old")
    summary = build.build(None, None, jobs=1, reports_dir=reports, notebooks_dir=nbdir, params_dir=params,
                          progress=False, pdf=False)
    assert summary.ok, summary.text()
    example = "health_equity_audit-synthetic-cgm-type-1-diabetes"
    assert f"derby/health_equity_audit: skipped: {ONE_OFF_NOTE}" in summary.text()
    assert (reports / "rutland" / f"{example}.html").exists()  # Rutland is in the LLR example's spec
    assert not (reports / "derby" / f"{example}.html").exists() and f"derby/{example}" not in summary.text()
    assert (reports / "derby" / "hello.html").exists()
    assert not (reports / "derby" / "health_equity_audit.html").exists()
    index = (reports / "index.html").read_text()
    assert html.unescape(index).count(ONE_OFF_NOTE) == 1 and 'href="derby/health_equity_audit.html"' not in index
    assert "Runs that failed" not in index


@pytest.mark.kernel
def test_hea_input_is_passed_and_tracked(tmp_path, capsys):
    nbdir = _notebooks(tmp_path, {"health_equity_audit": "hello"})
    reports = tmp_path / "reports"
    service = tmp_path / "service" / "cgm.csv"
    service.parent.mkdir()
    service.write_text("practice_code,eligible,served\nA81001,10,5\n")
    args = ["build", "--place", "rutland", "--notebooks-dir", str(nbdir), "--reports-dir", str(reports),
            "--no-progress", "--no-pdf", "--hea-input", str(service)]
    assert cli_main(args) == 0, capsys.readouterr()
    nb = nbformat.read(reports / "rutland" / "health_equity_audit.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert 'input_csv = "<input_dir>/cgm.csv"' in injected.source  # passed, without the machine's path
    deps = json.loads((reports / ".build" / "deps.json").read_text())["reports"]["rutland/health_equity_audit"]
    assert "health_equity_audit.input_csv" in deps["deps"]["inputs"]
    assert cli_main(args) == 0 and "up to date" in capsys.readouterr().out
    service.write_text("practice_code,eligible,served\nA81001,10,6\n")
    assert cli_main(args) == 0
    assert "rutland/health_equity_audit: built (input health_equity_audit.input_csv changed)" in capsys.readouterr().out
    assert cli_main([*args[:-1], str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert "--param health_equity_audit.input_csv" in err and "does not exist" in err


def _published_files(reports: Path) -> list[Path]:
    return [p for p in reports.rglob("*") if p.is_file() and ".build" not in p.relative_to(reports).parts]


@pytest.mark.kernel
def test_no_machine_path_in_published_files_of_a_fixture_build(first_build):
    """Issue 17 / 13: index errors and executed notebooks (papermill's paths, tracebacks) hold no
    absolute path of the build machine."""
    tmp, nbdir, reports, _ = first_build
    from jsna import paths

    needles = {str(paths.ROOT), str(paths.ROOT.resolve()), str(reports), str(reports.resolve()), str(tmp)}
    hits = [(p, n) for p in _published_files(reports) for n in needles
            if n in p.read_text(encoding="utf-8", errors="replace")]
    assert not hits, hits
    index = (reports / "index.html").read_text()
    assert "deliberate failure for rutland" in index


def test_an_invalid_params_file_is_named_without_the_machines_path(tmp_path):
    """A Place whose --params-dir file is not valid YAML fails, and the index names the file as
    <params_dir>/bad.yaml, not by its absolute path. Nothing runs: a failed Place starts no worker."""
    params = tmp_path / "params"
    params.mkdir()
    (params / "bad.yaml").write_text("id: bad\nname: [unclosed\n", encoding="utf-8")
    nbdir = _notebooks(tmp_path, {"hello": "hello"})
    reports = tmp_path / "reports"
    summary = build.build(["bad"], None, reports_dir=reports, notebooks_dir=nbdir, params_dir=params,
                          progress=False, pdf=False)
    assert not summary.ok and set(summary.failed_places) == {"bad"}
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "&lt;params_dir&gt;/bad.yaml: not valid YAML" in index
    needles = {str(tmp_path), str(tmp_path.resolve())}
    hits = [(p, n) for p in _published_files(reports) for n in needles
            if n in p.read_text(encoding="utf-8", errors="replace")]
    assert not hits, hits


def test_related_reports_link_only_reports_that_exist():
    """A page links only to reports the build writes, keeps or has published: Rutland's audit is
    skipped for a Place the example does not cover, and a Place not built has no link."""
    from jsna.runner.export import related_reports

    everything = related_reports("rutland", "two_babies")
    assert {r["href"] for r in everything["topics"]} >= {"deprivation.html", "health_equity_audit.html"}
    only = related_reports("rutland", "two_babies", linkable=["rutland/deprivation", "rutland/two_babies",
                                                               "leicester/two_babies"])
    assert [r["href"] for r in only["topics"]] == ["deprivation.html"]
    assert [r["href"] for r in only["places"]] == ["../leicester/two_babies.html"]


@pytest.mark.kernel
def test_a_page_links_a_pdf_only_where_one_is_printed_and_a_rebuild_drops_the_old_one(tmp_path):
    """Issue 25: a --no-pdf rebuild removes the previous build's PDF and its link, so a changed page never
    sits beside an old PDF."""
    nbdir, reports = _notebooks(tmp_path, {"hello": "hello"}), tmp_path / "reports"
    kw = {"reports_dir": reports, "notebooks_dir": nbdir, "progress": False, "jobs": 1}
    assert build.build(["rutland"], None, pdf=False, **kw).ok
    page = reports / "rutland" / "hello.html"
    assert "PDF version" not in page.read_text(encoding="utf-8")
    (reports / "rutland" / "hello.pdf").write_bytes(b"%PDF-1.4 an old print")  # as an earlier build left it
    assert build.build(["rutland"], None, pdf=False, force=True, **kw).ok
    assert not (reports / "rutland" / "hello.pdf").exists()
    assert "PDF version" not in page.read_text(encoding="utf-8")
