"""Run notebook code cells in order in one namespace, IPython style, capturing what each shows.

Used by the seed-notebook tests through the Python API (no kernel): each cell's printed output
plus the repr of its last expression, as IPython would display it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import sys
from typing import Any


def code_cells(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def run_cell(source: str, env: dict[str, Any]) -> str:
    """Execute ``source`` in ``env``; return stdout plus the repr of a trailing expression."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body = tree.body[:-1]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(tree, "<cell>", "exec"), env)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), env)
                if value is not None:
                    print(repr(value))
        except Exception as exc:  # noqa: BLE001 - a failing cell is part of the output
            print(f"{type(exc).__name__}: {exc}")
    return out.getvalue()


def run_cells(sources: list[str], env: dict[str, Any]) -> list[str]:
    return [run_cell(s, env) for s in sources]


if __name__ == "__main__":
    # python cellrunner.py NOTEBOOK: plain run (no autograd_compat), outputs as JSON on stdout.
    outputs = run_cells(code_cells(sys.argv[1]), {"__name__": "__main__"})
    sys.stdout.write(json.dumps(outputs))
