"""Loaders: read a catalogued file from data/raw and validate it against the catalogue schema.

`read_source` is the one entry point every family loader (imd, geography, boundaries,
covid, fingertips, small_area) builds on. It never returns a frame that does not match
the catalogue: a missing file, a missing column or an unparseable value raises
:class:`DataError` naming the file, the column and how to fix it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna import paths
from jsna.catalogue import Source, get_source

NA_VALUES = ["", "NA", "N/A", "n/a", "NaN", "nan", "null", ".", "-", ":", "#VALUE!", "*"]


class DataError(ValueError):
    """An input file is missing or does not match its catalogue schema."""


def _missing_file_error(src: Source, path: Path) -> DataError:
    return DataError(
        f"Data file for source {src.id!r} not found: {path}. Run `make data` to fill data/raw "
        f"from the local mirror (set JSNA_DATA_MIRROR, default ../shared/data) or from the "
        f"official URL {src.url}."
    )


def coerce_columns(df: pd.DataFrame, columns: dict[str, str], where: str) -> pd.DataFrame:
    """Check that `columns` exist in df and coerce them to their catalogue types.

    Types: str, int (accepts "1296.00"-style integers; missing allowed -> Int64), float,
    date (ISO), bool, any. Raises DataError naming `where` and the column.
    """
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"{where}: missing column(s) {missing}. Columns present: {list(df.columns)}. "
            "Check the file is the catalogued release, or update data/catalogue/*.yaml."
        )
    out = df.copy()
    for col, typ in columns.items():
        s = out[col]
        if typ in ("any",):
            continue
        if typ == "str":
            out[col] = s.astype("string").str.strip()
            continue
        if typ == "date":
            parsed = pd.to_datetime(s, errors="coerce", format="ISO8601")
            bad = s.notna() & parsed.isna()
            if bad.any():
                raise DataError(f"{where}: column {col!r} has non-date values, e.g. {s[bad].iloc[0]!r}")
            out[col] = parsed
            continue
        if typ == "bool":
            out[col] = s.astype("boolean")
            continue
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            cleaned = s.astype("string").str.replace(",", "", regex=False).str.strip()
            num = pd.to_numeric(cleaned, errors="coerce")
            bad = cleaned.notna() & (cleaned != "") & num.isna()
        else:
            num = pd.to_numeric(s, errors="coerce")
            bad = s.notna() & num.isna()
        if bad.any():
            raise DataError(
                f"{where}: column {col!r} should be {typ} but has {int(bad.sum())} non-numeric "
                f"value(s), e.g. {s[bad].iloc[0]!r} (row {int(np.flatnonzero(bad.to_numpy())[0]) + 2})"
            )
        if typ == "int":
            frac = num.notna() & (num.round() != num)
            if frac.any():
                raise DataError(f"{where}: column {col!r} should hold whole numbers, found {num[frac].iloc[0]}")
            out[col] = num.round().astype("Int64") if num.isna().any() else num.round().astype("int64")
        else:
            out[col] = num.astype("float64")
    return out


def read_source(source_id: str, data_dir: Path | None = None, **read_kw: Any) -> pd.DataFrame:
    """Read a tabular source (csv/xlsx) from data/raw and validate it against the catalogue.

    Extra keyword arguments go to the pandas reader (e.g. usecols, sheet_name).
    """
    src = get_source(source_id)
    path = src.raw_path(data_dir)
    if not path.exists():
        raise _missing_file_error(src, path)
    opts = {"keep_default_na": False, "na_values": NA_VALUES, **src.read, **read_kw}
    try:
        if src.format == "csv":
            opts.setdefault("encoding", "utf-8-sig")
            opts.setdefault("low_memory", False)
            df = pd.read_csv(path, **opts)
        elif src.format == "xlsx":
            opts.pop("encoding", None)
            df = pd.read_excel(path, **opts)
        else:
            raise DataError(f"read_source cannot read format {src.format!r} ({src.id}); use its family loader")
    except DataError:
        raise
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError, ValueError) as exc:
        raise DataError(
            f"{path}: could not be read as {src.format} ({type(exc).__name__}: {exc}). The file may be "
            "truncated or corrupt: delete it and run `make data` again."
        ) from exc
    if df.empty:
        raise DataError(f"{path}: has no data rows. Delete it and run `make data` again.")
    schema = src.columns
    usecols = opts.get("usecols")
    if isinstance(usecols, (list, tuple)) and all(isinstance(c, str) for c in usecols):
        schema = {c: t for c, t in schema.items() if c in usecols}
    return coerce_columns(df, schema, where=str(path))


def read_geojson(source_id: str, data_dir: Path | None = None):
    """Read a catalogued GeoJSON source into a GeoDataFrame (WGS84), validating columns."""
    import geopandas as gpd

    src = get_source(source_id)
    path = src.raw_path(data_dir)
    if not path.exists():
        raise _missing_file_error(src, path)
    target = f"/vsigzip/{path.resolve()}" if path.suffix == ".gz" else path
    try:
        gdf = gpd.read_file(target)
    except Exception as exc:  # pyogrio raises several types for corrupt files
        raise DataError(f"{path}: could not be read as GeoJSON ({exc}). Delete it and run `make data`.") from exc
    gdf = gpd.GeoDataFrame(coerce_columns(gdf, src.columns, str(path)), geometry="geometry", crs=gdf.crs)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    return gdf


#: source id -> function(data_dir) that builds (and caches) that source's parquet; family loaders
#: register themselves with :func:`register_parquet` so `make data` can warm the cache generically.
PARQUET_BUILDERS: dict[str, Callable[[Path | None], Any]] = {}


def register_parquet(source_id: str) -> Callable[[Callable[[Path | None], Any]], Callable[[Path | None], Any]]:
    """Decorator: `make data` calls ``func(data_dir)`` to build the parquet cache of ``source_id``."""
    def deco(func: Callable[[Path | None], Any]) -> Callable[[Path | None], Any]:
        PARQUET_BUILDERS[source_id] = func
        return func
    return deco


def build_parquet(source_id: str, data_dir: Path | None = None) -> Any:
    """Build the parquet cache of a source: its registered family loader, else a generic cache of
    the validated raw table (csv/xlsx via read_source, geojson via read_geojson)."""
    if source_id in PARQUET_BUILDERS:
        return PARQUET_BUILDERS[source_id](data_dir)
    src = get_source(source_id)
    reader = read_geojson if src.format == "geojson" else read_source
    return cached_parquet(source_id, lambda: reader(source_id, data_dir), data_dir, name="raw")


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_MEMO: dict[Path, Any] = {}  # in-process copies of cache files already read (keys hash the content)


def cached_parquet(source_id: str, builder: Callable[[], Any], data_dir: Path | None = None,
                   name: str = "", version: str = "1") -> Any:
    """Return ``builder()``, cached as parquet in data/processed keyed by the raw file's sha256.

    The cache file is ``<processed>/<source_id>[-name]-v<version>-<key>.parquet`` where the key
    hashes the raw file's sha256, the catalogue schema (columns, read options) and ``version``: new
    raw bytes, a changed schema or a new builder version give a new key, so a stale cache is never
    read. GeoDataFrames are stored as GeoParquet. If the cache cannot be written (read-only
    directory) the built frame is returned all the same. Within one process a frame is read once
    and callers get copies, so they may modify what they get.
    """
    label = f"{source_id}-{name}" if name else source_id
    return cached_parquet_of([source_id], builder, label, data_dir, version)


def cached_parquet_of(source_ids: Sequence[str], builder: Callable[[], Any], label: str,
                      data_dir: Path | None = None, version: str = "1") -> Any:
    """:func:`cached_parquet` for a frame built from several sources: the key hashes every one of
    their raw files and schemas, so a change to any of them rebuilds the cache."""
    parts = []
    for sid in source_ids:
        src = get_source(sid)
        raw = src.raw_path(data_dir)
        if not raw.exists():
            raise _missing_file_error(src, raw)
        schema = json.dumps({"columns": src.columns, "read": src.read, "version": version}, sort_keys=True,
                            default=str)
        parts.append(file_sha256(raw) + schema)
    key = hashlib.sha256("".join(parts).encode()).hexdigest()[:16]
    out = paths.processed_dir() / f"{label}-v{version}-{key}.parquet"
    if out in _MEMO:
        return _MEMO[out].copy()
    if out.exists():
        try:
            frame = _read_parquet(out)
            _MEMO[out] = frame
            return frame.copy()
        except Exception:  # a corrupt cache file is rebuilt, never trusted
            out.unlink(missing_ok=True)
    frame = builder()
    _MEMO[out] = frame
    try:
        _write_parquet_atomic(frame, out)
        for old in out.parent.glob(f"{label}-v*.parquet"):
            if old != out:
                old.unlink(missing_ok=True)
    except OSError as exc:
        warnings.warn(f"could not write parquet cache {out}: {exc}", stacklevel=2)
    return frame.copy()


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path).metadata or {}
    if b"geo" in meta:
        import geopandas as gpd

        return gpd.read_parquet(path)
    return pd.read_parquet(path)


def _write_parquet_atomic(frame: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
