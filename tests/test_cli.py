"""The ``autograd-compat`` command through a subprocess: exit codes, output files, bad input.

Bad input must give exit code 2 and one line on stderr, and write nothing. ``run`` is checked end
to end here on a small torch-dialect notebook; ``compare`` in tests/test_notebook_compare.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

TORCH_CELLS = [
    "%load_ext autograd_compat",  # already loaded by `run`: silently nothing
    "import torch",
    "x = torch.ones(2, requires_grad=True)\ny = (x * 3).sum()\ny.backward()\nx.grad",
    "print(torch.autograd.grad((x ** 2).sum(), x)[0])",
    "print(type(t).__name__, V is torch.autograd.Variable)",
]


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRAD_COMPAT_BACKEND"}
    env.update(extra)
    return env


def _cli(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "autograd_compat", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or _env(),
        timeout=300,
    )


def _notebook(path, sources):
    cells = [new_markdown_cell("A torch notebook")] + [new_code_cell(s) for s in sources]
    nbformat.write(new_notebook(cells=cells), str(path))
    return path.read_bytes()


def _snapshot(d):
    return {
        str(p.relative_to(d)): p.read_bytes() if p.is_file() else None
        for p in d.rglob("*")
        if "__pycache__" not in p.parts
    }


# --- run, end to end -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    before = _notebook(d / "tiny.ipynb", TORCH_CELLS)
    # --timeout inf: no timeout (test_timeout_inf_means_no_timeout_and_bad_values_are_refused)
    proc = _cli("run", "tiny.ipynb", "--timeout", "inf", cwd=d)
    return {"proc": proc, "dir": d, "before": before}


def test_run_writes_default_output(ran):
    proc, d = ran["proc"], ran["dir"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (d / "tiny.ipynb").read_bytes() == ran["before"]  # the input is never modified
    assert sorted(p.name for p in d.iterdir()) == ["tiny.ipynb", "tiny.torch.ipynb"]
    assert "5 code cells, 5 ok, 0 failed; wrote tiny.torch.ipynb" in proc.stdout
    assert proc.stderr == ""


def test_run_output_notebook(ran):
    nb = nbformat.read(str(ran["dir"] / "tiny.torch.ipynb"), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3, 4, 5]  # the extension's cell is hidden
    assert code[0].outputs == []  # the notebook's own %load_ext: no "already loaded" message
    assert code[2].outputs[0]["data"]["text/plain"] == "tensor([3., 3.])"
    assert code[3].outputs[0]["text"] == "tensor([2., 2.])\n"
    assert code[4].outputs[0]["text"] == "module True\n"  # t and V bound by the extension
    assert all(c.metadata["autograd_compat"]["status"] == "ok" for c in code)
    assert nb.metadata["autograd_compat"]["backend"] == "torch"
    assert nb.metadata["autograd_compat"]["extension"].startswith("autograd_compat: torch backend")
    assert nb.cells[0].cell_type == "markdown"


def test_run_does_not_overwrite_without_force(ran):
    d = ran["dir"]
    before = _snapshot(d)
    proc = _cli("run", "tiny.ipynb", cwd=d)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "exists; pass --force" in proc.stderr
    assert _snapshot(d) == before


def _no_mxnet(d):
    """A directory that, first on PYTHONPATH, makes `import mxnet` fail as if not installed."""
    fake = d / "fake_site" / "mxnet"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no MXNet here (a test stub)')\n")
    return str(d / "fake_site")


def test_run_force_and_failing_cell_exit_1(tmp_path):
    before = _notebook(tmp_path / "nb.ipynb", ["print('a')", "1/0", "print('b')"])
    (tmp_path / "out.ipynb").write_text("old")
    # ...also where MXNet is not installed: the torch backend must not need it
    env = _env(PYTHONPATH=_no_mxnet(tmp_path))
    proc = _cli(
        "run", "nb.ipynb", "-o", "out.ipynb", "--force", "--backend", "torch", cwd=tmp_path, env=env
    )
    assert proc.returncode == 1, proc.stderr
    assert "cell 2: ZeroDivisionError" in proc.stdout
    nb = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    outs = [c.outputs for c in nb.cells if c.cell_type == "code"]
    assert outs[2][0]["text"] == "b\n"  # the run went on past the failing cell
    assert (tmp_path / "nb.ipynb").read_bytes() == before


# --- bad input: exit 2, one line on stderr, nothing written -----------------------------------


@pytest.fixture
def workdir(tmp_path):
    _notebook(tmp_path / "good.ipynb", ["print(1)"])
    (tmp_path / "notes.txt").write_text("not a notebook\n")
    (tmp_path / "data.ipynb").write_text('{"cells": 3}')
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    nbformat.write(nb, str(tmp_path / "r.ipynb"))
    _no_mxnet(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "args, env, words",
    [
        (["run", "missing.ipynb"], {}, "no such file"),
        (["compare", "missing.ipynb"], {}, "no such file"),
        (["run", "notes.txt"], {}, "not a Jupyter notebook"),
        (["compare", "data.ipynb"], {}, "not a Jupyter notebook"),
        (["run", "fake_site"], {}, "directory"),
        (["compare", "r.ipynb"], {}, "for the R kernel"),
        (["run", "good.ipynb", "--backend", "jax"], {}, "invalid choice: 'jax'"),
        (["run", "good.ipynb"], {"AUTOGRAD_COMPAT_BACKEND": "jax"}, "unknown backend 'jax'"),
        (["run", "good.ipynb", "--timeout", "-1"], {}, "must be > 0"),
        (["compare", "good.ipynb", "--rtol", "x"], {}, "expected a number"),
        (["run", "good.ipynb", "-o", "good.ipynb", "--force"], {}, "input notebook"),
        (["run", "good.ipynb", "-o", "nodir/out.ipynb"], {}, "does not exist"),
        (["compare", "good.ipynb", "--json", "good.ipynb", "--force"], {}, "input notebook"),
        (["compare", "good.ipynb", "--json", "r", "--html", "r"], {}, "same file"),
        (["run"], {}, "required: NOTEBOOK"),
        (["frobnicate"], {}, "invalid choice"),
        ([], {}, "required: COMMAND"),
        (["run", "good.ipynb", "--backend", "mxnet"], {"PYTHONPATH": "fake_site"}, "mxnet"),
        (["compare", "good.ipynb"], {"PYTHONPATH": "fake_site"}, "mxnet"),
    ],
)
def test_bad_input(workdir, args, env, words):
    before = _snapshot(workdir)
    if "PYTHONPATH" in env:
        env = {**env, "PYTHONPATH": str(workdir / env["PYTHONPATH"])}
    proc = _cli(*args, cwd=workdir, env=_env(**env))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert _snapshot(workdir) == before


def test_mxnet_missing_message_names_the_extra(workdir):
    env = _env(PYTHONPATH=str(workdir / "fake_site"))
    proc = _cli("run", "good.ipynb", "--backend", "mxnet", cwd=workdir, env=env)
    assert "pip install -e '.[mxnet]'" in proc.stderr


def test_help_and_console_script(tmp_path):
    proc = _cli("run", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "--force" in proc.stdout and "--timeout" in proc.stdout
    proc = _cli("compare", "--help", cwd=tmp_path)
    for opt in ("--html", "--json", "--rtol", "--atol", "--timeout"):
        assert opt in proc.stdout
    script = os.path.join(os.path.dirname(sys.executable), "autograd-compat")
    if not os.path.exists(script):
        pytest.fail(f"the console script {script} is not installed (pip install -e .)")
    proc = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("autograd-compat ")


def test_importing_the_cli_and_notebook_modules_is_cheap(tmp_path):
    code = (
        "import sys, autograd_compat.cli, autograd_compat.notebook, autograd_compat.ipython_ext\n"
        "print(sorted(m for m in ('torch', 'mxnet', 'nbclient', 'IPython') if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert proc.stdout.strip() == "[]", proc.stderr


def test_timeout_inf_means_no_timeout_and_bad_values_are_refused(ran, tmp_path):
    ok = ran["proc"]  # the module's run, with --timeout inf
    assert ok.returncode == 0, ok.stderr
    _notebook(tmp_path / "nb.ipynb", ["print('a')"])
    for bad in ("nan", "-1", "0", "soon"):
        proc = _cli("run", "nb.ipynb", "--timeout", bad, "--force", cwd=tmp_path)
        assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_read_only_output_folder_is_one_line_exit_2(tmp_path, monkeypatch, capsys):
    # As root every folder is writable, so the folder's answer is simulated: the check runs
    # before any kernel starts, and the error is one line with exit code 2.
    from autograd_compat import cli

    _notebook(tmp_path / "nb.ipynb", ["print('a')"])
    real_access = os.access
    monkeypatch.setattr(
        cli.os, "access", lambda p, m: False if str(p).endswith("ro") else real_access(p, m)
    )
    (tmp_path / "ro").mkdir()
    code = cli.main(["run", str(tmp_path / "nb.ipynb"), "-o", str(tmp_path / "ro" / "x.ipynb")])
    err = capsys.readouterr().err
    assert code == 2 and "not writable" in err and len(err.strip().splitlines()) == 1
