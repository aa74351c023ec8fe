"""``python -m jsna data add <source-id> <file>`` (``make data-add SOURCE=.. FILE=..``): take in a
new release of a catalogued file without editing the catalogue by hand.

1. The file is checked as the entry's file would be (:func:`jsna.load.check_file`: the entry's
   columns and types, and its ``expect:`` rules of plausibility: ``values``, ``complete``,
   ``range``, ``unique``, ``consistent``). A CSV whose last row is cut short is refused.
2. The ``expect:`` keys that describe one release (:data:`RELEASE_KEYS`: ``rows``, ``distinct``
   and the first and last ``dates``) are measured on the new file, and the file is checked again
   with them (every ``dates.by`` group must reach the new last date). A release with fewer rows,
   fewer distinct values or an earlier last date than the catalogued one is refused as truncated
   (``--allow-shrink`` when the publisher really withdrew data).
3. What changed against the catalogued file (data/raw or the mirror) is shown: rows, dates,
   periods, and the values that changed in rows both files have, summarised by area.
4. Unless ``--dry-run``: the file is copied into the data mirror (the entry's mirror path) and
   data/raw (data/raw/MANIFEST records it), and the entry's ``sha256``, ``period`` and release
   ``expect:`` values are rewritten in its catalogue file, in place: only those values change, so
   comments, order and layout stay as they were.

A refusal is a :class:`ReleaseError` (a :class:`jsna.load.DataError`) naming the file, the column
and the value, and nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import gzip
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jsna import paths
from jsna.catalogue import CatalogueError, Source, default_catalogue_dir, forget_loaded, get_source
from jsna.hashing import file_sha256
from jsna.manifest import update_manifest

#: the ``expect:`` keys that describe one release, rewritten by ``data add``; the other keys are
#: rules of plausibility every release must pass unchanged
RELEASE_KEYS = ("rows", "distinct", "dates.first", "dates.last")
ONS_CODE = re.compile(r"^[EWSNK]\d{8}$")
PERIOD_NAMES = ("period", "time period", "time_period", "year")
MAX_AREAS_SHOWN = 8


class ReleaseError(ValueError):
    """A new release is refused; the message names the file, the column and the value, and the fix."""

    def __init__(self, message: str, *, path: Path | str | None = None, column: str | None = None,
                 value: Any = None) -> None:
        super().__init__(message)
        self.path, self.column, self.value = path, column, value


@dataclass
class Release:
    """A checked release of one source: what it is and what ``add`` writes."""

    source: Source  # the entry as it stands
    file: Path
    sha256: str
    rows: int
    expect: dict[str, Any]  # the entry's expect: with this release's values
    period: str
    changes: dict[tuple[str, ...], Any]  # catalogue key path -> new value
    summary: list[str] = field(default_factory=list)
    same: bool = False  # the file is the catalogued release already


def _catalogue_file(src: Source, catalogue_dir: Path) -> Path:
    return Path(catalogue_dir) / f"{src.family}.yaml"


def _open_text(path: Path, encoding: str):
    opener = gzip.open if path.suffix == ".gz" else open
    return opener(path, "rt", encoding=encoding, newline="")


def check_complete_rows(src: Source, path: Path) -> None:
    """A CSV cut mid-row (a download or copy that stopped early) is refused: its last row has fewer
    fields than its header. pandas would fill the missing cells with blanks."""
    if src.format != "csv":
        return
    read = src.read or {}
    delimiter = read.get("sep") or read.get("delimiter") or ","
    skip = read.get("skiprows") if isinstance(read.get("skiprows"), int) else 0
    try:
        with _open_text(path, read.get("encoding", "utf-8-sig")) as fh:
            for _ in range(skip):
                fh.readline()
            rows = csv.reader(fh, delimiter=delimiter)
            header = next(rows, None)
            last, line = None, 1
            for line, row in enumerate(rows, 2):  # noqa: B007 - the last row and its line are kept
                if row:
                    last = (line, row)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error, gzip.BadGzipFile) as exc:
        raise ReleaseError(f"{path}: cannot be read as CSV ({type(exc).__name__}: {exc}); the file is "
                           "cut short or not the CSV the catalogue entry describes. Download it again.",
                           path=path) from None
    if header is None or last is None:
        raise ReleaseError(f"{path}: has no data rows; download the release again.", path=path)
    line, row = last
    if len(row) < len(header):
        column = header[len(row)]
        raise ReleaseError(
            f"{path}: line {line + skip} has {len(row)} of the header's {len(header)} fields (it stops at "
            f"column {column!r}, value {row[-1]!r}): the file is cut short. Download the release again.",
            path=path, column=column, value=row[-1])


def _ends_with_newline(path: Path) -> bool:
    """Whether the file's (decompressed) text ends with a line break."""
    if path.suffix == ".gz":
        last = b""
        with gzip.open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                last = block
        return last.endswith(b"\n")
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return False
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _iso(v: Any) -> str:
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _relaxed(expect: dict[str, Any]) -> dict[str, Any]:
    """The entry's expect: without the keys that describe one release (its rules of plausibility)."""
    return {k: v for k, v in expect.items() if k not in ("rows", "distinct", "dates")}


def _measure(df, expect: dict[str, Any]) -> tuple[dict[str, Any], dict[tuple[str, ...], Any]]:
    """This release's values of the RELEASE_KEYS the entry uses: the new expect: block and the
    catalogue key paths that change."""
    import pandas as pd

    new = dict(expect)
    changes: dict[tuple[str, ...], Any] = {}
    n = len(df)
    rows = expect.get("rows")
    if isinstance(rows, int):
        new["rows"] = n
        changes[("expect", "rows")] = n
    elif isinstance(rows, dict) and "min" in rows:
        new["rows"] = {**rows, "min": n}
        changes[("expect", "rows", "min")] = n
    if expect.get("distinct"):
        new["distinct"] = {}
        for col, _ in expect["distinct"].items():
            got = int(df[col].nunique(dropna=True)) if col in df.columns else expect["distinct"][col]
            new["distinct"][col] = got
            changes[("expect", "distinct", col)] = got
    dates = expect.get("dates")
    if dates and dates["column"] in df.columns:
        d = pd.to_datetime(df[dates["column"]])
        new["dates"] = dict(dates)
        for key, value in (("first", d.min()), ("last", d.max())):
            if key in dates and not pd.isna(value):
                new["dates"][key] = value.date().isoformat()
                changes[("expect", "dates", key)] = value.date().isoformat()
    return new, changes


def _rows_floor(rows: Any) -> int | None:
    return rows if isinstance(rows, int) else rows.get("min") if isinstance(rows, dict) else None


def _shrinks(src: Source, new: dict[str, Any], path: Path) -> list[ReleaseError]:
    """How the new release covers less than the catalogued one (fewer rows, fewer distinct values,
    an earlier last date or a later first date): the signs of a truncated file."""
    old = src.expect
    out = []
    before, after = _rows_floor(old.get("rows")), _rows_floor(new.get("rows"))
    if before is not None and after is not None and after < before:
        out.append(ReleaseError(f"{path}: {after:,} data rows, fewer than the {before:,} of the catalogued "
                                "release", path=path, value=after))
    for col, want in (old.get("distinct") or {}).items():
        got = (new.get("distinct") or {}).get(col, want)
        if got < want:
            out.append(ReleaseError(f"{path}: column {col!r} has {got:,} distinct values, fewer than the "
                                    f"{want:,} of the catalogued release", path=path, column=col, value=got))
    od, nd = old.get("dates") or {}, new.get("dates") or {}
    if "last" in od and _iso(nd.get("last", od["last"])) < _iso(od["last"]):
        out.append(ReleaseError(f"{path}: column {od['column']!r} ends on {nd['last']}, before the catalogued "
                                f"release's last date {_iso(od['last'])}", path=path, column=od["column"],
                                value=nd["last"]))
    if "first" in od and _iso(nd.get("first", od["first"])) > _iso(od["first"]):
        out.append(ReleaseError(f"{path}: column {od['column']!r} starts on {nd['first']}, after the catalogued "
                                f"release's first date {_iso(od['first'])}", path=path, column=od["column"],
                                value=nd["first"]))
    return out


def period_column(df, src: Source) -> str | None:
    """The column naming each row's period (``period``, ``Time period``, ``year``...), if any."""
    for col in df.columns:
        name = str(col).strip().lower()
        if name in PERIOD_NAMES and src.columns.get(col, "str") in ("str", "int", "any"):
            return str(col)
    return None


def area_column(df, src: Source) -> str | None:
    """The column of area codes (most values are ONS codes such as E06000016), if any."""
    key = _key(src, df) or []
    candidates = [*key, *[c for c in df.columns if c not in key]]
    for col in candidates:
        if df[col].dtype == object or str(df[col].dtype).startswith("string"):
            values = df[col].dropna().astype(str).head(500)
            if len(values) and values.str.match(ONS_CODE).mean() > 0.9:
                return str(col)
    return None


def _key(src: Source, df) -> list[str] | None:
    unique = src.expect.get("unique")
    if not unique:
        return None
    key = unique if all(isinstance(c, str) for c in unique) else unique[0]
    return list(key) if all(c in df.columns for c in key) else None


def _period_text(src: Source, old_df, new_df, changes: dict, period: str | None) -> str:
    """The entry's new ``period``: given, else the old text with the old first and last dates (or
    the old first and last periods, and their number) replaced by the new ones."""
    if period:
        return period
    text = src.period
    dates = src.expect.get("dates")
    moved = [k for k in ("first", "last") if dates and k in dates
             and _iso(changes.get(("expect", "dates", k), dates[k])) != _iso(dates[k])]
    if moved:
        absent = [k for k in moved if _iso(dates[k]) not in text]
        if absent:
            raise ReleaseError(
                f"the release moves the {' and '.join(absent)} date of column {dates['column']!r} and the entry's "
                f"period {text!r} does not name the old one ({', '.join(_iso(dates[k]) for k in absent)}): give the "
                "new period with --period", column=dates["column"])
        for key in moved:
            text = text.replace(_iso(dates[key]), changes[("expect", "dates", key)], 1)
        return text
    if dates:
        return text
    col = period_column(new_df, src)
    if col is None or old_df is None or col not in old_df.columns:
        return text
    old_p = sorted(old_df[col].dropna().astype(str).unique())
    new_p = sorted(new_df[col].dropna().astype(str).unique())
    if old_p == new_p:
        return text
    if not (old_p and new_p and old_p[0] != old_p[-1] and old_p[0] in text and old_p[-1] in text):
        raise ReleaseError(
            f"the release changes the periods of column {col!r} ({old_p[0]} to {old_p[-1]} -> {new_p[0]} to "
            f"{new_p[-1]}) and the entry's period {text!r} does not name them: give the new period with "
            "--period", column=col)
    head, sep, tail = text.partition(old_p[0])
    tail = tail.replace(old_p[-1], new_p[-1], 1)
    text = f"{head}{new_p[0] if sep else ''}{tail}"
    return re.sub(rf"\b{len(old_p)} periods\b", f"{len(new_p)} periods", text)


def _fmt(v: Any) -> str:
    import pandas as pd

    if isinstance(v, float) and float(v).is_integer():
        return f"{int(v):,}"
    if isinstance(v, (int, float)):
        return f"{v:,}"
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    return str(v)


def summarise(src: Source, old_df, new_df) -> list[str]:
    """What changed from the catalogued file to the new one, a line each: rows, dates, periods,
    and the values that changed in rows both have (by the entry's unique key), by area."""
    import numpy as np
    import pandas as pd

    lines = []
    if old_df is None:
        return [f"rows: {len(new_df):,} (the catalogued file is not held here, so there is nothing to compare)"]
    key = _key(src, new_df)
    added = removed = None
    if key and all(c in old_df.columns for c in key):
        old_k = pd.MultiIndex.from_frame(old_df[key].astype("string").fillna("<blank>"))
        new_k = pd.MultiIndex.from_frame(new_df[key].astype("string").fillna("<blank>"))
        added, removed = int((~new_k.isin(old_k)).sum()), int((~old_k.isin(new_k)).sum())
    lines.append(f"rows: {len(old_df):,} -> {len(new_df):,}"
                 + (f" ({added:,} new, {removed:,} no longer present)" if added is not None else ""))
    dates = src.expect.get("dates")
    if dates and dates["column"] in new_df.columns:
        col = dates["column"]
        o, n = pd.to_datetime(old_df[col]), pd.to_datetime(new_df[col])
        lines.append(f"dates ({col}): {_fmt(o.min())} to {_fmt(o.max())} -> {_fmt(n.min())} to {_fmt(n.max())}")
    pcol = period_column(new_df, src)
    if pcol and pcol in old_df.columns:
        op, np_ = set(old_df[pcol].dropna().astype(str)), set(new_df[pcol].dropna().astype(str))
        lines.append(f"periods ({pcol}): {len(op)} -> {len(np_)}"
                     + (f"; new: {', '.join(sorted(np_ - op))}" if np_ - op else "")
                     + (f"; no longer present: {', '.join(sorted(op - np_))}" if op - np_ else ""))
    if not key:
        lines.append("values: not compared (the entry has no unique: key to match rows by)")
        return lines
    area = area_column(new_df, src)
    numeric = [c for c in new_df.columns if c in old_df.columns and c not in key
               and pd.api.types.is_numeric_dtype(new_df[c]) and pd.api.types.is_numeric_dtype(old_df[c])]
    both = old_df.drop_duplicates(key).merge(new_df.drop_duplicates(key), on=key, suffixes=("_old", "_new"))
    if not numeric or both.empty:
        lines.append("values: no numeric values in rows both files have")
        return lines
    changed_cells = np.zeros(len(both), dtype=int)
    changed_cols = []
    for c in numeric:
        a = both[f"{c}_old"].astype("float64").to_numpy()
        b = both[f"{c}_new"].astype("float64").to_numpy()
        differ = ~((a == b) | (np.isnan(a) & np.isnan(b)))
        if differ.any():
            changed_cols.append(f"{c} ({int(differ.sum()):,})")
        changed_cells += differ
    total = int(changed_cells.sum())
    if not total:
        lines.append(f"values: none of the {len(both):,} rows both files have changed")
        return lines
    line = f"values: {total:,} value(s) changed in {int((changed_cells > 0).sum()):,} of {len(both):,} rows " \
           f"both files have; by column: {', '.join(changed_cols)}"
    if area and area in both.columns:
        per_area = pd.Series(changed_cells, index=both[area].astype(str)).groupby(level=0).sum()
        per_area = per_area[per_area > 0].sort_values(ascending=False)
        shown = ", ".join(f"{a} {int(n):,}" for a, n in per_area.head(MAX_AREAS_SHOWN).items())
        more = f" and {len(per_area) - MAX_AREAS_SHOWN:,} more" if len(per_area) > MAX_AREAS_SHOWN else ""
        line += f"; in {len(per_area):,} area(s) ({area}): {shown}{more}"
    lines.append(line)
    return lines


def _current_file(src: Source, data_dir: Path, mirror: Path | None) -> Path | None:
    """The catalogued release as held: data/raw's copy or the mirror's, if its sha256 matches."""
    for path in (src.raw_path(data_dir), mirror / src.mirror_path if mirror else None):
        if path is not None and path.is_file() and file_sha256(path) == src.sha256:
            return path
    return None


def check_release(source_id: str, file: Path, *, catalogue_dir: Path | None = None,
                  data_dir: Path | None = None, mirror: Path | None = None, period: str | None = None,
                  allow_shrink: bool = False) -> Release:
    """Check a new release of ``source_id`` (module docstring, steps 1-3) and work out what ``add``
    writes. Raises :class:`ReleaseError` or :class:`jsna.load.DataError`; changes nothing."""
    from jsna.load import DataError, check_expect, check_file

    catalogue_dir = Path(catalogue_dir or default_catalogue_dir())
    src = get_source(source_id, catalogue_dir)
    file = Path(file)
    if src.live:
        raise ReleaseError(f"source {src.id!r} is a live source: its releases come with `make data REFRESH=1`, "
                           "not `data add`.")
    if not file.is_file():
        raise ReleaseError(f"{file}: no such file.", path=file)
    sha = file_sha256(file)
    if sha == src.sha256:
        return Release(src, file, sha, 0, dict(src.expect), src.period, {}, same=True,
                       summary=[f"{file} is the catalogued release of {src.id!r} already (sha256 {sha[:12]})."])
    check_complete_rows(src, file)
    df = check_file(dataclasses.replace(src, expect=_relaxed(src.expect)), file)
    new_expect, changes = _measure(df, src.expect)
    candidate = dataclasses.replace(src, expect=new_expect)
    try:
        check_expect(df, candidate, file)
    except DataError as exc:
        raise ReleaseError(str(exc), path=file, column=exc.column, value=exc.value) from None
    if not allow_shrink and (shrinks := _shrinks(src, new_expect, file)):
        raise ReleaseError("; ".join(str(e) for e in shrinks) + ". The file looks truncated: download the "
                           "release again. If the publisher really withdrew data, run again with "
                           "--allow-shrink.", path=file, column=shrinks[0].column, value=shrinks[0].value)
    current = _current_file(src, Path(data_dir or paths.raw_dir()), mirror)
    if src.format == "csv" and current is not None and _ends_with_newline(current) \
            and not _ends_with_newline(file):
        raise ReleaseError(f"{file}: does not end with a line break, as the catalogued release does: the file "
                           "looks cut short within its last value. Download the release again.", path=file)
    old_df = None
    if current is not None:
        with contextlib.suppress(DataError):
            old_df = check_file(src, current)
    new_period = _period_text(src, old_df, df, changes, period)
    changes = {k: v for k, v in changes.items() if _iso(_old_value(src, k)) != _iso(v)}
    all_changes = {("sha256",): sha, **changes}
    if new_period != src.period:
        all_changes[("period",)] = new_period
    summary = summarise(src, old_df, df)
    return Release(src, file, sha, len(df), new_expect, new_period, all_changes, summary=summary)


# --- the catalogue file, edited in place -------------------------------------------------------


def _entry_node(root: yaml.Node, source_id: str) -> yaml.MappingNode:
    for node in getattr(root, "value", []):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == "id" and getattr(v, "value", None) == source_id:
                    return node
    raise CatalogueError(f"source {source_id!r} is not an entry of this catalogue file")


def _value_node(entry: yaml.MappingNode, keys: tuple[str, ...]) -> yaml.ScalarNode:
    node: yaml.Node = entry
    for key in keys:
        found = next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == key), None)
        if found is None:
            raise CatalogueError(f"the entry has no {'.'.join(keys)}")
        node = found
    if not isinstance(node, yaml.ScalarNode):
        raise CatalogueError(f"{'.'.join(keys)} is not a single value")
    return node


def _scalar_text(value: Any, style: str | None) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style == '"':
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    dumped = yaml.safe_dump(text, width=1 << 20, allow_unicode=True).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def edit_catalogue_text(text: str, source_id: str, changes: dict[tuple[str, ...], Any]) -> str:
    """``text`` (a catalogue file) with the values at the key paths of ``changes`` replaced in the
    entry ``source_id``, nothing else touched: comments, order, quoting and layout stay. The result
    is parsed again and must equal the old entries with only those values changed."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    entry = _entry_node(root, source_id)
    spans = []
    for keys, value in changes.items():
        node = _value_node(entry, keys)
        start, end = node.start_mark.index, node.end_mark.index
        if not (entry.start_mark.index <= start < end <= entry.end_mark.index):
            raise CatalogueError(f"{'.'.join(keys)} of {source_id!r} is shared with another entry (a YAML "
                                 "alias): edit it by hand")
        spans.append((start, end, _scalar_text(value, node.style)))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _expected_entries(old: list[dict], source_id: str, changes: dict[tuple[str, ...], Any]) -> list[dict]:
    import copy

    out = copy.deepcopy(old)
    for entry in out:
        if entry.get("id") == source_id:
            for keys, value in changes.items():
                node = entry
                for k in keys[:-1]:
                    node = node[k]
                node[keys[-1]] = value
    return out


def edited_catalogue(catalogue_file: Path, source_id: str, changes: dict[tuple[str, ...], Any]) -> str:
    """The text of ``catalogue_file`` with the values of ``changes`` rewritten
    (:func:`edit_catalogue_text`), verified: parsed again, it must equal the old entries with only
    those values changed."""
    text = catalogue_file.read_text(encoding="utf-8")
    new_text = edit_catalogue_text(text, source_id, changes)
    want = _expected_entries(yaml.safe_load(text), source_id, changes)

    def normal(entries):  # dates as text either way (an unquoted date parses as a date)
        return yaml.safe_load(yaml.safe_dump(entries, default_style='"'))

    if normal(yaml.safe_load(new_text)) != normal(want):
        raise CatalogueError(f"{catalogue_file}: editing {source_id!r} in place would change more than "
                             f"{', '.join('.'.join(k) for k in changes)}; nothing was written")
    return new_text


def _write_atomic(dest: Path, data: bytes | None = None, copy_from: Path | None = None) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if copy_from is not None:
                with open(copy_from, "rb") as src:
                    shutil.copyfileobj(src, fh)
            else:
                fh.write(data or b"")
        os.replace(tmp, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def add_release(release: Release, *, catalogue_dir: Path | None = None, data_dir: Path | None = None,
                mirror: Path | None = None) -> list[str]:
    """Take a checked release in (module docstring, step 4). Returns what was written, a line each."""
    src = release.source
    catalogue_dir = Path(catalogue_dir or default_catalogue_dir())
    data_dir = Path(data_dir or paths.raw_dir())
    cat_file = _catalogue_file(src, catalogue_dir)
    # the catalogue edit is worked out (and verified) before any file is copied
    new_text = edited_catalogue(cat_file, src.id, release.changes)
    done = []
    targets = [(mirror / src.mirror_path, "the data mirror")] if mirror is not None else []
    targets.append((src.raw_path(data_dir), "data/raw"))
    for dest, where in targets:
        if _same_file(release.file, dest):
            done.append(f"{where}: {dest} is the file itself")
            continue
        _write_atomic(dest, copy_from=release.file)
        done.append(f"{where}: copied to {dest}")
    origin = mirror / src.mirror_path if mirror is not None else release.file
    update_manifest(data_dir, [{"id": src.id, "path": src.path, "sha256": release.sha256, "method": "mirror-copy",
                                "obtained_from": str(origin), "rows": "",
                                "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}])
    _write_atomic(cat_file, new_text.encode("utf-8"))
    forget_loaded()
    done.append(f"catalogue: {cat_file} entry {src.id!r}: "
                + "; ".join(f"{'.'.join(k)} = {_short(v)}" for k, v in release.changes.items()))
    return done


def add_command(source_id: str, file: Path, *, dry_run: bool = False, period: str | None = None,
                allow_shrink: bool = False, catalogue_dir: Path | None = None, data_dir: Path | None = None,
                mirror: Path | None = None, out=None) -> int:
    """Check, summarise and (unless ``dry_run``) take in a release; prints what it does. Exit status:
    0 taken in (or dry run passed), 1 refused, 2 a usage or catalogue error."""
    from jsna.load import DataError

    out = out or sys.stdout
    try:
        release = check_release(source_id, file, catalogue_dir=catalogue_dir, data_dir=data_dir, mirror=mirror,
                                period=period, allow_shrink=allow_shrink)
    except CatalogueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ReleaseError, DataError) as exc:
        print(f"refused: {source_id}: {exc}", file=sys.stderr)
        return 1
    src = release.source
    print(f"{src.id}: {src.title}", file=out)
    for line in release.summary:
        print(f"  {line}", file=out)
    if release.same:
        return 0
    print(f"  catalogue ({src.family}.yaml): "
          + "; ".join(f"{'.'.join(k)}: {_short(_old_value(src, k))} -> {_short(v)}"
                      for k, v in release.changes.items()), file=out)
    if dry_run:
        print("dry run: nothing was written. Run again without --dry-run to take the release in.", file=out)
        return 0
    try:
        done = add_release(release, catalogue_dir=catalogue_dir, data_dir=data_dir, mirror=mirror)
    except (CatalogueError, OSError) as exc:
        print(f"error: {src.id}: {exc}", file=sys.stderr)
        return 2
    for line in done:
        print(f"  {line}", file=out)
    print(f"{src.id}: release taken in; `make reports` rebuilds the reports that read it.", file=out)
    return 0


def _old_value(src: Source, keys: tuple[str, ...]) -> Any:
    """The entry's value at a catalogue key path (None when it has none)."""
    node: Any = {"sha256": src.sha256, "period": src.period, "expect": src.expect}
    for k in keys:
        node = node.get(k) if isinstance(node, dict) else None
    return node


def _short(value: Any) -> str:
    """A value for the summary: a sha256 by its first 12 digits."""
    text = _iso(value)
    return text[:12] if re.fullmatch(r"[0-9a-f]{64}", text) else text


def add_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m jsna data add",
        description="Take in a new release of a catalogued file: check it against the entry's columns and "
                    "expect: rules, show what changed, then copy it into the data mirror and data/raw and "
                    "rewrite the entry's sha256, period and release expect: values.")
    p.add_argument("source", metavar="SOURCE_ID", help="the catalogue entry's id (python -m jsna data --check lists them)")
    p.add_argument("file", type=Path, metavar="FILE", help="the new release")
    p.add_argument("--dry-run", action="store_true", help="check and show what changed; write nothing")
    p.add_argument("--period", default=None, help="the entry's new period text (default: worked out from the file)")
    p.add_argument("--allow-shrink", action="store_true",
                   help="take in a release with fewer rows, values or dates than the catalogued one")
    p.add_argument("--mirror", type=Path, default=None,
                   help="data mirror directory (default env JSNA_DATA_MIRROR, else ../shared/data)")
    p.add_argument("--data-dir", type=Path, default=None, help="data/raw directory (default env JSNA_DATA_DIR)")
    p.add_argument("--catalogue", type=Path, default=None, help="catalogue directory (default data/catalogue)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jsna data add SOURCE_ID FILE [--dry-run]``."""
    args = add_parser().parse_args(argv)
    mirror = args.mirror if args.mirror is not None else paths.default_mirror()
    if mirror is not None and not Path(mirror).is_dir():
        print(f"warning: data mirror {mirror} is not a directory; the release goes to data/raw only",
              file=sys.stderr)
        mirror = None
    return add_command(args.source, args.file, dry_run=args.dry_run, period=args.period,
                       allow_shrink=args.allow_shrink, catalogue_dir=args.catalogue, data_dir=args.data_dir,
                       mirror=mirror)



# --- what `make data` says about the mirror ---------------------------------------------------


def add_hint(source_id: str, file: Path | str) -> str:
    """The command that takes ``file`` in as the new release of ``source_id``."""
    return (f"`python -m jsna data add {source_id} {file} --dry-run` shows what changed, and without "
            f"--dry-run takes it in (`make data-add SOURCE={source_id} FILE={file}`)")


def mirror_notice(src: Source, mirror: Path | None) -> str:
    """`make data`'s word on a source whose mirror file differs from the catalogue checksum (a new
    release dropped into the mirror, or a catalogue older than the mirror): how to take it in. ''
    when the mirror's file matches, is absent, or the source is live."""
    if mirror is None or src.live or not src.sha256:
        return ""
    mirror_file = Path(mirror) / src.mirror_path
    if not mirror_file.is_file():
        return ""
    from jsna.load import input_sha256

    actual = input_sha256(mirror_file)
    if actual == src.sha256:
        return ""
    return (f"the data mirror's {mirror_file} differs from the catalogue (sha256 {actual[:12]}, catalogue "
            f"{src.sha256[:12]}). If it is a new release, {add_hint(src.id, mirror_file)}; if another clone "
            "took it in already, update this clone's data/catalogue (git pull).")


def official_url_notice(src: Source) -> str:
    """Why the official URL cannot provide a source (``official_url_matches: false``), else ''."""
    if src.official_url_matches:
        return ""
    return (f"Its official URL does not serve the catalogued file ({src.official_url_note.rstrip('.')}), so only "
            "the data mirror can provide it: see README.md, 'The data mirror'.")


def annotate(result: Any, src: Source, mirror: Path | None) -> Any:
    """Add :func:`mirror_notice` and :func:`official_url_notice` to a `make data` result
    (:class:`jsna.fetch.Result`): on its note when the file is in place, on its message when not."""
    notice = mirror_notice(src, mirror)
    if result.ok:
        if notice:
            result.note = f"{result.note}; {notice}" if result.note else notice
        return result
    extra = [t for t in (notice, official_url_notice(src)) if t]
    if extra:
        result.message = " ".join([result.message, *extra])
    return result
