"""ONS boundary loaders -> GeoDataFrames in EPSG:4326 (WGS84 lon/lat) with short code columns.

England-wide files cover any English upper-tier LA; the LLR files are more detailed (MSOA,
wards) or line up with them (district and county outlines dissolved from the LLR MSOAs).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd

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


def lsoa_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None) -> gpd.GeoDataFrame:
    """LSOA 2011 polygons (ONS BSC, England): lsoa11cd, lsoa11nm, geometry.

    ``codes`` keeps only those LSOAs (use :func:`missing_codes` to find any without a polygon).
    """
    def build() -> gpd.GeoDataFrame:
        gdf = read_geojson("lsoa11_boundaries_england", data_dir)
        return _tidy(gdf, {"LSOA11CD": "lsoa11cd", "LSOA11NM": "lsoa11nm"})

    gdf = cached_parquet("lsoa11_boundaries_england", build, data_dir, version="1")
    return _select(gdf, "lsoa11cd", codes)


def msoa_boundaries(codes: Iterable[str] | None = None, data_dir: Path | None = None,
                    detail: str = "auto") -> gpd.GeoDataFrame:
    """MSOA 2011 polygons: msoa11cd, msoa11nm, geometry.

    ``detail``: "england" = the simplified England file (context maps), "llr" = the more detailed
    LLR file, "auto" = the LLR file when every requested code is in it, else England.
    """
    if detail not in ("auto", "llr", "england"):
        raise ValueError(f"detail={detail!r}: choose 'auto', 'llr' or 'england'")
    wanted = None if codes is None else list(codes)
    if detail == "llr" or (detail == "auto" and wanted is not None):
        llr = _tidy(read_geojson("msoa11_boundaries_llr", data_dir),
                    {"MSOA11CD": "msoa11cd", "MSOA11NM": "msoa11nm"})
        if detail == "llr" or (wanted is not None and set(wanted) <= set(llr["msoa11cd"])):
            return _select(llr, "msoa11cd", wanted)

    def build() -> gpd.GeoDataFrame:
        gdf = read_geojson("msoa11_boundaries_ew", data_dir)
        gdf = _tidy(gdf, {"msoa11_code": "msoa11cd", "msoa11_name": "msoa11nm"})
        return gdf[gdf["msoa11cd"].str.startswith("E")].reset_index(drop=True)

    gdf = cached_parquet("msoa11_boundaries_ew", build, data_dir, name="england", version="1")
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
