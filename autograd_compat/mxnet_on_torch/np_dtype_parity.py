"""MXNet 1.9.1's ``np`` operators that refuse operands of two dtypes.

Most of MXNet's binary ``np`` operators promote mixed dtypes as NumPy does, and so does torch.
A few do not, measured on MXNet 1.9.1: ``maximum``, ``minimum``, ``arctan2``, ``hypot``,
``where``'s two branches and the comparisons (``==``, ``<``, ``np.less``, ...; a 0-d operand
too) refuse any pair of different dtypes (float32 with float64, int32 with int64, int32 with a
0-d float32, float32 with bool) with ``MXNetError`` ("Type inconsistent"); ``divide`` of two
floating arrays of different dtypes, or two integer arrays of different dtypes, fails in its
kernel ("not implemented yet", reported at the next read; any shapes, 0-d included). The dialect
raises the same error at the call instead of computing what MXNet cannot.
"""

from __future__ import annotations

from typing import Any

import torch

from .base import MXNetError

__all__ = ["COMPARISON_NAMES", "STRICT_DTYPES", "check_same_dtype", "divide", "promote_0d"]

STRICT_DTYPES = frozenset(
    {"maximum", "minimum", "arctan2", "hypot", "where"}
    | {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal"}
)
# The operators' names for the comparison ufuncs (x < y is np.less(x, y)).
COMPARISON_NAMES = {
    "__eq__": "equal",
    "__ne__": "not_equal",
    "__lt__": "less",
    "__le__": "less_equal",
    "__gt__": "greater",
    "__ge__": "greater_equal",
}
_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype


def check_same_dtype(name: str, x1: Any, x2: Any) -> None:
    """MXNet's ``MXNetError`` when both operands of ``np.<name>`` are arrays of two dtypes."""
    if isinstance(x1, torch.Tensor) and isinstance(x2, torch.Tensor):
        d1, d2 = _torch_dtype(x1), _torch_dtype(x2)
        if d1 is not d2:
            raise MXNetError(
                f"np.{name}: operands of dtypes {str(d1)[6:]} and {str(d2)[6:]}: MXNet 1.9.1 "
                "requires one dtype here (Incompatible attr / Type inconsistent). Hint: cast one "
                "operand with .astype()"
            )


def promote_0d(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Both arrays in their common dtype when exactly one is 0-d and the dtypes differ.

    MXNet's np ranks a 0-d array like any other array in type promotion; torch ranks it with the
    Python numbers (float32 array + 0-d float64 array: float64 in MXNet 1.9.1, float32 in torch;
    int32 + 0-d int64: int64 and int32; float16 + 0-d float32: float32 and float16). Measured
    on real MXNet, the common dtype is ``torch.promote_types`` in every pair.
    """
    da, db = _torch_dtype(a), _torch_dtype(b)
    if da is db or (a.dim() == 0) is (b.dim() == 0):
        return a, b
    t = torch.promote_types(da, db)
    return a.to(t), b.to(t)


def divide(a: Any, b: Any) -> torch.Tensor:
    """``true_divide``; MXNet's error for two floating or two integer arrays of different dtypes."""
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        da, db = _torch_dtype(a), _torch_dtype(b)
        if da is not db:
            if (
                a.is_floating_point() is b.is_floating_point()
                and da is not torch.bool
                and db is not torch.bool
            ):
                raise MXNetError(
                    f"not implemented yet: MXNet 1.9.1's np.true_divide of arrays of dtypes "
                    f"{str(da)[6:]} and {str(db)[6:]} fails in its kernel. Hint: cast one operand "
                    "with .astype()"
                )
            a, b = promote_0d(a, b)
    return torch.true_divide(a, b)
