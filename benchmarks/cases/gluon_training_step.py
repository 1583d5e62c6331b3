"""Case 10: a whole Gluon training step, and ``trainer.step`` alone (issue 13).

Whole step (forward, ``record()``, backward, ``trainer.step(batch)``; plain SGD) of the case-9 MLP
and LeNet, against the same model in native ``torch.nn`` with ``torch.optim.SGD`` (mean loss,
``zero_grad``, ``backward``, ``step``), goal <= 1.05; real MXNet 1.9.1 runs the same Gluon text
beside them (no goal). ``trainer.step`` alone: 50 parameters of 1,000 elements, SGD with the
learning rate only and with momentum 0.9 + wd 1e-4, against
``torch.optim.SGD(foreach=True).step()`` with the same settings on plain ``nn.Parameter``s,
goal <= 1.10. Every sample is preceded (untimed) by a backward that writes fresh gradients, which
Gluon's stale-gradient check requires.
"""

from __future__ import annotations

from typing import Any

import numpy
from harness import Config, Variant, build, interleave

from cases import gluon_models as G
from cases._common import real_mxnet
from cases.gluon_forward_backward import _model, gluon_shim

TITLE = "Gluon training step"
GOAL = 1.05
GOAL_STEP = 1.10
NATIVE = "native torch.nn + torch.optim.SGD"
SHIM = "shim: Gluon + Trainer on torch"
MX = "real MXNet 1.9.1 Gluon + Trainer"
MXH = "real MXNet 1.9.1 Gluon + Trainer, hybridized"
LR = 0.1


def _whole_step(cfg: Config, torch: Any, which: str) -> tuple[list, dict]:
    m = _model(cfg, which)
    X, y = m["data"]["X"], m["data"]["y"]

    def torch_net() -> tuple:
        net = G.torch_ready(torch, m["torch"](torch), m["values"])
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        return net, opt

    def gluon_net(ns: Any, hybridize: bool) -> tuple:
        net = G.gluon_ready(ns, m["gluon"](ns.gluon), m["values"], hybridize)
        trainer = ns.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": LR})
        return net, trainer

    def native() -> Variant:
        net, opt = torch_net()
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()
        return Variant(NATIVE, lambda: G.torch_train_step(net, loss_fn, opt, Xt, yt))

    def mx_variant(name: str, ns: Any, hybridize: bool, wait: bool) -> Variant:
        net, trainer = gluon_net(ns, hybridize)
        loss_fn = ns.gluon.loss.SoftmaxCrossEntropyLoss()
        Xm, ym = ns.nd.array(X), ns.nd.array(y)

        def sample() -> None:
            G.gluon_train_step(ns.autograd, net, loss_fn, trainer, Xm, ym)
            if wait:
                ns.nd.waitall()  # MXNet is asynchronous: time the work, not its queueing

        return Variant(name, sample)

    variants, missing = build(
        {
            NATIVE: native,
            SHIM: lambda: mx_variant(SHIM, gluon_shim(), False, False),
            MX: lambda: mx_variant(MX, real_mxnet(), False, True),
            MXH: lambda: mx_variant(MXH, real_mxnet(), True, True),
        }
    )
    for v in variants:
        v.name = f"{which}: {v.name}"
    for r in missing:
        r.variant = f"{which}: {r.variant}"
    G.freeze_heap()
    rows = interleave(variants, cfg, f"{which}: {NATIVE}", goals={f"{which}: {SHIM}": GOAL})

    # Faithfulness (not timed): 3 steps from the same start; parameters compared.
    net, opt = torch_net()
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(3):
        G.torch_train_step(net, loss_fn, opt, torch.from_numpy(X), torch.from_numpy(y).long())
    ref = G.data_of(list(net.parameters()))
    for r in rows:
        if r.variant.endswith(NATIVE):
            continue
        ns = gluon_shim() if r.variant.endswith(SHIM) else real_mxnet()
        gnet, trainer = gluon_net(ns, r.variant.endswith("hybridized"))
        gloss = ns.gluon.loss.SoftmaxCrossEntropyLoss()
        for _ in range(3):
            G.gluon_train_step(ns.autograd, gnet, gloss, trainer, ns.nd.array(X), ns.nd.array(y))
        got = G.data_of(list(gnet.collect_params().values()))
        r.extra["max_rel_param_diff_after_3_steps"] = G.max_rel_diff(ref, got)
    return rows + missing, {which: m["size"]}


def _step_alone(cfg: Config, torch: Any, label: str, settings: dict) -> list:
    """``trainer.step`` on ``n`` parameters of ``size`` elements, fresh gradients each sample."""
    n, size = cfg.pick((50, 1000), (5, 10))
    rng = numpy.random.default_rng(3)
    values = [rng.standard_normal(size).astype(numpy.float32) for _ in range(n)]
    heads = [rng.standard_normal(size).astype(numpy.float32) for _ in range(n)]
    momentum, wd = settings.get("momentum", 0.0), settings.get("wd", 0.0)

    def native() -> Variant:
        params = [torch.nn.Parameter(torch.from_numpy(v.copy())) for v in values]
        opt = torch.optim.SGD(params, lr=LR, momentum=momentum, weight_decay=wd, foreach=True)
        hs = [torch.from_numpy(h) for h in heads]

        def fresh_grads() -> None:  # the same backward as the shim's, outside the timing
            opt.zero_grad()
            torch.autograd.backward(params, hs)

        return Variant(f"{label}: torch.optim.SGD(foreach=True)", opt.step, before=fresh_grads)

    def mx_variant(name: str, ns: Any, wait: bool) -> Variant:
        pd = ns.gluon.ParameterDict()
        params = [pd.get(f"p{i}", shape=(size,)) for i in range(n)]
        pd.initialize()
        for p, v in zip(params, values):
            p.set_data(ns.nd.array(v))
        trainer = ns.gluon.Trainer(pd, "sgd", {"learning_rate": LR} | settings)
        hs = [ns.nd.array(h) for h in heads]

        def fresh_grads() -> None:
            data = [p.data() for p in params]
            with ns.autograd.record():
                outs = [d * 1 for d in data]  # a recorded op per parameter
            ns.autograd.backward(outs, hs)
            if wait:
                ns.nd.waitall()

        def sample() -> None:
            trainer.step(1)
            if wait:
                ns.nd.waitall()

        return Variant(f"{label}: {name}", sample, before=fresh_grads)

    native_name = f"{label}: torch.optim.SGD(foreach=True)"
    variants, missing = build(
        {
            native_name: native,
            f"{label}: shim: trainer.step": lambda: mx_variant(
                "shim: trainer.step", gluon_shim(), False
            ),
            f"{label}: real MXNet 1.9.1 trainer.step": lambda: mx_variant(
                "real MXNet 1.9.1 trainer.step", real_mxnet(), True
            ),
        }
    )
    G.freeze_heap()
    return (
        # A step is ~0.4 ms: many short pairs, so that a loaded machine's preemptions (which
        # hit single pairs) leave the median alone.
        interleave(
            variants,
            cfg,
            native_name,
            goals={f"{label}: shim: trainer.step": GOAL_STEP},
            reps=cfg.pick(4 * cfg.reps, cfg.reps),
        )
        + missing
    )


def run(cfg: Config) -> dict:
    import torch

    rows, sizes = [], {}
    for which in ("MLP", "LeNet"):
        r, s = _whole_step(cfg, torch, which)
        rows += r
        sizes |= s
    n, size = cfg.pick((50, 1000), (5, 10))
    rows += _step_alone(cfg, torch, f"step alone, {n}x{size}, SGD lr", {})
    rows += _step_alone(
        cfg,
        torch,
        f"step alone, {n}x{size}, SGD momentum 0.9 wd 1e-4",
        {"momentum": 0.9, "wd": 1e-4},
    )
    sizes["step alone"] = f"{n} parameters of {size} elements, trainer.step(1)"
    return {"rows": rows, "sizes": sizes}
