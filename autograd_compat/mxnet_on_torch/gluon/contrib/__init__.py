"""``mxnet.gluon.contrib`` (1.9.1) on torch: ``contrib.nn`` (``Concurrent``, ``HybridConcurrent``,
``Identity``, ``PixelShuffle1D/2D/3D``, ``SyncBatchNorm``) and ``contrib.rnn``
(``VariationalDropoutCell``, ``LSTMPCell``). The other contrib packages (``cnn``, ``data``,
``estimator``) are not provided on the torch backend."""

from __future__ import annotations

import importlib
from typing import Any

from ..._unsupported import unsupported

_SUBMODULES = ("nn", "rnn")
_MISSING = ("cnn", "data", "estimator")

__all__ = list(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _MISSING:
        raise unsupported(f"mxnet.gluon.contrib.{name}", "the matching torch module")
    raise AttributeError(f"module 'mxnet.gluon.contrib' has no attribute {name!r}")
