"""``mxnet.test_utils`` on torch, part 1: contexts, per-dtype tolerances and comparisons.

MXNet's tolerance rules (per-dtype defaults, the larger tolerance of the two operands) and its
error text. Every public name here is re-exported by :mod:`.test_utils`, where users find it.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.testing as npt
import torch

from .. import mxnet_on_torch as mx
from .base import MXNetError
from .context import current_context

# ----------------------------------------------------------------------------------------------
# Contexts, dtypes and tolerances
# ----------------------------------------------------------------------------------------------

_default_ctx: list[Any] = []


def default_context() -> Any:
    """The context tests run on: the one :func:`set_default_context` chose, else the current."""
    return _default_ctx[-1] if _default_ctx else current_context()


def set_default_context(ctx: Any) -> None:
    """Make ``ctx`` the context :func:`default_context` returns."""
    _default_ctx[:] = [ctx]


def default_dtype() -> type:
    return np.float32


_FLOAT64 = np.dtype(np.float64)
_INT_TYPES = (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64)


def default_rtols() -> dict[np.dtype, float]:
    """Relative tolerance per dtype (MXNet's table)."""
    tols = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
    return {**tols, **{np.dtype(t): 0 for t in _INT_TYPES}}


def default_atols() -> dict[np.dtype, float]:
    """Absolute tolerance per dtype (MXNet's table)."""
    tols = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}
    return {**tols, **{np.dtype(t): 0 for t in _INT_TYPES}}


def default_numeric_eps() -> dict[np.dtype, float]:
    """Finite-difference step per dtype (powers of two, as MXNet's)."""
    return {
        np.dtype(np.float16): 1.0 / 2**6,
        np.dtype(np.float32): 1.0 / 2**9,
        np.dtype(np.float64): 1.0 / 2**14,
    }


def _np_dtype(dtype: Any) -> np.dtype:
    if isinstance(dtype, torch.dtype):
        return torch.empty((), dtype=dtype).numpy().dtype
    return np.dtype(dtype)


def effective_dtype(dat: Any) -> np.dtype:
    """The dtype whose tolerances apply to ``dat`` (its own: the torch backend has no TF32 rule)."""
    return _np_dtype(dat.dtype)


def get_tolerance(dat: Any, tol: Any, default_tol: dict[np.dtype, float]) -> float:
    """``tol`` if a number, else ``tol[dtype]`` or the default for ``dat``'s dtype."""
    if isinstance(tol, numbers.Number):
        return tol  # type: ignore[return-value]
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol[dtype])


def get_tols(x: Any, y: Any, rtol: Any, atol: Any) -> tuple[float, float]:
    """The (rtol, atol) for comparing ``x`` and ``y``: the larger default of the two dtypes."""
    x = np.array(x) if isinstance(x, numbers.Number) else x
    y = np.array(y) if isinstance(y, numbers.Number) else y
    rtol = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return rtol, atol


def get_atol(atol: float | None = None, dtype: Any = _FLOAT64) -> float:
    return default_atols()[dtype] if atol is None else atol


def get_rtol(rtol: float | None = None, dtype: Any = _FLOAT64) -> float:
    return default_rtols()[dtype] if rtol is None else rtol


def get_etol(etol: float | None = None) -> float:
    return 0 if etol is None else etol


# ----------------------------------------------------------------------------------------------
# Comparisons
# ----------------------------------------------------------------------------------------------


def _as_numpy(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return x


def np_reduce(dat: np.ndarray, axis: Any, keepdims: bool, numpy_reduce_func: Callable) -> Any:
    """Reduce ``dat`` over ``axis`` (int, list or None) one axis at a time."""
    axes = [axis] if isinstance(axis, int) else (list(axis) if axis is not None else None)
    if axes is None:
        axes = list(range(len(dat.shape)))
    ret = dat
    for i in reversed(sorted(axes)):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axes:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def same(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` hold equal values and shapes."""
    return bool(np.array_equal(_as_numpy(a), _as_numpy(b)))


def checkShapes(a: Any, b: Any) -> None:  # noqa: N802 - MXNet's name
    if a.shape != b.shape:
        msg = f"a.shape = {a.shape} and b.shape = {b.shape} are not equal"
        raise AssertionError(npt.build_err_msg([a, b], err_msg=msg))


def almost_equal(
    a: Any,
    b: Any,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    use_broadcast: bool = True,
) -> bool:
    """``numpy.allclose`` with MXNet's defaults (those of float64 when not given)."""
    a, b = _as_numpy(a), _as_numpy(b)
    if not use_broadcast:
        checkShapes(a, b)
    return bool(np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan))


def _find_max_violation(a: Any, b: Any, rtol: float, atol: float) -> tuple[tuple, float]:
    absdiff = np.where(np.equal(a, b), 0, np.abs(a - b))  # equal infinities do not violate
    violation = absdiff / (atol + rtol * np.abs(b) + 1e-20)
    return np.unravel_index(np.argmax(violation), violation.shape), np.max(violation)


def locationError(  # noqa: N802 - MXNet's name
    a: Any,
    b: Any,
    index: tuple,
    names: tuple,
    maxError: bool = False,  # noqa: N803
) -> str:
    maximum = "maximum " if maxError else ""
    return (
        f"Location of {maximum}error: {index}, {names[0]}={a[index]:.8f}, {names[1]}={b[index]:.8f}"
    )


def _mismatch_report(
    a: Any, b: Any, rtol: float, atol: float, names: tuple, equal_nan: bool, mismatches: tuple
) -> str:
    """MXNet's message: prints the largest violations, returns the error line."""
    index, rel = _find_max_violation(a, b, rtol, atol)
    if index == ():
        return f"Error {rel:f} exceeds tolerance rtol={rtol:e}, atol={atol:e}.\n"
    first_index, first_rel = index, rel
    print(f"\n*** Maximum errors for vector of size {a.size}:  rtol={rtol}, atol={atol}\n")
    a_tmp, b_tmp = a.copy(), b.copy()
    i = 1
    while i <= a.size:
        if i <= mismatches[0]:
            print(f"{i:3d}: Error {rel:f}  {locationError(a, b, index, names)}")
        a_tmp[index] = b_tmp[index] = 0
        if almost_equal(a_tmp, b_tmp, rtol, atol, equal_nan=equal_nan):
            break
        i += 1
        if i <= mismatches[1] or mismatches[1] <= 0:
            index, rel = _find_max_violation(a_tmp, b_tmp, rtol, atol)
        else:
            break
    degree = "at least " if mismatches[1] > 0 and i > mismatches[1] else ""
    return (
        f"Error {first_rel:f} exceeds tolerance rtol={rtol:e}, atol={atol:e} "
        f"(mismatch {degree}{100 * i / a.size:f}%).\n"
        + locationError(a, b, first_index, names, maxError=True)
    )


def _raise_mismatch(a: Any, b: Any, err_msg: str) -> None:
    # MXNet sets these print options globally before formatting; scoped here, same text.
    with np.printoptions(threshold=4, suppress=True):
        msg = npt.build_err_msg([a, b], err_msg=err_msg)
    raise AssertionError(msg)


def assert_almost_equal(
    a: Any,
    b: Any,
    rtol: Any = None,
    atol: Any = None,
    names: tuple = ("a", "b"),
    equal_nan: bool = False,
    use_broadcast: bool = True,
    mismatches: tuple = (10, 10),
) -> None:
    """Raise ``AssertionError`` (MXNet's text) unless ``a`` and ``b`` are close.

    ``rtol``/``atol``: a number, a dict ``dtype -> float`` or None (MXNet's per-dtype defaults,
    the larger of the two operands').
    """
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    _check_legacy_shapes(a, b)
    a, b = _as_numpy(a), _as_numpy(b)
    if (
        getattr(a, "dtype", None) == np.bool_
        and getattr(b, "dtype", None) == np.bool_
        and isinstance(a, np.ndarray)
        and isinstance(b, np.ndarray)
    ):
        np.testing.assert_equal(a, b)
        return
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    report = _mismatch_report(
        np.asarray(a), np.asarray(b), rtol, atol, names, equal_nan, mismatches
    )
    _raise_mismatch(a, b, report)


def _check_legacy_shapes(a: Any, b: Any) -> None:
    """Two legacy ``nd`` arrays of one dtype and device are compared by MXNet's ``allclose``
    operator, which does not broadcast: different shapes raise its error."""
    legacy = [isinstance(t, torch.Tensor) and not isinstance(t, mx.np.ndarray) for t in (a, b)]
    if all(legacy) and a.dtype == b.dtype and a.device == b.device and a.shape != b.shape:
        shapes = "\n".join(str(list(t.shape)).replace(" ", "") for t in (a, b))
        raise MXNetError(
            f"Operator _contrib_allclose inferring shapes failed.\ninput shapes:\n{shapes}\n"
            "Hint: arrays of one shape, or numpy arrays (which broadcast), are compared."
        )


def assert_allclose(
    a: Any, b: Any, rtol: float = 1e-07, atol: float = 0, equal_nan: bool = True
) -> None:
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_with_err(
    a: Any,
    b: Any,
    rtol: Any = None,
    atol: Any = None,
    etol: float | None = None,
    names: tuple = ("a", "b"),
    equal_nan: bool = False,
    mismatches: tuple = (10, 10),
) -> None:
    """Like :func:`assert_almost_equal`, but a fraction ``etol`` of the elements may differ."""
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = np.asarray(_as_numpy(a)), np.asarray(_as_numpy(b))
    equals = np.isclose(a, b, rtol=rtol, atol=atol)
    if 1 - np.count_nonzero(equals) / equals.size > etol:
        _raise_mismatch(a, b, _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches))


def assert_almost_equal_ignore_nan(
    a: Any, b: Any, rtol: Any = None, atol: Any = None, names: tuple = ("a", "b")
) -> None:
    """:func:`assert_almost_equal` with positions holding NaN in either array left out."""
    a, b = np.copy(_as_numpy(a)), np.copy(_as_numpy(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_exception(f: Callable, exception_type: Any, *args: Any, **kwargs: Any) -> None:
    """Assert that ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError


def compare_ndarray_tuple(t1: Any, t2: Any, rtol: Any = None, atol: Any = None) -> None:
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2, strict=False):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def same_array(array1: torch.Tensor, array2: torch.Tensor) -> bool:
    """True when the two arrays share memory (a write to one shows in the other)."""
    with torch.no_grad():
        array1 += 1
        shared = same(array1, array2)
        array1 -= 1
    return shared and same(array1, array2)


def collapse_sum_like(a: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``a`` over the axes broadcasting added to ``shape`` (a gradient's reduction)."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    ndim_diff = len(a.shape) - len(shape)
    axes = list(range(ndim_diff))
    for i, s in enumerate(shape):
        if s != a.shape[i + ndim_diff]:
            assert s == 1
            axes.append(i + ndim_diff)
    return np.sum(a, axis=tuple(axes)).reshape(shape)
