"""Shape ops of the torch dialect on MXNet: views (``view``, ``reshape``, ``squeeze``, ``t``,
``permute``, ``expand`` ...), ``clone``, ``cat``/``stack`` and the dtype conversion ``to``.

torch returns views for most of them. Where MXNet can share the memory (reshapes) the result is a
real view; otherwise (``t()``, ``permute``, ``expand``) it is a copied view that :mod:`.views`
recomputes after writes to its base (see there). Their derivative rules are in
:mod:`.derivatives`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import mxnet as _mx

from . import _checks, views
from .dtypes import _as_dtype, dtype
from .graph import as_named, node_class
from .recording import _make_node, _nd_of, _needs, _note_casts, _off_leaf, _result_type
from .scopes import _Paused, _run
from .tensor import Tensor, _shape_arg, _shp, _wrap

_mnp = _mx.np


# torch's node names; the rules are installed by .derivatives
_View = node_class("ViewBackward0")
_T = node_class("TBackward0")
_Unsq = node_class("UnsqueezeBackward0")
_Sq0 = node_class("SqueezeBackward0")
_Sq1 = node_class("SqueezeBackward1")
_Sq4 = node_class("SqueezeBackward4")
_Transpose = node_class("TransposeBackward0")
_Permute = node_class("PermuteBackward0")
_Expand = node_class("ExpandBackward0")
_Clone = node_class("CloneBackward0")
_ToCopy = node_class("ToCopyBackward0")
_Cat = node_class("CatBackward0")
_Stack = node_class("StackBackward0")


_SHARED = "shared"  # _view_op's kinds of view (see there)
_COPIED = "copied"


def _view_op(
    cls: type, x: Tensor, fn: Callable, attrs: Any, *args: Any, view: str | None = None
) -> Tensor:
    """A shape op; ``view`` says what torch returns: a view MXNet shares (``_SHARED``), a view
    MXNet copies (``_COPIED``, recomputed after writes to ``x``; see ``views``), or None."""
    rec = _needs(x)
    out = _run(rec, fn, x._nd, *args)
    if not rec:
        res = _wrap(out)
    else:
        node = _make_node(cls, (x,))
        node.a = attrs if attrs is not None else tuple(x.shape)
        res = _wrap(out, node)
    if view is not None:
        views.note(
            x,
            res,
            None if view is _SHARED else lambda nd: _run(False, fn, nd, *args),
            lambda p: _view_op(cls, p, fn, attrs, *args),
            _embed_reshaped,
        )
        if not rec and x.requires_grad:
            _no_grad_view(x, res)
    return res


def _no_grad_view(x: Tensor, v: Tensor) -> None:
    """torch: a view made under no_grad of a tensor that requires grad requires grad too (a
    leaf of its own), and may not be written in place with grad mode on."""
    if v._nd.handle.value == x._nd.handle.value:  # an identity view: its own array object
        v._nd = _run(False, v._nd.reshape_view, _shp(x))
    with _Paused():
        v._nd.attach_grad("add")
    v.__dict__["requires_grad"] = True
    v.__dict__["_no_grad_view"] = True


def _embed_reshaped(base: Tensor, new: Tensor) -> Tensor:
    # the base's new value when a view that reshapes it (or is it) took the value `new`
    if _shp(new) == _shp(base):
        return new
    return _view_op(_View, new, _reshape_nd, None, _shp(base))


def _same(nd: Any) -> Any:
    return nd


def _reshape_nd(nd: Any, shape: tuple) -> Any:
    # MXNet's legacy reshape shares the memory (a view, recorded by MXNet's autograd as
    # Reshape); it reads 0 in a shape as "keep this dimension", so zero sizes take a copy
    # (there is no memory to share)
    if 0 in shape or not nd.size:
        return _mnp.reshape(nd, shape)
    return nd.reshape_view(shape)


def view(x: Tensor, *shape: Any) -> Tensor:
    shape = _shape_arg(shape)
    n = x.numel()
    if -1 not in shape and math.prod(shape) != n:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return _view_op(_View, x, _reshape_nd, None, shape, view=_SHARED)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """torch's reshape: a view of a tensor contiguous in torch, else a copy (a copied view,
    such as ``t()``'s result, is not contiguous in torch)."""
    if "_copied" in x.__dict__:  # torch: clone, then an unsafe view of the clone
        return as_named(view(clone(x), *shape), "UnsafeViewBackward0")
    return view(x, *shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    s = list(x.shape)
    if not s:
        return reshape(x, (1,))
    a, b = _checks.wrap_dim(start_dim, len(s)), _checks.wrap_dim(end_dim, len(s))
    return reshape(x, tuple(s[:a] + [math.prod(s[a : b + 1])] + s[b + 1 :]))


def squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    s = list(x.shape)
    if dim is None:
        new = tuple(v for v in s if v != 1)
        return _view_op(_Sq0, x, _reshape_nd, None, new, view=_SHARED)
    d = _checks.wrap_dim(dim, len(s))
    new = tuple(v for i, v in enumerate(s) if not (i == d and v == 1))
    return _view_op(_Sq1, x, _reshape_nd, None, new, view=_SHARED)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    d = _checks.wrap_dim(dim, x.dim() + 1)
    s = _shp(x)
    return _view_op(_Unsq, x, _reshape_nd, None, s[:d] + (1,) + s[d:], view=_SHARED)


def t(x: Tensor) -> Tensor:
    if x.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.dim()}D")
    if x.dim() < 2:
        return _view_op(_T, x, _same, None, view=_SHARED)
    return _permuted(_T, x, (1, 0), None, _mnp.transpose)


def _permuted(cls: type, x: Tensor, perm: tuple, attrs: Any, fn: Callable, *args: Any) -> Tensor:
    # a permutation that keeps the order of the dimensions longer than 1 moves no element: torch
    # gives a contiguous view, which MXNet can share (a reshape); otherwise MXNet copies
    s = _shp(x)
    moved = [p for p in perm if s[p] != 1]
    if moved == sorted(moved):
        return _view_op(cls, x, _reshape_nd, attrs, tuple(s[p] for p in perm), view=_SHARED)
    return _view_op(cls, x, fn, attrs, *args, view=_COPIED)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    dim0, dim1 = _checks.wrap_dim(dim0, x.dim()), _checks.wrap_dim(dim1, x.dim())
    if x.dim() < 2:
        return _view_op(_Transpose, x, _same, (dim0, dim1), view=_SHARED)
    perm = list(range(x.dim()))
    perm[dim0], perm[dim1] = dim1, dim0
    return _permuted(_Transpose, x, tuple(perm), (dim0, dim1), _mnp.swapaxes, dim0, dim1)


def permute(x: Tensor, *dims: Any) -> Tensor:
    dims = _shape_arg(dims)
    if len(dims) != x.dim():
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {x.dim()} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_checks.wrap_dim(d, x.dim()) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permuted(_Permute, x, dims, dims, _mnp.transpose, dims)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.dim()
    shape = tuple((x.shape[i - lead] if s == -1 else s) for i, s in enumerate(sizes))
    if shape == tuple(x.shape):
        return _view_op(_Expand, x, _same, tuple(x.shape), view=_SHARED)
    if math.prod(shape) == x.numel():  # only new leading 1s: torch's view is contiguous
        return _view_op(_Expand, x, _reshape_nd, tuple(x.shape), shape, view=_SHARED)
    return _view_op(_Expand, x, _mnp.broadcast_to, tuple(x.shape), shape, view=_COPIED)


def expand_as(x: Tensor, other: Tensor) -> Tensor:
    return expand(x, tuple(other.shape))


def clone(x: Tensor) -> Tensor:
    rec = _needs(x)
    return _view_op(_Clone, x, lambda nd: _off_leaf(x, rec) if rec else nd.copy(), None)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    tensors = list(tensors)
    d = _checks.cat_shapes([_shp(x) for x in tensors], dim)
    dt = _result_type(*tensors)
    nds = [_nd_of(x, dt) for x in tensors]
    rec = _needs(*tensors)
    out = _run(rec, lambda: _mnp.concatenate(nds, d))
    if not rec:
        return _wrap(out)
    node = _make_node(_Cat, tensors)
    _note_casts(node, tensors, dt)
    node.a = (d, [x.shape[d] for x in tensors])
    return _wrap(out, node)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    tensors = list(tensors)
    d = _checks.stack_shapes([_shp(x) for x in tensors], dim)
    dt = _result_type(*tensors)
    nds = [_nd_of(x, dt) for x in tensors]
    rec = _needs(*tensors)
    out = _run(rec, lambda: _mnp.stack(nds, d))
    if not rec:
        return _wrap(out)
    node = _make_node(_Stack, tensors)
    _note_casts(node, tensors, dt)
    node.a = (d, len(tensors))
    return _wrap(out, node)


def to(x: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    dt = kwargs.get("dtype")
    copy = kwargs.get("copy", False)
    for a in args:
        if isinstance(a, dtype):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
    if dt is None or dt is x.dtype:
        return clone(x) if copy else x
    dt = _as_dtype(dt)
    rec = _needs(x) and dt._cat == 2
    out = _run(rec, lambda: _off_leaf(x, rec).astype(dt.np))
    if not rec:
        return _wrap(out)
    node = _make_node(_ToCopy, (x,))
    node.a = x.dtype
    return _wrap(out, node)
