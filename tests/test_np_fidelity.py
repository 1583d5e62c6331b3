"""The ``np`` ndarray as MXNet 1.9.1 has it: memory sharing, type names, pickles.

Each side-by-side case runs one program on real MXNet (with ``npx.set_np()``) and on the MXNet
dialect on torch (``tests/sbs.py``) and compares what it returns: values, and the printed text of
types and memory-sharing answers.
"""

from __future__ import annotations

import pickle

import numpy as onp
import pytest
import torch
from sbs import run_both

pytestmark = pytest.mark.mxnet


@pytest.fixture(autouse=True, scope="module")
def _mxnet_numpy_semantics():
    import mxnet

    mxnet.npx.set_np()
    yield
    mxnet.npx.reset_np()


# ---------------------------------------------------------------------------------------------
# Memory sharing, as measured on MXNet 1.9.1: write through the result, see whether x changed
# ---------------------------------------------------------------------------------------------

SHARING_1D = {
    "reshape_method": lambda np, x: x.reshape(3, 4),
    "reshape_tuple": lambda np, x: x.reshape((2, 6)),
    "np_reshape": lambda np, x: np.reshape(x, (3, 4)),
    "astype_same": lambda np, x: x.astype("float32"),
    "astype_same_no_copy": lambda np, x: x.astype("float32", copy=False),
    "copy": lambda np, x: x.copy(),
    "np_copy": lambda np, x: np.copy(x),
    "array": lambda np, x: np.array(x),
    "slice": lambda np, x: x[2:5],
    "slice_step": lambda np, x: x[2:8:2],
    "slice_reverse": lambda np, x: x[::-1],
    "full_slice": lambda np, x: x[:],
    "ellipsis": lambda np, x: x[...],
    "newaxis": lambda np, x: x[None],
    "T": lambda np, x: x.T,
    "transpose": lambda np, x: x.transpose(),
    "ravel": lambda np, x: np.ravel(x),
    "flatten": lambda np, x: x.flatten(),
    "expand_dims": lambda np, x: np.expand_dims(x, 0),
    "squeeze": lambda np, x: np.squeeze(x),
    "detach": lambda np, x: x.detach(),
    "broadcast_to": lambda np, x: np.broadcast_to(x, (2, 12)),
}

SHARING_3D = {
    "row": lambda np, x: x[1],
    "rows": lambda np, x: x[0:1],
    "last_row": lambda np, x: x[-1],
    "column": lambda np, x: x[:, 1],
    "int_then_slice": lambda np, x: x[1, 1:],
    "block": lambda np, x: x[0:1, 0:1],
    "int_full_slices": lambda np, x: x[1, :, 0:4],
    "inner_block": lambda np, x: x[1, 0:2, 1:3],
    "all_slices": lambda np, x: x[:, :, :],
    "int_ellipsis_newaxis": lambda np, x: x[1, ..., None],
    "reversed_last_axis": lambda np, x: x[0, 0, ::-1],
    "chained": lambda np, x: x[0][1][2:3],
    "index_array": lambda np, x: x[np.array([0, 1], dtype="int32")],
    "swapaxes": lambda np, x: np.swapaxes(x, 0, 1),
    "moveaxis": lambda np, x: np.moveaxis(x, 0, -1),
    "T": lambda np, x: x.T,
    "reshape": lambda np, x: x.reshape(6, 4),
}


def _sharing(make, f):
    def program(ns):
        np = ns.np
        x = make(np)
        y = f(np, x)
        answers = [bool(np.shares_memory(x, y)), bool(np.may_share_memory(x, y))]
        y[...] = 99
        return [x, *answers]

    return program


@pytest.mark.parametrize("case", sorted(SHARING_1D))
def test_memory_sharing_1d(case):
    run_both(_sharing(lambda np: np.arange(12), SHARING_1D[case]))


@pytest.mark.parametrize("case", sorted(SHARING_3D))
def test_memory_sharing_3d(case):
    run_both(_sharing(lambda np: np.arange(24).reshape(2, 3, 4), SHARING_3D[case]))


def test_shares_memory_is_about_overlap_not_the_buffer():
    def program(ns):
        np = ns.np
        x = np.arange(12)
        return [
            np.shares_memory(x[:2], x[5:]),
            np.may_share_memory(x[:2], x[5:]),
            np.shares_memory(x[:6], x[5:]),
            np.shares_memory(x, np.arange(12)),
        ]

    run_both(program)


def test_split_parts_and_iteration():
    def program(ns):
        np = ns.np
        x = np.arange(12)
        parts = np.split(x, 3)
        parts[0][...] = 99
        m = np.arange(12).reshape(3, 4)
        for row in m:
            row[...] = 7  # rows are views, as in MXNet
        return [x, m]

    run_both(program)


def test_reshape_copy_is_differentiable():
    def program(ns):
        np = ns.np
        x = np.arange(6)
        x.attach_grad()
        with ns.autograd.record():
            y = (x.reshape(2, 3) * np.arange(3)).sum() + (x.T * x).sum()
        y.backward()
        return [y, x.grad]

    run_both(program)


# ---------------------------------------------------------------------------------------------
# Type names and pickles
# ---------------------------------------------------------------------------------------------


def test_type_prints_as_mxnets():
    def program(ns):
        x = ns.np.ones(2)
        x.attach_grad()
        return [str(type(x)), type(x).__name__, type(x).__module__, str(type(x.grad))]

    run_both(program)


def test_pickles_use_the_shims_rebuild_function_not_the_printed_class_path():
    from autograd_compat.mxnet_on_torch import numpy as shim_np

    x = shim_np.arange(4).reshape(2, 2)
    data = pickle.dumps(x)
    assert b"mxnet.numpy" not in data and b"autograd_compat" in data
    y = pickle.loads(data)
    assert type(y) is type(x) and y.tolist() == x.tolist()


def test_torch_save_and_load_of_np_arrays(tmp_path):
    from autograd_compat.mxnet_on_torch import numpy as shim_np

    x = shim_np.arange(4, dtype="int32")
    torch.save({"x": x}, tmp_path / "a.pt")
    y = torch.load(tmp_path / "a.pt", weights_only=False)["x"]
    assert type(y) is type(x) and y.tolist() == [0, 1, 2, 3] and y.asnumpy().dtype == onp.int32


@pytest.mark.parametrize("legacy", [False, True])
def test_numpy_asarray_is_not_a_window_into_the_array(legacy):
    # MXNet's numpy.asarray gives an object array of its own; the shim gives the values, as a copy:
    # a write into it must leave the MXNet array alone on both.
    def program(mx):
        x = mx.nd.array([1.0, 2.0, 3.0]) if legacy else mx.np.array([1.0, 2.0, 3.0])
        a = onp.asarray(x)
        a[0] = 9
        return x.asnumpy()

    run_both(program)
