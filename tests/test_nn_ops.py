"""MXNet's legacy NN operators (``nd.FullyConnected``, ``nd.Convolution``, ``nd.Pooling``,
``nd.BatchNorm``, ...) on torch, side by side with real MXNet 1.9.1: outputs and the gradients of
every differentiable input for a random head gradient, inside ``autograd.record()``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")
RTOL, ATOL = 1e-5, 1e-5


def _rand(shape, seed=0, scale=1.0):
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32)


def _run_mx(mx, op, inputs, grads, train, kwargs):
    arrs = [None if a is None else mx.nd.array(a, dtype=a.dtype) for a in inputs]
    for a, g in zip(arrs, grads):
        if g:
            a.attach_grad()
    with mx.autograd.record(train_mode=train):
        out = getattr(mx.nd, op)(*arrs, **kwargs)
    first = out[0] if isinstance(out, list) else out
    head = _rand(first.shape, seed=7)
    first.backward(mx.nd.array(head), train_mode=train)
    outs = [o.asnumpy() for o in out] if isinstance(out, list) else [out.asnumpy()]
    return outs, [a.grad.asnumpy() for a, g in zip(arrs, grads) if g], arrs


def _run_shim(op, inputs, grads, train, kwargs):
    arrs = [None if a is None else torch.tensor(a) for a in inputs]
    for a, g in zip(arrs, grads):
        if g:
            a.attach_grad()
    with shim.autograd.record(train_mode=train):
        out = getattr(shim.nd, op)(*arrs, **kwargs)
    first = out[0] if isinstance(out, list) else out
    head = _rand(tuple(first.shape), seed=7)
    first.backward(torch.tensor(head), train_mode=train)
    outs = [o.detach().numpy() for o in out] if isinstance(out, list) else [out.detach().numpy()]
    return outs, [a.grad.numpy() for a, g in zip(arrs, grads) if g], arrs


def compare(mx, op, inputs, grads=None, train=True, rtol=RTOL, atol=ATOL, **kwargs):
    """Run ``nd.<op>(*inputs, **kwargs)`` on both; compare outputs and input gradients."""
    grads = [a is not None for a in inputs] if grads is None else grads
    mx_out, mx_grads, mx_arrs = _run_mx(mx, op, inputs, grads, train, kwargs)
    sh_out, sh_grads, sh_arrs = _run_shim(op, inputs, grads, train, kwargs)
    assert len(mx_out) == len(sh_out)
    for a, b in zip(mx_out, sh_out):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    for a, b in zip(mx_grads, sh_grads):
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    return mx_arrs, sh_arrs


# ---------------------------------------------------------------------------------------------
# FullyConnected, activations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape,flatten,no_bias",
    [((4, 3, 2), True, False), ((4, 3, 5), False, False), ((4, 6), True, True)],
)
def test_fully_connected(mx, shape, flatten, no_bias):
    in_units = int(np.prod(shape[1:])) if flatten else shape[-1]
    inputs = [_rand(shape), _rand((7, in_units), 1), None if no_bias else _rand((7,), 2)]
    compare(mx, "FullyConnected", inputs, num_hidden=7, flatten=flatten, no_bias=no_bias)


@pytest.mark.parametrize("act", ["relu", "sigmoid", "tanh", "softrelu", "softsign"])
def test_activation(mx, act):
    compare(mx, "Activation", [_rand((3, 4, 5), scale=3)], act_type=act)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"act_type": "leaky", "slope": 0.1},
        {"act_type": "elu", "slope": 0.7},
        {"act_type": "gelu"},
    ],
)
def test_leaky_relu(mx, kwargs):
    compare(mx, "LeakyReLU", [_rand((3, 4, 5), scale=2)], **kwargs)


def test_selu_values_match_and_gradient_is_the_true_one(mx):
    """MXNet 1.9.1's selu gradient for x < 0 is lambda * (out + alpha), a bug (the derivative is
    out + lambda * alpha); the shim keeps the true gradient (a listed divergence)."""
    x = _rand((3, 4, 5), scale=2)
    ref = mx.nd.LeakyReLU(mx.nd.array(x), act_type="selu").asnumpy()
    t = torch.tensor(x)
    t.attach_grad()
    with shim.autograd.record():
        y = shim.nd.LeakyReLU(t, act_type="selu")
    y.backward()
    np.testing.assert_allclose(y.detach().numpy(), ref, RTOL, ATOL)
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    true = np.where(x > 0, lam, lam * alpha * np.exp(x))
    np.testing.assert_allclose(t.grad.numpy(), true, 1e-5, 1e-6)


def test_prelu(mx):
    compare(mx, "LeakyReLU", [_rand((3, 4, 5), scale=2), _rand((4,), 3)], act_type="prelu")
    one = np.array([0.3], np.float32)
    compare(mx, "LeakyReLU", [_rand((3, 4), scale=2), one], act_type="prelu")


def test_rrelu_predict_mode_uses_the_mean_slope(mx):
    x = _rand((3, 40), scale=2)
    with mx.autograd.predict_mode():  # [out, mask]; MXNet leaves the mask uninitialised here
        ref = mx.nd.LeakyReLU(mx.nd.array(x), act_type="rrelu")
    out, mask = shim.nd.LeakyReLU(torch.tensor(x), act_type="rrelu")
    assert len(ref) == 2
    np.testing.assert_allclose(out.numpy(), ref[0].asnumpy(), RTOL, ATOL)


def test_rrelu_training_slopes_in_bounds():
    x = -torch.ones(1000)
    with shim.autograd.record():
        y, mask = shim.nd.LeakyReLU(x, act_type="rrelu", lower_bound=0.2, upper_bound=0.3)
    slopes = -y
    assert 0.2 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.01
    assert torch.equal(slopes, mask)


def test_bad_act_type_raises_mxnet_error(mx):
    with pytest.raises(mx.base.MXNetError):
        mx.nd.Activation(mx.nd.ones(2), act_type="mish")
    with pytest.raises(MXNetError, match="mish"):
        shim.nd.Activation(torch.ones(2), act_type="mish")


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8"])
@pytest.mark.parametrize(
    "op, kwargs",
    [
        ("Activation", {"act_type": "relu"}),
        ("Activation", {"act_type": "tanh"}),
        ("LeakyReLU", {}),
        ("LeakyReLU", {"act_type": "elu"}),
    ],
)
def test_activations_of_integer_arrays_raise_as_mxnet(mx, op, kwargs, dtype):
    # MXNet's kernels exist for floating-point types only; torch's relu would compute on ints.
    with pytest.raises(mx.base.MXNetError, match="only support floating point types") as want:
        getattr(mx.nd, op)(mx.nd.array([-1, 2], dtype=dtype), **kwargs).wait_to_read()
    with pytest.raises(MXNetError) as got:
        getattr(shim.nd, op)(shim.nd.array([-1, 2], dtype=dtype), **kwargs)
    # (MXNet's wording varies by kernel: "types, not int32" / "types not uint8")
    for text in (str(got.value), str(want.value)):
        assert "only support floating point types" in text and text.endswith(dtype)


# ---------------------------------------------------------------------------------------------
# Convolution, deconvolution
# ---------------------------------------------------------------------------------------------

CONV_CASES = [
    dict(kernel=(3,), num_filter=4, stride=(2,), pad=(1,)),
    dict(kernel=(3, 3), num_filter=4),
    dict(kernel=(3, 2), num_filter=6, stride=(2, 1), pad=(1, 1), dilate=(1, 2), num_group=2),
    dict(kernel=(2, 2), num_filter=4, no_bias=True),
    dict(kernel=(2, 3, 2), num_filter=2, stride=(1, 2, 1), pad=(1, 0, 1)),
]


def _conv_inputs(case, in_channels=4, size=7):
    n = len(case["kernel"])
    g = case.get("num_group", 1)
    data = _rand((2, in_channels) + (size,) * n)
    weight = _rand((case["num_filter"], in_channels // g) + case["kernel"], 1, 0.3)
    bias = None if case.get("no_bias") else _rand((case["num_filter"],), 2)
    return [data, weight, bias]


@pytest.mark.parametrize("case", CONV_CASES)
def test_convolution(mx, case):
    compare(mx, "Convolution", _conv_inputs(case), **case)


@pytest.mark.parametrize("case", [c for c in CONV_CASES if len(c["kernel"]) > 1])
def test_convolution_channels_last_matches_channels_first(mx, case):
    """MXNet runs NHWC/NDHWC only on GPU: compare with its NCHW result, transposed."""
    data, weight, bias = _conv_inputs(case)
    n = len(case["kernel"])
    ref_out, _ = compare(mx, "Convolution", [data, weight, bias], **case)
    last = (0,) + tuple(range(2, n + 2)) + (1,)
    x = torch.tensor(data.transpose(last))
    w = torch.tensor(weight.transpose(last))
    x.attach_grad()
    w.attach_grad()
    layout = {2: "NHWC", 3: "NDHWC"}[n]
    args = [x, w] + ([] if bias is None else [torch.tensor(bias)])
    with shim.autograd.record():
        out = shim.nd.Convolution(*args, layout=layout, **case)
    head = _rand(tuple(out.shape), 9)
    out.backward(torch.tensor(head))
    first = (0, n + 1) + tuple(range(1, n + 1))
    x_ref = mx.nd.array(data)
    w_ref = mx.nd.array(weight)
    x_ref.attach_grad()
    w_ref.attach_grad()
    with mx.autograd.record():
        ref = mx.nd.Convolution(
            x_ref, w_ref, *([] if bias is None else [mx.nd.array(bias)]), **case
        )
    ref.backward(mx.nd.array(head.transpose(first)))
    np.testing.assert_allclose(out.detach().numpy(), ref.asnumpy().transpose(last), RTOL, ATOL)
    np.testing.assert_allclose(x.grad.numpy(), x_ref.grad.asnumpy().transpose(last), RTOL, ATOL)
    np.testing.assert_allclose(w.grad.numpy(), w_ref.grad.asnumpy().transpose(last), RTOL, ATOL)


def test_convolution_errors(mx):
    data, weight, bias = _conv_inputs(CONV_CASES[1])
    with pytest.raises(mx.base.MXNetError):
        mx.nd.Convolution(mx.nd.array(data), mx.nd.array(weight), kernel=(3, 3), num_filter=5)
    with pytest.raises(MXNetError, match="weight has shape"):
        shim.nd.Convolution(torch.tensor(data), torch.tensor(weight), kernel=(3, 3), num_filter=5)
    with pytest.raises(mx.base.MXNetError):
        mx.nd.Convolution(mx.nd.ones((1, 2, 5)), mx.nd.ones((2, 3, 2)), kernel=(3,), layout="NWC")
    with pytest.raises(MXNetError, match="NWC"):
        shim.nd.Convolution(torch.ones(1, 2, 5), torch.ones(2, 3, 2), kernel=(3,), layout="NWC")


DECONV_CASES = [
    dict(kernel=(3, 3), num_filter=4),
    dict(kernel=(3, 2), num_filter=6, stride=(2, 2), pad=(1, 0), adj=(1, 0), no_bias=False),
    dict(kernel=(3, 3), num_filter=4, stride=(2, 2), num_group=2, dilate=(2, 1)),
    # MXNet's CPU (oneDNN) kernels reject most target shapes; these two run
    dict(kernel=(3, 3), num_filter=3, stride=(2, 2), target_shape=(13, 13)),
    dict(kernel=(4, 4), num_filter=3, stride=(2, 2), target_shape=(14, 14)),
    dict(kernel=(3,), num_filter=2, stride=(3,), pad=(1,), no_bias=False),
]


@pytest.mark.parametrize("case", DECONV_CASES)
def test_deconvolution(mx, case):
    n = len(case["kernel"])
    g = case.get("num_group", 1)
    data = _rand((2, 4) + (6,) * n)
    weight = _rand((4, case["num_filter"] // g) + case["kernel"], 1, 0.3)
    bias = None if case.get("no_bias", True) else _rand((case["num_filter"],), 2)
    compare(mx, "Deconvolution", [data, weight, bias], **case)


def test_deconvolution_adj_must_be_smaller_than_stride(mx):
    kw = dict(kernel=(1, 1), dilate=(2, 2), adj=(1, 1), num_filter=4)
    with pytest.raises(mx.base.MXNetError, match="adj"):
        mx.nd.Deconvolution(mx.nd.ones((1, 4, 5, 5)), mx.nd.ones((4, 4, 1, 1)), **kw)
    with pytest.raises(MXNetError, match="adj"):
        shim.nd.Deconvolution(torch.ones(1, 4, 5, 5), torch.ones(4, 4, 1, 1), **kw)


# ---------------------------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------------------------

POOL_CASES = [
    dict(kernel=(2, 2), pool_type="max", stride=(2, 2)),
    dict(kernel=(3, 3), pool_type="max", stride=(2, 2), pad=(1, 1)),
    dict(kernel=(3, 3), pool_type="max", stride=(2, 2), pooling_convention="full"),
    dict(kernel=(3, 3), pool_type="avg", stride=(2, 2), pad=(1, 1)),
    dict(kernel=(3, 3), pool_type="avg", stride=(2, 2), pad=(1, 1), count_include_pad=False),
    dict(kernel=(2, 3), pool_type="avg", stride=(2, 2), pooling_convention="full"),
    dict(kernel=(2, 2), pool_type="sum", stride=(1, 2)),
    dict(kernel=(3,), pool_type="sum", stride=(2,), pad=(1,)),
    dict(kernel=(2, 2), pool_type="lp", p_value=2, stride=(2, 2)),
    dict(kernel=(2,), pool_type="lp", p_value=1, stride=(2,)),
    dict(kernel=(2, 2), pool_type="lp", p_value=3, stride=(2, 2)),
    dict(kernel=(3,), pool_type="max", stride=(2,), pad=(1,)),
    dict(kernel=(2, 2, 2), pool_type="avg", stride=(2, 2, 2)),
    dict(kernel=(3, 2, 2), pool_type="max", stride=(1, 2, 2), pad=(1, 1, 0)),
    dict(pool_type="max", global_pool=True, ndim=2),
    dict(pool_type="avg", global_pool=True, ndim=2),
    dict(pool_type="sum", global_pool=True, ndim=1),
    dict(pool_type="avg", global_pool=True, ndim=3, kernel=(1, 1, 1)),
    dict(pool_type="lp", p_value=2, global_pool=True, ndim=2, kernel=(2, 2)),
]


def _pool_data(case, seed=0):
    n = case.pop("ndim", None) or len(case["kernel"])
    size = {1: (9,), 2: (7, 8), 3: (5, 6, 5)}[n]
    return _rand((2, 3) + size, seed)


@pytest.mark.parametrize("case", POOL_CASES)
def test_pooling(mx, case):
    case = dict(case)
    data = _pool_data(case)
    compare(mx, "Pooling", [data], **case)


@pytest.mark.parametrize("case", [c for c in POOL_CASES if c.get("pool_type") in ("max", "avg")])
def test_pooling_channels_last_matches_channels_first(mx, case):
    case = dict(case)
    data = _pool_data(case)
    n = data.ndim - 2
    ref = mx.nd.Pooling(mx.nd.array(data), **case).asnumpy()
    last = (0,) + tuple(range(2, n + 2)) + (1,)
    layout = {1: "NWC", 2: "NHWC", 3: "NDHWC"}[n]
    out = shim.nd.Pooling(torch.tensor(data.transpose(last)), layout=layout, **case)
    np.testing.assert_allclose(out.numpy(), ref.transpose(last), RTOL, ATOL)


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum"])
@pytest.mark.parametrize("kernel,stride,pad", [(1, 2, 0), (2, 3, 0), (2, 3, 1)])
def test_pooling_full_keeps_windows_past_the_input(mx, pool_type, kernel, stride, pad):
    """'full' keeps a last window that starts past the input (torch's ceil_mode drops it): it
    holds the lowest float for max pooling and 0 otherwise, as in MXNet."""
    x = np.arange(1, 13, dtype=np.float32).reshape(1, 1, 2, 6)
    kw = dict(kernel=(1, kernel), stride=(1, stride), pad=(0, pad), pool_type=pool_type)
    ref = mx.nd.Pooling(mx.nd.array(x), pooling_convention="full", **kw).asnumpy()
    out = shim.nd.Pooling(torch.tensor(x), pooling_convention="full", **kw).numpy()
    np.testing.assert_array_equal(out, ref)


def test_avg_pooling_full_gradient_is_the_true_one(mx):
    """MXNet divides a clipped last 'full' window by its size in forward but by the kernel size
    in backward; the shim's gradient is the derivative of the forward."""
    x = np.arange(1, 8, dtype=np.float32).reshape(1, 1, 7)
    kw = dict(kernel=(2,), stride=(2,), pool_type="avg", pooling_convention="full")
    ref = mx.nd.Pooling(mx.nd.array(x), **kw).asnumpy()
    t = torch.tensor(x)
    t.attach_grad()
    with shim.autograd.record():
        y = shim.nd.Pooling(t, **kw)
    y.backward()
    np.testing.assert_array_equal(y.detach().numpy(), ref)  # [1.5, 3.5, 5.5, 7]
    np.testing.assert_array_equal(t.grad.numpy().ravel(), [0.5] * 6 + [1.0])


def test_pooling_default_stride_is_one(mx):
    compare(mx, "Pooling", [_rand((1, 2, 5, 5))], kernel=(2, 2), pool_type="avg")


# ---------------------------------------------------------------------------------------------
# BatchNorm: values, gradients, and when the moving statistics change
# ---------------------------------------------------------------------------------------------


def _bn_inputs(shape=(4, 3, 2, 2), axis=1):
    c = shape[axis]
    return [
        _rand(shape, 0),
        np.linspace(0.5, 2.0, c).astype(np.float32),
        np.linspace(-0.2, 0.3, c).astype(np.float32),
        np.linspace(0.0, 1.0, c).astype(np.float32),
        np.linspace(1.0, 3.0, c).astype(np.float32),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fix_gamma": False},
        {"fix_gamma": False, "eps": 1e-5, "momentum": 0.7},
        {},  # fix_gamma=True: gamma becomes ones, its gradient zero
        {"fix_gamma": False, "use_global_stats": True},
        {"fix_gamma": False, "axis": -1},
        {"fix_gamma": False, "axis": 2, "shape": (3, 4, 5)},
        {"fix_gamma": False, "shape": (6, 3)},
    ],
)
@pytest.mark.parametrize("train", [True, False])
def test_batch_norm_values_gradients_and_moving_stats(mx, kwargs, train):
    kwargs = dict(kwargs)
    shape = kwargs.pop("shape", (4, 3, 2, 2))
    inputs = _bn_inputs(shape, kwargs.get("axis", 1))
    grads = [True, True, True, False, False]
    mx_arrs, sh_arrs = compare(mx, "BatchNorm", inputs, grads=grads, train=train, **kwargs)
    for a, b in zip(mx_arrs, sh_arrs):  # gamma (fix_gamma writes ones), moving mean and var
        np.testing.assert_allclose(b.detach().numpy(), a.asnumpy(), RTOL, 1e-6)


def _bn_states(nd, autograd, asarray, numpy_of, scope, backward):
    x, g, b, mm, mv = [asarray(a) for a in _bn_inputs()]
    for v in (x, g, b):
        v.attach_grad()
    with scope(autograd):
        y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
    after_forward = (numpy_of(mm), numpy_of(mv))
    if backward:
        y.backward()
    return numpy_of(y), after_forward, (numpy_of(mm), numpy_of(mv))


@pytest.mark.parametrize(
    "scope,backward",
    [
        (lambda ag: ag.record(), True),
        (lambda ag: ag.record(train_mode=False), True),
        (lambda ag: ag.train_mode(), False),
        (lambda ag: ag.predict_mode(), False),
    ],
    ids=["record", "record-predict", "train_mode", "predict_mode"],
)
def test_batch_norm_moving_stats_change_in_backward_only(mx, scope, backward):
    ref = _bn_states(mx.nd, mx.autograd, mx.nd.array, lambda a: a.asnumpy(), scope, backward)
    got = _bn_states(
        shim.nd, shim.autograd, torch.tensor, lambda a: a.detach().numpy().copy(), scope, backward
    )
    for r, o in zip(ref, got):
        for a, b in zip(r if isinstance(r, tuple) else (r,), o if isinstance(o, tuple) else (o,)):
            np.testing.assert_allclose(b, a, RTOL, 1e-6)
    # after the forward alone nothing moved (both frameworks)
    np.testing.assert_array_equal(got[1][0], _bn_inputs()[3])


def test_batch_norm_twice_updates_twice(mx):
    def run(nd, autograd, asarray, numpy_of):
        x, g, b, mm, mv = [asarray(a) for a in _bn_inputs()]
        g.attach_grad()
        for _ in range(2):
            with autograd.record():
                y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False, momentum=0.5)
            y.backward()
        return numpy_of(mm), numpy_of(mv)

    ref = run(mx.nd, mx.autograd, mx.nd.array, lambda a: a.asnumpy())
    got = run(shim.nd, shim.autograd, torch.tensor, lambda a: a.numpy())
    for a, b in zip(ref, got):
        np.testing.assert_allclose(b, a, RTOL, 1e-6)


def test_batch_norm_backward_in_predict_mode_leaves_moving_stats(mx):
    def run(nd, autograd, asarray, numpy_of):
        x, g, b, mm, mv = [asarray(a) for a in _bn_inputs()]
        x.attach_grad()
        with autograd.record():
            y = nd.BatchNorm(x, g, b, mm, mv, fix_gamma=False)
        y.backward(train_mode=False)
        return numpy_of(mm), numpy_of(mv)

    ref = run(mx.nd, mx.autograd, mx.nd.array, lambda a: a.asnumpy())
    got = run(shim.nd, shim.autograd, torch.tensor, lambda a: a.numpy())
    for a, b in zip(ref, got):
        np.testing.assert_array_equal(b, a)


def test_batch_norm_output_mean_var(mx):
    for train in (True, False):
        compare(
            mx,
            "BatchNorm",
            _bn_inputs(),
            grads=[True, True, True, False, False],
            train=train,
            fix_gamma=False,
            output_mean_var=True,
        )


# ---------------------------------------------------------------------------------------------
# Other normalisations
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_layer_norm(mx, axis):
    x = _rand((3, 4, 5))
    c = x.shape[axis]
    inputs = [x, _rand((c,), 1), _rand((c,), 2)]
    compare(mx, "LayerNorm", inputs, axis=axis, eps=1e-4)
    compare(mx, "LayerNorm", inputs, axis=axis, output_mean_var=True)


def test_instance_norm(mx):
    compare(mx, "InstanceNorm", [_rand((3, 4, 5, 2)), _rand((4,), 1), _rand((4,), 2)])
    compare(mx, "InstanceNorm", [_rand((3, 4, 5)), _rand((4,), 1), _rand((4,), 2)], eps=1e-5)


@pytest.mark.parametrize("groups", [1, 2, 4])
def test_group_norm(mx, groups):
    inputs = [_rand((3, 4, 5, 2)), _rand((groups,), 1), _rand((groups,), 2)]
    compare(mx, "GroupNorm", inputs, num_groups=groups)
    compare(mx, "GroupNorm", inputs, num_groups=groups, output_mean_var=True, eps=1e-3)


# ---------------------------------------------------------------------------------------------
# Dropout, Embedding, Flatten, Pad
# ---------------------------------------------------------------------------------------------


def test_dropout_follows_training_mode(mx):
    x = torch.ones(2000)
    y = shim.nd.Dropout(x)  # not training: identity (MXNet gives a new array of the values)
    assert torch.equal(y, x) and y.data_ptr() == x.data_ptr()
    with shim.autograd.predict_mode():
        assert torch.equal(shim.nd.Dropout(x, mode="training"), x)
    for scope in (shim.autograd.record, shim.autograd.train_mode):
        with scope():
            y = shim.nd.Dropout(x, p=0.3)
        # nd results are NDArrays: `y != 0` is a float 0/1 array, as in MXNet; judge in numpy
        kept = y.asnumpy() != 0
        assert 0.6 < kept.mean() < 0.8
        np.testing.assert_allclose(y.asnumpy()[kept], 1 / 0.7, rtol=1e-6)
    y = shim.nd.Dropout(x, p=0.3, mode="always")
    assert 0.6 < (y.asnumpy() != 0).mean() < 0.8
    # real MXNet agrees on the identity outside training and the scaling inside it
    xm = mx.nd.ones(2000)
    np.testing.assert_array_equal(mx.nd.Dropout(xm).asnumpy(), 1)
    with mx.autograd.train_mode():
        ym = mx.nd.Dropout(xm, p=0.3).asnumpy()
    np.testing.assert_allclose(ym[ym != 0], 1 / 0.7, rtol=1e-6)


def test_dropout_axes_share_the_mask(mx):
    x = torch.ones(50, 4, 6)
    with shim.autograd.record():
        y = shim.nd.Dropout(x, p=0.5, axes=(1,))
    assert (y == y[:, :1, :]).asnumpy().all()  # an NDArray has no .all(), as in MXNet
    with mx.autograd.record():
        ym = mx.nd.Dropout(mx.nd.ones((50, 4, 6)), p=0.5, axes=(1,)).asnumpy()
    assert (ym == ym[:, :1, :]).all()


def test_dropout_gradient_uses_the_mask():
    x = torch.ones(1000)
    x.attach_grad()
    with shim.autograd.record():
        y = shim.nd.Dropout(x, p=0.4)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())


def test_embedding(mx):
    idx = np.array([[0, 3, 5], [2, 2, -1]], dtype=np.float32)  # 5 and -1 are clipped, as MXNet
    weight = _rand((4, 3), 1)
    compare(mx, "Embedding", [idx, weight], grads=[False, True], input_dim=4, output_dim=3)


def test_embedding_sparse_grad_raises():
    with pytest.raises(NotImplementedError, match="sparse_grad"):
        shim.nd.Embedding(
            torch.zeros(2), torch.ones(3, 2), input_dim=3, output_dim=2, sparse_grad=True
        )


def test_flatten(mx):
    compare(mx, "Flatten", [_rand((2, 3, 4))])


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad(mx, mode):
    compare(
        mx,
        "Pad",
        [_rand((2, 3, 4, 5))],
        mode=mode,
        pad_width=(0, 0, 0, 0, 1, 2, 2, 1),
        constant_value=1.5,
    )
    width = (0, 0, 0, 0, 1, 1, 0, 2, 1, 0)
    compare(mx, "pad", [_rand((1, 2, 3, 4, 4))], mode=mode, pad_width=width)


def test_pad_errors(mx):
    with pytest.raises(mx.base.MXNetError):
        mx.nd.Pad(mx.nd.ones((2, 3, 4, 5)), mode="constant", pad_width=(1, 1, 0, 0, 1, 1, 1, 1))
    with pytest.raises(MXNetError):
        shim.nd.Pad(torch.ones(2, 3, 4, 5), mode="constant", pad_width=(1, 1, 0, 0, 1, 1, 1, 1))


@pytest.mark.parametrize(
    "op,kwargs",
    [
        ("Activation", {"act_type": "relu"}),
        ("Activation", {"act_type": "sigmoid"}),
        ("Activation", {"act_type": "softsign"}),
        ("LeakyReLU", {"slope": 0.1}),
        ("LeakyReLU", {"act_type": "gelu"}),
    ],
)
def test_activations_at_zero_and_nan(mx, op, kwargs):
    """MXNet's values and gradients at the kink and at NaN (relu: NaN gives 0)."""
    x = np.array([np.nan, 0.0, -0.0, 1.0, -1.0], np.float32)
    compare(mx, op, [x], **kwargs)


def test_softmax_activation(mx):
    compare(mx, "SoftmaxActivation", [_rand((2, 3, 4))], mode="channel")
    compare(mx, "SoftmaxActivation", [_rand((3, 4))], mode="instance")
    # 3-D input in instance mode: MXNet's values are the softmax over the last axis, but its
    # gradient is not that softmax's; the shim keeps the true gradient. Values only.
    x = _rand((2, 3, 4))
    ref = mx.nd.SoftmaxActivation(mx.nd.array(x)).asnumpy()
    np.testing.assert_allclose(shim.nd.SoftmaxActivation(torch.tensor(x)).numpy(), ref, 1e-6)


def test_unknown_argument_raises_and_out_receives_the_result(mx):
    x, w, b = _rand((2, 3)), _rand((4, 3), 1), _rand((4,), 2)
    with pytest.raises(mx.base.MXNetError, match="Cannot find argument 'num_hiden'"):
        mx.nd.FullyConnected(mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), num_hiden=4)
    with pytest.raises(MXNetError, match="Cannot find argument 'num_hiden'"):
        shim.nd.FullyConnected(torch.tensor(x), torch.tensor(w), torch.tensor(b), num_hiden=4)
    ref_out = mx.nd.zeros((2, 4))
    ref = mx.nd.FullyConnected(
        mx.nd.array(x), mx.nd.array(w), mx.nd.array(b), num_hidden=4, out=ref_out, name="fc"
    )
    out = torch.zeros(2, 4)
    got = shim.nd.FullyConnected(
        torch.tensor(x), torch.tensor(w), torch.tensor(b), num_hidden=4, out=out, name="fc"
    )
    assert ref is ref_out and got is out
    np.testing.assert_allclose(out.numpy(), ref_out.asnumpy(), RTOL, ATOL)
