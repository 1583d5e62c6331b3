"""torch's argument checks for the torch dialect on MXNet, with torch's exception classes and
messages.

MXNet either accepts what torch rejects (an out-of-range ``dim`` wraps around, a float target
indexes, int64 @ float32 promotes) or fails later with its own error (shape inference, an
asynchronous ``TBlob`` error at the next read). These checks run before MXNet sees the operands.
They work on shapes (tuples) and dtype names only, so this module sits below the ops.
"""

from __future__ import annotations

from collections.abc import Sequence

# torch's C type names (mm's message) and scalar-type names (dot, addmv, nll_loss)
C_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}
SCALAR_NAMES = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
}


def wrap_dim(dim: int, ndim: int) -> int:
    """torch's ``maybe_wrap_dim``: ``dim`` in ``[-ndim, ndim - 1]`` (a 0-d tensor counts as
    1-D), else ``IndexError``."""
    n = ndim if ndim else 1
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim % n


def wrap_dims(dims: Sequence[int], ndim: int) -> tuple:
    """Several dims (a reduction's tuple): each wrapped, no repeats (torch's error)."""
    out = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        for i, d in enumerate(out):
            if d in out[:i]:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def same_dtype_mm(a: str, b: str) -> None:
    if a != b:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {C_NAMES[a]} != {C_NAMES[b]}"
        )


def same_dtype_dot(a: str, b: str) -> None:
    if a != b:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{SCALAR_NAMES[a]} and {SCALAR_NAMES[b]}"
        )


def same_dtype_mv(mat: str, vec: str) -> None:
    if mat != vec:
        raise RuntimeError(
            "addmv input tensors must have the same dtype, but got "
            f"{SCALAR_NAMES[vec]}, {SCALAR_NAMES[mat]}, and {SCALAR_NAMES[vec]}"
        )


def cat_shapes(shapes: Sequence[tuple], dim: int) -> int:
    """torch.cat's checks; returns the wrapped dim. (torch skips legacy empty 1-D tensors.)"""
    if not shapes:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, s in enumerate(shapes):
        if not s:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    real = [(i, s) for i, s in enumerate(shapes) if s != (0,)]
    if not real:
        return wrap_dim(dim, 1)
    first = real[0][1]
    d = wrap_dim(dim, len(first))
    for i, s in real[1:]:
        if len(s) != len(first):
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {len(first)} and {len(s)}"
            )
        for k in range(len(s)):
            if k != d and s[k] != first[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{first[k]} but got size {s[k]} for tensor number {i} in the list."
                )
    return d


def stack_shapes(shapes: Sequence[tuple], dim: int) -> int:
    """torch.stack's checks; returns the wrapped dim."""
    if not shapes:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = shapes[0]
    for i, s in enumerate(shapes[1:], 1):
        if s != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(s)} at entry {i}"
            )
    return wrap_dim(dim, len(first) + 1)


def grad_dtype(value: str, own: str) -> None:
    """``x.grad = g``: torch requires the leaf's dtype."""
    if value != own:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{C_NAMES[value]}' to a tensor with "
            f"grad_dtype '{SCALAR_NAMES[own]}'. The gradient must match the tensor's grad_dtype "
            "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
            "with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
            "Diverging the dtypes of a tensor and its gradient may break downstream systems "
            "that assume they match."
        )


def nll_target(in_shape: tuple, t_shape: tuple, t_dtype: str) -> None:
    """nll_loss / cross_entropy with class-index targets: dtype and batch size."""
    n = in_shape[0] if in_shape else 1
    m = t_shape[0] if t_shape else 1
    if len(t_shape) != 1 or n != m:
        raise ValueError(f"Expected input batch_size ({n}) to match target batch_size ({m}).")
    if t_dtype not in ("int64", "uint8"):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {SCALAR_NAMES[t_dtype]}"
        )


def nll_bounds(values: Sequence[int], classes: int, ignore_index: int) -> None:
    for v in values:
        if v != ignore_index and not 0 <= v < classes:
            raise IndexError(f"Target {v} is out of bounds.")
