"""Threads: 8 concurrent MXNet-style training loops give exactly the sequential results.

Each thread runs its own loop (``record()``, ``pause()``, ``train_mode()``, ``predict_mode()``,
``backward()``, an in-place SGD update outside ``record()``) on the MXNet dialect of one backend,
logging the recording/training state it sees at every point. The concurrent run must reproduce
the one-after-another run bit for bit, and every thread must see only its own scope state
(MXNet's scope state is thread-local; a thread started inside ``record()`` sees nothing of it).
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from reliability_report import record

from autograd_compat import namespace

N_THREADS = 8
STEPS = 25


def _loop(ns, seed, barrier=None):
    ag, nd = ns.autograd, ns.nd
    rng = np.random.RandomState(seed)
    X = nd.array(rng.randn(16, 3).astype("float32"))
    Y = nd.array(rng.randn(16, 1).astype("float32"))
    w = nd.array(rng.randn(3, 1).astype("float32"))
    b = nd.zeros((1,))
    w.attach_grad()
    b.attach_grad(grad_req="add" if seed % 2 else "write")
    states, losses = [], []
    if barrier is not None:
        barrier.wait()
    for step in range(STEPS):
        states.append(("top", ag.is_recording(), ag.is_training()))
        # Alternate the training flag a recording scope sets, so threads disagree at any moment.
        with ag.record(train_mode=bool((seed + step) % 2)):
            states.append(("record", ag.is_recording(), ag.is_training()))
            pred = nd.dot(X, w) + b
            with ag.pause():
                states.append(("pause", ag.is_recording(), ag.is_training()))
                _ = pred * 2  # not recorded
            with ag.predict_mode():
                states.append(("predict", ag.is_recording(), ag.is_training()))
            loss = ((pred - Y) ** 2).mean()
        loss.backward()
        with ag.train_mode():
            states.append(("train_mode", ag.is_recording(), ag.is_training()))
            w[:] = w - 0.05 * w.grad
            b[:] = b - 0.05 * b.grad
        if seed % 2:
            b.grad[:] = 0
        losses.append(loss.asnumpy().copy())
    states.append(("end", ag.is_recording(), ag.is_training()))
    return np.concatenate([v.ravel() for v in losses]), w.asnumpy(), b.asnumpy(), states


def _expected_states(seed):
    out = []
    for step in range(STEPS):
        train = bool((seed + step) % 2)
        out += [
            ("top", False, False),
            ("record", True, train),
            ("pause", False, False),
            ("predict", True, False),
            ("train_mode", False, True),
        ]
    return out + [("end", False, False)]


@pytest.mark.parametrize("backend", ["torch", pytest.param("mxnet", marks=pytest.mark.mxnet)])
def test_eight_threads_match_sequential(backend):
    ns = namespace("mxnet", backend)
    sequential = [_loop(ns, seed) for seed in range(N_THREADS)]
    results: dict[int, object] = {}
    barrier = threading.Barrier(N_THREADS)

    def worker(seed):
        try:
            results[seed] = _loop(ns, seed, barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            results[seed] = exc

    # Started inside record(): the workers must not see this thread's scope.
    with ns.autograd.record():
        threads = [threading.Thread(target=worker, args=(s,)) for s in range(N_THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert ns.autograd.is_recording() and ns.autograd.is_training()
    assert not ns.autograd.is_recording() and not ns.autograd.is_training()
    for seed in range(N_THREADS):
        got = results[seed]
        if isinstance(got, BaseException):
            raise got
        want = sequential[seed]
        assert got[3] == _expected_states(seed), f"thread {seed} saw another thread's scope"
        assert want[3] == _expected_states(seed)
        for a, b in zip(got[:3], want[:3]):
            np.testing.assert_array_equal(a, b)
    record(
        "threads", f"{backend}: threads x steps, identical to sequential", f"{N_THREADS} x {STEPS}"
    )
