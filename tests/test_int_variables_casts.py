"""Integer variables through ``astype`` to a float and through ``%``, side by side with MXNet 1.9.1.

MXNet differentiates ``x.astype('float32')`` of an integer variable: the floating gradient is
converted to the integer dtype at the cast by C's rule (2.7 -> 2, -1 -> 255 for uint8, NaN and
1e20 -> INT32_MIN; each cast separately: ``F(x)*0.5 + F(x)*0.5`` gives 0, one cast used twice
gives 1). Its integer ``%`` has a zero gradient. Gradients and values are compared exactly.
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
