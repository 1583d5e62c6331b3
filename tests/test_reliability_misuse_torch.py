"""Bad input, torch dialect on MXNet: every torch misuse in SEMANTICS.md, and wrong types.

Table-driven, against real torch 2.13: the torch dialect on MXNet must raise an instance of the
class real torch raises, with a message that names the problem, and no internal traceback (no
chained exception from the adapter's internals or from MXNet shown under it).
"""

from __future__ import annotations

import pytest
from misuse import check_message, params, record_figures

from autograd_compat import namespace
from autograd_compat.testing import assert_equivalent

pytestmark = [
    pytest.mark.mxnet,
    # torch's own DeprecationWarning for the legacy-Function case (part of what is tested)
    pytest.mark.filterwarnings("ignore:.*should not be instantiated:DeprecationWarning"),
]

SEEN: set[str] = set()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    tables = [
        ("misuse cases (SEMANTICS.md)", CASES, CASES_XFAIL),
        ("wrong-argument-type cases", TYPES, TYPES_XFAIL),
    ]
    record_figures("torch dialect", SEEN, tables)


def _leaf(t, values=(1.0, 2.0, 3.0)):
    return t.tensor(list(values), requires_grad=True)


def non_scalar_backward(t):
    (_leaf(t) * 2).backward()


def gradient_shape_mismatch(t):
    (_leaf(t) * 2).backward(t.ones(2))


def scalar_gradient_for_non_scalar(t):
    (_leaf(t) * 2).backward(t.tensor(1.0))


def backward_twice(t):
    y = (_leaf(t) * _leaf(t)).sum()
    y.backward()
    y.backward()


def head_without_grad(t):
    t.ones(2).sum().backward()


def leaf_inplace(t):
    x = _leaf(t)
    x += 1


def leaf_setitem(t):
    x = _leaf(t)
    x[0] = 5.0


def saved_tensor_modified(t):
    x = _leaf(t)
    y = x.exp()
    z = (y * y).sum()
    y.add_(1)
    z.backward()


def int_requires_grad(t):
    t.tensor([1, 2, 3], requires_grad=True)


def int_requires_grad_(t):
    t.tensor([1, 2, 3]).requires_grad_()


def numpy_of_requires_grad(t):
    _leaf(t).numpy()


def item_not_scalar(t):
    t.ones(2).item()


def grad_unused_input(t):
    x, w = _leaf(t), _leaf(t)
    t.autograd.grad((x * 2).sum(), [x, w])


def grad_wrt_no_requires_grad(t):
    x = _leaf(t)
    t.autograd.grad((x * 2).sum(), [x, t.ones(3)])


def nonleaf_requires_grad_false(t):
    (_leaf(t) * 2).requires_grad_(False)


def legacy_function_instance(t):
    class Sq(t.autograd.Function):
        def forward(self, x):
            return x * x

        def backward(self, g):
            return g

    Sq()(_leaf(t))


def function_wrong_number_of_grads(t):
    class Sq(t.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    Sq.apply(_leaf(t)).sum().backward()


def grad_assign_wrong_shape(t):
    _leaf(t).grad = t.ones(2)


CASES = {
    "backward on a non-scalar without gradient": (non_scalar_backward, "scalar outputs"),
    "gradient of another shape": (gradient_shape_mismatch, "shape"),
    "scalar gradient for a non-scalar output": (scalar_gradient_for_non_scalar, "shape"),
    "backward twice without retain_graph": (backward_twice, "second time"),
    "backward on a tensor without grad_fn": (head_without_grad, "does not require grad"),
    "in-place op on a leaf requiring grad": (leaf_inplace, "leaf Variable"),
    "index assignment on a leaf requiring grad": (leaf_setitem, "leaf Variable"),
    "saved tensor modified in place": (saved_tensor_modified, "modified by an inplace"),
    "tensor(int, requires_grad=True)": (int_requires_grad, "floating point"),
    "int tensor .requires_grad_()": (int_requires_grad_, "floating point"),
    ".numpy() on a tensor requiring grad": (numpy_of_requires_grad, "numpy"),
    ".item() on 2 elements": (item_not_scalar, "2 elements"),
    "autograd.grad with an unused input": (grad_unused_input, "not have been used"),
    "autograd.grad w.r.t. a tensor not requiring grad": (grad_wrt_no_requires_grad, "require"),
    "requires_grad_(False) on a non-leaf": (nonleaf_requires_grad_false, "leaf"),
    "legacy Function called as an instance": (legacy_function_instance, "Legacy"),
    "Function.backward returning too many gradients": (
        function_wrong_number_of_grads,
        "number of gradients",
    ),
    ".grad assigned a tensor of another shape": (grad_assign_wrong_shape, "size"),
}
CASES_XFAIL: dict = {}


def _dialect_error(program):
    t = namespace("torch", "mxnet")
    try:
        program(t)
    except Exception as exc:  # noqa: BLE001 - inspected below
        return exc
    raise AssertionError("the torch dialect on MXNet raised nothing")


@pytest.mark.parametrize("case", params(CASES, CASES_XFAIL))
def test_misuse_matches_real_torch(case):
    program, pattern = CASES[case]
    assert_equivalent(program, dialect="torch", backends=("torch", "mxnet"))
    check_message(_dialect_error(program), pattern, case)
    SEEN.add(case)


def _tensor_requires_grad_str(t):
    t.tensor([1.0], requires_grad="yes")


def _requires_grad_str(t):
    t.ones(2).requires_grad_("x")


def _set_grad_enabled_str(t):
    t.set_grad_enabled("x")


def _backward_retain_graph_str(t):
    (_leaf(t) * 2).sum().backward(retain_graph="yes")


def _backward_gradient_list(t):
    (_leaf(t) * 2).backward([1.0, 1.0, 1.0])


def _grad_outputs_int(t):
    t.autograd.grad(3, _leaf(t))


def _grad_assign_int(t):
    _leaf(t).grad = 3


def _variable_of_str(t):
    t.autograd.Variable("x")


TYPES = {
    "tensor(..., requires_grad='yes')": (_tensor_requires_grad_str, "requires_grad|bool"),
    "requires_grad_('x')": (_requires_grad_str, "requires_grad|bool"),
    "set_grad_enabled('x')": (_set_grad_enabled_str, "enabled|bool"),
    "backward(retain_graph='yes')": (_backward_retain_graph_str, "retain_graph|integer|bool"),
    "backward(gradient=[...])": (_backward_gradient_list, "gradient|Tensor"),
    "autograd.grad(3, x)": (_grad_outputs_int, "iterable|Tensor"),
    "x.grad = 3": (_grad_assign_int, "Tensor or None"),
    "Variable('x')": (_variable_of_str, "tensor"),
}
TYPES_XFAIL: dict = {}


@pytest.mark.parametrize("case", params(TYPES, TYPES_XFAIL))
def test_wrong_argument_types(case):
    program, pattern = TYPES[case]
    assert_equivalent(program, dialect="torch", backends=("torch", "mxnet"))
    check_message(_dialect_error(program), pattern, case)
    SEEN.add(case)
