"""Timing core shared by every case: interleaved variants, warm-up, medians of per-pair ratios.

Nothing here imports torch or mxnet; the cases do, after ``run.py`` has pinned the threads.
"""

from __future__ import annotations

import gc
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class NotAvailable(Exception):  # noqa: N818 - reads better at the raise site
    """A case (or one variant) cannot run here: its module is missing or broken."""


@dataclass
class Config:
    """What every case gets: sizes are scaled down by ``quick`` (the smoke test's mode)."""

    quick: bool = False
    reps: int = 25
    warmup: int = 3
    threads: int = 1

    def pick(self, full: Any, quick: Any) -> Any:
        return quick if self.quick else full


@dataclass
class Variant:
    """One way of running the computation; ``sample()`` runs it once and is what gets timed."""

    name: str
    sample: Callable[[], Any]
    note: str = ""
    # Runs untimed before every sample (e.g. installing or removing the shim for this variant).
    before: Callable[[], Any] | None = None
    # Operations per sample when it differs from the case's ``per_count``: times and ratios are
    # then compared per operation.
    count: int | None = None


@dataclass
class Row:
    """One line of the results table."""

    variant: str
    median_s: float | None
    per: str = "sample"  # what one timed sample is, e.g. "5 steps", "1 assignment"
    per_count: int = 1  # operations per sample (median_s / per_count is the per-op time)
    ratio: float | None = None  # median over repetitions of (this variant / baseline)
    ratio_min: float | None = None
    ratio_max: float | None = None
    # The same from process CPU time (all threads): on a shared machine it does not count the
    # time this process waited for a core, so it is steadier than wall time when others run.
    cpu_median_s: float | None = None
    cpu_ratio: float | None = None
    baseline: str | None = None
    goal: float | None = None  # goal for `ratio`, when the issue sets one
    goal_time_s: float | None = None  # goal for the time of one op, when the issue sets one
    status: str = "ok"  # ok | not available | error
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        if self.median_s is None:
            return None
        checks = []
        if self.goal is not None and self.ratio is not None:
            checks.append(self.ratio <= self.goal)
        if self.goal_time_s is not None:
            checks.append(self.median_s / self.per_count <= self.goal_time_s)
        return all(checks) if checks else None


def _cpu() -> float:
    # This process's CPU time plus that of its finished children (case 7 times subprocesses).
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + ru.ru_utime + ru.ru_stime


def _time_once(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall, process CPU) seconds of one call of ``fn``."""
    # As timeit does: no cyclic GC inside the timed region (collected before each sample
    # instead), so a collection triggered by one variant is not billed to another. The heap that
    # existed before the timing is frozen (see `interleave`): this walks only young objects.
    gc.collect()
    gc.disable()
    try:
        c0, t0 = _cpu(), time.perf_counter()
        fn()
        t1, c1 = time.perf_counter(), _cpu()
        return t1 - t0, c1 - c0
    finally:
        gc.enable()


def _repetitions(
    variants: list[Variant], reps: int, per_count: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds of every sample, per variant, in an order rotated per repetition."""
    times: dict[str, list[float]] = {v.name: [] for v in variants}
    cpu: dict[str, list[float]] = {v.name: [] for v in variants}
    n = len(variants)
    for r in range(reps):
        for k in range(n):
            v = variants[(r + k) % n]
            if v.before is not None:
                v.before()
            wall, used = _time_once(v.sample)
            scale = per_count / v.count if v.count else 1.0  # to the case's per_count
            times[v.name].append(wall * scale)
            cpu[v.name].append(used * scale)
    return times, cpu


def interleave(
    variants: list[Variant],
    cfg: Config,
    baseline: str,
    *,
    goals: dict[str, float] | None = None,
    goal_times: dict[str, float] | None = None,
    per: str = "sample",
    per_count: int = 1,
    reps: int | None = None,
) -> list[Row]:
    """Time ``variants`` interleaved (A B C, B C A, C A B, ...) after a warm-up.

    Each repetition times every variant once, in an order rotated per repetition so no variant
    always runs right after another. Returned per variant: the median time of one sample and the
    median over repetitions of the ratio to ``baseline`` measured in the same repetition (the
    per-pair ratio, which cancels most of the drift of a shared machine).
    """
    goals = goals or {}
    reps = cfg.reps if reps is None else reps
    names = [v.name for v in variants]
    if baseline not in names:
        raise ValueError(f"baseline {baseline!r} is not one of {names}")
    for _ in range(cfg.warmup):
        for v in variants:
            if v.before is not None:
                v.before()
            v.sample()
    # With torch, MXNet and the shim loaded, a full collection walks 200,000-300,000 objects
    # (1-3 s on a loaded 2-core machine) before every sample. What exists after the warm-up
    # (modules, models, data) lives through the timing, so it is frozen out of the collector's
    # reach: the collection before each sample then walks only what the samples left.
    gc.collect()
    gc.freeze()
    try:
        times, cpu = _repetitions(variants, reps, per_count)
    finally:
        gc.unfreeze()  # for in-process runs: the next case's heap is not frozen by this one
    rows = []
    base, cpu_base = times[baseline], cpu[baseline]
    for v in variants:
        ts = times[v.name]
        ratios = [a / b for a, b in zip(ts, base)]
        cpu_ratios = [a / b for a, b in zip(cpu[v.name], cpu_base) if b > 0]
        rows.append(
            Row(
                variant=v.name,
                median_s=statistics.median(ts),
                per=per,
                per_count=per_count,
                ratio=statistics.median(ratios),
                ratio_min=min(ratios),
                ratio_max=max(ratios),
                cpu_median_s=statistics.median(cpu[v.name]),
                cpu_ratio=statistics.median(cpu_ratios) if cpu_ratios else None,
                baseline=baseline,
                goal=goals.get(v.name),
                goal_time_s=(goal_times or {}).get(v.name),
                note=v.note,
            )
        )
    return rows


def unavailable(variant: str, reason: str, goal: float | None = None) -> Row:
    return Row(variant=variant, median_s=None, goal=goal, status="not available", note=reason)


def try_import(what: str, importer: Callable[[], Any]) -> Any:
    """Run ``importer``; turn any failure into :class:`NotAvailable` naming ``what``."""
    try:
        return importer()
    except Exception as exc:  # a half-written module can fail in any way
        raise NotAvailable(f"{what}: {type(exc).__name__}: {exc}".splitlines()[0][:300]) from exc


def build(factories: dict[str, Callable[[], Variant]]) -> tuple[list[Variant], list[Row]]:
    """Call each variant factory; a factory that raises becomes a "not available" row."""
    variants, missing = [], []
    for name, factory in factories.items():
        try:
            variants.append(factory())
        except Exception as exc:
            reason = str(exc) if isinstance(exc, NotAvailable) else f"{type(exc).__name__}: {exc}"
            missing.append(unavailable(name, reason.splitlines()[0][:300] if reason else ""))
    return variants, missing
