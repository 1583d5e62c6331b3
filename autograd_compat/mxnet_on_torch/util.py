"""``mxnet.util`` on torch: the NumPy-semantics switches and scopes, and environment access.

The state is the one ``npx.set_np()`` sets (:mod:`.np_state`), so ``util.is_np_array()`` and
``npx.is_np_array()`` always agree.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from .np_state import is_np_array, is_np_shape, reset_np, set_np, set_np_array, set_np_shape

__all__ = [
    "get_gpu_count",
    "get_gpu_memory",
    "getenv",
    "is_np_array",
    "is_np_shape",
    "np_array",
    "np_shape",
    "reset_np",
    "set_module",
    "set_np",
    "set_np_shape",
    "setenv",
    "use_np",
    "use_np_array",
    "use_np_shape",
    "wrap_np_binary_func",
    "wrap_np_unary_func",
]


def get_gpu_count() -> int:
    return torch.cuda.device_count()


def get_gpu_memory(gpu_dev_id: int) -> tuple[int, int]:
    """(free, total) bytes of GPU ``gpu_dev_id``."""
    return torch.cuda.mem_get_info(gpu_dev_id)


@contextmanager
def _scope(setter: Callable[[bool], bool], active: bool) -> Iterator[None]:
    prev = setter(active)
    try:
        yield
    finally:
        setter(prev)


def np_shape(active: bool = True) -> Any:
    """``with np_shape():`` NumPy shape semantics inside the block (also a decorator)."""
    return _scope(set_np_shape, active)


def np_array(active: bool = True) -> Any:
    """``with np_array():`` NumPy array semantics inside the block (also a decorator)."""
    return _scope(set_np_array, active)


def _scoped(func: Any, scope: Callable[[], Any]) -> Any:
    """``func`` run inside ``scope()``; for a class, every method (inherited ones included)."""
    if inspect.isclass(func):
        for name, method in inspect.getmembers(func, inspect.isfunction):
            if name.startswith("__") and name not in ("__init__", "__call__"):
                continue
            setattr(func, name, _scoped(method, scope))
        return func
    if not callable(func):
        raise TypeError(f"expected a function or a class, got {type(func).__name__}")

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with scope():
            return func(*args, **kwargs)

    return wrapper


def use_np_shape(func: Any) -> Any:
    """Decorator: ``func`` (or every method of a class) runs with NumPy shape semantics."""
    return _scoped(func, np_shape)


def use_np_array(func: Any) -> Any:
    """Decorator: ``func`` (or every method of a class) runs with NumPy array semantics."""
    return _scoped(func, np_array)


def use_np(func: Any) -> Any:
    """Decorator: NumPy shape and array semantics, as ``npx.set_np()`` gives, inside ``func``."""
    return use_np_shape(use_np_array(func))


def set_module(module: str) -> Callable[[Any], Any]:
    """Decorator setting ``__module__`` (MXNet uses it for its public functions' names)."""

    def decorator(func: Any) -> Any:
        if module is not None:
            func.__module__ = module
        return func

    return decorator


def wrap_np_unary_func(func: Callable) -> Callable:
    """``func(x, out=None, **kwargs)`` refusing NumPy ufunc options MXNet does not support."""

    @functools.wraps(func)
    def wrapper(x: Any, out: Any = None, **kwargs: Any) -> Any:
        _check_ufunc_options(func, kwargs)
        return func(x, out=out)

    return wrapper


def wrap_np_binary_func(func: Callable) -> Callable:
    """``func(x1, x2, out=None, **kwargs)`` refusing unsupported NumPy ufunc options."""

    @functools.wraps(func)
    def wrapper(x1: Any, x2: Any, out: Any = None, **kwargs: Any) -> Any:
        _check_ufunc_options(func, kwargs)
        return func(x1, x2, out=out)

    return wrapper


_UFUNC_DEFAULTS = {"where": True, "casting": "same_kind", "order": "K", "subok": True}


def _check_ufunc_options(func: Callable, kwargs: dict[str, Any]) -> None:
    for key, value in kwargs.items():
        if key == "dtype" and value is None:
            continue
        if key not in _UFUNC_DEFAULTS or _UFUNC_DEFAULTS[key] != value:
            raise TypeError(f"{func.__name__}: {key}={value!r} is not supported yet")


def getenv(name: str) -> str | None:
    """The value of environment variable ``name`` (None when unset)."""
    return os.environ.get(name)


def setenv(name: str, value: str | None) -> None:
    """Set (``None``: unset) environment variable ``name``."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
