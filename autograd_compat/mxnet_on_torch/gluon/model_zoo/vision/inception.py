"""Inception V3 (MXNet 1.9.1's ``model_zoo.vision.inception``, for 299x299 inputs), with
MXNet's parameter names (``inception30_A1_conv0_weight``, ...)."""

from __future__ import annotations

from typing import Any

from ....context import cpu
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import DEFAULT_ROOT, get_model_file

__all__ = ["Inception3", "inception_v3"]

_SETTING_NAMES = ("channels", "kernel_size", "strides", "padding")


def _basic_conv(**kwargs: Any) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(use_bias=False, **kwargs), nn.BatchNorm(epsilon=0.001))
    out.add(nn.Activation("relu"))
    return out


def _branch(use_pool: str | None, *conv_settings: tuple) -> nn.HybridSequential:
    # An optional pooling, then one basic conv per (channels, kernel, strides, padding) setting
    # (None: the layer's default).
    out = nn.HybridSequential(prefix="")
    if use_pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif use_pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for setting in conv_settings:
        kw = {k: v for k, v in zip(_SETTING_NAMES, setting, strict=False) if v is not None}
        out.add(_basic_conv(**kw))
    return out


def _concurrent(prefix: str, *branches: Any) -> HybridConcurrent:
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        for make in branches:
            out.add(make())
    return out


def _make_A(pool_features: int, prefix: str) -> HybridConcurrent:  # noqa: N802
    return _concurrent(
        prefix,
        lambda: _branch(None, (64, 1, None, None)),
        lambda: _branch(None, (48, 1, None, None), (64, 5, None, 2)),
        lambda: _branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, None, 1)),
        lambda: _branch("avg", (pool_features, 1, None, None)),
    )


def _make_B(prefix: str) -> HybridConcurrent:  # noqa: N802
    return _concurrent(
        prefix,
        lambda: _branch(None, (384, 3, 2, None)),
        lambda: _branch(None, (64, 1, None, None), (96, 3, None, 1), (96, 3, 2, None)),
        lambda: _branch("max"),
    )


def _make_C(c7: int, prefix: str) -> HybridConcurrent:  # noqa: N802
    return _concurrent(
        prefix,
        lambda: _branch(None, (192, 1, None, None)),
        lambda: _branch(
            None, (c7, 1, None, None), (c7, (1, 7), None, (0, 3)), (192, (7, 1), None, (3, 0))
        ),
        lambda: _branch(
            None,
            (c7, 1, None, None),
            (c7, (7, 1), None, (3, 0)),
            (c7, (1, 7), None, (0, 3)),
            (c7, (7, 1), None, (3, 0)),
            (192, (1, 7), None, (0, 3)),
        ),
        lambda: _branch("avg", (192, 1, None, None)),
    )


def _make_D(prefix: str) -> HybridConcurrent:  # noqa: N802
    return _concurrent(
        prefix,
        lambda: _branch(None, (192, 1, None, None), (320, 3, 2, None)),
        lambda: _branch(
            None,
            (192, 1, None, None),
            (192, (1, 7), None, (0, 3)),
            (192, (7, 1), None, (3, 0)),
            (192, 3, 2, None),
        ),
        lambda: _branch("max"),
    )


def _split(*branches: Any) -> HybridConcurrent:
    out = HybridConcurrent(axis=1, prefix="")
    for make in branches:
        out.add(make())
    return out


def _make_E(prefix: str) -> HybridConcurrent:  # noqa: N802
    def branch_3x3() -> nn.HybridSequential:
        seq = nn.HybridSequential(prefix="")
        seq.add(_branch(None, (384, 1, None, None)))
        seq.add(
            _split(
                lambda: _branch(None, (384, (1, 3), None, (0, 1))),
                lambda: _branch(None, (384, (3, 1), None, (1, 0))),
            )
        )
        return seq

    def branch_3x3dbl() -> nn.HybridSequential:
        seq = nn.HybridSequential(prefix="")
        seq.add(_branch(None, (448, 1, None, None), (384, 3, None, 1)))
        seq.add(
            _split(
                lambda: _branch(None, (384, (1, 3), None, (0, 1))),
                lambda: _branch(None, (384, (3, 1), None, (1, 0))),
            )
        )
        return seq

    return _concurrent(
        prefix,
        lambda: _branch(None, (320, 1, None, None)),
        branch_3x3,
        branch_3x3dbl,
        lambda: _branch("avg", (192, 1, None, None)),
    )


def make_aux(classes: int) -> nn.HybridSequential:
    """Inception V3's auxiliary classifier head (not part of :class:`Inception3`)."""
    out = nn.HybridSequential(prefix="")
    out.add(nn.AvgPool2D(pool_size=5, strides=3))
    out.add(_basic_conv(channels=128, kernel_size=1))
    out.add(_basic_conv(channels=768, kernel_size=5))
    out.add(nn.Flatten())
    out.add(nn.Dense(classes))
    return out


class Inception3(HybridBlock):
    """Inception V3 for 299x299 inputs, ``classes`` outputs."""

    def __init__(self, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            add = self.features.add
            add(_basic_conv(channels=32, kernel_size=3, strides=2))
            add(_basic_conv(channels=32, kernel_size=3))
            add(_basic_conv(channels=64, kernel_size=3, padding=1))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_basic_conv(channels=80, kernel_size=1))
            add(_basic_conv(channels=192, kernel_size=3))
            add(nn.MaxPool2D(pool_size=3, strides=2))
            add(_make_A(32, "A1_"))
            add(_make_A(64, "A2_"))
            add(_make_A(64, "A3_"))
            add(_make_B("B_"))
            add(_make_C(128, "C1_"))
            add(_make_C(160, "C2_"))
            add(_make_C(160, "C3_"))
            add(_make_C(192, "C4_"))
            add(_make_D("D_"))
            add(_make_E("E1_"))
            add(_make_E("E2_"))
            add(nn.AvgPool2D(pool_size=8))
            add(nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):  # noqa: N803, ANN001, ANN201, D102
        return self.output(self.features(x))


def inception_v3(
    pretrained: bool = False,
    ctx: Any = cpu(),  # noqa: B008 - MXNet's default
    root: str = DEFAULT_ROOT,
    **kwargs: Any,
) -> Inception3:
    """Inception V3; ``pretrained=True`` loads MXNet's weights from ``root``."""
    net = Inception3(**kwargs)
    if pretrained:
        net.load_parameters(get_model_file("inceptionv3", root=root), ctx=ctx)
    return net
