"""install(methods=...) and uninstall(): what the MXNet dialect puts on torch.Tensor, and takes
back (issue 14). Subprocesses: the names on torch.Tensor are process-wide."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _py(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_install_only_the_named_methods():
    proc = _py(
        """
        import autograd_compat, torch
        autograd_compat.install(methods=["attach_grad", "asnumpy", "backward"])
        from autograd_compat.mxnet import autograd, nd
        assert not hasattr(torch.Tensor, "copy") and not hasattr(torch.Tensor, "copyto")
        x = nd.array([1.0, 2.0]); x.attach_grad()
        with autograd.record():
            y = x * x
        y.backward()                     # MXNet's implicit head gradient: backward is installed
        print(x.grad.asnumpy().tolist())
        try:
            autograd_compat.install(methods=["no_such_method"])
        except ValueError as e:
            print("refused", "no_such_method" in str(e))
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:2] == ["[2.0, 4.0]", "refused True"]


def test_uninstall_takes_back_the_safe_global():
    proc = _py(
        """
        import torch
        before = set(map(id, torch.serialization.get_safe_globals()))
        import autograd_compat
        from autograd_compat.mxnet import nd
        added = [g for g in torch.serialization.get_safe_globals() if id(g) not in before]
        # The rebuild functions of variables and of legacy NDArrays.
        assert sorted(g.__name__ for g in added) == ["_rebuild", "_rebuild_variable"], added
        autograd_compat.uninstall()
        assert set(map(id, torch.serialization.get_safe_globals())) == before
        assert not hasattr(torch.Tensor, "attach_grad")
        print("ok")
        """
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
