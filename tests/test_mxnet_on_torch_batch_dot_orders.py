"""Derivatives of ``batch_dot`` to any order, side by side with real MXNet 1.9.1 (issue 11, 4).

MXNet writes batch_dot's backward with batch_dot (and negative's, transpose's, elemwise_add's,
add_n's, identity's with themselves), so chains of these differentiate again until a derivative
no longer depends on the variables; there MXNet refuses ("There are no inputs in computation
graph that require gradients" from backward, "... unreachable from the outputs" from grad), and
the dialect must refuse too. Where a chain goes through an op whose backward MXNet cannot
differentiate (np.matmul, dot, ``x * 0.5``, ``-x``, ``+``, reshape, slice: "no FGradient"), the
dialect goes on with torch's values, and a constant's derivative is zeros.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.base import MXNetError

pytestmark = pytest.mark.mxnet

X = (np.arange(12, dtype="float32").reshape(2, 2, 3) * 0.1 + 0.3).astype("float32")
C = np.linspace(-1.0, 1.0, 12, dtype="float32").reshape(2, 3, 2)
C33 = np.linspace(-1.0, 1.0, 18, dtype="float32").reshape(2, 3, 3)


def _nd(ns, a):
    return ns.nd.array(a)


# name -> program over (ns, x) in the nd dialect; all of MXNet's answers below are measured.
ND_PROGRAMS = {
    "bd(x, x^T)": lambda ns, x: ns.nd.batch_dot(x, x, transpose_b=True),
    "bd(x^T, x)": lambda ns, x: ns.nd.batch_dot(x, x, transpose_a=True),
    "bd(x, c)": lambda ns, x: ns.nd.batch_dot(x, _nd(ns, C)),
    "bd(c^T, x^T)": lambda ns, x: ns.nd.batch_dot(_nd(ns, C), x, True, True),
    "bd(x, transpose(x))": lambda ns, x: ns.nd.batch_dot(x, ns.nd.transpose(x, (0, 2, 1))),
    "bd(negative(x), negative(x)^T)": lambda ns, x: ns.nd.batch_dot(
        ns.nd.negative(x), ns.nd.negative(x), transpose_b=True
    ),
    "negative(bd(x, x^T))": lambda ns, x: ns.nd.negative(ns.nd.batch_dot(x, x, transpose_b=True)),
    "elemwise_add(bd, bd)": lambda ns, x: ns.nd.elemwise_add(
        ns.nd.batch_dot(x, x, transpose_b=True), ns.nd.batch_dot(x, _nd(ns, C))
    ),
    "add_n(bd, bd)": lambda ns, x: ns.nd.add_n(
        ns.nd.batch_dot(x, x, transpose_b=True), ns.nd.batch_dot(x, x, transpose_b=True)
    ),
    "bd(identity(x), x^T)": lambda ns, x: ns.nd.batch_dot(ns.nd.identity(x), x, transpose_b=True),
    "bd(bd(x, x^T), x)": lambda ns, x: ns.nd.batch_dot(ns.nd.batch_dot(x, x, transpose_b=True), x),
    "bd(bd(x, c), x^T)": lambda ns, x: ns.nd.batch_dot(
        ns.nd.batch_dot(x, _nd(ns, C33)), x, transpose_b=True
    ),
    # the array's own copies and casts differentiate again in MXNet too
    "bd(x.T.T, x^T)": lambda ns, x: ns.nd.batch_dot(x.T.T, x, transpose_b=True),
    "bd(x.copy(), x^T)": lambda ns, x: ns.nd.batch_dot(x.copy(), x, transpose_b=True),
    "bd(x.astype(f64).astype(f32), x^T)": lambda ns, x: ns.nd.batch_dot(
        x.astype("float64").astype("float32"), x, transpose_b=True
    ),
}

# MXNet raises "no FGradient" on the way: the dialect's values are torch's (zeros once constant).
ND_BEYOND = {
    "bd(x * 0.5, x^T)": lambda ns, x: ns.nd.batch_dot(x * 0.5, x, transpose_b=True),
    "bd(-x, x^T)": lambda ns, x: ns.nd.batch_dot(-x, x, transpose_b=True),
    "bd(x, x^T) * 0.5": lambda ns, x: ns.nd.batch_dot(x, x, transpose_b=True) * 0.5,
    "bd(x, x^T) + bd(x, x^T)": lambda ns, x: (
        ns.nd.batch_dot(x, x, transpose_b=True) + ns.nd.batch_dot(x, x, transpose_b=True)
    ),
    "bd(x[1:], x[1:]^T)": lambda ns, x: ns.nd.batch_dot(x[1:], x[1:], transpose_b=True),
    "bd(x, swapaxes(x))": lambda ns, x: ns.nd.batch_dot(x, ns.nd.swapaxes(x, 1, 2)),
    "sum(bd(x, x^T))": lambda ns, x: ns.nd.sum(ns.nd.batch_dot(x, x, transpose_b=True)),
    "bd(x, c) * x": lambda ns, x: ns.nd.batch_dot(x, _nd(ns, C)) * x[:, :, :2],
    "dot(x, x^T) 2-D": lambda ns, x: ns.nd.dot(x[0], x[0], transpose_b=True),
    "dot(x, c) 2-D": lambda ns, x: ns.nd.dot(x[0], _nd(ns, C[0])),
}

NP_PROGRAMS = {
    "npx.batch_dot(x, x^T)": lambda ns, x: ns.npx.batch_dot(x, x, transpose_b=True),
    "npx.batch_dot(x, c)": lambda ns, x: ns.npx.batch_dot(x, ns.np.array(C)),
    "npx.batch_dot(np.negative(x), x^T)": lambda ns, x: ns.npx.batch_dot(
        ns.np.negative(x), x, transpose_b=True
    ),
    "npx.batch_dot(x, np.transpose(x))": lambda ns, x: ns.npx.batch_dot(
        x, ns.np.transpose(x, (0, 2, 1))
    ),
    "npx.batch_dot(x, x.transpose(0, 2, 1))": lambda ns, x: ns.npx.batch_dot(
        x, x.transpose(0, 2, 1)
    ),
    "npx.batch_dot(x.T.T, x^T)": lambda ns, x: ns.npx.batch_dot(x.T.T, x, transpose_b=True),
    "npx.batch_dot(x.copy(), x^T)": lambda ns, x: ns.npx.batch_dot(x.copy(), x, transpose_b=True),
    "npx.batch_dot(x.astype(f32), x^T)": lambda ns, x: ns.npx.batch_dot(
        x.astype("float32"), x, transpose_b=True
    ),
}

NP_BEYOND = {
    "np.matmul(x, x^T)": lambda ns, x: ns.np.matmul(x, ns.np.swapaxes(x, 1, 2)),
    "np.matmul(x, c)": lambda ns, x: ns.np.matmul(x, ns.np.array(C)),
    "np.dot(x, c) 2-D": lambda ns, x: ns.np.dot(x[0], ns.np.array(C[0])),
    "npx.batch_dot(-x, x^T)": lambda ns, x: ns.npx.batch_dot(-x, x, transpose_b=True),
    "npx.batch_dot(x, np.swapaxes(x))": lambda ns, x: ns.npx.batch_dot(x, ns.np.swapaxes(x, 1, 2)),
    "npx.batch_dot(np.matmul(x, c), x^T)": lambda ns, x: ns.npx.batch_dot(
        ns.np.matmul(x, ns.np.array(C33)), x, transpose_b=True
    ),
}


def _chain(ns, program, order, flavour, last="backward"):
    """The derivatives of ``program`` to ``order`` (the last one by backward, or by grad)."""
    if flavour == "np":
        ns.npx.set_np()
    try:
        x = (ns.np if flavour == "np" else ns.nd).array(X)
        x.attach_grad()
        ag = ns.autograd
        with ag.record():
            g = program(ns, x)
            for _ in range(order - 1):
                g = ag.grad(g, [x], create_graph=True, retain_graph=True)[0]
        if last == "grad":
            with ag.record():
                return ag.grad(g, [x], create_graph=True, retain_graph=True)[0].asnumpy()
        g.backward()
        return x.grad.asnumpy()
    finally:
        if flavour == "np":
            ns.npx.reset_np()


def _outcome(ns, program, order, flavour, last):
    try:
        return _chain(ns, program, order, flavour, last)
    except Exception as exc:  # noqa: BLE001 - the class and message are the outcome
        return exc


def _same(got, want, name):
    if isinstance(want, Exception):
        assert isinstance(got, Exception), (
            f"{name}: MXNet raises {want!s:.200}, dialect gives {got}"
        )
        assert isinstance(got, MXNetError), f"{name}: {type(got).__name__}: {got}"
        for needle in ("no inputs in computation graph", "unreachable from the outputs"):
            if needle in str(want):
                assert needle in str(got), f"{name}: MXNet says {want!s:.200}, dialect {got}"
                return
        raise AssertionError(f"{name}: unexpected MXNet error {want!s:.300}")
    assert not isinstance(got, Exception), f"{name}: MXNet gives {want}, dialect raises {got!r}"
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=name)


def _cases(programs):
    return [
        pytest.param(name, order, last, id=f"{name}-order{order}-{last}")
        for name in programs
        for order in (2, 3, 4)
        for last in ("backward", "grad")
    ]


@pytest.mark.parametrize(("name", "order", "last"), _cases(ND_PROGRAMS))
def test_nd_chains_match_real_mxnet(mx, name, order, last):
    shim = namespace("mxnet", "torch")
    want = _outcome(mx, ND_PROGRAMS[name], order, "nd", last)
    got = _outcome(shim, ND_PROGRAMS[name], order, "nd", last)
    _same(got, want, name)


@pytest.mark.parametrize(("name", "order", "last"), _cases(NP_PROGRAMS))
def test_npx_batch_dot_chains_match_real_mxnet(mx, name, order, last):
    shim = namespace("mxnet", "torch")
    want = _outcome(mx, NP_PROGRAMS[name], order, "np", last)
    got = _outcome(shim, NP_PROGRAMS[name], order, "np", last)
    _same(got, want, name)


def _torch_chain(program_name, order):
    """Real torch's derivatives of the same program (zeros once a derivative is constant)."""
    t = namespace("torch", "torch")
    x = torch.tensor(X, requires_grad=True)
    g = _TORCH[program_name](t, x)
    for _ in range(order - 1):
        if not g.requires_grad:
            return np.zeros_like(X)
        (g,) = torch.autograd.grad(g, [x], torch.ones_like(g), create_graph=True)
    if not g.requires_grad:
        return np.zeros_like(X)
    g.backward(torch.ones_like(g))
    return x.grad.numpy()


_TORCH = {
    "bd(x * 0.5, x^T)": lambda t, x: t.matmul(x * 0.5, x.transpose(1, 2)),
    "bd(-x, x^T)": lambda t, x: t.matmul(-x, x.transpose(1, 2)),
    "bd(x, x^T) * 0.5": lambda t, x: t.matmul(x, x.transpose(1, 2)) * 0.5,
    "bd(x, x^T) + bd(x, x^T)": lambda t, x: 2 * t.matmul(x, x.transpose(1, 2)),
    "bd(x[1:], x[1:]^T)": lambda t, x: t.matmul(x[1:], x[1:].transpose(1, 2)),
    "bd(x, swapaxes(x))": lambda t, x: t.matmul(x, x.transpose(1, 2)),
    "sum(bd(x, x^T))": lambda t, x: t.matmul(x, x.transpose(1, 2)).sum(),
    "bd(x, c) * x": lambda t, x: t.matmul(x, t.tensor(C)) * x[:, :, :2],
    "dot(x, x^T) 2-D": lambda t, x: x[0] @ x[0].t(),
    "dot(x, c) 2-D": lambda t, x: x[0] @ t.tensor(C[0]),
    "np.matmul(x, x^T)": lambda t, x: t.matmul(x, x.transpose(1, 2)),
    "np.matmul(x, c)": lambda t, x: t.matmul(x, t.tensor(C)),
    "np.dot(x, c) 2-D": lambda t, x: x[0] @ t.tensor(C[0]),
    "npx.batch_dot(-x, x^T)": lambda t, x: t.matmul(-x, x.transpose(1, 2)),
    "npx.batch_dot(x, np.swapaxes(x))": lambda t, x: t.matmul(x, x.transpose(1, 2)),
    "npx.batch_dot(np.matmul(x, c), x^T)": lambda t, x: t.matmul(
        t.matmul(x, t.tensor(C33)), x.transpose(1, 2)
    ),
}


@pytest.mark.parametrize(
    ("name", "flavour"),
    [(n, "nd") for n in ND_BEYOND] + [(n, "np") for n in NP_BEYOND],
)
@pytest.mark.parametrize("order", [2, 3, 4])
def test_where_mxnet_has_no_fgradient_the_dialect_gives_torchs_values(mx, name, flavour, order):
    program = (ND_BEYOND if flavour == "nd" else NP_BEYOND)[name]
    want = _outcome(mx, program, order, flavour, "backward")
    assert isinstance(want, Exception) and "FGradient" in str(want), f"{name}: MXNet {want}"
    got = _chain(namespace("mxnet", "torch"), program, order, flavour)
    np.testing.assert_allclose(got, _torch_chain(name, order), rtol=1e-5, atol=1e-5)
