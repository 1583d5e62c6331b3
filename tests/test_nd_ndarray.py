"""The legacy ``NDArray`` class on torch, side by side with real MXNet 1.9.1.

Each case runs the same expression on real MXNet and on the shim and compares what a user sees:
the printed array (MXNet's repr), dtype, shape, Python values, or the exception class. Memory
sharing (views versus copies), contexts, pickling, autograd and ``out=`` are compared the same way.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

from autograd_compat import namespace

shim = namespace("mxnet", "torch")

pytestmark = pytest.mark.mxnet


def _seen(r):
    """What a user sees of a result: text for arrays, values for the rest, class for errors."""
    if isinstance(r, type):
        return "value", repr(r)
    if isinstance(r, BaseException):
        name = type(r).__name__
        return "error", "MXNetError" if name == "MXNetError" else name
    if isinstance(r, list | tuple):
        return type(r).__name__, [_seen(x) for x in r]
    if hasattr(r, "asnumpy") and hasattr(r, "context"):
        return "array", repr(r), str(r.dtype), tuple(r.shape), type(r).__name__
    if isinstance(r, np.ndarray):
        return "numpy", r.tolist(), str(r.dtype)
    return "value", repr(r)


def _env(mx):
    nd = mx.nd
    return {
        "mx": mx,
        "nd": nd,
        "np": np,
        "x": nd.array([[1, 2, 3], [4, 5, 6]]),
        "i": nd.array([[1, -2, 3], [4, 5, -6]], dtype="int32"),
        "y": nd.arange(24).reshape((2, 3, 4)),
    }


def _run(mx, expr):
    try:
        return eval(expr, _env(mx))  # noqa: S307 - the test's own expressions
    except Exception as e:  # noqa: BLE001 - the exception is the result compared
        return e


def _both(mx, expr):
    want, got = _seen(_run(mx, expr)), _seen(_run(shim, expr))
    assert got == want, expr


ATTRIBUTES = """type(x)
isinstance(x, nd.NDArray)
x.shape
x.size
x.ndim
x.dtype
i.dtype
x.dtype == np.float32
np.dtype(x.dtype)
np.zeros(2, dtype=x.dtype).dtype
{np.float32: 1}.get(x.dtype)
x.context
x.ctx
x.stype
x.grad
len(x)
x.asnumpy()
x
i
nd.ones((2, 2, 2))
nd.ones((1,))
nd.array([1.5, 2.25, 1e6])
nd.array([1, 2], dtype='float16')
nd.array([1, 2], dtype='uint8')
nd.zeros((2,), dtype='int64')
nd.array([True, False])
nd.array(np.array([1, 2], dtype=np.int64))
nd.array(nd.array([1, 2], dtype='int32'))
nd.full((2,), 7, dtype='int32')
nd.arange(0, 3, 0.5)
nd.arange(3, repeat=2)
nd.eye(2)
nd.zeros_like(i)
str(x)
'%s' % nd.array([1, 2])""".split("\n")

OPERATORS = """i + 0.5
i - 1.7
i * 2.5
i / 2
2 / i
i % 4
i ** 2
-i
abs(i)
1 / x
x % 2
2 ** x
1 - x
x == 2
x != 2
x > 2
x >= 2
x < 2
x <= 2
i == 3
x == nd.array([1, 5, 3])
x + nd.array([[1], [2]])
x + nd.ones((2, 3), dtype='float64')
x * i
x == None
nd.array([1.0]) == 'a'
bool(nd.array([0.0]))
bool(nd.array([2.0]))
bool(x)""".split("\n")

REDUCTIONS = """x.sum()
x.sum(axis=1, keepdims=1)
x.sum(axis=1, exclude=1)
x.sum(axis=(0, 1), keepdims=True)
nd.sum(x, axis=0, exclude=True)
x.mean(axis=-1)
x.max(axis=0, keepdims=True)
x.min()
x.prod(axis=1)
nd.nansum(x)
i.sum()
i.mean()
i.max(axis=1)
x.argmax()
x.argmin(axis=0)
nd.argmax(x, axis=1, keepdims=True)
nd.norm(x, ord=1)""".split("\n")

SHAPES = """y.reshape((0, -1)).shape
y.reshape((-2,)).shape
y.reshape((-3, 4)).shape
y.reshape((0, -3)).shape
y.reshape((-4, 1, 2, 0, 0)).shape
y.reshape((2, -4, -1, 3, 4)).shape
y.reshape((-1,)).shape
y.reshape(4, 6).shape
y.reshape(shape=(6, 4)).shape
y.reshape((0, -1), reverse=True).shape
y.reshape((-1, 0), reverse=True).shape
y.reshape((2, -3), reverse=True).shape
y.reshape((5, -1))
nd.reshape(y, shape=(-3, -2)).shape
nd.reshape(y, shape=(0, 0, -4, 2, -1)).shape
x.reshape_like(nd.zeros((3, 2)))
nd.reshape_like(x, nd.zeros((6,)))
x.T
y.T.shape
nd.ones((1, 3, 1)).squeeze()
nd.ones((1, 3, 1)).squeeze(axis=0)
nd.ones((1, 3, 1)).squeeze(axis=(0, 2))
nd.ones((1, 3, 1)).squeeze(axis=1)
x.expand_dims(1).shape
x.flatten()
y.flatten().shape
x.transpose()
nd.transpose(y, axes=(2, 0, 1)).shape
nd.swapaxes(y, 0, 2).shape
x.tile((2, 1)).shape
x.repeat(2, axis=0)
x.flip(axis=1)
x.split(num_outputs=3, axis=1)
nd.split(nd.arange(6).reshape((2, 3)), num_outputs=3)
nd.concat(x, x, dim=0).shape
nd.stack(x, x).shape
x.broadcast_to((2, 2, 3)).shape
nd.array([[1], [2]]).broadcast_to((2, 3))
x.broadcast_like(nd.zeros((2, 3)))""".split("\n")

INDEXING = """y[1]
y[1, 2]
y[1, 2, 3]
y[:, 1]
y[..., 1]
y[1:, :2]
y[::2]
y[None].shape
y[nd.array([1, 0])].shape
y[[1, 0], [0, 2]]
y[:, [0, 2]]
y[np.array([1, 0])].shape
x[-1]
x[0:1]
list(nd.array([1, 2]))
list(nd.array([[1, 2]]))
x.slice_axis(axis=1, begin=1, end=3)
x.slice(begin=(0, 1), end=(2, 3))
nd.slice(x, begin=(None, 0), end=(None, 2), step=(1, 1))
nd.slice(x, begin=(1, 2), end=(None, None), step=(-1, -1))
nd.slice_like(x, nd.zeros((1, 2)))
x.take(nd.array([0, 1, 1]))
x.take(nd.array([0.2, 2.7]), axis=1)
x.pick(nd.array([0, 2]), axis=1)""".split("\n")

CONVERSIONS = """nd.array([3]).asscalar()
nd.array([[3]]).asscalar()
x.asscalar()
x.astype('int32')
nd.array([1.5, 2.5]).astype('int32')
x.astype(np.float64).dtype
x.astype('float32', copy=False) is x
x.tostype('default')
x.copy()
x.copyto(mx.cpu())
x.as_in_context(mx.cpu()) is x""".split("\n")

METHODS = """x.exp()
x.sqrt()
x.square()
x.abs()
x.sign()
x.relu()
x.sigmoid()
x.log_softmax(axis=0)
x.round()
nd.array([-1.5, -0.5, 0.5, 1.5, 2.5]).round()
nd.array([-1.5, -0.5, 0.5, 1.5, 2.5]).rint()
nd.array([-1.5, -0.5, 0.5, 1.5, 2.5]).fix()
x.clip(2, 5)
x.topk(k=2)
x.topk(k=2, ret_typ='value')
x.sort(is_ascend=False)
x.argsort()
x.one_hot(4).shape
x.zeros_like()
x.ones_like()
nd.exp(i)
nd.dot(x, x.T)
nd.dot(nd.array([1, 2]), nd.array([3, 4]))
nd.batch_dot(y, y, transpose_b=True).shape
nd.where(x > 2, x, -x)
nd.maximum(x, 3)
nd.minimum(3, x)
nd.broadcast_add(x, nd.ones((1, 3)))
nd.elemwise_add(x, x)
nd.equal(x, x)
nd.logical_not(x)
nd.cast(x, 'int32')
nd.one_hot(nd.array([0, 2]), 3)
nd.sum_axis(x, axis=1)
nd.Activation(x, act_type='tanh')
nd.FullyConnected(x, nd.ones((2, 3)), nd.zeros((2,)), num_hidden=2)
nd.Dropout(x)
nd.random.uniform(shape=(2, 3)).shape
nd.random.normal(shape=(2,), dtype='float64').dtype
nd.random.randint(0, 5, shape=(3,)).dtype
type(nd.random.uniform(shape=(2,)))
nd.choose_element_0index(x, nd.array([0, 2]))
nd.fill_element_0index(x, nd.array([9, 8]), nd.array([1, 0]))
nd.ElementWiseSum(x, x, x)
nd.add_n(x, x)
nd.moveaxis(nd.ones((2, 3, 4)), 0, -1).shape
nd.crop(x, begin=(0, 1), end=(2, 3))
nd.from_numpy(np.ones((2, 2), dtype=np.float32))
nd.broadcast_like(nd.ones((1, 2, 1, 3)), nd.ones((5, 6, 7, 8)), lhs_axes=(0, 2), rhs_axes=(1, 2))
nd.concatenate([nd.ones((2, 2)), nd.zeros((1, 2))])
nd.linspace(0, 10, 7, dtype='int32')
nd.linspace(1.5, 10.2, 5, endpoint=False)
nd.power(0.9, 2)
nd.maximum(1, 3)
nd.equal(2, 2)""".split("\n")


@pytest.mark.parametrize(
    "expr", ATTRIBUTES + OPERATORS + REDUCTIONS + SHAPES + INDEXING + CONVERSIONS + METHODS
)
def test_expression_as_mxnet(mx, expr):
    _both(mx, expr)


VIEWS = {
    "y[1]": lambda a: a[1],
    "y[1:]": lambda a: a[1:],
    "y[:, 1]": lambda a: a[:, 1],
    "y[1, 2]": lambda a: a[1, 2],
    "y[0, 1:]": lambda a: a[0, 1:],
    "y[::2]": lambda a: a[::2],
    "y[[0]]": lambda a: a[[0]],
    "y[0][1]": lambda a: a[0][1],
    "y[1:2, 0:3]": lambda a: a[1:2, 0:3],
    "y[1, 0:2]": lambda a: a[1, 0:2],
    "y[1, 1, 1:3]": lambda a: a[1, 1, 1:3],
    "reshape": lambda a: a.reshape((6, 4)),
    "nd.reshape": lambda a: a.__class__.reshape(a, (6, 4)),
    "T": lambda a: a.T,
    "squeeze": lambda a: a.squeeze(),
    "squeeze inplace": lambda a: a.squeeze(inplace=True),
    "expand_dims inplace": lambda a: a.expand_dims(0, inplace=True),
    "transpose": lambda a: a.transpose(),
    "slice_axis": lambda a: a.slice_axis(axis=0, begin=0, end=1),
    "flatten": lambda a: a.flatten(),
    "copy": lambda a: a.copy(),
    "astype": lambda a: a.astype("float32"),
    "astype copy=False": lambda a: a.astype("float32", copy=False),
    "detach": lambda a: a.detach(),
    "as_nd_ndarray": lambda a: a.as_nd_ndarray(),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_and_copies_as_mxnet(mx, name):
    def written(ns):
        a = ns.nd.arange(24).reshape((2, 3, 4))
        v = VIEWS[name](a)
        v[:] = -1
        return a.asnumpy().tolist()

    assert written(shim) == written(mx)


def test_nd_reshape_operator_copies_as_mxnet(mx):
    def written(ns):
        a = ns.nd.arange(6)
        v = ns.nd.reshape(a, shape=(2, 3))
        v[:] = -1
        return a.asnumpy().tolist()

    assert written(shim) == written(mx)


SETITEM = [
    ("slice(None)", "3"),
    ("slice(None)", "[1, 2, 3]"),
    ("slice(None)", "np.arange(6).reshape(2, 3)"),
    ("0", "nd.array([7, 8, 9])"),
    ("(1, 2)", "5"),
    ("(slice(None), 1)", "0"),
    ("nd.array([1])", "9"),
    ("(0, slice(0, 2))", "[4, 4]"),
    ("(Ellipsis, 0)", "-1"),
    ("[0, 1]", "2"),
    ("slice(None)", "nd.array([1, 2, 3], dtype='int32')"),
    ("slice(1, None)", "nd.ones((1, 3))"),
    ("(nd.array([0, 1]), nd.array([2, 0]))", "8"),
]


@pytest.mark.parametrize(("key", "value"), SETITEM)
def test_setitem_as_mxnet(mx, key, value):
    def run(ns):
        env = _env(ns)
        a = ns.nd.arange(6).reshape((2, 3))
        try:
            a[eval(key, env)] = eval(value, env)  # noqa: S307
        except Exception as e:  # noqa: BLE001
            return type(e).__name__
        return repr(a)

    assert run(shim) == run(mx)


def test_inplace_operators_follow_mxnet_dtype_rules(mx):
    def run(ns):
        i = ns.nd.array([1, 2], dtype="int32")
        i += 1.7
        i *= 2
        i /= 3
        f = ns.nd.array([1, 2])
        f *= 2
        f -= 1
        f /= 2
        f += f
        return repr(i), repr(f)

    assert run(shim) == run(mx)


def test_contexts_travel_as_mxnet(mx):
    def run(ns):
        a = ns.nd.array([1, 2], ctx=ns.cpu(1))
        results = [
            a + a,
            a.sum(),
            a[0],
            ns.nd.zeros_like(a),
            a.copy(),
            a > 1,
            a.T,
            ns.nd.exp(a),
            pickle.loads(pickle.dumps(a)),
            copy.deepcopy(a),
            a.copyto(ns.cpu(2)),
            a.as_in_context(ns.cpu(0)),
            a.reshape((2, 1)),
            ns.nd.concat(a, a, dim=0),
        ]
        return [str(r.context) for r in results] + [repr(a)]

    assert run(shim) == run(mx)


def test_creation_takes_the_current_context_as_mxnet(mx):
    def run(ns):
        nd = ns.nd
        src = nd.array([1, 2], ctx=ns.cpu(2))
        with ns.cpu(1):
            made = [
                nd.array([1, 2]),
                nd.zeros((2,)),
                nd.ones(2),
                nd.full((2,), 3),
                nd.arange(2),
                nd.eye(2),
                nd.array(src),
                nd.zeros_like(src),
                nd.random.uniform(shape=(2,)),
                nd.random.normal(shape=(2,)),
            ]
        return [str(a.context) for a in made] + [str(nd.array(src).context)]

    assert run(shim) == run(mx)


def test_pickle_and_deepcopy_round_trip(mx):
    x = shim.nd.array([[1, 2], [3, 4]], dtype="int32")
    for y in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x), torch.load(_saved(x))):
        assert type(y) is shim.nd.NDArray and repr(y) == repr(x)
        assert y.data_ptr() != x.data_ptr()


def _saved(x):
    import io

    buf = io.BytesIO()
    torch.save(x, buf)
    buf.seek(0)
    return buf


def test_pickle_never_names_the_alias_class_path():
    blob = pickle.dumps(shim.nd.ones((2,)))
    assert b"mxnet.ndarray" not in blob and b"nd_ndarray" in blob


def test_autograd_on_ndarrays_as_mxnet(mx):
    def run(ns):
        nd, ag = ns.nd, ns.autograd
        w = nd.array([[1.0, 2.0], [3.0, 4.0]])
        w.attach_grad()
        with ag.record():
            loss = (w * w).sum()
        loss.backward()
        out = [repr(w.grad), type(w.grad).__name__, repr(loss)]
        v = nd.array([1.0, 2.0])
        v.attach_grad(grad_req="add")
        g = v.grad
        for _ in range(2):
            with ag.record():
                m = (v**3).sum()
            m.backward()
        out.append(repr(g))  # the buffer MXNet code holds sees the accumulation
        with ag.record():
            z = w.sum(axis=0) * nd.array([1.0, -1.0])
        z.backward(nd.array([2.0, 3.0]))
        out.append(repr(w.grad))
        with ag.record():
            z = w.reshape((4,))[1:3].sum() + w[0].sum() + w.T[1, 0]
        z.backward()
        out.append(repr(w.grad))
        try:
            with ag.record():
                w[0] = 3
        except Exception as e:  # noqa: BLE001
            out.append(type(e).__name__)
        w[:] = 5
        out.append(repr(w))
        return out

    assert run(shim) == run(mx)


def test_out_argument_as_mxnet(mx):
    def run(ns):
        nd = ns.nd
        x = nd.array([[1, 2, 3], [4, 5, 6]])
        outs = []
        for make in (
            lambda o: nd.ones((2, 3), out=o),
            lambda o: nd.exp(x, out=o),
            lambda o: nd.broadcast_add(x, x, out=o),
            lambda o: nd.zeros_like(x, out=o),
        ):
            o = nd.zeros((2, 3))
            r = make(o)
            outs.append((r is o, repr(o)))
        o = nd.zeros((2,))
        r = nd.sum(x, axis=1, out=o)
        outs.append((r is o, repr(o)))
        return outs

    assert run(shim) == run(mx)


def test_as_np_and_as_nd_share_memory():
    x = shim.nd.array([1.0, 2.0])
    assert x.as_nd_ndarray() is x
    try:
        a = x.as_np_ndarray()
    except NotImplementedError:
        pytest.skip("the np array class does not register with array_base yet")
    a[0] = 7
    assert x[0].asscalar() == 7
    b = a.as_nd_ndarray()
    assert type(b) is shim.nd.NDArray and b.data_ptr() == x.data_ptr()


def test_dtype_equals_numpy_and_torch_types():
    x = shim.nd.array([1, 2])
    assert x.dtype == np.float32 and np.float32 == x.dtype and x.dtype != np.float64
    assert x.dtype == torch.float32 and x.dtype != torch.float64
    assert repr(x.dtype) == "<class 'numpy.float32'>"
    assert x.dtype(3) == np.float32(3)


def test_torch_functions_accept_ndarrays_and_return_tensors():
    x = shim.nd.array([1.0, 2.0])
    r = torch.exp(x)
    assert type(r) is torch.Tensor
    assert torch.equal(r, torch.exp(torch.tensor([1.0, 2.0])))


def test_plain_torch_tensors_keep_torch_behaviour():
    t = torch.ones(2, 3)
    shim.nd.sum(t)
    assert type(t) is torch.Tensor and t.sum().shape == ()
    r = shim.nd.sum(t, axis=())  # an identity: a new NDArray, the caller's tensor untouched
    assert type(t) is torch.Tensor and type(r) is shim.nd.NDArray
