"""Whether the current thread runs inside a hybridized ``HybridBlock``'s forward.

MXNet runs a hybridized block as a symbolic graph, where a few operators behave otherwise than
imperatively: ``np.nan_to_num(x, copy=False)`` computes a copy there (a graph has no in-place
output) instead of writing into ``x``. The shim runs every block imperatively, so Gluon marks
the hybridized forward here and those operators ask :func:`in_hybridized_forward`.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["HYBRIDIZED_FORWARD", "in_hybridized_forward"]


class _Depth(threading.local):
    n = 0


_depth = _Depth()


def in_hybridized_forward() -> bool:
    """True inside the forward of a hybridized block (or of a block called from one)."""
    return _depth.n > 0


class _Mark:
    # A plain class, not @contextmanager: entered on every hybridized forward, so kept cheap.
    __slots__ = ()

    def __enter__(self) -> None:
        _depth.n += 1

    def __exit__(self, *exc: Any) -> None:
        _depth.n -= 1


#: ``with HYBRIDIZED_FORWARD:`` marks the enclosed code as a hybridized block's forward (nests;
#: per thread).
HYBRIDIZED_FORWARD = _Mark()
