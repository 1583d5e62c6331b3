"""``mxnet.gluon.block`` (1.9.1) on torch: ``Block``, ``HybridBlock``, ``SymbolBlock``.

Naming follows MXNet 1.x: a block made at top level gets ``<classname><n>_`` from a per-thread
counter (``dense0_``, ``dense1_``), a block made inside a parent's ``name_scope()`` gets the
parent's prefix plus a counter kept by that parent (``hybridsequential0_dense0_``); parameters
are named ``prefix + name``.

``HybridBlock`` runs imperatively on torch: ``hybridize()`` records its flags and never changes a
result. ``hybrid_forward(F, x, *args, **params)`` gets ``F`` = the ``nd`` namespace (with ``F.np``
and ``F.npx``) and the block's parameters as keyword arguments. A parameter whose shape is not
known yet (deferred initialization) is completed at the first call through ``infer_shape(x,
*args)``, which layers override to fill their unknown dims from the inputs.
"""

from __future__ import annotations

import json
import re
import threading
import warnings
from collections import OrderedDict, defaultdict
from typing import Any

import torch

from ... import ndfile
from .. import nd as _F
from ..context import context_of, with_context
from ..hybrid_state import HYBRIDIZED_FORWARD
from ..npx import is_np_array, is_np_shape
from ._shape_inference import in_trial, infer_unknown_dims, meta_param
from .parameter import (
    _DEFAULT_INIT,
    DeferredInitializationError,
    Parameter,
    ParameterDict,
)
from .utils import HookHandle, _brief_print_list, _indent, as_block_output, load_file

__all__ = ["Block", "HybridBlock", "SymbolBlock"]


class _NameCounter(threading.local):
    """MXNet's top-level name manager (per thread): ``dense`` -> ``dense0``, ``dense1``, ..."""

    def __init__(self) -> None:
        self.counter: dict[str, int] = {}

    def get(self, hint: str) -> str:
        n = self.counter.get(hint, 0)
        self.counter[hint] = n + 1
        return f"{hint}{n}"


_names = _NameCounter()


class _BlockScope:
    """The scope (``with block.name_scope():``) in which children get the block's prefix."""

    _current = threading.local()

    def __init__(self, block: Block) -> None:
        self._block = block
        self._counter: dict[str, int] = {}
        self._old_scope: _BlockScope | None = None

    @staticmethod
    def create(prefix: str | None, params: ParameterDict | None, hint: str) -> tuple:
        """The prefix and the ParameterDict of a new block."""
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _names.get(hint) + "_"
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> _BlockScope:
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        return self

    def __exit__(self, *exc: object) -> None:
        if self._block._empty_prefix:
            return
        _BlockScope._current.value = self._old_scope


def _shape_str(args: Any) -> str:
    """MXNet's summary text for the shapes of (nested) inputs or outputs."""

    def shapes(a: Any) -> Any:
        if isinstance(a, list | tuple):
            return [shapes(i) for i in a]
        return tuple(a.shape) if isinstance(a, torch.Tensor) else a

    s = shapes(args)
    return str(s)[1:-1] if isinstance(s, list) else str(s)


class Block:
    """The base class of layers and models: override ``forward(self, *args)``.

    Children (blocks) and parameters assigned as attributes are registered; create them inside
    ``with self.name_scope():`` to give them this block's prefix.
    """

    # Sequential containers are left out of summary(); set by gluon._sequential.
    _is_sequential_container = False

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children: OrderedDict[str, Block] = OrderedDict()
        self._reg_params: dict[str, Parameter] = {}
        self._forward_hooks: OrderedDict = OrderedDict()
        self._forward_pre_hooks: OrderedDict = OrderedDict()

    def __repr__(self) -> str:
        modstr = "\n".join(
            f"  ({key}): {_indent(repr(block), 2)}"
            for key, block in self.__dict__.items()
            if isinstance(block, Block)
        )
        return f"{self.__class__.__name__}(\n{modstr}\n)"

    def __setattr__(self, name: str, value: Any) -> None:
        """Registers children and parameters."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, Parameter | Block) and not isinstance(value, type(existing)):
                raise TypeError(
                    f"Changing attribute type for {name} from {type(existing)} to "
                    f"{type(value)}is not allowed."
                )
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                # MXNet's text, unformatted as in MXNet.
                raise AssertionError(
                    "Overriding Parameter attribute %s is not allowed. If you want to share "
                    "parameters between blocks, please set 'params' at Block construction "
                    "instead."
                )
            self._reg_params[name] = value
        object.__setattr__(self, name, value)

    def _check_container_with_block(self) -> None:
        children = set(self._children.values())

        def unregistered(data: Any) -> bool:
            if isinstance(data, list | tuple):
                return any(unregistered(e) for e in data)
            if isinstance(data, dict):
                return any(unregistered(v) for v in data.values())
            return isinstance(data, Block) and data not in children

        for k, v in self.__dict__.items():
            if isinstance(v, list | tuple | dict) and not (k.startswith("__") or k == "_children"):
                if unregistered(v):
                    warnings.warn(
                        f'"{self.__class__.__name__}.{k}" is an unregistered container with '
                        "Blocks. Note that Blocks inside the list, tuple or dict will not be "
                        "registered automatically. Make sure to register them using "
                        "register_child() or switching to nn.Sequential/nn.HybridSequential "
                        "instead. ",
                        stacklevel=3,
                    )

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    @property
    def prefix(self) -> str:
        """Prefix of this block (``dense0_``)."""
        return self._prefix

    @property
    def name(self) -> str:
        """Name of this block, without the trailing ``_`` (``dense0``)."""
        return self._name

    def name_scope(self) -> _BlockScope:
        """Scope in which children and parameters created get this block's prefix::

        with self.name_scope():
            self.dense = nn.Dense(20)
        """
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own ParameterDict (without its children's parameters)."""
        return self._params

    def collect_params(self, select: str | None = None) -> ParameterDict:
        """This block's and its children's parameters, optionally those whose full name matches
        the regular expression ``select`` (``'.*weight|.*bias'``)."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({n: v for n, v in self.params.items() if pattern.match(n)})
        for cld in self._children.values():
            ret.update(cld.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> dict[str, Parameter]:
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def share_parameters(self, shared: dict) -> Block:
        """Use the parameters of ``shared`` (structural names such as ``'0.weight'``, as
        ``_collect_params_with_prefix`` gives, or full names) instead of this block's own
        (MXNet 2.0's API; 1.x shares through ``params=``)."""
        if shared is None:
            return self
        for key, param in self._collect_params_with_prefix().items():
            new = shared.get(key)
            if new is None:
                new = shared.get(param.name)
            if new is None:
                continue
            *path, attr = key.split(".")
            blk = self
            for p in path:
                blk = blk._children[p]
            blk._reg_params.pop(attr, None)
            pd = blk._params
            if param.name in pd._params:
                # Same place in the dict, under the shared parameter's own name.
                pd._params = OrderedDict(
                    (new.name, new) if k == param.name else (k, v) for k, v in pd._params.items()
                )
            blk._reg_params[attr] = new
            object.__setattr__(blk, attr, new)
        return self

    # --- files -----------------------------------------------------------------------------

    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the parameters under their structural names (``0.weight``), MXNet's format."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = {v: k for k, v in params.items()}
            params = {v: k for k, v in reverse.items()}
        # Legacy mode writes nd.save's records, NumPy mode npx.save's (as MXNet chooses).
        ndfile.save(
            filename,
            {k: v._reduce().numpy() for k, v in params.items()},
            np_shape=is_np_array() and is_np_shape(),
        )

    def save_params(self, filename: str) -> None:
        """[Deprecated] Please use save_parameters."""
        warnings.warn(
            "save_params is deprecated. Please use save_parameters. Note that if you want load "
            "from SymbolBlock later, please use export instead. For details, see "
            "https://mxnet.apache.org/tutorials/gluon/save_load_params.html",
            stacklevel=2,
        )
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as e:
            raise ValueError(
                f"{e}\nsave_params is deprecated. Using save_parameters may resolve this error."
            ) from None

    def load_parameters(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
        cast_dtype: bool = False,
        dtype_source: str = "current",
    ) -> None:
        """Load parameters saved by ``save_parameters`` (here or by real MXNet)."""
        loaded = load_file(filename, np_shape=None if is_np_array() else False)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any("." in i for i in loaded.keys()):
            # Files of collect_params().save / save_params: full names.
            del loaded
            self.collect_params().load(
                filename,
                ctx,
                allow_missing,
                ignore_extra,
                self.prefix,
                cast_dtype=cast_dtype,
                dtype_source=dtype_source,
            )
            return
        if not allow_missing:
            # A shared parameter is saved under one of its names (deduplicate=True).
            params_inv = defaultdict(list)
            for k, v in params.items():
                params_inv[v].append(k)
            for name, param in params.items():
                if not any(p in loaded for p in params_inv[param]):
                    raise AssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains "
                        f"parameters: {_brief_print_list(loaded.keys())}. Set "
                        "allow_missing=True to ignore missing parameters."
                    )
        for name in loaded:
            if not ignore_extra and name not in params:
                raise ValueError(
                    f"Parameter '{name}' loaded from file '{filename}' is not present in "
                    f"ParameterDict, which contains parameters "
                    f"{_brief_print_list(self._params.keys())}. Set ignore_extra=True to ignore. "
                )
            if name in params:
                params[name]._load_init(
                    loaded[name], ctx, cast_dtype=cast_dtype, dtype_source=dtype_source
                )

    def load_params(
        self,
        filename: str,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
    ) -> None:
        """[Deprecated] Please use load_parameters."""
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def save(self, prefix: str) -> None:
        """Save the block's structure names (``<prefix>-model.json``) and parameters
        (``<prefix>-model.params``); graphs are never cached on torch (``hybridized: false``)."""
        model: dict = {}

        def walk(blk: Block, index: list[int], structure: dict) -> None:
            mdl: dict[str, Any] = {"orig_name": blk.name}
            structure[type(blk).__name__.lower() + str(index[0])] = mdl
            if isinstance(blk, HybridBlock):
                mdl["hybridized"] = False
            children: dict[str, str] = {}
            mdl["children"] = children
            for ch_name, child in blk._children.items():
                index[0] += 1
                children[child.name] = ch_name
                walk(child, index, mdl)

        walk(self, [0], model)
        ndfile.write_atomic(prefix + "-model.json", json.dumps(model).encode())
        self.save_parameters(prefix + "-model.params")

    def load(self, prefix: str) -> None:
        """Load what ``save(prefix)`` wrote: restore the saved names, then the parameters."""
        with open(prefix + "-model.json") as fp:
            model = json.load(fp)

        def walk(blk: Block, index: list[int], structure: dict) -> None:
            mdl = structure[type(blk).__name__.lower() + str(index[0])]
            if mdl.get("hybridized"):
                raise NotImplementedError(
                    f"{prefix}-model.json holds a hybridized (symbolic) graph, which the torch "
                    "backend cannot load. Hint: build the network in code and use "
                    "load_parameters."
                )
            blk._name = mdl["orig_name"]
            for p in list(blk.params.keys()):
                param = blk.params._params.pop(p)
                blk.params._params[blk.name + "_" + p[len(blk.params._prefix) :]] = param
            for child in blk._children.values():
                index[0] += 1
                walk(child, index, mdl)
            children = mdl["children"]
            for ch_name in list(blk._children.keys()):
                child = blk._children.pop(ch_name)
                blk._children[children[child.name]] = child

        walk(self, [0], model)
        self.load_parameters(prefix + "-model.params")

    # --- structure and hooks ---------------------------------------------------------------

    def register_child(self, block: Block, name: str | None = None) -> None:
        """Register ``block`` as a child (attribute assignment does this)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook: Any) -> HookHandle:
        """Call ``hook(block, inputs)`` before each forward; returns a handle (``detach()``)."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Any) -> HookHandle:
        """Call ``hook(block, inputs, outputs)`` after each forward; returns a handle."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def apply(self, fn: Any) -> Block:
        """Apply ``fn(block)`` to every child (recursively), then to this block."""
        for cld in self._children.values():
            cld.apply(fn)
        fn(self)
        return self

    def initialize(
        self,
        init: Any = _DEFAULT_INIT,
        ctx: Any = None,
        verbose: bool = False,
        force_reinit: bool = False,
    ) -> None:
        """Initialize the parameters of this block and its children
        (``collect_params().initialize(...)``)."""
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize the HybridBlock children; on torch this never changes a result."""
        for cld in self._children.values():
            cld.hybridize(active, **kwargs)

    def cast(self, dtype: Any) -> None:
        """Cast every parameter of this block and its children to ``dtype``."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def register_op_hook(self, callback: Any, monitor_all: bool = False) -> None:
        """MXNet's operator monitor: not available on the torch backend."""
        raise NotImplementedError(
            "register_op_hook monitors MXNet's operators, which the torch backend does not run. "
            "Hint: use register_forward_hook on the blocks of interest."
        )

    # --- calling ---------------------------------------------------------------------------

    def __call__(self, *args: Any) -> Any:
        """Run ``forward(*args)`` between the pre-hooks and the hooks."""
        if self._forward_pre_hooks and not in_trial():
            for hook in self._forward_pre_hooks.values():
                hook(self, args)
        out = as_block_output(self, self.forward(*args))
        if self._forward_hooks and not in_trial():
            for hook in self._forward_hooks.values():
                hook(self, args, out)
        return out

    def forward(self, *args: Any) -> Any:
        """Override with the block's computation (positional arguments only)."""
        raise NotImplementedError

    def summary(self, *inputs: Any) -> None:
        """Print a table of each layer's output shape and parameter count (MXNet's format) by
        running ``inputs`` through the network once."""
        summary: OrderedDict[str, dict] = OrderedDict()
        seen: set = set()
        hooks: list[HookHandle] = []

        def register(block: Block) -> None:
            if isinstance(block, HybridBlock) and block._active:
                raise AssertionError(f'"{block.name}" must not be hybridized to print summary.')

            def summary_hook(block: Block, _: Any, outputs: Any) -> None:
                key = f"{block.__class__.__name__}-{len(summary)}"
                entry = summary[key] = OrderedDict()
                entry["output_shape"] = _shape_str(outputs)
                entry["trainable"] = entry["shared"] = 0
                n_params = 0
                for p in block.params.values():
                    size = p.data().numel()
                    n_params += size
                    entry["trainable"] += 0 if p.grad_req == "null" else size
                    if p in seen:
                        entry["shared"] += size
                    else:
                        seen.add(p)
                entry["n_params"] = n_params

            if not block._is_sequential_container:
                hooks.append(block.register_forward_hook(summary_hook))

        summary["Input"] = OrderedDict(
            output_shape=_shape_str(inputs), n_params=0, trainable=0, shared=0
        )
        try:
            self.apply(register)
            self(*inputs)
            fmt = "{:>20}  {:>42} {:>15}"
            print("-" * 80)
            print(fmt.format("Layer (type)", "Output Shape", "Param #"))
            print("=" * 80)
            total = trainable = shared = 0
            for layer, entry in summary.items():
                print(fmt.format(layer, str(entry["output_shape"]), entry["n_params"]))
                total += entry["n_params"]
                trainable += entry["trainable"]
                shared += entry["shared"]
            print("=" * 80)
            print("Parameters in forward computation graph, duplicate included")
            print("   Total params: " + str(total))
            print("   Trainable params: " + str(trainable))
            print("   Non-trainable params: " + str(total - trainable))
            print("Shared params in forward computation graph: " + str(shared))
            print("Unique parameters in model: " + str(total - shared))
            print("-" * 80)
        finally:
            for h in hooks:
                h.detach()


def _first_array(args: tuple) -> torch.Tensor | None:
    for a in args:
        if isinstance(a, torch.Tensor):
            return a
        if isinstance(a, list | tuple):
            d = _first_array(a)
            if d is not None:
                return d
    return None


def _tag_outputs(out: Any, ctx: Any) -> None:
    if isinstance(out, torch.Tensor):
        if "_mx_ctx" not in out.__dict__:
            with_context(out, ctx)
    elif isinstance(out, list | tuple):
        for o in out:
            _tag_outputs(o, ctx)


def _in_format(args: Any) -> Any:
    """MXNet's structure code of hybridized inputs: 0 an array, -1 None, lists nested."""
    if isinstance(args, torch.Tensor):
        return 0
    if args is None:
        return -1
    if not isinstance(args, list | tuple):
        raise ValueError(
            "When hybridized, the input of HybridBlock input must be (nested) list of Symbol or "
            f"NDArray, but got {args} of type {type(args)}"
        )
    return [_in_format(a) for a in args]


class HybridBlock(Block):
    """A block written as ``hybrid_forward(self, F, x, *args, **params)`` (MXNet 1.x) or as
    ``forward(self, x, *args)``; its children must be HybridBlocks too.

    ``hybridize()`` is accepted and never changes a result (torch runs imperatively).
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._in_format: Any = None  # the argument structure of the first hybridized call
        self._flags: list = []
        self._backend = None
        self._backend_opts: dict = {}

    def register_child(self, block: Block, name: str | None = None) -> None:
        if not isinstance(block, HybridBlock):
            raise ValueError(
                "Children of HybridBlock must also be HybridBlock, but "
                f"{block} has type {type(block)}. If you are using Sequential, please try "
                "HybridSequential instead."
            )
        super().register_child(block, name)
        self._in_format = None

    def hybridize(
        self,
        active: bool = True,
        backend: Any = None,
        clear: bool = True,
        static_alloc: bool = False,
        static_shape: bool = False,
        inline_limit: int = 2,
        forward_bulk_size: int | None = None,
        backward_bulk_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Record the hybridization flags (for this block and its children); the computation
        stays imperative on torch, so results never change."""
        if kwargs:
            self._backend_opts = kwargs
        self._backend = backend
        self._active = active
        self._flags = [
            ("static_alloc", static_alloc),
            ("static_shape", static_shape),
            ("inline_limit", inline_limit),
        ]
        if clear:
            self._in_format = None
        if forward_bulk_size is not None:
            self._flags.append(("forward_bulk_size", forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(("backward_bulk_size", backward_bulk_size))
        # MXNet's condition, operator precedence included.
        if active and self._forward_hooks or self._forward_pre_hooks:
            warnings.warn(
                f'"{self}" is being hybridized while still having forward hook/pre-hook. If '
                f'"{self}" is a child of HybridBlock, the hooks will not take effect.',
                stacklevel=2,
            )
        super().hybridize(
            active,
            static_alloc=static_alloc,
            static_shape=static_shape,
            inline_limit=inline_limit,
            forward_bulk_size=forward_bulk_size,
            backward_bulk_size=backward_bulk_size,
        )

    def _check_in_format(self, args: tuple) -> None:
        # A hybridized MXNet block compiles its graph for the first call's argument structure and
        # refuses another one; the same calls raise here, although nothing is compiled.
        fmt = _in_format(args)
        stored = self._in_format
        if stored is None:
            self._in_format = fmt
            return
        if fmt == stored:
            return
        n = min(len(fmt), len(stored))
        longer = fmt if len(fmt) > len(stored) else stored
        valid = (
            len(fmt) != len(stored) and fmt[:n] == stored[:n] and all(i == -1 for i in longer[n:])
        )
        if not valid:
            raise ValueError(
                "The argument structure of HybridBlock does not match the cached version. "
                f"Stored format = {fmt}, input format = {stored}"
            )

    def _deferred(self) -> bool:
        for p in self._reg_params.values():
            if p._data is None and p._deferred_init:
                return True
        return False

    def _deferred_infer_shape(self, *args: Any) -> None:
        try:
            self.infer_shape(*args)
        except DeferredInitializationError:
            raise
        except Exception as e:
            raise ValueError(
                "Deferred initialization failed because shape cannot be inferred. " + str(e)
            ) from e

    def _finish_deferred(self, *args: Any) -> None:
        self._deferred_infer_shape(*args)
        for p in self.params.values():
            p._finish_deferred_init()
        for p in self._reg_params.values():
            p._finish_deferred_init()

    def __call__(self, *args: Any) -> Any:
        """Pre-hooks, deferred initialization (``infer_shape``), ``forward``, hooks."""
        if self._forward_pre_hooks and not in_trial():
            for hook in self._forward_pre_hooks.values():
                hook(self, args)
        if self._reg_params and self._deferred():
            self._finish_deferred(*args)
        out = as_block_output(self, self.forward(*args))
        if self._forward_hooks and not in_trial():
            for hook in self._forward_hooks.values():
                hook(self, args, out)
        return out

    def forward(self, x: Any, *args: Any) -> Any:
        """Call ``hybrid_forward(F, x, *args, **params)`` with this block's parameters on the
        context of the first input, as MXNet (2.0-style subclasses override ``forward``)."""
        first = x if isinstance(x, torch.Tensor) else _first_array((x, *args))
        if self._active:
            self._check_in_format((x, *args))
        if first is None:
            raise ValueError(
                "In HybridBlock, there must be one NDArray or one Symbol in the input. Please "
                "check the type of the args.\n"
            )
        if first.is_meta:  # a shape-inference trial of a parent block
            return self.hybrid_forward(
                _F, x, *args, **{k: meta_param(v) for k, v in self._reg_params.items()}
            )
        tag = first.__dict__.get("_mx_ctx")
        ctx = tag or context_of(first)
        try:
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            self._finish_deferred(x, *args)
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        if self._active:  # MXNet's graph: operators that differ there ask hybrid_state
            with HYBRIDIZED_FORWARD:
                out = self.hybrid_forward(_F, x, *args, **params)
        else:
            out = self.hybrid_forward(_F, x, *args, **params)
        if tag is not None:
            # Computed on cpu(i) from cpu(i) data: the outputs live there (torch's kernels,
            # unlike the dialect's own ops, do not carry the tag).
            _tag_outputs(out, tag)
        return out

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
        """Override with the computation; ``F`` is the ``nd`` namespace."""
        raise NotImplementedError

    def infer_shape(self, *args: Any) -> None:
        """Fill this block's unknown parameter dims from the inputs. Layers override it; the
        default finds them by trial runs of ``hybrid_forward`` on torch's meta device (see
        ``gluon/_shape_inference.py``)."""
        if type(self).forward is not HybridBlock.forward:
            names = [p.name for p in self._reg_params.values() if p._data is None]
            raise DeferredInitializationError(
                f"Parameters {names} of {type(self).__name__} '{self.name}' have unknown shapes "
                "and the block defines forward() itself. Hint: give the full shapes when "
                "creating the parameters, or override infer_shape(self, x, *args) to set "
                "param.shape from the inputs."
            )
        infer_unknown_dims(self, args)

    def infer_type(self, *args: Any) -> None:
        """Give this block's parameters the dtype of the first input."""
        first = args[0] if args else None
        dtype = (
            torch._C.TensorBase.dtype.__get__(first) if isinstance(first, torch.Tensor) else None
        )
        if dtype is not None:
            for p in self.collect_params().values():
                p.dtype = str(dtype).replace("torch.", "")

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> None:
        """Not available on the torch backend (it writes an MXNet symbol graph)."""
        raise NotImplementedError(
            "HybridBlock.export writes an MXNet symbol graph (-symbol.json), which the torch "
            "backend does not have. Hint: save the weights with save_parameters(), rebuild the "
            "network in code and call load_parameters()."
        )

    def optimize_for(self, x: Any, *args: Any, backend: Any = None, **kwargs: Any) -> None:
        """Not available on the torch backend (MXNet's subgraph backends)."""
        raise NotImplementedError(
            "HybridBlock.optimize_for partitions MXNet's symbol graph, which the torch backend "
            "does not have. Hint: call the block directly."
        )


class SymbolBlock(HybridBlock):
    """A block built from an MXNet symbol: not available on the torch backend."""

    _HINT = (
        "gluon.SymbolBlock runs an MXNet symbol graph, which the torch backend does not have. "
        "Hint: build the network from gluon.nn layers in code and call "
        "net.load_parameters(<file>.params)."
    )

    def __init__(self, outputs: Any = None, inputs: Any = None, params: Any = None) -> None:
        raise NotImplementedError(self._HINT)

    @staticmethod
    def imports(
        symbol_file: str,
        input_names: Any,
        param_file: str | None = None,
        ctx: Any = None,
        allow_missing: bool = False,
        ignore_extra: bool = False,
    ) -> SymbolBlock:
        raise NotImplementedError(SymbolBlock._HINT)
