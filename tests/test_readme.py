"""The README's promises: two set-up commands, the CI script runs the test one verbatim, and the
MXNet-on-PyTorch example prints what it says."""

from __future__ import annotations

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _read(*parts: str) -> str:
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as f:
        return f.read()


def _setup_commands() -> list[str]:
    readme = _read("README.md")
    section = readme.split("## Set up and run", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_exactly_two_setup_commands_each_making_its_own_venv():
    cmds = _setup_commands()
    assert len(cmds) == 2
    for cmd in cmds:
        assert "\n" not in cmd
        assert cmd.startswith("python3.11 -m venv .venv && .venv/bin/pip install")
    assert "autograd-compat compare docs/notebooks/autograd.ipynb" in cmds[0]
    assert cmds[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim():
    assert f'bash -c "{_setup_commands()[1]}"' in _read(".ci", "run")


def test_mxnet_on_torch_example_runs_as_documented():
    readme = _read("README.md")
    block = readme.split("## MXNet-style code on PyTorch", 1)[1].split("```python\n", 1)[1]
    code = block.split("```", 1)[0]
    printed = []
    exec(code, {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    assert printed == ["\n[0. 2. 4. 6.]\n<NDArray 4 @cpu(0)>"]  # what MXNet 1.9.1 prints


@pytest.mark.mxnet
def test_mxnet_on_torch_example_prints_what_mxnet_prints(mx):
    readme = _read("README.md")
    block = readme.split("## MXNet-style code on PyTorch", 1)[1].split("```python\n", 1)[1]
    code = block.split("```", 1)[0].replace(
        "from autograd_compat.mxnet import", "from mxnet import"
    )
    printed = []
    exec(code, {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    assert printed == ["\n[0. 2. 4. 6.]\n<NDArray 4 @cpu(0)>"]


def _python_block(after_heading: str) -> str:
    block = _read("README.md").split(after_heading, 1)[1].split("```python\n", 1)[1]
    return block.split("```", 1)[0]


def test_torch_on_mxnet_example_runs_as_documented(mx):
    printed = []
    prev = __import__("autograd_compat").get_backend()
    try:
        exec(
            _python_block("## PyTorch-style code on MXNet"),
            {"print": lambda *a: printed.append(" ".join(map(str, a)))},
        )
    finally:
        __import__("autograd_compat").set_backend(prev)
    assert printed == ["tensor([8.], grad_fn=<MulBackward0>)", "(tensor([2.]),)"]


def test_gluon_example_prints_mxnets_losses():
    printed = []
    exec(
        _python_block("## Gluon on PyTorch"),
        {"print": lambda *a: printed.append(" ".join(map(str, a)))},
    )
    assert printed == ["0 3.1788", "1 2.6595917", "2 2.1515198"]
