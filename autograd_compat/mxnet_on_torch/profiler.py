"""``mxnet.profiler`` on torch: accepted and ignored.

Note: nothing is profiled. Every function accepts MXNet's arguments and does nothing (``dumps``
returns an empty table; ``dump`` writes no file); ``set_state('run')`` warns once so a missing
profile is not a surprise. To profile the torch backend use ``torch.profiler.profile()``.
"""

from __future__ import annotations

import warnings
from typing import Any

__all__ = [
    "Counter",
    "Domain",
    "Event",
    "Frame",
    "Marker",
    "Task",
    "dump",
    "dump_profile",
    "dumps",
    "pause",
    "profiler_set_config",
    "profiler_set_state",
    "resume",
    "set_config",
    "set_kvstore_handle",
    "set_state",
]

_NOTE = (
    "mxnet.profiler is a no-op on autograd_compat's torch backend: no profile is recorded. "
    "Hint: use torch.profiler.profile() to profile the torch operations."
)
_state = {"warned": False, "config": {}}


def set_kvstore_handle(handle: Any) -> None:
    pass


def set_config(**kwargs: Any) -> None:
    """Accepts MXNet's profiler options (``profile_all``, ``filename``, ...); records nothing."""
    _state["config"] = dict(kwargs)


def profiler_set_config(mode: str = "symbolic", filename: str = "profile.json") -> None:
    set_config(profile_symbolic=mode in ("symbolic", "all"), filename=filename)


def set_state(state: str = "stop", profile_process: str = "worker") -> None:
    """``'run'``/``'stop'``; warns once on ``'run'`` that nothing is profiled."""
    if state not in ("run", "stop"):
        raise ValueError(f"invalid profiler state {state!r}; expected 'run' or 'stop'")
    if state == "run" and not _state["warned"]:
        _state["warned"] = True
        warnings.warn(_NOTE, UserWarning, stacklevel=2)


def profiler_set_state(state: str = "stop") -> None:
    set_state(state)


def dump(finished: bool = True, profile_process: str = "worker") -> None:
    """Writes nothing (there is no profile)."""


def dump_profile() -> None:
    dump(True)


def dumps(
    reset: bool = False, format: str = "table", sort_by: str = "total", ascending: bool = False
) -> str:  # noqa: A002,E501
    """An empty profile: ``''`` for ``format='table'``, ``'{}'`` for ``'json'``."""
    if format not in ("table", "json"):
        raise ValueError("format must be either 'table' or 'json'")
    return "{}" if format == "json" else ""


def pause(profile_process: str = "worker") -> None:
    pass


def resume(profile_process: str = "worker") -> None:
    pass


class Domain:
    """A profiling domain (no-op)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name

    def new_task(self, name: str) -> Task:
        return Task(self, name)

    def new_frame(self, name: str) -> Frame:
        return Frame(self, name)

    def new_counter(self, name: str, value: int | None = None) -> Counter:
        return Counter(self, name, value)

    def new_marker(self, name: str) -> Marker:
        return Marker(self, name)


class _Span:
    """A start/stop profiling object (no-op); also a context manager."""

    def __init__(self, domain: Domain | None, name: str) -> None:
        self.domain, self.name = domain, name

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def __enter__(self) -> _Span:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __str__(self) -> str:
        return self.name


class Task(_Span):
    """A task in a domain (no-op)."""


class Frame(_Span):
    """A frame in a domain (no-op)."""


class Event(_Span):
    """A named event (no-op)."""

    def __init__(self, name: str) -> None:
        super().__init__(None, name)


class Counter:
    """A named counter; keeps its value, records nothing."""

    def __init__(self, domain: Domain, name: str, value: int | None = None) -> None:
        self.domain, self.name, self.value = domain, name, value or 0

    def set_value(self, value: int) -> None:
        self.value = value

    def increment(self, delta: int = 1) -> None:
        self.value += delta

    def decrement(self, delta: int = 1) -> None:
        self.value -= delta

    def __iadd__(self, delta: int) -> Counter:
        self.increment(delta)
        return self

    def __isub__(self, delta: int) -> Counter:
        self.decrement(delta)
        return self

    def __str__(self) -> str:
        return self.name


class Marker:
    """An instant marker (no-op)."""

    def __init__(self, domain: Domain, name: str) -> None:
        self.domain, self.name = domain, name

    def mark(self, scope: str = "process") -> None:
        pass
