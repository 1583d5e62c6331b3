"""Hints for MXNet names the torch backend lacks name real torch functions, or none (issue 14)."""

from __future__ import annotations

import importlib
import re

import pytest

from autograd_compat.mxnet_on_torch._unsupported import UnsupportedError, _exists

MODULES = ["nd", "npx", "numpy", "numpy.linalg", "numpy.random", "random"]


@pytest.mark.parametrize("module", MODULES)
def test_every_hint_in_the_tables_exists_in_torch(module):
    mod = importlib.import_module(f"autograd_compat.mxnet_on_torch.{module}")
    table = getattr(mod, "_TORCH_EQUIVALENTS", {})
    for name, hint in table.items():
        for dotted in re.findall(r"\btorch(?:\.\w+)+", hint):
            assert _exists(dotted), f"{module}.{name}: hint names {dotted}, which torch lacks"


@pytest.mark.parametrize("module", MODULES)
def test_unknown_names_never_invent_a_torch_function(module):
    mod = importlib.import_module(f"autograd_compat.mxnet_on_torch.{module}")
    with pytest.raises(UnsupportedError) as info:
        mod.NoSuchOperatorXyz  # noqa: B018
    for dotted in re.findall(r"\btorch(?:\.\w+)+", str(info.value)):
        assert _exists(dotted), str(info.value)
    assert "NoSuchOperatorXyz" in str(info.value)
