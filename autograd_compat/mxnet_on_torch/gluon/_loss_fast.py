"""The common case of ``SoftmaxCrossEntropyLoss`` in a few torch kernels.

Legacy ``NDArray`` scores of shape ``(batch, classes)``, integer-valued labels of shape
``(batch,)`` or ``(batch, 1)``, no weights: the loss is ``-log_softmax(pred)[i, label[i]]`` with
the label clipped into range as ``nd.pick`` does, averaged over its one non-batch element. The
general path (``log_softmax``, ``pick``, negation, ``+ 0.0``) gives the same bits; here torch's
``nll_loss`` picks and negates in one node, and ``0.0 - x`` is MXNet's ``-x + 0.0`` (``-0.0``
becomes ``+0.0``; every other value, infinities and NaN included, is ``-x``), with the same
gradient. Fewer operators and graph nodes: one training step of a small MLP has a handful of
layers, so these count.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn.functional import nll_loss

from ..nd_ndarray import NDArray

_TB = torch._C.TensorBase
_shape = _TB.shape.__get__


def sparse_softmax_ce(pred: Any, label: Any, axis: int, from_logits: bool) -> Any:
    """The loss per sample, or None when the case is not the common one (the caller then runs
    the general path, which also raises the errors)."""
    if type(pred) is not NDArray or type(label) is not NDArray:
        return None
    shape = _shape(pred)
    if len(shape) != 2 or axis not in (-1, 1) or not _TB.is_floating_point(pred):
        return None
    n, classes = shape
    lshape = _shape(label)
    if lshape != (n,) and lshape != (n, 1):
        return None
    if _TB.is_complex(label) or classes == 0:
        return None
    try:
        logp = pred if from_logits else torch.log_softmax(pred, 1)
        # nd.pick: the index truncated to an integer, then clipped into [0, classes).
        idx = _TB.clamp(
            _TB.long(label if len(lshape) == 1 else _TB.reshape(label, (n,))), 0, classes - 1
        )
        picked = nll_loss(logp, idx, reduction="none")  # -logp[i, idx[i]]; gradient -1 there
        out = torch.add(picked, 0.0)  # -0.0 -> +0.0 as MXNet's sum from +0 (see gluon.loss)
    except RuntimeError:
        return None
    out.__class__ = NDArray
    ctx = pred.__dict__.get("_mx_ctx")
    if ctx is not None:
        out._mx_ctx = ctx
    return out
