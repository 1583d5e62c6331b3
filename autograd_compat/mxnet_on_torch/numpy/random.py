"""``mxnet.np.random`` on torch, drawing from torch's global generator.

``seed(s)`` (like ``mx.random.seed``) seeds torch's generator. The streams differ from real
MXNet's: one seed gives other numbers on the two backends, so a side-by-side comparison must make
its random data once (with numpy, say) and feed it to both.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import numpy as onp
import torch

from .._unsupported import module_getattr
from ..base import raise_mxnet_errors
from ..context import as_device
from ..dtypes import to_dtype
from ..ndarray import ndarray, wrap
from . import _a_checks as _checks

__all__ = [
    "choice",
    "normal",
    "permutation",
    "rand",
    "randint",
    "randn",
    "seed",
    "shuffle",
    "uniform",
]


def seed(seed: int, ctx: Any = "all") -> None:  # noqa: A002 - MXNet's parameter name
    """Seed the generator (torch's global one)."""
    torch.manual_seed(int(seed))


def _shape(size: Any) -> tuple[int, ...]:
    if size is None:
        return ()
    return (int(size),) if isinstance(size, int | onp.integer) else tuple(size)


def _dev(ctx: Any) -> torch.device | None:
    return None if ctx is None else as_device(ctx)


def _sample(
    a: Any, b: Any, size: Any, dtype: Any, ctx: Any, fill: str, draw: Any, combine: Any
) -> ndarray:
    # Scalar parameters: torch's in-place sampler. Array parameters (broadcast with ``size``): a
    # standard sample drawn by ``draw`` and moved by ``combine(sample, a, b)``.
    dt = to_dtype(dtype)
    if not (isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor)):
        return wrap(getattr(torch.empty(_shape(size), dtype=dt, device=_dev(ctx)), fill)(a, b))
    if size is not None:
        shape = _shape(size)
    else:
        shape = torch.broadcast_shapes(getattr(a, "shape", ()), getattr(b, "shape", ()))
    a, b = (v.to(dt) if isinstance(v, torch.Tensor) else v for v in (a, b))
    return wrap(combine(draw(shape, dtype=dt, device=_dev(ctx)), a, b))


def normal(
    loc: Any = 0.0,
    scale: Any = 1.0,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    """Samples of N(loc, scale²); ``loc``/``scale`` may be arrays (broadcast with ``size``)."""
    return _sample(loc, scale, size, dtype, ctx, "normal_", torch.randn, lambda z, m, s: z * s + m)


def uniform(
    low: Any = 0.0,
    high: Any = 1.0,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    """Samples of U[low, high); ``low``/``high`` may be arrays (broadcast with ``size``)."""
    r = _sample(
        low, high, size, dtype, ctx, "uniform_", torch.rand, lambda u, lo, hi: lo + u * (hi - lo)
    )
    return _zero_grad(r.detach(), (low, high))  # MXNet gives zero gradients to low and high


def randn(*size: int, **kwargs: Any) -> ndarray:
    """Standard normal samples of shape ``size``."""
    return normal(0.0, 1.0, size=size, **kwargs)


def rand(*size: int, **kwargs: Any) -> ndarray:
    """U[0, 1) samples of shape ``size``."""
    return uniform(0.0, 1.0, size=size, **kwargs)


def randint(
    low: int,
    high: int | None = None,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    """Integers in [low, high) (or [0, low)), int64 by default."""
    if high is None:
        low, high = 0, low
    return wrap(
        torch.randint(
            int(low), int(high), _shape(size), dtype=to_dtype(dtype, torch.int64), device=_dev(ctx)
        )
    )


def shuffle(x: torch.Tensor) -> None:
    """Shuffle ``x`` in place along its first axis."""
    with torch.no_grad():
        x[...] = x[torch.randperm(x.shape[0], device=x.device)]


def permutation(x: Any) -> ndarray:
    if isinstance(x, int | onp.integer):
        return wrap(torch.randperm(int(x)))
    return wrap(x[torch.randperm(x.shape[0], device=x.device)].detach().clone())


def choice(
    a: Any, size: Any = None, replace: bool = True, p: Any = None, ctx: Any = None, out: Any = None
) -> ndarray:
    n = int(a) if isinstance(a, int | onp.integer) else a.shape[0]
    shape = _shape(size)
    k = int(onp.prod(shape)) if shape else 1
    if p is None:
        idx = torch.randint(0, n, (k,)) if replace else torch.randperm(n)[:k]
    else:
        w = p if isinstance(p, torch.Tensor) else torch.as_tensor(onp.asarray(p))
        idx = torch.multinomial(w.double(), k, replacement=replace)
    idx = idx.reshape(shape)
    return wrap(idx if isinstance(a, int | onp.integer) else a[idx].detach().clone())


# ---------------------------------------------------------------------------------------------
# Other distributions: torch.distributions samplers, parameters broadcast with ``size``
# ---------------------------------------------------------------------------------------------


def _params(values: Any, size: Any, dtype: Any, ctx: Any) -> tuple[list[torch.Tensor], Any]:
    """The parameters as plain tensors broadcast to the sample shape, out of the graph."""
    dt = to_dtype(dtype)
    dev = _dev(ctx)
    ts = [
        _detached(v).to(device=dev, dtype=dt)
        if isinstance(v, torch.Tensor)
        else torch.tensor(v, dtype=dt, device=dev)
        for v in values
    ]
    shape = _shape(size) if size is not None else torch.broadcast_shapes(*(t.shape for t in ts))
    return [t.expand(shape) for t in ts], shape


def _detached(v: Any) -> Any:
    # A plain tensor: torch.distributions call torch methods (size(), ...) MXNet arrays override.
    if isinstance(v, torch.Tensor):
        return torch._C.TensorBase.detach(v)
    return torch.as_tensor(onp.asarray(v))


def _live(values: Any, size: Any, dtype: Any, ctx: Any) -> tuple[list[torch.Tensor], Any]:
    """Like :func:`_params` but array parameters stay in the graph: the reparameterised
    samplers (exponential, pareto, weibull, ...) differentiate through them as MXNet does."""
    dt = to_dtype(dtype)
    dev = _dev(ctx)
    ts = [
        v.as_subclass(torch.Tensor).to(device=dev, dtype=dt)  # plain, still in the graph
        if isinstance(v, torch.Tensor)
        else torch.tensor(v, dtype=dt, device=dev)
        for v in values
    ]
    shape = _shape(size) if size is not None else torch.broadcast_shapes(*(t.shape for t in ts))
    return [t.expand(shape) for t in ts], shape


class _ZeroGrad(torch.autograd.Function):
    """Passes a sample through and gives its parameters zero gradients."""

    @staticmethod
    def forward(ctx: Any, sample: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        ctx.shapes = [(p.shape, p.dtype, p.device) for p in params]
        return sample.clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        zeros = [torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.shapes]
        return (None, *zeros)


def _zero_grad(sample: torch.Tensor, values: Any) -> ndarray:
    # MXNet's non-reparameterised samplers (uniform, gamma, beta, chisquare, power) are graph
    # nodes whose parameters get zero gradients; without the node, backward would raise.
    live = [
        v.as_subclass(torch.Tensor)
        for v in values
        if isinstance(v, torch.Tensor) and v.requires_grad
    ]
    if not live or not torch.is_grad_enabled():
        return wrap(sample)
    return wrap(_ZeroGrad.apply(torch._C.TensorBase.detach(sample), *live))


def _standard_exponential(shape: Any, like: torch.Tensor) -> torch.Tensor:
    return torch.empty(shape, dtype=like.dtype, device=like.device).exponential_()


def gamma(
    shape: Any,
    scale: Any = 1.0,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    """Gamma samples with shape ``shape`` (k) and ``scale`` (theta)."""
    _checks.positive(shape, "expect shape > 0")
    _checks.positive(scale, "expect scale > 0")
    (k, theta), _ = _params((shape, scale), size, dtype, ctx)
    # torch's gamma sampler has no float16 kernel: sample in float32, round to the dtype.
    k32 = k.float() if k.dtype == torch.float16 else k
    r = (torch.distributions.Gamma(k32, torch.ones_like(k32)).sample() * theta).to(k.dtype)
    return _zero_grad(r, (shape, scale))


def beta(a: Any, b: Any, size: Any = None, dtype: Any = None, ctx: Any = None) -> ndarray:
    (ta, tb), shape = _params((a, b), size, dtype, ctx)
    if ta.numel() == 0:  # torch's Beta cannot draw an empty sample
        return _zero_grad(torch.zeros(shape, dtype=ta.dtype, device=ta.device), (a, b))
    a32, b32 = (v.float() if v.dtype == torch.float16 else v for v in (ta, tb))  # no half kernel
    return _zero_grad(torch.distributions.Beta(a32, b32).sample().to(ta.dtype), (a, b))


def chisquare(df: Any, size: Any = None, dtype: Any = None, ctx: Any = None) -> ndarray:
    (k,), _ = _params((df,), size, dtype, ctx)
    k32 = k.float() if k.dtype == torch.float16 else k  # no float16 gamma kernel in torch
    return _zero_grad(torch.distributions.Chi2(k32).sample().to(k.dtype), (df,))


def lognormal(
    mean: Any = 0.0,
    sigma: Any = 1.0,
    size: Any = None,
    dtype: Any = None,
    ctx: Any = None,
    out: Any = None,
) -> ndarray:
    _checks.at_least_zero(sigma, "scale < 0")
    (m, s), shape = _live((mean, sigma), size, dtype, ctx)
    draw = m + s * torch.randn(shape, dtype=m.dtype, device=m.device)
    if out is not None:  # MXNet writes the normal draw into out and returns its exp, a new array
        out[...] = draw
        draw = out
    return wrap(torch.exp(draw))


def exponential(scale: Any = 1.0, size: Any = None, ctx: Any = None, out: Any = None) -> ndarray:
    _checks.at_least_zero(scale, "expect scale >= 0")
    (s,), shape = _live((scale,), size, None, ctx)
    return wrap(_standard_exponential(shape, s) * s)


def pareto(a: Any, size: Any = None, ctx: Any = None, out: Any = None) -> ndarray:
    """NumPy's Pareto II (Lomax) samples: ``exp(E / a) - 1`` with ``E`` standard exponential."""
    _checks.positive(a, "expect a > 0")
    (ta,), shape = _live((a,), size, None, ctx)
    return wrap(torch.expm1(_standard_exponential(shape, ta) / ta))


def rayleigh(scale: Any = 1.0, size: Any = None, ctx: Any = None, out: Any = None) -> ndarray:
    _checks.at_least_zero(scale, "expect scale >= 0")
    (s,), shape = _live((scale,), size, None, ctx)
    return wrap(torch.sqrt(2 * _standard_exponential(shape, s)) * s)


def weibull(a: Any, size: Any = None, ctx: Any = None, out: Any = None) -> ndarray:
    _checks.positive(a, "expect a > 0")
    (ta,), shape = _live((a,), size, None, ctx)
    return wrap(torch.pow(_standard_exponential(shape, ta), 1 / ta))


def gumbel(
    loc: Any = 0.0, scale: Any = 1.0, size: Any = None, ctx: Any = None, out: Any = None
) -> ndarray:
    """Gumbel samples: ``loc - scale * log(E)`` with ``E`` standard exponential."""
    (m, s), shape = _live((loc, scale), size, None, ctx)
    return wrap(m - s * torch.log(_standard_exponential(shape, m)))


def logistic(
    loc: Any = 0.0, scale: Any = 1.0, size: Any = None, ctx: Any = None, out: Any = None
) -> ndarray:
    """Logistic samples: ``loc + scale * logit(U)`` with ``U`` uniform on (0, 1)."""
    (m, s), shape = _live((loc, scale), size, None, ctx)
    u = torch.rand(shape, dtype=m.dtype, device=m.device)
    return wrap(m + s * torch.logit(u))


def power(a: Any, size: Any = None) -> ndarray:
    """Power-distribution samples on [0, 1] (density ``a * x**(a - 1)``): ``U ** (1 / a)``."""
    _checks.positive(a, "expect a > 0")
    (ta,), shape = _params((a,), size, None, None)
    return _zero_grad(torch.pow(torch.rand(shape, dtype=ta.dtype, device=ta.device), 1 / ta), (a,))


def multinomial(n: int, pvals: Any, size: Any = None, **kwargs: Any) -> ndarray:
    """Counts (int64) of ``n`` draws over ``len(pvals)`` outcomes, ``size`` times."""
    p = _detached(pvals).double()
    shape = _shape(size)
    if p.numel() == 0 or 0 in shape:  # nothing to draw: an empty array of the right shape
        return wrap(torch.zeros(shape + tuple(p.shape), dtype=torch.int64))
    dist = torch.distributions.Multinomial(int(n), probs=p)
    return wrap(dist.sample(shape).to(torch.int64))


def multivariate_normal(
    mean: Any, cov: Any, size: Any = None, check_valid: Any = None, tol: Any = None
) -> ndarray:
    m, c = _detached(mean), _detached(cov)
    dist = torch.distributions.MultivariateNormal(m.float(), covariance_matrix=c.float())
    return wrap(dist.sample(_shape(size)))


__all__ += [
    "beta",
    "chisquare",
    "exponential",
    "gamma",
    "gumbel",
    "logistic",
    "lognormal",
    "multinomial",
    "multivariate_normal",
    "pareto",
    "power",
    "rayleigh",
    "weibull",
]


def _writing_out(fn: Any) -> Any:
    # MXNet's samplers write into ``out`` (given by keyword or position) and return it.
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def sampler(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        out = bound.arguments.pop("out", None)
        r = fn(*bound.args, **bound.kwargs)
        if out is None:
            return r
        out[...] = r
        return out

    return sampler


for _n in (
    "normal",
    "uniform",
    "randint",
    "gamma",
    "exponential",
    "pareto",
    "rayleigh",
    "weibull",
    "gumbel",
    "logistic",
):
    globals()[_n] = _writing_out(globals()[_n])

# Misuse (negative sizes, bad shapes) raises MXNetError, as MXNet's samplers do.
raise_mxnet_errors(globals(), "np.random", [n for n in __all__ if n != "seed"])

__getattr__ = module_getattr("mxnet.np.random", default="torch.distributions or torch.{name}")


def __dir__() -> list[str]:
    # The samplers, as dir(mxnet.np.random) lists them; not this module's own imports.
    return sorted(__all__)
