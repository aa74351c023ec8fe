"""A publication that works at a desk, on a phone and on paper (issue 25, items 1-3), checked in
headless Chromium on the built reports (the Rutland build in `make test`; point JSNA_TEST_REPORTS_DIR
at a Leicester and LLR build to check those):

- desk: tables are tables at 1280 px and cards only below the phone breakpoint, with sort controls
  wherever a table sorts; long lists folded, searchable and left out of print; a page-length budget;
- phone: every chart and map fits 375 px with no sideways scroll and text of at least 9 px;
- paper: a print budget of A4 pages, and page 1 holds the key findings.
"""

from __future__ import annotations

import shutil
import unicodedata

import pytest
from jsna.places import place_kind

from . import checks

pytestmark = pytest.mark.browser

#: pages of the series, not reports: the index, a Place's front door, the sources and accessibility pages
SERIES_PAGES = ("index.html", "sources.html", "accessibility.html")


def _reports(report_files):
    return [p for p in report_files if p.name not in SERIES_PAGES]


def _kind(path) -> str:
    return place_kind(path.parent.name)


@pytest.mark.parametrize("width", [1280, 375])
def test_tables_are_tables_at_a_desk_and_cards_on_a_phone_with_their_sort_controls(browser, report_files, width):
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.table_layout_problems(browser, p, width)]
    assert not failures, "\n".join(failures)


@pytest.mark.xfail(strict=True, reason="issue 25 (open): Rutland's dashboard (18,051 px) and two_babies (17,920 px) "
                   "exceed the 15,000 px budget since the gap-over-time charts and the Start well rows were added")
def test_page_length_budget_at_a_desk(browser, report_files):
    heights = {p: checks.page_height(browser, p, 1280) for p in _reports(report_files)}
    failures = [f"{p}: {h:,} px at 1280 px, budget {checks.DESKTOP_HEIGHT_PX[_kind(p)]:,}"
                for p, h in heights.items() if h > checks.DESKTOP_HEIGHT_PX[_kind(p)]]
    assert not failures, "\n".join(failures)


def test_every_chart_and_map_fits_a_phone_with_legible_text(browser, report_files):
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.chart_fit_problems(browser, p)]
    assert not failures, "\n".join(failures)


def test_long_lists_are_folded_searchable_and_not_printed(browser, report_files):
    failures = [f"{p}: {m}" for p in _reports(report_files) for m in checks.long_list_problems(browser, p)]
    assert not failures, "\n".join(failures)


#: the two reports whose PDFs are rasterised: deprivation (its list of every LSOA used to fill the first
#: 13-40 pages) and population. The dashboard, the two babies and covid-19 still print 16-21 pages for a
#: Place (their methods, sources and text descriptions), over the budget: see issue 25.
PRINTED = ("deprivation", "population")


def _two_pdfs(report_files):
    """The PDFs of the two reports in PRINTED, where the build printed them."""
    wanted = [p for p in _reports(report_files) if p.stem in PRINTED]
    return [p for p in wanted if p.with_suffix(".pdf").exists()][:2]


def test_two_pdfs_keep_the_print_budget_and_open_with_the_key_findings(browser, report_files, tmp_path):
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdftoppm/pdftotext (poppler-utils) not installed")
    pairs = _two_pdfs(report_files)
    if len(pairs) < 2:
        pytest.skip("the build printed no PDFs (Chromium missing, or --no-pdf)")
    failures = []
    for html_file in pairs:
        pdf = html_file.with_suffix(".pdf")
        pages = checks.pdf_pages(pdf, tmp_path / f"{html_file.parent.name}-{html_file.stem}")
        budget = checks.PRINT_PAGES[_kind(html_file)]
        if not pages or len(pages) > budget:
            failures.append(f"{pdf}: {len(pages)} A4 pages, budget {budget}")
        heading, first = checks.first_findings(browser, html_file)
        on_page_1 = checks.pdf_page_text(pdf, 1)
        for text in (heading, first[:80]):
            if "".join(unicodedata.normalize("NFKC", text).split()) not in on_page_1:
                failures.append(f"{pdf}: page 1 lacks the key findings ({text[:60]!r})")
    assert not failures, "\n".join(failures)
