"""Layer-wise adaptive large-batch optimizers of ``mx.optimizer`` (MXNet 1.9.1): ``LARS`` and
``LBSGD``. Both end in MXNet's SGD kernels (:mod:`.update_ops`)."""

from __future__ import annotations

import logging
import math
from typing import Any

import torch

from . import update_ops as ops
from .optimizer import (
    ListUpdates,
    Optimizer,
    aggregation_size,
    clip_bound,
    is_half,
    no_grad,
    register,
    warn_half,
    zeros_like,
)
from .sgd import master_copy_state, momenta_and_masters, sgd_step

__all__ = ["LARS", "LBSGD"]

_NO_LARS = ("gamma", "beta", "bias")  # parameters LARS leaves at the plain learning rate


def _f32(x: float) -> float:
    return float(torch.tensor(x, dtype=torch.float32))


@register
class LARS(ListUpdates):
    """LARS ('Large Batch Training of Convolution Networks'): SGD whose per-layer rate is
    ``lr * eta * ||w|| / (||g|| * rescale_grad + wd * ||w|| + eps)`` when both norms are positive
    (parameters named ``*gamma``, ``*beta``, ``*bias`` keep ``lr``). With
    ``momentum_correction`` the momentum is scaled by the ratio of the current and last rates.
    """

    def __init__(
        self,
        momentum: float = 0.0,
        lazy_update: bool = True,
        eta: float = 0.001,
        eps: float = 0,
        momentum_correction: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = aggregation_size("4")
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr: float | None = None
        self.cur_lr: float | None = None

    def _get_lrs(self, indices: list) -> list[float]:
        # Remember the last two global rates, for the momentum correction.
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._base_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return self._scaled(lr, indices, self.lr_mult, "lr_mult")

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        self.wd_mult = {}
        for name in self.idx2name.values():
            if not name.endswith("_weight"):
                self.wd_mult[name] = 0.0
        self.wd_mult.update(args_wd_mult)

    def create_state_multi_precision(self, index: Any, weight: torch.Tensor) -> Any:
        return master_copy_state(self, index, weight, "SGD")

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor | None:
        return zeros_like(weight) if self.momentum != 0.0 else None

    def _lars_lr(self, index: Any, weight: torch.Tensor, grad: torch.Tensor, lr, wd) -> float:
        name = self.idx2name[index] if index in self.idx2name else str(index)
        if name.endswith(_NO_LARS):
            return lr
        # MXNet's multi_sum_sq/multi_lars: float32 norms and float32 arithmetic.
        w_norm = torch.linalg.vector_norm(weight.to(torch.float32))
        g_norm = torch.linalg.vector_norm(grad.to(torch.float32))
        if w_norm > 0 and g_norm > 0:
            f = torch.float32
            lr_t, wd_t = torch.tensor(lr, dtype=f), torch.tensor(wd, dtype=f)
            eta, eps = torch.tensor(self.eta, dtype=f), torch.tensor(self.eps, dtype=f)
            rescale = torch.tensor(self.rescale_grad, dtype=f)
            return float(lr_t * eta * w_norm / (g_norm * rescale + wd_t * w_norm + eps))
        return _f32(lr)

    @no_grad
    def _update_impl(
        self, indices: Any, weights: Any, grads: Any, states: Any, multi_precision: bool = False
    ) -> None:
        if not isinstance(indices, (tuple, list)):
            indices, weights, grads, states = [indices], [weights], [grads], [states]
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        momentum = 0.0
        if self.momentum > 0:
            momentum = self.momentum
            if self.momentum_correction and self.last_lr != 0:
                momentum = self.momentum * (self.cur_lr / self.last_lr)
        lrs = [self._lars_lr(*args) for args in zip(indices, weights, grads, lrs, wds)]
        moms, masters = momenta_and_masters(states, self.momentum > 0, multi_precision)
        ops.multi_sgd_update(
            list(weights),
            list(grads),
            moms,
            lrs,
            [_f32(wd) for wd in wds],
            momentum=momentum,
            rescale_grad=self.rescale_grad,
            clip_gradient=clip_bound(self.clip_gradient),
            masters=masters,
        )


@register
class LBSGD(Optimizer):
    """Large-batch SGD: gradients are accumulated over ``batch_scale`` calls, and the rate is
    warmed up (``warmup_strategy`` 'linear', 'power2', 'sqrt') or scaled by LARS ('lars')."""

    def __init__(
        self,
        momentum: float = 0.0,
        multi_precision: bool = False,
        warmup_strategy: str = "linear",
        warmup_epochs: int = 5,
        batch_scale: int = 1,
        updates_per_epoch: int = 32,
        begin_epoch: int = 0,
        num_epochs: int = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        logging.info("Running Large-Batch SGD Algorithm")
        logging.info(
            "(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, updates_per_epoch=%d)",
            batch_scale,
            warmup_epochs,
            warmup_strategy,
            updates_per_epoch,
        )
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads: dict = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index: Any, weight: torch.Tensor) -> Any:
        momentum = None
        if self.multi_precision and is_half(weight):
            master = weight.detach().to(torch.float32, copy=True)
            if self.momentum != 0.0:
                momentum = zeros_like(weight, torch.float32)
            return (momentum, master)
        if is_half(weight):
            warn_half("SGD")
        if self.momentum != 0.0:
            momentum = zeros_like(weight)
        return momentum

    def _get_lbmult(self, nup: int) -> float:
        """The warm-up multiplier of the rate after ``nup`` accumulated updates."""
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _l2norm(self, v: torch.Tensor) -> float:
        # MXNet: the squares in the array's dtype, summed by numpy.
        return float((v * v).numpy(force=True).sum())

    def _get_lars(self, weight: torch.Tensor, g: torch.Tensor, wd: float) -> float:
        w2 = self._l2norm(weight)
        g2 = self._l2norm(g)
        lars = math.sqrt(w2 / (g2 + wd * w2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _cumulate_gradient(self, grad: torch.Tensor, index: Any) -> dict:
        cgrad = self.cumgrads.get(index, {})
        if cgrad and cgrad["num_cums"] > 0:
            cgrad = {"cum_grad": cgrad["cum_grad"] + grad, "num_cums": cgrad["num_cums"] + 1}
        else:
            cgrad = {"cum_grad": grad, "num_cums": self.init_updates + 1}
        self.cumgrads[index] = cgrad
        return cgrad

    @no_grad
    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        lr = self._get_lr(index)  # read before counting, as MXNet's LBSGD does
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad["num_cums"] % self.batch_scale != 0:
            return  # MXNet runs sgd_update with lr=0 here: the weight keeps its value
        grad = cgrad["cum_grad"] / self.batch_scale
        if self.warmup_strategy == "lars":
            lbmult = self._get_lars(weight, grad, wd)
        else:
            lbmult = self._get_lbmult(cgrad["num_cums"])
        lr = lr * lbmult
        multi = isinstance(state, (list, tuple))
        sgd_step(self, ops.sgd_mom_update, weight, grad, state, multi, lr, wd)
        self.cumgrads[index]["cum_grad"] = 0
