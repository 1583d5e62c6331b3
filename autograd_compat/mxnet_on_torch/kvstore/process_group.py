"""The ``torch.distributed`` process group that MXNet's distributed stores (``dist_sync``, ...)
run on, set up from the launcher's environment.

Two launchers are understood:

* torch's (``torchrun``, ``autograd-compat launch``): ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``,
  ``MASTER_PORT``;
* MXNet's (``tools/launch.py``, dmlc-tracker): ``DMLC_ROLE``, ``DMLC_NUM_WORKER``,
  ``DMLC_PS_ROOT_URI``, ``DMLC_PS_ROOT_PORT``, with the worker's rank from ``DMLC_WORKER_ID``
  (or ``DMLC_TASK_ID``, ``OMPI_COMM_WORLD_RANK``, ``PMI_RANK``). The torch backend needs no
  parameter server: a process started as ``server`` or ``scheduler`` prints a note and exits 0.

Collectives time out after ``AUTOGRAD_COMPAT_DIST_TIMEOUT`` seconds (default 60), so a worker
that dies makes the others fail instead of waiting for ever.
"""

from __future__ import annotations

import atexit
import datetime
import os
import sys
from collections.abc import Mapping

import torch
import torch.distributed as dist

from ..base import MXNetError

__all__ = ["default_backend", "dist_timeout", "init_process_group_from_env", "launch_env"]

TIMEOUT_ENV = "AUTOGRAD_COMPAT_DIST_TIMEOUT"
BACKEND_ENV = "AUTOGRAD_COMPAT_DIST_BACKEND"
DEFAULT_TIMEOUT = 60.0
_TORCH_VARS = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
_DMLC_RANK_VARS = ("DMLC_WORKER_ID", "DMLC_TASK_ID", "OMPI_COMM_WORLD_RANK", "PMI_RANK")
_NO_LAUNCHER = (
    'Check  notnull: Environment::Get()->find("DMLC_NUM_WORKER") : a distributed KVStore needs '
    "a launcher. Hint: start the script with `autograd-compat launch -n N script.py` or "
    "`torchrun --nproc-per-node N script.py` (or set RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT)."
)


def dist_timeout(environ: Mapping[str, str] = os.environ) -> datetime.timedelta:
    """The collectives' timeout: ``AUTOGRAD_COMPAT_DIST_TIMEOUT`` seconds, default 60."""
    raw = environ.get(TIMEOUT_ENV, "")
    try:
        seconds = float(raw) if raw.strip() else DEFAULT_TIMEOUT
    except ValueError:
        raise MXNetError(f"{TIMEOUT_ENV}={raw!r} is not a number of seconds") from None
    if not seconds > 0:
        raise MXNetError(f"{TIMEOUT_ENV}={raw!r} must be a positive number of seconds")
    return datetime.timedelta(seconds=seconds)


def default_backend() -> str:
    """``AUTOGRAD_COMPAT_DIST_BACKEND`` if set (``autograd-compat launch --backend``), else gloo
    for CPU tensors, and NCCL for CUDA tensors where torch has both."""
    chosen = os.environ.get(BACKEND_ENV, "").strip()
    if chosen:
        return chosen
    if torch.cuda.is_available() and dist.is_nccl_available():
        return "cpu:gloo,cuda:nccl"
    return "gloo"


def _exit_if_not_a_worker(environ: Mapping[str, str]) -> None:
    role = environ.get("DMLC_ROLE", "worker")
    if role in ("server", "scheduler"):
        print(
            f"autograd_compat: DMLC_ROLE={role}: the torch backend needs no parameter server or "
            "scheduler (workers talk through torch.distributed); this process exits.",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(0)


def launch_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT`` from torch's or MXNet's launch
    variables (torch's win); ``MXNetError`` when neither launcher set them."""
    if all(environ.get(v) for v in _TORCH_VARS):
        return {v: environ[v] for v in _TORCH_VARS}
    if not environ.get("DMLC_NUM_WORKER"):
        raise MXNetError(_NO_LAUNCHER)
    missing = [v for v in ("DMLC_PS_ROOT_URI", "DMLC_PS_ROOT_PORT") if not environ.get(v)]
    if missing:
        raise MXNetError(f"MXNet launch variable(s) {', '.join(missing)} not set")
    rank = next((environ[v] for v in _DMLC_RANK_VARS if environ.get(v)), None)
    if rank is None:
        raise MXNetError(
            "MXNet's launcher gave no worker rank (ps-lite assigns it in its scheduler, which the "
            f"torch backend does not run). Hint: set one of {', '.join(_DMLC_RANK_VARS)}, or "
            "start the script with `autograd-compat launch` or `torchrun`."
        )
    return {
        "RANK": rank,
        "WORLD_SIZE": environ["DMLC_NUM_WORKER"],
        "MASTER_ADDR": environ["DMLC_PS_ROOT_URI"],
        "MASTER_PORT": environ["DMLC_PS_ROOT_PORT"],
    }


def _destroy_at_exit() -> None:
    # A process that exits with the group alive can abort in interpreter finalization ("terminate
    # called without an active exception": gloo's threads still hold work objects; torch issue
    # 190489). Destroying the group while the interpreter is whole avoids it.
    if dist.is_initialized():
        try:
            dist.destroy_process_group()
        except Exception:  # noqa: BLE001 - never mask the program's own exit
            pass


def init_process_group_from_env(
    backend: str | None = None, timeout: float | datetime.timedelta | None = None
) -> None:
    """Initialise torch's default process group from the launcher's environment, unless it
    already is (then it is used as it is). ``backend`` defaults to gloo on CPU (plus NCCL for
    CUDA tensors when available); ``timeout`` (seconds) to ``AUTOGRAD_COMPAT_DIST_TIMEOUT``."""
    if dist.is_initialized():
        return
    _exit_if_not_a_worker(os.environ)
    if not dist.is_available():
        raise MXNetError("this torch build has no torch.distributed")
    env = launch_env(os.environ)
    if timeout is None:
        timeout = dist_timeout(os.environ)
    elif not isinstance(timeout, datetime.timedelta):
        timeout = datetime.timedelta(seconds=float(timeout))
    backend = backend or default_backend()
    if "nccl" in backend and torch.cuda.is_available():
        # NCCL's object collectives (the init shape check) run on the current CUDA device:
        # one GPU per local worker, as torchrun's LOCAL_RANK numbers them.
        local = int(os.environ.get("LOCAL_RANK", env["RANK"]))
        torch.cuda.set_device(local % torch.cuda.device_count())
    if all(os.environ.get(v) for v in _TORCH_VARS):
        # env:// also honours torchrun's agent store (TORCHELASTIC_USE_AGENT_STORE).
        dist.init_process_group(backend, init_method="env://", timeout=timeout)
    else:
        dist.init_process_group(
            backend,
            init_method=f"tcp://{env['MASTER_ADDR']}:{env['MASTER_PORT']}",
            rank=int(env["RANK"]),
            world_size=int(env["WORLD_SIZE"]),
            timeout=timeout,
        )
    atexit.register(_destroy_at_exit)  # only for the group made here
