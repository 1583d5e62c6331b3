"""Backend selection and the (dialect, backend) namespace table.

Nothing here imports torch or mxnet at module import time: ``import autograd_compat`` must stay
cheap and must work where MXNet is not installed.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

BACKENDS: tuple[str, ...] = ("torch", "mxnet")
DIALECTS: tuple[str, ...] = ("mxnet", "torch")
ENV_VAR = "AUTOGRAD_COMPAT_BACKEND"

MXNET_INSTALL_HINT = (
    "the 'mxnet' backend needs MXNet 1.9.1 with numpy<1.24; "
    "install the extra from the project checkout: pip install -e '.[mxnet]'"
)

# The names autograd_compat.install(methods=...) asked for (None: all), read when the MXNet
# dialect on torch is first imported.
install_methods: object = None

# Set by autograd_compat.alias while `import mxnet` is served by the MXNet dialect on torch.
_mxnet_aliased = False


class MXNetAliasedError(ImportError):
    """Real MXNet was asked for while ``mxnet`` is aliased to the shim (or the reverse)."""


# (dialect, backend) -> module that *is* the namespace. "torch on torch" is the real torch module.
_NAMESPACE_MODULES: dict[tuple[str, str], str] = {
    ("torch", "torch"): "torch",
    ("mxnet", "torch"): "autograd_compat.mxnet_on_torch",
    ("mxnet", "mxnet"): "autograd_compat.mxnet_on_mxnet",
    ("torch", "mxnet"): "autograd_compat.torch_on_mxnet",
}

_active: str | None = None


def _check(value: object, kind: str, choices: tuple[str, ...], source: str = "") -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{kind} must be a str, one of {', '.join(map(repr, choices))}; "
            f"got {type(value).__name__} {value!r}"
        )
    if value not in choices:
        where = f" (from {source})" if source else ""
        raise ValueError(
            f"unknown {kind} {value!r}{where}; choose one of {', '.join(map(repr, choices))}"
        )
    return value


def get_backend() -> str:
    """Return the active backend, ``"torch"`` or ``"mxnet"``.

    The first call reads ``AUTOGRAD_COMPAT_BACKEND`` (default ``"torch"``); a bad value raises
    ``ValueError`` then.
    """
    global _active
    if _active is None:
        raw = os.environ.get(ENV_VAR, "").strip() or "torch"
        _active = _check(raw, "backend", BACKENDS, source=f"${ENV_VAR}")
    return _active


def set_backend(name: str) -> None:
    """Make ``name`` (``"torch"`` or ``"mxnet"``) the active backend.

    Affects later ``from autograd_compat import ...`` statements and ``namespace()`` calls; names
    bound earlier keep the backend they were bound under. Selecting ``"mxnet"`` checks that MXNet
    can be imported.
    """
    global _active
    _check(name, "backend", BACKENDS)
    if name == "mxnet":
        require_mxnet()
    _active = name


def require_mxnet() -> ModuleType:
    """Import and return real ``mxnet``, or raise an ImportError that names the extra.

    While ``mxnet`` is aliased to the shim (:mod:`autograd_compat.alias`), raises
    :class:`MXNetAliasedError`: the shim must never run as its own oracle.
    """
    if _mxnet_aliased:
        raise MXNetAliasedError(
            "real MXNet is not available in this process: `import mxnet` is aliased to "
            "autograd_compat's MXNet dialect on torch (alias_mxnet, `autograd-compat exec`, or "
            "%load_ext on the torch backend); run what needs real MXNet in another process"
        )
    try:
        import mxnet
    except ImportError as exc:
        raise ImportError(MXNET_INSTALL_HINT + f" (import failed: {exc})") from exc
    return mxnet


def mxnet_available() -> bool:
    """True when real MXNet can be imported here (imports it)."""
    try:
        require_mxnet()
    except ImportError:
        return False
    return True


def namespace(dialect: str, backend: str | None = None) -> ModuleType:
    """Return the API of one dialect on one backend.

    ``dialect`` is ``"mxnet"`` (``autograd``, ``nd``, ``np``, ``npx``, ``random``, ``cpu``,
    ``gpu``, ``Context``, ``base``) or ``"torch"``; ``backend`` defaults to the active one. Any
    installed backend can be asked for, whichever is active, so one program can run on both side
    by side.
    ``namespace("torch", "torch")`` is the real ``torch`` module.
    """
    _check(dialect, "dialect", DIALECTS)
    backend = get_backend() if backend is None else _check(backend, "backend", BACKENDS)
    if backend == "mxnet":
        require_mxnet()
    return importlib.import_module(_NAMESPACE_MODULES[(dialect, backend)])
