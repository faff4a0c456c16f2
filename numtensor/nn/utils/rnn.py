"""numtensor.nn.utils.rnn: PackedSequence and the functions that pack, pad and unpad batches of
variable-length sequences (PyTorch's API).

A packed batch keeps, time step after time step, the rows of the sequences still running at
that step, longest sequences first; batch_sizes[t] is how many there are.  The bookkeeping
(lengths, batch sizes, which padded row goes where) lives in small int64 CPU tensors, as in
PyTorch; the data moves with one differentiable index_select, so autograd needs nothing more."""
from collections import namedtuple
from collections.abc import Iterable

from ... import (arange, as_tensor, cat, empty_like, float16, float32, float64, int8, int16,
                  int32, int64, sort, stack, uint8, where)
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence_",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """The data and batch sizes of a packed batch, as made by pack_padded_sequence and
    pack_sequence.  data may be on any device and of any dtype; batch_sizes is an int64 CPU
    tensor; sorted_indices (the batch order inside, longest first) and its inverse
    unsorted_indices are None when the batch came in already sorted."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # PackedSequence((data, batch_sizes), sorted_indices)
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data):
        """self with data converted: the index tensors follow data's device, batch_sizes
        stays on the CPU."""
        if data is self.data:
            return self
        move = (lambda t: None if t is None else t.to(data.device))
        return type(self)(data, self.batch_sizes, move(self.sorted_indices),
                          move(self.unsorted_indices))

    def to(self, *args, **kwargs):
        """Tensor.to on data (same arguments); self when nothing changes."""
        return self._with_data(self.data.to(*args, **kwargs))

    def cuda(self, *args, **kwargs):
        return self._with_data(self.data.cuda(*args, **kwargs))

    def cpu(self, *args, **kwargs):
        return self._with_data(self.data.cpu(*args, **kwargs))

    def double(self):
        return self.to(dtype=float64)

    def float(self):
        return self.to(dtype=float32)

    def half(self):
        return self.to(dtype=float16)

    def long(self):
        return self.to(dtype=int64)

    def int(self):
        return self.to(dtype=int32)

    def short(self):
        return self.to(dtype=int16)

    def char(self):
        return self.to(dtype=int8)

    def byte(self):
        return self.to(dtype=uint8)

    @property
    def is_cuda(self):
        """Whether data is on a GPU."""
        return self.data.is_cuda


def invert_permutation(permutation):
    """The inverse of a 1-D permutation tensor (None stays None)."""
    if permutation is None:
        return None
    output = empty_like(permutation)
    output.scatter_(0, permutation, arange(permutation.numel(), device=permutation.device))
    return output


def _running(lengths, steps):
    """(steps, B) bool CPU tensor: whether sequence i (of length lengths[i]) runs at step t."""
    return arange(steps).unsqueeze(1) < lengths.unsqueeze(0)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack input (T, B, *) (batch_first: (B, T, *)) holding B padded sequences of the given
    lengths (a list or a CPU tensor).  With enforce_sorted=False the batch is sorted here,
    longest first, and the PackedSequence records that order."""
    if isinstance(lengths, Tensor):
        lengths = lengths.to(dtype=int64)
    else:
        lengths = as_tensor(lengths, dtype=int64, device="cpu")
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = sort(lengths, descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    x = input.transpose(0, 1) if batch_first else input
    # PyTorch's checks (aten _pack_padded_sequence), in its order
    if lengths.dim() != 1 or lengths.device.type != "cpu":
        raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths.dim()}D {lengths.device} Long tensor")
    batch = x.size(1)
    if x.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    if lengths.size(0) != batch:
        raise RuntimeError("Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lengths.size(0)} (batch_size={batch})")
    sizes = lengths.tolist()
    if sizes[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if any(a < b for a, b in zip(sizes, sizes[1:])):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is "
            "True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or "
            "pack_sequence to sidestep this requirement if you do not need ONNX exportability.")
    running = _running(lengths, sizes[0])
    # the running rows of the time-major (T * B, *) view, in time-step order
    rows = running.reshape(-1).nonzero().squeeze(1).to(x.device)
    data = x.narrow(0, 0, sizes[0]).reshape((sizes[0] * batch,) + tuple(x.shape[2:]))
    return PackedSequence(data.index_select(0, rows), running.sum(1), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo pack_padded_sequence: (padded (T, B, *) (batch_first: (B, T, *)), lengths), the
    batch back in its original order; T is total_length when given."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{max_seq_length}")
        max_seq_length = total_length
    data, batch_sizes = sequence.data, sequence.batch_sizes
    batch = int(batch_sizes[0])
    lengths = (batch_sizes.unsqueeze(0) > arange(batch).unsqueeze(1)).sum(1)
    running = _running(lengths, max_seq_length).reshape(-1)
    # each padded row's packed row, or the padding row appended after the data
    rows = where(running, running.cumsum(0) - 1, data.size(0)).to(data.device)
    trailing = tuple(data.shape[1:])
    padded = cat([data, data.new_full((1,) + trailing, padding_value)]).index_select(0, rows)
    padded = padded.reshape((max_seq_length, batch) + trailing)
    if batch_first:
        padded = padded.transpose(0, 1)
    unsorted_indices = sequence.unsorted_indices
    if unsorted_indices is None:
        return padded, lengths
    return (padded.index_select(0 if batch_first else 1, unsorted_indices),
            lengths.index_select(0, unsorted_indices.cpu()))


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences (L_i, *) into (T, B, *) (batch_first: (B, T, *)), each padded with
    padding_value on padding_side up to the longest length T; dtype of the first one."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError("pad_sequence: Expected iterable for input sequences, but got arg "
                           f"of type: {type(sequences)}")
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError("Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    first = sequences[0]
    longest = max(seq.size(0) for seq in sequences)
    padded = []
    for seq in sequences:
        pad = first.new_full((longest - seq.size(0),) + tuple(first.shape[1:]), padding_value)
        pieces = [seq.to(first.dtype), pad]
        padded.append(cat(pieces if padding_side == "right" else pieces[::-1]))
    return stack(padded, 0 if batch_first else 1)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch into its sequences, each cut to its length.  Unlike PyTorch,
    padded_sequences is left as it is (PyTorch transposes it in place when not batch_first)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    idx = arange(padded_sequences.shape[1], device=lengths.device)
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths, strict=True)]


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence(pad_sequence(sequences), their lengths)."""
    lengths = as_tensor([seq.size(0) for seq in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences of a PackedSequence, in their original order."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
