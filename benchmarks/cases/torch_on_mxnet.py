"""Case 4: PyTorch-style code on MXNet.

The case-1 model (and, for information, the case-2 loop) written in PyTorch's dialect and run
through ``autograd_compat.namespace("torch", "mxnet")`` (issue 3), against the same computation
written in native MXNet; real torch runs the same torch-style text for reference.
Goal: torch dialect on MXNet / native MXNet <= 1.10 (the MLP step).
"""

from __future__ import annotations

from harness import Config, Variant, build, interleave

from cases import _programs as P
from cases._common import max_diff, real_mxnet, torch_on_mxnet

TITLE = "PyTorch-style code on MXNet"
GOAL = 1.10
TOM = "torch dialect on MXNet"
MX = "native MXNet 1.9.1"
RT = "real torch (same text)"


def run(cfg: Config) -> dict:
    import torch

    mx = real_mxnet()
    mlp_sizes = cfg.pick((256, 784, 256, 10), (8, 12, 6, 3))
    steps = cfg.pick(2, 1)
    n, batch, epochs = cfg.pick((1000, 10, 3), (40, 10, 1))
    mlp = P.mlp_data(*mlp_sizes)
    lin = P.linreg_data(n)
    orders = P.batch_orders(n, batch, epochs)

    def torch_states(T, timed: bool = False) -> tuple[dict, dict]:
        params = [T.tensor(p, requires_grad=True) for p in mlp["params"]]
        st_mlp = {"X": T.tensor(mlp["X"]), "Y": T.tensor(mlp["Y"]), "params": params}
        st_lin = {k: T.tensor(lin[k]) for k in ("X", "y", "w", "b")}
        st_lin["w"].requires_grad_()
        st_lin["b"].requires_grad_()
        return st_mlp, st_lin | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def mx_states(timed: bool = False) -> tuple[dict, dict]:
        params = [mx.nd.array(p) for p in mlp["params"]]
        st_lin = {k: mx.nd.array(lin[k]) for k in ("X", "y", "w", "b")}
        for p in params + [st_lin["w"], st_lin["b"]]:
            p.attach_grad()
        st_mlp = {"X": mx.nd.array(mlp["X"]), "Y": mx.nd.array(mlp["Y"]), "params": params}
        return st_mlp, st_lin | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def run_torch_style(T, which, st_mlp, st_lin, n_steps=steps):
        if which == "mlp":
            P.torch_mlp_steps(T, st_mlp, n_steps)
        else:
            P.torch_linreg_train(T, st_lin)

    def factories(which: str) -> dict:
        def native_mx() -> Variant:
            st_mlp, st_lin = mx_states(timed=True)

            def sample() -> None:
                if which == "mlp":
                    P.mx_mlp_steps(mx.nd, mx.autograd, st_mlp, steps)
                else:
                    P.mx_linreg_train(mx.nd, mx.autograd, st_lin)
                mx.nd.waitall()

            return Variant(MX, sample)

        def tom() -> Variant:
            T = torch_on_mxnet()
            st_mlp, st_lin = torch_states(T, timed=True)

            def sample() -> None:
                run_torch_style(T, which, st_mlp, st_lin)
                mx.nd.waitall()

            return Variant(TOM, sample)

        def real_torch() -> Variant:
            st_mlp, st_lin = torch_states(torch, timed=True)
            return Variant(RT, lambda: run_torch_style(torch, which, st_mlp, st_lin))

        return {MX: native_mx, TOM: tom, RT: real_torch}

    out = []
    for which, label, count in (
        ("mlp", "MLP step", steps),
        ("linreg", "tiny-op loop", len(orders[0])),  # a timed sample is one epoch
    ):
        variants, missing = build(factories(which))
        rows = interleave(
            variants,
            cfg,
            MX,
            goals={TOM: GOAL} if which == "mlp" else {},
            per=f"{count} steps",
            per_count=count,
        )
        ref_mlp, ref_lin = torch_states(torch)
        run_torch_style(torch, which, ref_mlp, ref_lin, 3)
        ref = (
            [p.detach().numpy() for p in ref_mlp["params"]]
            if which == "mlp"
            else [ref_lin["w"].detach().numpy(), ref_lin["b"].detach().numpy()]
        )
        for r in rows:
            if r.variant != TOM:
                continue
            T = torch_on_mxnet()
            st_mlp, st_lin = torch_states(T)
            run_torch_style(T, which, st_mlp, st_lin, 3)
            got = st_mlp["params"] if which == "mlp" else [st_lin["w"], st_lin["b"]]
            r.extra["max_abs_diff_vs_real_torch"] = max_diff(ref, got)
        for r in rows + missing:
            r.variant = f"{label}: {r.variant}"
        out += rows + missing
    return {"rows": out}
