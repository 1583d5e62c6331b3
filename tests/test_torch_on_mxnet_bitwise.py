"""``&``, ``|``, ``^``, ``~`` and comparisons in the torch dialect on MXNet, against real torch.

torch computes ``&``/``|``/``^``/``~`` bitwise on integer tensors and logically on bools, and
refuses floating point; the dialect once computed the logical result for integers (``[1, 2] &
[3, 1]`` gave ``[True, True]``, torch ``[1, 0]``). Shapes that do not broadcast raise torch's
``RuntimeError`` in comparisons too, not MXNet's error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch as real_torch

import autograd_compat

pytestmark = pytest.mark.mxnet

CASES: dict[str, Callable[[Any], Any]] = {
    "int & int": lambda m: m.tensor([1, 2, 12]) & m.tensor([3, 1, 10]),
    "int | scalar": lambda m: m.tensor([1, 2]) | 4,
    "scalar ^ int32": lambda m: 4 ^ m.tensor([1, 2], dtype=m.int32),
    "int8 & int64": lambda m: m.tensor([-1, 5], dtype=m.int8) & m.tensor([6, 7]),
    "~uint8": lambda m: ~m.tensor([1, 2], dtype=m.uint8),
    "~int64": lambda m: ~m.tensor([0, -3]),
    "~bool": lambda m: ~m.tensor([True, False]),
    "bool & bool": lambda m: m.tensor([True, False]) & m.tensor([True, True]),
    "bool | bool": lambda m: m.tensor([True, False]) | m.tensor([False, False]),
    "bool ^ True": lambda m: m.tensor([True, False]) ^ True,
    "bool & int": lambda m: m.tensor([True, False]) & 3,
    "float & float": lambda m: m.tensor([1.0, 2.0]) & m.tensor([1.0, 2.0]),
    "float | int": lambda m: m.tensor([1.0]) | 1,
    "~float": lambda m: ~m.tensor([1.0, 2.0]),
    "int & broadcast": lambda m: m.tensor([[1], [2]]) & m.tensor([3, 1, 2]),
    "int & mismatch": lambda m: m.ones(2, 3, dtype=m.int64) & m.ones(3, 2, dtype=m.int64),
    "bitwise_and": lambda m: m.bitwise_and(m.tensor([5, 6]), m.tensor([3, 3])),
    "bitwise_xor": lambda m: m.bitwise_xor(m.tensor([5, 6]), m.tensor([3, 3])),
    "> mismatch": lambda m: m.ones(2, 3) > m.ones(3, 2),
    "== mismatch": lambda m: m.ones(2, 3) == m.ones(3, 2),
    "<= broadcast": lambda m: m.ones(2, 1) <= m.ones(3),
    "logical_and mismatch": lambda m: m.logical_and(m.ones(2, 3) > 0, m.ones(3, 2) > 0),
}


def _outcome(program: Callable[[Any], Any], m: Any) -> Any:
    try:
        r = program(m)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return ("raised", type(e).__name__)
    return (r.tolist(), str(r.dtype), tuple(r.shape))


@pytest.mark.parametrize("name", list(CASES))
def test_bitwise_and_comparisons_match_torch(name: str) -> None:
    dialect = autograd_compat.namespace("torch", "mxnet")
    assert _outcome(CASES[name], dialect) == _outcome(CASES[name], real_torch)
