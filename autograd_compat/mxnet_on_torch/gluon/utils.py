"""``mxnet.gluon.utils`` (1.9.1) on torch: data splitting, gradient clipping, downloads, and the
small helpers the rest of Gluon shares (hook handles, shape checks, the output-array rule).
"""

from __future__ import annotations

import collections
import hashlib
import os
import uuid
import warnings
import weakref
from collections.abc import Sequence
from typing import Any

import numpy
import torch

from ... import ndfile
from .. import npx
from ..base import MXNetError
from ..context import Context, as_context, as_device, context_of, current_context, with_context
from ..nd_ndarray import NDArray, wrap_nd
from ..ndarray import ndarray as _np_ndarray
from ..ndarray import wrap as _np_wrap
from ..tensor_methods import MXVariable

__all__ = [
    "HookHandle",
    "check_sha1",
    "clip_global_norm",
    "download",
    "shape_is_known",
    "split_and_load",
    "split_data",
]


def _require(cond: Any, msg: str = "") -> None:
    """MXNet's ``assert cond, msg`` as an explicit ``AssertionError`` (kept under ``python -O``)."""
    if not cond:
        raise AssertionError(msg)


# ---------------------------------------------------------------------------------------------
# The output-array rule: the one place deciding which array class Gluon hands out
# ---------------------------------------------------------------------------------------------


def as_frontend(out: Any) -> Any:
    """Re-type Gluon's outputs for the active interface, in place (no copy, no graph node).

    Legacy mode (the default): ``NDArray`` (plain tensors from torch's kernels are re-typed).
    Under ``npx.set_np()``: ``mxnet.numpy.ndarray``, as MXNet's Gluon gives there.
    """
    if npx.is_np_array():
        return _np_wrap(out) if isinstance(out, torch.Tensor | list | tuple) else out
    return wrap_nd(out)


def as_block_output(block: Any, out: Any) -> Any:
    """A block's output in the class of the active interface (see :func:`as_frontend`).

    Under ``npx.set_np()`` a block whose computation is the user's own and returns a legacy
    ``NDArray`` gets MXNet's ``TypeError``; the shim's own layers and losses compute with ``nd``
    operators inside and are re-typed instead.
    """
    if npx.is_np_array() and _computed_by_user(type(block)):
        _no_legacy_output(out)
    return as_frontend(out)


_USER_COMPUTED: dict[type, bool] = {}


def _computed_by_user(cls: type) -> bool:
    # The first class in the MRO that defines forward or hybrid_forward computes the output: a
    # user's subclass of a shim layer that overrides neither still runs the shim's code.
    known = _USER_COMPUTED.get(cls)
    if known is None:
        owner = next(
            k for k in cls.__mro__ if "forward" in k.__dict__ or "hybrid_forward" in k.__dict__
        )
        known = _USER_COMPUTED[cls] = not owner.__module__.startswith("autograd_compat.")
    return known


def _no_legacy_output(out: Any) -> None:
    # Under npx.set_np() MXNet's Block.__call__ refuses legacy NDArray outputs (TypeError);
    # plain tensors from torch's kernels are the shim's own and get re-typed instead.
    if type(out) is NDArray:
        raise TypeError(
            "Block's output ndarrays/symbols must be of type `mxnet.numpy.ndarray` or "
            f"`mxnet.symbol.numpy._Symbol`, while got output type {type(out)}"
        )
    if type(out) is list or type(out) is tuple:
        for o in out:
            _no_legacy_output(o)


def as_frontend_variable(t: torch.Tensor) -> torch.Tensor:
    """A parameter's tensor in the class of the active interface (its class changes in place).

    Legacy mode keeps parameters torch-typed (``MXVariable``): the optimizers and the Trainer
    read their ``dtype`` as torch's (MXNet gives ``NDArray`` here; see the report of S2-H2).
    """
    if npx.is_np_array():
        if not isinstance(t, _np_ndarray):
            t.__class__ = _np_ndarray
    elif type(t) is _np_ndarray:
        t.__class__ = MXVariable if t.requires_grad else torch.Tensor
    return t


# ---------------------------------------------------------------------------------------------
# Data parallelism helpers
# ---------------------------------------------------------------------------------------------


def split_data(
    data: torch.Tensor, num_slice: int, batch_axis: int = 0, even_split: bool = True
) -> list[torch.Tensor]:
    """Split ``data`` into ``num_slice`` slices along ``batch_axis`` (always a list)."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(
            f"data with shape {tuple(data.shape)} cannot be evenly split into {num_slice} slices "
            f"along axis {batch_axis}. Use a batch size that's multiple of {num_slice} or set "
            "even_split=False to allow uneven partitioning of data."
        )
    each, extras = divmod(size, num_slice)
    sizes = [each + 1] * extras + [each] * (num_slice - extras)
    # Basic slicing through the array's own class: its views, copies and context as MXNet's.
    lead = (slice(None),) * (batch_axis % data.dim())
    slices, start = [], 0
    for n in sizes:
        slices.append(as_frontend(data[(*lead, slice(start, start + n))]))
        start += n
    return slices


def split_and_load(
    data: Any, ctx_list: Sequence[Any], batch_axis: int = 0, even_split: bool = True
) -> list[torch.Tensor]:
    """Split ``data`` into ``len(ctx_list)`` slices along ``batch_axis``, one per context."""
    if not isinstance(data, torch.Tensor):
        data = as_frontend(torch.as_tensor(numpy.asarray(data, dtype=numpy.float32)))
        data = with_context(data.to(as_device(ctx_list[0])), ctx_list[0])
    if len(ctx_list) == 1:
        return [_load(data, ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [_load(s, ctx) for s, ctx in zip(slices, ctx_list)]


def _load(a: torch.Tensor, ctx: Any) -> torch.Tensor:
    """``a.as_in_context(ctx)``: ``a`` when it is on ``ctx``, else a copy there (recorded)."""
    ctx = as_context(ctx)
    if context_of(a) == ctx:
        return a
    out = a.to(as_device(ctx), copy=True)
    cls = type(a)
    if type(out) is not cls and cls is not MXVariable:
        out.__class__ = cls
    return with_context(out, ctx)


def clip_global_norm(arrays: Sequence[torch.Tensor], max_norm: float, check_isfinite: bool = True):
    """Rescale ``arrays`` in place so that their global 2-norm is at most ``max_norm``.

    Returns the norm before clipping: a float when ``check_isfinite`` (warning when it is not
    finite), else an array of shape ``(1,)``.
    """
    _require(len(arrays) > 0, "")
    device = arrays[0].device
    with torch.no_grad():
        flat = [a.detach().reshape(-1).to(device) for a in arrays]
        total = torch.sqrt(sum(torch.dot(x, x) for x in flat)).reshape(1)
        if check_isfinite and not bool(torch.isfinite(total)):
            warnings.warn(
                UserWarning("nan or inf is detected. Clipping results will be undefined."),
                stacklevel=2,
            )
        scale = torch.clamp(max_norm / (total + 1e-8), max=1.0)
        torch._foreach_mul_([a.detach() for a in arrays], scale.to(device).reshape(()))
    if check_isfinite:
        return total.item()
    return as_frontend(total)


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the SHA-1 of the file's content equals ``sha1_hash`` (hex digits)."""
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1048576), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def download(
    url: str,
    path: str | None = None,
    overwrite: bool = False,
    sha1_hash: str | None = None,
    retries: int = 5,
    verify_ssl: bool = True,
) -> str:
    """Download ``url`` to ``path`` (a file or a directory; default: the URL's file name here).

    Returns the file name. The file is written to a temporary name, then renamed. Without network
    the error names the URL and the file to place by hand.
    """
    import urllib.request

    fname = url.split("/")[-1] if path is None else path
    if path is not None and os.path.isdir(os.path.expanduser(path)):
        fname = os.path.join(path, url.split("/")[-1])
    fname = os.path.expanduser(fname)
    _require(retries >= 0, f"Number of retries should be at least 0, currently it's {retries}")
    if not verify_ssl:
        warnings.warn("Unverified HTTPS request is being made (verify_ssl=False). ", stacklevel=2)
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    dirname = os.path.dirname(os.path.abspath(fname))
    os.makedirs(dirname, exist_ok=True)
    last: Exception | None = None
    for _ in range(retries + 1):
        tmp = os.path.join(dirname, f".{os.path.basename(fname)}.{uuid.uuid4().hex}.tmp")
        try:
            with urllib.request.urlopen(url) as r, open(tmp, "wb") as f:
                while chunk := r.read(1048576):
                    f.write(chunk)
            if sha1_hash and not check_sha1(tmp, sha1_hash):
                raise UserWarning(
                    f"File {fname} is downloaded but the content hash does not match. The repo "
                    "may be outdated or download may be incomplete."
                )
            os.replace(tmp, fname)
            return fname
        except Exception as exc:  # noqa: BLE001 - retried, then reported below
            last = exc
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise RuntimeError(
        f"failed downloading {url} ({last}). Hint: without network, place the file at {fname}."
    ) from last


def load_file(filename: str, np_shape: bool | None = None) -> dict:
    """The arrays of an MXNet ``.params`` file as a dict (MXNetError for a bad file);
    ``np_shape`` as in ``ndfile.load``."""
    try:
        loaded = ndfile.load(filename, np_shape=np_shape)
    except ndfile.FormatError as exc:
        raise MXNetError(str(exc)) from None
    except FileNotFoundError:
        # MXNet's error class for a missing file (its text names dmlc's LocalFileSystem).
        raise MXNetError(f'Open "{filename}": No such file or directory') from None
    if isinstance(loaded, list) and not loaded:
        return {}  # a dict with no entries is saved without names
    if not isinstance(loaded, dict):
        raise MXNetError(
            f"{filename} holds a list of arrays without names; parameters need a file saved "
            "with names (save_parameters or nd.save of a dict)"
        )
    return loaded


# ---------------------------------------------------------------------------------------------
# Small shared helpers
# ---------------------------------------------------------------------------------------------


def _indent(s_: str, num_spaces: int) -> str:
    """Indent every line of ``s_`` but the first by ``num_spaces``."""
    lines = s_.split("\n")
    if len(lines) == 1:
        return s_
    return "\n".join([lines[0]] + [num_spaces * " " + line for line in lines[1:]])


def _brief_print_list(lst: Any, limit: int = 7) -> str:
    """At most ``limit`` quoted names, eliding the middle (MXNet's error texts use it)."""
    lst = list(lst)
    if len(lst) > limit:
        return (
            _brief_print_list(lst[: limit // 2], limit)
            + ", ..., "
            + _brief_print_list(lst[-limit // 2 :], limit)
        )
    return ", ".join(f"'{i}'" for i in lst)


class HookHandle:
    """A handle to a registered hook; ``detach()`` (or leaving a ``with`` block) removes it."""

    def __init__(self) -> None:
        self._hooks_dict_ref: Any = None
        self._id: int | None = None

    def attach(self, hooks_dict: dict, hook: Any) -> None:
        _require(not self._hooks_dict_ref, "The same handle cannot be attached twice.")
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self) -> None:
        hooks_dict = self._hooks_dict_ref()
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __getstate__(self) -> tuple:
        return (self._hooks_dict_ref(), self._id)

    def __setstate__(self, state: tuple) -> None:
        hooks = state[0] if state[0] is not None else collections.OrderedDict()
        self._hooks_dict_ref = weakref.ref(hooks)
        self._id = state[1]

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.detach()


def shape_is_known(shape: Any) -> bool:
    """Whether every dimension of ``shape`` is known (0 is unknown; -1 under NumPy shapes)."""
    if shape is None:
        return False
    unknown = -1 if npx.is_np_shape() else 0
    if len(shape) == 0:
        return unknown == -1
    for dim in shape:
        if dim == unknown:
            return False
        _require(
            dim > unknown,
            f"shape dimension size cannot be less than {unknown}, while received {dim}",
        )
    return True


def _as_contexts(ctx: Any) -> list[Context]:
    """A list of contexts from a context, a list of them, or None (the current one)."""
    if ctx is None:
        return [current_context()]
    if isinstance(ctx, list | tuple):
        return [as_context(c) for c in ctx]
    return [as_context(ctx)]
