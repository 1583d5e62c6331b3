"""The hypothesis strategies: tensors() values and programs() run side by side."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_compat.testing import (
    OPS,
    TIES,
    assert_equivalent,
    broadcast_shapes,
    equivalent,
    make_tensor,
    programs,
    tensors,
    values,
)


@given(tensors(shape=(2, 3)))
def test_tensors_fixed_shape_float32_finite(v):
    assert isinstance(v, np.ndarray)
    assert v.shape == (2, 3) and v.dtype == np.float32
    assert np.isfinite(v).all() and (np.abs(v) <= 10).all()


@given(tensors(dtype="int32", max_dims=2, max_side=3, min_value=-5, max_value=5))
def test_tensors_any_shape_int(v):
    assert v.dtype == np.int32 and v.ndim <= 2 and all(1 <= s <= 3 for s in v.shape)
    assert ((-5 <= v) & (v <= 5)).all()


@given(tensors(shape=st.just((4,)), dtype=np.float64, elements=st.just(0.5)))
def test_tensors_custom_elements(v):
    assert v.dtype == np.float64 and (v == 0.5).all()


@given(tensors(shape=(3,)))
def test_tensors_become_each_backends_tensor(v):
    import torch

    t = make_tensor(torch, v)
    assert t.dtype == torch.float32 and np.array_equal(t.numpy(), v)


@pytest.mark.mxnet
@given(programs("mxnet", [n for n in OPS if n != "inplace"], max_depth=3))
def test_mxnet_dialect_programs_agree_on_both_backends(program):
    # "inplace": MXNet refuses in-place writes inside record(); see
    # test_reliability_equivalence_mxnet.py::test_inplace_inside_record_matches_real_mxnet
    assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"), rtol=1e-4, atol=1e-5)


@given(programs("torch"))
def test_torch_dialect_programs_run_on_torch(program):
    out = assert_equivalent(program, dialect="torch", backends=("torch",))
    res = out["torch"]
    for i in range(len(program.inputs)):
        # torch leaves .grad None on an input the expression does not use (MXNet: zeros)
        used = f"x{i}" in program.expression()
        assert (res[f"x{i}"].grad is not None) == used


@pytest.mark.mxnet
@given(programs("torch", ops=[n for n in OPS if n != "inplace"]))
def test_torch_dialect_programs_agree_on_both_backends(program):
    # "inplace": see test_reliability_equivalence_torch.py::test_inplace_programs_match_real_torch
    assert_equivalent(program, dialect="torch", backends=("torch", "mxnet"), rtol=1e-4, atol=1e-5)


@given(broadcast_shapes(3))
def test_broadcast_shapes_broadcast(shapes):
    assert len(shapes) == 3 and all(1 <= len(s) <= 3 for s in shapes)
    np.broadcast_shapes(*shapes)  # raises if they do not


@given(st.lists(values(), min_size=1))
def test_values_are_finite_and_in_range(vs):
    assert all(np.isfinite(v) and -2 <= v <= 2 for v in vs)


def test_values_and_programs_draw_ties_kinks_and_broadcasting():
    from hypothesis import find

    # find() searches: each call must come up with an example of what the strategies promise.
    tie = find(tensors(shape=(4,)), lambda v: len(set(v.tolist())) < 4 and 0.0 in v.tolist())
    assert 0.0 in tie.tolist()
    assert set(TIES) >= {0.0, 1.0, -1.0}
    wide = find(
        programs("torch", max_inputs=2),
        lambda p: len(p.inputs) == 2 and p.inputs[0].shape != p.inputs[1].shape,
    )
    np.broadcast_shapes(*(v.shape for v in wide.inputs))
    mixed = find(
        programs("mxnet", dtypes=("float32", "float64"), max_inputs=2),
        lambda p: len({v.dtype for v in p.inputs}) == 2,
    )
    assert {v.dtype.name for v in mixed.inputs} == {"float32", "float64"}
    np_program = find(programs("mxnet"), lambda p: p.flavour == "np" and p.root is not None)
    assert np_program.expression().startswith("np.")
    for op in ("maximum", "where", "max", "clip", "matmul", "reshape", "transpose", "slice"):
        hit = find(programs("torch", ops=[op], max_depth=1), lambda p, op=op: p.tree[0] == op)
        assert op in hit.expression()


@pytest.mark.mxnet
@given(x=tensors(shape=(2,), min_value=-3, max_value=3))
@equivalent(dialect="mxnet", backends=("mxnet", "torch"))
def test_equivalent_decorator_under_given(ns, x):
    a = make_tensor(ns, x, requires_grad=True)
    with ns.autograd.record():
        y = ns.nd.sigmoid(a) * a
    y.backward()
    return a


def test_program_repr_shows_the_expression_and_inputs():
    from autograd_compat.testing.strategies import Program

    p = Program("mxnet", ("log", ("pos", ("square", ("x", 0)))), (np.ones(2, np.float32),), "sum")
    assert repr(p) == (
        "Program(mxnet: nd.sum(nd.log((nd.square(x0) * nd.square(x0) + 1)))  "
        "[x0: float32[2]]  x0=[1.0, 1.0])"
    )
    t = Program("torch", ("negative", ("x", 0)), (np.ones(1, np.float32),), None)
    assert t.expression() == "torch.neg(x0)"


def test_programs_rejects_unknown_ops_and_dialects():
    with pytest.raises(ValueError, match="unknown ops"):
        programs(ops=["nope"])
    with pytest.raises(ValueError, match="unknown dialect"):
        programs("jax")
    with pytest.raises(ValueError, match="flavours"):
        programs("mxnet", flavours=["symbol"])
    with pytest.raises(ValueError, match="floating"):
        programs("torch", dtypes=["int32"])
    assert {"exp", "log", "mul", "div", "relu", "maximum", "where", "matmul", "inplace"} <= set(OPS)


@pytest.mark.mxnet
def test_a_planted_op_bug_is_found_by_programs(monkeypatch):
    # A wrong derivative in one backend's op: hypothesis must find a program that shows it.
    import torch
    from hypothesis import find

    from autograd_compat.mxnet_on_torch import nd

    class BadTanh(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return torch.tanh(a)

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * (1 - torch.tanh(a))  # should be 1 - tanh(a)**2

    monkeypatch.setattr(nd, "tanh", BadTanh.apply)

    def fails(program):
        try:
            assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"))
        except AssertionError:
            return True
        return False

    found = find(
        programs("mxnet", ops=["tanh", "add"], max_depth=2, flavours=["nd"]),
        fails,
        settings=settings(max_examples=200, deadline=None, database=None),
    )
    assert "tanh" in found.expression()


@pytest.mark.mxnet
def test_failure_report_prints_the_program_expression():
    @settings(max_examples=50, deadline=None, database=None)
    @given(programs("mxnet", ops=["exp"], max_depth=1, flavours=["nd"]))
    def check(program):
        out = assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"))
        assert "exp" not in program.expression(), out

    with pytest.raises(AssertionError) as err:
        check()
    assert "Program(mxnet: nd.exp(x0)" in "".join(getattr(err.value, "__notes__", []))
