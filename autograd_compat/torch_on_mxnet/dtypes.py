"""torch's dtypes for the torch dialect on MXNet, and torch's type promotion rules.

A :class:`dtype` carries its NumPy twin (``.np``) and its category (bool < integer < floating);
``_promote`` and ``_combine`` are torch's rules for two operands and for the three priority
classes (dimensioned tensors, zero-dimensional tensors, Python scalars). The rule that looks at
tensors (``_result_type``) lives with the Tensor type.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as _onp


class dtype:  # noqa: N801 - torch's name
    """A torch dtype (``torch.float32`` ...); ``is_floating_point`` as in torch."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "_cat", "itemsize")

    def __init__(self, name: str, np_dtype: Any, cat: int) -> None:
        self.name = name
        self.np = _onp.dtype(np_dtype)
        self._cat = cat  # 0 bool, 1 integer, 2 floating
        self.is_floating_point = cat == 2
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:
        return self.name


float32 = dtype("float32", _onp.float32, 2)
float64 = dtype("float64", _onp.float64, 2)
float16 = dtype("float16", _onp.float16, 2)
int64 = dtype("int64", _onp.int64, 1)
int32 = dtype("int32", _onp.int32, 1)
int16 = dtype("int16", _onp.int16, 1)
int8 = dtype("int8", _onp.int8, 1)
uint8 = dtype("uint8", _onp.uint8, 1)
bool_ = dtype("bool", _onp.bool_, 0)
float = float32  # noqa: A001 - torch.float
double = float64
half = float16
long = int64
int = int32  # noqa: A001 - torch.int
short = int16
_DTYPES = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
_BY_NP = {d.np: d for d in _DTYPES}
_builtin_float = builtins.float
_builtin_int = builtins.int

_default_dtype = float32


def get_default_dtype() -> dtype:
    return _default_dtype


def _as_dtype(d: Any) -> dtype:
    if isinstance(d, dtype):
        return d
    if d is _builtin_float:
        return float64
    if d is _builtin_int:
        return int64
    if d is bool:
        return bool_
    return _BY_NP[_onp.dtype(d)]


def _promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a._cat != b._cat:  # torch: the higher category's type wins (int64 * float32: float32)
        return a if a._cat > b._cat else b
    return _BY_NP[_onp.promote_types(a.np, b.np)]


def _combine(higher: dtype | None, lower: dtype | None) -> dtype | None:
    # torch's rule for mixing the three priority classes (dimensioned tensors > zero-dim
    # tensors > Python scalars): a higher class wins unless the lower one is of a higher
    # category (bool < integer < floating), in which case the lower class's type is used
    # (promoted with the higher's when the higher is bool or the lower is floating).
    if higher is None:
        return lower
    if lower is None or higher._cat == 2:
        return higher
    if lower._cat > higher._cat:
        if lower._cat == 2:
            return lower
        return lower if higher._cat == 0 else higher
    return higher


def _scalar_dtype(v: Any) -> dtype:
    if isinstance(v, bool):
        return bool_
    if isinstance(v, _builtin_int):
        return int64
    return _default_dtype
