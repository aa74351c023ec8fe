"""Report-series benchmark (issue 7): the LLR series against its floor, and the all-England scale run.

* series: wall time of `python -m jsna build --force` for the four LLR Places from a warm cache at
  the default parallelism (median of three), per-report time, HTML size, peak memory of the build's processes, and the
  same series with a new kernel per run (``--fresh-kernels``) for comparison;
* floor: the same number of Papermill + nbconvert runs of an empty notebook at the same
  parallelism, interleaved with the three series runs; the ratio series / floor is the median of
  the three pairs' ratios;
* rebuild: the no-op rebuild time, and the time to rebuild after one input changes with the
  count of reports rebuilt (incremental builds, issue 16);
* scale: params generated for every English upper-tier LA, the Place-generic topics built for
  all of them; total time, reports per minute, failures.
Results go to build/benchmark.json.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from jsna import paths
from jsna.runner.changes import DEPS_FILE, STATE_DIR
from jsna.runner.publish import BUILD_FILE

LLR_PLACES = ["leicester", "leicestershire", "rutland", "llr"]
GENERIC_TOPICS = ["deprivation", "two_babies", "covid_impact"]
#: topics the all-England run reports separately (issue 28: the population topic, once it exists)
SEPARATE_TOPICS = ["population"]
#: targets of issue 28: the all-England run of the generic topics, and the series against its floor
SCALE_TARGET_S = 300
RATIO_TARGET = 2.0


def _build(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "jsna", "build", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - t0, proc.returncode, proc.stdout[-3000:] + proc.stderr[-3000:]


def _empty_run(args: tuple[str, str]) -> float:
    """One Papermill execution + nbconvert export of an empty notebook (the floor's unit)."""
    import papermill as pm
    from jsna.runner.kernel import kernel_manager_class
    from nbconvert import HTMLExporter

    src, out = args
    t0 = time.perf_counter()
    # the kernel manager of the runner's --fresh-kernels runs (encrypted channels, no start-up warning)
    pm.execute_notebook(src, out, parameters={"place": "rutland"}, progress_bar=False, log_output=False,
                        kernel_manager_class=kernel_manager_class())
    body, _ = HTMLExporter(exclude_input=True).from_filename(out)
    Path(out).with_suffix(".html").write_text(body, encoding="utf-8")
    return time.perf_counter() - t0


#: the scientific stack every report imports: the second floor line runs it in each empty notebook
STACK_IMPORTS = "import pandas, geopandas, matplotlib.pyplot, seaborn, folium, scipy.stats"


def floor(n_runs: int, jobs: int, code: str | None = None) -> float:
    """Wall time of n_runs empty-notebook runs at `jobs` parallel processes (a new kernel each);
    with ``code``, each notebook runs that one cell after its parameters."""
    with tempfile.TemporaryDirectory() as tmp:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell('place = "rutland"')
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, *([nbformat.v4.new_code_cell(code)] if code else [])]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        src = Path(tmp) / "empty.ipynb"
        nbformat.write(nb, src)
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(_empty_run, [(str(src), str(Path(tmp) / f"out{i}.ipynb")) for i in range(n_runs)]))
        return time.perf_counter() - t0


def _report_sizes(reports: Path) -> dict[str, int]:
    return {str(p.relative_to(reports)): p.stat().st_size for p in sorted(reports.rglob("*.html"))
            if STATE_DIR not in p.parts}


def _run_times(reports: Path) -> dict[str, float]:
    """Per-report execution times recorded by the runner (reports/.build/build.json), when present."""
    f = reports / BUILD_FILE
    if not f.exists():
        return {}
    data = json.loads(f.read_text())
    return {f"{r['place']}/{r['topic']}": r.get("seconds") for r in data.get("runs", [])}


def _pdf_step(reports: Path) -> dict:
    """The PDF step's time and count as the runner recorded them (reports/.build/build.json)."""
    try:
        rec = json.loads((reports / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"pdf_s": None, "pdfs": 0}
    return {"pdf_s": rec.get("pdf_seconds"), "pdfs": rec.get("pdfs", 0)}


def series(jobs: int, places: list[str] | None = None) -> dict:
    """Warm-cache LLR series vs its floor: the ratio is the median of three interleaved pairs
    (series, floor, series, floor, series, floor), so that machine noise hits both sides."""
    places = places or LLR_PLACES
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        # the series is timed without PDFs (the PDF step is timed on its own below, from build.json)
        args = ["--place", *places, "--reports-dir", str(out), "--jobs", str(jobs), "--force", "--no-pdf"]
        _build(args)  # warm caches
        n_runs = len([k for k in _report_sizes(out) if k != "index.html"])
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        walls, floors = [], []
        rc, log = 0, ""
        for _ in range(3):
            wall, rc_i, log_i = _build(args)
            rc, log = rc or rc_i, log if rc else log_i
            walls.append(wall)
            floors.append(floor(max(n_runs, 1), jobs))
        peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sizes = _report_sizes(out)
        times = _run_times(out)
        # the same series with a new kernel per run (the runner's --fresh-kernels), for comparison
        fresh, _, _ = _build([*args, "--fresh-kernels"])
        # the PDF step: one more build with PDFs on; the runner records its time and count
        _build([a for a in args if a != "--no-pdf"])
        pdf = _pdf_step(out)
    ratios = [w / f for w, f in zip(walls, floors, strict=True) if f]
    wall, fl = statistics.median(walls), statistics.median(floors)
    fl_stack = floor(max(n_runs, 1), jobs, STACK_IMPORTS)
    return {"jobs": jobs, "places": places, "wall_s": wall, "wall_runs_s": walls, "exit_code": rc, "runs": n_runs,
            "floor_s": fl, "floor_runs_s": floors, "ratio_runs": ratios,
            "ratio": statistics.median(ratios) if ratios else None, "fresh_kernels_wall_s": fresh,
            "floor_with_imports_s": fl_stack, "ratio_to_floor_with_imports": wall / fl_stack if fl_stack else None,
            "per_report_s": times, "html_bytes": sizes,
            "peak_rss_mb": peak_kb / 1024, "log_tail": log if rc else "", **pdf}


def _linked_data_dir(dest: Path) -> Path:
    """A data directory of symlinks to every file of data/raw (so that one input can be changed)."""
    raw = paths.raw_dir().resolve()
    for f in raw.rglob("*"):
        if f.is_file():
            link = dest / f.relative_to(raw)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(f.resolve())
    return dest


def _new_version(f: Path) -> None:
    """Replace a symlinked input by a copy with other bytes and the same data: a .gz recompressed
    with another header time, a .csv with one more line end."""
    data = f.read_bytes()
    f.unlink()
    if f.suffix == ".gz":
        f.write_bytes(gzip.compress(gzip.decompress(data), mtime=12345))
    else:
        f.write_bytes(data + b"\n")


def _counts(log: str) -> tuple[int, int]:
    """(built, up to date) from the build summary's last line."""
    m = re.search(r"Built (\d+), up to date (\d+), failed", log)
    return (int(m.group(1)), int(m.group(2))) if m else (-1, -1)


def rebuild(jobs: int, places: list[str] | None = None) -> dict:
    """Incremental builds: the no-op rebuild time, and the time to rebuild after one input changes
    (the csv input read by the fewest reports, given a new version and catalogue checksum) with
    the count of reports rebuilt."""
    from jsna.catalogue import default_catalogue_dir, load_catalogue

    places = places or LLR_PLACES
    with tempfile.TemporaryDirectory() as tmp:
        data = _linked_data_dir(Path(tmp) / "data")
        cat_dir = Path(tmp) / "catalogue"
        shutil.copytree(default_catalogue_dir(), cat_dir)
        env = {"JSNA_CATALOGUE_DIR": str(cat_dir)}
        out = Path(tmp) / "reports"
        args = ["--place", *places, "--reports-dir", str(out), "--jobs", str(jobs), "--data-dir", str(data)]
        first, rc, log = _build(args, env)
        noop, rc2, log2 = _build(args, env)
        readers: dict[str, int] = {}
        deps = json.loads((out / DEPS_FILE).read_text(encoding="utf-8"))
        for entry in deps["reports"].values():
            for sid in entry["sources"]:
                readers[sid] = readers.get(sid, 0) + 1
        cat = load_catalogue()
        csvs = sorted((n, sid) for sid, n in readers.items() if sid in cat and cat[sid].format == "csv")
        if not csvs:
            return {"error": "no csv input recorded", "log_tail": log[-2000:]}
        n_readers, sid = csvs[0]
        f = data / cat[sid].path
        old = hashlib.sha256(f.read_bytes()).hexdigest()
        _new_version(f)
        new = hashlib.sha256(f.read_bytes()).hexdigest()
        for y in cat_dir.glob("*.yaml"):
            y.write_text(y.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        one, rc3, log3 = _build(args, env)
    built_noop, _ = _counts(log2)
    built_one, up_one = _counts(log3)
    return {"places": places, "first_s": first, "noop_s": noop, "noop_built": built_noop, "input": sid,
            "input_readers": n_readers, "one_input_s": one, "one_input_built": built_one,
            "one_input_up_to_date": up_one, "exit_codes": [rc, rc2, rc3],
            "log_tail": (log + log2 + log3)[-3000:] if (rc or rc2 or rc3) else ""}


def print_rebuild(res: dict) -> None:
    if "error" in res:
        print(f"\nIncremental rebuilds: {res['error']}")
        return
    print(f"\nIncremental rebuilds ({', '.join(res['places'])}):")
    print(f"  {'no-op rebuild':32s} {res['noop_s']:8.2f} s   ({res['noop_built']} rebuilt; target <= 2 s)")
    print(f"  {'rebuild after one input changed':32s} {res['one_input_s']:8.1f} s   ({res['one_input_built']} "
          f"report(s) rebuilt, {res['one_input_up_to_date']} up to date; input {res['input']}, read by "
          f"{res['input_readers']} report(s))")


def scale(jobs: int, limit: int | None = None, topics: list[str] | None = None) -> dict:
    """Generate params for every English upper-tier council of April 2023 (153) and build the
    Place-generic topics (default :data:`GENERIC_TOPICS`) for all (without PDFs: the PDF step is timed in
    the series figures)."""
    topics = list(topics or GENERIC_TOPICS)
    from jsna import geo

    with tempfile.TemporaryDirectory() as tmp:
        pdir, out = Path(tmp) / "params", Path(tmp) / "reports"
        pdir.mkdir()
        codes = list(geo.councils(2023)["code"])
        if limit:
            codes = codes[:limit]
        for code in codes:
            geo.write_params(code, pdir)
        places = sorted(p.stem for p in pdir.glob("*.yaml"))
        wall, rc, log = _build(["--place", *places, "--topic", *topics, "--reports-dir", str(out),
                                "--jobs", str(jobs), "--params-dir", str(pdir), "--force", "--no-pdf"])
        built = [k for k in _report_sizes(out) if k != "index.html"]
        slowest = sorted(((k, v) for k, v in _run_times(out).items() if v is not None), key=lambda kv: -kv[1])[:5]
        expected = len(places) * len(topics)
        biggest = max(_report_sizes(out).values(), default=0)
    return {"places": len(places), "topics": topics, "reports_expected": expected, "reports_built": len(built),
            "failures": expected - len(built), "wall_s": wall, "reports_per_minute": 60 * len(built) / wall,
            "largest_html_bytes": biggest, "slowest": slowest, "exit_code": rc, "log_tail": log if rc else ""}


def print_series(res: dict) -> None:
    print(f"\nSeries {', '.join(res['places'])} (warm cache, --force, --jobs {res['jobs']}): {res['runs']} reports")
    print(f"  {'series wall time':32s} {res['wall_s']:8.1f} s   (median of "
          f"{', '.join(f'{x:.1f}' for x in res['wall_runs_s'])})")
    print(f"  {'floor (empty notebooks)':32s} {res['floor_s']:8.1f} s   (median of "
          f"{', '.join(f'{x:.1f}' for x in res['floor_runs_s'])})")
    print(f"  {'ratio series/floor':32s} {res['ratio']:8.2f}   (target <= {RATIO_TARGET}; median of the interleaved "
          f"pairs {', '.join(f'{x:.2f}' for x in res['ratio_runs'])})")
    print(f"  {'series, a new kernel per run':32s} {res['fresh_kernels_wall_s']:8.1f} s   (--fresh-kernels)")
    print(f"  {'floor + importing the stack':32s} {res['floor_with_imports_s']:8.1f} s   (pandas, geopandas, "
          f"matplotlib, seaborn, folium, scipy in each empty notebook)")
    print(f"  {'ratio series/that floor':32s} {res['ratio_to_floor_with_imports']:8.2f}")
    print(f"  {'peak RSS of a build process':32s} {res['peak_rss_mb']:8.0f} MB")
    if res.get("pdf_s") is not None:
        print(f"  {'PDF step (headless Chromium)':32s} {res['pdf_s']:8.1f} s   ({res['pdfs']} PDFs, "
              f"{res['pdf_s'] / max(res['pdfs'], 1):.2f} s each)")
    else:
        print(f"  {'PDF step':32s}      n/a   (no PDF written: Chromium or Playwright missing)")
    print(f"  {'report':40s} {'seconds':>8s} {'HTML MB':>8s}")
    for name, size in res["html_bytes"].items():
        secs = res["per_report_s"].get(name.removesuffix(".html"))
        flag = "  OVER 3 MB" if size > 3 * 2**20 else ""
        print(f"  {name:40s} {secs if secs is not None else float('nan'):8.1f} {size / 2**20:8.2f}{flag}")


def print_scale(res: dict) -> None:
    print(f"\nAll-England scale run: {res['places']} upper-tier councils (April 2023) x {len(res['topics'])} "
          f"topic(s) ({', '.join(res['topics'])})")
    print(f"  reports built {res['reports_built']}/{res['reports_expected']}, failures {res['failures']}")
    print(f"  wall time {res['wall_s']:.0f} s, {res['reports_per_minute']:.1f} reports/minute, "
          f"largest HTML {res['largest_html_bytes'] / 2**20:.2f} MB (target: within {SCALE_TARGET_S} s, "
          "every page under 3 MB)")
    if res.get("slowest"):
        print("  slowest five: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in res["slowest"]))


def print_summary(results: dict) -> None:
    """The headline figures once more, together at the end: each all-England run (reports per
    minute, failures, slowest five, largest page), the series/floor ratio and the PDF step."""
    print("\nSummary")
    for key in sorted(k for k in results if k.startswith("scale")):
        res = results[key]
        over = " (a page over 3 MB)" if res["largest_html_bytes"] > 3 * 2**20 else ""
        target = f" (target {SCALE_TARGET_S} s)" if key == "scale" else " (reported separately)"
        print(f"  all-England, {', '.join(res['topics'])}: {res['reports_built']}/{res['reports_expected']} reports "
              f"in {res['wall_s']:.0f} s{target}, {res['reports_per_minute']:.1f} reports/minute, "
              f"{res['failures']} failure(s), largest page {res['largest_html_bytes'] / 2**20:.2f} MB{over}")
        if res.get("slowest"):
            print("    slowest five: " + ", ".join(f"{name} {secs:.1f} s" for name, secs in res["slowest"]))
    series = results.get("series")
    if series and series.get("ratio") is not None:
        print(f"  series/floor ratio: {series['ratio']:.2f} (target <= {RATIO_TARGET}; pairs "
              f"{', '.join(f'{x:.2f}' for x in series['ratio_runs'])})")
    if series:
        if series.get("pdf_s") is not None:
            print(f"  PDF step: {series['pdf_s']:.1f} s for {series['pdfs']} PDFs "
                  f"({series['pdf_s'] / max(series['pdfs'], 1):.2f} s each), not counted in the series time")
        else:
            print("  PDF step: not run (no Chromium)")
