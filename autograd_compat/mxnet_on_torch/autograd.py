"""``mxnet.autograd`` (1.9.1) on PyTorch: every MXNet gradient rule lives in this module.

How a graph gets MXNet semantics without touching every op
----------------------------------------------------------
``recording`` tells which graphs are MXNet's (those that reach an MXNet variable) and which of
their nodes were recorded (by per-thread ranges of torch's node sequence numbers noted by the
``record()`` scopes). A node of an MXNet graph computed outside ``record()`` is a constant to
MXNet, so backward cuts it (a pre-hook sends zeros through it for that one backward). The ops
themselves run at native speed; the cost is two counter reads and a look at the body frame per
scope (``scopes``, ``suspension``) and a walk of the graph per backward.

Gradients are always computed by torch's autograd engine and then written (``'write'``), added
(``'add'``) or skipped (``'null'``) into each variable's buffer, so the buffer objects that MXNet
code holds (``g = x.grad``) see the new values, as in MXNet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from .base import (
    NO_INPUTS,
    NOT_IN_GRAPH,
    VALID_GRAD_REQS,
    MXNetError,
    bad_grad_req,
    not_required,
    unreachable,
)
from .constant_grads import begin_step, end_step, stays_connected
from .node_provenance import thread_of
from .recording import (
    OTHER_THREAD,
    _close_range,
    _get_sequence_nr,  # noqa: F401 - read by tests/test_reliability_faults.py
    _open_range,
    check_cuts,
    is_mxnet_graph,
    made_here,
    node_recorded_elsewhere,
    recorded,
    walk,
)
from .recording import state as _state
from .scopes import (  # noqa: F401 - mxnet.autograd's names; _check_flag is used by int_variables
    _check_flag,
    _RecordingStateScope,
    is_recording,
    is_training,
    pause,
    predict_mode,
    record,
    set_recording,
    set_training,
    train_mode,
)

__all__ = [
    "Function",
    "backward",
    "get_symbol",
    "grad",
    "is_recording",
    "is_training",
    "mark_variables",
    "pause",
    "predict_mode",
    "record",
    "set_recording",
    "set_training",
    "train_mode",
]

_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled
# The torch dtype of any tensor: an np ndarray's `dtype` attribute is numpy's, as in MXNet.
_dtype = torch._C.TensorBase.dtype.__get__
# torch.autograd.grad is a Python wrapper (argument normalisation, overrides checks) around this
# engine call; we validate our own arguments, so calling the engine directly saves ~20 us per
# backward, about a quarter of a tiny training step.
_run_backward = torch.autograd.Variable._execution_engine.run_backward

_recorded = recorded  # the name other modules of the dialect use


def is_recorded_head(t: torch.Tensor) -> bool:
    """True when ``t`` was computed inside ``record()`` (in this thread)."""
    fn = t.grad_fn
    if fn is None:
        return False
    seq = fn._sequence_nr()
    return recorded(_state, seq) and made_here(_state, fn, seq)


# ---------------------------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------------------------


@torch.utils.hooks.unserializable_hook  # re-registered when a copy is made a variable again
def _guard_hook(grad: torch.Tensor) -> None:
    # Runs when a gradient reaches an MXNet variable. Inside our own backward that is expected;
    # anywhere else the head was computed outside record(), which MXNet refuses.
    if not _state.in_backward:
        raise MXNetError(
            NOT_IN_GRAPH + " Hint: a head computed outside autograd.record() reached a variable "
            "made by attach_grad()/mark_variables()."
        )


def _req(t: torch.Tensor) -> str | None:
    """The MXNet ``grad_req`` of a variable, or None for any other tensor."""
    return getattr(t, "_mx_grad_req", None)


def check_grad_req(grad_req: object) -> str:
    if not isinstance(grad_req, str) or grad_req not in VALID_GRAD_REQS:
        raise bad_grad_req(grad_req)
    return grad_req


def _same_class(cls: type) -> type:
    return cls


# The class a tensor takes when it becomes a variable. tensor_methods, a floor above (it defines
# the classes with MXNet's in-place guards), registers its chooser when it is imported, which
# the package's __init__ does before any array exists; a registry keeps the import one-way.
_variable_class: Callable[[type], type] = _same_class


def register_variable_class(chooser: Callable[[type], type]) -> None:
    """Set the function that gives the class of a new variable from its tensor's class."""
    global _variable_class
    _variable_class = chooser


_int_variable = _int_backward = _int_grad = None  # int_variables (a floor above) sets these


def register_int_variables(make: Any = None, backward: Any = None, grad: Any = None) -> None:
    """Set the maker of integer variables and, once one exists, the backward/grad of them."""
    global _int_variable, _int_backward, _int_grad
    _int_variable, _int_backward = make or _int_variable, backward or _int_backward
    _int_grad = grad or _int_grad


def make_variable(x: torch.Tensor, buffer: torch.Tensor | None, grad_req: str) -> None:
    """Turn ``x`` into an MXNet variable with gradient buffer ``buffer`` (zeros when None)."""
    if not (x.is_floating_point() or x.is_complex()):
        if _int_variable is not None:
            return _int_variable(x, buffer, grad_req)
        raise MXNetError(f"cannot attach a gradient to an array of dtype {x.dtype}")
    if x.grad_fn is not None:
        # MXNet's attach_grad on a recorded result makes it a new leaf, cutting its history.
        try:
            x.detach_()
        except RuntimeError as exc:
            raise MXNetError(
                "cannot attach a gradient to this view of a recorded array in place. Hint: "
                "attach to a copy: y = x.copy(); y.attach_grad()."
            ) from exc
    x.requires_grad_(True)
    if buffer is None:
        buffer = torch.zeros_like(x)
    try:
        x.grad = buffer
    except (RuntimeError, TypeError):
        raise MXNetError(
            f"gradient buffer of shape {tuple(buffer.shape)} and dtype {buffer.dtype} does not "
            f"match the variable's shape {tuple(x.shape)} and dtype {x.dtype}"
        ) from None
    if x.__dict__.get("_mx_hook") is None:
        x._mx_hook = x.register_hook(_guard_hook)
    x._mx_grad_req = grad_req
    # MXNet's in-place rule lives on the variable's class (see tensor_methods.MXVariable).
    cls = _variable_class(type(x))
    if cls is not type(x):
        x.__class__ = cls


def mark_variables(
    variables: torch.Tensor | Sequence[torch.Tensor],
    gradients: torch.Tensor | Sequence[torch.Tensor],
    grad_reqs: str | Sequence[str] = "write",
) -> None:
    """Make arrays variables whose gradients go into the given buffers (``x.grad`` aliases them)."""
    if isinstance(variables, torch.Tensor):
        # Same check and (empty) message as MXNet 1.9.1.
        assert isinstance(gradients, torch.Tensor), ""
        variables, gradients = [variables], [gradients]
    variables, gradients = list(variables), list(gradients)
    if len(variables) != len(gradients):
        raise ValueError(
            f"mark_variables: {len(variables)} variables but {len(gradients)} gradient buffers"
        )
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    grad_reqs = [check_grad_req(r) for r in grad_reqs]
    if len(grad_reqs) != len(variables):
        raise ValueError(
            f"mark_variables: {len(variables)} variables but {len(grad_reqs)} grad_reqs"
        )
    for v, g, r in zip(variables, gradients, grad_reqs):
        make_variable(v, g, r)


# ---------------------------------------------------------------------------------------------
# Backward and grad
# ---------------------------------------------------------------------------------------------


def _zeros_prehook(grad_outputs: tuple[torch.Tensor | None, ...]) -> tuple:
    return tuple(None if g is None else torch.zeros_like(g) for g in grad_outputs)


def _as_list(x: Any, what: str) -> list:
    if isinstance(x, torch.Tensor):
        return [x]
    if isinstance(x, list | tuple):
        return list(x)
    raise TypeError(f"{what} must be an array or a list of arrays, got {type(x).__name__}")


def _head_grads(heads: list[torch.Tensor], head_grads: Any) -> list[torch.Tensor | None]:
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, torch.Tensor):
        head_grads = [head_grads]
    else:
        head_grads = list(head_grads)
    assert len(heads) == len(head_grads), "heads and head_grads must be lists of the same length"
    out: list[torch.Tensor | None] = []
    for h, g in zip(heads, head_grads):
        if g is None:
            # MXNet's implicit head gradient is ones, for non-scalar heads too.
            out.append(torch.ones_like(h))
            continue
        if not isinstance(g, torch.Tensor):
            # What MXNet raises for a numpy head gradient, with a clearer message.
            raise AttributeError(
                f"head gradient must be an array like the head, got {type(g).__name__}. "
                "Hint: wrap it with nd.array(...)."
            )
        # Real MXNet does not check these and computes from garbage memory; we refuse.
        if g.shape != h.shape:
            raise MXNetError(
                f"head gradient of shape {tuple(g.shape)} does not match its head's shape "
                f"{tuple(h.shape)}"
            )
        if _dtype(g) != _dtype(h):
            raise MXNetError(
                f"head gradient of dtype {g.dtype} does not match its head's dtype {h.dtype}"
            )
        # A head gradient is a constant to MXNet: a variable given here gets no gradient.
        out.append(g.detach() if g.requires_grad else g)
    return out


def _prepare(heads: list[torch.Tensor]) -> tuple[list, list, list, list]:
    """Check that every head is recorded (in this thread).

    Returns the heads with a graph, the heads that are variables, the walk roots, and the
    variables that constant derivatives (``_mx_const``) among the heads stay connected to.
    """
    st = _state
    graph_heads, leaf_heads, roots, const_vars = [], [], [], []
    for h in heads:
        if not isinstance(h, torch.Tensor):
            raise TypeError(f"heads must be arrays, got {type(h).__name__}")
        fn = h.grad_fn
        if fn is None:
            if _req(h) is not None:
                # backward() on a variable itself gives it the head gradient (ones by default).
                leaf_heads.append(h)
                continue
            const = h.__dict__.get("_mx_const")
            if const is not None:
                const_vars.extend(const)
                continue
            raise MXNetError(NOT_IN_GRAPH)
        if h.__dict__.get("_mx_freed"):
            raise MXNetError(NOT_IN_GRAPH)
        seq = fn._sequence_nr()
        if not (recorded(st, seq) and made_here(st, fn, seq)):
            raise MXNetError(OTHER_THREAD if node_recorded_elsewhere(fn, seq) else NOT_IN_GRAPH)
        graph_heads.append(h)
        roots.append(fn)
    return graph_heads, leaf_heads, roots, const_vars


def _walk(roots: list) -> tuple[list[torch.Tensor], list]:
    leaves, cuts = walk(_state, roots)
    if cuts:
        check_cuts(cuts)
    return leaves, cuts


def _materialize(g: torch.Tensor) -> torch.Tensor:
    # torch returns a gradient known to be zero as a ZeroTensor, which numpy() and in-place
    # writes refuse; MXNet gives an ordinary array of zeros.
    if not g._is_zerotensor():
        return g
    zeros = torch.zeros(g.shape, dtype=g.dtype, device=g.device)
    return zeros + g if g.requires_grad else zeros  # + g keeps it differentiable (create_graph)


def _order_outputs(heads, hgrads, n_graph_heads):
    """The heads the engine runs on (graph heads first, then variables) and their gradients."""
    if n_graph_heads == len(heads):
        return heads, hgrads
    graph = [(h, g) for h, g in zip(heads, hgrads) if h.grad_fn is not None]
    leaf = [(h, g) for h, g in zip(heads, hgrads) if h.grad_fn is None and _req(h) is not None]
    return [h for h, _ in graph + leaf], [g for _, g in graph + leaf]


_TORCH_ERRORS = (
    ("Trying to backward through the graph a second time", NOT_IN_GRAPH),
    (
        "modified by an inplace operation",
        "an array saved by the recorded graph was changed in place before backward (real MXNet "
        "would silently use the new values). Hint: update parameters after backward, or record "
        "again after the update.",
    ),
)


def _run_grad(
    outputs: list[torch.Tensor],
    inputs: list[torch.Tensor],
    grad_outputs: list,
    retain_graph: bool,
    create_graph: bool,
    cuts: list,
    train_mode: bool,
) -> tuple:
    st = _state
    d = st.__dict__  # the thread's fields: one thread-local lookup for all of them
    handles = [c.register_prehook(_zeros_prehook) for c in cuts] if cuts else ()
    prev_rec, prev_train = d["recording"], d["training"]
    # Inside backward MXNet is not recording and is in the requested training mode. With
    # create_graph the new nodes must count as recorded: they fall in the open range, or in one
    # opened for this call.
    opened = create_graph and d["open_start"] < 0
    if opened:
        _open_range(st)
    d["recording"] = False
    d["training"] = train_mode
    d["in_backward"] += 1
    try:
        return _run_backward(
            tuple(outputs),
            tuple(grad_outputs),
            retain_graph,
            create_graph,
            tuple(inputs),
            True,  # allow_unreachable: an unreached input gets None
            False,  # accumulate_grad: return the gradients, leave .grad alone
        )
    except RuntimeError as exc:
        msg = str(exc)
        for needle, ours in _TORCH_ERRORS:
            if needle in msg:
                raise MXNetError(ours) from None
        raise
    finally:
        d["in_backward"] -= 1
        d["recording"], d["training"] = prev_rec, prev_train
        if opened:
            _close_range(st)
        for handle in handles:
            handle.remove()


_TB, _use_count, _ADOPT_MIN_BYTES = torch._C.TensorBase, torch._C._storage_Use_Count, 1 << 15
_grad_get, _shape_get, _nbytes = _TB.grad.__get__, _TB.shape.__get__, _TB.nbytes.__get__
_grad_fn_get = _TB.grad_fn.__get__
_foreach_copy = torch._foreach_copy_


def _adopt(buf: torch.Tensor, g: torch.Tensor) -> bool:
    """Give the buffer ``buf`` the memory of the fresh gradient ``g`` instead of copying it, when
    nothing else can see either memory (as torch's AccumulateGrad steals a gradient nobody else
    holds). ``buf`` stays the same array object, so code holding it (``g = x.grad``, the
    Trainer's lists) reads the new values; a view or numpy alias of the buffer, or a gradient
    that anything else holds (another variable, a hook), keeps the copy."""
    if _TB.nbytes.__get__(g) < _ADOPT_MIN_BYTES:
        return False  # a small copy costs less than the checks below
    if not (_TB.is_contiguous(g) and _TB.is_contiguous(buf)) or buf.requires_grad:
        return False
    if _TB.storage_offset(g) or _TB.storage_offset(buf) or _TB._is_view(buf):
        return False
    if _TB._use_count(g) != 1 or g._is_zerotensor():  # 1: the object the engine handed back
        return False
    holders = 2  # g's tensor and the storage object made below
    if _TB._is_view(g):
        # torch's gradients of a transposed weight are views (of the product's result): that
        # base must be held by g alone (g's view link plus the object `_base` makes).
        if _TB._use_count(g._base) != 2:
            return False
        holders = 3
    gs, bs = _TB.untyped_storage(g), _TB.untyped_storage(buf)
    if gs.nbytes() != bs.nbytes() or gs.device != bs.device:
        return False
    if _use_count(gs._cdata) != holders or _use_count(bs._cdata) != 2:
        return False
    _TB.set_(buf, g)  # neither requires grad: nothing for autograd to record
    return True


def _backward(
    heads: list[torch.Tensor],
    head_grads: Any = None,
    retain_graph: bool = False,
    train_mode: bool = True,
    walked: tuple[list, list] | None = None,
) -> None:
    if _int_backward is not None and _int_backward(heads, head_grads, retain_graph, train_mode):
        return
    if retain_graph is not False:
        retain_graph = _check_flag(retain_graph, "retain_graph")
    if train_mode is not True:
        train_mode = _check_flag(train_mode, "train_mode")
    h = heads[0] if len(heads) == 1 else None
    if (
        walked is None
        and isinstance(h, torch.Tensor)
        and (
            head_grads is None
            or type(head_grads) is list
            and len(head_grads) == 1
            and head_grads[0] is None
        )
        and _grad_fn_get(h) is not None
        and not h.__dict__.get("_mx_freed")
    ):
        # The common case, `loss.backward()`: one recorded head, ones as its gradient. The same
        # steps as the general path below, without its per-head lists and calls.
        st = _state
        fn = _grad_fn_get(h)
        seq = fn._sequence_nr()
        if not recorded(st, seq) or (tid := thread_of(fn, seq)) is not None and tid != st.tid:
            raise MXNetError(OTHER_THREAD if node_recorded_elsewhere(fn, seq) else NOT_IN_GRAPH)
        hgrads = [torch.ones_like(h)]
        graph_heads, leaf_heads, const_vars = heads, (), ()
        leaves, cuts = walk(st, [fn], roots_checked=True)
        if cuts:
            check_cuts(cuts)
    else:
        hgrads = _head_grads(heads, head_grads)
        graph_heads, leaf_heads, roots, const_vars = _prepare(heads)
        leaves, cuts = _walk(roots) if walked is None else walked
    variables: list[torch.Tensor] = []
    nulls: list[torch.Tensor] = []
    seen_ids = set()
    for v in [*leaf_heads, *leaves, *const_vars] if (leaf_heads or const_vars) else leaves:
        if id(v) in seen_ids:
            continue
        seen_ids.add(id(v))
        if getattr(v, "_mx_grad_req", None) == "null":
            nulls.append(v)
        elif v.requires_grad:
            variables.append(v)
    if not variables:
        raise MXNetError(NO_INPUTS)
    if len(graph_heads) == len(heads):
        outputs, grad_outputs = heads, hgrads
    else:
        outputs, grad_outputs = _order_outputs(heads, hgrads, len(graph_heads))
    if outputs:
        grads = _run_grad(
            outputs, variables, grad_outputs, bool(retain_graph), False, cuts, bool(train_mode)
        )
    else:
        grads = (None,) * len(variables)
    const_ids = {id(v) for v in const_vars} if const_vars else ()
    dsts, srcs = [], []  # the buffers to overwrite: one torch call for all of them
    for v, g in zip(variables, grads):
        if g is None:
            if id(v) not in const_ids:
                continue
            # Reached only through a constant derivative: MXNet's gradient there is zeros.
            g = torch.zeros_like(v)
        buf = _grad_get(v)  # torch's getter: the array classes' .grad properties add nothing here
        if buf is None or _shape_get(buf) != _shape_get(g) or _dtype(buf) != _dtype(g):
            v.grad = _materialize(g)  # a variable whose buffer was dropped starts from zeros
        elif getattr(v, "_mx_grad_req", None) == "add":
            _TB.add_(buf, g)
        elif _nbytes(g) < _ADOPT_MIN_BYTES or not _adopt(buf, g):
            dsts.append(buf)  # in place: MXNet code may hold the buffer (g = x.grad)
            srcs.append(g)
    if dsts:
        _foreach_copy(dsts, srcs)
    if not retain_graph:
        for h in graph_heads:
            h._mx_freed = True
        for v in nulls:
            # MXNet drops the buffer of a 'null' variable once a backward frees the graph.
            v.grad = None


def backward_if_mxnet(
    head: torch.Tensor, head_grad: Any, retain_graph: bool, train_mode: bool
) -> bool:
    """``Tensor.backward`` of a head recorded in this thread: MXNet's backward when the graph is
    MXNet's (see ``recording.is_mxnet_graph``; then True); False leaves it to torch."""
    fn = head.grad_fn
    leaves, cuts = walk(_state, [fn])
    if not is_mxnet_graph(_state, fn._sequence_nr(), leaves, cuts):
        return False
    if cuts:
        check_cuts(cuts)
    _backward([head], [head_grad], retain_graph, train_mode, (leaves, cuts))
    return True


def backward(
    heads: torch.Tensor | Sequence[torch.Tensor],
    head_grads: torch.Tensor | Sequence[torch.Tensor | None] | None = None,
    retain_graph: bool = False,
    train_mode: bool = True,
) -> None:
    """Compute the gradients of ``heads`` and write/add them into the variables' ``.grad``.

    Non-scalar heads use an implicit head gradient of ones; ``None`` entries of ``head_grads``
    also mean ones. Without ``retain_graph=True`` the graph can be used once.
    """
    _backward(_as_list(heads, "heads"), head_grads, retain_graph, train_mode)


def grad(
    heads: torch.Tensor | Sequence[torch.Tensor],
    variables: torch.Tensor | Sequence[torch.Tensor],
    head_grads: torch.Tensor | Sequence[torch.Tensor | None] | None = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    train_mode: bool = True,
) -> list[torch.Tensor]:
    """Return the gradients of ``heads`` with respect to ``variables`` as a new list.

    ``.grad`` is not touched. With ``create_graph=True`` the results are differentiable again, to
    any order (real MXNet 1.9.1 refuses a second derivative of ``x*x``, ``dot``, ``sum``, ...).
    Always returns a list, even for a single variable, as MXNet 1.9.1 does.
    """
    heads = _as_list(heads, "heads")
    variables = _as_list(variables, "variables")
    assert len(variables) > 0, "variables cannot be an empty list."
    if _int_grad is not None and (r := _int_grad(heads, variables, head_grads, retain_graph)):
        return r  # integer variables (int_variables)
    for i, v in enumerate(variables):
        if not isinstance(v, torch.Tensor):
            raise TypeError(f"variables must be arrays, got {type(v).__name__}")
        if not v.requires_grad or _req(v) == "null":
            raise MXNetError(not_required(i))
    create_graph = _check_flag(create_graph, "create_graph")
    if retain_graph is None:
        retain_graph = create_graph
    retain_graph = _check_flag(retain_graph, "retain_graph")
    train_mode = _check_flag(train_mode, "train_mode")
    hgrads = _head_grads(heads, head_grads)
    graph_heads, leaf_heads, roots, const_vars = _prepare(heads)
    leaves, cuts = _walk(roots)
    reached_vars = leaves + leaf_heads + const_vars
    reached = {id(v) for v in reached_vars}
    for i, v in enumerate(variables):
        if id(v) not in reached:
            raise MXNetError(unreachable(i))
    outputs, grad_outputs = _order_outputs(heads, hgrads, len(graph_heads))
    step = begin_step(_state, roots) if create_graph else None  # what MXNet would do here
    if outputs:
        grads = _run_grad(
            outputs,
            variables,
            grad_outputs,
            bool(retain_graph),
            bool(create_graph),
            cuts,
            bool(train_mode),
        )
    else:
        grads = (None,) * len(variables)
    results = [
        _like_variable(_materialize(g) if g is not None else torch.zeros_like(v), v)
        for g, v in zip(grads, variables)
    ]
    if create_graph:
        # A variable as its own head (y = x) does not connect: MXNet refuses its next derivative.
        _mark_constant_derivatives(results, roots, bool(const_vars), reached_vars, step)
    if not retain_graph:
        for h in graph_heads:
            h._mx_freed = True
        for v in leaves:
            if _req(v) == "null":
                v.grad = None  # as backward does: MXNet drops a 'null' buffer with the graph
    return results


def _like_variable(g: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    # MXNet 1.9.1 returns each gradient as a legacy NDArray on its variable's context, also for
    # np variables (measured); a plain tensor variable (torch code) gets a plain tensor.
    if type(g) is torch.Tensor and getattr(type(v), "_mx_array_kind", None):
        g.__class__ = _grad_array_class
        ctx = v.__dict__.get("_mx_ctx")
        if ctx is not None:
            g._mx_ctx = ctx
    return g


# The legacy array class (nd_ndarray, a floor above, registers it at import).
_grad_array_class: type = torch.Tensor


def register_grad_array_class(cls: type) -> None:
    """Set the class of the gradients ``grad`` returns for MXNet arrays (``NDArray``)."""
    global _grad_array_class
    _grad_array_class = cls


def _mark_constant_derivatives(
    results: list[torch.Tensor],
    roots: list,
    connected: bool,
    reached: list[torch.Tensor],
    step: Any = None,
) -> None:
    # A derivative torch finds constant has no graph. MXNet's next derivative of it is zeros when
    # its own gradient graph stays connected to the variables, else MXNet refuses (see
    # constant_grads.stays_connected); the mark lets backward()/grad() give the same answer.
    end_step(step)
    mark = None
    for r in results:
        if r.grad_fn is None and not r.requires_grad:
            if mark is None:
                connected = connected or stays_connected(_state, roots, step)
                mark = tuple(v for v in reached if v.requires_grad) if connected else ()
            r._mx_const = mark


def get_symbol(x: torch.Tensor) -> Any:
    """Not available on the torch backend: MXNet symbols have no torch counterpart."""
    raise NotImplementedError(
        "autograd.get_symbol is not supported on the torch backend: MXNet symbols have no torch "
        "counterpart. Hint: inspect the recorded graph through x.grad_fn and its next_functions."
    )


# ---------------------------------------------------------------------------------------------
# Function
# ---------------------------------------------------------------------------------------------


class _Bridge(torch.autograd.Function):
    """Runs an MXNet-style ``Function`` instance inside torch's graph."""

    @staticmethod
    def forward(ctx: Any, fn: Function, *inputs: torch.Tensor) -> Any:
        ctx.fn = fn
        st = _state
        prev = st.recording
        st.recording = False  # MXNet runs forward with recording off, training unchanged
        try:
            out = fn.forward(*inputs)
        finally:
            st.recording = prev
        fn._single = isinstance(out, torch.Tensor)
        fn._out_type = type(out)
        return out if fn._single else tuple(out)

    @staticmethod
    def backward(ctx: Any, *grads: torch.Tensor) -> Any:
        fn: Function = ctx.fn
        st = _state
        prev_rec = st.recording
        # Not recording; the training flag is the one backward(train_mode=...) set, as in MXNet.
        st.recording = False
        try:
            with torch.no_grad():
                res = fn.backward(*grads)
        finally:
            st.recording = prev_rec
        if isinstance(res, torch.Tensor):
            res = (res,)
        res = tuple(res)
        if len(res) != fn._n_inputs:
            # Real MXNet crashes inside its own assertion message here.
            raise MXNetError(
                f"{type(fn).__name__}.backward returned {len(res)} gradients, but forward took "
                f"{fn._n_inputs} inputs: return one gradient per input"
            )
        return (None, *res)


_bridges: dict[type, type] = {}


def _bridge_for(cls: type) -> type:
    # One torch Function subclass per user class, so grad_fn prints as `<NameBackward>`.
    bridge = _bridges.get(cls)
    if bridge is None:
        bridge = type(cls.__name__, (_Bridge,), {})
        _bridges[cls] = bridge
    return bridge


class Function:
    """Customised differentiation, MXNet style: subclass and define ``forward``/``backward``.

    ``forward(self, *inputs)`` runs with recording off; ``backward(self, *output_grads)`` returns
    one gradient per input. Use ``self.save_for_backward(...)`` and ``self.saved_tensors``. Each
    instance can be called once.
    """

    def __init__(self) -> None:
        self._used = False
        self.saved_tensors: tuple = ()

    def save_for_backward(self, *args: Any) -> None:
        self.saved_tensors = args

    def forward(self, *inputs: torch.Tensor) -> Any:
        raise NotImplementedError

    def backward(self, *output_grads: torch.Tensor) -> Any:
        raise NotImplementedError

    def __call__(self, *inputs: torch.Tensor) -> Any:
        assert not self._used, (
            "Each Function instance can only be called once. Please create another instance."
        )
        self._used = True
        self._n_inputs = len(inputs)
        if not _state.recording:
            # Outside record() a Function just computes its outputs; nothing is recorded.
            with torch.no_grad():
                return self.forward(*inputs)
        out = _bridge_for(type(self)).apply(self, *inputs)
        return out if self._single else self._out_type(out)
