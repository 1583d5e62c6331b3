"""MXNet's recording and training state: ``record``, ``pause``, ``train_mode``, ``predict_mode``,
``set_recording``/``set_training`` and ``is_recording``/``is_training`` (``mxnet.autograd``
re-exports them).

The state is per thread (``recording.state``). Entering a recording scope notes torch's node
counter (the recorded ranges of ``recording``) and the scope's body frame (``suspension``), and
switches torch's grad mode with MXNet's recording flag.
"""

from __future__ import annotations

import sys

import torch
from torch._C._autograd import _get_sequence_nr

from .recording import _close_range, _open_range
from .recording import state as _state
from .suspension import ENTER_CONTEXT, SUSPENDABLE

_set_grad_enabled = torch._C._set_grad_enabled
_is_grad_enabled = torch.is_grad_enabled
_getframe = sys._getframe


def _check_flag(value: object, name: str) -> bool:
    # Real MXNet half-enters a scope on a non-bool (recording stays on after the TypeError);
    # we check first so a bad argument leaves the state alone.
    if value is True or value is False:
        return value
    if isinstance(value, int | torch.Tensor) and not isinstance(value, str):
        try:
            return bool(value)
        except Exception:
            pass
    raise TypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")


def set_recording(is_recording: bool) -> bool:  # noqa: A002 - MXNet's parameter name
    """Set whether ops are recorded for differentiation; return the previous value."""
    flag = _check_flag(is_recording, "is_recording")
    st = _state
    prev = st.recording
    if flag != prev:
        if flag:
            _open_range(st)
            # Recording needs torch to build graphs even if the caller is under no_grad.
            _set_grad_enabled(True)
        else:
            _close_range(st)
        st.recording = flag
    return prev


def set_training(train_mode: bool) -> bool:
    """Set training mode (what ``Dropout``/``BatchNorm`` see); return the previous value."""
    flag = _check_flag(train_mode, "train_mode")
    st = _state
    prev = st.training
    st.training = flag
    return prev


def is_recording() -> bool:
    """Whether ops are being recorded (inside ``record()`` or after ``set_recording(True)``)."""
    return _state.recording


def is_training() -> bool:
    """Whether training mode is on (inside ``record()``/``train_mode()`` by default)."""
    return _state.training


class _RecordingStateScope:
    """The scope object of ``record``/``pause``/``train_mode``/``predict_mode``.

    A context manager only (not a decorator), as in MXNet. On exit the previous state is restored
    when it differs from the state entered, also when an exception passes through.
    """

    __slots__ = ("_enter_rec", "_enter_train", "_prev_rec", "_prev_train", "_prev_grad", "_body")

    def __init__(self, is_record: bool | None, train_mode: bool | None) -> None:
        self._enter_rec = is_record
        self._enter_train = train_mode
        self._prev_rec: bool | None = None
        self._prev_train: bool | None = None
        self._prev_grad, self._body = True, None  # _body: our entry in suspension.Suspensions

    def __enter__(self) -> None:
        # The thread's state fields through its dict: one thread-local lookup for all of them
        # (each attribute of a threading.local looks the thread up again).
        d = _state.__dict__
        rec = self._enter_rec
        if rec is not None:
            grad = self._prev_grad = _is_grad_enabled()
            prev = self._prev_rec = d["recording"]
            if rec:
                caller = _getframe(1)
                code = caller.f_code
                sus = d["suspensions"]
                # Only a suspendable body (or one entered while such a scope is open) is tracked:
                # the test of suspension.Suspensions.enter, done here to spare a call per scope.
                if code.co_flags & SUSPENDABLE or sus.tracked or code is ENTER_CONTEXT:
                    self._body = sus.enter(caller, not prev)
                if not prev:
                    d["open_start"] = _get_sequence_nr()  # _open_range, inlined
                    d["recording"] = True
            elif prev:
                _close_range(_state)
                d["recording"] = False
            # torch's grad mode follows recording inside MXNet scopes: record() builds graphs even
            # under no_grad, pause() builds none.
            if grad is not rec:
                _set_grad_enabled(rec)
        if self._enter_train is not None:
            self._prev_train = d["training"]
            d["training"] = self._enter_train

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        d = _state.__dict__
        rec = self._enter_rec
        if rec is not None:
            grad = self._prev_grad
            if self._body is not None:
                grad = self._prev_grad = d["suspensions"].exit(self._body, grad)
                self._body = None
            prev = self._prev_rec
            if prev != rec and prev != d["recording"]:  # set_recording(prev), inlined
                if prev:
                    _open_range(_state)
                else:
                    # One implementation of closing a range: its interrupt-safe order is
                    # tested on _close_range itself (tests/test_reliability_faults.py).
                    _close_range(_state)
                d["recording"] = prev
            if _is_grad_enabled() is not grad:
                _set_grad_enabled(grad)
        if self._enter_train is not None and self._prev_train != self._enter_train:
            d["training"] = self._prev_train


def record(train_mode: bool = True) -> _RecordingStateScope:
    """Scope in which ops on variables are recorded (and training mode is on, by default)::

    with autograd.record():
        y = model(x)
    y.backward()
    """
    if train_mode is not True and train_mode is not None:
        train_mode = _check_flag(train_mode, "train_mode")
    return _RecordingStateScope(True, train_mode)


def pause(train_mode: bool = False) -> _RecordingStateScope:
    """Scope in which nothing is recorded (training mode off by default)."""
    if train_mode is not None:
        train_mode = _check_flag(train_mode, "train_mode")
    return _RecordingStateScope(False, train_mode)


def train_mode() -> _RecordingStateScope:
    """Scope with training mode on; recording is left as it is."""
    return _RecordingStateScope(None, True)


def predict_mode() -> _RecordingStateScope:
    """Scope with training mode off; recording is left as it is."""
    return _RecordingStateScope(None, False)
