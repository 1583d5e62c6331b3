"""``gluon.Trainer`` (MXNet 1.9.1) on torch: applies an optimizer to a set of Parameters.

``step(batch_size)`` sums the gradients of parameters held on several contexts (through a local
KVStore, as MXNet's ``'device'``/``'local'`` stores do) and, with a distributed store
(``kvstore='dist_sync'``, ...), over the worker processes (bucketed all-reduces of the flattened
gradients, see ``kvstore/dist.py``), then updates every parameter with
``rescale_grad = 1/batch_size``. With ``dist_sync`` the gradients are sums over every worker's
batch: pass the global batch for a mean (the local batch scales the update by the number of
workers, as on MXNet). Parameters are broadcast from rank 0 when the store is set up, so every
worker starts equal. A parameter whose gradient was not written by a backward since the last step
raises MXNet's stale-gradient error (unless ``ignore_stale_grad``); freshness is read from
the gradient buffer's torch version counter, which every backward write bumps.
"""

from __future__ import annotations

import os
import warnings
from operator import attrgetter, eq, is_
from typing import Any

import numpy
import torch

from ...ndfile import write_atomic
from .. import kvstore as kvs
from .. import optimizer as opt
from ..context import Context
from ..optimizer.updater import reads_grads_only
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]


def _create_kvstore(kvstore: Any, num_device: int, arg_arrays: dict) -> tuple[Any, bool]:
    """MXNet's choice of store: none for one device (unless across processes), else the named one;
    whether updates run on the store (``MXNET_UPDATE_ON_KVSTORE``, default yes)."""
    update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and "dist" not in kvstore and kvstore != "horovod":
            # One device in one process needs no store ('horovod' is across processes here,
            # as in MXNet 2; MXNet 1.9.1 made it a local store).
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == "local":
                largest = max(numpy.prod(a.shape) for a in arg_arrays.values())
                if largest > 1024 * 1024 * 16:
                    update_on_kvstore = False
    else:
        raise TypeError("kvstore must be KVStore, str or None")
    if kv is None:
        return None, False
    return kv, update_on_kvstore and kv.is_capable(kvs.KVStoreBase.OPTIMIZER)


def _ctx_name(device: Any, position: int) -> str:
    """MXNet's printed context: ``cpu(i)``/``gpu(i)``."""
    if isinstance(device, Context):
        return str(device)
    if device.type == "cuda":
        return f"gpu({device.index or 0})"
    return f"{device.type}({position})"


_version = attrgetter("_version")
_grad_of = attrgetter("_grad")


class _Slot:
    """The parameters of one context that have gradients: ``keys`` ``(index, context)``,
    ``indices``, ``weights``, ``grads``, ``seen``: each gradient buffer's torch version when
    it was last used by an update (0 if never: a buffer no backward wrote is at version 0), and
    ``now``: the versions the last stale check read."""

    __slots__ = ("grads", "indices", "keys", "now", "one_dtype", "seen", "weights")

    def __init__(self) -> None:
        self.keys: list = []
        self.indices: list = []
        self.weights: list = []
        self.grads: list = []
        self.seen: list = []
        self.now: list = []
        self.one_dtype = True

    def add(self, key: tuple, weight: torch.Tensor, grad: torch.Tensor, mark: Any) -> None:
        if self.weights and weight.dtype != self.weights[0].dtype:
            self.one_dtype = False
        self.keys.append(key)
        self.indices.append(key[0])
        self.weights.append(weight)
        self.grads.append(grad)
        self.seen.append(mark[1] if mark is not None and mark[0] is grad else 0)

    def mark(self, positions: list) -> None:
        for p in positions:
            self.seen[p] = self.grads[p]._version


class Trainer:
    """Applies an ``Optimizer`` on a set of Parameters; use it with ``autograd``.

    ``params``: a ParameterDict (taken in sorted-name order, as MXNet), a dict or a list of
    Parameters. ``optimizer``: a name (with ``optimizer_params``) or an Optimizer.
    ``kvstore``: ``'device'``, ``'local'`` (only used for several contexts), ``'dist_sync'``,
    ``'dist_device_sync'``, ``'dist_async'`` (run synchronously), ``'horovod'``, a KVStore or
    None. ``update_on_kvstore``: run the updates in the store (MXNet's default for the stores that
    can) or in the Trainer (needed for ``allreduce_grads`` then ``update``).
    """

    def __init__(
        self,
        params: Any,
        optimizer: Any,
        optimizer_params: dict | None = None,
        kvstore: Any = "device",
        compression_params: dict | None = None,
        update_on_kvstore: bool | None = None,
    ) -> None:
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError(
                f"First argument must be a list or dict of Parameters, got {type(params)}."
            )
        self._params: list = []
        self._contains_sparse_weight = False
        self._contains_sparse_grad = False
        self._param2idx: dict = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError(
                    "First argument must be a list or dict of Parameters, got list of "
                    f"{type(param)}."
                )
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._kv_initialized = False
        self._kvstore: Any = None
        self._update_on_kvstore: bool | None = None
        self._distributed: bool | None = None
        self._params_to_init: list = []
        # (index, context) -> (gradient buffer, its version at the last update), for arrays
        # that left the cached plan (see _plan).
        self._grad_marks: dict = {}
        self._plan_cache: tuple | None = None
        self._dist_cache: tuple | None = None  # (plan, keys, grads, weights), see _dist_lists
        self._plan_checked = False
        self._reset_kvstore()

    def _check_contexts(self) -> list | None:
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            assert contexts is None or contexts == ctx, (
                "All Parameters must be initialized on the same set of contexts, but Parameter "
                f"{param.name} is initialized on {ctx} while previous Parameters are initialized "
                f"on {contexts}."
            )
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            assert not optimizer_params, (
                "optimizer_params must be None if optimizer is an instance of Optimizer "
                "instead of str"
            )
            self._optimizer = optimizer
            # Not a copy: lr_mult/wd_mult changed on a parameter later take effect.
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]
        self._number_updaters()

    def _number_updaters(self) -> None:
        # MXNet keeps update counts per device id; the torch CPU device has none.
        for i, updater in enumerate(self._updaters):
            updater.device_id = i

    def _init_params(self) -> None:
        """Put the initialized parameters into the KVStore (deferred ones wait)."""
        assert self._kv_initialized, (
            "Cannot initialize parameters in KVStore when KVStore is not initialized."
        )
        waiting = []
        ready = []
        if self._kvstore:
            for param in self._params_to_init:
                (waiting if param._deferred_init else ready).append(param)
        if ready and isinstance(self._kvstore, kvs.KVStore):
            # One call: a distributed store checks the shapes and broadcasts rank 0's values
            # in a few collectives instead of two per parameter.
            keys = [self._param2idx[p.name] for p in ready]
            if isinstance(self._kvstore, kvs.DistKVStore):
                self._kvstore._key_names.update(zip(keys, (p.name for p in ready)))
            arrays = [p.list_data() for p in ready]
            self._kvstore.broadcast(keys, [a[0] for a in arrays], arrays)
        else:
            for param in ready:
                arrays = param.list_data()
                self._kvstore.broadcast(self._param2idx[param.name], arrays[0], arrays)
        self._params_to_init = waiting

    def _reset_kvstore(self) -> None:
        if self._kvstore and "dist" in self._kvstore.type:
            raise RuntimeError("Cannot reset distributed KVStore.")
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self) -> None:
        config = self._kvstore_params
        arg_arrays = {p.name: p.data(self._contexts[0]) for p in self._params}
        kvstore, update_on_kvstore = _create_kvstore(
            config["kvstore"], len(self._contexts), arg_arrays
        )
        self._distributed = "dist" in kvstore.type if kvstore else False
        if self._distributed and "async" in kvstore.type:
            update_on_kvstore = True
            if config["update_on_kvstore"] is False:
                raise ValueError("Please set update_on_kvstore=True when training in async mode.")
        if config["update_on_kvstore"] is not None:
            update_on_kvstore = config["update_on_kvstore"]
        if update_on_kvstore and not kvstore.is_capable("optimizer"):
            if config["update_on_kvstore"]:
                raise ValueError(
                    f"Please set update_on_kvstore=False when training with {type(kvstore)}"
                )
            update_on_kvstore = False
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            self._kvstore = kvstore
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._kv_initialized = True

    def _prepare(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    @property
    def learning_rate(self) -> float:
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning(
                "Optimizer has to be defined before its learning rate can be accessed."
            )
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> opt.Optimizer:
        if isinstance(self._optimizer, opt.Optimizer):
            return self._optimizer
        raise UserWarning("Optimizer has not been initialized yet")

    def set_learning_rate(self, lr: float) -> None:
        """Set the optimizer's learning rate (with a distributed store that runs the updates,
        the store keeps the rate it was set up with, as on MXNet: a warning says so)."""
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate is mutated.")
        self._optimizer.set_learning_rate(lr)
        if self._update_on_kvstore and self._distributed and self._kv_initialized:
            warnings.warn(
                f"set_learning_rate({lr}): the {self._kvstore.type!r} store updates with the copy "
                "of the optimizer it got at the first step (as MXNet's servers do), so the new "
                "learning rate does not reach it. Hint: Trainer(..., update_on_kvstore=False).",
                stacklevel=2,
            )

    def _check_and_rescale_grad(self, scale: float) -> None:
        if self._update_on_kvstore and self._distributed and self._kv_initialized:
            # The store runs a copy of the optimizer made when it was set up (as MXNet's
            # servers do): a new batch size would not reach it.
            if self._optimizer.rescale_grad != scale:
                raise UserWarning(
                    "Possible change in the `batch_size` from previous `step` detected. "
                    "Optimizer gradient normalizing factor will not change w.r.t new batch_size "
                    "when update_on_kvstore=True and when distributed kvstore is used."
                )
        self._optimizer.rescale_grad = scale

    def step(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """One update: sum gradients over contexts, then update with gradients scaled by
        ``1/batch_size``. Call after ``backward()``, outside ``record()``."""
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        stale = None if ignore_stale_grad else self._first_stale()
        # Tells _allreduce_grads that the plan is fresh (its signature stays MXNet's: user and
        # Horovod subclasses override it without arguments).
        self._plan_checked = not ignore_stale_grad
        try:
            self._allreduce_grads()
        finally:
            self._plan_checked = False
        self._update(ignore_stale_grad, stale, checked=not ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum the gradients of each parameter over its contexts (for ``update`` after it)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), (
            "allreduce_grads() when parameters are updated on kvstore is not supported. Try "
            "setting `update_on_kvstore` to False when creating trainer."
        )
        self._allreduce_grads()

    def _allreduce_grads(self) -> None:
        if not self._kvstore:
            return
        if isinstance(self._kvstore, kvs.DistKVStore):
            # One call for every parameter: the store reduces them in a few bucketed
            # all-reduces (MXNet pushes key by key; the sums are the same).
            keys, grads, weights = self._dist_lists(self._plan_checked)
            self._kvstore.pushpull(keys, grads, out=weights if self._update_on_kvstore else None)
            return
        for i, param in enumerate(self._params):
            if param.grad_req != "null":
                grads = param.list_grad()
                if self._update_on_kvstore:
                    self._kvstore.pushpull(i, grads, out=param.list_data(), priority=-i)
                else:
                    self._kvstore.pushpull(i, grads, priority=-i)

    def _dist_lists(self, checked: bool) -> tuple[list, list, list]:
        """The keys of the parameters with gradients, and per key its gradient and weight
        arrays over the contexts: from the plan the stale check has just validated (and cached
        with it), else read from the parameters."""
        if not (checked and self._plan_cache):
            keys = [i for i, p in enumerate(self._params) if p.grad_req != "null"]
            params = [self._params[i] for i in keys]
            return keys, [p.list_grad() for p in params], [p.list_data() for p in params]
        plan = self._plan_cache[1]
        cached = self._dist_cache
        if cached is None or cached[0] is not plan:
            grads = [list(g) for g in zip(*(slot.grads for slot in plan))]
            weights = [list(w) for w in zip(*(slot.weights for slot in plan))]
            self._dist_cache = cached = (plan, list(plan[0].indices), grads, weights)
        return cached[1], cached[2], cached[3]

    def update(self, batch_size: float, ignore_stale_grad: bool = False) -> None:
        """The update half of :meth:`step` (after :meth:`allreduce_grads`)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), (
            "update() when parameters are updated on kvstore is not supported. Try setting "
            "`update_on_kvstore` to False when creating trainer."
        )
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad, None if ignore_stale_grad else self._first_stale())

    def _plan(self, recheck: bool = False) -> list[_Slot]:
        """Per context, the parameters that have gradients (see :class:`_Slot`). Cached while
        the parameters keep their arrays; a buffer replaced behind the parameter's back
        (re-attached) looks stale, and ``recheck`` then reads every buffer again."""
        cached = self._plan_cache
        if cached is not None:
            owners, plan = cached
            if not recheck and all(map(is_, map(_grad_of, self._params), owners)):
                return plan
            for slot in plan:  # keep what the old plan knew
                for key, grad, seen in zip(slot.keys, slot.grads, slot.seen):
                    self._grad_marks[key] = (grad, seen)
        plan = [_Slot() for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            for j, (arr, grad) in enumerate(zip(param.list_data(), param.list_grad())):
                plan[j].add((i, j), arr, grad, self._grad_marks.get((i, j)))
        # Parameter replaces its gradient list whenever it replaces the arrays of a parameter
        # that has gradients (initialize, cast, reset_ctx, grad_req), so the lists' identities
        # tell whether the plan still holds; keeping them alive keeps the check sound.
        self._plan_cache = (list(map(_grad_of, self._params)), plan)
        return plan

    def _grads_zeroed(self, param: Parameter) -> None:
        """Called right after ``param``'s gradient buffers were zeroed in place (one version
        bump each): zeroing is not a backward, so it leaves each buffer as fresh or as stale as
        it was, as in MXNet (whose ``zero_grad`` does not touch the fresh flag)."""
        i = self._param2idx.get(param.name)
        if i is None or self._plan_cache is None:
            return
        for slot in self._plan_cache[1]:
            for p, key in enumerate(slot.keys):
                if key[0] == i and slot.grads[p]._version == slot.seen[p] + 1:
                    slot.seen[p] += 1

    def _first_stale(self, recheck: bool = False) -> tuple | None:
        """The first (index, context) whose gradient no backward wrote since its update."""
        stale = None
        for slot in self._plan(recheck):
            slot.now = versions = list(map(_version, slot.grads))
            if any(map(eq, versions, slot.seen)):
                key = slot.keys[list(map(eq, versions, slot.seen)).index(True)]
                stale = key if stale is None else min(stale, key)
        if stale is not None and not recheck:
            return self._first_stale(recheck=True)
        return stale

    def _update(self, ignore_stale_grad: bool, stale: tuple | None, checked: bool = False) -> None:
        if stale is not None:
            i, j = stale
            if not (self._kvstore and self._update_on_kvstore):
                # MXNet checks parameter by parameter and has already marked the gradients of
                # those before the stale one as used: a retry with ignore_stale_grad skips them.
                for slot in self._plan():
                    slot.mark([p for p, key in enumerate(slot.keys) if key[0] < i])
            param = self._params[i]
            device = param.list_ctx()[j]
            raise UserWarning(
                f"Gradient of Parameter `{param.name}` on context {_ctx_name(device, j)} has "
                "not been updated by backward since last `step`. This could mean a bug in your "
                "model that made it only use a subset of the Parameters (Blocks) for this "
                "iteration. If you are intentionally only using a subset, call step with "
                "ignore_stale_grad=True to suppress this warning and skip updating of Parameters "
                "with stale gradient"
            )
        if self._kvstore and self._update_on_kvstore:
            return  # the store updated the weights in _allreduce_grads
        # The plan the stale check just validated (nothing ran in between but the reduction).
        plan = self._plan_cache[1] if checked and self._plan_cache else self._plan()
        # Without a store (and with this class's reduction: Horovod's sums in place) nothing
        # wrote the gradients since the check, and SGD's rule reads them only: the versions the
        # check read are theirs after the update too.
        untouched = (
            checked
            and not self._kvstore
            and type(self)._allreduce_grads is Trainer._allreduce_grads
        )
        for updater, slot in zip(self._updaters, plan):
            if ignore_stale_grad:
                kept = [p for p, (g, v) in enumerate(zip(slot.grads, slot.seen)) if g._version != v]
                if kept:
                    updater(
                        [slot.indices[p] for p in kept],
                        [slot.grads[p] for p in kept],
                        [slot.weights[p] for p in kept],
                    )
                    slot.mark(kept)
            elif slot.keys:
                updater.apply(slot.indices, slot.grads, slot.weights, slot.one_dtype)
                if untouched and reads_grads_only(type(updater.optimizer)):
                    slot.seen[:] = slot.now
                else:
                    # Marked after the update: an optimizer that scales the gradient in place
                    # (AdaDelta) does not make it fresh.
                    slot.seen[:] = map(_version, slot.grads)

    def save_states(self, fname: str) -> None:
        """Save the optimizer and its states (momentum, ...) to ``fname``."""
        assert self._optimizer is not None
        self._prepare()
        if self._update_on_kvstore:
            assert not self._params_to_init, (
                "Cannot save trainer states when some parameters are not yet initialized in "
                "kvstore."
            )
            self._kvstore.save_optimizer_states(fname, dump_optimizer=True)
            return
        data = self._updaters[0].get_states(dump_optimizer=True)
        write_atomic(fname, data)  # whole or not at all; the old file stays on failure

    def load_states(self, fname: str) -> None:
        """Load states saved by :meth:`save_states` (here or by real MXNet 1.9.1)."""
        self._prepare()
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
            self._optimizer = self._kvstore._updater.optimizer
        else:
            with open(fname, "rb") as f:
                states = f.read()
            for updater in self._updaters:
                updater.set_states(states)
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = dict(enumerate(self._params))
