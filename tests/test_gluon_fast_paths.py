"""The Gluon speed paths give what the general paths give, and MXNet 1.9.1's numbers.

``Dense`` and ``Activation`` call torch's kernel on the legacy ``NDArray`` directly, the sparse
``SoftmaxCrossEntropyLoss`` runs ``log_softmax`` + ``nll_loss``, and backward hands a fresh
gradient's memory to the variable's buffer when nothing else can see either (instead of copying
it). Each is checked bit for bit against the general path and side by side with real MXNet,
including what code holding the gradient buffer (or a view of it) sees.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.gluon import _loss_fast
from autograd_compat.mxnet_on_torch.gluon import loss as loss_module
from autograd_compat.mxnet_on_torch.gluon.nn import activations, basic_layers
from tests.sbs import run_both as _run_both

shim = namespace("mxnet", "torch")


def run_both(program):
    # atol 1e-5: log_softmax rounds differently from MXNet's in the last bits of float32.
    return _run_both(program, rtol=1e-5, atol=1e-5)


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint8)


def _rand(shape, seed=0, scale=3.0):
    return (np.random.RandomState(seed).standard_normal(shape) * scale).astype(np.float32)


# --- bit for bit against the general path ------------------------------------------------------


def _mlp_run(monkeypatch, fast: bool, act: str, x: np.ndarray):
    if not fast:
        monkeypatch.setattr(basic_layers, "_dense_fast", lambda *a: None)
        monkeypatch.setattr(activations, "_FAST", {})
    net = shim.gluon.nn.HybridSequential()
    net.add(shim.gluon.nn.Dense(5, activation=act, in_units=4), shim.gluon.nn.Dense(3, in_units=5))
    net.initialize()
    for i, p in enumerate(net.collect_params().values()):
        p.set_data(shim.nd.array(_rand(p.shape, seed=10 + i)))
    xs = shim.nd.array(x)
    xs.attach_grad()
    with shim.autograd.record():
        y = net(xs)
    y.backward()
    monkeypatch.undo()
    grads = [p.grad().asnumpy() for p in net.collect_params().values()]
    return type(y), y.asnumpy(), xs.grad.asnumpy(), grads


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "softrelu", None])
@pytest.mark.parametrize("nan", [False, True])
def test_dense_activation_fast_path_is_the_general_path(monkeypatch, act, nan):
    x = _rand((6, 4))
    if nan:
        x[1, 2] = np.nan
        x[2, 0] = np.inf
    fast = _mlp_run(monkeypatch, True, act, x)
    slow = _mlp_run(monkeypatch, False, act, x)
    assert fast[0] is slow[0] is shim.nd.NDArray
    for a, b in zip(fast[1:3] + tuple(fast[3]), slow[1:3] + tuple(slow[3])):
        assert np.array_equal(_bits(a), _bits(b))


def _ce_run(monkeypatch, fast: bool, pred, label, **kw):
    if not fast:
        monkeypatch.setattr(loss_module, "sparse_softmax_ce", lambda *a: None)
    p = shim.nd.array(pred)
    p.attach_grad()
    with shim.autograd.record():
        loss = shim.gluon.loss.SoftmaxCrossEntropyLoss(**kw)(p, shim.nd.array(label))
    loss.backward()
    monkeypatch.undo()
    return type(loss), loss.asnumpy(), p.grad.asnumpy()


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_shape", [(7,), (7, 1)])
def test_softmax_ce_fast_path_is_the_general_path(monkeypatch, from_logits, label_shape):
    pred = _rand((7, 5))
    pred[0] = [1000.0, -1000.0, 0.0, 0.0, 0.0]  # a loss of exactly 0 (-0.0 before the + 0.0)
    pred[1, 2] = np.nan
    pred[2, 0] = np.inf
    # Out of range and fractional labels: nd.pick clips and truncates.
    label = np.array([0, -3, 9, 2.7, 4, 1, 3], np.float32).reshape(label_shape)
    kw = {"from_logits": from_logits}
    fast = _ce_run(monkeypatch, True, pred, label, **kw)
    slow = _ce_run(monkeypatch, False, pred, label, **kw)
    assert fast[0] is slow[0] is shim.nd.NDArray
    for a, b in zip(fast[1:], slow[1:]):
        assert np.array_equal(_bits(a), _bits(b))


def test_softmax_ce_fast_path_leaves_other_cases_alone():
    pred = shim.nd.array(_rand((2, 3, 4)))
    label = shim.nd.array(np.zeros((2, 3), np.float32))
    assert _loss_fast.sparse_softmax_ce(pred, label, -1, False) is None  # 3-d: general path
    assert _loss_fast.sparse_softmax_ce(pred[0], label, -1, False) is None  # label shape
    assert _loss_fast.sparse_softmax_ce(pred[0], label[0], 0, False) is None  # other axis


# --- side by side with real MXNet ---------------------------------------------------------------


@pytest.mark.mxnet
def test_mlp_softmax_ce_matches_mxnet():
    x, y = _rand((8, 6), seed=1, scale=1.0), np.array([0, 1, 2, 3, 0, 1, 9, -1], np.float32)

    def program(mx):
        net = mx.gluon.nn.HybridSequential()
        net.add(mx.gluon.nn.Dense(5, activation="relu", in_units=6))
        net.add(mx.gluon.nn.Dense(4, activation="tanh", in_units=5))
        net.add(mx.gluon.nn.Dense(4, in_units=4))
        net.initialize()
        for i, p in enumerate(net.collect_params().values()):
            p.set_data(mx.nd.array(_rand(p.shape, seed=20 + i, scale=0.5)))
        xs = mx.nd.array(x)
        xs.attach_grad()
        loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
        with mx.autograd.record():
            loss = loss_fn(net(xs), mx.nd.array(y))
        loss.backward()
        params = net.collect_params().values()
        return loss, xs.grad, [p.grad() for p in params], type(loss).__name__

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("n", [4, 128])  # 128x128 float32 gradients are adopted, not copied
def test_held_gradient_buffers_see_every_backward_as_mxnet(n):
    """``g = w.grad()`` held across steps, a view of it, and ``grad_req='add'``."""

    def program(mx):
        net = mx.gluon.nn.Dense(n, in_units=n)
        net.initialize()
        net.weight.set_data(mx.nd.array(_rand((n, n), seed=3, scale=0.1)))
        held = net.weight.grad()
        row = held[1]  # a view of the buffer in MXNet (basic slice along the first axis)
        seen = []
        for step in range(3):
            x = mx.nd.array(_rand((2, n), seed=30 + step))
            with mx.autograd.record():
                out = net(x)
            out.backward()
            seen += [held.copy(), row.copy(), net.weight.grad().copy()]
        del row
        for step in range(2):  # no view any more
            x = mx.nd.array(_rand((2, n), seed=40 + step))
            with mx.autograd.record():
                out = net(x)
            out.backward()
            seen += [held.copy(), net.weight.grad().copy(), net.bias.grad().copy()]
        net.collect_params().setattr("grad_req", "add")
        held = net.weight.grad()
        for step in range(2):
            x = mx.nd.array(_rand((2, n), seed=50 + step))
            with mx.autograd.record():
                out = net(x)
            out.backward()
            seen += [held.copy(), net.weight.grad().copy()]
        return seen

    run_both(program)


@pytest.mark.mxnet
def test_training_steps_match_mxnet_and_detect_stale_gradients():
    x, y = _rand((8, 6), seed=5, scale=1.0), np.array([0, 1, 2, 3, 0, 1, 2, 3], np.float32)

    def program(mx):
        net = mx.gluon.nn.HybridSequential()
        net.add(mx.gluon.nn.Dense(5, activation="relu", in_units=6))
        net.add(mx.gluon.nn.Dense(4, in_units=5))
        net.initialize()
        for i, p in enumerate(net.collect_params().values()):
            p.set_data(mx.nd.array(_rand(p.shape, seed=60 + i, scale=0.5)))
        trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
        losses = []
        for _ in range(4):
            with mx.autograd.record():
                loss = loss_fn(net(mx.nd.array(x)), mx.nd.array(y))
            loss.backward()
            trainer.step(8)
            losses.append(loss)
        try:
            trainer.step(8)  # no backward since the last step
            stale = None
        except UserWarning as e:
            stale = type(e).__name__
        return losses, [p.data() for p in net.collect_params().values()], stale

    run_both(program)


def test_large_gradients_are_adopted_small_ones_copied():
    """The speed path is taken where it pays (and only there): the buffer object stays, its
    memory is the gradient's."""
    for n, adopted in ((4, False), (128, True)):
        w = shim.nd.array(_rand((n, n), seed=9))
        w.attach_grad()
        held = w.grad
        before = held.data_ptr()
        with shim.autograd.record():
            out = w * 2
        out.backward()
        assert w.grad is held and (held.data_ptr() != before) == adopted
        assert np.array_equal(held.asnumpy(), np.full((n, n), 2, np.float32))


def test_a_gradient_a_hook_kept_is_not_adopted():
    """A tensor hook that keeps an intermediate gradient holds the memory torch's weight
    gradient is a view of: the buffer copies it, and the next backward leaves it alone."""
    import torch

    kept = []
    w = shim.nd.array(_rand((128, 128), seed=7))
    w.attach_grad()
    x = torch.from_numpy(_rand((2, 128), seed=8))
    for _ in range(2):
        with shim.autograd.record():
            wt = torch.Tensor.t(w)
            wt.register_hook(lambda g: kept.append(g))
            out = torch.matmul(x, wt)
        out.backward()
    first = kept[0].clone()
    with shim.autograd.record():
        out = torch.matmul(x * 2, torch.Tensor.t(w))
    out.backward()
    assert torch.equal(kept[0], first)
    assert np.allclose(w.grad.asnumpy(), (x * 2).sum(0).expand(128, 128).numpy())


def test_subclasses_overriding_hybrid_forward_keep_their_code():
    class Doubled(shim.gluon.nn.Dense):
        def hybrid_forward(self, F, x, weight, bias=None):  # noqa: N803
            return super().hybrid_forward(F, x, weight, bias) * 2

    class Shifted(shim.gluon.nn.Activation):
        def hybrid_forward(self, F, x):  # noqa: N803
            return super().hybrid_forward(F, x) + 1

    d = Doubled(2, in_units=3)
    d.initialize()
    plain = shim.gluon.nn.Dense(2, in_units=3)
    plain.initialize()
    plain.weight.set_data(d.weight.data())
    x = shim.nd.array(_rand((4, 3)))
    assert np.array_equal(d(x).asnumpy(), 2 * plain(x).asnumpy())
    assert np.array_equal(Shifted("relu")(x).asnumpy(), np.maximum(x.asnumpy(), 0) + 1)
