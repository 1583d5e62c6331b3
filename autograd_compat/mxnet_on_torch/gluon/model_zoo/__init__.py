"""``mxnet.gluon.model_zoo`` (1.9.1) on torch: ``vision`` (the architectures, with MXNet's
parameter names so MXNet's ``.params`` files load) and ``model_store`` (pretrained files)."""

from __future__ import annotations

from . import model_store, vision

__all__ = ["model_store", "vision"]
