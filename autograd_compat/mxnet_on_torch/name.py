"""``mx.name``: MXNet 1.9.1's name managers (``NameManager``, ``Prefix``).

They name symbols; the torch backend runs no symbols, so they only keep MXNet's naming rules
(``hint`` plus a per-manager counter, the user's name when given, a ``Prefix`` before it) for
code that enters them or calls ``get``.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["NameManager", "Prefix"]

_local = threading.local()


class NameManager:
    """Gives each unnamed symbol ``hint`` followed by a counter; a scope with ``with``."""

    def __init__(self) -> None:
        self._counter: dict[str, int] = {}
        self._old_manager: NameManager | None = None

    def get(self, name: str | None, hint: str) -> str:
        """``name`` when given, else ``hint`` and the next number for that hint."""
        if name:
            return name
        n = self._counter.get(hint, 0)
        self._counter[hint] = n + 1
        return f"{hint}{n}"

    def __enter__(self) -> NameManager:
        self._old_manager = _current()
        _local.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._old_manager is not None
        _local.value = self._old_manager


def _current() -> NameManager:
    value = getattr(_local, "value", None)
    if value is None:
        value = _local.value = NameManager()
    return value


class Prefix(NameManager):
    """A name manager that puts ``prefix`` before every name."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix

    def get(self, name: str | None, hint: str) -> str:
        return self._prefix + super().get(name, hint)
