"""torch.* forms of nn.functional ops (numtensor/ops/torch_functional.py), against PyTorch:
values, dtypes, gradients, grad_fn names and the errors of bad arguments."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import raises_like

import torch  # noqa: E402  (the oracle)

RNG = np.random.default_rng(0)
A = RNG.standard_normal((4, 5)).astype(np.float32)
B = RNG.standard_normal((4, 5)).astype(np.float32)
T01 = (RNG.random((4, 5)) > 0.5).astype(np.float32)
SIGNS = np.array([1, -1, -1, 1], dtype=np.float32)
X3 = RNG.standard_normal((2, 4, 6)).astype(np.float32)
W1T = RNG.standard_normal((4, 2, 3)).astype(np.float32)   # conv_transpose1d weight
W1 = RNG.standard_normal((3, 4, 3)).astype(np.float32)    # conv1d weight
X4 = RNG.standard_normal((1, 2, 5, 5)).astype(np.float32)
W2T = RNG.standard_normal((2, 3, 3, 3)).astype(np.float32)
H = RNG.standard_normal((4, 3)).astype(np.float32)
BIAS3 = RNG.standard_normal(3).astype(np.float32)


def _w(rows, cols):
    return RNG.standard_normal((rows, cols)).astype(np.float32)


W_IH = {1: _w(3, 5), 3: _w(9, 5), 4: _w(12, 5)}
W_HH = {1: _w(3, 3), 3: _w(9, 3), 4: _w(12, 3)}
B_IH = {k: RNG.standard_normal(3 * k).astype(np.float32) for k in (1, 3, 4)}
B_HH = {k: RNG.standard_normal(3 * k).astype(np.float32) for k in (1, 3, 4)}
IDX = np.array([[0, 3], [1, 3]])


class Arr:
    """An array argument: a leaf tensor of each library (float ones require grad)."""

    def __init__(self, a, grad=True):
        self.a, self.grad = a, grad

    def make(self, lib):
        t = lib.tensor(self.a)
        return t.requires_grad_(self.grad and t.dtype.is_floating_point)


def _build(lib, value, leaves):
    if isinstance(value, Arr):
        t = value.make(lib)
        leaves.append(t)
        return t
    if isinstance(value, tuple) and value and isinstance(value[0], Arr):
        return tuple(_build(lib, v, leaves) for v in value)
    return value


def _run(lib, name, args, kwargs):
    leaves = []
    args = [_build(lib, v, leaves) for v in args]
    kwargs = {k: _build(lib, v, leaves) for k, v in kwargs.items()}
    return getattr(lib, name)(*args, **kwargs), leaves


def _outputs(out):
    return list(out) if isinstance(out, tuple) else [out]


CASES = [
    ("dropout", (Arr(A), 0.5, False), {}),
    ("dropout", (Arr(A), 0.0, True), {}),
    ("feature_dropout", (Arr(X3), 0.3, False), {}),
    ("layer_norm", (Arr(A), [5], Arr(B[0]), Arr(B[1])), {"eps": 1e-3}),
    ("layer_norm", (Arr(X3), (4, 6)), {"cudnn_enable": False}),
    ("batch_norm", (Arr(X3), Arr(B[0, :4]), Arr(B[1, :4]), None, None, True, 0.1, 1e-5,
                    True), {}),
    ("batch_norm", (Arr(X3), None, None, Arr(np.zeros(4, np.float32), False),
                    Arr(np.ones(4, np.float32), False), False, 0.1, 1e-5, False), {}),
    ("group_norm", (Arr(X3), 2, Arr(B[0, :4]), Arr(B[1, :4])), {"eps": 1e-4}),
    ("instance_norm", (Arr(X3), Arr(B[0, :4]), None, None, None, True, 0.1, 1e-5, True), {}),
    ("rms_norm", (Arr(A), [5], Arr(B[0])), {}),
    ("rms_norm", (Arr(A), [5]), {"eps": 0.5}),
    ("embedding", (Arr(A), Arr(IDX)), {}),
    ("embedding", (Arr(A), Arr(IDX), 3), {}),
    ("embedding", (Arr(A), Arr(IDX)), {"padding_idx": -2, "scale_grad_by_freq": True}),
    ("celu", (Arr(A),), {}),
    ("celu", (Arr(A), 0.5), {}),
    ("selu", (Arr(A),), {}),
    ("threshold", (Arr(A), 0.1, 20.0), {}),
    ("threshold", (Arr(IDX), 1, -5), {}),
    ("rrelu", (Arr(A),), {}),
    ("rrelu", (Arr(A), 0.2, 0.4), {}),
    ("cosine_similarity", (Arr(A), Arr(B)), {}),
    ("cosine_similarity", (Arr(A), Arr(B), 0, 1e-6), {}),
    ("pairwise_distance", (Arr(A), Arr(B)), {"p": 1.0, "keepdim": True}),
    ("pairwise_distance", (Arr(A), Arr(B)), {}),
    ("pdist", (Arr(A),), {}),
    ("pdist", (Arr(A), 1.5), {}),
    ("pdist", (Arr(A),), {"p": 0}),
    ("kl_div", (Arr(A), Arr(T01, grad=False)), {}),
    ("kl_div", (Arr(A), Arr(B), 2), {"log_target": True}),
    ("kl_div", (Arr(A), Arr(np.abs(B) + 0.1), 0), {}),
    ("binary_cross_entropy_with_logits", (Arr(A), Arr(T01)), {}),
    ("binary_cross_entropy_with_logits", (Arr(A), Arr(T01), Arr(np.abs(B), False),
                                          Arr(np.abs(B[0]), False)), {"reduction": 0}),
    ("cosine_embedding_loss", (Arr(A), Arr(B), Arr(SIGNS)), {"margin": 0.2}),
    ("cosine_embedding_loss", (Arr(A), Arr(B), Arr(SIGNS), 0.0, 2), {}),
    ("hinge_embedding_loss", (Arr(A), Arr(np.sign(B))), {}),
    ("hinge_embedding_loss", (Arr(A), Arr(np.sign(B)), 0.5, 0), {}),
    ("margin_ranking_loss", (Arr(A[:, 0]), Arr(B[:, 0]), Arr(SIGNS)), {}),
    ("margin_ranking_loss", (Arr(A[:, 0]), Arr(B[:, 0]), Arr(SIGNS), 0.3, 2), {}),
    ("triplet_margin_loss", (Arr(A), Arr(B), Arr(A * 2)), {}),
    ("triplet_margin_loss", (Arr(A), Arr(B), Arr(A * 2)), {"p": 1, "swap": True,
                                                            "reduction": 0}),
    ("poisson_nll_loss", (Arr(A), Arr(np.abs(B)), True, False, 1e-8, 1), {}),
    ("poisson_nll_loss", (Arr(np.abs(A)), Arr(np.abs(B) * 3), False, True, 1e-8, 2), {}),
    ("constant_pad_nd", (Arr(A), [1, 2]), {}),
    ("constant_pad_nd", (Arr(A), (1, 0, 2, 1), 3.5), {}),
    ("conv_transpose1d", (Arr(X3), Arr(W1T), Arr(BIAS3[:2])), {"stride": 2, "padding": 1}),
    ("conv_transpose2d", (Arr(X4), Arr(W2T)), {"output_padding": 1, "stride": 2}),
    ("convolution", (Arr(X3), Arr(W1), Arr(BIAS3), [1], [1], [1], False, [0], 1), {}),
    ("convolution", (Arr(X3), Arr(W1T), None, [2], [0], [1], True, [1], 1), {}),
    ("rnn_tanh_cell", (Arr(A), Arr(H), Arr(W_IH[1]), Arr(W_HH[1]), Arr(B_IH[1]),
                       Arr(B_HH[1])), {}),
    ("rnn_relu_cell", (Arr(A), Arr(H), Arr(W_IH[1]), Arr(W_HH[1])), {}),
    ("gru_cell", (Arr(A), Arr(H), Arr(W_IH[3]), Arr(W_HH[3]), Arr(B_IH[3]), Arr(B_HH[3])), {}),
    ("lstm_cell", (Arr(A), (Arr(H), Arr(H * 2)), Arr(W_IH[4]), Arr(W_HH[4])),
     {"b_ih": Arr(B_IH[4]), "b_hh": Arr(B_HH[4])}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(name, args, kwargs):
    got, got_leaves = _run(nt, name, args, kwargs)
    want, want_leaves = _run(torch, name, args, kwargs)
    for g, w in zip(_outputs(got), _outputs(want)):
        assert str(g.dtype) == str(w.dtype)
        assert tuple(g.shape) == tuple(w.shape)
        np.testing.assert_allclose(g.detach().numpy(), w.detach().numpy(), atol=1e-5, rtol=1e-4)
        assert (g.grad_fn is None) == (w.grad_fn is None)
    if not any(w.requires_grad for w in _outputs(want)):
        return
    seed = np.random.default_rng(1)
    grads = [seed.standard_normal(tuple(w.shape)).astype(np.float32) for w in _outputs(want)]
    nt.autograd.backward(_outputs(got), [nt.tensor(g) for g in grads])
    torch.autograd.backward(_outputs(want), [torch.tensor(g) for g in grads])
    for i, (g, w) in enumerate(zip(got_leaves, want_leaves)):
        if w.grad is None:
            assert g.grad is None, f"leaf {i}"
            continue
        np.testing.assert_allclose(g.grad.numpy(), w.grad.numpy(), atol=1e-4, rtol=1e-4,
                                   err_msg=f"gradient of leaf {i}")


@pytest.mark.parametrize("name,args", [
    ("celu", (Arr(A),)), ("selu", (Arr(A),)), ("threshold", (Arr(A), 0.1, 2.0)),
    ("rrelu", (Arr(A),)), ("layer_norm", (Arr(A), [5])), ("pdist", (Arr(A),)),
    ("embedding", (Arr(A), Arr(IDX))), ("conv_transpose1d", (Arr(X3), Arr(W1T))),
])
def test_grad_fn_names(name, args):
    got, _ = _run(nt, name, args, {})
    want, _ = _run(torch, name, args, {})
    assert type(got.grad_fn).__name__ == type(want.grad_fn).__name__


def test_dropout_in_training_drops_and_scales():
    x = nt.ones(200, 10)
    out = nt.dropout(x, 0.25, True)
    kept = out != 0
    assert 0.6 < kept.float().mean().item() < 0.9
    assert nt.allclose(out[kept], nt.full_like(out[kept], 1 / 0.75))
    channels = nt.feature_dropout(nt.ones(50, 10, 4), 0.5, True)
    assert bool(((channels == 0) | (channels == 2)).all())
    assert bool((channels.amin(2) == channels.amax(2)).all())  # whole channels


def test_inplace_forms_write_into_the_input():
    for name, args in [("dropout_", (0.5, True)), ("feature_dropout_", (0.5, True)),
                       ("celu_", ()), ("selu_", ()), ("threshold_", (0.0, 7.0)),
                       ("rrelu_", ())]:
        got = nt.tensor(A.copy())
        result = getattr(nt, name)(got, *args)
        assert result is got, name
        if "dropout" not in name:
            want = getattr(torch, name)(torch.tensor(A.copy()), *args)
            np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6, err_msg=name)


def test_rrelu_training_draws_from_the_given_generator():
    g1, g2 = nt.Generator().manual_seed(5), nt.Generator().manual_seed(5)
    x = nt.tensor(A)
    first = nt.rrelu(x, 0.1, 0.3, True, g1)
    second = nt.rrelu(x, 0.1, 0.3, training=True, generator=g2)
    assert nt.equal(first, second)
    slopes = (first / x)[x < 0]
    assert bool(((slopes >= 0.1) & (slopes <= 0.3)).all())


def test_threshold_out():
    out = nt.empty(0)
    result = nt.threshold(nt.tensor(A), 0.0, -1.0, out=out)
    assert result is out
    np.testing.assert_allclose(out.numpy(), torch.threshold(torch.tensor(A), 0.0, -1.0).numpy())


def _pair_call(name, args, kwargs):
    """Calls of nt.<name> and torch.<name> on the same arguments (arrays made tensors)."""
    def call(lib):
        built = [lib.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
        return lambda: getattr(lib, name)(*built, **kwargs)
    return call(nt), call(torch)


ERRORS = [
    ("dropout", (A, "a", True), {}),
    ("dropout", (A,), {"p": "a", "train": True}),
    ("dropout", (A, 0.5, 1), {}),
    ("dropout", (A, 1.5, False), {}),
    ("dropout_", (A, -0.5, True), {}),
    ("feature_dropout", (A[0], 0.5, True), {}),
    ("dropout", (IDX, 0.5, True), {}),
    ("dropout", ([1.0], 0.5, True), {}),
    ("dropout", (A, 0.5, True, 3), {}),
    ("dropout", (A, 0.5, True), {"training": True}),
    ("layer_norm", (A, "ab"), {}),
    ("layer_norm", (A, 5), {}),
    ("layer_norm", (A, [5], 5), {}),
    ("layer_norm", (A, [5]), {"weight": 5}),
    ("layer_norm", (A, [5]), {"elementwise_affine": True}),
    ("group_norm", (X3, 2.0), {}),
    ("group_norm", (X3, True), {}),
    ("batch_norm", (X3, None, None, None, None, 1, 0.1, 1e-5, True), {}),
    ("embedding", ([0.0], IDX), {}),
    ("celu", (A, "a"), {}),
    ("celu", (A, 0), {}),
    ("threshold", (A, "a", 1), {}),
    ("rrelu", (A, 0.5, 0.1), {}),
    ("pdist", (X3,), {}),
    ("pdist", (A, -1.0), {}),
    ("cosine_similarity", (A, 3), {}),
    ("kl_div", (A, B, "mean"), {}),
    ("kl_div", (A, B), {"reduction": "sum"}),
    ("binary_cross_entropy_with_logits", (A, B), {"size_average": True}),
    ("triplet_margin_loss", (A, B, A), {"swap": 1}),
    ("poisson_nll_loss", (A, B, True, False, 1e-8, "mean"), {}),
    ("constant_pad_nd", (A, [1], "a"), {}),
    ("constant_pad_nd", (A, 1), {}),
    ("convolution", (X3, W1, None, 1, [0], [1], False, [0], 1), {}),
    ("conv_transpose1d", (X3, W1T), {"groups": 1.5}),
    ("lstm_cell", (A, H, W_IH[4], W_HH[4]), {}),
    ("gru_cell", (A, H, W_IH[3], 3), {}),
]


def test_loss_weights_may_not_require_grad():
    def call(lib):
        return lambda: lib.binary_cross_entropy_with_logits(
            lib.tensor(A), lib.tensor(T01), None, lib.ones(5, requires_grad=True))
    raises_like(call(nt), call(torch))


@pytest.mark.parametrize("name,args,kwargs", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, args, kwargs):
    ours, theirs = _pair_call(name, args, kwargs)
    raises_like(ours, theirs)


def test_signatures_are_torch_s():
    import inspect
    for name in nt.ops.torch_functional.FUNCTIONS:
        assert "**" not in str(inspect.signature(getattr(nt, name))), name
    assert str(inspect.signature(nt.embedding)) == (
        "(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False)")
    assert str(inspect.signature(nt.kl_div)) == "(input, target, reduction=0, *, log_target=False)"
