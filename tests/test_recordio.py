"""``mx.recordio`` on torch side by side with MXNet 1.9.1: the ``.rec``/``.idx`` files are
byte-identical both ways (including records that hold the magic word, which MXNet's writer
splits), and ``pack``/``unpack``/``pack_img``/``unpack_img`` agree."""

from __future__ import annotations

import pickle
import struct

import numpy as np
import pytest

from autograd_compat.mxnet_on_torch import recordio as shim

MAGIC = struct.pack("<I", 0xCED7230A)

RECORDS = [
    b"",
    b"a",
    b"abcd",
    b"record_0123456",
    MAGIC,  # the whole record is the magic word
    b"xxxx" + MAGIC + b"yy",  # aligned magic: split in two
    b"x" + MAGIC + b"abc",  # unaligned magic: not split
    MAGIC + MAGIC + b"z" * 9 + MAGIC,  # several aligned occurrences, the last one short
    bytes(range(256)) * 3,
]


def _write(mod, rec, idx, records):
    w = mod.MXIndexedRecordIO(str(idx), str(rec), "w")
    for i, r in enumerate(records):
        w.write_idx(i, r)
    w.close()


def _read_all(mod, rec, idx):
    r = mod.MXIndexedRecordIO(str(idx), str(rec), "r")
    out = [r.read_idx(k) for k in r.keys]
    r.close()
    return out


def test_files_are_byte_identical_and_cross_readable(mx, tmp_path):
    _write(mx.recordio, tmp_path / "m.rec", tmp_path / "m.idx", RECORDS)
    _write(shim, tmp_path / "s.rec", tmp_path / "s.idx", RECORDS)
    assert (tmp_path / "m.rec").read_bytes() == (tmp_path / "s.rec").read_bytes()
    assert (tmp_path / "m.idx").read_text() == (tmp_path / "s.idx").read_text()
    assert _read_all(shim, tmp_path / "m.rec", tmp_path / "m.idx") == RECORDS
    assert _read_all(mx.recordio, tmp_path / "s.rec", tmp_path / "s.idx") == RECORDS


def test_sequential_read_and_reset(mx, tmp_path):
    w = shim.MXRecordIO(str(tmp_path / "a.rec"), "w")
    for r in RECORDS:
        w.write(r)
    w.close()
    m = mx.recordio.MXRecordIO(str(tmp_path / "a.rec"), "r")
    s = shim.MXRecordIO(str(tmp_path / "a.rec"), "r")
    for _ in RECORDS:
        assert s.read() == m.read()
    assert s.read() is None and m.read() is None
    s.reset()
    assert s.read() == RECORDS[0]
    with pytest.raises(ValueError):
        shim.MXRecordIO(str(tmp_path / "a.rec"), "x")


def test_indexed_reader_pickles_and_reopens(tmp_path):
    _write(shim, tmp_path / "p.rec", tmp_path / "p.idx", RECORDS)
    r = shim.MXIndexedRecordIO(str(tmp_path / "p.idx"), str(tmp_path / "p.rec"), "r")
    data = pickle.dumps(r)
    assert b"mxnet." not in data.replace(b"mxnet_on_torch", b"")  # no class behind an alias
    copy = pickle.loads(data)
    assert copy.read_idx(5) == RECORDS[5]
    assert r.read_idx(8) == RECORDS[8]  # the original reopened too


@pytest.mark.parametrize(
    "header",
    [(0, 3.0, 7, 0), (0, [1.0, 2.5, -3.0], 11, 5), (0, np.arange(4, dtype=np.float32), 1, 2)],
)
def test_pack_unpack(mx, header):
    payload = b"payload\x00bytes"
    packed = shim.pack(shim.IRHeader(*header), payload)
    assert packed == mx.recordio.pack(mx.recordio.IRHeader(*header), payload)
    h_s, s_s = shim.unpack(packed)
    h_m, s_m = mx.recordio.unpack(packed)
    assert s_s == s_m == payload
    assert (h_s.flag, h_s.id, h_s.id2) == (h_m.flag, h_m.id, h_m.id2)
    np.testing.assert_array_equal(np.asarray(h_s.label), np.asarray(h_m.label))


def test_pack_img_unpack_img(mx):
    pytest.importorskip("cv2")
    img = np.random.RandomState(0).randint(0, 256, (9, 13, 3)).astype(np.uint8)
    header = (0, 4.0, 3, 0)
    for fmt in (".png", ".jpg"):
        s_packed = shim.pack_img(header, img, quality=9 if fmt == ".png" else 95, img_fmt=fmt)
        m_packed = mx.recordio.pack_img(
            header, img, quality=9 if fmt == ".png" else 95, img_fmt=fmt
        )
        for packed in (s_packed, m_packed):
            h_s, im_s = shim.unpack_img(packed)
            h_m, im_m = mx.recordio.unpack_img(packed)
            assert h_s == h_m
            np.testing.assert_array_equal(im_s, im_m)
        if fmt == ".png":
            np.testing.assert_array_equal(shim.unpack_img(s_packed)[1], img)
