"""``nd._internal``: the few internal MXNet 1.9.1 operators that programs and tests call by name.

``_slice_assign(lhs, rhs, begin, end, step=())`` (alias ``_crop_assign``) gives a copy of ``lhs``
with the region ``lhs[begin:end:step]`` replaced by ``rhs``, whose shape must be the region's;
``_slice_assign_scalar(data, scalar, begin, end, step=())`` (alias ``_crop_assign_scalar``) fills
the region with ``scalar``. ``None`` entries take the defaults and negative steps work, as in
MXNet; ``out=`` writes the result into an array (``out=lhs`` updates ``lhs`` in place).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy
import torch

from .base import MXNetError
from .nd_ndarray import NDArray, wrap_nd

__all__ = ["_crop_assign", "_crop_assign_scalar", "_slice_assign", "_slice_assign_scalar"]

_view_as = torch._C.TensorBase.view_as


def _tuple(v: Any) -> tuple:
    if v is None:
        return ()
    return tuple(v) if isinstance(v, list | tuple) else (v,)


def _region(shape: tuple[int, ...], begin: Any, end: Any, step: Any) -> tuple[torch.Tensor, ...]:
    """Index tensors (broadcasting like ``numpy.ix_``) of the region ``begin:end:step``."""
    begin, end, step = _tuple(begin), _tuple(end), _tuple(step)
    if len(begin) != len(end) or len(begin) > len(shape):
        raise MXNetError(
            f"begin {begin} and end {end} must have one entry per leading axis of an array of "
            f"shape {shape}"
        )
    axes = []
    for i, n in enumerate(shape):
        if i < len(begin):
            s = step[i] if i < len(step) else None
            if s == 0:
                raise MXNetError("slice step cannot be zero")
            axes.append(numpy.arange(n)[builtins.slice(begin[i], end[i], s)].copy())
        else:
            axes.append(numpy.arange(n))
    return tuple(torch.from_numpy(a) for a in numpy.ix_(*axes))


def _finish(r: torch.Tensor, like: Any, out: Any) -> Any:
    if out is not None:
        if tuple(out.shape) != tuple(r.shape):
            raise MXNetError(
                f"out= array of shape {tuple(out.shape)} does not match the result's shape "
                f"{tuple(r.shape)}"
            )
        out[...] = r
        return out
    r = wrap_nd(r)
    ctx = like.__dict__.get("_mx_ctx") if isinstance(like, NDArray) else None
    if ctx is not None:
        r._mx_ctx = ctx
    return r


def _slice_assign(
    lhs: torch.Tensor, rhs: torch.Tensor, begin: Any, end: Any, step: Any = (), out: Any = None
) -> Any:
    """A copy of ``lhs`` with ``lhs[begin:end:step]`` replaced by ``rhs`` (same shape)."""
    base = _view_as(lhs, lhs)
    key = _region(tuple(base.shape), begin, end, step)
    region = torch.broadcast_shapes(*(k.shape for k in key))
    if tuple(rhs.shape) != tuple(region):
        raise MXNetError(
            f"Shape inconsistent, Provided = {list(rhs.shape)}, inferred shape={list(region)}"
        )
    r = base.clone()
    r[key] = _view_as(rhs, rhs).to(r.dtype)
    return _finish(r, lhs, out)


def _slice_assign_scalar(
    data: torch.Tensor,
    scalar: float = 0.0,
    begin: Any = (),
    end: Any = (),
    step: Any = (),
    out: Any = None,
) -> Any:
    """A copy of ``data`` with ``data[begin:end:step]`` set to ``scalar``."""
    base = _view_as(data, data)
    key = _region(tuple(base.shape), begin, end, step)
    r = base.clone()
    r[key] = scalar
    return _finish(r, data, out)


_crop_assign = _slice_assign
_crop_assign_scalar = _slice_assign_scalar
