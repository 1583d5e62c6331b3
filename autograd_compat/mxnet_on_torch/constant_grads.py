"""Derivatives that torch finds constant: would MXNet's stay connected to the variables?

Split from recording.py (which says which nodes MXNet recorded); this module only reads its
answer (``recorded``) while walking a gradient's graph. It also tells, for the few linear ops
whose backward MXNet 1.9.1 writes with differentiable ops (``batch_dot``, ``negative``, ...),
which nodes of a derivative's graph MXNet can differentiate again.
"""

from __future__ import annotations

import functools
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable
from typing import Any

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


def _reads_only_head_grad(node: Any, kinds: bool, tid: int | None) -> bool:
    # kinds: has an op of DIFFERENTIABLE_ND been recorded (see _kind for tid).
    name = node.name()
    if name in _HEAD_GRAD_ONLY:
        return True
    if name in _SCALED:
        try:
            other, own = node._saved_other, node._saved_self
        except RuntimeError:  # saved values already freed: cannot tell, call it connected
            return False
        return own is None and other is not None and other.dim() == 0
    if kinds and name in _PRODUCTS and _kind(node, tid) == _DIFF:
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
    kinds, tid = step is not None, st.tid if _other_threads() else None
    stack, seen = list(roots), set(roots)
    while stack:
        node = stack.pop()
        if not _reads_only_head_grad(node, kinds, tid):
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
# unconnected); once a differentiation went through anything else, torch's.
#
# Which nodes are whose is read from torch's per-thread node numbers, as recording.py does: the
# numbers given during a call of one of these ops (the product and the transposes, expands and
# views torch makes around it), and during each grad(create_graph=True) with the kind of its
# graph. A walked node made by another thread counts as made by any other op.

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
DIFFERENTIABLE_NP = ("negative", "transpose")  # and npx.batch_dot (the np namespace marks them)

_DIFF, _OTHER = "differentiable", "other"
_KEEP = 1 << 16  # ranges kept per thread: older nodes count as made by any other op


class _Ranges(threading.local):
    """This thread's numbered ranges: calls of the ops above, and create_graph differentiations
    (with the kind of the nodes each made). Both sorted: numbers only grow in a thread."""

    def __init__(self) -> None:
        self.starts, self.ends = array("Q"), array("Q")
        self.step_starts, self.step_ends = array("Q"), array("Q")
        self.step_kinds: list[str] = []


_ranges = _Ranges()
_seen = False  # Has any such op made a node? Until then nothing here runs.


def marks_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an operator whose backward MXNet differentiates again (``DIFFERENTIABLE_ND``,
    ``npx.batch_dot``): the nodes it makes count as such for the derivatives of a constant."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        start = _get_sequence_nr()
        out = fn(*args, **kwargs)
        end = _get_sequence_nr()
        if end != start:
            ends = _ranges.ends
            if ends and ends[-1] == start:  # right after the previous call: one range
                ends[-1] = end
            else:
                _note_call(start, end)
        return out

    return op


def _note_call(start: int, end: int) -> None:
    global _seen
    _seen = True
    r = _ranges
    starts, ends = r.starts, r.ends
    if len(starts) >= _KEEP:
        del starts[: _KEEP // 2], ends[: _KEEP // 2]
    starts.append(start)
    ends.append(end)


class Step:
    """One ``grad(create_graph=True)`` as MXNet would take it (see :func:`begin_step`)."""

    __slots__ = ("start", "beyond", "differentiable")

    def __init__(self, start: int, beyond: bool, differentiable: bool) -> None:
        self.start = start  # the number before torch's backward ran
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
        kind = _kind(node, tid)
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


def end_step(step: Step | None) -> None:
    """After the backward of ``step``: note the kind of the nodes it made."""
    if step is None:
        return
    end = _get_sequence_nr()
    if end == step.start:
        return
    r = _ranges
    if len(r.step_starts) >= _KEEP:
        half = _KEEP // 2
        del r.step_starts[:half], r.step_ends[:half], r.step_kinds[:half]
    r.step_starts.append(step.start)
    r.step_ends.append(end)
    r.step_kinds.append(_DIFF if step.differentiable else _OTHER)


def _kind(node: Any, tid: int | None) -> str | None:
    """_DIFF (made by one of the ops above or by a differentiation through them only), _OTHER
    (made by a differentiation through anything else), None (made by any other op)."""
    seq = node._sequence_nr()
    if tid is not None and thread_of(node, seq) not in (tid, None):
        return _OTHER  # another thread's node: its numbers are not ours, follow torch's rule
    r = _ranges
    i = bisect_right(r.step_starts, seq) - 1
    if i >= 0 and seq < r.step_ends[i]:
        return r.step_kinds[i]
    i = bisect_right(r.starts, seq) - 1
    if i >= 0 and seq < r.ends[i]:
        return _DIFF
    return None
