"""gluon.Parameter / Constant / ParameterDict on torch, side by side with real MXNet 1.9.1."""

from __future__ import annotations

import warnings

import numpy as onp
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")

W = onp.arange(6, dtype=onp.float32).reshape(2, 3) / 10
X = onp.array([[1.0, -2.0, 0.5]], dtype=onp.float32)


def _np(a):
    return a.asnumpy()


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return type(e), str(e)
    return None


def _same_error(mx, program):
    """``program(m)`` raises the same class (by name) and message on both sides."""
    real, ours = _raised(lambda: program(mx)), _raised(lambda: program(shim))
    assert real is not None and ours is not None, (real, ours)
    assert ours[0].__name__ == real[0].__name__, (real, ours)
    assert ours[1] == real[1]
    return ours


def test_repr(mx):
    def program(m):
        p = m.gluon.Parameter("w", shape=(2, 3))
        p16 = m.gluon.Parameter("h", shape=(2,), dtype="float16")
        c = m.gluon.Constant("c", [[1, 2], [3, 4]])
        pd = m.gluon.ParameterDict("net_")
        pd.get("w", shape=(2, 3))
        pd.get("b", shape=(0,), allow_deferred_init=True)
        return [repr(p), repr(p16), repr(c), repr(pd), repr(m.gluon.ParameterDict())]

    assert program(shim) == program(mx)


@pytest.mark.parametrize(
    "case",
    [
        "uninitialized",
        "deferred",
        "bad_grad_req",
        "bad_shape",
        "invalid_shape",
        "null_grad",
        "shape_mismatch_get",
        "dtype_mismatch_get",
        "update_conflict",
        "no_constant",
        "reset_ctx",
    ],
)
def test_errors(mx, case):
    def program(m):
        P = m.gluon.Parameter
        if case == "uninitialized":
            P("y", shape=(2, 3)).data()
        elif case == "deferred":
            q = P("x", shape=(2, 0), allow_deferred_init=True)
            q.initialize()
            q.data()
        elif case == "bad_grad_req":
            P("y", grad_req="foo")
        elif case == "bad_shape":
            q = P("x", shape=(2, 0))
            q.shape = (2, 5)
            q.shape = (3, 5)
        elif case == "invalid_shape":
            P("x", shape=(2, 0)).initialize()
        elif case == "null_grad":
            q = P("z", shape=(2,), grad_req="null")
            q.initialize()
            q.grad()
        elif case == "shape_mismatch_get":
            pd = m.gluon.ParameterDict("a_")
            pd.get("w", shape=(2, 3))
            pd.get("w", shape=(4, 3))
        elif case == "dtype_mismatch_get":
            pd = m.gluon.ParameterDict("a_")
            pd.get("w", shape=(2, 3))
            pd.get("w", dtype="float16")
        elif case == "update_conflict":
            a, b = m.gluon.ParameterDict("a_"), m.gluon.ParameterDict("a_")
            a.get("w", shape=(1,))
            b.get("w", shape=(1,))
            a.update(b)
        elif case == "no_constant":
            m.gluon.ParameterDict("a_").get_constant("c")
        elif case == "reset_ctx":
            P("q", shape=(1,)).reset_ctx(m.cpu())

    _same_error(mx, program)


def test_deferred_error_classes(mx):
    err = _same_error(
        mx,
        lambda m: (lambda q: (q.initialize(), q.data()))(
            m.gluon.Parameter("x", shape=(0, 2), allow_deferred_init=True)
        ),
    )
    cls = err[0]
    assert issubclass(cls, MXNetError) and issubclass(cls, RuntimeError)
    assert cls is shim.gluon.DeferredInitializationError


def test_shape_fill_and_deferred_set_data(mx):
    def program(m):
        q = m.gluon.Parameter("x", shape=(2, 0), allow_deferred_init=True)
        q.initialize(init=m.init.Zero())
        q.set_data(m.nd.array(W))  # stored until the shape is known, then used
        q.shape = (2, 3)
        q._finish_deferred_init()
        return q.shape, _np(q.data()), q.list_ctx()[0] == m.cpu()

    r, o = program(mx), program(shim)
    assert r[0] == o[0] and r[2] == o[2]
    onp.testing.assert_array_equal(o[1], r[1])


@pytest.mark.parametrize("grad_req", ["write", "add", "null"])
def test_grad_req_through_record(mx, grad_req):
    def program(m):
        w = m.gluon.Parameter("w", shape=(2, 3), grad_req=grad_req)
        b = m.gluon.Parameter("b", shape=(2,))
        w.initialize()
        b.initialize()
        w.set_data(m.nd.array(W))
        b.set_data(m.nd.array([0.5, -1.0]))
        x = m.nd.array(X)
        out = []
        for _ in range(2):
            with m.autograd.record():
                y = m.nd.dot(x, w.data(), transpose_b=True) + b.data()
                loss = (y * y).sum()
            loss.backward()
            out.append(_np(b.grad()))
            if grad_req != "null":
                out.append(_np(w.grad()))
        if grad_req == "null":
            out.append(_raised(w.grad)[0].__name__)
        return out

    real, ours = program(mx), program(shim)
    assert len(real) == len(ours)
    for r, o in zip(real, ours):
        if isinstance(r, str):
            assert r == o
        else:
            onp.testing.assert_allclose(o, r, rtol=1e-5)


def test_grad_req_switch_and_zero_grad(mx):
    def program(m):
        w = m.gluon.Parameter("w", shape=(2, 3))
        w.initialize()
        w.set_data(m.nd.array(W))
        x = m.nd.array(X)
        res = []
        for req in ("add", "add", "write", "null", "write"):
            w.grad_req = req
            if req == "null":
                res.append(w.grad_req)
                continue
            with m.autograd.record():
                y = (m.nd.dot(x, w.data(), transpose_b=True) ** 2).sum()
            y.backward()
            res.append(_np(w.grad()).copy())
        w.zero_grad()
        res.append(_np(w.grad()))
        return res

    for r, o in zip(program(mx), program(shim)):
        if isinstance(r, str):
            assert r == o
        else:
            onp.testing.assert_allclose(o, r, rtol=1e-5)


def test_parameter_dict_get_update_setattr(mx):
    def program(m):
        pd = m.gluon.ParameterDict("net_")
        w = pd.get("w", shape=(2, 0), allow_deferred_init=True)
        assert pd.get("w", shape=(2, 3)) is w  # the unknown dim is filled
        pd.get("b", shape=(3,), init="zeros", lr_mult=2.0)
        shared = m.gluon.ParameterDict("net_", shared=pd)
        assert shared.get("w") is w
        other = m.gluon.ParameterDict("x_")
        other.get("v", shape=(1,))
        pd.update(other)
        pd.setattr("wd_mult", 0.5)
        c = pd.get_constant("c", [[1.0, 2.0]])
        assert pd.get_constant("c") is c
        return (
            list(pd.keys()),
            list(shared.keys()),
            w.shape,
            pd["net_b"].lr_mult,
            [p.wd_mult for p in pd.values()],
            pd["net_b"].init,
            c.grad_req,
            repr(pd),
        )

    assert program(shim) == program(mx)


def test_constant(mx):
    def program(m):
        c = m.gluon.Constant("const", [[1, 2], [3, 4]])
        c.initialize()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            c.grad_req = "write"
        x = m.nd.ones((2, 2))
        x.attach_grad()
        with m.autograd.record():
            y = (x * c.data()).sum()
        y.backward()
        return _np(c.data()), c.grad_req, str(w[0].message), _np(x.grad), c.shape

    for r, o in zip(program(mx), program(shim)):
        if isinstance(r, onp.ndarray):
            onp.testing.assert_array_equal(o, r)
        else:
            assert o == r


def test_initialize_warning_force_reinit_cast(mx):
    def program(m):
        p = m.gluon.Parameter("w", shape=(2, 3), init=m.init.One())
        p.initialize()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            p.initialize()
        p.initialize(init=m.init.Constant(2.0), force_reinit=True)
        v = _np(p.data())
        p.cast("float64")
        x = m.nd.ones((1, 3), dtype="float64")
        with m.autograd.record():
            y = m.nd.dot(x, p.data(), transpose_b=True).sum()
        y.backward()
        return str(w[0].message), v, p.dtype, str(_np(p.data()).dtype), _np(p.grad())

    real, ours = program(mx), program(shim)
    assert real[0] == ours[0] and real[2] == ours[2] and real[3] == ours[3]
    onp.testing.assert_array_equal(ours[1], real[1])
    onp.testing.assert_array_equal(ours[4], real[4])


def test_several_contexts(mx):
    def program(m):
        p = m.gluon.Parameter("w", shape=(2, 2), init=m.init.One())
        p.initialize(ctx=[m.cpu(0), m.cpu(1)])
        a, b = p.list_data()
        a[:] = 3  # the copies are independent
        return len(p.list_data()), len(p.list_grad()), len(p.list_ctx()), _np(b), _np(p._reduce())

    real, ours = program(mx), program(shim)
    assert real[:3] == ours[:3]
    onp.testing.assert_array_equal(ours[3], real[3])
    onp.testing.assert_array_equal(ours[4], real[4])


def test_reset_ctx_keeps_values():
    p = shim.gluon.Parameter("w", shape=(2, 2))
    p.initialize()
    before = p.data().asnumpy()
    p.reset_ctx([shim.cpu(0)])
    onp.testing.assert_array_equal(p.data().asnumpy(), before)
    assert p.grad().shape == (2, 2)


def test_save_load_both_ways(mx, tmp_path):
    def build(m, prefix):
        pd = m.gluon.ParameterDict(prefix)
        pd.get("w", shape=(2, 3))
        pd.get("b", shape=(3,), dtype="float64")
        return pd

    for src, dst in ((mx, shim), (shim, mx)):
        fname = str(tmp_path / f"pd_{src is mx}.params")
        a = build(src, "net_")
        a.initialize()
        a.save(fname, strip_prefix="net_")
        b = build(dst, "other_")
        b.load(fname, restore_prefix="other_")
        for pa, pb in zip(a.values(), b.values()):
            onp.testing.assert_array_equal(_np(pb.data()), _np(pa.data()))
            assert _np(pb.data()).dtype == _np(pa.data()).dtype


def test_load_errors(mx, tmp_path):
    fname = str(tmp_path / "one.params")
    real = mx.gluon.ParameterDict("net_")
    real.get("w", shape=(2, 3)).initialize()
    real.save(fname)

    def missing(m):
        pd = m.gluon.ParameterDict("net_")
        pd.get("w", shape=(2, 3))
        pd.get("v", shape=(1,))
        pd.load(fname)

    def extra(m):
        m.gluon.ParameterDict("net_").load(fname)

    def shape(m):
        pd = m.gluon.ParameterDict("net_")
        pd.get("w", shape=(3, 3))
        pd.load(fname)

    def dtype(m):
        pd = m.gluon.ParameterDict("net_")
        pd.get("w", shape=(2, 3), dtype="float16")
        pd.load(fname)

    def strip(m):
        pd = m.gluon.ParameterDict("net_")
        pd.get("w", shape=(1,)).initialize()
        pd.save(fname + "x", strip_prefix="other_")

    for program in (missing, extra, shape, dtype, strip):
        _same_error(mx, program)


def test_cast_dtype_on_load(mx, tmp_path):
    fname = str(tmp_path / "half.params")
    real = mx.gluon.ParameterDict("")
    real.get("w", shape=(2,), dtype="float16").initialize()
    real.save(fname)

    def program(m, source):
        pd = m.gluon.ParameterDict("")
        pd.get("w", shape=(2,))
        pd.load(fname, cast_dtype=True, dtype_source=source)
        return str(_np(pd["w"].data()).dtype), str(onp.dtype(pd["w"].dtype))

    for source in ("current", "saved"):
        assert program(shim, source) == program(mx, source)


def test_tensor_is_a_torch_leaf_for_torch_tools():
    pd = shim.gluon.ParameterDict("n_")
    w = pd.get("w", shape=(2, 3))
    pd.initialize(init=shim.init.One())
    t = w.data()
    assert isinstance(t, torch.Tensor) and t.is_leaf and t.requires_grad
    with shim.autograd.record():
        y = (t * 3).sum()
    y.backward()
    assert t.grad is w.grad()
    total = torch.nn.utils.clip_grad_norm_([p.data() for p in pd.values()], 1.0)
    assert float(total) == pytest.approx(3 * 6**0.5, rel=1e-5)
    assert float(torch.linalg.vector_norm(w.grad())) == pytest.approx(1.0, rel=1e-4)
    opt = torch.optim.SGD([p.data() for p in pd.values()], lr=1.0)
    opt.step()
    assert torch.allclose(w.data(), torch.full((2, 3), 1 - 6**-0.5))
    # MXNet-style update of a variable outside record() works too.
    w.data()[:] = w.data() - 0.5 * w.grad()


def test_np_mode_arrays(mx):
    def program(m):
        m.npx.set_np()
        try:
            p = m.gluon.Parameter("w", shape=(2, 2), init=m.init.One())
            p.initialize()
            return type(p.data()).__name__, type(p.grad()).__name__, p.shape
        finally:
            m.npx.reset_np()

    assert program(shim) == program(mx)
    p = shim.gluon.Parameter("w", shape=(2,))
    p.initialize()
    assert type(p.data()) is not shim.np.ndarray  # back to the legacy class


def test_var_and_sparse_raise():
    with pytest.raises(NotImplementedError, match="symbol"):
        shim.gluon.Parameter("w", shape=(1,)).var()
    with pytest.raises(NotImplementedError, match="sparse"):
        shim.gluon.Parameter("w", shape=(1,), stype="row_sparse")
