"""``mx.optimizer.contrib`` (MXNet 1.9.1): ``GroupAdaGrad``."""

from __future__ import annotations

from typing import Any

import torch

from .optimizer import Optimizer, no_grad, register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulated history per row of a 2-D weight (no weight decay)::

    g = clip(grad * rescale_grad);  history += mean(g², axis=1, keepdims=True)
    weight -= lr * g / sqrt(history + eps)
    """

    def __init__(self, eps: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor:
        assert len(weight.shape) == 2
        return torch.zeros((weight.shape[0], 1), dtype=torch.float32, device=weight.device)

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr, wd = self._count_and_rates(index)
        assert wd == 0, "Weight decay is not supported for GroupAdaGrad"
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = torch.clamp(grad, -self.clip_gradient, self.clip_gradient)
        state += torch.square(grad).mean(dim=1, keepdim=True)
        weight -= lr * grad / torch.sqrt(state + self.float_stable_eps)
