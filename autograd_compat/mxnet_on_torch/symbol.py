"""``mxnet.symbol`` / ``mx.sym`` on torch: importable, not emulated.

MXNet's symbolic API (symbols, executors, ``mx.mod.Module``) has no counterpart here: every name
raises :class:`~._unsupported.UnsupportedError` (a ``NotImplementedError``) naming the Gluon way.
``Symbol`` exists as a class so ``isinstance(x, mx.sym.Symbol)`` checks work (nothing is one).
"""

from __future__ import annotations

from typing import Any, NoReturn

from ._unsupported import UnsupportedError

__all__ = ["GLUON_WAY", "Group", "Symbol", "Variable", "load", "load_json", "var"]

GLUON_WAY = (
    "the symbolic API (mx.sym, mx.mod, executors, SymbolBlock) is not emulated by autograd_compat "
    "on torch. Hint: write the network as Gluon blocks (mx.gluon.nn, HybridBlock.hybrid_forward "
    "with F) and run it imperatively under autograd.record(); for a saved model, build the same "
    "Gluon net and call net.load_parameters('<prefix>-0000.params')."
)


def not_emulated(qualname: str) -> UnsupportedError:
    """The error for a symbolic-API name: what it is, and the Gluon way."""
    return UnsupportedError(f"{qualname}: {GLUON_WAY}")


class Symbol:
    """MXNet's symbolic graph node; cannot be created on the torch backend."""

    def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise not_emulated("mxnet.symbol.Symbol")


def _stub(name: str) -> Any:
    def stub(*args: Any, **kwargs: Any) -> NoReturn:
        raise not_emulated(f"mxnet.symbol.{name}")

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = f"``mx.sym.{name}``: not emulated (raises NotImplementedError)."
    return stub


Variable = _stub("Variable")
var = _stub("var")
Group = _stub("Group")
load = _stub("load")
load_json = _stub("load_json")


def __getattr__(name: str) -> Any:
    if name.startswith("__"):  # import machinery probes must see AttributeError
        raise AttributeError(name)
    raise not_emulated(f"mxnet.symbol.{name}")
