"""The legacy ``nd`` operators on torch tensors (MXNet 1.9.1's conventions), before wrapping.

These take and return tensors; :mod:`.nd` exposes them with their results re-typed as
``NDArray`` (and ``out=``). MXNet's legacy conventions are kept here: float32 defaults,
reductions over all axes give shape ``(1,)``, ``argmax``/``argmin``/``topk`` indices are float32,
``concat``/``split`` take MXNet's arguments, ``keepdims``/``exclude`` may be ints.

The functions read dtypes with :func:`_dtype` (the torch dtype, also of an ``NDArray``, whose
``.dtype`` is a numpy type) and call torch functions rather than tensor methods, because an
``NDArray``'s methods have MXNet's meaning.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy
import torch

from . import grad_rules, ties
from .base import MXNetError
from .dtypes import to_dtype
from .nd_int_ops import function_op as _int_function_op
from .nd_reshape import infer_reshape

_dtype = torch._C.TensorBase.dtype.__get__
_TB = torch._C.TensorBase


def _shape(shape: Any) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(shape)


def cast(data: torch.Tensor, dtype: Any) -> torch.Tensor:
    return data.to(to_dtype(dtype))


def dot(
    lhs: torch.Tensor, rhs: torch.Tensor, transpose_a: bool = False, transpose_b: bool = False
) -> torch.Tensor:
    """MXNet's dot: contracts the last axis of ``lhs`` with the first axis of ``rhs``."""
    if transpose_a:
        lhs = lhs.t() if lhs.dim() == 2 else lhs.permute(tuple(reversed(range(lhs.dim()))))
    if transpose_b:
        rhs = rhs.t() if rhs.dim() == 2 else rhs.permute(tuple(reversed(range(rhs.dim()))))
    if lhs.dim() <= 2 and rhs.dim() <= 2:
        out = torch.matmul(lhs, rhs)
        # Legacy MXNet gives shape (1,) for the dot of two vectors.
        return out.reshape(1) if out.dim() == 0 else out
    return torch.tensordot(lhs, rhs, dims=1)


def batch_dot(
    lhs: torch.Tensor,
    rhs: torch.Tensor,
    transpose_a: bool = False,
    transpose_b: bool = False,
    **kwargs: Any,
) -> torch.Tensor:
    if transpose_a:
        lhs = lhs.transpose(-1, -2)
    if transpose_b:
        rhs = rhs.transpose(-1, -2)
    return torch.matmul(lhs, rhs)


def _axes(data: torch.Tensor, axis: Any, exclude: bool) -> tuple[int, ...] | None:
    if axis is None or axis == ():
        return None  # MXNet reduces everything, with or without exclude
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if exclude:
        nd_ = data.dim()
        for a in axes:  # a % ndim would wrap a bad axis round to a valid one
            if not -nd_ <= a < nd_:
                shown = a if a >= 0 else f"[{a}]"  # MXNet's own wording
                shape = ",".join(map(str, data.shape))
                raise MXNetError(f"Reduction axis {shown} Exceeds input dimensions [{shape}]")
        axes = tuple(i for i in range(nd_) if i not in {a % nd_ for a in axes})
    return axes


def _reduction(fn: Callable[..., torch.Tensor], name: str) -> Callable[..., torch.Tensor]:
    def reduce(
        data: torch.Tensor,
        axis: Any = None,
        keepdims: bool = False,
        exclude: bool = False,
    ) -> torch.Tensor:
        # No **kwargs: torch-style keywords (dim=) must fail, not reduce over everything.
        axes = _axes(data, axis, bool(exclude))
        if axes == ():
            return torch.clone(data)  # nothing to reduce: MXNet's result is a copy
        if axes is None:
            out = fn(data)
            # Legacy MXNet has no 0-d arrays: a full reduction has shape (1,).
            out = torch.reshape(out, (1,) * data.dim() if keepdims else (1,))
        else:
            out = fn(data, dim=axes, keepdim=bool(keepdims))
            if out.dim() == 0:
                out = torch.reshape(out, (1,))
        dt = _dtype(data)
        # MXNet reduces integers in their own dtype (torch widens sums to int64).
        return out if _dtype(out) is dt else torch.Tensor.to(out, dt)

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = f"``nd.{name}(data, axis=None, keepdims=False, exclude=False)``"
    return reduce


def _mean(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    if t.is_floating_point():
        return torch.mean(t) if dim is None else torch.mean(t, dim=dim, keepdim=keepdim)
    dt = _dtype(t)
    if dt is torch.bool:
        t = torch.Tensor.to(t, torch.float64)
        return torch.mean(t) if dim is None else torch.mean(t, dim=dim, keepdim=keepdim)
    # torch has no integer mean; MXNet's is the sum in the integer type (wrapping round on
    # overflow: int8 [120, 100, -7] has mean -9) divided by the count, truncated.
    total = torch.sum(t, dtype=dt) if dim is None else torch.sum(t, dim, keepdim, dtype=dt)
    count = builtins.max(t.numel(), 1) // builtins.max(total.numel(), 1)
    return torch.div(total, count, rounding_mode="trunc")


def _prod(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    # torch.prod reduces one axis at a time.
    if dim is None:
        return torch.prod(t)
    for d in sorted((d % t.dim() for d in dim), reverse=True):
        t = torch.prod(t, dim=d, keepdim=keepdim)
    return t


def _max(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    return ties.extreme(t, dim, keepdim, largest=True)


def _min(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    return ties.extreme(t, dim, keepdim, largest=False)


def _argreduce(fn: Callable[..., torch.Tensor], name: str) -> Callable[..., torch.Tensor]:
    def arg(data: torch.Tensor, axis: int | None = None, keepdims: bool = False) -> torch.Tensor:
        if axis is None:
            out = torch.reshape(fn(torch.reshape(data, (-1,))), (1,))
        else:
            out = fn(data, dim=axis, keepdim=bool(keepdims))
        return torch.Tensor.to(out, torch.float32)  # legacy MXNet returns indices as float32

    arg.__name__ = arg.__qualname__ = name
    arg.__doc__ = f"``nd.{name}(data, axis=None)``: float32 indices, as legacy MXNet gives."
    return arg


argmax = _argreduce(torch.argmax, "argmax")
argmin = _argreduce(torch.argmin, "argmin")


def norm(
    data: torch.Tensor,
    ord: int = 2,
    axis: Any = None,
    keepdims: bool = False,  # noqa: A002
    **kwargs: Any,
) -> torch.Tensor:
    """The ``ord``-norm (1 or 2) over ``axis`` (default: all axes, giving shape ``(1,)``)."""
    if ord == 2:
        # sqrt(sum(x * x)) as MXNet computes it: its gradient at a zero vector is NaN (0/0),
        # MXNet's answer, where torch's vector_norm gives 0.
        out = torch.sum(data * data, dim=axis, keepdim=keepdims).sqrt()
    else:
        out = torch.linalg.vector_norm(data, ord=ord, dim=axis, keepdim=keepdims)
    if axis is None:
        return out.reshape((1,) * data.dim()) if keepdims else out.reshape(1)
    return out


def concat(*data: torch.Tensor, dim: int = 1, **kwargs: Any) -> torch.Tensor:
    """``nd.concat(a, b, ..., dim=1)``: arrays as separate arguments, default axis 1."""
    if len({_dtype(a) for a in data}) > 1:
        raise _mixed_dtypes("concat", *data)
    return torch.cat(data, dim=dim)


def concatenate(arrays: Any, axis: int = 0, always_copy: bool = True) -> torch.Tensor:
    """``nd.concatenate([a, b, ...], axis=0)``: a list of arrays, default axis 0."""
    return concat(*arrays, dim=axis)


def stack(*data: torch.Tensor, axis: int = 0, **kwargs: Any) -> torch.Tensor:
    if len({_dtype(a) for a in data}) > 1:
        raise _mixed_dtypes("stack", *data)
    return torch.stack(data, dim=axis)


def split(
    data: torch.Tensor, num_outputs: int, axis: int = 1, squeeze_axis: bool = False, **kwargs: Any
) -> Any:
    """``num_outputs`` equal parts along ``axis`` (default 1); one part is returned bare."""
    parts = torch.chunk(data, num_outputs, dim=axis)
    if len(parts) != num_outputs or data.shape[axis] % num_outputs:
        raise MXNetError(
            f"nd.split: the axis of length {data.shape[axis]} cannot be split into {num_outputs} "
            "equal parts"
        )
    if squeeze_axis:
        parts = tuple(p.squeeze(axis) for p in parts)
    return list(parts) if num_outputs > 1 else parts[0]


def expand_dims(data: torch.Tensor, axis: int) -> torch.Tensor:
    return data.unsqueeze(axis)


def squeeze(data: torch.Tensor, axis: Any = None) -> torch.Tensor:
    """Remove axes of length 1 (all of them, or those in ``axis``, which must have length 1)."""
    if axis is None:
        return data.squeeze()
    out = data.squeeze(axis)
    if out.dim() != data.dim() - (1 if isinstance(axis, int) else len(axis)):
        # torch leaves an axis of another length in place; MXNet refuses it.
        raise MXNetError(
            f"nd.squeeze: cannot remove axis {axis} of shape {tuple(data.shape)}: only axes of "
            "length 1 can be squeezed"
        )
    return out


def reshape(
    data: torch.Tensor, shape: Any = None, reverse: bool = False, **kwargs: Any
) -> torch.Tensor:
    """MXNet's reshape (a view): ``0`` copies a dimension, ``-1`` infers one, ``-2`` copies the
    rest, ``-3`` merges two, ``-4`` splits one; ``reverse=True`` matches from the right."""
    if shape is None:
        shape = kwargs.pop("newshape", None) or kwargs.pop("target_shape", ())
    try:
        target = infer_reshape(tuple(data.shape), _shape(shape), bool(reverse))
    except ValueError as e:
        raise MXNetError(f"nd.reshape: array of shape {tuple(data.shape)}: {e}") from None
    # The operator gives a new array (the method x.reshape is the view).
    return torch.reshape(data, target).clone()


def reshape_like(lhs: torch.Tensor, rhs: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    """``lhs`` with the shape of ``rhs`` (a view)."""
    if kwargs:
        raise NotImplementedError("nd.reshape_like: lhs_begin/rhs_begin are not supported")
    return reshape(lhs, tuple(rhs.shape))


def transpose(data: torch.Tensor, axes: Any = None) -> torch.Tensor:
    """A copy with the axes permuted (reversed when ``axes`` is empty)."""
    if not axes:
        axes = tuple(range(data.dim() - 1, -1, -1))
    return data.permute(tuple(axes)).contiguous()


def swapaxes(data: torch.Tensor, dim1: int = 0, dim2: int = 0) -> torch.Tensor:
    return data.transpose(dim1, dim2).contiguous()


def slice(data: torch.Tensor, begin: Any, end: Any, step: Any = ()) -> torch.Tensor:  # noqa: A001
    """A copy of ``data[begin[0]:end[0]:step[0], ...]`` (``None`` entries take the defaults)."""
    begin, end, step = _shape(begin), _shape(end), _shape(step) if step else ()
    key = tuple(
        builtins.slice(b, e, step[i] if i < len(step) else None)
        for i, (b, e) in enumerate(zip(begin, end))
    )
    if builtins.any(k.step is not None and k.step < 0 for k in key):
        return _negative_step_slice(data, key)
    return data[key].contiguous()


def _negative_step_slice(data: torch.Tensor, key: tuple) -> torch.Tensor:
    # torch slices only with positive steps: take the indices numpy's slice rules give.
    out = data
    for axis, k in enumerate(key):
        idx = numpy.arange(data.shape[axis])[k].copy()
        out = torch.index_select(out, axis, torch.from_numpy(idx).to(data.device))
    return out


def slice_like(data: torch.Tensor, shape_like: torch.Tensor, axes: Any = ()) -> torch.Tensor:
    """``data`` cut to the shape of ``shape_like`` (on ``axes``, default all)."""
    axes = range(data.dim()) if not axes else [a % data.dim() for a in _shape(axes)]
    key = [builtins.slice(None)] * data.dim()
    for a in axes:
        key[a] = builtins.slice(0, shape_like.shape[a])
    return data[tuple(key)].contiguous()


def flatten(data: torch.Tensor, inplace: bool = False) -> torch.Tensor:
    """MXNet's flatten keeps the first axis: shape ``(n, rest)`` (a view with ``inplace``)."""
    out = torch.reshape(data, (data.shape[0], -1))
    return out if inplace else out.clone()


def tile(data: torch.Tensor, reps: Any) -> torch.Tensor:
    return torch.tile(data, _shape(reps))


def repeat(data: torch.Tensor, repeats: int, axis: int | None = None) -> torch.Tensor:
    if axis is None:
        return data.reshape(-1).repeat_interleave(repeats)
    return data.repeat_interleave(repeats, dim=axis)


def flip(data: torch.Tensor, axis: Any) -> torch.Tensor:
    return torch.flip(data, (axis,) if isinstance(axis, int) else tuple(axis))


reverse = flip


def clip(data: torch.Tensor, a_min: float, a_max: float) -> torch.Tensor:
    """MXNet's clip: the bounds and NaN get gradient 1 (see :func:`.ties.clip`)."""
    return ties.clip(data, a_min, a_max)


def where(condition: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``x`` where ``condition`` is non-zero, else ``y``. ``x`` and ``y`` have one shape; the
    condition has it too, or is 1-D and picks whole rows (slices along the first axis)."""
    if _dtype(x) != _dtype(y):
        raise _mixed_dtypes("where", x, y)
    if x.shape != y.shape:
        raise MXNetError(
            f"nd.where: x of shape {tuple(x.shape)} and y of shape {tuple(y.shape)} differ"
        )
    if condition.shape != x.shape:
        if condition.dim() != 1 or x.dim() == 0 or condition.shape[0] != x.shape[0]:
            raise MXNetError(
                f"nd.where: condition of shape {tuple(condition.shape)} is neither x's shape "
                f"{tuple(x.shape)} nor its first axis ({x.shape[0] if x.dim() else ''},)"
            )
        condition = condition.reshape((-1,) + (1,) * (x.dim() - 1))
    return torch.where(condition != 0, x, y)


def slice_axis(data: torch.Tensor, axis: int, begin: int, end: int | None) -> torch.Tensor:
    """A copy of ``data`` from ``begin`` to ``end`` along ``axis``."""
    n = data.shape[axis]  # an axis out of range raises here, as in MXNet
    b = begin + n if begin < 0 else begin
    e = n if end is None else end + n if end < 0 else end
    if not 0 <= b < e <= n:
        raise MXNetError(
            f"nd.slice_axis: begin={begin}, end={end} is not a non-empty range of axis {axis} "
            f"of length {n}"
        )
    return torch.narrow(data, axis, b, e - b).clone()


def take(a: torch.Tensor, indices: torch.Tensor, axis: int = 0, mode: str = "clip") -> torch.Tensor:
    idx = indices.long()
    n = a.shape[axis]
    idx = idx.clamp(0, n - 1) if mode == "clip" else idx.remainder(n)
    return torch.index_select(a, axis, idx.reshape(-1)).reshape(
        a.shape[:axis] + idx.shape + a.shape[axis + 1 :]
    )


def pick(
    data: torch.Tensor,
    index: torch.Tensor,
    axis: int = -1,
    mode: str = "clip",
    keepdims: bool = False,
) -> torch.Tensor:
    """``data`` values at ``index`` (float indices allowed) along ``axis``."""
    idx = index.long()
    n = data.shape[axis]
    idx = idx.clamp(0, n - 1) if mode == "clip" else idx.remainder(n)
    # MXNet accepts the index with the picked axis dropped or kept as a unit axis.
    if idx.dim() != data.dim():
        idx = idx.unsqueeze(axis)
    out = torch.gather(data, axis, idx)
    return out if keepdims else out.squeeze(axis)


def choose_element_0index(lhs: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    """``lhs[i, rhs[i]]`` for every row ``i`` (the deprecated form of ``pick``)."""
    return pick(lhs, rhs, axis=1)


def fill_element_0index(lhs: torch.Tensor, mhs: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    """A copy of ``lhs`` with ``lhs[i, rhs[i]] = mhs[i]`` for every row ``i``."""
    idx = torch.Tensor.long(rhs).reshape(-1, 1)
    return torch.scatter(lhs, 1, idx, torch.reshape(mhs, (-1, 1)).to(_dtype(lhs)))


def ElementWiseSum(*args: torch.Tensor, **kwargs: Any) -> torch.Tensor:  # noqa: N802
    """The sum of arrays of one shape and dtype (``add_n``)."""
    if len({_dtype(a) for a in args}) > 1:
        raise _mixed_dtypes("ElementWiseSum", *args)
    if len({tuple(a.shape) for a in args}) > 1:
        raise MXNetError(
            "ElementWiseSum: the arrays have different shapes "
            f"({', '.join(str(tuple(a.shape)) for a in args)})"
        )
    out = torch.clone(args[0])
    for a in args[1:]:
        out = out + a
    return out


add_n = ElementWiseSum


def moveaxis(tensor: torch.Tensor, source: Any, destination: Any) -> torch.Tensor:
    """A copy with axes ``source`` moved to ``destination``."""
    if not isinstance(source, int):
        source, destination = tuple(source), tuple(destination)
    return torch.movedim(tensor, source, destination).contiguous()


def crop(data: torch.Tensor, begin: Any, end: Any, step: Any = ()) -> torch.Tensor:
    """The deprecated name of ``slice``."""
    return slice(data, begin, end, step)


def one_hot(
    indices: torch.Tensor,
    depth: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    dtype: Any = None,
) -> torch.Tensor:
    idx = indices.long()
    valid = ((idx >= 0) & (idx < depth)).unsqueeze(-1)
    hot = torch.nn.functional.one_hot(idx.clamp(0, depth - 1), depth).bool() & valid
    dt = to_dtype(dtype)
    return torch.where(hot, torch.tensor(on_value, dtype=dt), torch.tensor(off_value, dtype=dt))


def softmax(
    data: torch.Tensor, axis: int = -1, temperature: float | None = None, **kwargs: Any
) -> torch.Tensor:
    return torch.softmax(data if temperature in (None, 1) else data / temperature, dim=axis)


def log_softmax(
    data: torch.Tensor, axis: int = -1, temperature: float | None = None, **kwargs: Any
) -> torch.Tensor:
    return torch.log_softmax(data if temperature in (None, 1) else data / temperature, dim=axis)


_ACT = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softrelu": torch.nn.functional.softplus,
    "softsign": torch.nn.functional.softsign,
}


def Activation(data: torch.Tensor, act_type: str, **kwargs: Any) -> torch.Tensor:  # noqa: N802
    try:
        return _ACT[act_type](data)
    except KeyError:
        raise ValueError(
            f"unknown act_type {act_type!r}; choose one of {', '.join(_ACT)}"
        ) from None


def LeakyReLU(
    data: torch.Tensor,
    act_type: str = "leaky",
    slope: float = 0.25,  # noqa: N802
    **kwargs: Any,
) -> torch.Tensor:
    if act_type == "leaky":
        return torch.nn.functional.leaky_relu(data, slope)
    if act_type == "elu":
        return torch.nn.functional.elu(data, slope)
    raise NotImplementedError(
        f"nd.LeakyReLU(act_type={act_type!r}) is not supported on the torch backend. Hint: use "
        "torch.nn.functional."
    )


def Dropout(data: torch.Tensor, p: float = 0.5, mode: str = "training", **kw: Any) -> torch.Tensor:  # noqa: N802
    """Dropout when MXNet is in training mode (``record()``/``train_mode()``), else identity."""
    from . import autograd

    # MXNet decides by its global training flag; torch's dropout takes it per call.
    return torch.nn.functional.dropout(data, p, training=mode == "always" or autograd.is_training())


def FullyConnected(
    data: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,  # noqa: N802
    num_hidden: int | None = None,
    no_bias: bool = False,
    flatten: bool = True,
    **kwargs: Any,
) -> torch.Tensor:
    """``data @ weight.T + bias`` (``weight`` has shape ``(num_hidden, in_units)``)."""
    if flatten:
        data = data.reshape(data.shape[0], -1)
    return torch.nn.functional.linear(data, weight, None if no_bias else bias)


def topk(
    data: torch.Tensor,
    axis: int = -1,
    k: int = 1,
    ret_typ: str = "indices",
    is_ascend: bool = False,
    dtype: Any = None,
) -> Any:
    """The ``k`` largest (smallest with ``is_ascend``) along ``axis``; ties pick the lowest
    indices. ``ret_typ`` is ``'indices'`` (float32), ``'value'``, ``'both'`` or ``'mask'``."""
    values, indices = ties.topk(data, k, axis, largest=not is_ascend)
    if ret_typ == "value":
        return values
    if ret_typ == "mask":
        return torch.zeros_like(data).scatter_(axis, indices, 1)
    indices = indices.to(to_dtype(dtype))
    if ret_typ == "both":
        return [values, indices]
    return indices


def sort(data: torch.Tensor, axis: int = -1, is_ascend: bool = True) -> torch.Tensor:
    return ties.sort(data, axis, descending=not is_ascend)[0]


def argsort(
    data: torch.Tensor, axis: int = -1, is_ascend: bool = True, dtype: Any = None
) -> torch.Tensor:
    """Float32 indices that sort ``data``; equal values keep their order."""
    return ties.sort(data, axis, descending=not is_ascend)[1].to(to_dtype(dtype))


def broadcast_to(data: torch.Tensor, shape: Any) -> torch.Tensor:
    shape = tuple(data.shape[i] if s == 0 else s for i, s in enumerate(_shape(shape)))
    return data.expand(shape)


def broadcast_like(
    lhs: torch.Tensor, rhs: torch.Tensor, lhs_axes: Any = None, rhs_axes: Any = None
) -> torch.Tensor:
    """``lhs`` broadcast to the shape of ``rhs`` (or only its axes ``lhs_axes`` to the lengths
    of ``rhs``'s ``rhs_axes``)."""
    if lhs_axes is None and rhs_axes is None:
        return lhs.expand_as(rhs)
    shape = list(lhs.shape)
    for la, ra in zip(_shape(lhs_axes), _shape(rhs_axes), strict=True):
        shape[la] = rhs.shape[ra]
    return lhs.expand(shape)


def _keep_dtype(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """``fn`` giving results in the input's dtype, as MXNet's legacy unary operators do (an
    integer array's ``exp`` is truncated to integers)."""

    def op(x: torch.Tensor) -> torch.Tensor:
        if x.is_floating_point():
            return fn(x)
        r = fn(x)
        dt = _dtype(x)
        return r if _dtype(r) is dt else torch.Tensor.to(r, dt)

    op.__name__ = op.__qualname__ = getattr(fn, "__name__", "op")
    op.__doc__ = fn.__doc__
    op.__wrapped__ = fn  # type: ignore[attr-defined]
    return op


# Element-wise ops: MXNet name -> torch function. Adding an op is one line.
_UNARY: dict[str, Callable[..., torch.Tensor]] = {
    "exp": torch.exp,
    "expm1": torch.expm1,
    "log": torch.log,
    "log2": torch.log2,
    "log10": torch.log10,
    "log1p": torch.log1p,
    "sin": torch.sin,
    "cos": torch.cos,
    "tan": torch.tan,
    "arcsin": torch.asin,
    "arccos": torch.acos,
    "arcsinh": grad_rules.arcsinh,  # MXNet's second derivative (sign)
    "arccosh": grad_rules.arccosh,
    "arctanh": torch.atanh,
    "erfinv": torch.erfinv,
    "rcbrt": lambda x: torch.reciprocal(torch.sign(x) * torch.abs(x) ** (1 / 3)),
    "arctan": torch.atan,
    "sinh": torch.sinh,
    "cosh": torch.cosh,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": ties.relu,
    "softsign": torch.nn.functional.softsign,
    "square": torch.square,
    "sqrt": torch.sqrt,
    "rsqrt": torch.rsqrt,
    "cbrt": lambda x: torch.sign(x) * torch.abs(x) ** (1 / 3),
    "reciprocal": torch.reciprocal,
    "abs": torch.abs,
    "sign": torch.sign,
    "negative": torch.neg,
    "floor": torch.floor,
    "ceil": torch.ceil,
    "round": ties.round_half_away,
    "rint": ties.rint,
    "trunc": torch.trunc,
    "fix": torch.trunc,
    "degrees": torch.rad2deg,
    "radians": torch.deg2rad,
    "erf": torch.erf,
    "gamma": ties.gamma,
    "gammaln": torch.lgamma,
    "logical_not": lambda x: torch.eq(x, 0).to(_dtype(x)),
    "identity": torch.clone,
    "stop_gradient": torch.Tensor.detach,
    "BlockGrad": torch.Tensor.detach,
}
# Binary ops with broadcasting; comparisons give 0/1 in the input dtype, as legacy MXNet does.
_UNARY.update({n: _keep_dtype(f) for n, f in _UNARY.items() if not n[0].isupper()})
_BINARY: dict[str, Callable[..., torch.Tensor]] = {
    "add": torch.add,
    "subtract": torch.sub,
    "multiply": torch.mul,
    "divide": torch.true_divide,
    "modulo": ties.remainder,
    "power": torch.pow,
    "maximum": ties.maximum,
    "minimum": ties.minimum,
    "hypot": torch.hypot,
    "equal": lambda a, b: torch.eq(a, b).to(_dtype(a)),
    "not_equal": lambda a, b: torch.ne(a, b).to(_dtype(a)),
    "greater": lambda a, b: torch.gt(a, b).to(_dtype(a)),
    "greater_equal": lambda a, b: torch.ge(a, b).to(_dtype(a)),
    "lesser": lambda a, b: torch.lt(a, b).to(_dtype(a)),
    "lesser_equal": lambda a, b: torch.le(a, b).to(_dtype(a)),
    "logical_and": lambda a, b: torch.logical_and(a, b).to(_dtype(a)),
    "logical_or": lambda a, b: torch.logical_or(a, b).to(_dtype(a)),
    "logical_xor": lambda a, b: torch.logical_xor(a, b).to(_dtype(a)),
}
_REDUCTIONS: dict[str, Callable[..., torch.Tensor]] = {
    "sum": torch.sum,
    "mean": _mean,
    "max": _max,
    "min": _min,
    "prod": _prod,
    "nansum": torch.nansum,
}


# With a scalar, MXNet's maximum/minimum give a tie to the array whichever side it is on.
_ARRAY_WINS_TIES = {"maximum", "minimum"}


# Two numbers given to a binary operator give a number (MXNet's _ufunc_helper).
_SCALAR_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "divide": lambda a, b: a / b,
    "modulo": lambda a, b: a % b,
    "power": lambda a, b: a**b,
    "maximum": max,
    "minimum": min,
    "equal": lambda a, b: 1 if a == b else 0,
    "not_equal": lambda a, b: 1 if a != b else 0,
    "greater": lambda a, b: 1 if a > b else 0,
    "greater_equal": lambda a, b: 1 if a >= b else 0,
    "lesser": lambda a, b: 1 if a < b else 0,
    "lesser_equal": lambda a, b: 1 if a <= b else 0,
}


def _binary(name: str, fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    scalar_fn = _SCALAR_OPS.get(name)

    def op(lhs: Any, rhs: Any, **kwargs: Any) -> torch.Tensor:
        r = _int_function_op(name, lhs, rhs)  # divide/modulo/power of integer arrays: MXNet's
        if r is not None:
            return r
        if not isinstance(lhs, torch.Tensor):
            if not isinstance(rhs, torch.Tensor) and scalar_fn is not None:
                return scalar_fn(lhs, rhs)  # two numbers: a number, as MXNet gives
            lhs = torch.tensor(lhs, dtype=_dtype(rhs))
            if name in _ARRAY_WINS_TIES:
                return fn(rhs, lhs)
        if not isinstance(rhs, torch.Tensor):
            rhs = torch.tensor(rhs, dtype=_dtype(lhs))
        elif _dtype(lhs) != _dtype(rhs):
            raise _mixed_dtypes(name, lhs, rhs)
        return fn(lhs, rhs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``nd.{name}(lhs, rhs)`` with broadcasting."
    return op


def _mixed_dtypes(name: str, *arrays: torch.Tensor) -> MXNetError:
    # Legacy MXNet operators take one dtype; torch would promote.
    dtypes = ", ".join(str(_dtype(a)).replace("torch.", "") for a in arrays)
    return MXNetError(
        f"nd.{name}: the arrays have different dtypes ({dtypes}). Hint: cast them to one dtype "
        "with astype() first."
    )


def _elemwise(name: str, fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    def op(lhs: torch.Tensor, rhs: torch.Tensor, **kwargs: Any) -> torch.Tensor:
        if _dtype(lhs) != _dtype(rhs):
            raise _mixed_dtypes(name, lhs, rhs)
        if lhs.shape != rhs.shape:
            # elemwise_* do not broadcast in MXNet; torch would.
            raise MXNetError(
                f"nd.{name}: shapes {tuple(lhs.shape)} and {tuple(rhs.shape)} differ. Hint: use "
                f"broadcast_{name.split('_', 1)[1]} to broadcast."
            )
        r = _int_function_op(name[9:].replace("div", "divide"), lhs, rhs)  # elemwise_div ...
        return fn(lhs, rhs) if r is None else r

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``nd.{name}(lhs, rhs)``: arrays of one shape, no broadcasting."
    return op


for _name, _fn in _UNARY.items():
    globals()[_name] = _fn
for _name, _fn in _BINARY.items():
    _op = _binary(_name, _fn)
    globals()[_name] = _op
    globals()["broadcast_" + _name] = _op  # broadcast_add, broadcast_mul, ...
for _name in ("add", "subtract", "multiply", "divide", "power", "maximum", "minimum"):
    _short = {"subtract": "sub", "multiply": "mul", "divide": "div"}.get(_name, _name)
    globals()["elemwise_" + _short] = _elemwise("elemwise_" + _short, _BINARY[_name])
    globals()["broadcast_" + _short] = globals()[_name]
for _name, _fn in _REDUCTIONS.items():
    globals()[_name] = _reduction(_fn, _name)
sum_axis = globals()["sum"]
broadcast_mod = globals()["modulo"]

__all__ = [
    "Activation",
    "batch_dot",
    "dot",
    "reset_arrays",
    "reshape_like",
    "slice",
    "slice_like",
    "Dropout",
    "FullyConnected",
    "LeakyReLU",
    "argmax",
    "argmin",
    "argsort",
    "broadcast_like",
    "broadcast_to",
    "cast",
    "clip",
    "concat",
    "concatenate",
    "expand_dims",
    "flatten",
    "flip",
    "log_softmax",
    "norm",
    "one_hot",
    "pick",
    "repeat",
    "reshape",
    "reverse",
    "slice_axis",
    "softmax",
    "sort",
    "split",
    "squeeze",
    "stack",
    "sum_axis",
    "swapaxes",
    "take",
    "tile",
    "topk",
    "transpose",
    "where",
]
__all__ += ["sum_axis", "choose_element_0index", "fill_element_0index"]
__all__ += ["ElementWiseSum", "add_n", "moveaxis", "crop"]
__all__ += [n for n in globals() if n.startswith(("elemwise_", "broadcast_"))]
__all__ += list(_UNARY) + list(_BINARY) + ["broadcast_" + n for n in _BINARY] + list(_REDUCTIONS)


def reset_arrays(*data: torch.Tensor, num_arrays: int | None = None) -> list:
    """Set every array in ``data`` to zero in place; ``num_arrays`` must equal ``len(data)``."""
    if num_arrays is None:
        raise MXNetError(
            "Required parameter num_arrays of int is not presented, in operator reset_arrays"
        )
    if int(num_arrays) != len(data):
        raise MXNetError(f"reset_arrays: num_arrays={num_arrays} but {len(data)} arrays given")
    with torch.no_grad():
        for a in data:
            a.zero_()
    return []
