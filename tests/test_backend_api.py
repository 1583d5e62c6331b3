"""The public backend switch, namespaces, lazy imports and their errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import autograd_compat


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "AUTOGRAD_COMPAT_BACKEND"}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_import_imports_neither_framework():
    proc = _python(
        """
        import sys
        import autograd_compat, autograd_compat.mxnet
        print(sorted(m for m in ("torch", "mxnet") if m in sys.modules))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_mxnet_dialect_on_torch_does_not_import_mxnet():
    proc = _python(
        """
        import sys
        from autograd_compat.mxnet import autograd, nd, cpu, gpu
        x = nd.array([1, 2]); x.attach_grad()
        with autograd.record():
            y = (x * x).sum()
        y.backward()
        print("mxnet" in sys.modules, x.grad.tolist())
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False [2.0, 4.0]"


def test_default_backend_is_torch_and_env_var_sets_it():
    assert _python("import autograd_compat as a; print(a.get_backend())").stdout.strip() == "torch"
    proc = _python(
        "import autograd_compat as a; print(a.get_backend())", AUTOGRAD_COMPAT_BACKEND="mxnet"
    )
    assert proc.stdout.strip() == "mxnet", proc.stderr


def test_bad_env_value_raises_on_first_use():
    proc = _python(
        """
        import autograd_compat as a
        print("imported")
        try:
            a.get_backend()
        except ValueError as e:
            print("ValueError:", e)
        """,
        AUTOGRAD_COMPAT_BACKEND="jax",
    )
    assert proc.stdout.splitlines()[0] == "imported"
    assert "'jax'" in proc.stdout and "'torch', 'mxnet'" in proc.stdout
    assert "AUTOGRAD_COMPAT_BACKEND" in proc.stdout


def test_missing_mxnet_names_the_extra():
    # Simulate a machine without MXNet: a meta-path finder that refuses it.
    proc = _python(
        """
        import sys
        class NoMXNet:
            def find_spec(self, name, path=None, target=None):
                if name == "mxnet" or name.startswith("mxnet."):
                    raise ImportError("No module named 'mxnet'")
        sys.meta_path.insert(0, NoMXNet())
        import autograd_compat as a
        from autograd_compat.mxnet import autograd   # torch backend: fine
        for call in (lambda: a.set_backend("mxnet"), lambda: a.namespace("mxnet", "mxnet"),
                     lambda: a.namespace("torch", "mxnet")):
            try:
                call()
            except ImportError as e:
                print(type(e).__name__, e)
        """
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        assert line.startswith("ImportError") and "-e '.[mxnet]'" in line


@pytest.mark.parametrize("bad", ["jax", "Torch", ""])
def test_set_backend_rejects_unknown_names(bad):
    with pytest.raises(ValueError, match="choose one of 'torch', 'mxnet'"):
        autograd_compat.set_backend(bad)


@pytest.mark.parametrize("bad", [3, None, ["torch"]])
def test_set_backend_rejects_non_strings(bad):
    with pytest.raises(TypeError, match="must be a str"):
        autograd_compat.set_backend(bad)


def test_namespace_rejects_unknown_dialect_and_backend():
    with pytest.raises(ValueError, match="dialect"):
        autograd_compat.namespace("jax")
    with pytest.raises(ValueError, match="backend"):
        autograd_compat.namespace("mxnet", "jax")


def test_namespaces_torch_backend():
    import torch

    assert autograd_compat.namespace("torch", "torch") is torch
    ns = autograd_compat.namespace("mxnet", "torch")
    for name in ("autograd", "nd", "random", "cpu", "gpu", "Context", "base"):
        assert hasattr(ns, name), name
    assert issubclass(ns.base.MXNetError, RuntimeError)
    assert ns.cpu() == torch.device("cpu") and ns.gpu(1) == torch.device("cuda", 1)
    assert isinstance(ns.cpu(), ns.Context)


@pytest.mark.mxnet
def test_namespace_mxnet_on_mxnet_is_real_mxnet(mx):
    ns = autograd_compat.namespace("mxnet", "mxnet")
    assert ns.nd is mx.nd and ns.base.MXNetError is mx.base.MXNetError
    # its autograd is real MXNet's, extended to accept the torch dialect's tensors
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with ns.autograd.record():
        assert mx.autograd.is_recording()
        y = x * x
    ns.autograd.backward(y)
    assert x.grad.asnumpy().tolist() == [2.0, 4.0]


@pytest.mark.mxnet
def test_bound_names_keep_their_backend():
    prev = autograd_compat.get_backend()
    try:
        autograd_compat.set_backend("torch")
        from autograd_compat.mxnet import nd as nd_torch
        from autograd_compat.mxnet.base import MXNetError as ErrTorch

        autograd_compat.set_backend("mxnet")
        import mxnet

        from autograd_compat.mxnet import nd as nd_mx
        from autograd_compat.mxnet.base import MXNetError as ErrMx

        assert nd_mx is mxnet.nd and ErrMx is mxnet.base.MXNetError
        assert nd_torch is autograd_compat.namespace("mxnet", "torch").nd
        assert ErrTorch is not ErrMx and ErrTorch.__name__ == "MXNetError"
    finally:
        autograd_compat.set_backend(prev)


def test_torch_attribute_on_torch_backend_is_real_torch():
    import torch

    prev = autograd_compat.get_backend()
    try:
        autograd_compat.set_backend("torch")
        from autograd_compat import torch as t

        assert t is torch
    finally:
        autograd_compat.set_backend(prev)


def test_unknown_mxnet_attribute():
    import autograd_compat.mxnet as m

    with pytest.raises(AttributeError, match="no attribute 'foo'"):
        m.foo  # noqa: B018
