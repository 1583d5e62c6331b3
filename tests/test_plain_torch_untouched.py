"""Plain torch behaves exactly as before with the MXNet dialect installed on torch.Tensor."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

import autograd_compat

HERE = os.path.dirname(os.path.abspath(__file__))


def _run(mode: str) -> dict[str, str]:
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "plain_torch_corpus.py"), mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def baseline():
    return _run("none")


@pytest.mark.parametrize("mode", ["install", "cycle"])
def test_corpus_prints_the_same(baseline, mode):
    got = _run(mode)
    assert set(got) == set(baseline)
    # The only program allowed to differ asks whether the added names exist.
    for name in baseline:
        if name == "dir_of_tensor_attrs":
            assert got[name] == "True True\n"
            continue
        assert got[name] == baseline[name], name


def test_uninstall_leaves_tensor_class_exactly_as_before():
    autograd_compat.uninstall()
    before = dict(torch.Tensor.__dict__)
    for _ in range(3):
        autograd_compat.install()
        assert "attach_grad" in torch.Tensor.__dict__
        autograd_compat.uninstall()
        assert dict(torch.Tensor.__dict__) == before
    autograd_compat.install()  # leave it installed for the other tests
