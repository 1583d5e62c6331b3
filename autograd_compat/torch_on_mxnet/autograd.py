"""``torch.autograd`` of the torch dialect on MXNet: ``Variable``, ``grad``, ``backward``,
``Function`` and the grad-mode context managers."""

from __future__ import annotations

from typing import Any

from . import engine
from .creation import zeros, zeros_like
from .errors import FREED, not_supported
from .grad_mode import (  # noqa: F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .graph import _save, node_class
from .recording import _make_node, _needs
from .tensor import Tensor, Variable, _wrap  # noqa: F401 - Variable: torch.autograd.Variable

__all__ = [
    "Function",
    "Variable",
    "backward",
    "enable_grad",
    "grad",
    "inference_mode",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]


def _tuple(x: Any) -> tuple:
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs`` as a tuple; ``.grad`` is untouched.

    ``create_graph=True`` returns gradients that are themselves differentiable (any order).
    """
    if is_grads_batched:
        raise not_supported("autograd.grad(is_grads_batched=True)")
    outs = _tuple(outputs)
    ins = _tuple(inputs)
    gos = _tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    if len(gos) != len(outs):
        raise RuntimeError(
            f"grad requires one grad_output per output: got {len(gos)} grad_outputs and "
            f"{len(outs)} outputs"
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    pairs = engine.heads_and_grads(outs, gos)
    res = engine.run_grad(pairs, ins, retain_graph, create_graph, bool(allow_unused))
    if materialize_grads:
        res = tuple(r if r is not None else zeros_like(x) for r, x in zip(res, ins))
    return res


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Any = None,
) -> None:
    """torch.autograd.backward: accumulate gradients of ``tensors`` into the leaves' ``.grad``."""
    ts = _tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    gs = _tuple(grad_tensors) if grad_tensors is not None else (None,) * len(ts)
    engine.run_backward(ts, gs, retain_graph, create_graph, inputs=inputs)


class FunctionCtx:
    """The ``ctx`` of a custom :class:`Function`."""

    def __init__(self) -> None:
        self.to_save: tuple = ()
        self.needs_input_grad: tuple = ()
        self._freed = False
        self.materialize_grads = True

    def save_for_backward(self, *tensors: Any) -> None:
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(FREED)
        return self.to_save

    def mark_non_differentiable(self, *args: Any) -> None:
        pass

    def mark_dirty(self, *args: Any) -> None:
        pass

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


class _FunctionMeta(type):
    def __init__(cls, name: str, bases: tuple, ns: dict) -> None:
        super().__init__(name, bases, ns)
        cls._backward_cls = node_class(name + "Backward", _function_rule)


def _function_rule(n: Any, g: Any) -> tuple:
    ctx = n.a
    gs = g if isinstance(g, list) else [g]
    if ctx.materialize_grads:  # torch passes zeros for outputs that received no gradient
        gs = [
            zeros(shape, dtype=dt) if gi is None and shape is not None else gi
            for gi, (shape, dt) in zip(gs, ctx._outputs)
        ]
    res = type(n)._fn_cls.backward(ctx, *gs)
    if not isinstance(res, tuple):
        res = (res,)
    expected = len(ctx.needs_input_grad)
    # torch: one gradient per forward input; extra trailing Nones are dropped, anything else
    # is an error (never silently ignore a gradient)
    if len(res) > expected and all(r is None for r in res[expected:]):
        res = res[:expected]
    if len(res) != expected:
        raise RuntimeError(
            f"function {type(n).__name__} returned an incorrect number of gradients "
            f"(expected {expected}, got {len(res)})"
        )
    return res


class Function(metaclass=_FunctionMeta):
    """torch's custom autograd function: static ``forward(ctx, ...)``/``backward(ctx, ...)``,
    called through ``.apply``. Gradients go through the adapter (MXNet cannot see inside)."""

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    def __call__(self, *args: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use "
            "new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = FunctionCtx()
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        if not _needs(*args):
            return out
        outs = out if isinstance(out, tuple) else (out,)
        ctx._outputs = [
            (tuple(o.shape), o.dtype) if isinstance(o, Tensor) else (None, None) for o in outs
        ]
        bcls = cls._backward_cls
        bcls._fn_cls = cls
        node = _make_node(bcls, args, fast=False)
        node.a = ctx
        node.nout = len(outs)
        if ctx.to_save:
            _save(node, ctx.to_save)
        wrapped = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                if any(o is a for a in args):
                    o = _wrap(o._nd)  # torch returns a view for an input returned as is
                o._node = node
                o._idx = i
                object.__setattr__(o, "requires_grad", True)
            wrapped.append(o)
        return tuple(wrapped) if isinstance(out, tuple) else wrapped[0]
