"""``mx.kv``'s distributed stores on ``torch.distributed``: real runs of 2 worker processes on
localhost (gloo), started as ``torchrun`` starts them (RANK, WORLD_SIZE, MASTER_ADDR/PORT), each
bounded by a timeout. Values are checked against the one-process store on the concatenated data
(what MXNet's ``dist_sync`` computes)."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
TIMEOUT = 60  # seconds for a whole run; collectives time out after 20

PRELUDE = """
import os, pickle, sys
import numpy as np
import pytest
import torch
torch.set_num_threads(1)
from autograd_compat import namespace
mx = namespace("mxnet", "torch")
RANK = int(os.environ["RANK"])
OUT = sys.argv[1]
def save(obj):
    with open(os.path.join(OUT, f"out{RANK}.pkl"), "wb") as f:
        pickle.dump(obj, f)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_workers(tmp_path, body: str, n: int = 2, env: dict | None = None, prelude: str = PRELUDE):
    """Run ``prelude + body`` in ``n`` processes as torchrun would; returns (exit codes,
    stderr texts, the objects each rank saved with ``save`` or None)."""
    script = tmp_path / "worker.py"
    script.write_text(prelude + textwrap.dedent(body))
    port = str(free_port())
    procs = []
    for rank in range(n):
        worker_env = {
            **os.environ,
            "RANK": str(rank),
            "LOCAL_RANK": str(rank),
            "WORLD_SIZE": str(n),
            "MASTER_ADDR": "127.0.0.1",
            "MASTER_PORT": port,
            "AUTOGRAD_COMPAT_DIST_TIMEOUT": "20",
            "OMP_NUM_THREADS": "1",
            **(env or {}),
        }
        procs.append(
            subprocess.Popen(
                [sys.executable, str(script), str(tmp_path)],
                env=worker_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    codes, errs = [], []
    try:
        for p in procs:
            _, err = p.communicate(timeout=TIMEOUT)
            codes.append(p.returncode)
            errs.append(err)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    outs = []
    for rank in range(n):
        path = tmp_path / f"out{rank}.pkl"
        outs.append(pickle.loads(path.read_bytes()) if path.exists() else None)
    return codes, errs, outs


def _ok(codes, errs):
    assert codes == [0] * len(codes), "\n".join(errs)


STORE_PROGRAM = """
def a(*x):
    return mx.nd.array(np.array(x, dtype="float32") * (RANK + 1))


def program(kind):
    kv = mx.kv.create(kind)
    got = {"type": kv.type, "rank": kv.rank, "num_workers": kv.num_workers}
    # init: rank 0's value wins
    kv.init(3, a(1.0, 2.0))
    kv.init([5, 7], [a(0.0, 0.0), a(1.0, 1.0)])
    o = mx.nd.zeros((2,))
    kv.pull(3, out=o)
    got["init"] = o.asnumpy()
    # push: summed over the devices of a worker and over workers, replaces the stored value
    kv.push(3, [a(1.0, 1.0), a(2.0, 3.0)])
    kv.pull(3, out=o)
    got["push"] = o.asnumpy()
    kv.push([5, 7], [a(4.0, 4.0), [a(1.0, 2.0), a(3.0, 4.0)]])
    outs = [mx.nd.zeros((2,)), [mx.nd.zeros((2,)), mx.nd.zeros((2,))]]
    kv.pull([5, 7], out=outs)
    got["push_list"] = [outs[0].asnumpy(), outs[1][0].asnumpy(), outs[1][1].asnumpy()]
    vals = [a(1.0, 2.0), a(3.0, 5.0)]
    kv.pushpull(3, vals)
    got["pushpull"] = [v.asnumpy() for v in vals]
    dst = [mx.nd.zeros((2,)), mx.nd.zeros((2,))]
    kv.broadcast(11, a(9.0, 8.0), out=dst)
    got["broadcast"] = [d.asnumpy() for d in dst]
    kv._barrier()
    # an optimizer in the store: the summed gradient, rescaled
    kv2 = mx.kv.create(kind)
    kv2.set_optimizer(mx.optimizer.create("sgd", learning_rate=0.1, momentum=0.9, rescale_grad=0.5))
    kv2.init(0, a(1.0, -1.0))
    for _ in range(3):
        kv2.push(0, [a(1.0, 2.0), a(0.5, 0.5)])
    kv2.pull(0, out=o)
    got["optimizer"] = o.asnumpy()
    got["capable"] = kv2.is_capable("optimizer")
    return got


got = {k: program(k) for k in ("dist_sync", "dist_device_sync", "dist")}
hv = mx.kv.create("horovod")
x = [a(1.0, 2.0), a(1.0, 1.0)]
hv.pushpull("g", x)
y = mx.nd.zeros((2,))
hv.broadcast("w", a(5.0, 6.0), out=y)
got["horovod"] = [hv.type, hv.is_capable("optimizer"), x[0].asnumpy(), x[1].asnumpy(), y.asnumpy()]
kv = mx.kv.create("dist_sync")
kv.init(0, mx.nd.array(np.arange(8, dtype="float32").reshape(4, 2)))
rows = mx.nd.zeros((4, 2))
kv.row_sparse_pull(0, out=rows, row_ids=mx.nd.array([1, 3]))
got["row_sparse_pull"] = rows.asnumpy()
try:
    kv.init(1, mx.nd.zeros((2 + RANK, 3)))
except mx.base.MXNetError as e:
    got["mismatch"] = str(e)
# a Trainer whose workers built different models fails at its first step, on every worker
net = mx.gluon.nn.Dense(3 + RANK, in_units=2, prefix="dense_")
net.initialize()
trainer = mx.gluon.Trainer(net.collect_params(), "sgd", kvstore="dist_sync")
with mx.autograd.record():
    loss = net(mx.nd.ones((1, 2))).sum()
loss.backward()
try:
    trainer.step(1)
except mx.base.MXNetError as e:
    got["trainer_mismatch"] = str(e)
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    kv = mx.kv.create("dist_async")
got["async_warning"] = [str(w.message) for w in caught]
try:
    mx.gluon.Trainer(net.collect_params(), "sgd", kvstore=kv, update_on_kvstore=False).step(1)
except ValueError as e:
    got["async_update_on_trainer"] = str(e)
save(got)
"""


def test_dist_store_values(tmp_path):
    """Worker r pushes (r+1) x the values; the store holds rank 0's init and the sums over
    workers (3 x the values), the same on both workers."""
    codes, errs, outs = run_workers(tmp_path, STORE_PROGRAM)
    _ok(codes, errs)
    for kind in ("dist_sync", "dist_device_sync", "dist"):
        _check_store_values(kind, outs[0][kind], outs[1][kind])
    for r in outs:
        kind, capable, x0, x1, y = r["horovod"]
        assert (kind, capable) == ("horovod", False)
        np.testing.assert_array_equal(x0, [6.0, 9.0])  # [2, 3] on rank 0 + [4, 6] on rank 1
        np.testing.assert_array_equal(x1, [6.0, 9.0])
        np.testing.assert_array_equal(y, [5.0, 6.0])
        expected = np.zeros((4, 2), "float32")
        expected[[1, 3]] = np.arange(8, dtype="float32").reshape(4, 2)[[1, 3]]
        np.testing.assert_array_equal(r["row_sparse_pull"], expected)
        mismatch = "key 1 has shape (3, 3) (float32) on rank 1 but (2, 3) (float32) on rank 0"
        assert mismatch in r["mismatch"]
        mismatch = "key 0 (Parameter 'dense_bias') has shape (4,) (float32) on rank 1 but (3,)"
        assert mismatch in r["trainer_mismatch"]
        assert any("runs asynchronous training synchronously" in w for w in r["async_warning"])
        async_error = "Please set update_on_kvstore=True when training in async mode."
        assert r["async_update_on_trainer"] == async_error


def _check_store_values(kind, r0, r1):
    assert (r0["type"], r0["rank"], r0["num_workers"]) == (kind, 0, 2)
    assert (r1["type"], r1["rank"], r1["num_workers"]) == (kind, 1, 2)
    np.testing.assert_array_equal(r0["init"], [1.0, 2.0])
    np.testing.assert_array_equal(r0["push"], np.array([3.0, 4.0]) * 3)
    np.testing.assert_array_equal(r0["push_list"][0], [12.0, 12.0])
    np.testing.assert_array_equal(r0["push_list"][1], np.array([4.0, 6.0]) * 3)
    np.testing.assert_array_equal(r0["pushpull"][0], np.array([4.0, 7.0]) * 3)
    np.testing.assert_array_equal(r0["pushpull"][1], np.array([4.0, 7.0]) * 3)
    np.testing.assert_array_equal(r0["broadcast"][1], [9.0, 8.0])
    # the same program on the local store with the workers' pushes concatenated
    kv = shim.kv.create("local")
    kv.set_optimizer(
        shim.optimizer.create("sgd", learning_rate=0.1, momentum=0.9, rescale_grad=0.5)
    )
    kv.init(0, shim.nd.array([1.0, -1.0]))
    for _ in range(3):
        g = [
            shim.nd.array(np.array(x, dtype="float32") * s)
            for s in (1, 2)
            for x in ((1, 2), (0.5, 0.5))
        ]
        kv.push(0, g)
    o = shim.nd.zeros((2,))
    kv.pull(0, out=o)
    np.testing.assert_allclose(r0["optimizer"], o.asnumpy(), rtol=1e-6)
    assert r0["capable"] is True
    for k, v in r0.items():
        if k not in ("rank",):
            np.testing.assert_equal(r1[k], v, err_msg=k)


FAULT_PROGRAM = """
import time
kv = mx.kv.create("dist_sync")
kv.init(0, mx.nd.zeros((4,)))
if RANK == 1:
    os._exit(3)  # killed mid-training
start = time.time()
try:
    kv.pushpull(0, mx.nd.ones((4,)))
except mx.base.MXNetError as e:
    save({"err": str(e), "seconds": time.time() - start})
    raise
"""


def test_a_dead_worker_makes_the_others_fail_in_bounded_time(tmp_path):
    codes, errs, outs = run_workers(
        tmp_path, FAULT_PROGRAM, env={"AUTOGRAD_COMPAT_DIST_TIMEOUT": "10"}
    )
    assert codes[1] == 3
    assert codes[0] not in (0, None), errs[0]
    assert "KVStore 'dist_sync' push (all_reduce) failed on rank 0 of 2" in outs[0]["err"]
    assert outs[0]["seconds"] < 15
    assert "MXNetError" in errs[0]


def _env(monkeypatch, **values):
    for name in (
        "RANK",
        "WORLD_SIZE",
        "MASTER_ADDR",
        "MASTER_PORT",
        "DMLC_ROLE",
        "DMLC_NUM_WORKER",
        "DMLC_PS_ROOT_URI",
        "DMLC_PS_ROOT_PORT",
        "DMLC_WORKER_ID",
        "DMLC_TASK_ID",
        "OMPI_COMM_WORLD_RANK",
        "PMI_RANK",
        "AUTOGRAD_COMPAT_DIST_TIMEOUT",
        "AUTOGRAD_COMPAT_DIST_BACKEND",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_launch_variables_of_torchrun_and_of_mxnet(monkeypatch):
    from autograd_compat.mxnet_on_torch import kvstore_dist as kd

    torch_vars = {"RANK": "1", "WORLD_SIZE": "4", "MASTER_ADDR": "h", "MASTER_PORT": "9"}
    _env(monkeypatch, **torch_vars)
    assert kd.launch_env() == torch_vars
    dmlc = {
        "DMLC_ROLE": "worker",
        "DMLC_NUM_WORKER": "4",
        "DMLC_PS_ROOT_URI": "h",
        "DMLC_PS_ROOT_PORT": "9",
    }
    _env(monkeypatch, **dmlc, DMLC_WORKER_ID="1")
    assert kd.launch_env() == torch_vars
    _env(monkeypatch, **dmlc)
    with pytest.raises(shim.base.MXNetError, match="gave no worker rank"):
        kd.launch_env()
    _env(monkeypatch)
    with pytest.raises(shim.base.MXNetError, match="DMLC_NUM_WORKER.*autograd-compat launch"):
        kd.launch_env()
    assert kd.dist_timeout().total_seconds() == 60
    _env(monkeypatch, AUTOGRAD_COMPAT_DIST_TIMEOUT="7.5", AUTOGRAD_COMPAT_DIST_BACKEND="nccl")
    assert kd.dist_timeout().total_seconds() == 7.5
    assert kd.default_backend() == "nccl"
    for bad in ("soon", "0", "-1"):
        _env(monkeypatch, AUTOGRAD_COMPAT_DIST_TIMEOUT=bad)
        with pytest.raises(shim.base.MXNetError, match="AUTOGRAD_COMPAT_DIST_TIMEOUT"):
            kd.dist_timeout()


@pytest.mark.parametrize("role", ["server", "scheduler"])
def test_server_and_scheduler_processes_exit_with_a_note(monkeypatch, capsys, role):
    _env(monkeypatch, DMLC_ROLE=role, DMLC_NUM_WORKER="2")
    with pytest.raises(SystemExit) as exit_info:
        shim.kv.create("dist_sync")
    assert exit_info.value.code == 0
    assert f"DMLC_ROLE={role}: the torch backend needs no parameter server" in (
        capsys.readouterr().err
    )


def test_byteps_and_gradient_compression_are_refused():
    with pytest.raises(NotImplementedError, match="byteps"):
        shim.kv.create("byteps")
    kv = shim.kv.create("device")
    with pytest.raises(NotImplementedError, match="'2bit' is not emulated"):
        kv.set_gradient_compression({"type": "2bit", "threshold": 0.5})
    with pytest.raises(Exception, match="not supported for this type of kvstore"):
        shim.kv.create("local").set_gradient_compression({"type": "2bit"})
