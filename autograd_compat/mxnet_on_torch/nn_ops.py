"""MXNet's legacy neural-network operators on torch kernels (``nd.FullyConnected``,
``nd.Convolution``, ``nd.Pooling``, ``nd.BatchNorm``, ...), as Gluon's ``hybrid_forward(F, ...)``
calls them with ``F = mxnet.nd``. Re-exported by :mod:`.nd`.

Signatures and defaults are MXNet 1.9.1's (``nd.BatchNorm``'s ``eps`` is 1e-3 and ``fix_gamma``
True, ``Deconvolution``'s ``no_bias`` True, ...). The arguments MXNet uses only for GPU tuning or
graph naming (``cudnn_off``, ``workspace``, ``name``) are accepted and ignored.

``BatchNorm`` follows MXNet, not torch, for its moving statistics: in training mode they are
updated when the **backward** pass runs through the operator (forward alone leaves them
unchanged), with the biased batch variance; torch's ``F.batch_norm`` would update them in forward
with the unbiased variance.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - torch's own spelling

from . import autograd, ties
from .base import MXNetError
from .nn_ops_conv import Convolution, Deconvolution, Pooling, mxnet_op, run_kernel

__all__ = [
    "Activation",
    "BatchNorm",
    "Convolution",
    "Deconvolution",
    "Dropout",
    "Embedding",
    "Flatten",
    "FullyConnected",
    "GroupNorm",
    "InstanceNorm",
    "LayerNorm",
    "LeakyReLU",
    "Pad",
    "Pooling",
    "SoftmaxActivation",
    "Softmax",
    "SoftmaxOutput",
    "pad",
]


def _floating(data: torch.Tensor) -> None:
    # MXNet's activation kernels are instantiated for floating-point types only; torch's would
    # compute relu/sigmoid of integers (or fail with its own NotImplementedError).
    if not data.is_floating_point():
        raise MXNetError(
            f"This operation only support floating point types, not {_dtype_name(data.dtype)}"
        )


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).rpartition(".")[2]


def _choice(value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise MXNetError(
            f"Invalid Input: {value!r}, valid values are: {{{', '.join(map(repr, choices))}}}"
        )
    return value


# ---------------------------------------------------------------------------------------------
# Dense layers, activations, dropout
# ---------------------------------------------------------------------------------------------


@mxnet_op
def FullyConnected(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    num_hidden: int | None = None,
    no_bias: bool = False,
    flatten: bool = True,
) -> torch.Tensor:
    """``data @ weight.T + bias``; ``weight`` has shape ``(num_hidden, in_units)``.
    ``flatten=True`` first reshapes the input to ``(batch, -1)``; ``flatten=False`` applies the
    layer to the last axis."""
    if flatten and data.dim() != 2:
        data = data.reshape(data.shape[0], -1)
    wshape = weight.shape
    if (
        len(wshape) != 2
        or wshape[1] != data.shape[-1]
        or (num_hidden is not None and wshape[0] != num_hidden)
    ):
        if num_hidden is not None and wshape and wshape[0] != num_hidden:
            raise MXNetError(
                f"FullyConnected: weight has shape {tuple(wshape)}, but num_hidden={num_hidden}"
            )
        raise MXNetError(
            f"FullyConnected: weight of shape {tuple(wshape)} does not fit input features "
            f"{data.shape[-1]} (input shape {tuple(data.shape)}, flatten={bool(flatten)})"
        )
    return F.linear(data, weight, None if no_bias else bias)


_ACTIVATIONS = {
    # MXNet's values and gradients at 0 and NaN (see .ties)
    "relu": ties.activation_relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softrelu": F.softplus,
    "softsign": F.softsign,
}


@mxnet_op
def Activation(data: torch.Tensor, act_type: str = "relu") -> torch.Tensor:  # noqa: N802
    """Element-wise ``relu``, ``sigmoid``, ``tanh``, ``softrelu`` (softplus) or ``softsign``."""
    fn = _ACTIVATIONS.get(act_type)
    if fn is None:
        _choice(act_type, tuple(_ACTIVATIONS))
    _floating(data)
    return fn(data)


@mxnet_op
def SoftmaxActivation(data: torch.Tensor, mode: str = "instance") -> torch.Tensor:  # noqa: N802
    """Softmax over axis 1 (``mode='channel'``) or over the last axis (``'instance'``)."""
    return torch.softmax(data, dim=1 if _choice(mode, ("channel", "instance")) == "channel" else -1)


_LEAKY_TYPES = ("elu", "gelu", "leaky", "prelu", "rrelu", "selu")


@mxnet_op
def LeakyReLU(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    gamma: torch.Tensor | None = None,
    act_type: str = "leaky",
    slope: float = 0.25,
    lower_bound: float = 0.125,
    upper_bound: float = 0.334,
) -> torch.Tensor:
    """MXNet's parametrised ReLUs: ``leaky`` (``slope``), ``prelu`` (learned ``gamma`` per
    channel, axis 1), ``elu`` (``slope`` is alpha), ``selu``, ``gelu`` (erf form), ``rrelu``
    (random slope in ``[lower_bound, upper_bound]`` in training, their mean otherwise; returns
    ``[out, mask]`` as MXNet does).

    Divergence: MXNet 1.9.1's ``selu`` gradient for negative inputs is ``lambda * (out + alpha)``,
    which is wrong (it should be ``out + lambda * alpha``); here it is torch's correct gradient.
    """
    _choice(act_type, _LEAKY_TYPES)
    _floating(data)
    if act_type == "leaky":
        return ties.leaky_relu(data, slope)
    if act_type == "prelu":
        if gamma is None:
            raise MXNetError("LeakyReLU(act_type='prelu') needs the gamma argument")
        if gamma.numel() == 1 or data.dim() < 2:
            return torch.where(data > 0, data, data * gamma.reshape(()))
        shape = (1, -1) + (1,) * (data.dim() - 2)
        return torch.where(data > 0, data, data * gamma.reshape(shape))
    if act_type == "elu":
        return F.elu(data, slope)
    if act_type == "selu":
        return F.selu(data)
    if act_type == "gelu":
        return F.gelu(data)
    # MXNet returns the output and the slope mask for rrelu (zeros outside training).
    if not autograd.is_training():
        slope = (lower_bound + upper_bound) / 2
        return [F.leaky_relu(data, slope), torch.zeros_like(data)]
    mask = torch.empty_like(data).uniform_(lower_bound, upper_bound)
    return [torch.where(data >= 0, data, data * mask), mask]


@mxnet_op
def Dropout(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    p: float = 0.5,
    mode: str = "training",
    axes: Any = (),
    cudnn_off: bool = False,
) -> torch.Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``, when MXNet is
    in training mode (``record()``/``train_mode()``) or ``mode='always'``; else the identity.
    ``axes`` share one draw along those axes (variational dropout)."""
    _choice(mode, ("always", "training"))
    if p <= 0 or not (mode == "always" or autograd.is_training()):
        return data
    if not axes:
        return F.dropout(data, p, training=True)
    shape = list(data.shape)
    for a in (axes,) if isinstance(axes, int) else axes:
        shape[a] = 1
    keep = 1.0 - p
    mask = torch.empty(shape, dtype=data.dtype, device=data.device).bernoulli_(keep)
    return data * mask.div_(keep) if keep > 0 else data * mask


# ---------------------------------------------------------------------------------------------
# SoftmaxOutput: a softmax whose backward is the cross-entropy gradient
# ---------------------------------------------------------------------------------------------

_NORMALIZATIONS = ("batch", "null", "valid")


def _shape_error(label: torch.Tensor, inferred: tuple[int, ...]) -> MXNetError:
    provided, wanted = ",".join(map(str, label.shape)), ",".join(map(str, inferred))
    return MXNetError(f"Shape inconsistent, Provided = [{provided}], inferred shape=[{wanted}]")


class _SoftmaxOutputGrad(torch.autograd.Function):
    """Forward: the softmax ``out`` computed by the caller (passed in). Backward: MXNet's
    cross-entropy gradient ``(out - target) * scale``, which ignores the head gradient (as
    ``SoftmaxOutput`` does unless ``out_grad``), and zeros for the label."""

    @staticmethod
    def forward(ctx: Any, data: torch.Tensor, label: torch.Tensor, grad_fn: Any) -> torch.Tensor:
        out = grad_fn.softmax(data)
        ctx.grad_fn = grad_fn
        ctx.save_for_backward(out, label)
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, head: torch.Tensor) -> tuple:
        out, label = ctx.saved_tensors
        grad = ctx.grad_fn.gradient(out, label)
        label_grad = torch.zeros_like(label) if ctx.needs_input_grad[1] else None
        return grad, label_grad, None


class _SoftmaxOutputRule:
    """The softmax axis and the gradient rule of one ``SoftmaxOutput`` call (measured on MXNet
    1.9.1: see tests/test_softmax_output.py)."""

    def __init__(self, data: torch.Tensor, label: torch.Tensor, kw: dict) -> None:
        self.kw = kw
        self.probabilities = label.shape == data.shape
        if kw["multi_output"]:
            self.axis = 1
            n = data.shape[0]
            rest = math.prod(data.shape[2:])
            if not self.probabilities and (label.numel() != n * rest or label.shape[0] != n):
                raise _shape_error(label, (n, *data.shape[2:]))
        elif kw["preserve_shape"] or data.dim() == 2:
            self.axis = data.dim() - 1
            if not self.probabilities and label.shape != data.shape[:-1]:
                raise _shape_error(label, tuple(data.shape[:-1]))
        elif data.dim() < 2:
            raise _shape_error(label, ())
        else:
            # MXNet 1.9.1 softmaxes each sample's elements together here but checks the label
            # against data.shape[:-1] and then reads only its first batch-size values.
            raise MXNetError(
                f"SoftmaxOutput of {data.dim()}-D data without multi_output or preserve_shape is "
                "not supported on the torch backend (MXNet 1.9.1 reads only the first "
                f"{data.shape[0]} labels there). Hint: reshape the data to (batch, classes), or "
                "pass multi_output=True (softmax over axis 1) or preserve_shape=True (last axis)."
            )

    def softmax(self, data: torch.Tensor) -> torch.Tensor:
        return torch.softmax(data, dim=self.axis)

    def gradient(self, out: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        kw = self.kw
        scale = float(kw["grad_scale"])
        if self.probabilities:
            grad = (out - label) * scale
            return grad * out if kw["out_grad"] else grad
        k = out.shape[self.axis]
        # MXNet casts labels to int (truncation) and compares them with the class index and with
        # the ignore label cast the same way; a label outside [0, k) matches no class.
        lab = label.detach()
        if kw["multi_output"]:
            lab = lab.reshape(out.shape[:1] + out.shape[2:])  # (n, rest) or (n, *rest) labels
        lab = torch.trunc(lab).unsqueeze(self.axis)
        shape = [1] * out.dim()
        shape[self.axis] = k
        classes = torch.arange(k, dtype=out.dtype, device=out.device).reshape(shape)
        hit = lab == classes
        alpha = float(kw["smooth_alpha"])
        if alpha and not kw["multi_output"]:  # MXNet applies label smoothing in 2-D mode only
            grad = out - torch.where(hit, 1.0 - alpha, alpha / (k - 1) if k > 1 else 0.0)
        else:
            grad = out - hit.to(out.dtype)
        ignored = lab == float(math.trunc(kw["ignore_label"]))
        if kw["use_ignore"]:
            grad = grad.masked_fill(ignored, 0.0)
        norm = kw["normalization"]
        if norm == "batch":
            scale /= label.numel()
        elif norm == "valid":
            # Counted against ignore_label even when use_ignore is off, as MXNet does.
            scale /= max(int(label.numel() - ignored.sum()), 1)
        elif kw["multi_output"]:
            # 'null' still divides by the positions per sample in this mode (MXNet 1.9.1).
            scale /= max(label.numel() // max(out.shape[0], 1), 1)
        grad = grad * scale
        return grad * out if kw["out_grad"] else grad


@mxnet_op
def SoftmaxOutput(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    label: torch.Tensor,
    grad_scale: float = 1.0,
    ignore_label: float = -1.0,
    multi_output: bool = False,
    use_ignore: bool = False,
    preserve_shape: bool = False,
    normalization: str = "null",
    out_grad: bool = False,
    smooth_alpha: float = 0.0,
) -> torch.Tensor:
    """The softmax of ``data`` (over the last axis of 2-D data, axis 1 with ``multi_output``,
    the last axis with ``preserve_shape``), whose backward is the cross-entropy gradient
    ``out - one_hot(label)`` times ``grad_scale`` — the head gradient is not used.

    ``label`` holds class indices (``data``'s shape without the softmax axis), or probabilities
    of ``data``'s shape (then ``out - label``, no normalization or ignoring). ``use_ignore``
    zeroes the gradient of instances labelled ``ignore_label``; ``normalization`` divides it by
    the batch size (``'batch'``) or the number of labels that are not ``ignore_label``
    (``'valid'``); ``smooth_alpha`` smooths the one-hot target (not with ``multi_output``);
    ``out_grad=True`` multiplies the gradient by the output, as MXNet 1.9.1 does. The label
    gets a zero gradient. ``nd.Softmax`` is the same operator.
    """
    _choice(normalization, _NORMALIZATIONS)
    if label.dtype != data.dtype:
        raise MXNetError(
            f"This layer requires uniform type. Expected '{str(data.dtype)[6:]}' v.s. given "
            f"'{str(label.dtype)[6:]}' at 'label'"
        )
    kw = {
        "grad_scale": grad_scale,
        "ignore_label": ignore_label,
        "multi_output": bool(multi_output),
        "use_ignore": bool(use_ignore),
        "preserve_shape": bool(preserve_shape),
        "normalization": normalization,
        "out_grad": bool(out_grad),
        "smooth_alpha": smooth_alpha,
    }
    rule = _SoftmaxOutputRule(data, label, kw)
    if not (torch.is_grad_enabled() and (data.requires_grad or label.requires_grad)):
        return rule.softmax(data)
    return _SoftmaxOutputGrad.apply(data, label, rule)


Softmax = SoftmaxOutput  # MXNet's deprecated alias


# ---------------------------------------------------------------------------------------------
# Embedding, reshaping, padding
# ---------------------------------------------------------------------------------------------


@mxnet_op
def Embedding(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    weight: torch.Tensor | None = None,
    input_dim: int | None = None,
    output_dim: int | None = None,
    dtype: Any = "float32",
    sparse_grad: bool = False,
) -> torch.Tensor:
    """Rows of ``weight`` (``(input_dim, output_dim)``) at the indices in ``data`` (any dtype;
    out-of-range indices are clipped, as in MXNet)."""
    if sparse_grad:
        raise NotImplementedError(
            "Embedding(sparse_grad=True) (row_sparse gradients) is not supported on the torch "
            "backend. Hint: use sparse_grad=False; the dense gradient has the same values."
        )
    if input_dim is not None and output_dim is not None:
        if tuple(weight.shape) != (input_dim, output_dim):
            raise MXNetError(
                f"Embedding: weight has shape {tuple(weight.shape)}, expected "
                f"({input_dim}, {output_dim})"
            )
    idx = data.long().clamp_(0, weight.shape[0] - 1)
    return run_kernel(F.embedding, idx, weight)


@mxnet_op
def Flatten(data: torch.Tensor) -> torch.Tensor:  # noqa: N802 - MXNet's name
    """Shape ``(n, x1 * x2 * ...)``: all axes but the first merged."""
    return data.reshape(data.shape[0], -1) if data.dim() != 2 else data


_PAD_MODES = {"constant": "constant", "edge": "replicate", "reflect": "reflect"}


@mxnet_op
def Pad(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    mode: str = "constant",
    pad_width: Any = (),
    constant_value: float = 0.0,
) -> torch.Tensor:
    """Pad a 4-D or 5-D array: ``pad_width`` holds (before, after) for every axis, the first two
    axes' zero; ``mode`` is ``constant``, ``edge`` or ``reflect``."""
    _choice(mode, tuple(_PAD_MODES))
    width = tuple(int(w) for w in pad_width)
    if data.dim() not in (4, 5) or len(width) != 2 * data.dim() or any(width[:4]):
        raise MXNetError(
            f"Pad: pad_width {width} must give (before, after) for each axis of a 4-D or 5-D "
            f"input (got {data.dim()}-D), and pad neither of the first two axes"
        )
    torch_pad: list[int] = []
    for axis in range(data.dim() - 1, 1, -1):  # torch lists the last axis first
        torch_pad += [width[2 * axis], width[2 * axis + 1]]
    if mode == "constant":
        return F.pad(data, torch_pad, "constant", constant_value)
    try:
        return F.pad(data, torch_pad, _PAD_MODES[mode])
    except (RuntimeError, NotImplementedError) as exc:
        raise MXNetError(f"Pad: {str(exc).splitlines()[0]}") from None


pad = Pad


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def _moving_update(
    moving_mean: torch.Tensor,
    moving_var: torch.Tensor,
    mean: torch.Tensor,
    invstd: torch.Tensor,
    eps: float,
    momentum: float,
) -> Any:
    """A gradient hook that updates MXNet's moving statistics when backward reaches the op."""

    def hook(grad: torch.Tensor) -> None:
        if not autograd.is_training():  # backward(train_mode=False): MXNet leaves them alone
            return
        # MXNet keeps the batch statistics as mean and 1/sqrt(var + eps), and recovers the
        # (biased) batch variance from the latter in backward.
        var = invstd.pow(-2).sub_(eps)
        with torch.no_grad():
            moving_mean.data.mul_(momentum).add_(mean, alpha=1.0 - momentum)
            moving_var.data.mul_(momentum).add_(var, alpha=1.0 - momentum)

    return hook


@mxnet_op
def BatchNorm(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    gamma: torch.Tensor | None = None,
    beta: torch.Tensor | None = None,
    moving_mean: torch.Tensor | None = None,
    moving_var: torch.Tensor | None = None,
    eps: float = 1e-3,
    momentum: float = 0.9,
    fix_gamma: bool = True,
    use_global_stats: bool = False,
    output_mean_var: bool = False,
    axis: int = 1,
    cudnn_off: bool = False,
    min_calib_range: Any = None,
    max_calib_range: Any = None,
) -> Any:
    """Batch normalisation over every axis but ``axis``.

    In training mode (``autograd.is_training()``) and without ``use_global_stats`` it uses the
    batch statistics; the moving statistics are updated (``m = m * momentum + batch * (1 -
    momentum)``, biased variance) when a recorded backward runs through it. Otherwise it uses
    ``moving_mean``/``moving_var``. ``fix_gamma=True`` sets ``gamma`` to ones (in place, as MXNet
    does) and gives it a zero gradient. ``output_mean_var=True`` returns ``[out, mean, invstd]``
    with ``invstd = 1/sqrt(var + eps)``, as MXNet does.
    """
    ax = axis % data.dim()
    x = data if ax == 1 else data.movedim(ax, 1)
    if fix_gamma:
        gamma.data.fill_(1.0)  # MXNet writes ones into gamma
        weight = gamma * 0 + 1 if gamma.requires_grad else gamma  # zero gradient, as MXNet
    else:
        weight = gamma
    training = autograd.is_training() and not use_global_stats
    if training:
        out, mean, invstd = run_kernel(
            torch.native_batch_norm, x, weight, beta, None, None, True, 0.0, eps
        )
        mean, invstd = mean.detach(), invstd.detach()
        if out.requires_grad and autograd.is_recording():
            out.register_hook(_moving_update(moving_mean, moving_var, mean, invstd, eps, momentum))
    else:
        mm, mv = moving_mean.detach(), moving_var.detach()
        out = run_kernel(F.batch_norm, x, mm, mv, weight, beta, False, 0.0, eps)
        if output_mean_var:
            mean, invstd = mm, (mv + eps).rsqrt()
    if ax != 1:
        out = out.movedim(1, ax)
    return [out, mean, invstd] if output_mean_var else out


@mxnet_op
def LayerNorm(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    gamma: torch.Tensor | None = None,
    beta: torch.Tensor | None = None,
    axis: int = -1,
    eps: float = 1e-5,
    output_mean_var: bool = False,
) -> Any:
    """Normalise over ``axis`` (one axis), then scale by ``gamma`` and shift by ``beta``.
    ``output_mean_var=True`` also returns the mean and the standard deviation (keeping ``axis``
    as a unit axis)."""
    ax = axis % data.dim()
    x = data if ax == data.dim() - 1 else data.movedim(ax, -1)
    out = run_kernel(F.layer_norm, x, (x.shape[-1],), gamma, beta, eps)
    if ax != data.dim() - 1:
        out = out.movedim(-1, ax)
    if not output_mean_var:
        return out
    var, mean = torch.var_mean(data.detach(), dim=ax, keepdim=True, correction=0)
    return [out, mean, (var + eps).sqrt()]


@mxnet_op
def InstanceNorm(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    gamma: torch.Tensor | None = None,
    beta: torch.Tensor | None = None,
    eps: float = 1e-3,
) -> torch.Tensor:
    """Normalise each sample and channel (axis 1) over the remaining axes."""
    return run_kernel(F.instance_norm, data, None, None, gamma, beta, True, 0.0, eps)


@mxnet_op
def GroupNorm(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    gamma: torch.Tensor | None = None,
    beta: torch.Tensor | None = None,
    num_groups: int = 1,
    eps: float = 1e-5,
    output_mean_var: bool = False,
) -> Any:
    """Split axis 1 into ``num_groups`` groups and normalise each group of each sample.
    As in MXNet 1.9.1, ``gamma`` and ``beta`` hold one value per **group**."""
    n, c = data.shape[0], data.shape[1]
    if c % num_groups:
        raise MXNetError(f"GroupNorm: {c} channels cannot be split into {num_groups} groups")
    out = run_kernel(F.group_norm, data, num_groups, None, None, eps)
    grouped = out.reshape(n, num_groups, -1)
    if gamma is not None:
        grouped = grouped * gamma.reshape(1, num_groups, 1)
    if beta is not None:
        grouped = grouped + beta.reshape(1, num_groups, 1)
    out = grouped.reshape(data.shape)
    if not output_mean_var:
        return out
    var, mean = torch.var_mean(
        data.detach().reshape(n, num_groups, -1), dim=2, keepdim=False, correction=0
    )
    return [out, mean, (var + eps).sqrt()]
