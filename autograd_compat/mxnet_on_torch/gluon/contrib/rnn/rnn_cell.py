"""``mxnet.gluon.contrib.rnn`` cells (1.9.1): ``VariationalDropoutCell`` (one dropout mask per
sequence) and ``LSTMPCell`` (an LSTM cell with a projected hidden state)."""

from __future__ import annotations

from typing import Any

import torch

from .... import nd
from ...rnn import BidirectionalCell, HybridRecurrentCell, ModifierCell, SequentialRNNCell
from ...rnn.rnn_cell import _format_sequence, _get_begin_state, _mask_sequence_variable_length
from ...utils import as_frontend

__all__ = ["LSTMPCell", "VariationalDropoutCell"]


class VariationalDropoutCell(ModifierCell):
    """Dropout on the inputs, the first state and the outputs of ``base_cell`` with one mask per
    sequence (drawn at the first step, in training mode)."""

    def __init__(
        self,
        base_cell: Any,
        drop_inputs: float = 0.0,
        drop_states: float = 0.0,
        drop_outputs: float = 0.0,
    ) -> None:
        if drop_states and isinstance(base_cell, BidirectionalCell):
            raise AssertionError(
                "BidirectionalCell doesn't support variational state dropout. Please add "
                "VariationalDropoutCell to the cells underneath instead."
            )
        if drop_states and isinstance(base_cell, SequentialRNNCell) and base_cell._bidirectional:
            raise AssertionError(
                "Bidirectional SequentialRNNCell doesn't support variational state dropout. "
                "Please add VariationalDropoutCell to the cells underneath instead."
            )
        super().__init__(base_cell)
        self.drop_inputs = drop_inputs
        self.drop_states = drop_states
        self.drop_outputs = drop_outputs
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _alias(self) -> str:
        return "vardrop"

    def reset(self) -> None:
        super().reset()
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        if self.drop_states and self.drop_states_mask is None:
            self.drop_states_mask = F.Dropout(F.ones_like(states[0]), p=self.drop_states)
        if self.drop_inputs and self.drop_inputs_mask is None:
            self.drop_inputs_mask = F.Dropout(F.ones_like(inputs), p=self.drop_inputs)
        if self.drop_states:
            states = list(states)
            states[0] = states[0] * self.drop_states_mask
        if self.drop_inputs:
            inputs = inputs * self.drop_inputs_mask
        next_output, next_states = self.base_cell(inputs, states)
        if self.drop_outputs and self.drop_outputs_mask is None:
            self.drop_outputs_mask = F.Dropout(F.ones_like(next_output), p=self.drop_outputs)
        if self.drop_outputs:
            next_output = next_output * self.drop_outputs_mask
        return next_output, next_states

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(p_out = {self.drop_outputs}, p_state = {self.drop_states})"
        )

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        """Without state dropout the masks apply to whole sequences at once (MXNet's fast
        path); otherwise step by step."""
        if self.drop_states:
            return super().unroll(
                length, inputs, begin_state, layout, merge_outputs, valid_length=valid_length
            )
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, True)
        states = _get_begin_state(self, begin_state, inputs, batch_size)
        if self.drop_inputs:
            inputs = nd.Dropout(inputs, p=self.drop_inputs, axes=(axis,))
        outputs, states = self.base_cell.unroll(
            length, inputs, states, layout, merge_outputs=True, valid_length=valid_length
        )
        if self.drop_outputs:
            outputs = nd.Dropout(outputs, p=self.drop_outputs, axes=(axis,))
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, torch.Tensor)
        outputs, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(
                outputs, length, valid_length, axis, merge_outputs
            )
        return as_frontend(outputs), states


class LSTMPCell(HybridRecurrentCell):
    """An LSTM cell whose hidden state is projected to ``projection_size`` (``h2r_weight``, no
    bias); states ``[r, c]``."""

    def __init__(  # noqa: PLR0913
        self,
        hidden_size: int,
        projection_size: int,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        h2r_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._projection_size = projection_size
        nh = 4 * hidden_size
        get = self.params.get
        self.i2h_weight = get(
            "i2h_weight",
            shape=(nh, input_size),
            init=i2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.h2h_weight = get(
            "h2h_weight",
            shape=(nh, projection_size),
            init=h2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.h2r_weight = get(
            "h2r_weight",
            shape=(projection_size, hidden_size),
            init=h2r_weight_initializer,
            allow_deferred_init=True,
        )
        self.i2h_bias = get(
            "i2h_bias", shape=(nh,), init=i2h_bias_initializer, allow_deferred_init=True
        )
        self.h2h_bias = get(
            "h2h_bias", shape=(nh,), init=h2h_bias_initializer, allow_deferred_init=True
        )

    def state_info(self, batch_size: int = 0) -> list:
        return [
            {"shape": (batch_size, self._projection_size), "__layout__": "NC"},
            {"shape": (batch_size, self._hidden_size), "__layout__": "NC"},
        ]

    def _alias(self) -> str:
        return "lstmp"

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        self.i2h_weight.shape = (
            4 * self._hidden_size,
            inputs.reshape(inputs.shape[0], -1).shape[1],
        )

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0]} -> {self.h2r_weight.shape[0]}"
        return f"{self.__class__.__name__}({mapping})"

    def hybrid_forward(  # noqa: PLR0913
        self,
        F,
        inputs,
        states,
        i2h_weight,
        h2h_weight,
        h2r_weight,
        i2h_bias,
        h2h_bias,  # noqa: N803
    ):
        x = inputs.reshape(inputs.shape[0], -1)
        nh = 4 * self._hidden_size
        gates = F.FullyConnected(x, i2h_weight, i2h_bias, num_hidden=nh) + F.FullyConnected(
            states[0], h2h_weight, h2h_bias, num_hidden=nh
        )
        i, f, g, o = torch.chunk(gates, 4, dim=1)
        next_c = torch.sigmoid(f) * states[1] + torch.sigmoid(i) * torch.tanh(g)
        hidden = torch.sigmoid(o) * torch.tanh(next_c)
        next_r = F.FullyConnected(
            hidden, h2r_weight, no_bias=True, num_hidden=self._projection_size
        )
        return next_r, [next_r, next_c]
