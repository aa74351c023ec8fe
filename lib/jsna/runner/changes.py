"""The build's records: what each published report was built from, and what moved between builds.

Two files in the reports directory's build state folder (``reports/.build/``, never published),
each written atomically under the build lock:

``.build/deps.json``
    ``{"format": 1, "reports": {"<place>/<topic>": entry}, "hash_cache": {...}}``. An entry is
    written only after the report's HTML was published (:func:`record_published`); it holds the
    report's dependency record (:func:`jsna.runner.provenance.report_deps`), the catalogue
    sources it read, its input records, its headline figures, the build date and code version.
    ``make clean`` removes it (everything is then rebuilt).
``.build/history/headlines.json``
    ``{"format": 1, "builds": [snapshot, ...]}``, the last :data:`KEEP_BUILDS` builds that
    published something. A snapshot is the state of every published report after that build:
    when it was built, its headline figures and its inputs' checksums. The index's "Changed
    since" section compares the last two snapshots (:func:`latest_changes`). Survives
    ``make clean``; ``make distclean`` removes it.

An unreadable or ill-formed record is moved aside (``<name>.corrupt-<time>``) and reported; the
caller then rebuilds everything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from jsna.runner.files import write_atomic

STATE_DIR = ".build"  # the build's machine state inside the reports dir (not published)
DEPS_FILE = f"{STATE_DIR}/deps.json"
HISTORY_DIR = f"{STATE_DIR}/history"
HISTORY_FILE = f"{HISTORY_DIR}/headlines.json"
FORMAT = 1
KEEP_BUILDS = 30


def _move_aside(path: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    dest = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, dest)
    return dest


def _read(path: Path, check, what: str) -> tuple[dict[str, Any] | None, str]:
    """(data, '') when readable; (None, '') when absent; (None, message) when corrupt (moved aside)."""
    if not path.exists():
        return None, ""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        problem = check(data)
    except (OSError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if not problem:
        return data, ""
    try:
        dest = _move_aside(path)
        kept = f"; kept as {dest.name}"
    except OSError:
        kept = ""
    return None, (f"{path}: the {what} cannot be read ({problem}){kept}. Rebuilding every report; "
                  "the record is written again as each report is published.")


def _check_deps(data: Any) -> str:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return f"expected an object with \"format\": {FORMAT}"
    reports = data.get("reports")
    if not isinstance(reports, dict):
        return "field 'reports' is not an object"
    for key, entry in reports.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("deps"), dict) \
                or not isinstance(entry.get("sources"), list) or not isinstance(entry.get("headlines"), list):
            return f"reports[{key!r}] lacks 'deps', 'sources' or 'headlines'"
    if not isinstance(data.get("hash_cache", {}), dict):
        return "field 'hash_cache' is not an object"
    return ""


def _check_history(data: Any) -> str:
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("builds"), list):
        return f"expected an object with \"format\": {FORMAT} and a list 'builds'"
    for i, b in enumerate(data["builds"]):
        if not isinstance(b, dict) or not isinstance(b.get("reports"), dict):
            return f"builds[{i}] has no 'reports' object"
    return ""


def read_deps(reports_dir: Path) -> tuple[dict[str, Any], str]:
    """The dependency record and a problem message ('' when fine or absent)."""
    data, problem = _read(Path(reports_dir) / DEPS_FILE, _check_deps, "dependency record")
    return data or {"format": FORMAT, "reports": {}, "hash_cache": {}}, problem


def read_history(reports_dir: Path) -> tuple[list[dict[str, Any]], str]:
    """The stored builds (oldest first) and a problem message ('' when fine or absent)."""
    data, problem = _read(Path(reports_dir) / HISTORY_FILE, _check_history, "headline history")
    return (data or {}).get("builds", []), problem


def write_deps(reports_dir: Path, data: dict[str, Any]) -> None:
    """Write .build/deps.json atomically (caller holds the build lock)."""
    data = {"format": FORMAT, "reports": dict(sorted(data.get("reports", {}).items())),
            "hash_cache": data.get("hash_cache", {})}
    write_atomic(Path(reports_dir) / DEPS_FILE, json.dumps(data, indent=1))


def record_published(reports_dir: Path, key: str, entry: dict[str, Any]) -> None:
    """Record one report whose HTML was just published (caller holds the lock)."""
    data, _ = read_deps(reports_dir)
    data["reports"][key] = entry
    write_deps(reports_dir, data)


def save_hash_cache(reports_dir: Path, entries: dict[str, list]) -> None:
    """Merge file checksums into .build/deps.json (caller holds the lock)."""
    data, problem = read_deps(reports_dir)
    if problem:
        return
    data["hash_cache"] = {**data.get("hash_cache", {}), **entries}
    write_deps(reports_dir, data)


def _snapshot(entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {key: {"built": e.get("built"), "title": e.get("title", key), "place_name": e.get("place_name", ""),
                  "order": e.get("order", 999),
                  "headlines": {h["id"]: h for h in e.get("headlines", []) if isinstance(h, dict) and "id" in h},
                  "inputs": {r["id"]: {"sha256": r.get("sha256", ""), "title": r.get("title", r["id"]),
                                       "period": r.get("period", "")}
                             for r in e.get("inputs", []) if isinstance(r, dict) and "id" in r}}
            for key, e in entries.items()}


def append_snapshot(reports_dir: Path, build_date: str, code_version: str) -> bool:
    """Store this build's state in the history when it published something (caller holds the
    lock). Returns whether a snapshot was added."""
    reports_dir = Path(reports_dir)
    data, problem = read_deps(reports_dir)
    if problem:
        return False
    builds, _ = read_history(reports_dir)
    snap = _snapshot(data["reports"])
    if builds and {k: v["built"] for k, v in builds[-1]["reports"].items()} == {k: v["built"] for k, v in snap.items()}:
        return False  # nothing was published
    builds.append({"build_date": build_date, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                   "code_version": code_version, "reports": snap})
    write_atomic(reports_dir / HISTORY_FILE,
                  json.dumps({"format": FORMAT, "builds": builds[-KEEP_BUILDS:]}, indent=1))
    return True


def _fig_text(h: dict[str, Any] | None) -> str:
    if not h:
        return "none"
    unit = h.get("unit") or ""
    text = str(h.get("text", h.get("value")))
    return f"{text}{'' if unit in ('', '%') else ' '}{unit}" if text != "not available" else text


def diff(prev: dict[str, Any], cur: dict[str, Any], out_of_date: dict[str, str] | None = None) -> dict[str, Any]:
    """What moved between two snapshots: per report the figures (by id; compared as published,
    i.e. as rounded text, and by period) and the inputs whose checksums changed. A report not
    rebuilt is "out_of_date" (with why) when ``out_of_date`` names it, else "not_rebuilt"."""
    changed, new, unchanged, not_rebuilt, stale = [], [], [], [], []
    out_of_date = out_of_date or {}
    for key, r in sorted(cur.items(), key=lambda kv: (kv[1].get("place_name", ""), kv[1].get("order", 999), kv[0])):
        name = f"{r.get('place_name') or key.split('/')[0]}: {r.get('title', key)}"
        old = prev.get(key)
        if old is None:
            new.append(name)
            continue
        if old.get("built") == r.get("built"):
            if key in out_of_date:
                stale.append({"name": name, "why": out_of_date[key]})
            else:
                not_rebuilt.append(name)
            continue
        figs = []
        for fid in list(dict.fromkeys([*r["headlines"], *old["headlines"]])):
            a, b = old["headlines"].get(fid), r["headlines"].get(fid)
            if a and b and str(a.get("text")) == str(b.get("text")) and a.get("period") == b.get("period") \
                    and a.get("unit") == b.get("unit"):
                continue
            ref = b or a
            figs.append({"id": fid, "label": ref.get("label") or fid, "old": _fig_text(a), "new": _fig_text(b),
                         "old_period": (a or {}).get("period", ""), "period": (b or {}).get("period", "")})
        inputs = []
        for sid in list(dict.fromkeys([*r["inputs"], *old["inputs"]])):
            a, b = old["inputs"].get(sid), r["inputs"].get(sid)
            if a and b and a["sha256"] == b["sha256"]:
                continue
            ref = b or a
            inputs.append({"id": sid, "title": ref.get("title", sid), "period": ref.get("period", ""),
                           "old": (a or {}).get("sha256", "")[:12] or "not read",
                           "new": (b or {}).get("sha256", "")[:12] or "not read"})
        if figs or inputs:
            changed.append({"key": key, "name": name, "figures": figs, "inputs": inputs})
        else:
            unchanged.append(name)
    return {"reports": changed, "new": new, "rebuilt_unchanged": unchanged, "not_rebuilt": not_rebuilt,
            "out_of_date": stale, "nothing": not (changed or new or unchanged or stale)}


def latest_changes(reports_dir: Path, out_of_date: dict[str, str] | None = None) -> dict[str, Any]:
    """The index's "Changed since" section: ``{"first": True}`` when there is no earlier build,
    else :func:`diff` of the last two snapshots plus ``since`` (the earlier build's date).
    ``out_of_date``: the reports not rebuilt whose dependencies changed, and why."""
    builds, problem = read_history(reports_dir)
    if problem:
        return {"first": True, "problem": problem}
    if len(builds) < 2:
        latest = builds[-1]["reports"] if builds else {}
        return {"first": True, "out_of_date": [
            {"name": f"{(latest.get(k) or {}).get('place_name') or k.split('/')[0]}: "
                     f"{(latest.get(k) or {}).get('title', k)}", "why": why}
            for k, why in sorted((out_of_date or {}).items())]}
    return {"first": False, "since": builds[-2].get("build_date", "an earlier build"),
            **diff(builds[-2]["reports"], builds[-1]["reports"], out_of_date)}
