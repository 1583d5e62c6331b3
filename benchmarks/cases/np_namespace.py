"""Case 3: the case-1 and case-2 programs through MXNet's NumPy interface (``np``/``npx``).

The d2l-style text (``from mxnet import autograd, np, npx``) on the shim's ``np``/``npx`` (issue
7), against native torch, and the same text on real MXNet 1.9.1 (``npx.set_np()``).
Goals: shim / native torch <= 1.5 for the MLP step, <= 1.15 for the tiny-op loop (issue 15).
"""

from __future__ import annotations

from harness import Config, Variant, build, interleave

from cases import _programs as P
from cases._common import max_diff, mxnet_shim_np, real_mxnet

TITLE = "MLP and tiny-op loop through np/npx"
GOAL = 1.5  # the MLP step
TINY_OP_GOAL = 1.15  # the d2l tiny-op loop (issue 15)
SHIM = "shim: np/npx on torch"
MX = "real MXNet 1.9.1 np/npx"


def run(cfg: Config) -> dict:
    import torch

    mlp_sizes = cfg.pick((256, 784, 256, 10), (8, 12, 6, 3))
    steps = cfg.pick(2, 1)
    n, batch, epochs = cfg.pick((1000, 10, 3), (40, 10, 1))
    mlp = P.mlp_data(*mlp_sizes)
    lin = P.linreg_data(n)
    orders = P.batch_orders(n, batch, epochs)

    def np_states(np, timed: bool = False) -> tuple[dict, dict]:
        params = [np.array(p) for p in mlp["params"]]
        st_lin = {k: np.array(lin[k]) for k in ("X", "y", "w", "b")}
        for p in params + [st_lin["w"], st_lin["b"]]:
            p.attach_grad()
        st_mlp = {"X": np.array(mlp["X"]), "Y": np.array(mlp["Y"]), "params": params}
        return st_mlp, st_lin | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def torch_states(timed: bool = False) -> tuple[dict, dict]:
        params = [torch.tensor(p).requires_grad_() for p in mlp["params"]]
        st_mlp = {"X": torch.tensor(mlp["X"]), "Y": torch.tensor(mlp["Y"]), "params": params}
        st_lin = {k: torch.tensor(lin[k]) for k in ("X", "y", "w", "b")}
        st_lin["w"].requires_grad_()
        st_lin["b"].requires_grad_()
        return st_mlp, st_lin | {"orders": P.OneEpochPerRun(orders) if timed else orders}

    def real_np():
        mx = real_mxnet()
        mx.npx.set_np()
        return mx

    def factories(which: str) -> dict:
        def native() -> Variant:
            st_mlp, st_lin = torch_states(timed=True)
            if which == "mlp":
                return Variant("native torch", lambda: P.torch_mlp_steps(torch, st_mlp, steps))
            return Variant("native torch", lambda: P.torch_linreg_train(torch, st_lin))

        def shim() -> Variant:
            np, npx, autograd = mxnet_shim_np()
            st_mlp, st_lin = np_states(np, timed=True)
            if which == "mlp":
                return Variant(SHIM, lambda: P.np_mlp_steps(np, npx, autograd, st_mlp, steps))
            return Variant(SHIM, lambda: P.np_linreg_train(np, npx, autograd, st_lin))

        def mxnet() -> Variant:
            mx = real_np()
            st_mlp, st_lin = np_states(mx.np, timed=True)

            def sample() -> None:
                if which == "mlp":
                    P.np_mlp_steps(mx.np, mx.npx, mx.autograd, st_mlp, steps)
                else:
                    P.np_linreg_train(mx.np, mx.npx, mx.autograd, st_lin)
                mx.npx.waitall()

            return Variant(MX, sample)

        return {"native torch": native, SHIM: shim, MX: mxnet}

    out = []
    try:
        for which, label, count in (
            ("mlp", "MLP step", steps),
            ("linreg", "tiny-op loop", len(orders[0])),  # a timed sample is one epoch
        ):
            variants, missing = build(factories(which))
            rows = interleave(
                variants,
                cfg,
                "native torch",
                goals={SHIM: GOAL if which == "mlp" else TINY_OP_GOAL},
                per=f"{count} steps",
                per_count=count,
            )
            # Faithfulness: the same training from the same start, against native torch.
            ref_mlp, ref_lin = torch_states()
            if which == "mlp":
                P.torch_mlp_steps(torch, ref_mlp, 3)
                ref = [p.detach().numpy() for p in ref_mlp["params"]]
            else:
                P.torch_linreg_train(torch, ref_lin)
                ref = [ref_lin["w"].detach().numpy(), ref_lin["b"].detach().numpy()]
            for r in rows:
                if r.variant == SHIM:
                    np, npx, autograd = mxnet_shim_np()
                elif r.variant == MX:
                    mx = real_np()
                    np, npx, autograd = mx.np, mx.npx, mx.autograd
                else:
                    continue
                st_mlp, st_lin = np_states(np)
                if which == "mlp":
                    P.np_mlp_steps(np, npx, autograd, st_mlp, 3)
                    r.extra["max_abs_diff_after_3_steps"] = max_diff(ref, st_mlp["params"])
                else:
                    P.np_linreg_train(np, npx, autograd, st_lin)
                    r.extra["max_abs_diff_after_training"] = max_diff(
                        ref, [st_lin["w"], st_lin["b"]]
                    )
            for r in rows + missing:
                r.variant = f"{label}: {r.variant}"
            out += rows + missing
    finally:
        try:
            import sys

            if "mxnet" in sys.modules:  # leave real MXNet as other in-process cases expect it
                sys.modules["mxnet"].npx.reset_np()
        except Exception:
            pass
    return {"rows": out}
