"""MXNet's NDArray file format without MXNet (``autograd_compat.ndfile``) and ``nd``/``npx`` save
and load on torch (``mxnet_on_torch.serialization``), side by side with real MXNet 1.9.1: the same
bytes for the same content, round trips both ways, every dtype and shape, damaged files."""

from __future__ import annotations

import contextlib
import os
import stat
import struct

import numpy as onp
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from autograd_compat import ndfile
from autograd_compat.mxnet_on_torch import serialization
from autograd_compat.mxnet_on_torch.base import MXNetError
from autograd_compat.mxnet_on_torch.ndarray import ndarray as shim_ndarray

DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool"]
LEGACY_SHAPES = [(3,), (2, 3), (1, 1, 1), (0,), (0, 3), (2, 0, 4), (2, 1, 2, 1, 2)]
NP_SHAPES = [(), *LEGACY_SHAPES]


@contextlib.contextmanager
def np_mode(mx):
    mx.npx.set_np()
    try:
        yield
    finally:
        mx.npx.reset_np()


def sample(shape, dtype, seed=0):
    rng = onp.random.RandomState(seed)
    return (rng.uniform(-100, 100, size=shape) * (rng.uniform(size=shape) < 0.7)).astype(dtype)


def mx_array(mx, a, np_shape):
    return mx.np.array(a, dtype=a.dtype) if np_shape else mx.nd.array(a, dtype=a.dtype)


def mx_save(mx, path, data, np_shape=False):
    """Save numpy data with real MXNet (legacy nd.save or npx.save)."""
    if np_shape:
        with np_mode(mx):
            conv = (
                {k: mx_array(mx, v, True) for k, v in data.items()}
                if isinstance(data, dict)
                else [mx_array(mx, v, True) for v in data]
            )
            mx.npx.save(str(path), conv)
    else:
        conv = (
            {k: mx_array(mx, v, False) for k, v in data.items()}
            if isinstance(data, dict)
            else [mx_array(mx, v, False) for v in data]
        )
        mx.nd.save(str(path), conv)


def mx_load(mx, path, np_shape=False):
    """Load with real MXNet, as numpy arrays."""
    if np_shape:
        with np_mode(mx):
            got = mx.npx.load(str(path))
    else:
        got = mx.nd.load(str(path))
    if isinstance(got, dict):
        return {k: v.asnumpy() for k, v in got.items()}
    return [v.asnumpy() for v in got]


def assert_same(a, b):
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        a, b = list(a.values()), list(b.values())
    assert isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        onp.testing.assert_array_equal(x, y)


# ------------------------------------------------------------------------------ same bytes


@pytest.mark.parametrize("np_shape", [False, True], ids=["nd", "npx"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_same_bytes_every_dtype_and_shape(mx, tmp_path, dtype, np_shape):
    shapes = NP_SHAPES if np_shape else LEGACY_SHAPES
    arrays = [sample(s, dtype, i) for i, s in enumerate(shapes)]
    for data in (arrays, {f"p{i}_{s}": a for i, (s, a) in enumerate(zip(shapes, arrays))}):
        theirs, ours = tmp_path / "mx.nd", tmp_path / "ours.nd"
        mx_save(mx, theirs, data, np_shape)
        ndfile.save(ours, data, np_shape=np_shape)
        assert ours.read_bytes() == theirs.read_bytes()
        assert_same(ndfile.load(theirs), data)  # MXNet -> here
        assert_same(mx_load(mx, ours, np_shape), data)  # here -> MXNet


@pytest.mark.parametrize("np_shape", [False, True], ids=["nd", "npx"])
def test_empty_list_and_empty_dict(mx, tmp_path, np_shape):
    for data in ([], {}):
        theirs, ours = tmp_path / "mx.nd", tmp_path / "ours.nd"
        mx_save(mx, theirs, data, np_shape)
        ndfile.save(ours, data, np_shape=np_shape)
        assert ours.read_bytes() == theirs.read_bytes()
        assert ndfile.load(ours) == [] == mx_load(mx, ours, np_shape)  # a dict without names


def test_names_keep_order_and_unicode(mx, tmp_path):
    data = {"zeta": onp.ones(2, "f4"), "é名": onp.zeros(1, "f8"), "": onp.arange(3)}
    theirs, ours = tmp_path / "mx.nd", tmp_path / "ours.nd"
    mx_save(mx, theirs, data)
    ndfile.save(ours, data)
    assert ours.read_bytes() == theirs.read_bytes()
    assert list(ndfile.load(theirs)) == list(data)


def test_bfloat16(mx, tmp_path):
    bf = ndfile.BFLOAT16
    theirs, ours = tmp_path / "mx.nd", tmp_path / "ours.nd"
    mx.nd.save(str(theirs), [mx.nd.array([1.5, -2.25, 0.0]).astype(bf)])
    (got,) = ndfile.load(theirs)
    assert got.dtype == bf
    ndfile.save(ours, [got])
    assert ours.read_bytes() == theirs.read_bytes()
    t = torch.tensor([1.5, -2.25, 0.0], dtype=torch.bfloat16)
    serialization.save(str(ours), [t])
    assert ours.read_bytes() == theirs.read_bytes()
    (back,) = serialization.load(str(ours))
    assert back.dtype == torch.bfloat16 and torch.equal(back, t)


def test_non_contiguous_and_big_endian_arrays_write_their_values(mx, tmp_path):
    a = onp.arange(12, dtype="f4").reshape(3, 4)
    data = [a.T, a[:, ::2], a.astype(">f8"), onp.asfortranarray(a)]
    ours = tmp_path / "ours.nd"
    ndfile.save(ours, data)
    got = mx_load(mx, ours)
    for x, y in zip(data, got):
        onp.testing.assert_array_equal(x, y)
    assert [g.dtype for g in got] == [onp.float32, onp.float32, onp.float64, onp.float32]


@given(
    shape=st.lists(st.integers(0, 3), min_size=1, max_size=4).map(tuple),
    dtype=st.sampled_from(DTYPES),
    names=st.booleans(),
)
@pytest.mark.mxnet
def test_same_bytes_property(tmp_path_factory, shape, dtype, names):
    import mxnet as mx

    path = tmp_path_factory.mktemp("prop")
    a = sample(shape, dtype)
    data = {"w": a, "b": a[..., :1]} if names else [a, a[..., :1]]
    mx_save(mx, path / "mx.nd", data)
    ndfile.save(path / "ours.nd", data)
    assert (path / "ours.nd").read_bytes() == (path / "mx.nd").read_bytes()


# ----------------------------------------------------------------- Gluon and module files


def test_gluon_save_parameters_files(mx, tmp_path):
    dense = mx.gluon.nn.Dense(3, in_units=4)
    dense.initialize()
    lstm = mx.gluon.rnn.LSTM(4, num_layers=2, bidirectional=True, input_size=3)
    lstm.initialize()
    for net in (dense, lstm):
        theirs, ours = tmp_path / "mx.params", tmp_path / "ours.params"
        net.save_parameters(str(theirs))
        got = ndfile.load(theirs)
        want = {k: v.asnumpy() for k, v in mx.nd.load(str(theirs)).items()}
        assert_same(got, want)
        ndfile.save(ours, got)
        assert ours.read_bytes() == theirs.read_bytes()
        net.load_parameters(str(ours))  # MXNet takes ours back
    assert any(k.startswith("_unfused.0.l_cell.") for k in got)  # the names RNN layers write
    lstm.collect_params().save(str(theirs))
    assert all(k.startswith(lstm.prefix) for k in ndfile.load(theirs))  # full names


def test_module_checkpoint_arg_aux(mx, tmp_path):
    sym = mx.sym.FullyConnected(mx.sym.var("data"), num_hidden=2, name="fc")
    arg, aux = {"fc_weight": mx.nd.ones((2, 3))}, {"bn_moving_mean": mx.nd.zeros(2)}
    prefix = str(tmp_path / "ck")
    mx.model.save_checkpoint(prefix, 1, sym, arg, aux)
    got = ndfile.load(prefix + "-0001.params")
    assert list(got) == ["arg:fc_weight", "aux:bn_moving_mean"]
    ndfile.save(tmp_path / "ours.params", got)
    assert (tmp_path / "ours.params").read_bytes() == open(prefix + "-0001.params", "rb").read()
    _, arg2, aux2 = mx.model.load_checkpoint(str(tmp_path / "ck"), 1)
    assert set(arg2) == {"fc_weight"} and set(aux2) == {"bn_moving_mean"}


# ------------------------------------------------------------------------ older versions


def _old_record(arr, v1):
    """A record as MXNet before 1.0 wrote it: V1 (magic, i64 dims) or older (no magic, u32 dims)."""
    if v1:
        head = struct.pack("<II", ndfile.V1_MAGIC, arr.ndim)
        head += b"".join(struct.pack("<q", d) for d in arr.shape)
    else:
        head = struct.pack("<I", arr.ndim) + b"".join(struct.pack("<I", d) for d in arr.shape)
    flag = ndfile.DTYPE_FLAGS[arr.dtype]
    return head + struct.pack("<iii", 1, 0, flag) + arr.tobytes()


@pytest.mark.parametrize("version", ["V1", "pre-V1"])
def test_older_records_load_as_mxnet_loads_them(mx, tmp_path, version):
    a, b = onp.arange(6, dtype="f4").reshape(2, 3), onp.array([7, 8], "i8")
    recs = [_old_record(a, version == "V1"), _old_record(b, version == "V1")]
    path = tmp_path / "old.nd"
    path.write_bytes(struct.pack("<QQQ", 0x112, 0, 2) + b"".join(recs) + struct.pack("<Q", 0))
    assert_same(ndfile.load(path), [a, b])
    assert_same(mx_load(mx, path), [a, b])


def test_legacy_0d_record_written_by_mxnet_is_read(mx, tmp_path):
    # MXNet 1.9.1 writes legacy 0-d arrays (nd.array(5) is 0-d) but cannot read them back.
    path = tmp_path / "mx.nd"
    mx.nd.save(str(path), {"x": mx.nd.array([1, 2]), "s": mx.nd.array(5)})
    with pytest.raises(mx.base.MXNetError):
        mx.nd.load(str(path))
    got = ndfile.load(path)
    assert got["s"].shape == () and got["s"] == 5
    with pytest.raises(ndfile.FormatError, match="0-d"):
        ndfile.save(tmp_path / "ours.nd", got)  # so ours refuses to write such a file
    assert not (tmp_path / "ours.nd").exists()


# ------------------------------------------------------------------------- shape semantics


def test_shape_semantics_are_checked_as_mxnet_does(mx, tmp_path):
    legacy, numpy_ = tmp_path / "legacy.nd", tmp_path / "np.nd"
    ndfile.save(legacy, [onp.ones(2, "f4")])
    ndfile.save(numpy_, [onp.ones(2, "f4")], np_shape=True)
    with pytest.raises(mx.base.MXNetError):
        mx.nd.load(str(numpy_))
    with pytest.raises(ndfile.FormatError, match="numpy shape semantics"):
        ndfile.load(numpy_, np_shape=False)
    with np_mode(mx), pytest.raises(mx.base.MXNetError):
        mx.npx.load(str(legacy))
    with pytest.raises(ndfile.FormatError, match="not saved with numpy shape"):
        ndfile.load(legacy, np_shape=True)
    assert len(ndfile.load(legacy)) == len(ndfile.load(numpy_)) == 1  # None accepts both


# -------------------------------------------------------------------------- damaged files


def _good_file(tmp_path):
    path = tmp_path / "good.nd"
    ndfile.save(path, {"w": onp.arange(6, dtype="f4").reshape(2, 3), "b": onp.ones(2, "i8")})
    return path.read_bytes()


def test_every_truncation_is_a_format_error_naming_the_file(mx, tmp_path):
    whole = _good_file(tmp_path)
    path = tmp_path / "cut.nd"
    for n in range(len(whole)):
        path.write_bytes(whole[:n])
        with pytest.raises(ndfile.FormatError) as err:
            ndfile.load(path)
        assert str(path) in str(err.value)
        if n % 7 == 0:  # MXNet refuses them too (a sample: each call is slow)
            with pytest.raises(mx.base.MXNetError):
                mx.nd.load(str(path))


@pytest.mark.parametrize(
    "content, what",
    [
        (b"", "shorter than"),
        (b"hello world, this is text\n" * 3, "wrong magic"),
        (struct.pack("<QQQ", 0x112, 0, 1) + struct.pack("<I", 0xDEADBEEF), "claims"),
        (struct.pack("<QQQ", 0x112, 0, 1 << 40), "claims"),
    ],
    ids=["empty", "text", "foreign-record", "huge-count"],
)
def test_foreign_files(mx, tmp_path, content, what):
    path = tmp_path / "bad.nd"
    path.write_bytes(content)
    with pytest.raises(ndfile.FormatError, match=what) as err:
        ndfile.load(path)
    assert str(path) in str(err.value)
    with pytest.raises(mx.base.MXNetError):
        mx.nd.load(str(path))
    with pytest.raises(MXNetError, match="bad.nd"):
        serialization.load(str(path))


def _patched(whole, offset, fmt, value):
    buf = bytearray(whole)
    struct.pack_into(fmt, buf, offset, value)
    return bytes(buf)


def test_bad_fields(tmp_path):
    whole = _good_file(tmp_path)
    rec = 24  # first record
    cases = {
        "unknown dtype flag 99": _patched(whole, rec + 4 + 4 + 4 + 16 + 8, "<i", 99),
        "sparse (row_sparse)": _patched(whole, rec + 4, "<i", 1),
        "unknown storage type 7": _patched(whole, rec + 4, "<i", 7),
        "unknown device type 9": _patched(whole, rec + 4 + 4 + 4 + 16, "<i", 9),
        "2 arrays but 1 names": _patched(whole, len(whole) - 2 * 9 - 8, "<Q", 1),
        "unknown dimension": _patched(whole, rec + 12, "<q", -1),
    }
    path = tmp_path / "bad.nd"
    for what, content in cases.items():
        path.write_bytes(content)
        with pytest.raises(ndfile.FormatError, match=what.replace("(", r"\(").replace(")", r"\)")):
            ndfile.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        ndfile.load(tmp_path / "nope.nd")
    with pytest.raises(MXNetError, match="nope.nd"):
        serialization.load(str(tmp_path / "nope.nd"))
    with pytest.raises(MXNetError, match="nodir"):
        serialization.save(str(tmp_path / "nodir" / "x.nd"), [torch.ones(1)])


def test_unsavable_content_is_refused():
    for bad in ([onp.ones(2, "i2")], [onp.ones(2, "c8")], {"a": [1, 2]}, {1: onp.ones(1)}, 3):
        with pytest.raises(ndfile.FormatError, match="cannot save"):
            ndfile.encode(bad)


# ------------------------------------------------------------------- the temporary-file rule


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "p.nd"
    ndfile.save(path, [onp.ones(3, "f4")])
    before = path.read_bytes()
    with pytest.raises(ndfile.FormatError):
        ndfile.save(path, [onp.ones(3, "f4"), onp.ones(2, "c16")])

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        ndfile.save(path, [onp.zeros(5, "f8")])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.nd"]


def test_written_file_has_the_mode_of_a_plain_open(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"")
    ndfile.save(tmp_path / "p.nd", [])
    mode = stat.S_IMODE(os.stat(tmp_path / "p.nd").st_mode)
    assert mode == stat.S_IMODE(os.stat(plain).st_mode)


# ----------------------------------------------------------- nd/npx save and load on torch


def test_nd_save_is_mxnets_bytes_and_loads_tensors(mx, tmp_path):
    data = {"w": torch.arange(6.0).reshape(2, 3), "i": torch.tensor([1, 2], dtype=torch.int32)}
    ours, theirs = tmp_path / "ours.nd", tmp_path / "mx.nd"
    serialization.save(str(ours), data)
    mx.nd.save(
        str(theirs), {k: mx.nd.array(v.numpy(), dtype=v.numpy().dtype) for k, v in data.items()}
    )
    assert ours.read_bytes() == theirs.read_bytes()
    got = serialization.load(str(theirs))
    assert list(got) == ["w", "i"] and type(got["w"]) is torch.Tensor
    assert torch.equal(got["w"], data["w"]) and got["i"].dtype == torch.int32
    serialization.save(str(ours), torch.ones(2))  # a single array is a list of one
    assert [t.tolist() for t in serialization.load(str(ours))] == [[1.0, 1.0]]


def test_npx_save_round_trips_np_arrays(mx, tmp_path):
    from autograd_compat.mxnet_on_torch import numpy as shim_np

    data = [shim_np.array(3.0), shim_np.zeros((2, 0)), shim_np.array([1, 2], dtype="int64")]
    ours = tmp_path / "ours.nd"
    serialization.save(str(ours), data, np=True)
    got = mx_load(mx, ours, np_shape=True)
    assert [g.shape for g in got] == [(), (2, 0), (2,)]
    back = serialization.load(str(ours), np=True)
    assert all(type(b) is shim_ndarray for b in back)
    assert [tuple(b.shape) for b in back] == [(), (2, 0), (2,)]
    with pytest.raises(MXNetError, match="numpy shape semantics"):
        serialization.load(str(ours))  # nd.load of an npx file, as in MXNet


def test_save_load_argument_errors_match_mxnet(mx, tmp_path):
    from autograd_compat.mxnet_on_torch import numpy as shim_np

    path = str(tmp_path / "x.nd")

    def errors(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            return type(e), str(e)
        return None

    cases = [
        (
            lambda: mx.nd.save(path, [mx.nd.ones(1), 3]),
            lambda: serialization.save(path, [torch.ones(1), 3]),
        ),
        (lambda: mx.nd.save(path, 3), lambda: serialization.save(path, 3)),
        (
            lambda: mx.nd.save(path, (mx.nd.ones(1),)),
            lambda: serialization.save(path, (torch.ones(1),)),
        ),
        (
            lambda: mx.nd.save(path, {1: mx.nd.ones(1)}),
            lambda: serialization.save(path, {1: torch.ones(1)}),
        ),
        (lambda: mx.nd.load(3), lambda: serialization.load(3)),
    ]
    for theirs, ours in cases:
        assert errors(ours) == errors(theirs)
    with np_mode(mx):
        want = errors(lambda: mx.nd.save(path, [mx.np.ones(2)]))
    assert errors(lambda: serialization.save(path, [shim_np.ones(2)])) == want
    with pytest.raises(TypeError, match="Only accepts"):
        serialization.save(path, [torch.ones(1)], np=True)
    with pytest.raises(MXNetError, match="int16"):
        serialization.save(path, [torch.ones(1, dtype=torch.int16)])


def test_saved_tensors_leave_the_graph(tmp_path):
    x = torch.ones(2, requires_grad=True)
    serialization.save(str(tmp_path / "g.nd"), [x * 2])
    (got,) = serialization.load(str(tmp_path / "g.nd"))
    assert not got.requires_grad and got.tolist() == [2.0, 2.0]


def test_nd_save_of_a_0d_tensor_writes_mxnets_legacy_scalar(mx, tmp_path):
    # legacy MXNet scalars (x.sum(), x[0, 0]) have shape (1,); the torch ones here are 0-d
    ours, theirs = tmp_path / "ours.nd", tmp_path / "mx.nd"
    serialization.save(str(ours), {"s": torch.ones(3).sum(), "e": torch.ones(2, 2)[0, 0]})
    mx.nd.save(str(theirs), {"s": mx.nd.ones(3).sum(), "e": mx.nd.ones((2, 2))[0, 0]})
    assert ours.read_bytes() == theirs.read_bytes()


def test_load_frombuffer(mx, tmp_path):
    path = tmp_path / "mx.nd"
    mx.nd.save(str(path), {"w": mx.nd.array([[1, 2], [3, 4]]), "b": mx.nd.array([5])})
    buf = path.read_bytes()
    want = {k: v.asnumpy() for k, v in mx.nd.load_frombuffer(buf).items()}
    got = serialization.load_frombuffer(buf)
    assert_same({k: v.numpy() for k, v in got.items()}, want)
    with pytest.raises(MXNetError, match="truncated"):
        serialization.load_frombuffer(buf[:-3])
    with pytest.raises(mx.base.MXNetError):
        mx.nd.load_frombuffer(buf[:-3])
    with pytest.raises(TypeError, match="buf required"):
        serialization.load_frombuffer(3)


def test_write_atomic_takes_bytes_or_chunks(tmp_path):
    ndfile.write_atomic(tmp_path / "a.json", b'{"x": 1}')
    ndfile.write_atomic(tmp_path / "b.bin", [b"ab", memoryview(b"cd"), bytearray(b"ef")])
    assert (tmp_path / "a.json").read_bytes() == b'{"x": 1}'
    assert (tmp_path / "b.bin").read_bytes() == b"abcdef"


def test_records_follow_the_shape_semantics_in_force_not_the_function(mx, tmp_path):
    # MXNet: nd.save under np shape semantics writes numpy-shape records, and nd.load reads them
    ours, theirs = tmp_path / "ours.nd", tmp_path / "mx.nd"
    with mx.util.np_shape(True):
        mx.nd.save(str(theirs), [mx.nd.ones(2)])
        want = mx.nd.load(str(theirs))[0].asnumpy()
    serialization.save(str(ours), [torch.ones(2)], np_shape=True)
    assert ours.read_bytes() == theirs.read_bytes()
    (got,) = serialization.load(str(ours), np_shape=True)
    assert type(got) is torch.Tensor and onp.array_equal(got.numpy(), want)
    with pytest.raises(MXNetError, match="numpy shape semantics"):
        serialization.load(str(ours))
    with pytest.raises(MXNetError, match="numpy shape semantics"):
        serialization.load_frombuffer(ours.read_bytes())
    assert len(serialization.load_frombuffer(ours.read_bytes(), np_shape=True)) == 1


def test_nd_and_npx_save_load_wired_both_ways(mx, tmp_path):
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    shim.nd.save(str(tmp_path / "a"), {"w": shim.nd.array([[1, 2], [3, 4]])})
    assert mx.nd.load(str(tmp_path / "a"))["w"].asnumpy().tolist() == [[1, 2], [3, 4]]
    mx.nd.save(str(tmp_path / "b"), [mx.nd.arange(3)])
    assert [t.tolist() for t in shim.nd.load(str(tmp_path / "b"))] == [[0.0, 1.0, 2.0]]
    with open(tmp_path / "b", "rb") as f:
        assert shim.nd.load_frombuffer(f.read())[0].tolist() == [0.0, 1.0, 2.0]
    for m in (mx, shim):  # legacy mode: both refuse, with MXNet's class
        with pytest.raises(ValueError, match="Cannot save"):
            m.npx.save(str(tmp_path / "c"), m.np.array(5.0) if m is shim else None)
    try:
        mx.npx.set_np()
        shim.npx.set_np()
        shim.npx.save(str(tmp_path / "c"), shim.np.array(5.0))
        assert float(mx.npx.load(str(tmp_path / "c"))[0]) == 5.0
        assert float(shim.npx.load(str(tmp_path / "c"))[0]) == 5.0
    finally:
        mx.npx.reset_np()
        shim.npx.reset_np()
