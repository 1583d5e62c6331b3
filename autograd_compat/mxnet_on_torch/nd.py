"""A minimal ``mxnet.nd`` on torch: enough for one MXNet program text to run on both backends.

These return plain ``torch.Tensor`` objects, so where a torch method differs from MXNet's
(``x.sum()`` has shape ``()`` where legacy MXNet gives ``(1,)``, ``argmax``'s dtype, the repr) torch's
behaviour stays. Creation functions default to float32, as MXNet does, also for Python ints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
import torch

from . import random
from .context import as_device

__all__ = [
    "arange",
    "array",
    "dot",
    "full",
    "ones",
    "ones_like",
    "random",
    "waitall",
    "zeros",
    "zeros_like",
]

_DTYPES: dict[Any, torch.dtype] = {
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    numpy.float16: torch.float16,
    numpy.float32: torch.float32,
    numpy.float64: torch.float64,
    numpy.uint8: torch.uint8,
    numpy.int8: torch.int8,
    numpy.int32: torch.int32,
    numpy.int64: torch.int64,
    numpy.bool_: torch.bool,
}


def to_dtype(dtype: Any, default: torch.dtype = torch.float32) -> torch.dtype:
    """A torch dtype from an MXNet/numpy dtype spec (``'float32'``, ``np.int32``, ...)."""
    if dtype is None:
        return default
    if isinstance(dtype, torch.dtype):
        return dtype
    key = dtype
    if isinstance(dtype, numpy.dtype):
        key = dtype.type
    try:
        return _DTYPES[key]
    except (KeyError, TypeError):
        raise TypeError(f"unsupported dtype {dtype!r}") from None


def _device(ctx: Any) -> torch.device | None:
    return None if ctx is None else as_device(ctx)


def _shape(shape: Any) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(shape)


def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> torch.Tensor:
    """A new float32 array (``dtype`` overrides; an array source keeps its dtype)."""
    if isinstance(source_array, torch.Tensor):
        default = source_array.dtype
        return source_array.detach().to(device=_device(ctx), dtype=to_dtype(dtype, default))
    return torch.tensor(
        numpy.asarray(source_array), dtype=to_dtype(dtype), device=_device(ctx)
    )


def zeros(shape: Any, ctx: Any = None, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
    return torch.zeros(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx))


def ones(shape: Any, ctx: Any = None, dtype: Any = None, **kwargs: Any) -> torch.Tensor:
    return torch.ones(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx))


def full(shape: Any, val: Any, ctx: Any = None, dtype: Any = None, **kw: Any) -> torch.Tensor:
    return torch.full(_shape(shape), val, dtype=to_dtype(dtype), device=_device(ctx))


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1.0,
    repeat: int = 1,
    infer_range: Any = None,
    ctx: Any = None,
    dtype: Any = None,
) -> torch.Tensor:
    if stop is None:
        start, stop = 0, start
    out = torch.arange(start, stop, step, dtype=to_dtype(dtype), device=_device(ctx))
    return out.repeat_interleave(repeat) if repeat != 1 else out


def zeros_like(data: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    return torch.zeros_like(data)


def ones_like(data: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    return torch.ones_like(data)


def dot(
    lhs: torch.Tensor, rhs: torch.Tensor, transpose_a: bool = False, transpose_b: bool = False
) -> torch.Tensor:
    """MXNet's dot: contracts the last axis of ``lhs`` with the first axis of ``rhs``."""
    if transpose_a:
        lhs = lhs.t() if lhs.dim() == 2 else lhs.permute(*reversed(range(lhs.dim())))
    if transpose_b:
        rhs = rhs.t() if rhs.dim() == 2 else rhs.permute(*reversed(range(rhs.dim())))
    if lhs.dim() <= 2 and rhs.dim() <= 2:
        return torch.matmul(lhs, rhs)
    return torch.tensordot(lhs, rhs, dims=1)


def _reduction(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    def reduce(
        data: torch.Tensor, axis: Any = None, keepdims: bool = False, exclude: bool = False
    ) -> torch.Tensor:
        if axis is None or axis == ():
            if exclude:
                return data
            return fn(data).reshape((1,) * data.dim()) if keepdims else fn(data)
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        if exclude:
            axes = tuple(i for i in range(data.dim()) if i not in {a % data.dim() for a in axes})
        return fn(data, dim=axes, keepdim=keepdims)

    reduce.__name__ = fn.__name__
    reduce.__doc__ = f"``nd.{fn.__name__}(data, axis=None, keepdims=False, exclude=False)``"
    return reduce


# Elementwise and reduction ops: MXNet name -> torch function. Adding an op is one line.
_UNARY: dict[str, Callable[..., torch.Tensor]] = {
    "exp": torch.exp,
    "log": torch.log,
    "sin": torch.sin,
    "cos": torch.cos,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "square": torch.square,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "negative": torch.neg,
}
_REDUCTIONS: dict[str, Callable[..., torch.Tensor]] = {
    "sum": torch.sum,
    "mean": torch.mean,
}

for _name, _fn in _UNARY.items():
    globals()[_name] = _fn
for _name, _fn in _REDUCTIONS.items():
    globals()[_name] = _reduction(_fn)
__all__ += list(_UNARY) + list(_REDUCTIONS)


def waitall() -> None:
    """No-op: torch CPU ops are synchronous."""


def __getattr__(name: str) -> Any:
    raise NotImplementedError(
        f"mxnet.nd.{name} is not supported by autograd_compat's nd on the torch backend yet; "
        f"use the torch function directly (torch.{name}) or autograd_compat.to_torch"
    )
