"""MXNet thread state the torch dialect switches around its own calls, and its own grad mode.

``_Scope``/``_run`` turn MXNet's NumPy-shape flag on (and recording on, when asked) for one
adapter call and restore them after: both flags are MXNet thread state that real MXNet code in
the same thread also sees. ``_Paused`` turns recording off for writes to gradient buffers.
``_state`` is the dialect's own per-thread state (grad mode, inside the engine);
``mx_dialect.paused`` says the MXNet dialect's ``pause()`` is active in this thread (set by
:mod:`autograd_compat.mxnet_on_mxnet.autograd`, read by the ops: nothing records inside it).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any

from mxnet.base import _LIB


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.inference = False
        self.engine = False  # inside the adapter's backward engine
        self.mx = False  # the last _needs() call saw MXNet recording


_state = _State()


class MXDialectState(threading.local):
    """Per-thread state the MXNet dialect on MXNet shares with this dialect."""

    def __init__(self) -> None:
        self.paused = False  # inside the MXNet dialect's pause()


mx_dialect = MXDialectState()

_set_np_shape = _LIB.MXSetIsNumpyShape
_set_recording = _LIB.MXAutogradSetIsRecording
_ON = ctypes.c_int(1)
_OFF = ctypes.c_int(0)
_byref = ctypes.byref
_c_int = ctypes.c_int


class _Scope:
    """MXNet's NumPy-shape flag on (and recording on when ``rec``) for the adapter's own call.

    Both flags are MXNet thread state that real MXNet code in the same thread sees, so they are
    restored on exit; only flags that were off are touched.
    """

    __slots__ = ("rec", "np_prev", "rec_prev")

    def __init__(self, rec: bool = False) -> None:
        self.rec = rec

    def __enter__(self) -> None:
        p = _c_int()
        _set_np_shape(_ON, _byref(p))
        self.np_prev = p.value
        if self.rec:
            _set_recording(_ON, _byref(p))
            self.rec_prev = p.value

    def __exit__(self, *exc: object) -> None:
        p = _c_int()
        if self.rec and not self.rec_prev:
            _set_recording(_OFF, _byref(p))
        if not self.np_prev:
            _set_np_shape(_OFF, _byref(p))


def _run(rec: bool, fn: Callable, *args: Any) -> Any:
    p = _c_int()
    _set_np_shape(_ON, _byref(p))
    np_prev = p.value
    rec_prev = 1
    if rec:
        _set_recording(_ON, _byref(p))
        rec_prev = p.value
    try:
        return fn(*args)
    finally:
        if not rec_prev:
            _set_recording(_OFF, _byref(p))
        if not np_prev:
            _set_np_shape(_OFF, _byref(p))


class _Paused:
    """MXNet recording off (NumPy shapes on) for in-place writes to gradient buffers."""

    __slots__ = ("np_prev", "rec_prev")

    def __enter__(self) -> None:
        p = _c_int()
        _set_np_shape(_ON, _byref(p))
        self.np_prev = p.value
        _set_recording(_OFF, _byref(p))
        self.rec_prev = p.value

    def __exit__(self, *exc: object) -> None:
        p = _c_int()
        if self.rec_prev:
            _set_recording(_ON, _byref(p))
        if not self.np_prev:
            _set_np_shape(_OFF, _byref(p))
