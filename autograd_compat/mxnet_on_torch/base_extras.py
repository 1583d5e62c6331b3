"""Names of ``mxnet.base`` that MXNet programs and test files import, beyond the error texts in
:mod:`.base` (the lead merges these into ``base.py``).
"""

from __future__ import annotations

import os
import platform
from typing import Any

import numpy as _np

from .base import MXNetError

__all__ = [
    "NotImplementedForSymbol",
    "NotSupportedForSparseNDArray",
    "_Null",
    "_NullType",
    "_as_list",
    "data_dir",
    "data_dir_default",
    "integer_types",
    "numeric_types",
    "py_str",
    "string_types",
]

integer_types = (int, _np.int32, _np.int64)
numeric_types = (float, int, _np.generic)
string_types = (str,)


def py_str(x: bytes) -> str:
    """Bytes from a C string as ``str`` (UTF-8)."""
    return x.decode("utf-8")


class _NullType:
    """Placeholder for arguments not given."""

    def __repr__(self) -> str:
        return "_Null"


_Null = _NullType()


def data_dir_default() -> str:
    """``%APPDATA%/mxnet`` on Windows, else ``~/.mxnet``."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA", ""), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir() -> str:
    """Where datasets and models are stored: ``$MXNET_HOME`` or :func:`data_dir_default`."""
    return os.getenv("MXNET_HOME", data_dir_default())


def _as_list(obj: Any) -> Any:
    """``obj`` if a list or tuple, else ``[obj]``."""
    return obj if isinstance(obj, list | tuple) else [obj]


class _UnsupportedFor(MXNetError):
    _what = ""

    def __init__(self, function: Any, alias: str | None, *args: Any) -> None:
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = tuple(str(type(a)) for a in args)

    def __str__(self) -> str:
        msg = f"Function {self.function}"
        if self.alias:
            msg += f' (namely operator "{self.alias}")'
        if self.args:
            msg += " with arguments ({})".format(", ".join(self.args))
        return msg + f" is {self._what} and only available in NDArray."


class NotImplementedForSymbol(_UnsupportedFor):
    """A function that exists for NDArray but not for Symbol."""

    _what = "not implemented for Symbol"


class NotSupportedForSparseNDArray(_UnsupportedFor):
    """A function that exists for dense arrays but not for sparse ones."""

    _what = "not supported for SparseNDArray"
