"""``autograd.grad(create_graph=True)`` to any order in the MXNet dialect on torch.

Real MXNet 1.9.1 refuses a second derivative of ``x*x``, ``x**2``, ``dot``, ``sum``, ..., so the
oracle is real torch computing the same expression; for ops MXNet can differentiate twice
(``sin``, ``exp``, ...) real MXNet is checked too.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd_compat

X0 = [0.5, 0.3, 0.2]

# name -> expression usable with both the dialect namespace (nd) and real torch (t)
EXPRS = {
    "x*x": lambda x, nd: x * x,
    "x**2": lambda x, nd: x**2,
    "x**3": lambda x, nd: x**3,
    "dot": lambda x, nd: nd.dot(x, x) * x,
    "sum": lambda x, nd: (x * x).sum() * x,
    "mean": lambda x, nd: (x**3).mean() + x,
    "1/x": lambda x, nd: 1 / x,
    "x/2*x": lambda x, nd: x / 2 * x,
    "sin": lambda x, nd: nd.sin(x),
    "exp": lambda x, nd: nd.exp(x),
    "log": lambda x, nd: nd.log(x),
    "tanh": lambda x, nd: nd.tanh(x),
    "sigmoid": lambda x, nd: nd.sigmoid(x),
    "sqrt": lambda x, nd: nd.sqrt(x),
    "composite": lambda x, nd: nd.exp(x * x) * nd.sin(x) / (1 + x),
}


def _torch_derivatives(expr, order):
    x = torch.tensor(X0, requires_grad=True)

    class T:
        dot = staticmethod(lambda a, b: torch.dot(a, b))
        sin, exp, log = torch.sin, torch.exp, torch.log
        tanh, sigmoid, sqrt = torch.tanh, torch.sigmoid, torch.sqrt

    out = []
    y = expr(x, T)
    for _ in range(order):
        if not y.requires_grad:
            break  # the derivative so far is a constant: torch has no graph to go further
        (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        out.append(y.detach().numpy())
    return out


def _dialect_derivatives(ns, expr, order):
    nd, ag = ns.nd, ns.autograd
    x = nd.array(X0)
    x.attach_grad()
    out = []
    with ag.record():
        y = expr(x, nd)
    for k in range(order):
        if k < order - 1:
            (y,) = ag.grad(y, [x], create_graph=True, retain_graph=True)
            out.append(y.asnumpy())
        else:
            ag.backward(y)
            out.append(x.grad.asnumpy())
    return out


@pytest.mark.parametrize("name", sorted(EXPRS))
@pytest.mark.parametrize("order", [2, 3, 4])
def test_matches_torch(name, order):
    ns = autograd_compat.namespace("mxnet", "torch")
    want = _torch_derivatives(EXPRS[name], order)
    while len(want) < order:
        # torch finds the derivative constant and stops. These expressions' gradients stay
        # connected to x (they multiply by x), so the next derivative is zeros, as MXNet gives
        # for `square` (tests/test_mxnet_on_torch_regressions.py has the op-by-op oracle table).
        want.append(np.zeros(len(X0), dtype=np.float32))
    got = _dialect_derivatives(ns, EXPRS[name], order)
    for k, (g, w) in enumerate(zip(got, want), 1):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=1e-6, err_msg=f"order {k}")


@pytest.mark.mxnet
@pytest.mark.parametrize("name", ["sin", "exp", "log", "tanh", "sqrt"])
def test_matches_real_mxnet_where_it_can(name):
    ours = _dialect_derivatives(autograd_compat.namespace("mxnet", "torch"), EXPRS[name], 2)
    ref = _dialect_derivatives(autograd_compat.namespace("mxnet", "mxnet"), EXPRS[name], 2)
    for g, w in zip(ours, ref):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


@pytest.mark.mxnet
def test_real_mxnet_refuses_what_we_compute():
    # The reason the oracle above is torch: real MXNet fails at the second derivative of x*x.
    with pytest.raises(RuntimeError, match="FGradient"):
        _dialect_derivatives(autograd_compat.namespace("mxnet", "mxnet"), EXPRS["x*x"], 2)


def test_create_graph_outside_record_is_still_differentiable():
    ns = autograd_compat.namespace("mxnet", "torch")
    x = ns.nd.array(X0)
    x.attach_grad()
    with ns.autograd.record():
        y = ns.nd.sin(x) * x
    (g,) = ns.autograd.grad(y, [x], create_graph=True)
    assert not ns.autograd.is_recording()
    g.backward()
    xt = torch.tensor(X0, requires_grad=True)
    (gt,) = torch.autograd.grad((torch.sin(xt) * xt).sum(), xt, create_graph=True)
    (ht,) = torch.autograd.grad(gt.sum(), xt)
    np.testing.assert_allclose(x.grad.numpy(), ht.numpy(), rtol=1e-6)


def test_grad_results_are_new_arrays_and_grad_untouched():
    ns = autograd_compat.namespace("mxnet", "torch")
    x = ns.nd.array(X0)
    x.attach_grad()
    with ns.autograd.record():
        y = x * x * x
    (g,) = ns.autograd.grad(y, [x], create_graph=True)
    assert g.grad_fn is not None
    assert float(x.grad.abs().sum()) == 0.0


def test_known_zero_derivative_stays_differentiable():
    # torch returns the 2nd derivative of abs(abs(x)) as a ZeroTensor that still has a graph; the
    # dialect hands back an ordinary array and must keep that graph for the next order.
    ns = autograd_compat.namespace("mxnet", "torch")
    ag = ns.autograd
    x = ns.nd.array([0.0])
    x.attach_grad()
    with ag.record():
        y = ns.nd.abs(ns.nd.abs(x))
        (g,) = ag.grad(y, [x], create_graph=True, retain_graph=True)
        (g2,) = ag.grad(g, [x], create_graph=True, retain_graph=True)
    assert g2.asnumpy().tolist() == [0.0]
    g2.backward()
    assert x.grad.asnumpy().tolist() == [0.0]
