"""np reductions take MXNet 1.9.1's parameter order (it differs per op and between a function
and its method) and fill ``out=``, side by side with real MXNet. A positional keepdims in the
wrong slot used to reduce silently to the wrong shape, and ``out=`` was left unfilled."""

from __future__ import annotations

import inspect

import pytest
from sbs import run_both

from autograd_compat import namespace

NAMES = ["sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "all", "any"]
# std/var methods forward *args to the functions, whose order (axis, dtype, out, ddof, keepdims)
# is the methods' own.
METHODS = ["sum", "mean", "max", "min", "prod", "all", "any"]


@pytest.mark.mxnet
def test_parameter_names_and_order_are_mxnets(mx):
    shim = namespace("mxnet", "torch")

    def names(f):
        return list(inspect.signature(f).parameters)

    for n in NAMES:
        assert names(getattr(shim.np, n)) == names(getattr(mx.np, n)), n
    for n in METHODS:
        assert names(getattr(shim.np.ndarray, n)) == names(getattr(mx.np.ndarray, n)), n


def _positional_and_out(mx):
    mx.npx.set_np()
    try:
        x = mx.np.array([[1.0, 2.0], [3.0, 4.0]])
        shapes = [
            x.max(0, None, True).shape,
            x.all(0, None, True).shape,
            x.sum(0, None, None, True).shape,
            mx.np.sum(x, 0, None, True).shape,
            mx.np.max(x, 0, True).shape,
            mx.np.all(x, 0, True).shape,
            mx.np.mean(x, 0, None, None, True).shape,
        ]
        outs = []
        for f in (mx.np.sum, mx.np.max, mx.np.mean, mx.np.prod):
            o = mx.np.zeros(2)
            r = f(x, 0, out=o)
            outs.append((o.asnumpy(), r is o))
        o = mx.np.zeros(2)
        x.sum(axis=0, out=o)
        outs.append((o.asnumpy(), True))
        return shapes, outs
    finally:
        mx.npx.reset_np()


@pytest.mark.mxnet
def test_positional_keepdims_and_out():
    run_both(_positional_and_out)
