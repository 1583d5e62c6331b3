"""``mxnet.np`` functions used by the second half of MXNet 1.9.1's ``test_numpy_op.py``, side by
side with real MXNet: sampler gradients, quantile dtypes, linalg corner cases, windows, ...

Samples differ between the backends (other generators), so the random cases compare what does
not depend on the draw: the gradient as a function of the sample, and the dtypes and shapes.
"""

from __future__ import annotations

import numpy as onp
import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet


@pytest.fixture(autouse=True, scope="module")
def _mxnet_numpy_semantics():
    import mxnet

    mxnet.npx.set_np()
    yield
    mxnet.npx.reset_np()


# ---------------------------------------------------------------------------------------------
# Sampler gradients: reparameterised samplers differentiate through their parameters, the
# others give zero gradients (the sample is still a node of the graph)
# ---------------------------------------------------------------------------------------------

# name -> (sampler of a parameter array a, expected d(sum out)/da at a = 1 from the sample)
_REPARAM = {
    "normal": (lambda np, a: np.random.normal(a, a, size=(2, 3)), lambda np, o: o),
    "exponential": (lambda np, a: np.random.exponential(a, size=(2, 3)), lambda np, o: o),
    "rayleigh": (lambda np, a: np.random.rayleigh(a, size=(2, 3)), lambda np, o: o),
    "gumbel": (lambda np, a: np.random.gumbel(a, a, size=(2, 3)), lambda np, o: o),
    "logistic": (lambda np, a: np.random.logistic(a, a, size=(2, 3)), lambda np, o: o),
    "pareto": (
        lambda np, a: np.random.pareto(a, size=(2, 3)),
        lambda np, o: -(o + 1) * np.log(o + 1),
    ),
    "weibull": (lambda np, a: np.random.weibull(a, size=(2, 3)), lambda np, o: -o * np.log(o)),
    "lognormal": (
        lambda np, a: np.random.lognormal(a, a, size=(2, 3)),
        lambda np, o: o * np.log(o),
    ),
}

_ZERO_GRAD = {
    "uniform": lambda np, a: np.random.uniform(a, a + 1, size=(2, 3)),
    "gamma": lambda np, a: np.random.gamma(a, a, size=(2, 3)),
    "beta": lambda np, a: np.random.beta(a, a, size=(2, 3)),
    "chisquare": lambda np, a: np.random.chisquare(a, size=(2, 3)),
    "power": lambda np, a: np.random.power(a, size=(2, 3)),
}


@pytest.mark.parametrize("name", sorted(_REPARAM))
def test_reparameterised_sampler_gradient(name):
    draw, expected = _REPARAM[name]

    def program(ns):
        np = ns.np
        a = np.ones((2, 3))
        a.attach_grad()
        with ns.autograd.record():
            out = draw(np, a)
        out.backward()
        return [a.grad.shape, str(a.grad.dtype), a.grad - expected(np, out)]

    run_both(program, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", sorted(_ZERO_GRAD))
def test_other_samplers_give_zero_gradients(name):
    def program(ns):
        np = ns.np
        a = np.ones((2, 3))
        a.attach_grad()
        with ns.autograd.record():
            out = _ZERO_GRAD[name](np, a)
        out.backward()
        return [out.shape, a.grad]

    run_both(program)


def test_sampler_gradient_sums_over_the_broadcast_size():
    def program(ns):
        np = ns.np
        a = np.ones((3,))
        a.attach_grad()
        with ns.autograd.record():
            out = np.random.exponential(a, size=(4, 3))
        out.backward()
        return [a.grad - out.sum(axis=0)]

    run_both(program, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# quantile / percentile: float64 stays, every other dtype gives float32
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "float16", "float32", "float64"])
def test_quantile_dtypes(dtype):
    def program(ns):
        np = ns.np
        a = np.array(onp.array([[1, 5, 2], [3, 4, 9]]), dtype=dtype)
        q = np.array([0.25, 0.5], dtype="float64")
        return [
            np.quantile(a, 0.3),
            np.quantile(a, q, axis=1, keepdims=True),
            np.percentile(a, 40, axis=0, interpolation="midpoint"),
            np.percentile(a, np.array([10.0, 90.0]), interpolation="nearest"),
        ]

    run_both(program, rtol=1e-3, atol=1e-3)
