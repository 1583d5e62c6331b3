"""``gluon.Trainer(..., kvstore='dist_sync')`` on torch.distributed: 2 worker processes (gloo,
localhost), each training on its half of every batch, against real MXNet 1.9.1 training one
process on the whole batch from the same ``.params`` file: per-step global loss (the sum of the
workers' losses) and final parameters agree (rtol 1e-5, atol 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
from test_distributed_kvstore import run_workers

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
STEPS = 20
BATCH = 8  # global; each worker gets half

NET = """
def make_net(m):
    net = m.gluon.nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(m.gluon.nn.Dense(16, activation="tanh", in_units=4))
        net.add(m.gluon.nn.Dense(3, in_units=16))
    return net
"""
exec(NET)  # the same network definition in this process and in the workers

# (name, optimizer, optimizer_params, update_on_kvstore, clip_global_norm)
CONFIGS = [
    ("sgd_on_kvstore", "sgd", {"learning_rate": 0.05, "momentum": 0.9, "wd": 1e-3}, None, None),
    ("adam_in_trainer", "adam", {"learning_rate": 0.01}, False, None),
    ("sgd_allreduce_clip_update", "sgd", {"learning_rate": 0.1}, False, 0.5),
]

WORKER = (
    NET
    + "CONFIGS = "
    + repr(CONFIGS)
    + """
import collections
import torch.distributed as dist
calls = collections.Counter()  # collectives run, by name (the store calls them through `dist.`)
for fn in ("all_reduce", "broadcast", "barrier", "all_gather", "all_gather_object", "reduce"):
    def counted(*a, _fn=getattr(dist, fn), _name=fn, **k):
        calls[_name] += 1
        return _fn(*a, **k)
    setattr(dist, fn, counted)
data = np.load(os.path.join(OUT, "data.npz"))
X, Y = data["x"], data["y"]
B = X.shape[1]
mine = slice(RANK * B // 2, (RANK + 1) * B // 2)
results = {}
for name, optimizer, kw, update_on_kvstore, clip in CONFIGS:
    net = make_net(mx)
    net.load_parameters(os.path.join(OUT, "init.params"))
    trainer = mx.gluon.Trainer(
        net.collect_params(), optimizer, dict(kw), kvstore="dist_sync",
        update_on_kvstore=update_on_kvstore,
    )
    losses, collectives = [], []
    for x, y in zip(X, Y):
        x, y = mx.nd.array(x[mine]), mx.nd.array(y[mine])
        with mx.autograd.record():
            loss = ((net(x) - y) ** 2).sum()
        loss.backward()
        calls.clear()
        if clip:
            trainer.allreduce_grads()
            mx.gluon.utils.clip_global_norm([p.grad() for p in net.collect_params().values()], clip)
            trainer.update(B)
        else:
            trainer.step(B)
        collectives.append(dict(calls))
        losses.append(loss.asnumpy().item())
    results[name] = (losses, {k: p.data().asnumpy() for k, p in net.collect_params().items()})
    results[name + " collectives"] = collectives
    if update_on_kvstore is None:
        try:
            trainer.step(B // 2)
        except UserWarning as e:
            results["batch_size_change"] = str(e)
        # the store's optimizer states (beyond MXNet, whose workers do not hold them)
        states = os.path.join(OUT, f"states{RANK}")
        trainer.save_states(states)
        trainer.load_states(states)
        results["num_update_after_load"] = trainer._optimizer.num_update
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trainer.set_learning_rate(0.5)
        results["lr_warning"] = [str(w.message) for w in caught]
# rank 1 starts from other values: the first step takes rank 0's
net = make_net(mx)
net.initialize(mx.init.Uniform(1.0 + RANK))
trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.0}, kvstore="dist_sync")
with mx.autograd.record():
    loss = net(mx.nd.ones((2, 4))).sum()
loss.backward()
trainer.step(1)
results["broadcast"] = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
save(results)
"""
)


def _mxnet_reference(mx, path, name, optimizer, kw, clip, x_all, y_all):
    net = make_net(mx)  # noqa: F821 (defined by exec(NET))
    net.load_parameters(path)
    trainer = mx.gluon.Trainer(net.collect_params(), optimizer, dict(kw))
    losses = []
    for x, y in zip(x_all, y_all):
        x, y = mx.nd.array(x), mx.nd.array(y)
        with mx.autograd.record():
            loss = ((net(x) - y) ** 2).sum()
        loss.backward()
        if clip:
            mx.gluon.utils.clip_global_norm([p.grad() for p in net.collect_params().values()], clip)
        trainer.step(x_all.shape[1])
        losses.append(loss.asnumpy().item())
    return losses, {k: p.data().asnumpy() for k, p in net.collect_params().items()}


@pytest.mark.mxnet
def test_dist_sync_training_equals_mxnet_on_the_whole_batch(tmp_path):
    import mxnet as mx

    rng = np.random.RandomState(0)
    x_all = rng.randn(STEPS, BATCH, 4).astype("float32")
    y_all = rng.randn(STEPS, BATCH, 3).astype("float32")
    np.savez(tmp_path / "data.npz", x=x_all, y=y_all)
    path = str(tmp_path / "init.params")
    init_net = make_net(mx)  # noqa: F821
    init_net.initialize(mx.init.Xavier())
    init_net.save_parameters(path)

    codes, errs, outs = run_workers(tmp_path, WORKER)
    assert codes == [0, 0], "\n".join(errs)
    for name, optimizer, kw, _, clip in CONFIGS:
        ref_losses, ref_params = _mxnet_reference(mx, path, name, optimizer, kw, clip, x_all, y_all)
        (l0, p0), (l1, p1) = outs[0][name], outs[1][name]
        np.testing.assert_allclose(
            np.add(l0, l1), ref_losses, rtol=1e-5, atol=1e-6, err_msg=f"{name}: global loss"
        )
        assert list(p0) == list(ref_params)
        for k, ref in ref_params.items():
            np.testing.assert_allclose(p0[k], ref, rtol=1e-5, atol=1e-6, err_msg=f"{name} {k}")
            np.testing.assert_array_equal(p1[k], p0[k], err_msg=f"{name} {k}: workers differ")
        # Speed (issue 17): the first step checks the keys and broadcasts rank 0's values (one
        # collective each); every step sums all gradients in one all-reduce and runs nothing
        # else (no barrier, no second collective, no per-step shape check).
        for out in outs:
            steps = out[name + " collectives"]
            assert steps[0] == {"all_gather_object": 1, "broadcast": 1, "all_reduce": 1}, name
            assert steps[1:] == [{"all_reduce": 1}] * (STEPS - 1), name
    for out in outs:
        assert "Possible change in the `batch_size`" in out["batch_size_change"]
        assert out["num_update_after_load"] == STEPS
        assert any("learning rate does not reach it" in w for w in out["lr_warning"])
    for k, v in outs[0]["broadcast"].items():
        np.testing.assert_array_equal(outs[1]["broadcast"][k], v, err_msg=k)


@pytest.mark.parametrize("update_on_kvstore", [None, False])
def test_device_two_contexts_equal_one_context_with_the_whole_batch(tmp_path, update_on_kvstore):
    """``kvstore='device'`` with parameters on cpu(0) and cpu(1), each context given half of
    every batch (``split_and_load``), trains as one context does with the whole batch."""
    rng = np.random.RandomState(1)
    net1 = make_net(shim)  # noqa: F821
    net1.initialize(shim.init.Xavier())
    path = str(tmp_path / "init.params")
    net1.save_parameters(path)
    ctx = [shim.cpu(0), shim.cpu(1)]
    net2 = make_net(shim)  # noqa: F821
    net2.load_parameters(path, ctx=ctx)
    kw = {"learning_rate": 0.1, "momentum": 0.9}
    tr1 = shim.gluon.Trainer(net1.collect_params(), "sgd", dict(kw))
    tr2 = shim.gluon.Trainer(
        net2.collect_params(),
        "sgd",
        dict(kw),
        kvstore="device",
        update_on_kvstore=update_on_kvstore,
    )
    for _ in range(5):
        x = shim.nd.array(rng.randn(BATCH, 4).astype("float32"))
        y = shim.nd.array(rng.randn(BATCH, 3).astype("float32"))
        with shim.autograd.record():
            loss = ((net1(x) - y) ** 2).sum()
        loss.backward()
        tr1.step(BATCH)
        xs = shim.gluon.utils.split_and_load(x, ctx)
        ys = shim.gluon.utils.split_and_load(y, ctx)
        with shim.autograd.record():
            losses = [((net2(a) - b) ** 2).sum() for a, b in zip(xs, ys)]
        shim.autograd.backward(losses)
        tr2.step(BATCH)
        np.testing.assert_allclose(
            sum(v.asnumpy().item() for v in losses), loss.asnumpy().item(), rtol=1e-5
        )
    assert tr2._kvstore is not None and tr2._kvstore.type == "device"
    for a, b in zip(net1.collect_params().values(), net2.collect_params().values()):
        for arr in b.list_data():
            np.testing.assert_allclose(arr.asnumpy(), a.data().asnumpy(), rtol=1e-5, atol=1e-6)


HOROVOD_WORKER = (
    NET
    + """
import autograd_compat.horovod_mxnet as hvd

hvd.init()
got = {"rank": hvd.rank(), "size": hvd.size(), "local_rank": hvd.local_rank()}
x = mx.nd.array([1.0, 2.0]) * (RANK + 1)
got["allreduce"] = hvd.allreduce(x).asnumpy()
got["allreduce_sum"] = hvd.allreduce(x, average=False).asnumpy()
got["x_unchanged"] = x.asnumpy()
got["broadcast"] = hvd.broadcast(x, root_rank=1).asnumpy()
got["allgather"] = hvd.allgather(x.reshape((1, 2))).asnumpy()
data = np.load(os.path.join(OUT, "data.npz"))
X, Y = data["x"], data["y"]
B = X.shape[1]
mine = slice(RANK * B // 2, (RANK + 1) * B // 2)
net = make_net(mx)
if RANK == 0:
    net.load_parameters(os.path.join(OUT, "init.params"))
else:
    net.initialize(mx.init.Uniform(3.0))
hvd.broadcast_parameters(net.collect_params(), root_rank=0)
SGD = {"learning_rate": 0.1, "momentum": 0.9}
trainer = hvd.DistributedTrainer(net.collect_params(), "sgd", SGD)
for x, y in zip(X, Y):
    x, y = mx.nd.array(x[mine]), mx.nd.array(y[mine])
    with mx.autograd.record():
        loss = ((net(x) - y) ** 2).sum()
    loss.backward()
    trainer.step(B // 2)  # the local batch: Horovod averages over the workers
got["params"] = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
# MXNet 2's 'horovod' KVStore in a plain Trainer: sums over workers, step(global batch)
net = make_net(mx)
net.load_parameters(os.path.join(OUT, "init.params"))
trainer = mx.gluon.Trainer(net.collect_params(), "sgd", SGD, kvstore="horovod")
for x, y in zip(X, Y):
    x, y = mx.nd.array(x[mine]), mx.nd.array(y[mine])
    with mx.autograd.record():
        loss = ((net(x) - y) ** 2).sum()
    loss.backward()
    trainer.step(B)
got["kv_horovod"] = (trainer._update_on_kvstore, trainer._kvstore.type)
got["params_kv"] = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
# Horovod's DistributedOptimizer driven by a kvstore-less Updater, step(local batch)
net = make_net(mx)
net.load_parameters(os.path.join(OUT, "init.params"))
params = list(net.collect_params().values())
updater = mx.optimizer.get_updater(
    hvd.DistributedOptimizer(mx.optimizer.create("sgd", rescale_grad=2.0 / B, **SGD))
)
for x, y in zip(X, Y):
    x, y = mx.nd.array(x[mine]), mx.nd.array(y[mine])
    with mx.autograd.record():
        loss = ((net(x) - y) ** 2).sum()
    loss.backward()
    updater(list(range(len(params))), [p.grad() for p in params], [p.data() for p in params])
got["params_opt"] = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
save(got)
"""
)


def test_horovod_names_and_distributed_trainer(tmp_path):
    rng = np.random.RandomState(2)
    x_all = rng.randn(5, BATCH, 4).astype("float32")
    y_all = rng.randn(5, BATCH, 3).astype("float32")
    np.savez(tmp_path / "data.npz", x=x_all, y=y_all)
    ref = make_net(shim)  # noqa: F821
    ref.initialize(shim.init.Xavier())
    ref.save_parameters(str(tmp_path / "init.params"))
    codes, errs, outs = run_workers(tmp_path, HOROVOD_WORKER)
    assert codes == [0, 0], "\n".join(errs)
    trainer = shim.gluon.Trainer(
        ref.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9}
    )
    for x, y in zip(x_all, y_all):
        x, y = shim.nd.array(x), shim.nd.array(y)
        with shim.autograd.record():
            loss = ((ref(x) - y) ** 2).sum()
        loss.backward()
        trainer.step(BATCH)
    for r, out in enumerate(outs):
        assert (out["rank"], out["size"], out["local_rank"]) == (r, 2, r)
        np.testing.assert_array_equal(out["allreduce"], [1.5, 3.0])
        np.testing.assert_array_equal(out["allreduce_sum"], [3.0, 6.0])
        np.testing.assert_array_equal(out["x_unchanged"], np.array([1.0, 2.0]) * (r + 1))
        np.testing.assert_array_equal(out["broadcast"], [2.0, 4.0])
        np.testing.assert_array_equal(out["allgather"], [[1.0, 2.0], [2.0, 4.0]])
        assert out["kv_horovod"] == (False, "horovod")
        for trained in (out["params"], out["params_kv"], out["params_opt"]):
            for (k, p), v in zip(ref.collect_params().items(), trained.values()):
                np.testing.assert_allclose(v, p.data().asnumpy(), rtol=1e-5, atol=1e-6, err_msg=k)
