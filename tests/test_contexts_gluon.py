"""Gluon on several CPU contexts (``cpu(0)``, ``cpu(1)``, ...), side by side with MXNet 1.9.1.

A parameter keeps one copy per context, ``split_and_load`` gives one tagged slice per context and
a block picks the copies of its input's context, so data-parallel code computes one gradient per
copy as on MXNet.
"""

from __future__ import annotations

import numpy as onp

from autograd_compat import namespace

shim = namespace("mxnet", "torch")


def _err(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return f"{type(e).__name__}: {e}"


def _ctxs(arrays):
    return [repr(a.context) for a in arrays]


def _parameter_program(m):
    seen = []
    p = m.gluon.Parameter("w", shape=(2, 3), init=m.init.Constant(1))
    p.initialize(ctx=[m.cpu(0), m.cpu(1)])
    seen.append(repr(p.list_ctx()))
    seen.append(_ctxs([p.data(m.cpu(1)), p.data(m.cpu(0)), p.data(), p.grad(m.cpu(1))]))
    seen.append((_ctxs(p.list_data()), _ctxs(p.list_grad())))
    with m.cpu(1):
        seen.append(repr(p.data().context))
    seen.append(_err(lambda: p.data(m.cpu(2))))
    seen.append(p.data(m.cpu(0)) is p.data(m.cpu(1)))
    p.data(m.cpu(1))[:] = 5  # the copies are independent
    seen.append([d.asnumpy().tolist() for d in p.list_data()])
    p.reset_ctx([m.cpu(1), m.cpu(3)])
    seen.append((repr(p.list_ctx()), _ctxs(p.list_data()), p.data(m.cpu(3)).asnumpy().tolist()))
    seen.append(_err(lambda: p.data(m.cpu(0))))

    one = m.gluon.Parameter("v", shape=(2,))
    one.initialize(ctx=m.cpu(1))
    seen.append((repr(one.list_ctx()), repr(one.data().context)))
    seen.append(_err(lambda: one.data(m.cpu(0))))
    under = m.gluon.Parameter("u", shape=(2,))
    with m.cpu(2):
        under.initialize()
    seen.append((repr(under.list_ctx()), repr(under.data().context)))
    dup = m.gluon.Parameter("z", shape=(1,))
    dup.initialize(ctx=[m.cpu(0), m.cpu(0)])
    seen.append((repr(dup.list_ctx()), len(dup.list_data())))
    return seen


def test_parameter_copies_per_context(mx):
    assert _parameter_program(shim) == _parameter_program(mx)


def _split_program(m):
    x = m.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    two = m.gluon.utils.split_and_load(x, [m.cpu(0), m.cpu(1)])
    three = m.gluon.utils.split_and_load(x, [m.cpu(0), m.cpu(1), m.cpu(2)], even_split=False)
    cols = m.gluon.utils.split_and_load(x, [m.cpu(1), m.cpu(2)], batch_axis=1)
    one = m.gluon.utils.split_and_load(x, [m.cpu(1)])
    raw = m.gluon.utils.split_and_load(onp.ones((2, 3)), [m.cpu(1), m.cpu(0)])
    return [
        [(repr(s.context), s.shape, s.asnumpy().tolist()) for s in group]
        for group in (two, three, cols, one, raw)
    ] + [_err(lambda: m.gluon.utils.split_and_load(x, [m.cpu(0), m.cpu(1), m.cpu(2)]))]


def test_split_and_load_one_slice_per_context(mx):
    assert _split_program(shim) == _split_program(mx)


def _data_parallel_program(m):
    x = m.nd.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    ctx = [m.cpu(0), m.cpu(1)]
    xs = m.gluon.utils.split_and_load(x, ctx)
    net = m.gluon.nn.Dense(3, in_units=2, prefix="net_")  # its name is in an error text
    net.initialize(m.init.Constant(0.5), ctx=ctx)
    with m.autograd.record():
        outs = [net(s) for s in xs]
        losses = [o * (i + 1) for i, o in enumerate(outs)]
    for loss in losses:
        loss.backward()
    w = net.weight
    seen = [
        _ctxs(outs),
        [g.asnumpy().tolist() for g in w.list_grad()],
        _ctxs(w.list_grad()),
        [g.asnumpy().tolist() for g in net.bias.list_grad()],
        sorted(map(repr, net.collect_params().list_ctx())),
    ]
    # Deferred initialization on two contexts, completed by an input on cpu(1).
    d = m.gluon.nn.Dense(2)
    d.initialize(m.init.One(), ctx=ctx)
    seen.append(repr(d.weight.list_ctx()))
    out = d(xs[1])
    seen.append((repr(out.context), out.asnumpy().tolist(), _ctxs(d.weight.list_data())))
    net.collect_params().reset_ctx(m.cpu(1))
    seen.append(_err(lambda: net(xs[0])))
    return seen


def test_block_uses_the_copies_of_its_input_context(mx):
    assert _data_parallel_program(shim) == _data_parallel_program(mx)


def _trainer_program(m):
    # MXNet's own test_trainer (test_gluon_trainer.py), its values as a list.
    x = m.gluon.Parameter("x", shape=(10,))
    x.initialize(ctx=[m.cpu(0), m.cpu(1)], init="zeros")
    trainer = m.gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5})
    seen = []
    for lr_mult in (1.0, 0.5):
        x.lr_mult = lr_mult
        with m.autograd.record():
            for w in x.list_data():
                y = w + 1
                y.backward()
        trainer.step(1)
        seen.append([d.asnumpy().tolist() for d in x.list_data()])
    x = m.gluon.Parameter("x", shape=(10,))
    x.initialize(ctx=[m.cpu(0), m.cpu(1)], init="zeros")
    trainer2 = m.gluon.Trainer(
        [x], "sgd", {"learning_rate": 1.0, "momentum": 0.5}, update_on_kvstore=False
    )
    with m.autograd.record():
        for i, w in enumerate(x.list_data()):
            y = i * w
            y.backward()
    seen.append([g.asnumpy().tolist() for g in x.list_grad()])
    trainer2.allreduce_grads()
    seen.append([g.asnumpy().tolist() for g in x.list_grad()])
    trainer2.update(1)
    seen.append([d.asnumpy().tolist() for d in x.list_data()])
    return seen


def test_trainer_on_two_cpu_contexts(mx):
    assert _trainer_program(shim) == _trainer_program(mx)


def test_np_interface_contexts(mx):
    def program(m):
        m.npx.set_np()
        try:
            x = m.np.ones((4, 2))
            net = m.gluon.nn.Dense(3, in_units=2)
            net.initialize(m.init.One(), ctx=[m.cpu(0), m.cpu(1)])
            xs = m.gluon.utils.split_and_load(x, [m.cpu(0), m.cpu(1)])
            outs = [net(s) for s in xs]
            return [
                repr(x.ctx),
                [repr(s.ctx) for s in xs],
                [repr(o.ctx) for o in outs],
                [repr(d.ctx) for d in net.weight.list_data()],
            ]
        finally:
            m.npx.reset_np()

    assert program(shim) == program(mx)


def _load_program(m, folder):
    net = m.gluon.nn.Dense(2, in_units=3)
    net.initialize(m.init.One(), ctx=[m.cpu(0), m.cpu(1)])
    net.weight.data(m.cpu(1))[:] = 3
    f = str(folder / "n.params")
    net.save_parameters(f)  # the mean of the copies
    seen = []
    n2 = m.gluon.nn.Dense(2, in_units=3)
    n2.load_parameters(f, ctx=[m.cpu(2), m.cpu(1)])
    w = n2.weight
    seen.append((repr(w.list_ctx()), _ctxs(w.list_data()), w.data(m.cpu(2)).asnumpy().tolist()))
    n3 = m.gluon.nn.Dense(2, in_units=3)
    with m.cpu(3):
        n3.load_parameters(f)  # MXNet loads onto cpu(0) here, not the current context
    seen.append(repr(n3.weight.list_ctx()))
    n4 = m.gluon.nn.Dense(2, prefix="n4_")
    n4.initialize(ctx=[m.cpu(0), m.cpu(1)])
    seen.append(_err(lambda: n4.load_parameters(f, ctx=[m.cpu(0)])))
    p = m.gluon.Parameter("q", shape=(2,), init=m.init.One())
    p.initialize(ctx=[m.cpu(0), m.cpu(1)])
    p.set_data(m.nd.array([4, 5]))
    seen.append(([a.asnumpy().tolist() for a in p.list_data()], _ctxs(p.list_data())))
    p.cast("float64")
    seen.append((_ctxs(p.list_data()), _ctxs(p.list_grad())))
    p.grad_req = "null"
    seen.append(_ctxs(p.list_data()))
    c = m.gluon.Constant("c", [1, 2])
    c.initialize(ctx=[m.cpu(1)])
    seen.append((repr(c.list_ctx()), repr(c.data().context)))
    return seen


def test_save_load_cast_keep_contexts(mx, tmp_path):
    (tmp_path / "mx").mkdir()
    (tmp_path / "shim").mkdir()
    assert _load_program(shim, tmp_path / "shim") == _load_program(mx, tmp_path / "mx")
