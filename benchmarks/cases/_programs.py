"""The programs the cases time, each written once per dialect and shared between cases.

MXNet-style programs take the ``nd``/``np`` and ``autograd`` modules as arguments, so the very
same text runs on the shim and on real MXNet. Native torch programs do the same computation with
the same update idiom (``p[:] = p - lr * p.grad / batch`` under ``no_grad``, reset by
``p.grad = None``), so a ratio between them is the shim's cost, not an idiom's.
"""

from __future__ import annotations

from typing import Any

import numpy

# --- data and initial parameters, made by numpy so every variant starts from the same values ---


def mlp_data(batch: int, n_in: int, n_hidden: int, n_out: int, seed: int = 0) -> dict:
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal((batch, n_in), dtype=numpy.float32)
    labels = rng.integers(0, n_out, batch)
    Y = numpy.eye(n_out, dtype=numpy.float32)[labels]
    params = [
        (rng.standard_normal((n_in, n_hidden)) * 0.01).astype(numpy.float32),
        numpy.zeros(n_hidden, numpy.float32),
        (rng.standard_normal((n_hidden, n_out)) * 0.01).astype(numpy.float32),
        numpy.zeros(n_out, numpy.float32),
    ]
    return {"X": X, "Y": Y, "params": params}


def linreg_data(n: int, seed: int = 0) -> dict:
    rng = numpy.random.default_rng(seed)
    true_w = numpy.array([2.0, -3.4], numpy.float32)
    X = rng.standard_normal((n, 2), dtype=numpy.float32)
    y = (X @ true_w + 4.2 + rng.normal(0, 0.01, n)).astype(numpy.float32).reshape(-1, 1)
    w = rng.normal(0, 0.01, (2, 1)).astype(numpy.float32)
    b = numpy.zeros(1, numpy.float32)
    return {"X": X, "y": y, "w": w, "b": b}


def batch_orders(n: int, batch: int, epochs: int, seed: int = 1) -> list[list[list[int]]]:
    """The shuffled example indices of every minibatch (Python lists, as d2l's iterator has)."""
    rng = numpy.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        idx = rng.permutation(n).tolist()
        out.append([idx[i : min(i + batch, n)] for i in range(0, n, batch)])
    return out


# --- MXNet dialect: legacy nd ------------------------------------------------------------------


def mx_mlp_steps(nd: Any, autograd: Any, state: dict, steps: int, lr: float = 0.1) -> None:
    """``steps`` SGD steps of a ReLU MLP with softmax cross-entropy written with basic ops."""
    X, Y = state["X"], state["Y"]
    W1, b1, W2, b2 = params = state["params"]
    batch = X.shape[0]
    for _ in range(steps):
        with autograd.record():
            H = nd.relu(nd.dot(X, W1) + b1)
            logits = nd.dot(H, W2) + b2
            loss = nd.log(nd.sum(nd.exp(logits), axis=1)) - nd.sum(logits * Y, axis=1)
        loss.backward()
        for p in params:
            p[:] = p - lr * p.grad / batch


def mx_linreg_train(nd: Any, autograd: Any, state: dict, lr: float = 0.03) -> Any:
    """d2l-style linear regression from scratch: minibatches by index, squared loss, sgd."""
    features, labels, w, b = state["X"], state["y"], state["w"], state["b"]
    for epoch in state["orders"]:
        for idx in epoch:
            # int64: d2l passes float32 index arrays, which MXNet accepts but torch indexing
            # (and so the shim's nd on plain tensors) refuses.
            j = nd.array(idx, dtype="int64")
            X, y = features[j], labels[j]
            with autograd.record():
                y_hat = nd.dot(X, w) + b
                loss = (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
            loss.backward()
            for p in (w, b):
                p[:] = p - lr * p.grad / len(idx)
        train_l = (nd.dot(features, w) + b - labels) ** 2 / 2
        state["last_loss"] = train_l.mean()
    return state["last_loss"]


# --- MXNet dialect: the NumPy interface (np/npx) ----------------------------------------------


def np_mlp_steps(np: Any, npx: Any, autograd: Any, state: dict, steps: int, lr: float = 0.1):
    X, Y = state["X"], state["Y"]
    W1, b1, W2, b2 = params = state["params"]
    batch = X.shape[0]
    for _ in range(steps):
        with autograd.record():
            H = npx.relu(np.dot(X, W1) + b1)
            logits = np.dot(H, W2) + b2
            loss = np.log(np.exp(logits).sum(axis=1)) - (logits * Y).sum(axis=1)
        loss.backward()
        for p in params:
            p[:] = p - lr * p.grad / batch


def np_linreg_train(np: Any, npx: Any, autograd: Any, state: dict, lr: float = 0.03) -> Any:
    features, labels, w, b = state["X"], state["y"], state["w"], state["b"]
    for epoch in state["orders"]:
        for idx in epoch:
            j = np.array(idx)
            X, y = features[j], labels[j]
            with autograd.record():
                y_hat = np.dot(X, w) + b
                loss = (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
            loss.backward()
            for p in (w, b):
                p[:] = p - lr * p.grad / len(idx)
        train_l = (np.dot(features, w) + b - labels) ** 2 / 2
        state["last_loss"] = train_l.mean()
    return state["last_loss"]


# --- PyTorch dialect (real torch, or the torch dialect on MXNet) -------------------------------


def torch_mlp_steps(torch: Any, state: dict, steps: int, lr: float = 0.1) -> None:
    """The same MLP step in PyTorch's dialect; ``torch`` is real torch or a torch dialect."""
    X, Y = state["X"], state["Y"]
    W1, b1, W2, b2 = params = state["params"]
    batch = X.shape[0]
    for _ in range(steps):
        H = torch.relu(torch.matmul(X, W1) + b1)
        logits = torch.matmul(H, W2) + b2
        loss = torch.log(torch.exp(logits).sum(dim=1)) - (logits * Y).sum(dim=1)
        # MXNet's implicit head gradient is ones; passing ones is the identical computation.
        loss.backward(torch.ones_like(loss))
        with torch.no_grad():
            for p in params:
                p[:] = p - lr * p.grad / batch
                p.grad = None


def torch_linreg_train(torch: Any, state: dict, lr: float = 0.03) -> Any:
    features, labels, w, b = state["X"], state["y"], state["w"], state["b"]
    for epoch in state["orders"]:
        for idx in epoch:
            j = torch.tensor(idx)
            X, y = features[j], labels[j]
            y_hat = torch.matmul(X, w) + b
            loss = (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
            loss.backward(torch.ones_like(loss))
            with torch.no_grad():
                for p in (w, b):
                    p[:] = p - lr * p.grad / len(idx)
                    p.grad = None
        with torch.no_grad():
            train_l = (torch.matmul(features, w) + b - labels) ** 2 / 2
            state["last_loss"] = train_l.mean()
    return state["last_loss"]


class OneEpochPerRun:
    """Stands for ``state["orders"]`` in timed runs: each pass over it yields the next epoch only.

    A timed sample is then one epoch (100 steps) instead of three: shorter samples make more
    pairs, and a busy machine disturbs fewer of them.
    """

    def __init__(self, orders: list) -> None:
        self.orders, self.i = orders, 0

    def __iter__(self):
        epoch = self.orders[self.i % len(self.orders)]
        self.i += 1
        return iter([epoch])
