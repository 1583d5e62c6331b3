"""``gluon.data.DataLoader`` (MXNet 1.9.1) over torch's data machinery.

Batches come from a ``BatchSampler`` iterated in the calling process (so ``last_batch='rollover'``
carries over epochs as in MXNet) and are assembled by ``batchify_fn``. ``num_workers > 0`` runs
torch's own ``DataLoader`` worker processes (each worker receives lists of indices and returns a
batchified batch; tensors come back through torch's shared memory), ``thread_pool=True`` a pool of
threads instead. Batches are arrays of the active interface: what ``nd`` returns in legacy mode,
``mxnet.numpy`` arrays under ``npx.set_np()``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import torch
import torch.utils.data as tud

from ... import nd
from ...context import Context, cpu_pinned, with_context
from ..utils import as_frontend
from . import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn", "default_mp_batchify_fn"]


def default_batchify_fn(data: list[Any]) -> Any:
    """Stack samples into a batch: arrays are stacked, tuples batched field by field (a list of
    batches), anything else goes through ``numpy.asarray`` and keeps numpy's dtype."""
    if isinstance(data[0], torch.Tensor):
        return as_frontend(nd.stack(*data))
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data, strict=True)]
    # numpy samples (ArrayDataset over numpy arrays): one stack into a fresh array, which the
    # batch then owns (no second copy).
    arr = np.stack(data) if isinstance(data[0], np.ndarray) else np.asarray(data)
    if (arr.dtype.kind in "bif" or arr.dtype == np.uint8) and arr.dtype.isnative:
        return as_frontend(torch.from_numpy(np.ascontiguousarray(arr)))
    return as_frontend(nd.array(arr, dtype=arr.dtype))


# Worker processes share tensors through torch's shared memory; the same function serves.
default_mp_batchify_fn = default_batchify_fn


class _BatchDataset(tud.Dataset):
    """What torch's workers see: item ``indices`` is the batchified batch of those samples."""

    def __init__(self, dataset: Any, batchify_fn: Callable[[list[Any]], Any]) -> None:
        self.dataset = dataset
        self.batchify_fn = batchify_fn

    def __getitem__(self, indices: list[Any]) -> Any:
        return self.batchify_fn([self.dataset[i] for i in indices])

    def __len__(self) -> int:
        return len(self.dataset)


class _BatchesOf(tud.Sampler):
    """A Gluon batch sampler as a torch sampler whose items are index lists."""

    def __init__(self, batch_sampler: Any) -> None:
        self.batch_sampler = batch_sampler

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self.batch_sampler)

    def __len__(self) -> int:
        return len(self.batch_sampler)


def _identity(batch: Any) -> Any:
    return batch


def _interface_of(batch: Any) -> Any:
    # Worker processes forked before ``npx.set_np()`` still batchify in legacy mode: re-type here.
    return as_frontend(batch)


class DataLoader:
    """Mini-batches of ``dataset`` (MXNet 1.9.1's arguments; ``try_nopython`` is accepted and
    ignored, as on MXNet without its C++ data pipeline)."""

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = None,
        shuffle: bool = False,
        sampler: Any = None,
        last_batch: str | None = None,
        batch_sampler: Any = None,
        batchify_fn: Callable[[list[Any]], Any] | None = None,
        num_workers: int = 0,
        pin_memory: bool = False,
        pin_device_id: int = 0,
        prefetch: int | None = None,
        thread_pool: bool = False,
        timeout: int = 120,
        auto_reload: bool = False,
        try_nopython: Any = None,
    ) -> None:
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        assert timeout > 0, f"timeout must be positive, given {timeout}"
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                if shuffle:
                    sampler = _sampler.RandomSampler(len(dataset))
                else:
                    sampler = _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch or "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError(
                "batch_size, shuffle, sampler and last_batch must "
                "not be specified if batch_sampler is specified."
            )
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn
        self._torch_loader: tud.DataLoader | None = None
        if self._num_workers > 0 and not thread_pool:
            self._torch_loader = tud.DataLoader(
                _BatchDataset(dataset, self._batchify_fn),
                batch_size=None,
                sampler=_BatchesOf(batch_sampler),
                num_workers=self._num_workers,
                collate_fn=_identity,
                pin_memory=bool(pin_memory) and torch.cuda.is_available(),
                timeout=timeout,
                prefetch_factor=max(1, math.ceil(self._prefetch / self._num_workers)),
            )
        self.auto_reload = auto_reload
        self._iter: Iterator[Any] | None = None
        if auto_reload:
            self.refresh()

    def __iter__(self) -> Iterator[Any]:
        if self._iter is None:
            self.refresh()
        it, self._iter = self._iter, None
        yield from it
        if self._iter is None and self.auto_reload:
            self.refresh()

    def _same_process_iter(self) -> Iterator[Any]:
        for batch in self._batch_sampler:
            yield self._pin(self._batchify_fn([self._dataset[idx] for idx in batch]))

    def _thread_iter(self) -> Iterator[Any]:
        def work(indices: list[Any]) -> Any:
            return self._batchify_fn([self._dataset[i] for i in indices])

        with ThreadPoolExecutor(self._num_workers) as pool:
            pending: deque = deque()
            window = max(1, self._prefetch)
            for indices in self._batch_sampler:
                pending.append(pool.submit(work, indices))
                if len(pending) > window:
                    yield self._pin(pending.popleft().result(timeout=self._timeout))
            while pending:
                yield self._pin(pending.popleft().result(timeout=self._timeout))

    def _worker_iter(self) -> Iterator[Any]:
        assert self._torch_loader is not None
        for batch in self._torch_loader:
            yield self._pin(_interface_of(batch))

    def _pin(self, batch: Any) -> Any:
        # MXNet's cpu_pinned context: the arrays say so (x.context == cpu_pinned(id)); the memory
        # is page-locked only where torch can do it (with CUDA).
        if self._pin_memory:
            return _pin_all(batch, cpu_pinned(self._pin_device_id), torch.cuda.is_available())
        # Batches made by workers (processes or threads) come in MXNet's shared memory.
        return _pin_all(batch, _CPU_SHARED, False) if self._num_workers else batch

    def __len__(self) -> int:
        return len(self._batch_sampler)

    def refresh(self) -> None:
        """Start a new pass over the data (the next ``iter`` uses it)."""
        if self._num_workers == 0:
            self._iter = self._same_process_iter()
        elif self._thread_pool:
            self._iter = self._thread_iter()
        else:
            self._iter = self._worker_iter()

    def clean(self) -> None:
        """Drop the prepared pass."""
        self._iter = None


_CPU_SHARED = Context("cpu_shared", 0)


def _pin_all(batch: Any, ctx: Any, lock: bool) -> Any:
    if isinstance(batch, torch.Tensor):
        if lock and not batch.is_pinned():
            batch = as_frontend(batch.pin_memory())
        return with_context(batch, ctx)
    if isinstance(batch, list | tuple):
        return [_pin_all(b, ctx, lock) for b in batch]
    return batch
