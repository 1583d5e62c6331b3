"""Legacy ``nd`` operators with MXNet 1.9.1's argument checks: ``moveaxis``, ``broadcast_like``.

``nd.py`` lists them after :mod:`.nd_ops`, so these replace the simpler versions there.
"""

from __future__ import annotations

from typing import Any

import torch

from .base import MXNetError

__all__ = ["broadcast_like", "moveaxis"]


def _axes(value: Any, ndim: int, what: str) -> list[int]:
    axes = [value] if isinstance(value, int) else list(value)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{what} should verify 0 <= {what.lower()} < tensor.ndim ({ndim}). Got {a}"
            )
    axes = [a % ndim for a in axes]
    if len(set(axes)) != len(axes):
        raise ValueError("repeated axis")
    return axes


def moveaxis(tensor: torch.Tensor, source: Any, destination: Any) -> torch.Tensor:
    """A copy with axes ``source`` moved to ``destination`` (ints or sequences of ints); axes out
    of range, repeated axes or sequences of different lengths raise ``ValueError``."""
    src = _axes(source, tensor.dim(), "Source")
    dst = _axes(destination, tensor.dim(), "Destination")
    if len(src) != len(dst):
        raise ValueError(
            "`source` and `destination` arguments must have the same number of elements"
        )
    return torch.movedim(tensor, tuple(src), tuple(dst)).contiguous()


def _tuple(v: Any) -> tuple:
    return tuple(v) if isinstance(v, list | tuple) else (v,)


def broadcast_like(
    lhs: torch.Tensor, rhs: torch.Tensor, lhs_axes: Any = None, rhs_axes: Any = None
) -> torch.Tensor:
    """``lhs`` broadcast to the shape of ``rhs``, or only its axes ``lhs_axes`` to the lengths of
    ``rhs``'s axes ``rhs_axes`` (negative axes count from the end)."""
    if lhs_axes is None and rhs_axes is None:
        return lhs.expand_as(rhs)
    la, ra = (
        _tuple(() if lhs_axes is None else lhs_axes),
        _tuple(() if rhs_axes is None else rhs_axes),
    )
    if not la:
        raise MXNetError("Empty axes tuple is not allowed")
    if len(la) != len(ra):
        raise MXNetError(f"lhs_axes {la} and rhs_axes {ra} must have the same length")
    shape = list(lhs.shape)
    for a, b in zip(la, ra):
        shape[a] = rhs.shape[b]
    return lhs.expand(shape)
