"""MXNet 1.9.1's ``test_ndarray.py``/``test_autograd.py`` behaviours, side by side with real MXNet.

Each case runs the same program on real MXNet 1.9.1 and on the shim (``run_both``) and compares
values, gradients and exception classes.
"""

from __future__ import annotations

import numpy as np
import pytest
from sbs import run_both

from autograd_compat import namespace
from autograd_compat.testing import assert_equivalent

shim = namespace("mxnet", "torch")

pytestmark = pytest.mark.mxnet


# --- arcsinh / arccosh: MXNet's second derivative has the opposite sign of the true one -------


@pytest.mark.parametrize("iface", ["nd", "np"])
@pytest.mark.parametrize(
    "name, values", [("arcsinh", [-2.0, -0.5, 0.3, 1.5]), ("arccosh", [1.5, 2.0, 3.0])]
)
def test_inverse_hyperbolic_higher_order_grads(iface, name, values):
    def program(mx):
        if iface == "np":
            x, f = mx.np.array(values), getattr(mx.np, name)
        else:
            x, f = mx.nd.array(values), getattr(mx.nd, name)
        x.attach_grad()
        with mx.autograd.record():
            y = f(x)
            g1 = mx.autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
            g2 = mx.autograd.grad(g1, x, create_graph=True, retain_graph=True)[0]
        g2.backward()  # third order
        return y.asnumpy(), g1.asnumpy(), g2.asnumpy(), x.grad.asnumpy()

    run_both(program)


def test_arcsinh_zero_head_gradient_second_order():
    def program(mx):
        x = mx.nd.array([0.5, 1.0, -1.0])
        x.attach_grad()
        with mx.autograd.record():
            y = mx.nd.arcsinh(x)
            g = mx.autograd.grad(
                y,
                x,
                head_grads=mx.nd.array([0.0, 2.0, -0.0]),
                create_graph=True,
                retain_graph=True,
            )[0]
        g.backward()
        return g.asnumpy(), x.grad.asnumpy()

    run_both(program)


def test_arcsinh_sign_is_mxnets():
    """Pinned: the shim's second derivative is MXNet's (+x/(x²+1)^1.5), not the true one."""
    x = shim.nd.array([0.5])
    x.attach_grad()
    with shim.autograd.record():
        g = shim.autograd.grad(shim.nd.arcsinh(x), x, create_graph=True, retain_graph=True)[0]
    g.backward()
    assert x.grad.asnumpy()[0] == pytest.approx(0.5 / 1.25**1.5, rel=1e-6)
    assert np.isfinite(x.grad.asnumpy()).all()


# --- autograd: `from mxnet.autograd import *` and NDArray._fresh_grad ------------------------


def test_autograd_star_import_gives_ndarray(mx):
    def names(module_name):
        ns: dict = {}
        exec(f"from {module_name} import *", ns)  # noqa: S102 - the import under test
        return ns

    want = names("mxnet.autograd")
    got = names("autograd_compat.mxnet_on_torch.autograd")
    assert got["NDArray"] is shim.nd.NDArray
    public = {"NDArray", "record", "pause", "train_mode", "predict_mode", "backward", "grad"}
    public |= {"mark_variables", "is_recording", "is_training", "set_recording", "set_training"}
    public |= {"Function", "get_symbol"}
    assert public <= set(want) and public <= set(got)


def test_fresh_grad():
    def program(mx):
        nd, seen = mx.nd, []
        x, y = nd.ones((2, 2)), nd.ones((2, 2))
        dx, dy = nd.zeros_like(x), nd.zeros_like(x)
        mx.autograd.mark_variables([x, y], [dx, dy])
        seen.append((x._fresh_grad, y._fresh_grad))
        with mx.autograd.record():
            z = (x + 2) + y
        z.backward()
        seen.append((x._fresh_grad, y._fresh_grad))
        dx[:] = 0
        x._fresh_grad = False
        y._fresh_grad = False
        seen.append((x._fresh_grad, y._fresh_grad))
        with mx.autograd.record():
            z = (x + 2).detach() + y
        z.backward()
        seen.append((x._fresh_grad, y._fresh_grad))
        x._fresh_grad = True
        seen.append(x._fresh_grad)
        x.attach_grad()  # a new buffer is not fresh
        seen.append(x._fresh_grad)
        seen.append(nd.ones(2)._fresh_grad)
        return seen, dx.asnumpy()

    assert_equivalent(program, dialect="mxnet", backends=("mxnet", "torch"), strict=True)


def test_fresh_grad_set_on_non_variable_raises():
    def program(mx):
        a = mx.nd.ones(2)
        a._fresh_grad = True

    run_both(program)
