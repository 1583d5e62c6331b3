"""MXNet ``Context`` objects on torch, side by side with real MXNet 1.9.1."""

from __future__ import annotations

import copy
import pickle
import threading

import pytest
import torch

from autograd_compat import namespace
from autograd_compat.mxnet_on_torch import context as shim_context
from autograd_compat.mxnet_on_torch.base import MXNetError

shim = namespace("mxnet", "torch")


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class is compared
        return type(e).__name__
    return None


def _facts(m):
    c1 = m.cpu(1)
    contexts = [m.cpu(), m.cpu(0), c1, m.gpu(), m.gpu(2), m.cpu_pinned(), m.Context("cpu_shared")]
    return {
        "text": [(repr(c), str(c), f"{c}", "%s" % (c,)) for c in contexts],  # noqa: UP031
        "spec": [_raised(lambda c=c: f"{c:>8}") for c in contexts],
        "fields": [(c.device_type, c.device_typeid, c.device_id) for c in contexts],
        "eq": [[a == b for b in contexts] for a in contexts],
        "ne": [[a != b for b in contexts] for a in contexts],
        "hash": [[hash(a) == hash(b) for b in contexts] for a in contexts],
        "dict": {repr(k): v for k, v in {m.cpu(0): 1, m.cpu(1): 2, m.cpu(1): 3}.items()},
        "ctor": [repr(m.Context("cpu", 1)), repr(m.Context("gpu", 3)), repr(m.Context(c1))],
        "copy_is": m.Context(c1) is c1,
        "copies": [repr(copy.copy(c1)), repr(copy.deepcopy(c1)), copy.copy(c1) == c1],
        "pickle": [repr(pickle.loads(pickle.dumps(c))) for c in contexts],
        "vs_str": [c1 == "cpu", c1 == "cpu(1)", m.gpu(1) == "cuda:1", bool(c1)],
        "order": _raised(lambda: c1 < m.cpu(0)),
        "sorted": _raised(lambda: sorted([c1, m.cpu(0)])),
        "unknown": [_raised(lambda: m.Context("tpu")), _raised(lambda: m.Context(None))],
        "class": type(c1).__name__,
        "isinstance": isinstance(c1, m.Context),
    }


def test_context_objects_as_mxnet(mx):
    assert _facts(shim) == _facts(mx)


def _scopes(m):
    seen = [repr(m.current_context())]
    with m.cpu(1) as c:
        seen += [repr(c), repr(m.current_context()), repr(m.context.current_context())]
        with m.Context("gpu", 3):
            seen.append(repr(m.current_context()))
            out = []
            t = threading.Thread(target=lambda: out.append(repr(m.current_context())))
            t.start()
            t.join()
            seen += out
        seen.append(repr(m.current_context()))
        with m.cpu(2):
            with m.cpu(2):
                seen.append(repr(m.current_context()))
            seen.append(repr(m.current_context()))
        seen.append(repr(m.current_context()))
    seen.append(repr(m.current_context()))
    try:
        with m.cpu(4):
            raise ValueError
    except ValueError:
        seen.append(repr(m.current_context()))
    m.test_utils.set_default_context(m.cpu(5))
    seen.append(repr(m.test_utils.default_context()))
    m.test_utils.set_default_context(m.cpu(0))
    return seen


def test_with_context_sets_current_context(mx):
    assert _scopes(shim) == _scopes(mx)


def test_same_context_object_nested():
    """One deliberate difference: MXNet keeps the outer context in the object itself, so the
    same object entered twice leaks its context after both exits; the shim keeps a stack."""
    ctx = shim.cpu(2)
    with shim.cpu(1):
        with ctx:
            with ctx:
                pass
            assert repr(shim.current_context()) == "cpu(2)"
        assert repr(shim.current_context()) == "cpu(1)"  # MXNet 1.9.1: cpu(2)
    assert repr(shim.current_context()) == "cpu(0)"


def test_context_is_a_torch_device_string():
    c1, g1 = shim.cpu(1), shim.gpu(1)
    assert isinstance(c1, str)
    assert torch.device(c1) == torch.device("cpu")
    assert torch.device(g1) == torch.device("cuda", 1)
    assert torch.zeros(2, device=c1).device == torch.device("cpu")
    assert torch.ones(2).to(shim.cpu_pinned()).device.type == "cpu"
    assert shim_context.as_device(c1) == torch.device("cpu")


def test_context_equals_torch_device_of_its_default():
    cpu = torch.device("cpu")
    assert shim.cpu(0) == cpu and cpu == shim.cpu(0)
    assert hash(shim.cpu(0)) == hash(cpu)
    assert shim.cpu(1) != cpu and cpu != shim.cpu(1)
    assert shim.cpu_pinned(0) != cpu
    assert shim.gpu(2) == torch.device("cuda", 2)
    assert hash(shim.gpu(2)) == hash(torch.device("cuda", 2))
    assert shim.gpu(2) != torch.device("cuda", 1)
    assert {cpu: "x"}[shim.cpu()] == "x"
    assert shim.Context(torch.device("cuda", 3)) == shim.gpu(3)
    assert shim.Context(cpu) is shim.cpu()


def test_gpu_context_as_a_key_only(mx):
    """A GPU context is a key on a machine without one; placing an array there raises."""

    def program(m):
        d = {m.gpu(0): 1, m.gpu(1): 2}
        return [d[m.gpu(1)], repr(m.gpu(1)), m.gpu(0) != m.cpu(0)]

    assert program(shim) == program(mx)
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(MXNetError, match="GPU"):
        shim_context.as_device(shim.gpu(0))


def test_context_of_and_with_context():
    t = torch.zeros(2)
    assert shim_context.context_of(t) == shim.cpu(0)
    assert shim_context.with_context(t, shim.cpu(1)) is t
    assert repr(shim_context.context_of(t)) == "cpu(1)"
    assert t._mx_ctx == shim.cpu(1)
    shim_context.with_context(t, shim.cpu(0))  # the default: no tag
    assert "_mx_ctx" not in t.__dict__
    assert shim_context.context_of(t) == shim.cpu(0)
    shim_context.with_context(t, None)
    assert "_mx_ctx" not in t.__dict__
    shim_context.with_context(t, "cpu")
    assert "_mx_ctx" not in t.__dict__
    assert shim_context.as_context(torch.device("cpu")) is shim.cpu()
    assert shim_context.as_context("cuda:2") == shim.gpu(2)
    with pytest.raises(TypeError):
        shim_context.as_context(3)


def test_top_level_names_as_mxnet(mx):
    names = [
        "Context",
        "cpu",
        "gpu",
        "cpu_pinned",
        "current_context",
        "MXNetError",
        "is_np_shape",
        "set_np_shape",
        "np_shape",
        "use_np_shape",
        "is_np_array",
        "np_array",
        "use_np_array",
        "use_np",
    ]
    assert [n for n in names if not hasattr(mx, n)] == []
    assert [n for n in names if not hasattr(shim, n)] == []

    def program(m):
        seen = [m.is_np_shape()]
        with m.np_shape(True):
            seen.append(m.is_np_shape())
        seen.append(m.is_np_shape())
        return seen

    assert program(shim) == program(mx)


def test_default_ctx_deprecated(mx):
    for m in (mx, shim):
        with pytest.warns(DeprecationWarning):
            assert repr(m.Context.default_ctx) == "cpu(0)"
