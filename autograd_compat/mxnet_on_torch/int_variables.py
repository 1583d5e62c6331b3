"""Integer MXNet variables: ``x.attach_grad()`` on an ``int32`` array, as MXNet allows.

torch's autograd cannot differentiate integer tensors at all; MXNet 1.9.1 can, and computes exact
integer gradients through the ops whose gradient only moves, adds or multiplies integers
(indexing, reshaping, flips, concatenation, ``+``, ``-``, ``*``, sums). It breaks, or gives
truncated numbers, for the rest (``x / 2`` fails inside MXNet; ``np.sin(x)`` gives zeros).

How
---
An integer variable keeps its integer storage and its integer ``.grad`` buffer, and gets a float64
*shadow*: a torch leaf with the same values that requires grad. The variable takes a class of
its own (one per array class: ``np`` ndarray, legacy ``NDArray``) that turns torch's
``__torch_function__`` dispatch back on, for itself only (the array classes switch it off for
speed), so every torch call on it passes through :meth:`_IntTracked.__torch_function__`:

* Outside ``record()`` the call runs as usual and returns what it always returns.
* Inside ``record()``, an op of the allow-list below also runs on the shadows; its integer result
  gets the class too, with the shadow result attached. A query (shape, comparison, ``detach``,
  conversion to numpy ...) passes through. Any other op raises ``MXNetError`` at the call, as
  does an op whose result is floating-point or which mixes a float array that needs gradients in:
  MXNet's own numbers there are failures or truncations, never something to reproduce silently.
* ``backward()`` of a head with a shadow runs torch.autograd on the shadows (float64, exact while
  values stay below 2**53) and writes (``'write'``), adds (``'add'``) or skips (``'null'``) each
  reached variable's gradient, converted to its dtype with MXNet's wrap-around, into its buffer.

Shadow values are kept equal to the integer values (an ``uint8`` product that wraps around in
the forward pass wraps in the shadow too), so a product's gradient reads the same factors as
MXNet's. A variable changed in place outside ``record()`` refreshes its shadow before its next
use, as MXNet reads the new values.

A bool variable gets a bool gradient buffer, as in MXNet, whose backward works through reshapes,
copies and concatenation only (``True`` where reached) and fails through every other operator
("Unknown type enum 7"): here those other operators raise at the call.

The float fast path pays nothing: ``autograd`` calls into this module only once an integer
variable exists (``register_int_backward``) and only for heads that carry a shadow.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as onp
import torch

from . import autograd as _ag
from .base import NO_INPUTS, NOT_IN_GRAPH, MXNetError, not_required, unreachable
from .np_int_rules import c_cast
from .recording import AccumulateGrad
from .recording import state as _state

__all__ = [
    "TrackedTensor",
    "float_cast",
    "is_int_tracked",
    "shadow_write",
    "tracked_class",
    "truncated_division",
    "zero_gradient",
]

_Tensor = torch.Tensor
_TB = torch._C.TensorBase
_dtype = _TB.dtype.__get__
_version = _TB._version.__get__
_data = _TB.data.__get__
_grad_get = _TB.grad.__get__
_grad_set = _TB.grad.__set__
_DisableSubclass = torch._C.DisableTorchFunctionSubclass
_F64 = torch.float64
_EXACT = float(2**53)  # float64 holds every integer below this exactly

# Ops whose gradient only moves (or sums) values: exact for integer variables.
_STRUCTURAL = frozenset(
    """__getitem__ index_select gather take_along_dim take narrow select masked_select view
    view_as reshape reshape_as flatten ravel unflatten permute transpose t movedim moveaxis
    swapaxes swapdims flip fliplr flipud rot90 squeeze unsqueeze expand expand_as broadcast_to
    diagonal diag diag_embed diagflat tril triu cat concat concatenate stack hstack vstack dstack
    column_stack split chunk unbind tensor_split hsplit vsplit dsplit split_with_sizes roll clone
    contiguous repeat tile repeat_interleave pad constant_pad_nd nan_to_num to cpu __deepcopy__
    sort""".split()
)
# Ops whose gradient adds or multiplies integers, or selects by sign or bounds: exact for integer
# variables (ring operations, so MXNet's wrap-around in the variable's dtype equals the exact
# result reduced at the end). Checked against MXNet 1.9.1 one by one: its integer kernels of
# dot/matmul/tensordot/inner/outer and where fail, atleast_Nd and polyval give zeros, and
# maximum/minimum/max/min follow MXNet's tie rules, not torch's: these are left out (raise) or
# handled where they are defined (numpy polyval: zero_gradient).
_ARITHMETIC = frozenset(
    """__add__ __radd__ add __sub__ __rsub__ sub subtract rsub __mul__ __rmul__ mul multiply
    __neg__ neg negative __pos__ positive sum trace cumsum square einsum abs absolute clamp clip
    sign""".split()
)
_ALLOWED = _STRUCTURAL | _ARITHMETIC
# Only these positions (or keyword names) hold differentiable data; the others are indices.
_DATA_ARGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "__getitem__": ((0,), ("input",)),
    "index_select": ((0,), ("input",)),
    "gather": ((0,), ("input",)),
    "take_along_dim": ((0,), ("input",)),
    "take": ((0,), ("input",)),
    "masked_select": ((0,), ("input",)),
    "repeat_interleave": ((0,), ("input",)),
    "narrow": ((0,), ("input",)),
}
# Calls that give tensors MXNet does not differentiate (or new arrays): results carry no shadow.
_PASS = frozenset(
    """__get__ __set__ detach detach_ __eq__ __ne__ __lt__ __le__ __gt__ __ge__ eq ne lt le gt ge
    equal greater less greater_equal less_equal not_equal isnan isinf isfinite isposinf isneginf
    argmax argmin argsort nonzero any all logical_and logical_or logical_not logical_xor
    __and__ __or__ __xor__ __invert__ bitwise_and bitwise_or bitwise_xor bitwise_not zeros_like
    ones_like empty_like full_like new_zeros new_ones new_empty new_full new_tensor numpy
    __reduce_ex__ __repr__ __format__ __array__ as_subclass""".split()
)

_OPS_HINT = (
    "MXNet computes exact integer gradients only through indexing, reshaping, flips, "
    "concatenation, +, -, * and sums. Hint: make a float copy before attaching the gradient: "
    "x = x.astype('float32'); x.attach_grad()."
)


def _name(func: Any) -> str:
    name = getattr(func, "__name__", "")
    return name.split(".", 1)[0] if "." in name else name


def is_int_tracked(t: Any) -> bool:
    """Does ``t`` carry a shadow (an integer variable, or an integer result recorded from one)?"""
    return isinstance(t, _Tensor) and "_mx_shadow" in t.__dict__


def _tracked_in(args: tuple, kwargs: dict) -> Any:
    """The first tensor with a shadow among the arguments (one list level deep), or None."""
    for a in (*args, *kwargs.values()):
        if isinstance(a, _Tensor):
            if "_mx_shadow" in a.__dict__:
                return a
        elif isinstance(a, list | tuple):
            for b in a:
                if isinstance(b, _Tensor) and "_mx_shadow" in b.__dict__:
                    return b
    return None


class _IntTracked:
    """Mixin of the integer-variable classes: torch calls on them pass through here."""

    _mx_plain_class: type = _Tensor

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: tuple = (), kwargs: Any = None) -> Any:
        if kwargs is None:
            kwargs = {}
        if not _state.recording:
            with _DisableSubclass():
                return func(*args, **kwargs)
        name = _name(func)
        if name in _PASS:
            with _DisableSubclass():
                return func(*args, **kwargs)
        first = _tracked_in(args, kwargs)
        if first is None:
            with _DisableSubclass():
                return func(*args, **kwargs)
        if name in _ALLOWED or name in _ZERO_GRAD:
            return _run_shadowed(func, name, args, kwargs, first)
        if _legacy_mean_division(name, args, kwargs, first):
            # The legacy integer mean: the sum divided by the count, truncated (nd_ops._mean).
            with _DisableSubclass():
                out = func(*args, **kwargs)
            return truncated_division(out, first, args[1])
        with _DisableSubclass():
            out = func(*args, **kwargs)
        if not _has_tensor(out):
            return out  # a query: shape, size, item, ...
        raise MXNetError(
            f"operator {name or func!r} on an integer variable is not differentiable on the torch "
            f"backend. {_OPS_HINT}"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        # Array code re-types results in place (`r.__class__ = ndarray`); a result with a shadow
        # must keep dispatching here, so it takes the integer-variable class of that class.
        if name == "__class__" and "_mx_shadow" in self.__dict__:
            value = tracked_class(value)
        object.__setattr__(self, name, value)


def _has_tensor(out: Any) -> bool:
    if isinstance(out, _Tensor):
        return True
    return isinstance(out, list | tuple) and any(isinstance(o, _Tensor) for o in out)


_tracked_classes: dict[type, type] = {}


def tracked_class(cls: type) -> type:
    """The integer-variable class of array class ``cls`` (made once, cached)."""
    if issubclass(cls, _IntTracked):
        return cls
    sub = _tracked_classes.get(cls)
    if sub is None:
        sub = type(cls.__name__, (_IntTracked, cls), {"__module__": cls.__module__})
        sub._mx_plain_class = cls
        sub.__qualname__ = getattr(cls, "__qualname__", cls.__name__)
        _tracked_classes[cls] = sub
    return sub


# A tracked array seen as a plain tensor (``view_as(x, x)``), as the nd operators see arrays.
TrackedTensor = tracked_class(_Tensor)


def _shadow_of(t: _Tensor) -> _Tensor:
    s = t.__dict__["_mx_shadow"]
    owner = s.__dict__.get("_mx_owner")
    if owner is not None and owner() is t:
        _refresh(t, s)
    return s


def _refresh(var: _Tensor, s: _Tensor) -> None:
    # A variable changed in place (outside record(), the only place MXNet allows it) since its
    # shadow was made: MXNet reads the new values, so the shadow takes them, without a version
    # bump that would make torch refuse graphs already recorded.
    with _DisableSubclass():
        v = _version(var)
        if s.__dict__.get("_mx_seen") != v:
            _data(s).copy_(_TB.detach(var))
            s._mx_seen = v


def _swap(a: Any) -> Any:
    if isinstance(a, _Tensor):
        if "_mx_shadow" in a.__dict__:
            return _shadow_of(a)
        if a.requires_grad:
            raise MXNetError(
                "an integer variable and a floating-point array that needs gradients meet in one "
                "operator: MXNet 1.9.1 fails in backward there. " + _OPS_HINT
            )
        return a
    if isinstance(a, list | tuple):
        return type(a)(_swap(b) for b in a)
    return a


def _shadow_args(name: str, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    spec = _DATA_ARGS.get(name)
    if spec is None:
        return tuple(_swap(a) for a in args), {k: _swap(v) for k, v in kwargs.items()}
    positions, names = spec
    sargs = tuple(_swap(a) if i in positions else a for i, a in enumerate(args))
    skwargs = {k: _swap(v) if k in names else v for k, v in kwargs.items()}
    return sargs, skwargs


def _run_shadowed(func: Any, name: str, args: tuple, kwargs: dict, first: _Tensor) -> Any:
    if name not in _BOOL_OK and _any_dtype(args, kwargs, (torch.bool,)):
        # MXNet 1.9.1 attaches a bool gradient but its backward fails through every operator
        # but reshapes, copies and concatenation ("Unknown type enum 7" on flip, slicing, +, T).
        raise MXNetError(
            f"operator {name} on a bool variable: MXNet 1.9.1 cannot differentiate bool arrays "
            "(its backward fails through all operators but reshapes, copies and concatenation). "
            + _OPS_HINT
        )
    if name in _GATHERS and _any_dtype(args[:1], {}, (torch.int8, torch.uint8)):
        if name != "__getitem__" or _advanced(args[1]):
            raise MXNetError(
                f"operator {name}: advanced indexing of an int8/uint8 variable is not "
                "differentiable (MXNet 1.9.1: this operation does not support int8 or uint8). "
                + _OPS_HINT
            )
    if name in _ZERO_GRAD:
        # MXNet's integer % has a zero gradient to both operands (any head gradient).
        with _DisableSubclass():
            out = func(*args, **kwargs)
        out.__class__ = type(first)._mx_plain_class
        return zero_gradient(out, *args)
    with _DisableSubclass():
        out = func(*args, **kwargs)
        sargs, skwargs = _shadow_args(name, args, kwargs)
        with torch.enable_grad():
            if name == "to":
                # A conversion between integer dtypes: the gradient passes through unchanged
                # (a float result raises below).
                shadow = sargs[0].to(device=out.device) if isinstance(out, _Tensor) else None
            else:
                if "dtype" in skwargs:
                    skwargs["dtype"] = _F64  # sum(dtype=int64): the shadow stays float64
                shadow = func(*sargs, **skwargs)
    if name == "view_as" and len(args) == 2 and args[0] is args[1]:
        # The array seen as a plain tensor (how the nd operators hand arrays to torch code):
        # torch's methods and semantics, still tracked.
        cls = TrackedTensor
    else:
        cls = tracked_class(type(first)._mx_plain_class)
    inputs = {id(a) for a in args if isinstance(a, _Tensor)}
    if isinstance(out, _Tensor):
        _attach(out, shadow, cls, name, inputs)
    elif isinstance(out, list | tuple):
        for o, s in zip(out, shadow):
            # The indices of sort/topk are integers in the shadow's results too: not tracked.
            if isinstance(o, _Tensor) and isinstance(s, _Tensor) and s.is_floating_point():
                _attach(o, s, cls, name, inputs)
    return out


class _IntToFloat(torch.autograd.Function):
    """An integer array cast to a floating dtype: the values of the cast, and MXNet's gradient
    back (the floating gradient converted to the integer dtype by C's rule at the cast: 2.7 is
    2, -1 is 255 for uint8, NaN and 1e20 are INT32_MIN for int32)."""

    @staticmethod
    def forward(ctx: Any, shadow: _Tensor, float_dtype: torch.dtype, int_dtype: torch.dtype) -> Any:
        ctx.int_dtype = int_dtype
        # The shadow holds the integers exactly: one rounding, as the integer cast's.
        return _TB.to(shadow, float_dtype)

    @staticmethod
    def backward(ctx: Any, g: _Tensor) -> Any:
        return _TB.to(c_cast(g, ctx.int_dtype), _F64), None, None


def float_cast(x: _Tensor, dtype: torch.dtype) -> _Tensor | None:
    """``x.astype(dtype)`` for a floating ``dtype`` of an integer variable (or an integer result
    recorded from one) inside ``record()``: a floating array in torch's graph whose gradient
    reaches the integer variables through the cast's rule (a backward from a floating head
    stores it through a hook on their shadows). ``None`` when ``x`` needs no such cast.

    Only the arrays' ``astype`` calls this: conversions inside the library's own operators
    still refuse, as their integer results would drop the graph."""
    if not (_state.recording and dtype.is_floating_point and is_int_tracked(x)):
        return None
    int_dtype = _dtype(x)
    if int_dtype == torch.bool:
        raise MXNetError(
            "astype of a bool variable: MXNet 1.9.1 cannot differentiate bool arrays. " + _OPS_HINT
        )
    shadow = _shadow_of(x)
    with _DisableSubclass(), torch.enable_grad():
        y = _IntToFloat.apply(shadow, dtype, int_dtype)
    for var, leaf in _owners([shadow]):
        if var is not leaf and not leaf.__dict__.get("_mx_float_hook"):
            leaf.register_hook(_float_head_hook(weakref.ref(var)))
            leaf._mx_float_hook = True
    return y


class _TruncDiv(torch.autograd.Function):
    """The shadow of ``x / d`` for a legacy integer array and a number ``d`` (in its dtype):
    MXNet's gradient is the head gradient, in the dtype (wrapped round), divided by ``d`` with
    truncation (int32 ``x / 2`` with head 7 gives 3; uint8 with head -7, i.e. 249, gives 124)."""

    @staticmethod
    def forward(ctx: Any, shadow: _Tensor, divisor: int, int_dtype: torch.dtype) -> Any:
        ctx.divisor, ctx.int_dtype = divisor, int_dtype
        return torch.div(shadow, divisor, rounding_mode="trunc")  # _attach syncs the values

    @staticmethod
    def backward(ctx: Any, g: _Tensor) -> Any:
        gi = _to_int(g, ctx.int_dtype)
        # -1 by negation: torch's INT_MIN / -1 traps (SIGFPE); negation wraps round.
        q = (
            torch.neg(gi)
            if ctx.divisor == -1
            else torch.div(gi, ctx.divisor, rounding_mode="trunc")
        )
        return _TB.to(q, _F64), None, None


def _legacy_mean_division(name: str, args: tuple, kwargs: dict, first: _Tensor) -> bool:
    # torch.div(total, count, rounding_mode="trunc") of a tracked legacy array, a count that
    # the dtype holds (MXNet's gradient by a count beyond it was not measured: still refused).
    if name != "div" or kwargs.get("rounding_mode") != "trunc" or len(args) != 2:
        return False
    d = args[1]
    if args[0] is not first or type(d) is not int or d < 1:
        return False
    return d <= torch.iinfo(_dtype(first)).max and getattr(first, "_mx_array_kind", None) == "nd"


def truncated_division(out: _Tensor, x: _Tensor, divisor: int) -> _Tensor:
    """``out = x / divisor`` (a legacy integer array by a number, truncated) recorded from an
    integer variable ``x`` with MXNet's gradient (:class:`_TruncDiv`); ``out`` otherwise."""
    if not (_state.recording and is_int_tracked(x)):
        return out
    with _DisableSubclass(), torch.enable_grad():
        shadow = _TruncDiv.apply(_shadow_of(x), divisor, _dtype(x))
    _attach(out, shadow, tracked_class(type(x)._mx_plain_class), "div", {id(x)})
    return out


def _float_head_hook(var_ref: Any) -> Any:
    def hook(g: _Tensor) -> None:
        # The integer backward (torch.autograd.grad on the shadows) stores gradients itself;
        # a backward from a floating head through a cast reaches the shadow here.
        var = var_ref()
        if var is None or getattr(_state, "int_pass", 0) or var._mx_grad_req in (None, "null"):
            return
        _store(var, _TB.detach(g))

    return hook


def _any_dtype(args: tuple, kwargs: dict, dtypes: tuple) -> bool:
    for a in (*args, *kwargs.values()):
        items = a if isinstance(a, list | tuple) else (a,)
        for b in items:
            if is_int_tracked(b) and _dtype(b) in dtypes:
                return True
    return False


# What MXNet 1.9.1 differentiates on a bool variable (its gradient: True where reached). It
# fails where two gradients of a bool variable meet (np.concatenate([b, b])); here they are
# or-ed.
_BOOL_OK = frozenset(
    """view view_as reshape reshape_as flatten ravel squeeze unsqueeze clone contiguous cat concat
    concatenate stack""".split()
)
_GATHERS = frozenset("__getitem__ take take_along_dim gather masked_select".split())
# Integer modulo: MXNet 1.9.1's gradient is zero to both operands (measured, any head gradient).
_ZERO_GRAD = frozenset("remainder fmod __mod__ __rmod__".split())


def _advanced(key: Any) -> bool:
    """Is the index ``key`` an advanced one (arrays, lists or booleans among its items)?"""
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, _Tensor) and k.dim() > 0 or isinstance(k, list | bool | onp.ndarray):
            return True
    return False


def zero_gradient(out: Any, *inputs: Any) -> Any:
    """``out``, recorded from integer variables among ``inputs`` with a zero gradient to each:
    what MXNet 1.9.1's own integer kernels of some operators (``np.polyval``) give."""
    shadows = [i.__dict__["_mx_shadow"] for i in inputs if is_int_tracked(i)]
    if not (shadows and _state.recording and isinstance(out, _Tensor)):
        return out
    with _DisableSubclass():
        ref = _TB.to(_TB.detach(out), _F64)
        link = sum(_TB.sum(s) for s in shadows) * 0.0
        shadow = ref + link
    if not is_int_tracked(out):
        out.__class__ = tracked_class(type(out))
    out.__dict__["_mx_shadow"] = shadow
    return out


def _attach(out: _Tensor, shadow: Any, cls: type, name: str, inputs: set) -> None:
    if id(out) in inputs:
        return  # the op returned its input (contiguous(), to() of the same dtype): tracked already
    dt = _dtype(out)
    if dt.is_floating_point or dt.is_complex or (dt == torch.bool and name not in _BOOL_OK):
        raise MXNetError(
            f"operator {name} gives a {dt} result from an integer variable: MXNet 1.9.1 fails or "
            "truncates the gradient there. " + _OPS_HINT
        )
    if not isinstance(shadow, _Tensor) or not shadow.requires_grad:
        if name in _DATA_ARGS:
            return  # only indices were variables: MXNet does not differentiate indices
        raise MXNetError(
            f"operator {name}: the integer variable's graph was lost on the torch "
            "backend. " + _OPS_HINT
        )
    # Keep the shadow's values the integer values (wrap-around included) so the products'
    # gradients read the same factors as MXNet; exact while they fit float64's integers.
    if dt == torch.int64 and out.numel() and out.abs().max().item() >= _EXACT:
        raise MXNetError(
            f"operator {name}: an int64 value beyond 2**53 cannot be differentiated exactly on "
            "the torch backend (its gradient is computed in float64)"
        )
    ref = out.to(_F64)
    if not torch.equal(ref, shadow.detach()):
        shadow = shadow + (ref - shadow.detach())
    out.__class__ = cls
    out.__dict__["_mx_shadow"] = shadow


def shadow_write(t: _Tensor, key: Any, value: _Tensor) -> bool:
    """``t[key] = value`` inside ``record()`` for an integer ``t`` (not a variable) and a
    recorded floating ``value`` that covers all of ``t`` (MXNet's rules were checked): MXNet
    keeps the graph, so gradients of ``t`` reach ``value`` through the integer values. Done here
    (True) or not applicable (False)."""
    if not value.requires_grad or _dtype(t).is_floating_point or _dtype(t) == torch.bool:
        return False
    with _DisableSubclass():
        _TB.__setitem__(t, key, _TB.to(_TB.detach(value), _dtype(t)))
        with torch.enable_grad():
            v = _TB.to(value, _F64)
            while v.dim() > t.dim() and v.shape[0] == 1:
                v = v[0]  # NumPy drops leading length-1 axes of the value (x[None] = y)
            shadow = torch.broadcast_to(v, tuple(t.shape))
            shadow = shadow + (_TB.to(t, _F64) - _TB.detach(shadow))  # the integer values
    t.__class__ = tracked_class(type(t))
    t.__dict__["_mx_shadow"] = shadow
    t.__dict__.pop("_mx_freed", None)
    _ag.register_int_variables(backward=int_backward, grad=int_grad)
    return True


# ---------------------------------------------------------------------------------------------
# Variables
# ---------------------------------------------------------------------------------------------


def make_int_variable(x: _Tensor, buffer: _Tensor | None, grad_req: str) -> None:
    """Make the integer or bool array ``x`` an MXNet variable (``autograd.make_variable``)."""
    with _DisableSubclass():
        dt = _dtype(x)
        if buffer is None:
            buffer = torch.zeros(x.shape, dtype=dt, device=x.device)
            buffer.__class__ = type(x)._mx_plain_class if is_int_tracked(x) else type(x)
        if tuple(buffer.shape) != tuple(x.shape) or _dtype(buffer) != dt:
            raise MXNetError(
                f"gradient buffer of shape {tuple(buffer.shape)} and dtype {_dtype(buffer)} does "
                f"not match the variable's shape {tuple(x.shape)} and dtype {dt}"
            )
        _grad_set(x, buffer)
        shadow = _TB.to(_TB.detach(x), _F64).requires_grad_(True)
        shadow._mx_owner = weakref.ref(x)
        shadow._mx_seen = _version(x)
    x.__class__ = tracked_class(type(x))
    x.__dict__["_mx_shadow"] = shadow
    x._mx_grad_req = grad_req
    _ag.register_int_variables(backward=int_backward, grad=int_grad)  # from now on, ask us


_ag.register_int_variables(make=make_int_variable)


# ---------------------------------------------------------------------------------------------
# Backward
# ---------------------------------------------------------------------------------------------


def _owners(shadows: list[_Tensor]) -> list[tuple[_Tensor, _Tensor]]:
    """(variable, leaf) of every variable the shadows' graphs reach: integer variables with their
    shadows, and float variables (a recorded float value written into an integer array)."""
    found: list[tuple[_Tensor, _Tensor]] = []
    seen_leaves: set[int] = set()

    def leaf(s: _Tensor) -> None:
        if id(s) in seen_leaves:
            return
        seen_leaves.add(id(s))
        owner = s.__dict__.get("_mx_owner")
        var = owner() if owner is not None else None
        if var is not None and var.__dict__.get("_mx_shadow") is s:
            found.append((var, s))
        elif owner is None and s._mx_grad_req is not None:
            found.append((s, s))  # a float variable: its own leaf

    stack, seen = [], set()
    for s in shadows:
        if s.grad_fn is None:
            leaf(s)
        else:
            stack.append(s.grad_fn)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node) is AccumulateGrad:
            leaf(node.variable)
            continue
        stack.extend(n for n, _ in node.next_functions if n is not None)
    return found


def int_backward(heads: list, head_grads: Any, retain_graph: bool, train_mode: bool) -> bool:
    """``autograd._backward`` for heads with a shadow; False when there are none (the caller
    goes on as usual). Heads of both kinds: the others go through the usual backward."""
    if not any(is_int_tracked(h) for h in heads):
        return False
    retain_graph = _ag._check_flag(retain_graph, "retain_graph")
    _ag._check_flag(train_mode, "train_mode")
    hgrads = _ag._head_grads(heads, head_grads)
    ints = [(h, g) for h, g in zip(heads, hgrads) if is_int_tracked(h)]
    others = [(h, g) for h, g in zip(heads, hgrads) if not is_int_tracked(h)]
    for h, _ in ints:
        if h.__dict__.get("_mx_freed"):
            raise MXNetError(NOT_IN_GRAPH)
    shadows = [h.__dict__["_mx_shadow"] for h, _ in ints]
    found = _owners(shadows)
    for var, s in found:
        if var is not s:
            _refresh(var, s)
    targets = [(v, s) for v, s in found if v._mx_grad_req != "null"]
    if not targets and not others:
        raise MXNetError(NO_INPUTS)
    if targets:
        grads = _shadow_grads(
            shadows, [s for _, s in targets], [g for _, g in ints], retain_graph or bool(others)
        )
        for (var, _), g in zip(targets, grads):
            if g is not None:
                _store(var, g)
    if others:
        _ag._backward([h for h, _ in others], [g for _, g in others], retain_graph, train_mode)
    if not retain_graph:
        for h, _ in ints:
            h.__dict__["_mx_freed"] = True
    return True


def _shadow_grads(shadows: list, leaves: list, hgrads: list, retain_graph: bool) -> tuple:
    """torch.autograd on the shadows, with the head gradients in float64."""
    _state.in_backward += 1  # float variables' guard hooks let this backward pass
    # The casts' hooks leave the shadows' gradients to this pass (per thread, as _state).
    _state.int_pass = getattr(_state, "int_pass", 0) + 1
    try:
        with _DisableSubclass():
            return torch.autograd.grad(
                shadows,
                leaves,
                [_TB.to(_TB.detach(g), _F64) for g in hgrads],
                retain_graph=bool(retain_graph),
                allow_unused=True,
            )
    except RuntimeError as exc:
        if "backward through the graph a second time" in str(exc):
            raise MXNetError(NOT_IN_GRAPH) from None  # a graph a backward already freed
        raise
    finally:
        _state.in_backward -= 1
        _state.int_pass -= 1


def int_grad(heads: list, variables: list, head_grads: Any, retain_graph: Any) -> list | None:
    """``autograd.grad`` when integer variables or heads take part (None otherwise): the
    gradients as new arrays of the variables' dtypes, ``.grad`` untouched, as in MXNet."""
    int_vars = [is_int_tracked(v) for v in variables]
    int_heads = [is_int_tracked(h) for h in heads]
    if not (any(int_vars) or any(int_heads)):
        return None
    if not (all(int_heads) and all(int_vars)):
        raise MXNetError(
            "autograd.grad over integer and floating-point arrays together is not supported on "
            "the torch backend. Hint: call backward() and read each variable's .grad."
        )
    retain_graph = bool(_ag._check_flag(bool(retain_graph), "retain_graph"))
    hgrads = _ag._head_grads(heads, head_grads)
    for h in heads:
        if h.__dict__.get("_mx_freed"):
            raise MXNetError(NOT_IN_GRAPH)
    shadows = [h.__dict__["_mx_shadow"] for h in heads]
    leaves = {id(v): s for v, s in _owners(shadows)}
    for i, v in enumerate(variables):
        if v._mx_grad_req in (None, "null"):
            raise MXNetError(not_required(i))
        if id(v) not in leaves:
            raise MXNetError(unreachable(i))
        _refresh(v, leaves[id(v)])
    grads = _shadow_grads(shadows, [leaves[id(v)] for v in variables], hgrads, retain_graph)
    out = []
    for v, g in zip(variables, grads):
        if g is None:
            g = torch.zeros(tuple(v.shape), dtype=_F64)
        out.append(_ag._like_variable(_to_int(g, _dtype(v)), v))
    if not retain_graph:
        for h in heads:
            h.__dict__["_mx_freed"] = True
    return out


def _to_int(g: _Tensor, dt: torch.dtype) -> _Tensor:
    """A float64 gradient as dtype ``dt``, wrapping around as MXNet's integer arithmetic."""
    if g.numel() and g.abs().max().item() >= _EXACT:
        raise MXNetError(
            "an integer gradient reached 2**53 or more: the torch backend computes it in "
            "float64 and cannot give it exactly"
        )
    return g.to(torch.int64).to(dt) if dt != torch.bool else g.to(dt)


def _store(var: _Tensor, g: _Tensor) -> None:
    with _DisableSubclass():
        buf = _grad_get(var)
        dt = _dtype(buf) if buf is not None else _dtype(var)
        g = _ag._materialize(g)
        g = g.to(dt) if dt.is_floating_point or dt == torch.bool else _to_int(g, dt)
        if buf is None:
            g.__class__ = getattr(type(var), "_mx_plain_class", type(var))
            _grad_set(var, g)
        elif var._mx_grad_req == "add":
            buf.add_(g)
        else:
            buf.copy_(g)
