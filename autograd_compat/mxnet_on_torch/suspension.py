"""Which node numbers torch gave while every open ``record()`` scope's body was suspended.

A ``with autograd.record():`` written in a generator, coroutine or async generator can be
suspended inside the scope (``yield``, ``await``). MXNet's recording flag is per thread, so it
stays on while the caller of the paused generator (or another asyncio task) runs, but that code
is not inside the scope: a plain torch graph it builds over plain ``requires_grad`` leaves is
plain torch's (``recording.is_mxnet_graph``), also when it is backpropagated after the scope
closed. So each thread notes the ranges of torch's node sequence numbers given while suspended.

The *body frame* of a scope is the frame running the ``with`` block: the caller of ``__enter__``,
past ``contextlib.contextmanager``/``asynccontextmanager`` wrappers (whose generator runs inside
contextlib's ``__enter__``/``__aenter__``) and ``ExitStack.enter_context``/
``AsyncExitStack.enter_async_context`` (which enter for their caller). Only a generator,
coroutine or async-generator body can be suspended; any other body (a plain function, module
code, a class-based context manager's ``__enter__`` that enters ``record()`` itself) never is.

CPython 3.11 reports a generator's ``yield`` (and a coroutine's suspending ``await``) as a
'return' event and its resumption as a 'call' event to the thread's profile function
(``sys.setprofile``). A profile function is installed only while a scope with a suspendable
body is open, and removed when the last such scope closes: other scopes pay one frame-flag test
at entry and nothing per op. It calls a profile function already installed from Python with
every event and restores it at close. A profiler written in C (``cProfile``) cannot be called
from Python: it is left alone, and the trace function (``sys.settrace``, which reports the same
events) is used instead if it is free. When neither is (a C profiler and a debugger or coverage
tracer at once), or the program replaces ours while such a scope is open, the suspended state is
read from the call stack at backward time instead (a graph built while suspended and
backpropagated after the scope closed then gets MXNet's rules).

torch's grad mode, which our scopes set (per thread) and MXNet's leave alone, is swapped at the
same events, so code run while a scope is paused keeps its own.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
from array import array
from bisect import bisect_right

import torch
from torch._C._autograd import _get_sequence_nr

_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled

SUSPENDABLE = inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
# A contextlib wrapper's generator runs inside these: the with-block is their caller.
_CM_ENTRIES = {
    id(contextlib._GeneratorContextManager.__enter__.__code__),
    id(contextlib._AsyncGeneratorContextManager.__aenter__.__code__),
}
# ExitStack helpers enter a context manager for their caller, whose with-block is the body.
ENTER_CONTEXT = contextlib.ExitStack.enter_context.__code__  # (the async one is a coroutine)
_STACK_ENTRIES = {id(ENTER_CONTEXT), id(contextlib.AsyncExitStack.enter_async_context.__code__)}


def body_frame(caller: object) -> object | None:
    """The frame running the ``with`` block entered from ``caller``, if it can be suspended."""
    f = caller
    while True:
        back = f.f_back
        if id(f.f_code) in _STACK_ENTRIES and back is not None:
            f = back
        elif (
            f.f_code.co_flags & SUSPENDABLE
            and back is not None
            and id(back.f_code) in _CM_ENTRIES
            and back.f_back is not None
        ):
            f = back.f_back  # past the wrapper: the frame running `with wrapper():`
        else:
            return f if f.f_code.co_flags & SUSPENDABLE else None


def _on_stack(frame: object) -> bool:
    f = sys._getframe(1)
    while f is not None:
        if f is frame:
            return True
        f = f.f_back
    return False


class Suspensions:
    """One thread's suspended ranges, and the scopes they are tracked for.

    ``starts``/``ends`` are the closed ranges ``[starts[i], ends[i])``, sorted and disjoint;
    ``open_start`` is the start of the range being noted now, or -1.
    """

    __slots__ = (
        "starts",
        "ends",
        "open_start",
        "tracked",
        "_watch",
        "_away",
        "_prev",
        "_hook",
        "_since",
        "_grad",
        "_mode",
        "_trace_call",
        "_trace_local",
    )

    def __init__(self) -> None:
        self.starts = array("Q")
        self.ends = array("Q")
        self.open_start = -1
        # One entry per tracked open scope: [its body frame, or None when it cannot be suspended]
        # (a one-item list, so that two scopes of one frame are told apart at exit).
        self.tracked: list[list] = []
        self._watch: dict = {}  # tracked body frame -> number of scopes it runs
        self._away: set = set()  # tracked body frames suspended now
        self._prev = None  # the profile function we chain to
        self._hook = self._event  # one bound method: what sys.getprofile() returns while ours
        self._trace_call = self._on_call  # the same for sys.settrace (see _listen)
        self._trace_local = self._on_return
        self._mode = None  # how events come: "profile", "trace", or None (they do not)
        self._since = 0  # the number torch gave when tracking began
        # torch's grad mode on the other side: the caller's while the bodies run, the scopes'
        # while they are suspended (swapped at each suspension and resumption).
        self._grad = True

    def enter(self, caller: object, opening: bool) -> list | None:
        """A ``record()`` scope is entered from ``caller`` (``opening``: it turns recording on).

        Tracked are a scope opening a range from a suspendable body, and every scope entered
        while one is tracked (its body runs the code then, whatever the others do). Returns the
        entry to pass to ``exit``, or None when nothing is tracked for this scope.
        """
        code = caller.f_code
        if not (code.co_flags & SUSPENDABLE or self.tracked or code is ENTER_CONTEXT):
            return None  # the common case: a plain function's scope, nothing tracked
        body = body_frame(caller)
        if not (self.tracked or opening and body is not None):
            return None
        if not self.tracked:
            self._mode = self._listen()
            self._since = _get_sequence_nr()
            self._grad = _is_grad_enabled()
        entry = [body]
        self.tracked.append(entry)
        if body is not None:
            self._watch[body] = self._watch.get(body, 0) + 1
            if self._mode == "trace":  # the body runs: its 'return' comes to its local tracer
                body.f_trace_lines = False
                body.f_trace = self._trace_local
        self._update()
        return entry

    def _listen(self) -> str | None:
        prev = sys.getprofile()
        if prev is None or callable(prev):
            self._prev = None if prev is self._hook else prev
            sys.setprofile(self._hook)
            return "profile"
        # A profiler written in C (cProfile) holds the profile function and cannot be called
        # from Python: it is left alone, and the trace function gives the same events if free.
        if sys.gettrace() is None:
            sys.settrace(self._trace_call)
            return "trace"
        return None

    def _listening(self) -> bool:
        if self._mode == "profile":
            return sys.getprofile() is self._hook
        return self._mode == "trace" and sys.gettrace() is self._trace_call

    def exit(self, entry: list, grad: bool) -> bool:
        """The scope that ``enter`` returned ``entry`` for closes; it would restore torch's grad
        mode to ``grad``. Returns the mode to restore: ``grad``, or when the last tracked scope
        of a suspendable body closes, the mode of the code that resumed it last (a generator
        closed under the caller's ``torch.no_grad()`` leaves it in force, as real MXNet does).
        """
        scopes = self.tracked
        for i, e in enumerate(scopes):
            if e is entry:
                del scopes[i]
                break
        else:
            return grad  # closed in another thread (a generator resumed there): not ours
        body = entry[0]
        if body is not None:
            n = self._watch.get(body, 1) - 1
            if n:
                self._watch[body] = n
            else:
                self._watch.pop(body, None)
                self._away.discard(body)
                if self._mode == "trace" and body.f_trace is self._trace_local:
                    body.f_trace = None
        self._update()
        if not scopes:
            if self._mode == "profile" and sys.getprofile() is self._hook:
                sys.setprofile(self._prev)
            elif self._mode == "trace" and sys.gettrace() is self._trace_call:
                sys.settrace(None)
            self._prev = self._mode = None
            if body is not None:
                return self._grad
        return grad

    def _event(self, frame: object, event: str, arg: object) -> None:
        if frame in self._watch:
            if event == "return":
                self._away.add(frame)
                self._update()
            elif event == "call":
                self._away.discard(frame)
                self._update()
        if self._prev is not None:
            self._prev(frame, event, arg)

    def _on_call(self, frame: object, event: str, arg: object) -> object:
        # sys.settrace's function: called at every Python frame's start ('call'), a generator's
        # resumption included; what it returns traces that frame (its 'return' events).
        if frame in self._watch:
            self._away.discard(frame)
            self._update()
            frame.f_trace_lines = False
            return self._trace_local
        return None

    def _on_return(self, frame: object, event: str, arg: object) -> object:
        if event == "return" and frame in self._watch:
            self._away.add(frame)
            self._update()
        return self._trace_local

    def _update(self) -> None:
        away = self._away
        suspended = bool(self.tracked) and all(e[0] in away for e in self.tracked)
        start = self.open_start
        if suspended:
            if start < 0:
                self.open_start = _get_sequence_nr()
                self._swap_grad()
            return
        if start < 0:
            return
        self._swap_grad()
        end = _get_sequence_nr()
        starts, ends = self.starts, self.ends
        if len(ends) > len(starts):  # an interrupt fell between the two appends below: undo it
            del ends[len(starts) :]
        if end > start:
            if ends and ends[-1] == start:
                ends[-1] = end
            else:
                ends.append(end)  # ends first: lookups only see complete pairs
                starts.append(start)
        self.open_start = -1

    def _swap_grad(self) -> None:
        # MXNet's scopes leave torch alone; ours set torch's (per-thread) grad mode. Code run
        # while a scope is suspended gets its own grad mode back, as with real MXNet.
        mode = _is_grad_enabled()
        if mode != self._grad:
            _set_grad_enabled(self._grad)
            self._grad = mode

    def holds(self, seq: int) -> bool:
        """Was the node numbered ``seq`` (in this thread) made while every tracked scope's body
        was suspended?"""
        if 0 <= self.open_start <= seq:
            return True
        n = min(len(self.starts), len(self.ends))
        i = bisect_right(self.starts, seq, 0, n) - 1
        if i >= 0 and seq < self.ends[i]:
            return True
        if self.tracked and not self._listening():
            # No events (both functions taken, or ours displaced): what the call stack shows now.
            return seq >= self._since and all(
                e[0] is not None and not _on_stack(e[0]) for e in self.tracked
            )
        return False
