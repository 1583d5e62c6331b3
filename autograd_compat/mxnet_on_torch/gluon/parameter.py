"""``mxnet.gluon.parameter`` (1.9.1) on torch: ``Parameter``, ``Constant``, ``ParameterDict``.

The tensor behind a parameter is a torch leaf that requires grad and is an MXNet variable (made by
the autograd adapter's ``mark_variables``), so ``autograd.record()`` + ``backward()`` write or add
into ``param.grad()`` per ``grad_req``, and torch's own tools (``clip_grad_norm_``, ``torch.optim``)
accept it. Its class is ``MXVariable`` (a ``torch.Tensor`` subclass) in legacy mode and
``mxnet.numpy.ndarray`` under ``npx.set_np()``.

A parameter initialized on several contexts holds one copy per context, each tagged with its
context (``cpu(1)`` is a copy on torch's CPU device that reports ``cpu(1)``); ``data(ctx)`` and
``grad(ctx)`` pick the copy of ``ctx`` as MXNet does, and a block called with an input on
``cpu(1)`` uses the ``cpu(1)`` copies, so data-parallel code on several CPU contexts computes one
gradient per copy as on MXNet.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy
import torch

from ... import ndfile
from .. import autograd, initializer
from ..base import MXNetError
from ..context import Context, as_context, as_device, cpu, current_context, with_context
from ..nd import to_dtype
from ..npx import is_np_shape
from ..optimizer.optimizer import Multiplier
from ._param_unsupported import SymbolAndSparseStubs
from .utils import (
    _as_contexts,
    _brief_print_list,
    _indent,
    _require,
    as_frontend,
    as_frontend_variable,
    load_file,
    shape_is_known,
)

__all__ = ["Constant", "DeferredInitializationError", "Parameter", "ParameterDict", "tensor_types"]

#: The array types Gluon accepts (MXNet's is ``(Symbol, NDArray)``).
tensor_types = (torch.Tensor,)

# MXNet's default initializer, one shared instance as in MXNet's signatures.
_DEFAULT_INIT = initializer.Uniform()
_NAMING_URL = "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html"


class DeferredInitializationError(MXNetError):
    """Error for unfinished deferred initialization."""


def _to_numpy(data: Any) -> numpy.ndarray:
    if isinstance(data, torch.Tensor):
        return data.detach().cpu().numpy()
    return numpy.asarray(data)


# The torch dtype of any tensor (the dialect's arrays report numpy types as .dtype).
_dtype_of = torch._C.TensorBase.dtype.__get__


def _np_dtype(dtype: Any) -> numpy.dtype:
    if isinstance(dtype, torch.dtype):
        return numpy.dtype(torch.empty((), dtype=dtype).numpy().dtype)
    return numpy.dtype(dtype)


class Parameter(SymbolAndSparseStubs):
    """A container holding a parameter (weight) of Blocks, one copy per context.

    ``grad_req``: ``'write'``, ``'add'`` (call ``zero_grad()`` yourself) or ``'null'``. ``shape``
    may hold unknown ``0`` dims, filled at the first forward (``allow_deferred_init=True``).
    """

    # Plain values; setting one tells the optimizers, which cache them.
    lr_mult = Multiplier()
    wd_mult = Multiplier()

    def __init__(
        self,
        name: str,
        grad_req: str = "write",
        shape: Any = None,
        dtype: Any = numpy.float32,
        lr_mult: float = 1.0,
        wd_mult: float = 1.0,
        init: Any = None,
        allow_deferred_init: bool = False,
        differentiable: bool = True,
        stype: str = "default",
        grad_stype: str = "default",
    ) -> None:
        self._var = None
        self._data: list[torch.Tensor] | None = None
        self._grad: list[torch.Tensor] | None = None
        self._ctx_list: list[Context] | None = None
        # (device_typeid & 1, device_id) -> index of the copy, as MXNet's _ctx_map.
        self._ctx_map: dict[tuple[int, int], int] = {}
        self._trainer: Any = None
        self._deferred_init: tuple = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req: str | None = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = None if shape is None else tuple(shape)
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        valid = ("default", "row_sparse", "csr")
        _require(
            grad_stype in valid,
            f"grad_stype for Parameter '{name}' must be one of 'default', 'row_sparse', or "
            f"'csr', but got '{grad_stype}'",
        )
        _require(
            stype in valid,
            f"stype for Parameter '{name}' must be one of 'default', 'row_sparse', or 'csr', "
            f"but got '{stype}'",
        )
        if stype != "default" or grad_stype != "default":
            raise NotImplementedError(
                f"Parameter '{name}': sparse storage (stype={stype!r}, grad_stype="
                f"{grad_stype!r}) is not supported on the torch backend; use 'default'"
            )
        self._stype = stype
        self._grad_stype = grad_stype

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # --- attributes ------------------------------------------------------------------------

    @property
    def grad_req(self) -> str | None:
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        _require(
            req in ("write", "add", "null"),
            f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'",
        )
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == "null" and self._grad is not None:
            self._grad = None
            # As MXNet: new arrays sharing the values, no longer variables.
            self._data = self._tagged([d.detach() for d in self._data])
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self) -> Any:
        """The dtype as given (``numpy.float32`` by default); setting it casts the parameter."""
        return self._dtype

    @dtype.setter
    def dtype(self, dtype: Any) -> None:
        self.cast(dtype)

    @property
    def shape(self) -> tuple[int, ...] | None:
        """The shape; unknown dims are 0 (-1 under NumPy shape semantics)."""
        if self._shape is None:
            return None
        if is_np_shape():
            return tuple(i if i != 0 else -1 for i in self._shape)
        return self._shape

    @shape.setter
    def shape(self, new_shape: Any) -> None:
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if not (
            len(self._shape) == len(new_shape)
            and all(j in (-1, 0, i) for i, j in zip(new_shape, self._shape))
        ):
            raise AssertionError(
                f"Expected shape {new_shape} is incompatible with given shape {self._shape}."
            )
        self._shape = new_shape

    @property
    def stype(self) -> str:
        return self._stype

    def _set_trainer(self, trainer: Any) -> None:
        """Set the trainer this parameter is associated with."""
        self._trainer = trainer

    # --- access ----------------------------------------------------------------------------

    def _check_and_get(self, arr_list: list | None, ctx: Any) -> Any:
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            else:
                ctx = as_context(ctx)
            # MXNet keys the copies by (device_typeid & 1, device_id): cpu_pinned(i) is cpu(i).
            idx = self._ctx_map.get((ctx.device_typeid & 1, ctx.device_id))
            if idx is not None:
                return arr_list[idx]
            raise RuntimeError(
                f"Parameter '{self.name}' was not initialized on context {ctx}. It was only "
                f"initialized on {self._ctx_list}."
            )
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization "
                "was deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing Parameters. "
                "You can also avoid deferred initialization by specifying in_units, "
                "num_features, etc., for network layers."
            )
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should initialize "
            "parameters and create Trainer with Block.collect_params() instead of Block.params "
            "because the later does not include Parameters of nested child Blocks"
        )

    def data(self, ctx: Any = None) -> torch.Tensor:
        """This parameter's array on ``ctx`` (default: the only one, or the current context)."""
        d = self._data
        if d is not None and len(d) == 1 and (ctx is None or ctx is self._ctx_list[0]):
            return as_frontend_variable(d[0])  # the common case, on every forward
        return as_frontend_variable(self._check_and_get(d, ctx))

    def list_data(self) -> list[torch.Tensor]:
        """The arrays on every context, in the order of ``list_ctx()``."""
        return [as_frontend_variable(a) for a in self._check_and_get(self._data, list)]

    def _grads(self) -> list[torch.Tensor] | None:
        # The variables' buffers are the gradient arrays; backward may have replaced one.
        if self._grad is None:
            return None
        for i, d in enumerate(self._data):
            g = d.grad
            if g is not None and g is not self._grad[i]:
                self._grad[i] = with_context(g, self._ctx_list[i])
        return self._grad

    def grad(self, ctx: Any = None) -> torch.Tensor:
        """The gradient buffer on ``ctx``."""
        if self._data is not None and self._grad is None:
            raise RuntimeError(
                f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'"
            )
        return as_frontend_variable(self._check_and_get(self._grads(), ctx))

    def list_grad(self) -> list[torch.Tensor]:
        """The gradient buffers on every context."""
        if self._data is not None and self._grad is None:
            raise RuntimeError(
                f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'"
            )
        return [as_frontend_variable(g) for g in self._check_and_get(self._grads(), list)]

    def list_ctx(self) -> list[Context]:
        """The contexts this parameter is (or will be, when deferred) initialized on."""
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return self._ctx_list

    def zero_grad(self) -> None:
        """Set the gradient buffers to 0 (nothing when uninitialized or ``grad_req='null'``)."""
        grads = self._grads()
        if grads:
            with torch.no_grad():
                torch._foreach_zero_(grads)
            if self._trainer is not None:
                # Zeroing bumps the buffers' versions; it must not count as a fresh gradient.
                self._trainer._grads_zeroed(self)

    # --- initialization --------------------------------------------------------------------

    def initialize(
        self,
        init: Any = None,
        ctx: Any = None,
        default_init: Any = _DEFAULT_INIT,
        force_reinit: bool = False,
    ) -> None:
        """Create the arrays (one copy per context) and the gradient buffers.

        ``init`` overrides ``self.init``, which overrides ``default_init``. With unknown dims and
        ``allow_deferred_init`` the arrays are created at the first forward.
        """
        if self._data is not None and not force_reinit:
            warnings.warn(
                f"Parameter '{self.name}' is already initialized, ignoring. Set "
                "force_reinit=True to re-initialize.",
                stacklevel=2,
            )
            return
        self._data = self._grad = None
        ctx = _as_contexts(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not shape_is_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise ValueError(
                f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                f"{self.shape}."
            )
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        """Create the arrays of a deferred parameter (its shape must be known by now)."""
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        _require(
            shape_is_known(self.shape),
            f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
            f"{self.shape}. Please specify in_units, in_channels, etc for `Block`s.",
        )
        with torch.no_grad():
            if data is None:
                # In the active interface's class: initializers may read it the NumPy way.
                data = as_frontend(torch.zeros(self._shape, dtype=to_dtype(self.dtype)))
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {"__init__": init}), data
                )
            self._init_impl(data, ctx)

    def _init_impl(self, data: Any, ctx_list: list) -> None:
        """Set the arrays (one copy of ``data`` per context, tagged) and the gradient buffers."""
        cpu0 = cpu()  # the shared cpu(0): data(ctx) checks it by identity first
        self._ctx_list = [cpu0 if c == cpu0 else c for c in map(as_context, ctx_list)]
        self._ctx_map = {}
        for i, c in enumerate(self._ctx_list):
            self._ctx_map.setdefault((c.device_typeid & 1, c.device_id), i)
        if not isinstance(data, torch.Tensor):
            data = torch.as_tensor(_to_numpy(data))
        data = data.detach()
        dtype = to_dtype(self.dtype)
        self._data = [
            with_context(data.to(device=as_device(c), dtype=dtype, copy=True).contiguous(), c)
            for c in self._ctx_list
        ]
        self._init_grad()

    def _tagged(self, arrays: list[torch.Tensor]) -> list[torch.Tensor]:
        """``arrays`` (one per context, new tensors) tagged with their contexts."""
        return [with_context(a, c) for a, c in zip(arrays, self._ctx_list)]

    def _init_grad(self) -> None:
        if self.grad_req == "null":
            self._grad = None
            return
        self._grad = [
            with_context(torch.zeros_like(d), c) for d, c in zip(self._data, self._ctx_list)
        ]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _reduce(self) -> torch.Tensor:
        """The mean of the copies, on the CPU (what is saved)."""
        with torch.no_grad():
            block = [d.detach().cpu() for d in self._check_and_get(self._data, list)]
            if len(block) == 1:
                return block[0].clone()
            return torch.stack(block).sum(0) / len(block)

    def _load_init(
        self, data: Any, ctx: Any, cast_dtype: bool = False, dtype_source: str = "current"
    ) -> None:
        """(Re)initialize from loaded ``data`` (a numpy array or a tensor)."""
        if cast_dtype:
            _require(dtype_source in ("current", "saved"), "")
        data = _to_numpy(data)
        if self.shape:
            for self_dim, data_dim in zip(self.shape, data.shape):
                if self_dim not in (0, -1, data_dim):
                    raise AssertionError(
                        f"Failed loading Parameter '{self.name}' from saved params: shape "
                        f"incompatible expected {self.shape} vs saved {data.shape}"
                    )
            self.shape = tuple(i if i not in (0, -1) else j for i, j in zip(self.shape, data.shape))
        if self.dtype:
            if cast_dtype and _np_dtype(self.dtype) != data.dtype:
                if dtype_source == "current":
                    data = data.astype(_np_dtype(self.dtype), copy=False)
                else:
                    self.dtype = data.dtype.type
            elif _np_dtype(self.dtype) != data.dtype:
                raise AssertionError(
                    f"Failed loading Parameter '{self.name}' from saved params: dtype "
                    f"incompatible expected {self.dtype} vs saved {data.dtype.type}. Set "
                    "cast_dtype=True to cast the dtype of saved params."
                )
        if ctx is not None:
            ctx = _as_contexts(ctx)
        if self._data is None:
            if self._deferred_init:
                if ctx is not None and set(ctx) != set(self._deferred_init[1]):
                    raise AssertionError(
                        f"Failed to load Parameter '{self.name}' on {ctx} because it was "
                        f"previous initialized on {self.list_ctx()}."
                    )
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]  # MXNet's: cpu(0), not the current context
            self._init_impl(torch.from_numpy(numpy.ascontiguousarray(data)), ctx)
        else:
            if ctx is not None and set(ctx) != set(self.list_ctx()):
                raise AssertionError(
                    f"Failed to load Parameter '{self.name}' on {ctx} because it was previous "
                    f"initialized on {self.list_ctx()}."
                )
            self.set_data(data)
        self._deferred_init = ()

    def reset_ctx(self, ctx: Any) -> None:
        """Move the parameter to other contexts (the copies' mean is kept)."""
        ctx = _as_contexts(ctx)
        if self._data:
            data = self._reduce()
            self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise ValueError(
                f"Cannot reset context for Parameter '{self.name}' because it has not been "
                "initialized."
            )

    def set_data(self, data: Any) -> None:
        """Set this parameter's value on every context."""
        self.shape = tuple(data.shape)
        if self._data is None:
            _require(self._deferred_init, f"Parameter '{self.name}' has not been initialized")
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer
        if (
            trainer is not None
            and getattr(trainer, "_kv_initialized", False)
            and getattr(trainer, "_update_on_kvstore", False)
            and self not in getattr(trainer, "_params_to_init", ())
        ):
            trainer._reset_kvstore()
        src = data if isinstance(data, torch.Tensor) else torch.as_tensor(_to_numpy(data))
        with torch.no_grad():
            for arr in self._data:
                # The base method: MXNet allows set_data on a variable outside record().
                torch.Tensor.copy_(arr, src.detach().to(arr.device, _dtype_of(arr)).expand_as(arr))

    def cast(self, dtype: Any) -> None:
        """Cast the arrays and gradient buffers to ``dtype``."""
        self._dtype = dtype
        if self._data is None:
            return
        target = to_dtype(dtype)
        with torch.no_grad():
            self._data = self._tagged([d.detach().to(target, copy=True) for d in self._data])
            if self._grad is None:
                return
            self._grad = self._tagged([g.to(target, copy=True) for g in self._grads()])
            autograd.mark_variables(self._data, self._grad, self.grad_req)


class Constant(Parameter):
    """A parameter that autograd and the Trainer leave alone (``grad_req`` is always
    ``'null'``); ``set_data`` still changes it."""

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(value, torch.Tensor):
            value = torch.as_tensor(numpy.asarray(value, dtype=numpy.float32))
        self.value = value
        const = value

        class Init(initializer.Initializer):
            def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
                with torch.no_grad():
                    arr.copy_(const.detach().to(arr.device, _dtype_of(arr)))

        init_name = f"Constant_{name}_{id(self)}"
        initializer.alias(init_name)(Init)
        super().__init__(
            name,
            grad_req="null",
            shape=tuple(value.shape),
            dtype=_np_dtype(_dtype_of(value)).type,
            init=init_name,
        )

    def __repr__(self) -> str:
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"

    @property
    def grad_req(self) -> str:
        return "null"

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(
                f'Constant parameter "{self.name}" does not support grad_req other than "null", '
                f'and new value "{req}" is ignored.',
                stacklevel=2,
            )


class ParameterDict:
    """An ordered dictionary of Parameters; ``get(name)`` creates ``prefix + name`` (or takes it
    from the ``shared`` dict)."""

    def __init__(self, prefix: str = "", shared: ParameterDict | None = None) -> None:
        self._prefix = prefix
        self._params: OrderedDict[str, Parameter] = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        name = self._prefix + " " if self._prefix else ""
        content = "\n".join(_indent(f"  {v}", 2) for v in self.values())
        return f"{name}(\n{content}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: object) -> bool:
        return key in self._params

    def items(self):  # noqa: ANN201 - the OrderedDict view
        return self._params.items()

    def keys(self):  # noqa: ANN201
        return self._params.keys()

    def values(self):  # noqa: ANN201
        return self._params.values()

    @property
    def prefix(self) -> str:
        """The prefix prepended to the names of parameters created by ``get``."""
        return self._prefix

    def _get_impl(self, name: str) -> Parameter | None:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The parameter ``prefix + name``: found here, in the shared dict, or created with
        ``kwargs``. For an existing one, ``kwargs`` must agree with it (unknown dims are filled)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == "shape" and len(v) == len(existing):
                    inferred, matched = [], True
                    for dim1, dim2 in zip(v, existing):
                        if dim1 != dim2 and dim1 > 0 and dim2 > 0:
                            matched = False
                            break
                        if dim1 == dim2:
                            inferred.append(dim1)
                        elif dim1 in (0, -1):
                            inferred.append(dim2)
                        else:
                            inferred.append(dim1)
                    if matched:
                        param._shape = tuple(inferred)
                        continue
                elif k == "dtype" and numpy.dtype(v) == numpy.dtype(existing):
                    continue
                if not (v is None or v == existing):
                    raise AssertionError(
                        f"Cannot retrieve Parameter '{name}' because desired attribute does not "
                        f"match with stored for attribute '{k}': desired '{v}' vs stored "
                        f"'{getattr(param, k)}'."
                    )
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name: str, value: Any = None) -> Constant:
        """The ``Constant`` ``prefix + name``: found, or created from ``value``."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(
                    f"No constant named '{name}'. Please specify value if you want to create a "
                    "new constant."
                )
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise AssertionError(f"Parameter '{name}' already exists but it is not a constant.")
            value = _to_numpy(value)
            if not (param.shape == value.shape and (_to_numpy(param.value) == value).all()):
                raise AssertionError(
                    f"Constant '{name}' already exists but it's value doesn't match new value"
                )
        return param

    def update(self, other: ParameterDict | dict) -> None:
        """Copy every parameter of ``other`` into this dict (same names must be the same
        parameter)."""
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise AssertionError(
                    "Cannot update self with other because they have different Parameters with "
                    f"the same name '{k}'"
                )
        for k, v in other.items():
            self._params[k] = v

    def initialize(
        self,
        init: Any = _DEFAULT_INIT,
        ctx: Any = None,
        verbose: bool = False,
        force_reinit: bool = False,
    ) -> None:
        """Initialize every parameter; ``init`` is the default for those without their own."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        """Set every gradient buffer to 0."""
        grads = []
        for p in self.values():
            if p.grad_req == "null" or p._grad is None:
                continue
            grads.extend(p._grads())
        if grads:
            with torch.no_grad():
                torch._foreach_zero_(grads)
            for p in self.values():
                if p._trainer is not None:
                    p._trainer._grads_zeroed(p)

    def reset_ctx(self, ctx: Any) -> None:
        """Move every parameter to other contexts."""
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self) -> list[Context]:
        """Every context some parameter is initialized on."""
        s: set = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name: str, value: Any) -> None:
        """Set attribute ``name`` (e.g. ``'grad_req'``, ``'lr_mult'``) on every parameter."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save the parameters to an MXNet ``.params`` file (names without ``strip_prefix``)."""
        arg_dict = {}
        for param in self.values():
            weight = param._reduce()
            if not param.name.startswith(strip_prefix):
                raise ValueError(
                    f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's "
                    f"name '{param.name}' does not start with '{strip_prefix}'. this may be due "
                    "to your Block shares parameters from other Blocks or you forgot to use "
                    "'with name_scope()' when creating child blocks. For more info on naming, "
                    f"please see {_NAMING_URL}"
                )
            arg_dict[param.name[len(strip_prefix) :]] = weight.numpy()
        ndfile.save(filename, arg_dict)

    def load(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        restore_prefix: str = "",
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load parameters from an MXNet ``.params`` file (names get ``restore_prefix``)."""
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise AssertionError(
                        f"restore_prefix is '{restore_prefix}' but Parameters name '{name}' does "
                        f"not start with '{restore_prefix}'. For more info on naming, please see "
                        f"{_NAMING_URL}"
                    )
        self.load_dict(
            load_file(filename),
            ctx,
            allow_missing,
            ignore_extra,
            restore_prefix,
            filename,
            cast_dtype,
            dtype_source,
        )

    def load_dict(
        self,
        param_dict: Any,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        restore_prefix: str = "",
        filename: str | None = None,
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load parameters from a dict ``name -> array`` (``arg:``/``aux:`` prefixes dropped)."""
        lprefix = len(restore_prefix)
        if isinstance(param_dict, dict):
            loaded = [
                (k[4:] if k.startswith(("arg:", "aux:")) else k, v) for k, v in param_dict.items()
            ]
        else:
            loaded = param_dict
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        error_str = f"file: {filename}" if filename else "param_dict"
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise AssertionError(
                        f"Parameter '{name[lprefix:]}' is missing in {error_str}, which contains "
                        f"parameters: {_brief_print_list(arg_dict.keys())}. Please make sure "
                        "source and target networks have the same prefix.For more info on "
                        f"naming, please see {_NAMING_URL}"
                    )
        for name in arg_dict:
            if name not in self._params:
                if not ignore_extra:
                    raise AssertionError(
                        f"Parameter '{name[lprefix:]}' loaded from {error_str} is not present in "
                        f"ParameterDict, choices are: {_brief_print_list(self._params.keys())}. "
                        "Set ignore_extra to True to ignore. Please make sure source and target "
                        "networks have the same prefix.For more info on naming, please see "
                        f"{_NAMING_URL}"
                    )
                continue
            self[name]._load_init(
                arg_dict[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source
            )
