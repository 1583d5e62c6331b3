"""autograd_compat.to_torch / to_mxnet: zero-copy (DLPack) interchange, detached results."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import torch

import autograd_compat
from autograd_compat import to_mxnet, to_torch

pytestmark = pytest.mark.mxnet


def test_mxnet_to_torch_shares_memory(mx) -> None:
    m = mx.nd.arange(6).reshape((2, 3))
    t = to_torch(m)
    assert type(t) is torch.Tensor and t.shape == (2, 3) and t.dtype == torch.float32
    m[0, 0] = 100
    mx.nd.waitall()
    assert t[0, 0].item() == 100
    t[1, 1] = -1
    assert m.asnumpy()[1, 1] == -1
    del m
    gc.collect()
    assert t.tolist() == [[100, 1, 2], [3, -1, 5]]  # the source stays alive with the view


def test_torch_to_mxnet_shares_memory(mx) -> None:
    t = torch.arange(4.0)
    m = to_mxnet(t)
    assert isinstance(m, mx.nd.NDArray)
    t[0] = 9
    assert m.asnumpy().tolist() == [9, 1, 2, 3]
    del t
    gc.collect()
    assert m.asnumpy().tolist() == [9, 1, 2, 3]


def test_detached_and_no_gradient_crossing(mx) -> None:
    t = torch.ones(3, requires_grad=True)
    m = to_mxnet(t * 2)
    assert m.grad is None
    tm = autograd_compat.namespace("torch", "mxnet")
    x = tm.ones(3, requires_grad=True)
    y = x * 2
    r = to_torch(y)
    assert not r.requires_grad and r.grad_fn is None
    assert to_torch(t).requires_grad is False


def test_dialect_tensor_round_trip_shares_memory(mx) -> None:
    tm = autograd_compat.namespace("torch", "mxnet")
    a = tm.arange(3.0)
    b = to_torch(a)
    b[0] = 5
    assert a.tolist() == [5, 1, 2]
    m = to_mxnet(a)
    assert isinstance(m, mx.nd.NDArray)
    m[1] = 7
    assert a.tolist() == [5, 7, 2]


def test_non_contiguous_bool_and_zero_dim(mx) -> None:
    t = torch.arange(6.0).reshape(2, 3).t()
    m = to_mxnet(t)
    np.testing.assert_array_equal(m.asnumpy(), t.numpy())
    bt = to_mxnet(torch.tensor([True, False]))
    assert bt.asnumpy().dtype == np.bool_ and bt.asnumpy().tolist() == [True, False]
    bm = to_torch(mx.np.array(np.array([True, False])))
    assert bm.dtype == torch.bool and bm.tolist() == [True, False]
    z = to_torch(autograd_compat.namespace("torch", "mxnet").tensor(2.5))
    assert z.shape == () and z.item() == 2.5
    zm = to_mxnet(torch.tensor(3.0))
    assert zm.shape == () and float(zm.asnumpy()) == 3.0


def test_dtypes_and_native_passthrough(mx) -> None:
    for dt in (torch.float64, torch.int64, torch.int32, torch.uint8):
        t = torch.arange(3).to(dt)
        back = to_torch(to_mxnet(t))
        assert back.dtype == dt and back.tolist() == [0, 1, 2]
    t = torch.ones(2)
    assert to_torch(t).data_ptr() == t.data_ptr()
    m = mx.nd.ones(2)
    assert isinstance(to_mxnet(m), mx.nd.NDArray)


def test_bad_input_type() -> None:
    with pytest.raises(TypeError, match="to_torch expects"):
        to_torch([1, 2])
    with pytest.raises(TypeError, match="to_mxnet expects"):
        to_mxnet(np.ones(2))
