"""The data catalogue: data/catalogue/*.yaml -> :class:`Source` entries.

One YAML file per source family (imd, geography, boundaries, covid, fingertips, small_area).
Each entry records where a file comes from (publisher, licence, official URL), where it
sits inside the mirror and data/raw/, its sha256, and the columns and types it must have.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from jsna import paths

COLUMN_TYPES = ("str", "int", "count", "float", "date", "bool", "any")
#: keys of an entry's optional ``expect:`` block (what a complete file looks like; see jsna.load)
EXPECT_KEYS = ("rows", "distinct", "values", "complete", "dates")
_REQUIRED = ("id", "title", "publisher", "licence", "url", "path", "sha256", "format")
FORMATS = ("csv", "geojson", "xlsx", "json")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~8x faster, same results
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class CatalogueError(ValueError):
    """The catalogue itself is invalid (names the catalogue file and entry)."""


@dataclass(frozen=True)
class Source:
    """One catalogue entry."""

    id: str
    title: str
    publisher: str
    licence: str
    url: str
    path: str  # relative path inside the mirror and inside data/raw
    sha256: str
    format: str
    attribution: str = ""
    period: str = ""
    family: str = ""
    notes: str = ""  # for analysts: how the file was made, its quirks (catalogue and log only)
    caveats: str = ""  # for readers: what the figures from this source can and cannot say
    read: dict[str, Any] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    parquet: bool = False
    download_url: str = ""  # a direct URL serving exactly these bytes, when the official url does not
    expect: dict[str, Any] = field(default_factory=dict)  # completeness checks, see _check_expect

    @property
    def fetch_url(self) -> str:
        """The URL `make data` downloads from: download_url if given, else the official url."""
        return self.download_url or self.url

    def raw_path(self, data_dir: Path | None = None) -> Path:
        """Location of this source's file under data/raw (or data_dir)."""
        return Path(data_dir or paths.raw_dir()) / self.path


def _parse_entry(entry: Any, family: str, file: Path) -> Source:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{file}: every entry must be a mapping, got {entry!r}")
    sid = entry.get("id", "<no id>")
    missing = [k for k in _REQUIRED if not entry.get(k)]
    if missing:
        raise CatalogueError(f"{file}: source {sid!r} lacks field(s) {', '.join(missing)}")
    if entry["format"] not in FORMATS:
        raise CatalogueError(f"{file}: source {sid!r} format {entry['format']!r} not in {FORMATS}")
    if not SHA256_RE.match(str(entry["sha256"])):
        raise CatalogueError(f"{file}: source {sid!r} sha256 must be 64 lower-case hex digits")
    path = str(entry["path"])
    if path.startswith("/") or ".." in Path(path).parts:
        raise CatalogueError(f"{file}: source {sid!r} path {path!r} must be relative, inside the mirror")
    cols = entry.get("columns") or {}
    bad = {c: t for c, t in cols.items() if t not in COLUMN_TYPES}
    if bad:
        raise CatalogueError(f"{file}: source {sid!r} has unknown column types {bad}; use {COLUMN_TYPES}")
    _check_expect(entry.get("expect"), sid, file, cols)
    known = {f for f in Source.__dataclass_fields__} - {"family"}
    unknown = set(entry) - known
    if unknown:
        raise CatalogueError(f"{file}: source {sid!r} has unknown field(s) {sorted(unknown)}")
    return Source(family=family, **{k: v for k, v in entry.items()})


def _check_expect(expect: Any, sid: str, file: Path, cols: dict[str, str]) -> None:
    """Validate an entry's ``expect:`` block (schema in jsna.load.check_expect)."""
    if expect is None:
        return

    def bad(problem: str) -> CatalogueError:
        return CatalogueError(f"{file}: source {sid!r} expect: {problem}")

    if not isinstance(expect, dict):
        raise bad("must be a mapping")
    unknown = set(expect) - set(EXPECT_KEYS)
    if unknown:
        raise bad(f"unknown key(s) {sorted(unknown)}; use {EXPECT_KEYS}")
    rows = expect.get("rows")
    if rows is not None and not (isinstance(rows, int) and rows > 0) and not (
            isinstance(rows, dict) and set(rows) <= {"min", "max"} and rows
            and all(isinstance(v, int) and v >= 0 for v in rows.values())):
        raise bad(f"rows must be a positive whole number or {{min: n, max: n}}, got {rows!r}")
    for key in ("distinct", "values"):
        val = expect.get(key)
        if val is not None and not isinstance(val, dict):
            raise bad(f"{key} must map column -> {'count' if key == 'distinct' else 'list of values'}")
    for col, n in (expect.get("distinct") or {}).items():
        if not (isinstance(n, int) and n > 0):
            raise bad(f"distinct.{col} must be a positive whole number, got {n!r}")
    for col, vals in (expect.get("values") or {}).items():
        if not isinstance(vals, list) or not vals:
            raise bad(f"values.{col} must be a non-empty list")
    complete = expect.get("complete")
    if complete is not None and complete != "*" and not (
            isinstance(complete, list) and all(isinstance(c, str) for c in complete)):
        raise bad("complete must be a list of column names or '*' (every catalogued column)")
    dates = expect.get("dates")
    if dates is not None:
        if not isinstance(dates, dict) or "column" not in dates or not ({"first", "last"} & set(dates)):
            raise bad("dates needs 'column' and at least one of 'first', 'last' (ISO dates)")
        if set(dates) - {"column", "first", "last", "by"}:
            raise bad(f"dates has unknown key(s) {sorted(set(dates) - {'column', 'first', 'last', 'by'})}")
        if cols and cols.get(dates["column"]) != "date":
            raise bad(f"dates.column {dates['column']!r} must be a catalogued column of type date")
    named = [*(expect.get("distinct") or {}), *(expect.get("values") or {}),
             *(complete if isinstance(complete, list) else []),
             *([dates["column"], *([dates["by"]] if "by" in dates else [])] if dates else [])]
    missing = [c for c in named if cols and c not in cols]
    if missing:
        raise bad(f"column(s) {missing} are not in the entry's columns")


@cache
def _load(catalogue_dir: str) -> dict[str, Source]:
    out: dict[str, Source] = {}
    d = Path(catalogue_dir)
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise CatalogueError(f"No catalogue files (*.yaml) in {d}")
    for file in files:
        entries = yaml.load(file.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or []
        if not isinstance(entries, list):
            raise CatalogueError(f"{file}: expected a YAML list of sources")
        for entry in entries:
            src = _parse_entry(entry, file.stem, file)
            if src.id in out:
                raise CatalogueError(f"{file}: duplicate source id {src.id!r}")
            out[src.id] = src
    return out


def default_catalogue_dir() -> Path:
    """The catalogue directory: env JSNA_CATALOGUE_DIR (tests, other LAs) else data/catalogue."""
    return Path(os.environ.get("JSNA_CATALOGUE_DIR") or paths.CATALOGUE_DIR)


def load_catalogue(catalogue_dir: Path | None = None) -> dict[str, Source]:
    """All sources in the catalogue, keyed by id."""
    return _load(str(catalogue_dir or default_catalogue_dir()))


def get_source(source_id: str, catalogue_dir: Path | None = None) -> Source:
    """One source by id; the error lists the valid ids."""
    cat = load_catalogue(catalogue_dir)
    try:
        return cat[source_id]
    except KeyError:
        raise CatalogueError(
            f"Unknown data source {source_id!r}. Known sources: {', '.join(sorted(cat))}"
        ) from None
