"""One Jupyter kernel kept warm for several notebook runs of a build worker.

Starting a kernel and importing pandas, geopandas, matplotlib and the package cost more than most
reports' own work, and every report pays it again. A build worker therefore executes its runs in one
kernel and, between two runs, wipes the user namespace and starts a new history session (so cells
count from 1 again) and restores the interpreter state that a fresh kernel would have: working
directory, environment, warnings filters, matplotlib rcParams (all figures closed) and sys.path.
Imported modules and the package's file-keyed caches stay, which is the point. Any failed run, timeout or kernel death discards the
kernel, and a kernel is recycled after :data:`MAX_RUNS` runs, so one run's trouble never reaches the
next. ``python -m jsna build --fresh-kernels`` gives every run a new kernel instead.

Papermill is extended the documented way, with an engine registered under :data:`ENGINE`, that
executes in the kernel it is given and leaves it running.

Every kernel the runner starts (warm, or one per run with ``--fresh-kernels``) comes from
:func:`kernel_manager_class`, which encrypts the kernel's channels when the kernel supports it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

#: papermill engine name of :class:`WarmKernelEngine`
ENGINE = "jsna-warm-kernel"
#: runs executed in one kernel before it is replaced by a new one (bounds memory growth). A new kernel
#: costs about 10 s of CPU (imports, then the first report fills the caches); at 40 runs an all-England
#: build of 459 reports started a dozen
MAX_RUNS = 120
START_TIMEOUT_S = 120
START_ATTEMPTS = 4  # a kernel that dies at start (a TCP port race) is started again, after a pause
#: while a notebook runs, its partly executed copy is written at most this often (seconds)
SAVE_EVERY_S = 10.0
#: between runs the survivors (imports, warm caches) are frozen out of the garbage collector's
#: view (:func:`restore_state`); every this many runs they are thawed and collected in full
FULL_COLLECT_EVERY = 10

# ----------------------------------------------------------------------------- inside the kernel
_SNAPSHOT: dict[str, Any] = {}
_RESTORES = [0]  # runs this kernel has been reset after

#: code run in the kernel once it has started, and after every successful run
SNAPSHOT_CODE = "import jsna.runner.kernel as _jsna_k; _jsna_k.snapshot_state(); del _jsna_k"
RESET_CODE = ("get_ipython().reset(new_session=True)\n"  # namespace, history session, cell counter
              "import jsna.runner.kernel as _jsna_k; _jsna_k.restore_state(); del _jsna_k")
#: as nbclient starts its kernels: history in memory, never in the user's IPython profile
KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]


def snapshot_state() -> None:
    """Record the state of a freshly started kernel (called in the kernel, once). The series'
    matplotlib style (no mathtext) is part of that state, so a restore never undoes it."""
    import matplotlib

    from jsna.palette import apply_style

    apply_style()

    _SNAPSHOT.update(cwd=os.getcwd(), environ=dict(os.environ), filters=list(warnings.filters),
                     rc={k: copy.deepcopy(v) for k, v in matplotlib.rcParams.items() if k != "backend"},
                     path=list(sys.path))


def restore_state() -> None:
    """Put the kernel back in the recorded state (called in the kernel between runs).

    What survives a run (modules, the package's caches: some 350,000 objects) is then frozen
    (:func:`gc.freeze`), so the collections of the next runs, and IPython's at every reset, do
    not traverse it again: a full collection over it took 0.2-0.3 s of CPU, twice per report.
    Every :data:`FULL_COLLECT_EVERY` runs it is thawed and collected in full, so a cache entry
    dropped since (and any cycle it holds) is freed."""
    import gc

    import matplotlib
    import matplotlib.pyplot as plt

    if not _SNAPSHOT:
        raise RuntimeError("jsna.runner.kernel.restore_state: no snapshot taken in this kernel")
    plt.close("all")
    if "jsna.report" in sys.modules:  # per-report figure ids start afresh, as in a new kernel
        sys.modules["jsna.report"].reset_ids()
    if "jsna.reads" in sys.modules:  # a new record of reads for the next report (caches replay theirs)
        sys.modules["jsna.reads"].reset()
    matplotlib.rcParams.update(_SNAPSHOT["rc"])
    warnings.filters[:] = _SNAPSHOT["filters"]
    warnings._filters_mutated()  # noqa: SLF001 - invalidates the per-module "already warned" caches
    os.environ.clear()
    os.environ.update(_SNAPSHOT["environ"])
    os.chdir(_SNAPSHOT["cwd"])
    sys.path[:] = _SNAPSHOT["path"]
    _RESTORES[0] += 1
    if _RESTORES[0] % FULL_COLLECT_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


# ----------------------------------------------------------------------------- in the worker
@functools.cache
def kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager, with CurveZMQ encryption of the kernel's channels
    whenever the kernel declares support (``transport_encryption="auto"``: ipykernel 7.4's
    kernelspec does): the manager writes the keys into the connection file. Without them ipykernel
    logs at every start that it "is running over TCP without encryption", a warning that is true
    (any local process could read the traffic) and that readers of a build's or the benchmark's
    output took for a fault. A kernel or a pyzmq without Curve support is started as before."""
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class EncryptedKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _encrypt_when_supported(self) -> str:
            return "auto" if zmq.has("curve") else "disabled"

    return EncryptedKernelManager


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmKernelEngine(NBClientEngine):
        """Papermill's nbclient engine, executing in the given kernel manager ``km`` and leaving
        the kernel running (only this run's client channels are closed)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     km=None, **kwargs):
            if km is None or not km.has_kernel:
                raise RuntimeError(f"the {ENGINE} engine needs a started kernel manager (km=)")
            _throttle_saves(nb_man)
            client = PapermillNotebookClient(nb_man, km=km, timeout=execution_timeout,
                                             startup_timeout=start_timeout, kernel_name=kernel_name,
                                             log=logger, log_output=log_output, stdout_file=stdout_file,
                                             stderr_file=stderr_file)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    with contextlib.suppress(Exception):
                        client.kc.stop_channels()

    papermill_engines.register(ENGINE, WarmKernelEngine)


def _throttle_saves(nb_man) -> None:
    """Papermill rewrites the whole output notebook before and after every cell (JSON-encoding
    every image again); keep at most one write per :data:`SAVE_EVERY_S` while cells run. The
    final write, which papermill makes when the notebook ends, failed or not, always happens."""
    save, complete = nb_man.save, nb_man.notebook_complete
    state = {"last": float("-inf"), "final": False}

    def throttled_save(**kwargs):
        now = time.monotonic()
        if state["final"] or now - state["last"] >= SAVE_EVERY_S:
            state["last"] = now
            save(**kwargs)

    def final_complete(**kwargs):
        state["final"] = True
        complete(**kwargs)

    nb_man.save, nb_man.notebook_complete = throttled_save, final_complete


class WarmKernel:
    """A kernel reused by the runs of one worker process (see the module docstring)."""

    def __init__(self, max_runs: int = MAX_RUNS) -> None:
        self.max_runs = max_runs
        self.km = None
        self.runs = 0
        self.started = 0
        self._key: tuple | None = None

    def manager(self, cwd: Path):
        """A started, snapshotted kernel manager for a run whose notebook lives in ``cwd``.

        A new kernel is started when there is none, it died, it ran :attr:`max_runs` runs, or the
        working directory or the JSNA_* environment differ from the ones it was started with.
        """
        key = (str(cwd), tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("JSNA_"))))
        if self.km is not None and (key != self._key or self.runs >= self.max_runs
                                    or not run_sync(self.km.is_alive)()):
            self.discard()
        if self.km is None:
            _register_engine()
            for attempt in range(1, START_ATTEMPTS + 1):
                # nbclient drives the kernel from its event loop: it needs an asynchronous manager
                km = kernel_manager_class()(kernel_name="python3")
                try:
                    run_sync(km.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGS)
                    self._run(km, SNAPSHOT_CODE)
                    break
                except BaseException as exc:
                    with contextlib.suppress(Exception):
                        run_sync(km.shutdown_kernel)(now=True)
                    # a kernel can die at start when another takes its TCP port first (kernels
                    # started at once by parallel workers): try again, after a pause, before failing the run
                    if attempt == START_ATTEMPTS or not isinstance(exc, Exception):
                        raise
                    time.sleep(0.5 * attempt)  # let the other workers' kernels take their ports
            self.km, self._key, self.runs = km, key, 0
            self.started += 1
        self.runs += 1
        return self.km

    def reset(self) -> None:
        """Clear the finished run's state; a kernel that cannot be reset is discarded."""
        if self.km is None:
            return
        try:
            self._run(self.km, RESET_CODE)
        except Exception:  # noqa: BLE001 - any trouble: the next run gets a new kernel
            self.discard()

    def discard(self) -> None:
        """Shut the kernel down (the next run starts a new one)."""
        km, self.km, self._key = self.km, None, None
        if km is not None:
            with contextlib.suppress(Exception):
                run_sync(km.shutdown_kernel)(now=True)

    @staticmethod
    def _run(km, code: str) -> None:
        from jupyter_client.blocking import BlockingKernelClient

        # parent=km: the client asks the manager whether the kernel process is alive. A client of its
        # own judges by heartbeats, whose 1 s deadline a loaded machine misses while the kernel is
        # starting: that read as "Kernel died before replying to kernel_info" of a living kernel.
        kc = BlockingKernelClient(parent=km)
        kc.load_connection_info(km.get_connection_info())
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=START_TIMEOUT_S)
            reply = kc.execute_interactive(code, store_history=False, timeout=START_TIMEOUT_S,
                                           output_hook=lambda _msg: None)
        finally:
            kc.stop_channels()
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"kernel set-up code failed: {content.get('ename')}: {content.get('evalue')}")
