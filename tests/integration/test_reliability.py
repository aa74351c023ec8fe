"""Reliability of the runner (issue 7 item 4), with real processes and kernels:

* a build killed mid-run (SIGKILL, and Ctrl-C) leaves the previous reports intact and no partial HTML;
* two builds at once into the same reports directory corrupt nothing and lose no report;
* a corrupted input fails the runs that read it (error names file and column) while others publish;
* a Place whose code is not in the ONS lookups is reported while the other Places publish.

Fixture notebooks live in tests/fixtures/notebooks (see make_fixtures.py there).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from jsna import paths
from jsna.catalogue import get_source
from jsna.runner.changes import STATE_DIR
from jsna.runner.publish import STAGING, STATUS_FILE

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _notebooks(d: Path, names: dict[str, str]) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    for topic, fixture in names.items():
        shutil.copy(FIXTURES / f"{fixture}.ipynb", d / f"{topic}.ipynb")
    return d


def _cmd(reports: Path, nbdir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "jsna", "build", "--reports-dir", str(reports), "--notebooks-dir",
            str(nbdir), "--no-progress", *args]


def _run(reports: Path, nbdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(_cmd(reports, nbdir, *args), cwd=paths.ROOT, capture_output=True, text=True,
                          timeout=900)


def _published_html(reports: Path) -> list[Path]:
    return [p for p in reports.rglob("*.html") if STATE_DIR not in p.parts]


def _complete(page: Path) -> bool:
    text = page.read_text(encoding="utf-8")
    return text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def _wait_for_running_cell(reports: Path, timeout: float = 240) -> None:
    """Wait until the 'slow' notebook's sleeping cell is executing."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for log in reports.glob(f"{STAGING}/*/rutland/slow.log"):
            if "Executing Cell 4" in log.read_text(errors="replace"):
                return
        time.sleep(0.5)
    raise AssertionError("the slow notebook never started its sleeping cell")


def _workers_of(reports: Path) -> list[psutil.Process]:
    out = []
    for proc in psutil.process_iter(["cmdline"]):
        with_stage = any(str(reports / STAGING) in part for part in (proc.info["cmdline"] or []))
        if with_stage and proc.pid != os.getpid():
            out.append(proc)
    return out


@pytest.fixture
def old_build(tmp_path):
    """A reports dir with a published 'slow' report (built from the quick hello notebook)."""
    reports = tmp_path / "reports"
    proc = _run(reports, _notebooks(tmp_path / "nb_old", {"slow": "hello"}), "--place", "rutland")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return reports, (reports / "rutland" / "slow.html").read_bytes()


@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C"])
def test_killed_build_leaves_previous_report_intact(tmp_path, old_build, how):
    reports, before = old_build
    nbdir = _notebooks(tmp_path / "nb_new", {"slow": "slow"})
    # SIGINT back to its default: under pytest-xdist it is ignored, and children inherit that
    proc = subprocess.Popen(_cmd(reports, nbdir, "--place", "rutland"), cwd=paths.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        _wait_for_running_cell(reports)
        proc.send_signal(signal.SIGKILL if how == "SIGKILL" else signal.SIGINT)
        out, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    if how == "Ctrl-C":
        assert proc.returncode == 130, out
        assert "Interrupted" in out
        assert not (reports / STAGING).exists()  # staging cleaned on the way out
    else:
        assert proc.returncode == -signal.SIGKILL
    # the worker (and its kernel) do not outlive the build
    deadline = time.monotonic() + 60
    while _workers_of(reports) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _workers_of(reports) == []
    assert (reports / "rutland" / "slow.html").read_bytes() == before
    assert all(_complete(p) for p in _published_html(reports))
    assert not [p for p in reports.rglob("*.part") if STATE_DIR not in p.parts]
    # the next build removes the dead build's staging dir
    proc2 = _run(reports, _notebooks(tmp_path / "nb_old2", {"slow": "hello"}), "--place", "rutland")
    assert proc2.returncode == 0, proc2.stdout + proc2.stderr
    assert not (reports / STAGING).exists()


def test_kernel_crash_is_reported_and_old_report_stays(tmp_path, old_build):
    reports, before = old_build
    proc = _run(reports, _notebooks(tmp_path / "nb_crash", {"slow": "crash"}), "--place", "rutland")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith("rutland/slow:"))
    assert "DeadKernelError" in line or "died" in line.lower(), line
    assert (reports / "rutland" / "slow.html").read_bytes() == before


def test_two_builds_at_once_into_the_same_reports_dir(tmp_path):
    reports = tmp_path / "reports"
    nbdir = _notebooks(tmp_path / "nb", {"hello": "hello", "second": "hello"})
    a = subprocess.Popen(_cmd(reports, nbdir, "--place", "rutland", "leicester", "--jobs", "1"),
                         cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    b = subprocess.Popen(_cmd(reports, nbdir, "--place", "rutland", "leicestershire", "--jobs", "1"),
                         cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out_a, _ = a.communicate(timeout=900)
    out_b, _ = b.communicate(timeout=900)
    assert a.returncode == 0, out_a
    assert b.returncode == 0, out_b
    expected = {f"{p}/{t}" for p in ("rutland", "leicester", "leicestershire") for t in ("hello", "second")}
    status = json.loads((reports / STATUS_FILE).read_text())["reports"]
    assert set(status) == expected  # no lost update of the shared status record
    pages = _published_html(reports)
    assert {f"{p.parent.name}/{p.stem}" for p in pages
            if p.parent != reports and p.name != "index.html"} == expected  # series pages and front doors aside
    assert all(_complete(p) for p in pages)
    index = (reports / "index.html").read_text()
    for key in expected:
        assert f'href="{key}.html"' in index
    assert not (reports / STAGING).exists()
    assert not list(reports.rglob("*.tmp"))


def test_corrupt_input_fails_its_runs_and_others_publish(tmp_path):
    src = get_source("le_birth_msoa_2016_20_llr")
    data = tmp_path / "data"
    target = src.raw_path(data)
    target.parent.mkdir(parents=True)
    original = src.raw_path().read_text(encoding="utf-8-sig")
    # a renamed column, as when a publisher changes a header
    target.write_text(original.replace("Life Expectancy at birth (in years)", "LE at birth", 1),
                      encoding="utf-8")
    reports = tmp_path / "reports"
    nbdir = _notebooks(tmp_path / "nb", {"hello": "hello", "reads_data": "reads_data"})
    proc = _run(reports, nbdir, "--place", "rutland", "leicester", "--data-dir", str(data))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for place in ("rutland", "leicester"):
        assert (reports / place / "hello.html").exists()
        assert not (reports / place / "reads_data.html").exists()
        line = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith(f"{place}/reads_data:"))
        # the edited file no longer matches the catalogue's sha256: refused before any column is read
        assert "ChecksumMismatch" in line
        assert "le_birth_msoa11_2016-20_llr.csv" in line


def test_place_not_in_the_lookups_is_reported_and_others_publish(tmp_path):
    pytest.importorskip("jsna.geo")
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(paths.PARAMS_DIR / "rutland.yaml", params / "rutland.yaml")
    text = (paths.PARAMS_DIR / "rutland.yaml").read_text()
    # E06000099 has the shape of a unitary authority code but no such authority exists
    (params / "nowhere.yaml").write_text(
        text.replace("id: rutland", "id: nowhere").replace("E06000017", "E06000099"))
    reports = tmp_path / "reports"
    nbdir = _notebooks(tmp_path / "nb", {"hello": "hello"})
    proc = _run(reports, nbdir, "--params-dir", str(params))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (reports / "rutland" / "hello.html").exists()
    assert not (reports / "nowhere").exists()
    line = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith("nowhere/hello:"))
    assert "Place check failed" in line and "E06000099" in line
    assert "nowhere" in (reports / "index.html").read_text()  # listed under failed runs


def test_ill_typed_params_file_fails_its_place_and_others_publish(tmp_path):
    params = tmp_path / "params"
    params.mkdir()
    shutil.copy(paths.PARAMS_DIR / "rutland.yaml", params / "rutland.yaml")
    text = (paths.PARAMS_DIR / "rutland.yaml").read_text()
    # districts must be a list of {code, name}: a number is ill-typed
    bad = text.replace("id: rutland", "id: broken").split("districts:")[0] + "districts: 5\n"
    (params / "broken.yaml").write_text(bad)
    reports = tmp_path / "reports"
    nbdir = _notebooks(tmp_path / "nb", {"hello": "hello"})
    proc = _run(reports, nbdir, "--params-dir", str(params))  # the default build: every Place
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (reports / "rutland" / "hello.html").exists()
    assert not (reports / "broken").exists()
    line = next(ln for ln in proc.stdout.splitlines() if ln.strip().startswith("broken/hello:"))
    assert "Place params invalid" in line and "broken.yaml" in line and "districts" in line
    assert "Traceback" not in proc.stderr
    index = (reports / "index.html").read_text()
    assert "Runs that failed" in index and "Place params invalid" in index
