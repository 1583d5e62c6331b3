"""``horovod.mxnet`` for the MXNet dialect on torch: Horovod's MXNet names over
``torch.distributed`` (the process group of ``mx.kv``'s distributed stores, set up from
``torchrun``'s or ``autograd-compat launch``'s environment by :func:`init`).

``DistributedTrainer`` is a ``gluon.Trainer`` without a KVStore that sums each gradient over the
workers (bucketed ``all_reduce`` calls) and divides the rescale factor by the number of workers:
``step(local_batch)`` applies the mean gradient of the global batch, as Horovod does.
``broadcast_parameters`` sends rank 0's parameters (a deferred one when it is initialised).
Gradient compression other than ``Compression.none`` is not emulated (``NotImplementedError``).
"""

from __future__ import annotations

import os
from typing import Any

import torch
import torch.distributed as dist

from .mxnet_on_torch.base import MXNetError
from .mxnet_on_torch.gluon.parameter import Parameter
from .mxnet_on_torch.gluon.trainer import Trainer
from .mxnet_on_torch.kvstore.dist import bucketed_all_reduce
from .mxnet_on_torch.kvstore.process_group import init_process_group_from_env

__all__ = [
    "Average",
    "Compression",
    "DistributedOptimizer",
    "DistributedTrainer",
    "Sum",
    "allgather",
    "allreduce",
    "allreduce_",
    "broadcast",
    "broadcast_",
    "broadcast_parameters",
    "init",
    "is_initialized",
    "local_rank",
    "local_size",
    "rank",
    "shutdown",
    "size",
]

Average = "Average"
Sum = "Sum"


class Compression:
    """Horovod's compression choices; only ``none`` is available on the torch backend."""

    none = "none"
    fp16 = "fp16"


def init(comm: Any = None, process_sets: Any = None) -> None:
    """Join the workers' process group (from the launcher's environment)."""
    if comm is not None:
        raise NotImplementedError("horovod.mxnet.init(comm=...): MPI communicators are not used")
    init_process_group_from_env()


def is_initialized() -> bool:
    return dist.is_initialized()


def _require_init() -> None:
    if not dist.is_initialized():
        raise ValueError("Horovod has not been initialized; use hvd.init().")


def shutdown() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def rank() -> int:
    _require_init()
    return dist.get_rank()


def size() -> int:
    _require_init()
    return dist.get_world_size()


def local_rank() -> int:
    _require_init()
    return int(os.environ.get("LOCAL_RANK", dist.get_rank()))


def local_size() -> int:
    _require_init()
    return int(os.environ.get("LOCAL_WORLD_SIZE", dist.get_world_size()))


def _averaging(average: bool | None, op: str | None) -> bool:
    if average is not None and op is not None:
        raise ValueError("The op parameter supersedes average. Please provide only one of them.")
    if op is not None:
        if op not in (Average, Sum):
            raise NotImplementedError(f"horovod.mxnet op {op!r} is not emulated")
        return op == Average
    return True if average is None else bool(average)


def allreduce_(
    tensor: Any,
    average: bool | None = None,
    name: str | None = None,
    priority: int = 0,
    prescale_factor: float = 1.0,
    postscale_factor: float = 1.0,
    op: str | None = None,
) -> Any:
    """Sum (or average) ``tensor`` over the workers, in place; returns it."""
    _require_init()
    mean = _averaging(average, op)
    with torch.no_grad():
        if prescale_factor != 1.0:
            tensor *= prescale_factor
        dist.all_reduce(tensor)
        scale = postscale_factor / (dist.get_world_size() if mean else 1)
        if scale != 1.0:
            tensor *= scale
    return tensor


def allreduce(tensor: Any, average: bool | None = None, name: str | None = None, **kw: Any) -> Any:
    """The sum (or average) of ``tensor`` over the workers, in a new array."""
    with torch.no_grad():
        out = tensor.copy()
    return allreduce_(out, average, name, **kw)


def broadcast_(tensor: Any, root_rank: int = 0, name: str | None = None, priority: int = 0) -> Any:
    """Overwrite ``tensor`` with rank ``root_rank``'s, in place; returns it."""
    _require_init()
    with torch.no_grad():
        dist.broadcast(tensor, src=root_rank)
    return tensor


def broadcast(tensor: Any, root_rank: int = 0, name: str | None = None, priority: int = 0) -> Any:
    """Rank ``root_rank``'s ``tensor``, in a new array."""
    with torch.no_grad():
        out = tensor.copy()
    return broadcast_(out, root_rank, name, priority)


def allgather(tensor: Any, name: str | None = None, priority: int = 0) -> Any:
    """The workers' ``tensor`` concatenated along the first axis (rank order)."""
    _require_init()
    with torch.no_grad():
        plain = tensor.as_subclass(torch.Tensor).contiguous()
        shapes: list = [None] * dist.get_world_size()
        dist.all_gather_object(shapes, tuple(plain.shape))
        if any(s[1:] != tuple(plain.shape[1:]) for s in shapes):
            raise MXNetError(
                f"allgather: the workers' shapes differ after the first axis: {shapes}"
            )
        parts = [torch.empty(s, dtype=plain.dtype, device=plain.device) for s in shapes]
        dist.all_gather(parts, plain)
        out = torch.cat(parts)
    if type(tensor) is not torch.Tensor and not tensor.requires_grad:
        out.__class__ = type(tensor)  # the dialect's array class, as the input's
    return out


def broadcast_parameters(params: Any, root_rank: int = 0, prefix: str | None = None) -> None:
    """Overwrite every worker's parameters with rank ``root_rank``'s (names in sorted order; a
    deferred parameter is sent when it is initialised)."""
    _require_init()
    if not isinstance(params, dict) and not hasattr(params, "items"):
        raise ValueError(f"invalid params of type: {type(params)}")
    for _, p in sorted(params.items(), key=lambda kv: kv[0]):
        if isinstance(p, Parameter):
            if p._deferred_init:
                _broadcast_when_initialised(p, root_rank)
                continue
            arrays = p.list_data()
        else:
            arrays = [p]
        for a in arrays:
            broadcast_(a, root_rank)


def _broadcast_when_initialised(param: Parameter, root_rank: int) -> None:
    finish = param._finish_deferred_init

    def finish_then_broadcast() -> None:
        finish()
        del param._finish_deferred_init  # back to the class's method
        for a in param.list_data():
            broadcast_(a, root_rank)

    param._finish_deferred_init = finish_then_broadcast


class DistributedTrainer(Trainer):
    """``gluon.Trainer`` that averages gradients over the workers (Horovod's)."""

    def __init__(
        self,
        params: Any,
        optimizer: Any,
        optimizer_params: dict | None = None,
        compression: Any = Compression.none,
        gradient_predivide_factor: float = 1.0,
        prefix: str | None = None,
        num_groups: int = 0,
    ) -> None:
        if compression != Compression.none:
            raise NotImplementedError(
                f"horovod compression {compression!r} is not emulated by the torch backend. "
                "Hint: Compression.none."
            )
        _require_init()
        super().__init__(params, optimizer, optimizer_params=optimizer_params, kvstore=None)
        self._gradient_predivide_factor = gradient_predivide_factor
        # Averaging through the rescale factor: sum over workers, then 1/size in the update.
        self._scale *= gradient_predivide_factor / size()
        self._prefix = prefix or ""

    def _allreduce_grads(self) -> None:
        if size() == 1:
            return
        grads = [p.list_grad()[0] for p in self._params if p.grad_req != "null"]
        with torch.no_grad():
            if self._gradient_predivide_factor != 1.0:
                torch._foreach_mul_(grads, 1.0 / self._gradient_predivide_factor)
            bucketed_all_reduce(grads)


class DistributedOptimizer:
    """Horovod's optimizer wrapper: each update first sums the gradient over the workers (in
    place); ``rescale_grad`` is divided by the number of workers, so the update is the average.
    Everything else is the wrapped optimizer's."""

    def __init__(
        self, optimizer: Any, gradient_predivide_factor: float = 1.0, num_groups: int = 0
    ) -> None:
        _require_init()
        self._optimizer = optimizer
        self._optimizer.rescale_grad *= gradient_predivide_factor / size()
        self._gradient_predivide_factor = gradient_predivide_factor

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_optimizer"], name)

    def _allreduce(self, grad: Any) -> None:
        grads = list(grad) if isinstance(grad, (list, tuple)) else [grad]
        with torch.no_grad():
            if self._gradient_predivide_factor != 1.0:
                torch._foreach_mul_(grads, 1.0 / self._gradient_predivide_factor)
            bucketed_all_reduce(grads)

    def create_state(self, index: Any, weight: Any) -> Any:
        return self._optimizer.create_state(index, weight)

    def create_state_multi_precision(self, index: Any, weight: Any) -> Any:
        return self._optimizer.create_state_multi_precision(index, weight)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._allreduce(grad)
        self._optimizer.update(index, weight, grad, state)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        self._allreduce(grad)
        self._optimizer.update_multi_precision(index, weight, grad, state)

    def set_learning_rate(self, lr: float) -> None:
        self._optimizer.set_learning_rate(lr)

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        self._optimizer.set_lr_mult(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        self._optimizer.set_wd_mult(args_wd_mult)
