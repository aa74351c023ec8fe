"""The warm kernel of a build worker: runs share one kernel, but no run sees another's state."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jsna.runner.kernel import WarmKernel
from jsna.runner.worker import RunSpec, run_one
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
        # every run counts its cells from 1, as in a fresh kernel (parameters, injected parameters, 2 cells)
        assert [c.execution_count for c in nb2.cells if c.cell_type == "code"] == [1, 2, 3, 4]
        # and prints nothing but its own output (no IPython history complaint, no stderr)
        outs = [o for c in nb2.cells if c.cell_type == "code" for o in c.outputs]
        assert [(o.output_type, o.get("name")) for o in outs] == [("stream", "stdout")]
        assert outs[0].text.startswith("pid ")
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
def test_a_kernel_that_dies_at_start_is_started_once_more(tmp_path, monkeypatch):
    real = WarmKernel._run
    calls = []

    def flaky(km, code):
        calls.append(code)
        if len(calls) == 1:  # as when another kernel took this one's port
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real(km, code)

    monkeypatch.setattr(WarmKernel, "_run", staticmethod(flaky))
    kernel = WarmKernel()
    try:
        km = kernel.manager(tmp_path)
        assert km.has_kernel and kernel.started == 1 and len(calls) == 2
    finally:
        kernel.discard()
    monkeypatch.setattr(WarmKernel, "_run", staticmethod(lambda km, code: (_ for _ in ()).throw(
        RuntimeError("never starts"))))
    with pytest.raises(RuntimeError, match="never starts"):
        WarmKernel().manager(tmp_path)


def test_only_a_kernel_death_before_the_first_cell_is_retried():
    """The worker runs a report once more when its kernel died before any cell ran; a notebook
    error, a death inside a cell or a timeout are reported as they are."""
    from jsna.runner.worker import RunResult, kernel_died_at_start

    died = RunResult("rutland", "t", ok=False, ename="RuntimeError",
                     evalue="Kernel died before replying to kernel_info")
    assert kernel_died_at_start(died)
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=True))
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="RuntimeError",
                                              evalue="Kernel died before replying to kernel_info", cell=3))
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="DeadKernelError",
                                              evalue="Kernel died"))
    assert not kernel_died_at_start(RunResult("rutland", "t", ok=False, ename="ValueError", evalue="bad input"))
