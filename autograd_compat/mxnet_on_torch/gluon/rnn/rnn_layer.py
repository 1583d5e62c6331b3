"""``mxnet.gluon.rnn`` layers (1.9.1): ``RNN``, ``LSTM``, ``GRU`` on torch's fused kernels.

Parameters keep MXNet's names (``l0_i2h_weight``, ``l0_h2h_bias``, ``r0_...`` for the reverse
direction, ``l0_h2r_weight`` for LSTM projections) and MXNet's two biases; the layer hands them
to torch's fused ``lstm``/``gru``/``rnn_tanh``/``rnn_relu`` kernel as they are (same gate orders).
``save_parameters`` writes them under MXNet's ``_unfused.*`` keys, so files move both ways.
"""

from __future__ import annotations

import re
from typing import Any

import torch

from ... import nd
from ...base import MXNetError
from ...seq_ops import clipped_lstm, fused_rnn
from ..block import HybridBlock
from ..utils import as_frontend
from . import rnn_cell

# The torch dtype of any array (legacy NDArrays report numpy's dtype).
_torch_dtype = torch._C.TensorBase.dtype.__get__

__all__ = ["GRU", "LSTM", "RNN"]

_PARAM_KEY = re.compile(r"(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z")


class _RNNLayer(HybridBlock):
    """The fused recurrent layers' implementation."""

    def __init__(  # noqa: PLR0913
        self,
        hidden_size: int,
        num_layers: int,
        layout: str,
        dropout: float,
        bidirectional: bool,
        input_size: int,
        i2h_weight_initializer: Any,
        h2h_weight_initializer: Any,
        i2h_bias_initializer: Any,
        h2h_bias_initializer: Any,
        mode: str,
        projection_size: int | None,
        h2r_weight_initializer: Any,
        lstm_state_clip_min: float | None,
        lstm_state_clip_max: float | None,
        lstm_state_clip_nan: bool,
        dtype: Any,
        use_sequence_length: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if layout not in ("TNC", "NTC"):
            raise AssertionError(f"Invalid layout {layout}; must be one of ['TNC' or 'NTC']")
        if use_sequence_length:
            raise MXNetError(
                "use_sequence_length is not supported by the torch backend's fused RNN layers. "
                "Hint: unroll a cell with valid_length, or mask the output with SequenceMask."
            )
        clips = (lstm_state_clip_min is None, lstm_state_clip_max is None)
        if any(clips) and not all(clips):
            raise MXNetError("state_clip_min and state_clip_max must be given together")
        if lstm_state_clip_nan and lstm_state_clip_min is not None:
            raise MXNetError(
                "state_clip_nan=True is not supported by the torch backend. Hint: leave it "
                "False (NaN then propagates, as torch's clamp does)."
            )
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._i2h_weight_initializer = i2h_weight_initializer
        self._h2h_weight_initializer = h2h_weight_initializer
        self._i2h_bias_initializer = i2h_bias_initializer
        self._h2h_bias_initializer = h2h_bias_initializer
        self._h2r_weight_initializer = h2r_weight_initializer
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states: bool | None = None
        self._gates = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]

        ng, ni, nh = self._gates, input_size, hidden_size
        nr = self._projection_size or nh
        for i in range(num_layers):
            for j in ["l", "r"][: self._dir]:
                self._register_param(
                    f"{j}{i}_i2h_weight", (ng * nh, ni), i2h_weight_initializer, dtype
                )
                self._register_param(
                    f"{j}{i}_h2h_weight", (ng * nh, nr), h2h_weight_initializer, dtype
                )
                self._register_param(f"{j}{i}_i2h_bias", (ng * nh,), i2h_bias_initializer, dtype)
                self._register_param(f"{j}{i}_h2h_bias", (ng * nh,), h2h_bias_initializer, dtype)
                if self._projection_size:
                    self._register_param(
                        f"{j}{i}_h2r_weight", (nr, nh), h2r_weight_initializer, dtype
                    )
            ni = nr * self._dir

    def _register_param(self, name: str, shape: tuple, init: Any, dtype: Any) -> Any:
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True, dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self) -> str:
        s = f"{self.__class__.__name__}({{mapping}}, {self._layout}"
        if self._num_layers != 1:
            s += f", num_layers={self._num_layers}"
        if self._dropout != 0:
            s += f", dropout={self._dropout}"
        if self._dir == 2:
            s += ", bidirectional"
        s += ")"
        shape = self.l0_i2h_weight.shape
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0] // self._gates}"
        return s.format(mapping=mapping)

    def _collect_params_with_prefix(self, prefix: str = "") -> dict:
        # MXNet saves fused layers under the keys of the cells they once were (_unfused.*).
        if prefix:
            prefix += "."
        bidirectional = any(_PARAM_KEY.match(k).group(1) == "r" for k in self._reg_params)

        def convert_key(key: str) -> str:
            d, layer, g, t = _PARAM_KEY.match(key).groups()
            if bidirectional:
                return f"_unfused.{layer}.{d}_cell.{g}_{t}"
            return f"_unfused.{layer}.{g}_{t}"

        ret = {prefix + convert_key(k): v for k, v in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def state_info(self, batch_size: int = 0) -> list[dict]:
        raise NotImplementedError

    def _unfuse(self) -> rnn_cell.HybridSequentialRNNCell:
        """The same network as a stack of cells sharing this layer's parameters."""
        if self._projection_size:
            raise AssertionError("_unfuse does not support projection layer yet!")
        if self._lstm_state_clip_min or self._lstm_state_clip_max:
            raise AssertionError("_unfuse does not support state clipping yet!")

        def get_cell(**kwargs: Any) -> Any:
            if self._mode.startswith("rnn_"):
                return rnn_cell.RNNCell(self._hidden_size, activation=self._mode[4:], **kwargs)
            cls = rnn_cell.LSTMCell if self._mode == "lstm" else rnn_cell.GRUCell
            return cls(self._hidden_size, **kwargs)

        stack = rnn_cell.HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            ni = self._input_size
            for i in range(self._num_layers):
                kwargs = {
                    "input_size": ni,
                    "i2h_weight_initializer": self._i2h_weight_initializer,
                    "h2h_weight_initializer": self._h2h_weight_initializer,
                    "i2h_bias_initializer": self._i2h_bias_initializer,
                    "h2h_bias_initializer": self._h2h_bias_initializer,
                }
                if self._dir == 2:
                    stack.add(
                        rnn_cell.BidirectionalCell(
                            get_cell(prefix=f"l{i}_", **kwargs),
                            get_cell(prefix=f"r{i}_", **kwargs),
                        )
                    )
                else:
                    stack.add(get_cell(prefix=f"l{i}_", **kwargs))
                if self._dropout > 0 and i != self._num_layers - 1:
                    stack.add(rnn_cell.DropoutCell(self._dropout))
                ni = self._hidden_size * self._dir
        return stack

    def cast(self, dtype: Any) -> None:
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The initial states: ``func(name=..., shape=..., dtype=..., **kwargs)`` per state
        (zeros by default), shaped ``(num_layers * directions, batch_size, size)``."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            if info is not None:
                info.update(kwargs)
            else:
                info = kwargs
            states.append(as_frontend(func(name=f"{self.prefix}h0_{i}", **info)))
        return states

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        ni = inputs.shape[2]
        for d in ["l", "r"][: self._dir]:
            p = getattr(self, f"{d}0_i2h_weight")
            p.shape = (p.shape[0], ni)

    def __call__(self, inputs: Any, states: Any = None, sequence_length: Any = None) -> Any:
        """``layer(inputs)`` returns the output; ``layer(inputs, states)`` returns
        ``(output, new_states)``."""
        self.skip_states = states is None
        if states is None:
            batch_size = inputs.shape[self._layout.find("N")]
            states = self.begin_state(batch_size, ctx=inputs.device, dtype=_dtype_name(inputs))
        if isinstance(states, torch.Tensor):
            states = [states]
        return super().__call__(inputs, states)

    def hybrid_forward(self, F: Any, inputs: Any, states: Any, **params: Any) -> Any:  # noqa: N803
        batch_size = inputs.shape[self._layout.find("N")]
        for state, info in zip(states, self.state_info(batch_size)):
            if tuple(state.shape) != info["shape"]:
                raise ValueError(
                    f"Invalid recurrent state shape. Expecting {info['shape']}, got "
                    f"{tuple(state.shape)}."
                )
        out = self._forward_kernel(inputs, states, params)
        return out[0] if self.skip_states else out

    def _forward_kernel(self, inputs: Any, states: list, params: dict) -> tuple:
        if self._layout == "NTC":
            inputs = torch.transpose(inputs, 0, 1)
        if inputs.dim() != 3:
            raise MXNetError(
                f"RNN: the input must have 3 axes ({self._layout}), got shape {tuple(inputs.shape)}"
            )
        names = ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"]
        if self._projection_size:
            names.append("h2r_weight")
        weights = [
            params[f"{d}{i}_{n}"]
            for i in range(self._num_layers)
            for d in ["l", "r"][: self._dir]
            for n in names
        ]
        dtypes = {_torch_dtype(a) for a in (*weights, inputs, *states)}
        if len(dtypes) > 1:
            raise MXNetError(
                f"RNN: the input, states and parameters must have one dtype, got "
                f"{sorted(str(d).replace('torch.', '') for d in dtypes)}"
            )
        if self._lstm_state_clip_min is not None and inputs.device.type != "cpu":
            # MXNet clips the cell state with cuDNN only (its CPU kernel ignores the bounds);
            # torch's fused kernel cannot clip, so the steps run in Python on GPUs.
            outputs, new_states = clipped_lstm(
                inputs, weights, list(states), self._num_layers, self._dir == 2, self._dropout,
                self._lstm_state_clip_min, self._lstm_state_clip_max, bool(self._projection_size),
            )  # fmt: skip
        else:
            outputs, new_states = fused_rnn(
                inputs,
                weights,
                list(states),
                self._mode,
                self._num_layers,
                self._dir == 2,
                self._dropout,
            )
        if self._layout == "NTC":
            outputs = torch.transpose(outputs, 0, 1)
        return outputs, new_states


def _dtype_name(x: Any) -> str:
    return str(_torch_dtype(x)).replace("torch.", "")


class RNN(_RNNLayer):
    """A multi-layer Elman RNN with ``tanh`` or ``relu`` non-linearity (torch's fused kernel).

    Input ``(T, N, C)`` (``layout='TNC'``) or ``(N, T, C)``; states ``(num_layers * dirs, N,
    hidden_size)``; ``dropout`` between layers in training mode; ``input_size=0`` is inferred.
    """

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        activation: str = "relu",
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hidden_size, num_layers, layout, dropout, bidirectional, input_size,
            i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
            h2h_bias_initializer, "rnn_" + activation, None, None, None, None, False, dtype,
            **kwargs,
        )  # fmt: skip

    def state_info(self, batch_size: int = 0) -> list[dict]:
        shape = (self._num_layers * self._dir, batch_size, self._hidden_size)
        return [{"shape": shape, "__layout__": "LNC", "dtype": self._dtype}]


class LSTM(_RNNLayer):
    """A multi-layer LSTM (gates i, f, g, o; torch's fused kernel), optionally with a projection
    (``projection_size``). States are ``[h, c]``; ``h`` has the projection's size."""

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        input_size: int = 0,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        projection_size: int | None = None,
        h2r_weight_initializer: Any = None,
        state_clip_min: float | None = None,
        state_clip_max: float | None = None,
        state_clip_nan: bool = False,
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hidden_size, num_layers, layout, dropout, bidirectional, input_size,
            i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
            h2h_bias_initializer, "lstm", projection_size, h2r_weight_initializer,
            state_clip_min, state_clip_max, state_clip_nan, dtype, **kwargs,
        )  # fmt: skip

    def state_info(self, batch_size: int = 0) -> list[dict]:
        n = self._num_layers * self._dir
        h = self._projection_size or self._hidden_size
        return [
            {"shape": (n, batch_size, h), "__layout__": "LNC", "dtype": self._dtype},
            {
                "shape": (n, batch_size, self._hidden_size),
                "__layout__": "LNC",
                "dtype": self._dtype,
            },
        ]


class GRU(_RNNLayer):
    """A multi-layer GRU, cuDNN's variant as in MXNet (gates r, z, n; the reset gate multiplies
    the recurrent product plus its bias); torch's fused kernel computes the same."""

    def __init__(
        self,
        hidden_size: int,
        num_layers: int = 1,
        layout: str = "TNC",
        dropout: float = 0,
        bidirectional: bool = False,
        input_size: int = 0,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        dtype: Any = "float32",
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hidden_size, num_layers, layout, dropout, bidirectional, input_size,
            i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
            h2h_bias_initializer, "gru", None, None, None, None, False, dtype, **kwargs,
        )  # fmt: skip

    def state_info(self, batch_size: int = 0) -> list[dict]:
        shape = (self._num_layers * self._dir, batch_size, self._hidden_size)
        return [{"shape": shape, "__layout__": "LNC", "dtype": self._dtype}]
