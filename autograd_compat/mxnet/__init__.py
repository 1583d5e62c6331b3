"""The MXNet dialect on the active backend.

``from autograd_compat.mxnet import autograd, nd, cpu, gpu`` gives MXNet's API: on the torch
backend the adapter in :mod:`autograd_compat.mxnet_on_torch`, on the mxnet backend real MXNet.
Names resolve when they are imported, so they keep the backend active at that moment.
"""

from __future__ import annotations

from typing import Any

from .._backend import namespace

_NAMES = (
    "autograd",
    "nd",
    "np",
    "npx",
    "random",
    "cpu",
    "gpu",
    "Context",
    "base",
    "gluon",
    "init",
    "initializer",
    "optimizer",
    "lr_scheduler",
    "metric",
    "io",
    "kv",
    "kvstore",
)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        ns = namespace("mxnet")
        try:
            return getattr(ns, name)
        except AttributeError:
            raise NotImplementedError(
                f"mxnet.{name} is not available yet in autograd_compat's MXNet dialect on the "
                f"{ns.__name__.rsplit('_', 1)[-1]} backend"
            ) from None
    raise AttributeError(
        f"module 'autograd_compat.mxnet' has no attribute {name!r} "
        f"(the MXNet dialect provides: {', '.join(_NAMES)})"
    )


def __dir__() -> list[str]:
    return sorted(_NAMES)
