"""One Place x topic run: Papermill in a worker process, then the HTML export."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jsna import __version__, paths
from jsna.offline import external_resources
from jsna.runner.datafiles import write_report_data
from jsna.runner.export import export_html, notebook_headlines, notebook_sources
from jsna.runner.kernel import ENGINE as KERNEL_ENGINE
from jsna.runner.kernel import WarmKernel, kernel_manager_class
from jsna.runner.provenance import input_records, path_substitutions, relative_paths

HTML_LIMIT_BYTES = 3 * 2**20
DEFAULT_CELL_TIMEOUT = 1800


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
    code_version: str = ""  # jsna.runner.provenance.code_version()
    code_hash: str = ""  # jsna.runner.provenance.code_hash()
    notebook_sha256: str = ""
    params_sha256: str = ""
    reports_dir: str = ""  # published paths are written relative to it (provenance.relative_paths)
    extra_parameters: dict[str, Any] = field(default_factory=dict)  # e.g. input_csv (--hea-input)
    extra_inputs: list[str] = field(default_factory=list)  # files outside the catalogue the run reads
    linkable: tuple[str, ...] = ()  # "<place>/<topic>" reports a page may link to (empty: no filter)
    pdf: bool = True  # a PDF will be printed beside the page (so the page links it)
    contact: str = ""  # how to ask for another format (jsna.places.other_format_line), on the workbook's cover

    def path_substitutions(self) -> list[tuple[str, str]]:
        """What this run's absolute paths become in published files."""
        inputs = [(Path(f).parent, "<input_dir>") for f in self.extra_inputs]
        return path_substitutions((self.reports_dir, "<reports_dir>"), (self.data_dir, "<data_dir>"),
                                  (self.params_dir, "<params_dir>"), (Path(self.notebook).parent, "<notebooks_dir>")
                                  if not Path(self.notebook).resolve().is_relative_to(paths.ROOT) else (None, ""),
                                  *inputs)


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
    inputs: list[dict[str, Any]] = field(default_factory=list)  # provenance.input_records of sources
    headlines: list[dict[str, Any]] = field(default_factory=list)  # export.notebook_headlines

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
    failure: see :mod:`jsna.runner.kernel`); without, Papermill starts and stops a kernel of its own."""
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
    os.environ.setdefault("MPLBACKEND", "Agg")
    # the Place travels one way: as the notebook's parameters (no environment variables)
    params: dict[str, Any] = {"place": spec.place}
    if spec.params_dir:
        params["params_dir"] = spec.params_dir
    if spec.data_dir:
        params["data_dir"] = spec.data_dir
    params.update(spec.extra_parameters)
    result = RunResult(place=spec.place, topic=spec.topic, ok=False)
    t0 = time.perf_counter()
    pm_log.info("jsna %s: running %s for Place %s with parameters %s", __version__, spec.notebook,
                spec.place, params)
    try:
        engine: dict[str, Any] = {"kernel_manager_class": kernel_manager_class()}  # nbclient's kernel
        if kernel is not None:
            engine = {"engine_name": KERNEL_ENGINE, "km": kernel.manager(Path(spec.notebook).parent)}
            pm_log.info("kernel %d of this worker, run %d in it", kernel.started, kernel.runs)
        executed = pm.execute_notebook(with_record_cell(spec.notebook), str(ipynb), parameters=params,
                                       progress_bar=False, log_output=True, cwd=str(Path(spec.notebook).parent),
                                       execution_timeout=spec.cell_timeout, **engine)
        # the executed notebook is taken from memory and parsed once more, from the text written
        # (with its paths made relative), for the export: no read of the file papermill wrote
        nb_sources, result.inputs, result.headlines, published = _record_provenance(executed, ipynb, spec)
        body = export_html(ipynb, spec.place_name, spec.topic_title, spec.build_date, nb_sources,
                           nb=published,
                           place_id=spec.place, topic_id=spec.topic, notebooks_dir=Path(spec.notebook).parent,
                           params_dir=Path(spec.params_dir) if spec.params_dir else None,
                           code_version=spec.code_version, linkable=spec.linkable, pdf=spec.pdf)
        ext = external_resources(body)
        if ext:
            result.warnings.append(f"{len(ext)} reference(s) to the network in the HTML, e.g. {ext[0][:120]}")
        data = body.encode("utf-8")
        if len(data) > HTML_LIMIT_BYTES:
            result.warnings.append(f"HTML is {len(data) / 2**20:.1f} MB (limit 3 MB)")
        (out / f"{spec.topic}.html.part").write_bytes(data)
        t_data = time.perf_counter()
        write_report_data(body, out, spec.topic, nb_sources, spec.place_name, spec.topic_title,
                          spec.build_date, spec.contact)
        pm_log.info("spreadsheet and CSV files written in %.1f s", time.perf_counter() - t_data)
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


#: the cell the runner appends to every notebook: it shows the run's record of reads (jsna.reads)
RECORD_CELL = "import jsna.reads\njsna.reads.display_record()"


def with_record_cell(notebook: str | Path):
    """The notebook with one last cell that shows its record of reads (:mod:`jsna.reads`): the
    sources the run read, whatever cell read them, are taken from there (:func:`notebook_sources`).
    The cell is tagged ``remove_cell``, so the page never shows it."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(RECORD_CELL, metadata={"tags": ["remove_cell", "jsna-reads"]}))
    return nb


def _record_provenance(nb, ipynb: Path, spec: RunSpec) -> tuple[list[str], list[dict], list[dict], Any]:
    """Write the executed notebook ``nb`` (as papermill returned it) to ``ipynb`` with
    ``metadata.jsna.provenance`` (code version and hash, build date, notebook and params checksums,
    each input's checksum, period and fetch date) and ``metadata.jsna.headlines``; return its
    sources, input records, headline figures and the notebook as written (read back from its text)."""
    import datetime as dt

    import nbformat

    from jsna.catalogue import in_catalogue_order

    sources = in_catalogue_order(notebook_sources(nb))
    headlines = notebook_headlines(nb)
    inputs = input_records(sources, Path(spec.data_dir) if spec.data_dir else None)
    meta = nb.metadata.setdefault("jsna", {})
    meta["provenance"] = {"code_version": spec.code_version, "code_hash": spec.code_hash,
                          "jsna_version": __version__, "build_date": spec.build_date,
                          "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                          "place": spec.place, "notebook_sha256": spec.notebook_sha256,
                          "params_sha256": spec.params_sha256, "data_dir": spec.data_dir or "",
                          "inputs": inputs}
    meta["headlines"] = headlines
    # no absolute path of the build machine in the published notebook (papermill's input and
    # output paths, parameters, tracebacks, provenance): relative or placeholders
    text = relative_paths(nbformat.writes(nb), spec.path_substitutions())
    ipynb.write_text(text, encoding="utf-8")
    return sources, inputs, headlines, nbformat.reads(text, as_version=4)


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


#: tries of one run whose kernel keeps dying at start (:func:`kernel_died_at_start`); no other failure is retried
RUN_ATTEMPTS = 2


def kernel_died_at_start(result: RunResult) -> bool:
    """True when a run failed because its kernel died before it ran a cell (a kernel can die at
    start when the machine is loaded, e.g. by another process taking its port): the run is tried
    again (:func:`run_retrying`); a notebook error, a timeout or a death during a cell is never retried."""
    return (not result.ok and result.cell is None and result.ename == "RuntimeError"
            and "Kernel died before replying to kernel_info" in result.evalue)


def run_retrying(spec: RunSpec, kernel: WarmKernel | None = None) -> RunResult:
    """:func:`run_one`, tried again in a new kernel (the failed one is discarded) while its kernel
    died at start, at most :data:`RUN_ATTEMPTS` times in all; the last try's result."""
    for _ in range(RUN_ATTEMPTS):
        result = run_one(spec, kernel)
        if not kernel_died_at_start(result):
            break
    return result


def _worker_serve(reply_fd: int, reuse_kernel: bool) -> int:
    """Entry point of a build worker process (``python -c 'from jsna.runner.worker import _worker_serve; ...'``).

    Reads the path of one run's spec file per line on stdin, executes it (:func:`run_one`) and
    answers ``done`` on ``reply_fd``; ends at end of input. With ``reuse_kernel`` the runs share a
    warm kernel (:class:`jsna.runner.kernel.WarmKernel`)."""
    _set_parent_death_signal()
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    kernel = WarmKernel() if reuse_kernel else None
    try:
        with os.fdopen(reply_fd, "w", encoding="utf-8") as replies:
            for line in sys.stdin:
                spec = RunSpec(**json.loads(Path(line.strip()).read_text(encoding="utf-8")))
                run_retrying(spec, kernel)
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
        code = ("import sys; from jsna.runner.worker import _worker_serve; "
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
