"""Which frameworks a notebook uses, read from its code cells (nothing is run).

A cell uses MXNet when it imports ``mxnet`` (or ``d2l.mxnet``, ``autograd_compat.mxnet``) or
reads the extension's ``autograd`` name, and PyTorch when it imports ``torch`` (or ``d2l.torch``,
``autograd_compat.torch``) or reads the extension's ``t``/``V``. `compare` names the
implementation each side ran for these, and refuses to report agreement when both sides ran the
same implementation of all of them: that comparison would test nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

FRAMEWORKS = ("mxnet", "torch")
# Names `%load_ext autograd_compat` binds, by the framework dialect they are.
_EXTENSION_NAMES = {"autograd": "mxnet", "t": "torch", "V": "torch"}


def _python(source: str) -> ast.Module | None:
    # IPython magics and shell escapes are not Python; the rest of the cell still is.
    lines = ["" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _of_module(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] in FRAMEWORKS:
        return parts[0]
    if parts[0] in ("d2l", "autograd_compat") and len(parts) > 1 and parts[1] in FRAMEWORKS:
        return parts[1]
    return None


def frameworks_used(sources: Iterable[str]) -> list[str]:
    """The frameworks (``"mxnet"``, ``"torch"``) the cells use, in that order."""
    found: set[str] = set()
    bound: set[str] = set()  # names the notebook binds itself (then not the extension's)
    reads: set[str] = set()
    for source in sources:
        tree = _python(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    fw = _of_module(alias.name)
                    found.update([fw] if fw else [])
                    bound.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    fw = _of_module(f"{node.module}.{alias.name}") or _of_module(node.module)
                    found.update([fw] if fw else [])
                    bound.add(alias.asname or alias.name)
            elif isinstance(node, ast.Name):
                (reads if isinstance(node.ctx, ast.Load) else bound).add(node.id)
    for name, fw in _EXTENSION_NAMES.items():
        if name in reads and name not in bound:
            found.add(fw)
    return [fw for fw in FRAMEWORKS if fw in found]
