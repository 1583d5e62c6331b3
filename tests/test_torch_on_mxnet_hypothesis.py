"""Hypothesis-generated random expressions: value, grad_fn name, first- and second-order
gradients on the torch dialect on MXNet equal real torch 2.13's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch as real_torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_compat

pytestmark = pytest.mark.mxnet

UNARY = {
    "sin": lambda t, a: t.sin(a),
    "cos": lambda t, a: t.cos(a),
    "tanh": lambda t, a: t.tanh(a),
    "sigmoid": lambda t, a: t.sigmoid(a),
    "exp_small": lambda t, a: t.exp(a * 0.3),
    "log_pos": lambda t, a: t.log(a * a + 1),
    "sqrt_pos": lambda t, a: t.sqrt(a * a + 0.5),
    "square": lambda t, a: a**2,
    "neg": lambda t, a: -a,
    "scale": lambda t, a: a * 1.5 - 0.25,
    "recip": lambda t, a: 1 / (a * a + 1),
    "softmax": lambda t, a: t.nn.functional.softmax(a, 0),
    "cumsum_like": lambda t, a: a - a.mean(),
    "flip_shape": lambda t, a: a.reshape(3, 1).t().flatten(),
}
BINARY = {
    "add": lambda t, a, b: a + b,
    "sub": lambda t, a, b: a - b,
    "mul": lambda t, a, b: a * b,
    "div": lambda t, a, b: a / (b * b + 1),
    "dot_scale": lambda t, a, b: a * t.dot(a, b),
    "stack_sum": lambda t, a, b: t.stack([a, b]).sum(0),
    "where": lambda t, a, b: t.where(a > b, a, b * 2),
}

expr = st.recursive(
    st.sampled_from(["x", "c"]),
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), sub),
        st.tuples(st.sampled_from(sorted(BINARY)), sub, sub),
    ),
    max_leaves=6,
)


def _eval(t: Any, e: Any, x: Any, c: Any) -> Any:
    if e == "x":
        return x
    if e == "c":
        return c
    if len(e) == 2:
        return UNARY[e[0]](t, _eval(t, e[1], x, c))
    return BINARY[e[0]](t, _eval(t, e[1], x, c), _eval(t, e[2], x, c))


def _run(t: Any, e: Any, xv: list, cv: list) -> list:
    x = t.tensor(xv, requires_grad=True)
    c = t.tensor(cv)
    y = _eval(t, e, x, c)
    out: list = [y.detach().tolist(), None if y.grad_fn is None else type(y.grad_fn).__name__]
    if not y.requires_grad:
        return out
    (g,) = t.autograd.grad(y.sum(), x, create_graph=True, allow_unused=True)
    if g is None:
        return [*out, None]
    out.append(g.detach().tolist())
    if g.requires_grad:
        (g2,) = t.autograd.grad(g.sum(), x, allow_unused=True)
        out.append(None if g2 is None else g2.tolist())
    y2 = _eval(t, e, x, c).sum()
    y2.backward()
    out.append(x.grad.tolist())
    return out


vec = st.lists(st.floats(-2, 2, allow_nan=False, width=32), min_size=3, max_size=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(e=expr, xv=vec, cv=vec)
def test_random_expressions_match_torch(e: Any, xv: list, cv: list) -> None:
    ref = _run(real_torch, e, xv, cv)
    got = _run(autograd_compat.namespace("torch", "mxnet"), e, xv, cv)
    assert len(ref) == len(got), (e, ref, got)
    for i, (a, b) in enumerate(zip(ref, got)):
        if isinstance(a, list):
            np.testing.assert_allclose(b, a, rtol=2e-4, atol=2e-4, err_msg=f"{e} [{i}]")
        else:
            assert a == b, (e, i, a, b)
