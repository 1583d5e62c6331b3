"""The derivative rules of the torch dialect on MXNet: one entry per node class, like PyTorch's
``derivatives.yaml``.

A rule maps ``(node, grad)`` to the gradients of the node's inputs (None where an input needs
none), written in the dialect's own ops, so a rule run under ``create_graph=True`` is recorded
again and differentiable to any order. MXNet's engine computes plain first-order gradients (see
:mod:`.engine`); these rules run for ``create_graph``, hooks, ``retain_grad``, custom Functions
and graphs MXNet no longer holds. :data:`RULES` is installed on the node classes at import.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import mxnet as _mx
import numpy as _onp

from . import indexing as ix
from . import linalg as la
from . import pointwise as pw
from . import reductions as rd
from . import shape_ops as so
from .creation import arange, ones_like, zeros_like
from .errors import FREED
from .graph import Node, _check_versions, as_named
from .indexing import _index_put_backward, getitem, narrow, select
from .linalg import matmul, mm, mv
from .pointwise import (
    add,
    div,
    eq,
    ge,
    gt,
    le,
    log,
    logical_and,
    lt,
    mul,
    neg,
    pow,
    rsub,
    sign,
    sub,
    where,
)
from .reductions import prod, sum
from .scopes import _run, _state
from .shape_ops import expand, permute, reshape, t, transpose, unsqueeze
from .tensor import Tensor, _shp, _wrap

_mnp = _mx.np
_NDArray = _mx.nd.NDArray

# --- helpers of the rules -------------------------------------------------------------------


def _need(node: Node, i: int) -> bool:
    return node._next[i][0] is not None


def _saved(node: Node) -> tuple:
    s = node._saved
    if s is None:
        raise RuntimeError(FREED)
    _check_versions(node)
    return s


def _val(n: Node, i: int) -> Any:
    s = _saved(n)[i]
    return s if s is not None else n.a[2 + i]


def _sum_to(g: Tensor, shape: Sequence[int] | None) -> Tensor | None:
    if shape is None:
        return None
    if _shp(g) == tuple(shape):
        return g
    lead = g.dim() - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and g.shape[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = sum(g, dims, keepdim=True)
    return reshape(g, tuple(shape))


def _expand_back(g: Tensor, shape: tuple, dims: tuple | None, keepdim: bool) -> Tensor:
    if dims is not None and not keepdim:
        for d in sorted(dims):
            g = unsqueeze(g, d)
    elif dims is None:
        g = reshape(g, (1,) * len(shape))
    return expand(g, shape)


def _keep_dep(r: Tensor, x: Tensor) -> Tensor:
    # torch's masked rules for relu and abs (threshold_backward, sgn) are differentiable in the
    # saved input too (with zero derivative), so under create_graph their result requires grad
    # wherever the input does; a zero-weighted term reproduces that.
    if _state.grad_enabled and x.requires_grad and not r.requires_grad:
        return add(r, mul(x, 0.0))
    return r


# --- element-wise ---------------------------------------------------------------------------


def _r_add(n: Node, g: Tensor) -> tuple:
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(g, sa) if _need(n, 0) else None, _sum_to(g, sb) if _need(n, 1) else None)


def _r_sub(n: Node, g: Tensor) -> tuple:
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(g, sa) if _need(n, 0) else None, _sum_to(neg(g), sb) if _need(n, 1) else None)


def _r_rsub(n: Node, g: Tensor) -> tuple:  # b - a with a tensor first argument
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(neg(g), sa) if _need(n, 0) else None, _sum_to(g, sb) if _need(n, 1) else None)


def _r_mul(n: Node, g: Tensor) -> tuple:
    return (
        _sum_to(mul(g, _val(n, 1)), n.a[0]) if _need(n, 0) else None,
        _sum_to(mul(g, _val(n, 0)), n.a[1]) if _need(n, 1) else None,
    )


def _r_div(n: Node, g: Tensor) -> tuple:
    a, b = _val(n, 0), _val(n, 1)
    return (
        _sum_to(div(g, b), n.a[0]) if _need(n, 0) else None,
        _sum_to(div(mul(neg(g), a), mul(b, b)), n.a[1]) if _need(n, 1) else None,
    )


def _r_pow(n: Node, g: Tensor) -> tuple:
    a, b = _val(n, 0), _val(n, 1)
    ga = gb = None
    if _need(n, 0):
        if isinstance(b, Tensor):
            ga = _sum_to(mul(g, mul(b, pow(a, sub(b, 1)))), n.a[0])
        elif b == 0:
            ga = zeros_like(a)
        else:
            ga = mul(g, mul(pow(a, b - 1), b))
    if _need(n, 1):
        out = pow(a, b)
        if isinstance(a, Tensor):
            # torch: no gradient to the exponent where the base is 0 and the exponent >= 0
            # (log(0) would make it nan)
            zero = logical_and(eq(a, 0), ge(b, 0))
            la = log(where(zero, ones_like(a), a))
            gb = _sum_to(where(zero, zeros_like(g), mul(g, mul(out, la))), n.a[1])
        elif a == 0:
            gb = zeros_like(g)
        else:
            gb = _sum_to(mul(g, mul(out, math.log(a))), n.a[1])
    return ga, gb


def _r_relu(n: Node, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    return as_named(_keep_dep(mul(g, gt(out, 0).to(g.dtype)), out), "ThresholdBackwardBackward0")


def _r_abs(n: Node, g: Tensor) -> Tensor:
    x = _saved(n)[0]
    return as_named(_keep_dep(mul(g, sign(x)), x), "MulBackward0")


def _r_clamp(n: Node, g: Tensor) -> Tensor:
    x = _saved(n)[0]
    lo, hi = n.a
    m = None
    if lo is not None:
        m = ge(x, lo)
    if hi is not None:
        m2 = le(x, hi)
        m = m2 if m is None else logical_and(m, m2)
    return mul(g, m.to(g.dtype))


def _r_maxmin(is_max: bool) -> Callable:
    def rule(n: Node, g: Tensor) -> tuple:
        a, b = _saved(n)
        # torch: the gradient is split evenly where the two are equal
        win = gt(a, b) if is_max else lt(a, b)
        tie = eq(a, b)
        wa = add(win.to(g.dtype), mul(tie.to(g.dtype), 0.5))
        return (
            _sum_to(mul(g, wa), n.a[0]) if _need(n, 0) else None,
            _sum_to(mul(g, rsub(wa, 1)), n.a[1]) if _need(n, 1) else None,
        )

    return rule


def _r_where(n: Node, g: Tensor) -> tuple:
    c = n.a[4]
    z = zeros_like(g)
    return (
        None,
        _sum_to(where(c, g, z), n.a[0]) if _need(n, 1) else None,
        _sum_to(where(c, z, g), n.a[1]) if _need(n, 2) else None,
    )


# --- unary ----------------------------------------------------------------------------------


def _r_neg(n: Node, g: Tensor) -> Tensor:
    return neg(g)


def _r_exp(n: Node, g: Tensor) -> Tensor:
    return mul(g, _saved(n)[0])


def _r_log(n: Node, g: Tensor) -> Tensor:
    return div(g, _saved(n)[0])


def _r_sqrt(n: Node, g: Tensor) -> Tensor:
    return div(g, mul(_saved(n)[0], 2))


def _r_sin(n: Node, g: Tensor) -> Tensor:
    return mul(g, pw.cos(_saved(n)[0]))


def _r_cos(n: Node, g: Tensor) -> Tensor:
    return mul(g, neg(pw.sin(_saved(n)[0])))


def _r_tanh(n: Node, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    return as_named(mul(g, rsub(mul(out, out), 1)), "TanhBackwardBackward0")


def _r_sigmoid(n: Node, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    return as_named(mul(g, mul(rsub(out, 1), out)), "SigmoidBackwardBackward0")


def _r_reciprocal(n: Node, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    return mul(g, neg(mul(out, out)))


def _r_sign(n: Node, g: Tensor) -> Tensor:
    return zeros_like(g)


# --- reductions -----------------------------------------------------------------------------


def _r_sum(n: Node, g: Tensor) -> Tensor:
    shape, dims, keepdim = n.a
    return _expand_back(g, shape, dims, keepdim)


def _r_mean(n: Node, g: Tensor) -> Tensor:
    shape, dims, keepdim = n.a
    cnt = math.prod(shape) if dims is None else math.prod(shape[d] for d in dims)
    return div(_expand_back(g, shape, dims, keepdim), cnt)


def _r_prod(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    shape, dims, keepdim = n.a
    if dims is not None and not keepdim:
        out = unsqueeze(out, dims[0])
    ge = _expand_back(g, shape, dims, keepdim)
    if not _onp.any(x._numpy() == 0):
        return mul(ge, div(out, x))
    # with zeros out / x is wrong: the product of the *other* elements, built by masking the
    # diagonal of an n x n expansion along the reduced axis (O(n^2), only when zeros occur)
    if dims is None:
        return reshape(mul(ge, reshape(_prod_others(reshape(x, (-1,))), shape)), shape)
    d = dims[0]
    xt = transpose(x, d, -1) if d != len(shape) - 1 else x
    others = _prod_others(xt)
    if d != len(shape) - 1:
        others = transpose(others, d, -1)
    return mul(ge, others)


def _prod_others(x: Tensor) -> Tensor:
    """For each element along the last axis, the product of the others on that axis."""
    k = _shp(x)[-1]
    eye_mask = _wrap(_run(False, lambda: _mnp.eye(k).astype(_onp.bool_)))
    big = expand(unsqueeze(x, -2), tuple(_shp(x)[:-1]) + (k, k))
    return prod(where(eye_mask, ones_like(big), big), -1)


def _r_max_all(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    m = eq(x, out).to(g.dtype)
    return mul(div(g, sum(m)), m)  # torch spreads the gradient evenly over ties


def _r_max_dim(n: Node, g: Tensor) -> Tensor:
    shape, dim, keepdim, idx = n.a
    if not keepdim:
        g = unsqueeze(g, dim)
        idx = unsqueeze(idx, dim)
    r = reshape(arange(shape[dim]), tuple(-1 if i == dim else 1 for i in range(len(shape))))
    mask = eq(r, idx).to(g.dtype)
    return mul(expand(g, shape), mask)


def _r_norm(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    shape, dims, keepdim = n.a
    if dims is not None and not keepdim:
        g = unsqueeze(g, dims[0])
        out = unsqueeze(out, dims[0])
    # torch masks the zero-norm case to a zero gradient
    safe = where(eq(out, 0), ones_like(out), out)
    return mul(g, div(x, safe))


# --- linear algebra -------------------------------------------------------------------------


def _r_dot(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (mul(g, b) if _need(n, 0) else None, mul(g, a) if _need(n, 1) else None)


def _r_mm(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (mm(g, t(b)) if _need(n, 0) else None, mm(t(a), g) if _need(n, 1) else None)


def _r_mv(n: Node, g: Tensor) -> tuple:
    a, v = _saved(n)
    return (
        mm(unsqueeze(g, 1), unsqueeze(v, 0)) if _need(n, 0) else None,
        mv(t(a), g) if _need(n, 1) else None,
    )


def _r_bmm(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (
        _sum_to(matmul(g, transpose(b, -1, -2)), n.a[0]) if _need(n, 0) else None,
        _sum_to(matmul(transpose(a, -1, -2), g), n.a[1]) if _need(n, 1) else None,
    )


# --- shape ops --------------------------------------------------------------------------------


def _r_reshape(n: Node, g: Tensor) -> Tensor:
    return reshape(g, n.a)


def _r_t(n: Node, g: Tensor) -> Tensor:
    return t(g)


def _r_transpose(n: Node, g: Tensor) -> Tensor:
    return transpose(g, n.a[0], n.a[1])


def _r_permute(n: Node, g: Tensor) -> Tensor:
    return permute(g, *[n.a.index(i) for i in range(len(n.a))])


def _r_expand(n: Node, g: Tensor) -> Tensor:
    return _sum_to(g, n.a)


def _r_clone(n: Node, g: Tensor) -> Tensor:
    return g


def _r_to_copy(n: Node, g: Tensor) -> Tensor:
    return g.to(n.a)


def _r_cat(n: Node, g: Tensor) -> tuple:
    dim, sizes = n.a
    out = []
    start = 0
    for s in sizes:
        out.append(narrow(g, dim, start, s))
        start += s
    return tuple(out)


def _r_stack(n: Node, g: Tensor) -> tuple:
    dim, count = n.a
    return tuple(select(g, dim, i) for i in range(count))


# --- indexing ---------------------------------------------------------------------------------


_INDEX_BW_NAMES = {
    "IndexBackward0": "IndexPutImplBackward0",
    "SelectBackward0": "SelectBackwardBackward0",
    "SliceBackward0": "SliceBackwardBackward0",
}


def _r_index(n: Node, g: Tensor) -> Tensor:
    name = _INDEX_BW_NAMES.get(type(n).__name__, "IndexPutImplBackward0")
    return as_named(_index_rule(n, g), name)


def _index_rule(n: Node, g: Tensor) -> Tensor:
    shape, key, dt = n.a
    if isinstance(key, _NDArray):  # one integer index tensor on axis 0: scatter-add by matmul
        k = _shp(g)[0] if _shp(g) else 1
        idx = _wrap(key)
        nrow = shape[0]
        idx = where(lt(idx, 0), add(idx, nrow), idx)
        onehot = eq(reshape(idx, (-1, 1)), reshape(arange(nrow), (1, -1))).to(g.dtype)
        flat = mm(t(onehot), reshape(g, (k, -1)))
        return reshape(flat, shape)
    if _repeats(shape, key):
        raise NotImplementedError(
            "the gradient of indexing with repeated advanced indices is not supported by the "
            "torch dialect on mxnet outside MXNet's first-order engine (hooks, retain_grad, "
            "create_graph); index with unique indices or use index_select-free code"
        )
    return _index_put_backward(g, shape, key, dt)


def _repeats(shape: tuple, key: Any) -> bool:
    ks = key if isinstance(key, tuple) else (key,)
    if not any(isinstance(k, (_onp.ndarray, _NDArray)) and k.dtype != _onp.bool_ for k in ks):
        return False
    np_key = tuple(k.asnumpy() if isinstance(k, _NDArray) else k for k in ks)
    count = _onp.zeros(shape, dtype=_onp.int64)
    _onp.add.at(count, np_key, 1)
    return bool((count > 1).any())


def _r_index_put_bw(n: Node, g: Tensor) -> Tensor:
    return getitem(g, n.a)


def _r_copyslices(n: Node, g: Tensor) -> tuple:
    key, vshape = n.a
    gx = None
    if _need(n, 0):
        gx = _mask_out(g, key)  # the overwritten positions get no gradient
    gv = _sum_to(getitem(g, key), vshape) if _need(n, 1) and vshape is not None else None
    return gx, gv


def _mask_out(g: Tensor, key: Any) -> Tensor:
    m = _run(False, lambda: _mnp.ones(g._nd.shape, _onp.bool_))
    _run(False, m.__setitem__, key, False)
    return where(_wrap(m), g, 0.0)  # +0.0 where overwritten, as torch (not -0.0 from g * 0)


# --- the table: node class -> rule ------------------------------------------------------------

RULES: dict[type, Callable[[Any, Any], Any]] = {
    # element-wise
    pw.add.node: _r_add,
    pw.sub.node: _r_sub,
    pw._rsub.node: _r_rsub,
    pw.mul.node: _r_mul,
    pw.div.node: _r_div,
    pw._pow_t.node: _r_pow,
    pw._pow_s.node: _r_pow,
    pw._pow_r.node: _r_pow,
    pw.neg.node: _r_neg,
    pw.exp.node: _r_exp,
    pw.log.node: _r_log,
    pw.sqrt.node: _r_sqrt,
    pw.sin.node: _r_sin,
    pw.cos.node: _r_cos,
    pw.tanh.node: _r_tanh,
    pw.sigmoid.node: _r_sigmoid,
    pw.relu.node: _r_relu,
    pw.abs.node: _r_abs,
    pw.sign.node: _r_sign,
    pw.reciprocal.node: _r_reciprocal,
    pw._Clamp: _r_clamp,
    pw._maximum.node: _r_maxmin(True),
    pw._minimum.node: _r_maxmin(False),
    pw._Where: _r_where,
    # reductions
    rd._Sum0: _r_sum,
    rd._Sum1: _r_sum,
    rd._Mean0: _r_mean,
    rd._Mean1: _r_mean,
    rd._Prod0: _r_prod,
    rd._Prod1: _r_prod,
    rd._Max1: _r_max_all,
    rd._Min1: _r_max_all,
    rd._Max0: _r_max_dim,
    rd._Min0: _r_max_dim,
    rd._Norm: _r_norm,
    # linear algebra
    la._Dot: _r_dot,
    la._Mm: _r_mm,
    la._Mv: _r_mv,
    la._Matmul: _r_bmm,
    # shape ops
    so._View: _r_reshape,
    so._T: _r_t,
    so._Unsq: _r_reshape,
    so._Sq0: _r_reshape,
    so._Sq1: _r_reshape,
    so._Sq4: _r_reshape,
    so._Transpose: _r_transpose,
    so._Permute: _r_permute,
    so._Expand: _r_expand,
    so._Clone: _r_clone,
    so._ToCopy: _r_to_copy,
    so._Cat: _r_cat,
    so._Stack: _r_stack,
    # indexing
    **{cls: _r_index for cls in ix._Index.values()},
    ix._IndexPutBw: _r_index_put_bw,
    ix._CopySlices: _r_copyslices,
}

for _cls, _rule in RULES.items():
    _cls._rule = staticmethod(_rule)
