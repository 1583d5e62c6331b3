"""Property-based side-by-side tests of the gradient-semantics core (hypothesis vs real MXNet)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sbs import run_both

from autograd_compat.testing import broadcast_shapes, values

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
# values(): floats in [-2, 2] mixed with ties and kinks (repeated small integers, 0, +-0.5)
ELEMENTS = values()


@st.composite
def cases(draw):
    shape = draw(shapes)
    x0 = draw(arrays(np.float32, shape, elements=ELEMENTS))
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
    x0=arrays(np.float32, (3,), elements=ELEMENTS),
    c0=arrays(np.float32, (3,), elements=ELEMENTS),
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


# Binary ops on operands whose shapes broadcast together, in the nd and np APIs; values tie and
# sit on kinks.
BINARY = {
    "add": lambda m, a, b: a + b,
    "mul": lambda m, a, b: a * b,
    "div": lambda m, a, b: a / (b * b + 1),
    "where": lambda m, a, b: m.where(a > b, a, b * 2),
    "maximum": lambda m, a, b: m.maximum(a, b),
    "minimum": lambda m, a, b: m.minimum(a, b),
    "maximum_scalar": lambda m, a, b: m.maximum(a, 0.0) * b,
    "clip": lambda m, a, b: m.clip(a, -1.0, 1.0) * b,
    "max_axis": lambda m, a, b: m.max(a * b, axis=0),
    "min_axis": lambda m, a, b: m.min(a * b, axis=-1),
    "max_all": lambda m, a, b: m.max(a * b),
    "abs_relu": lambda m, a, b: m.abs(a) + m.relu(b) if m.flavour == "nd" else m.abs(a) + b,
}


@st.composite
def binary_cases(draw, name):
    shape_a, shape_b = draw(broadcast_shapes(2))
    if name == "where" and draw(st.booleans()):
        shape_a = shape_b = shape_a  # the legacy nd.where needs equal shapes
    a0 = draw(arrays(np.float32, shape_a, elements=ELEMENTS))
    b0 = draw(arrays(np.float32, shape_b, elements=ELEMENTS))
    flavour = draw(st.sampled_from(["nd", "np"]))
    reqs = [draw(st.sampled_from(["write", "add"])), draw(st.sampled_from(["write", "add"]))]
    n_backward = draw(st.integers(1, 2))
    if name == "where" and shape_a != shape_b:
        # Real MXNet's where backward into an 'add' variable it broadcasts gives garbage
        # (test_where_add_broadcast_mxnet_is_wrong): not an oracle there.
        reqs = ["write", "write"]
    if name == "clip" and n_backward > 1:
        # Real MXNet's clip backward overwrites an 'add' buffer it writes directly
        # (test_clip_add_accumulation_mxnet_is_wrong_dialect_is_right): not an oracle there.
        reqs[0] = "write"
    return a0, b0, flavour, tuple(reqs), n_backward


def _binary_program(name, case):
    from autograd_compat.testing.strategies import MXApi

    a0, b0, flavour, reqs, n_backward = case

    def program(mx):
        m = MXApi(mx, flavour)
        if flavour == "np":
            mx.npx.set_np()
        try:
            mod = mx.np if flavour == "np" else mx.nd
            a, b = mod.array(a0), mod.array(b0)
            a.attach_grad(grad_req=reqs[0])
            b.attach_grad(grad_req=reqs[1])
            seen = []
            for _ in range(n_backward):
                with mx.autograd.record():
                    y = BINARY[name](m, a, b)
                y.backward()
                seen.append((y.copy(), a.grad.copy(), b.grad.copy()))
            return seen
        finally:
            if flavour == "np":
                mx.npx.reset_np()

    return program


@given(data=st.data())
def test_broadcasting_binary_ops_match_mxnet(data):
    name = data.draw(st.sampled_from(sorted(BINARY)), label="op")
    case = data.draw(binary_cases(name))
    run_both(_binary_program(name, case), rtol=1e-4, atol=1e-5)


def test_clip_add_accumulation_mxnet_is_wrong_dialect_is_right(mx):
    """Real MXNet 1.9.1 (nd and np): the backward of ``clip`` applied directly to a variable
    attached with ``grad_req='add'`` overwrites the buffer (1, 1, 1 over three backwards), as
    ``mean``'s does; the MXNet dialect on torch accumulates (1, 2, 3)."""
    from autograd_compat import namespace

    def run(m):
        x = m.nd.array([0.3])
        x.attach_grad(grad_req="add")
        seen = []
        for _ in range(3):
            with m.autograd.record():
                y = m.nd.clip(x, -1.0, 1.0)
            y.backward()
            seen.append(float(x.grad.asnumpy()[0]))
        return seen

    assert run(mx) == [1.0, 1.0, 1.0]
    assert run(namespace("mxnet", "torch")) == [1.0, 2.0, 3.0]


def test_where_add_broadcast_mxnet_is_wrong(mx):
    """Real MXNet 1.9.1: np.where's backward into a variable attached with grad_req='add' that
    it broadcasts writes garbage (uninitialised memory); with 'write' it is right. The MXNet
    dialect on torch gives the right gradient either way."""
    from autograd_compat import namespace

    def run(m, req):
        m.npx.set_np()
        try:
            a = m.np.array([1.0, 1.0])
            b = m.np.array([[[-0.5, 1.5]]])
            a.attach_grad(grad_req=req)
            with m.autograd.record():
                y = m.np.where(a > b, a, b * 2)
            y.backward()
            return a.grad.asnumpy().tolist()
        finally:
            m.npx.reset_np()

    assert run(mx, "write") == [1.0, 0.0]
    # MXNet's "add" result is uninitialised memory: usually wrong, sometimes right by chance,
    # so it is not asserted; the shim must be right under both.
    ns = namespace("mxnet", "torch")
    assert run(ns, "write") == run(ns, "add") == [1.0, 0.0]
