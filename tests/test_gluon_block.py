"""gluon.Block / HybridBlock / Sequential / gluon.utils on torch, side by side with MXNet 1.9.1.

The blocks here are tiny custom layers written with ``self.params.get`` (the same source for both
frameworks), so these tests do not depend on ``gluon.nn``.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as onp
import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.gluon import block as shim_block

shim = namespace("mxnet", "torch")

X = onp.linspace(-1, 1, 15, dtype=onp.float32).reshape(3, 5)


def _np(a):
    return a.asnumpy()


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return type(e).__name__, str(e)
    return None


@contextlib.contextmanager
def fresh_names(m):
    """Top-level name counters from zero on either framework."""
    if m is shim:
        saved = dict(shim_block._names.counter)
        shim_block._names.counter.clear()
        try:
            yield
        finally:
            shim_block._names.counter.clear()
            shim_block._names.counter.update(saved)
    else:
        with m.name.NameManager():
            yield


def layers(m):
    """The same tiny layers for either framework (``m`` is real MXNet or the shim)."""
    gluon = m.gluon

    class Lin(gluon.HybridBlock):
        def __init__(self, units, in_units=0, use_bias=True, **kwargs):
            super().__init__(**kwargs)
            self._units = units
            with self.name_scope():
                self.weight = self.params.get(
                    "weight", shape=(units, in_units), allow_deferred_init=True
                )
                self.bias = (
                    self.params.get("bias", shape=(units,), init="zeros") if use_bias else None
                )

        def infer_shape(self, x, *args):
            self.weight.shape = (self._units, x.shape[1])

        def hybrid_forward(self, F, x, weight, bias=None):
            return F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units)

    class Tanh(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.tanh(x)

    class Scale(gluon.HybridBlock):  # 2.0 style: forward instead of hybrid_forward
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.s = self.params.get("scale", shape=(1,), init=m.init.Constant(2.0))

        def forward(self, x):
            return x * self.s.data(x.context)

    class MLP(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.body = gluon.nn.HybridSequential() if m is not shim else _hseq()
                with self.body.name_scope():
                    self.body.add(Lin(4), Tanh(), Lin(3))
                self.out = Lin(2, in_units=3, use_bias=False)
                self.scale = Scale()

        def hybrid_forward(self, F, x):
            return self.scale(self.out(self.body(x)))

    return Lin, Tanh, Scale, MLP


def _hseq():
    from autograd_compat.mxnet_on_torch.gluon._sequential import HybridSequential

    return HybridSequential()


def _seq(m):
    if m is shim:
        from autograd_compat.mxnet_on_torch.gluon._sequential import Sequential

        return Sequential
    return m.gluon.nn.Sequential


def _hseq_cls(m):
    if m is shim:
        from autograd_compat.mxnet_on_torch.gluon._sequential import HybridSequential

        return HybridSequential
    return m.gluon.nn.HybridSequential


def build(m, tmp_path=None, source=None):
    """An initialized MLP; with ``source``, loaded from the file that ``source`` saved."""
    with fresh_names(m):
        net = layers(m)[3]()
    if source is None:
        net.initialize(m.init.Xavier())
    else:
        net.load_parameters(source)
    return net


def test_naming_and_collect_params(mx):
    def program(m):
        with fresh_names(m):
            Lin, Tanh, Scale, MLP = layers(m)
            a, b = Lin(2), Lin(3)
            net = MLP()
            c = Lin(1, prefix="custom_")
            seq = _hseq_cls(m)()
            with seq.name_scope():
                seq.add(Lin(1), Lin(1))
            params = net.collect_params()
            return (
                [a.name, b.prefix, net.name, c.name, seq.prefix, seq[1].prefix],
                list(params.keys()),
                list(net.collect_params(".*weight").keys()),
                list(net.collect_params("mlp0_hybridsequential0_lin1_.*|.*scale").keys()),
                list(net._collect_params_with_prefix().keys()),
                list(seq.collect_params().keys()),
                repr(params),
            )

    assert program(shim) == program(mx)


def test_forward_backward_match_after_load(mx, tmp_path):
    fname = str(tmp_path / "mlp.params")
    real = build(mx)
    x = mx.nd.array(X)
    real(x)  # finishes the deferred initialization
    real.save_parameters(fname)
    ours = build(shim, source=fname)
    for m, net in ((mx, real), (shim, ours)):
        xx = m.nd.array(X)
        with m.autograd.record():
            y = net(xx)
            loss = (y * y).sum()
        loss.backward()
        net.out_ = _np(y), [_np(p.grad()) for p in net.collect_params().values()]
    onp.testing.assert_allclose(ours.out_[0], real.out_[0], rtol=1e-5, atol=1e-6)
    for go, gr in zip(ours.out_[1], real.out_[1]):
        onp.testing.assert_allclose(go, gr, rtol=1e-5, atol=1e-6)
    # and the file written here loads in real MXNet with the same values
    fname2 = str(tmp_path / "mlp2.params")
    ours.save_parameters(fname2)
    again = build(mx, source=fname2)
    onp.testing.assert_allclose(_np(again(mx.nd.array(X))), ours.out_[0], rtol=1e-5, atol=1e-6)


def test_deferred_init_shapes(mx):
    def program(m):
        net = build(m)
        w = net.body[0].weight
        before = _raised(w.data)
        net(m.nd.array(X))
        return (
            before,
            w.shape,
            net.out.weight.shape,
            [p.shape for p in net.collect_params().values()],
        )

    assert program(shim) == program(mx)


def test_deferred_in_forward_style_block_is_a_clear_error():
    class NoInfer(shim.gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(2, 0), allow_deferred_init=True)

        def forward(self, x):
            return shim.nd.dot(x, self.w.data(), transpose_b=True)

    net = NoInfer()
    net.initialize()
    with pytest.raises(shim.gluon.DeferredInitializationError, match="infer_shape"):
        net(shim.nd.ones((1, 3)))


def test_hybridize_never_changes_results(mx):
    net = build(shim)
    x = shim.nd.array(X)
    before = _np(net(x))
    net.hybridize(static_alloc=True, static_shape=True)
    onp.testing.assert_array_equal(_np(net(x)), before)
    assert net._active and net.body[0]._active
    assert dict(net._flags)["static_alloc"] is True


def test_np_mode_outputs(mx):
    def program(m):
        class NpLayer(m.gluon.HybridBlock):
            def __init__(self):
                super().__init__()
                self.w = self.params.get("w", shape=(5,), init=m.init.One())

            def hybrid_forward(self, F, x, w):
                return F.np.tanh(x) * w

        m.npx.set_np()
        try:
            net = NpLayer()
            net.initialize()
            y = net(m.np.array(X))
            return type(y).__name__, type(net.w.data()).__name__, onp.round(_np(y), 5).tolist()
        finally:
            m.npx.reset_np()

    assert program(shim) == program(mx)


def test_hooks(mx):
    def program(m):
        net = build(m)
        calls = []
        h1 = net.body.register_forward_pre_hook(
            lambda blk, inp: calls.append(("pre", blk.name, tuple(inp[0].shape)))
        )
        h2 = net.out.register_forward_hook(
            lambda blk, inp, out: calls.append(("post", blk.name, tuple(out.shape)))
        )
        x = m.nd.array(X)
        net(x)
        h1.detach()
        net(x)
        h2.detach()
        net(x)
        with net.register_forward_hook(lambda *a: calls.append("ctx")):
            net(x)
        net(x)
        return calls

    assert program(shim) == program(mx)


def test_apply_cast_and_repr(mx):
    def program(m):
        net = build(m)
        names = []
        net.apply(lambda b: names.append(type(b).__name__))
        net(m.nd.array(X))
        net.cast("float64")
        y = net(m.nd.array(X, dtype="float64"))
        return names, str(_np(y).dtype), [p.dtype for p in net.collect_params().values()], repr(net)

    assert program(shim) == program(mx)


def test_summary_text(mx):
    def program(m):
        net = build(m)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            net.summary(m.nd.array(X))
        return buf.getvalue()

    assert program(shim) == program(mx)


def test_setattr_and_child_rules(mx):
    def program(m):
        Lin, Tanh, _, _ = layers(m)
        out = []
        net = Lin(2)
        net.child = Lin(1)
        out.append(_raised(lambda: setattr(net, "child", 3)))
        out.append(_raised(lambda: setattr(net, "weight", net.child)))
        out.append(_raised(lambda: setattr(net, "weight", m.gluon.Parameter("x", shape=(1,)))))
        seq = _hseq_cls(m)()
        out.append(_raised(lambda: seq.add(_seq(m)())))
        plain = _seq(m)()
        plain.add(Lin(1))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            plain.hybridize()
            listed = m.gluon.Block()
            listed.layers = [Lin(1)]
            listed.collect_params()
        out.append([str(x.message).split(" '")[0] for x in w])
        return [None if o is None else (o[0], o[1].split("<class")[0]) for o in out[:4]] + out[4:]

    assert program(shim) == program(mx)


def test_sequential_indexing(mx):
    def program(m):
        with fresh_names(m):
            Lin, Tanh, _, _ = layers(m)
            seq = _hseq_cls(m)()
            with seq.name_scope():
                seq.add(Lin(3, in_units=5), Tanh(), Lin(2, in_units=3))
            sub = seq[1:]
            return len(seq), type(seq[0]).__name__, len(sub), sub.prefix, repr(seq), repr(sub)

    assert program(shim) == program(mx)


@pytest.mark.filterwarnings("ignore:Parameter .* is already initialized")
def test_params_sharing(mx):
    def program(m):
        with fresh_names(m):
            Lin = layers(m)[0]
            a = Lin(2, in_units=3)
            b = Lin(2, in_units=3, params=a.collect_params())
            a.initialize()
            b.initialize()
            x = m.nd.ones((1, 3))
            return (
                b.weight is a.weight,
                list(b.collect_params().keys()),
                _np(a(x)).tolist() == _np(b(x)).tolist(),
            )

    assert program(shim) == program(mx)


def test_share_parameters_structural_names():
    Lin = layers(shim)[0]
    a, b = Lin(2, in_units=3), Lin(2, in_units=3)
    a.initialize()
    b.share_parameters(a._collect_params_with_prefix())
    assert b.weight is a.weight and b.bias is a.bias
    assert list(b.collect_params().keys()) == list(a.collect_params().keys())
    x = shim.nd.ones((1, 3))
    assert torch.equal(a(x), b(x))


def test_save_load_errors(mx, tmp_path):
    fname = str(tmp_path / "lin.params")
    with fresh_names(mx):
        src = layers(mx)[0](2, in_units=3)
    src.initialize()
    src.save_parameters(fname)

    def missing(m):
        with fresh_names(m):
            net = layers(m)[3]()
        net.load_parameters(fname)

    def extra(m):
        with fresh_names(m):
            net = layers(m)[0](2, in_units=3, use_bias=False)
        net.load_parameters(fname)

    def allowed(m):
        net = layers(m)[0](2, in_units=3, use_bias=False)
        net.load_parameters(fname, ignore_extra=True)
        big = layers(m)[3]()
        big.load_parameters(fname, allow_missing=True, ignore_extra=True)
        return _np(net.weight.data())

    for program in (missing, extra):
        real, ours = _raised(lambda p=program: p(mx)), _raised(lambda p=program: p(shim))
        assert real is not None and ours == real
    onp.testing.assert_array_equal(allowed(shim), allowed(mx))


def test_legacy_full_name_files(mx, tmp_path):
    """Files of collect_params().save() (full names) load through load_parameters."""
    fname = str(tmp_path / "full.params")
    real = build(mx)
    real(mx.nd.array(X))
    real.collect_params().save(fname, strip_prefix=real.prefix)
    ours = build(shim, source=fname)
    onp.testing.assert_allclose(
        _np(ours(shim.nd.array(X))), _np(real(mx.nd.array(X))), rtol=1e-5, atol=1e-6
    )


def test_block_save_load_structure(mx, tmp_path):
    net = build(shim)
    net(shim.nd.array(X))
    prefix = str(tmp_path / "model")
    net.save(prefix)
    again = build(mx)
    again.load(prefix)  # real MXNet reads the structure file and the parameters written here
    onp.testing.assert_allclose(
        _np(again(mx.nd.array(X))), _np(net(shim.nd.array(X))), rtol=1e-5, atol=1e-6
    )
    # and the other way, with the saved names restored on a block made under other names
    real = build(mx)
    real(mx.nd.array(X))
    real.save(prefix + "2")
    with fresh_names(shim):
        layers(shim)[3]()  # so that the block below is made under another name, mlp1
        ours = layers(shim)[3]()
    ours.load(prefix + "2")
    assert list(ours.collect_params().keys()) == list(real.collect_params().keys())
    onp.testing.assert_allclose(
        _np(ours(shim.nd.array(X))), _np(real(mx.nd.array(X))), rtol=1e-5, atol=1e-6
    )
    lin = layers(mx)[0](2, in_units=5)
    lin.initialize()
    lin.hybridize()
    lin(mx.nd.array(X))
    lin.save(prefix + "3")
    with pytest.raises(NotImplementedError, match="hybridized"):
        layers(shim)[0](2, in_units=5).load(prefix + "3")


def test_symbolic_apis_raise():
    net = build(shim)
    with pytest.raises(NotImplementedError, match="load_parameters"):
        net.export("/tmp/never")
    with pytest.raises(NotImplementedError, match="load_parameters"):
        shim.gluon.SymbolBlock.imports("a-symbol.json", ["data"])
    with pytest.raises(NotImplementedError):
        shim.gluon.SymbolBlock(None, None)


# --- gluon.utils ---------------------------------------------------------------------------


def test_split_data_and_load(mx):
    def program(m):
        data = m.nd.array(onp.arange(20, dtype=onp.float32).reshape(5, 4))
        out = [[_np(s) for s in m.gluon.utils.split_data(data, 2, even_split=False)]]
        out.append([_np(s) for s in m.gluon.utils.split_data(data, 2, batch_axis=1)])
        out.append([_np(s) for s in m.gluon.utils.split_and_load(data, [m.cpu(0)])])
        out.append(_raised(lambda: m.gluon.utils.split_data(data, 2)))
        return out

    real, ours = program(mx), program(shim)
    assert ours[3] == real[3]
    for r, o in zip(real[:3], ours[:3]):
        assert len(r) == len(o)
        for a, b in zip(r, o):
            onp.testing.assert_array_equal(b, a)


@pytest.mark.parametrize("check_isfinite", [True, False])
def test_clip_global_norm(mx, check_isfinite):
    def program(m):
        arrays = [m.nd.array([[3.0, 4.0]]), m.nd.array([12.0])]
        norm = m.gluon.utils.clip_global_norm(arrays, 1.0, check_isfinite=check_isfinite)
        norm = norm if check_isfinite else _np(norm)
        return norm, [_np(a) for a in arrays]

    real, ours = program(mx), program(shim)
    onp.testing.assert_allclose(ours[0], real[0], rtol=1e-6)
    for a, b in zip(real[1], ours[1]):
        onp.testing.assert_allclose(b, a, rtol=1e-6)


def test_clip_global_norm_nan_warns(mx):
    def program(m):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.gluon.utils.clip_global_norm([m.nd.array([onp.nan, 1.0])], 1.0)
        return [str(x.message) for x in w]

    assert program(shim) == program(mx)


def test_check_sha1_and_download_without_network(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"abc")
    assert shim.gluon.utils.check_sha1(str(f), "a9993e364706816aba3e25717850c26c9cd0d89d")
    assert shim.gluon.utils.download("file://" + str(f), path=str(tmp_path / "b.txt"))
    assert (tmp_path / "b.txt").read_bytes() == b"abc"
    with pytest.raises(RuntimeError, match="place the file"):
        shim.gluon.utils.download("file:///nonexistent/x.params", path=str(tmp_path), retries=0)


def test_hybridized_argument_structure(mx):
    def program(m):
        class Add(m.gluon.HybridBlock):
            def hybrid_forward(self, F, a, b=None):
                return a if b is None else a + b

        out = []
        for hybridize in (False, True):
            blk = Add()
            if hybridize:
                blk.hybridize()
            x = m.nd.ones((3,))
            out.append(_np(blk(x, x)).tolist())
            out.append(_raised(lambda b=blk, x=x: b(x)))  # a trailing None (default) is accepted
            out.append(_raised(lambda b=blk, x=x: b(x, 1)))
            out.append(_raised(lambda b=blk: b(None, None)))
        return [o[0] if isinstance(o, tuple) else o for o in out]

    assert program(shim) == program(mx)


def test_deferred_shapes_inferred_without_infer_shape(mx):
    """A custom block relying on MXNet's symbolic shape inference: the unknown dims are found by
    trial runs on torch's meta device (unique answer only)."""

    def program(m, np_mode):
        class Regression(m.gluon.HybridBlock):
            def __init__(self):
                super().__init__()
                with self.name_scope():
                    self.w1 = self.params.get("w1", shape=(0, 7), allow_deferred_init=True)
                    self.w2 = self.params.get("w2", shape=(7, 0), allow_deferred_init=True)
                    self.out = m.gluon.nn.Dense(3)

            def hybrid_forward(self, F, x, w1, w2):
                ops = F.np if np_mode else F
                h = ops.dot(x, w1)
                h = ops.dot(h, w2)  # w2's width is free: the Dense below takes any width
                return self.out(h)

        class Simple(m.gluon.HybridBlock):
            def __init__(self):
                super().__init__()
                with self.name_scope():
                    self.w = self.params.get("w", shape=(0, 4), allow_deferred_init=True)
                    self.b = self.params.get("b", shape=(4,), init="zeros")
                    self.out = m.gluon.nn.Dense(2)

            def hybrid_forward(self, F, x, w, b):
                ops = F.np if np_mode else F
                return self.out(ops.dot(x, w) + b)

        if np_mode:
            m.npx.set_np()
        try:
            x = (m.np if np_mode else m.nd).ones((6, 5))
            net = Simple()
            net.initialize()
            y = net(x)
            shapes = [p.shape for p in net.collect_params().values()]
            amb = Regression()
            amb.initialize()
            return shapes, tuple(y.shape), _raised(lambda: amb(x)) is None
        finally:
            m.npx.reset_np()

    ours, real = program(shim, True), program(mx, True)
    assert ours == real  # the free width of w2 is refused by both
    # Real MXNet's legacy F.dot cannot infer its right operand's dims; here they are found.
    assert program(shim, False) == ours


def test_ambiguous_deferred_shapes_raise():
    class Broadcast(shim.gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            self.w = self.params.get("w", shape=(0,), allow_deferred_init=True)

        def hybrid_forward(self, F, x, w):
            return x * w  # broadcasting accepts 1 and 5 alike

    net = Broadcast()
    net.initialize()
    with pytest.raises(shim.gluon.DeferredInitializationError, match="more than one"):
        net(shim.nd.ones((1, 5)))
    assert net.w.shape == (0,)  # nothing half-set


def test_utils_in_np_mode(mx):
    def program(m):
        m.npx.set_np()
        try:
            # (MXNet 1.9.1's clip_global_norm refuses np arrays: legacy operators inside)
            parts = m.gluon.utils.split_and_load(m.np.arange(12).reshape(6, 2), [m.cpu(0)] * 2)
            odd = m.gluon.utils.split_data(m.np.arange(5), 2, even_split=False)
            return [type(x).__name__ for x in parts + odd], [_np(p).tolist() for p in parts + odd]
        finally:
            m.npx.reset_np()

    assert program(shim) == program(mx)


def test_shape_trials_call_no_hooks_and_print_nothing(capsys):
    class Outer(shim.gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            with self.name_scope():
                self.w = self.params.get("w", shape=(0, 4), allow_deferred_init=True)
                self.inner = shim.gluon.nn.Dense(2)

        def hybrid_forward(self, F, x, w):
            print("running", tuple(x.shape))
            return self.inner(F.dot(x, w))

    net = Outer()
    net.initialize()
    calls = []
    net.inner.register_forward_hook(lambda blk, i, o: calls.append(tuple(o.shape)))
    out = net(shim.nd.ones((3, 5)))
    assert calls == [(3, 2)] and tuple(out.shape) == (3, 2)
    assert capsys.readouterr().out == "running (3, 5)\n"
    assert net.w.shape == (5, 4) and net.inner.weight.shape == (2, 4)
