"""``mxnet.np.linalg`` on torch."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

from .._unsupported import module_getattr
from ..base import MXNetError, raise_mxnet_errors
from ..ndarray import ndarray, wrap
from ._creation import _t


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> ndarray:  # noqa: A002
    """NumPy's norm: the 2-norm of the flattened array by default; a vector norm along one axis,
    a matrix norm (``'fro'``, ``'nuc'``, ``±1``, ``±2``, ``±inf``) over two. ``ord`` may also be
    the strings ``'inf'``/``'-inf'``, as MXNet allows."""
    t = _t(x)
    if ord in ("inf", "-inf"):
        ord = float(ord)  # noqa: A001
    if axis is None and ord is None:
        r = torch.linalg.vector_norm(t)
        return wrap(r.reshape((1,) * t.dim()) if keepdims else r)
    if axis is None:
        axis = 0 if t.dim() == 1 else (t.dim() - 2, t.dim() - 1)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    if len(axes) == 1:
        return wrap(
            torch.linalg.vector_norm(t, ord=2 if ord is None else ord, dim=axes, keepdim=keepdims)
        )
    return wrap(
        torch.linalg.matrix_norm(t, ord="fro" if ord is None else ord, dim=axes, keepdim=keepdims)
    )


def _simple(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def op(a: Any, *args: Any, **kwargs: Any) -> Any:
        return wrap(
            fn(_t(a), *[_t(v) if isinstance(v, torch.Tensor) else v for v in args], **kwargs)
        )

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``np.linalg.{name}``, computed by ``{getattr(fn, '__name__', name)}``."
    return op


def _real_float(a: torch.Tensor) -> torch.Tensor:
    # MXNet's eig family computes integer matrices in float64.
    return a if a.is_floating_point() else a.to(torch.float64)


def _real(w: torch.Tensor) -> torch.Tensor:
    if w.numel() and bool((w.imag.abs() > 1e-15).any()):
        raise MXNetError("Complex eigvals is unsupported in linalg")
    return w.real


def _eig(a: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    w, v = torch.linalg.eig(_real_float(a))
    return _real(w), v.real


def _svd(a: torch.Tensor) -> Any:
    # MXNet's svd: (UT, L, V) with a = UT @ diag(L) @ V, for matrices with rows <= columns.
    if a.dim() < 2 or a.shape[-2] > a.shape[-1]:
        raise MXNetError(
            f"np.linalg.svd: the matrices need rows <= columns, got shape {tuple(a.shape)}"
        )
    return tuple(torch.linalg.svd(a, full_matrices=False))


def _tensorsolve(a: torch.Tensor, b: torch.Tensor, axes: Any = None) -> torch.Tensor:
    # x of shape a.shape[-(a.ndim - b.ndim):] (Python's slice, as MXNet takes it: all of a's
    # axes when the ranks are equal) with tensordot(a, x) == b; ``axes`` move to the end of a.
    if axes is not None:
        moved = [ax % a.dim() for ax in axes]
        a = a.permute(*[d for d in range(a.dim()) if d not in moved], *moved)
    x_shape = tuple(a.shape)[-(a.dim() - b.dim()) :]
    n = math.prod(x_shape)
    if n * n != a.numel() or n != b.numel():
        raise MXNetError(
            f"np.linalg.tensorsolve: a of shape {tuple(a.shape)} is not square for b of shape "
            f"{tuple(b.shape)}"
        )
    return torch.linalg.solve(a.reshape(n, n), b.reshape(n)).reshape(x_shape)


# MXNet name -> torch function. Adding one is one line.
_OPS: dict[str, Callable[..., Any]] = {
    "inv": torch.linalg.inv,
    "pinv": torch.linalg.pinv,
    "det": torch.linalg.det,
    "slogdet": lambda a: tuple(torch.linalg.slogdet(a)),
    "solve": torch.linalg.solve,
    "cholesky": torch.linalg.cholesky,
    "qr": lambda a, mode="reduced": tuple(torch.linalg.qr(a, mode=mode)),
    "svd": _svd,
    "eig": _eig,
    "eigh": lambda a, UPLO="L": tuple(torch.linalg.eigh(_real_float(a), UPLO=UPLO)),  # noqa: N803
    "eigvals": lambda a: _real(torch.linalg.eigvals(_real_float(a))),
    "eigvalsh": lambda a, UPLO="L": torch.linalg.eigvalsh(_real_float(a), UPLO=UPLO),  # noqa: N803
    "matrix_rank": torch.linalg.matrix_rank,
    "lstsq": lambda a, b, rcond=None: tuple(torch.linalg.lstsq(a, b, rcond=rcond)),
    "tensorinv": lambda a, ind=2: torch.linalg.tensorinv(a, ind=ind),
    "tensorsolve": _tensorsolve,
}

for _n, _f in _OPS.items():
    globals()[_n] = _simple(_f, _n)

__all__ = ["norm", *_OPS]

# Misuse (non-square matrices, bad shapes or axes) raises MXNetError, as MXNet's operators do.
raise_mxnet_errors(globals(), "np.linalg", __all__)


__getattr__ = module_getattr("mxnet.np.linalg", default="torch.linalg.{name}")
