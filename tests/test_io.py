"""``mx.io`` iterators on torch side by side with MXNet 1.9.1: every batch (values, pad, shapes,
descriptors) over several epochs for each ``last_batch_handle``, shuffling with the same numpy
seed, dict inputs, ``ResizeIter`` and ``PrefetchingIter``."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_compat.mxnet_on_torch import io as shim_io


def _np(x):
    return x.asnumpy() if hasattr(x, "asnumpy") and not hasattr(x, "numpy") else x.numpy()


def _epochs(it, n=3):
    out = []
    for _ in range(n):
        epoch = []
        for batch in it:
            epoch.append(
                (
                    [_np(d) for d in batch.data],
                    [_np(lb) for lb in (batch.label or [])],
                    batch.pad,
                )
            )
        out.append(epoch)
        it.reset()
    return out


def _same(a, b):
    assert len(a) == len(b)
    for ea, eb in zip(a, b, strict=True):
        assert len(ea) == len(eb)
        for (da, la, pa), (db, lb, pb) in zip(ea, eb, strict=True):
            assert pa == pb
            for x, y in zip(da + la, db + lb, strict=True):
                assert x.dtype == y.dtype
                np.testing.assert_array_equal(x, y)


DATA = np.arange(70, dtype=np.float32).reshape(7, 2, 5)
LABEL = np.arange(7, dtype=np.float32)


@pytest.mark.parametrize("handle", ["pad", "discard", "roll_over"])
@pytest.mark.parametrize("batch_size", [3, 7, 10])
def test_ndarrayiter_last_batch(mx, handle, batch_size):
    m = mx.io.NDArrayIter(DATA, LABEL, batch_size=batch_size, last_batch_handle=handle)
    s = shim_io.NDArrayIter(DATA, LABEL, batch_size=batch_size, last_batch_handle=handle)
    _same(_epochs(m), _epochs(s))
    assert [tuple(d) for d in m.provide_data] == [tuple(d) for d in s.provide_data]
    assert repr(m.provide_label) == repr(s.provide_label)


def test_ndarrayiter_shuffle_dict_inputs(mx):
    # MXNet's NDArrayIter converts the dict's values in place: each side gets its own dict.
    def data():
        return {"b": DATA, "a": DATA[:, 0] * 2}

    label = [LABEL, LABEL + 1]
    np.random.seed(3)
    m = mx.io.NDArrayIter(data(), label, batch_size=2, shuffle=True, last_batch_handle="pad")
    m_out = _epochs(m)
    np.random.seed(3)
    s = shim_io.NDArrayIter(data(), label, batch_size=2, shuffle=True, last_batch_handle="pad")
    _same(m_out, _epochs(s))
    assert repr(m.provide_data) == repr(s.provide_data)
    assert repr(m.provide_label) == repr(s.provide_label)


def test_ndarrayiter_from_arrays_and_next(mx):
    from autograd_compat.mxnet_on_torch import nd

    s = shim_io.NDArrayIter(nd.array(DATA), batch_size=4, last_batch_handle="discard")
    m = mx.io.NDArrayIter(mx.nd.array(DATA), batch_size=4, last_batch_handle="discard")
    bs, bm = s.next(), m.next()
    np.testing.assert_array_equal(bs.data[0].numpy(), bm.data[0].asnumpy())
    assert str(bs) == str(bm)
    assert bs.label == bm.label == []
    with pytest.raises(StopIteration):
        s.next()
    with pytest.raises(StopIteration):
        m.next()


def test_resize_and_prefetching_iter(mx):
    m = mx.io.ResizeIter(mx.io.NDArrayIter(DATA, LABEL, batch_size=2), 5)
    s = shim_io.ResizeIter(shim_io.NDArrayIter(DATA, LABEL, batch_size=2), 5)
    _same(_epochs(m, 2), _epochs(s, 2))
    m = mx.io.PrefetchingIter(
        [mx.io.NDArrayIter(DATA, LABEL, batch_size=3), mx.io.NDArrayIter(DATA * 2, batch_size=3)],
        rename_data=[{"data": "x"}, {"data": "y"}],
    )
    s = shim_io.PrefetchingIter(
        [
            shim_io.NDArrayIter(DATA, LABEL, batch_size=3),
            shim_io.NDArrayIter(DATA * 2, batch_size=3),
        ],
        rename_data=[{"data": "x"}, {"data": "y"}],
    )
    assert repr(m.provide_data) == repr(s.provide_data)
    _same(_epochs(m, 2), _epochs(s, 2))


def test_datadesc_and_databatch(mx):
    assert repr(shim_io.DataDesc("a", (1, 2))) == repr(mx.io.DataDesc("a", (1, 2)))
    assert shim_io.DataDesc.get_batch_axis("TNC") == mx.io.DataDesc.get_batch_axis("TNC") == 1
    with pytest.raises(AssertionError):
        shim_io.DataBatch(data=np.zeros(2))


def test_cpp_iterators_raise_with_hint():
    from autograd_compat.mxnet_on_torch._unsupported import UnsupportedError

    with pytest.raises(UnsupportedError, match="ImageRecordDataset"):
        shim_io.ImageRecordIter  # noqa: B018
