"""The divergence registry: known, documented differences between the backends.

File format (UTF-8 text, one entry per line)::

    # comments and blank lines are ignored
    <test id>  <reason>

* ``<test id>`` is a pytest node id as pytest prints it, relative to the rootdir, e.g.
  ``tests/test_random.py::test_uniform[mxnet]``. It ends at the first whitespace outside square
  brackets, so parametrize ids containing spaces work. ``*`` matches any run of characters
  (``tests/test_random.py::*``); every other character, ``[`` and ``?`` included, is literal.
* ``<reason>`` (required) says what differs and why, e.g. ``MXNet and torch random streams
  differ``. It is shown in the report of every test the entry matches.

A test matched by an entry is expected to fail: the pytest plugin marks it ``xfail(strict=True)``,
so it is reported as an expected failure, and a pass (the divergence is gone, or the entry is
stale) fails the run and names the entry to remove.

The default location is ``tests/divergences.txt`` under the pytest rootdir; the plugin option
``--compat-divergences=PATH`` or the ini option ``compat_divergences`` choose another file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["DEFAULT_DIVERGENCES", "Divergence", "DivergenceRegistry", "RegistryFormatError"]

DEFAULT_DIVERGENCES = os.path.join("tests", "divergences.txt")


class RegistryFormatError(ValueError):
    """A divergence registry line that cannot be read (the message names file and line)."""


@dataclass(frozen=True)
class Divergence:
    """One registry entry: a test-id pattern, the reason, and where it was written."""

    pattern: str
    reason: str
    path: str = "<string>"
    line: int = 0

    def matches(self, nodeid: str) -> bool:
        return _compile(self.pattern).fullmatch(nodeid) is not None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


_cache: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    rx = _cache.get(pattern)
    if rx is None:
        rx = _cache[pattern] = re.compile(".*".join(map(re.escape, pattern.split("*"))))
    return rx


def _split(line: str) -> tuple[str, str]:
    depth = 0
    for i, ch in enumerate(line):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch.isspace() and depth == 0:
            return line[:i], line[i:].strip()
    return line, ""


class DivergenceRegistry:
    """The entries of a divergence registry file (see the module docstring for the format)."""

    def __init__(self, entries: list[Divergence] | None = None):
        self.entries: list[Divergence] = list(entries or [])

    @classmethod
    def parse(cls, text: str, path: str = "<string>") -> DivergenceRegistry:
        """Read registry text; a malformed line raises :class:`RegistryFormatError`."""
        entries = []
        for n, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            pattern, reason = _split(line)
            if not reason:
                raise RegistryFormatError(
                    f"{path}:{n}: entry {pattern!r} has no reason; write "
                    "'<test id>  <why the backends differ>' (a reason is required)"
                )
            if "::" not in pattern and "*" not in pattern:
                raise RegistryFormatError(
                    f"{path}:{n}: {pattern!r} is not a pytest test id; write it as pytest "
                    "prints it, e.g. tests/test_x.py::test_name[param]"
                )
            entries.append(Divergence(pattern, reason, path, n))
        return cls(entries)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> DivergenceRegistry:
        """Read the registry file at ``path`` (``FileNotFoundError`` if it does not exist)."""
        with open(path, encoding="utf-8") as f:
            return cls.parse(f.read(), os.fspath(path))

    def match(self, nodeid: str) -> Divergence | None:
        """The first entry matching the test id ``nodeid``, or ``None``."""
        for entry in self.entries:
            if entry.matches(nodeid):
                return entry
        return None

    def __iter__(self) -> Iterator[Divergence]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
