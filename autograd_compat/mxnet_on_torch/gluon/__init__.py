"""``mxnet.gluon`` (1.9.1) on torch, laid out as MXNet keeps it: ``parameter.py``, ``block.py``,
``trainer.py``, ``loss.py``, ``utils.py``, ``nn/``, ``rnn/``, ``data/``, ``contrib/``,
``model_zoo/``.

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
