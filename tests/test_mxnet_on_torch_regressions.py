"""Regressions of issue 11 in the MXNet dialect on torch, side by side with real MXNet 1.9.1.

* Which graphs get MXNet's rules: a plain torch graph built in another thread stays torch's
  although its nodes are numbered inside a recorded range; MXNet-recorded heads keep MXNet's
  rules. (Graphs built while a ``record()`` scope is suspended:
  ``test_mxnet_on_torch_suspended_scopes.py``.)
* The derivative of a derivative that does not depend on x: what MXNet returns, op by op.
* In-place updates of recorded results outside ``record()``, ``is_training()`` inside a custom
  ``Function.backward``, and differentiating through an integer ``astype``.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from sbs import run_both

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch import node_provenance, recording


def _in_thread(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(timeout=120)
    if "error" in box:
        raise box["error"]
    return box["value"]


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


def _record_many(mx, n=200):
    """Record n ops on a variable in this thread; return MXNet's gradient of the last head."""
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with mx.autograd.record():
        for _ in range(n):
            y = x * x
    y.backward()  # non-scalar head: MXNet's implicit ones
    return x.grad.asnumpy().tolist()


# --- item 2: which graphs get MXNet's rules -----------------------------------------------------


def _plain_after(n_nodes):
    def build():
        burn = torch.ones(1, requires_grad=True)
        for _ in range(n_nodes):  # numbers this thread's nodes past thread B's ranges
            burn = burn * 1
        return _plain_torch_program()

    return build


@pytest.mark.mxnet
def test_plain_graph_from_another_thread_stays_torch():
    def program(mx):
        graph = _in_thread(_plain_after(1000))

        def thread_b():
            mx_grad = _record_many(mx)
            return mx_grad, _run_plain(*graph)

        return _in_thread(thread_b)

    mx_grad, plain = run_both(program)
    assert mx_grad == [2.0, 4.0, 6.0]
    assert plain == PLAIN_WANT


@pytest.mark.mxnet
def test_plain_graph_from_another_thread_numbered_inside_a_recorded_range():
    def program(mx):
        # A fresh thread numbers its nodes from 0, so B's recorded range covers A's plain graph.
        graph = _in_thread(_plain_torch_program)

        def thread_b():
            mx_grad = _record_many(mx)
            return mx_grad, _run_plain(*graph)

        return _in_thread(thread_b)

    _, plain = run_both(program)
    assert plain == PLAIN_WANT


def test_the_cross_thread_cases_fall_inside_or_outside_as_intended():
    # The two tests above only mean something if the numbers fall inside / outside B's ranges;
    # by the thread that made them, neither head is B's recorded head.
    shim = namespace("mxnet", "torch")
    inside = _in_thread(_plain_torch_program)
    outside = _in_thread(_plain_after(1000))

    def thread_b():
        _record_many(shim)
        st = recording.state
        numbered = [recording.recorded(st, t[1].grad_fn._sequence_nr()) for t in (inside, outside)]
        heads = [shim.autograd.is_recorded_head(t[1]) for t in (inside, outside)]
        return numbered, heads

    numbered, heads = _in_thread(thread_b)
    assert numbered == [True, False]
    assert heads == [False, False]
    assert node_provenance.available()


def _x123(mx):
    x = mx.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()
    return x


@pytest.mark.mxnet
def test_head_from_another_thread_outside_record_numbered_inside_a_recorded_range():
    # Thread A computes from a variable outside record(); thread B, whose recorded range covers
    # A's numbers, backpropagates it: MXNet says "not in a computational graph" for both heads.
    def program(mx):
        x = _x123(mx)
        heads = _in_thread(lambda: (x * x, (x * 2).sum()))

        def thread_b():
            _record_many(mx)
            out = []
            for h in heads:
                try:
                    h.backward()
                    out.append("ok")
                except mx.base.MXNetError as exc:
                    out.append("not in a computational graph" in str(exc))
            return out

        return _in_thread(thread_b)

    assert run_both(program) == [True, True]


@pytest.mark.mxnet
def test_value_from_another_thread_outside_record_is_a_constant_inside_record():
    # z = 2x computed in thread A outside record() is a constant to MXNet: recorded again in
    # thread B (whose range covers z's number), y = z * x differentiates to z, not to 4x.
    def program(mx):
        x = _x123(mx)
        z = _in_thread(lambda: x * 2)

        def thread_b():
            _record_many(mx)
            with mx.autograd.record():
                y = z * x
            y.backward()
            return x.grad

        return _in_thread(thread_b)

    assert run_both(program).numpy().tolist() == [2.0, 4.0, 6.0]


@pytest.mark.mxnet
def test_own_constant_numbered_inside_another_threads_range_is_cut_silently():
    # This thread's own value computed outside record() is a constant; that another thread's
    # recorded range holds its number must not make backward refuse (numbers alone did).
    def program(mx):
        _in_thread(lambda: _record_many(mx))  # a closed range over low numbers, in thread B

        def thread_c():
            x = _x123(mx)
            c = x * 2  # a fresh thread numbers from 0: inside B's range
            with mx.autograd.record():
                y = c * x
            y.backward()
            return x.grad

        return _in_thread(thread_c)

    assert run_both(program).numpy().tolist() == [2.0, 4.0, 6.0]


def test_head_recorded_in_another_thread_is_a_clear_error():
    # Real MXNet backpropagates it (the graph hangs off the arrays); the shim reads recorded
    # ranges per thread, so it refuses with a hint rather than guess (docs/design.md, limits).
    shim = namespace("mxnet", "torch")
    x = shim.nd.array([1.0, 2.0, 3.0])
    x.attach_grad()

    def record():
        with shim.autograd.record():
            return x * x, (x * x).sum()

    y, s = _in_thread(record)
    for head in (y, s):
        with pytest.raises(shim.base.MXNetError, match="another thread"):
            _in_thread(head.backward)
        with pytest.raises(shim.base.MXNetError, match="another thread"):
            _in_thread(lambda h=head: shim.autograd.grad(h, [x]))
    assert x.grad.numpy().tolist() == [0.0, 0.0, 0.0]


def test_mxnet_head_recorded_in_this_thread_while_others_record():
    # Eight threads each record and backpropagate their own graph while the others record.
    shim = namespace("mxnet", "torch")
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        return [_record_many(shim, 50) for _ in range(5)]

    threads, results = [], []
    for _ in range(4):
        t = threading.Thread(target=lambda: results.append(worker()))
        threads.append(t)
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == [[[2.0, 4.0, 6.0]] * 5] * 4


# --- item 4: the derivative of a derivative that does not depend on x -------------------------

# MXNet returns zeros for these (their backward reads the input or output, so the gradient stays
# connected to x) ...
ZEROS = {
    "radians": lambda mx, x: mx.nd.radians(x),
    "clip": lambda mx, x: mx.nd.clip(x, -0.1, 0.4),
    "floor": lambda mx, x: mx.nd.floor(x),
    "ceil": lambda mx, x: mx.nd.ceil(x),
    "round": lambda mx, x: mx.nd.round(x),
    "trunc": lambda mx, x: mx.nd.trunc(x),
    "relu": lambda mx, x: mx.nd.relu(x),
    "abs": lambda mx, x: mx.nd.abs(x),
    "Dropout": lambda mx, x: mx.nd.Dropout(x),
    "square": lambda mx, x: mx.nd.square(x),  # its 2nd derivative is 2; the 3rd is zeros
}
# ... and refuses for these, whose backward reads only the head gradient.
REFUSED = {
    "2*x": lambda mx, x: 2 * x,
    "x+1": lambda mx, x: x + 1,
    "-x": lambda mx, x: -x,
    "x/2": lambda mx, x: x / 2,
    "copy": lambda mx, x: x.copy(),
    "sum": lambda mx, x: x.sum(),
    "mean": lambda mx, x: x.mean(),
    "reshape": lambda mx, x: x.reshape((3, 1)),
}


def _nth_derivative(expr, order, final):
    def program(mx):
        ag = mx.autograd
        x = mx.nd.array([0.5, 0.3, -0.2])
        x.attach_grad()
        with ag.record():
            y = expr(mx, x)
            for _ in range(order - 1):
                y = ag.grad(y, [x], create_graph=True, retain_graph=True)[0]
        if final == "backward":
            y.backward()
            return x.grad
        return ag.grad(y, [x])[0]

    return program


@pytest.mark.mxnet
@pytest.mark.parametrize("final", ["backward", "grad"])
@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("name", sorted(ZEROS))
def test_constant_derivative_is_zeros_where_mxnet_says_so(name, order, final):
    got = run_both(_nth_derivative(ZEROS[name], order, final))
    if name != "square" or order == 3:
        assert got.numpy().tolist() == [0.0, 0.0, 0.0]


@pytest.mark.mxnet
@pytest.mark.parametrize("final", ["backward", "grad"])
@pytest.mark.parametrize("order", [2, 3])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_constant_derivative_refused_where_mxnet_refuses(name, order, final):
    got = run_both(_nth_derivative(REFUSED[name], order, final))
    # MXNet's own messages: "no inputs ... require gradients" / "... unreachable ..."
    assert isinstance(got, RuntimeError)
    assert "no inputs" in str(got) or "unreachable" in str(got)


def test_constant_derivative_beyond_mxnet_is_zeros():
    # MXNet has no second derivative of x*x (no FGradient); the dialect gives 2, then zeros.
    shim = namespace("mxnet", "torch")
    got = _nth_derivative(lambda mx, x: x * x, 3, "grad")(shim)
    assert got.numpy().tolist() == [0.0, 0.0, 0.0]


# --- item 7: in-place updates outside record(), Function.backward, astype ----------------------


@pytest.mark.mxnet
@pytest.mark.parametrize("update", ["+=", "[:]", "*="])
@pytest.mark.parametrize("head", ["y", "z"])
def test_np_inplace_outside_record_on_a_recorded_result(update, head):
    def program(mx):
        x = mx.np.array([1.0, 2.0, 3.0])
        x.attach_grad()
        with mx.autograd.record():
            y = x * 2
            z = y * y
        if update == "+=":
            y += 1
        elif update == "[:]":
            y[:] = 5
        else:
            y *= 3
        (y if head == "y" else z).backward()  # MXNet: same graph, the new values
        return x.grad, y

    run_both(program)


@pytest.mark.mxnet
def test_nd_inplace_outside_record_on_a_recorded_result():
    def program(mx):
        x = mx.nd.array([1.0, 2.0, 3.0])
        x.attach_grad()
        with mx.autograd.record():
            y = x * 2
            z = y * y
        y += 1
        z.backward()
        return x.grad, y

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("train_mode", [True, False])
@pytest.mark.parametrize("api", ["method", "function"])
def test_is_training_inside_function_backward(train_mode, api):
    def program(mx):
        ag = mx.autograd
        seen = []

        class Double(ag.Function):
            def forward(self, x):
                seen.append(("forward", ag.is_recording(), ag.is_training()))
                return x * 2

            def backward(self, dy):
                seen.append(("backward", ag.is_recording(), ag.is_training()))
                return dy * 2

        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with ag.record():
            y = Double()(x)
        if api == "method":
            y.backward(train_mode=train_mode)
        else:
            ag.backward([y], train_mode=train_mode)
        grad = x.grad.asnumpy()  # waits: real MXNet runs Function.backward asynchronously
        return seen, grad

    seen, _ = run_both(program)
    assert seen[1] == ("backward", False, train_mode)


@pytest.mark.mxnet
@pytest.mark.parametrize(
    "expr",
    [
        "x.astype('int32').astype('float32') * x",
        "x.astype('int32').astype('float32')",
        "x.astype('int64').astype('float64') * 2",
        "x.astype('float64') * x.astype('float64')",
    ],
)
def test_astype_through_integers_differentiates_as_mxnet(expr):
    def program(mx):
        x = mx.nd.array([1.5, 2.5, -3.7, 0.2])
        x.attach_grad()
        with mx.autograd.record():
            y = eval(expr)  # noqa: S307 - fixed test expressions
        y.backward()
        return x.grad, y

    run_both(program)


def test_astype_to_int_gradient_is_truncated_to_the_integer_type():
    # MXNet carries the gradient back through the integer array in its dtype: 1.5 -> 1.
    shim = namespace("mxnet", "torch")
    x = shim.nd.array([1.5, 2.5, -3.7])
    x.attach_grad()
    with shim.autograd.record():
        y = x.astype("int32").astype("float32") * x
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0, -6.0])
