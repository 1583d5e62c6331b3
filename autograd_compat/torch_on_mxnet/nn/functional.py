"""``torch.nn.functional`` of the torch dialect on MXNet (``relu sigmoid softmax log_softmax
mse_loss cross_entropy``)."""

from __future__ import annotations

from typing import Any

import mxnet as _mx
import numpy as _onp

from .. import _checks, _core
from .._core import Tensor, _make_node, _needs, _run, _saved, _wrap, node_class, relu, sigmoid

__all__ = ["cross_entropy", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "softmax"]

_mnp = _mx.np
_npx = _mx.npx


def _r_softmax(n: Any, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    gy = _core.mul(g, out)
    r = _core.sub(gy, _core.mul(out, _core.sum(gy, n.a, keepdim=True)))
    return _core.as_named(r, "SoftmaxBackwardDataBackward0")


def _r_log_softmax(n: Any, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    r = _core.sub(g, _core.mul(_core.exp(out), _core.sum(g, n.a, keepdim=True)))
    return _core.as_named(r, "LogSoftmaxBackwardDataBackward0")


_Softmax = node_class("SoftmaxBackward0", _r_softmax)
_LogSoftmax = node_class("LogSoftmaxBackward0", _r_log_softmax)


def _dim(x: Tensor, dim: int | None) -> int:
    if dim is None:
        dim = 0 if x.dim() in (0, 1, 3) else 1  # torch's legacy implicit-dim rule
    return _checks.wrap_dim(dim, x.dim())


def _softmax_like(cls: type, fn: Any, x: Tensor, dim: int | None) -> Tensor:
    d = _dim(x, dim)
    rec = _needs(x)
    out = _run(rec, lambda: fn(x._nd, axis=d))
    if not rec:
        return _wrap(out)
    node = _make_node(cls, (x,))
    res = _wrap(out, node)
    _core._save(node, (res,))
    node.a = d
    return res


def softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:  # noqa: A002
    """Softmax along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    return _softmax_like(_Softmax, _npx.softmax, input, dim)


def log_softmax(
    input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None
) -> Tensor:  # noqa: A002
    """Log-softmax along ``dim``."""
    if dtype is not None:
        input = input.to(dtype)
    return _softmax_like(_LogSoftmax, _npx.log_softmax, input, dim)


def _r_mse(n: Any, g: Tensor) -> tuple:
    a, b = _saved(n)
    red, shape = n.a
    d = _core.sub(a, b)
    if red == "mean":
        gi = _core.mul(d, _core.div(_core.mul(g, 2.0), a.numel() if a.dim() else 1))
    elif red == "sum":
        gi = _core.mul(d, _core.mul(g, 2.0))
    else:
        gi = _core.mul(d, _core.mul(g, 2.0))
    gi = _core.as_named(gi, "MseLossBackwardBackward0")
    return (
        _core._sum_to(gi, tuple(a.shape)) if n._next[0][0] is not None else None,
        _core._sum_to(_core.neg(gi), tuple(b.shape)) if n._next[1][0] is not None else None,
    )


_Mse = node_class("MseLossBackward0", _r_mse)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average: Any = None,
    reduce: Any = None,  # noqa: A002
    reduction: str = "mean",
) -> Tensor:
    """Mean squared error (``reduction`` ``'mean'``, ``'sum'`` or ``'none'``)."""
    dt = _core._result_type(input, target)
    a, b = _core._nd_of(input, dt), _core._nd_of(target, dt)
    rec = _needs(input, target)

    def f() -> Any:
        d = _mnp.subtract(a, b)
        sq = _mnp.multiply(d, d)
        if reduction == "mean":
            return _mnp.mean(sq)
        if reduction == "sum":
            return _mnp.sum(sq)
        return sq

    out = _run(rec, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_Mse, (input, target), (input, target))
    _core._note_casts(node, (input, target), dt)
    node.a = (reduction, tuple(input.shape))
    return _wrap(out, node)


def _r_nll(n: Any, g: Tensor) -> tuple:
    logp_shape, target, red, count = n.a  # target: ignored entries are -1 (match no class)
    onehot = _core.eq(
        _core.unsqueeze(target, 1), _core.reshape(_core.arange(logp_shape[1]), (1, -1))
    )
    scale = _core.div(g, count) if red == "mean" else g
    if red == "none":
        scale = _core.unsqueeze(g, 1)
    # torch scatters -scale into zeros: +0.0 off the target (not -0.0 from a multiply); its
    # rule is differentiable in the input (zero derivative), so under create_graph it records
    r = _core._keep_dep(_core.where(onehot, _core.neg(scale), 0.0), _saved(n)[0])
    return (_core.as_named(r, "NllLossBackwardBackward0"), None)


_Nll = node_class("NllLossBackward0", _r_nll)


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Any = None,
    size_average: Any = None,  # noqa: A002
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``
    (N×C, no ``weight``); targets equal to ``ignore_index`` count for nothing."""
    if weight is not None or input.dim() != 2:
        raise _core.not_supported("nn.functional.nll_loss with weight or non-2-D input")
    _checks.nll_target(tuple(input.shape), tuple(target.shape), target.dtype.name)
    values = target._numpy()
    _checks.nll_bounds(values.tolist(), input.shape[1], ignore_index)
    ignored = values == ignore_index
    count = int(values.size - ignored.sum())
    rec = _needs(input)
    tgt = target._nd
    if ignored.any():
        keep = _run(False, _mnp.array, (~ignored).astype(input.dtype.np))
        tgt = _run(False, _mnp.array, _onp.where(ignored, 0, values))

    def f() -> Any:
        picked = _npx.pick(input._nd, tgt, axis=1)
        if ignored.any():
            picked = _mnp.multiply(picked, keep)
        if reduction == "mean":
            return _mnp.negative(_mnp.true_divide(_mnp.sum(picked), count))
        if reduction == "sum":
            return _mnp.negative(_mnp.sum(picked))
        return _mnp.negative(picked)

    out = _run(rec, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_Nll, (input, target), fast=True)
    if ignored.any():
        target = _core.tensor(_onp.where(ignored, -1, values))
    _core._save(node, (input,))
    node.a = (tuple(input.shape), target, reduction, count)
    return _wrap(out, node)


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Any = None,
    size_average: Any = None,  # noqa: A002
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """``nll_loss(log_softmax(input, 1), target)`` (class-index targets)."""
    if label_smoothing:
        raise _core.not_supported("nn.functional.cross_entropy(label_smoothing=...)")
    return nll_loss(log_softmax(input, 1), target, weight, reduction=reduction)
