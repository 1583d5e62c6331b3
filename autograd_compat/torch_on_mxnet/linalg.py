"""Linear algebra of the torch dialect on MXNet: ``dot``, ``mm``, ``mv``, ``matmul``, with torch's
shape and dtype checks and errors (torch does not promote here). Their derivative rules are in
:mod:`.derivatives`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import mxnet as _mx
import numpy as _onp

from . import _checks, _raw
from .graph import as_named, node_class
from .recording import _check_broadcast, _make_node, _needs
from .scopes import _run
from .shape_ops import _Sq4, _view_op, squeeze, unsqueeze
from .tensor import Tensor, _shp, _wrap

_mnp = _mx.np


# torch's node names; the rules are installed by .derivatives
_Dot = node_class("DotBackward0")
_Mm = node_class("MmBackward0")
_Mv = node_class("MvBackward0")
_Matmul = node_class("UnsafeViewBackward0")


def _linalg(cls: type, a: Tensor, b: Tensor, fn: Callable, check: Callable | None = None) -> Tensor:
    if check is not None:
        check(a, b)
    dt = a.dtype  # torch does not promote here: the checks require equal dtypes
    an, bn = a._nd, b._nd
    rec = _needs(a, b)
    if dt._cat != 2:
        # MXNet's dot has no integer kernels; integers never require grad: NumPy, exactly
        return _wrap(_run(False, _mnp.array, _onp.matmul(a._numpy(), b._numpy()), dt.np))
    out = _run(rec, fn, an, bn)
    if not rec:
        return _wrap(out)
    node = _make_node(cls, (a, b), (a, b))
    node.a = (_shp(a), _shp(b))
    return _wrap(out, node)


def _check_dot(a: Tensor, b: Tensor) -> None:
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    _checks.same_dtype_dot(a.dtype.name, b.dtype.name)
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )


def _check_mm(a: Tensor, b: Tensor) -> None:
    sa, sb = _shp(a), _shp(b)
    if len(sa) != 2:
        raise RuntimeError("self must be a matrix")
    if len(sb) != 2:
        raise RuntimeError("mat2 must be a matrix")
    if sa[1] != sb[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    _checks.same_dtype_mm(a.dtype.name, b.dtype.name)


def _check_mv(a: Tensor, v: Tensor) -> None:
    _checks.same_dtype_mv(a.dtype.name, v.dtype.name)
    if a.dim() != 2 or v.dim() != 1 or _shp(a)[1] != _shp(v)[0]:
        raise RuntimeError(
            f"size mismatch, got input ({_shp(a)[0]}), mat ({'x'.join(map(str, _shp(a)))}), "
            f"vec ({'x'.join(map(str, _shp(v)))})"
        )


_np_dot = _raw.op2("_np_dot")  # what mx.np.dot calls, without its Python layers


def dot(a: Tensor, b: Tensor) -> Tensor:
    return _linalg(_Dot, a, b, _np_dot, _check_dot)


def mm(a: Tensor, b: Tensor) -> Tensor:
    return _linalg(_Mm, a, b, _np_dot, _check_mm)


def mv(a: Tensor, v: Tensor) -> Tensor:
    return _linalg(_Mv, a, v, _np_dot, _check_mv)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    da, db = a.dim(), b.dim()
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 2:
        return mm(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        m = mm(unsqueeze(a, 0), b)
        return _view_op(_Sq4, m, _mnp.reshape, None, (m.shape[1],))
    if not da or not db:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if db == 1:
        _checks.same_dtype_mv(a.dtype.name, b.dtype.name)
    _checks.same_dtype_mm(a.dtype.name, b.dtype.name)
    sa, sb = _shp(a), _shp(b)
    if db == 1:  # torch: a vector operand is a matrix for the product, then squeezed
        if sa[-1] != sb[0]:
            rows = math.prod(sa[:-1])
            raise RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
            )
        return as_named(squeeze(matmul(a, unsqueeze(b, -1)), -1), "UnsafeViewBackward0")
    if da == 1:
        return as_named(squeeze(matmul(unsqueeze(a, 0), b), -2), "UnsafeViewBackward0")
    if db == 2 and sa[-1] != sb[0]:  # torch folds the batch into the rows of one mm
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({math.prod(sa[:-1])}x{sa[-1]} and "
            f"{sb[0]}x{sb[1]})"
        )
    _check_broadcast(sa[:-2], sb[:-2])
    if sa[-1] != sb[-2]:
        n = math.prod(_onp.broadcast_shapes(sa[:-2], sb[:-2]))
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {sa[-1]}] but got: [{n}, {sb[-2]}]."
        )
    return _linalg(_Matmul, a, b, _mnp.matmul)
