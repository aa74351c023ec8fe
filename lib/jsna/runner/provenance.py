"""What a report was built from: input checksums, MANIFEST dates, the code's version and hash.

Used by the build (is a report up to date?), by the worker (the executed notebook's
``metadata.jsna.provenance``), by :func:`jsna.report.about_the_data` (the provenance lines of
"About the data") and by ``make validate``. Standard library only (the catalogue's YAML is read
lazily), so that a no-op build never imports pandas or papermill.

A report's dependencies (:func:`report_deps`): its notebook file, the Place's params file, the
package code (every file under lib/jsna, requirements.txt, data/metrics.yaml, data/examples/ and
the Python version: :func:`code_hash`), and for each catalogued input it read, the sha256 of the
file actually in the data directory plus a hash of its catalogue entry.

File checksums go through :class:`HashCache`: a file whose size, mtime, ctime and inode are
unchanged since it was last hashed is not read again (as make and git do; ``--force`` rebuilds
regardless).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from jsna import __version__, paths
from jsna.hashing import file_sha256
from jsna.manifest import accepted_sha256, read_manifest

SHORT = 12  # characters of a sha256 shown to readers
MISSING = "missing"


sha256_file = file_sha256  # the one implementation, jsna.hashing


def short(sha: str | None) -> str:
    """The first :data:`SHORT` hex digits of a checksum ('' stays '')."""
    return (sha or "")[:SHORT]


class HashCache:
    """sha256 of files, re-read only when a file's (size, mtime, ctime, inode) changed."""

    def __init__(self, entries: dict[str, list] | None = None) -> None:
        self.entries: dict[str, list] = dict(entries or {})
        self.changed = False

    def sha256(self, path: Path) -> str:
        """The file's sha256, or :data:`MISSING` when it does not exist."""
        real = os.path.realpath(path)
        try:
            st = os.stat(real)
        except OSError:
            return MISSING
        key = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        hit = self.entries.get(real)
        if hit and hit[:4] == key:
            return hit[4]
        sha = sha256_file(Path(real))
        self.entries[real] = [*key, sha]
        self.changed = True
        return sha


def code_version(root: Path | None = None) -> str:
    """``git describe --always --dirty`` of the checkout, else ``jsna <package version>``."""
    return _code_version(str(root or paths.ROOT))


@cache
def _code_version(root: str) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        proc = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True,
                              text=True, timeout=10)
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    return f"jsna {__version__}"


def _code_files(root: Path) -> list[Path]:
    pkg = Path(__file__).resolve().parents[1]
    files = [p for p in pkg.rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and p.suffix not in (".pyc", ".pyo")]
    for extra in ("requirements.txt", "data/metrics.yaml"):
        if (root / extra).is_file():
            files.append(root / extra)
    examples = root / "data" / "examples"
    if examples.is_dir():
        files.extend(p for p in examples.rglob("*") if p.is_file())
    return sorted(files)


def code_hash(root: Path | None = None) -> str:
    """One sha256 over the package code, the pinned requirements, the project's own data files
    (data/metrics.yaml, data/examples/) and the Python version."""
    root = Path(root or paths.ROOT)
    h = hashlib.sha256(f"python {sys.version_info[:3]}\n".encode())
    for f in _code_files(root):
        rel = f.relative_to(root) if f.is_relative_to(root) else f.name
        h.update(f"{rel}\0".encode())
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def entry_hash(source: Any) -> str:
    """A hash of one catalogue entry (its period, checksum, read options...): a changed entry
    changes the report's "About the data"."""
    return hashlib.sha256(json.dumps(asdict(source), sort_keys=True, default=str).encode()).hexdigest()


def _date_text(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).strftime("%d %B %Y").lstrip("0")
    except ValueError:
        return ""


def input_records(source_ids: Iterable[str], data_dir: Path | None = None,
                  hashes: HashCache | None = None, catalogue_dir: Path | None = None) -> list[dict[str, Any]]:
    """What each catalogued input was when read: one dict per source id, with ``id``, ``title``,
    ``path`` (inside the data dir), ``period``, ``sha256`` (of the file there, or 'missing'),
    ``catalogue_sha256``, ``matches_catalogue``, ``entry`` (:func:`entry_hash`), ``fetched``
    (ISO date from the MANIFEST when its row has the same checksum, else '') and ``obtained``
    (how: the MANIFEST method, or a sentence saying why the date is unknown).

    An id not in the catalogue gets ``sha256`` 'unknown source' (never silently dropped)."""
    from jsna.catalogue import load_catalogue

    data_dir = Path(data_dir or paths.raw_dir())
    hashes = hashes or HashCache()
    cat = load_catalogue(catalogue_dir)
    manifest = read_manifest(data_dir)
    out = []
    for sid in dict.fromkeys(source_ids):
        src = cat.get(sid)
        if src is None:
            out.append({"id": sid, "title": sid, "path": "", "period": "", "sha256": "unknown source",
                        "catalogue_sha256": "", "matches_catalogue": False, "entry": "", "fetched": "",
                        "obtained": "not in the data catalogue"})
            continue
        sha = hashes.sha256(src.raw_path(data_dir))
        row = manifest.get(sid, {})
        if sha == MISSING:
            fetched, how = "", "file missing"
        elif row.get("sha256") == sha:
            fetched, how = row.get("date", ""), row.get("method", "") or "MANIFEST"
        elif row:
            fetched, how = "", "file differs from the one recorded in MANIFEST"
        else:
            fetched, how = "", "not recorded in MANIFEST"
        # a live source (jsna.catalogue) is verified against its MANIFEST row, not a fixed checksum
        matches = sha in accepted_sha256(src, data_dir) if src.live else sha == src.sha256
        out.append({"id": sid, "title": src.title, "path": src.path, "period": src.period, "sha256": sha,
                    "catalogue_sha256": src.sha256, "matches_catalogue": matches, "live": bool(src.live),
                    "entry": entry_hash(src), "fetched": fetched, "obtained": how})
    return out


#: how a file reached data/raw (MANIFEST method), in words
OBTAINED_WORDS = {"mirror-copy": "copied from the project's data mirror", "copy": "copied",
                  "download": "downloaded from the publisher",
                  "present": "already in the data folder", "ok": "checked"}


def describe_input(rec: dict[str, Any]) -> str:
    """One plain sentence: the input's checksum and when it was fetched or copied."""
    if rec["sha256"] == MISSING:
        return f"File {rec['path']} was missing when this report was built."
    if rec["sha256"] == "unknown source":
        return f"Source {rec['id']} is not in the data catalogue."
    text = f"File sha256 {short(rec['sha256'])}"
    if not rec["matches_catalogue"] and rec.get("live"):
        text += " (not the copy recorded in data/raw/MANIFEST when it was obtained)"
    elif not rec["matches_catalogue"]:
        text += f" (the catalogue records {short(rec['catalogue_sha256'])}: a different version of the file)"
    when = _date_text(rec["fetched"]) if rec["fetched"] else ""
    how = OBTAINED_WORDS.get(rec["obtained"], rec["obtained"] or "obtained")  # else already a phrase
    text += f", {how} {when}." if when else f"; {how}, date unknown."
    return text


def file_sha(path: Path | None) -> str:
    """sha256 of a small file (notebook, params), or 'missing'."""
    if path is None:
        return ""
    try:
        return sha256_file(Path(path))
    except OSError:
        return MISSING


def report_deps(notebook_sha: str, params_sha: str, code: str, inputs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The dependency record compared between builds (see the module docstring)."""
    return {"notebook": notebook_sha, "params": params_sha, "code": code,
            "inputs": {r["id"]: [r["sha256"], r["entry"]] for r in inputs}}


def what_changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Why a report must be rebuilt, in a few words ('' when the records are equal)."""
    for key, what in (("notebook", "notebook changed"), ("params", "Place params changed"),
                      ("code", "package code or requirements changed")):
        if old.get(key) != new.get(key):
            return what
    o, n = old.get("inputs", {}), new.get("inputs", {})
    diff = [s for s in sorted(set(o) | set(n)) if o.get(s) != n.get(s)]
    if diff:
        return f"input{'s' if len(diff) > 1 else ''} {', '.join(diff)} changed"
    return ""


def path_substitutions(*named: tuple[str | Path | None, str]) -> list[tuple[str, str]]:
    """(absolute path, what to publish instead) pairs, longest path first: each ``named`` pair
    (e.g. the reports dir and ``<reports_dir>``), the data dir, the Python installation, the
    repository (published as a relative path) and the home directory. Symlinked paths are given
    both as written and resolved."""
    pairs: list[tuple[str | Path | None, str]] = [
        *named, (paths.raw_dir(), "<data_dir>"), (paths.processed_dir(), "<processed_dir>"),
        (sys.prefix, "<python>"), (sys.base_prefix, "<python>"), (paths.ROOT, "."),
        (os.path.expanduser("~"), "~")]
    out: dict[str, str] = {}
    for p, placeholder in pairs:
        if not p:
            continue
        for form in (os.path.abspath(p), os.path.realpath(p)):
            if form != "/" and len(form) > 1:
                out.setdefault(form, placeholder)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def relative_paths(text: str, subs: list[tuple[str, str]] | None = None) -> str:
    """``text`` with every absolute path of the build machine in ``subs`` (default
    :func:`path_substitutions`) replaced: a path under the repository becomes relative to it
    (``lib/jsna/x.py``), others start with a placeholder (``<data_dir>/imd/x.csv``)."""
    for absolute, placeholder in subs if subs is not None else path_substitutions():
        if absolute not in text:
            continue
        if placeholder == ".":
            text = text.replace(absolute + os.sep, "").replace(absolute, ".")
        else:
            text = text.replace(absolute, placeholder)
    return text
