"""Property-based side-by-side tests of the gradient-semantics core (hypothesis vs real MXNet)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sbs import run_both

pytestmark = pytest.mark.mxnet

# Unary steps of a random expression: (name, function of (nd, x)). All are smooth on the values
# drawn below, so both engines must agree to float32 precision.
UNARY = [
    ("square", lambda nd, x: x * x),
    ("scale", lambda nd, x: x * 1.5 - 0.25),
    ("sin", lambda nd, x: nd.sin(x)),
    ("exp", lambda nd, x: nd.exp(x * 0.5)),
    ("tanh", lambda nd, x: nd.tanh(x)),
    ("sigmoid", lambda nd, x: nd.sigmoid(x)),
    ("div", lambda nd, x: x / (1 + x * x)),
    ("relu", lambda nd, x: nd.relu(x) + x * 0.1),
]
shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@st.composite
def cases(draw):
    shape = draw(shapes)
    x0 = draw(arrays(np.float32, shape, elements=st.floats(-2, 2, width=32, allow_subnormal=False)))
    ops = draw(st.lists(st.sampled_from(range(len(UNARY))), min_size=1, max_size=4))
    req = draw(st.sampled_from(["write", "add"]))
    n_backward = draw(st.integers(1, 3))
    reduce_head = draw(st.booleans())
    use_out_grad = draw(st.booleans())
    g0 = draw(arrays(np.float32, shape, elements=st.floats(-1, 1, width=32)))
    return shape, x0, ops, req, n_backward, reduce_head, use_out_grad, g0


@given(cases())
def test_random_programs_match_mxnet(case):
    shape, x0, ops, req, n_backward, reduce_head, use_out_grad, g0 = case

    def program(mx):
        nd = mx.nd
        x = nd.array(x0)
        x.attach_grad(grad_req=req)
        seen = []
        for _ in range(n_backward):
            with mx.autograd.record():
                y = x
                for i in ops:
                    y = UNARY[i][1](nd, y)
                if reduce_head:
                    y = y.sum()
            if use_out_grad and not reduce_head:
                y.backward(nd.array(g0))
            else:
                y.backward()
            seen.append(x.grad.copy())
        return seen

    run_both(program, rtol=1e-4, atol=1e-5)


@given(
    x0=arrays(np.float32, (3,), elements=st.floats(-2, 2, width=32)),
    c0=arrays(np.float32, (3,), elements=st.floats(-2, 2, width=32)),
    outside=st.sampled_from(range(len(UNARY))),
)
def test_outside_record_values_are_constants(x0, c0, outside):
    def program(mx):
        x = mx.nd.array(x0)
        x.attach_grad()
        c = UNARY[outside][1](mx.nd, x) + mx.nd.array(c0)  # outside record: a constant
        with mx.autograd.record():
            y = (c * x * x).sum()
        y.backward()
        return x.grad

    run_both(program, rtol=1e-4, atol=1e-5)


@given(
    x0=arrays(np.float32, (2, 3), elements=st.floats(-1, 1, width=32)),
    w0=arrays(np.float32, (3, 2), elements=st.floats(-1, 1, width=32)),
    steps=st.integers(1, 4),
    lr=st.floats(0.01, 0.5),
)
def test_sgd_training_matches(x0, w0, steps, lr):
    def program(mx):
        nd = mx.nd
        X = nd.array(x0)
        w = nd.array(w0)
        w.attach_grad()
        for _ in range(steps):
            with mx.autograd.record():
                loss = (nd.tanh(nd.dot(X, w)) ** 2).sum()
            loss.backward()
            w[:] = w - lr * w.grad
        return w

    run_both(program, rtol=1e-4, atol=1e-5)
