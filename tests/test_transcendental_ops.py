"""exp, expm1, log, tanh and sigmoid against real torch, on the layouts the kernels walk.

float32 (and float16, computed in float32) run the polynomial kernels of
_backends/cpu/fastmath.py, float64 runs libm; both serial (small) and parallel (large)
kernels, contiguous, strided, transposed and broadcast operands, in-place forms, and the
ops built on them (logsumexp, softmax), forward and backward.  Accuracy over every
float32 input is tests/test_fastmath_accuracy.py's job.
"""
import numpy as np
import pytest

import numtensor as nt
import torch

OPS = ["exp", "expm1", "log", "tanh", "sigmoid"]
INPLACE = ["exp_", "log_", "tanh_", "sigmoid_"]
# numtensor and torch are each within 2 ulp of the exact value (torch's float32 within 1)
RTOL = {"float16": 2e-3, "float32": 4e-7, "float64": 1e-15}
# absolute slack for results that underflow into subnormals, where an ulp is fixed
ATOL = {"float16": 6e-8, "float32": 3e-45, "float64": 1e-322}

LAYOUTS = {
    "contiguous": lambda t: t,
    "stepped": lambda t: t[:, ::2, 1:],
    "transposed": lambda t: t.transpose(0, 2),
    "permuted": lambda t: t.permute(2, 0, 1),
    "broadcast": lambda t: t[:, :1, :].expand(-1, 5, -1),
    "scalar": lambda t: t[1, 2, 3],
}
SHAPES = {"small": (3, 6, 5), "large": (80, 60, 60)}  # large: beyond the parallel grain


def values(shape, dtype, seed=0):
    """Normal values of a wide spread, with the special values mixed in."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * 6
    flat = a.reshape(-1)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 100.0, -100.0, 1e-30, -1e-30]
    flat[:len(special)] = special
    near_zero = flat[len(special)::4]           # tanh's polynomial range, expm1's n = 0
    near_zero[:] = rng.uniform(-0.7, 0.7, near_zero.size)
    return a.astype(dtype)


def assert_close(got, want, dtype):
    assert isinstance(got, nt.Tensor)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype)
    g = got.detach().numpy().astype(np.float64)
    w = want.detach().numpy().astype(np.float64)
    np.testing.assert_allclose(g, w, rtol=RTOL[dtype], atol=ATOL[dtype], equal_nan=True)
    same_zero = (g == 0) & (w == 0)
    assert np.array_equal(np.signbit(g[same_zero]), np.signbit(w[same_zero]))


def both(array):
    return nt.from_numpy(array.copy()), torch.from_numpy(array.copy())


# every layout small (serial kernels); the parallel kernels on a flat, a strided and a
# broadcast operand
CASES = [(layout, "small") for layout in LAYOUTS] + [
    ("contiguous", "large"), ("stepped", "large"), ("broadcast", "large")]


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("layout,size", CASES)
@pytest.mark.parametrize("op", OPS)
def test_forward_matches_torch(op, layout, size, dtype):
    a, b = both(values(SHAPES[size], dtype))
    va, vb = LAYOUTS[layout](a), LAYOUTS[layout](b)
    assert_close(getattr(va, op)(), getattr(vb, op)(), dtype)
    assert_close(getattr(nt, op)(va), getattr(torch, op)(vb), dtype)


@pytest.mark.parametrize("dtype", ["float32", "float16", "float64"])
@pytest.mark.parametrize("layout", ["contiguous", "stepped", "transposed"])
@pytest.mark.parametrize("op", INPLACE)
def test_inplace_forms_match_torch(op, layout, dtype):
    a, b = both(values(SHAPES["large"], dtype, seed=1))
    va, vb = LAYOUTS[layout](a), LAYOUTS[layout](b)
    ra, rb = getattr(va, op)(), getattr(vb, op)()
    assert ra is va and rb is vb
    assert_close(a, b, dtype)  # the whole base, untouched elements included


@pytest.mark.parametrize("op", ["exp", "log", "sigmoid", "tanh"])
def test_torch_function_namespace_forms(op):
    a, b = both(values((4, 7), "float32", seed=2))
    if op in ("sigmoid", "tanh"):
        assert_close(getattr(nt.nn.functional, op)(a), getattr(torch.nn.functional, op)(b), "float32")
        layer = {"sigmoid": "Sigmoid", "tanh": "Tanh"}[op]
        assert_close(getattr(nt.nn, layer)()(a), getattr(torch.nn, layer)()(b), "float32")
    assert_close(getattr(nt, op)(a), getattr(torch, op)(b), "float32")


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
@pytest.mark.parametrize("op", OPS)
def test_integer_inputs_become_float32(op, dtype):
    a, b = both(np.arange(-3, 9).reshape(3, 4).astype(dtype))
    assert_close(getattr(a, op)(), getattr(b, op)(), "float32")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ops_built_on_exp_and_log_match_torch(dtype):
    # composites sum in another order than torch and cancel (log_softmax = x - logsumexp):
    # compared at a few ulps of the inputs' scale, not of each result
    tol = {"float32": (1e-5, 1e-5), "float64": (1e-13, 1e-13)}[dtype]
    a, b = both(np.random.default_rng(3).standard_normal((64, 700)).astype(dtype) * 8)

    def close(x, y):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=tol[0], atol=tol[1])
        assert str(x.dtype) == str(y.dtype)
    for dim in (0, 1):
        close(nt.logsumexp(a, dim), torch.logsumexp(b, dim))
        close(nt.softmax(a, dim), torch.softmax(b, dim))
        close(nt.log_softmax(a, dim), torch.log_softmax(b, dim))
    close(nt.nn.functional.binary_cross_entropy_with_logits(a, a.sigmoid()),
          torch.nn.functional.binary_cross_entropy_with_logits(b, b.sigmoid()))


@pytest.mark.parametrize("layout", ["contiguous", "stepped", "broadcast"])
@pytest.mark.parametrize("op", OPS)
def test_float32_gradients_match_torch(op, layout):
    data = np.random.default_rng(4).uniform(-4, 4, SHAPES["large"]).astype(np.float32)
    if op == "log":
        data = np.abs(data) + 0.1
    a, b = both(data)
    a.requires_grad_(True)
    b.requires_grad_(True)
    rng = np.random.default_rng(5)
    ya, yb = getattr(LAYOUTS[layout](a), op)(), getattr(LAYOUTS[layout](b), op)()
    w = rng.standard_normal(tuple(yb.shape)).astype(np.float32)
    (ya * nt.from_numpy(w)).sum().backward()
    (yb * torch.from_numpy(w)).sum().backward()
    # tanh' = 1 - y^2 and sigmoid' = y (1 - y) cancel where y is near 1: an ulp of y
    # moves them by up to 1.2e-7 absolute
    atol = 5e-7
    if layout == "broadcast":
        # the gradient of an expanded view sums the terms w * f'(x) of a few positions,
        # of either sign: each float32 term carries its own rounding, and PyTorch adds
        # them in float32 (numtensor in float64), so the bound scales with the sum of
        # the terms' magnitudes, taken here in float64
        x64 = torch.from_numpy(data.astype(np.float64)).requires_grad_(True)
        getattr(x64, op)().backward(torch.ones_like(x64))
        z = torch.ones(data.shape, dtype=torch.float64, requires_grad=True)
        (LAYOUTS[layout](z) * torch.from_numpy(np.abs(w).astype(np.float64))).sum().backward()
        magnitude = np.abs(x64.grad.numpy()) * z.grad.numpy()
        atol = atol + 4 * 2.0 ** -24 * magnitude
        # and numtensor's own against the float64 gradient: within 2 ulp of each term
        x64.grad = None
        y64 = getattr(LAYOUTS[layout](x64), op)()
        (y64 * torch.from_numpy(w.astype(np.float64))).sum().backward()
        exact = x64.grad.numpy()
        off = np.abs(a.grad.numpy() - exact) > 5e-7 + 2 * 2.0 ** -23 * magnitude + 1e-5 * np.abs(exact)
        assert not off.any(), (np.argwhere(off)[:5], a.grad.numpy()[off][:5], exact[off][:5])
    got, want = a.grad.numpy(), b.grad.numpy()
    bad = np.abs(got - want) > atol + 1e-5 * np.abs(want)
    assert not bad.any(), (np.argwhere(bad)[:5], got[bad][:5], want[bad][:5])


@pytest.mark.parametrize("layout", ["contiguous", "stepped", "broadcast"])
@pytest.mark.parametrize("op", OPS)
def test_gradcheck(op, layout):
    data = np.random.default_rng(6).uniform(-3, 3, (3, 6, 5))
    if op == "log":
        data = np.abs(data) + 0.2
    x = nt.from_numpy(data).requires_grad_(True)
    assert nt.autograd.gradcheck(lambda t: getattr(LAYOUTS[layout](t), op)(), (x,),
                                 eps=1e-6, atol=1e-6, rtol=1e-4)
    # second derivatives go through the same kernels
    assert nt.autograd.gradgradcheck(lambda t: getattr(LAYOUTS[layout](t), op)(), (x,),
                                     eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize("layout", ["contiguous", "stepped", "scalar"])
@pytest.mark.parametrize("size", ["small", "large"])
def test_float32_sigmoid_of_positive_x_rounds_as_torch(size, layout):
    # For x >= 0 sigmoid keeps PyTorch's float32 roundings of 1 / (1 + exp(-x)): it is 1.0
    # exactly from x = 16.7 on, as PyTorch's, where the correctly rounded value is
    # 0.99999994 (and a BCELoss of it then clamps log(1 - y) at -100 as PyTorch's does)
    rng = np.random.default_rng(6)
    data = np.concatenate([rng.uniform(0, 30, SHAPES[size]).reshape(-1)[:-4],
                           [16.7, 17.0, 20.0, 88.0]]).astype(np.float32).reshape(SHAPES[size])
    a, b = both(data)
    ya, yb = LAYOUTS[layout](a).sigmoid(), LAYOUTS[layout](b).sigmoid()
    got, want = ya.numpy(), yb.numpy()
    # equal but where PyTorch's vectorised expf is itself an ulp off (0.05% of inputs)
    assert np.mean(got != want) <= 0.002
    assert (got[(want == 1.0)] == 1.0).all()
    assert nt.tensor([17.0]).sigmoid().item() == 1.0
    p, q = nt.tensor([20.0, -20.0]).sigmoid(), torch.tensor([20.0, -20.0]).sigmoid()
    target = [0.0, 1.0]
    assert nt.nn.functional.binary_cross_entropy(p, nt.tensor(target)).item() == \
        torch.nn.functional.binary_cross_entropy(q, torch.tensor(target)).item() == 60.0  # (100 + 20) / 2
