"""Hypothesis strategies for equivalence property tests (needs ``hypothesis``).

* :func:`tensors` draws plain numpy arrays; each backend turns them into its own tensor with
  :func:`autograd_compat.testing.make_tensor` (or ``nd.array(v, dtype=v.dtype)`` /
  ``torch.tensor(v)``).
* :func:`broadcast_shapes` draws tuples of shapes that broadcast together.
* :func:`values` draws element values that hit ties (repeated, integer-valued numbers), zeros and
  the kinks of ``relu``/``abs``/``maximum``/``clip`` as well as ordinary floats.
* :func:`programs` draws random differentiable expressions over the dialect's op table, with
  their inputs, as :class:`Program` objects: ``program(ns)`` runs it in namespace ``ns`` (forward
  and backward, in the dialect's style) and returns ``{"y": output, "x0": input, ...}``, so the
  inputs' ``.grad`` is compared too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ._compare import make_tensor

__all__ = ["OPS", "TIES", "Program", "broadcast_shapes", "programs", "tensors", "values"]

# Values at which the ops of the table have a kink or a tie rule: 0 (relu, abs, maximum(x, 0)),
# +-1 (the bounds of the table's clip) and small integers, which repeat in an array (max, min,
# maximum, minimum of equal operands).
TIES = (-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0)


def values(low: float = -2.0, high: float = 2.0, *, ties: bool = True) -> st.SearchStrategy:
    """Element values: finite floats in ``[low, high]`` (no subnormals, which the frameworks may
    flush to zero differently), mixed with :data:`TIES` inside the range when ``ties``."""
    floats = st.floats(low, high, width=32, allow_subnormal=False)
    if not ties:
        return floats
    kinks = [v for v in TIES if low <= v <= high]
    return st.one_of(st.sampled_from(kinks), floats) if kinks else floats


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
    for the values; the default for floating dtypes is :func:`values` in
    ``[min_value, max_value]`` (finite floats mixed with ties and kinks), for integer dtypes any
    integer in the range.
    """
    dt = numpy.dtype(dtype)
    if shape is None:
        shape = hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=1, max_side=max_side)
    elif not isinstance(shape, st.SearchStrategy):
        shape = tuple(shape)
    if elements is None:
        if dt.kind == "f":
            elements = values(min_value, max_value)
        elif dt.kind in "iu":
            elements = st.integers(
                max(int(min_value), 0) if dt.kind == "u" else int(min_value), int(max_value)
            )
        elif dt.kind == "b":
            elements = st.booleans()
    return hnp.arrays(dt, shape, elements=elements)


def broadcast_shapes(
    n: int = 2, *, min_dims: int = 1, max_dims: int = 3, max_side: int = 3
) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``n`` shapes that broadcast together (``(2, 3)`` with ``(3,)``, ``(2, 1)`` with
    ``(1, 3)``, ...), each of ``min_dims``..``max_dims`` dimensions of 1..``max_side``."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=max_side
    ).map(lambda b: tuple(b.input_shapes))


# --- shapes, as the generator tracks them ------------------------------------------------------
# Shapes follow torch's and MXNet np's convention; the legacy nd API shows a 0-d result as (1,),
# which broadcasts the same way. Each op's shape rule returns None where the op does not apply.


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(numpy.broadcast_shapes(a, b))
    except ValueError:
        return None


def _same(k: int, a: tuple[int, ...]) -> tuple[int, ...]:
    return a


def _reduce(k: int, a: tuple[int, ...]) -> tuple[int, ...] | None:
    # k picks an axis, or (k == ndim) a full reduction.
    if not a:
        return None
    ax = k % (len(a) + 1)
    return () if ax == len(a) else a[:ax] + a[ax + 1 :]


def _matmul(k: int, a: tuple[int, ...]) -> tuple[int, ...] | None:
    # 1-D: a . a; 2-D: a @ a.T, or (odd k) a @ a[0]; 3-D: batched a @ a^T.
    if len(a) == 1:
        return ()
    if len(a) == 2:
        return (a[0],) if k % 2 else (a[0], a[0])
    if len(a) == 3:
        return (a[0], a[1], a[1])
    return None


def _reshape(k: int, a: tuple[int, ...]) -> tuple[int, ...]:
    size = int(numpy.prod(a))
    return ((size,), (size, 1), (1, size))[k % 3]


def _slice(k: int, a: tuple[int, ...]) -> tuple[int, ...] | None:
    # 0: a[j:] (first axis, j = k mod len); 1: a[..., :1]; 2: a[0] (2-D and up).
    if not a:
        return None
    kind = k % 3
    if kind == 0:
        return (a[0] - (k // 3) % a[0],) + a[1:]
    if kind == 1:
        return a[:-1] + (1,)
    return a[1:] if len(a) >= 2 else None


def _first_axis_start(k: int, n: int) -> int:
    return (k // 3) % n


# --- the op table --------------------------------------------------------------------------
# name -> Op. The MXNet spelling takes (m, *operands, k) where m is the program's array API
# (nd, or np with npx); the torch spelling takes (torch namespace, *operands, k). k is a small
# integer drawn with the program that picks an axis or a variant (see the shape rules above).
# Domain "positive": the builder feeds the last operand through a * a + 1 first, so log/sqrt/
# division stay finite and differentiable. Adding an op is one entry.


@dataclass(frozen=True)
class Op:
    arity: int
    mxnet: Callable[..., Any]
    torch: Callable[..., Any]
    domain: str = "any"
    text: str = "{name}({args})"
    shape: Callable[..., tuple[int, ...] | None] = _same
    param: bool = False


def _u(f_mx: Callable[..., Any], f_t: Callable[..., Any], **kw: Any) -> Op:
    return Op(1, lambda m, a, k=0: f_mx(m, a), lambda t, a, k=0: f_t(t, a), **kw)


def _b(f_mx: Callable[..., Any], f_t: Callable[..., Any], **kw: Any) -> Op:
    return Op(
        2, lambda m, a, b, k=0: f_mx(m, a, b), lambda t, a, b, k=0: f_t(t, a, b), shape=None, **kw
    )


def _mx_where(m: Any, a: Any, b: Any) -> Any:
    if m.flavour == "nd":
        # the legacy where does not broadcast: bring both branches to the common shape first
        a, b = a + b * 0.0, b + a * 0.0
    return m.where(a > 0, a, b)


def _mx_reduce(name: str) -> Callable[..., Any]:
    def run(m: Any, a: Any, k: int = 0) -> Any:
        ax = k % (a.ndim + 1)
        return getattr(m, name)(a) if ax == a.ndim else getattr(m, name)(a, axis=ax)

    return run


def _t_reduce(name: str) -> Callable[..., Any]:
    def run(t: Any, a: Any, k: int = 0) -> Any:
        ax = k % (a.dim() + 1)
        # torch's max(dim) routes the gradient to the returned index, max() spreads it on ties
        return getattr(a, name)() if ax == a.dim() else getattr(a, name)(dim=ax).values

    return run


def _mx_matmul(m: Any, a: Any, k: int = 0) -> Any:
    if a.ndim == 1:
        return m.dot(a, a)
    if a.ndim == 2:
        return m.dot(a, a[0]) if k % 2 else m.dot(a, m.transpose(a))
    if m.flavour == "nd":
        return m.batch_dot(a, a, transpose_b=True)
    return m.matmul(a, m.swapaxes(a, 1, 2))


def _t_matmul(t: Any, a: Any, k: int = 0) -> Any:
    if a.dim() == 1:
        return t.dot(a, a)
    if a.dim() == 2:
        return t.matmul(a, a[0]) if k % 2 else a @ a.t()
    return t.matmul(a, a.transpose(-1, -2))


def _mx_slice(m: Any, a: Any, k: int = 0) -> Any:
    kind = k % 3
    if kind == 0:
        return a[_first_axis_start(k, a.shape[0]) :]
    if kind == 1:
        if m.flavour == "nd":
            return m.slice_axis(a, axis=-1, begin=0, end=1)
        return a[..., :1]
    return a[0]


def _t_slice(t: Any, a: Any, k: int = 0) -> Any:
    kind = k % 3
    if kind == 0:
        return a[_first_axis_start(k, a.shape[0]) :]
    return a[..., :1] if kind == 1 else a[0]


def _mx_inplace(m: Any, a: Any, k: int = 0) -> Any:
    # MXNet refuses in-place writes to arrays in a recorded graph (MXNetError): both sides must.
    c = a * 1.0
    c *= 2.0
    return c


def _t_inplace(t: Any, a: Any, k: int = 0) -> Any:
    # In-place updates of a non-leaf, directly and through views (first-axis slice, view of a
    # contiguous tensor, a column slice), and item assignment.
    c = (a * 1.0).contiguous()
    kind = k % 5
    if kind == 0:
        c.mul_(2.0)
    elif kind == 1:
        c[:1].mul_(2.0)
    elif kind == 2:
        c.view(-1)[:1].mul_(3.0)
    elif kind == 3:
        c += a
    else:
        c[..., :1] = 0.5
    return c


def _shape_inplace(k: int, a: tuple[int, ...]) -> tuple[int, ...] | None:
    return a if a else None


OPS: dict[str, Op] = {
    "add": _b(lambda m, a, b: a + b, lambda t, a, b: a + b, text="({0} + {1})"),
    "sub": _b(lambda m, a, b: a - b, lambda t, a, b: a - b, text="({0} - {1})"),
    "mul": _b(lambda m, a, b: a * b, lambda t, a, b: a * b, text="({0} * {1})"),
    "div": _b(lambda m, a, b: a / b, lambda t, a, b: a / b, domain="positive", text="({0} / {1})"),
    "exp": _u(lambda m, a: m.exp(a), lambda t, a: t.exp(a)),
    "log": _u(lambda m, a: m.log(a), lambda t, a: t.log(a), domain="positive"),
    "sqrt": _u(lambda m, a: m.sqrt(a), lambda t, a: t.sqrt(a), domain="positive"),
    "sin": _u(lambda m, a: m.sin(a), lambda t, a: t.sin(a)),
    "cos": _u(lambda m, a: m.cos(a), lambda t, a: t.cos(a)),
    "tanh": _u(lambda m, a: m.tanh(a), lambda t, a: t.tanh(a)),
    "sigmoid": _u(lambda m, a: m.sigmoid(a), lambda t, a: t.sigmoid(a)),
    "relu": _u(lambda m, a: m.relu(a), lambda t, a: t.relu(a)),
    "square": _u(lambda m, a: m.square(a), lambda t, a: t.square(a)),
    "abs": _u(lambda m, a: m.abs(a), lambda t, a: t.abs(a)),
    "negative": _u(lambda m, a: m.negative(a), lambda t, a: t.neg(a)),
    "scale": _u(lambda m, a: a * 0.5, lambda t, a: a * 0.5, text="({0} * 0.5)"),
    # ties and kinks
    "maximum": _b(lambda m, a, b: m.maximum(a, b), lambda t, a, b: t.maximum(a, b)),
    "minimum": _b(lambda m, a, b: m.minimum(a, b), lambda t, a, b: t.minimum(a, b)),
    "maximum0": _u(
        lambda m, a: m.maximum(a, 0.0),
        lambda t, a: a.clamp(min=0.0),
        text="maximum({0}, 0.0)",
    ),
    "clip": _u(
        lambda m, a: m.clip(a, -1.0, 1.0),
        lambda t, a: t.clamp(a, -1.0, 1.0),
        text="clip({0}, -1.0, 1.0)",
    ),
    "where": _b(_mx_where, lambda t, a, b: t.where(a > 0, a, b), text="where({0} > 0, {0}, {1})"),
    "max": Op(1, _mx_reduce("max"), _t_reduce("max"), shape=_reduce, param=True),
    "min": Op(1, _mx_reduce("min"), _t_reduce("min"), shape=_reduce, param=True),
    "sum": _u(lambda m, a: m.sum(a), lambda t, a: a.sum(), shape=lambda k, a: ()),
    # shapes, views, in-place updates
    "matmul": Op(1, _mx_matmul, _t_matmul, shape=_matmul, param=True),
    "reshape": Op(
        1,
        lambda m, a, k=0: a.reshape(_reshape(k, tuple(a.shape))),
        lambda t, a, k=0: a.reshape(_reshape(k, tuple(a.shape))),
        shape=_reshape,
        param=True,
    ),
    "transpose": _u(
        lambda m, a: m.transpose(a),
        lambda t, a: a.permute(*reversed(range(a.dim()))),
        shape=lambda k, a: tuple(reversed(a)) if a else None,
    ),
    "slice": Op(1, _mx_slice, _t_slice, shape=_slice, param=True),
    "inplace": Op(1, _mx_inplace, _t_inplace, shape=_shape_inplace, param=True),
}
# How the root may be reduced before backward: None keeps a non-scalar head (MXNet's implicit
# ones head gradient in the MXNet dialect; an explicit ones gradient in the torch dialect).
_ROOTS = (None, "sum", "mean")
# The ops in OPS before issue 11 (elementwise, no ties beyond relu/abs at 0, no shape changes).
ELEMENTWISE = (
    "add sub mul div exp log sqrt sin cos tanh sigmoid relu square abs negative scale".split()
)


class MXApi:
    """The MXNet array API a program is written in: ``nd``, or ``np`` with ``npx``.

    ``m.exp(a)`` is ``nd.exp`` or ``np.exp``; names ``np`` lacks (``relu``, ``sigmoid``) come from
    ``npx``. ``m.flavour`` is ``"nd"`` or ``"np"``.
    """

    def __init__(self, ns: ModuleType, flavour: str):
        self.flavour = flavour
        self._modules = (ns.nd,) if flavour == "nd" else (ns.np, ns.npx)

    def __getattr__(self, name: str) -> Any:
        for module in self._modules:
            # a dialect namespace may raise NotImplementedError for a name it lacks
            with contextlib.suppress(AttributeError, NotImplementedError):
                return getattr(module, name)
        raise AttributeError(f"{self.flavour} has no {name!r}")


class Program:
    """A drawn expression with its inputs; ``program(ns)`` runs it in ``ns``'s dialect.

    Not a dataclass: hypothesis prints dataclasses field by field, and the expression text of
    ``repr`` is what a user needs to reproduce a failure.
    """

    def __init__(
        self,
        dialect: str,
        tree: Any,
        inputs: tuple[numpy.ndarray, ...],
        root: str | None,
        flavour: str = "nd",
    ):
        self.dialect = dialect
        self.tree = tree
        self.inputs = inputs
        self.root = root
        self.flavour = flavour if dialect == "mxnet" else "torch"

    # -- running ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def scope(self, ns: ModuleType) -> Iterator[None]:
        """Where the program's arrays live: MXNet's np API needs ``npx.set_np()``."""
        if self.flavour != "np":
            yield
            return
        ns.npx.set_np()
        try:
            yield
        finally:
            ns.npx.reset_np()

    def arrays(self, ns: ModuleType) -> list[Any]:
        """The inputs as arrays of ``ns`` (not yet variables), in the program's flavour."""
        if self.flavour == "np":
            return [ns.np.array(v, dtype=v.dtype) for v in self.inputs]
        return [make_tensor(ns, v) for v in self.inputs]

    def forward(self, ns: ModuleType, xs: Sequence[Any]) -> Any:
        """The expression over arrays ``xs``, reduced by the root (no backward)."""
        api: Any = MXApi(ns, self.flavour) if self.dialect == "mxnet" else ns
        y = self._eval(api, self.tree, list(xs))
        if self.root is None:
            return y
        return getattr(api, self.root)(y) if self.dialect == "mxnet" else getattr(y, self.root)()

    def _eval(self, api: Any, node: Any, xs: list[Any]) -> Any:
        tag = node[0]
        if tag == "x":
            return xs[node[1]]
        if tag == "pos":
            a = self._eval(api, node[1], xs)
            return a * a + 1.0
        op = OPS[tag]
        k = node[1] if op.param else 0
        args = [self._eval(api, a, xs) for a in node[2 if op.param else 1 :]]
        return getattr(op, self.dialect)(api, *args, k=k)

    def __call__(self, ns: ModuleType) -> dict[str, Any]:
        with self.scope(ns):
            xs = self.arrays(ns)
            if self.dialect == "mxnet":
                for x in xs:
                    x.attach_grad()
                with ns.autograd.record():
                    y = self.forward(ns, xs)
                y.backward()
            else:
                for x in xs:
                    x.requires_grad_(True)
                y = self.forward(ns, xs)
                y.backward(ns.ones_like(y))
        return {"y": y, **{f"x{i}": x for i, x in enumerate(xs)}}

    # -- showing ------------------------------------------------------------------------------

    def expression(self) -> str:
        """The expression as text, in the dialect's spelling (``k`` picks an op's axis or
        variant, see ``OPS``)."""
        prefix = {"nd": "nd.", "np": "np.", "torch": "torch."}[self.flavour]

        def show(node: Any) -> str:
            tag = node[0]
            if tag == "x":
                return f"x{node[1]}"
            if tag == "pos":
                a = show(node[1])
                return f"({a} * {a} + 1)"
            op = OPS[tag]
            args = [show(a) for a in node[2 if op.param else 1 :]]
            if op.param:
                args.append(f"k={node[1]}")
            if op.text != "{name}({args})":
                return op.text.format(*args)
            name = "neg" if tag == "negative" and self.dialect == "torch" else tag
            return f"{prefix}{name}({', '.join(args)})"

        text = show(self.tree)
        return f"{prefix}{self.root}({text})" if self.root else text

    def __repr__(self) -> str:
        shapes = ", ".join(f"x{i}: {v.dtype}{list(v.shape)}" for i, v in enumerate(self.inputs))
        vals = ", ".join(f"x{i}={v.tolist()!r}" for i, v in enumerate(self.inputs))
        return f"Program({self.dialect}: {self.expression()}  [{shapes}]  {vals})"


def programs(
    dialect: str = "mxnet",
    ops: Sequence[str] | None = None,
    max_depth: int = 3,
    max_inputs: int = 2,
    shape: Sequence[int] | st.SearchStrategy[tuple[int, ...]] | None = None,
    elements: st.SearchStrategy[float] | None = None,
    *,
    dtypes: Sequence[Any] = ("float32",),
    flavours: Sequence[str] = ("nd", "np"),
) -> st.SearchStrategy[Program]:
    """Random differentiable expressions over the dialect's op table, with their inputs.

    ``ops`` restricts the op table (names of :data:`OPS`); ``max_depth`` bounds the nesting.
    Up to ``max_inputs`` inputs, each of a dtype drawn from ``dtypes`` (several dtypes: mixed
    programs). ``shape``: every input has that shape (a tuple or a strategy); by default the
    inputs' shapes broadcast together (:func:`broadcast_shapes`, up to 3 dimensions of 1..3).
    Values come from ``elements`` (default :func:`values`: floats in [-2, 2] mixed with ties and
    kinks). MXNet dialect: each program is written against one of ``flavours`` (``nd``, or
    ``np`` run under ``npx.set_np()``). Ops are only applied where they fit their operand's shape;
    a binary op whose operands do not broadcast reduces its right operand with ``sum`` first.
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
    bad = [f for f in flavours if f not in ("nd", "np")]
    if bad or not flavours:
        raise ValueError(f"flavours must be a non-empty selection of ('nd', 'np'), got {flavours}")
    kinds = [numpy.dtype(d) for d in dtypes]
    if not kinds or any(d.kind != "f" for d in kinds):
        raise ValueError(f"dtypes must be floating dtypes (differentiable), got {dtypes}")
    if shape is not None and not isinstance(shape, st.SearchStrategy):
        shape = st.just(tuple(shape))
    if elements is None:
        elements = values()

    @st.composite
    def draw_program(draw: Any) -> Program:
        n_inputs = draw(st.integers(1, max_inputs))
        if shape is None:
            shapes = draw(broadcast_shapes(n_inputs))
        else:
            shapes = (draw(shape),) * n_inputs
        inputs = tuple(
            draw(hnp.arrays(draw(st.sampled_from(kinds)), s, elements=elements)) for s in shapes
        )

        def leaf() -> tuple[Any, tuple[int, ...]]:
            i = draw(st.integers(0, n_inputs - 1))
            return ("x", i), tuple(shapes[i])

        def node(depth: int) -> tuple[Any, tuple[int, ...]]:
            if depth == 0 or draw(st.integers(0, 3)) == 0:
                return leaf()
            name = draw(st.sampled_from(names))
            op = OPS[name]
            k = draw(st.integers(0, 5)) if op.param else None
            args = [node(depth - 1) for _ in range(op.arity)]
            if op.arity == 2:
                out = _broadcast(args[0][1], args[1][1])
                if out is None:
                    args[1] = (("sum", args[1][0]), ())
                    out = _broadcast(args[0][1], ())
            else:
                out = op.shape(k, args[0][1])
                if out is None:  # the op does not apply to this operand: keep the operand
                    return args[0]
            trees = [a[0] for a in args]
            if op.domain == "positive":
                trees[-1] = ("pos", trees[-1])
            head = (name, k) if op.param else (name,)
            return (*head, *trees), out

        tree, _ = node(max_depth)
        root = draw(st.sampled_from(_ROOTS))
        flavour = draw(st.sampled_from(list(flavours))) if dialect == "mxnet" else "torch"
        return Program(dialect, tree, inputs, root, flavour)

    return draw_program()
