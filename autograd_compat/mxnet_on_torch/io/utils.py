"""Helpers of ``mx.io`` (MXNet 1.9.1): normalising iterator inputs to sorted ``(name, array)``
lists, reordering them, and slicing batches."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
import torch

from .. import nd


def _init_data(data: Any, allow_empty: bool, default_name: str) -> list[tuple[str, torch.Tensor]]:
    """``data`` (an array, a list of arrays, or a dict name -> array) as a list of
    ``(name, tensor)`` sorted by name; unnamed arrays are ``default_name`` or
    ``_<i>_<default_name>``. Non-tensor arrays go through ``nd.array`` (float32, as MXNet)."""
    assert (data is not None) or allow_empty
    if data is None:
        data = []
    if isinstance(data, np.ndarray | torch.Tensor):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([(f"_{i}_{default_name}", d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError(
            "Input must be NDArray, numpy.ndarray, h5py.Dataset "
            "a list of them or dict with them as values"
        )
    out = {}
    for k, v in data.items():
        if isinstance(v, torch.Tensor):
            out[k] = v.detach()
            continue
        try:
            out[k] = nd.array(v)
        except Exception:  # noqa: BLE001 - reported as MXNet reports it
            raise TypeError(
                f"Invalid type '{type(v)}' for {k}, should be NDArray, numpy.ndarray or "
                "h5py.Dataset"
            ) from None
    return sorted(out.items())


def _getdata_by_idx(data: list[tuple[str, torch.Tensor]], idx: np.ndarray) -> list:
    """Each array reordered by ``idx`` (a copy)."""
    index = torch.as_tensor(np.asarray(idx, dtype=np.int64))
    return [(k, v.index_select(0, index.to(v.device))) for k, v in data]


def _slice_along_batch_axis(data: torch.Tensor, s: slice, batch_axis: int) -> torch.Tensor:
    """A copy of ``data[s]`` along ``batch_axis``."""
    return data.narrow(batch_axis, s.start, s.stop - s.start).clone()
