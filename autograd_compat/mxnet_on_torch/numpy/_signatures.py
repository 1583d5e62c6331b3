"""MXNet 1.9.1's parameter orders for the ``np`` reductions, as functions and as methods.

They differ from op to op and between a function and its method (measured with
``inspect.signature`` on MXNet 1.9.1): ``np.sum(a, axis, dtype, keepdims, initial, out)``,
``np.max(a, axis, keepdims, out)``, ``np.mean(a, axis, dtype, out, keepdims)``,
``np.all(a, axis, keepdims, out)``; the methods ``x.max(axis, out, keepdims)``,
``x.all(axis, out, keepdims)``, ``x.sum(axis, dtype, out, keepdims)``. A positional
``keepdims`` in the wrong slot would silently reduce to the wrong shape, so each gets its own
order; ``out=`` is filled and returned, as MXNet does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["reduction_function", "reduction_method", "with_out"]

_NO_DTYPE = frozenset({"max", "min", "amax", "amin", "all", "any"})


def with_out(r: Any, out: Any) -> Any:
    """``r``, or ``out`` filled with it (MXNet's ``out=``)."""
    if out is None:
        return r
    out[...] = r
    return out


def reduction_function(name: str, reduce: Callable[..., Any]) -> Callable[..., Any]:
    """``np.<name>`` with MXNet's parameter order; ``reduce(a, axis, keepdims, dtype)``."""
    if name == "sum":

        def fn(a, axis=None, dtype=None, keepdims=False, initial=None, out=None):  # noqa: ANN001, ANN202
            if initial is not None:
                raise NotImplementedError("np.sum(initial=...) is not supported (nor by MXNet)")
            return with_out(reduce(a, axis, keepdims, dtype), out)

    elif name in _NO_DTYPE:

        def fn(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
            return with_out(reduce(a, axis, keepdims, None), out)

    else:

        def fn(a, axis=None, dtype=None, out=None, keepdims=False):  # noqa: ANN001, ANN202
            return with_out(reduce(a, axis, keepdims, dtype), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``np.{name}``: MXNet's parameters and order."
    return fn


def reduction_method(name: str, reduce: Callable[..., Any]) -> Callable[..., Any]:
    """``x.<name>`` with MXNet's parameter order; ``reduce(x, axis, keepdims, dtype)``."""
    if name in _NO_DTYPE:

        def method(self, axis=None, out=None, keepdims=False):  # noqa: ANN001, ANN202
            return with_out(reduce(self, axis, keepdims, None), out)

    else:

        def method(self, axis=None, dtype=None, out=None, keepdims=False):  # noqa: ANN001, ANN202
            return with_out(reduce(self, axis, keepdims, dtype), out)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``x.{name}``: MXNet's parameters and order, as ``np.{name}``."
    return method
