"""Per-coordinate adaptive optimizers of ``mx.optimizer`` (MXNet 1.9.1): ``AdaGrad``,
``AdaDelta``, ``RMSProp``, ``Ftrl``, ``FTML``.

As in MXNet, the states of AdaGrad, AdaDelta, RMSProp and Ftrl are float32 whatever the weight's
dtype.
"""

from __future__ import annotations

from typing import Any

import torch

from . import update_ops as ops
from .optimizer import Optimizer, clip_bound, no_grad, register, zeros_like

__all__ = ["FTML", "AdaDelta", "AdaGrad", "Ftrl", "RMSProp"]


def _f32(weight: torch.Tensor) -> torch.Tensor:
    return zeros_like(weight, torch.float32)


@register
class AdaGrad(Optimizer):
    """AdaGrad::

    g = clip(grad * rescale_grad);  history += g²
    weight += (g / sqrt(history + eps) + weight * wd) * -lr
    """

    def __init__(self, eps: float = 1e-7, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor:
        return _f32(weight)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = torch.clamp(grad, -self.clip_gradient, self.clip_gradient)
        state += torch.square(grad)
        div = grad / torch.sqrt(state + self.float_stable_eps)
        weight += (div + weight * wd) * -lr


@register
class AdaDelta(Optimizer):
    """AdaDelta::

        g = clip(grad * rescale_grad)
        acc_g = rho * acc_g + (1 - rho) * g²
        delta = sqrt(acc_delta + eps) / sqrt(acc_g + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta²
        weight -= delta + wd * weight

    As MXNet's, it multiplies the caller's gradient array by ``rescale_grad`` in place.
    """

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return (_f32(weight), _f32(weight))

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        wd = self._get_wd(index)
        self._update_count(index)
        grad *= self.rescale_grad
        if self.clip_gradient is not None:
            grad = torch.clamp(grad, -self.clip_gradient, self.clip_gradient)
        acc_g, acc_delta = state
        acc_g *= self.rho
        acc_g += (1.0 - self.rho) * grad * grad
        delta = torch.sqrt(acc_delta + self.epsilon) / torch.sqrt(acc_g + self.epsilon) * grad
        acc_delta *= self.rho
        acc_delta += (1.0 - self.rho) * delta * delta
        weight -= delta + wd * weight


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton's (``centered=False``, MXNet's ``rmsprop_update``) or Graves'
    (``centered=True``, ``rmspropalex_update``); ``clip_weights`` bounds the weights."""

    def __init__(
        self,
        learning_rate: float = 0.001,
        gamma1: float = 0.9,
        gamma2: float = 0.9,
        epsilon: float = 1e-8,
        centered: bool = False,
        clip_weights: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        if self.centered:
            return (_f32(weight), _f32(weight), _f32(weight))
        return (_f32(weight),)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_count(index)
        kw = {
            "lr": self._get_lr(index),
            "wd": self._get_wd(index),
            "gamma1": self.gamma1,
            "epsilon": self.epsilon,
            "rescale_grad": self.rescale_grad,
            "clip_gradient": clip_bound(self.clip_gradient),
            "clip_weights": clip_bound(self.clip_weights),
        }
        if self.centered:
            n, g, delta = state
            ops.rmspropalex_update(weight, grad, n, g, delta, gamma2=self.gamma2, **kw)
        else:
            (n,) = state
            ops.rmsprop_update(weight, grad, n, **kw)


@register
class Ftrl(Optimizer):
    """FTRL-proximal (MXNet's ``ftrl_update``), with L1 strength ``lamda1`` and ``beta``."""

    def __init__(
        self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return (_f32(weight), _f32(weight))

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_count(index)
        wd = self._get_wd(index)
        lr = self._get_lr(index)
        z, n = state
        ops.ftrl_update(
            weight,
            grad,
            z,
            n,
            lr=lr,
            wd=wd,
            lamda1=self.lamda1,
            beta=self.beta,
            rescale_grad=self.rescale_grad,
            clip_gradient=clip_bound(self.clip_gradient),
        )


@register
class FTML(Optimizer):
    """FTML, Follow the Moving Leader (MXNet's ``ftml_update``)."""

    def __init__(
        self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index: Any, weight: torch.Tensor) -> tuple:
        return (zeros_like(weight), zeros_like(weight), zeros_like(weight))  # d, v, z

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        t = self._index_update_count[index]
        d, v, z = state
        ops.ftml_update(
            weight,
            grad,
            d,
            v,
            z,
            lr=lr,
            wd=wd,
            t=t,
            beta1=self.beta1,
            beta2=self.beta2,
            epsilon=self.epsilon,
            rescale_grad=self.rescale_grad,
            clip_grad=clip_bound(self.clip_gradient),
        )
