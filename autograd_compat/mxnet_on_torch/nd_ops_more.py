"""More legacy ``nd`` operators: ``split_v2``, ``softmin``, ``nanprod``, ``broadcast_axis``, ...,
and ``moveaxis``/``broadcast_like`` with MXNet 1.9.1's argument checks.

``nd.py`` lists them after :mod:`.nd_ops`, so these replace the simpler versions there.
"""

from __future__ import annotations

from typing import Any

import torch

from . import nd_ops
from .base import MXNetError

__all__ = [
    "argmax_channel",
    "argsort",
    "broadcast_axes",
    "broadcast_axis",
    "broadcast_like",
    "moveaxis",
    "nanprod",
    "shape_array",
    "size_array",
    "softmin",
    "sort",
    "split_v2",
    "topk",
]


def _axes(value: Any, ndim: int, what: str) -> list[int]:
    axes = [value] if isinstance(value, int) else list(value)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{what} should verify 0 <= {what.lower()} < tensor.ndim ({ndim}). Got {a}"
            )
    axes = [a % ndim for a in axes]
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


def moveaxis(tensor: torch.Tensor, source: Any, destination: Any) -> torch.Tensor:
    """A copy with axes ``source`` moved to ``destination`` (ints or sequences of ints); axes out
    of range, repeated axes or sequences of different lengths raise ``ValueError``."""
    src = _axes(source, tensor.dim(), "Source")
    dst = _axes(destination, tensor.dim(), "Destination")
    if len(src) != len(dst):
        raise ValueError(
            "`source` and `destination` arguments must have the same number of elements"
        )
    return torch.movedim(tensor, tuple(src), tuple(dst)).contiguous()


def _tuple(v: Any) -> tuple:
    return tuple(v) if isinstance(v, list | tuple) else (v,)


def broadcast_like(
    lhs: torch.Tensor, rhs: torch.Tensor, lhs_axes: Any = None, rhs_axes: Any = None
) -> torch.Tensor:
    """``lhs`` broadcast to the shape of ``rhs``, or only its axes ``lhs_axes`` to the lengths of
    ``rhs``'s axes ``rhs_axes`` (negative axes count from the end)."""
    if lhs_axes is None and rhs_axes is None:
        return lhs.expand_as(rhs)
    la, ra = (
        _tuple(() if lhs_axes is None else lhs_axes),
        _tuple(() if rhs_axes is None else rhs_axes),
    )
    if not la:
        raise MXNetError("Empty axes tuple is not allowed")
    if len(la) != len(ra):
        raise MXNetError(f"lhs_axes {la} and rhs_axes {ra} must have the same length")
    shape = list(lhs.shape)
    for a, b in zip(la, ra):
        shape[a] = rhs.shape[b]
    return lhs.expand(shape)


def broadcast_axis(data: torch.Tensor, axis: Any = (), size: Any = ()) -> torch.Tensor:
    """``data`` broadcast along the axes ``axis`` (each of length 1) to the lengths ``size``."""
    shape = list(data.shape)
    for a, n in zip(_tuple(axis), _tuple(size), strict=True):
        if shape[a] != 1:
            raise MXNetError(f"broadcast_axis: axis {a} has length {shape[a]}, not 1")
        shape[a] = n
    return data.expand(shape)


broadcast_axes = broadcast_axis


def _nanprod(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    return nd_ops._prod(torch.where(torch.isnan(t), 1, t), dim, keepdim)


nanprod = nd_ops._reduction(_nanprod, "nanprod")


def argmax_channel(data: torch.Tensor) -> torch.Tensor:
    """The index of the largest value along axis 1, as a float array (MXNet's)."""
    return nd_ops.argmax(data, axis=1)


def shape_array(data: torch.Tensor) -> torch.Tensor:
    """The shape of ``data`` as an int64 array."""
    return torch.tensor(tuple(data.shape), dtype=torch.int64, device=data.device)


def size_array(data: torch.Tensor) -> torch.Tensor:
    """The number of elements of ``data`` as an int64 array of shape ``(1,)``."""
    return torch.tensor([data.numel()], dtype=torch.int64, device=data.device)


def softmin(
    data: torch.Tensor, axis: int = -1, temperature: float | None = None, **kwargs: Any
) -> torch.Tensor:
    """``softmax(-data)`` along ``axis``."""
    return nd_ops.softmax(torch.neg(data), axis=axis, temperature=temperature, **kwargs)


def split_v2(
    ary: torch.Tensor, indices_or_sections: Any, axis: int = 0, squeeze_axis: bool = False
) -> Any:
    """numpy's ``split``: ``indices_or_sections`` equal parts, or the parts between the given
    indices along ``axis``; a list of parts (one part alone is returned bare)."""
    if isinstance(indices_or_sections, int):
        n = ary.shape[axis]
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        parts = torch.tensor_split(ary, indices_or_sections, dim=axis)
    else:
        parts = torch.tensor_split(ary, list(_tuple(indices_or_sections)), dim=axis)
    if squeeze_axis:
        parts = tuple(p.squeeze(axis) for p in parts)
    parts = [p.contiguous() for p in parts]
    return parts if len(parts) > 1 else parts[0]


def topk(
    data: torch.Tensor,
    axis: Any = -1,
    k: int = 1,
    ret_typ: str = "indices",
    is_ascend: bool = False,
    dtype: Any = None,
) -> Any:
    """``nd_ops.topk``, where ``axis=None`` means the flattened array (MXNet's)."""
    if axis is not None:
        return nd_ops.topk(data, axis, k, ret_typ, is_ascend, dtype)
    r = nd_ops.topk(torch.reshape(data, (-1,)), 0, k, ret_typ, is_ascend, dtype)
    return torch.reshape(r, data.shape) if ret_typ == "mask" else r


def sort(data: torch.Tensor, axis: Any = -1, is_ascend: bool = True) -> torch.Tensor:
    """Sorted values along ``axis`` (``None``: of the flattened array)."""
    if axis is None:
        return nd_ops.sort(torch.reshape(data, (-1,)), 0, is_ascend)
    return nd_ops.sort(data, axis, is_ascend)


def argsort(
    data: torch.Tensor, axis: Any = -1, is_ascend: bool = True, dtype: Any = None
) -> torch.Tensor:
    """Indices that sort ``data`` along ``axis`` (``None``: the flattened array)."""
    if axis is None:
        return nd_ops.argsort(torch.reshape(data, (-1,)), 0, is_ascend, dtype)
    return nd_ops.argsort(data, axis, is_ascend, dtype)
