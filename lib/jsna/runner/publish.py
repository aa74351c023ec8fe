"""Publishing: finished runs moved into reports/ under a lock, the status record, the index page."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsna import __version__
from jsna.places import Place
from jsna.runner.changes import STATE_DIR, latest_changes, read_deps, record_published
from jsna.runner.datafiles import data_folder_name
from jsna.runner.export import ACCESSIBILITY_PAGE, TEMPLATES_DIR, page_assets
from jsna.runner.files import write_atomic
from jsna.runner.provenance import code_version, describe_input, path_substitutions, relative_paths
from jsna.runner.topics import Topic
from jsna.runner.worker import RunResult, RunSpec
from jsna.words import period_in_words

# the build's own state, under reports/.build/: never linked from the index and never published
STAGING = f"{STATE_DIR}/staging"
LOGS = f"{STATE_DIR}/logs"
STATUS_FILE = f"{STATE_DIR}/status.json"
BUILD_FILE = f"{STATE_DIR}/build.json"
LOCK_FILE = f"{STATE_DIR}/build.lock"


def _lock(reports_dir: Path):
    from filelock import FileLock

    (Path(reports_dir) / STATE_DIR).mkdir(parents=True, exist_ok=True)
    return FileLock(str(reports_dir / LOCK_FILE), timeout=600)


class PublishError(OSError):
    """A finished run could not be published (e.g. no space left); its previous report stays."""


def read_status(reports_dir: Path) -> dict[str, dict[str, Any]]:
    """The status record: ``{"<place>/<topic>": {...last run...}}`` (empty when absent or unreadable)."""
    f = Path(reports_dir) / STATUS_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return dict(data.get("reports", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _publish(reports_dir: Path, stage: Path, spec: RunSpec, topic: Topic, place: Place,
             res: RunResult, deps: dict[str, Any] | None = None) -> None:
    """Move one finished run into reports/ (caller holds the lock). A failed run only publishes
    its log and the partly executed notebook; the previous report stays.

    With ``deps`` (its dependency record), a published report is recorded in .build/deps.json
    after its HTML is in place (:func:`jsna.runner.changes.record_published`), never before.
    When a record cannot be written (OSError, e.g. the disk is full) the previous report is put
    back and :class:`PublishError` is raised: the published files and the status record, from
    which the index is drawn, always agree."""
    logs = reports_dir / LOGS / spec.place
    logs.mkdir(parents=True, exist_ok=True)
    log = stage / f"{spec.topic}.log"
    if log.exists():
        os.replace(log, logs / f"{spec.topic}.log")
    failed_nb = logs / f"{spec.topic}.failed.ipynb"
    staged_nb = stage / f"{spec.topic}.ipynb"
    if not res.ok:
        if staged_nb.exists():
            os.replace(staged_nb, failed_nb)
        record_status(reports_dir, spec, topic, place, res)
        return
    dest = reports_dir / spec.place
    dest.mkdir(parents=True, exist_ok=True)
    aside = stage / "previous"
    aside.mkdir(exist_ok=True)
    moved: list[tuple[Path, Path | None]] = []  # (published file, previous version kept aside)
    try:
        old_pdf = dest / f"{spec.topic}.pdf"
        if old_pdf.exists():  # the previous page's PDF: never left beside a changed page (the PDF step prints anew)
            os.replace(old_pdf, aside / old_pdf.name)
            moved.append((old_pdf, aside / old_pdf.name))
        data_files = [f"{spec.topic}.ods", data_folder_name(spec.topic)]  # the page's data (jsna.runner.datafiles)
        for name in data_files:  # the previous page's data: never left beside a page that has none
            if (dest / name).exists() and not (stage / name).exists():
                os.replace(dest / name, aside / name)
                moved.append((dest / name, aside / name))
        for src, name in ((staged_nb, f"{spec.topic}.ipynb"), *((stage / n, n) for n in data_files
                                                                  if (stage / n).exists()),
                          (stage / f"{spec.topic}.html.part", f"{spec.topic}.html")):
            target = dest / name
            prev = None
            if target.exists():
                prev = aside / name
                os.replace(target, prev)
            moved.append((target, prev))
            os.replace(src, target)
        record_status(reports_dir, spec, topic, place, res)
        if deps is not None:
            record_published(reports_dir, f"{spec.place}/{spec.topic}", {
                "deps": deps, "sources": res.sources, "inputs": res.inputs, "headlines": res.headlines,
                "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "build_date": spec.build_date,
                "code_version": spec.code_version, "title": topic.title, "place_name": place.name,
                "order": topic.order})
    except OSError as exc:
        for target, prev in reversed(moved):  # put the previous report back (renames need no space)
            with contextlib.suppress(OSError):
                if prev is not None:
                    os.replace(prev, target)
                elif target.is_dir():
                    shutil.rmtree(target)
                else:
                    target.unlink()
        raise PublishError(exc.errno, f"could not publish {spec.place}/{spec.topic}: {exc.strerror or exc} "
                           f"(writing {exc.filename or reports_dir})") from exc
    with contextlib.suppress(FileNotFoundError):
        failed_nb.unlink()


def record_status(reports_dir: Path, spec: RunSpec, topic: Topic, place: Place, res: RunResult) -> None:
    """Write one run's result into the status record (caller holds the lock)."""
    status = read_status(reports_dir)
    key = f"{spec.place}/{spec.topic}"
    prev = status.get(key, {})
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rec = {"place": spec.place, "place_name": place.name, "place_kind": place.kind,
           "framework": place.framework.as_dict() if place.framework else None, "topic": spec.topic,
           "title": topic.title,
           "description": topic.description, "order": topic.order, "ok": res.ok,
           "last_run": now, "seconds": res.seconds,
           "error": "" if res.ok else relative_paths(res.describe_error(), spec.path_substitutions()
                                                      if spec.reports_dir else path_substitutions(
                                                          (reports_dir, "<reports_dir>"))),
           "warnings": res.warnings, "log": f"{LOGS}/{spec.place}/{spec.topic}.log",
           "sources": res.sources if res.ok else prev.get("sources", []),
           "built": now if res.ok else prev.get("built"),
           "html_bytes": res.html_bytes if res.ok else prev.get("html_bytes", 0),
           "code_version": spec.code_version if res.ok else prev.get("code_version", "")}
    status[key] = rec
    write_atomic(reports_dir / STATUS_FILE,
                  json.dumps({"reports": dict(sorted(status.items()))}, indent=1))


def record_skipped(reports_dir: Path, place: Place, topic: Topic, note: str) -> None:
    """A topic deliberately not built for a Place (caller holds the lock): any earlier report of
    it is withdrawn and the status record holds the note the index shows."""
    for ext in (".html", ".ipynb", ".pdf", ".ods"):
        with contextlib.suppress(FileNotFoundError):
            (reports_dir / place.id / f"{topic.id}{ext}").unlink()
    shutil.rmtree(reports_dir / place.id / data_folder_name(topic.id), ignore_errors=True)
    status = read_status(reports_dir)
    status[f"{place.id}/{topic.id}"] = {"place": place.id, "place_name": place.name, "place_kind": place.kind,
                                        "topic": topic.id,
                                        "title": topic.title, "order": topic.order, "ok": None,
                                        "skipped": note, "sources": []}
    write_atomic(reports_dir / STATUS_FILE, json.dumps({"reports": dict(sorted(status.items()))}, indent=1))


def _catalogue_rows(source_ids: Iterable[str]) -> list[dict[str, str]]:
    try:
        from jsna.catalogue import load_catalogue

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - index still lists reports without a catalogue
        return []
    # only the sources the published reports read: the whole catalogue would name other Places' files
    ids = [s for s in dict.fromkeys(source_ids) if s in cat]
    rows = []
    for sid in ids:
        s = cat[sid]
        rows.append({"id": s.id, "title": s.title, "publisher": s.publisher, "period": period_in_words(s.period),
                     "licence": s.licence, "attribution": s.attribution, "url": s.url})
    return rows


def series_purpose(places: list[dict[str, Any]]) -> dict[str, Any]:
    """The index's title and purpose, written from the Places built: a shared local framework (params
    ``framework:``) is named only when every Place built has it; otherwise the wording is neutral."""
    from jsna.words import join_names

    names = [p["name"] for p in places]
    groups = [p for p in places if p.get("kind") == "group"]
    frameworks = {str(p.get("framework")) for p in places}
    fw = places[0].get("framework") if places and len(frameworks) == 1 else None
    where = (groups[0]["name"] if groups else join_names(names) if 0 < len(names) <= 4
             else f"{len(names)} councils in England")
    title = f"Joint Strategic Needs Assessment: {where}" if names else "Joint Strategic Needs Assessment"
    if fw:
        why = (f"so that {fw['audience']} can agree priorities under {fw['name']}, {fw['description']}, and so "
               "that residents can see the evidence too.")
    else:
        why = ("so that health and wellbeing boards, the NHS, councils and the voluntary sector can agree "
               "priorities, and so that residents can see the evidence too.")
    first = (f"This is the Joint Strategic Needs Assessment (JSNA) report series for {where}. It describes the "
             "health of the people who live there and the gaps in health between the most and least deprived "
             f"neighbourhoods, {why}")
    if groups:
        n = len([p for p in places if p.get("kind") != "group"])
        first += (f" Each topic is reported for {groups[0]['name']} as a whole"
                  + (f" and for each of its {n} upper-tier councils." if n > 1 else "."))
    return {"title": title, "paragraphs": [first]}


def _index_context(reports_dir: Path, build_date: str | None = None,
                   out_of_date: dict[str, str] | None = None) -> dict[str, Any]:
    """What the index, the Places' front doors and the sources page are drawn from: every published
    report grouped by Place (with its headline records), failed runs, notes, sources used. ``out_of_date``
    (``{"<place>/<topic>": why}``) names published reports the build left out of date
    (:func:`jsna.runner.build.out_of_date_outside`): never called up to date."""
    from jsna.runner.frontdoor import place_front_door, report_lead

    reports_dir = Path(reports_dir)
    status = read_status(reports_dir)
    places: dict[str, dict[str, Any]] = {}
    failed = []
    notes = sorted({rec["skipped"] for rec in status.values() if rec.get("skipped")})  # each note once
    for rec in status.values():
        if rec.get("skipped"):
            continue
        html_file = reports_dir / rec["place"] / f"{rec['topic']}.html"
        if not rec.get("ok"):
            failed.append({**rec, "previous": html_file.exists()})
        if html_file.exists():
            p = places.setdefault(rec["place"], {"id": rec["place"], "name": rec.get("place_name", rec["place"]),
                                                 "kind": rec.get("place_kind", ""),
                                                 "framework": rec.get("framework"), "reports": []})
            p["reports"].append({**rec, "href": f"{rec['topic']}.html",
                                 "pdf": (html_file.with_suffix(".pdf").exists() and f"{rec['topic']}.pdf"),
                                 "ods": (html_file.with_suffix(".ods").exists() and f"{rec['topic']}.ods")})
    deps, _ = read_deps(reports_dir)
    for p in places.values():
        for r in p["reports"]:
            entry = deps["reports"].get(f"{r['place']}/{r['topic']}") or {}
            r["inputs"] = [{**i, "short": str(i.get("sha256", ""))[:12], "how": describe_input(i)}
                           for i in entry.get("inputs", [])]
            r["code_version"] = entry.get("code_version", r.get("code_version", ""))
            r["build_date"] = entry.get("build_date", "")
            r["headlines"] = entry.get("headlines", [])
            r["lead"] = report_lead(r)
        p["reports"].sort(key=lambda r: (r.get("order", 999), r["topic"]))
        p["front_door"] = place_front_door(p)
    # a group Place (an overview of several councils) first, then each council by name
    ordered = sorted(places.values(), key=lambda p: (p["kind"] != "group", p["name"]))
    topics: dict[str, dict[str, Any]] = {}
    for p in ordered:
        for r in p["reports"]:
            topics.setdefault(r["topic"], {"id": r["topic"], "title": r["title"], "order": r.get("order", 999)})
        p["by_topic"] = {r["topic"]: r for r in p["reports"]}
    used = [s for rec in status.values() for s in rec.get("sources", [])]
    return {"places": ordered, "topics": sorted(topics.values(), key=lambda t: (t["order"], t["id"])),
            "purpose": series_purpose(ordered), "notes": notes,
            "failed": sorted(failed, key=lambda r: (r["place"], r["topic"])), "sources": _catalogue_rows(used),
            "build_date": build_date or _now_text(), "version": __version__,
            "changes": latest_changes(reports_dir, out_of_date), "code_version": code_version(), **page_assets()}


def _render(template: str, **context: Any) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["j2", "html"]))
    env.filters["when"] = _readable_time
    env.filters["period"] = period_in_words
    return env.get_template(template).render(**context)


def render_index(reports_dir: Path, build_date: str | None = None,
                 out_of_date: dict[str, str] | None = None) -> str:
    """The series index: a Place x topic grid, each cell the report's lead figure with its verdict."""
    return _render("index_page.html.j2", **_index_context(reports_dir, build_date, out_of_date))


def render_place_page(reports_dir: Path, place_id: str, build_date: str | None = None) -> str:
    """A Place's front door (``<place>/index.html``): its 8-10 headline figures, each with its direction
    word and symbol, period and the report that explains it; "What this means"; its reports."""
    ctx = _index_context(reports_dir, build_date)
    place = next(p for p in ctx["places"] if p["id"] == place_id)
    return _render("place_page.html.j2", **ctx, place=place)


def render_sources_page(reports_dir: Path, build_date: str | None = None) -> str:
    """The sources and licences page (``sources.html``), linked from every page's footer."""
    return _render("sources_page.html.j2", **_index_context(reports_dir, build_date))


#: the sources and licences page, beside the index
SOURCES_PAGE = "sources.html"


def write_index(reports_dir: Path, build_date: str | None = None,
                out_of_date: dict[str, str] | None = None) -> Path:
    """Write reports/index.html, each Place's front door (<place>/index.html), the sources page and the
    accessibility statement atomically (caller holds the lock)."""
    reports_dir = Path(reports_dir)
    ctx = _index_context(reports_dir, build_date, out_of_date)
    for place in ctx["places"]:
        write_atomic(reports_dir / place["id"] / "index.html", _render("place_page.html.j2", **ctx, place=place))
    write_atomic(reports_dir / SOURCES_PAGE, _render("sources_page.html.j2", **ctx))
    write_atomic(reports_dir / ACCESSIBILITY_PAGE, render_accessibility(reports_dir, build_date))
    out = reports_dir / "index.html"
    write_atomic(out, _render("index_page.html.j2", **ctx))
    return out


def render_accessibility(reports_dir: Path, build_date: str | None = None) -> str:
    """The accessibility statement: WCAG 2.2 AA status, known exceptions and, for each Place built,
    how to ask for another format (its params ``contact:``, else one neutral line)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from jsna.places import load_place, other_format_line

    contacts = []
    for place_id, name in sorted({(r["place"], r.get("place_name", r["place"])) for r in read_status(reports_dir).values()
                                  if r.get("place")}, key=lambda x: x[1]):
        try:
            place = load_place(place_id)
        except Exception:  # noqa: BLE001 - a Place whose params are gone: the neutral line
            place = None
        if place is not None and place.contact:
            contacts.append({"name": name, "line": other_format_line(place)})
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["j2", "html"]))
    return env.get_template("accessibility_page.html.j2").render(
        contacts=contacts, neutral=other_format_line(None), build_date=build_date or _now_text(),
        version=__version__, **page_assets())


def _readable_time(iso: str | None) -> str:
    """'2026-11-23T19:00:45+00:00' -> '23 November 2026, 19:00 UTC' (unknown -> 'date unknown')."""
    try:
        return dt.datetime.fromisoformat(str(iso)).astimezone(dt.UTC).strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    except (TypeError, ValueError):
        return "date unknown"


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).strftime("%d %B %Y, %H:%M UTC").lstrip("0")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_staging(reports_dir: Path) -> list[Path]:
    """Remove staging dirs left by builds that no longer run (killed with SIGKILL, power loss)."""
    removed = []
    root = Path(reports_dir) / STAGING
    if not root.is_dir():
        return removed
    for d in root.iterdir():
        m = re.match(r"^\d{8}T\d{6}-(\d+)-", d.name)
        if m and not _pid_alive(int(m.group(1))):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    with contextlib.suppress(OSError):  # empty now: no build is running (callers hold the lock)
        root.rmdir()
    return removed
