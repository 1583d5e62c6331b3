"""``mx.random`` / ``nd.random`` on torch, drawing from torch's global generator.

The samplers return legacy ``NDArray`` arrays on the context asked for.

``seed(s)`` seeds torch's generator. The streams differ from real MXNet's: the same seed gives
other numbers on the two backends.
"""

from __future__ import annotations

from typing import Any

import torch

from ._unsupported import module_getattr
from .base import raise_mxnet_errors
from .context import as_device, current_context, with_context
from .dtypes import to_dtype
from .nd_ndarray import NDArray, wrap_nd


def seed(seed_state: int, ctx: Any = "all") -> None:
    """Seed the generator (torch's global one) with ``seed_state``."""
    torch.manual_seed(int(seed_state))


def _dtype(dtype: Any) -> torch.dtype:
    return to_dtype(dtype)


def _shape(shape: Any) -> tuple[int, ...]:
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _ctx(ctx: Any) -> Any:
    # No context: the one of `with mx.cpu(1):` in this thread, else cpu(0), as MXNet's.
    return current_context() if ctx is None else ctx


def _device(ctx: Any) -> torch.device:
    return as_device(_ctx(ctx))


def _empty(shape: Any, dtype: Any, ctx: Any) -> NDArray:
    t = wrap_nd(torch.empty(_shape(shape), dtype=_dtype(dtype), device=_device(ctx)))
    return with_context(t, _ctx(ctx))


def normal(
    loc: float = 0.0,
    scale: float = 1.0,
    shape: Any = (1,),
    dtype: Any = None,
    ctx: Any = None,
    **kwargs: Any,
) -> NDArray:
    """Samples of N(``loc``, ``scale``²), float32 by default."""
    return _empty(shape, dtype, ctx).normal_(loc, scale)


def uniform(
    low: float = 0.0,
    high: float = 1.0,
    shape: Any = (1,),
    dtype: Any = None,
    ctx: Any = None,
    **kwargs: Any,
) -> NDArray:
    """Samples of U[``low``, ``high``), float32 by default."""
    return _empty(shape, dtype, ctx).uniform_(low, high)


def randn(
    *shape: int,
    loc: float = 0.0,
    scale: float = 1.0,
    dtype: Any = None,
    ctx: Any = None,
    **kwargs: Any,
) -> torch.Tensor:
    """Normal samples of shape ``shape`` (given as separate ints)."""
    return normal(loc, scale, shape=shape or (1,), dtype=dtype, ctx=ctx)


def randint(
    low: int, high: int, shape: Any = (1,), dtype: Any = "int32", ctx: Any = None, **kwargs: Any
) -> torch.Tensor:
    """Integers in ``[low, high)``; int32 by default, as MXNet's legacy ``randint``."""
    t = torch.randint(int(low), int(high), _shape(shape), dtype=_dtype(dtype), device=_device(ctx))
    return with_context(wrap_nd(t), _ctx(ctx))


def shuffle(data: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    """A copy of ``data`` with its first axis shuffled."""
    r = torch.index_select(
        torch.Tensor.detach(data), 0, torch.randperm(data.shape[0], device=data.device)
    )
    return with_context(wrap_nd(r), data.__dict__.get("_mx_ctx"))


# Misuse (negative sizes, bad shapes) raises MXNetError, as MXNet's samplers do.
raise_mxnet_errors(globals(), "nd.random", ["normal", "uniform", "randn", "randint", "shuffle"])

__getattr__ = module_getattr("mxnet.random", default="torch.distributions or torch.{name}")
