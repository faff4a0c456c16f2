"""Behaviour that tutorial and course code meets, checked against PyTorch itself: each
case runs the same code on both libraries and compares what comes out (values, dtypes,
shapes, warnings and the type of any exception)."""
import warnings

import numpy as np
import pytest

import numtensor as nt

import torch


LIBS = (torch, nt)


# ---- cumulative sums keep PyTorch's CPU accumulator ---------------------------------------
@pytest.mark.parametrize("make", [
    lambda lib: lib.cumsum(lib.full((1000000,), 0.1), 0)[-1],
    lambda lib: lib.full((400000,), 0.1).view(2, 200000).cumsum(1)[:, -1],
    lambda lib: lib.full((400000,), 0.1).view(200000, 2).cumsum(0)[-1],
    lambda lib: lib.full((3000,), 1.001).cumprod(0)[-1],
    lambda lib: lib.full((100000,), 0.1, dtype=lib.complex64).cumsum(0)[-1],
])
def test_long_float32_scans_match_pytorch(make):
    # a float32 running value drifts by about 1% over a million terms of 0.1; PyTorch's
    # CPU scans carry it in double, so the results agree to float32 rounding
    expected, got = (make(lib) for lib in LIBS)
    assert got.dtype is nt.float32 or got.dtype is nt.complex64
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=2e-7)


# ---- a second backward through a graph that saved nothing ----------------------------------
SECOND_BACKWARD = {
    "add": lambda L, x: (x + 1).sum(), "sum": lambda L, x: x.sum(),
    "neg": lambda L, x: (-x).sum(), "mean": lambda L, x: x.mean(), "select": lambda L, x: x[0],
    "view": lambda L, x: x.view(3, 1).sum(), "mul_number": lambda L, x: (x * 2).sum(),
    "exp": lambda L, x: x.exp().sum(), "square": lambda L, x: (x * x).sum(),
    "relu": lambda L, x: x.relu().sum(), "t": lambda L, x: x.t().sum(),
    "pow": lambda L, x: x.pow(2).sum(), "expand": lambda L, x: x.expand(2, 3).sum(),
    "abs": lambda L, x: (x - 1).abs().sum(), "cat": lambda L, x: L.cat([x, x]).sum(),
    "flip": lambda L, x: x.flip(0).sum(), "cumsum": lambda L, x: x.cumsum(0).sum(),
    "double": lambda L, x: x.double().sum(), "slice": lambda L, x: x[1:].sum(),
    "index": lambda L, x: x[L.tensor([0, 2])].sum(),
    "gather": lambda L, x: x.gather(0, L.tensor([0, 2])).sum(),
    "matmul": lambda L, x: (x.view(1, 3) @ L.ones(3, 2)).sum(),
    "masked_fill": lambda L, x: x.masked_fill(x > 1, 0.).sum(),
    "max": lambda L, x: x.max(), "softmax": lambda L, x: x.softmax(0).sum(),
    "mse_loss": lambda L, x: L.nn.functional.mse_loss(x, L.zeros(3)),
    "layer_norm": lambda L, x: L.nn.functional.layer_norm(x, (3,)).sum(),
    "cross_entropy": lambda L, x: L.nn.functional.cross_entropy(x.view(1, 3), L.tensor([1])),
}


@pytest.mark.parametrize("f", SECOND_BACKWARD.values(), ids=SECOND_BACKWARD.keys())
def test_second_backward_runs_where_pytorch_runs(f):
    # PyTorch frees saved tensors only: a graph that saved none runs backward again,
    # one that saved some raises
    outcomes = []
    for lib in LIBS:
        x = lib.tensor([1., 2., 3.], requires_grad=True)
        loss = f(lib, x)
        loss.backward()
        try:
            loss.backward()
            outcomes.append(x.grad.tolist())
        except RuntimeError as e:
            assert "second time" in str(e)
            outcomes.append("raised")
    assert outcomes[1] == outcomes[0]


def test_second_backward_through_saved_values_still_raises():
    x = nt.tensor([1., 2., 3.], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(RuntimeError, match="second time"):
        loss.backward()


# ---- torch.tensor of lists holding tensors and NumPy arrays --------------------------------
TENSOR_DATA = [
    "[L.ones(1), L.ones(1)]", "[L.ones(2), L.ones(2)]", "[L.ones(1, 1), L.ones(1, 1)]",
    "[[L.ones(1)], [L.ones(1)]]", "[L.ones(()), 3]", "[L.ones(2)]", "(L.ones(1), 2.5)",
    "[L.ones(0)]", "[L.ones(1), L.ones(1, dtype=L.int64)]", "[L.tensor([1]), L.tensor([2])]",
    "[L.tensor([True])]", "[[1, 2], [L.tensor(3), L.tensor([4])]]", "[np.ones(1), np.ones(1)]",
    "[np.float32(1), L.ones(1)]", "[L.ones(1, requires_grad=True) * 2]", "[np.ones(2), 1]",
    "[L.tensor([1.5]), 2]", "[2, L.tensor([1.5])]", "[L.tensor(1), L.tensor(2.5)]",
    "[L.ones(1, dtype=L.float64), 2.5]", "[L.ones(1, dtype=L.float16)] * 2",
    "[np.uint8(1), np.int8(-1)]", "[np.ones(2, np.int32), [1, 2]]", "[np.zeros(0)]",
]


@pytest.mark.parametrize("expr", TENSOR_DATA)
def test_tensor_from_lists_of_tensors_and_arrays(expr):
    # a tensor inside a list is one number (its item(): one element only, as PyTorch),
    # and every leaf's dtype, a NumPy array's included, takes part in the promotion
    outcomes = []
    for lib in LIBS:
        try:
            t = lib.tensor(eval(expr, {"L": lib, "np": np}))
            outcomes.append((tuple(t.shape), str(t.dtype), t.tolist()))
        except Exception as e:
            outcomes.append((type(e).__name__, str(e)))
    assert outcomes[1] == outcomes[0]


# ---- warnings PyTorch gives, and the checks on `t.grad = ...` -------------------------------
WARNING_CASES = [
    "y = L.ones(2, requires_grad=True) * 2; y.grad",
    "y = L.ones(2, requires_grad=True) * 2; y.retain_grad(); y.grad",
    "y = (L.ones(2, requires_grad=True) * 2).detach(); y.grad",
    "x = L.ones(2, requires_grad=True); (x * 2).sum().backward(); x.grad; x.grad = None; x.grad",
    "L.ones(1).std()", "L.ones(1).var()", "L.ones(1, 3).std(dim=0)", "L.ones(3).var(correction=3)",
    "L.ones(0).var()", "L.ones(2).var(correction=1)", "L.var_mean(L.ones(1))",
    "L.std_mean(L.ones(1))", "L.ones(1).std(unbiased=False)",
    "L.ones(3).T", "L.ones(()).T", "L.ones(2, 3, 4).T", "L.ones(2, 3).T",
    "L.tensor(L.ones(2))", "L.tensor([np.ones(2), np.ones(2)])", "L.tensor([np.ones(2)])",
    "L.tensor([np.ones((2, 2)), np.ones((2, 2))])", "L.tensor([np.ones(0)])", "L.tensor([[1, 2], np.ones(2)])",
    "L.tensor([np.ones(()), np.ones(())])", "L.tensor([np.ones(2), 1])",
    "a = np.ones(2); a.flags.writeable = False; L.from_numpy(a)",
    "a = np.ones(2); a.flags.writeable = False; L.tensor(a)",
    "a = np.ones(2); a.flags.writeable = False; L.as_tensor(a)",
    "a = np.ones(2); a.flags.writeable = False; L.asarray(a, dtype=L.float32)",
    "x = L.ones(2); x.grad = L.ones(3)", "x = L.ones(2); x.grad = L.ones(2, dtype=L.float64)",
    "x = L.ones(2); x.grad = 1.0", "x = L.ones(2); x.grad = L.ones(2, dtype=L.int64)",
    "x = L.ones(2); x.grad = x", "x = L.ones(2); x.grad = L.ones(1, 2)",
    "x = L.ones(2, 3); x.grad = L.ones(3, 2).t(); x.grad.stride()",
]


def _outcome(lib, code):
    namespace = {"L": lib, "np": np}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, namespace)
            result = "ran"
        except Exception as e:
            result = f"{type(e).__name__}: {e}"
    # PyTorch's C++ warnings end with where they were raised inside its sources
    return result, [str(w.message).split(" (Triggered internally")[0] for w in caught]


@pytest.mark.parametrize("code", WARNING_CASES)
def test_warnings_and_grad_assignment_match_pytorch(code):
    # warn_always: a warning PyTorch gives once per process comes on every call, in both
    for lib in LIBS:
        lib.set_warn_always(True)
    try:
        expected, got = (_outcome(lib, code) for lib in LIBS)
    finally:
        for lib in LIBS:
            lib.set_warn_always(False)
    assert got == expected


# ---- untyped_storage() counts bytes ------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda L: L.arange(3.), lambda L: L.arange(6, dtype=L.float64).view(2, 3)[:, 1:],
    lambda L: L.ones(0), lambda L: L.tensor([True, False]),
])
def test_untyped_storage_counts_bytes(make):
    def facts(lib):
        t = make(lib)
        s = t.untyped_storage()
        return (s.size(), s.nbytes(), len(s), s.element_size(), str(s.device), s.tolist(),
                repr(s), s.data_ptr() == (t.data_ptr() - t.storage_offset() * t.element_size()
                                          if t.numel() else s.data_ptr()))
    assert facts(nt) == facts(torch)
    t = nt.arange(4.)
    assert t[1:].untyped_storage() is t.untyped_storage()  # views share one storage object


# ---- a NumPy array or a list where a tensor belongs ----------------------------------------
NOT_A_TENSOR = [
    "F.linear(a2, L.ones(3, 4))", "F.linear([[1., 2, 3, 4]], L.ones(3, 4))",
    "F.conv2d(a4, L.ones(1, 1, 3, 3))", "F.conv1d(a4[0], L.ones(1, 1, 3))", "F.relu(a4)",
    "F.relu([1.])", "L.sigmoid(a2)", "L.exp(a2)", "L.sum(a2)", "L.matmul(a2, L.ones(4, 2))",
    "L.mm(a2, L.ones(4, 2))", "F.max_pool2d(a4, 2)", "L.relu(a2)", "F.dropout(a2)",
    "F.gelu(a2)", "F.leaky_relu(a2)", "L.nn.Linear(4, 3)(a2)",
    "L.nn.ReLU()(a2)", "L.nn.Sequential(L.nn.Linear(4, 3))(a2)", "L.nn.Dropout()(a2)",
    "L.nn.Embedding(3, 2)(np.array([0, 1]))", "L.nn.Sigmoid()(a2)", "L.nn.Tanh()(a2)",
    "L.cat([a2, a2])", "L.stack([a2])", "L.nn.LayerNorm(4)(a2)", "L.maximum(a2, L.ones(1))",
    "L.atan2(L.ones(1), 1.0)", "L.ones(2).copy_(np.float32(1))", "L.ones(2).copy_([1., 2.])",
]


@pytest.mark.parametrize("code", NOT_A_TENSOR)
def test_non_tensor_arguments_raise_pytorchs_type_error(code):
    # PyTorch's parser names the type as CPython does: numpy.ndarray, list
    def outcome(lib):
        namespace = {"L": lib, "F": lib.nn.functional, "np": np,
                     "a2": np.ones((2, 4), np.float32), "a4": np.ones((1, 1, 4, 4), np.float32)}
        try:
            eval(code, namespace)
        except Exception as e:
            return type(e).__name__, str(e)
        return "ran"
    assert outcome(nt) == outcome(torch)


def test_conv_module_refuses_an_array_with_a_type_error():
    # (PyTorch's text lists the module's arguments with marks; the type is what matters)
    for lib in LIBS:
        with pytest.raises(TypeError, match="conv2d"):
            lib.nn.Conv2d(1, 1, 3)(np.ones((1, 1, 4, 4), np.float32))


# ---- gradients through complex tensors (RoPE-style code) ------------------------------------
COMPLEX_GRADIENTS = {
    "mul": lambda L, z, w: z * w, "mul_number": lambda L, z, w: z * (2 - 1j),
    "div": lambda L, z, w: z / w, "rdiv": lambda L, z, w: w / z,
    "matmul": lambda L, z, w: z.view(1, 3) @ w.view(3, 1), "dot": lambda L, z, w: L.dot(z, w),
    "vdot": lambda L, z, w: L.vdot(z, w), "exp": lambda L, z, w: z.exp(),
    "log": lambda L, z, w: z.log(), "sqrt": lambda L, z, w: z.sqrt(),
    "pow": lambda L, z, w: z ** 2, "pow_tensor": lambda L, z, w: z ** w,
    "reciprocal": lambda L, z, w: z.reciprocal(), "sin": lambda L, z, w: z.sin(),
    "tanh": lambda L, z, w: z.tanh(), "sigmoid": lambda L, z, w: z.sigmoid(),
    "conj": lambda L, z, w: z.conj() * w, "sum": lambda L, z, w: (z * w).sum(),
    "prod": lambda L, z, w: z.prod(), "cumsum": lambda L, z, w: z.cumsum(0) * w,
    "addcmul": lambda L, z, w: L.addcmul(z, z, w), "sub": lambda L, z, w: (z - w) * w,
    "where": lambda L, z, w: L.where(L.tensor([True, False, True]), z, w) * w,
    "abs": lambda L, z, w: z.abs(), "angle": lambda L, z, w: z.angle(),
    "real_imag": lambda L, z, w: z.real * 2 + z.imag * 3, "sgn": lambda L, z, w: z.sgn() * w,
    "lerp": lambda L, z, w: L.lerp(z, w, 0.3), "bmm": lambda L, z, w: L.bmm(
        L.outer(z, w)[None], L.outer(w, z)[None]).sum((0, 1)),
    "linear": lambda L, z, w: L.nn.functional.linear(z.view(1, 3), L.outer(w, w)).view(3),
    "norm": lambda L, z, w: z.norm(), "trace": lambda L, z, w: L.outer(z, w).trace(),
    "view_as_real": lambda L, z, w: L.view_as_real(z * w) ** 2,
    "view_as_complex": lambda L, z, w: L.view_as_complex(L.view_as_real(z) * 2) * w,
    "inv": lambda L, z, w: L.linalg.inv(L.outer(z, w) + L.eye(3)),
    "det": lambda L, z, w: L.linalg.det(L.outer(z, w) + L.eye(3)),
    "solve": lambda L, z, w: L.linalg.solve(L.outer(z, w) + L.eye(3), w),
    "qr": lambda L, z, w: L.linalg.qr(L.outer(z, w) + L.eye(3))[1],
    "svdvals": lambda L, z, w: L.linalg.svdvals(L.outer(z, w) + L.eye(3)),
}


@pytest.mark.parametrize("f", COMPLEX_GRADIENTS.values(), ids=COMPLEX_GRADIENTS.keys())
def test_complex_gradients_follow_pytorchs_convention(f):
    # the gradient of a real loss: grad * conj(f'(z)) for a holomorphic f
    grads = []
    for lib in LIBS:
        z = lib.tensor([1 + 2j, 3 - 1j, -0.5 + 0.7j], requires_grad=True)
        w = lib.tensor([0.3 - 1j, 2 + 0.5j, 1 + 1j])
        y = f(lib, z, w)
        (y.abs().sum() if y.dtype.is_complex else y.sum()).backward()
        grads.append(np.array(z.grad.tolist()))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-4, atol=1e-5)


def test_view_as_complex_keeps_the_graph():
    for lib in LIBS:
        a = lib.tensor([[1., 2.], [3., -1.]], requires_grad=True)
        c = lib.view_as_complex(a)
        assert c.requires_grad and c.grad_fn.name() == "ViewAsComplexBackward0"
        assert lib.view_as_real(c).grad_fn.name() == "ViewAsRealBackward0"


def test_complex_random_draws_follow_pytorchs_stream():
    # real and imaginary parts drawn as one float tensor twice as long (normal: std/sqrt 2)
    def draws(lib):
        lib.manual_seed(0)
        a = lib.randn(3, dtype=lib.complex64)
        b = lib.rand(2, dtype=lib.complex64)
        c = lib.randn_like(a)
        d = lib.empty(2, dtype=lib.cfloat).normal_(1.0, 2.0)
        e = lib.randn(2, 2, dtype=lib.complex128).t()
        return [t.tolist() for t in (a, b, c, d, e, lib.rand(1))], str(e.dtype)
    assert draws(nt) == draws(torch)


@pytest.mark.parametrize("call", [lambda L: L.normal(0, 1, (2)), lambda L: L.normal(0., 1., size=2),
                                  lambda L: L.normal(0, 1, [2]), lambda L: L.normal(0, 1, (2, 3))])
def test_normal_size_must_be_a_sequence(call):
    # (2) is the int 2: PyTorch's parser refuses it where a size belongs
    def outcome(lib):
        try:
            return tuple(call(lib).shape)
        except TypeError:
            return "TypeError"
    assert outcome(nt) == outcome(torch)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_gradient_is_pytorchs_formula(reduction, weighted):
    # probabilities of exactly 0 or 1 (a clamp or a saturated softmax): PyTorch's gradient
    # is (x - t) / max(x (1 - x), 1e-12), not the clamped logs' (which gave 0 and +-1)
    def grads(lib):
        x = lib.tensor([0.3, 0.0, 1.0, 1e-13, 0.0, 1.0], dtype=lib.float64, requires_grad=True)
        t = lib.tensor([1., 1., 0., 0.5, 0., 1.], dtype=lib.float64, requires_grad=True)
        w = lib.arange(1., 7., dtype=lib.float64) if weighted else None
        loss = lib.nn.functional.binary_cross_entropy(x, t, weight=w, reduction=reduction)
        gx, gt = lib.autograd.grad(loss.sum(), (x, t))
        return loss.grad_fn.name(), np.array(gx.tolist()), np.array(gt.tolist())
    got, expected = grads(nt), grads(torch)
    assert got[0] == expected[0]
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-12)
    np.testing.assert_allclose(got[2], expected[2], rtol=1e-12)
