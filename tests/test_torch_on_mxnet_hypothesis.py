"""Hypothesis-generated random expressions: value, grad_fn name, first- and second-order
gradients on the torch dialect on MXNet equal real torch 2.13's. The constant ``c`` broadcasts
against ``x``; values repeat (ties) and sit on kinks (0, the clamp bounds)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch as real_torch
from hypothesis import given
from hypothesis import strategies as st

import autograd_compat
from autograd_compat.testing import values

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
    "flip_shape": lambda t, a: a.reshape(-1, 1).t().flatten(),
    "relu": lambda t, a: t.relu(a),
    "abs": lambda t, a: t.abs(a),
    "clamp": lambda t, a: t.clamp(a, -1.0, 1.0),
    "max_all": lambda t, a: a.max(),
    "max_dim0": lambda t, a: a.max(dim=0).values,
    "min_dim_last": lambda t, a: a.min(dim=-1).values,
    "matmul_t": lambda t, a: t.matmul(a.reshape(-1, 1)[:4], a.reshape(1, -1)[:, :4]),
    "slice0": lambda t, a: a[:1],
    "transpose": lambda t, a: a.reshape(-1, 1).transpose(0, 1),
}
BINARY = {
    "add": lambda t, a, b: a + b,
    "sub": lambda t, a, b: a - b,
    "mul": lambda t, a, b: a * b,
    "div": lambda t, a, b: a / (b * b + 1),
    "dot_scale": lambda t, a, b: a * t.dot(b.reshape(-1), b.reshape(-1)),
    "stack_sum": lambda t, a, b: t.stack([a + b * 0, b + a * 0]).sum(0),
    "where": lambda t, a, b: t.where(a > b, a, b * 2),
    "where0": lambda t, a, b: t.where(a > 0, a, b),
    "maximum": lambda t, a, b: t.maximum(a, b),
    "minimum": lambda t, a, b: t.minimum(a, b),
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


def _run(t: Any, e: Any, xv: np.ndarray, cv: np.ndarray) -> list:
    try:
        return _steps(t, e, xv, cv)
    except Exception as exc:  # noqa: BLE001 - torch's exception class is part of the result
        return [f"raises {type(exc).__name__}"]


def _steps(t: Any, e: Any, xv: np.ndarray, cv: np.ndarray) -> list:
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
        # clone(): real torch may return a ZeroTensor, which tolist() cannot read
        out.append(None if g2 is None else g2.clone().tolist())
    y2 = _eval(t, e, x, c).sum()
    y2.backward()
    out.append(x.grad.clone().tolist())
    return out


# x and c broadcast together: x is (3,) or (2, 3); c is (3,), (1,), (2, 1) or (1, 3).
def _array(shape: tuple[int, ...]) -> st.SearchStrategy:
    return st.lists(values(), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
        lambda v: np.array(v, dtype=np.float32).reshape(shape)
    )


xs = st.sampled_from([(3,), (2, 3)]).flatmap(_array)
cs = st.sampled_from([(3,), (1,), (2, 1), (1, 3)]).flatmap(_array)


@given(e=expr, xv=xs, cv=cs)
def test_random_expressions_match_torch(e: Any, xv: np.ndarray, cv: np.ndarray) -> None:
    ref = _run(real_torch, e, xv, cv)
    got = _run(autograd_compat.namespace("torch", "mxnet"), e, xv, cv)
    assert len(ref) == len(got), (e, ref, got)
    for i, (a, b) in enumerate(zip(ref, got)):
        if isinstance(a, list | float):  # 0-d results come back as floats
            np.testing.assert_allclose(b, a, rtol=2e-4, atol=2e-4, err_msg=f"{e} [{i}]")
        else:
            assert a == b, (e, i, a, b)
