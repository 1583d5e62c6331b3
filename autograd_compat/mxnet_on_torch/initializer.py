"""``mx.init`` / ``mx.initializer`` (1.9.1) on torch: initializers fill torch tensors in place.

Random initializers draw from torch's generator (seeded by ``mx.random.seed``): the same
distributions as MXNet, other numbers. The name-based dispatch, the registry (``create('xavier')``,
JSON strings from ``dumps()``) and the error texts are MXNet's.
"""

from __future__ import annotations

import json
import logging
import math
import re
import warnings
from typing import Any

import numpy
import torch

from .. import ndfile
from .base import MXNetError

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "Bilinear",
    "Constant",
    "FusedRNN",
    "InitDesc",
    "Initializer",
    "LSTMBias",
    "Load",
    "MSRAPrelu",
    "Mixed",
    "Normal",
    "One",
    "Orthogonal",
    "Uniform",
    "Xavier",
    "Zero",
    "alias",
    "create",
    "register",
]


def _require(cond: Any, msg: str = "") -> None:
    """MXNet's ``assert cond, msg`` as an explicit ``AssertionError`` (kept under ``python -O``)."""
    if not cond:
        raise AssertionError(msg)


class InitDesc(str):
    """The name of an array to initialize, with its attributes (``attrs['__init__']`` names a
    specific initializer) and the global initializer to fall back to."""

    def __new__(cls, name: str, attrs: dict | None = None, global_init: Any = None) -> InitDesc:
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def _fill(arr: torch.Tensor, value: Any) -> None:
    """``arr[:] = value`` without recording (numbers, numpy arrays or tensors)."""
    with torch.no_grad():
        if isinstance(value, int | float | bool):
            arr.fill_(value)
        else:
            src = (
                value if isinstance(value, torch.Tensor) else torch.as_tensor(numpy.asarray(value))
            )
            arr.copy_(src.detach().to(arr.device, _torch_dtype(arr)).expand_as(arr))


def _uniform(arr: torch.Tensor, low: float, high: float) -> None:
    with torch.no_grad():
        arr.uniform_(low, high)


def _normal(arr: torch.Tensor, sigma: float) -> None:
    with torch.no_grad():
        arr.normal_(0.0, sigma)


class Initializer:
    """The base class of initializers: ``init(InitDesc(name), arr)`` fills ``arr`` in place.

    Names ending in ``weight`` go to ``_init_weight``; ``bias`` and ``beta`` become 0, ``gamma``
    1, ``min`` 0, ``max`` 1; any other name is an error unless ``attrs['__init__']`` names an
    initializer.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._verbose = False
        self._print_func: Any = None

    def set_verbosity(self, verbose: bool = False, print_func: Any = None) -> Initializer:
        """Log each initialized array with ``print_func(arr)`` (default: its RMS)."""
        self._verbose = verbose
        if print_func is None:

            def print_func(x: torch.Tensor) -> str:
                return str(float(torch.linalg.vector_norm(x.detach()) / math.sqrt(x.numel())))

        self._print_func = print_func
        return self

    def _verbose_print(self, desc: Any, init: str, arr: torch.Tensor) -> None:
        if self._verbose and self._print_func:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """The initializer as a JSON string, e.g. ``'["normal", {"sigma": 0.5}]'``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc: Any, arr: torch.Tensor) -> None:
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method in (
            ("weight", self._init_weight),
            ("bias", self._init_bias),
            ("gamma", self._init_gamma),
            ("beta", self._init_beta),
            ("min", self._init_zero),
            ("max", self._init_one),
            ("weight_quantize", self._init_quantized_weight),
            ("bias_quantize", self._init_quantized_bias),
        ):
            if desc.endswith(suffix):
                method(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name: Any, arr: torch.Tensor) -> None:
        warnings.warn(
            "\033[91mCalling initializer with init(str, NDArray) has been deprecated."
            "please use init(mx.init.InitDesc(...), NDArray) instead.\033[0m",
            DeprecationWarning,
            stacklevel=3,
        )
        if not isinstance(name, str):
            raise TypeError("name must be string")
        if not isinstance(arr, torch.Tensor):
            raise TypeError("arr must be NDArray")
        if name.startswith("upsampling"):
            self._init_bilinear(name, arr)
        elif name.startswith("stn_loc") and name.endswith("weight"):
            self._init_zero(name, arr)
        elif name.startswith("stn_loc") and name.endswith("bias"):
            self._init_loc_bias(name, arr)
        elif name.endswith("bias"):
            self._init_bias(name, arr)
        elif name.endswith("gamma"):
            self._init_gamma(name, arr)
        elif name.endswith("beta"):
            self._init_beta(name, arr)
        elif name.endswith("weight"):
            self._init_weight(name, arr)
        elif name.endswith(("moving_mean", "moving_inv_var", "moving_avg", "min")):
            self._init_zero(name, arr)
        elif name.endswith(("moving_var", "max")):
            self._init_one(name, arr)
        else:
            self._init_default(name, arr)

    def _init_bilinear(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, _bilinear_kernel(tuple(arr.shape)))

    def _init_loc_bias(self, _: Any, arr: torch.Tensor) -> None:
        _require(arr.shape[0] == 6, "")
        _fill(arr, numpy.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0.0)

    def _init_one(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 1.0)

    def _init_bias(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0.0)

    def _init_gamma(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 1.0)

    def _init_beta(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0.0)

    def _init_weight(self, name: Any, arr: torch.Tensor) -> None:
        raise NotImplementedError("Must override it")

    def _init_quantized_weight(self, _: Any, arr: torch.Tensor) -> None:
        # MXNet draws one integer in [-127, 127) and fills the array with it.
        _fill(arr, int(torch.randint(-127, 127, ())))

    def _init_quantized_bias(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0)

    def _init_default(self, name: Any, _: torch.Tensor) -> None:
        raise ValueError(
            f"Unknown initialization pattern for {name}. Default initialization is now limited "
            'to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            "mx.sym.Variable(init=mx.init.*) to set initialization pattern"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = object.__hash__


# ---------------------------------------------------------------------------------------------
# Registry: create('xavier', ...), create('["normal", {"sigma": 0.5}]'), create(instance)
# ---------------------------------------------------------------------------------------------

_REGISTRY: dict[str, type] = {}


def _register(klass: type, name: str | None = None) -> type:
    _require(
        issubclass(klass, Initializer), f"Can only register subclass of {Initializer.__name__}"
    )
    name = (name or klass.__name__).lower()
    if name in _REGISTRY and _REGISTRY[name] is not klass:
        warnings.warn(
            f"\033[91mNew initializer {klass.__module__}.{klass.__name__} registered with name "
            f"{name} is overriding existing initializer {_REGISTRY[name].__module__}."
            f"{_REGISTRY[name].__name__}\033[0m",
            UserWarning,
            stacklevel=2,
        )
    _REGISTRY[name] = klass
    return klass


def register(klass: type) -> type:
    """Register an ``Initializer`` subclass under its lower-cased class name (a decorator)."""
    return _register(klass)


def alias(*aliases: str) -> Any:
    """Register an ``Initializer`` subclass under further names (a decorator)."""

    def reg(klass: type) -> type:
        for name in aliases:
            _register(klass, name)
        return klass

    return reg


def create(*args: Any, **kwargs: Any) -> Initializer:
    """An initializer from an instance, a registered name, a JSON string or a dict."""
    if args:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("initializer")
    if isinstance(name, Initializer):
        _require(
            not args and not kwargs,
            "initializer is already an instance. Additional arguments are invalid",
        )
        return name
    if isinstance(name, dict):
        return create(**name)
    _require(isinstance(name, str), "initializer must be of string type")
    if name.startswith("["):
        _require(not args and not kwargs, "")
        name, kwargs = json.loads(name)
        return create(name, **kwargs)
    if name.startswith("{"):
        _require(not args and not kwargs, "")
        return create(**json.loads(name))
    name = name.lower()
    _require(
        name in _REGISTRY,
        f"{name} is not registered. Please register with initializer.register first",
    )
    return _REGISTRY[name](*args, **kwargs)


# ---------------------------------------------------------------------------------------------
# Composites (not Initializer subclasses, as in MXNet)
# ---------------------------------------------------------------------------------------------


class Load:
    """Initialize arrays from a dict ``name -> array`` or an ``nd.save`` file (``arg:``/``aux:``
    prefixes dropped); names not found go to ``default_init``."""

    def __init__(self, param: Any, default_init: Any = None, verbose: bool = False) -> None:
        if isinstance(param, str):
            param = _load_file(param)
        _require(isinstance(param, dict), "")
        self.param = {}
        for name, arr in param.items():
            key = name[4:] if name.startswith(("arg:", "aux:")) else name
            self.param[key] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name: Any, arr: torch.Tensor) -> None:
        if name in self.param:
            src = self.param[name]
            _require(
                tuple(arr.shape) == tuple(src.shape),
                f"Parameter {name} cannot be initialized from loading. Shape mismatch, target "
                f"{tuple(arr.shape)} vs loaded {tuple(src.shape)}",
            )
            _fill(arr, src)
            if self.verbose:
                logging.info("Initialized %s by loading", name)
        else:
            _require(
                self.default_init is not None,
                f"Cannot Initialize {name}. Not found in loaded param and no default "
                "Initializer is provided.",
            )
            self.default_init(name, arr)
            if self.verbose:
                logging.info("Initialized %s by default", name)


def _load_file(fname: str) -> dict:
    try:
        return ndfile.load(fname)
    except ndfile.FormatError as exc:
        raise MXNetError(str(exc)) from None


class Mixed:
    """Initialize each array with the first initializer whose regex ``pattern`` matches its
    name."""

    def __init__(self, patterns: list[str], initializers: list[Any]) -> None:
        _require(len(patterns) == len(initializers), "")
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name: Any, arr: torch.Tensor) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError(
            "Parameter name %s did not match any pattern. Consider"
            'add a ".*" pattern at the and with default Initializer.'
        )


# ---------------------------------------------------------------------------------------------
# The initializers
# ---------------------------------------------------------------------------------------------


@register
@alias("zeros")
class Zero(Initializer):
    """Fills with 0."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0)


@register
@alias("ones")
class One(Initializer):
    """Fills with 1."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, 1)


@register
class Constant(Initializer):
    """Fills with ``value`` (a number, or an array broadcastable to the parameter's shape)."""

    def __init__(self, value: Any) -> None:
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, self.value)

    def dumps(self) -> str:
        val = self._kwargs["value"]
        if not numpy.isscalar(val):
            if isinstance(val, torch.Tensor):
                val = val.detach().cpu().numpy()
            self._kwargs["value"] = numpy.asarray(val).tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Samples of U[-``scale``, ``scale``] (MXNet's default initializer, scale 0.07)."""

    def __init__(self, scale: float = 0.07) -> None:
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _uniform(arr, -self.scale, self.scale)


@register
class Normal(Initializer):
    """Samples of N(0, ``sigma``²)."""

    def __init__(self, sigma: float = 0.01) -> None:
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _normal(arr, self.sigma)


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns, by shape) times ``scale`` (Saxe et al. 2013)."""

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform") -> None:
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        nout = arr.shape[0]
        nin = int(numpy.prod(arr.shape[1:]))
        tmp = torch.empty((nout, nin), dtype=torch.float64)
        if self.rand_type == "uniform":
            tmp.uniform_(-1.0, 1.0)
        elif self.rand_type == "normal":
            tmp.normal_(0.0, 1.0)
        else:
            # MXNet fails later with a NameError here; say what is wrong.
            raise ValueError(f"Unknown rand_type {self.rand_type!r}: use 'uniform' or 'normal'")
        u, _, v = torch.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        _fill(arr, self.scale * res.reshape(arr.shape))


@register
class Xavier(Initializer):
    """Xavier/Glorot: uniform on [-c, c] or normal with std c, c = sqrt(magnitude / factor),
    factor the fan ``'avg'``, ``'in'`` or ``'out'`` (kernel sizes included)."""

    def __init__(
        self, rnd_type: str = "uniform", factor_type: str = "avg", magnitude: float = 3
    ) -> None:
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: Any, arr: torch.Tensor) -> None:
        shape = tuple(arr.shape)
        if len(shape) < 2:
            raise ValueError(
                f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D."
            )
        hw_scale = float(numpy.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == "avg":
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == "in":
            factor = fan_in
        elif self.factor_type == "out":
            factor = fan_out
        else:
            raise ValueError("Incorrect factor type")
        scale = math.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _uniform(arr, -scale, scale)
        elif self.rnd_type == "gaussian":
            _normal(arr, scale)
        else:
            raise ValueError("Unknown random type")


@register
class MSRAPrelu(Xavier):
    """He et al. 2015: ``Xavier('gaussian', factor_type, 2 / (1 + slope²))``."""

    def __init__(self, factor_type: str = "avg", slope: float = 0.25) -> None:
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope**2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


def _bilinear_kernel(shape: tuple[int, ...]) -> numpy.ndarray:
    """MXNet's bilinear upsampling weights for a 4-D shape (the same in every channel pair)."""
    f = numpy.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    x = numpy.arange(shape[3])
    y = numpy.arange(shape[2])
    k = numpy.outer(1 - numpy.abs(y / f - c), 1 - numpy.abs(x / f - c)).astype(numpy.float32)
    return numpy.broadcast_to(k, shape).copy()


@register
class Bilinear(Initializer):
    """Bilinear-interpolation weights for upsampling (``Conv2DTranspose``) layers."""

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: torch.Tensor) -> None:
        _fill(arr, _bilinear_kernel(tuple(arr.shape)))


@register
class LSTMBias(Initializer):
    """Zeros, except ``forget_bias`` in the forget gate's quarter (gate order i, f, c, o)."""

    def __init__(self, forget_bias: float = 1.0) -> None:
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name: Any, arr: torch.Tensor) -> None:
        _fill(arr, 0.0)
        num_hidden = int(arr.shape[0] / 4)
        with torch.no_grad():
            arr[num_hidden : 2 * num_hidden] = self.forget_bias


@register
class FusedRNN(Initializer):
    """Initializer of the packed weights of the symbolic ``FusedRNNCell`` (not available here)."""

    def __init__(
        self,
        init: Any,
        num_hidden: int,
        num_layers: int,
        mode: str,
        bidirectional: bool = False,
        forget_bias: float = 1.0,
    ) -> None:
        if isinstance(init, str):
            init = create(init)
        super().__init__(
            init=init.dumps() if init is not None else None,
            num_hidden=num_hidden,
            num_layers=num_layers,
            mode=mode,
            bidirectional=bidirectional,
            forget_bias=forget_bias,
        )
        self._init = init

    def _init_weight(self, desc: Any, arr: torch.Tensor) -> None:
        raise NotImplementedError(
            "mx.init.FusedRNN initializes the packed weights of the symbolic FusedRNNCell, which "
            "the torch backend does not have. Hint: use gluon.rnn.LSTM/GRU/RNN layers, whose "
            "per-gate parameters take ordinary initializers."
        )
