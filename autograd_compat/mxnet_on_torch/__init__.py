"""The MXNet dialect on PyTorch: ``namespace("mxnet", "torch")`` is this module.

Attributes: ``autograd``, ``nd``, ``random``, ``cpu``, ``gpu``, ``Context``, ``base``. Importing it
installs MXNet's array methods on ``torch.Tensor`` (see :mod:`.tensor_methods`).
"""

from __future__ import annotations

from . import autograd, base, nd, random, tensor_methods
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
    "num_gpus",
    "random",
]
