"""Reductions over a leading dim against real torch, at sizes that reach every branch
of the CPU backend's cols schedule (reduction_kernels._cols, cpu._column_blocking):
whole rows added into a partial row, serial and parallel, with the reduced rows split
into chunks (narrow rows) or the columns split into blocks (wide rows), on contiguous,
offset, stepped, transposed and expanded inputs, in every dtype.  Also: the same bits
on one thread as on every thread."""
import warnings

import numpy as np
import pytest

import numtensor as nt
from core_helpers import check, rand_array

import torch  # noqa: E402  (required: CI fails without the oracle)

# (shape, dims): which branch of the cols schedule each one reaches
SCHEDULES = {
    "serial": ((40, 30), 0),
    "serial, row chunks": ((1024, 8), 0),
    "parallel, row chunks": ((2048, 24), 0),
    "parallel, two chunks": ((600, 300), 0),
    "parallel, wide rows split": ((3, 20000), 0),
    "outer dims, row chunks": ((3, 1000, 40), 1),
    "many outer dims": ((20, 300, 64), 1),
    "two reduced dims": ((6, 400, 33), (0, 1)),
}

# each layout turns a contiguous array into a view with the same logical shape, whose
# reduced dims keep a large stride and whose last kept dim stays contiguous
LAYOUTS = {
    "contiguous": lambda lib, t: t,
    "offset": lambda lib, t: _padded(lib, t)[1:, ..., 2:],
    "stepped": lambda lib, t: _repeat_leading(lib, t)[::2],
    "transposed": lambda lib, t: t.movedim(-1, 0).contiguous().movedim(0, -1),
}


def _padded(lib, t):
    """t inside a larger tensor: one more leading row and two more trailing columns."""
    big = lib.zeros((t.shape[0] + 1,) + tuple(t.shape[1:-1]) + (t.shape[-1] + 2,), dtype=t.dtype)
    big[1:, ..., 2:] = t
    return big


def _repeat_leading(lib, t):
    """Every leading row twice, so that [::2] gives t back with a doubled row stride."""
    return lib.stack([t, t], 1).reshape((2 * t.shape[0],) + tuple(t.shape[1:]))


def _tol(dtype, n):
    if dtype in ("float16",):
        return dict(atol=1e-2 * n ** 0.5, rtol=2e-3)
    if dtype in ("float32", "complex64"):
        return dict(atol=1e-5 * n ** 0.5, rtol=1e-5)
    return dict(atol=1e-10, rtol=1e-10)


def _reduced(shape, dims):
    dims = (dims,) if isinstance(dims, int) else dims
    return int(np.prod([shape[d] for d in dims]))


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_sum_float32_every_schedule_and_layout(schedule, layout):
    shape, dims = SCHEDULES[schedule]
    a = rand_array(np.random.default_rng(len(schedule)), shape, "float32")
    for keepdim in (False, True):
        check(lambda lib, t: LAYOUTS[layout](lib, t).sum(dims, keepdim=keepdim), a,
              **_tol("float32", _reduced(shape, dims)))


DTYPES = ["float16", "float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool",
          "complex64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("schedule", ["serial, row chunks", "parallel, row chunks",
                                      "parallel, wide rows split", "outer dims, row chunks"])
def test_sum_and_mean_every_dtype(schedule, dtype):
    shape, dims = SCHEDULES[schedule]
    rng = np.random.default_rng(7)
    a = rand_array(rng, shape, dtype)
    if np.dtype(dtype).kind == "c":
        a = (a + 1j * rand_array(rng, shape, "float64")).astype(dtype)
    tol = _tol(dtype, _reduced(shape, dims))
    check(lambda lib, t: t.sum(dims), a, **tol)
    check(lambda lib, t: LAYOUTS["offset"](lib, t).sum(dims, keepdim=True), a, **tol)
    if np.dtype(dtype).kind in "fc":
        check(lambda lib, t: t.mean(dims), a, **tol)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int16", "uint8", "bool"])
@pytest.mark.parametrize("schedule", ["serial, row chunks", "parallel, row chunks",
                                      "parallel, wide rows split"])
def test_max_min_prod_all_any_down_columns(schedule, dtype):
    shape, dims = SCHEDULES[schedule]
    rng = np.random.default_rng(3)
    a = rand_array(rng, shape, dtype)
    if dtype.startswith("float"):
        # NaN must reach its column's max and min however the rows are chunked
        a.reshape(-1)[[5, shape[-1] * (shape[0] - 1) + 7]] = np.nan
    if dtype != "bool":
        check(lambda lib, t: t.amax(dims), a)
        check(lambda lib, t: t.amin(dims), a)
    # products near 1 stay finite over thousands of rows; integer products wrap alike
    p = (1 + (a - a.mean()) * 1e-3).astype(dtype) if dtype.startswith("float") else a
    check(lambda lib, t: t.prod(dims), p, **_tol(dtype, _reduced(shape, dims)))
    check(lambda lib, t: t.all(dims), a)
    check(lambda lib, t: t.any(dims), a)


def test_broadcast_rows_and_size_one_and_empty_dims():
    rng = np.random.default_rng(11)
    row = rand_array(rng, (1, 5000), "float32")
    # an expanded (stride-0) reduced dim
    check(lambda lib, t: t.expand(3000, 5000).sum(0), row, atol=1e-2, rtol=1e-5)
    check(lambda lib, t: t.expand(7, 3000, 5000).sum((0, 1), keepdim=True), row,
          atol=1e-1, rtol=1e-5)
    # size-1 dims are dropped from the plan, with and without keepdim
    a = rand_array(rng, (2048, 1, 24), "float32")
    check(lambda lib, t: t.sum(0), a, atol=1e-3)
    check(lambda lib, t: t.sum((0, 1), keepdim=True), a, atol=1e-3)
    check(lambda lib, t: t.sum(1), a)
    # an expanded (stride-0) kept dim
    check(lambda lib, t: t.expand(2048, 5, 24).sum(0), a, atol=1e-3)
    check(lambda lib, t: t.expand(2048, 5, 24).amax((0, 2), keepdim=True), a)
    # empty reduced dims give the identity, empty kept dims an empty result
    check(lambda lib, t: t.sum(0), np.zeros((0, 40000), np.float32))
    check(lambda lib, t: t.prod(0), np.zeros((0, 40000), np.float32))
    check(lambda lib, t: t.sum(0), np.zeros((40000, 0), np.float32))
    check(lambda lib, t: t.amax(0), np.zeros((40000, 0), np.float32))


def test_float16_is_accumulated_in_float32():
    # 4096 ones: a float16 running sum would stop at 2048
    check(lambda lib, t: t.sum(0), np.ones((4096, 40), np.float16))
    check(lambda lib, t: t.sum(0), np.ones((4096, 40000), np.float16))


def test_integer_sums_are_int64():
    a = np.full((3000, 30), 100, np.int8)
    check(lambda lib, t: t.sum(0), a)  # 300000 does not fit int8 (or int16)


@pytest.mark.parametrize("shape, dims", [((3000, 3000), 0), ((2048, 24), 0), ((3, 20000), 0),
                                         ((3, 1000, 40), 1), ((300, 3000), 1), ((3 * 10**6,), 0)])
def test_sums_are_the_same_bits_on_any_number_of_threads(shape, dims):
    a = nt.from_numpy(np.random.default_rng(5).random(shape, dtype=np.float32))
    before = nt.get_num_threads()
    try:
        nt.set_num_threads(1)
        serial = a.sum(dims).numpy().copy()
        nt.set_num_threads(before)
        parallel = a.sum(dims).numpy()
    finally:
        nt.set_num_threads(before)
    np.testing.assert_array_equal(serial, parallel)


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_whole_sums_split_among_threads_as_pytorch_splits_them(threads):
    """A whole float32 sum in PyTorch's order (below 2**20 elements) is split into one
    chunk per thread above 32768 elements, as PyTorch splits it: the bits follow the
    thread count, and equal PyTorch's at the same count."""
    import torch
    a = np.random.default_rng(5).random(10**6, dtype=np.float32)
    before, torch_before = nt.get_num_threads(), torch.get_num_threads()
    try:
        nt.set_num_threads(min(threads, before))
        torch.set_num_threads(min(threads, before))
        assert nt.from_numpy(a).sum().item() == torch.from_numpy(a).sum().item()
    finally:
        nt.set_num_threads(before)
        torch.set_num_threads(torch_before)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_whole_sums_take_the_kernel_reduce_would(dtype):
    # sum() of 2^20 elements or more goes straight to reduce's kernel (all_par) through
    # its compiled entry (CpuBackend._large_sum_route): the same bits as reduce, from the
    # first call and the next ones, from an offset, and from a buffer that is not plain
    from numtensor._backends import backend_for, plan
    rng = np.random.default_rng(21)
    for n in (2 ** 20, 2 ** 20 + 7, 3 * 10 ** 6):
        base = rng.standard_normal(n + 3).astype(dtype)
        read_only = base.copy()
        read_only.setflags(write=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # (PyTorch's not-writable warning)
            tensors = [nt.from_numpy(base.copy())[3:], nt.from_numpy(read_only)[3:]]
        for x in tensors:
            y = np.empty(1, dtype)
            backend_for(x.device).reduce("sum", plan.reduce((n,), (1,), (0,)),
                                         (x._storage._buf, 3), (y, 0))
            for _ in range(3):
                got = x.sum()
                assert str(got.dtype) == f"torch.{dtype}"
                assert got.item() == y[0]  # the bits reduce gives
            np.testing.assert_allclose(got.item(), base[3:].astype(np.float64).sum(), rtol=1e-6)
