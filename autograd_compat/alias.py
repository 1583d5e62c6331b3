"""``import mxnet`` served by the MXNet dialect on torch, with no line of the program changed.

:func:`alias_mxnet` puts an import hook first on ``sys.meta_path`` that answers ``mxnet`` and every
``mxnet.<path>`` with the matching module of :mod:`autograd_compat.mxnet_on_torch`
(``mxnet.gluon.nn`` is ``autograd_compat.mxnet_on_torch.gluon.nn``; the few MXNet paths whose
file names differ, such as ``mxnet.ndarray`` and ``mxnet.numpy_extension``, are mapped by
:data:`RENAMES`). The modules are the shim's own objects, so ``mxnet.nd is
autograd_compat.mxnet_on_torch.nd``.

Two ``mxnet`` modules in one process would silently mix arrays of both, so aliasing is refused
while real MXNet is imported, ``import mxnet`` never reaches the real package while aliased, and
every path that needs real MXNet (the ``mxnet`` backend, the torch dialect on MXNet, the oracle
side of :mod:`autograd_compat.testing`) raises :class:`MXNetAliasedError` instead of silently
running the shim as its own oracle.

Ways to switch it on: ``autograd-compat exec script.py`` (scripts), ``%load_ext
autograd_compat`` on the torch backend (notebooks; ``autograd-compat run``/``compare`` load it),
``pytest --compat-alias-mxnet`` or ``AUTOGRAD_COMPAT_ALIAS_MXNET=1 pytest`` (test suites), and
:func:`alias_mxnet` / :func:`aliased_mxnet` in Python (e.g. at the top of a ``conftest.py``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from . import _backend
from ._backend import MXNetAliasedError

__all__ = [
    "ENV_VAR",
    "MXNetAliasedError",
    "alias_mxnet",
    "aliased_mxnet",
    "is_mxnet_aliased",
    "unalias_mxnet",
]

ENV_VAR = "AUTOGRAD_COMPAT_ALIAS_MXNET"
TARGET = "autograd_compat.mxnet_on_torch"

#: MXNet module paths (below ``mxnet.``) whose module has another name in the shim.
#: A dotted key (``"ndarray.sparse"``) renames that submodule path; the longest match wins.
RENAMES: dict[str, str] = {
    "ndarray": "nd",
    "ndarray.ndarray": "nd_ndarray",
    "ndarray.sparse": "ndarray_sparse",
    "numpy_extension": "npx",
    "init": "initializer",
    "kv": "kvstore",
    "sym": "symbol",
    "mod": "module",
}

#: Modules outside ``mxnet`` that MXNet programs import for MXNet, served while aliased:
#: Horovod's MXNet binding (``import horovod.mxnet as hvd``) runs on ``torch.distributed``.
#: A real ``horovod`` package, when installed, stays the parent; without one an empty package
#: stands in, so the import line of the program works unchanged.
EXTRA_MODULES: dict[str, str] = {"horovod.mxnet": "autograd_compat.horovod_mxnet"}
_EXTRA_PARENTS = {name.rpartition(".")[0] for name in EXTRA_MODULES}


def _target_name(fullname: str) -> str:
    parts = fullname.split(".")[1:]
    for n in range(len(parts), 0, -1):
        renamed = RENAMES.get(".".join(parts[:n]))
        if renamed is not None:
            parts = [renamed, *parts[n:]]
            break
    return ".".join([TARGET, *parts])


def is_shim_module(module: object) -> bool:
    """True when ``module`` is one of the shim's (what ``import mxnet`` gives while aliased)."""
    name = getattr(module, "__name__", "")
    return name.startswith(TARGET) or name in EXTRA_MODULES.values()


class _ShimLoader(importlib.abc.Loader):
    """Hands the import system a module that is already loaded (the shim's own)."""

    def __init__(self, module: ModuleType) -> None:
        self._module = module

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return self._module

    def exec_module(self, module: ModuleType) -> None:
        pass  # already executed under its own name


class _MXNetFinder(importlib.abc.MetaPathFinder):
    """Resolves ``mxnet`` and ``mxnet.*`` to the shim; nothing else."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in EXTRA_MODULES or fullname in _EXTRA_PARENTS:
            return self._extra_spec(fullname)
        if fullname != "mxnet" and not fullname.startswith("mxnet."):
            return None
        name = _target_name(fullname)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise  # the shim module exists; one of its own imports is missing
            # A name the shim keeps as an attribute (``mxnet.kv`` style aliases), else: no module.
            parent_name, _, last = name.rpartition(".")
            module = getattr(sys.modules.get(parent_name), last, None)
            if not isinstance(module, ModuleType):
                raise ModuleNotFoundError(
                    f"No module named {fullname!r} (autograd_compat's MXNet dialect on torch "
                    f"serves `import mxnet`, and has no {name!r})",
                    name=fullname,
                ) from None
        # A shim module that is one file (``nd.py``) still has renamed submodules
        # (``mxnet.ndarray.sparse``): the import system only looks for those below a package.
        rel = fullname.partition(".")[2]
        has_children = any(key.startswith(rel + ".") for key in RENAMES) if rel else True
        return importlib.util.spec_from_loader(
            fullname, _ShimLoader(module), is_package=hasattr(module, "__path__") or has_children
        )

    @staticmethod
    def _extra_spec(fullname: str) -> importlib.machinery.ModuleSpec | None:
        if fullname in EXTRA_MODULES:
            module = importlib.import_module(EXTRA_MODULES[fullname])
            return importlib.util.spec_from_loader(fullname, _ShimLoader(module))
        if importlib.machinery.PathFinder.find_spec(fullname) is not None:
            return None  # the real parent package is installed: it stays
        parent = ModuleType(fullname, f"stand-in for {fullname!r} while mxnet is aliased")
        parent.__path__ = []
        parent._autograd_compat_stand_in = True  # type: ignore[attr-defined]
        return importlib.util.spec_from_loader(fullname, _ShimLoader(parent), is_package=True)


_finder = _MXNetFinder()


def is_mxnet_aliased() -> bool:
    """True while ``import mxnet`` is served by the MXNet dialect on torch."""
    return _finder in sys.meta_path


def alias_mxnet() -> None:
    """Make ``import mxnet`` (and ``mxnet.*``) import the MXNet dialect on torch.

    Raises :class:`MXNetAliasedError` when real MXNet is already imported in this process.
    Repeated calls are harmless.
    """
    if is_mxnet_aliased():
        return
    real = sys.modules.get("mxnet")
    if real is not None and not is_shim_module(real):
        raise MXNetAliasedError(
            "real MXNet is already imported in this process, so `mxnet` cannot be aliased to "
            "autograd_compat's MXNet dialect on torch (two mxnets would mix arrays); alias before "
            "anything imports mxnet, or run the program with `autograd-compat exec`"
        )
    importlib.import_module(TARGET)  # imports torch; fails here, not at the user's import line
    sys.meta_path.insert(0, _finder)
    _backend._mxnet_aliased = True


def unalias_mxnet() -> None:
    """Undo :func:`alias_mxnet`: ``import mxnet`` finds real MXNet again (if installed).

    Modules that already hold the shim's ``mxnet`` keep it.
    """
    while _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for key in [k for k in sys.modules if k == "mxnet" or k.startswith("mxnet.")]:
        if is_shim_module(sys.modules[key]):
            del sys.modules[key]
    for key in [*EXTRA_MODULES, *_EXTRA_PARENTS]:
        module = sys.modules.get(key)
        if is_shim_module(module) or getattr(module, "_autograd_compat_stand_in", False):
            del sys.modules[key]
    _backend._mxnet_aliased = False


@contextmanager
def aliased_mxnet() -> Iterator[ModuleType]:
    """``with aliased_mxnet() as mx:`` — ``import mxnet`` is the shim inside the block."""
    was = is_mxnet_aliased()
    alias_mxnet()
    try:
        yield importlib.import_module("mxnet")
    finally:
        if not was:
            unalias_mxnet()
