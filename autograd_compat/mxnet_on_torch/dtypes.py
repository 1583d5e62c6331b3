"""MXNet/numpy dtype specs and torch dtypes, both ways (ground floor: imports nothing of ours).

MXNet accepts a dtype as a string (``'float32'``), a numpy type (``np.float32``), a numpy dtype
object or a Python type (``int``); arrays report numpy's type (``numpy.float32``).
"""

from __future__ import annotations

from typing import Any

import numpy
import torch

__all__ = ["np_dtype", "to_dtype"]

_DTYPES: dict[Any, torch.dtype] = {
    numpy.float16: torch.float16,
    numpy.float32: torch.float32,
    numpy.float64: torch.float64,
    numpy.uint8: torch.uint8,
    numpy.int8: torch.int8,
    numpy.int32: torch.int32,
    numpy.int64: torch.int64,
    numpy.bool_: torch.bool,
}
_NP_TYPES: dict[torch.dtype, type] = {v: k for k, v in _DTYPES.items()}


def to_dtype(dtype: Any, default: torch.dtype = torch.float32) -> torch.dtype:
    """A torch dtype from an MXNet/numpy dtype spec (``'float32'``, ``np.int32``, ``int``, ...)."""
    if dtype is None:
        return default
    if isinstance(dtype, torch.dtype):
        return dtype
    try:
        # numpy resolves every spelling MXNet accepts: 'float32', np.float32, np.dtype, int, ...
        return _DTYPES[numpy.dtype(dtype).type]
    except (KeyError, TypeError):
        raise TypeError(f"unsupported dtype {dtype!r}") from None


def np_dtype(dtype: torch.dtype) -> type:
    """The numpy scalar type of a torch dtype (``torch.float32`` -> ``numpy.float32``)."""
    try:
        return _NP_TYPES[dtype]
    except KeyError:
        raise TypeError(f"dtype {dtype} has no MXNet counterpart") from None
