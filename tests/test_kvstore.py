"""``mx.kv`` (single process) on torch against real MXNet 1.9.1."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")


def _arr(m, x):
    return m.nd.array(np.asarray(x, dtype="float32"))


def _run(m, kind):
    """A program on ``m``: init, push (one and several arrays), pull, pushpull, broadcast, and
    push with an optimizer. Returns the values it read."""
    kv = m.kv.create(kind)
    out = [kv.type, kv.rank, kv.num_workers]
    kv.init(3, _arr(m, [1.0, 2.0]))
    kv.init([5, 7], [_arr(m, [0.0, 0.0]), _arr(m, [1.0, 1.0])])
    kv.push(3, [_arr(m, [1.0, 1.0]), _arr(m, [2.0, 3.0]), _arr(m, [0.5, 0.5])])
    o = m.nd.zeros((2,))
    kv.pull(3, out=o)
    out.append(o.asnumpy())
    kv.push([5, 7], [_arr(m, [4.0, 4.0]), [_arr(m, [1.0, 2.0]), _arr(m, [3.0, 4.0])]])
    outs = [m.nd.zeros((2,)), [m.nd.zeros((2,)), m.nd.zeros((2,))]]
    kv.pull([5, 7], out=outs)
    out += [outs[0].asnumpy(), outs[1][0].asnumpy(), outs[1][1].asnumpy()]
    vals = [_arr(m, [1.0, 2.0]), _arr(m, [3.0, 5.0])]
    kv.pushpull(3, vals)
    out += [v.asnumpy() for v in vals]
    dst = [m.nd.zeros((2,)), m.nd.zeros((2,))]
    kv.broadcast(11, _arr(m, [9.0, 8.0]), out=dst)
    out += [d.asnumpy() for d in dst]
    kv2 = m.kv.create(kind)
    kv2.set_optimizer(m.optimizer.create("sgd", learning_rate=0.1, momentum=0.9))
    kv2.init(0, _arr(m, [1.0, -1.0]))
    for _ in range(3):
        kv2.push(0, [_arr(m, [1.0, 2.0]), _arr(m, [0.5, 0.5])])
    o = m.nd.zeros((2,))
    kv2.pull(0, out=o)
    out.append(o.asnumpy())
    out.append(kv2.is_capable("optimizer"))
    return out


@pytest.mark.parametrize("kind", ["local", "device"])
def test_store_matches_mxnet(mx, kind):
    theirs, ours = _run(mx, kind), _run(shim, kind)
    assert len(theirs) == len(ours)
    for a, b in zip(theirs, ours):
        if isinstance(a, np.ndarray):
            np.testing.assert_allclose(b, a, rtol=1e-6)
        else:
            assert a == b


def test_errors(mx):
    for m in (mx, shim):
        kv = m.kv.create("local")
        kv.init(1, m.nd.ones((2,)))
        with pytest.raises(m.base.MXNetError, match="duplicate init of key 1"):
            kv.init(1, m.nd.ones((2,)))
        with pytest.raises(m.base.MXNetError, match="Mixed key types are not allowed"):
            kv.init("a", m.nd.ones((2,)))
    with pytest.raises(shim.base.MXNetError, match="has not been initialized"):
        shim.kv.create("local").push(4, torch.ones(2))
    with pytest.raises(shim.base.MXNetError, match="DMLC_NUM_WORKER"):  # no launcher, as MXNet
        shim.kv.create("dist_sync")
    with pytest.raises(TypeError, match="name must be a string"):
        shim.kv.create(3)


def test_optimizer_states_roundtrip(tmp_path):
    kv = shim.kv.create("local")
    kv.set_optimizer(shim.optimizer.create("adam"))
    kv.init(0, torch.ones(3))
    kv.push(0, torch.full((3,), 0.5))
    path = str(tmp_path / "kv.states")
    kv.save_optimizer_states(path, dump_optimizer=True)
    kv2 = shim.kv.create("local")
    kv2.set_optimizer(shim.optimizer.create("sgd"))
    kv2.load_optimizer_states(path)
    assert type(kv2._updater.optimizer).__name__ == "Adam"
    assert kv2._updater.optimizer.num_update == 1


def test_teststore_and_registry_match_mxnet(mx):
    out = []
    for m in (mx, shim):
        kv = m.kv.create("teststore")
        vals = [_arr(m, [1.0, 2.0]), _arr(m, [3.0, 4.0])]
        kv.pushpull(0, vals)
        dst = [m.nd.zeros((2,)), m.nd.zeros((2,))]
        kv.broadcast(1, _arr(m, [7.0, 8.0]), out=dst)
        values = [v.asnumpy().tolist() for v in vals + dst]
        out.append([kv.type, kv.is_capable("optimizer"), *values])
    assert out[0] == out[1]
