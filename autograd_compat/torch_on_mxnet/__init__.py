"""The PyTorch dialect on MXNet 1.9.1: ``autograd_compat.namespace("torch", "mxnet")``.

A torch-like module whose tensors live in MXNet arrays, with torch's semantics (dtypes and
promotion, accumulating ``.grad``, ``grad_fn`` names, errors) and torch's printed output.
First-order gradients come from MXNet's engine; ``create_graph=True`` from the adapter's own
vector-Jacobian rules, run on MXNet. See ``docs/torch_on_mxnet.md``.

Names torch has but this dialect does not raise ``NotImplementedError`` naming the function.

Where things live (lowest floor first; a module imports only from its floor or below):
``scopes`` (MXNet flags around the adapter's calls, grad state), ``dtypes`` (dtypes, promotion),
``errors`` (torch's messages), ``grad_mode`` (``no_grad`` ...), ``_raw``/``_checks``/``views``;
``graph`` (``grad_fn`` nodes, saved tensors); ``tensor`` (the ``Tensor`` type); ``recording``
(what an op does to record); the ops: ``creation``, ``shape_ops``, ``pointwise``, then
``reductions``, ``linalg``, ``indexing``; ``derivatives`` (the rule of every node class, one
table) and ``engine`` (``backward``, ``autograd.grad``, MXNet's backward on these tensors);
``nn``; ``methods`` (the Tensor's method table, installed on import) and ``autograd`` on top.
"""

from __future__ import annotations

from typing import Any

# `_backend_guard` first: real MXNet, never the shim `import mxnet` gives while aliased.
from . import _backend_guard, autograd, derivatives, engine, methods, nn  # noqa: E402,F401
from .creation import (  # noqa: F401
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    initial_seed,
    is_tensor,
    linspace,
    manual_seed,
    normal,
    numel,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import bool_ as bool  # noqa: F401
from .dtypes import (  # noqa: F401
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    short,
    uint8,
)
from .errors import not_supported
from .grad_mode import (  # noqa: F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .indexing import (  # noqa: F401
    select,
)
from .linalg import (  # noqa: F401
    dot,
    matmul,
    mm,
    mv,
)
from .methods import (  # noqa: F401
    log_softmax,
    softmax,
)
from .pointwise import (  # noqa: F401
    abs,
    add,
    allclose,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    clamp,
    clip,
    cos,
    div,
    eq,
    equal,
    exp,
    ge,
    gt,
    isclose,
    le,
    log,
    logical_and,
    logical_not,
    logical_or,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    reciprocal,
    relu,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    tanh,
    where,
)
from .pointwise import div as true_divide  # noqa: F401
from .pointwise import mul as multiply  # noqa: F401
from .pointwise import neg as negative  # noqa: F401
from .pointwise import sub as subtract  # noqa: F401
from .reductions import (  # noqa: F401
    argmax,
    argmin,
    max,
    mean,
    min,
    norm,
    prod,
    sum,
)
from .shape_ops import (  # noqa: F401
    cat,
    clone,
    concat,
    concatenate,
    expand,
    flatten,
    permute,
    reshape,
    squeeze,
    stack,
    t,
    transpose,
    unsqueeze,
)
from .tensor import (  # noqa: F401
    Size,
    Tensor,
    Variable,
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
    raise not_supported(name)
