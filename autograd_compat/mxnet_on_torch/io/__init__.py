"""``mx.io`` (MXNet 1.9.1) on torch: the Python data iterators. MXNet's C++ iterators
(``ImageRecordIter``, ``MNISTIter``, ``CSVIter``, ...) are not provided: use
``gluon.data.DataLoader`` with ``gluon.data.vision`` datasets instead."""

from __future__ import annotations

from typing import Any

from .._unsupported import UnsupportedError
from . import utils
from .io import DataBatch, DataDesc, DataIter, NDArrayIter, PrefetchingIter, ResizeIter

__all__ = [
    "DataBatch",
    "DataDesc",
    "DataIter",
    "NDArrayIter",
    "PrefetchingIter",
    "ResizeIter",
    "utils",
]

_CPP_ITERS = {
    "ImageRecordIter": "gluon.data.vision.ImageRecordDataset with a DataLoader",
    "ImageRecordUInt8Iter": "gluon.data.vision.ImageRecordDataset with a DataLoader",
    "ImageRecordInt8Iter": "gluon.data.vision.ImageRecordDataset with a DataLoader",
    "ImageDetRecordIter": "gluon.data.vision.ImageRecordDataset with a DataLoader",
    "MNISTIter": "gluon.data.vision.MNIST with a DataLoader",
    "CSVIter": "numpy.loadtxt and NDArrayIter",
    "LibSVMIter": "NDArrayIter on arrays read with another library",
    "MXDataIter": "NDArrayIter or gluon.data.DataLoader",
}


def __getattr__(name: str) -> Any:
    if name in _CPP_ITERS:
        raise UnsupportedError(
            f"mx.io.{name} (an MXNet C++ iterator) is not supported on the torch backend. "
            f"Hint: use {_CPP_ITERS[name]}."
        )
    raise AttributeError(f"module 'mxnet.io' has no attribute {name!r}")
