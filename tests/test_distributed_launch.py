"""``autograd-compat launch``: arguments, the torchrun command it stands for, and real runs of
2 worker processes on localhost (gloo) with ``import mxnet`` served by the shim in each worker;
the distributed example run unchanged by ``autograd-compat launch`` and by plain ``torchrun``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import background
import pytest

from autograd_compat.cli import main
from autograd_compat.distributed import launcher as L

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "distributed" / "train_mlp_dist.py"
HARD_TIMEOUT = 120  # seconds: a hung run fails the test instead of the suite


def _env() -> dict[str, str]:
    # The environment as the session started: the runs are background jobs (tests/background.py).
    env = dict(background.ENV)
    env.pop("AUTOGRAD_COMPAT_ALIAS_MXNET", None)
    env.update(PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    return env


def _run(cmd: list[str], cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    proc = subprocess.run(
        cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=HARD_TIMEOUT
    )
    return proc, time.monotonic() - t0


def _launch(*args: str, cwd: Path = ROOT) -> tuple[subprocess.CompletedProcess, float]:
    return _run([sys.executable, "-m", "autograd_compat", "launch", *args], cwd=cwd)


# --- arguments (no workers started) ----------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "name a script to run"),
        (["-n", "0", "x.py"], "must be >= 1"),
        (["-n", "two", "x.py"], "expected a whole number"),
        (["--timeout", "-1", "x.py"], "must be a finite number > 0"),
        (["--timeout", "inf", "x.py"], "must be a finite number > 0"),
        (["--backend", "mpi", "x.py"], "invalid choice"),
        (["-n", "2"], "name a script to run"),
        (["--nnodes", "2", "x.py"], "needs --master-addr"),
        (["--nnodes", "2", "--node-rank", "2", "--master-addr", "h", "x.py"], "--node-rank"),
        (["no_such_script.py"], "can't open file 'no_such_script.py'"),
        (["-n", "2", "--bogus", "x.py"], "unknown option '--bogus' before the script"),
        (["-n", "2", "-m"], "name a module after -m"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.py").write_text("")
    assert main(["launch", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("autograd-compat launch: ") and message in err, err


def test_help_and_the_commands_list(capsys) -> None:
    assert main(["launch", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-compat launch") and "--nproc-per-node" in out
    assert main(["--help"]) == 0
    assert "launch" in capsys.readouterr().out


def test_print_command_is_torchruns(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train.py").write_text("")
    argv = ["launch", "-n", "2", "--timeout", "5", "--backend", "gloo", "--print-command"]
    assert main([*argv, "train.py", "--epochs", "3", "-v"]) == 0
    assert capsys.readouterr().out.split() == [
        "AUTOGRAD_COMPAT_DIST_TIMEOUT=5",
        "AUTOGRAD_COMPAT_DIST_BACKEND=gloo",
        "torchrun",
        "--nproc-per-node",
        "2",
        "--max-restarts",
        "0",
        "--standalone",
        "-m",
        "autograd_compat",
        "exec",
        "train.py",
        "--epochs",
        "3",
        "-v",
    ]
    many = ["--nnodes", "3", "--node-rank", "1", "--master-addr", "10.0.0.1", "--print-command"]
    assert main(["launch", "-n", "4", *many, "--", "train.py"]) == 0
    assert capsys.readouterr().out.split() == [
        "torchrun",
        "--nproc-per-node",
        "4",
        "--max-restarts",
        "0",
        "--nnodes",
        "3",
        "--node-rank",
        "1",
        "--master-addr",
        "10.0.0.1",
        "--master-port",
        "29500",
        "-m",
        "autograd_compat",
        "exec",
        "train.py",
    ]


def test_a_module_and_options_written_with_equals(capsys) -> None:
    argv = ["launch", "--nproc-per-node=3", "--timeout=2.5", "--print-command", "-m", "pkg.train"]
    assert main([*argv, "-n", "1"]) == 0  # after the module: the module's own arguments
    out = capsys.readouterr().out.split()
    assert out[0] == "AUTOGRAD_COMPAT_DIST_TIMEOUT=2.5" and out[3] == "3"
    assert out[-6:] == ["autograd_compat", "exec", "-m", "pkg.train", "-n", "1"]


def test_exit_codes_of_workers() -> None:
    assert L.exit_code_of(3) == 3
    assert L.exit_code_of(-9) == 137  # killed by SIGKILL, as a shell reports it
    assert L.exit_code_of(-15) == 143
    assert L.exit_code_of(256) == 1


# --- real runs: 2 worker processes --------------------------------------------------------------

HELLO = """
import json, os, sys
import mxnet as mx
import torch
out = {
    "rank": os.environ["RANK"],
    "world": os.environ["WORLD_SIZE"],
    "argv": sys.argv,
    "mxnet": mx.__name__,
    "array_is_a_tensor": isinstance(mx.nd.ones((2,)), torch.Tensor),
    "timeout": os.environ.get("AUTOGRAD_COMPAT_DIST_TIMEOUT"),
    "backend": os.environ.get("AUTOGRAD_COMPAT_DIST_BACKEND"),
    "name": __name__,
}
with open(os.path.join(os.path.dirname(__file__), f"rank{out['rank']}.json"), "w") as f:
    json.dump(out, f)
if sys.argv[1:2] == ["fail"] and out["rank"] == "1":
    sys.exit(3)
"""


# The real runs are background jobs: they start with the session and run on the core pytest
# leaves idle (tests/background.py); each test waits for its run and checks it.


def _hello_run() -> tuple[subprocess.CompletedProcess, Path]:
    tmp_path = background.tmpdir("hello")
    script = tmp_path / "hello.py"
    script.write_text(HELLO)
    proc, _ = _launch("-n", "2", "--timeout", "7", "--backend", "gloo", str(script), "a", "--b")
    return proc, tmp_path


@pytest.mark.slow
@background.needs(_hello_run)
def test_each_worker_runs_the_script_with_mxnet_served_by_torch() -> None:
    proc, tmp_path = background.result(_hello_run)
    script = tmp_path / "hello.py"
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    for rank, info in enumerate(seen):
        assert info["rank"] == str(rank) and info["world"] == "2"
        assert info["argv"] == [str(script), "a", "--b"]
        assert info["mxnet"] == "autograd_compat.mxnet_on_torch"
        assert info["array_is_a_tensor"] is True
        assert info["timeout"] == "7" and info["backend"] == "gloo"
        assert info["name"] == "__main__"


def _failing_run() -> tuple[subprocess.CompletedProcess, float]:
    script = background.tmpdir("fail") / "hello.py"
    script.write_text(HELLO)
    return _launch("-n", "2", str(script), "fail")


@pytest.mark.slow
@background.needs(_failing_run)
def test_a_failing_worker_is_named_and_its_exit_code_returned() -> None:
    proc, elapsed = background.result(_failing_run)
    assert proc.returncode == 3, proc.stderr[-3000:]
    assert re.search(
        r"autograd-compat launch: rank 1 \(local rank 1, pid \d+\) exited with code 3", proc.stderr
    ), proc.stderr[-3000:]
    assert elapsed < 60


# --- the example, unchanged, under both launchers -----------------------------------------------


def _epochs(text: str) -> list[str]:
    # "Epoch 2: loss 0.4643, accuracy 0.9055 (2 workers, 2.3 s)" without the time
    return [line.rsplit(",", 1)[0] for line in text.splitlines() if line.startswith("Epoch ")]


def _example_runs() -> tuple:
    tmp_path = background.tmpdir("example")
    a, b = tmp_path / "launch.params", tmp_path / "torchrun.params"
    proc, _ = _launch("-n", "2", str(EXAMPLE), "--epochs", "2", "--save", str(a))
    if proc.returncode != 0:
        return proc, None, a, b
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    torchrun += ["--nproc-per-node", "2", "-m", "autograd_compat", "exec", str(EXAMPLE)]
    proc2, _ = _run([*torchrun, "--epochs", "2", "--save", str(b)])
    return proc, proc2, a, b


@pytest.mark.slow
@background.needs(_example_runs)
def test_the_example_runs_under_launch_and_under_torchrun() -> None:
    proc, proc2, a, b = background.result(_example_runs)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc2.returncode == 0, proc2.stderr[-3000:]

    epochs = _epochs(proc.stdout)
    assert len(epochs) == 2 and all("(2 workers" in e for e in epochs), proc.stdout
    accuracy = float(re.search(r"accuracy ([0-9.]+)", epochs[-1]).group(1))
    assert accuracy > 0.8, epochs  # it learns
    # Same seeds, same sums of two gradients: both launchers train to the same bits.
    assert _epochs(proc2.stdout) == epochs
    assert a.read_bytes() == b.read_bytes()


def _docs_script_run() -> tuple[str, subprocess.CompletedProcess]:
    text = (ROOT / "docs" / "distributed.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    script = background.tmpdir("docs") / "train.py"
    script.write_text(code)
    return code, _launch("-n", "2", str(script))[0]


@pytest.mark.slow
@background.needs(_docs_script_run)
def test_the_docs_twenty_line_script_runs_on_two_workers() -> None:
    code, proc = background.result(_docs_script_run)
    assert 'kv.create("dist_sync")' in code and len(code.splitlines()) <= 22
    assert proc.returncode == 0, proc.stderr[-3000:]
    for rank in (0, 1):
        assert re.search(rf"worker {rank}: epoch 2, loss [0-9.]+", proc.stdout), proc.stdout
