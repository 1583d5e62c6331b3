"""Slow subprocess work started when the test session starts, collected by the tests that check it.

Most of the suite runs in pytest's one process on one core; the tests that launch fresh
interpreters (corpus runs, benchmark smoke run, 10,000-step memory runs, notebook comparisons)
used to leave that core idle while they waited. A test module names such work with
``@background.needs(job)`` (the ``background`` mark) on its tests; ``tests/conftest.py`` submits
every job of the selected tests once collection ends, and the work then runs on the second core,
one job at a time, while the in-process tests run. The test (or its fixture) calls
``result(job)``: it waits for the job and gets its return value or its exception, exactly what
calling ``job()`` in the test gives.
A job not submitted yet (a test run on its own, without the marker) starts when asked for.

A job runs in a thread of this process, so it must not depend on anything a test may change while
it runs: jobs pass ``ENV`` (the environment as the session started) and an explicit ``cwd`` to every
subprocess instead of inheriting ``os.environ`` and the current directory.

One effect of that thread: the MXNet dialect sees a second thread from the start of a full run,
so the in-process tests take its several-threads path (each walked node's thread is read; see
``recording._other_threads``), which gives the same results as the single-thread path. The
single-thread path is what the subprocess runs exercise: the seed and d2l notebooks compared with
real MXNet, the 10,000-step memory runs, the d2l package runs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

# The environment as it was before any test ran (tests may monkeypatch os.environ meanwhile).
ENV: dict[str, str] = dict(os.environ)
# The checkout's root, the directory jobs run their subprocesses in unless they need another.
ROOT = Path(__file__).resolve().parent.parent

# One worker: the jobs run one after another on the core pytest does not use.
_executor: ThreadPoolExecutor | None = None
# How much lower the jobs' processes run than pytest: a job starting several processes at once
# must not take pytest's core (the in-process tests are the run's critical path).
NICE = 10
_jobs: dict[Callable[[], Any], Future] = {}
_dirs: list[str] = []


def _lower_priority() -> None:
    # On Linux the nice value belongs to the thread (setpriority(2)), and the processes a thread
    # starts inherit it: this lowers the job thread and its subprocesses, never pytest's thread.
    # Elsewhere os.nice would lower the whole pytest process, so the jobs keep the default there.
    if sys.platform == "linux":
        os.nice(NICE)


def needs(*jobs: Callable[[], Any]) -> pytest.MarkDecorator:
    """Mark a test that waits for ``jobs``: they start with the session when it is selected."""
    # with_args: a lone callable given to a mark would be taken for the function it decorates.
    return pytest.mark.background.with_args(*jobs)


def submit(job: Callable[[], Any]) -> Future:
    """Start ``job`` in the background unless it already started; its future."""
    global _executor
    if job not in _jobs:
        if _executor is None:
            _executor = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="test-background", initializer=_lower_priority
            )
        _jobs[job] = _executor.submit(job)
    return _jobs[job]


def result(job: Callable[[], Any]) -> Any:
    """Wait for ``job`` (starting it now if it was not submitted) and return what it returned."""
    return submit(job).result()


def tmpdir(name: str) -> Path:
    """A fresh directory for a job's files, removed when the session ends."""
    path = tempfile.mkdtemp(prefix=f"autograd-compat-{name}-")
    _dirs.append(path)
    return Path(path)


def shutdown() -> None:
    """Wait for the running job (each has its own timeouts), drop the others, remove the files."""
    if _executor is not None:
        _executor.shutdown(wait=True, cancel_futures=True)
    for path in _dirs:
        shutil.rmtree(path, ignore_errors=True)
