"""``mxnet.gluon.contrib.nn`` (1.9.1) on torch."""

from __future__ import annotations

from . import basic_layers
from .basic_layers import *  # noqa: F403

__all__ = basic_layers.__all__
