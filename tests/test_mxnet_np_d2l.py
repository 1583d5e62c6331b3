"""Side by side on real MXNet 1.9.1: programs in the style of d2l's preliminaries chapter.

Each program is one text written against ``from mxnet import autograd, np, npx``. It runs as written
on real MXNet and, with only the import line changed to ``from autograd_compat.mxnet import ...``,
on the torch backend. Every printed line must match (numbers within float32 tolerance, once
numpy's column padding is normalised), and gradients and trained parameters must agree. Random
data and initial weights are made by numpy and fed to both runs, because the two backends' random
streams differ. The programs are our own, written in the book's style.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import numpy as onp
import torch

import autograd_compat
from autograd_compat import _backend

MXNET_IMPORT = "from mxnet import"
SHIM_IMPORT = "from autograd_compat.mxnet import"

_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\bnan\b|\binf\b")


def _run(text: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    env: dict[str, Any] = {"__name__": "__program__"}
    env.update(inputs)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(text, "<program>", "exec"), env)  # noqa: S102 - the program under test
    return buf.getvalue(), env


def run_text(text: str, inputs: dict[str, Any] | None = None) -> tuple[str, str, dict, dict]:
    """Run ``text`` on real MXNet and on the torch backend; return (out_mx, out_torch, env_mx,
    env_torch)."""
    assert MXNET_IMPORT in text, "the program must import from mxnet"
    inputs = inputs or {}
    _backend.require_mxnet()
    out_mx, env_mx = _run(text, inputs)
    saved = _backend._active
    autograd_compat.set_backend("torch")
    try:
        out_t, env_t = _run(text.replace(MXNET_IMPORT, SHIM_IMPORT), inputs)
    finally:
        _backend._active = saved
    return out_mx, out_t, env_mx, env_t


def _skeleton(text: str) -> tuple[str, list[float]]:
    numbers = [float(m) for m in _NUMBER.findall(text)]
    skel = _NUMBER.sub("#", text)
    skel = re.sub(r"\s+", "", skel)
    return skel.strip(), numbers


def assert_same_output(out_mx: str, out_t: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """The two transcripts agree: same text around the numbers, numbers within tolerance."""
    lines_mx, lines_t = out_mx.splitlines(), out_t.splitlines()
    assert len(lines_mx) == len(lines_t), (
        f"MXNet printed {len(lines_mx)} lines, the torch backend {len(lines_t)}:\n--- mxnet\n"
        f"{out_mx}\n--- torch\n{out_t}"
    )
    skel_mx, num_mx = _skeleton(out_mx)
    skel_t, num_t = _skeleton(out_t)
    assert skel_mx == skel_t, f"printed text differs:\n--- mxnet\n{out_mx}\n--- torch\n{out_t}"
    assert len(num_mx) == len(num_t)
    onp.testing.assert_allclose(
        num_t,
        num_mx,
        rtol=rtol,
        atol=atol,
        err_msg=f"printed numbers differ:\n--- mxnet\n{out_mx}\n--- torch\n{out_t}",
    )


def values(x: Any) -> onp.ndarray:
    """The values of an array of either backend as numpy."""
    if hasattr(x, "asnumpy"):
        return x.asnumpy()
    return onp.asarray(x)


import pytest  # noqa: E402

pytestmark = pytest.mark.mxnet


@pytest.fixture(autouse=True, scope="module")
def _reset_mxnet_numpy_semantics():
    # The programs call npx.set_np() on real MXNet; undo it for the modules that run later.
    yield
    import mxnet

    mxnet.npx.reset_np()


def check(text: str, inputs: dict[str, Any] | None = None, rtol: float = 1e-5, atol: float = 1e-6):
    out_mx, out_t, env_mx, env_t = run_text(text, inputs)
    assert out_mx.strip(), "the program printed nothing"
    assert_same_output(out_mx, out_t, rtol=rtol, atol=atol)
    return out_t, env_mx, env_t


# ---------------------------------------------------------------------------------------------
# Tensor creation, operations, broadcasting, indexing, memory, conversion
# ---------------------------------------------------------------------------------------------

CREATION = """
from mxnet import np, npx
npx.set_np()

x = np.arange(12)
print(repr(x))
print(x.shape, x.size, x.ndim, len(x))
X = x.reshape(3, 4)
print(repr(X))
print(X.reshape((4, 3)).shape, X.reshape(-1, 6).shape, x.reshape(2, -1).shape)
print(repr(np.zeros((2, 3, 4))))
print(repr(np.ones((2, 3))), np.empty((3, 2)).shape)
print(repr(np.full((2, 2), 7)), repr(np.eye(3)))
print(repr(np.zeros_like(X)), repr(np.ones_like(x[:3])))
print(repr(np.linspace(0, 1, 5)), repr(np.arange(1, 7, 2)), repr(np.arange(0, 1, 0.25)))
print(repr(np.array([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])))
print(repr(np.array(data_int)), repr(np.array(data_float)))
print(repr(np.array([1, 2], dtype='int32')), repr(np.array([1.5, 2.5], dtype=np.float64)))
print(repr(X.astype('int32')), repr(X.astype(np.float64)[0]))
print(X)
print(X.T)
print(repr(np.array(5)), repr(np.array(2.5)))
"""

OPERATIONS = """
from mxnet import np, npx
npx.set_np()

x = np.array([1, 2, 4, 8])
y = np.array([2, 2, 2, 2])
print(repr(x + y), repr(x - y), repr(x * y), repr(x / y), repr(x ** y))
print(repr(np.exp(x)))
print(repr(-x), repr(abs(-x)), repr(2 ** x), repr(1 / x), repr(x % 3))
X = np.arange(12).reshape(3, 4)
Y = np.array([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(repr(np.concatenate([X, Y], axis=0)))
print(repr(np.concatenate([X, Y], axis=1)))
print(repr(np.stack([x, y])), repr(np.stack([x, y], axis=1)))
print(repr(X == Y), repr(X < Y))
print(repr(X.sum()), repr(np.sum(X)))
print([repr(p) for p in np.split(np.arange(6), 3)], [p.shape for p in np.split(X, [1, 3], axis=1)])
print(repr(np.expand_dims(x, 0)), np.squeeze(np.ones((1, 3, 1))).shape)
print(repr(np.transpose(X)), np.swapaxes(np.ones((2, 3, 4)), 0, 2).shape)
print(repr(np.sqrt(x)), repr(np.log(x)), repr(np.sin(x)), repr(np.cos(x)), repr(np.tanh(X / 10)))
print(repr(np.abs(x - 5)), repr(np.square(x)), repr(np.power(x, 2)), repr(np.power(2, y)))
print(repr(np.maximum(x, 3)), repr(np.minimum(x, y)), repr(np.clip(x, 2, 5)))
print(repr(np.where(x > 3, x, -x)))
print(repr(np.tile(y[:2], 2)), repr(np.repeat(x[:2], 2)), repr(np.flip(x)))
print(repr(np.isclose(x, x + 1e-9)), np.allclose(x, x), np.allclose(x, y))
gx, gy = np.meshgrid(np.arange(3), np.arange(2))
print(repr(gx), repr(gy))
print(np.pi, np.e, repr(np.cos(np.pi * x / 4)))
print(x[np.newaxis].shape, x[:, None].shape)
"""

BROADCAST_INDEX_MEMORY = """
from mxnet import np, npx
npx.set_np()

a = np.arange(3).reshape(3, 1)
b = np.arange(2).reshape(1, 2)
print(repr(a), repr(b))
print(repr(a + b))
X = np.arange(12).reshape(3, 4)
print(repr(X[-1]), repr(X[1:3]), repr(X[:, 1]), repr(X[1, 2]), repr(X[::2, ::3]))
X[1, 2] = 9
print(repr(X))
X[0:2, :] = 12
print(repr(X))
X[2] = np.array([1, 2, 3, 4])
X[:, 0] = 0.5
print(repr(X))
Y = np.ones((3, 4))
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = np.zeros_like(Y)
before = id(Z)
Z[:] = X + Y
print(id(Z) == before)
before = id(X)
X += Y
print(id(X) == before)
print(repr(X))
idx = np.array([0, 2])
print(repr(X[idx]), repr(X[idx, idx]))
mask = X > 20
print(repr(X[mask]))
"""

CONVERSION = """
from mxnet import np, npx
import numpy as onp
npx.set_np()

X = np.arange(6).reshape(2, 3)
A = X.asnumpy()
B = np.array(A)
print(type(A).__name__, A.dtype, repr(A))
print(repr(B))
a = np.array([3.5])
print(repr(a), a.item(), float(a), int(a))
print(X.tolist(), X.sum().item(), type(X.sum().item()).__name__)
print(onp.sum(X.asnumpy()), onp.exp(X.asnumpy()).dtype)
print(f"{X.sum()}", f"{X.mean():.3f}", str(X.max()))
print(X)
print(X.copy() is X, repr(X.copy()))
"""


def test_creation(data_inputs):
    check(CREATION, data_inputs)


def test_operations():
    check(OPERATIONS)


def test_broadcasting_indexing_and_memory():
    check(BROADCAST_INDEX_MEMORY)


def test_conversion_and_printing():
    check(CONVERSION)


@pytest.fixture
def data_inputs():
    rng = onp.random.RandomState(0)
    return {
        "data_int": rng.randint(0, 10, size=(2, 3)),
        "data_float": rng.normal(size=(2, 2)).astype(onp.float32),
    }


# ---------------------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------------------

LINEAR_ALGEBRA = """
from mxnet import np, npx
npx.set_np()

x = np.array(3.0)
y = np.array(2.0)
print(repr(x + y), repr(x * y), repr(x / y), repr(x ** y))
v = np.arange(4)
print(repr(v), repr(v[3]), len(v), v.shape)
A = np.arange(20).reshape(5, 4)
print(repr(A.T))
B = np.array([[1, 2, 3], [2, 0, 4], [3, 4, 5]])
print(repr(B == B.T))
T = np.arange(24).reshape(2, 3, 4)
print(repr(T), T.T.shape)
C = A.copy()
print(repr(A * C), repr(A + C))
a = 2
print(repr(a + T), (a * T).shape)
print(repr(A.sum()), A.sum().shape)
print(repr(A.sum(axis=0)), A.sum(axis=0).shape)
print(repr(A.sum(axis=1)), repr(A.sum(axis=[0, 1])), repr(A.sum(axis=(0, 1))))
print(repr(A.mean()), repr(A.sum() / A.size))
print(repr(A.mean(axis=0)), repr(A.sum(axis=0) / A.shape[0]))
s = A.sum(axis=1, keepdims=True)
print(repr(s), repr(A / s))
print(repr(A.cumsum(axis=0)), repr(np.cumsum(v)))
print(repr(A.max()), repr(A.min(axis=1)), repr(np.max(A, axis=0)), repr(np.min(A)))
print(repr(A.argmax()), repr(A.argmax(axis=1)), repr(np.argmin(A, axis=0)))
print(repr(np.prod(v + 1)), repr(A.prod(axis=0)))
w = np.ones(4)
print(repr(v), repr(w), repr(np.dot(v, w)), repr(np.sum(v * w)))
print(A.shape, v.shape, repr(np.dot(A, v)))
Bm = np.ones((4, 3))
print(repr(np.dot(A, Bm)), repr(np.matmul(A, Bm)), repr(A @ Bm))
u = np.array([3, -4])
print(repr(np.linalg.norm(u)), repr(np.abs(u).sum()), repr(np.linalg.norm(np.ones((4, 9)))))
print(repr(np.linalg.norm(A, axis=1)), repr(np.linalg.norm(A, axis=0, keepdims=True)))
print(repr(np.mean(A, axis=1, keepdims=True)), repr(np.sum(T, axis=(0, 2))))
print(repr(np.sum(T, axis=-1, keepdims=True).shape), repr(T.sum(axis=1).shape))
"""


def test_linear_algebra():
    check(LINEAR_ALGEBRA)


# ---------------------------------------------------------------------------------------------
# Calculus: a numerical limit, printed with formats (0-d arrays in f-strings)
# ---------------------------------------------------------------------------------------------

CALCULUS = """
from mxnet import np, npx
npx.set_np()

def f(x):
    return 3 * x ** 2 - 4 * x

def numerical_lim(f, x, h):
    return (f(x + h) - f(x)) / h

x = np.array(1.0, dtype='float64')
h = 0.1
for i in range(5):
    print(f'h={h:.5f}, numerical limit={numerical_lim(f, x, h):.5f}')
    h *= 0.1

xs = np.arange(0, 3, 0.5)
print(repr(f(xs)), repr(2 * xs - 3))
for xv in np.linspace(-1, 1, 3):
    print(f'tangent at {float(xv):.1f}: slope {float(numerical_lim(f, xv, 1e-3)):.2f}')
"""


def test_calculus():
    check(CALCULUS, rtol=1e-4)


# ---------------------------------------------------------------------------------------------
# Automatic differentiation: the whole section
# ---------------------------------------------------------------------------------------------

AUTOGRAD = """
from mxnet import autograd, np, npx
npx.set_np()

x = np.arange(4.0)
print(repr(x))
x.attach_grad()
print(repr(x.grad))
with autograd.record():
    y = 2 * np.dot(x, x)
print(repr(y))
y.backward()
print(repr(x.grad))
print(repr(x.grad == 4 * x))

with autograd.record():
    y = x.sum()
y.backward()
print(repr(x.grad))

# A non-scalar head: MXNet sums it (an implicit head gradient of ones).
with autograd.record():
    y = x * x
y.backward()
print(repr(x.grad))

# Detaching computation
with autograd.record():
    y = x * x
    u = y.detach()
    z = u * x
z.backward()
print(repr(x.grad == u), repr(u))

y.backward()
print(repr(x.grad == 2 * x))

# Control flow
def f(a):
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

for value in a_values:
    a = np.array(value)
    a.attach_grad()
    with autograd.record():
        d = f(a)
    d.backward()
    print(repr(a), repr(d), repr(a.grad), repr(a.grad == d / a))

# A vector input through the same control flow
a = np.array(a_vector)
a.attach_grad()
with autograd.record():
    d = f(a)
d.backward()
print(repr(a.grad), repr(a.grad == d / a))

# Gradients of common functions, and head gradients
x = np.array(x_values)
x.attach_grad()
with autograd.record():
    y = np.sin(x) * np.exp(-x) + npx.sigmoid(x) + npx.relu(x - 0.5)
y.backward()
print(repr(x.grad))
with autograd.record():
    y = np.tanh(x) ** 2
y.backward(np.array(head))
print(repr(x.grad))

# grad_req='add' accumulates
w = np.array([1.0, 2.0])
w.attach_grad(grad_req='add')
for _ in range(3):
    with autograd.record():
        loss = (w * w).sum()
    loss.backward()
print(repr(w.grad))

# autograd.grad returns new arrays and leaves .grad alone
v = np.array([1.0, 2.0, 3.0])
v.attach_grad()
with autograd.record():
    y = (v ** 3).sum()
g = autograd.grad(y, [v])
print(type(g).__name__, len(g), g[0].asnumpy(), repr(v.grad))
"""


def test_autograd_section():
    rng = onp.random.RandomState(1)
    inputs = {
        # A scalar as d2l's example, and a negative one to take the other branch.
        "a_values": [onp.float32(rng.normal()), onp.float32(-0.7), onp.float32(0.3)],
        "a_vector": rng.normal(size=3).astype(onp.float32),
        "x_values": rng.normal(size=4).astype(onp.float32),
        "head": rng.normal(size=4).astype(onp.float32),
    }
    out, env_mx, env_t = check(AUTOGRAD, inputs)
    assert "True" in out
    onp.testing.assert_allclose(values(env_t["x"].grad), values(env_mx["x"].grad), rtol=1e-5)
    assert type(env_t["x"].grad).__name__ == "ndarray"


# ---------------------------------------------------------------------------------------------
# Linear regression from scratch: the "done when" program
# ---------------------------------------------------------------------------------------------

LINEAR_REGRESSION = """
import random
from mxnet import autograd, np, npx
npx.set_np()

true_w = np.array([2, -3.4])
true_b = 4.2
features = np.array(features_data)
labels = np.dot(features, true_w) + true_b
labels += np.array(noise_data)
labels = labels.reshape((-1, 1))
print('features:', features[0], '\\nlabel:', labels[0])

def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    shuffler.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]

batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X.shape, y.shape)
    break

w = np.array(w_init)
b = np.zeros(1)
w.attach_grad()
b.attach_grad()

def linreg(X, w, b):
    return np.dot(X, w) + b

def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size

lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        with autograd.record():
            l = loss(net(X, w, b), y)
        l.backward()
        sgd([w, b], lr, batch_size)
    train_l = loss(net(features, w, b), labels)
    print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')

print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
print(f'error in estimating b: {true_b - b}')
"""


def test_linear_regression_from_scratch_trains_to_mxnets_parameters():
    rng = onp.random.RandomState(42)
    n = 1000
    inputs = {
        "features_data": rng.normal(0, 1, (n, 2)).astype(onp.float32),
        "noise_data": rng.normal(0, 0.01, n).astype(onp.float32),
        "w_init": rng.normal(0, 0.01, (2, 1)).astype(onp.float32),
    }
    # Both runs shuffle with their own, identically seeded Python generator.
    import random

    inputs_mx = dict(inputs, shuffler=random.Random(7))
    inputs_t = dict(inputs, shuffler=random.Random(7))
    out_mx, env_mx = _run(LINEAR_REGRESSION, inputs_mx)
    saved = _backend._active
    autograd_compat.set_backend("torch")
    try:
        out_t, env_t = _run(LINEAR_REGRESSION.replace(MXNET_IMPORT, SHIM_IMPORT), inputs_t)
    finally:
        _backend._active = saved
    assert_same_output(out_mx, out_t, rtol=1e-3, atol=1e-4)
    for name in ("w", "b"):
        onp.testing.assert_allclose(
            values(env_t[name]), values(env_mx[name]), rtol=1e-4, atol=1e-5, err_msg=name
        )
    onp.testing.assert_allclose(values(env_t["w"]).ravel(), [2, -3.4], atol=0.05)
    # MXNet's printed class name, on the shim's own torch.Tensor subclass
    assert str(type(env_t["w"])) == "<class 'mxnet.numpy.ndarray'>"
    assert isinstance(env_t["w"], torch.Tensor)


# ---------------------------------------------------------------------------------------------
# Softmax regression and an MLP from scratch (the programs after the preliminaries)
# ---------------------------------------------------------------------------------------------

CLASSIFIERS = """
from mxnet import autograd, np, npx
npx.set_np()

features = np.array(features_data)
labels = np.array(labels_data)

def softmax(X):
    X_exp = np.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition

def cross_entropy(y_hat, y):
    return -np.log(y_hat[range(len(y_hat)), y])

def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())

def batches(batch_size):
    for i in range(0, len(features), batch_size):
        yield features[i:i + batch_size], labels[i:i + batch_size]

def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size

W = np.array(W_init)
b = np.zeros(num_classes)
print(repr(softmax(np.array([[1.0, 2.0, 3.0]]))), softmax(features[:2] @ W + b).sum(1))
W.attach_grad()
b.attach_grad()

def net(X):
    return softmax(np.dot(X.reshape((-1, W.shape[0])), W) + b)

for epoch in range(3):
    for X, y in batches(10):
        with autograd.record():
            l = cross_entropy(net(X), y)
        l.backward()
        sgd([W, b], 0.5, X.shape[0])
    y_hat = net(features)
    print(f'epoch {epoch + 1}: loss {float(cross_entropy(y_hat, labels).mean()):.6f}, '
          f'accuracy {accuracy(y_hat, labels) / len(labels):.3f}')

def relu(X):
    return np.maximum(X, 0)

W1, b1 = np.array(W1_init), np.zeros(num_hiddens)
W2, b2 = np.array(W2_init), np.zeros(num_classes)
params = [W1, b1, W2, b2]
for param in params:
    param.attach_grad()

def mlp(X):
    X = X.reshape((-1, num_inputs))
    H = relu(np.dot(X, W1) + b1)
    return np.dot(H, W2) + b2

def softmax_ce(o, y):
    o = o - o.max(axis=1, keepdims=True)
    return np.log(np.exp(o).sum(axis=1)) - npx.pick(o, y)

for epoch in range(3):
    for X, y in batches(20):
        with autograd.record():
            l = softmax_ce(mlp(X), y)
        l.backward()
        sgd(params, 0.1, X.shape[0])
    print(f'mlp epoch {epoch + 1}: loss {float(softmax_ce(mlp(features), labels).mean()):.5f}')
print(npx.softmax(mlp(features[:3])))
"""


def test_softmax_regression_and_mlp_from_scratch():
    rng = onp.random.RandomState(3)
    n, num_inputs, num_hiddens, num_classes = 60, 4, 8, 3
    centers = rng.normal(0, 2, size=(num_classes, num_inputs))
    labels = rng.randint(0, num_classes, size=n).astype(onp.int32)
    feats = (centers[labels] + rng.normal(size=(n, num_inputs))).astype(onp.float32)
    inputs = {
        "features_data": feats,
        "labels_data": labels,
        "num_inputs": num_inputs,
        "num_hiddens": num_hiddens,
        "num_classes": num_classes,
        "W_init": rng.normal(0, 0.01, (num_inputs, num_classes)).astype(onp.float32),
        "W1_init": rng.normal(0, 0.1, (num_inputs, num_hiddens)).astype(onp.float32),
        "W2_init": rng.normal(0, 0.1, (num_hiddens, num_classes)).astype(onp.float32),
    }
    out, env_mx, env_t = check(CLASSIFIERS, inputs, rtol=1e-4, atol=1e-5)
    for name in ("W", "b", "W1", "b1", "W2", "b2"):
        onp.testing.assert_allclose(
            values(env_t[name]), values(env_mx[name]), rtol=1e-4, atol=1e-5, err_msg=name
        )
