"""Integer and bool variables (``attach_grad()`` on an int array), side by side with MXNet 1.9.1:
structural ops and +, -, * give exact integer gradients in the variable's dtype (wrap-around
included), write/add/null as for floats; what MXNet cannot differentiate raises MXNetError."""

from __future__ import annotations

import numpy as onp
import pytest
from sbs import run_both

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch.base import MXNetError

INT_DTYPES = ["int32", "int64", "uint8"]

NP_STRUCTURAL = {
    "flip": lambda np, x: np.flip(x, 1),
    "flip_all": lambda np, x: np.flip(x),
    "flipud": lambda np, x: np.flipud(x),
    "rot90": lambda np, x: np.rot90(x, 1, (0, 1)),
    "ravel": lambda np, x: np.ravel(x),
    "trace": lambda np, x: np.trace(x),
    "reshape": lambda np, x: x.reshape(3, 2),
    "transpose": lambda np, x: np.transpose(x),
    "basic_index": lambda np, x: x[1:, ::-1],
    "int_index": lambda np, x: x[1],
    "advanced_index": lambda np, x: x[np.array([0, 1, 1], dtype="int32")],
    "boolean_index": lambda np, x: x[np.array([True, False])],
    "nan_to_num": lambda np, x: np.nan_to_num(x),
    "concatenate": lambda np, x: np.concatenate([x, x[::-1]], axis=0),
    "stack": lambda np, x: np.stack([x, x], axis=1),
    "sum": lambda np, x: x.sum(axis=0),
    "npx_slice": lambda np, x: np.flip(x[:, 1:3]),
}


def _program(fn, dtype, grad_req="write"):
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array(onp.arange(6).reshape(2, 3), dtype=dtype)
            x.attach_grad(grad_req)
            with mx.autograd.record():
                y = fn(mx.np, x)
            y.backward()
            return y.asnumpy(), str(y.dtype), x.grad.asnumpy(), repr(x.grad)
        finally:
            mx.npx.reset_np()

    return program


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("op", sorted(NP_STRUCTURAL))
def test_np_structural(op, dtype):
    run_both(_program(NP_STRUCTURAL[op], dtype))


NP_ARITHMETIC = {
    "square": lambda np, x: x * x,
    "affine": lambda np, x: x * 3 + x - 2,
    "neg": lambda np, x: -x + 7,
    "wraps": lambda np, x: x * x * 100,
    "product_of_views": lambda np, x: x[0] * x[1],
}


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", INT_DTYPES)
@pytest.mark.parametrize("op", sorted(NP_ARITHMETIC))
def test_np_arithmetic(op, dtype):
    run_both(_program(NP_ARITHMETIC[op], dtype))


@pytest.mark.mxnet
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_np_polyval_both_variables(dtype):
    # MXNet 1.9.1's integer polyval kernel gives zero gradients (not the polynomial's).
    def program(mx):
        mx.npx.set_np()
        try:
            p = mx.np.array([3, -2, 5, 1], dtype=dtype)
            x = mx.np.array([[-2, 0, 1], [4, -5, 2]], dtype=dtype)
            p.attach_grad()
            x.attach_grad()
            with mx.autograd.record():
                y = mx.np.polyval(p, x)
            y.backward()
            return y.asnumpy(), p.grad.asnumpy(), x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("grad_req", ["write", "add", "null"])
def test_grad_req_and_two_backwards(grad_req):
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([1, 2, 3], dtype="int32")
            x.attach_grad(grad_req)
            with mx.autograd.record():
                y = x * 3 + x
            y.backward(retain_graph=True)
            y.backward()
            grad = None if x.grad is None else x.grad.asnumpy()
            try:
                y.backward()  # the graph was freed by the last backward
                again = "ok"
            except mx.base.MXNetError:
                again = "MXNetError"
            return grad, again
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_changed_in_place_before_backward():
    # MXNet reads the variable's new values in backward (the product's saved factor).
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([1, 2, 3], dtype="int32")
            x.attach_grad()
            with mx.autograd.record():
                y = x * x
            x[:] = 10
            y.backward()
            first = x.grad.asnumpy()
            with mx.autograd.record():
                y = x * 2 * x
            y.backward()
            return first, x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_outside_record_is_plain():
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([1, 2, 3], dtype="int32")
            x.attach_grad()
            y = x / 2 + x * 3  # not recorded: any op, no gradient
            with mx.autograd.record():
                z = mx.np.flip(x)
            z.backward()
            return y.asnumpy(), str(y.dtype), x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program, rtol=1e-6)


@pytest.mark.mxnet
def test_nd_legacy():
    def program(mx):
        x = mx.nd.array([[1, 2, 3], [4, 5, 6]], dtype="int32")
        x.attach_grad()
        text = repr(x.grad)
        with mx.autograd.record():
            y = x[mx.nd.array([0, 0, 1])]
        y.backward()
        first = repr(x.grad)
        with mx.autograd.record():
            y = mx.nd.flip(x, axis=1) * x
        y.backward()
        return text, first, repr(x.grad), repr(y)

    run_both(program)


@pytest.mark.mxnet
def test_nd_getitem_autograd_like_mxnet_tests():
    # The shape of MXNet's own test_ndarray_indexing.test_getitem_autograd.
    def program(mx):
        grads = []
        for index in [(1, slice(None, None, 2)), (onp.array([0, 1, 0]),), ([1, 0], [2, 1])]:
            x = mx.nd.array(onp.arange(12).reshape(3, 4), dtype="int32")
            x.attach_grad()
            with mx.autograd.record():
                y = x[index]
            y.backward()
            grads.append(x.grad.asnumpy())
        return grads

    run_both(program)


BOOL_OPS = {
    "flip": lambda np, b: np.flip(b)[1:],
    "product": lambda np, b: b * b,
    "transpose": lambda np, b: b.T,
    "concatenate": lambda np, b: np.concatenate([b, np.zeros((1, 3), dtype="bool")]),
    "stack": lambda np, b: np.stack([np.ones((1, 3), dtype="bool"), b]),
    "copy": lambda np, b: b.copy(),
    "squeeze": lambda np, b: np.squeeze(b),
    "ravel": lambda np, b: np.ravel(b),
    "reshape": lambda np, b: np.reshape(b, (3, 1)),
    "expand_dims": lambda np, b: np.expand_dims(b, 1),
}


@pytest.mark.mxnet
@pytest.mark.parametrize("op", sorted(BOOL_OPS))
def test_bool_variable(op):
    # MXNet attaches a bool gradient; its backward works through reshapes and copies and fails
    # through every other operator, where the shim raises at the call.
    def program(mx):
        mx.npx.set_np()
        try:
            b = mx.np.array([[True, False, True]], dtype="bool")
            b.attach_grad()
            text = repr(b.grad)
            try:
                with mx.autograd.record():
                    y = BOOL_OPS[op](mx.np, b)
                y.backward()
                mx.nd.waitall()
            except mx.base.MXNetError:
                return text, "MXNetError"
            return text, repr(b.grad)
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("kind", ["array", "boolean", "list"])
@pytest.mark.parametrize("dtype", ["uint8", "int8"])
def test_small_int_advanced_indexing_refused(kind, dtype):
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array(onp.arange(6).reshape(2, 3), dtype=dtype)
            x.attach_grad()
            try:
                with mx.autograd.record():
                    if kind == "array":
                        y = x[mx.np.array([0, 1, 1], dtype="int32")]
                    elif kind == "boolean":
                        y = x[mx.np.array([True, False])]
                    else:
                        y = x[[1, 0]]
                y.backward()
                mx.nd.waitall()
            except mx.base.MXNetError:
                return "MXNetError"
            return x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("case", ["divide"])
def test_errors_both_sides(case):
    # MXNet fails in backward ("data type do not match"); the shim at the call. Same class.
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([1, 2, 3], dtype="int32")
            x.attach_grad()
            w = mx.np.array([1.0, 2.0, 3.0])
            w.attach_grad()
            with mx.autograd.record():
                y = x / 2 if case == "divide" else x * w
            y.backward()
            mx.nd.waitall()
            return x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


# MXNet gives truncated numbers for these (np.sin(x) has gradient 0, mean's is 1/3 -> 0): the
# shim refuses at the call instead of reproducing them. (astype to a float and % follow MXNet:
# tests/test_int_variables_casts.py.)
REFUSED = {
    "sin": lambda np, x: np.sin(x),
    "mean": lambda np, x: x.mean(),
    "float_variable": None,
}


@pytest.mark.parametrize("op", sorted(REFUSED))
def test_refused_at_the_call(op):
    mx = namespace("mxnet", "torch")
    mx.npx.set_np()
    try:
        if op == "float_variable":
            # MXNet gives the integer variable a zero gradient here (a product with a float).
            w = mx.np.array([1.0, 2.0, 3.0])
            w.attach_grad()
            x = mx.np.array([1, 2, 3], dtype="int32")
            fn = lambda np, x: x * w  # noqa: E731
        else:
            x = mx.np.array([1, 2, 3], dtype="int32")
            fn = REFUSED[op]
        x.attach_grad()
        with mx.autograd.record(), pytest.raises(MXNetError, match="Hint: make a float copy"):
            fn(mx.np, x)
    finally:
        mx.npx.reset_np()


def test_autograd_grad_mixed_refused():
    mx = namespace("mxnet", "torch")
    x = mx.nd.array([1, 2], dtype="int32")
    w = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = x * 2
    with pytest.raises(MXNetError, match="integer and floating-point"):
        mx.autograd.grad(y, [x, w])


@pytest.mark.mxnet
@pytest.mark.parametrize("kind", ["nd", "np"])
def test_autograd_grad(kind):
    def program(mx):
        if kind == "np":
            mx.npx.set_np()
        try:
            arr = mx.np.array if kind == "np" else mx.nd.array
            x = arr([1, 2, 3], dtype="int32")
            p = arr([4, 5, 6], dtype="int32")
            x.attach_grad()
            p.attach_grad()
            with mx.autograd.record():
                y = x * x * p + p
            gx, gp = mx.autograd.grad(y, [x, p], retain_graph=True)
            (g,) = mx.autograd.grad(y, [p])
            return repr(gx), repr(gp), repr(g), type(gx).__name__, repr(x.grad)
        finally:
            if kind == "np":
                mx.npx.reset_np()

    run_both(program)


def test_mixed_heads():
    # One backward over an integer head and a float head: each variable gets its gradient.
    mx = namespace("mxnet", "torch")
    x = mx.nd.array([1, 2], dtype="int32")
    w = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        a = x * x
        b = w * w
    mx.autograd.backward([a, b])
    assert x.grad.asnumpy().tolist() == [2, 4]
    assert w.grad.asnumpy().tolist() == [2.0, 4.0]


def test_float_path_untouched():
    # Float variables never meet the integer machinery: their class dispatch stays disabled.
    import torch

    mx = namespace("mxnet", "torch")
    w = mx.np.array([1.0, 2.0])
    w.attach_grad()
    assert type(w).__torch_function__ is torch._C._disabled_torch_function_impl
    with mx.autograd.record():
        y = (w * w).sum()
    y.backward()
    assert w.grad.asnumpy().tolist() == [2.0, 4.0]


KEYS = {"empty": (), "slice": slice(None), "ellipsis": Ellipsis, "element": 0, "none": None}


@pytest.mark.mxnet
@pytest.mark.parametrize("index", sorted(KEYS))
def test_recorded_float_written_into_int_array(index):
    # MXNet keeps the graph through a whole-array write (gradients reach the float variable
    # through the integer values); a partial write raises its in-place error.
    def program(mx):
        mx.npx.set_np()
        try:
            key = KEYS[index]
            x = mx.np.zeros((2,), dtype="int32")
            y = mx.np.array([1.5, -2.7])
            y.attach_grad()
            try:
                with mx.autograd.record():
                    value = y * 2 if index != "element" else y[0]
                    x[key] = value.reshape(1, 2) if index == "none" else value
                    z = x * x
                z.backward()
            except mx.base.MXNetError as e:
                return "Inplace operations" in str(e)
            return x.asnumpy(), y.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
@pytest.mark.parametrize("op", ["abs", "clip", "sign", "sort", "cumsum", "einsum", "take"])
def test_np_selecting_ops(op):
    fns = {
        "abs": lambda np, x: np.abs(x - 3),
        "clip": lambda np, x: np.clip(x, 1, 4),  # both bounds are hit exactly
        "sign": lambda np, x: np.sign(x - 2),
        "sort": lambda np, x: np.sort(-x, axis=1),
        "cumsum": lambda np, x: np.cumsum(x, axis=1) * x,
        "einsum": lambda np, x: np.einsum("ij,ij->i", x, x),
        "take": lambda np, x: np.take(x, np.array([0, 2, 2], dtype="int32"), axis=1),
    }
    run_both(_program(fns[op], "int32"))


@pytest.mark.mxnet
@pytest.mark.parametrize("op", ["dot", "where", "atleast_3d", "maximum"])
def test_np_refused_where_mxnet_differs(op):
    # MXNet's integer kernels fail (dot, where), give zeros (atleast_3d) or follow their own tie
    # rule (maximum): the shim refuses at the call rather than give other numbers.
    fns = {
        "dot": lambda np, x: np.dot(x, x.T),
        "where": lambda np, x: np.where(x > 2, x, x * 2),
        "atleast_3d": lambda np, x: np.atleast_3d(x),
        "maximum": lambda np, x: np.maximum(x, 2),
    }
    mx = namespace("mxnet", "torch")
    mx.npx.set_np()
    try:
        x = mx.np.array(onp.arange(6).reshape(2, 3), dtype="int32")
        x.attach_grad()
        with mx.autograd.record(), pytest.raises(MXNetError, match="Hint: make a float copy"):
            fns[op](mx.np, x)
    finally:
        mx.npx.reset_np()


ND_OPS = {
    "swapaxes": lambda nd, x: nd.swapaxes(x, 0, 1),
    "slice": lambda nd, x: nd.slice(x, begin=(0, 1), end=(2, 3)),
    "slice_axis": lambda nd, x: nd.slice_axis(x, axis=1, begin=0, end=2),
    "reshape_codes": lambda nd, x: x.reshape((0, -1)),
    "take": lambda nd, x: nd.take(x, nd.array([1, 0, 1])),
    "pick": lambda nd, x: nd.pick(x, nd.array([0, 2]), axis=1),
    "sort": lambda nd, x: nd.sort(x, axis=1, is_ascend=False),
    "SequenceReverse": lambda nd, x: nd.SequenceReverse(x.reshape((2, 3, 1))),
    "add_n": lambda nd, x: nd.add_n(x, x, x * x),
    "cast": lambda nd, x: nd.cast(x, dtype="int64") * 3,
}


@pytest.mark.mxnet
@pytest.mark.parametrize("op", sorted(ND_OPS))
def test_nd_ops(op):
    def program(mx):
        x = mx.nd.array(onp.arange(6).reshape(2, 3), dtype="int32")
        x.attach_grad()
        with mx.autograd.record():
            y = ND_OPS[op](mx.nd, x)
        y.backward()
        return y.asnumpy(), repr(x.grad)

    run_both(program)


@pytest.mark.mxnet
def test_recorded_again_after_backward_freed_it():
    def program(mx):
        mx.npx.set_np()
        try:
            x = mx.np.array([1, 2, 3], dtype="int32")
            x.attach_grad()
            with mx.autograd.record():
                y = x * x
            y.backward()
            with mx.autograd.record():
                w = y * 3
            try:
                w.backward()
            except mx.base.MXNetError:
                return "MXNetError", x.grad.asnumpy()
            return x.grad.asnumpy()
        finally:
            mx.npx.reset_np()

    run_both(program)


@pytest.mark.mxnet
def test_hybridized_block():
    def program(mx):
        mx.npx.set_np()
        try:

            class Flip(mx.gluon.HybridBlock):
                def hybrid_forward(self, F, x):
                    return F.np.flip(x, 0) * 2

            net = Flip()
            net.hybridize()
            x = mx.np.array([[1, 2], [3, 4]], dtype="int64")
            x.attach_grad()
            with mx.autograd.record():
                y = net(x)
            y.backward()
            return y.asnumpy(), repr(x.grad)
        finally:
            mx.npx.reset_np()

    run_both(program)
