"""``nd.SoftmaxOutput`` (and its alias ``nd.Softmax``) side by side with real MXNet 1.9.1: the
softmax it returns and the cross-entropy gradient its backward gives (the head gradient is not
used), for every argument: ``grad_scale``, ``ignore_label``/``use_ignore``, ``normalization``,
``multi_output``, ``preserve_shape``, ``smooth_alpha``, ``out_grad``, index and probability
labels, labels outside the classes, and the errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch import nn_ops
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")
RTOL, ATOL = 1e-5, 1e-6


def _rand(shape, seed=0):
    return np.random.RandomState(seed).randn(*shape).astype(np.float32)


def _mx_run(mx, data, label, head, chain, kwargs):
    d, lab = mx.nd.array(data, dtype=data.dtype), mx.nd.array(label, dtype=label.dtype)
    d.attach_grad()
    lab.attach_grad()
    with mx.autograd.record():
        out = mx.nd.SoftmaxOutput(d * 2 if chain else d, lab, **kwargs)
        top = out * mx.nd.array(head, dtype=data.dtype) if head is not None else out
    top.backward()
    return out.asnumpy(), d.grad.asnumpy(), lab.grad.asnumpy()


def _shim_run(data, label, head, chain, kwargs):
    d, lab = torch.tensor(data), torch.tensor(label)
    d.attach_grad()
    lab.attach_grad()
    with shim.autograd.record():
        out = nn_ops.SoftmaxOutput(d * 2 if chain else d, lab, **kwargs)
        top = out * torch.tensor(head) if head is not None else out
    top.backward()
    return out.detach().numpy(), d.grad.numpy(), lab.grad.numpy()


def compare(mx, data, label, head=None, chain=False, **kwargs):
    want = _mx_run(mx, data, label, head, chain, kwargs)
    got = _shim_run(data, label, head, chain, kwargs)
    for name, a, b in zip(("output", "data gradient", "label gradient"), want, got):
        assert a.shape == b.shape, name
        assert a.dtype == b.dtype, name
        np.testing.assert_allclose(b, a, rtol=RTOL, atol=ATOL, err_msg=name)


DATA = np.array([[1, 2, 3, 4], [2, 2, 2, 2], [3, 3, 3, 3], [4, 4, 4, 4]], np.float32)
LABEL = np.array([1, 0, 2, 3], np.float32)

INDEX_CASES = [
    {},
    {"use_ignore": True, "ignore_label": 1},
    {"normalization": "batch"},
    {"normalization": "valid"},
    {"normalization": "valid", "use_ignore": True, "ignore_label": 1},
    {"normalization": "null", "use_ignore": True, "ignore_label": 2, "grad_scale": 0.5},
    {"grad_scale": 2.0, "normalization": "batch"},
    {"smooth_alpha": 0.1},
    {"smooth_alpha": 0.3, "use_ignore": True, "ignore_label": 0, "normalization": "valid"},
    {"out_grad": True},
    {"out_grad": True, "normalization": "batch", "grad_scale": 3.0},
]


@pytest.mark.parametrize("kwargs", INDEX_CASES, ids=lambda k: ",".join(map(str, k.items())))
def test_index_labels(mx, kwargs):
    compare(mx, DATA, LABEL, **kwargs)
    compare(mx, _rand((5, 3), 1), np.array([0, 2, 1, 1, 0], np.float32), **kwargs)


def test_head_gradient_is_not_used(mx):
    compare(mx, _rand((4, 4), 2), LABEL, head=_rand((4, 4), 3))
    compare(mx, _rand((4, 4), 2), LABEL, head=_rand((4, 4), 3), normalization="batch")


def test_out_grad_multiplies_by_the_output_not_the_head(mx):
    # Measured on MXNet 1.9.1: with out_grad=True the gradient is scaled by the softmax output.
    compare(mx, _rand((4, 4), 2), LABEL, head=_rand((4, 4), 3), out_grad=True)


@pytest.mark.parametrize(
    ("label", "kwargs"),
    [
        ([5, -1, 1.7, -0.5], {}),  # outside [0, k): no class; fractions are truncated
        ([1.7, 0, 1, 3], {"use_ignore": True, "ignore_label": 1.5}),  # int(1.7) == int(1.5)
        ([1.7, 0, 1, 3], {"use_ignore": True, "ignore_label": 1.5, "normalization": "valid"}),
        ([-1, 0, -1, 3], {"normalization": "valid"}),  # counted without use_ignore too
        ([-1.5, 0, 0, 0], {"normalization": "valid"}),
        ([-1, -1, -1, -1], {"normalization": "valid"}),  # nothing valid: divided by 1
        ([1, 1, 1, 1], {"normalization": "valid", "use_ignore": True, "ignore_label": 1}),
        ([7, 0, 2, 3], {"smooth_alpha": 0.3}),
    ],
)
def test_unusual_labels(mx, label, kwargs):
    compare(mx, DATA, np.array(label, np.float32), **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"normalization": "batch"},
        {"normalization": "valid"},
        {"grad_scale": 2.0},
        {"use_ignore": True, "ignore_label": 0.1},
        {"out_grad": True},
    ],
)
def test_probability_labels(mx, kwargs):
    probs = np.array([[0.1, 0.2, 0.3, 0.4]] * 4, np.float32)
    compare(mx, DATA, probs, **kwargs)
    probs3 = np.random.RandomState(9).dirichlet(np.ones(3), (2, 4)).transpose(0, 2, 1)
    compare(mx, _rand((2, 3, 4), 8), probs3.astype(np.float32), multi_output=True, **kwargs)


MULTI_CASES = [
    {},
    {"normalization": "batch"},
    {"normalization": "valid"},
    {"normalization": "valid", "use_ignore": True, "ignore_label": 1},
    {"normalization": "valid", "smooth_alpha": 0.2, "grad_scale": 3.0},  # no smoothing here
    {"use_ignore": True, "ignore_label": 2, "grad_scale": 0.25},
    {"out_grad": True},
]


@pytest.mark.parametrize("kwargs", MULTI_CASES, ids=lambda k: ",".join(map(str, k.items())))
def test_multi_output(mx, kwargs):
    kwargs = {"multi_output": True, **kwargs}
    compare(mx, _rand((2, 3, 4), 4), np.array([[0, 1, 2, 1], [2, 2, 0, -1]], np.float32), **kwargs)
    labels = np.array([[[0, 1], [2, 1]], [[2, 2], [0, 1]]], np.float32)
    compare(mx, _rand((2, 3, 2, 2), 5), labels, **kwargs)
    compare(mx, _rand((2, 3, 2, 2), 5), labels.reshape(2, 4), **kwargs)  # flat labels
    compare(mx, _rand((3, 4), 6), np.array([0, 3, 1], np.float32), **kwargs)


@pytest.mark.parametrize("kwargs", [{}, {"normalization": "batch"}, {"smooth_alpha": 0.1}])
def test_preserve_shape(mx, kwargs):
    labels = np.array([[0, 1, 2], [3, 3, 0]], np.float32)
    compare(mx, _rand((2, 3, 4), 7), labels, preserve_shape=True, **kwargs)


def test_chained_and_float64(mx):
    compare(mx, DATA, LABEL, chain=True)
    compare(mx, DATA.astype(np.float64), LABEL.astype(np.float64), normalization="batch")


def test_through_nd(mx):
    # The nd namespace exposes the operator and its alias (re-exported from nn_ops).
    d = shim.nd.array(DATA)
    d.attach_grad()
    with shim.autograd.record():
        out = shim.nd.Softmax(d, shim.nd.array(LABEL), normalization="batch")
    out.backward()
    m = mx.nd.array(DATA)
    m.attach_grad()
    with mx.autograd.record():
        want = mx.nd.Softmax(m, mx.nd.array(LABEL), normalization="batch")
    want.backward()
    np.testing.assert_allclose(out.asnumpy(), want.asnumpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(d.grad.asnumpy(), m.grad.asnumpy(), rtol=RTOL, atol=ATOL)


def test_outside_record_is_the_softmax(mx):
    want = mx.nd.SoftmaxOutput(mx.nd.array(DATA), mx.nd.array(LABEL)).asnumpy()
    got = nn_ops.SoftmaxOutput(torch.tensor(DATA), torch.tensor(LABEL))
    assert got.grad_fn is None
    np.testing.assert_allclose(got.numpy(), want, rtol=RTOL, atol=ATOL)
    assert nn_ops.Softmax is nn_ops.SoftmaxOutput


@pytest.mark.parametrize(
    ("data", "label", "kwargs", "needle"),
    [
        (DATA, np.array([1, 2, 3], np.float32), {}, "Provided = [3], inferred shape=[4]"),
        (DATA, np.zeros((4, 3), np.float32), {}, "Provided = [4,3], inferred shape=[4]"),
        (DATA, np.array([0, 1, 2, 3], np.int32), {}, "requires uniform type"),
        (DATA, LABEL, {"normalization": "bogus"}, "Invalid Input: 'bogus'"),
        (DATA, LABEL, {"bogus": 1}, "Cannot find argument 'bogus'"),
    ],
)
def test_errors(mx, data, label, kwargs, needle):
    with pytest.raises(mx.base.MXNetError) as want:
        mx.nd.SoftmaxOutput(
            mx.nd.array(data, dtype=data.dtype), mx.nd.array(label, dtype=label.dtype), **kwargs
        )
    assert needle in str(want.value)
    with pytest.raises(MXNetError) as got:
        nn_ops.SoftmaxOutput(torch.tensor(data), torch.tensor(label), **kwargs)
    assert needle in str(got.value)


def test_nd_default_mode_beyond_2d_raises():
    # MXNet 1.9.1 checks the label against data.shape[:-1] there but reads only its first
    # batch-size values: a number nobody means, so the shim refuses with a hint.
    with pytest.raises(MXNetError, match="multi_output=True"):
        nn_ops.SoftmaxOutput(torch.zeros(2, 2, 3), torch.zeros(2, 2))


def test_second_derivative_refused():
    x = torch.tensor(DATA)
    x.attach_grad()
    with shim.autograd.record():
        out = nn_ops.SoftmaxOutput(x, torch.tensor(LABEL))
    (g,) = shim.autograd.grad(out, [x], create_graph=True)
    with pytest.raises(RuntimeError):
        g.sum().backward()
