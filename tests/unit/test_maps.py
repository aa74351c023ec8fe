"""Unit tests for jsna.maps: category schemes, geometry preparation, offline interactive maps and
static maps, on a hand-made grid of four 1 km squares (British National Grid)."""

from __future__ import annotations

import re

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from jsna import maps, palette
from jsna.offline import external_resources
from shapely.geometry import box

matplotlib.use("Agg")


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    """Four 1 km squares near Leicester (BNG), deciles 1, 3, 10 and one missing."""
    x0, y0 = 458000, 304000
    geoms = [box(x0 + i * 1000, y0, x0 + (i + 1) * 1000, y0 + 1000) for i in range(4)]
    return gpd.GeoDataFrame(
        {"code": ["A1", "A2", "A3", "A4"], "name": ["Alpha <b>", "Beta", "Gamma", "Delta"],
         "decile": pd.array([1, 3, 10, None], dtype="Int64"), "quintile": [1, 2, 5, 3]},
        geometry=geoms, crs="EPSG:27700",
    )


@pytest.fixture
def outline(grid) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"lad": ["District X"]}, geometry=[grid.union_all()], crs="EPSG:27700")


# --- schemes ---------------------------------------------------------------------------------

def test_decile_scheme_is_ordered_most_deprived_darkest():
    s = maps.decile_scheme()
    assert s.categories == tuple(range(1, 11))
    assert list(s.colours) == palette.DECILE_COLOURS
    assert s.labels[0].startswith("1 (most deprived")
    assert s.labels[-1].startswith("10 (least deprived")
    # viridis: decile 1 is the darkest (lowest luminance)
    lum = [matplotlib.colors.to_rgb(c) for c in s.colours]
    lum = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in lum]
    assert lum[0] == min(lum)


def test_scheme_lookup_and_missing():
    s = maps.quintile_scheme()
    assert s.colour_for(1) == palette.QUINTILE_COLOURS[0]
    assert s.colour_for(5.0) == palette.QUINTILE_COLOURS[4]  # float from a nullable column
    assert s.colour_for(None) == s.missing_colour
    assert s.colour_for(pd.NA) == s.missing_colour
    assert s.colour_for(7) == s.missing_colour
    assert s.label_for(pd.NA) == "No data"
    assert s.is_known(3) and not s.is_known(0)


def test_scheme_validation_names_the_problem():
    with pytest.raises(maps.MapError, match="3 categories but 2 colours"):
        maps.CategoryScheme((1, 2, 3), ("#000", "#111"), ("a", "b", "c"), "T")
    with pytest.raises(maps.MapError, match="unique"):
        maps.CategoryScheme((1, 1), ("#000", "#111"), ("a", "b"), "T")


# --- geometry --------------------------------------------------------------------------------

def test_prepare_geometries_rounds_and_reprojects(grid):
    out = maps.prepare_geometries(grid, tolerance_m=20, precision=5)
    assert out.crs.to_epsg() == 4326
    coords = [c for g in out.geometry for c in g.exterior.coords]
    assert all(round(x, 5) == x and round(y, 5) == y for x, y in coords)
    # Leicester is at about 52.6 N, 1.1 W
    minx, miny, maxx, maxy = out.total_bounds
    assert 52.5 < miny < maxy < 52.7 and -1.3 < minx < maxx < -1.0
    # squares stay squares: 5 ring points, area unchanged within 1%
    assert all(len(g.exterior.coords) == 5 for g in out.geometry)
    areas = out.to_crs(27700).area
    assert ((areas - 1e6).abs() < 1e4).all()
    assert list(out["code"]) == ["A1", "A2", "A3", "A4"]


def test_prepare_geometries_errors(grid):
    with pytest.raises(maps.MapError, match="no CRS"):
        maps.prepare_geometries(gpd.GeoDataFrame(grid.drop(columns="geometry"), geometry=list(grid.geometry)))
    broken = grid.copy()
    broken.loc[2, "geometry"] = None
    with pytest.raises(maps.MapError, match="1 row"):
        maps.prepare_geometries(broken)


# --- interactive -----------------------------------------------------------------------------

def _map(grid, outline, **kw):
    return maps.interactive_map(
        grid, [maps.ChoroplethLayer("decile", maps.decile_scheme()),
               maps.ChoroplethLayer("quintile", maps.quintile_scheme(), "Local quintile")],
        tooltip={"code": "LSOA code", "name": "LSOA name", "decile": "Decile"},
        outlines=[maps.Outline(outline, "Districts", label_col="lad")], **kw)


def test_interactive_map_is_self_contained(grid, outline):
    doc = maps.map_document(_map(grid, outline))
    assert external_resources(doc) == []
    assert "cdn." not in doc and "jquery" not in doc.lower() and "bootstrap" not in doc.lower()
    assert "L.version" in doc or "leaflet" in doc.lower()  # Leaflet is inlined
    assert re.search(r"<script>\s*/\* @preserve\s*\* Leaflet 1\.9", doc)
    assert "openstreetmap" not in doc.lower()


def test_interactive_map_tooltip_legend_and_fills(grid, outline):
    doc = maps.map_document(_map(grid, outline))
    for alias in ("LSOA code", "LSOA name", "Decile"):
        assert alias in doc
    # legend in order, missing category listed because one decile is NA
    i1, i10, imiss = doc.find("1 (most deprived 10%)"), doc.find("10 (least deprived 10%)"), doc.find("No data")
    assert -1 < i1 < i10 < imiss
    # decile 1 polygon filled with the darkest colour, NA with the missing colour
    assert f'"_fill0":"{palette.DECILE_COLOURS[0]}"' in doc
    assert f'"_fill0":"{maps.MISSING_COLOUR}"' in doc
    assert f'"_fill1":"{palette.QUINTILE_COLOURS[4]}"' in doc
    # the quintile layer is a radio choice
    assert "Local quintile" in doc and "District X" in doc


def test_tiles_add_attributed_osm_layer_and_are_guarded(grid, outline):
    m = _map(grid, outline, tiles=True)
    doc = maps.map_document(m)
    assert "tile.openstreetmap.org" in doc and "openstreetmap.org/copyright" in doc
    assert "contributors" in doc
    with pytest.raises(maps.MapError, match="third-party"):
        maps.map_iframe_html(m, "A map")
    assert "<iframe" in maps.map_iframe_html(m, "A map", allow_external=True)


def test_map_html_accessible_wrapper(grid, outline):
    out = maps.map_html(_map(grid, outline), title='Deciles <in> "X"', description=["First.", "Second."],
                        caption="Source: test")
    assert re.search(r'<iframe[^>]+title="Deciles &lt;in&gt; &quot;X&quot;"', out)
    assert "<figcaption>Source: test</figcaption>" in out
    assert "Text description of this map" in out and "<p>Second.</p>" in out
    # data-derived names are escaped inside the srcdoc (no raw '<b>' from the fixture name)
    assert "Alpha <b>" not in out
    with pytest.raises(maps.MapError, match="title"):
        maps.map_iframe_html(_map(grid, outline), "  ")


def test_interactive_map_bad_column(grid):
    with pytest.raises(maps.MapError, match=r"\['nope'\]"):
        maps.interactive_map(grid, [maps.ChoroplethLayer("nope", maps.decile_scheme())])
    with pytest.raises(maps.MapError, match="tooltip"):
        maps.interactive_map(grid, [maps.ChoroplethLayer("decile", maps.decile_scheme())], tooltip={"x": "X"})
    with pytest.raises(maps.MapError, match="at least one"):
        maps.interactive_map(grid, [])


def test_external_resources_detection():
    assert external_resources('<script src="https://cdn.x/y.js"></script>')
    assert external_resources("<link rel='stylesheet' href='//cdn.x/y.css'>")
    assert external_resources("<style>a{background:url(https://x/y.png)}</style>")
    assert external_resources("<style>@import 'https://x/y.css';</style>")
    assert external_resources('<iframe srcdoc="&lt;script src=&quot;https://x.js&quot;&gt;"></iframe>')
    assert not external_resources('<a href="https://leafletjs.com">Leaflet</a>')
    assert not external_resources('<img src="data:image/png;base64,AAAA">')


# --- static ----------------------------------------------------------------------------------

def test_static_map_legend_order_and_missing(grid, outline):
    fig = maps.static_map(grid, "decile", maps.decile_scheme(), outlines=[maps.Outline(outline, "D")],
                          title="T")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "1 (most deprived 10%)" and labels[9] == "10 (least deprived 10%)"
    assert labels[-1] == "No data"
    fills = [matplotlib.colors.to_hex(c) for c in ax.collections[0].get_facecolors()]
    assert fills == [palette.DECILE_COLOURS[0], palette.DECILE_COLOURS[2], palette.DECILE_COLOURS[9],
                     maps.MISSING_COLOUR]
    matplotlib.pyplot.close(fig)


def test_small_multiples_panels(grid):
    fig = maps.small_multiples(grid, {"decile": "Decile", "quintile": "Quintile as decile"},
                               maps.decile_scheme(), ncols=3)
    titles = [a.get_title() for a in fig.axes if a.get_title()]
    assert titles == ["Decile", "Quintile as decile"]
    assert any(a.get_legend() is not None for a in fig.axes)
    matplotlib.pyplot.close(fig)
    with pytest.raises(maps.MapError, match="missing_col"):
        maps.small_multiples(grid, {"missing_col": "X"}, maps.decile_scheme())


def test_map_document_has_language_and_title(grid, outline):
    doc = maps.map_document(_map(grid, outline), title="Deciles & more")
    assert '<html lang="en">' in doc
    assert "<title>Deciles &amp; more</title>" in doc


def test_map_html_has_a_skip_link_before_the_map_and_a_searchable_area_list(grid, outline):
    out = maps.map_html(_map(grid, outline), title="Deciles", description="Described")
    skip = re.search(r'<a class="jsna-map-skip" href="#(after-map-[0-9a-f]+)">', out)
    assert skip and out.index(skip.group(0)) < out.index("<iframe")
    assert f'id="{skip.group(1)}"' in out and out.index(f'id="{skip.group(1)}"') > out.index("</iframe>")
    assert 'class="jsna-long-list jsna-map-areas"' in out and "LSOA name" in out and "data:text/csv" in out
    doc = maps.map_document(_map(grid, outline))
    assert "<details class=\\\"jsna-legend-box\\\" open>" in doc or 'jsna-legend-box' in doc


def test_rounding_collapse_is_repaired_not_fatal():
    """East Riding's LSOA E01012924 (ONS LSOA 2021 BSC, simplified by 147 m and rounded to 4
    decimals as the interactive map does) has a sliver that collapses to a line: GEOS refuses
    make_valid on it as 'mixed-dimension' input, which stopped the report. It is now repaired
    polygon by polygon and stays polygonal."""
    from pathlib import Path

    import shapely

    wkt = (Path(__file__).resolve().parents[1] / "fixtures" / "maps" /
           "lsoa21_E01012924_simplified_rounded.wkt").read_text()
    geom = shapely.from_wkt(wkt)
    with pytest.raises(shapely.errors.GEOSException, match="mixed-dimension"):
        shapely.make_valid(geom)
    fixed = maps.polygonal(maps._make_valid(np.array([geom, box(0, 0, 1, 1)], dtype=object)))
    assert all(g.is_valid and g.geom_type in ("Polygon", "MultiPolygon") for g in fixed)
    assert fixed[0].area == pytest.approx(geom.area, rel=0.01)  # nothing but the sliver is lost


def test_polygon_paths_keep_holes_parts_and_rows():
    """One compound path per polygon (a multipolygon gives one per part), holes as further rings,
    MOVETO/LINETO/CLOSEPOLY as matplotlib codes a closed ring; None, empty and non-polygon parts
    are skipped and every path names the row it came from."""
    from matplotlib.path import Path as MplPath
    from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Polygon

    holed = Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 2), (2, 1)]])
    geoms = [None, Polygon(), MultiPolygon([Polygon([(0, 0), (1, 0), (1, 1)]), holed]),
             GeometryCollection([LineString([(0, 0), (1, 1)]), Polygon([(5, 5), (6, 5), (6, 6)])])]
    paths, rows = maps._polygon_paths(geoms)
    assert rows.tolist() == [2, 2, 3]
    assert paths[0].codes.tolist() == [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY]
    assert paths[1].vertices.tolist() == [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0], [1, 1], [2, 2], [2, 1], [1, 1]]  # the hole: a second ring
    assert paths[1].codes.tolist() == [1, 2, 2, 2, 79, 1, 2, 2, 79]
    assert maps._polygon_paths([])[0] == [] and maps._polygon_paths([None])[0] == []


def test_area_outlines_are_the_same_for_a_coverage_and_for_overlapping_areas(grid):
    """Small areas that tile the district are dissolved as a coverage; areas that overlap (not a
    coverage) the general way; both give the district's outline."""
    from shapely.geometry import box

    frame = grid.assign(lsoa21cd=grid["code"], lad24cd=["D1", "D1", "D2", "D2"],
                        lad24nm=["One", "One", "Two", "Two"])
    out = maps.area_outlines(frame, edition="iod2025")[0].gdf
    assert out["lad24nm"].tolist() == ["One", "Two"]
    assert out.geometry.iloc[0].equals(box(458000, 304000, 460000, 305000))
    overlapping = frame.copy()
    overlapping.loc[1, "geometry"] = box(458500, 304000, 460000, 305000)  # overlaps the first square
    again = maps.area_outlines(overlapping, edition="iod2025")[0].gdf
    assert again.geometry.iloc[0].equals(box(458000, 304000, 460000, 305000))
