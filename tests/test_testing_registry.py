"""The divergence registry file format."""

from __future__ import annotations

import pytest

from autograd_compat.testing import DivergenceRegistry, RegistryFormatError

TEXT = """\
# header comment

tests/test_random.py::test_uniform[mxnet]   random streams differ between MXNet and torch
tests/test_x.py::test_p[a b]  ids with spaces inside brackets
tests/test_glob.py::*   every test of the file
"""


def test_parse_entries_reasons_and_lines():
    reg = DivergenceRegistry.parse(TEXT, "div.txt")
    assert len(reg) == 3
    first = reg.entries[0]
    assert first.pattern == "tests/test_random.py::test_uniform[mxnet]"
    assert first.reason == "random streams differ between MXNet and torch"
    assert first.location == "div.txt:3"
    assert reg.entries[1].pattern == "tests/test_x.py::test_p[a b]"


def test_match_is_exact_except_star():
    reg = DivergenceRegistry.parse(TEXT)
    assert reg.match("tests/test_random.py::test_uniform[mxnet]").line == 3
    assert reg.match("tests/test_random.py::test_uniform[torch]") is None
    assert reg.match("tests/test_random.py::test_uniform") is None
    assert reg.match("tests/test_x.py::test_p[a b]") is not None
    assert reg.match("tests/test_glob.py::test_anything[1]").line == 5
    # '[' and '?' are literal, not glob classes
    reg2 = DivergenceRegistry.parse("t.py::test_[ab]?  r")
    assert reg2.match("t.py::test_[ab]?") is not None
    assert reg2.match("t.py::test_a1") is None


@pytest.mark.parametrize(
    "line, message",
    [
        ("tests/t.py::test_a", r"x\.txt:1: entry 'tests/t.py::test_a' has no reason"),
        ("test_a  some reason", r"x\.txt:1: 'test_a' is not a pytest test id"),
    ],
)
def test_malformed_lines_name_file_and_line(line, message):
    with pytest.raises(RegistryFormatError, match=message):
        DivergenceRegistry.parse(line, "x.txt")


def test_load_and_the_project_registry_parses(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text(TEXT, encoding="utf-8")
    assert len(DivergenceRegistry.load(p)) == 3
    from pathlib import Path

    DivergenceRegistry.load(Path(__file__).parent / "divergences.txt")
    with pytest.raises(FileNotFoundError):
        DivergenceRegistry.load(tmp_path / "missing.txt")
