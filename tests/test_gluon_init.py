"""mx.init on torch against MXNet 1.9.1: deterministic initializers exactly, random ones by their
statistics (the streams differ: torch's generator), dispatch, registry and dumps() exactly."""

from __future__ import annotations

import warnings

import numpy as onp
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")


def _np(a):
    return a.asnumpy()


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return type(e).__name__, str(e)
    return None


def run(m, init, name, shape):
    """``init(InitDesc(name), zeros(shape))`` on either framework, as numpy."""
    arr = m.nd.zeros(shape)
    init(m.init.InitDesc(name), arr)
    return _np(arr)


def dumps_cases(m):
    return [
        m.init.Uniform(),
        m.init.Uniform(0.3),
        m.init.Normal(0.5),
        m.init.Xavier(factor_type="in", magnitude=2.34),
        m.init.Xavier("gaussian", "out", 2),
        m.init.MSRAPrelu(),
        m.init.MSRAPrelu("in", 0.1),
        m.init.Constant(3.0),
        m.init.Constant(onp.ones(2)),
        m.init.Zero(),
        m.init.One(),
        m.init.Orthogonal(),
        m.init.Bilinear(),
        m.init.LSTMBias(2.0),
    ]


def test_dumps_and_create_round_trip(mx):
    assert [i.dumps() for i in dumps_cases(shim)] == [i.dumps() for i in dumps_cases(mx)]
    for i in dumps_cases(shim):
        again = shim.init.create(i.dumps())
        assert type(again) is type(i) and again.dumps() == i.dumps()


def test_create_by_name_and_errors(mx):
    def program(m):
        out = [type(m.init.create(n)).__name__ for n in ("zeros", "ones", "uniform", "xavier")]
        out.append(type(m.init.create("normal", sigma=2.0)).__name__)
        out.append(m.init.create({"initializer": "normal", "sigma": 2.0}).dumps())
        inst = m.init.One()
        out.append(m.init.create(inst) is inst)
        out.append(_raised(lambda: m.init.create("nosuch")))
        out.append(_raised(lambda: m.init.create(inst, 1)))
        return out

    assert program(shim) == program(mx)


def test_register_custom(mx):
    def program(m):
        @m.init.register
        @m.init.alias("h6init")
        class H6Custom(m.init.Initializer):
            def _init_weight(self, _, arr):
                arr[:] = 0.25

            def _init_bias(self, _, arr):
                arr[:] = 1

        p = m.gluon.Parameter("fc_weight", shape=(2,), init="h6init")
        p.initialize()
        b = m.gluon.Parameter("fc_bias", shape=(2,))
        b.initialize(init="h6custom")
        return _np(p.data()).tolist(), _np(b.data()).tolist()

    assert program(shim) == program(mx)


@pytest.mark.parametrize(
    "name", ["fc_weight", "fc_bias", "bn_gamma", "bn_beta", "q_min", "q_max", "odd"]
)
def test_name_dispatch(mx, name):
    real = _raised(lambda: run(mx, mx.init.Constant(0.5), name, (2, 3)))
    ours = _raised(lambda: run(shim, shim.init.Constant(0.5), name, (2, 3)))
    assert ours == real
    if real is None:
        onp.testing.assert_array_equal(
            run(shim, shim.init.Constant(0.5), name, (2, 3)),
            run(mx, mx.init.Constant(0.5), name, (2, 3)),
        )


@pytest.mark.parametrize("name", ["conv_weight", "conv_bias", "bn_moving_var", "bn_moving_mean"])
def test_legacy_string_call(mx, name):
    def program(m):
        arr = m.nd.zeros((2, 3))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m.init.Constant(0.5)(name, arr)
        return _np(arr).tolist(), [x.category.__name__ for x in w]

    assert program(shim) == program(mx)


@pytest.mark.parametrize(
    "shape",
    [(2, 3, 4, 4), (1, 1, 3, 3), (3, 2, 5, 6), (2, 2, 4, 5)],
    ids=lambda s: "x".join(map(str, s)),
)
def test_bilinear_exact(mx, shape):
    onp.testing.assert_array_equal(
        run(shim, shim.init.Bilinear(), "up_weight", shape),
        run(mx, mx.init.Bilinear(), "up_weight", shape),
    )


def test_deterministic_exact(mx):
    for make, name, shape in (
        (lambda m: m.init.Constant(onp.arange(3.0)), "w_weight", (2, 3)),
        (lambda m: m.init.Zero(), "w_weight", (2, 3)),
        (lambda m: m.init.One(), "w_weight", (2, 3)),
        (lambda m: m.init.LSTMBias(1.5), "l_bias", (16,)),
    ):
        onp.testing.assert_array_equal(
            run(shim, make(shim), name, shape), run(mx, make(mx), name, shape)
        )


@pytest.mark.parametrize("rand_type", ["uniform", "normal"])
@pytest.mark.parametrize("shape", [(4, 6), (6, 4), (3, 2, 2, 2)])
def test_orthogonal(rand_type, shape):
    w = run(shim, shim.init.Orthogonal(scale=2.0, rand_type=rand_type), "w_weight", shape)
    flat = w.reshape(shape[0], -1) / 2.0
    gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
    onp.testing.assert_allclose(gram, onp.eye(gram.shape[0]), atol=1e-5)


def _stats(m, init, shape):
    w = run(m, init, "x_weight", shape)
    return w.mean(), w.std(), w.min(), w.max()


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda m: m.init.Uniform(), (200, 300)),
        (lambda m: m.init.Uniform(0.5), (200, 300)),
        (lambda m: m.init.Normal(0.2), (200, 300)),
        (lambda m: m.init.Xavier(), (100, 50, 3, 3)),
        (lambda m: m.init.Xavier("gaussian", "in", 2), (300, 200)),
        (lambda m: m.init.Xavier("uniform", "out", 3), (200, 300)),
        (lambda m: m.init.MSRAPrelu(), (64, 32, 3, 3)),
    ],
)
def test_random_statistics(mx, make, shape):
    torch.manual_seed(0)
    rm, rs, rlo, rhi = _stats(mx, make(mx), shape)
    om, os_, olo, ohi = _stats(shim, make(shim), shape)
    assert abs(om - rm) < 0.02 * rs + 1e-3
    assert os_ == pytest.approx(rs, rel=0.02)
    if (
        isinstance(make(shim), shim.init.Normal)
        or getattr(make(shim), "rnd_type", "") == "gaussian"
    ):
        return
    # uniform: the same bounds, nearly reached
    assert -rhi * 1.0001 <= olo <= -rhi * 0.99 and rhi * 0.99 <= ohi <= rhi * 1.0001


def test_uniform_is_the_default_and_seeded():
    p = shim.gluon.Parameter("w", shape=(100, 100))
    shim.random.seed(7)
    p.initialize()
    a = p.data().asnumpy()
    assert abs(a).max() <= 0.07 and abs(a).max() > 0.069
    shim.random.seed(7)
    p.initialize(force_reinit=True)
    onp.testing.assert_array_equal(p.data().asnumpy(), a)


def test_xavier_vector_error(mx):
    assert _raised(lambda: run(shim, shim.init.Xavier(), "b_weight", (3,))) == _raised(
        lambda: run(mx, mx.init.Xavier(), "b_weight", (3,))
    )


def test_mixed_and_load(mx):
    def program(m):
        mixed = m.init.Mixed([".*bias", ".*"], [m.init.Constant(1.0), m.init.Constant(2.0)])
        out = [run(m, mixed, "fc_bias", (2,)).tolist(), run(m, mixed, "fc_weight", (2,)).tolist()]
        load = m.init.Load(
            {"arg:fc_weight": m.nd.array([[1.0, 2.0]]), "aux:bn_var": m.nd.array([3.0])},
            default_init=m.init.Constant(9.0),
        )
        for name, shape in (("fc_weight", (1, 2)), ("bn_var", (1,)), ("other_weight", (2,))):
            arr = m.nd.zeros(shape)
            load(name, arr)
            out.append(_np(arr).tolist())
        out.append(_raised(lambda: load("fc_weight", m.nd.zeros((3,)))))
        nomatch = m.init.Mixed(["a"], [m.init.Zero()])
        out.append(_raised(lambda: nomatch("b", m.nd.zeros((1,)))))
        return out

    assert program(shim) == program(mx)


def test_load_from_file(mx, tmp_path):
    fname = str(tmp_path / "init.params")
    mx.nd.save(fname, {"arg:w_weight": mx.nd.array([[1.0, 2.0]])})
    arr = shim.nd.zeros((1, 2))
    shim.init.Load(fname)("w_weight", arr)
    assert arr.tolist() == [[1.0, 2.0]]


def test_verbose_logs(caplog):
    import logging

    init = shim.init.Constant(1.0).set_verbosity(True)
    with caplog.at_level(logging.INFO):
        init(shim.init.InitDesc("w_weight"), torch.zeros(4))
    assert "Initialized w_weight as weight: 1.0" in caplog.text


def test_fused_rnn_raises():
    with pytest.raises(NotImplementedError, match="gluon.rnn"):
        run(shim, shim.init.FusedRNN(None, 4, 1, "lstm"), "rnn_parameters_weight", (8,))


def test_custom_initializer_in_np_mode(mx, capsys):
    """d2l's custom initializer: it sees each weight in the active interface's array class."""

    def program(m):
        class MyInit(m.init.Initializer):
            def _init_weight(self, name, data):
                print("Init", name, data.shape, type(data).__name__)
                data[:] = m.np.random.uniform(-10, 10, data.shape)
                data *= m.np.abs(data) >= 5

        m.npx.set_np()
        try:
            p = m.gluon.Parameter("dense0_weight", shape=(8, 4))
            p.initialize(MyInit())
            w = p.data().asnumpy()
        finally:
            m.npx.reset_np()
        assert ((w == 0) | (abs(w) >= 5)).all() and (abs(w) <= 10).all()
        return capsys.readouterr().out

    assert program(shim) == program(mx)
