"""The base of ``mx.metric`` on torch: array access, ``check_label_shapes``, the registry
(``register``, ``alias``, ``create``), ``EvalMetric``, ``CompositeEvalMetric``, ``CustomMetric`` and
``np``. The metrics themselves are in :mod:`.metric`, which re-exports all of this.
"""

from __future__ import annotations

import json
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy
import torch

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "CompositeEvalMetric",
    "CustomMetric",
    "EvalMetric",
    "alias",
    "check_label_shapes",
    "create",
    "np",
    "register",
]


# ------------------------------------------------------------------------------ array access


def _is_array(x: Any) -> bool:
    return isinstance(x, torch.Tensor | numpy.ndarray)


def _numpy(x: Any) -> numpy.ndarray:
    """``x.asnumpy()`` for any array this module accepts (a copy never shares torch's memory)."""
    if isinstance(x, torch.Tensor):
        t = torch.Tensor.detach(x).cpu()
        if _torch_dtype(t) == torch.bfloat16:
            t = t.float()
        return torch.Tensor.numpy(t).copy()
    if isinstance(x, numpy.ndarray):
        return x
    if hasattr(x, "asnumpy"):  # an MXNet array from elsewhere
        return x.asnumpy()
    raise TypeError(
        f"metrics take arrays (torch tensors, np ndarrays or numpy arrays), got {type(x).__name__}"
    )


def _torch(x: Any) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return torch.Tensor.detach(x)
    return torch.as_tensor(_numpy(x))


def _scalar_sum(t: torch.Tensor) -> Any:
    """``nd.sum(t).asscalar()``: a numpy scalar of ``t``'s dtype.

    MXNet sums float32 with compensation (Kahan), so its result is nearly the correctly rounded
    sum; summing in float64 and rounding once lands on the same float32 more often than torch's
    float32 sum does.
    """
    total = t.sum(dtype=torch.float64) if t.is_floating_point() else t.sum()
    return torch.Tensor.numpy(total.to(_torch_dtype(t)).cpu())[()]


def _shape(x: Any) -> Any:
    return tuple(x.shape) if _is_array(x) else x


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False, shape: bool = False) -> Any:
    """Check that labels and predictions agree in length (or in shape with ``shape=True``);
    with ``wrap=True`` a single array becomes a list of one."""
    if shape:
        label_shape, pred_shape = _shape(labels), _shape(preds)
    else:
        label_shape, pred_shape = len(labels), len(preds)
    if label_shape != pred_shape:
        raise ValueError(
            f"Shape of labels {label_shape} does not match shape of predictions {pred_shape}"
        )
    if wrap:
        labels = [labels] if _is_array(labels) else labels
        preds = [preds] if _is_array(preds) else preds
    return labels, preds


# ---------------------------------------------------------------------------------- registry

_REGISTRY: dict[str, type] = {}


def register(klass: type, name: str | None = None) -> type:
    """Register metric to the metric factory (under its lower-cased class name or ``name``)."""
    if not (isinstance(klass, type) and issubclass(klass, EvalMetric)):
        raise AssertionError("Can only register subclass of EvalMetric")
    key = (name or klass.__name__).lower()
    old = _REGISTRY.get(key)
    if old is not None:
        warnings.warn(
            f"\033[91mNew metric {klass.__module__}.{klass.__name__} registered with name {key} "
            f"isoverriding existing metric {old.__module__}.{old.__name__}\033[0m",
            UserWarning,
            stacklevel=2,
        )
    _REGISTRY[key] = klass
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """Register a metric class under further names: ``@alias('acc')``."""

    def reg(klass: type) -> type:
        for name in aliases:
            register(klass, name)
        return klass

    return reg


def _from_registry(*args: Any, **kwargs: Any) -> EvalMetric:
    """MXNet's registry creation: a name, an instance, a config dict or its JSON text."""
    if args:
        name, args = args[0], args[1:]
    else:
        name = kwargs.pop("metric")
    if isinstance(name, EvalMetric):
        if args or kwargs:
            raise AssertionError("metric is already an instance. Additional arguments are invalid")
        return name
    if isinstance(name, dict):
        return _from_registry(**name)
    if not isinstance(name, str):
        raise AssertionError("metric must be of string type")
    if name.startswith("["):
        if args or kwargs:
            raise AssertionError()
        name, kwargs = json.loads(name)
        return _from_registry(name, **kwargs)
    if name.startswith("{"):
        if args or kwargs:
            raise AssertionError()
        return _from_registry(**json.loads(name))
    key = name.lower()
    if key not in _REGISTRY:
        raise AssertionError(f"{key} is not registered. Please register with metric.register first")
    return _REGISTRY[key](*args, **kwargs)


def create(metric: Any, *args: Any, **kwargs: Any) -> EvalMetric:
    """A metric from a name (``'acc'``), an instance, a list of those (a composite metric) or a
    function ``feval(label, pred)`` (a :class:`CustomMetric`)."""
    if callable(metric):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _from_registry(metric, *args, **kwargs)


# ---------------------------------------------------------------------------------- the base


class EvalMetric:
    """Base class of all metrics: local statistics (since ``reset_local``) and, for metrics that
    keep them, global ones (since ``reset``)."""

    def __init__(
        self, name: Any, output_names: Any = None, label_names: Any = None, **kwargs: Any
    ) -> None:
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop("has_global_stats", False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self) -> dict[str, Any]:
        """The configuration ``create(**config)`` rebuilds this metric from."""
        config = self._kwargs.copy()
        config["metric"] = type(self).__name__
        config["name"] = self.name
        config["output_names"] = self.output_names
        config["label_names"] = self.label_names
        return config

    def update_dict(self, label: Any, pred: Any) -> None:
        """Update from dicts ``name -> array`` (filtered by ``label_names``/``output_names``)."""
        if self.output_names is None:
            pred = list(pred.values())
        else:
            pred = [pred[name] for name in self.output_names]
        if self.label_names is None:
            label = list(label.values())
        else:
            label = [label[name] for name in self.label_names]
        self.update(label, pred)

    def update(self, labels: Any, preds: Any) -> None:
        raise NotImplementedError()

    def reset(self) -> None:
        """Reset the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self) -> None:
        """Reset the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def _add(self, value: Any, count: Any) -> None:
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count

    def get(self) -> tuple[Any, Any]:
        """``(name, value)`` of the local statistics (``nan`` before any update)."""
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self) -> tuple[Any, Any]:
        """``(name, value)`` of the global statistics (the local ones if none are kept)."""
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self.global_sum_metric / self.global_num_inst)

    @staticmethod
    def _pairs(name: Any, value: Any) -> list[tuple[Any, Any]]:
        names = name if isinstance(name, list) else [name]
        values = value if isinstance(value, list) else [value]
        return list(zip(names, values))

    def get_name_value(self) -> list[tuple[Any, Any]]:
        """``[(name, value), ...]`` of the local statistics."""
        return self._pairs(*self.get())

    def get_global_name_value(self) -> list[tuple[Any, Any]]:
        """``[(name, value), ...]`` of the global statistics."""
        if not self._has_global_stats:
            return self.get_name_value()
        return self._pairs(*self.get_global())


@register
@alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; ``get()`` gives their names and values as lists."""

    def __init__(
        self,
        metrics: Any = None,
        name: str = "composite",
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        super().__init__(
            name, output_names=output_names, label_names=label_names, has_global_stats=True
        )
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Add a child metric (an instance, a name, or a function)."""
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> Any:
        """The child metric at ``index`` (out of range: MXNet returns, not raises, a ValueError)."""
        try:
            return self.metrics[index]
        except IndexError:
            return ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}")

    def update_dict(self, labels: Any, preds: Any) -> None:
        if self.label_names is not None:
            labels = OrderedDict(kv for kv in labels.items() if kv[0] in self.label_names)
        if self.output_names is not None:
            preds = OrderedDict(kv for kv in preds.items() if kv[0] in self.output_names)
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self) -> None:
        for metric in getattr(self, "metrics", ()):  # called by __init__ before metrics exist
            metric.reset()

    def reset_local(self) -> None:
        for metric in getattr(self, "metrics", ()):
            metric.reset_local()

    def _collect(self, getter: str) -> tuple[list[Any], list[Any]]:
        names: list[Any] = []
        values: list[Any] = []
        for metric in self.metrics:
            name, value = getattr(metric, getter)()
            names.extend([name] if isinstance(name, str) else name)
            values.extend([value] if isinstance(value, int | float | numpy.generic) else value)
        return names, values

    def get(self) -> tuple[Any, Any]:
        return self._collect("get")

    def get_global(self) -> tuple[Any, Any]:
        return self._collect("get_global")

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config["metrics"] = [m.get_config() for m in self.metrics]
        return config


@register
class CustomMetric(EvalMetric):
    """A metric from ``feval(label, pred)`` on numpy arrays, returning a batch value (counted
    once) or a tuple ``(sum_metric, num_inst)``."""

    def __init__(
        self,
        feval: Callable[..., Any],
        name: str | None = None,
        allow_extra_outputs: bool = False,
        output_names: Any = None,
        label_names: Any = None,
    ) -> None:
        if name is None:
            name = feval.__name__
            if "<" in name:
                name = f"custom({name})"
        super().__init__(
            name,
            feval=feval,
            allow_extra_outputs=allow_extra_outputs,
            output_names=output_names,
            label_names=label_names,
            has_global_stats=True,
        )
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels: Any, preds: Any) -> None:
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds, True)
        for pred, label in zip(preds, labels):
            result = self._feval(_numpy(label), _numpy(pred))
            if isinstance(result, tuple):
                self._add(*result)
            else:
                self._add(result, 1)

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval: Callable[..., Any], name: str | None = None, allow_extra_outputs: bool = False):
    """A :class:`CustomMetric` from ``numpy_feval(label, pred)`` taking numpy arrays."""

    def feval(label: Any, pred: Any) -> Any:
        return numpy_feval(label, pred)

    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)
