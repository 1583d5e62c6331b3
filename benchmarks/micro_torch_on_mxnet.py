"""Where case 4's time goes: the torch dialect on MXNet against native MXNet, op by op and phase
by phase (forward, backward, update) of the case-1 MLP step.

    /work/devenv/bin/python benchmarks/micro_torch_on_mxnet.py [--steps 60] [--size tiny|full]

``tiny`` (8-12-6-3) leaves only the per-call overhead (Python and MXNet's C API); ``full``
(256-784-256-10) is case 4's size. Variants alternate step by step; medians are printed. Threads
are pinned to one, as in ``run.py``. The numbers are for diagnosis, not a benchmark result.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import timeit

for _k in (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MXNET_CPU_WORKER_NTHREADS",
    "MXNET_OMP_MAX_THREADS",
):
    os.environ.setdefault(_k, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mxnet as mx  # noqa: E402
import numpy  # noqa: E402
from cases import _programs as P  # noqa: E402

import autograd_compat  # noqa: E402

T = autograd_compat.namespace("torch", "mxnet")
LR = 0.1


def per_op(reps: int = 9) -> None:
    """µs per op on 8×6 arrays, 10 ops per call, interleaved; MXNet's side records as in
    ``record()``, the dialect's because its inputs require grad."""
    a, b = numpy.ones((8, 6), numpy.float32), numpy.ones(6, numpy.float32)
    na, nb = mx.nd.array(a), mx.nd.array(b)
    na.attach_grad()
    nb.attach_grad()
    ta, tb = T.tensor(a, requires_grad=True), T.tensor(b, requires_grad=True)

    def rec(f):
        def g():
            with mx.autograd.record():
                f()

        return g

    cases = {
        "add, native mx.nd": rec(lambda: [na + nb for _ in range(10)]),
        "add, torch dialect": lambda: [ta + tb for _ in range(10)],
        "exp, native mx.nd": rec(lambda: [mx.nd.exp(na) for _ in range(10)]),
        "exp, torch dialect": lambda: [T.exp(ta) for _ in range(10)],
        "mul by scalar, native mx.nd": rec(lambda: [na * 0.5 for _ in range(10)]),
        "mul by scalar, torch dialect": lambda: [ta * 0.5 for _ in range(10)],
    }
    res: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(reps):
        for k, f in cases.items():
            res[k].append(min(timeit.repeat(f, number=50, repeat=3)) / 500 * 1e6)
            mx.nd.waitall()
    for k, v in res.items():
        print(f"  {k:30s} {statistics.median(v):6.2f} µs/op")


def mlp_phases(sizes: tuple, steps: int) -> None:
    d = P.mlp_data(*sizes)
    batch = sizes[0]
    wait = mx.nd.waitall

    nd_params = [mx.nd.array(p) for p in d["params"]]
    for p in nd_params:
        p.attach_grad()
    nd_state = (mx.nd.array(d["X"]), mx.nd.array(d["Y"]), nd_params)
    t_state = (
        T.tensor(d["X"]),
        T.tensor(d["Y"]),
        [T.tensor(p, requires_grad=True) for p in d["params"]],
    )

    def native(s):
        X, Y, (W1, b1, W2, b2) = s
        nd = mx.nd
        t0 = time.perf_counter()
        with mx.autograd.record():
            H = nd.relu(nd.dot(X, W1) + b1)
            logits = nd.dot(H, W2) + b2
            loss = nd.log(nd.sum(nd.exp(logits), axis=1)) - nd.sum(logits * Y, axis=1)
        wait()
        t1 = time.perf_counter()
        loss.backward()
        wait()
        t2 = time.perf_counter()
        for p in s[2]:
            p[:] = p - LR * p.grad / batch
        wait()
        return t1 - t0, t2 - t1, time.perf_counter() - t2

    def dialect(s):
        X, Y, (W1, b1, W2, b2) = s
        torch = T
        t0 = time.perf_counter()
        H = torch.relu(torch.matmul(X, W1) + b1)
        logits = torch.matmul(H, W2) + b2
        loss = torch.log(torch.exp(logits).sum(dim=1)) - (logits * Y).sum(dim=1)
        wait()
        t1 = time.perf_counter()
        loss.backward(torch.ones_like(loss))
        wait()
        t2 = time.perf_counter()
        with torch.no_grad():
            for p in s[2]:
                p[:] = p - LR * p.grad / batch
                p.grad = None
        wait()
        return t1 - t0, t2 - t1, time.perf_counter() - t2

    runs = {"native mx.nd": (native, nd_state), "torch dialect": (dialect, t_state)}
    res: dict[str, list] = {k: [] for k in runs}
    for i in range(steps + 5):
        for k in list(runs)[:: 1 if i % 2 else -1]:
            f, s = runs[k]
            r = f(s)
            if i >= 5:
                res[k].append(r)
    for k, rows in res.items():
        fwd, bwd, upd = (statistics.median(c) * 1e3 for c in zip(*rows))
        tot = statistics.median(sum(r) for r in rows) * 1e3
        print(
            f"  {k:14s} forward {fwd:.3f}  backward {bwd:.3f}  update {upd:.3f}  step {tot:.3f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--size", choices=("tiny", "full"), default="full")
    args = ap.parse_args()
    print("per op (8x6 arrays):")
    per_op()
    sizes = (8, 12, 6, 3) if args.size == "tiny" else (256, 784, 256, 10)
    print(f"MLP step phases {sizes}, medians of {args.steps} steps:")
    mlp_phases(sizes, args.steps)


if __name__ == "__main__":
    main()
