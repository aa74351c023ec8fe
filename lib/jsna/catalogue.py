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

An entry whose mirror copy is not the bytes its official URL serves (converted from a workbook or an
R data file, re-assembled, re-written) has ``official_url_matches: false`` and ``official_url_note``
saying why: only the data mirror can provide it, and `make data` says so when the file is missing.

A live entry's ``sha256`` is optional: it is the mirror copy's, if the mirror has one (else the
entry is refresh-only). A downloaded copy is verified against the sha256 recorded in
``data/raw/MANIFEST`` (jsna.manifest).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
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
#: keys of an entry's optional ``expect:`` block (what a complete, plausible file looks like; see
#: jsna.load)
EXPECT_KEYS = ("rows", "distinct", "values", "complete", "dates", "range", "unique", "consistent")
#: the named internal-consistency rules of ``expect: consistent:`` and the keys of each (see jsna.load)
CONSISTENCY_RULES: dict[str, tuple[str, ...]] = {
    "decile_of_rank": ("rank", "decile", "n"),
    "female_above_male": ("value", "sex", "female", "male", "by", "share"),
    "male_above_female": ("value", "sex", "female", "male", "by", "share"),
    "ordered": (),
}
_NUMERIC_TYPES = ("int", "count", "float")
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


def is_pattern(name: str) -> bool:
    """An ``expect:`` column key with a shell wildcard (``*``, ``?``, ``[``) names several columns."""
    return any(ch in name for ch in "*?[")


def expect_columns(name: str, columns) -> list[str]:
    """The columns an ``expect:`` key names: itself if it is a column, else (a pattern such as
    ``"* Rank (where 1 is most deprived)"``) every column it matches, in order."""
    columns = list(columns)
    if name in columns or not is_pattern(name):
        return [name] if name in columns else []
    return [c for c in columns if fnmatch.fnmatchcase(c, name)]


def expect_column_names(expect: dict[str, Any]) -> list[str]:
    """Every plain column name an ``expect:`` block uses (not its patterns), in order."""
    names: list[str] = [*(expect.get("distinct") or {}), *(expect.get("values") or {})]
    if isinstance(expect.get("complete"), list):
        names += expect["complete"]
    if dates := expect.get("dates"):
        names += [dates["column"], *([dates["by"]] if "by" in dates else [])]
    names += list(expect.get("range") or {})
    unique = expect.get("unique") or []
    names += unique if all(isinstance(c, str) for c in unique) else [c for key in unique for c in key]
    for rule, value in (expect.get("consistent") or {}).items():
        if rule == "ordered":
            names += value if all(isinstance(c, str) for c in value) else [c for key in value for c in key]
            continue
        for spec in value if isinstance(value, list) else [value]:
            by = spec.get("by", [])
            names += [spec[k] for k in ("value", "sex", "rank", "decile") if k in spec]
            names += [by] if isinstance(by, str) else by
    return [n for n in dict.fromkeys(names) if not is_pattern(n)]


def paired_columns(first: str, second: str, columns) -> list[tuple[str, str]]:
    """Column pairs of two keys with one ``*`` each (the same text in both, e.g. the rank and the
    decile of each domain); plain names give one pair."""
    if "*" not in first:
        return [(first, second)]
    head, tail = first.split("*", 1)
    out = []
    for col in expect_columns(first, columns):
        stem = col[len(head):len(col) - len(tail)]
        out.append((col, second.replace("*", stem, 1)))
    return out


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
    expect: dict[str, Any] = field(default_factory=dict)  # completeness and plausibility, see _check_expect
    live: dict[str, Any] = field(default_factory=dict)  # a live source's API query (module docstring)
    #: areas the file lacks, taken from another source of the same indicator (see :func:`_check_fill`)
    fill: dict[str, Any] = field(default_factory=dict)
    #: False when the official URL does not serve these bytes (the mirror holds a converted,
    #: re-assembled or re-written copy), so only the data mirror can provide the file; then
    #: ``official_url_note`` says why (shown by `make data` when the file is missing)
    official_url_matches: bool = True
    official_url_note: str = ""

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
    if "fill" in entry:
        _check_fill(entry["fill"], sid, file)
    matches = entry.get("official_url_matches", True)
    if not isinstance(matches, bool):
        raise CatalogueError(f"{file}: source {sid!r} official_url_matches must be true or false, got {matches!r}")
    if not matches and not str(entry.get("official_url_note") or "").strip():
        raise CatalogueError(f"{file}: source {sid!r} has official_url_matches: false without official_url_note "
                             "(why the official URL's file differs from the mirror's)")
    known = {f for f in Source.__dataclass_fields__} - {"family"}
    unknown = set(entry) - known
    if unknown:
        raise CatalogueError(f"{file}: source {sid!r} has unknown field(s) {sorted(unknown)}")
    return Source(family=family, **{"sha256": "", **entry})


def _check_fill(fill: Any, sid: str, file: Path) -> None:
    """``fill: {from: <source id>, areas: [codes], indicators: {sex: indicator name in the other source}}``:
    rows of ``areas`` that the file lacks are copied from the other source (same indicator, checked equal
    where both have it), for the periods and sexes the file publishes for other areas."""
    bad = _block_error(file, sid, "fill")
    if not isinstance(fill, dict) or set(fill) != {"from", "areas", "indicators"}:
        raise bad("give exactly from (a source id), areas (a list of area codes) and indicators ({sex: name})")
    if not isinstance(fill["from"], str) or not fill["from"]:
        raise bad("from must be the id of another catalogue source")
    if not isinstance(fill["areas"], list) or not all(isinstance(a, str) and a for a in fill["areas"]):
        raise bad("areas must be a list of area codes, e.g. [E10000018]")
    ind = fill["indicators"]
    if not isinstance(ind, dict) or not ind or not all(isinstance(v, str) and v for v in ind.values()):
        raise bad("indicators must map each sex (Male, Female, Persons) to the indicator name in the other source")


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
    _check_range(expect.get("range"), cols, bad)
    unique = expect.get("unique")
    if unique is not None:
        for key in _column_lists(unique, "unique", bad):
            _known(key, cols, "unique", bad)
    _check_consistent(expect.get("consistent"), cols, bad)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _known(names: list[str], cols: dict[str, str], where: str, bad, numeric: bool = False) -> None:
    """Every name (a column or a pattern) of ``where`` names a catalogued column (numeric ones if
    ``numeric``); an entry without columns (a Fingertips API export) takes any name."""
    if not cols:
        return
    for name in names:
        found = expect_columns(name, cols)
        if not found:
            raise bad(f"{where}: {name!r} " + ("matches none of" if is_pattern(name) else "is not in")
                      + " the entry's columns")
        if numeric and (other := [c for c in found if cols[c] not in _NUMERIC_TYPES]):
            raise bad(f"{where}: {other[0]!r} is a {cols[other[0]]} column, not a number "
                      f"({'/'.join(_NUMERIC_TYPES)})")


def _column_lists(value: Any, where: str, bad) -> list[list[str]]:
    """``[a, b]`` (one list of columns) or ``[[a, b], [c, d]]`` (several)."""
    if isinstance(value, list) and value and all(isinstance(c, str) for c in value):
        return [value]
    if isinstance(value, list) and value and all(
            isinstance(k, list) and k and all(isinstance(c, str) for c in k) for k in value):
        return value
    raise bad(f"{where} must be a list of column names, or a list of such lists")


def _check_range(ranges: Any, cols: dict[str, str], bad) -> None:
    """``range: {column or pattern: [min, max]}``; ``null`` leaves one side open."""
    if ranges is None:
        return
    if not isinstance(ranges, dict) or not ranges:
        raise bad("range must map column (or pattern) -> [min, max]")
    for name, bounds in ranges.items():
        if not (isinstance(bounds, list) and len(bounds) == 2
                and all(b is None or _is_number(b) for b in bounds) and bounds != [None, None]):
            raise bad(f"range.{name}: must be [min, max] (numbers; null for an open side), got {bounds!r}")
        if None not in bounds and bounds[0] > bounds[1]:
            raise bad(f"range.{name}: min {bounds[0]} is above max {bounds[1]}")
        _known([name], cols, "range", bad, numeric=True)


def _rule_specs(rule: str, value: Any, bad) -> list[Any]:
    """A rule's value: one spec or a list of specs (``ordered``: a list of columns, or a list of
    such lists)."""
    if rule == "ordered":
        return _column_lists(value, "consistent.ordered", bad)
    specs = value if isinstance(value, list) else [value]
    if not specs or not all(isinstance(s, dict) for s in specs):
        raise bad(f"consistent.{rule} must be a mapping of {list(CONSISTENCY_RULES[rule])} "
                  "(or a list of such mappings)")
    return specs


def _check_consistent(consistent: Any, cols: dict[str, str], bad) -> None:
    """``consistent: {rule: spec}`` with the rules of CONSISTENCY_RULES (schema in jsna.load)."""
    if consistent is None:
        return
    if not isinstance(consistent, dict) or not consistent:
        raise bad(f"consistent must map rule -> its columns; rules: {list(CONSISTENCY_RULES)}")
    unknown = set(consistent) - set(CONSISTENCY_RULES)
    if unknown:
        raise bad(f"consistent: unknown rule(s) {sorted(unknown)}; use {list(CONSISTENCY_RULES)}")
    for rule, value in consistent.items():
        where = f"consistent.{rule}"
        for spec in _rule_specs(rule, value, bad):
            if rule == "ordered":
                if len(spec) < 2:
                    raise bad(f"{where} needs at least two columns, got {spec!r}")
                _known(spec, cols, where, bad, numeric=True)
                continue
            keys = CONSISTENCY_RULES[rule]
            if extra := set(spec) - set(keys):
                raise bad(f"{where}: unknown key(s) {sorted(extra)}; use {list(keys)}")
            required = [k for k in keys if k != "share"]
            if absent := [k for k in required if spec.get(k) in (None, "")]:
                raise bad(f"{where} lacks {absent}")
            if rule == "decile_of_rank":
                _check_decile_of_rank(spec, cols, where, bad)
            else:
                _check_sex_order(spec, cols, where, bad)


def _check_decile_of_rank(spec: dict[str, Any], cols: dict[str, str], where: str, bad) -> None:
    n = spec["n"]
    if not (isinstance(n, int) and not isinstance(n, bool) and n >= 10):
        raise bad(f"{where}: n (the number of ranked areas) must be a whole number >= 10, got {n!r}")
    rank, decile = str(spec["rank"]), str(spec["decile"])
    stars = (rank.count("*"), decile.count("*"))
    if stars not in ((0, 0), (1, 1)) or any(ch in rank + decile for ch in "?["):
        raise bad(f"{where}: rank and decile are two column names, or two patterns with one '*' each "
                  f"(the same text in both), got {rank!r} and {decile!r}")
    _known([rank], cols, where, bad, numeric=True)
    if cols:
        for _, dcol in paired_columns(rank, decile, cols):
            if dcol not in cols:
                raise bad(f"{where}: decile column {dcol!r} (paired with rank {rank!r}) is not in the "
                          "entry's columns")
            if cols[dcol] not in _NUMERIC_TYPES:
                raise bad(f"{where}: {dcol!r} is a {cols[dcol]} column, not a number")


def _check_sex_order(spec: dict[str, Any], cols: dict[str, str], where: str, bad) -> None:
    share = spec.get("share", 0.8)
    if not (_is_number(share) and 0 < share <= 1):
        raise bad(f"{where}: share must be a fraction in (0, 1], got {share!r}")
    by = spec.get("by", [])
    by = [by] if isinstance(by, str) else by
    if not (isinstance(by, list) and all(isinstance(c, str) for c in by)):
        raise bad(f"{where}: by must be a column name or a list of column names, got {by!r}")
    if spec["female"] == spec["male"]:
        raise bad(f"{where}: female and male must be two different values of {spec['sex']!r}")
    _known([spec["value"]], cols, where, bad, numeric=True)
    _known([spec["sex"], *by], cols, where, bad)


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


def forget_loaded() -> None:
    """Drop the catalogues parsed so far: the next load reads the files again (after
    ``python -m jsna data add`` rewrote an entry, :mod:`jsna.release`)."""
    _load.cache_clear()


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
