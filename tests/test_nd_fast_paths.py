"""The fast paths of the legacy ``NDArray`` (issue 15's per-op speed), side by side with MXNet.

``x[int]``, ``x[slice]``, ``x[index array]``, ``x.sum()`` / ``x.mean(axis=int)`` and arithmetic
with an int scalar skip the general code (index parser, reduction parser, dtype reads); these
cases run each fast path and its edges (bounds, negative keys, integer dtypes, keepdims, other
contexts) on real MXNet 1.9.1 and on the shim, comparing the printed array, dtype, shape, the
exception class, and whether the result shares the source's memory.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd_compat import namespace

shim = namespace("mxnet", "torch")

pytestmark = pytest.mark.mxnet

SOURCES = {
    "f32": "nd.array(np.arange(10) * 1.5 - 4)",
    "f64": "nd.array(np.arange(10) * 1.5 - 4, dtype='float64')",
    "i32": "nd.array(np.arange(10) * 3 - 7, dtype='int32')",
    "i64": "nd.array(np.arange(10) * 3 - 7, dtype='int64')",
    "u8": "nd.array(np.arange(10) * 7, dtype='uint8')",
    "one": "nd.array([2.5])",
    "m2": "nd.array(np.arange(12).reshape(3, 4) * 0.5)",
    "i2": "nd.array(np.arange(12).reshape(3, 4) - 5, dtype='int32')",
    "m3": "nd.arange(24).reshape((2, 3, 4))",
    "ctx1": "nd.array(np.arange(6) * 1.0 + 1, ctx=mx.cpu(1))",
}

EXPRESSIONS = [
    # x[int]: 1-D gives shape (1,) (a view), n-D drops the first axis (a view)
    "x[0]", "x[3]", "x[-1]", "x[-2]", "x[9]", "x[10]", "x[-10]", "x[-11]", "x[2**63]",
    # forward slices are views; others copy
    "x[2:8]", "x[:]", "x[-3:]", "x[3:3]", "x[0:100]", "x[1:]", "x[::2]", "x[::-1]",
    # index arrays (int64, int32, float32, out of bounds)
    "x[nd.array([0, 1, 1, 0], dtype='int64')]", "x[nd.array([1, 0], dtype='int32')]",
    "x[nd.array([0, 2, 1])]", "x[nd.array([0, 50], dtype='int64')]",
    # reductions: over everything, one int axis, keepdims, exclude, bad axes
    "x.sum()", "x.mean()", "x.sum(0)", "x.mean(axis=0)", "x.sum(axis=-1)", "x.mean(axis=1)",
    "x.mean(axis=5)", "x.sum(axis=-4)", "x.sum(axis=0, keepdims=True)", "x.mean(keepdims=True)",
    "x.sum(axis=0, exclude=True)", "x.mean(axis=(0,))",
    # int scalars (every dtype), float scalars, arrays
    "x + 2", "x * 2", "x - 3", "3 - x", "x * -1", "2 * x", "x % 3", "x ** 2", "x / 2",
    "x + 2.5", "x * 0.5", "x + x", "x * x", "x - x",
]  # fmt: skip


def _seen(r):
    if isinstance(r, BaseException):
        name = type(r).__name__
        return "error", "MXNetError" if name == "MXNetError" else name
    return "array", repr(r), str(r.dtype), tuple(r.shape)


def _run(mx, source, expr):
    env = {"mx": mx, "nd": mx.nd, "np": np}
    env["x"] = eval(SOURCES[source], env)  # noqa: S307 - the test's own expressions
    before = env["x"].asnumpy().copy()
    try:
        r = eval(expr, env)  # noqa: S307
        r.wait_to_read()  # MXNet raises some errors (an index out of bounds) only here
    except Exception as e:  # noqa: BLE001 - the exception is the result compared
        return _seen(e), None
    # Does the result share the source's memory? Write into the source and look.
    env["x"][:] = 0 if before.dtype.kind in "iu" else 0.25
    shares = not np.array_equal(r.asnumpy(), _seen_values(r, before, expr, env))
    return _seen(r), shares


def _seen_values(r, before, expr, env):
    # The result's values had the source not been written to: recompute on a fresh source.
    env = dict(env)
    env["x"] = env["nd"].array(before, dtype=before.dtype, ctx=env["x"].context)
    return eval(expr, env).asnumpy()  # noqa: S307


@pytest.mark.parametrize("source, expr", [(s, e) for s in SOURCES for e in EXPRESSIONS])
def test_fast_path_as_mxnet(mx, source, expr):
    want, got = _run(mx, source, expr), _run(shim, source, expr)
    assert got == want, (source, expr)


INTEGER_MEANS = [
    "a.mean()", "a.mean(axis=0)", "a.mean(keepdims=True)", "nd.mean(a, axis=0, keepdims=True)",
    "b.mean()", "c.mean(axis=1)", "c.mean(axis=0)", "c.mean(axis=(0, 1))",
    "c.mean(axis=1, exclude=True)", "c.sum(axis=(0, 1), exclude=True)",
]  # fmt: skip


@pytest.mark.parametrize("expr", INTEGER_MEANS)
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int32", "int64"])
def test_integer_mean_wraps_and_truncates_as_mxnet(mx, dtype, expr):
    # MXNet sums in the array's own integer type (wrapping round on overflow), then divides by
    # the count, truncating: int8 [-7, -3, 4, 1, -2, 120, 100] has mean -6, not 30.
    def run(m):
        env = {"nd": m.nd, "a": m.nd.array([-7, -3, 4, 1, -2, 120, 100], dtype=dtype)}
        env["b"] = m.nd.array([2**30] * 4, dtype=dtype)
        env["c"] = m.nd.array(np.arange(12).reshape(3, 4) - 5, dtype=dtype)
        return _seen(eval(expr, env))  # noqa: S307

    assert run(shim) == run(mx)


SETITEM_CASTS = [
    ("i32", "x[nd.array([0, 2], dtype='int64')] = nd.array([1.7, -2.9])"),
    ("i32", "x[nd.array([1, 3])] = nd.array([100.5, -0.5])"),
    ("i32", "x[2:4] = nd.array([7.9, -7.9])"),
    ("f32", "x[nd.array([0, 1], dtype='int64')] = nd.array([0.1, 0.2], dtype='float64')"),
    ("u8", "x[nd.array([0], dtype='int64')] = nd.array([3], dtype='int32')"),
    ("m2", "x[nd.array([0, 2], dtype='int64')] = nd.array([9, 8, 7, 6], dtype='int32')"),
]


@pytest.mark.parametrize(("source", "stmt"), SETITEM_CASTS)
def test_setitem_casts_the_value_as_mxnet(mx, source, stmt):
    # MXNet writes a value of another dtype cast to the array's (torch's index_put refuses).
    def run(m):
        env = {"mx": m, "nd": m.nd, "np": np}
        env["x"] = eval(SOURCES[source], env)  # noqa: S307
        try:
            exec(stmt, env)  # noqa: S102 - the test's own statements
        except Exception as e:  # noqa: BLE001
            return _seen(e)
        return _seen(env["x"])

    assert run(shim) == run(mx)


def test_setitem_of_a_recorded_value_into_an_int_array_raises_as_mxnet(mx):
    def run(m):
        x = m.nd.array([1, 2, 3], dtype="int32")
        y = m.nd.array([0.5])
        y.attach_grad()
        try:
            with m.autograd.record():
                x[0] = y
        except Exception as e:  # noqa: BLE001
            return _seen(e)
        return _seen(x)

    assert run(shim) == run(mx) == ("error", "MXNetError")
