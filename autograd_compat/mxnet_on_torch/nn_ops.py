"""MXNet's legacy neural-network operators on torch kernels (``nd.FullyConnected``,
``nd.Convolution``, ``nd.Pooling``, ``nd.BatchNorm``, ...), as Gluon's ``hybrid_forward(F, ...)``
calls them with ``F = mxnet.nd``. Re-exported by :mod:`.nd`.
"""

from __future__ import annotations

__all__: list[str] = []
