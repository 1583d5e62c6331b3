"""``mxnet.gluon.nn`` activation layers (1.9.1): ``Activation``, ``LeakyReLU``, ``PReLU``,
``ELU``, ``SELU``, ``GELU``, ``Swish``, on the legacy operators of :mod:`..nn_ops`."""

from __future__ import annotations

from typing import Any

import torch

from ... import initializer, nd, ties
from ...nd_ndarray import NDArray
from ...npx import is_np_array
from ..block import HybridBlock

__all__ = ["ELU", "GELU", "SELU", "Activation", "LeakyReLU", "PReLU", "Swish"]


# nd.Activation's kernels (nn_ops) that call torch's functions only, never an array method.
_FAST = {"relu": ties.activation_relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}
_is_floating_point = torch._C.TensorBase.is_floating_point


def _as_nd(r: torch.Tensor, x: NDArray) -> NDArray:
    # What nd's operators return: the result re-typed in place, on the input's context.
    r.__class__ = NDArray
    ctx = x.__dict__.get("_mx_ctx")
    if ctx is not None:
        r._mx_ctx = ctx
    return r


class Activation(HybridBlock):
    """Applies ``nd.Activation(x, act_type=activation)``: ``relu``, ``sigmoid``, ``tanh``,
    ``softrelu`` or ``softsign``."""

    def __init__(self, activation: str, **kwargs: Any) -> None:
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def forward(self, x: Any, *args: Any) -> Any:
        """``HybridBlock.forward`` with a short path for one legacy ``NDArray`` (see
        ``hybrid_forward``), which a layer's activation gets on every call."""
        fn = _FAST.get(self._act_type)
        if (
            fn is None
            or args
            or type(x) is not NDArray
            or type(self).hybrid_forward is not Activation.hybrid_forward  # a subclass's own
            or self._active
            or x.is_meta
            or is_np_array()
            or not _is_floating_point(x)
        ):
            return HybridBlock.forward(self, x, *args)
        return _as_nd(fn(x), x)

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        fn = _FAST.get(self._act_type)
        if F is nd and fn is not None and type(x) is NDArray and not is_np_array():
            # nd.Activation's kernel on the NDArray itself (it has no __torch_function__): the
            # same values and graph, without the operator wrappers and their plain-tensor view.
            if _is_floating_point(x):
                return _as_nd(fn(x), x)
        return F.Activation(x, act_type=self._act_type)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._act_type})"


class LeakyReLU(HybridBlock):
    """``x`` for ``x >= 0``, ``alpha * x`` otherwise (``alpha >= 0``)."""

    def __init__(self, alpha: float, **kwargs: Any) -> None:
        assert alpha >= 0, "Slope coefficient for LeakyReLU must be no less than 0."
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.LeakyReLU(x, act_type="leaky", slope=self._alpha)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self._alpha})"


class PReLU(HybridBlock):
    """Leaky ReLU with a learned slope ``alpha`` (one, or one per channel of axis 1)."""

    def __init__(
        self,
        alpha_initializer: Any = initializer.Constant(0.25),  # noqa: B008 - MXNet's default
        in_channels: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=(in_channels,), init=alpha_initializer)

    def hybrid_forward(self, F: Any, x: Any, alpha: Any) -> Any:  # noqa: N803
        return F.LeakyReLU(x, gamma=alpha, act_type="prelu")


class ELU(HybridBlock):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.LeakyReLU(x, act_type="elu", slope=self._alpha)


class SELU(HybridBlock):
    """Scaled ELU (Klambauer et al., 2017)."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.LeakyReLU(x, act_type="selu")


class GELU(HybridBlock):
    """Gaussian error linear unit, ``x * Phi(x)`` (the erf form)."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.LeakyReLU(x, act_type="gelu")


class Swish(HybridBlock):
    """``x * sigmoid(beta * x)``."""

    def __init__(self, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return x * F.sigmoid(self._beta * x)
