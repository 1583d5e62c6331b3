"""``mxnet.npx`` (MXNet's NumPy extensions, 1.9.1) on torch: activations, ``pick``, ``one_hot``,
``batch_dot``, contexts and the ``set_np`` switches.

``set_np()``/``reset_np()`` only record the flag: on the torch backend ``np`` arrays always behave
as MXNet's NumPy arrays and ``nd`` functions always return legacy-style tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812

from . import autograd as _ag
from . import serialization as _serialization
from . import ties
from ._unsupported import module_getattr
from .base import raise_mxnet_errors
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus
from .nd import to_dtype
from .ndarray import ndarray, wrap
from .np_state import is_np_array, is_np_shape, reset_np, set_np

__all__ = [
    "Context",
    "activation",
    "batch_dot",
    "batch_flatten",
    "cpu",
    "cpu_pinned",
    "current_context",
    "dropout",
    "gpu",
    "is_np_array",
    "is_np_shape",
    "leaky_relu",
    "load",
    "log_softmax",
    "num_gpus",
    "one_hot",
    "pick",
    "relu",
    "reset_np",
    "save",
    "set_np",
    "sigmoid",
    "softmax",
    "topk",
    "waitall",
]

# Save and load need NumPy semantics on, as in MXNet (the file records NumPy shapes).
_NEEDS_NP = (
    "Cannot {verb} `mxnet.numpy.ndarray` in legacy mode. Please activate numpy semantics by "
    "calling `npx.set_np()` in the global scope before calling this function."
)


def save(file: str, arr: Any) -> None:
    """Save an ndarray, or a list or dict of them, in MXNet's file format."""
    if not (is_np_shape() and is_np_array()):
        raise ValueError(_NEEDS_NP.format(verb="save"))
    _serialization.save(file, arr, np=True)


def load(file: str) -> Any:
    """Load what :func:`save` (or MXNet's ``npx.save``) wrote: an ndarray list or dict."""
    if not (is_np_shape() and is_np_array()):
        raise ValueError(_NEEDS_NP.format(verb="load"))
    return _serialization.load(file, np=True)


def waitall() -> None:
    """No-op: torch CPU ops are synchronous."""


def relu(data: torch.Tensor, **kwargs: Any) -> ndarray:
    """MXNet's relu: ``+0.0`` for ``x <= 0``, gradient 0 at 0, NaN stays NaN (gradient NaN)."""
    return wrap(ties.relu(data))


def sigmoid(data: torch.Tensor, **kwargs: Any) -> ndarray:
    return wrap(torch.sigmoid(data))


def _softmax_input(data: torch.Tensor, temperature: Any) -> torch.Tensor:
    return data if temperature is None or temperature == 1 else data / temperature


def _softmax_op(name: str, fn: Callable[..., torch.Tensor]) -> Callable[..., ndarray]:
    def op(
        data: torch.Tensor,
        axis: int = -1,
        length: Any = None,
        temperature: Any = None,
        use_length: bool = False,
        dtype: Any = None,
        **kwargs: Any,
    ) -> ndarray:
        if use_length or length is not None:
            raise NotImplementedError(
                f"npx.{name}(use_length=True) is not supported on the torch backend. Hint: mask "
                f"the input with -inf and use npx.{name}."
            )
        r = fn(_softmax_input(data, temperature), dim=axis)
        return wrap(r if dtype is None else r.to(to_dtype(dtype)))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"MXNet's ``npx.{name}`` along ``axis`` (``temperature`` divides the input)."
    return op


softmax = _softmax_op("softmax", torch.softmax)
log_softmax = _softmax_op("log_softmax", torch.log_softmax)


_ACTIVATIONS = {
    # Activation's relu is another MXNet kernel than relu's: NaN gives 0 (gradient 0).
    "relu": ties.activation_relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softrelu": F.softplus,
    "softsign": F.softsign,
    "log_sigmoid": F.logsigmoid,
    "mish": F.mish,
}


def activation(data: torch.Tensor, act_type: str = "relu", **kwargs: Any) -> ndarray:
    try:
        fn = _ACTIVATIONS[act_type]
    except KeyError:
        raise ValueError(
            f"unknown act_type {act_type!r}; choose one of {', '.join(_ACTIVATIONS)}"
        ) from None
    return wrap(fn(data))


def leaky_relu(
    data: torch.Tensor, act_type: str = "leaky", slope: float = 0.25, **kwargs: Any
) -> ndarray:
    if act_type == "leaky":
        return wrap(ties.leaky_relu(data, slope))
    if act_type == "elu":
        return wrap(F.elu(data, slope))
    if act_type == "gelu":
        return wrap(F.gelu(data))
    raise NotImplementedError(
        f"npx.leaky_relu(act_type={act_type!r}) is not supported on the torch backend. Hint: use "
        "torch.nn.functional on x.as_torch()."
    )


def dropout(
    data: torch.Tensor, p: float = 0.5, mode: str = "training", axes: Any = (), **kwargs: Any
) -> ndarray:
    """Dropout in MXNet's training mode (inside ``record()``/``train_mode()``), else identity."""
    # MXNet decides by its global training flag; torch's dropout takes it per call.
    training = mode == "always" or _ag.is_training()
    return wrap(F.dropout(data, p, training=training))


def pick(
    data: torch.Tensor, index: Any, axis: int = -1, mode: str = "clip", keepdims: bool = False
) -> ndarray:
    """``data`` values at ``index`` along ``axis`` (index may be float, as in MXNet)."""
    idx = index if isinstance(index, torch.Tensor) else torch.as_tensor(index)
    idx = idx.long()
    n = data.shape[axis]
    idx = idx.clamp(0, n - 1) if mode == "clip" else idx.remainder(n)
    r = torch.gather(data, axis, idx.unsqueeze(axis))
    return wrap(r if keepdims else r.squeeze(axis))


def one_hot(
    data: torch.Tensor,
    depth: int,
    on_value: float = 1.0,
    off_value: float = 0.0,
    dtype: Any = "float32",
) -> ndarray:
    idx = data if isinstance(data, torch.Tensor) else torch.as_tensor(data)
    idx = idx.long()
    valid = (idx >= 0) & (idx < depth)  # MXNet gives an all-off row for out-of-range indices
    oh = F.one_hot(idx.clamp(0, depth - 1), depth) * valid.unsqueeze(-1)
    dt = to_dtype(dtype)
    return wrap(
        torch.where(oh.bool(), torch.tensor(on_value, dtype=dt), torch.tensor(off_value, dtype=dt))
    )


def batch_dot(
    a: torch.Tensor,
    b: torch.Tensor,
    transpose_a: bool = False,
    transpose_b: bool = False,
    **kwargs: Any,
) -> ndarray:
    if transpose_a:
        a = torch.transpose(a, -1, -2)
    if transpose_b:
        b = torch.transpose(b, -1, -2)
    return wrap(torch.matmul(a, b))


def batch_flatten(data: torch.Tensor) -> ndarray:
    return wrap(data.reshape(data.shape[0], -1))


def topk(
    data: torch.Tensor,
    axis: int = -1,
    k: int = 1,
    ret_typ: str = "indices",
    is_ascend: bool = False,
    dtype: Any = "float32",
) -> Any:
    """The ``k`` largest (smallest with ``is_ascend``) along ``axis``; ties pick the lowest
    indices. ``ret_typ`` is ``'indices'``, ``'value'``, ``'both'`` or ``'mask'``."""
    values, indices = ties.topk(data, k, axis, largest=not is_ascend)
    if ret_typ == "value":
        return wrap(values)
    if ret_typ == "mask":
        return wrap(torch.zeros_like(data).scatter_(axis, indices, 1))
    indices = indices.to(to_dtype(dtype))
    if ret_typ == "both":
        return [wrap(values), wrap(indices)]
    return wrap(indices)


# Misuse (bad shapes, axes, sizes) raises MXNetError naming the shapes, as MXNet's operators do.
_OPERATORS = (
    "relu sigmoid softmax log_softmax activation leaky_relu dropout pick one_hot batch_dot "
    "batch_flatten topk"
).split()
raise_mxnet_errors(globals(), "npx", _OPERATORS)


_TORCH_EQUIVALENTS = {
    "fully_connected": "torch.nn.functional.linear",
    "convolution": "torch.nn.functional.conv2d",
    "pooling": "torch.nn.functional.max_pool2d / avg_pool2d",
    "batch_norm": "torch.nn.functional.batch_norm",
    "layer_norm": "torch.nn.functional.layer_norm",
    "embedding": "torch.nn.functional.embedding",
    "sequence_mask": "a mask built with torch.arange",
    "rnn": "torch.nn.LSTM / GRU",
    "gamma": "torch.lgamma(x).exp()",
    "reshape": "np.reshape",
}


__getattr__ = module_getattr("mxnet.npx", _TORCH_EQUIVALENTS)
