"""numtensor.nn.utils.rnn against torch.nn.utils.rnn: padding, packing and unpacking (values,
batch sizes, sort permutations, gradients), PackedSequence itself, error types and messages,
and RNN, LSTM and GRU on packed input (outputs, final states, gradients of the input, the
initial states and the weights)."""
import inspect
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, copy_weights, raises_like, randn, torch

import numtensor.nn.utils.rnn as nt_rnn  # noqa: E402  (the submodule imports by name too)
import torch.nn.utils.rnn as torch_rnn  # noqa: E402

INPUT, HIDDEN = 3, 4
LENGTHS = [2, 5, 1, 3]  # unsorted: sorted order is 1, 3, 0, 2
SORTED_LENGTHS = [5, 3, 2, 1]


@pytest.fixture(autouse=True)
def _quiet_onednn():
    # torch's CPU LSTM says once that its oneDNN path has no projections: not our concern
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LSTM with projections")
        yield


def leaf(lib, a):
    return lib.tensor(a).requires_grad_(True)


def weighted_sum(lib, tensors, seed=7):
    """A scalar depending on every element of every tensor, with fixed random weights."""
    return sum((t * lib.tensor(randn(*t.shape, seed=seed + i, dtype=arr(t).dtype))).sum()
               for i, t in enumerate(tensors))


def assert_same_packed(got, want, atol=1e-6, rtol=1e-5):
    assert type(got).__name__ == "PackedSequence"
    assert_close(got.data, want.data, atol, rtol, msg="data")
    for field in ("batch_sizes", "sorted_indices", "unsorted_indices"):
        g, w = getattr(got, field), getattr(want, field)
        if w is None:
            assert g is None, field
        else:
            assert g.dtype == nt.int64, field
            np.testing.assert_array_equal(arr(g), arr(w), err_msg=field)
    assert got.batch_sizes.device.type == "cpu"


# ---- the module -----------------------------------------------------------------------------
def test_module_imports_and_signatures_match_torch():
    from numtensor.nn.utils.rnn import PackedSequence, pack_padded_sequence  # noqa: F401
    assert nt.nn.utils.rnn is nt_rnn
    assert nt_rnn.__all__ == torch_rnn.__all__
    for name in torch_rnn.__all__:
        got = inspect.signature(getattr(nt_rnn, name)).parameters
        want = inspect.signature(getattr(torch_rnn, name)).parameters
        assert [(p.name, p.default, p.kind) for p in got.values()] == \
            [(p.name, p.default, p.kind) for p in want.values()], name
    assert nt_rnn.PackedSequence._fields == torch_rnn.PackedSequence._fields


# ---- pad_sequence -----------------------------------------------------------------------
def sequences(lib, lengths=LENGTHS, trailing=(INPUT,), dtype=np.float32, requires_grad=True):
    seqs = [lib.tensor(randn(n, *trailing, seed=n, dtype=dtype)) for n in lengths]
    return [s.requires_grad_(True) for s in seqs] if requires_grad else seqs


@pytest.mark.parametrize("trailing", [(), (INPUT,), (2, 2)], ids=["0d", "1d", "2d"])
@pytest.mark.parametrize("padding_side", ["right", "left"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_pad_sequence_values_and_gradients(batch_first, padding_side, trailing):
    results = []
    for lib in (nt, torch):
        seqs = sequences(lib, trailing=trailing)
        out = lib.nn.utils.rnn.pad_sequence(seqs, batch_first, -1.5, padding_side)
        weighted_sum(lib, [out]).backward()
        results.append((out, [s.grad for s in seqs]))
    (got, got_grads), (want, want_grads) = results
    assert_close(got, want)
    for g, w in zip(got_grads, want_grads, strict=True):
        assert_close(g, w)


def test_pad_sequence_keeps_first_dtype_and_takes_any_iterable():
    for make in (lambda lib: lib.nn.utils.rnn.pad_sequence(
                     [lib.ones(2, 3, dtype=lib.int64), lib.ones(1, 3, dtype=lib.int64)],
                     padding_value=7.9),
                 lambda lib: lib.nn.utils.rnn.pad_sequence(
                     (lib.ones(n) for n in (2, 3)), batch_first=True),
                 lambda lib: lib.nn.utils.rnn.pad_sequence(lib.arange(6.0).reshape(2, 3))):
        got, want = make(nt), make(torch)
        assert str(got.dtype) == str(want.dtype)
        assert_close(got, want)


# ---- pack_padded_sequence and pad_packed_sequence ---------------------------------------
def padded_input(batch_first, lengths=LENGTHS, length=6):
    shape = (len(lengths), length, INPUT) if batch_first else (length, len(lengths), INPUT)
    return randn(*shape, seed=3)


@pytest.mark.parametrize("lengths_kind", ["list", "tensor", "int32_tensor"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_padded_sequence_matches_torch(enforce_sorted, batch_first, lengths_kind):
    lengths = SORTED_LENGTHS if enforce_sorted else LENGTHS
    x = padded_input(batch_first, lengths)
    results = []
    for lib in (nt, torch):
        xs = leaf(lib, x)
        lens = {"list": lambda: list(lengths), "tensor": lambda: lib.tensor(lengths),
                "int32_tensor": lambda: lib.tensor(lengths, dtype=lib.int32)}[lengths_kind]()
        packed = lib.nn.utils.rnn.pack_padded_sequence(xs, lens, batch_first, enforce_sorted)
        weighted_sum(lib, [packed.data]).backward()
        results.append((packed, xs.grad))
    (got, got_grad), (want, want_grad) = results
    assert_same_packed(got, want)
    assert_close(got_grad, want_grad)


@pytest.mark.parametrize("total_length", [None, 7])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pad_packed_sequence_inverts_packing(enforce_sorted, batch_first, total_length):
    lengths = SORTED_LENGTHS if enforce_sorted else LENGTHS
    x = padded_input(batch_first, lengths)
    results = []
    for lib in (nt, torch):
        xs = leaf(lib, x)
        packed = lib.nn.utils.rnn.pack_padded_sequence(xs, lengths, batch_first, enforce_sorted)
        padded, lens = lib.nn.utils.rnn.pad_packed_sequence(packed, batch_first, 0.25,
                                                            total_length)
        weighted_sum(lib, [padded]).backward()
        results.append((padded, lens, xs.grad))
    (got, got_lens, got_grad), (want, want_lens, want_grad) = results
    assert_close(got, want)
    assert got_lens.dtype == nt.int64 and got_lens.device.type == "cpu"
    np.testing.assert_array_equal(arr(got_lens), arr(want_lens))
    assert_close(got_grad, want_grad)


def test_packing_integer_data_and_one_feature_per_step():
    for make in (lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
                     lib.tensor([[1, 2, 0], [3, 0, 0], [4, 5, 6]]), [2, 1, 3], batch_first=True,
                     enforce_sorted=False),
                 lambda lib: lib.nn.utils.rnn.pack_padded_sequence(lib.arange(8.0).reshape(4, 2),
                                                                   [4, 1])):
        got, want = make(nt), make(torch)
        assert str(got.data.dtype) == str(want.data.dtype)
        assert_same_packed(got, want)
        for a, b in zip(nt_rnn.pad_packed_sequence(got, padding_value=-1),
                        torch_rnn.pad_packed_sequence(want, padding_value=-1)):
            np.testing.assert_array_equal(arr(a), arr(b))


@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_pack_sequence_unpack_sequence_and_unpad_sequence(enforce_sorted):
    lengths = SORTED_LENGTHS if enforce_sorted else LENGTHS
    results = []
    for lib in (nt, torch):
        seqs = sequences(lib, lengths)
        packed = lib.nn.utils.rnn.pack_sequence(seqs, enforce_sorted)
        unpacked = lib.nn.utils.rnn.unpack_sequence(packed)
        padded = lib.nn.utils.rnn.pad_sequence(seqs, batch_first=True)
        unpadded = lib.nn.utils.rnn.unpad_sequence(padded, lib.tensor(lengths), batch_first=True)
        weighted_sum(lib, unpacked + unpadded).backward()
        results.append((packed, unpacked + unpadded, [s.grad for s in seqs]))
    (got, got_seqs, got_grads), (want, want_seqs, want_grads) = results
    assert_same_packed(got, want)
    for g, w in zip(got_seqs + got_grads, want_seqs + want_grads, strict=True):
        assert_close(g, w)


def test_unpad_sequence_time_major():
    lengths = [3, 1, 2]
    got = nt_rnn.unpad_sequence(nt_rnn.pad_sequence(sequences(nt, lengths)), nt.tensor(lengths))
    want = torch_rnn.unpad_sequence(torch_rnn.pad_sequence(sequences(torch, lengths)),
                                    torch.tensor(lengths))
    for g, w in zip(got, want, strict=True):
        assert_close(g, w)


# ---- PackedSequence ---------------------------------------------------------------------
def test_packed_sequence_repr_fields_and_conversions():
    make = (lambda lib: lib.nn.utils.rnn.pack_sequence(
        [lib.tensor([1, 2, 3]), lib.tensor([4, 5]), lib.tensor([6])]))
    got, want = make(nt), make(torch)
    assert repr(got) == repr(want)
    unsorted = (lambda lib: lib.nn.utils.rnn.pack_sequence(
        [lib.tensor([4, 5]), lib.tensor([1, 2, 3])], enforce_sorted=False))
    assert repr(unsorted(nt)) == repr(unsorted(torch))
    data, batch_sizes, sorted_indices, unsorted_indices = got
    assert (sorted_indices, unsorted_indices) == (None, None)
    assert got.is_cuda is False
    assert got.to(nt.int64) is got and got.to("cpu") is got
    assert got.double().data.dtype == nt.float64 and got.float().data.dtype == nt.float32
    assert got.long() is got and got.int().data.dtype == nt.int32
    assert got.batch_sizes is batch_sizes


def test_packed_sequence_constructor_and_invert_permutation():
    data, batch_sizes = nt.arange(6.0), nt.tensor([3, 2, 1])
    p = nt_rnn.PackedSequence(data, batch_sizes, nt.tensor([2, 0, 1]))
    np.testing.assert_array_equal(arr(p.unsorted_indices), [1, 2, 0])
    q = nt_rnn.PackedSequence((data, batch_sizes))
    assert q.data is data and q.batch_sizes is batch_sizes and q.sorted_indices is None
    perm = [3, 0, 2, 1]
    np.testing.assert_array_equal(arr(nt_rnn.invert_permutation(nt.tensor(perm))),
                                  arr(torch_rnn.invert_permutation(torch.tensor(perm))))
    assert nt_rnn.invert_permutation(None) is None


# ---- errors -----------------------------------------------------------------------------
def _packed(lib):
    return lib.nn.utils.rnn.pack_padded_sequence(lib.zeros(5, 4, INPUT), SORTED_LENGTHS)


ERRORS = {
    "unsorted_lengths": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(5, 4, INPUT), LENGTHS),
    "lengths_count": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(5, 4, INPUT), [5, 2]),
    "zero_length": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(5, 3, INPUT), [5, 2, 0]),
    "negative_length_unsorted": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(5, 3, INPUT), [-1, 5, 2], enforce_sorted=False),
    "lengths_2d": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(5, 3, INPUT), lib.tensor([[5, 2, 1]])),
    "empty_input": lambda lib: lib.nn.utils.rnn.pack_padded_sequence(
        lib.zeros(0, 3, INPUT), [5, 2, 1]),
    "total_length_too_short": lambda lib: lib.nn.utils.rnn.pad_packed_sequence(
        _packed(lib), total_length=4),
    "pad_empty_list": lambda lib: lib.nn.utils.rnn.pad_sequence([]),
    "pad_not_iterable": lambda lib: lib.nn.utils.rnn.pad_sequence(3),
    "pad_bad_side": lambda lib: lib.nn.utils.rnn.pad_sequence([lib.ones(2)], padding_side="up"),
    "pack_sequence_unsorted": lambda lib: lib.nn.utils.rnn.pack_sequence(
        [lib.ones(1), lib.ones(2)]),
    "constructor_without_batch_sizes": lambda lib: lib.nn.utils.rnn.PackedSequence(
        lib.ones(3)),
    "rnn_packed_hx_batch": lambda lib: lib.nn.GRU(INPUT, HIDDEN)(
        _packed(lib), lib.zeros(1, 3, HIDDEN)),
    "rnn_packed_input_size": lambda lib: lib.nn.RNN(INPUT + 1, HIDDEN)(_packed(lib)),
    "rnn_packed_dtype": lambda lib: lib.nn.RNN(INPUT, HIDDEN, dtype=lib.float64)(_packed(lib)),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    raises_like(lambda: ERRORS[case](nt), lambda: ERRORS[case](torch))


def test_mismatched_trailing_sizes_raise_runtime_error():
    with pytest.raises(RuntimeError):
        nt_rnn.pad_sequence([nt.ones(2, 3), nt.ones(2, 4)])


# ---- recurrent layers on packed input ---------------------------------------------------
# name: (class name, constructor keywords)
LAYERS = {
    "rnn_tanh": ("RNN", {}),
    "rnn_relu_2_layers_bidirectional": ("RNN", {"num_layers": 2, "nonlinearity": "relu",
                                                "bidirectional": True}),
    "lstm": ("LSTM", {}),
    "lstm_2_layers_bidirectional": ("LSTM", {"num_layers": 2, "bidirectional": True}),
    "lstm_proj_bidirectional_no_bias": ("LSTM", {"proj_size": 2, "bidirectional": True,
                                                 "bias": False}),
    "gru_2_layers": ("GRU", {"num_layers": 2}),
    "gru_bidirectional_batch_first": ("GRU", {"bidirectional": True, "batch_first": True}),
}


def state_shapes(kind, kwargs, batch):
    lead = (kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1), batch)
    h = lead + (kwargs.get("proj_size") or HIDDEN,)
    return [h, lead + (HIDDEN,)] if kind == "LSTM" else [h]


def run_packed(lib, module, kind, x, lengths, enforce_sorted, states):
    """Pack x, run the module, backward of a weighting of the output data and final
    states; returns the packed output, the final states and the leaves (input, states)."""
    leaves = [leaf(lib, x)] + [leaf(lib, s) for s in states]
    packed = lib.nn.utils.rnn.pack_padded_sequence(leaves[0], lengths, module.batch_first,
                                                   enforce_sorted)
    hx = None
    if states:
        hx = tuple(leaves[1:]) if kind == "LSTM" else leaves[1]
    output, hidden = module(packed, hx)
    hidden = list(hidden) if kind == "LSTM" else [hidden]
    weighted_sum(lib, [output.data] + hidden).backward()
    return output, hidden, leaves


def compare_packed_layer(name, enforce_sorted, with_state, dtype="float32"):
    kind, kwargs = LAYERS[name]
    tol = {"float32": {"atol": 1e-5, "rtol": 1e-5},
           "float64": {"atol": 1e-12, "rtol": 1e-10}}[dtype]
    m_t = getattr(torch.nn, kind)(INPUT, HIDDEN, dtype=getattr(torch, dtype), **kwargs)
    m_n = getattr(nt.nn, kind)(INPUT, HIDDEN, dtype=getattr(nt, dtype), **kwargs)
    copy_weights(m_n, m_t)
    lengths = SORTED_LENGTHS if enforce_sorted else LENGTHS
    x = padded_input(kwargs.get("batch_first", False), lengths).astype(dtype)
    states = [randn(*s, seed=5 + i, dtype=dtype)
              for i, s in enumerate(state_shapes(kind, kwargs, len(lengths)))] if with_state else []
    out_n, hidden_n, leaves_n = run_packed(nt, m_n, kind, x, lengths, enforce_sorted, states)
    out_t, hidden_t, leaves_t = run_packed(torch, m_t, kind, x, lengths, enforce_sorted, states)
    assert_same_packed(out_n, out_t, **tol)
    for i, (got, want) in enumerate(zip(hidden_n, hidden_t, strict=True)):
        assert_close(got, want, msg=f"final state {i}", **tol)
    for i, (got, want) in enumerate(zip(leaves_n, leaves_t, strict=True)):
        assert_close(got.grad, want.grad, msg=f"gradient of input {i}", **tol)
    got = dict(m_n.named_parameters())
    for pname, p in m_t.named_parameters():
        assert_close(got[pname].grad, p.grad, msg=f"gradient of {pname}", **tol)


@pytest.mark.parametrize("with_state", [True, False], ids=["h0", "no_h0"])
@pytest.mark.parametrize("enforce_sorted", [True, False], ids=["sorted", "unsorted"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_on_packed_input_matches_torch(name, enforce_sorted, with_state):
    compare_packed_layer(name, enforce_sorted, with_state)


@pytest.mark.parametrize("name", ["lstm_2_layers_bidirectional", "gru_bidirectional_batch_first"])
def test_layer_on_packed_input_in_float64_matches_torch_tightly(name):
    compare_packed_layer(name, enforce_sorted=False, with_state=True, dtype="float64")


def test_packed_output_of_equal_lengths_is_the_padded_output():
    m = nt.nn.LSTM(INPUT, HIDDEN, num_layers=2, bidirectional=True)
    x = nt.tensor(randn(4, 3, INPUT, seed=9))
    out, (h, c) = m(x)
    packed_out, (ph, pc) = m(nt_rnn.pack_padded_sequence(x, [4, 4, 4]))
    assert_close(nt_rnn.pad_packed_sequence(packed_out)[0], out)
    assert_close(ph, h)
    assert_close(pc, c)


def test_packed_input_with_dropout_trains():
    m = nt.nn.GRU(INPUT, HIDDEN, num_layers=2, dropout=0.5)
    x = leaf(nt, padded_input(False, LENGTHS))
    out, h = m(nt_rnn.pack_padded_sequence(x, LENGTHS, enforce_sorted=False))
    (out.data.sum() + h.sum()).backward()
    assert tuple(out.data.shape) == (sum(LENGTHS), HIDDEN) and tuple(h.shape) == (2, 4, HIDDEN)
    assert all(p.grad is not None for p in m.parameters()) and x.grad is not None
