"""Operations torch leaves out of its graph that MXNet records, for both array classes.

A comparison (``x == y``, ``x < 1``) recorded by MXNet has a zero gradient: ``backward()`` on it
writes zeros into the variables behind it. torch's comparison results carry no graph, so the
recorded inputs are remembered on the result and, at ``backward()``, the variables behind them
become the head's constant-derivative set (``_mx_const``, which autograd connects with zeros).

``scalar % array`` has no derivative in torch (its graph node is missing); with the scalar as a
0-d tensor (same type promotion) torch records it, and MXNet's gradient ``-floor(s / x)`` follows.
"""

from __future__ import annotations

from typing import Any

import torch

from . import autograd as _ag

__all__ = ["connect_compared", "remember_compared", "scalar_operand"]


def remember_compared(result: torch.Tensor, a: Any, b: Any) -> None:
    """Mark a comparison's ``result`` as recorded when ``a``/``b`` are, inside ``record()``."""
    if _ag.is_recording() and (
        (isinstance(a, torch.Tensor) and a.requires_grad)
        or (isinstance(b, torch.Tensor) and b.requires_grad)
    ):
        result._mx_compared = (a, b)


def connect_compared(head: torch.Tensor) -> None:
    """Before ``backward()`` on ``head``: give a recorded comparison its constant derivative."""
    inputs = head.__dict__.get("_mx_compared")
    if inputs is None or "_mx_const" in head.__dict__:
        return
    found: list[torch.Tensor] = []
    for t in inputs:
        if not isinstance(t, torch.Tensor) or not t.requires_grad:
            continue
        fn = t.grad_fn
        if fn is None:
            found.append(t)
        else:
            found.extend(_ag._walk([fn])[0])
    head._mx_const = tuple(found)


def scalar_operand(scalar: Any, array: torch.Tensor) -> Any:
    """``scalar`` as a 0-d tensor when ``array`` needs a gradient of ``scalar % array``."""
    if type(scalar) in (int, float) and array.requires_grad:
        return torch.tensor(scalar, device=array.device)
    return scalar
