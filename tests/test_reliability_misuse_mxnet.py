"""Bad input, MXNet dialect: every misuse in SEMANTICS.md, and wrong argument types.

Table-driven. For each case the MXNet dialect on torch must raise an instance of the class real
MXNet 1.9.1 raises (``assert_equivalent`` runs both; MXNet's ``MXNetError`` and ours count as
one class), with a message that names the problem, and without an internal traceback (no chained
exception from our internals shown under it). Where real MXNet silently computes garbage, the
dialect must raise the clear error in the table instead (checked on the dialect only).
"""

from __future__ import annotations

import numpy as np
import pytest
from misuse import check_message, params, record_figures
from reliability_report import record

import autograd_compat
from autograd_compat import namespace
from autograd_compat.testing import assert_equivalent

pytestmark = pytest.mark.mxnet

SEEN: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    tables = [
        ("misuse cases (SEMANTICS.md)", CASES, CASES_XFAIL),
        ("wrong-argument-type cases", TYPES, TYPES_XFAIL),
        ("garbage-in cases refused clearly", GARBAGE, {}),
    ]
    record_figures("MXNet dialect", SEEN, tables)


def _var(ns, values=(1.0, 2.0, 3.0), req="write"):
    x = ns.nd.array(list(values))
    x.attach_grad(grad_req=req)
    return x


def _rec(ns, f, *args):
    with ns.autograd.record():
        return f(*args)


def backward_outside_record(ns):
    x = _var(ns)
    y = x * 2
    ns.autograd.backward(y)


def backward_method_outside_record(ns):
    x = _var(ns)
    (x * 2).backward()


def backward_head_without_variable(ns):
    z = ns.nd.array([1.0, 2.0])
    ns.autograd.backward(_rec(ns, lambda: z * 2))


def backward_twice(ns):
    x = _var(ns)
    y = _rec(ns, lambda: x * x)
    y.backward()
    y.backward()


def grad_wrt_unattached(ns):
    x = _var(ns)
    z = ns.nd.array([1.0, 2.0, 3.0])
    y = _rec(ns, lambda: x * z)
    ns.autograd.grad(y, [x, z])


def grad_wrt_null(ns):
    x = _var(ns)
    n = _var(ns, req="null")
    y = _rec(ns, lambda: x * n)
    ns.autograd.grad(y, [x, n])


def grad_wrt_unreachable(ns):
    x, w = _var(ns), _var(ns)
    y = _rec(ns, lambda: x * 2)
    ns.autograd.grad(y, [x, w])


def backward_only_null(ns):
    n = _var(ns, req="null")
    _rec(ns, lambda: n * 2).backward()


def inplace_on_recorded(ns):
    x = _var(ns)
    with ns.autograd.record():
        z = x * 2
        z += 1


def _inplace_on_recorded_np(ns):
    x = ns.np.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with ns.autograd.record():
        z = x * 2
        z += 1
    z.backward()
    return x.grad.asnumpy()


def inplace_on_variable_in_record(ns):
    x = _var(ns)
    with ns.autograd.record():
        x += 1


def setitem_on_variable_in_record(ns):
    x = _var(ns)
    with ns.autograd.record():
        x[:] = 1


def bad_grad_req(ns):
    ns.nd.array([1.0]).attach_grad(grad_req="foo")


def out_grad_numpy(ns):
    x = _var(ns)
    _rec(ns, lambda: x * 2).backward(np.ones(3, dtype=np.float32))


def head_grads_length(ns):
    x = _var(ns)
    y = _rec(ns, lambda: x * 2)
    ns.autograd.backward([y], head_grads=[None, None])


def mark_variables_single_with_list(ns):
    ns.autograd.mark_variables(ns.nd.array([1.0, 2.0]), [ns.nd.zeros((2,))])


def mark_variables_shape_mismatch(ns):
    x = ns.nd.array([1.0, 2.0])
    ns.autograd.mark_variables([x], [ns.nd.zeros((3,))])
    _rec(ns, lambda: x * 2).backward()
    x.grad.asnumpy()


def grad_empty_variables(ns):
    x = _var(ns)
    ns.autograd.grad(_rec(ns, lambda: x * 2), [])


def function_reused(ns):
    class Sq(ns.autograd.Function):
        def forward(self, x):
            return x * x

        def backward(self, dy):
            return dy

    f, x = Sq(), _var(ns)
    with ns.autograd.record():
        f(x)
        f(x)


def attach_after_ops(ns):
    x = ns.nd.array([1.0, 2.0])
    y = _rec(ns, lambda: x * 2)
    x.attach_grad()
    # The function: y.backward() on an array that never entered a graph is plain torch's
    # (documented divergence, test_documented_divergences).
    ns.autograd.backward(y)


def asscalar_not_scalar(ns):
    ns.nd.array([1.0, 2.0]).asscalar()


def out_grad_wrong_dtype(ns):
    x = _var(ns)
    _rec(ns, lambda: x * 2).backward(ns.nd.array([1.0, 1.0, 1.0], dtype="float64"))
    x.grad.asnumpy()  # MXNet raises here (asynchronously)


def np_attach_grad_stype(ns):
    x = ns.np.array([1.0, 2.0])
    x.attach_grad(stype="row_sparse")


def np_asscalar(ns):
    ns.np.array([1.0]).asscalar()


# id -> (program, pattern the dialect's message must contain)
CASES = {
    "backward outside record": (backward_outside_record, "computational graph"),
    "x.backward() outside record": (backward_method_outside_record, "computational graph"),
    "backward on a head depending on no variable": (
        backward_head_without_variable,
        "computational graph",
    ),
    "backward twice without retain_graph": (backward_twice, "retain_graph"),
    "grad w.r.t. an array without attach_grad": (grad_wrt_unattached, "require gradient"),
    "grad w.r.t. a grad_req='null' variable": (grad_wrt_null, "require gradient"),
    "grad w.r.t. an unreachable variable": (grad_wrt_unreachable, "unreachable"),
    "backward with only grad_req='null' variables": (backward_only_null, "require gradient"),
    "x += 1 on a variable inside record": (inplace_on_variable_in_record, "in.?place|Assigning"),
    "y += 1 on a recorded array inside record": (inplace_on_recorded, "in.?place|Assigning"),
    "y += 1 on a recorded np array inside record": (_inplace_on_recorded_np, "in.?place|Assign"),
    "x[:] = 1 on a variable inside record": (setitem_on_variable_in_record, "in.?place|Assigning"),
    "bad grad_req string": (bad_grad_req, "foo"),
    "out_grad given as a numpy array": (out_grad_numpy, "nd.array|handle"),
    "head_grads of another length": (head_grads_length, "same length"),
    "mark_variables: one array with a list of buffers": (mark_variables_single_with_list, ""),
    "mark_variables: buffer of another shape": (mark_variables_shape_mismatch, "shape"),
    "grad with an empty variable list": (grad_empty_variables, "empty"),
    "a Function instance called twice": (function_reused, "once"),
    "attach_grad after the ops were recorded": (attach_after_ops, "computational graph"),
    "asscalar on a non-scalar": (asscalar_not_scalar, "scalar"),
    "out_grad of another dtype": (out_grad_wrong_dtype, "dtype|type"),
    "np: attach_grad(stype=...)": (np_attach_grad_stype, "stype"),
    "np: asscalar": (np_asscalar, "asscalar"),
}


def modify_saved_input(ns):
    x = _var(ns)
    y = _rec(ns, lambda: x * x)
    x[:] = 0
    y.backward()


def out_grad_wrong_shape(ns):
    x = _var(ns)
    _rec(ns, lambda: x * 2).backward(ns.nd.array([1.0, 2.0]))


def function_wrong_number_of_grads(ns):
    class Bad(ns.autograd.Function):
        def forward(self, x):
            return x * 2

        def backward(self, dy):
            return dy, dy

    x = _var(ns)
    _rec(ns, lambda: Bad()(x)).backward()
    x.grad.asnumpy()


# Real MXNet computes garbage (or crashes inside its own error message): the dialect refuses.
GARBAGE = {
    "input modified in place before backward (MXNet: silently uses new values)": (
        modify_saved_input,
        "in place",
    ),
    "out_grad of another shape (MXNet: reads garbage memory)": (out_grad_wrong_shape, "shape"),
    "Function.backward returning too many gradients (MXNet: AttributeError in its message)": (
        function_wrong_number_of_grads,
        "gradients",
    ),
}


def _dialect_error(program):
    ns = namespace("mxnet", "torch")
    try:
        program(ns)
    except Exception as exc:  # noqa: BLE001 - inspected below
        return exc
    finally:
        ns.autograd.set_recording(False)
        ns.autograd.set_training(False)
    raise AssertionError("the MXNet dialect on torch raised nothing")


CASES_XFAIL = {}


@pytest.mark.parametrize("case", params(CASES, CASES_XFAIL))
def test_misuse_matches_real_mxnet(case):
    program, pattern = CASES[case]
    assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"))
    exc = _dialect_error(program)
    check_message(exc, pattern, case)
    SEEN.add(case)


@pytest.mark.parametrize("case", list(GARBAGE))
def test_garbage_in_is_refused(case):
    program, pattern = GARBAGE[case]
    exc = _dialect_error(program)
    assert isinstance(exc, RuntimeError), f"{case}: {exc!r}"  # MXNetError is a RuntimeError
    assert type(exc).__name__ == "MXNetError"
    check_message(exc, pattern, case)
    SEEN.add(case)


def _method_backward_never_in_graph(ns):
    x = ns.nd.array([1.0, 2.0])
    y = _rec(ns, lambda: x * 2)
    x.attach_grad()
    y.backward()


# Documented divergences (docs/design.md): the dialect's behaviour, as documented.
def test_documented_divergences(mx):
    ns = namespace("mxnet", "torch")
    # y.backward() (the method) on an array that never entered a graph: torch's RuntimeError,
    # MXNetError's base class.
    with pytest.raises(mx.base.MXNetError):
        _method_backward_never_in_graph(mx)
    with pytest.raises(RuntimeError):
        _method_backward_never_in_graph(ns)
    record("misuse", "MXNet dialect: documented divergences checked", 1)


def _record_bad_train_mode(ns):
    with ns.autograd.record(train_mode="no"):
        pass


def _pause_bad_train_mode(ns):
    with ns.autograd.pause(train_mode=[]):
        pass


def _set_recording_str(ns):
    ns.autograd.set_recording("x")


def _attach_grad_int(ns):
    ns.nd.array([1.0]).attach_grad(grad_req=3)


def _grad_variables_int(ns):
    x = _var(ns)
    ns.autograd.grad(_rec(ns, lambda: x * 2), 3)


def _backward_heads_int(ns):
    ns.autograd.backward(3)


def _backward_retain_graph_str(ns):
    x = _var(ns)
    _rec(ns, lambda: x * 2).backward(retain_graph="yes")


def _array_of_str(ns):
    ns.nd.array("abc")


def _out_grad_list(ns):
    x = _var(ns)
    _rec(ns, lambda: x * 2).backward(out_grad=[1.0, 1.0, 1.0])


TYPES = {
    "record(train_mode='no')": (_record_bad_train_mode, "train_mode|integer"),
    "pause(train_mode=[])": (_pause_bad_train_mode, "train_mode|integer"),
    "set_recording('x')": (_set_recording_str, "recording|integer"),
    "attach_grad(grad_req=3)": (_attach_grad_int, "grad_req|3"),
    "grad(heads, variables=3)": (_grad_variables_int, "variables|len"),
    "backward(heads=3)": (_backward_heads_int, "heads|len"),
    "backward(out_grad=[...])": (_out_grad_list, "head gradient|handle"),
    "nd.array('abc')": (_array_of_str, "array|type"),
    "y.backward(retain_graph='yes')": (_backward_retain_graph_str, "retain_graph|integer"),
}
TYPES_XFAIL = {}


@pytest.mark.parametrize("case", params(TYPES, TYPES_XFAIL))
def test_wrong_argument_types(case):
    program, pattern = TYPES[case]
    assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"))
    check_message(_dialect_error(program), pattern, case)
    SEEN.add(case)


@pytest.mark.parametrize(
    "call,exc_type",
    [
        (lambda: autograd_compat.namespace("jax"), ValueError),
        (lambda: autograd_compat.namespace("mxnet", "jax"), ValueError),
        (lambda: autograd_compat.namespace(3), TypeError),
        (lambda: autograd_compat.set_backend("tensorflow"), ValueError),
        (lambda: autograd_compat.set_backend(None), TypeError),
        (lambda: autograd_compat.to_torch("x"), TypeError),
        (lambda: autograd_compat.to_mxnet(3), TypeError),
    ],
    ids=[
        "namespace('jax')",
        "namespace(backend='jax')",
        "namespace(3)",
        "set_backend('tf')",
        "set_backend(None)",
        "to_torch('x')",
        "to_mxnet(3)",
    ],
)
def test_package_functions_reject_bad_arguments(call, exc_type):
    with pytest.raises(exc_type) as info:
        call()
    check_message(info.value, "choose|must be|expects", "package")
    record("misuse", "package API: bad-argument cases checked", 1, add=True)
