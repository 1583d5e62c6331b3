"""``trainer.step``'s cached bookkeeping against real MXNet 1.9.1: learning rates and weight
decays cached per parameter, the one-count fast path of the update counts, and the stale check's
gradient versions. Whatever changes between two steps (a parameter's ``lr_mult``/``wd_mult``, the
learning rate, ``wd``, the scheduler, which parameters got gradients, a save/load of the states)
must show in the very next step: the same weights, rates, update counts and ``num_update`` as
MXNet at every step."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.optimizer import optimizer as shim_optimizer

shim = namespace("mxnet", "torch")
N, SIZE = 6, 5
ALL = list(range(N))


def _setup(m, settings):
    pd = m.gluon.ParameterDict(prefix="c_")
    params = [pd.get(f"p{i}_weight", shape=(SIZE,)) for i in range(N)]
    pd.initialize(m.init.Zero())
    rng = np.random.RandomState(0)
    for p in params:
        p.set_data(m.nd.array(rng.randn(SIZE).astype("float32")))
    trainer = m.gluon.Trainer(pd, "sgd", dict(settings))
    return pd, params, trainer


def _backward(m, params, heads, which):
    with m.autograd.record():
        loss = m.nd.add_n(*[(params[i].data() * m.nd.array(heads[i])).sum() for i in which])
    loss.backward()


def _state(trainer, params):
    opt = trainer.optimizer
    return {
        "weights": [p.data().asnumpy().copy() for p in params],
        "lrs": list(opt._get_lrs(ALL)),
        "wds": list(opt._get_wds(ALL)),
        "counts": dict(opt._index_update_count),
        "num_update": opt.num_update,
        "learning_rate": trainer.learning_rate,
    }


def _program(m, tmp_path, settings, with_scheduler):
    """Twelve steps; something that enters the rates or the counts changes before most."""
    if with_scheduler:
        settings = dict(settings, lr_scheduler=m.lr_scheduler.FactorScheduler(2, 0.5, 0.2))
    pd, params, trainer = _setup(m, settings)
    rng = np.random.RandomState(1)
    states = []
    for step in range(12):
        heads = [rng.randn(SIZE).astype("float32") for _ in range(N)]
        which, ignore = ALL, False
        if step == 1:
            params[2].lr_mult = 3.0
        elif step == 2:
            params[4].wd_mult = 0.0
            pd.setattr("lr_mult", 0.5)  # every parameter at once
        elif step == 3:
            if with_scheduler:
                trainer.optimizer.lr_scheduler = m.lr_scheduler.MultiFactorScheduler(
                    [4, 9], 0.1, base_lr=0.3
                )
            else:
                trainer.set_learning_rate(0.02)
        elif step == 4:
            trainer.optimizer.wd = 0.1
            params[2].lr_mult = 1.0
        elif step == 5:  # only some parameters get gradients: the counts part
            which, ignore = [0, 3, 5], True
        elif step == 6:
            params[1].wd_mult = 2.5
            trainer.optimizer.set_lr_mult({0: 7.0})  # a Gluon parameter's own multiplier wins
        elif step == 7:
            path = str(tmp_path / f"{m.__name__}.states")
            trainer.save_states(path)
            trainer = m.gluon.Trainer(pd, "sgd", dict(settings))
            trainer.load_states(path)
        elif step == 8:
            which, ignore = [1, 2], True
        elif step == 9:
            pd.setattr("wd_mult", 1.0)
        _backward(m, params, heads, which)
        trainer.step(2, ignore_stale_grad=ignore)
        states.append(_state(trainer, params))
    return states


SETTINGS = [
    {"learning_rate": 0.1},
    {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3},
]


@pytest.mark.parametrize("with_scheduler", [False, True], ids=["lr", "scheduler"])
@pytest.mark.parametrize("settings", SETTINGS, ids=["sgd", "sgd_momentum_wd"])
def test_changes_between_steps_match_mxnet(mx, tmp_path, settings, with_scheduler):
    want = _program(mx, tmp_path, settings, with_scheduler)
    got = _program(shim, tmp_path, settings, with_scheduler)
    for step, (w, g) in enumerate(zip(want, got)):
        assert g["lrs"] == w["lrs"], f"step {step}"
        assert g["wds"] == w["wds"], f"step {step}"
        assert g["counts"] == w["counts"], f"step {step}"
        assert g["num_update"] == w["num_update"], f"step {step}"
        assert g["learning_rate"] == w["learning_rate"], f"step {step}"
        for i, (a, b) in enumerate(zip(w["weights"], g["weights"])):
            np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7, err_msg=f"step {step} p{i}")


COUNT_CALLS = [
    [0, 1, 2, 3],  # fresh indices: one count for all
    [0, 1, 2, 3],  # again, all at 1
    [1, 2, 2, 5],  # a duplicate counts twice
    [0, 1, 2, 3, 5],  # counts differ
    [3, 3],
    [7, 8],
]


def test_update_counts_match_mxnet(mx):
    for begin in (0, 4):
        want = mx.optimizer.SGD(learning_rate=0.1, begin_num_update=begin)
        got = shim.optimizer.SGD(learning_rate=0.1, begin_num_update=begin)
        for call in COUNT_CALLS:
            want._update_count(list(call))
            got._update_count(list(call))
            assert got._index_update_count == want._index_update_count, call
            assert got.num_update == want.num_update, call


def test_cached_rates_follow_param_dict_and_other_holders():
    """The cache holds only while ``param_dict`` keeps its parameters; a holder of multipliers
    that is not a Gluon parameter is read every time."""
    pd = shim.gluon.ParameterDict(prefix="h_")
    params = [pd.get(f"p{i}", shape=(2,)) for i in range(3)]
    opt = shim.optimizer.SGD(learning_rate=0.5, param_dict=dict(enumerate(params)))
    assert opt._get_lrs([0, 1, 2]) == [0.5, 0.5, 0.5]
    other = shim.gluon.Parameter("other", shape=(2,), lr_mult=4.0)
    opt.param_dict[1] = other  # the same dict, changed in place
    assert opt._get_lrs([0, 1, 2]) == [0.5, 2.0, 0.5]

    class Holder:
        lr_mult = 1.0
        wd_mult = 1.0

    holder = Holder()
    opt.param_dict[2] = holder
    assert opt._get_lrs([0, 1, 2]) == [0.5, 2.0, 0.5]
    holder.lr_mult = 3.0  # no descriptor sees this: still honoured
    assert opt._get_lrs([0, 1, 2]) == [0.5, 2.0, 1.5]
    returned = opt._get_lrs([0, 1, 2])
    returned[0] = 99.0  # the caller's list, not the cache
    assert opt._get_lrs([0, 1, 2]) == [0.5, 2.0, 1.5]


def test_multiplier_attribute_is_a_plain_value():
    p = shim.gluon.Parameter("w", shape=(2,), lr_mult=2.0, wd_mult=0.5)
    assert (p.lr_mult, p.wd_mult) == (2.0, 0.5)
    assert vars(p)["lr_mult"] == 2.0  # kept in the instance dict, as before
    epoch = shim_optimizer._multiplier_epoch
    p.wd_mult = 0.0
    assert shim_optimizer._multiplier_epoch == epoch + 1
    assert p.wd_mult == 0.0


def _reducing_trainer_program(m):
    """A Trainer subclass whose reduction changes the gradients in place (as Horovod's does),
    then a step without a backward: stale on MXNet, so here too."""

    class Reducing(m.gluon.Trainer):
        def _allreduce_grads(self):
            for p in self._params:
                for g in p.list_grad():
                    g *= 2

    pd, params, trainer = _setup(m, {"learning_rate": 0.1})
    trainer = Reducing(pd, "sgd", {"learning_rate": 0.1})
    heads = [np.full(SIZE, i + 1.0, dtype="float32") for i in range(N)]
    _backward(m, params, heads, ALL)
    trainer.step(1)
    out = [p.data().asnumpy().copy() for p in params]
    try:
        trainer.step(1)
    except UserWarning as exc:
        return out, str(exc).split(" has not")[0]
    return out, None


def test_gradients_changed_by_a_subclass_reduction_stay_stale(mx):
    want_weights, want_error = _reducing_trainer_program(mx)
    got_weights, got_error = _reducing_trainer_program(shim)
    assert want_error is not None
    assert got_error == want_error
    for a, b in zip(want_weights, got_weights):
        np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-7)
