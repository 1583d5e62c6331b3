"""MXNet contexts on torch: ``cpu()`` and ``gpu(i)`` are ``torch.device`` objects."""

from __future__ import annotations

from typing import Any

import torch

_DEVICE_TYPES = {"cpu": "cpu", "gpu": "cuda", "cpu_pinned": "cpu", "cpu_shared": "cpu"}


class _ContextMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, torch.device)


class Context(metaclass=_ContextMeta):
    """``mx.Context(device_type, device_id)``: returns the matching ``torch.device``.

    ``isinstance(d, Context)`` holds for every ``torch.device``. MXNet's CPU device ids have no
    torch counterpart, so ``cpu(i)`` is ``torch.device("cpu")`` for every ``i``.
    """

    def __new__(cls, device_type: Any, device_id: int = 0) -> torch.device:  # type: ignore[misc]
        if isinstance(device_type, torch.device):
            return device_type
        if device_type not in _DEVICE_TYPES:
            raise ValueError(
                f"unknown device type {device_type!r}; choose one of {', '.join(_DEVICE_TYPES)}"
            )
        if _DEVICE_TYPES[device_type] == "cpu":
            return torch.device("cpu")
        return torch.device("cuda", int(device_id))


def cpu(device_id: int = 0) -> torch.device:
    """The CPU context, ``torch.device("cpu")``."""
    return Context("cpu", device_id)


def gpu(device_id: int = 0) -> torch.device:
    """GPU ``device_id``, ``torch.device("cuda", device_id)``."""
    return Context("gpu", device_id)


def cpu_pinned(device_id: int = 0) -> torch.device:
    return Context("cpu_pinned", device_id)


def current_context() -> torch.device:
    return torch.device("cpu")


def num_gpus() -> int:
    return torch.cuda.device_count()


def as_device(ctx: Any) -> torch.device:
    """A torch device from an MXNet context, a torch device or a device string."""
    if isinstance(ctx, torch.device):
        return ctx
    if isinstance(ctx, str):
        return torch.device(ctx)
    raise TypeError(f"expected a context such as mx.cpu(), got {type(ctx).__name__} {ctx!r}")
