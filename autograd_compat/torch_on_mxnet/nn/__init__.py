"""``torch.nn`` of the torch dialect on MXNet: only ``nn.functional`` (``Module`` and layers are
out of scope for now and raise ``NotImplementedError``)."""

from __future__ import annotations

from typing import Any

from ..errors import not_supported
from . import functional  # noqa: F401

__all__ = ["functional"]


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    raise not_supported(f"nn.{name}")
