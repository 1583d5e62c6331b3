"""``mxnet.numpy_op_signature`` on torch: operator lookup by MXNet's internal name."""

from __future__ import annotations

from typing import Any

from . import (
    _numpy_op_doc,  # noqa: F401 - puts MXNet's signatures on the built-in operators
    npx,
)
from . import numpy as _np

__all__: list[str] = []


def _get_builtin_op(op_name: str) -> Any:
    """The function ``_np_<name>``/``_npx_<name>`` names (``None`` for other names).

    ``_np_linalg_det``-style names look in the submodule; a missing operator raises
    ``ValueError`` as in MXNet.
    """
    matches = [(p, m) for p, m in (("_npx_", npx), ("_np_", _np)) if op_name.startswith(p)]
    if not matches:
        return None
    prefix, root = matches[0]
    rest = op_name[len(prefix) :]
    module: Any = root
    for sub in ("linalg", "random", "image"):
        if rest.startswith(sub + "_") and hasattr(root, sub):
            module, rest = getattr(root, sub), rest[len(sub) + 1 :]
            break
    op = getattr(module, rest, None)
    if op is None:
        raise ValueError(f"Cannot find operator {op_name[len(prefix) :]} in module {root.__name__}")
    return op
