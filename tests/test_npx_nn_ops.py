"""``mxnet.npx`` operators (MXNet 1.9.1's NumPy extensions) and the legacy NN operators fed
``np`` arrays under ``npx.set_np()``, side by side with real MXNet 1.9.1: outputs and gradients.
Also the ``nd.pick`` kept-axis index and the ``exclude=True`` axis range check."""

from __future__ import annotations

import numpy as onp
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")
RTOL, ATOL = 1e-5, 1e-5


@pytest.fixture
def np_mode(mx):
    mx.npx.set_np()
    shim.npx.set_np()
    yield mx
    mx.npx.reset_np()
    shim.npx.reset_np()


def _rand(shape, seed=0):
    return onp.random.RandomState(seed).randn(*shape).astype(onp.float32)


def _run(lib, fn, inputs, grads, train, kwargs):
    """``fn(*np arrays, **kwargs)`` on ``lib`` (real MXNet or the shim) inside ``record``; the
    outputs and the gradients of the inputs flagged in ``grads`` for a fixed head gradient."""
    arrs = [lib.np.array(a, dtype=a.dtype) for a in inputs]
    for a, g in zip(arrs, grads):
        if g:
            a.attach_grad()
    with lib.autograd.record(train_mode=train):
        out = fn(*arrs, **kwargs)
    outs = list(out) if isinstance(out, list | tuple) else [out]
    if any(grads):
        head = _rand(tuple(outs[0].shape), seed=7)
        head = lib.np.array(head, dtype=outs[0].dtype)
        outs[0].backward(head, train_mode=train)
    values = [o.asnumpy() for o in outs]
    return values, [a.grad.asnumpy() for a, g in zip(arrs, grads) if g], arrs, outs


def _check(mx_res, sh_res, rtol=RTOL, atol=ATOL):
    (mv, mg, *_), (sv, sg, *_) = mx_res, sh_res
    assert len(mv) == len(sv)
    for a, b in zip(mv, sv):
        assert a.shape == b.shape and a.dtype == b.dtype
        onp.testing.assert_allclose(b, a, rtol=rtol, atol=atol)
    for a, b in zip(mg, sg):
        onp.testing.assert_allclose(b, a, rtol=rtol, atol=atol)


def _idx(shape, high, seed=1):
    return onp.random.RandomState(seed).randint(0, high, shape).astype(onp.float32)


# (npx name, nd name, inputs, which inputs get gradients, kwargs)
NN_CASES = [
    ("fully_connected", "FullyConnected", [(2, 5), (3, 5), (3,)], None, {"num_hidden": 3}),
    (
        "fully_connected",
        "FullyConnected",
        [(2, 3, 5), (4, 5), (4,)],
        None,
        {"num_hidden": 4, "flatten": False},
    ),
    (
        "convolution",
        "Convolution",
        [(1, 2, 5, 5), (4, 2, 3, 3), (4,)],
        None,
        {"kernel": (3, 3), "num_filter": 4, "pad": (1, 1)},
    ),
    (
        "deconvolution",
        "Deconvolution",
        [(1, 2, 4, 4), (2, 3, 3, 3)],
        None,
        {"kernel": (3, 3), "num_filter": 3, "stride": (2, 2)},
    ),
    ("pooling", "Pooling", [(1, 2, 5, 5)], None, {"kernel": (2, 2), "pool_type": "max"}),
    ("pooling", "Pooling", [(1, 2, 5, 5)], None, {"kernel": (3, 3), "pool_type": "avg"}),
    ("pooling", "Pooling", [(2, 3, 4, 4)], None, {"global_pool": True, "pool_type": "avg"}),
    ("pooling", "Pooling", [(2, 3, 4, 4)], None, {"global_pool": True, "pool_type": "max"}),
    ("pooling", "Pooling", [(2, 3, 4, 4)], None, {"global_pool": True, "pool_type": "sum"}),
    ("pooling", "Pooling", [(2, 3, 4, 4)], None, dict(global_pool=True, pool_type="lp", p_value=3)),
    (
        "pooling",
        "Pooling",
        [(1, 2, 5, 5)],
        None,
        {"kernel": (2, 2), "stride": (2, 2), "pooling_convention": "full"},
    ),
    ("layer_norm", "LayerNorm", [(2, 3, 4), (4,), (4,)], None, {}),
    ("layer_norm", "LayerNorm", [(2, 3, 4), (3,), (3,)], None, {"axis": 1}),
    ("activation", "Activation", [(3, 4)], None, {"act_type": "relu"}),
    ("activation", "Activation", [(3, 4)], None, {"act_type": "softrelu"}),
    ("activation", "Activation", [(3, 4)], None, {"act_type": "softsign"}),
    ("leaky_relu", "LeakyReLU", [(3, 4)], None, {"slope": 0.1}),
    ("leaky_relu", "LeakyReLU", [(3, 4)], None, {"act_type": "elu", "slope": 0.3}),
    ("leaky_relu", "LeakyReLU", [(3, 4)], None, {"act_type": "gelu"}),
    ("leaky_relu", "LeakyReLU", [(2, 3, 4), (3,)], None, {"act_type": "prelu"}),
    (None, "Flatten", [(2, 3, 4)], None, {}),
    (None, "InstanceNorm", [(2, 3, 4), (3,), (3,)], None, {}),
    (None, "GroupNorm", [(2, 4, 3), (2,), (2,)], None, {"num_groups": 2}),
    (
        None,
        "Pad",
        [(1, 2, 3, 3)],
        None,
        {"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 2, 2, 1)},
    ),
]


def _nn_ids(case):
    return f"{case[0] or case[1]}-{'-'.join(f'{k}={v}' for k, v in case[4].items())}"


@pytest.mark.parametrize("case", NN_CASES, ids=[_nn_ids(c) for c in NN_CASES])
def test_nn_operators_on_np_arrays_under_set_np(np_mode, case):
    """npx.<op> on both sides, and the shim's nd.<Op> fed np arrays, give MXNet's npx values and
    gradients."""
    mx = np_mode
    npx_name, nd_name, shapes, grads, kwargs = case
    inputs = [_rand(s, seed=i) for i, s in enumerate(shapes)]
    grads = [True] * len(inputs) if grads is None else grads
    if npx_name is None:  # no npx spelling in MXNet: its nd operator on its own nd arrays
        arrs = [mx.nd.array(a) for a in inputs]
        for a in arrs:
            a.attach_grad()
        with mx.autograd.record():
            out = getattr(mx.nd, nd_name)(*arrs, **kwargs)
        out.backward(mx.nd.array(_rand(out.shape, seed=7)))
        expected = ([out.asnumpy()], [a.grad.asnumpy() for a in arrs])
    else:
        expected = _run(mx, getattr(mx.npx, npx_name), inputs, grads, True, kwargs)
        got = _run(shim, getattr(shim.npx, npx_name), inputs, grads, True, kwargs)
        _check(expected, got)
        assert all(type(o) is type(shim.np.zeros(1)) for o in got[3])
    via_nd = _run(shim, getattr(shim.nd, nd_name), inputs, grads, True, kwargs)
    _check(expected, via_nd)


def test_batch_norm_under_set_np_updates_moving_stats_in_backward(np_mode):
    mx = np_mode
    shapes = [(4, 3, 2, 2), (3,), (3,), (3,), (3,)]
    inputs = [_rand(s, seed=i) for i, s in enumerate(shapes)]
    inputs[4] = onp.abs(inputs[4]) + 0.5
    grads = [True, True, True, False, False]
    kwargs = {"fix_gamma": False, "momentum": 0.8}
    expected = _run(mx, mx.npx.batch_norm, inputs, grads, True, kwargs)
    got = _run(shim, shim.npx.batch_norm, inputs, grads, True, kwargs)
    _check(expected, got, rtol=1e-4, atol=1e-4)
    for a, b in zip(expected[2][3:], got[2][3:]):  # moving mean and var, updated in place
        onp.testing.assert_allclose(b.asnumpy(), a.asnumpy(), rtol=1e-5, atol=1e-6)
    via_nd = _run(shim, shim.nd.BatchNorm, inputs, grads, True, kwargs)
    _check(expected, via_nd, rtol=1e-4, atol=1e-4)
    # predict mode: the moving statistics, no update
    expected = _run(mx, mx.npx.batch_norm, inputs, grads, False, kwargs)
    got = _run(shim, shim.npx.batch_norm, inputs, grads, False, kwargs)
    _check(expected, got, rtol=1e-4, atol=1e-4)


def test_embedding_and_one_hot_and_pick_under_set_np(np_mode):
    mx = np_mode
    idx, weight = _idx((2, 3), 5), _rand((5, 4))
    kwargs = {"input_dim": 5, "output_dim": 4}
    for lib_res in (
        (mx, mx.npx.embedding),
        (shim, shim.npx.embedding),
        (shim, shim.nd.Embedding),
    ):
        res = _run(*lib_res, [idx, weight], [False, True], True, kwargs)
        if lib_res[0] is mx:
            expected = res
        else:
            _check(expected, res)
    data = _rand((3, 4))
    for index, kw in (
        (onp.array([0, 1, 3], onp.float32), {"axis": -1}),
        (onp.array([[0], [1], [3]], onp.float32), {"axis": -1, "keepdims": True}),
        (onp.array([[0], [5], [-1]], onp.float32), {"axis": 1}),
        (onp.array([0, 5, -1, 2], onp.float32), {"axis": 0, "mode": "wrap"}),
    ):
        expected = _run(mx, mx.npx.pick, [data, index], [True, False], True, kw)
        _check(expected, _run(shim, shim.npx.pick, [data, index], [True, False], True, kw))
    expected = _run(mx, mx.npx.one_hot, [_idx((2, 3), 6)], [False], True, {"depth": 5})
    _check(expected, _run(shim, shim.npx.one_hot, [_idx((2, 3), 6)], [False], True, {"depth": 5}))


def test_rnn_and_sequence_mask_under_set_np(np_mode):
    mx = np_mode
    steps, batch, inp, hidden = 3, 2, 4, 5
    n_params = 4 * hidden * (inp + hidden) + 8 * hidden
    inputs = [
        _rand((steps, batch, inp)),
        _rand((n_params,), seed=1) * 0.3,
        _rand((1, batch, hidden), seed=2),
        _rand((1, batch, hidden), seed=3),
    ]
    kwargs = {"state_size": hidden, "num_layers": 1, "mode": "lstm", "state_outputs": True}
    expected = _run(mx, mx.npx.rnn, inputs, [True] * 4, True, kwargs)
    _check(expected, _run(shim, shim.npx.rnn, inputs, [True] * 4, True, kwargs), 1e-4, 1e-5)
    seq = [_rand((4, 3, 2)), onp.array([1, 4, 2], onp.float32)]
    kwargs = {"use_sequence_length": True, "value": -1.0}
    expected = _run(mx, mx.npx.sequence_mask, seq, [True, False], True, kwargs)
    _check(expected, _run(shim, shim.npx.sequence_mask, seq, [True, False], True, kwargs))


@pytest.mark.parametrize(
    "act_type", ["relu", "sigmoid", "tanh", "softrelu", "softsign", "log_sigmoid", "mish", "gelu"]
)
def test_activation_accepts_exactly_mxnets_act_types(np_mode, act_type):
    mx = np_mode
    x = _rand((2, 3))
    try:
        expected = mx.npx.activation(mx.np.array(x), act_type=act_type).asnumpy()
    except mx.base.MXNetError:
        with pytest.raises(MXNetError, match="Invalid Input"):
            shim.npx.activation(shim.np.array(x), act_type=act_type)
        return
    got = shim.npx.activation(shim.np.array(x), act_type=act_type).asnumpy()
    onp.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_unknown_keyword_raises_mxnet_error(np_mode):
    mx = np_mode
    with pytest.raises(mx.base.MXNetError, match="Cannot find argument 'foo'"):
        mx.npx.activation(mx.np.ones((2,)), act_type="relu", foo=1)
    with pytest.raises(MXNetError, match="Cannot find argument 'foo'"):
        shim.npx.activation(shim.np.ones((2,)), act_type="relu", foo=1)


@pytest.mark.parametrize("axes", [(0,), (1,), (0, 2)])
def test_dropout_shares_one_draw_along_axes(np_mode, axes):
    mx = np_mode
    for lib in (mx, shim):
        x = lib.np.ones((4, 5, 3))
        with lib.autograd.record():
            out = lib.npx.dropout(x, p=0.5, axes=axes).asnumpy()
        assert set(onp.unique(out)) <= {0.0, 2.0}
        for a in axes:
            onp.testing.assert_array_equal(out, onp.broadcast_to(out.take([0], axis=a), out.shape))
        # predict mode: the identity, a new array
        y = lib.npx.dropout(x, p=0.5, axes=axes)
        onp.testing.assert_array_equal(y.asnumpy(), x.asnumpy())


def test_dropout_in_predict_mode_leaves_the_callers_array_alone():
    t = torch.ones(3)
    shim.npx.dropout(t, p=0.5)
    assert type(t) is torch.Tensor


# ---------------------------------------------------------------------------------------------
# The other npx operators
# ---------------------------------------------------------------------------------------------

RESHAPES = [
    ((2, 3, 8), (-2, -2, 2, -1), False),
    ((8, 3, 3, 3, 4, 4), (-6, 2, -1, -4), False),
    ((8, 3, 3, 3, 4, 4), (-5, -4), False),
    ((8, 1, 1, 1, 3), (-2, -3, -3, -3, -2), False),
    ((8, 3, 3, 3, 3, 8), (-4, -5), True),
    ((8, 3, 2, 4, 8), (-4, -1, 2, -6), True),
    ((2, 3, 4), (6, -1), False),
    ((2, 3, 4), (-1,), False),
    ((2, 3, 4), 24, False),
    ((2, 3, 4), (-2, -5), False),
    ((2, 3, 4), (-6, -1, 1, -2, -2), False),
]


@pytest.mark.parametrize("shape, newshape, reverse", RESHAPES)
def test_reshape_special_codes(np_mode, shape, newshape, reverse):
    mx = np_mode
    x = _rand(shape)
    kw = {"newshape": newshape, "reverse": reverse}
    expected = _run(mx, mx.npx.reshape, [x], [True], True, kw)
    _check(expected, _run(shim, shim.npx.reshape, [x], [True], True, kw))


def test_reshape_bad_codes_raise_mxnet_error(np_mode):
    mx = np_mode
    for newshape in ((-3, -2, -2), (-6, 5, -1, -2, -2)):
        with pytest.raises(mx.base.MXNetError):
            mx.npx.reshape(mx.np.ones((2, 3, 4)), newshape)
        with pytest.raises(MXNetError):
            shim.npx.reshape(shim.np.ones((2, 3, 4)), newshape)


@pytest.mark.parametrize(
    "name, inputs, grads, kwargs",
    [
        ("reshape_like", [(6,), (2, 3)], [True, False], {}),
        (
            "reshape_like",
            [(2, 3, 4), (6, 2, 2)],
            [True, False],
            {"lhs_begin": 0, "lhs_end": 2, "rhs_begin": 0, "rhs_end": 1},
        ),
        ("slice", [(3, 4)], [True], {"begin": (0, None), "end": (2, None), "step": (1, 2)}),
        ("slice", [(3, 4)], [True], {"begin": (2,), "end": (0,), "step": (-1,)}),
        ("slice", [(3, 4)], [True], {"begin": (None, -1), "end": (None, None), "step": (None, -2)}),
        ("slice", [(3, 4, 2)], [True], {"begin": (1, 1), "end": (3, -1)}),
        ("arange_like", [(2, 3)], [False], {}),
        ("arange_like", [(2, 3)], [False], {"start": 1, "step": 2, "repeat": 2}),
        ("arange_like", [(2, 3)], [False], {"start": 1, "step": 2, "repeat": 2, "axis": 1}),
        ("shape_array", [(2, 3, 1)], [False], {}),
        ("smooth_l1", [(3, 4)], [True], {"scalar": 2.0}),
        ("smooth_l1", [(3, 4)], [True], {}),
        ("cast", [(3,)], [True], {"dtype": "float64"}),
        ("cast", [(3,)], [False], {"dtype": "int32"}),
        ("erf", [(3, 2)], [True], {}),
        ("gammaln", [(4,)], [True], {}),
        ("batch_flatten", [(2, 3, 2)], [True], {}),
        ("log_softmax", [(2, 3)], [True], {"axis": 0}),
        ("topk", [(3, 4)], [False], {"k": 2, "ret_typ": "value"}),
    ],
)
def test_other_npx_operators(np_mode, name, inputs, grads, kwargs):
    mx = np_mode
    arrays = [_rand(s, seed=i) for i, s in enumerate(inputs)]
    expected = _run(mx, getattr(mx.npx, name), arrays, grads, True, kwargs)
    _check(expected, _run(shim, getattr(shim.npx, name), arrays, grads, True, kwargs))


def test_gamma_erfinv_gather_nd_nonzero(np_mode):
    mx = np_mode
    x = onp.array([-2.5, -1.5, -0.5, 0.5, 3.0], onp.float32)
    for name, data in (("gamma", x), ("erfinv", onp.array([-0.5, 0.1, 0.9], onp.float32))):
        expected = _run(mx, getattr(mx.npx, name), [data], [True], True, {})
        _check(expected, _run(shim, getattr(shim.npx, name), [data], [True], True, {}), 1e-4)
    data, idx = _rand((2, 3, 2)), onp.array([[0, 1, 1], [2, 0, 2]], onp.float32)
    expected = _run(mx, mx.npx.gather_nd, [data, idx], [True, False], True, {})
    _check(expected, _run(shim, shim.npx.gather_nd, [data, idx], [True, False], True, {}))
    z = onp.array([[0, 1.5], [2, 0], [0, 0]], onp.float32)
    _check(
        _run(mx, mx.npx.nonzero, [z], [False], True, {}),
        _run(shim, shim.npx.nonzero, [z], [False], True, {}),
    )


def test_nd_gamma_keeps_the_sign(mx):
    x = [-2.5, -1.5, -0.5, 0.5, 3.0]
    expected = mx.nd.gamma(mx.nd.array(x)).asnumpy()
    onp.testing.assert_allclose(shim.nd.gamma(shim.nd.array(x)).numpy(), expected, rtol=1e-5)


def test_gluon_global_pool_under_set_np(np_mode):
    mx = np_mode
    x = _rand((1, 3, 4, 4))
    for block in ("GlobalAvgPool2D", "GlobalMaxPool2D"):
        expected = getattr(mx.gluon.nn, block)()(mx.np.array(x)).asnumpy()
        got = getattr(shim.gluon.nn, block)()(shim.np.array(x)).asnumpy()
        onp.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


# ---------------------------------------------------------------------------------------------
# nd.pick with a kept-axis index; reductions' exclude=True axis check
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("keepdims", [True, False])
@pytest.mark.parametrize("index", [[[0], [1], [3]], [0, 1, 3]])
def test_nd_pick_index_with_the_picked_axis_kept(mx, index, keepdims):
    data = _rand((3, 4))
    results = []
    for lib in (mx, shim):
        x = lib.nd.array(data)
        x.attach_grad()
        with lib.autograd.record():
            out = lib.nd.pick(x, lib.nd.array(index), axis=-1, keepdims=keepdims)
        out.backward(lib.nd.array(_rand(tuple(out.shape), seed=7)))
        results.append((out.asnumpy(), x.grad.asnumpy()))
    for a, b in zip(*results):
        onp.testing.assert_allclose(b, a, rtol=RTOL)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "prod", "nansum"])
@pytest.mark.parametrize("axis", [2, -3, (0, 2), (0, 5)])
def test_reduction_exclude_with_axis_out_of_range_raises(mx, op, axis):
    with pytest.raises(mx.base.MXNetError) as real:
        getattr(mx.nd, op)(mx.nd.ones((2, 3)), axis=axis, exclude=True)
    message = next(line for line in str(real.value).splitlines() if "Exceeds" in line)
    with pytest.raises(MXNetError) as got:
        getattr(shim.nd, op)(shim.nd.ones((2, 3)), axis=axis, exclude=True)
    assert str(got.value) in message


@pytest.mark.parametrize("op", ["sum", "mean"])
@pytest.mark.parametrize("axis", [1, -2, (0,), (), None, (0, 1)])
def test_reduction_exclude_in_range(mx, op, axis):
    expected = getattr(mx.nd, op)(mx.nd.array(_rand((2, 3))), axis=axis, exclude=True).asnumpy()
    got = getattr(shim.nd, op)(shim.nd.array(_rand((2, 3))), axis=axis, exclude=True).numpy()
    onp.testing.assert_allclose(got, expected, rtol=RTOL)


def test_lp_pooling_without_p_value_raises(mx):
    with pytest.raises(mx.base.MXNetError):
        mx.nd.Pooling(mx.nd.ones((1, 1, 4, 4)), kernel=(2, 2), pool_type="lp")
    with pytest.raises(MXNetError, match="p_value"):
        shim.nd.Pooling(shim.nd.ones((1, 1, 4, 4)), kernel=(2, 2), pool_type="lp")


# ---------------------------------------------------------------------------------------------
# nd helpers the Gluon tests use
# ---------------------------------------------------------------------------------------------


def test_reset_arrays_zeroes_in_place(mx):
    for lib in (mx, shim):
        a, b = lib.nd.ones((2,)), lib.nd.ones((3, 2))
        assert lib.nd.reset_arrays(a, b, num_arrays=2) == []
        assert a.asnumpy().tolist() == [0.0, 0.0] and not b.asnumpy().any()
    with pytest.raises(mx.base.MXNetError, match="num_arrays"):
        mx.nd.reset_arrays(mx.nd.ones((2,)))
    with pytest.raises(MXNetError, match="num_arrays"):
        shim.nd.reset_arrays(shim.nd.ones((2,)))


@pytest.mark.parametrize("name", ["normal", "uniform", "random_normal", "random_uniform"])
def test_legacy_samplers_shape_and_dtype(mx, name):
    want = getattr(mx.nd, name)(0, 1, (2, 3), mx.cpu(), "float64")
    got = getattr(shim.nd, name)(0, 1, (2, 3), shim.cpu(), "float64")
    assert tuple(got.shape) == want.shape and got.asnumpy().dtype == want.dtype
