"""``mxnet.ndarray.ndarray`` on torch: the module-level names MXNet programs and tests import.

Storage-type and dtype code tables, ``py_slice`` (Python's ``slice``, which MXNet's module keeps
under that name) and ``NDArray``: legacy ``nd`` functions return ``torch.Tensor`` today, so
``NDArray`` is ``torch.Tensor`` until the legacy NDArray class lands (issue 15).
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["NDArray", "py_slice"]

py_slice = slice
NDArray = torch.Tensor

_STORAGE_TYPE_UNDEFINED = -1
_STORAGE_TYPE_DEFAULT = 0
_STORAGE_TYPE_ROW_SPARSE = 1
_STORAGE_TYPE_CSR = 2

_STORAGE_TYPE_STR_TO_ID = {
    "undefined": _STORAGE_TYPE_UNDEFINED,
    "default": _STORAGE_TYPE_DEFAULT,
    "row_sparse": _STORAGE_TYPE_ROW_SPARSE,
    "csr": _STORAGE_TYPE_CSR,
}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}

# MXNet's dtype codes (the ones its files and C API use).
_DTYPE_NP_TO_MX = {
    None: -1,
    np.float32: 0,
    np.float64: 1,
    np.float16: 2,
    np.uint8: 3,
    np.int32: 4,
    np.int8: 5,
    np.int64: 6,
    np.bool_: 7,
}
_DTYPE_MX_TO_NP = {v: k for k, v in _DTYPE_NP_TO_MX.items()}

_GRAD_REQ_MAP = {"null": 0, "write": 1, "add": 3}
