"""autograd_compat: MXNet-style and PyTorch-style autograd code, unchanged, on either framework.

Quick start::

    from autograd_compat.mxnet import autograd, nd   # MXNet dialect on the active backend
    from autograd_compat import torch                 # PyTorch dialect on the active backend

``alias_mxnet()`` makes ``import mxnet`` itself the MXNet dialect on torch (unmodified MXNet
programs; also ``autograd-compat exec script.py``).

The active backend is ``"torch"`` unless ``AUTOGRAD_COMPAT_BACKEND`` or :func:`set_backend` says
otherwise. Importing this package imports neither torch nor mxnet.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ._backend import BACKENDS, DIALECTS, get_backend, namespace, set_backend
from .alias import MXNetAliasedError, alias_mxnet, aliased_mxnet, is_mxnet_aliased, unalias_mxnet

__all__ = [
    "BACKENDS",
    "DIALECTS",
    "MXNetAliasedError",
    "alias_mxnet",
    "aliased_mxnet",
    "get_backend",
    "is_mxnet_aliased",
    "install",
    "namespace",
    "set_backend",
    "to_mxnet",
    "to_torch",
    "torch",
    "unalias_mxnet",
    "uninstall",
]
__version__ = "0.1.0"


def install(methods: Any = None) -> None:
    """Add MXNet array methods (``attach_grad``, ``copy``, ``asnumpy``, ...) to ``torch.Tensor``.

    Done automatically when the MXNet dialect on torch is first imported; repeated calls are
    harmless. ``methods`` names the ones to add (default: all), for programs whose other
    libraries test ``hasattr`` on tensors: call it before the first import of the dialect.
    See ``docs/design.md`` for every name it adds or wraps.
    """
    from . import _backend

    if methods is not None:
        methods = tuple(methods)
    _backend.install_methods = methods  # read by the dialect's first import, below
    from .mxnet_on_torch import tensor_methods

    if methods is not None:  # already installed (whole or another selection): this one now
        tensor_methods.uninstall()
    tensor_methods.install(methods)


def uninstall() -> None:
    """Remove what :func:`install` added, leaving ``torch.Tensor`` exactly as it was."""
    from .mxnet_on_torch import tensor_methods

    tensor_methods.uninstall()


def to_torch(x: Any) -> Any:
    """Return ``x`` as a detached native ``torch.Tensor`` sharing memory where possible."""
    from . import interop

    return interop.to_torch(x)


def to_mxnet(x: Any) -> Any:
    """Return ``x`` as a detached native MXNet ``NDArray`` sharing memory where possible."""
    from . import interop

    return interop.to_mxnet(x)


def __getattr__(name: str) -> ModuleType:
    # `from autograd_compat import torch` resolves when it runs, so the bound name keeps the
    # backend that was active at that moment.
    if name == "torch":
        return namespace("torch")
    raise AttributeError(f"module 'autograd_compat' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext autograd_compat``: see :mod:`autograd_compat.ipython_ext`."""
    from . import ipython_ext

    ipython_ext.load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext autograd_compat``: undo :func:`load_ipython_extension`."""
    from . import ipython_ext

    ipython_ext.unload_ipython_extension(ipython)
