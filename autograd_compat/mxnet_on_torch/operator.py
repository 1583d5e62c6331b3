"""``mxnet.operator`` on torch: custom operators are not emulated.

MXNet's ``CustomOp``/``CustomOpProp`` + ``mx.operator.register`` define an operator with a
hand-written backward. On the torch backend write a ``torch.autograd.Function`` (``forward`` and
``backward`` static methods) and call ``MyFunction.apply(x)``; ``autograd.record()`` records it
like any other torch operation. Subclassing the classes works (so modules defining them import);
:func:`register` raises ``NotImplementedError`` with that hint.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, NoReturn

from . import nd, npx
from ._numpy_op_doc import registered_np_operators
from ._unsupported import UnsupportedError

__all__ = [
    "CustomOp",
    "CustomOpProp",
    "NDArrayOp",
    "NumpyOp",
    "PythonOp",
    "get_all_registered_operators",
    "register",
]

_HINT = (
    "custom operators (mx.operator.CustomOp/CustomOpProp, mx.nd.Custom) are not emulated by "
    "autograd_compat on torch. Hint: write a torch.autograd.Function with static forward and "
    "backward methods and call MyFunction.apply(x); autograd.record() records it."
)


def _refuse(what: str) -> NoReturn:
    raise UnsupportedError(f"{what}: {_HINT}")


class CustomOp:
    """Base class of MXNet custom operators (subclassing works; running one is not emulated)."""

    def __init__(self) -> None:
        pass

    def forward(self, is_train: bool, req: Any, in_data: Any, out_data: Any, aux: Any) -> None:
        raise NotImplementedError

    def backward(
        self, req: Any, out_grad: Any, in_data: Any, out_data: Any, in_grad: Any, aux: Any
    ) -> None:
        raise NotImplementedError

    def assign(self, dst: Any, req: str, src: Any) -> None:
        """Write ``src`` into ``dst`` as ``req`` says (write/inplace, add, null)."""
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src


class CustomOpProp:
    """Base class of custom operator properties (subclassing works; see :func:`register`)."""

    def __init__(self, need_top_grad: bool = True) -> None:
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape: list) -> tuple:
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type: list) -> tuple:
        return (
            in_type,
            [in_type[0]] * len(self.list_outputs()),
            [in_type[0]] * len(self.list_auxiliary_states()),
        )

    def list_outputs(self) -> list[str]:
        return ["output"]

    def list_arguments(self) -> list[str]:
        return ["data"]

    def list_auxiliary_states(self) -> list[str]:
        return []

    def declare_backward_dependency(self, out_grad: Any, in_data: Any, out_data: Any) -> list:
        deps: list = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        return deps + list(in_data) + list(out_data)

    def create_operator(self, ctx: Any, in_shapes: Any, in_dtypes: Any) -> CustomOp:
        return CustomOp()


class PythonOp:
    """MXNet's deprecated Python operator base; not emulated."""

    def __init__(self, need_top_grad: bool = True) -> None:
        _refuse(f"mxnet.operator.{type(self).__name__}")


class NumpyOp(PythonOp):
    """Deprecated; not emulated."""


class NDArrayOp(PythonOp):
    """Deprecated; not emulated."""


def register(reg_name: str) -> Callable[[type], type]:
    """``@mx.operator.register(name)``: not emulated; raises with the torch way."""
    _refuse(f"mxnet.operator.register({reg_name!r})")


def get_all_registered_operators() -> list[str]:
    """Names of the operators this backend provides: ``nd``'s and ``_npx_*`` ones, and MXNet's
    built-in ``_np_*`` operators that the shim implements with MXNet's signature."""
    names = set(registered_np_operators())
    for prefix, module in (("", nd), ("_npx_", npx)):
        for name, value in vars(module).items():
            if not name.startswith("_") and callable(value) and not inspect.isclass(value):
                names.add(prefix + name)
    return sorted(names)
