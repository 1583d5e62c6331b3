"""Statistics and numeric helpers of ``mxnet.np``: ``quantile``/``percentile``, ``average``,
``histogram``, ``bincount``, ``nan_to_num``, ``polyval``, ``logspace``.

Thin compositions of torch ops. Integer inputs give float32 where MXNet gives float32.
"""

from __future__ import annotations

from typing import Any

import torch

from .. import autograd as _ag
from ..base import INPLACE_WHILE_RECORDING, MXNetError
from ..dtypes import to_dtype
from ..hybrid_state import in_hybridized_forward
from ..int_variables import zero_gradient
from ..ndarray import ndarray, torch_dtype, wrap
from ._creation import _device, _t

__all__ = [
    "average",
    "bincount",
    "histogram",
    "logspace",
    "nan_to_num",
    "percentile",
    "polyval",
    "quantile",
]

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _float(t: torch.Tensor) -> torch.Tensor:
    return t if t.is_floating_point() else t.to(torch.float32)


def quantile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: Any = None,
    interpolation: str = "linear",
    keepdims: bool = False,
) -> ndarray:
    """The ``q``-th quantiles (``q`` in ``[0, 1]``, a number or an array, whose axes come
    first) along ``axis`` (an int, a tuple, or None for all)."""
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"interpolation can only be one of {', '.join(_INTERPOLATIONS)}")
    t = _t(a)
    t = t if torch_dtype(t) == torch.float64 else t.to(torch.float32)  # MXNet: float32 or float64
    q64 = q if isinstance(q, int | float) else _t(q).to(device=t.device, dtype=torch.float64)
    qt = q if isinstance(q, int | float) else q64.to(torch_dtype(t))
    if axis is None:
        flat, axes = t.reshape(-1), tuple(range(t.dim()))
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(ax % t.dim() for ax in axes)
        rest = [d for d in range(t.dim()) if d not in axes]
        flat = t.permute(*rest, *axes).reshape(*[t.shape[d] for d in rest], -1)
    r = _quantile_last(flat, qt, q64, interpolation)
    if keepdims:
        lead = r.dim() - (flat.dim() - 1)
        shape = list(r.shape[:lead]) + [1 if d in axes else t.shape[d] for d in range(t.dim())]
        r = r.reshape(shape)
    if out is not None:
        out[...] = r
        return out
    return wrap(r)


def _quantile_last(t: torch.Tensor, q: Any, q64: Any, interpolation: str) -> torch.Tensor:
    # Quantiles along the last axis, q's axes first. MXNet's "nearest" rounds a half index up
    # (torch and NumPy round it to even), so it is "higher" or "lower" by the index's fraction.
    if interpolation != "nearest":
        return torch.quantile(t, q, dim=-1, interpolation=interpolation)
    lo = torch.quantile(t, q, dim=-1, interpolation="lower")
    hi = torch.quantile(t, q, dim=-1, interpolation="higher")
    index = torch.as_tensor(q64, dtype=torch.float64, device=t.device) * (t.shape[-1] - 1)
    up = (index - torch.floor(index)) >= 0.5
    return torch.where(up.reshape(up.shape + (1,) * (lo.dim() - up.dim())), hi, lo)


def percentile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: Any = None,
    interpolation: str = "linear",
    keepdims: bool = False,
) -> ndarray:
    """The ``q``-th percentiles (``q`` in ``[0, 100]``); see :func:`quantile`."""
    qq = q / 100 if isinstance(q, int | float) else _t(q).to(torch.float64) / 100
    return quantile(a, qq, axis, out, overwrite_input, interpolation, keepdims)


def average(
    a: Any, axis: Any = None, weights: Any = None, returned: bool = False, out: Any = None
) -> Any:
    """The (weighted) mean along ``axis``; ``returned=True`` also gives the sum of weights."""
    t = _float(_t(a))
    dims = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
    if weights is None:
        avg = torch.mean(t) if dims is None else torch.mean(t, dim=dims)
        scale = torch.full_like(avg, t.numel() / max(avg.numel(), 1))
    else:
        w = _t(weights).to(torch_dtype(t))
        if w.shape != t.shape:
            if dims is None or len(dims) != 1 or w.dim() != 1:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            shape = [1] * t.dim()
            shape[dims[0]] = w.shape[0]
            w = w.reshape(shape)
        w = torch.broadcast_to(w, t.shape)
        scale = torch.sum(w) if dims is None else torch.sum(w, dim=dims)
        avg = (torch.sum(t * w) if dims is None else torch.sum(t * w, dim=dims)) / scale
    if out is not None:
        out[...] = avg
        avg = out
    else:
        avg = wrap(avg)
    return (avg, wrap(scale)) if returned else avg


def bincount(x: Any, weights: Any = None, minlength: int = 0) -> ndarray:
    """Counts of each non-negative integer in ``x`` (``x``'s dtype), or sums of ``weights``."""
    t = _t(x)
    if t.is_floating_point():
        raise TypeError("input data for bincount must be integers")
    if t.numel() and int(t.min()) < 0:
        raise ValueError("input array for bincount must be non-negative")
    if weights is None:
        return wrap(torch.bincount(t, minlength=minlength).to(torch_dtype(t)))
    w = _t(weights)
    return wrap(torch.bincount(t, weights=w, minlength=minlength).to(torch_dtype(w)))


def histogram(
    a: Any,
    bins: Any = 10,
    range: Any = None,  # noqa: A002 - numpy's parameter name
    normed: Any = None,
    weights: Any = None,
    density: Any = None,
) -> tuple[ndarray, ndarray]:
    """Counts (int64) of ``a`` in ``bins`` equal bins over ``range`` (the last bin includes its
    right edge), or in the bins between the edges of an array ``bins``; and the edges."""
    if normed or density or weights is not None:
        raise NotImplementedError("np.histogram: normed, density and weights are not supported")
    t = _float(_t(a)).reshape(-1)
    if isinstance(bins, torch.Tensor):
        edges = bins.to(torch_dtype(t))
    else:
        if range is None:
            raise NotImplementedError("automatic range is not supported yet...")  # MXNet's
        edges = torch.linspace(
            float(range[0]), float(range[1]), int(bins) + 1, dtype=torch_dtype(t)
        )
    hist = torch.histogram(t.detach().cpu(), bins=edges.detach().cpu()).hist
    return wrap(hist.to(device=t.device, dtype=torch.int64)), wrap(edges.clone())


def nan_to_num(
    x: Any,
    copy: bool = True,
    nan: float = 0.0,
    posinf: Any = None,
    neginf: Any = None,
    **kwargs: Any,
) -> Any:
    """NaN to ``nan``, infinities to ``posinf``/``neginf`` (the dtype's extremes by default);
    ``copy=False`` changes ``x`` in place (a copy inside a hybridized block, as MXNet's graph)."""
    t = _t(x)
    copy = copy or in_hybridized_forward()
    if not t.is_floating_point():
        return wrap(t.clone()) if copy else t
    if not copy:
        if t.requires_grad and _ag.is_recording():
            raise MXNetError(INPLACE_WHILE_RECORDING)  # x is in the graph: MXNet refuses
        with torch.no_grad():  # outside record() MXNet writes into a variable too
            torch.nan_to_num_(t, nan=nan, posinf=posinf, neginf=neginf)
        return t
    return wrap(torch.nan_to_num(t, nan=nan, posinf=posinf, neginf=neginf))


def polyval(p: Any, x: Any) -> ndarray:
    """The polynomial with coefficients ``p`` (highest power first) at ``x``."""
    coeffs = _t(p)
    xt = _t(x)
    r = torch.zeros_like(xt, dtype=torch.promote_types(torch_dtype(coeffs), torch_dtype(xt)))
    for c in coeffs.unbind(0):
        r = r * xt + c
    return wrap(zero_gradient(r, coeffs, xt))  # MXNet's integer polyval has zero gradients


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: float = 10.0,
    dtype: Any = None,
    axis: int = 0,
    ctx: Any = None,
) -> ndarray:
    """``base ** linspace(start, stop, num)`` (float32 by default)."""
    n = num if endpoint else num + 1
    exps = torch.linspace(float(start), float(stop), n, dtype=torch.float64)
    if not endpoint:
        exps = exps[:-1]
    r = torch.pow(float(base), exps).to(device=_device(ctx), dtype=to_dtype(dtype))
    return wrap(r)
