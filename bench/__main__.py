"""`make bench`: python -m bench [--skip-stats] [--skip-series] [--skip-rebuild] [--skip-scale] [--scale-limit N]
[--jobs N] [--places P ...]."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

from jsna import paths


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--skip-stats", action="store_true")
    ap.add_argument("--skip-series", action="store_true")
    ap.add_argument("--skip-rebuild", action="store_true", help="no incremental-rebuild figures")
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--places", nargs="+", default=None, help="Places of the series and rebuild figures (default LLR)")
    ap.add_argument("--scale-limit", type=int, default=None, help="build only the first N upper-tier LAs")
    ap.add_argument("--scale-topics", nargs="+", default=None,
                    help="topics of the all-England run (default: the three generic ones, then population separately)")
    ap.add_argument("--quick", action="store_true", help="smaller stats inputs")
    args = ap.parse_args()
    results: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "machine": platform.platform(),
                     "cores": os.cpu_count()}
    if not args.skip_stats:
        from bench import stats_bench

        results["stats"] = stats_bench.run(quick=args.quick)
        stats_bench.print_table(results["stats"])
    if not args.skip_series:
        from bench import series_bench

        results["series"] = series_bench.series(args.jobs, args.places)
        series_bench.print_series(results["series"])
    if not args.skip_rebuild:
        from bench import series_bench

        results["rebuild"] = series_bench.rebuild(args.jobs, args.places)
        series_bench.print_rebuild(results["rebuild"])
    if not args.skip_scale:
        from bench import series_bench

        runs = [args.scale_topics] if args.scale_topics else [series_bench.GENERIC_TOPICS, series_bench.SEPARATE_TOPICS]
        for i, topics in enumerate(runs):
            key = "scale" if i == 0 else f"scale_{'_'.join(topics)}"
            results[key] = series_bench.scale(args.jobs, args.scale_limit, topics)
            series_bench.print_scale(results[key])
    if any(k in results for k in ("series", "scale")):
        from bench import series_bench

        series_bench.print_summary(results)
    out = paths.BUILD_DIR / "benchmark.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
