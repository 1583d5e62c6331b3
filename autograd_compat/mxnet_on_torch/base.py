"""``mxnet.base`` for the MXNet dialect on torch: the error class and MXNet's error texts.

The messages keep MXNet's wording (so a search for the text finds MXNet's own discussions) and add
one line saying what to do.
"""

from __future__ import annotations

import functools
import os
import platform
from collections.abc import Callable, Iterable
from typing import Any

import numpy as _np


class MXNetError(RuntimeError):
    """Raised for MXNet-dialect misuse, as ``mxnet.base.MXNetError`` is by real MXNet.

    A ``RuntimeError`` subclass, like the real class, so ``except RuntimeError`` catches both.
    """


class GradReqError(KeyError, ValueError):
    """A bad ``grad_req``: a ``KeyError`` as in MXNet, and a ``ValueError`` as it is a bad value."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else ""


VALID_GRAD_REQS = ("write", "add", "null")

NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward."
)
NO_INPUTS = "There are no inputs in computation graph that require gradients."
INPLACE_WHILE_RECORDING = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section."
)


def not_required(index: int) -> str:
    return (
        f"Cannot differentiate with respect to the {index + 1}-th variable because it does not "
        "require gradient. Hint: call attach_grad() on it before autograd.record()."
    )


def unreachable(index: int) -> str:
    return (
        f"Cannot differentiate with respect to the {index + 1}-th variable because it is "
        "unreachable from the outputs. Hint: values computed outside autograd.record() are "
        "constants to the graph."
    )


def bad_grad_req(value: object) -> GradReqError:
    return GradReqError(
        f"invalid grad_req {value!r}; valid values are {', '.join(map(repr, VALID_GRAD_REQS))}"
    )


# ---------------------------------------------------------------------------------------------
# torch's errors from the dialect's functions, raised as MXNet's
# ---------------------------------------------------------------------------------------------


def _shapes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[str]:
    shapes = []
    for v in (*args, *kwargs.values()):
        if isinstance(v, list | tuple) and v and all(hasattr(e, "shape") for e in v):
            shapes.extend(str(tuple(e.shape)) for e in v)
        elif hasattr(v, "shape") and not isinstance(v, type):
            shapes.append(str(tuple(v.shape)))
    return shapes


def operator_error(name: str, error: BaseException, args: tuple, kwargs: dict) -> MXNetError:
    """An :class:`MXNetError` for a torch error raised inside the MXNet operator ``name``: torch's
    first line, the shapes of the array arguments, and a hint."""
    text = str(error).strip().splitlines()
    shapes = _shapes(args, kwargs)
    where = f" (array arguments of shape {', '.join(shapes)})" if shapes else ""
    return MXNetError(
        f"{name}: {text[0] if text else type(error).__name__}{where}. Hint: check the shapes, "
        f"axes and sizes against the documentation of {name}."
    )


# Errors that already are the dialect's answer and pass through unchanged.
_KEEP = (MXNetError, NotImplementedError, RecursionError)


def raising_mxnet_errors(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` raising :class:`MXNetError` where torch raises ``RuntimeError``/``IndexError`` for
    misuse (bad shapes, axes, sizes), as MXNet's operators do. The happy path pays one call: the
    error is translated after torch has raised it, not checked for up front."""

    @functools.wraps(fn)
    def op(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except _KEEP:
            raise
        except (RuntimeError, IndexError) as e:
            raise operator_error(name, e, args, kwargs) from None

    return op


def raise_mxnet_errors(namespace: dict[str, Any], prefix: str, names: Iterable[str]) -> None:
    """Replace each function ``namespace[name]`` by :func:`raising_mxnet_errors` of it (called at
    the end of ``nd``, ``np``, ``npx``, ...). Names bound twice (aliases) are wrapped once."""
    done: dict[int, Callable[..., Any]] = {}
    for n in names:
        fn = namespace.get(n)
        if not callable(fn) or isinstance(fn, type):
            continue
        if id(fn) not in done:
            done[id(fn)] = raising_mxnet_errors(f"{prefix}.{n}", fn)
        namespace[n] = done[id(fn)]


# --- names of mxnet.base that MXNet programs and test files import ------------------------
integer_types = (int, _np.int32, _np.int64)
numeric_types = (float, int, _np.generic)
string_types = (str,)


def py_str(x: bytes) -> str:
    """Bytes from a C string as ``str`` (UTF-8)."""
    return x.decode("utf-8")


class _NullType:
    """Placeholder for arguments not given."""

    def __repr__(self) -> str:
        return "_Null"


_Null = _NullType()


def data_dir_default() -> str:
    """``%APPDATA%/mxnet`` on Windows, else ``~/.mxnet``."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA", ""), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir() -> str:
    """Where datasets and models are stored: ``$MXNET_HOME`` or :func:`data_dir_default`."""
    return os.getenv("MXNET_HOME", data_dir_default())


def _as_list(obj: Any) -> Any:
    """``obj`` if a list or tuple, else ``[obj]``."""
    return obj if isinstance(obj, list | tuple) else [obj]


class _UnsupportedFor(MXNetError):
    _what = ""

    def __init__(self, function: Any, alias: str | None, *args: Any) -> None:
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = tuple(str(type(a)) for a in args)

    def __str__(self) -> str:
        msg = f"Function {self.function}"
        if self.alias:
            msg += f' (namely operator "{self.alias}")'
        if self.args:
            msg += " with arguments ({})".format(", ".join(self.args))
        return msg + f" is {self._what} and only available in NDArray."


class NotImplementedForSymbol(_UnsupportedFor):
    """A function that exists for NDArray but not for Symbol."""

    _what = "not implemented for Symbol"


class NotSupportedForSparseNDArray(_UnsupportedFor):
    """A function that exists for dense arrays but not for sparse ones."""

    _what = "not supported for SparseNDArray"
