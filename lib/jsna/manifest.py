"""``data/raw/MANIFEST``: how and when each file in data/raw was obtained. One file, written by
``make data`` (jsna.fetch), read by the loaders (live sources) and the report provenance.

A tab-separated text file: one header line, then one row per catalogue source, sorted by id.

=============  ==============================================================================
id             catalogue source id
path           the file's path inside data/raw
sha256         sha256 of the file as obtained
method         how: ``mirror-copy`` (from the data mirror), ``download`` (from the publisher)
obtained_from  the mirror file or the URL it came from
date           when, in UTC (ISO 8601, e.g. ``2026-12-02T00:35:38Z``)
rows           number of data rows of a validated live download (empty otherwise)
=============  ==============================================================================

A *live* source (a catalogue entry with a ``live:`` block, e.g. the Fingertips API) has no fixed
checksum in the catalogue: every refresh brings new bytes. Its file is verified against the sha256
its MANIFEST row records (or, for the mirror's fallback copy, against the catalogue ``sha256``):
:func:`accepted_sha256`. Standard library only (the runner's no-op build path reads it).
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_NAME", "MANIFEST_FIELDS", "manifest_path", "read_manifest", "update_manifest",
           "data_dir_of", "accepted_sha256"]

MANIFEST_NAME = "MANIFEST"
MANIFEST_FIELDS = ("id", "path", "sha256", "method", "obtained_from", "date", "rows")


def manifest_path(data_dir: Path) -> Path:
    """data_dir/MANIFEST."""
    return Path(data_dir) / MANIFEST_NAME


def read_manifest(data_dir: Path) -> dict[str, dict[str, str]]:
    """The MANIFEST rows keyed by source id ({} when absent or unreadable). A MANIFEST written
    before the ``rows`` column existed reads the same (the column is then empty)."""
    try:
        with open(manifest_path(data_dir), encoding="utf-8", newline="") as fh:
            return {row["id"]: {k: v or "" for k, v in row.items() if k is not None}
                    for row in csv.DictReader(fh, delimiter="\t") if row.get("id")}
    except (OSError, KeyError, csv.Error, UnicodeDecodeError):
        return {}


def update_manifest(data_dir: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Merge ``rows`` (dicts with the MANIFEST_FIELDS; keyed by ``id``) into data_dir/MANIFEST,
    written to a temporary file and renamed, so a reader never sees half a MANIFEST."""
    merged = read_manifest(data_dir)
    for row in rows:
        merged[str(row["id"])] = {k: "" if row.get(k) is None else str(row.get(k)) for k in MANIFEST_FIELDS}
    out = manifest_path(data_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=MANIFEST_FIELDS, delimiter="\t", lineterminator="\n")
            w.writeheader()
            for key in sorted(merged):
                w.writerow({k: merged[key].get(k, "") for k in MANIFEST_FIELDS})
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return out


def data_dir_of(src: Any, path: Path) -> Path | None:
    """The data directory holding ``path`` when it is ``<data_dir>/<src.path>``, else None."""
    parts = Path(src.path).parts
    p = Path(path)
    if len(p.parts) > len(parts) and p.parts[-len(parts):] == parts:
        return p.parents[len(parts) - 1]
    return None


def accepted_sha256(src: Any, data_dir: Path | None) -> dict[str, str]:
    """The checksums a file of catalogue source ``src`` in ``data_dir`` may have -> where each is
    recorded. A fixed source: only the catalogue's. A live source: the one its MANIFEST row records
    (a download, or the mirror copy) and the catalogue's (the mirror's fallback copy), if any."""
    out: dict[str, str] = {}
    if src.sha256:
        out[src.sha256] = "the catalogue"
    if getattr(src, "live", None) and data_dir is not None:
        row = read_manifest(data_dir).get(src.id)
        if row and row.get("path") == src.path and row.get("sha256"):
            out.setdefault(row["sha256"], f"{manifest_path(data_dir)} ({row.get('method') or 'recorded'} "
                                          f"{row.get('date') or 'of unknown date'})")
    return out
