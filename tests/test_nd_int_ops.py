"""Legacy ``nd`` operators on integer arrays with scalars and arrays, side by side with MXNet 1.9.1.

MXNet converts every scalar to the array's dtype by C's rule (NaN, infinities and values out of
range give the type's minimum, narrow types keep the low bits) and computes ``**`` and
``scalar / array`` in float32 (``nd_int_ops``). Results are compared exactly (values and dtype).
A zero divisor of an integer ``/`` kills MXNet's process: those cases are left out here.
"""

from __future__ import annotations

import operator

import numpy as np
import pytest
from sbs import run_both

from autograd_compat import namespace

shim = namespace("mxnet", "torch")

pytestmark = pytest.mark.mxnet

SCALARS = [float("nan"), float("inf"), -float("inf"), 1e30, -1e30, 2.7, -2.7, -1.7, 286.5, 3e9,
           -0.5, 0.5, 7.0, True, np.float32(2.5), np.int64(3), 3_000_000_000, 2**53 + 1,
           -9, 0]  # fmt: skip
OPS = {
    "+": operator.add,
    "r+": lambda a, b: b + a,
    "-": operator.sub,
    "r-": lambda a, b: b - a,
    "*": operator.mul,
    "/": operator.truediv,
    "r/": lambda a, b: b / a,
    "%": operator.mod,
    "r%": lambda a, b: b % a,
    "**": operator.pow,
    "r**": lambda a, b: b**a,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
           "/=": operator.itruediv, "%=": operator.imod}  # fmt: skip
VALUES = {
    "int32": [-3, 0, 1, 5, 100, 7, 16777217, -2147483648],
    "int64": [-3, 0, 1, 5, 100, 7, 16777217, 2**53 + 1, -(2**62) - 3],
    "uint8": [253, 0, 1, 5, 100, 7, 255],
    "int8": [-3, 0, 1, 5, 100, 7, -128],
}
_ZERO = {"int32": (2**31, 32), "int64": (2**63, 64), "uint8": (256, 8), "int8": (256, 8)}


def _kills_mxnet(value, dtype):
    # Whether MXNet's kernel divides by zero or INT32_MIN by -1 (its process dies: left out).
    v = float(value)
    if not np.isfinite(v) or abs(v) >= 2**63:
        return dtype in ("uint8", "int8")  # INT_MIN keeps low bits 0
    t = int(v)
    if dtype == "int32" and not -(2**31) <= t < 2**31:
        return False
    return t % _ZERO[dtype][0] == 0 or (dtype == "int32" and t == -1)


@pytest.mark.parametrize("dtype", sorted(VALUES))
def test_int_array_with_scalars(dtype):
    def program(mx):
        out = []
        for s in SCALARS:
            for name, f in {**OPS, **INPLACE}.items():
                if name in ("/", "/=") and _kills_mxnet(s, dtype):
                    continue
                x = mx.nd.array(np.array(VALUES[dtype], dtype=dtype), dtype=dtype)
                r = f(x, s)
                out.append(f"{s!r} {name} {r.dtype.__name__} {r.asnumpy().tolist()}")
        return out

    mx_out, shim_out = program(pytest.importorskip("mxnet")), program(shim)
    assert [a for a, b in zip(mx_out, shim_out) if a != b] == []
    assert len(mx_out) == len(shim_out)


@pytest.mark.parametrize("dtype", sorted(VALUES))
def test_int_arrays_pow_mod_div(dtype):
    """Two integer arrays: ``**`` in float32, ``%`` in float64 with 0 by zero, ``/`` truncates."""

    def program(mx):
        v = VALUES[dtype]
        x = mx.nd.array(np.array(v, dtype=dtype), dtype=dtype)
        y = mx.nd.array(np.array([2, 3, 11, 1, 3, 2, 1, 7, 1][: len(v)], dtype=dtype), dtype=dtype)
        z = mx.nd.array(np.array([0, -3, 2, 0, 7, 1, 3, 5, 2][: len(v)], dtype=dtype), dtype=dtype)
        out = [x**y, y**x % 1000, x % z, z % x, x / y, x % y]
        return [f"{r.dtype.__name__} {r.asnumpy().tolist()}" for r in out]

    assert program(pytest.importorskip("mxnet")) == program(shim)


def test_float_scalar_for_int_array_keeps_int_dtype():
    def program(mx):
        x = mx.nd.array([1, 2, 16777217], dtype="int32")
        return (x * 2.7).asnumpy(), (x**1).asnumpy(), (7 / (x - 1)).asnumpy(), (x < 1.5).asnumpy()

    run_both(program)


def test_integer_division_by_zero_raises_on_the_shim():
    """MXNet's process dies of SIGFPE here; the shim raises instead of computing."""
    x = shim.nd.array([1, 2], dtype="int32")
    with pytest.raises(RuntimeError):
        x / 0.5
    with pytest.raises(RuntimeError):
        x / shim.nd.array([1, 0], dtype="int32")


def test_int_min_divided_by_minus_one_raises_on_the_shim():
    """C traps INT_MIN / -1 (MXNet's process and torch's die); the shim raises MXNetError."""
    from autograd_compat.mxnet_on_torch.base import MXNetError

    for dtype, low in (("int32", -(2**31)), ("int64", -(2**63))):
        x = shim.nd.array(np.array([low, 4], dtype=dtype), dtype=dtype)
        with pytest.raises(MXNetError, match="overflow"):
            x / -1
        with pytest.raises(MXNetError, match="overflow"):
            x / shim.nd.array(np.array([-1, 1], dtype=dtype), dtype=dtype)
        with pytest.raises(MXNetError, match="overflow"):
            x /= -1.5
    x = shim.nd.array([-128, 4], dtype="int8")
    assert (x / -1).asnumpy().tolist() == [-128, -4]  # promoted to int in C: wraps, as MXNet


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_int_functions_divide_modulo_power(dtype):
    """nd.divide/modulo/power and their broadcast_/elemwise_ forms follow the operators."""

    def program(mx):
        x = mx.nd.array(np.array([200, 5, 7, 3, 0], dtype=dtype), dtype=dtype)
        y = mx.nd.array(np.array([1, 11, 11, 2, 3], dtype=dtype), dtype=dtype)
        z = mx.nd.array(np.array([0, 2, 3, 2, 3], dtype=dtype), dtype=dtype)
        nd = mx.nd
        out = [nd.power(x, y), nd.broadcast_power(x, z)]
        out += [nd.modulo(x, z), nd.broadcast_mod(x, z), nd.modulo(x, 2.5), nd.modulo(7.5, z)]
        out += [nd.divide(x, y), nd.broadcast_div(x, y), nd.elemwise_div(x, y)]
        out += [nd.divide(x, 2.5), nd.divide(7.5, y), nd.power(x, 2.5), nd.power(2.5, y)]
        return [f"{r.dtype.__name__} {r.asnumpy().tolist()}" for r in out]

    assert program(pytest.importorskip("mxnet")) == program(shim)
