"""Element-wise ops on broadcast and strided operands whose geometry comes back: the ops
layer keeps the plan and the backend's strided_route for it, and from the second call on
the CPU backend calls the kernel's compiled entry directly (dispatch._planned,
CpuBackend.strided_route).  Each case runs three times against PyTorch: the first call
plans, compiles and learns the entry, the next ones take it.
"""
import warnings

import numpy as np
import pytest

import numtensor as nt
from numtensor.ops import dispatch

import torch  # noqa: E402  (required: CI fails without the oracle)


def _pair(array):
    return nt.from_numpy(array.copy()), torch.from_numpy(array.copy())


def _same(got, want, ulps=0):
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype) == str(want.dtype)
    assert got.stride() == want.stride()
    if ulps:
        np.testing.assert_array_max_ulp(got.numpy(), want.numpy(), maxulp=ulps)
    else:
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def _operands(rng, kind, dtype):
    """(x, y) pairs of each library: broadcast rows and columns, transposed views, steps."""
    def draw(shape):
        if np.dtype(dtype).kind == "f":
            return rng.standard_normal(shape).astype(dtype)
        if np.dtype(dtype).kind == "b":
            return rng.random(shape) < 0.5
        return rng.integers(-50, 50, shape).astype(dtype)
    if kind == "row":      # (7, 5) with (5,)
        return _pair(draw((7, 5))), _pair(draw(5))
    if kind == "column":   # (7, 5) with (7, 1)
        return _pair(draw((7, 5))), _pair(draw((7, 1)))
    if kind == "outer":    # (7, 1) with (1, 5)
        return _pair(draw((7, 1))), _pair(draw((1, 5)))
    if kind == "transposed":  # x.t() with a contiguous y of its shape
        (a, ta), (b, tb) = _pair(draw((5, 7))), _pair(draw((7, 5)))
        return (a.t(), ta.t()), (b, tb)
    if kind == "stepped":  # x[::2, 1::3] with a broadcast row
        (a, ta), (b, tb) = _pair(draw((9, 12))), _pair(draw(4))
        return (a[::2, 1::3], ta[::2, 1::3]), (b, tb)
    raise AssertionError(kind)


KINDS = ["row", "column", "outer", "transposed", "stepped"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "maximum", "gt", "eq"])
def test_binary_ops_on_a_geometry_met_again(op, dtype, kind):
    rng = np.random.default_rng(len(op) * 31 + len(kind))
    (a, ta), (b, tb) = _operands(rng, kind, dtype)
    for _ in range(3):
        _same(getattr(nt, op)(a, b), getattr(torch, op)(ta, tb))


@pytest.mark.parametrize("kind", KINDS)
def test_numbers_on_either_side_and_parameters(kind):
    rng = np.random.default_rng(5)
    (a, ta), _ = _operands(rng, kind, "float32")
    for _ in range(3):
        _same(a * 2.5, ta * 2.5)
        _same(2.5 - a, 2.5 - ta)          # the number first: rsub
        _same(a / 3, ta / 3)
        _same(nt.add(a, a, alpha=2), torch.add(ta, ta, alpha=2))  # a parameter
        _same(a.clamp(-0.5, 0.5), ta.clamp(-0.5, 0.5))            # two parameters
        # one input, strided: PyTorch's float32 exp is within an ulp of the exact value,
        # and which neighbour it gives depends on the core (AVX2 or AVX-512)
        _same(a.exp(), ta.exp(), ulps=1)
        _same(a > 0, ta > 0)              # a bool result


def test_bool_operands():
    rng = np.random.default_rng(6)
    (a, ta), (b, tb) = _operands(rng, "column", "bool")
    for _ in range(3):
        _same(a & b, ta & tb)
        _same(nt.logical_xor(a, b), torch.logical_xor(ta, tb))


def test_buffers_not_allocated_by_the_backend_take_the_dispatcher():
    # a read-only NumPy array (from_numpy shares it) is not a plain buffer: the route must
    # not hand it to the entry compiled for writable arrays
    rng = np.random.default_rng(7)
    x = rng.standard_normal((6, 4)).astype(np.float32)
    row = rng.standard_normal(4).astype(np.float32)
    x.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (PyTorch's not-writable warning, once a process)
        a = nt.from_numpy(x)
    b = nt.from_numpy(row.copy())
    assert not a._storage.plain
    for _ in range(3):
        np.testing.assert_array_equal((a + b).numpy(), x + row)
        np.testing.assert_array_equal((b + a).numpy(), row + x)
    fresh = nt.from_numpy(x.copy())
    for _ in range(2):  # the same geometry from plain buffers now takes the entry
        np.testing.assert_array_equal((fresh + b).numpy(), x + row)


def test_the_route_is_kept_and_used():
    a, b = nt.ones(3, 4), nt.arange(4.)
    a + b
    key = dispatch._geometry_key("add", (a, b), a.dtype, a.dtype)
    shape, strides, route, device = dispatch._planned[key]
    assert shape == (3, 4) and strides == (4, 1)
    calls = []

    def spy(*args):
        calls.append(args)
        return route(*args)
    dispatch._planned[key] = (shape, strides, spy, device)
    try:
        np.testing.assert_array_equal((a + b).numpy(), np.ones((3, 4)) + np.arange(4.))
    finally:
        dispatch._planned[key] = (shape, strides, route, device)
    assert len(calls) == 1
