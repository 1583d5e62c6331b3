"""``autograd_compat.distributed.SplitSampler``: equal, disjoint parts per worker, reproducible
shuffling, the launcher's RANK/WORLD_SIZE as defaults, and the same batches from the shim's and
real MXNet's ``gluon.data.DataLoader``."""

from __future__ import annotations

import numpy as np
import pytest

from autograd_compat import namespace
from autograd_compat.distributed import SplitSampler


def test_parts_are_equal_disjoint_and_drop_the_remainder() -> None:
    parts = [SplitSampler(103, 4, i, shuffle=False) for i in range(4)]
    assert [len(p) for p in parts] == [25] * 4
    assert [list(p) for p in parts] == [list(range(25 * i, 25 * (i + 1))) for i in range(4)]
    shuffled = [sorted(SplitSampler(103, 4, i)) for i in range(4)]
    assert sum(shuffled, []) == list(range(100))


def test_a_seed_makes_every_epoch_reproducible() -> None:
    a, b = SplitSampler(50, 2, 1, seed=7), SplitSampler(50, 2, 1, seed=7)
    first, second = list(a), list(a)
    assert first == list(b) and second == list(b)
    assert first != second and sorted(first) == sorted(second) == list(range(25, 50))
    a.set_epoch(0)
    assert list(a) == first


def test_defaults_come_from_the_launcher(monkeypatch) -> None:
    monkeypatch.setenv("WORLD_SIZE", "3")
    monkeypatch.setenv("RANK", "2")
    s = SplitSampler(10, shuffle=False)
    assert (s.num_parts, s.part_index, list(s)) == (3, 2, [6, 7, 8])
    monkeypatch.delenv("WORLD_SIZE")
    monkeypatch.delenv("RANK")
    assert list(SplitSampler(4, shuffle=False)) == [0, 1, 2, 3]
    assert "part 2 of 3" in repr(s)


@pytest.mark.parametrize(
    "args, message",
    [
        ((10, 0, 0), "num_parts"),
        ((10, 2, 2), "part_index"),
        ((10, 2, -1), "part_index"),
        ((1, 2, 0), "cannot be split"),
    ],
)
def test_bad_arguments(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        SplitSampler(*args)


def _batches(mxnet, X: np.ndarray, sampler: SplitSampler) -> list[np.ndarray]:
    loader = mxnet.gluon.data.DataLoader(
        mxnet.gluon.data.ArrayDataset(X), batch_size=4, sampler=sampler, last_batch="keep"
    )
    return [b.asnumpy() for b in loader]


def test_the_shims_and_real_mxnets_dataloaders_read_the_same_batches(mx) -> None:
    shim = namespace("mxnet", "torch")
    X = np.arange(60, dtype=np.float32).reshape(30, 2)
    for part in (0, 1):
        ours = _batches(shim, X, SplitSampler(len(X), 2, part, seed=3))
        theirs = _batches(mx, X, SplitSampler(len(X), 2, part, seed=3))
        assert len(ours) == len(theirs) == 4  # 15 samples: 4 + 4 + 4 + 3
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)
        rows = np.concatenate(ours)[:, 0] // 2
        assert sorted(rows.tolist()) == list(range(15 * part, 15 * (part + 1)))
