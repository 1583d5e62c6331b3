"""The error for MXNet names the torch backend does not provide, and the module ``__getattr__``
that raises it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class UnsupportedError(NotImplementedError, AttributeError):
    """An MXNet name the torch backend does not provide.

    A ``NotImplementedError``; also an ``AttributeError`` so ``hasattr``/``getattr(..., default)``
    keep working on these modules.
    """


def unsupported(qualname: str, suggestion: str) -> UnsupportedError:
    return UnsupportedError(
        f"{qualname} is not supported by autograd_compat on the torch backend. Hint: use "
        f"{suggestion} on x.as_torch() (or autograd_compat.to_torch(x)) instead."
    )


def module_getattr(
    prefix: str, equivalents: Mapping[str, str] | None = None, default: str = "torch.{name}"
) -> Callable[[str], Any]:
    """A module ``__getattr__`` raising :class:`UnsupportedError` for ``prefix.name``, suggesting
    ``equivalents[name]`` or ``default``."""
    table = equivalents or {}

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # import machinery probes (__path__, ...) must see AttributeError
            raise AttributeError(name)
        raise unsupported(f"{prefix}.{name}", table.get(name, default.format(name=name)))

    return __getattr__
