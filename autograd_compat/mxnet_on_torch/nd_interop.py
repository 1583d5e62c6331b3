"""Legacy ``NDArray`` exchange with other libraries and raw bytes, as in MXNet 1.9.1.

- DLPack: ``x.to_dlpack_for_read()``/``x.to_dlpack_for_write()`` (and the ``nd.`` functions of
  the same names) give a capsule sharing ``x``'s memory; ``nd.from_dlpack(capsule)`` an
  ``NDArray`` over a capsule's memory (torch's, numpy's, real MXNet's, ...). Operations are
  synchronous here, so reading and writing capsules are the same.
- ``nd.from_numpy(a, zero_copy=True)``: an array sharing ``a``'s memory; as in MXNet ``a`` then
  becomes read-only and must be C-contiguous (``ValueError`` otherwise). ``zero_copy=False``
  copies.
- ``x.__getstate__()``/``x.__setstate__(state)``: MXNet's ``{'handle': bytes}`` of one array
  (bytes from real MXNet load, including arrays saved from a GPU, which load on the CPU).
  Pickling does not use them (see ``NDArray.__reduce_ex__``).
- ``NDArray._basic_indexing_slice_is_contiguous(key, shape)``: whether ``x[key]`` (a tuple of
  slices) is C-contiguous, i.e. a view in MXNet (and here).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy
import torch
import torch.utils.dlpack

from . import serialization
from .base import MXNetError
from .nd_ndarray import NDArray, wrap_nd
from .np_state import is_np_shape

__all__ = ["from_dlpack", "from_numpy", "to_dlpack_for_read", "to_dlpack_for_write"]

_TB = torch._C.TensorBase


def to_dlpack_for_read(data: torch.Tensor) -> Any:
    """A DLPack capsule of ``data``'s memory (no copy)."""
    return torch.utils.dlpack.to_dlpack(_TB.detach(data))


def to_dlpack_for_write(data: torch.Tensor) -> Any:
    """A DLPack capsule of ``data``'s memory (no copy); writes through it change ``data``."""
    return torch.utils.dlpack.to_dlpack(_TB.detach(data))


def from_dlpack(dlpack: Any) -> NDArray:
    """An ``NDArray`` over the memory of a DLPack capsule (or an object with ``__dlpack__``)."""
    return wrap_nd(torch.utils.dlpack.from_dlpack(dlpack))


def from_numpy(ndarray: numpy.ndarray, zero_copy: bool = True) -> NDArray:
    """An array of ``ndarray``'s values. With ``zero_copy`` (the default) it shares the memory
    and, as in MXNet, ``ndarray`` becomes read-only; it must then be C-contiguous."""
    if not zero_copy:
        return wrap_nd(torch.from_numpy(numpy.array(ndarray, copy=True, order="C")))
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise ValueError("Only c-contiguous arrays are supported for zero-copy")
    if ndarray.flags["WRITEABLE"]:
        t = torch.from_numpy(ndarray)
        ndarray.flags["WRITEABLE"] = False
    else:
        # Already read-only (e.g. shared before): MXNet shares it all the same; torch warns that
        # writing to it is undefined, which is MXNet's own caveat for these arrays.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            t = torch.from_numpy(ndarray)
    return wrap_nd(t)


def _getstate(self: NDArray) -> dict[str, Any]:
    return {"handle": serialization.array_state(self, is_np_shape())}


def _setstate(self: NDArray, state: dict[str, Any]) -> None:
    handle = state.get("handle") if isinstance(state, dict) else None
    if handle is None:
        raise MXNetError(f"cannot restore an NDArray from the state {state!r}")
    t = serialization.array_from_state(handle).to(self.device)
    with torch.no_grad():
        self.data = t  # MXNet swaps the whole array: shape and dtype may change


def _slice_is_contiguous(slc_key: Any, shape: Any) -> bool:
    # A view of a 1-byte buffer with the strides of a C-ordered array of `shape`: indexing it
    # computes the result's strides without touching memory, and numpy's flag is the answer.
    shape = tuple(int(n) for n in shape)
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    probe = numpy.lib.stride_tricks.as_strided(
        numpy.zeros(1, numpy.uint8), shape=shape, strides=tuple(reversed(strides)), writeable=False
    )
    return bool(probe[tuple(slc_key)].flags["C_CONTIGUOUS"])


NDArray.to_dlpack_for_read = to_dlpack_for_read
NDArray.to_dlpack_for_write = to_dlpack_for_write
NDArray.__getstate__ = _getstate
NDArray.__setstate__ = _setstate
NDArray._basic_indexing_slice_is_contiguous = staticmethod(_slice_is_contiguous)
