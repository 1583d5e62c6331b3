"""What a Gluon ``Parameter`` of MXNet 1.9.1 offers that the torch backend cannot: its symbol
(``var``) and its row-sparse copies. Each raises with a hint, as the rest of the API does."""

from __future__ import annotations

from typing import Any

__all__ = ["SymbolAndSparseStubs"]


class SymbolAndSparseStubs:
    """``Parameter.var``, ``row_sparse_data`` and ``list_row_sparse_data`` (a mixin of
    ``Parameter``: reads its ``name`` and ``_stype``)."""

    name: str
    _stype: str

    def var(self) -> Any:
        """MXNet's symbol for this parameter: not available on the torch backend."""
        raise NotImplementedError(
            f"Parameter.var() ('{self.name}') returns an MXNet symbol, which the torch backend "
            "does not have. Hint: use param.data() with Gluon blocks (hybridize() is accepted "
            "and runs imperatively)."
        )

    def row_sparse_data(self, row_id: Any) -> Any:
        raise RuntimeError(
            f"Cannot return a copy of Parameter {self.name} via row_sparse_data() because its "
            f"storage type is {self._stype}. Please use data() instead."
        )

    def list_row_sparse_data(self, row_id: Any) -> Any:
        raise RuntimeError(
            f"Cannot return copies of Parameter '{self.name}' on all contexts via "
            f"list_row_sparse_data() because its storage type is {self._stype}. Please use "
            "data() instead."
        )
