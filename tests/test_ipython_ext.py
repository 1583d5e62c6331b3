"""``%load_ext autograd_compat`` in a real (in-process) IPython shell.

Load binds ``autograd``/``t``/``V`` only where free and prints one line; on the mxnet backend the
user's ``torch`` import statements bind the torch dialect (a small fake one here, so these tests
do not depend on the torch-on-MXNet work); unload leaves the user namespace and ``torch.Tensor``
as they were. End to end through kernels: tests/test_notebook_*.py.
"""

from __future__ import annotations

import ast
import sys
import types

import pytest

import autograd_compat
from autograd_compat import _backend, ipython_ext


@pytest.fixture(scope="module", autouse=True)
def methods_installed():
    """The rest of the suite expects MXNet's methods on torch.Tensor: start and end that way."""
    import autograd_compat.mxnet_on_torch  # noqa: F401

    autograd_compat.install()
    yield
    autograd_compat.install()


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    # An in-process shell replaces sys.modules["__main__"] and hooks; give them back after.
    saved = sys.modules.get("__main__"), sys.displayhook, sys.excepthook
    cfg = Config()
    cfg.HistoryManager.hist_file = ":memory:"
    sh = InteractiveShell(config=cfg)
    try:
        yield sh
    finally:
        if "autograd_compat" in sh.extension_manager.loaded:
            sh.run_line_magic("unload_ext", "autograd_compat")
        sh.cleanup()
        sys.modules["__main__"], sys.displayhook, sys.excepthook = saved


@pytest.fixture
def backend():
    """Set the active backend for one test and restore the previous one after it."""
    before = _backend._active
    yield autograd_compat.set_backend
    _backend._active = before


def _fake_torch_dialect() -> types.ModuleType:
    root = types.ModuleType("fake_torch_dialect")
    root.autograd = types.ModuleType("fake_torch_dialect.autograd")
    root.nn = types.ModuleType("fake_torch_dialect.nn")
    root.nn.functional = types.ModuleType("fake_torch_dialect.nn.functional")

    class Variable:
        pass

    root.autograd.Variable = Variable
    root.autograd.grad = lambda *a, **k: "grad"
    root.nn.functional.relu = lambda x: "relu"
    root.tensor = lambda data: ("fake tensor", data)
    root.__all__ = ["tensor"]
    return root


@pytest.fixture
def fake_dialect(monkeypatch):
    fake = _fake_torch_dialect()
    monkeypatch.setattr(ipython_ext, "_torch_dialect", lambda backend: fake)
    return fake


def _cell(sh, source: str):
    result = sh.run_cell(source, silent=False)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    if result.error_before_exec is not None:
        raise result.error_before_exec
    return result.result


def _tensor_state() -> dict:
    import torch

    return dict(torch.Tensor.__dict__)


# --- torch backend ---------------------------------------------------------------------------


def test_torch_backend_binds_aliases_prints_one_line(shell, backend, capsys):
    import torch

    backend("torch")
    capsys.readouterr()
    _cell(shell, "%load_ext autograd_compat")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "torch backend" in out
    assert "autograd" in out and "t" in out and "V" in out
    assert shell.user_ns["t"] is torch
    assert shell.user_ns["V"] is torch.autograd.Variable
    assert shell.user_ns["autograd"] is autograd_compat.namespace("mxnet", "torch").autograd
    # import torch stays the real torch on the torch backend: nothing is rewritten
    assert not any(isinstance(t, ipython_ext.TorchImportRewriter) for t in shell.ast_transformers)
    _cell(shell, "import torch as tt")
    assert shell.user_ns["tt"] is torch


def test_torch_backend_runs_seed_style_cells(shell, backend):
    backend("torch")
    _cell(shell, "%load_ext autograd_compat")
    _cell(shell, "x = t.arange(4.0, requires_grad=True)\nx.grad")
    got = _cell(
        shell,
        "with autograd.record():\n    y = x * x\ny.backward()\n"
        "u = x.copy()\nu.attach_grad()\n"
        "with autograd.record():\n    v = (u * u).sum()\nv.backward()\nx.grad == u.grad",
    )
    assert got.tolist() == [True, True, True, True]
    g = _cell(shell, "x = V(t.Tensor([4]), requires_grad=True)\nt.autograd.grad(x ** 2, x)")
    assert g[0].item() == 8.0


def test_existing_names_are_kept(shell, backend, capsys):
    backend("torch")
    shell.user_ns["t"] = "mine"
    shell.user_ns["autograd"] = "also mine"
    capsys.readouterr()
    _cell(shell, "%load_ext autograd_compat")
    out = capsys.readouterr().out
    assert shell.user_ns["t"] == "mine" and shell.user_ns["autograd"] == "also mine"
    assert "kept your autograd, t" in out
    _cell(shell, "%unload_ext autograd_compat")
    assert shell.user_ns["t"] == "mine" and shell.user_ns["autograd"] == "also mine"


def test_unload_restores_namespace_and_tensor(shell, backend):
    import torch

    backend("torch")
    autograd_compat.uninstall()  # a plain torch.Tensor, as in a fresh kernel
    try:
        ns_before = set(shell.user_ns)
        tensor_before = _tensor_state()
        _cell(shell, "%load_ext autograd_compat")
        assert hasattr(torch.Tensor, "attach_grad")
        _cell(shell, "%unload_ext autograd_compat")
        assert set(shell.user_ns) == ns_before
        assert _tensor_state() == tensor_before and not hasattr(torch.Tensor, "attach_grad")
        # load again after unload: the methods come back although the module stays imported
        _cell(shell, "%load_ext autograd_compat")
        assert hasattr(torch.Tensor, "attach_grad")
        _cell(shell, "%unload_ext autograd_compat")
        assert _tensor_state() == tensor_before
    finally:
        autograd_compat.install()


def test_unload_keeps_methods_that_were_there_before(shell, backend):
    backend("torch")
    tensor_before = _tensor_state()  # installed by the module fixture, as after an import
    _cell(shell, "%load_ext autograd_compat")
    _cell(shell, "%unload_ext autograd_compat")
    assert _tensor_state() == tensor_before


def test_unload_keeps_a_name_the_user_rebound(shell, backend):
    backend("torch")
    _cell(shell, "%load_ext autograd_compat")
    _cell(shell, "V = 5")
    _cell(shell, "%unload_ext autograd_compat")
    assert shell.user_ns["V"] == 5
    assert "t" not in shell.user_ns and "autograd" not in shell.user_ns


# --- mxnet backend: the cells' torch imports -------------------------------------------------


@pytest.mark.mxnet
def test_mxnet_backend_rewrites_torch_imports(shell, backend, fake_dialect, capsys):
    backend("mxnet")
    real_torch = sys.modules.get("torch")
    capsys.readouterr()
    _cell(shell, "%load_ext autograd_compat")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "mxnet backend" in out and "import torch" in out
    ns = shell.user_ns
    assert ns["t"] is fake_dialect and ns["V"] is fake_dialect.autograd.Variable
    assert ns["autograd"] is autograd_compat.namespace("mxnet", "mxnet").autograd

    _cell(shell, "import torch")
    assert ns["torch"] is fake_dialect
    _cell(shell, "import torch as t2")
    assert ns["t2"] is fake_dialect
    del ns["torch"]
    _cell(shell, "import torch.autograd")
    assert ns["torch"] is fake_dialect
    _cell(shell, "from torch.autograd import Variable, grad as g")
    assert ns["Variable"] is fake_dialect.autograd.Variable and ns["g"]() == "grad"
    _cell(shell, "import torch.nn.functional as F")
    assert ns["F"] is fake_dialect.nn.functional
    _cell(shell, "from torch.nn import functional")
    assert ns["functional"] is fake_dialect.nn.functional
    _cell(shell, "import os, torch.autograd as ag, json")
    assert ns["ag"] is fake_dialect.autograd and "os" in ns and "json" in ns
    _cell(shell, "from torch import *")
    assert ns["tensor"] is fake_dialect.tensor
    _cell(shell, "def f():\n    import torch\n    return torch\nr = f()")
    assert ns["r"] is fake_dialect
    # what the user's code called torch is the dialect; the real module stays for libraries
    assert sys.modules.get("torch") is real_torch


@pytest.mark.mxnet
def test_mxnet_backend_import_errors_are_pythons(shell, backend, fake_dialect):
    backend("mxnet")
    _cell(shell, "%load_ext autograd_compat")
    with pytest.raises(ModuleNotFoundError, match="torch.optim"):
        _cell(shell, "import torch.optim")
    with pytest.raises(ImportError, match="cannot import name 'nope' from 'torch.autograd'"):
        _cell(shell, "from torch.autograd import nope")
    # the extension is still registered after errors (IPython drops a transformer that raises)
    _cell(shell, "import torch")
    assert shell.user_ns["torch"] is fake_dialect


@pytest.mark.mxnet
def test_mxnet_backend_unload_stops_rewriting(shell, backend, fake_dialect):
    import torch

    backend("mxnet")
    ns_before = set(shell.user_ns)
    tensor_before = _tensor_state()
    _cell(shell, "%load_ext autograd_compat")
    _cell(shell, "%unload_ext autograd_compat")
    assert set(shell.user_ns) == ns_before
    assert not any(isinstance(t, ipython_ext.TorchImportRewriter) for t in shell.ast_transformers)
    assert _tensor_state() == tensor_before
    _cell(shell, "import torch")
    assert shell.user_ns["torch"] is torch


@pytest.mark.mxnet
def test_mxnet_backend_without_torch_dialect_still_loads(shell, backend, monkeypatch, capsys):
    def missing(backend):
        raise ModuleNotFoundError("No module named 'autograd_compat.torch_on_mxnet'")

    monkeypatch.setattr(ipython_ext, "_torch_dialect", missing)
    backend("mxnet")
    capsys.readouterr()
    _cell(shell, "%load_ext autograd_compat")
    out = capsys.readouterr().out
    assert "torch dialect unavailable" in out and out.count("\n") == 1
    assert "autograd" in shell.user_ns and "t" not in shell.user_ns
    with pytest.raises(ModuleNotFoundError, match="could not be imported"):
        _cell(shell, "import torch")


# --- the rewriter alone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, changed",
    [
        ("import torch", True),
        ("import torchvision", False),
        ("import torch_geometric as tg", False),
        ("from torchvision import models", False),
        ("from . import torch", False),
        ("import numpy as np", False),
        ("from torch.autograd import Variable", True),
    ],
)
def test_rewriter_touches_only_torch_imports(source, changed):
    tree = ast.parse(source)
    new = ast.fix_missing_locations(ipython_ext.TorchImportRewriter("mxnet").visit(tree))
    assert (ast.dump(new) != ast.dump(ast.parse(source))) is changed
    compile(new, "<cell>", "exec")  # line numbers are in place
