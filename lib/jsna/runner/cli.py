"""``python -m jsna build``: the command line of the series runner."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from jsna.places import DEPRIVATION_INDICES, PlaceError, available_places, load_place
from jsna.runner.build import build, plan
from jsna.runner.topics import BuildError, discover_topics
from jsna.runner.worker import DEFAULT_CELL_TIMEOUT


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
    ap.add_argument("--force", action="store_true",
                    help="rebuild every selected report, also those up to date (by default a report is "
                         "rebuilt only when its notebook, Place params, inputs or the package code changed)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    ap.add_argument("--no-pdf", action="store_true",
                    help="do not print a PDF beside each report (default: print with headless Chromium)")
    ap.add_argument("--hea-input", type=Path, default=None, metavar="FILE",
                    help="a service's CSV for the Health Equity Audit (passed as its input_csv; default: the "
                         "synthetic LLR example, so the audit is skipped for Places outside LLR)")
    ap.add_argument("--deprivation-index", choices=DEPRIVATION_INDICES, default=None,
                    help="edition of the English Indices of Deprivation for the deprivation report: iod2025 "
                         "(LSOA 2021) or iod2019 (LSOA 2011); default: each Place's params (deprivation_index, "
                         "itself iod2025 unless set)")
    ap.add_argument("--dry-run", action="store_true",
                    help="list the reports that are out of date and why, build nothing")
    ap.add_argument("--list", action="store_true", help="list the topics and Places, build nothing")
    args = ap.parse_args(argv)
    if args.list:
        return _list(args.notebooks_dir, args.params_dir)
    if args.jobs is not None and args.jobs < 1:
        ap.error("--jobs must be at least 1")
    if args.dry_run:
        try:
            print(plan(args.place, args.topic, reports_dir=args.reports_dir, data_dir=args.data_dir,
                       params_dir=args.params_dir, notebooks_dir=args.notebooks_dir, force=args.force,
                       hea_input=args.hea_input, deprivation_index=args.deprivation_index).text())
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
                        pdf=not args.no_pdf, force=args.force,
                        hea_input=args.hea_input, deprivation_index=args.deprivation_index)
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
