"""The import structure of ``autograd_compat`` (issue 16), checked from the source.

Every module under ``autograd_compat/`` is parsed with :mod:`ast`; each ``import`` statement
becomes an edge of the module import graph: those at module level (also inside ``try``/``if`` and
class bodies, which run at import) AND those deferred into functions, because a deferred import
hides a circle rather than removes it. Imports under ``if TYPE_CHECKING:`` never run and are no
edges. ``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else to ``pkg``;
importing ``a.b.c`` also runs the ``__init__`` of every package on the way that the importer is
not itself inside, so those are edges too. ``importlib.import_module(<computed name>)`` cannot be
resolved statically: it is allowed only where :data:`DYNAMIC_IMPORT_SITES` says (the lazy backend
loads of ``_backend.namespace()``, the ``mxnet`` alias, and PEP 562 ``__getattr__`` lazy loads of a
package's own submodules), and is no edge.

The tests fail on

* an import circle (a strongly connected part of the graph) other than the allowed lazy loads
  (:data:`ALLOWED_EDGES`) and the circles that exist today (:data:`KNOWN_VIOLATIONS`);
* an import "upward" across the floors of :data:`PACKAGE_FLOORS` (the packages of
  ``autograd_compat``) or :data:`FLOORS` (the modules of ``mxnet_on_torch/``) not listed in
  :data:`KNOWN_VIOLATIONS`;
* a :data:`KNOWN_VIOLATIONS` entry that is fixed (remove it: the list only shrinks);
* ``import autograd_compat`` or the MXNet dialect on torch (Gluon, optimizers, every module of
  ``mxnet_on_torch``) importing ``mxnet``, also with a fake ``mxnet`` first on ``sys.path`` that
  raises on import.

``python tests/test_import_structure.py`` prints the circles and upward imports found.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "autograd_compat"
SOURCE = Path(__file__).resolve().parents[1] / PACKAGE
MOT = f"{PACKAGE}.mxnet_on_torch"

# Floors of the packages of autograd_compat: a module may import modules on its own floor or
# below, never above. Keys are module names relative to `autograd_compat` ("" is the package root);
# a key covers that module and everything under it.
PACKAGE_FLOORS: dict[str, int] = {
    # 0 ground: backend selection; the .params/.nd file format
    "_backend": 0,
    "ndfile": 0,
    # 1: `import mxnet` served by the shim (loads the MXNet dialect on torch lazily)
    "alias": 1,
    # 2: the dialects on each backend, and the `autograd_compat.mxnet` facade over them
    "mxnet": 2,
    "mxnet_on_torch": 2,
    "mxnet_on_mxnet": 2,
    "torch_on_mxnet": 2,
    # 3: tools over the dialects
    "interop": 3,
    "_exec": 3,
    "ipython_ext": 3,
    "notebook": 3,
    "testing": 3,
    # 4: entry points: the package root (public face), the command line, the pytest plugin
    "": 4,
    "__main__": 4,
    "cli": 4,
    "pytest_plugin": 4,
}

# Floors inside the MXNet dialect on torch (keys relative to `autograd_compat.mxnet_on_torch`; a
# key covers that module and everything under it). A module not listed is taken to be a top-floor
# namespace: it may import anything and nothing below may import it until it is given a floor.
FLOORS: dict[str, int] = {
    # 0 ground: errors and messages, devices, the np-mode switch, process-wide settings
    "base": 0,
    "context": 0,
    "np_state": 0,
    "_unsupported": 0,
    "util": 0,
    "runtime": 0,
    "engine": 0,
    "profiler": 0,
    "dtypes": 0,
    "node_provenance": 0,
    "hybrid_state": 0,
    # 1 autograd: MXNet's recording and gradient rules, the names put on torch.Tensor, tie rules
    "autograd": 1,
    "recording": 1,
    "suspension": 1,
    "constant_grads": 1,
    "scopes": 1,
    "int_variables": 1,
    "tensor_methods": 1,
    "ties": 1,
    "grad_rules": 1,
    "untracked_ops": 1,
    "np_dtype_parity": 1,
    "np_int_rules": 1,
    # 2 arrays and op tables
    "ndarray": 2,
    "nd": 2,
    "nd_ndarray": 2,
    "array_base": 2,
    "nd_ops": 2,
    "nd_ops_more": 2,
    "nd_internal": 2,
    "nd_interop": 2,
    "nd_indexing": 2,
    "nd_int_ops": 2,
    "nd_reshape": 2,
    "ndarray_sparse": 2,
    "numpy": 2,
    "npx": 2,
    "random": 2,
    "nn_ops": 2,
    "nn_ops_conv": 2,
    "seq_ops": 2,
    "loss_ops": 2,
    "serialization": 2,
    # 3 libraries over arrays
    "initializer": 3,
    "optimizer": 3,
    "nd_update_ops": 3,
    "lr_scheduler": 3,
    "kvstore": 3,
    "metric": 3,
    "metric_base": 3,
    "io": 3,
    "recordio": 3,
    "image": 2,
    "image_ops": 2,
    "symbol": 3,
    "module": 3,
    "model": 3,
    "operator": 3,
    "_numpy_op_doc": 3,
    # 4 Gluon
    "gluon": 4,
    # 5 top: the `mxnet` namespace itself and what tests against it
    "": 5,
    "numpy_op_signature": 5,
    "test_utils": 5,
}
TOP_FLOOR = max(FLOORS.values())

# Lazy loads that close a circle by design (issue 16 allows exactly these).
ALLOWED_EDGES: dict[tuple[str, str], str] = {
    ("", "ipython_ext"): "%load_ext hook: the package root loads the extension on demand",
    ("ipython_ext", ""): "the same hook: the extension calls autograd_compat.install/uninstall",
}

# Where `importlib.import_module(<computed name>)` may stand: (module, function) -> why. A
# package `__init__`'s module-level `__getattr__` (PEP 562 lazy submodules) is allowed anywhere.
DYNAMIC_IMPORT_SITES: dict[tuple[str, str], str] = {
    ("_backend", "namespace"): "the lazy backend load: (dialect, backend) -> its package",
    ("alias", "_MXNetFinder.find_spec"): "serves `import mxnet.x` from the shim's module",
    ("alias", "_MXNetFinder._extra_spec"): "serves `import horovod.mxnet` from the shim's module",
    ("alias", "alias_mxnet"): "loads the shim when aliasing (fails here, not at `import mxnet`)",
    ("alias", "aliased_mxnet"): "the aliased `mxnet` itself",
    ("ipython_ext", "_child"): "a submodule of the dialect a notebook cell imports",
}

# Circles and upward imports that exist today: (importer, imported) relative to `autograd_compat`
# -> why. Only ever remove entries (the test says when one is fixed).
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


# --- the graph ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    importer: str  # full module names
    imported: str
    line: int
    function: str  # qualified name of the enclosing function; "" at module level
    via: str = ""  # set when `imported` is a package __init__ run on the way to `via`

    def pairs(self) -> set[tuple[str, str]]:
        """The (importer, imported) pairs, relative to the package, that name this edge."""
        out = {(short(self.importer), short(self.imported))}
        if self.via:
            out.add((short(self.importer), short(self.via)))
        return out

    def __str__(self) -> str:
        where = f" in {self.function}()" if self.function else ""
        how = f" (package __init__, importing {short(self.via)})" if self.via else ""
        return f"{short(self.importer)} -> {short(self.imported)}{how}  [line {self.line}{where}]"


@dataclass(frozen=True)
class DynamicImport:
    module: str
    function: str
    line: int
    is_package: bool


def short(name: str) -> str:
    """Module name relative to ``autograd_compat`` ("" for the root)."""
    return name[len(PACKAGE) + 1 :] if name != PACKAGE else ""


def full(rel: str) -> str:
    return f"{PACKAGE}.{rel}" if rel else PACKAGE


@functools.lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    """Every module of the package: full dotted name -> file."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Scanner(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.scope: list[str] = []  # enclosing classes and functions
        self.in_function = 0
        self.edges: dict[Edge, None] = {}  # ordered set: `from m import a, b` is one edge
        self.dynamic: list[DynamicImport] = []

    # scopes
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def _visit_function(self, node: ast.AST, name: str) -> None:
        self.scope.append(name)
        self.in_function += 1
        self.generic_visit(node)
        self.in_function -= 1
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_function(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._visit_function(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._visit_function(node, "<lambda>")

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):  # never runs: not an edge
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    # imports
    def _function(self) -> str:
        return ".".join(self.scope) if self.in_function else ""

    def _add(self, target: str, node: ast.stmt) -> None:
        if target == self.module:
            return
        fn = self._function()
        self.edges[Edge(self.module, target, node.lineno, fn)] = None
        mine = set(_ancestors(self.module)) | ({self.module} if self.is_package else set())
        for pkg in _ancestors(target):
            if pkg not in mine and pkg.startswith(PACKAGE):
                self.edges[Edge(self.module, pkg, node.lineno, fn, via=target)] = None

    def _resolve(self, dotted: str) -> str:
        """The deepest module of the package that ``import dotted`` names."""
        parts = dotted.split(".")
        while parts and ".".join(parts) not in modules():
            parts.pop()
        return ".".join(parts)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                self._add(self._resolve(alias.name), node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module if self.is_package else self.module.rpartition(".")[0]
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            assert base, f"{self.module}:{node.lineno}: relative import beyond the package"
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
        if base != PACKAGE and not base.startswith(PACKAGE + "."):
            return
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            self._add(sub if sub in modules() else self._resolve(base), node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("import_module", "__import__"):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if arg.value.startswith(PACKAGE):  # a literal name: an ordinary edge
                    self._add(self._resolve(arg.value), node)  # type: ignore[arg-type]
            else:
                self.dynamic.append(
                    DynamicImport(self.module, self._function(), node.lineno, self.is_package)
                )
        self.generic_visit(node)


@functools.lru_cache(maxsize=1)
def scan() -> tuple[tuple[Edge, ...], tuple[DynamicImport, ...]]:
    edges: list[Edge] = []
    dynamic: list[DynamicImport] = []
    for name, path in modules().items():
        scanner = _Scanner(name, path.name == "__init__.py")
        scanner.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges += scanner.edges
        dynamic += scanner.dynamic
    return tuple(edges), tuple(dynamic)


def graph(exclude: set[tuple[str, str]]) -> dict[str, set[str]]:
    """importer -> imported (full names), without the edges in ``exclude`` (short names)."""
    g: dict[str, set[str]] = {m: set() for m in modules()}
    for e in scan()[0]:
        if not e.pairs() & exclude:
            g[e.importer].add(e.imported)
    return g


def circles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of ``g`` with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(g):
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(g[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    part.append(top)
                    if top == node:
                        break
                if len(part) > 1:
                    found.append(sorted(part))
    return found


def _floor(table: dict[str, int], rel: str, default: int) -> int:
    parts = rel.split(".") if rel else []
    for i in range(len(parts), -1, -1):
        key = ".".join(parts[:i])
        if key in table:
            return table[key]
    return default


def floors_of(importer: str, imported: str) -> tuple[int, int] | None:
    """(floor of importer, floor of imported) in the table that governs this pair, if any."""
    a, b = short(importer), short(imported)
    mot = short(MOT)
    inside = [x == mot or x.startswith(mot + ".") for x in (a, b)]
    if all(inside):
        rel = [x[len(mot) + 1 :] for x in (a, b)]
        return _floor(FLOORS, rel[0], TOP_FLOOR), _floor(FLOORS, rel[1], TOP_FLOOR)
    top = max(PACKAGE_FLOORS.values())
    return _floor(PACKAGE_FLOORS, a, top), _floor(PACKAGE_FLOORS, b, top)


def upward_edges() -> list[Edge]:
    out = []
    for e in scan()[0]:
        if e.pairs() & set(ALLOWED_EDGES):
            continue
        floors = floors_of(e.importer, e.imported)
        if floors and floors[0] < floors[1]:
            out.append(e)
    return out


def _edges_within(part: list[str]) -> list[Edge]:
    members = set(part)
    return [e for e in scan()[0] if e.importer in members and e.imported in members]


# --- the machinery itself -------------------------------------------------------------------


def test_scanner_counts_deferred_imports_and_skips_type_checking() -> None:
    source = textwrap.dedent(
        """
        from typing import TYPE_CHECKING
        from . import base
        if TYPE_CHECKING:
            from .gluon import block
        def f():
            from .numpy import linalg
        """
    )
    scanner = _Scanner(f"{MOT}.nd", is_package=False)
    scanner.visit(ast.parse(source))
    got = {(short(e.importer), short(e.imported), e.function, short(e.via)) for e in scanner.edges}
    nd, mot = "mxnet_on_torch.nd", "mxnet_on_torch"
    assert got == {
        (nd, f"{mot}.base", "", ""),
        (nd, f"{mot}.numpy.linalg", "f", ""),
        (nd, f"{mot}.numpy", "f", f"{mot}.numpy.linalg"),  # numpy/__init__ runs first
    }


def test_circles_are_the_strongly_connected_parts() -> None:
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}, "f": set()}
    assert sorted(circles(g)) == [["a", "b", "c"], ["d", "e"]]


# --- (a) circles, (b) upward imports --------------------------------------------------------


def test_every_module_parses_and_the_graph_has_edges() -> None:
    edges, _ = scan()
    assert f"{MOT}.autograd" in modules() and len(edges) > 100


def test_no_new_import_circles() -> None:
    left = circles(graph(set(ALLOWED_EDGES) | set(KNOWN_VIOLATIONS)))
    lines = []
    for part in left:
        lines.append("circle: " + " <-> ".join(short(m) for m in part))
        lines += [f"    {e}" for e in _edges_within(part)]
    assert not left, (
        "new import circle (deferred imports count: they hide a circle, not remove it); move "
        "what both sides need down a floor:\n" + "\n".join(lines)
    )


def test_no_new_upward_imports() -> None:
    new = [e for e in upward_edges() if not e.pairs() & set(KNOWN_VIOLATIONS)]
    assert not new, (
        "import upward across the floors (see FLOORS / PACKAGE_FLOORS in this file and the "
        "Layout section of docs/design.md):\n"
        + "\n".join(f"    {e}  floors {floors_of(e.importer, e.imported)}" for e in new)
    )


def test_known_violations_are_still_violations() -> None:
    on_circles = {
        pair
        for part in circles(graph(set(ALLOWED_EDGES)))
        for e in _edges_within(part)
        for pair in e.pairs()
    }
    upward = {pair for e in upward_edges() for pair in e.pairs()}
    fixed = [pair for pair in KNOWN_VIOLATIONS if pair not in on_circles | upward]
    assert not fixed, (
        "fixed (well done): remove from KNOWN_VIOLATIONS in tests/test_import_structure.py: "
        + ", ".join(f"{a} -> {b}" for a, b in fixed)
    )


def test_allowed_edges_exist() -> None:
    pairs = {pair for e in scan()[0] for pair in e.pairs()}
    assert set(ALLOWED_EDGES) <= pairs, set(ALLOWED_EDGES) - pairs


def test_computed_imports_only_where_allowed() -> None:
    bad = [
        d
        for d in scan()[1]
        if (short(d.module), d.function) not in DYNAMIC_IMPORT_SITES
        and not (d.is_package and d.function == "__getattr__")
    ]
    assert not bad, (
        "importlib.import_module with a computed name hides an import edge; import statically, "
        "or add the site to DYNAMIC_IMPORT_SITES with a reason:\n"
        + "\n".join(f"    {short(d.module)}:{d.line} in {d.function or '<module>'}" for d in bad)
    )


# --- (c) no mxnet behind the torch backend --------------------------------------------------

_NAMED = [
    PACKAGE,
    f"{PACKAGE}.mxnet",
    MOT,
    f"{MOT}.gluon",
    f"{MOT}.gluon.nn",
    f"{MOT}.gluon.loss",
    f"{MOT}.gluon.rnn",
    f"{MOT}.optimizer",
]

_CHILD = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    def mx_loaded():
        return sorted(m for m in sys.modules if m == "mxnet" or m.startswith("mxnet."))

    def attempts():
        return getattr(sys, "_fake_mxnet_imports", [])

    for name in NAMED:
        importlib.import_module(name)
        assert not mx_loaded() and not attempts(), (name, mx_loaded()[:3], attempts()[:1])

    import autograd_compat.mxnet_on_torch as mot
    for info in pkgutil.walk_packages(mot.__path__, mot.__name__ + "."):
        importlib.import_module(info.name)
        assert not mx_loaded() and not attempts(), (info.name, mx_loaded()[:3], attempts()[:1])

    # The torch backend works: a gradient, a Gluon layer and a trainer step.
    from autograd_compat import namespace
    from autograd_compat.mxnet import autograd, nd, gluon
    mx = namespace("mxnet")
    assert mx is mot
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    assert x.grad.asnumpy().tolist() == [2.0, 4.0]
    net = gluon.nn.Dense(1, in_units=2)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = gluon.loss.L2Loss()(net(x.reshape((1, 2))), nd.array([[1.0]]))
    loss.backward()
    trainer.step(1)
    assert not mx_loaded() and not attempts(), (mx_loaded()[:3], attempts()[:1])
    print("ok")
    """
)

_FAKE_MXNET = textwrap.dedent(
    """
    import sys, traceback
    sys._fake_mxnet_imports = getattr(sys, "_fake_mxnet_imports", []) + [
        "".join(traceback.format_stack(limit=8))
    ]
    raise ImportError("fake mxnet: the torch backend must not import mxnet")
    """
)


def _run_child(tmp_path: Path, fake: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRAD_COMPAT_BACKEND"}
    paths = [str(SOURCE.parent)]
    if fake:
        (tmp_path / "mxnet").mkdir()
        (tmp_path / "mxnet" / "__init__.py").write_text(_FAKE_MXNET)
        paths.insert(0, str(tmp_path))
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    code = f"NAMED = {_NAMED!r}\n" + _CHILD
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-4000:]


@pytest.mark.slow
def test_torch_backend_never_imports_mxnet(tmp_path: Path) -> None:
    _run_child(tmp_path, fake=False)


@pytest.mark.slow
def test_torch_backend_works_when_mxnet_import_raises(tmp_path: Path) -> None:
    _run_child(tmp_path, fake=True)


if __name__ == "__main__":
    for part in circles(graph(set(ALLOWED_EDGES))):
        print("circle: " + " <-> ".join(short(m) for m in part))
        for e in _edges_within(part):
            print(f"    {e}")
    print("upward imports:")
    for e in upward_edges():
        print(f"    {e}  floors {floors_of(e.importer, e.imported)}")
