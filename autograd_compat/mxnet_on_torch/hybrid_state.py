"""Whether the current thread runs inside a hybridized ``HybridBlock``'s forward.

MXNet runs a hybridized block as a symbolic graph, where a few operators behave otherwise than
imperatively: ``np.nan_to_num(x, copy=False)`` computes a copy there (a graph has no in-place
output) instead of writing into ``x``. The shim runs every block imperatively, so Gluon marks
the hybridized forward here and those operators ask :func:`in_hybridized_forward`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["hybridized_forward", "in_hybridized_forward"]


class _Depth(threading.local):
    n = 0


_depth = _Depth()


def in_hybridized_forward() -> bool:
    """True inside the forward of a hybridized block (or of a block called from one)."""
    return _depth.n > 0


@contextmanager
def hybridized_forward() -> Iterator[None]:
    """Mark the enclosed code as a hybridized block's forward (nests; per thread)."""
    _depth.n += 1
    try:
        yield
    finally:
        _depth.n -= 1
