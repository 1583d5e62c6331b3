"""The pytest plugin, exercised with pytester (in-process runs of small test projects)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types

import pytest

pytest_plugins = ["pytester"]

BACKEND_TEST = """
    import autograd_compat

    def test_b(compat_backend):
        assert autograd_compat.get_backend() == compat_backend
"""


@pytest.fixture
def no_mxnet(monkeypatch):
    """Make MXNet look absent to the plugin (not installed, and not importable)."""
    from autograd_compat import _backend, pytest_plugin

    def fail():
        raise ImportError(_backend.MXNET_INSTALL_HINT + " (import failed: No module named 'mxnet')")

    monkeypatch.setattr(pytest_plugin, "_mxnet_installed", lambda: False)
    monkeypatch.setattr(_backend, "require_mxnet", fail)


def test_loading_the_plugin_imports_neither_torch_nor_mxnet():
    code = (
        "import sys, autograd_compat.pytest_plugin\n"
        "heavy = [m for m in ('torch', 'mxnet', 'numpy', 'hypothesis') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_plugin_is_registered_by_entry_point(pytester):
    pytester.makepyfile("def test_a(): pass")
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--compat-backend*", "*--compat-notebooks*"])


@pytest.fixture(autouse=True)
def _preload():
    # pytester's in-process runs drop the modules a run imported: frameworks first imported
    # inside a run would be imported a second time by the next one. Import them out here.
    import numpy  # noqa: F401
    import torch  # noqa: F401


def test_compat_backend_default_runs_every_backend(pytester, mx):
    pytester.makepyfile(BACKEND_TEST)
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(["*test_b?torch? PASSED*", "*test_b?mxnet? PASSED*"])
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "choice, ran",
    [("torch", "torch"), pytest.param("mxnet", "mxnet", marks=pytest.mark.mxnet)],
)
def test_compat_backend_option_selects(pytester, choice, ran, request):
    if choice == "mxnet":
        request.getfixturevalue("mx")  # imported out here: see _preload
    pytester.makepyfile(BACKEND_TEST)
    result = pytester.runpytest("-v", f"--compat-backend={choice}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*test_b?{ran}? PASSED*"])


def test_missing_mxnet_is_skipped_with_reason_by_default(pytester, no_mxnet):
    pytester.makepyfile(BACKEND_TEST)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*SKIPPED*MXNet is not installed*pip install -e '.?mxnet?'*"])


def test_missing_mxnet_fails_when_asked_for(pytester, no_mxnet):
    pytester.makepyfile(BACKEND_TEST)
    result = pytester.runpytest("--compat-backend=mxnet")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--compat-backend=mxnet was given but*"])
    assert "During handling" not in result.stdout.str()


def test_active_backend_is_restored_after_the_test(pytester, mx):
    pytester.makepyfile(
        BACKEND_TEST
        + """
    def test_after():
        assert autograd_compat.get_backend() == "torch"
    """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


# --- divergence registry -------------------------------------------------------------------

REGISTRY_TESTS = """
    def test_known_divergence():
        assert False, "streams differ"

    def test_stale_entry():
        pass

    def test_plain():
        pass
"""


def test_registry_marks_expected_failures_and_reports_unexpected_passes(pytester):
    pytester.makepyfile(test_r=REGISTRY_TESTS)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "divergences.txt").write_text(
        textwrap.dedent(
            """\
            # header
            test_r.py::test_known_divergence  random streams differ
            test_r.py::test_stale_entry  fixed since
            """
        )
    )
    result = pytester.runpytest("-rxX")
    result.assert_outcomes(passed=1, xfailed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_r.py::test_stale_entry is listed as a known divergence at "
            "tests/divergences.txt:3 (fixed since) but passed*remove the entry*",
            "*autograd_compat known divergences*",
            "test_r.py::test_known_divergence: expected failure*",
            "test_r.py::test_stale_entry: NOT an expected failure*",
            "XFAIL*test_known_divergence*known divergence (tests/divergences.txt:2): random str*",
        ]
    )


def test_registry_path_option_and_errors(pytester):
    pytester.makepyfile(test_r=REGISTRY_TESTS)
    (pytester.path / "mine.txt").write_text("test_r.py::test_known_divergence  why\n")
    pytester.runpytest("--compat-divergences=mine.txt").assert_outcomes(passed=2, xfailed=1)
    result = pytester.runpytest("--compat-divergences=missing.txt")
    result.stderr.fnmatch_lines(["*divergence registry*missing.txt*does not exist*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    (pytester.path / "bad.txt").write_text("test_r.py::test_plain\n")
    result = pytester.runpytest("--compat-divergences=bad.txt")
    result.stderr.fnmatch_lines(["*bad.txt:1: entry 'test_r.py::test_plain' has no reason*"])


def test_registry_ini_option(pytester):
    pytester.makepyfile(test_r=REGISTRY_TESTS)
    pytester.makeini("[pytest]\ncompat_divergences = conf/div.txt\n")
    pytester.mkdir("conf")
    (pytester.path / "conf" / "div.txt").write_text("test_r.py::test_known_*  why\n")
    pytester.runpytest().assert_outcomes(passed=2, xfailed=1)


def test_no_registry_file_changes_nothing(pytester):
    pytester.makepyfile(test_r=REGISTRY_TESTS)
    pytester.runpytest().assert_outcomes(passed=2, failed=1)


# --- notebooks -----------------------------------------------------------------------------


class FakeReport:
    def __init__(self, ok: bool):
        self.ok = ok
        self.cells = []

    def to_text(self, only_differences: bool = False) -> str:
        return f"cell 3 | torch: 1.0 | mxnet: 2.0 (only_differences={only_differences})"


@pytest.fixture
def fake_compare(monkeypatch):
    calls = []

    class NotebookRunError(RuntimeError):
        __module__ = "autograd_compat.notebook._kernel"

    def compare(path, **kwargs):
        calls.append((path, kwargs))
        if "broken" in path:
            raise NotebookRunError("kernel died")
        return FakeReport(ok="good" in path)

    mod = types.ModuleType("autograd_compat.notebook")
    mod.compare = compare
    monkeypatch.setitem(sys.modules, "autograd_compat.notebook", mod)
    import autograd_compat

    monkeypatch.setattr(autograd_compat, "notebook", mod, raising=False)
    return calls


def _notebooks(pytester):
    for name in ("good.ipynb", "bad.ipynb", ".ipynb_checkpoints/good-checkpoint.ipynb"):
        p = pytester.path / name
        p.parent.mkdir(exist_ok=True)
        p.write_text("{}")


def test_notebooks_collected_only_with_the_option(pytester, fake_compare):
    _notebooks(pytester)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert fake_compare == []


def test_notebooks_one_item_each_failing_with_the_difference_table(pytester, fake_compare):
    _notebooks(pytester)
    result = pytester.runpytest("--compat-notebooks", "--compat-notebook-rtol=0.01", "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*bad.ipynb::bad.ipynb FAILED*",
            "*bad.ipynb: outputs differ between the backends*",
            "cell 3 | torch: 1.0 | mxnet: 2.0 (only_differences=True)",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    assert [kw for _, kw in fake_compare] == [{"rtol": 0.01}, {"rtol": 0.01}]


def test_notebook_that_cannot_run_fails_with_the_reason_only(pytester, fake_compare):
    (pytester.path / "broken.ipynb").write_text("{}")
    result = pytester.runpytest("--compat-notebooks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["broken.ipynb: could not be compared: NotebookRunError: kernel died"]
    )
    assert "Traceback" not in result.stdout.str()


def test_notebooks_without_the_notebook_module_fail_clearly(pytester, monkeypatch):
    monkeypatch.setitem(sys.modules, "autograd_compat.notebook", None)  # import fails
    (pytester.path / "n.ipynb").write_text("{}")
    result = pytester.runpytest("--compat-notebooks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*--compat-notebooks needs autograd_compat.notebook*"])


@pytest.mark.mxnet
def test_notebooks_end_to_end_with_the_real_compare(pytester, mx):
    import importlib.util

    if importlib.util.find_spec("autograd_compat.notebook") is None:
        pytest.skip("autograd_compat.notebook (issue 4) is not in this tree yet")
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from autograd_compat.mxnet import autograd, nd\n"
            "x = nd.array([1.0, 2.0])\nx.attach_grad()\n"
            "with autograd.record():\n    y = (x * x).sum()\ny.backward()\n"
            "print(x.grad.asnumpy())"
        )
    ]
    nbformat.write(nb, str(pytester.path / "square.ipynb"))
    result = pytester.runpytest("--compat-notebooks", "--compat-notebook-timeout=120")
    result.assert_outcomes(passed=1)
