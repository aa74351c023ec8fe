"""Every built report, opened from file:// in headless Chromium as a reader would (issue 7).

No console error, no failed resource, zero requests to non-file URLs; alt text on every
image and a title on every map frame; headings in order; no horizontal scroll at 375 px;
axe-core with zero serious or critical violations. A screenshot of each report's first
screen is saved under reports/screenshots/ for reviewers.
"""

from __future__ import annotations

import pytest
from jsna import paths

from . import checks

pytestmark = pytest.mark.browser


def _name(path, root) -> str:
    return "_".join(path.relative_to(root).with_suffix("").parts)


def test_reports_load_offline_without_errors(browser, built_reports, report_files):
    shots = paths.REPORTS_DIR / "screenshots"
    failures = [f"{p}: {msg}" for p in report_files
                for msg in checks.load_problems(browser, p, shots / f"{_name(p, built_reports)}.png")]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("check", ["text alternatives", "heading order", "375px width", "axe serious/critical"])
def test_reader_checks(browser, report_files, check):
    fn = checks.ALL_CHECKS[check]
    failures = [f"{p}: {msg}" for p in report_files for msg in fn(browser, p)]
    assert not failures, "\n".join(failures)
