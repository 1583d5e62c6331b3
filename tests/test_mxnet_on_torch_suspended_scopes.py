"""Plain torch stays plain torch while a ``record()`` scope is suspended (issue 11, item 2).

A ``with autograd.record():`` in a generator or coroutine can be paused inside the scope: MXNet's
recording flag (per thread) stays on while the caller or another asyncio task runs, but a plain
torch graph that code builds over plain ``requires_grad`` leaves is torch's, whether it is
backpropagated while the scope is paused or after it closed. The scope's body is the with-block
also when ``record()`` is entered through a ``contextlib`` wrapper or an ``ExitStack``: the seed
notebook's cells there get MXNet's rules. Side by side with real MXNet 1.9.1 (and real torch for
the plain graphs); see ``suspension.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import pstats
import sys

import pytest
import torch
from sbs import run_both

import autograd_compat
from autograd_compat import namespace


def _plain_torch_program():
    """Plain torch: two backwards accumulate; a non-scalar head needs a gradient."""
    p = torch.ones(3, requires_grad=True)
    loss = (p * 2).sum()
    vector = p * 3
    return p, loss, vector


def _run_plain(p, loss, vector):
    loss.backward(retain_graph=True)
    loss.backward()
    try:
        vector.backward()
        err = None
    except RuntimeError as exc:
        err = (type(exc).__name__, "implicitly created only for scalar" in str(exc))
    return p.grad.numpy().tolist(), err


PLAIN_WANT = ([4.0, 4.0, 4.0], ("RuntimeError", True))


def _x123(mx):
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    return x


@pytest.mark.mxnet
def test_generator_suspended_inside_record():
    def program(mx):
        ag = mx.autograd
        x = mx.nd.array([1.0, 2.0, 3.0])
        x.attach_grad()

        def gen():
            with ag.record():
                yield x * x
                yield x * 3

        g = gen()
        y = next(g)
        states = [ag.is_recording(), ag.is_training()]  # MXNet's flags are per thread: on
        plain = _run_plain(*_plain_torch_program())
        y2 = next(g)
        next(g, None)
        states += [ag.is_recording(), ag.is_training()]
        y.backward()
        g1 = x.grad.copy()
        y2.backward()
        return states, plain, g1, x.grad

    states, plain, g1, g2 = run_both(program)
    assert states == [True, True, False, False]
    assert plain == PLAIN_WANT


@pytest.mark.mxnet
def test_plain_graph_built_while_a_generator_was_suspended_backpropagated_after_it_closed():
    def program(mx):
        x = _x123(mx)

        def gen():
            with mx.autograd.record():
                y = x * x
                yield
            yield y

        g = gen()
        next(g)  # paused inside record()
        graph = _plain_torch_program()
        y = next(g)  # the scope has closed
        y.backward()
        return x.grad, _run_plain(*graph)

    _, plain = run_both(program)
    assert plain == PLAIN_WANT


@pytest.mark.mxnet
def test_asyncio_task_inside_record_while_plain_torch_runs():
    def program(mx):
        ag = mx.autograd
        x = mx.nd.array([1.0, 2.0, 3.0])
        x.attach_grad()
        out = {}

        async def mxnet_task(started, resume):
            with ag.record():
                y = x * x
                started.set()
                await resume.wait()
                z = y * x
            z.backward()
            out["grad"] = x.grad.asnumpy().tolist()

        async def torch_task(started, resume):
            await started.wait()
            out["plain"] = _run_plain(*_plain_torch_program())
            resume.set()

        async def main():
            started, resume = asyncio.Event(), asyncio.Event()
            await asyncio.gather(mxnet_task(started, resume), torch_task(started, resume))

        asyncio.run(main())
        return out["grad"], out["plain"]

    grad, plain = run_both(program)
    assert grad == [3.0, 12.0, 27.0]
    assert plain == PLAIN_WANT


# --- suspended record() scopes: the scope's body frame, and when it was suspended ---------------


def test_plain_want_is_what_plain_torch_gives():
    autograd_compat.uninstall()
    try:
        got = _run_plain(*_plain_torch_program())
    finally:
        autograd_compat.install()
    assert got == PLAIN_WANT


def _tolist(a):
    return (a.asnumpy() if hasattr(a, "asnumpy") else a.detach().numpy()).tolist()


def _seed_cell(make_leaf):
    """The seed notebook's MXNet cell: a vector head's backward, twice (MXNet: ones, 'write')."""
    x = make_leaf()
    for _ in range(2):
        y = 2 * x * x
        y.backward()
    return _tolist(x.grad)


def _mx_leaf(mx):
    def make():
        x = mx.nd.arange(4)
        x.attach_grad()
        return x

    return make


def _torch_leaf():
    return torch.arange(4.0, requires_grad=True)


def _rec(ag):
    @contextlib.contextmanager
    def rec():
        with ag.record():
            yield

    return rec()


def _rec_twice(ag):
    @contextlib.contextmanager
    def outer():
        with _rec(ag):
            yield

    return outer()


def _arec(ag):
    @contextlib.asynccontextmanager
    async def arec():
        with ag.record():
            yield

    return arec()


WRAPPERS = ("contextmanager", "contextmanager_twice", "exit_stack", "exit_stack_contextmanager")


def _in_wrapped_scope(ag, how, body):
    """Run ``body()`` inside record() entered the way ``how`` says, from a plain function."""
    if how == "contextmanager":
        with _rec(ag):
            return body()
    if how == "contextmanager_twice":
        with _rec_twice(ag):
            return body()
    if how == "asynccontextmanager":

        async def main():
            async with _arec(ag):
                return body()

        return asyncio.run(main())
    if how == "async_exit_stack":

        async def main():
            async with contextlib.AsyncExitStack() as stack:
                await stack.enter_async_context(_arec(ag))
                return body()

        return asyncio.run(main())
    with contextlib.ExitStack() as stack:
        stack.enter_context(ag.record() if how == "exit_stack" else _rec(ag))
        return body()


@pytest.mark.parametrize("how", WRAPPERS + ("asynccontextmanager", "async_exit_stack"))
def test_record_entered_through_a_wrapper_gives_the_with_block_mxnet_rules(mx, how):
    # The body of `with rec():` (a contextmanager around record()) or of an ExitStack that entered
    # record() is the with-block, not the wrapper's generator (paused during the block) nor
    # enter_context (returned): the seed notebook's cell there gets MXNet's implicit ones and
    # 'write', as real MXNet gives a variable, not torch's "implicitly created only for scalar".
    want = _in_wrapped_scope(mx.autograd, how, lambda: _seed_cell(_mx_leaf(mx)))
    shim = namespace("mxnet", "torch")
    got = _in_wrapped_scope(shim.autograd, how, lambda: _seed_cell(_torch_leaf))
    assert want == [0.0, 4.0, 8.0, 12.0]
    assert got == want
    assert not shim.autograd.is_recording() and sys.getprofile() is None


def _paused_in_wrapped_scope(ag, how, x):
    """A generator that records y = x * x inside record() entered as ``how`` says, pauses
    inside the scope, and yields y once the scope has closed."""
    if how == "contextmanager":
        with _rec(ag):
            y = x * x
            yield
    elif how == "contextmanager_twice":
        with _rec_twice(ag):
            y = x * x
            yield
    else:
        with contextlib.ExitStack() as stack:
            stack.enter_context(ag.record() if how == "exit_stack" else _rec(ag))
            y = x * x
            yield
    yield y


@pytest.mark.mxnet
@pytest.mark.parametrize("how", WRAPPERS)
def test_generator_paused_inside_a_wrapped_record(how):
    def program(mx):
        x = _x123(mx)
        g = _paused_in_wrapped_scope(mx.autograd, how, x)
        next(g)  # paused inside the scope
        now = _run_plain(*_plain_torch_program())
        later = _plain_torch_program()
        y = next(g)  # the scope has closed
        y.backward()
        return x.grad, now, _run_plain(*later)

    _, now, later = run_both(program)
    assert now == later == PLAIN_WANT


def _nested(ag, x, make_leaf):
    def gen():
        with ag.record():
            with ag.record():  # nested: the range is the outer scope's
                y = x * x
                yield
            with ag.pause():
                yield
            yield
        yield y

    out = {}
    g = gen()
    next(g)  # paused inside the nested scope
    a = _plain_torch_program()
    with ag.record():  # the caller's own scope: its cells are MXNet's
        out["own"] = _seed_cell(make_leaf)
    b = _plain_torch_program()  # paused again once the caller's scope has closed
    next(g)  # paused inside pause()
    out["in_pause"] = _run_plain(*_plain_torch_program())
    next(g)  # paused in the outer scope
    d = _plain_torch_program()
    y = next(g)  # every scope has closed
    out["recording"] = ag.is_recording()
    y.backward()
    out["grad"] = _tolist(x.grad)
    out["plain"] = [_run_plain(*a), _run_plain(*b), _run_plain(*d)]
    return out


def test_nested_scopes_and_a_callers_own_scope_while_a_generator_is_paused(mx):
    want = _nested(mx.autograd, _x123(mx), _mx_leaf(mx))
    shim = namespace("mxnet", "torch")
    got = _nested(shim.autograd, _x123(shim), _torch_leaf)
    assert want["own"] == [0.0, 4.0, 8.0, 12.0] and want["grad"] == [2.0, 4.0, 6.0]
    assert want["plain"] == [PLAIN_WANT] * 3 and want["in_pause"] == PLAIN_WANT
    assert got == want


@pytest.mark.mxnet
@pytest.mark.parametrize("end", ["close", "throw", "dropped"])
def test_generator_ended_inside_record_restores_the_state_and_keeps_plain_graphs_plain(end):
    def program(mx):
        ag = mx.autograd
        x = _x123(mx)
        profile = sys.getprofile()

        def gen():
            with ag.record():
                yield x * x

        g = gen()
        y = next(g)
        graph = _plain_torch_program()
        if end == "close":  # GeneratorExit through the scope
            g.close()
        elif end == "throw":
            with pytest.raises(KeyError):
                g.throw(KeyError("stop"))
        else:
            del g  # closed by its finalizer
        states = [ag.is_recording(), ag.is_training(), sys.getprofile() is profile]
        with ag.record():  # a plain function's scope installs nothing
            states.append(sys.getprofile() is profile)
        plain = _run_plain(*graph)
        y.backward()
        return states, plain, x.grad

    states, plain, _ = run_both(program)
    assert states == [False, False, True, True]
    assert plain == PLAIN_WANT


def _marker():
    return None


def _profiled_flow(mx):
    """A generator paused inside record() while the caller runs plain torch; ``_marker`` is
    called inside the scope, while it is paused, and after it closed."""
    x = _x123(mx)

    def gen():
        with mx.autograd.record():
            _marker()
            y = x * x
            yield
        yield y

    g = gen()
    next(g)
    _marker()
    now = _run_plain(*_plain_torch_program())
    later = _plain_torch_program()
    y = next(g)
    _marker()
    y.backward()
    return x.grad, now, _run_plain(*later)


@pytest.mark.mxnet
def test_python_profile_function_installed_before_sees_every_event_and_is_restored():
    def program(mx):
        seen = []

        def profile(frame, event, arg):
            if frame.f_code is _marker.__code__:
                seen.append(event)

        sys.setprofile(profile)
        try:
            flow = _profiled_flow(mx)
            restored = sys.getprofile() is profile
        finally:
            sys.setprofile(None)
        return flow, seen, restored

    (_, now, later), seen, restored = run_both(program)
    assert now == later == PLAIN_WANT and seen == ["call", "return"] * 3 and restored


@pytest.mark.mxnet
@pytest.mark.parametrize("tracer", [False, True])
def test_cprofile_running_keeps_working(tracer):
    # cProfile is written in C: Python cannot chain to it, so it is left installed and the trace
    # function gives the events. With a tracer installed too (a debugger, coverage), the paused
    # scope is read from the call stack at backward: a graph built while paused and
    # backpropagated after the scope closed then gets MXNet's rules (docs/design.md, limits).
    def program(mx):
        traced = []

        def trace(frame, event, arg):
            if frame.f_code is _marker.__code__:
                traced.append(event)

        prof = cProfile.Profile()
        if tracer:
            sys.settrace(trace)
        prof.enable()
        try:
            grad, now, later = _profiled_flow(mx)
        finally:
            prof.disable()
            kept = [sys.gettrace() is (trace if tracer else None)]
            sys.settrace(None)
        calls = [v[1] for k, v in pstats.Stats(prof).stats.items() if k[2] == "_marker"]
        return grad, now, later if not tracer else None, calls, traced, kept

    _, now, later, calls, traced, kept = run_both(program)
    assert now == PLAIN_WANT and calls == [3] and kept == [True]
    assert traced == (["call"] * 3 if tracer else [])
    if not tracer:
        assert later == PLAIN_WANT


@pytest.mark.mxnet
@pytest.mark.parametrize("end", ["finishes", "cancelled"])
def test_asyncio_task_closed_after_the_plain_graph_was_built(end):
    def program(mx):
        ag = mx.autograd
        x = _x123(mx)
        out = {}

        async def mxnet_task(entered, resume):
            with ag.record():
                y = x * x
                entered.set()
                await resume.wait()
            out["y"] = y

        async def main():
            entered, resume = asyncio.Event(), asyncio.Event()
            task = asyncio.ensure_future(mxnet_task(entered, resume))
            await entered.wait()
            graph = _plain_torch_program()  # while the task is suspended inside record()
            if end == "cancelled":
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            else:
                resume.set()
                await task
            out["recording"] = ag.is_recording()
            out["plain"] = _run_plain(*graph)  # after the scope has closed

        asyncio.run(main())
        if "y" in out:
            out["y"].backward()
        return out["recording"], out["plain"], x.grad

    recording, plain, _ = run_both(program)
    assert recording is False and plain == PLAIN_WANT


@pytest.mark.mxnet
def test_torch_grad_mode_of_code_run_while_a_scope_is_paused():
    # MXNet's scopes leave torch's grad mode alone; the shim's set it (per thread), and give the
    # code run while a scope is paused its own mode back: no graph under the caller's no_grad()
    # while paused in record(), a graph while paused in pause(), and the caller's mode after a
    # generator entered under no_grad() closes its scope.
    def program(mx):
        ag = mx.autograd
        x = _x123(mx)
        p = torch.ones(3, requires_grad=True)

        def gen():
            with ag.record():
                y = x * x
                yield
                with ag.pause():
                    yield
                yield
            yield y

        seen = []
        g = gen()
        with torch.no_grad():
            next(g)  # enters record() under the caller's no_grad(), pauses inside
            seen.append((torch.is_grad_enabled(), (p * 2).requires_grad))
        seen.append(torch.is_grad_enabled())
        next(g)  # paused inside pause()
        seen.append((torch.is_grad_enabled(), (p * 2).requires_grad))
        plain = _run_plain(*_plain_torch_program())
        next(g)  # paused inside record() again
        with torch.no_grad():
            seen.append((p * 2).requires_grad)
        y = next(g)  # the scope has closed
        seen.append(torch.is_grad_enabled())
        y.backward()
        return seen, plain, x.grad

    seen, plain, _ = run_both(program)
    assert seen == [(False, False), True, (True, True), False, True]
    assert plain == PLAIN_WANT


@pytest.mark.mxnet
def test_async_generator_paused_inside_record():
    def program(mx):
        x = _x123(mx)

        async def agen():
            with mx.autograd.record():
                y = x * x
                yield
            yield y

        async def main():
            g = agen()
            await g.__anext__()  # paused inside record()
            now = _run_plain(*_plain_torch_program())
            later = _plain_torch_program()
            y = await g.__anext__()  # the scope has closed
            return y, now, _run_plain(*later)

        y, now, later = asyncio.run(main())
        y.backward()
        return x.grad, now, later

    _, now, later = run_both(program)
    assert now == later == PLAIN_WANT
