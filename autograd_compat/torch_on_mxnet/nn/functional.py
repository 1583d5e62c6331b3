"""``torch.nn.functional`` of the torch dialect on MXNet (``relu sigmoid softmax log_softmax
mse_loss cross_entropy``)."""

from __future__ import annotations

from typing import Any

import mxnet as _mx
import numpy as _onp

from .. import _checks
from .. import creation as _creation
from .. import derivatives as _d
from .. import graph as _graph
from .. import pointwise as _pw
from .. import recording as _rec
from .. import reductions as _red
from .. import shape_ops as _shape
from ..derivatives import _saved
from ..errors import not_supported
from ..graph import node_class
from ..pointwise import relu, sigmoid
from ..recording import _make_node, _needs
from ..scopes import _run
from ..tensor import Tensor, _wrap

__all__ = ["cross_entropy", "log_softmax", "mse_loss", "nll_loss", "relu", "sigmoid", "softmax"]

_mnp = _mx.np
_npx = _mx.npx


def _r_softmax(n: Any, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    gy = _pw.mul(g, out)
    r = _pw.sub(gy, _pw.mul(out, _red.sum(gy, n.a, keepdim=True)))
    return _graph.as_named(r, "SoftmaxBackwardDataBackward0")


def _r_log_softmax(n: Any, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    r = _pw.sub(g, _pw.mul(_pw.exp(out), _red.sum(g, n.a, keepdim=True)))
    return _graph.as_named(r, "LogSoftmaxBackwardDataBackward0")


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
    _graph._save(node, (res,))
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
    d = _pw.sub(a, b)
    if red == "mean":
        gi = _pw.mul(d, _pw.div(_pw.mul(g, 2.0), a.numel() if a.dim() else 1))
    elif red == "sum":
        gi = _pw.mul(d, _pw.mul(g, 2.0))
    else:
        gi = _pw.mul(d, _pw.mul(g, 2.0))
    gi = _graph.as_named(gi, "MseLossBackwardBackward0")
    return (
        _d._sum_to(gi, tuple(a.shape)) if n._next[0][0] is not None else None,
        _d._sum_to(_pw.neg(gi), tuple(b.shape)) if n._next[1][0] is not None else None,
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
    dt = _rec._result_type(input, target)
    a, b = _rec._nd_of(input, dt), _rec._nd_of(target, dt)
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
    _rec._note_casts(node, (input, target), dt)
    node.a = (reduction, tuple(input.shape))
    return _wrap(out, node)


def _r_nll(n: Any, g: Tensor) -> tuple:
    logp_shape, target, red, count = n.a  # target: ignored entries are -1 (match no class)
    onehot = _pw.eq(
        _shape.unsqueeze(target, 1), _shape.reshape(_creation.arange(logp_shape[1]), (1, -1))
    )
    scale = _pw.div(g, count) if red == "mean" else g
    if red == "none":
        scale = _shape.unsqueeze(g, 1)
    # torch scatters -scale into zeros: +0.0 off the target (not -0.0 from a multiply); its
    # rule is differentiable in the input (zero derivative), so under create_graph it records
    r = _d._keep_dep(_pw.where(onehot, _pw.neg(scale), 0.0), _saved(n)[0])
    return (_graph.as_named(r, "NllLossBackwardBackward0"), None)


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
        raise not_supported("nn.functional.nll_loss with weight or non-2-D input")
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
        target = _creation.tensor(_onp.where(ignored, -1, values))
    _graph._save(node, (input,))
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
        raise not_supported("nn.functional.cross_entropy(label_smoothing=...)")
    return nll_loss(log_softmax(input, 1), target, weight, reduction=reduction)
