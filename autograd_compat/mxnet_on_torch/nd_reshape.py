"""MXNet's legacy reshape codes: the shape ``x.reshape(...)`` / ``nd.reshape`` give.

``0`` copies a dimension, ``-1`` infers one, ``-2`` copies the rest, ``-3`` merges two, ``-4``
splits one into the next two values; ``reverse=True`` matches them from the right. Pure shape
arithmetic, shared by the ``NDArray`` method and the ``nd`` operator.
"""

from __future__ import annotations

import numpy as np

__all__ = ["infer_reshape"]


def infer_reshape(src: tuple[int, ...], target: tuple[int, ...], reverse: bool) -> list[int]:
    """The shape MXNet's legacy reshape gives ``src`` for ``target`` with its special codes.

    ``0`` copies a dimension, ``-1`` infers one, ``-2`` copies the rest, ``-3`` merges two, ``-4``
    splits one into the next two values (one may be ``-1``); ``reverse`` matches from the right.
    """
    given = tuple(target)
    if reverse:
        src, target = src[::-1], target[::-1]
        # -4's two following values keep their order relative to it.
        target = _unreverse_splits(target)
    out: list[int] = []
    i = j = 0
    try:
        while j < len(target):
            v = target[j]
            if v == 0:
                out.append(src[i])
                i += 1
            elif v == -1:
                out.append(-1)
                i += 1
            elif v == -2:
                out.extend(src[i:])
                i = len(src)
            elif v == -3:
                out.append(src[i] * src[i + 1])
                i += 2
            elif v == -4:
                d1, d2 = target[j + 1], target[j + 2]
                j += 2
                if d1 == -1:
                    d1 = src[i] // d2
                if d2 == -1:
                    d2 = src[i] // d1
                if d1 * d2 != src[i]:
                    raise IndexError
                out += [d1, d2]
                i += 1
            elif v > 0:
                out.append(v)
                i += 1
            else:
                raise IndexError
            j += 1
        if out.count(-1) > 1:
            raise IndexError
        if -1 in out:
            known = int(np.prod([d for d in out if d != -1]))
            total = int(np.prod(src))
            if known == 0 or total % known:
                raise IndexError
            out[out.index(-1)] = total // known
        if int(np.prod(out)) != int(np.prod(src)):
            raise IndexError
    except IndexError:
        # MXNet's own words (its reshape method raises ValueError).
        size = int(np.prod(src))
        raise ValueError(f"Cannot reshape array of size {size} into shape {given}") from None
    return out[::-1] if reverse else out


def _unreverse_splits(target: tuple) -> tuple:
    # Reversed, "-4 a b" reads "b a -4": put it back as "-4 b a" so the left-to-right pass works.
    t = list(target)
    k = 0
    while k < len(t):
        if k + 2 < len(t) and t[k + 2] == -4 and t[k] != -4:
            t[k], t[k + 1], t[k + 2] = -4, t[k], t[k + 1]
            k += 3
        else:
            k += 1
    return tuple(t)
