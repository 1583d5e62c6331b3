"""MXNet 1.9.1's ``np`` on integer arrays: results keep the integer dtype.

Measured on real MXNet 1.9.1 (``tests/test_np_int_rules.py`` compares them side by side):

* **A Python float with an integer array** in ``+ - * ** %`` and the comparisons is first
  converted to the array's dtype, as C converts: ``int32_array * 2.7`` is ``int32_array * 2``,
  ``x < 0.5`` is ``x < 0``, ``x + 1e10`` adds ``INT32_MIN``. True division is the exception: it
  computes in float32 with the float as given (``x / 2.5``).
* **Float functions of an integer array** (``sin``, ``exp``, ``sqrt``, ``log``, ``degrees``, ...)
  compute in float32 and convert the result back to the array's dtype (``np.exp([1, 2, 3])`` is
  int32 ``[2, 7, 20]``).

C's conversion, as MXNet's x86 kernels do it: truncation toward zero into int32 (int64 for
int64 arrays); NaN, infinities and values out of that range give its minimum; narrower types
keep the low bits (uint8 ``286.5 -> 30``, ``-1.7 -> 255``, NaN ``-> 0``).
"""

from __future__ import annotations

import math

import torch

__all__ = ["INTEGER_DTYPES", "c_cast", "c_cast_scalar"]

# bool is not here: MXNet's bool arrays follow other rules (not measured to differ).
INTEGER_DTYPES = frozenset({torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64})
_NARROW = {torch.int8: 8, torch.uint8: 8, torch.int16: 16}


def _wide(dtype: torch.dtype) -> tuple[torch.dtype, int]:
    return (torch.int64, 64) if dtype is torch.int64 else (torch.int32, 32)


def c_cast_scalar(value: float, dtype: torch.dtype) -> int:
    """``value`` converted to ``dtype`` as MXNet's kernels convert a float scalar parameter."""
    _, bits = _wide(dtype)
    low = -(1 << (bits - 1))
    v = math.trunc(value) if math.isfinite(value) else low
    if not low <= v < -low:
        v = low
    narrow = _NARROW.get(dtype)
    if narrow is not None:
        v &= (1 << narrow) - 1
        if dtype is not torch.uint8 and v >= 1 << (narrow - 1):
            v -= 1 << narrow
    return v


def c_cast(r: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A float tensor converted element-wise to the integer ``dtype`` by C's rule (above)."""
    wide, bits = _wide(dtype)
    limit = float(1 << (bits - 1))
    ok = torch.isfinite(r) & (r >= -limit) & (r < limit)
    out = torch.where(ok, r, 0).to(wide)  # .to truncates toward zero
    out.masked_fill_(~ok, -(1 << (bits - 1)))
    return out if wide is dtype else out.to(dtype)  # integer narrowing keeps the low bits
