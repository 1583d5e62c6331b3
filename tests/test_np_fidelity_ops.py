"""The ``np``/``npx`` functions MXNet 1.9.1's own ``test_numpy_op.py`` uses that the shim lacked
(``pad``, ``insert``, ``delete``, ``diff``, ``quantile``, ``histogram``, ``take``, the extra
``np.random`` distributions, ``npx.random``, ...), side by side with real MXNet.

Deterministic functions compare values and dtypes; random ones compare shapes and dtypes, and
their statistics are checked on the shim against the distribution's mean.
"""

from __future__ import annotations

import numpy as onp
import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet

A = onp.array([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]], dtype=onp.float32)
I4 = onp.array([3, 1, 2, 2], dtype=onp.int32)


@pytest.fixture(autouse=True, scope="module")
def _mxnet_numpy_semantics():
    import mxnet

    mxnet.npx.set_np()
    yield
    mxnet.npx.reset_np()


def _a(np):
    return np.array(A)


CASES = {
    "atleast_1d": lambda np: np.atleast_1d(np.array(3.0), _a(np)),
    "atleast_2d": lambda np: np.atleast_2d(np.array([1.0, 2.0])),
    "atleast_3d": lambda np: np.atleast_3d(np.array([1.0, 2.0])),
    "average_axis_weights": lambda np: np.average(
        _a(np), axis=1, weights=np.array([1.0, 2.0, 3.0])
    ),
    "average_returned": lambda np: np.average(_a(np), weights=_a(np), returned=True),
    "average_plain": lambda np: np.average(_a(np), axis=0),
    "bincount": lambda np: np.bincount(np.array(I4)),
    "bincount_weights": lambda np: np.bincount(
        np.array(I4), weights=np.array([1.0, 2.0, 3.0, 4.0]), minlength=6
    ),
    "delete_axis": lambda np: np.delete(_a(np), 1, axis=1),
    "delete_slice": lambda np: np.delete(_a(np), slice(0, 2), axis=1),
    "delete_array": lambda np: np.delete(_a(np), np.array([0, 4], dtype="int64")),
    "delete_list_is_refused": lambda np: np.delete(_a(np), [0, 2]),
    "diag_indices_from": lambda np: np.diag_indices_from(np.ones((3, 3))),
    "diagflat": lambda np: np.diagflat(np.array([1.0, 2.0]), k=1),
    "diagonal": lambda np: np.diagonal(_a(np)),
    "diff": lambda np: np.diff(_a(np)),
    "diff_n2": lambda np: np.diff(_a(np), n=2, axis=1),
    "diff_axis0": lambda np: np.diff(_a(np), axis=0),
    "diff_int": lambda np: np.diff(np.array(I4)),
    "dsplit": lambda np: np.dsplit(np.arange(8).reshape(1, 2, 4), 2),
    "ediff1d": lambda np: np.ediff1d(_a(np), to_end=np.array([9.0]), to_begin=np.array([7.0, 8.0])),
    "histogram_range": lambda np: np.histogram(_a(np), bins=4, range=(0.0, 8.0)),
    "histogram_auto_range": lambda np: np.histogram(_a(np), bins=3),
    "indices": lambda np: np.indices((2, 3)),
    "insert_flat_array": lambda np: np.insert(_a(np), 2, np.array([7.0, 8.0])),
    "insert_int_scalar": lambda np: np.insert(np.array(I4), 1, 5),
    "insert_indices": lambda np: np.insert(
        np.arange(5), np.array([1, 3], dtype="int64"), np.array([10.0, 20.0])
    ),
    "logspace": lambda np: np.logspace(0, 2, 3),
    "logspace_open": lambda np: np.logspace(0, 2, 4, endpoint=False, base=2.0),
    "nan_to_num": lambda np: np.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0])),
    "pad_constant": lambda np: np.pad(_a(np), ((1, 1), (2, 0))),
    "pad_int_width_is_refused": lambda np: np.pad(_a(np), 1),
    "pad_edge": lambda np: np.pad(_a(np), ((1, 2), (2, 1)), mode="edge"),
    "pad_reflect": lambda np: np.pad(_a(np), ((1, 1), (2, 2)), mode="reflect"),
    "pad_symmetric": lambda np: np.pad(_a(np), ((1, 1), (2, 1)), mode="symmetric"),
    "pad_maximum": lambda np: np.pad(_a(np), ((1, 1), (1, 1)), mode="maximum"),
    "pad_minimum": lambda np: np.pad(_a(np), ((1, 0), (0, 1)), mode="minimum"),
    "percentile": lambda np: np.percentile(_a(np), 40),
    "percentile_axis_keepdims": lambda np: np.percentile(
        _a(np), np.array([10.0, 50.0]), axis=1, keepdims=True
    ),
    "percentile_lower": lambda np: np.percentile(_a(np), 30, interpolation="lower"),
    "percentile_higher": lambda np: np.percentile(_a(np), 30, interpolation="higher"),
    "percentile_midpoint": lambda np: np.percentile(_a(np), 30, interpolation="midpoint"),
    "quantile_axis0": lambda np: np.quantile(_a(np), 0.4, axis=0),
    "quantile_int": lambda np: np.quantile(np.array(I4), 0.5),
    "polyval": lambda np: np.polyval(np.array([1.0, 2.0, 3.0]), _a(np)),
    "resize": lambda np: np.resize(_a(np), (4, 4)),
    "rot90": lambda np: np.rot90(_a(np)),
    "rot90_k_axes": lambda np: np.rot90(_a(np), k=-1, axes=(1, 0)),
    "take_flat": lambda np: np.take(_a(np), np.array([0, 4])),
    "take_axis": lambda np: np.take(_a(np), np.array([2, 0]), axis=1),
    "take_clip": lambda np: np.take(_a(np), np.array([5, -1]), axis=1, mode="clip"),
    "take_wrap": lambda np: np.take(_a(np), np.array([5, -1]), axis=1, mode="wrap"),
    "unravel_index_int": lambda np: np.unravel_index(4, (2, 3)),
    "bool_is_pythons": lambda np: [np.bool is bool, np.ones(2, dtype=np.bool).asnumpy().dtype.name],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_np_function(case):
    def program(ns):
        r = CASES[case](ns.np)
        seq = r if isinstance(r, list | tuple) else [r]
        return [
            r,
            [x.asnumpy().dtype.name if hasattr(x, "asnumpy") else type(x).__name__ for x in seq],
        ]

    run_both(program)


def test_pad_and_insert_gradients():
    def program(ns):
        np = ns.np
        x = np.array(A)
        x.attach_grad()
        with ns.autograd.record():
            y = np.pad(x, ((1, 1), (1, 0)), mode="constant") * 2
            z = (y * y).sum() + (np.diff(x, axis=1) ** 2).sum()
        z.backward()
        return [z, x.grad]

    run_both(program)


RANDOM = {
    "beta": lambda np, npx: np.random.beta(2.0, 3.0, size=(2,)),
    "beta_array": lambda np, npx: np.random.beta(np.array([2.0, 3.0]), 3.0),
    "chisquare": lambda np, npx: np.random.chisquare(3.0, size=2),
    "exponential": lambda np, npx: np.random.exponential(2.0, size=(2,)),
    "exponential_scalar": lambda np, npx: np.random.exponential(),
    "gamma": lambda np, npx: np.random.gamma(2.0, 2.0, size=2),
    "gamma_array": lambda np, npx: np.random.gamma(np.array([1.0, 2.0])),
    "gamma_float64": lambda np, npx: np.random.gamma(2.0, size=2, dtype="float64"),
    "lognormal": lambda np, npx: np.random.lognormal(0.0, 1.0, size=2),
    "multinomial": lambda np, npx: np.random.multinomial(10, [0.2, 0.8], size=3),
    "multinomial_one": lambda np, npx: np.random.multinomial(10, [0.2, 0.8]),
    "multivariate_normal": lambda np, npx: np.random.multivariate_normal(
        np.zeros(2), np.eye(2), size=3
    ),
    "pareto": lambda np, npx: np.random.pareto(2.0, size=2),
    "rayleigh": lambda np, npx: np.random.rayleigh(2.0, size=2),
    "weibull": lambda np, npx: np.random.weibull(2.0, size=2),
    "weibull_array": lambda np, npx: np.random.weibull(np.array([1.0, 2.0])),
    "gumbel": lambda np, npx: np.random.gumbel(1.0, 2.0, size=(2, 2)),
    "logistic": lambda np, npx: np.random.logistic(size=3),
    "power": lambda np, npx: np.random.power(2.0, size=3),
    "npx_bernoulli": lambda np, npx: npx.random.bernoulli(0.3, size=(2,)),
    "npx_bernoulli_logit": lambda np, npx: npx.random.bernoulli(logit=np.array([0.0, 1.0])),
    "npx_bernoulli_int32": lambda np, npx: npx.random.bernoulli(0.3, size=3, dtype="int32"),
    "npx_normal_n": lambda np, npx: npx.random.normal_n(np.zeros(2), 1.0, batch_shape=(3,)),
    "npx_uniform_n": lambda np, npx: npx.random.uniform_n(0.0, 1.0, batch_shape=(3,)),
    "npx_uniform_n_arrays": lambda np, npx: npx.random.uniform_n(
        np.zeros((2,)), np.ones((2,)), batch_shape=(4, 3)
    ),
}


@pytest.mark.parametrize("case", sorted(RANDOM))
def test_random_shapes_and_dtypes(case):
    def program(ns):
        r = RANDOM[case](ns.np, ns.npx)
        return [r.shape, r.asnumpy().dtype.name, str(type(r))]

    run_both(program)


MEANS = {
    "gamma": (lambda np: np.random.gamma(2.0, 3.0, size=20000), 6.0),
    "beta": (lambda np: np.random.beta(2.0, 3.0, size=20000), 0.4),
    "chisquare": (lambda np: np.random.chisquare(3.0, size=20000), 3.0),
    "exponential": (lambda np: np.random.exponential(2.0, size=20000), 2.0),
    "lognormal": (lambda np: np.random.lognormal(0.0, 0.5, size=20000), onp.exp(0.125)),
    "pareto": (lambda np: np.random.pareto(3.0, size=20000), 0.5),
    "rayleigh": (lambda np: np.random.rayleigh(2.0, size=20000), 2.0 * onp.sqrt(onp.pi / 2)),
    "weibull": (lambda np: np.random.weibull(2.0, size=20000), 0.886227),
    "gumbel": (lambda np: np.random.gumbel(1.0, 2.0, size=20000), 1.0 + 2.0 * 0.5772157),
    "logistic": (lambda np: np.random.logistic(3.0, 1.0, size=20000), 3.0),
    "power": (lambda np: np.random.power(2.0, size=20000), 2.0 / 3.0),
}


@pytest.mark.parametrize("case", sorted(MEANS))
def test_random_means_on_the_shim(case):
    from autograd_compat.mxnet_on_torch import numpy as np

    np.random.seed(0)
    draw, mean = MEANS[case]
    assert abs(float(draw(np).mean()) - mean) < 0.05 * mean
