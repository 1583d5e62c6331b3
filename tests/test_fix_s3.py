"""Conformance gaps found by MXNet 1.9.1's own tests (issue 15), side by side with real MXNet.

- ``mxnet._numpy_op_doc`` and the built-in ``_np_*`` operators' signatures
  (``test_numpy_op.py::test_np_builtin_op_signature``);
- legacy ``nd`` comparisons and ``scalar % array`` under ``record()``;
- ``np.nan_to_num(x, copy=False)`` on a variable (imperative, and in a hybridized block).
"""

from __future__ import annotations

import inspect

import pytest
from sbs import run_both

from autograd_compat.mxnet_on_torch import _numpy_op_doc, numpy_op_signature, operator

pytestmark = pytest.mark.mxnet


def test_listed_np_operators_carry_mxnets_signatures(mx):
    from mxnet import _numpy_op_doc as real_doc
    from mxnet.operator import get_all_registered_operators as real_registered

    real = {n for n in real_registered() if n.startswith("_np_")}
    listed = [n for n in operator.get_all_registered_operators() if n.startswith("_np_")]
    assert listed and set(listed) <= real  # only MXNet's own operators, only ones implemented
    for name in listed:
        want = str(inspect.signature(getattr(real_doc, name)))
        assert str(inspect.signature(getattr(_numpy_op_doc, name))) == want
        op = numpy_op_signature._get_builtin_op(name)
        assert str(op.__signature__) == want == str(inspect.signature(op))
    # Every MXNet doc stub is here (the shim's module has the same names).
    real_names = {n for n in dir(real_doc) if n.startswith(("_np_", "_npx_"))}
    assert real_names <= set(dir(_numpy_op_doc))


def test_np_operators_missing_from_the_shim_are_not_listed():
    listed = operator.get_all_registered_operators()
    assert "_np_product" not in listed and "_np_sometrue" not in listed  # not implemented
    assert "_np_zeros" not in listed  # MXNet registers no such operator (it is _npi_zeros)


_UNTRACKED = {
    "scalar_mod": lambda x: 1.5 % x,
    "scalar_mod_of_result": lambda x: 2 % (x * x),
    "eq_self": lambda x: x == x,
    "lt_scalar": lambda x: x * 2 < 3,
}


@pytest.mark.parametrize("name", ["scalar_mod", "scalar_mod_of_result", "eq_self", "lt_scalar"])
def test_nd_comparisons_and_scalar_mod_are_recorded(name):
    # MXNet records both: a comparison's gradient is zeros, d(s % x)/dx = -floor(s / x).
    def program(ns):
        x = ns.nd.array([1.3, 2.1])
        x.attach_grad()
        with ns.autograd.record():
            y = _UNTRACKED[name](x)
        y.backward()
        return [y, x.grad]

    run_both(program)


def test_nd_comparison_outside_record_stays_unrecorded():
    def program(ns):
        x = ns.nd.array([1.3, 2.1])
        x.attach_grad()
        y = x == x
        y.backward()

    run_both(program)


def _nan_to_num_program(hybridize, recording):
    def program(ns):
        class Block(ns.gluon.HybridBlock):
            def hybrid_forward(self, F, a):  # noqa: N803 - MXNet's signature
                return F.np.nan_to_num(a, False, 0.0, None, None)

        x = ns.np.array([float("nan"), float("inf"), -float("inf"), 1.5])
        x.attach_grad()
        block = Block()
        if hybridize:
            block.hybridize()
        if recording:
            with ns.autograd.record():
                y = block(x)
            y.backward()
        else:
            y = block(x)
        return [y, x, x.grad, y is x]

    return program


@pytest.mark.parametrize("recording", [False, True])
def test_nan_to_num_in_place_on_a_variable(recording):
    # Imperatively MXNet writes into the variable outside record() and refuses inside.
    run_both(_nan_to_num_program(False, recording))


@pytest.mark.parametrize("recording", [False, True])
def test_nan_to_num_in_a_hybridized_block_computes_a_copy(recording):
    # MXNet runs a hybridized block as a graph: copy=False gives a new array, x stays as it was.
    run_both(_nan_to_num_program(True, recording))
