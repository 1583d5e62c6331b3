"""``mxnet.numpy.ndarray`` on torch: a ``torch.Tensor`` subclass with MXNet's NumPy-style API.

Why a subclass, and why it is cheap
-----------------------------------
MXNet NumPy code reads ``x.size`` and ``x.shape`` as attributes, prints ``array([0., 1.])`` and
expects ``x.T`` to reverse every axis, which a plain tensor cannot do without changing torch for
everyone. A subclass can, but torch's default subclass dispatch (``__torch_function__``) costs
several microseconds on every op. So this class switches that dispatch off
(``_disabled_torch_function_impl``: ops run at native speed and return plain tensors) and re-types
the results of its own methods and operators in place (``result.__class__ = ndarray``), which
costs one attribute store: no copy, no alias node in the autograd graph.

Consequences worth knowing
--------------------------
* ``torch.*`` functions accept these arrays (they *are* tensors) and return plain tensors.
* Torch code that calls ``t.size()`` (a method in torch, an ``int`` attribute here) fails on these
  arrays; pass ``x.as_torch()`` or ``autograd_compat.to_torch(x)`` to such code.
* ``x.dtype`` is numpy's dtype object (``numpy.dtype('float32')``), as in MXNet, so real numpy
  accepts it. Code of this package that needs the torch dtype reads it with :func:`torch_dtype`.
* Memory is shared exactly where MXNet's ``np`` shares it: basic indexing whose result is one
  contiguous block (``x[1:3]``, ``x[1]``, ``x[...]``), ``detach``, ``astype(copy=False)`` to the
  same dtype. ``reshape``, ``T``, strided or column slices and the shape functions copy.
* ``type(x)`` prints as MXNet's ``mxnet.numpy.ndarray``; pickles name this module's own rebuild
  function, so loading them needs no ``mxnet`` alias.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as onp
import torch

from . import autograd as _ag
from . import np_dtype_parity, ties
from . import tensor_methods as _tm
from .array_base import _classes as _array_classes
from .array_base import as_nd_ndarray, as_np_ndarray, register_array_class
from .base import INPLACE_WHILE_RECORDING, MXNetError
from .dtypes import to_dtype
from .int_variables import float_cast, shadow_write
from .nd_indexing import (
    ARITHMETIC,
    check_recorded_write,
    flip_negative_steps,
    operator_error,
    value_shape_error,
)
from .np_dtype_parity import promote_0d
from .np_int_rules import INTEGER_DTYPES, c_cast_scalar
from .untracked_ops import connect_compared, remember_compared, scalar_operand

__all__ = ["ndarray", "torch_dtype", "wrap"]

_Tensor = torch.Tensor
_TensorBase = torch._C.TensorBase
_shape_get = _TensorBase.shape.__get__
_grad_get = _TensorBase.grad.__get__
_grad_fn_get = _TensorBase.grad_fn.__get__
# The torch dtype of any tensor, also of an ndarray (whose ``dtype`` attribute is numpy's).
torch_dtype = _TensorBase.dtype.__get__
_CONTIGUOUS = torch.contiguous_format
_dim = _TensorBase.dim
_int64 = torch.int64
_requires_grad = _TensorBase.requires_grad.__get__
_index_select = _TensorBase.index_select
_ALL = slice(None)
_view_copy = torch.view_copy
_is_grad_enabled = torch.is_grad_enabled
_set_grad_enabled = torch._C._set_grad_enabled


class ndarray(torch.Tensor):  # noqa: N801 - MXNet's class name
    """An array of ``mxnet.np`` (MXNet's NumPy interface) backed by a ``torch.Tensor``.

    Create them with ``np.array``, ``np.arange``, ``np.zeros``, ... rather than the constructor.
    ``shape`` is a tuple, ``size`` the number of elements, ``T`` reverses all axes, ``repr`` is
    MXNet's. ``as_torch()`` gives a plain ``torch.Tensor`` view for torch code.
    """

    # No Python-level dispatch: see the module docstring.
    __torch_function__ = torch._C._disabled_torch_function_impl
    # Defining __eq__ below would otherwise make the arrays unhashable; torch hashes by id.
    __hash__ = _Tensor.__hash__
    # Not an MXNet variable until attach_grad() (also when tensor_methods is uninstalled).
    _mx_grad_req: str | None = None
    # Gradients that autograd.grad returns for a variable of this class take the class too.
    _mx_array_kind = "np"
    # MXNet's printed class name (type(x), errors); pickles use _rebuild, not this path.
    __module__ = "mxnet.numpy"

    # --- attributes that differ from torch -----------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:  # type: ignore[override]
        """The shape as a plain tuple, as MXNet gives it."""
        return tuple(_shape_get(self))

    @property
    def size(self) -> int:  # type: ignore[override]
        """The number of elements (an attribute, as in MXNet/NumPy; torch's is a method)."""
        return self.numel()

    @property
    def dtype(self) -> Any:  # type: ignore[override]
        """numpy's dtype object (``dtype('float32')``), as MXNet gives it."""
        dt = torch_dtype(self)
        return _NP_DTYPES.get(dt, dt)

    @property
    def T(self) -> ndarray:  # type: ignore[override]  # noqa: N802
        """A copy with all axes reversed (MXNet copies)."""
        r = _TensorBase.permute(self, tuple(range(self.dim() - 1, -1, -1)))
        return wrap(_TensorBase.clone(r, memory_format=_CONTIGUOUS))

    @property
    def grad(self) -> ndarray | None:  # type: ignore[override]
        """The gradient buffer (an ``ndarray``), or ``None`` when no gradient is attached."""
        if _grad_fn_get(self) is not None:
            return None  # a computed array: MXNet gives None, without torch's non-leaf warning
        g = _grad_get(self)
        if type(g) is _Tensor:
            g.__class__ = ndarray
        return g

    @grad.setter
    def grad(self, value: torch.Tensor | None) -> None:
        _TensorBase.grad.__set__(self, value)

    # --- conversions ---------------------------------------------------------------------

    def as_torch(self) -> torch.Tensor:
        """A plain ``torch.Tensor`` sharing memory and autograd history with this array."""
        return _TensorBase.view_as(self, self)

    def astype(self, dtype: Any, copy: bool = True) -> ndarray:
        """A copy converted to ``dtype`` (``self`` when ``copy=False`` and it already has it)."""
        dt = to_dtype(dtype)
        if not copy and dt == torch_dtype(self):
            return self
        if "_mx_shadow" in self.__dict__:  # an integer variable to a float inside record()
            r = float_cast(self, dt)
            if r is not None:
                return wrap(r)
        return wrap(_TensorBase.to(self, dt, copy=True))

    def asnumpy(self) -> onp.ndarray:
        """A numpy copy of the values (works on arrays that need gradients too)."""
        return _TensorBase.cpu(_TensorBase.detach(self)).numpy().copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> onp.ndarray:
        # numpy functions accept MXNet arrays, also ones that need gradients (torch's refuses).
        a = _TensorBase.cpu(_TensorBase.detach(self)).numpy()
        # A copy, never a view: writing into the numpy array must not change this array behind
        # MXNet's back (MXNet's own numpy.asarray gives an object array, unrelated memory).
        return a.copy() if dtype is None else a.astype(dtype)

    # Reading values never needs the graph; detaching first also avoids torch's warning about
    # converting a tensor that requires grad (MXNet has no such warning).
    def item(self) -> Any:  # type: ignore[override]
        """The value of a one-element array as a Python number."""
        return _TensorBase.item(_TensorBase.detach(self))

    def tolist(self) -> Any:  # type: ignore[override]
        return _TensorBase.tolist(_TensorBase.detach(self))

    def __float__(self) -> float:
        return float(_TensorBase.item(_TensorBase.detach(self)))

    def __int__(self) -> int:
        return int(_TensorBase.item(_TensorBase.detach(self)))

    def asscalar(self) -> Any:
        raise AttributeError(
            "mxnet.numpy.ndarray object has no attribute asscalar. Hint: use .item() (MXNet's "
            "NumPy interface removed asscalar)"
        )

    def attach_grad(self, grad_req: str = "write") -> None:
        """Make this array a variable: ``.grad`` becomes zeros and ``backward`` fills it.

        ``grad_req``: ``'write'`` (overwrite), ``'add'`` (accumulate) or ``'null'``.
        """
        _ag.check_grad_req(grad_req)
        # The buffer is an ndarray so `x.grad` prints and behaves like MXNet's np gradient.
        _ag.make_variable(self, wrap(torch.zeros_like(self)), grad_req)

    def backward(  # type: ignore[override]
        self,
        out_grad: torch.Tensor | None = None,
        retain_graph: bool = False,
        train_mode: bool = True,
    ) -> None:
        """Gradients of this head into the variables' ``.grad`` (MXNet's rules: an implicit head
        gradient of ones, ``write``/``add``/``null``).

        Only heads computed inside ``autograd.record()`` can be differentiated, as in MXNet.
        """
        # np arrays are MXNet-dialect objects: always MXNet's backward, never torch's (which
        # would raise its own error for an unrecorded non-scalar head).
        if "_mx_compared" in self.__dict__:
            connect_compared(self)
        _ag._backward([self], [out_grad], bool(retain_graph), bool(train_mode))

    def detach(self) -> ndarray:  # type: ignore[override]
        return wrap(_TensorBase.detach(self))

    def copy(self, order: str = "C") -> ndarray:
        """A copy that does not share memory; differentiable inside ``record()``."""
        if order != "C":
            raise NotImplementedError(f"ndarray.copy does not support order={order!r}, as MXNet")
        return wrap(_tm.copy(self))

    def as_nd_ndarray(self) -> Any:
        """This array as a legacy ``NDArray``, sharing memory and autograd history."""
        return as_nd_ndarray(self)

    def as_np_ndarray(self) -> ndarray:
        """This array itself (it already is an ``np`` ndarray)."""
        return as_np_ndarray(self)

    def copyto(self, other: Any) -> ndarray:
        return wrap(_tm.copyto(self, other))

    def as_in_ctx(self, ctx: Any) -> ndarray:
        """This array on ``ctx``: ``self`` when it is already there, else a copy."""
        return wrap(_tm.as_in_context(self, ctx))

    def as_in_context(self, context: Any) -> ndarray:
        import warnings

        warnings.warn(
            "ndarray.as_in_context has been renamed to ndarray.as_in_ctx",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.as_in_ctx(context)

    def reshape(self, *shape: Any, order: str = "C", **kwargs: Any) -> ndarray:  # type: ignore[override]
        """A copy of shape ``(2, 3)``: ``reshape(2, 3)`` or ``reshape((2, 3))``; ``-1`` infers one
        dimension. MXNet's ``reshape`` copies (writing to the result leaves this array alone)."""
        if "newshape" in kwargs:
            shape = (kwargs.pop("newshape"),)
        if kwargs or order != "C":
            raise NotImplementedError(
                "ndarray.reshape: only order='C' is supported on the torch backend"
            )
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = tuple(shape[0])
        if _TensorBase.is_contiguous(self):
            # One copying kernel and one graph node instead of reshape + clone; a shape it
            # refuses takes the general path below (which raises MXNet's error for a bad size).
            try:
                r = _view_copy(self, shape)
            except (RuntimeError, TypeError):
                pass
            else:
                r.__class__ = ndarray
                return r
        try:
            r = _TensorBase.reshape(self, shape)
        except RuntimeError as exc:  # a shape of another size: MXNet's operator error
            raise MXNetError(
                f"Cannot reshape array of shape {self.shape} into shape {tuple(shape)} ({exc})"
            ) from None
        return wrap(_TensorBase.clone(r, memory_format=_CONTIGUOUS))

    def __deepcopy__(self, memo: dict) -> ndarray:
        # torch's default needs new_empty() to keep the subclass; a detached copy is what
        # MXNet's copy.deepcopy gives.
        r = wrap(_TensorBase.detach(self).clone())
        memo[id(self)] = r
        return r

    def __reduce_ex__(self, protocol: Any) -> tuple:
        # torch's pickling calls self.size(), an int here: pickle the values instead (what
        # MXNet pickles too). Gradients and graph are not part of the pickle.
        return (_rebuild, (self.asnumpy(), str(self.device)))

    def __iter__(self) -> Iterator[ndarray]:
        if self.dim() == 0:
            raise TypeError("iteration over a 0-d array")
        return iter([wrap(t) for t in _TensorBase.unbind(self, 0)])

    def __getitem__(self, key: Any) -> ndarray:
        tk = type(key)
        if tk is ndarray or tk is _Tensor:
            if key.is_floating_point():
                # MXNet accepts float index arrays (np.array(list_of_ints) is float32); torch not.
                key = _TensorBase.long(key)  # torch's own: the index needs no re-typing
            if (
                _dim(key) == 1
                and torch_dtype(key) is _int64
                and _dim(self)
                and type(self) is ndarray
                and not _requires_grad(self)
            ):
                # x[idx] of a batch: index_select is the same copy without the general
                # indexing's setup (a third of the op's cost). Only for an array without a
                # gradient: its derivative would add duplicate indices in another order. (An
                # integer variable has a class of its own: its indexing rules decide.)
                try:
                    r = _index_select(self, 0, key)
                except (IndexError, RuntimeError):
                    pass  # a negative or out-of-range index: the general path decides
                else:
                    r.__class__ = ndarray
                    return r
        try:
            r = _getitem(self, key)
        except IndexError as exc:
            # The same inside a tuple key; converted only after torch refused, so ordinary
            # indexing pays nothing for it.
            if "tensors used as indices" not in str(exc):
                raise
            r = _getitem(self, _int_index(key))
        except ValueError as exc:
            if "step must be greater than zero" not in str(exc):
                raise
            r = _reversed_slices(self, key)  # x[::-1]: MXNet (NumPy) allows it, torch not
        if not r.is_contiguous():
            # MXNet's basic indexing is a view only when the result is one contiguous block
            # (x[1:3], x[1], x[1, 1:]); column and strided slices are copies.
            r = _TensorBase.clone(r, memory_format=_CONTIGUOUS)
        r.__class__ = ndarray
        return r

    def __setitem__(self, key: Any, value: Any) -> None:
        value0 = value  # for the error below: the body converts value
        try:
            tv = type(value)
            if tv is ndarray or tv is _Tensor or isinstance(value, torch.Tensor):
                if torch_dtype(value) is not torch_dtype(self):
                    if _ag._state.recording and self._mx_grad_req is None:
                        check_recorded_write(
                            self, value, key
                        )  # before the conversion drops its graph
                        if shadow_write(self, key, value):  # an integer array keeps value's graph
                            return
                    value = value.to(torch_dtype(self))  # MXNet converts; torch's index_put refuses
            elif not isinstance(value, int | float | bool):
                # MXNet accepts numpy arrays and nested lists as values; torch wants tensors.
                value = torch.as_tensor(
                    onp.asarray(value), dtype=torch_dtype(self), device=self.device
                )
            tk = type(key)
            if (tk is ndarray or tk is _Tensor) and key.is_floating_point():
                key = _TensorBase.long(key)
            if self._mx_grad_req is None:
                if _ag._state.recording:
                    check_recorded_write(self, value, key)  # MXNet's rules, as for NDArray
                elif _grad_fn_get(self) is not None:
                    _tm.outside_record(self, _setitem, (key, value))  # MXNet: values only, no graph
                    return
                _setitem(self, key, value)
                return
            # An MXNet variable: the same rule as tensor_methods' wrapper (forbidden while
            # recording, untracked outside), without the cost of a no_grad() context object per
            # assignment.
            if _ag._state.recording:
                raise MXNetError(INPLACE_WHILE_RECORDING)
            prev = _is_grad_enabled()
            _set_grad_enabled(False)
            try:
                if (
                    type(key) is slice
                    and key == _ALL
                    and isinstance(value, _Tensor)
                    and 0 < _dim(self) >= _dim(value)
                ):
                    # p[:] = new_value, the update of a training step: x[:] is x itself, so this is
                    # the copy that indexing would make, without building the x[:] view first. A
                    # value it refuses (shapes) gets indexing's own error below.
                    try:
                        _TensorBase.copy_(self, value)
                    except RuntimeError:
                        pass
                    else:
                        return
                _TensorBase.__setitem__(self, key, value)
            except (IndexError, ValueError):  # refused before writing: the keys torch lacks
                _setitem(self, key, value)
            finally:
                _set_grad_enabled(prev)
        except RuntimeError as exc:
            err = value_shape_error(exc, value0, legacy=False)
            if err is None:
                raise
            raise err from None

    # --- printing ------------------------------------------------------------------------

    def __repr__(self, *args: Any, **kwargs: Any) -> str:
        # MXNet's format: numpy's repr, without dtype for float32 (and bool), plus the device
        # when it is not the CPU.
        text = repr(self.asnumpy())
        if torch_dtype(self) in (torch.float32, torch.bool):
            if "dtype=" in text:
                text = text[: text.rindex(",")] + ")"
        elif "dtype=" not in text:
            text = text[:-1] + f", dtype={_np_dtype_name(torch_dtype(self))})"
        if self.device.type != "cpu":
            text = text[:-1] + f", ctx={_ctx_name(self.device)})"
        return text

    def __str__(self) -> str:
        text = str(self.asnumpy())
        if self.device.type == "cpu" or self.dim() == 0:
            return text
        return f"{text} @{_ctx_name(self.device)}"

    def __format__(self, fmt: str) -> str:
        if self.dim() == 0:
            return format(self.item(), fmt)
        if not fmt:
            return format(str(self), fmt)
        raise TypeError("Cannot format mxnet.numpy.ndarray with format_spec")


_getitem = _TensorBase.__getitem__


def _np_dtypes() -> dict[torch.dtype, Any]:
    names = "float16 float32 float64 uint8 int8 int16 int32 int64 bool complex64 complex128"
    return {getattr(torch, n): onp.dtype(n) for n in names.split()}


# torch dtype -> numpy dtype object; a dtype numpy lacks (bfloat16) is reported as torch's.
_NP_DTYPES = _np_dtypes()


def _rebuild(values: onp.ndarray, device: str) -> ndarray:
    return wrap(torch.from_numpy(values).to(device))


def _reversed_slices(t: torch.Tensor, key: Any) -> torch.Tensor:
    """``t[key]`` for an index with negative-step slices: the other items first, then each
    such axis gathered in MXNet's order (a copy, as in MXNet)."""
    items = _basic_items(key)
    if items is None:  # with advanced indices: index the flipped array with forward slices
        axes, forward = flip_negative_steps(key, tuple(_shape_get(t)))
        return _getitem(torch.flip(t, axes), forward)
    consumed = sum(1 for i in items if isinstance(i, int | slice))
    plain, gathers, src, dst = [], [], 0, 0
    for item in items:
        if item is Ellipsis:
            src += t.dim() - consumed
            dst += t.dim() - consumed
        elif item is None:
            dst += 1
        elif isinstance(item, int):
            src += 1
        else:
            if item.step is not None and item.step < 0:
                positions = range(*item.indices(t.shape[src]))
                gathers.append((dst, torch.tensor(positions, dtype=torch.int64, device=t.device)))
                item = slice(None)
            src += 1
            dst += 1
        plain.append(item)
    r = _getitem(t, tuple(plain))
    for axis, positions in gathers:
        r = torch.index_select(r, axis, positions)
    return r


def _basic_items(key: Any) -> tuple | None:
    # The items of a basic index (ints, slices, None, ...), None for an advanced index; numpy
    # integers and 0-d integer arrays count as ints, as in NumPy.
    items = []
    for i in key if isinstance(key, tuple) else (key,):
        if isinstance(i, onp.integer) or (
            isinstance(i, torch.Tensor) and i.dim() == 0 and not i.is_floating_point()
        ):
            i = int(i)
        elif not (i is None or i is Ellipsis or isinstance(i, int | slice)):
            return None
        items.append(i)
    return tuple(items)


def _setitem(t: torch.Tensor, key: Any, value: Any) -> None:
    try:
        _TensorBase.__setitem__(t, key, value)
    except IndexError as exc:
        if "tensors used as indices" not in str(exc):
            raise
        _TensorBase.__setitem__(t, _int_index(key), value)
    except ValueError as exc:
        if "step must be greater than zero" not in str(exc):
            raise
        _setitem_reversed(t, key, value)  # x[::-1] = v: MXNet (NumPy) allows it, torch not


def _setitem_reversed(t: torch.Tensor, key: Any, value: Any) -> None:
    # The same elements through forward slices; the value, broadcast to their shape, is flipped
    # along the axes that the key walks backwards.
    items = _basic_items(key)
    if items is None:  # with advanced indices: write into the flipped array, copy it back
        axes, forward = flip_negative_steps(key, tuple(_shape_get(t)))
        whole = torch.flip(t, axes)
        _TensorBase.__setitem__(whole, forward, value)
        _TensorBase.copy_(t, torch.flip(whole, axes))
        return
    consumed = sum(1 for i in items if isinstance(i, int | slice))
    forward, flips, src, dst = [], [], 0, 0
    for item in items:
        if item is Ellipsis:
            src += t.dim() - consumed
            dst += t.dim() - consumed
        elif item is None:
            dst += 1
        elif isinstance(item, int):
            src += 1
        else:
            if item.step is not None and item.step < 0:
                picked = range(*item.indices(t.shape[src]))
                if len(picked):
                    item = slice(picked[-1], picked[0] + 1, -item.step)
                    flips.append(dst)
                else:
                    item = slice(0, 0)
            src += 1
            dst += 1
        forward.append(item)
    key = tuple(forward)
    target = _getitem(t, key).shape
    v = value if isinstance(value, torch.Tensor) else torch.tensor(value, device=t.device)
    while v.dim() > len(target) and v.shape[0] == 1:
        v = v[0]  # NumPy drops leading length-1 axes of the value
    v = torch.broadcast_to(v.to(dtype=torch_dtype(t), device=t.device), target)
    _TensorBase.__setitem__(t, key, torch.flip(v, flips) if flips else v)


def _int_index(key: Any) -> Any:
    if isinstance(key, torch.Tensor) and key.is_floating_point():
        return key.long()
    if isinstance(key, tuple):
        return tuple(_int_index(k) for k in key)
    return key


def _np_dtype_name(dt: torch.dtype) -> str:
    return str(dt).replace("torch.", "")


def _ctx_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"gpu({device.index or 0})"
    return f"{device.type}(0)"


def wrap(r: Any) -> Any:
    """Re-type plain tensors in ``r`` (a tensor, or a tuple/list of them) as ``ndarray``.

    The tensor object itself changes class: no copy, no graph node. A legacy ``NDArray`` (an
    ``nd`` operator's result) becomes an ``ndarray`` view of it, leaving the ``NDArray`` as is.
    """
    if type(r) is _Tensor:
        r.__class__ = ndarray
        return r
    if isinstance(r, tuple | list):
        return type(r)([wrap(x) for x in r])
    if type(r) is _array_classes.get("nd"):
        return as_np_ndarray(r)
    return r


def _binary_method(name: str) -> Callable[..., Any]:
    orig = getattr(_Tensor, name)
    inner = getattr(orig, "__wrapped__", None)
    if inner is not None:
        return _dispatching_binary_method(name, orig, inner)

    # Operators are the hot path of tiny-op code: one positional argument, no packing.
    def method(self: torch.Tensor, other: Any) -> Any:
        try:
            to = type(other)
            if to is ndarray:
                if torch_dtype(self) is not torch_dtype(other):
                    self, other = promote_0d(self, other)  # MXNet promotes 0-d arrays as arrays
            elif to is float and torch_dtype(self) in INTEGER_DTYPES:
                other = c_cast_scalar(other, torch_dtype(self))  # MXNet: the int array's dtype
            r = orig(self, other)
            if type(r) is _Tensor:
                r.__class__ = ndarray
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(orig, "__doc__", None)
    return method


def _dispatching_binary_method(name: str, orig: Any, inner: Any) -> Callable[..., Any]:
    # torch writes some operators (``**``, ``r-``, ``//``, ...) in Python under a wrapper that
    # looks for ``__torch_function__`` overrides (~1 us) and turns a TypeError into
    # NotImplemented. With a Python number or an array as the other operand there is no override
    # to find: call torch's operator itself, keeping the NotImplemented rule.
    def method(self: torch.Tensor, other: Any) -> Any:
        try:
            to = type(other)
            if to is ndarray and torch_dtype(self) is not torch_dtype(other):
                self, other = promote_0d(self, other)
            elif to is float and torch_dtype(self) in INTEGER_DTYPES:
                other = c_cast_scalar(other, torch_dtype(self))  # MXNet: the int array's dtype
            if to is int or to is float or to is ndarray or to is _Tensor:
                try:
                    r = inner(self, other)
                except TypeError:
                    return NotImplemented
            else:
                r = orig(self, other)
            if type(r) is _Tensor:
                r.__class__ = ndarray
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(orig, "__doc__", None)
    return method


def _method(name: str) -> Callable[..., Any]:
    orig = getattr(_Tensor, name)

    def method(self: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
        r = orig(self, *args, **kwargs)
        if type(r) is _Tensor:
            r.__class__ = ndarray
            return r
        return wrap(r)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(orig, "__doc__", None)
    return method


# Torch methods and operators whose tensor results become ndarrays. Adding one is one word here.
# In-place operators are not listed: they return ``self`` (already an ndarray), and inheriting
# them keeps tensor_methods' MXNet wrappers (installed after this module is imported).
_WRAPPED_METHODS = (
    "__add__ __radd__ __sub__ __rsub__ __mul__ __rmul__ __truediv__ __rtruediv__ __floordiv__ "
    "__rfloordiv__ __mod__ __rmod__ __pow__ __rpow__ __matmul__ __rmatmul__ __neg__ __pos__ "
    "__abs__ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ __and__ __or__ __xor__ __invert__ "
    "abs exp log sqrt sin cos tan tanh sigmoid relu square clip clamp flatten squeeze unsqueeze "
    "transpose permute view view_as expand expand_as to cpu cuda float double int long half bool "
    "clone contiguous repeat flip round floor ceil sign cumsum cumprod softmax log_softmax "
    "argsort sort topk unbind split chunk type_as new_empty new_zeros new_ones new_full new_tensor"
).split()

_BINARY_DUNDERS = {
    n
    for n in _WRAPPED_METHODS
    if n.startswith("__") and n not in ("__neg__", "__pos__", "__abs__", "__invert__")
}

for _name in _WRAPPED_METHODS:
    setattr(ndarray, _name, (_binary_method if _name in _BINARY_DUNDERS else _method)(_name))


def _division(name: str) -> Callable[..., Any]:
    # MXNet 1.9.1 cannot divide two floating (or two integer) arrays of different dtypes.
    orig = getattr(_Tensor, name)
    reflected = name == "__rtruediv__"

    def method(self: torch.Tensor, other: Any) -> Any:
        try:
            to = type(other)
            # a Python number never makes two dtypes
            if to is not float and to is not int and isinstance(other, torch.Tensor):
                if torch_dtype(self) is not torch_dtype(other):
                    a, b = (other, self) if reflected else (self, other)
                    return wrap(np_dtype_parity.divide(a, b))
            r = orig(self, other)
            if type(r) is _Tensor:
                r.__class__ = ndarray
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    method.__name__ = method.__qualname__ = name
    return method


ndarray.__truediv__ = _division("__truediv__")  # type: ignore[method-assign]
ndarray.__rtruediv__ = _division("__rtruediv__")  # type: ignore[method-assign]

_COMPARISONS = ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__")


def _comparison(name: str) -> Callable[..., Any]:
    orig = getattr(_Tensor, name)

    ufunc = np_dtype_parity.COMPARISON_NAMES[name]

    def method(self: torch.Tensor, other: Any) -> Any:
        try:
            to = type(other)
            if to is float and torch_dtype(self) in INTEGER_DTYPES:
                other = c_cast_scalar(other, torch_dtype(self))  # MXNet: x < 0.5 is x < 0
            elif to is not int and to is not bool and isinstance(other, torch.Tensor):
                np_dtype_parity.check_same_dtype(ufunc, self, other)  # MXNet: one dtype only
            r = orig(self, other)
            if type(r) is _Tensor:
                r.__class__ = ndarray
                remember_compared(r, self, other)  # MXNet records comparisons (zero gradients)
            return r
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    method.__name__ = method.__qualname__ = name
    method.__doc__ = getattr(orig, "__doc__", None)
    return method


for _name in _COMPARISONS:
    setattr(ndarray, _name, _comparison(_name))


def _no_floordiv(self: Any, other: Any) -> Any:
    raise TypeError("unsupported operand type(s) for //: MXNet's np ndarray has no floor division")


# MXNet 1.9.1's np ndarray has no //, //= or np.floor_divide (TypeError): none computes here.
ndarray.__floordiv__ = ndarray.__rfloordiv__ = _no_floordiv  # type: ignore[method-assign]
ndarray.__ifloordiv__ = _no_floordiv  # type: ignore[method-assign]

_torch_rmod = _Tensor.__rmod__
_float_mod = ndarray.__mod__


def _int_operand(x: Any, dt: torch.dtype) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x
    return torch.tensor(c_cast_scalar(x, dt), dtype=dt)


def _mod(self: torch.Tensor, other: Any) -> Any:
    # Integer % : MXNet's dtype for a float scalar, and 0 where the divisor is 0 (torch raises).
    dt = torch_dtype(self)
    if dt in INTEGER_DTYPES and (type(other) in (int, float) or type(other) is ndarray):
        if type(other) is not ndarray or torch_dtype(other) in INTEGER_DTYPES:
            return wrap(ties.remainder(self, _int_operand(other, dt)))
    return _float_mod(self, other)


def _rmod(self: torch.Tensor, other: Any) -> Any:
    dt = torch_dtype(self)
    if dt in INTEGER_DTYPES and type(other) in (int, float):
        return wrap(ties.remainder(_int_operand(other, dt), self))
    r = _torch_rmod(self, scalar_operand(other, self))  # torch has no derivative for s % x
    if type(r) is _Tensor:
        r.__class__ = ndarray
    return r


ndarray.__rmod__ = _rmod  # type: ignore[method-assign]
ndarray.__mod__ = _mod  # type: ignore[method-assign]


register_array_class("np", ndarray)

# In-place operators of np arrays that are variables keep MXNet's rule (refused while recording,
# untracked outside) now that torch.Tensor's own operators are no longer wrapped.
_tm.add_inplace_guards(ndarray)


def _refuse_recorded_inplace(name: str) -> Any:
    # Inside record(), in-place arithmetic into an array of the graph, or with a recorded value,
    # raises MXNet's error (measured on MXNet 1.9.1's np, the same rule as the legacy NDArray).
    guarded = ndarray.__dict__[name]

    def op(self: torch.Tensor, other: Any) -> Any:
        try:
            if _ag._state.recording and self._mx_grad_req is None:
                check_recorded_write(self, other, ARITHMETIC)
            return guarded(self, other)
        except RuntimeError as exc:
            if isinstance(exc, MXNetError):
                raise
            raise operator_error(name, self, other, exc) from None

    op.__name__ = op.__qualname__ = name
    op.__wrapped__ = guarded
    return op


for _name in ("__iadd__", "__isub__", "__imul__", "__itruediv__"):
    setattr(ndarray, _name, _refuse_recorded_inplace(_name))
