"""MXNet 1.9.1's np operators that refuse two dtypes, side by side: maximum, minimum, arctan2,
hypot and where's branches raise MXNetError at the call, and so does a division of two floating
(or two integer) arrays of different dtypes (MXNet's kernel fails); other mixes promote as NumPy
does, a 0-d array like any other (torch ranks it with the Python numbers)."""

from __future__ import annotations

import pytest
from sbs import run_both

PAIRS = [("float32", "float64"), ("int32", "int64"), ("float16", "float32"), ("float32", "int32")]
DIVISION_PAIRS = [
    ("float32", "float64"),
    ("float64", "float16"),
    ("float32", "int32"),
    ("int32", "int64"),
]


@pytest.mark.mxnet
@pytest.mark.parametrize("op", ["maximum", "minimum", "arctan2", "hypot", "where", "add"])
@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
def test_strict_dtype_operators(op, pair):
    def program(mx):
        mx.npx.set_np()
        try:
            a = mx.np.ones((2,), dtype=pair[0])
            b = mx.np.ones((2,), dtype=pair[1]) * 2
            if op == "where":
                return mx.np.where(a > 0, a, b).asnumpy()
            return getattr(mx.np, op)(a, b).asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("form", ["function", "operator", "reflected"])
@pytest.mark.parametrize("shape", [(2,), ()], ids=["1d", "0d"])
@pytest.mark.parametrize("pair", DIVISION_PAIRS, ids="-".join)
def test_mixed_dtype_division(form, pair, shape):
    def program(mx):
        mx.npx.set_np()
        try:
            a = mx.np.ones((2, 2), dtype=pair[0])
            b = mx.np.ones(shape, dtype=pair[1]) * 2
            a.attach_grad()
            with mx.autograd.record():
                if form == "function":
                    z = mx.np.divide(a, b)
                elif form == "operator":
                    z = a / b
                else:
                    z = b / a
            z.backward()
            mx.nd.waitall()
            return a.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


ZERO_D_PAIRS = PAIRS + [("int32", "float64"), ("int8", "float16"), ("float64", "float32")]


@pytest.mark.mxnet
@pytest.mark.parametrize("form", ["add", "operator", "reflected", "multiply", "power", "divide"])
@pytest.mark.parametrize("pair", ZERO_D_PAIRS, ids="-".join)
def test_a_0d_array_promotes_like_any_array(form, pair):
    # torch ranks a 0-d tensor with the Python numbers (float32 + 0-d float64 is float32 there);
    # MXNet's np promotes it as an array (float64). Found by the mixed-dtype property.
    def program(mx):
        mx.npx.set_np()
        try:
            a = mx.np.array([1, 2, 3], dtype=pair[0])
            z = mx.np.array(2, dtype=pair[1])
            if form == "operator":
                r = a + z
            elif form == "reflected":
                r = z * a
            elif form == "divide":
                r = a / z
            else:
                r = getattr(mx.np, form)(a, z)
            return str(r.dtype), r.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_a_0d_float64_sum_makes_the_division_mixed_as_in_mxnet():
    # the property's example: sum of a float64 array (0-d) plus a float32 array is float64, so
    # the division by it is a recorded mixed-float division, whose backward MXNet refuses
    def program(mx):
        mx.npx.set_np()
        try:
            x0 = mx.np.array([-2.0], dtype="float32")
            x1 = mx.np.array([-2.0], dtype="float64")
            x0.attach_grad()
            x1.attach_grad()
            with mx.autograd.record():
                s = mx.np.sum(x1) + x0
                y = x0 / (s * s + 1)
            y.backward()
            mx.nd.waitall()
            return str(s.dtype), x0.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)
