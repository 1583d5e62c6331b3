"""The Gluon models cases 9 and 10 time, written once per dialect, with shared initial values.

MXNet-style builders take the ``gluon`` module as an argument, so the very same text runs on the
shim and on real MXNet 1.9.1. The native builders write the same model in ``torch.nn``. Every
variant starts from the same parameter values, made by numpy in MXNet's parameter order (which is
also ``torch.nn``'s: weight then bias, layer by layer; both frameworks store a dense weight as
``(out, in)`` and a convolution weight as ``(out, in, kh, kw)``).
"""

from __future__ import annotations

import gc
from typing import Any

import numpy


def freeze_heap() -> None:
    """Move every object alive now out of the cyclic collector's reach (``gc.freeze``).

    The harness collects before each sample. With torch, its ``_dynamo`` (which
    ``torch.optim`` imports), MXNet and the shim loaded, a collection walks 200,000-300,000
    objects: 1.4-2.8 s per sample on the loaded 2-core machine. The models and modules built
    before the timing never become garbage, so freezing them changes no timed work.
    """
    gc.collect()
    gc.freeze()


# --- data and initial parameters --------------------------------------------------------------


def mlp_shapes(n_in: int, n_hidden: int, n_out: int) -> list[tuple]:
    return [(n_hidden, n_in), (n_hidden,), (n_out, n_hidden), (n_out,)]


def lenet_shapes(channels: tuple[int, int], hidden: tuple[int, int], n_out: int) -> list[tuple]:
    c1, c2 = channels
    h1, h2 = hidden
    return [
        (c1, 1, 5, 5),
        (c1,),
        (c2, c1, 5, 5),
        (c2,),
        (h1, c2 * 5 * 5),
        (h1,),
        (h2, h1),
        (h2,),
        (n_out, h2),
        (n_out,),
    ]


def init_values(shapes: list[tuple], seed: int = 0) -> list[numpy.ndarray]:
    """Uniform weights scaled by fan-in (Xavier-like) and zero biases, as float32."""
    rng = numpy.random.default_rng(seed)
    out = []
    for shape in shapes:
        if len(shape) == 1:
            out.append(numpy.zeros(shape, numpy.float32))
            continue
        fan_in = int(numpy.prod(shape[1:]))
        bound = numpy.sqrt(3.0 / fan_in)
        out.append(rng.uniform(-bound, bound, shape).astype(numpy.float32))
    return out


def classification_data(x_shape: tuple, n_out: int, seed: int = 1) -> dict:
    rng = numpy.random.default_rng(seed)
    X = rng.standard_normal(x_shape, dtype=numpy.float32)
    labels = rng.integers(0, n_out, x_shape[0]).astype(numpy.float32)
    return {"X": X, "y": labels}


def linreg_batches(n_batches: int, batch: int, seed: int = 2) -> list[tuple]:
    """d2l's synthetic data (w = [2, -3.4], b = 4.2), as ``n_batches`` minibatches."""
    rng = numpy.random.default_rng(seed)
    out = []
    for _ in range(n_batches):
        X = rng.standard_normal((batch, 2), dtype=numpy.float32)
        y = (X @ numpy.array([2.0, -3.4], numpy.float32) + 4.2).reshape(-1, 1)
        out.append((X, (y + rng.normal(0, 0.01, y.shape)).astype(numpy.float32)))
    return out


# --- MXNet dialect: Gluon (the shim's gluon or real MXNet's) -----------------------------------


def gluon_mlp(gluon: Any, n_in: int, n_hidden: int, n_out: int) -> Any:
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(n_hidden, activation="relu", in_units=n_in))
    net.add(gluon.nn.Dense(n_out, in_units=n_hidden))
    return net


def gluon_lenet(gluon: Any, channels: tuple, hidden: tuple, n_out: int) -> Any:
    """d2l's LeNet (chapter 6.6): sigmoid activations, average pooling."""
    nn = gluon.nn
    (c1, c2), (h1, h2) = channels, hidden
    net = nn.HybridSequential()
    net.add(
        nn.Conv2D(c1, kernel_size=5, padding=2, activation="sigmoid", in_channels=1),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Conv2D(c2, kernel_size=5, activation="sigmoid", in_channels=c1),
        nn.AvgPool2D(pool_size=2, strides=2),
        nn.Dense(h1, activation="sigmoid", in_units=c2 * 5 * 5),
        nn.Dense(h2, activation="sigmoid", in_units=h1),
        nn.Dense(n_out, in_units=h2),
    )
    return net


def gluon_linreg(gluon: Any) -> Any:
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(1, in_units=2))
    return net


def gluon_ready(mx: Any, net: Any, values: list[numpy.ndarray], hybridize: bool = False) -> Any:
    """Initialize ``net`` and give its parameters ``values`` (in ``collect_params()`` order)."""
    net.initialize()
    params = list(net.collect_params().values())
    assert len(params) == len(values), (len(params), len(values))
    for p, v in zip(params, values):
        assert tuple(p.shape) == v.shape, (p.name, p.shape, v.shape)
        p.set_data(mx.nd.array(v))
    if hybridize:
        net.hybridize()
    return net


def gluon_fwd_bwd(autograd: Any, net: Any, loss_fn: Any, X: Any, y: Any) -> Any:
    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()
    return loss


def gluon_train_step(autograd: Any, net: Any, loss_fn: Any, trainer: Any, X: Any, y: Any):
    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()
    trainer.step(X.shape[0])
    return loss


# --- native torch.nn ------------------------------------------------------------------------


def torch_mlp(torch: Any, n_in: int, n_hidden: int, n_out: int) -> Any:
    nn = torch.nn
    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))


def torch_lenet(torch: Any, channels: tuple, hidden: tuple, n_out: int) -> Any:
    nn = torch.nn
    (c1, c2), (h1, h2) = channels, hidden
    return nn.Sequential(
        nn.Conv2d(1, c1, kernel_size=5, padding=2),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(c1, c2, kernel_size=5),
        nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(c2 * 5 * 5, h1),
        nn.Sigmoid(),
        nn.Linear(h1, h2),
        nn.Sigmoid(),
        nn.Linear(h2, n_out),
    )


def torch_linreg(torch: Any) -> Any:
    return torch.nn.Sequential(torch.nn.Linear(2, 1))


def torch_ready(torch: Any, net: Any, values: list[numpy.ndarray]) -> Any:
    params = list(net.parameters())
    assert len(params) == len(values)
    with torch.no_grad():
        for p, v in zip(params, values):
            p.copy_(torch.from_numpy(v))
    return net


def torch_l2_loss(torch: Any) -> Any:
    """MXNet's ``L2Loss`` in torch.nn terms: ½ squared error, averaged over non-batch axes."""
    mse = torch.nn.MSELoss(reduction="none")
    return lambda out, y: (0.5 * mse(out, y)).mean(dim=1)


def torch_fwd_bwd(torch: Any, net: Any, loss_fn: Any, X: Any, y: Any) -> Any:
    net.zero_grad()  # Gluon's default grad_req='write' overwrites; natively: set to None
    loss = loss_fn(net(X), y)
    # MXNet's implicit head gradient is ones; passing ones is the identical computation.
    loss.backward(torch.ones_like(loss))
    return loss


def torch_train_step(net: Any, loss_fn: Any, opt: Any, X: Any, y: Any) -> Any:
    """The idiomatic native step: mean loss (what ``trainer.step(batch)``'s 1/batch rescaling
    gives), ``zero_grad``, ``backward``, ``opt.step``."""
    opt.zero_grad()
    loss = loss_fn(net(X), y)
    loss.backward()
    opt.step()
    return loss


def grads_of(params: list) -> list:
    """Gradients as numpy, from Gluon parameters or torch parameters."""
    out = []
    for p in params:
        g = p.grad() if callable(getattr(p, "grad", None)) else p.grad
        out.append(g.asnumpy() if hasattr(g, "asnumpy") else g.detach().numpy())
    return out


def data_of(params: list) -> list:
    out = []
    for p in params:
        d = p.data() if callable(getattr(p, "data", None)) else p.detach()
        out.append(d.asnumpy() if hasattr(d, "asnumpy") else d.numpy())
    return out


def max_rel_diff(ref: list[numpy.ndarray], got: list[numpy.ndarray]) -> float:
    """Largest |a-b| / (max|a| + tiny) over the arrays: a scale-free faithfulness figure."""
    worst = 0.0
    for a, b in zip(ref, got):
        scale = float(numpy.abs(a).max()) + 1e-12
        worst = max(worst, float(numpy.abs(a - b).max()) / scale)
    return worst


def as_np(x: Any) -> numpy.ndarray:
    return x.asnumpy() if hasattr(x, "asnumpy") else numpy.asarray(x)
