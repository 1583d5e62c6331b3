"""Case 11: ``gluon.data.DataLoader`` with worker processes (issue 13).

One epoch over an ``ArrayDataset`` of 10,240 MNIST-sized examples (784 float32 features and a
label), batch 256, ``num_workers=2``, against native ``torch.utils.data.DataLoader`` over a
``TensorDataset`` of the same arrays with the same batch size, workers and prefetch (torch's
defaults: workers started per epoch, 2 batches prefetched per worker). Goal: <= 1.10.
"""

from __future__ import annotations

import numpy
from harness import Config, Variant, build, interleave

from cases import gluon_models as G
from cases.gluon_forward_backward import gluon_shim

TITLE = "Gluon DataLoader, 2 workers"
GOAL = 1.10
NATIVE = "native torch.utils.data.DataLoader"
SHIM = "shim: gluon.data.DataLoader"


def run(cfg: Config) -> dict:
    import torch
    import torch.utils.data as tud

    n, features, batch, workers = cfg.pick((10240, 784, 256, 2), (64, 8, 16, 2))
    rng = numpy.random.default_rng(4)
    X = rng.standard_normal((n, features), dtype=numpy.float32)
    y = rng.integers(0, 10, n).astype(numpy.float32)

    def native() -> Variant:
        ds = tud.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
        loader = tud.DataLoader(ds, batch_size=batch, num_workers=workers)
        return Variant(NATIVE, lambda: sum(1 for _ in loader))

    def shim() -> Variant:
        ns = gluon_shim()
        ds = ns.gluon.data.ArrayDataset(ns.nd.array(X), ns.nd.array(y))
        loader = ns.gluon.data.DataLoader(ds, batch_size=batch, num_workers=workers)
        return Variant(SHIM, lambda: sum(1 for _ in loader))

    variants, missing = build({NATIVE: native, SHIM: shim})
    G.freeze_heap()
    # A sample is a whole epoch (worker start-up included, 0.1-1 s): fewer repetitions.
    rows = interleave(
        variants,
        cfg,
        NATIVE,
        goals={SHIM: GOAL},
        per=f"1 epoch of {n // batch} batches",
        reps=cfg.pick(11, cfg.reps),
    )
    # Faithfulness (not timed): the shim's batches equal the native loader's, in order.
    for r in rows:
        if r.variant != SHIM:
            continue
        ns = gluon_shim()
        ds = ns.gluon.data.ArrayDataset(ns.nd.array(X), ns.nd.array(y))
        loader = ns.gluon.data.DataLoader(ds, batch_size=batch, num_workers=workers)
        got = [(G.as_np(a), G.as_np(b)) for a, b in loader]
        want = [(X[i : i + batch], y[i : i + batch]) for i in range(0, n, batch)]
        r.extra["batches_equal_in_order"] = len(got) == len(want) and all(
            numpy.array_equal(a, c) and numpy.array_equal(b, d) for (a, b), (c, d) in zip(got, want)
        )
    return {
        "rows": rows + missing,
        "sizes": {"examples,features,batch,workers": (n, features, batch, workers)},
    }
