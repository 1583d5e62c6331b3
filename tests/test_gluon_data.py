"""``gluon.data`` on torch side by side with MXNet 1.9.1: datasets and their lazy transforms,
samplers, ``DataLoader`` batches (values, dtypes, order; ``shuffle=True`` draws the same order
from the same numpy seed), last-batch modes, worker processes and threads, and the vision
datasets read from small files in the standard formats."""

from __future__ import annotations

import gzip
import os
import struct
import warnings

import numpy as np
import pytest
import torch

from autograd_compat.mxnet_on_torch import npx
from autograd_compat.mxnet_on_torch import recordio as shim_recordio
from autograd_compat.mxnet_on_torch.gluon import data as gdata
from autograd_compat.mxnet_on_torch.gluon.data import vision


def _np(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    return np.asarray(x)


def _same_batches(a, b):
    a, b = list(a), list(b)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if isinstance(x, list | tuple):
            assert isinstance(y, list | tuple) and len(x) == len(y)
            _same_batches(x, y)
            continue
        xa, ya = _np(x), _np(y)
        assert xa.dtype == ya.dtype and xa.shape == ya.shape
        np.testing.assert_array_equal(xa, ya)


X = np.arange(60, dtype=np.float32).reshape(10, 2, 3)
Y = np.arange(10, dtype=np.int64) % 3


def _double(x):
    return x * 2


def _keep_even(sample):
    return int(sample[1]) % 2 == 0


@pytest.mark.parametrize("last_batch", ["keep", "discard", "rollover"])
def test_dataloader_batches_equal_mxnet(mx, last_batch):
    def run(m):
        ds = m.gluon.data.ArrayDataset(X, Y)
        loader = m.gluon.data.DataLoader(ds, batch_size=4, last_batch=last_batch)
        return [list(loader) for _ in range(3)], len(loader)

    from autograd_compat import namespace

    (m_epochs, m_len), (s_epochs, s_len) = run(mx), run(namespace("mxnet", "torch"))
    assert m_len == s_len
    for me, se in zip(m_epochs, s_epochs, strict=True):
        _same_batches(me, se)


def test_dataset_methods_equal_mxnet(mx):
    def run(g):
        ds = g.data.ArrayDataset(X, Y)
        out = {
            "transform": list(ds.transform(lambda x, y: (x + 1, y * 2))),
            "transform_first": list(ds.transform_first(_double)),
            "eager": list(ds.transform_first(_double, lazy=False)),
            "filter": list(ds.filter(_keep_even)),
            "shard": [list(ds.shard(3, i)) for i in range(3)],
            "take": list(ds.take(4)) + list(ds.take(None)),
            "sample": list(ds.sample(g.data.SequentialSampler(3, 5))),
            "simple": list(g.data.SimpleDataset(list(range(5))).transform(_double)),
        }
        return out

    from autograd_compat import namespace

    m, s = run(mx.gluon), run(namespace("mxnet", "torch").gluon)
    for key in m:
        _same_batches(m[key], s[key])


def test_samplers_equal_mxnet(mx):
    for g, seed in ((mx.gluon.data, 7), (gdata, 7)):
        np.random.seed(seed)
        g.order = list(g.RandomSampler(9))
    assert [int(i) for i in mx.gluon.data.order] == [int(i) for i in gdata.order]
    for last in ("keep", "discard", "rollover"):
        m = mx.gluon.data.BatchSampler(mx.gluon.data.SequentialSampler(10), 3, last)
        s = gdata.BatchSampler(gdata.SequentialSampler(10), 3, last)
        for _ in range(3):
            assert len(m) == len(s)
            assert list(m) == list(s)
    bad = gdata.BatchSampler(gdata.SequentialSampler(10), 3, "oops")
    with pytest.raises(ValueError, match="last_batch must be one of"):
        list(bad)
    assert list(gdata.IntervalSampler(7, 3)) == [0, 3, 6, 1, 4, 2, 5]
    assert list(gdata.IntervalSampler(7, 3, rollover=False)) == [0, 3, 6]
    assert len(gdata.IntervalSampler(7, 3, rollover=False)) == 3
    f = gdata.FilterSampler(lambda v: v > 2, [1, 5, 3, 0])
    assert list(f) == [1, 2] and len(f) == 2


def test_shuffle_same_seed_same_order(mx):
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    out = []
    for m in (mx, shim):
        np.random.seed(11)
        loader = m.gluon.data.DataLoader(m.gluon.data.ArrayDataset(X, Y), 3, shuffle=True)
        out.append([list(loader) for _ in range(2)])
    for me, se in zip(*out, strict=True):
        _same_batches(me, se)


def test_batchify_arrays_tuples_and_custom(mx):
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    m_ds = mx.gluon.data.SimpleDataset([(mx.nd.array(x), int(y), float(y)) for x, y in zip(X, Y)])
    s_ds = shim.gluon.data.SimpleDataset(
        [(shim.nd.array(x), int(y), float(y)) for x, y in zip(X, Y)]
    )
    _same_batches(
        list(mx.gluon.data.DataLoader(m_ds, batch_size=4)),
        list(shim.gluon.data.DataLoader(s_ds, batch_size=4)),
    )
    batches = list(
        shim.gluon.data.DataLoader(s_ds, batch_size=4, batchify_fn=lambda samples: len(samples))
    )
    assert batches == [4, 4, 2]
    loader = gdata.DataLoader(
        gdata.ArrayDataset(X, Y), batch_sampler=gdata.BatchSampler(gdata.SequentialSampler(10), 5)
    )
    assert [b[0].shape[0] for b in loader] == [5, 5]
    with pytest.raises(ValueError, match="batch_size must be specified"):
        gdata.DataLoader(gdata.ArrayDataset(X))
    with pytest.raises(ValueError, match="must not be specified if batch_sampler"):
        gdata.DataLoader(gdata.ArrayDataset(X), batch_size=2, batch_sampler=[[0]])
    with pytest.raises(ValueError, match="shuffle must not be specified"):
        gdata.DataLoader(gdata.ArrayDataset(X), 2, shuffle=True, sampler=gdata.SequentialSampler(2))


def test_np_interface_batches():
    from autograd_compat.mxnet_on_torch.nd_ndarray import NDArray
    from autograd_compat.mxnet_on_torch.ndarray import ndarray

    loader = gdata.DataLoader(gdata.ArrayDataset(X, Y), batch_size=4)
    legacy = next(iter(loader))
    assert type(legacy[0]) is NDArray  # MXNet's legacy mode gives mx.nd.NDArray batches
    npx.set_np()
    try:
        batch = next(iter(loader))
        assert isinstance(batch[0], ndarray) and isinstance(batch[1], ndarray)
        assert batch[1].dtype == "int64"  # numpy's dtype object, as MXNet reports it
    finally:
        npx.reset_np()


def test_workers_and_threads_equal_single_process():
    ds = gdata.ArrayDataset(X, Y).transform_first(_double)
    ref = list(gdata.DataLoader(ds, batch_size=3, last_batch="rollover"))
    procs = gdata.DataLoader(ds, batch_size=3, last_batch="rollover", num_workers=2)
    threads = gdata.DataLoader(
        ds, batch_size=3, last_batch="rollover", num_workers=2, thread_pool=True
    )
    _same_batches(ref, list(procs))
    _same_batches(ref, list(threads))
    # The rolled-over sample joins the second epoch, which leaves two for the third.
    assert len(list(procs)) == 3
    assert (len(procs), len(threads)) == (4, 3)


def test_record_file_dataset(mx, tmp_path):
    w = shim_recordio.MXIndexedRecordIO(str(tmp_path / "d.idx"), str(tmp_path / "d.rec"), "w")
    for i in range(5):
        w.write_idx(i, f"record_{i}".encode())
    w.close()
    m = mx.gluon.data.RecordFileDataset(str(tmp_path / "d.rec"))
    s = gdata.RecordFileDataset(str(tmp_path / "d.rec"))
    assert len(m) == len(s) == 5
    assert [s[i] for i in range(5)] == [m[i] for i in range(5)]


# ---------------------------------------------------------------------------------------------
# vision datasets from small files in the standard formats
# ---------------------------------------------------------------------------------------------


def _write_mnist(root, prefix, images, labels):
    os.makedirs(root, exist_ok=True)
    with gzip.open(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, len(images), 28, 28) + images.tobytes())
    with gzip.open(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz"), "wb") as f:
        f.write(struct.pack(">II", 2049, len(labels)) + labels.tobytes())


def test_mnist_and_fashion_mnist_read_idx_files(tmp_path):
    rs = np.random.RandomState(0)
    images = rs.randint(0, 256, (5, 28, 28)).astype(np.uint8)
    labels = rs.randint(0, 10, 5).astype(np.uint8)
    for cls in (vision.MNIST, vision.FashionMNIST):
        root = str(tmp_path / cls.__name__)
        _write_mnist(root, "t10k", images, labels)
        ds = cls(root=root, train=False)
        assert len(ds) == 5
        img, lab = ds[3]
        assert img.shape == (28, 28, 1) and img.dtype == torch.uint8
        np.testing.assert_array_equal(img.numpy()[:, :, 0], images[3])
        assert lab == labels[3] and isinstance(lab, np.int32)
        batch = next(iter(gdata.DataLoader(ds.transform_first(vision.transforms.ToTensor()), 5)))
        assert batch[0].shape == (5, 1, 28, 28) and batch[1].dtype == torch.int32


def test_missing_files_error_names_them(tmp_path, monkeypatch):
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")
    with pytest.raises(RuntimeError, match="train-images-idx3-ubyte.gz.*place them in"):
        vision.MNIST(root=str(tmp_path / "none"))


def _cifar_rows(n, label_bytes, rs):
    labels = rs.randint(0, 10, (n, label_bytes)).astype(np.uint8)
    pixels = rs.randint(0, 256, (n, 3072)).astype(np.uint8)
    return np.concatenate([labels, pixels], axis=1), labels, pixels


def test_cifar10_and_cifar100_read_binary_batches(tmp_path):
    rs = np.random.RandomState(1)
    root10 = tmp_path / "c10"
    root10.mkdir()
    rows, labels, pixels = _cifar_rows(4, 1, rs)
    (root10 / "test_batch.bin").write_bytes(rows.tobytes())
    ds = vision.CIFAR10(root=str(root10), train=False)
    img, lab = ds[2]
    assert img.shape == (32, 32, 3)
    np.testing.assert_array_equal(img.numpy(), pixels[2].reshape(3, 32, 32).transpose(1, 2, 0))
    assert lab == labels[2, 0]
    root100 = tmp_path / "c100"
    root100.mkdir()
    rows, labels, pixels = _cifar_rows(3, 2, rs)
    (root100 / "test.bin").write_bytes(rows.tobytes())
    coarse = vision.CIFAR100(root=str(root100), train=False)
    fine = vision.CIFAR100(root=str(root100), fine_label=True, train=False)
    assert [int(coarse[i][1]) for i in range(3)] == list(labels[:, 0])
    assert [int(fine[i][1]) for i in range(3)] == list(labels[:, 1])


def test_image_folder_and_record_datasets_equal_mxnet(mx, tmp_path):
    cv2 = pytest.importorskip("cv2")
    rs = np.random.RandomState(2)
    root = tmp_path / "folder"
    imgs = []
    for cls in ("cat", "dog"):
        (root / cls).mkdir(parents=True)
        for i in range(2):
            img = rs.randint(0, 256, (6 + i, 5, 3)).astype(np.uint8)
            cv2.imwrite(str(root / cls / f"{i}.png"), img)
            imgs.append(img)
    (root / "notes.txt").write_text("ignored")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mx.gluon.data.vision.ImageFolderDataset(str(root))
        s = vision.ImageFolderDataset(str(root))
    assert s.synsets == m.synsets == ["cat", "dog"]
    assert [os.path.basename(p) for p, _ in s.items] == [os.path.basename(p) for p, _ in m.items]
    for i in range(len(m)):
        (mi, ml), (si, sl) = m[i], s[i]
        assert ml == sl
        np.testing.assert_array_equal(mi.asnumpy(), si.numpy())
    gray = vision.ImageFolderDataset(str(root), flag=0)[0][0]
    assert gray.shape == (6, 5, 1)
    w = shim_recordio.MXIndexedRecordIO(str(tmp_path / "i.idx"), str(tmp_path / "i.rec"), "w")
    for i, img in enumerate(imgs):
        w.write_idx(i, shim_recordio.pack_img((0, float(i), i, 0), img, img_fmt=".png"))
    w.close()
    m = mx.gluon.data.vision.ImageRecordDataset(str(tmp_path / "i.rec"))
    s = vision.ImageRecordDataset(str(tmp_path / "i.rec"))
    for i in range(len(imgs)):
        (mi, ml), (si, sl) = m[i], s[i]
        assert ml == sl
        np.testing.assert_array_equal(mi.asnumpy(), si.numpy())


@pytest.mark.mxnet
def test_pinned_batches_say_cpu_pinned(mx):
    """Batches report MXNet's contexts: cpu_pinned with pin_memory=True, cpu_shared from workers."""
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    data = np.arange(40, dtype="float32").reshape(10, 4)
    for kwargs, made in (({}, "cpu(0)"), ({"num_workers": 2}, "cpu_shared(0)")):
        for lib in (mx, shim):
            loader = lib.gluon.data.DataLoader(lib.gluon.data.ArrayDataset(data), 4, **kwargs)
            assert [str(x.context) for x in loader] == [made] * 3
            pinned = lib.gluon.data.DataLoader(
                lib.gluon.data.ArrayDataset(data), 4, pin_memory=True, **kwargs
            )
            assert [str(x.context) for x in pinned] == ["cpu_pinned(0)"] * 3
