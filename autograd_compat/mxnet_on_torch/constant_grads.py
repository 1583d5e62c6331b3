"""Derivatives that torch finds constant: would MXNet's stay connected to the variables?

Split from recording.py (which says which nodes MXNet recorded); this module only reads its
answer (``recorded``) while walking a gradient's graph.
"""

from __future__ import annotations

from .recording import AccumulateGrad, _State, recorded

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


def _reads_only_head_grad(node: object) -> bool:
    name = node.name()
    if name in _HEAD_GRAD_ONLY:
        return True
    if name in _SCALED:
        try:
            other, own = node._saved_other, node._saved_self
        except RuntimeError:  # saved values already freed: cannot tell, call it connected
            return False
        return own is None and other is not None and other.dim() == 0
    return False


def stays_connected(st: _State, roots: list) -> bool:
    """Would MXNet's gradient of these (recorded) heads stay connected to the variables?"""
    stack, seen = list(roots), set(roots)
    while stack:
        node = stack.pop()
        if not _reads_only_head_grad(node):
            return True
        for nxt, _ in node.next_functions:
            if nxt is None or nxt in seen or type(nxt) is AccumulateGrad:
                continue
            seen.add(nxt)
            if recorded(st, nxt._sequence_nr()):
                stack.append(nxt)
    return False
