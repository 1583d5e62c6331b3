"""assert_equivalent / equivalent: agreement, and deliberately non-equivalent ports caught."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from autograd_compat import _backend
from autograd_compat.testing import (
    BackendUnavailableError,
    assert_equivalent,
    equivalent,
    make_tensor,
)

MX = ("mxnet", "torch")


def on_torch(ns) -> bool:
    """True for the namespace of the torch backend (used to plant a bug on one side only)."""
    return ns.__name__ in ("torch", "autograd_compat.mxnet_on_torch")


def square_sum(ns, req="write", n_backward=1, bug=None):
    """The MXNet-dialect program most tests vary: y = sum(x*x), backward n times."""
    x = ns.nd.array([1.0, 2.0, 3.0])
    x.attach_grad(grad_req="add" if bug == "accumulate" and on_torch(ns) else req)
    for _ in range(n_backward):
        with ns.autograd.record():
            y = (x * x).sum()
        y.backward()
    if bug == "off_by_one" and on_torch(ns):
        x.grad[:] += 1
    return y, x


# --- agreement -----------------------------------------------------------------------------


@pytest.mark.mxnet
def test_mxnet_dialect_agrees_and_returns_each_result():
    out = assert_equivalent(square_sum, dialect="mxnet", backends=MX)
    assert set(out) == {"mxnet", "torch"}
    assert out["torch"][1].grad.tolist() == [2.0, 4.0, 6.0]


@pytest.mark.mxnet
def test_write_and_add_agree_over_repeated_backward():
    for req in ("write", "add"):
        assert_equivalent(lambda ns, r=req: square_sum(ns, r, 3), dialect="mxnet", backends=MX)


def test_torch_dialect_on_torch_alone():
    def prog(ns):
        x = ns.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        return {"x": x, "n": 3, "items": [x.grad.sum().item(), "ok", None]}

    out = assert_equivalent(prog, dialect="torch", backends="torch")
    assert out["torch"]["n"] == 3


@pytest.mark.mxnet
def test_sum_shape_one_and_scalar_agree_unless_strict():
    # Legacy MXNet's x.sum() has shape (1,), and so has the shim's NDArray: equal even if strict.
    real = lambda ns: ns.nd.array([1.0, 2.0]).sum()  # noqa: E731
    assert_equivalent(real, dialect="mxnet", backends=MX, strict=True)

    # A port returning the scalar of shape () agrees only when not strict.
    def prog(ns):
        s = ns.nd.array([1.0, 2.0]).sum()
        return torch.from_numpy(s.asnumpy()).reshape(()) if on_torch(ns) else s

    assert_equivalent(prog, dialect="mxnet", backends=MX)
    with pytest.raises(AssertionError, match=r"shapes differ \(strict: \(1,\) and \(\) differ\)"):
        assert_equivalent(prog, dialect="mxnet", backends=MX, strict=True)


def test_tolerance_and_nan():
    def prog(ns):
        bump = 1e-7 if _backend._active == "mxnet" else 0.0
        return np.array([1.0 + bump, np.nan]), 2.0 + bump

    fake_both(prog)  # within rtol/atol, and NaN equals NaN
    with pytest.raises(AssertionError, match="values differ"):
        fake_both(prog, rtol=0, atol=0)


def fake_both(program, **kw):
    """assert_equivalent over both backends with the torch dialect on torch standing in for both.

    Pure-comparison tests need no framework: both backends resolve to real torch here.
    """
    saved = dict(_backend._NAMESPACE_MODULES)
    _backend._NAMESPACE_MODULES[("torch", "mxnet")] = "torch"
    real = _backend.require_mxnet
    _backend.require_mxnet = lambda: None
    try:
        return assert_equivalent(program, dialect="torch", backends=("torch", "mxnet"), **kw)
    finally:
        _backend._NAMESPACE_MODULES.clear()
        _backend._NAMESPACE_MODULES.update(saved)
        _backend.require_mxnet = real


def test_active_backend_follows_the_run():
    seen = []
    fake_both(lambda ns: seen.append(_backend.get_backend()))
    assert seen == ["torch", "mxnet"]


# --- deliberately non-equivalent programs --------------------------------------------------


@pytest.mark.mxnet
def test_off_by_one_gradient_is_caught_with_path_values_and_differences():
    with pytest.raises(AssertionError) as err:
        assert_equivalent(lambda ns: square_sum(ns, bug="off_by_one"), dialect="mxnet")
    text = str(err.value)
    assert "backend 'torch' is not equivalent to the reference backend 'mxnet'" in text
    assert "at result[1].grad: values differ" in text
    assert re.search(r"mxnet \(reference\):\s+\[2\. 4\. 6\.\]", text)
    assert re.search(r"torch:\s+\[3\. 5\. 7\.\]", text)
    assert "largest abs diff 1 at index (0,), largest rel diff 0.5 at index (0,)" in text
    assert "3 of 3 elements differ" in text
    assert "result[0]" not in text  # the forward values agree and are not reported


@pytest.mark.mxnet
def test_write_vs_accumulate_mistake_is_caught():
    # A port that accumulates (torch's habit) where MXNet's default 'write' overwrites.
    with pytest.raises(AssertionError) as err:
        assert_equivalent(
            lambda ns: square_sum(ns, n_backward=2, bug="accumulate"), dialect="mxnet"
        )
    text = str(err.value)
    assert "at result[1].grad: values differ" in text
    assert re.search(r"torch:\s+\[ 4\.  8\. 12\.\]", text)


@pytest.mark.mxnet
def test_different_dtype_kind_is_caught_and_exact_dtype_with_strict():
    def prog(ns, dtype):
        return ns.nd.array([1.0, 2.0], dtype=dtype if on_torch(ns) else "float32")

    with pytest.raises(AssertionError, match=r"dtype kinds differ") as err:
        assert_equivalent(lambda ns: prog(ns, "int32"), dialect="mxnet", backends=MX)
    assert "float32 (2,)" in str(err.value) and "int32 (2,)" in str(err.value)
    assert_equivalent(lambda ns: prog(ns, "float64"), dialect="mxnet", backends=MX)
    with pytest.raises(AssertionError, match=r"dtypes differ \(strict\)"):
        assert_equivalent(lambda ns: prog(ns, "float64"), dialect="mxnet", strict=True)


@pytest.mark.mxnet
def test_missing_grad_is_caught():
    def prog(ns):
        x = ns.nd.array([1.0, 2.0])
        if not on_torch(ns):  # the port forgot attach_grad
            x.attach_grad()
        return x

    with pytest.raises(AssertionError) as err:
        assert_equivalent(prog, dialect="mxnet", backends=MX)
    text = str(err.value)
    assert "at result.grad: .grad is None on one side only" in text
    assert re.search(r"mxnet \(reference\):\s+\[0\. 0\.\]", text)
    assert re.search(r"torch:\s+None", text)


def test_structure_mismatches_are_listed_each_with_its_path():
    def prog(ns):
        if _backend._active == "mxnet":
            return {"a": [1, 2], "b": (1.0,), "c": "x", "d": None}
        return {"a": [1, 2, 3], "b": [1.0], "c": "y", "e": None}

    with pytest.raises(AssertionError) as err:
        fake_both(prog)
    text = str(err.value)
    assert "at result: dict keys differ" in text
    assert "at result['a']: lengths differ" in text
    assert "at result['c']: values differ" in text
    assert "result['b']" not in text  # tuple and list are interchangeable...
    with pytest.raises(AssertionError, match=r"result\['b'\]: sequence types differ \(strict\)"):
        fake_both(prog, strict=True)  # ...unless strict


def test_tensor_against_number_and_none():
    def prog(ns):
        x = ns.ones(2)
        return (x, 1.0) if _backend._active == "mxnet" else (2.0, None)

    with pytest.raises(AssertionError) as err:
        fake_both(prog)
    assert "at result[0]: a tensor on one side only" in str(err.value)
    assert "at result[1]: None on one side only" in str(err.value)


def test_many_differences_are_capped():
    def prog(ns):
        return list(range(20)) if _backend._active == "mxnet" else list(range(1, 21))

    with pytest.raises(AssertionError, match=r"20 difference\(s\)(.|\n)*and 10 more"):
        fake_both(prog)


# --- exceptions ----------------------------------------------------------------------------


@pytest.mark.mxnet
def test_both_raising_mxnet_error_agree_across_the_two_mxnet_error_classes():
    def prog(ns):
        x = ns.nd.array([1.0, 2.0])
        x.attach_grad()
        with ns.autograd.record():
            y = x * 2
        y.backward()
        y.backward()  # the graph is freed: MXNetError on both backends

    out = assert_equivalent(prog, dialect="mxnet", backends=MX)
    assert type(out["mxnet"]).__module__ == "mxnet.base"
    assert type(out["torch"]).__module__ == "autograd_compat.mxnet_on_torch.base"


def test_both_raising_different_classes_is_a_failure():
    def prog(ns):
        raise (KeyError if _backend._active == "mxnet" else ValueError)("boom")

    with pytest.raises(AssertionError) as err:
        fake_both(prog)
    text = str(err.value)
    assert "both raised, but not the same exception class" in text
    assert "builtins.ValueError: boom" in text


def test_adapter_raising_a_subclass_agrees():
    class Sub(KeyError):
        pass

    def prog(ns):
        raise (Sub if _backend._active == "mxnet" else KeyError)("k")

    fake_both(prog)


def test_one_side_raising_is_a_failure_that_shows_the_exception():
    def prog(ns):
        if _backend._active == "mxnet":
            raise RuntimeError("only here")
        return 1

    with pytest.raises(AssertionError) as err:
        fake_both(prog)
    text = str(err.value)
    assert "'mxnet' raised and 'torch' did not" in text
    assert "builtins.RuntimeError: only here  (raised at" in text
    assert "torch (reference) returned 1" in text


def test_single_backend_error_propagates():
    with pytest.raises(ZeroDivisionError):
        assert_equivalent(lambda ns: 1 / 0, backends=("torch",))


# --- misuse and missing backends -----------------------------------------------------------


def test_missing_backend_is_a_clear_error_not_a_pass(monkeypatch):
    monkeypatch.setitem(
        _backend._NAMESPACE_MODULES, ("torch", "mxnet"), "autograd_compat._no_such_module"
    )
    monkeypatch.setattr(_backend, "require_mxnet", lambda: None)
    ran = []
    with pytest.raises(BackendUnavailableError, match="backend 'mxnet' is not available") as err:
        assert_equivalent(lambda ns: ran.append(ns), dialect="torch")
    assert isinstance(err.value, ImportError)
    assert "never passes by skipping" in str(err.value)
    assert ran == []  # nothing ran before the missing backend was found


def test_missing_mxnet_is_a_clear_error(monkeypatch):
    def no_mxnet():
        raise ImportError(_backend.MXNET_INSTALL_HINT)

    monkeypatch.setattr(_backend, "require_mxnet", no_mxnet)
    with pytest.raises(BackendUnavailableError, match=r"-e '\.\[mxnet\]'"):
        assert_equivalent(lambda ns: 1, dialect="mxnet")


@pytest.mark.parametrize(
    "kwargs, exc, pattern",
    [
        ({"dialect": "jax"}, ValueError, "unknown dialect 'jax'"),
        ({"backends": ("torch", "tf")}, ValueError, "unknown backend 'tf'"),
        ({"backends": ()}, ValueError, "at least one backend"),
        ({"backends": ("torch", "torch")}, ValueError, "twice"),
    ],
)
def test_bad_arguments(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        assert_equivalent(lambda ns: 1, **kwargs)


def test_program_must_be_callable():
    with pytest.raises(TypeError, match="program must be a callable"):
        assert_equivalent(42)


# --- the decorator -------------------------------------------------------------------------


@pytest.mark.mxnet
@pytest.mark.parametrize("scale", [1.0, 3.0])
@equivalent(dialect="mxnet", backends=MX)
def test_decorator_passes_parameters_and_fixtures(ns, scale, tmp_path):
    assert tmp_path.exists()
    x = make_tensor(ns, [1.0, -2.0], requires_grad=True)
    with ns.autograd.record():
        y = ns.nd.tanh(x) * scale
    y.backward()
    return x


def test_decorator_reports_differences():
    @equivalent(backends=("torch",))
    def check(ns):
        return 1

    assert check() is None

    with pytest.raises(TypeError, match="first positional parameter"):

        @equivalent
        def no_namespace(*, ns):
            pass


def test_make_tensor_keeps_dtype_and_defaults_python_floats_to_float32():
    import torch

    assert make_tensor(torch, [1.0]).dtype == torch.float32
    assert make_tensor(torch, np.array([1.0])).dtype == torch.float64
    t = make_tensor(torch, np.array([1.0], dtype=np.float32), requires_grad=True)
    assert t.requires_grad and t.is_leaf


def test_dialect_of():
    import torch

    from autograd_compat.testing import dialect_of

    assert dialect_of(torch) == "torch"
    with pytest.raises(TypeError, match="not a namespace of autograd_compat"):
        dialect_of(np)
