"""SqueezeNet 1.0 and 1.1 (MXNet 1.9.1's ``model_zoo.vision.squeezenet``), with MXNet's
parameter names."""

from __future__ import annotations

from typing import Any

from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import DEFAULT_ROOT, get_model_file

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


def _fire_conv(channels: int, kernel_size: int, padding: int = 0) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation("relu"))
    return out


def _fire(squeeze: int, expand1x1: int, expand3x3: int) -> nn.HybridSequential:
    # A 1x1 squeeze, then 1x1 and 3x3 expansions concatenated over channels.
    out = nn.HybridSequential(prefix="")
    out.add(_fire_conv(squeeze, 1))
    paths = HybridConcurrent(axis=1, prefix="")
    paths.add(_fire_conv(expand1x1, 1))
    paths.add(_fire_conv(expand3x3, 3, 1))
    out.add(paths)
    return out


def _pool() -> nn.MaxPool2D:
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """SqueezeNet ``version`` '1.0' or '1.1' for 224x224 inputs, ``classes`` outputs."""

    def __init__(self, version: str, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if version not in ("1.0", "1.1"):
            raise AssertionError(f"Unsupported SqueezeNet version {version}:1.0 or 1.1 expected")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            add = self.features.add
            if version == "1.0":
                add(nn.Conv2D(96, kernel_size=7, strides=2))
                add(nn.Activation("relu"))
                add(_pool())
                add(_fire(16, 64, 64))
                add(_fire(16, 64, 64))
                add(_fire(32, 128, 128))
                add(_pool())
                add(_fire(32, 128, 128))
                add(_fire(48, 192, 192))
                add(_fire(48, 192, 192))
                add(_fire(64, 256, 256))
                add(_pool())
                add(_fire(64, 256, 256))
            else:
                add(nn.Conv2D(64, kernel_size=3, strides=2))
                add(nn.Activation("relu"))
                add(_pool())
                add(_fire(16, 64, 64))
                add(_fire(16, 64, 64))
                add(_pool())
                add(_fire(32, 128, 128))
                add(_fire(32, 128, 128))
                add(_pool())
                add(_fire(48, 192, 192))
                add(_fire(48, 192, 192))
                add(_fire(64, 256, 256))
                add(_fire(64, 256, 256))
            add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(nn.Conv2D(classes, kernel_size=1))
            self.output.add(nn.Activation("relu"))
            self.output.add(nn.AvgPool2D(13))
            self.output.add(nn.Flatten())

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


def get_squeezenet(
    version: str,
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> SqueezeNet:
    """SqueezeNet ``version``; ``pretrained=True`` loads MXNet's weights from ``root``."""
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        net.load_parameters(get_model_file(f"squeezenet{version}", root=root), ctx=ctx)
    return net


def squeezenet1_0(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.0; see :func:`get_squeezenet`."""
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs: Any) -> SqueezeNet:
    """SqueezeNet 1.1; see :func:`get_squeezenet`."""
    return get_squeezenet("1.1", **kwargs)
