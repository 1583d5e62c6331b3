"""torch's grad-mode switches for the torch dialect on MXNet: ``no_grad``, ``enable_grad``,
``inference_mode``, ``set_grad_enabled`` (context managers and decorators, as in torch 2.x).

They set the dialect's per-thread grad mode (``scopes._state``), which every op reads before it
records; MXNet's own recording flag is switched per call by the ops, never here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .errors import _check_bool
from .scopes import _state


class _GradMode:
    """Base of the grad-mode context managers; also usable as decorators."""

    mode = True

    def __new__(cls, *args: Any) -> Any:
        # `@torch.no_grad` without parentheses decorates directly, as in torch 2.x
        if cls in (no_grad, enable_grad) and len(args) == 1 and callable(args[0]):
            return cls()(args[0])
        return super().__new__(cls)

    def __enter__(self) -> None:
        self.prev = _state.grad_enabled
        _state.grad_enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _state.grad_enabled = self.prev

    def __call__(self, fn: Callable) -> Callable:
        cls = type(self)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with cls():
                return fn(*args, **kwargs)

        return wrapper

    def clone(self) -> _GradMode:
        return type(self)()


class no_grad(_GradMode):  # noqa: N801
    """Context manager / decorator: no graph is recorded inside."""

    mode = False


class enable_grad(_GradMode):  # noqa: N801
    """Context manager / decorator: recording on again (e.g. inside ``no_grad``)."""

    mode = True


class inference_mode(_GradMode):  # noqa: N801
    """Like ``no_grad`` here (tensors created inside are ordinary tensors)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = not mode

    def __call__(self, fn: Callable) -> Callable:  # type: ignore[override]
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(not mode):
                return fn(*args, **kwargs)

        return wrapper


class set_grad_enabled(_GradMode):  # noqa: N801
    """Takes effect immediately (as torch); as a context manager restores on exit."""

    def __init__(self, mode: bool) -> None:
        _check_bool("set_grad_enabled", "enabled", mode, 1)
        self.prev = _state.grad_enabled
        self.mode = mode
        _state.grad_enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.grad_enabled = self.prev

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)


def is_grad_enabled() -> bool:
    return _state.grad_enabled


def is_inference_mode_enabled() -> bool:
    return False
