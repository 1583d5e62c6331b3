"""``mxnet.gluon.contrib.rnn`` (1.9.1) on torch: ``VariationalDropoutCell`` and ``LSTMPCell``.
(The convolutional cells and ``dynamic_unroll`` are not provided.)"""

from __future__ import annotations

from . import rnn_cell
from .rnn_cell import *  # noqa: F403

__all__ = list(rnn_cell.__all__)
