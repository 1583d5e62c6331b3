"""Conversions between MXNet's two array types, below both of them.

``x.as_np_ndarray()`` and ``x.as_nd_ndarray()`` give the same values in the other interface
without copying (the result shares memory and autograd history with ``x``). The two array
classes register themselves here at import, so neither array module imports the other.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["as_nd_ndarray", "as_np_ndarray", "register_array_class"]

_view_as = torch._C.TensorBase.view_as
_classes: dict[str, type] = {}


def register_array_class(kind: str, cls: type) -> None:
    """Make ``cls`` the array class of interface ``kind`` (``'nd'`` or ``'np'``)."""
    if kind not in ("nd", "np"):
        raise ValueError(f"unknown array interface {kind!r}; choose 'nd' or 'np'")
    _classes[kind] = cls


def _convert(t: Any, kind: str) -> Any:
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"expected an array, got {type(t).__name__}")
    cls = _classes.get(kind)
    if cls is None:
        raise NotImplementedError(
            f"the {kind!r} array interface is not loaded. Hint: import mxnet.{kind} first"
        )
    if type(t) is cls:
        return t
    # A view: same memory and autograd history, no copy. The context tag travels with it.
    r = _view_as(t, t)
    r.__class__ = cls
    ctx = t.__dict__.get("_mx_ctx")
    if ctx is not None:
        r._mx_ctx = ctx
    return r


def as_np_ndarray(t: Any) -> Any:
    """``t`` as an ``mxnet.numpy.ndarray`` sharing its memory (``t`` itself if it is one)."""
    return _convert(t, "np")


def as_nd_ndarray(t: Any) -> Any:
    """``t`` as a legacy ``NDArray`` sharing its memory (``t`` itself if it is one)."""
    return _convert(t, "nd")
