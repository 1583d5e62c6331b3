"""``mxnet.recordio`` (1.9.1) in pure Python: MXNet's ``.rec``/``.idx`` files, byte for byte.

A ``.rec`` file is a sequence of records, each ``magic, lrec, payload, zero padding to 4 bytes``
where ``lrec = cflag << 29 | length``. A payload that holds the magic word at a 4-byte aligned
position is split there (``cflag`` 1 = first part, 2 = middle, 3 = last) and the reader puts the
magic word back; that is how dmlc's writer keeps the file resynchronisable, and the writer here
does the same so that the files are identical to MXNet's. The ``.idx`` file holds one
``key\\toffset`` line per record.
"""

from __future__ import annotations

import numbers
import os
import struct
from collections import namedtuple
from typing import Any

import numpy as np

__all__ = [
    "IRHeader",
    "MXIndexedRecordIO",
    "MXRecordIO",
    "pack",
    "pack_img",
    "unpack",
    "unpack_img",
]

_MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack("<I", _MAGIC)
_MAX_LEN = 1 << 29


def _lrec(cflag: int, length: int) -> bytes:
    return _MAGIC_BYTES + struct.pack("<I", (cflag << 29) | length)


def _encode(buf: bytes) -> bytes:
    """One record as dmlc's RecordIOWriter lays it out."""
    size = len(buf)
    if size >= _MAX_LEN:
        raise ValueError("RecordIO only accepts records smaller than 2^29 bytes")
    parts = []
    start = 0
    pos = buf.find(_MAGIC_BYTES)
    while 0 <= pos < (size // 4) * 4:
        if pos % 4:
            pos = buf.find(_MAGIC_BYTES, pos + 1)
            continue
        parts.append(_lrec(1 if start == 0 else 2, pos - start) + buf[start:pos])
        start = pos + 4
        pos = buf.find(_MAGIC_BYTES, start)
    parts.append(_lrec(3 if start else 0, size - start) + buf[start:])
    parts.append(b"\0" * (-size % 4))
    return b"".join(parts)


class MXRecordIO:
    """Reads (``flag='r'``) or writes (``flag='w'``) a RecordIO file sequentially.

    Pickles by path: a copy (in a DataLoader worker, say) reopens the file for itself.
    """

    def __init__(self, uri: str, flag: str) -> None:
        self.uri = str(uri)
        self.flag = flag
        self.pid: int | None = None
        self.is_open = False
        self._f: Any = None
        self.open()

    def open(self) -> None:
        if self.flag == "w":
            self._f = open(self.uri, "wb")  # noqa: SIM115 - lives until close()
            self.writable = True
        elif self.flag == "r":
            self._f = open(self.uri, "rb")  # noqa: SIM115
            self.writable = False
        else:
            raise ValueError(f"Invalid flag {self.flag}")
        self.pid = os.getpid()
        self.is_open = True

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __getstate__(self) -> dict[str, Any]:
        is_open = self.is_open
        self.close()
        d = dict(self.__dict__)
        d["is_open"] = is_open
        d["_f"] = None
        return d

    def __setstate__(self, d: dict[str, Any]) -> None:
        self.__dict__ = d
        is_open = d["is_open"]
        self.is_open = False
        if is_open:
            self.open()

    def _check_pid(self, allow_reset: bool = False) -> None:
        if self.pid != os.getpid():
            if allow_reset:
                self.reset()
            else:
                raise RuntimeError("Forbidden operation in multiple processes")

    def close(self) -> None:
        if not self.is_open:
            return
        self._f.close()
        self._f = None
        self.is_open = False
        self.pid = None

    def reset(self) -> None:
        """Back to the first record (a writer truncates the file)."""
        self.close()
        self.open()

    def write(self, buf: bytes) -> None:
        assert self.writable
        self._check_pid(allow_reset=False)
        if isinstance(buf, str):
            buf = buf.encode("utf-8")
        self._f.write(_encode(bytes(buf)))

    def read(self) -> bytes | None:
        """The next record, or ``None`` at the end of the file."""
        assert not self.writable
        self._check_pid(allow_reset=False)
        f = self._f
        out = []
        while True:
            head = f.read(8)
            if not head:
                return None if not out else b"".join(out)
            if len(head) != 8:
                raise RuntimeError(f"Invalid RecordIO File {self.uri}: truncated record header")
            magic, lrec = struct.unpack("<II", head)
            if magic != _MAGIC:
                raise RuntimeError(f"Invalid RecordIO File {self.uri}: bad magic number")
            cflag, length = lrec >> 29, lrec & (_MAX_LEN - 1)
            data = f.read(length + (-length % 4))
            if len(data) < length:
                raise RuntimeError(f"Invalid RecordIO File {self.uri}: truncated record")
            out.append(data[:length])
            if cflag in (0, 3):
                return b"".join(out)
            out.append(_MAGIC_BYTES)

    def tell(self) -> int:
        return self._f.tell()

    def _seek(self, pos: int) -> None:
        self._f.seek(pos)


class MXIndexedRecordIO(MXRecordIO):
    """A RecordIO file with an index file (``key\\toffset`` lines) for random access."""

    def __init__(self, idx_path: str, uri: str, flag: str, key_type: Any = int) -> None:
        self.idx_path = idx_path
        self.idx: dict[Any, int] = {}
        self.keys: list[Any] = []
        self.key_type = key_type
        self.fidx: Any = None
        super().__init__(uri, flag)

    def open(self) -> None:
        super().open()
        self.idx = {}
        self.keys = []
        self.fidx = open(self.idx_path, self.flag)  # noqa: SIM115 - lives until close()
        if not self.writable:
            for line in iter(self.fidx.readline, ""):
                fields = line.strip().split("\t")
                key = self.key_type(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)

    def close(self) -> None:
        if not self.is_open:
            return
        super().close()
        self.fidx.close()

    def __getstate__(self) -> dict[str, Any]:
        d = super().__getstate__()
        d["fidx"] = None
        return d

    def seek(self, idx: Any) -> None:
        assert not self.writable
        self._check_pid(allow_reset=True)
        self._seek(self.idx[idx])

    def tell(self) -> int:
        assert self.writable
        return self._f.tell()

    def read_idx(self, idx: Any) -> bytes | None:
        self.seek(idx)
        return self.read()

    def write_idx(self, idx: Any, buf: bytes) -> None:
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write(f"{key}\t{pos}\n")
        self.idx[key] = pos
        self.keys.append(key)


IRHeader = namedtuple("IRHeader", ["flag", "label", "id", "id2"])
IRHeader.__doc__ = """An image record's header: ``flag`` (number of float labels after the header,
0 for one scalar ``label``), ``label``, ``id`` and ``id2``."""
_IR_FORMAT = "IfQQ"
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header: Any, s: bytes) -> bytes:
    """A header (``IRHeader`` or a 4-tuple) and a payload as one record string."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s: bytes) -> tuple[IRHeader, bytes]:
    """The header and the payload of a record string (an array label when ``flag > 0``)."""
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4 :]
    return header, s


def _cv2() -> Any:
    try:
        import cv2
    except ImportError:
        raise ImportError(
            "mx.recordio.pack_img/unpack_img need OpenCV, as MXNet's do. "
            "Hint: pip install 'autograd_compat[image]' (opencv-python-headless)."
        ) from None
    return cv2


def unpack_img(s: bytes, iscolor: int = -1) -> tuple[IRHeader, np.ndarray]:
    """The header and the decoded image (OpenCV's BGR order) of an image record."""
    header, s = unpack(s)
    img = _cv2().imdecode(np.frombuffer(s, dtype=np.uint8), iscolor)
    return header, img


def pack_img(header: Any, img: np.ndarray, quality: int = 95, img_fmt: str = ".jpg") -> bytes:
    """Encodes ``img`` (BGR, as OpenCV) with ``img_fmt`` and packs it with ``header``."""
    cv2 = _cv2()
    jpg_formats = [".JPG", ".JPEG"]
    png_formats = [".PNG"]
    encode_params = None
    if img_fmt.upper() in jpg_formats:
        encode_params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    elif img_fmt.upper() in png_formats:
        encode_params = [cv2.IMWRITE_PNG_COMPRESSION, quality]
    ret, buf = cv2.imencode(img_fmt, img, encode_params)
    assert ret, "failed to encode image"
    return pack(header, buf.tobytes())
