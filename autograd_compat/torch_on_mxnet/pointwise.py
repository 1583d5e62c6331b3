"""Element-wise ops of the torch dialect on MXNet: arithmetic, ``pow``, comparisons, logical
ops, the unary functions (``exp``, ``tanh``, ``relu`` ...), ``clamp``, ``maximum``/``minimum``
and ``where``.

:func:`_unary` and :func:`_binary` build the differentiable ones: torch's dtype promotion and
broadcasting checks, MXNet's operator called directly for the hot cases (see ``_raw``), the node
with torch's name (its class is the op's ``node`` attribute; the rules are in
:mod:`.derivatives`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mxnet as _mx
import numpy as _onp

from . import _raw
from .creation import tensor
from .dtypes import _builtin_float, _builtin_int, _default_dtype
from .errors import not_supported
from .graph import _save, node_class
from .recording import (
    _check_broadcast,
    _make_node,
    _nd_of,
    _needs,
    _note_casts,
    _np_mul_scalar,
    _result_type,
)
from .scopes import _run
from .shape_ops import to
from .tensor import Tensor, _shp, _wrap

_mnp = _mx.np
_NDArray = _mx.nd.NDArray
_PLAIN_SCALARS = (_builtin_float, _builtin_int)
_CROSS = "cross"  # _binary's save modes (see there): mul's rule, div's rule
_DIV = "div"


def _unary(name: str, mxfn: Callable | str, save: str | None = "x", float_only: bool = True):
    """A differentiable one-input op; ``mxfn`` may name the MXNet operator, called directly.
    ``save``: what the rule needs, the input ("x"), the output ("out") or nothing (None)."""
    cls = node_class(name)
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
    op.node = cls  # type: ignore[attr-defined]
    return op


def _binary(
    name: str,
    mxfn: Callable,
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
    cls = node_class(name)
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
    op.node = cls  # type: ignore[attr-defined]
    return op


def _add_fn(a: Any, b: Any) -> Any:
    return _mnp.add(a, b)


def _sub_fn(a: Any, b: Any) -> Any:
    return _mnp.subtract(a, b)


def _rsub_fn(a: Any, b: Any) -> Any:
    return _mnp.subtract(b, a)


# torch name, general function, then the MXNet operators of the hot cases (see _binary)
add = _binary(
    "AddBackward0", _add_fn, save=False, arrays="_npi_add",
    scalar=("_npi_add_scalar", "_npi_add_scalar"), legacy="broadcast_add",
)  # fmt: skip
sub = _binary(
    "SubBackward0", _sub_fn, save=False, arrays="_npi_subtract",
    scalar=("_npi_subtract_scalar", "_npi_rsubtract_scalar"), legacy="broadcast_sub",
)  # fmt: skip
_rsub = _binary("RsubBackward1", _rsub_fn, save=False)
mul = _binary(
    "MulBackward0", _mnp.multiply, save=_CROSS, arrays="_npi_multiply",
    scalar=("_npi_multiply_scalar", "_npi_multiply_scalar"), legacy="broadcast_mul",
)  # fmt: skip
div = _binary(
    "DivBackward0", _mnp.true_divide, save=_DIV, true_div=True, arrays="_npi_true_divide",
    scalar=("_npi_true_divide_scalar", "_npi_rtrue_divide_scalar"), legacy="broadcast_div",
)  # fmt: skip
_pow_t = _binary("PowBackward1", _mnp.power)
_pow_s = _binary("PowBackward0", _mnp.power)
_pow_r = _binary("PowBackward2", _mnp.power)


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
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            _check_broadcast(_shp(a), _shp(b))  # torch's RuntimeError, not MXNet's shape error
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
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            _check_broadcast(_shp(a), _shp(b))
        dt = _result_type(a, b)
        return _wrap(_run(False, mxfn, _nd_of(a, dt), _nd_of(b, dt)))

    return op


def floor_divide(a: Any, b: Any) -> Tensor:
    dt = _result_type(a, b)
    q = _nograd_binary(lambda x, y: _mnp.floor(_mnp.true_divide(x, y)))(a, b)
    return q if q.dtype is dt else to(q, dt)


remainder = _nograd_binary(_mnp.mod)


neg = _unary("NegBackward0", "_npi_negative", save=None, float_only=False)
exp = _unary("ExpBackward0", "_npi_exp", save="out")
log = _unary("LogBackward0", "_npi_log")
sqrt = _unary("SqrtBackward0", "_npi_sqrt", save="out")
sin = _unary("SinBackward0", "_npi_sin")
cos = _unary("CosBackward0", "_npi_cos")
tanh = _unary("TanhBackward0", "_npi_tanh", save="out")
sigmoid = _unary("SigmoidBackward0", "_npx_sigmoid", save="out")
relu = _unary("ReluBackward0", "_npx_relu", save="out", float_only=False)
abs = _unary("AbsBackward0", _mnp.abs, float_only=False)  # noqa: A001
# torch records sign (SignBackward0, a zero gradient), so backward through it works
sign = _unary("SignBackward0", "_npi_sign", save=None, float_only=False)
reciprocal = _unary("ReciprocalBackward0", _mnp.reciprocal, save="out")


_Clamp = node_class("ClampBackward1")


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
    _check_broadcast(_shp(a), _shp(b))
    return _wrap(
        _run(
            False,
            lambda: _mnp.multiply(
                _bool_nd(a._nd).astype(_onp.int8), _bool_nd(b._nd).astype(_onp.int8)
            ).astype(_onp.bool_),
        )
    )


def logical_or(a: Tensor, b: Tensor) -> Tensor:
    _check_broadcast(_shp(a), _shp(b))
    return _wrap(
        _run(
            False,
            lambda: _mnp.not_equal(
                _mnp.add(_bool_nd(a._nd).astype(_onp.int8), _bool_nd(b._nd).astype(_onp.int8)), 0
            ),
        )
    )


# torch's names of the floating dtypes in its "not implemented for" errors.
_TORCH_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double"}


def _bitwise(name: str, logical: Callable) -> Callable:
    """``a & b``, ``a | b``, ``a ^ b`` as torch: logical on bools, bitwise on integers (MXNet's
    ``bitwise_*`` operators), refused on floating point (torch's NotImplementedError)."""
    mxfn = getattr(_mnp, "bitwise_" + name)

    def op(a: Tensor, b: Any) -> Tensor:
        dt = _result_type(a, b)
        if dt.is_floating_point:
            raise NotImplementedError(
                f"\"bitwise_{name}_cpu\" not implemented for '{_TORCH_TYPE_NAMES[dt.name]}'"
            )
        bt = b if isinstance(b, Tensor) else tensor(b, dtype=dt)
        _check_broadcast(_shp(a), _shp(bt))
        if dt._cat == 0:
            return logical(a, bt)
        return _wrap(_run(False, mxfn, _nd_of(a, dt), _nd_of(bt, dt)))

    return op


def invert(a: Tensor) -> Tensor:
    """``~a`` as torch: logical not of a bool tensor, bitwise not of an integer one."""
    if a.dtype.is_floating_point:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    if a.dtype._cat == 0:
        return logical_not(a)
    return _wrap(_run(False, _mnp.bitwise_not, a._nd))


def logical_not(a: Tensor) -> Tensor:
    return _wrap(_run(False, _mnp.equal, a._nd, 0))


bitwise_and = _bitwise("and", logical_and)
bitwise_or = _bitwise("or", logical_or)
bitwise_xor = _bitwise("xor", ne)


_maximum = _binary("MaximumBackward0", _mnp.maximum)
_minimum = _binary("MinimumBackward0", _mnp.minimum)


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


_Where = node_class("WhereBackward0")


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


def allclose(
    a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    return bool(_onp.allclose(a._numpy(), b._numpy(), rtol, atol, equal_nan))


def equal(a: Tensor, b: Tensor) -> bool:
    return a.equal(b)


def isclose(a: Tensor, b: Tensor, rtol: float = 1e-05, atol: float = 1e-08) -> Tensor:
    return tensor(_onp.isclose(a._numpy(), b._numpy(), rtol, atol))
