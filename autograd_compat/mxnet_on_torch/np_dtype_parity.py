"""MXNet 1.9.1's ``np`` operators that refuse operands of two dtypes.

Most of MXNet's binary ``np`` operators promote mixed dtypes as NumPy does, and so does torch.
A few do not, measured on MXNet 1.9.1: ``maximum``, ``minimum``, ``arctan2``, ``hypot`` and
``where``'s two branches refuse any pair of different dtypes (float32 with float64, int32 with
int64, float32 with bool) with ``MXNetError``; ``divide`` of two floating arrays of different
dtypes computes forward but its backward fails ("not implemented yet"). The dialect raises the
same error at the same point instead of computing what MXNet cannot.
"""

from __future__ import annotations

from typing import Any

import torch

from .base import MXNetError

__all__ = ["STRICT_DTYPES", "check_same_dtype", "divide", "mixed_float_division"]

STRICT_DTYPES = frozenset({"maximum", "minimum", "arctan2", "hypot", "where"})
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


class _MixedFloatDivide(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.true_divide(a, b)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[None, None]:
        raise MXNetError(
            "not implemented yet: MXNet 1.9.1 has no backward for np.divide of two floating "
            "arrays of different dtypes. Hint: cast one operand with .astype()"
        )


def mixed_float_division(a: Any, b: Any) -> bool:
    """Whether ``a / b`` is recorded between two floating arrays of different dtypes."""
    return (
        isinstance(a, torch.Tensor)
        and isinstance(b, torch.Tensor)
        and a.is_floating_point()
        and b.is_floating_point()
        and _torch_dtype(a) is not _torch_dtype(b)
        and torch.is_grad_enabled()
        and (a.requires_grad or b.requires_grad)
    )


def divide(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``true_divide``; recorded with two floating dtypes, its backward raises as MXNet's."""
    if mixed_float_division(a, b):
        return _MixedFloatDivide.apply(a, b)
    return torch.true_divide(a, b)
