"""The autograd_compat pytest plugin (entry point ``pytest11``, on once the package is installed).

* ``--compat-backend=torch|mxnet|all`` and the ``compat_backend`` fixture: a test using the
  fixture runs once per backend (default: every backend, MXNet skipped with the reason where it
  cannot be imported; asked for explicitly, a missing MXNet fails the test). While the test runs
  the fixture's backend is the active one (``autograd_compat.get_backend()``).
* The divergence registry (``tests/divergences.txt`` by default, ``--compat-divergences=PATH`` or
  the ini option ``compat_divergences``): listed tests are expected failures
  (``xfail(strict=True)``), and a listed test that passes fails, naming the entry.
* ``--compat-alias-mxnet`` (or ``AUTOGRAD_COMPAT_ALIAS_MXNET=1``): ``import mxnet`` in the tests
  and conftest files imports autograd_compat's MXNet dialect on torch (see
  :mod:`autograd_compat.alias`), so an MXNet test suite runs unchanged on torch.
* ``--compat-notebooks``: ``*.ipynb`` files are collected as test items, one per notebook, each
  running ``autograd_compat.notebook.compare`` and failing with the table of differing cells.

Loaded in every pytest run of an environment where the package is installed, so importing it
imports neither torch nor mxnet: those are imported by the tests that use them.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from typing import Any

import pytest

from . import _backend
from .testing.registry import DEFAULT_DIVERGENCES, DivergenceRegistry, RegistryFormatError

_REGISTRY_KEY = pytest.StashKey[DivergenceRegistry]()
_MATCHED_KEY = pytest.StashKey[dict[str, Any]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("autograd_compat", "autograd_compat equivalence testing")
    group.addoption(
        "--compat-backend",
        choices=("torch", "mxnet", "all"),
        default=None,
        help="backends the compat_backend fixture runs tests on (default: all; MXNet is "
        "skipped where it is not installed, unless asked for explicitly)",
    )
    group.addoption(
        "--compat-divergences",
        default=None,
        metavar="PATH",
        help=f"divergence registry file (default: {DEFAULT_DIVERGENCES} under the rootdir, "
        "if present)",
    )
    group.addoption(
        "--compat-notebooks",
        action="store_true",
        default=False,
        help="collect *.ipynb files and compare each notebook's outputs on both backends",
    )
    group.addoption(
        "--compat-alias-mxnet",
        action="store_true",
        default=False,
        help="serve `import mxnet` with autograd_compat's MXNet dialect on torch "
        "(also: AUTOGRAD_COMPAT_ALIAS_MXNET=1)",
    )
    group.addoption("--compat-notebook-rtol", type=float, default=None, help="notebook rtol")
    group.addoption("--compat-notebook-atol", type=float, default=None, help="notebook atol")
    group.addoption(
        "--compat-notebook-timeout", type=float, default=None, help="seconds per notebook cell"
    )
    parser.addini(
        "compat_divergences",
        f"divergence registry file, relative to the rootdir (default: {DEFAULT_DIVERGENCES})",
        default=None,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: Any, args: Any) -> None:
    # Before any conftest or test module is imported: they may `import mxnet` at the top.
    wanted = getattr(early_config.known_args_namespace, "compat_alias_mxnet", False)
    if wanted or os.environ.get("AUTOGRAD_COMPAT_ALIAS_MXNET", "") in ("1", "true", "yes"):
        from .alias import alias_mxnet

        alias_mxnet()


# --- backends ------------------------------------------------------------------------------


def _selected(config: pytest.Config) -> tuple[tuple[str, ...], bool]:
    """The backends to run on, and whether they were asked for explicitly."""
    choice = config.getoption("--compat-backend")
    if choice in (None, "all"):
        return _backend.BACKENDS, False
    return (choice,), True


def _mxnet_installed() -> bool:
    # find_spec locates the package without importing it; the real import happens in setup.
    try:
        return importlib.util.find_spec("mxnet") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["mxnet"] is None or has no spec
        return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "compat_backend" not in metafunc.fixturenames:
        return
    backends, explicit = _selected(metafunc.config)
    params = []
    for b in backends:
        marks = []
        if b == "mxnet" and not explicit and not _mxnet_installed():
            marks.append(pytest.mark.skip(reason=f"MXNet is not installed: {_MXNET_HINT}"))
        params.append(pytest.param(b, id=b, marks=marks))
    metafunc.parametrize("compat_backend", params, indirect=True)


_MXNET_HINT = _backend.MXNET_INSTALL_HINT


@pytest.fixture
def compat_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend this test runs on (``"torch"`` or ``"mxnet"``), made the active backend.

    Parametrised by the plugin over ``--compat-backend`` (default: every backend).
    """
    name = getattr(request, "param", None)
    if name is None:  # requested without parametrisation (e.g. by another fixture)
        name = _selected(request.config)[0][0]
    if name == "mxnet":
        missing = None
        try:
            _backend.require_mxnet()
        except ImportError as exc:
            missing = str(exc)
        if missing is not None:  # outside the except: the report shows no chained traceback
            if _selected(request.config)[1]:
                pytest.fail(f"--compat-backend=mxnet was given but {missing}", pytrace=False)
            pytest.skip(f"MXNet cannot be imported: {missing}")
    saved = _backend._active
    _backend._active = name
    try:
        yield name
    finally:
        _backend._active = saved


# --- divergence registry -------------------------------------------------------------------


def _registry_path(config: pytest.Config) -> tuple[str, bool]:
    given = config.getoption("--compat-divergences") or config.getini("compat_divergences")
    if given:
        return os.path.join(str(config.rootpath), os.fspath(given)), True
    return os.path.join(str(config.rootpath), DEFAULT_DIVERGENCES), False


def pytest_configure(config: pytest.Config) -> None:
    path, explicit = _registry_path(config)
    registry = DivergenceRegistry()
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                # Entries name their file relative to the rootdir in reports.
                registry = DivergenceRegistry.parse(
                    f.read(), os.path.relpath(path, config.rootpath)
                )
        except RegistryFormatError as exc:
            raise pytest.UsageError(f"autograd_compat divergence registry: {exc}") from None
    elif explicit:
        raise pytest.UsageError(
            f"autograd_compat divergence registry {path!r} does not exist "
            "(given by --compat-divergences or the compat_divergences ini option)"
        )
    config.stash[_REGISTRY_KEY] = registry
    config.stash[_MATCHED_KEY] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    registry = config.stash.get(_REGISTRY_KEY, None)
    if not registry:
        return
    matched = config.stash[_MATCHED_KEY]
    for item in items:
        entry = registry.match(item.nodeid)
        if entry is None:
            continue
        matched[item.nodeid] = entry
        item.add_marker(
            pytest.mark.xfail(
                reason=f"known divergence ({entry.location}): {entry.reason}", strict=True
            )
        )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    matched = item.config.stash.get(_MATCHED_KEY, {})
    entry = matched.get(item.nodeid)
    if entry is None or call.when != "call":
        return
    report = outcome.get_result()
    if report.failed and call.excinfo is None:
        # xfail(strict=True) turned a pass into a failure: say which registry line to remove.
        report.longrepr = (
            f"[XPASS(strict)] {item.nodeid} is listed as a known divergence at "
            f"{entry.location} ({entry.reason}) but passed: the backends now agree, remove "
            "the entry from the registry"
        )


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    matched = config.stash.get(_MATCHED_KEY, {})
    if not matched:
        return
    xfailed = {r.nodeid for r in terminalreporter.stats.get("xfailed", [])}
    tr = terminalreporter
    tr.write_sep("-", "autograd_compat known divergences")
    for nodeid, entry in matched.items():
        state = "expected failure" if nodeid in xfailed else "NOT an expected failure"
        tr.write_line(f"{nodeid}: {state} ({entry.location}: {entry.reason})")


# --- notebooks -----------------------------------------------------------------------------


def pytest_collect_file(file_path: Any, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".ipynb" or not parent.config.getoption("--compat-notebooks"):
        return None
    if ".ipynb_checkpoints" in file_path.parts:
        return None
    return NotebookFile.from_parent(parent, path=file_path)


class NotebookFile(pytest.File):
    """One ``.ipynb`` file: a single item comparing its run on both backends."""

    def collect(self) -> Iterator[pytest.Item]:
        yield NotebookItem.from_parent(self, name=self.path.name)


class NotebookDifference(Exception):
    """The notebook's outputs differ between the backends; carries the comparison report."""

    def __init__(self, report: Any):
        super().__init__("notebook outputs differ between the backends")
        self.report = report


class NotebookItem(pytest.Item):
    """Runs ``autograd_compat.notebook.compare`` on the notebook; fails with its diff table."""

    def runtest(self) -> None:
        try:
            from .notebook import compare
        except ImportError as exc:
            raise NotebookUnavailable(
                f"--compat-notebooks needs autograd_compat.notebook ({exc}); install the "
                "notebook extra: pip install 'autograd_compat[notebook]'"
            ) from exc
        opt = self.config.getoption
        kwargs = {
            k: v
            for k, v in (
                ("rtol", opt("--compat-notebook-rtol")),
                ("atol", opt("--compat-notebook-atol")),
                ("timeout", opt("--compat-notebook-timeout")),
            )
            if v is not None
        }
        report = compare(str(self.path), **kwargs)
        if not report.ok:
            raise NotebookDifference(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, NotebookDifference):
            text = excinfo.value.report.to_text(only_differences=True)
            return f"{self.path.name}: outputs differ between the backends\n{text}"
        if isinstance(excinfo.value, NotebookUnavailable):
            return str(excinfo.value)
        exc = excinfo.value
        if type(exc).__module__.startswith("autograd_compat.notebook"):
            # The notebook could not be run (kernel start, timeout): its message says why; the
            # traceback through the comparison machinery would not help.
            return f"{self.path.name}: could not be compared: {type(exc).__name__}: {exc}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"notebook {self.path.name}"


class NotebookUnavailable(Exception):
    """``autograd_compat.notebook`` (the notebook comparison) cannot be imported."""
