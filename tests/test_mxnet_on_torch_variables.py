"""MXNet variables on torch: the class attach_grad gives, and plain tensors left alone."""

from __future__ import annotations

import pytest
import torch

import autograd_compat

ns = autograd_compat.namespace("mxnet", "torch")
MXNetError = ns.base.MXNetError


def test_plain_tensor_inplace_methods_are_torchs_own():
    for name in ("__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"):
        module = getattr(getattr(torch.Tensor, name), "__module__", None) or ""
        assert not module.startswith("autograd_compat"), name
    assert torch.Tensor.backward.__module__.startswith("autograd_compat")


def test_variable_is_a_tensor_that_prints_as_one():
    x = torch.tensor([1.0, 2.0])
    x.attach_grad()
    assert isinstance(x, torch.Tensor)
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"
    assert type(x * 2) is torch.Tensor  # ops give plain tensors


@pytest.mark.parametrize("op", ["setitem", "iadd", "isub", "imul", "itruediv"])
def test_inplace_on_variable_outside_and_inside_record(op):
    def apply(x):
        if op == "setitem":
            x[:] = x - 0.5
        elif op == "iadd":
            x += 1
        elif op == "isub":
            x -= 1
        elif op == "imul":
            x *= 2
        else:
            x /= 2

    x = torch.tensor([1.0, 2.0])
    x.attach_grad()
    apply(x)  # outside record(): allowed, untracked
    assert x.grad_fn is None and x.requires_grad
    with ns.autograd.record(), pytest.raises(MXNetError, match="Assigning to NDArrays"):
        apply(x)
    assert not ns.autograd.is_recording()


def test_parameter_variables_keep_their_class_and_the_update_idiom():
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    p.attach_grad()
    assert isinstance(p, torch.nn.Parameter)
    assert repr(p).startswith("Parameter containing:")
    with ns.autograd.record():
        loss = (p * p).sum()
    loss.backward()
    p[:] = p - 0.25 * p.grad
    assert p.tolist() == [0.5, 1.0]
    q = torch.nn.Parameter(torch.ones(2))
    q.attach_grad()
    assert type(q) is type(p)  # one variable class per tensor class


def test_uninstall_keeps_variables_working():
    x = torch.tensor([3.0])
    x.attach_grad()
    autograd_compat.uninstall()
    try:
        x[:] = 1.0
        assert x.tolist() == [1.0]
    finally:
        autograd_compat.install()


def test_parameter_variable_survives_pickle_and_deepcopy():
    import copy
    import pickle

    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    p.attach_grad(grad_req="add")
    for c in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert isinstance(c, torch.nn.Parameter) and c.is_leaf and c._mx_grad_req == "add"
        with ns.autograd.record():
            y = (c * c).sum()
        y.backward()
        assert c.grad.tolist() == [2.0, 4.0]
