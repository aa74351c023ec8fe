"""Each chart can be saved as SVG and PNG beside its CSV link (issue 25, item 5), as FingertipsNext
offers: the page's script makes the files from the chart drawn. Checked in headless Chromium on a
built report: the SVG is a standalone SVG document holding the chart's text, the PNG a real image."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_every_chart_saves_as_svg_and_png(browser, built_reports):
    from PIL import Image

    page_file = built_reports / "rutland" / "population.html"
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(page_file.as_uri())
    charts = page.locator("figure.jsna-figure svg.jsna-chart")
    saves = page.locator(".jsna-chart-downloads")
    assert charts.count() > 0 and saves.count() == page.locator("figure.jsna-figure").count()
    first = saves.first
    csv_name = page.locator("a[data-jsna-csv]").first.get_attribute("data-jsna-csv")
    with page.expect_download() as svg_dl:
        first.get_by_text("SVG", exact=True).click()
    svg = Path(svg_dl.value.path()).read_bytes()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width", "").endswith("pt")
    assert svg_dl.value.suggested_filename == csv_name.replace(".csv", ".svg")
    label = charts.first.locator("text").first.text_content()
    assert label and label.encode() in svg  # text stays text
    with page.expect_download() as png_dl:
        first.get_by_text("PNG", exact=True).click()
    img = Image.open(io.BytesIO(Path(png_dl.value.path()).read_bytes()))
    assert img.format == "PNG" and img.size[0] > 400 and img.size[1] > 200
    assert img.convert("L").getextrema()[0] < 128  # a drawing (dark ink), not a blank canvas
    context.close()
