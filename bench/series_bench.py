"""Report-series benchmark (issue 7): the LLR series against its floor, and the all-England scale run.

* series: wall time of `python -m jsna build` for the four LLR Places from a warm cache at the
  default parallelism, per-report time, HTML size, peak memory of the build's processes, and the
  same series with a new kernel per run (``--fresh-kernels``) for comparison;
* floor: the same number of Papermill + nbconvert runs of an empty notebook at the same
  parallelism, measured in the same run, and the ratio series / floor;
* scale: params generated for every English upper-tier LA, the Place-generic topics built for
  all of them; total time, reports per minute, failures.
Results go to reports/benchmark.json.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from jsna import paths

LLR_PLACES = ["leicester", "leicestershire", "rutland", "llr"]
GENERIC_TOPICS = ["deprivation", "two_babies"]


def _build(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "jsna", "build", *args], cwd=paths.ROOT,
                          capture_output=True, text=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - t0, proc.returncode, proc.stdout[-3000:] + proc.stderr[-3000:]


def _empty_run(args: tuple[str, str]) -> float:
    """One Papermill execution + nbconvert export of an empty notebook (the floor's unit)."""
    import papermill as pm
    from nbconvert import HTMLExporter

    src, out = args
    t0 = time.perf_counter()
    pm.execute_notebook(src, out, parameters={"place": "rutland"}, progress_bar=False, log_output=False)
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
            if "screenshots" not in p.parts and not p.name.startswith("_")}


def _run_times(reports: Path) -> dict[str, float]:
    """Per-report execution times recorded by the runner (reports/_build.json), when present."""
    f = reports / "_build.json"
    if not f.exists():
        return {}
    data = json.loads(f.read_text())
    return {f"{r['place']}/{r['topic']}": r.get("seconds") for r in data.get("runs", [])}


def series(jobs: int) -> dict:
    """Warm-cache LLR series vs its floor."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        _build(["--place", *LLR_PLACES, "--reports-dir", str(out), "--jobs", str(jobs)])  # warm caches
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        wall, rc, log = _build(["--place", *LLR_PLACES, "--reports-dir", str(out), "--jobs", str(jobs)])
        peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        sizes = _report_sizes(out)
        times = _run_times(out)
        # the same series with a new kernel per run (the runner's --fresh-kernels), for comparison
        fresh, _, _ = _build(["--place", *LLR_PLACES, "--reports-dir", str(out), "--jobs", str(jobs),
                              "--fresh-kernels"])
    n_runs = len([k for k in sizes if k != "index.html"])
    # the floor varies by a third from one measurement to the next (kernel start and shutdown):
    # take the median of three
    floors = [floor(max(n_runs, 1), jobs) for _ in range(3)]
    fl = statistics.median(floors)
    fl_stack = floor(max(n_runs, 1), jobs, STACK_IMPORTS)
    return {"jobs": jobs, "wall_s": wall, "exit_code": rc, "runs": n_runs, "floor_s": fl, "floor_runs_s": floors,
            "ratio": wall / fl if fl else None, "fresh_kernels_wall_s": fresh,
            "floor_with_imports_s": fl_stack, "ratio_to_floor_with_imports": wall / fl_stack if fl_stack else None,
            "per_report_s": times, "html_bytes": sizes,
            "peak_rss_mb": peak_kb / 1024, "log_tail": log if rc else ""}


def scale(jobs: int, limit: int | None = None) -> dict:
    """Generate params for every English upper-tier LA and build the Place-generic topics for all."""
    from jsna import geo

    with tempfile.TemporaryDirectory() as tmp:
        pdir, out = Path(tmp) / "params", Path(tmp) / "reports"
        pdir.mkdir()
        codes = list(geo.upper_tier_areas()["utla19cd"])
        if limit:
            codes = codes[:limit]
        for code in codes:
            geo.write_params(code, pdir)
        places = sorted(p.stem for p in pdir.glob("*.yaml"))
        wall, rc, log = _build(["--place", *places, "--topic", *GENERIC_TOPICS, "--reports-dir", str(out),
                                "--jobs", str(jobs), "--params-dir", str(pdir)])
        built = [k for k in _report_sizes(out) if k != "index.html"]
        expected = len(places) * len(GENERIC_TOPICS)
        biggest = max(_report_sizes(out).values(), default=0)
    return {"places": len(places), "reports_expected": expected, "reports_built": len(built),
            "failures": expected - len(built), "wall_s": wall, "reports_per_minute": 60 * len(built) / wall,
            "largest_html_bytes": biggest, "exit_code": rc, "log_tail": log if rc else ""}


def print_series(res: dict) -> None:
    print(f"\nLLR series (warm cache, --jobs {res['jobs']}): {res['runs']} reports")
    print(f"  {'series wall time':32s} {res['wall_s']:8.1f} s")
    print(f"  {'floor (empty notebooks)':32s} {res['floor_s']:8.1f} s   (median of "
          f"{', '.join(f'{x:.1f}' for x in res['floor_runs_s'])})")
    print(f"  {'ratio series/floor':32s} {res['ratio']:8.2f}   (target <= 2.0)")
    print(f"  {'series, a new kernel per run':32s} {res['fresh_kernels_wall_s']:8.1f} s   (--fresh-kernels)")
    print(f"  {'floor + importing the stack':32s} {res['floor_with_imports_s']:8.1f} s   (pandas, geopandas, "
          f"matplotlib, seaborn, folium, scipy in each empty notebook)")
    print(f"  {'ratio series/that floor':32s} {res['ratio_to_floor_with_imports']:8.2f}")
    print(f"  {'peak RSS of a build process':32s} {res['peak_rss_mb']:8.0f} MB")
    print(f"  {'report':40s} {'seconds':>8s} {'HTML MB':>8s}")
    for name, size in res["html_bytes"].items():
        secs = res["per_report_s"].get(name.removesuffix(".html"))
        flag = "  OVER 3 MB" if size > 3 * 2**20 else ""
        print(f"  {name:40s} {secs if secs is not None else float('nan'):8.1f} {size / 2**20:8.2f}{flag}")


def print_scale(res: dict) -> None:
    print(f"\nAll-England scale run: {res['places']} upper-tier LAs x {len(GENERIC_TOPICS)} topics")
    print(f"  reports built {res['reports_built']}/{res['reports_expected']}, failures {res['failures']}")
    print(f"  wall time {res['wall_s']:.0f} s, {res['reports_per_minute']:.1f} reports/minute, "
          f"largest HTML {res['largest_html_bytes'] / 2**20:.2f} MB")
