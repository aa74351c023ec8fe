"""The data catalogue: data/catalogue/*.yaml -> :class:`Source` entries.

One YAML file per source family (imd, geography, boundaries, covid, fingertips, small_area).
Each entry records where a file comes from (publisher, licence, official URL), where it
sits inside the mirror and data/raw/, its sha256, and the columns and types it must have.

A *live* entry also has a ``live:`` block: ``make data REFRESH=1`` (``python -m jsna data
--refresh``) downloads its current values from the publisher's API. Keys (type ``fingertips_api``,
the Fingertips API's ``/api/all_data/csv/by_indicator_id`` endpoint):

``type``
    ``fingertips_api``
``indicator_ids``
    list of Fingertips indicator ids (one CSV holds them all)
``child_area_type_id``
    502 (counties and unitary authorities, from April 2023), 501 (districts and UAs), 402/401
    (the April 2021 geographies) ...
``parent_area_type_id``
    default 15 (England); the parent and England rows come in the same CSV
``base_url``
    default https://fingertips.phe.org.uk; env ``JSNA_FINGERTIPS_URL`` or ``python -m jsna data
    --fingertips-url`` override it (tests point it at a local server)
``mirror_path``, ``mirror_date``
    where the data mirror holds a fallback copy when not at ``path`` (its ``sha256`` is then the
    entry's ``sha256``), and the date that copy was downloaded from the publisher

A live entry's ``sha256`` is optional: it is the mirror copy's, if the mirror has one (else the
entry is refresh-only). A downloaded copy is verified against the sha256 recorded in
``data/raw/MANIFEST`` (jsna.manifest).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from jsna import paths

COLUMN_TYPES = ("str", "int", "count", "float", "date", "bool", "any")
#: keys of an entry's optional ``expect:`` block (what a complete file looks like; see jsna.load)
EXPECT_KEYS = ("rows", "distinct", "values", "complete", "dates")
_REQUIRED = ("id", "title", "publisher", "licence", "url", "path", "sha256", "format")
FORMATS = ("csv", "geojson", "xlsx", "json")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~8x faster, same results
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
#: live source types (an entry's ``live.type``) and the keys of their ``live:`` block
LIVE_TYPES = ("fingertips_api",)
_LIVE_KEYS = ("type", "indicator_ids", "child_area_type_id", "parent_area_type_id", "base_url",
              "mirror_path", "mirror_date")
FINGERTIPS_BASE_URL = "https://fingertips.phe.org.uk"
FINGERTIPS_CSV_ENDPOINT = "/api/all_data/csv/by_indicator_id"
FINGERTIPS_URL_ENV = "JSNA_FINGERTIPS_URL"
ENGLAND_AREA_TYPE_ID = 15  # Fingertips area type of England (the parent of a national extract)


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
    live: dict[str, Any] = field(default_factory=dict)  # a live source's API query (module docstring)

    @property
    def fetch_url(self) -> str:
        """The URL `make data` downloads from: a live source's API query, else download_url if
        given, else the official url."""
        if self.live:
            return self.live_url()
        return self.download_url or self.url

    @property
    def mirror_path(self) -> str:
        """Where the data mirror holds this source's file (a live source's fallback copy)."""
        return str(self.live.get("mirror_path") or self.path)

    def live_url(self, base_url: str | None = None) -> str:
        """A live source's API URL: ``base_url`` if given, else env JSNA_FINGERTIPS_URL, else the
        entry's ``live.base_url`` (default https://fingertips.phe.org.uk)."""
        if not self.live:
            raise CatalogueError(f"source {self.id!r} is not a live source (no live: block)")
        base = (base_url or os.environ.get(FINGERTIPS_URL_ENV) or self.live.get("base_url")
                or FINGERTIPS_BASE_URL).rstrip("/")
        query = urlencode({"indicator_ids": ",".join(str(i) for i in self.live["indicator_ids"]),
                           "child_area_type_id": self.live["child_area_type_id"],
                           "parent_area_type_id": self.live.get("parent_area_type_id", ENGLAND_AREA_TYPE_ID)},
                          safe=",")
        return f"{base}{FINGERTIPS_CSV_ENDPOINT}?{query}"

    def raw_path(self, data_dir: Path | None = None) -> Path:
        """Location of this source's file under data/raw (or data_dir)."""
        return Path(data_dir or paths.raw_dir()) / self.path


def _parse_entry(entry: Any, family: str, file: Path) -> Source:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{file}: every entry must be a mapping, got {entry!r}")
    sid = entry.get("id", "<no id>")
    live = entry.get("live")
    missing = [k for k in _REQUIRED if not entry.get(k) and not (k == "sha256" and live)]
    if missing:
        raise CatalogueError(f"{file}: source {sid!r} lacks field(s) {', '.join(missing)}")
    if entry["format"] not in FORMATS:
        raise CatalogueError(f"{file}: source {sid!r} format {entry['format']!r} not in {FORMATS}")
    if entry.get("sha256") and not SHA256_RE.match(str(entry["sha256"])):
        raise CatalogueError(f"{file}: source {sid!r} sha256 must be 64 lower-case hex digits")
    path = str(entry["path"])
    if path.startswith("/") or ".." in Path(path).parts:
        raise CatalogueError(f"{file}: source {sid!r} path {path!r} must be relative, inside the mirror")
    if live is not None:
        entry = {**entry, "live": _check_live(live, entry, sid, file)}
    cols = entry.get("columns") or {}
    bad = {c: t for c, t in cols.items() if t not in COLUMN_TYPES}
    if bad:
        raise CatalogueError(f"{file}: source {sid!r} has unknown column types {bad}; use {COLUMN_TYPES}")
    _check_expect(entry.get("expect"), sid, file, cols)
    known = {f for f in Source.__dataclass_fields__} - {"family"}
    unknown = set(entry) - known
    if unknown:
        raise CatalogueError(f"{file}: source {sid!r} has unknown field(s) {sorted(unknown)}")
    return Source(family=family, **{"sha256": "", **entry})


def _block_error(file: Path, sid: str, block: str):
    """The error maker of one block of an entry: names the file, the source and the block."""
    def bad(problem: str) -> CatalogueError:
        return CatalogueError(f"{file}: source {sid!r} {block}: {problem}")

    return bad


def _check_block(value: Any, keys, bad) -> None:
    """A block of an entry (``live:``, ``expect:``) is a mapping of known keys."""
    if not isinstance(value, dict):
        raise bad("must be a mapping")
    unknown = set(value) - set(keys)
    if unknown:
        raise bad(f"unknown key(s) {sorted(unknown)}; use {keys}")


def _check_live(live: Any, entry: dict[str, Any], sid: str, file: Path) -> dict[str, Any]:
    """Validate an entry's ``live:`` block (module docstring); returns it with defaults filled."""
    bad = _block_error(file, sid, "live")
    _check_block(live, _LIVE_KEYS, bad)
    if live.get("type") not in LIVE_TYPES:
        raise bad(f"type must be one of {LIVE_TYPES}, got {live.get('type')!r}")
    if entry["format"] != "csv":
        raise bad(f"a {live['type']} source is format csv, not {entry['format']!r}")
    ids = live.get("indicator_ids")
    if not (isinstance(ids, list) and ids and all(isinstance(i, int) and not isinstance(i, bool) and i > 0
                                                   for i in ids)):
        raise bad(f"indicator_ids must be a non-empty list of Fingertips indicator ids (whole numbers), got {ids!r}")
    out = {"parent_area_type_id": ENGLAND_AREA_TYPE_ID, "base_url": FINGERTIPS_BASE_URL, **live}
    for key in ("child_area_type_id", "parent_area_type_id"):
        v = out.get(key)
        if not (isinstance(v, int) and not isinstance(v, bool) and v > 0):
            raise bad(f"{key} must be a Fingertips area type id (e.g. 502 counties and unitaries, 501 "
                      f"districts, 15 England), got {v!r}")
    if not re.match(r"^https?://[^/\s]+", str(out["base_url"])):
        raise bad(f"base_url must be an http(s) URL, got {out['base_url']!r}")
    mp = out.get("mirror_path")
    if mp is not None and (not isinstance(mp, str) or mp.startswith("/") or ".." in Path(mp).parts):
        raise bad(f"mirror_path {mp!r} must be a relative path inside the mirror")
    if mp is not None and not entry.get("sha256"):
        raise bad("mirror_path needs the mirror copy's sha256 in the entry's sha256")
    md = out.get("mirror_date")
    if md is not None:
        try:
            out["mirror_date"] = dt.date.fromisoformat(str(md)).isoformat()
        except ValueError:
            raise bad(f"mirror_date must be an ISO date (YYYY-MM-DD), got {md!r}") from None
    return out


def _check_expect(expect: Any, sid: str, file: Path, cols: dict[str, str]) -> None:
    """Validate an entry's ``expect:`` block (schema in jsna.load.check_expect)."""
    if expect is None:
        return

    bad = _block_error(file, sid, "expect")
    _check_block(expect, EXPECT_KEYS, bad)
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


def in_catalogue_order(source_ids: Iterable[str], catalogue_dir: Path | None = None) -> list[str]:
    """The ids once each, in the catalogue's order (family file, then entry), unknown ids last: a
    report lists its sources in the same order whatever order it read them in."""
    position = {sid: i for i, sid in enumerate(load_catalogue(catalogue_dir))}
    ids = list(dict.fromkeys(source_ids))
    return sorted(ids, key=lambda s: (position.get(s, len(position)), ids.index(s)))


def get_source(source_id: str, catalogue_dir: Path | None = None) -> Source:
    """One source by id; the error lists the valid ids."""
    cat = load_catalogue(catalogue_dir)
    try:
        return cat[source_id]
    except KeyError:
        raise CatalogueError(
            f"Unknown data source {source_id!r}. Known sources: {', '.join(sorted(cat))}"
        ) from None
