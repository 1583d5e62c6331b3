"""Issue 11: silently wrong results of the torch dialect on MXNet, side by side with real torch.

Each program runs unchanged on real torch 2.13 (the oracle) and on the dialect; the logs (values,
gradients, dtypes, ``grad_fn`` names, exception classes and message starts) must agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from test_torch_on_mxnet_side_by_side import Log, side_by_side

pytestmark = pytest.mark.mxnet

PROGRAMS: list[Callable] = []


def program(fn: Callable) -> Callable:
    PROGRAMS.append(fn)
    return fn


def _data(shape: tuple, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, size=shape) + rng.random(shape) * 0.5).astype(np.float32)


# --- 1. where with a broadcast branch (MXNet's where backward is wrong under grad_req='add') --


@program
def where_issue_example(t: Any, log: Log) -> None:
    b = t.tensor([[0.5, -1.0, -2.0, 0.3]], requires_grad=True)
    c = t.tensor([[1.0], [2.0]], requires_grad=True)
    t.where(b > 0, b, c).sum().backward()
    log(b.grad, c.grad)


_WHERE_SHAPES = [
    ((1, 4), (3, 1)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((2, 3, 4), (3, 1)),
    ((1,), (3, 4)),
    ((), (3, 4)),
    ((3, 4), (3, 4)),
]


@program
def where_broadcast_shapes_accumulate(t: Any, log: Log) -> None:
    for i, (sa, sb) in enumerate(_WHERE_SHAPES):
        a = t.tensor(_data(sa, i), requires_grad=True)
        b = t.tensor(_data(sb, 10 + i), requires_grad=True)
        for on_a in (True, False):
            out = t.where((a if on_a else b) > 0, a, b)
            g = t.tensor(_data(tuple(out.shape), 20 + i))
            out.backward(g)  # twice over: the leaves accumulate
            t.where((a if on_a else b) > 0, a, b).backward(g)
        log(a.grad, b.grad)
        log(t.autograd.grad(t.where(a > 0, a, b).sum(), [a, b]))


@program
def where_scalar_branches_and_hooks(t: Any, log: Log) -> None:
    x = t.tensor(_data((3, 4), 1), requires_grad=True)
    s = t.tensor(2.0, requires_grad=True)
    (t.where(x > 0, x, 0.0) + t.where(x > 0, 1.0, x) + t.where(x > 0, s, x)).sum().backward()
    log(x.grad, s.grad)
    h = t.tensor([0.5, -1.0], requires_grad=True)
    h.register_hook(lambda g: g * 3)  # the adapter's own engine
    t.where(t.tensor([[True], [False]]), h, t.ones(2, 1)).sum().backward()
    log(h.grad)


# --- 5. errors torch raises where MXNet computes something ------------------------------------


@program
def dimension_out_of_range(t: Any, log: Log) -> None:
    x = t.ones(2, 3)
    f = t.nn.functional
    for fn in (
        lambda: x.sum(dim=3),
        lambda: f.softmax(x, dim=2),
        lambda: f.log_softmax(x, dim=-3),
        lambda: x.max(dim=5),
        lambda: x.min(-3),
        lambda: x.squeeze(5),
        lambda: x.unsqueeze(3),
        lambda: x.mean(-3),
        lambda: x.sum((0, 2)),
        lambda: x.sum((0, 0)),
        lambda: x.prod(2),
        lambda: x.norm(dim=2),
        lambda: x.argmax(3),
        lambda: x.transpose(0, 2),
        lambda: x.permute(0, 2),
        lambda: x.permute(0, 0),
        lambda: x.flatten(0, 3),
        lambda: x.narrow(2, 0, 1),
        lambda: x.select(2, 0),
        lambda: x.size(3),
        lambda: t.cat([x, x], 2),
        lambda: t.stack([x, x], 4),
        lambda: t.ones(()).sum(1),
        lambda: t.ones(()).unsqueeze(1),
    ):
        log.err(fn)
    log(x.sum(-2), x.max(-1)[0], x.unsqueeze(-3).shape, t.ones(()).sum(0), x.size(-1))


@program
def loss_targets(t: Any, log: Log) -> None:
    f = t.nn.functional
    x = t.tensor(_data((3, 4), 2), dtype=t.float64, requires_grad=True)
    log.err(lambda: f.cross_entropy(x, t.tensor([0, 7, 1])))
    log.err(lambda: f.nll_loss(x, t.tensor([0, -1, 1])))
    log.err(lambda: f.nll_loss(x, t.tensor([0.0, 1.0, 2.0])))
    log.err(lambda: f.cross_entropy(x, t.tensor([0.0, 1.0, 2.0])))
    log.err(lambda: f.nll_loss(x, t.tensor([0, 1], dtype=t.int32)))
    log.err(lambda: f.cross_entropy(x, t.tensor([0, 1])))
    # ignore_index (default -100) counts for nothing, in values and gradients
    for red in ("mean", "sum", "none"):
        y = f.cross_entropy(x, t.tensor([0, -100, 2]), reduction=red)
        log(y)
        y.sum().backward()
        log(x.grad)
    y = f.nll_loss(x, t.tensor([1, 2, 3]), ignore_index=2)
    (g,) = t.autograd.grad(y, x, create_graph=True)
    log(y, g)
    log(f.nll_loss(x, t.tensor([1, 2, 3], dtype=t.uint8)))


@program
def grad_assignment_dtype(t: Any, log: Log) -> None:
    x = t.ones(3, requires_grad=True)

    def assign(g: Any) -> None:
        x.grad = g

    for dt in (t.float64, t.int64, t.float16):
        log.err(lambda dt=dt: assign(t.ones(3, dtype=dt)))
    assign(t.full((3,), 2.0))
    log(x.grad)


@program
def matmul_dtypes(t: Any, log: Log) -> None:
    a, b = t.ones(2, 2, dtype=t.int64), t.ones(2, 2)
    v, w = t.ones(2, dtype=t.int64), t.ones(2)
    d = t.ones(2, 2, dtype=t.float64)
    for fn in (
        lambda: a.mm(b),
        lambda: b.mm(a),
        lambda: a.matmul(b),
        lambda: a @ b,
        lambda: b @ a,
        lambda: v @ w,
        lambda: t.dot(v, w),
        lambda: b.mv(v),
        lambda: a.mv(w),
        lambda: b @ d,
        lambda: t.ones(2, 2, 2) @ a,
        lambda: t.ones(2, 3, 4) @ t.ones(4, dtype=t.float64),
        lambda: t.matmul(t.ones(()), t.ones(2)),
        lambda: t.ones(2, 3) @ t.ones(2, 3),
        lambda: t.ones(2, 3).mv(t.ones(2)),
    ):
        log.err(fn)
    big = t.tensor([[2**40, 3], [1, 2**41]])
    log(a @ a, a @ v, t.mm(big, big), t.dot(v, v), t.ones(2, 2, 2, dtype=t.int64) @ a)


@program
def hooks_and_retain_grad_in_autograd_grad(t: Any, log: Log) -> None:
    x = t.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: g * 3)
    log(t.autograd.grad((x * x).sum(), x))
    y = x * 2
    y.retain_grad()
    log(t.autograd.grad((y * y).sum(), x), y.grad)
    z = x * 2
    z.register_hook(lambda g: g * 10)
    z.retain_grad()
    log(t.autograd.grad((z * z).sum(), x, retain_graph=True), z.grad)
    log(t.autograd.grad((z * z).sum(), x, create_graph=True), z.grad)


@program
def pow_at_zero(t: Any, log: Log) -> None:
    x = t.tensor([0.0, 1.0, -2.0], requires_grad=True)
    (x**0).sum().backward()
    log(x.grad)
    log(t.autograd.grad((x**0).sum(), x, create_graph=True))
    x2 = t.tensor([0.0, 1.5], requires_grad=True)
    (g,) = t.autograd.grad((x2**2).sum(), x2, create_graph=True)
    (gg,) = t.autograd.grad(g.sum(), x2, create_graph=True)
    (ggg,) = t.autograd.grad(gg.sum(), x2)
    log(g, gg, ggg)
    (g,) = t.autograd.grad((x2**3).sum(), x2, create_graph=True)
    (gg,) = t.autograd.grad(g.sum(), x2, create_graph=True)
    (ggg,) = t.autograd.grad(gg.sum(), x2, create_graph=True)
    log(g, gg, ggg, t.autograd.grad(ggg.sum(), x2, allow_unused=True))


# --- 6. MXNet internals that leaked as errors -------------------------------------------------


@program
def mixed_dtype_graphs(t: Any, log: Log) -> None:
    x = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = t.tensor([1.0, 2.0, 3.0], dtype=t.float64)
    y = x.clamp(min=1.5) * w
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    log(x.grad)
    y = t.clamp(x.double(), 1.5, 2.5)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    log(x.grad)
    (g,) = t.autograd.grad((x * w).sum() + x.sum(dtype=t.float64), x, create_graph=True)
    log(g)
    h = t.tensor([1.0, -2.0], requires_grad=True)
    h.register_hook(lambda g: g + 1)
    (t.where(h > 0, h, t.zeros(2, dtype=t.float64)) + t.cat([h, h.double()])[:2]).sum().backward()
    log(h.grad)


@program
def matmul_vector_operands_create_graph(t: Any, log: Log) -> None:
    a = t.tensor(_data((2, 3, 4), 3), dtype=t.float64, requires_grad=True)
    v = t.tensor(_data((4,), 4), dtype=t.float64, requires_grad=True)
    u = t.tensor(_data((3,), 5), dtype=t.float64, requires_grad=True)
    for y in (t.matmul(a, v), t.matmul(u, a)):
        log(y)
        ga, gb = t.autograd.grad(
            (y * y).sum(), [a, v if y.shape == (2, 3) else u], create_graph=True
        )
        log(ga.detach(), gb.detach())  # values (torch's double-backward node names differ)
        log(t.autograd.grad((ga.sum() + gb.sum()), [a], allow_unused=True))
    log.err(lambda: t.ones(2, 3, 4) @ t.ones(3))
    log.err(lambda: t.ones(2, 3, 4) @ t.ones(5, 2))
    log.err(lambda: t.ones(2, 3, 4) @ t.ones(3, 4, 2))


@program
def head_gradient_dtype(t: Any, log: Log) -> None:
    x = t.ones(3, dtype=t.float64, requires_grad=True)
    log(t.autograd.grad(x * 2, x, grad_outputs=t.ones(3)))
    (x * 2).backward(t.ones(3))
    log(x.grad)
    g = t.ones(3, requires_grad=True)
    log(t.autograd.grad(x * 2, x, g, create_graph=True))


@program
def cat_and_stack_errors(t: Any, log: Log) -> None:
    for fn in (
        lambda: t.cat([t.tensor(1.0), t.tensor(2.0)]),
        lambda: t.cat([t.ones(2, 3), t.tensor(1.0)]),
        lambda: t.cat([t.ones(2), t.ones(3, 1)]),
        lambda: t.cat([t.ones(2, 2), t.ones(3, 3)], 0),
        lambda: t.cat([t.ones(2, 2), t.ones(3, 3)], 1),
        lambda: t.cat([]),
        lambda: t.stack([t.ones(2), t.ones(3)]),
        lambda: t.stack([t.ones(2, 3), t.ones(3, 2)], 1),
        lambda: t.stack([]),
    ):
        log.err(fn)
    log(t.stack([t.tensor(1.0), t.tensor(2.0)]), t.cat([t.ones(2, 2), t.ones(3, 2)]))


@program
def inplace_scalar_update_of_a_non_leaf(t: Any, log: Log) -> None:
    a = t.tensor([-2.0, 3.0], requires_grad=True)
    c = a * 1.0
    c.mul_(2.0)
    c.sum().backward()
    log(a.grad)
    c = a / 4.0
    c.div_(2.0)
    c.sum().backward()
    log(a.grad)
    c = a * a
    c.mul_(c)
    log.err(lambda: c.sum().backward())


# --- 5. views: memory shared as torch shares it ----------------------------------------------


@program
def views_share_memory(t: Any, log: Log) -> None:
    x = t.arange(12.0)
    big = x.reshape(3, 4)
    big[:2] = 12
    log(x)
    v = x.view(3, 4)
    v[1, 1] = -1
    log(x)
    m = t.arange(12.0).reshape(3, 4)
    f = m.flatten()
    f[0] = 100
    m[1:][0, 0] = 7
    m[2] += 1
    m[0:1].mul_(2)
    log(m, f)
    row = m[0]
    m[0, 1] = 50
    flat = m.view(-1)
    m.add_(1)
    log(row, flat)
    u = m.unsqueeze(0).squeeze(0)
    u[0, 0] = 9
    m.squeeze()[2, 3] = -9
    m.view(2, 6)[1][0] = 5
    log(m, u)
    e = t.zeros(0, 3).reshape(3, 0)
    log(e, t.tensor(5.0).reshape(1), t.ones(1).reshape(()))


@program
def copied_views_follow_their_base(t: Any, log: Log) -> None:
    x = t.arange(12.0).reshape(3, 4)
    tr, col, perm, step = x.t(), x[:, 1], x.permute(1, 0), x[::2]
    row_of_t = tr[0]
    x.add_(1)
    log(tr, col, perm, step, row_of_t)
    x.view(-1)[1] = -5
    x[0, 0] = 50
    log(tr, col, perm, row_of_t)
    ex = t.arange(4.0)
    wide = ex.expand(2, 4)
    ex[0] = 9
    log(wide)
    with t.no_grad():
        x.zero_()
    log(tr)
    log(x.t().reshape(-1), x.t().contiguous())
    c = x.t().contiguous()
    c[0, 0] = 100
    r = x.t().reshape(-1)
    r[1] = 7
    log(x, c, r)
    d = t.arange(6.0).reshape(2, 3)
    dt = d.t()
    d.data = t.zeros(2, 3)
    log(d, dt)


@program
def views_and_autograd(t: Any, log: Log) -> None:
    a = t.ones(3, requires_grad=True)
    log.err(lambda: a[0:1].mul_(2))
    log.err(lambda: a.view(3).mul_(2))
    log.err(lambda: a[0].add_(1))
    with t.no_grad():
        a[0].add_(1)
        a.view(3)[2] = 5
    log(a)
    y = a * 2
    v = y.view(-1)
    w = v.sin()
    with t.no_grad():
        y.mul_(3)
    log.err(lambda: w.sum().backward())
    y = a * 2
    y.zero_()
    y.sum().backward()
    log(a.grad, y)
    b = t.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * 2
    y.fill_(3.0)
    (y * a).sum().backward()
    y = a * 2
    y.copy_(b * b)
    y.sum().backward()
    log(a.grad, b.grad, y)
    m = t.ones(2, 3, requires_grad=True)
    y = m * 2
    r = y[0]
    (r * r).sum().backward()
    ((m * 2).t().sum() + (m * 3).reshape(-1)[1:].sum()).backward()
    log(m.grad)


@program
def recorded_writes_rebase_views(t: Any, log: Log) -> None:
    # an in-place op recorded by autograd on memory that views share: torch writes the memory
    # and every view's graph goes through the new value
    def mk() -> tuple:
        a = t.tensor([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], requires_grad=True)
        return a, t.tensor([2.0, 3.0, -1.0], requires_grad=True)

    a, b = mk()
    y = a * 2
    r, v = y[1], y.view(-1)
    r.mul_(3)
    log(y, r, v)
    (y.sum() + (v * v).sum() + r.sum()).backward()
    log(a.grad)
    a, b = mk()
    y = a * 1
    c = y.t()
    y[0].add_(b)
    log(c, y)
    (c * c).sum().backward()
    log(a.grad, b.grad)
    a, b = mk()
    y = a * 1
    r, f = y[0], y.flatten()
    y.mul_(b)
    log(r, f)
    (r.sum() + f[4] * 3).backward()
    log(a.grad, b.grad)
    a, b = mk()
    c = (a * 1.0).contiguous()
    c.view(-1)[:1].mul_(3.0)
    c.sum().backward()
    log(c, a.grad)
    a, b = mk()
    y = a * 1
    v = y.view(-1)
    y[0] = b
    (v * v).sum().backward()
    log(v, a.grad, b.grad)
    a, b = mk()
    y = a * 1
    y[1].mul_(y[0].detach().clone())
    (g,) = t.autograd.grad((y * y).sum(), a, create_graph=True)
    log(y, g, t.autograd.grad(g.sum(), a))
    a, b = mk()
    y = a * 1
    r = y[:1]
    rr = r[0]
    rr.add_(b)
    (y.sum() + rr.sum()).backward()
    log(y, r, rr, a.grad, b.grad)
    a, b = mk()
    y = a.exp()
    s = y[0]
    y.mul_(2)  # exp saved its output: torch's version error
    log(s)
    log.err(lambda: y.sum().backward())
    x = t.zeros(2, 3)
    r = x[1]
    r.copy_(b)
    x.sum().backward()
    log(x, r, b.grad)


@program
def no_grad_views_and_contiguous_permutations(t: Any, log: Log) -> None:
    x = t.ones(3, requires_grad=True)
    with t.no_grad():
        v, s, tt, c, e = x.view(3), x[1:], x.unsqueeze(0).t(), x * 1, x.expand(3)
    log(v, s, tt, c, e, v.is_leaf, tt.requires_grad, c.requires_grad)
    log.err(lambda: v.mul_(2))
    with t.no_grad():
        s.mul_(2)
    log(x)
    a = t.tensor([-2.0, 1.0, 3.0], requires_grad=True)
    b = a.reshape(-1, 1).t()
    log(b, b.flatten(), b.reshape(-1))
    m = t.arange(6.0).reshape(1, 6)
    m.t()[2, 0] = 50
    m.expand(1, 1, 6)[0, 0, 0] = -1
    m.permute(1, 0).view(-1)[5] = 7
    log(m)
    r = a.max().max(dim=0)
    r.values.backward()
    log(r.values, r.indices, a.grad, a.min().min(0, keepdim=True).indices)


@pytest.mark.parametrize("prog", PROGRAMS, ids=lambda p: p.__name__)
def test_side_by_side(prog: Callable) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        side_by_side(prog)


# --- views MXNet cannot share: a clear error, never a silent write into a copy ----------------


def test_writes_through_copied_views_raise() -> None:
    import autograd_compat
    from autograd_compat.torch_on_mxnet import views

    t = autograd_compat.namespace("torch", "mxnet")
    x = t.arange(12.0).reshape(3, 4)
    for write in (
        lambda: x.t().__setitem__((0, 0), 5.0),
        lambda: x[:, 1].fill_(0.0),
        lambda: x[:, ::2].__setitem__(0, 9.0),
        lambda: x.t()[0].add_(1),
        lambda: x.permute(1, 0).view(-1).zero_(),
        lambda: t.arange(4.0).expand(2, 4).add_(1),
    ):
        with pytest.raises(RuntimeError, match="cannot write in place through this view"):
            write()
    assert x.tolist() == np.arange(12.0).reshape(3, 4).tolist()
    assert views.COPIED_VIEW_WRITE.startswith("the torch dialect on mxnet")


def test_data_swap_right_after_creation_never_reads_uninitialised_memory():
    # `d.data = t.zeros(...)` compared data pointers with MXNDArrayGetData while MXNet's engine
    # still had the arrays' first writes pending; the race left `d` on uninitialised memory in
    # about 3 % of runs (values such as 4.6e-41). The pointers are read after the writes now.
    from autograd_compat import namespace

    t = namespace("torch", "mxnet")
    for _ in range(400):
        d = t.arange(6.0).reshape(2, 3)
        view = d.t()
        d.data = t.zeros(2, 3)
        assert not d.numpy().any(), d
        assert view.numpy().tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
