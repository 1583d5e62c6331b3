"""``mxnet.test_utils`` on torch: MXNet 1.9.1's testing helpers, for MXNet test files run unchanged.

Comparisons (:func:`assert_almost_equal`, :func:`almost_equal`, :func:`same`) take numpy arrays,
the shim's tensors (``nd``) and ``np`` ndarrays, with MXNet's tolerance rules (per-dtype defaults,
the larger tolerance of the two operands) and MXNet's error text. Random helpers draw from
``numpy.random`` exactly as MXNet's do, so a seeded program gets the same shapes and values.

:func:`check_numeric_gradient` checks the imperative API only: pass a function of arrays instead
of a Symbol. The symbolic checkers (``check_symbolic_forward`` ...) raise ``NotImplementedError``.
"""

from __future__ import annotations

import numbers
import os
import platform
import sys
import time  # noqa: F401 - part of the module's namespace, as in MXNet (``from ... import *``)
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.random as rnd
import numpy.testing as npt
import torch

from .. import mxnet_on_torch as mx
from . import autograd, nd
from .base import MXNetError
from .context import Context, current_context
from .nd import array
from .np_state import is_np_array
from .runtime import Features
from .util import getenv, setenv, use_np  # noqa: F401 - re-exported, as MXNet's test_utils does

_NOT_SYMBOLIC = (
    "{name} checks a Symbol, and autograd_compat has no symbolic API (mx.sym). Hint: test the "
    "imperative code: run it under autograd.record() and compare with assert_almost_equal, or "
    "use check_numeric_gradient(f, location) with a function f of arrays."
)

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
# Random data (numpy.random, drawn in MXNet's order)
# ----------------------------------------------------------------------------------------------


def random_arrays(*shapes: Any) -> Any:
    """Standard-normal float32 numpy arrays of ``shapes`` (one array when one shape is given)."""
    arrays = [
        np.array(np.random.randn(), dtype=default_dtype())
        if len(s) == 0
        else np.random.randn(*s).astype(default_dtype())
        for s in shapes
    ]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes: Any, **kwargs: Any) -> list[np.ndarray]:
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError("Got unexpected argument/s : " + str(kwargs.keys()))
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population: list[Any], k: int) -> list[Any]:
    """``k`` elements of ``population`` in a random order."""
    assert 0 <= k <= len(population)
    population_copy = population[:]
    np.random.shuffle(population_copy)
    return population_copy[0:k]


def rand_ndarray(
    shape: Any,
    stype: str = "default",
    density: float | None = None,
    dtype: Any = None,
    modifier_func: Any = None,
    shuffle_csr_indices: bool = False,
    distribution: Any = None,
    ctx: Any = None,
) -> torch.Tensor:
    """A standard-normal ``nd`` array of ``shape``; sparse storage types are not emulated."""
    if stype != "default":
        raise NotImplementedError(
            f"rand_ndarray(stype={stype!r}): sparse storage is not emulated on the torch backend. "
            "Hint: use stype='default' (dense)."
        )
    return nd.array(random_arrays(shape), dtype=dtype, ctx=ctx or default_context())


def create_2d_tensor(rows: int, columns: int, dtype: Any = np.int64) -> torch.Tensor:
    return nd.broadcast_to(nd.arange(0, rows, dtype=dtype).reshape(rows, 1), shape=(rows, columns))


def create_vector(size: int, dtype: Any = np.int64) -> torch.Tensor:
    return nd.arange(0, size, dtype=dtype)


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False) -> tuple:
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1)


def rand_shape_3d(
    dim0: int = 10, dim1: int = 10, dim2: int = 10, allow_zero_size: bool = False
) -> tuple:
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1), rnd.randint(low, dim2 + 1)


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple:
    low = 0 if allow_zero_size else 1
    return tuple(rnd.randint(low, dim + 1, size=num_dim))


def rand_coord_2d(x_low: int, x_high: int, y_low: int, y_high: int) -> tuple:
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


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


# ----------------------------------------------------------------------------------------------
# Test control: retries, environment variables, stderr, capabilities
# ----------------------------------------------------------------------------------------------


def retry(n: int) -> Callable[[Callable], Callable]:
    """Decorator: run a stochastic test up to ``n`` times until it passes."""
    assert n > 0

    def decorate(f: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> None:
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise

        return wrapper

    return decorate


@contextmanager
def environment(*args: Any) -> Iterator[None]:
    """``with environment(name, value)`` or ``environment({name: value})``: set (None: unset)
    environment variables for the block, restoring them after."""
    if len(args) == 1 and isinstance(args[0], dict):
        env_vars = args[0]
    else:
        assert len(args) == 2, "Expecting one dict arg or two args: env var name and value"
        env_vars = {args[0]: args[1]}
    snapshot = {name: os.environ.get(name) for name in env_vars}

    def apply(values: dict[str, Any]) -> None:
        for name, value in values.items():
            setenv(name, value)

    apply(env_vars)
    try:
        yield
    finally:
        apply(snapshot)


@contextmanager
def discard_stderr() -> Iterator[None]:
    """Discard what the block writes to the stderr file descriptor."""
    with open(os.devnull, "w") as bit_bucket:
        try:
            fileno = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):  # not a real file (e.g. captured)
            yield
            return
        old = os.dup(fileno)
        try:
            os.dup2(bit_bucket.fileno(), fileno)
            yield
        finally:
            os.dup2(old, fileno)
            os.close(old)


def is_cd_run() -> bool:
    return os.environ.get("CD_JOB", 0) == "1"


def is_aarch64_run() -> bool:
    return platform.machine() == "aarch64"


def list_gpus() -> list[int]:
    """Indices of the GPUs torch sees."""
    return list(range(torch.cuda.device_count()))


def has_tvm_ops() -> bool:
    """False: the torch backend has no TVM-generated operators."""
    return Features().is_enabled("TVM_OP")


def is_op_runnable() -> bool:
    """True: every emulated operator runs on every device torch supports."""
    return True


# ----------------------------------------------------------------------------------------------
# Gradients by finite differences (imperative API)
# ----------------------------------------------------------------------------------------------


def _new_array(values: np.ndarray, dtype: Any, ctx: Any) -> torch.Tensor:
    if is_np_array():
        return mx.np.array(values, dtype=dtype, ctx=ctx)
    return nd.array(values, dtype=dtype, ctx=ctx)


def _projected(f: Callable, arrays: list[torch.Tensor], names: Any, proj: np.ndarray) -> Any:
    out = f(**dict(zip(names, arrays, strict=True))) if names else f(*arrays)
    if isinstance(out, list | tuple):
        if len(out) != 1:
            raise ValueError("check_numeric_gradient needs a function with one output")
        out = out[0]
    return out, out * torch.as_tensor(proj, dtype=out.dtype, device=out.device)


def check_numeric_gradient(
    sym: Callable,
    location: Any,
    aux_states: Any = None,
    numeric_eps: Any = None,
    rtol: Any = None,
    atol: Any = None,
    grad_nodes: Any = None,
    use_forward_train: bool = True,
    ctx: Any = None,
    grad_stype_dict: Any = None,
    dtype: Any = np.float32,  # default_dtype()
) -> None:
    """Compare autograd's gradient of ``sym`` with central finite differences.

    Imperative form: ``sym`` is a function of arrays (positional for a list ``location``,
    keyword for a dict) returning one array. As MXNet does, the output is multiplied by a fixed
    random projection and summed; ``grad_nodes`` (names or positions) selects the inputs checked.
    """
    if not callable(sym) or aux_states is not None or grad_stype_dict is not None:
        raise NotImplementedError(_NOT_SYMBOLIC.format(name="check_numeric_gradient"))
    assert dtype in (np.float16, np.float32, np.float64)
    ctx = ctx or default_context()
    names = list(location) if isinstance(location, dict) else None
    values = [
        np.asarray(_as_numpy(v), dtype=dtype) for v in (location.values() if names else location)
    ]
    keys = names or list(range(len(values)))
    if grad_nodes is None:
        grad_nodes = keys
    grad_nodes = list(grad_nodes)
    arrays = [_new_array(v, dtype, ctx) for v in values]
    for k, arr in zip(keys, arrays, strict=True):
        if k in grad_nodes:
            arr.attach_grad()
    with autograd.record(train_mode=use_forward_train):
        out, loss = _projected(sym, arrays, names, np.zeros(()))  # shape of the output first
    proj = np.random.rand(*out.shape) + 0.1
    with autograd.record(train_mode=use_forward_train):
        out, loss = _projected(sym, arrays, names, proj)
    loss.backward()
    eps = get_tolerance(out, numeric_eps, default_numeric_eps())
    if dtype in (np.float32, np.float16):
        assert eps >= 1e-5  # finite differences need a step float32 can resolve
    train = autograd.train_mode if use_forward_train else autograd.predict_mode
    for k, v, arr in zip(keys, values, arrays, strict=True):
        if k not in grad_nodes or v.dtype.kind != "f":
            continue
        numeric = np.zeros(v.shape, dtype=dtype)
        for i in range(v.size):
            sums = []
            for step in (eps / 2.0, -eps / 2.0):
                moved = [a.copy() for a in values]
                moved[keys.index(k)].ravel()[i] += step
                with train():
                    _, val = _projected(
                        sym, [_new_array(m, dtype, ctx) for m in moved], names, proj
                    )
                sums.append(_as_numpy(val).sum())
            numeric.ravel()[i] = (sums[0] - sums[1]) / eps
        assert_almost_equal(numeric, arr.grad, rtol, atol, (f"NUMERICAL_{k}", f"BACKWARD_{k}"))


def _symbolic_only(name: str) -> Callable[..., Any]:
    def check(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(_NOT_SYMBOLIC.format(name=name))

    check.__name__ = name
    return check


check_symbolic_forward = _symbolic_only("check_symbolic_forward")
check_symbolic_backward = _symbolic_only("check_symbolic_backward")
check_consistency = _symbolic_only("check_consistency")
check_speed = _symbolic_only("check_speed")
simple_forward = _symbolic_only("simple_forward")
numeric_grad = _symbolic_only("numeric_grad")
same_symbol_structure = _symbolic_only("same_symbol_structure")


# ----------------------------------------------------------------------------------------------
# Distributions (chi-square tests of random generators) and well-conditioned matrices
# ----------------------------------------------------------------------------------------------


def gen_buckets_probs_with_ppf(ppf: Callable, nbuckets: int) -> tuple[list, list]:
    """``nbuckets`` equal-probability buckets from the quantile function ``ppf``."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)]
    return buckets, probs


def chi_square_check(
    generator: Callable, buckets: list, probs: Any, nsamples: int = 1000000
) -> tuple[float, np.ndarray, np.ndarray]:
    """p-value of a chi-square test that ``generator(n)`` follows ``probs`` over ``buckets``
    (ranges for a continuous distribution, values for a discrete one). Needs scipy."""
    try:
        import scipy.stats as ss  # optional, as in MXNet: only this check needs it
    except ImportError:
        raise ImportError(
            "scipy is not available. Please check if the scipy python bindings are installed."
        ) from None
    assert isinstance(buckets, list)
    samples = _as_numpy(generator(nsamples))
    assert len(probs) == len(buckets)
    continuous = isinstance(buckets[0], list | tuple)
    expected_freq = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    obs_freq = np.zeros(shape=len(buckets), dtype=np.int64)
    if continuous:
        edges = np.zeros((len(buckets) * 2,), dtype=np.float32)
        for i, (low, high) in enumerate(buckets):
            assert low <= high
            if i < len(buckets) - 1:
                assert high <= buckets[i + 1][0]
            edges[2 * i], edges[2 * i + 1] = low, high
        ids = np.searchsorted(edges, samples, side="right") // 2
        for i in range(len(buckets)):
            obs_freq[i] = (ids == i).sum()
    else:
        samples = np.array(samples)
        for i, value in enumerate(buckets):
            obs_freq[i] = (samples == value).sum()
    _, p = ss.chisquare(f_obs=obs_freq, f_exp=expected_freq)
    return p, obs_freq, expected_freq


def verify_generator(
    generator: Callable,
    buckets: list,
    probs: Any,
    nsamples: int = 1000000,
    nrepeat: int = 5,
    success_rate: float = 0.2,
    alpha: float = 0.05,
) -> list[float]:
    """Repeat :func:`chi_square_check`; fail unless enough runs have p > ``alpha``."""
    results = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    p_values = [r[0] for r in results]
    if (np.array(p_values) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError(
            f"Generator test fails, Chi-square p={p_values}, "
            f"obs_freq={[r[1] for r in results]}, expected_freq={[r[2] for r in results]}."
            f"\nbuckets={buckets}, probs={probs}"
        )
    return p_values


def mean_check(generator: Callable, mu: float, sigma: float, nsamples: int = 1000000) -> bool:
    """True when the sample mean is within 3 standard errors of ``mu``."""
    sample_mean = np.mean(_as_numpy(generator(nsamples)))
    return bool(
        mu - 3 * sigma / np.sqrt(nsamples) < sample_mean < mu + 3 * sigma / np.sqrt(nsamples)
    )


def new_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    """A well-conditioned ``n x n`` matrix with small real eigenvalues."""
    while True:
        d = np.diag(np.random.uniform(-1.0, 1.0, n))
        v = np.random.uniform(-1.0, 1.0, n).reshape(n, 1)
        v = v / np.linalg.norm(v, axis=-2, keepdims=True)
        q = np.matmul(np.eye(n) - 2 * np.matmul(v, v.T), d)
        if np.linalg.cond(q, 2) < 3:
            break
    d = np.diag(np.random.uniform(-10.0, 10.0, n))
    return np.matmul(np.matmul(np.linalg.inv(q), d), q)


def new_matrix_with_real_eigvals_nd(shape: tuple) -> np.ndarray:
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]).reshape(shape)


def new_orthonormal_matrix_2d(n: int) -> np.ndarray:
    x = np.random.randn(n, n)
    return np.linalg.qr(np.matmul(x.T, x))[0]


def new_sym_matrix_with_real_eigvals_2d(n: int) -> np.ndarray:
    q = new_orthonormal_matrix_2d(n)
    return np.matmul(np.matmul(q.T, np.diag(np.random.uniform(-10.0, 10.0, n))), q)


def new_sym_matrix_with_real_eigvals_nd(shape: tuple) -> np.ndarray:
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    mats = [new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]
    return np.array(mats).reshape(shape)


# ----------------------------------------------------------------------------------------------
# Optimizers: one update from the same start, compared
# ----------------------------------------------------------------------------------------------


def compare_optimizer(
    opt1: Any,
    opt2: Any,
    shape: Any,
    dtype: Any,
    w_stype: str = "default",
    g_stype: str = "default",
    rtol: float = 1e-4,
    atol: float = 1e-5,
    compare_states: bool = True,
    ntensors: int = 1,
) -> None:
    """Apply one update of ``opt1`` and ``opt2`` to the same weights and compare the results."""
    if "default" not in (w_stype, g_stype) or w_stype != g_stype:
        raise NotImplementedError("compare_optimizer: sparse storage is not emulated")
    ctx = default_context()

    def uniform(s: Any) -> torch.Tensor:
        return mx.random.uniform(shape=s, ctx=ctx, dtype=dtype)

    if not isinstance(shape, list):
        assert ntensors == 1
        w2, g2 = uniform(shape), uniform(shape)
        w1, g1 = w2.copy(), g2.copy()
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    w1, g1 = [], []
    for s in shape:
        w1.append(uniform(s))
        g1.append(uniform(s))
    w2, g2 = tuple(w.copy() for w in w1), tuple(g.copy() for g in g1)
    state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


_ = (Context, array, time)  # module names MXNet's ``from mxnet.test_utils import *`` provides
