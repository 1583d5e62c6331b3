"""Real ``mxnet.autograd``, extended to accept the torch dialect's tensors.

Everything is MXNet's own function when given MXNet arrays; ``record``, ``train_mode``,
``predict_mode`` and ``set_recording`` are MXNet's own. Torch-dialect tensors
(:mod:`autograd_compat.torch_on_mxnet`) read MXNet's recording flag: a graph recorded inside
``record()`` gets MXNet's semantics (implicit ones head gradient, ``grad_req`` write/add/null), as
on the torch backend. ``pause()`` is MXNet's scope plus a thread-local note, so that torch-dialect
ops inside it record nothing (MXNet's flag alone cannot tell ``pause()`` from "outside any scope").
``backward``, ``grad`` and ``mark_variables`` accept torch-dialect tensors and then run the
adapter's MXNet-style backward (the public ``mx_*`` functions of
:mod:`autograd_compat.torch_on_mxnet.engine`; the pause note lives in its ``scopes``).
"""

from __future__ import annotations

from typing import Any

from mxnet import autograd as _ag
from mxnet.autograd import (  # noqa: F401
    Function,
    get_symbol,
    is_recording,
    is_training,
    predict_mode,
    record,
    set_recording,
    set_training,
)

from ..torch_on_mxnet.engine import mx_backward, mx_grad, mx_mark_variables
from ..torch_on_mxnet.scopes import mx_dialect


class _PauseScope:
    """MXNet's ``pause()`` scope, also noting (per thread) that the MXNet dialect is paused."""

    def __init__(self, train_mode: bool) -> None:
        self._inner = _ag.pause(train_mode)
        self._prev = False

    def __enter__(self) -> None:
        self._inner.__enter__()
        self._prev = mx_dialect.paused
        mx_dialect.paused = True

    def __exit__(self, *exc: object) -> None:
        mx_dialect.paused = self._prev
        self._inner.__exit__(*exc)


def pause(train_mode: bool = False) -> _PauseScope:  # noqa: D103 - MXNet's docstring below
    return _PauseScope(train_mode)


pause.__doc__ = _ag.pause.__doc__


def _is_dialect_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("autograd_compat.torch_on_mxnet")


def _any_dialect(xs: Any) -> bool:
    if isinstance(xs, (list, tuple)):
        return any(_is_dialect_tensor(x) for x in xs)
    return _is_dialect_tensor(xs)


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def backward(
    heads: Any, head_grads: Any = None, retain_graph: bool = False, train_mode: bool = True
) -> None:
    """MXNet's ``autograd.backward``; heads may be torch-dialect tensors."""
    if not _any_dialect(heads):
        return _ag.backward(heads, head_grads, retain_graph, train_mode)
    hs = _as_list(heads)
    if head_grads is None:
        gs: list = [None] * len(hs)
    else:
        gs = _as_list(head_grads)
        assert len(hs) == len(gs), "heads and head_grads must be lists of the same length"
    mx_backward(hs, gs, retain_graph, train_mode)
    return None


def grad(
    heads: Any,
    variables: Any,
    head_grads: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    train_mode: bool = True,
) -> list:
    """MXNet's ``autograd.grad`` (always a list); heads/variables may be torch-dialect tensors."""
    if not (_any_dialect(heads) or _any_dialect(variables)):
        return _ag.grad(heads, variables, head_grads, retain_graph, create_graph, train_mode)
    hs = _as_list(heads)
    vs = _as_list(variables)
    assert vs, "variables cannot be an empty list."
    gs = [None] * len(hs) if head_grads is None else _as_list(head_grads)
    return mx_grad(hs, vs, gs, retain_graph, create_graph)


def mark_variables(variables: Any, gradients: Any, grad_reqs: Any = "write") -> None:
    """MXNet's ``mark_variables``; torch-dialect tensors use the given gradient tensors."""
    if not _any_dialect(variables):
        return _ag.mark_variables(variables, gradients, grad_reqs)
    vs = _as_list(variables)
    gs = _as_list(gradients)
    reqs = [grad_reqs] * len(vs) if isinstance(grad_reqs, str) else list(grad_reqs)
    mx_mark_variables(vs, gs, reqs)
    return None


train_mode = _ag.train_mode  # MXNet's own (bound last: the parameters above share its name)
