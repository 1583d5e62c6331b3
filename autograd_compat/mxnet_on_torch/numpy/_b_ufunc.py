"""NumPy's ufunc keywords (``where``, ``casting``, ``order``, ``dtype``, ``subok``) on the
element-wise functions of ``mxnet.np``, refused as MXNet 1.9.1 refuses them.

MXNet accepts each keyword at its NumPy default only: another legal value raises
``NotImplementedError``, a value NumPy would not understand ``TypeError``, an unknown keyword
``TypeError``. Ignoring them instead would silently compute something else (``where=False``).
"""

from __future__ import annotations

from typing import Any

import numpy as onp
import torch

from ..base import MXNetError
from ..ndarray import torch_dtype

__all__ = ["check_out", "check_ufunc_kwargs"]

_DEFAULTS: dict[str, Any] = {
    "where": True,
    "casting": "same_kind",
    "order": "K",
    "dtype": None,
    "subok": True,
}
_CASTINGS = frozenset({"no", "equiv", "safe", "same_kind", "unsafe"})
_DTYPES = frozenset({"int8", "uint8", "int32", "int64", "float16", "float32", "float64"})


def _legal(key: str, value: Any) -> bool:
    if key == "where":
        return True
    if key == "casting":
        return value in _CASTINGS
    if key == "order":
        return isinstance(value, str)
    if key == "dtype":
        try:
            return onp.dtype(value).name in _DTYPES
        except TypeError:
            return False
    return key == "subok" and isinstance(value, bool)


def check_ufunc_kwargs(name: str, kwargs: dict[str, Any]) -> None:
    """Raise as MXNet does for ufunc keywords other than their defaults in ``kwargs``."""
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise TypeError(f"{key} is an invalid keyword to function '{name}'")
        default = _DEFAULTS[key]
        if value is default or (isinstance(value, str | bool) and value == default):
            continue
        if _legal(key, value):
            raise NotImplementedError(f"{key}={value} is not implemented yet for operator {name}")
        raise TypeError(f"{key}={value} not understood for operator {name}")


def check_out(name: str, out: Any, result: torch.Tensor) -> None:
    """``out`` must have the result's dtype: a predicate (bool result) refuses another dtype with
    ``TypeError``, other functions with ``MXNetError``, as MXNet's type inference does."""
    want, have = torch_dtype(result), torch_dtype(out)
    if want == have:
        return
    if want == torch.bool:
        raise TypeError(f"the `out` parameter should be a boolean array for np.{name}")
    raise MXNetError(
        f"np.{name}: out has dtype {str(have).removeprefix('torch.')}, the result "
        f"{str(want).removeprefix('torch.')}. Hint: pass an out array of the result's dtype."
    )
