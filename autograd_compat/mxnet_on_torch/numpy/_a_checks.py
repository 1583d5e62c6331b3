"""Parameter checks of MXNet's ``np.random``/``npx.random`` samplers.

MXNet 1.9.1 refuses a bad distribution parameter (a negative scale, a non-positive shape, a
probability outside [0, 1]) with ``ValueError``, for Python numbers and for arrays alike (for
arrays it reads the whole parameter back from the device, as here). torch would sample NaN or
raise its own error instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

__all__ = ["at_least_zero", "between_zero_and_one", "positive"]


def _check(value: Any, ok: Callable[[Any], Any], message: str) -> None:
    if value is None:
        return
    if isinstance(value, torch.Tensor):
        good = value.numel() == 0 or bool(ok(torch._C.TensorBase.detach(value)).all())
    else:
        good = bool(torch.as_tensor(ok(torch.as_tensor(value))).all())
    if not good:
        raise ValueError(f"Check failed: {message}")


def at_least_zero(value: Any, message: str) -> None:
    """``ValueError(message)`` unless every element of ``value`` is ``>= 0``."""
    _check(value, lambda t: t >= 0, message)


def positive(value: Any, message: str) -> None:
    """``ValueError(message)`` unless every element of ``value`` is ``> 0``."""
    _check(value, lambda t: t > 0, message)


def between_zero_and_one(value: Any, message: str) -> None:
    """``ValueError(message)`` unless every element of ``value`` lies in ``[0, 1]``."""
    _check(value, lambda t: (t >= 0) & (t <= 1), message)
