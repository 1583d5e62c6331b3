"""Graph nodes of the torch dialect on MXNet: ``grad_fn`` objects and what they keep.

A :class:`Node` is one recorded op: its edges to the inputs' nodes (``_next``), the tensors its
derivative rule needs (``_saved``, with their version counters, torch's check that they were not
modified in place), and torch's name (``MulBackward0`` ...) as its class name. The rule itself is
installed on the class by :mod:`.derivatives` (one table, filled at package import), so ops and
their rules need not import each other. :class:`AccumulateGrad` is the node of a leaf.

Tensors are duck-typed here (``_node``, ``_idx``, ``_version``, ``dtype``, ``shape``): this module
sits below :mod:`.tensor`.
"""

from __future__ import annotations

import ctypes
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mxnet.base import _LIB

from .errors import FREED, not_supported
from .scopes import _byref, _state

if TYPE_CHECKING:
    from .tensor import Tensor


def _no_rule(n: Node, g: Any) -> Any:
    raise NotImplementedError(
        f"{type(n).__name__} has no derivative rule: the torch dialect on mxnet installs them "
        "from torch_on_mxnet.derivatives at import (import the package, not this module alone)"
    )


class Node:
    """A backward node (``grad_fn``); subclasses carry torch's names (``MulBackward0`` ...)."""

    __slots__ = (
        "_next",
        "_saved",
        "_had_saved",
        "_mx",
        "_fast",
        "_hooks",
        "_retain",
        "a",
        "nout",
        "_vers",
        "_in_dt",
        "__weakref__",
    )
    _rule: Callable = staticmethod(_no_rule)

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    @property
    def next_functions(self) -> tuple:
        return tuple((fn, i) for fn, i in self._next)

    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None and self._had_saved:
            raise RuntimeError(FREED)
        return self._saved or ()

    def register_hook(self, fn: Callable) -> Any:
        raise not_supported("autograd.graph.Node.register_hook")

    def _release(self) -> None:
        if self._saved:
            self._saved = None
        self.a = None if self._had_saved else self.a


class AccumulateGrad:
    """The node that accumulates into a leaf's ``.grad`` (``next_functions`` of its users)."""

    __slots__ = ("variable", "__weakref__")
    next_functions: tuple = ()

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"


def node_class(name: str, rule: Callable | None = None) -> type:
    """A new node class named ``name`` (torch's name); ``rule`` (node, grad) -> grads per input,
    or None when :mod:`.derivatives` installs it."""
    ns: dict = {"__slots__": ()}
    if rule is not None:
        ns["_rule"] = staticmethod(rule)
    cls = type(name, (Node,), ns)
    cls.__module__ = "torch.autograd"
    return cls


_renamed: dict = {}


def as_named(t: Tensor, name: str) -> Tensor:
    """Give ``t``'s node torch's name for the node a fused backward formula creates in
    double-backward graphs (``TanhBackwardBackward0`` ...); the rule stays the composed one."""
    n = t._node
    if n is not None and type(n).__name__ != name:
        key = (type(n), name)
        cls = _renamed.get(key)
        if cls is None:
            cls = _renamed[key] = type(name, (type(n),), {"__slots__": ()})
            cls.__module__ = "torch.autograd"
        n.__class__ = cls
    return t


def _versions(saved: tuple) -> tuple | None:
    vs = tuple(0 if t is None else t._version for t in saved)
    return vs if any(vs) else None


def _save(node: Node, saved: tuple) -> None:
    """Keep ``saved`` for the node's rule, with their version counters (torch's check that
    they are not modified in place before the backward)."""
    node._saved = saved
    node._had_saved = True
    node._vers = _versions(saved)


_TYPE_NAMES = {
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "float16": "HalfTensor",
    "int64": "LongTensor",
    "int32": "IntTensor",
    "int16": "ShortTensor",
    "int8": "CharTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}


def _check_versions(node: Node) -> None:
    saved = node._saved
    if not saved:
        return
    expected = node._vers
    for i, t in enumerate(saved):
        if t is None:
            continue
        want = expected[i] if expected else 0
        if t._version != want:
            of = f", which is output {t._idx} of {t._node.name()}," if t._node is not None else ""
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [torch.{_TYPE_NAMES[t.dtype.name]} {list(t.shape)}]{of} "
                f"is at version {t._version}; expected version {want} instead. Hint: enable "
                "anomaly detection to find the operation that failed to compute its gradient, "
                "with torch.autograd.set_detect_anomaly(True)."
            )


class RemovableHandle:
    """What ``register_hook`` returns; ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, store: dict) -> None:
        self._store = weakref.ref(store) if not isinstance(store, OrderedDict) else store
        RemovableHandle._next_id += 1
        self.id = RemovableHandle._next_id

    def remove(self) -> None:
        store = self._store
        if store is not None:
            store.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


_is_recording_c = _LIB.MXAutogradIsRecording


def _mx_recording() -> bool:
    """Whether the caller is inside MXNet's ``record()`` (MXNet's own thread flag; the adapter
    switches it only inside its own calls, and its engine runs with ``_state.engine`` set)."""
    if _state.engine:
        return False
    p = ctypes.c_bool()
    _is_recording_c(_byref(p))
    return p.value
