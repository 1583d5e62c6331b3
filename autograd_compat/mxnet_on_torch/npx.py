"""``mxnet.npx`` (MXNet's NumPy extensions, 1.9.1) on torch: the neural-network operators
(``fully_connected``, ``convolution``, ``pooling``, ``batch_norm``, ``rnn``, ...; the same code
as ``nd.FullyConnected`` & co., so the same kernels, tie rules and moving-statistics updates),
activations, ``pick``, ``one_hot``, ``reshape`` with MXNet's special codes, ``slice``,
``gather_nd``, contexts and the ``set_np`` switches. Every operator returns ``np`` ndarrays.
``multibox_*`` and ``roi_pooling`` are not emulated.

``set_np()``/``reset_np()`` only record the flag: on the torch backend ``np`` arrays always behave
as MXNet's NumPy arrays and ``nd`` functions always return legacy-style tensors.
"""

from __future__ import annotations

import builtins
import functools
import math
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812

from . import image_ops as image  # noqa: F401 - `nd.image` / `npx.image`
from . import nd as _nd
from . import nn_ops, seq_ops, ties
from . import serialization as _serialization
from ._unsupported import module_getattr
from .base import MXNetError, raise_mxnet_errors
from .constant_grads import marks_differentiable
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from .dtypes import to_dtype
from .ndarray import ndarray, torch_dtype, wrap
from .nn_ops_conv import mxnet_op
from .np_state import is_np_array, is_np_shape, reset_np, set_np
from .numpy import _npx_random as random  # noqa: F401 - `npx.random`

_view_as = torch._C.TensorBase.view_as

__all__ = [
    "Context",
    "activation",
    "arange_like",
    "batch_dot",
    "batch_flatten",
    "batch_norm",
    "cast",
    "convolution",
    "cpu",
    "cpu_pinned",
    "current_context",
    "deconvolution",
    "dropout",
    "embedding",
    "erf",
    "erfinv",
    "fully_connected",
    "gamma",
    "gammaln",
    "gather_nd",
    "gpu",
    "is_np_array",
    "is_np_shape",
    "layer_norm",
    "leaky_relu",
    "load",
    "log_softmax",
    "nonzero",
    "num_gpus",
    "one_hot",
    "pick",
    "pooling",
    "random",
    "relu",
    "reset_np",
    "reshape",
    "reshape_like",
    "rnn",
    "save",
    "sequence_mask",
    "set_np",
    "shape_array",
    "sigmoid",
    "slice",
    "smooth_l1",
    "softmax",
    "topk",
    "waitall",
]

# Save and load need NumPy semantics on, as in MXNet (the file records NumPy shapes).
_NEEDS_NP = (
    "Cannot {verb} `mxnet.numpy.ndarray` in legacy mode. Please activate numpy semantics by "
    "calling `npx.set_np()` in the global scope before calling this function."
)


def save(file: str, arr: Any) -> None:
    """Save an ndarray, or a list or dict of them, in MXNet's file format."""
    if not (is_np_shape() and is_np_array()):
        raise ValueError(_NEEDS_NP.format(verb="save"))
    _serialization.save(file, arr, np=True)


def load(file: str) -> Any:
    """Load what :func:`save` (or MXNet's ``npx.save``) wrote: an ndarray list or dict."""
    if not (is_np_shape() and is_np_array()):
        raise ValueError(_NEEDS_NP.format(verb="load"))
    return _serialization.load(file, np=True)


def waitall() -> None:
    """No-op: torch CPU ops are synchronous."""


def relu(data: torch.Tensor, **kwargs: Any) -> ndarray:
    """MXNet's relu: ``+0.0`` for ``x <= 0``, gradient 0 at 0, NaN stays NaN (gradient NaN)."""
    return wrap(ties.relu(data))


def sigmoid(data: torch.Tensor, **kwargs: Any) -> ndarray:
    return wrap(torch.sigmoid(data))


def _softmax_input(data: torch.Tensor, temperature: Any) -> torch.Tensor:
    return data if temperature is None or temperature == 1 else data / temperature


def _softmax_op(name: str, fn: Callable[..., torch.Tensor]) -> Callable[..., ndarray]:
    def op(
        data: torch.Tensor,
        axis: int = -1,
        length: Any = None,
        temperature: Any = None,
        use_length: bool = False,
        dtype: Any = None,
        **kwargs: Any,
    ) -> ndarray:
        if use_length or length is not None:
            raise NotImplementedError(
                f"npx.{name}(use_length=True) is not supported on the torch backend. Hint: mask "
                f"the input with -inf and use npx.{name}."
            )
        r = fn(_softmax_input(data, temperature), dim=axis)
        return wrap(r if dtype is None else r.to(to_dtype(dtype)))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"MXNet's ``npx.{name}`` along ``axis`` (``temperature`` divides the input)."
    return op


softmax = _softmax_op("softmax", torch.softmax)
log_softmax = _softmax_op("log_softmax", torch.log_softmax)


def _route(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``npx.<name>``: the ``nd`` operator ``fn`` (same kernel, ties, errors and state updates)
    returning ``np`` ndarrays."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        r = fn(*args, **kwargs)
        if args and r is args[0]:  # an identity (dropout off): never re-type the caller's array
            r = _view_as(r, r)
        return wrap(r)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"MXNet's ``npx.{name}``: ``nd.{fn.__name__}`` returning ``np`` ndarrays.\n\n" + (
        fn.__doc__ or ""
    )
    return op


fully_connected = _route(nn_ops.FullyConnected, "fully_connected")
convolution = _route(nn_ops.Convolution, "convolution")
deconvolution = _route(nn_ops.Deconvolution, "deconvolution")
pooling = _route(nn_ops.Pooling, "pooling")
batch_norm = _route(nn_ops.BatchNorm, "batch_norm")
layer_norm = _route(nn_ops.LayerNorm, "layer_norm")
embedding = _route(nn_ops.Embedding, "embedding")
activation = _route(nn_ops.Activation, "activation")
leaky_relu = _route(nn_ops.LeakyReLU, "leaky_relu")
dropout = _route(nn_ops.Dropout, "dropout")
rnn = _route(mxnet_op(seq_ops.RNN), "rnn")
sequence_mask = _route(mxnet_op(seq_ops.SequenceMask), "sequence_mask")
pick = _route(mxnet_op(_nd.pick), "pick")
cast = _route(mxnet_op(_nd.cast), "cast")


def _unary(name: str, fn: Callable[..., torch.Tensor]) -> Callable[..., Any]:
    def op(data: torch.Tensor) -> torch.Tensor:
        return fn(data)

    op.__name__ = name
    return _route(mxnet_op(op), name)


gamma = _unary("gamma", ties.gamma)  # with its sign (torch has only lgamma)
gammaln = _unary("gammaln", torch.lgamma)
erf = _unary("erf", torch.erf)
erfinv = _unary("erfinv", torch.erfinv)


def one_hot(
    indices: torch.Tensor,
    depth: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    dtype: Any = "float32",
) -> ndarray:
    """Rows of ``depth`` values, ``on_value`` at each index and ``off_value`` elsewhere."""
    idx = indices if isinstance(indices, torch.Tensor) else torch.as_tensor(indices)
    idx = idx.long()
    valid = (idx >= 0) & (idx < depth)  # MXNet gives an all-off row for out-of-range indices
    oh = F.one_hot(idx.clamp(0, depth - 1), depth) * valid.unsqueeze(-1)
    dt = to_dtype(dtype)
    return wrap(
        torch.where(oh.bool(), torch.tensor(on_value, dtype=dt), torch.tensor(off_value, dtype=dt))
    )


@marks_differentiable  # MXNet differentiates its backward again
def batch_dot(
    a: torch.Tensor,
    b: torch.Tensor,
    transpose_a: bool = False,
    transpose_b: bool = False,
    **kwargs: Any,
) -> ndarray:
    if transpose_a:
        a = torch.transpose(a, -1, -2)
    if transpose_b:
        b = torch.transpose(b, -1, -2)
    return wrap(torch.matmul(a, b))


def batch_flatten(data: torch.Tensor) -> ndarray:
    return wrap(data.reshape(data.shape[0], -1))


def topk(
    data: torch.Tensor,
    axis: int = -1,
    k: int = 1,
    ret_typ: str = "indices",
    is_ascend: bool = False,
    dtype: Any = "float32",
) -> Any:
    """The ``k`` largest (smallest with ``is_ascend``) along ``axis``; ties pick the lowest
    indices. ``ret_typ`` is ``'indices'``, ``'value'``, ``'both'`` or ``'mask'``."""
    values, indices = ties.topk(data, k, axis, largest=not is_ascend)
    if ret_typ == "value":
        return wrap(values)
    if ret_typ == "mask":
        return wrap(torch.zeros_like(data).scatter_(axis, indices, 1))
    indices = indices.to(to_dtype(dtype))
    if ret_typ == "both":
        return [wrap(values), wrap(indices)]
    return wrap(indices)


def _reshape_codes(src: tuple[int, ...], codes: tuple[int, ...]) -> list[int]:
    """MXNet's ``npx.reshape`` target shape from its special codes, read left to right."""
    out: list[int] = []
    i = 0
    j = 0
    while j < len(codes):
        c = codes[j]
        if c >= 0 or c == -1:  # a size, or -1 (inferred below); both consume an input axis
            out.append(c)
            i += 1
        elif c == -2:  # copy this axis
            out.append(src[i])
            i += 1
        elif c == -3:  # drop this axis, which must have size 1
            if i >= len(src) or src[i] != 1:
                raise MXNetError(f"-3 index should only be used to skip dimension size 1 ({src})")
            i += 1
        elif c == -4:  # copy all remaining axes
            out.extend(src[i:])
            i = len(src)
        elif c == -5:  # merge two axes
            out.append(src[i] * src[i + 1])
            i += 2
        elif c == -6:  # split one axis in two (one of them may be -1)
            d1, d2 = codes[j + 1], codes[j + 2]
            if d1 == -1:
                d1 = src[i] // d2
            elif d2 == -1:
                d2 = src[i] // d1
            if d1 * d2 != src[i]:
                raise MXNetError(f"Split dims {d1}, {d2} do not divide original dim {src[i]}")
            out += [d1, d2]
            i += 1
            j += 2
        else:
            raise MXNetError(f"Invalid special value {c} in the new shape {codes}")
        j += 1
    return out


def reshape(a: torch.Tensor, newshape: Any, reverse: bool = False, order: str = "C") -> ndarray:
    """NumPy's reshape with MXNet's special codes: ``-1`` inferred, ``-2`` copy an axis, ``-3``
    drop a unit axis, ``-4`` copy the remaining axes, ``-5`` merge two axes, ``-6 d1 d2`` split
    one; ``reverse=True`` reads the codes from the right."""
    if order != "C":
        raise NotImplementedError("npx.reshape supports only order='C', as MXNet does")
    codes = (newshape,) if isinstance(newshape, int) else tuple(int(c) for c in newshape)
    src = tuple(a.shape)
    if reverse:
        shape = _reshape_codes(src[::-1], codes[::-1])[::-1]
    else:
        shape = _reshape_codes(src, codes)
    return wrap(torch.reshape(a, shape).clone())  # MXNet's npx.reshape always copies


def reshape_like(
    lhs: torch.Tensor,
    rhs: torch.Tensor,
    lhs_begin: int | None = None,
    lhs_end: int | None = None,
    rhs_begin: int | None = None,
    rhs_end: int | None = None,
) -> ndarray:
    """``lhs`` reshaped so its axes ``[lhs_begin, lhs_end)`` take the sizes of ``rhs``'s axes
    ``[rhs_begin, rhs_end)`` (all axes by default)."""
    ls, rs = tuple(lhs.shape), tuple(rhs.shape)
    lb, le, _ = builtins.slice(lhs_begin, lhs_end).indices(len(ls))
    rb, re_, _ = builtins.slice(rhs_begin, rhs_end).indices(len(rs))
    shape = ls[:lb] + rs[rb:re_] + ls[le:]
    if math.prod(shape) != math.prod(ls):
        raise MXNetError(
            f"Cannot reshape lhs with shape {list(ls)} to new shape {list(shape)} because they "
            "have different size."
        )
    return wrap(torch.reshape(lhs, shape))


def slice(  # noqa: A001 - MXNet's name
    data: torch.Tensor, begin: Any, end: Any, step: Any = ()
) -> ndarray:
    """``data[begin[0]:end[0]:step[0], ...]`` over the first ``len(begin)`` axes; ``None``
    entries take the defaults, and negative steps walk backwards."""
    begin, end = tuple(begin), tuple(end)
    step = tuple(step) if step else (None,) * len(begin)
    if not len(begin) == len(end) == len(step) or len(begin) > data.dim():
        raise MXNetError(
            f"slice: begin {begin}, end {end} and step {step} must have the same length, at "
            f"most the number of axes of the input {tuple(data.shape)}"
        )
    out = data
    for axis, (b, e, st) in enumerate(zip(begin, end, step)):
        st = 1 if st is None else int(st)
        if st == 0:
            raise MXNetError("slice step cannot be 0")
        idx = range(*builtins.slice(b, e, st).indices(data.shape[axis]))
        if st == 1:
            out = torch.narrow(out, axis, idx.start, len(idx))
        else:
            positions = torch.tensor(idx, dtype=torch.int64, device=data.device)
            out = torch.index_select(out, axis, positions)
    return wrap(out)


def arange_like(
    data: torch.Tensor,
    start: float = 0.0,
    step: float = 1.0,
    repeat: int = 1,
    ctx: Any = None,
    axis: int | None = None,
) -> ndarray:
    """``start, start + step, ...`` (each value ``repeat`` times) shaped like ``data`` (or as
    long as ``data``'s ``axis``), in ``data``'s dtype."""
    n = data.numel() if axis is None else data.shape[axis]
    count = -(-n // repeat)
    values = torch.arange(count, dtype=torch.float64).mul_(step).add_(start)
    values = values.repeat_interleave(repeat)[:n].to(torch_dtype(data))
    return wrap(values.reshape(data.shape) if axis is None else values)


def shape_array(data: torch.Tensor) -> ndarray:
    """The shape as a 1-D int64 array."""
    return wrap(torch.tensor(tuple(data.shape), dtype=torch.int64))


def nonzero(a: torch.Tensor) -> ndarray:
    """The indices of the non-zero elements, one row per element: shape ``(N, a.ndim)``, int64
    (a 0-d array counts as 1-d, as in MXNet: ``(1, 1)`` or ``(0, 1)``)."""
    a = a.reshape(1) if a.dim() == 0 else a
    return wrap(torch.nonzero(a.detach()))


def gather_nd(data: torch.Tensor, indices: torch.Tensor) -> ndarray:
    """``data[indices[0], indices[1], ...]``: ``indices`` has shape ``(M, ...)`` and indexes the
    first ``M`` axes of ``data``."""
    idx = indices.long()
    if idx.dim() == 0 or idx.shape[0] > data.dim():
        raise MXNetError(
            f"gather_nd: indices of shape {tuple(indices.shape)} cannot index data of shape "
            f"{tuple(data.shape)}"
        )
    return wrap(data[tuple(idx)])


def smooth_l1(data: torch.Tensor, scalar: float = 1.0) -> ndarray:
    """``0.5 * (scalar * x)**2`` where ``|x| < 1 / scalar**2``, else ``|x| - 0.5 / scalar**2``."""
    s2 = float(scalar) ** 2
    quad = (data * scalar).square().mul(0.5)
    return wrap(torch.where(data.abs() < 1.0 / s2, quad, data.abs() - 0.5 / s2))


def constraint_check(input: torch.Tensor, msg: str = "Constraint violated.") -> ndarray:  # noqa: A002
    """``array(True)`` when every element of the bool array ``input`` is true; otherwise
    ``ValueError`` carrying ``msg``, as MXNet's operator."""
    if torch_dtype(input) != torch.bool:
        raise MXNetError(f"npx.constraint_check: the input must be a bool array, got {input.dtype}")
    if not bool(input.all()):
        raise ValueError(f"Check failed: red_output == true (0 vs. 1) : {msg}")
    return wrap(torch.ones((), dtype=torch.bool, device=input.device))


# Misuse (bad shapes, axes, sizes) raises MXNetError naming the shapes, as MXNet's operators do.
_OPERATORS = (
    "relu sigmoid softmax log_softmax one_hot batch_dot batch_flatten topk reshape reshape_like "
    "slice arange_like gather_nd smooth_l1"
).split()
raise_mxnet_errors(globals(), "npx", _OPERATORS)


_TORCH_EQUIVALENTS = {
    "multibox_prior": "",
    "multibox_target": "",
    "multibox_detection": "",
    "roi_pooling": "torchvision.ops.roi_pool",
}


__getattr__ = module_getattr("mxnet.npx", _TORCH_EQUIVALENTS)
