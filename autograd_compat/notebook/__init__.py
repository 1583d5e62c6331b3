"""Run a notebook unchanged on a backend, or on both and compare the outputs cell by cell.

::

    from autograd_compat import notebook

    nb = notebook.run("autograd.ipynb", "mxnet")   # the executed notebook (nbformat)
    report = notebook.compare("autograd.ipynb")    # both backends, side by side
    print(report.to_text()); report.ok

Each run uses a fresh Jupyter kernel running this Python interpreter, with
``%load_ext autograd_compat`` done before the first cell (its banner is in no cell's output).
Cells run in order and a failing cell does not stop the run. Needs the ``notebook`` extra
(nbformat, nbclient, ipykernel, rich). See ``docs/notebooks.md``.

What lives where (imports go down this list, never up):

* ``__init__.py``: ``run``, ``compare``, ``compare_executed``, ``read_notebook``, ``versions``;
* ``_report.py``: ``Report``, ``CellReport``, ``BackendResult``: the comparison cell by cell,
  its JSON form, atomic writes;
* ``_html.py``, ``_text.py``: the report as one self-contained HTML page, as a table for the
  terminal (they name the report's classes for type checking only);
* ``_kernel.py``: a notebook run in a fresh kernel of this interpreter, extension loaded;
* ``_tokens.py``: output texts as tokens, and when two agree (numbers within tolerance);
* ``_frameworks.py``: which frameworks a notebook's cells use (read, not run).
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from .._backend import BACKENDS, get_backend, require_mxnet
from ._kernel import (
    DEFAULT_TIMEOUT,
    STATUSES,
    NotebookRunError,
    ProgressCallback,
    run_async,
    run_sync,
)
from ._report import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    SCHEMA,
    BackendResult,
    CellReport,
    Report,
    build_report,
)

__all__ = [
    "DEFAULT_ATOL",
    "DEFAULT_RTOL",
    "DEFAULT_TIMEOUT",
    "SCHEMA",
    "STATUSES",
    "BackendResult",
    "CellReport",
    "NotebookInputError",
    "NotebookRunError",
    "Report",
    "compare",
    "compare_executed",
    "read_notebook",
    "run",
]

PathLike = str | os.PathLike


class NotebookInputError(ValueError):
    """The input is not a readable Jupyter notebook."""


def read_notebook(path: PathLike) -> Any:
    """Read and validate a notebook (nbformat 4); raise FileNotFoundError or NotebookInputError."""
    import nbformat

    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise NotebookInputError(f"{path} is a directory, not a notebook")
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookInputError(f"{path} is not a Jupyter notebook (not JSON: {exc})") from None
    if not isinstance(raw, dict) or "nbformat" not in raw or "cells" not in raw:
        raise NotebookInputError(
            f"{path} is not a Jupyter notebook (JSON without 'nbformat' and 'cells')"
        )
    meta = raw.get("metadata")
    spec = meta.get("kernelspec") if isinstance(meta, dict) else None
    language = spec.get("language") if isinstance(spec, dict) else None
    if isinstance(language, str) and language.lower() != "python":
        raise NotebookInputError(
            f"{path} is written for the {language} kernel; only Python notebooks can run"
        )
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises many kinds (schema, version, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookInputError(f"{path} is not a valid Jupyter notebook ({first})") from None
    return nb


def _check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "mxnet":
        require_mxnet()  # ImportError naming the extra, before any kernel starts
    return backend


def _source(path_or_nb: Any) -> tuple[Any, str, str]:
    """(notebook, display name, kernel working directory)."""
    if isinstance(path_or_nb, str | os.PathLike):
        path = os.fspath(path_or_nb)
        return read_notebook(path), path, os.path.dirname(os.path.abspath(path))
    return path_or_nb, "<notebook>", os.getcwd()


def run(
    path: PathLike | Any,
    backend: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: ProgressCallback | None = None,
) -> Any:
    """Execute the notebook at ``path`` on ``backend`` (default: the active one).

    Returns the executed notebook (an ``nbformat.NotebookNode``); the file is not touched. Each
    code cell's ``metadata["autograd_compat"]`` holds ``status`` (``ok``, ``error``,
    ``timeout``, ``died``, ``not run``), ``duration`` in seconds and, for errors, ``ename`` and
    ``evalue``. ``timeout`` is per cell in seconds: the kernel is interrupted and the run goes
    on. ``path`` may also be a ``NotebookNode``. ``progress(backend, cell, total, status)`` is
    called after each code cell.
    """
    backend = _check_backend(get_backend() if backend is None else backend)
    nb, _, cwd = _source(path)
    return run_sync(run_async(nb, backend, timeout=timeout, cwd=cwd, progress=progress))


def versions() -> dict[str, str | None]:
    """Versions of the pieces that decide the outputs (read from metadata, nothing imported)."""
    from importlib import metadata

    out: dict[str, str | None] = {"python": sys.version.split()[0]}
    for dist in ("autograd_compat", "torch", "mxnet", "numpy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def compare(
    path: PathLike | Any,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    timeout: float = DEFAULT_TIMEOUT,
    backends: tuple[str, str] = ("torch", "mxnet"),
    progress: ProgressCallback | None = None,
    allow_errors: bool = False,
) -> Report:
    """Run the notebook on both backends (two kernels at once) and compare cell by cell.

    Returns a :class:`Report`: ``report.ok``, ``report.cells`` (one :class:`CellReport` per code
    cell: ``index``, ``first_line``, ``results[backend].status`` / ``.outputs``, ``agree``,
    ``max_difference``, ``reason``), ``report.to_text()``, ``to_json()``, ``write_html()``.
    Numbers in the outputs agree within ``atol + rtol * max(|a|, |b|)``. A cell that raises on
    both sides is "both failed" (``cell.both_failed``), not agreement, unless ``allow_errors``
    (then the same exception class on both sides agrees). ``report.implementations`` names what
    ran each framework on each side; ``report.same_implementation`` is True when both sides ran
    the same implementation of everything the notebook uses (the comparison then tests nothing).
    """
    if rtol < 0 or atol < 0:
        raise ValueError(f"rtol and atol must be >= 0, got rtol={rtol}, atol={atol}")
    for b in backends:
        _check_backend(b)
    nb, name, cwd = _source(path)

    async def both() -> list[Any]:
        import asyncio

        return await asyncio.gather(
            *(run_async(nb, b, timeout=timeout, cwd=cwd, progress=progress) for b in backends)
        )

    executed = dict(zip(backends, run_sync(both())))
    return build_report(name, executed, rtol, atol, timeout, versions(), allow_errors)


def compare_executed(
    executed: dict[str, Any],
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    name: str = "<notebook>",
    allow_errors: bool = False,
) -> Report:
    """Compare two notebooks already executed by :func:`run` (``{backend: notebook}``)."""
    return build_report(name, executed, rtol, atol, None, versions(), allow_errors)
