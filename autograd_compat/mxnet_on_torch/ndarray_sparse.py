"""``mxnet.ndarray.sparse`` on torch: importable; sparse storage is not emulated.

Every name (``csr_matrix``, ``row_sparse_array``, ``CSRNDArray``, ``dot``, ...) raises
:class:`~._unsupported.UnsupportedError` (a ``NotImplementedError``): use dense arrays (``nd``),
or torch's own sparse tensors (``torch.sparse_csr_tensor``, ``torch.sparse_coo_tensor``) on
``x.as_torch()`` outside the MXNet dialect.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ._unsupported import UnsupportedError

__all__: list[str] = ["BaseSparseNDArray", "CSRNDArray", "RowSparseNDArray"]

_HINT = (
    "sparse storage (stype 'csr'/'row_sparse') is not emulated by autograd_compat on torch. "
    "Hint: use dense arrays, or torch.sparse_csr_tensor / torch.sparse_coo_tensor directly."
)


class BaseSparseNDArray:
    """MXNet's sparse array base; cannot be created on the torch backend."""

    def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise UnsupportedError(f"mxnet.ndarray.sparse.{cls.__name__}: {_HINT}")


class CSRNDArray(BaseSparseNDArray):
    """Not emulated."""


class RowSparseNDArray(BaseSparseNDArray):
    """Not emulated."""


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise UnsupportedError(f"mxnet.ndarray.sparse.{name}: {_HINT}")
