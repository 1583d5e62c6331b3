"""``mxnet.gluon.nn`` convolution and pooling layers (1.9.1): ``Conv1D/2D/3D``, their
``Transpose`` versions, ``MaxPool*``, ``AvgPool*``, ``GlobalMaxPool*``, ``GlobalAvgPool*``,
``ReflectionPad2D``, with MXNet's parameter shapes, layouts, defaults and reprs.

MXNet works out a convolution's weight shape by symbolic shape inference; here it is the formula
that inference computes: ``(channels, in_channels // groups, *kernel)`` for convolutions,
``(in_channels, channels // groups, *kernel)`` for transposed ones, with the input-channel (or
output-channel) axis last for channels-last layouts.
"""

from __future__ import annotations

from numbers import Number
from typing import Any

from ..block import HybridBlock
from .activations import Activation

__all__ = [
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Conv3D",
    "Conv3DTranspose",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "ReflectionPad2D",
]


def _ntuple(value: Any, n: int) -> tuple:
    return (value,) * n if isinstance(value, Number) else value


def _weight_shape(
    op_name: str, layout: str, channels: int, in_channels: int, groups: int, kernel: tuple
) -> tuple[int, ...]:
    last = layout.find("C") == len(layout) - 1
    if op_name == "Convolution":
        outer, inner = channels, in_channels // groups
    else:
        outer, inner = in_channels, channels // groups
    return (outer, *kernel, inner) if last else (outer, inner, *kernel)


class _Conv(HybridBlock):
    """N-D (transposed) convolution; ``op_name`` is ``Convolution`` or ``Deconvolution``."""

    def __init__(
        self,
        channels: int,
        kernel_size: tuple,
        strides: Any,
        padding: Any,
        dilation: Any,
        groups: int,
        layout: str,
        in_channels: int = 0,
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        op_name: str = "Convolution",
        adj: Any = None,
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            n = len(kernel_size)
            strides, padding, dilation = (_ntuple(v, n) for v in (strides, padding, dilation))
            self._op_name = op_name
            self._kwargs = {
                "kernel": kernel_size,
                "stride": strides,
                "dilate": dilation,
                "pad": padding,
                "num_filter": channels,
                "num_group": groups,
                "no_bias": not use_bias,
                "layout": layout,
            }
            if adj is not None:
                self._kwargs["adj"] = adj
            wshape = _weight_shape(op_name, layout, channels, in_channels, groups, kernel_size)
            self.weight = self.params.get(
                "weight", shape=wshape, init=weight_initializer, allow_deferred_init=True
            )
            if use_bias:
                self.bias = self.params.get(
                    "bias", shape=(channels,), init=bias_initializer, allow_deferred_init=True
                )
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation else None

    def infer_shape(self, x: Any, *args: Any) -> None:
        k = self._kwargs
        in_channels = x.shape[k["layout"].find("C")]
        self.weight.shape = _weight_shape(
            self._op_name, k["layout"], k["num_filter"], in_channels, k["num_group"], k["kernel"]
        )

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:  # noqa: N803
        op = getattr(F, self._op_name)
        act = op(x, weight, **self._kwargs) if bias is None else op(x, weight, bias, **self._kwargs)
        return self.act(act) if self.act is not None else act

    def _alias(self) -> str:
        return "conv"

    def __repr__(self) -> str:
        k = self._kwargs
        n = len(k["kernel"])
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        if k["pad"] != (0,) * n:
            s += ", padding={pad}"
        if k["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        # MXNet tests `out_pad`, an attribute its layers never set (they set `outpad`).
        if hasattr(self, "out_pad") and self.out_pad != (0,) * n:
            s += f", output_padding={self.out_pad}"
        if k["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += f", {self.act}"
        s += ")"
        shape = self.weight.shape
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        return s.format(name=self.__class__.__name__, mapping=mapping, **k)


def _conv_args(kernel_size: Any, n: int, layout: str, layouts: tuple, msg: str) -> tuple:
    assert layout in layouts, msg
    kernel_size = _ntuple(kernel_size, n)
    assert len(kernel_size) == n, f"kernel_size must be a number or a list of {n} ints"
    return kernel_size


def _out_pad(output_padding: Any, n: int) -> tuple:
    output_padding = _ntuple(output_padding, n)
    assert len(output_padding) == n, f"output_padding must be a number or a list of {n} ints"
    return output_padding


_ONLY = {
    1: (("NCW",), "Only supports 'NCW' layout for now"),
    2: (("NCHW", "NHWC"), "Only supports 'NCHW' and 'NHWC' layout for now"),
    3: (("NCDHW", "NDHWC"), "Only supports 'NCDHW' and 'NDHWC' layout for now"),
}


def _public_conv(block: _Conv, n: int, op_name: str, args: dict) -> None:
    """The body every public ``ConvND``/``ConvNDTranspose`` constructor shares; ``args`` is its
    ``locals()``, so each class keeps MXNet's exact signature and defaults."""
    args = dict(args)
    del args["self"]
    kwargs = args.pop("kwargs")
    layouts, msg = _ONLY[n]
    kernel_size = _conv_args(args.pop("kernel_size"), n, args["layout"], layouts, msg)
    adj = {"adj": _out_pad(args.pop("output_padding"), n)} if "output_padding" in args else {}
    op_name = kwargs.pop("op_name", op_name)
    _Conv.__init__(block, kernel_size=kernel_size, op_name=op_name, **adj, **args, **kwargs)
    if adj:
        block.outpad = adj["adj"]


class Conv1D(_Conv):
    """1-D convolution over ``(N, C, W)`` input."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        layout: str = "NCW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 1, "Convolution", locals())


class Conv2D(_Conv):
    """2-D convolution over ``(N, C, H, W)`` (or ``NHWC``) input."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: Any = (0, 0),
        dilation: Any = (1, 1),
        groups: int = 1,
        layout: str = "NCHW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 2, "Convolution", locals())


class Conv3D(_Conv):
    """3-D convolution over ``(N, C, D, H, W)`` (or ``NDHWC``) input."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: Any = (0, 0, 0),
        dilation: Any = (1, 1, 1),
        groups: int = 1,
        layout: str = "NCDHW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 3, "Convolution", locals())


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (``output_padding`` is MXNet's ``adj``)."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: Any = 0,
        output_padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        layout: str = "NCW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 1, "Deconvolution", locals())


class Conv2DTranspose(_Conv):
    """2-D transposed convolution (``output_padding`` is MXNet's ``adj``)."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: Any = (0, 0),
        output_padding: Any = (0, 0),
        dilation: Any = (1, 1),
        groups: int = 1,
        layout: str = "NCHW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 2, "Deconvolution", locals())


class Conv3DTranspose(_Conv):
    """3-D transposed convolution (``output_padding`` is MXNet's ``adj``)."""

    def __init__(
        self,
        channels: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: Any = (0, 0, 0),
        output_padding: Any = (0, 0, 0),
        dilation: Any = (1, 1, 1),
        groups: int = 1,
        layout: str = "NCDHW",
        activation: str | None = None,
        use_bias: bool = True,
        weight_initializer: Any = None,
        bias_initializer: Any = "zeros",
        in_channels: int = 0,
        **kwargs: Any,
    ) -> None:
        _public_conv(self, 3, "Deconvolution", locals())


# ---------------------------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------------------------


class _Pooling(HybridBlock):
    """Pooling through ``F.Pooling``; ``ceil_mode`` is MXNet's ``pooling_convention='full'``."""

    def __init__(
        self,
        pool_size: tuple,
        strides: Any,
        padding: Any,
        ceil_mode: bool,
        global_pool: bool,
        pool_type: str,
        layout: str,
        count_include_pad: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        strides = _ntuple(strides, len(pool_size))
        padding = _ntuple(padding, len(pool_size))
        self._kwargs = {
            "kernel": pool_size,
            "stride": strides,
            "pad": padding,
            "global_pool": global_pool,
            "pool_type": pool_type,
            "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid",
        }
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.Pooling(x, **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return (
            f"{self.__class__.__name__}(size={k['kernel']}, stride={k['stride']}, "
            f"padding={k['pad']}, ceil_mode={k['pooling_convention'] == 'full'}, "
            f"global_pool={k['global_pool']}, pool_type={k['pool_type']}, layout={k['layout']})"
        )


_POOL_LAYOUTS = {
    1: (("NCW", "NWC"), "Only NCW and NWC layouts are valid for 1D Pooling"),
    2: (("NCHW", "NHWC"), "Only NCHW and NHWC layouts are valid for 2D Pooling"),
    3: (("NCDHW", "NDHWC"), "Only NCDHW and NDHWC layouts are valid for 3D Pooling"),
}


def _pool_size(pool_size: Any, n: int, layout: str) -> tuple:
    layouts, msg = _POOL_LAYOUTS[n]
    assert layout in layouts, msg
    pool_size = _ntuple(pool_size, n)
    assert len(pool_size) == n, f"pool_size must be a number or a list of {n} ints"
    return pool_size


def _public_pool(block: _Pooling, n: int, pool_type: str, args: dict) -> None:
    """The body every public ``MaxPoolND``/``AvgPoolND`` constructor shares; ``args`` is its
    ``locals()``, so each class keeps MXNet's exact signature and defaults."""
    args = dict(args)
    del args["self"]
    kwargs = args.pop("kwargs")
    pool_size = _pool_size(args.pop("pool_size"), n, args["layout"])
    _Pooling.__init__(block, pool_size, global_pool=False, pool_type=pool_type, **args, **kwargs)


class MaxPool1D(_Pooling):
    """Max pooling over ``(N, C, W)`` (or ``NWC``) input; ``strides`` default to ``pool_size``."""

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: Any = 0,
        layout: str = "NCW",
        ceil_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 1, "max", locals())


class MaxPool2D(_Pooling):
    """Max pooling over ``(N, C, H, W)`` (or ``NHWC``) input."""

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: Any = 0,
        layout: str = "NCHW",
        ceil_mode: bool = False,
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 2, "max", locals())


class MaxPool3D(_Pooling):
    """Max pooling over ``(N, C, D, H, W)`` (or ``NDHWC``) input."""

    def __init__(
        self,
        pool_size: Any = (2, 2, 2),
        strides: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        layout: str = "NCDHW",
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 3, "max", locals())


class AvgPool1D(_Pooling):
    """Average pooling over ``(N, C, W)`` (or ``NWC``) input."""

    def __init__(
        self,
        pool_size: Any = 2,
        strides: Any = None,
        padding: Any = 0,
        layout: str = "NCW",
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 1, "avg", locals())


class AvgPool2D(_Pooling):
    """Average pooling over ``(N, C, H, W)`` (or ``NHWC``) input."""

    def __init__(
        self,
        pool_size: Any = (2, 2),
        strides: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        layout: str = "NCHW",
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 2, "avg", locals())


class AvgPool3D(_Pooling):
    """Average pooling over ``(N, C, D, H, W)`` (or ``NDHWC``) input."""

    def __init__(
        self,
        pool_size: Any = (2, 2, 2),
        strides: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        layout: str = "NCDHW",
        count_include_pad: bool = True,
        **kwargs: Any,
    ) -> None:
        _public_pool(self, 3, "avg", locals())


def _global(cls_name: str, n: int, pool_type: str, default_layout: str) -> type:
    def __init__(self: _Pooling, layout: str = default_layout, **kwargs: Any) -> None:
        layouts, msg = _POOL_LAYOUTS[n]
        assert layout in layouts, msg
        _Pooling.__init__(self, (1,) * n, None, 0, True, True, pool_type, layout, **kwargs)

    doc = f"Global {pool_type} pooling over all {n} spatial axes (output size 1 on each)."
    return type(
        cls_name, (_Pooling,), {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    )


GlobalMaxPool1D = _global("GlobalMaxPool1D", 1, "max", "NCW")
GlobalMaxPool2D = _global("GlobalMaxPool2D", 2, "max", "NCHW")
GlobalMaxPool3D = _global("GlobalMaxPool3D", 3, "max", "NCDHW")
GlobalAvgPool1D = _global("GlobalAvgPool1D", 1, "avg", "NCW")
GlobalAvgPool2D = _global("GlobalAvgPool2D", 2, "avg", "NCHW")
GlobalAvgPool3D = _global("GlobalAvgPool3D", 3, "avg", "NCDHW")


class ReflectionPad2D(HybridBlock):
    """Pads the last two axes of ``(N, C, H, W)`` input by reflection; ``padding`` is an int or
    MXNet's 8-tuple ``pad_width``."""

    def __init__(self, padding: Any = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(padding, Number):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        assert len(padding) == 8
        self._padding = padding

    def hybrid_forward(self, F: Any, x: Any) -> Any:  # noqa: N803
        return F.pad(x, mode="reflect", pad_width=self._padding)
