"""The gradient table, op by op: every differentiable op is checked

  * by gradcheck (backward against central finite differences, in float64), and
  * against real torch's gradients and grad_fn name,

on contiguous, transposed and sliced (stride 2) leaves; the shapes include broadcasting.
"""
import numpy as np
import pytest

import numtensor as nt
from autograd_helpers import LAYOUTS, assert_grads_match_torch, leaf, random_arrays

# name: (fn(lib, *tensors), input shapes, input domain)
#   domain "real": standard normal; "positive": |normal| + 0.5; "unit": uniform in (-0.8, 0.8)
OPS = {
    # element-wise, one input
    "neg": (lambda T, a: -a, [(2, 3)], "real"),
    "abs": (lambda T, a: a.abs(), [(2, 3)], "real"),
    "exp": (lambda T, a: a.exp(), [(2, 3)], "real"),
    "expm1": (lambda T, a: T.expm1(a), [(2, 3)], "real"),
    "log": (lambda T, a: a.log(), [(2, 3)], "positive"),
    "log2": (lambda T, a: a.log2(), [(2, 3)], "positive"),
    "log10": (lambda T, a: T.log10(a), [(2, 3)], "positive"),
    "log1p": (lambda T, a: a.log1p(), [(2, 3)], "positive"),
    "sqrt": (lambda T, a: a.sqrt(), [(2, 3)], "positive"),
    "rsqrt": (lambda T, a: a.rsqrt(), [(2, 3)], "positive"),
    "reciprocal": (lambda T, a: a.reciprocal(), [(2, 3)], "positive"),
    "square": (lambda T, a: a.square(), [(2, 3)], "real"),
    "sin": (lambda T, a: a.sin(), [(2, 3)], "real"),
    "cos": (lambda T, a: T.cos(a), [(2, 3)], "real"),
    "tan": (lambda T, a: a.tan(), [(2, 3)], "unit"),
    "asin": (lambda T, a: a.asin(), [(2, 3)], "unit"),
    "acos": (lambda T, a: a.acos(), [(2, 3)], "unit"),
    "atan": (lambda T, a: a.atan(), [(2, 3)], "real"),
    "sinh": (lambda T, a: a.sinh(), [(2, 3)], "real"),
    "cosh": (lambda T, a: a.cosh(), [(2, 3)], "real"),
    "tanh": (lambda T, a: a.tanh(), [(2, 3)], "real"),
    "sigmoid": (lambda T, a: T.sigmoid(a), [(2, 3)], "real"),
    "relu": (lambda T, a: a.relu(), [(2, 3)], "real"),
    "floor": (lambda T, a: a.floor(), [(2, 3)], "real"),
    "round": (lambda T, a: a.round(), [(2, 3)], "real"),
    "sign": (lambda T, a: a.sign(), [(2, 3)], "real"),
    "clamp": (lambda T, a: a.clamp(-0.5, 0.5), [(2, 3)], "real"),
    "clamp_min": (lambda T, a: a.clamp(min=0.1), [(2, 3)], "real"),
    "clamp_max": (lambda T, a: T.clamp(a, max=0.2), [(2, 3)], "real"),
    "pow_scalar": (lambda T, a: a ** 3, [(2, 3)], "real"),
    "pow_2": (lambda T, a: a ** 2, [(2, 3)], "real"),
    "pow_half": (lambda T, a: a ** 0.5, [(2, 3)], "positive"),
    "pow_negative": (lambda T, a: T.pow(a, -1.5), [(2, 3)], "positive"),
    "rpow": (lambda T, a: 2 ** a, [(2, 3)], "real"),
    "rsub": (lambda T, a: 2 - a, [(2, 3)], "real"),
    "rdiv": (lambda T, a: 2 / a, [(2, 3)], "positive"),
    "add_scalar": (lambda T, a: a + 1.5, [(2, 3)], "real"),
    "mul_scalar": (lambda T, a: a * -2.5, [(2, 3)], "real"),
    "div_scalar": (lambda T, a: a / 4, [(2, 3)], "real"),
    "remainder_scalar": (lambda T, a: a % 0.7, [(2, 3)], "positive"),
    # element-wise, two or three inputs (with broadcasting)
    "add": (lambda T, a, b: a + b, [(2, 3), (2, 3)], "real"),
    "add_broadcast": (lambda T, a, b: a + b, [(2, 3), (3,)], "real"),
    "add_alpha": (lambda T, a, b: T.add(a, b, alpha=-2), [(2, 3), (2, 1)], "real"),
    "sub": (lambda T, a, b: a - b, [(2, 3), (1, 3)], "real"),
    "sub_alpha": (lambda T, a, b: a.sub(b, alpha=3), [(2, 3), (2, 3)], "real"),
    "mul": (lambda T, a, b: a * b, [(2, 3), (2, 3)], "real"),
    "mul_broadcast_both": (lambda T, a, b: a * b, [(2, 1, 3), (4, 1)], "real"),
    "div": (lambda T, a, b: a / b, [(2, 3), (3,)], "positive"),
    "pow_tensor": (lambda T, a, b: a ** b, [(2, 3), (2, 3)], "positive"),
    "pow_tensor_broadcast": (lambda T, a, b: T.pow(a, b), [(2, 3), (3,)], "positive"),
    "atan2": (lambda T, a, b: T.atan2(a, b), [(2, 3), (2, 3)], "real"),
    "maximum": (lambda T, a, b: T.maximum(a, b), [(2, 3), (3,)], "real"),
    "minimum": (lambda T, a, b: T.minimum(a, b), [(2, 3), (2, 3)], "real"),
    "where": (lambda T, a, b: T.where(a > 0, a, b), [(2, 3), (3,)], "real"),
    "where_scalar": (lambda T, a: T.where(a > 0, a, 0.0), [(2, 3)], "real"),
    "clamp_tensor_bounds": (lambda T, a, lo, hi: T.clamp(a, min=lo, max=hi + 1),
                            [(2, 3), (3,), (2, 1)], "real"),
    # reductions
    "sum": (lambda T, a: a.sum(), [(2, 3)], "real"),
    "sum_dim": (lambda T, a: a.sum(1), [(2, 3)], "real"),
    "sum_dims_keepdim": (lambda T, a: a.sum((0, 2), keepdim=True), [(2, 3, 2)], "real"),
    "sum_negative_dim": (lambda T, a: T.sum(a, dim=-1), [(2, 3)], "real"),
    "mean": (lambda T, a: a.mean(), [(2, 3)], "real"),
    "mean_dim_keepdim": (lambda T, a: a.mean(-1, keepdim=True), [(2, 3)], "real"),
    "mean_dims": (lambda T, a: a.mean((0, 1)), [(2, 3, 2)], "real"),
    "std": (lambda T, a: a.std(), [(2, 3)], "real"),
    "std_dim": (lambda T, a: a.std(0), [(2, 3)], "real"),
    "var": (lambda T, a: a.var(), [(2, 3)], "real"),
    "var_dim_keepdim": (lambda T, a: a.var(1, keepdim=True), [(2, 3)], "real"),
    "var_biased": (lambda T, a: a.var(unbiased=False), [(2, 3)], "real"),
    "prod": (lambda T, a: a.prod(), [(2, 3)], "real"),
    "prod_dim": (lambda T, a: a.prod(1), [(2, 3)], "real"),
    "prod_dim_keepdim": (lambda T, a: a.prod(0, keepdim=True), [(2, 3)], "real"),
    "amax": (lambda T, a: a.amax(), [(2, 3)], "real"),
    "amax_dim": (lambda T, a: a.amax(1), [(2, 3)], "real"),
    "amin_dims": (lambda T, a: a.amin((0, 2)), [(2, 3, 2)], "real"),
    "max": (lambda T, a: a.max(), [(2, 3)], "real"),
    "min": (lambda T, a: T.min(a), [(2, 3)], "real"),
    "max_dim": (lambda T, a: a.max(1)[0], [(2, 3)], "real"),
    "min_dim_keepdim": (lambda T, a: a.min(0, keepdim=True).values, [(2, 3)], "real"),
    "norm": (lambda T, a: a.norm(), [(2, 3)], "real"),
    "norm_dim": (lambda T, a: a.norm(dim=1), [(2, 3)], "real"),
    "norm_p1": (lambda T, a: a.norm(p=1), [(2, 3)], "real"),
    "norm_p3_dim": (lambda T, a: a.norm(p=3, dim=0), [(2, 3)], "real"),
    "norm_inf": (lambda T, a: a.norm(p=float("inf")), [(2, 3)], "real"),
    "dist": (lambda T, a, b: T.dist(a, b), [(2, 3), (3,)], "real"),
    "logsumexp": (lambda T, a: a.logsumexp(1), [(2, 3)], "real"),
    "logsumexp_dims_keepdim": (lambda T, a: T.logsumexp(a, (0, 1), keepdim=True), [(2, 3)],
                               "real"),
    "cumsum": (lambda T, a: a.cumsum(1), [(2, 3)], "real"),
    "cumsum_dim0": (lambda T, a: T.cumsum(a, dim=0), [(2, 3)], "real"),
    # views and copies
    "view": (lambda T, a: a.contiguous().view(3, 2), [(2, 3)], "real"),
    "reshape": (lambda T, a: a.reshape(-1), [(2, 3)], "real"),
    "reshape_split_dim": (lambda T, a: a.reshape(2, 3, 1, 2), [(2, 6)], "real"),
    "permute": (lambda T, a: a.permute(2, 0, 1), [(2, 3, 2)], "real"),
    "transpose": (lambda T, a: a.transpose(0, 1), [(2, 3)], "real"),
    "t": (lambda T, a: a.t(), [(2, 3)], "real"),
    "T": (lambda T, a: a.T, [(2, 3)], "real"),
    "expand": (lambda T, a: a.expand(4, 2, 3), [(2, 3)], "real"),
    "expand_size1": (lambda T, a: a.expand(2, 3), [(2, 1)], "real"),
    "narrow": (lambda T, a: a.narrow(1, 1, 2), [(2, 3)], "real"),
    "squeeze": (lambda T, a: a.squeeze(), [(2, 1, 3)], "real"),
    "squeeze_dim": (lambda T, a: a.squeeze(1), [(2, 1, 3)], "real"),
    "unsqueeze": (lambda T, a: a.unsqueeze(1), [(2, 3)], "real"),
    "flatten": (lambda T, a: a.flatten(), [(2, 3, 2)], "real"),
    "flatten_start": (lambda T, a: T.flatten(a, 1), [(2, 3, 2)], "real"),
    "index_int": (lambda T, a: a[1], [(2, 3)], "real"),
    "index_negative": (lambda T, a: a[:, -1], [(2, 3)], "real"),
    "index_slice": (lambda T, a: a[:, 1:], [(2, 3)], "real"),
    "index_step_none": (lambda T, a: a[::2, None, -1], [(3, 3)], "real"),
    "index_ellipsis": (lambda T, a: a[..., 0:3:2], [(2, 3)], "real"),
    "clone": (lambda T, a: a.clone(), [(2, 3)], "real"),
    "contiguous": (lambda T, a: a.t().contiguous(), [(2, 3)], "real"),
}


def _arrays(shapes, domain, seed=0):
    if domain == "unit":
        rng = np.random.default_rng(seed)
        return [rng.uniform(-0.8, 0.8, s) for s in shapes]
    return random_arrays(shapes, seed, positive=(domain == "positive"))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(OPS))
def test_gradcheck(name, layout):
    fn, shapes, domain = OPS[name]
    leaves = [leaf(nt, a, layout) for a in _arrays(shapes, domain)]
    assert nt.autograd.gradcheck(lambda *xs: fn(nt, *xs), leaves, eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", sorted(OPS))
def test_grads_match_torch(name, layout):
    import torch  # the oracle is required: a missing torch fails, never skips
    fn, shapes, domain = OPS[name]
    assert_grads_match_torch(torch, fn, _arrays(shapes, domain), layout)


# ---- gradcheck itself --------------------------------------------------------------
def _double_with_wrong_gradient(x):
    """2 * x whose recorded backward claims 3: gradcheck must catch it."""
    from numtensor.autograd.derivatives import Derivative, attach
    wrong = Derivative("WrongBackward", lambda ctx, g: (g * 3,), ("self",), ())  # unregistered
    out = x.detach() * 2
    attach(wrong, out, (x,))
    return out


def test_gradcheck_detects_a_wrong_gradient():
    x = nt.tensor([1.0, 2.0, 3.0], dtype=nt.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="Jacobian mismatch for output 0 with respect to input 0"):
        nt.autograd.gradcheck(_double_with_wrong_gradient, (x,))
    assert nt.autograd.gradcheck(_double_with_wrong_gradient, (x,), raise_exception=False) is False


def test_gradcheck_error_is_a_runtime_error_subclass():
    from numtensor.autograd.gradcheck import GradcheckError
    assert issubclass(GradcheckError, RuntimeError)


def test_gradcheck_accepts_a_single_tensor_and_leaves_inputs_unchanged():
    x = nt.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=nt.float64, requires_grad=True)
    before = x.detach().clone()
    assert nt.autograd.gradcheck(lambda a: (a * a).sum(0), x)
    assert nt.equal(x.detach(), before)
    assert x.grad is None  # gradcheck uses autograd.grad, not .backward


def test_gradcheck_with_several_outputs_and_a_non_differentiable_input():
    x = nt.tensor([0.5, -1.0, 2.0], dtype=nt.float64, requires_grad=True)
    y = nt.tensor([1.5, 2.0, -0.5], dtype=nt.float64)  # requires no grad: not checked
    assert nt.autograd.gradcheck(lambda a, b: (a * b, a.exp().sum()), (x, y))


def test_gradcheck_needs_an_input_that_requires_grad():
    x = nt.tensor([1.0, 2.0], dtype=nt.float64)
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        nt.autograd.gradcheck(lambda a: a * 2, (x,))


def test_gradcheck_warns_about_float32():
    x = nt.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="not of double precision"):
        nt.autograd.gradcheck(lambda a: a * 2, (x,), eps=1e-2, atol=1e-2, rtol=1e-2)


def test_gradgradcheck_second_derivative():
    x = nt.tensor([0.5, -1.0, 2.0], dtype=nt.float64, requires_grad=True)
    assert nt.autograd.gradgradcheck(lambda a: (a * a * a).sum(), (x,))


# ---- second derivatives (create_graph=True) ---------------------------------------------
SECOND_ORDER = ["tanh", "sigmoid", "relu", "exp", "log", "sqrt", "mul_broadcast_both", "div",
                "pow_tensor", "pow_scalar", "sum_dim", "mean", "std_dim", "amax_dim", "norm_dim",
                "logsumexp", "abs", "clamp", "where", "transpose", "index_slice", "expand"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck(name):
    fn, shapes, domain = OPS[name]
    leaves = [leaf(nt, a) for a in _arrays(shapes, domain)]
    assert nt.autograd.gradgradcheck(lambda *xs: fn(nt, *xs), leaves)
