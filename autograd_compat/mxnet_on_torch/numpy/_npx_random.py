"""``mxnet.npx.random`` on torch: ``bernoulli``, ``normal_n``, ``uniform_n`` and ``seed``, drawing
from torch's global generator like ``np.random``."""

from __future__ import annotations

from typing import Any

import torch

from ..base import raise_mxnet_errors
from ..dtypes import to_dtype
from ..ndarray import ndarray, wrap
from . import _a_checks as _checks
from .random import _dev, _shape, normal, seed, uniform

__all__ = ["bernoulli", "normal_n", "seed", "uniform_n"]


def bernoulli(
    prob: Any = None,
    logit: Any = None,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    """1 with probability ``prob`` (or ``sigmoid(logit)``), else 0; exactly one of the two."""
    if (prob is None) == (logit is None):
        raise ValueError(
            "Either `prob` or `logit` must be specified, but not both. "
            f"Received prob={prob}, logit={logit}"
        )
    _checks.between_zero_and_one(prob, "expect probs >= 0 && probs <= 1")
    v = prob if logit is None else logit
    p = torch._C.TensorBase.detach(v).float() if isinstance(v, torch.Tensor) else torch.tensor(v)
    p = p.float()
    if logit is not None:
        p = torch.sigmoid(p)
    shape = _shape(size) if size is not None else tuple(p.shape)
    draws = torch.bernoulli(p.to(_dev(ctx)).expand(shape))
    return wrap(draws.to(to_dtype(dtype)))


def _batch_shape(batch_shape: Any, *params: Any) -> tuple[int, ...]:
    param_shape = torch.broadcast_shapes(*(getattr(p, "shape", ()) for p in params))
    return _shape(batch_shape) + tuple(param_shape)


def normal_n(
    loc: Any = 0.0, scale: Any = 1.0, batch_shape: Any = None, dtype: Any = None, ctx: Any = None
) -> ndarray:
    """Normal samples of shape ``batch_shape + broadcast(loc, scale).shape``."""
    return normal(loc, scale, size=_batch_shape(batch_shape, loc, scale), dtype=dtype, ctx=ctx)


def uniform_n(
    low: Any = 0.0, high: Any = 1.0, batch_shape: Any = None, dtype: Any = None, ctx: Any = None
) -> ndarray:
    """Uniform samples of shape ``batch_shape + broadcast(low, high).shape``."""
    return uniform(low, high, size=_batch_shape(batch_shape, low, high), dtype=dtype, ctx=ctx)


raise_mxnet_errors(globals(), "npx.random", ["bernoulli", "normal_n", "uniform_n"])
