"""Maps for the report series: offline interactive (folium/Leaflet) and static (matplotlib) choropleths.

Generic: any GeoDataFrame column of ordered categories (IMD deciles, quintiles, bands of any
indicator) can be mapped with a :class:`CategoryScheme`. The interactive maps are fully
self-contained: Leaflet's JavaScript and CSS are inlined from the locally installed
``XStatic-Leaflet`` package (BSD-2-Clause), folium's other CDN assets (jQuery, Bootstrap,
awesome-markers) are dropped, and map tiles are off unless asked for, so a report makes no
request to any third party.

Typical use::

    scheme = decile_scheme()
    m = interactive_map(gdf, [ChoroplethLayer("imd_decile", scheme, "IMD 2019 national decile")],
                        tooltip={"lsoa11cd": "LSOA code", "imd_decile": "Decile"},
                        outlines=[Outline(lads, "Districts", label_col="lad19nm")])
    show_map(m, title="Map of ...", description="...")
    fig = static_map(gdf, "imd_decile", scheme, outlines=[Outline(lads, "Districts")])
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import palette
from jsna.load.boundaries import polygonal
from jsna.offline import external_resources
from jsna.report import esc

WEB_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:27700"  # British National Grid, metres (England)
MISSING_COLOUR = "#d9d9d9"
OUTLINE_COLOUR = palette.OKABE_ITO["black"]
DEFAULT_HEIGHT_PX = 520

class MapError(ValueError):
    """Bad input to a map builder (the message names the column or parameter and the fix)."""


# ---------------------------------------------------------------------------------------------
# Category schemes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryScheme:
    """Ordered categories with one colour and one legend label each.

    The first category is drawn first in the legend (for deprivation: group 1, most deprived,
    darkest). Values not in ``categories`` (including NA) are drawn in ``missing_colour`` and
    labelled ``missing_label``.
    """

    categories: tuple[Any, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]
    title: str
    missing_label: str = "No data"
    missing_colour: str = MISSING_COLOUR

    def __post_init__(self) -> None:
        n = len(self.categories)
        if n == 0:
            raise MapError("CategoryScheme: 'categories' must not be empty")
        if len(self.colours) != n or len(self.labels) != n:
            raise MapError(
                f"CategoryScheme {self.title!r}: {n} categories but {len(self.colours)} colours and "
                f"{len(self.labels)} labels; give one colour and one label per category"
            )
        if len(set(self.categories)) != n:
            raise MapError(f"CategoryScheme {self.title!r}: categories must be unique")

    def colour_for(self, value: Any) -> str:
        """Fill colour for one value (missing colour for NA or an unknown value)."""
        return self._lookup(value, self.colours, self.missing_colour)

    def label_for(self, value: Any) -> str:
        """Legend label for one value (missing label for NA or an unknown value)."""
        return self._lookup(value, self.labels, self.missing_label)

    def _lookup(self, value: Any, seq: Sequence[str], default: str) -> str:
        if _is_na(value):
            return default
        for cat, item in zip(self.categories, seq, strict=True):
            if _same(cat, value):
                return item
        return default

    def is_known(self, value: Any) -> bool:
        """True if value is one of the categories."""
        return not _is_na(value) and any(_same(c, value) for c in self.categories)


def _is_na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _same(cat: Any, value: Any) -> bool:
    if isinstance(cat, int | float | np.integer | np.floating) and isinstance(
        value, int | float | np.integer | np.floating
    ):
        return float(cat) == float(value)
    return cat == value


def decile_scheme(title: str | None = None, noun: str = "deprived", edition=None) -> CategoryScheme:
    """Deciles 1-10, 1 = most deprived 10% (darkest), palette.DECILE_COLOURS. The default title names
    the edition of the Indices of Deprivation (``edition``, :mod:`jsna.editions`; default IoD2019):
    "IMD 2019 national decile" or "IMD 2025 national decile"."""
    if title is None:
        from jsna.editions import get_edition

        title = get_edition(edition).decile_title()
    labels = tuple(
        f"1 (most {noun} 10%)" if d == 1 else f"10 (least {noun} 10%)" if d == 10 else str(d)
        for d in range(1, 11)
    )
    return CategoryScheme(tuple(range(1, 11)), tuple(palette.DECILE_COLOURS), labels, title)


def quintile_scheme(title: str = "Local quintile", noun: str = "deprived") -> CategoryScheme:
    """Quintiles 1-5, 1 = most deprived fifth (darkest), palette.QUINTILE_COLOURS."""
    labels = tuple(
        f"1 (most {noun} 20%)" if q == 1 else f"5 (least {noun} 20%)" if q == 5 else str(q)
        for q in range(1, 6)
    )
    return CategoryScheme(tuple(range(1, 6)), tuple(palette.QUINTILE_COLOURS), labels, title)


# ---------------------------------------------------------------------------------------------
# Geometry preparation
# ---------------------------------------------------------------------------------------------


def prepare_geometries(gdf, tolerance_m: float = 20.0, precision: int = 5):
    """Simplify polygons (shared edges kept, ~``tolerance_m`` metres) and round coordinates.

    Returns a copy in EPSG:4326 with coordinates rounded to ``precision`` decimal places
    (5 dp ~ 1 m), small enough to inline in an offline HTML report. Rows with no geometry
    raise :class:`MapError`.
    """
    import geopandas as gpd
    import shapely

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise MapError(f"prepare_geometries: expected a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise MapError("prepare_geometries: the GeoDataFrame has no CRS; set one (e.g. EPSG:4326)")
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        raise MapError(f"prepare_geometries: {int(empty.sum())} row(s) have no geometry "
                       f"(first at index {gdf.index[empty][0]!r}); drop or fix them first")
    out = gdf.to_crs(METRIC_CRS)
    geoms = out.geometry.to_numpy()
    if tolerance_m > 0:
        simplified = None
        if hasattr(shapely, "coverage_simplify"):
            try:
                simplified = shapely.coverage_simplify(geoms, tolerance_m)
            except Exception:  # not a valid coverage (overlaps): fall back per polygon
                simplified = None
        if simplified is None or not all(shapely.is_valid(simplified)):
            simplified = shapely.simplify(geoms, tolerance_m, preserve_topology=True)
        geoms = simplified
    out = gpd.GeoDataFrame(out.drop(columns=out.geometry.name), geometry=list(geoms), crs=METRIC_CRS)
    out = out.to_crs(WEB_CRS)
    factor = 10.0**precision
    out.geometry = shapely.transform(out.geometry.to_numpy(), lambda c: np.round(c * factor) / factor)
    out.geometry = polygonal(_make_valid(out.geometry.to_numpy()))
    return out


def _make_valid(geoms):
    """shapely.make_valid, geometry by geometry where GEOS refuses the whole array: rounding can
    collapse a sliver of a polygon to a line, which the default ("linework") repair rejects as
    mixed-dimension input; the "structure" method then repairs it and drops the collapsed part."""
    import shapely

    try:
        return shapely.make_valid(geoms)
    except shapely.errors.GEOSException:
        out = np.empty(len(geoms), dtype=object)
        for i, g in enumerate(geoms):
            try:
                out[i] = shapely.make_valid(g)
            except shapely.errors.GEOSException:
                out[i] = shapely.make_valid(g, method="structure", keep_collapsed=False)
        return out


# ---------------------------------------------------------------------------------------------
# Interactive (folium) maps
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoroplethLayer:
    """One mapped column of ordered categories; several layers become radio-button choices."""

    column: str
    scheme: CategoryScheme
    name: str | None = None

    @property
    def display_name(self) -> str:
        return self.name or self.scheme.title


@dataclass(frozen=True)
class Outline:
    """Boundary lines drawn over the choropleth (e.g. districts), optionally labelled on hover."""

    gdf: Any
    name: str
    label_col: str | None = None
    colour: str = OUTLINE_COLOUR
    weight: float = 2.0
    dash: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def area_outlines(frame, edition=None, district_label: str = "District boundaries",
                  upper_label: str = "Local authority boundaries") -> list[Outline]:
    """District outlines (when the frame covers more than one) and upper-tier outlines (when it covers
    more than one, or a single district), dissolved from the frame's own small-area polygons so they
    line up exactly with the areas drawn. Code and name columns are those of the frame's edition of
    the Indices of Deprivation (``edition``, default: read from the frame's columns)."""
    import shapely

    from jsna.editions import edition_of, get_edition

    ed = get_edition(edition) if edition is not None else edition_of(frame)
    out = []
    # small-area boundaries form a coverage (no overlaps, shared edges): their coverage union is
    # exact and several times faster; anything else is dissolved the general way
    method = "coverage" if bool(shapely.coverage_is_valid(frame.geometry.values)) else "unary"
    lads = frame.dissolve(by=[ed.lad, ed.lad_name], as_index=False, method=method)[[ed.lad, ed.lad_name, "geometry"]]
    if len(lads) > 1:
        out.append(Outline(lads, district_label, label_col=ed.lad_name, weight=1.5))
    if ed.utla in frame.columns:
        utlas = frame.dissolve(by=[ed.utla, ed.utla_name], as_index=False,
                               method=method)[[ed.utla, ed.utla_name, "geometry"]]
        if len(utlas) > 1 or len(lads) == 1:
            out.append(Outline(utlas, upper_label, label_col=ed.utla_name, weight=2.5))
    return out


@cache
def _leaflet_assets() -> tuple[str, str]:
    """(leaflet.js, leaflet.css with its images inlined) from the XStatic-Leaflet package."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - dependency missing
        raise MapError(
            "Offline maps need the XStatic-Leaflet package (Leaflet's JS/CSS): "
            "run `.venv/bin/pip install XStatic-Leaflet==1.9.3.0` (or `make reports` to set up)."
        ) from exc
    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        img = base / "images" / match.group(1)
        data = base64.b64encode(img.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(\s*['\"]?images/([\w.-]+\.png)['\"]?\s*\)", inline, css)
    # the source-map comment would make devtools fetch leaflet.js.map: drop it
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    return js, css


def leaflet_version() -> str:
    """Version of the inlined Leaflet (must match folium's expected 1.9.x)."""
    import xstatic.pkg.leaflet as xleaflet

    return str(xleaflet.VERSION)


_MAP_CSS = """
.jsna-legend{background:#fff;padding:6px 8px;border:1px solid #777;border-radius:4px;
 font:12px/1.35 system-ui,-apple-system,'Segoe UI',Arial,sans-serif;color:#111;max-width:14em}
.jsna-legend summary{font-size:12px;margin:0 0 4px;font-weight:600;cursor:pointer}
@media (max-width:480px){.jsna-legend{font-size:11px;max-width:11em;padding:3px 6px}}
.jsna-legend ul{list-style:none;margin:0;padding:0}
.jsna-legend li{display:flex;align-items:center;gap:6px;margin:1px 0}
.jsna-legend .sw{display:inline-block;width:14px;height:12px;border:1px solid #555;flex:none}
.leaflet-tooltip table{border-collapse:collapse}.leaflet-tooltip th{text-align:left;padding-right:6px}
"""


def _legend_html(scheme: CategoryScheme, include_missing: bool) -> str:
    items = [
        f'<li><span class="sw" style="background:{esc(c)}"></span>{esc(lab)}</li>'
        for c, lab in zip(scheme.colours, scheme.labels, strict=True)
    ]
    if include_missing:
        items.append(f'<li><span class="sw" style="background:{esc(scheme.missing_colour)}">'
                     f"</span>{esc(scheme.missing_label)}</li>")
    # a <details>: open on a wide map, closed (one line) on a phone-width map so it hides no area
    return (f'<details class="jsna-legend-box" open><summary>{esc(scheme.title)}</summary>'
            f'<ul>{"".join(items)}</ul></details>')


def _json_safe(value: Any) -> Any:
    if _is_na(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, float | int | str | bool):
        return value
    return str(value)


def _display_safe(value: Any) -> Any:
    """A property value as folium will show it: strings HTML-escaped (see :func:`esc`)."""
    value = _json_safe(value)
    return esc(value) if isinstance(value, str) else value


def _feature_collection(gdf, columns: Iterable[str]) -> dict:
    """GeoJSON of gdf's geometry and columns. Every property is for display (tooltips, labels),
    so string values are HTML-escaped here, once, for all of them."""
    cols = list(dict.fromkeys(columns))
    feats = []
    geo = gdf.geometry
    for i, (idx, row) in enumerate(gdf[cols].iterrows()):
        geom = geo.loc[idx]
        feats.append({
            "type": "Feature",
            "id": str(i),
            "properties": {c: _display_safe(row[c]) for c in cols},
            "geometry": geom.__geo_interface__,
        })
    return {"type": "FeatureCollection", "features": feats}


def _check_columns(gdf, columns: Iterable[str], where: str) -> None:
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise MapError(f"{where}: column(s) {missing} not in the GeoDataFrame; "
                       f"available: {list(gdf.columns)}")


def interactive_map(
    gdf,
    layers: Sequence[ChoroplethLayer],
    tooltip: Mapping[str, str] | None = None,
    outlines: Sequence[Outline] = (),
    tiles: bool = False,
    simplify_m: float | None = 20.0,
    precision: int = 5,
    fill_opacity: float = 0.85,
    line_colour: str = "#ffffff",
    line_weight: float = 0.4,
):
    """An offline folium map of ordered categories, with legend, tooltips and outlines.

    gdf: polygons (any CRS); layers: one or more category columns (radio buttons when several,
    each with its own legend); tooltip: {column: label} shown on hover; outlines: boundary layers
    drawn on top; tiles: add an OpenStreetMap base layer with attribution (makes third-party
    requests, so off by default); simplify_m/precision: see :func:`prepare_geometries`
    (None = keep the geometry as given). Render with :func:`map_html` / :func:`show_map`.
    """
    import folium
    from branca.element import Element

    if not layers:
        raise MapError("interactive_map: give at least one ChoroplethLayer in 'layers'")
    tooltip = dict(tooltip or {})
    _check_columns(gdf, [lyr.column for lyr in layers], "interactive_map layers")
    _check_columns(gdf, tooltip, "interactive_map tooltip")
    if len(gdf) == 0:
        raise MapError("interactive_map: the GeoDataFrame has no rows to map")

    geo = prepare_geometries(gdf, simplify_m, precision) if simplify_m is not None else gdf.to_crs(WEB_CRS)
    minx, miny, maxx, maxy = (float(v) for v in geo.total_bounds)

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=10,
                   control_scale=True, prefer_canvas=False, zoom_snap=0.25)
    # Offline: no CDN assets. Leaflet JS/CSS are inlined below; jQuery/Bootstrap are unused.
    m.default_js = []
    m.default_css = []
    js, css = _leaflet_assets()
    root = m.get_root()
    root.header.add_child(Element(f"<style>{css}</style><style>{_MAP_CSS}</style>"), name="leaflet_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js")

    if tiles:
        folium.TileLayer(
            "OpenStreetMap", name="OpenStreetMap", control=False, overlay=True,
            attr='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        ).add_to(m)

    folium.map.CustomPane("outlines", z_index=450, pointer_events=False).add_to(m)

    tooltip_cols = list(tooltip)
    # One GeoJson layer holds the geometry once; each ChoroplethLayer is a precomputed fill
    # property (_fill0, _fill1, ...). Several layers appear as radio buttons (empty base-layer
    # groups) that restyle the same polygons and swap the legend.
    data = _feature_collection(geo, tooltip_cols + [lyr.column for lyr in layers])
    for feat, (_, row) in zip(data["features"], geo.iterrows(), strict=True):
        for i, layer in enumerate(layers):
            feat["properties"][f"_fill{i}"] = layer.scheme.colour_for(row[layer.column])
        for col in [lyr.column for lyr in layers if lyr.column not in tooltip_cols]:
            feat["properties"].pop(col, None)
    gj = folium.GeoJson(
        data,
        name=esc(layers[0].display_name),
        smooth_factor=0.5,
        control=False,
        tooltip=folium.GeoJsonTooltip(fields=tooltip_cols, aliases=[esc(a) for a in tooltip.values()],
                                      sticky=True, localize=False, labels=True) if tooltip_cols else None,
    )
    # compact JSON (no spaces after "," and ":"): the geometry is most of a county's report
    gj._template.environment.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    gj.add_to(m)
    legends: list[tuple[str, str]] = []
    for i, layer in enumerate(layers):
        missing = any(not layer.scheme.is_known(v) for v in geo[layer.column])
        if len(layers) > 1:
            group = folium.FeatureGroup(name=esc(layer.display_name), overlay=False, control=True,
                                        show=i == 0)
            group.add_to(m)
            key = group.get_name()
        else:
            key = "only"
        legends.append((key, _legend_html(layer.scheme, missing)))
    base_style = {"color": line_colour, "weight": line_weight, "fillOpacity": fill_opacity, "opacity": 0.9}

    for outline in outlines:
        ogeo = outline.gdf
        if ogeo.crs is None:
            raise MapError(f"outline {outline.name!r}: GeoDataFrame has no CRS")
        ogeo = (prepare_geometries(ogeo, simplify_m, precision) if simplify_m is not None
                else ogeo.to_crs(WEB_CRS))
        cols = [outline.label_col] if outline.label_col else []
        if cols:
            _check_columns(ogeo, cols, f"outline {outline.name!r}")
        style = {"color": outline.colour, "weight": outline.weight, "fill": False, "opacity": 1.0,
                 **({"dashArray": outline.dash} if outline.dash else {})}
        folium.GeoJson(
            _feature_collection(ogeo, cols), name=esc(outline.name), pane="outlines", interactive=False,
            style_function=lambda _f, s=style: s, overlay=True, control=True,
        ).add_to(m)

    _add_switcher(m, gj.get_name(), legends, base_style)
    # the areas on the map as a searchable list (and CSV) beside it: names, codes and categories
    areas = pd.DataFrame({alias: [_json_safe(v) for v in geo[col]] for col, alias in tooltip.items()})
    for layer in layers:
        areas[layer.display_name] = [layer.scheme.label_for(v) for v in geo[layer.column]]
    m.jsna_areas = areas
    if len(layers) > 1 or outlines:
        folium.LayerControl(collapsed=True, position="topright").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _add_switcher(m, geojson_name: str, legends: list[tuple[str, str]], style: dict[str, Any]) -> None:
    """Style the polygons from their _fill<i> property and show layer i's legend; radio buttons
    (Leaflet 'baselayerchange') switch i."""
    from branca.element import MacroElement
    from jinja2 import Template

    payload = json.dumps([h for _, h in legends]).replace("</", "<\\/")
    groups = "[" + ",".join(k if k != "only" else "null" for k, _ in legends) + "]"
    el = MacroElement()
    el._template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map,gj,groups,legends,base){"
        "var ctl=L.control({position:'bottomright'});"
        "ctl.onAdd=function(){var d=L.DomUtil.create('div','jsna-legend');"
        "d.setAttribute('role','group');d.setAttribute('aria-label','Map legend');"
        "L.DomEvent.disableClickPropagation(d);return d;};ctl.addTo(map);"
        "function show(i){gj.setStyle(function(f){var s=Object.assign({},base);"
        "s.fillColor=f.properties['_fill'+i];return s;});ctl.getContainer().innerHTML=legends[i];"
        "var dd=ctl.getContainer().querySelector('details');if(dd&&map.getSize().x<480){dd.open=false;}}"
        "show(0);"
        "map.on('baselayerchange',function(e){var i=groups.indexOf(e.layer);if(i>=0){show(i);}});"
        "})({{ this._parent.get_name() }}," + geojson_name + "," + groups + "," + payload + ","
        + json.dumps(style) + ");"
        "{% endmacro %}"
    )
    m.add_child(el)


def map_document(m, title: str = "Map") -> str:
    """The map as a complete standalone HTML document (no third-party resources unless tiles),
    with a language and a <title> so assistive technology can announce the frame."""
    doc = m.get_root().render()
    doc = re.sub(r"<html(\s[^>]*)?>", '<html lang="en">', doc, count=1)
    return re.sub(r"<head>", f"<head><title>{html.escape(title)}</title>", doc, count=1)


def map_iframe_html(m, title: str, height_px: int = DEFAULT_HEIGHT_PX, allow_external: bool = False) -> str:
    """An <iframe srcdoc> holding the self-contained map, with an accessible title."""
    if not title or not title.strip():
        raise MapError("map_iframe_html: a title is required (screen readers announce it)")
    doc = map_document(m, title)
    if not allow_external:
        found = external_resources(doc)
        if found:
            raise MapError(f"map would load third-party resources (e.g. {found[0]!r}); "
                           "pass tiles=False to interactive_map or allow_external=True")
    return (f'<iframe class="jsna-map" title="{html.escape(title)}" srcdoc="{html.escape(doc)}" '
            f'style="width:100%;height:{int(height_px)}px;border:1px solid #ccc" loading="lazy"></iframe>')


def map_html(m, title: str, description: str | Iterable[str] | None = None, caption: str | None = None,
             height_px: int = DEFAULT_HEIGHT_PX, allow_external: bool = False) -> str:
    """A <figure> with the interactive map (titled iframe), a caption and a text description."""
    from jsna.report import description_html, long_list_html

    # an anchor id from the map's title: the same on every build, distinct for the maps of a page
    n = hashlib.sha1(title.encode()).hexdigest()[:8]
    after = f"after-map-{n}"
    parts = [f'<a class="jsna-map-skip" href="#{after}">Skip the interactive map</a>',
             '<figure class="jsna-figure jsna-map-figure">',
             map_iframe_html(m, title, height_px, allow_external),
             '<p class="jsna-print-only">The interactive map is in the HTML version of this report.</p>']
    parts.append(f"<figcaption>{html.escape(caption or title)}</figcaption></figure>")
    parts.append(f'<span id="{after}" tabindex="-1"></span>')
    if description:
        parts.append(description_html(description).replace("this chart", "this map", 1))
    areas = getattr(m, "jsna_areas", None)
    if areas is not None and len(areas):
        parts.append(long_list_html(areas, caption=f"Areas on the map: {title}", css_class="jsna-map-areas",
                                    summary=f"Find an area: the {len(areas):,} areas on this map, with their names"))
    return "".join(parts)


def show_map(m, title: str, description: str | Iterable[str] | None = None, caption: str | None = None,
             height_px: int = DEFAULT_HEIGHT_PX, allow_external: bool = False) -> None:
    """Display an interactive map with its title, caption and text description in a notebook."""
    from IPython.display import HTML, display

    display(HTML(map_html(m, title, description, caption, height_px, allow_external)))


# ---------------------------------------------------------------------------------------------
# Static (matplotlib) maps
# ---------------------------------------------------------------------------------------------


def _polygon_paths(geoms) -> tuple[list, np.ndarray]:
    """Matplotlib paths of (multi)polygons, holes included, and the index of the row of each path.

    Drawn as one collection per map: geopandas' ``GeoDataFrame.plot`` redraws the whole figure
    after every call, which made the seven-panel domain figure the slowest cell of the series.
    Built with shapely's array functions (one pass over all coordinates, no loop over rings).
    """
    import shapely
    from matplotlib.path import Path as MplPath

    arr = np.asarray(list(geoms), dtype=object)
    if not len(arr):
        return [], np.asarray([], dtype=int)
    polys, rows = shapely.get_parts(arr, return_index=True)
    keep = (shapely.get_type_id(polys) == shapely.GeometryType.POLYGON) & ~shapely.is_empty(polys)
    polys, rows = polys[keep], rows[keep]
    rings, ring_poly = shapely.get_rings(polys, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return [], np.asarray([], dtype=int)
    # each ring as Path(ring, closed=True) would code it: MOVETO, LINETO ..., CLOSEPOLY
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    first = np.r_[0, np.flatnonzero(np.diff(ring_of)) + 1]
    codes[first] = MplPath.MOVETO
    codes[np.r_[first[1:] - 1, len(coords) - 1]] = MplPath.CLOSEPOLY
    # one compound path per polygon: split where the polygon of the ring changes
    poly_of = ring_poly[ring_of]
    cuts = np.flatnonzero(np.diff(poly_of)) + 1
    paths = [MplPath(v, c) for v, c in zip(np.split(coords, cuts), np.split(codes, cuts), strict=True)]
    return paths, np.asarray(rows[np.unique(poly_of)], dtype=int)


def _line_segments(lines) -> list[np.ndarray]:
    """Coordinate arrays of every (multi)line in ``lines`` (e.g. a GeoSeries ``.boundary``), for
    a LineCollection."""
    import shapely

    return [np.asarray(part.coords)[:, :2] for geom in lines if geom is not None and not geom.is_empty
            for part in shapely.get_parts(geom)]


def _plot_categories(ax, gdf, column: str, scheme: CategoryScheme, edgecolour: str, linewidth: float,
                     polygon_paths: tuple[list, np.ndarray] | None = None) -> bool:
    """Fill the areas by category; ``polygon_paths``: :func:`_polygon_paths` of ``gdf`` when it is
    already known (the panels of a small-multiples figure share it)."""
    from matplotlib.collections import PathCollection

    colours = np.array([scheme.colour_for(v) for v in gdf[column]], dtype=object)
    paths, rows = polygon_paths if polygon_paths is not None else _polygon_paths(gdf.geometry)
    coll = PathCollection(paths, facecolors=list(colours[rows]) if len(rows) else [],
                          edgecolors=edgecolour, linewidths=linewidth)
    ax.add_collection(coll, autolim=True)
    ax.autoscale_view()
    return any(not scheme.is_known(v) for v in gdf[column])


def _label_outlines(ax, outlines: Sequence[Outline], crs, max_labels: int = 30) -> None:
    """Names of the outlined areas (districts, authorities) at a point inside each, with a white halo."""
    import matplotlib.patheffects as pe

    for outline in outlines:
        if not outline.label_col or outline.gdf is None or not 1 < len(outline.gdf) <= max_labels:
            continue
        g = outline.gdf.to_crs(crs) if crs is not None and outline.gdf.crs != crs else outline.gdf
        for geom, name in zip(g.geometry, g[outline.label_col], strict=True):
            if geom is None or geom.is_empty:
                continue
            pt = geom.representative_point()
            ax.text(pt.x, pt.y, str(name), fontsize=8.5, ha="center", va="center", color="#111111",
                    zorder=6, path_effects=[pe.withStroke(linewidth=2.5, foreground="white")])


def _outline_segments(outlines: Sequence[Outline], crs) -> list[list[np.ndarray]]:
    """The line segments of each outline's boundary in ``crs``."""
    return [_line_segments(o.gdf.to_crs(crs).boundary) for o in outlines]


def _plot_outlines(ax, outlines: Sequence[Outline], crs, segments: list[list[np.ndarray]] | None = None) -> None:
    from matplotlib.collections import LineCollection

    segments = segments if segments is not None else _outline_segments(outlines, crs)
    for o, segs in zip(outlines, segments, strict=True):
        ax.add_collection(LineCollection(segs, colors=o.colour, linewidths=o.weight * 0.6,
                                         linestyles="--" if o.dash else "-"), autolim=True)
    ax.autoscale_view()


def legend_handles(scheme: CategoryScheme, include_missing: bool = False) -> list:
    """Matplotlib legend patches in category order (first = most deprived for deprivation)."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#555555", label=lab)
               for c, lab in zip(scheme.colours, scheme.labels, strict=True)]
    if include_missing:
        handles.append(Patch(facecolor=scheme.missing_colour, edgecolor="#555555", label=scheme.missing_label))
    return handles


def static_map(gdf, column: str, scheme: CategoryScheme, outlines: Sequence[Outline] = (), ax=None,
               title: str | None = None, legend: bool = True, figsize: tuple[float, float] = (8, 8),
               edgecolour: str = "#ffffff", linewidth: float = 0.15):
    """A print-quality choropleth of ordered categories (British National Grid), legend in order.

    Returns the matplotlib Figure (pass it to jsna.report.figure with alt text and description).
    """
    import matplotlib.pyplot as plt

    _check_columns(gdf, [column], "static_map")
    if gdf.crs is None:
        raise MapError("static_map: the GeoDataFrame has no CRS")
    data = gdf.to_crs(METRIC_CRS)
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    missing = _plot_categories(ax, data, column, scheme, edgecolour, linewidth)
    _plot_outlines(ax, outlines, data.crs)
    _label_outlines(ax, outlines, data.crs)
    _attach_map_data(fig, data, {column: scheme})
    ax.set_axis_off()
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, loc="left", fontsize=12)
    if legend:
        ax.legend(handles=legend_handles(scheme, missing), title=scheme.title, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9, title_fontsize=10)
    return fig


def _attach_map_data(fig, data, schemes: Mapping[str, CategoryScheme]) -> None:
    """The areas behind a static map (its text columns and mapped categories) as the chart's CSV."""
    from jsna.report import attach_data

    keep = [c for c in data.columns if c != data.geometry.name
            and (c in schemes or data[c].dtype == object or pd.api.types.is_string_dtype(data[c]))]
    tidy = pd.DataFrame({c: data[c].to_numpy() for c in keep})
    for col, scheme in schemes.items():
        tidy[f"{col} (category)"] = [scheme.label_for(v) for v in data[col]]
    attach_data(fig, tidy)


def small_multiples(gdf, panels: Mapping[str, str], scheme: CategoryScheme, outlines: Sequence[Outline] = (),
                    ncols: int = 4, panel_size: float = 3.2, suptitle: str | None = None,
                    linewidth: float = 0.0):
    """One small static map per column (``panels`` = {column: panel title}), one shared legend."""
    import matplotlib.pyplot as plt

    if not panels:
        raise MapError("small_multiples: 'panels' must name at least one column")
    _check_columns(gdf, panels, "small_multiples")
    data = gdf.to_crs(METRIC_CRS)
    n = len(panels)
    ncols = max(1, min(ncols, n + 1))
    nrows = int(np.ceil((n + 1) / ncols))  # one extra cell for the legend
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows))
    axes = np.atleast_1d(axes).ravel()
    any_missing = False
    shapes, segments = _polygon_paths(data.geometry), _outline_segments(outlines, data.crs)  # drawn in every panel
    for ax, (col, ttl) in zip(axes, panels.items(), strict=False):
        any_missing |= _plot_categories(ax, data, col, scheme, "#ffffff" if linewidth else "face", linewidth,
                                        polygon_paths=shapes)
        _plot_outlines(ax, outlines, data.crs, segments)
        ax.set_title(ttl, fontsize=10)
        ax.set_axis_off()
        ax.set_aspect("equal")
    for ax in axes[n:]:
        ax.set_axis_off()
    axes[n].legend(handles=legend_handles(scheme, any_missing), title=scheme.title, loc="center",
                   frameon=False, fontsize=8, title_fontsize=9)
    if suptitle:
        fig.suptitle(suptitle, x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    _attach_map_data(fig, data, {c: scheme for c in panels})
    return fig
