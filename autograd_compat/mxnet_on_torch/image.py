"""``mxnet.image`` basics (1.9.1) on torch: decoding, resizing and cropping with OpenCV, as
MXNet's own image operators are OpenCV (so pixels equal MXNet's), and the rotation on a bilinear
sampling grid.

Images are HWC arrays (``uint8`` when decoded, RGB unless ``to_rgb=False``); outputs are tensors
of the active interface (``mxnet.numpy`` arrays under ``npx.set_np()``). OpenCV is optional: the
functions that need it say how to install it.
"""

from __future__ import annotations

import random
import warnings
from numbers import Number
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .base import MXNetError
from .ndarray import wrap
from .np_state import is_np_array

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "center_crop",
    "color_normalize",
    "fixed_crop",
    "imdecode",
    "imread",
    "imresize",
    "imrotate",
    "random_crop",
    "random_rotate",
    "random_size_crop",
    "resize_short",
    "scale_down",
]

numeric_types = (float, int, np.generic)


def _cv2() -> Any:
    try:
        import cv2
    except ImportError:
        raise ImportError(
            "mx.image needs OpenCV, as MXNet's image operators do. "
            "Hint: pip install 'autograd_compat[image]' (opencv-python-headless)."
        ) from None
    return cv2


def _out(arr: np.ndarray) -> torch.Tensor:
    t = torch.from_numpy(np.ascontiguousarray(arr))
    return wrap(t) if is_np_array() else t


def _like(src: Any, arr: np.ndarray) -> torch.Tensor:
    """``arr`` as a tensor of the same class as ``src`` (np ndarray in, np ndarray out)."""
    t = torch.from_numpy(np.ascontiguousarray(arr))
    if isinstance(src, torch.Tensor) and type(src) is not torch.Tensor:
        return wrap(t)
    return _out(arr) if not isinstance(src, torch.Tensor) else t


def _np(src: Any) -> np.ndarray:
    if isinstance(src, torch.Tensor):
        return src.detach().cpu().numpy()
    return np.asarray(src)


def _decode(buf: np.ndarray, flag: int, to_rgb: bool, what: str) -> torch.Tensor:
    cv2 = _cv2()
    img = cv2.imdecode(buf, cv2.IMREAD_COLOR if flag else cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise MXNetError(f"Check failed: !res.empty(): Decoding failed. Invalid image {what}")
    if img.ndim == 2:
        img = img[:, :, None]
    elif to_rgb:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return _out(img)


def imread(filename: str, flag: int = 1, to_rgb: bool = True, out: Any = None) -> torch.Tensor:
    """Reads an image file as an HWC ``uint8`` array (``flag=0``: one gray channel)."""
    try:
        with open(filename, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise MXNetError(f"Imread: cannot open {filename}: {exc.strerror}") from None
    return _decode(np.frombuffer(data, dtype=np.uint8), flag, to_rgb, f"file {filename}")


def imdecode(buf: Any, flag: int = 1, to_rgb: bool = True, out: Any = None) -> torch.Tensor:
    """Decodes an encoded image (bytes or a uint8 array) as an HWC ``uint8`` array."""
    if isinstance(buf, torch.Tensor):
        arr = buf.detach().cpu().numpy().astype(np.uint8)
    elif isinstance(buf, bytes | bytearray | np.ndarray):
        arr = np.frombuffer(buf, dtype=np.uint8) if not isinstance(buf, np.ndarray) else buf
    else:
        raise ValueError(
            "buf must be of type bytes, bytearray or numpy.ndarray,"
            "if you would like to input type str, please convert to bytes"
        )
    return _decode(np.ascontiguousarray(arr, dtype=np.uint8), flag, to_rgb, "buffer")


# Bicubic resizing of uint8 images as the OpenCV inside MXNet 1.9.1 computes it (current OpenCV
# rounds differently and gives one level more or less in some pixels): taps with OpenCV's
# coefficients (A = -0.75) in 11-bit fixed point, replicated borders; the vertical pass in float32
# for the first multiple of 8 values of a row (its SIMD path, rounding half to even) and in fixed
# point for the rest. Measured equal to MXNet on random sizes and channel counts.
_COEF_SCALE = 2048


def _cubic_taps(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray]:
    scale = 1.0 / (n_out / n_in)
    f = ((np.arange(n_out) + 0.5) * scale - 0.5).astype(np.float32)
    start = np.floor(f).astype(np.int64)
    x = (f - start.astype(np.float32)).astype(np.float32)
    a = np.float32(-0.75)
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    c3 = 1 - c0 - c1 - c2
    coef = np.rint(np.stack([c0, c1, c2, c3], 1).astype(np.float32) * _COEF_SCALE)
    idx = np.clip(start[:, None] + np.arange(-1, 3)[None, :], 0, n_in - 1)
    return idx, coef.astype(np.int64)


def _cubic_uint8(img: np.ndarray, w: int, h: int) -> np.ndarray:
    rows_in, cols_in, channels = img.shape
    xi, xc = _cubic_taps(w, cols_in)
    yi, yc = _cubic_taps(h, rows_in)
    horiz = (img.astype(np.int64)[:, xi, :] * xc[None, :, :, None]).sum(2)
    taps = horiz.reshape(rows_in, w * channels)[yi]  # h x 4 x (w * channels)
    n_vec = (w * channels) // 8 * 8
    out = np.empty((h, w * channels), np.int64)
    beta = (yc.astype(np.float32) * np.float32(1.0 / (_COEF_SCALE * _COEF_SCALE))).astype(
        np.float32
    )
    acc = taps[:, 0, :n_vec].astype(np.float32) * beta[:, 0:1]
    for k in range(1, 4):
        acc = acc + taps[:, k, :n_vec].astype(np.float32) * beta[:, k : k + 1]
    out[:, :n_vec] = np.rint(acc)
    fixed = (taps[:, :, n_vec:] * yc[:, :, None]).sum(1)
    out[:, n_vec:] = (fixed + (1 << 21)) >> 22
    return np.clip(out, 0, 255).astype(np.uint8).reshape(h, w, channels)


def imresize(src: Any, w: int, h: int, interp: int = 1) -> torch.Tensor:
    """``src`` (HWC) resized to ``w`` x ``h`` with OpenCV's interpolation ``interp`` (0 nearest,
    1 bilinear, 2 bicubic, 3 area, 4 Lanczos)."""
    arr = _np(src)
    if int(w) <= 0 or int(h) <= 0:
        raise MXNetError(f"imresize: the output size must be positive, got width {w} height {h}")
    if int(interp) == 2 and arr.dtype == np.uint8 and arr.ndim == 3 and arr.size:
        return _like(src, _cubic_uint8(arr, int(w), int(h)))
    out = _cv2().resize(arr, (int(w), int(h)), interpolation=int(interp))
    if out.ndim == 2 and arr.ndim == 3:
        out = out[:, :, None]
    return _like(src, out)


def scale_down(src_size: tuple[int, int], size: tuple[int, int]) -> tuple[int, int]:
    """The crop ``size`` (w, h) scaled down, keeping its aspect, to fit ``src_size`` (w, h)."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _get_interp_method(interp: int, sizes: tuple = ()) -> int:
    if interp == 9:
        if sizes:
            assert len(sizes) == 4
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError(f"Unknown interp method {interp}")
    return interp


def resize_short(src: Any, size: int, interp: int = 2) -> torch.Tensor:
    """``src`` resized so that its shorter edge is ``size``."""
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(
    src: Any, x0: int, y0: int, w: int, h: int, size: Any = None, interp: int = 2
) -> torch.Tensor:
    """The ``w`` x ``h`` window at (``x0``, ``y0``), resized to ``size`` (w, h) if given."""
    out = src[y0 : y0 + h, x0 : x0 + w]
    if size is not None and (w, h) != tuple(size):
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src: Any, size: Any, interp: int = 2) -> tuple[torch.Tensor, tuple]:
    """A random ``size`` (w, h) window (upsampled if the image is smaller), and its box."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def center_crop(src: Any, size: Any, interp: int = 2) -> tuple[torch.Tensor, tuple]:
    """The centred ``size`` (w, h) window (upsampled if the image is smaller), and its box."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def random_size_crop(
    src: Any, size: Any, area: Any, ratio: Any, interp: int = 2, **kwargs: Any
) -> tuple[torch.Tensor, tuple]:
    """A crop of random area fraction ``area`` and aspect ``ratio`` resized to ``size``, drawn
    with Python's ``random`` as MXNet does (10 tries, then the centre crop)."""
    h, w, _ = src.shape
    src_area = h * w
    if "min_area" in kwargs:
        warnings.warn(
            "`min_area` is deprecated. Please use `area` instead.", DeprecationWarning, stacklevel=2
        )
        area = kwargs.pop("min_area")
    assert not kwargs, "unexpected keyword arguments for `random_size_crop`."
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
            return out, (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def color_normalize(src: Any, mean: Any, std: Any = None) -> Any:
    """``(src - mean) / std``, in place as MXNet's does."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def imrotate(src: Any, rotation_degrees: Any, zoom_in: bool = False, zoom_out: bool = False) -> Any:
    """``src`` (float32 CHW, or NCHW with one angle per image) rotated about its centre, with
    bilinear sampling and zeros outside; ``zoom_in``/``zoom_out`` scale so that no border shows /
    the whole image stays visible."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if _torch_dtype(src) != torch.float32:
        raise TypeError("Only `float32` images are supported by this function")
    expanded = src.dim() == 3
    if expanded:
        if not isinstance(rotation_degrees, Number):
            raise TypeError(
                "When a single image is passed the rotation angle is required to be a scalar."
            )
        src = src.unsqueeze(0)
    elif src.dim() != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    n, _, h, w = src.shape
    if isinstance(rotation_degrees, Number):
        deg = torch.full((n,), float(rotation_degrees), dtype=torch.float32)
    else:
        deg = torch.as_tensor(_np(rotation_degrees), dtype=torch.float32).reshape(-1)
    if len(deg) != n:
        raise ValueError("The number of images must be equal to the number of rotation angles")
    rad = (np.pi * deg / 180).reshape(n, 1, 1)
    hscale, wscale = float(h - 1) / 2, float(w - 1) / 2
    hm = (torch.arange(h, dtype=torch.float32).reshape(h, 1).expand(h, w) - hscale).unsqueeze(0)
    wm = (torch.arange(w, dtype=torch.float32).reshape(1, w).expand(h, w) - wscale).unsqueeze(0)
    c, s = torch.cos(rad), torch.sin(rad)
    wrot = (wm * c - hm * s) / wscale
    hrot = (wm * s + hm * c) / hscale
    scale: Any = 1
    if zoom_in or zoom_out:
        ht, wt = torch.tensor([float(h)]), torch.tensor([float(w)])
        rho = torch.sqrt(ht * ht + wt * wt)
        ang = torch.arctan(ht / wt)
        ar = torch.abs(rad)
        max_x = torch.maximum(
            torch.abs(rho * torch.cos(ang + ar)), torch.abs(rho * torch.cos(ang - ar))
        )
        max_y = torch.maximum(
            torch.abs(rho * torch.sin(ang + ar)), torch.abs(rho * torch.sin(ang - ar))
        )
        if zoom_out:
            scale = torch.maximum(max_x / wt, max_y / ht)
        else:
            scale = torch.minimum(wt / max_x, ht / max_y)
        scale = scale.unsqueeze(3)
    grid = torch.stack([wrot, hrot], dim=3) * scale
    out = F.grid_sample(
        src.as_subclass(torch.Tensor),
        grid,
        mode="bilinear",
        padding_mode="zeros",
        align_corners=True,
    )
    out = out[0] if expanded else out
    return wrap(out) if type(src) is not torch.Tensor else out


def random_rotate(
    src: Any, angle_limits: Any, zoom_in: bool = False, zoom_out: bool = False
) -> Any:
    """``imrotate`` by angles drawn uniformly from ``angle_limits`` with ``numpy.random``."""
    if src.dim() == 3:
        degrees: Any = np.random.uniform(*angle_limits)
    else:
        degrees = np.random.uniform(*angle_limits, size=src.shape[0])
    return imrotate(src, degrees, zoom_in=zoom_in, zoom_out=zoom_out)
