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


# ---------------------------------------------------------------------------------------------
# linalg
# ---------------------------------------------------------------------------------------------

_NORMS = [
    ((2, 3, 4), 1, (2, 1)),
    ((2, 3, 4), "inf", 1),
    ((2, 3, 4), "-inf", (1, 0)),
    ((2, 3, 4), "fro", (0, 2)),
    ((2, 3, 4), "nuc", (0, 2)),
    ((2, 3, 4), -3.2, 2),
    ((2, 3), -1, None),
    ((2, 3, 4), None, (0, 2)),
    ((2, 3, 4), None, None),
]


@pytest.mark.parametrize("shape, ord_, axis", _NORMS)
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_orders_and_axes(shape, ord_, axis, keepdims):
    data = onp.random.RandomState(0).uniform(-5, 5, size=shape)

    def program(ns):
        np = ns.np
        a = np.array(data)
        a.attach_grad()
        with ns.autograd.record():
            r = np.linalg.norm(a, ord=ord_, axis=axis, keepdims=keepdims)
        r.backward()
        return [r, a.grad]

    run_both(program, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8", "int32"])
def test_eig_family_dtypes(dtype):
    def program(ns):
        np = ns.np
        a = np.array(onp.diag([3.0, 1.0, 2.0]), dtype=dtype)
        w, v = np.linalg.eig(a)
        wh, vh = np.linalg.eigh(a)
        return [
            np.sort(w),
            np.abs(v).sum(),
            wh,
            np.abs(vh).sum(),
            np.sort(np.linalg.eigvals(a)),
            np.linalg.eigvalsh(a, UPLO="U"),
            [str(x.dtype) for x in (w, v, wh, vh)],
            np.linalg.eigvals(np.ones((2, 0, 0), dtype=dtype)).shape,
        ]

    run_both(program)


def test_complex_eigenvalues_raise():
    def program(ns):
        return ns.np.linalg.eigvals(ns.np.array([[1.0, -1.0], [1.0, 1.0]]))

    run_both(program)


def test_svd_is_mxnet_reduced_form_with_gradient():
    data = onp.arange(15.0).reshape(3, 5) ** 1.5

    def program(ns):
        np = ns.np
        a = np.array(data)
        a.attach_grad()
        with ns.autograd.record():
            ut, s, v = np.linalg.svd(a)
            total = s.sum()
        total.backward()
        recon = np.matmul(ut * s.reshape(1, -1), v)
        return [ut.shape, s, v.shape, recon, np.abs(a.grad)]

    run_both(program, rtol=1e-4, atol=1e-4)


def test_svd_of_a_tall_matrix_raises():
    run_both(lambda ns: ns.np.linalg.svd(ns.np.ones((5, 3))))


@pytest.mark.parametrize(
    "a_shape, b_shape, axes",
    [
        ((), (), None),
        ((1, 1, 1), (), None),
        ((1, 1), (1,), None),
        ((6, 2, 3), (6,), None),
        ((2, 3, 6), (6,), (0, 1)),
        ((1, 1), (1, 1, 1, 1, 1), None),
    ],
)
def test_tensorsolve_shapes(a_shape, b_shape, axes):
    rng = onp.random.RandomState(1)
    n = int(onp.prod(b_shape))
    a_data = (onp.eye(n) * 3 + rng.uniform(-0.5, 0.5, (n, n))).reshape(a_shape)
    if axes is not None:
        a_data = onp.moveaxis(a_data.reshape((6, 2, 3)), 0, 2)
    b_data = rng.uniform(-1, 1, b_shape)

    def program(ns):
        np = ns.np
        a, b = np.array(a_data), np.array(b_data)
        a.attach_grad()
        with ns.autograd.record():
            x = np.linalg.tensorsolve(a, b, axes=axes)
        x.backward()
        return [x, a.grad]

    run_both(program, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------------------------
# around of integers, unique with indices, windows
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "float32", "float64"])
@pytest.mark.parametrize("decimals", [-2, -1, 0, 1])
def test_around_integers_truncate_dropped_digits(dtype, decimals):
    values = onp.array([-37, -25, -15, -3, 0, 4, 15, 25, 37, 99])
    if dtype == "uint8":
        values = onp.abs(values)
    if dtype.startswith("float"):
        values = values / 4

    def program(ns):
        np = ns.np
        x = np.array(values, dtype=dtype)
        return [
            np.around(x, decimals),
            np.round(x, decimals),
            np.around(np.array(values[0], dtype=dtype), decimals),
        ]

    run_both(program)


@pytest.mark.parametrize(
    "shape, axis",
    [((), None), ((7,), 0), ((2, 5), None), ((2, 5), 1), ((3, 2, 2), 0), ((5, 0, 4), None)],
)
@pytest.mark.parametrize("dtype", ["float32", "int8", "int64"])
def test_unique_with_index_inverse_counts(shape, axis, dtype):
    data = onp.random.RandomState(2).randint(-2, 3, size=shape)

    def program(ns):
        np = ns.np
        x = np.array(data, dtype=dtype)
        full = np.unique(x, True, True, True, axis)
        return [list(full), np.unique(x, return_counts=True, axis=axis), np.unique(x, axis=axis)]

    run_both(program)


@pytest.mark.parametrize("name", ["hanning", "hamming", "blackman"])
@pytest.mark.parametrize("m", [-3, 0, 1, 2, 7])
def test_windows(name, m):
    def program(ns):
        f = getattr(ns.np, name)
        return [f(m), f(M=m, dtype="float64")]

    run_both(program)


@pytest.mark.parametrize("dtype", [None, "int8", "float64", onp.bool_])
def test_empty_like_positional_arguments(dtype):
    def program(ns):
        np = ns.np
        proto = np.ones((2, 3), dtype="float16")
        r = np.empty_like(proto, dtype, "C", False)
        return [r.shape, str(r.dtype)]

    run_both(program)


@pytest.mark.parametrize("kwargs", [{"shape": (4,)}, {"subok": True}, {"order": "F"}])
def test_empty_like_refuses_what_mxnet_refuses(kwargs):
    run_both(lambda ns: ns.np.empty_like(ns.np.ones((2, 3)), **kwargs))


@pytest.mark.parametrize(
    "a_shape, idx_shape, axis",
    [((), (), None), ((3, 4), (), 0), ((3, 4, 5), (), -3), ((), (5,), None)],
)
def test_take_with_0d_operands(a_shape, idx_shape, axis):
    def program(ns):
        np = ns.np
        a = np.arange(int(onp.prod(a_shape))).reshape(a_shape).astype("float32")
        idx = np.zeros(idx_shape, dtype="int32")
        a.attach_grad()
        with ns.autograd.record():
            r = np.take(a, idx, axis=axis, mode="clip")
        r.backward()
        return [r, a.grad]

    run_both(program)


@pytest.mark.parametrize("dtype", ["float16", "float32", "int8", "bool"])
@pytest.mark.parametrize("axis", [None, 0, 1])
def test_cumsum_rounds_like_mxnet(dtype, axis):
    data = onp.random.RandomState(3).randn(4, 24)

    def program(ns):
        np = ns.np
        x = np.array(data, dtype=dtype)
        out = [np.cumsum(x, axis=axis), x.cumsum(axis=axis), np.cumsum(x, axis, "float64")]
        if dtype.startswith("float"):
            x.attach_grad()
            with ns.autograd.record():
                y = np.cumsum(x, axis=axis)
            y.backward()
            out.append(x.grad)
        return out

    run_both(program, rtol=1e-6, atol=1e-6)  # float16 sums must match to the last bit


# ---------------------------------------------------------------------------------------------
# ufunc keywords and out= of the element-wise functions
# ---------------------------------------------------------------------------------------------

_UFUNC_KWARGS = [
    {"where": False},
    {"where": True},
    {"subok": False},
    {"dtype": "int8"},
    {"dtype": "abcdefg"},
    {"casting": "safe"},
    {"casting": "mxnet"},
    {"order": "C"},
    {"order": "K"},
    {"foo": 1},
]


@pytest.mark.parametrize("name", ["sin", "isnan", "isposinf", "isneginf", "isfinite", "add"])
@pytest.mark.parametrize("kwargs", _UFUNC_KWARGS, ids=str)
def test_ufunc_keywords_are_refused_as_mxnet_refuses_them(name, kwargs):
    def program(ns):
        np = ns.np
        x = np.array([1.0, float("nan"), float("inf"), -float("inf")])
        f = getattr(np, name)
        return f(x, x, **kwargs) if name == "add" else f(x, **kwargs)

    run_both(program)


@pytest.mark.parametrize("name", ["isnan", "isinf", "isposinf", "isneginf", "isfinite"])
@pytest.mark.parametrize("out_dtype", ["bool", "float32"])
def test_predicate_out_must_be_bool(name, out_dtype):
    def program(ns):
        np = ns.np
        x = np.array([1.0, float("nan"), float("inf"), -float("inf")])
        out = np.zeros((4,), dtype=out_dtype)
        r = getattr(np, name)(x, out=out)
        return [r, out, getattr(np, name)(np.array([-1, 0, 1], dtype="int32"))]

    run_both(program)


def test_unary_out_of_another_dtype_raises():
    run_both(lambda ns: ns.np.sin(ns.np.ones((2,)), out=ns.np.zeros((2,), dtype="float64")))


@pytest.mark.parametrize("value", [3.0, 0.0])
def test_npx_nonzero_of_a_0d_array(value):
    def program(ns):
        r = ns.npx.nonzero(ns.np.array(value))
        return [r.shape, str(r.dtype), r]

    run_both(program)


_OUT_SAMPLERS = {
    "normal": (0.0, 1.0),
    "uniform": (0.0, 1.0),
    "gamma": (2.0,),
    "exponential": (),
    "pareto": (2.0,),
    "rayleigh": (),
    "weibull": (2.0,),
    "gumbel": (),
    "logistic": (),
}


@pytest.mark.parametrize("name", sorted(_OUT_SAMPLERS))
def test_samplers_write_into_out(name):
    def program(ns):
        np = ns.np
        out = np.zeros((2, 3))
        r = getattr(np.random, name)(*_OUT_SAMPLERS[name], size=(2, 3), out=out)
        return [r is out, bool((out != 0).all()), r.shape, str(r.dtype)]

    run_both(program)


def test_lognormal_out_holds_the_normal_draw():
    def program(ns):
        np = ns.np
        out = np.zeros((2, 3))
        r = np.random.lognormal(size=(2, 3), out=out)
        return [r is out, np.log(r) - out]

    run_both(program, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("size", [(4, 0, 5), (2, 3)])
def test_beta_shapes_and_dtypes(dtype, size):
    def program(ns):
        r = ns.np.random.beta(ns.np.array([2.0]), ns.np.array([3.0]), size=size, dtype=dtype)
        return [r.shape, str(r.dtype), bool(((r >= 0) & (r <= 1)).all())]

    run_both(program)
