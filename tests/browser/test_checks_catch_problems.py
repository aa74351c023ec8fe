"""The browser checks themselves must fail on a page with each kind of problem."""

from __future__ import annotations

import pytest

from . import checks

pytestmark = pytest.mark.browser

GOOD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Good</title></head>
<body><main><h1>Report</h1><h2>Section</h2><figure><img src="data:image/png;base64,
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
alt="A one-pixel chart"><figcaption>Caption</figcaption></figure></main></body></html>"""

BAD = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<h2>No h1</h2><h4>Skipped level</h4><img src="https://example.org/tile.png">
<iframe srcdoc="<p>map</p>"></iframe><figure><div>undescribed</div></figure>
<div style="width:900px">too wide</div><script>console.error("boom")</script></body></html>"""


@pytest.fixture
def pages(tmp_path):
    good, bad = tmp_path / "good.html", tmp_path / "bad.html"
    good.write_text(GOOD)
    bad.write_text(BAD)
    return good, bad


@pytest.mark.parametrize("check", list(checks.ALL_CHECKS))
def test_good_page_passes_and_bad_page_fails(browser, pages, check):
    good, bad = pages
    fn = checks.ALL_CHECKS[check]
    assert fn(browser, good) == []
    assert fn(browser, bad), f"check {check!r} did not notice the problems in the bad page"
