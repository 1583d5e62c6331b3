"""MXNet 1.9.1's values and gradients at ties and kinks, for ``nd``, ``np`` and ``npx``.

torch splits a tie evenly (``maximum(x, x)`` gives each side 1/2, ``amax`` over k equal elements
gives each 1/k) and differs from MXNet at NaN and at a few rounding midpoints. MXNet gives the
whole gradient to one side (or to every tied element), and its rules, measured on MXNet 1.9.1, are
listed in ``docs/mxnet_np.md``. Each function here is built from torch ops whose own gradient is
already MXNet's (``torch.where`` routes the gradient to the branch it picked), so the autograd
engine stays torch's, second derivatives work, and the cost is a few extra kernels. Two need a
small :class:`torch.autograd.Function`: the reductions, since no torch reduction gives every
tied element the whole gradient, and ``relu``, whose NaN gradient no torch op gives in one
kernel.
"""

from __future__ import annotations

import math
from typing import Any

import torch

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

_NAN = float("nan")
_is_floating_point = torch._C.TensorBase.is_floating_point
_sum, _detach = torch._C.TensorBase.sum, torch._C.TensorBase.detach


def _floating(*ts: torch.Tensor) -> bool:
    return any(t.is_floating_point() for t in ts)


def _needs_grad(*ts: torch.Tensor) -> bool:
    return torch.is_grad_enabled() and any(t.requires_grad for t in ts)


# ---------------------------------------------------------------------------------------------
# maximum / minimum: ties go to the left operand; NaN propagates and gets no gradient
# ---------------------------------------------------------------------------------------------


def maximum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a >= b`` picks ``a`` (so a tie's gradient goes to ``a``), ``a < b`` picks ``b``, and a
    NaN on either side gives NaN with no gradient to either, as MXNet's maximum does."""
    if not (_floating(a, b) and _needs_grad(a, b)):
        return torch.maximum(a, b)  # the same values, in one kernel
    return torch.where(a >= b, a, torch.where(a < b, b, _NAN))


def minimum(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``a <= b`` picks ``a``; otherwise as :func:`maximum`."""
    if not (_floating(a, b) and _needs_grad(a, b)):
        return torch.minimum(a, b)  # the same values, in one kernel
    return torch.where(a <= b, a, torch.where(a > b, b, _NAN))


# ---------------------------------------------------------------------------------------------
# max / min reductions: every element equal to the result gets the whole gradient
# ---------------------------------------------------------------------------------------------


class _Extreme(torch.autograd.Function):
    """``amax``/``amin`` over ``dims`` (kept), whose gradient goes in full to every element equal
    to the result (MXNet's rule; a NaN result gives no element any gradient)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, dims: tuple[int, ...], largest: bool) -> torch.Tensor:
        out = (torch.amax if largest else torch.amin)(x, dim=dims, keepdim=True)
        ctx.save_for_backward(x == out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor | None, None, None]:
        (mask,) = ctx.saved_tensors
        # Written with differentiable ops so that create_graph=True can differentiate it again.
        return grad * mask, None, None


def extreme(
    x: torch.Tensor, dims: tuple[int, ...] | None, keepdim: bool, largest: bool
) -> torch.Tensor:
    """``max`` (``largest``) or ``min`` of ``x`` over ``dims`` (``None``: every axis), with
    MXNet's gradient at ties. The result keeps the reduced axes only if ``keepdim``."""
    fn = torch.amax if largest else torch.amin
    all_dims = dims is None
    if all_dims:
        dims = tuple(range(x.dim()))
    if not (x.requires_grad and torch.is_grad_enabled()):
        out = fn(x, dim=dims, keepdim=keepdim)
        return out
    out = _Extreme.apply(x, dims, largest)
    if keepdim:
        return out
    return out.reshape(()) if all_dims else out.squeeze(dims)


# ---------------------------------------------------------------------------------------------
# clip, relu and friends: the kinks belong to the inside; NaN keeps MXNet's value and gradient
# ---------------------------------------------------------------------------------------------


def clip(x: torch.Tensor, lo: Any, hi: Any) -> torch.Tensor:
    """MXNet's ``x < lo ? lo : (x > hi ? hi : x)``: the bounds themselves and NaN get gradient 1
    (torch's clamp gives NaN 0), and ``lo > hi`` gives ``lo`` below ``lo`` and ``hi`` elsewhere.
    Integer arrays take the bounds cast to their integer type, as MXNet does."""
    if not x.is_floating_point():
        lo = None if lo is None else int(lo)
        hi = None if hi is None else int(hi)
    if not _needs_grad(x):
        if lo is None or hi is None or lo <= hi:
            return torch.clamp(x, lo, hi)  # the same values, in one kernel
        return _clipped(x, lo, hi)
    return _Clip.apply(x, lo, hi)


def _clipped(x: torch.Tensor, lo: Any, hi: Any) -> torch.Tensor:
    out = x
    if hi is not None:
        out = torch.where(x > hi, hi, out)
    if lo is not None:
        out = torch.where(x < lo, lo, out)
    return out


class _Clip(torch.autograd.Function):
    """clip whose backward is MXNet's ``_backward_clip``: the gradient passes where ``x`` is
    inside ``[lo, hi]`` (bounds and NaN included), and that backward has no gradient of its own
    (MXNet 1.9.1 differentiates it to zeros: ``exp(clip(x))`` has second derivative 0)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, lo: Any, hi: Any) -> torch.Tensor:
        inside = torch.ones_like(x, dtype=torch.bool)
        if hi is not None:
            inside &= ~(x > hi)
        if lo is not None:
            inside &= ~(x < lo)
        ctx.save_for_backward(inside)
        return _clipped(x, lo, hi)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None, None]:
        (inside,) = ctx.saved_tensors
        return _ClipBackward.apply(grad, inside), None, None


class _ClipBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, grad: torch.Tensor, inside: torch.Tensor) -> torch.Tensor:
        return torch.where(inside, grad, 0.0)  # MXNet's kernel selects (a NaN outside gives 0)

    @staticmethod
    def backward(ctx: Any, gg: torch.Tensor) -> tuple[torch.Tensor, None]:
        return torch.zeros_like(gg), None


class _Relu(torch.autograd.Function):
    """MXNet's relu. Forward is torch's threshold (one kernel; ``-0.0`` gives ``+0.0``, NaN stays
    NaN); backward passes the gradient where the output is positive, 0 where it is 0, and NaN
    where it is NaN (torch's relu passes the gradient there)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        y = torch.nn.functional.threshold(x, 0.0, 0.0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        # threshold_backward is torch's relu backward (it passes the gradient at NaN too, and is
        # differentiable, so create_graph chains reach x); min(y, 0) is 0 except at NaN, where it
        # adds the NaN. No comparison kernels: they cost several times an arithmetic one.
        return torch.ops.aten.threshold_backward(grad, y, 0.0) + y.detach().clamp(max=0.0)


def relu(x: torch.Tensor) -> torch.Tensor:
    """MXNet's ``relu`` operator: 0 for ``x <= 0`` (also ``-0.0``, giving ``+0.0``), gradient 0 at
    0, and NaN stays NaN with gradient NaN (torch's relu gives NaN gradient 1)."""
    if not x.is_floating_point():
        return torch.relu(x)
    if not (x.requires_grad and torch.is_grad_enabled()):
        return torch.nn.functional.threshold(x, 0.0, 0.0)
    if math.isfinite(x.detach().sum()):
        # No NaN in x (a sum is one fast kernel): torch's own threshold gradient is MXNet's.
        return torch.nn.functional.threshold(x, 0.0, 0.0)
    return _Relu.apply(x)


def activation_relu(x: torch.Tensor) -> torch.Tensor:
    """``Activation(act_type='relu')``, a different MXNet kernel from ``relu``: NaN gives 0 with
    gradient 0."""
    # torch's own methods: Gluon's Activation calls this on legacy NDArrays directly.
    if not _is_floating_point(x):
        return torch.relu(x)
    if math.isfinite(_sum(_detach(x))):
        # No NaN in x (a sum is one fast kernel): torch's threshold alone gives MXNet's values
        # and gradients, without the comparison, select and extra graph node the NaN case needs.
        return torch.nn.functional.threshold(x, 0.0, 0.0)
    return torch.nn.functional.threshold(torch.where(torch.isnan(x), 0.0, x), 0.0, 0.0)


def leaky_relu(x: torch.Tensor, slope: float) -> torch.Tensor:
    """MXNet's leaky ReLU: ``slope * x`` for ``x <= 0`` (gradient ``slope`` at 0), ``x`` otherwise,
    so NaN has gradient 1 (torch gives ``slope``)."""
    return torch.where(x != x, x, torch.nn.functional.leaky_relu(x, slope))


# ---------------------------------------------------------------------------------------------
# Rounding at the midpoints (the gradient is 0 everywhere, as in torch)
# ---------------------------------------------------------------------------------------------


def round_half_away(x: torch.Tensor) -> torch.Tensor:
    """Legacy ``nd.round``: halves round away from zero (``-0.5 -> -1``, ``2.5 -> 3``)."""
    if not x.is_floating_point():
        return x.clone()
    t = torch.trunc(x)
    return torch.where((x - t).abs() == 0.5, t + torch.sign(x), torch.round(x))


def rint(x: torch.Tensor) -> torch.Tensor:
    """``rint`` (``nd`` and ``np``): a half rounds down, towards -inf (``-0.5 -> -1``,
    ``0.5 -> 0``, ``1.5 -> 1``): the lower neighbour unless the upper one is strictly closer."""
    if not x.is_floating_point():
        return x.clone()
    lo, hi = torch.floor(x), torch.ceil(x)
    return torch.where(x - lo <= hi - x, lo, hi)


def round_half_even(x: torch.Tensor, decimals: int = 0) -> torch.Tensor:
    """``np.round``/``np.around``: halves to even as NumPy does, except that ``-0.5`` gives
    ``+0.0`` (MXNet's result; torch and NumPy give ``-0.0``)."""
    if not x.is_floating_point():
        return x.clone()
    if decimals:
        return torch.round(x, decimals=decimals)
    return torch.where(x == -0.5, 0.0, torch.round(x))


# ---------------------------------------------------------------------------------------------
# Integer modulo by zero: MXNet gives 0 where torch raises
# ---------------------------------------------------------------------------------------------


def remainder(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Python's ``%`` sign rule (the divisor's sign). Integer division by zero gives 0, as in
    MXNet (torch raises)."""
    if a.is_floating_point() or b.is_floating_point() or _torch_dtype(a) == torch.bool:
        return torch.remainder(a, b)
    zero = b == 0
    if not bool(zero.any()):
        return torch.remainder(a, b)
    return torch.where(zero, 0, torch.remainder(a, torch.where(zero, 1, b)))


# ---------------------------------------------------------------------------------------------
# Sorting: ties keep their order (what MXNet's CPU sort gives for up to 16 elements per row)
# ---------------------------------------------------------------------------------------------


def sort(x: torch.Tensor, dim: int, descending: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Values and indices; equal values keep their original order. MXNet's CPU sort keeps it for
    rows of up to 16 elements; beyond that its order among equal values is unspecified."""
    return torch.sort(x, dim=dim, descending=descending, stable=True)


def topk(x: torch.Tensor, k: int, dim: int, largest: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``k`` of a stable sort, so ties pick the lowest indices (MXNet's pick for short
    rows). ``k < 1`` means the whole axis, as in MXNet."""
    n = x.shape[dim]
    if k < 1 or k > n:
        if k > n:
            raise RuntimeError(f"topk: k={k} is larger than the axis of length {n}")
        k = n
    values, indices = sort(x, dim, largest)
    return values.narrow(dim, 0, k), indices.narrow(dim, 0, k)


# ---------------------------------------------------------------------------------------------
# gamma: torch has lgamma only, which drops the sign
# ---------------------------------------------------------------------------------------------


def gamma(x: torch.Tensor) -> torch.Tensor:
    """The gamma function with its sign: ``exp(lgamma(x))`` is ``|gamma(x)|``, and gamma is
    negative for ``x < 0`` with an odd floor (``(-1, 0)``, ``(-3, -2)``, ...)."""
    magnitude = torch.lgamma(x).exp()
    negative = (x < 0) & (torch.floor(x).remainder(2) == 1)
    return torch.where(negative, -magnitude, magnitude)
