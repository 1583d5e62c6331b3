"""``assert_equivalent`` and ``equivalent``: one program, run on each backend, compared."""

from __future__ import annotations

import functools
import inspect
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .. import _backend
from ._values import MAX_REPORTED, Comparer, snapshot

__all__ = [
    "BackendUnavailableError",
    "assert_equivalent",
    "dialect_of",
    "equivalent",
    "make_tensor",
]

Program = Callable[[ModuleType], Any]

# Exception classes that are "the same class" across frameworks when their names agree: the MXNet
# dialect on torch raises autograd_compat.mxnet_on_torch.base.MXNetError, which cannot subclass
# the real mxnet.base.MXNetError (mxnet must stay optional), and means the same error.
_SAME_FAMILY = ("mxnet", "autograd_compat")


class BackendUnavailableError(ImportError):
    """A backend asked for by :func:`assert_equivalent` cannot be loaded here."""


@dataclass
class _Run:
    backend: str
    value: Any = None
    snap: Any = None
    error: BaseException | None = None


def _namespace(dialect: str, backend: str) -> ModuleType:
    try:
        return _backend.namespace(dialect, backend)
    except ImportError as exc:
        raise BackendUnavailableError(
            f"backend {backend!r} is not available for the {dialect} dialect: {exc}. "
            f"Hint: install it, or pass backends=(...) listing only installed backends; "
            f"an equivalence check never passes by skipping a backend"
        ) from exc


def _run(program: Program, dialect: str, backend: str) -> _Run:
    ns = _namespace(dialect, backend)
    run = _Run(backend)
    # The program may also import `autograd_compat.mxnet` / `from autograd_compat import torch`
    # itself: make its backend the active one while it runs so those resolve to the same backend.
    saved = _backend._active
    _backend._active = backend
    try:
        run.value = program(ns)
        run.snap = snapshot(run.value)
    except Exception as exc:
        run.error = exc
    finally:
        _backend._active = saved
    if backend == "mxnet":
        _settle_mxnet(run)
    return run


def _settle_mxnet(run: _Run) -> None:
    # Real MXNet reports a kernel's failure at the next synchronisation, which can fall in the
    # next program run (hypothesis then sees a "flaky" example): wait for every pending operation
    # here, so that an error belongs to the program that caused it.
    mx = sys.modules.get("mxnet")
    if mx is None or not hasattr(mx, "nd"):
        return
    try:
        mx.nd.waitall()
    except Exception as exc:
        if run.error is None:
            run.error = exc


def _family(cls: type) -> str:
    return cls.__module__.split(".", 1)[0]


def error_matches(reference: BaseException, other: BaseException) -> bool:
    """True when ``other`` is an instance of the class of ``reference``.

    Classes of the same name from MXNet and autograd_compat (``MXNetError``) count as one class.
    """
    ref_cls = type(reference)
    if isinstance(other, ref_cls):
        return True
    if _family(ref_cls) not in _SAME_FAMILY:
        return False
    return any(
        c.__name__ == ref_cls.__name__ and _family(c) in _SAME_FAMILY for c in type(other).__mro__
    )


def _describe_error(exc: BaseException) -> str:
    cls = type(exc)
    msg = str(exc).strip().splitlines()
    # MXNet's C++ errors start with a traceback of the C++ side: keep the last line, the message.
    text = msg[-1] if msg else ""
    if len(text) > 300:
        text = text[:297] + "..."
    where = ""
    tb = traceback.extract_tb(exc.__traceback__)
    if tb:
        frame = tb[-1]
        where = f"  (raised at {frame.filename}:{frame.lineno} in {frame.name})"
    return f"{cls.__module__}.{cls.__qualname__}: {text}{where}"


def _label(run: _Run, reference: bool) -> str:
    return f"{run.backend} (reference)" if reference else run.backend


def _compare_runs(
    ref: _Run, other: _Run, dialect: str, rtol: float, atol: float, strict: bool
) -> str | None:
    head = (
        f"{dialect} dialect: backend {other.backend!r} is not equivalent to the reference "
        f"backend {ref.backend!r}"
    )
    rl, ol = _label(ref, True), _label(other, False)
    if ref.error is not None or other.error is not None:
        if ref.error is not None and other.error is not None:
            if error_matches(ref.error, other.error):
                return None
            return (
                f"{head}: both raised, but not the same exception class\n"
                f"  {rl}: {_describe_error(ref.error)}\n  {ol}: {_describe_error(other.error)}"
            )
        raised, quiet = (ref, other) if ref.error is not None else (other, ref)
        return (
            f"{head}: {raised.backend!r} raised and {quiet.backend!r} did not\n"
            f"  {_label(raised, raised is ref)} raised {_describe_error(raised.error)}\n"
            f"  {_label(quiet, quiet is ref)} returned {_brief(quiet.value)}"
        )
    cmp = Comparer(rl, ol, rtol, atol, strict)
    cmp.compare(ref.snap, other.snap, "result")
    if not cmp.mismatches:
        return None
    lines = [f"{head}: {len(cmp.mismatches)} difference(s)"]
    for m in cmp.mismatches[:MAX_REPORTED]:
        lines.append(f"  at {m.path}: {m.what}")
        lines.extend("    " + line for line in m.lines)
    if len(cmp.mismatches) > MAX_REPORTED:
        lines.append(f"  ... and {len(cmp.mismatches) - MAX_REPORTED} more")
    return "\n".join(lines)


def _brief(value: Any) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= 200 else text[:197] + "..."


def _check_backends(backends: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(backends, str):
        backends = (backends,)
    out = tuple(backends)
    if not out:
        raise ValueError("backends must name at least one backend ('torch', 'mxnet')")
    for b in out:
        _backend._check(b, "backend", _backend.BACKENDS)
    if len(set(out)) != len(out):
        raise ValueError(f"backends lists a backend twice: {out!r}")
    return out


def assert_equivalent(
    program: Program,
    dialect: str = "torch",
    backends: Sequence[str] | str = ("torch", "mxnet"),
    rtol: float = 1e-5,
    atol: float = 1e-6,
    strict: bool = False,
) -> dict[str, Any]:
    """Run ``program(ns)`` once per backend and assert that the runs agree.

    ``ns`` is ``autograd_compat.namespace(dialect, backend)`` (real ``torch`` for the torch
    dialect on torch, real ``mxnet`` for the MXNet dialect on MXNet). The dialect's own framework
    is the reference when it is among ``backends`` (otherwise the first backend is).

    What the program returns is compared recursively: tensors of either framework and numpy
    arrays (values within ``rtol``/``atol``, NaN equal to NaN; same shape, where ``(1,)`` and
    ``()`` count as equal; same dtype kind: floating, integer, bool, complex), each tensor's
    ``.grad`` the same way (``None`` only where the other side has ``None``), numbers, strings,
    ``None`` and nested tuples/lists/dicts (tuple and list are interchangeable). ``strict=True``
    also requires exact dtypes, exact shapes and the same container and number types.

    If the reference raises, the others must raise an instance of the same class (MXNet's and
    the adapter's ``MXNetError`` count as one class); one side raising alone is a failure.

    Raises ``AssertionError`` with the path of each difference, both values and the largest
    absolute and relative differences; :class:`BackendUnavailableError` (an ``ImportError``) when
    a requested backend cannot be loaded. Returns ``{backend: returned value or exception}``.
    """
    if not callable(program):
        raise TypeError(
            f"assert_equivalent: program must be a callable taking the namespace, "
            f"got {type(program).__name__}"
        )
    _backend._check(dialect, "dialect", _backend.DIALECTS)
    names = _check_backends(backends)
    # Load every namespace before running anything: a missing backend is reported as such, not
    # as a difference found half-way.
    for b in names:
        _namespace(dialect, b)
    ref_name = dialect if dialect in names else names[0]
    order = [ref_name] + [b for b in names if b != ref_name]
    runs = {b: _run(program, dialect, b) for b in order}
    ref = runs[ref_name]
    failures = [
        msg
        for b in order[1:]
        if (msg := _compare_runs(ref, runs[b], dialect, rtol, atol, strict)) is not None
    ]
    if failures:
        raise AssertionError("\n".join(failures))
    if len(order) == 1 and ref.error is not None:
        # Nothing to compare with: the program's own error is the result.
        raise ref.error
    return {b: (r.error if r.error is not None else r.value) for b, r in runs.items()}


def equivalent(
    func: Callable[..., Any] | None = None,
    *,
    dialect: str = "torch",
    backends: Sequence[str] | str = ("torch", "mxnet"),
    rtol: float = 1e-5,
    atol: float = 1e-6,
    strict: bool = False,
) -> Any:
    """Decorator: the test function becomes an :func:`assert_equivalent` check.

    The function's first parameter receives the namespace; its other parameters stay visible to
    pytest (fixtures, ``parametrize``) and hypothesis (``@given``), and are passed through::

        @equivalent(dialect="mxnet", backends=("mxnet", "torch"))
        def test_square(ns, n):
            ...
    """

    def decorate(f: Callable[..., Any]) -> Callable[..., None]:
        sig = inspect.signature(f)
        params = list(sig.parameters.values())
        if not params or params[0].kind not in (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
        ):
            raise TypeError(
                f"@equivalent: {f.__qualname__} must take the namespace as its first positional "
                "parameter, e.g. def test_x(ns): ..."
            )

        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            assert_equivalent(
                lambda ns: f(ns, *args, **kwargs),
                dialect=dialect,
                backends=backends,
                rtol=rtol,
                atol=atol,
                strict=strict,
            )

        wrapper.__signature__ = sig.replace(parameters=params[1:])  # type: ignore[attr-defined]
        # functools.wraps sets __wrapped__, through which pytest and hypothesis would see the
        # original signature and try to supply the namespace as a fixture.
        del wrapper.__wrapped__
        return wrapper

    return decorate(func) if func is not None else decorate


def dialect_of(ns: ModuleType) -> str:
    """``"mxnet"`` or ``"torch"``: the dialect of a namespace from ``autograd_compat.namespace``."""
    # By module name, not by probing attributes: a dialect namespace may raise NotImplementedError
    # (not AttributeError) for names it lacks, which hasattr() does not catch.
    for (dialect, _), module in _backend._NAMESPACE_MODULES.items():
        if getattr(ns, "__name__", None) == module:
            return dialect
    raise TypeError(
        f"{ns!r} is not a namespace of autograd_compat; pass "
        "autograd_compat.namespace(dialect, backend), as assert_equivalent does"
    )


def make_tensor(ns: ModuleType, value: Any, requires_grad: bool = False) -> Any:
    """``value`` (a number, list or numpy array) as a tensor of namespace ``ns``, keeping its dtype.

    In the MXNet dialect ``requires_grad`` means ``attach_grad()``; in the torch dialect
    ``requires_grad=True``. The tensors from :func:`tensors` become tensors this way.
    """
    import numpy

    arr = numpy.asarray(value)
    if arr.dtype == numpy.float64 and not isinstance(value, numpy.ndarray | numpy.generic):
        arr = arr.astype(numpy.float32)  # Python floats: both dialects default to float32
    if dialect_of(ns) == "mxnet":
        x = ns.nd.array(arr, dtype=arr.dtype)
        if requires_grad:
            x.attach_grad()
        return x
    x = ns.tensor(arr)
    if requires_grad:
        x.requires_grad_(True)
    return x
