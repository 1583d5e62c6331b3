"""MXNet's array methods on ``torch.Tensor``, installed and removed as one unit.

Names are only *added* where ``torch.Tensor`` lacks them. One existing method is wrapped, because
MXNet code depends on it and it cannot be had otherwise: ``backward``. A head recorded inside
``record()`` gets MXNet's backward (implicit ones head gradient, write/add/null); every other
tensor goes straight to torch's own ``backward``.

MXNet's in-place rule for variables (``param[:] = param - lr * g`` works outside ``record()``,
any in-place op raises inside it) lives on the variables' own class, :class:`MXVariable`, which
``attach_grad`` gives a plain tensor: other tensors' in-place ops stay torch's own, at native
speed.

``docs/design.md`` lists every name and the reason for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy
import torch

from . import autograd as _ag
from .base import INPLACE_WHILE_RECORDING, MXNetError
from .context import Context, as_context, as_device, context_of, with_context
from .dtypes import to_dtype
from .recording import OTHER_THREAD, node_recorded_elsewhere

_Tensor = torch.Tensor
# The torch dtype of any tensor (an MXNet NDArray's .dtype is a numpy type).
_dtype_of = torch._C.TensorBase.dtype.__get__
_is_grad_enabled = torch.is_grad_enabled
_set_grad_enabled = torch._C._set_grad_enabled
_orig: dict[str, Any] = {}  # name -> what torch.Tensor.__dict__ held (absent: not in __dict__)
_MISSING = object()
_installed = False


# --- added names ---------------------------------------------------------------------------


def attach_grad(self: torch.Tensor, grad_req: str = "write", stype: str | None = None) -> None:
    """Make this array an MXNet variable: ``.grad`` becomes zeros and backward fills it.

    ``grad_req``: ``'write'`` (overwrite), ``'add'`` (accumulate) or ``'null'`` (no gradient).
    Attaching again resets the gradient to zeros.
    """
    _ag.check_grad_req(grad_req)
    if stype not in (None, "default"):
        raise NotImplementedError(
            f"attach_grad(stype={stype!r}): sparse gradients are not supported on the torch "
            "backend; use the default storage type"
        )
    _ag.make_variable(self, None, grad_req)


def copy(self: torch.Tensor) -> torch.Tensor:
    """A copy that does not share memory; differentiable inside ``record()``."""
    if _ag._state.recording:
        return self.clone()
    with torch.no_grad():  # outside record() MXNet records nothing: the copy is a constant
        return self.clone()


def copyto(self: torch.Tensor, other: Any) -> torch.Tensor:
    """Copy into the array ``other`` (returned), or to the context ``other`` (a new array)."""
    if isinstance(other, torch.Tensor):
        if other is self:
            raise MXNetError("copyto: cannot copy an array to itself")
        if _ag._state.recording:
            other.copy_(self)
        else:
            with torch.no_grad():
                other.copy_(self)
        return other
    device = as_device(other)
    if _ag._state.recording:
        return with_context(self.to(device, copy=True), other)
    with torch.no_grad():
        return with_context(self.to(device, copy=True), other)


def astype(self: torch.Tensor, dtype: Any, copy: bool = True) -> torch.Tensor:
    """This array converted to ``dtype`` (``'float32'``, ``np.float64``, ...); differentiable
    inside ``record()``."""
    target = to_dtype(dtype)
    if not copy and _dtype_of(self) == target:
        return self
    if _ag._state.recording:
        src = self.__dict__.get("_mx_cast_src")
        if src is not None or (self.requires_grad and not _differentiable(target)):
            return _cast_through_integers(self, src, target)
        return self.to(target, copy=True)
    with torch.no_grad():
        return self.to(target, copy=True)


def _differentiable(dtype: torch.dtype) -> bool:
    return dtype.is_floating_point or dtype.is_complex


class _FromIntegers(torch.autograd.Function):
    """A recorded integer copy of ``src`` converted back to a float type, differentiable in
    ``src`` as in MXNet: the gradient passes through the integer array in its integer type."""

    @staticmethod
    def forward(ctx: Any, src: torch.Tensor, values: torch.Tensor, target: torch.dtype) -> Any:
        ctx.int_dtype = _dtype_of(values)
        return values.to(target, copy=True)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        return grad.to(ctx.int_dtype).to(grad.dtype), None, None


def _cast_through_integers(
    x: torch.Tensor, src: torch.Tensor | None, target: torch.dtype
) -> torch.Tensor:
    # torch cannot put an integer tensor in a graph; MXNet can. The integer copy remembers the
    # recorded array it came from, and converting it back to a float type reconnects the graph.
    if src is None:  # float -> integer: remember where the values came from
        out = x.detach().to(target, copy=True)
        out._mx_cast_src = x
        return out
    if not _differentiable(target):  # integer -> integer: still the same source
        out = x.to(target, copy=True)
        out._mx_cast_src = src
        return out
    return _FromIntegers.apply(src, x, target)


def as_in_context(self: torch.Tensor, context: Any) -> torch.Tensor:
    """This array on ``context``: ``self`` when it is already there, else a copy."""
    if context_of(self) == as_context(context):
        return self
    return copyto(self, context)


def _context(self: torch.Tensor) -> Context:
    return context_of(self)


def asnumpy(self: torch.Tensor) -> numpy.ndarray:
    """A numpy copy of the values (never shares memory, works on arrays that need gradients)."""
    return self.detach().cpu().numpy().copy()


def asscalar(self: torch.Tensor) -> Any:
    """The value of a one-element array as a numpy scalar."""
    if self.numel() != 1:
        raise ValueError("The current array is not a scalar")
    # MXNet 1.9.1 returns a 2-D array for shape (1, 1); we return the scalar it documents.
    return self.detach().cpu().numpy().reshape(-1)[0]


def wait_to_read(self: torch.Tensor) -> None:
    """No-op: torch CPU ops are synchronous."""


_ADDED: dict[str, Any] = {
    "attach_grad": attach_grad,
    "copy": copy,
    "copyto": copyto,
    "astype": astype,
    "as_in_context": as_in_context,
    "as_in_ctx": as_in_context,
    "context": property(_context),
    "ctx": property(_context),
    "asnumpy": asnumpy,
    "asscalar": asscalar,
    "wait_to_read": wait_to_read,
    # Class-level default so `t._mx_grad_req` is a fast lookup on every tensor (None: not a
    # variable); attach_grad/mark_variables set it on the instance.
    "_mx_grad_req": None,
}


# --- wrapped names ---------------------------------------------------------------------------


def _reaches_variable(t: torch.Tensor) -> bool:
    """Does ``t``'s graph reach an MXNet variable? (only asked on an error path)"""
    stack, seen = [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        var = getattr(node, "variable", None)
        if var is not None and var._mx_grad_req is not None:
            return True
        stack.extend(n for n, _ in node.next_functions)
    return False


def _make_backward(orig: Any) -> Any:
    state = _ag._state
    recorded = _ag._recorded
    has_torch_function = torch.overrides.has_torch_function_unary
    handle_torch_function = torch.overrides.handle_torch_function
    autograd_backward = torch.autograd.backward

    def backward(
        self: torch.Tensor,
        gradient: Any = None,
        retain_graph: Any = None,
        create_graph: bool = False,
        inputs: Any = None,
        *,
        out_grad: Any = None,
        train_mode: bool = True,
    ) -> None:
        # Skipped while nothing was ever recorded in this thread: then this is plain torch.
        if (
            state.open_start >= 0
            or state.starts
            or out_grad is not None
            or (self._mx_grad_req is not None)
        ):
            fn = self.grad_fn
            if fn is not None:
                # Recorded in this thread and reaching an MXNet variable: MXNet's rules. A plain
                # torch graph numbered inside a recorded range (built in another thread, or while
                # a record() scope was suspended) reaches none and stays torch's.
                if recorded(state, fn._sequence_nr()):
                    head_grad = gradient if out_grad is None else out_grad
                    retain = False if retain_graph is None else retain_graph
                    if _ag.backward_if_mxnet(self, head_grad, retain, train_mode):
                        return None
            elif self._mx_grad_req is not None or "_mx_const" in self.__dict__:
                # A variable itself, or a derivative that autograd.grad found constant.
                head_grad = gradient if out_grad is None else out_grad
                _ag._backward([self], [head_grad], False, train_mode)
                return None
            if out_grad is not None:
                gradient = out_grad
        # torch's own Tensor.backward body, inline rather than a call: torch hard-codes warning
        # stack levels (e.g. module backward hooks) that assume Tensor.backward's frame sits
        # directly under the caller, so one more frame would attribute its warnings to us.
        if has_torch_function(self):
            return handle_torch_function(
                _Tensor.backward,
                (self,),
                self,
                gradient=gradient,
                retain_graph=retain_graph,
                create_graph=create_graph,
                inputs=inputs,
            )
        try:
            autograd_backward(self, gradient, retain_graph, create_graph, inputs=inputs)
        except MXNetError:
            # Our guard hook: the head reached a variable without being recorded in this thread.
            fn = self.grad_fn
            if fn is not None and node_recorded_elsewhere(fn):
                raise MXNetError(OTHER_THREAD) from None
            raise
        except RuntimeError as exc:
            # A non-scalar head computed outside record() from MXNet variables: torch refuses
            # the implicit gradient before our guard hook can say what MXNet says.
            if "implicitly created only for scalar" in str(exc) and _reaches_variable(self):
                elsewhere = node_recorded_elsewhere(self.grad_fn)
                raise MXNetError(OTHER_THREAD if elsewhere else _ag.NOT_IN_GRAPH) from None
            raise
        return None

    backward.__doc__ = orig.__doc__
    backward.__wrapped__ = orig
    return backward


# In-place methods that follow MXNet's rule on variables: refused while recording, untracked
# (outside the graph) otherwise.
GUARDED = ("__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__")


def _make_inplace(name: str, orig: Any) -> Any:
    state = _ag._state

    def inplace(self: torch.Tensor, *args: Any) -> Any:
        if self._mx_grad_req is not None:
            if state.recording:
                raise MXNetError(INPLACE_WHILE_RECORDING)
            prev = _is_grad_enabled()
            try:  # set inside the try, so an interrupt cannot leave grad mode off
                _set_grad_enabled(False)  # not a no_grad() object: ~1.3 us per update
                return orig(self, *args)
            finally:
                _set_grad_enabled(prev)
        if not state.recording and self.grad_fn is not None:
            return outside_record(self, orig, args)
        return orig(self, *args)

    inplace.__name__ = inplace.__qualname__ = name
    inplace.__doc__ = getattr(orig, "__doc__", None)
    inplace.__wrapped__ = orig
    return inplace


def outside_record(t: torch.Tensor, op: Any, args: tuple) -> Any:
    """Apply the in-place ``op`` to a recorded result ``t`` outside ``record()``, as MXNet does.

    MXNet records nothing there: the values change, the graph does not, and a later backward
    reads the new values. Writing through ``t.data`` (which shares the memory but not the version
    counter) does exactly that; torch's own in-place op would add a node to ``t``'s history
    outside every recorded range and make backward refuse the saved values.
    """
    out = op(t.data, *args)
    return None if out is None else t


def add_inplace_guards(cls: type) -> None:
    """Give ``cls`` the guarded in-place methods (those it does not define itself)."""
    for name in GUARDED:
        if name not in cls.__dict__:
            setattr(cls, name, _make_inplace(name, getattr(cls, name)))
    cls._mx_guarded = True


@contextlib.contextmanager
def _as_base(t: torch.Tensor) -> Iterator[type]:
    # Briefly the tensor it stands for (class and attributes): torch's own copy and pickle code
    # then handles it, and the copy is made a variable again afterwards.
    cls, d = t.__class__, t.__dict__
    saved = {k: d.pop(k) for k in ("_mx_grad_req", "_mx_hook") if k in d}
    t.__class__ = cls._mx_base
    try:
        yield cls._mx_base
    finally:
        t.__class__ = cls
        d.update(saved)


def _rebuild_variable(rebuild: Any, args: tuple, grad_req: str, grad: Any) -> torch.Tensor:
    """Unpickle a variable: torch rebuilds the tensor, then it becomes a variable again."""
    t = rebuild(*args)
    _ag.make_variable(t, grad, grad_req)
    return t


class _VariableCopies:
    """``copy.deepcopy``, ``pickle`` and ``torch.save``/``load`` keep a variable a variable:
    same ``grad_req``, a copy of the gradient buffer, a leaf that receives gradients."""

    _mx_base: type = torch.Tensor

    def __deepcopy__(self, memo: dict) -> torch.Tensor:
        if id(self) in memo:
            return memo[id(self)]
        req = self._mx_grad_req
        with _as_base(self) as base:
            new = base.__deepcopy__(self, memo)
        _ag.make_variable(new, new.grad, req)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol: Any) -> tuple:
        req, grad = self._mx_grad_req, self.grad
        with _as_base(self) as base:
            rebuild, args = base.__reduce_ex__(self, protocol)[:2]
        return (_rebuild_variable, (rebuild, args, req, None if grad is None else grad.detach()))


class MXVariable(_VariableCopies, torch.Tensor):
    """The class ``attach_grad``/``mark_variables`` give a plain tensor: only in-place ops differ.

    Guarding in-place ops on the variable's own class, instead of wrapping them on
    ``torch.Tensor``, leaves every other tensor's ``x[:] = v`` at native speed.
    """

    # No Python-level dispatch: ops run at native speed and return plain tensors.
    __torch_function__ = torch._C._disabled_torch_function_impl

    def __repr__(self, **kwargs: Any) -> str:
        # torch prints a subclass's name; a variable prints as the plain tensor it stands for.
        cls = self.__class__
        self.__class__ = _Tensor
        try:
            return _Tensor.__repr__(self, **kwargs)
        finally:
            self.__class__ = cls


add_inplace_guards(MXVariable)
_variable_classes: dict[type, type] = {_Tensor: MXVariable}


def variable_class(cls: type) -> type:
    """The class a tensor of class ``cls`` takes when it becomes an MXNet variable."""
    if cls.__dict__.get("_mx_guarded"):
        return cls
    sub = _variable_classes.get(cls)
    if sub is None:
        # Another tensor subclass (e.g. nn.Parameter): a subclass of it with the guards.
        sub = type(cls.__name__, (_VariableCopies, cls), {"__module__": cls.__module__})
        sub._mx_base = cls
        add_inplace_guards(sub)
        _variable_classes[cls] = sub
    return sub


_ag.register_variable_class(variable_class)


_WRAPPED = ("backward",)

# The rebuild functions torch.load(weights_only=True), torch's default, must be allowed to call
# (it accepts only allow-listed functions): added by install(), taken back by uninstall().
_load_allowed: list[Any] = [_rebuild_variable]


def allow_in_torch_load(fn: Any) -> None:
    """Let ``torch.load(weights_only=True)`` call the pickle rebuild function ``fn`` while the
    shim is installed (:func:`uninstall` takes it back with the others)."""
    if fn not in _load_allowed:
        _load_allowed.append(fn)
    if _installed:
        torch.serialization.add_safe_globals([fn])


def install(methods: Any = None) -> None:
    """Add and wrap the names above on ``torch.Tensor``; a second call does nothing.

    ``methods`` (an iterable of names, default all) installs only those: code that tests
    ``hasattr(t, "copy")`` keeps torch's answer for every name left out. ``backward`` is the
    wrapped method that gives graphs recorded in ``record()`` MXNet's rules; leaving it out
    leaves ``x.backward()`` torch's own (``autograd.backward(x)`` still applies MXNet's rules).
    Also allows the rebuild functions of variables and arrays in ``torch.load(weights_only=True)``.
    """
    global _installed
    if _installed:
        return
    names = set(_ADDED) | set(_WRAPPED)
    chosen = names if methods is None else set(methods) | {"_mx_grad_req"}
    unknown = chosen - names
    if unknown:
        raise ValueError(
            f"install(methods=...) got unknown names {sorted(unknown)}; choose from "
            f"{sorted(n for n in names if not n.startswith('_'))}"
        )
    for name in sorted(chosen):
        _orig[name] = _Tensor.__dict__.get(name, _MISSING)
    for name, value in _ADDED.items():
        if name not in chosen:
            continue
        if name != "_mx_grad_req" and hasattr(_Tensor, name):
            raise RuntimeError(f"torch.Tensor already has {name!r}; refusing to shadow it")
        setattr(_Tensor, name, value)
    if "backward" in chosen:
        _Tensor.backward = _make_backward(_Tensor.backward)
    torch.serialization.add_safe_globals(list(_load_allowed))
    _installed = True


def uninstall() -> None:
    """Restore ``torch.Tensor`` exactly as it was before :func:`install`."""
    global _installed
    if not _installed:
        return
    for name, value in _orig.items():
        if value is _MISSING:
            if name in _Tensor.__dict__:
                delattr(_Tensor, name)
        else:
            setattr(_Tensor, name, value)
    _orig.clear()
    # Take back the rebuild functions from torch's allow-list (torch has no remove: rebuild it).
    ours = set(map(id, _load_allowed))
    others = [g for g in torch.serialization.get_safe_globals() if id(g) not in ours]
    torch.serialization.clear_safe_globals()
    torch.serialization.add_safe_globals(others)
    _installed = False


def is_installed() -> bool:
    return _installed
