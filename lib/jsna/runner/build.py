"""The build: every selected topic x Place run by warm workers and published atomically."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import errno
import itertools
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from jsna import __version__, paths
from jsna.places import (
    Place,
    PlaceError,
    available_places,
    check_place_id,
    load_place,
    other_format_line,
)
from jsna.runner.changes import append_snapshot, read_deps, read_history, save_hash_cache
from jsna.runner.files import write_atomic
from jsna.runner.provenance import (
    HashCache,
    code_hash,
    code_version,
    file_sha,
    input_records,
    report_deps,
    what_changed,
)
from jsna.runner.publish import (
    BUILD_FILE,
    LOGS,
    STAGING,
    PublishError,
    _lock,
    _now_text,
    _publish,
    clean_stale_staging,
    read_status,
    record_skipped,
    record_status,
    write_index,
)
from jsna.runner.topics import BuildError, Topic, discover_topics, select_topics, topic_params
from jsna.runner.worker import DEFAULT_CELL_TIMEOUT, RunResult, RunSpec, _kill_group, _Worker

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _data_present(data_dir: Path | None) -> bool:
    d = Path(data_dir or paths.raw_dir())
    return d.is_dir() and any(d.iterdir())


def validate_place_data(place: Place, data_dir: Path | None) -> str | None:
    """Check the Place's codes against the lookups (jsna.geo.validate_place) when data is present.

    Returns an error message when the Place is invalid (PlaceError), else None: also when the
    lookups cannot be read (a warning is printed; the notebooks then report the data problem).
    """
    if not _data_present(data_dir):
        return None
    from jsna import geo

    try:
        geo.validate_place(place, data_dir=data_dir)
    except PlaceError as exc:
        return f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - lookups unreadable: the notebooks report data errors
        print(f"warning: could not check Place {place.id!r} against the lookups "
              f"({type(exc).__name__}: {exc}); building anyway", file=sys.stderr)
    return None


@dataclass
class BuildSummary:
    """What a build did: each selected report was "built", "up to date" or "failed"."""

    results: list[RunResult]
    failed_places: dict[str, str]
    reports_dir: Path
    interrupted: bool = False
    pdf_warnings: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)  # "<place>/<topic>" not rebuilt
    reasons: dict[str, str] = field(default_factory=dict)  # "<place>/<topic>" -> why it was rebuilt
    notices: list[str] = field(default_factory=list)  # e.g. an unreadable dependency record
    errors: list[str] = field(default_factory=list)  # records that could not be written (disk full)
    skipped: dict[str, str] = field(default_factory=dict)  # "<place>/<topic>" -> why not built

    @property
    def ok(self) -> bool:
        return not self.interrupted and not self.errors and all(r.ok for r in self.results)

    def outcome(self) -> dict[str, str]:
        """``{"<place>/<topic>": "built" | "up to date" | "failed"}``."""
        out = {f"{r.place}/{r.topic}": "built" if r.ok else "failed" for r in self.results}
        return {**out, **dict.fromkeys(self.up_to_date, "up to date")}

    def text(self) -> str:
        good = [r for r in self.results if r.ok]
        bad = [r for r in self.results if not r.ok]
        lines = [f"warning: {n}" for n in self.notices]
        failed = {f"{r.place}/{r.topic}": r for r in bad}
        for key, what in sorted(self.outcome().items()):
            why = self.reasons.get(key)
            if key in failed:
                r = failed[key]
                log = self.reports_dir / LOGS / r.place / f"{r.topic}.log"
                lines.append(f"  {key}: {r.describe_error()}  [log: {log}]")
                continue
            lines.append(f"  {key}: {what}{f' ({why})' if why and what == 'built' else ''}")
        for key, note in sorted(self.skipped.items()):
            lines.append(f"  {key}: skipped: {note}")
        total = len(self.results) + len(self.up_to_date)
        lines.append(f"Built {len(good)}, up to date {len(self.up_to_date)}, failed {len(bad)} of {total} "
                     f"report(s) into {self.reports_dir}")
        for r in self.results:
            for w in r.warnings:
                lines.append(f"  warning {r.place}/{r.topic}: {w}")
        if bad:
            lines.append(f"FAILED {len(bad)} run(s), listed above (previous reports, if any, left in place).")
        for w in self.pdf_warnings:
            lines.append(f"  warning: {w}")
        for e in self.errors:
            lines.append(f"ERROR {e}")
        if self.interrupted:
            lines.append("Interrupted: unfinished runs were discarded; published reports are complete.")
        return "\n".join(lines)


def _load_places(ids: Sequence[str], params_dir: Path | None) -> tuple[list[Place], dict[str, str]]:
    """The Places, and the error of each whose params file exists but is invalid.

    An unknown or malformed Place id raises PlaceError (nothing is built); a Place whose file
    does not validate becomes a stand-in named by its id, so that its runs fail with the params
    error while every other Place is built."""
    places: list[Place] = []
    bad: dict[str, str] = {}
    for pid in ids:
        check_place_id(pid, params_dir)
        path = Path(params_dir or paths.PARAMS_DIR) / f"{pid}.yaml"
        try:
            places.append(load_place(pid, params_dir))
        except PlaceError as exc:
            if not path.is_file():
                raise
            bad[pid] = (f"Place params invalid: {exc}. Correct the file and check it with "
                        "`python -m jsna params check`")
            places.append(Place(id=pid, name=pid, kind="upper_tier", upper_tier=(), districts=(),
                                source_file=path))
    return places, bad


def _param_records(topic: Topic, values: dict[str, str]) -> list[dict]:
    """The dependency entries of the parameters passed to a topic (none when not given): a changed
    value, or a changed file for a file parameter, rebuilds the reports it is passed to."""
    out = []
    for p in topic.params:
        if p.name in values:
            v = values[p.name]
            out.append({"id": f"{topic.id}.{p.name}", "sha256": file_sha(Path(v)) if p.kind == "file" else v,
                        "entry": Path(v).name if p.kind == "file" else f"build option {p.name}"})
    return out


def _live_sources_record(data_dir: Path | None) -> list[dict]:
    """The dependency entry naming the live Fingertips sources whose file is held: an indicator
    reads its live source only once `make data REFRESH=1` has fetched it, so the first fetch
    rebuilds the reports (later refreshes change the file's checksum, recorded as an input)."""
    from jsna.catalogue import load_catalogue

    held = sorted(s.id for s in load_catalogue().values() if s.live and s.raw_path(data_dir).is_file())
    return [{"id": "live sources held", "sha256": " ".join(held) or "none", "entry": "make data REFRESH=1"}]


def _skipped(places: list[Place], topics: list[Topic], bad_params: dict[str, str],
             options: dict[str, dict[str, str]], data_dir: Path | None) -> dict[str, str]:
    """``{"<place>/<topic>": note}`` for each topic that does not apply to a Place (its spec says why)."""
    if not _data_present(data_dir):
        return {}
    return {f"{p.id}/{t.id}": note for p in places if p.id not in bad_params for t in topics
            if t.for_place(p.id) and (note := t.skip_reason(p, data_dir, options[t.id]))}


def _check_reports_dir(reports_dir: Path) -> None:
    """BuildError when the reports directory, or a folder above it, exists and is not a directory."""
    for d in (reports_dir, *reports_dir.parents):
        if d.exists():
            if not d.is_dir():
                where = "" if d == reports_dir else f" ({d} is a file)"
                raise BuildError(f"--reports-dir {reports_dir} is not a directory{where}. Give a directory "
                                 "(it is created when missing), or move the file out of the way.")
            return


def _os_error_text(exc: OSError, reports_dir: Path) -> str:
    """A one-line message for a write that failed, with the fix."""
    what = str(exc) if isinstance(exc, PublishError) else f"{exc.strerror or exc} (writing {exc.filename or reports_dir})"
    if exc.errno == errno.ENOSPC:
        return f"{what}. The disk holding {reports_dir} is full: free some space and build again"
    return f"{what}. Check that {reports_dir} is a writable directory and build again"


def _finish(reports_dir: Path, stage_root: Path, places: list[Place], topics: list[Topic],
            results: list[RunResult], failed_places: dict[str, str],
            unrecorded: list[tuple[RunSpec, Topic, Place, RunResult]], errors: list[str], interrupted: bool,
            build_date: str, version: str, hashes: HashCache, build_record: dict,
            data_dir: Path | None = None, params_dir: Path | None = None,
            out_of_date: dict[str, str] | None = None) -> None:
    """The end of a build (caller holds the lock): failed Places, variants that cannot be built and runs recorded, the staging
    area removed first (it frees the space of any unpublished run), then the build record, the
    history and the index. A write that fails (e.g. a full disk) is added to ``errors``; an
    index that cannot be rewritten is removed rather than left listing what is no longer so.
    A failed Place's message reaches the index with the build's paths made relative or
    placeholders (``<params_dir>/x.yaml``: :meth:`RunSpec.path_substitutions`). ``out_of_date``
    (:func:`out_of_date_outside`) names the published reports this build left out of date."""
    if not interrupted:
        for place in places:
            for topic in topics:
                if place.id not in failed_places and not topic.problem:
                    continue
                res = next((r for r in results if r.place == place.id and r.topic == topic.id), None)
                if res is not None:  # None: up to date
                    spec = RunSpec(place.id, place.name, topic.id, topic.title, str(topic.path),
                                   str(stage_root / place.id), build_date, reports_dir=str(reports_dir),
                                   data_dir=str(data_dir) if data_dir else None,
                                   params_dir=str(params_dir) if params_dir else None)
                    unrecorded.append((spec, topic, place, res))
    shutil.rmtree(stage_root, ignore_errors=True)
    with contextlib.suppress(OSError):
        (reports_dir / STAGING).rmdir()
    steps = [(f"recording failed run {spec.place}/{spec.topic}",
              lambda spec=spec, topic=topic, place=place, res=res: record_status(reports_dir, spec, topic, place, res))
             for spec, topic, place, res in unrecorded]
    if not interrupted:
        steps.append(("writing the build record",
                      lambda: write_atomic(reports_dir / BUILD_FILE, json.dumps(build_record, indent=1))))
    if hashes.changed:
        steps.append(("saving file checksums", lambda: save_hash_cache(reports_dir, hashes.entries)))
    # the history holds what was published, also by an interrupted build
    steps.append(("writing the headline history", lambda: append_snapshot(reports_dir, build_date, version)))
    for what, step in steps:
        try:
            step()
        except OSError as exc:
            errors.append(f"{what}: {_os_error_text(exc, reports_dir)}")
    try:
        write_index(reports_dir, build_date, out_of_date=out_of_date)
    except OSError as exc:
        with contextlib.suppress(OSError):
            (reports_dir / "index.html").unlink()
        errors.append(f"writing the index: {_os_error_text(exc, reports_dir)}. The old index.html was removed "
                      "so that it does not list reports that changed; the next build writes it again")


def _stale(key: str, entry: dict | None, status: dict, reports_dir: Path, nb_sha: str, params_sha: str,
           code: str, data_dir: Path | None, hashes: HashCache, extra: list[dict] | None = None) -> str:
    """Why a report must be rebuilt ('' when it is up to date: published, its last run ok, and
    every dependency the same as in its record)."""
    if entry is None:
        return "no record of an earlier build"
    if status.get(key, {}).get("ok") is not True:
        return "its last run failed" if key in status else "no status record"
    place, topic = key.split("/", 1)
    if not all((reports_dir / place / f"{topic}{ext}").is_file() for ext in (".html", ".ipynb")):
        return "published files missing"
    try:
        inputs = input_records(entry["sources"], data_dir, hashes)
    except Exception as exc:  # noqa: BLE001 - e.g. the catalogue is invalid: the run reports it
        return f"inputs cannot be checked: {type(exc).__name__}: {exc}"
    return what_changed(entry["deps"], report_deps(nb_sha, params_sha, code, [*inputs, *(extra or [])]))


@dataclass
class Plan:
    """What a build would do, decided without running anything (:func:`plan`): the selected topics
    and Places, and for each report whether it is up to date, to be rebuilt (and why) or skipped."""

    reports_dir: Path
    data_dir: Path | None
    params_dir: Path | None
    topics: list[Topic]
    places: list[Place]
    bad_params: dict[str, str]  # Place id -> why its params file is invalid
    options: dict[str, dict[str, str]]  # topic id -> parameters passed to its notebook (--param)
    extras: dict[str, list[dict]]  # topic id -> dependency entries besides its record of reads
    deps_data: dict
    hashes: HashCache
    code: str
    version: str
    nb_sha: dict[str, str]
    params_sha: dict[str, str]
    reasons: dict[str, str] = field(default_factory=dict)  # "<place>/<topic>" -> why it is rebuilt
    up_to_date: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def text(self) -> str:
        """What would be rebuilt and why, one report a line (``--dry-run``)."""
        lines = [f"  {k}: would be built ({why})" for k, why in sorted(self.reasons.items())]
        lines += [f"  {k}: up to date" for k in sorted(self.up_to_date)]
        lines += [f"  {k}: skipped: {note}" for k, note in sorted(self.skipped.items())]
        lines.append(f"{len(self.reasons)} of {len(self.reasons) + len(self.up_to_date)} report(s) out of date "
                     f"in {self.reports_dir}; nothing was built.")
        return "\n".join(lines)


def plan(place_ids: Sequence[str] | None = None, topic_ids: Sequence[str] | None = None,
         reports_dir: Path | None = None, data_dir: Path | None = None, params_dir: Path | None = None,
         notebooks_dir: Path | None = None, force: bool = False,
         params: dict[str, dict[str, str]] | None = None, variants_dir: Path | None = None) -> Plan:
    """Decide what a build does (see :func:`build` for the arguments), reading only the build
    records and the inputs' checksums: no worker, no pandas. Raises PlaceError / BuildError when a
    Place or topic is unknown."""
    reports_dir = Path(reports_dir or paths.REPORTS_DIR).resolve()
    _check_reports_dir(reports_dir)
    params_dir = Path(params_dir).resolve() if params_dir else None
    data_dir = Path(data_dir).resolve() if data_dir else None
    topics = select_topics(discover_topics(notebooks_dir, variants_dir), topic_ids)
    if not topics:
        raise BuildError(f"No topic notebooks found in {notebooks_dir or paths.NOTEBOOKS_DIR} "
                         "(a topic is a notebook whose metadata has a 'jsna' entry with a title)")
    ids = list(dict.fromkeys(place_ids)) if place_ids else available_places(params_dir)
    if not ids:
        raise PlaceError(f"No Places: no params/*.yaml in {params_dir or paths.PARAMS_DIR}. "
                         "Add one with: python -m jsna params new <upper-tier LA code>")
    places, bad_params = _load_places(ids, params_dir)
    # per topic: the parameters passed to its notebook, each recorded as a dependency
    options = topic_params(topics, params)
    live_held = _live_sources_record(data_dir)
    extras = {t.id: [*live_held, *_param_records(t, options[t.id])] for t in topics}

    deps_data, problem = read_deps(reports_dir)
    _, history_problem = read_history(reports_dir)
    notices = [p for p in (problem, history_problem) if p]
    status = read_status(reports_dir)
    p = Plan(reports_dir=reports_dir, data_dir=data_dir, params_dir=params_dir, topics=topics, places=places,
             bad_params=bad_params, options=options, extras=extras, deps_data=deps_data,
             hashes=HashCache(deps_data.get("hash_cache")), code=code_hash(), version=code_version(),
             nb_sha={t.id: file_sha(t.path) for t in topics},
             params_sha={pl.id: file_sha(Path(params_dir or paths.PARAMS_DIR) / f"{pl.id}.yaml") for pl in places},
             notices=notices, skipped=_skipped(places, topics, bad_params, options, data_dir))
    for place in places:
        for topic in topics:
            key = f"{place.id}/{topic.id}"
            if key in p.skipped or not topic.for_place(place.id):
                continue
            why = ("its params file is invalid" if place.id in bad_params
                   else f"it cannot be built: {topic.problem}" if topic.problem else "--force" if force
                   else "the build records were unreadable" if notices else
                   _stale(key, deps_data["reports"].get(key), status, reports_dir, p.nb_sha[topic.id],
                          p.params_sha[place.id], p.code, data_dir, p.hashes, extras[topic.id]))
            if why:
                p.reasons[key] = why
            else:
                p.up_to_date.append(key)
    return p


def out_of_date_outside(pl: Plan, notebooks_dir: Path | None = None,
                        params: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Why each published report outside ``pl``'s selection is out of date (those up to date left
    out): after a narrow build (``--place rutland --topic deprivation``) the index must not call a
    report whose inputs changed up to date just because this build did not select it."""
    deps, problem = read_deps(pl.reports_dir)
    selected = {f"{p.id}/{t.id}" for p in pl.places for t in pl.topics}
    outside = [k for k in deps["reports"] if k not in selected]
    if problem or not outside:
        return {}
    places = set(available_places(pl.params_dir))
    topics = {t.id for t in discover_topics(notebooks_dir)}
    out = {k: "its Place or topic is no longer in the series" for k in outside
           if k.split("/", 1)[0] not in places or k.split("/", 1)[1] not in topics}
    keys = [k for k in outside if k not in out]
    place_ids = sorted({k.split("/", 1)[0] for k in keys})
    topic_ids = sorted({k.split("/", 1)[1] for k in keys})
    if not keys:
        return out
    try:
        other = plan(place_ids, topic_ids, pl.reports_dir, pl.data_dir, pl.params_dir, notebooks_dir,
                     params={t: v for t, v in (params or {}).items() if t in topic_ids})
    except (PlaceError, BuildError) as exc:
        return {**out, **dict.fromkeys(keys, f"not checked ({exc})")}
    out.update({k: why for k, why in {**other.reasons, **other.skipped}.items() if k in keys})
    return out


def build(place_ids: Sequence[str] | None = None, topic_ids: Sequence[str] | None = None,
          jobs: int | None = None, reports_dir: Path | None = None, data_dir: Path | None = None,
          params_dir: Path | None = None, notebooks_dir: Path | None = None, progress: bool = True,
          cell_timeout: int | None = DEFAULT_CELL_TIMEOUT, fresh_kernels: bool = False,
          pdf: bool = True, force: bool = False,
          params: dict[str, dict[str, str]] | None = None, variants_dir: Path | None = None) -> BuildSummary:
    """Run the selected topic x Place reports that are not up to date and publish them atomically.

    A report is up to date when its record in .build/deps.json (:mod:`jsna.runner.changes`) shows the
    same notebook, Place params, package code and the same checksums of the inputs it read (its
    record of reads, :mod:`jsna.reads`) as now (:mod:`jsna.runner.provenance`); ``force`` rebuilds
    every selected report. An unreadable record is reported in the summary and everything is
    rebuilt. :func:`plan` makes that decision without building.

    ``jobs`` worker processes share the runs; each keeps one kernel warm across its runs (reset in
    between, see :mod:`jsna.runner.kernel`) unless ``fresh_kernels``, which starts a kernel per run.
    With ``pdf`` (the default) each published report is also printed to a PDF beside it
    (:mod:`jsna.runner.pdf`; skipped with a warning when Chromium is missing).

    ``params`` (``{topic id: {name: value}}``, ``--param <topic>.<name>=<value>``) are passed to the
    topics' notebooks, checked against each topic's parameters (:class:`jsna.topics.Param`), and are
    part of their dependency record (a file parameter by its checksum), so changing one rebuilds the
    reports it reaches. A topic's variants (:class:`jsna.topics.Variant`, declared under ``variants_dir``,
    default the repository root) are reports of their own, ``<place>/<topic>-<name>``, built with their
    own parameters for their own Places; a variant that cannot be built (``Topic.problem``) is a failed
    run and its published report stays. A topic that does not apply to a Place (:meth:`jsna.topics.TopicSpec.skip_reason`,
    e.g. an audit with no service file for it) is skipped with a note on the index.

    Raises PlaceError / BuildError before running anything when a Place or topic is unknown.
    Runs that fail are reported in the summary; the others are published.
    """
    pl = plan(place_ids, topic_ids, reports_dir, data_dir, params_dir, notebooks_dir, force, params, variants_dir)
    for n in pl.notices:
        print(f"warning: {n}", file=sys.stderr)
    reports_dir, data_dir, params_dir = pl.reports_dir, pl.data_dir, pl.params_dir
    topics, places, bad_params = pl.topics, pl.places, pl.bad_params
    options, extras, hashes, code, version = pl.options, pl.extras, pl.hashes, pl.code, pl.version
    nb_sha, params_sha = pl.nb_sha, pl.params_sha
    reasons, up_to_date, skipped, notices = pl.reasons, pl.up_to_date, pl.skipped, pl.notices
    building = {k.split("/", 1)[0] for k in reasons}
    failed_places = {p.id: f"Place check failed: {err}" for p in places if p.id in building
                     and p.id not in bad_params and (err := validate_place_data(p, data_dir))}
    failed_places.update(bad_params)

    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"--reports-dir {reports_dir}: cannot create it ({exc.strerror or exc}). "
                         "Give a directory you can write to (it is created when missing).") from exc
    build_date = _now_text()
    if skipped:
        with _lock(reports_dir):
            for key, note in skipped.items():
                pid, tid = key.split("/", 1)
                record_skipped(reports_dir, next(p for p in places if p.id == pid),
                               next(t for t in topics if t.id == tid), note)
    if not reasons:
        with _lock(reports_dir):
            clean_stale_staging(reports_dir)  # a killed build's leftovers go even when nothing is rebuilt
            if hashes.changed:
                save_hash_cache(reports_dir, hashes.entries)
            write_atomic(reports_dir / BUILD_FILE, json.dumps(
                {"build_date": build_date, "jobs": 0, "version": __version__, "code_version": version,
                 "runs": [], "up_to_date": up_to_date}, indent=1))
        return BuildSummary(results=[], failed_places={}, reports_dir=reports_dir, up_to_date=up_to_date,
                            notices=notices, skipped=skipped)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    with _lock(reports_dir):
        clean_stale_staging(reports_dir)
        stage_root = reports_dir / STAGING / f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
        stage_root.mkdir(parents=True)

    results: list[RunResult] = []
    specs: list[tuple[RunSpec, Topic, Place]] = []
    from jsna.runner.pdf import chromium_executable

    pdf_possible = chromium_executable() is not None  # without Chromium no page links a PDF
    # the reports a page may link to ("Related reports"): those this build writes, those up to date
    # and those already published; never a skipped audit or a Place whose params failed
    linkable = {k for k in reasons if k.split("/", 1)[0] not in failed_places} | set(up_to_date)
    linkable |= {f"{p.parent.name}/{p.stem}" for p in reports_dir.glob("*/*.html") if p.name != "index.html"}
    linkable -= set(skipped)
    for place in places:
        for topic in topics:
            if f"{place.id}/{topic.id}" not in reasons:
                continue
            if place.id in failed_places or topic.problem:
                results.append(RunResult(place=place.id, topic=topic.id, ok=False,
                                         error=failed_places.get(place.id) or topic.problem))
                continue
            specs.append((RunSpec(place=place.id, place_name=place.name, topic=topic.id,
                                  topic_title=topic.title, notebook=str(topic.path.resolve()),
                                  out_dir=str(stage_root / place.id), build_date=build_date,
                                  data_dir=str(data_dir) if data_dir else None,
                                  params_dir=str(params_dir) if params_dir else None,
                                  cell_timeout=cell_timeout, code_version=version, code_hash=code,
                                  notebook_sha256=nb_sha[topic.id], params_sha256=params_sha[place.id],
                                  reports_dir=str(reports_dir), linkable=tuple(sorted(linkable)),
                                  pdf=pdf and pdf_possible, contact=other_format_line(place),
                                  extra_parameters=dict(options[topic.id]),
                                  extra_inputs=[options[topic.id][p.name] for p in topic.params
                                                if p.kind == "file" and p.name in options[topic.id]]),
                          topic, place))
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
    unrecorded: list[tuple[RunSpec, Topic, Place, RunResult]] = []  # publishing failed
    errors: list[str] = []
    pool = cf.ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="jsna-run")
    try:
        futures = {pool.submit(launch, item): item for item in specs}
        for fut in cf.as_completed(futures):
            spec, topic, place = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:  # noqa: BLE001 - a launcher bug must not stop the others
                res = RunResult(place=spec.place, topic=spec.topic, ok=False, error=f"{type(exc).__name__}: {exc}")
            deps = report_deps(spec.notebook_sha256, spec.params_sha256, spec.code_hash,
                               [*res.inputs, *extras[spec.topic]])
            try:
                with _lock(reports_dir):
                    _publish(reports_dir, Path(spec.out_dir), spec, topic, place, res, deps if res.ok else None)
            except OSError as exc:  # e.g. no space left: this run fails, its previous report stays
                res = RunResult(place=spec.place, topic=spec.topic, ok=False, seconds=res.seconds,
                                error=_os_error_text(exc, reports_dir))
                unrecorded.append((spec, topic, place, res))
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
        pdf_out = None
        if pdf and not interrupted:
            from jsna.runner.pdf import write_pdfs

            pdf_out = write_pdfs([reports_dir / r.place / f"{r.topic}.html" for r in results if r.ok])
        outside = {} if interrupted else out_of_date_outside(pl, notebooks_dir, params)
        with _lock(reports_dir):
            _finish(reports_dir, stage_root, places, topics, results, failed_places, unrecorded, errors,
                    interrupted, build_date, version, hashes,
                    {"build_date": build_date, "jobs": n_jobs, "version": __version__, "code_version": version,
                     "pdf_seconds": round(pdf_out.seconds, 2) if pdf_out else None,
                     "pdfs": len(pdf_out.written) if pdf_out else 0,
                     "runs": [asdict(r) for r in results], "up_to_date": up_to_date},
                    data_dir=data_dir, params_dir=params_dir, out_of_date=outside)
    return BuildSummary(results=results, failed_places=failed_places, reports_dir=reports_dir,
                        interrupted=interrupted, pdf_warnings=pdf_out.warnings() if pdf_out else [],
                        up_to_date=up_to_date, reasons=reasons, notices=notices, errors=errors,
                        skipped=skipped)
