"""MXNet's rules at ties and kinks in the MXNet dialect on torch (issue 11, item 3).

Every case runs the same program on real MXNet 1.9.1 and on the dialect (``run_both``) and compares
values and gradients: ``maximum``/``minimum`` (arrays, scalars on either side, broadcasting, NaN),
``max``/``min``/``amax``/``amin`` over tied elements (axes, keepdims, exclude, NaN, infinities),
``clip`` at its bounds and at NaN, ``abs``, ``relu`` and its relatives at 0, -0 and NaN, the
rounding functions at their midpoints, ``mod``, and the orderings (``sort``, ``argsort``,
``topk``, ``argmax``) with ties. A property draws integer-valued arrays (many ties) and broadcast
shape pairs. Second derivatives, which MXNet 1.9.1 does not give for these operators, are checked
against plain torch away from the ties, and against MXNet's first-order rule at them.
"""

from __future__ import annotations

import numpy as onp
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sbs import run_both

from autograd_compat import namespace

pytestmark = pytest.mark.mxnet

NAN, INF = float("nan"), float("inf")


def grads(mod_name: str, f, *values, head=None):
    """A program: ``f`` of fresh variables holding ``values`` in ``ns.<mod_name>``, recorded and
    backpropagated; returns the output and every gradient."""

    def program(ns):
        mod = getattr(ns, mod_name)
        xs = [mod.array(v) for v in values]
        for x in xs:
            x.attach_grad()
        with ns.autograd.record():
            y = f(ns, *xs)
        y.backward() if head is None else y.backward(mod.array(head))
        return [y] + [x.grad for x in xs]

    return program


def values(mod_name: str, f, *vals, **kw):
    """A program returning ``f`` of arrays holding ``vals`` (no autograd)."""

    def program(ns):
        mod = getattr(ns, mod_name)
        return f(ns, *[mod.array(v, **kw) for v in vals])

    return program


TIE_AND_NAN = [[-1.0, 0.0, 1.0, NAN, INF, -INF]]
PAIR = [[1.0, 2.0, 3.0, NAN, 1.0, -0.0], [1.0, 0.0, 3.0, 1.0, NAN, 0.0]]
BCAST = [[[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]], [[2.0, 2.0]]]
TIES = [[[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]]]
NAN_ROWS = [[[1.0, NAN, 3.0], [3.0, 3.0, 1.0], [-INF, -INF, -INF], [INF, 1.0, INF]]]
MIDPOINTS = [[-3.5, -2.5, -1.5, -0.6, -0.5, -0.4, -0.0, 0.4, 0.5, 0.6, 1.5, 2.5, 3.5, NAN, INF]]
SHORT_TIES = [[3.0, 1.0, 3.0, 1.0, 3.0, 3.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 1.0, 1.0, 1.0]]

CASES = {}
for m in ("nd", "np"):
    M = m
    CASES.update(
        {
            f"{m}.maximum(x, 0)": grads(
                m, lambda ns, x, M=M: getattr(ns, M).maximum(x, 0.0), *TIE_AND_NAN
            ),
            f"{m}.maximum(0, x)": grads(
                m, lambda ns, x, M=M: getattr(ns, M).maximum(0.0, x), *TIE_AND_NAN
            ),
            f"{m}.minimum(x, 0)": grads(
                m, lambda ns, x, M=M: getattr(ns, M).minimum(x, 0.0), *TIE_AND_NAN
            ),
            f"{m}.minimum(0, x)": grads(
                m, lambda ns, x, M=M: getattr(ns, M).minimum(0.0, x), *TIE_AND_NAN
            ),
            f"{m}.maximum(x, nan)": grads(
                m, lambda ns, x, M=M: getattr(ns, M).maximum(x, NAN), [1.0, 0.0]
            ),
            f"{m}.maximum(a, b)": grads(
                m, lambda ns, a, b, M=M: getattr(ns, M).maximum(a, b), *PAIR
            ),
            f"{m}.minimum(a, b)": grads(
                m, lambda ns, a, b, M=M: getattr(ns, M).minimum(a, b), *PAIR
            ),
            f"{m}.maximum(x, x)": grads(
                m, lambda ns, a, M=M: getattr(ns, M).maximum(a, a), [1.0, 2.0]
            ),
            f"{m}.maximum broadcast": grads(
                m, lambda ns, a, b, M=M: getattr(ns, M).maximum(a, b), *BCAST
            ),
            f"{m}.maximum broadcast left": grads(
                m, lambda ns, a, b, M=M: getattr(ns, M).maximum(b, a), *BCAST
            ),
            f"{m}.minimum broadcast": grads(
                m, lambda ns, a, b, M=M: getattr(ns, M).minimum(a, b), *BCAST
            ),
            f"{m}.max all": grads(
                m, lambda ns, x, M=M: getattr(ns, M).max(x), [3.0, 1.0, 3.0, 3.0]
            ),
            f"{m}.min all": grads(
                m, lambda ns, x, M=M: getattr(ns, M).min(x), [1.0, 1.0, 3.0, 1.0]
            ),
            f"{m}.max axis=1": grads(m, lambda ns, x, M=M: getattr(ns, M).max(x, axis=1), *TIES),
            f"{m}.max axis=0 keepdims": grads(
                m, lambda ns, x, M=M: getattr(ns, M).max(x, axis=0, keepdims=True), *TIES
            ),
            f"{m}.min axis=(0, 1)": grads(
                m,
                lambda ns, x, M=M: getattr(ns, M).min(x, axis=(0, 1)),
                [[[1.0, 1.0], [2.0, 1.0]], [[1.0, 5.0], [1.0, 1.0]]],
            ),
            f"{m}.max NaN and infinities": grads(
                m, lambda ns, x, M=M: getattr(ns, M).max(x, axis=1), *NAN_ROWS
            ),
            f"{m}.min NaN and infinities": grads(
                m, lambda ns, x, M=M: getattr(ns, M).min(x, axis=1), *NAN_ROWS
            ),
            f"{m}.max with head": grads(
                m, lambda ns, x, M=M: getattr(ns, M).max(x, axis=1), *TIES, head=[2.0, -3.0]
            ),
            f"{m}.clip": grads(
                m,
                lambda ns, x, M=M: getattr(ns, M).clip(x, -1.0, 1.0),
                [-2.0, -1.0, 0.0, 1.0, 2.0, NAN],
            ),
            f"{m}.clip inverted bounds": grads(
                m, lambda ns, x, M=M: getattr(ns, M).clip(x, 1.0, 0.0), [NAN, -1.0, 0.0, 1.0, 2.0]
            ),
            f"{m}.abs": grads(m, lambda ns, x, M=M: getattr(ns, M).abs(x), *TIE_AND_NAN),
            f"{m}.sign": grads(m, lambda ns, x, M=M: getattr(ns, M).sign(x), *TIE_AND_NAN),
            f"{m}.sqrt at 0": grads(m, lambda ns, x, M=M: getattr(ns, M).sqrt(x), [0.0, 1.0]),
            f"{m}.mod": grads(
                m,
                lambda ns, a, b, M=M: getattr(ns, M).mod(a, b) if M == "np" else ns.nd.modulo(a, b),
                [5.0, -5.0, 4.0, 3.5, 0.0, 5.0],
                [2.0, 2.0, 2.0, -2.0, 1.0, -3.0],
            ),
        }
    )
    for fn in ("floor", "ceil", "trunc", "fix", "rint", "round"):
        CASES[f"{m}.{fn}"] = grads(
            m, lambda ns, x, M=M, fn=fn: getattr(getattr(ns, M), fn)(x), *MIDPOINTS
        )

CASES.update(
    {
        "nd.relu": grads("nd", lambda ns, x: ns.nd.relu(x), [-1.0, -0.0, 0.0, 1.0, NAN, INF, -INF]),
        "npx.relu": grads(
            "np", lambda ns, x: ns.npx.relu(x), [-1.0, -0.0, 0.0, 1.0, NAN, INF, -INF]
        ),
        "nd.relu NaN with head": grads(
            "nd", lambda ns, x: ns.nd.relu(x), [NAN, 0.0, 1.0], head=[0.0, 2.0, 3.0]
        ),
        "npx.activation relu": grads(
            "np", lambda ns, x: ns.npx.activation(x, act_type="relu"), [-1.0, -0.0, 0.0, 1.0, NAN]
        ),
        "npx.leaky_relu": grads(
            "np", lambda ns, x: ns.npx.leaky_relu(x, slope=0.1), [-1.0, -0.0, 0.0, 1.0, NAN]
        ),
        "nd.max keepdims": grads("nd", lambda ns, x: ns.nd.max(x, axis=1, keepdims=True), *TIES),
        "nd.max exclude": grads("nd", lambda ns, x: ns.nd.max(x, axis=1, exclude=True), *TIES),
        "np.amax": grads("np", lambda ns, x: ns.np.amax(x, axis=0), [[1.0, 1.0], [1.0, 0.0]]),
        "np.amin": grads("np", lambda ns, x: ns.np.amin(x), [[1.0, 1.0], [1.0, 0.0]]),
        "x.max method": grads("np", lambda ns, x: x.max(axis=1), *TIES),
        "x.min method": grads("np", lambda ns, x: x.min(), *TIES),
        "np.max axis=()": grads("np", lambda ns, x: ns.np.max(x, axis=()), *TIES),
        "np.sum axis=()": grads("np", lambda ns, x: ns.np.sum(x, axis=()), *TIES),
        "np.clip one-sided (None, 1)": grads(
            "np", lambda ns, x: ns.np.clip(x, None, 1.0), [NAN, -1.0, 0.0, 1.0, 2.0]
        ),
        "np.clip one-sided (0, None)": grads(
            "np", lambda ns, x: ns.np.clip(x, 0.0, None), [NAN, -1.0, 0.0, 1.0, 2.0]
        ),
        "x.clip method": grads(
            "np", lambda ns, x: x.clip(0.0, 1.0), [NAN, -1.0, 0.0, 1.0, 2.0, INF]
        ),
        "np.around": grads("np", lambda ns, x: ns.np.around(x), *MIDPOINTS),
        "np.round decimals=1": values(
            "np", lambda ns, x: ns.np.round(x, 1), [0.25, 0.35, -0.25, 1.55, 2.675, 125.0]
        ),
        "nd.norm at 0": grads("nd", lambda ns, x: ns.nd.norm(x), [0.0, 0.0]),
        "nd.norm": grads("nd", lambda ns, x: ns.nd.norm(x, axis=1), [[3.0, 4.0], [0.0, 0.0]]),
        "nd.topk value ties": grads(
            "nd", lambda ns, x: ns.nd.topk(x, k=2, ret_typ="value"), [3.0, 1.0, 3.0, 3.0]
        ),
        "npx.topk value ties": grads(
            "np", lambda ns, x: ns.npx.topk(x, k=2, ret_typ="value"), [3.0, 1.0, 3.0, 3.0]
        ),
        "nd.topk indices ties": values("nd", lambda ns, x: ns.nd.topk(x, k=7), *SHORT_TIES),
        "nd.topk ascending ties": values(
            "nd", lambda ns, x: ns.nd.topk(x, k=7, is_ascend=True), *SHORT_TIES
        ),
        "nd.topk both": values("nd", lambda ns, x: ns.nd.topk(x, k=3, ret_typ="both"), *SHORT_TIES),
        "nd.topk mask": values("nd", lambda ns, x: ns.nd.topk(x, k=3, ret_typ="mask"), *SHORT_TIES),
        "nd.topk k=0 is the whole axis": values(
            "nd", lambda ns, x: ns.nd.topk(x, k=0), *SHORT_TIES
        ),
        "npx.topk indices ties": values("np", lambda ns, x: ns.npx.topk(x, k=7), *SHORT_TIES),
        "npx.topk mask": values(
            "np", lambda ns, x: ns.npx.topk(x, k=3, ret_typ="mask"), *SHORT_TIES
        ),
        "nd.argsort ties": values("nd", lambda ns, x: ns.nd.argsort(x), *SHORT_TIES),
        "nd.argsort descending ties": values(
            "nd", lambda ns, x: ns.nd.argsort(x, is_ascend=False), *SHORT_TIES
        ),
        "np.argsort ties": values("np", lambda ns, x: ns.np.argsort(x), *SHORT_TIES),
        "np.sort gradient": grads("np", lambda ns, x: ns.np.sort(x), [3.0, 1.0, 3.0, 1.0]),
        "nd.argmax ties and NaN": values(
            "nd",
            lambda ns, x: [ns.nd.argmax(x, axis=1), ns.nd.argmin(x, axis=1), ns.nd.argmax(x)],
            [[3.0, 1.0, 3.0, 1.0], [1.0, NAN, 3.0, NAN]],
        ),
        "np.argmax ties and NaN": values(
            "np",
            lambda ns, x: [ns.np.argmax(x, axis=1), ns.np.argmin(x, axis=1), ns.np.argmax(x)],
            [[3.0, 1.0, 3.0, 1.0], [1.0, NAN, 3.0, NAN]],
        ),
        "nd.modulo int by zero": values(
            "nd", lambda ns, a, b: ns.nd.modulo(a, b), [5, -5, 0, 7], [0, 0, 0, -3], dtype="int32"
        ),
        "np.mod int by zero": values(
            "np", lambda ns, a, b: ns.np.mod(a, b), [5, -5, 0, 7], [0, 0, 0, -3], dtype="int32"
        ),
        "np.maximum int and float scalar": values(
            "np", lambda ns, a: ns.np.maximum(a, 1.5), [1, 2], dtype="int32"
        ),
        "np.clip int": values(
            "np", lambda ns, a: ns.np.clip(a, 1.5, 3.5), [1, 2, 5], dtype="int32"
        ),
        "nd.clip int": values(
            "nd", lambda ns, a: ns.nd.clip(a, 1.5, 3.5), [1, 2, 5], dtype="int32"
        ),
        "nd.where 1-D condition picks rows": values(
            "nd",
            lambda ns, c, x, y: ns.nd.where(c, x, y),
            [1.0, 0.0, 1.0],
            [[1.0] * 3] * 3,
            [[0.0] * 3] * 3,
        ),
        "np.tril of 1-D": values(
            "np", lambda ns, x: [ns.np.tril(x), ns.np.tril(x, -1)], [1.0, 2.0, 3.0]
        ),
    }
)


@pytest.mark.parametrize("name", list(CASES))
def test_tie_and_kink_rules_match_real_mxnet(name):
    run_both(CASES[name])


def test_printed_zero_signs_match_real_mxnet():
    # relu(-0.0), rint(-0.4) and np.round(-0.5) print as MXNet prints them ("0." / "-0.").
    def program(ns):
        x = ns.np.array([-0.0, -0.4, -0.5, 0.5])
        return [str(ns.npx.relu(x)), str(ns.np.rint(x)), str(ns.np.round(x))]

    run_both(program)


# --- randomised: integer-valued data (ties everywhere) and broadcast shape pairs ---------------


@st.composite
def tied_pair(draw):
    """Two arrays of small integers with broadcast-compatible shapes (and a NaN sometimes)."""
    ndim = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(1, 3), min_size=ndim, max_size=ndim))
    other = [d if draw(st.booleans()) else 1 for d in shape]
    other = other[draw(st.integers(0, ndim - 1)) :]  # also fewer axes
    ints = st.integers(-2, 2).map(float)
    a = onp.array(
        draw(st.lists(ints, min_size=int(onp.prod(shape)), max_size=int(onp.prod(shape))))
    )
    b = onp.array(
        draw(st.lists(ints, min_size=int(onp.prod(other)), max_size=int(onp.prod(other))))
    )
    a, b = a.reshape(shape).astype("float32"), b.reshape(other).astype("float32")
    if draw(st.booleans()):
        a.reshape(-1)[draw(st.integers(0, a.size - 1))] = NAN
    if draw(st.booleans()):
        a, b = b, a
    return a, b


OPS = {
    "maximum": lambda mod, a, b: mod.maximum(a, b),
    "minimum": lambda mod, a, b: mod.minimum(a, b),
    "max(axis=-1)": lambda mod, a, b: mod.max(a * b, axis=-1),
    "min(keepdims)": lambda mod, a, b: mod.min(a + b, axis=0, keepdims=True),
    "max(all)": lambda mod, a, b: mod.max(a - b),
    "clip": lambda mod, a, b: mod.clip(a * b, -1.0, 1.0),
    "abs": lambda mod, a, b: mod.abs(a - b),
}


@given(pair=tied_pair(), op=st.sampled_from(sorted(OPS)), mod_name=st.sampled_from(["nd", "np"]))
def test_random_ties_match_real_mxnet(pair, op, mod_name):
    a0, b0 = pair

    def program(ns):
        mod = getattr(ns, mod_name)
        a, b = mod.array(a0), mod.array(b0)
        a.attach_grad()
        b.attach_grad()
        with ns.autograd.record():
            y = OPS[op](mod, a, b)
        y.backward()
        return [y, a.grad, b.grad]

    run_both(program)


# --- second derivatives: MXNet 1.9.1 has none for these; torch's away from ties, MXNet's rule
# (the whole first derivative to the chosen side) at them --------------------------------------


def _second_order(mod, ag, f, vals):
    x = mod.array(vals)
    x.attach_grad()
    with ag.record():
        y = f(x)
        g = ag.grad(y, [x], create_graph=True, retain_graph=True)[0]
        z = (g * x).sum()
    z.backward()
    return g.asnumpy(), x.grad.asnumpy()


SECOND_ORDER = {
    # name: (shim function of x, the same in plain torch)
    "nd.maximum": (
        lambda ns, x: ns.nd.maximum(x * x, 1.0),
        lambda x: torch.maximum(x * x, torch.tensor(1.0)),
    ),
    "nd.minimum": (
        lambda ns, x: ns.nd.minimum(x * x, 1.0),
        lambda x: torch.minimum(x * x, torch.tensor(1.0)),
    ),
    "nd.clip": (lambda ns, x: ns.nd.clip(x * x, 0.5, 2.0), lambda x: torch.clamp(x * x, 0.5, 2.0)),
    "nd.relu": (lambda ns, x: ns.nd.relu(x * x - 1), lambda x: torch.relu(x * x - 1)),
    "nd.max": (lambda ns, x: ns.nd.max(x * x), lambda x: torch.amax(x * x)),
    "np.max": (lambda ns, x: ns.np.max(x * x, axis=0), lambda x: torch.amax(x * x, dim=0)),
    "npx.relu": (lambda ns, x: ns.npx.relu(x * x - 1), lambda x: torch.relu(x * x - 1)),
    "npx.leaky_relu": (
        lambda ns, x: ns.npx.leaky_relu(x * x - 1, slope=0.1),
        lambda x: torch.nn.functional.leaky_relu(x * x - 1, 0.1),
    ),
}


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_derivatives_match_torch_away_from_ties(name):
    shim = namespace("mxnet", "torch")
    f, torch_f = SECOND_ORDER[name]
    vals = [-1.5, 0.5, 1.2, 2.0]
    mod = shim.np if name.startswith(("np", "npx")) else shim.nd
    g, gg = _second_order(mod, shim.autograd, lambda x: f(shim, x), vals)
    x = torch.tensor(vals, requires_grad=True)
    (tg,) = torch.autograd.grad(torch_f(x).sum(), x, create_graph=True)
    (tg * x).sum().backward()
    onp.testing.assert_allclose(g, tg.detach().numpy(), rtol=1e-6)
    onp.testing.assert_allclose(gg, x.grad.numpy(), rtol=1e-6)


def test_second_derivatives_at_ties_follow_mxnets_first_order_rule():
    # d/dx maximum(x*x, 1) is 2x where x*x >= 1 (ties included); so d/dx sum(x * 2x * mask) is
    # 4x * mask. Likewise for max over tied elements.
    shim = namespace("mxnet", "torch")
    nd, ag = shim.nd, shim.autograd
    vals = [-1.0, 0.5, 1.0, 2.0]
    g, gg = _second_order(nd, ag, lambda x: nd.maximum(x * x, 1.0), vals)
    assert g.tolist() == [-2.0, 0.0, 2.0, 4.0] and gg.tolist() == [-4.0, 0.0, 4.0, 8.0]
    g, gg = _second_order(nd, ag, lambda x: nd.max(x * x), [-2.0, 1.0, 2.0])
    assert g.tolist() == [-4.0, 0.0, 4.0] and gg.tolist() == [-8.0, 0.0, 8.0]


@pytest.mark.mxnet
@pytest.mark.parametrize("value", [-2.0, -1.0, 0.5, 1.0, 3.0])
def test_clip_under_a_tied_max_and_second_derivative(value):
    """clip's backward fed by max's (an NDArray gradient) and differentiated again: MXNet's
    values, and zero through clip's backward (a property found the first; MXNet the second)."""

    def program(mx):
        x = mx.nd.array([value, value])
        x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.max(mx.nd.clip(x, -1.0, 1.0))
        y.backward()
        first = x.grad.asnumpy()
        with mx.autograd.record():
            z = mx.nd.exp(mx.nd.clip(x, -1.0, 1.0))
            (g,) = mx.autograd.grad(z, [x], create_graph=True, retain_graph=True)
        g.backward()
        return first, g.asnumpy(), x.grad.asnumpy()

    run_both(program)
