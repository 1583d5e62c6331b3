"""MobileNet and MobileNetV2 (MXNet 1.9.1's ``model_zoo.vision.mobilenet``), with MXNet's
parameter names."""

from __future__ import annotations

from typing import Any

from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ..model_store import DEFAULT_ROOT, get_model_file

__all__ = [
    "MobileNet",
    "MobileNetV2",
    "get_mobilenet",
    "get_mobilenet_v2",
    "mobilenet0_25",
    "mobilenet0_5",
    "mobilenet0_75",
    "mobilenet1_0",
    "mobilenet_v2_0_25",
    "mobilenet_v2_0_5",
    "mobilenet_v2_0_75",
    "mobilenet_v2_1_0",
]


class RELU6(HybridBlock):
    """``min(max(x, 0), 6)``, MobileNetV2's activation."""

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return F.clip(x, 0, 6)


def _add_conv(
    out: nn.HybridSequential,
    channels: int = 1,
    kernel: int = 1,
    stride: int = 1,
    pad: int = 0,
    num_group: int = 1,
    active: bool = True,
    relu6: bool = False,
) -> None:
    out.add(nn.Conv2D(channels, kernel, stride, pad, groups=num_group, use_bias=False))
    out.add(nn.BatchNorm(scale=True))
    if active:
        out.add(RELU6() if relu6 else nn.Activation("relu"))


def _add_conv_dw(
    out: nn.HybridSequential, dw_channels: int, channels: int, stride: int, relu6: bool = False
) -> None:
    # Depthwise 3x3, then pointwise 1x1.
    _add_conv(out, dw_channels, 3, stride, 1, num_group=dw_channels, relu6=relu6)
    _add_conv(out, channels, relu6=relu6)


class LinearBottleneck(HybridBlock):
    """MobileNetV2's inverted residual: 1x1 expansion by ``t``, 3x3 depthwise (``stride``),
    linear 1x1 projection; the input is added when the shapes allow."""

    def __init__(self, in_channels: int, channels: int, t: int, stride: int, **kw: Any) -> None:
        super().__init__(**kw)
        self.use_shortcut = stride == 1 and in_channels == channels
        with self.name_scope():
            self.out = nn.HybridSequential()
            _add_conv(self.out, in_channels * t, relu6=True)
            _add_conv(self.out, in_channels * t, 3, stride, 1, in_channels * t, relu6=True)
            _add_conv(self.out, channels, active=False, relu6=True)

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        out = self.out(x)
        return F.elemwise_add(out, x) if self.use_shortcut else out


class MobileNet(HybridBlock):
    """MobileNet with width ``multiplier`` (>= 0.25), ``classes`` outputs."""

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), kernel=3, pad=1, stride=2)
                dw = [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]
                pw = [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2
                strides = [1, 2] * 3 + [1] * 5 + [2, 1]
                for d, c, s in zip(dw, pw, strides, strict=True):
                    _add_conv_dw(self.features, int(d * multiplier), int(c * multiplier), s)
                self.features.add(nn.GlobalAvgPool2D(), nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


class MobileNetV2(HybridBlock):
    """MobileNetV2 with width ``multiplier``, ``classes`` outputs."""

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="features_")
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), 3, 2, 1, relu6=True)
                in_group = [32] + [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3
                out_group = [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3 + [320]
                ts = [1] + [6] * 16
                strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
                for i, c, t, s in zip(in_group, out_group, ts, strides, strict=True):
                    self.features.add(
                        LinearBottleneck(int(i * multiplier), int(c * multiplier), t, s)
                    )
                last_channels = int(1280 * multiplier) if multiplier > 1.0 else 1280
                _add_conv(self.features, last_channels, relu6=True)
                self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.HybridSequential(prefix="output_")
            with self.output.name_scope():
                self.output.add(nn.Conv2D(classes, 1, use_bias=False, prefix="pred_"), nn.Flatten())

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


def _suffix(multiplier: float) -> str:
    # MXNet's file names: 1.0, 0.75, 0.5, 0.25.
    s = f"{multiplier:.2f}"
    return s[:-1] if s in ("1.00", "0.50") else s


def get_mobilenet(
    multiplier: float,
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> MobileNet:
    """MobileNet with width ``multiplier``; ``pretrained=True`` loads MXNet's weights."""
    net = MobileNet(multiplier, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"mobilenet{_suffix(multiplier)}", root=root), ctx=ctx)
    return net


def get_mobilenet_v2(
    multiplier: float,
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> MobileNetV2:
    """MobileNetV2 with width ``multiplier``; ``pretrained=True`` loads MXNet's weights."""
    net = MobileNetV2(multiplier, **kwargs)
    if pretrained:
        name = f"mobilenetv2_{_suffix(multiplier)}"
        net.load_parameters(get_model_file(name, root=root), ctx=ctx)
    return net


def _variant(get: Any, multiplier: float, name: str):  # noqa: ANN202
    def make(**kwargs: Any) -> HybridBlock:
        return get(multiplier, **kwargs)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"{get.__name__}({multiplier}); see there."
    return make


mobilenet1_0 = _variant(get_mobilenet, 1.0, "mobilenet1_0")
mobilenet0_75 = _variant(get_mobilenet, 0.75, "mobilenet0_75")
mobilenet0_5 = _variant(get_mobilenet, 0.5, "mobilenet0_5")
mobilenet0_25 = _variant(get_mobilenet, 0.25, "mobilenet0_25")
mobilenet_v2_1_0 = _variant(get_mobilenet_v2, 1.0, "mobilenet_v2_1_0")
mobilenet_v2_0_75 = _variant(get_mobilenet_v2, 0.75, "mobilenet_v2_0_75")
mobilenet_v2_0_5 = _variant(get_mobilenet_v2, 0.5, "mobilenet_v2_0_5")
mobilenet_v2_0_25 = _variant(get_mobilenet_v2, 0.25, "mobilenet_v2_0_25")
