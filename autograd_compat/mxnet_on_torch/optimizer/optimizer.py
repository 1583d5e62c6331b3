"""The ``Optimizer`` base class of ``mx.optimizer`` (MXNet 1.9.1), its registry and ``Test``.

Arrays are torch tensors; optimizers change weights and states in place (without recording a
graph). Attribute names follow MXNet's (``lr``, ``wd``, ``num_update``, ``_index_update_count``,
``idx2name``, ...): custom subclasses read them, and optimizers pickled by real MXNet's
``Trainer.save_states`` restore them by name.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from itertools import repeat
from operator import attrgetter
from typing import Any

import torch

from ..context import context_of, with_context
from ..nd_ndarray import NDArray, wrap_nd
from ..npx import is_np_array

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = ["Optimizer", "Test", "create", "register"]


_grad_enabled = torch.is_grad_enabled

# Bumped by every assignment to a Gluon parameter's ``lr_mult`` or ``wd_mult``: the multipliers
# an optimizer caches (see Optimizer._parameter_factors) hold while it stays the same.
_multiplier_epoch = 0


def multipliers_changed() -> None:
    """Tell the optimizers that some parameter's ``lr_mult`` or ``wd_mult`` was set."""
    global _multiplier_epoch  # noqa: PLW0603 - one counter shared by every optimizer
    _multiplier_epoch += 1


class Multiplier:
    """The ``lr_mult``/``wd_mult`` attribute of Gluon's ``Parameter``: a plain value per instance
    (kept in its ``__dict__`` under the same name) whose every assignment calls
    :func:`multipliers_changed`. Optimizers cache only multipliers held by this descriptor."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            return obj.__dict__[self.name]
        except KeyError:
            raise AttributeError(f"{type(obj).__name__!r} has no attribute {self.name!r}") from None

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value
        multipliers_changed()


def no_grad(update: Callable) -> Callable:
    """Run an ``update`` method without recording: weights are leaves that require grad."""

    @functools.wraps(update)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not _grad_enabled():  # an Updater already switched recording off
            return update(*args, **kwargs)
        with torch.no_grad():
            return update(*args, **kwargs)

    return run


def clip_bound(clip_gradient: float | None) -> float:
    """The ``clip_gradient`` an MXNet update kernel sees: only a truthy value is passed (else -1,
    and a kernel clips only when the bound is >= 0)."""
    return float(clip_gradient) if clip_gradient else -1.0


def is_half(weight: torch.Tensor) -> bool:
    return _torch_dtype(weight) == torch.float16


def warn_half(name: str = "") -> None:
    warnings.warn(
        "Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
        f"Consider using multi_precision=True option of the {name + ' ' if name else ''}optimizer",
        stacklevel=3,
    )


def aggregation_size(default: str) -> int:
    """How many weights MXNet's aggregated kernels take per call (its environment variable)."""
    return int(os.getenv("MXNET_OPTIMIZER_AGGREGATION_SIZE", default))


def zeros_like(weight: torch.Tensor, dtype: torch.dtype | None = None) -> torch.Tensor:
    """A zero state for ``weight`` (MXNet's ``zeros(weight.shape, weight.context, dtype)``)."""
    return torch.zeros(weight.shape, dtype=dtype or _torch_dtype(weight), device=weight.device)


def as_tensor(x: torch.Tensor) -> torch.Tensor:
    """A plain-tensor view of ``x``: states and update arithmetic stay plain tensors."""
    return x if type(x) is torch.Tensor else x.detach().as_subclass(torch.Tensor)


def _same_kind(new: torch.Tensor, like: Any) -> torch.Tensor:
    # A float32 copy of a legacy array is a legacy array on the same context, as in MXNet
    # (custom optimizers read .stype/.context of the master copy and the gradient).
    if type(like) is NDArray:
        return with_context(wrap_nd(new), context_of(like))
    return new


class Optimizer:
    """The base class of every optimizer.

    ``rescale_grad`` multiplies gradients (a Trainer sets it to ``1/batch_size``);
    ``clip_gradient`` clips them to ``[-c, c]``; ``wd`` is the weight decay; ``learning_rate``
    (default 0.01 without a scheduler) or ``lr_scheduler`` give the rate; ``multi_precision``
    keeps float32 master copies of float16 weights; ``param_dict`` maps indices to Gluon
    parameters whose ``lr_mult``/``wd_mult`` apply; ``param_idx2name`` maps indices to names.
    """

    opt_registry: dict[str, type] = {}

    def __init__(
        self,
        rescale_grad: float = 1.0,
        param_idx2name: dict | None = None,
        wd: float = 0.0,
        clip_gradient: float | None = None,
        learning_rate: float | None = None,
        lr_scheduler: Any = None,
        sym: Any = None,
        begin_num_update: int = 0,
        multi_precision: bool = False,
        param_dict: dict | None = None,
    ) -> None:
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if lr_scheduler is not None and learning_rate is not None:
            if lr_scheduler.base_lr != learning_rate:
                # MXNet prints (not warns) this UserWarning.
                print(
                    UserWarning(
                        "learning rate from ``lr_scheduler`` has been overwritten by "
                        "``learning_rate`` in optimizer."
                    )
                )
                lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult: dict = {}
        self.wd_mult: dict = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        # One update count per device: each device's Updater counts its own updates.
        self._all_index_update_counts: dict = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), (
            "param_idx2name should be a dict of param indexes to names."
        )
        self.idx2name = param_idx2name.copy()
        if sym is not None:
            raise NotImplementedError(
                "Optimizer(sym=...) needs MXNet's Symbol API, which the torch backend does not "
                "have. Hint: pass lr/wd multipliers with set_lr_mult/set_wd_mult or Gluon's "
                "Parameter.lr_mult/wd_mult."
            )
        self.sym_info: tuple = ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = is_np_array()
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def register(klass: type) -> type:
        """Register an optimizer class under its lower-cased name (for :func:`create`)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        old = Optimizer.opt_registry.get(name)
        if old is not None:
            warnings.warn(
                f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding "
                f"existing optimizer {old.__module__}.{old.__name__}",
                stacklevel=2,
            )
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> Optimizer:
        """An optimizer of the class registered as ``name`` (any case), built with ``kwargs``."""
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise ValueError(f"Cannot find optimizer {name}")
        return klass(**kwargs)

    @property
    def learning_rate(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def create_state(self, index: Any, weight: torch.Tensor) -> Any:
        """The auxiliary state (e.g. momentum) of ``weight``; called once per weight."""

    def create_state_multi_precision(self, index: Any, weight: torch.Tensor) -> Any:
        """:meth:`create_state`, plus a float32 master copy first for float16 weights when
        ``multi_precision`` is on: ``(master, state)``."""
        if self.multi_precision and is_half(weight):
            master = _same_kind(as_tensor(weight).to(torch.float32, copy=True), weight)
            return (master, self.create_state(index, master))
        if is_half(weight):
            warn_half()
        return self.create_state(index, weight)

    def update(self, index: Any, weight: torch.Tensor, grad: torch.Tensor, state: Any) -> None:
        """Update ``weight`` in place from ``grad`` and ``state``."""
        raise NotImplementedError()

    def update_multi_precision(
        self, index: Any, weight: torch.Tensor, grad: torch.Tensor, state: Any
    ) -> None:
        """:meth:`update`; for float16 weights under ``multi_precision``, on the float32 master
        copy with a float32 gradient, then cast back into ``weight``."""
        if self.multi_precision and is_half(weight):
            master, inner = state
            self.update(index, master, _same_kind(as_tensor(grad).to(torch.float32), grad), inner)
            with torch.no_grad():
                weight.copy_(master)
        else:
            self.update(index, weight, grad, state)

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (only without a scheduler, as MXNet)."""
        if self.lr_scheduler is not None:
            raise UserWarning(
                "LRScheduler of the optimizer has already been defined. Note that "
                "set_learning_rate can mutate the value of the learning rate of the optimizer "
                "only when the LRScheduler of the optimizer is undefined."
            )
        self.lr = lr

    def set_lr_scale(self, args_lrscale: Any) -> None:
        """[DEPRECATED] Use set_lr_mult."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        """Per-parameter learning-rate multipliers, keyed by index or by name."""
        self.lr_mult = {}
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Per-parameter weight-decay multipliers, keyed by index or by name. Named parameters
        not ending in ``_weight`` or ``_gamma`` get 0 unless given here."""
        self.wd_mult = {}
        for name in self.idx2name.values():
            if not (name.endswith("_weight") or name.endswith("_gamma")):
                self.wd_mult[name] = 0.0
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id: int) -> None:
        counts = self._all_index_update_counts
        if device_id not in counts:
            counts[device_id] = {}
        self._index_update_count = counts[device_id]

    def _update_count(self, index: Any) -> None:
        counts = self._index_update_count
        if isinstance(index, list) and len(index) > 1:
            olds = set(map(counts.get, index))
            if len(olds) == 1:  # one count for all (a Trainer's usual case): one new value
                n = olds.pop()
                n = (self.begin_num_update if n is None else n) + 1
                new_counts = dict.fromkeys(index, n)
                if len(new_counts) == len(index):  # distinct indices
                    counts.update(new_counts)
                    if n > self.num_update:
                        self.num_update = n
                    return
        if isinstance(index, list) and len(index) > 1 and len(set(index)) == len(index):
            # Distinct indices (an Updater's batch): the same counts as the loop below.
            new = [n + 1 for n in map(counts.get, index, repeat(self.begin_num_update))]
            counts.update(zip(index, new))
            self.num_update = max(self.num_update, max(new))
            return
        for idx in index if isinstance(index, (list, tuple)) else (index,):
            n = counts.get(idx, self.begin_num_update) + 1
            counts[idx] = n
            if n > self.num_update:
                self.num_update = n

    def _base_lr(self) -> float:
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def _get_lrs(self, indices: list) -> list[float]:
        return self._scaled(self._base_lr(), indices, self.lr_mult, "lr_mult")

    def _get_lr(self, index: Any) -> float:
        return self._get_lrs([index])[0]

    def _count_and_rates(self, index: Any) -> tuple[float, float]:
        """Count one update of ``index``, then read its learning rate and weight decay (in that
        order: a scheduler sees the new count)."""
        self._update_count(index)
        return self._get_lr(index), self._get_wd(index)

    def _get_wds(self, indices: list) -> list[float]:
        return self._scaled(self.wd, indices, self.wd_mult, "wd_mult")

    def _get_wd(self, index: Any) -> float:
        return self._get_wds([index])[0]

    def _scaled(self, base: float, indices: list, mults: dict, attr: str) -> list[float]:
        # A Gluon parameter's multiplier wins, then one set by index, then one set by name.
        params, names = self.param_dict, self.idx2name
        if len(indices) > 1:
            known = self._parameter_factors(indices, attr)
            if known is not None:  # the Trainer's case: only the parameters' multipliers
                factors, ones = known
                if ones:  # base * 1.0, computed once
                    return [base * 1.0] * len(factors)
                return [base * m for m in factors]
        out = []
        for index in indices:
            value = base
            if index in params:
                value *= getattr(params[index], attr)
            elif index in mults:
                value *= mults[index]
            elif index in names:
                value *= mults.get(names[index], 1.0)
            out.append(value)
        return out

    def _parameter_factors(self, indices: list, attr: str) -> tuple[list, bool] | None:
        """The multipliers ``attr`` of the Gluon parameters at ``indices`` and whether all are the
        float 1.0; None unless every index has a parameter. Cached while no parameter's multiplier
        was set and ``indices`` and ``param_dict`` hold the same."""
        params = self.param_dict
        cache = self.__dict__.setdefault("_factor_cache", {})
        hit = cache.get(attr)
        if hit and hit[0] == _multiplier_epoch and hit[1] == indices and hit[2] == params:
            return hit[3], hit[4]
        if not all(map(params.__contains__, indices)):
            return None
        holders = list(map(params.__getitem__, indices))
        if not all(isinstance(getattr(c, attr, None), Multiplier) for c in set(map(type, holders))):
            return None  # a multiplier that no descriptor watches: read it every time
        factors = list(map(attrgetter(attr), holders))
        ones = all(type(m) is float and m == 1.0 for m in factors)
        cache[attr] = (_multiplier_epoch, list(indices), dict(params), factors, ones)
        return factors, ones

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["param_dict"]  # the Trainer sets it again after loading
        state.pop("_factor_cache", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


class ListUpdates(Optimizer):
    """For optimizers whose ``_update_impl(index, weight, grad, state, multi_precision)`` takes
    one weight or lists of them and keeps its own float32 master copies (SGD, LARS, LAMB)."""

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        first = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(
            index, weight, grad, state, multi_precision=self.multi_precision and is_half(first)
        )


@register
class Test(Optimizer):
    """MXNet's test optimizer: ``weight += rescale_grad * grad``; its state copies the weight."""

    def create_state(self, index: Any, weight: torch.Tensor) -> torch.Tensor:
        return zeros_like(weight, torch.float32)

    @no_grad
    def update(self, index: Any, weight: torch.Tensor, grad: torch.Tensor, state: Any) -> None:
        weight += grad * self.rescale_grad
        state.copy_(weight)
