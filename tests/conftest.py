"""Shared test configuration.

* Tests that need real MXNet are marked ``@pytest.mark.mxnet`` (or use the ``mx`` fixture, which
  marks them). Where MXNet cannot be imported they FAIL, not skip, unless
  ``--allow-missing-mxnet`` is given: a run that silently skips the oracle must not pass.
* At the end of a run a summary of the MXNet-backed tests (passed/failed/skipped) is written to
  ``$AUTOGRAD_COMPAT_TEST_SUMMARY`` when that variable is set; ``.ci/run`` checks it against the
  expected minimum.
"""

from __future__ import annotations

import json
import os

import background
import pytest

_mxnet_counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0, "xpassed": 0}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--allow-missing-mxnet",
        action="store_true",
        help="skip (instead of fail) tests that need real MXNet when it is not installed",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis: a fast profile by default, `HYPOTHESIS_PROFILE=ci` for the long run.
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        pass
    else:
        common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
        settings.register_profile("default", max_examples=25, **common)
        settings.register_profile("ci", max_examples=500, **common)
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
    config.addinivalue_line("markers", "mxnet: the test runs real MXNet 1.9.1 (the oracle)")
    config.addinivalue_line("markers", "slow: the test takes more than a few seconds")
    config.addinivalue_line(
        "markers",
        "background(job, ...): start these subprocess jobs when the session starts "
        "(tests/background.py); the test collects and checks their results",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "mx" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("mxnet"):
            item.add_marker(pytest.mark.mxnet)
    # Modules whose tests wait for background jobs run last (each module whole, in its own order),
    # so the jobs have the whole in-process part of the run to finish on the other core.
    waiting = {item.path for item in items if item.get_closest_marker("background")}
    items.sort(key=lambda item: item.path in waiting)


def pytest_collection_finish(session: pytest.Session) -> None:
    # Start the selected tests' subprocess jobs now, in the order the tests will want them, so
    # they run on the core pytest leaves idle.
    if session.config.option.collectonly:
        return
    for item in session.items:
        for marker in item.iter_markers("background"):
            for job in marker.args:
                background.submit(job)


def pytest_unconfigure(config: pytest.Config) -> None:
    background.shutdown()


def _mxnet_import_error() -> str | None:
    try:
        import mxnet  # noqa: F401
    except ImportError as exc:
        return str(exc)
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("mxnet") is None:
        return
    err = _mxnet_import_error()
    if err is None:
        return
    if item.config.getoption("--allow-missing-mxnet"):
        pytest.skip(f"real MXNet is not installed ({err})")
    pytest.fail(
        "this test needs real MXNet 1.9.1 and it cannot be imported "
        f"({err}); install the extra (pip install -e '.[mxnet,test]') or pass "
        "--allow-missing-mxnet",
        pytrace=False,
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "mxnet" not in report.keywords:
        return
    # One count per test: its call phase, or the setup/teardown phase that failed or skipped it.
    if report.when != "call" and report.outcome == "passed":
        return
    if hasattr(report, "wasxfail"):
        _mxnet_counts["xfailed" if report.skipped else "xpassed"] += 1
    else:
        _mxnet_counts[report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = os.environ.get("AUTOGRAD_COMPAT_TEST_SUMMARY")
    if path and not hasattr(session.config, "workerinput"):
        with open(path, "w") as f:
            json.dump({"mxnet_tests": _mxnet_counts, "exitstatus": int(exitstatus)}, f)


@pytest.fixture(scope="session")
def mx():
    """Real MXNet (the oracle). Using this fixture marks the test ``mxnet``."""
    import mxnet

    return mxnet
