"""The np fast paths of the d2l tiny-op loop (issue 15, Speed), side by side with MXNet 1.9.1:
``reshape`` (one copying kernel), ``np.dot`` of vectors and matrices, ``np.array`` of a list of
Python numbers, division by a Python number. Each gives MXNet's values, dtypes, gradients, copy
semantics and errors, as the general paths do."""

from __future__ import annotations

import pytest
from sbs import run_both


def _np(mx):
    mx.npx.set_np()
    return mx.np


@pytest.mark.mxnet
@pytest.mark.parametrize(
    "shape",
    [(2, 3), ((3, 2),), (-1,), (6, 1), ((1, -1),)],
    ids=["ints", "tuple", "flat", "col", "-1"],
)
def test_reshape_copies_and_differentiates(shape):
    def program(mx):
        np = _np(mx)
        try:
            x = np.arange(6).astype("float32")
            x.attach_grad()
            with mx.autograd.record():
                y = x.reshape(*shape)
                z = (y * y).sum()
            z.backward()
            y2 = x.reshape(*shape)
            y2[...] = 7  # a copy: the source keeps its values
            return y.asnumpy(), str(y.dtype), x.asnumpy(), x.grad.asnumpy(), y2.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "bool"])
def test_reshape_keeps_dtype_and_prints(dtype):
    def program(mx):
        np = _np(mx)
        try:
            y = np.ones((2, 3), dtype=dtype).reshape(3, 2)
            return repr(y), str(y.dtype), y.shape
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)


@pytest.mark.mxnet
@pytest.mark.parametrize("shape", [(4, -1), (7,), (2, 2)], ids=["bad-infer", "size", "fewer"])
def test_reshape_refusals(shape):
    def program(mx):
        np = _np(mx)
        try:
            return np.arange(6).reshape(*shape)
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize(
    "sa, sb",
    [
        ((3,), (3,)),
        ((2, 3), (3,)),
        ((3,), (3, 2)),
        ((2, 3), (3, 4)),
        ((2, 2, 3), (3, 2)),
        ((), (3,)),
    ],
    ids=["vv", "mv", "vm", "mm", "tm", "sv"],
)
def test_dot_values_and_gradients(sa, sb):
    def program(mx):
        np = _np(mx)
        try:
            a = np.arange(1, 1 + max(1, int(__import__("math").prod(sa)))).reshape(sa) / 4
            b = np.arange(2, 2 + int(__import__("math").prod(sb))).reshape(sb) / 3
            a.attach_grad()
            b.attach_grad()
            with mx.autograd.record():
                r = np.dot(a, b)
            r.backward()
            return r.asnumpy(), str(r.dtype), type(r).__name__, a.grad.asnumpy(), b.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_dot_shape_mismatch_raises_mxnet_error():
    def program(mx):
        np = _np(mx)
        try:
            return np.dot(np.ones((2, 3)), np.ones((2, 3)))
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize(
    "values",
    [[1, 2, 3], [1.5, 2], [True, False], [True, 2], [], [[1, 2], [3, 4]], [3, 1.0, False]],
    ids=["ints", "floats", "bools", "bool-int", "empty", "nested", "mixed"],
)
def test_array_of_python_numbers(values):
    def program(mx):
        np = _np(mx)
        try:
            a = np.array(values)
            return a.asnumpy(), str(a.dtype), repr(a)
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)


@pytest.mark.mxnet
def test_array_of_list_with_arrays_stacks_values():
    def program(mx):
        np = _np(mx)
        try:
            a = np.array([np.array([1, 2]), [3, 4]])
            return a.asnumpy(), str(a.dtype)
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["float32", "float16", "float64", "int32", "int64"])
@pytest.mark.parametrize("divisor", [2, 0.5, 3], ids=["int", "float", "int3"])
@pytest.mark.parametrize("reflected", [False, True], ids=["x/s", "s/x"])
def test_division_by_python_number(dtype, divisor, reflected):
    def program(mx):
        np = _np(mx)
        try:
            x = np.arange(1, 5).astype(dtype)
            r = divisor / x if reflected else x / divisor
            out = [r.asnumpy(), str(r.dtype)]
            if dtype.startswith("float"):
                x.attach_grad()
                with mx.autograd.record():
                    y = divisor / x if reflected else x / divisor
                y.backward()
                out.append(x.grad.asnumpy())
            return out
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=1e-3, atol=1e-6)


@pytest.mark.mxnet
@pytest.mark.parametrize(
    "expr",
    ["x ** 2", "x ** 0.5", "2 ** x", "x ** y", "3 - x", "2.5 / x", "x - y", "2 * x"],
)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_operators_torch_writes_in_python(expr, dtype):
    # torch's **, r-, //, r/ are Python functions under a dispatch wrapper; the np arrays call
    # them directly for a Python number or an array operand: same values, dtypes, gradients.
    def program(mx):
        np = _np(mx)
        try:
            x = np.arange(1, 5).astype(dtype)
            y = np.array([2, 1, 3, 2]).astype(dtype)
            r = eval(expr, {}, {"x": x, "y": y})
            out = [r.asnumpy(), str(r.dtype), type(r).__name__]
            if dtype.startswith("float"):
                x.attach_grad()
                with mx.autograd.record():
                    r = eval(expr, {}, {"x": x, "y": y})
                r.backward()
                out.append(x.grad.asnumpy())
            return out
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=1e-5, atol=1e-6)


@pytest.mark.mxnet
@pytest.mark.parametrize("expr", ["x ** 'a'", "'a' - x", "'a' / x", "x ** None"])
def test_operators_refuse_other_types(expr):
    def program(mx):
        np = _np(mx)
        try:
            return eval(expr, {}, {"x": np.arange(1, 5).astype("float32")})
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_float_index_arrays_read_and_write():
    # np.array of Python ints is float32 in MXNet; indexing converts it (torch's own long()).
    def program(mx):
        np = _np(mx)
        try:
            x = np.arange(12).reshape(4, 3)
            j = np.array([3, 0, 3])
            r = x[j]
            w = np.zeros((4,))
            w.attach_grad()
            w[np.array([1, 2])] = 5
            with mx.autograd.record():
                s = (w[j] * 2).sum()
            s.backward()
            return r.asnumpy(), type(r).__name__, str(j.dtype), w.asnumpy(), w.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["int32", "float64", "bool", "int8"])
def test_array_of_python_numbers_with_dtype(dtype):
    def program(mx):
        np = _np(mx)
        try:
            a = np.array([1, 0, 3], dtype=dtype)
            return a.asnumpy(), str(a.dtype), repr(a)
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=0, atol=0)
