"""``mxnet.gluon.loss`` (1.9.1) on torch: every loss, with MXNet's values and gradients.

Each loss is a ``HybridBlock`` whose ``hybrid_forward(F, pred, label, sample_weight=None)``
computes the element-wise loss with the ``nd`` operators (so kinks and ties get MXNet's
gradients: ``abs`` and ``relu`` have gradient 0 at 0, ``maximum`` gives a tie to its left side),
multiplies by ``sample_weight`` (broadcast) and the scalar ``weight``, then averages over every
axis but ``batch_axis`` (output shape ``(batch,)``).

Under ``npx.set_np()`` MXNet 1.9.1 runs only ``L2Loss``, ``L1Loss``, ``SigmoidBCELoss`` and
``SoftmaxCELoss`` (their mean is then over axes ``1..ndim-1`` whatever ``batch_axis`` says); the
other losses call legacy operators, which raise ``TypeError`` for NumPy arrays. Both are kept.
"""

from __future__ import annotations

import math
from typing import Any

import numpy
import torch

from .. import autograd, loss_ops, nd
from ..base import MXNetError
from ..ndarray import ndarray as _np_ndarray
from ..npx import is_np_array
from ._loss_fast import sparse_softmax_ce
from .block import HybridBlock
from .utils import _require

__all__ = [
    "CTCLoss",
    "CosineEmbeddingLoss",
    "HingeLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "L2Loss",
    "LogisticLoss",
    "Loss",
    "PoissonNLLLoss",
    "SDMLLoss",
    "SigmoidBCELoss",
    "SigmoidBinaryCrossEntropyLoss",
    "SoftmaxCELoss",
    "SoftmaxCrossEntropyLoss",
    "SquaredHingeLoss",
    "TripletLoss",
]

_NUMERIC = (float, int, numpy.generic)
_size, _reshape, _add = torch._C.TensorBase.size, torch._C.TensorBase.reshape, torch.add


def _apply_weighting(F: Any, loss: Any, weight: Any = None, sample_weight: Any = None) -> Any:  # noqa: N803
    """``loss * sample_weight`` (broadcast) ``* weight`` (a Python or numpy number)."""
    if sample_weight is not None:
        loss = F.broadcast_mul(loss, sample_weight)
    if weight is not None:
        _require(isinstance(weight, _NUMERIC), "weight must be a number")
        loss = loss * weight
    return loss


def _reshape_like(F: Any, x: Any, y: Any) -> Any:  # noqa: N803
    """``x`` reshaped to ``y``'s shape (MXNetError if the sizes differ)."""
    if x.shape == y.shape:
        return x  # already that shape: no view, no graph node
    return F.reshape(x, tuple(y.shape))


def _reduce_single(loss: Any, batch_axis: int) -> Any:
    """The mean or sum over every axis but ``batch_axis`` when those axes hold one element each
    (the ``(batch, 1)`` losses of ``Dense(1)`` regressions and of the sparse cross-entropy), else
    None. That reduction is ``x + 0.0``: the same value bit for bit (MXNet's sum starts from +0,
    so -0.0 gives +0.0) and the same gradient, without a reduction kernel and its backward."""
    if loss.dim() < 2 or not loss.is_floating_point():
        return None
    n = _size(loss, batch_axis)  # torch's own accessors: the array classes' are Python
    if n == 0 or loss.numel() != n:
        return None
    out = _add(_reshape(loss, (n,)), 0.0)
    if type(out) is not type(loss):
        out.__class__ = type(loss)  # the class the nd/np reduction would have given
    ctx = loss.__dict__.get("_mx_ctx")
    if ctx is not None:
        out._mx_ctx = ctx  # and its context, as the reductions keep it
    return out


def _reduce_but(F: Any, fn: str, loss: Any, batch_axis: int) -> Any:  # noqa: N803
    """``F.mean`` or ``F.sum`` over every axis but ``batch_axis``, which must exist."""
    if not -loss.dim() <= batch_axis < loss.dim():
        raise MXNetError(
            f"Check failed: axes[axes.ndim()-1] < ishape.ndim() ({batch_axis} vs. {loss.dim()}) "
            f": Reduction axis {batch_axis} Exceeds input dimensions {list(loss.shape)}"
        )
    out = _reduce_single(loss, batch_axis)
    if out is not None:
        return out
    return getattr(F, fn)(loss, axis=batch_axis, exclude=True)


def _batch_mean(F: Any, loss: Any, batch_axis: int) -> Any:  # noqa: N803
    """The mean over every axis but the batch axis; under ``npx.set_np()`` MXNet averages over
    axes ``1..ndim-1`` instead, whatever ``batch_axis`` is."""
    if is_np_array():
        if loss.dim() <= 1:
            return loss
        out = _reduce_single(loss, 0)
        return out if out is not None else F.mean(loss, axis=tuple(range(1, loss.dim())))
    return _reduce_but(F, "mean", loss, batch_axis)


def _legacy_only(op: str, *arrays: Any) -> None:
    """MXNet's error when a legacy operator gets a NumPy-interface array."""
    if any(isinstance(a, _np_ndarray) for a in arrays):
        raise TypeError(
            f"Operator `{op}` registered in backend is known as `{op}` in Python. This is a legacy "
            "operator which can only accept legacy ndarrays, while received an MXNet numpy "
            "ndarray. Please call `as_nd_ndarray()` upon the numpy ndarray to convert it to a "
            "legacy ndarray, and then feed the converted array to this operator."
        )


class Loss(HybridBlock):
    """Base class of the losses: ``weight`` (a number or None) scales the loss, ``batch_axis`` is
    the axis kept in the output."""

    def __init__(self, weight: Any, batch_axis: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
        """Override with the loss computation."""
        raise NotImplementedError


class L2Loss(Loss):
    """``weight / 2 * (label - pred)**2``, averaged over the non-batch axes."""

    def __init__(self, weight: Any = 1.0, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        loss = F.square(label - pred)
        loss = _apply_weighting(F, loss, self._weight / 2, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class L1Loss(Loss):
    """``|label - pred|``, averaged over the non-batch axes."""

    def __init__(self, weight: Any = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        loss = F.abs(label - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy of ``sigmoid(pred)`` (or of ``pred`` itself with
    ``from_sigmoid=True``) against labels in ``[0, 1]``; ``pos_weight`` (a 4th input) weighs the
    positive term. Computed with MXNet's stable formula."""

    def __init__(
        self, from_sigmoid: bool = False, weight: Any = None, batch_axis: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F, pred, label, sample_weight=None, pos_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        if not self._from_sigmoid:
            soft = F.Activation(-F.abs(pred), act_type="softrelu")  # log(1 + exp(-|x|))
            if pos_weight is None:
                loss = F.relu(pred) - pred * label + soft
            else:
                log_weight = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + log_weight * (soft + F.relu(-pred))
        else:
            eps = 1e-12
            if pos_weight is None:
                loss = -(F.log(pred + eps) * label + F.log(1.0 - pred + eps) * (1.0 - label))
            else:
                loss = -(
                    F.broadcast_mul(F.log(pred + eps) * label, pos_weight)
                    + F.log(1.0 - pred + eps) * (1.0 - label)
                )
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """Cross-entropy of ``softmax(pred, axis)`` (or of log-probabilities with
    ``from_logits=True``) against integer labels (``sparse_label=True``: ``pred``'s shape without
    ``axis``) or probability labels of ``pred``'s shape."""

    def __init__(
        self,
        axis: int = -1,
        sparse_label: bool = True,
        from_logits: bool = False,
        weight: Any = None,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        if F is nd and self._sparse_label and sample_weight is None and self._weight is None:
            if self._batch_axis == 0 and not is_np_array():
                out = sparse_softmax_ce(pred, label, self._axis, self._from_logits)
                if out is not None:
                    return out
        if not self._from_logits:
            pred = F.log_softmax(pred, self._axis)
        if self._sparse_label:
            loss = -nd.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            label = _reshape_like(F, label, pred)
            loss = -F.sum(pred * label, axis=self._axis, keepdims=True)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class KLDivLoss(Loss):
    """``label * (log(label) - pred)`` summed over the non-batch axes; ``pred`` holds
    log-probabilities (``from_logits=True``) or scores turned into them by ``log_softmax``."""

    def __init__(
        self,
        from_logits: bool = True,
        axis: int = -1,
        weight: Any = None,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        if not self._from_logits:
            _legacy_only("log_softmax", pred)
            pred = F.log_softmax(pred, self._axis)
        _legacy_only("log", label)
        loss = label * (F.log(label + 1e-12) - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _reduce_but(F, "sum", loss, self._batch_axis)


class CTCLoss(Loss):
    """Connectionist temporal classification loss, per sequence (shape ``(batch,)``).

    ``pred`` is ``layout`` ``'NTC'`` or ``'TNC'`` unnormalised scores whose last class is the
    blank; ``label`` is ``label_layout`` ``'NT'`` or ``'TN'``, rows padded with -1 at the end;
    optional ``pred_lengths`` and ``label_lengths`` give each sequence's lengths.
    """

    def __init__(
        self, layout: str = "NTC", label_layout: str = "NT", weight: Any = None, **kwargs: Any
    ) -> None:
        _require(
            layout in ("NTC", "TNC"),
            f"Only 'NTC' and 'TNC' layouts for pred are supported. Got: {layout}",
        )
        _require(
            label_layout in ("NT", "TN"),
            f"Only 'NT' and 'TN' layouts for label are supported. Got: {label_layout}",
        )
        self._layout = layout
        self._label_layout = label_layout
        super().__init__(weight, label_layout.find("N"), **kwargs)

    def hybrid_forward(  # noqa: D102
        self,
        F,  # noqa: N803, ANN001
        pred,  # noqa: ANN001
        label,  # noqa: ANN001
        pred_lengths=None,  # noqa: ANN001
        label_lengths=None,  # noqa: ANN001
        sample_weight=None,  # noqa: ANN001
    ):  # noqa: ANN202
        if self._layout == "NTC":
            _legacy_only("swapaxes", pred)
            pred = F.swapaxes(pred, 0, 1)
        if self._batch_axis == 1:
            _legacy_only("swapaxes", label)
            label = F.swapaxes(label, 0, 1)
        _legacy_only("CTCLoss", pred, label, pred_lengths, label_lengths)
        loss = loss_ops.CTCLoss(
            pred,
            label,
            pred_lengths,
            label_lengths,
            use_data_lengths=pred_lengths is not None,
            use_label_lengths=label_lengths is not None,
            blank_label="last",
        )
        return _apply_weighting(F, loss, self._weight, sample_weight)


class HuberLoss(Loss):
    """Smoothed L1: ``0.5 / rho * err**2`` where ``err = |label - pred| <= rho``, else
    ``err - rho / 2``; averaged over the non-batch axes."""

    def __init__(self, rho: float = 1, weight: Any = None, batch_axis: int = 0, **kw: Any) -> None:
        super().__init__(weight, batch_axis, **kw)
        self._rho = rho

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        _legacy_only("abs", pred, label)
        loss = F.abs(label - pred)
        loss = F.where(loss > self._rho, loss - 0.5 * self._rho, (0.5 / self._rho) * F.square(loss))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _reduce_but(F, "mean", loss, self._batch_axis)


class _Hinge(Loss):
    """Shared by ``HingeLoss`` and ``SquaredHingeLoss``: ``max(0, margin - pred * label)``,
    squared when ``_squared``, averaged over the non-batch axes."""

    _squared = False

    def __init__(
        self, margin: float = 1, weight: Any = None, batch_axis: int = 0, **kw: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kw)
        self._margin = margin

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        _legacy_only("relu", pred, label)
        loss = F.relu(self._margin - pred * label)
        if self._squared:
            loss = F.square(loss)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _reduce_but(F, "mean", loss, self._batch_axis)


class HingeLoss(_Hinge):
    """``max(0, margin - pred * label)`` for labels -1/1, averaged over the non-batch axes."""


class SquaredHingeLoss(_Hinge):
    """``max(0, margin - pred * label)**2`` for labels -1/1, averaged over the non-batch axes."""

    _squared = True


class LogisticLoss(Loss):
    """``log(1 + exp(-pred * label))`` for labels -1/1 (``label_format='signed'``) or 0/1
    (``'binary'``), averaged over the non-batch axes."""

    def __init__(
        self,
        weight: Any = None,
        batch_axis: int = 0,
        label_format: str = "signed",
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._label_format = label_format
        if label_format not in ("signed", "binary"):
            raise ValueError(f"label_format can only be signed or binary, recieved {label_format}.")

    def hybrid_forward(self, F, pred, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        label = _reshape_like(F, label, pred)
        if self._label_format == "signed":
            label = (label + 1.0) / 2.0  # to 0/1
        _legacy_only("relu", pred, label)
        loss = F.relu(pred) - pred * label + F.Activation(-F.abs(pred), act_type="softrelu")
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _reduce_but(F, "mean", loss, self._batch_axis)


class TripletLoss(Loss):
    """``max(0, |positive - pred|^2 - |negative - pred|^2 + margin)``, the squared distances
    summed over the non-batch axes; inputs ``(pred, positive, negative)``."""

    def __init__(
        self, margin: float = 1, weight: Any = None, batch_axis: int = 0, **kw: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kw)
        self._margin = margin

    def hybrid_forward(self, F, pred, positive, negative):  # noqa: N803, ANN001, ANN201, D102
        positive = _reshape_like(F, positive, pred)
        negative = _reshape_like(F, negative, pred)
        _legacy_only("square", pred, positive)
        diff = F.square(positive - pred) - F.square(negative - pred)
        loss = _reduce_but(F, "sum", diff, self._batch_axis)
        loss = F.relu(loss + self._margin)
        return _apply_weighting(F, loss, self._weight, None)


class PoissonNLLLoss(Loss):
    """Poisson negative log-likelihood, averaged over *all* elements (shape ``(1,)``):
    ``exp(pred) - target * pred`` (``from_logits=True``) or ``pred - target * log(pred +
    epsilon)``, plus Stirling's term for targets > 1 with ``compute_full=True``."""

    def __init__(
        self,
        weight: Any = None,
        from_logits: bool = True,
        batch_axis: int = 0,
        compute_full: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F, pred, target, sample_weight=None, epsilon=1e-08):  # noqa: N803, ANN001, ANN201, D102
        target = _reshape_like(F, target, pred)
        if self._from_logits:
            _legacy_only("exp", pred)
            loss = F.exp(pred) - target * pred
        else:
            _legacy_only("log", pred)
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            if autograd.is_recording():
                # MXNet 1.9.1 updates the Stirling term in place, which its autograd refuses.
                raise MXNetError(
                    "Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are "
                    "already in a computational graph will cause undefined behavior when "
                    "evaluating gradients. Please call backward first to clear the graph or do "
                    "this out side of a record section. (PoissonNLLLoss(compute_full=True) "
                    "fails inside autograd.record() in MXNet 1.9.1.)"
                )
            stirling = target * F.log(target) - target + 0.5 * F.log(2 * target * math.pi)
            loss = loss + stirling * F.greater(target, 1)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return F.mean(loss)


class CosineEmbeddingLoss(Loss):
    """``1 - cos(input1, input2)`` for label 1, ``max(0, cos - margin)`` for label -1 (cosine
    over the last axis); output shape ``(batch, 1)``."""

    def __init__(
        self, weight: Any = None, batch_axis: int = 0, margin: float = 0, **kwargs: Any
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F, input1, input2, label, sample_weight=None):  # noqa: N803, ANN001, ANN201, D102
        input1 = _reshape_like(F, input1, input2)
        label = F.reshape(label, (-1, 1))
        _legacy_only("norm", input1, input2)
        cos_sim = self._cosine_similarity(F, input1, input2)
        y_1 = F.equal(label, 1)
        y_minus_1 = F.equal(label, -1)
        cos_sim_a = (1 - cos_sim) * y_1
        # A tie goes to the left operand (the zero), as in MXNet.
        cos_sim_b = F.broadcast_maximum(F.array([0]), y_minus_1 * (cos_sim - self._margin))
        loss = cos_sim_a + cos_sim_b
        return _apply_weighting(F, loss, self._weight, sample_weight)

    def _cosine_similarity(self, F: Any, x: Any, y: Any, axis: int = -1) -> Any:  # noqa: N803
        x_norm = F.reshape(F.norm(x, axis=axis), (-1, 1))
        y_norm = F.reshape(F.norm(y, axis=axis), (-1, 1))
        x_dot_y = F.reshape(F.sum(x * y, axis=axis), (-1, 1))
        return x_dot_y / F.broadcast_maximum(x_norm * y_norm, F.array([1e-12]))


class SDMLLoss(Loss):
    """Batch-wise smoothed deep metric learning loss for aligned ``(batch, dim)`` inputs ``x1``,
    ``x2`` (row i of each is a positive pair, other rows negatives): the KL divergence between
    ``softmax(-squared distances)`` and the identity smoothed by ``smoothing_parameter``."""

    def __init__(
        self,
        smoothing_parameter: float = 0.3,
        weight: Any = 1.0,
        batch_axis: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def _compute_distances(self, x1: Any, x2: Any) -> Any:
        # Every pair's squared euclidean distance, shape (batch, batch).
        _require(x1.shape == x2.shape)
        return nd.sum(nd.square(nd.expand_dims(x1, 1) - nd.expand_dims(x2, 0)), axis=2)

    def _compute_labels(self, F: Any, batch_size: int) -> Any:  # noqa: N803
        gold = F.eye(batch_size)
        s = self.smoothing_parameter
        return gold * (1 - s) + (1 - gold) * s / (batch_size - 1)

    def _loss(self, F: Any, x1: Any, x2: Any) -> Any:  # noqa: N803
        if isinstance(x1, _np_ndarray):
            raise AttributeError("mxnet.numpy.ndarray object has no attribute expand_dims")
        labels = self._compute_labels(F, x1.shape[0]).to(x1.device)
        log_probabilities = F.log_softmax(-self._compute_distances(x1, x2), axis=1)
        return self.kl_loss(log_probabilities, labels)

    def hybrid_forward(self, F, x1, x2):  # noqa: N803, ANN001, ANN201, D102
        return self._loss(F, x1, x2)
