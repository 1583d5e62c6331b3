"""np comparisons of two dtypes and floor division, side by side with MXNet 1.9.1.

MXNet's np comparisons (operators and ``np.equal``/``np.less``/...) refuse two arrays of different
dtypes, a 0-d operand included (``int32 < np.array(1.5)``: "Type inconsistent"); its np ndarray
has no ``//`` (TypeError) and no ``np.floor_divide`` (AttributeError).
"""

from __future__ import annotations

import operator

import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet

DTYPES = ["int32", "int64", "float32", "float64", "bool", "uint8", "float16"]
OPS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


def _in_np(mx, body):
    mx.npx.set_np()
    try:
        return body()
    finally:
        mx.npx.reset_np()


@pytest.mark.parametrize("da", DTYPES[:5])
def test_comparisons_of_two_dtypes_raise(da):
    def program(mx):
        def body():
            out = []
            a = mx.np.array([1, 2, 0], dtype=da)
            for db in DTYPES:
                for b in (mx.np.array(1, dtype=db), mx.np.array([1, 0, 1], dtype=db)):
                    for f in OPS + [mx.np.less, mx.np.equal, mx.np.greater_equal]:
                        for x, y in ((a, b), (b, a)):
                            try:
                                out.append(f(x, y).asnumpy())
                            except mx.base.MXNetError:
                                out.append("MXNetError")
            return out

        return _in_np(mx, body)

    run_both(program)


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "uint8", "bool"])
def test_no_floor_division(dtype):
    def program(mx):
        def body():
            a = mx.np.array([7, -7, 3], dtype=dtype)
            out = []
            for f in (lambda: a // 2, lambda: a // 2.5, lambda: 2 // a, lambda: a // a):
                try:
                    out.append(f().asnumpy())
                except TypeError:
                    out.append("TypeError")
            try:
                a //= 2
            except TypeError:
                out.append("TypeError")
            out.append(hasattr(mx.np, "floor_divide"))
            return out

        return _in_np(mx, body)

    run_both(program)
