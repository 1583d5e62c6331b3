"""The legacy ``nd.Pooling`` beside ``nd.SoftmaxOutput`` (issue 12/15's legacy layers): every
``pool_type`` with the ``valid`` and ``full`` conventions in 1-D, 2-D and 3-D, global pooling
(a tie's gradient goes to the first maximum), 3-D average pooling's empty windows (NaN), and
``pooling_convention='same'``, which MXNet 1.9.1 cannot run (its errors). Side by side with real
MXNet 1.9.1: outputs and the gradients for a random head gradient.

Not compared (documented divergences): average pooling with ``'full'``, padding counted and a
last window reaching past the padding, in 1-D/2-D, where MXNet 1.9.1's backward sometimes
divides that window by the whole kernel although its forward divides by the clipped size (the
shim's gradient is the derivative of the shared forward); and ``count_include_pad=False`` with
``'full'`` and padding, which MXNet's CPU (MKLDNN) kernel refuses to run.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch import nn_ops
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")
SIZES = {1: (7,), 2: (7, 6), 3: (5, 4, 6)}


def _data(n, seed=0):
    x = np.random.RandomState(seed).randn(2, 3, *SIZES[n]).astype(np.float32)
    x[0, 0].flat[:4] = 1.0  # ties for max pooling
    return x


def _overhangs(n, k, s, p):
    for size in SIZES[n]:
        out = 1 + -(-(size + 2 * p - k) // s)
        if (out - 1) * s - p + k > size + p:
            return True
    return False


def _cases():
    for n, pool_type, conv, k, s, p in itertools.product(
        (1, 2, 3), ("max", "avg", "sum", "lp"), ("valid", "full"), (2, 3), (1, 2, 3), (0, 1)
    ):
        if 2 * p > k:
            continue
        includes = (None, False) if pool_type == "avg" else (None,)
        for include in includes:
            if pool_type == "avg" and conv == "full":
                if include is None and n < 3 and _overhangs(n, k, s, p):
                    continue  # MXNet's backward disagrees with its forward (see docstring)
                if include is False and p:
                    continue  # MXNet's CPU kernel refuses to run
            kw = {"kernel": (k,) * n, "stride": (s,) * n, "pad": (p,) * n}
            kw.update(pool_type=pool_type, pooling_convention=conv)
            if pool_type == "lp":
                kw["p_value"] = 1 + (k + s) % 3
            if include is not None:
                kw["count_include_pad"] = include
            yield pytest.param(n, kw, id=f"{n}d-{pool_type}-{conv}-k{k}s{s}p{p}-{include}")


def _both(mx, x, kwargs):
    a = mx.nd.array(x)
    a.attach_grad()
    with mx.autograd.record():
        out = mx.nd.Pooling(a, **kwargs)
    head = np.random.RandomState(3).randn(*out.shape).astype(np.float32)
    out.backward(mx.nd.array(head))
    b = torch.tensor(x)
    b.attach_grad()
    with shim.autograd.record():
        got = nn_ops.Pooling(b, **kwargs)
    got.backward(torch.tensor(head))
    return (out.asnumpy(), a.grad.asnumpy()), (got.detach().numpy(), b.grad.numpy())


def _assert_same(want, got):
    for name, a, b in zip(("output", "gradient"), want, got):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5, equal_nan=True, err_msg=name)


@pytest.mark.parametrize(("n", "kwargs"), list(_cases()))
def test_pooling_matches_mxnet(mx, n, kwargs):
    _assert_same(*_both(mx, _data(n), kwargs))


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("pool_type", ["max", "avg", "sum", "lp"])
def test_global_pooling(mx, n, pool_type):
    kwargs = {"kernel": (2,) * n, "global_pool": True, "pool_type": pool_type}
    if pool_type == "lp":
        kwargs["p_value"] = 2
    _assert_same(*_both(mx, _data(n), kwargs))


@pytest.mark.parametrize("n", [1, 2, 3])
def test_global_max_gives_a_tie_to_the_first_maximum(mx, n):
    x = np.zeros((1, 1) + (3,) * n, np.float32)
    x.flat[1] = x.flat[2] = 3.0
    want, got = _both(mx, x, {"kernel": (2,) * n, "global_pool": True, "pool_type": "max"})
    _assert_same(want, got)
    assert got[1].ravel()[1] != 0.0 and got[1].ravel()[2] == 0.0  # not split between the two


@pytest.mark.parametrize("include", [None, False])
def test_3d_average_of_an_empty_window_is_nan(mx, include):
    x = np.arange(1, 21, dtype=np.float32).reshape(1, 1, 2, 2, 5)
    kwargs = {"kernel": (2, 2, 2), "stride": (2, 2, 2), "pad": (1, 1, 1), "pool_type": "avg"}
    kwargs["pooling_convention"] = "full"
    if include is not None:
        kwargs["count_include_pad"] = include
    want = mx.nd.Pooling(mx.nd.array(x), **kwargs).asnumpy()
    got = nn_ops.Pooling(torch.tensor(x), **kwargs).numpy()
    assert np.isnan(want).any() == (include is False)
    np.testing.assert_allclose(got, want, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize(
    ("shape", "kwargs", "needle"),
    [
        ((1, 1, 5, 5), {"kernel": (3, 3), "stride": (2, 2)}, "Currently 'same' supports"),
        ((1, 1, 5, 5, 5), {"kernel": (3, 3, 3)}, "(5 vs. 3)"),
        ((1, 1, 7), {"kernel": (3,), "stride": (2,), "pad": (1,)}, "disables the use of pad"),
        ((1, 1, 7), {"kernel": (3,), "stride": (2,)}, "index = 1 must be in range [0, 1)"),
        ((1, 1, 7), {"kernel": (3,), "pool_type": "avg"}, "index = 1 must be in range [0, 1)"),
    ],
)
def test_same_convention_raises_as_mxnet(mx, shape, kwargs, needle):
    x = np.ones(shape, np.float32)
    with pytest.raises(mx.base.MXNetError) as want:
        mx.nd.Pooling(mx.nd.array(x), pooling_convention="same", **kwargs).wait_to_read()
    assert needle in str(want.value)
    with pytest.raises(MXNetError) as got:
        nn_ops.Pooling(torch.tensor(x), pooling_convention="same", **kwargs)
    assert needle in str(got.value)
