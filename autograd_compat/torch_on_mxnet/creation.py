"""Creation functions of the torch dialect on MXNet: ``tensor``, ``zeros``, ``arange``, the
random functions, seeds.

``tensor``/``zeros``/``ones``/``full`` build MXNet arrays with torch's dtype rules (Python floats
are the default dtype, ints int64). ``arange``, ``linspace``, ``eye`` and the random functions
take their values from real torch (same numbers for the same seed and dtype rules), then move
them into MXNet.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import mxnet as _mx
import numpy as _onp

from .dtypes import _as_dtype, _default_dtype, _scalar_dtype, dtype
from .errors import _check_bool
from .scopes import _run
from .tensor import Tensor, _shape_arg, _to_nd, _wrap

_mnp = _mx.np


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone()."
            "detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    _check_bool("tensor", "requires_grad", requires_grad)
    nd, dt = _to_nd(data, _as_dtype(dtype) if dtype is not None else None)
    t = _wrap(nd)
    if requires_grad:
        if dt._cat != 2:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or _as_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype)


def from_numpy(a: _onp.ndarray) -> Tensor:
    return tensor(a)


def _creation(fn: Callable) -> Callable:
    def make(
        *size: Any,
        dtype: Any = None,
        requires_grad: bool = False,
        device: Any = None,
        out: Any = None,
        **kw: Any,
    ) -> Tensor:
        _check_bool(fn.__name__, "requires_grad", requires_grad)
        dt = _as_dtype(dtype) if dtype is not None else _default_dtype
        shape = _shape_arg(size)
        t = _wrap(_run(False, fn, shape, dt.np))
        if requires_grad:
            t.requires_grad_(True)
        return t

    return make


zeros = _creation(_mnp.zeros)
ones = _creation(_mnp.ones)
empty = zeros


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    dt = _as_dtype(dtype) if dtype is not None else _scalar_dtype(fill_value)
    t = _wrap(_run(False, _mnp.full, tuple(size), fill_value, dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _like(fn: Callable) -> Callable:
    def make(
        x: Tensor, *, dtype: Any = None, requires_grad: bool = False, device: Any = None
    ) -> Tensor:
        return fn(tuple(x.shape), dtype=dtype or x.dtype, requires_grad=requires_grad)

    return make


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = zeros_like


def full_like(
    x: Tensor, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    return full(tuple(x.shape), fill_value, dtype=dtype or x.dtype, requires_grad=requires_grad)


def _from_torch(tt: Any, requires_grad: bool = False) -> Tensor:
    t = tensor(tt.numpy())
    if requires_grad:
        t.requires_grad_(True)
    return t


def _via_torch(name: str) -> Callable:
    # Values come from real torch (same numbers, same seeds, same dtype rules), then move.
    def make(*args: Any, requires_grad: bool = False, **kwargs: Any) -> Tensor:
        import torch

        kwargs.pop("device", None)
        if "dtype" in kwargs and isinstance(kwargs["dtype"], dtype):
            kwargs["dtype"] = getattr(torch, kwargs["dtype"].name)
        args = tuple(
            a._numpy().item() if isinstance(a, Tensor) and a.dim() == 0 else a for a in args
        )
        if name in ("normal",):
            args = tuple(torch.from_numpy(a._numpy()) if isinstance(a, Tensor) else a for a in args)
        return _from_torch(getattr(torch, name)(*args, **kwargs), requires_grad)

    make.__name__ = name
    return make


arange = _via_torch("arange")
linspace = _via_torch("linspace")
eye = _via_torch("eye")
rand = _via_torch("rand")
randn = _via_torch("randn")
randint = _via_torch("randint")
normal = _via_torch("normal")
randperm = _via_torch("randperm")


def rand_like(x: Tensor, **kw: Any) -> Tensor:
    return rand(tuple(x.shape), dtype=kw.pop("dtype", x.dtype), **kw)


def randn_like(x: Tensor, **kw: Any) -> Tensor:
    return randn(tuple(x.shape), dtype=kw.pop("dtype", x.dtype), **kw)


def manual_seed(seed: int) -> Any:
    import torch

    return torch.manual_seed(seed)


def seed() -> int:
    import torch

    return torch.seed()


def initial_seed() -> int:
    import torch

    return torch.initial_seed()


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(x: Tensor) -> int:
    return x.numel()
