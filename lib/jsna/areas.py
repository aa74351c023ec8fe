"""THE area table: a Place's small areas with population, deprivation and groupings.

One definition, used by every topic, of:

* the Place's LSOAs and MSOAs (2011 geography, the vintage of IoD2019) with their names, ward,
  district and upper-tier area;
* population (IoD2019 File 6, mid-2015, excluding prisoners) and the IMD 2019 score, rank and
  national decile;
* an MSOA's IMD score: the population-weighted mean of its LSOAs' scores (MHCLG's method for
  area averages);
* the national quintile (LSOAs: deciles 1-2 -> 1 ... 9-10 -> 5; MSOAs: population-weighted fifths
  of England's MSOAs);
* the local quintile: population-weighted fifths of the Place's own areas by IMD score, PHE
  quantile method (:func:`jsna.stats.quantiles`), 1 = most deprived fifth of residents;
* Core20: England's most deprived 20% of LSOAs (IMD deciles 1 and 2), as NHS England defines it.

Column names are the same at both levels: ``code``-style names keep their ONS vintage suffix
(``lsoa11cd``, ``msoa11cd``, ``lad19cd``, ``utla19cd``) so that a join can never mix vintages.
Tables are cached per Place and input-file version; callers get a copy.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from jsna.places import Place, PlaceError, load_place
from jsna.stats import StatsWarning, quantiles

#: NHS England's Core20: the most deprived 20% of England's LSOAs, IMD 2019 national deciles 1 and 2.
CORE20_DECILES: tuple[int, ...] = (1, 2)

#: Columns of :func:`lsoas` (then every other IoD2019 column of jsna.load.imd.imd2019_lsoa).
LSOA_COLUMNS = ("lsoa11cd", "lsoa11nm", "msoa11cd", "msoa11nm", "msoa11hclnm", "wd19cd", "wd19nm",
                "lad19cd", "lad19nm", "utla19cd", "utla19nm", "pop_total", "imd_score", "imd_rank",
                "imd_decile", "national_quintile", "local_quintile", "core20")
#: Columns of :func:`msoas`.
MSOA_COLUMNS = ("msoa11cd", "msoa11nm", "msoa11hclnm", "lad19cd", "lad19nm", "utla19cd", "utla19nm",
                "n_lsoa", "pop_total", "imd_score", "national_quintile", "local_quintile",
                "pop_core20", "core20_share")

__all__ = ["CORE20_DECILES", "SOURCE_IDS", "LSOA_COLUMNS", "MSOA_COLUMNS", "is_core20", "national_quintile",
           "local_quintiles", "msoa_scores", "england_lsoas", "england_msoas", "lsoas", "msoas"]


def is_core20(decile: pd.Series) -> pd.Series:
    """True where the national IMD decile is 1 or 2 (missing deciles raise, never count as False)."""
    d = pd.to_numeric(decile, errors="coerce")
    if d.isna().any():
        raise ValueError("imd_decile has missing or non-numeric values; every LSOA needs a decile 1-10")
    if ((d < 1) | (d > 10)).any():
        raise ValueError(f"imd_decile must lie in 1..10, found {sorted(set(d[(d < 1) | (d > 10)]))}")
    return d.isin(CORE20_DECILES)


def national_quintile(decile: pd.Series) -> pd.Series:
    """National IMD quintile from the national decile: 1-2 -> 1 (Core20) ... 9-10 -> 5."""
    return ((pd.to_numeric(decile, errors="coerce") + 1) // 2).astype("Int64")


def local_quintiles(areas: pd.DataFrame, score_col: str = "imd_score", weight_col: str = "pop_total",
                    out_col: str = "local_quintile", group_cols: str | list[str] | None = None) -> pd.DataFrame:
    """Add ``out_col``: population-weighted fifths by score within the frame (or each group),
    1 = most deprived fifth (PHE quantile method). Too few areas give NA and ``<out_col>_note``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)  # the note column carries the reason
        out = quantiles(areas, score_col, nquantiles=5, group_cols=group_cols, weight_col=weight_col,
                        invert=True)
    return out.rename(columns={"quantile": out_col, "quantile_note": f"{out_col}_note"})


def msoa_scores(lsoa_table: pd.DataFrame, keys: Iterable[str] = ("msoa11cd",)) -> pd.DataFrame:
    """MSOAs of an LSOA table: n_lsoa, pop_total, pop_core20 and imd_score, the population-weighted
    mean of the LSOAs' IMD scores. One row per key, sorted by the keys."""
    keys = list(keys)
    core = lsoa_table["core20"] if "core20" in lsoa_table else is_core20(lsoa_table["imd_decile"])
    d = lsoa_table.assign(_w=lsoa_table["imd_score"] * lsoa_table["pop_total"],
                          _c=lsoa_table["pop_total"].where(core, 0))
    agg = d.groupby(keys, sort=True, dropna=False).agg(n_lsoa=("lsoa11cd", "size"), pop_total=("pop_total", "sum"),
                                         pop_core20=("_c", "sum"), _w=("_w", "sum"))
    agg["imd_score"] = agg.pop("_w") / agg["pop_total"]
    return agg.reset_index()


def _file_keys(source_ids: Iterable[str], data_dir: Path | None) -> tuple:
    from jsna.catalogue import get_source

    keys = []
    for sid in source_ids:
        path = get_source(sid).raw_path(data_dir)
        try:
            st = path.stat()
            keys.append((str(path.resolve()), st.st_size, st.st_mtime_ns))
        except OSError:  # missing: the loader raises its clear error
            keys.append((str(path), -1, -1))
    return tuple(keys)


#: Catalogue ids of the sources the area table is built from (for "About the data").
SOURCE_IDS: tuple[str, ...] = ("lookup_lsoa11_ew", "imd2019_lsoa")


def _key(data_dir: Path | None) -> tuple:
    try:
        return _file_keys(SOURCE_IDS, data_dir)
    except Exception:  # noqa: BLE001 - an unknown catalogue id: no caching, the loader explains
        return (object(),)


def england_lsoas(data_dir: Path | None = None) -> pd.DataFrame:
    """Every English LSOA (2011): lookup columns joined with every IoD2019 column, plus
    ``national_quintile`` and ``core20``. Sorted by lsoa11cd."""
    return _england_lsoas(_key(data_dir), data_dir).copy()


@functools.lru_cache(maxsize=2)
def _england_lsoas(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    from jsna.load.geography import lsoa_lookup
    from jsna.load.imd import imd2019_lsoa

    lk = lsoa_lookup(data_dir)
    imd = imd2019_lsoa(data_dir).drop(columns=["lsoa11nm", "lad19nm"])
    out = lk.merge(imd, on="lsoa11cd", how="left", suffixes=("", "_imd"), validate="one_to_one")
    mismatch = out["lad19cd_imd"].notna() & (out["lad19cd"] != out["lad19cd_imd"])
    if mismatch.any():
        raise PlaceError(f"LSOA {out.loc[mismatch, 'lsoa11cd'].iloc[0]} has a different district in the "
                         "lookup and in IoD2019: check the catalogue vintages")
    out = out.drop(columns=["lad19cd_imd"])
    out["national_quintile"] = national_quintile(out["imd_decile"])
    has = out["imd_decile"].notna()  # an LSOA without IoD2019 row: the Place table refuses it
    out["core20"] = False
    out.loc[has, "core20"] = is_core20(out.loc[has, "imd_decile"])
    return out.sort_values("lsoa11cd").reset_index(drop=True)


def england_msoas(data_dir: Path | None = None) -> pd.DataFrame:
    """Every English MSOA (2011): names, district, upper tier, population, population-weighted IMD
    score, ``national_quintile`` (population-weighted fifths of England's MSOAs) and Core20 share."""
    return _england_msoas(_key(data_dir), data_dir).copy()


_MSOA_KEYS = ("msoa11cd", "msoa11nm", "msoa11hclnm", "lad19cd", "lad19nm", "utla19cd", "utla19nm")


@functools.lru_cache(maxsize=2)
def _england_msoas(key: tuple, data_dir: Path | None) -> pd.DataFrame:
    m = msoa_scores(_england_lsoas(key, data_dir).dropna(subset=["imd_score"]), _MSOA_KEYS)
    if m["msoa11cd"].duplicated().any():
        raise PlaceError("an MSOA spans two districts in the lookup: check the catalogue vintages")
    m = local_quintiles(m, out_col="national_quintile").drop(columns="national_quintile_note")
    m["core20_share"] = 100.0 * m["pop_core20"] / m["pop_total"]
    return m


def _selection(place: Place | str | Iterable[str]) -> tuple[str, tuple[str, ...], str]:
    """(column, codes, where): a Place selects its April 2019 districts (exact for councils formed
    since, e.g. North Yorkshire); plain codes are April 2019 upper-tier codes."""
    if isinstance(place, str):
        place = load_place(place)
    if isinstance(place, Place):
        return "lad19cd", tuple(place.district_codes_2019), str(place.source_file or place.id)
    codes = tuple(place)
    return "utla19cd", codes, ", ".join(codes)


def lsoas(place: Place | str | Iterable[str], data_dir: Path | None = None) -> pd.DataFrame:
    """The Place's LSOAs (columns :data:`LSOA_COLUMNS` first, then the other IoD2019 columns), with
    local quintiles within the Place. ``place`` may be a Place, a Place id, or April 2019 upper-tier codes."""
    col, codes, where = _selection(place)
    return _place_lsoas(col, codes, where, _key(data_dir), data_dir).copy()


@functools.lru_cache(maxsize=16)
def _place_lsoas(col: str, codes: tuple[str, ...], where: str, key: tuple, data_dir: Path | None) -> pd.DataFrame:
    eng = _england_lsoas(key, data_dir)
    rows = eng[eng[col].isin(codes)]
    absent = [c for c in codes if c not in set(rows[col])]
    field = "upper_tier" if col == "utla19cd" else "districts"
    if rows.empty or absent:
        raise PlaceError(f"{where}: field '{field}': no LSOAs found for {absent or list(codes)} in the "
                         "LSOA lookup. Check the codes with `python -m jsna params list`.")
    no_row = rows["imd_rank"].isna() & rows["imd_decile"].isna() & rows["imd_score"].isna()
    if no_row.any():
        missing = rows.loc[no_row, "lsoa11cd"].tolist()
        raise PlaceError(f"{where}: {len(missing)} LSOA(s) have no IoD2019 row, e.g. {missing[:5]}: "
                         "the lookup and IoD2019 must be the same (2011) LSOA vintage")
    if rows["imd_score"].isna().any():
        missing = rows.loc[rows["imd_score"].isna(), "lsoa11cd"].tolist()
        raise PlaceError(f"{where}: {len(missing)} LSOA(s) have an IoD2019 row without an IMD score, "
                         f"e.g. {missing[:5]}: check data/raw/imd2019 is the catalogued file (`make data`)")
    out = local_quintiles(rows.reset_index(drop=True))
    first = [c for c in LSOA_COLUMNS if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def msoas(place: Place | str | Iterable[str], data_dir: Path | None = None) -> pd.DataFrame:
    """The Place's MSOAs (columns :data:`MSOA_COLUMNS`), local quintiles within the Place by the
    population-weighted MSOA score, national quintiles among England's MSOAs. Sorted by msoa11cd."""
    col, codes, where = _selection(place)
    return _place_msoas(col, codes, where, _key(data_dir), data_dir).copy()


@functools.lru_cache(maxsize=16)
def _place_msoas(col: str, codes: tuple[str, ...], where: str, key: tuple, data_dir: Path | None) -> pd.DataFrame:
    ids = set(_place_lsoas(col, codes, where, key, data_dir)["msoa11cd"])
    eng = _england_msoas(key, data_dir)
    out = local_quintiles(eng[eng["msoa11cd"].isin(ids)].reset_index(drop=True))
    return out[list(MSOA_COLUMNS) + ["local_quintile_note"]]
