"""``np`` behaviours that MXNet 1.9.1's ``test_numpy_ndarray.py``/``test_numpy_op.py`` rely on.

Each case runs one program on real MXNet and on the MXNet dialect on torch (``tests/sbs.py``)
and compares values, printed type names and exception classes.
"""

from __future__ import annotations

import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet


def _blocks(ns):
    HybridBlock = ns.gluon.HybridBlock  # noqa: N806 - a class

    class Mixed(HybridBlock):
        def hybrid_forward(self, F, x):  # noqa: N803 - MXNet's signature
            return x.as_nd_ndarray() + 1, F.np.multiply(x, x)

    class Legacy(HybridBlock):
        def hybrid_forward(self, F, x):  # noqa: N803
            return x + x, x * x

    return Mixed, Legacy


@pytest.mark.parametrize("hybridize", [False, True])
def test_np_mode_refuses_legacy_block_outputs(hybridize):
    def program(ns):
        mixed, _ = _blocks(ns)
        net = mixed()
        if hybridize:
            net.hybridize()
        ns.npx.set_np()
        try:
            return net(ns.np.ones((2, 3)))
        finally:
            ns.npx.reset_np()

    err = run_both(program)
    assert isinstance(err, TypeError) and "mxnet.numpy.ndarray" in str(err)


def test_legacy_mode_keeps_legacy_block_outputs():
    def program(ns):
        _, legacy = _blocks(ns)
        out = legacy()(ns.nd.ones((2, 3)))
        return [str(type(o)) for o in out] + list(out)

    run_both(program)
