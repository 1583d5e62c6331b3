"""``mxnet.module`` / ``mx.mod`` on torch: importable, not emulated.

``mx.mod.Module`` trains a Symbol, and the symbolic API is not emulated: constructing any module
class raises ``NotImplementedError`` naming the Gluon way (a Gluon net, ``gluon.Trainer`` and
``autograd.record()``).
"""

from __future__ import annotations

from typing import Any, NoReturn

from ..symbol import not_emulated

__all__ = [
    "BaseModule",
    "BucketingModule",
    "Module",
    "PythonLossModule",
    "PythonModule",
    "SequentialModule",
]


class BaseModule:
    """Base of MXNet's symbolic modules; cannot be created on the torch backend."""

    def __new__(cls, *args: Any, **kwargs: Any) -> NoReturn:
        raise not_emulated(f"mxnet.module.{cls.__name__}")


class Module(BaseModule):
    """``mx.mod.Module``: not emulated (train a Gluon net with ``gluon.Trainer`` instead)."""


class BucketingModule(BaseModule):
    """``mx.mod.BucketingModule``: not emulated."""


class SequentialModule(BaseModule):
    """``mx.mod.SequentialModule``: not emulated."""


class PythonModule(BaseModule):
    """``mx.mod.PythonModule``: not emulated."""


class PythonLossModule(PythonModule):
    """``mx.mod.PythonLossModule``: not emulated."""
