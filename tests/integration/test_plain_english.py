"""Every built report speaks to its readers, not its builders (issue 25, item 4): no build words,
"data held" at most once, no code-like names or ISO dates in the body, statistical symbols only in
the Methods and sources appendix (tests/support/vocabulary.py); what is missing is said once, in one
"What this report cannot show" box; the notebook is linked from "For reviewers" at the end."""

from __future__ import annotations

import pytest
from jsna.runner.export import CANNOT_SHOW_TITLE

from tests.support.vocabulary import problems

pytestmark = pytest.mark.integration


def _reports(reports_dir):
    pages = sorted(p for p in reports_dir.glob("*/*.html") if p.name != "index.html")  # a Place's front door aside
    assert pages, f"no report pages in {reports_dir}"
    return pages


def test_no_report_uses_build_words_code_names_or_symbols_in_its_body(rutland_reports):
    found = [f"{page.relative_to(rutland_reports)}: {p}" for page in _reports(rutland_reports)
             for p in problems(page.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)


def test_missing_is_said_once_and_the_notebook_is_for_reviewers_at_the_end(rutland_reports):
    for page in _reports(rutland_reports):
        html = page.read_text(encoding="utf-8")
        assert html.count(CANNOT_SHOW_TITLE) <= 1, page
        assert 'class="jsna-note jsna-note-na"' not in html, f"{page}: a 'not available' note outside the box"
        reviewers = html.index('<section class="jsna-reviewers"')
        assert html.index(f'href="{page.stem}.ipynb"') > reviewers > html.index("<main"), page
        assert html.index("</main>") > reviewers, page
        assert "Accessibility statement" in html[html.index("<footer"):], page


def test_the_scan_finds_what_it_looks_for():
    page = ("<main><p>This report was built from the extract; the data held show under_25 in 2 MSOA(s) "
            "on 2021-03-04 (phi = 2.1, chi-squared 7 on 3 d.f.; winsorised); the data held again.</p>"
            '<details class="jsna-appendix"><p>phi = 2.1, tau\u00b2 = 0.007</p></details>'
            "<code>practice_code</code></main>")
    found = " | ".join(problems(page))
    for word in ("built", "extract", "'data held' 2 times", "under_25", "MSOA(s)", "2021-03-04", "phi",
                 "chi-squared", "d.f.", "winsorised"):
        assert word in found, word
    symbols = " | ".join(p for p in problems(page) if p.startswith(("statistical", "code-like")))
    assert "tau" not in symbols and "practice_code" not in symbols  # the appendix and code are left alone
