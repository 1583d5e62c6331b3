"""Case 2: the tiny-op loop, d2l-style linear regression from scratch.

1000 examples, batch 10, 3 epochs (300 steps of a handful of 10-element ops each), so the time is
per-op overhead. Shim and real MXNet run the same MXNet-style text; native torch the same
computation. Goal: shim / native torch <= 1.25.
"""

from __future__ import annotations

from harness import Config, Variant, build, interleave

from cases import _programs as P
from cases._common import max_diff, mxnet_shim, real_mxnet

TITLE = "Tiny-op loop (linear regression, batch 10)"
GOAL = 1.25
SHIM = "shim: MXNet dialect on torch"
MX = "real MXNet 1.9.1"


def run(cfg: Config) -> dict:
    import torch

    n, batch, epochs = cfg.pick((1000, 10, 3), (40, 10, 1))
    data = P.linreg_data(n)
    orders = P.batch_orders(n, batch, epochs)

    def torch_state(timed: bool = False) -> dict:
        st = {k: torch.tensor(data[k]) for k in ("X", "y", "w", "b")}
        st["w"].requires_grad_()
        st["b"].requires_grad_()
        return st | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def mx_state(nd, timed: bool = False) -> dict:
        st = {k: nd.array(data[k]) for k in ("X", "y", "w", "b")}
        st["w"].attach_grad()
        st["b"].attach_grad()
        return st | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def native() -> Variant:
        st = torch_state(timed=True)
        return Variant("native torch", lambda: P.torch_linreg_train(torch, st))

    def shim() -> Variant:
        nd, autograd = mxnet_shim()
        st = mx_state(nd, timed=True)
        return Variant(SHIM, lambda: P.mx_linreg_train(nd, autograd, st))

    def mxnet() -> Variant:
        mx = real_mxnet()
        st = mx_state(mx.nd, timed=True)

        def sample() -> None:
            P.mx_linreg_train(mx.nd, mx.autograd, st)
            mx.nd.waitall()

        return Variant(MX, sample)

    variants, missing = build({"native torch": native, SHIM: shim, MX: mxnet})
    steps = len(orders[0])  # a timed sample is one epoch
    rows = interleave(
        variants,
        cfg,
        "native torch",
        goals={SHIM: GOAL},
        per=f"{steps} steps",
        per_count=steps,
    )
    ref = torch_state()
    P.torch_linreg_train(torch, ref)
    ref_params = [ref["w"].detach().numpy(), ref["b"].detach().numpy()]
    for r in rows:
        if r.variant == SHIM:
            nd, autograd = mxnet_shim()
        elif r.variant == MX:
            mx = real_mxnet()
            nd, autograd = mx.nd, mx.autograd
        else:
            continue
        st = mx_state(nd)
        P.mx_linreg_train(nd, autograd, st)
        r.extra["max_abs_diff_after_training"] = max_diff(ref_params, [st["w"], st["b"]])
    return {"rows": rows + missing, "sizes": {"examples": n, "batch": batch, "epochs": epochs}}
