"""MXNet contexts on torch: ``cpu(i)``, ``gpu(i)`` are ``Context`` objects, as in MXNet 1.9.1.

A ``Context`` is also a ``str`` whose value is the torch device it runs on (``"cpu"`` for every
CPU context, ``"cuda:i"`` for ``gpu(i)``), so it can be passed to torch as a device unchanged:
``torch.zeros(2, device=mx.cpu(1))``. As an MXNet object it prints, compares and hashes as MXNet's
does: ``cpu(1) != cpu(0)``, ``repr(gpu(1)) == 'gpu(1)'``, and ``with mx.cpu(1):`` makes it the
``current_context()`` of the thread.

Arrays of the dialect carry a context other than the default of their torch device (``cpu(1)``
on a CPU tensor) in the instance attribute ``_mx_ctx``; :func:`context_of` reads it and
:func:`with_context` sets it.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import torch

from .base import MXNetError

_DEVTYPE2STR = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
_DEVSTR2TYPE = {name: typeid for typeid, name in _DEVTYPE2STR.items()}
_GPU = 2


class _ContextMeta(type):
    # MXNet's deprecated class property ``Context.default_ctx``.
    @property
    def default_ctx(cls) -> Context:
        warnings.warn(
            "Context.default_ctx has been deprecated. Please use Context.current_context() "
            "instead. Please use test_utils.set_default_context to set a default context",
            DeprecationWarning,
            stacklevel=2,
        )
        return current_context()

    @default_ctx.setter
    def default_ctx(cls, value: Context) -> None:
        warnings.warn(
            "Context.default_ctx has been deprecated. Please use Context.current_context() "
            "instead. Please use test_utils.set_default_context to set a default context",
            DeprecationWarning,
            stacklevel=2,
        )
        cls._default_ctx.value = value


class Context(str, metaclass=_ContextMeta):
    """``mx.Context(device_type, device_id=0)``: a device as MXNet names it.

    ``device_type`` is ``'cpu'``, ``'gpu'``, ``'cpu_pinned'`` or ``'cpu_shared'``, or another
    ``Context`` (copied). Two contexts are equal when their type and id are; ``cpu(0)`` also
    equals ``torch.device('cpu')`` and ``gpu(i)`` ``torch.device('cuda', i)``. The string value
    is the torch device: ``"cpu"`` or ``"cuda:i"``.
    """

    devtype2str = dict(_DEVTYPE2STR)
    devstr2type = dict(_DEVSTR2TYPE)
    # The current context of each thread, where MXNet keeps it (``test_utils`` sets ``.value``).
    _default_ctx = threading.local()

    def __new__(cls, device_type: Any, device_id: int = 0) -> Context:
        if isinstance(device_type, Context):
            typeid, dev_id = device_type._typeid, device_type._id
        elif isinstance(device_type, torch.device):
            return device_context(device_type)
        else:
            try:
                typeid = _DEVSTR2TYPE[device_type]
            except (KeyError, TypeError):
                raise KeyError(
                    f"{device_type!r} is not a device type; use one of "
                    f"{', '.join(_DEVSTR2TYPE)} (e.g. mx.cpu(), mx.gpu(0))"
                ) from None
            dev_id = int(device_id)
        self = super().__new__(cls, f"cuda:{dev_id}" if typeid == _GPU else "cpu")
        self._typeid = typeid
        self._id = dev_id
        self._old_ctx = None
        self._device = torch.device(str.__str__(self))
        # Equal to a torch.device exactly when it has one, with the same hash (usable as one key).
        self._hash = hash(
            torch.device("cuda", dev_id)
            if typeid == _GPU
            else torch.device("cpu")
            if (typeid, dev_id) == (1, 0)
            else (typeid, dev_id)
        )
        return self

    @property
    def device_typeid(self) -> int:
        """MXNet's numeric device type: 1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared."""
        return self._typeid

    @property
    def device_id(self) -> int:
        return self._id

    @property
    def device_type(self) -> str:
        """``'cpu'``, ``'gpu'``, ``'cpu_pinned'`` or ``'cpu_shared'``."""
        return _DEVTYPE2STR[self._typeid]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Context):
            return self._typeid == other._typeid and self._id == other._id
        if isinstance(other, torch.device):
            return _key_of_device(other) == (self._typeid, self._id)
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return self._hash

    # MXNet's contexts have no order (``str``'s would compare the torch device names).
    def __lt__(self, other: object) -> bool:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__

    def __str__(self) -> str:
        return f"{self.device_type}({self._id})"

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        # As ``object.__format__`` (MXNet's): ``str``'s would format the torch device name.
        if spec:
            raise TypeError(f"unsupported format string passed to {type(self).__name__}.__format__")
        return str(self)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return (Context, (self.device_type, self._id))

    def __enter__(self) -> Context:
        local = Context._default_ctx
        stack = local.__dict__.setdefault("stack", [])
        stack.append(current_context())
        self._old_ctx = stack[-1]
        local.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        Context._default_ctx.value = Context._default_ctx.stack.pop()

    def empty_cache(self) -> None:
        """Release the cached memory of this device (torch's caching allocator on a GPU)."""
        if self._typeid == _GPU and torch.cuda.is_available():
            with torch.cuda.device(self._id):
                torch.cuda.empty_cache()


def _key_of_device(device: torch.device) -> tuple[int, int] | None:
    if device.type == "cpu":
        return (1, 0) if device.index in (None, 0) else None
    if device.type == "cuda":
        return (_GPU, device.index or 0)
    return None


_CPU0 = Context("cpu", 0)
Context._default_ctx.value = _CPU0
_DEVICE_CONTEXTS: dict[torch.device, Context] = {torch.device("cpu"): _CPU0}


def cpu(device_id: int = 0) -> Context:
    """The CPU context ``cpu(device_id)`` (every one runs on torch's CPU device)."""
    return _CPU0 if device_id == 0 else Context("cpu", device_id)


def gpu(device_id: int = 0) -> Context:
    """The GPU context ``gpu(device_id)``, torch's ``cuda:device_id``."""
    return Context("gpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """The pinned-memory CPU context (torch's CPU device)."""
    return Context("cpu_pinned", device_id)


def current_context() -> Context:
    """The context of ``with ctx:`` in this thread, else ``cpu(0)``."""
    local = Context._default_ctx
    if not hasattr(local, "value"):
        local.value = _CPU0
    return local.value


def num_gpus() -> int:
    return torch.cuda.device_count()


def gpu_memory_info(device_id: int = 0) -> tuple[int, int]:
    """``(free, total)`` bytes of GPU ``device_id``."""
    if not torch.cuda.is_available():
        raise MXNetError("GPU support is disabled (torch has no CUDA device). Hint: use mx.cpu().")
    return torch.cuda.mem_get_info(device_id)


def device_context(device: torch.device) -> Context:
    """The context of arrays on a torch device: ``cpu`` is ``cpu(0)``, ``cuda:i`` ``gpu(i)``."""
    ctx = _DEVICE_CONTEXTS.get(device)
    if ctx is None:
        key = _key_of_device(device)
        ctx = _CPU0 if key is None else Context(_DEVTYPE2STR[key[0]], key[1])
        _DEVICE_CONTEXTS[device] = ctx
    return ctx


def context_of(t: torch.Tensor) -> Context:
    """The MXNet context of array ``t``: its ``_mx_ctx`` tag, else that of its torch device."""
    ctx = t.__dict__.get("_mx_ctx")
    if ctx is not None:
        return ctx
    # is_cuda is far cheaper than reading t.device (this runs on every Gluon forward).
    return device_context(t.device) if t.is_cuda else _CPU0


def with_context(t: Any, ctx: Any) -> Any:
    """Tag array ``t`` with context ``ctx`` (no tag when ``ctx`` is its device's default); ``t``.

    ``t`` must already live on ``ctx``'s torch device. ``ctx=None`` leaves ``t`` untouched.
    """
    if ctx is None or not isinstance(t, torch.Tensor):
        return t
    ctx = as_context(ctx)
    if ctx == device_context(t.device):
        t.__dict__.pop("_mx_ctx", None)
    else:
        t._mx_ctx = ctx
    return t


def as_context(ctx: Any) -> Context:
    """A ``Context`` from a context, a torch device, a device string or an MXNet type name."""
    if isinstance(ctx, Context):
        return ctx
    if isinstance(ctx, torch.device):
        return device_context(ctx)
    if isinstance(ctx, str):
        return Context(ctx) if ctx in _DEVSTR2TYPE else device_context(torch.device(ctx))
    raise TypeError(f"expected a context such as mx.cpu(), got {type(ctx).__name__} {ctx!r}")


def as_device(ctx: Any) -> torch.device:
    """A torch device from an MXNet context, a torch device or a device string."""
    if isinstance(ctx, Context):
        if ctx._typeid == _GPU and not torch.cuda.is_available():
            raise MXNetError(
                f"cannot place an array on {ctx}: GPU support is disabled (torch has no CUDA "
                "device). Hint: use mx.cpu()."
            )
        return ctx._device
    if isinstance(ctx, torch.device):
        return ctx
    if isinstance(ctx, str):
        return torch.device(ctx)
    raise TypeError(f"expected a context such as mx.cpu(), got {type(ctx).__name__} {ctx!r}")
