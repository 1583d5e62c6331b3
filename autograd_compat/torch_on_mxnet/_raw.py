"""Direct calls of MXNet operators for the adapter's hot ops.

MXNet's generated Python wrappers (``mx.np.exp``, ``mx.nd.numpy._internal.add``, ...) spend
6-11 µs per call in Python (argument checks, dispatch helpers, ctypes array building) on top of
the ~9 µs of ``MXImperativeInvokeEx`` itself (measured on 8×6 arrays: ``mx.np.add`` 20 µs,
``_npi.add`` 16 µs, this module 9.5 µs). The adapter already checks its operands the torch way
before calling MXNet, so its hot ops call the operator through the C API directly. The result
is the same MXNet operator, recorded by MXNet's autograd exactly as through the wrapper; errors
are MXNet's own (``check_call``).
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable
from typing import Any

import mxnet.numpy as _mxnp
from mxnet.base import _LIB, NDArrayHandle, OpHandle, c_str, check_call
from mxnet.ndarray import NDArray as _NDArray
from mxnet.numpy import ndarray as _np_ndarray

_invoke = _LIB.MXImperativeInvokeEx
_byref = ctypes.byref
_c_int = ctypes.c_int
_PH = ctypes.POINTER(NDArrayHandle)
_PI = ctypes.POINTER(ctypes.c_int)
_H1 = NDArrayHandle * 1
_H2 = NDArrayHandle * 2
_S1 = ctypes.c_char_p * 1
_EMPTY = ctypes.POINTER(ctypes.c_char_p)()


def handle(name: str) -> OpHandle:
    h = OpHandle()
    check_call(_LIB.NNGetOpHandle(c_str(name), _byref(h)))
    return h


def _result(outs: Any) -> Any:
    return _np_ndarray(NDArrayHandle(outs[0]))


def op1(name: str) -> Callable[[Any], Any]:
    """``f(x)`` for a one-input, one-output operator without parameters."""
    h = handle(name)

    def f(x: Any) -> Any:
        n = _c_int(0)
        outs = _PH()
        st = _PI()
        if _invoke(h, 1, _H1(x.handle), _byref(n), _byref(outs), 0, _EMPTY, _EMPTY, _byref(st)):
            check_call(-1)
        return _result(outs)

    f.__name__ = name
    return f


def op2(name: str) -> Callable[[Any, Any], Any]:
    """``f(a, b)`` for a two-input, one-output operator without parameters."""
    h = handle(name)

    def f(a: Any, b: Any) -> Any:
        n = _c_int(0)
        outs = _PH()
        st = _PI()
        if _invoke(
            h, 2, _H2(a.handle, b.handle), _byref(n), _byref(outs), 0, _EMPTY, _EMPTY, _byref(st)
        ):
            check_call(-1)
        return _result(outs)

    f.__name__ = name
    return f


def op1p(name: str, key: str) -> Callable[[Any, str], Any]:
    """``f(x, value)`` for a one-input operator with one parameter, given as MXNet's string
    (what the generated wrapper passes: ``str(value)``)."""
    h = handle(name)
    keys = _S1(key.encode())

    def f(x: Any, value: str) -> Any:
        n = _c_int(0)
        outs = _PH()
        st = _PI()
        if _invoke(
            h, 1, _H1(x.handle), _byref(n), _byref(outs), 1, keys, _S1(value.encode()), _byref(st)
        ):
            check_call(-1)
        return _result(outs)

    f.__name__ = name
    return f


def _into(h: OpHandle, src: Any, dst: Any) -> None:
    n = _c_int(1)
    outs = ctypes.cast(_H1(dst.handle), _PH)
    st = _PI()
    if _invoke(h, 1, _H1(src.handle), _byref(n), _byref(outs), 0, _EMPTY, _EMPTY, _byref(st)):
        check_call(-1)


_copyto = handle("_copyto")
_zeros_like = handle("zeros_like")


def copy_into(src: Any, dst: Any) -> None:
    """``src.copyto(dst)`` for arrays of the same shape, dtype and context (MXNet's ``_copyto``
    operator, without ``NDArray.copyto``'s Python checks)."""
    _into(_copyto, src, dst)


def zero(dst: Any) -> None:
    """Fill ``dst`` with zeros in place (MXNet's ``zeros_like`` written into its own input:
    no parameters to format, unlike ``full_like``'s value and context)."""
    _into(_zeros_like, dst, dst)


def assign(dst: Any, src: Any) -> None:
    """Write ``src`` (array or scalar) into all of ``dst`` (MXNet not recording).

    MXNet's ``dst[...] = src`` costs ~5x a copy, so whole-array writes use ``copyto`` and
    ``full_like(out=)``.
    """
    if isinstance(src, _NDArray):
        if src.shape == dst.shape and src.dtype == dst.dtype:
            if src.handle.value != dst.handle.value:  # copyto of an array to itself is a no-op
                copy_into(src, dst)
        else:
            dst[...] = _mxnp.broadcast_to(src.astype(dst.dtype), dst.shape)
    elif type(src) in (float, int) and src == 0 and math.copysign(1.0, src) > 0:
        zero(dst)  # gradient buffers after `.grad = None`, zero_() (not -0.0)
    elif type(src) in (float, int) and src == 0:
        # -0.0: MXNet's full_like stores +0.0 (the scalar goes through a string); torch keeps
        # the sign, so negate a zeroed buffer
        zero(dst)
        _mxnp.negative(dst, out=dst)
    else:
        _mxnp.full_like(dst, src, out=dst)
