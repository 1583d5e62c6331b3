"""``mxnet.gluon.contrib.nn`` layers (1.9.1): ``Concurrent``, ``HybridConcurrent``, ``Identity``,
``SyncBatchNorm`` (plain ``BatchNorm`` on one process), ``PixelShuffle1D/2D/3D``.
``SparseEmbedding`` (row_sparse weights) is not supported on the torch backend."""

from __future__ import annotations

import warnings
from typing import Any

from .... import nd
from ....context import num_gpus
from ..._sequential import HybridSequential, Sequential
from ...block import Block, HybridBlock
from ...nn.basic_layers import BatchNorm

__all__ = [
    "Concurrent",
    "HybridConcurrent",
    "Identity",
    "PixelShuffle1D",
    "PixelShuffle2D",
    "PixelShuffle3D",
    "SparseEmbedding",
    "SyncBatchNorm",
]


class Concurrent(Sequential):
    """Runs every child on the same input and concatenates their outputs along ``axis``."""

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """``Concurrent`` for HybridBlocks."""

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Passes the input through (for residual branches in ``HybridConcurrent``)."""

    def __init__(self, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return x


class SparseEmbedding(Block):
    """Not supported on the torch backend (row_sparse weights and gradients)."""

    def __init__(self, input_dim: int, output_dim: int, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "gluon.contrib.nn.SparseEmbedding (row_sparse weights) is not supported on the torch "
            "backend. Hint: use gluon.nn.Embedding(input_dim, output_dim); the values are the "
            "same."
        )


class SyncBatchNorm(BatchNorm):
    """Cross-device synchronised BatchNorm; on one process (the torch backend) it is
    ``BatchNorm`` over axis 1, with SyncBatchNorm's parameters and repr."""

    def __init__(
        self,
        in_channels: int = 0,
        num_devices: int | None = None,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            axis=1,
            momentum=momentum,
            epsilon=epsilon,
            center=center,
            scale=scale,
            use_global_stats=use_global_stats,
            beta_initializer=beta_initializer,
            gamma_initializer=gamma_initializer,
            running_mean_initializer=running_mean_initializer,
            running_variance_initializer=running_variance_initializer,
            in_channels=in_channels,
            **kwargs,
        )
        num_devices = self._get_num_devices() if num_devices is None else num_devices
        self._kwargs = {
            "eps": epsilon,
            "momentum": momentum,
            "fix_gamma": not scale,
            "use_global_stats": use_global_stats,
            "ndev": num_devices,
            "key": self.prefix,
        }

    def _get_num_devices(self) -> int:
        warnings.warn(
            "Caution using SyncBatchNorm: if not using all the GPUs, please mannually set "
            "num_devices",
            UserWarning,
            stacklevel=3,
        )
        return max(num_gpus(), 1)

    def infer_shape(self, x: Any, *args: Any) -> None:
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            p.shape = (x.shape[1],)

    def hybrid_forward(  # noqa: PLR0913
        self,
        F: Any,  # noqa: N803
        x: Any,
        gamma: Any,
        beta: Any,
        running_mean: Any,
        running_var: Any,
    ) -> Any:
        k = self._kwargs
        return F.BatchNorm(
            x,
            gamma,
            beta,
            running_mean,
            running_var,
            eps=k["eps"],
            momentum=k["momentum"],
            fix_gamma=k["fix_gamma"],
            use_global_stats=k["use_global_stats"],
        )


def _factors(factor: Any, n: int) -> tuple[int, ...]:
    try:
        return (int(factor),) * n
    except TypeError:
        factors = tuple(int(f) for f in factor)
        assert len(factors) == n, f"wrong length {len(factors)}"
        return factors


def _pixel_shuffle(x: Any, factors: tuple[int, ...]) -> Any:
    # (N, C*f1*...*fn, S1..Sn) -> (N, C, f1..fn, S1..Sn) -> (N, C, S1, f1, ..., Sn, fn)
    n = len(factors)
    batch, spatial = x.shape[0], tuple(x.shape[2:])
    x = x.reshape(batch, -1, *factors, *spatial)
    order = [0, 1]
    for i in range(n):
        order += [2 + n + i, 2 + i]
    x = x.permute(*order)
    return x.reshape(batch, x.shape[1], *(s * f for s, f in zip(spatial, factors)))


class PixelShuffle1D(HybridBlock):
    """``(N, f*C, W)`` to ``(N, C, W*f)``: groups of channels become neighbouring pixels."""

    def __init__(self, factor: Any) -> None:
        super().__init__()
        self._factor = int(factor)

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return _pixel_shuffle(x, (self._factor,))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factor})"


class PixelShuffle2D(HybridBlock):
    """``(N, f1*f2*C, H, W)`` to ``(N, C, H*f1, W*f2)``."""

    def __init__(self, factor: Any) -> None:
        super().__init__()
        self._factors = _factors(factor, 2)

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return _pixel_shuffle(x, self._factors)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factors})"


class PixelShuffle3D(HybridBlock):
    """``(N, f1*f2*f3*C, D, H, W)`` to ``(N, C, D*f1, H*f2, W*f3)``."""

    def __init__(self, factor: Any) -> None:
        super().__init__()
        self._factors = _factors(factor, 3)

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return _pixel_shuffle(x, self._factors)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._factors})"
