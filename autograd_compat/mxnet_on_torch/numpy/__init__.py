"""``mxnet.np`` (MXNet's NumPy interface, 1.9.1) on PyTorch.

Functions return :class:`~autograd_compat.mxnet_on_torch.ndarray.ndarray` arrays (``torch.Tensor``
subclasses) computed by the matching torch op, so ``autograd.record()``/``backward()`` work on them
as on any tensor. MXNet's conventions kept here: arrays made from Python numbers default to
float32; ``axis``/``keepdims`` keyword names; ``sum`` and ``prod`` of integer arrays keep their
dtype; ``mean`` of integers is float32; ``argmax``/``argmin`` give int64.

Names that are not supported raise ``NotImplementedError`` naming the torch equivalent.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as onp
import torch

from .. import ndarray as _nda
from .._unsupported import UnsupportedError, module_getattr, unsupported  # noqa: F401 (re-export)
from ..context import as_device
from ..nd import to_dtype
from ..ndarray import ndarray, wrap

_Tensor = torch.Tensor

# Constants and dtypes: MXNet re-exports numpy's own objects.
pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None
float16 = onp.float16
float32 = onp.float32
float64 = onp.float64
int8 = onp.int8
int32 = onp.int32
int64 = onp.int64
uint8 = onp.uint8
bool_ = onp.bool_
dtype = onp.dtype

# ---------------------------------------------------------------------------------------------
# Conversion helpers
# ---------------------------------------------------------------------------------------------


def _device(ctx: Any) -> torch.device | None:
    return None if ctx is None else as_device(ctx)


def _shape(shape: Any) -> tuple[int, ...]:
    if shape is None:
        return ()
    return (int(shape),) if isinstance(shape, int | onp.integer) else tuple(shape)


def _t(x: Any) -> torch.Tensor:
    """An operand as a tensor; Python numbers become 0-d tensors (float32 for floats)."""
    if isinstance(x, _Tensor):
        return x
    if isinstance(x, onp.ndarray):
        return torch.from_numpy(onp.ascontiguousarray(x))
    if isinstance(x, bool | int | float):
        return torch.tensor(x)  # 0-d: takes part in type promotion like a Python scalar
    return array(x)


def _is_scalar(x: Any) -> bool:
    return isinstance(x, int | float | onp.number) and not isinstance(x, bool)


# ---------------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------------


def array(object: Any, dtype: Any = None, ctx: Any = None) -> ndarray:  # noqa: A002
    """A new array (a copy). Python numbers and lists give float32; arrays keep their dtype."""
    if isinstance(object, _Tensor):
        t = object.detach().to(device=_device(ctx), dtype=to_dtype(dtype, object.dtype), copy=True)
        return wrap(t)
    if isinstance(object, onp.ndarray | onp.generic):
        a = onp.array(object)
        dt = to_dtype(dtype, to_dtype(a.dtype))
        return wrap(torch.tensor(a, dtype=dt, device=_device(ctx)))
    dt = to_dtype(dtype)
    if type(object) is list and not builtins.any(isinstance(v, _Tensor) for v in object):
        try:  # the common case, a list of Python numbers, without a trip through numpy
            return wrap(torch.tensor(object, dtype=dt, device=_device(ctx)))
        except (TypeError, ValueError):
            pass
    # Lists of arrays: stack their values.
    if isinstance(object, list | tuple) and builtins.any(isinstance(v, _Tensor) for v in object):
        object = [v.asnumpy() if isinstance(v, _Tensor) else v for v in object]
    return wrap(torch.tensor(onp.asarray(object), dtype=dt, device=_device(ctx)))


def asarray(a: Any, dtype: Any = None, ctx: Any = None) -> ndarray:
    if isinstance(a, ndarray) and dtype is None and ctx is None:
        return a
    return array(a, dtype=dtype, ctx=ctx)


def _creator(fn: Callable[..., torch.Tensor]) -> Callable[..., ndarray]:
    def create(shape: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any):
        return wrap(fn(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx)))

    create.__name__ = fn.__name__
    create.__doc__ = f"``np.{fn.__name__}(shape, dtype=float32, ctx=None)``"
    return create


zeros = _creator(torch.zeros)
ones = _creator(torch.ones)
empty = _creator(torch.zeros)  # MXNet's empty is uninitialised memory; zeros is a valid value
empty.__name__ = "empty"


def full(
    shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any
) -> ndarray:
    if isinstance(fill_value, _Tensor):
        return wrap(fill_value.to(to_dtype(dtype, fill_value.dtype)).expand(_shape(shape)).clone())
    return wrap(torch.full(_shape(shape), fill_value, dtype=to_dtype(dtype), device=_device(ctx)))


def _like(fn: Callable[..., torch.Tensor], name: str) -> Callable[..., ndarray]:
    def like(a: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any):
        a = _t(a)
        return wrap(fn(a, dtype=to_dtype(dtype, a.dtype), device=_device(ctx)))

    like.__name__ = name
    return like


zeros_like = _like(torch.zeros_like, "zeros_like")
ones_like = _like(torch.ones_like, "ones_like")
empty_like = _like(torch.zeros_like, "empty_like")


def full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any
) -> ndarray:
    a = _t(a)
    return wrap(torch.full_like(a, fill_value, dtype=to_dtype(dtype, a.dtype), device=_device(ctx)))


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None, ctx: Any = None, **kw: Any
) -> ndarray:
    """``np.arange``: float32 unless ``dtype`` says otherwise (also for integer arguments)."""
    if stop is None:
        start, stop = 0, start
    return wrap(torch.arange(start, stop, step, dtype=to_dtype(dtype), device=_device(ctx)))


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    ctx: Any = None,
) -> Any:
    n = num if endpoint else num + 1
    out = torch.linspace(float(start), float(stop), n, dtype=to_dtype(dtype), device=_device(ctx))
    if not endpoint:
        out = out[:-1]
    step = (stop - start) / ((num - 1) if endpoint else num) if num > 1 else float("nan")
    return (wrap(out), step) if retstep else wrap(out)


def eye(
    N: int,
    M: int | None = None,
    k: int = 0,
    dtype: Any = None,
    ctx: Any = None,  # noqa: N803
    **kw: Any,
) -> ndarray:
    M = N if M is None else M  # noqa: N806
    out = torch.zeros((N, M), dtype=to_dtype(dtype), device=_device(ctx))
    out.diagonal(k).fill_(1)
    return wrap(out)


identity = eye


def meshgrid(*xi: Any, indexing: str = "xy", **kw: Any) -> list[ndarray]:
    return [wrap(t) for t in torch.meshgrid(*[_t(x) for x in xi], indexing=indexing)]


# ---------------------------------------------------------------------------------------------
# Element-wise operations (declarative: MXNet name -> torch function)
# ---------------------------------------------------------------------------------------------

_UNARY: dict[str, tuple[Callable[..., torch.Tensor], Callable[..., Any]]] = {
    # name: (torch function, numpy function used when the argument is a Python number)
    "sqrt": (torch.sqrt, onp.sqrt),
    "cbrt": (lambda x: torch.sign(x) * torch.abs(x) ** (1 / 3), onp.cbrt),
    "exp": (torch.exp, onp.exp),
    "expm1": (torch.expm1, onp.expm1),
    "log": (torch.log, onp.log),
    "log2": (torch.log2, onp.log2),
    "log10": (torch.log10, onp.log10),
    "log1p": (torch.log1p, onp.log1p),
    "sin": (torch.sin, onp.sin),
    "cos": (torch.cos, onp.cos),
    "tan": (torch.tan, onp.tan),
    "arcsin": (torch.asin, onp.arcsin),
    "arccos": (torch.acos, onp.arccos),
    "arctan": (torch.atan, onp.arctan),
    "sinh": (torch.sinh, onp.sinh),
    "cosh": (torch.cosh, onp.cosh),
    "tanh": (torch.tanh, onp.tanh),
    "arcsinh": (torch.asinh, onp.arcsinh),
    "arccosh": (torch.acosh, onp.arccosh),
    "arctanh": (torch.atanh, onp.arctanh),
    "abs": (torch.abs, onp.abs),
    "absolute": (torch.abs, onp.abs),
    "fabs": (torch.abs, onp.fabs),
    "square": (torch.square, onp.square),
    "negative": (torch.neg, onp.negative),
    "reciprocal": (torch.reciprocal, onp.reciprocal),
    "sign": (torch.sign, onp.sign),
    "floor": (torch.floor, onp.floor),
    "ceil": (torch.ceil, onp.ceil),
    "trunc": (torch.trunc, onp.trunc),
    "fix": (torch.trunc, onp.fix),
    "rint": (torch.round, onp.rint),
    "around": (torch.round, onp.around),
    "round": (torch.round, onp.round),
    "degrees": (torch.rad2deg, onp.degrees),
    "radians": (torch.deg2rad, onp.radians),
    "isnan": (torch.isnan, onp.isnan),
    "isinf": (torch.isinf, onp.isinf),
    "isfinite": (torch.isfinite, onp.isfinite),
    "logical_not": (torch.logical_not, onp.logical_not),
}

_BINARY: dict[str, tuple[Callable[..., torch.Tensor], Callable[..., Any]]] = {
    "add": (torch.add, onp.add),
    "subtract": (torch.sub, onp.subtract),
    "multiply": (torch.mul, onp.multiply),
    "divide": (torch.true_divide, onp.divide),
    "true_divide": (torch.true_divide, onp.true_divide),
    "floor_divide": (torch.floor_divide, onp.floor_divide),
    "mod": (torch.remainder, onp.mod),
    "remainder": (torch.remainder, onp.remainder),
    "power": (torch.pow, onp.power),
    "maximum": (torch.maximum, onp.maximum),
    "minimum": (torch.minimum, onp.minimum),
    "fmax": (torch.fmax, onp.fmax),
    "fmin": (torch.fmin, onp.fmin),
    "arctan2": (torch.atan2, onp.arctan2),
    "hypot": (torch.hypot, onp.hypot),
    "equal": (torch.eq, onp.equal),
    "not_equal": (torch.ne, onp.not_equal),
    "less": (torch.lt, onp.less),
    "less_equal": (torch.le, onp.less_equal),
    "greater": (torch.gt, onp.greater),
    "greater_equal": (torch.ge, onp.greater_equal),
    "logical_and": (torch.logical_and, onp.logical_and),
    "logical_or": (torch.logical_or, onp.logical_or),
    "logical_xor": (torch.logical_xor, onp.logical_xor),
}


def _make_unary(name: str, fn: Callable[..., torch.Tensor], npfn: Callable[..., Any]):
    def unary(x: Any, out: Any = None, **kwargs: Any) -> Any:
        if _is_scalar(x):
            return npfn(x)  # MXNet gives a scalar for a scalar argument
        r = fn(_t(x))
        if out is not None:
            out[...] = r
            return out
        r.__class__ = ndarray
        return r

    unary.__name__ = unary.__qualname__ = name
    unary.__doc__ = f"``np.{name}(x)``: element-wise, computed by ``{fn.__name__}``."
    return unary


def _binary_operands(x1: Any, x2: Any) -> tuple[torch.Tensor, torch.Tensor]:
    a = x1 if isinstance(x1, _Tensor) else None
    b = x2 if isinstance(x2, _Tensor) else None
    ref = a if a is not None else b
    if a is None:
        x1 = (
            torch.tensor(x1, dtype=ref.dtype if _is_scalar(x1) else None)
            if ref is not None
            else _t(x1)
        )
    if b is None:
        x2 = (
            torch.tensor(x2, dtype=ref.dtype if _is_scalar(x2) else None)
            if ref is not None
            else _t(x2)
        )
    return x1, x2


def _make_binary(name: str, fn: Callable[..., torch.Tensor], npfn: Callable[..., Any]):
    def binary(x1: Any, x2: Any, out: Any = None, **kwargs: Any) -> Any:
        if _is_scalar(x1) and _is_scalar(x2):
            return npfn(x1, x2)
        a, b = _binary_operands(x1, x2)
        if fn is torch.pow and b.dim() == 0 and not isinstance(x2, _Tensor):
            r = torch.pow(a, x2)  # keep the scalar exponent a Python number (PowBackward0)
        else:
            r = fn(a, b)
        if out is not None:
            out[...] = r
            return out
        r.__class__ = ndarray
        return r

    binary.__name__ = binary.__qualname__ = name
    binary.__doc__ = f"``np.{name}(x1, x2)``: element-wise with broadcasting."
    return binary


for _n, (_f, _g) in _UNARY.items():
    globals()[_n] = _make_unary(_n, _f, _g)
for _n, (_f, _g) in _BINARY.items():
    globals()[_n] = _make_binary(_n, _f, _g)


def clip(a: Any, a_min: Any, a_max: Any, out: Any = None) -> ndarray:
    return wrap(torch.clamp(_t(a), a_min, a_max))


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    c = _t(condition)
    if x is None and y is None:
        return tuple(wrap(t) for t in torch.nonzero(c, as_tuple=True))
    a, b = _binary_operands(x, y)
    return wrap(torch.where(c.bool(), a, b))


def isclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> ndarray:
    a, b = _binary_operands(a, b)
    return wrap(torch.isclose(a, b.to(a.dtype), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    a, b = _binary_operands(a, b)
    return bool(torch.allclose(a, b.to(a.dtype), rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1: Any, a2: Any) -> bool:
    a, b = _t(a1), _t(a2)
    return a.shape == b.shape and bool((a == b).all())


# ---------------------------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------------------------


def dot(a: Any, b: Any, out: Any = None) -> ndarray:
    """NumPy's dot: 1-D·1-D inner product, 2-D matrix product, N-D·M-D over a's last axis and
    b's second-to-last."""
    a, b = _binary_operands(a, b)
    if a.dim() == 0 or b.dim() == 0:
        r = a * b
    elif b.dim() == 1 or (a.dim() <= 2 and b.dim() <= 2):
        r = torch.matmul(a, b)
    else:
        r = torch.tensordot(a, b, dims=([-1], [-2]))
    return wrap(r)


def matmul(a: Any, b: Any, out: Any = None) -> ndarray:
    return wrap(torch.matmul(_t(a), _t(b)))


def vdot(a: Any, b: Any) -> ndarray:
    return wrap(torch.dot(_t(a).reshape(-1), _t(b).reshape(-1)))


def inner(a: Any, b: Any) -> ndarray:
    return wrap(torch.inner(_t(a), _t(b)))


def outer(a: Any, b: Any) -> ndarray:
    return wrap(torch.outer(_t(a).reshape(-1), _t(b).reshape(-1)))


def tensordot(a: Any, b: Any, axes: Any = 2) -> ndarray:
    return wrap(torch.tensordot(_t(a), _t(b), dims=axes))


def kron(a: Any, b: Any) -> ndarray:
    return wrap(torch.kron(_t(a), _t(b)))


def einsum(subscripts: str, *operands: Any, **kw: Any) -> ndarray:
    return wrap(torch.einsum(subscripts, *[_t(o) for o in operands]))


# ---------------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------------


def _sum(t: torch.Tensor, **kw: Any) -> torch.Tensor:
    return torch.sum(t, **kw)


def _prod(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    if dim is None:
        return torch.prod(t)
    for d in sorted((dim,) if isinstance(dim, int) else dim, reverse=True):
        t = torch.prod(t, dim=d, keepdim=keepdim)
    return t


def _amax(t: torch.Tensor, **kw: Any) -> torch.Tensor:
    return torch.amax(t, **kw)


def _amin(t: torch.Tensor, **kw: Any) -> torch.Tensor:
    return torch.amin(t, **kw)


def _std(t: torch.Tensor, **kw: Any) -> torch.Tensor:
    return torch.std(t, correction=0, **kw)


def _var(t: torch.Tensor, **kw: Any) -> torch.Tensor:
    return torch.var(t, correction=0, **kw)


_REDUCTIONS: dict[str, Callable[..., torch.Tensor]] = {
    "sum": _sum,
    "mean": torch.mean,
    "max": _amax,
    "min": _amin,
    "amax": _amax,
    "amin": _amin,
    "prod": _prod,
    "std": _std,
    "var": _var,
}
# Integer inputs: MXNet keeps the dtype for these, and computes the others in float32.
_KEEP_INT = {"sum", "prod", "max", "min", "amax", "amin"}


def _reduce(
    name: str, fn: Callable[..., torch.Tensor], a: Any, axis: Any, keepdims: bool, dtype: Any
) -> ndarray:
    t = _t(a)
    src = t.dtype
    if not (t.is_floating_point() or t.is_complex()):
        if name not in _KEEP_INT:
            t = t.to(torch.float32)
        elif t.dtype == torch.bool:
            t = t.to(torch.int64)
    if axis is None:
        r = fn(t)
        if keepdims:
            r = r.reshape((1,) * t.dim())
    else:
        r = fn(t, dim=axis if isinstance(axis, int) else tuple(axis), keepdim=keepdims)
    if dtype is not None:
        r = r.to(to_dtype(dtype))
    elif name in _KEEP_INT and r.dtype != src and src != torch.bool:
        r = r.to(src)  # torch widens integer sums to int64; MXNet keeps the input dtype
    r.__class__ = ndarray
    return r


def _make_reduction(name: str, fn: Callable[..., torch.Tensor]):
    def reduction(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        keepdims: bool = False,
    ) -> ndarray:
        # No **kwargs: torch-style calls such as x.max(dim=1) must fail, not reduce everything.
        return _reduce(name, fn, a, axis, keepdims, dtype)

    reduction.__name__ = reduction.__qualname__ = name
    reduction.__doc__ = f"``np.{name}(a, axis=None, keepdims=False)``"
    return reduction


for _n, _f in _REDUCTIONS.items():
    globals()[_n] = _make_reduction(_n, _f)


def _arg(fn: Callable[..., torch.Tensor], name: str):
    def arg(a: Any, axis: int | None = None, out: Any = None, keepdims: bool = False) -> ndarray:
        t = _t(a)
        if axis is None:
            r = fn(t.reshape(-1))
            return wrap(r.reshape((1,) * t.dim()) if keepdims else r)
        return wrap(fn(t, dim=axis, keepdim=keepdims))

    arg.__name__ = arg.__qualname__ = name
    arg.__doc__ = f"``np.{name}(a, axis=None)``: int64 indices."
    return arg


argmax = _arg(torch.argmax, "argmax")
argmin = _arg(torch.argmin, "argmin")


def cumsum(a: Any, axis: int | None = None, dtype: Any = None, out: Any = None) -> ndarray:
    t = _t(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    r = torch.cumsum(t, dim=axis, dtype=None if dtype is None else to_dtype(dtype))
    if dtype is None and r.dtype != t.dtype and not t.dtype == torch.bool:
        r = r.to(t.dtype)
    return wrap(r)


def any(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> ndarray:  # noqa: A001
    t = _t(a).bool()
    return wrap(torch.any(t) if axis is None else torch.any(t, dim=axis, keepdim=keepdims))


def all(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> ndarray:  # noqa: A001
    t = _t(a).bool()
    return wrap(torch.all(t) if axis is None else torch.all(t, dim=axis, keepdim=keepdims))


# ---------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------


def reshape(a: Any, newshape: Any, order: str = "C") -> ndarray:
    return _t(a).reshape(newshape) if isinstance(a, ndarray) else wrap(_t(a).reshape(newshape))


def ravel(x: Any, order: str = "C") -> ndarray:
    return wrap(_t(x).reshape(-1))


def transpose(a: Any, axes: Sequence[int] | None = None) -> ndarray:
    t = _t(a)
    if axes is None:
        axes = range(t.dim() - 1, -1, -1)
    return wrap(t.permute(*axes))


def swapaxes(a: Any, axis1: int, axis2: int) -> ndarray:
    return wrap(torch.transpose(_t(a), axis1, axis2))


def moveaxis(a: Any, source: Any, destination: Any) -> ndarray:
    return wrap(torch.movedim(_t(a), source, destination))


def expand_dims(a: Any, axis: int) -> ndarray:
    return wrap(torch.unsqueeze(_t(a), axis))


def squeeze(a: Any, axis: Any = None) -> ndarray:
    t = _t(a)
    return wrap(torch.squeeze(t) if axis is None else torch.squeeze(t, axis))


def broadcast_to(array: Any, shape: Any) -> ndarray:  # noqa: A002
    return wrap(_t(array).expand(_shape(shape)))


def broadcast_arrays(*args: Any) -> list[ndarray]:
    return [wrap(t) for t in torch.broadcast_tensors(*[_t(a) for a in args])]


def _seq(arrays: Any) -> list[torch.Tensor]:
    return [_t(a) for a in arrays]


def concatenate(seq: Any, axis: int | None = 0, out: Any = None) -> ndarray:
    ts = _seq(seq)
    if axis is None:
        ts, axis = [t.reshape(-1) for t in ts], 0
    return wrap(torch.cat(ts, dim=axis))


def append(arr: Any, values: Any, axis: int | None = None) -> ndarray:
    return concatenate([arr, values], axis=axis)


def stack(arrays: Any, axis: int = 0, out: Any = None) -> ndarray:
    return wrap(torch.stack(_seq(arrays), dim=axis))


def vstack(arrays: Any, out: Any = None) -> ndarray:
    return wrap(torch.vstack(_seq(arrays)))


def hstack(arrays: Any) -> ndarray:
    return wrap(torch.hstack(_seq(arrays)))


def dstack(arrays: Any) -> ndarray:
    return wrap(torch.dstack(_seq(arrays)))


def column_stack(tup: Any) -> ndarray:
    return wrap(torch.column_stack(_seq(tup)))


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[ndarray]:
    """Equal sections (an int that must divide the axis) or split points (a list)."""
    t = _t(ary)
    if isinstance(indices_or_sections, int):
        n = t.shape[axis]
        if n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        return [wrap(p) for p in torch.tensor_split(t, indices_or_sections, dim=axis)]
    return [wrap(p) for p in torch.tensor_split(t, list(indices_or_sections), dim=axis)]


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[ndarray]:
    sections = indices_or_sections
    if not isinstance(sections, int):
        sections = list(sections)
    return [wrap(p) for p in torch.tensor_split(_t(ary), sections, dim=axis)]


def hsplit(ary: Any, indices_or_sections: Any) -> list[ndarray]:
    return split(ary, indices_or_sections, axis=1 if _t(ary).dim() > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list[ndarray]:
    return split(ary, indices_or_sections, axis=0)


def tile(A: Any, reps: Any) -> ndarray:  # noqa: N803
    return wrap(torch.tile(_t(A), _shape(reps)))


def repeat(a: Any, repeats: Any, axis: int | None = None) -> ndarray:
    t = _t(a)
    if axis is None:
        t, axis = t.reshape(-1), 0
    return wrap(torch.repeat_interleave(t, repeats, dim=axis))


def flip(m: Any, axis: Any = None, out: Any = None) -> ndarray:
    t = _t(m)
    dims = range(t.dim()) if axis is None else ((axis,) if isinstance(axis, int) else axis)
    return wrap(torch.flip(t, tuple(dims)))


def fliplr(m: Any) -> ndarray:
    return flip(m, 1)


def flipud(m: Any) -> ndarray:
    return flip(m, 0)


def roll(a: Any, shift: Any, axis: Any = None) -> ndarray:
    return wrap(torch.roll(_t(a), shift, axis))


def tril(m: Any, k: int = 0) -> ndarray:
    return wrap(torch.tril(_t(m), k))


def triu(m: Any, k: int = 0) -> ndarray:
    return wrap(torch.triu(_t(m), k))


def diag(v: Any, k: int = 0) -> ndarray:
    return wrap(torch.diag(_t(v), k))


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, out: Any = None) -> ndarray:
    return wrap(torch.diagonal(_t(a), offset, axis1, axis2).sum(-1))


def shape(a: Any) -> tuple[int, ...]:
    return tuple(_t(a).shape)


def size(a: Any, axis: int | None = None) -> int:
    t = _t(a)
    return t.numel() if axis is None else t.shape[axis]


def ndim(a: Any) -> int:
    return _t(a).dim()


def sort(a: Any, axis: int = -1, kind: Any = None, order: Any = None) -> ndarray:
    return wrap(torch.sort(_t(a), dim=axis).values)


def argsort(a: Any, axis: int = -1, kind: Any = None, order: Any = None) -> ndarray:
    return wrap(torch.argsort(_t(a), dim=axis))


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: int | None = None,
) -> Any:
    if return_index:
        raise unsupported("mxnet.np.unique(return_index=True)", "torch.unique")
    r = torch.unique(
        _t(ar), sorted=True, return_inverse=return_inverse, return_counts=return_counts, dim=axis
    )
    return wrap(r)


def flatten(a: Any, order: str = "C") -> ndarray:
    return wrap(_t(a).reshape(-1))


def copy(a: Any) -> ndarray:
    return _t(a).copy() if isinstance(a, ndarray) else array(a)


def nonzero(a: Any) -> tuple[ndarray, ...]:
    return tuple(wrap(t) for t in torch.nonzero(_t(a), as_tuple=True))


def count_nonzero(a: Any, axis: Any = None) -> ndarray:
    return wrap(torch.count_nonzero(_t(a), dim=axis))


def may_share_memory(a: Any, b: Any) -> bool:
    return _t(a).untyped_storage().data_ptr() == _t(b).untyped_storage().data_ptr()


shares_memory = may_share_memory


def ndarray_from(x: Any) -> ndarray:
    """An ``ndarray`` view of a torch tensor (shares memory; no copy)."""
    return wrap(x.detach() if isinstance(x, _Tensor) else _t(x))


from . import linalg, random  # noqa: E402, F401  (they need the names above)

_nda._install_reductions()

_NOT_API = {"annotations", "builtins", "math", "onp", "torch", "Any", "Callable", "Sequence"}
__all__ = sorted(n for n in globals() if not n.startswith("_") and n not in _NOT_API)


# Names MXNet's np has that are not provided here, with the torch function to use instead.
_TORCH_EQUIVALENTS: dict[str, str] = {
    "histogram": "torch.histc",
    "interp": "numpy.interp on x.asnumpy()",
    "pad": "torch.nn.functional.pad",
    "percentile": "torch.quantile",
    "quantile": "torch.quantile",
    "median": "torch.median",
    "average": "torch.mean with weights",
    "bincount": "torch.bincount",
    "cross": "torch.linalg.cross",
    "delete": "index with a mask",
    "insert": "torch.cat",
    "polyval": "numpy.polyval on x.asnumpy()",
    "resize": "torch.Tensor.resize_",
    "diff": "torch.diff",
    "ediff1d": "torch.diff",
    "nan_to_num": "torch.nan_to_num",
    "rot90": "torch.rot90",
    "tril_indices": "torch.tril_indices",
    "indices": "torch.meshgrid",
    "logspace": "torch.logspace",
    "atleast_1d": "torch.atleast_1d",
    "atleast_2d": "torch.atleast_2d",
    "atleast_3d": "torch.atleast_3d",
    "fill_diagonal": "torch.Tensor.fill_diagonal_",
    "nanmax": "torch.nanmax",
    "nanmin": "torch.nanmin",
    "nansum": "torch.nansum",
    "nanprod": "torch.nanprod",
    "genfromtxt": "numpy.genfromtxt then np.array",
    "save": "torch.save",
    "load": "torch.load",
    "savez": "torch.save",
}


__getattr__ = module_getattr("mxnet.np", _TORCH_EQUIVALENTS)
