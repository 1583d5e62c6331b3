"""MXNet 1.9.1's np operators that refuse two dtypes, side by side: maximum, minimum, arctan2,
hypot and where's branches raise MXNetError at the call; a recorded division of two floating
arrays of different dtypes raises at backward; other mixes promote as NumPy does."""

from __future__ import annotations

import pytest
from sbs import run_both

PAIRS = [("float32", "float64"), ("int32", "int64"), ("float16", "float32"), ("float32", "int32")]
DIVISION_PAIRS = [("float32", "float64"), ("float64", "float16"), ("float32", "int32")]


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
@pytest.mark.parametrize(
    "pair", [("float32", "float64"), ("float64", "float16"), ("float32", "int32")], ids="-".join
)
def test_mixed_float_division_backward(form, pair):
    def program(mx):
        mx.npx.set_np()
        try:
            a = mx.np.ones((2, 2), dtype=pair[0])
            b = mx.np.ones((2,), dtype=pair[1]) * 2
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
