"""The fast paths taken for speed keep MXNet 1.9.1's results, side by side with real MXNet:
``Activation('relu')`` without NaN is torch's threshold alone (with NaN the select path), and a
loss reduced over non-batch axes of one element each is ``x + 0.0`` (no reduction kernel)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
NAN = float("nan")


def _dense_relu(ns, x_values, nd_array):
    net = ns.gluon.nn.Dense(2, activation="relu", in_units=3)
    net.initialize()
    net.weight.set_data(nd_array(np.array([[1, -1, 0.5], [0, 2, -1]], np.float32)))
    net.bias.set_data(nd_array(np.array([0.0, -1.0], np.float32)))
    x = nd_array(np.array(x_values, np.float32))
    x.attach_grad()
    with ns.autograd.record():
        y = net(x)
    y.backward()
    return y.asnumpy(), x.grad.asnumpy(), net.weight.grad().asnumpy()


@pytest.mark.parametrize(
    "rows",
    [
        [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]],  # ties at 0, no NaN
        [[NAN, 2.0, 3.0], [1.0, 0.0, 0.0]],  # NaN: MXNet's Activation gives 0 and gradient 0
        [[float("inf"), 1.0, 0.0], [1.0, 1.0, 1.0]],  # inf: the sum check is not finite
    ],
)
def test_dense_relu_activation(mx, rows):
    want = _dense_relu(mx, rows, mx.nd.array)
    got = _dense_relu(shim, rows, shim.nd.array)
    for a, b in zip(want, got):
        np.testing.assert_allclose(b, a, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("weight", [1.0, -1.0])
def test_one_element_reduction_values_and_printing(mx, weight):
    def run(ns):
        pred = ns.nd.array(np.array([[0.0], [1.0], [-2.0]], np.float32))
        pred.attach_grad()
        with ns.autograd.record():
            loss = ns.gluon.loss.L2Loss(weight=weight)(pred, ns.nd.array([0.0, 3.0, -2.0]))
        loss.backward()
        return loss, pred.grad

    (want, want_g), (got, got_g) = run(mx), run(shim)
    assert str(got) == str(want)  # -0.0 gives +0.0, as MXNet's sum does
    np.testing.assert_array_equal(got.asnumpy(), want.asnumpy())
    np.testing.assert_allclose(got_g.asnumpy(), want_g.asnumpy(), rtol=1e-6)


def test_one_element_reduction_keeps_class_and_context():
    pred = shim.nd.array([[1.0], [2.0]], ctx=shim.cpu(1))
    loss = shim.gluon.loss.L2Loss()(pred, shim.nd.array([[3.0], [5.0]], ctx=shim.cpu(1)))
    assert type(loss) is type(pred)
    assert loss.context == shim.cpu(1)
    assert loss.shape == (2,)


def test_sparse_cross_entropy_one_element_reduction(mx):
    x = np.random.RandomState(0).randn(4, 5).astype(np.float32)
    y = np.array([0, 4, 2, 1], np.float32)

    def run(ns, arr):
        p = arr(x)
        p.attach_grad()
        with ns.autograd.record():
            loss = ns.gluon.loss.SoftmaxCrossEntropyLoss()(p, arr(y))
        loss.backward()
        return loss.asnumpy(), p.grad.asnumpy()

    for a, b in zip(run(mx, mx.nd.array), run(shim, shim.nd.array)):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    assert torch.is_tensor(shim.nd.array(x))
