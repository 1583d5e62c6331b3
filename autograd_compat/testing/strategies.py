"""Hypothesis strategies for equivalence property tests (needs ``hypothesis``).

* :func:`tensors` draws plain numpy arrays; each backend turns them into its own tensor with
  :func:`autograd_compat.testing.make_tensor` (or ``nd.array(v, dtype=v.dtype)`` /
  ``torch.tensor(v)``).
* :func:`programs` draws random differentiable expressions over the dialect's op table, with
  their inputs, as :class:`Program` objects: ``program(ns)`` runs it in namespace ``ns`` (forward
  and backward, in the dialect's style) and returns ``{"y": output, "x0": input, ...}``, so the
  inputs' ``.grad`` is compared too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ._compare import make_tensor

__all__ = ["OPS", "Program", "programs", "tensors"]


def tensors(
    shape: Sequence[int] | st.SearchStrategy[tuple[int, ...]] | None = None,
    dtype: Any = "float32",
    elements: st.SearchStrategy[Any] | None = None,
    *,
    min_value: float = -10.0,
    max_value: float = 10.0,
    max_dims: int = 3,
    max_side: int = 4,
) -> st.SearchStrategy[numpy.ndarray]:
    """Numpy arrays to use as the same input on every backend.

    ``shape``: a tuple, a strategy of tuples, or ``None`` for any shape of up to ``max_dims``
    dimensions of 1..``max_side``. ``dtype``: a numpy dtype or its name. ``elements``: a strategy
    for the values; the default is finite numbers in ``[min_value, max_value]`` (no subnormals,
    which the frameworks may flush to zero differently).
    """
    dt = numpy.dtype(dtype)
    if shape is None:
        shape = hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side)
    elif not isinstance(shape, st.SearchStrategy):
        shape = tuple(shape)
    if elements is None:
        if dt.kind == "f":
            elements = st.floats(
                min_value,
                max_value,
                width=min(dt.itemsize * 8, 64),
                allow_subnormal=False,
            )
        elif dt.kind in "iu":
            elements = st.integers(
                max(int(min_value), 0) if dt.kind == "u" else int(min_value), int(max_value)
            )
        elif dt.kind == "b":
            elements = st.booleans()
    return hnp.arrays(dt, shape, elements=elements)


# --- the op table --------------------------------------------------------------------------
# name -> (MXNet dialect, torch dialect, domain). Each callable takes (ns, *operands). Domain
# "positive": the builder feeds the operand through a * a + 1 first, so log/sqrt/division
# stay finite and differentiable. Adding an op is one line.


@dataclass(frozen=True)
class Op:
    arity: int
    mxnet: Callable[..., Any]
    torch: Callable[..., Any]
    domain: str = "any"
    text: str = "{name}({args})"


OPS: dict[str, Op] = {
    "add": Op(2, lambda ns, a, b: a + b, lambda ns, a, b: a + b, text="({0} + {1})"),
    "sub": Op(2, lambda ns, a, b: a - b, lambda ns, a, b: a - b, text="({0} - {1})"),
    "mul": Op(2, lambda ns, a, b: a * b, lambda ns, a, b: a * b, text="({0} * {1})"),
    "div": Op(2, lambda ns, a, b: a / b, lambda ns, a, b: a / b, "positive", "({0} / {1})"),
    "exp": Op(1, lambda ns, a: ns.nd.exp(a), lambda ns, a: ns.exp(a)),
    "log": Op(1, lambda ns, a: ns.nd.log(a), lambda ns, a: ns.log(a), "positive"),
    "sqrt": Op(1, lambda ns, a: ns.nd.sqrt(a), lambda ns, a: ns.sqrt(a), "positive"),
    "sin": Op(1, lambda ns, a: ns.nd.sin(a), lambda ns, a: ns.sin(a)),
    "cos": Op(1, lambda ns, a: ns.nd.cos(a), lambda ns, a: ns.cos(a)),
    "tanh": Op(1, lambda ns, a: ns.nd.tanh(a), lambda ns, a: ns.tanh(a)),
    "sigmoid": Op(1, lambda ns, a: ns.nd.sigmoid(a), lambda ns, a: ns.sigmoid(a)),
    "relu": Op(1, lambda ns, a: ns.nd.relu(a), lambda ns, a: ns.relu(a)),
    "square": Op(1, lambda ns, a: ns.nd.square(a), lambda ns, a: ns.square(a)),
    "abs": Op(1, lambda ns, a: ns.nd.abs(a), lambda ns, a: ns.abs(a)),
    "negative": Op(1, lambda ns, a: ns.nd.negative(a), lambda ns, a: ns.neg(a)),
    "scale": Op(1, lambda ns, a: a * 0.5, lambda ns, a: a * 0.5, text="({0} * 0.5)"),
}
# How the root may be reduced before backward: None keeps a non-scalar head (MXNet's implicit
# ones head gradient in the MXNet dialect; an explicit ones gradient in the torch dialect).
_ROOTS = (None, "sum", "mean")


def _positive(tree: Any) -> Any:
    # a * a + 1 with plain operators: every dialect and backend has them (not every one has
    # square), and it keeps log/sqrt/division finite and differentiable.
    return ("pos", tree)


class Program:
    """A drawn expression with its inputs; ``program(ns)`` runs it in ``ns``'s dialect.

    Not a dataclass: hypothesis prints dataclasses field by field, and the expression text of
    ``repr`` is what a user needs to reproduce a failure.
    """

    def __init__(
        self, dialect: str, tree: Any, inputs: tuple[numpy.ndarray, ...], root: str | None
    ):
        self.dialect = dialect
        self.tree = tree
        self.inputs = inputs
        self.root = root

    def _eval(self, ns: ModuleType, node: Any, xs: list[Any]) -> Any:
        tag = node[0]
        if tag == "x":
            return xs[node[1]]
        if tag == "pos":
            a = self._eval(ns, node[1], xs)
            return a * a + 1.0
        op = OPS[tag]
        args = [self._eval(ns, a, xs) for a in node[1:]]
        return getattr(op, self.dialect)(ns, *args)

    def __call__(self, ns: ModuleType) -> dict[str, Any]:
        xs = [make_tensor(ns, v, requires_grad=True) for v in self.inputs]
        if self.dialect == "mxnet":
            with ns.autograd.record():
                y = self._eval(ns, self.tree, xs)
                if self.root is not None:
                    y = getattr(ns.nd, self.root)(y)
            y.backward()
        else:
            y = self._eval(ns, self.tree, xs)
            if self.root is not None:
                y = getattr(y, self.root)()
            y.backward(ns.ones_like(y))
        return {"y": y, **{f"x{i}": x for i, x in enumerate(xs)}}

    def expression(self) -> str:
        """The expression as text, in the dialect's spelling."""
        prefix = "nd." if self.dialect == "mxnet" else "torch."

        def show(node: Any) -> str:
            tag = node[0]
            if tag == "x":
                return f"x{node[1]}"
            if tag == "pos":
                a = show(node[1])
                return f"({a} * {a} + 1)"
            op = OPS[tag]
            args = [show(a) for a in node[1:]]
            if op.text != "{name}({args})":
                return op.text.format(*args)
            name = "neg" if tag == "negative" and self.dialect == "torch" else tag
            return f"{prefix}{name}({', '.join(args)})"

        text = show(self.tree)
        return f"{prefix}{self.root}({text})" if self.root else text

    def __repr__(self) -> str:
        shapes = ", ".join(f"x{i}: {v.dtype}{list(v.shape)}" for i, v in enumerate(self.inputs))
        values = ", ".join(f"x{i}={v.tolist()!r}" for i, v in enumerate(self.inputs))
        return f"Program({self.dialect}: {self.expression()}  [{shapes}]  {values})"


def programs(
    dialect: str = "mxnet",
    ops: Sequence[str] | None = None,
    max_depth: int = 3,
    max_inputs: int = 2,
    shape: Sequence[int] | st.SearchStrategy[tuple[int, ...]] | None = None,
    elements: st.SearchStrategy[float] | None = None,
) -> st.SearchStrategy[Program]:
    """Random differentiable expressions over the dialect's op table, with their inputs.

    ``ops`` restricts the op table (names of :data:`OPS`); ``max_depth`` bounds the nesting;
    up to ``max_inputs`` float32 inputs share one shape (``shape``, default any shape of up to 2
    dimensions of 1..3); values come from ``elements`` (default finite floats in [-2, 2]).
    Use with :func:`assert_equivalent`: ``assert_equivalent(program, dialect=program.dialect)``.
    """
    if dialect not in ("mxnet", "torch"):
        raise ValueError(f"unknown dialect {dialect!r}; choose 'mxnet' or 'torch'")
    names = list(OPS) if ops is None else list(ops)
    unknown = [n for n in names if n not in OPS]
    if unknown:
        raise ValueError(f"unknown ops {unknown}; the op table has {sorted(OPS)}")
    if not names:
        raise ValueError("programs() needs at least one op")
    if shape is None:
        shape = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=3)
    elif not isinstance(shape, st.SearchStrategy):
        shape = st.just(tuple(shape))
    if elements is None:
        elements = st.floats(-2.0, 2.0, width=32, allow_subnormal=False)

    @st.composite
    def draw_program(draw: Any) -> Program:
        n_inputs = draw(st.integers(1, max_inputs))
        shp = draw(shape)
        inputs = tuple(
            draw(hnp.arrays(numpy.float32, shp, elements=elements)) for _ in range(n_inputs)
        )

        def node(depth: int) -> Any:
            if depth == 0 or draw(st.integers(0, 3)) == 0:
                return ("x", draw(st.integers(0, n_inputs - 1)))
            name = draw(st.sampled_from(names))
            op = OPS[name]
            args = [node(depth - 1) for _ in range(op.arity)]
            if op.domain == "positive":
                args[-1] = _positive(args[-1])
            return (name, *args)

        tree = node(max_depth)
        root = draw(st.sampled_from(_ROOTS))
        return Program(dialect, tree, inputs, root)

    return draw_program()
