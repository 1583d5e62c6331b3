"""Per-worker sampling for data-parallel training: each worker reads its own equal part of a
dataset, as MXNet's distributed examples do with the ``SplitSampler`` they define in the script.

:class:`SplitSampler` is plain Python (no torch, no mxnet): it is an iterable of indices with a
length, which both the shim's and real MXNet's ``gluon.data.DataLoader(sampler=...)`` accept.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

__all__ = ["SplitSampler"]


def _env_int(*names: str, default: int) -> int:
    for name in names:
        value = os.environ.get(name)
        if value not in (None, ""):
            return int(value)
    return default


class SplitSampler:
    """The indices ``[part_len * part_index, part_len * (part_index + 1))`` of a dataset of
    ``length`` samples cut into ``num_parts`` parts of ``part_len = length // num_parts``.

    Every part has the same length (the last ``length % num_parts`` samples are never read), so
    every worker runs the same number of steps: a worker with one batch more than the others would
    wait forever in its extra gradient all-reduce.

    ``num_parts`` and ``part_index`` default to the launcher's ``WORLD_SIZE`` and ``RANK`` (set by
    ``torchrun`` and ``autograd-compat launch``), else 1 and 0; scripts usually pass
    ``kv.num_workers`` and ``kv.rank``. With ``shuffle`` (the default) each iteration yields the
    part in a new random order: from Python's global ``random`` module when ``seed`` is None (as
    MXNet's example script does), else from ``random.Random(seed + epoch)``, where the epoch counts
    the iterations (or is set by :meth:`set_epoch`), so a run is reproducible.
    """

    def __init__(
        self,
        length: int,
        num_parts: int | None = None,
        part_index: int | None = None,
        *,
        shuffle: bool = True,
        seed: int | None = None,
    ) -> None:
        if num_parts is None:
            num_parts = _env_int("WORLD_SIZE", default=1)
        if part_index is None:
            part_index = _env_int("RANK", default=0)
        if int(num_parts) < 1:
            raise ValueError(f"SplitSampler: num_parts must be >= 1, got {num_parts}")
        if not 0 <= int(part_index) < int(num_parts):
            raise ValueError(
                f"SplitSampler: part_index must be in [0, {num_parts}), got {part_index}"
            )
        if int(length) < int(num_parts):
            raise ValueError(
                f"SplitSampler: {length} samples cannot be split into {num_parts} non-empty parts"
            )
        self.num_parts = int(num_parts)
        self.part_index = int(part_index)
        self.part_len = int(length) // self.num_parts
        self.start = self.part_len * self.part_index
        self.end = self.start + self.part_len
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Use ``epoch`` for the next iteration's order (with a ``seed``)."""
        self.epoch = int(epoch)

    def __iter__(self) -> Iterator[int]:
        indices = list(range(self.start, self.end))
        if self.shuffle:
            if self.seed is None:
                random.shuffle(indices)
            else:
                random.Random(self.seed + self.epoch).shuffle(indices)
        self.epoch += 1
        return iter(indices)

    def __len__(self) -> int:
        return self.part_len

    def __repr__(self) -> str:
        return (
            f"SplitSampler(part {self.part_index} of {self.num_parts}: "
            f"[{self.start}, {self.end}), shuffle={self.shuffle}, seed={self.seed})"
        )
