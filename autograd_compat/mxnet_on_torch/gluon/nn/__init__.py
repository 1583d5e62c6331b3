"""``mxnet.gluon.nn`` (1.9.1) on torch: the layers, on torch's kernels through the legacy
operators of ``nd`` (:mod:`autograd_compat.mxnet_on_torch.nn_ops`)."""

from __future__ import annotations

from .._sequential import HybridSequential, Sequential
from ..block import Block, HybridBlock, SymbolBlock
from . import activations, basic_layers, conv_layers
from .activations import *  # noqa: F403
from .basic_layers import *  # noqa: F403
from .conv_layers import *  # noqa: F403

__all__ = (
    ["Block", "HybridBlock", "HybridSequential", "Sequential", "SymbolBlock"]
    + activations.__all__
    + basic_layers.__all__
    + conv_layers.__all__
)
