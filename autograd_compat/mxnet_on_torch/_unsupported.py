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


def unsupported(qualname: str, suggestion: str | None) -> UnsupportedError:
    if not suggestion:
        return UnsupportedError(
            f"{qualname} is not supported by autograd_compat on the torch backend (it has no "
            "emulation of it yet, and no torch function is known to do the same)."
        )
    return UnsupportedError(
        f"{qualname} is not supported by autograd_compat on the torch backend. Hint: use "
        f"{suggestion} on x.as_torch() (or autograd_compat.to_torch(x)) instead."
    )


def _exists(dotted: str) -> bool:
    """True when ``torch.a.b`` names a real attribute (never suggest an invented function)."""
    import torch

    obj: Any = torch
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return dotted.split(".")[0] == "torch"


def real_suggestion(template: str, name: str) -> str | None:
    """The alternatives of ``template`` (``"torch.a or torch.{name}"``) that exist in torch."""
    real = [alt for alt in (a.strip().format(name=name) for a in template.split(" or "))]
    real = [alt for alt in real if _exists(alt)]
    return " or ".join(real) or None


def module_getattr(
    prefix: str, equivalents: Mapping[str, str] | None = None, default: str = "torch.{name}"
) -> Callable[[str], Any]:
    """A module ``__getattr__`` raising :class:`UnsupportedError` for ``prefix.name``, suggesting
    ``equivalents[name]`` or ``default``."""
    table = equivalents or {}

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # import machinery probes (__path__, ...) must see AttributeError
            raise AttributeError(name)
        suggestion = table[name] if name in table else real_suggestion(default, name)
        raise unsupported(f"{prefix}.{name}", suggestion)

    return __getattr__
