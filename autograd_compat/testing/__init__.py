"""Side-by-side equivalence testing of ported autograd code, for users and for this project.

* :func:`assert_equivalent` runs ``program(ns)`` once per backend, ``ns`` being
  ``autograd_compat.namespace(dialect, backend)``, and compares what the runs return (tensors of
  either framework with their ``.grad``, numbers, nested tuples/lists/dicts) or the exceptions they
  raise. :func:`equivalent` is the same check as a test-function decorator.
* :func:`tensors` and :func:`programs` are hypothesis strategies for property tests (they import
  hypothesis when first used).
* :class:`DivergenceRegistry` reads the divergence registry: known, documented differences
  between the backends, which the pytest plugin turns into expected failures.

Importing this package imports neither torch, mxnet nor hypothesis. See ``docs/testing.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .registry import DEFAULT_DIVERGENCES, Divergence, DivergenceRegistry, RegistryFormatError

if TYPE_CHECKING:
    from ._compare import (
        BackendUnavailableError,
        assert_equivalent,
        dialect_of,
        equivalent,
        make_tensor,
    )
    from .strategies import OPS, TIES, Program, broadcast_shapes, programs, tensors, values

__all__ = [
    "DEFAULT_DIVERGENCES",
    "BackendUnavailableError",
    "Divergence",
    "DivergenceRegistry",
    "OPS",
    "Program",
    "RegistryFormatError",
    "TIES",
    "assert_equivalent",
    "broadcast_shapes",
    "dialect_of",
    "equivalent",
    "make_tensor",
    "programs",
    "tensors",
    "values",
]

# Loaded on first use: the pytest plugin imports this package in every pytest run and needs only
# the registry; the comparison needs numpy, the strategies need hypothesis (a test dependency).
_LAZY = {
    "BackendUnavailableError": "_compare",
    "assert_equivalent": "_compare",
    "dialect_of": "_compare",
    "equivalent": "_compare",
    "make_tensor": "_compare",
    "tensors": "strategies",
    "programs": "strategies",
    "Program": "strategies",
    "OPS": "strategies",
    "TIES": "strategies",
    "broadcast_shapes": "strategies",
    "values": "strategies",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        return getattr(importlib.import_module(f".{module}", __name__), name)
    raise AttributeError(f"module 'autograd_compat.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
