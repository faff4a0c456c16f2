"""In-place view ops (transpose_, t_, swapdims_, swapaxes_, squeeze_, unsqueeze_,
as_strided_) change a tensor's geometry and, with history, record PyTorch's node for the
in-place form on it: gradients flow back through the new geometry, a leaf that requires
grad is refused, and without grad mode only the metadata changes.  Checked against
PyTorch: values, grad_fn names, gradients and error messages."""
import numpy as np
import pytest

import numtensor as nt
from nn_helpers import torch

OPS = {
    "transpose_": lambda t: t.transpose_(0, 2),
    "t_": lambda t: t.reshape(6, 4).t_(),
    "swapdims_": lambda t: t.swapdims_(1, 2),
    "swapaxes_": lambda t: t.swapaxes_(0, 1),
    "squeeze_": lambda t: t.reshape(1, 6, 1, 4).squeeze_(),
    "squeeze_(dim)": lambda t: t.reshape(1, 24).squeeze_(0),
    "squeeze_(dims)": lambda t: t.reshape(1, 24, 1).squeeze_((0, 2)),
    "unsqueeze_": lambda t: t.unsqueeze_(1),
    "as_strided_": lambda t: t.as_strided_((3, 5), (2, 3), 1),
    "slice then t_": lambda t: t.reshape(6, 4)[1:5].t_(),
}


def _run(lib, op):
    x = lib.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = x * 2  # a non-leaf with history
    out = OPS[op](y)
    g = lib.tensor(np.linspace(-1.0, 1.0, out.numel()).reshape(tuple(out.shape)))
    (out * g).sum().backward()
    return out, x.grad


@pytest.mark.parametrize("op", sorted(OPS))
def test_in_place_view_ops_record_pytorchs_node_and_gradient(op):
    out_n, grad_n = _run(nt, op)
    out_t, grad_t = _run(torch, op)
    assert tuple(out_n.shape) == tuple(out_t.shape) and out_n.stride() == out_t.stride()
    np.testing.assert_array_equal(out_n.detach().numpy(), out_t.detach().numpy())
    assert type(out_n.grad_fn).__name__ == type(out_t.grad_fn).__name__
    np.testing.assert_allclose(grad_n.numpy(), grad_t.numpy())


def test_the_op_returns_the_tensor_itself_and_keeps_the_memory():
    y = nt.arange(6.0).reshape(2, 3).requires_grad_() * 1
    version = y._version
    assert y.t_() is y and y.shape == (3, 2) and y._version == version
    assert y.squeeze_() is y and y.unsqueeze_(0) is y and y.shape == (1, 3, 2)


@pytest.mark.parametrize("op", ["transpose_", "t_", "squeeze_", "unsqueeze_", "as_strided_"])
def test_a_leaf_or_a_view_of_one_that_requires_grad_is_refused(op):
    call = {"transpose_": lambda t: t.transpose_(0, 1), "t_": lambda t: t.t_(),
            "squeeze_": lambda t: t.squeeze_(), "unsqueeze_": lambda t: t.unsqueeze_(0),
            "as_strided_": lambda t: t.as_strided_((2,), (1,))}[op]
    for lib in (nt, torch):
        leaf = lib.ones(2, 3, requires_grad=True)
        made_from_a_view = lib.arange(6.0).reshape(2, 3).requires_grad_()
        view_of_leaf = leaf[0:1]
        for t, words in ((leaf, "a leaf Variable"), (made_from_a_view, "a view of a leaf"),
                         (view_of_leaf, "a view of a leaf")):
            with pytest.raises(RuntimeError, match=words):
                call(t)
        with lib.no_grad():  # metadata only, allowed
            call(leaf)
        assert leaf.grad_fn is None and leaf.requires_grad


def test_gradcheck_through_in_place_views():
    def f(x):
        y = x * 1
        y.t_()
        y.unsqueeze_(0)
        y.transpose_(0, 2)
        return (y * y).sum(1)
    x = nt.rand(3, 4, dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(f, (x,))


def test_out_of_place_squeeze_of_a_tuple_of_dims_is_squeezebackward2():
    for lib in (nt, torch):
        x = lib.ones(1, 3, 1, requires_grad=True) * 1
        assert type(x.squeeze((0, 2)).grad_fn).__name__ == "SqueezeBackward2"
