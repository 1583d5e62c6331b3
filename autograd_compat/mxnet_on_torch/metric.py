"""``mx.metric`` (MXNet 1.9.1's online evaluation metrics) on torch.

Same names, defaults, registry (``create('acc')``, ``register``, ``alias``), printed names and
numbers as MXNet 1.9.1. Labels and predictions may be torch tensors (``nd`` arrays), ``np``
ndarrays or numpy arrays, one array or a list of them.

Where MXNet computes a metric with numpy (most of them: it calls ``asnumpy()`` first) this module
does the same numpy arithmetic, so results agree to the bit, including the numpy scalar types that
``get()`` returns. Where MXNet reduces on its engine in float32 (``Loss``, ``Perplexity``) this
module reduces with torch. MXNet's quirks are kept on purpose, since training scripts print these
numbers: ``TopKAccuracy`` on 1-d predictions does not count into the global statistics,
``CompositeEvalMetric.get_metric`` returns (does not raise) a ``ValueError`` for a bad index.
"""

from __future__ import annotations

import math
from typing import Any

import numpy
import torch

from .metric_base import (
    CompositeEvalMetric,
    CustomMetric,
    EvalMetric,
    _is_array,
    _numpy,
    _scalar_sum,
    _torch,
    alias,
    check_label_shapes,
    create,
    np,
    register,
)

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "Accuracy",
    "CompositeEvalMetric",
    "CrossEntropy",
    "CustomMetric",
    "EvalMetric",
    "F1",
    "Loss",
    "MAE",
    "MCC",
    "MSE",
    "NegativeLogLikelihood",
    "PCC",
    "PearsonCorrelation",
    "Perplexity",
    "RMSE",
    "TopKAccuracy",
    "Torch",
    "Caffe",
    "alias",
    "check_label_shapes",
    "create",
    "np",
    "register",
]


# ---------------------------------------------------------------------- classification


@register
@alias("acc")
class Accuracy(EvalMetric):
    """Fraction of predictions equal to the label; class scores are reduced with argmax over
    ``axis`` when their shape differs from the label's."""

    def __init__(
        self,
        axis: int = 1,
        name: str = "accuracy",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(
            name,
            axis=axis,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred_np = _numpy(pred)
            label_np = _numpy(label)
            if pred_np.shape != label_np.shape:
                pred_np = numpy.argmax(pred_np, axis=self.axis)
            pred_flat = pred_np.astype("int32").flat
            label_flat = label_np.astype("int32").flat
            check_label_shapes(label_flat, pred_flat)
            self._add((pred_flat == label_flat).sum(), len(pred_flat))


@register
@alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest-scored classes."""

    def __init__(
        self,
        top_k: int = 1,
        name: str = "top_k_accuracy",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(
            name,
            top_k=top_k,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.top_k = top_k
        if not self.top_k > 1:
            raise AssertionError("Please use Accuracy if top_k is no more than 1")
        self.name += f"_{self.top_k}"

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            if len(pred.shape) > 2:
                raise AssertionError("Predictions should be no more than 2 dims")
            # numpy's argpartition, as MXNet, so that ties pick the same classes
            ranked = numpy.argpartition(_numpy(pred).astype("float32"), -self.top_k)
            label_np = _numpy(label).astype("int32")
            check_label_shapes(label_np, ranked)
            samples = ranked.shape[0]
            if ranked.ndim == 1:  # MXNet counts these into the local sum only
                self.sum_metric += (ranked.flat == label_np.flat).sum()
            elif ranked.ndim == 2:
                classes = ranked.shape[1]
                for j in range(min(classes, self.top_k)):
                    hits = (ranked[:, classes - 1 - j].flat == label_np.flat).sum()
                    self.sum_metric += hits
                    self.global_sum_metric += hits
            self.num_inst += samples
            self.global_num_inst += samples


class _BinaryClassificationMetrics:
    """True/false positive/negative counts, local and global, of a binary classifier (named as
    in MXNet, whose error message for more than two classes names this class)."""

    KINDS = ("true_positives", "false_positives", "false_negatives", "true_negatives")

    def __init__(self) -> None:
        self.reset_stats()

    def update_binary_stats(self, label: Any, pred: Any) -> None:
        pred_np = _numpy(pred)
        label_np = _numpy(label).astype("int32")
        pred_label = numpy.argmax(pred_np, axis=1)
        check_label_shapes(label_np, pred_np)
        if len(numpy.unique(label_np)) > 2:
            raise ValueError(
                f"{type(self).__name__} currently only supports binary classification."
            )
        pred_true = pred_label == 1
        pred_false = 1 - pred_true
        label_true = label_np == 1
        label_false = 1 - label_true
        counts = {
            "true_positives": (pred_true * label_true).sum(),
            "false_positives": (pred_true * label_false).sum(),
            "false_negatives": (pred_false * label_true).sum(),
            "true_negatives": (pred_false * label_false).sum(),
        }
        for kind, n in counts.items():
            setattr(self, kind, getattr(self, kind) + n)
            setattr(self, "global_" + kind, getattr(self, "global_" + kind) + n)

    def _counts(self, use_global: bool) -> tuple[Any, Any, Any, Any]:
        prefix = "global_" if use_global else ""
        return tuple(getattr(self, prefix + kind) for kind in self.KINDS)  # type: ignore[return-value]

    @staticmethod
    def _ratio(num: Any, other: Any) -> float:
        return float(num) / (num + other) if num + other > 0 else 0.0

    def _precision(self, use_global: bool) -> float:
        tp, fp, _, _ = self._counts(use_global)
        return self._ratio(tp, fp)

    def _recall(self, use_global: bool) -> float:
        tp, _, fn, _ = self._counts(use_global)
        return self._ratio(tp, fn)

    def _fscore(self, use_global: bool) -> float:
        p, r = self._precision(use_global), self._recall(use_global)
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    precision = property(lambda self: self._precision(False))
    global_precision = property(lambda self: self._precision(True))
    recall = property(lambda self: self._recall(False))
    global_recall = property(lambda self: self._recall(True))
    fscore = property(lambda self: self._fscore(False))
    global_fscore = property(lambda self: self._fscore(True))
    total_examples = property(lambda self: sum(self._counts(False)))
    global_total_examples = property(lambda self: sum(self._counts(True)))

    def matthewscc(self, use_global: bool = False) -> float:
        """Matthews' correlation coefficient; zero factors of the denominator count as 1."""
        total = self.global_total_examples if use_global else self.total_examples
        if not total:
            return 0.0
        tp, fp, fn, tn = (float(c) for c in self._counts(use_global))
        denom = 1.0
        for term in (tp + fp, tp + fn, tn + fp, tn + fn):
            if term != 0.0:
                denom *= term
        return (tp * tn - fp * fn) / math.sqrt(denom)

    def local_reset_stats(self) -> None:
        for kind in self.KINDS:
            setattr(self, kind, 0)

    def reset_stats(self) -> None:
        for kind in self.KINDS:
            setattr(self, kind, 0)
            setattr(self, "global_" + kind, 0)


class _BinaryMetric(EvalMetric):
    """F1 and MCC: per batch, averaged (``average='macro'``), or one over all (``'micro'``)."""

    def __init__(self, name: str, output_names: Any, label_names: Any, average: str) -> None:
        self._average = average
        self._stats = _BinaryClassificationMetrics()
        EvalMetric.__init__(
            self,
            name=name,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )

    def _score(self, use_global: bool) -> float:
        raise NotImplementedError

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._stats.update_binary_stats(label, pred)
        stats = self._stats
        if self._average == "macro":
            self.sum_metric += self._score(False)
            self.global_sum_metric += self._score(True)
            self.num_inst += 1
            self.global_num_inst += 1
            stats.reset_stats()
        else:
            self.sum_metric = self._score(False) * stats.total_examples
            self.global_sum_metric = self._score(True) * stats.global_total_examples
            self.num_inst = stats.total_examples
            self.global_num_inst = stats.global_total_examples

    def reset(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = self._zero
        self.global_num_inst = self._zero
        self.global_sum_metric = 0.0
        self._stats.reset_stats()

    def reset_local(self) -> None:
        self.sum_metric = 0.0
        self.num_inst = self._zero
        self._stats.local_reset_stats()


@register
class F1(_BinaryMetric):
    """F1 score (harmonic mean of precision and recall) of a binary classification."""

    _zero: Any = 0

    def __init__(
        self,
        name: str = "f1",
        output_names: Any = None,
        label_names: Any = None,
        average: str = "macro",
    ) -> None:
        super().__init__(name, output_names, label_names, average)

    # MXNet's attribute names for F1 (MCC's are _average and _metrics); settable as there
    average = property(lambda self: self._average, lambda self, v: setattr(self, "_average", v))
    metrics = property(lambda self: self._stats, lambda self, v: setattr(self, "_stats", v))

    def _score(self, use_global: bool) -> float:
        return self._stats._fscore(use_global)


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary classification."""

    _zero: Any = 0.0

    def __init__(
        self,
        name: str = "mcc",
        output_names: Any = None,
        label_names: Any = None,
        average: str = "macro",
    ) -> None:
        super().__init__(name, output_names, label_names, average)

    _metrics = property(lambda self: self._stats, lambda self, v: setattr(self, "_stats", v))

    def _score(self, use_global: bool) -> float:
        return self._stats.matthewscc(use_global)


@register
class Perplexity(EvalMetric):
    """``exp`` of the mean negative log-probability of the labels (entries whose label is
    ``ignore_label`` are left out; ``None`` keeps all). Computed in float32 as MXNet does."""

    def __init__(
        self,
        ignore_label: Any,
        axis: int = -1,
        name: str = "perplexity",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(
            name,
            ignore_label=ignore_label,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels: Any, preds: Any) -> None:
        if len(labels) != len(preds):
            raise AssertionError()
        # MXNet walks a single array row by row; the sums come out the same taken whole
        labels, preds = check_label_shapes(labels, preds, True)
        loss, num = 0.0, 0
        for label, pred in zip(labels, preds):
            label_t, pred_t = _torch(label), _torch(pred)
            if label_t.numel() != pred_t.numel() / pred_t.shape[-1]:
                shapes = f"{tuple(label_t.shape)} vs. {tuple(pred_t.shape)}"
                raise AssertionError(f"shape mismatch: {shapes}")
            label_t = label_t.reshape(-1)
            # MXNet's pick: an index out of range is clipped (so an ignored label -1 reads
            # class 0, whose value is then replaced by 1 below)
            scores = pred_t.movedim(self.axis, -1)
            classes = scores.shape[-1]
            index = label_t.to(torch.int32).clamp(0, classes - 1).to(torch.int64)
            picked = scores.reshape(-1, classes).gather(1, index.reshape(-1, 1)).reshape(-1)
            if self.ignore_label is not None:
                ignore = (label_t == self.ignore_label).to(_torch_dtype(picked))
                num -= _scalar_sum(ignore)
                picked = picked * (1 - ignore) + ignore
            floor = torch.tensor(1e-10, dtype=_torch_dtype(picked))
            loss -= _scalar_sum(torch.log(torch.maximum(floor, picked)))
            num += picked.numel()
        self._add(loss, num)

    def get(self) -> tuple[Any, Any]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self) -> tuple[Any, Any]:
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


# -------------------------------------------------------------------------- regression


def _as_columns(x: Any) -> numpy.ndarray:
    a = _numpy(x)
    return a.reshape(a.shape[0], 1) if a.ndim == 1 else a


class _BatchMean(EvalMetric):
    """A per-batch error, averaged over batches (each batch counts once, as in MXNet)."""

    def __init__(self, name: str, output_names: Any = None, label_names: Any = None) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    @staticmethod
    def _error(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        raise NotImplementedError

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self._add(self._error(_as_columns(label), _as_columns(pred)), 1)


@register
class MAE(_BatchMean):
    """Mean absolute error."""

    def __init__(
        self, name: str = "mae", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        return numpy.abs(label - pred).mean()


@register
class MSE(_BatchMean):
    """Mean squared error."""

    def __init__(
        self, name: str = "mse", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        return ((label - pred) ** 2.0).mean()


@register
class RMSE(_BatchMean):
    """Root mean squared error."""

    def __init__(
        self, name: str = "rmse", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(name, output_names, label_names)

    @staticmethod
    def _error(label: numpy.ndarray, pred: numpy.ndarray) -> Any:
        return numpy.sqrt(((label - pred) ** 2.0).mean())


class _LabelLogLoss(EvalMetric):
    """Sum of ``-log(p[label] + eps)`` over samples, divided by the number of samples."""

    def __init__(self, eps: float, name: str, output_names: Any, label_names: Any) -> None:
        super().__init__(
            name,
            eps=eps,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self.eps = eps

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label_np = _numpy(label).ravel()
            pred_np = _numpy(pred)
            samples = pred_np.shape[0]
            self._check_count(label_np.shape[0], samples)
            rows = numpy.arange(samples, dtype=self._row_dtype)
            prob = pred_np[rows, numpy.int64(label_np)]
            self._add((-numpy.log(prob + self.eps)).sum(), samples)


@register
@alias("ce")
class CrossEntropy(_LabelLogLoss):
    """Cross-entropy of predicted class probabilities against integer labels."""

    _row_dtype = None

    def __init__(
        self,
        eps: float = 1e-12,
        name: str = "cross-entropy",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(eps, name, output_names, label_names)

    @staticmethod
    def _check_count(labels: int, samples: int) -> None:
        if labels != samples:
            raise AssertionError()


@register
@alias("nll_loss")
class NegativeLogLikelihood(_LabelLogLoss):
    """Negative log-likelihood of predicted class probabilities against integer labels."""

    _row_dtype = numpy.int64

    def __init__(
        self,
        eps: float = 1e-12,
        name: str = "nll-loss",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(eps, name, output_names, label_names)

    @staticmethod
    def _check_count(labels: int, samples: int) -> None:
        if labels != samples:
            raise AssertionError((labels, samples))


@register
@alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation of predictions and labels: per batch averaged (``'macro'``) or over
    all batches at once (``'micro'``, by Welford's running sums)."""

    def __init__(
        self,
        name: str = "pearsonr",
        output_names: Any = None,
        label_names: Any = None,
        average: str = "macro",
    ) -> None:
        self.average = average
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )
        if self.average == "micro":
            self.reset_micro()

    def reset_micro(self) -> None:
        self._sse_p = 0
        self._mean_p = 0
        self._sse_l = 0
        self._mean_l = 0
        self._pred_nums = 0
        self._label_nums = 0
        self._conv = 0

    def reset(self) -> None:
        super().reset()
        if self.average == "micro":
            self.reset_micro()

    def update_variance(self, new_values: Any, *aggregate: Any) -> tuple[Any, Any, Any]:
        """One step of Welford's running mean and sum of squared deviations."""
        count, mean, m_2 = aggregate
        count += len(new_values)
        delta = new_values - mean
        mean += numpy.sum(delta / count)
        m_2 += numpy.sum(delta * (new_values - mean))
        return count, mean, m_2

    def update_cov(self, label: Any, pred: Any) -> None:
        self._conv = self._conv + numpy.sum((label - self._mean_l) * (pred - self._mean_p))

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label_np = _numpy(label).ravel().astype(numpy.float64)
            pred_np = _numpy(pred).ravel().astype(numpy.float64)
            if self.average == "macro":
                self._add(numpy.corrcoef(pred_np, label_np)[0, 1], 1)
                continue
            self.global_num_inst += 1
            self.num_inst += 1
            self._label_nums, self._mean_l, self._sse_l = self.update_variance(
                label_np, self._label_nums, self._mean_l, self._sse_l
            )
            self.update_cov(label_np, pred_np)
            self._pred_nums, self._mean_p, self._sse_p = self.update_variance(
                pred_np, self._pred_nums, self._mean_p, self._sse_p
            )

    def get(self) -> tuple[Any, Any]:
        if self.num_inst == 0:
            return (self.name, float("nan"))
        if self.average == "macro":
            return (self.name, self.sum_metric / self.num_inst)
        n = self._label_nums
        # MXNet's order of operations, so the last digit agrees
        denom = (n - 1) * numpy.sqrt(self._sse_p / (n - 1)) * numpy.sqrt(self._sse_l / (n - 1))
        return (self.name, self._conv / denom)


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation (Pearson's on the confusion matrix), which grows as
    larger class indices are seen."""

    def __init__(
        self,
        name: str = "pcc",
        output_names: Any = None,
        label_names: Any = None,
        has_global_stats: bool = True,
    ) -> None:
        self.k = 2
        super().__init__(
            name=name,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=has_global_stats,
        )

    def _grow(self, inc: int) -> None:
        pad = ((0, inc), (0, inc))
        self.lcm = numpy.pad(self.lcm, pad, "constant", constant_values=0)
        self.gcm = numpy.pad(self.gcm, pad, "constant", constant_values=0)
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat: numpy.ndarray) -> Any:
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float("nan")
        cov_xy = numpy.sum(cmat.diagonal() * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels: Any, preds: Any) -> None:
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label_np = _numpy(label).astype("int32", copy=False)
            pred_np = _numpy(pred)
            if pred_np.shape != label_np.shape:
                pred_np = pred_np.argmax(axis=1)
            else:
                pred_np = pred_np.astype("int32", copy=False)
            n = max(pred_np.max(), label_np.max())
            if n >= self.k:
                self._grow(n + 1 - self.k)
            batch = numpy.zeros((self.k, self.k))
            for i, j in zip(pred_np, label_np):
                batch[i, j] += 1
            self.lcm += batch
            self.gcm += batch
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self) -> Any:
        return self._calc_mcc(self.lcm) * self.num_inst

    @sum_metric.setter
    def sum_metric(self, value: Any) -> None:  # the base class's reset assigns it
        pass

    @property
    def global_sum_metric(self) -> Any:
        return self._calc_mcc(self.gcm) * self.global_num_inst

    @global_sum_metric.setter
    def global_sum_metric(self, value: Any) -> None:
        pass

    def reset(self) -> None:
        self.global_num_inst = 0.0
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self) -> None:
        self.num_inst = 0.0
        self.lcm = numpy.zeros((self.k, self.k))


# -------------------------------------------------------------------- loss and custom


@register
class Loss(EvalMetric):
    """The mean of the given loss values (labels are ignored)."""

    def __init__(
        self, name: str = "loss", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )

    def update(self, _: Any, preds: Any) -> None:
        if _is_array(preds):
            preds = [preds]
        for pred in preds:
            t = _torch(pred)
            self._add(_scalar_sum(t), t.numel())


@register
class Torch(Loss):
    """Dummy metric for torch criterions."""

    def __init__(
        self, name: str = "torch", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)


@register
class Caffe(Loss):
    """Dummy metric for caffe criterions."""

    def __init__(
        self, name: str = "caffe", output_names: Any = None, label_names: Any = None
    ) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)
