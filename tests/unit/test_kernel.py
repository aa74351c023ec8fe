"""The warm kernel of a build worker: runs share one kernel, but no run sees another's state."""

from __future__ import annotations

from pathlib import Path

import jsna.runner.kernel as kernel_module
import nbformat
import pytest
from jsna.runner import worker
from jsna.runner.kernel import START_ATTEMPTS, WarmKernel
from jsna.runner.worker import RunResult, RunSpec, run_one
from jupyter_core.utils import run_sync
from nbformat.v4 import new_code_cell, new_notebook


def _notebook(path: Path, *cells: str) -> Path:
    params = new_code_cell('place = "rutland"\ndata_dir = None')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, *(new_code_cell(c) for c in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


DIRTY = """
import os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
leaked = "from the first run"
os.environ["JSNA_TEST_LEAK"] = "1"
warnings.simplefilter("error")
matplotlib.rcParams["font.size"] = 31
plt.figure()
sys.path.insert(0, "/nowhere")
os.chdir("/")
print("pid", os.getpid())
"""

PROBE = """
import os, sys, warnings
import matplotlib
import matplotlib.pyplot as plt
assert "leaked" not in globals(), "a name from the previous run survived"
assert "JSNA_TEST_LEAK" not in os.environ
assert matplotlib.rcParams["font.size"] == matplotlib.rcParamsDefault["font.size"]
assert plt.get_fignums() == []
assert not any(f[0] == "error" and f[2] is Warning for f in warnings.filters)
assert "/nowhere" not in sys.path
assert os.getcwd() == NB_DIR, os.getcwd()
print("pid", os.getpid())
"""


def _run(nb: Path, out: Path, kernel: WarmKernel):
    spec = RunSpec(place="rutland", place_name="Rutland", topic=nb.stem, topic_title=nb.stem,
                   notebook=str(nb), out_dir=str(out), build_date="today", cell_timeout=120)
    res = run_one(spec, kernel)
    executed = nbformat.read(str(out / f"{nb.stem}.ipynb"), as_version=4)
    return res, executed


def _pid(executed) -> int:
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    return int(text.split("pid")[1].split()[0])


@pytest.mark.kernel
def test_runs_share_a_kernel_but_not_its_state(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    dirty = _notebook(nbdir / "dirty.ipynb", DIRTY)
    probe = _notebook(nbdir / "probe.ipynb", f"NB_DIR = {str(nbdir)!r}", PROBE)
    failing = _notebook(nbdir / "failing.ipynb", "raise ValueError('deliberate')")
    kernel = WarmKernel()
    try:
        r1, nb1 = _run(dirty, tmp_path / "out", kernel)
        r2, nb2 = _run(probe, tmp_path / "out", kernel)
        assert r1.ok and r2.ok, r2.describe_error()
        assert _pid(nb1) == _pid(nb2) and kernel.started == 1  # the same kernel served both runs
        # every run counts its cells from 1, as in a fresh kernel (parameters, injected parameters, the
        # notebook's 2 cells and any the runner appends)
        counts = [c.execution_count for c in nb2.cells if c.cell_type == "code"]
        assert len(counts) >= 4 and counts == list(range(1, len(counts) + 1))
        # and prints nothing but its own output (no IPython history complaint, no stderr, no error)
        outs = [o for c in nb2.cells if c.cell_type == "code" for o in c.outputs]
        streams = [o for o in outs if o.output_type == "stream"]
        assert [o.name for o in streams] == ["stdout"] and streams[0].text.startswith("pid ")
        assert not any(o.output_type == "error" for o in outs)
        bad, _ = _run(failing, tmp_path / "out", kernel)
        # cells: parameters, papermill's injected parameters, the raise: execution count 3
        assert not bad.ok and bad.ename == "ValueError" and bad.cell == 3
        r3, nb3 = _run(probe, tmp_path / "out2", kernel)
        assert r3.ok
        assert kernel.started == 2 and _pid(nb3) != _pid(nb2)  # a failed run never hands its kernel on
    finally:
        kernel.discard()


@pytest.mark.kernel
def test_kernel_is_recycled_after_max_runs(tmp_path):
    nb = _notebook(tmp_path / "pid.ipynb", "import os\nprint('pid', os.getpid())")
    kernel = WarmKernel(max_runs=2)
    try:
        pids = [_pid(_run(nb, tmp_path / f"o{i}", kernel)[1]) for i in range(3)]
    finally:
        kernel.discard()
    assert pids[0] == pids[1] != pids[2]
    assert kernel.started == 2


@pytest.mark.kernel
def test_a_kernel_starts_without_a_warning(tmp_path, capfd):
    """The runner's kernels print nothing at start: no "Kernel is running over TCP without
    encryption" (their channels are encrypted), so a build or the benchmark prints only its own
    progress and findings. The kernel writes to this process's stderr, which capfd holds."""
    kernel = WarmKernel()
    try:
        km = kernel.manager(tmp_path)
        assert km.get_connection_info().get("curve_publickey")  # encrypted channels
        kernel.reset()  # the kernel serves: set-up and reset code ran through them
        assert kernel.km is km
    finally:
        kernel.discard()
    out, err = capfd.readouterr()
    assert "without encryption" not in out + err
    assert "WARNING" not in err, err


# A kernel that dies at start, and a run whose kernel does: these tests assert what happens (the
# run succeeds after a death at start, tries are bounded, a notebook error is never retried), not
# an exact number of kernel starts, which a loaded machine can change (a real start may die too).
@pytest.mark.kernel
def test_a_kernel_that_dies_at_start_is_started_again(tmp_path, monkeypatch):
    real = WarmKernel._run
    calls = []

    def dies_first(km, code):
        calls.append(code)
        if len(calls) == 1:  # as when another kernel took this one's port
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(km, code)

    monkeypatch.setattr(WarmKernel, "_run", staticmethod(dies_first))
    kernel = WarmKernel()
    try:
        km = kernel.manager(tmp_path)
        assert km.has_kernel and run_sync(km.is_alive)()
        assert kernel.started == 1  # one kernel handed out, however many starts it took
        assert 2 <= len(calls) <= START_ATTEMPTS
    finally:
        kernel.discard()


class _NoKernelManager:
    """Stands in for the runner's kernel manager (kernel.kernel_manager_class): starts nothing."""

    def __init__(self, **_kw) -> None:
        self.has_kernel = False

    async def start_kernel(self, **_kw) -> None:
        pass

    async def shutdown_kernel(self, **_kw) -> None:
        pass


@pytest.mark.parametrize("error", [RuntimeError("never starts"), KeyboardInterrupt()])
def test_a_kernel_that_never_starts_is_tried_a_bounded_number_of_times(monkeypatch, tmp_path, error):
    """No kernel is started: the manager is a stand-in and its set-up code always fails. An error
    is tried again at most START_ATTEMPTS times, then raised; an interrupt is never tried again."""
    tries = []

    def fails(km, code):
        tries.append(code)
        raise error

    monkeypatch.setattr(kernel_module, "kernel_manager_class", lambda: _NoKernelManager)
    monkeypatch.setattr(WarmKernel, "_run", staticmethod(fails))
    monkeypatch.setattr(kernel_module.time, "sleep", lambda _s: None)
    kernel = WarmKernel()
    with pytest.raises(type(error)):
        kernel.manager(tmp_path)
    assert kernel.km is None and kernel.started == 0
    if isinstance(error, Exception):
        assert 1 < len(tries) <= START_ATTEMPTS
    else:
        assert len(tries) == 1


def _run_outcomes(monkeypatch, *outcomes: RunResult) -> list[RunResult]:
    """worker.run_retrying with run_one answering ``outcomes`` in turn (then the last again); the runs made."""
    made = []

    def run_one(spec, kernel=None):
        made.append(outcomes[min(len(made), len(outcomes) - 1)])
        return made[-1]

    monkeypatch.setattr(worker, "run_one", run_one)
    final = worker.run_retrying(RunSpec(place="rutland", place_name="Rutland", topic="t", topic_title="T",
                                        notebook="t.ipynb", out_dir="out", build_date="today"))
    assert final is made[-1]
    return made


DIED = RunResult("rutland", "t", ok=False, ename="RuntimeError", evalue="Kernel died before replying to kernel_info")
OK = RunResult("rutland", "t", ok=True)


def test_a_run_whose_kernel_died_at_start_is_run_again_and_succeeds(monkeypatch):
    made = _run_outcomes(monkeypatch, DIED, OK)
    assert made[-1].ok and 1 < len(made) <= worker.RUN_ATTEMPTS


def test_a_run_whose_kernel_keeps_dying_is_tried_a_bounded_number_of_times(monkeypatch):
    made = _run_outcomes(monkeypatch, DIED)
    assert not made[-1].ok and 1 < len(made) <= worker.RUN_ATTEMPTS


@pytest.mark.parametrize("failure", [
    RunResult("rutland", "t", ok=False, ename="ValueError", evalue="bad input", cell=3),
    RunResult("rutland", "t", ok=False, ename="DeadKernelError", evalue="Kernel died", cell=5),
    RunResult("rutland", "t", ok=False, ename="CellTimeoutError", evalue="timed out", cell=2),
    RunResult("rutland", "t", ok=True)])
def test_a_notebook_error_a_death_in_a_cell_a_timeout_or_success_is_never_run_again(monkeypatch, failure):
    assert _run_outcomes(monkeypatch, failure, OK) == [failure]


def test_only_a_kernel_death_before_the_first_cell_is_retried():
    """What counts as a kernel death at start: one before any cell ran, and only that (a notebook
    error, a death inside a cell or a timeout are reported as they are)."""
    from jsna.runner.worker import kernel_died_at_start

    assert kernel_died_at_start(DIED)
    assert not kernel_died_at_start(OK)
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="RuntimeError",
                                              evalue="Kernel died before replying to kernel_info", cell=3))
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="DeadKernelError",
                                              evalue="Kernel died"))
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="ValueError", evalue="bad input"))


def test_restore_state_freezes_the_survivors_and_thaws_them_every_few_runs(monkeypatch):
    """In the kernel, what survives a run is frozen out of the garbage collector's view after each
    reset, and thawed (then collected in full) every FULL_COLLECT_EVERY resets; run here in-process,
    with the kernel's snapshot of this process."""
    import gc

    thawed_at: list[int] = []
    real_unfreeze = gc.unfreeze
    monkeypatch.setattr(gc, "unfreeze", lambda: (thawed_at.append(kernel_module._RESTORES[0]), real_unfreeze()))
    monkeypatch.setattr(kernel_module, "_RESTORES", [0])
    every = kernel_module.FULL_COLLECT_EVERY
    kernel_module.snapshot_state()
    try:
        for _ in range(2 * every + 1):
            kernel_module.restore_state()
            assert gc.get_freeze_count() > 0  # the survivors are out of the collector's view
        assert thawed_at == [every, 2 * every]
    finally:
        real_unfreeze()
        kernel_module._SNAPSHOT.clear()
