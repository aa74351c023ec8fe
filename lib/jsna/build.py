"""The series runner: every topic notebook x Place, executed by Papermill and exported to HTML.

``python -m jsna build`` discovers topics from notebooks/*.ipynb (notebook metadata ``"jsna"``:
title, order, description), Places from params/*.yaml, and runs each pair in its own worker
process (Papermill executes the notebook with ``place=<id>`` and ``data_dir``; nbconvert exports it
with input cells hidden through the offline ``jsna`` template: no CDN, works from file://).

Publishing is atomic. Each build writes into its own staging directory under
``reports/_staging/``; a finished report is moved into place with :func:`os.replace` under a lock
(filelock), so a failed, killed or interrupted run never leaves half-written HTML and never
replaces the previous report. The index page (reports/index.html) and the status record
(reports/_status.json) are rewritten under the same lock, so two builds at once into the same
reports directory cannot corrupt each other.

Layout written::

    reports/<place>/<topic>.html    the report (self-contained)
    reports/<place>/<topic>.ipynb   the executed notebook, for audit
    reports/_logs/<place>/<topic>.log   cell outputs and errors of the last run
    reports/_logs/<place>/<topic>.failed.ipynb   the partly executed notebook of a failed run
    reports/index.html              every report grouped by Place, data vintages, failed runs
    reports/_status.json            last result of every Place/topic (feeds the index)
    reports/_build.json             this build's runs with timings (feeds ``make bench``)
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import datetime as dt
import functools
import itertools
import json
import logging
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jsna import __version__, paths
from jsna.kernel import ENGINE as KERNEL_ENGINE
from jsna.kernel import WarmKernel
from jsna.places import Place, PlaceError, available_places, load_place

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "jsna"
STAGING = "_staging"
LOGS = "_logs"
STATUS_FILE = "_status.json"
BUILD_FILE = "_build.json"
LOCK_FILE = ".jsna-build.lock"
HTML_LIMIT_BYTES = 3 * 2**20
DEFAULT_CELL_TIMEOUT = 1800
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
_SOURCES_ATTR = re.compile(r'data-jsna-sources="([^"]*)"')
_EXTERNAL_REF = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


class BuildError(RuntimeError):
    """A build cannot start (no topics, unknown topic, bad arguments). The message says the fix."""


# --------------------------------------------------------------------------------------------
# Topics
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    """A report topic: one notebook with a ``jsna`` metadata entry."""

    id: str
    title: str
    order: int
    description: str
    path: Path
    sources: tuple[str, ...] = ()


def discover_topics(notebooks_dir: Path | None = None) -> list[Topic]:
    """Topics in ``notebooks_dir`` (default notebooks/): notebooks whose metadata has ``jsna``.

    Sorted by ``order`` then id. Raises BuildError naming the notebook when its metadata is
    ill-formed (missing title, non-integer order).
    """
    d = Path(notebooks_dir or paths.NOTEBOOKS_DIR)
    topics = []
    for nb_path in sorted(d.glob("*.ipynb")):
        try:
            meta = json.loads(nb_path.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, ValueError) as exc:
            raise BuildError(f"{nb_path}: cannot read notebook JSON: {exc}") from exc
        info = meta.get("jsna")
        if info is None:
            continue
        if not isinstance(info, dict) or not isinstance(info.get("title"), str) or not info["title"].strip():
            raise BuildError(f"{nb_path}: notebook metadata 'jsna' needs a non-empty 'title' "
                             '(e.g. "jsna": {"title": "...", "order": 1, "description": "..."})')
        order = info.get("order", 999)
        if isinstance(order, bool) or not isinstance(order, int):
            raise BuildError(f"{nb_path}: notebook metadata 'jsna.order' must be an integer, got {order!r}")
        sources = info.get("sources") or ()
        if isinstance(sources, str) or not all(isinstance(s, str) for s in sources):
            raise BuildError(f"{nb_path}: notebook metadata 'jsna.sources' must be a list of source ids")
        topics.append(Topic(id=nb_path.stem, title=info["title"].strip(), order=order,
                            description=str(info.get("description", "")).strip(), path=nb_path,
                            sources=tuple(sources)))
    return sorted(topics, key=lambda t: (t.order, t.id))


def select_topics(topics: Sequence[Topic], wanted: Sequence[str] | None) -> list[Topic]:
    """The topics named in ``wanted`` (all when empty); an unknown name lists the valid ones."""
    if not wanted:
        return list(topics)
    by_id = {t.id: t for t in topics}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        valid = ", ".join(by_id) or "(none: no notebook has 'jsna' metadata)"
        raise BuildError(f"Unknown topic(s) {', '.join(unknown)}. Valid topics: {valid}")
    return [by_id[w] for w in dict.fromkeys(wanted)]


# --------------------------------------------------------------------------------------------
# Place checks against the data (helper B's jsna.geo.validate_place, when available)
# --------------------------------------------------------------------------------------------
def _data_present(data_dir: Path | None) -> bool:
    d = Path(data_dir or paths.raw_dir())
    return d.is_dir() and any(d.iterdir())


def validate_place_data(place: Place, data_dir: Path | None) -> str | None:
    """Check the Place's codes against the lookups (jsna.geo.validate_place) when data is present.

    Returns an error message when the Place is invalid (PlaceError), else None: also when the
    check is not available or the lookups cannot be read (a warning is printed; the notebooks then
    report the data problem themselves).
    """
    if not _data_present(data_dir):
        return None
    try:
        from jsna import geo
    except ImportError:
        return None
    fn = getattr(geo, "validate_place", None)
    if fn is None:
        return None
    try:
        fn(place, data_dir=data_dir)
    except PlaceError as exc:
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - lookups unreadable: the notebooks report data errors
        print(f"warning: could not check Place {place.id!r} against the lookups "
              f"({type(exc).__name__}: {exc}); building anyway", file=sys.stderr)
    return None


# --------------------------------------------------------------------------------------------
# HTML export
# --------------------------------------------------------------------------------------------
def _asset(name: str) -> str:
    return (TEMPLATES_DIR / "static" / name).read_text(encoding="utf-8")


def page_assets() -> dict[str, str]:
    """The inline stylesheet and script shared by every report and the index page."""
    return {"css": _asset("jsna.css"), "js": _asset("jsna.js")}


def _clean_for_export(nb) -> None:
    """Drop what a reader must not see: stderr streams (warnings; they stay in the log and the
    executed .ipynb), the plain-text outputs of ``# NBVAL_CHECK_OUTPUT`` cells, and code cells
    left without output (they would only add empty markup)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        if cell.get("source", "").lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            cell["outputs"] = []
            continue
        cell["outputs"] = [o for o in cell.get("outputs", [])
                           if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.cells = [c for c in nb.cells if c.get("cell_type") != "code" or c.get("outputs")]


def notebook_sources(nb) -> list[str]:
    """Catalogue source ids a notebook used: metadata ``jsna.sources`` plus the
    ``data-jsna-sources`` attributes written by :func:`jsna.report.about_the_data`."""
    found = list(nb.metadata.get("jsna", {}).get("sources", []) or [])
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            html_out = out.get("data", {}).get("text/html", "")
            if isinstance(html_out, list):
                html_out = "".join(html_out)
            for m in _SOURCES_ATTR.finditer(html_out):
                found.extend(m.group(1).split())
    return list(dict.fromkeys(found))


def source_attributions(source_ids: Iterable[str]) -> list[str]:
    """Attribution lines for the given catalogue sources (unknown ids are skipped)."""
    try:
        from jsna.catalogue import load_catalogue

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - no catalogue yet: the footer falls back to the OGL line
        return []
    lines = []
    for sid in source_ids:
        src = cat.get(sid)
        if src is None:
            continue
        text = src.attribution or f"{src.publisher}: {src.title} ({src.licence})"
        lines.append(text)
    return list(dict.fromkeys(lines))


def _has_h1(nb) -> bool:
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown" and re.search(r"(?m)^#\s+\S", cell.get("source", "")):
            return True
        for out in cell.get("outputs", []):
            h = out.get("data", {}).get("text/html", "")
            if "<h1" in ("".join(h) if isinstance(h, list) else h):
                return True
    return False


def export_html(nb_path: Path, place_name: str, topic_title: str, build_date: str,
                sources: Sequence[str] | None = None) -> str:
    """Export an executed notebook to one self-contained HTML page (input cells hidden)."""
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    used = list(sources) if sources is not None else notebook_sources(nb)
    _clean_for_export(nb)
    resources = {"jsna": {**page_assets(), "place_name": place_name, "topic_title": topic_title,
                          "build_date": build_date, "version": __version__,
                          "attributions": source_attributions(used), "index_href": "../index.html",
                          "add_h1": not _has_h1(nb)}}
    body, _ = _html_exporter().from_notebook_node(nb, resources=resources)
    return body


@functools.cache
def _html_exporter():
    """The report exporter, built once per process (compiling its templates is most of an export)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    return HTMLExporter(config=c)


def external_references(html_text: str) -> list[str]:
    """Tags in the page that load something from the network (must be empty for offline use)."""
    return [m.group(0)[:120] for m in _EXTERNAL_REF.finditer(html_text)]


# --------------------------------------------------------------------------------------------
# One run (executed in its own worker process)
# --------------------------------------------------------------------------------------------
@dataclass
class RunSpec:
    """Everything a worker needs to execute and export one Place x topic."""

    place: str
    place_name: str
    topic: str
    topic_title: str
    notebook: str
    out_dir: str  # staging directory for this run's files
    build_date: str
    data_dir: str | None = None
    params_dir: str | None = None
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT


@dataclass
class RunResult:
    """Outcome of one run, as written by the worker and read by the parent."""

    place: str
    topic: str
    ok: bool
    seconds: float = 0.0
    error: str = ""
    ename: str = ""
    evalue: str = ""
    cell: int | None = None
    html_bytes: int = 0
    sources: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe_error(self) -> str:
        where = f" in cell {self.cell}" if self.cell is not None else ""
        if self.ename:
            return f"{self.ename}{where}: {self.evalue}".strip()
        return self.error or "unknown error"


def _set_parent_death_signal() -> None:
    """Linux: the worker gets SIGTERM if the build process dies (e.g. SIGKILL), so nothing
    keeps running (and its kernel exits too: ipykernel polls for its parent)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_one(spec: RunSpec, kernel: WarmKernel | None = None) -> RunResult:
    """Execute one notebook with Papermill and export it; write <topic>.ipynb, <topic>.html.part,
    <topic>.log and <topic>.result.json into spec.out_dir. Never raises for notebook errors.

    With ``kernel`` the notebook runs in that warm kernel (reset afterwards, discarded after a
    failure: see :mod:`jsna.kernel`); without, Papermill starts and stops a kernel of its own."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out = Path(spec.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ipynb = out / f"{spec.topic}.ipynb"
    log_path = out / f"{spec.topic}.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    pm_log = logging.getLogger("papermill")
    pm_log.addHandler(handler)
    pm_log.setLevel(logging.INFO)
    pm_log.propagate = False
    if spec.params_dir:
        os.environ["JSNA_PARAMS_DIR"] = spec.params_dir
    if spec.data_dir:
        os.environ["JSNA_DATA_DIR"] = spec.data_dir
    os.environ.setdefault("MPLBACKEND", "Agg")
    params: dict[str, Any] = {"place": spec.place}
    if spec.data_dir:
        params["data_dir"] = spec.data_dir
    result = RunResult(place=spec.place, topic=spec.topic, ok=False)
    t0 = time.perf_counter()
    pm_log.info("jsna %s: running %s for Place %s with parameters %s", __version__, spec.notebook,
                spec.place, params)
    try:
        engine: dict[str, Any] = {}
        if kernel is not None:
            engine = {"engine_name": KERNEL_ENGINE, "km": kernel.manager(Path(spec.notebook).parent)}
            pm_log.info("kernel %d of this worker, run %d in it", kernel.started, kernel.runs)
        pm.execute_notebook(spec.notebook, str(ipynb), parameters=params, progress_bar=False,
                            log_output=True, cwd=str(Path(spec.notebook).parent),
                            execution_timeout=spec.cell_timeout, **engine)
        nb_sources = _sources_of(ipynb)
        body = export_html(ipynb, spec.place_name, spec.topic_title, spec.build_date, nb_sources)
        ext = external_references(body)
        if ext:
            result.warnings.append(f"{len(ext)} reference(s) to the network in the HTML, e.g. {ext[0]}")
        data = body.encode("utf-8")
        if len(data) > HTML_LIMIT_BYTES:
            result.warnings.append(f"HTML is {len(data) / 2**20:.1f} MB (limit 3 MB)")
        (out / f"{spec.topic}.html.part").write_bytes(data)
        result.ok, result.html_bytes, result.sources = True, len(data), nb_sources
    except PapermillExecutionError as exc:
        result.ename, result.evalue = exc.ename, str(exc.evalue)
        result.cell = exc.exec_count if exc.exec_count is not None else exc.cell_index
        result.error = f"{exc.ename}: {exc.evalue}"
        pm_log.error("cell %s failed:\n%s", result.cell, "\n".join(_strip_ansi(t) for t in exc.traceback))
    except BaseException as exc:  # noqa: BLE001 - kernel death, timeouts, export errors: all reported
        result.ename, result.evalue = type(exc).__name__, str(exc)
        result.error = f"{type(exc).__name__}: {exc}"
        pm_log.exception("run failed")
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
    finally:
        if kernel is not None:
            if result.ok:
                kernel.reset()
            else:  # a failed, timed-out or crashed run never hands its kernel on
                kernel.discard()
        result.seconds = round(time.perf_counter() - t0, 2)
        for w in result.warnings:
            pm_log.warning(w)
        pm_log.info("finished in %.1f s: %s", result.seconds, "ok" if result.ok else result.describe_error())
        handler.close()
        pm_log.removeHandler(handler)
        tmp = out / f"{spec.topic}.result.json.tmp"
        tmp.write_text(json.dumps(asdict(result)), encoding="utf-8")
        os.replace(tmp, out / f"{spec.topic}.result.json")
    return result


def _sources_of(ipynb: Path) -> list[str]:
    import nbformat

    return notebook_sources(nbformat.read(str(ipynb), as_version=4))


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _worker_serve(reply_fd: int, reuse_kernel: bool) -> int:
    """Entry point of a build worker process (``python -c 'from jsna.build import _worker_serve; ...'``).

    Reads the path of one run's spec file per line on stdin, executes it (:func:`run_one`) and
    answers ``done`` on ``reply_fd``; ends at end of input. With ``reuse_kernel`` the runs share a
    warm kernel (:class:`jsna.kernel.WarmKernel`)."""
    _set_parent_death_signal()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    kernel = WarmKernel() if reuse_kernel else None
    try:
        with os.fdopen(reply_fd, "w", encoding="utf-8") as replies:
            for line in sys.stdin:
                spec = RunSpec(**json.loads(Path(line.strip()).read_text(encoding="utf-8")))
                run_one(spec, kernel)
                replies.write("done\n")
                replies.flush()
    finally:
        if kernel is not None:
            kernel.discard()
    return 0


class _Worker:
    """The build's handle on one worker process (see :func:`_worker_serve`)."""

    def __init__(self, env: dict[str, str], log_path: Path, reuse_kernel: bool) -> None:
        read_fd, write_fd = os.pipe()
        code = ("import sys; from jsna.build import _worker_serve; "
                f"sys.exit(_worker_serve({write_fd}, {reuse_kernel!r}))")
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=log,
                                         stderr=subprocess.STDOUT, pass_fds=(write_fd,),
                                         start_new_session=True, env=env)
        os.close(write_fd)
        self._replies = os.fdopen(read_fd, "r", encoding="utf-8")

    def run(self, spec_file: Path) -> bool:
        """Hand one run to the worker and wait for it; False if the worker died first."""
        try:
            self.proc.stdin.write(f"{spec_file}\n".encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return self._replies.readline() == "done\n"

    def log_tail(self, n: int = 800) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:].strip()
        return ""

    def close(self, grace: float = 30.0) -> None:
        """End of input: the worker shuts its kernel down and exits (killed if it does not)."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc)
        self._replies.close()


# --------------------------------------------------------------------------------------------
# Publishing, status and index
# --------------------------------------------------------------------------------------------
def _lock(reports_dir: Path):
    from filelock import FileLock

    return FileLock(str(reports_dir / LOCK_FILE), timeout=600)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_status(reports_dir: Path) -> dict[str, dict[str, Any]]:
    """The status record: ``{"<place>/<topic>": {...last run...}}`` (empty when absent or unreadable)."""
    f = Path(reports_dir) / STATUS_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        return dict(data.get("reports", {}))
    except (OSError, ValueError, AttributeError):
        return {}


def _publish(reports_dir: Path, stage: Path, spec: RunSpec, topic: Topic, place: Place,
             res: RunResult) -> None:
    """Move one finished run into reports/ (caller holds the lock). A failed run only publishes
    its log and the partly executed notebook; the previous report stays."""
    logs = reports_dir / LOGS / spec.place
    logs.mkdir(parents=True, exist_ok=True)
    log = stage / f"{spec.topic}.log"
    if log.exists():
        os.replace(log, logs / f"{spec.topic}.log")
    failed_nb = logs / f"{spec.topic}.failed.ipynb"
    staged_nb = stage / f"{spec.topic}.ipynb"
    if res.ok:
        dest = reports_dir / spec.place
        dest.mkdir(parents=True, exist_ok=True)
        os.replace(staged_nb, dest / f"{spec.topic}.ipynb")
        os.replace(stage / f"{spec.topic}.html.part", dest / f"{spec.topic}.html")
        with contextlib.suppress(FileNotFoundError):
            failed_nb.unlink()
    elif staged_nb.exists():
        os.replace(staged_nb, failed_nb)
    status = read_status(reports_dir)
    key = f"{spec.place}/{spec.topic}"
    prev = status.get(key, {})
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rec = {"place": spec.place, "place_name": place.name, "topic": spec.topic, "title": topic.title,
           "description": topic.description, "order": topic.order, "ok": res.ok,
           "last_run": now, "seconds": res.seconds, "error": "" if res.ok else res.describe_error(),
           "warnings": res.warnings, "log": f"{LOGS}/{spec.place}/{spec.topic}.log",
           "sources": res.sources if res.ok else prev.get("sources", []),
           "built": now if res.ok else prev.get("built"),
           "html_bytes": res.html_bytes if res.ok else prev.get("html_bytes", 0)}
    status[key] = rec
    _write_atomic(reports_dir / STATUS_FILE,
                  json.dumps({"reports": dict(sorted(status.items()))}, indent=1))


def _catalogue_rows(source_ids: Iterable[str]) -> list[dict[str, str]]:
    try:
        from jsna.catalogue import load_catalogue

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - index still lists reports without a catalogue
        return []
    ids = [s for s in dict.fromkeys(source_ids) if s in cat] or sorted(cat)
    rows = []
    for sid in ids:
        s = cat[sid]
        rows.append({"id": s.id, "title": s.title, "publisher": s.publisher, "period": s.period,
                     "licence": s.licence, "attribution": s.attribution, "url": s.url})
    return rows


def render_index(reports_dir: Path, build_date: str | None = None) -> str:
    """The index page: every published report grouped by Place, failed runs, data sources."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    reports_dir = Path(reports_dir)
    status = read_status(reports_dir)
    places: dict[str, dict[str, Any]] = {}
    failed = []
    for rec in status.values():
        html_file = reports_dir / rec["place"] / f"{rec['topic']}.html"
        if not rec.get("ok"):
            failed.append({**rec, "previous": html_file.exists()})
        if html_file.exists():
            p = places.setdefault(rec["place"], {"id": rec["place"], "name": rec.get("place_name", rec["place"]),
                                                 "reports": []})
            p["reports"].append({**rec, "href": f"{rec['place']}/{rec['topic']}.html"})
    for p in places.values():
        p["reports"].sort(key=lambda r: (r.get("order", 999), r["topic"]))
    ordered = sorted(places.values(), key=lambda p: (p["id"] == "llr", p["name"]))
    used = [s for rec in status.values() for s in rec.get("sources", [])]
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["j2", "html"]))
    env.filters["when"] = _readable_time
    tpl = env.get_template("index_page.html.j2")
    return tpl.render(places=ordered, failed=sorted(failed, key=lambda r: (r["place"], r["topic"])),
                      sources=_catalogue_rows(used), build_date=build_date or _now_text(),
                      version=__version__, **page_assets())


def write_index(reports_dir: Path, build_date: str | None = None) -> Path:
    """Write reports/index.html atomically (caller holds the lock)."""
    out = Path(reports_dir) / "index.html"
    _write_atomic(out, render_index(reports_dir, build_date))
    return out


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
    return removed


# --------------------------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------------------------
@dataclass
class BuildSummary:
    """What a build did."""

    results: list[RunResult]
    failed_places: dict[str, str]
    reports_dir: Path
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(r.ok for r in self.results)

    def text(self) -> str:
        good = [r for r in self.results if r.ok]
        bad = [r for r in self.results if not r.ok]
        lines = [f"Built {len(good)} of {len(self.results)} report(s) into {self.reports_dir}"]
        for r in self.results:
            for w in r.warnings:
                lines.append(f"  warning {r.place}/{r.topic}: {w}")
        if bad:
            lines.append(f"FAILED {len(bad)} run(s) (previous reports, if any, left in place):")
            for r in bad:
                log = self.reports_dir / LOGS / r.place / f"{r.topic}.log"
                lines.append(f"  {r.place}/{r.topic}: {r.describe_error()}  [log: {log}]")
        if self.interrupted:
            lines.append("Interrupted: unfinished runs were discarded; published reports are complete.")
        return "\n".join(lines)


def _kill_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def build(place_ids: Sequence[str] | None = None, topic_ids: Sequence[str] | None = None,
          jobs: int | None = None, reports_dir: Path | None = None, data_dir: Path | None = None,
          params_dir: Path | None = None, notebooks_dir: Path | None = None, progress: bool = True,
          cell_timeout: int | None = DEFAULT_CELL_TIMEOUT, fresh_kernels: bool = False) -> BuildSummary:
    """Run every selected topic x Place and publish the reports atomically.

    ``jobs`` worker processes share the runs; each keeps one kernel warm across its runs (reset in
    between, see :mod:`jsna.kernel`) unless ``fresh_kernels``, which starts a kernel per run.

    Raises PlaceError / BuildError before running anything when a Place or topic is unknown.
    Runs that fail are reported in the summary; the others are published.
    """
    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    params_dir = Path(params_dir).resolve() if params_dir else None
    data_dir = Path(data_dir).resolve() if data_dir else None
    topics = select_topics(discover_topics(notebooks_dir), topic_ids)
    if not topics:
        raise BuildError(f"No topic notebooks found in {notebooks_dir or paths.NOTEBOOKS_DIR} "
                         "(a topic is a notebook whose metadata has a 'jsna' entry with a title)")
    ids = list(dict.fromkeys(place_ids)) if place_ids else available_places(params_dir)
    if not ids:
        raise PlaceError(f"No Places: no params/*.yaml in {params_dir or paths.PARAMS_DIR}. "
                         "Add one with: python -m jsna params new <upper-tier LA code>")
    places = [load_place(p, params_dir) for p in ids]
    failed_places = {p.id: err for p in places if (err := validate_place_data(p, data_dir))}

    reports_dir.mkdir(parents=True, exist_ok=True)
    build_date = _now_text()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    with _lock(reports_dir):
        clean_stale_staging(reports_dir)
        stage_root = reports_dir / STAGING / f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
        stage_root.mkdir(parents=True)

    results: list[RunResult] = []
    specs: list[tuple[RunSpec, Topic, Place]] = []
    for place in places:
        for topic in topics:
            if place.id in failed_places:
                results.append(RunResult(place=place.id, topic=topic.id, ok=False,
                                         error=f"Place check failed: {failed_places[place.id]}"))
                continue
            specs.append((RunSpec(place=place.id, place_name=place.name, topic=topic.id,
                                  topic_title=topic.title, notebook=str(topic.path.resolve()),
                                  out_dir=str(stage_root / place.id), build_date=build_date,
                                  data_dir=str(data_dir) if data_dir else None,
                                  params_dir=str(params_dir) if params_dir else None,
                                  cell_timeout=cell_timeout), topic, place))
    # longest runs first (times of the last build in this reports dir; new runs first of all), so
    # that no worker is left with a long run at the end while the others idle
    last = read_status(reports_dir)
    specs.sort(key=lambda it: -float(last.get(f"{it[0].place}/{it[0].topic}", {}).get("seconds") or 1e9))
    n_jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs) or 1))
    # parallel runs share the cores: keep numerical libraries from starting a thread per core each
    threads = str(max(1, (os.cpu_count() or 1) // n_jobs))
    worker_env = {**os.environ, "PYTHONUNBUFFERED": "1",
                  **{v: os.environ.get(v, threads) for v in _THREAD_VARS}}
    live: set[subprocess.Popen] = set()
    live_lock = threading.Lock()
    cancel = threading.Event()
    # n_jobs worker processes, each serving runs one after another (and keeping its kernel warm
    # unless fresh_kernels); a worker that dies is replaced for the next run
    idle: queue.Queue[_Worker | None] = queue.Queue()
    for _ in range(n_jobs):
        idle.put(None)
    worker_logs = itertools.count()

    def launch(item: tuple[RunSpec, Topic, Place]) -> RunResult:
        spec = item[0]
        out = Path(spec.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        spec_file = out / f"{spec.topic}.spec.json"
        spec_file.write_text(json.dumps(asdict(spec)), encoding="utf-8")
        if cancel.is_set():
            return RunResult(place=spec.place, topic=spec.topic, ok=False, error="cancelled")
        worker = idle.get()
        tail = ""
        try:
            if worker is None or worker.proc.poll() is not None:
                worker = _Worker(worker_env, stage_root / f"worker-{next(worker_logs)}.log",
                                 reuse_kernel=not fresh_kernels)
                with live_lock:
                    live.add(worker.proc)
            if not worker.run(spec_file):  # the worker died during the run
                tail = worker.log_tail()
                with live_lock:
                    live.discard(worker.proc)
                _kill_group(worker.proc)
                worker = None
        finally:
            idle.put(worker)
        res_file = out / f"{spec.topic}.result.json"
        if res_file.exists():
            return RunResult(**json.loads(res_file.read_text(encoding="utf-8")))
        return RunResult(place=spec.place, topic=spec.topic, ok=False,
                         error=f"worker exited before finishing: {tail}")

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(specs), desc="Building reports", unit="report", file=sys.stderr)
    interrupted = False
    pool = cf.ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="jsna-run")
    try:
        futures = {pool.submit(launch, item): item for item in specs}
        for fut in cf.as_completed(futures):
            spec, topic, place = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - a launcher bug must not stop the others
                res = RunResult(place=spec.place, topic=spec.topic, ok=False, error=f"{type(exc).__name__}: {exc}")
            with _lock(reports_dir):
                _publish(reports_dir, Path(spec.out_dir), spec, topic, place, res)
            results.append(res)
            if bar is not None:
                bar.set_postfix_str(f"{spec.place}/{spec.topic} {'ok' if res.ok else 'FAILED'}")
                bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
        cancel.set()
        with live_lock:
            procs = list(live)
        for proc in procs:
            _kill_group(proc)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        while not idle.empty():
            worker = idle.get()
            if worker is not None:
                worker.close()
        if bar is not None:
            bar.close()
        with _lock(reports_dir):
            if not interrupted:
                for place in places:
                    if place.id in failed_places:
                        for topic in topics:
                            res = next(r for r in results if r.place == place.id and r.topic == topic.id)
                            stage = stage_root / place.id
                            stage.mkdir(parents=True, exist_ok=True)
                            _publish(reports_dir, stage, RunSpec(place.id, place.name, topic.id, topic.title,
                                                                 str(topic.path), str(stage), build_date),
                                     topic, place, res)
                _write_atomic(reports_dir / BUILD_FILE, json.dumps(
                    {"build_date": build_date, "jobs": n_jobs, "version": __version__,
                     "runs": [asdict(r) for r in results]}, indent=1))
            write_index(reports_dir, build_date)
            shutil.rmtree(stage_root, ignore_errors=True)
            with contextlib.suppress(OSError):
                (reports_dir / STAGING).rmdir()
    return BuildSummary(results=results, failed_places=failed_places, reports_dir=reports_dir,
                        interrupted=interrupted)


def _list(notebooks_dir: Path | None, params_dir: Path | None) -> int:
    try:
        topics = discover_topics(notebooks_dir)
        places = [load_place(p, params_dir) for p in available_places(params_dir)]
    except (PlaceError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("Topics (--topic):")
    for t in topics:
        print(f"  {t.id:24s} {t.title}")
    print("Places (--place):")
    for p in places:
        print(f"  {p.id:24s} {p.name} ({', '.join(p.upper_tier_codes)})")
    return 0


def _sigterm_as_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jsna build``: see ``--help``."""
    ap = argparse.ArgumentParser(prog="python -m jsna build",
                                 description="Execute every topic notebook for every Place and publish HTML reports.")
    ap.add_argument("--place", nargs="+", action="extend", metavar="P",
                    help="Place id(s) from params/*.yaml (default: all)")
    ap.add_argument("--topic", nargs="+", action="extend", metavar="T",
                    help="topic notebook name(s) without .ipynb (default: all with 'jsna' metadata)")
    ap.add_argument("--jobs", "-j", type=int, default=None,
                    help="parallel runs (default: number of CPU cores)")
    ap.add_argument("--reports-dir", type=Path, default=None, help="output directory (default: reports/)")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="input data directory passed to the notebooks as data_dir (default: data/raw)")
    ap.add_argument("--params-dir", type=Path, default=None, help="directory of Place params files")
    ap.add_argument("--notebooks-dir", type=Path, default=None, help="directory of topic notebooks")
    ap.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
                    help=f"seconds a single cell may run (default {DEFAULT_CELL_TIMEOUT})")
    ap.add_argument("--fresh-kernels", action="store_true",
                    help="start a new kernel for every run (default: each worker reuses one kernel, "
                         "reset between runs)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    ap.add_argument("--list", action="store_true", help="list the topics and Places, build nothing")
    args = ap.parse_args(argv)
    if args.list:
        return _list(args.notebooks_dir, args.params_dir)
    if args.jobs is not None and args.jobs < 1:
        ap.error("--jobs must be at least 1")
    old = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        summary = build(args.place, args.topic, jobs=args.jobs, reports_dir=args.reports_dir,
                        data_dir=args.data_dir, params_dir=args.params_dir,
                        notebooks_dir=args.notebooks_dir, progress=not args.no_progress,
                        cell_timeout=args.cell_timeout, fresh_kernels=args.fresh_kernels)
    except (PlaceError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    print(summary.text())
    if summary.interrupted:
        return 130
    return 0 if summary.ok else 1
