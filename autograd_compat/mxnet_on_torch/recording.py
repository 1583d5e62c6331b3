"""Which autograd graphs are MXNet's, and which of their nodes MXNet recorded.

Two questions are answered here without a per-op hook (which would cost 2-4 us per op):

* **Is a head MXNet's?** By its graph's *content*: it is when the graph reaches an MXNet variable
  (a leaf made by ``attach_grad``/``mark_variables``, whose ``_mx_grad_req`` is set). A plain
  torch graph never does, wherever and whenever it was built, so it keeps torch's rules.
* **Which nodes were recorded?** torch numbers the autograd nodes it creates with a per-thread
  sequence counter. A ``record()`` scope notes the counter when it starts and when it ends, so
  each thread keeps a list of *recorded ranges*. In an MXNet graph, a node outside every range of
  the thread was computed outside ``record()``: a constant to MXNet, which backward cuts.

Sequence numbers are per thread, so a number names a node only together with the thread that
made it. torch keeps that thread in the C++ node (``node_provenance`` reads it): a head made by
another thread is never this thread's recorded head, whatever its number, and a node made by
another thread is judged by *that* thread's ranges. Every thread's closed ranges are registered
here for that (and a cut node that its own thread recorded raises: a graph recorded elsewhere).
On a torch build where the field cannot be read, numbers alone decide, as documented.
"""

from __future__ import annotations

import _thread
import threading
import weakref
from array import array
from bisect import bisect_right

import torch
from torch._C._autograd import _get_sequence_nr

from .base import MXNetError
from .node_provenance import current_thread_id, thread_of
from .suspension import Suspensions

# AccumulateGrad nodes mark leaves; their `.variable` is the leaf tensor.
AccumulateGrad = type((torch.zeros(1, requires_grad=True) * 1).grad_fn.next_functions[0][0])

OTHER_THREAD = (
    "this graph seems to have been recorded in another thread: MXNet-style backward reads the "
    "recorded ranges of the thread that calls it. Hint: call backward()/autograd.grad() in the "
    "thread that ran autograd.record()."
)

# (thread, starts, ends, torch's thread id) of every thread that used autograd state. Kept after
# a thread ends (its graphs may live on, e.g. handed to another thread); the oldest ended ones are
# dropped beyond _KEEP_ENDED, which bounds the table.
_peers: list[tuple[weakref.ref, array, array, int]] = []
_KEEP_ENDED = 64
# Set once a second thread has been seen: from then on every walked node's thread is read (a
# single-threaded program never pays for it). See _other_threads.
_many_threads = False


def _register(starts: array, ends: array, tid: int) -> None:
    global _many_threads
    ended = [p for p in _peers if not _alive(p[0])]
    if len(ended) > _KEEP_ENDED:
        drop = {id(p) for p in ended[: len(ended) - _KEEP_ENDED]}
        _peers[:] = [p for p in _peers if id(p) not in drop]
    _peers.append((weakref.ref(threading.current_thread()), starts, ends, tid))
    if len(_peers) > 1:
        _many_threads = True


def _alive(ref: weakref.ref) -> bool:
    t = ref()
    return t is not None and t.is_alive()


def _other_threads() -> bool:
    """May a graph hold nodes of another thread? Once yes, always yes (their graphs live on)."""
    global _many_threads
    if not _many_threads and _thread._count():  # threads other than the main one, now
        _many_threads = True
    return _many_threads


class _State(threading.local):
    """MXNet's thread-local autograd state plus the recorded sequence-number ranges."""

    def __init__(self) -> None:
        self.recording = False
        self.training = False
        # Closed recorded ranges [starts[i], ends[i]) of this thread's node sequence numbers,
        # sorted and disjoint; `open_start` is the start of the range being recorded, or -1.
        self.starts = array("Q")
        self.ends = array("Q")
        self.open_start = -1
        # The numbers given while a record() scope's body was suspended (a generator or
        # coroutine paused inside it): see suspension.py.
        self.suspensions = Suspensions()
        # >0 while an MXNet-style backward of this thread runs (variables' guard hooks pass).
        self.in_backward = 0
        # torch's id of this thread, what the nodes it creates carry (0: cannot be read).
        self.tid = current_thread_id()
        _register(self.starts, self.ends, self.tid)


state = _State()


def _open_range(st: _State) -> None:
    st.open_start = _get_sequence_nr()


def _close_range(st: _State) -> None:
    # Named with an underscore: tests/test_reliability_faults.py interrupts it by name.
    start = st.open_start
    if start < 0:
        return
    end = _get_sequence_nr()
    starts, ends = st.starts, st.ends
    if len(ends) > len(starts):  # an interrupt fell between the two appends below: undo it
        del ends[len(starts) :]
    if end > start:
        if ends and ends[-1] == start:  # nothing was created in between: extend
            ends[-1] = end
        else:
            # ends first: until starts grows too, lookups only see complete pairs
            ends.append(end)
            starts.append(start)
    # Last, so that an interrupt above leaves the range open (closed again on the next exit)
    # rather than half-recorded.
    st.open_start = -1


def recorded(st: _State, seq: int) -> bool:
    """Was the node with sequence number ``seq`` created inside ``record()`` in this thread?"""
    if st.open_start >= 0 and seq >= st.open_start:
        return True
    i = bisect_right(st.starts, seq) - 1
    return i >= 0 and seq < st.ends[i]


def _in_ranges(starts: array, ends: array, seq: int) -> bool:
    n = min(len(starts), len(ends))
    i = bisect_right(starts, seq, 0, n) - 1
    return i >= 0 and seq < ends[i]


def recorded_elsewhere(seq: int) -> bool:
    """Does another thread's closed recorded range hold ``seq``? (Numbers alone: prefer
    ``node_recorded_elsewhere``, which asks only the thread that made the node.)"""
    mine = state.starts
    for _, starts, ends, _ in list(_peers):
        if starts is not mine and _in_ranges(starts, ends, seq):
            return True
    return False


def node_recorded_elsewhere(fn: object, seq: int | None = None) -> bool:
    """Was node ``fn`` made by another thread inside one of that thread's closed ranges?"""
    if seq is None:
        seq = fn._sequence_nr()
    tid = thread_of(fn, seq)
    if tid is None:
        return recorded_elsewhere(seq)
    if tid == state.tid:
        return False
    for _, starts, ends, peer in list(_peers):
        if peer == tid:
            return _in_ranges(starts, ends, seq)
    return False


def made_here(st: _State, fn: object, seq: int | None = None) -> bool:
    """Was node ``fn`` made by this thread? (True when that cannot be read: numbers decide.)"""
    if seq is None:
        seq = fn._sequence_nr()
    tid = thread_of(fn, seq)
    return tid is None or tid == st.tid


def walk(st: _State, roots: list, roots_checked: bool = False) -> tuple[list[torch.Tensor], list]:
    """Leaves reached from ``roots`` through recorded nodes, and the unrecorded nodes to cut.

    A root made by another thread is cut (it is not this thread's recorded head); a caller that
    has checked that already passes ``roots_checked``. Once several threads exist, a node is
    recorded only if this thread made it, whatever its number.
    """
    leaves: list[torch.Tensor] = []
    cuts: list = []
    seen = set(roots)
    if roots_checked:
        stack = list(roots)
    else:
        stack = []
        for fn in roots:
            (stack if made_here(st, fn) else cuts).append(fn)
    d = st.__dict__  # the thread's fields: one thread-local lookup for all of them
    open_start, starts, ends = d["open_start"], d["starts"], d["ends"]
    tid = d["tid"] if _many_threads or _other_threads() else None
    # The last closed range first: a graph recorded in the last scope lies in it (no bisect).
    n = len(starts)
    lo, hi = (starts[n - 1], ends[n - 1]) if n and len(ends) >= n else (0, 0)
    pop, push, add, leaf = stack.pop, stack.append, seen.add, leaves.append
    while stack:
        for nxt, _ in pop().next_functions:
            if nxt is None or nxt in seen:
                continue
            add(nxt)
            if type(nxt) is AccumulateGrad:
                leaf(nxt.variable)
                continue
            seq = nxt._sequence_nr()
            if not (lo <= seq < hi or 0 <= open_start <= seq):
                i = bisect_right(starts, seq) - 1
                if i < 0 or seq >= ends[i]:
                    cuts.append(nxt)
                    continue
            if tid is not None and thread_of(nxt, seq) not in (tid, None):
                cuts.append(nxt)  # another thread's node numbered inside our range
            else:
                push(nxt)
    return leaves, cuts


def check_cuts(cuts: list) -> None:
    """Raise when a node to cut was recorded by another thread (the graph is not this thread's)."""
    for node in cuts:
        if node_recorded_elsewhere(node):
            raise MXNetError(OTHER_THREAD)


def reaches_variable(nodes: list) -> bool:
    """Does the graph below ``nodes`` (through any node, recorded or not) reach a variable?"""
    stack, seen = list(nodes), set(nodes)
    while stack:
        node = stack.pop()
        if type(node) is AccumulateGrad:
            if node.variable._mx_grad_req is not None:
                return True
            continue
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def is_mxnet_graph(st: _State, seq: int, leaves: list[torch.Tensor], cuts: list) -> bool:
    """Given the walk of a head numbered ``seq`` in this thread's ranges: is it MXNet's?

    It is when its graph reaches an MXNet variable anywhere. A graph whose recorded part reaches
    only plain ``requires_grad`` leaves is MXNet's too (``x = torch.arange(4.0,
    requires_grad=True)`` used inside ``record()``, as the seed notebook does), unless its head
    was numbered while every open ``record()`` scope's body was suspended: then it is plain torch
    code run by the caller of a paused generator or by another asyncio task (whether the scope
    is still open or has closed since).
    """
    for v in leaves:
        if v._mx_grad_req is not None:
            return True
    if cuts and reaches_variable(cuts):
        return True
    if not leaves:
        return False
    return not st.suspensions.holds(seq)
