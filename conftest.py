"""Repository-wide pytest setup.

* The fixture notebooks under tests/fixtures/ are inputs of the runner tests, not tests: nbval
  must not collect them.
* ``rutland_reports``: the Rutland reports, built once per test session from data/raw and shared
  by the integration tests (and by xdist workers, through a file lock). ``make test`` builds them
  before pytest and points JSNA_TEST_REPORTS_DIR at them, so the browser tests use the same build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsna.runner.publish import BUILD_FILE

ROOT = Path(__file__).resolve().parent
collect_ignore_glob = ["tests/fixtures/*", "reports/*", "data/*", "build/*"]

os.environ.setdefault("MPLBACKEND", "Agg")


def build_rutland(out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m jsna build --place rutland` into ``out`` (every topic, data from data/raw)."""
    return subprocess.run(
        [sys.executable, "-m", "jsna", "build", "--place", "rutland", "--reports-dir", str(out),
         "--no-progress", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )


@pytest.fixture(scope="session")
def rutland_reports(tmp_path_factory) -> Path:
    """A reports directory holding this session's Rutland build (see module docstring)."""
    given = os.environ.get("JSNA_TEST_REPORTS_DIR")
    if given:
        out = Path(given)
        if not (out / BUILD_FILE).exists():
            pytest.fail(f"JSNA_TEST_REPORTS_DIR={given} holds no build ({BUILD_FILE} missing); "
                        "run `python -m jsna build --place rutland --reports-dir DIR` first")
        return out
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent  # the same for every xdist worker
    out = shared / "rutland_reports"
    with FileLock(str(shared / "rutland_reports.lock")):
        if not (out / BUILD_FILE).exists():
            proc = build_rutland(out)
            (shared / "rutland_reports.out").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def rutland_builder():
    """:func:`build_rutland` for tests that build the Rutland reports again with other options."""
    return build_rutland
