"""``gluon.data.vision.transforms`` (MXNet 1.9.1): blocks that take HWC ``uint8`` images
(``ToTensor`` makes them CHW float32 in [0, 1]).

Resizing and cropping use OpenCV as MXNet does (see ``mxnet_on_torch.image_ops``). Random
choices come from the generators MXNet uses for each transform: Python's ``random``
(``RandomResizedCrop``, ``RandomApply``), ``numpy.random`` (``RandomRotation``), and for the
operators MXNet runs in C++ (flips, colour jitter, lighting) torch's generator, seeded by
``mx.random.seed``: the same distributions, not MXNet's draws.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch

from .... import image
from .... import image_ops as ops
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "CenterCrop",
    "Cast",
    "Compose",
    "CropResize",
    "HybridCompose",
    "Normalize",
    "RandomApply",
    "RandomBrightness",
    "RandomColorJitter",
    "RandomContrast",
    "RandomFlipLeftRight",
    "RandomFlipTopBottom",
    "RandomHue",
    "RandomLighting",
    "RandomResizedCrop",
    "RandomRotation",
    "RandomSaturation",
    "Resize",
    "Rotate",
    "ToTensor",
]

_numeric = (int, float, np.generic)


class Compose(Sequential):
    """The transforms in order; consecutive hybrid ones are grouped into a HybridSequential."""

    def __init__(self, transforms: list[Any]) -> None:
        super().__init__()
        hybrid: list[Any] = []
        for t in [*transforms, None]:
            if isinstance(t, HybridBlock):
                hybrid.append(t)
                continue
            if len(hybrid) == 1:
                self.add(hybrid[0])
            elif len(hybrid) > 1:
                group = HybridSequential()
                for h in hybrid:
                    group.add(h)
                group.hybridize()
                self.add(group)
            hybrid = []
            if t is not None:
                self.add(t)


class HybridCompose(HybridSequential):
    """The hybrid transforms in order (MXNet 2.0's name; every transform must be hybrid)."""

    def __init__(self, transforms: list[Any]) -> None:
        super().__init__()
        for t in transforms:
            if not isinstance(t, HybridBlock):
                raise ValueError(f"{type(t).__name__} is not a HybridBlock; use Compose")
            self.add(t)


class Cast(HybridBlock):
    """Casts to ``dtype``."""

    def __init__(self, dtype: Any = "float32") -> None:
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """HWC (NHWC) in [0, 255] to CHW (NCHW) float32 in [0, 1]."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.to_tensor(x)


class Normalize(HybridBlock):
    """``(x - mean) / std`` per channel of a CHW (NCHW) tensor."""

    def __init__(self, mean: Any = 0.0, std: Any = 1.0) -> None:
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.normalize(x, self._mean, self._std)


def _require_float32(x: Any) -> None:
    if _torch_dtype(x) != torch.float32:
        raise TypeError(
            "This transformation only supports float32. Consider calling it after ToTensor"
        )


class Rotate(Block):
    """Rotates a float32 CHW image by ``rotation_degrees``."""

    def __init__(self, rotation_degrees: float, zoom_in: bool = False, zoom_out: bool = False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x: Any) -> Any:
        _require_float32(x)
        return image.imrotate(x, *self._args)


class RandomRotation(Block):
    """Rotates a float32 CHW image by an angle drawn from ``angle_limits`` (``numpy.random``),
    with probability ``rotate_with_proba``."""

    def __init__(
        self,
        angle_limits: tuple[float, float],
        zoom_in: bool = False,
        zoom_out: bool = False,
        rotate_with_proba: float = 1.0,
    ) -> None:
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError("`angle_limits` must be an ordered tuple")
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError("Probability of rotating the image should be between 0 and 1")
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x: Any) -> Any:
        if np.random.random() > self._rotate_with_proba:
            return x
        _require_float32(x)
        return image.random_rotate(x, *self._args)


class RandomResizedCrop(Block):
    """A crop of random area (``scale``) and aspect (``ratio``) resized to ``size``."""

    def __init__(
        self,
        size: Any,
        scale: tuple[float, float] = (0.08, 1.0),
        ratio: tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0),
        interpolation: int = 1,
    ) -> None:
        super().__init__()
        if isinstance(size, _numeric):
            size = (size, size)
        self._args = (size, scale, ratio, interpolation)

    def forward(self, x: Any) -> Any:
        return image.random_size_crop(x, *self._args)[0]


class CropResize(HybridBlock):
    """The ``width`` x ``height`` window at (``x``, ``y``), resized to ``size`` if given."""

    def __init__(
        self, x: int, y: int, width: int, height: int, size: Any = None, interpolation: Any = None
    ) -> None:
        super().__init__()
        self._x, self._y = x, y
        self._width, self._height = width, height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = ops.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            out = ops.resize(out, self._size, False, self._interpolation)
        return out


class CenterCrop(Block):
    """The centred ``size`` window (upsampled if the image is smaller)."""

    def __init__(self, size: Any, interpolation: int = 1) -> None:
        super().__init__()
        if isinstance(size, _numeric):
            size = (size, size)
        self._args = (size, interpolation)

    def forward(self, x: Any) -> Any:
        return image.center_crop(x, *self._args)[0]


class Resize(HybridBlock):
    """Resizes to ``size`` ((w, h), or a number: both sides, or the short side if
    ``keep_ratio``)."""

    def __init__(self, size: Any, keep_ratio: bool = False, interpolation: int = 1) -> None:
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.resize(x, self._size, self._keep, self._interpolation)


class RandomFlipLeftRight(HybridBlock):
    """Mirrors the image with probability 1/2."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flips the image upside down with probability 1/2."""

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.random_flip_top_bottom(x)


class _RandomFactor(HybridBlock):
    _op: Any = None

    def __init__(self, amount: float) -> None:
        super().__init__()
        self._args = (max(0, 1 - amount), 1 + amount)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return type(self)._op(x, *self._args)


class RandomBrightness(_RandomFactor):
    """Multiplies by a factor drawn from [max(0, 1-brightness), 1+brightness]."""

    _op = staticmethod(ops.random_brightness)

    def __init__(self, brightness: float) -> None:
        super().__init__(brightness)


class RandomContrast(_RandomFactor):
    """Blends with the mean luma by a factor drawn from [max(0, 1-contrast), 1+contrast]."""

    _op = staticmethod(ops.random_contrast)

    def __init__(self, contrast: float) -> None:
        super().__init__(contrast)


class RandomSaturation(_RandomFactor):
    """Blends with gray by a factor drawn from [max(0, 1-saturation), 1+saturation]."""

    _op = staticmethod(ops.random_saturation)

    def __init__(self, saturation: float) -> None:
        super().__init__(saturation)


class RandomHue(_RandomFactor):
    """Rotates the hue by a factor drawn from [max(0, 1-hue), 1+hue] turns."""

    _op = staticmethod(ops.random_hue)

    def __init__(self, hue: float) -> None:
        super().__init__(hue)


class RandomColorJitter(HybridBlock):
    """Random brightness, contrast, saturation and hue changes."""

    def __init__(
        self, brightness: float = 0, contrast: float = 0, saturation: float = 0, hue: float = 0
    ) -> None:
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """AlexNet-style PCA colour noise with standard deviation ``alpha``."""

    def __init__(self, alpha: float) -> None:
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return ops.random_lighting(x, self._alpha)


class RandomApply(Sequential):
    """Applies ``transforms`` with probability ``p`` (Python's ``random``)."""

    def __init__(self, transforms: Any, p: float = 0.5) -> None:
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x: Any) -> Any:
        if self.p < random.random():
            return x
        return self.transforms(x)
