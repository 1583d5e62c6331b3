"""``mxnet.base`` of the active backend: ``MXNetError`` resolves when it is looked up.

On the torch backend it is the adapter's ``RuntimeError`` subclass; on the mxnet backend the real
``mxnet.base.MXNetError``.
"""

from __future__ import annotations

from typing import Any

from .._backend import namespace


def __getattr__(name: str) -> Any:
    return getattr(namespace("mxnet").base, name)
