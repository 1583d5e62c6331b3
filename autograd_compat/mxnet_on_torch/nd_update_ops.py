"""MXNet 1.9.1's optimizer update operators as ``nd`` functions: ``nd.sgd_update``, ...

``nd.<op>(weight, grad, *states, out=None, **params)``: the states (momentum, moments, ...) are
updated in place, and the new weight goes to ``out`` (``out=weight`` updates the weight in place,
as MXNet's optimizers call them); without ``out`` the weight is left as it is and a new array is
returned, as in MXNet. The arithmetic is the optimizers' own (:mod:`.optimizer.update_ops`), so
both give MXNet's numbers. A missing required parameter (``lr``, ``t``) raises ``MXNetError``.

The package puts them into ``nd`` (they sit a floor above it, with the optimizers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from .base import MXNetError
from .nd_ndarray import NDArray, wrap_nd
from .optimizer import update_ops

__all__ = [
    "adam_update",
    "ftml_update",
    "ftrl_update",
    "nag_mom_update",
    "rmsprop_update",
    "rmspropalex_update",
    "sgd_mom_update",
    "sgd_update",
    "signsgd_update",
    "signum_update",
]

_view_as = torch._C.TensorBase.view_as

# name: (number of array inputs, the parameters without a default)
_SIGNATURES: dict[str, tuple[int, tuple[str, ...]]] = {
    "sgd_update": (2, ("lr",)),
    "sgd_mom_update": (3, ("lr",)),
    "nag_mom_update": (3, ("lr",)),
    "signsgd_update": (2, ("lr",)),
    "signum_update": (3, ("lr",)),
    "adam_update": (4, ("lr",)),
    "rmsprop_update": (3, ("lr",)),
    "rmspropalex_update": (5, ("lr",)),
    "ftrl_update": (4, ("lr",)),
    "ftml_update": (5, ("lr", "t")),
}


def _plain(a: Any, name: str, i: int) -> torch.Tensor:
    if not isinstance(a, torch.Tensor):
        raise MXNetError(f"{name}: argument {i} must be an NDArray, got {type(a).__name__}")
    return _view_as(a, a)  # same memory; torch's own tensor methods


def _make(name: str, fn: Callable[..., None]) -> Callable[..., Any]:
    count, required = _SIGNATURES[name]

    def op(*arrays: Any, out: Any = None, lazy_update: bool = True, **params: Any) -> Any:
        # lazy_update matters for sparse gradients only; every array here is dense.
        params.pop("name", None)
        if len(arrays) != count:
            raise MXNetError(f"{name} takes {count} arrays, got {len(arrays)}")
        for p in required:
            if p not in params:
                raise MXNetError(
                    f'Required parameter {p} of float is not presented, in operator {name}(name="")'
                )
        weight, *states = (_plain(a, name, i) for i, a in enumerate(arrays))
        in_place = out is arrays[0]
        target = weight if in_place else weight.clone()
        with torch.no_grad():
            fn(target, *states, **params)
            if in_place:
                return out
            if out is not None:
                out[...] = target
                return out
        r = wrap_nd(target)
        ctx = arrays[0].__dict__.get("_mx_ctx") if isinstance(arrays[0], NDArray) else None
        if ctx is not None:
            r._mx_ctx = ctx
        return r

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"MXNet's ``{name}``: " + (fn.__doc__ or "")
    return op


sgd_update = _make("sgd_update", update_ops.sgd_update)
sgd_mom_update = _make("sgd_mom_update", update_ops.sgd_mom_update)
nag_mom_update = _make("nag_mom_update", update_ops.nag_mom_update)
signsgd_update = _make("signsgd_update", update_ops.signsgd_update)
signum_update = _make("signum_update", update_ops.signum_update)
adam_update = _make("adam_update", update_ops.adam_update)
rmsprop_update = _make("rmsprop_update", update_ops.rmsprop_update)
rmspropalex_update = _make("rmspropalex_update", update_ops.rmspropalex_update)
ftrl_update = _make("ftrl_update", update_ops.ftrl_update)
ftml_update = _make("ftml_update", update_ops.ftml_update)
