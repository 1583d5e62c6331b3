"""Faults: exceptions in scopes, hooks, custom Functions and KeyboardInterrupt mid-loop.

After each fault the recording / training state (and, on the torch backend, torch's grad mode)
is what it was before the scope, and the next training step computes the right gradient. Each
fault runs on the MXNet dialect of both backends (real MXNet is the reference for the state),
and the torch dialect on MXNet gets the same treatment for hooks and Functions.

Verified on real MXNet 1.9.1: an exception raised in a custom ``autograd.Function``'s
``backward`` does not propagate from ``backward()``: MXNet prints ``Error in Function.backward``
and raises ``MXNetError`` at the next sync point (``x.grad.asnumpy()``). The MXNet dialect on
torch raises the user's exception from ``backward()`` itself. The tests accept either.
"""

from __future__ import annotations

import json
import linecache
import subprocess
import sys

import numpy as np
import pytest
import torch
from reliability_report import record

from autograd_compat import namespace

BACKENDS = ["torch", pytest.param("mxnet", marks=pytest.mark.mxnet)]


class Boom(Exception):
    pass


def _state(ns, backend):
    ag = ns.autograd
    st = (ag.is_recording(), ag.is_training())
    if backend == "torch":
        import torch

        st += (torch.is_grad_enabled(),)
    return st


def _step_ok(ns):
    x = ns.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with ns.autograd.record():
        y = (x * x).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 4.0, 6.0])


def _fault_in_record(ns):
    x = ns.nd.array([1.0, 2.0])
    x.attach_grad()
    with ns.autograd.record():
        _ = x * 2
        with ns.autograd.pause():
            with ns.autograd.train_mode():
                raise Boom("inside record/pause/train_mode")


def _fault_in_record_predict(ns):
    with ns.autograd.record(train_mode=False):
        with ns.autograd.predict_mode():
            raise Boom("inside predict_mode")


def _fault_in_hook(ns):
    x = ns.nd.array([1.0, 2.0])
    x.attach_grad()
    with ns.autograd.record():
        h = x * 2
    h.register_hook(lambda g: (_ for _ in ()).throw(Boom("in hook")))  # torch backend only
    with ns.autograd.record():
        y = (h * h).sum()
    y.backward()


def _fault_in_function_backward(ns):
    class Bad(ns.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            raise Boom("in Function.backward")

    x = ns.nd.array([1.0, 2.0])
    x.attach_grad()
    with ns.autograd.record():
        y = Bad()(x)
    y.backward()
    x.grad.asnumpy()  # MXNet reports the error at the next sync point


def _fault_keyboard_interrupt_in_scope(ns):
    with ns.autograd.record():
        with ns.autograd.pause(train_mode=True):
            raise KeyboardInterrupt


FAULTS = {
    "exception inside record()/pause()/train_mode()": _fault_in_record,
    "exception inside record(train_mode=False)/predict_mode()": _fault_in_record_predict,
    "exception inside a custom Function's backward": _fault_in_function_backward,
    "KeyboardInterrupt inside nested scopes": _fault_keyboard_interrupt_in_scope,
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", list(FAULTS))
def test_fault_restores_state_and_next_step_works(backend, name):
    ns = namespace("mxnet", backend)
    for outer in ("top", "record", "train_mode"):
        scope = {
            "top": None,
            "record": ns.autograd.record,
            "train_mode": ns.autograd.train_mode,
        }[outer]
        if scope is not None:
            cm = scope()
            cm.__enter__()
        before = _state(ns, backend)
        with pytest.raises((Boom, KeyboardInterrupt, RuntimeError)):
            FAULTS[name](ns)
        assert _state(ns, backend) == before, f"{name} (under {outer}) changed the scope state"
        if scope is not None:
            cm.__exit__(None, None, None)
        _step_ok(ns)
    record("faults", f"{backend}: {name}", "state restored, next step ok")


def test_fault_in_hook_during_backward():
    # Tensor hooks exist on the torch backend only (real MXNet has none).
    ns = namespace("mxnet", "torch")
    before = _state(ns, "torch")
    with pytest.raises(Boom):
        _fault_in_hook(ns)
    assert _state(ns, "torch") == before
    _step_ok(ns)
    # The engine's "inside our backward" flag was reset: a head computed outside record() that
    # reaches a variable is refused again, with MXNet's error.
    x = ns.nd.array([1.0, 2.0])
    x.attach_grad()
    with pytest.raises(RuntimeError, match="computational graph"):
        (x * 2).sum().backward()
    record("faults", "torch: exception in a tensor hook during backward", "state restored")


@pytest.mark.mxnet
def test_torch_dialect_on_mxnet_faults():
    torch = namespace("torch", "mxnet")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    h.register_hook(lambda g: (_ for _ in ()).throw(Boom("in hook")))
    with pytest.raises(Boom):
        (h * h).sum().backward()
    assert torch.is_grad_enabled()

    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            raise Boom("in Function.backward")

    with pytest.raises(Boom):
        Bad.apply(x).sum().backward()
    with pytest.raises(Boom):
        with torch.no_grad():
            raise Boom("inside no_grad")
    assert torch.is_grad_enabled()
    x.grad = None
    (x * x).sum().backward()
    np.testing.assert_array_equal(np.asarray(x.grad.tolist()), [2.0, 4.0])
    record("faults", "mxnet: torch dialect hook / Function / no_grad faults", "state restored")


POINTS = ("record", "predict_mode", "pause", "after backward", "train_mode update")


def _loop_until(ns, point, at_step):
    ag, nd = ns.autograd, ns.nd
    rng = np.random.RandomState(0)
    w = nd.array(rng.randn(3, 1).astype("float32"))
    w.attach_grad()
    X = nd.array(rng.randn(8, 3).astype("float32"))

    def maybe(here, step):
        if here == point and step == at_step:
            raise KeyboardInterrupt

    for step in range(at_step + 1):
        with ag.record():
            maybe("record", step)
            with ag.predict_mode():
                y = nd.dot(X, w)
                maybe("predict_mode", step)
            with ag.pause():
                _ = y * 1
                maybe("pause", step)
            loss = (y * y).mean()
        loss.backward()
        maybe("after backward", step)
        with ag.train_mode():
            w[:] = w - 0.01 * w.grad
            maybe("train_mode update", step)


@pytest.mark.parametrize("backend", BACKENDS)
def test_keyboard_interrupt_mid_loop(backend):
    """Ctrl-C raised in the middle of a training loop, at each point of a step."""
    ns = namespace("mxnet", backend)
    before = _state(ns, backend)
    for point in POINTS:
        with pytest.raises(KeyboardInterrupt):
            _loop_until(ns, point, at_step=3)
        assert _state(ns, backend) == before, f"state leaked after Ctrl-C at {point!r}"
        _step_ok(ns)
    record("faults", f"{backend}: KeyboardInterrupt mid-loop (points of a step)", len(POINTS))


ASYNC_SCRIPT = r"""
import json, signal, sys, traceback
import numpy as np
from autograd_compat import namespace

backend, trials = sys.argv[1], int(sys.argv[2])
ns = namespace("mxnet", backend)
ag, nd = ns.autograd, ns.nd


def state():
    st = (ag.is_recording(), ag.is_training())
    if backend == "torch":
        import torch
        st += (torch.is_grad_enabled(),)
    return st


def on_alarm(signum, frame):
    raise KeyboardInterrupt


# SIGALRM raising KeyboardInterrupt, repeating every 2 ms until the loop has seen one: MXNet's
# NDArray.__del__ swallows an exception raised while it runs ("Exception ignored in ...").
signal.signal(signal.SIGALRM, on_alarm)


SCOPE_CODE = {"__enter__", "__exit__", "set_recording", "set_training", "_open_range",
              "_close_range"}
rng = np.random.RandomState(0)
before = state()
leaks, bad, interrupted, broken = 0, [], 0, []
for trial in range(trials):
    w = nd.array(rng.randn(3, 1).astype("float32"))
    w.attach_grad()
    X = nd.array(rng.randn(8, 3).astype("float32"))
    where = None
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0.001 + 0.0005 * (trial % 13), 0.002)
            while True:
                with ag.record():
                    with ag.predict_mode():
                        y = nd.dot(X, w)
                    with ag.pause():
                        _ = y * 1
                    loss = (y * y).mean()
                loss.backward()
                with ag.train_mode():
                    w[:] = w - 0.01 * w.grad
        except KeyboardInterrupt as exc:
            interrupted += 1
            where = traceback.extract_tb(exc.__traceback__)[:-1]  # [-1] is on_alarm
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
    except KeyboardInterrupt:  # one more landed before the timer was stopped
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
    except Exception as exc:  # the scope bookkeeping itself broke under the interrupt
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        broken.append(f"{type(exc).__name__}: {exc}")
        break
    if state() != before:
        leaks += 1
        if not where or not SCOPE_CODE & {f.name for f in where}:
            f = where[-1] if where else None
            bad.append(f"{f.filename.split('/')[-1]}:{f.lineno} ({f.name})" if f else "?")
        try:
            ag.set_recording(False)
            ag.set_training(False)
        except Exception as exc:  # the scope bookkeeping itself was left inconsistent
            broken.append(f"{type(exc).__name__}: {exc}")
            break
        if backend == "torch":
            import torch
            torch.set_grad_enabled(True)
    x = nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with ag.record():
        y = (x * x).sum()
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0, 6.0]
print(json.dumps({"trials": trial + 1, "interrupted": interrupted, "leaks": leaks, "bad": bad,
                  "broken": broken}))
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_asynchronous_keyboard_interrupt_at_random_points(backend):
    """A real asynchronous Ctrl-C (SIGALRM raising KeyboardInterrupt) at arbitrary bytecodes of
    a training loop, in a subprocess (a stray interrupt must not hit pytest). A measurement:

    An interrupt that lands inside a scope's own ``__enter__``/``__exit__`` (or the
    ``set_recording``/``set_training`` they call) before the state is restored leaves it changed:
    a CPython limit for context managers written in Python, which real MXNet's scopes share
    (observed on real MXNet too). The figures record how often that happened, how often a leak
    happened anywhere else (the dialect's in-place wrapper: see test_interrupt_in_inplace_update),
    and whether the bookkeeping broke (see test_interrupt_in_close_range); the deterministic
    tests above and below are the pass/fail checks.
    """
    proc = subprocess.run(
        [sys.executable, "-c", ASYNC_SCRIPT, backend, "60"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["interrupted"] + len(got["broken"]) == got["trials"], got
    record(
        "faults",
        f"{backend}: asynchronous Ctrl-C at random bytecodes (trials; state leaks in scope code; "
        "leaks elsewhere; bookkeeping broken)",
        f"{got['trials']}; {got['leaks'] - len(got['bad'])}; {len(got['bad'])}; "
        f"{len(got['broken'])}",
    )


def _interrupt_at(func_name, after_line_text):
    """A tracer raising KeyboardInterrupt in ``func_name`` once the line containing
    ``after_line_text`` has run: an asynchronous Ctrl-C landing at that exact point."""
    fired = []

    def local(frame, event, arg):
        if event == "line" and not fired:
            src = linecache.getline(frame.f_code.co_filename, frame.f_lineno - 1)
            if after_line_text in src:
                fired.append(frame.f_lineno)
                raise KeyboardInterrupt
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_name == func_name else None

    return tracer, fired


@pytest.mark.parametrize("after", ["start = st.open_start", "end = _get_sequence_nr()"])
def test_interrupt_in_close_range(after):
    # An interrupt inside _close_range (it resets open_start last) must leave a state that the
    # next set_recording(False) repairs; it once left recording on with no open range, and every
    # later scope exit raised OverflowError.
    ns = namespace("mxnet", "torch")
    ag = ns.autograd
    tracer, fired = _interrupt_at("_close_range", after)
    try:
        with pytest.raises(KeyboardInterrupt):
            with ag.record():
                sys.settrace(tracer)
                try:
                    with ag.pause():
                        pass
                finally:
                    sys.settrace(None)
        assert fired
        ag.set_recording(False)
        ag.set_training(False)
        _step_ok(ns)
    finally:
        sys.settrace(None)
        st = ag._state
        if st.recording and st.open_start < 0:  # repair, so later tests in this thread run
            st.open_start = ag._get_sequence_nr()
        ag.set_recording(False)
        ag.set_training(False)


@pytest.mark.parametrize(
    "make,func",
    [
        # A torch tensor made a variable: the guarded in-place wrapper of tensor_methods.
        pytest.param(lambda ns: torch.tensor([1.0, 2.0]), "inplace", id="tensor"),
        # A legacy NDArray variable: the class's own __setitem__.
        pytest.param(lambda ns: ns.nd.array([1.0, 2.0]), "__setitem__", id="NDArray"),
    ],
)
def test_interrupt_in_inplace_update(make, func):
    ns = namespace("mxnet", "torch")
    w = make(ns)
    w.attach_grad()
    tracer, fired = _interrupt_at(func, "_set_grad_enabled(False)")
    sys.settrace(tracer)
    try:
        with pytest.raises(KeyboardInterrupt):
            w[:] = w - 0.1
    finally:
        sys.settrace(None)
    assert fired
    enabled = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    assert enabled
