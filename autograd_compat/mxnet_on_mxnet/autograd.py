"""Real ``mxnet.autograd``, re-exported (the torch-dialect adapter extends it to accept its
tensors)."""

from __future__ import annotations

from mxnet.autograd import (  # noqa: F401
    Function,
    backward,
    get_symbol,
    grad,
    is_recording,
    is_training,
    mark_variables,
    pause,
    predict_mode,
    record,
    set_recording,
    set_training,
    train_mode,
)
