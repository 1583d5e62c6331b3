"""The ``autograd-compat`` command (also ``python -m autograd_compat``).

``autograd-compat exec SCRIPT [ARGS]``: run a Python program unchanged with ``import mxnet``
served by the backend (see :mod:`autograd_compat._exec`).
``autograd-compat launch -n N SCRIPT [ARGS]``: run it in N worker processes through torch's
launcher for distributed training (see :mod:`autograd_compat.distributed.launcher`).
``autograd-compat run NOTEBOOK``: execute a notebook unchanged on one backend and write the
executed copy. ``autograd-compat compare NOTEBOOK``: run it on both backends and print a
side-by-side table per code cell. Exit codes: 0 all cells ran / agreed, 1 some cell failed /
differed, 2 usage or input error (one line on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

PROG = "autograd-compat"


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    # argparse prints the whole usage block before the message and exits; the contract is one
    # line on stderr and exit code 2, so the message is raised and printed by main().
    def error(self, message: str) -> Any:
        raise _UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def _positive(text: str) -> float:
    # "inf" (or "none") means no timeout; nan and non-positive numbers are refused.
    if text.strip().lower() in ("inf", "infinity", "none"):
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds or 'inf', got {text!r}"
        ) from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be > 0 seconds (or 'inf'), got {text!r}")
    return value


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from ._backend import BACKENDS
    from .notebook import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_TIMEOUT

    parser = _Parser(
        prog=PROG,
        description="Run notebooks unchanged on the torch or the mxnet backend of autograd_compat, "
        "and compare the two cell by cell.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="execute a notebook on one backend",
        description="Execute NOTEBOOK in a fresh kernel with the autograd_compat extension "
        "loaded, cell after cell, continuing past failing cells. The input is never modified. "
        "Exit code 0 when every code cell ran without error, 1 otherwise, 2 for bad input.",
    )
    run.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb file to run")
    run.add_argument(
        "--backend",
        choices=BACKENDS,
        help="backend to run on (default: the active one, $AUTOGRAD_COMPAT_BACKEND or torch)",
    )
    run.add_argument(
        "-o",
        "--output",
        metavar="OUT.ipynb",
        help="where to write the executed notebook (default: NAME.BACKEND.ipynb beside the input)",
    )
    run.add_argument("--force", action="store_true", help="overwrite an existing output file")
    run.add_argument(
        "--timeout",
        type=_positive,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"per-cell timeout in seconds, or 'inf' for none (default {DEFAULT_TIMEOUT:g})",
    )
    run.set_defaults(func=_cmd_run)

    cmp = sub.add_parser(
        "compare",
        help="run a notebook on both backends and compare the outputs",
        description="Run NOTEBOOK on the torch and the mxnet backend and print a side-by-side "
        "table per code cell, naming what ran each framework on each side. Exit code 0 when "
        "every code cell agreed, 1 when any differed, failed (on one side or both) or timed "
        "out, 2 for bad input or when both sides ran the same implementation of everything "
        "the notebook uses (nothing would be tested).",
    )
    cmp.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb file to compare")
    cmp.add_argument(
        "--html", metavar="REPORT.html", help="also write a self-contained HTML report"
    )
    cmp.add_argument("--json", metavar="REPORT.json", help="also write the report as JSON")
    cmp.add_argument(
        "--rtol",
        type=_tolerance,
        default=DEFAULT_RTOL,
        metavar="R",
        help=f"relative tolerance for numbers in outputs (default {DEFAULT_RTOL:g})",
    )
    cmp.add_argument(
        "--atol",
        type=_tolerance,
        default=DEFAULT_ATOL,
        metavar="A",
        help=f"absolute tolerance for numbers in outputs (default {DEFAULT_ATOL:g})",
    )
    cmp.add_argument(
        "--timeout",
        type=_positive,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"per-cell timeout in seconds, or 'inf' for none (default {DEFAULT_TIMEOUT:g})",
    )
    cmp.add_argument(
        "--allow-errors",
        action="store_true",
        help="a cell raising the same exception class on both sides agrees (default: such a "
        "cell is reported as 'both failed' and the comparison does not pass)",
    )
    cmp.add_argument("--force", action="store_true", help="overwrite existing report files")
    cmp.set_defaults(func=_cmd_compare)

    # `exec` is parsed by autograd_compat._exec (everything after the script is the program's);
    # this entry gives it a line in --help.
    sub.add_parser(
        "exec",
        help="run a Python script (or -m module) with `import mxnet` served by the backend",
        add_help=False,
    )
    # `launch` is parsed by autograd_compat.distributed.launcher (the script's arguments are the
    # script's); this entry gives it a line in --help.
    sub.add_parser(
        "launch",
        help="run a script in N worker processes (torchrun) with `import mxnet` served by torch",
        add_help=False,
    )
    return parser


class _InputError(Exception):
    """Bad input: reported as one line on stderr with exit code 2."""


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _check_output(path: str, notebook: str, force: bool, what: str) -> None:
    if _same_file(path, notebook):
        raise _InputError(f"{what} {path} is the input notebook; the input is never overwritten")
    if os.path.isdir(path):
        raise _InputError(f"{what} {path} is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise _InputError(f"{what} {path}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        # Checked before the run: the output is written beside the target, then renamed.
        raise _InputError(f"{what} {path}: directory {parent} is not writable")
    if os.path.exists(path) and not force:
        raise _InputError(f"{what} {path} exists; pass --force to overwrite it")


def _read(path: str) -> Any:
    from .notebook import NotebookInputError, read_notebook

    try:
        return read_notebook(path)
    except (FileNotFoundError, NotebookInputError) as exc:
        raise _InputError(str(exc)) from None


def _check_backend(name: str) -> None:
    from ._backend import require_mxnet

    if name == "mxnet":
        try:
            require_mxnet()
        except ImportError as exc:
            raise _InputError(str(exc)) from None


@contextmanager
def _progress(total: int, backends: tuple[str, ...]) -> Iterator[Callable[..., None] | None]:
    """A rich progress bar per backend on stderr; nothing when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if not console.is_terminal or total == 0:
        yield None
        return
    with Progress(
        TextColumn("{task.description:>6}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("cells"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[last]}"),
        console=console,
        transient=True,
    ) as progress:
        tasks = {b: progress.add_task(b, total=total, last="starting kernel") for b in backends}

        def update(backend: str, number: int, total: int, status: str) -> None:
            progress.update(tasks[backend], completed=number, last=f"cell {number}: {status}")

        yield update


def _write_notebook(nb: Any, path: str) -> None:
    import nbformat

    from .notebook._report import write_atomic

    text = nbformat.writes(nb)
    write_atomic(path, text if text.endswith("\n") else text + "\n")  # as nbformat.write does


def _cmd_run(args: argparse.Namespace) -> int:
    from ._backend import get_backend
    from .notebook import run

    nb = _read(args.notebook)
    try:
        backend = args.backend or get_backend()
    except ValueError as exc:
        raise _InputError(str(exc)) from None
    out = args.output
    if out is None:
        stem = os.path.splitext(args.notebook)[0]
        out = f"{stem}.{backend}.ipynb"
    _check_output(out, args.notebook, args.force, "output")
    _check_backend(backend)

    total = sum(c.cell_type == "code" for c in nb.cells)
    with _progress(total, (backend,)) as progress:
        executed = run(args.notebook, backend, timeout=args.timeout, progress=progress)
    _write_notebook(executed, out)

    failed = []
    for number, cell in enumerate((c for c in executed.cells if c.cell_type == "code"), 1):
        info = cell.metadata.get("autograd_compat", {})
        if info.get("status") != "ok":
            what = info.get("ename") or info.get("status")
            first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
            failed.append(f"  cell {number}: {what}  ({first.strip()[:60]})")
    print(
        f"ran {args.notebook} on the {backend} backend: {total} code cells, "
        f"{total - len(failed)} ok, {len(failed)} failed; wrote {out}"
    )
    for line in failed:
        print(line)
    return 1 if failed else 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .notebook import compare
    from .notebook._text import render

    nb = _read(args.notebook)
    outputs = [(p, w) for p, w in ((args.json, "--json"), (args.html, "--html")) if p]
    for path, what in outputs:
        _check_output(path, args.notebook, args.force, what)
    if args.json and args.html and _same_file(args.json, args.html):
        raise _InputError("--json and --html name the same file")
    for backend in ("torch", "mxnet"):
        _check_backend(backend)

    total = sum(c.cell_type == "code" for c in nb.cells)
    if total == 0:
        raise _InputError(f"{args.notebook} has no code cells: there is nothing to compare")
    with _progress(total, ("torch", "mxnet")) as progress:
        report = compare(
            args.notebook,
            rtol=args.rtol,
            atol=args.atol,
            timeout=args.timeout,
            progress=progress,
            allow_errors=args.allow_errors,
        )
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=max(console.width, 110))  # a pipe or a log file
    render(report, console)
    if args.json:
        report.write_json(args.json)
    if args.html:
        report.write_html(args.html)
    if report.same_implementation:
        used = " and ".join(report.frameworks) or "no mxnet or torch code"
        print(
            f"{PROG}: error: both sides ran the same implementation of what {args.notebook} "
            f"uses ({used}): the comparison tests nothing",
            file=sys.stderr,
        )
        return 2
    return 0 if report.ok else 1


def _cmd_exec(argv: list[str]) -> int:
    from . import _exec
    from ._backend import get_backend

    try:
        args = _exec.parse(argv)
        if args.help:
            print(_exec.USAGE)
            return 0
        try:
            backend = args.backend or get_backend()
        except ValueError as exc:
            raise _InputError(str(exc)) from None
        _check_backend(backend)
        return _exec.run(args, backend)
    except _exec.ExecUsageError as exc:
        print(f"{PROG} {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 differences/failures, 2 bad input)."""
    from .notebook import NotebookRunError

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["launch"]:
        from .distributed.launcher import launch

        return launch(argv[1:])
    if argv[:1] == ["exec"]:
        try:
            return _cmd_exec(argv[1:])
        except _InputError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 2
    try:
        parser = _parser()
        args = parser.parse_args(argv)
        return args.func(args)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (_InputError, NotebookRunError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:  # the notebook extra (nbclient, ipykernel, rich) is missing
        from ._backend import mxnet_available
        from .notebook._kernel import BOTH_EXTRAS_HINT, NOTEBOOK_EXTRA_HINT

        # `compare` needs both extras: name them together, not one per attempt.
        wants_mxnet = (argv[:1] == ["compare"] or "mxnet" in argv) and not mxnet_available()
        hint = BOTH_EXTRAS_HINT if wants_mxnet else NOTEBOOK_EXTRA_HINT
        msg = str(exc) if "pip install" in str(exc) else f"{exc}; {hint}"
        print(f"{PROG}: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
