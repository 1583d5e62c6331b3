"""``autograd_compat.notebook.run``: the executed notebook from a real kernel (torch backend).

The seed notebook runs unchanged: cells 9 and 11 (MXNet style) show
``tensor([True, True, True, True])``, cell 13 prints the two gradient tuples, and the extension's
banner is in no cell. The mxnet backend is run through ``compare`` in test_notebook_compare.py.
"""

from __future__ import annotations

import os

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograd_compat import notebook

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "docs", "notebooks", "autograd.ipynb")
TRUE4 = "tensor([True, True, True, True])"


def _shown(cell) -> str:
    parts = []
    for out in cell.outputs:
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"]["text/plain"] + "\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def seed():
    with open(SEED, "rb") as f:
        before = f.read()
    nb = notebook.run(SEED, "torch", timeout=120)
    with open(SEED, "rb") as f:
        after = f.read()
    return {"nb": nb, "unchanged": before == after}


def test_seed_runs_unchanged_on_torch(seed):
    code = [c for c in seed["nb"].cells if c.cell_type == "code"]
    assert len(code) == 13
    assert [c.metadata["autograd_compat"]["status"] for c in code] == ["ok"] * 13
    assert [c.execution_count for c in code] == list(range(1, 14))
    shown = [_shown(c) for c in code]
    assert shown[8] == shown[10] == TRUE4 + "\n"
    assert shown[12] == "(tensor([8.], grad_fn=<MulBackward0>),)\n(tensor([2.]),)\n"
    assert shown[1] == "tensor([0., 1., 2., 3.], requires_grad=True)\n"
    assert shown[5] == "tensor([ 0.,  4.,  8., 12.])\n"
    assert seed["unchanged"]


def test_seed_banner_only_in_metadata(seed):
    nb = seed["nb"]
    banner = nb.metadata["autograd_compat"]["extension"]
    assert (
        banner == "autograd_compat: torch backend; bound autograd (MXNet), t (torch), "
        "V (Variable); `import mxnet` gives the MXNet dialect on torch"
    )
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "autograd_compat:" not in _shown(cell)
    # the markdown cells and the input's metadata are carried over
    assert [c.cell_type for c in nb.cells].count("markdown") == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_stubborn_cell_stops_the_run(tmp_path):
    """A cell that survives the interrupt: it times out and the later cells are not run."""
    nb = new_notebook(
        cells=[
            new_code_cell("print('before')"),
            new_code_cell(
                "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
                "    except KeyboardInterrupt:\n        pass"
            ),
            new_code_cell("print('after')"),
        ]
    )
    calls = []
    out = notebook.run(nb, "torch", timeout=2, progress=lambda *a: calls.append(a))
    info = [c.metadata["autograd_compat"] for c in out.cells]
    assert [i["status"] for i in info] == ["ok", "timeout", "not run"]
    assert "did not stop when interrupted" in info[2]["reason"]
    assert out.cells[1].outputs[-1]["ename"] == "TimeoutError"
    assert calls == [("torch", 1, 3, "ok"), ("torch", 2, 3, "timeout"), ("torch", 3, 3, "not run")]
    assert nb.cells[0].outputs == []  # run() executes a copy


def test_unknown_backend():
    with pytest.raises(ValueError, match="unknown backend 'jax'"):
        notebook.run(SEED, "jax")
