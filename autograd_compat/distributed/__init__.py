"""Distributed training of MXNet-style programs on torch (issue 17): the launcher behind
``autograd-compat launch`` and per-worker sampling. The kvstore types themselves (``dist_sync``,
...) are ``mx.kv``'s, in :mod:`autograd_compat.mxnet_on_torch`.

Importing this package imports neither torch nor mxnet.
"""

from __future__ import annotations

from .launcher import BACKEND_ENV, DEFAULT_TIMEOUT, TIMEOUT_ENV, launch
from .sampler import SplitSampler

__all__ = ["BACKEND_ENV", "DEFAULT_TIMEOUT", "TIMEOUT_ENV", "SplitSampler", "launch"]
