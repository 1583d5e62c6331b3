"""The ``ndarray`` methods that are ``np`` functions (``x.sum(axis=1)``, ``x.argmax()``,
``x.transpose()``, ``x.repeat(2)``, ...), attached to the class when the ``np`` namespace loads.

They live here, above both, so the array class never imports its namespace.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch

from ..ndarray import ndarray, wrap
from ._signatures import reduction_method

_TensorBase = torch._C.TensorBase


def _np_method(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def method(self: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}(...)``, as ``np.{name}(x, ...)``."
    return method


def _transpose_method(np_transpose: Callable[..., Any]) -> Callable[..., Any]:
    def transpose(self: torch.Tensor, *axes: Any) -> ndarray:
        """NumPy's ``x.transpose(*axes)``: no axes reverses them all."""
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        if axes is None:  # x.transpose(None): all axes reversed, as NumPy
            return np_transpose(self, None)
        if len(axes) == 2 and self.dim() != 2:
            # Not a valid NumPy call (it needs one axis per dimension): torch code swapping two
            # dimensions, e.g. x.transpose(-1, -2). Keep that working.
            return wrap(_TensorBase.transpose(self, *axes))
        return np_transpose(self, axes or None)

    return transpose


# Methods whose NumPy meaning differs from torch's method of the same name (``repeat`` is
# np.repeat, not tiling; ``argmax(axis=...)``, ...).
NP_METHODS = (
    "argmax argmin cumsum swapaxes repeat dot squeeze ravel nonzero argsort flatten round"
).split()


def install(namespace: dict[str, Any]) -> None:
    """Attach the reductions and :data:`NP_METHODS` of the ``np`` namespace to ``ndarray``."""
    for name, fn in namespace["_REDUCTIONS"].items():
        reduce = namespace["_reduce"]
        setattr(ndarray, name, reduction_method(name, functools.partial(reduce, name, fn)))
    for name in ("all", "any"):  # MXNet's method order (axis, out, keepdims), not the function's
        setattr(ndarray, name, reduction_method(name, namespace["_logical_" + name]))
    for name in ("std", "var"):  # these take ddof too (before keepdims, as NumPy)
        setattr(ndarray, name, _np_method(namespace[name], name))
    for name in NP_METHODS:
        setattr(ndarray, name, _np_method(namespace[name], name))
    ndarray.transpose = _transpose_method(namespace["transpose"])  # type: ignore[method-assign]
    ndarray.clip = _clip_method(namespace["clip"])  # type: ignore[method-assign]


def _clip_method(np_clip: Callable[..., Any]) -> Callable[..., Any]:
    def clip(self: torch.Tensor, min: Any = None, max: Any = None, out: Any = None) -> ndarray:  # noqa: A002
        """MXNet's ``x.clip(min=None, max=None)``, as ``np.clip(x, min, max)``."""
        return np_clip(self, min, max, out=out)

    return clip
