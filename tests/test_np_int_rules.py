"""MXNet 1.9.1's np on integer arrays, side by side: a Python float meets an integer array in its
dtype (C's conversion), float functions of integer arrays return the integer dtype, integer % by
zero gives 0; true division stays float."""

from __future__ import annotations

import pytest
from sbs import run_both

UNARY = (
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp expm1 log log2 "
    "log10 log1p sqrt cbrt square reciprocal abs negative sign floor ceil trunc fix rint degrees "
    "radians"
).split()
DTYPES = ["int32", "int64", "uint8", "int8"]


def _values(dtype):
    return [0, 1, 2, 3, 5, 100] if dtype == "uint8" else [-3, -1, 0, 1, 2, 3, 5, 100]


def _np(mx, program):
    mx.npx.set_np()
    try:
        return program(mx.np)
    finally:
        mx.npx.reset_np()


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_float_functions_of_integer_arrays_keep_the_dtype(name, dtype):
    def program(np):
        r = getattr(np, name)(np.array(_values(dtype), dtype=dtype))
        return str(r.dtype), r.asnumpy()

    run_both(lambda mx: _np(mx, program))


OPERATORS = {
    "x/2.5": lambda np, x: x / 2.5,
    "1.5/x": lambda np, x: 1.5 / x,
    "x<0.5": lambda np, x: x < 0.5,
    "x==0.5": lambda np, x: x == 0.5,
    "x>=1.5": lambda np, x: x >= 1.5,
    "x!=0.5": lambda np, x: x != 0.5,
    "x-0.5": lambda np, x: x - 0.5,
    "x-1.7": lambda np, x: x - 1.7,
    "x+(-1.7)": lambda np, x: x + (-1.7),
    "x**2.0": lambda np, x: x**2.0,
    "2.5**x": lambda np, x: 2.5**x,
    "1.5-x": lambda np, x: 1.5 - x,
    "x*2.7": lambda np, x: x * 2.7,
    "2.7*x": lambda np, x: 2.7 * x,
    "x%1.5": lambda np, x: x % 1.5,
    "2.5%x": lambda np, x: 2.5 % x,
    "x%0": lambda np, x: x % 0,
    "x%x": lambda np, x: x % x,
    "mod(x,0)": lambda np, x: np.mod(x, 0),
    "add(x,0.5)": lambda np, x: np.add(x, 0.5),
    "multiply(x,2.7)": lambda np, x: np.multiply(x, 2.7),
    "power(x,0.5)": lambda np, x: np.power(x, 0.5),
    "divide(x,2.5)": lambda np, x: np.divide(x, 2.5),
    "true_divide(2.5,x)": lambda np, x: np.true_divide(2.5, x),
    "x*nan": lambda np, x: x * float("nan"),
    "x+1e10": lambda np, x: x + 1e10,
    "x*inf": lambda np, x: x * float("inf"),
}


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
@pytest.mark.parametrize("op", list(OPERATORS))
def test_a_float_scalar_meets_an_integer_array_in_its_dtype(op, dtype):
    def program(np):
        x = np.array([0, 1, 2, 3] if dtype == "uint8" else [-3, -1, 0, 1, 2, 3], dtype=dtype)
        r = OPERATORS[op](np, x)
        return str(r.dtype), r.asnumpy()

    run_both(lambda mx: _np(mx, program))


@pytest.mark.mxnet
def test_float_arrays_are_untouched():
    def program(np):
        x = np.array([-1.5, 0.0, 2.25])
        return [
            (str(r.dtype), r.asnumpy())
            for r in (x * 2.7, x < 0.5, x % 0.7, np.exp(x), x**0.5, np.power(x, 2.0))
        ]

    run_both(lambda mx: _np(mx, program))


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_float_arrays_divide_by_a_float_scalar_in_their_dtype(dtype):
    def program(np):
        x = np.array([1.0, 2.0, 3.0], dtype=dtype)
        return [
            (str(r.dtype), r.asnumpy())
            for r in (np.divide(x, 2.5), np.true_divide(2.5, x), x / 2.5, 2.5 / x)
        ]

    run_both(lambda mx: _np(mx, program), rtol=1e-3, atol=1e-6)  # float16's last bit
