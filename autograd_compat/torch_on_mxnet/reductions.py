"""Reductions of the torch dialect on MXNet: ``sum``, ``mean``, ``prod``, ``max``/``min`` (with
their ``(values, indices)`` form), ``argmax``/``argmin``, ``norm``. Their derivative rules are in
:mod:`.derivatives`.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import mxnet as _mx
import numpy as _onp

from . import _checks, _raw
from .creation import zeros
from .dtypes import _as_dtype, int64
from .errors import not_supported
from .graph import _save, as_named, node_class
from .pointwise import maximum, minimum
from .recording import _make_node, _needs, _off_leaf
from .scopes import _run
from .tensor import Tensor, _wrap

_mnp = _mx.np


# torch's node names; the rules are installed by .derivatives
_Sum0 = node_class("SumBackward0")
_Sum1 = node_class("SumBackward1")
_Mean0 = node_class("MeanBackward0")
_Mean1 = node_class("MeanBackward1")
_Prod0 = node_class("ProdBackward0")
_Prod1 = node_class("ProdBackward1")
_Max1 = node_class("MaxBackward1")
_Min1 = node_class("MinBackward1")
_Max0 = node_class("MaxBackward0")
_Min0 = node_class("MinBackward0")
_Norm = node_class("LinalgVectorNormBackward0")


def _dims(dim: Any, nd: int) -> tuple | None:
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return _checks.wrap_dims(dim, nd)
    return (_checks.wrap_dim(dim, nd),)


def _axis(dims: tuple | None) -> Any:
    if dims is None:
        return None
    return dims[0] if len(dims) == 1 else dims


_np_sum = _raw.op1("_np_sum")
_np_sum_axis = _raw.op1p("_np_sum", "axis")
_np_div_scalar = _raw.op1p("_npi_true_divide_scalar", "scalar")


def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    nd = x._nd
    if x.dtype._cat != 2 or dtype is not None:
        target = _as_dtype(dtype) if dtype is not None else int64
        rec = _needs(x)
        nd = _run(rec, lambda: _off_leaf(x, rec).astype(target.np))
    dims = _dims(dim, x.dim())
    rec = _needs(x)
    if dims is None:
        out = _run(rec, _np_sum, nd)
    elif keepdim:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims), keepdims=True))
    elif len(dims) == 1:
        out = _run(rec, _np_sum_axis, nd, str(dims[0]))
    else:
        out = _run(rec, _mnp.sum, nd, _axis(dims))
    if not rec:
        return _wrap(out)
    node = _make_node(_Sum0 if dims is None else _Sum1, (x,))
    if nd is not x._nd:
        node._in_dt = (x.dtype,)
    node.a = (tuple(x.shape), dims, keepdim)
    return _wrap(out, node)


def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if x.dtype._cat != 2 and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_TORCH_SCALAR_NAMES[x.dtype.name]}"
        )
    rec = _needs(x)
    nd = (
        x._nd if dtype is None else _run(rec, lambda: _off_leaf(x, rec).astype(_as_dtype(dtype).np))
    )
    dims = _dims(dim, x.dim())
    rec = _needs(x)
    shape = tuple(x.shape)
    cnt = math.prod(shape) if dims is None else math.prod(shape[d] for d in dims)
    # Sum then scale, never MXNet's mean: MXNet 1.9.1's mean backward into a grad_req='add'
    # buffer rescales the whole buffer (a leaf accumulates 0.5, 0.75, 0.875 instead of 0.5,
    # 1.0, 1.5). sum's backward and the scalar divide accumulate correctly.
    if dims is None:
        out = _run(rec, lambda: _np_div_scalar(_np_sum(nd), repr(builtins.float(cnt))))
    elif keepdim:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims), keepdims=True) / cnt)
    else:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims)) / cnt)
    if not rec:
        return _wrap(out)
    node = _make_node(_Mean0 if dims is None else _Mean1, (x,))
    if nd is not x._nd:
        node._in_dt = (x.dtype,)
    node.a = (tuple(x.shape), dims, keepdim)
    return _wrap(out, node)


_TORCH_SCALAR_NAMES = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
}


def prod(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    nd = x._nd if x.dtype._cat == 2 else _run(False, x._nd.astype, _onp.int64)
    rec = _needs(x)
    dims = _dims(dim, x.dim())
    if dims is None:
        out = _run(rec, _mnp.prod, nd)
    else:
        out = _run(rec, lambda: _mnp.prod(nd, axis=dims[0], keepdims=keepdim))
    if not rec:
        return _wrap(out)
    node = _make_node(_Prod0 if dims is None else _Prod1, (x,), fast=False)
    res = _wrap(out, node)
    _save(node, (x, res))
    node.a = (tuple(x.shape), dims, keepdim)
    return res


class _ValuesIndices(tuple):
    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


def _maxmin(x: Tensor, dim: Any, keepdim: bool, is_max: bool) -> Any:
    if isinstance(dim, Tensor):
        return maximum(x, dim) if is_max else minimum(x, dim)
    rec = _needs(x)
    if dim is None:
        out = _run(rec, _mnp.max if is_max else _mnp.min, x._nd)
        if not rec:
            return _wrap(out)
        node = _make_node(_Max1 if is_max else _Min1, (x,), fast=False)
        res = _wrap(out, node)
        _save(node, (x, res))
        return res
    d = _checks.wrap_dim(dim, x.dim())
    if not x.dim():  # torch reduces a 0-d tensor over "dim 0" to itself (MXNet refuses)
        v = _maxmin(x, None, keepdim, is_max)
        name = "MaxBackward0" if is_max else "MinBackward0"
        return _ValuesIndices((as_named(v, name), zeros((), dtype=int64)))
    idx = _run(False, lambda: (_mnp.argmax if is_max else _mnp.argmin)(x._nd, d))
    idx = _run(False, idx.astype, _onp.int64)
    if keepdim:
        out = _run(rec, lambda: (_mnp.max if is_max else _mnp.min)(x._nd, d, keepdims=True))
        idx = _run(False, _mnp.expand_dims, idx, d)
    else:
        out = _run(rec, _mnp.max if is_max else _mnp.min, x._nd, d)
    ind = _wrap(idx)
    if not rec:
        return _ValuesIndices((_wrap(out), ind))
    node = _make_node(_Max0 if is_max else _Min0, (x,), fast=False)
    node.a = (tuple(x.shape), d, keepdim, ind)
    return _ValuesIndices((_wrap(out, node), ind))


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _maxmin(x, dim, keepdim, True)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _maxmin(x, dim, keepdim, False)


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        r = _run(False, _mnp.argmax, x._nd)
    else:
        dim = _checks.wrap_dim(dim, x.dim())
        r = _run(False, _mnp.argmax, x._nd, dim)
        if keepdim:
            r = _run(False, _mnp.expand_dims, r, dim)
    return _wrap(_run(False, r.astype, _onp.int64))


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        r = _run(False, _mnp.argmin, x._nd)
    else:
        dim = _checks.wrap_dim(dim, x.dim())
        r = _run(False, _mnp.argmin, x._nd, dim)
        if keepdim:
            r = _run(False, _mnp.expand_dims, r, dim)
    return _wrap(_run(False, r.astype, _onp.int64))


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    if p not in ("fro", 2, 2.0):
        raise not_supported(f"norm(p={p!r})")
    rec = _needs(x)
    dims = _dims(dim, x.dim())

    def f() -> Any:
        sq = _mnp.multiply(x._nd, x._nd)
        if dims is None:
            return _mnp.sqrt(_mnp.sum(sq))
        if keepdim:
            return _mnp.sqrt(_mnp.sum(sq, _axis(dims), keepdims=True))
        return _mnp.sqrt(_mnp.sum(sq, _axis(dims)))

    out = _run(rec, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_Norm, (x,), fast=False)
    res = _wrap(out, node)
    _save(node, (x, res))
    node.a = (tuple(x.shape), dims, keepdim)
    return res
