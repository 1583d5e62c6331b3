"""The PyTorch dialect on MXNet 1.9.1: ``autograd_compat.namespace("torch", "mxnet")``.

A torch-like module whose tensors live in MXNet arrays, with torch's semantics (dtypes and
promotion, accumulating ``.grad``, ``grad_fn`` names, errors) and torch's printed output.
First-order gradients come from MXNet's engine; ``create_graph=True`` from the adapter's own
vector-Jacobian rules, run on MXNet. See ``docs/torch_on_mxnet.md``.

Names torch has but this dialect does not raise ``NotImplementedError`` naming the function.

Where things live (lowest floor first): ``scopes`` (MXNet flags around the adapter's calls, grad
state), ``dtypes`` (dtypes, promotion), ``errors`` (torch's messages), ``grad_mode``
(``no_grad`` ...), ``_core`` (graph nodes, ``Tensor``, the backward engines, the ops and their
derivative rules, indexing, creation), ``methods`` (the Tensor's method table, installed on
import), ``autograd`` and ``nn`` on top.
"""

from __future__ import annotations

from typing import Any

# `_backend_guard` first: real MXNet, never the shim `import mxnet` gives while aliased.
from . import _backend_guard, _core, autograd, methods, nn  # noqa: E402,F401
from ._core import (  # noqa: F401
    Size,
    Tensor,
    Variable,
    abs,
    add,
    allclose,
    arange,
    argmax,
    argmin,
    as_tensor,
    cat,
    clamp,
    clip,
    clone,
    concat,
    concatenate,
    cos,
    div,
    dot,
    double,
    dtype,
    empty,
    empty_like,
    eq,
    equal,
    exp,
    expand,
    eye,
    flatten,
    float,
    float16,
    float32,
    float64,
    from_numpy,
    full,
    full_like,
    ge,
    get_default_dtype,
    gt,
    half,
    initial_seed,
    int,
    int8,
    int16,
    int32,
    int64,
    is_tensor,
    isclose,
    le,
    linspace,
    log,
    log_softmax,
    logical_and,
    logical_not,
    logical_or,
    long,
    lt,
    manual_seed,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    mm,
    mul,
    mv,
    ne,
    neg,
    norm,
    normal,
    numel,
    ones,
    ones_like,
    permute,
    pow,
    prod,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    reciprocal,
    relu,
    reshape,
    seed,
    select,
    short,
    sigmoid,
    sign,
    sin,
    softmax,
    sqrt,
    square,
    squeeze,
    stack,
    sub,
    sum,
    t,
    tanh,
    tensor,
    transpose,
    uint8,
    unsqueeze,
    where,
    zeros,
    zeros_like,
)
from ._core import (
    bool_ as bool,  # noqa: F401
)
from ._core import div as true_divide  # noqa: F401
from ._core import mul as multiply  # noqa: F401
from ._core import neg as negative  # noqa: F401
from ._core import sub as subtract  # noqa: F401
from .grad_mode import (  # noqa: F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

__version__ = "2.13.0+autograd_compat.mxnet"


def __getattr_device() -> Any:
    import torch as _torch  # torch.device is a plain value type: the real one is used

    return _torch.device


class cuda:  # noqa: N801 - torch.cuda
    """``torch.cuda``: this backend runs on the CPU only."""

    @staticmethod
    def is_available() -> bool:
        return False

    @staticmethod
    def device_count() -> int:
        return 0


def __getattr__(name: str) -> Any:
    if name == "device":
        return __getattr_device()
    if name.startswith("__"):
        raise AttributeError(name)
    raise _core.not_supported(name)
