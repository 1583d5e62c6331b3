"""The MXNet dialect on PyTorch: ``namespace("mxnet", "torch")`` is this module.

Attributes: ``autograd``, ``nd``, ``np``, ``npx``, ``random``, ``cpu``, ``gpu``, ``Context``,
``base``. Importing it
installs MXNet's array methods on ``torch.Tensor`` (see :mod:`.tensor_methods`).
"""

from __future__ import annotations

import importlib
from typing import Any

from .. import _backend
from . import autograd, base, nd, npx, random, tensor_methods
from . import numpy as np
from .context import Context, cpu, current_context, gpu, num_gpus

tensor_methods.install(_backend.install_methods)

# The MXNet release whose behaviour this emulates, marked as the shim (PEP 440 local version).
__version__ = "1.9.1+autograd_compat.torch"

# `mx.ndarray` is the legacy NDArray namespace, as in MXNet (the np array class lives in the
# submodule `.ndarray`, which modules import by its full name, never as this attribute).
ndarray = nd

# The NDArray namespace carries the NumPy-style interfaces as ``F.np``/``F.npx``, as MXNet's does
# (Gluon's ``hybrid_forward(F, ...)`` code calls them).
nd.np = np
nd.npx = npx

# Gluon, initializers, optimizers, ... load on first use (``mx.gluon``, ``from mxnet import init``).
_LAZY = {
    "gluon": "gluon",
    "init": "initializer",
    "initializer": "initializer",
    "optimizer": "optimizer",
    "lr_scheduler": "lr_scheduler",
    "metric": "metric",
    "io": "io",
    "recordio": "recordio",
    "image": "image",
    "kv": "kvstore",
    "kvstore": "kvstore",
    "test_utils": "test_utils",
    "util": "util",
    "sym": "symbol",
    "symbol": "symbol",
    "mod": "module",
    "module": "module",
    "model": "model",
    "operator": "operator",
    "profiler": "profiler",
    "runtime": "runtime",
    "engine": "engine",
    "numpy_op_signature": "numpy_op_signature",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{_LAZY[name]}")
    raise AttributeError(f"module 'mxnet' has no attribute {name!r}")


__all__ = [
    "Context",
    "autograd",
    "base",
    "cpu",
    "current_context",
    "gpu",
    "nd",
    "np",
    "npx",
    "num_gpus",
    "random",
]
