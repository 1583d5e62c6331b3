"""``np`` ndarray dtypes as MXNet 1.9.1 has them: numpy's dtype objects, accepted by real numpy.

Side by side with real MXNet (``npx.set_np()``): the printed dtype, its type, and what numpy and
the creation functions make of it.
"""

from __future__ import annotations

import numpy as onp
import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet


@pytest.fixture(autouse=True, scope="module")
def _mxnet_numpy_semantics():
    import mxnet

    mxnet.npx.set_np()
    yield
    mxnet.npx.reset_np()


DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int32", "int64", "bool"]


@pytest.mark.parametrize("dt", DTYPES)
def test_dtype_is_numpys_dtype_object_accepted_by_numpy(dt):
    def program(ns):
        x = ns.np.ones((2, 3), dtype=dt)
        d = x.dtype
        return [
            repr(d),
            str(type(d)),
            d.name,
            d == dt,
            d == onp.dtype(dt),
            str(onp.ones(2, dtype=d).dtype),
            repr(x.astype(d).dtype),
            repr(ns.np.zeros(2, dtype=d).dtype),
        ]

    run_both(program)


def test_dtypes_of_results_and_gradients():
    def program(ns):
        np = ns.np
        x = np.array([1.0, 2.0])
        x.attach_grad()
        with ns.autograd.record():
            y = (x * 2).sum()
        y.backward()
        i = np.arange(3, dtype="int32")
        return [repr(d) for d in (x.grad.dtype, y.dtype, (i + i).dtype, (i > 1).dtype)]

    run_both(program)
