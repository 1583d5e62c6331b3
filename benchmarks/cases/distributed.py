"""Case 12: distributed data-parallel training on localhost, gloo (issue 17).

Overhead, world size 2: a whole training step of the case-9 MLP (784-256-10, batch 256 per
worker) written in Gluon with ``gluon.Trainer(..., kvstore='dist_sync')`` and
``trainer.step(batch * 2)``, against the same model in native ``torch.nn`` doing what a careful
hand-written loop does: mean loss, ``backward``, one ``all_reduce`` of all gradients flattened into
one buffer, divided by the world size, then ``torch.optim.SGD.step()``. Goal <= 1.10. Both
variants run interleaved in the same two processes (every sample is a collective, so both ranks
run the same sequence); rank 0's times are reported. Before every sample (untimed) each rank
collects garbage and then meets the other at a barrier, so both start the timed region together.
Two more rows cut the same steps after backward (forward and backward untimed): the shim's
``trainer.step`` alone against the native all-reduce and ``SGD.step`` alone, to tell the Trainer's
and the store's share of the overhead from the Gluon forward and backward's (case 9).

Scaling: the shim's Gluon training of a compute-bound MLP (1024-2048-2048-10, batch 256 per
worker), one thread per process, with 1 and then 2 processes; the figure is samples per second,
goal: 2 processes >= 1.5x one (the row's ratio is time per sample, goal <= 1/1.5). On a loaded
machine the wall-time figure measures the competition for cores, so the CPU time per step is
recorded too, with the speed-up it implies for idle cores (``speedup_from_cpu_times``), and the
time of one all-reduce of all gradients (for the extrapolation in ``docs/distributed.md``).

The workers are this file run as a script (``--worker``) in fresh processes with torch's launch
environment (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``); they write their rows as
JSON.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy

if __name__ == "__main__":  # a worker: the harness and the cases are beside this file
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import Config, Row, Variant, build, interleave, unavailable  # noqa: E402

from cases import gluon_models as G  # noqa: E402

TITLE = "Distributed training (dist_sync, gloo, localhost)"
GOAL = 1.10
GOAL_SPEEDUP = 1.5
NATIVE = "native torch: one all_reduce of flat grads + torch.optim.SGD"
SHIM = "shim: Gluon + Trainer(kvstore='dist_sync')"
NATIVE_STEP = "native torch, after an untimed backward: all_reduce + SGD.step only"
SHIM_STEP = "shim, after an untimed backward: trainer.step only (allreduce_grads + update)"
LR = 0.1
WORKER_TIMEOUT = 600.0  # seconds for one spawned group of workers (full sizes, loaded machine)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Group:
    """``world`` worker processes of ``kind`` started with torch's launch environment."""

    def __init__(self, kind: str, world: int, cfg: Config) -> None:
        self.kind, self.world = kind, world
        self._tmp = tempfile.TemporaryDirectory()
        self.out = Path(self._tmp.name) / "rows.json"
        port = _free_port()
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
        cmd += ["--out", str(self.out), "--reps", str(cfg.reps), "--warmup", str(cfg.warmup)]
        cmd += ["--threads", "1"] + (["--quick"] if cfg.quick else [])
        self.procs = []
        for rank in range(world):
            env = dict(os.environ)
            env.update(
                RANK=str(rank),
                LOCAL_RANK=str(rank),
                WORLD_SIZE=str(world),
                LOCAL_WORLD_SIZE=str(world),
                MASTER_ADDR="127.0.0.1",
                MASTER_PORT=str(port),
                OMP_NUM_THREADS="1",
                MKL_NUM_THREADS="1",
                AUTOGRAD_COMPAT_DIST_TIMEOUT="120",
            )
            self.procs.append(
                subprocess.Popen(
                    cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
            )

    def rows(self) -> list[Row]:
        """Rank 0's rows once every worker has exited (or one "not available" row)."""
        deadline = time.monotonic() + WORKER_TIMEOUT
        failed = []
        try:
            for rank, p in enumerate(self.procs):
                try:
                    _, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    for q in self.procs:
                        q.kill()
                    _, err = p.communicate()
                    failed.append(f"rank {rank} timed out")
                    continue
                if p.returncode != 0:
                    tail = (err or "").strip().splitlines()[-1:] or [""]
                    failed.append(f"rank {rank} exited {p.returncode}: {tail[0][:200]}")
            if failed or not self.out.exists():
                reason = "; ".join(failed) or "rank 0 wrote no rows"
                return [unavailable(f"{self.kind}, {self.world} processes", reason)]
            return [Row(**d) for d in json.loads(self.out.read_text())]
        finally:
            self._tmp.cleanup()


# --- workers ------------------------------------------------------------------------------------


def _overhead(cfg: Config, torch: Any, dist: Any) -> list[Row]:
    world, rank = dist.get_world_size(), dist.get_rank()
    n_in, n_hidden, n_out = cfg.pick((784, 256, 10), (12, 6, 3))
    batch = cfg.pick(256, 8)
    values = G.init_values(G.mlp_shapes(n_in, n_hidden, n_out))
    data = G.classification_data((batch, n_in), n_out, seed=1 + rank)  # each worker its own
    X, y = data["X"], data["y"]

    def in_step() -> None:
        # Untimed, before every sample: collect here (the harness's own collection before the
        # timer then finds almost nothing), then a barrier, so that both ranks start the timed
        # region together and no sample pays for the other rank finishing the previous one.
        gc.collect()
        dist.barrier()

    def native_net() -> tuple:
        net = G.torch_ready(torch, G.torch_mlp(torch, n_in, n_hidden, n_out), values)
        return net, torch.optim.SGD(net.parameters(), lr=LR)

    def native_backward(net: Any, opt: Any, loss_fn: Any, Xt: Any, yt: Any) -> None:
        opt.zero_grad()
        loss_fn(net(Xt), yt).backward()

    def native_reduce_update(net: Any, opt: Any) -> None:
        grads = [p.grad for p in net.parameters()]
        flat = torch.cat([g.reshape(-1) for g in grads])
        dist.all_reduce(flat)
        flat.div_(world)
        torch._foreach_copy_(
            grads, [t.view_as(g) for t, g in zip(flat.split([g.numel() for g in grads]), grads)]
        )
        opt.step()

    def native_step(net: Any, opt: Any, loss_fn: Any, Xt: Any, yt: Any) -> None:
        native_backward(net, opt, loss_fn, Xt, yt)
        native_reduce_update(net, opt)

    def shim_net(ns: Any) -> tuple:
        net = G.gluon_ready(ns, G.gluon_mlp(ns.gluon, n_in, n_hidden, n_out), values)
        trainer = ns.gluon.Trainer(
            net.collect_params(), "sgd", {"learning_rate": LR}, kvstore="dist_sync"
        )
        return net, trainer

    def shim_backward(ns: Any, net: Any, loss_fn: Any, Xm: Any, ym: Any) -> None:
        with ns.autograd.record():
            loss = loss_fn(net(Xm), ym)
        loss.backward()

    def shim_step(ns: Any, net: Any, trainer: Any, loss_fn: Any, Xm: Any, ym: Any) -> None:
        shim_backward(ns, net, loss_fn, Xm, ym)
        trainer.step(batch * world)  # dist_sync: the global batch, as MXNet documents

    def native_parts() -> tuple:
        net, opt = native_net()
        loss_fn = torch.nn.CrossEntropyLoss()
        return net, opt, loss_fn, torch.from_numpy(X), torch.from_numpy(y).long()

    def shim_parts() -> tuple:
        import autograd_compat

        ns = autograd_compat.namespace("mxnet", "torch")
        net, trainer = shim_net(ns)
        loss_fn = ns.gluon.loss.SoftmaxCrossEntropyLoss()
        return ns, net, trainer, loss_fn, ns.nd.array(X), ns.nd.array(y)

    def native() -> Variant:
        net, opt, loss_fn, Xt, yt = native_parts()
        step = lambda: native_step(net, opt, loss_fn, Xt, yt)  # noqa: E731
        return Variant(NATIVE, step, before=in_step)

    def shim() -> Variant:
        ns, net, trainer, loss_fn, Xm, ym = shim_parts()
        step = lambda: shim_step(ns, net, trainer, loss_fn, Xm, ym)  # noqa: E731
        return Variant(SHIM, step, before=in_step)

    # The same steps cut in two: forward and backward untimed (in `before`), then only what
    # runs after backward is timed: the all-reduce and the update, i.e. `trainer.step` itself.
    def native_after_backward() -> Variant:
        net, opt, loss_fn, Xt, yt = native_parts()

        def before() -> None:
            native_backward(net, opt, loss_fn, Xt, yt)
            in_step()

        return Variant(NATIVE_STEP, lambda: native_reduce_update(net, opt), before=before)

    def shim_after_backward() -> Variant:
        ns, net, trainer, loss_fn, Xm, ym = shim_parts()

        def before() -> None:
            shim_backward(ns, net, loss_fn, Xm, ym)
            in_step()

        return Variant(SHIM_STEP, lambda: trainer.step(batch * world), before=before)

    variants, missing = build({NATIVE: native, SHIM: shim})
    halves, missing_halves = build(
        {NATIVE_STEP: native_after_backward, SHIM_STEP: shim_after_backward}
    )
    if missing or missing_halves:  # one rank without a variant would leave the other waiting
        return missing + missing_halves
    G.freeze_heap()
    rows = interleave(variants, cfg, NATIVE, goals={SHIM: GOAL}, per="step", per_count=1)
    rows += interleave(halves, cfg, NATIVE_STEP, per="step", per_count=1)

    # Faithfulness (not timed): 3 steps from the same start, the parameters compared.
    net, opt, loss_fn, Xt, yt = native_parts()
    for _ in range(3):
        native_step(net, opt, loss_fn, Xt, yt)
    ref = G.data_of(list(net.parameters()))
    ns, gnet, trainer, gloss, Xm, ym = shim_parts()
    for _ in range(3):
        shim_step(ns, gnet, trainer, gloss, Xm, ym)
    got = G.data_of(list(gnet.collect_params().values()))
    for r in rows:
        r.extra["world_size"] = world
        r.extra["model"] = f"MLP {n_in}-{n_hidden}-{n_out}, batch {batch} per worker"
        if r.variant == SHIM:
            r.extra["max_rel_param_diff_after_3_steps"] = G.max_rel_diff(ref, got)
    return rows


def _scaling(cfg: Config, torch: Any, dist: Any) -> list[Row]:
    import autograd_compat

    world = dist.get_world_size()
    sizes = cfg.pick((1024, 2048, 2048, 10), (16, 8, 8, 3))
    batch, steps = cfg.pick(256, 8), cfg.pick(5, 2)
    ns = autograd_compat.namespace("mxnet", "torch")
    nn = ns.gluon.nn
    net = nn.HybridSequential()
    for n_in, width in zip(sizes[:-2], sizes[1:-1]):
        net.add(nn.Dense(width, activation="relu", in_units=n_in))
    net.add(nn.Dense(sizes[-1], in_units=sizes[-2]))
    ns.random.seed(0)
    net.initialize(ns.init.Xavier())
    trainer = ns.gluon.Trainer(
        net.collect_params(), "sgd", {"learning_rate": 0.01}, kvstore="dist_sync"
    )
    loss_fn = ns.gluon.loss.SoftmaxCrossEntropyLoss()
    data = G.classification_data((batch, sizes[0]), sizes[-1], seed=1 + dist.get_rank())
    Xm, ym = ns.nd.array(data["X"]), ns.nd.array(data["y"])

    def run_steps() -> None:
        for _ in range(steps):
            G.gluon_train_step(ns.autograd, net, loss_fn, trainer, Xm, ym)
        ns.nd.waitall()

    for _ in range(cfg.warmup):
        run_steps()
    times, cpu = [], []
    for _ in range(max(3, cfg.reps // 5)):
        c0, t0 = time.process_time(), time.perf_counter()
        run_steps()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    per_sample = statistics.median(times) / (steps * batch * world)
    n_params = sum(int(numpy.prod(p.shape)) for p in net.collect_params().values())
    extra = {}
    if world > 1:  # the all-reduce alone, for the on-paper extrapolation in docs/distributed.md
        flat = torch.ones(n_params)
        ar = []
        for _ in range(max(3, cfg.reps // 5)):
            t0 = time.perf_counter()
            dist.all_reduce(flat)
            ar.append(time.perf_counter() - t0)
        extra["all_reduce_of_all_grads_s"] = statistics.median(ar)
    return [
        Row(
            variant=f"shim: Gluon dist_sync training, {world} process(es) x 1 thread",
            median_s=per_sample,
            per="sample",
            extra={
                "samples_per_s": 1.0 / per_sample,
                "model": f"MLP {'-'.join(map(str, sizes))}, batch {batch} per worker",
                "world_size": world,
                "step_s": statistics.median(times) / steps,
                # CPU time of this process per step: on a loaded machine the wall time also
                # counts the waits for a core, this does not.
                "cpu_step_s": statistics.median(cpu) / steps,
                "grad_megabytes": n_params * 4 / 1e6,
                **extra,
            },
        )
    ]


def _worker(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--worker", choices=("overhead", "scaling"))
    p.add_argument("--out")
    p.add_argument("--reps", type=int)
    p.add_argument("--warmup", type=int)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true")
    a = p.parse_args(argv)
    import torch
    import torch.distributed as dist

    torch.set_num_threads(a.threads)
    cfg = Config(quick=a.quick, reps=a.reps, warmup=a.warmup, threads=a.threads)
    dist.init_process_group("gloo")  # the shim's dist_sync store uses this group
    try:
        rows = (_overhead if a.worker == "overhead" else _scaling)(cfg, torch, dist)
        if dist.get_rank() == 0:
            tmp = Path(a.out).with_suffix(".tmp")
            tmp.write_text(json.dumps([asdict(r) for r in rows], default=str))
            tmp.replace(a.out)
        dist.barrier()
    finally:
        dist.destroy_process_group()
    return 0


def run(cfg: Config) -> dict:
    if cfg.quick:  # sizes too small to time: the three groups run at once, to save time
        groups = [_Group("overhead", 2, cfg), _Group("scaling", 1, cfg), _Group("scaling", 2, cfg)]
        rows, one, two = (g.rows() for g in groups)
    else:  # one group at a time, so that none competes with another for the cores
        rows = _Group("overhead", 2, cfg).rows()
        one = _Group("scaling", 1, cfg).rows()
        two = _Group("scaling", 2, cfg).rows()
    if one[0].status == "ok" and two[0].status == "ok":
        t1, t2 = one[0].median_s, two[0].median_s
        two[0].baseline = one[0].variant
        two[0].ratio = two[0].ratio_min = two[0].ratio_max = t2 / t1
        two[0].goal = round(1 / GOAL_SPEEDUP, 3)
        two[0].extra["speedup_samples_per_s"] = t1 / t2
        two[0].note = f"speed-up {t1 / t2:.2f}x samples/s (goal >= {GOAL_SPEEDUP}x)"
        # An estimate for two idle cores: a step then takes about its CPU time (compute and the
        # all-reduce's own work); waits for a core, which a loaded machine adds, do not count.
        c1, c2 = one[0].extra["cpu_step_s"], two[0].extra["cpu_step_s"]
        two[0].extra["speedup_from_cpu_times"] = 2 * c1 / c2
        one[0].ratio = one[0].ratio_min = one[0].ratio_max = 1.0
        one[0].baseline = one[0].variant
    return {
        "rows": rows + one + two,
        "sizes": {"processes": "2 gloo workers on localhost, 1 thread each"},
        "load_average_at_end": os.getloadavg(),
    }


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
