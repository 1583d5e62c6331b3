"""Conversion of operands to tensors, and the creation functions of ``mxnet.np`` (``array``,
``zeros``, ``arange``, ...): Python numbers and lists give float32, arrays keep their dtype."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as onp
import torch

from ..base import MXNetError
from ..context import as_device
from ..dtypes import to_dtype
from ..ndarray import ndarray, torch_dtype, wrap

_Tensor = torch.Tensor
_NUMBERS = frozenset((int, float, bool))
_float32 = to_dtype(None)  # MXNet's default dtype

# ---------------------------------------------------------------------------------------------
# Conversion helpers
# ---------------------------------------------------------------------------------------------


def _device(ctx: Any) -> torch.device | None:
    return None if ctx is None else as_device(ctx)


def _shape(shape: Any) -> tuple[int, ...]:
    if shape is None:
        return ()
    return (int(shape),) if isinstance(shape, int | onp.integer) else tuple(shape)


def _t(x: Any) -> torch.Tensor:
    """An operand as a tensor; Python numbers become 0-d tensors (float32 for floats)."""
    if isinstance(x, _Tensor):
        return x
    if isinstance(x, onp.ndarray):
        return torch.from_numpy(onp.ascontiguousarray(x))
    if isinstance(x, bool | int | float):
        return torch.tensor(x)  # 0-d: takes part in type promotion like a Python scalar
    return array(x)


def _is_scalar(x: Any) -> bool:
    return isinstance(x, int | float | onp.number) and not isinstance(x, bool)


# ---------------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------------


def array(object: Any, dtype: Any = None, ctx: Any = None) -> ndarray:  # noqa: A002
    """A new array (a copy). Python numbers and lists give float32; arrays keep their dtype."""
    if type(object) is list and (
        _NUMBERS.issuperset(map(type, object))  # no element can be an array: skip the scan
        or not builtins.any(isinstance(v, _Tensor) for v in object)
    ):
        dt = _float32 if dtype is None else to_dtype(dtype)
        try:  # the common case, a list of Python numbers, without a trip through numpy
            if ctx is None:  # (no device argument to parse: a tenth of the call's cost)
                r = torch.tensor(object, dtype=dt)
            else:
                r = torch.tensor(object, dtype=dt, device=as_device(ctx))
        except (TypeError, ValueError):
            pass
        else:
            r.__class__ = ndarray
            return r
    if isinstance(object, _Tensor):
        t = object.detach().to(
            device=_device(ctx), dtype=to_dtype(dtype, torch_dtype(object)), copy=True
        )
        return wrap(t)
    if isinstance(object, onp.ndarray | onp.generic):
        a = onp.array(object)
        dt = to_dtype(dtype, to_dtype(a.dtype))
        return wrap(torch.tensor(a, dtype=dt, device=_device(ctx)))
    dt = to_dtype(dtype)
    # Lists of arrays: stack their values.
    if isinstance(object, list | tuple) and builtins.any(isinstance(v, _Tensor) for v in object):
        object = [v.asnumpy() if isinstance(v, _Tensor) else v for v in object]
    return wrap(torch.tensor(onp.asarray(object), dtype=dt, device=_device(ctx)))


def asarray(a: Any, dtype: Any = None, ctx: Any = None) -> ndarray:
    if isinstance(a, ndarray) and dtype is None and ctx is None:
        return a
    return array(a, dtype=dtype, ctx=ctx)


def _check_order(order: str, name: str) -> None:
    if order != "C":
        raise NotImplementedError(f"np.{name}: only order='C' is supported, as in MXNet")


def _creator(fn: Callable[..., torch.Tensor], name: str) -> Callable[..., ndarray]:
    def create(shape: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any):
        _check_order(order, name)
        return wrap(fn(_shape(shape), dtype=to_dtype(dtype), device=_device(ctx)))

    create.__name__ = name
    create.__doc__ = f"``np.{name}(shape, dtype=float32, ctx=None)``"
    return create


zeros = _creator(torch.zeros, "zeros")
ones = _creator(torch.ones, "ones")
empty = _creator(torch.zeros, "empty")  # MXNet's is uninitialised memory; zeros is a valid value


def full(
    shape: Any, fill_value: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any
) -> ndarray:
    if isinstance(fill_value, _Tensor):
        return wrap(
            fill_value.to(to_dtype(dtype, torch_dtype(fill_value))).expand(_shape(shape)).clone()
        )
    return wrap(torch.full(_shape(shape), fill_value, dtype=to_dtype(dtype), device=_device(ctx)))


def _like(fn: Callable[..., torch.Tensor], name: str) -> Callable[..., ndarray]:
    def like(a: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any):
        a = _t(a)
        return wrap(fn(a, dtype=to_dtype(dtype, torch_dtype(a)), device=_device(ctx)))

    like.__name__ = name
    return like


zeros_like = _like(torch.zeros_like, "zeros_like")
ones_like = _like(torch.ones_like, "ones_like")
empty_like = _like(torch.zeros_like, "empty_like")


def full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "C", ctx: Any = None, **kw: Any
) -> ndarray:
    a = _t(a)
    return wrap(
        torch.full_like(a, fill_value, dtype=to_dtype(dtype, torch_dtype(a)), device=_device(ctx))
    )


def arange(
    start: Any, stop: Any = None, step: Any = 1, dtype: Any = None, ctx: Any = None, **kw: Any
) -> ndarray:
    """``np.arange``: float32 unless ``dtype`` says otherwise (also for integer arguments)."""
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if step == 0:
        raise ZeroDivisionError("np.arange: step must not be 0 (MXNet divides by it)")
    dt, dev = to_dtype(dtype), _device(ctx)
    if step != 0 and (stop - start) * step <= 0:
        # Bounds on the wrong side of the step give an empty array in NumPy and MXNet.
        return wrap(torch.empty(0, dtype=dt, device=dev))
    return wrap(torch.arange(start, stop, step, dtype=dt, device=dev))


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    ctx: Any = None,
) -> Any:
    """``num`` evenly spaced values: MXNet computes ``start + i * step`` in double precision and
    then converts (integers truncate), which differs from torch.linspace in the last bits."""
    if not isinstance(num, int | onp.integer) or num < 0:
        raise MXNetError(f"np.linspace: num must be a non-negative int, got {num!r}")
    span = float(stop) - float(start)
    step64 = span / ((num - 1) if endpoint else num) if num > 1 else 0.0
    dev = _device(ctx)
    i = torch.arange(int(num), dtype=torch.float64, device=dev)
    out = (float(start) + step64 * i).to(to_dtype(dtype))
    step = (stop - start) / ((num - 1) if endpoint else num) if num > 1 else float("nan")
    return (wrap(out), step) if retstep else wrap(out)


def eye(
    N: int,
    M: int | None = None,
    k: int = 0,
    dtype: Any = None,
    ctx: Any = None,  # noqa: N803
    **kw: Any,
) -> ndarray:
    M = N if M is None else M  # noqa: N806
    out = torch.zeros((N, M), dtype=to_dtype(dtype), device=_device(ctx))
    out.diagonal(k).fill_(1)
    return wrap(out)


def identity(n: int, dtype: Any = None, ctx: Any = None) -> ndarray:
    """The ``n`` x ``n`` identity matrix (float32 by default)."""
    return eye(n, dtype=dtype, ctx=ctx)


def meshgrid(*xi: Any, indexing: str = "xy", **kw: Any) -> list[ndarray]:
    return [wrap(t) for t in torch.meshgrid(*[_t(x) for x in xi], indexing=indexing)]
