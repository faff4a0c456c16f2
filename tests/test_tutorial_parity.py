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
