"""Side-by-side helper for the project's own MXNet-dialect tests, on the public toolkit.

``run_both(program)`` is ``autograd_compat.testing.assert_equivalent`` with real MXNet as the
reference and the MXNet dialect on torch as the adapter; it returns what the adapter returned or
raised, for tests that look further at it.
"""

from __future__ import annotations

from typing import Any

from autograd_compat.testing import assert_equivalent


def run_both(program, rtol: float = 1e-5, atol: float = 1e-6) -> Any:
    results = assert_equivalent(
        program, dialect="mxnet", backends=("mxnet", "torch"), rtol=rtol, atol=atol
    )
    return results["torch"]
