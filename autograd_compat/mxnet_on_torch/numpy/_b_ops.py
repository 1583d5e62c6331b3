"""``mxnet.np`` functions whose MXNet 1.9.1 results differ from torch's defaults: ``around``/
``round`` of integers, ``unique`` with first-occurrence indices, and the window functions
``hanning``/``hamming``/``blackman``.
"""

from __future__ import annotations

from typing import Any

import numpy as onp
import torch

from .. import ties
from ..dtypes import to_dtype
from ..ndarray import ndarray, torch_dtype, wrap
from ._b_ufunc import check_out, check_ufunc_kwargs
from ._creation import _device, _is_scalar, _t

__all__ = [
    "around",
    "blackman",
    "cumsum",
    "empty_like",
    "hamming",
    "hanning",
    "isneginf",
    "isposinf",
    "round",
    "round_",
    "unique",
]


def around(a: Any, decimals: int = 0, out: Any = None) -> Any:
    """Round to ``decimals`` places, halves to even (``-0.5`` gives ``+0.0``, as in MXNet).
    Integers with ``decimals < 0`` lose their last ``-decimals`` digits toward zero, as MXNet's
    kernel does (``around(37, -1)`` is 30 there, 40 in NumPy)."""
    if _is_scalar(a):
        return onp.around(a, decimals)
    t = _t(a)
    if decimals < 0 and not t.is_floating_point() and torch_dtype(t) != torch.bool:
        step = 10 ** (-decimals)
        r = torch.div(t, step, rounding_mode="trunc") * step
    else:
        r = ties.round_half_even(t, decimals)
    if out is not None:
        out[...] = r
        return out
    return wrap(r)


round = around  # noqa: A001
round_ = around


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
) -> Any:
    """The sorted unique elements (or slices along ``axis``), and on request the index of each
    one's first occurrence, the inverse indices and the counts (all int64)."""
    t = _t(ar)
    if axis is None:
        t = t.reshape(-1)
        dim = 0
    else:
        dim = axis % max(t.dim(), 1)
    values, inverse, counts = torch.unique(
        t, sorted=True, return_inverse=True, return_counts=True, dim=dim
    )
    if not (return_index or return_inverse or return_counts):
        return wrap(values)
    result = [values]
    if return_index:
        positions = torch.arange(inverse.numel(), device=inverse.device)
        first = torch.full((values.shape[dim],), inverse.numel(), dtype=torch.int64)
        first = first.to(inverse.device).scatter_reduce(0, inverse, positions, reduce="amin")
        result.append(first)
    if return_inverse:
        result.append(inverse.to(torch.int64))
    if return_counts:
        result.append(counts.to(torch.int64))
    return tuple(wrap(r) for r in result)


def empty_like(
    prototype: Any, dtype: Any = None, order: str = "C", subok: bool = False, shape: Any = None
) -> ndarray:
    """A new array like ``prototype`` (its shape, dtype and context). MXNet's memory is
    uninitialised; here it holds zeros, one valid value of it. Other orders, ``subok`` and a new
    ``shape`` raise ``NotImplementedError``, as in MXNet."""
    if order != "C":
        raise NotImplementedError("Only support C-order at this moment")
    if subok:
        raise NotImplementedError("Creating array by using sub-class is not supported")
    if shape is not None:
        raise NotImplementedError("Assigning new shape is not supported at this moment")
    t = _t(prototype)
    return wrap(torch.zeros(t.shape, dtype=to_dtype(dtype, torch_dtype(t)), device=t.device))


def cumsum(a: Any, axis: int | None = None, dtype: Any = None, out: Any = None) -> ndarray:
    """Running sums along ``axis`` (of the flattened array by default), in ``a``'s dtype unless
    ``dtype`` says otherwise (bool gives int64). float16 sums round after every addition, as
    MXNet's and NumPy's do (torch's sum in float32)."""
    t = _t(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    src = torch_dtype(t)
    want = src if dtype is None else to_dtype(dtype)
    if dtype is None and src == torch.bool:
        want = torch.int64
    if want == torch.float16 and t.numel():
        # NumPy's rounded running sum (sequential, in C) as the value, torch's float32 cumsum
        # for the gradient; the float32 detour makes the cast land exactly on NumPy's value.
        run = torch.cumsum(t, dim=axis, dtype=torch.float32)
        exact = onp.cumsum(t.detach().cpu().to(torch.float16).numpy(), axis=axis)
        exact32 = torch.from_numpy(exact).to(device=run.device, dtype=torch.float32)
        r = (run + (exact32 - run).detach()).to(torch.float16)
    else:
        r = torch.cumsum(t, dim=axis, dtype=want)
    if out is not None:
        out[...] = r
        return out
    return wrap(r)


def _window(torch_window: Any, name: str) -> Any:
    def window(M: int, dtype: Any = None, ctx: Any = None) -> ndarray:  # noqa: N803
        m = int(M)
        dt = to_dtype(dtype)
        if m < 1:
            return wrap(torch.zeros((0,), dtype=dt, device=_device(ctx)))
        w = torch_window(m, periodic=False, dtype=torch.float64)
        return wrap(w.to(device=_device(ctx), dtype=dt))

    window.__name__ = window.__qualname__ = name
    window.__doc__ = (
        f"NumPy's symmetric {name} window of ``M`` points (float32 by default; empty for M < 1)."
    )
    return window


hanning = _window(torch.hann_window, "hanning")
hamming = _window(torch.hamming_window, "hamming")
blackman = _window(torch.blackman_window, "blackman")


def _predicate(fn: Any, npfn: Any, name: str) -> Any:
    def predicate(x: Any, out: Any = None, **kwargs: Any) -> Any:
        if kwargs:
            check_ufunc_kwargs(name, kwargs)
        if _is_scalar(x):
            return npfn(x)
        r = fn(_t(x))
        if out is not None:
            check_out(name, out, r)
            out[...] = r
            return out
        return wrap(r)

    predicate.__name__ = predicate.__qualname__ = name
    predicate.__doc__ = f"``np.{name}(x)``: element-wise bool, computed by ``torch.{name}``."
    return predicate


isposinf = _predicate(torch.isposinf, onp.isposinf, "isposinf")
isneginf = _predicate(torch.isneginf, onp.isneginf, "isneginf")
