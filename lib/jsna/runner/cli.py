"""``python -m jsna build``: the command line of the series runner."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from jsna.places import PlaceError, available_places, load_place
from jsna.runner.build import build, plan
from jsna.runner.topics import BuildError, discover_topics
from jsna.runner.worker import DEFAULT_CELL_TIMEOUT
from jsna.topics import Param


def _list(notebooks_dir: Path | None, params_dir: Path | None, variants_dir: Path | None = None) -> int:
    try:
        topics = discover_topics(notebooks_dir, variants_dir)
        places = [load_place(p, params_dir) for p in available_places(params_dir)]
    except (PlaceError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("Topics (--topic), with their parameters (--param TOPIC.NAME=VALUE):")
    for t in topics:
        print(f"  {t.id:24s} {t.title}")
        if t.base:
            print(f"    a named report of {t.base}" + (f" for {', '.join(t.places)}" if t.places else "")
                  + (f"; cannot be built: {t.problem}" if t.problem else ""))
            continue
        for p in t.params:
            print(f"    {t.id}.{p.name}: {p.help}" + (f" ({', '.join(p.choices)})" if p.choices else ""))
    print("Places (--place):")
    for p in places:
        print(f"  {p.id:24s} {p.name} ({', '.join(p.upper_tier_codes)})")
    return 0


def _aliases() -> list[tuple[str, str, Param]]:
    """(option, topic id, parameter) for every topic parameter with a documented alias (its spec's ``alias``)."""
    from jsna.topics import discover

    return [(p.alias, t.id, p) for t in discover().values() for p in t.params if p.alias]


def _params(given: list[str], aliased: dict[tuple[str, str], str | None]) -> dict[str, dict[str, str]]:
    """``--param topic.name=value`` (and the aliases) as ``{topic: {name: value}}``; ValueError on a bad form."""
    out: dict[str, dict[str, str]] = {}
    for item in given:
        key, sep, value = item.partition("=")
        topic, dot, name = key.partition(".")
        if not (sep and dot and topic and name):
            raise ValueError(f"--param {item!r}: write it as TOPIC.NAME=VALUE (`--list` shows each topic's parameters)")
        out.setdefault(topic.strip(), {})[name.strip()] = value.strip()
    for (topic, name), value in aliased.items():
        if value is not None:
            out.setdefault(topic, {})[name] = str(value)
    return out


def _sigterm_as_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jsna build``: see ``--help``."""
    ap = argparse.ArgumentParser(prog="python -m jsna build",
                                 description="Execute every topic notebook for every Place and publish HTML reports.")
    ap.add_argument("--place", nargs="+", action="extend", metavar="P",
                    help="Place id(s) from params/*.yaml (default: all)")
    ap.add_argument("--topic", nargs="+", action="extend", metavar="T",
                    help="topic id(s), as listed by --list (default: every topic)")
    ap.add_argument("--jobs", "-j", type=int, default=None,
                    help="parallel runs (default: number of CPU cores)")
    ap.add_argument("--reports-dir", type=Path, default=None, help="output directory (default: reports/)")
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="input data directory passed to the notebooks as data_dir (default: data/raw)")
    ap.add_argument("--params-dir", type=Path, default=None, help="directory of Place params files")
    ap.add_argument("--notebooks-dir", type=Path, default=None, help="directory of topic notebooks")
    ap.add_argument("--variants-dir", type=Path, default=None,
                    help="folder holding the topics' named reports (e.g. audits/*.yaml; default: the repository root)")
    ap.add_argument("--cell-timeout", type=int, default=DEFAULT_CELL_TIMEOUT,
                    help=f"seconds a single cell may run (default {DEFAULT_CELL_TIMEOUT})")
    ap.add_argument("--fresh-kernels", action="store_true",
                    help="start a new kernel for every run (default: each worker reuses one kernel, "
                         "reset between runs)")
    ap.add_argument("--force", action="store_true",
                    help="rebuild every selected report, also those up to date (by default a report is "
                         "rebuilt only when its notebook, Place params, inputs or the package code changed)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    ap.add_argument("--no-pdf", action="store_true",
                    help="do not print a PDF beside each report (default: print with headless Chromium)")
    ap.add_argument("--param", action="append", default=[], metavar="TOPIC.NAME=VALUE",
                    help="a topic parameter, passed to that topic's notebook and recorded as a dependency "
                         "(repeatable; `--list` shows each topic's parameters)")
    aliases = _aliases()
    for option, tid, p in aliases:
        ap.add_argument(f"--{option}", dest=f"alias_{tid}_{p.name}", default=None, choices=p.choices or None,
                        metavar=None if p.choices else p.kind.upper(),
                        help=f"alias of --param {tid}.{p.name}=VALUE: {p.help}")
    ap.add_argument("--dry-run", action="store_true",
                    help="list the reports that are out of date and why, build nothing")
    ap.add_argument("--list", action="store_true", help="list the topics and Places, build nothing")
    args = ap.parse_args(argv)
    if args.list:
        return _list(args.notebooks_dir, args.params_dir, args.variants_dir)
    if args.jobs is not None and args.jobs < 1:
        ap.error("--jobs must be at least 1")
    try:
        params = _params(args.param, {(tid, p.name): getattr(args, f"alias_{tid}_{p.name}")
                                      for _, tid, p in aliases})
    except ValueError as exc:
        ap.error(str(exc))
    if args.dry_run:
        try:
            print(plan(args.place, args.topic, reports_dir=args.reports_dir, data_dir=args.data_dir,
                       params_dir=args.params_dir, notebooks_dir=args.notebooks_dir, force=args.force,
                       params=params, variants_dir=args.variants_dir).text())
        except (PlaceError, BuildError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0
    old = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        summary = build(args.place, args.topic, jobs=args.jobs, reports_dir=args.reports_dir,
                        data_dir=args.data_dir, params_dir=args.params_dir,
                        notebooks_dir=args.notebooks_dir, progress=not args.no_progress,
                        cell_timeout=args.cell_timeout, fresh_kernels=args.fresh_kernels,
                        pdf=not args.no_pdf, force=args.force, params=params,
                        variants_dir=args.variants_dir)
    except (PlaceError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the disk is full before any run could start
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}. Free space or fix the permissions of the reports "
              "directory and build again; reports already published are unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    print(summary.text())
    if summary.interrupted:
        return 130
    return 0 if summary.ok else 1
