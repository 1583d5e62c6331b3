"""The layout of the torch dialect on MXNet (issue 16): floors, sizes, and the rule table.

The import graph comes from ``tests/test_import_structure.py``'s scanner (module-level and
deferred imports alike). Inside ``torch_on_mxnet`` a module imports only modules on its own floor
or below (:data:`FLOORS`, the map in ``docs/torch_on_mxnet.md``), never from inside a function,
and ``mxnet_on_mxnet`` uses only public names of it.
"""

from __future__ import annotations

import ast

import pytest
from test_import_structure import SOURCE, modules, scan, short

PKG = "torch_on_mxnet"

# module (relative to torch_on_mxnet; "" is the package) -> floor. Keep in step with the Files
# section of docs/torch_on_mxnet.md.
FLOORS: dict[str, int] = {
    "_backend_guard": 0,
    "_raw": 0,
    "_checks": 0,
    "views": 0,
    "scopes": 0,
    "dtypes": 0,
    "errors": 0,
    "grad_mode": 0,
    "graph": 1,
    "tensor": 2,
    "recording": 3,
    "creation": 4,
    "shape_ops": 5,
    "pointwise": 6,
    "reductions": 7,
    "linalg": 7,
    "indexing": 7,
    "derivatives": 8,
    "engine": 8,
    "nn": 9,
    "nn.functional": 9,
    "methods": 10,
    "autograd": 10,
    "": 11,
}


def _rel(full_name: str) -> str | None:
    name = short(full_name)
    if name == PKG:
        return ""
    if name.startswith(PKG + "."):
        return name[len(PKG) + 1 :]
    return None


def _inner_edges() -> list:
    out = []
    for e in scan()[0]:
        a, b = _rel(e.importer), _rel(e.imported)
        if a is not None and b is not None and a != b:
            out.append((a, b, e))
    return out


def test_every_module_has_a_floor() -> None:
    mine = {r for m in modules() if (r := _rel(m)) is not None}
    assert mine == set(FLOORS), (sorted(mine - set(FLOORS)), sorted(set(FLOORS) - mine))


def test_imports_go_down_only() -> None:
    # a package's __init__ run on the way to its submodule is not an upward import
    up = [
        f"{e}  floors {FLOORS[a]} -> {FLOORS[b]}"
        for a, b, e in _inner_edges()
        if FLOORS[a] < FLOORS[b] and not (e.via and _rel(e.via) is not None and b == "")
    ]
    assert not up, "upward import inside torch_on_mxnet:\n" + "\n".join(up)


def test_no_deferred_imports() -> None:
    deferred = [str(e) for e in scan()[0] if _rel(e.importer) is not None and e.function]
    assert not deferred, "imports inside functions hide circles:\n" + "\n".join(deferred)


def test_mxnet_on_mxnet_uses_public_names_only() -> None:
    path = SOURCE / "mxnet_on_mxnet" / "autograd.py"
    private = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and PKG in (node.module or ""):
            mod = node.module.rsplit(".", 1)[-1]
            private += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if mod.startswith("_"):
                private.append(node.module)
    assert not private, private


@pytest.mark.parametrize("rel", sorted(FLOORS))
def test_module_size(rel: str) -> None:
    name = "autograd_compat." + PKG + (f".{rel}" if rel else "")
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 800, f"{name}: {lines} lines (split it by concern)"


@pytest.mark.mxnet
def test_every_node_class_has_a_rule() -> None:
    from autograd_compat.torch_on_mxnet import graph  # the package import installs the rules

    missing = []
    todo = list(graph.Node.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls._rule is graph._no_rule:
            missing.append(cls.__name__)
    assert not missing, f"node classes without an entry in derivatives.RULES: {missing}"
