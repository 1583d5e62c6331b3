"""``mxnet.runtime`` on torch: ``Features()`` says what this emulation provides.

MXNet lists the features its library was compiled with; here each feature answers what the torch
backend emulates: ``CUDA``/``CUDNN``/``NCCL`` follow torch's build and devices, ``OPENMP``,
``LAPACK``, ``BLAS_*`` and ``MKLDNN`` follow torch's backends, ``CPU_*`` follow the CPU capability
torch detected, and what has no emulation (``TVM_OP``, ``TENSORRT``, ``CAFFE``, ``DIST_KVSTORE``,
``PROFILER``, ``INT64_TENSOR_SIZE`` ...) is off. ``OPENCV`` says whether ``cv2`` is importable
(``mxnet.image`` needs it).
"""

from __future__ import annotations

import collections
import importlib.util
from typing import Any

import torch

__all__ = ["Feature", "Features", "feature_list"]

# MXNet 1.9.1's feature names, in its order.
_NAMES = (
    "CUDA CUDNN NCCL CUDA_RTC TENSORRT CPU_SSE CPU_SSE2 CPU_SSE3 CPU_SSE4_1 CPU_SSE4_2 CPU_SSE4A "
    "CPU_AVX CPU_AVX2 OPENMP SSE F16C JEMALLOC BLAS_OPEN BLAS_ATLAS BLAS_MKL BLAS_APPLE LAPACK "
    "MKLDNN OPENCV CAFFE PROFILER DIST_KVSTORE CXX14 INT64_TENSOR_SIZE SIGNAL_HANDLER DEBUG TVM_OP"
).split()


class Feature:
    """A feature and whether it is available: ``name``, ``enabled``."""

    def __init__(self, name: str, enabled: bool) -> None:
        self._name, self._enabled = name, bool(enabled)

    @property
    def name(self) -> str:
        return self._name

    @property
    def enabled(self) -> bool:
        return self._enabled

    def __repr__(self) -> str:
        return f"{'✔' if self.enabled else '✖'} {self.name}"


def _enabled() -> dict[str, bool]:
    cpu = torch.backends.cpu.get_cpu_capability()  # "DEFAULT", "AVX2", "AVX512", ...
    x86 = cpu != "DEFAULT" or torch.backends.mkldnn.is_available()
    config = torch.__config__.show()
    return {
        "CUDA": torch.cuda.is_available(),
        "CUDNN": torch.backends.cudnn.is_available() and torch.cuda.is_available(),
        "NCCL": torch.cuda.is_available() and torch.distributed.is_nccl_available(),
        "CPU_SSE": x86,
        "CPU_SSE2": x86,
        "CPU_SSE3": x86,
        "CPU_SSE4_1": x86,
        "CPU_SSE4_2": x86,
        "CPU_AVX": cpu.startswith("AVX"),
        "CPU_AVX2": cpu.startswith("AVX"),
        "F16C": cpu.startswith("AVX"),
        "OPENMP": torch.backends.openmp.is_available(),
        "BLAS_OPEN": "OpenBLAS" in config or "BLAS_INFO=open" in config,
        "BLAS_MKL": torch.backends.mkl.is_available(),
        "LAPACK": torch.backends.mkldnn.is_available() or "LAPACK" in config,
        "MKLDNN": torch.backends.mkldnn.is_available(),
        "OPENCV": importlib.util.find_spec("cv2") is not None,
        "CXX14": True,
        "INT64_TENSOR_SIZE": True,
        "SIGNAL_HANDLER": True,
    }


def feature_list() -> list[Feature]:
    """Every feature MXNet 1.9.1 names, with whether the torch backend provides it."""
    enabled = _enabled()
    return [Feature(name, enabled.get(name, False)) for name in _NAMES]


class Features(collections.OrderedDict):
    """``name -> Feature``; one instance per process, as in MXNet."""

    instance: Any = None

    def __new__(cls) -> Features:
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            collections.OrderedDict.__init__(cls.instance, [(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self) -> None:  # filled once in __new__
        pass

    def __repr__(self) -> str:
        return str(list(self.values()))

    def is_enabled(self, feature_name: str) -> bool:
        """Whether ``feature_name`` (e.g. ``'CUDA'``) is available; unknown names raise."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError(
                f"Feature '{feature_name}' is unknown, known features are: {list(self.keys())}"
            )
        return self[feature_name].enabled
