"""``mx.kv.KVStore`` (MXNet 1.9.1) on torch: the single-process stores ``'local'``, ``'device'``
and ``'nccl'``, and the base of the distributed ones (``kvstore/dist.py``).

A store keeps one array per key. ``push`` sums the arrays pushed for a key (one per device) and,
with an optimizer set, updates the stored array with the sum as gradient; without one the sum
replaces it. ``pull`` copies the stored array into every output.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import torch

from ...ndfile import write_atomic
from .. import optimizer as opt
from ..base import MXNetError
from .base import KVStoreBase, pairs

__all__ = ["KVStore"]


class KVStore(KVStoreBase):
    """A key-value store (``mx.kv.create('local')``); the distributed stores extend it."""

    def __init__(self, kv_type: str = "local") -> None:
        self._type = kv_type
        self._store: dict = {}
        self._key_type: type | None = None
        self._updater: Any = None
        self._warned_sparse = False

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
        items = pairs(key, value)
        for k, _ in items:
            self._check_key(k)
            if k in self._store:
                raise MXNetError(
                    f"Check failed: local_.find(keys[i]) == local_.end(): duplicate init of key "
                    f"{k}. Please double check if you called kv.init or kv.broadcast with this "
                    "key multiple times"
                )
        with torch.no_grad():
            firsts = [vals[0].detach().as_subclass(torch.Tensor) for _, vals in items]
            for (k, _), v in zip(items, self._initial_values([k for k, _ in items], firsts)):
                self._store[k] = v

    def _initial_values(self, keys: list, values: list[torch.Tensor]) -> list[torch.Tensor]:
        """The arrays to store for ``keys`` (copies of ``values``)."""
        return [v.clone() for v in values]

    def push(self, key: Any, value: Any, priority: int = 0) -> None:
        """Sum the arrays pushed for each key; update the stored array with the sum (with an
        optimizer set) or replace it by the sum."""
        with torch.no_grad():
            items = pairs(key, value)
            stored = [self._stored(k) for k, _ in items]
            merged = self._merge([vals for _, vals in items], stored)
            self._apply([k for k, _ in items], merged, stored)

    def _merge(self, values: list[list], stored: list[torch.Tensor]) -> list[torch.Tensor]:
        """Per key, the sum of its pushed arrays, on its stored array's device."""
        merged = []
        for vals, s in zip(values, stored):
            m = vals[0]
            if len(vals) > 1:
                m = vals[0].detach().clone().as_subclass(torch.Tensor)
                for v in vals[1:]:
                    m.add_(v.to(m.device))
            merged.append(m.to(s.device))
        return merged

    def _apply(self, keys: list, merged: list, stored: list) -> None:
        """Update each stored array with its merged gradient, or replace it by the merge."""
        if self._updater is None:
            for m, s in zip(merged, stored):
                s.copy_(m)
        else:
            for k, m, s in zip(keys, merged, stored):
                self._updater(k, m, s)

    def pull(
        self, key: Any, out: Any = None, priority: int = 0, ignore_sparse: bool = True
    ) -> None:
        """Copy the stored array of each key into its output array(s)."""
        assert out is not None
        sources, targets = [], []
        for k, outs in pairs(key, out):
            stored = self._stored(k)
            for o in outs:
                sources.append(stored)
                targets.append(o)
        with torch.no_grad():
            torch._foreach_copy_(targets, sources)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """``push`` then ``pull`` (into ``value`` itself when ``out`` is None)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """``init`` the key with ``value``, then ``pull`` it into ``out``."""
        self.init(key, value)
        self.pull(key, out, priority)

    def row_sparse_pull(
        self, key: Any, out: Any = None, priority: int = 0, row_ids: Any = None
    ) -> None:
        """Dense fallback (the torch backend has no row-sparse arrays): each dense ``out`` gets
        the stored rows listed in its ``row_ids`` and zeros elsewhere, which is MXNet's
        row-sparse result written densely."""
        assert out is not None
        assert row_ids is not None
        if not self._warned_sparse:
            self._warned_sparse = True
            warnings.warn(
                "row_sparse_pull: the torch backend has no row-sparse arrays; the rows are "
                "pulled into dense arrays (zeros outside row_ids)",
                stacklevel=2,
            )
        with torch.no_grad():
            for (k, outs), (_, ids) in zip(pairs(key, out), pairs(key, row_ids)):
                stored = self._stored(k)
                if len(ids) == 1 and len(outs) > 1:
                    ids = ids * len(outs)
                for o, rows in zip(outs, ids):
                    index = torch.as_tensor(rows, device=stored.device).reshape(-1).long()
                    o.zero_()
                    o[index.to(o.device)] = stored[index].to(o.device)

    def set_gradient_compression(self, compression_params: dict) -> None:
        """MXNet's ``'2bit'`` compression is not emulated (``NotImplementedError``)."""
        if "device" not in self.type and "dist" not in self.type:
            raise Exception("Gradient compression is not supported for this type of kvstore")
        kind = str(dict(compression_params).get("type", "")).lower()
        if kind == "none":
            return
        raise NotImplementedError(
            f"gradient compression {kind!r} is not emulated by the torch backend (its numbers "
            "would differ). Hint: drop compression_params."
        )

    def set_optimizer(self, optimizer: Any) -> None:
        """Update stored arrays with ``optimizer`` on every push."""
        self._set_updater(opt.get_updater(optimizer))

    def _set_updater(self, updater: Callable) -> None:
        self._updater = updater

    def _barrier(self) -> None:
        """Wait for every worker (one process: returns at once)."""

    def save_optimizer_states(self, fname: str, dump_optimizer: bool = False) -> None:
        """Write the optimizer states (and the optimizer, if ``dump_optimizer``) to ``fname``."""
        assert self._updater is not None, "Cannot save states for distributed training"
        data = self._updater.get_states(dump_optimizer)
        write_atomic(fname, data)  # whole or not at all; the old file stays on failure

    def load_optimizer_states(self, fname: str) -> None:
        """Read states written by :meth:`save_optimizer_states` (or by real MXNet)."""
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())
