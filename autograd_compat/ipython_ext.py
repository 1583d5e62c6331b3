"""``%load_ext autograd_compat``: run MXNet-style and PyTorch-style notebook cells unchanged.

Loading the extension, for the active backend (``AUTOGRAD_COMPAT_BACKEND`` or
:func:`autograd_compat.set_backend`; to switch: unload, set, load again):

* binds ``autograd`` (the MXNet dialect), ``t`` (the torch dialect) and ``V`` (its
  ``autograd.Variable``) in the user namespace, each only where that name is not bound yet, and
  prints one line saying what it bound and on which backend;
* on the torch backend, makes sure MXNet's array methods (``attach_grad``, ...) are on
  ``torch.Tensor``, and makes ``import mxnet`` (any ``mxnet.*`` import, in cells and in the
  modules they import, such as the ``d2l`` package) import the MXNet dialect on torch
  (:mod:`autograd_compat.alias`; refused with a clear error when real MXNet is already imported);
* on the mxnet backend, makes ``import torch``, ``import torch as t``, ``import torch.autograd``,
  ``from torch.autograd import Variable``, ``import torch.nn.functional as F`` (any ``torch`` or
  ``torch.*`` import statement) *in the user's cells* bind the torch dialect on MXNet. Only the
  cells' code is rewritten; the real ``torch`` module stays what every library imports.

``%unload_ext autograd_compat`` removes the names it bound (if they still hold what it bound),
stops rewriting imports and removes the Tensor methods it installed. Modules already imported stay
loaded.
"""

from __future__ import annotations

import ast
import importlib
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from . import _backend

__all__ = ["load_ipython_extension", "unload_ipython_extension"]

_ALIASES: tuple[str, ...] = ("autograd", "t", "V")


@dataclass
class _Loaded:
    backend: str
    bound: dict[str, Any] = field(default_factory=dict)  # name -> object we bound
    transformer: ast.NodeTransformer | None = None
    installed_methods: bool = False  # we put the MXNet methods on torch.Tensor
    aliased_mxnet: bool = False  # we made `import mxnet` the shim


# One IPython shell per process in practice; keyed by id() so a second shell in tests is separate.
_loaded: dict[int, _Loaded] = {}


# --- the dialects, resolved by attribute so nothing here depends on their file names --------


def _torch_dialect(backend: str) -> ModuleType:
    return _backend.namespace("torch", backend)


def _mxnet_dialect(backend: str) -> ModuleType:
    return _backend.namespace("mxnet", backend)


def _resolve(backend: str, dotted: str) -> Any:
    """``torch`` / ``torch.a.b`` in the torch dialect of ``backend``, found by attribute."""
    try:
        obj: Any = _torch_dialect(backend)
    except ImportError as exc:
        # The user's `import torch` failed: say so with the error `import` itself raises.
        raise ModuleNotFoundError(
            f"No module named {dotted!r}: the torch dialect on the {backend} backend could not "
            f"be imported ({exc})",
            name=dotted,
        ) from exc
    parts = dotted.split(".")
    for depth, part in enumerate(parts[1:], start=2):
        try:
            obj = _child(obj, part)
        except AttributeError:
            prefix = ".".join(parts[:depth])
            raise ModuleNotFoundError(
                f"No module named {prefix!r} (the torch dialect on the {backend} backend has no "
                f"{part!r}; autograd_compat rewrites `import torch...` in notebook cells)",
                name=prefix,
            ) from None
    return obj


def _child(module: Any, name: str) -> Any:
    """``module.name``; for a package, also a submodule its ``__init__`` did not import yet."""
    try:
        return getattr(module, name)
    except AttributeError:
        if not hasattr(module, "__path__"):
            raise
    full = f"{module.__name__}.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:  # the submodule exists but one of its own imports is missing
            raise
        raise AttributeError(name) from exc


def cell_import(backend: str, dotted: str, top: bool = False) -> Any:
    """What ``import <dotted>`` binds in a rewritten cell (called by the rewritten code).

    ``top=True`` is ``import torch.x.y`` without ``as``: it checks the whole path and binds
    ``torch`` itself, as Python does.
    """
    obj = _resolve(backend, dotted)
    return _resolve(backend, dotted.split(".")[0]) if top else obj


def cell_import_from(backend: str, dotted: str, name: str) -> Any:
    """What ``from <dotted> import <name>`` binds in a rewritten cell."""
    module = _resolve(backend, dotted)
    try:
        return getattr(module, name)
    except AttributeError:
        # Python's own message for a missing name in `from m import name`.
        raise ImportError(
            f"cannot import name {name!r} from {dotted!r} (the torch dialect on the {backend} "
            "backend)",
            name=dotted,
        ) from None


def cell_import_star(backend: str, dotted: str, namespace: dict[str, Any]) -> None:
    """``from <dotted> import *`` in a rewritten cell: public names (or ``__all__``)."""
    module = _resolve(backend, dotted)
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    for n in names:
        namespace[n] = getattr(module, n)


def _is_torch(module: str | None) -> bool:
    return module is not None and (module == "torch" or module.startswith("torch."))


class TorchImportRewriter(ast.NodeTransformer):
    """Turns ``torch`` import statements into assignments from the torch dialect of ``backend``.

    ``import torch.nn.functional as F`` becomes
    ``F = __import__('autograd_compat.ipython_ext', fromlist=['_']).cell_import('mxnet',
    'torch.nn.functional')``. Going through ``__import__`` keeps the user namespace free of
    helper names. Other imports in the same statement are kept as they were.
    """

    def __init__(self, backend: str) -> None:
        self.backend = backend

    def _call(self, func: str, *args: ast.expr) -> ast.Call:
        helper = ast.Call(
            func=ast.Name(id="__import__", ctx=ast.Load()),
            args=[ast.Constant(__name__)],
            keywords=[ast.keyword(arg="fromlist", value=ast.List([ast.Constant("_")], ast.Load()))],
        )
        return ast.Call(
            func=ast.Attribute(value=helper, attr=func, ctx=ast.Load()),
            args=[ast.Constant(self.backend), *args],
            keywords=[],
        )

    def _assign(self, target: str, value: ast.expr, like: ast.stmt) -> ast.stmt:
        node = ast.Assign(targets=[ast.Name(id=target, ctx=ast.Store())], value=value)
        return ast.copy_location(node, like)

    def visit_Import(self, node: ast.Import) -> Any:
        if not any(_is_torch(a.name) for a in node.names):
            return node
        out: list[ast.stmt] = []
        for alias in node.names:
            if not _is_torch(alias.name):
                out.append(ast.copy_location(ast.Import(names=[alias]), node))
            elif alias.asname:
                out.append(
                    self._assign(
                        alias.asname, self._call("cell_import", ast.Constant(alias.name)), node
                    )
                )
            else:
                top = alias.name.split(".")[0]
                call = self._call("cell_import", ast.Constant(alias.name), ast.Constant(True))
                out.append(self._assign(top, call, node))
        return out

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        if node.level or not _is_torch(node.module):
            return node
        out: list[ast.stmt] = []
        for alias in node.names:
            if alias.name == "*":
                call = self._call(
                    "cell_import_star",
                    ast.Constant(node.module),
                    ast.Call(func=ast.Name(id="globals", ctx=ast.Load()), args=[], keywords=[]),
                )
                out.append(ast.copy_location(ast.Expr(call), node))
            else:
                call = self._call(
                    "cell_import_from", ast.Constant(node.module), ast.Constant(alias.name)
                )
                out.append(self._assign(alias.asname or alias.name, call, node))
        return out


# --- what runs each framework in this kernel (read by `autograd-compat compare`) -------------


def implementations(ip: Any = None) -> dict[str, str]:
    """``{"mxnet": ..., "torch": ...}``: the implementation that ``import mxnet`` and ``import
    torch`` give in this process now (with the extension's aliasing and cell rewriting)."""
    from importlib import metadata

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    torch_version = version("torch").split("+")[0]
    mxnet_version = version("mxnet")
    from . import alias

    real = sys.modules.get("mxnet")
    if alias.is_mxnet_aliased() or (real is not None and alias.is_shim_module(real)):
        mx_impl = f"autograd_compat on torch {torch_version}"
    else:
        mx_impl = f"MXNet {mxnet_version}"
    states = list(_loaded.values()) if ip is None else [_loaded.get(id(ip))]
    rewriting = any(s is not None and s.transformer is not None for s in states)
    torch_impl = (
        f"autograd_compat on MXNet {mxnet_version}" if rewriting else f"torch {torch_version}"
    )
    return {"mxnet": mx_impl, "torch": torch_impl}


def print_implementations() -> None:
    """Print :func:`implementations` as JSON (run hidden in a kernel by the notebook runner)."""
    import json

    print(json.dumps(implementations()))


# --- load / unload ---------------------------------------------------------------------------


def _methods_installed() -> bool:
    # Only look if the MXNet dialect on torch was imported: looking must not import torch.
    mod = sys.modules.get("autograd_compat.mxnet_on_torch.tensor_methods")
    return bool(mod is not None and mod.is_installed())


def load_ipython_extension(ip: Any) -> None:
    """Bind ``autograd``/``t``/``V`` where free and, on MXNet, rewrite the cells' torch imports."""
    key = id(ip)
    if key in _loaded:
        # Already loaded, silently: `autograd-compat run` loads the extension before the first
        # cell, and the notebook's own `%load_ext autograd_compat` must then change nothing.
        return
    backend = _backend.get_backend()
    state = _Loaded(backend=backend)

    # Whether the MXNet methods were on torch.Tensor before we came, so unload leaves
    # torch.Tensor as it found it. Asked before importing the dialect, which installs them.
    was = _methods_installed()
    alias_note = ""
    if backend == "torch":
        from . import alias

        if not alias.is_mxnet_aliased():
            try:
                alias.alias_mxnet()
                state.aliased_mxnet = True
                alias_note = "; `import mxnet` gives the MXNet dialect on torch"
            except alias.MXNetAliasedError:
                # Said in the banner, not raised: the rest of the extension still works.
                alias_note = (
                    "; real MXNet was already imported, so `import mxnet` stays real MXNet "
                    "(restart the kernel and load the extension first to run MXNet code on torch)"
                )
        else:
            alias_note = "; `import mxnet` gives the MXNet dialect on torch"
    mx = _mxnet_dialect(backend)  # the MXNet dialect must work; errors surface to the user
    if backend == "torch":
        # The dialect installs the methods on its first import only; after an unload they are
        # gone while the module stays imported, so install explicitly.
        import autograd_compat

        autograd_compat.install()
        state.installed_methods = not was

    candidates: dict[str, Any] = {"autograd": mx.autograd}
    note = ""
    try:
        torch_ns = _torch_dialect(backend)
    except ImportError as exc:
        # The MXNet dialect still works without the torch dialect; `import torch` will raise
        # this same reason if a cell tries it.
        note = f"; torch dialect unavailable ({exc})"
    else:
        candidates["t"] = torch_ns
        try:
            candidates["V"] = _child(_child(torch_ns, "autograd"), "Variable")
        except AttributeError:
            note = "; the torch dialect has no autograd.Variable"

    user_ns = ip.user_ns
    for name, obj in candidates.items():
        if name not in user_ns:
            user_ns[name] = obj
            state.bound[name] = obj

    if backend == "torch":
        note = alias_note + note
    else:
        state.transformer = TorchImportRewriter(backend)
        ip.ast_transformers.append(state.transformer)
        note = "; `import torch` in cells gives the torch dialect on MXNet" + note

    _loaded[key] = state
    what = {
        "autograd": "autograd (MXNet)",
        "t": "t (torch)" if backend == "torch" else "t (torch dialect)",
        "V": "V (Variable)",
    }
    kept = [n for n in candidates if n not in state.bound]
    bound = ", ".join(what[n] for n in state.bound) or "nothing"
    kept_txt = f", kept your {', '.join(kept)}" if kept else ""
    print(f"autograd_compat: {backend} backend; bound {bound}{kept_txt}{note}")


def unload_ipython_extension(ip: Any) -> None:
    """Undo :func:`load_ipython_extension`: names, import rewriting, Tensor methods."""
    state = _loaded.pop(id(ip), None)
    if state is None:
        return
    user_ns = ip.user_ns
    for name, obj in state.bound.items():
        if user_ns.get(name, None) is obj:  # the user may have rebound it since: keep theirs
            del user_ns[name]
    if state.transformer is not None and state.transformer in ip.ast_transformers:
        ip.ast_transformers.remove(state.transformer)
    if state.installed_methods:
        import autograd_compat

        autograd_compat.uninstall()
    if state.aliased_mxnet:
        from . import alias

        alias.unalias_mxnet()
