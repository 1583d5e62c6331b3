"""Case 8: a third derivative through ``create_graph=True``, on both backends and native torch.

``f(x) = x*x*x + sin(x)*exp(x)`` on 10 elements; the third derivative by three ``grad`` calls.
The MXNet dialect on torch does it inside ``record()`` with ``autograd.grad(create_graph=True)``;
the torch dialect on MXNet (issue 3) runs the native torch text. Real MXNet 1.9.1 cannot do it
(its second derivative of ``x*x`` fails), so it has no variant. No goal: the figure is reported.
"""

from __future__ import annotations

import numpy
from harness import Config, Variant, build, interleave

from cases._common import as_numpy, mxnet_shim, torch_on_mxnet

TITLE = "Third derivative (create_graph=True)"
GOAL = None
SHIM = "MXNet dialect on torch"
TOM = "torch dialect on MXNet"


def _torch_style(T, x):
    y = (x * x * x + T.sin(x) * T.exp(x)).sum()
    (g1,) = T.autograd.grad(y, x, create_graph=True)
    (g2,) = T.autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = T.autograd.grad(g2.sum(), x)
    return g3


def _mxnet_style(nd, autograd, x):
    with autograd.record():
        y = x * x * x + nd.sin(x) * nd.exp(x)
        g1 = autograd.grad(y, [x], create_graph=True)[0]
        g2 = autograd.grad(g1, [x], create_graph=True)[0]
    return autograd.grad(g2, [x])[0]


def run(cfg: Config) -> dict:
    import torch

    vals = numpy.linspace(-1, 1, 10, dtype=numpy.float32)
    k = cfg.pick(200, 5)
    results = {}

    def native() -> Variant:
        x = torch.tensor(vals, requires_grad=True)

        def sample():
            for _ in range(k):
                results["native torch"] = _torch_style(torch, x)

        return Variant("native torch", sample)

    def shim() -> Variant:
        nd, autograd = mxnet_shim()
        x = nd.array(vals)
        x.attach_grad()

        def sample():
            for _ in range(k):
                results[SHIM] = _mxnet_style(nd, autograd, x)

        return Variant(SHIM, sample)

    def tom() -> Variant:
        T = torch_on_mxnet()
        import mxnet as mx

        x = T.tensor(vals, requires_grad=True)

        def sample():
            for _ in range(k):
                results[TOM] = _torch_style(T, x)
            mx.nd.waitall()

        return Variant(TOM, sample)

    variants, missing = build({"native torch": native, SHIM: shim, TOM: tom})
    rows = interleave(variants, cfg, "native torch", per=f"{k} third derivatives", per_count=k)
    ref = as_numpy(results["native torch"])
    for r in rows:
        if r.variant in results:
            r.extra["max_abs_diff_vs_native"] = float(
                numpy.abs(as_numpy(results[r.variant]) - ref).max()
            )
    return {"rows": rows + missing}
