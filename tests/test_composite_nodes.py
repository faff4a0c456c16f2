"""Functions that PyTorch runs as one op with its own backward node, and that numtensor
composes from tensor ops (autograd.derivatives.composite): their grad_fn names match
PyTorch's, their gradients match PyTorch's and pass gradcheck and gradgradcheck, and the
graph behaves as a graph (retain_graph, freeing, in-place checks, next_functions)."""
import numpy as np
import pytest
import torch

import numtensor as nt
from numtensor.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(7)
X = RNG.standard_normal((4, 3))
T01 = RNG.random((4, 3))
CLASSES = np.array([2, 0, 1, 2])
X4 = RNG.standard_normal((2, 3, 4, 4))

# name -> (fn(lib, *tensors), [input arrays]); inputs after the first `GRAD.get(name, all)`
# do not require grad (PyTorch refuses gradients for class weights)
CASES = {
    "nll_loss": (lambda L, x: L.nn.functional.nll_loss(x, L.tensor(CLASSES)), [X]),
    "nll_loss_none": (lambda L, x: L.nn.functional.nll_loss(x, L.tensor(CLASSES),
                                                            reduction="none"), [X]),
    "cross_entropy": (lambda L, x: L.nn.functional.cross_entropy(x, L.tensor(CLASSES)), [X]),
    "cross_entropy_weighted": (lambda L, x, w: L.nn.functional.cross_entropy(
        x, L.tensor(CLASSES), weight=w, ignore_index=0), [X, np.array([0.5, 1.0, 2.0])]),
    "mse_loss": (lambda L, x, t: L.nn.functional.mse_loss(x, t), [X, T01]),
    "mse_loss_sum": (lambda L, x, t: L.nn.functional.mse_loss(x, t, reduction="sum"), [X, T01]),
    "binary_cross_entropy": (lambda L, p, t: L.nn.functional.binary_cross_entropy(p, t),
                             [T01 * 0.8 + 0.1, T01.round()]),
    "binary_cross_entropy_with_logits": (
        lambda L, x, t, pw: L.nn.functional.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
        [X, T01, np.array([1.0, 2.0, 0.5])]),
    "gelu": (lambda L, x: L.nn.functional.gelu(x), [X]),
    "gelu_tanh": (lambda L, x: L.nn.functional.gelu(x, approximate="tanh"), [X]),
    "leaky_relu": (lambda L, x: L.nn.functional.leaky_relu(x, 0.2), [X]),
    "softplus": (lambda L, x: L.nn.functional.softplus(x, beta=2.0), [X]),
    "logsigmoid": (lambda L, x: L.nn.functional.logsigmoid(x), [X]),
    "layer_norm": (lambda L, x, w, b: L.nn.functional.layer_norm(x, (3,), w, b),
                   [X, np.array([1.0, 2.0, 0.5]), np.array([0.1, 0.0, -0.1])]),
    "batch_norm_train": (lambda L, x, w, b: L.nn.functional.batch_norm(
        x, None, None, w, b, training=True), [X4, np.array([1.0, 2.0, 0.5]),
                                              np.array([0.1, 0.0, -0.1])]),
    "batch_norm_eval": (lambda L, x, w: L.nn.functional.batch_norm(
        x, L.zeros(3, dtype=L.float64), L.ones(3, dtype=L.float64), w, training=False),
        [X4, np.array([1.0, 2.0, 0.5])]),
    "pad": (lambda L, x: L.nn.functional.pad(x, (1, 2, 0, 1), value=0.5), [X]),
    "embedding": (lambda L, w: L.nn.functional.embedding(L.tensor([[1, 2], [2, 0]]), w), [X]),
}


GRAD = {"cross_entropy_weighted": 1, "binary_cross_entropy_with_logits": 2}


def _tensors(lib, name):
    arrays = CASES[name][1]
    n = GRAD.get(name, len(arrays))
    return [lib.tensor(a, dtype=lib.float64, requires_grad=i < n) for i, a in enumerate(arrays)]


def _run(lib, name):
    ts = _tensors(lib, name)
    return CASES[name][0](lib, *ts), ts


@pytest.mark.parametrize("name", sorted(CASES))
def test_node_name_value_and_gradient_match_torch(name):
    y, xs = _run(nt, name)
    ty, txs = _run(torch, name)
    assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
    assert y.grad_fn.name() == ty.grad_fn.name()
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(ty.shape))
    y.backward(nt.tensor(g))
    ty.backward(torch.tensor(g))
    for x, tx in zip(xs, txs):
        if tx.requires_grad:
            np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_and_gradgradcheck(name):
    fn = CASES[name][0]
    ts = tuple(_tensors(nt, name))
    f = lambda *xs: fn(nt, *xs)  # noqa: E731
    assert gradcheck(f, ts)
    assert gradgradcheck(f, ts)


@pytest.mark.parametrize("call", [
    lambda L, p, w: L.nn.functional.binary_cross_entropy(p.sigmoid(), p.detach().sigmoid(), weight=w),
    lambda L, p, w: L.nn.functional.binary_cross_entropy_with_logits(p, p.detach(), weight=w),
    lambda L, p, w: L.nn.functional.binary_cross_entropy_with_logits(p, p.detach(), pos_weight=w),
    lambda L, p, w: L.nn.functional.nll_loss(p.reshape(1, 3), L.tensor([1]), weight=w),
    lambda L, p, w: L.nn.functional.cross_entropy(p.reshape(1, 3), L.tensor([1]), weight=w),
])
def test_class_weights_refuse_gradients_as_torch_does(call):
    def outcome(L):
        p = L.tensor([0.2, 0.5, 0.7], requires_grad=True)
        w = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
        try:
            call(L, p, w)
        except RuntimeError as e:
            return str(e)
        return None
    assert outcome(nt) == outcome(torch) is not None


def test_printed_loss_reads_as_torch():
    x = nt.tensor([[0.2, -0.3, 0.5]], requires_grad=True)
    loss = nt.nn.functional.cross_entropy(x, nt.tensor([1]))
    tx = torch.tensor([[0.2, -0.3, 0.5]], requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor([1]))
    assert repr(loss) == repr(tloss)
    assert "NllLossBackward0" in repr(loss)


def test_next_functions_lead_to_the_arguments():
    x = nt.tensor([[0.2, -0.3, 0.5]], requires_grad=True)
    loss = nt.nn.functional.cross_entropy(x * 2, nt.tensor([1]))
    tx = torch.tensor([[0.2, -0.3, 0.5]], requires_grad=True)
    tloss = torch.nn.functional.cross_entropy(tx * 2, torch.tensor([1]))

    def names(fn):
        return [type(n).__name__ if n is not None else None for n, _ in fn.next_functions]
    assert names(loss.grad_fn) == names(tloss.grad_fn)
    assert names(loss.grad_fn.next_functions[0][0]) == names(tloss.grad_fn.next_functions[0][0])


# PyTorch's node has an edge per tensor input of the op, (None, 0) where no gradient goes
# (the tutorial's loss.grad_fn.next_functions on an MSELoss)
@pytest.mark.parametrize("call", [
    lambda L, x, t, w: L.nn.functional.mse_loss(x, t),
    lambda L, x, t, w: L.nn.functional.mse_loss(t, x),
    lambda L, x, t, w: L.nn.functional.mse_loss(x, t, weight=t, reduction="none"),
    lambda L, x, t, w: L.nn.functional.huber_loss(x, t),
    lambda L, x, t, w: L.nn.functional.smooth_l1_loss(t, x),
    lambda L, x, t, w: L.nn.functional.binary_cross_entropy(x.sigmoid(), t, weight=w),
    lambda L, x, t, w: L.nn.functional.binary_cross_entropy_with_logits(x, t, pos_weight=w),
    lambda L, x, t, w: L.nn.functional.layer_norm(x, (3,)),
    lambda L, x, t, w: L.nn.functional.layer_norm(t, (3,), x[0]),
    lambda L, x, t, w: L.nn.functional.batch_norm(x, None, None, w, training=True),
    lambda L, x, t, w: L.nn.functional.group_norm(x.view(4, 3, 1), 3, bias=w),
    lambda L, x, t, w: L.nn.functional.prelu(x, L.tensor([0.25], dtype=L.float64)),
    lambda L, x, t, w: L.nn.functional.embedding(L.tensor([0, 2]), x),
])
def test_next_functions_have_an_edge_per_input_of_torch_node(call):
    def names(L):
        x = L.tensor(X, requires_grad=True)
        y = call(L, x, L.tensor(T01), L.tensor([1.0, 2.0, 0.5], dtype=L.float64))
        return y.grad_fn.name(), [n if n is None else n.name() for n, _ in y.grad_fn.next_functions]
    assert names(nt) == names(torch)


def test_backward_twice_needs_retain_graph():
    x = nt.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = nt.nn.functional.mse_loss(x, nt.zeros(3))
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * x.detach().numpy() / 3), rtol=1e-6)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_in_place_change_of_an_argument_after_the_forward():
    """The gradient stays the forward's (the composed graph saved what it reads), and an
    in-place op that re-bases the argument's views does not cut the graph."""
    x = nt.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x * 1.0
    y = nt.nn.functional.leaky_relu(h, 0.1).sum()
    h.mul_(-1.0)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.1, 1.0])


def test_no_grad_and_plain_inputs_record_nothing():
    x = nt.tensor([0.5, -1.0])
    assert nt.nn.functional.gelu(x).grad_fn is None
    with nt.no_grad():
        assert nt.nn.functional.gelu(x.requires_grad_()).grad_fn is None


def test_leaky_relu_in_place_keeps_the_tensor():
    x = nt.tensor([0.5, -1.0, 2.0], requires_grad=True)
    h = x * 1.0
    r = nt.nn.functional.leaky_relu(h, 0.1, inplace=True)
    assert r is h
    r.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.1, 1.0])


def test_batch_norm_running_stats_update_once():
    x = nt.tensor(X4, dtype=nt.float64, requires_grad=True)
    rm, rv = nt.zeros(3, dtype=nt.float64), nt.ones(3, dtype=nt.float64)
    tx = torch.tensor(X4, requires_grad=True)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    nt.nn.functional.batch_norm(x, rm, rv, training=True).sum().backward()
    torch.nn.functional.batch_norm(tx, trm, trv, training=True).sum().backward()
    np.testing.assert_allclose(rm.numpy(), trm.numpy(), rtol=1e-12)
    np.testing.assert_allclose(rv.numpy(), trv.numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("call", [
    lambda L, x: x.clamp_min(0.5), lambda L, x: x.clamp_max(0.5), lambda L, x: L.clamp_min(x, 0.5),
    lambda L, x: L.clamp_max(x, 0.5), lambda L, x: x.clamp(min=0.5), lambda L, x: x.clamp(0.1, 0.5),
])
def test_clamp_node_names_and_gradients(call):
    a = np.array([0.2, 0.7, -1.0, 0.5])
    ours, theirs = nt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = call(nt, ours), call(torch, theirs)
    assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__
    y.sum().backward()
    ty.sum().backward()
    np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
