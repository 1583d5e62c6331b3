"""Array manipulation of ``mxnet.np`` beyond reshaping: ``pad``, ``insert``, ``delete``, ``diff``,
``take``, ``rot90``, ``resize``, ``indices``, ``atleast_*d``, ``diagonal`` and their relatives.

Each is a thin composition of torch ops (differentiable where MXNet's is); results are fresh
arrays, as MXNet's are.
"""

from __future__ import annotations

from typing import Any

import numpy as onp
import torch

from ..base import MXNetError
from ..dtypes import to_dtype
from ..ndarray import ndarray, torch_dtype, wrap
from ._creation import _device, _shape, _t

__all__ = [
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "delete",
    "diag_indices_from",
    "diagflat",
    "diagonal",
    "diff",
    "dsplit",
    "ediff1d",
    "indices",
    "insert",
    "pad",
    "resize",
    "rot90",
    "take",
    "unravel_index",
]

_CONTIGUOUS = torch.contiguous_format


def _fresh(t: torch.Tensor) -> ndarray:
    return wrap(torch.Tensor.clone(t, memory_format=_CONTIGUOUS))


def _atleast(fn: Any, name: str) -> Any:
    def atleast(*arys: Any) -> Any:
        out = [_fresh(fn(_t(a))) for a in arys]
        return out[0] if len(out) == 1 else out

    atleast.__name__ = atleast.__qualname__ = name
    atleast.__doc__ = f"``np.{name}(*arys)``: each array with at least that many dimensions."
    return atleast


atleast_1d = _atleast(torch.atleast_1d, "atleast_1d")
atleast_2d = _atleast(torch.atleast_2d, "atleast_2d")
atleast_3d = _atleast(torch.atleast_3d, "atleast_3d")


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> ndarray:
    """The diagonal of the ``axis1``/``axis2`` planes (a copy), appended as the last axis."""
    return _fresh(torch.diagonal(_t(a), offset, axis1, axis2))


def diagflat(array: Any, k: int = 0) -> ndarray:  # noqa: A002 - MXNet's parameter name
    return wrap(torch.diagflat(_t(array), k))


def diag_indices_from(arr: Any) -> tuple[ndarray, ...]:
    """The indices of the main diagonal of a square array, one int64 array per axis."""
    t = _t(arr)
    if t.dim() < 2 or len(set(t.shape)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    idx = torch.arange(t.shape[0], device=t.device)
    return tuple(wrap(idx.clone()) for _ in range(t.dim()))


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> ndarray:
    """The ``n``-th discrete difference along ``axis``; integer arrays stay integer."""
    t = _t(a)
    pre = None if prepend is None else _t(prepend).to(torch_dtype(t))
    post = None if append is None else _t(append).to(torch_dtype(t))
    if n == 0:
        return _fresh(t)
    return wrap(torch.diff(t, n=n, dim=axis, prepend=pre, append=post))


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> ndarray:
    """Differences of the flattened array, with ``to_begin``/``to_end`` put around them."""
    t = _t(ary).reshape(-1)
    parts = [torch.diff(t)]
    if to_begin is not None:
        parts.insert(0, _t(to_begin).to(torch_dtype(t)).reshape(-1))
    if to_end is not None:
        parts.append(_t(to_end).to(torch_dtype(t)).reshape(-1))
    return wrap(torch.cat(parts))


def dsplit(ary: Any, indices_or_sections: Any) -> list[ndarray]:
    """Split along the third axis (``np.split(ary, ..., axis=2)``)."""
    t = _t(ary)
    if t.dim() < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    if isinstance(indices_or_sections, int):
        if t.shape[2] % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        parts = torch.tensor_split(t, indices_or_sections, dim=2)
    else:
        parts = torch.tensor_split(t, list(indices_or_sections), dim=2)
    return [_fresh(p) for p in parts]


def indices(dimensions: Any, dtype: Any = onp.int32, ctx: Any = None) -> ndarray:
    """The grid of indices of an array of shape ``dimensions``: shape ``(len(dims), *dims)``."""
    dims = _shape(dimensions)
    dt = to_dtype(dtype)
    axes = [torch.arange(d, dtype=dt, device=_device(ctx)) for d in dims]
    if not axes:
        return wrap(torch.zeros((0,), dtype=dt, device=_device(ctx)))
    return wrap(torch.stack(torch.meshgrid(*axes, indexing="ij")))


def _axis_of(t: torch.Tensor, axis: Any) -> tuple[torch.Tensor, int]:
    if axis is None:
        return t.reshape(-1), 0
    if not -t.dim() <= axis < t.dim():
        raise MXNetError(f"axis {axis} is out of bounds for an array of dimension {t.dim()}")
    return t, axis % t.dim()


def delete(arr: Any, obj: Any, axis: int | None = None) -> ndarray:
    """A copy without the entries ``obj`` (an int, a slice or an integer array) along ``axis``
    (of the flattened array when ``axis`` is None)."""
    t, axis = _axis_of(_t(arr), axis)
    n = t.shape[axis]
    keep = torch.ones(n, dtype=torch.bool, device=t.device)
    if isinstance(obj, slice):
        keep[list(range(*obj.indices(n)))] = False  # also negative steps and empty ranges
    elif isinstance(obj, int | onp.integer):
        if not -n <= obj < n:
            raise MXNetError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        keep[int(obj)] = False
    elif isinstance(obj, torch.Tensor):
        idx = obj.long().reshape(-1)
        # MXNet ignores negative and out-of-range entries of an index array.
        keep[idx[(idx >= 0) & (idx < n)]] = False
    else:
        # MXNet's own check: a Python list is not accepted.
        raise TypeError(f"'obj' can not support type {type(obj)}")
    return wrap(torch.index_select(t, axis, keep.nonzero().reshape(-1)))


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> ndarray:
    """A copy with ``values`` inserted before the index (or indices) ``obj`` along ``axis`` (of
    the flattened array when ``axis`` is None); ``values`` take ``arr``'s dtype."""
    t, axis = _axis_of(_t(arr), axis)
    n = t.shape[axis]
    v = _t(values).to(device=t.device, dtype=torch_dtype(t))
    if isinstance(obj, slice):
        obj = torch.arange(*obj.indices(n), device=t.device)
    elif isinstance(obj, list | tuple):
        obj = torch.tensor(obj, dtype=torch.int64, device=t.device)
    if isinstance(obj, torch.Tensor) and obj.numel() == 1:
        obj = int(obj.reshape(()).item())
    if isinstance(obj, int | onp.integer):
        idx = int(obj) + n if obj < 0 else int(obj)
        if not 0 <= idx <= n:
            raise IndexError(f"index {obj} is out of bounds for axis {axis} with size {n}")
        # NumPy's rule for one index: values get arr's number of axes (leading ones), their
        # first axis becomes the inserted stretch.
        v = v.reshape((1,) * (t.dim() - v.dim()) + tuple(v.shape))
        v = torch.movedim(v, 0, axis)
        shape = list(t.shape)
        shape[axis] = v.shape[axis]
        pieces = [t.narrow(axis, 0, idx), v.expand(shape), t.narrow(axis, idx, n - idx)]
        return wrap(torch.cat(pieces, dim=axis))
    pos = obj.long().reshape(-1)
    pos = torch.where(pos < 0, pos + n, pos)
    count = pos.numel()
    order = torch.sort(pos, stable=True).indices
    new_pos = pos.clone()
    new_pos[order] += torch.arange(count, device=t.device)
    old = torch.ones(n + count, dtype=torch.bool, device=t.device)
    old[new_pos] = False
    shape = list(t.shape)
    shape[axis] = count
    out_shape = list(t.shape)
    out_shape[axis] = n + count
    out = torch.zeros(out_shape, dtype=torch_dtype(t), device=t.device)
    out = out.index_copy(axis, old.nonzero().reshape(-1), t)
    return wrap(out.index_copy(axis, new_pos, torch.broadcast_to(v, shape)))


def _pad_widths(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    if not isinstance(pad_width, tuple):
        raise TypeError("`pad_width` must be tuple.")  # MXNet's check
    widths = onp.broadcast_to(onp.asarray(pad_width, dtype=onp.int64), (ndim, 2))
    return [(int(b), int(a)) for b, a in widths]


def _pad_side(t: torch.Tensor, axis: int, width: int, mode: str, before: bool, cv: Any) -> Any:
    n = t.shape[axis]
    if mode == "constant":
        shape = list(t.shape)
        shape[axis] = width
        return torch.full(shape, cv, dtype=torch_dtype(t), device=t.device)
    if mode == "edge":
        edge = t.narrow(axis, 0 if before else n - 1, 1)
        return edge.expand(*t.shape[:axis], width, *t.shape[axis + 1 :])
    if mode in ("reflect", "symmetric"):
        skip = 1 if mode == "reflect" else 0
        if width + skip > n:
            raise MXNetError(f"pad: {mode} padding of {width} is wider than the axis of size {n}")
        part = t.narrow(axis, skip, width) if before else t.narrow(axis, n - width - skip, width)
        return torch.flip(part, (axis,))
    if mode in ("maximum", "minimum"):
        stat = torch.amax if mode == "maximum" else torch.amin
        return stat(t, dim=axis, keepdim=True).expand(*t.shape[:axis], width, *t.shape[axis + 1 :])
    raise NotImplementedError(f"np.pad mode {mode!r} is not supported, as in MXNet")


def pad(x: Any, pad_width: Any = None, mode: str = "constant", **kwargs: Any) -> ndarray:
    """``x`` padded by ``pad_width`` (``((before, after), ...)``, one pair for all axes, or one
    per axis). Modes: ``constant`` (``constant_values``), ``edge``, ``reflect``, ``symmetric``,
    ``maximum``, ``minimum``."""
    t = _t(x)
    cv = kwargs.get("constant_values", 0)
    for axis, (b, a) in enumerate(_pad_widths(pad_width, t.dim())):
        pieces = [t]
        if b:
            pieces.insert(0, _pad_side(t, axis, b, mode, True, cv))
        if a:
            pieces.append(_pad_side(t, axis, a, mode, False, cv))
        if len(pieces) > 1:
            t = torch.cat(pieces, dim=axis)
    return _fresh(t)


def resize(a: Any, new_shape: Any) -> ndarray:
    """An array of ``new_shape`` filled with ``a``'s elements repeated in order."""
    t = _t(a).reshape(-1)
    shape = _shape(new_shape)
    total = int(onp.prod(shape)) if shape else 1
    if t.numel() == 0:
        return wrap(torch.zeros(shape, dtype=torch_dtype(t), device=t.device))
    reps = -(-total // t.numel())
    return wrap(torch.tile(t, (reps,))[:total].reshape(shape))


def rot90(m: Any, k: int = 1, axes: Any = (0, 1)) -> ndarray:
    """``m`` rotated by ``k`` quarter turns in the plane of ``axes``."""
    return _fresh(torch.rot90(_t(m), int(k), tuple(axes)))


def take(
    a: Any, indices: Any, axis: int | None = None, mode: str = "raise", out: Any = None
) -> Any:
    """The elements of ``a`` at ``indices`` along ``axis`` (of the flattened array by default).
    ``mode``: ``'raise'`` (negative indices count from the end), ``'wrap'`` or ``'clip'``."""
    t, axis = _axis_of(_t(a), axis)
    idx = _t(indices)
    n = t.shape[axis]
    pos = idx.long()
    if mode == "wrap":
        pos = torch.remainder(pos, n)
    elif mode == "clip":
        pos = pos.clamp(0, n - 1)
    elif mode == "raise":
        if pos.numel() and (int(pos.min()) < -n or int(pos.max()) >= n):
            raise IndexError(f"index out of bounds for axis {axis} with size {n}")
        pos = torch.where(pos < 0, pos + n, pos)
    else:
        raise ValueError(f"clipmode not understood: {mode!r}")
    r = torch.index_select(t, axis, pos.reshape(-1))
    r = r.reshape((*t.shape[:axis], *idx.shape, *t.shape[axis + 1 :]))
    if out is not None:
        out[...] = r
        return out
    return wrap(r)


def unravel_index(indices: Any, shape: Any, order: str = "C") -> Any:
    """The coordinates in an array of ``shape`` of the flat ``indices`` (a tuple, one per
    axis); a Python int gives numpy integers, as in MXNet."""
    if order != "C":
        raise NotImplementedError("np.unravel_index supports only order='C', as MXNet does")
    dims = _shape(shape)
    if isinstance(indices, int | onp.integer):
        return tuple(onp.int64(i) for i in onp.unravel_index(int(indices), dims))
    flat = _t(indices).long()
    coords = []
    for d in reversed(dims):
        coords.append(torch.remainder(flat, d))
        flat = torch.div(flat, d, rounding_mode="floor")
    return tuple(wrap(c) for c in reversed(coords))
