"""`import mxnet` served by the shim: alias_mxnet, `autograd-compat exec`, the pytest option.

Every program here runs in a subprocess: an aliased `mxnet` must never share a process with the
oracle tests (which import real MXNet).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

PY = sys.executable
CLI = [PY, "-m", "autograd_compat"]


def _run(args, cwd=None, env_extra=None, timeout=180):
    env = dict(os.environ)
    env.pop("AUTOGRAD_COMPAT_ALIAS_MXNET", None)
    env.update(env_extra or {})
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _py(code, **kw):
    return _run([PY, "-c", textwrap.dedent(code)], **kw)


SCRIPT = """\
import sys
import mxnet as mx
from mxnet import autograd, nd
print("shim" if mx.__version__.endswith("autograd_compat.torch") else "real", sys.argv[1:],
      __name__)
x = nd.array([1, 2, 3]); x.attach_grad()
with autograd.record():
    y = (x * x).sum()
y.backward()
print(x.grad.asnumpy().tolist())
mode = sys.argv[1] if len(sys.argv) > 1 else ""
if mode == "raise":
    def inner():
        raise ValueError("boom")
    inner()
if mode == "message":
    sys.exit("bye")
sys.exit(int(mode) if mode.isdigit() else 0)
"""


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "prog.py"
    path.write_text(SCRIPT)
    return path


def test_exec_runs_an_unmodified_script_on_the_shim(script, tmp_path):
    proc = _run([*CLI, "exec", str(script), "3", "--flag"], cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.splitlines() == ["shim ['3', '--flag'] __main__", "[2.0, 4.0, 6.0]"]


def test_exec_exit_codes_and_traceback_as_python(script, tmp_path):
    ours = _run([*CLI, "exec", str(script), "raise"], cwd=tmp_path)
    assert ours.returncode == 1  # as `python script.py` exits after an uncaught exception
    # The traceback starts at the program's own frame, as with `python script.py`.
    assert ours.stderr.splitlines()[0] == "Traceback (most recent call last):"
    assert f'File "{script}", line' in ours.stderr.splitlines()[1]
    assert ours.stderr.splitlines()[-1] == "ValueError: boom"
    assert "runpy" not in ours.stderr and "autograd_compat" not in ours.stderr
    msg = _run([*CLI, "exec", str(script), "message"], cwd=tmp_path)
    assert (msg.returncode, msg.stderr.strip()) == (1, "bye")


@pytest.mark.mxnet
def test_exec_module_and_backend_mxnet(script, tmp_path):
    proc = _run([*CLI, "exec", "-m", "prog", "5"], cwd=tmp_path)
    assert proc.returncode == 5, proc.stderr
    assert proc.stdout.splitlines()[0] == "shim ['5'] __main__"
    real = _run([*CLI, "exec", "--backend", "mxnet", str(script)], cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines() == ["real [] __main__", "[2.0, 4.0, 6.0]"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--backend", "bad", "x.py"], "unknown backend 'bad'"),
        (["missing.py"], "can't open file 'missing.py'"),
        ([], "name a script to run"),
        (["--nope", "x.py"], "unknown option '--nope'"),
    ],
)
def test_exec_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    proc = _run([*CLI, "exec", *args], cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr


@pytest.mark.mxnet
def test_alias_api_and_refusals():
    proc = _py(
        """
        import autograd_compat as ac
        ac.alias_mxnet()
        import mxnet, mxnet.ndarray, mxnet.numpy_extension
        from mxnet import gluon
        assert mxnet.nd is mxnet.ndarray and mxnet.__version__ == "1.9.1+autograd_compat.torch"
        assert mxnet.numpy_extension is mxnet.npx
        for ask in (lambda: ac.namespace("mxnet", "mxnet"), lambda: ac.set_backend("mxnet"),
                    lambda: __import__("autograd_compat.torch_on_mxnet")):
            try:
                ask()
            except ac.MXNetAliasedError:
                pass
            else:
                raise SystemExit("real MXNet was reachable while aliased")
        try:
            import mxnet.no_such_module
        except ModuleNotFoundError as e:
            assert e.name == "mxnet.no_such_module"
        ac.unalias_mxnet()
        import mxnet as real
        assert real.__file__.endswith("site-packages/mxnet/__init__.py"), real.__file__
        try:
            ac.alias_mxnet()
        except ac.MXNetAliasedError as e:
            assert "already imported" in str(e)
        else:
            raise SystemExit("aliased over real MXNet")
        print("ok")
        """
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_alias_context_manager():
    proc = _py(
        """
        import sys
        from autograd_compat import aliased_mxnet, is_mxnet_aliased
        with aliased_mxnet() as mx:
            import mxnet
            assert mxnet is mx and is_mxnet_aliased()
        assert not is_mxnet_aliased() and "mxnet" not in sys.modules
        print("ok")
        """
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_horovod_mxnet_is_served_while_aliased():
    proc = _py(
        """
        import sys
        from autograd_compat import alias_mxnet, unalias_mxnet
        alias_mxnet()
        import horovod.mxnet as hvd
        assert hvd.__name__ == "autograd_compat.horovod_mxnet", hvd.__name__
        assert callable(hvd.DistributedTrainer) and callable(hvd.broadcast_parameters)
        unalias_mxnet()
        assert "horovod" not in sys.modules and "horovod.mxnet" not in sys.modules
        try:
            import horovod.mxnet
        except ModuleNotFoundError:
            print("ok")
        """
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


TEST_FILE = """\
import mxnet as mx

def test_runs_on_the_shim():
    assert mx.__version__.endswith("autograd_compat.torch")
"""


@pytest.mark.parametrize("how", ["option", "env"])
def test_pytest_option_and_env_alias_mxnet(tmp_path, how):
    (tmp_path / "test_mx.py").write_text(TEST_FILE)
    args = [PY, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "test_mx.py")]
    env = {}
    if how == "option":
        args.append("--compat-alias-mxnet")
    else:
        env["AUTOGRAD_COMPAT_ALIAS_MXNET"] = "1"
    proc = _run(args, cwd=tmp_path, env_extra=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
