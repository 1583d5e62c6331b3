"""``gluon.rnn`` on torch, side by side with real MXNet 1.9.1.

Each case builds the same layer or cell in both, initialises it in MXNet, writes random values
for every parameter with ``save_parameters`` and loads that file on the shim; the same inputs
(and begin states) then go through both inside ``autograd.record()``, and the outputs, the
returned states, the gradients of the inputs and states, and every parameter gradient are
compared (rtol 1e-5, float32)."""

from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")
# Gradients summed over time and batch reach ~10 in float32: atol 1e-5 on those.
RTOL, ATOL = 1e-5, 1e-5


def _rand(shape, seed=0, scale=1.0):
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32)


def _is_mx(fw):
    return fw is not shim


def _arr(fw, x):
    if isinstance(x, _Lengths):
        x = x.values
    return fw.nd.array(x) if _is_mx(fw) else torch.tensor(x)


def _np(a):
    return a.asnumpy() if hasattr(a, "asnumpy") else a.detach().numpy().copy()


def _flat(out):
    if isinstance(out, list | tuple):
        return [a for o in out for a in _flat(o)]
    return [out]


def _random_file(mx, build, call, inputs, path, seed=1):
    """Initialise in MXNet, finish deferred initialisation with one call, then write random
    values for every parameter to ``path`` (``save_parameters``' format)."""
    net = build(mx)
    net.initialize()
    call(net, [_arr(mx, x) for x in inputs])
    net.save_parameters(path)
    rs = np.random.RandomState(seed)
    loaded = mx.nd.load(path)
    mx.nd.save(path, {k: mx.nd.array(rs.randn(*v.shape) * 0.5) for k, v in loaded.items()})


def _run(fw, net, call, inputs, heads, train=True):
    arrays = [_arr(fw, x) for x in inputs]
    # valid_length (an integer-valued input) gets no gradient: MXNet leaves its buffer
    # uninitialised.
    differentiable = [a for x, a in zip(inputs, arrays) if not _is_lengths(x)]
    for a in differentiable:
        a.attach_grad()
    with fw.autograd.record(train_mode=train):
        outs = _flat(call(net, arrays))
        loss = sum((o * _arr(fw, h)).sum() for o, h in zip(outs, heads))
    loss.backward()
    params = net.collect_params()
    grads = [_np(p.grad()) for p in params.values() if p.grad_req != "null"]
    # Top-level prefixes come from per-process counters; the names below them must agree.
    names = [k[len(net.prefix) :] for k in params.keys()]
    return [_np(o) for o in outs], [_np(a.grad) for a in differentiable], grads, names


class _Lengths:
    """A valid_length input (marked so that it gets no gradient)."""

    def __init__(self, values):
        self.values = np.array(values, dtype=np.float32)


def _lengths(values):
    return _Lengths(values)


def _is_lengths(x):
    return isinstance(x, _Lengths)


def check(mx, build, call, inputs, rtol=RTOL, atol=ATOL, names=True, train=True, grads=True):
    """Compare ``call(net, arrays)`` (outputs and states) and all gradients (recorded with
    ``train_mode=train``); ``grads=False`` compares a plain forward. Returns both nets."""
    fd, path = tempfile.mkstemp(suffix=".params")
    os.close(fd)
    try:
        _random_file(mx, build, call, inputs, path)
        ref = build(mx)
        ref.load_parameters(path)
        net = build(shim)
        net.load_parameters(path)
    finally:
        os.remove(path)
    outs_probe = _flat(call(ref, [_arr(mx, x) for x in inputs]))
    if not grads:
        outs = _flat(call(net, [_arr(shim, x) for x in inputs]))
        assert len(outs) == len(outs_probe)
        for a, b in zip(outs_probe, outs):
            np.testing.assert_allclose(_np(b), a.asnumpy(), rtol, atol)
        return ref, net
    heads = [_rand(o.shape, seed=10 + i) for i, o in enumerate(outs_probe)]
    r_out, r_in, r_par, r_names = _run(mx, ref, call, inputs, heads, train)
    s_out, s_in, s_par, s_names = _run(shim, net, call, inputs, heads, train)
    if names:
        assert s_names == r_names
    assert len(s_out) == len(r_out)
    for a, b in zip(r_out, s_out):
        assert a.shape == b.shape
        np.testing.assert_allclose(b, a, rtol, atol)
    for a, b in zip(r_in, s_in):
        np.testing.assert_allclose(b, a, rtol, atol)
    assert len(s_par) == len(r_par)
    for a, b in zip(r_par, s_par):
        np.testing.assert_allclose(b, a, rtol, atol)
    return ref, net


# ---------------------------------------------------------------------------------------------
# Fused layers
# ---------------------------------------------------------------------------------------------

_MODES = {
    "rnn_relu": ("RNN", {"activation": "relu"}, 1),
    "rnn_tanh": ("RNN", {"activation": "tanh"}, 1),
    "lstm": ("LSTM", {}, 2),
    "gru": ("GRU", {}, 1),
}
T, N, C, H = 4, 3, 5, 6


@pytest.mark.parametrize("mode", sorted(_MODES))
@pytest.mark.parametrize("layout", ["TNC", "NTC"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_layer_side_by_side(mx, mode, layout, bidirectional, num_layers):
    cls, kw, n_states = _MODES[mode]
    dirs = 2 if bidirectional else 1

    def build(fw):
        return getattr(fw.gluon.rnn, cls)(
            H, num_layers=num_layers, layout=layout, bidirectional=bidirectional, **kw
        )

    x = _rand((T, N, C) if layout == "TNC" else (N, T, C))
    states = [_rand((num_layers * dirs, N, H), seed=3 + i) for i in range(n_states)]
    # Without states: the output alone; with states: (output, [states]).
    check(mx, build, lambda net, a: net(a[0]), [x])
    check(mx, build, lambda net, a: net(a[0], list(a[1:])), [x, *states])


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_projection(mx, bidirectional):
    dirs = 2 if bidirectional else 1

    def build(fw):
        return fw.gluon.rnn.LSTM(
            H, num_layers=2, projection_size=3, bidirectional=bidirectional, input_size=C
        )

    x = _rand((T, N, C))
    h0, c0 = _rand((2 * dirs, N, 3), seed=4), _rand((2 * dirs, N, H), seed=5)
    # MXNet 1.9.1 has no backward for projections on CPU: the forward is compared.
    _, net = check(mx, build, lambda net, a: net(a[0], [a[1], a[2]]), [x, h0, c0], grads=False)
    assert net.l1_h2h_weight.shape == (4 * H, 3)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_lstm_state_clip(mx, bidirectional):
    dirs = 2 if bidirectional else 1

    def build(fw):
        return fw.gluon.rnn.LSTM(
            H, num_layers=2, bidirectional=bidirectional, state_clip_min=-0.2, state_clip_max=0.3
        )

    # MXNet 1.9.1's CPU kernel ignores the bounds (only cuDNN clips): so does the shim on CPU.
    x = _rand((T, N, C), scale=2.0)
    states = [_rand((2 * dirs, N, H), seed=4 + i) for i in range(2)]
    check(mx, build, lambda net, a: net(a[0], list(a[1:])), [x, *states])
    check(mx, build, lambda net, a: net(a[0]), [x])


@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("projection", [False, True])
def test_clipped_lstm_steps(bidirectional, projection):
    """The GPU path (cuDNN's clipping): with bounds never reached it is torch's fused LSTM, and
    with tight bounds the cell states stay inside them."""
    from autograd_compat.mxnet_on_torch import seq_ops

    dirs, hr = (2 if bidirectional else 1), (3 if projection else H)
    rs = np.random.RandomState(0)
    weights = []
    for layer in range(2):
        ni = C if layer == 0 else hr * dirs
        for _ in range(dirs):
            shapes = [(4 * H, ni), (4 * H, hr), (4 * H,), (4 * H,)] + [(hr, H)] * projection
            weights += [torch.tensor(rs.randn(*s).astype(np.float32) * 0.5) for s in shapes]
    for w in weights:
        w.requires_grad_()
    x = torch.tensor(_rand((T, N, C)), requires_grad=True)
    states = [torch.tensor(_rand((2 * dirs, N, s), seed=3)) for s in (hr, H)]
    args = (x, weights, states, 2, bidirectional, 0.0)
    out, (h, c) = seq_ops.clipped_lstm(*args, -1e9, 1e9, projection)
    ref, (h_ref, c_ref) = seq_ops.fused_rnn(x, weights, states, "lstm", 2, bidirectional)
    for a, b in ((out, ref), (h, h_ref), (c, c_ref)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    g = torch.autograd.grad(out.sum() + c.sum(), [x, *weights])
    g_ref = torch.autograd.grad(ref.sum() + c_ref.sum(), [x, *weights])
    for a, b in zip(g, g_ref):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    _, (_, c) = seq_ops.clipped_lstm(*args, -0.2, 0.3, projection)
    c = c.detach().numpy()
    assert c.min() >= np.float32(-0.2) and c.max() <= np.float32(0.3)


def test_layer_single_state_array_and_float64(mx):
    def build(fw):
        return fw.gluon.rnn.GRU(H, input_size=C, dtype="float64")

    x = _rand((T, N, C)).astype(np.float64)
    h0 = _rand((1, N, H), seed=4).astype(np.float64)

    ref = build(mx)
    ref.initialize()
    net = build(shim)
    fd, path = tempfile.mkstemp(suffix=".params")
    os.close(fd)
    try:
        ref.save_parameters(path)
        net.load_parameters(path)
    finally:
        os.remove(path)
    r_out, r_h = ref(mx.nd.array(x, dtype="float64"), mx.nd.array(h0, dtype="float64"))
    s_out, s_h = net(torch.tensor(x), torch.tensor(h0))
    assert s_out.dtype == torch.float64
    np.testing.assert_allclose(_np(s_out), r_out.asnumpy(), 1e-10)
    np.testing.assert_allclose(_np(s_h[0]), r_h[0].asnumpy(), 1e-10)


def test_layer_parameter_names_and_files_both_ways(mx):
    def build(fw):
        net = fw.gluon.nn.HybridSequential(prefix="net_")
        with net.name_scope():
            net.add(fw.gluon.rnn.LSTM(H, num_layers=2, bidirectional=True))
            net.add(fw.gluon.rnn.GRU(H, input_size=2 * H))
        return net

    ref, net = build(mx), build(shim)
    assert list(net.collect_params().keys()) == list(ref.collect_params().keys())
    assert "net_lstm0_r1_h2h_bias" in net.collect_params().keys()
    ref.initialize()
    x = _rand((T, N, C))
    ref(mx.nd.array(x))
    with tempfile.TemporaryDirectory() as d:
        ref.save_parameters(os.path.join(d, "a.params"))
        net.load_parameters(os.path.join(d, "a.params"))
        net.save_parameters(os.path.join(d, "b.params"))
        written = mx.nd.load(os.path.join(d, "b.params"))
        expected = mx.nd.load(os.path.join(d, "a.params"))
        assert list(written) == list(expected)
        assert "0._unfused.1.r_cell.h2h_bias" in written
        for k in expected:
            np.testing.assert_array_equal(written[k].asnumpy(), expected[k].asnumpy())
        ref2 = build(mx)
        ref2.load_parameters(os.path.join(d, "b.params"))
    np.testing.assert_allclose(
        net(torch.tensor(x)).detach().numpy(), ref2(mx.nd.array(x)).asnumpy(), RTOL, ATOL
    )


def test_layer_begin_state_repr_and_errors(mx):
    for fw in (mx, shim):
        layer = fw.gluon.rnn.LSTM(H, num_layers=2, bidirectional=True, layout="NTC")
        states = layer.begin_state(batch_size=N)
        assert [tuple(s.shape) for s in states] == [(4, N, H), (4, N, H)]
        assert not any(_np(s).any() for s in states)
        ones = layer.begin_state(N, func=fw.nd.ones)
        assert _np(ones[1]).all()
    assert repr(shim.gluon.rnn.LSTM(H, num_layers=2, bidirectional=True)) == repr(
        mx.gluon.rnn.LSTM(H, num_layers=2, bidirectional=True)
    )
    assert repr(shim.gluon.rnn.GRU(H, input_size=C, dropout=0.5)) == repr(
        mx.gluon.rnn.GRU(H, input_size=C, dropout=0.5)
    )
    layer = shim.gluon.rnn.GRU(H, input_size=C)
    layer.initialize()
    with pytest.raises(ValueError, match="Invalid recurrent state shape"):
        layer(torch.zeros(T, N, C), torch.zeros(2, N, H))
    with pytest.raises(AssertionError, match="Invalid layout"):
        shim.gluon.rnn.GRU(H, layout="NCT")


def test_layer_dropout_follows_training_mode():
    layer = shim.gluon.rnn.LSTM(H, num_layers=2, dropout=0.5, input_size=C)
    layer.initialize()
    x = torch.tensor(_rand((T, N, C)))
    a, b = layer(x), layer(x)  # predict mode: no dropout
    np.testing.assert_array_equal(_np(a), _np(b))
    with shim.autograd.record():
        c = layer(x)
    assert not np.allclose(_np(c), _np(a))


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------

_CELLS = {
    "rnn_tanh": lambda fw, **kw: fw.gluon.rnn.RNNCell(H, **kw),
    "rnn_relu": lambda fw, **kw: fw.gluon.rnn.RNNCell(H, activation="relu", **kw),
    "rnn_softsign": lambda fw, **kw: fw.gluon.rnn.RNNCell(H, activation="softsign", **kw),
    "lstm": lambda fw, **kw: fw.gluon.rnn.LSTMCell(H, **kw),
    "lstm_softsign": lambda fw, **kw: fw.gluon.rnn.LSTMCell(
        H, activation="softsign", recurrent_activation="tanh", **kw
    ),
    "gru": lambda fw, **kw: fw.gluon.rnn.GRUCell(H, **kw),
}


def _n_states(kind):
    return 2 if kind.startswith("lstm") else 1


def _unroll(layout, merge, valid, n_states):
    """A call that unrolls with begin states (inputs after the data) and ``valid_length``."""

    def call(net, a):
        begin = list(a[1 : 1 + n_states])
        vl = a[1 + n_states] if valid else None
        return net.unroll(
            T, a[0], begin_state=begin, layout=layout, merge_outputs=merge, valid_length=vl
        )

    return call


@pytest.mark.parametrize("kind", sorted(_CELLS))
@pytest.mark.parametrize("layout", ["NTC", "TNC"])
@pytest.mark.parametrize("merge", [True, False])
@pytest.mark.parametrize("valid", [False, True])
def test_cell_unroll_side_by_side(mx, kind, layout, merge, valid):
    def build(fw):
        return _CELLS[kind](fw, prefix="cell_")

    n = _n_states(kind)
    x = _rand((N, T, C) if layout == "NTC" else (T, N, C))
    inputs = [x] + [_rand((N, H), seed=3 + i) for i in range(n)]
    if valid:
        inputs.append(_lengths([2, 4, 1]))
    check(mx, build, _unroll(layout, merge, valid, n), inputs)


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_relu"])
def test_cell_step_and_default_state(mx, kind):
    def build(fw):
        return _CELLS[kind](fw, input_size=C)

    x = _rand((N, C))
    states = [_rand((N, H), seed=3 + i) for i in range(_n_states(kind))]
    check(mx, build, lambda net, a: net(a[0], list(a[1:])), [x, *states], names=False)
    # Unrolled over a list of steps with zeros as begin state.
    steps = [_rand((N, C), seed=20 + t) for t in range(T)]
    check(mx, build, lambda net, a: net.unroll(T, list(a), merge_outputs=None), steps, names=False)


def _stack(fw, hybrid, bidirectional=False, residual=False, dropout=False):
    rnn = fw.gluon.rnn
    seq = (rnn.HybridSequentialRNNCell if hybrid else rnn.SequentialRNNCell)(prefix="s_")
    with seq.name_scope():
        if bidirectional:
            seq.add(
                rnn.BidirectionalCell(rnn.LSTMCell(H, prefix="l_"), rnn.GRUCell(H, prefix="r_"))
            )
        else:
            seq.add(rnn.LSTMCell(H))
        if dropout:
            seq.add(rnn.DropoutCell(0.5))
        inner = rnn.GRUCell(2 * H if bidirectional else H)
        seq.add(rnn.ResidualCell(inner) if residual else inner)
    return seq


@pytest.mark.parametrize("hybrid", [False, True])
@pytest.mark.parametrize("merge", [True, False, None])
@pytest.mark.parametrize("valid", [False, True])
def test_stacked_cells_unroll(mx, hybrid, merge, valid):
    x = _rand((N, T, C))
    inputs = [x, _lengths([3, 1, 4])] if valid else [x]

    def call(net, a):
        return net.unroll(T, a[0], merge_outputs=merge, valid_length=a[1] if valid else None)

    # Predict mode: the DropoutCell passes its input through, as in MXNet.
    build = lambda fw: _stack(fw, hybrid, residual=True, dropout=True)  # noqa: E731
    check(mx, build, call, inputs, train=False)


@pytest.mark.parametrize("merge", [True, False])
@pytest.mark.parametrize("valid", [False, True])
@pytest.mark.parametrize("layout", ["NTC", "TNC"])
def test_bidirectional_cell_unroll(mx, merge, valid, layout):
    x = _rand((N, T, C) if layout == "NTC" else (T, N, C))
    inputs = [x, _lengths([3, 1, 4])] if valid else [x]

    def build(fw):
        rnn = fw.gluon.rnn
        return rnn.BidirectionalCell(rnn.LSTMCell(H, prefix="l_"), rnn.GRUCell(H, prefix="r_"))

    def call(net, a):
        return net.unroll(
            T, a[0], layout=layout, merge_outputs=merge, valid_length=a[1] if valid else None
        )

    check(mx, build, call, inputs)
    if layout == "NTC" and valid:
        # Inside a stack the cell unrolls with merge_outputs=None: MXNet 1.9.1 fails there.
        for fw in (mx, shim):
            stack = _stack(fw, False, bidirectional=True)
            stack.initialize()
            with pytest.raises(fw.base.MXNetError):
                stack.unroll(T, _arr(fw, x), valid_length=_arr(fw, inputs[1]))
        return
    check(mx, lambda fw: _stack(fw, False, bidirectional=True), call, inputs)


def test_modifier_cells_step_and_predict_mode_zoneout(mx):
    def build(fw):
        return fw.gluon.rnn.ZoneoutCell(
            fw.gluon.rnn.LSTMCell(H, prefix="z_"), zoneout_outputs=0.3, zoneout_states=0.3
        )

    x = _rand((N, T, C))
    # Zoneout keeps everything in predict mode, so both frameworks agree exactly.
    call = lambda net, a: net.unroll(T, a[0], merge_outputs=True)  # noqa: E731
    ref, net = check(mx, build, call, [x], train=False)
    for cell in (ref, net):
        with pytest.raises(AssertionError):
            cell.base_cell.begin_state(batch_size=N)
        assert len(cell.begin_state(batch_size=N)) == 2
    assert repr(net) == repr(ref)

    def build_res(fw):
        return fw.gluon.rnn.ResidualCell(fw.gluon.rnn.GRUCell(C, prefix="g_"))

    check(mx, build_res, lambda net, a: net(a[0], [a[1]]), [x[:, 0], _rand((N, C), seed=2)])


def test_cell_names_and_reprs(mx):
    def build(fw):
        net = fw.gluon.nn.HybridSequential(prefix="net_")
        with net.name_scope():
            net.add(_stack(fw, True, dropout=True))
            net.add(fw.gluon.rnn.RNNCell(H, input_size=C))
        return net

    ref, net = build(mx), build(shim)
    assert list(net.collect_params().keys()) == list(ref.collect_params().keys())
    rnn_relu = "relu"
    mx_cells = [
        mx.gluon.rnn.RNNCell(H, activation=rnn_relu, input_size=C),
        mx.gluon.rnn.LSTMCell(H),
        mx.gluon.rnn.GRUCell(H, input_size=C),
        mx.gluon.rnn.DropoutCell(0.25),
    ]
    shim_cells = [
        shim.gluon.rnn.RNNCell(H, activation=rnn_relu, input_size=C),
        shim.gluon.rnn.LSTMCell(H),
        shim.gluon.rnn.GRUCell(H, input_size=C),
        shim.gluon.rnn.DropoutCell(0.25),
    ]
    assert [repr(c) for c in shim_cells] == [repr(c) for c in mx_cells]
    assert repr(_stack(shim, True)) == repr(_stack(mx, True))
    bi = shim.gluon.rnn.BidirectionalCell(shim.gluon.rnn.GRUCell(H), shim.gluon.rnn.GRUCell(H))
    with pytest.raises(NotImplementedError, match="unroll"):
        bi(torch.zeros(N, C), [])


# ---------------------------------------------------------------------------------------------
# Sequence operators
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, 1])
def test_sequence_ops(mx, axis):
    from autograd_compat.mxnet_on_torch import seq_ops

    x = _rand((T, N, C) if axis == 0 else (N, T, C))
    lengths = np.array([2, 4, 1], dtype=np.float32)
    ops = [("SequenceMask", {"value": -1.5}), ("SequenceLast", {})]
    if axis == 0:
        ops.append(("SequenceReverse", {}))
    for name, kw in ops:
        for use in (True, False):
            xm, xs = mx.nd.array(x), torch.tensor(x)
            xm.attach_grad()
            xs.attach_grad()
            lm, ls = ([mx.nd.array(lengths)], [torch.tensor(lengths)]) if use else ([], [])
            with mx.autograd.record():
                ym = getattr(mx.nd, name)(xm, *lm, use_sequence_length=use, axis=axis, **kw)
            with shim.autograd.record():
                ys = getattr(seq_ops, name)(xs, *ls, use_sequence_length=use, axis=axis, **kw)
            np.testing.assert_allclose(_np(ys), ym.asnumpy(), RTOL, ATOL)
            if not use:
                continue  # MXNet 1.9.1's backward without sequence_length crashes the process
            head = _rand(ym.shape, seed=9)
            ym.backward(mx.nd.array(head))
            ys.backward(torch.tensor(head))
            np.testing.assert_allclose(ys.detach().numpy(), ym.asnumpy(), RTOL, ATOL)
            np.testing.assert_allclose(xs.grad.numpy(), xm.grad.asnumpy(), RTOL, ATOL)
    with pytest.raises(shim.base.MXNetError):
        seq_ops.SequenceLast(torch.tensor(x), torch.tensor([0.0, 1, 1]), use_sequence_length=True)


def test_rnn_operator_flat_parameters(mx):
    from autograd_compat.mxnet_on_torch import seq_ops

    for mode, n_states, bi in (("lstm", 2, True), ("gru", 1, False), ("rnn_tanh", 1, True)):
        dirs = 2 if bi else 1
        gates = {"lstm": 4, "gru": 3, "rnn_tanh": 1}[mode]
        size = 0
        ni = C
        for _ in range(2):
            size += dirs * (gates * H * (ni + H) + 2 * gates * H)
            ni = H * dirs
        params = _rand((size,), seed=2, scale=0.3)
        x = _rand((T, N, C))
        states = [_rand((2 * dirs, N, H), seed=5 + i) for i in range(n_states)]
        kw = dict(state_size=H, num_layers=2, mode=mode, bidirectional=bi, state_outputs=True)
        ref = mx.nd.RNN(mx.nd.array(x), mx.nd.array(params), *map(mx.nd.array, states), **kw)
        got = seq_ops.RNN(torch.tensor(x), torch.tensor(params), *map(torch.tensor, states), **kw)
        for a, b in zip(ref, got):
            np.testing.assert_allclose(b.numpy(), a.asnumpy(), 1e-5, 1e-6)


# ---------------------------------------------------------------------------------------------
# gluon.contrib.rnn
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("valid", [False, True])
def test_lstmp_cell_unroll(mx, valid):
    def build(fw):
        return fw.gluon.contrib.rnn.LSTMPCell(H, 3, prefix="p_")

    inputs = [_rand((N, T, C)), _rand((N, 3), seed=3), _rand((N, H), seed=4)]
    if valid:
        inputs.append(_lengths([3, 1, 4]))
    check(mx, build, _unroll("NTC", True, valid, 2), inputs)
    assert repr(build(shim)) == repr(build(mx))


@pytest.mark.parametrize("drop_states", [0.0, 0.5])
@pytest.mark.parametrize("merge", [True, False])
def test_variational_dropout_cell_predict_mode(mx, drop_states, merge):
    def build(fw):
        return fw.gluon.contrib.rnn.VariationalDropoutCell(
            fw.gluon.rnn.GRUCell(H, prefix="g_"),
            drop_inputs=0.5,
            drop_states=drop_states,
            drop_outputs=0.5,
        )

    x = _rand((N, T, C))
    call = lambda net, a: net.unroll(T, a[0], merge_outputs=merge)  # noqa: E731
    check(mx, build, call, [x], train=False)


def test_variational_dropout_masks_are_per_sequence():
    cell = shim.gluon.contrib.rnn.VariationalDropoutCell(
        shim.gluon.rnn.ResidualCell(shim.gluon.rnn.RNNCell(C, prefix="r_")), drop_inputs=0.5
    )
    cell.initialize(shim.init.Zero())
    x = torch.ones(N, T, C)
    with shim.autograd.record():
        out, _ = cell.unroll(T, x, merge_outputs=True)
    out = out.detach().numpy()  # zero weights: the output is the dropped input
    for t in range(1, T):
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    assert set(np.unique(out)) <= {0.0, 2.0}
