"""Every built report, opened from file:// in headless Chromium as a reader would (issue 7).

No console error, no failed resource, zero requests to non-file URLs; alt text on every
image and a title on every map frame; headings in order; no horizontal scroll at 375 px;
axe-core with zero serious or critical violations. A screenshot of each report's first
screen is saved under build/screenshots/ for reviewers.
"""

from __future__ import annotations

import pytest
from jsna import paths

from . import checks

pytestmark = pytest.mark.browser

#: pages of the series, not reports: the index, a Place's front door, the sources and accessibility pages
SERIES_PAGES = ("index.html", "sources.html", "accessibility.html")


def _name(path, root) -> str:
    return "_".join(path.relative_to(root).with_suffix("").parts)


def test_reports_load_offline_without_errors(browser, built_reports, report_files):
    shots = paths.BUILD_DIR / "screenshots"
    failures = [f"{p}: {msg}" for p in report_files
                for msg in checks.load_problems(browser, p, shots / f"{_name(p, built_reports)}.png")]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("check", ["text alternatives", "heading order", "375px width", "axe serious/critical"])
def test_reader_checks(browser, report_files, check):
    fn = checks.ALL_CHECKS[check]
    failures = [f"{p}: {msg}" for p in report_files for msg in fn(browser, p)]
    assert not failures, "\n".join(failures)


# ---------------------------------------------------------------------------- issue 13


def _reports(report_files):
    return [p for p in report_files if p.name not in SERIES_PAGES]


@pytest.mark.parametrize("width", [375, 1280])
def test_no_page_scroll_and_no_clipped_table_value(browser, report_files, width):
    failures = [f"{p}: {m}" for p in report_files for m in checks.page_scroll_problems(browser, p, width)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [375, 1280])
def test_chart_text_is_legible(browser, report_files, width):
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.chart_text_problems(browser, p, width)]
    assert not failures, "\n".join(failures)


def test_a_skip_link_comes_before_each_map(browser, report_files):
    failures = [f"{p}: {m}" for p in report_files for m in checks.skip_link_problems(browser, p)]
    assert not failures, "\n".join(failures)


def test_every_chart_and_table_has_a_csv_that_gives_back_its_numbers(browser, report_files):
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.csv_problems(browser, p)]
    assert not failures, "\n".join(failures)


def test_each_pdf_holds_every_last_column_and_text_description(browser, report_files):
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.pdf_problems(browser, p)]
    assert not failures, "\n".join(failures)


def test_html_under_3_mb(report_files):
    big = [f"{p}: {p.stat().st_size / 2**20:.2f} MB" for p in report_files if p.stat().st_size > 3 * 2**20]
    assert not big, "\n".join(big)
