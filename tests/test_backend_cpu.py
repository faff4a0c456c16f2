"""The CPU backend's planning and kernel schedules, checked against NumPy.

These tests reach the paths the small differential tests do not: parallel kernels
above the grain size, every reduction schedule (rows, cols, all), the strided
element-wise kernel in memory order, and float16 conversion of every bit pattern.
"""
import numpy as np
import pytest

import numtensor as nt
from numtensor._backends import plan
from numtensor._backends.cpu import ELEMENTWISE_GRAIN


def test_coalesce_merges_contiguous_dims_and_drops_ones():
    shape, (st,) = plan.coalesce((2, 1, 3, 4), [(12, 12, 4, 1)])
    assert shape == (24,) and st == (1,)
    # a transposed operand blocks merging
    shape, sts = plan.coalesce((3, 4), [(4, 1), (1, 3)])
    assert shape == (3, 4) and sts == [(4, 1), (1, 3)]


def test_memory_order_puts_the_output_densest_dim_last():
    shape, sts = plan.memory_order((5, 7), [(1, 5), (0, 1), (1, 5)])
    assert shape == (7, 5) and sts[-1] == (5, 1) and sts[0] == (5, 1) and sts[1] == (1, 0)


def test_output_order_follows_input_layout():
    order = plan.output_order((3, 4), [(1, 3)])
    assert plan.strides_for_order((3, 4), order) == (1, 3)


@pytest.mark.parametrize("shapes", [((3, 2), (2, 3)), ((5, 3, 3), (5, 2, 3))])
def test_broadcast_error_names_rightmost_clash(shapes):
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        plan.broadcast_shapes(*shapes)


def _rng():
    return np.random.default_rng(1234)


def test_parallel_flat_and_strided_elementwise():
    rng = _rng()
    n = 2 * ELEMENTWISE_GRAIN + 17
    a = rng.random(n, dtype=np.float32)
    b = rng.random(n, dtype=np.float32)
    np.testing.assert_array_equal((nt.from_numpy(a) + nt.from_numpy(b)).numpy(), a + b)
    np.testing.assert_allclose(nt.from_numpy(a).exp().numpy(), np.exp(a), rtol=1e-6)
    m = rng.random((600, 257), dtype=np.float32)
    row = rng.random(600, dtype=np.float32)
    out = nt.from_numpy(m).t() + nt.from_numpy(row)   # strided, broadcast, parallel
    np.testing.assert_array_equal(out.numpy(), m.T + row)
    assert out.stride() == (1, 257)                     # the input's memory order
    sliced = nt.from_numpy(m)[::2, 1::3] * 2.0          # strided runs of length > 1
    np.testing.assert_array_equal(sliced.numpy(), m[::2, 1::3] * 2)


@pytest.mark.parametrize("dims", [None, 0, 1, (0, 2), (1, 2), 2])
def test_reduction_schedules(dims):
    rng = _rng()
    x = rng.random((40, 30, 50), dtype=np.float64)   # 60000 elements: the parallel path
    t = nt.from_numpy(x)
    np_dims = dims if dims is not None else None
    np.testing.assert_allclose(t.sum(dims).numpy() if dims is not None else t.sum().numpy(),
                               x.sum(axis=np_dims), rtol=1e-12)
    xt = x.transpose(2, 0, 1)
    np.testing.assert_allclose(t.permute(2, 0, 1).sum(dims).numpy() if dims is not None
                               else t.permute(2, 0, 1).sum().numpy(),
                               xt.sum(axis=np_dims), rtol=1e-12)
    if dims is not None and not isinstance(dims, tuple):
        np.testing.assert_array_equal(t.amax(dims).numpy(), x.max(axis=dims))


def test_full_sum_of_large_float32_is_accurate():
    x = _rng().random(10**6, dtype=np.float32)
    assert abs(nt.from_numpy(x).sum().item() - x.astype(np.float64).sum()) < 1e-6 * x.size


def test_column_sum_of_wide_matrix():
    x = _rng().random((500, 300), dtype=np.float32)
    np.testing.assert_allclose(nt.from_numpy(x).sum(0).numpy(), x.sum(0), rtol=1e-5)


def test_float16_round_trip_of_every_bit_pattern():
    bits = np.arange(2**16, dtype=np.uint16)
    halves = bits.view(np.float16)
    as_f32 = nt.from_numpy(halves.copy()).float().numpy()
    expected = halves.astype(np.float32)
    same = (as_f32 == expected) | (np.isnan(as_f32) & np.isnan(expected))
    assert same.all()
    back = nt.from_numpy(expected).half().numpy()
    ok = (back.view(np.uint16) == bits) | np.isnan(expected)
    assert ok.all()


def test_float32_to_float16_rounds_half_to_even():
    x = np.concatenate([_rng().normal(size=5000).astype(np.float32) * s for s in (1e-6, 1, 1e4)])
    x = np.concatenate([x, np.float32([65504, 65519, 65520, 1e6, -1e6, 5.96e-8, 2.98e-8, 0.0, -0.0])])
    got = nt.from_numpy(x).half().numpy()
    with np.errstate(over="ignore"):  # 1e6 overflows to inf, as intended
        expected = x.astype(np.float16)
    np.testing.assert_array_equal(got.view(np.uint16), expected.view(np.uint16))


def test_kernels_are_not_compiled_at_import():
    import subprocess
    import sys
    code = "import sys, numtensor; assert 'numba' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_large_buffers_are_reused_but_never_while_numpy_still_sees_them():
    from numtensor._backends.cpu import allocator
    allocator.clear()
    n = allocator.MIN_BYTES // 4 * 2          # 2 MiB of float32: pooled
    a = nt.ones(n)
    raw_address = a.data_ptr()
    del a                                      # nothing else sees it: back to the pool
    assert allocator.pooled_bytes() == n * 4
    b = nt.zeros(n)                            # same size: the block is reused
    assert b.data_ptr() == raw_address and allocator.pooled_bytes() == 0
    view = b.numpy()                           # a NumPy view outlives the tensor...
    del b
    assert allocator.pooled_bytes() == 0       # ...so the block is not recycled
    c = nt.full((n,), 7.0)
    assert c.data_ptr() != raw_address
    assert (view == 0).all()                   # and the view still reads its own data
    small = nt.ones(10) + 1                    # small buffers never enter the pool
    del small
    assert allocator.pooled_bytes() == 0


def test_team_follows_the_cores_other_processes_leave_free(monkeypatch):
    # a fake clock: other processes keep `others` cores busy between two looks
    import numba
    import numtensor._backends.cpu.team as team
    clock = {"wall": 100.0, "busy": 50.0, "own": 10.0}
    monkeypatch.setattr(team.time, "monotonic", lambda: clock["wall"])
    monkeypatch.setattr(team.time, "process_time", lambda: clock["own"])
    monkeypatch.setattr(team, "_machine_busy_seconds", lambda: clock["busy"])
    monkeypatch.setattr(team, "_cores", lambda: 4)
    monkeypatch.setattr(team, "requested", lambda: 3)
    monkeypatch.setattr(team, "_state", {"at": None})
    monkeypatch.setattr(team, "_team", [None])
    counts = []
    monkeypatch.setattr(numba, "set_num_threads", counts.append)

    def look(others, own=0.04, wall=0.08):  # a look every 80 ms (samples: 50 ms)
        clock["wall"] += wall
        clock["own"] += own
        clock["busy"] += own + others * wall
        team.update()
    team.update()           # the first look only takes a reading
    look(others=0.0)        # quiet: the user's 3 (of 4 cores)
    look(others=2.0)        # two cores busy elsewhere: the 2 left
    look(others=3.6)        # all but a fraction: still one thread
    clock["wall"] += 0.01   # within SAMPLE_SECONDS: no new look
    team.update()
    look(others=0.2)        # quiet again
    look(others=2.0)
    look(others=2.0, wall=5.0)  # a look long after the last: the user's count again
    look(others=2.0)
    look(others=2.0, wall=0.3)  # a window over 0.1 s may hold load long gone: not used
    assert counts == [3, 2, 1, 3, 2, 3, 2, 3]


def test_get_num_threads_reports_the_users_count_while_the_team_is_smaller():
    import numba
    import numtensor._backends.cpu.team as team
    before = nt.get_num_threads()
    try:
        nt.set_num_threads(2 if numba.config.NUMBA_NUM_THREADS >= 2 else 1)
        want = nt.get_num_threads()
        numba.set_num_threads(1)  # what update() does while other processes are busy
        team._team[0] = 1
        assert nt.get_num_threads() == want
    finally:
        nt.set_num_threads(before)
    assert nt.get_num_threads() == before


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_python_float_reaches_a_compiled_kernel_as_the_cast_would_make_it(dtype):
    """Once a dense route's kernel is compiled, a Python float within the dtype's range goes
    to it unconverted (its entry converts it): every op and number here gives PyTorch's
    bits on the first call (the dispatcher, with the number converted first) and on the
    calls after it; numbers out of range, NaN and integers keep the conversion."""
    import torch
    rng = np.random.default_rng(12)
    a = (rng.standard_normal(37) * 10).astype(dtype)
    big = float(np.finfo(np.float32).max)
    numbers = [1.01, 0.1, 1 / 3, -2.5, 1e-40, 1e-46, big, -big, 1e39, float("inf"),
               float("nan"), 3, -7]
    for op in ("add", "mul", "sub", "div", "maximum"):
        for s in numbers:
            x = nt.tensor(a).clone()  # memory the backend allocated: the entry may take it
            assert x._storage.plain
            want = getattr(torch, op)(torch.tensor(a), torch.tensor(s, dtype=getattr(torch, dtype))
                                      if op == "maximum" else s).numpy()
            for call in range(3):  # compiling, then the compiled entry
                got = (getattr(nt, op)(x, nt.tensor(s, dtype=getattr(nt, dtype)))
                       if op == "maximum" else getattr(nt, op)(x, s)).numpy()
                assert got.dtype == want.dtype
                assert np.array_equal(got, want, equal_nan=True), (op, s, call)


class _Spy:
    """A kernel that notes its calls in `called` (and otherwise is the kernel)."""

    def __init__(self, kernel, name, called):
        self.kernel, self.name, self.called = kernel, name, called

    def __call__(self, *args):
        self.called.append(self.name)
        return self.kernel(*args)

    def __getattr__(self, attr):
        return getattr(self.kernel, attr)


def test_a_polynomial_op_shares_out_far_smaller_inputs_than_a_cheap_one(monkeypatch):
    from numtensor._backends import cpu
    backend = cpu.CpuBackend()
    n = cpu.COSTLY_ELEMENTWISE_GRAIN + 3
    assert n < ELEMENTWISE_GRAIN
    x = _rng().random(n, dtype=np.float32)
    for op, costly in (("exp", True), ("neg", False)):
        mod = cpu._elementwise_module(op, 1, (), (), False)
        assert mod.COSTLY is costly
        # compiled: a serial kernel not compiled yet would lend its first calls to the
        # parallel one (BORROWED_CALLS)
        mod.flat_1(x, 0, np.empty_like(x), 0, n, np.float32(0), np.float32(0))
        called = []
        for name in ("flat_1", "flat_1_par"):
            monkeypatch.setattr(mod, name, _Spy(getattr(mod, name), name, called))
        route = backend.dense_route(op, (1,), x.dtype, x.dtype)
        y = route(((x, 0),), None, n, ())
        assert called == ["flat_1_par" if costly else "flat_1"]
        np.testing.assert_allclose(y, np.exp(x) if costly else -x, rtol=1e-6)
