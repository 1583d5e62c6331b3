"""VGG 11/13/16/19, with or without batch norm (MXNet 1.9.1's ``model_zoo.vision.vgg``), with
MXNet's parameter names and initializers."""

from __future__ import annotations

from typing import Any

from ....context import cpu
from ....initializer import Xavier
from ... import nn
from ...block import HybridBlock
from ..model_store import DEFAULT_ROOT, get_model_file

__all__ = [
    "VGG",
    "get_vgg",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]


class VGG(HybridBlock):
    """VGG: ``layers[i]`` 3x3 convolutions of ``filters[i]`` channels per stage, each stage
    ending in 2x2 max pooling; ``batch_norm`` adds BatchNorm after each convolution."""

    def __init__(
        self,
        layers: list,
        filters: list,
        classes: int = 1000,
        batch_norm: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if len(layers) != len(filters):
            raise AssertionError
        with self.name_scope():
            self.features = self._make_features(layers, filters, batch_norm)
            for _ in range(2):
                self.features.add(
                    nn.Dense(4096, activation="relu", weight_initializer="normal",
                             bias_initializer="zeros"),
                    nn.Dropout(rate=0.5),
                )  # fmt: skip
            self.output = nn.Dense(classes, weight_initializer="normal", bias_initializer="zeros")

    def _make_features(self, layers: list, filters: list, batch_norm: bool) -> nn.HybridSequential:
        featurizer = nn.HybridSequential(prefix="")
        for num, channels in zip(layers, filters, strict=True):
            for _ in range(num):
                featurizer.add(
                    nn.Conv2D(
                        channels,
                        kernel_size=3,
                        padding=1,
                        weight_initializer=Xavier(
                            rnd_type="gaussian", factor_type="out", magnitude=2
                        ),
                        bias_initializer="zeros",
                    )
                )
                if batch_norm:
                    featurizer.add(nn.BatchNorm())
                featurizer.add(nn.Activation("relu"))
            featurizer.add(nn.MaxPool2D(strides=2))
        return featurizer

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


vgg_spec = {
    11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
    13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
    16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
    19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512]),
}


def get_vgg(
    num_layers: int,
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> VGG:
    """VGG with ``num_layers`` (11, 13, 16, 19) layers; ``batch_norm=True`` for the BN variant;
    ``pretrained=True`` loads MXNet's weights from ``root``."""
    layers, filters = vgg_spec[num_layers]
    net = VGG(layers, filters, **kwargs)
    if pretrained:
        suffix = "_bn" if kwargs.get("batch_norm") else ""
        net.load_parameters(get_model_file(f"vgg{num_layers}{suffix}", root=root), ctx=ctx)
    return net


def _variant(num_layers: int, batch_norm: bool):  # noqa: ANN202
    def make(**kwargs: Any) -> VGG:
        if batch_norm:
            kwargs["batch_norm"] = True
        return get_vgg(num_layers, **kwargs)

    make.__name__ = make.__qualname__ = f"vgg{num_layers}{'_bn' if batch_norm else ''}"
    make.__doc__ = f"VGG-{num_layers}{' with batch norm' if batch_norm else ''}; see get_vgg."
    return make


vgg11 = _variant(11, False)
vgg13 = _variant(13, False)
vgg16 = _variant(16, False)
vgg19 = _variant(19, False)
vgg11_bn = _variant(11, True)
vgg13_bn = _variant(13, True)
vgg16_bn = _variant(16, True)
vgg19_bn = _variant(19, True)
