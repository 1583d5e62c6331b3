"""Case 5: plain torch code with the MXNet dialect installed on ``torch.Tensor``, and without.

``install()`` wraps ``Tensor.backward``, ``__setitem__`` and the in-place operators; on tensors
that are not MXNet variables the wrappers must cost next to nothing. Timed: ``backward()`` on a
small graph (forward included), and ``x[:] = v`` on a 1,000-element and a 10-element plain tensor.
Goal: installed / not installed <= 1.05 (the 10-element figure is reported, not a goal).
"""

from __future__ import annotations

from harness import Config, NotAvailable, Row, Variant, interleave

TITLE = "Plain torch with the shim installed"
GOAL = 1.05
ON = "shim installed"
OFF = "not installed"


def run(cfg: Config) -> dict:
    import torch

    try:
        import autograd_compat
        from autograd_compat.mxnet_on_torch import tensor_methods
    except Exception as exc:
        raise NotAvailable(f"MXNet dialect on torch: {type(exc).__name__}: {exc}") from exc
    was_installed = tensor_methods.is_installed()

    def pair(label: str, body, count: int) -> list[Row]:
        rows = interleave(
            [
                Variant(OFF, body, before=autograd_compat.uninstall),
                Variant(ON, body, before=autograd_compat.install),
            ],
            cfg,
            OFF,
            goals={ON: GOAL} if label != "x[:] = v, 10 elements" else {},
            per=f"{count} ops",
            per_count=count,
        )
        for r in rows:
            r.variant = f"{label}: {r.variant}"
        return rows

    n = cfg.pick(2000, 50)
    x = torch.randn(10, requires_grad=True)

    def backward_loop() -> None:
        for _ in range(n):
            y = (x * x + x).sum()
            y.backward()
            x.grad = None

    m = cfg.pick(20000, 200)
    big, v_big = torch.zeros(1000), torch.ones(1000)
    small, v_small = torch.zeros(10), torch.ones(10)

    def setitem_big() -> None:
        for _ in range(m):
            big[:] = v_big

    def setitem_small() -> None:
        for _ in range(m):
            small[:] = v_small

    try:
        rows = pair("backward() of (x*x+x).sum(), 10 elements", backward_loop, n)
        rows += pair("x[:] = v, 1,000 elements", setitem_big, m)
        rows += pair("x[:] = v, 10 elements", setitem_small, m)
    finally:
        (autograd_compat.install if was_installed else autograd_compat.uninstall)()
    return {"rows": rows}
