"""The ``Tensor`` of the torch dialect on MXNet: storage, attributes, ``.grad``, hooks, printing.

A :class:`Tensor` wraps one ``mxnet.numpy.ndarray`` (``_nd``); its graph node is ``_node`` (None
for a leaf) and output index ``_idx``. Leaves that require grad are MXNet variables with
``grad_req='add'`` (torch accumulates); ``.grad`` of such a leaf is MXNet's gradient buffer.

The ops, operators and the methods that run ops or the backward engines (``backward``,
``contiguous``, ``copy``, ``add`` ...) are installed on the class by :mod:`.methods` at package
import: this module sits below the ops.
"""

from __future__ import annotations

import ctypes
import math
import sys
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import mxnet as _mx
import numpy as _onp
from mxnet.base import _LIB

from . import _checks, views
from ._raw import assign
from .dtypes import _BY_NP, _builtin_float, _builtin_int, _default_dtype, dtype, float32, int64
from .errors import NON_LEAF_GRAD, _check_bool, not_supported
from .graph import AccumulateGrad, Node, RemovableHandle
from .scopes import _byref, _Paused, _run

_mnp = _mx.np
_NDArray = _mx.nd.NDArray


class Size(tuple):
    """``torch.Size``: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)!r})"

    def numel(self) -> int:
        return math.prod(self)


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        return tuple(shape[0])
    return tuple(shape)


class _VariableMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tensor)


_get_data = _LIB.MXNDArrayGetData


def _data_ptr(nd: Any) -> int | None:
    # MXNDArrayGetData does not wait for the engine: on an array whose first write is still
    # pending (memory allocated lazily by that write) it races with the write and can leave the
    # array on uninitialised memory. Wait for pending writes first.
    nd.wait_to_read()
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
                assign(buf, 0)
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
                assign(self._nd, value._nd)
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
                    assign(self._grad_buffer()._nd, old._nd)
        self._nd = nd
        _rebound(self)

    def cpu(self) -> Tensor:
        return self

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


def _rebound(x: Tensor) -> None:
    """``x`` took a new array: it leaves the views that shared the old one."""
    if "_family" in x.__dict__:
        views.leave(x)
