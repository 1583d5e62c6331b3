"""Loaders shared by the cases: each turns a missing or broken module into NotAvailable."""

from __future__ import annotations

from typing import Any

import numpy
from harness import NotAvailable, try_import


def real_mxnet() -> Any:
    return try_import("real MXNet", lambda: __import__("mxnet"))


def mxnet_shim() -> tuple[Any, Any]:
    """(nd, autograd) of the MXNet dialect on torch."""

    def load() -> tuple[Any, Any]:
        import autograd_compat

        ns = autograd_compat.namespace("mxnet", "torch")
        return ns.nd, ns.autograd

    return try_import("MXNet dialect on torch", load)


def mxnet_shim_np() -> tuple[Any, Any, Any]:
    """(np, npx, autograd) of the MXNet dialect on torch (issue 7)."""

    def load() -> tuple[Any, Any, Any]:
        import autograd_compat

        ns = autograd_compat.namespace("mxnet", "torch")
        for name in ("np", "npx"):
            if not hasattr(ns, name):
                raise NotAvailable(f"autograd_compat.mxnet_on_torch has no {name!r} yet (issue 7)")
        return ns.np, ns.npx, ns.autograd

    return try_import("np/npx of the MXNet dialect on torch", load)


def torch_on_mxnet() -> Any:
    """The torch dialect on MXNet (issue 3)."""

    def load() -> Any:
        import autograd_compat

        return autograd_compat.namespace("torch", "mxnet")

    return try_import("torch dialect on MXNet", load)


def as_numpy(x: Any) -> numpy.ndarray:
    for attr in ("asnumpy", "numpy"):
        f = getattr(x, attr, None)
        if f is not None:
            try:
                return numpy.asarray(f())
            except Exception:
                continue
    d = getattr(x, "detach", None)
    return numpy.asarray(d().numpy() if d else x)


def max_diff(ref: list[numpy.ndarray], got: list[Any]) -> float:
    return float(max(numpy.abs(r - as_numpy(g)).max() for r, g in zip(ref, got)))
