"""``autograd.grad`` returns arrays of the variables' kind, as MXNet 1.9.1 does (side by side)."""

from __future__ import annotations

import pytest

from autograd_compat import namespace

shim = namespace("mxnet", "torch")


def _grads(mx, np_mode):
    if np_mode:
        mx.npx.set_np()
    try:
        make = mx.np.array if np_mode else mx.nd.array
        x = make([1.0, 2.0, 3.0])
        x.attach_grad()
        with mx.autograd.record():
            y = (x * x).sum()
        (g,) = mx.autograd.grad(y, [x], create_graph=True)
        return type(g).__module__ + "." + type(g).__name__, str(g), g.asnumpy().tolist()
    finally:
        if np_mode:
            mx.npx.reset_np()


@pytest.mark.mxnet
@pytest.mark.parametrize("np_mode", [False, True], ids=["nd", "np"])
def test_grad_returns_the_variables_array_kind(mx, np_mode):
    assert _grads(shim, np_mode) == _grads(mx, np_mode)


def test_plain_tensor_variables_get_plain_tensors():
    import torch

    t = torch.ones(2)
    t.attach_grad()
    with shim.autograd.record():
        u = (t * t).sum()
    (g,) = shim.autograd.grad(u, [t])
    assert type(g) is torch.Tensor


def test_gradient_keeps_the_variables_context():
    x = shim.nd.array([1.0, 2.0], ctx=shim.cpu(1))
    x.attach_grad()
    with shim.autograd.record():
        y = (x * x).sum()
    (g,) = shim.autograd.grad(y, [x])
    assert g.context == shim.cpu(1)
