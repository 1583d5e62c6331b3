"""Derivatives that torch finds constant: would MXNet's stay connected to the variables?

Split from recording.py (which says which nodes MXNet recorded); this module only reads its
answer (``recorded``) while walking a gradient's graph. It also tells, for the few linear ops
whose backward MXNet 1.9.1 writes with differentiable ops (``batch_dot``, ``negative``, ...),
which nodes of a derivative's graph MXNet can differentiate again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import torch
from torch._C._autograd import _get_sequence_nr

from .node_provenance import thread_of
from .recording import AccumulateGrad, _other_threads, _State, recorded

# --- derivatives that torch finds constant ----------------------------------------------------
#
# When a gradient taken with create_graph=True does not depend on the variables, torch returns it
# without a graph. MXNet's answer for differentiating it again depends on its own backward graph:
# ops whose backward reads their input or output (radians, clip, floor, abs, Dropout, ...) leave
# the gradient connected to the variables, and its derivative is zeros; ops whose backward reads
# the head gradient only (adding, negating, scaling by a number, reshaping, summing, copying)
# leave it unconnected, and MXNet refuses ("no inputs ... require gradients" / "unreachable").

# torch nodes whose MXNet counterpart's backward reads the head gradient only.
_HEAD_GRAD_ONLY = frozenset(
    {
        "AddBackward0",
        "AddBackward1",
        "SubBackward0",
        "SubBackward1",
        "RsubBackward0",
        "RsubBackward1",
        "NegBackward0",
        "CloneBackward0",
        "AliasBackward0",
        "ToCopyBackward0",
        "ViewBackward0",
        "ViewBackward0_copy",  # torch.view_copy: the np ndarray's reshape
        "ReshapeAliasBackward0",
        "UnsafeViewBackward0",
        "ExpandBackward0",
        "SumBackward0",
        "SumBackward1",
        "MeanBackward0",
        "MeanBackward1",
        "TransposeBackward0",
        "TransposeBackward1",
        "PermuteBackward0",
        "TBackward0",
        "SqueezeBackward0",
        "SqueezeBackward1",
        "SqueezeBackward2",
        "SqueezeBackward3",
        "SqueezeBackward4",
        "UnsqueezeBackward0",
        "SliceBackward0",
        "SelectBackward0",
        "CatBackward0",
        "StackBackward0",
        "SplitBackward0",
        "SplitWithSizesBackward0",
        "UnbindBackward0",
        "FlipBackward0",
        "RepeatBackward0",
    }
)
_SCALED = frozenset({"MulBackward0", "DivBackward0"})  # head-gradient-only by a number
_PRODUCTS = frozenset({"BmmBackward0", "MmBackward0"})  # batch_dot's when of kind _DIFF


def _reads_only_head_grad(node: Any, kinds: bool) -> bool:
    name = node.name()
    if name in _HEAD_GRAD_ONLY:
        return True
    if name in _SCALED:
        try:
            other, own = node._saved_other, node._saved_self
        except RuntimeError:  # saved values already freed: cannot tell, call it connected
            return False
        return own is None and other is not None and other.dim() == 0
    if kinds and name in _PRODUCTS and node.metadata.get(_KIND) == _DIFF:
        # MXNet's batch_dot backward gives each operand batch_dot(head gradient, other operand):
        # connected only when both operands are. torch saves an operand only when the other one
        # requires grad, so: both saved and requiring grad.
        try:
            a, b = node._saved_self, node._saved_mat2
        except RuntimeError:
            return False
        return a is None or b is None or not (a.requires_grad and b.requires_grad)
    # Anything else (np.matmul's, dot's products among them): MXNet's backward reads the inputs.
    return False


def stays_connected(st: _State, roots: list, step: Step | None = None) -> bool:
    """Would MXNet's gradient of these (recorded) heads stay connected to the variables?

    ``step``: what :func:`begin_step` found for this differentiation (None: nothing recorded by
    an op of ``DIFFERENTIABLE_ND`` in this process; every product reads its inputs).
    """
    if step is not None and step.beyond:
        # MXNet raised "no FGradient" differentiating these heads: past its end, torch's rule
        # holds (a constant's derivative is zeros).
        return True
    kinds = step is not None
    stack, seen = list(roots), set(roots)
    while stack:
        node = stack.pop()
        if not _reads_only_head_grad(node, kinds):
            return True
        for nxt, _ in node.next_functions:
            if nxt is None or nxt in seen or type(nxt) is AccumulateGrad:
                continue
            seen.add(nxt)
            if recorded(st, nxt._sequence_nr()):
                stack.append(nxt)
    return False


# --- the linear ops MXNet differentiates to any order -----------------------------------------
#
# MXNet 1.9.1 writes batch_dot's backward as batch_dot of the head gradient and the other operand,
# and the backward of negative, transpose, elemwise_add, add_n and identity with themselves, so
# that these differentiate again (measured: the 2nd derivative of batch_dot(x, x,
# transpose_b=True) is 4, its 3rd refuses, "no inputs ... require gradients"; batch_dot(x, c)'s
# 2nd refuses). The backward of every other linear op (scaling, `-x`, `+`, reshaping, slicing,
# summing, np.matmul, dot) has no gradient of its own: differentiating it raises "no FGradient",
# and there the dialect goes on with torch's rule (a constant's derivative is zeros). So, while
# the heads' graph is made of these ops only, MXNet's answer holds (a constant derivative may be
# unconnected); once a differentiation went through anything else, torch's. Nodes carry their
# kind in their metadata: _DIFF (made by one of these ops, or by a backward through them only),
# _OTHER (made by a backward through anything else); a node without a kind was made by another
# op.

# The nd operators whose backward MXNet differentiates again (nd.py marks them).
DIFFERENTIABLE_ND = (
    "batch_dot",
    "negative",
    "transpose",
    "elemwise_add",
    "add_n",
    "ElementWiseSum",
    "identity",
)

_KIND = "mx_kind"
_DIFF, _OTHER = "differentiable", "other"
# On the node such an op returned: the sequence number at the call's start, so that the nodes
# torch made inside the call (transposes, expands, views around a product) are told apart.
_START = "mx_call_start"
_seen = False  # Has any such op been recorded? Until then nothing here runs.
_grad_fn = torch._C.TensorBase.grad_fn.__get__


def marks_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an operator whose backward MXNet differentiates again (``DIFFERENTIABLE_ND``,
    ``npx.batch_dot``): its nodes count as such for the derivatives of a constant."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        global _seen
        start = _get_sequence_nr()
        out = fn(*args, **kwargs)
        node = _grad_fn(out) if isinstance(out, torch.Tensor) else None
        if node is not None:
            node.metadata[_START] = start
            _seen = True
        return out

    return op


class Step:
    """One ``grad(create_graph=True)`` as MXNet would take it (see :func:`begin_step`)."""

    __slots__ = ("start", "beyond", "differentiable")

    def __init__(self, start: int, beyond: bool, differentiable: bool) -> None:
        self.start = start  # the sequence number before torch's backward ran
        self.beyond = beyond  # MXNet raises "no FGradient" here
        self.differentiable = differentiable  # MXNet can differentiate the results again


def begin_step(st: _State, roots: list) -> Step | None:
    """Before a ``grad(create_graph=True)`` of heads with graph ``roots``: classify the graph.

    None while none of those ops was ever recorded (then every product reads its inputs).
    """
    if not _seen:
        return None
    beyond, differentiable = False, True
    tid = st.tid if _other_threads() else None
    stack, seen = list(roots), set(roots)
    while stack:
        node = stack.pop()
        seq = node._sequence_nr()
        kind = _kind(node, seq, tid)
        if kind != _DIFF:
            differentiable = False
            beyond = beyond or kind == _OTHER
        for nxt, _ in node.next_functions:
            if nxt is None or nxt in seen or type(nxt) is AccumulateGrad:
                continue
            seen.add(nxt)
            if recorded(st, nxt._sequence_nr()):
                stack.append(nxt)
    return Step(_get_sequence_nr(), beyond, differentiable)


def end_step(st: _State, step: Step | None, results: list[torch.Tensor]) -> None:
    """After the backward of ``step``: give the nodes it made (the results' graphs) their kind."""
    if step is None:
        return
    kind = _DIFF if step.differentiable else _OTHER
    stack = [fn for fn in map(_grad_fn, results) if fn is not None]
    seen = set(stack)
    tid = st.tid if _other_threads() else None
    while stack:
        node = stack.pop()
        seq = node._sequence_nr()
        if seq < step.start or (tid is not None and thread_of(node, seq) not in (tid, None)):
            continue
        node.metadata[_KIND] = kind
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen and type(nxt) is not AccumulateGrad:
                seen.add(nxt)
                stack.append(nxt)


def _kind(node: Any, seq: int, tid: int | None) -> str | None:
    if tid is not None and thread_of(node, seq) not in (tid, None):
        return _OTHER  # another thread's node: no kind can be read, follow torch's rule
    meta = node.metadata
    kind = meta.get(_KIND)
    if kind is None and _START in meta:
        _mark_call(node, meta[_START])
        kind = _DIFF
    return kind


def _mark_call(top: Any, start: int) -> None:
    # The nodes torch made inside one call of such an op: those below its result numbered from the
    # call's start on (the operands' own nodes were numbered before it).
    stack, seen = [top], {top}
    while stack:
        node = stack.pop()
        node.metadata[_KIND] = _DIFF
        for nxt, _ in node.next_functions:
            if nxt is None or nxt in seen or type(nxt) is AccumulateGrad:
                continue
            seen.add(nxt)
            if nxt._sequence_nr() >= start:
                stack.append(nxt)
