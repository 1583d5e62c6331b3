"""Shared checks of the misuse tables (tests/test_reliability_misuse_*.py)."""

from __future__ import annotations

import re

import pytest
from reliability_report import record


def check_message(exc: BaseException, pattern: str, case: str) -> None:
    """The error names the problem, and nothing internal is chained under it."""
    assert re.search(pattern, str(exc), re.I), f"{case}: message does not name it: {exc}"
    assert exc.__cause__ is None, f"{case}: chained from {exc.__cause__!r}"
    assert exc.__context__ is None or exc.__suppress_context__, (
        f"{case}: raised while handling {exc.__context__!r}"
    )


def params(table: dict, xfails: dict) -> list:
    """The cases of ``table`` as parameters, the ones named in ``xfails`` as strict xfails."""
    return [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=xfails[c]))
        if c in xfails
        else c
        for c in table
    ]


def record_figures(dialect: str, seen: set[str], tables: list[tuple[str, dict, dict]]) -> None:
    """Record, for docs/reliability.md, how many cases of each table passed."""
    for label, table, xfails in tables:
        record(
            "misuse",
            f"{dialect}: {label}: passed / listed (the rest are known bugs, xfail)",
            f"{len(seen & set(table))} / {len(table)} ({len(xfails)} xfail)",
        )
