"""Acceptance: the code cells of docs/notebooks/autograd.ipynb print, on the MXNet backend,
exactly what they print on real torch (the torch backend)."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import pathlib

import pytest

import autograd_compat

pytestmark = pytest.mark.mxnet

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "autograd.ipynb"
IMPORT_ONLY = {1, 10, 12}  # 1-based code-cell numbers left to the bindings below


def _code_cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _run_cell(src: str, env: dict) -> str:
    """Run one cell as IPython would: print()s plus the repr of a final bare expression."""
    tree = ast.parse(src)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), env)
        if last is not None:
            value = eval(compile(last, "<cell>", "eval"), env)
            if value is not None:
                print(repr(value))
    return out.getvalue()


def _run_notebook(backend: str) -> list[str]:
    torch = autograd_compat.namespace("torch", backend)
    env = {
        "torch": torch,
        "autograd": autograd_compat.namespace("mxnet", backend).autograd,
        "t": torch,
        "V": torch.autograd.Variable,
    }
    outputs = []
    for i, src in enumerate(_code_cells(), 1):
        outputs.append("" if i in IMPORT_ONLY else _run_cell(src, env))
    return outputs


def test_notebook_prints_what_real_torch_prints() -> None:
    import mxnet as mx

    expected = _run_notebook("torch")
    got = _run_notebook("mxnet")
    assert got == expected
    assert got[8] == got[10] == "tensor([True, True, True, True])\n"
    assert got[12] == "(tensor([8.], grad_fn=<MulBackward0>),)\n(tensor([2.]),)\n"
    assert got[1] == "tensor([0., 1., 2., 3.], requires_grad=True)\n"
    assert got[3] == "tensor(28., grad_fn=<MulBackward0>)\n"
    assert not mx.autograd.is_recording()  # MXNet recording stays scoped to our own ops


def test_mixed_dialect_cell_semantics() -> None:
    """Cell 9 in detail: x (torch leaf, .grad already [1,1,1,1]) recorded inside MXNet
    record(): non-scalar backward uses ones and *writes* 2x; attach_grad on a copy."""
    torch = autograd_compat.namespace("torch", "mxnet")
    autograd = autograd_compat.namespace("mxnet", "mxnet").autograd
    x = torch.arange(4.0, requires_grad=True)
    x.sum().backward()
    g = x.grad
    assert g.tolist() == [1, 1, 1, 1]
    with autograd.record():
        y = x * x
    y.backward()
    assert x.grad.tolist() == [0, 2, 4, 6]
    assert x.grad is g  # written into the same buffer
    u = x.copy()
    assert u.grad_fn is None and not u.requires_grad  # a constant outside record()
    u.attach_grad()
    assert u.grad.tolist() == [0, 0, 0, 0]  # MXNet: zeros right after attach_grad
    with autograd.record():
        v = (u * u).sum()
    v.backward()
    assert u.grad.tolist() == [0, 2, 4, 6]
    v2 = (u * u).sum()  # outside record(): torch semantics again? u is an MXNet variable
    v2.backward()
    assert u.grad.tolist() == [0, 4, 8, 12]  # torch graph: accumulates
    with autograd.record():
        v3 = (u * u).sum()
    v3.backward()
    assert u.grad.tolist() == [0, 2, 4, 6]  # MXNet graph, grad_req='write'
    with pytest.raises(RuntimeError, match="not in a computational graph"):
        v3.backward()  # MXNet frees every node it traversed


def test_mxnet_dialect_backward_and_grad_accept_dialect_tensors() -> None:
    torch = autograd_compat.namespace("torch", "mxnet")
    autograd = autograd_compat.namespace("mxnet", "mxnet").autograd
    x = torch.tensor([1.0, 2.0, 3.0])
    x.attach_grad("add")
    for _ in range(2):
        with autograd.record():
            y = x * x
        autograd.backward([y])
    assert x.grad.tolist() == [4, 8, 12]
    with autograd.record():
        y = x * x * x
    (g,) = autograd.grad([y], [x])
    assert isinstance(g, torch.Tensor) and g.tolist() == [3, 12, 27]
    b = torch.zeros(3)
    z = torch.tensor([1.0, 1.0, 1.0])
    autograd.mark_variables([z], [b])
    with autograd.record():
        w = z * 5
    w.backward()
    assert z.grad is b and b.tolist() == [5, 5, 5]
    assert not autograd.is_recording()


def test_real_mxnet_record_and_dialect_pause() -> None:
    import mxnet as mx

    torch = autograd_compat.namespace("torch", "mxnet")
    autograd = autograd_compat.namespace("mxnet", "mxnet").autograd
    assert autograd.record is mx.autograd.record  # MXNet's own scope
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with mx.autograd.record():  # real MXNet's record() works too: MXNet semantics
        y = x * 3
    y.backward()  # non-scalar: implicit ones
    assert x.grad.tolist() == [3, 3]
    with autograd.pause():
        z = x * 2
    assert z.grad_fn is None and not z.requires_grad
    with autograd.pause():
        x[0] = 5.0  # MXNet allows in-place updates outside record()
    with autograd.record(), pytest.raises(mx.base.MXNetError, match="Assigning to NDArrays"):
        x[0] = 1.0
    w = x * 2  # outside any scope: torch's rules again
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        w.backward()
