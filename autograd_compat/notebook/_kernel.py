"""Execute a notebook in a fresh IPython kernel with the extension loaded (nbclient + ipykernel).

The kernel runs ``sys.executable``, the interpreter of the caller, through an in-memory kernel
spec: a globally installed "python3" kernel may be another interpreter without this package.
"""

from __future__ import annotations

import asyncio
import copy
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

from .. import _backend

# Per-cell status, stored in cell.metadata["autograd_compat"]["status"] of the executed notebook.
OK, ERROR, TIMEOUT, DIED, NOT_RUN = "ok", "error", "timeout", "died", "not run"
STATUSES: tuple[str, ...] = (OK, ERROR, TIMEOUT, DIED, NOT_RUN)

DEFAULT_TIMEOUT = 600.0
# Called directly rather than through %load_ext, so IPython's extension manager does not count it
# as loaded: a `%load_ext autograd_compat` cell in the notebook then reaches our loader, which
# finds itself loaded and returns silently, instead of IPython printing "already loaded".
_SETUP_CODE = "__import__('autograd_compat').load_ipython_extension(get_ipython())"
# After the cells: which implementation `import mxnet` / `import torch` gave in this kernel.
_PROBE_CODE = "__import__('autograd_compat.ipython_ext', fromlist=['_']).print_implementations()"
_TIMEOUT_ENAME = "_autograd_compat_cell_timeout"  # our marker in the error_on_timeout reply
_SETUP_TIMEOUT = 300.0  # loading the extension imports torch or mxnet; never hang forever

NOTEBOOK_EXTRA_HINT = "install the extra from the project checkout: pip install -e '.[notebook]'"
BOTH_EXTRAS_HINT = (
    "install the extras from the project checkout: pip install -e '.[notebook,mxnet]'"
)

# Called after each code cell: (backend, 1-based code-cell number, number of code cells, status).
ProgressCallback = Callable[[str, int, int, str], None]


class NotebookRunError(RuntimeError):
    """The notebook could not be run at all (kernel did not start, extension did not load)."""


def _require_jupyter() -> None:
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"running notebooks needs nbclient and ipykernel; {NOTEBOOK_EXTRA_HINT} ({exc})"
        ) from exc


def _kernel_manager(backend: str) -> Any:
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    env = {
        _backend.ENV_VAR: backend,
        # ipykernel's debugger otherwise warns about frozen modules on the kernel's stderr.
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    spec = KernelSpec(
        argv=[
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            # No history database: two kernels at once must not share one, and a run leaves no
            # trace in the user's profile.
            "--HistoryManager.hist_file=:memory:",
        ],
        display_name=f"Python {sys.version_info.major}.{sys.version_info.minor} "
        f"(autograd_compat, {backend} backend)",
        language="python",
        env=env,
        resource_dir="",
    )

    class _ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: ARG002
            return spec

    return AsyncKernelManager(kernel_name="autograd-compat", kernel_spec_manager=_ThisInterpreter())


async def _run_hidden(client: Any, code: str, timeout: float) -> tuple[str, dict | None]:
    """Run ``code`` outside the notebook (no history, no cell): return (stdout, error content)."""
    from queue import Empty

    from jupyter_core.utils import ensure_async

    kc = client.kc
    msg_id = await ensure_async(
        kc.execute(code, silent=False, store_history=False, allow_stdin=False)
    )
    stdout: list[str] = []
    error: dict | None = None
    deadline = time.monotonic() + timeout
    while True:
        if time.monotonic() > deadline:
            raise NotebookRunError(f"loading the extension took more than {timeout:.0f} s")
        try:
            msg = await ensure_async(kc.get_iopub_msg(timeout=1))
        except Empty:
            if not await ensure_async(kc.is_alive()):
                raise NotebookRunError("the kernel died while loading the extension") from None
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            stdout.append(content["text"])
        elif kind == "error":
            error = content
        elif kind == "status" and content["execution_state"] == "idle":
            break
    return "".join(stdout), error


def _error_output(ename: str, evalue: str) -> Any:
    import nbformat

    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


async def run_async(
    nb: Any,
    backend: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    cwd: str | None = None,
    progress: ProgressCallback | None = None,
) -> Any:
    """Execute a copy of ``nb`` on ``backend``; see :func:`autograd_compat.notebook.run`."""
    _require_jupyter()
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = copy.deepcopy(nb)
    code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    total = len(code_cells)
    replies: dict[int, dict] = {}

    def on_cell_executed(cell: Any, cell_index: int, execute_reply: dict) -> None:
        replies[cell_index] = execute_reply

    client = NotebookClient(
        nb,
        km=_kernel_manager(backend),
        # An infinite timeout means none (nbclient waits for ever on None).
        timeout_func=lambda cell: None if math.isinf(timeout) else timeout,
        allow_errors=True,  # run every cell, like "Run All" continuing past failures
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": _TIMEOUT_ENAME,
            "evalue": f"cell did not finish within {timeout:g} s",
            "traceback": [],
        },
        resources={"metadata": {"path": cwd or os.getcwd()}},
        on_cell_executed=on_cell_executed,
    )
    meta: dict[str, Any] = {"backend": backend, "timeout": timeout}
    stopped: str | None = None  # why the remaining cells are not run

    # The kernel process's own stdout/stderr (ipykernel's log lines, C-level crash messages)
    # go to a temporary file: not onto the user's terminal, but quoted if the kernel dies.
    log = tempfile.TemporaryFile(mode="w+b")
    km = client.km
    # The kernel's lifecycle is ours rather than nbclient's setup_kernel(): that one installs a
    # SIGINT handler per client, and with two kernels at once Ctrl-C then stops only one of
    # them. Here Ctrl-C cancels the run (asyncio.run's own handler) and `finally` stops both.
    try:
        try:
            await client.async_start_new_kernel(stdout=log, stderr=log)
            await client.async_start_new_kernel_client()
        except (RuntimeError, DeadKernelError) as exc:
            # jupyter_client raises RuntimeError when the kernel process cannot start.
            raise NotebookRunError(
                f"could not start a kernel for the {backend} backend: {_tail(log) or exc}"
            ) from exc
        banner, error = await _run_hidden(client, _SETUP_CODE, _SETUP_TIMEOUT)
        if error is not None:
            raise NotebookRunError(
                f"loading the autograd_compat extension failed in the {backend} kernel: "
                f"{error['ename']}: {error['evalue']}"
            )
        meta["extension"] = banner.strip()
        for number, (index, cell) in enumerate(code_cells, start=1):
            info: dict[str, Any] = {"status": NOT_RUN}
            if stopped:
                info["reason"] = stopped
                cell.outputs = []
                cell.execution_count = None
            else:
                start = time.monotonic()
                try:
                    await client.async_execute_cell(cell, index, execution_count=number)
                except DeadKernelError:
                    info["status"] = DIED
                    stopped = f"the kernel died in code cell {number}"
                    info["evalue"] = _tail(log) or "the kernel process exited"
                else:
                    if not cell.source.strip():  # nbclient does not send empty cells
                        cell.outputs, cell.execution_count = [], None
                    _settle(info, cell, replies.get(index))
                    if info["status"] == TIMEOUT and not _interrupted(cell):
                        # The interrupt did not stop the cell: the kernel is still busy with
                        # it, and every later cell would only time out behind it.
                        stopped = f"code cell {number} timed out and did not stop when interrupted"
                info["duration"] = round(time.monotonic() - start, 3)
                if info["status"] == TIMEOUT:
                    cell.outputs.append(_error_output("TimeoutError", info["evalue"]))
            # Assigned when complete: NotebookNode copies a dict on assignment.
            cell.metadata["autograd_compat"] = info
            if progress is not None:
                progress(backend, number, total, info["status"])
        if stopped is None:
            meta["implementations"] = await _probe(client)
    finally:
        # A kernel stuck in a cell that ignores interrupts would not stop gracefully either.
        await _shutdown(client, km, now=stopped is not None and "timed out" in stopped)
        log.close()
    nb.metadata["autograd_compat"] = meta  # assigned when complete (NotebookNode copies dicts)
    return nb


async def _probe(client: Any) -> dict[str, str]:
    """What ran each framework in the kernel (empty when the kernel cannot say)."""
    import json

    try:
        out, error = await _run_hidden(client, _PROBE_CODE, _SETUP_TIMEOUT)
        found = json.loads(out.strip().splitlines()[-1]) if error is None and out.strip() else {}
    except (NotebookRunError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


async def _shutdown(client: Any, km: Any, now: bool) -> None:
    from jupyter_core.utils import ensure_async

    try:
        if await ensure_async(km.is_alive()):
            await ensure_async(km.shutdown_kernel(now=now))
    except Exception:  # noqa: BLE001 - already gone: nothing left to stop
        pass
    finally:
        try:
            await ensure_async(km.cleanup_resources())
        except Exception:  # noqa: BLE001
            pass
        if client.kc is not None:
            # Channels stopped, but the client kept: nbclient's own watcher task of an
            # interrupted cell may still ask it whether the kernel is alive.
            client.kc.stop_channels()


def _tail(log: Any, limit: int = 400) -> str:
    """The last line of the kernel's own output (ipykernel's routine warnings left out)."""
    try:
        log.flush()
        log.seek(0)
        lines = log.read().decode("utf-8", "replace").splitlines()
    except (OSError, ValueError):
        return ""
    lines = [ln.strip() for ln in lines if ln.strip() and "WARNING |" not in ln]
    return lines[-1][-limit:] if lines else ""


def _settle(info: dict[str, Any], cell: Any, reply: dict | None) -> None:
    """Fill the status from the execute reply (None: empty cell, not sent to the kernel)."""
    content = (reply or {}).get("content", {})
    if content.get("status") != "error":
        info["status"] = OK
        return
    if content.get("ename") == _TIMEOUT_ENAME:
        info["status"] = TIMEOUT
        info["evalue"] = f"autograd_compat: {content['evalue']}; the kernel was interrupted"
        return
    info["status"] = ERROR
    info["ename"] = content.get("ename", "")
    info["evalue"] = content.get("evalue", "")


def _interrupted(cell: Any) -> bool:
    return any(
        o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt"
        for o in cell.outputs
    )


def run_sync(coro: Any) -> Any:
    """Run a coroutine from sync code, also when an event loop already runs (Jupyter)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Inside a running loop (a notebook calling compare()): run in a thread with its own loop.
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
