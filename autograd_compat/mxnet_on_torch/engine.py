"""``mxnet.engine`` on torch: bulk execution settings, accepted and ignored.

torch runs each operation when called; there is no engine bundling operators, so the bulk size
is only remembered (``set_bulk_size`` returns the previous value, as MXNet's does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["bulk", "set_bulk_size"]

_bulk_size = [0]  # what MXNet 1.9.1 reports before any set_bulk_size


def set_bulk_size(size: int) -> int:
    """Remember ``size``; return the previous bulk size."""
    prev, _bulk_size[0] = _bulk_size[0], int(size)
    return prev


@contextmanager
def bulk(size: int) -> Iterator[None]:
    """``with mx.engine.bulk(n):`` — no effect on torch; the bulk size is restored after."""
    prev = set_bulk_size(size)
    try:
        yield
    finally:
        set_bulk_size(prev)
