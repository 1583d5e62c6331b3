"""Case 1: an MXNet-style MLP training step (784-256-10, batch 256, plain SGD).

The MXNet dialect on torch (the shim) against native torch doing the same computation, and the
very same MXNet-style text on real MXNet 1.9.1. Goal: shim / native torch <= 1.05.
"""

from __future__ import annotations

from harness import Config, Variant, build, interleave

from cases import _programs as P
from cases._common import max_diff, mxnet_shim, real_mxnet

TITLE = "MXNet-style MLP training step"
GOAL = 1.05
SHIM = "shim: MXNet dialect on torch"


def run(cfg: Config) -> dict:
    import torch

    sizes = cfg.pick((256, 784, 256, 10), (8, 12, 6, 3))
    steps = cfg.pick(2, 1)  # short samples: more pairs, less exposed to a busy machine
    data = P.mlp_data(*sizes)

    def torch_state() -> dict:
        params = [torch.tensor(p).requires_grad_() for p in data["params"]]
        return {"X": torch.tensor(data["X"]), "Y": torch.tensor(data["Y"]), "params": params}

    def shim_state() -> dict:
        nd, _ = mxnet_shim()
        params = [nd.array(p) for p in data["params"]]
        for p in params:
            p.attach_grad()
        return {"X": nd.array(data["X"]), "Y": nd.array(data["Y"]), "params": params}

    def mx_state() -> dict:
        mx = real_mxnet()
        params = [mx.nd.array(p) for p in data["params"]]
        for p in params:
            p.attach_grad()
        return {"X": mx.nd.array(data["X"]), "Y": mx.nd.array(data["Y"]), "params": params}

    def native() -> Variant:
        st = torch_state()
        return Variant("native torch", lambda: P.torch_mlp_steps(torch, st, steps))

    def shim() -> Variant:
        nd, autograd = mxnet_shim()
        st = shim_state()
        return Variant(SHIM, lambda: P.mx_mlp_steps(nd, autograd, st, steps))

    def mxnet() -> Variant:
        mx = real_mxnet()
        st = mx_state()

        def sample() -> None:
            P.mx_mlp_steps(mx.nd, mx.autograd, st, steps)
            mx.nd.waitall()  # MXNet is asynchronous: time the work, not its queueing

        return Variant("real MXNet 1.9.1", sample)

    variants, missing = build(
        {"native torch": native, "shim: MXNet dialect on torch": shim, "real MXNet 1.9.1": mxnet}
    )
    rows = interleave(
        variants,
        cfg,
        "native torch",
        goals={"shim: MXNet dialect on torch": GOAL},
        per=f"{steps} steps",
        per_count=steps,
    )
    # Faithfulness check outside the timing: 3 steps from the same start on every variant.
    ref = torch_state()
    P.torch_mlp_steps(torch, ref, 3)
    ref_params = [p.detach().numpy() for p in ref["params"]]
    for r in rows:
        if r.variant.startswith("shim"):
            st, (nd, autograd) = shim_state(), mxnet_shim()
        elif r.variant.startswith("real MXNet"):
            st, mx = mx_state(), real_mxnet()
            nd, autograd = mx.nd, mx.autograd
        else:
            continue
        P.mx_mlp_steps(nd, autograd, st, 3)
        r.extra["max_abs_diff_after_3_steps"] = max_diff(ref_params, st["params"])
    return {"rows": rows + missing, "sizes": {"batch,in,hidden,out": sizes, "steps": steps}}
