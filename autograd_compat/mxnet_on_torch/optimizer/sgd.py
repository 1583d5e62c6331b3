"""SGD-like optimizers of ``mx.optimizer`` (MXNet 1.9.1): ``SGD`` (and ``ccSGD``), ``NAG``,
``Signum``, ``SGLD``, ``DCASGD``."""

from __future__ import annotations

import math
from typing import Any

import torch

from .. import random as _random
from . import update_ops as ops
from .optimizer import (
    ListUpdates,
    Optimizer,
    aggregation_size,
    as_tensor,
    clip_bound,
    is_half,
    no_grad,
    register,
    warn_half,
    zeros_like,
)

__all__ = ["DCASGD", "NAG", "SGD", "SGLD", "Signum", "ccSGD"]


def master_copy_state(opt: Optimizer, index: Any, weight: torch.Tensor, name: str) -> Any:
    """``create_state_multi_precision`` of SGD, NAG and LARS: ``(state, float32 master)``."""
    if opt.multi_precision and is_half(weight):
        master = as_tensor(weight).to(torch.float32, copy=True)
        return (opt.create_state(index, master), master)
    if is_half(weight):
        warn_half(name)
    return opt.create_state(index, weight)


def momenta_and_masters(states: Any, use_mom: bool, multi_precision: bool) -> tuple:
    """Split SGD-style states (``mom``, or ``(mom, master)`` under multi-precision) into the
    momentum list (``None`` without momentum) and the float32 master list (or ``None``)."""
    if multi_precision:
        return ([s[0] for s in states] if use_mom else None), [s[1] for s in states]
    return (list(states) if use_mom else None), None


def sgd_step(  # noqa: PLR0913
    opt: Optimizer,
    mom_kernel: Any,
    weight: Any,
    grad: Any,
    state: Any,
    multi_precision: bool,
    lr: float,
    wd: float,
) -> None:
    """One step of NAG or LBSGD: ``mom_kernel`` (``nag_mom_update``/``sgd_mom_update``) with a
    momentum state, else ``sgd_update``; under ``multi_precision`` ``state`` is ``(mom, master)``
    and the step runs on the float32 master, then copies it into ``weight``."""
    kw = {"lr": lr, "wd": wd, "rescale_grad": opt.rescale_grad}
    kw["clip_gradient"] = clip_bound(opt.clip_gradient)
    momentum = opt.momentum if opt.momentum > 0 else 0.0
    target, mom = weight, state
    if multi_precision:
        mom, target = state
        grad = grad.to(torch.float32)
    if mom is not None:
        mom_kernel(target, grad, mom, momentum=momentum, **kw)
    else:
        ops.sgd_update(target, grad, **kw)
    if multi_precision:
        weight.copy_(target)


@register
class SGD(ListUpdates):
    """SGD with momentum and weight decay, as MXNet's ``multi_sgd_(mom_)update`` kernels::

        mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad)
        weight += mom            (without momentum: weight += -lr*wd*weight - lr*clip(...))

    ``lazy_update`` only matters for sparse gradients, which the torch backend does not have.
    """

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = aggregation_size("4")

    def create_state_multi_precision(self, index: Any, weight: torch.Tensor) -> Any:
        return master_copy_state(self, index, weight, "SGD")

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor | None:
        return zeros_like(weight) if self.momentum != 0.0 else None

    def _rates(self, indices: list, chunk: int) -> tuple[list, list]:
        """Count the updates and read the rates, chunk by chunk as MXNet's Updater calls (a
        scheduler's rate can change between chunks)."""
        if chunk <= 0 or chunk >= len(indices) or self.lr_scheduler is None:
            # Without a scheduler the rates do not depend on the count: one pass is the same.
            self._update_count(indices)
            return self._get_lrs(indices), self._get_wds(indices)
        # The multipliers and the weight decays do not depend on the count: read once.
        known = self._parameter_factors(indices, "lr_mult")
        lrs: list = []
        for start in range(0, len(indices), chunk):
            part = indices[start : start + chunk]
            self._update_count(part)
            if known is None:
                lrs += self._get_lrs(part)
            else:
                base = self._base_lr()
                lrs += [base * m for m in known[0][start : start + chunk]]
        return lrs, self._get_wds(indices)

    @no_grad
    def _update_impl(
        self,
        indices: Any,
        weights: Any,
        grads: Any,
        states: Any,
        multi_precision: bool = False,
        chunk: int = 0,
    ) -> None:
        if not isinstance(indices, (tuple, list)):
            indices, weights, grads, states = [indices], [weights], [grads], [states]
        lrs, wds = self._rates(list(indices), chunk)
        moms, masters = momenta_and_masters(states, self.momentum > 0, multi_precision)
        ops.multi_sgd_update(
            list(weights),
            list(grads),
            moms,
            lrs,
            wds,
            momentum=self.momentum,
            rescale_grad=self.rescale_grad,
            clip_gradient=clip_bound(self.clip_gradient),
            masters=masters,
        )

    def _update_group(self, indices: list, weights: list, grads: list, states: list) -> None:
        """``update_multi_precision`` over a whole same-dtype group that MXNet's Updater would
        hand over in chunks of ``aggregate_num``: same numbers, a few multi-tensor calls."""
        use_mp = self.multi_precision and is_half(weights[0])
        self._update_impl(indices, weights, grads, states, use_mp, chunk=self.aggregate_num)


@register
class ccSGD(SGD):  # noqa: N801 - MXNet's class name
    """[DEPRECATED] Same as `SGD`. Left here for backward compatibility."""


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient (MXNet's ``nag_mom_update``; see :mod:`.update_ops`)."""

    def __init__(self, momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state_multi_precision(self, index: Any, weight: torch.Tensor) -> Any:
        return master_copy_state(self, index, weight, "NAG")

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor | None:
        return zeros_like(weight) if self.momentum != 0.0 else None

    @no_grad
    def _update_impl(
        self, index: Any, weight: Any, grad: Any, state: Any, multi_precision: bool = False
    ) -> None:
        lr, wd = self._count_and_rates(index)
        sgd_step(self, ops.nag_mom_update, weight, grad, state, multi_precision, lr, wd)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        use_mp = self.multi_precision and is_half(weight) and isinstance(state, (tuple, list))
        self._update_impl(index, weight, grad, state, multi_precision=use_mp)


@register
class Signum(Optimizer):
    """signSGD (no momentum) and Signum (MXNet's ``signsgd_update``/``signum_update``)."""

    def __init__(
        self, learning_rate: float = 0.01, momentum: float = 0.9, wd_lh: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor | None:
        return zeros_like(weight) if self.momentum != 0.0 else None

    @no_grad
    def _update_impl(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        kw = {"lr": lr, "wd": wd, "rescale_grad": self.rescale_grad}
        kw["clip_gradient"] = clip_bound(self.clip_gradient)
        if state is not None:
            momentum = self.momentum if self.momentum > 0 else 0.0
            ops.signum_update(weight, grad, state, momentum=momentum, wd_lh=self.wd_lh or 0.0, **kw)
        else:
            ops.signsgd_update(weight, grad, **kw)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state)


def _clipped(grad: torch.Tensor, opt: Optimizer) -> torch.Tensor:
    """``clip(grad * rescale_grad)`` as the Python-level optimizers compute it."""
    grad = grad * opt.rescale_grad
    if opt.clip_gradient is not None:
        grad = torch.clamp(grad, -opt.clip_gradient, opt.clip_gradient)
    return grad


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics::

        weight += -lr/2 * (clip(rescale_grad * grad) + wd * weight) + N(0, sqrt(lr))

    The noise comes from the random stream (``mx.random.seed``; torch's generator).
    """

    def create_state(self, index: Any, weight: torch.Tensor) -> None:
        return None

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        grad = _clipped(grad, self)
        weight += -lr / 2 * (grad + wd * weight)
        weight += _random.normal(
            0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype, ctx=weight.device
        )


def _truth(x: torch.Tensor | None) -> bool:
    """``bool(x)`` with MXNet's NDArray rule (a multi-element array raises ValueError)."""
    if x is None:
        return False
    if x.numel() > 1:
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")
    return x.numel() == 1 and bool(x.item())


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (as MXNet 1.9.1, whose momentum branch tests the
    momentum array's truth value: with ``momentum`` set and more than one element it raises)."""

    def __init__(self, momentum: float = 0.0, lamda: float = 0.04, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous: dict = {}
        self.lamda = lamda

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        previous = as_tensor(weight).clone()
        if self.momentum == 0.0:
            return (None, previous)
        return (zeros_like(weight), previous)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        grad = _clipped(grad, self)
        mom, previous = state
        step = -lr * (grad + wd * weight + self.lamda * grad * grad * (weight - previous))
        if _truth(mom):
            mom *= self.momentum
            mom += step
        else:
            assert self.momentum == 0.0
            mom = step
        previous.copy_(weight)
        weight += mom
