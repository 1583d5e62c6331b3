"""Case 9: forward + backward of Gluon models inside ``autograd.record()`` (issue 12).

A Gluon MLP (784-256-10, batch 256) and d2l's LeNet (batch 256, 1x28x28) with
``SoftmaxCrossEntropyLoss``, and d2l's concise linear regression (``nn.Dense(1)``, ``L2Loss``,
batch 10): the shim against the same model in native ``torch.nn`` from the same parameter values,
and the very same Gluon text on real MXNet 1.9.1, hybridized and not (no goal). Goals: shim /
native <= 1.05 (MLP, LeNet), <= 1.3 (linear regression).
"""

from __future__ import annotations

from typing import Any

from harness import Config, NotAvailable, Variant, build, interleave, try_import

from cases import gluon_models as G
from cases._common import real_mxnet

TITLE = "Gluon forward + backward"
GOAL = 1.05
GOAL_LINREG = 1.3
NATIVE = "native torch.nn"
SHIM = "shim: Gluon on torch"
MX = "real MXNet 1.9.1 Gluon"
MXH = "real MXNet 1.9.1 Gluon, hybridized"


def gluon_shim() -> Any:
    """The MXNet namespace of the shim, with its ``gluon``."""

    def load() -> Any:
        import autograd_compat

        ns = autograd_compat.namespace("mxnet", "torch")
        if not hasattr(ns, "gluon"):
            raise NotAvailable("autograd_compat.mxnet_on_torch has no gluon yet (issue 12)")
        return ns

    return try_import("Gluon of the MXNet dialect on torch", load)


def _model(cfg: Config, which: str) -> dict:
    """Builders, initial values and data of one model at the configured size."""
    if which == "MLP":
        n_in, n_hidden, n_out = cfg.pick((784, 256, 10), (12, 6, 3))
        batch = cfg.pick(256, 8)
        return {
            "gluon": lambda gluon: G.gluon_mlp(gluon, n_in, n_hidden, n_out),
            "torch": lambda torch: G.torch_mlp(torch, n_in, n_hidden, n_out),
            "values": G.init_values(G.mlp_shapes(n_in, n_hidden, n_out)),
            "data": G.classification_data((batch, n_in), n_out),
            "size": f"{n_in}-{n_hidden}-{n_out}, batch {batch}",
        }
    channels, hidden, n_out = cfg.pick(((6, 16), (120, 84), 10), ((2, 3), (8, 6), 3))
    batch = cfg.pick(256, 4)
    return {
        "gluon": lambda gluon: G.gluon_lenet(gluon, channels, hidden, n_out),
        "torch": lambda torch: G.torch_lenet(torch, channels, hidden, n_out),
        "values": G.init_values(G.lenet_shapes(channels, hidden, n_out)),
        "data": G.classification_data((batch, 1, 28, 28), n_out),
        "size": f"conv {channels}, dense {hidden}-{n_out}, batch {batch}",
    }


def _classification(cfg: Config, torch: Any, which: str) -> tuple[list, dict]:
    m = _model(cfg, which)
    X, y = m["data"]["X"], m["data"]["y"]

    def native() -> Variant:
        net = G.torch_ready(torch, m["torch"](torch), m["values"])
        loss_fn = torch.nn.CrossEntropyLoss(reduction="none")
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y).long()
        return Variant(NATIVE, lambda: G.torch_fwd_bwd(torch, net, loss_fn, Xt, yt))

    def mx_variant(name: str, ns: Any, hybridize: bool, wait: bool) -> Variant:
        net = G.gluon_ready(ns, m["gluon"](ns.gluon), m["values"], hybridize)
        loss_fn = ns.gluon.loss.SoftmaxCrossEntropyLoss()
        Xm, ym = ns.nd.array(X), ns.nd.array(y)

        def sample() -> None:
            G.gluon_fwd_bwd(ns.autograd, net, loss_fn, Xm, ym)
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

    # Faithfulness (not timed): one forward + backward from the same start, every gradient.
    net = G.torch_ready(torch, m["torch"](torch), m["values"])
    loss_fn = torch.nn.CrossEntropyLoss(reduction="none")
    G.torch_fwd_bwd(torch, net, loss_fn, torch.from_numpy(X), torch.from_numpy(y).long())
    ref = G.grads_of(list(net.parameters()))
    for r in rows:
        if r.variant.endswith(NATIVE):
            continue
        ns = gluon_shim() if r.variant.endswith(SHIM) else real_mxnet()
        gnet = G.gluon_ready(ns, m["gluon"](ns.gluon), m["values"], r.variant.endswith(MXH))
        gloss = ns.gluon.loss.SoftmaxCrossEntropyLoss()
        G.gluon_fwd_bwd(ns.autograd, gnet, gloss, ns.nd.array(X), ns.nd.array(y))
        got = G.grads_of(list(gnet.collect_params().values()))
        r.extra["max_rel_grad_diff"] = G.max_rel_diff(ref, got)
    return rows + missing, {which: m["size"]}


def _linreg(cfg: Config, torch: Any) -> tuple[list, dict]:
    """d2l 3.3 (concise): one timed sample is a pass over ``n`` minibatches of 10."""
    n, batch = cfg.pick((100, 10), (5, 10))
    batches = G.linreg_batches(n, batch)
    values = G.init_values([(1, 2), (1,)])
    label = "linear regression"

    def native() -> Variant:
        net = G.torch_ready(torch, G.torch_linreg(torch), values)
        loss_fn = G.torch_l2_loss(torch)
        data = [(torch.from_numpy(X), torch.from_numpy(y)) for X, y in batches]

        def sample() -> None:
            for X, y in data:
                G.torch_fwd_bwd(torch, net, loss_fn, X, y)

        return Variant(f"{label}: {NATIVE}", sample)

    def mx_variant(name: str, ns: Any, hybridize: bool, wait: bool) -> Variant:
        net = G.gluon_ready(ns, G.gluon_linreg(ns.gluon), values, hybridize)
        loss_fn = ns.gluon.loss.L2Loss()
        data = [(ns.nd.array(X), ns.nd.array(y)) for X, y in batches]

        def sample() -> None:
            for X, y in data:
                G.gluon_fwd_bwd(ns.autograd, net, loss_fn, X, y)
            if wait:
                ns.nd.waitall()

        return Variant(f"{label}: {name}", sample)

    variants, missing = build(
        {
            f"{label}: {NATIVE}": native,
            f"{label}: {SHIM}": lambda: mx_variant(SHIM, gluon_shim(), False, False),
            f"{label}: {MX}": lambda: mx_variant(MX, real_mxnet(), False, True),
            f"{label}: {MXH}": lambda: mx_variant(MXH, real_mxnet(), True, True),
        }
    )
    G.freeze_heap()
    rows = interleave(
        variants,
        cfg,
        f"{label}: {NATIVE}",
        goals={f"{label}: {SHIM}": GOAL_LINREG},
        per=f"{n} steps",
        per_count=n,
    )
    X, y = batches[0]
    net = G.torch_ready(torch, G.torch_linreg(torch), values)
    G.torch_fwd_bwd(torch, net, G.torch_l2_loss(torch), torch.from_numpy(X), torch.from_numpy(y))
    ref = G.grads_of(list(net.parameters()))
    for r in rows:
        if r.variant.endswith(NATIVE):
            continue
        ns = gluon_shim() if r.variant.endswith(SHIM) else real_mxnet()
        gnet = G.gluon_ready(ns, G.gluon_linreg(ns.gluon), values, r.variant.endswith(MXH))
        G.gluon_fwd_bwd(ns.autograd, gnet, ns.gluon.loss.L2Loss(), ns.nd.array(X), ns.nd.array(y))
        got = G.grads_of(list(gnet.collect_params().values()))
        r.extra["max_rel_grad_diff"] = G.max_rel_diff(ref, got)
    return rows + missing, {label: f"batch {batch}, {n} minibatches per sample"}


def run(cfg: Config) -> dict:
    import torch

    rows, sizes = [], {}
    for part in (
        lambda: _classification(cfg, torch, "MLP"),
        lambda: _classification(cfg, torch, "LeNet"),
        lambda: _linreg(cfg, torch),
    ):
        r, s = part()
        rows += r
        sizes |= s
    return {"rows": rows, "sizes": sizes}
