"""Randomised equivalence at scale: the torch dialect on MXNet against real torch 2.13.

Random expression trees over the op table, random shapes, random sequences of backward calls
(accumulating, ``retain_graph``, ``grad=None`` / ``zero_()`` between steps), ``autograd.grad`` and
``grad(create_graph=True)`` chains to third order. Real torch is the reference throughout. The
number of examples run is recorded (``reliability_report.record``).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_report import record

from autograd_compat.testing import OPS, assert_equivalent, programs

pytestmark = pytest.mark.mxnet

RUN: Counter[str] = Counter()

# torch.square is missing from the torch dialect on MXNet (test_torch_square_exists below, an
# expected failure until it is added); every other op of the table is drawn.
TORCH_OPS = [name for name in OPS if name != "square"]


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    for key, n in RUN.items():
        record("equivalence", f"torch dialect: {key}", n)


def _eval(ns, node, xs):
    tag = node[0]
    if tag == "x":
        return xs[node[1]]
    if tag == "pos":
        a = _eval(ns, node[1], xs)
        return a * a + 1.0
    return OPS[tag].torch(ns, *[_eval(ns, a, xs) for a in node[1:]])


def _head(ns, program, xs):
    y = _eval(ns, program.tree, xs)
    return y if program.root is None else getattr(y, program.root)()


STEP_KINDS = ("backward", "retain_twice", "grad_none", "zero_", "autograd_grad", "no_grad")


@st.composite
def scenarios(draw):
    program = draw(programs("torch", TORCH_OPS, max_depth=3, max_inputs=2))
    needs = tuple(draw(st.sampled_from([True, True, False])) for _ in program.inputs)
    steps = draw(st.lists(st.sampled_from(STEP_KINDS), min_size=1, max_size=3))
    return program, needs, steps


@given(scenarios())
def test_backward_sequences_match_real_torch(scenario):
    program, needs, steps = scenario

    def run(ns):
        xs = [ns.tensor(v, requires_grad=r) for v, r in zip(program.inputs, needs)]
        out = {}
        for i, kind in enumerate(steps):
            if kind == "no_grad":
                with ns.no_grad():
                    y = _head(ns, program, xs)
                out[f"y{i}"] = (y, y.requires_grad, ns.is_grad_enabled())
                continue
            y = _head(ns, program, xs)
            if kind == "autograd_grad":
                live = [x for x in xs if x.requires_grad] or xs
                out[f"grad{i}"] = ns.autograd.grad(y, live, ns.ones_like(y), allow_unused=True)
            elif kind == "retain_twice":
                y.backward(ns.ones_like(y), retain_graph=True)
                y.backward(ns.ones_like(y))
            else:
                y.backward(ns.ones_like(y))
                for x in xs:
                    if kind == "grad_none":
                        x.grad = None
                    elif kind == "zero_" and x.grad is not None:
                        x.grad.zero_()
            out[f"y{i}"] = y
            out[f"x{i}"] = [None if x.grad is None else x.grad.clone() for x in xs]
        return out

    try:
        assert_equivalent(run, dialect="torch", backends=("torch", "mxnet"), rtol=1e-4, atol=1e-5)
    except AssertionError:
        # MXNet 1.9.1's np reductions give nan where a sum meets inf (torch: inf), a known
        # divergence (docs/torch_on_mxnet.md); anything else is a failure.
        ref = assert_equivalent(run, dialect="torch", backends=("torch",))["torch"]
        if _all_finite(ref):
            raise
        RUN["backward sequences: overflow to inf (MXNet sums give nan), not compared"] += 1
        return
    RUN["backward sequences"] += 1


def _all_finite(value) -> bool:
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_all_finite(v) for v in value)
    if hasattr(value, "detach"):
        return bool(np.isfinite(value.detach().numpy(force=True)).all())
    return True


@given(programs("torch", TORCH_OPS, max_depth=3, max_inputs=2))
def test_toolkit_programs_match_real_torch(program):
    assert_equivalent(program, dialect="torch", backends=("torch", "mxnet"), rtol=1e-4, atol=1e-5)
    RUN["toolkit programs"] += 1


@given(programs("torch", TORCH_OPS, max_depth=2, max_inputs=1), st.sampled_from([2, 3]))
def test_create_graph_chains_match_real_torch(program, order):
    def run(ns):
        x = ns.tensor(program.inputs[0], requires_grad=True)
        y = _head(ns, program, [x])
        (g,) = ns.autograd.grad(y, [x], ns.ones_like(y), create_graph=True)
        gs = [g]
        for _ in range(order - 2):
            (g,) = ns.autograd.grad(g, [x], ns.ones_like(g), create_graph=True, allow_unused=True)
            if g is None:
                break
            gs.append(g)
        if g is not None and g.requires_grad:
            g.backward(ns.ones_like(g))
        # A clone: real torch may leave a ZeroTensor in .grad (the last derivative is 0), which
        # the comparison cannot convert to numpy.
        return {"gs": [t.clone() for t in gs], "xgrad": None if x.grad is None else x.grad.clone()}

    assert_equivalent(run, dialect="torch", backends=("torch", "mxnet"), rtol=1e-4, atol=1e-4)
    RUN[f"create_graph order {order}"] += 1


def test_torch_square_exists():
    def run(ns):
        x = ns.tensor([1.0, -2.0], requires_grad=True)
        ns.square(x).sum().backward()
        return x

    assert_equivalent(run, dialect="torch", backends=("torch", "mxnet"))


def test_mean_accumulates():
    def run(ns):
        x = ns.tensor([0.0, 0.0], requires_grad=True)
        seen = []
        for _ in range(3):
            x.mean().backward()
            seen.append(x.grad.clone())
        return seen

    assert_equivalent(run, dialect="torch", backends=("torch", "mxnet"))
