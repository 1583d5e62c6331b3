"""``autograd-compat exec``: run an unmodified Python program with ``import mxnet`` served by the
chosen backend, behaving as ``python script.py`` / ``python -m module`` would.

What stays as with ``python``: ``sys.argv`` (the script path, then its arguments),
``__name__ == "__main__"``, ``sys.path[0]`` (the script's folder, or the current folder for
``-m``), the exit code (``sys.exit(n)``, ``sys.exit("message")``, 1 after an uncaught exception,
130 after Ctrl-C) and the traceback, which starts at the program's own first frame.
"""

from __future__ import annotations

import os
import runpy
import sys
import time
import traceback
from dataclasses import dataclass, field

USAGE = (
    "usage: autograd-compat exec [--backend {torch,mxnet}] (SCRIPT | -m MODULE) [ARGS ...]\n\n"
    "Run a Python program unchanged with `import mxnet` served by the backend: on torch (the\n"
    "default) by autograd_compat's MXNet dialect, on mxnet by real MXNet 1.9.1. Everything after\n"
    "SCRIPT or -m MODULE is passed to the program. The exit code is the program's."
)


class ExecUsageError(Exception):
    """Bad ``exec`` arguments: one line on stderr, exit code 2."""


@dataclass
class ExecArgs:
    backend: str | None = None
    script: str | None = None
    module: str | None = None
    args: list[str] = field(default_factory=list)
    help: bool = False


def parse(argv: list[str]) -> ExecArgs:
    """Split ``exec``'s own options from the program and its arguments (as ``python`` does:
    everything after the script or ``-m MODULE`` belongs to the program)."""
    out = ExecArgs()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in ("-h", "--help"):
            out.help = True
            return out
        if arg == "--backend" or arg.startswith("--backend="):
            if "=" in arg:
                value = arg.split("=", 1)[1]
            elif i + 1 < len(argv):
                value = argv[i + 1]
                i += 1
            else:
                raise ExecUsageError("exec: --backend needs a value: torch or mxnet")
            if value not in ("torch", "mxnet"):
                raise ExecUsageError(f"exec: unknown backend {value!r}; choose torch or mxnet")
            out.backend = value
            i += 1
            continue
        if arg == "-m" or (arg.startswith("-m") and len(arg) > 2):
            if len(arg) > 2:
                out.module, rest = arg[2:], argv[i + 1 :]
            elif i + 1 < len(argv):
                out.module, rest = argv[i + 1], argv[i + 2 :]
            else:
                raise ExecUsageError("exec: -m needs a module name")
            out.args = list(rest)
            return out
        if arg == "--":
            i += 1
            if i >= len(argv):
                break
            arg = argv[i]
        elif arg.startswith("-") and arg != "-":
            raise ExecUsageError(f"exec: unknown option {arg!r} before the script")
        out.script, out.args = arg, list(argv[i + 1 :])
        return out
    raise ExecUsageError("exec: name a script to run, or -m MODULE")


def _program_traceback(exc: BaseException) -> None:
    """Print ``exc`` as Python would for the program: our own frames are left out."""
    ours = {os.path.abspath(__file__), os.path.abspath(runpy.__file__), "<frozen runpy>"}
    tb = exc.__traceback__
    while tb is not None and _frame_file(tb.tb_frame.f_code.co_filename) in ours:
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb)


def _frame_file(name: str) -> str:
    return name if name.startswith("<") else os.path.abspath(name)


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints it and exits with 1
    return 1


#: Set by ``autograd-compat launch`` for its workers: a folder where a worker that fails notes
#: when (a file named by its rank), so that launch names the worker that failed first rather
#: than a peer that stopped because of it (torch's own failure times are whole seconds).
FAILURES_ENV = "AUTOGRAD_COMPAT_LAUNCH_FAILURES"


def _note_failure(code: int) -> int:
    folder = os.environ.get(FAILURES_ENV)
    if code and folder:
        try:
            with open(os.path.join(folder, os.environ.get("RANK", "0")), "w") as f:
                f.write(f"{time.time()!r} {code}")
        except OSError:
            pass  # only a better message is lost
    return code


def run(args: ExecArgs, backend: str) -> int:
    """Run the program on ``backend`` in this process; returns its exit code."""
    return _note_failure(_run(args, backend))


def _run(args: ExecArgs, backend: str) -> int:
    if args.script is not None and not os.path.exists(args.script):
        raise ExecUsageError(f"exec: can't open file {args.script!r}: no such file")
    if backend == "torch":
        from .alias import alias_mxnet

        alias_mxnet()
    if args.module is not None:
        sys.argv = [args.module, *args.args]  # runpy replaces argv[0] with the module's file
        sys.path.insert(0, os.getcwd())
    else:
        assert args.script is not None
        sys.argv = [args.script, *args.args]
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.script)))
    try:
        if args.module is not None:
            runpy.run_module(args.module, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(args.script, run_name="__main__")
    except SystemExit as exc:
        return _exit_code(exc)
    except KeyboardInterrupt as exc:
        _program_traceback(exc)
        return 130
    except BaseException as exc:  # noqa: BLE001 - the program's uncaught exception
        _program_traceback(exc)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0
