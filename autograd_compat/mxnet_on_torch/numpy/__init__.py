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
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as onp
import torch

from .. import grad_rules, ties
from .. import np_dtype_parity as _dtype_parity
from .._unsupported import UnsupportedError, module_getattr, unsupported  # noqa: F401 (re-export)
from ..base import MXNetError, operator_error, raise_mxnet_errors
from ..constant_grads import DIFFERENTIABLE_NP, marks_differentiable
from ..dtypes import to_dtype
from ..ndarray import ndarray, torch_dtype, wrap
from ..np_int_rules import INTEGER_DTYPES, c_cast, c_cast_scalar
from . import _methods
from ._a_ops import bitwise_not as bitwise_not_kernel
from ._b_ufunc import check_out, check_ufunc_kwargs
from ._creation import (  # noqa: F401 (the np namespace)
    _device,
    _is_scalar,
    _shape,
    _t,
    arange,
    array,
    asarray,
    empty,
    empty_like,
    eye,
    full,
    full_like,
    identity,
    linspace,
    meshgrid,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from ._signatures import reduction_function, with_out

_Tensor = torch.Tensor
_dim = torch._C.TensorBase.dim

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
bool = builtins.bool  # noqa: A001 - MXNet 1.9.1's np.bool is Python's bool
dtype = onp.dtype


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
    "arcsinh": (grad_rules.arcsinh, onp.arcsinh),  # MXNet's 2nd derivative
    "arccosh": (grad_rules.arccosh, onp.arccosh),
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
    "rint": (ties.rint, onp.rint),
    "degrees": (torch.rad2deg, onp.degrees),
    "radians": (torch.deg2rad, onp.radians),
    "isnan": (torch.isnan, onp.isnan),
    "isinf": (torch.isinf, onp.isinf),
    "isfinite": (torch.isfinite, onp.isfinite),
    "logical_not": (torch.logical_not, onp.logical_not),
    "bitwise_not": (bitwise_not_kernel, onp.bitwise_not),
    "invert": (bitwise_not_kernel, onp.invert),
}

_BINARY: dict[str, tuple[Callable[..., torch.Tensor], Callable[..., Any]]] = {
    "add": (torch.add, onp.add),
    "subtract": (torch.sub, onp.subtract),
    "multiply": (torch.mul, onp.multiply),
    "divide": (_dtype_parity.divide, onp.divide),
    "true_divide": (_dtype_parity.divide, onp.true_divide),
    "mod": (ties.remainder, onp.mod),
    "remainder": (ties.remainder, onp.remainder),
    "power": (torch.pow, onp.power),
    "maximum": (ties.maximum, onp.maximum),
    "minimum": (ties.minimum, onp.minimum),
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
        if kwargs:
            check_ufunc_kwargs(name, kwargs)
        if _is_scalar(x):
            return npfn(x)  # MXNet gives a scalar for a scalar argument
        t = _t(x)
        r = fn(t)
        dt = torch_dtype(t)
        if dt in INTEGER_DTYPES and r.is_floating_point():
            r = c_cast(r, dt)  # MXNet computes in float32 and returns the integer dtype
        if out is not None:
            check_out(name, out, r)
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
            torch.tensor(x1, dtype=torch_dtype(ref) if _is_scalar(x1) else None)
            if ref is not None
            else _t(x1)
        )
    if b is None:
        x2 = (
            torch.tensor(x2, dtype=torch_dtype(ref) if _is_scalar(x2) else None)
            if ref is not None
            else _t(x2)
        )
    return x1, x2


def _exact_scalar(x: Any, other: Any) -> Any:
    # With an integer array a float scalar divides as float32 (not truncated to the array's
    # dtype); with a float array it takes the array's dtype, as every other operator's does.
    if type(x) is float and isinstance(other, _Tensor) and torch_dtype(other) in INTEGER_DTYPES:
        return torch.tensor(x)
    return x


# With a scalar, MXNet's maximum/minimum give a tie to the array whichever side it is on.
_ARRAY_WINS_TIES = (ties.maximum, ties.minimum)


def _make_binary(name: str, fn: Callable[..., torch.Tensor], npfn: Callable[..., Any]):
    def binary(x1: Any, x2: Any, out: Any = None, **kwargs: Any) -> Any:
        if kwargs:
            check_ufunc_kwargs(name, kwargs)
        if _is_scalar(x1) and _is_scalar(x2):
            return npfn(x1, x2)
        if name in _dtype_parity.STRICT_DTYPES:
            _dtype_parity.check_same_dtype(name, x1, x2)
        if fn is _dtype_parity.divide:
            # true division takes a float scalar as it is (every other operator converts it
            # to an integer array's dtype)
            x1, x2 = _exact_scalar(x1, x2), _exact_scalar(x2, x1)
        a, b = _binary_operands(x1, x2)
        if isinstance(x1, _Tensor) and isinstance(x2, _Tensor) and fn is not _dtype_parity.divide:
            a, b = _dtype_parity.promote_0d(a, b)  # MXNet promotes 0-d arrays as arrays
        if fn is torch.pow and b.dim() == 0 and not isinstance(x2, _Tensor):
            if type(x2) is float and torch_dtype(a) in INTEGER_DTYPES:
                x2 = c_cast_scalar(x2, torch_dtype(a))  # MXNet: the exponent in the int dtype
            r = torch.pow(a, x2)  # keep the scalar exponent a Python number (PowBackward0)
        elif fn in _ARRAY_WINS_TIES and not isinstance(x1, _Tensor):
            r = fn(b, a)
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
    """MXNet's clip: the bounds and NaN get gradient 1 (see :func:`..ties.clip`)."""
    if a_min is None and a_max is None:
        raise ValueError("array_clip: must set either max or min")
    return wrap(ties.clip(_t(a), a_min, a_max))


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    c = _t(condition)
    if x is None and y is None:
        return tuple(wrap(t) for t in torch.nonzero(c, as_tuple=True))
    _dtype_parity.check_same_dtype("where", x, y)
    a, b = _binary_operands(x, y)
    return wrap(torch.where(c.bool(), a, b))


def isclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> ndarray:
    a, b = _binary_operands(a, b)
    return wrap(torch.isclose(a, b.to(torch_dtype(a)), rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(
    a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    a, b = _binary_operands(a, b)
    return bool(torch.allclose(a, b.to(torch_dtype(a)), rtol=rtol, atol=atol, equal_nan=equal_nan))


def array_equal(a1: Any, a2: Any) -> bool:
    a, b = _t(a1), _t(a2)
    return a.shape == b.shape and bool((a == b).all())


# ---------------------------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------------------------


def dot(a: Any, b: Any, out: Any = None) -> ndarray:
    """NumPy's dot: 1-D·1-D inner product, 2-D matrix product, N-D·M-D over a's last axis and
    b's second-to-last."""
    if type(a) is ndarray and type(b) is ndarray:
        # The common case (vectors and matrices): one matmul, no operand conversion.
        na, nb = _dim(a), _dim(b)
        if 0 < na <= 2 and 0 < nb <= 2:
            r = torch.matmul(a, b)
            r.__class__ = ndarray
            return r
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


def _amax(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    return ties.extreme(t, (dim,) if isinstance(dim, int) else dim, keepdim, largest=True)


def _amin(t: torch.Tensor, dim: Any = None, keepdim: bool = False) -> torch.Tensor:
    return ties.extreme(t, (dim,) if isinstance(dim, int) else dim, keepdim, largest=False)


def _std(t: torch.Tensor, ddof: int = 0, **kw: Any) -> torch.Tensor:
    return torch.std(t, correction=ddof, **kw)


def _var(t: torch.Tensor, ddof: int = 0, **kw: Any) -> torch.Tensor:
    return torch.var(t, correction=ddof, **kw)


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
    try:
        return _reduce_checked(name, fn, a, axis, keepdims, dtype)
    except (MXNetError, NotImplementedError):
        raise
    except (RuntimeError, IndexError) as e:  # a bad axis: MXNet's error, as for every operator
        raise operator_error(f"np.{name}", e, (a,), {}) from None


def _reduce_checked(
    name: str, fn: Callable[..., torch.Tensor], a: Any, axis: Any, keepdims: bool, dtype: Any
) -> ndarray:
    t = _t(a)
    src = torch_dtype(t)
    if not (t.is_floating_point() or t.is_complex()):
        if name not in _KEEP_INT:
            t = t.to(torch.float32)
        elif torch_dtype(t) == torch.bool:
            t = t.to(torch.int64)
    if axis is None:
        r = fn(t)
        if keepdims:
            r = r.reshape((1,) * t.dim())
    elif axis == ():
        # No axis to reduce: the array itself (torch would reduce them all); std/var over a
        # length-1 axis (0, or NaN with ddof=1, as NumPy).
        r = fn(t.unsqueeze(-1), dim=-1) if name in ("std", "var") else t.clone()
    else:
        r = fn(t, dim=axis if isinstance(axis, int) else tuple(axis), keepdim=keepdims)
    if dtype is not None:
        r = r.to(to_dtype(dtype))
    elif name in _KEEP_INT and torch_dtype(r) != src and src != torch.bool:
        r = r.to(src)  # torch widens integer sums to int64; MXNet keeps the input dtype
    r.__class__ = ndarray
    return r


def _make_reduction(name: str, fn: Callable[..., torch.Tensor]):
    if name in ("std", "var"):  # NumPy's order: ddof comes before keepdims

        def moment(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: int = 0,
                   keepdims: bool = False) -> ndarray:  # fmt: skip
            f = functools.partial(fn, ddof=ddof) if ddof else fn
            return with_out(_reduce(name, f, a, axis, keepdims, dtype), out)

        moment.__name__ = moment.__qualname__ = name
        return moment

    # No **kwargs: torch-style calls such as x.max(dim=1) must fail, not reduce everything.
    return reduction_function(name, functools.partial(_reduce, name, fn))


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


def _logical(fn: Callable[..., torch.Tensor]) -> Callable[..., ndarray]:
    def reduce(a: Any, axis: Any, keepdims: bool, dtype: Any) -> ndarray:
        t = _t(a).bool()
        return wrap(fn(t) if axis is None else fn(t, dim=axis, keepdim=keepdims))

    return reduce


_logical_any, _logical_all = _logical(torch.any), _logical(torch.all)
any = reduction_function("any", _logical_any)  # noqa: A001
all = reduction_function("all", _logical_all)  # noqa: A001


# ---------------------------------------------------------------------------------------------
# Shapes: MXNet's shape functions copy (torch's give views), so writing to a result never
# changes the input, as on MXNet.
# ---------------------------------------------------------------------------------------------


def _copied(t: torch.Tensor) -> ndarray:
    r = _Tensor.clone(t, memory_format=torch.contiguous_format)
    r.__class__ = ndarray
    return r


def reshape(a: Any, newshape: Any, order: str = "C") -> ndarray:
    return _copied(_t(a).reshape(newshape))


def ravel(x: Any, order: str = "C") -> ndarray:
    return _copied(_t(x).reshape(-1))


def transpose(a: Any, axes: Sequence[int] | None = None) -> ndarray:
    t = _t(a)
    if axes is None:
        axes = range(t.dim() - 1, -1, -1)
    try:
        return _copied(t.permute(tuple(axes)))
    except RuntimeError:
        axes = tuple(axes)
        if len(axes) == t.dim() and len({ax % t.dim() for ax in axes}) < len(axes):
            raise ValueError("repeated axis in transpose") from None  # MXNet's (NumPy's) error
        raise


def swapaxes(a: Any, axis1: int, axis2: int) -> ndarray:
    return _copied(torch.transpose(_t(a), axis1, axis2))


def moveaxis(a: Any, source: Any, destination: Any) -> ndarray:
    return _copied(torch.movedim(_t(a), source, destination))


def expand_dims(a: Any, axis: int) -> ndarray:
    return _copied(torch.unsqueeze(_t(a), axis))


def squeeze(a: Any, axis: Any = None) -> ndarray:
    t = _t(a)
    if axis is None:
        return _copied(torch.squeeze(t))
    if t.dim() == 0 and set((axis,) if isinstance(axis, int) else axis) <= {0, -1}:
        return _copied(t)  # NumPy and MXNet accept axis 0/-1 of a 0-d array
    r = torch.squeeze(t, axis)
    if r.dim() != t.dim() - (1 if isinstance(axis, int) else len(axis)):
        # torch leaves an axis of another length in place; MXNet refuses it.
        raise MXNetError(
            f"np.squeeze: cannot remove axis {axis} of shape {tuple(t.shape)}: only axes of "
            "length 1 can be squeezed"
        )
    return _copied(r)


def broadcast_to(array: Any, shape: Any) -> ndarray:  # noqa: A002
    """A copy of ``array`` broadcast to ``shape``; ``-2`` keeps the array's size (MXNet's code)."""
    return _copied(_t(array).expand(tuple(-1 if d == -2 else d for d in _shape(shape))))


def broadcast_arrays(*args: Any) -> list[ndarray]:
    ts = [_t(a) for a in args]
    try:
        return [_copied(t) for t in torch.broadcast_tensors(*ts)]
    except RuntimeError:
        shapes = " and ".join(str(tuple(t.shape)) for t in ts)
        raise ValueError(f"shapes {shapes} are not broadcastable together") from None


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
        return [_copied(p) for p in torch.tensor_split(t, indices_or_sections, dim=axis)]
    return [_copied(p) for p in torch.tensor_split(t, list(indices_or_sections), dim=axis)]


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[ndarray]:
    sections = indices_or_sections
    if not isinstance(sections, int):
        sections = list(sections)
    return [_copied(p) for p in torch.tensor_split(_t(ary), sections, dim=axis)]


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


def _matrix(t: torch.Tensor) -> torch.Tensor:
    # NumPy's tril/triu read a 1-D array as every row of a square matrix.
    return t.expand(t.shape[0], t.shape[0]) if t.dim() == 1 else t


def tril(m: Any, k: int = 0) -> ndarray:
    return wrap(torch.tril(_matrix(_t(m)), k))


def triu(m: Any, k: int = 0) -> ndarray:
    return wrap(torch.triu(_matrix(_t(m)), k))


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


def _sorted(a: Any, axis: int | None) -> tuple[torch.Tensor, torch.Tensor]:
    t = _t(a)
    return ties.sort(t.reshape(-1), 0, False) if axis is None else ties.sort(t, axis, False)


def sort(a: Any, axis: int | None = -1, kind: Any = None, order: Any = None) -> ndarray:
    """Sorted copy; ``axis=None`` sorts the flattened array."""
    return wrap(_sorted(a, axis)[0])


def argsort(a: Any, axis: int | None = -1, kind: Any = None, order: Any = None) -> ndarray:
    """int64 indices that sort ``a`` (``axis=None``: of the flattened array); equal values keep
    their order."""
    return wrap(_sorted(a, axis)[1])


def flatten(a: Any, order: str = "C") -> ndarray:
    return _copied(_t(a).reshape(-1))


def copy(a: Any) -> ndarray:
    return _t(a).copy() if isinstance(a, ndarray) else array(a)


def nonzero(a: Any) -> tuple[ndarray, ...]:
    return tuple(wrap(t) for t in torch.nonzero(_t(a), as_tuple=True))


def count_nonzero(a: Any, axis: Any = None) -> ndarray:
    return wrap(torch.count_nonzero(_t(a), dim=axis))


def _extent(t: torch.Tensor) -> tuple[int, int, int]:
    """(storage address, first byte, one past the last byte) of the memory ``t`` reads."""
    size = t.element_size()
    start = t.storage_offset() * size
    if t.numel() == 0:
        return t.untyped_storage().data_ptr(), start, start
    span = builtins.sum((n - 1) * abs(st) for n, st in zip(t.shape, t.stride()))
    return t.untyped_storage().data_ptr(), start, start + (span + 1) * size


def may_share_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    """Whether the memory ranges of ``a`` and ``b`` overlap (views of one buffer that read
    disjoint parts do not share)."""
    pa, sa, ea = _extent(_t(a))
    pb, sb, eb = _extent(_t(b))
    return pa == pb and sa < eb and sb < ea


def shares_memory(a: Any, b: Any, max_work: Any = None) -> bool:
    """Whether ``a`` and ``b`` share memory (the memory ranges overlap)."""
    return may_share_memory(a, b)


def ndarray_from(x: Any) -> ndarray:
    """An ``ndarray`` view of a torch tensor (shares memory; no copy)."""
    return wrap(x.detach() if isinstance(x, _Tensor) else _t(x))


from . import linalg, random  # noqa: E402, F401  (they need the names above)
from ._b_ops import *  # noqa: E402, F403  (around/round, cumsum, unique, empty_like, windows)
from ._manipulation import *  # noqa: E402, F403  (pad, insert, delete, diff, take, ...)
from ._statistics import *  # noqa: E402, F403  (quantile, percentile, histogram, ...)

# Misuse (bad shapes, axes, sizes) raises MXNetError naming the shapes, as MXNet's operators do.
# Not wrapped: array (a TypeError for bad input, as in MXNet), and the functions MXNet implements
# in Python, whose errors are NumPy's (split: ValueError or IndexError, broadcast_arrays).
_PYTHON_LEVEL = {"array", "split", "array_split", "hsplit", "vsplit", "dsplit", "broadcast_arrays"}
_HELPERS = {"as_device", "to_dtype", "wrap", "module_getattr", "unsupported", "operator_error"}
_HELPERS |= {"raise_mxnet_errors", "ndarray_from", "shape", "size", "ndim", "may_share_memory"}
_HELPERS |= {"shares_memory", "torch_dtype"}
raise_mxnet_errors(
    globals(),
    "np",
    [n for n in list(globals()) if n[0] != "_" and n not in _PYTHON_LEVEL | _HELPERS],
)
for _n in DIFFERENTIABLE_NP:  # MXNet differentiates their backward again: constant_grads
    globals()[_n] = marks_differentiable(globals()[_n])
# and so are the array's own copies and casts (x.T, x.copy(), x.astype(...)), measured on MXNet
for _n in ("copy", "astype"):
    setattr(ndarray, _n, marks_differentiable(getattr(ndarray, _n)))
ndarray.T = property(marks_differentiable(ndarray.T.fget))  # type: ignore[method-assign]

_methods.install(globals())

_NOT_API = {"annotations", "builtins", "math", "onp", "torch", "Any", "Callable", "Sequence"}
_NOT_API |= {"ties", "MXNetError", "operator_error", "raise_mxnet_errors"}
__all__ = sorted(n for n in globals() if not n.startswith("_") and n not in _NOT_API)


# Names MXNet's np has that are not provided here, with the torch function to use instead.
_TORCH_EQUIVALENTS: dict[str, str] = {
    "interp": "numpy.interp on x.asnumpy()",
    "median": "torch.median",
    "cross": "torch.linalg.cross",
    "tril_indices": "torch.tril_indices",
    "fill_diagonal": "torch.Tensor.fill_diagonal_",
    "nanmax": "torch.nan_to_num then torch.amax",
    "nanmin": "torch.nan_to_num then torch.amin",
    "nansum": "torch.nansum",
    "nanprod": "torch.nan_to_num(x, nan=1.0) then torch.prod",
    "genfromtxt": "numpy.genfromtxt then np.array",
    "save": "torch.save",
    "load": "torch.load",
    "savez": "torch.save",
}


__getattr__ = module_getattr("mxnet.np", _TORCH_EQUIVALENTS)
