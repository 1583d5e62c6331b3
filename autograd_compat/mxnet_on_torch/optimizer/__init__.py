"""``mx.optimizer`` (MXNet 1.9.1) on torch: every optimizer of 1.9.1 with MXNet's update rules,
``create``/``register``, and ``Updater``/``get_updater``.

Optimizers update torch tensors in place; SGD updates all weights of a dtype with a few
multi-tensor (``torch._foreach_*``) calls. Laid out by family: :mod:`.optimizer` (the base class),
:mod:`.sgd`, :mod:`.lars`, :mod:`.adam`, :mod:`.adaptive`, :mod:`.contrib`, :mod:`.updater`, and
:mod:`.update_ops` (MXNet's update operators).
"""

from __future__ import annotations

from . import contrib
from .adam import LAMB, Adam, Adamax, Nadam
from .adaptive import FTML, AdaDelta, AdaGrad, Ftrl, RMSProp
from .lars import LARS, LBSGD
from .optimizer import Optimizer, Test, create, register
from .sgd import DCASGD, NAG, SGD, SGLD, Signum, ccSGD
from .updater import Updater, get_updater

__all__ = [
    "DCASGD",
    "FTML",
    "LAMB",
    "LARS",
    "LBSGD",
    "NAG",
    "SGD",
    "SGLD",
    "AdaDelta",
    "AdaGrad",
    "Adam",
    "Adamax",
    "Ftrl",
    "Nadam",
    "Optimizer",
    "RMSProp",
    "Signum",
    "Test",
    "Updater",
    "ccSGD",
    "contrib",
    "create",
    "get_updater",
    "register",
]
