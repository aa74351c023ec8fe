"""THE area table: a Place's small areas with population, deprivation and groupings.

One definition, used by every topic, for either edition of the English Indices of Deprivation
(:mod:`jsna.editions`: IoD2019 on 2011 small areas, the default; IoD2025 on 2021 small areas), of:

* the Place's LSOAs and MSOAs with their names, ward, district and upper-tier area, selected by
  the Place's districts in the codes of the edition's geography (April 2019 or April 2023);
* population (IoD2019: File 6, mid-2015, excluding prisoners; IoD2025: Census 2021 usual residents,
  MHCLG's mid-2022 denominators not being held) and the IMD score, rank and national decile;
* an MSOA's IMD score: the population-weighted mean of its LSOAs' scores (MHCLG's method for
  area averages);
* the national quintile (LSOAs: deciles 1-2 -> 1 ... 9-10 -> 5; MSOAs: population-weighted fifths
  of England's MSOAs);
* the local quintile: population-weighted fifths of the Place's own areas by IMD score, PHE
  quantile method (:func:`jsna.stats.quantiles`), 1 = most deprived fifth of residents;
* Core20: England's most deprived 20% of LSOAs (IMD deciles 1 and 2), as NHS England defines it.

Column names are the same at both levels: ``code``-style names keep their ONS vintage suffix
(``lsoa11cd``, ``msoa11cd``, ``lad19cd``, ``utla19cd`` for IoD2019; ``lsoa21cd``, ``msoa21cd``,
``wd24cd``, ``lad24cd``, ``utla23cd`` for IoD2025) so that a join can never mix vintages. Callers
that name no edition get IoD2019: every indicator is grouped by the index and geography of its own
time. England's LSOA table is built once per input-file version and cached as parquet; Place tables
are cached in memory; callers get a copy.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from jsna import reads
from jsna.editions import IOD2019, Edition, edition_of, get_edition
from jsna.places import Place, PlaceError, load_place
from jsna.stats import StatsWarning, quantiles

#: NHS England's Core20: the most deprived 20% of England's LSOAs, national IMD deciles 1 and 2.
CORE20_DECILES: tuple[int, ...] = (1, 2)

#: Columns of :func:`lsoas` (then every other IoD2019 column of jsna.load.imd.imd2019_lsoa).
LSOA_COLUMNS = ("lsoa11cd", "lsoa11nm", "msoa11cd", "msoa11nm", "msoa11hclnm", "wd19cd", "wd19nm",
                "lad19cd", "lad19nm", "utla19cd", "utla19nm", "pop_total", "imd_score", "imd_rank",
                "imd_decile", "national_quintile", "local_quintile", "core20")
#: Columns of :func:`msoas`.
MSOA_COLUMNS = ("msoa11cd", "msoa11nm", "msoa11hclnm", "lad19cd", "lad19nm", "utla19cd", "utla19nm",
                "n_lsoa", "pop_total", "imd_score", "national_quintile", "local_quintile",
                "pop_core20", "core20_share")

__all__ = ["CORE20_DECILES", "LSOA_COLUMNS", "MSOA_COLUMNS", "is_core20", "national_quintile",
           "local_quintiles", "msoa_scores", "england_lsoas", "england_msoas", "lsoas", "msoas",
           "unmatched_lsoas", "lsoa_columns", "msoa_columns", "core20_summary", "core20_basis"]


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


def core20_summary(lsoas: pd.DataFrame, by: tuple[str, str] | None = None, total_name: str | None = None,
                   edition: Edition | str | None = None) -> pd.DataFrame:
    """THE Core20 summary: LSOAs and residents in England's most deprived 20% (IMD deciles 1-2), from the
    area table of one IoD edition (:func:`lsoas` or :func:`england_lsoas` with ``edition``). One row per
    ``by`` group (code and name columns, e.g. ``("utla19cd", "utla19nm")``), or one row for the whole
    frame, plus a last row ``total_name`` for the whole frame when groups are given.

    Columns: area_code, area_name, lsoas, lsoas_core20, pop_total, pop_core20, share_core20 (% of residents),
    lsoas_least20 and pop_least20 (England's least deprived 20%, deciles 9-10), and where the frame has
    ``pop_0_15`` (IoD2019) pop_0_15, pop_0_15_core20, share_0_15_core20. The populations are the edition's
    (:attr:`jsna.editions.Edition.population_label`; say which beside the figure: :func:`core20_basis`).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"u": ["A", "A", "A"], "n": ["Area"] * 3, "pop_total": [100, 300, 600],
    ...                   "core20": [True, False, False], "national_quintile": [1, 3, 5]})
    >>> core20_summary(t, by=("u", "n"))[["area_code", "pop_core20", "share_core20", "pop_least20"]]
      area_code  pop_core20  share_core20  pop_least20
    0         A         100          10.0          600
    """
    need = ["pop_total", *(by or ())] + ([] if "imd_decile" in lsoas.columns else ["core20", "national_quintile"])
    missing = [c for c in need if c not in lsoas.columns]
    if missing:
        raise ValueError(f"core20_summary: missing column(s) {missing}; build the frame with jsna.areas.lsoas")
    # from the area table's flags, else from the national decile itself (an LSOA without one is in neither)
    core = (lsoas["core20"].astype(bool) if "core20" in lsoas.columns
            else lsoas["imd_decile"].isin(CORE20_DECILES))
    least = (lsoas["national_quintile"] == 5 if "national_quintile" in lsoas.columns
             else national_quintile(lsoas["imd_decile"]) == 5).fillna(False).astype(bool)
    extra = {"pop_0_15": lsoas["pop_0_15"], "pop_0_15_core20": lsoas["pop_0_15"].where(core, 0)} \
        if "pop_0_15" in lsoas.columns else {}
    d = pd.DataFrame({"lsoas": 1, "lsoas_core20": core.astype(int), "pop_total": lsoas["pop_total"],
                      "pop_core20": lsoas["pop_total"].where(core, 0),
                      "lsoas_least20": least.astype(int), "pop_least20": lsoas["pop_total"].where(least, 0),
                      **extra})
    keys = list(by) if by else None
    if keys:
        d[["area_code", "area_name"]] = lsoas[keys].to_numpy()
        out = d.groupby(["area_code", "area_name"], sort=False).sum().reset_index()
        if total_name and len(out) > 1:
            out = pd.concat([out, d.drop(columns=["area_code", "area_name"]).sum().to_frame().T.assign(
                area_code="total", area_name=total_name)], ignore_index=True)
    else:
        out = d.sum().to_frame().T.assign(area_code="total", area_name=total_name or "")
    out = out.astype({c: "int64" for c in ("lsoas", "lsoas_core20", "lsoas_least20")})
    out["share_core20"] = 100 * out["pop_core20"] / out["pop_total"]
    if extra:
        out["share_0_15_core20"] = 100 * out["pop_0_15_core20"] / out["pop_0_15"]
    cols = ["area_code", "area_name", "lsoas", "lsoas_core20", "pop_total", "pop_core20", "share_core20",
            "lsoas_least20", "pop_least20", *(["pop_0_15", "pop_0_15_core20", "share_0_15_core20"] if extra else [])]
    return out[cols]


def core20_basis(edition: Edition | str | None = None) -> str:
    """The edition and population behind a Core20 figure, to state beside it: "IMD 2019, mid-2015 populations"."""
    ed = get_edition(edition)
    return f"{ed.imd}, {ed.population_short} populations"


def local_quintiles(areas: pd.DataFrame, score_col: str = "imd_score", weight_col: str = "pop_total",
                    out_col: str = "local_quintile", group_cols: str | list[str] | None = None) -> pd.DataFrame:
    """Add ``out_col``: population-weighted fifths by score within the frame (or each group),
    1 = most deprived fifth (PHE quantile method). Too few areas give NA and ``<out_col>_note``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StatsWarning)  # the note column carries the reason
        out = quantiles(areas, score_col, nquantiles=5, group_cols=group_cols, weight_col=weight_col,
                        invert=True)
    return out.rename(columns={"quantile": out_col, "quantile_note": f"{out_col}_note"})


def msoa_scores(lsoa_table: pd.DataFrame, keys: Iterable[str] | None = None) -> pd.DataFrame:
    """MSOAs of an LSOA table (of either edition): n_lsoa, pop_total, pop_core20 and imd_score, the
    population-weighted mean of the LSOAs' IMD scores. One row per key (default: the MSOA code),
    sorted by the keys."""
    ed = edition_of(lsoa_table)
    keys = [ed.msoa] if keys is None else list(keys)
    core = lsoa_table["core20"] if "core20" in lsoa_table else is_core20(lsoa_table["imd_decile"])
    d = lsoa_table.assign(_w=lsoa_table["imd_score"] * lsoa_table["pop_total"],
                          _c=lsoa_table["pop_total"].where(core, 0))
    agg = d.groupby(keys, sort=True, dropna=False).agg(n_lsoa=(ed.lsoa, "size"), pop_total=("pop_total", "sum"),
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


def lsoa_columns(edition: Edition | str | None = None) -> tuple[str, ...]:
    """The first columns of :func:`lsoas` in an edition (:data:`LSOA_COLUMNS` for IoD2019)."""
    ed = get_edition(edition)
    return (ed.lsoa, ed.lsoa_name, ed.msoa, ed.msoa_name, ed.msoa_hcl, ed.ward, ed.ward_name, ed.lad,
            ed.lad_name, ed.utla, ed.utla_name, "pop_total", "imd_score", "imd_rank", "imd_decile",
            "national_quintile", "local_quintile", "core20")


def msoa_columns(edition: Edition | str | None = None) -> tuple[str, ...]:
    """The columns of :func:`msoas` in an edition (:data:`MSOA_COLUMNS` for IoD2019)."""
    ed = get_edition(edition)
    return (*_msoa_keys(ed), "n_lsoa", "pop_total", "imd_score", "national_quintile", "local_quintile",
            "pop_core20", "core20_share")


def _msoa_keys(ed: Edition) -> tuple[str, ...]:
    return (ed.msoa, ed.msoa_name, ed.msoa_hcl, ed.lad, ed.lad_name, ed.utla, ed.utla_name)


def _key(data_dir: Path | None, ed: Edition = IOD2019) -> tuple:
    try:
        return _file_keys(ed.source_ids, data_dir)
    except Exception:  # noqa: BLE001 - an unknown catalogue id: no caching, the loader explains
        return (object(),)


def england_lsoas(data_dir: Path | None = None, edition: Edition | str | None = None) -> pd.DataFrame:
    """Every English LSOA of an edition's geography (default IoD2019: LSOA 2011): lookup columns
    joined with every column of the edition's LSOA file and ``pop_total`` (see
    :attr:`jsna.editions.Edition.population_label`), plus ``national_quintile`` and ``core20``.
    Sorted by LSOA code. Built once per input-file version and cached as parquet."""
    ed = get_edition(edition)
    return _england_lsoas(ed, _key(data_dir, ed), data_dir).copy()


@reads.recorded_cache(maxsize=4)
def _england_lsoas(ed: Edition, key: tuple, data_dir: Path | None) -> pd.DataFrame:
    from jsna.load import cached_parquet_of

    return cached_parquet_of(list(ed.source_ids), lambda: _build_england_lsoas(ed, data_dir),
                             f"area_lsoas_{ed.key}", data_dir, version="2")


def _build_england_lsoas(ed: Edition, data_dir: Path | None) -> pd.DataFrame:
    lk = ed.lookup(data_dir)[list(lsoa_columns(ed)[:11])]  # the geography columns (the 2021 lookup also has regions)
    imd = ed.index_lsoa(data_dir).drop(columns=[ed.lsoa_name, ed.lad_name])
    out = lk.merge(imd, on=ed.lsoa, how="left", suffixes=("", "_imd"), validate="one_to_one")
    other = f"{ed.lad}_imd"
    mismatch = out[other].notna() & (out[ed.lad] != out[other])
    if mismatch.any():
        raise PlaceError(f"LSOA {out.loc[mismatch, ed.lsoa].iloc[0]} has a different district in the "
                         f"lookup and in {ed.short}: check the catalogue vintages")
    out = out.drop(columns=[other])
    if ed.population_source != ed.index_source:
        out = out.merge(ed.population(data_dir), on=ed.lsoa, how="left", validate="one_to_one")
    out["national_quintile"] = national_quintile(out["imd_decile"])
    has = out["imd_decile"].notna()  # an LSOA without an index row: the Place table names it
    out["core20"] = False
    out.loc[has, "core20"] = is_core20(out.loc[has, "imd_decile"])
    return out.sort_values(ed.lsoa).reset_index(drop=True)


def england_msoas(data_dir: Path | None = None, edition: Edition | str | None = None) -> pd.DataFrame:
    """Every English MSOA of an edition's geography (default IoD2019: MSOA 2011): names, district,
    upper tier, population, population-weighted IMD score, ``national_quintile``
    (population-weighted fifths of England's MSOAs) and Core20 share."""
    ed = get_edition(edition)
    return _england_msoas(ed, _key(data_dir, ed), data_dir).copy()


#: the MSOA keys of the IoD2019 table (kept for callers)
_MSOA_KEYS = _msoa_keys(IOD2019)


@reads.recorded_cache(maxsize=4)
def _england_msoas(ed: Edition, key: tuple, data_dir: Path | None) -> pd.DataFrame:
    eng = _england_lsoas(ed, key, data_dir).dropna(subset=["imd_score", "pop_total"])
    m = msoa_scores(eng, _msoa_keys(ed))
    if m[ed.msoa].duplicated().any():
        raise PlaceError("an MSOA spans two districts in the lookup: check the catalogue vintages")
    m = local_quintiles(m, out_col="national_quintile").drop(columns="national_quintile_note")
    m["core20_share"] = 100.0 * m["pop_core20"] / m["pop_total"]
    return m


def _selection(place: Place | str | Iterable[str], ed: Edition = IOD2019) -> tuple[str, tuple[str, ...], str]:
    """(column, codes, where): a Place selects its districts in the codes of the edition's geography
    (April 2019 for IoD2019, exact for councils formed since, e.g. North Yorkshire; April 2023 for
    IoD2025); plain codes are upper-tier codes of that geography."""
    if isinstance(place, str):
        place = load_place(place)
    if isinstance(place, Place):
        codes = tuple(a.code for a in place.districts_in(ed.codes_year))
        return ed.lad, codes, str(place.source_file or place.id)
    codes = tuple(place)
    return ed.utla, codes, ", ".join(codes)


def lsoas(place: Place | str | Iterable[str], data_dir: Path | None = None,
          edition: Edition | str | None = None, missing: str = "raise") -> pd.DataFrame:
    """The Place's LSOAs in an edition's geography (default IoD2019; columns :func:`lsoa_columns`
    first, then the edition's other index columns), with local quintiles within the Place. ``place``
    may be a Place, a Place id, or upper-tier codes of the edition's geography.

    ``missing``: what to do with LSOAs of the lookup that lack an index row or a population:
    "raise" (PlaceError naming them) or "drop" (leave them out; :func:`unmatched_lsoas` names them
    and the residents they hold, for the report to say so)."""
    if missing not in ("raise", "drop"):
        raise ValueError(f"missing={missing!r}: choose 'raise' or 'drop'")
    ed = get_edition(edition)
    col, codes, where = _selection(place, ed)
    return _place_lsoas(ed, col, codes, where, missing, _key(data_dir, ed), data_dir).copy()


def _incomplete(rows: pd.DataFrame) -> pd.Series:
    return rows[["imd_score", "imd_rank", "imd_decile", "pop_total"]].isna().any(axis=1)


@reads.recorded_cache(maxsize=16)
def _place_lsoas(ed: Edition, col: str, codes: tuple[str, ...], where: str, missing: str, key: tuple,
                 data_dir: Path | None) -> pd.DataFrame:
    rows = _place_rows(ed, col, codes, where, key, data_dir)
    if missing == "drop":
        rows = rows[~_incomplete(rows)]
    else:
        no_row = rows["imd_rank"].isna() & rows["imd_decile"].isna() & rows["imd_score"].isna()
        if no_row.any():
            bad = rows.loc[no_row, ed.lsoa].tolist()
            raise PlaceError(f"{where}: {len(bad)} LSOA(s) have no {ed.short} row, e.g. {bad[:5]}: "
                             f"the lookup and {ed.short} must be the same ({ed.lsoa_year}) LSOA vintage")
        if rows["imd_score"].isna().any():
            bad = rows.loc[rows["imd_score"].isna(), ed.lsoa].tolist()
            raise PlaceError(f"{where}: {len(bad)} LSOA(s) have an {ed.short} row without an IMD score, "
                             f"e.g. {bad[:5]}: check the deprivation file is the catalogued one (`make data`)")
        if rows["pop_total"].isna().any():
            bad = rows.loc[rows["pop_total"].isna(), ed.lsoa].tolist()
            raise PlaceError(f"{where}: {len(bad)} LSOA(s) have no population ({ed.population_label}), "
                             f"e.g. {bad[:5]}: check the population file is the catalogued one (`make data`)")
    out = local_quintiles(rows.reset_index(drop=True))
    first = [c for c in lsoa_columns(ed) if c in out.columns]
    return out[first + [c for c in out.columns if c not in first]]


def _place_rows(ed: Edition, col: str, codes: tuple[str, ...], where: str, key: tuple,
                data_dir: Path | None) -> pd.DataFrame:
    eng = _england_lsoas(ed, key, data_dir)
    rows = eng[eng[col].isin(codes)]
    absent = [c for c in codes if c not in set(rows[col])]
    field = "upper_tier" if col == ed.utla else "districts"
    if rows.empty or absent:
        vintage = "April 2019" if ed.codes_year == 2019 else "April 2023"
        raise PlaceError(f"{where}: field '{field}': no LSOAs found for {absent or list(codes)} in the "
                         f"{ed.lsoa_year} LSOA lookup of {ed.short}, which uses the councils of {vintage}. "
                         "Check the codes with `python -m jsna params list`.")
    return rows


def codes_in(codes: pd.Series, wanted: Iterable) -> np.ndarray:
    """Which of ``codes`` are among ``wanted``: ``codes.isin(wanted)`` as a boolean array, by a set
    lookup per row. pandas 3's ``isin`` on a str column makes one pyarrow scalar per wanted value,
    0.25 s against England's 33,755 LSOAs; this takes about 10 ms."""
    wanted = wanted if isinstance(wanted, set | frozenset) else set(wanted)
    return np.fromiter((c in wanted for c in codes.tolist()), dtype=bool, count=len(codes))


def unmatched_lsoas(place: Place | str | Iterable[str], data_dir: Path | None = None,
                    edition: Edition | str | None = None) -> pd.DataFrame:
    """The Place's LSOAs that one of the edition's files lacks, for the report to name: LSOAs of the
    lookup without an index row or a population, and LSOAs the index puts in the Place's districts
    that the lookup does not have. Columns: code, name, district, residents (the edition's population
    where known, else NA), problem. Empty when every file covers the Place."""
    ed = get_edition(edition)
    col, codes, where = _selection(place, ed)
    rows = _place_rows(ed, col, codes, where, _key(data_dir, ed), data_dir)
    bad = rows[_incomplete(rows)]
    out = [pd.DataFrame({"code": bad[ed.lsoa], "name": bad[ed.lsoa_name], "district": bad[ed.lad_name],
                         "residents": bad["pop_total"],
                         "problem": [f"not in the {ed.short} file" if pd.isna(r) else
                                     f"no population ({ed.population_label})" if pd.isna(p) else
                                     f"incomplete {ed.short} row"
                                     for r, p in zip(bad["imd_rank"], bad["pop_total"], strict=True)]})]
    if col == ed.lad:
        idx = ed.index_lsoa(data_dir)
        idx = idx[idx[ed.lad].isin(codes)]
        extra = idx[~codes_in(idx[ed.lsoa], _england_lsoas(ed, _key(data_dir, ed), data_dir)[ed.lsoa])]
        if len(extra):
            pop = ed.population(data_dir).set_index(ed.lsoa)["pop_total"]
            out.append(pd.DataFrame({"code": extra[ed.lsoa], "name": extra[ed.lsoa_name],
                                     "district": extra[ed.lad_name], "residents": extra[ed.lsoa].map(pop),
                                     "problem": f"not in the {ed.lsoa_year} LSOA lookup"}))
    res = pd.concat(out, ignore_index=True)
    res["residents"] = pd.to_numeric(res["residents"], errors="coerce").astype("Float64")
    return res.sort_values("code").reset_index(drop=True)


def msoas(place: Place | str | Iterable[str], data_dir: Path | None = None,
          edition: Edition | str | None = None) -> pd.DataFrame:
    """The Place's MSOAs in an edition's geography (default IoD2019; columns :func:`msoa_columns`),
    local quintiles within the Place by the population-weighted MSOA score, national quintiles among
    England's MSOAs. Sorted by MSOA code."""
    ed = get_edition(edition)
    col, codes, where = _selection(place, ed)
    return _place_msoas(ed, col, codes, where, _key(data_dir, ed), data_dir).copy()


@reads.recorded_cache(maxsize=16)
def _place_msoas(ed: Edition, col: str, codes: tuple[str, ...], where: str, key: tuple,
                 data_dir: Path | None) -> pd.DataFrame:
    ids = set(_place_lsoas(ed, col, codes, where, "raise", key, data_dir)[ed.msoa])
    eng = _england_msoas(ed, key, data_dir)
    out = local_quintiles(eng[eng[ed.msoa].isin(ids)].reset_index(drop=True))
    return out[list(msoa_columns(ed)) + ["local_quintile_note"]]
