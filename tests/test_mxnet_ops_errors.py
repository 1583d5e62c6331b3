"""Op-level misuse in the MXNet dialect raises MXNet's exception class (issue 11, item 7).

Each case runs on real MXNet 1.9.1 and on the MXNet dialect on torch (``run_both``): both must
raise the same class (``MXNetError`` for bad shapes, axes and sizes, as MXNet's operators do;
NumPy's ``ValueError``/``IndexError`` where MXNet's ``np`` raises those), and the dialect's message
names the shapes of the arrays involved. Where MXNet itself crashes or reads past the array, the
dialect's clear ``MXNetError`` is checked alone.
"""

from __future__ import annotations

import pytest
from sbs import run_both

from autograd_compat import namespace

pytestmark = pytest.mark.mxnet


def _force(r):
    """Make MXNet's asynchronous engine report any error now (a no-op on torch)."""
    for v in r if isinstance(r, list | tuple) else [r]:
        v.asnumpy()
    return r


def A(ns, *shape):  # noqa: N802
    return ns.nd.ones(shape)


def B(ns, *shape):  # noqa: N802
    return ns.np.ones(shape)


# name -> program(ns) that misuses one operator; MXNet 1.9.1 raises MXNetError for each.
MXNET_ERROR_CASES = {
    # nd: element-wise with bad broadcasting, and elemwise_* (which never broadcast)
    "nd.add": lambda ns: ns.nd.add(A(ns, 2, 3), A(ns, 4)),
    "nd.broadcast_add": lambda ns: ns.nd.broadcast_add(A(ns, 2, 3), A(ns, 4)),
    "nd.elemwise_add broadcasting": lambda ns: ns.nd.elemwise_add(A(ns, 2, 3), A(ns, 1, 3)),
    "nd.elemwise_mul broadcasting": lambda ns: ns.nd.elemwise_mul(A(ns, 2, 3), A(ns, 2, 1)),
    "nd.maximum": lambda ns: ns.nd.maximum(A(ns, 2, 3), A(ns, 4)),
    "nd.equal": lambda ns: ns.nd.equal(A(ns, 2, 3), A(ns, 4)),
    # nd: products, shapes, joins
    "nd.dot": lambda ns: ns.nd.dot(A(ns, 2, 3), A(ns, 2, 3)),
    "nd.dot 3-D": lambda ns: ns.nd.dot(A(ns, 2, 3, 4), A(ns, 3, 4)),
    "nd.batch_dot": lambda ns: ns.nd.batch_dot(A(ns, 2, 3, 4), A(ns, 2, 3, 4)),
    "nd.concat": lambda ns: ns.nd.concat(A(ns, 2, 3), A(ns, 3, 4), dim=0),
    "nd.concat bad dim": lambda ns: ns.nd.concat(A(ns, 2, 3), A(ns, 2, 3), dim=3),
    "nd.stack": lambda ns: ns.nd.stack(A(ns, 2, 3), A(ns, 3, 3)),
    "nd.broadcast_to": lambda ns: ns.nd.broadcast_to(A(ns, 2, 3), shape=(4, 3)),
    "nd.broadcast_like": lambda ns: ns.nd.broadcast_like(A(ns, 2, 3), A(ns, 4, 3)),
    "nd.where y shape": lambda ns: ns.nd.where(A(ns, 2, 3), A(ns, 2, 3), A(ns, 3)),
    "nd.where condition shape": lambda ns: ns.nd.where(A(ns, 3), A(ns, 2, 3), A(ns, 2, 3)),
    "nd.zeros negative": lambda ns: ns.nd.zeros((2, -3)),
    "nd.transpose too many axes": lambda ns: ns.nd.transpose(A(ns, 2, 3), axes=(0, 1, 2)),
    "nd.swapaxes": lambda ns: ns.nd.swapaxes(A(ns, 2, 3), 0, 4),
    "nd.expand_dims": lambda ns: ns.nd.expand_dims(A(ns, 2, 3), axis=4),
    "nd.squeeze non-1 axis": lambda ns: ns.nd.squeeze(A(ns, 2, 3), axis=0),
    "nd.flip": lambda ns: ns.nd.flip(A(ns, 2, 3), axis=3),
    "nd.tile": lambda ns: ns.nd.tile(A(ns, 2, 3), reps=(-1,)),
    "nd.repeat": lambda ns: ns.nd.repeat(A(ns, 2, 3), repeats=2, axis=3),
    "nd.slice_axis axis": lambda ns: ns.nd.slice_axis(A(ns, 2, 3), axis=3, begin=0, end=1),
    "nd.slice_axis range": lambda ns: ns.nd.slice_axis(A(ns, 2, 3), axis=1, begin=0, end=5),
    "nd.split axis": lambda ns: ns.nd.split(A(ns, 2, 3), num_outputs=2, axis=4),
    "nd.split unequal": lambda ns: ns.nd.split(A(ns, 2, 3), num_outputs=2, axis=1),
    "nd.take axis": lambda ns: ns.nd.take(A(ns, 2, 3), ns.nd.array([0]), axis=3),
    "nd.pick axis": lambda ns: ns.nd.pick(A(ns, 2, 3), ns.nd.array([0, 0]), axis=3),
    "nd.pick index shape": lambda ns: ns.nd.pick(A(ns, 2, 3), ns.nd.array([0, 0, 0]), axis=1),
    "nd.one_hot depth": lambda ns: ns.nd.one_hot(ns.nd.array([0, 1]), depth=-1),
    "nd.flatten 0-d": lambda ns: ns.nd.flatten(ns.nd.array([1.0]).reshape(())),
    # nd: reductions, orderings and softmax along a missing axis
    "nd.sum axis=3": lambda ns: ns.nd.sum(A(ns, 2, 3), axis=3),
    "nd.mean axis=-3": lambda ns: ns.nd.mean(A(ns, 2, 3), axis=-3),
    "nd.max axis=5": lambda ns: ns.nd.max(A(ns, 2, 3), axis=5),
    "nd.argmax axis=3": lambda ns: ns.nd.argmax(A(ns, 2, 3), axis=3),
    "nd.norm axis=3": lambda ns: ns.nd.norm(A(ns, 2, 3), axis=3),
    "nd.softmax axis=3": lambda ns: ns.nd.softmax(A(ns, 2, 3), axis=3),
    "nd.log_softmax axis=3": lambda ns: ns.nd.log_softmax(A(ns, 2, 3), axis=3),
    "nd.topk axis": lambda ns: ns.nd.topk(A(ns, 2, 3), axis=3),
    "nd.topk k too large": lambda ns: ns.nd.topk(A(ns, 2, 3), k=5),
    "nd.sort axis": lambda ns: ns.nd.sort(A(ns, 2, 3), axis=3),
    "nd.argsort axis": lambda ns: ns.nd.argsort(A(ns, 2, 3), axis=3),
    # nd: legacy operators take one dtype (torch would promote)
    "nd.add float32 float64": lambda ns: ns.nd.add(A(ns, 2), ns.nd.ones(2, dtype="float64")),
    "nd.add float32 int32": lambda ns: ns.nd.add(A(ns, 2), ns.nd.ones(2, dtype="int32")),
    "nd.maximum mixed dtypes": lambda ns: ns.nd.maximum(A(ns, 2), ns.nd.ones(2, dtype="float64")),
    "nd.equal mixed dtypes": lambda ns: ns.nd.equal(A(ns, 2), ns.nd.ones(2, dtype="int32")),
    "nd.elemwise_add mixed dtypes": lambda ns: ns.nd.elemwise_add(
        A(ns, 2), ns.nd.ones(2, dtype="float64")
    ),
    "nd.dot mixed dtypes": lambda ns: ns.nd.dot(A(ns, 2, 2), ns.nd.ones((2, 2), dtype="float64")),
    "nd.concat mixed dtypes": lambda ns: ns.nd.concat(
        A(ns, 2, 2), ns.nd.ones((2, 2), dtype="float64"), dim=0
    ),
    "nd.stack mixed dtypes": lambda ns: ns.nd.stack(A(ns, 2), ns.nd.ones(2, dtype="float64")),
    "nd.where mixed dtypes": lambda ns: ns.nd.where(
        A(ns, 2), A(ns, 2), ns.nd.ones(2, dtype="float64")
    ),
    # samplers
    "nd.random.normal negative shape": lambda ns: ns.nd.random.normal(shape=(-1,)),
    "np.random.normal negative size": lambda ns: ns.np.random.normal(size=(-1,)),
    "np.random.uniform bad shapes": lambda ns: ns.np.random.uniform(B(ns, 2, 3), B(ns, 4)),
    "np.random.shuffle 0-d": lambda ns: ns.np.random.shuffle(ns.np.array(1.0)),
    # np: element-wise, products
    "np.add": lambda ns: ns.np.add(B(ns, 2, 3), B(ns, 4)),
    "np.multiply": lambda ns: ns.np.multiply(B(ns, 2, 3), B(ns, 4)),
    "np.maximum": lambda ns: ns.np.maximum(B(ns, 2, 3), B(ns, 4)),
    "np.equal": lambda ns: ns.np.equal(B(ns, 2, 3), B(ns, 4)),
    "np.where": lambda ns: ns.np.where(B(ns, 2, 3), B(ns, 2, 3), B(ns, 3, 2)),
    "np.dot": lambda ns: ns.np.dot(B(ns, 2, 3), B(ns, 2, 3)),
    "np.dot 3-D": lambda ns: ns.np.dot(B(ns, 2, 3, 4), B(ns, 3, 4)),
    "np.matmul": lambda ns: ns.np.matmul(B(ns, 2, 3), B(ns, 2, 3)),
    "np.tensordot": lambda ns: ns.np.tensordot(B(ns, 2, 3), B(ns, 2, 3), axes=1),
    "np.einsum": lambda ns: ns.np.einsum("ij,jk->ik", B(ns, 2, 3), B(ns, 2, 3)),
    "np.inner": lambda ns: ns.np.inner(B(ns, 2, 3), B(ns, 2, 4)),
    "np.vdot": lambda ns: ns.np.vdot(B(ns, 2, 3), B(ns, 2, 4)),
    # np: shapes and joins
    "np.reshape": lambda ns: ns.np.reshape(B(ns, 2, 3), (4,)),
    "np.concatenate": lambda ns: ns.np.concatenate([B(ns, 2, 3), B(ns, 3, 4)]),
    "np.concatenate axis": lambda ns: ns.np.concatenate([B(ns, 2, 3), B(ns, 2, 3)], axis=3),
    "np.stack": lambda ns: ns.np.stack([B(ns, 2, 3), B(ns, 3, 3)]),
    "np.vstack": lambda ns: ns.np.vstack([B(ns, 2, 3), B(ns, 3, 4)]),
    "np.hstack": lambda ns: ns.np.hstack([B(ns, 2, 3), B(ns, 3, 4)]),
    "np.broadcast_to": lambda ns: ns.np.broadcast_to(B(ns, 2, 3), (4, 3)),
    "np.zeros negative": lambda ns: ns.np.zeros((2, -3)),
    "np.ones negative": lambda ns: ns.np.ones((-1,)),
    "np.full negative": lambda ns: ns.np.full((-1,), 2.0),
    "np.transpose too many axes": lambda ns: ns.np.transpose(B(ns, 2, 3), axes=(0, 1, 2)),
    "x.transpose too many axes": lambda ns: B(ns, 2, 3).transpose(0, 1, 2),
    "np.swapaxes": lambda ns: ns.np.swapaxes(B(ns, 2, 3), 0, 4),
    "np.moveaxis": lambda ns: ns.np.moveaxis(B(ns, 2, 3), 0, 4),
    "np.expand_dims": lambda ns: ns.np.expand_dims(B(ns, 2, 3), axis=4),
    "np.squeeze non-1 axis": lambda ns: ns.np.squeeze(B(ns, 2, 3), axis=0),
    "np.flip": lambda ns: ns.np.flip(B(ns, 2, 3), axis=3),
    "np.roll": lambda ns: ns.np.roll(B(ns, 2, 3), 1, axis=3),
    "np.tile": lambda ns: ns.np.tile(B(ns, 2, 3), (-1,)),
    "np.repeat": lambda ns: ns.np.repeat(B(ns, 2, 3), 2, axis=3),
    "np.diag 3-D": lambda ns: ns.np.diag(B(ns, 2, 3, 4)),
    "np.trace axis": lambda ns: ns.np.trace(B(ns, 2, 3), axis1=0, axis2=3),
    # np: reductions and orderings, as functions and as methods
    "np.sum axis=3": lambda ns: ns.np.sum(B(ns, 2, 3), axis=3),
    "x.sum axis=3": lambda ns: B(ns, 2, 3).sum(axis=3),
    "np.mean axis=-3": lambda ns: ns.np.mean(B(ns, 2, 3), axis=-3),
    "np.max axis=5": lambda ns: ns.np.max(B(ns, 2, 3), axis=5),
    "x.max axis=5": lambda ns: B(ns, 2, 3).max(axis=5),
    "np.prod axis=5": lambda ns: ns.np.prod(B(ns, 2, 3), axis=5),
    "np.std axis=5": lambda ns: ns.np.std(B(ns, 2, 3), axis=5),
    "np.argmax axis=3": lambda ns: ns.np.argmax(B(ns, 2, 3), axis=3),
    "x.argmax axis=5": lambda ns: B(ns, 2, 3).argmax(axis=5),
    "np.cumsum axis=3": lambda ns: ns.np.cumsum(B(ns, 2, 3), axis=3),
    "np.any axis=3": lambda ns: ns.np.any(B(ns, 2, 3), axis=3),
    "np.sort axis": lambda ns: ns.np.sort(B(ns, 2, 3), axis=3),
    "np.argsort axis": lambda ns: ns.np.argsort(B(ns, 2, 3), axis=3),
    # np.linalg
    "np.linalg.inv non-square": lambda ns: ns.np.linalg.inv(B(ns, 2, 3)),
    "np.linalg.det non-square": lambda ns: ns.np.linalg.det(B(ns, 2, 3)),
    "np.linalg.solve shapes": lambda ns: ns.np.linalg.solve(B(ns, 3, 3), B(ns, 2)),
    "np.linalg.cholesky non-square": lambda ns: ns.np.linalg.cholesky(B(ns, 2, 3)),
    "np.linalg.norm axis": lambda ns: ns.np.linalg.norm(B(ns, 2, 3), axis=3),
    "np.linalg.svd 1-D": lambda ns: ns.np.linalg.svd(B(ns, 3)),
    # npx
    "npx.batch_dot": lambda ns: ns.npx.batch_dot(B(ns, 2, 3, 4), B(ns, 2, 3, 4)),
    "npx.pick axis": lambda ns: ns.npx.pick(B(ns, 2, 3), ns.np.array([0, 0]), axis=3),
    "npx.softmax axis": lambda ns: ns.npx.softmax(B(ns, 2, 3), axis=3),
    "npx.log_softmax axis": lambda ns: ns.npx.log_softmax(B(ns, 2, 3), axis=3),
    "npx.topk axis": lambda ns: ns.npx.topk(B(ns, 2, 3), axis=3),
    "npx.topk k too large": lambda ns: ns.npx.topk(B(ns, 2, 3), k=5),
    "npx.batch_flatten 0-d": lambda ns: ns.npx.batch_flatten(ns.np.array(1.0)),
    "npx.one_hot depth": lambda ns: ns.npx.one_hot(ns.np.array([0, 1]), depth=-1),
}

# Where MXNet's np raises NumPy's exception classes; the dialect must raise the same.
NUMPY_ERROR_CASES = {
    "np.transpose repeated axis": lambda ns: ns.np.transpose(B(ns, 2, 3), axes=(0, 0)),
    "np.broadcast_arrays": lambda ns: ns.np.broadcast_arrays(B(ns, 2, 3), B(ns, 4, 3)),
    "np.split unequal": lambda ns: ns.np.split(B(ns, 2, 3), 2, axis=1),
    "np.split axis": lambda ns: ns.np.split(B(ns, 2, 3), 2, axis=4),
    "np.x[5]": lambda ns: B(ns, 2, 3)[5],
    "nd.cast bad dtype": lambda ns: ns.nd.cast(A(ns, 2), dtype="float33"),
}


@pytest.mark.parametrize("name", list(MXNET_ERROR_CASES))
def test_misuse_raises_mxnet_error(name):
    program = MXNET_ERROR_CASES[name]
    err = run_both(lambda ns: _force(program(ns)))
    shim = namespace("mxnet", "torch")
    assert isinstance(err, shim.base.MXNetError), err
    assert isinstance(err, RuntimeError)  # `except RuntimeError` keeps catching it
    # No torch traceback shown under it.
    assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__)


@pytest.mark.parametrize("name", list(NUMPY_ERROR_CASES))
def test_numpy_style_misuse_raises_numpys_class(name):
    program = NUMPY_ERROR_CASES[name]
    err = run_both(lambda ns: _force(program(ns)))
    assert isinstance(err, ValueError | IndexError | TypeError), err


@pytest.mark.parametrize(
    "program, shapes",
    [
        (lambda ns: ns.nd.add(A(ns, 2, 3), A(ns, 4)), ["(2, 3)", "(4,)"]),
        (lambda ns: ns.nd.dot(A(ns, 2, 3), A(ns, 2, 3)), ["(2, 3)"]),
        (lambda ns: ns.nd.concat(A(ns, 2, 3), A(ns, 3, 4), dim=0), ["(2, 3)", "(3, 4)"]),
        (lambda ns: ns.nd.sum(A(ns, 2, 3), axis=3), ["(2, 3)"]),
        (lambda ns: ns.np.concatenate([B(ns, 2, 3), B(ns, 3, 4)]), ["(2, 3)", "(3, 4)"]),
        (lambda ns: B(ns, 2, 3).sum(axis=3), ["(2, 3)"]),
        (lambda ns: ns.np.broadcast_to(B(ns, 2, 3), (4, 3)), ["(2, 3)"]),
        (lambda ns: ns.npx.batch_dot(B(ns, 2, 3, 4), B(ns, 2, 3, 4)), ["(2, 3, 4)"]),
        (lambda ns: ns.np.linalg.inv(B(ns, 2, 3)), ["(2, 3)"]),
        (lambda ns: ns.nd.where(A(ns, 2, 3), A(ns, 2, 3), A(ns, 3)), ["(2, 3)", "(3,)"]),
    ],
)
def test_message_names_the_operator_and_the_shapes(program, shapes):
    shim = namespace("mxnet", "torch")
    with pytest.raises(shim.base.MXNetError) as info:
        program(shim)
    msg = str(info.value)
    for s in shapes:
        assert s in msg, msg
    assert "Hint:" in msg or "differ" in msg or "neither" in msg


def test_garbage_mxnet_computes_is_refused_clearly():
    """Real MXNet crashes (``nd.transpose`` with a repeated axis segfaults), reads past the
    array (``nd.reshape`` to a larger size) or samples from an empty range here; the dialect
    raises MXNetError instead."""
    shim = namespace("mxnet", "torch")
    x = shim.nd.ones((2, 3))
    with pytest.raises(shim.base.MXNetError, match=r"nd\.transpose"):
        shim.nd.transpose(x, axes=(0, 0))
    with pytest.raises(shim.base.MXNetError, match=r"\(2, 3\)"):
        shim.nd.reshape(x, shape=(7,))
    # MXNet returns unspecified values for these; the dialect refuses them.
    with pytest.raises(shim.base.MXNetError, match="randint"):
        shim.np.random.randint(5, 2, size=(2,))
    with pytest.raises(shim.base.MXNetError, match="choice"):
        shim.np.random.choice(3, size=5, replace=False)


def test_unsupported_names_still_raise_not_implemented():
    shim = namespace("mxnet", "torch")
    with pytest.raises(NotImplementedError):
        shim.nd.ones((2, 3)).tostype("csr")


def test_happy_path_results_are_unchanged():
    shim = namespace("mxnet", "torch")
    nd, np = shim.nd, shim.np
    assert nd.dot(nd.ones((2, 3)), nd.ones((3, 4))).shape == (2, 4)
    assert np.concatenate([np.ones((2, 3)), np.ones((1, 3))]).shape == (3, 3)
    assert nd.where(nd.array([1, 0]), nd.ones((2, 3)), nd.zeros((2, 3))).sum().item() == 3
    assert nd.elemwise_add(nd.ones((2, 3)), nd.ones((2, 3))).shape == (2, 3)


def test_transpose_of_a_0d_array_is_the_array():
    # Not misuse: no axes to permute (torch's permute() needed at least an empty tuple).
    def program(ns):
        ns.npx.set_np()  # MXNet needs NumPy shape semantics for 0-d arrays
        try:
            x = ns.np.array(2.0)
            return [ns.np.transpose(x), x.transpose(), x.T]
        finally:
            ns.npx.reset_np()

    run_both(program)
