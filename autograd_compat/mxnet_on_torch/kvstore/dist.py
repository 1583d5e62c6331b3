"""MXNet's distributed stores on ``torch.distributed``: ``'dist'``, ``'dist_sync'``,
``'dist_device_sync'``, ``'dist_async'`` and ``'horovod'``.

There is no parameter server. Every worker keeps the "server's" copy of each key and the
collectives make the copies equal:

* ``init``/``broadcast``: rank 0's value is broadcast (after a check that every worker gives the
  same keys, shapes and dtypes: a mismatch raises ``MXNetError`` at once on every worker);
* ``push``: the arrays of each key are summed on the worker, then over workers with bucketed
  ``all_reduce`` calls of flattened arrays (a few per call, not one per key); with an optimizer
  set every worker runs the server's update on its copy (the same numbers on every worker), else
  the sum replaces the stored array, as on MXNet's servers;
* ``pull`` copies the worker's copy.

Every worker must push, pull and init the same keys in the same order, as with MXNet's
synchronous training. ``'dist_async'`` runs synchronously (with a warning): its updates are those
of ``'dist_sync'``. ``set_optimizer`` hands the store a pickled copy of the optimizer, as MXNet
sends one to its servers: later changes to the worker's optimizer (learning rate, ``rescale_grad``)
do not reach the store, exactly as on MXNet. Unlike MXNet, the optimizer states can be saved and
loaded (each worker holds them).
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Callable
from typing import Any

import torch
import torch.distributed as dist

from .. import optimizer as opt
from ..base import MXNetError
from .base import KVStoreBase, pairs
from .kvstore import KVStore
from .process_group import init_process_group_from_env

__all__ = ["DIST_TYPES", "DistKVStore", "HorovodKVStore", "bucketed_all_reduce"]

DIST_TYPES = ("dist", "dist_sync", "dist_device_sync", "dist_async", "dist_sync_device")
# Bytes per flattened all_reduce/broadcast (torch DDP's default bucket size).
BUCKET_BYTES = 25 * 1024 * 1024


def _buckets(tensors: list[torch.Tensor]) -> list[list[int]]:
    """Positions of ``tensors`` grouped by (device, dtype), each group cut at BUCKET_BYTES."""
    groups: dict = {}
    for i, t in enumerate(tensors):
        groups.setdefault((t.device, t.dtype), []).append(i)
    out = []
    for positions in groups.values():
        bucket: list[int] = []
        size = 0
        for i in positions:
            nbytes = tensors[i].numel() * tensors[i].element_size()
            if bucket and size + nbytes > BUCKET_BYTES:
                out.append(bucket)
                bucket, size = [], 0
            bucket.append(i)
            size += nbytes
        out.append(bucket)
    return out


def bucketed_all_reduce(tensors: list[torch.Tensor]) -> None:
    """Sum each of ``tensors`` over the workers, in place, in a few flattened all-reduces."""
    for bucket in _buckets(tensors):
        flat = torch.cat([tensors[i].reshape(-1) for i in bucket])
        dist.all_reduce(flat)
        offset = 0
        for i in bucket:
            n = tensors[i].numel()
            tensors[i].copy_(flat[offset : offset + n].view_as(tensors[i]))
            offset += n


class DistKVStore(KVStore):
    """A store shared by the workers of a ``torch.distributed`` process group (initialised from
    the launcher's environment on creation, see ``kvstore_dist``)."""

    def __init__(self, kv_type: str = "dist_sync") -> None:
        super().__init__(kv_type)
        init_process_group_from_env()
        # Names shown with the keys in error messages (a Trainer gives its parameters').
        self._key_names: dict = {}
        self._rank = dist.get_rank()
        self._size = dist.get_world_size()
        if "async" in kv_type:
            warnings.warn(
                f"KVStore {kv_type!r}: the torch backend runs asynchronous training "
                "synchronously (the updates of 'dist_sync')",
                stacklevel=3,
            )

    @property
    def rank(self) -> int:
        return self._rank

    @property
    def num_workers(self) -> int:
        return self._size

    def _collective(self, what: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
        """Run a collective; a failure names this worker and what it was doing."""
        try:
            return fn(*args, **kwargs)
        except (RuntimeError, ValueError) as exc:  # DistBackendError is a RuntimeError
            raise MXNetError(
                f"KVStore {self.type!r} {what} failed on rank {self._rank} of {self._size}: "
                f"{exc}. Hint: another worker probably failed, was killed or timed out; see its "
                "output (timeout: AUTOGRAD_COMPAT_DIST_TIMEOUT)."
            ) from exc

    def _check_same_everywhere(self, keys: list, values: list[torch.Tensor]) -> None:
        mine = [
            (k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in zip(keys, values)
        ]
        everyone: list = [None] * self._size
        self._collective("init", dist.all_gather_object, everyone, mine)
        for rank, theirs in enumerate(everyone):
            if theirs == everyone[0]:
                continue
            if [k for k, *_ in theirs] != [k for k, *_ in everyone[0]]:
                raise MXNetError(
                    f"KVStore init: rank {rank} initialises keys {[k for k, *_ in theirs]} but "
                    f"rank 0 keys {[k for k, *_ in everyone[0]]}. Hint: every worker must init "
                    "the same keys in the same order."
                )
            for (k, shape, dtype), (_, shape0, dtype0) in zip(theirs, everyone[0]):
                if (shape, dtype) != (shape0, dtype0):
                    name = self._key_names.get(k)
                    what = f"key {k!r}" + (f" (Parameter '{name}')" if name else "")
                    raise MXNetError(
                        f"KVStore init: {what} has shape {shape} ({dtype}) on rank {rank} "
                        f"but {shape0} ({dtype0}) on rank 0. Hint: every worker must build the "
                        "same model (same parameter shapes)."
                    )

    def _initial_values(self, keys: list, values: list[torch.Tensor]) -> list[torch.Tensor]:
        """Rank 0's values, after checking that every worker gives the same keys and shapes."""
        self._check_same_everywhere(keys, values)
        out = [v.clone() for v in values]
        for bucket in _buckets(out):
            flat = torch.cat([out[i].reshape(-1) for i in bucket])
            self._collective("init (broadcast from rank 0)", dist.broadcast, flat, src=0)
            offset = 0
            for i in bucket:
                n = out[i].numel()
                out[i].copy_(flat[offset : offset + n].view_as(out[i]))
                offset += n
        return out

    def _merge(self, values: list[list], stored: list[torch.Tensor]) -> list[torch.Tensor]:
        """Per key, the sum of its arrays over this worker's devices and over all workers."""
        firsts = [vals[0] for vals in values]  # read under no_grad (push)
        merged: list = [None] * len(values)
        for bucket in _buckets(firsts):
            flat = torch.cat([firsts[i].reshape(-1) for i in bucket])
            views = []
            offset = 0
            for i in bucket:
                n = firsts[i].numel()
                view = flat[offset : offset + n].view(firsts[i].shape)
                for v in values[i][1:]:
                    view.add_(v.to(view.device))
                views.append(view)
                offset += n
            self._collective("push (all_reduce)", dist.all_reduce, flat)
            for i, view in zip(bucket, views):
                merged[i] = view
        return [m.to(s.device) for m, s in zip(merged, stored)]

    def _apply(self, keys: list, merged: list, stored: list) -> None:
        if self._updater is None:
            # The sums are this push's own buffers: they become the stored arrays (no copy).
            for k, m, s in zip(keys, merged, stored):
                if m.shape == s.shape and m.dtype == s.dtype and m.device == s.device:
                    self._store[k] = m
                else:
                    s.copy_(m)
        else:
            self._updater(list(keys), list(merged), list(stored))

    def set_optimizer(self, optimizer: Any) -> None:
        """Run ``optimizer``'s updates in the store: a pickled copy, as MXNet's servers get."""
        copy = pickle.loads(pickle.dumps(optimizer, 0))
        self._set_updater(opt.get_updater(copy))

    def _barrier(self) -> None:
        """Wait until every worker reaches the barrier."""
        self._collective("_barrier", dist.barrier)


class HorovodKVStore(DistKVStore):
    """``'horovod'`` (MXNet 2's all-reduce store) on ``torch.distributed``: ``pushpull`` sums
    over devices and workers without a stored copy, ``broadcast`` sends rank 0's value; no
    ``init`` is needed and no optimizer can run in it."""

    def __init__(self, kv_type: str = "horovod") -> None:
        super().__init__(kv_type)

    def is_capable(self, capability: str) -> bool:
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")

    def broadcast(self, key: Any, value: Any, out: Any, priority: int = 0) -> None:
        """Copy rank 0's ``value`` of each key into every ``out``."""
        with torch.no_grad():
            items = pairs(key, value)
            firsts = [vals[0].detach().as_subclass(torch.Tensor) for _, vals in items]
            sent = self._initial_values([k for k, _ in items], firsts)
            for (_, outs), v in zip(pairs(key, out), sent):
                for o in outs:
                    o.copy_(v)

    def pushpull(self, key: Any, value: Any, out: Any = None, priority: int = 0) -> None:
        """Sum each key's arrays over devices and workers into ``out`` (or ``value``)."""
        with torch.no_grad():
            items = pairs(key, value)
            firsts = [vals[0] for _, vals in items]
            merged = self._merge([vals for _, vals in items], firsts)
            for (_, outs), m in zip(pairs(key, value if out is None else out), merged):
                for o in outs:
                    o.copy_(m)

    def set_optimizer(self, optimizer: Any) -> None:
        raise MXNetError("KVStore 'horovod' cannot run an optimizer. Hint: update_on_kvstore=False")
