"""torch's error messages and argument errors, as the torch dialect on MXNet raises them.

The message constants are torch's (and MXNet's, where the dialect surfaces MXNet's engine) word
for word, since tests compare printed text. ``not_supported`` is the error for a torch name this
dialect lacks; ``_check_bool`` is torch's argument parser's check on bool parameters.
"""

from __future__ import annotations

from typing import Any

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
MX_NOT_IN_GRAPH = (
    "Check failed: !AGInfo::IsNone(*i): Cannot differentiate node because it is not in a "
    "computational graph. You need to set is_recording to true or use autograd.record() to "
    "save computational graphs for backward. If you want to differentiate the same graph "
    "twice, you need to pass retain_graph=True to backward."
)
MX_INPLACE = (
    "Check failed: AGInfo::IsNone(*output): Assigning to NDArrays that are already in a "
    "computational graph will cause undefined behavior when evaluating gradients. Please call "
    "backward first to clear the graph or do this out side of a record section."
)
CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this function, "
    "make sure to reset the .grad fields of your parameters to None after use to break the "
    "cycle and avoid the leak."
)
NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more informations. (Triggered "
    "internally at /pytorch/build/aten/src/ATen/core/TensorBody.h:489.)"
)


class NotSupportedError(NotImplementedError, AttributeError):
    """A torch name this dialect does not provide. Also an ``AttributeError``, so ``hasattr``
    and ``getattr(obj, name, default)`` keep working."""


def not_supported(name: str) -> NotImplementedError:
    return NotSupportedError(
        f"torch.{name} is not supported by autograd_compat's torch dialect on the mxnet backend "
        "(see docs/torch_on_mxnet.md for what is)"
    )


def _check_bool(fn: str, arg: str, value: Any, pos: int | None = None) -> None:
    """torch's argument parser: a bool parameter takes exactly a bool (not 1, None, 'yes')."""
    if value is True or value is False:
        return
    cls = type(value)
    name = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"
    where = f" (position {pos})" if pos is not None else ""
    raise TypeError(f"{fn}(): argument '{arg}'{where} must be bool, not {name}")
