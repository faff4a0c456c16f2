"""Recurrent layers: RNN, LSTM, GRU and their single-step cells RNNCell, LSTMCell, GRUCell.

Every step is composed of ordinary tensor ops (linear, sigmoid, tanh, chunk, stack), so the
layers run on each backend and autograd differentiates them with no extra code.  As in
PyTorch's CPU path, the input-to-hidden products of all time steps of a layer are one matmul;
only the hidden-to-hidden product is computed step by step.

A PackedSequence input runs the same steps over its packed rows: the batch shrinks as the
sequences end (they are sorted longest first), so each one's final state is taken at its own
last step."""
import math
import numbers
import warnings
from collections import namedtuple

from ... import cat, empty, float32, stack, zeros
from ...ops.joining import stack_as
from ..._tensor import Tensor
from .. import functional as F, init
from ..utils.rnn import PackedSequence
from ..parameter import Parameter
from .module import Module

# One layer-direction's parameters; absent ones (no bias, no projection) are None.
_Weights = namedtuple("_Weights", ["w_ih", "w_hh", "b_ih", "b_hh", "w_hr"])


# ---- one time step ------------------------------------------------------------------------
# Each step takes the input's gate pre-activations x_gates (x @ W_ih.T + b_ih) for one time
# step, the state tuple ((h,) or (h, c)) and the weights, and returns the new state tuple.
# The formulas and their order of operations are PyTorch's (aten/src/ATen/native/RNN.cpp).
def _tanh_step(x_gates, state, w):
    return (F.linear(state[0], w.w_hh, w.b_hh).add(x_gates).tanh(),)


def _relu_step(x_gates, state, w):
    return (F.linear(state[0], w.w_hh, w.b_hh).add(x_gates).relu(),)


def _lstm_step(x_gates, state, w):
    h, c = state
    gates = F.linear(h, w.w_hh, w.b_hh).add(x_gates)
    in_gate, forget_gate, cell_gate, out_gate = gates.chunk(4, 1)
    c = forget_gate.sigmoid() * c + in_gate.sigmoid() * cell_gate.tanh()
    h = out_gate.sigmoid() * c.tanh()
    if w.w_hr is not None:  # proj_size > 0: the hidden state is projected down
        h = F.linear(h, w.w_hr)
    return h, c


def _gru_step(x_gates, state, w):
    h = state[0]
    x_r, x_z, x_n = x_gates.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w.w_hh, w.b_hh).chunk(3, 1)
    reset = (h_r + x_r).sigmoid()
    update = (h_z + x_z).sigmoid()
    new = (x_n + h_n * reset).tanh()  # b_hn stays inside the reset product, as in PyTorch
    return ((h - new) * update + new,)


_STEPS = {"RNN_TANH": _tanh_step, "RNN_RELU": _relu_step, "LSTM": _lstm_step, "GRU": _gru_step}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rows(state, start, length):
    """Rows start .. start+length-1 (sequences of the batch) of every tensor of a state."""
    return tuple(s.narrow(0, start, length) for s in state)


def _run_direction(step, x, state, w, reverse, batch_sizes):
    """One direction of one layer over packed rows x (sum(batch_sizes), H_in): time step t
    holds the first batch_sizes[t] sequences, those still running (a padded batch of N has
    every batch size N).  Returns the output of each time step (batch_sizes[t], H_out) and
    the final state tuple (N, H), each sequence's taken at its own last step."""
    x_gates = F.linear(x, w.w_ih, w.b_ih).split(batch_sizes)  # all time steps in one matmul
    initial = state
    if reverse:  # starts at the last step, where only the longest sequences run
        state = _rows(state, 0, batch_sizes[-1])
    times = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    ended = []  # forward: final states of the sequences that ended, shortest first
    outputs = [None] * len(batch_sizes)
    for t in times:
        running, n = batch_sizes[t], state[0].size(0)
        if running < n:  # forward: sequences running .. n-1 ended at step t - 1
            ended.append(_rows(state, running, n - running))
            state = _rows(state, 0, running)
        elif running > n:  # reverse: sequences n .. running-1 start here from their hx
            state = tuple(cat([s, h.narrow(0, n, running - n)]) for s, h in zip(state, initial))
        state = step(x_gates[t], state, w)
        outputs[t] = state[0]
    if ended:
        state = tuple(cat(parts) for parts in zip(state, *reversed(ended)))
    return outputs, state


def _unsupported_input(input):
    """Another library's PackedSequence (torch's, say) holds no numtensor tensors."""
    if not isinstance(input, Tensor) and hasattr(input, "batch_sizes"):
        raise RuntimeError(f"expected a numtensor PackedSequence (numtensor.nn.utils.rnn), "
                           f"got {type(input).__module__}.{type(input).__qualname__}")


# ---- the multi-layer modules ----------------------------------------------------------------
class RNNBase(Module):
    """Base class of RNN, LSTM and GRU: the parameters of every layer and direction, their
    initialisation, the argument checks and the layer stack that forward runs.

    mode is 'RNN_TANH', 'RNN_RELU', 'LSTM' or 'GRU'.  The parameters of layer k are
    weight_ih_lk, weight_hh_lk, bias_ih_lk, bias_hh_lk (and weight_hr_lk when proj_size > 0),
    with the suffix _reverse for the backward direction; all are drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) in registration order, as PyTorch does."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._check_arguments(dropout)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                self._register_layer(layer, direction, device, dtype)
        self.reset_parameters()

    def _check_arguments(self, dropout):
        """PyTorch's checks of the constructor's arguments, in its order."""
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and self.num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={self.num_layers}", stacklevel=4)
        for name in ("bias", "batch_first"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise TypeError(f"{name} should be of type bool, got: {type(value).__name__}")
        for name in ("input_size", "hidden_size"):
            value = getattr(self, name)
            if not isinstance(value, int):
                raise TypeError(f"{name} should be of type int, got: {type(value).__name__}")
            if value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if self.num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if self.proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if self.proj_size >= self.hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")

    def _register_layer(self, layer, direction, device, dtype):
        """Create and register one layer-direction's parameters in PyTorch's order."""
        gate_size = _GATES[self.mode] * self.hidden_size
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        num_directions = 2 if self.bidirectional else 1
        layer_input_size = self.input_size if layer == 0 else real_hidden_size * num_directions
        shapes = [("weight_ih", (gate_size, layer_input_size)),
                  ("weight_hh", (gate_size, real_hidden_size))]
        if self.bias:
            shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
        if self.proj_size > 0:
            shapes += [("weight_hr", (self.proj_size, self.hidden_size))]
        suffix = "_reverse" if direction == 1 else ""
        names = []
        for kind, shape in shapes:
            name = f"{kind}_l{layer}{suffix}"
            setattr(self, name, Parameter(empty(shape, device=device, dtype=dtype)))
            names.append(name)
        self._flat_weights_names.extend(names)
        self._all_weights.append(names)

    @property
    def _flat_weights(self):
        """Every parameter in PyTorch's flat order (read fresh: never a stale copy)."""
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        """The parameters as one list per layer-direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self):
        """A no-op: the parameters are never packed into one cuDNN buffer here."""

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _layer_weights(self, index):
        # names are '<kind>_l<layer>[_reverse]', kind one of weight_ih ... weight_hr
        found = {name.partition("_l")[0]: getattr(self, name)
                 for name in self._all_weights[index]}
        return _Weights(found["weight_ih"], found["weight_hh"], found.get("bias_ih"),
                        found.get("bias_hh"), found.get("weight_hr"))

    # ---- argument checks of forward ---------------------------------------------------
    def check_input(self, input, batch_sizes):
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), or "
                             f"convert model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, "
                               f"got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError("input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input, batch_sizes):
        if batch_sizes is not None:
            mini_batch = int(batch_sizes[0])
        else:
            mini_batch = input.size(0) if self.batch_first else input.size(1)
        num_directions = 2 if self.bidirectional else 1
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * num_directions, mini_batch, size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != tuple(expected_hidden_size):
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx, permutation):
        """hx with its batch (dim 1) reordered: packed sequences keep theirs sorted."""
        return hx if permutation is None else hx.index_select(1, permutation)

    # ---- the computation --------------------------------------------------------------
    def _run(self, x, states, batch_sizes, padded=False):
        """The layers over packed rows x (sum(batch_sizes), H_in); states: one tuple of (N, H)
        tensors per layer-direction.  Returns the output rows, or with `padded` (every
        time step holds the whole batch) the output (L, N, H_out) as PyTorch assembles it,
        and the final state tuples."""
        step = _STEPS[self.mode]
        num_directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(num_directions):
                index = layer * num_directions + direction
                steps, final = _run_direction(step, x, states[index],
                                              self._layer_weights(index), direction == 1,
                                              batch_sizes)
                outputs.append(steps)
                finals.append(final)
            if padded and layer == self.num_layers - 1:
                return self._padded_output(outputs), finals
            rows = [cat(steps, 0) for steps in outputs]
            x = rows[0] if num_directions == 1 else cat(rows, 1)
            # dropout between layers, never after the last one
            if self.dropout != 0 and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, True)
        return x, finals

    def _one_layer_kernel(self, dtype):
        """Whether PyTorch's CPU build runs this module as oneDNN's fused LSTM layer, whose
        output node is MkldnnRnnLayerBackward0: a float32 LSTM without projections."""
        return self.mode == "LSTM" and self.proj_size == 0 and dtype == float32

    def _padded_output(self, outputs):
        """The last layer's output (L, N, H_out) from each direction's time steps: the
        steps stacked, and the directions joined along the features, as PyTorch records
        them (StackBackward0, CatBackward0; oneDNN's LSTM layer: MkldnnRnnLayerBackward0)."""
        if len(outputs) == 2:
            return cat([stack(steps, 0) for steps in outputs], 2)
        if self._one_layer_kernel(outputs[0][0].dtype):
            return stack_as(outputs[0], 0, "MkldnnRnnLayerBackward0")
        return stack(outputs[0], 0)

    def _run_hidden(self, x, hx, batch_sizes, padded=False):
        """_run with the state as forward takes and returns it: h, or (h, c) for LSTM."""
        lstm = self.mode == "LSTM"
        states = list(zip(*(h.unbind(0) for h in (hx if lstm else (hx,)))))
        output, finals = self._run(x, states, batch_sizes, padded)
        hidden = tuple(stack(parts, 0) for parts in zip(*finals))
        return output, hidden if lstm else hidden[0]

    def _run_padded(self, input, hx):
        """_run_hidden on input (L, N, H_in) (batch_first: (N, L, H_in)): a padded batch is
        a packed one whose every time step holds all N sequences."""
        if input.size(1 if self.batch_first else 0) == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x = input.transpose(0, 1) if self.batch_first else input
        length, batch = x.shape[:2]
        output, hidden = self._run_hidden(x.reshape(length * batch, x.size(2)), hx,
                                          [batch] * length, padded=True)
        if self.batch_first:  # PyTorch's LSTM transposes out of place, RNN and GRU in place
            if self.mode == "LSTM":
                output = output.transpose(0, 1)
            else:
                output.transpose_(0, 1)
        return output, hidden

    def _forward_packed(self, input, hx):
        """forward on a PackedSequence.  Inside it the batch is in sorted_indices order, so
        hx is permuted into that order and the final state back out of it, as in PyTorch."""
        data, batch_sizes, sorted_indices, unsorted_indices = input
        if hx is None:
            hx = self._zero_state(data, batch_sizes)
        else:
            hx = self.permute_hidden(hx, sorted_indices)
        self.check_forward_args(data, hx, batch_sizes)
        output, hidden = self._run_hidden(data, hx, batch_sizes.tolist())
        return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                self.permute_hidden(hidden, unsorted_indices))

    def _zero_hidden(self, input, size, batch_sizes=None):
        shape = self.get_expected_hidden_size(input, batch_sizes)[:2] + (size,)
        return zeros(shape, dtype=input.dtype, device=input.device)

    def _zero_state(self, input, batch_sizes=None):
        """The default initial state: zeros h, or (h, c) for LSTM."""
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        h = self._zero_hidden(input, real_hidden_size, batch_sizes)
        if self.mode != "LSTM":
            return h
        return h, self._zero_hidden(input, self.hidden_size, batch_sizes)

    def _forward_single_state(self, input, hx, dims_message):
        """forward of RNN and GRU, whose state is one tensor h."""
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        _unsupported_input(input)
        if input.dim() not in (2, 3):
            raise ValueError(dims_message.format(input.dim()))
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError("For unbatched 2-D input, hx should also be 2-D but got "
                                       f"{hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError("For batched 3-D input, hx should also be 3-D but got "
                               f"{hx.dim()}-D tensor")
        if hx is None:
            hx = self._zero_state(input)
        self.check_forward_args(input, hx, None)
        output, hidden = self._run_padded(input, hx)
        if not is_batched:
            output = output.squeeze(batch_dim)
            hidden = hidden.squeeze(1)
        return output, hidden

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act tanh or relu.

    forward(input, hx=None) takes input (L, N, H_in) (batch_first: (N, L, H_in)) or unbatched
    (L, H_in), and hx (num_layers * num_directions, N, hidden_size) (zeros if omitted); it
    returns (output, h_n) with output (L, N, num_directions * hidden_size)."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        return self._forward_single_state(
            input, hx, "RNN: Expected input to be 2D or 3D, got {}D tensor instead")


class LSTM(RNNBase):
    """Long short-term memory, gates in PyTorch's order i, f, g, o:
    c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)  (then h_t W_hr^T when proj_size > 0).

    forward(input, hx=None) takes hx as a tuple (h_0, c_0) (zeros if omitted) and returns
    (output, (h_n, c_n)); h has proj_size features when proj_size > 0, else hidden_size."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)

    def get_expected_cell_size(self, input, batch_sizes):
        return self.get_expected_hidden_size(input, batch_sizes)[:2] + (self.hidden_size,)

    def check_forward_args(self, input, hidden, batch_sizes):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def permute_hidden(self, hx, permutation):
        if permutation is None:
            return hx
        return hx[0].index_select(1, permutation), hx[1].index_select(1, permutation)

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        _unsupported_input(input)
        if input.dim() not in (2, 3):
            raise ValueError(f"LSTM: Expected input to be 2D or 3D, got {input.dim()}D instead")
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            hx = self._zero_state(input)
        else:
            want = 3 if is_batched else 2
            if hx[0].dim() != want or hx[1].dim() != want:
                kind = "batched 3-D" if is_batched else "unbatched 2-D"
                raise RuntimeError(f"For {kind} input, hx and cx should also be {want}-D but "
                                   f"got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx, None)
        output, (h_n, c_n) = self._run_padded(input, hx)
        if not is_batched:
            output = output.squeeze(batch_dim)
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, gates in PyTorch's order r, z, n:
    n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}.

    forward(input, hx=None) has RNN's shapes and returns (output, h_n)."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def forward(self, input, hx=None):
        return self._forward_single_state(
            input, hx, "GRU: Expected input to be 2D or 3D, got {}D instead")


# ---- the cells ------------------------------------------------------------------------------
class RNNCellBase(Module):
    """Base class of the cells: weight_ih (num_chunks * hidden_size, input_size), weight_hh
    (num_chunks * hidden_size, hidden_size), bias_ih and bias_hh, all drawn from
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate_size = num_chunks * hidden_size
        self.weight_ih = Parameter(empty((gate_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((gate_size, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gate_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gate_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _weights(self):
        return _Weights(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, None)

    def _check_dims(self, name, input, hx):
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D instead")
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected hidden to be 1D or 2D, got {hx.dim()}D "
                             "instead")

    def _check_sizes(self, input, states):
        """PyTorch's checks of the batched input and of each state tensor."""
        if input.size(1) != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                               f"expected {self.input_size}")
        for label, h in enumerate(states):
            if input.size(0) != h.size(0):
                raise RuntimeError(f"Input batch size {input.size(0)} doesn't match "
                                   f"hidden{label} batch size {h.size(0)}")
            if h.size(1) != self.hidden_size:
                raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got "
                                   f"{h.size(1)}, expected {self.hidden_size}")

    def _step(self, step, input, states):
        """One step of the cell on a batched input and its state tuple."""
        self._check_sizes(input, states)
        w = self._weights()
        return step(F.linear(input, w.w_ih, w.b_ih), states, w)

    def _zero_state(self, input):
        return zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)


class RNNCell(RNNCellBase):
    """One step of an Elman RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or
    relu.  forward(input, hx=None): input (N, H_in) or (H_in), hx likewise (zeros if omitted)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        self._check_dims("RNNCell", input, hx)
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = self._zero_state(input)
        elif not is_batched:
            hx = hx.unsqueeze(0)
        steps = {"tanh": _tanh_step, "relu": _relu_step}
        if self.nonlinearity not in steps:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        (ret,) = self._step(steps[self.nonlinearity], input, (hx,))
        return ret if is_batched else ret.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o): forward(input, hx=None) with hx a tuple (h, c)
    (zeros if omitted) returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        self._check_dims("LSTMCell", input, None)
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got "
                                     f"{value.dim()}D instead")
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zero = self._zero_state(input)
            hx = (zero, zero)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        elif not isinstance(hx, (tuple, list)):
            raise TypeError("lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, "
                            f"not {type(hx).__name__}")
        h, c = self._step(_lstm_step, input, tuple(hx))
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n): forward(input, hx=None) returns h'."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        self._check_dims("GRUCell", input, hx)
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = self._zero_state(input)
        elif not is_batched:
            hx = hx.unsqueeze(0)
        (ret,) = self._step(_gru_step, input, (hx,))
        return ret if is_batched else ret.squeeze(0)
