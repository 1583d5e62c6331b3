"""``mxnet.kvstore.base`` on torch: the store base class with its registry of Python stores, and
MXNet's ``TestStore``."""

from __future__ import annotations

import warnings
from typing import Any

import torch

from ..base import MXNetError

__all__ = ["KVStoreBase", "TestStore"]


class KVStoreBase:
    """The base of key-value stores; ``KVStoreBase.register`` adds a Python store that
    ``kv.create`` finds by its lower-cased class name."""

    OPTIMIZER = "optimizer"
    kv_registry: dict[str, type] = {}

    @staticmethod
    def register(klass: type) -> type:
        name = klass.__name__.lower()
        old = KVStoreBase.kv_registry.get(name)
        if old is not None:
            warnings.warn(
                f"WARNING: New kvstore {klass.__module__}.{klass.__name__} is overriding "
                f"existing kvstore {old.__module__}.{old.__name__}",
                stacklevel=2,
            )
        KVStoreBase.kv_registry[name] = klass
        return klass


def as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def pairs(key: Any, value: Any) -> list[tuple[Any, list]]:
    """``(key, [arrays])`` pairs from MXNet's key/value argument forms."""
    if isinstance(key, (list, tuple)):
        values = as_list(value)
        if len(values) != len(key):
            raise MXNetError(f"{len(key)} keys but {len(values)} values were given")
        return [(k, as_list(v)) for k, v in zip(key, values)]
    return [(key, as_list(value))]


@KVStoreBase.register
class TestStore(KVStoreBase):
    """MXNet's Python test store: sums in ``pushpull`` and copies in ``broadcast``; it cannot
    run an optimizer."""

    @property
    def type(self) -> str:
        return "teststore"

    @property
    def rank(self) -> int:
        return 0

    @property
    def num_workers(self) -> int:
        return 1

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        with torch.no_grad():
            for o in as_list(out):
                o.copy_(value)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                if out is not None:
                    for o in as_list(out):
                        o.copy_(value)
                return
            total = value[0].detach().clone().as_subclass(torch.Tensor)
            for v in value[1:]:
                total.add_(v.to(total.device))
            for o in value if out is None else as_list(out):
                o.copy_(total)

    @staticmethod
    def is_capable(capability: str) -> bool:
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")
