"""Data-derived text in an interactive map (tooltips, legends, layer names) shows literally and
never runs: ward, MSOA and practice names carrying markup, in headless Chromium with a dialog hook."""

from __future__ import annotations

import geopandas as gpd
import pytest
from jsna.maps import CategoryScheme, ChoroplethLayer, Outline, interactive_map, map_document
from shapely.geometry import box

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"
WARD = f"Oakham {XSS}"
MSOA = "Uppingham <script>alert(2)</script>"
PRACTICE = "Dr Smith's & Partners <b onmouseover=alert(3)>x</b>"


def _map():
    gdf = gpd.GeoDataFrame({
        "ward": [WARD, "Plain ward"], "msoa": [MSOA, "Plain MSOA"], "practice": [PRACTICE, "Plain"],
        "band": [1, 2], "band2": [2, 1],
    }, geometry=[box(-0.80, 52.60, -0.70, 52.70), box(-0.70, 52.60, -0.60, 52.70)], crs=4326)
    scheme = CategoryScheme((1, 2), ("#111111", "#eeeeee"), (f"Band 1 {XSS}", "Band 2"), f"Bands {MSOA}")
    lads = gpd.GeoDataFrame({"lad19nm": [WARD]}, geometry=[box(-0.80, 52.60, -0.60, 52.70)], crs=4326)
    m = interactive_map(gdf, [ChoroplethLayer("band", scheme, f"Layer {WARD}"),
                              ChoroplethLayer("band2", scheme, "Second layer")],
                        tooltip={"ward": "Ward", "msoa": "MSOA", "practice": f"Practice {XSS}"},
                        outlines=[Outline(lads, f"Districts {PRACTICE}", label_col="lad19nm")],
                        simplify_m=None)
    return m


def test_markup_in_names_shows_literally_and_never_runs(browser, tmp_path):
    m = _map()
    page_file = tmp_path / "map.html"
    page_file.write_text(map_document(m, "Injection test map"), encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 700})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_file.as_uri())
        page.wait_for_selector(".leaflet-interactive")
        point = page.evaluate(
            f"() => {{ const p = {m.get_name()}.latLngToContainerPoint([52.65, -0.75]);"
            f" const r = document.getElementById('{m.get_name()}').getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; }")
        page.mouse.move(point[0], point[1])
        page.mouse.move(point[0] + 3, point[1] + 3)
        tip = page.wait_for_selector(".leaflet-tooltip")
        text = tip.inner_text()
        assert WARD in text and MSOA in text and PRACTICE in text and f"Practice {XSS}" in text
        assert tip.query_selector("img, script, b") is None
        legend = page.inner_text(".jsna-legend")
        assert f"Band 1 {XSS}" in legend and f"Bands {MSOA}" in legend
        page.hover(".leaflet-control-layers")
        control = page.inner_text(".leaflet-control-layers")
        assert f"Layer {WARD}" in control and f"Districts {PRACTICE}" in control
        assert page.query_selector_all(".jsna-legend img, .leaflet-control-layers img, "
                                       ".leaflet-control-layers b") == []
        page.wait_for_timeout(300)  # give any injected handler the chance to fire
        assert dialogs == [] and errors == []
    finally:
        page.close()
