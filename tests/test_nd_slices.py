"""Empty, reversed and one-element basic slices of legacy NDArrays, side by side with MXNet 1.9.1.

MXNet refuses a lone step-1 slice whose start lies after its stop (``x[5:2]``: "begin <= end") and,
in a tuple key, a slice after the first axis that selects nothing (``X[:, 2:2]``); a negative-step
slice of one element is a view (a write through it reaches the array). Not emulated: MXNet 1.9.1
also fails ``X[:, -10:2]`` ("could not construct a sub-memory") on some 2-D arrays depending on
their internal memory layout (``arange(12).reshape((3, 4))`` fails, its ``astype`` copy does not).
"""

from __future__ import annotations

import math

import pytest
from sbs import run_both

pytestmark = pytest.mark.mxnet

KEYS_1D = ["5:2", "2:2", "10:", "-1:0", "::-1", "4:1:-1", "10:20", "-10:2", "3:3:-1", "5:2:-1",
           ":0", "0:0:2", "::2", "1::-2", "5:2:2", "5:2:1", "-1:-3", "4:-3", "3:-3", "-10:-8",
           "0:6:-1", "(slice(5, 2),)", "2:2,"]  # fmt: skip
KEYS_2D = ["5:2", "2:2", "10:", "-1:0", "2:1", ":, 5:2", ":, 2:2", ":, 10:", ":, -1:0", "1, 5:2",
           "1, 2:2", "1, :0", ":, 3:3:-1", ":, 0:0:2", ":, ::-1", ":, 4:1:-1", ":, 5:2:-1",
           "1, 1::-2", "5:2, :", "2:2, :", "2:2, 1", "1:1, 0:2", "0:0, 0:0", ":, -5:-4",
           "..., 2:2", "2:2, ...", "5:2, ...", "5:2:-1, 0", ":, 0:4:-1", "1:2, 3:1", ":, 1:-10",
           "1, -5:2", ":, -4:2", ":, -10:", "None, 2:2"]  # fmt: skip
KEYS_3D = [":, :, 5:2", "0, 2:2", "2:2", "1:0", "0, -10:2", ":, 0, -10:2", "0:1, -10:2"]


def _read(shape, keys):
    def program(mx):
        x = mx.nd.arange(math.prod(shape)).reshape(shape)
        out = []
        for k in keys:
            try:
                r = eval(f"x[{k}]", {}, {"x": x})
                out.append((k, r.shape, r.asnumpy().tolist()))
            except mx.base.MXNetError:
                out.append((k, "MXNetError"))
        return out

    return program


@pytest.mark.parametrize(
    "shape, keys", [((6,), KEYS_1D), ((3, 4), KEYS_2D), ((2, 3, 4), KEYS_3D)], ids=str
)
def test_empty_and_reversed_slices(shape, keys):
    run_both(_read(shape, keys))


def test_one_element_reversed_slice_is_a_view():
    def program(mx):
        out = []
        for shape, key in [((1,), "::-1"), ((1, 2), "::-1"), ((4,), "3:2:-1"), ((4,), "::-1"),
                           ((3, 4), "2:1:-1"), ((3, 4), "2:1:-1, :"), ((3, 4), "::-3"),
                           ((2, 3, 4), "1:0:-1"), ((3, 4), "-1::-5"), ((4,), "::5")]:  # fmt: skip
            x = mx.nd.arange(math.prod(shape)).reshape(shape)
            v = eval(f"x[{key}]", {}, {"x": x})
            v[:] = 99
            out.append(x.asnumpy())
        return out

    run_both(program)
