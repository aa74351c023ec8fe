"""Repository-wide pytest setup.

* The fixture notebooks under tests/fixtures/ are inputs of the runner tests, not tests: nbval
  must not collect them.
* ``rutland_reports``: the Rutland reports, built once per test session from data/raw and shared
  by the integration tests (and by xdist workers, through a file lock). ``make test`` builds them
  before pytest and points JSNA_TEST_REPORTS_DIR at them, so the browser tests use the same build.
* ``make test-fast`` sets JSNA_TEST_NO_KERNELS=1: a test that starts a Jupyter kernel or a build
  worker in the pytest process then fails, naming the ``kernel`` marker it lacks (so the fast tier
  stays fast as tests are added).
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


class _NoKernels:
    """The JSNA_TEST_NO_KERNELS=1 guard (see the module docstring)."""

    def __init__(self) -> None:
        from jsna.runner import worker
        from jupyter_client.provisioning.local_provisioner import LocalProvisioner

        self.started: list[str] = []

        def refuse(what: str):
            self.started.append(what)
            raise RuntimeError(f"make test-fast starts no {what}: mark the test @pytest.mark.kernel")

        async def launch_kernel(*_a, **_k):
            refuse("Jupyter kernel")

        LocalProvisioner.launch_kernel = launch_kernel
        worker._Worker.__init__ = lambda *_a, **_k: refuse("build worker")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = (yield).get_result()
        if self.started:  # failed even where the code under test caught the error
            report.outcome = "failed"
            report.longrepr = (f"{item.nodeid} started a {self.started[0]} under JSNA_TEST_NO_KERNELS=1 "
                               "(make test-fast): mark it @pytest.mark.kernel")
            self.started.clear()


def pytest_configure(config) -> None:
    if os.environ.get("JSNA_TEST_NO_KERNELS") == "1":
        config.pluginmanager.register(_NoKernels(), "jsna-no-kernels")


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
