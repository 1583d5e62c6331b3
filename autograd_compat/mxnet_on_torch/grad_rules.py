"""MXNet 1.9.1's own derivative rules where they are not the true ones: ``arcsinh``, ``arccosh``.

MXNet's second derivative of ``arcsinh`` is ``+x/(x²+1)^1.5`` and of ``arccosh``
``+x/(x²-1)^1.5``: the opposite sign of the true ones (measured on MXNet 1.9.1, ``nd`` and ``np``
alike; ``docs/mxnet_np.md`` lists it). MXNet programs get MXNet's numbers, so these two ops run a
:class:`torch.autograd.Function` pair that rebuilds MXNet's gradient graph from torch ops: the
first derivative is ``dy * f'(x)`` (node ``n``); differentiating ``n`` gives ``og * f'(x)`` to
``dy`` and ``og * n * f'(x)² * x`` to ``x``, where ``n`` and ``f'(x)`` are differentiated by this
rule again, so third and higher derivatives are MXNet's too (checked to third order). Without a
gradient to record, the ops are torch's kernels (the values are the same).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

__all__ = ["arccosh", "arcsinh"]


def _asinh_slope(x: torch.Tensor) -> torch.Tensor:
    return 1 / torch.sqrt(x * x + 1)


def _acosh_slope(x: torch.Tensor) -> torch.Tensor:
    return 1 / torch.sqrt(x * x - 1)


class _Slope(torch.autograd.Function):
    """``dy * f'(x)``, MXNet's backward node of ``f``, differentiated with MXNet's rule."""

    @staticmethod
    def forward(ctx: Any, dy: torch.Tensor, x: torch.Tensor, slope: Callable) -> torch.Tensor:
        ctx.save_for_backward(dy, x)
        ctx.slope = slope
        return dy * slope(x)

    @staticmethod
    def backward(ctx: Any, og: torch.Tensor) -> tuple:
        dy, x = ctx.saved_tensors
        # n and f'(x) are nodes of this rule themselves, so their derivatives are MXNet's too.
        n = _Slope.apply(dy, x, ctx.slope)
        fx = _Slope.apply(torch.ones_like(dy), x, ctx.slope)
        return og * fx, og * (n * fx.square() * x), None


def _function(name: str, forward: Callable, slope: Callable) -> type:
    def fwd(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return forward(x)

    def bwd(ctx: Any, dy: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return _Slope.apply(dy, x, slope)

    return type(
        name,
        (torch.autograd.Function,),
        {"forward": staticmethod(fwd), "backward": staticmethod(bwd)},
    )


_Arcsinh = _function("Arcsinh", torch.asinh, _asinh_slope)
_Arccosh = _function("Arccosh", torch.acosh, _acosh_slope)


def arcsinh(x: torch.Tensor) -> torch.Tensor:
    """Inverse hyperbolic sine; its derivatives are MXNet 1.9.1's (see the module's doc)."""
    if x.requires_grad and torch.is_grad_enabled():
        return _Arcsinh.apply(x)
    return torch.asinh(x)


def arccosh(x: torch.Tensor) -> torch.Tensor:
    """Inverse hyperbolic cosine; its derivatives are MXNet 1.9.1's (see the module's doc)."""
    if x.requires_grad and torch.is_grad_enabled():
        return _Arccosh.apply(x)
    return torch.acosh(x)
