"""Case 6: ``to_torch`` / ``to_mxnet`` of float32 arrays against a copy through numpy.

Sizes 1e3, 1e5, 1e7 elements. The conversions share memory through DLPack, so their time should
not grow with the size. Goal: at most 20 µs per conversion at every size. Each result is also
checked to share memory with its source (a write to the source shows in the result).
"""

from __future__ import annotations

import numpy
from harness import Config, NotAvailable, Variant, interleave

from cases._common import real_mxnet

TITLE = "Interchange to_torch / to_mxnet"
GOAL = None
GOAL_TIME = 20e-6


def run(cfg: Config) -> dict:
    import torch

    mx = real_mxnet()
    try:
        import autograd_compat
        from autograd_compat import interop  # noqa: F401 - the module issue 3 adds
    except Exception as exc:
        raise NotAvailable(f"autograd_compat.interop: {type(exc).__name__}: {exc}") from exc

    rows = []
    for size in cfg.pick((10**3, 10**5, 10**7), (10**3, 10**4)):
        # Copies of 1e7 elements take milliseconds: fewer of them per sample. The conversions
        # always run 200 times, so a fixed cost per sample cannot pass for a per-call cost.
        k_copy = 200 if size <= 10**5 else 5
        k = cfg.pick(200, 20)
        a_np = numpy.arange(size, dtype=numpy.float32)
        a_mx, a_t = mx.nd.array(a_np), torch.from_numpy(a_np.copy())
        mx.nd.waitall()
        label = f"{size:.0e} elements"

        def via_numpy_to_torch(a=a_mx, k=k_copy):
            for _ in range(k):
                torch.from_numpy(a.asnumpy())

        def shim_to_torch(a=a_mx, k=k):
            for _ in range(k):
                autograd_compat.to_torch(a)

        # No waitall in these two: mx.nd.array copies synchronously and to_mxnet queues no
        # MXNet work, while a waitall (~0.2 ms) would swamp a 5-conversion sample at 1e7.
        def via_numpy_to_mxnet(a=a_t, k=k_copy):
            for _ in range(k):
                mx.nd.array(a.numpy())

        def shim_to_mxnet(a=a_t, k=k):
            for _ in range(k):
                autograd_compat.to_mxnet(a)

        for direction, base, shim, shares in (
            ("mxnet -> torch", via_numpy_to_torch, shim_to_torch, _shares_to_torch),
            ("torch -> mxnet", via_numpy_to_mxnet, shim_to_mxnet, _shares_to_mxnet),
        ):
            base_name = f"{direction}, {label}: copy through numpy"
            fn_name = "to_torch" if direction.endswith("torch") else "to_mxnet"
            shim_name = f"{direction}, {label}: {fn_name}"
            try:
                shim()  # fails here, not inside the timing, when the function is broken
                shared = shares(mx, torch, autograd_compat, size)
            except Exception as exc:
                from harness import unavailable

                rows.append(unavailable(shim_name, f"{type(exc).__name__}: {exc}"[:300]))
                continue
            pair = interleave(
                [Variant(base_name, base, count=k_copy), Variant(shim_name, shim, count=k)],
                cfg,
                base_name,
                goal_times={shim_name: GOAL_TIME},
                per="conversion",
                per_count=1,
            )
            pair[1].extra["shares_memory"] = shared
            rows += pair
    return {"rows": rows}


def _shares_to_torch(mx, torch, ac, size) -> bool:
    a = mx.nd.zeros(size)
    t = ac.to_torch(a)
    a[0] = 7.0
    mx.nd.waitall()
    return bool(t[0].item() == 7.0)


def _shares_to_mxnet(mx, torch, ac, size) -> bool:
    t = torch.zeros(size)
    a = ac.to_mxnet(t)
    t[0] = 7.0
    return bool(a[0].asscalar() == 7.0)
