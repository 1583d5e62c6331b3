"""``mx.io`` data iterators (MXNet 1.9.1) on torch: ``DataDesc``, ``DataBatch``, ``DataIter``,
``NDArrayIter``, ``ResizeIter``, ``PrefetchingIter``. Batches hold legacy ``nd`` arrays (plain
tensors), as MXNet's iterators return NDArrays."""

from __future__ import annotations

import threading
from collections import namedtuple
from typing import Any

import numpy as np
import torch

from .utils import _getdata_by_idx, _init_data, _slice_along_batch_axis

__all__ = [
    "DataBatch",
    "DataDesc",
    "DataIter",
    "NDArrayIter",
    "PrefetchingIter",
    "ResizeIter",
]


def _np_dtype(dtype: Any) -> Any:
    """The numpy scalar type MXNet reports (``numpy.float32``) for a torch or numpy dtype."""
    if isinstance(dtype, torch.dtype):
        return np.dtype(str(dtype).replace("torch.", "")).type
    return dtype


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """A named shape with ``dtype`` and ``layout`` (the batch axis is the ``N`` in it)."""

    def __new__(cls, name: str, shape: Any, dtype: Any = np.float32, layout: str = "NCHW"):
        ret = super().__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self) -> str:
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"

    @staticmethod
    def get_batch_axis(layout: str | None) -> int:
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes: Any, types: Any) -> list[DataDesc]:
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: lists of ``data`` and ``label`` arrays, ``pad`` (padded samples at the end),
    ``index``, ``bucket_key``, ``provide_data``/``provide_label``."""

    def __init__(
        self,
        data: Any,
        label: Any = None,
        pad: int | None = None,
        index: Any = None,
        bucket_key: Any = None,
        provide_data: Any = None,
        provide_label: Any = None,
    ) -> None:
        if data is not None:
            assert isinstance(data, list | tuple), "Data must be list of NDArrays"
        if label is not None:
            assert isinstance(label, list | tuple), "Label must be list of NDArrays"
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self) -> str:
        data_shapes = [tuple(d.shape) for d in self.data]
        label_shapes = [tuple(lb.shape) for lb in self.label] if self.label else None
        return f"{type(self).__name__}: data shapes: {data_shapes} label shapes: {label_shapes}"


class DataIter:
    """Base iterator: ``next()`` builds a ``DataBatch`` from ``iter_next``/``getdata``/
    ``getlabel``/``getpad``/``getindex``."""

    def __init__(self, batch_size: int = 0) -> None:
        self.batch_size = batch_size

    def __iter__(self) -> DataIter:
        return self

    def reset(self) -> None:
        pass

    def next(self) -> DataBatch:
        if self.iter_next():
            return DataBatch(
                data=self.getdata(),
                label=self.getlabel(),
                pad=self.getpad(),
                index=self.getindex(),
            )
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> bool:
        pass

    def getdata(self) -> Any:
        pass

    def getlabel(self) -> Any:
        pass

    def getindex(self) -> Any:
        return None

    def getpad(self) -> Any:
        pass


class ResizeIter(DataIter):
    """``data_iter`` made ``size`` batches long per epoch (restarting it when it runs out)."""

    def __init__(self, data_iter: DataIter, size: int, reset_internal: bool = True) -> None:
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch: DataBatch | None = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self) -> Any:
        return self.current_batch.data

    def getlabel(self) -> Any:
        return self.current_batch.label

    def getindex(self) -> Any:
        return self.current_batch.index

    def getpad(self) -> Any:
        return self.current_batch.pad


class PrefetchingIter(DataIter):
    """Reads the next batch of each of ``iters`` in a background thread; their batches are
    joined (data and labels concatenated as lists), with optional renaming."""

    def __init__(self, iters: Any, rename_data: Any = None, rename_label: Any = None) -> None:
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        self.n_iter = len(iters)
        assert self.n_iter > 0
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.data_ready = [threading.Event() for _ in range(self.n_iter)]
        self.data_taken = [threading.Event() for _ in range(self.n_iter)]
        for e in self.data_taken:
            e.set()
        self.started = True
        self.current_batch: DataBatch | None = None
        self.next_batch: list[Any] = [None] * self.n_iter
        self.prefetch_threads = [
            threading.Thread(target=self._prefetch, args=(i,), daemon=True)
            for i in range(self.n_iter)
        ]
        for thread in self.prefetch_threads:
            thread.start()

    def _prefetch(self, i: int) -> None:
        while True:
            self.data_taken[i].wait()
            if not self.started:
                break
            try:
                self.next_batch[i] = self.iters[i].next()
            except StopIteration:
                self.next_batch[i] = None
            self.data_taken[i].clear()
            self.data_ready[i].set()

    def __del__(self) -> None:
        self.started = False
        for e in getattr(self, "data_taken", ()):
            e.set()
        for thread in getattr(self, "prefetch_threads", ()):
            thread.join()

    def _renamed(self, descs: list[Any], renames: Any) -> list[Any]:
        if renames is None:
            return sum(descs, [])
        return sum(
            [
                [
                    DataDesc(r[x.name], x.shape, x.dtype)
                    if isinstance(x, DataDesc)
                    else DataDesc(*x)
                    for x in d
                ]
                for r, d in zip(renames, descs, strict=False)
            ],
            [],
        )

    @property
    def provide_data(self) -> list[Any]:
        return self._renamed([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self) -> list[Any]:
        return self._renamed([i.provide_label for i in self.iters], self.rename_label)

    def reset(self) -> None:
        for e in self.data_ready:
            e.wait()
        for it in self.iters:
            it.reset()
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()

    def iter_next(self) -> bool:
        for e in self.data_ready:
            e.wait()
        if self.next_batch[0] is None:
            for b in self.next_batch:
                assert b is None, "Number of entry mismatches between iterators"
            return False
        for b in self.next_batch:
            assert b.pad == self.next_batch[0].pad, "Number of entry mismatches between iterators"
        self.current_batch = DataBatch(
            sum([b.data for b in self.next_batch], []),
            sum([b.label for b in self.next_batch], []),
            self.next_batch[0].pad,
            self.next_batch[0].index,
            provide_data=self.provide_data,
            provide_label=self.provide_label,
        )
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()
        return True

    def next(self) -> DataBatch:
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self) -> Any:
        return self.current_batch.data

    def getlabel(self) -> Any:
        return self.current_batch.label

    def getindex(self) -> Any:
        return self.current_batch.index

    def getpad(self) -> Any:
        return self.current_batch.pad


_LAST_BATCH_HANDLES = ("pad", "discard", "roll_over")


class NDArrayIter(DataIter):
    """Batches of in-memory arrays (``data``/``label``: an array, a list, or a dict name ->
    array; arrays sorted by name). ``last_batch_handle``: ``'pad'`` fills the last batch from
    the start (``getpad`` counts the filler), ``'discard'`` drops it, ``'roll_over'`` carries it
    into the next epoch. ``shuffle`` reorders with ``numpy.random`` at each reset, as MXNet."""

    def __init__(
        self,
        data: Any,
        label: Any = None,
        batch_size: int = 1,
        shuffle: bool = False,
        last_batch_handle: str = "pad",
        data_name: str = "data",
        label_name: str = "softmax_label",
        layout: str = "NCHW",
    ) -> None:
        super().__init__(batch_size)
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)
        self._cache_data: Any = None
        self._cache_label: Any = None
        self.layout = layout

    def _descs(self, source: list[tuple[str, torch.Tensor]]) -> list[DataDesc]:
        batch_axis = self.layout.find("N")
        return [
            DataDesc(
                k,
                (*v.shape[:batch_axis], self.batch_size, *v.shape[batch_axis + 1 :]),
                _np_dtype(v.dtype),
                layout=self.layout,
            )
            for k, v in source
        ]

    @property
    def provide_data(self) -> list[DataDesc]:
        return self._descs(self.data)

    @property
    def provide_label(self) -> list[DataDesc]:
        return self._descs(self.label)

    def hard_reset(self) -> None:
        """Back to the start, dropping any rolled-over data."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self) -> None:
        if self.shuffle:
            self._shuffle_data()
        if (
            self.last_batch_handle == "roll_over"
            and self.num_data - self.batch_size < self.cursor < self.num_data
        ):
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self) -> DataBatch:
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self.layout.find("N")] != self.batch_size:
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, data_source: list, start: int | None = None, end: int | None = None):
        assert start is not None or end is not None, "should at least specify start or end"
        start = start if start is not None else 0
        if end is None:
            end = data_source[0][1].shape[0] if data_source else 0
        s = slice(start, end)
        return [_slice_along_batch_axis(x[1], s, self.layout.find("N")) for x in data_source]

    def _concat(self, first: list, second: list) -> list:
        if (not first) or (not second):
            return first if first else second
        assert len(first) == len(second), "data source should contain the same size"
        axis = self.layout.find("N")
        return [torch.cat([a, b], dim=axis) for a, b in zip(first, second, strict=True)]

    def _tile(self, data: list, repeats: int) -> list:
        res = []
        for datum in data:
            reps = [1] * datum.dim()
            reps[0] = repeats
            res.append(datum.repeat(*reps))
        return res

    def _batchify(self, data_source: list) -> list:
        assert self.cursor < self.num_data, "DataIter needs reset."
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            assert self._cache_data is not None or self._cache_label is not None, (
                "next epoch should have cached data"
            )
            cache = self._cache_data if self._cache_data is not None else self._cache_label
            second = self._getdata(data_source, end=self.cursor + self.batch_size)
            if self._cache_data is not None:
                self._cache_data = None
            else:
                self._cache_label = None
            return self._concat(cache, second)
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            pad = self.batch_size - self.num_data + self.cursor
            first = self._getdata(data_source, start=self.cursor)
            if pad > self.num_data:
                repeats = pad // self.num_data
                second = self._tile(self._getdata(data_source, end=self.num_data), repeats)
                if pad % self.num_data != 0:
                    second = self._concat(
                        second, self._getdata(data_source, end=pad % self.num_data)
                    )
            else:
                second = self._getdata(data_source, end=pad)
            return self._concat(first, second)
        end_idx = min(self.cursor + self.batch_size, self.num_data)
        return self._getdata(data_source, self.cursor, end_idx)

    def getdata(self) -> list:
        return self._batchify(self.data)

    def getlabel(self) -> list:
        return self._batchify(self.label)

    def getpad(self) -> int:
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self) -> None:
        np.random.shuffle(self.idx)
        self.data = _getdata_by_idx(self.data, self.idx)
        self.label = _getdata_by_idx(self.label, self.idx)
