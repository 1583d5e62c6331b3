"""ResNet V1 and V2 (MXNet 1.9.1's ``model_zoo.vision.resnet``), with MXNet's parameter names
(``resnetv10_stage1_conv0_weight``, ...)."""

from __future__ import annotations

from typing import Any

from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ..model_store import DEFAULT_ROOT, get_model_file

__all__ = [
    "BasicBlockV1",
    "BasicBlockV2",
    "BottleneckV1",
    "BottleneckV2",
    "ResNetV1",
    "ResNetV2",
    "get_resnet",
    "resnet18_v1",
    "resnet34_v1",
    "resnet50_v1",
    "resnet101_v1",
    "resnet152_v1",
    "resnet18_v2",
    "resnet34_v2",
    "resnet50_v2",
    "resnet101_v2",
    "resnet152_v2",
]


def _conv3x3(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(
        channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels
    )


def _shortcut(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)


def _v1_downsample(channels: int, stride: int, in_channels: int) -> nn.HybridSequential:
    shortcut = nn.HybridSequential(prefix="")
    shortcut.add(_shortcut(channels, stride, in_channels), nn.BatchNorm())
    return shortcut


# The residual blocks build their layers outside their own name_scope (as MXNet does), so the
# layers take their names from the enclosing stage: stage1_conv0_, stage1_batchnorm0_, ...


class BasicBlockV1(HybridBlock):
    """Two 3x3 convolutions with batch norm, added to the input, then ReLU (ResNet V1, 18/34)."""

    def __init__(
        self, channels: int, stride: int, downsample: bool = False, in_channels: int = 0, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(
            _conv3x3(channels, stride, in_channels),
            nn.BatchNorm(),
            nn.Activation("relu"),
            _conv3x3(channels, 1, channels),
            nn.BatchNorm(),
        )
        self.downsample = _v1_downsample(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(residual + self.body(x), act_type="relu")


class BottleneckV1(HybridBlock):
    """1x1 (stride), 3x3, 1x1 convolutions with batch norm, added to the input, then ReLU."""

    def __init__(
        self, channels: int, stride: int, downsample: bool = False, in_channels: int = 0, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(
            nn.Conv2D(channels // 4, kernel_size=1, strides=stride),
            nn.BatchNorm(),
            nn.Activation("relu"),
            _conv3x3(channels // 4, 1, channels // 4),
            nn.BatchNorm(),
            nn.Activation("relu"),
            nn.Conv2D(channels, kernel_size=1, strides=1),
            nn.BatchNorm(),
        )
        self.downsample = _v1_downsample(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(self.body(x) + residual, act_type="relu")


class BasicBlockV2(HybridBlock):
    """Pre-activation block: BN, ReLU, 3x3 conv, BN, ReLU, 3x3 conv, plus the input."""

    def __init__(
        self, channels: int, stride: int, downsample: bool = False, in_channels: int = 0, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        self.downsample = _shortcut(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.conv2(F.Activation(self.bn2(x), act_type="relu"))
        return x + residual


class BottleneckV2(HybridBlock):
    """Pre-activation bottleneck: (BN, ReLU, conv) x 3 with 1x1, 3x3 (stride), 1x1 kernels."""

    def __init__(
        self, channels: int, stride: int, downsample: bool = False, in_channels: int = 0, **kw: Any
    ) -> None:
        super().__init__(**kw)
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        self.downsample = _shortcut(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = self.conv2(F.Activation(self.bn2(x), act_type="relu"))
        x = self.conv3(F.Activation(self.bn3(x), act_type="relu"))
        return x + residual


def _stage(block: type, layers: int, channels: int, stride: int, index: int, in_channels: int):  # noqa: ANN202
    stage = nn.HybridSequential(prefix=f"stage{index}_")
    with stage.name_scope():
        stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels,
                        prefix=""))  # fmt: skip
        for _ in range(layers - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=""))
    return stage


def _stages(block: type, layers: list, channels: list) -> list:
    """Stage ``i + 1`` has ``layers[i]`` blocks from ``channels[i]`` to ``channels[i + 1]``
    channels; the first keeps the resolution, the others halve it."""
    return [
        _stage(block, num_layer, channels[i + 1], 1 if i == 0 else 2, i + 1, channels[i])
        for i, num_layer in enumerate(layers)
    ]


def _check_spec(layers: list, channels: list) -> None:
    if len(layers) != len(channels) - 1:
        raise AssertionError


def _stem(channels: int, thumbnail: bool) -> list:
    """The first layers of ResNet V1 and V2: a 3x3 convolution for 32x32 inputs (``thumbnail``),
    else a 7x7 stride-2 convolution, batch norm, ReLU and 3x3 stride-2 max pooling."""
    if thumbnail:
        return [_conv3x3(channels, 1, 0)]
    return [
        nn.Conv2D(channels, 7, 2, 3, use_bias=False),
        nn.BatchNorm(),
        nn.Activation("relu"),
        nn.MaxPool2D(3, 2, 1),
    ]


class ResNetV1(HybridBlock):
    """ResNet V1: ``block`` (BasicBlockV1 or BottleneckV1), ``layers`` blocks per stage,
    ``channels`` (stem then each stage), ``classes``, ``thumbnail`` (a 3x3 stem for 32x32)."""

    def __init__(
        self,
        block: type,
        layers: list,
        channels: list,
        classes: int = 1000,
        thumbnail: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_spec(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(*_stem(channels[0], thumbnail))
            self.features.add(*_stages(block, layers, channels))
            self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


class ResNetV2(HybridBlock):
    """ResNet V2 (pre-activation); arguments as :class:`ResNetV1`."""

    def __init__(
        self,
        block: type,
        layers: list,
        channels: list,
        classes: int = 1000,
        thumbnail: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        _check_spec(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.BatchNorm(scale=False, center=False))
            self.features.add(*_stem(channels[0], thumbnail))
            self.features.add(*_stages(block, layers, channels))
            self.features.add(
                nn.BatchNorm(), nn.Activation("relu"), nn.GlobalAvgPool2D(), nn.Flatten()
            )
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


resnet_spec = {
    18: ("basic_block", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
    34: ("basic_block", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
    50: ("bottle_neck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
    101: ("bottle_neck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
    152: ("bottle_neck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048]),
}
resnet_net_versions = [ResNetV1, ResNetV2]
resnet_block_versions = [
    {"basic_block": BasicBlockV1, "bottle_neck": BottleneckV1},
    {"basic_block": BasicBlockV2, "bottle_neck": BottleneckV2},
]


def get_resnet(
    version: int,
    num_layers: int,
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> HybridBlock:
    """ResNet ``version`` (1 or 2) with ``num_layers`` (18, 34, 50, 101, 152) layers;
    ``pretrained=True`` loads MXNet's weights from ``root``."""
    if num_layers not in resnet_spec:
        raise AssertionError(
            f"Invalid number of layers: {num_layers}. Options are {resnet_spec.keys()}"
        )
    if not 1 <= version <= 2:
        raise AssertionError(f"Invalid resnet version: {version}. Options are 1 and 2.")
    block_type, layers, channels = resnet_spec[num_layers]
    block = resnet_block_versions[version - 1][block_type]
    net = resnet_net_versions[version - 1](block, layers, channels, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"resnet{num_layers}_v{version}", root=root), ctx=ctx)
    return net


def _variant(version: int, num_layers: int):  # noqa: ANN202
    def make(**kwargs: Any) -> HybridBlock:
        return get_resnet(version, num_layers, **kwargs)

    make.__name__ = make.__qualname__ = f"resnet{num_layers}_v{version}"
    make.__doc__ = (
        f"ResNet-{num_layers} V{version}; ``pretrained``, ``ctx``, ``root``, ``classes``, "
        "``thumbnail`` as :func:`get_resnet`."
    )
    return make


resnet18_v1 = _variant(1, 18)
resnet34_v1 = _variant(1, 34)
resnet50_v1 = _variant(1, 50)
resnet101_v1 = _variant(1, 101)
resnet152_v1 = _variant(1, 152)
resnet18_v2 = _variant(2, 18)
resnet34_v2 = _variant(2, 34)
resnet50_v2 = _variant(2, 50)
resnet101_v2 = _variant(2, 101)
resnet152_v2 = _variant(2, 152)
