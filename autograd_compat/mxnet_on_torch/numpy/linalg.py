"""``mxnet.np.linalg`` on torch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .._unsupported import module_getattr
from ..base import raise_mxnet_errors
from ..ndarray import ndarray, wrap
from ._creation import _t


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> ndarray:  # noqa: A002
    """NumPy's norm: the 2-norm of the flattened array by default (Frobenius for matrices)."""
    t = _t(x)
    if ord is None:
        if axis is None:
            r = torch.linalg.vector_norm(t)
            return wrap(r.reshape((1,) * t.dim()) if keepdims else r)
        return wrap(torch.linalg.vector_norm(t, dim=axis, keepdim=keepdims))
    if axis is None and t.dim() == 1:
        return wrap(torch.linalg.vector_norm(t, ord=ord, keepdim=keepdims))
    return wrap(torch.linalg.norm(t, ord=ord, dim=axis, keepdim=keepdims))


def _simple(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def op(a: Any, *args: Any, **kwargs: Any) -> Any:
        return wrap(
            fn(_t(a), *[_t(v) if isinstance(v, torch.Tensor) else v for v in args], **kwargs)
        )

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``np.linalg.{name}``, computed by ``{getattr(fn, '__name__', name)}``."
    return op


def _svd(a: torch.Tensor, full_matrices: bool = True, compute_uv: bool = True, **kw: Any) -> Any:
    if not compute_uv:
        return torch.linalg.svdvals(a)
    return tuple(torch.linalg.svd(a, full_matrices=full_matrices))


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
    "eig": lambda a: tuple(torch.linalg.eig(a)),
    "eigh": lambda a, UPLO="L": tuple(torch.linalg.eigh(a, UPLO=UPLO)),  # noqa: N803
    "eigvals": torch.linalg.eigvals,
    "eigvalsh": lambda a, UPLO="L": torch.linalg.eigvalsh(a, UPLO=UPLO),  # noqa: N803
    "matrix_rank": torch.linalg.matrix_rank,
    "lstsq": lambda a, b, rcond=None: tuple(torch.linalg.lstsq(a, b, rcond=rcond)),
    "tensorinv": lambda a, ind=2: torch.linalg.tensorinv(a, ind=ind),
    "tensorsolve": lambda a, b, axes=None: torch.linalg.tensorsolve(a, b, dims=axes),
}

for _n, _f in _OPS.items():
    globals()[_n] = _simple(_f, _n)

__all__ = ["norm", *_OPS]

# Misuse (non-square matrices, bad shapes or axes) raises MXNetError, as MXNet's operators do.
raise_mxnet_errors(globals(), "np.linalg", __all__)


__getattr__ = module_getattr("mxnet.np.linalg", default="torch.linalg.{name}")
