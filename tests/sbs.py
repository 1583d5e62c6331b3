"""Side-by-side harness for the project's own tests: one MXNet-style program, two backends.

``run_both(program)`` calls ``program(ns)`` with real MXNet (the oracle) and with the MXNet
dialect on torch, then compares results (values, shapes with ``(1,)`` == ``()``, dtype kinds) or
exceptions (the adapter's must be an instance of the class the oracle raised; the two
``MXNetError`` classes count as one).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd_compat


def to_numpy(x: Any) -> Any:
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return x


def _same_class(ref: BaseException, got: BaseException) -> bool:
    if isinstance(got, type(ref)):
        return True
    # The torch backend's MXNetError cannot subclass the real one (that would import mxnet).
    return type(ref).__name__ == "MXNetError" and type(got).__name__ == "MXNetError"


def compare(ref: Any, got: Any, path: str = "result", rtol: float = 1e-5, atol: float = 1e-6):
    if isinstance(ref, list | tuple):
        assert isinstance(got, list | tuple), f"{path}: {type(got).__name__} vs {type(ref)}"
        assert len(ref) == len(got), f"{path}: length {len(got)} != {len(ref)}"
        for i, (r, g) in enumerate(zip(ref, got)):
            compare(r, g, f"{path}[{i}]", rtol, atol)
        return
    if isinstance(ref, dict):
        assert set(ref) == set(got), f"{path}: keys {set(got)} != {set(ref)}"
        for k in ref:
            compare(ref[k], got[k], f"{path}[{k!r}]", rtol, atol)
        return
    if ref is None or got is None:
        assert ref is None and got is None, f"{path}: {got!r} vs reference {ref!r}"
        return
    r, g = np.asarray(to_numpy(ref)), np.asarray(to_numpy(got))
    if r.shape in ((1,), ()) and g.shape in ((1,), ()):
        r, g = r.reshape(()), g.reshape(())
    assert r.shape == g.shape, f"{path}: shape {g.shape} != reference {r.shape}"
    assert r.dtype.kind == g.dtype.kind, f"{path}: dtype {g.dtype} vs reference {r.dtype}"
    np.testing.assert_allclose(g, r, rtol=rtol, atol=atol, err_msg=path)


def outcome(program, ns) -> tuple[str, Any]:
    try:
        return "ok", program(ns)
    except Exception as exc:  # noqa: BLE001 - the exception is the result being compared
        return "raised", exc


def run_both(program, rtol: float = 1e-5, atol: float = 1e-6) -> Any:
    """Run ``program`` on real MXNet and on the adapter; assert they agree; return adapter's."""
    ref_kind, ref = outcome(program, autograd_compat.namespace("mxnet", "mxnet"))
    got_kind, got = outcome(program, autograd_compat.namespace("mxnet", "torch"))
    if ref_kind == "raised":
        assert got_kind == "raised", f"MXNet raised {ref!r}; the adapter returned {got!r}"
        assert _same_class(ref, got), f"MXNet raised {ref!r}; the adapter raised {got!r}"
        return got
    if got_kind == "raised":
        raise AssertionError(f"the adapter raised {got!r}; MXNet returned {ref!r}") from got
    compare(ref, got, rtol=rtol, atol=atol)
    return got
