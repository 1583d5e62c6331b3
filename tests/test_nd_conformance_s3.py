"""MXNet 1.9.1's ``test_ndarray.py``/``test_autograd.py`` behaviours, side by side with real MXNet.

Each case runs the same program on real MXNet 1.9.1 and on the shim (``run_both``) and compares
values, gradients and exception classes.
"""

from __future__ import annotations

import numpy as np
import pytest
from sbs import run_both

from autograd_compat import namespace
from autograd_compat.testing import assert_equivalent

shim = namespace("mxnet", "torch")

pytestmark = pytest.mark.mxnet


# --- arcsinh / arccosh: MXNet's second derivative has the opposite sign of the true one -------


@pytest.mark.parametrize("iface", ["nd", "np"])
@pytest.mark.parametrize(
    "name, values", [("arcsinh", [-2.0, -0.5, 0.3, 1.5]), ("arccosh", [1.5, 2.0, 3.0])]
)
def test_inverse_hyperbolic_higher_order_grads(iface, name, values):
    def program(mx):
        if iface == "np":
            x, f = mx.np.array(values), getattr(mx.np, name)
        else:
            x, f = mx.nd.array(values), getattr(mx.nd, name)
        x.attach_grad()
        with mx.autograd.record():
            y = f(x)
            g1 = mx.autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
            g2 = mx.autograd.grad(g1, x, create_graph=True, retain_graph=True)[0]
        g2.backward()  # third order
        return y.asnumpy(), g1.asnumpy(), g2.asnumpy(), x.grad.asnumpy()

    run_both(program)


def test_arcsinh_zero_head_gradient_second_order():
    def program(mx):
        x = mx.nd.array([0.5, 1.0, -1.0])
        x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.arcsinh(x)
            g = mx.autograd.grad(
                y,
                x,
                head_grads=mx.nd.array([0.0, 2.0, -0.0]),
                create_graph=True,
                retain_graph=True,
            )[0]
        g.backward()
        return g.asnumpy(), x.grad.asnumpy()

    run_both(program)


def test_arcsinh_sign_is_mxnets():
    """Pinned: the shim's second derivative is MXNet's (+x/(x²+1)^1.5), not the true one."""
    x = shim.nd.array([0.5])
    x.attach_grad()
    with shim.autograd.record():
        g = shim.autograd.grad(shim.nd.arcsinh(x), x, create_graph=True, retain_graph=True)[0]
    g.backward()
    assert x.grad.asnumpy()[0] == pytest.approx(0.5 / 1.25**1.5, rel=1e-6)
    assert np.isfinite(x.grad.asnumpy()).all()


# --- autograd: `from mxnet.autograd import *` and NDArray._fresh_grad ------------------------


def test_autograd_star_import_gives_ndarray(mx):
    def names(module_name):
        ns: dict = {}
        exec(f"from {module_name} import *", ns)  # noqa: S102 - the import under test
        return ns

    want = names("mxnet.autograd")
    got = names("autograd_compat.mxnet_on_torch.autograd")
    assert got["NDArray"] is shim.nd.NDArray
    public = {"NDArray", "record", "pause", "train_mode", "predict_mode", "backward", "grad"}
    public |= {"mark_variables", "is_recording", "is_training", "set_recording", "set_training"}
    public |= {"Function", "get_symbol"}
    assert public <= set(want) and public <= set(got)


def test_fresh_grad():
    def program(mx):
        nd, seen = mx.nd, []
        x, y = nd.ones((2, 2)), nd.ones((2, 2))
        dx, dy = nd.zeros_like(x), nd.zeros_like(x)
        mx.autograd.mark_variables([x, y], [dx, dy])
        seen.append((x._fresh_grad, y._fresh_grad))
        with mx.autograd.record():
            z = (x + 2) + y
        z.backward()
        seen.append((x._fresh_grad, y._fresh_grad))
        dx[:] = 0
        x._fresh_grad = False
        y._fresh_grad = False
        seen.append((x._fresh_grad, y._fresh_grad))
        with mx.autograd.record():
            z = (x + 2).detach() + y
        z.backward()
        seen.append((x._fresh_grad, y._fresh_grad))
        x._fresh_grad = True
        seen.append(x._fresh_grad)
        x.attach_grad()  # a new buffer is not fresh
        seen.append(x._fresh_grad)
        seen.append(nd.ones(2)._fresh_grad)
        return seen, dx.asnumpy()

    assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"), strict=True)


def test_fresh_grad_set_on_non_variable_raises():
    def program(mx):
        a = mx.nd.ones(2)
        a._fresh_grad = True

    run_both(program)


# --- nd._internal crop/slice assignment, moveaxis and broadcast_like checks --------------------


@pytest.mark.parametrize(
    "call",
    [
        "nd._internal._crop_assign(x, nd.zeros((1, 2)), begin=(0, 1), end=(1, 3))",
        "nd._internal._slice_assign(x, nd.zeros((2, 2)), begin=(0, -1), end=(None, None),"
        " step=(1, -2))",
        "nd._internal._crop_assign_scalar(x, scalar=5, begin=(None, None), end=(None, 3),"
        " step=(1, 2))",
        "nd._internal._slice_assign_scalar(x, scalar=7, begin=(1,), end=(2,), out=x)",
        "nd._internal._crop_assign(x, nd.zeros((2, 2)), begin=(0, 1), end=(1, 3))",
    ],
)
def test_internal_slice_assign(call):
    def program(mx):
        env = {"nd": mx.nd, "x": mx.nd.arange(6).reshape((2, 3))}
        r = eval(call, env)  # noqa: S307 - the test's own expressions
        return r.asnumpy(), env["x"].asnumpy()

    run_both(program)


@pytest.mark.parametrize(
    "args",
    [(3, 0), (-4, 0), (0, 5), ([0, 0], [0, 1]), ([0, 1], [1, 1]), (0, [0, 1]), ([0, 1], [0])]
    + [(-1, 0), ((0, -1), (-1, 0)), ([2, 0], [0, 2])],
)
def test_moveaxis(args):
    def program(mx):
        return mx.nd.moveaxis(mx.nd.arange(6).reshape((1, 2, 3)), *args).asnumpy()

    run_both(program)


@pytest.mark.parametrize(
    "lhs, rhs, la, ra",
    [((1, 2, 1, 3), (5, 6, 7, 8), (0, 2), (1, 3)), ((2, 1), (1, 7, 9, 1, 1), (1,), (-3,))]
    + [((1, 3), (2, 3), (), ())],
)
def test_broadcast_like_axes(lhs, rhs, la, ra):
    def program(mx):
        r = mx.nd.broadcast_like(mx.nd.ones(lhs), mx.nd.ones(rhs), lhs_axes=la, rhs_axes=ra)
        return r.asnumpy()

    run_both(program)


# --- optimizer update operators as nd functions ------------------------------------------------

_UPDATES = [
    ("sgd_update", 2, {"lr": 0.1, "wd": 1e-3, "rescale_grad": 0.5, "clip_gradient": 0.3}),
    ("sgd_mom_update", 3, {"lr": 0.1, "momentum": 0.9, "wd": 1e-3}),
    ("nag_mom_update", 3, {"lr": 0.1, "momentum": 0.9, "wd": 1e-3}),
    ("signsgd_update", 2, {"lr": 0.1, "wd": 1e-3}),
    ("signum_update", 3, {"lr": 0.1, "momentum": 0.9, "wd": 1e-3, "wd_lh": 1e-3}),
    ("adam_update", 4, {"lr": 0.1, "wd": 1e-3}),
    ("rmsprop_update", 3, {"lr": 0.1, "wd": 1e-3}),
    ("rmspropalex_update", 5, {"lr": 0.1, "wd": 1e-3}),
    ("ftrl_update", 4, {"lr": 0.1, "wd": 1e-3}),
    ("ftml_update", 5, {"lr": 0.1, "t": 3, "wd": 1e-3, "clip_grad": 0.3}),
]


@pytest.mark.parametrize("name, count, params", _UPDATES)
@pytest.mark.parametrize("where", ["weight", "none", "other"])
def test_update_ops(name, count, params, where):
    rng = np.random.default_rng(0)
    values = [rng.uniform(0.1, 1.0, (2, 3)).astype(np.float32) for _ in range(count)]

    def program(mx):
        arrays = [mx.nd.array(v) for v in values]
        out = {"weight": arrays[0], "none": None, "other": mx.nd.zeros((2, 3))}[where]
        r = getattr(mx.nd, name)(*arrays, out=out, **params)
        return r.asnumpy(), [a.asnumpy() for a in arrays], r is arrays[0], r is out

    run_both(program, rtol=1e-4, atol=1e-5)


def test_update_op_needs_lr():
    def program(mx):
        return mx.nd.sgd_update(mx.nd.ones(2), mx.nd.ones(2))

    run_both(program)


# --- DLPack, from_numpy, raw-bytes state, contiguity of basic slices ---------------------------


@pytest.mark.parametrize("how", ["read", "write", "nd_read", "nd_write"])
def test_dlpack_round_trip_shares_memory(how):
    def program(mx):
        a = mx.nd.arange(6).reshape((2, 3))
        if how.startswith("nd_"):
            pack = getattr(mx.nd, "to_dlpack_for_" + how[3:])(a)
        else:
            pack = getattr(a, "to_dlpack_for_" + how)()
        b = mx.nd.from_dlpack(pack)
        b[0, 0] = 42  # shared memory
        return type(b).__name__, b.asnumpy(), a.asnumpy()

    run_both(program)


def test_dlpack_from_torch_and_numpy():
    import torch

    b = shim.nd.from_dlpack(torch.utils.dlpack.to_dlpack(torch.arange(3.0)))
    assert isinstance(b, shim.nd.NDArray) and b.asnumpy().tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("zero_copy", [True, False])
def test_from_numpy(zero_copy):
    def program(mx):
        src = np.array([[1, 2], [3, 4], [5, 6]], dtype="float32")
        a = mx.nd.from_numpy(src, zero_copy=zero_copy)
        writable = bool(src.flags["WRITEABLE"])
        a[2, 1] = 100
        # MXNet's engine does not know that a second zero-copy array of `src` aliases `a`: without
        # this wait it reads 6 or 100 at random (12 of 300 runs read 6 on MXNet 1.9.1).
        a.wait_to_read()
        again = mx.nd.from_numpy(src, zero_copy=zero_copy).asnumpy()  # read-only source
        return a.asnumpy(), src, writable, again, str(a.dtype)

    run_both(program)


@pytest.mark.parametrize("zero_copy", [True, False])
def test_from_numpy_non_contiguous(zero_copy):
    def program(mx):
        return mx.nd.from_numpy(np.arange(6.0).reshape((2, 3)).T, zero_copy=zero_copy).asnumpy()

    run_both(program)


def test_getstate_bytes_are_mxnets(mx):
    a = np.arange(6, dtype=np.float32).reshape((2, 3))
    want = mx.nd.array(a).__getstate__()
    got = shim.nd.array(a).__getstate__()
    assert type(got["handle"]) is bytearray and got["handle"] == want["handle"]


def test_setstate_loads_mxnet_bytes_and_gpu_arrays(mx):
    # The state of mx.nd.arange(1, ctx=mx.gpu()) (device type 2), as MXNet 1.9.1's own test has.
    gpu_state = {
        "handle": bytearray(
            bytes.fromhex(
                "c9fa93f90000000001000000" + "01" + "00" * 7 + "02000000000000000000000000000000"
            )
        )
    }
    a = shim.nd.arange(1)
    a.__setstate__(gpu_state)
    assert a.asnumpy().tolist() == [0.0]

    def program(mx):
        src = mx.nd.array([[1, 2, 3]], dtype="int32")
        dst = mx.nd.zeros((5,))
        dst.__setstate__(src.__getstate__())
        return dst.asnumpy(), str(dst.dtype), dst.shape

    run_both(program)


def test_basic_indexing_slice_is_contiguous():
    from itertools import product

    shape = (3, 4, 5)
    slices = [slice(None), slice(2), slice(1, 3), slice(None, None, 2), slice(0, 1)]
    slices += [slice(None, None, -1), slice(2, None, -2), slice(None, None, 20)]
    x_np = np.arange(60).reshape(shape)
    check = shim.nd.NDArray._basic_indexing_slice_is_contiguous
    for key in product(slices, repeat=3):
        assert check(key, shape) == x_np[key].flags.contiguous, key
        if check(key, shape):  # MXNet gives a view: writes reach the array
            y = shim.nd.array(x_np)
            part = y[key]
            part[:] = -1
            assert (y[key].asnumpy() == -1).all(), key


# --- more legacy operators (fluent methods too) and mx.name ------------------------------------

_MORE_OPS = [
    "nd.argmax_channel(x)",
    "x.argmax_channel()",
    "nd.shape_array(x)",
    "x.size_array()",
    "nd.softmin(x)",
    "x.softmin(axis=0)",
    "nd.softmin(x, temperature=2.0)",
    "nd.split_v2(x, 2, axis=2)",
    "x.split_v2((1, 3), axis=2)",
    "nd.split_v2(x, 3, axis=1, squeeze_axis=True)",
    "nd.split_v2(x, 3, axis=2)",
    "nd.nanprod(nan)",
    "nan.nanprod(axis=1)",
    "nd.nanprod(nan, axis=0, keepdims=True)",
    "nd.broadcast_axes(nd.ones((2, 1)), axis=1, size=3)",
    "nd.ones((2, 1, 1)).broadcast_axes(axis=(1, 2), size=(3, 4))",
    "nd.broadcast_axis(nd.ones((2, 1)), axis=1, size=3)",
]


@pytest.mark.parametrize("expr", _MORE_OPS)
def test_more_ops(expr):
    def program(mx):
        env = {
            "nd": mx.nd,
            "x": mx.nd.array(np.arange(24).reshape((2, 3, 4)) % 5),
            "nan": mx.nd.array([[1, np.nan, 2], [3, 4, np.nan]]),
        }
        r = eval(expr, env)  # noqa: S307 - the test's own expressions
        if isinstance(r, list):
            return [(a.asnumpy(), str(a.dtype)) for a in r]
        return r.asnumpy(), str(r.dtype)

    run_both(program)


def test_name_manager(mx):
    def names(name):
        with name.NameManager() as m:
            out = [m.get(None, "fc"), m.get(None, "fc"), m.get("mine", "fc")]
        with name.Prefix("net_") as p:
            out += [p.get(None, "conv"), p.get("x", "conv")]
        return out

    from autograd_compat.mxnet_on_torch import name as shim_name

    assert names(shim_name) == names(mx.name)


# --- indexing: negative steps, and writes of recorded values inside record() -------------------

_NEG_KEYS = [
    "slice(None, None, -1)",
    "slice(7, 0, -1)",
    "slice(None, None, -2)",
    "(slice(None, None, -1), 2, slice(1, 5), 1)",
    "(slice(1, 8, 2), slice(14, 2, -2), slice(3, 8), slice(0, 7, 3))",
    "(Ellipsis, slice(None, None, -3))",
    "(None, slice(5, None, -2), [1, 2])",
    "(slice(0, 0, -1),)",
]


@pytest.mark.parametrize("key", _NEG_KEYS)
def test_negative_step_indexing(key):
    def program(mx):
        x = mx.nd.array(np.arange(8 * 16 * 9 * 9, dtype="float32").reshape((8, 16, 9, 9)))
        k = eval(key)  # noqa: S307 - the test's own expressions
        got = x[k]
        got[:] = -1  # a copy: x keeps its values
        before = x.asnumpy().copy()
        x[k] = -np.arange(got.size, dtype="float32").reshape(got.shape)
        return got.shape, before.sum(), x.asnumpy()

    run_both(program)


_RECORDED_WRITES = [
    "x[0] = y[0]",
    "x[[0, 1]] = y[:2]",
    "x[1:3] = y[1:3]",
    "x[:] = y",
    "x[...] = y",
    "x[None] = y",
    "x[0:3] = y",
    "x[0] = nd.ones((2,))",
    "x[0] = 5",
    "x[0] = [1, 2]",
    "x[::-1] = y",
    "x += y",
    "x += 1",
    "x[:] += 1",
    "w = y * 2; w[0] = 3",
    "w = y * 2; w[:] = nd.zeros((3, 2))",
    "w = y * 2; w += 1",
    "w = y * 2; w[0] = y[0]",
]


@pytest.mark.parametrize("stmt", _RECORDED_WRITES)
def test_writes_of_recorded_values_inside_record(stmt):
    def program(mx):
        y = mx.nd.arange(6).reshape((3, 2))
        y.attach_grad()
        x = mx.nd.zeros((3, 2))
        with mx.autograd.record():
            exec(stmt, {"x": x, "y": y, "nd": mx.nd})  # noqa: S102 - the test's own statements
            z = (x * 2).sum()
        z.backward()
        return x.asnumpy(), y.grad.asnumpy()

    run_both(program)


@pytest.mark.parametrize(
    "expr",
    [
        "nd.topk(a, axis=None, k=5, is_ascend=False, dtype='int32')",
        "nd.topk(a, axis=None, k=3, ret_typ='value')",
        "nd.topk(a, axis=None, k=3, ret_typ='mask')",
        "nd.topk(a, axis=None, k=2, ret_typ='both')",
        "a.topk(axis=None, k=4)",
        "nd.sort(a, axis=None)",
        "a.sort(axis=None, is_ascend=False)",
        "nd.argsort(a, axis=None)",
        "nd.topk(a, axis=1, k=2)",
    ],
)
def test_order_over_the_flattened_array(expr):
    def program(mx):
        a = mx.nd.array(np.random.default_rng(3).permutation(24).reshape((2, 3, 4)))
        r = eval(expr, {"nd": mx.nd, "a": a})  # noqa: S307 - the test's own expressions
        if isinstance(r, list):
            return [(x.asnumpy(), str(x.dtype)) for x in r]
        return r.asnumpy(), str(r.dtype)

    run_both(program)


def test_load_params_saved_from_gpu(tmp_path, mx):
    """A .params file whose arrays were saved on a GPU (device type 2) loads on the CPU."""
    fname = str(tmp_path / "gpu.params")
    mx.nd.save(fname, [mx.nd.arange(6).reshape((2, 3))])
    raw = bytearray(open(fname, "rb").read())
    # header (3 x u64), then magic, stype, ndim (u32 each), 2 dims (i64), then the device type
    at = 24 + 12 + 16
    assert raw[at : at + 4] == (1).to_bytes(4, "little")
    raw[at : at + 4] = (2).to_bytes(4, "little")
    with open(fname, "wb") as f:
        f.write(raw)
    (got,) = shim.nd.load(fname)
    assert got.asnumpy().tolist() == [[0, 1, 2], [3, 4, 5]]
    assert got.context == shim.cpu()
