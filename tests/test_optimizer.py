"""``mx.optimizer`` on torch against real MXNet 1.9.1: every optimizer, 20 updates, the same
weights and gradients on both sides, weights compared after every update (rtol 1e-5 unless a case
says why it needs more; atol 1e-5 for the weights of order 1 that cross zero)."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
SHAPES = [(3, 4), (5,), (2, 3, 2), (4, 1), (6,)]
STEPS = 20

# (name, kwargs, rtol): every case holds at rtol 1e-5 (atol 1e-5).
CASES = [
    ("sgd", {}, 1e-5),
    ("sgd", {"momentum": 0.9}, 1e-5),
    ("sgd", {"wd": 0.1, "learning_rate": 0.1}, 1e-5),
    ("sgd", {"momentum": 0.9, "wd": 0.01, "clip_gradient": 0.5, "rescale_grad": 0.5}, 1e-5),
    ("ccsgd", {"momentum": 0.5}, 1e-5),
    ("nag", {}, 1e-5),
    ("nag", {"momentum": 0.9, "wd": 0.01, "learning_rate": 0.1}, 1e-5),
    ("nag", {"momentum": 0.9, "clip_gradient": 0.3, "rescale_grad": 2.0}, 1e-5),
    ("adam", {}, 1e-5),
    ("adam", {"wd": 0.01, "clip_gradient": 0.5, "rescale_grad": 0.5, "learning_rate": 0.01}, 1e-5),
    ("adamax", {}, 1e-5),
    ("adamax", {"wd": 0.01, "clip_gradient": 0.5, "beta1": 0.8}, 1e-5),
    ("nadam", {}, 1e-5),
    ("nadam", {"wd": 0.01, "clip_gradient": 0.5, "schedule_decay": 0.01}, 1e-5),
    ("adagrad", {}, 1e-5),
    ("adagrad", {"wd": 0.01, "clip_gradient": 0.5, "rescale_grad": 0.5, "eps": 1e-5}, 1e-5),
    ("adadelta", {}, 1e-5),
    ("adadelta", {"wd": 0.01, "clip_gradient": 0.5, "rescale_grad": 0.5, "rho": 0.8}, 1e-5),
    ("rmsprop", {}, 1e-5),
    ("rmsprop", {"wd": 0.01, "clip_weights": 1.5, "learning_rate": 0.01}, 1e-5),
    ("rmsprop", {"centered": True}, 1e-5),
    ("rmsprop", {"centered": True, "wd": 0.01, "clip_gradient": 0.5, "clip_weights": 1.5}, 1e-5),
    ("ftrl", {}, 1e-5),
    ("ftrl", {"wd": 0.01, "clip_gradient": 0.5, "lamda1": 0.05, "beta": 0.5}, 1e-5),
    ("ftml", {}, 1e-5),
    ("ftml", {"wd": 0.01, "clip_gradient": 0.5, "learning_rate": 0.05}, 1e-5),
    ("lamb", {}, 1e-5),
    ("lamb", {"wd": 0.01, "clip_gradient": 0.5, "lower_bound": 0.5, "upper_bound": 2.0}, 1e-5),
    ("lamb", {"bias_correction": False, "learning_rate": 0.01}, 1e-5),
    ("lars", {}, 1e-5),
    ("lars", {"momentum": 0.9, "wd": 0.01, "eta": 0.01, "learning_rate": 0.1}, 1e-5),
    ("lbsgd", {}, 1e-5),
    (
        "lbsgd",
        {"momentum": 0.9, "batch_scale": 2, "warmup_epochs": 1, "updates_per_epoch": 8},
        1e-5,
    ),
    ("lbsgd", {"warmup_strategy": "lars", "wd": 0.01}, 1e-5),
    ("signum", {}, 1e-5),
    ("signum", {"momentum": 0.0, "wd": 0.01}, 1e-5),
    ("signum", {"wd_lh": 0.01, "wd": 0.01, "clip_gradient": 0.5}, 1e-5),
    ("dcasgd", {}, 1e-5),
    ("dcasgd", {"wd": 0.01, "lamda": 0.1, "learning_rate": 0.1}, 1e-5),
    ("test", {}, 1e-5),
]


def _data(shapes, steps, dtype="float32", seed=0):
    rng = np.random.RandomState(seed)
    weights = [rng.randn(*s).astype(dtype) for s in shapes]
    grads = [[rng.randn(*s).astype(dtype) for s in shapes] for _ in range(steps)]
    return weights, grads


def _compare(
    mx, make, shapes=SHAPES, dtype="float32", rtol=1e-5, atol=1e-5, as_list=True, steps=STEPS
):
    """Run MXNet's and the shim's optimizer (``make(module)``) through their Updaters."""
    weights, grads = _data(shapes, steps, dtype)
    m_upd = mx.optimizer.get_updater(make(mx))
    s_upd = shim.optimizer.get_updater(make(shim))
    mw = [mx.nd.array(w, dtype=dtype) for w in weights]
    sw = [torch.tensor(w) for w in weights]
    idx = list(range(len(shapes)))
    for step, gs in enumerate(grads):
        if as_list:
            m_upd(idx, [mx.nd.array(g, dtype=dtype) for g in gs], mw)
            s_upd(idx, [torch.tensor(g) for g in gs], sw)
        else:
            for i, g in enumerate(gs):
                m_upd(i, mx.nd.array(g, dtype=dtype), mw[i])
                s_upd(i, torch.tensor(g), sw[i])
        for i, (a, b) in enumerate(zip(mw, sw)):
            np.testing.assert_allclose(
                b.numpy(), a.asnumpy(), rtol=rtol, atol=atol, err_msg=f"step {step}, weight {i}"
            )
    return m_upd, s_upd


@pytest.mark.parametrize(("name", "kwargs", "rtol"), CASES, ids=lambda v: str(v))
def test_optimizer_matches_mxnet(mx, name, kwargs, rtol):
    _compare(mx, lambda m: m.optimizer.create(name, **kwargs), rtol=rtol)


@pytest.mark.parametrize("name", ["sgd", "adam", "nag", "rmsprop", "lamb"])
def test_one_index_at_a_time(mx, name):
    kw = {"momentum": 0.9} if name in ("sgd", "nag") else {}
    _compare(mx, lambda m: m.optimizer.create(name, wd=0.01, **kw), as_list=False)


def test_group_adagrad(mx):
    def make(m):
        return m.optimizer.contrib.GroupAdaGrad(learning_rate=0.1, clip_gradient=0.5)

    _compare(mx, make, shapes=[(3, 4), (5, 2)])


@pytest.mark.parametrize("name", ["sgd", "adam", "lars", "lamb", "rmsprop"])
def test_lr_and_wd_multipliers(mx, name):
    names = {0: "fc_weight", 1: "fc_bias", 2: "bn_gamma", 3: "bn_beta", 4: "out_weight"}

    def make(m):
        opt = m.optimizer.create(name, wd=0.05, learning_rate=0.05, param_idx2name=names)
        opt.set_lr_mult({0: 0.5, "out_weight": 2.0})
        opt.set_wd_mult({"fc_bias": 0.5})
        return opt

    _compare(mx, make)


@pytest.mark.parametrize(
    ("name", "sched"),
    [
        ("sgd", ("FactorScheduler", {"step": 3, "factor": 0.5, "base_lr": 0.1})),
        ("sgd", ("MultiFactorScheduler", {"step": [2, 5, 9], "factor": 0.3, "base_lr": 0.1})),
        ("adam", ("PolyScheduler", {"max_update": 15, "base_lr": 0.01, "warmup_steps": 3})),
        ("lars", ("CosineScheduler", {"max_update": 12, "base_lr": 0.1, "final_lr": 0.01})),
        ("lamb", ("FactorScheduler", {"step": 2, "factor": 0.9, "base_lr": 0.01})),
    ],
    ids=str,
)
def test_with_lr_scheduler(mx, name, sched):
    cls, kw = sched
    momentum = {"momentum": 0.9} if name in ("sgd", "lars") else {}

    def make(m):
        scheduler = getattr(m.lr_scheduler, cls)(**kw)
        return m.optimizer.create(name, lr_scheduler=scheduler, **momentum)

    _compare(mx, make)


# float16 weights: with multi_precision the update runs on float32 master copies on both sides.
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("sgd", {"momentum": 0.9, "wd": 0.01}),
        ("sgd", {}),
        ("nag", {"momentum": 0.9}),
        ("adam", {"wd": 0.01}),
        ("lars", {"momentum": 0.9}),
        ("lamb", {}),
        ("rmsprop", {}),
    ],
    ids=str,
)
def test_multi_precision_float16(mx, name, kwargs):
    def make(m):
        return m.optimizer.create(name, multi_precision=True, learning_rate=0.05, **kwargs)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # float16 results: equal up to one float16 rounding of the (equal) float32 masters.
        _compare(mx, make, dtype="float16", rtol=1e-3, atol=1e-3)


def test_sgd_float16_without_multi_precision_warns(mx):
    opt = shim.optimizer.create("sgd", momentum=0.9)
    with pytest.warns(UserWarning, match="multi_precision=True option of the SGD optimizer"):
        opt.create_state_multi_precision(0, torch.zeros(3, dtype=torch.float16))


def test_sgld_is_langevin_noise():
    """SGLD adds N(0, sqrt(lr)) noise after the half-step: check the mean and spread."""
    shim.random.seed(0)
    lr = 0.04
    opt = shim.optimizer.create("sgld", learning_rate=lr)
    w = torch.zeros(200_000)
    g = torch.full((200_000,), 2.0)
    shim.optimizer.get_updater(opt)(0, g, w)
    # mean: -lr/2 * g = -0.04; std: sqrt(lr) = 0.2 (standard errors ~5e-4 and ~3e-4)
    assert abs(float(w.mean()) + 0.04) < 3e-3
    assert abs(float(w.std()) - 0.2) < 3e-3


def test_create_register_and_errors(mx):
    with pytest.raises(ValueError, match="Cannot find optimizer nope"):
        shim.optimizer.create("nope")
    with pytest.raises(ValueError, match="Cannot find optimizer nope"):
        mx.optimizer.create("nope")
    assert type(shim.optimizer.create("SGD")).__name__ == "SGD"
    opt = shim.optimizer.create("adam", learning_rate=0.1)
    assert opt.learning_rate == 0.1
    opt.set_learning_rate(0.2)
    assert opt.learning_rate == 0.2
    sched = shim.lr_scheduler.FactorScheduler(step=2)
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already been"):
        shim.optimizer.create("sgd", lr_scheduler=sched).set_learning_rate(0.1)


def test_custom_optimizer_subclass():
    """A user optimizer written as for MXNet (create_state/update with nd-style code)."""

    @shim.optimizer.register
    class HalfStep(shim.optimizer.Optimizer):
        def create_state(self, index, weight):
            return shim.nd.zeros(weight.shape, weight.context, dtype=weight.dtype)

        def update(self, index, weight, grad, state):
            self._update_count(index)
            lr = self._get_lr(index)
            state[:] = state * 0.5 + grad
            weight[:] -= lr * state

    opt = shim.optimizer.create("halfstep", learning_rate=0.1)
    upd = shim.optimizer.get_updater(opt)
    w = torch.ones(3, requires_grad=True)
    upd(0, torch.ones(3), w)
    upd(0, torch.ones(3), w)
    np.testing.assert_allclose(w.detach().numpy(), [1 - 0.1 - 0.15] * 3, rtol=1e-6)
    assert opt.num_update == 2
    del shim.optimizer.Optimizer.opt_registry["halfstep"]


def test_dcasgd_momentum_truth_value_error_as_mxnet(mx):
    """MXNet 1.9.1's DCASGD tests its momentum array's truth value: ambiguous for > 1 element."""
    for m, arr in ((mx, mx.nd), (shim, None)):
        upd = m.optimizer.get_updater(m.optimizer.create("dcasgd", momentum=0.9))
        w = mx.nd.ones(3) if arr else torch.ones(3)
        g = mx.nd.ones(3) if arr else torch.ones(3)
        with pytest.raises(ValueError, match="truth value of an NDArray with multiple elements"):
            upd(0, g, w)


def test_states_roundtrip_continues_like_uninterrupted():
    weights, grads = _data(SHAPES, 10)
    idx = list(range(len(SHAPES)))

    def run(split):
        upd = shim.optimizer.get_updater(shim.optimizer.create("adam", wd=0.01))
        ws = [torch.tensor(w) for w in weights]
        for step, gs in enumerate(grads):
            if step == split:
                blob = upd.get_states(dump_optimizer=True)
                upd = shim.optimizer.get_updater(shim.optimizer.create("adam"))
                upd.set_states(blob)
            upd(idx, [torch.tensor(g) for g in gs], ws)
        return ws

    for a, b in zip(run(None), run(4)):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_shim_pickle_names_no_mxnet_class():
    upd = shim.optimizer.get_updater(shim.optimizer.create("sgd", momentum=0.9))
    upd(0, torch.ones(2), torch.ones(2))
    blob = upd.get_states(dump_optimizer=True)
    assert b"mxnet" not in blob.replace(b"mxnet_on_torch", b"")
    states, opt = pickle.loads(blob)
    assert type(opt).__name__ == "SGD" and isinstance(states[0], torch.Tensor)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("sgd", {"momentum": 0.9, "wd": 0.01}),
        ("adam", {}),
        ("rmsprop", {"centered": True}),
        ("nadam", {}),
    ],
    ids=str,
)
def test_reads_mxnet_pickled_states(mx, name, kwargs):
    """States pickled by real MXNet continue on the shim exactly as on MXNet."""
    weights, grads = _data(SHAPES, 12)
    idx = list(range(len(SHAPES)))

    def sched(m):
        return m.lr_scheduler.FactorScheduler(step=3, factor=0.7, base_lr=0.01)

    m_upd = mx.optimizer.get_updater(mx.optimizer.create(name, lr_scheduler=sched(mx), **kwargs))
    mw = [mx.nd.array(w) for w in weights]
    for gs in grads[:6]:
        m_upd(idx, [mx.nd.array(g) for g in gs], mw)
    blob = m_upd.get_states(dump_optimizer=True)
    s_upd = shim.optimizer.get_updater(shim.optimizer.create(name))
    s_upd.set_states(blob)
    assert type(s_upd.optimizer).__module__.startswith("autograd_compat.")
    assert type(s_upd.optimizer.lr_scheduler).__module__.startswith("autograd_compat.")
    sw = [torch.tensor(w.asnumpy()) for w in mw]
    for gs in grads[6:]:
        m_upd(idx, [mx.nd.array(g) for g in gs], mw)
        s_upd(idx, [torch.tensor(g) for g in gs], sw)
    for a, b in zip(mw, sw):
        np.testing.assert_allclose(b.numpy(), a.asnumpy(), rtol=1e-5, atol=1e-6)
