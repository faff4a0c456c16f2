"""Reverse-mode autograd: tensor state, the engine, grad mode, in-place history
rewriting, errors, and composite expressions against real torch.

Op-by-op gradients (gradcheck + torch) are in test_gradcheck.py.
"""
import re

import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import LAYOUTS, assert_grads_match_torch, random_arrays, to_numpy


def _torch():
    import torch  # the oracle is required: a missing torch fails, never skips
    return torch


# ---- tensor state -------------------------------------------------------------------
def test_requires_grad_flag_and_keyword():
    assert nt.ones(2).requires_grad is False
    for make in (lambda: nt.ones(2, requires_grad=True), lambda: nt.zeros(2, 3, requires_grad=True),
                 lambda: nt.tensor([1.0, 2.0], requires_grad=True),
                 lambda: nt.arange(4.0, requires_grad=True), lambda: nt.randn(3, requires_grad=True),
                 lambda: nt.full((2,), 1.5, requires_grad=True)):
        t = make()
        assert t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None


def test_requires_grad_underscore_returns_self():
    x = nt.arange(4.0)
    assert x.requires_grad_() is x and x.requires_grad
    assert x.requires_grad_(False) is x and not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad


@pytest.mark.parametrize("dtype", [nt.int64, nt.int32, nt.uint8, nt.bool])
def test_only_floating_point_tensors_can_require_grad(dtype):
    # torch words the same rule differently at each entry point; each is matched exactly
    x = nt.zeros(3, dtype=dtype)
    with pytest.raises(RuntimeError, match=r"^only Tensors of floating point dtype can require "
                                           r"gradients$"):
        x.requires_grad_()
    with pytest.raises(RuntimeError, match=r"^only Tensors of floating point and complex dtype "
                                           r"can require gradients$"):
        x.requires_grad = True
    with pytest.raises(RuntimeError, match=r"^Only Tensors of floating point and complex dtype "
                                           r"can require gradients$"):
        nt.zeros(3, dtype=dtype, requires_grad=True)
    assert not x.requires_grad
    x.requires_grad_(False)  # switching it off is always allowed


def test_complex_and_double_tensors_can_require_grad():
    assert nt.zeros(2, dtype=nt.complex64).requires_grad_().requires_grad
    assert nt.zeros(2, dtype=nt.float64, requires_grad=True).requires_grad


def test_requires_grad_cannot_be_switched_off_on_a_non_leaf():
    y = nt.ones(2, requires_grad=True) * 2
    msg = "you can only change requires_grad flags of leaf variables."
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        y.requires_grad_(False)
    y.requires_grad_(True)  # a no-op


def test_grad_fn_names_repr_and_is_leaf():
    x = nt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == "MulBackward0" and not y.is_leaf and y.requires_grad
    assert repr(y) == "tensor([2., 4., 6.], grad_fn=<MulBackward0>)"
    assert repr(y.sum()) == "tensor(12., grad_fn=<SumBackward0>)"
    assert repr(x) == "tensor([1., 2., 3.], requires_grad=True)"
    assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr(y.grad_fn))
    assert (x + 1).grad_fn.name() == "AddBackward0"
    assert x.exp().grad_fn.name() == "ExpBackward0"
    assert x[0].grad_fn.name() == "SelectBackward0"
    assert x.mean().grad_fn.name() == "MeanBackward0"
    assert x.sum(0).grad_fn.name() == "SumBackward1"


def test_next_functions_lead_to_accumulate_grad():
    x = nt.ones(2, requires_grad=True)
    w = nt.ones(2, requires_grad=True)
    c = nt.ones(2)
    z = (x * w + c).sum()
    (add, nr), = z.grad_fn.next_functions
    assert add.name() == "AddBackward0" and nr == 0
    (mul, _), (none, _) = add.next_functions
    assert mul.name() == "MulBackward0" and none is None
    (acc_x, _), (acc_w, _) = mul.next_functions
    assert type(acc_x).__name__ == "AccumulateGrad" and acc_x.variable is x
    assert acc_w.variable is w and acc_x.next_functions == ()
    assert (x * 3).grad_fn.next_functions[0][0] is acc_x  # one sink per leaf


@pytest.mark.parametrize("expr", ["2 * b", "2.5 * b", "True * b", "1 + b", "b * 2", "b + 1",
                                  "2 / b", "b - 1", "-b", "b * t", "t * b", "t + b",
                                  # `2 - b` is torch's b.rsub(2): RsubBackward1, one edge
                                  "2 - b", "2.5 - b", "b - t", "t - b",
                                  "torch.rsub(b, 2)", "torch.rsub(b, 2, alpha=3)",
                                  # ... but torch.sub(2, b) is SubBackward0 with (None, b)
                                  "torch.sub(2, b)", "torch.sub(2, b, alpha=3)",
                                  "torch.rsub(b, t)", "torch.rsub(t, b)", "torch.rsub(b, b)",
                                  "torch.addcmul(b, t, t)", "torch.addcmul(t, b, t, value=2)",
                                  "torch.addcmul(t, t, b)", "b.addcmul(b, b)",
                                  "torch.addcdiv(b, t, t)", "torch.addcdiv(t, t, b, value=0.5)",
                                  "torch.addcdiv(t, b, t)", "b.addcdiv(b, b)",
                                  "t.clone().addcmul_(b, t)", "t.clone().addcdiv_(t, b)"])
def test_next_functions_of_reflected_operators_match_torch(expr):
    """`2 * b` is torch's b.mul(2): b's edge first (the autograd tutorial's
    d.grad_fn.next_functions[0][0].next_functions)."""
    def names(lib):
        b = lib.tensor([1.0, 2.0], requires_grad=True).sin()
        t = lib.tensor([3.0, 4.0])
        y = eval(expr, {"b": b, "t": t, "torch": lib})
        return (type(y.grad_fn).__name__, y.grad_fn.name(),
                [n if n is None else n.name() for n, _ in y.grad_fn.next_functions])
    assert names(nt) == names(_torch())


_GRAPH_EXPRS = [
    "b / 2", "2 / b", "b ** 2", "2 ** b", "b ** b", "-b", "b.mean()", "b.sum()", "b.sum(0)",
    "b[0]", "b[1:]", "m.t()", "m.view(-1)", "m.reshape(-1)", "torch.cat([b, t])",
    "torch.stack([b, t])", "b.abs()", "b.clamp(0, 1)", "b.clamp(min=0)", "F.relu(b)",
    "F.linear(m, w)", "F.linear(m, w, v)", "m @ w", "b @ b", "b.unsqueeze(0)",
    "m.permute(1, 0)", "m.expand(2, 2, 2)", "m.max(0)[0]", "torch.where(b > 0, b, t)",
    "F.softmax(m, 0)", "m.sum(dim=1, keepdim=True)", "b.sub(t, alpha=2)", "b.exp()",
]


@pytest.mark.parametrize("expr", _GRAPH_EXPRS)
def test_graph_of_common_ops_matches_torch(expr):
    """Node class names and next_functions, two levels deep, as torch records them."""
    def graph(lib):
        F = nt.nn.functional if lib is nt else lib.nn.functional
        b = lib.tensor([0.5, 2.0], dtype=lib.float64, requires_grad=True).sin()
        t = lib.tensor([3.0, 4.0], dtype=lib.float64)
        m = lib.tensor([[0.1, 0.2], [0.3, 0.4]], dtype=lib.float64, requires_grad=True).cos()
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        v = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        y = eval(expr, {"b": b, "t": t, "m": m, "w": w, "v": v, "torch": lib, "F": F})

        def describe(fn, depth):
            if fn is None:
                return None
            if depth == 0:
                return type(fn).__name__
            return (type(fn).__name__,
                    tuple((describe(n, depth - 1), i) for n, i in fn.next_functions))
        return describe(y.grad_fn, 2)
    assert graph(nt) == graph(_torch())


@pytest.mark.parametrize("fn", [
    lambda x, y, z: 2.5 - x,
    lambda x, y, z: nt.sub(2.0, x, alpha=3),
    lambda x, y, z: nt.rsub(x, 2, alpha=1.5),
    lambda x, y, z: nt.rsub(x, y, alpha=2),
    lambda x, y, z: nt.rsub(z, x),
    lambda x, y, z: nt.addcmul(x, y, z),
    lambda x, y, z: nt.addcmul(x, y, z, value=-0.75),
    lambda x, y, z: nt.addcmul(y, x, x, value=2),
    lambda x, y, z: nt.addcdiv(x, y, z + 3, value=1.5),
    lambda x, y, z: nt.addcdiv(z, x, y + 3),
    lambda x, y, z: (x * 1).addcmul_(y, z, value=0.5),
    lambda x, y, z: (x * 1).addcdiv_(y, z + 3, value=-2),
])
def test_gradcheck_of_rsub_addcmul_addcdiv(fn):
    from numtensor.autograd import gradcheck
    rng = np.random.default_rng(0)
    # x (2, 3), y (3,) and z (2, 1): the gradients are reduced to broadcast shapes
    args = tuple(nt.tensor(rng.uniform(0.5, 1.5, shape), dtype=nt.float64, requires_grad=True)
                 for shape in ((2, 3), (3,), (2, 1)))
    assert gradcheck(fn, args)


@pytest.mark.parametrize("op", ["addcmul", "addcdiv", "rsub_tensor", "rsub_scalar"])
def test_rsub_addcmul_addcdiv_gradients_match_torch(op):
    fns = {"addcmul": lambda L, x, y, z: L.addcmul(x, y, z, value=0.7),
           "addcdiv": lambda L, x, y, z: L.addcdiv(x, y, z, value=-1.3),
           "rsub_tensor": lambda L, x, y, z: L.rsub(x, z, alpha=2.5) * y,
           "rsub_scalar": lambda L, x, y, z: (L.rsub(x, 2, alpha=2.5) + y) * z}
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((3, 1)), rng.standard_normal(4), rng.standard_normal((3, 4)) + 3]
    assert_grads_match_torch(_torch(), fns[op], arrays)


def test_addcmul_without_grad_records_nothing():
    x, y = nt.ones(2), nt.ones(2)
    assert nt.addcmul(x, y, y).grad_fn is None
    w = nt.ones(2, requires_grad=True)
    with nt.no_grad():
        assert not nt.addcdiv(w, y, y).requires_grad


def test_no_history_without_requires_grad_or_in_no_grad():
    x = nt.ones(2)
    assert (x * 2).grad_fn is None and not (x * 2).requires_grad
    w = nt.ones(2, requires_grad=True)
    with nt.no_grad():
        y = w * 2
    assert y.grad_fn is None and not y.requires_grad and y.is_leaf


def test_integer_results_do_not_require_grad():
    x = nt.tensor([1.5, -2.0], requires_grad=True)
    assert not (x > 0).requires_grad
    assert not x.argmax().requires_grad
    values, indices = x.max(0)
    assert values.requires_grad and not indices.requires_grad


def test_detach_shares_storage_and_drops_history():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    assert d.data_ptr() == y.data_ptr()
    d[0] = 10.0  # writes through to y, as in torch
    assert y[0].item() == 10.0
    assert x.detach().data_ptr() == x.data_ptr()


def test_numpy_of_a_tensor_that_requires_grad_raises():
    x = nt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(
            "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")):
        x.numpy()
    with pytest.raises(RuntimeError, match="Can't call numpy"):
        (x * 2).numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert y.retains_grad is False
    y.retain_grad()
    assert y.retains_grad is True
    (y * y).sum().backward()
    assert y.grad.tolist() == [6.0, 12.0]
    assert x.grad.tolist() == [18.0, 36.0]
    z = x * 2
    (z * z).sum().backward()
    assert z.grad is None  # not retained: non-leaf grads are not kept


# ---- the engine ---------------------------------------------------------------------
def test_backward_accumulates_until_zeroed():
    x = nt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0, 6.0]
    (x * x).sum().backward()
    assert x.grad.tolist() == [4.0, 8.0, 12.0]
    grad = x.grad
    x.grad.zero_()
    (3 * x).sum().backward()
    assert x.grad is grad and x.grad.tolist() == [3.0, 3.0, 3.0]


def test_accumulated_grads_do_not_alias_each_other():
    x = nt.ones(3, requires_grad=True)
    y = nt.ones(3, requires_grad=True)
    (x + y).sum().backward()  # both receive the same incoming gradient
    assert x.grad.data_ptr() != y.grad.data_ptr()
    x.grad.add_(1)
    assert y.grad.tolist() == [1.0, 1.0, 1.0]
    g = nt.ones(3)
    x.grad = None
    (x * 1).backward(g)
    g.add_(5)
    assert x.grad.tolist() == [1.0, 1.0, 1.0]  # .grad owns its memory


def test_backward_with_explicit_gradient():
    x = nt.tensor([0.0, 1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(gradient=nt.tensor([1.0, 0.5, 2.0, 0.0]))
    assert x.grad.tolist() == [0.0, 1.0, 8.0, 0.0]


def test_backward_of_a_leaf():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    x.backward(nt.tensor([3.0, 4.0]))
    assert x.grad.tolist() == [3.0, 4.0]


def test_non_scalar_backward_needs_a_gradient():
    y = nt.ones(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar outputs$"):
        y.backward()


def test_gradient_shape_must_match():
    y = nt.ones(3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=re.escape("Mismatch in shape: grad_output[0] has a shape "
                                                     "of torch.Size([2]) and output[0] has a shape "
                                                     "of torch.Size([3]).")):
        y.backward(nt.ones(2))


def test_backward_of_a_tensor_without_history_raises():
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad and does "
                                           "not have a grad_fn$"):
        nt.ones(2).sum().backward()


def test_second_backward_needs_retain_graph():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    z = (x.exp() * x).sum()
    z.backward(retain_graph=True)
    first = x.grad.clone()
    z.backward()  # retained: a second pass works and accumulates
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy())
    with pytest.raises(RuntimeError, match=re.escape(
            "Trying to backward through the graph a second time (or directly access saved "
            "tensors after they have already been freed). Saved intermediate values of the graph "
            "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
            "you need to backward through the graph a second time or if you need to access saved "
            "tensors after calling backward.")):
        z.backward()


def test_long_chain_is_iterative():
    x = nt.tensor([1.0, -1.0], dtype=nt.float64, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** 10_000] * 2, rtol=1e-4)


def test_diamond_graph_sums_both_paths():
    x = nt.tensor([2.0], requires_grad=True)
    a = x * 3
    b = a.exp()
    c = a * a
    (b + c).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 * np.exp(6.0) + 2 * 6.0 * 3], rtol=1e-6)


def test_broadcast_gradients_are_summed_back_to_the_input_shape():
    x = nt.ones(2, 1, 3, requires_grad=True)
    b = nt.ones(4, 1, requires_grad=True)
    (x * b).sum().backward()
    assert x.grad.shape == (2, 1, 3) and x.grad.tolist() == [[[4.0] * 3]] * 2
    assert b.grad.shape == (4, 1) and b.grad.tolist() == [[6.0]] * 4


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_expanded_scalar_operands_in_either_position(op):
    # the gradient of a full reduction is one value expanded (all strides 0); element-wise
    # kernels read it at its offset, whichever side it is on
    dense = nt.tensor([1.0, 2.0, 4.0])
    scalar = nt.tensor([7.0, 3.0])[1].expand(3)
    fn = getattr(nt, op)
    ref = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}[op]
    np.testing.assert_allclose(fn(dense, scalar).numpy(), ref([1.0, 2.0, 4.0], 3.0))
    np.testing.assert_allclose(fn(scalar, dense).numpy(), ref(3.0, [1.0, 2.0, 4.0]))


def test_promoted_gradients_come_back_in_the_input_dtype():
    x = nt.ones(3, requires_grad=True)
    w = nt.ones(3, dtype=nt.float64, requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype == nt.float32 and w.grad.dtype == nt.float64


# ---- autograd.grad ------------------------------------------------------------------
def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    w = nt.tensor([3.0, 4.0], requires_grad=True)
    gx, gw = nt.autograd.grad((x * w).sum(), [x, w])
    assert gx.tolist() == [3.0, 4.0] and gw.tolist() == [1.0, 2.0]
    assert x.grad is None and w.grad is None
    g, = nt.autograd.grad(x * w, x, grad_outputs=nt.tensor([1.0, -1.0]))
    assert g.tolist() == [3.0, -4.0]


def test_autograd_grad_wrt_an_intermediate_tensor():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    g, = nt.autograd.grad((y * y).sum(), y)
    assert g.tolist() == [4.0, 8.0]


def test_autograd_grad_results_are_owned_by_the_caller():
    y = nt.tensor(2.0, requires_grad=True) * 1
    g, = nt.autograd.grad(y, y)
    g.add_(5)  # must not change what later calls see
    g2, = nt.autograd.grad(y * 1, y)
    assert g2.item() == 1.0


def test_autograd_grad_unused_inputs():
    x = nt.tensor([1.0], requires_grad=True)
    unused = nt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(
            "The differentiated Tensor at index 1 appears to not have been used in the graph. "
            "Set allow_unused=True if this is the desired behavior.")):
        nt.autograd.grad((x * 2).sum(), [x, unused], retain_graph=True)
    gx, gu = nt.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gx.tolist() == [2.0] and gu is None


def test_autograd_grad_input_must_require_grad():
    x = nt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        nt.autograd.grad((x * 2).sum(), [nt.ones(1)])


def test_autograd_grad_create_graph_gives_higher_derivatives():
    x = nt.tensor([1.0, 2.0], dtype=nt.float64, requires_grad=True)
    y = (x ** 3).sum()
    g, = nt.autograd.grad(y, x, create_graph=True)
    assert g.requires_grad and g.tolist() == [3.0, 12.0]
    g2, = nt.autograd.grad(g.sum(), x)
    assert g2.tolist() == [6.0, 12.0]


def test_backward_inputs_restricts_accumulation():
    x = nt.tensor([1.0], requires_grad=True)
    w = nt.tensor([2.0], requires_grad=True)
    (x * w).sum().backward(inputs=[w])
    assert x.grad is None and w.grad.tolist() == [1.0]


# ---- grad mode ----------------------------------------------------------------------
def test_no_grad_enable_grad_and_set_grad_enabled_contexts():
    x = nt.ones(2, requires_grad=True)
    assert nt.is_grad_enabled()
    with nt.no_grad():
        assert not nt.is_grad_enabled() and not (x * 2).requires_grad
        with nt.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    assert nt.is_grad_enabled()
    with nt.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    with nt.set_grad_enabled(True):
        assert (x * 2).requires_grad
    nt.set_grad_enabled(False)  # a plain call switches the mode, as in torch
    try:
        assert not nt.is_grad_enabled()
    finally:
        nt.set_grad_enabled(True)
    assert nt.is_grad_enabled()


def test_grad_mode_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with nt.no_grad():
            1 / 0
    assert nt.is_grad_enabled()


def test_grad_mode_decorators():
    x = nt.ones(2, requires_grad=True)

    @nt.no_grad()
    def with_parens(a):
        return a * 2

    @nt.no_grad
    def without_parens(a):
        return a * 2

    @nt.set_grad_enabled(False)
    def disabled(a):
        return a * 2

    assert nt.is_grad_enabled()  # decorating does not switch the mode
    assert not with_parens(x).requires_grad
    assert not without_parens(x).requires_grad
    assert not disabled(x).requires_grad
    assert nt.is_grad_enabled()
    assert with_parens.__name__ == "with_parens"

    @nt.enable_grad()
    def enabled(a):
        return a * 2
    with nt.no_grad():
        assert enabled(x).requires_grad


def test_parameter_update_under_no_grad():
    w = nt.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    storage = w.data_ptr()
    with nt.no_grad():
        w -= 0.1 * w.grad
    assert w.is_leaf and w.requires_grad and w.grad_fn is None and w.data_ptr() == storage
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    w.grad.zero_()
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.6, 3.2])


def test_parameter_update_through_data():
    w = nt.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w.data -= 0.1 * w.grad
    w.grad.data.zero_()
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy(), [0.8, 1.6])
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.6, 3.2])
    w.data = nt.zeros(2)
    assert w.requires_grad and w.tolist() == [0.0, 0.0]


# ---- in-place operations ---------------------------------------------------------------
LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."


@pytest.mark.parametrize("op", [
    lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.zero_(), lambda t: t.exp_(),
    lambda t: t.copy_(nt.zeros(3)), lambda t: t.fill_(1.0), lambda t: t.__iadd__(1),
    lambda t: t.clamp_(0, 1)])
def test_in_place_on_a_leaf_that_requires_grad_raises(op):
    x = nt.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^" + re.escape(LEAF_ERROR) + "$"):
        op(x)
    assert x.tolist() == [1.0, 1.0, 1.0]  # nothing was written


@pytest.mark.parametrize("op", [lambda t: t[0].add_(1), lambda t: t.__setitem__(0, 5.0),
                                lambda t: t.t().mul_(2)])
def test_in_place_on_a_view_of_a_leaf_raises(op):
    x = nt.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="^" + re.escape(
            "a view of a leaf Variable that requires grad is being used in an in-place "
            "operation.") + "$"):
        op(x)


def test_in_place_keeps_identity_and_version_counts_writes():
    x = nt.ones(3, requires_grad=True)
    y = x * 1
    version = y._version
    z = y.add_(1)
    assert z is y and y._version == version + 1
    assert y.grad_fn.name() == "AddBackward0"
    y[0] = 0
    assert y._version == version + 2 and y.grad_fn.name() == "torch::autograd::CopySlices"


@pytest.mark.parametrize("op", [
    lambda T, y: y.zero_(), lambda T, y: y.fill_(2.0), lambda T, y: y.copy_(T.ones(2, 3)),
    lambda T, y: y.add_(1), lambda T, y: y.mul_(y.detach()), lambda T, y: y.sigmoid_(),
    lambda T, y: y.clamp_(0, 1), lambda T, y: y.__setitem__(0, 5.0),
    lambda T, y: y[:, 1].mul_(2), lambda T, y: y.t().exp_()])
def test_in_place_grad_fn_names_match_torch(op):
    torch = _torch()
    names = []
    for T in (torch, nt):
        y = T.ones(2, 3, requires_grad=True) * 1
        op(T, y)
        names.append(y.grad_fn.name())
    assert names[1] == names[0]


def test_in_place_history_prints_as_torch():
    torch = _torch()
    shown = []
    for T in (torch, nt):
        x = T.ones(2, requires_grad=True)
        y = x * 1
        y[0] = 3
        z = T.zeros(2)
        z.copy_(x)
        shown.append((repr(y), repr(z)))
    assert shown[1] == shown[0]
    assert shown[1][0] == "tensor([3., 1.], grad_fn=<CopySlices>)"


def _error_text(fn):
    try:
        fn()
    except RuntimeError as e:
        return str(e)
    return None


def test_modified_saved_tensor_is_detected_like_torch():
    torch = _torch()

    def scenario(T):
        x = T.ones(2, requires_grad=True)
        y = x.exp()  # exp saves its result
        y.add_(1)
        y.sum().backward()

    def leaf_scenario(T):
        x = T.ones(2, requires_grad=True)
        w = T.ones(2, requires_grad=True)
        y = x * w  # saves x and w
        with T.no_grad():
            x.add_(1)
        y.sum().backward()
    for s in (scenario, leaf_scenario):
        want = _error_text(lambda: s(torch))
        got = _error_text(lambda: s(nt))
        assert want is not None and got == want


def test_in_place_ops_that_save_their_result_are_checked_like_torch():
    torch = _torch()

    def scenario(T):
        x = T.ones(3, requires_grad=True)
        y = x * 1
        y.tanh_()  # saves its result: y itself
        y.mul_(2)
        y.sum().backward()
    want = _error_text(lambda: scenario(torch))
    assert want is not None and _error_text(lambda: scenario(nt)) == want


def _inplace_scenarios():
    def brief_example(T, x, w, c):
        y = x * 1
        y[0] = 0
        y.add_(1)
        y[:, 1] *= 3
        return (y * y).sum()

    def chain_on_non_leaf(T, x, w, c):
        y = x * w
        y.mul_(2)
        y.sub_(c)
        y += w
        y /= 2
        return (y * y).sum()

    def write_through_strided_view(T, x, w, c):
        y = x * 1
        v = y[1:, ::2]
        v.mul_(w[1:, ::2])
        return (y * y).sum()

    def copy_into_transposed_view(T, x, w, c):
        y = x * 1
        y.t()[1].copy_(c[:3])
        return (y * w).sum()

    def setitem_into_a_constant(T, x, w, c):
        y = T.zeros(3, 4, dtype=T.float64)
        y[1] = c
        y[:, 0] = x[:, 0]
        return (y * w).sum()

    def unary_in_place_chain(T, x, w, c):
        y = x * 1
        y.sin_()
        y.mul_(3)
        y.clamp_(-0.5, 2.0)
        y.abs_()
        y.add_(0.5)
        y.sqrt_()  # saves its result, which nothing modifies afterwards
        return (y * w).sum()

    def zero_then_add(T, x, w, c):
        y = x * 1
        y.zero_()
        y += w
        return (y * y).sum()

    def sibling_views(T, x, w, c):
        y = (x * 2).view(12)
        y[3:7].mul_(c)  # y itself is a view of the same base: its history must follow
        return (y.view(3, 4) * w).sum()

    def view_then_base_write(T, x, w, c):
        y = x + 0
        row = y[0]
        row.add_(c)
        y[1, 2] = 5.0
        return (y * w).sum() + (row * row).sum()

    def base_write_then_view_use(T, x, w, c):
        y = x * 1
        first = y[0]
        y.mul_(w)  # first sees the new values: its gradient must too
        return (first * c).sum()

    def setitem_with_an_expression_of_itself(T, x, w, c):
        y = x.t() * 1
        y[1:3] = y[1:3] * 2
        return (y ** 2).sum()

    def unsqueezed_view(T, x, w, c):
        y = x * 1
        u = y.unsqueeze(0)
        u[0, :, 1] += c[:3]
        return (y * w).sum()

    def copy_of_a_leaf(T, x, w, c):
        y = T.zeros(4, dtype=T.float64)
        y.copy_(c)
        return (y * y * c).sum()
    return [brief_example, chain_on_non_leaf, write_through_strided_view,
            copy_into_transposed_view, setitem_into_a_constant, unary_in_place_chain,
            zero_then_add, sibling_views, view_then_base_write, base_write_then_view_use,
            setitem_with_an_expression_of_itself, unsqueezed_view, copy_of_a_leaf]


@pytest.mark.parametrize("scenario", _inplace_scenarios(), ids=lambda f: f.__name__)
def test_in_place_on_non_leaf_tensors_matches_torch(scenario):
    torch = _torch()
    x, w, c = random_arrays([(3, 4), (3, 4), (4,)], seed=3)
    c = np.abs(c) + 0.5
    results = []
    for T in (torch, nt):
        leaves = [T.tensor(a, requires_grad=True) for a in (x, w, c)]
        out = scenario(T, *leaves)
        out.backward()
        results.append((out.item(), [to_numpy(t.grad) for t in leaves]))
    (want_out, want_grads), (got_out, got_grads) = results
    np.testing.assert_allclose(got_out, want_out, rtol=1e-10)
    for got, want in zip(got_grads, want_grads):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_brief_example_gradient_by_hand():
    x = nt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 1
    y[0] = 0
    y.add_(1)
    y[:, 1] *= 3
    (y * y).sum().backward()
    # row 0 was overwritten: no gradient; y[1] = (x + 1) * [1, 3]: d(y^2)/dx = 2 y [1, 3]
    assert x.grad.tolist() == [[0.0, 0.0], [8.0, 90.0]]


# ---- ties in max / min (PyTorch's rules) ------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda T, a: a.max(), lambda T, a: a.min(), lambda T, a: a.amax(), lambda T, a: a.amin(),
    lambda T, a: a.amax(1), lambda T, a: a.amin(0), lambda T, a: a.max(1).values,
    lambda T, a: a.min(0).values, lambda T, a: a.max(1, keepdim=True)[0],
    lambda T, a: T.maximum(a, a * 1), lambda T, a: T.minimum(a * 1, a),
    lambda T, a: T.maximum(a, T.ones_like(a) * 2), lambda T, a: T.minimum(a, T.zeros_like(a)),
    lambda T, a: a.norm(p=float("inf")), lambda T, a: a.clamp(0.0, 2.0),
    lambda T, a: a.relu(), lambda T, a: a.abs(), lambda T, a: a.prod(), lambda T, a: a.prod(1),
    lambda T, a: a.prod(0, keepdim=True), lambda T, a: (a[0] * 0 + a[1]).prod(),
    lambda T, a: (a - a.detach()).norm(), lambda T, a: (a - a.detach()).norm(dim=1),
    lambda T, a: a.sqrt().clamp(max=1.0)])
def test_ties_and_kinks_follow_torch(fn):
    """Zeros, ties and kinks: where several answers are defensible, torch's is the one."""
    torch = _torch()
    data = np.array([[2.0, 0.0, 2.0], [-1.0, 2.0, 0.0]])
    results = []
    for T in (torch, nt):
        a = T.tensor(data, requires_grad=True)
        out = fn(T, a)
        out.backward(T.ones_like(out))
        results.append(a.grad.numpy())
    np.testing.assert_allclose(results[1], results[0])


@pytest.mark.parametrize("fn", [
    lambda T, a, b: a ** b, lambda T, a, b: (-2.0) ** b, lambda T, a, b: 0.0 ** b,
    lambda T, a, b: 2.0 ** b, lambda T, a, b: a ** 0, lambda T, a, b: a ** -1.5,
    lambda T, a, b: a ** 3])
def test_pow_at_zero_and_negative_bases_follows_torch(fn):
    torch = _torch()
    results = []
    for T in (torch, nt):
        a = T.tensor([-2.0, 0.0, 0.0, 3.0], requires_grad=True)
        b = T.tensor([3.0, 2.0, -1.0, 0.5], requires_grad=True)
        fn(T, a, b).sum().backward()
        results.append([None if t.grad is None else t.grad.numpy() for t in (a, b)])
    for got, want in zip(results[1], results[0]):
        if want is None:
            assert got is None
        else:
            np.testing.assert_allclose(got, want, rtol=1e-6)


# ---- composite expressions against torch ------------------------------------------------
def _mlp(T, x, w1, b1, w2):
    """Two layers without matmul: (x[:, None] * w).sum(-1) is x @ w.T."""
    h = ((x[:, None, :] * w1).sum(-1) + b1).relu()
    logits = (h[:, None, :] * w2).sum(-1)
    return logits


def _log_softmax(T, z, dim):
    shifted = z - z.amax(dim, keepdim=True)
    return shifted - shifted.exp().sum(dim, keepdim=True).log()


COMPOSITES = {
    "mlp": (lambda T, x, w1, b1, w2: (_mlp(T, x, w1, b1, w2) ** 2).mean(),
            [(4, 3), (5, 3), (5,), (2, 5)]),
    "softmax": (lambda T, z: (z.exp() / z.exp().sum(1, keepdim=True)) * T.arange(3.0),
                [(4, 3)]),
    "log_softmax_nll": (lambda T, z: -_log_softmax(T, z, 1)[:, 0].mean(), [(4, 3)]),
    "cross_entropy_by_hand": (lambda T, x, w1, b1, w2: -_log_softmax(
        T, _mlp(T, x, w1, b1, w2), -1).narrow(1, 1, 1).sum(), [(4, 3), (5, 3), (5,), (2, 5)]),
    "views_and_indexing": (lambda T, a: (a.t()[1:, ::2].reshape(-1) * a[0, 0]).sum()
                           + a[:, None, 1].expand(3, 4).sum() + a.reshape(12)[::5].prod(),
                           [(3, 4)]),
    "broadcasting": (lambda T, a, b, c: ((a - b) * c / (1 + b ** 2)).sum(), [(2, 3, 4), (3, 1),
                                                                              (4,)]),
    "reductions_over_several_dims": (lambda T, a: a.sum((0, 2)).max() + a.mean((1, 2)).norm()
                                     + a.std(1).sum() + a.logsumexp((0, 1)).sum()
                                     + a.cumsum(2).amin(), [(2, 3, 4)]),
    "sigmoid_tanh_where": (lambda T, a, b: T.where(a > 0, a.sigmoid(), b.tanh() * a)
                           .clamp(-0.3, 0.6).sum(), [(3, 4), (3, 4)]),
    "pow_forms": (lambda T, a, b: (a.abs() ** b + 2 ** b + a ** 2 + (a * a + 1).sqrt()).sum(),
                  [(3, 4), (4,)]),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(COMPOSITES))
def test_composite_expressions_match_torch(name, layout):
    torch = _torch()
    fn, shapes = COMPOSITES[name]
    assert_grads_match_torch(torch, fn, random_arrays(shapes, seed=7), layout, atol=1e-10,
                             rtol=1e-9, check_name=False)


def test_accumulation_over_two_backward_calls_matches_torch():
    torch = _torch()
    data = random_arrays([(3, 4), (4,)], seed=11)
    grads = []
    for T in (torch, nt):
        a, b = (T.tensor(d, requires_grad=True) for d in data)
        ((a * b).exp().sum()).backward()
        ((a - b).abs().mean()).backward()
        grads.append((a.grad.numpy(), b.grad.numpy()))
    for got, want in zip(grads[1], grads[0]):
        np.testing.assert_allclose(got, want, rtol=1e-10)


def test_float32_mlp_matches_torch():
    torch = _torch()
    data = [d.astype(np.float32) for d in random_arrays([(4, 3), (5, 3), (5,), (2, 5)], seed=5)]
    grads = []
    for T in (torch, nt):
        leaves = [T.tensor(d, requires_grad=True) for d in data]
        (_mlp(T, *leaves) ** 2).mean().backward()
        grads.append([t.grad.numpy() for t in leaves])
    for got, want in zip(grads[1], grads[0]):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


# ---- d2l "Automatic Differentiation" ------------------------------------------------------
def _d2l_section(torch, dot):
    """The section's code with what each snippet displays, as text."""
    shown = []
    x = torch.arange(4.0)
    x.requires_grad_(True)
    shown.append(repr(x.grad))
    y = 2 * dot(torch, x)
    shown.append(repr(y))
    y.backward()
    shown.append(repr(x.grad))
    shown.append(repr(x.grad == 4 * x))
    x.grad.zero_()
    y = x.sum()
    y.backward()
    shown.append(repr(x.grad))
    x.grad.zero_()
    y = x * x
    y.backward(gradient=torch.ones(len(y)))
    shown.append(repr(x.grad))
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    shown.append(repr(x.grad == u))
    x.grad.zero_()
    y.sum().backward()
    shown.append(repr(x.grad == 2 * x))
    return shown


def test_d2l_automatic_differentiation_section_prints_as_torch():
    torch = _torch()
    # dot(x, x) is written as a sum so that this test does not depend on linalg
    want = _d2l_section(torch, lambda T, x: (x * x).sum())
    got = _d2l_section(nt, lambda T, x: (x * x).sum())
    assert got == want
    assert got[1] == "tensor(28., grad_fn=<MulBackward0>)"
    assert got[2] == "tensor([ 0.,  4.,  8., 12.])"


def test_d2l_section_with_torch_dot():
    torch = _torch()
    if not hasattr(nt, "dot"):
        pytest.skip("numtensor.dot belongs to the linalg work")
    want = _d2l_section(torch, lambda T, x: T.dot(x, x))
    got = _d2l_section(nt, lambda T, x: T.dot(x, x))
    assert got == want


def _d2l_f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


@pytest.mark.parametrize("seed", range(4))
def test_d2l_python_control_flow(seed):
    nt.manual_seed(seed)
    a = nt.randn(size=(), requires_grad=True)
    d = _d2l_f(a)
    d.backward()
    assert bool(a.grad == d / a)
    assert repr(a.grad == d / a) == "tensor(True)"


# ---- a training loop (d2l's linear regression from scratch) ----------------------------------
def _linear_regression(T, data):
    X = T.tensor(data["X"])
    y = T.matmul(X, T.tensor([2, -3.4])) + 4.2
    w = T.tensor(data["w0"], requires_grad=True)
    b = T.zeros(1, requires_grad=True)

    def net(X):
        return T.matmul(X, w) + b

    def loss(y_hat, y):
        return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2

    def sgd(params, lr, batch_size):
        with T.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()
    losses = []
    for _ in range(3):
        for i in range(0, 100, 10):
            l = loss(net(X[i:i + 10]), y[i:i + 10])
            l.sum().backward()
            sgd([w, b], 0.03, 10)
        with T.no_grad():
            losses.append(float(loss(net(X), y).mean()))
    return losses, repr(w), repr(b)


def test_linear_regression_training_loop_matches_torch():
    torch = _torch()
    if not hasattr(nt, "matmul"):
        pytest.skip("numtensor.matmul belongs to the linalg work")
    rng = np.random.default_rng(0)
    data = {"X": rng.standard_normal((100, 2)).astype(np.float32),
            "w0": rng.normal(0, 0.01, (2, 1)).astype(np.float32)}
    got_losses, *got_params = _linear_regression(nt, data)
    want_losses, *want_params = _linear_regression(torch, data)
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-5)  # float32 summation order
    assert got_params == want_params  # the printed parameters agree to every shown digit


def test_backward_with_an_unknown_keyword_says_what_torch_says():
    # d2l's slide writes y.backward(grad=torch.ones(len(y))): a TypeError in PyTorch
    messages = []
    for lib in (_torch(), nt):
        x = lib.arange(4.0, requires_grad=True)
        with pytest.raises(TypeError) as e:
            (x * x).backward(grad=lib.ones(4))
        messages.append(str(e.value))
    assert messages[1] == messages[0] == ("Tensor.backward() got an unexpected keyword "
                                          "argument 'grad'")


def test_linear_weight_gradient_is_kept_not_copied(monkeypatch):
    """W.grad of a Linear is the transpose of the product computed for W.t(): nothing else
    holds that memory, so the leaf keeps it (no copy), as an owning tensor of its own."""
    import torch
    x = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    w = np.random.default_rng(1).standard_normal((3, 7)).astype(np.float32)
    ops = nt.ops
    copies = []
    real_clone = ops.clone
    monkeypatch.setattr(ops, "clone", lambda t, **kw: copies.append(tuple(t.shape)) or real_clone(t, **kw))
    wn = nt.tensor(w, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    for _ in range(2):  # the second backward adds into the kept memory
        nt.nn.functional.linear(nt.tensor(x), wn).pow(2).sum().backward()
        torch.nn.functional.linear(torch.tensor(x), wt).pow(2).sum().backward()
    assert (3, 7) not in copies
    assert wn.grad._base is None and wn.grad.is_contiguous()
    np.testing.assert_allclose(wn.grad.numpy(), wt.grad.numpy(), rtol=1e-5)


def test_weight_gradient_seen_by_a_hook_is_copied():
    x = nt.randn(5, 7)
    w = nt.randn(3, 7, requires_grad=True)
    seen = []
    wt = w.t()
    wt.register_hook(lambda g: seen.append(g))
    nt.mm(x, wt).sum().backward()
    before = seen[0].clone()
    w.grad.zero_()  # the hook's tensor must not share memory with w.grad
    assert nt.equal(seen[0], before)


def test_tensor_hooks_shape_the_gradients_autograd_grad_and_backward_inputs_return():
    """autograd.grad and backward(inputs=) hand out the gradient a tensor's own hooks
    returned, for a leaf and for a non-leaf target, as PyTorch does."""
    import torch
    results = []
    for lib in (nt, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        seen = []
        x.register_hook(lambda g: seen.append(g.tolist()) or g * 10)
        y = (x * x).sum()
        out = [lib.autograd.grad(y, x, retain_graph=True)[0].tolist(), list(seen)]
        y.backward(inputs=[x], retain_graph=True)
        out.append(x.grad.tolist())
        h = x * 2
        h.register_hook(lambda g: g * 3)
        out.append(lib.autograd.grad((h * h).sum(), h)[0].tolist())
        h2 = x * 2
        h2.register_hook(lambda g: g * 3)
        out.append(lib.autograd.grad((h2 * h2).sum(), x)[0].tolist())
        results.append(out)
    assert results[0] == results[1]


@pytest.mark.parametrize("fill", [
    lambda t, lib: t.uniform_(), lambda t, lib: t.normal_(), lambda t, lib: t.exponential_(),
    lambda t, lib: t.bernoulli_(0.5), lambda t, lib: t.bernoulli_(lib.full((3,), 0.5)),
    lambda t, lib: t.random_(), lambda t, lib: t.random_(5), lambda t, lib: t.random_(0, 5),
    lambda t, lib: t.cauchy_(), lambda t, lib: t.log_normal_(), lambda t, lib: t.geometric_(0.5)])
def test_random_fills_refuse_leaves_and_cut_the_gradient(fill):
    """An in-place random fill of a leaf that requires grad raises; a tensor with history
    gets PyTorch's node (UniformBackward0 ...) and its old history a zero gradient; a
    filled view rewrites its base's history (CopySlices)."""
    import torch
    from nn_helpers import raises_like
    seen = []
    for lib in (nt, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        fill(y, lib)
        (y * 3).sum().backward()
        b = x * 2
        fill(b[:3], lib)
        seen.append((type(y.grad_fn).__name__, x.grad.tolist(), type(b.grad_fn).__name__))
    assert seen[0] == seen[1]
    raises_like(lambda: fill(nt.ones(3, requires_grad=True), nt),
                lambda: fill(torch.ones(3, requires_grad=True), torch))


def test_fmod_and_remainder_gradients_and_nodes_match_torch():
    """fmod recorded no history at all (its result did not require grad); by a number it
    is FmodBackward0 (one edge), by a tensor FmodBackward1 with -trunc(a / b) * grad for
    the divisor; remainder likewise RemainderBackward0 / RemainderBackward1."""
    import torch
    seen = []
    for lib in (nt, torch):
        x = lib.tensor([0.5, 1.0, 2.0, -2.5], dtype=lib.float64, requires_grad=True)
        o = lib.tensor([0.3, 0.4, 0.7, 0.7], dtype=lib.float64, requires_grad=True)
        for f in (lambda: x.fmod(0.3), lambda: x.fmod(o), lambda: x.remainder(0.3),
                  lambda: x.remainder(o), lambda: x % 0.3, lambda: lib.fmod(x, o[1])):
            x.grad = o.grad = None
            y = f()
            (y * lib.tensor([1.0, 2, 3, 4], dtype=lib.float64)).sum().backward()
            seen.append((lib.__name__, type(y.grad_fn).__name__, len(y.grad_fn.next_functions),
                         x.grad.tolist(), None if o.grad is None else o.grad.tolist()))
    half = len(seen) // 2
    assert [s[1:] for s in seen[:half]] == [s[1:] for s in seen[half:]]
    x = nt.tensor([0.5, 1.0, 2.0, -2.5], dtype=nt.float64, requires_grad=True)
    o = nt.tensor([0.3, 0.4, 0.7, 0.7], dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradcheck(lambda a, b: a.fmod(b), (x, o))


def test_a_chain_with_leaves_is_walked_in_the_searchs_order():
    """Random chains whose nodes also take leaves (before or after the chain's operand,
    shared between nodes or twice by one node): the walk's order is the depth-first
    search's, node for node, with and without a node to stop at."""
    import random
    from numtensor.autograd import engine
    rng = random.Random(0)
    walked = 0
    for case in range(300):
        leaves = [nt.ones(2, requires_grad=True) for _ in range(rng.randint(1, 4))]
        y = rng.choice(leaves) * 1.5
        for _ in range(rng.randint(1, 6)):
            leaf, other = rng.choice(leaves), rng.choice(leaves)
            y = rng.choice([lambda: y * leaf, lambda: leaf * y, lambda: y.exp(),
                            lambda: nt.addcmul(leaf, y, other), lambda: leaf * other + y,
                            lambda: nt.stack([leaf, y, other]).sum(0),
                            lambda: y * y if case % 7 == 0 else y + leaf])()
        root = y.sum().grad_fn
        searched = engine._search_order([root], ())
        order = engine._chain_order(root, ())
        if order is None:
            continue
        walked += 1
        assert order == searched
        assert engine._topo_order([root]) == searched
        stop = rng.choice(searched)
        assert engine._chain_order(root, {stop}) == engine._search_order([root], {stop})
    assert walked > 150  # most of these graphs are chains with leaves


def test_the_engine_orders_a_chain_by_walking_it_and_any_other_graph_by_search():
    """A chain of nodes (each with at most one edge to another node) is run in the order
    of its walk; a node with two edges sends the whole graph to the general search,
    and both orders put every node before the nodes it feeds."""
    from numtensor.autograd import engine
    x = nt.ones(3, requires_grad=True)
    chain = ((x * 2) * 3).exp().sum()
    order = engine._chain_order(chain.grad_fn, ())
    assert [n.name() for n in order] == ["SumBackward0", "ExpBackward0", "MulBackward0",
                                         "MulBackward0", "torch::autograd::AccumulateGrad"]
    assert engine._topo_order([chain.grad_fn]) == order
    mid = order[2]
    assert engine._chain_order(chain.grad_fn, {mid}) == order[:3]  # not past a stop node
    y = x * 2
    diamond = (y * y.exp()).sum()  # y feeds two nodes
    assert engine._chain_order(diamond.grad_fn, ()) is None
    general = engine._topo_order([diamond.grad_fn])
    position = {node: i for i, node in enumerate(general)}
    for node in general:
        for edge in node._edges:
            if edge is not None:
                assert position[node] < position[edge[0]]
    diamond.backward()
    # d/dx of y e^y at y = 2x = 2: 2 (e^y + y e^y)
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2.0) * 3 * np.ones(3), rtol=1e-6)
