"""Indexing of the torch dialect on MXNet: ``x[key]``, ``x[key] = value``, ``narrow``, ``select``,
and what an in-place write does to a tensor's graph and to the views sharing its memory.

Basic indexing returns a view in torch (see :mod:`.views`); advanced indexing a copy. A recorded
write is computed out of place (``CopySlices``) and the tensor takes the result's value and graph
(:func:`_apply_inplace`, also used by the in-place methods). Derivative rules: :mod:`.derivatives`.
"""

from __future__ import annotations

from typing import Any

import mxnet as _mx
import numpy as _onp
from mxnet.base import MXNetError

from . import _checks, _raw, views
from .dtypes import _builtin_int, bool_, dtype, int64
from .errors import MX_INPLACE
from .graph import _mx_recording, as_named, node_class
from .recording import _make_node, _nd_of, _needs
from .scopes import _Paused, _run, _state, mx_dialect
from .shape_ops import _no_grad_view
from .tensor import Tensor, _data_ptr, _rebound, _shp, _wrap

_mnp = _mx.np
_NDArray = _mx.nd.NDArray


# torch's node names; the rules are installed by .derivatives
_Index = {
    k: node_class(k)
    for k in ("IndexBackward0", "SliceBackward0", "SelectBackward0", "UnsqueezeBackward0")
}
_IndexPutBw = node_class("IndexPutBackward")
_CopySlices = node_class("CopySlices")


def _key(key: Any) -> Any:
    if isinstance(key, tuple):
        out: list = []
        for k in key:
            if isinstance(k, Tensor) and k.dtype is bool_ and k.dim():
                out.extend(_onp.nonzero(k._numpy()))  # a mask is its nonzero positions
            else:
                out.append(_key(k))
        return tuple(out)
    if isinstance(key, Tensor):
        if key.dtype is bool_:
            # MXNet's setitem reads a boolean numpy mask as 0/1 integer indices: use positions
            nz = _onp.nonzero(key._numpy())
            return nz[0] if len(nz) == 1 else nz
        if not key.dim():
            return key.item()
        return key._nd if key.dtype is int64 else _run(False, key._nd.astype, _onp.int64)
    if isinstance(key, list):
        return _onp.asarray(key)
    return key


def _index_kind(key: Any) -> str:
    # torch applies the index left to right (full slices are no-ops, advanced indices last);
    # the result's grad_fn is the last op applied.
    ks = key if isinstance(key, tuple) else (key,)
    name = "SliceBackward0"
    for k in ks:
        if isinstance(k, (Tensor, list, _onp.ndarray)) and not (
            isinstance(k, Tensor) and k.dim() == 0
        ):
            return "IndexBackward0"
        if isinstance(k, (_builtin_int, _onp.integer, Tensor)):
            name = "SelectBackward0"
        elif isinstance(k, slice) and k != slice(None):
            name = "SliceBackward0"
        elif k is None:
            name = "UnsqueezeBackward0"
    return name


def _take0(nd: Any, idx: Any) -> Any:
    return _mnp.take(nd, idx, axis=0, mode="wrap")  # wrap: negative indices count from the end


def getitem(x: Tensor, key: Any, note: bool = True) -> Tensor:
    k = _key(key)
    rec = _needs(x)
    if isinstance(key, Tensor) and isinstance(k, _NDArray):
        # one integer index tensor: MXNet's `take` is one op; its NumPy-style advanced
        # indexing builds the index with several (about 10x slower on small arrays). `take`
        # does not check bounds, torch does.
        n = _shp(x)[0] if _shp(x) else 0
        iv = key._numpy()
        if iv.size and (iv.max() >= n or iv.min() < -n):
            bad = iv.max() if iv.max() >= n else iv.min()
            raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        out = _run(rec, _take0, x._nd, k)
    else:
        out = _run(rec, x._nd.__getitem__, k)
    kind = _index_kind(key)
    if not rec:
        res = _wrap(out)
    else:
        node = _make_node(_Index[kind], (x,))
        node.a = (tuple(x.shape), k, x.dtype)
        res = _wrap(out, node)
    if note and kind != "IndexBackward0":  # basic indexing: a view in torch
        shared = views.shares(x._nd, out, _data_ptr, x.numel() * x.dtype.itemsize)
        views.note(
            x,
            res,
            None if shared else lambda nd: _run(False, nd.__getitem__, k),
            lambda p: getitem(p, key, False),
            lambda p, new: _copy_slices(p, k, new),
        )
        if not rec and x.requires_grad:
            _no_grad_view(x, res)
    return res


def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    key = tuple([slice(None)] * _checks.wrap_dim(dim, x.dim()) + [slice(start, start + length)])
    return getitem(x, key)


def select(x: Tensor, dim: int, index: int) -> Tensor:
    key = tuple([slice(None)] * _checks.wrap_dim(dim, x.dim()) + [index])
    return getitem(x, key)


def _index_put_backward(g: Tensor, shape: tuple, key: Any, dt: dtype) -> Tensor:
    # zeros of the input's shape with g written at key: the rule of indexing (keys without
    # repeated indices), itself an adapter op (its rule is indexing) so second order works.
    rec = _needs(g)

    def f() -> Any:
        z = _mnp.zeros(shape, dt.np)
        z[key] = g._nd
        return z

    out = _run(False, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_IndexPutBw, (g,), fast=False)
    node.a = key
    return _wrap(out, node)


def _check_inplace(x: Tensor, what: str = "a leaf Variable") -> None:
    if not x.requires_grad or x._node is not None:
        return
    if _mx_recording():  # MXNet forbids in-place writes to variables while recording
        raise MXNetError(MX_INPLACE)
    # torch forbids them on leaves that require grad; an MXNet variable (attach_grad) may be
    # updated in place outside record(), as MXNet allows (`w[:] = w - lr * w.grad`)
    if _state.grad_enabled and not mx_dialect.paused and x._mx_req is None:
        if "_no_grad_view" in x.__dict__:
            raise RuntimeError(views.NO_GRAD_VIEW_WRITE)
        raise RuntimeError(f"{what} that requires grad is being used in an in-place operation.")


def setitem(x: Tensor, key: Any, value: Any) -> None:
    _check_inplace(x, "a view of a leaf Variable")  # torch indexes (a view) before writing
    k = _key(key)
    dt = x.dtype
    v = _nd_of(value, dt) if isinstance(value, Tensor) else value
    recorded = _needs(x, value) and (x._node is not None or not x.requires_grad)
    _before_write(x, recorded)
    if recorded:
        # torch records index assignment on a non-leaf: rebuild out of place (CopySlices)
        _apply_inplace(x, _copy_slices(x, k, value, v))
        x._version += 1
        return
    x._version += 1
    with _Paused():
        if (k is Ellipsis or (type(k) is slice and k == slice(None))) and isinstance(v, _NDArray):
            _raw.assign(x._nd, v)  # whole-array write: a copy instead of MXNet's slow setitem
        else:
            x._nd[k] = v
    _after_write(x)


def _copy_slices(x: Tensor, k: Any, value: Any, v: Any = None) -> Tensor:
    """``x`` with ``value`` written at the (converted) key ``k``, out of place and recorded."""
    if v is None:
        v = _nd_of(value, x.dtype) if isinstance(value, Tensor) else value
    new = _run(False, x._nd.copy)
    _run(False, new.__setitem__, k, v)
    node = _make_node(_CopySlices, (x, value), fast=False)
    node.a = (k, tuple(value.shape) if isinstance(value, Tensor) else None)
    return _wrap(new, node)


def _apply_inplace(x: Tensor, res: Tensor) -> None:
    """A recorded in-place op: ``x`` takes the value and graph of ``res`` (same dtype). When
    other tensors share ``x``'s memory, the value is written into that memory and every one of
    them gets a graph through the new one, as torch rebases views."""
    if "_family" in x.__dict__ and views.rebase(x, res, _write_back):
        return
    x._nd, x._node, x._idx = res._nd, res._node, res._idx
    object.__setattr__(x, "requires_grad", res.requires_grad)
    _rebound(x)


def _write_back(t: Tensor, new: Tensor, values: bool = True, via_view: bool = False) -> None:
    # `t` keeps its array (shared with its views) and takes `new`'s values and graph. MXNet's
    # graph of that array is now stale: the node is marked so the adapter's rules are used.
    if values:
        with _Paused():
            _raw.copy_into(new._nd, t._nd)
    d = t.__dict__
    if "_view_of" in d:
        as_named(new, "AsStridedBackward0")  # torch's name for a view regenerated after a write
    elif via_view:
        as_named(new, "CopySlices")  # torch's node for a base written through a view
    n = new._node
    if n is not None:
        n._fast = False
    d["_node"], d["_idx"], d["requires_grad"] = n, new._idx, new.requires_grad


def _before_write(x: Tensor, recorded: bool) -> None:
    if "_family" in x.__dict__:
        views.before_write(x, recorded, _state.grad_enabled and not mx_dialect.paused)


def _after_write(x: Tensor) -> None:
    if "_family" in x.__dict__:
        views.after_write(x, _refresh)


def _refresh(v: Tensor, new: Any) -> None:
    with _Paused():
        _raw.copy_into(new, v._nd)
