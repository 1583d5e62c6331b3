"""``mx.kv``/``mx.kvstore`` (MXNet 1.9.1) on torch: key-value stores for multi-device and
distributed training.

* ``kvstore.py``: ``KVStore``, the one-process stores ``'local'``, ``'device'``, ``'nccl'``;
* ``dist.py``: ``'dist'``, ``'dist_sync'``, ``'dist_device_sync'``, ``'dist_async'`` and
  ``'horovod'`` over ``torch.distributed`` (process group from the launcher, ``kvstore_dist``);
* ``base.py``: ``KVStoreBase`` (with ``register`` for Python stores) and ``TestStore``.
"""

from __future__ import annotations

from .base import KVStoreBase, TestStore
from .dist import DIST_TYPES, DistKVStore, HorovodKVStore
from .kvstore import KVStore

__all__ = ["KVStore", "KVStoreBase", "TestStore", "create"]

_LOCAL_TYPES = (
    "local",
    "device",
    "local_update_cpu",
    "local_allreduce_cpu",
    "local_allreduce_device",
    "nccl",
)


def create(name: str = "local") -> KVStoreBase:
    """A new store of type ``name``: ``'local'``/``'device'``/``'nccl'`` (one process; the sum is
    taken on the first array's device), ``'dist_sync'``, ``'dist_device_sync'``, ``'dist'``,
    ``'dist_async'`` (run synchronously) or ``'horovod'`` (several processes, started by
    ``torchrun`` or ``autograd-compat launch``), or a store added with ``KVStoreBase.register``.

    With ``dist_sync`` each worker's gradients are summed with every other worker's, so a step's
    ``batch_size`` is the global batch (see ``gluon.Trainer``)."""
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in _LOCAL_TYPES:
        return KVStore(name)
    if name in DIST_TYPES:
        return DistKVStore(name)
    if name == "horovod":
        return HorovodKVStore(name)
    if name == "byteps":
        raise NotImplementedError(
            "KVStore 'byteps' is not supported by the torch backend. Hint: use 'dist_sync' or "
            "'horovod' (both run on torch.distributed)."
        )
    raise ValueError(f"Unknown KVStore type {name!r}")
