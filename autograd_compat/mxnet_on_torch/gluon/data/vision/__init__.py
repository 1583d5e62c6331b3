"""``gluon.data.vision`` (MXNet 1.9.1): MNIST, Fashion-MNIST, CIFAR, image folders and image
RecordIO files as datasets, and the image ``transforms``."""

from __future__ import annotations

from . import transforms
from .datasets import (
    CIFAR10,
    CIFAR100,
    MNIST,
    FashionMNIST,
    ImageFolderDataset,
    ImageRecordDataset,
)

__all__ = [
    "CIFAR10",
    "CIFAR100",
    "MNIST",
    "FashionMNIST",
    "ImageFolderDataset",
    "ImageRecordDataset",
    "transforms",
]
