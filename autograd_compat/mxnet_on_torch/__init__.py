"""The MXNet dialect on PyTorch: ``namespace("mxnet", "torch")`` is this module.

Attributes: ``autograd``, ``nd``, ``np``, ``npx``, ``random``, ``cpu``, ``gpu``, ``Context``,
``base``. Importing it
installs MXNet's array methods on ``torch.Tensor`` (see :mod:`.tensor_methods`).
"""

from __future__ import annotations

import importlib
from typing import Any

from .. import _backend
from . import (
    autograd,
    base,
    int_variables,  # noqa: F401 - registers integer variables (attach_grad on ints)
    nd,
    nd_update_ops,
    npx,
    random,
    tensor_methods,
)
from . import numpy as np
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from .util import (
    is_np_array,
    is_np_shape,
    np_array,
    np_shape,
    set_np_shape,
    use_np,
    use_np_array,
    use_np_shape,
)

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
# MXNet's optimizer update operators are nd functions too (`nd.sgd_update`, ...); they are the
# optimizers' arithmetic, a floor above nd, so they are put into nd from here.
for _name in nd_update_ops.__all__:
    setattr(nd, _name, getattr(nd_update_ops, _name))

# Gluon, initializers, optimizers, ... load on first use (``mx.gluon``, ``from mxnet import init``).
_LAZY = {
    "gluon": "gluon",
    "init": "initializer",
    "initializer": "initializer",
    "optimizer": "optimizer",
    "lr_scheduler": "lr_scheduler",
    "metric": "metric",
    "name": "name",
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
    "_numpy_op_doc": "_numpy_op_doc",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(f"{__name__}.{_LAZY[name]}")
    raise AttributeError(f"module 'mxnet' has no attribute {name!r}")


__all__ = [
    "Context",
    "MXNetError",
    "autograd",
    "base",
    "cpu",
    "cpu_pinned",
    "current_context",
    "gpu",
    "is_np_array",
    "is_np_shape",
    "nd",
    "np",
    "npx",
    "np_array",
    "np_shape",
    "num_gpus",
    "random",
    "set_np_shape",
    "use_np",
    "use_np_array",
    "use_np_shape",
]
