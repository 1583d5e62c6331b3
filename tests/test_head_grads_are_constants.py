"""A head gradient is a constant to MXNet: a variable passed as ``head_grads``/``out_grad`` gets
no gradient from a later backward through the result (its buffer is left as it was), side by side
with real MXNet 1.9.1. Found by a review: the dialect let the gradient flow into it."""

from __future__ import annotations

import numpy as np
import pytest
from sbs import run_both


def _program(mx):
    nd, autograd = mx.nd, mx.autograd
    x = nd.array([0.5, -1.0, 2.0])
    x.attach_grad()
    dy = nd.array([2.0, 3.0, -1.0])
    dy.attach_grad()
    dy.grad[:] = 5
    with autograd.record():
        (g,) = autograd.grad(nd.sin(x), [x], head_grads=dy, create_graph=True, retain_graph=True)
    g.backward()
    after_grad = (g.asnumpy(), x.grad.asnumpy(), dy.grad.asnumpy())
    with autograd.record():
        y = nd.sin(x) * dy
    y.backward(dy)
    return after_grad, (x.grad.asnumpy(), dy.grad.asnumpy())


@pytest.mark.mxnet
def test_a_head_gradient_gets_no_gradient():
    (g, xg, dyg), _ = run_both(_program)
    np.testing.assert_array_equal(dyg, [5.0, 5.0, 5.0])
