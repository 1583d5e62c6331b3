"""``gluon.data.vision`` datasets (MXNet 1.9.1): MNIST, FashionMNIST, CIFAR10, CIFAR100 read from
their standard files under ``root`` (MNIST's idx ``.gz`` files, CIFAR's binary batches);
``ImageRecordDataset`` and ``ImageFolderDataset`` decode images with OpenCV, as MXNet does.

Files missing from ``root`` are downloaded from MXNet's repository (``MXNET_GLUON_REPO``) as
MXNet does; without network the error names the files and where to put them. Files already
present are used as they are (no checksum is required), so small or re-packed copies work.
"""

from __future__ import annotations

import gzip
import os
import struct
import tarfile
import warnings
from typing import Any

import numpy as np
import torch

from .... import image, recordio
from ....ndarray import wrap
from ....npx import is_np_array
from ...utils import download
from .. import dataset

__all__ = [
    "CIFAR10",
    "CIFAR100",
    "MNIST",
    "FashionMNIST",
    "ImageFolderDataset",
    "ImageRecordDataset",
]


def _data_dir() -> str:
    return os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


def _repo_file_url(namespace: str, filename: str) -> str:
    base = os.environ.get(
        "MXNET_GLUON_REPO", "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/"
    )
    if not base.endswith("/"):
        base += "/"
    return f"{base}{namespace}/{filename}"


def _array(data: np.ndarray) -> torch.Tensor:
    t = torch.tensor(data)  # a copy: the file's buffer is read-only
    return wrap(t) if is_np_array() else t


def _fetch(root: str, namespace: str, names: list[str], what: str) -> list[str]:
    """The paths of ``names`` under ``root``, downloading the missing ones."""
    paths = [os.path.join(root, n) for n in names]
    missing = [p for p in paths if not os.path.exists(p)]
    if not missing:
        return paths
    try:
        for p in missing:
            download(_repo_file_url(f"gluon/dataset/{namespace}", os.path.basename(p)), path=root)
    except Exception as exc:  # noqa: BLE001 - reported with what to do instead
        raise RuntimeError(
            f"{what}: the file(s) {', '.join(os.path.basename(p) for p in missing)} are not in "
            f"{root} and could not be downloaded ({exc}). Hint: place them in {root} (or pass "
            "root=<the directory holding them>)."
        ) from None
    return paths


class _DownloadedDataset(dataset.Dataset):
    """Base of the datasets read from files under ``root``: samples are ``(data, label)``,
    passed through ``transform(data, label)`` if given."""

    def __init__(self, root: str, transform: Any) -> None:
        super().__init__()
        self._transform = transform
        self._data: Any = None
        self._label: Any = None
        root = os.path.expanduser(root)
        self._root = root
        os.makedirs(root, exist_ok=True)
        self._get_data()

    def __getitem__(self, idx: int) -> Any:
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self) -> int:
        return len(self._label)

    def _get_data(self) -> None:
        raise NotImplementedError


class MNIST(_DownloadedDataset):
    """MNIST handwritten digits: ``(28, 28, 1)`` uint8 images and int32 labels, from
    ``train-images-idx3-ubyte.gz``/``train-labels-idx1-ubyte.gz`` (``train=True``) or
    ``t10k-images-idx3-ubyte.gz``/``t10k-labels-idx1-ubyte.gz`` under ``root``."""

    _namespace = "mnist"

    def __init__(
        self,
        root: str = os.path.join(_data_dir(), "datasets", "mnist"),
        train: bool = True,
        transform: Any = None,
    ) -> None:
        self._train = train
        super().__init__(root, transform)

    def _get_data(self) -> None:
        prefix = "train" if self._train else "t10k"
        names = [f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"]
        data_file, label_file = _fetch(self._root, self._namespace, names, type(self).__name__)
        with gzip.open(label_file, "rb") as fin:
            struct.unpack(">II", fin.read(8))
            label = np.frombuffer(fin.read(), dtype=np.uint8).astype(np.int32)
        with gzip.open(data_file, "rb") as fin:
            struct.unpack(">IIII", fin.read(16))
            data = np.frombuffer(fin.read(), dtype=np.uint8).reshape(len(label), 28, 28, 1)
        self._data = _array(data)
        # MXNet keeps the labels as numpy (np arrays under set_np): samples give numpy scalars.
        self._label = _array(label) if is_np_array() else label


class FashionMNIST(MNIST):
    """Fashion-MNIST, in MNIST's file format and layout."""

    _namespace = "fashion-mnist"

    def __init__(
        self,
        root: str = os.path.join(_data_dir(), "datasets", "fashion-mnist"),
        train: bool = True,
        transform: Any = None,
    ) -> None:
        super().__init__(root, train, transform)


class CIFAR10(_DownloadedDataset):
    """CIFAR-10: ``(32, 32, 3)`` uint8 images and int32 labels from the binary batches
    ``data_batch_1.bin`` ... ``data_batch_5.bin`` (``train=True``) or ``test_batch.bin``; missing
    batches are extracted from ``cifar-10-binary.tar.gz`` (downloaded if absent)."""

    _namespace = "cifar10"
    _archive = "cifar-10-binary.tar.gz"
    _train_files = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
    _test_files = ("test_batch.bin",)
    _label_bytes = 1

    def __init__(
        self,
        root: str = os.path.join(_data_dir(), "datasets", "cifar10"),
        train: bool = True,
        transform: Any = None,
    ) -> None:
        self._train = train
        super().__init__(root, transform)

    def _label_column(self) -> int:
        return 0

    def _read_batch(self, filename: str) -> tuple[np.ndarray, np.ndarray]:
        with open(filename, "rb") as fin:
            raw = np.frombuffer(fin.read(), dtype=np.uint8)
        data = raw.reshape(-1, 3072 + self._label_bytes)
        images = data[:, self._label_bytes :].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, data[:, self._label_column()].astype(np.int32)

    def _get_data(self) -> None:
        names = self._train_files if self._train else self._test_files
        paths = [os.path.join(self._root, n) for n in names]
        if any(not os.path.exists(p) for p in paths):
            (archive,) = _fetch(self._root, self._namespace, [self._archive], type(self).__name__)
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    if member.isfile() and os.path.basename(member.name) in names:
                        member.name = os.path.basename(member.name)
                        tar.extract(member, self._root, filter="data")
            still = [os.path.basename(p) for p in paths if not os.path.exists(p)]
            if still:
                raise RuntimeError(
                    f"{type(self).__name__}: {', '.join(still)} not found in {archive}. Hint: "
                    f"place the binary batches in {self._root}."
                )
        data, label = zip(*(self._read_batch(p) for p in paths), strict=True)
        self._data = _array(np.concatenate(data))
        lab = np.concatenate(label)
        self._label = _array(lab) if is_np_array() else lab


class CIFAR100(CIFAR10):
    """CIFAR-100 from ``train.bin``/``test.bin`` (``cifar-100-binary.tar.gz``): coarse labels, or
    the fine ones with ``fine_label=True``."""

    _namespace = "cifar100"
    _archive = "cifar-100-binary.tar.gz"
    _train_files = ("train.bin",)
    _test_files = ("test.bin",)
    _label_bytes = 2

    def __init__(
        self,
        root: str = os.path.join(_data_dir(), "datasets", "cifar100"),
        fine_label: bool = False,
        train: bool = True,
        transform: Any = None,
    ) -> None:
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _label_column(self) -> int:
        return int(self._fine_label)


class ImageRecordDataset(dataset.RecordFileDataset):
    """Images packed in a RecordIO file (``pack_img``): samples are ``(image, label)`` with the
    image decoded (``flag=1`` colour RGB, ``0`` gray)."""

    def __init__(self, filename: str, flag: int = 1, transform: Any = None) -> None:
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx: int) -> Any:
        record = super().__getitem__(idx)
        header, img = recordio.unpack(record)
        if self._transform is not None:
            return self._transform(image.imdecode(img, self._flag), header.label)
        return image.imdecode(img, self._flag), header.label


class ImageFolderDataset(dataset.Dataset):
    """Images in ``root/<class name>/*.{jpg,jpeg,png}``: labels are the class folders' indices
    in sorted order (``synsets``); ``items`` lists ``(path, label)``."""

    def __init__(self, root: str, flag: int = 1, transform: Any = None) -> None:
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = [".jpg", ".jpeg", ".png"]
        self._list_images(self._root)

    def _list_images(self, root: str) -> None:
        self.synsets: list[str] = []
        self.items: list[tuple[str, int]] = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(f"Ignoring {path}, which is not a directory.", stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(
                        f"Ignoring {filename} of type {ext}. Only support {', '.join(self._exts)}",
                        stacklevel=3,
                    )
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx: int) -> Any:
        img = image.imread(self.items[idx][0], self._flag)
        label = self.items[idx][1]
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self) -> int:
        return len(self.items)
