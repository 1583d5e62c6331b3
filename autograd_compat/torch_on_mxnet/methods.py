"""The Tensor's methods and operators of the torch dialect on MXNet: one table, installed on import.

``_METHODS`` maps each torch method or dunder name to the dialect's op (adding a method is one
entry); the in-place ones (``add_``, ``zero_``, ``copy_`` ...) are built by ``_inplace`` with
torch's rules for in-place writes (allowed on non-leaves, rebinding the graph; refused on a leaf
that requires grad). The package's ``__init__`` imports this module, so every Tensor has them.
The methods that reach the ops or the engines (``backward``, ``contiguous``, ``copy`` ...) are
installed here, above both, rather than written in :mod:`.tensor`, below them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mxnet as _mx
import numpy as _onp

from . import _raw
from .creation import full, ones, tensor, zeros
from .dtypes import _builtin_float, _builtin_int, bool_, float16, float32, float64, int32, int64
from .engine import tensor_backward
from .grad_mode import no_grad
from .graph import _mx_recording, as_named
from .indexing import (
    _after_write,
    _apply_inplace,
    _before_write,
    _check_inplace,
    getitem,
    narrow,
    select,
    setitem,
)
from .linalg import dot, matmul, mm, mv
from .nn import functional
from .pointwise import (  # abs, pow: the dialect's ops, not the builtins
    abs,
    add,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    clamp,
    cos,
    div,
    eq,
    exp,
    floor_divide,
    ge,
    gt,
    invert,
    le,
    log,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    reciprocal,
    relu,
    remainder,
    rsub,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    tanh,
    where,
)
from .recording import _needs
from .reductions import argmax, argmin, max, mean, min, norm, prod, sum  # the dialect's
from .scopes import _Paused, _run
from .shape_ops import (
    clone,
    expand,
    expand_as,
    flatten,
    permute,
    reshape,
    squeeze,
    t,
    to,
    transpose,
    unsqueeze,
    view,
)
from .tensor import Tensor, _shp, _wrap

_mnp = _mx.np


def _inplace(fn: Callable, mx_inplace: Callable | None = None) -> Callable:
    """torch's in-place op: allowed on non-leaves (rebinds the graph), under no_grad, and on
    tensors that do not require grad; a leaf that requires grad raises torch's error."""

    def op(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _check_inplace(self)
        if _needs(self, *args):
            _before_write(self, True)
            # the node saves the value before the write (torch's original_self), not `self`,
            # which is about to change (its own array when views share it)
            nd = self._nd if "_family" not in self.__dict__ else _run(False, self._nd.copy)
            res = fn(_wrap(nd, self._node, self._idx), *args, **kwargs)
            if res.dtype is not self.dtype:
                res = res.to(self.dtype)
            _apply_inplace(self, res)
            self._version += 1
            return self
        _before_write(self, False)
        self._version += 1
        if mx_inplace is not None and not kwargs and len(args) == 1:
            o = args[0]
            if (isinstance(o, Tensor) and o.dtype is self.dtype and _shp(o) == _shp(self)) or (
                isinstance(o, (_builtin_float, _builtin_int)) and self.dtype._cat == 2
            ):
                with _Paused():
                    mx_inplace(self._nd, o._nd if isinstance(o, Tensor) else o)
                _after_write(self)
                return self
        with no_grad():
            res = fn(self, *args, **kwargs)
        with _Paused():
            _raw.assign(self._nd, res._nd)
        _after_write(self)
        return self

    return op


def _iadd(a: Any, b: Any) -> None:
    _mnp.add(a, b, out=a)


def _isub(a: Any, b: Any) -> None:
    _mnp.subtract(a, b, out=a)


def _imul(a: Any, b: Any) -> None:
    _mnp.multiply(a, b, out=a)


def _idiv(a: Any, b: Any) -> None:
    _mnp.true_divide(a, b, out=a)


def _rdiv(a: Tensor, b: Any) -> Tensor:
    # torch computes `s / x` as `x.reciprocal() * s` (MulBackward0)
    return mul(reciprocal(a), b)


def _zero_(self: Tensor) -> Tensor:
    return _fill_(self, 0, "ZeroBackward0")


def _fill_(self: Tensor, value: Any, name: str = "") -> Tensor:
    _check_inplace(self)
    if _needs(self, value):
        name = name or ("FillBackward3" if isinstance(value, Tensor) else "FillBackward2")
        return _overwrite(self, value, name)
    _before_write(self, False)
    self._version += 1
    with _Paused():
        _raw.assign(self._nd, value.item() if isinstance(value, Tensor) else value)
    _after_write(self)
    return self


def _copy_(self: Tensor, src: Tensor) -> Tensor:
    _check_inplace(self)
    if _needs(self, src):
        return _overwrite(self, src, "CopyBackwards")
    _before_write(self, False)
    self._version += 1
    with _Paused():
        _raw.assign(self._nd, src._nd)
    _after_write(self)
    return self


def _overwrite(self: Tensor, value: Any, name: str) -> Tensor:
    """Recorded ``zero_``/``fill_``/``copy_``: the new value does not depend on the old one
    (no gradient to it, as torch's nodes give); a tensor ``value`` gets the gradient."""
    _before_write(self, True)
    if isinstance(value, Tensor):
        value = to(expand(value, tuple(self.shape)), self.dtype)
    every = _wrap(_run(False, _mnp.ones, _shp(self), _onp.bool_))
    res = where(every, value, self)
    if res.dtype is not self.dtype:
        res = res.to(self.dtype)
    as_named(res, name)
    _apply_inplace(self, res)
    self._version += 1
    return self


def _T_prop(self: Tensor) -> Tensor:
    if self.dim() == 2:
        return permute(self, 1, 0)
    return permute(self, *reversed(range(self.dim())))


def _type_as(self: Tensor, other: Tensor) -> Tensor:
    return to(self, other.dtype)


def _matmul_r(self: Tensor, other: Any) -> Tensor:
    return matmul(other, self)


def _new_factory(fn: Callable) -> Callable:
    def new(
        self: Tensor, *args: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
    ) -> Tensor:
        return fn(*args, dtype=dtype or self.dtype, requires_grad=requires_grad)

    return new


def softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``Tensor.softmax`` and ``torch.softmax``."""
    return functional.softmax(self, dim, dtype=dtype)


def log_softmax(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """``Tensor.log_softmax`` and ``torch.log_softmax``."""
    return functional.log_softmax(self, dim, dtype=dtype)


def _contiguous(self: Tensor) -> Tensor:
    # a copied view (t(), permute, ...) is not contiguous in torch: contiguous() copies
    return clone(self) if "_copied" in self.__dict__ else self


def _mx_copy(self: Tensor) -> Tensor:
    """MXNet's ``copy``: differentiable inside ``record()``, a constant outside it."""
    if _mx_recording():
        return clone(self)
    return _wrap(_run(False, self._nd.copy))


_METHODS: dict[str, Any] = {
    "new_zeros": _new_factory(lambda *size, **kw: zeros(*size, **kw)),
    "new_ones": _new_factory(lambda *size, **kw: ones(*size, **kw)),
    "new_empty": _new_factory(lambda *size, **kw: zeros(*size, **kw)),
    "new_full": _new_factory(lambda size, v, **kw: full(size, v, **kw)),
    "new_tensor": _new_factory(lambda data, **kw: tensor(data, **kw)),
    "backward": tensor_backward,
    "contiguous": _contiguous,
    "copy": _mx_copy,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "__add__": add,
    "__radd__": lambda s, o: add(o, s) if isinstance(o, Tensor) else add(s, o),
    "__sub__": sub,
    "__rsub__": rsub,
    "__mul__": mul,
    "__rmul__": lambda s, o: mul(s, o),
    "__truediv__": div,
    "__rtruediv__": _rdiv,
    "__floordiv__": floor_divide,
    "__rfloordiv__": lambda s, o: floor_divide(o, s),
    "__mod__": remainder,
    "__pow__": pow,
    "__rpow__": lambda s, o: pow(o, s),
    "__matmul__": matmul,
    "__rmatmul__": _matmul_r,
    "__neg__": neg,
    "__pos__": lambda s: s,
    "__abs__": abs,
    "__eq__": eq,
    "__ne__": ne,
    "__lt__": lt,
    "__le__": le,
    "__gt__": gt,
    "__ge__": ge,
    "__and__": bitwise_and,
    "__or__": bitwise_or,
    "__xor__": bitwise_xor,
    "__rand__": bitwise_and,
    "__ror__": bitwise_or,
    "__rxor__": bitwise_xor,
    "__invert__": invert,
    "__getitem__": getitem,
    "__setitem__": setitem,
    "__iadd__": _inplace(add, _iadd),
    "__isub__": _inplace(sub, _isub),
    "__imul__": _inplace(mul, _imul),
    "__itruediv__": _inplace(div, _idiv),
    "add_": _inplace(add, _iadd),
    "sub_": _inplace(sub, _isub),
    "mul_": _inplace(mul, _imul),
    "div_": _inplace(div, _idiv),
    "clamp_": _inplace(clamp),
    "zero_": _zero_,
    "fill_": _fill_,
    "copy_": _copy_,
    "add": add,
    "sub": sub,
    "mul": mul,
    "div": div,
    "pow": pow,
    "neg": neg,
    "exp": exp,
    "log": log,
    "sqrt": sqrt,
    "sin": sin,
    "cos": cos,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "relu": relu,
    "abs": abs,
    "sign": sign,
    "reciprocal": reciprocal,
    "square": square,
    "clamp": clamp,
    "clip": clamp,
    "maximum": maximum,
    "minimum": minimum,
    "sum": sum,
    "mean": mean,
    "prod": prod,
    "max": max,
    "min": min,
    "argmax": argmax,
    "argmin": argmin,
    "norm": norm,
    "dot": dot,
    "mm": mm,
    "mv": mv,
    "matmul": matmul,
    "t": t,
    "T": property(_T_prop),
    "mT": property(lambda s: transpose(s, -2, -1)),
    "reshape": reshape,
    "view": view,
    "view_as": lambda s, o: reshape(s, tuple(o.shape)),
    "reshape_as": lambda s, o: reshape(s, tuple(o.shape)),
    "squeeze": squeeze,
    "unsqueeze": unsqueeze,
    "transpose": transpose,
    "permute": permute,
    "flatten": flatten,
    "expand": expand,
    "expand_as": expand_as,
    "clone": lambda s, memory_format=None: clone(s),
    "to": to,
    "type_as": _type_as,
    "float": lambda s: to(s, float32),
    "double": lambda s: to(s, float64),
    "half": lambda s: to(s, float16),
    "long": lambda s: to(s, int64),
    "int": lambda s: to(s, int32),
    "bool": lambda s: to(s, bool_),
    "eq": eq,
    "ne": ne,
    "lt": lt,
    "le": le,
    "gt": gt,
    "ge": ge,
    "narrow": narrow,
    "select": select,
    "equal": lambda s, o: bool(
        s.shape == o.shape and bool(_onp.array_equal(s._numpy(), o._numpy()))
    ),
    "allclose": lambda s, o, rtol=1e-05, atol=1e-08: bool(
        _onp.allclose(s._numpy(), o._numpy(), rtol, atol)
    ),
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
