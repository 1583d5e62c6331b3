"""Turning what a program returned into framework-free snapshots, and comparing snapshots.

A snapshot is taken right after the program returns, inside the same ``try`` as the call: MXNet
reports operator errors asynchronously, at the first read (``asnumpy``), so reading the values is
part of running the program.
"""

from __future__ import annotations

import numbers
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy

# How many mismatches one report lists before it says "and N more".
MAX_REPORTED = 10


@dataclass
class TensorSnap:
    """One returned tensor (of any framework) or numpy array, read out as numpy."""

    value: numpy.ndarray
    dtype: str  # the framework's own dtype name: "float32", "bfloat16", "int64", ...
    type_name: str  # e.g. "torch.Tensor", "mxnet.ndarray.ndarray.NDArray"
    is_array: bool = False  # a numpy.ndarray, not a framework tensor: it has no .grad
    grad: TensorSnap | None = None
    has_grad: bool = False  # the .grad attribute existed and was not None


@dataclass
class Mismatch:
    path: str
    what: str
    lines: list[str] = field(default_factory=list)


def _torch_module() -> Any:
    # Only a value the program returned can be a torch tensor, and then torch is imported already.
    return sys.modules.get("torch")


def is_tensor(x: Any) -> bool:
    """True for a tensor of any supported framework (torch, MXNet, the torch dialect on MXNet)."""
    torch = _torch_module()
    if torch is not None and isinstance(x, torch.Tensor):
        return True
    if isinstance(x, numpy.ndarray | numpy.generic | type):
        return False
    if callable(getattr(x, "asnumpy", None)):
        return True
    return callable(getattr(x, "detach", None)) and hasattr(x, "shape")


def _dtype_name(x: Any, arr: numpy.ndarray) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return arr.dtype.name
    text = str(dtype)
    if text.startswith("torch."):
        return text[len("torch.") :]
    try:
        return numpy.dtype(dtype).name  # MXNet: a numpy type class such as numpy.float32
    except TypeError:
        pass
    name = getattr(dtype, "name", None)
    return name if isinstance(name, str) else text.rsplit(".", 1)[-1]


def to_numpy(x: Any) -> numpy.ndarray:
    """``x`` (a tensor of either framework, a numpy value or a number) as a numpy array.

    Chosen by type: torch tensors are detached (bfloat16 widened to float32, which numpy lacks),
    MXNet arrays and anything else with ``asnumpy()`` use it, then ``detach().numpy()``.
    """
    torch = _torch_module()
    if torch is not None and isinstance(x, torch.Tensor):
        t = x.detach()
        if t.dtype == torch.bfloat16:
            t = t.float()
        if t.is_conj():
            t = t.resolve_conj()
        if t.is_neg():
            t = t.resolve_neg()
        if t._is_zerotensor():  # torch's "known to be zero" gradients refuse numpy()
            return numpy.zeros(tuple(t.shape), dtype=torch.empty(0, dtype=t.dtype).numpy().dtype)
        return t.cpu().numpy()
    if isinstance(x, numpy.ndarray):
        return x
    if callable(getattr(x, "asnumpy", None)):
        return numpy.asarray(x.asnumpy())
    if callable(getattr(x, "detach", None)):
        d = x.detach()
        if callable(getattr(d, "numpy", None)):
            return numpy.asarray(d.numpy())
    return numpy.asarray(x)


def _read_grad(x: Any) -> Any:
    # torch warns when .grad of a non-leaf is read; reading it here is ours, not the program's.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return getattr(x, "grad", None)
        except Exception:  # an adapter's property that raises: report it as no gradient
            return None


def _type_name(x: Any) -> str:
    t = type(x)
    return f"{t.__module__}.{t.__qualname__}"


def snapshot(x: Any, _with_grad: bool = True) -> Any:
    """A framework-free copy of a returned value: tensors become :class:`TensorSnap`."""
    if isinstance(x, numpy.ndarray):
        return TensorSnap(x.copy(), x.dtype.name, "numpy.ndarray", is_array=True)
    if is_tensor(x):
        arr = numpy.array(to_numpy(x), copy=True)
        snap = TensorSnap(arr, _dtype_name(x, arr), _type_name(x))
        if _with_grad:
            g = _read_grad(x)
            if g is not None:
                snap.has_grad = True
                snap.grad = snapshot(g, _with_grad=False)
        return snap
    if isinstance(x, dict):
        return {k: snapshot(v) for k, v in x.items()}
    if isinstance(x, tuple | list):
        items = [snapshot(v) for v in x]
        return items if isinstance(x, list) else tuple(items)  # a namedtuple compares as a tuple
    return x


# --- comparison --------------------------------------------------------------------------


def _kind(dtype: str) -> str:
    if dtype.startswith(("float", "bfloat")):
        return "floating"
    if dtype.startswith(("int", "uint")):
        return "integer"
    if dtype.startswith("complex"):
        return "complex"
    if dtype == "bool":
        return "bool"
    return dtype


def _fmt_array(a: numpy.ndarray) -> str:
    text = numpy.array2string(a, threshold=24, edgeitems=3, precision=6, max_line_width=90)
    return text.replace("\n", "\n" + " " * 16)


def _describe(s: TensorSnap) -> str:
    return f"{s.dtype} {tuple(s.value.shape)} {s.type_name}"


class Comparer:
    """Compares a reference snapshot with another one and collects every mismatch."""

    def __init__(self, ref_name: str, other_name: str, rtol: float, atol: float, strict: bool):
        self.ref_name = ref_name
        self.other_name = other_name
        self.rtol = rtol
        self.atol = atol
        self.strict = strict
        self.mismatches: list[Mismatch] = []

    def _add(self, path: str, what: str, ref: str, other: str, *extra: str) -> None:
        w = max(len(self.ref_name), len(self.other_name)) + 2
        lines = [
            f"{(self.ref_name + ':').ljust(w)} {ref}",
            f"{(self.other_name + ':').ljust(w)} {other}",
            *extra,
        ]
        self.mismatches.append(Mismatch(path, what, lines))

    def compare(self, ref: Any, other: Any, path: str) -> None:
        if isinstance(ref, TensorSnap) or isinstance(other, TensorSnap):
            self._tensors(ref, other, path)
        elif isinstance(ref, dict) or isinstance(other, dict):
            self._dicts(ref, other, path)
        elif isinstance(ref, tuple | list) or isinstance(other, tuple | list):
            self._sequences(ref, other, path)
        elif ref is None or other is None:
            if not (ref is None and other is None):
                self._add(path, "None on one side only", repr(ref), repr(other))
        elif _is_number(ref) and _is_number(other):
            self._numbers(ref, other, path)
        else:
            try:
                same = bool(ref == other)
            except Exception:
                same = False
            if not same or (self.strict and type(ref) is not type(other)):
                self._add(path, "values differ", _short(ref), _short(other))

    def _numbers(self, ref: Any, other: Any, path: str) -> None:
        r, o = numpy.asarray(ref), numpy.asarray(other)
        if self.strict and type(ref) is not type(other):
            self._add(path, "types differ (strict)", _short(ref), _short(other))
            return
        if _kind(r.dtype.name) != _kind(o.dtype.name):
            self._add(path, "number kinds differ", _short(ref), _short(other))
            return
        self._values(r, o, path, _short(ref), _short(other))

    def _tensors(self, ref: Any, other: Any, path: str) -> None:
        if not (isinstance(ref, TensorSnap) and isinstance(other, TensorSnap)):
            self._add(path, "a tensor on one side only", _short(ref), _short(other))
            return
        if ref.is_array != other.is_array:
            self._add(
                path,
                "a numpy array on one side, a tensor on the other",
                ref.type_name,
                other.type_name,
            )
            return
        ok = True
        if ref.value.shape != other.value.shape:
            scalarish = {ref.value.shape, other.value.shape} == {(), (1,)}
            if self.strict or not scalarish:
                what = "shapes differ" + (" (strict: (1,) and () differ)" if scalarish else "")
                self._add(path, what, _describe(ref), _describe(other))
                ok = False
        if self.strict and ref.dtype != other.dtype:
            self._add(path, "dtypes differ (strict)", _describe(ref), _describe(other))
            ok = False
        elif _kind(ref.dtype) != _kind(other.dtype):
            self._add(path, "dtype kinds differ", _describe(ref), _describe(other))
            ok = False
        if ok:
            # equal shapes, or (1,) against (): align them to compare the values
            self._values(ref.value.reshape(other.value.shape), other.value, path, None, None)
        if ref.is_array:
            return
        gpath = path + ".grad"
        if ref.has_grad != other.has_grad:
            r = _fmt_array(ref.grad.value) if ref.grad else "None"
            o = _fmt_array(other.grad.value) if other.grad else "None"
            self._add(gpath, ".grad is None on one side only", r, o)
        elif ref.grad is not None and other.grad is not None:
            self._tensors(ref.grad, other.grad, gpath)

    def _values(
        self, r: numpy.ndarray, o: numpy.ndarray, path: str, rtext: str | None, otext: str | None
    ) -> None:
        cplx = "c" in r.dtype.kind + o.dtype.kind
        ft = numpy.complex128 if cplx else numpy.float64
        rf, of = r.astype(ft), o.astype(ft)
        if r.dtype.kind in "biu" and o.dtype.kind in "biu":
            bad = r != o
        else:
            bad = ~numpy.isclose(of, rf, rtol=self.rtol, atol=self.atol, equal_nan=True)
        bad = numpy.asarray(bad)
        if not bad.any():
            return
        with numpy.errstate(all="ignore"):
            absdiff = numpy.abs(of - rf)
            absdiff = numpy.where(numpy.isnan(absdiff) & bad, numpy.inf, absdiff)
            reldiff = absdiff / numpy.abs(rf)
            reldiff = numpy.where(numpy.isnan(reldiff) & bad, numpy.inf, reldiff)
        ia = numpy.unravel_index(int(numpy.argmax(numpy.where(bad, absdiff, -1))), bad.shape)
        ir = numpy.unravel_index(int(numpy.argmax(numpy.where(bad, reldiff, -1))), bad.shape)
        where = (lambda i: f" at index {tuple(int(k) for k in i)}") if bad.ndim else (lambda i: "")
        extra = (
            f"largest abs diff {absdiff[ia]:.6g}{where(ia)}, largest rel diff "
            f"{reldiff[ir]:.6g}{where(ir)}; {int(bad.sum())} of {bad.size} elements differ "
            f"(rtol={self.rtol:g}, atol={self.atol:g})"
        )
        self._add(
            path,
            "values differ",
            rtext if rtext is not None else _fmt_array(r),
            otext if otext is not None else _fmt_array(o),
            extra,
        )

    def _dicts(self, ref: Any, other: Any, path: str) -> None:
        if not (isinstance(ref, dict) and isinstance(other, dict)):
            self._add(path, "a dict on one side only", _short(ref), _short(other))
            return
        missing = [k for k in ref if k not in other]
        extra = [k for k in other if k not in ref]
        if missing or extra:
            self._add(
                path,
                "dict keys differ",
                f"keys {sorted(map(repr, ref))}",
                f"keys {sorted(map(repr, other))}",
            )
        for k in ref:
            if k in other:
                self.compare(ref[k], other[k], f"{path}[{k!r}]")

    def _sequences(self, ref: Any, other: Any, path: str) -> None:
        if not (isinstance(ref, tuple | list) and isinstance(other, tuple | list)):
            self._add(path, "a sequence on one side only", _short(ref), _short(other))
            return
        if self.strict and type(ref) is not type(other):
            self._add(
                path, "sequence types differ (strict)", type(ref).__name__, type(other).__name__
            )
        if len(ref) != len(other):
            self._add(
                path,
                "lengths differ",
                f"{type(ref).__name__} of {len(ref)}",
                f"{type(other).__name__} of {len(other)}",
            )
            return
        for i, (a, b) in enumerate(zip(ref, other)):
            self.compare(a, b, f"{path}[{i}]")


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number | numpy.generic) and not isinstance(x, str | bytes)


def _short(x: Any) -> str:
    if isinstance(x, TensorSnap):
        return f"{_fmt_array(x.value)}  ({_describe(x)})"
    text = repr(x)
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{text}  ({type(x).__name__})"
