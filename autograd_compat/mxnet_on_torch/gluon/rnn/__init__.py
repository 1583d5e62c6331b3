"""``mxnet.gluon.rnn`` (1.9.1) on torch: the fused layers ``RNN``, ``LSTM``, ``GRU`` (torch's
fused kernels) and the recurrent cells, stepped or unrolled."""

from __future__ import annotations

from . import rnn_cell, rnn_layer
from .rnn_cell import *  # noqa: F403
from .rnn_layer import *  # noqa: F403

__all__ = rnn_cell.__all__ + rnn_layer.__all__
