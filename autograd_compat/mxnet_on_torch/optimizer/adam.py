"""Adam-like optimizers of ``mx.optimizer`` (MXNet 1.9.1): ``Adam``, ``Adamax``, ``Nadam``,
``LAMB``."""

from __future__ import annotations

import math
from typing import Any

import torch

from . import update_ops as ops
from .optimizer import (
    ListUpdates,
    Optimizer,
    aggregation_size,
    clip_bound,
    no_grad,
    register,
    zeros_like,
)

__all__ = ["LAMB", "Adam", "Adamax", "Nadam"]


def _pair(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return (zeros_like(weight), zeros_like(weight))


def _preprocessed(grad: torch.Tensor, weight: torch.Tensor, opt: Any, wd: float) -> torch.Tensor:
    """``clip(grad * rescale_grad + wd * weight)`` as Adamax and Nadam compute it."""
    grad = grad * opt.rescale_grad + wd * weight
    if opt.clip_gradient is not None:
        grad = torch.clamp(grad, -opt.clip_gradient, opt.clip_gradient)
    return grad


@register
class Adam(Optimizer):
    """Adam, as MXNet's ``adam_update`` with the bias correction folded into the rate::

    g = clip(rescale_grad * grad + wd * weight)
    mean = beta1 * mean + (1 - beta1) * g;  var = beta2 * var + (1 - beta2) * g²
    weight -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * mean / (sqrt(var) + epsilon)
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        lazy_update: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return _pair(weight)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        mean, var = state
        ops.adam_update(
            weight,
            grad,
            mean,
            var,
            lr=lr,
            wd=wd,
            beta1=self.beta1,
            beta2=self.beta2,
            epsilon=self.epsilon,
            rescale_grad=self.rescale_grad,
            clip_gradient=clip_bound(self.clip_gradient),
        )


@register
class Adamax(Optimizer):
    """AdaMax (Adam with the infinity norm)::

    g = clip(grad * rescale_grad + wd * weight)
    m = beta1 * m + (1 - beta1) * g;  u = maximum(beta2 * u, |g|)
    weight -= lr / (1 - beta1**t) * m / u
    """

    def __init__(
        self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999, **kwargs: Any
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return _pair(weight)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        lr /= 1.0 - self.beta1**t
        grad = _preprocessed(grad, weight, self, wd)
        m_t, u_t = state
        m_t *= self.beta1
        m_t += (1.0 - self.beta1) * grad
        u_t.copy_(torch.maximum(self.beta2 * u_t, grad.abs()))
        weight -= lr * m_t / u_t


@register
class Nadam(Optimizer):
    """Nesterov Adam, with MXNet's momentum schedule (one schedule product per optimizer,
    advanced by every update of every weight, as MXNet's)."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        schedule_decay: float = 0.004,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return _pair(weight)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        grad = _preprocessed(grad, weight, self, wd)
        momentum_t = self.beta1 * (1.0 - 0.5 * pow(0.96, t * self.schedule_decay))
        momentum_t_1 = self.beta1 * (1.0 - 0.5 * pow(0.96, (t + 1) * self.schedule_decay))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m_t, v_t = state
        m_t *= self.beta1
        m_t += (1.0 - self.beta1) * grad
        v_t *= self.beta2
        v_t += (1.0 - self.beta2) * grad * grad
        grad_prime = grad / (1.0 - self.m_schedule)
        m_t_prime = m_t / (1.0 - m_schedule_next)
        v_t_prime = v_t / (1.0 - pow(self.beta2, t))
        m_t_bar = (1.0 - momentum_t) * grad_prime + momentum_t_1 * m_t_prime
        weight -= lr * m_t_bar / (torch.sqrt(v_t_prime) + self.epsilon)


@register
class LAMB(ListUpdates):
    """LAMB (layer-wise adaptive moments for large batches): Adam's direction plus weight decay,
    scaled per weight by the trust ratio ``||weight|| / ||direction||`` (``lower_bound``/
    ``upper_bound`` bound ``||weight||``)."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-6,
        lower_bound: float | None = None,
        upper_bound: float | None = None,
        bias_correction: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, aggregation_size("45")))

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return _pair(weight)

    def _one(self, weight, grad, state, t, lr, wd, multi_precision) -> None:
        if multi_precision:
            master, (mean, var) = state
            target, grad = master, grad.to(torch.float32)
        else:
            (mean, var), target = state, weight
        g = ops.lamb_update_phase1(
            target,
            grad,
            mean,
            var,
            t=t,
            wd=wd,
            beta1=self.beta1,
            beta2=self.beta2,
            epsilon=self.epsilon,
            bias_correction=self.bias_correction,
            rescale_grad=self.rescale_grad,
            clip_gradient=clip_bound(self.clip_gradient),
        )
        ops.lamb_update_phase2(
            target,
            g,
            torch.linalg.vector_norm(target),
            torch.linalg.vector_norm(g),
            lr=lr,
            lower_bound=self.lower_bound if self.lower_bound else -1.0,
            upper_bound=self.upper_bound if self.upper_bound else -1.0,
        )
        if multi_precision:
            weight.copy_(master)

    @no_grad
    def _update_impl(
        self, index: Any, weight: Any, grad: Any, state: Any, multi_precision: bool = False
    ) -> None:
        if self.aggregate_num <= 1 or not isinstance(index, (tuple, list)):
            if isinstance(index, (tuple, list)):
                assert len(index) == self.aggregate_num
                index, weight, grad, state = index[0], weight[0], grad[0], state[0]
            lr, wd = self._count_and_rates(index)
            t = self._index_update_count[index]
            self._one(weight, grad, state, t, lr, wd, multi_precision)
            return
        # MXNet's multi_lamb_update: count and read rates for all, then update each.
        steps, lrs, wds = [], [], []
        for i in index:
            self._update_count(i)
            steps.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        for args in zip(weight, grad, state, steps, lrs, wds):
            self._one(*args, multi_precision)
