"""The MXNet dialect on PyTorch: ``namespace("mxnet", "torch")`` is this module.

Attributes: ``autograd``, ``nd``, ``np``, ``npx``, ``random``, ``cpu``, ``gpu``, ``Context``,
``base``. Importing it
installs MXNet's array methods on ``torch.Tensor`` (see :mod:`.tensor_methods`).
"""

from __future__ import annotations

from . import autograd, base, nd, npx, random, tensor_methods
from . import numpy as np
from .context import Context, cpu, current_context, gpu, num_gpus

tensor_methods.install()

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
