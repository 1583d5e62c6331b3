"""MXNet 1.9.1's sequence operators on torch: ``SequenceMask``, ``SequenceLast``,
``SequenceReverse``, and the fused recurrent operator ``RNN`` (on torch's fused kernels).

``RNN`` takes MXNet's flat parameter vector (all weights, layer by layer and direction by
direction, ``i2h`` then ``h2h`` [then ``h2r``]; then all biases in the same order) and hands views
of it to torch's ``lstm``/``gru``/``rnn_tanh``/``rnn_relu`` kernels, whose gate orders are MXNet's
(LSTM: i, f, g, o; GRU: r, z, n with the reset gate applied after the recurrent product).
"""

from __future__ import annotations

import warnings
from typing import Any

import torch

from . import autograd
from .base import MXNetError

_torch_dtype = torch._C.TensorBase.dtype.__get__  # np arrays report numpy's dtype

__all__ = [
    "RNN",
    "SequenceLast",
    "SequenceMask",
    "SequenceReverse",
    "clipped_lstm",
    "fused_rnn",
]

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _lengths(sequence_length: Any, steps: int, batch: int, op: str) -> torch.Tensor:
    """The valid lengths as int64, checked against the time axis (MXNet reads out of bounds)."""
    lengths = torch.as_tensor(sequence_length).detach().reshape(-1)
    if lengths.numel() != batch:
        raise MXNetError(
            f"{op}: sequence_length has {lengths.numel()} entries for a batch of {batch}"
        )
    lengths = lengths.to(torch.int64)
    if lengths.numel() and (int(lengths.min()) < 0 or int(lengths.max()) > steps):
        raise MXNetError(
            f"{op}: sequence_length must lie in [0, {steps}] (the time axis), got "
            f"{lengths.tolist()}"
        )
    return lengths


def _time_mask(lengths: torch.Tensor, steps: int, axis: int, ndim: int) -> torch.Tensor:
    """A boolean mask, True where a step is inside its sequence, shaped to broadcast."""
    steps_idx = torch.arange(steps, device=lengths.device)
    valid = steps_idx[:, None] < lengths[None, :]  # (T, N)
    if axis == 1:
        valid = valid.t()
    return valid.reshape(valid.shape + (1,) * (ndim - 2))


def SequenceMask(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    sequence_length: Any = None,
    use_sequence_length: bool = False,
    value: float = 0.0,
    axis: int = 0,
    **kwargs: Any,
) -> torch.Tensor:
    """Set the steps past each sequence's length to ``value``; ``axis`` (0 or 1) is time and the
    other of the first two axes is the batch."""
    if not use_sequence_length:
        return data * 1  # MXNet's operator copies
    if axis not in (0, 1):
        raise MXNetError(f"SequenceMask: axis must be 0 or 1, got {axis}")
    steps, batch = data.shape[axis], data.shape[1 - axis]
    lengths = _lengths(sequence_length, steps, batch, "SequenceMask")
    mask = _time_mask(lengths.to(data.device), steps, axis, data.dim())
    return torch.where(
        mask, data, torch.full((), value, dtype=_torch_dtype(data), device=data.device)
    )


def SequenceLast(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    sequence_length: Any = None,
    use_sequence_length: bool = False,
    axis: int = 0,
    **kwargs: Any,
) -> torch.Tensor:
    """The last valid step of each sequence (``axis`` 0 or 1 is time)."""
    if axis not in (0, 1):
        raise MXNetError(f"SequenceLast: axis must be 0 or 1, got {axis}")
    if not use_sequence_length:
        return data.select(axis, data.shape[axis] - 1) * 1
    steps, batch = data.shape[axis], data.shape[1 - axis]
    lengths = _lengths(sequence_length, steps, batch, "SequenceLast")
    if batch and int(lengths.min()) < 1:
        raise MXNetError(
            f"SequenceLast: every sequence_length must be at least 1, got {lengths.tolist()}"
        )
    idx = (lengths - 1).to(data.device)
    batch_idx = torch.arange(batch, device=data.device)
    return data[idx, batch_idx] if axis == 0 else data[batch_idx, idx]


def SequenceReverse(  # noqa: N802 - MXNet's name
    data: torch.Tensor,
    sequence_length: Any = None,
    use_sequence_length: bool = False,
    axis: int = 0,
    **kwargs: Any,
) -> torch.Tensor:
    """Reverse the first ``length`` steps of each sequence along axis 0 (time); the padding past
    a sequence's length stays where it is."""
    if axis != 0:
        raise MXNetError(
            f"Check failed: param_.axis == 0 ({axis} vs. 0) : Current implementation expects "
            "axis to be 0."
        )
    if not use_sequence_length:
        return data.flip(0)
    steps, batch = data.shape[0], data.shape[1]
    lengths = _lengths(sequence_length, steps, batch, "SequenceReverse").to(data.device)
    t = torch.arange(steps, device=data.device)[:, None]
    src = torch.where(t < lengths[None, :], lengths[None, :] - 1 - t, t)  # (T, N)
    return data[src, torch.arange(batch, device=data.device)[None, :]]


# ---------------------------------------------------------------------------------------------
# The fused recurrent operator
# ---------------------------------------------------------------------------------------------

_KERNELS = {
    "lstm": torch._VF.lstm,
    "gru": torch._VF.gru,
    "rnn_tanh": torch._VF.rnn_tanh,
    "rnn_relu": torch._VF.rnn_relu,
}


def fused_rnn(
    data: torch.Tensor,
    weights: list[torch.Tensor],
    states: list[torch.Tensor],
    mode: str,
    num_layers: int,
    bidirectional: bool,
    p: float = 0.0,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Run torch's fused kernel on TNC ``data``. ``weights`` is torch's flat list (per layer and
    direction: ``w_ih, w_hh, b_ih, b_hh`` [, ``w_hr``]); returns ``(output, states)``."""
    train = autograd.is_training()
    if mode == "lstm":
        with warnings.catch_warnings():
            # torch notes once that oneDNN has no projections; the default kernel is used.
            warnings.filterwarnings("ignore", "LSTM with projections", UserWarning)
            out, h, c = _KERNELS[mode](
                data, tuple(states), weights, True, num_layers, float(p), train, bidirectional,
                False,
            )  # fmt: skip
        return out, [h, c]
    out, h = _KERNELS[mode](
        data, states[0], weights, True, num_layers, float(p), train, bidirectional, False
    )
    return out, [h]


def clipped_lstm(  # noqa: PLR0913
    data: torch.Tensor,
    weights: list[torch.Tensor],
    states: list[torch.Tensor],
    num_layers: int,
    bidirectional: bool,
    p: float,
    clip_min: float,
    clip_max: float,
    projection: bool,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """MXNet's LSTM with the cell state clipped to ``[clip_min, clip_max]`` after each step.

    torch's fused LSTM cannot clip inside its recurrence, so this runs the steps in Python
    (input products for all steps at once); ``weights`` are in :func:`fused_rnn`'s order."""
    dirs = 2 if bidirectional else 1
    per = 5 if projection else 4
    h0, c0 = states
    layer_in = data
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = (layer * dirs + d) * per
            w_ih, w_hh, b_ih, b_hh = weights[k : k + 4]
            w_hr = weights[k + 4] if projection else None
            xs = torch.nn.functional.linear(layer_in, w_ih, b_ih)
            h, c = h0[layer * dirs + d], c0[layer * dirs + d]
            steps = range(xs.shape[0] - 1, -1, -1) if d else range(xs.shape[0])
            out_t: list[torch.Tensor] = [None] * xs.shape[0]  # type: ignore[list-item]
            for t in steps:
                gates = xs[t] + torch.nn.functional.linear(h, w_hh, b_hh)
                i, f, g, o = gates.chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                c = c.clamp(clip_min, clip_max)
                h = torch.sigmoid(o) * torch.tanh(c)
                if w_hr is not None:
                    h = torch.nn.functional.linear(h, w_hr)
                out_t[t] = h
            outs.append(torch.stack(out_t))
            hs.append(h)
            cs.append(c)
        layer_in = torch.cat(outs, dim=2) if dirs == 2 else outs[0]
        if p and layer < num_layers - 1:
            layer_in = torch.nn.functional.dropout(layer_in, p, training=autograd.is_training())
    return layer_in, [torch.stack(hs), torch.stack(cs)]


def _unflatten_params(
    parameters: torch.Tensor,
    input_size: int,
    state_size: int,
    mode: str,
    num_layers: int,
    directions: int,
    projection_size: int | None,
) -> list[torch.Tensor]:
    """Views of MXNet's flat parameter vector, in torch's order."""
    ng, nh = _GATES[mode], state_size
    nr = projection_size or nh
    shapes_w: list[list[tuple]] = []
    ni = input_size
    for _ in range(num_layers):
        for _ in range(directions):
            layer = [(ng * nh, ni), (ng * nh, nr)]
            if projection_size:
                layer.append((nr, nh))
            shapes_w.append(layer)
        ni = nr * directions
    sizes = [a * b for layer in shapes_w for a, b in layer]
    sizes += [ng * nh] * (2 * num_layers * directions)
    if sum(sizes) != parameters.numel():
        raise MXNetError(
            f"RNN: the parameter vector holds {parameters.numel()} values; mode {mode!r} with "
            f"{num_layers} layer(s), {directions} direction(s), input size {input_size} and "
            f"state size {state_size} needs {sum(sizes)}"
        )
    parts = list(torch.split(parameters.reshape(-1), sizes))
    n_w = len([s for layer in shapes_w for s in layer])
    weights, biases = parts[:n_w], parts[n_w:]
    out: list[torch.Tensor] = []
    k = 0
    for i, layer in enumerate(shapes_w):
        ws = [weights[k + j].reshape(shape) for j, shape in enumerate(layer)]
        k += len(layer)
        out += [ws[0], ws[1], biases[2 * i], biases[2 * i + 1]]
        if projection_size:
            out.append(ws[2])
    return out


def RNN(  # noqa: N802, PLR0913 - MXNet's operator
    data: torch.Tensor,
    parameters: torch.Tensor,
    state: torch.Tensor,
    state_cell: torch.Tensor | None = None,
    sequence_length: Any = None,
    *,
    state_size: int,
    num_layers: int,
    mode: str,
    bidirectional: bool = False,
    p: float = 0.0,
    state_outputs: bool = False,
    projection_size: int | None = None,
    lstm_state_clip_min: float | None = None,
    lstm_state_clip_max: float | None = None,
    lstm_state_clip_nan: bool = False,
    use_sequence_length: bool = False,
    **kwargs: Any,
) -> Any:
    """MXNet's fused ``RNN`` operator on TNC ``data`` with the flat ``parameters`` vector.

    Returns the output, or with ``state_outputs=True`` ``[output, h]`` (``[output, h, c]`` for
    LSTM)."""
    if mode not in _GATES:
        raise MXNetError(f"RNN: mode must be one of {sorted(_GATES)}, got {mode!r}")
    if use_sequence_length:
        raise MXNetError(
            "RNN: use_sequence_length is not supported by the torch backend. Hint: mask the "
            "output with SequenceMask/SequenceLast instead."
        )
    if lstm_state_clip_min is not None or lstm_state_clip_max is not None:
        raise MXNetError(
            "RNN: lstm_state_clip_min/max are not supported by the torch backend (torch's fused "
            "LSTM has no state clipping)."
        )
    if projection_size and mode != "lstm":
        raise MXNetError("RNN: projection_size is only supported for mode 'lstm'")
    directions = 2 if bidirectional else 1
    weights = _unflatten_params(
        parameters, data.shape[2], state_size, mode, num_layers, directions, projection_size
    )
    states = [state] if mode != "lstm" else [state, state_cell]
    if states[-1] is None:
        raise MXNetError("RNN: mode 'lstm' needs state_cell")
    out, new_states = fused_rnn(data, weights, states, mode, num_layers, bidirectional, p)
    return [out, *new_states] if state_outputs else out
