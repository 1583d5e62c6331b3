"""MXNet 1.9.1's legacy ``nd`` operators on integer arrays, as measured on real MXNet.

MXNet hands every scalar operand to its kernels as a C double and converts it to the array's
dtype by C's rule (:func:`.np_int_rules.c_cast_scalar`): ``int32_array * 2.7`` is ``* 2``,
``x + nan`` and ``x + 3e9`` add INT32_MIN on an int32 array, ``uint8_array + 300.0`` adds 44, an
int64 array adds an int rounded to a double first. The kernels then compute:

* ``+ - *`` and the comparisons in the array's dtype (wrapping on overflow);
* ``/`` by truncation (a zero divisor, or INT_MIN / -1, kills MXNet's process; the shim
  raises instead);
* ``%`` as Python's modulo, with 0 where the divisor is 0;
* ``**`` (scalar or array exponent, either side) and ``scalar / array`` in float32, the result
  converted back by C's rule: ``int32 [16777217] ** 1`` is 16777216, ``7 ** 11`` is 1977326720,
  ``7 / int_zeros`` is INT32_MIN.

``tests/test_nd_int_ops.py`` compares these side by side with real MXNet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .base import MXNetError
from .int_variables import truncated_division, zero_gradient
from .np_int_rules import INTEGER_DTYPES as _INTEGER
from .np_int_rules import c_cast, c_cast_scalar

__all__ = ["ARRAY_OPS", "array_op", "function_op", "scalar_of", "scalar_op", "trunc_div"]

_F32, _F64 = torch.float32, torch.float64
_WIDE = (torch.int32, torch.int64)
# Torch's own method: NDArray's methods are MXNet's (x.to is not, but stay on the safe side).
_to = torch._C.TensorBase.to
_dtype = torch._C.TensorBase.dtype.__get__


def scalar_of(value: Any, dtype: torch.dtype) -> int:
    """A Python or numpy number as MXNet's kernel for an integer array of ``dtype`` sees it."""
    if type(value) is int and dtype in _WIDE and -(2**31) <= value < 2**31:
        return value
    return c_cast_scalar(float(value), dtype)


def _f32(value: int) -> float:
    return float(torch.tensor(value, dtype=_F32))


def _f32_operand(x: torch.Tensor) -> torch.Tensor:
    return _to(_to(x, _F32), _F64)  # the operand as float32 first, as MXNet converts it


def _f32_pow(base: Any, exponent: Any, dtype: torch.dtype) -> torch.Tensor:
    # powf of the float32 operands: pow in float64 is exact where a float32 result can be, and
    # its rounding to float32 is then the correctly rounded powf.
    return c_cast(_to(torch.pow(base, exponent), _F32), dtype)


def _mod(a: Any, b: Any, dtype: torch.dtype) -> torch.Tensor:
    # Python's modulo computed in float64 (int64 beyond 2**53 rounds first), 0 by a zero divisor.
    a = _to(a, _F64) if isinstance(a, torch.Tensor) else torch.tensor(float(a), dtype=_F64)
    b = _to(b, _F64) if isinstance(b, torch.Tensor) else torch.tensor(float(b), dtype=_F64)
    r = torch.fmod(a, b)
    r = torch.where(torch.ne(r, 0) & torch.ne(torch.lt(r, 0), torch.lt(b, 0)), r + b, r)
    return c_cast(torch.where(torch.eq(b, 0), 0.0, r), dtype)


def trunc_div(a: torch.Tensor, b: Any) -> torch.Tensor:
    """``a / b`` of integer arrays, truncated; raises where MXNet's (and torch's) process dies."""
    dt = _dtype(a)
    if dt in _WIDE:
        # INT_MIN / -1 traps (SIGFPE) in C, in MXNet and in torch alike.
        minus_one = b == -1 if not isinstance(b, torch.Tensor) else bool(torch.eq(b, -1).any())
        if minus_one and bool(torch.eq(a, torch.iinfo(dt).min).any()):
            raise MXNetError(
                f"integer division overflow: the smallest {str(dt)[6:]} divided by -1 "
                "(MXNet 1.9.1's process dies of SIGFPE here). Hint: divide in int64 or float"
            )
    return torch.div(a, b, rounding_mode="trunc")


_SCALAR: dict[str, Callable[[torch.Tensor, int, torch.dtype], torch.Tensor]] = {
    "__add__": lambda x, a, dt: torch.add(x, a),
    "__radd__": lambda x, a, dt: torch.add(x, a),
    "__sub__": lambda x, a, dt: torch.sub(x, a),
    "__rsub__": lambda x, a, dt: torch.rsub(x, a),
    "__mul__": lambda x, a, dt: torch.mul(x, a),
    "__rmul__": lambda x, a, dt: torch.mul(x, a),
    "__truediv__": lambda x, a, dt: trunc_div(x, a),
    "__rtruediv__": lambda x, a, dt: c_cast(
        torch.div(torch.tensor(float(a), dtype=_F32), _to(x, _F32)), dt
    ),
    "__mod__": lambda x, a, dt: _mod(x, a, dt),
    "__rmod__": lambda x, a, dt: _mod(a, x, dt),
    "__pow__": lambda x, a, dt: _f32_pow(_f32_operand(x), _f32(a), dt),
    "__rpow__": lambda x, a, dt: _f32_pow(_f32(a), _f32_operand(x), dt),
}


def scalar_op(name: str, x: torch.Tensor, value: Any, dtype: torch.dtype) -> torch.Tensor:
    """``x <name> value`` for an integer array ``x`` of ``dtype`` and a number, as MXNet."""
    if "_mx_shadow" in x.__dict__:  # an integer variable inside record()
        if name in _MODULO:
            return _untracked_mod(name, x, value, dtype)
        if name == "__truediv__":
            a = scalar_of(value, dtype)
            with torch._C.DisableTorchFunctionSubclass():
                out = trunc_div(_detach(x), a)
            return truncated_division(out, x, a)
    return _SCALAR[name](x, scalar_of(value, dtype), dtype)


_MODULO = ("__mod__", "__rmod__")


def _untracked_mod(name: str, a: Any, b: Any, dtype: torch.dtype) -> torch.Tensor:
    # An integer variable (or a result recorded from one): MXNet's % has a zero gradient to
    # both operands. The values come from plain views (no integer-variable dispatch).
    with torch._C.DisableTorchFunctionSubclass():
        if isinstance(b, torch.Tensor):
            out = array_op(name, _detach(a), _detach(b), dtype)
        else:
            out = scalar_op(name, _detach(a), b, dtype)
    src = a if "_mx_shadow" in a.__dict__ else b
    out.__class__ = getattr(type(src), "_mx_plain_class", type(src))  # the array's class
    return zero_gradient(out, a, b)


_detach = torch._C.TensorBase.detach


def array_op(name: str, a: torch.Tensor, b: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``a <name> b`` for two integer arrays of ``dtype`` where MXNet differs from torch."""
    if name in _MODULO and ("_mx_shadow" in a.__dict__ or "_mx_shadow" in b.__dict__):
        return _untracked_mod(name, a, b, dtype)
    if name in ("__rtruediv__", "__rmod__", "__rpow__"):
        a, b = b, a
    if name in ("__truediv__", "__rtruediv__"):
        return trunc_div(a, b)
    if name in ("__mod__", "__rmod__"):
        return _mod(a, b, dtype)
    return _f32_pow(_f32_operand(a), _f32_operand(b), dtype)


ARRAY_OPS = frozenset({"__truediv__", "__rtruediv__", "__mod__", "__rmod__", "__pow__", "__rpow__"})


# nd.divide / nd.modulo / nd.power (and their broadcast_/elemwise_ forms) on integer arrays.
_FUNCTIONS = {
    "divide": ("__truediv__", "__rtruediv__"),
    "modulo": ("__mod__", "__rmod__"),
    "power": ("__pow__", "__rpow__"),
}


def function_op(name: str, lhs: Any, rhs: Any) -> torch.Tensor | None:
    """``nd.<name>(lhs, rhs)`` as the operators compute it when an integer array of one dtype
    meets a number or an array of its dtype; ``None`` where the caller's own rules apply."""
    names = _FUNCTIONS.get(name)
    if names is None:
        return None
    lt, rt = isinstance(lhs, torch.Tensor), isinstance(rhs, torch.Tensor)
    dt = _dtype(lhs) if lt else _dtype(rhs) if rt else None
    if dt is None or dt not in _INTEGER:
        return None
    if lt and rt:
        return array_op(names[0], lhs, rhs, dt) if _dtype(rhs) is dt else None
    return scalar_op(names[0], lhs, rhs, dt) if lt else scalar_op(names[1], rhs, lhs, dt)
