"""``mxnet._numpy_op_doc`` on torch: the signatures of MXNet 1.9.1's built-in ``_np_*`` operators.

MXNet registers a few NumPy operators in C++ (``_np_sum``, ``_np_reshape``, ...) and gives each
its Python signature from a stub function of this name. Here each stub states that signature;
:func:`registered_np_operators` names the operators the shim implements with exactly that
signature (importing this module puts it on them as ``__signature__``, as MXNet does). An
operator the shim lacks, or whose parameters differ from MXNet's, is not listed.
"""

from __future__ import annotations

import inspect
from typing import Any

from . import npx
from . import numpy as _np

__all__: list[str] = []


def _np_all(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.all``: whether every element along ``axis`` is true."""


def _np_any(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.any``: whether some element along ``axis`` is true."""


def _np_sometrue(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.sometrue``: ``np.any``."""


def _np_amax(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.amax``: the largest element along ``axis``."""


def _np_amin(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.amin``: the smallest element along ``axis``."""


def _np_max(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.max``: ``np.amax``."""


def _np_min(a, axis=None, keepdims=False, out=None):  # noqa: ANN001, ANN202
    """``np.min``: ``np.amin``."""


def _np_atleast_1d(*arys):  # noqa: ANN002, ANN202
    """``np.atleast_1d``: the arrays with at least one dimension."""


def _np_atleast_2d(*arys):  # noqa: ANN002, ANN202
    """``np.atleast_2d``: the arrays with at least two dimensions."""


def _np_atleast_3d(*arys):  # noqa: ANN002, ANN202
    """``np.atleast_3d``: the arrays with at least three dimensions."""


def _np_copy(a, out=None):  # noqa: ANN001, ANN202
    """``np.copy``: a copy of ``a``."""


def _np_cumsum(a, axis=None, dtype=None, out=None):  # noqa: ANN001, ANN202
    """``np.cumsum``: running sums along ``axis`` (the flattened array when ``None``)."""


def _np_diag(array, k=0):  # noqa: ANN001, ANN202
    """``np.diag``: the ``k``-th diagonal of a matrix, or a matrix with a vector on it."""


def _np_diagflat(array, k=0):  # noqa: ANN001, ANN202
    """``np.diagflat``: a matrix with the flattened input on its ``k``-th diagonal."""


def _np_diagonal(a, offset=0, axis1=0, axis2=1):  # noqa: ANN001, ANN202
    """``np.diagonal``: the diagonal of the ``axis1``/``axis2`` planes."""


def _np_dot(a, b, out=None):  # noqa: ANN001, ANN202
    """``np.dot``: NumPy's dot product."""


def _np_moveaxis(a, source, destination):  # noqa: ANN001, ANN202
    """``np.moveaxis``: the axes ``source`` moved to ``destination``."""


def _np_prod(a, axis=None, dtype=None, out=None, keepdims=False):  # noqa: ANN001, ANN202
    """``np.prod``: the product along ``axis``."""


def _np_product(a, axis=None, dtype=None, out=None, keepdims=False):  # noqa: ANN001, ANN202
    """``np.product``: ``np.prod``."""


def _np_repeat(a, repeats, axis=None):  # noqa: ANN001, ANN202
    """``np.repeat``: each element repeated ``repeats`` times along ``axis``."""


def _np_reshape(a, newshape, order="C", out=None):  # noqa: ANN001, ANN202
    """``np.reshape``: ``a`` with shape ``newshape`` (a copy)."""


def _np_roll(a, shift, axis=None):  # noqa: ANN001, ANN202
    """``np.roll``: elements shifted along ``axis``, wrapping around."""


def _np_squeeze(a, axis=None, out=None):  # noqa: ANN001, ANN202
    """``np.squeeze``: ``a`` without its length-1 axes."""


def _np_sum(a, axis=None, dtype=None, keepdims=False, initial=None, out=None):  # noqa: ANN001, ANN202
    """``np.sum``: the sum along ``axis``."""


def _np_trace(a, offset=0, axis1=0, axis2=1, out=None):  # noqa: ANN001, ANN202
    """``np.trace``: sums of the diagonals."""


def _np_transpose(a, axes=None):  # noqa: ANN001, ANN202
    """``np.transpose``: the axes permuted (reversed when ``axes`` is ``None``)."""


def _np__random_shuffle(x):  # noqa: ANN001, ANN202
    """``np.random.shuffle``: shuffles ``x`` in place along its first axis."""


def _npx_constraint_check(x, msg):  # noqa: ANN001, ANN202
    """``npx.constraint_check``: raises ``msg`` unless every element of ``x`` is true."""


def _npx_nonzero(a):  # noqa: ANN001, ANN202
    """``npx.nonzero``: the indices of the non-zero elements, one row each."""


def _npx_reshape(a, newshape, reverse=False, order="C"):  # noqa: ANN001, ANN202
    """``npx.reshape``: reshape with MXNet's special values (-1 ... -6) in ``newshape``."""


def _shim_op(op_name: str) -> Any:
    # `_np_<name>` -> np.<name>, `_npx_<name>` -> npx.<name>; `_np__random_shuffle` is the
    # operator behind np.random.shuffle (MXNet's registry lists it under no `_np_` name).
    if op_name.startswith("_npx_"):
        return getattr(npx, op_name[5:], None)
    if op_name.startswith("_np__random_"):
        return getattr(_np.random, op_name[12:], None)
    return getattr(_np, op_name[4:], None)


def _plain(sig: inspect.Signature) -> list[tuple[str, Any, Any]]:
    # What a call binds by: names, kinds and defaults in order (annotations do not matter).
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def _matching() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, doc in list(globals().items()):
        if not name.startswith(("_np_", "_npx_")) or not inspect.isfunction(doc):
            continue
        op = _shim_op(name)
        if op is None:
            continue
        want = inspect.signature(doc)
        try:
            have = inspect.signature(op)
        except (TypeError, ValueError):
            continue
        if _plain(have) == _plain(want):
            op.__signature__ = want
            found[name] = op
    return found


_REGISTERED = _matching()


def registered_np_operators() -> list[str]:
    """MXNet's built-in ``_np_*`` operator names the shim implements with MXNet's signature
    (the ones ``mxnet.operator.get_all_registered_operators`` lists)."""
    return sorted(n for n in _REGISTERED if n.startswith("_np_") and n != "_np__random_shuffle")
