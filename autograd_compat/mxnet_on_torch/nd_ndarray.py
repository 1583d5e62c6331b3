"""``mxnet.ndarray.ndarray`` on torch: the legacy ``NDArray`` class and the module's names.

Why a subclass, and why it is cheap
-----------------------------------
Legacy MXNet code reads ``x.size`` and ``x.shape`` as attributes, expects ``x.sum()`` to have
shape ``(1,)``, prints ``\\n[1. 2.]\\n<NDArray 2 @cpu(0)>`` and compares ``x.dtype`` with numpy
types: a plain tensor cannot do that without changing torch for everyone. ``NDArray`` is a
``torch.Tensor`` subclass with torch's subclass dispatch switched off
(``_disabled_torch_function_impl``): torch ops run at native speed and return plain tensors, and
the class's own methods, operators and the ``nd`` functions re-type their results in place
(``r.__class__ = NDArray``, one attribute store: no copy, no autograd node).

``x.dtype`` is a numpy type that also equals the matching torch dtype (``x.dtype ==
numpy.float32`` and ``x.dtype == torch.float32`` both hold), so the autograd core, which compares
dtypes of buffers and gradients, works on these arrays unchanged. Passing ``x.dtype`` to a torch
function as ``dtype=`` raises ``TypeError``: use ``dtypes.to_dtype(x.dtype)``.

The element-wise, reduction and shape methods (``x.sum``, ``x.exp``, ``x.transpose``, ...) are
the ``nd`` functions; :mod:`.nd` installs them on the class when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from . import autograd as _ag
from . import nd_int_ops as _int_ops
from . import tensor_methods as _tm
from .array_base import as_nd_ndarray, as_np_ndarray, register_array_class
from .base import INPLACE_WHILE_RECORDING, MXNetError
from .context import context_of, with_context
from .dtypes import np_dtype, to_dtype
from .int_variables import float_cast
from .nd_indexing import (
    ARITHMETIC,
    check_empty_slice,
    check_recorded_write,
    flip_negative_steps,
    operator_error,
    value_shape_error,
)
from .nd_reshape import infer_reshape
from .untracked_ops import connect_compared, remember_compared, scalar_operand

__all__ = ["NDArray", "py_slice", "wrap_nd"]

py_slice = slice

_Tensor = torch.Tensor
_TensorBase = torch._C.TensorBase
_shape_get = _TensorBase.shape.__get__
_dtype_get = _TensorBase.dtype.__get__
_grad_get = _TensorBase.grad.__get__
_grad_fn_get = _TensorBase.grad_fn.__get__
_getitem = _TensorBase.__getitem__
_setitem = _TensorBase.__setitem__
_is_grad_enabled = torch.is_grad_enabled
_set_grad_enabled = torch._C._set_grad_enabled
# Inside, torch calls skip the per-argument look-up of __torch_function__ on subclass tensors
# (NDArray switches it off anyway; torch function modes still apply).
_no_subclass_dispatch = torch._C.DisableTorchFunctionSubclass
_INTEGER = {torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64}
_I64_MIN, _I64_MAX = -(2**63), 2**63 - 1


class _DType:
    """``x.dtype`` of an ``NDArray``: MXNet's numpy type, equal to the torch dtype as well.

    Equal to (and hashing as) the numpy type, so ``x.dtype == np.float32``, ``{np.float32: 0}
    [x.dtype]`` and ``np.dtype(x.dtype)`` work as in MXNet; equal to the torch dtype too, so
    torch-side code comparing dtypes of arrays keeps working. Prints as the numpy type.
    """

    __slots__ = ("type", "torch", "dtype")

    def __init__(self, np_type: type, torch_dtype: torch.dtype) -> None:
        self.type = np_type
        self.torch = torch_dtype
        self.dtype = np.dtype(np_type)  # numpy reads this: np.dtype(x.dtype), astype(x.dtype)

    def __eq__(self, other: object) -> bool:
        if other is self or other is self.type or other is self.torch:
            return True
        if isinstance(other, _DType | torch.dtype | str):
            return False  # numpy's types are not equal to their names either
        if isinstance(other, type | np.dtype):
            try:
                return np.dtype(other) == self.dtype
            except TypeError:
                return False
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self) -> int:
        return hash(self.type)

    def __repr__(self) -> str:
        return repr(self.type)

    __str__ = __repr__

    def __call__(self, *args: Any) -> Any:
        return self.type(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.type, name)

    def __reduce__(self) -> Any:
        return (np.dtype, (self.dtype.str,))


_DTYPE_OF: dict[torch.dtype, _DType] = {}
for _t in (torch.float16, torch.float32, torch.float64, torch.uint8, torch.int8, torch.int32,
           torch.int64, torch.bool):  # fmt: skip
    _DTYPE_OF[_t] = _DType(np_dtype(_t), _t)


def _shape_text(shape: tuple) -> str:
    return "x".join(str(d) for d in shape)


class _NDArrayMeta(type(torch.Tensor)):  # type: ignore[misc]
    # MXNet's np ndarray subclasses the legacy NDArray, so isinstance(np_array, nd.NDArray) is
    # true there (MXNet's tests branch on it). Here the two are sibling tensor classes; this hook
    # gives the same answer without sharing methods (np arrays mark themselves "np").
    def __instancecheck__(cls, obj: Any) -> bool:
        if type.__instancecheck__(cls, obj):
            return True
        return cls is NDArray and getattr(type(obj), "_mx_array_kind", None) == "np"


class NDArray(torch.Tensor, metaclass=_NDArrayMeta):
    """An array of MXNet's legacy ``nd`` interface, backed by a ``torch.Tensor``.

    Create them with ``nd.array``, ``nd.zeros``, ``nd.arange``, ... rather than the constructor.
    """

    __torch_function__ = torch._C._disabled_torch_function_impl
    # Defining __eq__ below would make the arrays unhashable; torch hashes by id, as MXNet does.
    __hash__ = _Tensor.__hash__
    # Not an MXNet variable until attach_grad().
    _mx_grad_req: str | None = None
    # Gradients that autograd.grad returns for a variable of this class take the class too.
    _mx_array_kind = "nd"
    # The context when it is not the device's default (an instance attribute only then).
    _mx_ctx: Any = None
    # torch's dtype under another name (``dtype`` is MXNet's); internal code reads this one.
    _torch_dtype = _TensorBase.dtype
    # Legacy arrays hold no sparse data here: every array has the default storage type.
    stype = "default"

    # --- attributes ----------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:  # type: ignore[override]
        """The shape as a tuple of ints."""
        return tuple(_shape_get(self))

    @property
    def size(self) -> int:  # type: ignore[override]
        """The number of elements (an attribute, as in MXNet; torch's is a method)."""
        return self.numel()

    @property
    def dtype(self) -> Any:  # type: ignore[override]
        """The numpy type of the elements (``numpy.float32``, ...)."""
        return _DTYPE_OF[self._torch_dtype]

    @property
    def context(self) -> Any:
        """The MXNet context the array lives on (``cpu(0)``, ``gpu(1)``, ...)."""
        return context_of(self)

    ctx = context

    @property
    def T(self) -> NDArray:  # type: ignore[override]  # noqa: N802
        """A copy with the axes reversed."""
        r = _TensorBase.permute(self, tuple(range(self.dim() - 1, -1, -1))).contiguous()
        return _retype_like(r, self)

    @property
    def grad(self) -> NDArray | None:  # type: ignore[override]
        """The gradient buffer (an ``NDArray``), or ``None`` when none is attached."""
        if _grad_fn_get(self) is not None:
            return None  # a computed array: MXNet gives None, without torch's non-leaf warning
        g = _grad_get(self)
        if g is not None and type(g) is _Tensor:
            g.__class__ = NDArray
        return g

    @grad.setter
    def grad(self, value: torch.Tensor | None) -> None:
        _TensorBase.grad.__set__(self, value)

    @property
    def _fresh_grad(self) -> int:
        """1 when a backward wrote the gradient since it was attached or last set to 0, else 0
        (MXNet's ints). Read from the buffer's version counter, so a write by the user into
        ``.grad`` counts as fresh too (MXNet counts backward writes only)."""
        g = _grad_get(self) if self._mx_grad_req is not None else None
        if g is None:
            return 0
        return int(g._version != g.__dict__.get("_mx_seen_version", 0))

    @_fresh_grad.setter
    def _fresh_grad(self, state: Any) -> None:
        g = _grad_get(self) if self._mx_grad_req is not None else None
        if g is None:
            raise MXNetError(
                "NDArray has not been marked as a variable and does not have gradient state. "
                "Hint: call attach_grad() first."
            )
        g._mx_seen_version = -1 if state else g._version

    @property
    def writable(self) -> bool:
        return True

    # MXNet's NDArray has no all/any: numpy's np.all(x) then converts the array instead of
    # calling torch's methods with numpy's keywords.
    @property
    def all(self) -> Any:  # type: ignore[override]
        raise AttributeError("'NDArray' object has no attribute 'all'")

    @property
    def any(self) -> Any:  # type: ignore[override]
        raise AttributeError("'NDArray' object has no attribute 'any'")

    # --- conversions ---------------------------------------------------------------------

    def asnumpy(self) -> np.ndarray:
        """A numpy copy of the values."""
        return _TensorBase.cpu(_TensorBase.detach(self)).numpy().copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = _TensorBase.cpu(_TensorBase.detach(self)).numpy()
        # A copy, never a view: writing into the numpy array must not change this array behind
        # MXNet's back (MXNet's own numpy.asarray gives an object array, unrelated memory).
        return a.copy() if dtype is None else a.astype(dtype)

    def asscalar(self) -> Any:
        """The value of a one-element array as a numpy scalar."""
        if self.numel() != 1:
            raise ValueError("The current array is not a scalar")
        return self.asnumpy()[0] if self.dim() == 1 else self.asnumpy()[()]

    def item(self) -> Any:  # type: ignore[override]
        return _TensorBase.item(_TensorBase.detach(self))

    def tolist(self) -> Any:  # type: ignore[override]
        return _TensorBase.tolist(_TensorBase.detach(self))

    def __float__(self) -> float:
        return float(self.asscalar())

    def __int__(self) -> int:
        return int(self.asscalar())

    def __bool__(self) -> bool:
        n = self.numel()
        if n == 0:
            return False
        if n == 1:
            return bool(self.asscalar())
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def astype(self, dtype: Any, copy: bool = True) -> NDArray:
        """This array converted to ``dtype`` (``self`` when ``copy=False`` and it has it)."""
        if not copy and to_dtype(dtype) == _dtype_get(self):
            return self
        if "_mx_shadow" in self.__dict__:  # an integer variable to a float inside record()
            r = float_cast(self, to_dtype(dtype))
            if r is not None:
                return _retype_like(r, self)
        return _retype_like(_tm.astype(self, dtype), self)

    def as_np_ndarray(self) -> Any:
        """The array as an ``mxnet.numpy.ndarray`` sharing its memory."""
        return as_np_ndarray(self)

    def as_nd_ndarray(self) -> NDArray:
        return as_nd_ndarray(self)

    def tostype(self, stype: str) -> NDArray:
        """A copy with storage type ``stype`` (only ``'default'`` exists on the torch backend)."""
        if stype != "default":
            raise NotImplementedError(
                f"tostype({stype!r}): sparse storage types are not supported on the torch "
                "backend. Hint: keep the default storage type (torch.sparse has sparse tensors)"
            )
        return _retype_like(_tm.copy(self), self)

    def copy(self) -> NDArray:
        """A copy that does not share memory; differentiable inside ``record()``."""
        return _retype_like(_tm.copy(self), self)

    def copyto(self, other: Any) -> NDArray:
        """Copy into the array ``other`` (returned), or to the context ``other`` (a new array)."""
        r = _tm.copyto(self, other)
        if r is other:
            return r
        return _with_ctx(wrap_nd(r), other)

    def as_in_context(self, context: Any) -> NDArray:
        """This array on ``context``: ``self`` when it is already there, else a copy."""
        if context == context_of(self):
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def detach(self) -> NDArray:  # type: ignore[override]
        return _retype_like(_TensorBase.detach(self), self)

    def wait_to_read(self) -> None:
        """No-op: torch CPU ops are synchronous."""

    def wait_to_write(self) -> None:
        """No-op: torch CPU ops are synchronous."""

    # --- autograd ------------------------------------------------------------------------

    def attach_grad(self, grad_req: str = "write", stype: str | None = None) -> None:
        """Make this array a variable: ``.grad`` becomes zeros and ``backward`` fills it."""
        _ag.check_grad_req(grad_req)
        if stype not in (None, "default"):
            raise NotImplementedError(
                f"attach_grad(stype={stype!r}): sparse gradients are not supported on the torch "
                "backend; use the default storage type"
            )
        _ag.make_variable(self, wrap_nd(torch.zeros_like(self)), grad_req)

    def backward(  # type: ignore[override]
        self, out_grad: Any = None, retain_graph: bool = False, train_mode: bool = True
    ) -> None:
        """Gradients of this head into the variables' ``.grad`` (MXNet's rules)."""
        # The flags are checked, not cast: MXNet raises TypeError on retain_graph='yes'.
        connect_compared(self)
        _ag._backward([self], [out_grad], retain_graph, train_mode)

    # --- shape ---------------------------------------------------------------------------

    def reshape(self, *shape: Any, **kwargs: Any) -> NDArray:  # type: ignore[override]
        """A view with a new shape; MXNet's codes ``0, -1, -2, -3, -4`` and ``reverse=True``."""
        reverse = bool(kwargs.pop("reverse", False))
        if "shape" in kwargs:
            shape = kwargs.pop("shape")
        elif len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        if kwargs:
            raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
        target = infer_reshape(tuple(_shape_get(self)), tuple(shape), reverse)
        return _retype_like(_TensorBase.view(self, target), self)

    def reshape_like(self, *args: Any, **kwargs: Any) -> NDArray:
        """A view with the shape of the given array."""
        (other,) = args or (kwargs.pop("rhs"),)
        return self.reshape(tuple(_shape_get(other)))

    def squeeze(self, axis: Any = None, inplace: bool = False) -> NDArray:  # type: ignore[override]
        """Axes of length 1 removed (a view with ``inplace=True``, else a copy)."""
        axes = range(self.dim()) if axis is None else _axis_list(axis, self.dim())
        shape = [d for i, d in enumerate(_shape_get(self)) if not (i in axes and d == 1)]
        if axis is not None and len(shape) != self.dim() - len(axes):
            raise MXNetError(
                f"squeeze: cannot remove axis {axis} of shape {self.shape}: only axes of length "
                "1 can be squeezed"
            )
        r = _TensorBase.view(self, shape or [1])
        return _retype_like(r if inplace else r.clone(), self)

    def expand_dims(self, axis: int, inplace: bool = False) -> NDArray:
        """A new axis of length 1 at ``axis`` (a view with ``inplace=True``, else a copy)."""
        r = _TensorBase.unsqueeze(self, axis)
        return _retype_like(r if inplace else r.clone(), self)

    # --- indexing ------------------------------------------------------------------------

    def __getitem__(self, key: Any) -> NDArray:
        # The common keys first (an int, a forward slice, an index array), each with the fewest
        # calls into torch: every call given an NDArray pays torch's subclass check.
        tk = type(key)
        if tk is int:
            if not _I64_MIN < key < _I64_MAX:  # torch would warn, or raise ValueError
                raise _out_of_bounds(self, key)
            if self.dim() == 1:
                # A (1,) view directly (legacy arrays have no 0-d results), without a reshape;
                # a key out of bounds gives an empty slice.
                r = _getitem(self, slice(key, key + 1 or None))
                if not r.numel():
                    raise _out_of_bounds(self, key)
            else:
                r = _getitem(self, key)  # first-axis basic index: a view of contiguous memory
                if not r.is_contiguous():
                    r = r.contiguous()
        elif tk is slice and (key.step is None or key.step > 0):
            r = _getitem(self, key)  # never 0-d: a slice keeps the axis
            if not r.numel():
                check_empty_slice(key, _shape_get(self))  # x[5:2] raises in MXNet
            if not r.is_contiguous():
                r = r.contiguous()
        else:
            if tk is NDArray or tk is _Tensor:  # advanced indexing: no slice to flip
                r = _getitem(self, key.long() if key.is_floating_point() else key)
            else:
                key = _index_key(key)
                flipped = flip_negative_steps(key, _shape_get(self))
                if flipped is None:
                    r = _getitem(self, key)
                elif flipped[0]:  # negative steps: a copy, as in MXNet
                    r = _getitem(torch.flip(self, flipped[0]), flipped[1])
                else:  # one element each: forward slices
                    r = _getitem(self, flipped[1])
                if not r.numel():
                    check_empty_slice(key, _shape_get(self))
            # Basic indexing gives a view where the part is contiguous, else a copy (MXNet).
            if r._is_view() and not r.is_contiguous():
                r = r.contiguous()
            if r.dim() == 0:
                r = r.reshape(1)  # legacy arrays have at least one axis
        if type(r) is _Tensor:
            r.__class__ = NDArray
        ctx = self._mx_ctx
        if ctx is not None:
            r._mx_ctx = ctx
        return r

    def __setitem__(self, key: Any, value: Any) -> None:
        value0 = value  # for the error below: the body converts value
        try:
            if not isinstance(value, torch.Tensor | int | float | bool):
                # MXNet accepts numpy arrays and nested lists as values; torch wants tensors.
                value = torch.as_tensor(
                    np.asarray(value), dtype=_dtype_get(self), device=self.device
                )
            else:
                if _ag._state.recording and self._mx_grad_req is None:
                    check_recorded_write(self, value, key)
                if not isinstance(value, int | float) and _dtype_get(value) is not _dtype_get(self):
                    # MXNet casts the value to the array's dtype (torch's index_put refuses a
                    # mismatch: x[index_array] = float_array into an int array).
                    value = _TensorBase.to(value, _dtype_get(self))
            tk = type(key)
            if tk is not int and (tk is not slice or (key.step is not None and key.step < 0)):
                key = _index_key(key)
                flipped = flip_negative_steps(key, _shape_get(self))
                if flipped is not None:
                    # Negative steps: write the flipped array, then the whole array back.
                    axes, key = flipped
                    whole = torch.flip(self, axes)
                    _setitem(whole, key, value)
                    key, value = Ellipsis, torch.flip(whole, axes)
            if self._mx_grad_req is None:
                if _grad_fn_get(self) is not None and not _ag._state.recording:
                    _tm.outside_record(self, _setitem, (key, value))  # MXNet: values only, no graph
                    return
                _setitem(self, key, value)
                return
            # An MXNet variable: refused while recording, untracked outside (MXNet's rule).
            if _ag._state.recording:
                raise MXNetError(INPLACE_WHILE_RECORDING)
            prev = _is_grad_enabled()
            try:  # set inside the try, so an interrupt cannot leave grad mode off
                _set_grad_enabled(False)
                _setitem(self, key, value)
            finally:
                _set_grad_enabled(prev)
        except RuntimeError as exc:
            err = value_shape_error(exc, value0, legacy=True)
            if err is None:
                raise
            raise err from None

    def __iter__(self) -> Iterator[NDArray]:
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(_shape_get(self)[0]))

    # --- printing, copying, pickling -----------------------------------------------------

    def __repr__(self, *args: Any, **kwargs: Any) -> str:
        shape = _shape_text(tuple(_shape_get(self)))
        return f"\n{self.asnumpy()}\n<NDArray {shape} @{context_of(self)}>"

    __str__ = __repr__

    def __format__(self, fmt: str) -> str:
        return format(str(self), fmt)

    def __deepcopy__(self, memo: dict) -> NDArray:
        # MXNet's copies (through its pickling) land on the device's default context.
        r = wrap_nd(_TensorBase.detach(self).clone())
        memo[id(self)] = r
        return r

    def __reduce_ex__(self, protocol: Any) -> tuple:
        # The values and the device, rebuilt by this module's function (never a class path that
        # only the `mxnet` alias resolves). Gradients, graph and a cpu(i) context are not
        # pickled: MXNet's pickles hold the values, and unpickle on the default context.
        return (_rebuild, (_TensorBase.detach(self).clone(),))


def _rebuild(values: torch.Tensor) -> NDArray:
    return wrap_nd(values)


# torch.load(weights_only=True), torch's default, accepts only allow-listed functions.
_tm.allow_in_torch_load(_rebuild)

NDArray.__module__ = "mxnet.ndarray.ndarray"
NDArray.__qualname__ = "NDArray"
register_array_class("nd", NDArray)
_ag.register_grad_array_class(NDArray)
# MXNet's mxnet/autograd.py imports NDArray and has no __all__, so `from mxnet.autograd import *`
# gives NDArray too (MXNet's own tests rely on it). autograd sits below the arrays: the class
# registers itself there.
_ag.NDArray = NDArray
if "NDArray" not in _ag.__all__:
    _ag.__all__.append("NDArray")


def wrap_nd(r: Any) -> Any:
    """Re-type plain tensors in ``r`` (a tensor, or a tuple/list of them) as ``NDArray``.

    The tensor object itself changes class: no copy, no graph node. Non-tensors pass through.
    """
    if type(r) is _Tensor:
        r.__class__ = NDArray
        return r
    if isinstance(r, tuple | list):
        return type(r)([wrap_nd(x) for x in r])
    return r


def _retype_like(r: torch.Tensor, src: torch.Tensor) -> NDArray:
    # The result of an op on `src`: an NDArray on src's context.
    if type(r) is _Tensor:
        r.__class__ = NDArray
    ctx = src._mx_ctx
    if ctx is not None:
        r._mx_ctx = ctx
    return r


def _with_ctx(r: Any, ctx: Any) -> Any:
    return with_context(r, ctx) if ctx is not None and not isinstance(ctx, torch.Tensor) else r


def _axis_list(axis: Any, ndim: int) -> list[int]:
    axes = [axis] if isinstance(axis, int) else list(axis)
    return [a % ndim if ndim else a for a in axes]


def _out_of_bounds(t: torch.Tensor, key: int) -> IndexError:
    n = _shape_get(t)[0] if t.dim() else 0
    return IndexError(f"index {key} is out of bounds for axis 0 with size {n}")


def _index_key(key: Any) -> Any:
    # MXNet accepts float index arrays (nd.array(list_of_ints) is float32) and numpy/list
    # indices; torch wants integer tensors.
    if isinstance(key, torch.Tensor):
        return key.long() if key.is_floating_point() else key
    if isinstance(key, np.ndarray):
        return torch.from_numpy(key.astype(np.int64) if key.dtype.kind == "f" else key)
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    return key


# --- operators ----------------------------------------------------------------------------


def _mixed(name: str, a: Any, b: Any) -> MXNetError:
    return MXNetError(
        f"{name}: the arrays have different dtypes ({np_dtype(_dtype_get(a)).__name__}, "
        f"{np_dtype(_dtype_get(b)).__name__}). Hint: cast them to one dtype with astype() first."
    )


def _operator(name: str, fn: Callable[..., Any], reflected: bool = False) -> Callable[..., Any]:
    """An arithmetic operator with MXNet's dtype rules: a scalar takes the array's dtype (an
    integer array truncates it), two arrays must share a dtype, integer division truncates."""
    # Integer arrays compute these in ways of their own (nd_int_ops): no dtype-blind fast path.
    int_rule = name in _int_ops.ARRAY_OPS
    fast = not int_rule

    def op(self: torch.Tensor, other: Any) -> Any:
        try:
            # The hot paths read as few dtypes as they can (each read of an NDArray's pays torch's
            # subclass check); type() tests first, as isinstance(_, torch.Tensor) goes through
            # torch's metaclass.
            tp = type(other)
            if tp is int and fast and -2147483648 <= other <= 2147483647:
                # Every dtype's rule ends in this very call (an int32-range int is what MXNet's
                # kernel sees): no dtype to read.
                r = fn(self, other)
                if type(r) is _Tensor:
                    r.__class__ = NDArray
                    ctx = self._mx_ctx
                    if ctx is not None:
                        r._mx_ctx = ctx
                return r
            if tp is NDArray and type(self) is NDArray:
                # Two arrays: torch's look-ups of __torch_function__ (switched off on both; a
                # subclass may switch it back on) are skipped for the dtype reads and the kernel.
                with _no_subclass_dispatch():
                    dt = self._torch_dtype
                    if other._torch_dtype is not dt:
                        raise _mixed(name, self, other)
                    r = (
                        _int_ops.array_op(name, self, other, dt)
                        if int_rule and dt in _INTEGER
                        else fn(self, other)
                    )
                r.__class__ = NDArray
                ctx = self._mx_ctx
                if ctx is not None:
                    r._mx_ctx = ctx
                return r
            dt = self._torch_dtype
            if (
                tp is NDArray
                or tp is _Tensor
                or (tp is not float and tp is not int and isinstance(other, torch.Tensor))
            ):
                if _dtype_of(other, tp) is not dt:
                    raise _mixed(name, self, other)
                if int_rule and dt in _INTEGER:
                    r = _int_ops.array_op(name, self, other, dt)
                else:
                    r = fn(self, other)
            elif dt in _INTEGER:
                if not isinstance(other, int | float | bool | np.number):
                    return NotImplemented
                r = _int_ops.scalar_op(
                    name, self, other, dt
                )  # the scalar as MXNet's kernel sees it
            else:
                r = fn(self, other)
            if type(r) is _Tensor:
                r.__class__ = NDArray
                ctx = self._mx_ctx
                if ctx is not None:
                    r._mx_ctx = ctx
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    op.__name__ = op.__qualname__ = name
    return op


def _dtype_of(t: torch.Tensor, tp: type) -> torch.dtype:
    # Attribute access through the type slot is several times faster than calling the
    # descriptor's __get__.
    if tp is NDArray:
        return t._torch_dtype
    return t.dtype if tp is _Tensor else _dtype_get(t)


def _comparison(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """A comparison giving 0/1 in the array's dtype, as legacy MXNet does."""

    def op(self: torch.Tensor, other: Any) -> Any:
        try:
            dt = self._torch_dtype
            tp = type(other)
            if tp is NDArray or tp is _Tensor or isinstance(other, torch.Tensor):
                if _dtype_of(other, tp) is not dt:
                    raise _mixed(name, self, other)
            elif not isinstance(other, int | float | bool | np.number):
                return _type_error(name, other)
            elif dt in _INTEGER:
                other = _int_ops.scalar_of(other, dt)  # MXNet: x < 0.5 is x < 0
            r = _TensorBase.to(fn(self, other), dt)
            r.__class__ = NDArray
            if _ag._state.recording:
                remember_compared(r, self, other)  # MXNet records comparisons (zero gradients)
            ctx = self._mx_ctx
            if ctx is not None:
                r._mx_ctx = ctx
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    op.__name__ = op.__qualname__ = name
    return op


def _type_error(name: str, other: Any) -> Any:
    raise TypeError(f"NDArray.{name}: type {type(other).__name__} not supported")


def _unary(name: str) -> Callable[..., Any]:
    fn = getattr(_Tensor, name)

    def op(self: torch.Tensor) -> Any:
        return _retype_like(fn(self), self)

    op.__name__ = op.__qualname__ = name
    return op


for _name in ("__add__", "__radd__", "__sub__", "__mul__", "__rmul__", "__truediv__",
              "__mod__", "__pow__"):  # fmt: skip
    # The C methods themselves (some of torch.Tensor's are Python wrappers around them).
    setattr(NDArray, _name, _operator(_name, getattr(_TensorBase, _name, getattr(_Tensor, _name))))
for _name, _fn in (
    ("__rsub__", lambda a, b: torch.sub(b, a)),
    ("__rtruediv__", lambda a, b: torch.div(b, a)),
    ("__rmod__", lambda a, b: torch.remainder(scalar_operand(b, a), a)),
    ("__rpow__", lambda a, b: torch.pow(b, a)),
):
    setattr(NDArray, _name, _operator(_name, _fn, reflected=True))
for _name in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
    setattr(NDArray, _name, _comparison(_name, getattr(_TensorBase, _name)))
for _name in ("__neg__", "__abs__"):
    setattr(NDArray, _name, _unary(_name))


def _no_floordiv(self: Any, other: Any) -> Any:
    raise TypeError("unsupported operand type(s) for //: MXNet's NDArray has no floor division")


NDArray.__floordiv__ = NDArray.__rfloordiv__ = _no_floordiv  # type: ignore[method-assign]

# In-place operators of NDArray variables keep MXNet's rule (refused while recording, untracked
# outside); __setitem__ is the class's own.
_tm.add_inplace_guards(NDArray)


def _inplace(name: str) -> Callable[..., Any]:
    """An in-place operator with the dtype rules of :func:`_operator` (an integer array takes a
    scalar truncated to its dtype, ``/=`` truncates), over the guarded torch operator."""
    guarded = NDArray.__dict__.get(name)  # __imod__ is not among torch's guarded ones

    def op(self: torch.Tensor, other: Any) -> Any:
        try:
            if _ag._state.recording and self._mx_grad_req is None:
                check_recorded_write(self, other, ARITHMETIC)
            dt = _dtype_get(self)
            if isinstance(other, torch.Tensor):
                if _dtype_get(other) is not dt:
                    raise _mixed(name, self, other)
            elif dt in _INTEGER and isinstance(other, int | float | bool | np.number):
                other = _int_ops.scalar_of(other, dt)
            if name == "__imod__":  # MXNet's modulo (nd_int_ops for integers), written back
                self[...] = NDArray.__mod__(self, other)
                return self
            if dt in _INTEGER and name == "__itruediv__":
                self[...] = _int_ops.trunc_div(self, other)
                return self
            return guarded(self, other)
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    op.__name__ = op.__qualname__ = name
    return op


for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__imod__"):
    setattr(NDArray, _name, _inplace(_name))


# --- the module's tables, as MXNet's module has them ----------------------------------------

_STORAGE_TYPE_UNDEFINED = -1
_STORAGE_TYPE_DEFAULT = 0
_STORAGE_TYPE_ROW_SPARSE = 1
_STORAGE_TYPE_CSR = 2

_STORAGE_TYPE_STR_TO_ID = {
    "undefined": _STORAGE_TYPE_UNDEFINED,
    "default": _STORAGE_TYPE_DEFAULT,
    "row_sparse": _STORAGE_TYPE_ROW_SPARSE,
    "csr": _STORAGE_TYPE_CSR,
}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}

# MXNet's dtype codes (the ones its files and C API use).
_DTYPE_NP_TO_MX = {
    None: -1,
    np.float32: 0,
    np.float64: 1,
    np.float16: 2,
    np.uint8: 3,
    np.int32: 4,
    np.int8: 5,
    np.int64: 6,
    np.bool_: 7,
}
_DTYPE_MX_TO_NP = {v: k for k, v in _DTYPE_NP_TO_MX.items()}

_GRAD_REQ_MAP = {"null": 0, "write": 1, "add": 3}
