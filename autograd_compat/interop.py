"""Zero-copy interchange between torch and MXNet arrays: :func:`to_torch` and :func:`to_mxnet`.

Both accept native tensors of either framework (``torch.Tensor``, ``mx.nd.NDArray``,
``mx.np.ndarray``) and the dialect tensors (the torch dialect on MXNet's ``Tensor``; the MXNet
dialect on torch already uses ``torch.Tensor``), and return the target framework's native type,
**detached**: gradients and graphs never cross, the result is a plain array.

Memory is shared through DLPack, so writes through one are seen by the other and the source is
kept alive for as long as the result lives. Where DLPack cannot be used the values are copied:

* ``bool`` arrays (MXNet 1.9.1 refuses bool DLPack capsules and exports its own bool arrays as
  float), and
* zero-dimensional arrays (legacy MXNet arrays cannot be zero-dimensional; they become a
  zero-dimensional ``mx.np.ndarray``, copied).

Non-contiguous torch tensors are made contiguous (a copy) before sharing. Importing this module
imports neither framework; each function imports what it converts.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["to_mxnet", "to_torch"]


def _is_torch(x: Any) -> bool:
    torch = sys.modules.get("torch")  # a torch tensor exists only once torch is imported
    return torch is not None and isinstance(x, torch.Tensor)


def _is_dialect(x: Any) -> bool:
    return type(x).__module__.startswith("autograd_compat.torch_on_mxnet")


def _is_mxnet(x: Any) -> bool:
    mod = type(x).__module__
    return mod.startswith("mxnet.") and hasattr(x, "to_dlpack_for_read")


def _np_shape_on() -> Any:
    from mxnet import util

    return util.np_shape(True)


def to_torch(x: Any) -> Any:
    """Return ``x`` as a detached native ``torch.Tensor`` sharing memory where possible.

    Accepts ``torch.Tensor`` (returned detached), MXNet ``NDArray``/``mx.np.ndarray`` and the
    torch dialect's tensors on MXNet. Bool arrays are copied (see the module docstring).
    """
    if _is_torch(x):
        import torch

        t = x.detach()
        # subclasses (e.g. the MXNet dialect's np arrays on torch) become plain tensors
        return t if type(t) is torch.Tensor else t.as_subclass(torch.Tensor)
    if _is_dialect(x):
        x = x._nd
    if not _is_mxnet(x):
        raise TypeError(
            f"to_torch expects a torch.Tensor, an MXNet NDArray/np.ndarray or a torch-dialect "
            f"tensor, got {type(x).__name__}"
        )
    import numpy
    import torch
    from torch.utils import dlpack

    if x.dtype == numpy.bool_ or not x.shape:  # (MXNet reports a 0-d shape as ())
        with _np_shape_on():
            return torch.from_numpy(x.asnumpy().copy())  # DLPack mislabels MXNet bool
    return dlpack.from_dlpack(x.detach().to_dlpack_for_read())


def to_mxnet(x: Any) -> Any:
    """Return ``x`` as a detached native MXNet ``NDArray`` sharing memory where possible.

    Accepts ``torch.Tensor`` (legacy ``mx.nd.NDArray`` result), MXNet arrays (returned
    detached, same type) and torch-dialect tensors (their ``mx.np.ndarray``). Bool and
    zero-dimensional tensors are copied (see the module docstring).
    """
    if _is_dialect(x):
        from .torch_on_mxnet.scopes import _run

        return _run(False, x._nd.detach)
    if _is_mxnet(x):
        with _np_shape_on():
            return x.detach()
    if not _is_torch(x):
        raise TypeError(
            f"to_mxnet expects a torch.Tensor, an MXNet NDArray/np.ndarray or a torch-dialect "
            f"tensor, got {type(x).__name__}"
        )
    import torch
    from torch.utils import dlpack

    from ._backend import require_mxnet

    mx = require_mxnet()  # never the shim: refused while `mxnet` is aliased to it

    t = x.detach()
    if t.dtype == torch.bool or t.dim() == 0:
        with _np_shape_on():
            return mx.np.array(t.cpu().numpy(), dtype=t.cpu().numpy().dtype)
    if not t.is_contiguous():
        t = t.contiguous()
    return mx.nd.from_dlpack(dlpack.to_dlpack(t))
