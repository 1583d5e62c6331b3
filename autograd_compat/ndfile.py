"""MXNet's NDArray-list file format (``mx.nd.save``, ``npx.save``, ``save_parameters``), numpy only.

``save(fname, data)`` writes a list of numpy arrays, or a dict ``str -> array``, to the bytes MXNet
1.9.1 writes for the same content; ``load(fname)`` reads any file MXNet 1.9.1 reads (dense storage)
and returns a list or a dict of numpy arrays, as the file holds. A damaged or foreign file raises
``FormatError`` naming the file and what was wrong.

The layout, all little-endian::

    file    := u64 0x112, u64 0, u64 count, record * count, u64 nnames, (u64 len, utf-8) * nnames
    record  := u32 magic, body
      V2 0xF993FAC9 (legacy shapes) / V3 0xF993FACA (numpy shapes):
               i32 stype (0 = dense), shape, i32 dev_type, i32 dev_id, i32 dtype flag, raw data
      V1 0xF993FAC8: shape, dev_type, dev_id, dtype flag, raw data (no stype)
      older:   the magic is ndim, then u32 dims, then as V1
    shape   := u32 ndim, i64 dim * ndim

A 0-d array (ndim 0) is written whole in V2 and V3. MXNet 1.9.1 writes such V2 records (legacy
``mx.nd.array(5)`` is 0-d) but reads a V2 ndim of 0 as "uninitialised, nothing follows" and fails on
the rest of the file; ``load`` here reads them as the 0-d arrays they are, and ``save`` refuses to
write a 0-d array in legacy mode, since real MXNet could not load the file. In V1 and older, ndim 0
is an uninitialised array (nothing follows), which MXNet cannot load either: an error here.
A dict with no entries is written with no names, so it loads back as an empty list (as in MXNet).
"""

import io
import math
import os
import struct
import tempfile

import numpy as np

__all__ = [
    "BFLOAT16",
    "DTYPE_FLAGS",
    "FormatError",
    "check_semantics",
    "decode",
    "decode_record",
    "encode",
    "encode_record",
    "load",
    "load_info",
    "save",
    "write_atomic",
]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA

CPU = 1
KNOWN_DEV_TYPES = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}

#: MXNet's numpy stand-in for bfloat16 (a 2-byte record), as ``mxnet.ndarray`` spells it.
BFLOAT16 = np.dtype([("bfloat16", np.uint16)])

#: mshadow's type flags for the dtypes MXNet 1.9.1's Python side can create and save.
DTYPE_FLAGS = {
    np.dtype(np.float32): 0,
    np.dtype(np.float64): 1,
    np.dtype(np.float16): 2,
    np.dtype(np.uint8): 3,
    np.dtype(np.int32): 4,
    np.dtype(np.int8): 5,
    np.dtype(np.int64): 6,
    np.dtype(np.bool_): 7,
    BFLOAT16: 12,
}
_FLAG_DTYPES = {flag: dtype.newbyteorder("<") for dtype, flag in DTYPE_FLAGS.items()}
_STYPES = {1: "row_sparse", 2: "csr"}

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_U64 = struct.Struct("<Q")
_I64 = struct.Struct("<q")


class FormatError(ValueError):
    """A file that is not (or no longer) a valid MXNet NDArray file, or data it cannot hold."""


# --------------------------------------------------------------------------------------- writing


def _dtype_flag(fname, where, arr):
    dtype = arr.dtype
    flag = DTYPE_FLAGS.get(dtype if dtype.names else dtype.newbyteorder("="))
    if flag is None:
        names = ", ".join(str(d) for d in DTYPE_FLAGS if d is not BFLOAT16)
        raise FormatError(
            f"{fname}: cannot save {where}: MXNet has no dtype {dtype} (it saves {names}, bfloat16)"
        )
    return flag


def _record(fname, where, arr, np_shape):
    """One dense record as MXNet 1.9.1 writes it: ``[header bytes, data as a byte view]``."""
    if isinstance(arr, np.generic):
        arr = np.asarray(arr)
    if not isinstance(arr, np.ndarray):
        raise FormatError(f"{fname}: cannot save {where}: expected a numpy array, got {type(arr)}")
    flag = _dtype_flag(fname, where, arr)
    if arr.ndim == 0 and not np_shape:
        raise FormatError(
            f"{fname}: cannot save {where}: a 0-d array in legacy (V2) form is a file MXNet "
            "cannot load back; reshape it to (1,) or save with numpy shape semantics (npx.save)"
        )
    magic = V3_MAGIC if np_shape else V2_MAGIC
    head = [_U32.pack(magic), _I32.pack(0), _U32.pack(arr.ndim)]
    head += [_I64.pack(d) for d in arr.shape]
    head += [_I32.pack(CPU), _I32.pack(0), _I32.pack(flag)]
    if arr.dtype.names is None:
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    # a byte view of the data, copied only if it is not C-contiguous already
    return [b"".join(head), np.ascontiguousarray(arr).reshape(-1).view(np.uint8)]


def _encode_name(fname, key):
    if not isinstance(key, str):
        raise FormatError(f"{fname}: cannot save: names must be str, got {type(key).__name__}")
    raw = key.encode("utf-8")
    return _U64.pack(len(raw)) + raw


def _parts(data, np_shape, fname):
    """The file's content as a list of byte chunks (headers, and views of the arrays' data); every
    check runs here, before anything is written."""
    if isinstance(data, dict):
        names, arrays = list(data.keys()), list(data.values())
        labels = [f"entry {k!r}" for k in names]
    elif isinstance(data, (list, tuple)):
        names, arrays = [], list(data)
        labels = [f"entry {i}" for i in range(len(arrays))]
    else:
        raise FormatError(
            f"{fname}: cannot save {type(data).__name__}: expected a list of arrays "
            "or a dict of str to array"
        )
    parts = [_U64.pack(LIST_MAGIC), _U64.pack(0), _U64.pack(len(arrays))]
    for label, arr in zip(labels, arrays):
        parts += _record(fname, label, arr, np_shape)
    parts.append(_U64.pack(len(names)))
    parts += [_encode_name(fname, k) for k in names]
    return parts


def encode(data, np_shape=False, fname="<bytes>"):
    """The file's bytes for ``data`` (a list of numpy arrays or a dict ``str -> array``)."""
    return b"".join(bytes(p) for p in _parts(data, np_shape, fname))


def _file_mode():
    """The permission bits a plain ``open(fname, 'wb')`` would give a new file (0666 & ~umask)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    return 0o644


def write_atomic(fname, parts):
    """Write ``parts`` (bytes, or a list of byte chunks) to a temporary file beside ``fname``, then
    rename it over ``fname``: the file appears whole or not at all, and a failed write leaves the
    old one."""
    if isinstance(parts, bytes | bytearray | memoryview):
        parts = [parts]
    fname = os.fspath(fname)
    folder = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix="." + os.path.basename(fname) + ".", suffix=".tmp"
    )
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                out.write(part)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, fname)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(fname, data, np_shape=False):
    """Save a list of numpy arrays or a dict ``str -> array`` as MXNet does.

    ``np_shape=False`` writes the legacy (V2) records of ``mx.nd.save``; ``np_shape=True`` the
    numpy-shape (V3) records of ``npx.save`` (needed for 0-d arrays). The file appears whole or not
    at all.
    """
    fname = os.fspath(fname)
    write_atomic(fname, _parts(data, np_shape, fname))


# --------------------------------------------------------------------------------------- reading


class _Reader:
    """Reads a file's fields in order; every read is checked against the bytes left."""

    def __init__(self, fname, stream, size):
        self.fname, self.stream, self.size, self.pos = fname, stream, size, 0

    def fail(self, what):
        raise FormatError(f"{self.fname}: not a valid MXNet NDArray file: {what}")

    def _check(self, n, what):
        if n > self.size - self.pos:
            self.fail(f"truncated at byte {self.pos} while reading {what}")

    def take(self, n, what):
        self._check(n, what)
        chunk = self.stream.read(n)
        if len(chunk) != n:  # the file shrank while being read
            self.fail(f"truncated at byte {self.pos} while reading {what}")
        self.pos += n
        return chunk

    def take_writable(self, n, what):
        """``n`` bytes in a new bytearray (numpy arrays over it are writable, with no copy)."""
        self._check(n, what)
        buf = bytearray(n)
        if n and self.stream.readinto(buf) != n:
            self.fail(f"truncated at byte {self.pos} while reading {what}")
        self.pos += n
        return buf

    def unpack(self, fmt, what):
        return fmt.unpack(self.take(fmt.size, what))[0]


def _read_shape(rd, where, ndim=None, dim_fmt=_I64):
    if ndim is None:
        ndim = rd.unpack(_U32, f"the shape of {where}")
    if ndim == 0xFFFFFFFF:
        rd.fail(f"{where} has an unknown shape (an uninitialised array)")
    if ndim > 32:
        rd.fail(f"{where} claims {ndim} dimensions")
    shape = tuple(rd.unpack(dim_fmt, f"the shape of {where}") for _ in range(ndim))
    if any(d < 0 for d in shape):
        rd.fail(f"{where} has an unknown dimension in its shape {shape}")
    return shape


def _read_record(rd, index):
    where = f"array {index}"
    magic = rd.unpack(_U32, f"the header of {where}")
    version = {V1_MAGIC: 1, V2_MAGIC: 2, V3_MAGIC: 3}.get(magic, 0)
    if version >= 2:
        stype = rd.unpack(_I32, f"the storage type of {where}")
        if stype != 0:
            kind = _STYPES.get(stype)
            if kind is None:
                rd.fail(f"{where} has an unknown storage type {stype}")
            raise FormatError(f"{rd.fname}: {where} is a sparse ({kind}) array; only dense loads")
        shape = _read_shape(rd, where)
    elif version == 1:
        shape = _read_shape(rd, where)
    else:  # before V1 the first word was the shape's ndim, and dims were u32
        shape = _read_shape(rd, where, ndim=magic, dim_fmt=_U32)
    if not shape and version < 2:
        rd.fail(f"{where} is an uninitialised (shapeless) array, which MXNet cannot load")
    dev_type = rd.unpack(_I32, f"the context of {where}")
    rd.unpack(_I32, f"the context of {where}")
    if dev_type not in KNOWN_DEV_TYPES:
        rd.fail(f"{where} has an unknown device type {dev_type}")
    flag = rd.unpack(_I32, f"the dtype of {where}")
    dtype = _FLAG_DTYPES.get(flag)
    if dtype is None:
        rd.fail(f"{where} has an unknown dtype flag {flag}")
    count = math.prod(shape)
    raw = rd.take_writable(count * dtype.itemsize, f"the data of {where} ({shape}, {dtype})")
    arr = np.frombuffer(raw, dtype=dtype, count=count).reshape(shape)
    if arr.dtype.names is None:  # native byte order (no copy on little-endian machines)
        arr = arr.astype(arr.dtype.newbyteorder("="), copy=False)
    return arr, version


def _decode(rd):
    if rd.size < 16:
        rd.fail(f"{rd.size} bytes is shorter than the 16-byte header")
    if rd.unpack(_U64, "the header") != LIST_MAGIC:
        rd.fail("wrong magic number (this is not a file written by mx.nd.save or npx.save)")
    rd.unpack(_U64, "the header")
    count = rd.unpack(_U64, "the number of arrays")
    if count > rd.size:
        rd.fail(f"it claims {count} arrays")
    arrays, versions = [], set()
    for i in range(count):
        arr, version = _read_record(rd, i)
        arrays.append(arr)
        versions.add(version)
    nnames = rd.unpack(_U64, "the number of names")
    if nnames not in (0, count):
        rd.fail(f"it holds {count} arrays but {nnames} names")
    names = []
    for i in range(nnames):
        size = rd.unpack(_U64, f"the length of name {i}")
        raw = bytes(rd.take(size, f"name {i}"))
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            rd.fail(f"name {i} is not utf-8 text")
    if not names:
        return arrays, versions
    if len(set(names)) != len(names):
        rd.fail("a name appears twice")
    return dict(zip(names, arrays)), versions


def decode(buf, fname="<bytes>"):
    """Parse a file's bytes: ``(list or dict of arrays, set of record versions found)``."""
    view = memoryview(buf).cast("B")
    return _decode(_Reader(fname, io.BytesIO(view), len(view)))


def encode_record(arr, np_shape=False):
    """One array's record alone: the bytes of MXNet's ``NDArray.__getstate__()['handle']``."""
    return b"".join(bytes(p) for p in _record("<bytes>", "the array", arr, np_shape))


def decode_record(buf):
    """The numpy array of one record (``NDArray.__setstate__``); any device type loads."""
    view = memoryview(buf).cast("B")
    rd = _Reader("<bytes>", io.BytesIO(view), len(view))
    arr, _ = _read_record(rd, 0)
    if rd.pos != rd.size:
        rd.fail(f"{rd.size - rd.pos} bytes follow the array")
    return arr


def _load(fname):
    fname = os.fspath(fname)
    with open(fname, "rb") as f:
        data, versions = _decode(_Reader(fname, f, os.fstat(f.fileno()).st_size))
    return fname, data, versions


def load_info(fname):
    """``(data, versions)``: the file's arrays and the set of record versions (1, 2, 3, or 0
    for the oldest) in it. Version 3 records hold numpy-shape arrays, the others legacy ones."""
    _, data, versions = _load(fname)
    return data, versions


def check_semantics(fname, versions, np_shape):
    """MXNet's rule on shape semantics for records of ``versions`` (from ``load_info``/``decode``):
    ``np_shape=False`` (legacy mode) refuses numpy-shape (V3) records, ``True`` (numpy shape mode)
    refuses legacy ones, ``None`` accepts both."""
    if np_shape is False and 3 in versions:
        raise FormatError(
            f"{fname}: the arrays were saved with numpy shape semantics (npx.save, or under "
            "npx.set_np()) and must be loaded the same way (npx.set_np(), then npx.load)"
        )
    if np_shape is True and versions - {3}:
        raise FormatError(
            f"{fname}: the arrays were not saved with numpy shape semantics (mx.nd.save outside "
            "npx.set_np()) and cannot be loaded in numpy shape mode; load them with mx.nd.load "
            "outside npx.set_np()"
        )


def load(fname, np_shape=None):
    """Load a file written by MXNet (or by ``save``): a list or a dict of numpy arrays.

    ``np_shape`` is the caller's shape semantics, checked as in :func:`check_semantics`.
    """
    fname, data, versions = _load(fname)
    check_semantics(fname, versions, np_shape)
    return data
