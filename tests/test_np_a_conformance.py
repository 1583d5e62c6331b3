"""``np`` behaviours that MXNet 1.9.1's ``test_numpy_ndarray.py``/``test_numpy_op.py`` rely on.

Each case runs one program on real MXNet and on the MXNet dialect on torch (``tests/sbs.py``)
and compares values, printed type names and exception classes.
"""

from __future__ import annotations

import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet


def _blocks(ns):
    HybridBlock = ns.gluon.HybridBlock  # noqa: N806 - a class

    class Mixed(HybridBlock):
        def hybrid_forward(self, F, x):  # noqa: N803 - MXNet's signature
            return x.as_nd_ndarray() + 1, F.np.multiply(x, x)

    class Legacy(HybridBlock):
        def hybrid_forward(self, F, x):  # noqa: N803
            return x + x, x * x

    return Mixed, Legacy


@pytest.mark.parametrize("hybridize", [False, True])
def test_np_mode_refuses_legacy_block_outputs(hybridize):
    def program(ns):
        mixed, _ = _blocks(ns)
        net = mixed()
        if hybridize:
            net.hybridize()
        ns.npx.set_np()
        try:
            return net(ns.np.ones((2, 3)))
        finally:
            ns.npx.reset_np()

    err = run_both(program)
    assert isinstance(err, TypeError) and "mxnet.numpy.ndarray" in str(err)


def test_legacy_mode_keeps_legacy_block_outputs():
    def program(ns):
        _, legacy = _blocks(ns)
        out = legacy()(ns.nd.ones((2, 3)))
        return [str(type(o)) for o in out] + list(out)

    run_both(program)


def test_np_arrays_count_as_legacy_ndarrays():
    # MXNet's np.ndarray subclasses nd.NDArray; its tests branch on isinstance(x, nd.NDArray).
    def program(ns):
        x, y = ns.np.ones((2,)), ns.nd.ones((2,))
        return [
            isinstance(x, ns.nd.NDArray),
            isinstance(y, ns.nd.NDArray),
            isinstance(y, ns.np.ndarray),
            isinstance(1.5, ns.nd.NDArray),
            str(type(x)),
            str(type(y)),
        ]

    run_both(program)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("scalar", [1.5, 4])
def test_scalar_mod_array_gradient(dtype, scalar):
    def program(ns):
        x = ns.np.array([[1.3, 2.1, 0.7], [3.5, 1.1, 2.6]], dtype=dtype)
        x.attach_grad()
        with ns.autograd.record():
            y = scalar % x
        y.backward()
        return [y, x.grad, str(y.dtype)]

    run_both(program)


def test_comparison_heads_give_zero_gradients():
    # MXNet records comparisons; backward() on their bool result writes zeros into the variables.
    @_np_mode
    def program(ns):
        np = ns.np
        x = np.array([1.0, 2.0, 3.0])
        z = np.array([1.0, 0.0, 3.0])
        x.attach_grad()
        z.attach_grad()
        x.grad[:] = 5
        out = []
        with ns.autograd.record():
            y = x == z
        y.backward()
        out += [y, x.grad.copy(), z.grad.copy()]
        x.grad[:] = 5
        with ns.autograd.record():
            y = 2 < x * 2
        y.backward()
        out += [y, x.grad.copy()]
        with ns.autograd.record():
            y = np.ones(2) > 0
        y.backward()  # nothing recorded behind it: MXNet's error
        return out

    err = run_both(program)
    assert "computational graph" in str(err)


def _np_mode(program):
    def run(ns):
        ns.npx.set_np()
        try:
            return program(ns)
        finally:
            ns.npx.reset_np()

    return run


def test_sort_argsort_squeeze_arange_edges():
    @_np_mode
    def program(ns):
        np = ns.np
        m = np.array([[3.0, 1.0], [2.0, 0.0]])
        out = [np.argsort(m, None), np.sort(m, None), np.argsort(np.array(2.0), None)]
        out += [np.squeeze(np.array(2.0), a) for a in (-1, 0, (0,))]
        for c in [(1, -10, 4), (2, -3), (0, 0, -2), (0, 5, None), (-4, 0, -5)]:
            for dt in ["int32", "float16", None]:
                r = np.arange(*c, dtype=dt)
                out += [r, r.shape, str(r.dtype)]
        return out

    run_both(program)


def test_arange_zero_step():
    run_both(lambda ns: ns.np.arange(0, 5, 0))


def test_delete_slices_and_index_arrays():
    @_np_mode
    def program(ns):
        np = ns.np
        a = np.arange(6.0)
        out = [np.delete(a, slice(5, None, -2)), np.delete(a, slice(None, None, -5))]
        out.append(np.delete(a, slice(2, 0, None)))  # an empty range deletes nothing
        out.append(np.delete(a, np.array([-1, 6, 2, 2], dtype="int32")))  # ignored: -1, 6
        out.append(np.delete(np.ones(()), slice(0, 2, None)).shape)
        return out

    run_both(program)


def test_delete_integer_out_of_range():
    run_both(_np_mode(lambda ns: ns.np.delete(ns.np.arange(6.0), 7)))


def test_clip_method_keywords_and_missing_bounds():
    @_np_mode
    def program(ns):
        a = ns.np.array([-2.0, 0.5, 3.0])
        out = [a.clip(min=0.0, max=1.0), a.clip(0.0), a.clip(max=1.0)]
        try:
            ns.np.clip(a, None, None)
        except ValueError as e:
            out.append(str(e))
        return out

    run_both(program)


@pytest.mark.parametrize("ok", [True, False])
def test_constraint_check(ok):
    @_np_mode
    def program(ns):
        np = ns.np
        flags = np.ones((2, 3), dtype="bool") if ok else np.zeros((2,), dtype="bool")
        r = ns.npx.constraint_check(flags, "condition violated")
        return [r, str(r.dtype), r.shape, np.array([1.0, 2.0]) * r]

    err = run_both(program)
    if not ok:
        assert isinstance(err, ValueError) and "condition violated" in str(err)


def test_constraint_check_needs_bool():
    run_both(_np_mode(lambda ns: ns.npx.constraint_check(ns.np.ones((2,)), "m")))


_BAD_PARAMETERS = {
    "lognormal": lambda ns: ns.np.random.lognormal(sigma=-1),
    "lognormal_array": lambda ns: ns.np.random.lognormal(sigma=ns.np.array(-1.0)),
    "exponential": lambda ns: ns.np.random.exponential(scale=-1),
    "exponential_array": lambda ns: ns.np.random.exponential(scale=ns.np.array([-1.0])),
    "rayleigh": lambda ns: ns.np.random.rayleigh(scale=-1),
    "pareto": lambda ns: ns.np.random.pareto(a=0),
    "power": lambda ns: ns.np.random.power(a=-1),
    "weibull": lambda ns: ns.np.random.weibull(a=0),
    "gamma_scale": lambda ns: ns.np.random.gamma(1, 0),
    "gamma_shape_array": lambda ns: ns.np.random.gamma(ns.np.array(0), ns.np.array(1)),
    "bernoulli": lambda ns: ns.npx.random.bernoulli(prob=ns.np.array([1.5])),
}


@pytest.mark.parametrize("case", sorted(_BAD_PARAMETERS))
def test_sampler_parameter_checks(case):
    err = run_both(_np_mode(lambda ns: _BAD_PARAMETERS[case](ns).asnumpy()))
    assert isinstance(err, ValueError)


def test_samplers_at_parameter_edges_and_float16():
    @_np_mode
    def program(ns):
        r = ns.np.random
        return [
            r.exponential(scale=0, size=(2,)),
            r.rayleigh(scale=0),
            r.gamma(1, size=(2, 3), dtype="float16").shape,
            str(r.gamma(1, size=(2,), dtype="float16").dtype),
        ]

    run_both(program)


def test_linspace_values_as_mxnet():
    # MXNet computes start + i * step in double precision, then converts (integers truncate).
    @_np_mode
    def program(ns):
        out = []
        for c in [(0.0, 1.0, 10), (-2, 4, 30), (5.234324, 8.98324, 324), (0, -8.5, 20), (1, 5, 1)]:
            for dt in ["int32", "float16", "float32", "float64"]:
                for endpoint in (True, False):
                    r = ns.np.linspace(*c, endpoint=endpoint, dtype=dt)
                    out += [r, str(r.dtype)]
        return out

    run_both(program, rtol=0, atol=0)


def test_linspace_rejects_fractional_num():
    run_both(_np_mode(lambda ns: ns.np.linspace(0, 1, 2.5)))


_NEGATIVE_STEP_KEYS = {
    "reverse_axis0": lambda np: (slice(None, None, -1), 2, slice(1, 5), 1),
    "reverse_last": lambda np: (Ellipsis, slice(6, 1, -2)),
    "advanced_and_reverse": lambda np: (
        1,
        [2],
        np.array([[3]], dtype="int32"),
        slice(None, None, -1),
    ),
    "numpy_int": lambda np: (slice(None, None, -1), onp_int(2)),
}


def onp_int(i):
    import numpy

    return numpy.int64(i)


@pytest.mark.parametrize("case", sorted(_NEGATIVE_STEP_KEYS))
def test_negative_step_get_and_set(case):
    @_np_mode
    def program(ns):
        np = ns.np
        x = np.arange(3 * 4 * 5 * 8, dtype="float32").reshape(3, 4, 5, 8)
        key = _NEGATIVE_STEP_KEYS[case](np)
        got = x[key]
        y = x.copy()
        y[key] = np.arange(got.size, dtype="int32").reshape(got.shape) + 1000  # converted
        z = x.copy()
        z[key] = -1.0
        return [got, y, z]

    run_both(program)


def test_setitem_value_with_leading_unit_axes():
    @_np_mode
    def program(ns):
        np = ns.np
        x = np.zeros((3, 8, 4))
        x[1, ::-2] = np.arange(4.0).reshape(1, 1, 4)
        return x

    run_both(program)


def test_var_std_ddof_and_transpose_none():
    @_np_mode
    def program(ns):
        np = ns.np
        x = np.arange(24.0).reshape(2, 3, 4)
        return [
            np.var(x, axis=1, ddof=1),
            x.std(axis=0, ddof=1, keepdims=True),
            np.var(x, 0, None, None, 1),  # ddof is the fifth positional parameter
            np.std(x, axis=(), ddof=1),  # NaN: one element per "axis"
            np.var(x, axis=()),
            x.var(),
            x.transpose(None),
            np.transpose(x, None),
        ]

    run_both(program)


@pytest.mark.parametrize("name", ["bitwise_not", "invert"])
@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "bool", "float32"])
def test_bitwise_not(name, dtype):
    @_np_mode
    def program(ns):
        r = getattr(ns.np, name)(ns.np.array([1, 0, 3], dtype=dtype))
        return [r, str(r.dtype), getattr(ns.np, name)(5)]

    run_both(program)


_MINUS_TWO = [((5,), (3, 4, -2)), ((5,), (0, -2)), ((1, 0), (2, -2, -2)), ((3, 4), (1, 0, -2, 4))]


@pytest.mark.parametrize("src, dst", _MINUS_TWO)
def test_broadcast_to_keeps_size_for_minus_two(src, dst):
    @_np_mode
    def program(ns):
        a = ns.np.arange(float(max(1, int(onp_prod(src))))).reshape(-1)[: onp_prod(src)]
        a = a.reshape(src)
        a.attach_grad()
        with ns.autograd.record():
            r = ns.np.broadcast_to(a, dst)
        r.backward()
        return [r, a.grad]

    run_both(program)


def onp_prod(shape):
    import math

    return math.prod(shape)
