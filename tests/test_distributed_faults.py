"""Faults in distributed training end every worker in bounded time with a non-zero exit: a
worker that raises, is killed, leaves early or hangs; a worker that never arrives. Real runs of 2
gloo processes on localhost with ``mx.kv.create('dist_sync')``, under ``autograd-compat launch``
(torch's elastic agent stops the others and the failing rank is named) and without a launcher
(the process-group timeout, ``AUTOGRAD_COMPAT_DIST_TIMEOUT``, ends the survivor).

Rank 0 prints the machine's monotonic clock when it starts waiting for the faulty peer (which
faults only after that), so the time to detect the fault is measured from there, apart from the
(slow, under load) start-up.

Each run is a background job (tests/background.py): it starts with the session and runs on the
core pytest leaves idle (the runs mostly wait for timeouts); each test waits for its run.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import background
import pytest

pytestmark = pytest.mark.slow

HARD_TIMEOUT = 150  # seconds: a hang fails the test (and kills the processes), never the suite
TIMEOUT = 5  # AUTOGRAD_COMPAT_DIST_TIMEOUT of the workers
# Detection after the wait starts: the timeout, plus the agent's shutdown and a loaded machine.
BOUND = TIMEOUT + 25

WORKER = """
import os, signal, sys, time
import mxnet as mx

mode = sys.argv[1]
kv = mx.kv.create("dist_sync")
kv.init("w", mx.nd.zeros((4,)))
out = mx.nd.zeros((4,))
kv.pushpull("w", mx.nd.ones((4,)) * (kv.rank + 1), out=out)  # every rank: one collective
assert out.asnumpy().tolist() == [3.0] * 4, out
ready = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rank0-waits")
if kv.rank == 0:
    print(f"rank 0 waits at {time.monotonic():.3f}", flush=True)
    open(ready, "w").close()
else:
    while not os.path.exists(ready):  # the fault comes after rank 0 has said when it waits
        time.sleep(0.05)
if kv.rank == 1:
    if mode == "raise":
        raise RuntimeError("worker 1 fails on purpose")
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "leave":
        sys.exit(0)  # without the collective the others wait in
    if mode == "hang":
        time.sleep(600)
kv.pushpull("w", mx.nd.ones((4,)), out=out)
out.wait_to_read()
print(f"rank {kv.rank} was not stopped", flush=True)
"""


def _env(**extra: str) -> dict[str, str]:
    env = dict(background.ENV)  # the environment as the session started
    env.pop("AUTOGRAD_COMPAT_ALIAS_MXNET", None)
    env.update(PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", **extra)
    return env


def _waited_at(stdout: str) -> float:
    found = re.findall(r"rank 0 waits at ([0-9.]+)", stdout)
    assert found, stdout
    return float(found[0])


def _worker(name: str) -> Path:
    path = background.tmpdir(f"worker-{name}") / "worker.py"
    path.write_text(WORKER)
    return path


def _launch(worker: Path, mode: str) -> tuple[subprocess.CompletedProcess, float]:
    cmd = [sys.executable, "-m", "autograd_compat", "launch", "-n", "2"]
    cmd += ["--timeout", str(TIMEOUT), str(worker), mode]
    proc = subprocess.run(
        cmd, env=_env(), cwd=background.ROOT, capture_output=True, text=True, timeout=HARD_TIMEOUT
    )
    return proc, time.monotonic()


# --- under autograd-compat launch (torch's elastic agent) ---------------------------------------


def _raise_run():
    return _launch(_worker("raise"), "raise")


def _kill_run():
    return _launch(_worker("kill"), "kill")


def _leave_run():
    return _launch(_worker("leave"), "leave")


def _hang_run():
    return _launch(_worker("hang"), "hang")


@background.needs(_raise_run)
def test_a_worker_that_raises_stops_the_others() -> None:
    proc, end = background.result(_raise_run)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "RuntimeError: worker 1 fails on purpose" in proc.stderr
    assert re.search(r"launch: rank 1 \(local rank 1, pid \d+\) exited with code 1", proc.stderr)
    assert "was not stopped" not in proc.stdout
    assert end - _waited_at(proc.stdout) < BOUND


@background.needs(_kill_run)
def test_a_killed_worker_stops_the_others() -> None:
    proc, end = background.result(_kill_run)
    assert proc.returncode == 128 + 9, proc.stderr[-3000:]
    assert re.search(r"launch: rank 1 \(.*\) was killed by SIGKILL", proc.stderr), proc.stderr
    assert "was not stopped" not in proc.stdout
    assert end - _waited_at(proc.stdout) < BOUND


@background.needs(_leave_run)
def test_a_worker_that_leaves_early_fails_the_one_left_waiting() -> None:
    # Rank 1 exits 0 (a success for the agent); rank 0's collective fails: its peer is gone.
    proc, end = background.result(_leave_run)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert re.search(r"launch: rank 0 \(.*\) exited with code 1", proc.stderr), proc.stderr
    assert "MXNetError" in proc.stderr and "failed on rank 0 of 2" in proc.stderr
    assert end - _waited_at(proc.stdout) < BOUND


@background.needs(_hang_run)
def test_a_hung_worker_makes_the_other_time_out() -> None:
    # Rank 1 sleeps; rank 0's collective times out after --timeout, then the agent stops rank 1.
    proc, end = background.result(_hang_run)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert re.search(r"launch: rank 0 \(.*\) exited with code 1", proc.stderr), proc.stderr
    assert "failed on rank 0 of 2" in proc.stderr
    waited = end - _waited_at(proc.stdout)
    assert TIMEOUT - 1 < waited < BOUND, waited


# --- without a launcher: processes started by hand with torch's variables -----------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(worker: Path, mode: str, ranks: list[int], world: int = 2) -> list[subprocess.Popen]:
    port = str(_free_port())
    procs = []
    for rank in ranks:
        env = _env(
            RANK=str(rank),
            WORLD_SIZE=str(world),
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=port,
            AUTOGRAD_COMPAT_DIST_TIMEOUT=str(TIMEOUT),
        )
        cmd = [sys.executable, "-m", "autograd_compat", "exec", str(worker), mode]
        procs.append(
            subprocess.Popen(
                cmd,
                env=env,
                cwd=background.ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return procs


def _finish(proc: subprocess.Popen) -> tuple[int, str, str, float]:
    try:
        out, err = proc.communicate(timeout=HARD_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"pid {proc.pid} did not end within {HARD_TIMEOUT} s: {err[-2000:]}")
    return proc.returncode, out, err, time.monotonic()


def _killed_peer_run():
    procs = _start(_worker("peer"), "kill", [0, 1])
    try:
        code, out, err, end = _finish(procs[0])
    finally:
        for p in procs:
            p.kill()
            p.communicate()
    return procs[1].returncode, code, out, err, end


@background.needs(_killed_peer_run)
def test_without_a_launcher_a_killed_peer_fails_the_survivor() -> None:
    peer_code, code, out, err, end = background.result(_killed_peer_run)
    assert peer_code == -9
    assert code == 1, err[-3000:]
    assert "MXNetError" in err and "failed on rank 0 of 2" in err, err[-3000:]
    assert end - _waited_at(out) < BOUND


def _missing_worker_run():
    worker = _worker("missing")
    t0 = time.monotonic()
    (proc,) = _start(worker, "raise", [0])  # world size 2, rank 1 never starts
    return t0, *_finish(proc)


@background.needs(_missing_worker_run)
def test_without_a_launcher_a_missing_worker_times_out_the_rendezvous() -> None:
    t0, code, out, err, end = background.result(_missing_worker_run)
    assert code != 0, err[-3000:]
    assert "rank 0 waits" not in out
    assert end - t0 < BOUND + 40  # start-up (slow under load) + the rendezvous timeout
