"""Recurrent layers (RNN, LSTM, GRU and their cells) against torch.nn: initialisation from the
same seed, outputs and hidden states, gradients of inputs, initial states and parameters,
state_dict keys and loading, reprs, dropout between layers, signatures and argument errors."""
import inspect
import typing
import warnings

import numpy as np
import pytest

import numtensor as nt
from nn_helpers import arr, assert_close, raises_like, randn, torch

INPUT, HIDDEN, SEQ, BATCH = 3, 4, 4, 2

# name: (class name, constructor keywords)
LAYERS = {
    "rnn_tanh": ("RNN", {}),
    "rnn_relu_2_layers": ("RNN", {"num_layers": 2, "nonlinearity": "relu"}),
    "rnn_bidirectional_batch_first": ("RNN", {"bidirectional": True, "batch_first": True}),
    "lstm": ("LSTM", {}),
    "lstm_2_layers_bidirectional": ("LSTM", {"num_layers": 2, "bidirectional": True}),
    "lstm_proj_batch_first": ("LSTM", {"proj_size": 2, "batch_first": True}),
    "lstm_proj_2_layers_bidirectional_no_bias": (
        "LSTM", {"proj_size": 3, "num_layers": 2, "bidirectional": True, "bias": False}),
    "gru": ("GRU", {}),
    "gru_2_layers_batch_first": ("GRU", {"num_layers": 2, "batch_first": True}),
    "gru_bidirectional_no_bias": ("GRU", {"bidirectional": True, "bias": False}),
}

TOLERANCES = {"float32": {"atol": 1e-6, "rtol": 1e-5}, "float64": {"atol": 1e-12, "rtol": 1e-10}}


@pytest.fixture(autouse=True)
def _quiet_onednn():
    # torch's CPU LSTM says once that its oneDNN path has no projections: not our concern
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LSTM with projections")
        yield


def build(lib, kind, kwargs, dtype="float32", seed=0):
    lib.manual_seed(seed)
    return getattr(lib.nn, kind)(INPUT, HIDDEN, dtype=getattr(lib, dtype), **kwargs)


def build_pair(name, dtype="float32"):
    kind, kwargs = LAYERS[name]
    return build(nt, kind, kwargs, dtype), build(torch, kind, kwargs, dtype)


def state_shapes(kind, kwargs, batched):
    """Shapes of h0 (and c0) for the layer, with or without the batch dim."""
    directions = 2 if kwargs.get("bidirectional") else 1
    lead = (kwargs.get("num_layers", 1) * directions,) + ((BATCH,) if batched else ())
    h_size = kwargs.get("proj_size") or HIDDEN
    return [lead + (h_size,), lead + (HIDDEN,)] if kind == "LSTM" else [lead + (h_size,)]


def leaf(lib, a):
    return lib.tensor(a).requires_grad_(True)


def flat_outputs(result):
    """(output, h) or (output, (h, c)) as a flat list."""
    output, hidden = result
    return [output, *hidden] if isinstance(hidden, tuple) else [output, hidden]


def run(module, lib, kind, x, states, seed=11):
    """Forward, then backward of a random weighting of every output; returns the outputs
    and the input leaves (whose .grad are then set)."""
    leaves = [leaf(lib, x)] + [leaf(lib, s) for s in states]
    hx = None
    if states:
        hx = tuple(leaves[1:]) if kind == "LSTM" else leaves[1]
    outs = flat_outputs(module(leaves[0], hx))
    loss = 0
    for i, out in enumerate(outs):
        g = randn(*out.shape, seed=seed + i, dtype=arr(out).dtype)
        loss = loss + (out * lib.tensor(g)).sum()
    loss.backward()
    return outs, leaves


def compare_layer(name, batched=True, with_state=True, dtype="float32"):
    kind, kwargs = LAYERS[name]
    m_n, m_t = build_pair(name, dtype)
    tol = TOLERANCES[dtype]
    np_dtype = np.dtype(dtype)
    if batched:
        shape = (BATCH, SEQ, INPUT) if kwargs.get("batch_first") else (SEQ, BATCH, INPUT)
    else:
        shape = (SEQ, INPUT)
    x = randn(*shape, seed=1, dtype=np_dtype)
    states = [randn(*s, seed=2 + i, dtype=np_dtype)
              for i, s in enumerate(state_shapes(kind, kwargs, batched))] if with_state else []
    outs_n, leaves_n = run(m_n, nt, kind, x, states)
    outs_t, leaves_t = run(m_t, torch, kind, x, states)
    for i, (got, want) in enumerate(zip(outs_n, outs_t, strict=True)):
        assert_close(got, want, msg=f"output {i}", **tol)
    for i, (got, want) in enumerate(zip(leaves_n, leaves_t)):
        assert_close(got.grad, want.grad, msg=f"gradient of input {i}", **tol)
    got = dict(m_n.named_parameters())
    for pname, p in m_t.named_parameters():
        assert_close(got[pname].grad, p.grad, msg=f"gradient of {pname}", **tol)


# ---- parameters and initialisation ---------------------------------------------------------
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_same_seed_gives_torchs_parameters_names_and_repr(name):
    m_n, m_t = build_pair(name)
    assert [(k, tuple(p.shape)) for k, p in m_n.named_parameters()] == \
        [(k, tuple(p.shape)) for k, p in m_t.named_parameters()]
    for (k, got), want in zip(m_n.named_parameters(), m_t.parameters()):
        np.testing.assert_array_equal(arr(got), arr(want), err_msg=k)
    assert list(m_n.state_dict()) == list(m_t.state_dict())
    assert m_n._flat_weights_names == m_t._flat_weights_names
    assert [[tuple(w.shape) for w in ws] for ws in m_n.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in m_t.all_weights]
    assert repr(m_n) == repr(m_t)
    bound = 1 / np.sqrt(HIDDEN)
    assert all(np.abs(arr(p)).max() <= bound for p in m_n.parameters())


@pytest.mark.parametrize("kind,kwargs", [
    ("RNNCell", {}), ("RNNCell", {"bias": False, "nonlinearity": "relu"}),
    ("LSTMCell", {}), ("GRUCell", {"bias": False})])
def test_cells_same_seed_gives_torchs_parameters_and_repr(kind, kwargs):
    m_n, m_t = build(nt, kind, kwargs), build(torch, kind, kwargs)
    assert list(m_n.state_dict()) == list(m_t.state_dict())
    for (k, got), want in zip(m_n.named_parameters(), m_t.parameters(), strict=True):
        np.testing.assert_array_equal(arr(got), arr(want), err_msg=k)
    assert repr(m_n) == repr(m_t)
    assert (m_n.bias_ih is None) == (m_t.bias_ih is None)


def test_reprs_match_torch():
    makers = [lambda nn: nn.LSTM(10, 20, num_layers=2, batch_first=True),
              lambda nn: nn.LSTM(10, 20, 3, False, True, 0.25, True, 5),
              lambda nn: nn.RNN(10, 20, nonlinearity="relu"),
              lambda nn: nn.GRU(10, 20, dropout=0.5, num_layers=2, bidirectional=True),
              lambda nn: nn.Sequential(nn.GRU(4, 8), nn.Linear(8, 2)),
              lambda nn: nn.RNNCell(3, 4, nonlinearity="relu"), lambda nn: nn.GRUCell(3, 4)]
    for make in makers:
        assert repr(make(nt.nn)) == repr(make(torch.nn))


# ---- forward and backward ------------------------------------------------------------------
@pytest.mark.parametrize("with_state", [True, False], ids=["h0", "no_h0"])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_outputs_and_gradients_match_torch(name, batched, with_state):
    compare_layer(name, batched, with_state)


@pytest.mark.parametrize("name", ["rnn_relu_2_layers", "lstm_proj_2_layers_bidirectional_no_bias",
                                  "lstm_2_layers_bidirectional", "gru_2_layers_batch_first"])
def test_layer_in_float64_matches_torch_tightly(name):
    compare_layer(name, dtype="float64")


CELLS = {
    "rnn_cell": ("RNNCell", {}),
    "rnn_cell_relu_no_bias": ("RNNCell", {"nonlinearity": "relu", "bias": False}),
    "lstm_cell": ("LSTMCell", {}),
    "lstm_cell_no_bias": ("LSTMCell", {"bias": False}),
    "gru_cell": ("GRUCell", {}),
}


def run_cell(module, lib, kind, xs, state):
    """Three steps of the cell over xs, feeding its state back; backward of a weighting."""
    leaves = [leaf(lib, x) for x in xs]
    hx = None
    if state is not None:
        hx = [leaf(lib, s) for s in state]
        leaves += hx
        hx = tuple(hx) if kind == "LSTMCell" else hx[0]
    outs = []
    for x in leaves[:len(xs)]:
        hx = module(x, hx)
        outs += list(hx) if kind == "LSTMCell" else [hx]
    loss = sum((o * lib.tensor(randn(*o.shape, seed=20 + i))).sum() for i, o in enumerate(outs))
    loss.backward()
    return outs, leaves


@pytest.mark.parametrize("with_state", [True, False], ids=["hx", "no_hx"])
@pytest.mark.parametrize("batched", [True, False], ids=["batched", "unbatched"])
@pytest.mark.parametrize("name", sorted(CELLS))
def test_cell_outputs_and_gradients_match_torch(name, batched, with_state):
    kind, kwargs = CELLS[name]
    m_n, m_t = build(nt, kind, kwargs), build(torch, kind, kwargs)
    lead = (BATCH,) if batched else ()
    xs = [randn(*lead, INPUT, seed=30 + i) for i in range(3)]
    state = None
    if with_state:
        state = [randn(*lead, HIDDEN, seed=40 + i) for i in range(2 if kind == "LSTMCell" else 1)]
    outs_n, leaves_n = run_cell(m_n, nt, kind, xs, state)
    outs_t, leaves_t = run_cell(m_t, torch, kind, xs, state)
    for i, (got, want) in enumerate(zip(outs_n, outs_t, strict=True)):
        assert_close(got, want, msg=f"output {i}")
    for i, (got, want) in enumerate(zip(leaves_n, leaves_t, strict=True)):
        assert_close(got.grad, want.grad, msg=f"gradient of input {i}")
    got = dict(m_n.named_parameters())
    for pname, p in m_t.named_parameters():
        assert_close(got[pname].grad, p.grad, msg=f"gradient of {pname}")


def test_layer_equals_its_cell_unrolled():
    nt.manual_seed(3)
    lstm = nt.nn.LSTM(INPUT, HIDDEN)
    cell = nt.nn.LSTMCell(INPUT, HIDDEN)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        getattr(cell, name).data = getattr(lstm, name + "_l0").data
    x = nt.randn(SEQ, BATCH, INPUT)
    output, (h_n, c_n) = lstm(x)
    state = None
    for t in range(SEQ):
        state = cell(x[t], state)
        assert_close(output[t], state[0])
    assert_close(h_n[0], state[0])
    assert_close(c_n[0], state[1])


# ---- state_dict, dropout, module behaviour -------------------------------------------------
@pytest.mark.parametrize("name", ["lstm_proj_2_layers_bidirectional_no_bias",
                                  "gru_bidirectional_no_bias", "rnn_relu_2_layers"])
def test_loads_torchs_state_dict(name):
    kind, kwargs = LAYERS[name]
    m_t = build(torch, kind, kwargs, seed=7)
    m_n = build(nt, kind, kwargs, seed=8)
    converted = {k: nt.from_numpy(arr(v)) for k, v in m_t.state_dict().items()}
    result = m_n.load_state_dict(converted)
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = randn(BATCH, SEQ, INPUT) if kwargs.get("batch_first") else randn(SEQ, BATCH, INPUT)
    with nt.no_grad(), torch.no_grad():
        for got, want in zip(flat_outputs(m_n(nt.tensor(x))), flat_outputs(m_t(torch.tensor(x))),
                             strict=True):
            assert_close(got, want)
    # and a numtensor state_dict loads into torch
    m_t2 = build(torch, kind, kwargs, seed=9)
    m_t2.load_state_dict({k: torch.from_numpy(arr(v)) for k, v in m_n.state_dict().items()})
    for got, want in zip(m_t2.parameters(), m_t.parameters(), strict=True):
        assert torch.equal(got, want)


@pytest.mark.parametrize("kind", ["GRU", "LSTM", "RNN"])
def test_dropout_between_layers_in_training_only(kind):
    kwargs = {"num_layers": 3, "dropout": 0.5, "bidirectional": kind == "GRU"}
    m_n, m_t = build(nt, kind, kwargs), build(torch, kind, kwargs)
    x = randn(SEQ, BATCH, INPUT)
    nt.manual_seed(5)
    torch.manual_seed(5)
    train_n = flat_outputs(m_n(nt.tensor(x)))
    train_t = flat_outputs(m_t(torch.tensor(x)))
    # the dropout masks come from the same random stream as PyTorch's
    for got, want in zip(train_n, train_t):
        assert_close(got, want)
    m_n.eval()
    m_t.eval()
    eval_n = flat_outputs(m_n(nt.tensor(x)))
    for got, want in zip(eval_n, flat_outputs(m_t(torch.tensor(x)))):
        assert_close(got, want)
    assert not np.allclose(arr(eval_n[0]), arr(train_n[0]))
    assert nt.equal(eval_n[0], m_n(nt.tensor(x))[0])  # eval mode is deterministic


def test_module_conversions_and_no_op_flatten():
    m = nt.nn.GRU(INPUT, HIDDEN, num_layers=2)
    assert m.flatten_parameters() is None
    m.double()
    assert all(w.dtype is nt.float64 for ws in m.all_weights for w in ws)
    out, h = m(nt.randn(SEQ, BATCH, INPUT, dtype=nt.float64))
    assert out.dtype is nt.float64 and tuple(h.shape) == (2, BATCH, HIDDEN)
    m.weight_hh_l1 = nt.nn.Parameter(nt.zeros(3 * HIDDEN, HIDDEN, dtype=nt.float64))
    assert m.all_weights[1][1] is m.weight_hh_l1 and m._flat_weights[5] is m.weight_hh_l1


def test_output_shapes_match_torch():
    cases = [("LSTM", {"proj_size": 2, "num_layers": 3, "bidirectional": True}, (5, 1, INPUT)),
             ("GRU", {"batch_first": True, "bidirectional": True}, (1, 6, INPUT)),
             ("RNN", {"num_layers": 2}, (2, 3, INPUT)),
             ("GRU", {}, (3, 0, INPUT))]  # an empty batch is allowed
    for kind, kwargs, shape in cases:
        m_n, m_t = build(nt, kind, kwargs), build(torch, kind, kwargs)
        got = flat_outputs(m_n(nt.zeros(shape)))
        want = flat_outputs(m_t(torch.zeros(shape)))
        assert [tuple(t.shape) for t in got] == [tuple(t.shape) for t in want]


# ---- signatures, errors and warnings -------------------------------------------------------
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
                                  "RNNBase", "RNNCellBase"])
def test_signatures_match_torch(kind):
    want_init = getattr(torch.nn, kind).__init__
    overloads = typing.get_overloads(want_init)  # RNN/LSTM/GRU document theirs as overloads
    want = inspect.signature(overloads[0] if overloads else want_init)
    got = inspect.signature(getattr(nt.nn, kind).__init__)
    assert [(p.name, p.default, p.kind) for p in got.parameters.values()] == \
        [(p.name, p.default, p.kind) for p in want.parameters.values()]
    forward = inspect.signature(getattr(nt.nn, kind).forward)
    if kind not in ("RNNBase", "RNNCellBase"):
        assert list(forward.parameters) == ["self", "input", "hx"]


def test_unknown_keyword_is_a_type_error():
    for kind in ("RNN", "LSTM", "GRU", "LSTMCell"):
        with pytest.raises(TypeError):
            getattr(nt.nn, kind)(INPUT, HIDDEN, foo=1)
    with pytest.raises(TypeError):
        nt.nn.GRU(INPUT, HIDDEN)(nt.zeros(SEQ, BATCH, INPUT), hidden=None)


CONSTRUCTOR_ERRORS = [
    ("RNN", (3, 4), {"nonlinearity": "sigmoid"}),
    ("LSTM", (3, 4), {"proj_size": 4}),
    ("LSTM", (3, 4), {"proj_size": -1}),
    ("GRU", (3, 4), {"dropout": 1.5}),
    ("GRU", (3, 4), {"dropout": True}),
    ("GRU", (3, 4), {"dropout": "x"}),
    ("LSTM", (3, 4), {"bias": 1}),
    ("RNN", (3, 4), {"batch_first": None}),
    ("LSTM", (3.0, 4), {}),
    ("LSTM", (3, 0), {}),
    ("GRU", (0, 4), {}),
    ("RNN", (3, 4), {"num_layers": 0}),
]


@pytest.mark.parametrize("kind,args,kwargs", CONSTRUCTOR_ERRORS)
def test_constructor_errors_match_torch(kind, args, kwargs):
    raises_like(lambda: getattr(nt.nn, kind)(*args, **kwargs),
                lambda: getattr(torch.nn, kind)(*args, **kwargs))


def test_dropout_with_one_layer_warns_as_torch():
    messages = []
    for lib in (nt, torch):
        with pytest.warns(UserWarning) as record:
            lib.nn.LSTM(3, 4, dropout=0.2)
        messages.append([str(w.message) for w in record if "dropout" in str(w.message)])
    assert messages[0] == messages[1] and len(messages[0]) == 1


def _lstm(lib, **kwargs):
    return build(lib, "LSTM", kwargs)


FORWARD_ERRORS = {
    "wrong_input_size": lambda lib: _lstm(lib)(lib.zeros(SEQ, BATCH, INPUT + 2)),
    "wrong_input_size_batch_first": lambda lib: build(lib, "GRU", {"batch_first": True})(
        lib.zeros(BATCH, SEQ, 1)),
    "wrong_input_size_unbatched": lambda lib: build(lib, "RNN", {})(lib.zeros(SEQ, 5)),
    "4d_input_rnn": lambda lib: build(lib, "RNN", {})(lib.zeros(1, SEQ, BATCH, INPUT)),
    "1d_input_gru": lambda lib: build(lib, "GRU", {})(lib.zeros(INPUT)),
    "4d_input_lstm": lambda lib: _lstm(lib)(lib.zeros(1, SEQ, BATCH, INPUT)),
    "wrong_dtype": lambda lib: _lstm(lib)(lib.zeros(SEQ, BATCH, INPUT, dtype=lib.float64)),
    "hidden_batch": lambda lib: build(lib, "GRU", {})(lib.zeros(SEQ, BATCH, INPUT),
                                                      lib.zeros(1, BATCH + 1, HIDDEN)),
    "hidden_layers": lambda lib: build(lib, "RNN", {"bidirectional": True})(
        lib.zeros(SEQ, BATCH, INPUT), lib.zeros(1, BATCH, HIDDEN)),
    "hidden_2d_for_batched": lambda lib: build(lib, "RNN", {})(lib.zeros(SEQ, BATCH, INPUT),
                                                               lib.zeros(BATCH, HIDDEN)),
    "hidden_3d_for_unbatched": lambda lib: build(lib, "GRU", {})(lib.zeros(SEQ, INPUT),
                                                                 lib.zeros(1, 1, HIDDEN)),
    "lstm_h0_size": lambda lib: _lstm(lib, proj_size=2)(
        lib.zeros(SEQ, BATCH, INPUT), (lib.zeros(1, BATCH, HIDDEN), lib.zeros(1, BATCH, HIDDEN))),
    "lstm_c0_size": lambda lib: _lstm(lib)(
        lib.zeros(SEQ, BATCH, INPUT), (lib.zeros(1, BATCH, HIDDEN), lib.zeros(1, 1, HIDDEN))),
    "lstm_hx_dims_batched": lambda lib: _lstm(lib)(
        lib.zeros(SEQ, BATCH, INPUT), (lib.zeros(BATCH, HIDDEN), lib.zeros(1, BATCH, HIDDEN))),
    "lstm_hx_dims_unbatched": lambda lib: _lstm(lib)(
        lib.zeros(SEQ, INPUT), (lib.zeros(1, HIDDEN), lib.zeros(1, 1, HIDDEN))),
    "empty_sequence": lambda lib: _lstm(lib)(lib.zeros(0, BATCH, INPUT)),
    "cell_input_size": lambda lib: build(lib, "LSTMCell", {})(lib.zeros(BATCH, INPUT + 1)),
    "cell_batch": lambda lib: build(lib, "GRUCell", {})(lib.zeros(BATCH, INPUT),
                                                        lib.zeros(BATCH + 1, HIDDEN)),
    "cell_hidden_size": lambda lib: build(lib, "RNNCell", {})(lib.zeros(BATCH, INPUT),
                                                              lib.zeros(BATCH, HIDDEN + 1)),
    "lstm_cell_c_batch": lambda lib: build(lib, "LSTMCell", {})(
        lib.zeros(BATCH, INPUT), (lib.zeros(BATCH, HIDDEN), lib.zeros(1, HIDDEN))),
    "cell_3d_input": lambda lib: build(lib, "GRUCell", {})(lib.zeros(1, BATCH, INPUT)),
    "cell_3d_hidden": lambda lib: build(lib, "RNNCell", {})(lib.zeros(BATCH, INPUT),
                                                            lib.zeros(1, BATCH, HIDDEN)),
    "lstm_cell_3d_c": lambda lib: build(lib, "LSTMCell", {})(
        lib.zeros(BATCH, INPUT), (lib.zeros(BATCH, HIDDEN), lib.zeros(1, BATCH, HIDDEN))),
    "lstm_cell_tensor_hx": lambda lib: build(lib, "LSTMCell", {})(lib.zeros(BATCH, INPUT),
                                                                  lib.zeros(BATCH, HIDDEN)),
    "cell_unknown_nonlinearity": lambda lib: build(lib, "RNNCell", {"nonlinearity": "gelu"})(
        lib.zeros(BATCH, INPUT)),
    "cell_wrong_dtype": lambda lib: build(lib, "RNNCell", {})(lib.zeros(BATCH, INPUT,
                                                                        dtype=lib.float64)),
}


@pytest.mark.parametrize("case", sorted(FORWARD_ERRORS))
def test_forward_errors_match_torch(case):
    make = FORWARD_ERRORS[case]
    raises_like(lambda: make(nt), lambda: make(torch))


def test_foreign_packed_sequence_is_refused():
    packed = torch.nn.utils.rnn.pack_padded_sequence(torch.zeros(SEQ, BATCH, INPUT), [4, 2])
    with pytest.raises(RuntimeError, match="PackedSequence"):
        nt.nn.LSTM(INPUT, HIDDEN)(packed)


_NODE_CASES = [(cls, bf, kw) for cls in ("RNN", "LSTM", "GRU") for bf in (False, True)
               for kw in ({}, {"bidirectional": True}, {"num_layers": 2}, {"dtype": "float64"})]
_NODE_CASES += [("LSTM", bf, {"proj_size": 2}) for bf in (False, True)]


@pytest.mark.parametrize("cls,batch_first,kw", _NODE_CASES)
def test_output_and_state_nodes_are_pytorchs(cls, batch_first, kw):
    """The output's grad_fn as PyTorch's CPU build prints it: the steps stacked
    (StackBackward0; oneDNN's float32 LSTM layer: MkldnnRnnLayerBackward0), the
    directions joined (CatBackward0), batch_first transposed (RNN and GRU in place:
    TransposeBackward1; LSTM: TransposeBackward0); the final states stacked."""
    names = []
    for lib in (nt, torch):
        kw_lib = dict(kw, dtype=getattr(lib, kw["dtype"])) if "dtype" in kw else kw
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch's note that oneDNN has no projections
            m = getattr(lib.nn, cls)(4, 3, batch_first=batch_first, **kw_lib)
            out, h = m(lib.tensor(randn(5, 2, 4, seed=3), dtype=kw_lib.get("dtype")))
        states = h if isinstance(h, tuple) else (h,)
        names.append((type(out.grad_fn).__name__, [type(s.grad_fn).__name__ for s in states]))
    assert names[0] == names[1]
