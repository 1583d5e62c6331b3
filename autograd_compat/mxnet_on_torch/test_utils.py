"""``mxnet.test_utils`` on torch: MXNet 1.9.1's testing helpers, for MXNet test files run unchanged.

Comparisons (:func:`assert_almost_equal`, :func:`almost_equal`, :func:`same`) take numpy arrays,
the shim's tensors (``nd``) and ``np`` ndarrays, with MXNet's tolerance rules (per-dtype defaults,
the larger tolerance of the two operands) and MXNet's error text. Random helpers draw from
``numpy.random`` exactly as MXNet's do, so a seeded program gets the same shapes and values.

:func:`check_numeric_gradient` checks the imperative API only: pass a function of arrays instead
of a Symbol. The symbolic checkers (``check_symbolic_forward`` ...) raise ``NotImplementedError``.

Where things live: contexts, tolerances and comparisons in :mod:`.test_utils_compare`; random
data and the checks of random generators in :mod:`.test_utils_random`; test control (retries,
environment, stderr), numeric gradients and optimizer comparison here. All are public here.
"""

from __future__ import annotations

# Module names MXNet's ``from mxnet.test_utils import *`` provides are kept in the namespace.
import numbers  # noqa: F401
import os
import platform
import sys
import time  # noqa: F401
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.random as rnd  # noqa: F401
import numpy.testing as npt  # noqa: F401
import torch

from .. import mxnet_on_torch as mx
from . import autograd, nd
from .base import MXNetError  # noqa: F401
from .context import Context, current_context  # noqa: F401
from .nd import array  # noqa: F401
from .np_state import is_np_array
from .runtime import Features
from .test_utils_compare import (  # noqa: F401 - the public face of mxnet.test_utils
    _as_numpy,
    almost_equal,
    assert_allclose,
    assert_almost_equal,
    assert_almost_equal_ignore_nan,
    assert_almost_equal_with_err,
    assert_exception,
    checkShapes,
    collapse_sum_like,
    compare_ndarray_tuple,
    default_atols,
    default_context,
    default_dtype,
    default_numeric_eps,
    default_rtols,
    effective_dtype,
    get_atol,
    get_etol,
    get_rtol,
    get_tolerance,
    get_tols,
    locationError,
    np_reduce,
    same,
    same_array,
    set_default_context,
)
from .test_utils_random import (  # noqa: F401 - the public face of mxnet.test_utils
    chi_square_check,
    create_2d_tensor,
    create_vector,
    gen_buckets_probs_with_ppf,
    mean_check,
    new_matrix_with_real_eigvals_2d,
    new_matrix_with_real_eigvals_nd,
    new_orthonormal_matrix_2d,
    new_sym_matrix_with_real_eigvals_2d,
    new_sym_matrix_with_real_eigvals_nd,
    rand_coord_2d,
    rand_ndarray,
    rand_shape_2d,
    rand_shape_3d,
    rand_shape_nd,
    random_arrays,
    random_sample,
    random_uniform_arrays,
    verify_generator,
)
from .util import getenv, setenv, use_np  # noqa: F401 - re-exported, as MXNet's test_utils does

_NOT_SYMBOLIC = (
    "{name} checks a Symbol, and autograd_compat has no symbolic API (mx.sym). Hint: test the "
    "imperative code: run it under autograd.record() and compare with assert_almost_equal, or "
    "use check_numeric_gradient(f, location) with a function f of arrays."
)

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
    # nd/np arrays report numpy dtypes; torch needs the tensor's own torch dtype.
    torch_dtype = torch._C.TensorBase.dtype.__get__(out)
    return out, out * torch.as_tensor(proj, dtype=torch_dtype, device=out.device)


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
