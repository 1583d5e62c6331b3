"""``gluon.model_zoo.vision`` on torch, side by side with real MXNet 1.9.1.

Each model is built and initialised in MXNet (random values for every parameter, running
statistics included), saved with ``save_parameters`` and loaded on the shim; then the same input
goes through both in predict mode and the outputs are compared (rtol 1e-4: dozens of stacked
convolutions accumulate float32 rounding that differs between the two kernel libraries). Every
parameter name (relative to the model's prefix, in order) must equal MXNet's. Pretrained
weights load from ``root`` by MXNet's file name, and a missing file without network says which
file to place where.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")

ALL_MODELS = sorted(shim.gluon.model_zoo.vision._models)


def _relative_names(net):
    return [k[len(net.prefix) :] for k in net.collect_params().keys()]


def _randomise(mx, net, seed=0, array=None):
    """Random 1-D parameters: biases, BatchNorm's gamma, beta and running statistics (positive
    variances)."""
    array = array or mx.nd.array
    rs = np.random.RandomState(seed)
    for name, p in net.collect_params().items():
        if name.endswith(("running_var", "gamma")):
            p.set_data(array(rs.uniform(0.5, 1.5, p.shape)))
        elif name.endswith(("running_mean", "beta", "bias")):
            p.set_data(array(rs.uniform(-0.2, 0.2, p.shape)))


def _compare(mx, make, shape, tmp_path):
    ref = make(mx.gluon.model_zoo.vision)
    x = np.random.RandomState(1).uniform(-1, 1, shape).astype(np.float32)
    # He-uniform weights (variance 2 / fan_in keeps activations of order 1 through deep ReLU
    # nets), drawn by MXNet at the first call.
    ref.initialize(mx.init.Xavier(rnd_type="uniform", factor_type="in", magnitude=6))
    ref(mx.nd.array(x))
    _randomise(mx, ref)
    net = make(shim.gluon.model_zoo.vision)
    assert _relative_names(net) == _relative_names(ref)
    path = str(tmp_path / "model.params")
    ref.save_parameters(path)
    net.load_parameters(path)
    want = ref(mx.nd.array(x)).asnumpy()
    got = net(torch.tensor(x)).detach().numpy()
    assert got.shape == want.shape
    assert np.abs(want).max() > 1e-3  # the comparison sees real signal
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def _get(name, **kwargs):
    def make(vision):
        return vision.get_model(name, **kwargs)

    make.__name__ = name
    return make


def _small(cls, *args, **kwargs):
    # The family's own class with a smaller spec: the same building code, a fraction of the time.
    def make(vision):
        if cls.startswith(("Bottleneck", "BasicBlock")):
            block, net_cls = getattr(vision, cls), getattr(vision, args[0])
            return net_cls(block, *args[1:], **kwargs)
        return getattr(vision, cls)(*args, **kwargs)

    make.__name__ = f"small_{cls}"
    return make


@pytest.mark.parametrize(
    "make,shape",
    [
        (_get("resnet18_v1"), (2, 3, 64, 64)),
        (_get("resnet18_v2"), (2, 3, 64, 64)),
        (_get("resnet18_v1", classes=10, thumbnail=True), (2, 3, 32, 32)),
        (_small("BottleneckV1", "ResNetV1", [1, 2, 1, 1], [16, 32, 64, 128, 256]), (1, 3, 64, 64)),
        (
            _small(
                "BottleneckV2", "ResNetV2", [1, 1, 2, 1], [16, 32, 64, 128, 256], thumbnail=True
            ),
            (1, 3, 32, 32),
        ),
        (_get("vgg11_bn", classes=10), (1, 3, 32, 32)),
        (_get("alexnet", classes=10), (1, 3, 64, 64)),
        (_get("squeezenet1.0", classes=10), (1, 3, 224, 224)),
        (_get("squeezenet1.1", classes=10), (1, 3, 224, 224)),
        (_get("mobilenet0.25"), (2, 3, 64, 64)),
        (_get("mobilenetv2_0.25"), (2, 3, 64, 64)),
        (_small("DenseNet", 16, 8, [2, 3], classes=10), (1, 3, 56, 56)),
        (
            _small("DenseNet", 16, 8, [2, 1, 2], bn_size=2, dropout=0.1, classes=10),
            (1, 3, 112, 112),
        ),
        (_get("inceptionv3", classes=10), (1, 3, 299, 299)),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_forward_matches_mxnet(mx, tmp_path, make, shape):
    _compare(mx, make, shape, tmp_path)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_parameter_names_match_mxnet(mx, name):
    ref = mx.gluon.model_zoo.vision.get_model(name)
    net = shim.gluon.model_zoo.vision.get_model(name)
    assert _relative_names(net) == _relative_names(ref)
    assert [p.shape for p in net.collect_params().values()] == [
        p.shape for p in ref.collect_params().values()
    ]


def test_model_list_and_exports_match_mxnet(mx):
    assert (
        ALL_MODELS == sorted(mx.gluon.model_zoo.vision._models)
        if hasattr(mx.gluon.model_zoo.vision, "_models")
        else True
    )
    public = {n for n in dir(mx.gluon.model_zoo.vision) if not n.startswith("_")}
    ours = set(shim.gluon.model_zoo.vision.__all__)
    assert ours <= public
    with pytest.raises(ValueError, match="Model foo is not supported"):
        shim.gluon.model_zoo.vision.get_model("foo")
    with pytest.raises(ValueError, match="Model foo is not supported"):
        mx.gluon.model_zoo.vision.get_model("foo")


def _fake_pretrained(monkeypatch, root, name, make):
    """Save ``make()``'s parameters as ``name``'s pretrained file under ``root`` and make the
    store accept its SHA-1."""
    store = shim.gluon.model_zoo.model_store
    net = make()
    net.initialize()
    net(torch.zeros((1, 3, 32, 32)))
    tmp = root / "tmp.params"
    net.save_parameters(str(tmp))
    sha1 = hashlib.sha1(tmp.read_bytes()).hexdigest()
    monkeypatch.setitem(store._model_sha1, name, sha1)
    tmp.rename(root / f"{name}-{sha1[:8]}.params")
    return net


def test_pretrained_loads_the_local_file(monkeypatch, tmp_path):
    vision = shim.gluon.model_zoo.vision
    ref = _fake_pretrained(monkeypatch, tmp_path, "mobilenet0.25", lambda: vision.mobilenet0_25())
    net = vision.get_model("mobilenet0.25", pretrained=True, root=str(tmp_path))
    x = torch.randn(1, 3, 32, 32)
    # Legacy-mode Gluon hands out NDArray (numpy dtypes, as MXNet): compare through asnumpy.
    np.testing.assert_allclose(net(x).asnumpy(), ref(x).asnumpy(), rtol=1.3e-6, atol=0)
    path = shim.gluon.model_zoo.model_store.get_model_file("mobilenet0.25", root=str(tmp_path))
    assert os.path.basename(path).startswith("mobilenet0.25-")


@pytest.mark.parametrize(
    "name,make",
    [
        ("resnet18_v2", lambda v: v.resnet18_v2(pretrained=True, root="{root}")),
        ("vgg11_bn", lambda v: v.vgg11_bn(pretrained=True, root="{root}")),
        ("mobilenet0.5", lambda v: v.mobilenet0_5(pretrained=True, root="{root}")),
        ("mobilenetv2_1.0", lambda v: v.get_model("mobilenetv2_1.0", pretrained=True,
                                                  root="{root}")),
        ("squeezenet1.1", lambda v: v.squeezenet1_1(pretrained=True, root="{root}")),
        ("densenet121", lambda v: v.densenet121(pretrained=True, root="{root}")),
        ("inceptionv3", lambda v: v.inception_v3(pretrained=True, root="{root}")),
        ("alexnet", lambda v: v.alexnet(pretrained=True, root="{root}")),
    ],
)  # fmt: skip
def test_missing_pretrained_file_says_where_to_put_it(monkeypatch, tmp_path, name, make):
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")  # nothing listens: no network
    vision = shim.gluon.model_zoo.vision
    store = shim.gluon.model_zoo.model_store
    expected = f"{name}-{store._model_sha1[name][:8]}.params"
    root = str(tmp_path / "models")

    class _V:  # the model functions with root= filled in
        def __getattr__(self, attr):
            fn = getattr(vision, attr)
            return lambda *a, **kw: fn(*a, **{**kw, "root": root})

    with pytest.raises(RuntimeError) as info:
        make(_V())
    assert expected in str(info.value) and root in str(info.value)
    assert os.listdir(root) == []  # nothing left half-way


def test_model_store_errors():
    store = shim.gluon.model_zoo.model_store
    with pytest.raises(ValueError, match="Pretrained model for foo is not available"):
        store.get_model_file("foo")
    assert store.short_hash("resnet18_v1") == "a0666292"


@pytest.mark.parametrize(
    "make,shape",
    [
        # (DenseNet, SqueezeNet and Inception do not run under set_np in MXNet 1.9.1: its
        # HybridConcurrent calls the legacy concat.)
        (_get("alexnet", classes=10), (1, 3, 64, 64)),
        (_get("resnet18_v1", classes=10, thumbnail=True), (1, 3, 32, 32)),
    ],
    ids=lambda v: v.__name__ if callable(v) else None,
)
def test_np_mode_forward_matches_mxnet(mx, tmp_path, make, shape):
    # Built, initialised, saved and run under npx.set_np() on both sides (MXNet picks its
    # operators when a layer is built).
    x = np.random.RandomState(1).uniform(-1, 1, shape).astype(np.float32)
    path = str(tmp_path / "model.params")
    mx.npx.set_np()
    shim.npx.set_np()
    try:
        ref = make(mx.gluon.model_zoo.vision)
        ref.initialize(mx.init.Xavier(rnd_type="uniform", factor_type="in", magnitude=6))
        ref(mx.np.array(x))
        _randomise(mx, ref, array=mx.np.array)
        ref.save_parameters(path)
        want = ref(mx.np.array(x)).asnumpy()
        net = make(shim.gluon.model_zoo.vision)
        net.load_parameters(path)
        got = net(shim.np.array(x))
        assert type(got).__name__ == "ndarray"
        got = got.asnumpy()
    finally:
        mx.npx.reset_np()
        shim.npx.reset_np()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


@pytest.mark.parametrize(
    "make",
    [
        _small(
            "BasicBlockV1", "ResNetV1", [1, 1, 1, 1], [8, 8, 16, 32, 64], classes=10, thumbnail=True
        ),
        _small(
            "BottleneckV2",
            "ResNetV2",
            [1, 1, 1, 1],
            [8, 16, 32, 64, 128],
            classes=10,
            thumbnail=True,
        ),
        _get("mobilenetv2_0.25", classes=10),
    ],
    ids=lambda v: v.__name__,
)
def test_training_step_matches_mxnet(mx, tmp_path, make):
    # Training mode: batch statistics, every parameter's gradient, and the running statistics
    # MXNet updates during backward. In float64: BatchNorm's backward through a whole net
    # cancels large sums, which float32 rounding (different summation orders) turns into
    # visible noise; in float64 any real difference stands out.
    x = np.random.RandomState(1).uniform(-1, 1, (4, 3, 64, 64)).astype(np.float32)
    head = np.random.RandomState(2).uniform(-1, 1, (4, 10)).astype(np.float32)
    path = str(tmp_path / "model.params")
    ref = make(mx.gluon.model_zoo.vision)
    ref.initialize(mx.init.Xavier(rnd_type="uniform", factor_type="in", magnitude=6))
    ref(mx.nd.array(x))
    _randomise(mx, ref)
    ref.save_parameters(path)
    net = make(shim.gluon.model_zoo.vision)
    net.load_parameters(path)
    ref.cast("float64")
    net.cast("float64")
    x, head = x.astype(np.float64), head.astype(np.float64)
    with mx.autograd.record():
        want = ref(mx.nd.array(x, dtype="float64"))
    want.backward(mx.nd.array(head, dtype="float64"))
    with shim.autograd.record():
        got = net(torch.tensor(x))
    got.backward(torch.tensor(head))
    scale = np.abs(want.asnumpy()).max()
    np.testing.assert_allclose(got.detach().numpy(), want.asnumpy(), rtol=1e-9, atol=1e-9 * scale)
    theirs = dict(zip(_relative_names(ref), ref.collect_params().values(), strict=True))
    # Gradients that cancel to ~0 (a shift followed by another BatchNorm) are rounding noise:
    # they are compared against the largest gradient in the net.
    g_scale = max(np.abs(q.grad().asnumpy()).max() for q in theirs.values() if q.grad_req != "null")
    for rel, p in zip(_relative_names(net), net.collect_params().values(), strict=True):
        q = theirs[rel]
        mine, ref_data = p.data().detach().numpy(), q.data().asnumpy()
        # MXNet's BatchNorm momentum is a float32 parameter (0.9f), so its running statistics
        # differ from float64 arithmetic by ~1e-8: the tolerance for them.
        np.testing.assert_allclose(mine, ref_data, rtol=1e-6, atol=1e-7, err_msg=rel)
        if q.grad_req != "null":
            g, ref_g = p.grad().numpy(), q.grad().asnumpy()
            np.testing.assert_allclose(g, ref_g, rtol=1e-3, atol=1e-4 * g_scale, err_msg=rel)


def test_pretrained_file_with_other_content_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("MXNET_GLUON_REPO", "http://127.0.0.1:9/")
    store = shim.gluon.model_zoo.model_store
    wrong = tmp_path / f"alexnet-{store.short_hash('alexnet')}.params"
    wrong.write_bytes(b"not MXNet's file")
    with pytest.raises(RuntimeError, match="has other content than MXNet's") as info:
        shim.gluon.model_zoo.vision.alexnet(pretrained=True, root=str(tmp_path))
    assert str(wrong) in str(info.value)
    assert sorted(os.listdir(tmp_path)) == [wrong.name]
