"""``x[key] = value`` with a value of the wrong shape raises MXNet 1.9.1's exception class.

MXNet raises ``ValueError`` from its Python code for the legacy ``NDArray`` (and for a numpy value
written into an ``np`` array), and ``MXNetError`` from its broadcast operator for an ``np`` array
given an MXNet array or a list; torch's ``RuntimeError`` is neither.
"""

from __future__ import annotations

import numpy as onp
import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet

# (array kind, the write), each run on a fresh [1, 2, 3].
CASES = [
    ("np", lambda mx, x: x.__setitem__(slice(None), mx.np.ones((2, 3)))),
    ("np", lambda mx, x: x.__setitem__(slice(None), onp.ones((2, 3)))),
    ("np", lambda mx, x: x.__setitem__(slice(0, 2), mx.np.ones((3,)))),
    ("np", lambda mx, x: x.__setitem__(slice(0, 2), [1, 2, 3])),
    ("np", lambda mx, x: x.__setitem__(mx.np.array([0, 1], dtype="int64"), mx.np.ones((3,)))),
    ("nd", lambda mx, x: x.__setitem__(slice(None), mx.nd.ones((2, 3)))),
    ("nd", lambda mx, x: x.__setitem__(slice(None), onp.ones((2, 3)))),
    ("nd", lambda mx, x: x.__setitem__(slice(0, 2), mx.nd.ones((3,)))),
    ("nd", lambda mx, x: x.__setitem__(slice(0, 2), [1, 2, 3])),
]


@pytest.mark.parametrize("variable", [False, True])
@pytest.mark.parametrize("case", range(len(CASES)))
def test_value_of_the_wrong_shape(case, variable):
    kind, write = CASES[case]

    def program(mx):
        if kind == "np":
            mx.npx.set_np()
        try:
            x = (mx.np if kind == "np" else mx.nd).array([1.0, 2.0, 3.0])
            if variable:
                x.attach_grad()
            write(mx, x)
            return x.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


def test_values_that_fit_still_write():
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([[1.0, 2.0, 3.0]])
            x[:] = mx.np.array([7.0, 8.0, 9.0])  # broadcast
            x[0, 0:2] = [5, 6]
            return x.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


# Operators whose operands' shapes do not broadcast: MXNet's operators raise MXNetError (shape
# inference), torch's kernels RuntimeError; the dialect raises MXNet's class, naming the shapes.
OPERATORS = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / b,
    lambda a, b: a**b,
    lambda a, b: a < b,
    lambda a, b: a == b,
    lambda a, b: a.__iadd__(b),
]


@pytest.mark.parametrize("kind", ["np", "nd"])
@pytest.mark.parametrize("op", range(len(OPERATORS)))
def test_operator_on_shapes_that_do_not_broadcast(kind, op):
    def program(mx):
        if kind == "np":
            mx.npx.set_np()
        try:
            mod = mx.np if kind == "np" else mx.nd
            r = OPERATORS[op](mod.ones((2, 3)), mod.ones((3, 2)))
            return r.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)
