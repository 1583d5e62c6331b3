"""``gluon.Trainer`` on torch against real MXNet 1.9.1: the same network and initial parameters
(a ``.params`` file written by MXNet), the same data, 20 steps; the loss at every step and the
final parameters must agree (rtol 1e-5, atol 1e-6 unless a case says otherwise)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
STEPS = 20
BATCH = 8


def _net(m, prefix="net_"):
    net = m.gluon.nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(m.gluon.nn.Dense(6, activation="tanh", in_units=4))
        net.add(m.gluon.nn.Dense(3, in_units=6))
    return net


def _data(steps=STEPS, seed=0):
    rng = np.random.RandomState(seed)
    return [
        (rng.randn(BATCH, 4).astype("float32"), rng.randn(BATCH, 3).astype("float32"))
        for _ in range(steps)
    ]


def _train(m, net, trainer, batches, batch_size=BATCH):
    losses = []
    for x, y in batches:
        x, y = m.nd.array(x), m.nd.array(y)
        with m.autograd.record():
            loss = ((net(x) - y) ** 2).sum()
        loss.backward()
        trainer.step(batch_size)
        losses.append(loss.asnumpy().item())
    return losses


def _params(net):
    return {k: p.data().asnumpy() for k, p in net.collect_params().items()}


def _pair(mx, tmp_path, setup=None):
    """The same network on MXNet and on the shim, with MXNet's initial parameters."""
    mnet = _net(mx)
    mnet.initialize(mx.init.Xavier())
    path = str(tmp_path / "init.params")
    mnet.save_parameters(path)
    snet = _net(shim)
    snet.load_parameters(path)
    if setup is not None:
        setup(mnet)
        setup(snet)
    return mnet, snet


def _compare(ml, sl, mnet, snet, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(sl, ml, rtol=rtol, atol=atol, err_msg="per-step losses")
    mp, sp = _params(mnet), _params(snet)
    assert [k.split("_", 1)[1] for k in mp] == [k.split("_", 1)[1] for k in sp]
    for (k, a), b in zip(mp.items(), sp.values()):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, err_msg=k)


OPTIMIZERS = [
    ("sgd", {"learning_rate": 0.05}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "wd": 1e-3}),
    ("sgd", {"learning_rate": 0.05, "momentum": 0.9, "clip_gradient": 0.5}),
    ("adam", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.01, "wd": 1e-3, "clip_gradient": 1.0}),
    ("nag", {"learning_rate": 0.05, "momentum": 0.9}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("adagrad", {"learning_rate": 0.05}),
    ("adadelta", {}),
    ("adamax", {}),
    ("nadam", {}),
    ("ftml", {"learning_rate": 0.01}),
    ("ftrl", {"learning_rate": 0.05}),
    ("lamb", {"learning_rate": 0.01}),
    ("lars", {"learning_rate": 0.1, "momentum": 0.9, "eta": 0.01}),
    ("signum", {"learning_rate": 0.01}),
    ("lbsgd", {"learning_rate": 0.05, "momentum": 0.9}),
    ("dcasgd", {"learning_rate": 0.05}),
]


@pytest.mark.parametrize(("name", "kwargs"), OPTIMIZERS, ids=str)
def test_training_matches_mxnet(mx, tmp_path, name, kwargs):
    mnet, snet = _pair(mx, tmp_path)
    mtr = mx.gluon.Trainer(mnet.collect_params(), name, dict(kwargs))
    str_ = shim.gluon.Trainer(snet.collect_params(), name, dict(kwargs))
    batches = _data()
    _compare(_train(mx, mnet, mtr, batches), _train(shim, snet, str_, batches), mnet, snet)


@pytest.mark.parametrize(
    ("cls", "kw"),
    [
        ("FactorScheduler", {"step": 4, "factor": 0.5, "base_lr": 0.1}),
        ("MultiFactorScheduler", {"step": [3, 8, 15], "factor": 0.5, "base_lr": 0.1}),
        ("PolyScheduler", {"max_update": 18, "base_lr": 0.1, "warmup_steps": 4}),
        (
            "CosineScheduler",
            {
                "max_update": 18,
                "base_lr": 0.1,
                "final_lr": 0.01,
                "warmup_steps": 3,
                "warmup_mode": "constant",
            },
        ),
    ],
    ids=str,
)
def test_training_with_scheduler_matches_mxnet(mx, tmp_path, cls, kw):
    mnet, snet = _pair(mx, tmp_path)
    rates = []
    for m, net in ((mx, mnet), (shim, snet)):
        sched = getattr(m.lr_scheduler, cls)(**kw)
        tr = m.gluon.Trainer(net.collect_params(), "sgd", {"momentum": 0.9, "lr_scheduler": sched})
        losses = _train(m, net, tr, _data())
        rates.append((losses, tr.learning_rate))
    (ml, mlr), (sl, slr) = rates
    assert slr == pytest.approx(mlr, rel=1e-12)
    _compare(ml, sl, mnet, snet)


def test_lr_mult_wd_mult_and_null_grad_req(mx, tmp_path):
    def setup(net):
        params = net.collect_params()
        keys = list(params.keys())
        params[keys[0]].lr_mult = 0.5
        params[keys[1]].wd_mult = 0.0
        params[keys[3]].grad_req = "null"

    mnet, snet = _pair(mx, tmp_path, setup)
    kw = {"learning_rate": 0.05, "momentum": 0.9, "wd": 0.01}
    mtr = mx.gluon.Trainer(mnet.collect_params(), "sgd", dict(kw))
    str_ = shim.gluon.Trainer(snet.collect_params(), "sgd", dict(kw))
    batches = _data()
    _compare(_train(mx, mnet, mtr, batches), _train(shim, snet, str_, batches), mnet, snet)
    # A multiplier changed on the parameter after the Trainer was made takes effect.
    for net in (mnet, snet):
        list(net.collect_params().values())[2].lr_mult = 3.0
    _compare(_train(mx, mnet, mtr, batches[:5]), _train(shim, snet, str_, batches[:5]), mnet, snet)


def test_set_learning_rate_and_optimizer_instance(mx, tmp_path):
    mnet, snet = _pair(mx, tmp_path)
    mtr = mx.gluon.Trainer(mnet.collect_params(), mx.optimizer.Adam(learning_rate=0.01))
    str_ = shim.gluon.Trainer(snet.collect_params(), shim.optimizer.Adam(learning_rate=0.01))
    batches = _data()
    ml = _train(mx, mnet, mtr, batches[:10])
    sl = _train(shim, snet, str_, batches[:10])
    mtr.set_learning_rate(0.002)
    str_.set_learning_rate(0.002)
    assert str_.learning_rate == mtr.learning_rate == 0.002
    assert isinstance(str_.optimizer, shim.optimizer.Adam)
    ml += _train(mx, mnet, mtr, batches[10:])
    sl += _train(shim, snet, str_, batches[10:])
    _compare(ml, sl, mnet, snet)


class _TwoHeads:
    """A block with two dense heads, of which a step may use only one."""

    @staticmethod
    def make(m):
        class TwoHeads(m.gluon.HybridBlock):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                with self.name_scope():
                    self.a = m.gluon.nn.Dense(2, in_units=4)
                    self.b = m.gluon.nn.Dense(2, in_units=4)

            def hybrid_forward(self, F, x, use_b=False):
                return self.b(x) if use_b else self.a(x)

        return TwoHeads(prefix="two_")


def test_stale_gradient_error_matches_mxnet(mx, tmp_path):
    nets, trainers, errors = [], [], []
    path = str(tmp_path / "two.params")
    for m in (mx, shim):
        net = _TwoHeads.make(m)
        if m is mx:
            net.initialize()
            net.save_parameters(path)
        else:
            net.load_parameters(path)
        tr = m.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
        x = m.nd.ones((2, 4))
        with m.autograd.record():
            loss = net(x).sum()
        loss.backward()
        with pytest.raises(UserWarning) as err:
            tr.step(2)
        errors.append(str(err.value))
        # Skipping the stale head updates only the other one.
        tr.step(2, ignore_stale_grad=True)
        # A second step without backward: every gradient is stale now.
        with pytest.raises(UserWarning):
            tr.step(2)
        nets.append(net)
        trainers.append(tr)
    assert errors[1] == errors[0]
    assert "two_dense1_bias" in errors[0]
    mp, sp = _params(nets[0]), _params(nets[1])
    for k in mp:
        np.testing.assert_allclose(sp[k], mp[k], rtol=1e-6, err_msg=k)


def test_allreduce_then_update_equals_step(mx, tmp_path):
    mnet, snet = _pair(mx, tmp_path)
    batches = _data(5)
    out = []
    for m, net in ((mx, mnet), (shim, snet)):
        tr = m.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.05})
        losses = []
        for x, y in batches:
            with m.autograd.record():
                loss = ((net(m.nd.array(x)) - m.nd.array(y)) ** 2).sum()
            loss.backward()
            tr.allreduce_grads()
            tr.update(BATCH)
            losses.append(loss.asnumpy().item())
        out.append(losses)
    _compare(out[0], out[1], mnet, snet)


@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop"])
def test_load_states_written_by_mxnet(mx, tmp_path, name):
    """MXNet trains 10 steps and saves; the shim loads parameters and trainer states and goes
    on: the next 10 steps equal MXNet's own continuation."""
    kw = {"learning_rate": 0.01, "wd": 1e-3}
    if name == "sgd":
        kw["momentum"] = 0.9
    batches = _data()
    mnet, snet = _pair(mx, tmp_path)
    mtr = mx.gluon.Trainer(
        mnet.collect_params(), name, dict(kw, lr_scheduler=mx.lr_scheduler.FactorScheduler(3, 0.8))
    )
    _train(mx, mnet, mtr, batches[:10])
    mnet.save_parameters(str(tmp_path / "mid.params"))
    mtr.save_states(str(tmp_path / "mid.states"))
    snet.load_parameters(str(tmp_path / "mid.params"))
    str_ = shim.gluon.Trainer(snet.collect_params(), "sgd", {"learning_rate": 0.5})
    str_.load_states(str(tmp_path / "mid.states"))
    assert type(str_.optimizer).__name__.lower() == name
    assert str_.learning_rate == pytest.approx(mtr.learning_rate, rel=1e-12)
    ml = _train(mx, mnet, mtr, batches[10:])
    _compare(ml, _train(shim, snet, str_, batches[10:]), mnet, snet)


@pytest.mark.parametrize("name", ["sgd", "adam", "nadam"])
def test_save_load_states_continues_like_uninterrupted(tmp_path, name):
    kw = {"learning_rate": 0.01}
    if name == "sgd":
        kw["momentum"] = 0.9
    batches = _data()
    runs = []
    for interrupted in (False, True):
        torch.manual_seed(0)
        net = _net(shim)
        net.initialize(shim.init.Xavier())
        tr = shim.gluon.Trainer(net.collect_params(), name, dict(kw))
        losses = _train(shim, net, tr, batches[:10])
        if interrupted:
            net.save_parameters(str(tmp_path / "a.params"))
            tr.save_states(str(tmp_path / "a.states"))
            net = _net(shim)
            net.load_parameters(str(tmp_path / "a.params"))
            tr = shim.gluon.Trainer(net.collect_params(), "sgd")
            tr.load_states(str(tmp_path / "a.states"))
        losses += _train(shim, net, tr, batches[10:])
        runs.append((losses, _params(net)))
    (l0, p0), (l1, p1) = runs
    assert l0 == l1
    for a, b in zip(p0.values(), p1.values()):
        np.testing.assert_array_equal(a, b)


def _two_context_grads(mx, path, batches):
    """Gradients MXNet computes on cpu(0) and cpu(1) (half a batch each), per step."""
    net = _net(mx)
    net.load_parameters(path, ctx=[mx.cpu(0), mx.cpu(1)])
    grads = []
    for x, y in batches:
        xs = mx.gluon.utils.split_and_load(mx.nd.array(x), [mx.cpu(0), mx.cpu(1)])
        ys = mx.gluon.utils.split_and_load(mx.nd.array(y), [mx.cpu(0), mx.cpu(1)])
        with mx.autograd.record():
            losses = [((net(a) - b) ** 2).sum() for a, b in zip(xs, ys)]
        mx.autograd.backward(losses)
        grads.append(
            {k: [g.asnumpy() for g in p.list_grad()] for k, p in net.collect_params().items()}
        )
    return grads


@pytest.mark.parametrize("update_on_kvstore", [None, False])
@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_two_contexts_sum_gradients_as_mxnet(mx, tmp_path, name, update_on_kvstore):
    """Parameters on [cpu(0), cpu(1)]: gradients are summed over the contexts and both copies
    get the same update. The shim cannot record through several copies on one torch device, so
    it gets MXNet's per-context gradients written into its buffers."""
    mnet = _net(mx)
    mnet.initialize(mx.init.Xavier())
    path = str(tmp_path / "init.params")
    mnet.save_parameters(path)
    ctx = [mx.cpu(0), mx.cpu(1)]
    mnet = _net(mx)
    mnet.load_parameters(path, ctx=ctx)
    snet = _net(shim)
    snet.load_parameters(path, ctx=[shim.cpu(0), shim.cpu(1)])
    kw = {"learning_rate": 0.01, "momentum": 0.9} if name == "sgd" else {"learning_rate": 0.01}
    mtr = mx.gluon.Trainer(
        mnet.collect_params(), name, dict(kw), update_on_kvstore=update_on_kvstore
    )
    str_ = shim.gluon.Trainer(
        snet.collect_params(), name, dict(kw), update_on_kvstore=update_on_kvstore
    )
    batches = _data(6)
    for x, y in batches:
        xs = mx.gluon.utils.split_and_load(mx.nd.array(x), ctx)
        ys = mx.gluon.utils.split_and_load(mx.nd.array(y), ctx)
        with mx.autograd.record():
            losses = [((mnet(a) - b) ** 2).sum() for a, b in zip(xs, ys)]
        mx.autograd.backward(losses)
        for mp, sp in zip(mnet.collect_params().values(), snet.collect_params().values()):
            for mg, sg in zip(mp.list_grad(), sp.list_grad()):
                sg[:] = torch.tensor(mg.asnumpy())
        mtr.step(BATCH)
        str_.step(BATCH)
    for mp, sp in zip(mnet.collect_params().values(), snet.collect_params().values()):
        for a, b in zip(mp.list_data(), sp.list_data()):
            np.testing.assert_allclose(b.asnumpy(), a.asnumpy(), rtol=1e-5, atol=1e-6)


def test_trainer_argument_errors(mx):
    for m in (mx, shim):
        with pytest.raises(ValueError, match="First argument must be a list or dict of Param"):
            m.gluon.Trainer(3, "sgd")
        with pytest.raises(ValueError, match="got list of"):
            m.gluon.Trainer([3], "sgd")
        net = m.gluon.nn.Dense(2, in_units=2)
        net.initialize()
        with pytest.raises(AssertionError, match="optimizer_params must be None"):
            m.gluon.Trainer(net.collect_params(), m.optimizer.SGD(), {"learning_rate": 0.1})
        with pytest.raises(ValueError, match="Cannot find optimizer"):
            m.gluon.Trainer(net.collect_params(), "nope")
        sched = m.lr_scheduler.FactorScheduler(step=2)
        tr = m.gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": sched})
        with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already"):
            tr.set_learning_rate(0.1)


def test_regrad_buffer_replaced_behind_the_parameter_is_used():
    """A gradient buffer replaced after the Trainer cached the arrays (``attach_grad`` again) is
    read, never the old one."""
    net = shim.gluon.nn.Dense(2, in_units=3)
    net.initialize()
    tr = shim.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    x = shim.nd.ones((1, 3))
    for _ in range(2):
        with shim.autograd.record():
            loss = net(x).sum()
        loss.backward()
        tr.step(1)
    w = net.weight.data()
    w.attach_grad()
    before = w.detach().clone()
    with shim.autograd.record():
        loss = net(x).sum()
    loss.backward()
    tr.step(1)
    np.testing.assert_allclose(w.detach().numpy(), (before - 1.0).numpy(), rtol=1e-6)


def test_numpy_interface_training_matches_mxnet(mx, tmp_path):
    """Under ``npx.set_np()`` parameters are np ndarrays; training gives MXNet's numbers."""
    results = []
    path = str(tmp_path / "np.params")
    for m in (mx, shim):
        m.npx.set_np()
        try:
            net = m.gluon.nn.Dense(3, in_units=4, prefix="d_")
            if m is mx:
                net.initialize(mx.init.Xavier())
                net.save_parameters(path)
            else:
                net.load_parameters(path)
            tr = m.gluon.Trainer(
                net.collect_params(), "sgd", {"learning_rate": 0.05, "momentum": 0.9, "wd": 1e-3}
            )
            losses = []
            for x, y in _data(10):
                x, y = m.np.array(x), m.np.array(y[:, :3])
                with m.autograd.record():
                    loss = ((net(x) - y) ** 2).sum()
                loss.backward()
                tr.step(BATCH)
                losses.append(loss.asnumpy().item())
            results.append((losses, net.weight.data().asnumpy(), type(net.weight.data()).__name__))
        finally:
            m.npx.reset_np()
    (ml, mw, mt), (sl, sw, st) = results
    assert mt == st == "ndarray"
    np.testing.assert_allclose(sl, ml, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sw, mw, rtol=1e-5, atol=1e-6)


def test_grad_req_add_accumulation_matches_mxnet(mx, tmp_path):
    """Two backward passes accumulate into 'add' buffers, one step, then zero_grad."""

    def setup(net):
        for p in net.collect_params().values():
            p.grad_req = "add"

    mnet, snet = _pair(mx, tmp_path, setup)
    batches = _data(12)
    out = []
    for m, net in ((mx, mnet), (shim, snet)):
        tr = m.gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
        losses = []
        for k in range(0, len(batches), 2):
            for x, y in batches[k : k + 2]:
                with m.autograd.record():
                    loss = ((net(m.nd.array(x)) - m.nd.array(y)) ** 2).sum()
                loss.backward()
                losses.append(loss.asnumpy().item())
            tr.step(2 * BATCH)
            net.collect_params().zero_grad()
        out.append(losses)
    _compare(out[0], out[1], mnet, snet)


def test_zeroed_gradient_stays_stale_when_zero_grad_reports_it():
    """MXNet's zero_grad does not make a gradient fresh. The shim's Trainer offers
    ``_grads_zeroed(param)`` for ``zero_grad`` to call (a version bump alone looks fresh)."""
    net = shim.gluon.nn.Dense(2, in_units=3)
    net.initialize()
    tr = shim.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with shim.autograd.record():
        loss = net(shim.nd.ones((1, 3))).sum()
    loss.backward()
    tr.step(1)
    for p in net.collect_params().values():
        p.zero_grad()
        tr._grads_zeroed(p)
    with pytest.raises(UserWarning, match="has not been updated by backward since last"):
        tr.step(1)
    # zero_grad between a backward and the step keeps the gradient fresh, as in MXNet.
    with shim.autograd.record():
        loss = net(shim.nd.ones((1, 3))).sum()
    loss.backward()
    for p in net.collect_params().values():
        p.zero_grad()
        tr._grads_zeroed(p)
    tr.step(1)


def _step_after_zero_grad(m):
    net = m.gluon.nn.Dense(2, in_units=3)
    net.initialize(m.init.One())
    trainer = m.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with m.autograd.record():
        y = net(m.nd.ones((4, 3))).sum()
    y.backward()
    trainer.step(4)
    net.collect_params().zero_grad()  # zeroing is no backward: the gradients stay stale
    try:
        trainer.step(4)
    except UserWarning as exc:  # MXNet raises its stale-gradient UserWarning
        return str(exc).split("`")[2]
    return "stepped"


def test_zero_grad_does_not_make_a_gradient_fresh(mx):
    assert (
        _step_after_zero_grad(shim)
        == _step_after_zero_grad(mx)
        == " on context cpu(0) has not been updated by backward since last "
    )


def test_load_parameters_of_a_missing_file_raises_mxnet_error(mx, tmp_path):
    for m in (mx, shim):
        net = m.gluon.nn.Dense(2)
        with pytest.raises(m.base.MXNetError):
            net.load_parameters(str(tmp_path / "missing.params"))
