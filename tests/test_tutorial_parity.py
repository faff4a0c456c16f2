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
