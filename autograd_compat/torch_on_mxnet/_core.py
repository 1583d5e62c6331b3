"""Core of the torch dialect on MXNet: ``Tensor``, graph nodes, the backward engines, the ops.

Design (see ``docs/torch_on_mxnet.md``):

* A :class:`Tensor` wraps one ``mxnet.numpy.ndarray`` (``_nd``). ``mxnet.numpy`` is used for its
  NumPy semantics (broadcasting, zero-dimensional results), with MXNet's NumPy-shape flag switched
  on only around the adapter's own calls (it is thread state that legacy MXNet code also sees).
* Every differentiable op runs MXNet with recording switched on for that call only, so MXNet holds
  a first-order graph, and also creates an adapter node (``grad_fn``) with torch's name, the
  tensors its vector-Jacobian rule needs, and that rule written in adapter ops.
* ``backward``/``grad`` without ``create_graph`` go through MXNet's engine (the fast path) when
  every node reached has an MXNet graph behind it and nothing (hooks, ``retain_grad``, custom
  ``Function``) needs to see intermediate gradients; otherwise, and always for
  ``create_graph=True``, the adapter walks its own nodes and runs the rules, recorded again, so
  the result is differentiable to any order.
* Leaves that require grad are MXNet variables with ``grad_req='add'`` (torch accumulates).
"""

from __future__ import annotations

import builtins
import ctypes
import math
import sys
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import mxnet as _mx
import numpy as _onp
from mxnet.base import _LIB, MXNetError

from ..mxnet_on_mxnet import autograd as _mxd  # the MXNet dialect's record() state
from . import _checks, _raw, views
from .dtypes import (  # noqa: F401 - torch.float32 ... re-exported; the rest used below
    _BY_NP,
    _DTYPES,
    _as_dtype,
    _builtin_float,
    _builtin_int,
    _combine,
    _default_dtype,
    _promote,
    _scalar_dtype,
    bool_,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .errors import (  # noqa: F401 - re-exported for the package
    CREATE_GRAPH_CYCLE,
    FREED,
    MX_INPLACE,
    MX_NOT_IN_GRAPH,
    NON_LEAF_GRAD,
    NotSupportedError,
    _check_bool,
    not_supported,
)
from .scopes import (  # noqa: F401 - re-exported for the package
    _OFF,
    _ON,
    _byref,
    _c_int,
    _Paused,
    _run,
    _Scope,
    _set_np_shape,
    _set_recording,
    _State,
    _state,
)

_mnp = _mx.np
_npx = _mx.npx
_NDArray = _mx.nd.NDArray

# --- dtype of a result (torch's promotion over tensors and scalars; rules in dtypes.py) ------


def _result_type(*ops: Any) -> dtype:
    dim = zero = wrapped = None
    for o in ops:
        if isinstance(o, Tensor):
            d = o.dtype
            if _shp(o):
                dim = d if dim is None else _promote(dim, d)
            else:
                zero = d if zero is None else _promote(zero, d)
        elif o is not None:
            d = _scalar_dtype(o)
            wrapped = d if wrapped is None else _promote(wrapped, d)
    return _combine(dim, _combine(zero, wrapped))  # type: ignore[return-value]


# --- graph nodes -------------------------------------------------------------------------


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
    _rule: Callable | None = None

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


_node_classes: dict[str, type] = {}


def node_class(name: str, rule: Callable) -> type:
    cls = type(name, (Node,), {"__slots__": (), "_rule": staticmethod(rule)})
    cls.__module__ = "torch.autograd"
    _node_classes[name] = cls
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


def _edge(t: Any) -> tuple:
    if isinstance(t, Tensor) and t.requires_grad:
        n = t._node
        if n is not None:
            return (n, t._idx)
        return (t._accumulator(), 0)
    return (None, 0)


_is_recording_c = _LIB.MXAutogradIsRecording


def _mx_recording() -> bool:
    """Whether the caller is inside MXNet's ``record()`` (MXNet's own thread flag; the adapter
    switches it only inside its own calls, and its engine runs with ``_state.engine`` set)."""
    if _state.engine:
        return False
    p = ctypes.c_bool()
    _is_recording_c(_byref(p))
    return p.value


def _needs(*ins: Any) -> bool:
    """Whether an op on these inputs records: torch's rule (grad mode on and an input requires
    grad), or inside MXNet's ``record()`` an input requires grad (MXNet's rule, whatever the
    grad mode); nothing inside the MXNet dialect's ``pause()``. Notes which one for the node."""
    for t in ins:
        if isinstance(t, Tensor) and t.requires_grad:
            break
    else:
        return False  # nothing to record under either rule: MXNet's flag need not be read
    mx_rec = _state.mx = _mx_recording()
    return mx_rec or (_state.grad_enabled and not _mxd._dialect.paused)


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
                f"inplace operation: [torch.{_TYPE_NAMES[t.dtype.name]} {list(_shp(t))}]{of} "
                f"is at version {t._version}; expected version {want} instead. Hint: enable "
                "anomaly detection to find the operation that failed to compute its gradient, "
                "with torch.autograd.set_detect_anomaly(True)."
            )


def _make_node(cls: type, inputs: Sequence[Any], saved: tuple = (), fast: bool = True) -> Node:
    n = cls.__new__(cls)
    n._next = tuple([_edge(t) for t in inputs])
    n._saved = saved
    n._had_saved = bool(saved)
    n._vers = _versions(saved) if saved else None
    n._mx = _state.mx  # recorded inside MXNet's record(): MXNet's backward semantics
    n._fast = fast
    n._hooks = None
    n._retain = None
    n._in_dt = None
    n.a = None
    n.nout = 1
    return n


def _note_casts(node: Node, inputs: Sequence[Any], dt: dtype) -> None:
    """An op that cast an input to ``dt`` before MXNet saw it: torch's engine casts the
    gradient back to each input's dtype; the adapter's does so from this note."""
    dts = tuple(x.dtype if isinstance(x, Tensor) else None for x in inputs)
    if any(d is not None and d is not dt for d in dts):
        node._in_dt = dts


# --- Tensor ------------------------------------------------------------------------------


class Size(tuple):
    """``torch.Size``: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)!r})"

    def numel(self) -> int:
        return math.prod(self)


class _VariableMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


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


_get_data = _LIB.MXNDArrayGetData


def _data_ptr(nd: Any) -> int | None:
    p = ctypes.c_void_p()
    _get_data(nd.handle, _byref(p))
    return p.value


def _wrap(nd: Any, node: Node | None = None, idx: int = 0) -> Tensor:
    t = Tensor.__new__(Tensor)
    t.__dict__.update(_nd=nd, _node=node, _idx=idx, requires_grad=node is not None)
    return t


def _shp(x: Tensor) -> tuple:
    """The shape as a plain tuple, cached (each MXNet shape query is a C call)."""
    d = x.__dict__
    s = d.get("_shape")
    if s is None:
        s = d["_shape"] = x._nd.shape
    return s


def _to_nd(data: Any, dt: dtype | None) -> tuple[Any, dtype]:
    if isinstance(data, Tensor):
        d = dt or data.dtype
        return _run(False, lambda: data._nd.detach().astype(d.np, copy=True)), d
    if isinstance(data, _NDArray):
        a = data.asnumpy()
    else:
        a = data
        if isinstance(a, (list, tuple)) and any(isinstance(v, Tensor) for v in _flat(a)):
            a = _nested_values(a)
        a = _onp.asarray(a)
    if dt is None:
        if a.dtype == _onp.float64 and not isinstance(data, _onp.ndarray):
            dt = _default_dtype
        elif a.dtype.kind in "iu" and not isinstance(data, _onp.ndarray):
            dt = int64
        elif a.dtype.kind == "O":
            dt = _default_dtype
        else:
            dt = _BY_NP.get(a.dtype)
            if dt is None:
                raise TypeError(f"can't convert np.ndarray of type {a.dtype}")
    a = _onp.asarray(a, dtype=dt.np, order="C")
    return _run(False, _mnp.array, a, dt.np), dt


def _flat(x: Any) -> Iterable:
    for v in x:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def _nested_values(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_nested_values(v) for v in x]
    if isinstance(x, Tensor):
        return x.item()
    return x


def _scalar_or_nd(v: Any, dt: dtype) -> Any:
    if isinstance(v, Tensor):
        return v._nd if v.dtype is dt else _run(False, v._nd.astype, dt.np)
    return v


class Tensor:
    """A torch tensor whose storage is an MXNet ``mxnet.numpy.ndarray``.

    ``Tensor(data)``/``Tensor(*sizes)`` is torch's legacy constructor (float32).
    """

    _node: Node | None
    _gradt: Tensor | None = None  # the .grad of a leaf (or of a non-leaf that retains it)
    _mx_req: str | None = None  # grad_req set by MXNet-dialect attach_grad/mark_variables
    _leaf_hooks: OrderedDict | None = None
    _acc_ref: Any = None
    _retains: bool = False
    _is_buf: bool = False  # wraps the MXNet gradient buffer of a leaf
    _version: int = 0  # torch's version counter: bumped by every in-place write
    __array_priority__ = 1000

    def __init__(self, *args: Any) -> None:
        if len(args) == 1 and not isinstance(args[0], (_builtin_int, Size)):
            nd, _ = _to_nd(args[0], float32)
        else:
            shape = tuple(args[0]) if len(args) == 1 else args
            nd = _run(False, _mnp.zeros, shape)
        self._nd = nd
        self._node = None
        self._idx = 0
        self.requires_grad = False

    def __getattr__(self, name: str) -> Any:
        # only reached for names the class lacks: torch methods not provided yet
        if name.startswith("_"):
            raise AttributeError(f"'Tensor' object has no attribute '{name}'")
        raise not_supported(f"Tensor.{name}")

    # -- basic attributes --
    @property
    def dtype(self) -> dtype:
        d = self.__dict__
        dt = d.get("_dtype")
        if dt is None:
            dt = d["_dtype"] = _BY_NP[_onp.dtype(self._nd.dtype)]
        return dt

    @property
    def shape(self) -> Size:
        return Size(_shp(self))

    def size(self, dim: int | None = None) -> Any:
        s = _shp(self)
        return Size(s) if dim is None else s[_checks.wrap_dim(dim, len(s))]

    def dim(self) -> int:
        return len(_shp(self))

    ndim = property(dim)

    def numel(self) -> int:
        return _builtin_int(math.prod(self._nd.shape))

    nelement = numel

    def __len__(self) -> int:
        if not self._nd.ndim:
            raise TypeError("len() of a 0-d tensor")
        return self._nd.shape[0]

    @property
    def device(self) -> Any:
        import torch

        return torch.device("cpu")

    @property
    def is_leaf(self) -> bool:
        return self._node is None

    @property
    def grad_fn(self) -> Node | None:
        return self._node

    def is_floating_point(self) -> bool:
        return self.dtype._cat == 2

    def element_size(self) -> int:
        return self.dtype.itemsize

    # -- requires_grad --
    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_nd":
            d = self.__dict__
            d.pop("_shape", None)
            d.pop("_dtype", None)
        elif name == "requires_grad":
            if "_nd" in self.__dict__ and self.__dict__.get("requires_grad") is not None:
                self._set_requires_grad(bool(value), attr=True)
                return
        object.__setattr__(self, name, value)

    def _set_requires_grad(self, flag: bool, attr: bool = False) -> None:
        if self._node is not None:
            if not flag:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach()."
                )
            return
        if flag and self.dtype._cat != 2:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
                if attr
                else "only Tensors of floating point dtype can require gradients"
            )
        if flag and not self.__dict__["requires_grad"]:
            with _Paused():
                self._nd.attach_grad("add")  # torch accumulates: MXNet's 'add'
        elif not flag and self.__dict__["requires_grad"]:
            self._nd = _run(False, self._nd.detach)
            self._gradt = None
        object.__setattr__(self, "requires_grad", flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        _check_bool("requires_grad_", "requires_grad", requires_grad, 1)
        self._set_requires_grad(requires_grad)
        return self

    def _accumulator(self) -> AccumulateGrad:
        acc = self._acc_ref() if self._acc_ref is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc_ref = weakref.ref(acc)
        return acc

    # -- .grad --
    @property
    def grad(self) -> Tensor | None:
        if self._node is not None and not self._retains:
            warnings.warn(NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._gradt

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        old = self._gradt
        if old is not None and old._is_buf:
            # torch drops the reference: an old object still held elsewhere keeps its values
            # (it gets its own copy) while the MXNet buffer, still the variable's gradient
            # storage, is zeroed for the next accumulation.
            buf = old._nd
            with _Paused():
                if sys.getrefcount(old) > 3:  # self._gradt, `old`, getrefcount's argument
                    old._nd = buf.copy()
                _assign(buf, 0)
            old._is_buf = False
        if value is None:
            self._gradt = None
            return
        if not isinstance(value, Tensor):
            raise TypeError(
                "assigned grad expected to be a Tensor or None but got grad of type "
                f"{type(value).__name__}"
            )
        if value.shape != self.shape:
            raise RuntimeError("assigned grad has data of a different size")
        _checks.grad_dtype(value.dtype.name, self.dtype.name)
        self._gradt = value

    def _grad_buffer(self) -> Tensor:
        """The leaf's MXNet gradient buffer as a Tensor (cached, so ``x.grad is x.grad``)."""
        g = self._gradt
        if g is not None and g._is_buf:
            return g
        buf = self._nd.grad  # a C call for the handle: no MXNet flags needed (runs after
        t = _wrap(buf)  # every backward that left .grad unset, so kept cheap)
        t._is_buf = True
        self._gradt = t
        return t

    def retain_grad(self) -> None:
        if self._node is None:
            if not self.requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains:
            return
        self._retains = True
        n = self._node
        if n._retain is None:
            n._retain = {}
        n._retain[self._idx] = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._node is not None and self._retains

    def register_hook(self, hook: Callable) -> RemovableHandle:
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._node is None:
            if self._leaf_hooks is None:
                self._leaf_hooks = OrderedDict()
            store = self._leaf_hooks
        else:
            n = self._node
            if n._hooks is None:
                n._hooks = {}
            store = n._hooks.setdefault(self._idx, OrderedDict())
        h = RemovableHandle(store)
        store[h.id] = hook
        return h

    # -- conversion / printing --
    def _numpy(self) -> _onp.ndarray:
        return _run(False, self._nd.asnumpy)

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        import torch

        body = repr(torch.from_numpy(self._numpy()))
        suffix = None
        if self._node is not None:
            suffix = f"grad_fn=<{self._node.name()}>"
        elif self.requires_grad:
            suffix = "requires_grad=True"
        if suffix is None:
            return body
        # torch's own suffix layout (line width rule), applied to torch's own rendering
        return torch._tensor_str._add_suffixes(body[:-1], [suffix], 7, False)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._nd.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def numpy(self, *, force: bool = False) -> _onp.ndarray:
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self._numpy()

    def item(self) -> Any:
        n = self.numel()
        if n != 1:
            raise RuntimeError(f"a Tensor with {n} elements cannot be converted to Scalar")
        return self._numpy().reshape(-1)[0].item()

    def tolist(self) -> Any:
        return self._numpy().tolist()

    def __float__(self) -> float:
        return _builtin_float(self.item())

    def __int__(self) -> int:
        return _builtin_int(self.item())

    def __index__(self) -> int:
        if self.dtype._cat == 2:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return _builtin_int(self.item())

    def __bool__(self) -> bool:
        n = self.numel()
        if n != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __iter__(self) -> Any:
        if not self._nd.ndim:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._nd.shape[0]))

    def __hash__(self) -> int:
        return id(self)

    def __array__(self, dtype: Any = None) -> _onp.ndarray:
        a = self._numpy()
        return a if dtype is None else a.astype(dtype)

    # -- detach / data --
    def detach(self) -> Tensor:
        return _wrap(_run(False, self._nd.detach))

    def detach_(self) -> Tensor:
        if self._node is None and self.requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._nd = _run(False, self._nd.detach)
        self._node = None
        object.__setattr__(self, "requires_grad", False)
        return self

    @property
    def data(self) -> Tensor:
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        if _data_ptr(value._nd) == _data_ptr(self._nd):
            return  # `w.data -= ...` writes through the alias; nothing to swap
        viewed = "_family" in self.__dict__  # views keep the old storage, as in torch
        if _shp(value) == _shp(self) and value.dtype is self.dtype and not viewed:
            # same layout: copy into the existing storage, so a leaf keeps its MXNet
            # variable, gradient buffer and .grad (torch swaps storage; values are the same)
            with _Paused():
                _assign(self._nd, value._nd)
            return
        nd = _run(False, value._nd.detach)
        if self.requires_grad and self._node is None:
            old = self._gradt
            with _Paused():
                nd = nd.copy()
                nd.attach_grad("add")
            self._gradt = None
            if old is not None and viewed and _shp(old) == _shp(value):
                self._nd = nd
                with _Paused():
                    _assign(self._grad_buffer()._nd, old._nd)
        self._nd = nd
        _rebound(self)

    def cpu(self) -> Tensor:
        return self

    def contiguous(self) -> Tensor:
        # a copied view (t(), permute, ...) is not contiguous in torch: contiguous() copies
        return clone(self) if "_copied" in self.__dict__ else self

    def is_contiguous(self) -> bool:
        return True

    # -- MXNet dialect on these tensors ------------------------------------------------
    def attach_grad(self, grad_req: str = "write", stype: str | None = None) -> None:
        """MXNet's ``attach_grad``: this tensor becomes an MXNet variable with a zero ``.grad``
        (cuts any history, as MXNet does); ``grad_req`` write/add/null."""
        if grad_req not in ("write", "add", "null"):
            raise KeyError(grad_req)
        if stype not in (None, "default"):
            raise NotImplementedError("attach_grad(stype=...): sparse storage is not supported")
        with _Paused():
            nd = self._nd.detach()
            nd.attach_grad("add")
        self._nd = nd
        self._node = None
        object.__setattr__(self, "requires_grad", True)
        self._mx_req = grad_req
        self._gradt = None
        self._grad_buffer()

    def copy(self) -> Tensor:
        """MXNet's ``copy``: differentiable inside ``record()``, a constant outside it."""
        if _mx_recording():
            return clone(self)
        return _wrap(_run(False, self._nd.copy))

    def asnumpy(self) -> _onp.ndarray:
        return self._numpy()

    def asscalar(self) -> Any:
        if self.numel() != 1:
            raise ValueError("The current array is not a scalar")
        return self._numpy().reshape(-1)[0]

    def wait_to_read(self) -> None:
        _run(False, self._nd.wait_to_read)

    def as_in_context(self, context: Any) -> Tensor:
        return self

    as_in_ctx = as_in_context

    @property
    def context(self) -> Any:
        return _mx.cpu()

    ctx = context

    # -- autograd --
    def backward(
        self,
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


Variable_doc = "torch.autograd.Variable: returns a Tensor; every Tensor is an instance of it."


class Variable(metaclass=_VariableMeta):
    __doc__ = Variable_doc

    def __new__(cls, data: Any = None, requires_grad: bool = False, volatile: bool = False) -> Any:  # type: ignore[misc]
        if data is None:
            data = Tensor(0)
        if not isinstance(data, Tensor):
            raise TypeError("Variable data has to be a tensor, but got " + type(data).__name__)
        t = _wrap(data._nd.detach() if data.requires_grad else data._nd)
        if requires_grad:
            t.requires_grad_(True)
        return t


# --- backward engines ---------------------------------------------------------------------


def _heads_and_grads(
    tensors: Sequence[Tensor], grads: Sequence[Any], *, mx_style: bool = False
) -> list:
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
    pairs = _heads_and_grads(tensors, grad_tensors)
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
            _assign(buf._nd, g._nd)
        return
    _inplace_add(old, g)


def _inplace_add(old: Tensor, g: Tensor) -> Tensor:
    with _Paused():
        old._nd += g._nd
    return old


def _sum_grads(a: Tensor | None, b: Tensor) -> Tensor:
    return b if a is None else a + b


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
                        for hook in list(v._leaf_hooks.values()):
                            r = hook(g)
                            if r is not None:
                                g = r
                    if (n, 0) in want:
                        for i in want[(n, 0)]:
                            captured[i] = g
                    if g is not None and accumulate:
                        _accumulate(v, g, create_graph)
                    continue
                gs = []
                for idx in range(_nout(n)):
                    g = grads.pop((n, idx), None)
                    if g is not None and n._hooks and idx in n._hooks:
                        for hook in list(n._hooks[idx].values()):
                            r = hook(g)
                            if r is not None:
                                g = r
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


def _nout(n: Node) -> int:
    return n.nout


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
    pairs = _heads_and_grads(heads, head_grads, mx_style=True)
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
                _assign(buf._nd, g._nd)
    if not retain_graph:
        for n in deps:
            if not isinstance(n, AccumulateGrad):
                n._saved = None
                n._had_saved = True  # MXNet clears every node it traversed
                n.a = None


# --- op plumbing ----------------------------------------------------------------------------


_np_mul_scalar = _raw.op1p("_npi_multiply_scalar", "scalar")


def _off_leaf(t: Tensor, rec: bool) -> Any:
    """``t``'s array for a cast or copy; ``t * 1`` when recorded.

    MXNet 1.9.1's backward of ``astype`` and ``copy`` overwrites a grad_req='add' buffer
    instead of adding to it (a leaf's gradient after three ``x.double().sum().backward()`` is
    1, not 3). Between the array and such an op, a multiply by 1 (exact; keeps -0.0 and nan)
    takes the gradient and accumulates it correctly. Applied to every recorded input, not only
    to leaves: identity views (``expand`` to the same shape, ...) share the leaf's array.
    Call inside ``_run(rec, ...)``.
    """
    if rec:
        return _np_mul_scalar(t._nd, "1.0")
    return t._nd


def _nd_of(t: Any, dt: dtype) -> Any:
    if isinstance(t, Tensor):
        if t.dtype is dt:
            return t._nd
        rec = _needs(t)
        return _run(rec, lambda: _off_leaf(t, rec).astype(dt.np))
    return t


def _unary(
    name: str, mxfn: Callable | str, rule: Callable, save: str | None = "x", float_only: bool = True
):
    """A differentiable one-input op; ``mxfn`` may name the MXNet operator, called directly."""
    cls = node_class(name, rule)
    if isinstance(mxfn, str):
        mxfn = _raw.op1(mxfn)

    def op(x: Tensor) -> Tensor:
        nd = x._nd
        if float_only and x.dtype._cat != 2:
            nd = _run(False, nd.astype, _default_dtype.np)
        rec = _needs(x)
        out = _run(rec, mxfn, nd)
        if not rec:
            return _wrap(out)
        node = _make_node(cls, (x,))
        res = _wrap(out, node)
        if save == "x":
            _save(node, (x,))
        elif save == "out":
            _save(node, (res,))
        return res

    op.__name__ = name
    return op


def _binary(
    name: str,
    mxfn: Callable,
    rule: Callable,
    save: bool | str = True,
    true_div: bool = False,
    arrays: str | None = None,
    scalar: tuple[str, str] | None = None,
    legacy: str | None = None,
):
    """A differentiable binary op. ``mxfn`` is the general MXNet function; the hot cases call
    MXNet operators directly (``_raw``): ``arrays`` (two arrays), ``legacy`` (two floating
    point arrays of different shapes), ``scalar`` (array with a Python scalar on the right, on
    the left)."""
    cls = node_class(name, rule)
    arrays_fn = _raw.op2(arrays) if arrays else None
    # Two floating point arrays of different shapes (same dtype after promotion): MXNet's
    # legacy broadcast operator, as native mx.nd code runs. Same values; its backward is
    # faster than the NumPy operator's (which multiplies by a broadcast ones-derivative before
    # reducing): (256, 256) + (256,) backward 0.71 ms vs 0.93 ms. Not for equal shapes: there
    # the NumPy operator keeps native mx.np's graph memory profile, which the test
    # test_memory_of_a_long_chain_is_native_like compares against.
    legacy_fn = _raw.op2(legacy) if legacy else None
    if scalar is not None:
        rscalar, lscalar = _raw.op1p(scalar[0], "scalar"), _raw.op1p(scalar[1], "scalar")

    def op(a: Any, b: Any) -> Tensor:
        ta = isinstance(a, Tensor)
        tb = isinstance(b, Tensor)
        if ta and tb:
            _check_broadcast(_shp(a), _shp(b))
            dt = a.dtype
            if dt is not b.dtype:
                dt = _result_type(a, b)
        else:
            dt = _result_type(a, b)
        if true_div and dt._cat != 2:
            dt = _default_dtype
        an = _nd_of(a, dt)
        bn = _nd_of(b, dt)
        rec = _needs(a, b)
        # MXNet's operator directly where possible (mx.np's Python dispatch layers cost more
        # than the op itself on small arrays); mx.np's scalar ops take the scalar as float.
        if ta and tb:
            if legacy_fn is not None and dt._cat == 2 and _shp(a) != _shp(b):
                fn = legacy_fn
            else:
                fn = arrays_fn or mxfn
            out = _run(rec, fn, an, bn)
        elif scalar is not None and type(b) in _PLAIN_SCALARS:
            out = _run(rec, rscalar, an, str(_builtin_float(b)))
        elif scalar is not None and type(a) in _PLAIN_SCALARS:
            out = _run(rec, lscalar, bn, str(_builtin_float(a)))
        else:
            out = _run(rec, mxfn, an, bn)
        if not rec:
            return _wrap(out)
        node = _make_node(cls, (a, b))
        if (ta and an is not a._nd) or (tb and bn is not b._nd):  # an operand was cast
            _note_casts(node, (a, b), dt)
        node.a = (
            _shp(a) if isinstance(a, Tensor) else None,
            _shp(b) if isinstance(b, Tensor) else None,
            a if not isinstance(a, Tensor) else None,
            b if not isinstance(b, Tensor) else None,
        )
        if save:
            # torch saves an operand only when a gradient needs it (mul: each for the other's
            # gradient; div: the numerator only for the denominator's), so an in-place update
            # of an unneeded operand (`c = a * 1.0; c.mul_(2.0)`) is not a version error
            sa = a if ta and (save is True or (tb and b.requires_grad)) else None
            sb = b if tb and (save is not _CROSS or (ta and a.requires_grad)) else None
            _save(node, (sa, sb))
        return _wrap(out, node)

    op.__name__ = name
    return op


_CROSS = "cross"  # _binary's save modes (see there): mul's rule, div's rule
_DIV = "div"


def _check_broadcast(sa: tuple, sb: tuple) -> None:
    """torch's broadcasting error (MXNet's own is an operator shape-inference failure)."""
    if sa == sb:
        return
    for i in range(1, builtins.min(len(sa), len(sb)) + 1):
        x, y = sa[-i], sb[-i]
        if x != y and x != 1 and y != 1:
            dim = builtins.max(len(sa), len(sb)) - i
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {dim}"
            )


def _sum_to(g: Tensor, shape: Sequence[int] | None) -> Tensor | None:
    if shape is None:
        return None
    if _shp(g) == tuple(shape):
        return g
    lead = g.dim() - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and g.shape[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = sum(g, dims, keepdim=True)
    return reshape(g, tuple(shape))


def _need(node: Node, i: int) -> bool:
    return node._next[i][0] is not None


def _saved(node: Node) -> tuple:
    s = node._saved
    if s is None:
        raise RuntimeError(FREED)
    _check_versions(node)
    return s


# rules: (node, g) -> grads per input ------------------------------------------------------


def _r_add(n: Node, g: Tensor) -> tuple:
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(g, sa) if _need(n, 0) else None, _sum_to(g, sb) if _need(n, 1) else None)


def _r_sub(n: Node, g: Tensor) -> tuple:
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(g, sa) if _need(n, 0) else None, _sum_to(neg(g), sb) if _need(n, 1) else None)


def _r_rsub(n: Node, g: Tensor) -> tuple:  # b - a with a tensor first argument
    sa, sb = n.a[0], n.a[1]
    return (_sum_to(neg(g), sa) if _need(n, 0) else None, _sum_to(g, sb) if _need(n, 1) else None)


def _val(n: Node, i: int) -> Any:
    s = _saved(n)[i]
    return s if s is not None else n.a[2 + i]


def _r_mul(n: Node, g: Tensor) -> tuple:
    return (
        _sum_to(mul(g, _val(n, 1)), n.a[0]) if _need(n, 0) else None,
        _sum_to(mul(g, _val(n, 0)), n.a[1]) if _need(n, 1) else None,
    )


def _r_div(n: Node, g: Tensor) -> tuple:
    a, b = _val(n, 0), _val(n, 1)
    return (
        _sum_to(div(g, b), n.a[0]) if _need(n, 0) else None,
        _sum_to(div(mul(neg(g), a), mul(b, b)), n.a[1]) if _need(n, 1) else None,
    )


def _r_pow(n: Node, g: Tensor) -> tuple:
    a, b = _val(n, 0), _val(n, 1)
    ga = gb = None
    if _need(n, 0):
        if isinstance(b, Tensor):
            ga = _sum_to(mul(g, mul(b, pow(a, sub(b, 1)))), n.a[0])
        elif b == 0:
            ga = zeros_like(a)
        else:
            ga = mul(g, mul(pow(a, b - 1), b))
    if _need(n, 1):
        out = pow(a, b)
        if isinstance(a, Tensor):
            # torch: no gradient to the exponent where the base is 0 and the exponent >= 0
            # (log(0) would make it nan)
            zero = logical_and(eq(a, 0), ge(b, 0))
            la = log(where(zero, ones_like(a), a))
            gb = _sum_to(where(zero, zeros_like(g), mul(g, mul(out, la))), n.a[1])
        elif a == 0:
            gb = zeros_like(g)
        else:
            gb = _sum_to(mul(g, mul(out, math.log(a))), n.a[1])
    return ga, gb


def _add_fn(a: Any, b: Any) -> Any:
    return _mnp.add(a, b)


def _sub_fn(a: Any, b: Any) -> Any:
    return _mnp.subtract(a, b)


def _rsub_fn(a: Any, b: Any) -> Any:
    return _mnp.subtract(b, a)


_PLAIN_SCALARS = (_builtin_float, _builtin_int)
# torch name, general function, rule, then the MXNet operators of the hot cases (see _binary)
add = _binary(
    "AddBackward0", _add_fn, _r_add, save=False, arrays="_npi_add",
    scalar=("_npi_add_scalar", "_npi_add_scalar"), legacy="broadcast_add",
)  # fmt: skip
sub = _binary(
    "SubBackward0", _sub_fn, _r_sub, save=False, arrays="_npi_subtract",
    scalar=("_npi_subtract_scalar", "_npi_rsubtract_scalar"), legacy="broadcast_sub",
)  # fmt: skip
_rsub = _binary("RsubBackward1", _rsub_fn, _r_rsub, save=False)
mul = _binary(
    "MulBackward0", _mnp.multiply, _r_mul, save=_CROSS, arrays="_npi_multiply",
    scalar=("_npi_multiply_scalar", "_npi_multiply_scalar"), legacy="broadcast_mul",
)  # fmt: skip
div = _binary(
    "DivBackward0", _mnp.true_divide, _r_div, save=_DIV, true_div=True, arrays="_npi_true_divide",
    scalar=("_npi_true_divide_scalar", "_npi_rtrue_divide_scalar"), legacy="broadcast_div",
)  # fmt: skip
_pow_t = _binary("PowBackward1", _mnp.power, _r_pow)
_pow_s = _binary("PowBackward0", _mnp.power, _r_pow)
_pow_r = _binary("PowBackward2", _mnp.power, _r_pow)


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        out = _pow_t(a, b)
    elif isinstance(a, Tensor):
        out = _pow_s(a, b)
        if b == 0 and out._node is not None:
            out._node._fast = False  # MXNet: 0 * 0**-1 = nan at 0; torch's rule gives 0
        return out
    else:
        out = _pow_r(a, b)
    if out._node is not None:
        out._node._fast = False  # MXNet's exponent gradient is nan where the base is 0
    return out


def square(x: Tensor) -> Tensor:
    # torch computes square as pow(x, 2): same node (PowBackward0), dtype kept for integers
    return _pow_s(x, 2)


def rsub(a: Tensor, b: Any) -> Tensor:
    return _rsub(a, b)


def _cmp(mxfn: Callable) -> Callable:
    def op(a: Any, b: Any) -> Tensor:
        dt = _result_type(a, b)
        return _wrap(_run(False, mxfn, _nd_of(a, dt), _nd_of(b, dt)))

    return op


eq = _cmp(_mnp.equal)
ne = _cmp(_mnp.not_equal)
lt = _cmp(_mnp.less)
le = _cmp(_mnp.less_equal)
gt = _cmp(_mnp.greater)
ge = _cmp(_mnp.greater_equal)


def _nograd_binary(mxfn: Callable, true_div: bool = False) -> Callable:
    def op(a: Any, b: Any) -> Tensor:
        dt = _result_type(a, b)
        return _wrap(_run(False, mxfn, _nd_of(a, dt), _nd_of(b, dt)))

    return op


def floor_divide(a: Any, b: Any) -> Tensor:
    dt = _result_type(a, b)
    q = _nograd_binary(lambda x, y: _mnp.floor(_mnp.true_divide(x, y)))(a, b)
    return q if q.dtype is dt else to(q, dt)


remainder = _nograd_binary(_mnp.mod)

# unary ------------------------------------------------------------------------------------

neg = _unary("NegBackward0", "_npi_negative", lambda n, g: neg(g), save=None, float_only=False)
exp = _unary("ExpBackward0", "_npi_exp", lambda n, g: mul(g, _saved(n)[0]), save="out")
log = _unary("LogBackward0", "_npi_log", lambda n, g: div(g, _saved(n)[0]))
sqrt = _unary("SqrtBackward0", "_npi_sqrt", lambda n, g: div(g, mul(_saved(n)[0], 2)), save="out")
sin = _unary("SinBackward0", "_npi_sin", lambda n, g: mul(g, cos(_saved(n)[0])))
cos = _unary("CosBackward0", "_npi_cos", lambda n, g: mul(g, neg(sin(_saved(n)[0]))))
tanh = _unary(
    "TanhBackward0",
    "_npi_tanh",
    lambda n, g: as_named(
        mul(g, rsub(mul(_saved(n)[0], _saved(n)[0]), 1)), "TanhBackwardBackward0"
    ),
    save="out",
)
sigmoid = _unary(
    "SigmoidBackward0",
    "_npx_sigmoid",
    lambda n, g: as_named(
        mul(g, mul(rsub(_saved(n)[0], 1), _saved(n)[0])), "SigmoidBackwardBackward0"
    ),
    save="out",
)


def _keep_dep(r: Tensor, x: Tensor) -> Tensor:
    # torch's masked rules for relu and abs (threshold_backward, sgn) are differentiable in the
    # saved input too (with zero derivative), so under create_graph their result requires grad
    # wherever the input does; a zero-weighted term reproduces that.
    if _state.grad_enabled and x.requires_grad and not r.requires_grad:
        return add(r, mul(x, 0.0))
    return r


def _r_relu(n: Node, g: Tensor) -> Tensor:
    out = _saved(n)[0]
    return as_named(_keep_dep(mul(g, gt(out, 0).to(g.dtype)), out), "ThresholdBackwardBackward0")


def _r_abs(n: Node, g: Tensor) -> Tensor:
    x = _saved(n)[0]
    return as_named(_keep_dep(mul(g, sign(x)), x), "MulBackward0")


relu = _unary("ReluBackward0", "_npx_relu", _r_relu, save="out", float_only=False)
abs = _unary("AbsBackward0", _mnp.abs, _r_abs, float_only=False)  # noqa: A001


# torch records sign (SignBackward0, a zero gradient), so backward through it works
sign = _unary("SignBackward0", "_npi_sign", lambda n, g: zeros_like(g), save=None, float_only=False)


def _r_clamp(n: Node, g: Tensor) -> Tensor:
    x = _saved(n)[0]
    lo, hi = n.a
    m = None
    if lo is not None:
        m = ge(x, lo)
    if hi is not None:
        m2 = le(x, hi)
        m = m2 if m is None else logical_and(m, m2)
    return mul(g, m.to(g.dtype))


_Clamp = node_class("ClampBackward1", _r_clamp)


def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    lo = -_onp.inf if min is None else min
    hi = _onp.inf if max is None else max
    rec = _needs(x)
    out = _run(rec, _mnp.clip, x._nd, lo, hi)
    if not rec:
        return _wrap(out)
    node = _make_node(_Clamp, (x,), (x,), fast=False)  # torch's boundary gradient is 1
    node.a = (min, max)
    return _wrap(out, node)


clip = clamp


def _bool_nd(x: Any) -> Any:
    return _mnp.not_equal(x, 0)


def logical_and(a: Tensor, b: Tensor) -> Tensor:
    # mxnet.numpy 1.9.1 has no logical_and/or
    return _wrap(
        _run(
            False,
            lambda: _mnp.multiply(
                _bool_nd(a._nd).astype(_onp.int8), _bool_nd(b._nd).astype(_onp.int8)
            ).astype(_onp.bool_),
        )
    )


def logical_or(a: Tensor, b: Tensor) -> Tensor:
    return _wrap(
        _run(
            False,
            lambda: _mnp.not_equal(
                _mnp.add(_bool_nd(a._nd).astype(_onp.int8), _bool_nd(b._nd).astype(_onp.int8)), 0
            ),
        )
    )


def logical_not(a: Tensor) -> Tensor:
    return _wrap(_run(False, _mnp.equal, a._nd, 0))


def _r_maxmin(is_max: bool) -> Callable:
    def rule(n: Node, g: Tensor) -> tuple:
        a, b = _saved(n)
        # torch: the gradient is split evenly where the two are equal
        win = gt(a, b) if is_max else lt(a, b)
        tie = eq(a, b)
        wa = add(win.to(g.dtype), mul(tie.to(g.dtype), 0.5))
        return (
            _sum_to(mul(g, wa), n.a[0]) if _need(n, 0) else None,
            _sum_to(mul(g, rsub(wa, 1)), n.a[1]) if _need(n, 1) else None,
        )

    return rule


_maximum = _binary("MaximumBackward0", _mnp.maximum, _r_maxmin(True))
_minimum = _binary("MinimumBackward0", _mnp.minimum, _r_maxmin(False))


def maximum(a: Tensor, b: Tensor) -> Tensor:
    out = _maximum(a, b)
    if out._node is not None:
        out._node._fast = False
    return out


def minimum(a: Tensor, b: Tensor) -> Tensor:
    out = _minimum(a, b)
    if out._node is not None:
        out._node._fast = False
    return out


def _r_where(n: Node, g: Tensor) -> tuple:
    c = n.a[4]
    z = zeros_like(g)
    return (
        None,
        _sum_to(where(c, g, z), n.a[0]) if _need(n, 1) else None,
        _sum_to(where(c, z, g), n.a[1]) if _need(n, 2) else None,
    )


_Where = node_class("WhereBackward0", _r_where)


def where(condition: Tensor, x: Any = None, y: Any = None) -> Tensor:
    if x is None and y is None:
        raise not_supported("where(condition) (use nonzero)")
    dt = _result_type(x, y)
    xn, yn = _nd_of(x, dt), _nd_of(y, dt)
    if not isinstance(xn, _NDArray):
        xn = _run(False, _mnp.full, condition._nd.shape, xn, dt.np)
    if not isinstance(yn, _NDArray):
        yn = _run(False, _mnp.full, condition._nd.shape, yn, dt.np)
    rec = _needs(x, y)
    if rec:
        # MXNet 1.9.1's where backward is wrong for a branch that is broadcast and whose
        # gradient buffer is grad_req='add' (a leaf): garbage or a doubled gradient. A branch of
        # another shape than the result goes through `x * 1`, so where writes a fresh gradient.
        shape = _onp.broadcast_shapes(_shp(condition), xn.shape, yn.shape)
        if isinstance(x, Tensor) and xn.shape != shape:
            xn = _run(True, _np_mul_scalar, xn, "1.0")
        if isinstance(y, Tensor) and yn.shape != shape:
            yn = _run(True, _np_mul_scalar, yn, "1.0")
    out = _run(rec, _mnp.where, condition._nd, xn, yn)
    if not rec:
        return _wrap(out)
    node = _make_node(_Where, (condition, x, y))
    _note_casts(node, (None, x, y), dt)
    node.a = (
        x.shape if isinstance(x, Tensor) else None,
        y.shape if isinstance(y, Tensor) else None,
        None,
        None,
        condition.detach(),
    )
    return _wrap(out, node)


# reductions --------------------------------------------------------------------------------


def _dims(dim: Any, nd: int) -> tuple | None:
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        return _checks.wrap_dims(dim, nd)
    return (_checks.wrap_dim(dim, nd),)


def _expand_back(g: Tensor, shape: tuple, dims: tuple | None, keepdim: bool) -> Tensor:
    if dims is not None and not keepdim:
        for d in sorted(dims):
            g = unsqueeze(g, d)
    elif dims is None:
        g = reshape(g, (1,) * len(shape))
    return expand(g, shape)


def _r_sum(n: Node, g: Tensor) -> Tensor:
    shape, dims, keepdim = n.a
    return _expand_back(g, shape, dims, keepdim)


def _r_mean(n: Node, g: Tensor) -> Tensor:
    shape, dims, keepdim = n.a
    cnt = math.prod(shape) if dims is None else math.prod(shape[d] for d in dims)
    return div(_expand_back(g, shape, dims, keepdim), cnt)


_Sum0 = node_class("SumBackward0", _r_sum)
_Sum1 = node_class("SumBackward1", _r_sum)
_Mean0 = node_class("MeanBackward0", _r_mean)
_Mean1 = node_class("MeanBackward1", _r_mean)


def _axis(dims: tuple | None) -> Any:
    if dims is None:
        return None
    return dims[0] if len(dims) == 1 else dims


_np_sum = _raw.op1("_np_sum")
_np_sum_axis = _raw.op1p("_np_sum", "axis")
_np_div_scalar = _raw.op1p("_npi_true_divide_scalar", "scalar")


def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    nd = x._nd
    if x.dtype._cat != 2 or dtype is not None:
        target = _as_dtype(dtype) if dtype is not None else int64
        rec = _needs(x)
        nd = _run(rec, lambda: _off_leaf(x, rec).astype(target.np))
    dims = _dims(dim, x.dim())
    rec = _needs(x)
    if dims is None:
        out = _run(rec, _np_sum, nd)
    elif keepdim:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims), keepdims=True))
    elif len(dims) == 1:
        out = _run(rec, _np_sum_axis, nd, str(dims[0]))
    else:
        out = _run(rec, _mnp.sum, nd, _axis(dims))
    if not rec:
        return _wrap(out)
    node = _make_node(_Sum0 if dims is None else _Sum1, (x,))
    if nd is not x._nd:
        node._in_dt = (x.dtype,)
    node.a = (tuple(x.shape), dims, keepdim)
    return _wrap(out, node)


def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    if x.dtype._cat != 2 and dtype is None:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_TORCH_SCALAR_NAMES[x.dtype.name]}"
        )
    rec = _needs(x)
    nd = (
        x._nd if dtype is None else _run(rec, lambda: _off_leaf(x, rec).astype(_as_dtype(dtype).np))
    )
    dims = _dims(dim, x.dim())
    rec = _needs(x)
    shape = tuple(x.shape)
    cnt = math.prod(shape) if dims is None else math.prod(shape[d] for d in dims)
    # Sum then scale, never MXNet's mean: MXNet 1.9.1's mean backward into a grad_req='add'
    # buffer rescales the whole buffer (a leaf accumulates 0.5, 0.75, 0.875 instead of 0.5,
    # 1.0, 1.5). sum's backward and the scalar divide accumulate correctly.
    if dims is None:
        out = _run(rec, lambda: _np_div_scalar(_np_sum(nd), repr(builtins.float(cnt))))
    elif keepdim:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims), keepdims=True) / cnt)
    else:
        out = _run(rec, lambda: _mnp.sum(nd, _axis(dims)) / cnt)
    if not rec:
        return _wrap(out)
    node = _make_node(_Mean0 if dims is None else _Mean1, (x,))
    if nd is not x._nd:
        node._in_dt = (x.dtype,)
    node.a = (tuple(x.shape), dims, keepdim)
    return _wrap(out, node)


_TORCH_SCALAR_NAMES = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
}


def _r_prod(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    shape, dims, keepdim = n.a
    if dims is not None and not keepdim:
        out = unsqueeze(out, dims[0])
    ge = _expand_back(g, shape, dims, keepdim)
    if not _onp.any(x._numpy() == 0):
        return mul(ge, div(out, x))
    # with zeros out / x is wrong: the product of the *other* elements, built by masking the
    # diagonal of an n x n expansion along the reduced axis (O(n^2), only when zeros occur)
    if dims is None:
        return reshape(mul(ge, reshape(_prod_others(reshape(x, (-1,))), shape)), shape)
    d = dims[0]
    xt = transpose(x, d, -1) if d != len(shape) - 1 else x
    others = _prod_others(xt)
    if d != len(shape) - 1:
        others = transpose(others, d, -1)
    return mul(ge, others)


def _prod_others(x: Tensor) -> Tensor:
    """For each element along the last axis, the product of the others on that axis."""
    k = _shp(x)[-1]
    eye_mask = _wrap(_run(False, lambda: _mnp.eye(k).astype(_onp.bool_)))
    big = expand(unsqueeze(x, -2), tuple(_shp(x)[:-1]) + (k, k))
    return prod(where(eye_mask, ones_like(big), big), -1)


_Prod0 = node_class("ProdBackward0", _r_prod)
_Prod1 = node_class("ProdBackward1", _r_prod)


def prod(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    nd = x._nd if x.dtype._cat == 2 else _run(False, x._nd.astype, _onp.int64)
    rec = _needs(x)
    dims = _dims(dim, x.dim())
    if dims is None:
        out = _run(rec, _mnp.prod, nd)
    else:
        out = _run(rec, lambda: _mnp.prod(nd, axis=dims[0], keepdims=keepdim))
    if not rec:
        return _wrap(out)
    node = _make_node(_Prod0 if dims is None else _Prod1, (x,), fast=False)
    res = _wrap(out, node)
    _save(node, (x, res))
    node.a = (tuple(x.shape), dims, keepdim)
    return res


def _r_max_all(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    m = eq(x, out).to(g.dtype)
    return mul(div(g, sum(m)), m)  # torch spreads the gradient evenly over ties


def _r_max_dim(n: Node, g: Tensor) -> Tensor:
    shape, dim, keepdim, idx = n.a
    if not keepdim:
        g = unsqueeze(g, dim)
        idx = unsqueeze(idx, dim)
    r = reshape(arange(shape[dim]), tuple(-1 if i == dim else 1 for i in range(len(shape))))
    mask = eq(r, idx).to(g.dtype)
    return mul(expand(g, shape), mask)


_Max1 = node_class("MaxBackward1", _r_max_all)
_Min1 = node_class("MinBackward1", _r_max_all)
_Max0 = node_class("MaxBackward0", _r_max_dim)
_Min0 = node_class("MinBackward0", _r_max_dim)


class _ValuesIndices(tuple):
    @property
    def values(self) -> Tensor:
        return self[0]

    @property
    def indices(self) -> Tensor:
        return self[1]


def _maxmin(x: Tensor, dim: Any, keepdim: bool, is_max: bool) -> Any:
    if isinstance(dim, Tensor):
        return maximum(x, dim) if is_max else minimum(x, dim)
    rec = _needs(x)
    if dim is None:
        out = _run(rec, _mnp.max if is_max else _mnp.min, x._nd)
        if not rec:
            return _wrap(out)
        node = _make_node(_Max1 if is_max else _Min1, (x,), fast=False)
        res = _wrap(out, node)
        _save(node, (x, res))
        return res
    d = _checks.wrap_dim(dim, x.dim())
    if not x.dim():  # torch reduces a 0-d tensor over "dim 0" to itself (MXNet refuses)
        v = _maxmin(x, None, keepdim, is_max)
        name = "MaxBackward0" if is_max else "MinBackward0"
        return _ValuesIndices((as_named(v, name), zeros((), dtype=int64)))
    idx = _run(False, lambda: (_mnp.argmax if is_max else _mnp.argmin)(x._nd, d))
    idx = _run(False, idx.astype, _onp.int64)
    if keepdim:
        out = _run(rec, lambda: (_mnp.max if is_max else _mnp.min)(x._nd, d, keepdims=True))
        idx = _run(False, _mnp.expand_dims, idx, d)
    else:
        out = _run(rec, _mnp.max if is_max else _mnp.min, x._nd, d)
    ind = _wrap(idx)
    if not rec:
        return _ValuesIndices((_wrap(out), ind))
    node = _make_node(_Max0 if is_max else _Min0, (x,), fast=False)
    node.a = (tuple(x.shape), d, keepdim, ind)
    return _ValuesIndices((_wrap(out, node), ind))


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _maxmin(x, dim, keepdim, True)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _maxmin(x, dim, keepdim, False)


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        r = _run(False, _mnp.argmax, x._nd)
    else:
        dim = _checks.wrap_dim(dim, x.dim())
        r = _run(False, _mnp.argmax, x._nd, dim)
        if keepdim:
            r = _run(False, _mnp.expand_dims, r, dim)
    return _wrap(_run(False, r.astype, _onp.int64))


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    if dim is None:
        r = _run(False, _mnp.argmin, x._nd)
    else:
        dim = _checks.wrap_dim(dim, x.dim())
        r = _run(False, _mnp.argmin, x._nd, dim)
        if keepdim:
            r = _run(False, _mnp.expand_dims, r, dim)
    return _wrap(_run(False, r.astype, _onp.int64))


def _r_norm(n: Node, g: Tensor) -> Tensor:
    x, out = _saved(n)
    shape, dims, keepdim = n.a
    if dims is not None and not keepdim:
        g = unsqueeze(g, dims[0])
        out = unsqueeze(out, dims[0])
    # torch masks the zero-norm case to a zero gradient
    safe = where(eq(out, 0), ones_like(out), out)
    return mul(g, div(x, safe))


_Norm = node_class("LinalgVectorNormBackward0", _r_norm)


def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    if p not in ("fro", 2, 2.0):
        raise not_supported(f"norm(p={p!r})")
    rec = _needs(x)
    dims = _dims(dim, x.dim())

    def f() -> Any:
        sq = _mnp.multiply(x._nd, x._nd)
        if dims is None:
            return _mnp.sqrt(_mnp.sum(sq))
        if keepdim:
            return _mnp.sqrt(_mnp.sum(sq, _axis(dims), keepdims=True))
        return _mnp.sqrt(_mnp.sum(sq, _axis(dims)))

    out = _run(rec, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_Norm, (x,), fast=False)
    res = _wrap(out, node)
    _save(node, (x, res))
    node.a = (tuple(x.shape), dims, keepdim)
    return res


# linear algebra ----------------------------------------------------------------------------


def _r_dot(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (mul(g, b) if _need(n, 0) else None, mul(g, a) if _need(n, 1) else None)


def _r_mm(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (mm(g, t(b)) if _need(n, 0) else None, mm(t(a), g) if _need(n, 1) else None)


def _r_mv(n: Node, g: Tensor) -> tuple:
    a, v = _saved(n)
    return (
        mm(unsqueeze(g, 1), unsqueeze(v, 0)) if _need(n, 0) else None,
        mv(t(a), g) if _need(n, 1) else None,
    )


def _r_bmm(n: Node, g: Tensor) -> tuple:
    a, b = _saved(n)
    return (
        _sum_to(matmul(g, transpose(b, -1, -2)), n.a[0]) if _need(n, 0) else None,
        _sum_to(matmul(transpose(a, -1, -2), g), n.a[1]) if _need(n, 1) else None,
    )


_Dot = node_class("DotBackward0", _r_dot)
_Mm = node_class("MmBackward0", _r_mm)
_Mv = node_class("MvBackward0", _r_mv)
_Matmul = node_class("UnsafeViewBackward0", _r_bmm)


def _linalg(cls: type, a: Tensor, b: Tensor, fn: Callable, check: Callable | None = None) -> Tensor:
    if check is not None:
        check(a, b)
    dt = a.dtype  # torch does not promote here: the checks require equal dtypes
    an, bn = a._nd, b._nd
    rec = _needs(a, b)
    if dt._cat != 2:
        # MXNet's dot has no integer kernels; integers never require grad: NumPy, exactly
        return _wrap(_run(False, _mnp.array, _onp.matmul(a._numpy(), b._numpy()), dt.np))
    out = _run(rec, fn, an, bn)
    if not rec:
        return _wrap(out)
    node = _make_node(cls, (a, b), (a, b))
    node.a = (_shp(a), _shp(b))
    return _wrap(out, node)


def _check_dot(a: Tensor, b: Tensor) -> None:
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    _checks.same_dtype_dot(a.dtype.name, b.dtype.name)
    if a.shape[0] != b.shape[0]:
        n, m = a.shape[0], b.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )


def _check_mm(a: Tensor, b: Tensor) -> None:
    sa, sb = _shp(a), _shp(b)
    if len(sa) != 2:
        raise RuntimeError("self must be a matrix")
    if len(sb) != 2:
        raise RuntimeError("mat2 must be a matrix")
    if sa[1] != sb[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    _checks.same_dtype_mm(a.dtype.name, b.dtype.name)


def _check_mv(a: Tensor, v: Tensor) -> None:
    _checks.same_dtype_mv(a.dtype.name, v.dtype.name)
    if a.dim() != 2 or v.dim() != 1 or _shp(a)[1] != _shp(v)[0]:
        raise RuntimeError(
            f"size mismatch, got input ({_shp(a)[0]}), mat ({'x'.join(map(str, _shp(a)))}), "
            f"vec ({'x'.join(map(str, _shp(v)))})"
        )


_np_dot = _raw.op2("_np_dot")  # what mx.np.dot calls, without its Python layers


def dot(a: Tensor, b: Tensor) -> Tensor:
    return _linalg(_Dot, a, b, _np_dot, _check_dot)


def mm(a: Tensor, b: Tensor) -> Tensor:
    return _linalg(_Mm, a, b, _np_dot, _check_mm)


def mv(a: Tensor, v: Tensor) -> Tensor:
    return _linalg(_Mv, a, v, _np_dot, _check_mv)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    da, db = a.dim(), b.dim()
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 2:
        return mm(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        m = mm(unsqueeze(a, 0), b)
        return _view_op(_Sq4, m, _mnp.reshape, None, (m.shape[1],))
    if not da or not db:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D"
        )
    if db == 1:
        _checks.same_dtype_mv(a.dtype.name, b.dtype.name)
    _checks.same_dtype_mm(a.dtype.name, b.dtype.name)
    sa, sb = _shp(a), _shp(b)
    if db == 1:  # torch: a vector operand is a matrix for the product, then squeezed
        if sa[-1] != sb[0]:
            rows = math.prod(sa[:-1])
            raise RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{sa[-1]}), vec ({sb[0]})"
            )
        return as_named(squeeze(matmul(a, unsqueeze(b, -1)), -1), "UnsafeViewBackward0")
    if da == 1:
        return as_named(squeeze(matmul(unsqueeze(a, 0), b), -2), "UnsafeViewBackward0")
    if db == 2 and sa[-1] != sb[0]:  # torch folds the batch into the rows of one mm
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({math.prod(sa[:-1])}x{sa[-1]} and "
            f"{sb[0]}x{sb[1]})"
        )
    _check_broadcast(sa[:-2], sb[:-2])
    if sa[-1] != sb[-2]:
        n = math.prod(_onp.broadcast_shapes(sa[:-2], sb[:-2]))
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {sa[-1]}] but got: [{n}, {sb[-2]}]."
        )
    return _linalg(_Matmul, a, b, _mnp.matmul)


def t(x: Tensor) -> Tensor:
    if x.dim() > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.dim()}D")
    if x.dim() < 2:
        return _view_op(_T, x, _same, None, view=_SHARED)
    return _permuted(_T, x, (1, 0), None, _mnp.transpose)


def _permuted(cls: type, x: Tensor, perm: tuple, attrs: Any, fn: Callable, *args: Any) -> Tensor:
    # a permutation that keeps the order of the dimensions longer than 1 moves no element: torch
    # gives a contiguous view, which MXNet can share (a reshape); otherwise MXNet copies
    s = _shp(x)
    moved = [p for p in perm if s[p] != 1]
    if moved == sorted(moved):
        return _view_op(cls, x, _reshape_nd, attrs, tuple(s[p] for p in perm), view=_SHARED)
    return _view_op(cls, x, fn, attrs, *args, view=_COPIED)


# shape ops -----------------------------------------------------------------------------------


def _view_op(
    cls: type, x: Tensor, fn: Callable, attrs: Any, *args: Any, view: str | None = None
) -> Tensor:
    """A shape op; ``view`` says what torch returns: a view MXNet shares (``_SHARED``), a view
    MXNet copies (``_COPIED``, recomputed after writes to ``x``; see ``views``), or None."""
    rec = _needs(x)
    out = _run(rec, fn, x._nd, *args)
    if not rec:
        res = _wrap(out)
    else:
        node = _make_node(cls, (x,))
        node.a = attrs if attrs is not None else tuple(x.shape)
        res = _wrap(out, node)
    if view is not None:
        views.note(
            x,
            res,
            None if view is _SHARED else lambda nd: _run(False, fn, nd, *args),
            lambda p: _view_op(cls, p, fn, attrs, *args),
            _embed_reshaped,
        )
        if not rec and x.requires_grad:
            _no_grad_view(x, res)
    return res


def _no_grad_view(x: Tensor, v: Tensor) -> None:
    """torch: a view made under no_grad of a tensor that requires grad requires grad too (a
    leaf of its own), and may not be written in place with grad mode on."""
    if v._nd.handle.value == x._nd.handle.value:  # an identity view: its own array object
        v._nd = _run(False, v._nd.reshape_view, _shp(x))
    with _Paused():
        v._nd.attach_grad("add")
    v.__dict__["requires_grad"] = True
    v.__dict__["_no_grad_view"] = True


def _embed_reshaped(base: Tensor, new: Tensor) -> Tensor:
    # the base's new value when a view that reshapes it (or is it) took the value `new`
    if _shp(new) == _shp(base):
        return new
    return _view_op(_View, new, _reshape_nd, None, _shp(base))


_SHARED = "shared"
_COPIED = "copied"


def _same(nd: Any) -> Any:
    return nd


def _reshape_nd(nd: Any, shape: tuple) -> Any:
    # MXNet's legacy reshape shares the memory (a view, recorded by MXNet's autograd as
    # Reshape); it reads 0 in a shape as "keep this dimension", so zero sizes take a copy
    # (there is no memory to share)
    if 0 in shape or not nd.size:
        return _mnp.reshape(nd, shape)
    return nd.reshape_view(shape)


def _r_reshape(n: Node, g: Tensor) -> Tensor:
    return reshape(g, n.a)


_View = node_class("ViewBackward0", _r_reshape)
_T = node_class("TBackward0", lambda n, g: t(g))
_Unsq = node_class("UnsqueezeBackward0", _r_reshape)
_Sq0 = node_class("SqueezeBackward0", _r_reshape)
_Sq1 = node_class("SqueezeBackward1", _r_reshape)
_Sq4 = node_class("SqueezeBackward4", _r_reshape)
_Transpose = node_class("TransposeBackward0", lambda n, g: transpose(g, n.a[0], n.a[1]))
_Permute = node_class(
    "PermuteBackward0", lambda n, g: permute(g, *[n.a.index(i) for i in range(len(n.a))])
)
_Expand = node_class("ExpandBackward0", lambda n, g: _sum_to(g, n.a))
_Clone = node_class("CloneBackward0", lambda n, g: g)
_ToCopy = node_class("ToCopyBackward0", lambda n, g: g.to(n.a))


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        return tuple(shape[0])
    return tuple(shape)


def view(x: Tensor, *shape: Any) -> Tensor:
    shape = _shape_arg(shape)
    n = x.numel()
    if -1 not in shape and math.prod(shape) != n:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {n}")
    return _view_op(_View, x, _reshape_nd, None, shape, view=_SHARED)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """torch's reshape: a view of a tensor contiguous in torch, else a copy (a copied view,
    such as ``t()``'s result, is not contiguous in torch)."""
    if "_copied" in x.__dict__:  # torch: clone, then an unsafe view of the clone
        return as_named(view(clone(x), *shape), "UnsafeViewBackward0")
    return view(x, *shape)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    s = list(x.shape)
    if not s:
        return reshape(x, (1,))
    a, b = _checks.wrap_dim(start_dim, len(s)), _checks.wrap_dim(end_dim, len(s))
    return reshape(x, tuple(s[:a] + [math.prod(s[a : b + 1])] + s[b + 1 :]))


def squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    s = list(x.shape)
    if dim is None:
        new = tuple(v for v in s if v != 1)
        return _view_op(_Sq0, x, _reshape_nd, None, new, view=_SHARED)
    d = _checks.wrap_dim(dim, len(s))
    new = tuple(v for i, v in enumerate(s) if not (i == d and v == 1))
    return _view_op(_Sq1, x, _reshape_nd, None, new, view=_SHARED)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    d = _checks.wrap_dim(dim, x.dim() + 1)
    s = _shp(x)
    return _view_op(_Unsq, x, _reshape_nd, None, s[:d] + (1,) + s[d:], view=_SHARED)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    dim0, dim1 = _checks.wrap_dim(dim0, x.dim()), _checks.wrap_dim(dim1, x.dim())
    if x.dim() < 2:
        return _view_op(_Transpose, x, _same, (dim0, dim1), view=_SHARED)
    perm = list(range(x.dim()))
    perm[dim0], perm[dim1] = dim1, dim0
    return _permuted(_Transpose, x, tuple(perm), (dim0, dim1), _mnp.swapaxes, dim0, dim1)


def permute(x: Tensor, *dims: Any) -> Tensor:
    dims = _shape_arg(dims)
    if len(dims) != x.dim():
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {x.dim()} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    dims = tuple(_checks.wrap_dim(d, x.dim()) for d in dims)
    if len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _permuted(_Permute, x, dims, dims, _mnp.transpose, dims)


def expand(x: Tensor, *sizes: Any) -> Tensor:
    sizes = _shape_arg(sizes)
    lead = len(sizes) - x.dim()
    shape = tuple((x.shape[i - lead] if s == -1 else s) for i, s in enumerate(sizes))
    if shape == tuple(x.shape):
        return _view_op(_Expand, x, _same, tuple(x.shape), view=_SHARED)
    if math.prod(shape) == x.numel():  # only new leading 1s: torch's view is contiguous
        return _view_op(_Expand, x, _reshape_nd, tuple(x.shape), shape, view=_SHARED)
    return _view_op(_Expand, x, _mnp.broadcast_to, tuple(x.shape), shape, view=_COPIED)


def expand_as(x: Tensor, other: Tensor) -> Tensor:
    return expand(x, tuple(other.shape))


def clone(x: Tensor) -> Tensor:
    rec = _needs(x)
    return _view_op(_Clone, x, lambda nd: _off_leaf(x, rec) if rec else nd.copy(), None)


def _r_cat(n: Node, g: Tensor) -> tuple:
    dim, sizes = n.a
    out = []
    start = 0
    for s in sizes:
        out.append(narrow(g, dim, start, s))
        start += s
    return tuple(out)


def _r_stack(n: Node, g: Tensor) -> tuple:
    dim, count = n.a
    return tuple(select(g, dim, i) for i in range(count))


_Cat = node_class("CatBackward0", _r_cat)
_Stack = node_class("StackBackward0", _r_stack)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    tensors = list(tensors)
    d = _checks.cat_shapes([_shp(x) for x in tensors], dim)
    dt = _result_type(*tensors)
    nds = [_nd_of(x, dt) for x in tensors]
    rec = _needs(*tensors)
    out = _run(rec, lambda: _mnp.concatenate(nds, d))
    if not rec:
        return _wrap(out)
    node = _make_node(_Cat, tensors)
    _note_casts(node, tensors, dt)
    node.a = (d, [x.shape[d] for x in tensors])
    return _wrap(out, node)


concat = concatenate = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    tensors = list(tensors)
    d = _checks.stack_shapes([_shp(x) for x in tensors], dim)
    dt = _result_type(*tensors)
    nds = [_nd_of(x, dt) for x in tensors]
    rec = _needs(*tensors)
    out = _run(rec, lambda: _mnp.stack(nds, d))
    if not rec:
        return _wrap(out)
    node = _make_node(_Stack, tensors)
    _note_casts(node, tensors, dt)
    node.a = (d, len(tensors))
    return _wrap(out, node)


# indexing ------------------------------------------------------------------------------------


def _key(key: Any) -> Any:
    if isinstance(key, tuple):
        out: list = []
        for k in key:
            if isinstance(k, Tensor) and k.dtype is bool_ and k.dim():
                out.extend(_onp.nonzero(k._numpy()))  # a mask is its nonzero positions
            else:
                out.append(_key(k))
        return tuple(out)
    if isinstance(key, Tensor):
        if key.dtype is bool_:
            # MXNet's setitem reads a boolean numpy mask as 0/1 integer indices: use positions
            nz = _onp.nonzero(key._numpy())
            return nz[0] if len(nz) == 1 else nz
        if not key.dim():
            return key.item()
        return key._nd if key.dtype is int64 else _run(False, key._nd.astype, _onp.int64)
    if isinstance(key, list):
        return _onp.asarray(key)
    return key


def _index_kind(key: Any) -> str:
    # torch applies the index left to right (full slices are no-ops, advanced indices last);
    # the result's grad_fn is the last op applied.
    ks = key if isinstance(key, tuple) else (key,)
    name = "SliceBackward0"
    for k in ks:
        if isinstance(k, (Tensor, list, _onp.ndarray)) and not (
            isinstance(k, Tensor) and k.dim() == 0
        ):
            return "IndexBackward0"
        if isinstance(k, (_builtin_int, _onp.integer, Tensor)):
            name = "SelectBackward0"
        elif isinstance(k, slice) and k != slice(None):
            name = "SliceBackward0"
        elif k is None:
            name = "UnsqueezeBackward0"
    return name


_INDEX_BW_NAMES = {
    "IndexBackward0": "IndexPutImplBackward0",
    "SelectBackward0": "SelectBackwardBackward0",
    "SliceBackward0": "SliceBackwardBackward0",
}


def _r_index(n: Node, g: Tensor) -> Tensor:
    name = _INDEX_BW_NAMES.get(type(n).__name__, "IndexPutImplBackward0")
    return as_named(_index_rule(n, g), name)


def _index_rule(n: Node, g: Tensor) -> Tensor:
    shape, key, dt = n.a
    if isinstance(key, _NDArray):  # one integer index tensor on axis 0: scatter-add by matmul
        k = _shp(g)[0] if _shp(g) else 1
        idx = _wrap(key)
        nrow = shape[0]
        idx = where(lt(idx, 0), add(idx, nrow), idx)
        onehot = eq(reshape(idx, (-1, 1)), reshape(arange(nrow), (1, -1))).to(g.dtype)
        flat = mm(t(onehot), reshape(g, (k, -1)))
        return reshape(flat, shape)
    if _repeats(shape, key):
        raise NotImplementedError(
            "the gradient of indexing with repeated advanced indices is not supported by the "
            "torch dialect on mxnet outside MXNet's first-order engine (hooks, retain_grad, "
            "create_graph); index with unique indices or use index_select-free code"
        )
    return _index_put_backward(g, shape, key, dt)


def _repeats(shape: tuple, key: Any) -> bool:
    ks = key if isinstance(key, tuple) else (key,)
    if not any(isinstance(k, (_onp.ndarray, _NDArray)) and k.dtype != _onp.bool_ for k in ks):
        return False
    np_key = tuple(k.asnumpy() if isinstance(k, _NDArray) else k for k in ks)
    count = _onp.zeros(shape, dtype=_onp.int64)
    _onp.add.at(count, np_key, 1)
    return bool((count > 1).any())


def _r_index_put_bw(n: Node, g: Tensor) -> Tensor:
    return getitem(g, n.a)


_Index = {
    k: node_class(k, _r_index)
    for k in ("IndexBackward0", "SliceBackward0", "SelectBackward0", "UnsqueezeBackward0")
}
_IndexPutBw = node_class("IndexPutBackward", _r_index_put_bw)


def _index_put_backward(g: Tensor, shape: tuple, key: Any, dt: dtype) -> Tensor:
    # zeros of the input's shape with g written at key: the rule of indexing (keys without
    # repeated indices), itself an adapter op (its rule is indexing) so second order works.
    rec = _needs(g)

    def f() -> Any:
        z = _mnp.zeros(shape, dt.np)
        z[key] = g._nd
        return z

    out = _run(False, f)
    if not rec:
        return _wrap(out)
    node = _make_node(_IndexPutBw, (g,), fast=False)
    node.a = key
    return _wrap(out, node)


def _take0(nd: Any, idx: Any) -> Any:
    return _mnp.take(nd, idx, axis=0, mode="wrap")  # wrap: negative indices count from the end


def getitem(x: Tensor, key: Any, note: bool = True) -> Tensor:
    k = _key(key)
    rec = _needs(x)
    if isinstance(key, Tensor) and isinstance(k, _NDArray):
        # one integer index tensor: MXNet's `take` is one op; its NumPy-style advanced
        # indexing builds the index with several (about 10x slower on small arrays). `take`
        # does not check bounds, torch does.
        n = _shp(x)[0] if _shp(x) else 0
        iv = key._numpy()
        if iv.size and (iv.max() >= n or iv.min() < -n):
            bad = iv.max() if iv.max() >= n else iv.min()
            raise IndexError(f"index {bad} is out of bounds for dimension 0 with size {n}")
        out = _run(rec, _take0, x._nd, k)
    else:
        out = _run(rec, x._nd.__getitem__, k)
    kind = _index_kind(key)
    if not rec:
        res = _wrap(out)
    else:
        node = _make_node(_Index[kind], (x,))
        node.a = (tuple(x.shape), k, x.dtype)
        res = _wrap(out, node)
    if note and kind != "IndexBackward0":  # basic indexing: a view in torch
        shared = views.shares(x._nd, out, _data_ptr, x.numel() * x.dtype.itemsize)
        views.note(
            x,
            res,
            None if shared else lambda nd: _run(False, nd.__getitem__, k),
            lambda p: getitem(p, key, False),
            lambda p, new: _copy_slices(p, k, new),
        )
        if not rec and x.requires_grad:
            _no_grad_view(x, res)
    return res


def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    key = tuple([slice(None)] * _checks.wrap_dim(dim, x.dim()) + [slice(start, start + length)])
    return getitem(x, key)


def select(x: Tensor, dim: int, index: int) -> Tensor:
    key = tuple([slice(None)] * _checks.wrap_dim(dim, x.dim()) + [index])
    return getitem(x, key)


def _r_copyslices(n: Node, g: Tensor) -> tuple:
    key, vshape = n.a
    gx = None
    if _need(n, 0):
        gx = _mask_out(g, key)  # the overwritten positions get no gradient
    gv = _sum_to(getitem(g, key), vshape) if _need(n, 1) and vshape is not None else None
    return gx, gv


def _mask_out(g: Tensor, key: Any) -> Tensor:
    m = _run(False, lambda: _mnp.ones(g._nd.shape, _onp.bool_))
    _run(False, m.__setitem__, key, False)
    return where(_wrap(m), g, 0.0)  # +0.0 where overwritten, as torch (not -0.0 from g * 0)


_CopySlices = node_class("CopySlices", _r_copyslices)


def _check_inplace(x: Tensor, what: str = "a leaf Variable") -> None:
    if not x.requires_grad or x._node is not None:
        return
    if _mx_recording():  # MXNet forbids in-place writes to variables while recording
        raise MXNetError(MX_INPLACE)
    # torch forbids them on leaves that require grad; an MXNet variable (attach_grad) may be
    # updated in place outside record(), as MXNet allows (`w[:] = w - lr * w.grad`)
    if _state.grad_enabled and not _mxd._dialect.paused and x._mx_req is None:
        if "_no_grad_view" in x.__dict__:
            raise RuntimeError(views.NO_GRAD_VIEW_WRITE)
        raise RuntimeError(f"{what} that requires grad is being used in an in-place operation.")


def setitem(x: Tensor, key: Any, value: Any) -> None:
    _check_inplace(x, "a view of a leaf Variable")  # torch indexes (a view) before writing
    k = _key(key)
    dt = x.dtype
    v = _nd_of(value, dt) if isinstance(value, Tensor) else value
    recorded = _needs(x, value) and (x._node is not None or not x.requires_grad)
    _before_write(x, recorded)
    if recorded:
        # torch records index assignment on a non-leaf: rebuild out of place (CopySlices)
        _apply_inplace(x, _copy_slices(x, k, value, v))
        x._version += 1
        return
    x._version += 1
    with _Paused():
        if (k is Ellipsis or (type(k) is slice and k == slice(None))) and isinstance(v, _NDArray):
            _assign(x._nd, v)  # whole-array write: a copy instead of MXNet's slow setitem
        else:
            x._nd[k] = v
    _after_write(x)


def _copy_slices(x: Tensor, k: Any, value: Any, v: Any = None) -> Tensor:
    """``x`` with ``value`` written at the (converted) key ``k``, out of place and recorded."""
    if v is None:
        v = _nd_of(value, x.dtype) if isinstance(value, Tensor) else value
    new = _run(False, x._nd.copy)
    _run(False, new.__setitem__, k, v)
    node = _make_node(_CopySlices, (x, value), fast=False)
    node.a = (k, tuple(value.shape) if isinstance(value, Tensor) else None)
    return _wrap(new, node)


def _apply_inplace(x: Tensor, res: Tensor) -> None:
    """A recorded in-place op: ``x`` takes the value and graph of ``res`` (same dtype). When
    other tensors share ``x``'s memory, the value is written into that memory and every one of
    them gets a graph through the new one, as torch rebases views."""
    if "_family" in x.__dict__ and views.rebase(x, res, _write_back):
        return
    x._nd, x._node, x._idx = res._nd, res._node, res._idx
    object.__setattr__(x, "requires_grad", res.requires_grad)
    _rebound(x)


def _write_back(t: Tensor, new: Tensor, values: bool = True, via_view: bool = False) -> None:
    # `t` keeps its array (shared with its views) and takes `new`'s values and graph. MXNet's
    # graph of that array is now stale: the node is marked so the adapter's rules are used.
    if values:
        with _Paused():
            _raw.copy_into(new._nd, t._nd)
    d = t.__dict__
    if "_view_of" in d:
        as_named(new, "AsStridedBackward0")  # torch's name for a view regenerated after a write
    elif via_view:
        as_named(new, "CopySlices")  # torch's node for a base written through a view
    n = new._node
    if n is not None:
        n._fast = False
    d["_node"], d["_idx"], d["requires_grad"] = n, new._idx, new.requires_grad


def _before_write(x: Tensor, recorded: bool) -> None:
    if "_family" in x.__dict__:
        views.before_write(x, recorded, _state.grad_enabled and not _mxd._dialect.paused)


def _after_write(x: Tensor) -> None:
    if "_family" in x.__dict__:
        views.after_write(x, _refresh)


def _refresh(v: Tensor, new: Any) -> None:
    with _Paused():
        _raw.copy_into(new, v._nd)


def _rebound(x: Tensor) -> None:
    if "_family" in x.__dict__:
        views.leave(x)


# conversion ops ----------------------------------------------------------------------------


def to(x: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    dt = kwargs.get("dtype")
    copy = kwargs.get("copy", False)
    for a in args:
        if isinstance(a, dtype):
            dt = a
        elif isinstance(a, Tensor):
            dt = a.dtype
    if dt is None or dt is x.dtype:
        return clone(x) if copy else x
    dt = _as_dtype(dt)
    rec = _needs(x) and dt._cat == 2
    out = _run(rec, lambda: _off_leaf(x, rec).astype(dt.np))
    if not rec:
        return _wrap(out)
    node = _make_node(_ToCopy, (x,))
    node.a = x.dtype
    return _wrap(out, node)


# creation ----------------------------------------------------------------------------------


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.clone()."
            "detach() or sourceTensor.clone().detach().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
    _check_bool("tensor", "requires_grad", requires_grad)
    nd, dt = _to_nd(data, _as_dtype(dtype) if dtype is not None else None)
    t = _wrap(nd)
    if requires_grad:
        if dt._cat != 2:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    if isinstance(data, Tensor) and (dtype is None or _as_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype)


def from_numpy(a: _onp.ndarray) -> Tensor:
    return tensor(a)


def _creation(fn: Callable) -> Callable:
    def make(
        *size: Any,
        dtype: Any = None,
        requires_grad: bool = False,
        device: Any = None,
        out: Any = None,
        **kw: Any,
    ) -> Tensor:
        _check_bool(fn.__name__, "requires_grad", requires_grad)
        dt = _as_dtype(dtype) if dtype is not None else _default_dtype
        shape = _shape_arg(size)
        t = _wrap(_run(False, fn, shape, dt.np))
        if requires_grad:
            t.requires_grad_(True)
        return t

    return make


zeros = _creation(_mnp.zeros)
ones = _creation(_mnp.ones)
empty = zeros


def full(
    size: Any,
    fill_value: Any,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    dt = _as_dtype(dtype) if dtype is not None else _scalar_dtype(fill_value)
    t = _wrap(_run(False, _mnp.full, tuple(size), fill_value, dt.np))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _like(fn: Callable) -> Callable:
    def make(
        x: Tensor, *, dtype: Any = None, requires_grad: bool = False, device: Any = None
    ) -> Tensor:
        return fn(tuple(x.shape), dtype=dtype or x.dtype, requires_grad=requires_grad)

    return make


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = zeros_like


def full_like(
    x: Tensor, fill_value: Any, *, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    return full(tuple(x.shape), fill_value, dtype=dtype or x.dtype, requires_grad=requires_grad)


def _from_torch(tt: Any, requires_grad: bool = False) -> Tensor:
    t = tensor(tt.numpy())
    if requires_grad:
        t.requires_grad_(True)
    return t


def _via_torch(name: str) -> Callable:
    # Values come from real torch (same numbers, same seeds, same dtype rules), then move.
    def make(*args: Any, requires_grad: bool = False, **kwargs: Any) -> Tensor:
        import torch

        kwargs.pop("device", None)
        if "dtype" in kwargs and isinstance(kwargs["dtype"], dtype):
            kwargs["dtype"] = getattr(torch, kwargs["dtype"].name)
        args = tuple(
            a._numpy().item() if isinstance(a, Tensor) and a.dim() == 0 else a for a in args
        )
        if name in ("normal",):
            args = tuple(torch.from_numpy(a._numpy()) if isinstance(a, Tensor) else a for a in args)
        return _from_torch(getattr(torch, name)(*args, **kwargs), requires_grad)

    make.__name__ = name
    return make


arange = _via_torch("arange")
linspace = _via_torch("linspace")
eye = _via_torch("eye")
rand = _via_torch("rand")
randn = _via_torch("randn")
randint = _via_torch("randint")
normal = _via_torch("normal")
randperm = _via_torch("randperm")


def rand_like(x: Tensor, **kw: Any) -> Tensor:
    return rand(tuple(x.shape), dtype=kw.pop("dtype", x.dtype), **kw)


def randn_like(x: Tensor, **kw: Any) -> Tensor:
    return randn(tuple(x.shape), dtype=kw.pop("dtype", x.dtype), **kw)


def manual_seed(seed: int) -> Any:
    import torch

    return torch.manual_seed(seed)


def seed() -> int:
    import torch

    return torch.seed()


def initial_seed() -> int:
    import torch

    return torch.initial_seed()


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def numel(x: Tensor) -> int:
    return x.numel()


# --- Tensor methods and operators -----------------------------------------------------------


def _assign(dst: Any, src: Any) -> None:
    """Write ``src`` (array or scalar) into all of ``dst`` (MXNet not recording).

    MXNet's ``dst[...] = src`` costs ~5x a copy, so whole-array writes use ``copyto`` and
    ``full_like(out=)``.
    """
    if isinstance(src, _NDArray):
        if src.shape == dst.shape and src.dtype == dst.dtype:
            if src.handle.value != dst.handle.value:  # copyto of an array to itself is a no-op
                _raw.copy_into(src, dst)
        else:
            dst[...] = _mnp.broadcast_to(src.astype(dst.dtype), dst.shape)
    elif type(src) in _PLAIN_SCALARS and src == 0 and math.copysign(1.0, src) > 0:
        _raw.zero(dst)  # gradient buffers after `.grad = None`, zero_() (not -0.0)
    elif type(src) in _PLAIN_SCALARS and src == 0:
        # -0.0: MXNet's full_like stores +0.0 (the scalar goes through a string); torch keeps
        # the sign, so negate a zeroed buffer
        _raw.zero(dst)
        _mnp.negative(dst, out=dst)
    else:
        _mnp.full_like(dst, src, out=dst)


reciprocal = _unary(
    "ReciprocalBackward0",
    _mnp.reciprocal,
    lambda n, g: mul(g, neg(mul(_saved(n)[0], _saved(n)[0]))),
    save="out",
)


def _softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    from .nn import functional

    return functional.softmax(self, dim, dtype=dtype)


def _log_softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    from .nn import functional

    return functional.log_softmax(self, dim, dtype=dtype)


softmax = _softmax_method
log_softmax = _log_softmax_method


def allclose(
    a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    return bool(_onp.allclose(a._numpy(), b._numpy(), rtol, atol, equal_nan))


def equal(a: Tensor, b: Tensor) -> bool:
    return a.equal(b)


def isclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> Tensor:
    return tensor(_onp.isclose(a._numpy(), b._numpy(), rtol, atol))
