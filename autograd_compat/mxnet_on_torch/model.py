"""``mxnet.model`` on torch: checkpoint parameter files, without symbols.

``prefix-0000.params`` files are MXNet's NDArray files with ``arg:``/``aux:`` name prefixes:
:func:`load_params` reads them (from real MXNet too) and :func:`save_checkpoint` writes them when
no symbol is given. :func:`load_checkpoint` raises ``NotImplementedError``: it must return a
Symbol, and the symbolic API is not emulated — returning ``None`` in its place would only fail
later, far from the cause. Build the same network in Gluon and call
``net.load_parameters('prefix-0000.params')``, or take the arrays from :func:`load_params`.
"""

from __future__ import annotations

import logging
from typing import Any

from . import serialization
from .context import cpu
from .symbol import not_emulated

__all__ = ["load_checkpoint", "load_params", "save_checkpoint"]


def _params_file(prefix: str, epoch: int) -> str:
    return f"{prefix}-{epoch:04d}.params"


def save_checkpoint(
    prefix: str,
    epoch: int,
    symbol: Any,
    arg_params: dict[str, Any],
    aux_params: dict[str, Any],
    remove_amp_cast: bool = True,
) -> None:
    """Write ``prefix-<epoch>.params`` (names ``arg:<name>``/``aux:<name>``), as MXNet does.

    ``symbol`` must be ``None``: there are no Symbols to save on the torch backend.
    """
    if symbol is not None:
        raise not_emulated("mxnet.model.save_checkpoint with a symbol")
    save_dict = {f"arg:{k}": v.to(cpu()) for k, v in arg_params.items()}
    save_dict.update({f"aux:{k}": v.to(cpu()) for k, v in aux_params.items()})
    name = _params_file(prefix, epoch)
    serialization.save(name, save_dict)
    logging.info('Saved checkpoint to "%s"', name)


def load_params(prefix: str, epoch: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(arg_params, aux_params)`` from ``prefix-<epoch>.params``."""
    name = _params_file(prefix, epoch)
    save_dict = serialization.load(name)
    arg_params: dict[str, Any] = {}
    aux_params: dict[str, Any] = {}
    if not save_dict:
        logging.warning("Params file '%s' is empty", name)
        return arg_params, aux_params
    for key, value in save_dict.items():  # type: ignore[union-attr]
        kind, _, param = key.partition(":")
        if kind == "arg":
            arg_params[param] = value
        elif kind == "aux":
            aux_params[param] = value
    return arg_params, aux_params


def load_checkpoint(prefix: str, epoch: int) -> Any:
    """Not emulated: it returns a Symbol. Use Gluon's ``load_parameters`` or :func:`load_params`."""
    raise not_emulated(
        "mxnet.model.load_checkpoint (use mx.model.load_params(prefix, epoch) for the arrays)"
    )


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise not_emulated(f"mxnet.model.{name}")
