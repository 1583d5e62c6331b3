"""``mxnet.gluon`` (1.9.1) on torch, laid out as MXNet keeps it.

What lives where, in import order (a module imports those above it in this list and the floors of
``mxnet_on_torch`` below Gluon, never one below it; see "Layout" in ``docs/design.md``):

* ``utils.py``: ``split_and_load``, ``clip_global_norm``, ``download``, and the helpers the rest
  of Gluon shares;
* ``parameter.py``: ``Parameter``, ``Constant``, ``ParameterDict`` (torch leaves that are MXNet
  variables; deferred initialization);
* ``_shape_inference.py``: unknown parameter dims of a custom ``HybridBlock``, found on torch's
  ``meta`` device;
* ``block.py``: ``Block``, ``HybridBlock``, ``SymbolBlock`` (naming, children, save/load);
* ``_sequential.py``: ``Sequential``, ``HybridSequential``;
* ``nn/`` (layers), ``loss.py``, ``rnn/`` (cells, and fused layers on torch's RNN kernels);
* ``trainer.py``: ``Trainer``, over ``mxnet_on_torch.optimizer`` and ``kvstore``;
* ``data/``: datasets, samplers, ``DataLoader``; ``data/vision/``: vision datasets, transforms;
* ``contrib/`` (contrib ``nn``/``rnn``) and ``model_zoo/`` (vision models, the weight store).

Submodules and names load on first use, so ``import autograd_compat.mxnet_on_torch`` stays cheap
for code that never touches Gluon.
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = (
    "nn",
    "rnn",
    "loss",
    "data",
    "utils",
    "contrib",
    "model_zoo",
    "trainer",
    "block",
    "parameter",
)
_NAMES = {
    "Block": "block",
    "HybridBlock": "block",
    "SymbolBlock": "block",
    "Parameter": "parameter",
    "ParameterDict": "parameter",
    "Constant": "parameter",
    "DeferredInitializationError": "parameter",
    "tensor_types": "parameter",
    "Trainer": "trainer",
}

__all__ = sorted(_SUBMODULES + tuple(_NAMES))


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module 'mxnet.gluon' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
