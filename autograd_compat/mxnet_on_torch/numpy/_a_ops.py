"""Element-wise ``np`` functions whose torch kernel needs MXNet's checks around it."""

from __future__ import annotations

import torch

from ..base import MXNetError

__all__ = ["bitwise_not"]


def bitwise_not(t: torch.Tensor) -> torch.Tensor:
    """``~t`` for integer and bool arrays; MXNet refuses floating-point ones (MXNetError)."""
    if t.is_floating_point() or t.is_complex():
        dt = str(t.dtype).replace("torch.", "")
        raise MXNetError(f"This operation only support integer types, not {dt}")
    return torch.bitwise_not(t)
