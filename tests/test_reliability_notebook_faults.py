"""Faults in notebooks: a kernel that dies mid-run, a cell that never finishes.

``autograd-compat run`` and ``autograd-compat compare`` (the console script, run as
``python -m autograd_compat`` in a subprocess with a hard wall-clock limit) must report the
failure with a partial report: exit code 1, no hang, the output file written, the cells before
the fault kept, the faulty cell marked ``died`` / ``timeout`` and the later ones ``not run`` (or
run, after a timeout the kernel survived).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import background
import nbformat
import pytest
from reliability_report import record

# One notebook holds both faults (a kernel start costs seconds): a cell that never finishes
# (interrupted at the per-cell timeout; the kernel survives), then a cell that kills the kernel.
CELLS = [
    "print('before', 1 + 1)",
    "import time\nwhile True:\n    time.sleep(0.05)",
    "print('between')",
    "import os\nos._exit(3)",
    "print('after')",
]
TIMEOUT = "2"
WALL = 180  # no hang: the whole command must finish well within this


def _notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "faults.ipynb"
    nbformat.write(nb, str(path))
    return path


def _cli(*args, cwd):
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "autograd_compat", *args],
        capture_output=True,
        text=True,
        timeout=WALL,
        cwd=cwd,
        env=background.ENV,
    )
    return proc, time.monotonic() - start


def _statuses(nb):
    return [c.metadata.get("autograd_compat", {}).get("status") for c in nb.cells]


# Both commands are background jobs (tests/background.py): they start with the session and run
# on the core pytest leaves idle; each test waits for its command and checks what it left.


def _run_command():
    tmp_path = background.tmpdir("faults-run")
    src = _notebook(tmp_path)
    out = tmp_path / "faults.out.ipynb"
    args = ("run", str(src), "--backend", "torch", "-o", str(out), "--timeout", TIMEOUT)
    return (*_cli(*args, cwd=tmp_path), out)


@pytest.mark.slow
@background.needs(_run_command)
def test_run_reports_partial_result():
    proc, seconds, out = background.result(_run_command)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert out.exists(), "the partial output notebook was not written"
    nb = nbformat.read(str(out), as_version=4)
    assert _statuses(nb) == ["ok", "timeout", "ok", "died", "not run"]
    assert "before 2" in "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "between" in "".join(o.get("text", "") for o in nb.cells[2].outputs)
    record(
        "faults",
        "notebook run: cell timeout + kernel death (exit code, seconds)",
        f"1, {seconds:.1f}",
    )


def _compare_command():
    tmp_path = background.tmpdir("faults-compare")
    src = _notebook(tmp_path)
    report = tmp_path / "faults.json"
    html = tmp_path / "faults.html"
    return (*_compare(src, report, html, tmp_path), report, html)


def _compare(src, report, html, tmp_path):
    return _cli(
        "compare",
        str(src),
        "--json",
        str(report),
        "--html",
        str(html),
        "--timeout",
        TIMEOUT,
        cwd=tmp_path,
    )


@pytest.mark.slow
@pytest.mark.mxnet
@background.needs(_compare_command)
def test_compare_reports_partial_result():
    proc, seconds, report, html = background.result(_compare_command)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert report.exists() and html.exists(), "the partial reports were not written"
    cells = json.loads(report.read_text())["cells"]
    statuses = [[c["results"][b]["status"] for b in ("torch", "mxnet")] for c in cells]
    assert statuses == [["ok"] * 2, ["timeout"] * 2, ["ok"] * 2, ["died"] * 2, ["not run"] * 2]
    assert "before 2" in json.dumps(cells[0])
    record(
        "faults",
        "notebook compare: cell timeout + kernel death (exit code, seconds)",
        f"1, {seconds:.1f}",
    )
