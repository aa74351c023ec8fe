"""ONS boundary loaders -> GeoDataFrames in EPSG:4326 (WGS84 lon/lat) with short code columns.

England-wide files cover any English upper-tier LA; the LLR files are more detailed (MSOA,
wards) or line up with them (district and county outlines dissolved from the LLR MSOAs). LSOA and
MSOA polygons come in the geography of either edition of the Indices of Deprivation
(:mod:`jsna.editions`): 2011 for IoD2019 (the default), 2021 for IoD2025.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np

from jsna.editions import Edition, get_edition
from jsna.load import DataError, cached_parquet, read_geojson, register_parquet

__all__ = [
    "lsoa_boundaries",
    "msoa_boundaries",
    "lad_boundaries",
    "utla_boundaries",
    "ward_boundaries",
    "llr_outlines",
    "missing_codes",
]


def _tidy(gdf: gpd.GeoDataFrame, renames: dict[str, str]) -> gpd.GeoDataFrame:
    out = gdf.rename(columns=renames)[[*renames.values(), "geometry"]]
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=gdf.crs)
    if out.crs is None or out.crs.to_epsg() != 4326:
        out = out.to_crs(4326) if out.crs is not None else out.set_crs(4326)
    return out.reset_index(drop=True)


def _select(gdf: gpd.GeoDataFrame, code_col: str, codes: Iterable[str] | None) -> gpd.GeoDataFrame:
    if codes is None:
        return gdf
    wanted = list(dict.fromkeys(codes))
    return gdf[gdf[code_col].isin(wanted)].reset_index(drop=True)


def missing_codes(gdf: gpd.GeoDataFrame, code_col: str, codes: Iterable[str]) -> list[str]:
    """Codes asked for that have no boundary in gdf (sorted): for a report's "N areas not mapped" note."""
    have = set(gdf[code_col])
    return sorted({c for c in codes if c not in have})


@register_parquet("lsoa11_boundaries_england")
def _lsoa_cache(data_dir: Path | None) -> gpd.GeoDataFrame:
    return lsoa_boundaries(data_dir=data_dir)


@register_parquet("msoa11_boundaries_ew")
def _msoa_cache(data_dir: Path | None) -> gpd.GeoDataFrame:
    return msoa_boundaries(data_dir=data_dir, detail="england")


@register_parquet("lsoa21_boundaries_england")
def _lsoa21_cache(data_dir: Path | None) -> gpd.GeoDataFrame:
    return lsoa_boundaries(data_dir=data_dir, edition="iod2025", detail="england")


@register_parquet("lsoa21_boundaries_bgc_england")
def _lsoa21_bgc_cache(data_dir: Path | None) -> gpd.GeoDataFrame:
    return lsoa_boundaries(data_dir=data_dir, edition="iod2025")


@register_parquet("msoa21_boundaries_england")
def _msoa21_cache(data_dir: Path | None) -> gpd.GeoDataFrame:
    return msoa_boundaries(data_dir=data_dir, edition="iod2025")


def polygonal(geoms):
    """The polygons of each geometry: repairing a ring that simplification or rounding made touch
    itself can leave a GeometryCollection with stray lines or points, which Leaflet draws without a
    tooltip; keep its (Multi)Polygon part."""
    import shapely

    arr = np.asarray(geoms, dtype=object).copy()
    for i, g in enumerate(arr):
        if g is not None and g.geom_type == "GeometryCollection":
            parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
            polys = [q for p in parts for q in shapely.get_parts(p)]
            arr[i] = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0] if polys else g
    return arr


def _valid(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Repair the few polygons that are invalid as published (nested shells, self-touching rings)."""
    import shapely


    bad = ~gdf.geometry.is_valid
    if bad.any():
        gdf = gdf.copy()
        gdf.loc[bad, "geometry"] = polygonal(shapely.make_valid(gdf.geometry[bad].to_numpy()))
    return gdf


def _england_polygons(source_id: str, renames: dict[str, str], data_dir: Path | None, name: str = "",
                      england_only: bool = False, repair: bool = False) -> gpd.GeoDataFrame:
    """A catalogued England (or England and Wales) boundary file, tidied (``repair``: invalid polygons
    made valid) and cached as GeoParquet."""
    code = next(iter(renames.values()))

    def build() -> gpd.GeoDataFrame:
        gdf = _tidy(read_geojson(source_id, data_dir), renames)
        if repair:
            gdf = _valid(gdf)
        if england_only:
            gdf = gdf[gdf[code].str.startswith("E")].reset_index(drop=True)
        return gdf

    # version 2: the repaired polygons keep only their polygonal parts
    return cached_parquet(source_id, build, data_dir, name=name, version="2" if repair else "1")


def lsoa_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None,
                    edition: Edition | str | None = None, detail: str = "local") -> gpd.GeoDataFrame:
    """LSOA polygons of an edition's geography (default IoD2019: LSOA 2011, ONS BSC, England):
    ``<lsoa code>``, ``<lsoa name>``, geometry (lsoa11cd, lsoa11nm or lsoa21cd, lsoa21nm).

    ``detail``: "local" = the polygons for a Place's maps (2021: Generalised Clipped, 20 m), "england"
    = lighter ones for England-wide maps (2021: Super Generalised Clipped); for 2011 both are the BSC
    file. ``codes`` keeps only those LSOAs (use :func:`missing_codes` to find any without a polygon).
    """
    if detail not in ("local", "england"):
        raise ValueError(f"detail={detail!r}: choose 'local' or 'england'")
    ed = get_edition(edition)
    sid = ed.lsoa_boundary_source if detail == "local" else ed.lsoa_boundary_england_source
    key = ed.lsoa.upper()
    # the 2021 files have a few polygons invalid as published; the 2011 file is read as it always was
    gdf = _england_polygons(sid, {key: ed.lsoa, ed.lsoa_name.upper(): ed.lsoa_name}, data_dir,
                            repair=ed.lsoa_year == 2021)
    return _select(gdf, ed.lsoa, codes)


def msoa_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None,
                    detail: str = "auto", edition: Edition | str | None = None) -> gpd.GeoDataFrame:
    """MSOA polygons of an edition's geography: ``<msoa code>``, ``<msoa name>``, geometry.

    IoD2019 (default; MSOA 2011): ``detail`` "england" = the simplified England file (context maps),
    "llr" = the more detailed LLR file, "auto" = the LLR file when every requested code is in it, else
    England. IoD2025 (MSOA 2021): one England file (Generalised Clipped), whatever ``detail``.
    """
    if detail not in ("auto", "llr", "england"):
        raise ValueError(f"detail={detail!r}: choose 'auto', 'llr' or 'england'")
    ed = get_edition(edition)
    wanted = None if codes is None else list(codes)
    if ed.lsoa_year == 2021:
        gdf = _england_polygons(ed.msoa_boundary_source, {"MSOA21CD": "msoa21cd", "MSOA21NM": "msoa21nm"},
                                data_dir, repair=True)
        return _select(gdf, "msoa21cd", wanted)
    if detail == "llr" or (detail == "auto" and wanted is not None):
        llr = _tidy(read_geojson("msoa11_boundaries_llr", data_dir),
                    {"MSOA11CD": "msoa11cd", "MSOA11NM": "msoa11nm"})
        if detail == "llr" or (wanted is not None and set(wanted) <= set(llr["msoa11cd"])):
            return _select(llr, "msoa11cd", wanted)
    gdf = _england_polygons("msoa11_boundaries_ew", {"msoa11_code": "msoa11cd", "msoa11_name": "msoa11nm"},
                            data_dir, name="england", england_only=True)
    return _select(gdf, "msoa11cd", wanted)


def lad_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Local authority districts (Dec 2019, ultra generalised), England: lad19cd, lad19nm, geometry."""
    gdf = _tidy(read_geojson("lad19_boundaries_england", data_dir),
                {"ltla19_code": "lad19cd", "ltla19_name": "lad19nm"})
    return _select(gdf, "lad19cd", codes)


def utla_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """Counties and unitary authorities (Dec 2019, ultra generalised), England: utla19cd, utla19nm, geometry."""
    gdf = _tidy(read_geojson("utla19_boundaries_england", data_dir),
                {"utla19_code": "utla19cd", "utla19_name": "utla19nm"})
    return _select(gdf, "utla19cd", codes)


def ward_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None,
                    vintage: int = 2019) -> gpd.GeoDataFrame:
    """LLR electoral wards: wd19cd, wd19nm, lad19cd, geometry (vintage 2019, matches the LSOA best-fit
    lookup) or wd25cd, wd25nm, lad25cd, geometry (vintage 2025). Only LLR wards are in the mirror."""
    if vintage == 2019:
        gdf = _tidy(read_geojson("wards2019_boundaries_llr", data_dir),
                    {"WD19CD": "wd19cd", "WD19NM": "wd19nm", "LAD20CD": "lad19cd"})
        return _select(gdf, "wd19cd", codes)
    if vintage == 2025:
        gdf = _tidy(read_geojson("wards2025_boundaries_llr", data_dir),
                    {"WD25CD": "wd25cd", "WD25NM": "wd25nm", "LAD25CD": "lad25cd"})
        return _select(gdf, "wd25cd", codes)
    raise DataError(f"ward_boundaries: vintage={vintage!r} not available; choose 2019 or 2025")


def llr_outlines(level: str = "lad", data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """LLR outlines dissolved from the LLR MSOA polygons (they line up with the MSOA and ward maps).

    level "lad": lad19cd, lad19nm, utla19cd, utla19nm, geometry (9 districts);
    level "utla": utla19cd, utla19nm, geometry (Leicester, Leicestershire, Rutland).
    """
    if level == "lad":
        return _tidy(read_geojson("lad19_outlines_llr", data_dir),
                     {"LAD19CD": "lad19cd", "LAD19NM": "lad19nm", "UTLA19CD": "utla19cd",
                      "UTLA19NM": "utla19nm"})
    if level == "utla":
        return _tidy(read_geojson("utla19_outlines_llr", data_dir),
                     {"UTLA19CD": "utla19cd", "UTLA19NM": "utla19nm"})
    raise ValueError(f"level={level!r}: choose 'lad' or 'utla'")
