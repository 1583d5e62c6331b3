"""``mx.kv`` (MXNet 1.9.1) on torch: the single-process key-value stores ``'local'`` and
``'device'``.

A store keeps one array per key. ``push`` sums the arrays pushed for a key (one per device) and,
with an optimizer set, updates the stored array with the sum as gradient; without one the sum
replaces it. ``pull`` copies the stored array into every output. The distributed types
(``dist_*``, ``horovod``, ``byteps``) are not available on the torch backend.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable
from typing import Any

import torch

from . import optimizer as opt
from .base import MXNetError

__all__ = ["KVStore", "KVStoreBase", "TestStore", "create"]

_LOCAL_TYPES = (
    "local",
    "device",
    "local_update_cpu",
    "local_allreduce_cpu",
    "local_allreduce_device",
    "nccl",
)


class KVStoreBase:
    """The base of key-value stores; ``KVStoreBase.register`` adds a Python store that
    :func:`create` finds by its lower-cased class name."""

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


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _pairs(key: Any, value: Any) -> list[tuple[Any, list]]:
    """``(key, [arrays])`` pairs from MXNet's key/value argument forms."""
    if isinstance(key, (list, tuple)):
        values = _as_list(value)
        if len(values) != len(key):
            raise MXNetError(f"{len(key)} keys but {len(values)} values were given")
        return [(k, _as_list(v)) for k, v in zip(key, values)]
    return [(key, _as_list(value))]


class KVStore(KVStoreBase):
    """A single-process key-value store (``mx.kv.create('local')``)."""

    def __init__(self, kv_type: str = "local") -> None:
        self._type = kv_type
        self._store: dict = {}
        self._key_type: type | None = None
        self._updater: Any = None

    @property
    def type(self) -> str:
        return self._type

    @property
    def rank(self) -> int:
        return 0

    @property
    def num_workers(self) -> int:
        return 1

    def is_capable(self, capability: str) -> bool:
        """Whether the store can ``capability`` (``'optimizer'``: yes)."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError(f"Unknown capability: {capability}")

    def _check_key(self, key: Any) -> Any:
        kind = str if isinstance(key, str) else int
        if kind is int and not isinstance(key, int):
            raise MXNetError(f"a key must be an int or a str, got {type(key).__name__}")
        if self._key_type is None:
            self._key_type = kind
        elif self._key_type is not kind:
            raise MXNetError(
                "Check failed: key_type_ == key_type : Mixed key types are not allowed"
            )
        return key

    def _stored(self, key: Any) -> torch.Tensor:
        self._check_key(key)
        if key not in self._store:
            raise MXNetError(f"key {key!r} has not been initialized: call kv.init first")
        return self._store[key]

    def init(self, key: Any, value: Any) -> None:
        """Store a copy of ``value`` under ``key`` (or of each value under each key)."""
        for k, vals in _pairs(key, value):
            self._check_key(k)
            if k in self._store:
                raise MXNetError(
                    f"Check failed: local_.find(keys[i]) == local_.end(): duplicate init of key "
                    f"{k}. Please double check if you called kv.init or kv.broadcast with this "
                    "key multiple times"
                )
            self._store[k] = vals[0].detach().clone().as_subclass(torch.Tensor)

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Sum the arrays pushed for each key; update the stored array with the sum (with an
        optimizer set) or replace it by the sum."""
        with torch.no_grad():
            for k, vals in _pairs(key, value):
                stored = self._stored(k)
                merged = vals[0]
                if len(vals) > 1:
                    merged = vals[0].detach().clone().as_subclass(torch.Tensor)
                    for v in vals[1:]:
                        merged.add_(v.to(merged.device))
                merged = merged.to(stored.device)
                if self._updater is not None:
                    self._updater(k, merged, stored)
                else:
                    stored.copy_(merged)

    def pull(
        self, key: Any, out: Any = None, priority: int = 0, ignore_sparse: bool = True
    ) -> None:
        """Copy the stored array of each key into its output array(s)."""
        assert out is not None
        with torch.no_grad():
            for k, outs in _pairs(key, out):
                stored = self._stored(k)
                for o in outs:
                    o.copy_(stored)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """``push`` then ``pull`` (into ``value`` itself when ``out`` is None)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """``init`` the key with ``value``, then ``pull`` it into ``out``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "row_sparse_pull needs sparse storage, which the torch backend does not have"
        )

    def set_gradient_compression(self, compression_params: dict) -> None:
        raise NotImplementedError(
            "gradient compression is not supported by the torch backend's local KVStore"
        )

    def set_optimizer(self, optimizer: Any) -> None:
        """Update stored arrays with ``optimizer`` on every push."""
        self._set_updater(opt.get_updater(optimizer))

    def _set_updater(self, updater: Callable) -> None:
        self._updater = updater

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Write the optimizer states (and the optimizer, if ``dump_optimizer``) to ``fname``."""
        assert self._updater is not None, "Cannot save states for distributed training"
        data = self._updater.get_states(dump_optimizer)
        folder = os.path.dirname(os.path.abspath(fname))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".states-")
        try:
            with os.fdopen(fd, "wb") as fout:
                fout.write(data)
            os.replace(tmp, fname)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def load_optimizer_states(self, fname: str) -> None:
        """Read states written by :meth:`save_optimizer_states` (or by real MXNet)."""
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())


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
            for o in _as_list(out):
                o.copy_(value)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                if out is not None:
                    for o in _as_list(out):
                        o.copy_(value)
                return
            total = value[0].detach().clone().as_subclass(torch.Tensor)
            for v in value[1:]:
                total.add_(v.to(total.device))
            for o in value if out is None else _as_list(out):
                o.copy_(total)

    @staticmethod
    def is_capable(capability: str) -> bool:
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")


def create(name: str = "local") -> KVStoreBase:
    """A new store of type ``name``: ``'local'`` or ``'device'`` (the same on the torch backend,
    where the sum is taken on the first array's device)."""
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in _LOCAL_TYPES:
        return KVStore(name)
    if "dist" in name or name in ("horovod", "byteps"):
        raise NotImplementedError(
            f"KVStore type {name!r} (distributed training) is not supported by the torch "
            "backend yet. Hint: use 'local' or 'device' in one process, or torch.distributed."
        )
    raise ValueError(f"Unknown KVStore type {name!r}")
