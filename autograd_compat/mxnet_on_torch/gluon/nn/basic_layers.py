"""``mxnet.gluon.nn`` basic layers (1.9.1): ``Dense``, ``Dropout``, ``BatchNorm``,
``BatchNormReLU``, ``Embedding``, ``Flatten``, ``InstanceNorm``, ``LayerNorm``, ``GroupNorm``,
``Lambda``, ``HybridLambda``, with MXNet's parameter names, defaults and reprs.

Each layer calls the legacy operator MXNet's layer calls (``F.FullyConnected``, ``F.BatchNorm``,
...; see :mod:`..nn_ops`), and fills the unknown dims of its deferred parameters from the first
input in ``infer_shape``.
"""

from __future__ import annotations

from typing import Any

import numpy
import torch
from torch.nn.functional import linear as _linear

from ... import nd
from ...context import context_of
from ...nd_ndarray import NDArray
from ...ndarray import ndarray as _np_ndarray
from ...npx import is_np_array
from ..block import Block, HybridBlock
from .activations import Activation

__all__ = [
    "BatchNorm",
    "BatchNormReLU",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GroupNorm",
    "HybridLambda",
    "InstanceNorm",
    "LayerNorm",
    "Lambda",
]


def _kwargs_repr(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


class Dense(HybridBlock):
    """A densely-connected layer: ``activation(dot(x, weight.T) + bias)``.

    ``flatten=True`` flattens all input axes but the first; ``flatten=False`` applies the layer to
    the last axis. ``in_units=0`` defers the weight's shape to the first call.
    """

    def __init__(
        self,
        units: int,
        activation: str | None = None,
        use_bias: bool = True,
        flatten: bool = True,
        dtype: Any = "float32",
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_units: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get(
                "weight",
                shape=(units, in_units),
                init=weight_initializer,
                dtype=dtype,
                allow_deferred_init=True,
            )
            if use_bias:
                self.bias = self.params.get(
                    "bias",
                    shape=(units,),
                    init=bias_initializer,
                    dtype=dtype,
                    allow_deferred_init=True,
                )
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation else None

    def infer_shape(self, x: Any, *args: Any) -> None:
        in_units = int(numpy.prod(x.shape[1:])) if self._flatten else x.shape[-1]
        self.weight.shape = (self._units, in_units)

    def forward(self, x: Any, *args: Any) -> Any:
        """``HybridBlock.forward``, with a short path for the common call: one legacy
        ``NDArray`` on the one context the parameters live on (a layer runs once per step, and
        at a step's sizes the general path's Python costs as much as a small kernel)."""
        w = self.weight._data
        b = None if self.bias is None else self.bias._data
        if (
            args
            or type(x) is not NDArray
            or type(self).hybrid_forward is not Dense.hybrid_forward  # a subclass's own
            or w is None
            or len(w) != 1
            or (b is not None and len(b) != 1)
            or self._active
            or x.is_meta
            or is_np_array()
        ):
            return HybridBlock.forward(self, x, *args)
        ctx = self.weight._ctx_list[0]
        if ctx is not (x.__dict__.get("_mx_ctx") or context_of(x)) or type(w[0]) is _np_ndarray:
            return HybridBlock.forward(self, x, *args)
        if b is not None and (self.bias._ctx_list[0] is not ctx or type(b[0]) is _np_ndarray):
            return HybridBlock.forward(self, x, *args)
        out = _dense_fast(x, w[0], None if b is None else b[0], self._units, self._flatten)
        if out is None:
            return HybridBlock.forward(self, x, *args)
        return self.act(out) if self.act is not None else out

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:  # noqa: N803
        if F is nd and type(x) is NDArray and not is_np_array():
            act = _dense_fast(x, weight, bias, self._units, self._flatten)
            if act is not None:
                return self.act(act) if self.act is not None else act
        act = F.FullyConnected(
            x,
            weight,
            bias,
            no_bias=bias is None,
            num_hidden=self._units,
            flatten=self._flatten,
        )
        return self.act(act) if self.act is not None else act

    def __repr__(self) -> str:
        shape = self.weight.shape
        layout = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        return f"{self.__class__.__name__}({layout}, {self.act if self.act else 'linear'})"


_dim, _shape = torch._C.TensorBase.dim, torch._C.TensorBase.shape.__get__


def _dense_fast(x: NDArray, weight: Any, bias: Any, units: int, flatten: bool) -> Any:
    """``nd.FullyConnected``'s result for the common case (an input that needs no flattening and
    fits the weight), computed by the same ``F.linear`` without the operator wrappers and the
    plain-tensor view (a graph node) they add; None otherwise (the wrapped operator then runs
    and raises its errors)."""
    if flatten and _dim(x) != 2:
        return None
    if type(weight) is NDArray or type(bias) is NDArray:
        return None  # parameters are handed out torch-typed; anything else takes the full path
    wshape = _shape(weight)
    if len(wshape) != 2 or wshape[0] != units or wshape[1] != _shape(x)[-1]:
        return None
    try:
        r = _linear(x, weight, bias)  # NDArray has no __torch_function__: a plain tensor back
    except RuntimeError:
        return None  # dtype or device mismatch: the operator's path raises MXNet's error
    r.__class__ = NDArray
    ctx = x.__dict__.get("_mx_ctx")
    if ctx is not None:
        r._mx_ctx = ctx
    return r


class Dropout(HybridBlock):
    """Dropout with probability ``rate`` in training mode; ``axes`` share the mask."""

    def __init__(self, rate: float, axes: Any = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, cudnn_off=False)
        return F.identity(x)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p = {self._rate}, axes={self._axes})"


class _BatchNorm(HybridBlock):
    """BatchNorm's implementation (``fuse_relu`` adds a ReLU)."""

    def __init__(
        self,
        axis: int = 1,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        fuse_relu: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._kwargs = {
            "axis": axis,
            "eps": epsilon,
            "momentum": momentum,
            "fix_gamma": not scale,
            "use_global_stats": use_global_stats,
        }
        self.fuse_relu = fuse_relu
        if in_channels != 0:
            self.in_channels = in_channels
        shape = (in_channels,)
        self.gamma = self.params.get(
            "gamma",
            grad_req="write" if scale else "null",
            shape=shape,
            init=gamma_initializer,
            allow_deferred_init=True,
            differentiable=scale,
        )
        self.beta = self.params.get(
            "beta",
            grad_req="write" if center else "null",
            shape=shape,
            init=beta_initializer,
            allow_deferred_init=True,
            differentiable=center,
        )
        self.running_mean = self.params.get(
            "running_mean",
            grad_req="null",
            shape=shape,
            init=running_mean_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )
        self.running_var = self.params.get(
            "running_var",
            grad_req="null",
            shape=shape,
            init=running_variance_initializer,
            allow_deferred_init=True,
            differentiable=False,
        )

    def cast(self, dtype: Any) -> None:
        if numpy.dtype(dtype).name == "float16":
            dtype = "float32"  # MXNet keeps BatchNorm in float32
        super().cast(dtype)

    def infer_shape(self, x: Any, *args: Any) -> None:
        channels = x.shape[self._kwargs["axis"]]
        for p in (self.gamma, self.beta, self.running_mean, self.running_var):
            p.shape = (channels,)

    def hybrid_forward(  # noqa: PLR0913
        self,
        F: Any,  # noqa: N803
        x: Any,
        gamma: Any,
        beta: Any,
        running_mean: Any,
        running_var: Any,
    ) -> Any:
        out = F.BatchNorm(x, gamma, beta, running_mean, running_var, **self._kwargs)
        return F.relu(out) if self.fuse_relu else out

    def __repr__(self) -> str:
        in_channels = self.gamma.shape[0]
        return (
            f"{self.__class__.__name__}({_kwargs_repr(self._kwargs)}, "
            f"in_channels={in_channels if in_channels else None})"
        )


def _public_batchnorm(block: _BatchNorm, fuse_relu: bool, args: dict) -> None:
    """The body ``BatchNorm`` and ``BatchNormReLU`` share; ``args`` is the constructor's
    ``locals()``, so each class keeps MXNet's exact signature and defaults."""
    args = dict(args)
    del args["self"]
    kwargs = args.pop("kwargs")
    _BatchNorm.__init__(block, fuse_relu=fuse_relu, **args, **kwargs)


class BatchNorm(_BatchNorm):
    """Batch normalisation (Ioffe and Szegedy, 2014) over every axis but ``axis``.

    In training mode the batch statistics are used, and ``running_mean``/``running_var`` are
    updated (momentum ``momentum``, biased variance) when backward runs through the layer, as
    MXNet does; in predict mode (and with ``use_global_stats``) the running statistics are used.
    """

    def __init__(
        self,
        axis: int = 1,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_batchnorm(self, False, locals())


class BatchNormReLU(_BatchNorm):
    """``BatchNorm`` followed by a ReLU (MXNet's fused ``BatchNormWithReLU``)."""

    def __init__(
        self,
        axis: int = 1,
        momentum: float = 0.9,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        use_global_stats: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        running_mean_initializer: Any = "zeros",
        running_variance_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_batchnorm(self, True, locals())


class Embedding(HybridBlock):
    """Maps integer indices to dense vectors: ``weight`` has shape ``(input_dim, output_dim)``.
    ``sparse_grad=True`` (row_sparse gradients) is not supported on the torch backend."""

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        dtype: Any = "float32",
        weight_initializer: Any = None,
        sparse_grad: bool = False,
        **kwargs: Any,
    ) -> None:
        if sparse_grad:
            raise NotImplementedError(
                "gluon.nn.Embedding(sparse_grad=True) (row_sparse gradients) is not supported on "
                "the torch backend. Hint: use sparse_grad=False; the dense gradient has the same "
                "values."
            )
        super().__init__(**kwargs)
        self._kwargs = {
            "input_dim": input_dim,
            "output_dim": output_dim,
            "dtype": dtype,
            "sparse_grad": sparse_grad,
        }
        self.weight = self.params.get(
            "weight",
            shape=(input_dim, output_dim),
            init=weight_initializer,
            dtype=dtype,
            allow_deferred_init=True,
        )

    def hybrid_forward(self, F: Any, x: Any, weight: Any) -> Any:  # noqa: N803
        return F.Embedding(x, weight, **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return f"{self.__class__.__name__}({k['input_dim']} -> {k['output_dim']}, {k['dtype']})"


class Flatten(HybridBlock):
    """Flattens the input to two dimensions, ``(N, x1 * x2 * ...)``."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.flatten(x)

    def __repr__(self) -> str:
        return self.__class__.__name__


def _gamma_beta(  # noqa: PLR0913
    block: HybridBlock, size: int, center: bool, scale: bool, gamma_init: Any, beta_init: Any
) -> None:
    """``gamma`` then ``beta`` of shape ``(size,)`` (InstanceNorm, LayerNorm, GroupNorm); a
    parameter that is off (``scale``/``center`` False) is not trained (``grad_req='null'``)."""
    block.gamma = block.params.get(
        "gamma",
        grad_req="write" if scale else "null",
        shape=(size,),
        init=gamma_init,
        allow_deferred_init=True,
    )
    block.beta = block.params.get(
        "beta",
        grad_req="write" if center else "null",
        shape=(size,),
        init=beta_init,
        allow_deferred_init=True,
    )


class InstanceNorm(HybridBlock):
    """Instance normalisation: each sample and channel (``axis``) over the remaining axes."""

    def __init__(
        self,
        axis: int = 1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        _gamma_beta(self, in_channels, center, scale, gamma_initializer, beta_initializer)

    def infer_shape(self, x: Any, *args: Any) -> None:
        self.gamma.shape = self.beta.shape = (x.shape[self._axis],)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:  # noqa: N803
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, eps=self._epsilon)
        x = x.swapaxes(1, self._axis)
        return F.InstanceNorm(x, gamma, beta, eps=self._epsilon).swapaxes(1, self._axis)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({_kwargs_repr(self._kwargs)}, "
            f"in_channels={self.gamma.shape[0]})"
        )


class LayerNorm(HybridBlock):
    """Layer normalisation over ``axis`` (default the last), scaled by ``gamma``, shifted by
    ``beta``."""

    def __init__(
        self,
        axis: int = -1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        in_channels: int = 0,
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        _gamma_beta(self, in_channels, center, scale, gamma_initializer, beta_initializer)

    def infer_shape(self, x: Any, *args: Any) -> None:
        self.gamma.shape = self.beta.shape = (x.shape[self._axis],)

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:  # noqa: N803
        return F.LayerNorm(data, gamma=gamma, beta=beta, axis=self._axis, eps=self._epsilon)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}({_kwargs_repr(self._kwargs)}, "
            f"in_channels={self.gamma.shape[0]})"
        )


class GroupNorm(HybridBlock):
    """Group normalisation: axis 1 split into ``num_groups`` groups; as in MXNet 1.9.1,
    ``gamma`` and ``beta`` have one value per group."""

    def __init__(
        self,
        num_groups: int = 1,
        epsilon: float = 1e-5,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {
            "eps": epsilon,
            "num_groups": num_groups,
            "center": center,
            "scale": scale,
        }
        self._num_groups = num_groups
        self._epsilon = epsilon
        self._center = center
        self._scale = scale
        _gamma_beta(self, num_groups, center, scale, gamma_initializer, beta_initializer)

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:  # noqa: N803
        return F.GroupNorm(
            data, gamma=gamma, beta=beta, num_groups=self._num_groups, eps=self._epsilon
        )

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({_kwargs_repr(self._kwargs)})"


class Lambda(Block):
    """Wraps a function (or the name of an ``nd`` function) as a Block: ``forward(*args)``."""

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(nd, function), f"Function name {function} is not found in ndarray."
            self._func_impl = getattr(nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(
                f"Unrecognized function in lambda: {function} of type {type(function)}"
            )

    def forward(self, *args: Any) -> Any:
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._func_impl.__name__})"


class HybridLambda(HybridBlock):
    """Wraps ``function(F, x, *args)`` (or the name of an ``nd`` function) as a HybridBlock."""

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            assert hasattr(nd, function), (
                f"Function name {function} is not found in symbol/ndarray."
            )
            self._func = lambda F, *args: getattr(F, function)(*args)  # noqa: N803
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError(
                f"Unrecognized function in lambda: {function} of type {type(function)}"
            )

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:  # noqa: N803
        return self._func(F, x, *args)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._func_name})"
