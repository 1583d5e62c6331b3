"""What every op of the torch dialect on MXNet does to record: whether to record, the node, the
dtype of the result, and the operands as MXNet arrays of that dtype.

An op calls :func:`_needs` on its inputs (torch's rule, or MXNet's inside ``record()``); when it
records, it runs MXNet with recording on for that call only (``_run(True, ...)``, so MXNet holds a
first-order graph) and makes an adapter node with :func:`_make_node` (edges to the inputs' nodes,
torch's name), saving what the node's derivative rule needs.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from . import _raw
from .dtypes import _combine, _promote, _scalar_dtype, dtype
from .graph import Node, _mx_recording, _versions
from .scopes import _run, _state, mx_dialect
from .tensor import Tensor, _shp


def _result_type(*ops: Any) -> dtype:
    dim = zero = wrapped = None
    for o in ops:
        if isinstance(o, Tensor):
            d = o.dtype
            if _shp(o):
                dim = d if dim is None else _promote(dim, d)
            else:
                zero = d if zero is None else _promote(zero, d)
        elif o is not None:
            d = _scalar_dtype(o)
            wrapped = d if wrapped is None else _promote(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))  # type: ignore[return-value]


def _edge(t: Any) -> tuple:
    if isinstance(t, Tensor) and t.requires_grad:
        n = t._node
        if n is not None:
            return (n, t._idx)
        return (t._accumulator(), 0)
    return (None, 0)


def _needs(*ins: Any) -> bool:
    """Whether an op on these inputs records: torch's rule (grad mode on and an input requires
    grad), or inside MXNet's ``record()`` an input requires grad (MXNet's rule, whatever the
    grad mode); nothing inside the MXNet dialect's ``pause()``. Notes which one for the node."""
    for t in ins:
        if isinstance(t, Tensor) and t.requires_grad:
            break
    else:
        return False  # nothing to record under either rule: MXNet's flag need not be read
    mx_rec = _state.mx = _mx_recording()
    return mx_rec or (_state.grad_enabled and not mx_dialect.paused)


def _make_node(cls: type, inputs: Sequence[Any], saved: tuple = (), fast: bool = True) -> Node:
    n = cls.__new__(cls)
    n._next = tuple([_edge(t) for t in inputs])
    n._saved = saved
    n._had_saved = bool(saved)
    n._vers = _versions(saved) if saved else None
    n._mx = _state.mx  # recorded inside MXNet's record(): MXNet's backward semantics
    n._fast = fast
    n._hooks = None
    n._retain = None
    n._in_dt = None
    n.a = None
    n.nout = 1
    return n


def _note_casts(node: Node, inputs: Sequence[Any], dt: dtype) -> None:
    """An op that cast an input to ``dt`` before MXNet saw it: torch's engine casts the
    gradient back to each input's dtype; the adapter's does so from this note."""
    dts = tuple(x.dtype if isinstance(x, Tensor) else None for x in inputs)
    if any(d is not None and d is not dt for d in dts):
        node._in_dt = dts


_np_mul_scalar = _raw.op1p("_npi_multiply_scalar", "scalar")


def _off_leaf(t: Tensor, rec: bool) -> Any:
    """``t``'s array for a cast or copy; ``t * 1`` when recorded.

    MXNet 1.9.1's backward of ``astype`` and ``copy`` overwrites a grad_req='add' buffer
    instead of adding to it (a leaf's gradient after three ``x.double().sum().backward()`` is
    1, not 3). Between the array and such an op, a multiply by 1 (exact; keeps -0.0 and nan)
    takes the gradient and accumulates it correctly. Applied to every recorded input, not only
    to leaves: identity views (``expand`` to the same shape, ...) share the leaf's array.
    Call inside ``_run(rec, ...)``.
    """
    if rec:
        return _np_mul_scalar(t._nd, "1.0")
    return t._nd


def _nd_of(t: Any, dt: dtype) -> Any:
    if isinstance(t, Tensor):
        if t.dtype is dt:
            return t._nd
        rec = _needs(t)
        return _run(rec, lambda: _off_leaf(t, rec).astype(dt.np))
    return t


def _check_broadcast(sa: tuple, sb: tuple) -> None:
    """torch's broadcasting error (MXNet's own is an operator shape-inference failure)."""
    if sa == sb:
        return
    for i in range(1, builtins.min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - i
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {dim}"
            )
