"""Fixtures for the real-browser checks: built reports and a headless Debian Chromium.

The reports are built once per session for Rutland (the smallest Place) unless
JSNA_TEST_REPORTS_DIR points at an existing build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsna import paths
from jsna.runner.changes import STATE_DIR

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


def chromium_path() -> str | None:
    """Debian's chromium (or JSNA_CHROMIUM)."""
    env = os.environ.get("JSNA_CHROMIUM")
    if env and Path(env).exists():
        return env
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    if exe is None:
        msg = "chromium not installed: run scripts/ensure_chromium.sh (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """A reports directory holding the Rutland reports and index.html."""
    given = os.environ.get("JSNA_TEST_REPORTS_DIR")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("browser_reports")
    proc = subprocess.run(
        [sys.executable, "-m", "jsna", "build", "--place", "rutland", "--reports-dir", str(out)],
        cwd=paths.ROOT, capture_output=True, text=True, timeout=1500,
    )
    if proc.returncode != 0:
        pytest.fail(f"building the Rutland reports failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return out


@pytest.fixture(scope="session")
def report_files(built_reports: Path) -> list[Path]:
    files = sorted(p for p in built_reports.rglob("*.html") if STATE_DIR not in p.parts)
    assert files, f"no HTML reports in {built_reports}"
    assert (built_reports / "index.html") in files, "index.html missing"
    return files
