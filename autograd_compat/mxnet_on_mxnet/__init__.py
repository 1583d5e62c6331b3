"""The MXNet dialect on MXNet: a thin wrapper of real ``mxnet`` (1.9.1).

``namespace("mxnet", "mxnet")`` is this module. Its ``autograd`` is real ``mxnet.autograd``
extended to accept the torch dialect's tensors (see :mod:`autograd_compat.torch_on_mxnet`);
everything else is MXNet's own object.
"""

from __future__ import annotations

from .._backend import require_mxnet

_mx = require_mxnet()

from . import autograd  # noqa: E402

nd = _mx.nd
random = _mx.random
cpu = _mx.cpu
gpu = _mx.gpu
Context = _mx.Context
base = _mx.base
np = _mx.np
npx = _mx.npx
gluon = _mx.gluon
init = _mx.init
initializer = _mx.initializer
optimizer = _mx.optimizer
lr_scheduler = _mx.lr_scheduler
metric = _mx.metric
io = _mx.io
kv = _mx.kv
kvstore = _mx.kvstore

__all__ = [
    "Context",
    "autograd",
    "base",
    "cpu",
    "gluon",
    "gpu",
    "init",
    "initializer",
    "io",
    "kv",
    "kvstore",
    "lr_scheduler",
    "metric",
    "nd",
    "np",
    "npx",
    "optimizer",
    "random",
]
