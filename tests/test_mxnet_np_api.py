"""``np``, ``npx`` and the legacy ``nd`` on torch, function by function, against real MXNet 1.9.1.

Each side-by-side case is a small program ``f(ns)`` run on real MXNet and on the MXNet dialect on
torch (``tests/sbs.py``): the values, shapes and dtype kinds must agree, or both must raise the same
exception class. The torch-only tests at the end cover what has no oracle (error messages for
unsupported names, the escape to plain torch, the speed-related design).
"""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st
import numpy as onp
import pytest
import torch
from sbs import run_both

import autograd_compat

pytestmark = pytest.mark.mxnet

RNG = onp.random.RandomState(0)
A34 = RNG.normal(size=(3, 4)).astype(onp.float32)
B34 = RNG.normal(size=(3, 4)).astype(onp.float32)
V4 = RNG.normal(size=4).astype(onp.float32)
POS = RNG.uniform(0.5, 2.0, size=(2, 3)).astype(onp.float32)
INT = RNG.randint(-5, 5, size=(2, 3)).astype(onp.int32)


@pytest.fixture(autouse=True, scope="module")
def _mxnet_numpy_semantics():
    # Code written against MXNet's np calls npx.set_np() first (without it MXNet cannot infer
    # some shapes); undone afterwards so other modules see MXNet's default.
    import mxnet

    mxnet.npx.set_np()
    yield
    mxnet.npx.reset_np()


def both(program, rtol=1e-5, atol=1e-6):
    return run_both(program, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------------
# np: creation and dtypes
# ---------------------------------------------------------------------------------------------

CREATION = {
    "array_int_list": lambda np: np.array([[1, 2], [3, 4]]),
    "array_float_list": lambda np: np.array([1.5, 2.5]),
    "array_scalar": lambda np: np.array(3),
    "array_numpy_int64": lambda np: np.array(onp.array([1, 2])),
    "array_numpy_float64": lambda np: np.array(onp.array([1.0, 2.0])),
    "array_numpy_bool": lambda np: np.array(onp.array([True, False])),
    "array_dtype": lambda np: np.array([1, 2], dtype="int32"),
    "array_of_array": lambda np: np.array(np.arange(3)),
    "arange": lambda np: np.arange(5),
    "arange_start_stop_step": lambda np: np.arange(1, 10, 3),
    "arange_float_step": lambda np: np.arange(0, 1, 0.2),
    "arange_int32": lambda np: np.arange(4, dtype=np.int32),
    "zeros": lambda np: np.zeros((2, 3)),
    "zeros_int": lambda np: np.zeros(3, dtype=onp.int32),
    "ones": lambda np: np.ones(4),
    "ones_python_int": lambda np: np.ones((2,), dtype=int),
    "full": lambda np: np.full((2, 2), 7),
    "full_float": lambda np: np.full(3, 0.5),
    "empty_shape": lambda np: np.empty((2, 5)).shape,
    "zeros_like": lambda np: np.zeros_like(np.array(INT)),
    "ones_like": lambda np: np.ones_like(np.arange(3)),
    "full_like": lambda np: np.full_like(np.arange(3), 9),
    "empty_like_shape": lambda np: np.empty_like(np.ones((3, 1))).shape,
    "eye": lambda np: np.eye(3),
    "eye_rect_k": lambda np: np.eye(2, 4, k=1),
    "linspace": lambda np: np.linspace(-1, 1, 9),
    "linspace_no_endpoint": lambda np: np.linspace(0, 1, 4, endpoint=False),
    "meshgrid": lambda np: np.meshgrid(np.arange(3), np.arange(2)),
    "constants": lambda np: [np.pi, np.e, np.newaxis is None],
    "float32_is_numpy": lambda np: [np.float32 is onp.float32, np.int32 is onp.int32],
}


@pytest.mark.parametrize("name", list(CREATION))
def test_creation(name):
    both(lambda ns: CREATION[name](ns.np))


# ---------------------------------------------------------------------------------------------
# np: element-wise, shapes, products, reductions
# ---------------------------------------------------------------------------------------------


def _a(np):
    return np.array(A34)


FUNCTIONS = {
    "sqrt": lambda np: np.sqrt(np.array(POS)),
    "exp": lambda np: np.exp(_a(np)),
    "log": lambda np: np.log(np.array(POS)),
    "sin": lambda np: np.sin(_a(np)),
    "cos": lambda np: np.cos(_a(np)),
    "tanh": lambda np: np.tanh(_a(np)),
    "abs": lambda np: np.abs(_a(np)),
    "square": lambda np: np.square(_a(np)),
    "power_array": lambda np: np.power(np.array(POS), _a(np)[:2, :3]),
    "power_scalar": lambda np: np.power(_a(np), 3),
    "maximum": lambda np: np.maximum(_a(np), np.array(B34)),
    "maximum_scalar": lambda np: np.maximum(_a(np), 0),
    "minimum": lambda np: np.minimum(_a(np), np.array(B34)),
    "clip": lambda np: np.clip(_a(np), -0.5, 0.5),
    "where": lambda np: np.where(_a(np) > 0, _a(np), np.array(B34)),
    "isclose": lambda np: np.isclose(_a(np), _a(np) + 1e-7),
    "allclose": lambda np: [np.allclose(_a(np), _a(np)), np.allclose(_a(np), np.array(B34))],
    "dot_vv": lambda np: np.dot(np.array(V4), np.array(V4)),
    "dot_mv": lambda np: np.dot(_a(np), np.array(V4)),
    "dot_mm": lambda np: np.dot(_a(np), np.array(B34).T),
    "dot_nd": lambda np: np.dot(np.ones((2, 3, 4)), np.ones((4, 5))),
    "matmul": lambda np: np.matmul(np.ones((2, 3, 4)), np.ones((4, 2))),
    "matmul_operator": lambda np: _a(np) @ np.array(B34).T,
    "concatenate": lambda np: np.concatenate([_a(np), np.array(B34)], axis=1),
    "concatenate_none": lambda np: np.concatenate([_a(np), np.array(B34)], axis=None),
    "stack": lambda np: np.stack([_a(np), np.array(B34)], axis=1),
    "split_sections": lambda np: np.split(_a(np), 2, axis=1),
    "split_indices": lambda np: np.split(np.arange(10), [2, 5, 9]),
    "split_unequal_raises": lambda np: np.split(np.arange(5), 2),
    "expand_dims": lambda np: np.expand_dims(_a(np), 1).shape,
    "squeeze": lambda np: np.squeeze(np.ones((1, 3, 1))).shape,
    "squeeze_axis": lambda np: np.squeeze(np.ones((1, 3, 1)), axis=2).shape,
    "reshape": lambda np: np.reshape(_a(np), (2, 6)),
    "reshape_method_args": lambda np: _a(np).reshape(2, -1),
    "reshape_method_tuple": lambda np: _a(np).reshape((4, 3)),
    "transpose": lambda np: np.transpose(np.ones((2, 3, 4))).shape,
    "transpose_axes": lambda np: np.transpose(np.arange(24).reshape(2, 3, 4), (1, 0, 2)),
    "transpose_method": lambda np: np.arange(24).reshape(2, 3, 4).transpose().shape,
    "swapaxes": lambda np: np.swapaxes(np.arange(6).reshape(1, 2, 3), 0, 2),
    "tile": lambda np: np.tile(np.arange(3), (2, 2)),
    "repeat": lambda np: np.repeat(np.arange(3), 2),
    "repeat_axis": lambda np: np.repeat(_a(np), 2, axis=0),
    "repeat_method": lambda np: np.arange(3).repeat(2),
    "flip": lambda np: np.flip(_a(np), axis=1),
    "flip_all": lambda np: np.flip(_a(np)),
    "T": lambda np: np.ones((2, 3, 4)).T.shape,
    "astype": lambda np: _a(np).astype("int32"),
    "broadcasting": lambda np: np.arange(3).reshape(3, 1) + np.arange(2),
    "scalar_ops": lambda np: [2 * _a(np), _a(np) / 4, 1 - _a(np), 2 ** np.arange(4), -_a(np)],
    "comparisons": lambda np: [_a(np) > 0, _a(np) <= np.array(B34), _a(np) == _a(np)],
    "int_division": lambda np: np.array(INT) / 2,
    "indexing_float_index": lambda np: _a(np)[np.array([2, 0])],
    "indexing_mixed": lambda np: _a(np)[1:, np.array([0, 3])],
    "indexing_bool_mask": lambda np: _a(np)[_a(np) > 0],
    "indexing_newaxis": lambda np: _a(np)[:, np.newaxis].shape,
    "len_iter": lambda np: [len(_a(np)), [r.shape for r in _a(np)]],
    "size_ndim_shape": lambda np: [_a(np).size, _a(np).ndim, _a(np).shape],
    "item_tolist": lambda np: [np.array([2.5]).item(), np.arange(3).tolist()],
    "norm": lambda np: np.linalg.norm(_a(np)),
    "norm_axis": lambda np: np.linalg.norm(_a(np), axis=1, keepdims=True),
    "norm_vector": lambda np: np.linalg.norm(np.array(V4)),
}

REDUCTIONS = ["sum", "mean", "max", "min", "prod"]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_function(name):
    both(lambda ns: FUNCTIONS[name](ns.np))


@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1), -1])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction(name, axis, keepdims):
    def program(ns):
        a = ns.np.array(POS)
        return [
            getattr(ns.np, name)(a, axis=axis, keepdims=keepdims),
            getattr(a, name)(axis=axis, keepdims=keepdims),
        ]

    both(program, rtol=1e-5)


@pytest.mark.parametrize("name", REDUCTIONS + ["argmax", "argmin", "cumsum"])
def test_reduction_of_integers_keeps_mxnets_dtype(name):
    both(
        lambda ns: [
            getattr(ns.np, name)(ns.np.array(INT)),
            getattr(ns.np, name)(ns.np.array(INT), axis=1),
        ]
    )


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(name):
    both(
        lambda ns: [
            getattr(ns.np, name)(ns.np.array(A34)),
            getattr(ns.np, name)(ns.np.array(A34), axis=0),
            getattr(ns.np.array(A34), name)(axis=1),
        ]
    )


def test_cumsum():
    both(
        lambda ns: [
            ns.np.cumsum(ns.np.array(A34)),
            ns.np.cumsum(ns.np.array(A34), axis=1),
            ns.np.array(A34).cumsum(axis=0),
        ]
    )


def test_repr_and_str_match_mxnet():
    def program(ns):
        np = ns.np
        arrays = [
            np.arange(4),
            np.array(INT),
            np.array([1.0, 2.0], dtype="float64"),
            np.arange(3) > 1,
            np.array(2.5),
            np.ones((2, 2, 2)),
        ]
        return [repr(a) for a in arrays] + [str(a) for a in arrays]

    ref = autograd_compat.namespace("mxnet", "mxnet")
    got = autograd_compat.namespace("mxnet", "torch")
    assert program(got) == program(ref)


# ---------------------------------------------------------------------------------------------
# np.random: shapes and dtypes (the streams differ by design)
# ---------------------------------------------------------------------------------------------

RANDOM = {
    "normal": lambda np: np.random.normal(0, 1, (3, 4)),
    "normal_size_kw": lambda np: np.random.normal(2.0, 0.5, size=(5,)),
    "uniform": lambda np: np.random.uniform(size=(2, 3)),
    "uniform_range": lambda np: np.random.uniform(-1, 1, (4,)),
    "randn": lambda np: np.random.randn(2, 3),
    "randint": lambda np: np.random.randint(0, 10, size=(3,)),
}


@pytest.mark.parametrize("name", list(RANDOM))
def test_random_shapes_and_dtypes(name):
    mx_np = autograd_compat.namespace("mxnet", "mxnet").np
    t_np = autograd_compat.namespace("mxnet", "torch").np
    ref, got = RANDOM[name](mx_np), RANDOM[name](t_np)
    assert got.shape == ref.shape
    assert got.asnumpy().dtype == ref.asnumpy().dtype


def test_random_seed_reproduces_a_stream():
    np = autograd_compat.namespace("mxnet", "torch").np
    np.random.seed(5)
    a = np.random.normal(0, 1, (4,))
    np.random.seed(5)
    b = np.random.normal(0, 1, (4,))
    assert (a == b).all() and type(a).__name__ == "ndarray"
    v = np.random.uniform(-1, 1, (1000,)).asnumpy()
    assert -1 <= v.min() and v.max() < 1
    r = np.random.randint(3, 7, size=(1000,)).asnumpy()
    assert r.min() >= 3 and r.max() <= 6


# ---------------------------------------------------------------------------------------------
# np arrays in autograd: gradients, head gradients, in-place rules, errors
# ---------------------------------------------------------------------------------------------


def test_gradients_of_np_and_npx_ops():
    def program(ns):
        np, npx, ag = ns.np, ns.npx, ns.autograd
        x = np.array(A34)
        x.attach_grad()
        with ag.record():
            h = npx.relu(np.dot(x, np.array(B34).T)) + npx.sigmoid(x).sum(axis=1, keepdims=True)
            y = npx.log_softmax(h) * npx.softmax(h)
            z = (
                y.sum()
                + np.linalg.norm(x)
                + np.maximum(x, 0.1).mean()
                + npx.pick(h, np.array([0, 2, 1])).sum()
            )
        z.backward()
        return [z, x.grad]

    both(program, rtol=1e-4, atol=1e-5)


def test_grad_is_an_np_array_and_slice_update_works():
    def program(ns):
        np, ag = ns.np, ns.autograd
        w = np.array(V4)
        w.attach_grad()
        g0 = w.grad
        with ag.record():
            loss = (w * w).sum()
        loss.backward()
        w[:] = w - 0.1 * w.grad
        w -= 0.01 * w.grad
        return [g0, w.grad, w, repr(w.grad)[:6]]

    both(program)


def test_setitem_on_a_variable_inside_record_raises_mxnets_error():
    def program(ns):
        x = ns.np.array(V4)
        x.attach_grad()
        with ns.autograd.record():
            x[:] = 1

    err = both(program)
    assert "Assigning to NDArrays" in str(err)


def test_backward_outside_record_raises_mxnets_error():
    def program(ns):
        x = ns.np.array(V4)
        x.attach_grad()
        y = x * 2
        y.backward()

    both(program)


def test_head_gradient_and_add_req():
    def program(ns):
        np, ag = ns.np, ns.autograd
        x = np.array(V4)
        x.attach_grad(grad_req="add")
        for _ in range(2):
            with ag.record():
                y = np.exp(x) * 2
            y.backward(np.array(V4))
        return x.grad

    both(program, rtol=1e-5)


def test_attach_grad_rejects_stype_as_mxnet_np_does():
    both(lambda ns: ns.np.ones(2).attach_grad(stype="row_sparse"))


def test_asscalar_is_gone_from_np_arrays():
    both(lambda ns: ns.np.ones(1).asscalar())


# ---------------------------------------------------------------------------------------------
# npx
# ---------------------------------------------------------------------------------------------

NPX = {
    "relu": lambda np, npx: npx.relu(np.array(A34)),
    "sigmoid": lambda np, npx: npx.sigmoid(np.array(A34)),
    "softmax": lambda np, npx: npx.softmax(np.array(A34)),
    "softmax_axis0": lambda np, npx: npx.softmax(np.array(A34), axis=0),
    "log_softmax": lambda np, npx: npx.log_softmax(np.array(A34)),
    "pick": lambda np, npx: npx.pick(np.array(A34), np.array([0, 3, 1])),
    "pick_axis0_keepdims": lambda np, npx: npx.pick(
        np.array(A34), np.array([0, 2, 1, 1]), axis=0, keepdims=True
    ),
    "pick_clips": lambda np, npx: npx.pick(np.array(A34), np.array([-1, 9, 2])),
    "one_hot": lambda np, npx: npx.one_hot(np.array([0, 2, 1]), 4),
    "one_hot_values": lambda np, npx: npx.one_hot(np.array([1, 0]), 3, 5.0, -1.0),
    "batch_dot": lambda np, npx: npx.batch_dot(np.ones((2, 3, 4)), np.ones((2, 4, 5))),
    "batch_dot_transpose": lambda np, npx: npx.batch_dot(
        np.array(A34).reshape(1, 3, 4), np.array(B34).reshape(1, 3, 4), transpose_b=True
    ),
    "num_gpus": lambda np, npx: npx.num_gpus(),
    "cpu_ctx": lambda np, npx: np.ones(2).as_in_ctx(npx.cpu()),
    "waitall": lambda np, npx: npx.waitall(),
}


@pytest.mark.parametrize("name", list(NPX))
def test_npx(name):
    both(lambda ns: NPX[name](ns.np, ns.npx))


# ---------------------------------------------------------------------------------------------
# nd: the legacy interface
# ---------------------------------------------------------------------------------------------

ND = {
    "array_float32": lambda nd: nd.array([1, 2, 3]),
    "array_numpy_int64": lambda nd: nd.array(onp.array([1, 2])),
    "zeros_ones_full": lambda nd: [nd.zeros((2, 3)), nd.ones(3), nd.full((2,), 4)],
    "arange": lambda nd: nd.arange(2, 8, 2),
    "eye_linspace": lambda nd: [nd.eye(3), nd.linspace(0, 1, 5)],
    "dot": lambda nd: nd.dot(nd.array(A34), nd.array(B34), transpose_b=True),
    "dot_vectors": lambda nd: nd.dot(nd.array(V4), nd.array(V4)),
    "sum_all": lambda nd: nd.sum(nd.array(A34)),
    "sum_axis_keepdims": lambda nd: nd.sum(nd.array(A34), axis=1, keepdims=True),
    "sum_exclude": lambda nd: nd.sum(nd.array(A34), axis=1, exclude=True),
    "mean_max_min_prod": lambda nd: [
        nd.mean(nd.array(A34), axis=0),
        nd.max(nd.array(A34)),
        nd.min(nd.array(A34), axis=1),
        nd.prod(nd.array(POS)),
    ],
    "argmax_float32": lambda nd: [
        nd.argmax(nd.array(A34), axis=1),
        nd.argmin(nd.array(A34), axis=0),
    ],
    "norm": lambda nd: nd.norm(nd.array(A34)),
    "activations": lambda nd: [
        nd.relu(nd.array(A34)),
        nd.sigmoid(nd.array(A34)),
        nd.tanh(nd.array(A34)),
    ],
    "softmax": lambda nd: [nd.softmax(nd.array(A34)), nd.log_softmax(nd.array(A34), axis=0)],
    "Activation": lambda nd: nd.Activation(nd.array(A34), act_type="softrelu"),
    "concat": lambda nd: nd.concat(nd.array(A34), nd.array(B34)),
    "concat_dim0": lambda nd: nd.concat(nd.array(A34), nd.array(B34), dim=0),
    "stack": lambda nd: nd.stack(nd.array(A34), nd.array(B34), axis=1),
    "split": lambda nd: nd.split(nd.array(A34), num_outputs=2),
    "split_squeeze": lambda nd: nd.split(nd.array(A34), 3, axis=0, squeeze_axis=True),
    "reshape_zero": lambda nd: nd.reshape(nd.array(A34), (0, 2, -1)),
    "transpose_flatten": lambda nd: [
        nd.transpose(nd.ones((2, 3, 4))).shape,
        nd.flatten(nd.ones((2, 3, 4))).shape,
    ],
    "expand_squeeze": lambda nd: [
        nd.expand_dims(nd.ones(3), 0).shape,
        nd.squeeze(nd.ones((1, 3, 1))).shape,
    ],
    "broadcast": lambda nd: [
        nd.broadcast_add(nd.ones((2, 1)), nd.arange(3)),
        nd.broadcast_mul(nd.ones((2, 1)), nd.arange(3)),
        nd.broadcast_to(nd.ones((1, 3)), (2, 3)),
    ],
    "elemwise": lambda nd: [
        nd.elemwise_add(nd.array(A34), nd.array(B34)),
        nd.elemwise_mul(nd.array(A34), nd.array(B34)),
    ],
    "maximum_power_clip": lambda nd: [
        nd.maximum(nd.array(A34), nd.array(B34)),
        nd.power(nd.array(POS), 2),
        nd.clip(nd.array(A34), -0.1, 0.1),
    ],
    "comparison_is_float": lambda nd: nd.greater(nd.array(A34), nd.array(B34)),
    "where": lambda nd: nd.where(nd.array([1, 0, 1]), nd.ones(3), nd.zeros(3)),
    "pick_one_hot": lambda nd: [
        nd.pick(nd.array(A34), nd.array([0, 3, 1])),
        nd.one_hot(nd.array([0, 2]), 3),
    ],
    "take_slice_axis": lambda nd: [
        nd.take(nd.array(A34), nd.array([2, 0])),
        nd.slice_axis(nd.array(A34), axis=1, begin=1, end=3),
    ],
    "tile_repeat_flip": lambda nd: [
        nd.tile(nd.arange(3), (2,)),
        nd.repeat(nd.arange(3), 2),
        nd.flip(nd.array(A34), axis=1),
    ],
    "topk": lambda nd: nd.topk(nd.array(A34), k=2),
    "batch_dot": lambda nd: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 4, 1))),
    "FullyConnected": lambda nd: nd.FullyConnected(
        nd.array(A34), nd.array(B34[:2]), nd.array([1.0, -1.0]), num_hidden=2
    ),
    "asscalar": lambda nd: nd.sum(nd.array(A34)).asscalar(),
    "random_shape": lambda nd: nd.random.normal(0, 1, shape=(2, 3)).shape,
    "unary": lambda nd: [
        nd.exp(nd.array(A34)),
        nd.sqrt(nd.array(POS)),
        nd.square(nd.array(A34)),
        nd.negative(nd.array(A34)),
    ],
}


@pytest.mark.parametrize("name", list(ND))
def test_nd(name):
    both(lambda ns: ND[name](ns.nd), rtol=1e-5)


def test_nd_full_reductions_have_legacy_shape_1():
    nd = autograd_compat.namespace("mxnet", "torch").nd
    mx_nd = autograd_compat.namespace("mxnet", "mxnet").nd
    for f in (
        lambda nd: nd.sum(nd.ones((2, 3))),
        lambda nd: nd.norm(nd.ones(3)),
        lambda nd: nd.dot(nd.ones(3), nd.ones(3)),
        lambda nd: nd.argmax(nd.ones(3)),
    ):
        assert tuple(f(nd).shape) == f(mx_nd).shape == (1,)


def test_nd_gradients():
    def program(ns):
        nd, ag = ns.nd, ns.autograd
        x = nd.array(A34)
        x.attach_grad()
        with ag.record():
            y = nd.sum(nd.softmax(nd.relu(x)) * nd.array(B34)) + nd.norm(x)
        y.backward()
        return x.grad

    both(program, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Torch-only: unsupported names, escapes to torch, the array type
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def ns():
    return autograd_compat.namespace("mxnet", "torch")


@pytest.mark.parametrize(
    "module, name, hint",
    [
        ("np", "interp", "numpy.interp"),
        ("np", "nonexistent_fn", "no torch function is known"),
        ("npx", "multibox_prior", "no torch function is known"),
        ("nd", "sparse", "torch.sparse"),
        ("np.linalg", "matrix_power", "torch.linalg.matrix_power"),
        ("np.random", "dirichlet", "torch"),
    ],
)
def test_unsupported_names_raise_not_implemented_naming_torch(ns, module, name, hint):
    mod = ns
    for part in module.split("."):
        mod = getattr(mod, part)
    with pytest.raises(NotImplementedError) as info:
        getattr(mod, name)
    msg = str(info.value)
    assert f"mxnet.{module}.{name}" in msg and hint in msg
    assert not hasattr(mod, name)  # also an AttributeError, so hasattr/getattr-default work


def test_set_np_with_float64_default_is_refused(ns):
    with pytest.raises(NotImplementedError, match="dtype=True"):
        ns.npx.set_np(dtype=True)
    ns.npx.set_np()
    assert ns.npx.is_np_array()
    ns.npx.reset_np()
    assert not ns.npx.is_np_array()


def test_as_torch_escape_and_torch_functions(ns):
    np = ns.np
    x = np.arange(6).reshape(2, 3)
    t = x.as_torch()
    assert type(t) is torch.Tensor and t.size() == (2, 3)
    assert x.size == 6 and x.shape == (2, 3) and type(x.shape) is tuple
    # torch functions accept the arrays and give plain tensors
    r = torch.relu(x - 2)
    assert type(r) is torch.Tensor and r.tolist() == [[0, 0, 0], [1, 2, 3]]
    # to_torch when the interop module exists; the escape hatch works regardless
    ds = torch.utils.data.TensorDataset(x.as_torch())
    assert len(ds) == 2


def test_as_torch_keeps_the_graph(ns):
    np, ag = ns.np, ns.autograd
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with ag.record():
        y = (torch.sin(x.as_torch()) * 2).sum()
    y.backward()
    onp.testing.assert_allclose(x.grad.asnumpy(), 2 * onp.cos([1.0, 2.0]), rtol=1e-6)


def test_results_are_np_arrays_and_plain_tensors_stay_plain(ns):
    np, npx = ns.np, ns.npx
    x = np.ones((2, 2))
    for r in (
        x + 1,
        1 + x,
        x * x,
        x[0],
        x.T,
        x.sum(),
        np.exp(x),
        npx.relu(x),
        x.detach(),
        x.copy(),
        x.reshape(4),
        x.astype("float64"),
        abs(x),
        -x,
        x @ x,
        x > 0,
    ):
        assert type(r).__name__ == "ndarray", r
    t = torch.ones(2)
    assert type(t + 1) is torch.Tensor and type(t.sum()) is torch.Tensor
    assert t.size() == (2,) and repr(t) == "tensor([1., 1.])"


def test_dtype_is_numpys_dtype_object(ns):
    x = ns.np.arange(3)
    assert x.dtype == onp.dtype("float32") and type(x.dtype) is type(onp.dtype("float32"))
    assert x.asnumpy().dtype == onp.float32 and onp.ones(2, dtype=x.dtype).dtype == onp.float32


def test_float_and_item_on_a_variable_do_not_warn(ns, recwarn):
    x = ns.np.array([2.0])
    x.attach_grad()
    with ns.autograd.record():
        y = x * 3
    assert float(y) == 6.0 and y.item() == 6.0 and int(y) == 6 and y.tolist() == [6.0]
    assert not [w for w in recwarn if "requires_grad" in str(w.message)]


def test_np_arrays_are_hashable_by_identity(ns):
    x = ns.np.ones(2)
    assert {x: 1}[x] == 1


def test_numpy_accepts_np_arrays_that_need_gradients(ns):
    x = ns.np.array([1.0, 4.0])
    x.attach_grad()
    assert onp.sqrt(onp.asarray(x)).tolist() == [1.0, 2.0]


def test_ndarray_from_views_a_torch_tensor(ns):
    t = torch.arange(3.0)
    x = ns.np.ndarray_from(t)
    assert type(x).__name__ == "ndarray" and repr(x) == "array([0., 1., 2.])"
    x[0] = 7
    assert t[0] == 7  # shares memory


@pytest.mark.mxnet
def test_to_torch_gives_a_plain_tensor(ns):
    x = ns.np.arange(3)
    t = autograd_compat.to_torch(x)
    assert type(t) is torch.Tensor and t.size() == (3,) and t.data_ptr() == x.data_ptr()
    assert autograd_compat.to_mxnet(x).shape == (3,)


# ---------------------------------------------------------------------------------------------
# Property: reductions and broadcasting arithmetic on random shapes agree with MXNet
# ---------------------------------------------------------------------------------------------


@st.composite
def _reduction_case(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1),
            st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple),
        )
    )
    name = draw(st.sampled_from(REDUCTIONS))
    keepdims = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    return shape, axis, name, keepdims, seed


@hypothesis.settings(deadline=None)
@hypothesis.given(_reduction_case())
def test_property_reductions(case):
    shape, axis, name, keepdims, seed = case
    data = onp.random.RandomState(seed).uniform(0.5, 1.5, size=shape).astype(onp.float32)
    both(
        lambda ns: getattr(ns.np, name)(ns.np.array(data), axis=axis, keepdims=keepdims),
        rtol=1e-5,
    )


@hypothesis.settings(deadline=None)
@hypothesis.given(
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    st.lists(st.booleans(), min_size=3, max_size=3),
    st.sampled_from(["+", "-", "*", "/", "**", "maximum", "minimum", ">"]),
)
def test_property_broadcasting_arithmetic(shape, ones, op):
    a_shape = tuple(shape)
    b_shape = tuple(1 if o else s for s, o in zip(shape, ones))
    rng = onp.random.RandomState(len(shape))
    a = rng.uniform(0.5, 2, size=a_shape).astype(onp.float32)
    b = rng.uniform(0.5, 2, size=b_shape).astype(onp.float32)

    def program(ns):
        x, y = ns.np.array(a), ns.np.array(b)
        if op in ("maximum", "minimum"):
            return getattr(ns.np, op)(x, y)
        return eval(f"x {op} y")  # noqa: S307 - a fixed operator from the list above

    both(program, rtol=1e-5)


def test_grad_of_a_computed_array_is_none_without_warning():
    def program(ns):
        x = ns.np.ones(2)
        x.attach_grad()
        with ns.autograd.record():
            y = x * 2
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return [y.grad, ns.np.ones(2).grad]

    both(program)


@pytest.mark.mxnet
def test_dir_of_np_random_lists_samplers_only(mx):
    from autograd_compat.mxnet_on_torch import np as shim_np

    public = {n for n in dir(shim_np.random) if not n.startswith("_")}
    real = {n for n in dir(mx.np.random) if not n.startswith("_")}
    # Everything MXNet lists, plus two samplers of numpy's that the shim adds.
    assert public - real == {"seed", "permutation"}
    assert real <= public
