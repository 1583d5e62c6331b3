"""``mxnet.test_utils`` on torch, part 2: random data and the checks of random generators.

Drawn from ``numpy.random`` exactly as MXNet's helpers do, so a seeded program gets the same shapes
and values. Every public name here is re-exported by :mod:`.test_utils`, where users find it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.random as rnd
import torch

from . import nd
from .test_utils_compare import _as_numpy, default_context, default_dtype

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
