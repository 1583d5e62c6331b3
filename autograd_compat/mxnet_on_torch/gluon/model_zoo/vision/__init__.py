"""``mxnet.gluon.model_zoo.vision`` (1.9.1) on torch: the architectures, one file per family,
with MXNet's parameter names, and :func:`get_model`."""

from __future__ import annotations

from typing import Any

from ...block import HybridBlock
from . import alexnet as _alexnet
from . import densenet as _densenet
from . import inception as _inception
from . import mobilenet as _mobilenet
from . import resnet as _resnet
from . import squeezenet as _squeezenet
from . import vgg as _vgg
from .alexnet import *  # noqa: F403
from .densenet import *  # noqa: F403
from .inception import *  # noqa: F403
from .mobilenet import *  # noqa: F403
from .resnet import *  # noqa: F403
from .squeezenet import *  # noqa: F403
from .vgg import *  # noqa: F403

_MODULES = (_alexnet, _densenet, _inception, _resnet, _squeezenet, _vgg, _mobilenet)
__all__ = ["get_model"] + [n for m in _MODULES for n in m.__all__]

_models = {
    **{f"resnet{n}_v{v}": getattr(_resnet, f"resnet{n}_v{v}") for v in (1, 2)
       for n in (18, 34, 50, 101, 152)},
    **{f"vgg{n}{bn}": getattr(_vgg, f"vgg{n}{bn}") for bn in ("", "_bn") for n in (11, 13, 16, 19)},
    "alexnet": _alexnet.alexnet,
    **{f"densenet{n}": getattr(_densenet, f"densenet{n}") for n in (121, 161, 169, 201)},
    "squeezenet1.0": _squeezenet.squeezenet1_0,
    "squeezenet1.1": _squeezenet.squeezenet1_1,
    "inceptionv3": _inception.inception_v3,
    "mobilenet1.0": _mobilenet.mobilenet1_0,
    "mobilenet0.75": _mobilenet.mobilenet0_75,
    "mobilenet0.5": _mobilenet.mobilenet0_5,
    "mobilenet0.25": _mobilenet.mobilenet0_25,
    "mobilenetv2_1.0": _mobilenet.mobilenet_v2_1_0,
    "mobilenetv2_0.75": _mobilenet.mobilenet_v2_0_75,
    "mobilenetv2_0.5": _mobilenet.mobilenet_v2_0_5,
    "mobilenetv2_0.25": _mobilenet.mobilenet_v2_0_25,
}  # fmt: skip


def get_model(name: str, **kwargs: Any) -> HybridBlock:
    """The model ``name`` (e.g. ``'resnet18_v1'``, ``'squeezenet1.0'``, ``'mobilenetv2_0.25'``),
    built with ``kwargs`` (``pretrained``, ``classes``, ``ctx``, ``root``, ...)."""
    name = name.lower()
    if name not in _models:
        raise ValueError(
            "Model {} is not supported. Available options are\n\t{}".format(
                name, "\n\t".join(sorted(_models))
            )
        )
    return _models[name](**kwargs)
