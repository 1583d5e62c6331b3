"""``nd.save``/``nd.load`` and ``npx.save``/``npx.load`` on torch, in MXNet 1.9.1's file format.

The bytes are MXNet's (see :mod:`autograd_compat.ndfile`): a file saved here loads in real MXNet
and the other way round. ``np`` picks the interface: ``False`` is legacy ``nd`` (plain tensors),
``True`` the NumPy one (``np.ndarray`` arrays). ``np_shape`` is the shape semantics in force
(``npx.is_np_shape()``; it defaults to ``np``), which, as in MXNet, chooses the records written
(legacy or numpy-shape) and which records load. Bad files, and files saved under the other shape
semantics, raise ``MXNetError``; wrong argument types raise MXNet's ``TypeError``/``ValueError``.
Loaded arrays are new CPU tensors outside any graph.

A 0-d tensor saved with legacy shape semantics is written with shape ``(1,)``: legacy MXNet gives
scalars (``x.sum()``, ``x[0, 0]``) that shape, where the torch tensors here are 0-d, and MXNet
1.9.1 cannot load a legacy record of a 0-d array back.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as onp
import torch

from .. import ndfile
from .base import MXNetError
from .ndarray import ndarray, wrap

__all__ = ["array_from_state", "array_state", "load", "load_frombuffer", "save"]

_ND_TYPES = "save only accept dict str->NDArray or list of NDArray"
_NP_TYPES = "Only accepts dict str->ndarray or list of ndarrays"
_ND_NOT_NP = (
    "cannot save mxnet.numpy.ndarray using mxnet.ndarray.save; use mxnet.numpy.save instead."
)

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype
_ND_KINDS = "data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays."
_NP_KINDS = "data needs to either be a ndarray, dict of (str, ndarray) pairs or a list of ndarrays."


def _to_numpy(t: torch.Tensor) -> onp.ndarray:
    t = t.detach().cpu()
    if _torch_dtype(t) == torch.bfloat16:  # numpy has no bfloat16: MXNet's 2-byte record stands in
        return t.view(torch.int16).numpy().view(onp.uint16).view(ndfile.BFLOAT16)
    if _torch_dtype(t) not in _TORCH_SAVABLE:
        raise MXNetError(
            f"cannot save an array of dtype {t.dtype}: MXNet 1.9.1 has no such dtype "
            "(cast it first, e.g. x.astype('float32'))"
        )
    return t.resolve_conj().resolve_neg().numpy()


_TORCH_SAVABLE = {
    torch.float32,
    torch.float64,
    torch.float16,
    torch.uint8,
    torch.int8,
    torch.int32,
    torch.int64,
    torch.bool,
}


def _from_numpy(a: onp.ndarray) -> torch.Tensor:
    if a.dtype == ndfile.BFLOAT16:
        return torch.from_numpy(a.view(onp.uint16).view(onp.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(a)


def _check_items(data: Any, np: bool) -> tuple[list[Any], list[str] | None]:
    """MXNet's argument checks, in its order: ``(arrays, names or None)``."""
    if isinstance(data, torch.Tensor):
        data = [data]
    if isinstance(data, dict):
        names, arrays = list(data.keys()), list(data.values())
        if any(not isinstance(k, str) for k in names):
            raise TypeError(_NP_TYPES if np else _ND_TYPES)
    elif isinstance(data, list):
        names, arrays = None, data
    else:
        raise ValueError(_NP_KINDS if np else _ND_KINDS)
    wanted = ndarray if np else torch.Tensor
    if any(not isinstance(v, wanted) for v in arrays):
        raise TypeError(_NP_TYPES if np else _ND_TYPES)
    if not np and any(isinstance(v, ndarray) for v in arrays):
        raise TypeError(_ND_NOT_NP)
    return arrays, names


def save(
    fname: str | os.PathLike, data: Any, np: bool = False, np_shape: bool | None = None
) -> None:
    """Save an array, a list of arrays or a dict ``str -> array`` to ``fname`` as MXNet does.

    ``np`` is the interface (which array class is accepted); ``np_shape`` (default: ``np``) the
    shape semantics in force, which choose the records written, as in MXNet: ``nd.save`` under
    ``npx.set_np()`` writes numpy-shape records too. The file is written to a temporary file in the
    same folder and then renamed over ``fname``.
    """
    np_shape = np if np_shape is None else np_shape
    arrays, names = _check_items(data, np)
    payload = [_to_numpy(a) for a in arrays]
    if not np_shape:
        payload = [a.reshape(1) if a.ndim == 0 else a for a in payload]
    content = dict(zip(names, payload)) if names is not None else payload
    try:
        ndfile.save(fname, content, np_shape=np_shape)
    except ndfile.FormatError as e:
        raise MXNetError(str(e)) from None
    except OSError as e:
        raise MXNetError(f'cannot write "{fname}": {e.strerror or e}') from None


def _convert(content: Any, np: bool) -> list[Any] | dict[str, Any]:
    def convert(a: onp.ndarray) -> torch.Tensor:
        t = _from_numpy(a)
        return wrap(t) if np else t

    if isinstance(content, dict):
        return {k: convert(v) for k, v in content.items()}
    return [convert(v) for v in content]


def load(fname: str, np: bool = False, np_shape: bool | None = None) -> list[Any] | dict[str, Any]:
    """Load a list or a dict of arrays from a file written by MXNet's ``save`` (or this one's).

    ``np`` chooses the arrays returned (``np.ndarray`` or plain tensors); ``np_shape`` (default:
    ``np``) is the shape semantics in force: as in MXNet, numpy-shape records load only under it,
    and legacy ones only outside it.
    """
    if not isinstance(fname, str):
        raise TypeError("file required to be a string" if np else "fname required to be a string")
    np_shape = np if np_shape is None else np_shape
    try:
        content = ndfile.load(fname, np_shape=np_shape)
    except ndfile.FormatError as e:
        raise MXNetError(str(e)) from None
    except OSError as e:
        raise MXNetError(f'cannot open "{fname}": {e.strerror or e}') from None
    return _convert(content, np)


def load_frombuffer(buf: str | bytes, np_shape: bool = False) -> list[Any] | dict[str, Any]:
    """``nd.load_frombuffer``: load from a file's content (bytes) instead of a file."""
    if not isinstance(buf, str | bytes):
        raise TypeError("buf required to be a string or bytes")
    raw = buf.encode("latin-1") if isinstance(buf, str) else buf
    try:
        content, versions = ndfile.decode(raw, "<buffer>")
        ndfile.check_semantics("<buffer>", versions, np_shape)
    except ndfile.FormatError as e:
        raise MXNetError(str(e)) from None
    return _convert(content, False)


def array_state(t: torch.Tensor, np_shape: bool = False) -> bytearray:
    """One array's bytes as MXNet's ``NDArray.__getstate__()['handle']`` holds them."""
    try:
        return bytearray(ndfile.encode_record(_to_numpy(t), np_shape))
    except ndfile.FormatError as e:
        raise MXNetError(str(e)) from None


def array_from_state(buf: Any) -> torch.Tensor:
    """A CPU tensor of one array's bytes from ``__getstate__`` (here or in real MXNet); arrays
    saved from a GPU load too, as MXNet loads them on a machine without GPUs."""
    try:
        return _from_numpy(ndfile.decode_record(buf))
    except ndfile.FormatError as e:
        raise MXNetError(str(e)) from None
