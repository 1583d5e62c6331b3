"""``gluon.data.vision.transforms`` and ``mx.image`` on torch side by side with MXNet 1.9.1:
pixels equal for the deterministic transforms (OpenCV as MXNet), the same crops from the same
Python/numpy seeds, MXNet's colour formulas at fixed factors, and the random operators'
statistics."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from autograd_compat.mxnet_on_torch import image as shim_image
from autograd_compat.mxnet_on_torch import image_ops as ops
from autograd_compat.mxnet_on_torch import npx
from autograd_compat.mxnet_on_torch.gluon.data.vision import transforms as T

pytest.importorskip("cv2")

RS = np.random.RandomState(0)
IMG = RS.randint(0, 256, (37, 53, 3)).astype(np.uint8)
EXACT_INTERPS = (0, 1, 2, 3, 4)


def _m(mx, a=IMG):
    return mx.nd.array(a, dtype=a.dtype)


def _t(a=IMG):
    return torch.from_numpy(a.copy())


def _eq(m_out, s_out, atol=0):
    m, s = m_out.asnumpy(), s_out.detach().numpy()
    assert m.shape == s.shape and m.dtype == s.dtype
    if atol:
        np.testing.assert_allclose(m.astype(np.float64), s.astype(np.float64), rtol=1e-5, atol=atol)
    else:
        np.testing.assert_array_equal(m, s)


@pytest.mark.parametrize("interp", range(5))
@pytest.mark.parametrize("size", [(20, 15), (80, 61), (53, 20), (100, 3), (1, 1)])
def test_imresize(mx, interp, size):
    m = mx.image.imresize(_m(mx), *size, interp)
    s = shim_image.imresize(_t(), *size, interp)
    _eq(m, s, atol=0 if interp in EXACT_INTERPS else 1)
    f = IMG.astype(np.float32)
    _eq(
        mx.image.imresize(_m(mx, f), *size, interp),
        shim_image.imresize(_t(f), *size, interp),
        atol=1e-3,
    )


def test_bicubic_uint8_random_sizes(mx):
    rs = np.random.RandomState(3)
    for i in range(12):
        hh, ww = rs.randint(1, 40, 2)
        img = rs.randint(0, 256, (hh, ww, (1, 3, 4)[i % 3])).astype(np.uint8)
        w, h = (int(v) for v in rs.randint(1, 60, 2))
        _eq(mx.image.imresize(_m(mx, img), w, h, 2), shim_image.imresize(_t(img), w, h, 2))


def test_image_helpers(mx):
    _eq(mx.image.resize_short(_m(mx), 20, 1), shim_image.resize_short(_t(), 20, 1))
    m, mbox = mx.image.center_crop(_m(mx), (30, 20), 1)
    s, sbox = shim_image.center_crop(_t(), (30, 20), 1)
    assert mbox == sbox
    _eq(m, s)
    _eq(
        mx.image.fixed_crop(_m(mx), 3, 4, 10, 12, (20, 24), 0),
        shim_image.fixed_crop(_t(), 3, 4, 10, 12, (20, 24), 0),
    )
    random.seed(5)
    m, mbox = mx.image.random_crop(_m(mx), (20, 10), 1)
    random.seed(5)
    s, sbox = shim_image.random_crop(_t(), (20, 10), 1)
    assert mbox == sbox
    _eq(m, s)
    assert shim_image.scale_down((640, 480), (720, 120)) == mx.image.scale_down(
        (640, 480), (720, 120)
    )
    f = IMG.astype(np.float32)
    mean, std = np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 8.0])
    _eq(
        mx.image.color_normalize(_m(mx, f), mx.nd.array(mean), mx.nd.array(std)),
        shim_image.color_normalize(
            _t(f), torch.tensor(mean, dtype=torch.float32), torch.tensor(std, dtype=torch.float32)
        ),
        atol=1e-6,
    )


def test_imdecode_imread(mx, tmp_path):
    import cv2

    ok, buf = cv2.imencode(".png", IMG)
    assert ok
    data = buf.tobytes()
    for flag in (0, 1):
        for to_rgb in (True, False):
            _eq(
                mx.image.imdecode(data, flag=flag, to_rgb=to_rgb),
                shim_image.imdecode(data, flag=flag, to_rgb=to_rgb),
            )
    path = tmp_path / "x.png"
    path.write_bytes(data)
    _eq(mx.image.imread(str(path)), shim_image.imread(str(path)))
    from autograd_compat.mxnet_on_torch.base import MXNetError

    with pytest.raises(MXNetError):
        shim_image.imdecode(b"not an image")
    with pytest.raises(ValueError, match="buf must be of type bytes"):
        shim_image.imdecode("a str")


def test_deterministic_transforms_equal_mxnet(mx):
    mt, st = mx.gluon.data.vision.transforms, T
    cases = [
        (lambda t: t.ToTensor(), 0),
        (
            lambda t: t.Compose(
                [
                    t.Resize(20),
                    t.CenterCrop(16),
                    t.ToTensor(),
                    t.Normalize((0.4, 0.5, 0.6), (0.2, 0.25, 0.3)),
                ]
            ),
            1e-6,
        ),
        (lambda t: t.Resize((30, 17), interpolation=0), 0),
        (lambda t: t.Resize(25, keep_ratio=True), 0),
        (lambda t: t.Resize(25, keep_ratio=True, interpolation=3), 0),
        (lambda t: t.CenterCrop(60), 0),
        (lambda t: t.CenterCrop((20, 30), interpolation=0), 0),
        (lambda t: t.CropResize(2, 3, 20, 10), 0),
        (lambda t: t.CropResize(2, 3, 20, 10, size=(7, 9), interpolation=1), 0),
        (lambda t: t.Cast("float16"), 0),
        (lambda t: t.Compose([t.Cast(), t.RandomColorJitter(), t.RandomLighting(0.0)]), 0),
    ]
    for make, atol in cases:
        _eq(make(mt)(_m(mx)), make(st)(_t()), atol=atol)
    batch = np.stack([IMG, IMG[::-1]])
    _eq(mt.ToTensor()(_m(mx, batch)), st.ToTensor()(_t(batch)))
    _eq(mt.Resize((9, 8))(_m(mx, batch)), st.Resize((9, 8))(_t(batch)))
    _eq(
        mt.Normalize(0.5, 2.0)(mx.nd.ones((2, 3, 4, 5))),
        st.Normalize(0.5, 2.0)(torch.ones(2, 3, 4, 5)),
    )


def test_np_interface_output():
    from autograd_compat.mxnet_on_torch.ndarray import ndarray

    npx.set_np()
    try:
        out = T.Compose([T.Resize(8), T.ToTensor()])(_t())
        assert isinstance(out, ndarray) and out.shape == (3, 8, 8)
    finally:
        npx.reset_np()


def test_seeded_random_crops_equal_mxnet(mx):
    for make in (
        lambda t: t.RandomResizedCrop(24),
        lambda t: t.RandomResizedCrop(
            (20, 14), scale=(0.3, 0.9), ratio=(0.5, 2.0), interpolation=0
        ),
        lambda t: t.RandomApply(t.Resize(11), p=0.5),
    ):
        m_block, s_block = make(mx.gluon.data.vision.transforms), make(T)
        random.seed(9)
        m_out = [m_block(_m(mx)) for _ in range(6)]
        random.seed(9)
        s_out = [s_block(_t()) for _ in range(6)]
        for a, b in zip(m_out, s_out, strict=True):
            _eq(a, b)


def test_rotation_equal_mxnet(mx):
    x = RS.rand(3, 9, 12).astype(np.float32)
    for kw in ({}, {"zoom_in": True}, {"zoom_out": True}):
        _eq(
            mx.gluon.data.vision.transforms.Rotate(33.0, **kw)(mx.nd.array(x)),
            T.Rotate(33.0, **kw)(torch.from_numpy(x)),
            atol=1e-5,
        )
        np.random.seed(4)
        m = mx.gluon.data.vision.transforms.RandomRotation((-40, 40), **kw)(mx.nd.array(x))
        np.random.seed(4)
        s = T.RandomRotation((-40, 40), **kw)(torch.from_numpy(x))
        _eq(m, s, atol=1e-5)
    with pytest.raises(TypeError, match="only supports float32"):
        T.Rotate(10)(_t())
    with pytest.raises(ValueError, match="ordered tuple"):
        T.RandomRotation((5, 1))


@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_colour_formulas_equal_mxnet(mx, dtype):
    x = IMG[:6, :7].astype(dtype)
    m_x, s_x = _m(mx, x), _t(x)
    atol = 1e-3 if dtype == "float32" else 0
    for name, alpha in [
        ("brightness", 1.7),
        ("contrast", 0.3),
        ("contrast", 2.5),
        ("saturation", 0.4),
        ("saturation", 1.8),
    ]:
        m = getattr(mx.nd.image, f"random_{name}")(m_x, alpha, alpha)
        _eq(m, getattr(ops, f"adjust_{name}")(s_x, alpha), atol=atol)
    for alpha in (0.25, 0.5, 0.9, 1.3, 1.9, 0.0):
        _eq(mx.nd.image.random_hue(m_x, alpha, alpha), ops.adjust_hue(s_x, alpha), atol=atol)
    _eq(
        mx.nd.image.adjust_lighting(m_x, alpha=(0.1, -0.2, 0.3)),
        ops.adjust_lighting(s_x, (0.1, -0.2, 0.3)),
        atol=atol,
    )


def test_random_operators_statistics():
    torch.manual_seed(0)
    x = _t()
    flips = [T.RandomFlipLeftRight()(x) for _ in range(200)]
    n_flipped = sum(bool(torch.equal(f, x.flip(1))) for f in flips)
    assert all(torch.equal(f, x) or torch.equal(f, x.flip(1)) for f in flips)
    assert 70 < n_flipped < 130
    tb = [T.RandomFlipTopBottom()(x) for _ in range(50)]
    assert all(torch.equal(f, x) or torch.equal(f, x.flip(0)) for f in tb)
    f = x.to(torch.float32)
    ratios = [float((T.RandomBrightness(0.5)(f) / f.clamp(min=1)).median()) for _ in range(200)]
    assert 0.5 <= min(ratios) and max(ratios) <= 1.5 and abs(np.mean(ratios) - 1.0) < 0.06
    light = T.RandomLighting(0.1)(f)
    offsets = (light - f).reshape(-1, 3)
    assert torch.allclose(offsets, offsets[:1].expand_as(offsets), atol=1e-4)
    jitter = T.RandomColorJitter(0.3, 0.3, 0.3, 0.1)(x)
    assert jitter.shape == x.shape and jitter.dtype == torch.uint8
    for cls in (T.RandomContrast, T.RandomSaturation, T.RandomHue):
        out = cls(0.3)(x)
        assert out.shape == x.shape and out.dtype == torch.uint8


def test_resize_errors_are_mxnet_errors(mx):
    from autograd_compat.mxnet_on_torch.base import MXNetError

    for make in (lambda t: t.Resize(-150, keep_ratio=True), lambda t: t.Resize((100, 100, 100))):
        with pytest.raises(mx.base.MXNetError):
            make(mx.gluon.data.vision.transforms)(_m(mx))
        with pytest.raises(MXNetError):
            make(T)(_t())
    with pytest.raises(MXNetError, match="should be greater equal to 0"):
        ops.random_brightness(_t(), -1.0, 0.5)


def test_nd_image_and_npx_image_are_mxnets_image_operators(mx):
    from autograd_compat import namespace

    shim = namespace("mxnet", "torch")
    img = np.random.RandomState(0).randint(0, 256, (6, 5, 3)).astype("uint8")
    real = mx.nd.image.to_tensor(mx.nd.array(img, dtype="uint8"))
    ours = shim.nd.image.to_tensor(shim.nd.array(img, dtype="uint8"))
    np.testing.assert_allclose(np.asarray(ours), real.asnumpy(), rtol=1e-6)
    real_n = mx.nd.image.normalize(real, mean=(0.1, 0.2, 0.3), std=(0.5, 0.6, 0.7))
    ours_n = shim.nd.image.normalize(ours, mean=(0.1, 0.2, 0.3), std=(0.5, 0.6, 0.7))
    np.testing.assert_allclose(np.asarray(ours_n), real_n.asnumpy(), rtol=1e-5, atol=1e-6)
    assert shim.npx.image is shim.nd.image
