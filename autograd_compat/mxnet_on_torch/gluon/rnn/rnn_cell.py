"""``mxnet.gluon.rnn`` cells (1.9.1): one step per call, or ``unroll`` over a sequence.

``RNNCell``, ``LSTMCell`` and ``GRUCell`` keep MXNet's parameter names (``lstm0_i2h_weight``)
and two biases; with their default activations a step runs torch's fused cell kernel
(``lstm_cell``, ``gru_cell``, ``rnn_tanh_cell``, ``rnn_relu_cell``, same gate orders), otherwise
MXNet's formula through ``nd``. ``unroll(..., valid_length=...)`` masks the outputs past each
sequence's length and returns each sequence's last valid states (MXNet's ``SequenceMask`` and
``SequenceLast``).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy
import torch

from ... import nd
from ...base import MXNetError
from ...seq_ops import SequenceLast, SequenceMask, SequenceReverse
from ..block import Block, HybridBlock
from ..nn import LeakyReLU
from ..utils import _indent, as_frontend

__all__ = [
    "BidirectionalCell",
    "DropoutCell",
    "GRUCell",
    "HybridRecurrentCell",
    "HybridSequentialRNNCell",
    "LSTMCell",
    "ModifierCell",
    "RNNCell",
    "RecurrentCell",
    "ResidualCell",
    "SequentialRNNCell",
    "ZoneoutCell",
]

_MODIFIED = (
    "After applying modifier cells (e.g. ZoneoutCell) the base cell cannot be called directly. "
    "Call the modifier cell instead."
)


def _cells_state_info(cells: Any, batch_size: int) -> list:
    return sum([c.state_info(batch_size) for c in cells], [])


def _cells_begin_state(cells: Any, **kwargs: Any) -> list:
    return sum([c.begin_state(**kwargs) for c in cells], [])


def _get_begin_state(cell: Any, begin_state: Any, inputs: Any, batch_size: int) -> list:
    if begin_state is None:
        first = inputs if isinstance(inputs, torch.Tensor) else inputs[0]
        begin_state = cell.begin_state(func=nd.zeros, batch_size=batch_size, ctx=first.device)
    return begin_state


def _format_sequence(length: Any, inputs: Any, layout: str, merge: Any) -> tuple:
    """``inputs`` as one array with time on ``layout``'s axis (``merge=True``), as a list of
    steps (``merge=False``), or as given (``None``); also the time axis and the batch size."""
    if inputs is None:
        raise AssertionError(
            "unroll(inputs=None) has been deprecated. Please create input variables outside unroll."
        )
    axis = layout.find("T")
    batch_axis = layout.find("N")
    in_axis = axis
    if isinstance(inputs, torch.Tensor):
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            if length is not None and length != inputs.shape[in_axis]:
                raise AssertionError
            inputs = list(torch.unbind(inputs, dim=in_axis))
    else:
        if length is not None and len(inputs) != length:
            raise AssertionError
        batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = nd.stack(*inputs, axis=axis)
    return inputs, axis, batch_size


def _mask_sequence_variable_length(
    data: Any, length: int, valid_length: Any, time_axis: int, merge: bool
) -> Any:
    if not isinstance(data, torch.Tensor):
        data = nd.stack(*data, axis=time_axis)
    outputs = SequenceMask(
        data, sequence_length=valid_length, use_sequence_length=True, axis=time_axis
    )
    if not merge:
        outputs = list(torch.unbind(outputs, dim=time_axis))
    return outputs


def _reverse_sequences(sequences: list, unroll_step: int, valid_length: Any = None) -> list:
    if valid_length is None:
        return list(reversed(sequences))
    rev = SequenceReverse(
        nd.stack(*sequences, axis=0), sequence_length=valid_length, use_sequence_length=True
    )
    return list(torch.unbind(rev, dim=0))


class RecurrentCell(Block):
    """The base class of recurrent cells: ``cell(inputs, states)`` makes one step and returns
    ``(output, new_states)``; ``unroll`` runs a whole sequence."""

    def __init__(self, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self) -> None:
        """Reset before re-using the cell for another graph."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()

    def state_info(self, batch_size: int = 0) -> list:
        """Shape and layout of each state."""
        raise NotImplementedError()

    def begin_state(self, batch_size: int = 0, func: Any = nd.zeros, **kwargs: Any) -> list:
        """The initial states, ``func(name=..., shape=..., **kwargs)`` each (zeros by default)."""
        if self._modified:
            raise AssertionError(_MODIFIED)
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            if info is not None:
                info.update(kwargs)
            else:
                info = kwargs
            name = f"{self._prefix}begin_state_{self._init_counter}"
            states.append(as_frontend(func(name=name, **info)))
        return states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        """Run ``length`` steps over ``inputs`` (one array in ``layout`` or a list of steps).
        Returns ``(outputs, states)``: outputs merged into one array (``merge_outputs=True``),
        a list (``False``) or as the inputs came (``None``). With ``valid_length`` (one length
        per sequence), outputs past a sequence's length are zeros and the states are those of
        its last valid step."""
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, begin_state, inputs, batch_size)
        outputs = []
        all_states = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [
                SequenceLast(
                    nd.stack(*ele_list, axis=0),
                    sequence_length=valid_length,
                    use_sequence_length=True,
                    axis=0,
                )
                for ele_list in zip(*all_states)
            ]
            outputs = _mask_sequence_variable_length(outputs, length, valid_length, axis, True)
        outputs, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return as_frontend(outputs), as_frontend(list(states))

    def _get_activation(self, F: Any, inputs: Any, activation: Any, **kwargs: Any) -> Any:  # noqa: N803
        """``activation`` (a name, a LeakyReLU block, or a callable) applied to ``inputs``."""
        func = {"tanh": F.tanh, "relu": F.relu, "sigmoid": F.sigmoid, "softsign": F.softsign}
        if isinstance(activation, str) and activation in func:
            return func[activation](inputs)
        if isinstance(activation, str):
            return F.Activation(inputs, act_type=activation)
        if isinstance(activation, LeakyReLU):
            return F.LeakyReLU(inputs, act_type="leaky", slope=activation._alpha)
        return activation(inputs, **kwargs)

    def forward(self, inputs: Any, states: Any) -> Any:
        """One step: ``(output, new_states)``."""
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell written as ``hybrid_forward(F, inputs, states, **params)``."""

    def __init__(self, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N803
        raise NotImplementedError


class _GatedCell(HybridRecurrentCell):
    """The parameters (``i2h_weight``, ``h2h_weight``, ``i2h_bias``, ``h2h_bias``) and shape
    inference shared by RNNCell, LSTMCell and GRUCell."""

    _gates = 1

    def _make_params(  # noqa: PLR0913
        self,
        hidden_size: int,
        input_size: int,
        i2h_weight_initializer: Any,
        h2h_weight_initializer: Any,
        i2h_bias_initializer: Any,
        h2h_bias_initializer: Any,
    ) -> None:
        self._hidden_size = hidden_size
        self._input_size = input_size
        n = self._gates * hidden_size
        self.i2h_weight = self.params.get(
            "i2h_weight",
            shape=(n, input_size),
            init=i2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.h2h_weight = self.params.get(
            "h2h_weight",
            shape=(n, hidden_size),
            init=h2h_weight_initializer,
            allow_deferred_init=True,
        )
        self.i2h_bias = self.params.get(
            "i2h_bias", shape=(n,), init=i2h_bias_initializer, allow_deferred_init=True
        )
        self.h2h_bias = self.params.get(
            "h2h_bias", shape=(n,), init=h2h_bias_initializer, allow_deferred_init=True
        )

    def infer_shape(self, inputs: Any, *args: Any) -> None:
        # FullyConnected flattens the step's input.
        self.i2h_weight.shape = (self.i2h_weight.shape[0], int(numpy.prod(inputs.shape[1:])))

    def state_info(self, batch_size: int = 0) -> list:
        return [{"shape": (batch_size, self._hidden_size), "__layout__": "NC"}]

    def __repr__(self) -> str:
        shape = self.i2h_weight.shape
        mapping = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        act = getattr(self, "_activation", None)
        extra = f", {act}" if type(self) is RNNCell else ""
        return f"{self.__class__.__name__}({mapping}{extra})"


class RNNCell(_GatedCell):
    """Elman RNN cell: ``h' = activation(i2h(x) + h2h(h))``."""

    def __init__(  # noqa: PLR0913
        self,
        hidden_size: int,
        activation: Any = "tanh",
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._activation = activation
        self._make_params(
            hidden_size, input_size, i2h_weight_initializer, h2h_weight_initializer,
            i2h_bias_initializer, h2h_bias_initializer,
        )  # fmt: skip

    def _alias(self) -> str:
        return "rnn"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):  # noqa: N803
        x = inputs.reshape(inputs.shape[0], -1)
        kernel = {"tanh": torch.rnn_tanh_cell, "relu": torch.rnn_relu_cell}.get(
            self._activation if isinstance(self._activation, str) else None
        )
        if kernel is not None:
            output = kernel(x, states[0], i2h_weight, h2h_weight, i2h_bias, h2h_bias)
        else:
            i2h = F.FullyConnected(x, i2h_weight, i2h_bias, num_hidden=self._hidden_size)
            h2h = F.FullyConnected(states[0], h2h_weight, h2h_bias, num_hidden=self._hidden_size)
            output = self._get_activation(F, i2h + h2h, self._activation)
        return output, [output]


class LSTMCell(_GatedCell):
    """LSTM cell (gates i, f, g, o); states ``[h, c]``."""

    _gates = 4

    def __init__(  # noqa: PLR0913
        self,
        hidden_size: int,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: str | None = None,
        params: Any = None,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._make_params(
            hidden_size, input_size, i2h_weight_initializer, h2h_weight_initializer,
            i2h_bias_initializer, h2h_bias_initializer,
        )  # fmt: skip
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def state_info(self, batch_size: int = 0) -> list:
        shape = (batch_size, self._hidden_size)
        return [{"shape": shape, "__layout__": "NC"}, {"shape": shape, "__layout__": "NC"}]

    def _alias(self) -> str:
        return "lstm"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):  # noqa: N803
        x = inputs.reshape(inputs.shape[0], -1)
        if self._activation == "tanh" and self._recurrent_activation == "sigmoid":
            h, c = torch.lstm_cell(
                x, (states[0], states[1]), i2h_weight, h2h_weight, i2h_bias, h2h_bias
            )
            return h, [h, c]
        nh = self._hidden_size * 4
        gates = F.FullyConnected(x, i2h_weight, i2h_bias, num_hidden=nh) + F.FullyConnected(
            states[0], h2h_weight, h2h_bias, num_hidden=nh
        )
        i, f, g, o = torch.chunk(gates, 4, dim=1)
        in_gate = self._get_activation(F, i, self._recurrent_activation)
        forget_gate = self._get_activation(F, f, self._recurrent_activation)
        in_transform = self._get_activation(F, g, self._activation)
        out_gate = self._get_activation(F, o, self._recurrent_activation)
        next_c = forget_gate * states[1] + in_gate * in_transform
        next_h = out_gate * F.Activation(next_c, act_type=self._activation)
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """GRU cell, cuDNN's variant as in MXNet (gates r, z, n; the reset gate multiplies the
    recurrent product plus its bias)."""

    _gates = 3

    def __init__(  # noqa: PLR0913
        self,
        hidden_size: int,
        i2h_weight_initializer: Any = None,
        h2h_weight_initializer: Any = None,
        i2h_bias_initializer: Any = "zeros",
        h2h_bias_initializer: Any = "zeros",
        input_size: int = 0,
        prefix: str | None = None,
        params: Any = None,
    ) -> None:
        super().__init__(prefix=prefix, params=params)
        self._make_params(
            hidden_size, input_size, i2h_weight_initializer, h2h_weight_initializer,
            i2h_bias_initializer, h2h_bias_initializer,
        )  # fmt: skip

    def _alias(self) -> str:
        return "gru"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):  # noqa: N803
        x = inputs.reshape(inputs.shape[0], -1)
        h = torch.gru_cell(x, states[0], i2h_weight, h2h_weight, i2h_bias, h2h_bias)
        return h, [h]


class _SequentialMixin:
    """Stepping and unrolling a stack of cells (SequentialRNNCell, HybridSequentialRNNCell)."""

    def __repr__(self) -> str:
        modstr = "\n".join(f"({i}): {_indent(repr(m), 2)}" for i, m in self._children.items())
        return f"{self.__class__.__name__}(\n{modstr}\n)"

    def add(self, cell: Any) -> None:
        """Append a cell to the stack."""
        self.register_child(cell)

    def state_info(self, batch_size: int = 0) -> list:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise AssertionError(_MODIFIED)
        return _cells_begin_state(self._children.values(), **kwargs)

    def __call__(self, inputs: Any, states: Any) -> tuple:
        self._counter += 1
        next_states = []
        p = 0
        if any(isinstance(cell, BidirectionalCell) for cell in self._children.values()):
            raise AssertionError
        for cell in self._children.values():
            n = len(cell.state_info())
            state = states[p : p + n]
            p += n
            inputs, state = cell(inputs, state)
            next_states.append(state)
        return inputs, sum(next_states, [])

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        self.reset()
        inputs, _, batch_size = _format_sequence(length, inputs, layout, None)
        num_cells = len(self._children)
        begin_state = _get_begin_state(self, begin_state, inputs, batch_size)
        p = 0
        next_states = []
        for i, cell in enumerate(self._children.values()):
            n = len(cell.state_info())
            states = begin_state[p : p + n]
            p += n
            inputs, states = cell.unroll(
                length,
                inputs=inputs,
                begin_state=states,
                layout=layout,
                merge_outputs=None if i < num_cells - 1 else merge_outputs,
                valid_length=valid_length,
            )
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, i: int) -> Any:
        return self._children[str(i)]

    def __len__(self) -> int:
        return len(self._children)


class SequentialRNNCell(_SequentialMixin, RecurrentCell):
    """A stack of recurrent cells, stepped together."""

    def hybrid_forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class HybridSequentialRNNCell(_SequentialMixin, HybridRecurrentCell):
    """A stack of hybrid recurrent cells, stepped together."""

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        return self.__call__(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs (in training mode); no states."""

    def __init__(
        self, rate: float, axes: Any = (), prefix: str | None = None, params: Any = None
    ) -> None:
        super().__init__(prefix, params)
        if not isinstance(rate, numbers.Number):
            raise AssertionError("rate must be a number")
        self._rate = rate
        self._axes = axes

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(rate={self._rate}, axes={self._axes})"

    def state_info(self, batch_size: int = 0) -> list:
        return []

    def _alias(self) -> str:
        return "dropout"

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        if self._rate > 0:
            inputs = F.Dropout(inputs, p=self._rate, axes=self._axes)
        return inputs, states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        self.reset()
        inputs, _, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, torch.Tensor):
            out, states = self.hybrid_forward(nd, inputs, begin_state if begin_state else [])
            return as_frontend(out), states
        return super().unroll(
            length,
            inputs,
            begin_state=begin_state,
            layout=layout,
            merge_outputs=merge_outputs,
            valid_length=None,
        )


class ModifierCell(HybridRecurrentCell):
    """The base of cells that wrap another cell (``base_cell``) and share its parameters."""

    def __init__(self, base_cell: Any) -> None:
        if base_cell._modified:
            raise AssertionError(
                f"Cell {base_cell.name} is already modified. One cell cannot be modified twice"
            )
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self) -> Any:
        return self.base_cell.params

    def state_info(self, batch_size: int = 0) -> list:
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func: Any = nd.zeros, **kwargs: Any) -> list:
        if self._modified:
            raise AssertionError(_MODIFIED)
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.base_cell})"


class ZoneoutCell(ModifierCell):
    """Zoneout (in training mode): each output and state keeps its previous value with
    probability ``zoneout_outputs`` / ``zoneout_states``."""

    def __init__(
        self, base_cell: Any, zoneout_outputs: float = 0.0, zoneout_states: float = 0.0
    ) -> None:
        if isinstance(base_cell, BidirectionalCell):
            raise AssertionError(
                "BidirectionalCell doesn't support zoneout since it doesn't support step. "
                "Please add ZoneoutCell to the cells underneath instead."
            )
        if isinstance(base_cell, SequentialRNNCell) and base_cell._bidirectional:
            raise AssertionError(
                "Bidirectional SequentialRNNCell doesn't support zoneout. Please add "
                "ZoneoutCell to the cells underneath instead."
            )
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(p_out={self.zoneout_outputs}, "
            f"p_state={self.zoneout_states}, {self.base_cell})"
        )

    def _alias(self) -> str:
        return "zoneout"

    def reset(self) -> None:
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        cell, p_outputs, p_states = self.base_cell, self.zoneout_outputs, self.zoneout_states
        next_output, next_states = cell(inputs, states)

        def mask(p: float, like: Any) -> Any:
            return F.Dropout(F.ones_like(like), p=p)

        prev_output = self._prev_output
        if prev_output is None:
            prev_output = F.zeros_like(next_output)
        output = (
            F.where(mask(p_outputs, next_output), next_output, prev_output)
            if p_outputs != 0.0
            else next_output
        )
        if p_states != 0.0:
            states = [
                F.where(mask(p_states, new_s), new_s, old_s)
                for new_s, old_s in zip(next_states, states)
            ]
        else:
            states = next_states
        self._prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the inputs to the base cell's outputs (the output size must equal the input's)."""

    def hybrid_forward(self, F: Any, inputs: Any, states: Any) -> Any:  # noqa: N803
        output, states = self.base_cell(inputs, states)
        return F.elemwise_add(output, inputs), states

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(
                length,
                inputs=inputs,
                begin_state=begin_state,
                layout=layout,
                merge_outputs=merge_outputs,
                valid_length=valid_length,
            )
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, torch.Tensor)
        inputs, axis, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = _mask_sequence_variable_length(
                inputs, length, valid_length, axis, merge_outputs
            )
        if merge_outputs:
            outputs = outputs + inputs
        else:
            outputs = [i + j for i, j in zip(outputs, inputs)]
        return as_frontend(outputs), states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time and concatenates their outputs;
    it can only be unrolled."""

    def __init__(self, l_cell: Any, r_cell: Any, output_prefix: str = "bi_") -> None:
        super().__init__(prefix="", params=None)
        self.register_child(l_cell, "l_cell")
        self.register_child(r_cell, "r_cell")
        self._output_prefix = output_prefix

    def __call__(self, inputs: Any, states: Any) -> Any:
        raise NotImplementedError("Bidirectional cannot be stepped. Please use unroll")

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(forward={self._children['l_cell']}, "
            f"backward={self._children['r_cell']})"
        )

    def state_info(self, batch_size: int = 0) -> list:
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs: Any) -> list:
        if self._modified:
            raise AssertionError(_MODIFIED)
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(
        self,
        length: int,
        inputs: Any,
        begin_state: Any = None,
        layout: str = "NTC",
        merge_outputs: bool | None = None,
        valid_length: Any = None,
    ) -> tuple:
        self.reset()
        inputs, axis, batch_size = _format_sequence(length, inputs, layout, False)
        reversed_inputs = _reverse_sequences(inputs, length, valid_length)
        states = _get_begin_state(self, begin_state, inputs, batch_size)
        l_cell, r_cell = self._children.values()
        n_l = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(
            length,
            inputs=inputs,
            begin_state=states[:n_l],
            layout=layout,
            merge_outputs=merge_outputs,
            valid_length=valid_length,
        )
        r_outputs, r_states = r_cell.unroll(
            length,
            inputs=reversed_inputs,
            begin_state=states[n_l:],
            layout=layout,
            merge_outputs=False,
            valid_length=valid_length,
        )
        reversed_r_outputs = _reverse_sequences(r_outputs, length, valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, torch.Tensor)
            l_outputs, _, _ = _format_sequence(None, l_outputs, layout, merge_outputs)
            reversed_r_outputs, _, _ = _format_sequence(
                None, reversed_r_outputs, layout, merge_outputs
            )
        if merge_outputs:
            if isinstance(reversed_r_outputs, torch.Tensor):
                if axis != 0:
                    # MXNet 1.9.1 re-stacks the merged array's first axis onto the time axis
                    # here: an error, or transposed outputs when batch size equals length.
                    raise MXNetError(
                        "BidirectionalCell.unroll: MXNet 1.9.1 cannot merge these outputs "
                        f"(merge_outputs=None, valid_length given, layout {layout!r}). Hint: "
                        "pass merge_outputs=True/False, or use layout 'TNC'."
                    )
            else:
                reversed_r_outputs = nd.stack(*reversed_r_outputs, axis=axis)
            outputs = torch.cat([l_outputs, reversed_r_outputs], dim=2)
        else:
            outputs = [torch.cat([lo, ro], dim=1) for lo, ro in zip(l_outputs, reversed_r_outputs)]
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(
                outputs, length, valid_length, axis, merge_outputs
            )
        return as_frontend(outputs), as_frontend(list(l_states) + list(r_states))
