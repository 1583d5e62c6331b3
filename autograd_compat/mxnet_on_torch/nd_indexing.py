"""Index helpers of the legacy ``NDArray`` that need no array class.

:func:`covers_whole` tells an assignment to the whole array (``x[:] = v``, ``x[...] = v``,
``x[0:n] = v``, ``x[None] = v``) from a partial one: inside ``autograd.record()`` MXNet 1.9.1
records the first (a copy) and refuses the second when ``v`` is in the graph;
:func:`check_recorded_write` applies that rule and MXNet's refusal to write into an array that is
already in the graph.
:func:`flip_negative_steps` rewrites slices with negative steps, which torch does not take, as
forward slices of flipped axes; :func:`check_empty_slice` raises where MXNet refuses a slice
that selects nothing. :func:`operator_error` turns torch's error in an array operator into
MXNet's. :func:`value_shape_error` gives a write whose value has the wrong shape
MXNet's exception class.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .base import INPLACE_WHILE_RECORDING, MXNetError

__all__ = [
    "ARITHMETIC",
    "PARTIAL_WRITE_WHILE_RECORDING",
    "check_empty_slice",
    "check_recorded_write",
    "covers_whole",
    "flip_negative_steps",
    "operator_error",
    "value_shape_error",
]

# MXNet 1.9.1's message (the check after it is the test MXNet's own tests look for).
PARTIAL_WRITE_WHILE_RECORDING = (
    "Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd. "
    "Hint: build the array from parts (nd.concat, nd.stack, nd.where) instead of writing into it."
)

_ZERO = np.zeros(1, dtype=np.bool_)


def covers_whole(shape: tuple[int, ...], key: Any) -> bool:
    """Whether the basic index ``key`` selects every element of an array of ``shape``, in order
    (an advanced index or a step other than 1 never does)."""
    for k in key if isinstance(key, tuple) else (key,):
        if k is None or k is Ellipsis or isinstance(k, int | np.integer):
            continue
        if isinstance(k, slice) and (k.step is None or int(k.step) == 1):
            continue
        return False
    # A view with zero strides has `shape` and no memory: numpy computes the selection's shape.
    probe = np.lib.stride_tricks.as_strided(_ZERO, shape=shape, strides=(0,) * len(shape))
    try:
        picked = probe[key]
    except (IndexError, TypeError):
        return False
    return math.prod(picked.shape) == math.prod(shape)


def _negative(k: Any) -> bool:
    return type(k) is slice and k.step is not None and k.step < 0


def _consumed(k: Any) -> int:
    """How many axes of the array an index entry uses (a boolean mask uses one per dimension)."""
    if k is None:
        return 0
    dtype = getattr(k, "dtype", None)
    if dtype is not None and str(dtype) in ("bool", "torch.bool"):
        return max(int(k.ndim), 1)
    return 1


def flip_negative_steps(key: Any, shape: tuple[int, ...]) -> tuple[list[int], Any] | None:
    """``None`` when ``key`` has no slice with a negative step (torch slices only forwards);
    else ``(axes, new_key)``: ``t.flip(axes)[new_key]`` is numpy's (and MXNet's) ``t[key]``."""
    keys = key if isinstance(key, tuple) else (key,)
    if not any(_negative(k) for k in keys):
        return None
    used = sum(_consumed(k) for k in keys if k is not Ellipsis)
    axis, out, axes = 0, [], []
    for k in keys:
        if k is Ellipsis:
            axis += len(shape) - used
        elif _negative(k):
            n = shape[axis]
            picked = range(n)[k]
            if len(picked) == 1:
                # One element: MXNet's result is the forward one-element slice (a view on axis 0).
                k = slice(picked[0], picked[0] + 1)
            elif len(picked):
                # The same elements, counted from the end: a forward slice of the flipped axis.
                k = slice(n - 1 - picked[0], n - picked[-1], -k.step)
                axes.append(axis)
            else:
                k = slice(0, 0)
            axis += 1
        else:
            axis += _consumed(k)
        out.append(k)
    return axes, tuple(out) if isinstance(key, tuple) else out[0]


def check_empty_slice(key: Any, shape: tuple[int, ...]) -> None:
    """MXNet 1.9.1's refusals of basic keys that select nothing (its result is empty).

    A lone slice with step 1 whose start lies after its stop (``x[5:2]``, ``x[-1:0]``) fails its
    range check; in a tuple key, a slice after the first axis that selects nothing
    (``X[:, 2:2]``, ``X[1, 5:2]``, ``X[..., :0]``) fails its shape check. An empty range on the
    first axis of a tuple key (``X[5:2, :]``) and lone slices with other steps give empty arrays.
    """
    if type(key) is slice:
        if key.step is None or key.step == 1:
            start, stop, _ = key.indices(shape[0])
            if start > stop:
                raise MXNetError(
                    f"Check failed: begin <= end ({start} vs. {stop}) : Invalid slicing range "
                    f"[{start}, {stop})"
                )
        return
    if type(key) is not tuple:
        return
    used = sum(_consumed(k) for k in key if k is not Ellipsis)
    axis = position = 0  # axis of the array; position among the result's leading axes
    for k in key:
        if k is Ellipsis:
            skipped = len(shape) - used
            axis += skipped
            position += skipped
            continue
        if type(k) is slice and axis < len(shape) and position > 0:
            if not len(range(shape[axis])[k]):
                raise MXNetError(
                    f"Check failed: src_idx < dshape_len: the slice {k.start}:{k.stop}"
                    f"{'' if k.step is None else ':' + str(k.step)} selects nothing on axis "
                    f"{axis} of shape {tuple(shape)} (MXNet refuses empty slices after the "
                    "first axis)"
                )
        position += 1
        axis += _consumed(k)


ARITHMETIC = object()  # the "key" of an in-place arithmetic operator (never the whole array)
_grad_fn_get = torch._C.TensorBase.grad_fn.__get__


def check_recorded_write(t: torch.Tensor, value: Any, key: Any) -> None:
    """MXNet's rules for writing into ``t`` (not a variable) inside ``record()``: never into an
    array in the graph; a value in the graph only over the whole array (``key`` is the index,
    or :data:`ARITHMETIC` for ``+=`` and friends)."""
    if _grad_fn_get(t) is not None:
        raise MXNetError(INPLACE_WHILE_RECORDING)
    if (
        isinstance(value, torch.Tensor)
        and value.requires_grad
        and (key is ARITHMETIC or not covers_whole(tuple(t.shape), key))
    ):
        raise MXNetError(PARTIAL_WRITE_WHILE_RECORDING)


# What torch says when a written value's shape does not fit the part it is written to.
_SHAPE_MESSAGES = (
    "shape mismatch",
    "must match the size",
    "must match the existing size",
    "expanded size",
    "cannot be broadcast",
    "is invalid for input of size",
    "the number of sizes provided",
)


def value_shape_error(exc: RuntimeError, value: Any, legacy: bool) -> Exception | None:
    """MXNet's exception for ``x[key] = value`` that torch refused with ``exc`` because of the
    value's shape, or None when ``exc`` is about something else.

    MXNet 1.9.1 raises ``ValueError`` from its Python code for the legacy ``NDArray`` (and for a
    numpy value written into an ``np`` array) and ``MXNetError`` from its broadcast operator for
    an ``np`` array given an MXNet array or a list.
    """
    msg = str(exc)
    if isinstance(exc, MXNetError) or not any(m in msg for m in _SHAPE_MESSAGES):
        return None
    cls = ValueError if legacy or isinstance(value, np.ndarray) else MXNetError
    shape = tuple(np.shape(value)) if not isinstance(value, torch.Tensor) else tuple(value.shape)
    first = msg.splitlines()[0]
    return cls(
        f"the value of shape {shape} cannot be written to the selected part ({first}). Hint: "
        "give a value of the part's shape, or one that broadcasts to it."
    )


def operator_error(name: str, a: Any, b: Any, exc: RuntimeError) -> MXNetError:
    """MXNet's ``MXNetError`` for an operator (``a + b``, ``a < b``, ``a += b``, ...) whose torch
    kernel raised ``exc``, naming the operands' shapes (MXNet's operators fail shape or type
    inference there; torch raises ``RuntimeError``)."""
    shapes = " and ".join(
        str(tuple(x.shape)) if isinstance(x, torch.Tensor) else type(x).__name__ for x in (a, b)
    )
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return MXNetError(
        f"{name}: {first} (operands of shape {shapes}). Hint: the shapes must be equal or "
        "broadcast against each other."
    )
