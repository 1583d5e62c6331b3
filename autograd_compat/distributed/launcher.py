"""``autograd-compat launch``: start N copies of an unmodified MXNet-style training script on
torch, one process per worker, through torch's own launcher (``torch.distributed.run``, the
program behind ``torchrun``).

Each worker runs ``python -m autograd_compat exec SCRIPT ARGS`` (``import mxnet`` is the MXNet
dialect on torch) with torch's environment for ``torch.distributed`` (``RANK``, ``WORLD_SIZE``,
``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), from which ``mx.kv.create('dist_sync')`` sets up
its process group. ``--timeout`` and ``--backend`` reach the workers as
``AUTOGRAD_COMPAT_DIST_TIMEOUT`` and ``AUTOGRAD_COMPAT_DIST_BACKEND``.

Faults: when a worker exits non-zero or is killed, torch's launcher stops the others and the
command exits non-zero with one line naming the first failing rank. A worker left waiting in a
collective for a peer that is stuck fails after the process-group timeout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from .._exec import FAILURES_ENV  # the workers run through exec, which notes failures

__all__ = [
    "BACKEND_ENV",
    "DEFAULT_TIMEOUT",
    "TIMEOUT_ENV",
    "LaunchUsageError",
    "exit_code_of",
    "launch",
    "parse",
    "torchrun_argv",
]


TIMEOUT_ENV = "AUTOGRAD_COMPAT_DIST_TIMEOUT"
BACKEND_ENV = "AUTOGRAD_COMPAT_DIST_BACKEND"
#: Seconds a collective (or the rendezvous of the process group) waits for the other workers.
DEFAULT_TIMEOUT = 60.0

PROG = "autograd-compat launch"
USAGE = f"""usage: {PROG} [-n N] [--backend {{gloo,nccl}}] [--timeout S] [--nnodes M]
       [--node-rank R] [--master-addr HOST] [--master-port PORT] [--print-command]
       (SCRIPT | -m MODULE) [ARGS ...]

Run SCRIPT (or MODULE) in N worker processes on this machine (torch's launcher, torchrun),
each with `import mxnet` served by autograd_compat's MXNet dialect on torch, as
`autograd-compat exec` does. Everything after SCRIPT or -m MODULE is passed to the program.

options:
  -n, --nproc-per-node N  workers on this machine (default 1)
  --backend {{gloo,nccl}}   torch.distributed backend of mx.kv's dist stores (default: gloo
                          for CPU contexts, nccl for GPU contexts)
  --timeout S             seconds a worker waits for the others in the process group's
                          rendezvous and in each collective before failing (default
                          ${TIMEOUT_ENV} or {DEFAULT_TIMEOUT:g})
  --nnodes M              machines taking part (default 1); with M > 1 run the same command on
                          each machine with its --node-rank and rank 0's --master-addr
  --node-rank R           this machine's index, 0 .. M-1 (default 0)
  --master-addr HOST      address of the machine with node rank 0 (default 127.0.0.1)
  --master-port PORT      port on it (default: a free port when M is 1, else 29500)
  --print-command         print the equivalent torchrun command line and exit

Exit code: 0 when every worker exited 0; else the first failing worker's exit code (128 + N
when it was killed by signal N), with a line on stderr naming its rank; 2 for bad arguments."""


class LaunchUsageError(Exception):
    """Bad ``launch`` arguments: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise LaunchUsageError(f"{PROG}: {message} (see {PROG} --help)")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}")
    return value


@dataclass
class LaunchArgs:
    nproc_per_node: int
    backend: str | None
    timeout: float | None
    nnodes: int
    node_rank: int
    master_addr: str | None
    master_port: int | None
    print_command: bool
    program: list[str]


_WITH_VALUE = {
    "-n",
    "--nproc-per-node",
    "--nproc_per_node",
    "--backend",
    "--timeout",
    "--nnodes",
    "--node-rank",
    "--node_rank",
    "--master-addr",
    "--master_addr",
    "--master-port",
    "--master_port",
}
_FLAGS = {"-h", "--help", "--print-command"}


def _split(argv: list[str]) -> tuple[list[str], list[str]]:
    """``launch``'s own options and the program (``SCRIPT ARGS`` or ``-m MODULE ARGS``): the
    program starts at the first word that is not one of launch's options, as with ``python``."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return argv[:i], argv[i + 1 :]
        if word in _FLAGS or ("=" in word and word.split("=", 1)[0] in _WITH_VALUE):
            i += 1
        elif word in _WITH_VALUE:
            i += 2
        else:
            break
    return argv[:i], argv[i:]


def parse(argv: list[str]) -> LaunchArgs | None:
    """``launch``'s options, then the script and its arguments; None for ``--help``."""
    if not argv:
        raise LaunchUsageError(f"{PROG}: name a script to run (see {PROG} --help)")
    options, program = _split(argv)
    p = _Parser(prog=PROG, add_help=False)
    p.add_argument("-h", "--help", action="store_true")
    p.add_argument("-n", "--nproc-per-node", "--nproc_per_node", type=_count, default=1)
    p.add_argument("--backend", choices=("gloo", "nccl"))
    p.add_argument("--timeout", type=_seconds)
    p.add_argument("--nnodes", type=_count, default=1)
    p.add_argument("--node-rank", "--node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr")
    p.add_argument("--master-port", "--master_port", type=int)
    p.add_argument("--print-command", action="store_true")
    ns = p.parse_args(options)
    if ns.help:
        return None
    if not program or program == ["-m"]:
        what = "a module after -m" if program else "a script to run, or -m MODULE"
        raise LaunchUsageError(f"{PROG}: name {what} (see {PROG} --help)")
    if program[0].startswith("-") and program[0] != "-m":
        raise LaunchUsageError(f"{PROG}: unknown option {program[0]!r} before the script")
    if not 0 <= ns.node_rank < ns.nnodes:
        raise LaunchUsageError(
            f"{PROG}: --node-rank must be in [0, {ns.nnodes}), got {ns.node_rank}"
        )
    if ns.nnodes > 1 and not ns.master_addr:
        raise LaunchUsageError(f"{PROG}: --nnodes {ns.nnodes} needs --master-addr (node 0's host)")
    if program[0] != "-m" and not os.path.exists(program[0]):
        raise LaunchUsageError(f"{PROG}: can't open file {program[0]!r}: no such file")
    return LaunchArgs(
        nproc_per_node=ns.nproc_per_node,
        backend=ns.backend,
        timeout=ns.timeout,
        nnodes=ns.nnodes,
        node_rank=ns.node_rank,
        master_addr=ns.master_addr,
        master_port=ns.master_port,
        print_command=ns.print_command,
        program=list(program),
    )


def torchrun_argv(args: LaunchArgs) -> list[str]:
    """The arguments of ``torchrun`` that start the workers: each runs ``python -m
    autograd_compat exec SCRIPT ARGS``."""
    out = ["--nproc-per-node", str(args.nproc_per_node), "--max-restarts", "0"]
    if args.nnodes == 1 and args.master_port is None:
        out.append("--standalone")  # a rendezvous on a free local port
    else:
        out += ["--nnodes", str(args.nnodes), "--node-rank", str(args.node_rank)]
        out += ["--master-addr", args.master_addr or "127.0.0.1"]
        out += ["--master-port", str(args.master_port or 29500)]
    return [*out, "-m", "autograd_compat", "exec", *args.program]


def worker_env(args: LaunchArgs) -> dict[str, str]:
    """The variables ``launch`` adds to the workers' environment."""
    env = {}
    if args.timeout is not None:
        env[TIMEOUT_ENV] = f"{args.timeout:g}"
    if args.backend is not None:
        env[BACKEND_ENV] = args.backend
    return env


def exit_code_of(exitcode: int) -> int:
    """A worker's exit code as a shell reports it: 128 + N when killed by signal N."""
    if exitcode < 0:
        return 128 - exitcode
    return exitcode if 0 < exitcode < 256 else 1


def _describe(exitcode: int) -> str:
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"was killed by {name}"
    return f"exited with code {exitcode}"


def launch(argv: list[str]) -> int:
    """Run ``autograd-compat launch ARGV``; returns the exit code."""
    try:
        args = parse(argv)
    except LaunchUsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args is None:
        print(USAGE)
        return 0
    trargv = torchrun_argv(args)
    env = worker_env(args)
    if args.print_command:
        prefix = " ".join(f"{k}={v}" for k, v in env.items())
        print(" ".join(filter(None, [prefix, "torchrun", *trargv])))
        return 0

    from torch.distributed import run as torchrun
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    os.environ.update(env)  # inherited by the workers
    failures_dir = tempfile.mkdtemp(prefix="autograd-compat-launch-")
    os.environ[FAILURES_ENV] = failures_dir
    try:
        torchrun.run(torchrun.parse_args(trargv))
    except ChildFailedError as exc:
        rank, failure = _first_failure(exc, failures_dir)
        others = sorted(r for r in exc.failures if r != rank)
        more = f"; rank(s) {', '.join(map(str, others))} failed too" if others else ""
        print(
            f"{PROG}: rank {rank} (local rank {failure.local_rank}, pid {failure.pid}) "
            f"{_describe(failure.exitcode)}; the other workers were stopped{more}",
            file=sys.stderr,
        )
        return exit_code_of(failure.exitcode)
    except SignalException as exc:
        print(f"{PROG}: stopped by {exc.sigval.name}; the workers were stopped", file=sys.stderr)
        return 128 + int(exc.sigval)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(failures_dir, ignore_errors=True)
    return 0


def _first_failure(exc: Any, failures_dir: str) -> tuple[int, Any]:
    """The worker that failed first. A worker killed by a signal other than SIGTERM could note
    nothing and is the cause; else the earliest time a worker noted (a peer that stopped because
    of it fails later); SIGTERM is how the agent stops the rest, so those come last; torch's own
    choice (whole-second times) when nothing else tells."""
    failures = exc.failures
    killed = [r for r, f in failures.items() if f.exitcode < 0 and f.exitcode != -signal.SIGTERM]
    if killed:
        return min(killed), failures[min(killed)]
    noted = {}
    for rank in failures:
        try:
            with open(os.path.join(failures_dir, str(rank))) as f:
                when, code = f.read().split()
            noted[rank] = (float(when), int(code))
        except (OSError, ValueError):
            pass
    if noted:
        rank = min(noted, key=noted.__getitem__)
        failure = failures[rank]
        if failure.exitcode == -signal.SIGTERM:
            # It had failed on its own (the note says so) and was stopped while exiting.
            failure.exitcode = noted[rank][1]
        return rank, failure
    return exc.get_first_failure()
