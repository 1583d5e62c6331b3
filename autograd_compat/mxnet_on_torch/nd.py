"""``mxnet.nd`` (the legacy NDArray interface, 1.9.1) on torch.

Every function returns :class:`~.nd_ndarray.NDArray` arrays (MXNet's legacy array class) and
accepts ``out=`` (the result is written into that array, which is returned). The operators
themselves live in :mod:`.nd_ops` (and :mod:`.nn_ops`, :mod:`.seq_ops`); this module is the
namespace: creation functions, the wrapping that gives results MXNet's class and context, and
the methods of ``NDArray`` that are operators (``x.sum()``, ``x.exp()``, ``x.transpose()``, ...).

Names that are not supported raise ``NotImplementedError`` naming the torch equivalent.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

import numpy
import torch

from . import image_ops as image  # noqa: F401 - `nd.image` / `npx.image`
from . import nd_internal as _internal  # noqa: F401 - `nd._internal`, as in MXNet
from . import nd_ops, nd_ops_more, nn_ops, random, seq_ops, serialization
from ._unsupported import module_getattr
from .base import MXNetError, operator_error, raise_mxnet_errors
from .constant_grads import DIFFERENTIABLE_ND, marks_differentiable
from .context import as_device, context_of, current_context, with_context
from .dtypes import to_dtype
from .int_variables import TrackedTensor
from .nd_interop import from_dlpack, from_numpy, to_dlpack_for_read, to_dlpack_for_write
from .nd_ndarray import NDArray, wrap_nd
from .np_state import is_np_shape

__all__ = [
    "NDArray",
    "arange",
    "array",
    "empty",
    "eye",
    "full",
    "from_dlpack",
    "from_numpy",
    "full_like",
    "linspace",
    "load",
    "load_frombuffer",
    "normal",
    "ones",
    "ones_like",
    "random",
    "random_normal",
    "random_uniform",
    "save",
    "to_dlpack_for_read",
    "to_dlpack_for_write",
    "to_dtype",
    "uniform",
    "waitall",
    "zeros",
    "zeros_like",
]

_Tensor = torch.Tensor
_TB = torch._C.TensorBase
_view_as = _TB.view_as
_dtype_get = _TB.dtype.__get__


# --- creation ---------------------------------------------------------------------------------


def _device(ctx: Any) -> torch.device:
    # No context: the one of `with mx.cpu(1):` in this thread, else cpu(0), as MXNet's.
    return as_device(current_context() if ctx is None else ctx)


def _shape(shape: Any) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _made(t: torch.Tensor, ctx: Any, out: Any = None) -> NDArray:
    t.__class__ = NDArray
    with_context(t, current_context() if ctx is None else ctx)
    return t if out is None else _into(out, t)


def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """A new array, float32 unless ``dtype`` says otherwise (an array source keeps its dtype)."""
    if isinstance(source_array, torch.Tensor):
        default = _dtype_get(source_array)
        src = _TB.detach(source_array)
        t = _TB.to(src, device=_device(ctx), dtype=to_dtype(dtype, default), copy=True)
        return _made(t, ctx)
    values = numpy.asarray(source_array)
    return _made(torch.tensor(values, dtype=to_dtype(dtype), device=_device(ctx)), ctx)


def zeros(
    shape: Any, ctx: Any = None, dtype: Any = None, out: Any = None, **kwargs: Any
) -> NDArray:
    t = torch.zeros(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx))
    return _made(t, ctx, out)


def ones(shape: Any, ctx: Any = None, dtype: Any = None, out: Any = None, **kwargs: Any) -> NDArray:
    t = torch.ones(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx))
    return _made(t, ctx, out)


def full(
    shape: Any, val: Any, ctx: Any = None, dtype: Any = None, out: Any = None, **kw: Any
) -> NDArray:
    t = torch.full(_shape(shape), val, dtype=to_dtype(dtype), device=_device(ctx))
    return _made(t, ctx, out)


def empty(shape: Any, ctx: Any = None, dtype: Any = None, **kwargs: Any) -> NDArray:
    # MXNet's empty is uninitialised memory; zeros is one valid value of it.
    return zeros(shape, ctx=ctx, dtype=dtype)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1.0,
    repeat: int = 1,
    infer_range: Any = None,
    ctx: Any = None,
    dtype: Any = None,
) -> NDArray:
    if stop is None:
        start, stop = 0, start
    out = torch.arange(start, stop, step, dtype=to_dtype(dtype), device=_device(ctx))
    if repeat != 1:
        out = out.repeat_interleave(repeat)
    return _made(out, ctx)


def eye(
    N: int,  # noqa: N803
    M: int = 0,  # noqa: N803
    k: int = 0,
    ctx: Any = None,
    dtype: Any = None,
    **kw: Any,
) -> NDArray:
    out = torch.zeros((N, M or N), dtype=to_dtype(dtype), device=_device(ctx))
    out.diagonal(k).fill_(1)
    return _made(out, ctx)


def linspace(
    start: float, stop: float, num: int, endpoint: bool = True, ctx: Any = None, dtype: Any = None
) -> NDArray:
    n = num if endpoint else num + 1
    # In double precision, then converted (integers truncate), as MXNet computes it.
    out = torch.linspace(float(start), float(stop), n, dtype=torch.float64, device=_device(ctx))
    out = (out if endpoint else out[:-1]).to(to_dtype(dtype))
    return _made(out, ctx)


def zeros_like(data: torch.Tensor, out: Any = None, **kwargs: Any) -> NDArray:
    return _like(torch.zeros_like(data), data, out)


def ones_like(data: torch.Tensor, out: Any = None, **kwargs: Any) -> NDArray:
    return _like(torch.ones_like(data), data, out)


def full_like(data: torch.Tensor, fill_value: Any, out: Any = None, **kwargs: Any) -> NDArray:
    return _like(torch.full_like(data, fill_value), data, out)


def _like(t: torch.Tensor, src: torch.Tensor, out: Any) -> NDArray:
    return _made(t, context_of(src), out)


# The legacy samplers take ctx before dtype (nd.random's take dtype first).
def normal(
    loc: float = 0.0, scale: float = 1.0, shape: Any = (1,), ctx: Any = None, dtype: Any = None
) -> NDArray:
    """Samples of N(``loc``, ``scale``²), float32 by default (``nd.random.normal``)."""
    return random.normal(loc, scale, shape, dtype=dtype, ctx=ctx)


def uniform(
    low: float = 0.0, high: float = 1.0, shape: Any = (1,), ctx: Any = None, dtype: Any = None
) -> NDArray:
    """Samples of U[``low``, ``high``), float32 by default (``nd.random.uniform``)."""
    return random.uniform(low, high, shape, dtype=dtype, ctx=ctx)


random_normal = normal
random_uniform = uniform


# Misuse (negative sizes, bad shapes) raises MXNetError, as MXNet's creation operators do.
raise_mxnet_errors(
    globals(),
    "nd",
    "zeros ones full empty arange eye linspace zeros_like ones_like full_like".split(),
)


# --- files ------------------------------------------------------------------------------------


def save(fname: str, data: Any) -> None:
    """Save an array, or a list or dict of arrays, in MXNet's file format (``nd.save``)."""
    # The file writer reads torch dtypes: give it plain views of the arrays.
    if isinstance(data, dict):
        data = {k: _plain(v) for k, v in data.items()}
    serialization.save(fname, _plain(data), np_shape=is_np_shape())


def load(fname: str) -> Any:
    """Load a list or dict of arrays that ``nd.save`` (here or in MXNet) wrote."""
    return _wrap_all(serialization.load(fname, np_shape=is_np_shape()))


def load_frombuffer(buf: str | bytes) -> Any:
    """Load a list or dict of arrays from the bytes of a saved file."""
    return _wrap_all(serialization.load_frombuffer(buf, np_shape=is_np_shape()))


def waitall() -> None:
    """No-op: torch CPU ops are synchronous."""


def _wrap_all(r: Any) -> Any:
    if isinstance(r, dict):
        return {k: wrap_nd(v) for k, v in r.items()}
    return wrap_nd(r)


# --- the operators, returning NDArray ---------------------------------------------------------

# Errors that already are the dialect's answer pass through unchanged.
_KEEP = (MXNetError, NotImplementedError, RecursionError)


def _into(out: Any, r: Any) -> Any:
    """Write the result ``r`` into the array ``out`` (``out=``) and return ``out``."""
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"out= must be an NDArray, got {type(out).__name__}")
    if tuple(out.shape) != tuple(r.shape):
        raise MXNetError(
            f"out= array of shape {tuple(out.shape)} does not match the result's shape "
            f"{tuple(r.shape)}"
        )
    out[...] = r
    return out


def _retype(r: Any, args: tuple) -> Any:
    if type(r) is _Tensor or type(r) is TrackedTensor:  # TrackedTensor: from integer variables
        first = args[0] if args else None
        if r is first:  # an identity: never re-type the caller's own tensor
            r = _view_as(r, r)
        r.__class__ = NDArray
        if first is not None and type(first) is NDArray:
            ctx = first.__dict__.get("_mx_ctx")
            if ctx is not None:
                r._mx_ctx = ctx
        return r
    if isinstance(r, list | tuple):
        return type(r)([_retype(x, args) for x in r])
    return r


def _fast_op(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``nd.<name>`` for an operator that takes NDArrays as they are (it calls torch functions
    only): one call, one class store."""
    label = f"nd.{name}"

    def op(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        try:
            r = fn(*args, **kwargs)
        except _KEEP:
            raise
        except (RuntimeError, IndexError) as e:
            raise operator_error(label, e, args, kwargs) from None
        if type(r) is _Tensor and (not args or r is not args[0]):
            r.__class__ = NDArray
            if args and type(args[0]) is NDArray:
                ctx = args[0].__dict__.get("_mx_ctx")
                if ctx is not None:
                    r._mx_ctx = ctx
        else:
            r = _retype(r, args)
        return r if out is None else _into(out, r)

    _describe(op, name, fn)
    return op


def _plain(a: Any) -> Any:
    # A plain-tensor view of an NDArray (same memory and graph): the operator then sees torch's
    # tensor methods and dtypes, not MXNet's.
    if isinstance(a, NDArray):
        return _view_as(a, a)
    if type(a) is list or type(a) is tuple:
        return type(a)(_plain(x) for x in a) if any(isinstance(x, NDArray) for x in a) else a
    return a


def _op(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``nd.<name>`` for any operator: its array arguments are given as plain tensors."""
    label = f"nd.{name}"

    def op(*args: Any, out: Any = None, **kwargs: Any) -> Any:
        pargs = tuple(_plain(a) for a in args)
        pkwargs = {k: _plain(v) for k, v in kwargs.items()} if kwargs else kwargs
        try:
            r = fn(*pargs, **pkwargs)
        except _KEEP:
            raise
        except (RuntimeError, IndexError) as e:
            raise operator_error(label, e, args, kwargs) from None
        r = _retype(r, pargs)
        if args and isinstance(args[0], NDArray):
            ctx = args[0].__dict__.get("_mx_ctx")
            if ctx is not None:
                _set_ctx(r, ctx)
        return r if out is None else _into(out, r)

    _describe(op, name, fn)
    return op


def _set_ctx(r: Any, ctx: Any) -> None:
    if isinstance(r, torch.Tensor):
        r._mx_ctx = ctx
    elif isinstance(r, list | tuple):
        for x in r:
            _set_ctx(x, ctx)


def _describe(op: Callable[..., Any], name: str, fn: Callable[..., Any]) -> None:
    op.__name__ = op.__qualname__ = name
    op.__doc__ = fn.__doc__
    op.__wrapped__ = fn  # type: ignore[attr-defined]


def _takes_ndarrays(name: str, fn: Callable[..., Any]) -> bool:
    """Whether ``fn`` works on NDArrays as they are: a torch builtin, or one of nd_ops' own
    table entries and reductions (written with torch functions only)."""
    if isinstance(fn, types.BuiltinFunctionType | types.MethodDescriptorType):
        return True
    if name in nd_ops._REDUCTIONS or name in ("argmax", "argmin", "dot"):
        return True
    table = nd_ops._UNARY.get(name) or nd_ops._BINARY.get(name.removeprefix("broadcast_"))
    table = getattr(table, "__wrapped__", table)  # a dtype-keeping wrapper of a torch function
    return table is not None and (
        isinstance(table, types.BuiltinFunctionType | types.MethodDescriptorType)
        or getattr(table, "__module__", None) == nd_ops.__name__
    )


_OPERATORS: dict[str, Any] = {}
for _name in nd_ops.__all__:
    _OPERATORS[_name] = getattr(nd_ops, _name)
# MXNet's legacy neural-network and sequence operators override the simple versions in nd_ops.
for _name in nn_ops.__all__:
    _OPERATORS[_name] = getattr(nn_ops, _name)
for _name in ("RNN", "SequenceLast", "SequenceMask", "SequenceReverse"):
    _OPERATORS[_name] = getattr(seq_ops, _name)
for _name in nd_ops_more.__all__:
    _OPERATORS[_name] = getattr(nd_ops_more, _name)

_made_ops: dict[int, Callable[..., Any]] = {}
for _name, _fn in _OPERATORS.items():
    if id(_fn) not in _made_ops:  # aliases (reverse = flip) stay one function
        _made_ops[id(_fn)] = (_fast_op if _takes_ndarrays(_name, _fn) else _op)(_name, _fn)
    globals()[_name] = _made_ops[id(_fn)]
__all__ += [n for n in _OPERATORS if n not in __all__]
for _name in DIFFERENTIABLE_ND:  # MXNet differentiates their backward again: constant_grads
    globals()[_name] = marks_differentiable(globals()[_name])
# and so are the array's own copies and casts (x.T, x.copy(), x.astype(...)), measured on MXNet
for _name in ("copy", "astype"):
    setattr(NDArray, _name, marks_differentiable(getattr(NDArray, _name)))
NDArray.T = property(marks_differentiable(NDArray.T.fget))  # type: ignore[method-assign]


def onehot_encode(indices: torch.Tensor, out: NDArray) -> NDArray:
    """Write the one-hot rows of ``indices`` into ``out`` and return it (deprecated:
    ``one_hot``)."""
    hot = nd_ops.one_hot(_plain(indices), out.shape[1], dtype=_dtype_get(out))
    with torch.no_grad():
        _TB.copy_(out, hot)
    return out


__all__ += ["onehot_encode"]


# --- NDArray methods that are operators -------------------------------------------------------

# MXNet's NDArray methods that call the operator of the same name on the array.
_METHODS = (
    "zeros_like ones_like broadcast_axes repeat pad swapaxes split slice slice_axis slice_like "
    "take one_hot pick sort topk argsort argmax argmin clip abs sign flatten tile transpose flip "
    "sum nansum prod mean max min norm round rint fix floor ceil trunc sin cos tan arcsin arccos "
    "arctan degrees radians sinh cosh tanh arcsinh arccosh arctanh exp expm1 log log10 log2 "
    "log1p sqrt rsqrt cbrt rcbrt square reciprocal relu sigmoid softmax log_softmax "
    "broadcast_to broadcast_like argmax_channel shape_array size_array softmin split_v2 nanprod "
    "squeeze expand_dims"
).split()


def _method(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def method(self: NDArray, *args: Any, **kwargs: Any) -> Any:
        return fn(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}(...)``: ``nd.{name}(x, ...)``."
    return method


def _unary_method(torch_fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``x.exp()`` and friends: the torch kernel and one class store (the hot path of
    element-wise code); integer arrays keep their dtype, as in MXNet."""

    def method(self: NDArray) -> NDArray:
        r = torch_fn(self)
        if r.dtype is not self._torch_dtype:  # r is a plain tensor: its own dtype is torch's
            r = _TB.to(r, self._torch_dtype)
        r.__class__ = NDArray
        ctx = self._mx_ctx
        if ctx is not None:
            r._mx_ctx = ctx
        return r

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}()``: ``nd.{name}(x)``."
    return method


_ONE = (1,)


def _reduce_method(full: Callable[..., Any], fn: Callable[..., Any], name: str) -> Callable:
    """``x.sum()`` and ``x.mean()``: over all axes or one int axis of a float array, one torch
    kernel (a 1-D array's result takes MXNet's shape ``(1,)`` through ``keepdim``, not a
    reshape); every other call is ``nd.<name>``."""

    def method(
        self: NDArray, axis: Any = None, keepdims: Any = False, exclude: Any = False, **kw: Any
    ) -> NDArray:
        if keepdims is False and exclude is False and not kw and type(self) is NDArray:
            # The result's dtype tells a float array (kept) from an integer one (torch widens
            # sums to int64 and has no integer mean): the array's own is not read. An error
            # goes to nd.<name>, which raises MXNet's. (A subclass may track its torch calls:
            # it takes the general path, which calls torch once.)
            try:
                if axis is None:
                    r = full(self, None, True)  # shape (1,) * ndim
                    if r.dim() != 1:
                        r = _TB.reshape(r, _ONE)
                elif type(axis) is int:
                    one_d = self.dim() == 1
                    r = full(self, axis, one_d)  # a 1-D array's: shape (1,)
                else:
                    r = None
            except (RuntimeError, IndexError):
                r = None
            if r is not None and r.is_floating_point():
                r.__class__ = NDArray
                ctx = self._mx_ctx
                if ctx is not None:
                    r._mx_ctx = ctx
                return r
        return fn(self, axis=axis, keepdims=keepdims, exclude=exclude, **kw)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}(axis=None, keepdims=False, exclude=False)``: ``nd.{name}``."
    return method


_FULL_REDUCTIONS = {"sum": torch.sum, "mean": torch.mean}

for _name in _METHODS:
    _fn = globals().get(_name)
    if _fn is None or _name in NDArray.__dict__:
        continue
    _inner = nd_ops._UNARY.get(_name)
    _inner = getattr(_inner, "__wrapped__", _inner)
    if isinstance(_inner, types.BuiltinFunctionType):
        setattr(NDArray, _name, _unary_method(_inner, _name))
    elif _name in _FULL_REDUCTIONS:
        setattr(NDArray, _name, _reduce_method(_FULL_REDUCTIONS[_name], _fn, _name))
    else:
        setattr(NDArray, _name, _method(_fn, _name))


_TORCH_EQUIVALENTS = {
    "SoftmaxOutput": "torch.nn.functional.cross_entropy",
    "sparse": "torch.sparse",
    "contrib": "the matching torch function",
}

__getattr__ = module_getattr("mxnet.nd", _TORCH_EQUIVALENTS)
