"""MXNet 1.9.1's ``nd.image`` operators (``npx.image`` under NumPy semantics), which the vision
transforms call: ``to_tensor``, ``normalize``, ``resize`` (OpenCV, as MXNet's), ``crop``, the
random flips and the colour operators (brightness, contrast, saturation, hue, lighting).

Images are HWC (or NHWC batches) before ``to_tensor`` and CHW (NCHW) after. The colour operators
follow the formulas MXNet's kernels use, measured against MXNet 1.9.1: results are computed in
float32 and an integer image is clipped to its range and truncated, as MXNet does. Random draws
come from torch's generator (``mx.random.seed``), so they are not MXNet's draws.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from . import image as _image
from .base import MXNetError

# ITU-R BT.601 luma weights, as MXNet's colour kernels use them.
_GRAY = (0.299, 0.587, 0.114)
# AlexNet's PCA of ImageNet RGB, as MXNet's adjust_lighting uses it.
_EIGVAL = (55.46, 4.794, 1.148)
_EIGVEC = (
    (-0.5675, 0.7192, 0.4009),
    (-0.5808, -0.0045, -0.8140),
    (-0.5836, -0.6948, 0.4203),
)

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype


def _plain(x: torch.Tensor) -> torch.Tensor:
    return x.as_subclass(torch.Tensor) if type(x) is not torch.Tensor else x


def _check_image(x: torch.Tensor, what: str) -> None:
    if x.dim() not in (3, 4):
        raise MXNetError(
            f"{what}: input image must have shape (H, W, C) or (N, H, W, C), got {tuple(x.shape)}"
        )


def _back_to(x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """``out`` (float) in ``x``'s dtype: integers are clipped to their range and truncated."""
    dt = _torch_dtype(x)
    if dt.is_floating_point:
        return out.to(dt)
    info = torch.iinfo(dt)
    return out.clamp(info.min, info.max).to(dt)


def to_tensor(x: torch.Tensor) -> torch.Tensor:
    """HWC (NHWC) in [0, 255] to CHW (NCHW) float32 in [0, 1]."""
    _check_image(x, "to_tensor")
    x = _plain(x)
    out = x.to(torch.float32) / 255.0
    return out.permute(2, 0, 1) if x.dim() == 3 else out.permute(0, 3, 1, 2)


def normalize(x: torch.Tensor, mean: Any = 0.0, std: Any = 1.0) -> torch.Tensor:
    """``(x - mean) / std`` per channel of a CHW (NCHW) float image."""
    if x.dim() not in (3, 4):
        raise MXNetError(
            f"normalize: input tensor must have shape (C, H, W) or (N, C, H, W), got "
            f"{tuple(x.shape)}"
        )
    x = _plain(x)
    c = x.shape[-3]
    mean_t = torch.as_tensor(np.atleast_1d(np.asarray(mean, dtype=np.float32)))
    std_t = torch.as_tensor(np.atleast_1d(np.asarray(std, dtype=np.float32)))
    for name, v in (("mean", mean_t), ("std", std_t)):
        if v.numel() not in (1, c):
            raise MXNetError(
                f"normalize: {name} must have 1 or {c} values (the channels), got {v.numel()}"
            )
    return (x - mean_t.reshape(-1, 1, 1)) / std_t.reshape(-1, 1, 1)


def _resize_size(h: int, w: int, size: Any, keep_ratio: bool) -> tuple[int, int]:
    """The (w, h) MXNet's resize gives: a number is both sides, or the short side if
    ``keep_ratio``; a pair is (w, h)."""
    if isinstance(size, int | np.integer) or (hasattr(size, "__len__") and len(size) == 1):
        s = int(size if isinstance(size, int | np.integer) else size[0])
        if not keep_ratio:
            return s, s
        if h > w:
            return s, int(h * s / w)
        return int(w * s / h), s
    if len(size) != 2:
        raise MXNetError(
            f"resize: size must be a number or a pair (width, height), got {tuple(size)}"
        )
    return int(size[0]), int(size[1])


def resize(x: torch.Tensor, size: Any, keep_ratio: bool = False, interp: Any = 1) -> torch.Tensor:
    """HWC (NHWC) image(s) resized with OpenCV's interpolation ``interp``."""
    _check_image(x, "resize")
    interp = 1 if interp is None else int(interp)
    if x.dim() == 4:
        return torch.stack([resize(img, size, keep_ratio, interp) for img in _plain(x)])
    h, w = x.shape[0], x.shape[1]
    nw, nh = _resize_size(h, w, size, keep_ratio)
    return _plain(_image.imresize(_plain(x), nw, nh, interp))


def crop(x: torch.Tensor, x0: int, y0: int, width: int, height: int) -> torch.Tensor:
    """The ``width`` x ``height`` window at (``x0``, ``y0``) of HWC (NHWC) image(s)."""
    _check_image(x, "crop")
    h, w = x.shape[-3], x.shape[-2]
    if x0 < 0 or y0 < 0 or x0 + width > w or y0 + height > h:
        raise MXNetError(
            f"crop: the window x={x0}, y={y0}, width={width}, height={height} does not fit in "
            f"an image of width {w} and height {h}"
        )
    return _plain(x)[..., y0 : y0 + height, x0 : x0 + width, :].clone()


def _coin() -> bool:
    return bool(torch.rand(()) < 0.5)


def random_flip_left_right(x: torch.Tensor) -> torch.Tensor:
    """Mirrors the image (width axis) with probability 1/2."""
    x = _plain(x)
    return x.flip(-2) if _coin() else x


def random_flip_top_bottom(x: torch.Tensor) -> torch.Tensor:
    """Flips the image (height axis) with probability 1/2."""
    x = _plain(x)
    return x.flip(-3) if _coin() else x


def _factors(lo: float, hi: float) -> float:
    """A factor drawn from [lo, hi], both of which MXNet requires to be >= 0."""
    for name, v in (("min_factor", lo), ("max_factor", hi)):
        if v < 0:
            raise MXNetError(f"value {v} for Parameter {name} should be greater equal to 0")
    return _uniform(lo, hi)


def _uniform(lo: float, hi: float) -> float:
    return float(torch.empty(()).uniform_(lo, hi)) if hi > lo else float(lo)


def _gray(f: torch.Tensor) -> torch.Tensor:
    coef = torch.tensor(_GRAY, dtype=torch.float32)
    return (f * coef).sum(-1, keepdim=True)


def adjust_brightness(x: torch.Tensor, alpha: float) -> torch.Tensor:
    x = _plain(x)
    return _back_to(x, x.to(torch.float32) * alpha)


def adjust_contrast(x: torch.Tensor, alpha: float) -> torch.Tensor:
    # The blend target is the mean luma of the whole image.
    x = _plain(x)
    f = x.to(torch.float32)
    gray_mean = _gray(f).mean(dim=(-3, -2, -1), keepdim=True)
    return _back_to(x, f * alpha + gray_mean * (1 - alpha))


def adjust_saturation(x: torch.Tensor, alpha: float) -> torch.Tensor:
    # MXNet 1.9.1's kernel blends with 0.114 * blue only (its luma sum is overwritten, not
    # accumulated); measured against MXNet and kept, so that results equal MXNet's.
    x = _plain(x)
    f = x.to(torch.float32)
    gray = f[..., 2:3] * _GRAY[2]
    return _back_to(x, f * alpha + gray * (1 - alpha))


def _rgb_to_hls(f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    # MXNet's float32 conversion (hue in degrees, lightness and saturation in [0, 1]), step for
    # step so that truncated integer results land where MXNet's do.
    # True divisions (a Python number over a tensor would multiply by a rounded reciprocal).
    r, g, b = (f / torch.full_like(f, 255.0)).unbind(-1)
    vmax = torch.maximum(torch.maximum(r, g), b)
    vmin = torch.minimum(torch.minimum(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) * 0.5
    chroma = diff > torch.finfo(torch.float32).eps
    one = torch.ones_like(diff)
    sat = torch.where(
        light < 0.5,
        diff / torch.where(chroma, vmax + vmin, one),
        diff / torch.where(chroma, 2.0 - vmax - vmin, one),
    )
    scale = torch.full_like(diff, 60.0) / torch.where(chroma, diff, one)
    is_r = vmax == r
    is_g = ~is_r & (vmax == g)
    hue = torch.where(
        is_r, (g - b) * scale, torch.where(is_g, (b - r) * scale + 120.0, (r - g) * scale + 240.0)
    )
    hue = torch.where(hue < 0, hue + 360.0, hue)
    zero = torch.zeros_like(diff)
    return torch.where(chroma, hue, zero), light, torch.where(chroma, sat, zero)


# For each hue sector (60 degrees): which of (p2, p1, falling, rising) is blue, green, red.
_HLS_SECTORS = ((1, 3, 0), (1, 0, 2), (3, 0, 1), (0, 2, 1), (0, 1, 3), (2, 1, 0))


def _hls_to_rgb(h: torch.Tensor, light: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    p2 = torch.where(light <= 0.5, light * (1 + s), light + s - light * s)
    p1 = 2 * light - p2
    h = h * torch.tensor(1.0 / 60.0, dtype=torch.float32)
    while bool((h < 0).any()):
        h = torch.where(h < 0, h + 6, h)
    while bool((h >= 6).any()):
        h = torch.where(h >= 6, h - 6, h)
    sector = h.to(torch.int64)
    frac = h - sector.to(h.dtype)
    tab = torch.stack([p2, p1, p1 + (p2 - p1) * (1 - frac), p1 + (p2 - p1) * frac], dim=-1)
    pick = torch.tensor(_HLS_SECTORS, dtype=torch.int64)[sector]  # (..., 3): b, g, r
    bgr = torch.gather(tab, -1, pick)
    rgb = bgr.flip(-1)
    gray = light.unsqueeze(-1).expand_as(rgb)
    return torch.where((s != 0).unsqueeze(-1), rgb, gray) * 255.0


def adjust_hue(x: torch.Tensor, alpha: float) -> torch.Tensor:
    """Rotates the hue by ``alpha`` turns (HLS), keeping lightness and saturation."""
    x = _plain(x)
    if x.shape[-1] == 1:
        return x
    h, light, s = _rgb_to_hls(x.to(torch.float32))
    out = _hls_to_rgb(h + torch.tensor(alpha, dtype=torch.float32) * 360.0, light, s)
    return _back_to(x, out)


def adjust_lighting(x: torch.Tensor, alpha: Any) -> torch.Tensor:
    """Adds the AlexNet PCA colour offset ``eigvec @ (alpha * eigval)`` to every pixel."""
    x = _plain(x)
    a = np.asarray(alpha, dtype=np.float32).reshape(3)
    # The products eigval * eigvec are constants (double, stored as float); the sums float32.
    eig = (np.asarray(_EIGVEC) * np.asarray(_EIGVAL)[None, :]).astype(np.float32)
    rgb = (eig[:, 0] * a[0] + eig[:, 1] * a[1]) + eig[:, 2] * a[2]
    return _back_to(x, x.to(torch.float32) + torch.from_numpy(rgb.astype(np.float32)))


def random_brightness(x: torch.Tensor, min_factor: float, max_factor: float) -> torch.Tensor:
    return adjust_brightness(x, _factors(min_factor, max_factor))


def random_contrast(x: torch.Tensor, min_factor: float, max_factor: float) -> torch.Tensor:
    return adjust_contrast(x, _factors(min_factor, max_factor))


def random_saturation(x: torch.Tensor, min_factor: float, max_factor: float) -> torch.Tensor:
    return adjust_saturation(x, _factors(min_factor, max_factor))


def random_hue(x: torch.Tensor, min_factor: float, max_factor: float) -> torch.Tensor:
    return adjust_hue(x, _factors(min_factor, max_factor))


def random_color_jitter(
    x: torch.Tensor, brightness: float, contrast: float, saturation: float, hue: float
) -> torch.Tensor:
    """Brightness, contrast, saturation and hue jitter (each only when its range is > 0), in a
    random order, as MXNet's kernel does; factors ``1 + U(-v, v)`` (hue: ``U(-hue, hue)``)."""
    steps = (
        (brightness, adjust_brightness, 1.0),
        (contrast, adjust_contrast, 1.0),
        (saturation, adjust_saturation, 1.0),
        (hue, adjust_hue, 0.0),
    )
    for i in torch.randperm(4).tolist():
        amount, op, base = steps[i]
        if amount > 0:
            x = op(x, base + _uniform(-amount, amount))
    return _plain(x)


def random_lighting(x: torch.Tensor, alpha_std: float = 0.05) -> torch.Tensor:
    alpha = torch.randn(3, dtype=torch.float64) * alpha_std
    return adjust_lighting(x, alpha.numpy())
