"""``Updater``/``get_updater`` of ``mx.optimizer`` (MXNet 1.9.1): an optimizer plus the states of
the weights it updates, as the KVStore and ``gluon.Trainer`` drive it.

``get_states``/``set_states`` pickle ``states`` (and the optimizer) as MXNet does. The shim's
pickles name only the shim's classes and torch's tensors. ``set_states`` also reads pickles written
by real MXNet 1.9.1 (``Trainer.save_states``): MXNet's optimizer and scheduler classes are mapped to
the shim's by name, and its NDArrays (pickled as their raw bytes) to torch tensors.
"""

from __future__ import annotations

import io
import pickle
import struct
from operator import attrgetter
from typing import Any

import torch

from ... import ndfile
from .. import lr_scheduler as _lr_scheduler
from ..base import MXNetError
from .optimizer import Optimizer

__all__ = ["Updater", "get_updater", "reads_grads_only"]

_dtype = attrgetter("dtype")
_grad_enabled = torch.is_grad_enabled
_set_grad_enabled = torch._C._set_grad_enabled
_FAST_ATTRS = ("update", "update_multi_precision", "_update_impl", "_get_lrs", "_get_wds")
_fast_cache: dict[type, bool] = {}


def _takes_whole_groups(cls: type) -> bool:
    """Whether ``cls`` can update a whole same-dtype group at once (``_update_group``) with the
    numbers of MXNet's chunked calls: true for SGD and subclasses that do not change its rule."""
    known = _fast_cache.get(cls)
    if known is None:
        owner = next((c for c in cls.__mro__ if "_update_group" in c.__dict__), None)
        known = owner is not None and all(
            getattr(cls, name, None) is getattr(owner, name, None) for name in _FAST_ATTRS
        )
        _fast_cache[cls] = known
    return known


def reads_grads_only(cls: type) -> bool:
    """Whether updates by ``cls`` leave the gradient buffers as they are (same torch versions):
    true for SGD and the subclasses that keep its rule (it reads gradients, never scales them in
    place)."""
    return _takes_whole_groups(cls)


class Updater:
    """Applies ``optimizer`` to (index, grad, weight) triples, creating each weight's state on
    first sight. Weights are grouped by dtype and handed over ``optimizer.aggregate_num`` at a
    time when the optimizer aggregates (SGD, LARS, LAMB), one by one otherwise."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.states: dict = {}
        self.states_synced: dict = {}
        self.aggregate_updates = optimizer.aggregate_num > 0
        self._unsynced = False  # some loaded states are not yet on their weights' devices
        # MXNet keys update counts by the weights' device id; torch's CPU device has none, so a
        # Trainer tells each of its updaters which context it serves.
        self.device_id: int | None = None

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        """Update ``weight`` (or each of a list of weights) from ``grad`` in place."""
        if not isinstance(index, (list, tuple)):
            self.apply([index], [grad], [weight], True)
        else:
            self.apply(list(index), list(grad), list(weight))

    def apply(self, indices: list, grads: list, weights: list, one_dtype: bool = False) -> None:
        """:meth:`__call__` on lists (which it may change); ``one_dtype`` says that all weights
        have one dtype (a Trainer knows it)."""
        opt = self.optimizer
        if weights:
            device = self.device_id
            if device is None:
                device = weights[0].device.index or 0
            opt._set_current_context(device)
        states = self.states
        if self._unsynced or not all(map(states.__contains__, indices)):
            self._prepare_states(indices, weights)
        recording = _grad_enabled()
        _set_grad_enabled(False)  # torch.no_grad() without its Python-level context object
        try:
            if self.aggregate_updates:
                self._aggregated(indices, weights, grads, one_dtype)
            else:
                for i, w, g in zip(indices, weights, grads):
                    opt.update_multi_precision(i, w, g, states[i])
        finally:
            _set_grad_enabled(recording)

    def _prepare_states(self, indices: list, weights: list) -> None:
        """Create the states of new weights; move loaded states to their weights' devices."""
        opt, states, synced = self.optimizer, self.states, self.states_synced
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):  # MXNet's C API hands str keys over as bytes
                idx = indices[i] = idx.decode()
            if idx not in states:
                states[idx] = opt.create_state_multi_precision(idx, weights[i])
                synced[idx] = True
            elif not synced[idx]:
                states[idx] = self.sync_state_context(states[idx], weights[i].device)
                synced[idx] = True
        self._unsynced = not all(synced.values())

    def _aggregated(self, indices: list, weights: list, grads: list, one_dtype: bool) -> None:
        opt, states = self.optimizer, self.states
        if one_dtype or len(set(map(_dtype, weights))) == 1:
            groups = [(indices, weights, grads)]
        else:
            by_dtype: dict = {}
            for triple in zip(indices, weights, grads):
                by_dtype.setdefault(triple[1].dtype, []).append(triple)
            groups = [tuple(list(x) for x in zip(*g)) for g in by_dtype.values()]
        whole = _takes_whole_groups(type(opt))
        for idx, ws, gs in groups:
            sts = list(map(states.__getitem__, idx))
            if whole:
                opt._update_group(idx, ws, gs, sts)
                continue
            size = opt.aggregate_num
            if size <= 0:  # an optimizer swapped in by set_states that does not aggregate
                for i, w, g, st in zip(idx, ws, gs, sts):
                    opt.update_multi_precision(i, w, g, st)
                continue
            for s in range(0, len(idx), size):
                e = s + size
                opt.update_multi_precision(idx[s:e], ws[s:e], gs[s:e], sts[s:e])

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """``state`` with its arrays moved to ``context``."""
        if isinstance(state, torch.Tensor):
            return state.to(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states: bytes) -> None:
        """Load states (and the optimizer, if pickled with it) from ``get_states``' bytes, or from
        the bytes real MXNet's ``Updater.get_states`` wrote."""
        loaded = loads(states)
        if isinstance(loaded, tuple) and len(loaded) == 2:
            self.states, self.optimizer = loaded
        else:
            self.states = loaded
        self.states_synced = dict.fromkeys(self.states.keys(), False)
        self._unsynced = bool(self.states_synced)

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """Pickled states (with the optimizer if ``dump_optimizer``)."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer: Optimizer) -> Updater:
    """An :class:`Updater` for ``optimizer``."""
    return Updater(optimizer)


# --- reading real MXNet's pickles -----------------------------------------------------------

_U64 = struct.Struct("<Q")


class _MXNetArray:
    """Stands in for a pickled MXNet NDArray until it is replaced by a tensor."""

    def __init__(self, *args: Any) -> None:
        self.tensor: torch.Tensor | None = None

    def __setstate__(self, state: dict) -> None:
        raw = state.get("handle")
        if raw is None:
            return
        # The raw bytes are one record of MXNet's NDArray file format.
        blob = _U64.pack(ndfile.LIST_MAGIC) + _U64.pack(0) + _U64.pack(1) + bytes(raw)
        arrays, _ = ndfile.decode(blob + _U64.pack(0), "<pickled NDArray>")
        self.tensor = torch.from_numpy(arrays[0])


def _mxnet_class(module: str, name: str) -> Any:
    if name in ("NDArray", "ndarray") and module.startswith(("mxnet.ndarray", "mxnet.numpy")):
        return _MXNetArray
    if module.startswith("mxnet.optimizer"):
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is not None and klass.__name__ == name:
            return klass
    if module == "mxnet.lr_scheduler" and name in _lr_scheduler.__all__:
        return getattr(_lr_scheduler, name)
    raise MXNetError(
        f"cannot load optimizer states naming {module}.{name}: the torch backend has no "
        "counterpart. Hint: save the states with a built-in optimizer and scheduler."
    )


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "mxnet" or module.startswith("mxnet."):
            return _mxnet_class(module, name)
        return super().find_class(module, name)


def _tensors(obj: Any, seen: dict) -> Any:
    """``obj`` with every stand-in array replaced by its tensor (also inside optimizers)."""
    if isinstance(obj, _MXNetArray):
        return obj.tensor
    key = id(obj)
    if key in seen:
        return seen[key]
    if isinstance(obj, tuple):
        out: Any = tuple(_tensors(x, seen) for x in obj)
    elif isinstance(obj, list):
        out = [_tensors(x, seen) for x in obj]
    elif isinstance(obj, dict):
        out = obj
        seen[key] = out
        for k, v in list(obj.items()):
            obj[k] = _tensors(v, seen)
        return out
    elif isinstance(obj, Optimizer):
        seen[key] = obj
        _tensors(obj.__dict__, seen)
        return obj
    else:
        return obj
    seen[key] = out
    return out


def loads(data: bytes) -> Any:
    """Unpickle updater states written by the shim or by real MXNet 1.9.1."""
    return _tensors(_Unpickler(io.BytesIO(data)).load(), {})
