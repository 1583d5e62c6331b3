"""The backward engines of the torch dialect on MXNet: ``backward``, ``autograd.grad`` and MXNet's
backward on the dialect's tensors.

* First order without hooks, ``retain_grad`` or custom Functions goes through MXNet's engine (the
  fast path): every differentiable op also recorded an MXNet graph.
* Otherwise, and always for ``create_graph=True``, :func:`_engine` walks the adapter's nodes and
  runs each node's rule (:mod:`.derivatives`), recorded again when ``create_graph``.
* :func:`mx_backward`, :func:`mx_grad`, :func:`mx_mark_variables` are MXNet's semantics for graphs
  recorded inside MXNet's ``record()`` (implicit ones head gradient, ``grad_req``
  write/add/null); :mod:`autograd_compat.mxnet_on_mxnet.autograd` calls them (public names).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import mxnet as _mx
from mxnet.base import MXNetError

from ._raw import assign
from .creation import tensor, zeros_like
from .errors import CREATE_GRAPH_CYCLE, FREED, MX_NOT_IN_GRAPH
from .graph import AccumulateGrad, _check_versions
from .scopes import _Paused, _run, _Scope, _state
from .shape_ops import to
from .tensor import Tensor, _wrap

_mnp = _mx.np


def heads_and_grads(
    tensors: Sequence[Tensor], grads: Sequence[Any], *, mx_style: bool = False
) -> list:
    """(output, head gradient) pairs, checked and completed as torch does (as MXNet does when
    ``mx_style``: an implicit ones gradient for any shape, MXNet's errors)."""
    out = []
    for i, (t, g) in enumerate(zip(tensors, grads)):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}"
            )
        if not t.requires_grad:
            if mx_style:
                raise MXNetError(MX_NOT_IN_GRAPH)
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        if g is None:
            if mx_style:
                g = _wrap(_run(False, _mnp.ones_like, t._nd))
            elif t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            else:
                g = _wrap(_run(False, _mnp.ones_like, t._nd))
        else:
            if not isinstance(g, Tensor):
                if not mx_style:
                    # torch's type check (a list or a number is not converted)
                    raise TypeError(
                        "gradients can be either Tensors or None, but got " + type(g).__name__
                    )
                g = tensor(g, dtype=t.dtype)
            if g.shape != t.shape and not mx_style:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {t.shape}."
                )
            if g.dtype is not t.dtype:  # torch casts a head gradient to the output's dtype
                g = to(g, t.dtype)
        out.append((t, g))
    return out


def _graph(roots: Iterable[Any]) -> tuple[dict, list]:
    """Dependency counts of every node reachable from ``roots`` (iterative) and its leaves."""
    deps: dict = {}
    leaves = []
    stack = []
    for r in roots:
        if r not in deps:
            deps[r] = 0
            stack.append(r)
    while stack:
        n = stack.pop()
        if isinstance(n, AccumulateGrad):
            leaves.append(n)
            continue
        for p, _ in n._next:
            if p is None:
                continue
            if p in deps:
                deps[p] += 1
            else:
                deps[p] = 1
                stack.append(p)
    return deps, leaves


def _root(t: Tensor) -> tuple:
    return (t._node, t._idx) if t._node is not None else (t._accumulator(), 0)


def _check_alive(deps: dict, mx_style: bool) -> bool:
    """Raise the freed-graph error if any node was freed; return whether MXNet can do it all."""
    fast = True
    for n in deps:
        if isinstance(n, AccumulateGrad):
            continue
        if n._had_saved and n._saved is None:
            if mx_style or n._mx:
                raise MXNetError(MX_NOT_IN_GRAPH)
            raise RuntimeError(FREED)
        if n._saved and not mx_style and not n._mx:
            _check_versions(n)
        if not n._fast or n._hooks or n._retain:
            fast = False
    return fast


def _train_mode() -> bool:
    return bool(_mx.autograd.is_training())


def run_backward(
    tensors: Sequence[Tensor],
    grad_tensors: Sequence[Any],
    retain_graph: bool | None,
    create_graph: bool,
    inputs: Any = None,
    accumulate: bool = True,
) -> None:
    """torch.autograd.backward: accumulate into the ``.grad`` of leaves (or of ``inputs``)."""
    if retain_graph is None:
        retain_graph = create_graph
    pairs = heads_and_grads(tensors, grad_tensors)
    if create_graph and inputs is None:
        warnings.warn(CREATE_GRAPH_CYCLE, UserWarning, stacklevel=3)
    roots = [_root(t) for t, _ in pairs]
    deps, leaves = _graph(r for r, _ in roots)
    fast = _check_alive(deps, False)
    if inputs is not None:
        if isinstance(inputs, Tensor):
            inputs = (inputs,)
        inputs = tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        res = run_grad(
            pairs, inputs, retain_graph, create_graph, allow_unused=True, checked=(deps, fast)
        )
        for x, g in zip(inputs, res):
            if g is not None:
                _accumulate(x, g, create_graph)
        return
    if not (
        fast
        and not create_graph
        and all(_plain_leaf(lf.variable) for lf in leaves)
        and _mx_backward(pairs, retain_graph)
    ):
        _engine(pairs, retain_graph, create_graph, deps, targets=None, accumulate=True)
    else:
        for lf in leaves:
            v = lf.variable
            if v._gradt is None:
                v._grad_buffer()
    if not retain_graph:
        _free(deps)


def _free(deps: dict) -> None:
    """torch's freeing after a backward without retain_graph: saved tensors go (a later use
    raises torch's error). MXNet has cleared its graph of these nodes too, so later graphs that
    reach them use the adapter's rules (``_fast`` off)."""
    for n in deps:
        if not isinstance(n, AccumulateGrad):
            n._release()
            n._fast = False


def _mx_backward(pairs: list, retain_graph: bool) -> bool:
    """MXNet's engine, first order, accumulating ('add') into the leaves' buffers.

    Returns False (nothing written) where MXNet has no graph left for a node that torch can
    still differentiate (no saved tensors); the adapter's rules then do it."""
    try:
        with _Paused():
            _mx.autograd.backward(
                [t._nd for t, _ in pairs],
                [g._nd for _, g in pairs],
                retain_graph,
                _train_mode(),
            )
    except MXNetError:
        return False
    return True


def _plain_leaf(v: Tensor) -> bool:
    """MXNet may accumulate straight into this leaf's buffer: no hooks, and .grad is either
    unset (buffer zero) or the buffer itself."""
    g = v._gradt
    return v._leaf_hooks is None and (g is None or g._is_buf)


def _accumulate(x: Tensor, g: Tensor, create_graph: bool) -> None:
    if x._node is not None:  # a retained non-leaf (retain_grad)
        old = x._gradt
        x._gradt = g if old is None else (old + g if create_graph else _inplace_add(old, g))
        return
    old = x._gradt
    if create_graph:
        # torch keeps the differentiable gradient as .grad (out of place)
        x._gradt = g if old is None else old + g
        return
    if old is None:
        buf = x._grad_buffer()
        with _Paused():
            assign(buf._nd, g._nd)
        return
    _inplace_add(old, g)


def _inplace_add(old: Tensor, g: Tensor) -> Tensor:
    with _Paused():
        old._nd += g._nd
    return old


def _sum_grads(a: Tensor | None, b: Tensor) -> Tensor:
    return b if a is None else a + b


def _run_hooks(hooks: dict, g: Tensor) -> Tensor:
    """torch's tensor hooks, in registration order: a hook returning a tensor replaces ``g``."""
    for hook in list(hooks.values()):
        r = hook(g)
        if r is not None:
            g = r
    return g


def _engine(
    pairs: list,
    retain_graph: bool,
    create_graph: bool,
    deps: dict,
    targets: Sequence[Tensor] | None,
    accumulate: bool,
) -> dict:
    """The adapter's own backward: walk the nodes and run each node's rule.

    With ``create_graph`` the rules run recorded (adapter nodes and MXNet graph both), so the
    gradients are differentiable again. Returns captured gradients for ``targets``.
    """
    deps = dict(deps)
    grads: dict = {}
    for t, g in pairs:
        key = _root(t)
        grads[key] = _sum_grads(grads.get(key), g)
    want: dict = {}
    if targets is not None:
        for i, x in enumerate(targets):
            want.setdefault(_root(x), []).append(i)
    captured: dict = {}
    ready = [n for n, c in deps.items() if c == 0]
    prev = _state.grad_enabled
    prev_engine = _state.engine
    _state.grad_enabled = create_graph
    _state.engine = True
    try:
        with _Scope() if create_graph else _Paused():
            while ready:
                n = ready.pop()
                if isinstance(n, AccumulateGrad):
                    g = grads.pop((n, 0), None)
                    v = n.variable
                    if g is not None and v._leaf_hooks:
                        g = _run_hooks(v._leaf_hooks, g)
                    if (n, 0) in want:
                        for i in want[(n, 0)]:
                            captured[i] = g
                    if g is not None and accumulate:
                        _accumulate(v, g, create_graph)
                    continue
                gs = []
                for idx in range(n.nout):
                    g = grads.pop((n, idx), None)
                    if g is not None and n._hooks and idx in n._hooks:
                        g = _run_hooks(n._hooks[idx], g)
                    if g is not None and n._retain and idx in n._retain:
                        t = n._retain[idx]()
                        if t is not None:  # torch fills it for autograd.grad() too
                            _accumulate(t, g.detach() if not create_graph else g, create_graph)
                    if (n, idx) in want:
                        for i in want[(n, idx)]:
                            captured[i] = g
                    gs.append(g)
                if any(g is not None for g in gs):
                    if n._had_saved and n._saved is None:
                        raise RuntimeError(FREED)
                    in_grads = n._rule(n, gs if len(gs) > 1 else gs[0])
                    if not isinstance(in_grads, tuple):
                        in_grads = (in_grads,)
                    if n._in_dt is not None:
                        in_grads = _cast_grads(in_grads, n._in_dt)
                    for (p, pidx), ig in zip(n._next, in_grads):
                        if p is not None and ig is not None:
                            key = (p, pidx)
                            grads[key] = _sum_grads(grads.get(key), ig)
                if not retain_graph:
                    n._release()
                for p, _ in n._next:
                    if p is not None:
                        deps[p] -= 1
                        if deps[p] == 0:
                            ready.append(p)
    finally:
        _state.grad_enabled = prev
        _state.engine = prev_engine
    return captured


def _cast_grads(grads: tuple, dts: tuple) -> tuple:
    return tuple(
        g.to(d) if g is not None and d is not None and g.dtype is not d else g
        for g, d in zip(grads, dts)
    )


def run_grad(
    pairs: list,
    inputs: Sequence[Tensor],
    retain_graph: bool | None,
    create_graph: bool,
    allow_unused: bool = False,
    checked: tuple | None = None,
) -> tuple:
    if retain_graph is None:
        retain_graph = create_graph
    for x in inputs:
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element of inputs, but got {type(x).__name__}")
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if checked is None:
        deps, _ = _graph(_root(t)[0] for t, _ in pairs)
        fast = _check_alive(deps, False)
    else:
        deps, fast = checked
    for i, x in enumerate(inputs):
        if _root(x)[0] not in deps and not allow_unused:
            raise RuntimeError(
                f"The differentiated Tensor at index {i} appears to not have been used in the "
                "graph. Set allow_unused=True if this is the desired behavior."
            )
    used = [_root(x)[0] in deps for x in inputs]
    out = None
    if (
        fast
        and not create_graph
        and all(used)
        and all(x._node is None and x._leaf_hooks is None for x in inputs)
    ):
        try:
            with _Paused():
                res = _mx.autograd.grad(
                    [t._nd for t, _ in pairs],
                    [x._nd for x in inputs],
                    [g._nd for _, g in pairs],
                    retain_graph,
                    False,
                    _train_mode(),
                )
            out = tuple(_wrap(r.as_np_ndarray()) for r in res)
        except MXNetError:
            out = None  # MXNet's graph was cleared where torch's is not: the adapter does it
    if out is None:
        cap = _engine(pairs, retain_graph, create_graph, deps, targets=inputs, accumulate=False)
        out = tuple(cap.get(i) if used[i] else None for i in range(len(inputs)))
        if not allow_unused and any(o is None for o in out):
            # reached, but no gradient flowed (e.g. only through integer paths): zeros
            out = tuple(o if o is not None else zeros_like(x) for o, x in zip(out, inputs))
    if not retain_graph:
        _free(deps)
    return out


def mx_backward(
    heads: Sequence[Tensor], head_grads: Sequence[Any], retain_graph: bool, train_mode: bool = True
) -> None:
    """MXNet's backward on torch-dialect tensors: implicit ones head gradient for any shape,
    the leaves' ``grad_req`` (write, the default for torch leaves; add; null), and MXNet's
    freeing of every traversed node unless ``retain_graph``."""
    pairs = heads_and_grads(heads, head_grads, mx_style=True)
    deps, leaves = _graph(_root(t)[0] for t, _ in pairs)
    fast = _check_alive(deps, True)
    variables = [lf.variable for lf in leaves if (lf.variable._mx_req or "write") != "null"]
    if not variables:
        raise MXNetError(
            "Check failed: xs.size() > 0 (0 vs. 0) : There are no inputs in computation graph "
            "that require gradients."
        )
    res = run_grad(pairs, variables, retain_graph, False, allow_unused=True, checked=(deps, fast))
    with _Paused():
        for v, g in zip(variables, res):
            if g is None:
                continue
            buf = v._grad_buffer()
            if (v._mx_req or "write") == "add":
                buf._nd += g._nd
            else:
                assign(buf._nd, g._nd)
    if not retain_graph:
        for n in deps:
            if not isinstance(n, AccumulateGrad):
                n._saved = None
                n._had_saved = True  # MXNet clears every node it traversed
                n.a = None


def mx_grad(
    heads: Sequence[Tensor],
    variables: Sequence[Tensor],
    head_grads: Sequence[Any],
    retain_graph: bool | None,
    create_graph: bool,
) -> list:
    """MXNet's ``autograd.grad`` on torch-dialect tensors (a list, an implicit ones head
    gradient for any shape, every variable must be reached)."""
    pairs = heads_and_grads(heads, head_grads, mx_style=True)
    if retain_graph is None:
        retain_graph = create_graph
    return list(run_grad(pairs, variables, retain_graph, create_graph, allow_unused=False))


def mx_mark_variables(
    variables: Sequence[Tensor], gradients: Sequence[Any], reqs: Sequence[str]
) -> None:
    """MXNet's ``mark_variables`` on torch-dialect tensors: each becomes a variable with that
    ``grad_req``, and shows the caller's gradient tensor as its ``.grad``."""
    for v, g, r in zip(variables, gradients, reqs):
        if r not in ("write", "add", "null"):
            raise KeyError(r)
        v.attach_grad(r)
        # MXNet's mark_variables uses the caller's buffer; the adapter keeps its own buffer
        # and shows the caller's tensor as .grad, copying the values in.
        with _Paused():
            g._nd[...] = v._gradt._nd
            _mx.autograd.mark_variables([v._nd], [g._nd], "add")
        g._is_buf = True
        v._gradt = g


def tensor_backward(
    self: Tensor,
    gradient: Tensor | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Any = None,
    *,
    out_grad: Any = None,
    train_mode: bool = True,
) -> None:
    """torch's ``backward`` (accumulates into leaves' ``.grad``); a tensor whose graph was
    recorded inside the MXNet dialect's ``record()`` gets MXNet's backward instead."""
    if out_grad is not None:
        gradient = out_grad
    n = self._node
    if (n is not None and n._mx) or (n is None and self._mx_req is not None):
        mx_backward([self], [gradient], bool(retain_graph), train_mode)
        return
    grads = (gradient,)
    if gradient is not None and not isinstance(gradient, Tensor):
        # torch unpacks a non-tensor gradient as a sequence of gradients, then type-checks
        # each element (so [1.0, ...] is "got float", a bare number "not iterable")
        grads = tuple(gradient)
        for g in grads:
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(
                    "gradients can be either Tensors or None, but got " + type(g).__name__
                )
        if len(grads) != 1:
            raise RuntimeError(f"got 1 tensors and {len(grads)} gradients")
    run_backward((self,), grads, retain_graph, create_graph, inputs=inputs, accumulate=True)
