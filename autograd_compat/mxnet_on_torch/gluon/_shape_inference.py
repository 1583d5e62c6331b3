"""Unknown parameter dims of a custom ``HybridBlock``, found by trial on torch's ``meta`` device.

MXNet infers them through its symbolic graph. Without one, ``HybridBlock.infer_shape`` (when a
block does not override it) tries each assignment of the inputs' dimension sizes to the unknown
dims and runs ``hybrid_forward`` on shape-only ``meta`` tensors (no memory, no arithmetic). The
assignment is taken only when exactly one candidate runs; none or several (an ambiguity, e.g. a
broadcast that accepts both 1 and n) raise ``DeferredInitializationError`` asking for the shapes,
so a guess never becomes a silently wrong parameter shape. Side effects of a trial (children that
complete their own deferred initialization from a trial's shapes) are undone after it, what it
prints is dropped and forward hooks are not called; meta tensors draw no random numbers, so seeded
streams are unchanged. The inputs keep their class (``NDArray``, ``mxnet.numpy.ndarray``), whose
``.dtype`` is numpy's; torch's meta kernels (Python code) read ``.dtype`` as torch's, so during a
trial torch calls get such meta arrays as plain tensors (their results are plain tensors anyway:
both classes switch torch's subclass dispatch off).
"""

from __future__ import annotations

import contextlib
import io
import itertools
from typing import Any

import torch
from torch.overrides import TorchFunctionMode
from torch.utils._pytree import tree_leaves, tree_map

from .. import autograd
from .. import nd as _F
from ..nd import to_dtype
from ..nd_ndarray import NDArray
from ..ndarray import ndarray as _np_ndarray
from ..np_state import is_np_array
from .parameter import DeferredInitializationError, Parameter
from .utils import as_frontend

__all__ = ["MAX_TRIALS", "in_trial", "infer_unknown_dims", "meta_param"]

#: At most this many assignments are tried (candidates ** unknown dims).
MAX_TRIALS = 256


_trials = [0]  # > 0 while a trial runs


def in_trial() -> bool:
    """Whether a shape trial is running (forward hooks are not called during one)."""
    return _trials[0] > 0


def meta_param(p: Parameter) -> torch.Tensor:
    """A shape-only stand-in for a parameter during a trial (a plain tensor in legacy mode, as
    Gluon hands out parameters there)."""
    t = torch.empty(p._shape, dtype=to_dtype(p.dtype), device="meta")
    return as_frontend(t) if is_np_array() else t


_NUMPY_DTYPED = (NDArray, _np_ndarray)


def _plain(a: Any) -> Any:
    return a.as_subclass(torch.Tensor) if isinstance(a, _NUMPY_DTYPED) else a


def _is_meta(a: Any) -> bool:
    return isinstance(a, torch.Tensor) and a.is_meta


class _PlainArrays(TorchFunctionMode):
    """Within a trial: a torch call on meta arrays gets MXNet's arrays as plain tensors (same
    shape, torch dtype), so torch's meta kernels can read their ``.dtype``. Calls on real arrays
    only (a child's deferred initialization inside a trial) run as usual."""

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: Any = None):
        kwargs = kwargs or {}
        if not any(map(_is_meta, tree_leaves((args, kwargs)))):
            return func(*args, **kwargs)
        plain_args = tree_map(_plain, args)
        r = func(*plain_args, **tree_map(_plain, kwargs))
        # An in-place method returns its own (plain) tensor: hand back the caller's array.
        for a, p in zip(args, plain_args, strict=True):
            if r is p and p is not a:
                return a
        return r


def _to_meta(a: Any) -> Any:
    if isinstance(a, torch.Tensor):
        t = torch.empty(tuple(a.shape), dtype=torch._C.TensorBase.dtype.__get__(a), device="meta")
        if isinstance(a, _NUMPY_DTYPED):
            t.__class__ = type(a)  # the trial runs the code on the arrays it gets in the run
        return t
    if isinstance(a, list | tuple):
        return type(a)(_to_meta(i) for i in a)
    return a


def _dims(a: Any, out: set[int]) -> None:
    if isinstance(a, torch.Tensor):
        out.update(d for d in a.shape if d > 0)
    elif isinstance(a, list | tuple):
        for i in a:
            _dims(i, out)


def _state(params: list[Parameter]) -> list[tuple]:
    return [(p, p._shape, p._data, p._grad, p._deferred_init, p._ctx_list) for p in params]


def _restore(saved: list[tuple]) -> None:
    for p, shape, data, grad, deferred, ctx in saved:
        p._shape, p._data, p._grad, p._deferred_init, p._ctx_list = shape, data, grad, deferred, ctx


def _runs(block: Any, args: tuple, every: list[Parameter]) -> bool:
    saved = _state(every)
    _trials[0] += 1
    try:
        # A trial's prints (code that prints shapes) are not the program's output.
        with (
            autograd.pause(),
            torch.no_grad(),
            contextlib.redirect_stdout(io.StringIO()),
            _PlainArrays(),
        ):
            params = {k: meta_param(v) for k, v in block._reg_params.items()}
            block.hybrid_forward(_F, *_to_meta(args), **params)
        return True
    except Exception:  # noqa: BLE001 - any failure rules the candidate out
        return False
    finally:
        _trials[0] -= 1
        _restore(saved)


def infer_unknown_dims(block: Any, args: tuple) -> None:
    """Fill the unknown dims of ``block``'s own parameters from the inputs ``args`` (see the
    module docstring), or raise ``DeferredInitializationError``."""
    unknown = [
        (p, i)
        for p in block._reg_params.values()
        if p._data is None and p._shape is not None
        for i, d in enumerate(p._shape)
        if d in (0, -1)
    ]
    if not unknown:
        return
    names = sorted({p.name for p, _ in unknown})
    hint = (
        "Hint: give the full shapes when creating the parameters (in_units, ...), or override "
        "infer_shape(self, x, *args) to set param.shape from the inputs."
    )
    cands: set[int] = set()
    _dims(args, cands)
    if not cands or len(cands) ** len(unknown) > MAX_TRIALS:
        raise DeferredInitializationError(
            f"Cannot infer the unknown dims of parameters {names} of {type(block).__name__} "
            f"'{block.name}': the torch backend has no symbolic shape inference. {hint}"
        )
    every = list(block.collect_params().values())
    originals = {id(p): p._shape for p, _ in unknown}
    found = []
    for combo in itertools.product(sorted(cands), repeat=len(unknown)):
        shapes = {id(p): list(originals[id(p)]) for p, _ in unknown}
        for (p, i), d in zip(unknown, combo):
            shapes[id(p)][i] = d
        for p, _ in unknown:
            p._shape = tuple(shapes[id(p)])
        ok = _runs(block, args, every)
        for p, _ in unknown:
            p._shape = originals[id(p)]
        if ok:
            found.append(shapes)
            if len(found) > 1:
                break
    if len(found) != 1:
        why = "no assignment" if not found else "more than one assignment"
        raise DeferredInitializationError(
            f"Cannot infer the unknown dims of parameters {names} of {type(block).__name__} "
            f"'{block.name}' from the input shapes: {why} of the inputs' sizes runs "
            f"hybrid_forward. {hint}"
        )
    for p, _ in unknown:
        p.shape = tuple(found[0][id(p)])
