"""Imported first by this package: the torch dialect runs on real MXNet 1.9.1 only.

While ``import mxnet`` is aliased to autograd_compat's MXNet dialect on torch
(:mod:`autograd_compat.alias`), importing this package raises ``MXNetAliasedError`` instead of
building the torch dialect on the shim.
"""

from __future__ import annotations

from .._backend import require_mxnet

mxnet = require_mxnet()
