"""MXNet-style autograd on torch, side by side with real MXNet 1.9.1 (the oracle).

Each test is one MXNet program text, run by ``run_both`` on real MXNet and on the adapter.
"""

from __future__ import annotations

import threading

import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet


# --- grad_req: write / add / null over repeated backwards ----------------------------------


@pytest.mark.parametrize("req", ["write", "add"])
def test_grad_req_over_three_backwards(req):
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad(grad_req=req)
        seen = [x.grad.copy()]
        for _ in range(3):
            with mx.autograd.record():
                y = (x * x).sum()
            y.backward()
            seen.append(x.grad.copy())
        return seen

    run_both(program)


def test_null_req_with_another_variable():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad(grad_req="null")
        w = mx.nd.array([1, 1, 1])
        w.attach_grad()
        with mx.autograd.record():
            y = (x * w).sum()
        y.backward(retain_graph=True)
        kept = x.grad.copy()
        y.backward()
        return kept, x.grad, w.grad

    run_both(program)


def test_null_req_only_variable_raises():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad(grad_req="null")
        with mx.autograd.record():
            y = (x * x).sum()
        y.backward()

    run_both(program)


def test_write_leaves_unreached_variables_stale():
    def program(mx):
        a = mx.nd.array([1, 2])
        b = mx.nd.array([3, 4])
        a.attach_grad()
        b.attach_grad()
        with mx.autograd.record():
            y = (a * a).sum()
        y.backward()
        with mx.autograd.record():
            z = (b * 3).sum()
        z.backward()
        return a.grad, b.grad

    run_both(program)


def test_zeros_after_attach_and_reattach_resets():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        first = x.grad.copy()
        with mx.autograd.record():
            y = (x * 5).sum()
        y.backward()
        after = x.grad.copy()
        x.attach_grad()
        return first, after, x.grad

    run_both(program)


def test_grad_buffer_alias_sees_updates():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        g = x.grad
        with mx.autograd.record():
            y = (x * x).sum()
        y.backward()
        x.grad[:] = 5
        return g

    run_both(program)


# --- heads --------------------------------------------------------------------------------


def test_non_scalar_head_implicit_ones():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            y = x * x
        y.backward()
        return x.grad

    run_both(program)


def test_explicit_out_grad():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            y = x * x
        y.backward(mx.nd.array([1, 10, 100]))
        first = x.grad.copy()
        with mx.autograd.record():
            y = x * x
        mx.autograd.backward([y], head_grads=[mx.nd.array([1, 10, 100])])
        return first, x.grad

    run_both(program)


def test_multiple_heads_with_none_head_grad():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            y1 = x * x
            y2 = x * 3
        mx.autograd.backward([y1, y2])
        both = x.grad.copy()
        with mx.autograd.record():
            y1 = x * x
            y2 = x * 3
        mx.autograd.backward([y1, y2], [None, mx.nd.array([2, 2, 2])])
        return both, x.grad

    run_both(program)


def test_head_grads_length_mismatch():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            y = x * x
        mx.autograd.backward([y, y], [None])

    run_both(program)


def test_leaf_head_backward_gives_ones():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        x.backward()
        return x.grad

    run_both(program)


# --- retain_graph and unrecorded heads -----------------------------------------------------


@pytest.mark.parametrize("req", ["write", "add"])
def test_retain_graph_second_backward(req):
    def program(mx):
        x = mx.nd.array([1, 2])
        x.attach_grad(grad_req=req)
        with mx.autograd.record():
            y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    run_both(program)


@pytest.mark.parametrize(
    "expr",
    [lambda x: (x * x).sum(), lambda x: (x * 2).sum(), lambda x: (x + 1).sum(), lambda x: x.sum()],
)
def test_backward_twice_without_retain_fails(expr):
    def program(mx):
        x = mx.nd.array([1, 2])
        x.attach_grad()
        with mx.autograd.record():
            y = expr(x)
        y.backward()
        y.backward()

    run_both(program)


def test_backward_of_head_computed_outside_record_fails():
    def program(mx):
        x = mx.nd.array([1, 2])
        x.attach_grad()
        y = (x * x).sum()
        y.backward()

    run_both(program)


def test_backward_of_unrecorded_constant_fails():
    def program(mx):
        b = mx.nd.array([1, 2])
        with mx.autograd.record():
            c = b * 2
        mx.autograd.backward(c)

    run_both(program)


def test_attach_after_ops_fails():
    def program(mx):
        x = mx.nd.array([1, 2])
        with mx.autograd.record():
            y = x * 2
        x.attach_grad()
        mx.autograd.backward(y)

    run_both(program)


def test_method_backward_of_array_outside_any_graph_is_mxnets_error():
    # An nd array is an NDArray, never a plain torch tensor: its backward is MXNet's, also for a
    # head that never entered a graph (MXNet's "not in a computational graph" MXNetError).
    def program(mx):
        b = mx.nd.array([1, 2])
        with mx.autograd.record():
            c = b * 2
        c.backward()

    run_both(program)


# --- outside-record values are constants ---------------------------------------------------


def test_values_computed_outside_record_are_constants():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        y = x * 2
        with mx.autograd.record():
            z = (y * x).sum()
        z.backward()
        return x.grad

    run_both(program)


def test_paused_values_are_constants():
    def program(mx):
        x = mx.nd.array([1.0, 2.0, 3.0])
        x.attach_grad()
        with mx.autograd.record():
            a = x * x
            with mx.autograd.pause():
                b = a * 3
            c = (a * b).sum()
        c.backward()
        return x.grad

    run_both(program)


# --- grad vs backward ----------------------------------------------------------------------


def test_grad_returns_list_and_leaves_grad_alone():
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            y = (x * x).sum()
        g = mx.autograd.grad(y, x)
        return isinstance(g, list), len(g), g[0], x.grad

    run_both(program)


def test_grad_multiple_variables_and_head_grads():
    def program(mx):
        a = mx.nd.array([1.0, 2.0])
        b = mx.nd.array([3.0, 4.0])
        a.attach_grad()
        b.attach_grad()
        with mx.autograd.record():
            y = a * b
        return mx.autograd.grad([y], [a, b], head_grads=[mx.nd.array([1.0, 2.0])])

    run_both(program)


def test_grad_wrt_non_variable_fails():
    def program(mx):
        x = mx.nd.array([1, 2])
        x.attach_grad()
        c = mx.nd.array([1, 2])
        with mx.autograd.record():
            y = (x * c).sum()
        mx.autograd.grad(y, [x, c])

    run_both(program)


def test_grad_wrt_unreachable_variable_fails():
    def program(mx):
        x = mx.nd.array([1, 2])
        w = mx.nd.array([1, 2])
        x.attach_grad()
        w.attach_grad()
        with mx.autograd.record():
            y = (x * x).sum()
        mx.autograd.grad(y, [x, w])

    run_both(program)


def test_grad_empty_variables_fails():
    def program(mx):
        x = mx.nd.array([1, 2])
        x.attach_grad()
        with mx.autograd.record():
            y = (x * x).sum()
        mx.autograd.grad(y, [])

    run_both(program)


# --- scopes --------------------------------------------------------------------------------


def test_scope_states_and_nesting():
    def program(mx):
        ag = mx.autograd
        seen = [(ag.is_recording(), ag.is_training())]
        with ag.record():
            seen.append((ag.is_recording(), ag.is_training()))
            with ag.record():
                seen.append((ag.is_recording(), ag.is_training()))
            seen.append((ag.is_recording(), ag.is_training()))
            with ag.pause():
                seen.append((ag.is_recording(), ag.is_training()))
                with ag.train_mode():
                    seen.append((ag.is_recording(), ag.is_training()))
            with ag.predict_mode():
                seen.append((ag.is_recording(), ag.is_training()))
            with ag.pause(train_mode=True):
                seen.append((ag.is_recording(), ag.is_training()))
        with ag.record(train_mode=False):
            seen.append((ag.is_recording(), ag.is_training()))
        with ag.train_mode():
            seen.append((ag.is_recording(), ag.is_training()))
        seen.append((ag.is_recording(), ag.is_training()))
        return [list(s) for s in seen]

    run_both(program)


def test_set_functions_return_previous_value():
    def program(mx):
        ag = mx.autograd
        out = [ag.set_recording(True), ag.set_recording(True), ag.set_recording(False)]
        out += [ag.set_training(True), ag.set_training(True), ag.set_training(False)]
        return out

    run_both(program)


def test_set_recording_without_scope_records():
    def program(mx):
        ag = mx.autograd
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        ag.set_recording(True)
        try:
            y = (x * x).sum()
        finally:
            ag.set_recording(False)
        y.backward()
        return x.grad, ag.is_recording()

    run_both(program)


def test_exception_inside_record_restores_state():
    def program(mx):
        ag = mx.autograd
        try:
            with ag.record():
                raise KeyError("boom")
        except KeyError:
            pass
        return ag.is_recording(), ag.is_training()

    run_both(program)


def test_backward_inside_record_and_pause():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = (x * x).sum()
            y.backward()
        inside = x.grad.copy()
        with mx.autograd.record():
            y = (x * 3).sum()
        with mx.autograd.pause():
            y.backward()
        return inside, x.grad

    run_both(program)


def test_scope_state_is_thread_local():
    def program(mx):
        seen = []

        def worker():
            seen.append((mx.autograd.is_recording(), mx.autograd.is_training()))

        with mx.autograd.record():
            t = threading.Thread(target=worker)
            t.start()
            t.join()
        return list(seen[0])

    run_both(program)


def test_threads_train_independently():
    def program(mx):
        results = {}

        def loop(k):
            w = mx.nd.array([1.0, 2.0, 3.0]) * (k + 1)
            w.attach_grad()
            for _ in range(5):
                with mx.autograd.record():
                    loss = ((w * w) - k).sum()
                loss.backward()
                with mx.autograd.pause():
                    pass
                w[:] = w - 0.1 * w.grad
            results[k] = w.asnumpy()

        threads = [threading.Thread(target=loop, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [results[k] for k in range(4)]

    run_both(program)


# --- copy / detach inside record -----------------------------------------------------------


@pytest.mark.parametrize("how", ["copy", "copyto_ctx", "as_in_context", "slice", "detach"])
def test_copy_like_ops_inside_record(how):
    def program(mx):
        x = mx.nd.array([1, 2, 3])
        x.attach_grad()
        with mx.autograd.record():
            if how == "copy":
                f = x.copy()
            elif how == "copyto_ctx":
                f = x.copyto(mx.cpu())
            elif how == "as_in_context":
                f = x.as_in_context(mx.cpu())
            elif how == "slice":
                f = x[:]
            else:
                f = x.detach() * 1 + x
            y = (f * f).sum()
        y.backward()
        return x.grad

    run_both(program)


def test_copy_outside_record_is_independent():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        c = x.copy()
        c[:] = 7
        return x, c, c.grad

    run_both(program)


def test_attach_grad_on_intermediate_cuts_history():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            h = x * 2
            h.attach_grad()
            y = (h * h).sum()
        y.backward()
        return h.grad, x.grad

    run_both(program)


# --- mark_variables ------------------------------------------------------------------------


def test_mark_variables_uses_callers_buffers():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        buf = mx.nd.zeros(2)
        mx.autograd.mark_variables([x], [buf], grad_reqs="add")
        for _ in range(2):
            with mx.autograd.record():
                y = (x * x).sum()
            y.backward()
        return buf, x.grad

    run_both(program)


def test_mark_variables_single_array_with_list_fails():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        mx.autograd.mark_variables(x, [mx.nd.zeros(2)])

    run_both(program)


def test_bad_grad_req_is_key_error():
    def program(mx):
        mx.nd.array([1.0]).attach_grad(grad_req="foo")

    err = run_both(program)
    assert isinstance(err, KeyError) and isinstance(err, ValueError)
    assert "write" in str(err) and "foo" in str(err)


# --- Function ------------------------------------------------------------------------------


def _sigmoid_function(mx):
    class Sigmoid(mx.autograd.Function):
        def forward(self, x):
            y = 1 / (1 + mx.nd.exp(-x))
            self.save_for_backward(y)
            return y

        def backward(self, dy):
            (y,) = self.saved_tensors
            return dy * y * (1 - y)

    return Sigmoid


def test_function_forward_backward():
    def program(mx):
        Sigmoid = _sigmoid_function(mx)
        x = mx.nd.array([-1.0, 0.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = Sigmoid()(x)
            z = (y * 3).sum()
        z.backward()
        return y, x.grad

    run_both(program)


def test_function_multiple_outputs_through_grad():
    def program(mx):
        class Split(mx.autograd.Function):
            def forward(self, a, b):
                return a * b, a + b

            def backward(self, dm, dn):
                return dm + dn, dm + dn

        a = mx.nd.array([1.0, 2.0])
        b = mx.nd.array([3.0, 4.0])
        a.attach_grad()
        b.attach_grad()
        with mx.autograd.record():
            m, n = Split()(a, b)
        return mx.autograd.grad([m, n], [a, b])

    run_both(program)


def test_function_instance_used_twice_fails():
    def program(mx):
        f = _sigmoid_function(mx)()
        x = mx.nd.array([1.0])
        x.attach_grad()
        with mx.autograd.record():
            f(x)
            f(x)

    run_both(program)


def test_function_outside_record_just_computes():
    def program(mx):
        x = mx.nd.array([0.0])
        return _sigmoid_function(mx)()(x)

    run_both(program)


# --- the in-place update idiom -------------------------------------------------------------


def test_sgd_update_outside_record():
    def program(mx):
        w = mx.nd.array([[0.5, -0.2], [0.1, 0.3]])
        b = mx.nd.zeros(2)
        w.attach_grad()
        b.attach_grad()
        X = mx.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        Y = mx.nd.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
        losses = []
        for _ in range(4):
            with mx.autograd.record():
                loss = ((mx.nd.dot(X, w) + b - Y) ** 2 / 2).sum()
            loss.backward()
            for p in (w, b):
                p[:] = p - 0.01 * p.grad / 3
            losses.append(loss.asscalar())
        return w, b, losses

    run_both(program)


def test_assign_into_variable_inside_record_fails():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            x[:] = 1

    run_both(program)


# --- array methods -------------------------------------------------------------------------


def test_array_methods():
    def program(mx):
        x = mx.nd.array([[3.0]])
        s = mx.nd.array([2.5])
        return (
            x.asnumpy(),
            s.asscalar(),
            x.copyto(mx.cpu()),
            x.as_in_context(mx.cpu()) is x,
            x.context == mx.cpu(),
        )

    run_both(program)


def test_asscalar_of_non_scalar_fails():
    def program(mx):
        mx.nd.array([1.0, 2.0]).asscalar()

    run_both(program)


def test_nd_creation_defaults_are_float32():
    def program(mx):
        import numpy as np

        return [
            mx.nd.array([1, 2]).asnumpy().dtype == np.float32,
            mx.nd.array(np.arange(3)).asnumpy().dtype == np.float32,
            mx.nd.zeros((2, 3)).shape,
            mx.nd.arange(4).asnumpy().dtype == np.float32,
            mx.nd.full((2,), 7),
            mx.nd.ones_like(mx.nd.zeros(3)),
        ]

    run_both(program)


@pytest.mark.parametrize("op", ["exp", "log", "sin", "cos", "tanh", "sigmoid", "relu", "sqrt"])
def test_nd_unary_op_gradients(op):
    def program(mx):
        x = mx.nd.array([0.5, 1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, op)(x)
        y.backward()
        return y, x.grad

    run_both(program)


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
@pytest.mark.parametrize("op", ["sum", "mean"])
def test_nd_reductions(op, axis):
    def program(mx):
        x = mx.nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        x.attach_grad()
        with mx.autograd.record():
            y = getattr(mx.nd, op)(x, axis=axis) * 2
        y.backward()
        return y, x.grad

    run_both(program)


def test_nd_dot_shapes():
    def program(mx):
        a = mx.nd.array([[1.0, 2.0], [3.0, 4.0]])
        v = mx.nd.array([1.0, -1.0])
        a.attach_grad()
        with mx.autograd.record():
            y = mx.nd.dot(a, v) + mx.nd.dot(a, a, transpose_b=True).sum()
        y.backward()
        return y, a.grad

    run_both(program)


def test_astype_inside_record_is_differentiable():
    def program(mx):
        x = mx.nd.array([1.0, 2.0])
        x.attach_grad()
        with mx.autograd.record():
            y = (x.astype("float64") * x.astype("float64")).sum()
        y.backward()
        return x.grad, x.astype("int32")

    run_both(program)
