"""MXNet's NumPy-semantics switches (``npx.set_np()``), on the ground floor so every array module
(``nd``, ``np``, ``npx``, ``util``, Gluon) reads the same state without importing each other.
"""

from __future__ import annotations

__all__ = ["is_np_array", "is_np_shape", "reset_np", "set_np", "set_np_array", "set_np_shape"]

_flags = {"shape": False, "array": False}


def set_np(shape: bool = True, array: bool = True, dtype: bool = False) -> None:
    """Turn on NumPy semantics: NumPy shapes (0-d and zero-size arrays) and ``np`` arrays."""
    if dtype:
        # MXNet's set_np(dtype=True) makes float64 the default; this backend keeps float32.
        raise NotImplementedError(
            "npx.set_np(dtype=True) (float64 default dtype) is not supported on the torch "
            "backend. Hint: pass dtype='float64' to the creation functions instead."
        )
    if array and not shape:
        # MXNet's own rule: NumPy arrays need NumPy shapes.
        raise ValueError("NumPy Shape semantics is required in using NumPy array semantics.")
    _flags["shape"], _flags["array"] = bool(shape), bool(array)


def reset_np() -> None:
    """Turn NumPy semantics off."""
    _flags["shape"] = _flags["array"] = False


def set_np_shape(active: bool) -> bool:
    """Set NumPy shape semantics; returns the previous state."""
    prev, _flags["shape"] = _flags["shape"], bool(active)
    return prev


def set_np_array(active: bool) -> bool:
    """Set NumPy array semantics; returns the previous state."""
    prev, _flags["array"] = _flags["array"], bool(active)
    return prev


def is_np_array() -> bool:
    return _flags["array"]


def is_np_shape() -> bool:
    return _flags["shape"]
