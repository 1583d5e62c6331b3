"""MXNet's legacy convolution and pooling operators (``nd.Convolution``, ``nd.Deconvolution``,
``nd.Pooling``) on torch's kernels, with MXNet 1.9.1's signatures, defaults and layouts.

Channels-last layouts (``NWC``, ``NHWC``, ``NDHWC``), which MXNet 1.9.1 runs only on GPU, are
computed here on CPU by moving the channel axis (and, for convolutions, the weight's input-channel
axis) to position 1 and back.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - torch's own spelling

from . import autograd
from .base import MXNetError
from .ndarray import ndarray

_view_as = torch._C.TensorBase.view_as

__all__ = ["Convolution", "Deconvolution", "Pooling"]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_DECONV = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAXPOOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVGPOOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def mxnet_op(fn: Callable[..., Any]) -> Callable[..., Any]:
    """MXNet's operator calling convention around ``fn``: ``name``/``attr`` are accepted and
    ignored, ``out=`` receives the result, and an unknown keyword raises MXNet's "Cannot find
    argument" error (silently ignoring a misspelt argument would change results).
    ``mxnet.np`` arrays reach ``fn`` as plain tensor views (same memory and graph), since their
    methods take NumPy's arguments (``mean(axis=...)``), not torch's."""
    names = frozenset(inspect.signature(fn).parameters)
    op = fn.__name__

    @functools.wraps(fn)
    def call(*args: Any, out: Any = None, name: Any = None, attr: Any = None, **kwargs: Any) -> Any:
        # Set and `in map(type, ...)` tests run in C: this wrapper is on every layer's path.
        if kwargs:
            if not names.issuperset(kwargs):
                key = next(k for k in kwargs if k not in names)
                raise MXNetError(
                    f"Cannot find argument '{key}' of operator {op}, possible arguments: "
                    f"{', '.join(sorted(names))}"
                )
            if ndarray in map(type, kwargs.values()):
                for key, value in kwargs.items():
                    if type(value) is ndarray:
                        kwargs[key] = _view_as(value, value)
        if ndarray in map(type, args):
            args = tuple(_view_as(a, a) if type(a) is ndarray else a for a in args)
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if autograd.is_recording():
            raise MXNetError(
                f"{op}(out=...) inside autograd.record() is not supported on the torch backend. "
                "Hint: use the returned array."
            )
        with torch.no_grad():
            out.copy_(result)
        return out

    return call


def tup(value: Any, n: int, default: int) -> tuple[int, ...]:
    """MXNet's ``Shape`` argument: ``()`` means ``default`` everywhere, an int is repeated."""
    if value is None or value == ():
        return (default,) * n
    if isinstance(value, int):
        return (value,) * n
    value = tuple(int(v) for v in value)
    if len(value) != n:
        raise MXNetError(f"expected a shape of {n} values, got {value}")
    return value


def channels_last(layout: str | None, n: int, op: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``layout`` puts channels last; MXNet's error for a layout it does not accept."""
    if layout is None or layout == _FIRST.get(n):
        return False
    if layout == _LAST.get(n) and layout in allowed:
        return True
    raise MXNetError(
        f"Invalid Input: {layout!r}, valid values for a {n}-D {op} are: "
        f"{{None, {', '.join(repr(a) for a in allowed if len(a) == n + 2)}}}"
    )


def run_kernel(kernel: Callable[..., Any], *args: Any) -> Any:
    """``kernel(*args)``, with torch's argument errors raised as ``MXNetError``."""
    # MXNet reports a bad argument combination as MXNetError; torch raises RuntimeError.
    try:
        return kernel(*args)
    except RuntimeError as exc:
        raise MXNetError(str(exc).split("\n")[0]) from None


def _check_data(data: torch.Tensor, n: int, op: str) -> None:
    if data.dim() != n + 2:
        raise MXNetError(
            f"{op}: a kernel of {n} dimensions needs {n + 2}-D input, got shape {tuple(data.shape)}"
        )


_CONV_LAYOUTS = ("NCW", "NCHW", "NCDHW", "NHWC", "NDHWC")


@mxnet_op
def Convolution(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    kernel: Any = (),
    stride: Any = (),
    dilate: Any = (),
    pad: Any = (),
    num_filter: int = 0,
    num_group: int = 1,
    workspace: int = 1024,
    no_bias: bool = False,
    cudnn_tune: Any = None,
    cudnn_off: bool = False,
    layout: str | None = None,
) -> torch.Tensor:
    """N-D convolution (``len(kernel)`` = 1, 2 or 3). ``weight`` has shape
    ``(num_filter, C // num_group, *kernel)``, or ``(num_filter, *kernel, C // num_group)`` for
    channels-last layouts."""
    n = len(kernel)
    if n not in _CONV:
        raise MXNetError(f"Convolution: kernel must have 1, 2 or 3 dimensions, got {kernel}")
    _check_data(data, n, "Convolution")
    last = channels_last(layout, n, "Convolution", _CONV_LAYOUTS)
    if last:
        data = data.movedim(-1, 1)
        weight = weight.movedim(-1, 1)
    in_channels = data.shape[1]
    if in_channels % num_group or num_filter % num_group:
        raise MXNetError(
            f"Convolution: input channels ({in_channels}) and num_filter ({num_filter}) must be "
            f"multiples of num_group ({num_group})"
        )
    expected = (num_filter, in_channels // num_group, *tuple(kernel))
    if tuple(weight.shape) != expected:
        raise MXNetError(
            f"Convolution: weight has shape {tuple(weight.shape)}, expected {expected} (in "
            f"channels-first order) for input {tuple(data.shape)}"
        )
    out = run_kernel(
        _CONV[n],
        data,
        weight,
        None if no_bias else bias,
        tup(stride, n, 1),
        tup(pad, n, 0),
        tup(dilate, n, 1),
        num_group,
    )
    return out.movedim(1, -1) if last else out


def _deconv_padding(
    in_sizes: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilate: tuple[int, ...],
    pad: tuple[int, ...],
    adj: tuple[int, ...],
    target_shape: Any,
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(pad, adj) for a transposed convolution; ``target_shape`` overrides both, as in MXNet."""
    if not target_shape or all(t == 0 for t in target_shape):
        return pad, adj
    pads, adjs = [], []
    for i, target in enumerate(target_shape):
        full = stride[i] * (in_sizes[i] - 1) + dilate[i] * (kernel[i] - 1) + 1
        if full < target:
            raise MXNetError(f"Deconvolution: too big target shape {tuple(target_shape)}")
        total = full - target
        adjs.append(total % 2)
        pads.append((total + 1) // 2)
    return tuple(pads), tuple(adjs)


@mxnet_op
def Deconvolution(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    kernel: Any = (),
    stride: Any = (),
    dilate: Any = (),
    pad: Any = (),
    adj: Any = (),
    target_shape: Any = (),
    num_filter: int = 0,
    num_group: int = 1,
    workspace: int = 512,
    no_bias: bool = True,
    cudnn_tune: Any = None,
    cudnn_off: bool = False,
    layout: str | None = None,
) -> torch.Tensor:
    """Transposed convolution. ``weight`` has shape ``(C, num_filter // num_group, *kernel)``
    (channels-last: ``(C, *kernel, num_filter // num_group)``). ``no_bias`` defaults to True, as
    in MXNet."""
    n = len(kernel)
    if n not in _DECONV:
        raise MXNetError(f"Deconvolution: kernel must have 1, 2 or 3 dimensions, got {kernel}")
    _check_data(data, n, "Deconvolution")
    last = channels_last(layout, n, "Deconvolution", _CONV_LAYOUTS)
    if last:
        data = data.movedim(-1, 1)
        weight = weight.movedim(-1, 1)
    in_channels = data.shape[1]
    expected = (in_channels, num_filter // max(num_group, 1), *tuple(kernel))
    if tuple(weight.shape) != expected or num_filter % num_group or in_channels % num_group:
        raise MXNetError(
            f"Deconvolution: weight has shape {tuple(weight.shape)}, expected {expected} (in "
            f"channels-first order) for input {tuple(data.shape)} and num_group={num_group}"
        )
    stride_, dilate_ = tup(stride, n, 1), tup(dilate, n, 1)
    pad_, adj_ = _deconv_padding(
        tuple(data.shape[2:]),
        tuple(kernel),
        stride_,
        dilate_,
        tup(pad, n, 0),
        tup(adj, n, 0),
        target_shape,
    )
    for a, st in zip(adj_, stride_):
        if a >= st:
            raise MXNetError(f"Deconvolution: adj {adj_} must be smaller than stride {stride_}")
    out = run_kernel(
        _DECONV[n],
        data,
        weight,
        None if no_bias else bias,
        stride_,
        pad_,
        adj_,
        num_group,
        dilate_,
    )
    return out.movedim(1, -1) if last else out


_POOL_LAYOUTS = ("NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC")


def _global_pool(data: torch.Tensor, pool_type: str, p: int) -> torch.Tensor:
    dims = tuple(range(2, data.dim()))
    if pool_type == "max":
        # torch's max pooling gives a tie's gradient to the first maximum, as MXNet does (amax
        # would split it between the tied elements).
        return _MAXPOOL[data.dim() - 2](data, tuple(data.shape[2:]))
    if pool_type == "avg":
        return data.mean(dim=dims, keepdim=True)
    if pool_type == "sum":
        return data.sum(dim=dims, keepdim=True)
    return _lp_root(data.pow(p).sum(dim=dims, keepdim=True), p)


def _lp_root(s: torch.Tensor, p: int) -> torch.Tensor:
    # MXNet's Lp pooling is (sum x^p)^(1/p) with the sign kept for odd p.
    if p == 1:
        return s
    if p == 2:
        return s.sqrt()
    return s.sign() * s.abs().pow(1.0 / p)


def _sum_pool(data: torch.Tensor, k: tuple, s: tuple, p: tuple, ceil: bool, n: int) -> torch.Tensor:
    if n == 1:  # avg_pool1d has no divisor_override: pool a trailing unit axis in 2-D
        out = F.avg_pool2d(data.unsqueeze(-1), k + (1,), s + (1,), p + (0,), ceil, True, 1)
        return out.squeeze(-1)
    return _AVGPOOL[n](data, k, s, p, ceil, True, 1)


def _out_size(size: int, k: int, s: int, p: int, full: bool) -> int:
    span = size + 2 * p - k
    return 1 + (math.ceil(span / s) if full else span // s)


def _restore_outside_windows(
    out: torch.Tensor, sizes: Any, k: tuple, s: tuple, pd: tuple, pool_type: str
) -> torch.Tensor:
    """With ``pooling_convention='full'`` MXNet keeps a last window that starts past the input
    (in the right padding or beyond); torch's ``ceil_mode`` drops it. Such a window sees no input:
    MXNet gives it the lowest float for max pooling and 0 otherwise, with no gradient."""
    widths: list[int] = []
    for axis in range(len(sizes) - 1, -1, -1):  # F.pad lists the last axis first
        missing = _out_size(sizes[axis], k[axis], s[axis], pd[axis], True) - out.shape[2 + axis]
        widths += [0, missing]
    if not any(widths):
        return out
    fill = torch.finfo(out.dtype).min if pool_type == "max" else 0.0
    return F.pad(out, widths, "constant", fill)


def _empty_windows_nan(
    out: torch.Tensor, sizes: Any, k: tuple, s: tuple, pd: tuple, include: bool
) -> torch.Tensor:
    """MXNet's 3-D average pooling divides a window that counts no element (none of the input,
    nor of the padding when ``count_include_pad``) by 0: NaN, where torch or the 1-D/2-D kernels
    give 0."""
    mask = None
    for axis, size in enumerate(sizes):
        n_out = out.shape[2 + axis]
        start = torch.arange(n_out, device=out.device) * s[axis] - pd[axis]
        lo = start.clamp(min=-pd[axis] if include else 0)
        hi = (start + k[axis]).clamp(max=size + pd[axis] if include else size)
        empty = (hi <= lo).reshape([n_out if d == axis else 1 for d in range(len(sizes))])
        mask = empty if mask is None else mask | empty
    return out.masked_fill(mask, math.nan) if bool(mask.any()) else out


def _same_convention_error(data: torch.Tensor, pad: Any) -> None:
    """MXNet 1.9.1 runs no ``pooling_convention='same'`` pooling: it accepts only 3-D data
    without padding, then fails in its own shape inference. Its errors, in its order."""
    if data.dim() != 3:
        raise MXNetError(
            f"Pooling: Check failed: dshape.ndim() == 3U ({data.dim()} vs. 3) : Input data should "
            "be 3D in (batch, channel, x). Currently 'same' supports Max Pooling 1-D"
        )
    if any(int(v) for v in ((pad,) if isinstance(pad, int) else tuple(pad or ()))):
        raise MXNetError(
            "Check failed: param.pad[0] == 0 && param.pad[1] == 0 && param.pad[2] == 0: Same "
            "pooling convention disables the use of pad parameter."
        )
    raise MXNetError(
        "Check failed: i >= 0 && i < ndim(): index = 1 must be in range [0, 1) (MXNet 1.9.1 "
        "cannot run pooling_convention='same'). Hint: pad the input with nd.pad and use "
        "pooling_convention='valid'."
    )


@mxnet_op
def Pooling(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    kernel: Any = (),
    pool_type: str = "max",
    global_pool: bool = False,
    cudnn_off: bool = False,
    pooling_convention: str = "valid",
    stride: Any = (),
    pad: Any = (),
    p_value: int | None = None,
    count_include_pad: bool | None = None,
    layout: str | None = None,
) -> torch.Tensor:
    """Max/avg/sum/Lp pooling over 1, 2 or 3 spatial axes; ``global_pool`` pools them whole.
    ``pooling_convention='full'`` rounds the output size up (Gluon's ``ceil_mode``)."""
    if pool_type not in ("max", "avg", "sum", "lp"):
        raise MXNetError(
            f"Invalid Input: {pool_type!r}, valid values are: {{'avg', 'lp', 'max', 'sum'}}"
        )
    if pooling_convention not in ("valid", "full", "same"):
        raise MXNetError(
            f"Invalid Input: {pooling_convention!r}, valid values are: {{'full', 'same', 'valid'}}"
        )
    if pooling_convention == "same":
        _same_convention_error(data, pad)
    n = data.dim() - 2 if global_pool else len(kernel)
    if n not in _MAXPOOL:
        raise MXNetError(f"Pooling: kernel must have 1, 2 or 3 dimensions, got {kernel}")
    _check_data(data, n, "Pooling")
    if pool_type == "lp" and p_value is None:
        raise MXNetError("Pooling: pool_type='lp' needs p_value (MXNet has no default)")
    p = 2 if p_value is None else int(p_value)
    if pool_type == "lp" and p < 1:
        raise MXNetError(f"Pooling: p_value must be positive, got {p_value}")
    last = channels_last(layout, n, "Pooling", _POOL_LAYOUTS)
    if last:
        data = data.movedim(-1, 1)
    if global_pool:
        out = _global_pool(data, pool_type, p)
        return out.movedim(1, -1) if last else out
    k, s, pd = tuple(kernel), tup(stride, n, 1), tup(pad, n, 0)
    full = pooling_convention == "full"
    if pool_type == "max":
        out = run_kernel(_MAXPOOL[n], data, k, s, pd, 1, full)
    elif pool_type == "avg":
        include = True if count_include_pad is None else bool(count_include_pad)
        out = run_kernel(_AVGPOOL[n], data, k, s, pd, full, include)
    elif pool_type == "sum":
        out = _sum_pool(data, k, s, pd, full, n)
    else:
        out = _lp_root(_sum_pool(data.pow(p), k, s, pd, full, n), p)
    if full:
        out = _restore_outside_windows(out, data.shape[2:], k, s, pd, pool_type)
        if pool_type == "avg" and n == 3:
            out = _empty_windows_nan(out, data.shape[2:], k, s, pd, include)
    return out.movedim(1, -1) if last else out
