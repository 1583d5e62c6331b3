"""Integer variables through astype, %, legacy / and mean, side by side with MXNet 1.9.1.

MXNet differentiates ``x.astype('float32')`` of an integer variable: the floating gradient is
converted to the integer dtype at the cast by C's rule (2.7 -> 2, -1 -> 255 for uint8, NaN and
1e20 -> INT32_MIN; each cast separately: ``F(x)*0.5 + F(x)*0.5`` gives 0, one cast used twice
gives 1). Its integer ``%`` has a zero gradient; legacy ``x / d`` and ``x.mean()`` divide the
head gradient (in the dtype) by ``d`` or the count, truncating. Compared exactly.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.mxnet


def _run(mx, iface, dtype, fn, head=None, float_var=False):
    if iface == "np":
        mx.npx.set_np()
    try:
        mod = mx.np if iface == "np" else mx.nd
        x = mod.array([3, -2, 7, 0, 5], dtype=dtype)
        x.attach_grad()
        w = mod.array([1.5, -2.0, 0.25, 4.0, 3.0])
        if float_var:
            w.attach_grad()
        with mx.autograd.record():
            y = fn(x, w)
        y.backward() if head is None else y.backward(mod.array(head, dtype=y.dtype))
        out = [str(y.dtype), y.asnumpy().tolist(), str(x.grad.dtype), x.grad.asnumpy().tolist()]
        if float_var:
            out.append(w.grad.asnumpy().tolist())
        return out
    finally:
        if iface == "np":
            mx.npx.reset_np()


def F(x):  # noqa: N802
    return x.astype("float32")


CASES = {
    "astype": (lambda x, w: F(x), None),
    "astype*3": (lambda x, w: F(x) * 3, None),
    "astype*2.7": (lambda x, w: F(x) * 2.7, None),
    "astype*-2.7": (lambda x, w: F(x) * -2.7, None),
    "astype*1e10": (lambda x, w: F(x) * 1e10, None),
    "two casts": (lambda x, w: F(x) * 0.5 + F(x) * 0.5, None),
    "one cast twice": (lambda x, w: (lambda f: f * 0.5 + f * 0.5)(F(x)), None),
    "float64 square": (lambda x, w: x.astype("float64") * x.astype("float64"), None),
    "int ops first": (lambda x, w: F(x * 2 + x) * 1.5, None),
    "int64 then float": (lambda x, w: F(x.astype("int64") * 3), None),
    "head nan": (lambda x, w: F(x) * 1.0, [float("nan")] * 5),
    "head 1e20": (lambda x, w: F(x) * 1.0, [1e20, -1e20, 2.5, -2.5, 300.0]),
    "float weights": (lambda x, w: F(x) * w, None),
    "mod 3": (lambda x, w: x % 3, None),
    "mod 2.5": (lambda x, w: x % 2.5, None),
    "mod array": (lambda x, w: x % (x * 0 + 4), None),
    "mod then add": (lambda x, w: x % 3 + x, None),
    "mod head 7": (lambda x, w: x % 3, [7] * 5),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
@pytest.mark.parametrize("iface", ["nd", "np"])
def test_cast_and_modulo_gradients(mx, iface, dtype, name):
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    fn, head = CASES[name]
    if dtype == "int64" and name in ("head 1e20", "head nan"):
        # INT64_MIN is beyond float64's exact integers, where the shim computes integer
        # gradients: it raises instead of giving a rounded number.
        with pytest.raises(shim.base.MXNetError, match="2\\*\\*53"):
            _run(shim, iface, dtype, fn, head)
        return
    assert _run(shim, iface, dtype, fn, head) == _run(mx, iface, dtype, fn, head)


@pytest.mark.parametrize("iface", ["nd", "np"])
def test_cast_with_a_float_variable(mx, iface):
    """Both gradients: the float variable's from torch's graph, the integer one through the cast."""
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")

    def fn(x, w):
        return F(x) * w + w

    assert _run(shim, iface, "int32", fn, float_var=True) == _run(
        mx, iface, "int32", fn, float_var=True
    )


def _run_nd(mx, dtype, fn, head):
    x = mx.nd.array([3, -2, 7, 0, 5, 100], dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(mx.nd.array(head[: y.size], dtype=y.dtype))
    return [str(y.dtype), y.asnumpy().tolist(), x.grad.asnumpy().tolist()]


TRUNCATED = {
    "x / -2": lambda x: x / -2,
    "x / 2.5": lambda x: x / 2.5,
    "(x * 3) / 2": lambda x: (x * 3) / 2,
    "(x / 2) * 3": lambda x: (x / 2) * 3,
    "x / 2 + x": lambda x: x / 2 + x,
    "x.sum() / 2": lambda x: x.sum() / 2,
    "mean": lambda x: x.mean(),
    "mean axis 0": lambda x: x.reshape((2, 3)).mean(axis=0),
    "mean * 3": lambda x: x.mean() * 3,
}


@pytest.mark.parametrize("name", sorted(TRUNCATED))
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
def test_legacy_division_and_mean_gradients(mx, dtype, name):
    """Legacy integer ``x / d`` and ``mean``: the head gradient, wrapped round in the dtype,
    divided by ``d`` (the count) with truncation, as MXNet 1.9.1 computes it."""
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    head = [7, -7, 9, -9, 2**31 - 1, 13]
    fn = TRUNCATED[name]
    assert _run_nd(shim, dtype, fn, head) == _run_nd(mx, dtype, fn, head)
