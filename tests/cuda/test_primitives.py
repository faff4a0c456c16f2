"""Every CUDA backend primitive, through the public ops, against the CPU backend on tiny
contiguous, non-contiguous (transposed, strided) and broadcast inputs.

Sizes are tiny because the simulator runs every CUDA thread as a Python thread; its
blocks are small (launch.py) so that these inputs still span several blocks, grid
strides, reduction partials and matmul tiles."""
import numpy as np
import pytest

import numtensor as nt
import torch
from cuda_helpers import CUDA, assert_same, check, pair, rng, views

DTYPES = [nt.bool, nt.uint8, nt.int8, nt.int16, nt.int32, nt.int64, nt.float16, nt.float32,
          nt.float64, nt.complex64, nt.complex128]


def _values(shape, dtype, seed=0):
    r = rng(seed)
    if dtype is nt.bool:
        return r.random(shape) > 0.5
    if dtype.is_complex:
        return r.standard_normal(shape) + 1j * r.standard_normal(shape)
    if dtype.is_floating_point:
        return r.standard_normal(shape) * 3
    return r.integers(0, 100 if dtype is nt.uint8 else 50, shape) - (0 if dtype is nt.uint8 else 25)


# ---- storage and copies ----------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_round_trip_and_strided_copy(dtype):
    a = _values((5, 7), dtype)
    for cpu, cuda in views(a, dtype):
        assert_same(cuda.contiguous(), cpu.contiguous())
        np.testing.assert_array_equal(cuda.cpu().numpy(), cpu.numpy())
        assert cuda.tolist() == cpu.tolist()


@pytest.mark.parametrize("src", DTYPES, ids=str)
def test_casts_to_every_dtype(src):
    cpu, cuda = pair(_values((4, 6), src) if src is not nt.float16 else
                     np.array([[0.5, 1.5, 2.5, -2.5, 100.75, -0.0]] * 4), src)
    for dst in DTYPES:
        if src.is_complex and not dst.is_complex and dst is not nt.bool:
            continue  # PyTorch warns and drops the imaginary part; covered below
        x_cpu, x_cuda = cpu.t(), cuda.t()
        if dst is nt.uint8 and src.is_floating_point:  # negative floats to uint8: undefined
            x_cpu, x_cuda = x_cpu.abs(), x_cuda.abs()
        assert_same(x_cuda.to(dst), x_cpu.to(dst))


def test_float16_to_integer_truncates_and_complex_to_real():
    cpu, cuda = pair(np.array([2.7, -2.7, 0.5, 1.5, -0.5]), nt.float16)
    for dst in (nt.int8, nt.int32, nt.int64, nt.uint8):
        x_cpu, x_cuda = (cpu.abs(), cuda.abs()) if dst is nt.uint8 else (cpu, cuda)
        assert_same(x_cuda.to(dst), x_cpu.to(dst))
    cpu, cuda = pair(np.array([1 + 2j, -3 - 1j]), nt.complex64)
    assert_same(cuda.real.contiguous(), cpu.real.contiguous())


def test_copy_between_views_and_devices():
    cpu, cuda = pair(_values((4, 5), nt.float32))
    dst_cpu, dst_cuda = nt.zeros(5, 4), nt.zeros(5, 4, device="cuda")
    dst_cpu[1:, ::2].copy_(cpu.t()[1:, ::2])
    dst_cuda[1:, ::2].copy_(cuda.t()[1:, ::2])
    assert_same(dst_cuda, dst_cpu)
    dst_cuda.copy_(cpu.t())            # from the CPU into a CUDA tensor
    assert_same(dst_cuda, cpu.t().float())
    host = nt.zeros(4, 5)
    host.copy_(cuda)                   # and back
    np.testing.assert_array_equal(host.numpy(), cpu.float().numpy())


# ---- element-wise ------------------------------------------------------------------------------
FLOAT_UNARY = ["exp", "expm1", "log1p", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh",
               "sigmoid", "neg", "abs", "floor", "ceil", "trunc", "round", "sign", "square",
               "reciprocal", "relu"]


@pytest.mark.parametrize("dtype", [nt.float16, nt.float32, nt.float64], ids=str)
def test_float_unary_ops(dtype):
    a = _values((5, 6), dtype)
    a[0, 0], a[1, 1] = 2.5, -0.5    # ties for round
    tol = dict(rtol=1e-3) if dtype is nt.float16 else dict(rtol=1e-6 if dtype is nt.float32 else 1e-12)
    for cpu, cuda in views(a, dtype):
        for op in FLOAT_UNARY:
            assert_same(getattr(cuda, op)(), getattr(cpu, op)(), **tol)
        pos_cpu, pos_cuda = cpu.abs() + 0.5, cuda.abs() + 0.5
        for op in ("log", "log2", "log10", "sqrt", "rsqrt"):
            assert_same(getattr(pos_cuda, op)(), getattr(pos_cpu, op)(), **tol)
        small_cpu, small_cuda = cpu.sin(), cuda.sin()
        for op in ("asin", "acos"):
            assert_same(getattr(small_cuda, op)(), getattr(small_cpu, op)(), **tol)
        assert_same(cuda.clamp(-1, 2), cpu.clamp(-1, 2))
        assert_same(cuda.isnan(), cpu.isnan())


def test_special_values_of_rounding_and_nan_propagation():
    a = np.array([1e20, -1e20, np.inf, -np.inf, np.nan, 2.5, -3.5, 0.49999997])
    cpu, cuda = pair(a, nt.float64)
    for op in ("round", "isinf", "isfinite", "isnan", "relu", "sign"):
        assert_same(getattr(cuda, op)(), getattr(cpu, op)())
    for op in ("floor", "ceil", "trunc"):  # against PyTorch: the CPU backend differs here
        np.testing.assert_array_equal(getattr(cuda, op)().cpu().numpy(),
                                      getattr(torch.from_numpy(a), op)().numpy())
    for op in ("sigmoid", "tanh", "exp"):
        assert_same(getattr(cuda, op)(), getattr(cpu, op)(), rtol=1e-15)
    assert_same(nt.maximum(cuda, cuda.flip(0)), nt.maximum(cpu, cpu.flip(0)))
    assert_same(nt.minimum(cuda, cuda.flip(0)), nt.minimum(cpu, cpu.flip(0)))


@pytest.mark.parametrize("dtype", [nt.bool, nt.uint8, nt.int8, nt.int32, nt.int64], ids=str)
def test_integer_and_bool_ops(dtype):
    a, b = _values((4, 6), dtype, 1), _values((4, 6), dtype, 2)
    if dtype is not nt.bool:
        b[b == 0] = 3
    check(lambda x, y: (x & y, x | y, x ^ y, ~x), a, b, dtype=dtype)
    check(lambda x, y: (x == y, x < y, x >= y, nt.logical_and(x, y), nt.logical_not(x)), a, b,
          dtype=dtype)
    if dtype is not nt.bool:
        check(lambda x, y: (x + y, x - y, x * y, x // y, x % y, x * 3, 7 - x, x.abs(), -x if
                            dtype is not nt.uint8 else x), a, b, dtype=dtype)
        check(lambda x, y: (x.t() + y[:, 0], x.sum(), x.prod(1), x.cumsum(0)), a, b, dtype=dtype)


@pytest.mark.parametrize("dtype", [nt.float16, nt.float32, nt.float64, nt.complex64,
                                   nt.complex128], ids=str)
def test_binary_ops_broadcast_and_scalars(dtype):
    a, b = _values((3, 4, 5), dtype, 1), _values((4, 1), dtype, 2)
    tol = dict(rtol=2e-3) if dtype is nt.float16 else dict(rtol=1e-6)
    ops = [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y, lambda x, y: x / y,
           lambda x, y: x.transpose(0, 2).contiguous().transpose(0, 2) * y,  # strided
           lambda x, y: x + 2.5, lambda x, y: 3 - x, lambda x, y: x * 1.5 + y * 0.5,
           lambda x, y: nt.add(x, y, alpha=2), lambda x, y: x == y, lambda x, y: x != 1]
    if not dtype.is_complex:
        ops += [lambda x, y: x ** 2, lambda x, y: x.abs() ** y, lambda x, y: nt.maximum(x, y),
                lambda x, y: nt.minimum(x, y), lambda x, y: x > y, lambda x, y: x <= 0.5,
                lambda x, y: nt.atan2(x, y), lambda x, y: x % 1.25, lambda x, y: x // y]
    else:
        ops += [lambda x, y: x.exp(), lambda x, y: x.log(), lambda x, y: x.sqrt(),
                lambda x, y: x.sin(), lambda x, y: x.tanh(), lambda x, y: x.abs(),
                lambda x, y: x.sigmoid(), lambda x, y: x.log10(), lambda x, y: x.cosh(),
                lambda x, y: x.tan(), lambda x, y: x.reciprocal(), lambda x, y: x ** y]
    for op in ops:
        check(op, a, b, dtype=dtype, **tol)


def test_fmod_against_pytorch():
    # (the CPU backend's fmod does not compile: math.fmod is not in Numba's CPU target)
    a, b = rng(1).standard_normal((3, 4)) * 5, rng(2).standard_normal(4) + 3
    got = nt.fmod(nt.tensor(a, device="cuda"), nt.tensor(b, device="cuda"))
    np.testing.assert_allclose(got.cpu().numpy(), torch.fmod(torch.tensor(a), torch.tensor(b)).numpy(),
                               rtol=1e-14)


def test_where_and_fill():
    c = _values((4, 5), nt.bool)
    a, b = _values((4, 5), nt.float32, 1), _values((5,), nt.float32, 2)
    check(lambda c, a, b: (nt.where(c, a, b), nt.where(c, a.t().t(), 0.0),
                           nt.where(c, 1.0, b), nt.where(c, 2, -2)), c, a, b)
    for dtype in DTYPES:
        assert_same(nt.full((3, 4), 1, dtype=dtype, device="cuda"), nt.full((3, 4), 1, dtype=dtype))
        cpu, cuda = pair(_values((4, 6), dtype), dtype)
        cpu[:, ::2].fill_(0)
        cuda[:, ::2].fill_(0)
        assert_same(cuda, cpu)


# ---- reductions, arg-reductions, scans -----------------------------------------------------------
@pytest.mark.parametrize("dtype", [nt.int32, nt.int64, nt.float32, nt.float64, nt.complex64,
                                   nt.float16], ids=str)
def test_reductions_over_dims(dtype):
    a = _values((5, 6, 7), dtype)
    tol = dict(rtol=1e-2, atol=1e-2) if dtype is nt.float16 else dict(rtol=1e-5, atol=1e-5)
    cpu, cuda = pair(a, dtype)
    for x_cpu, x_cuda in ((cpu, cuda), (cpu.transpose(0, 2), cuda.transpose(0, 2)),
                          (cpu[::2, 1:], cuda[::2, 1:])):
        for dims in (None, 0, 1, 2, (0, 2), (1, 2)):
            kw = {} if dims is None else {"dim": dims}
            assert_same(x_cuda.sum(**kw), x_cpu.sum(**kw), **tol)
            if not dtype.is_complex:
                assert_same(x_cuda.amax(**kw) if dims is not None else x_cuda.max(),
                            x_cpu.amax(**kw) if dims is not None else x_cpu.max())
                if dtype.is_floating_point:
                    assert_same(x_cuda.mean(**kw), x_cpu.mean(**kw), **tol)
        assert_same(x_cuda.prod(1), x_cpu.prod(1), **tol)


def test_reductions_larger_than_blocks_and_partials():
    # more elements than the simulator's grid has threads: split into partials;
    # more outputs than blocks: blocks loop over outputs
    a = rng().standard_normal(700)
    check(lambda x: (x.sum(), x.amax(), x.amin(), x.prod() != 0, (x > 0).all(), (x > 5).any()), a,
          rtol=1e-12)
    b = rng().standard_normal((90, 8))
    check(lambda x: (x.sum(0), x.sum(1), x.t().sum(1), x.amin(0), x.std(0), x.norm()), b,
          rtol=1e-12)
    check(lambda x: (x.argmax(), x.argmin(0), x.argmax(1), x.max(0)), b)
    check(lambda x: (x.cumsum(0), x.cumprod(1), x.t().cumsum(1)), b, rtol=1e-12)
    long = rng().standard_normal(300)
    check(lambda x: (x.cumsum(0), x.argmax(), x.argmin()), long, rtol=1e-12)


def test_all_any_and_nan_handling():
    a = rng().standard_normal((6, 40))
    a[2, 17] = a[4, 3] = a[4, 30] = np.nan
    check(lambda x: (x.amax(1), x.amin(0), x.argmax(1), x.argmin(1), x.max()), a)
    check(lambda x: x.sum(1), a, rtol=1e-12)
    check(lambda x: (x.all(1), x.any(0), x.all(), x.any()), a > 0, dtype=nt.bool)
    check(lambda x: (x.all(1), x.any(0)), (a > 0).astype(np.uint8), dtype=nt.uint8)
    ties = np.array([[1, 3, 3, 0], [2, 2, 2, 2], [0, 5, 1, 5]] * 30)
    check(lambda x: (x.argmax(1), x.argmin(1), x.argmax(0), x.t().argmax(1)), ties)


# ---- matrix products --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [nt.float32, nt.float64, nt.int32, nt.int64, nt.complex64,
                                   nt.float16], ids=str)
def test_matmul_shapes_layouts_and_batches(dtype):
    tol = dict(rtol=2e-2, atol=2e-2) if dtype is nt.float16 else dict(rtol=1e-5, atol=1e-5)
    cases = [((3, 5), (5, 4)), ((10, 13), (13, 9)), ((2, 3, 4), (4, 6)), ((2, 1, 3, 4), (3, 4, 5)),
             ((7,), (7,)), ((5, 7), (7,)), ((7,), (7, 2)), ((1, 9), (9, 17))]
    for sa, sb in cases:
        a, b = _values(sa, dtype, 1), _values(sb, dtype, 2)
        check(lambda x, y: x @ y, a, b, dtype=dtype, **tol)
    a, b = _values((6, 9), dtype, 3), _values((6, 11), dtype, 4)
    check(lambda x, y: (x.t() @ y, y.t() @ x, x.t() @ y[:, ::2], nt.mm(x[:, :6], y[:, :6].t())),
          a, b, dtype=dtype, **tol)
    check(lambda x, y: nt.bmm(x, y.transpose(1, 2)), _values((3, 4, 5), dtype, 5),
          _values((3, 6, 5), dtype, 6), dtype=dtype, **tol)


@pytest.mark.parametrize("dtype", [nt.float32, nt.float64, nt.complex64], ids=str)
def test_addmm_adds_the_product_to_a_copy_of_its_input(dtype):
    # alpha = beta = 1 asks the backend to accumulate into the broadcast input
    a, b = _values((6, 9), dtype, 1), _values((9, 5), dtype, 2)
    for shape in [(5,), (6, 1), (6, 5), ()]:
        check(lambda c, x, y: nt.addmm(c, x, y), _values(shape, dtype, 3), a, b, dtype=dtype,
              rtol=1e-5, atol=1e-5)
    check(lambda c, x, y: nt.addmm(c, x[:, :0], y[:0]), _values((5,), dtype, 3), a, b,
          dtype=dtype)


def test_integer_matmul_wraps_and_empty_inner_dim():
    a = np.full((3, 40), 100, np.int64)
    check(lambda x, y: x @ y, a.astype(np.int8), a.T.astype(np.int8), dtype=nt.int8)
    check(lambda x, y: x @ y, np.zeros((3, 0)), np.zeros((0, 4)))


# ---- indexing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [nt.float32, nt.float16, nt.bool, nt.int64, nt.complex128],
                         ids=str)
def test_advanced_indexing_gather_and_set(dtype):
    a = _values((5, 6, 4), dtype)
    idx = np.array([4, 0, -1, 2, 2])
    cpu, cuda = pair(a, dtype)
    i_cpu, i_cuda = pair(idx)
    assert_same(cuda[i_cuda], cpu[i_cpu])
    assert_same(cuda[:, i_cuda], cpu[:, i_cpu])
    assert_same(cuda.transpose(0, 2)[i_cuda[1:4]], cpu.transpose(0, 2)[i_cpu[1:4]])
    assert_same(cuda[i_cuda, :, [1, 2, 3, 0, 0]], cpu[i_cpu, :, [1, 2, 3, 0, 0]])
    assert_same(cuda[[0, 2]][:, [1, 1, 5]], cpu[[0, 2]][:, [1, 1, 5]])
    value = _values((5, 4), dtype, 7)
    v_cpu, v_cuda = pair(value, dtype)
    cpu[:, i_cpu[:4], 0] = v_cpu.t().contiguous().t()       # a transposed value
    cuda[:, i_cuda[:4], 0] = v_cuda.t().contiguous().t()
    assert_same(cuda, cpu)
    cpu[i_cpu] = 1
    cuda[i_cuda] = 1
    assert_same(cuda, cpu)


def test_repeated_indices_last_write_wins_and_sums():
    idx = np.array([1, 3, 1, 1, 5, 9, 3, 0, 1, 7, 7])
    i_cpu, i_cuda = pair(idx)
    for dtype in (nt.float32, nt.float64, nt.int32, nt.int64, nt.int8, nt.float16, nt.bool):
        vals = _values((len(idx),), dtype, 3)
        v_cpu, v_cuda = pair(vals, dtype)
        dst_cpu, dst_cuda = nt.zeros(10, dtype=dtype), nt.zeros(10, dtype=dtype, device="cuda")
        dst_cpu[i_cpu] = v_cpu
        dst_cuda[i_cuda] = v_cuda              # the parallel last-writer schedule
        assert_same(dst_cuda, dst_cpu)
        dst_cpu.index_put_((i_cpu,), v_cpu, accumulate=True)
        dst_cuda.index_put_((i_cuda,), v_cuda, accumulate=True)
        assert_same(dst_cuda, dst_cpu, rtol=1e-3 if dtype is nt.float16 else 1e-6)
        m_cpu, m_cuda = nt.zeros(10, 3, dtype=dtype), nt.zeros(10, 3, dtype=dtype, device="cuda")
        m_cpu.index_put_((i_cpu,), v_cpu[:, None].expand(-1, 3), accumulate=True)
        m_cuda.index_put_((i_cuda,), v_cuda[:, None].expand(-1, 3), accumulate=True)
        assert_same(m_cuda, m_cpu, rtol=1e-3 if dtype is nt.float16 else 1e-6)


def test_index_errors_name_the_first_bad_index():
    cpu, cuda = pair(np.arange(5.0))
    for bad in ([1, 7, 9], [-6, 2], [0, 1, 2, 3, 10, 11, 12, 13]):
        with pytest.raises(IndexError) as e_cpu:
            cpu[nt.tensor(bad)]
        with pytest.raises(IndexError) as e_cuda:
            cuda[nt.tensor(bad, device="cuda")]
        assert str(e_cuda.value) == str(e_cpu.value)


def test_masks_count_compact_and_write():
    a = rng().standard_normal((7, 9))
    cpu, cuda = pair(a)
    m_cpu, m_cuda = cpu > 0, cuda > 0
    assert_same(cuda[m_cuda], cpu[m_cpu])
    assert_same(cuda.t()[m_cuda.t()], cpu.t()[m_cpu.t()])
    assert_same(cuda[m_cuda[:, 0]], cpu[m_cpu[:, 0]])
    assert_same(m_cuda.nonzero(), m_cpu.nonzero())
    assert_same(nt.nonzero(m_cuda[0]), nt.nonzero(m_cpu[0]))
    assert_same(cuda[cuda > 100], cpu[cpu > 100])              # nothing selected
    cpu[m_cpu] = 0
    cuda[m_cuda] = 0
    assert_same(cuda, cpu)
    cpu[m_cpu[:, 1]] = nt.arange(9.0, dtype=nt.float64)
    cuda[m_cuda[:, 1]] = nt.arange(9.0, dtype=nt.float64, device="cuda")
    assert_same(cuda, cpu)
    # PyTorch 2.x refuses a value of another dtype under a mask, on every device
    with pytest.raises(RuntimeError, match="Index put requires the source and destination dtypes"):
        cuda[m_cuda[:, 1]] = nt.arange(9.0, device="cuda")
    cpu.t()[cpu.t() < -0.5] = nt.tensor(-1.0, dtype=nt.float64)
    cuda.t()[cuda.t() < -0.5] = nt.tensor(-1.0, dtype=nt.float64, device="cuda")
    assert_same(cuda, cpu)
    check(lambda x: x.masked_fill(x > 0.3, 9.0), a)


def test_torch_gather_scatter_and_errors():
    a = rng().standard_normal((5, 6, 4))
    idx = rng().integers(0, 6, (5, 3, 4))
    cpu, cuda = pair(a)
    i_cpu, i_cuda = pair(idx)
    assert_same(nt.gather(cuda, 1, i_cuda), nt.gather(cpu, 1, i_cpu))
    assert_same(nt.gather(cuda.transpose(0, 2), 1, i_cuda.transpose(0, 2)),
                nt.gather(cpu.transpose(0, 2), 1, i_cpu.transpose(0, 2)))
    src_cpu, src_cuda = cpu[:, :3], cuda[:, :3]
    assert_same(nt.zeros(5, 6, 4, dtype=nt.float64, device="cuda").scatter_(1, i_cuda, src_cuda),
                nt.zeros(5, 6, 4, dtype=nt.float64).scatter_(1, i_cpu, src_cpu))
    assert_same(nt.zeros(5, 6, 4, dtype=nt.float64, device="cuda").scatter_add_(1, i_cuda, src_cuda),
                nt.zeros(5, 6, 4, dtype=nt.float64).scatter_add_(1, i_cpu, src_cpu), rtol=1e-12)
    assert_same(nt.zeros(5, 6, 4, device="cuda").scatter_(1, i_cuda, 2.0),
                nt.zeros(5, 6, 4).scatter_(1, i_cpu, 2.0))
    bad = idx.copy()
    bad[2, 1, 3], bad[4, 0, 0], bad[0, 2, 1] = 9, -11, 7
    b_cpu, b_cuda = pair(bad)
    with pytest.raises(RuntimeError) as e_cpu:
        nt.gather(cpu, 1, b_cpu)
    with pytest.raises(RuntimeError) as e_cuda:
        nt.gather(cuda, 1, b_cuda)
    assert str(e_cuda.value) == str(e_cpu.value)
    dst = nt.zeros(5, 6, 4, device="cuda")
    with pytest.raises(RuntimeError) as e_cuda:
        dst.scatter_(1, b_cuda, 1.0)
    assert "out of bounds" in str(e_cuda.value)
    assert dst.abs().sum().item() == 0        # checked before anything was written


def test_joining_and_index_select():
    a, b = rng().standard_normal((3, 4)), rng().standard_normal((2, 4))
    check(lambda x, y: (nt.cat([x, y]), nt.stack([x[:2], y]), nt.cat([x.t(), y.t()], 1),
                        x.index_select(1, nt.tensor([3, 0, 0], device=x.device)), x.repeat(2, 1),
                        x.flip(1), nt.split(x, 2, 1)[1].contiguous()), a, b)


# ---- sorting, searching, fills, random ------------------------------------------------------------
def test_sort_argsort_topk_and_searchsorted():
    a = rng().standard_normal((4, 19))
    a[1, 4] = a[2, 7] = np.nan
    a[3, :8] = 0.5
    for desc in (False, True):
        check(lambda x: (x.sort(1, descending=desc, stable=True), x.sort(0, descending=desc,
                                                                         stable=True)), a)
        check(lambda x: x.argsort(descending=desc, stable=True), np.array([3, 1, 2, 1, 3, 3, 0, 2]))
    check(lambda x: (x.topk(3), x.t().topk(2, largest=False)), np.nan_to_num(a))
    s, v = np.array([1.0, 2.0, 2.0, 5.0, 7.0]), np.array([[0.0, 2.0, 6.0], [9.0, np.nan, 2.0]])
    check(lambda s, v: (nt.searchsorted(s, v), nt.searchsorted(s, v, right=True)), s, v)
    check(lambda x: x.unique(), np.array([3, 1, 2, 1, 3, 7]))


def test_arange_linspace_eye_match_the_cpu_bits():
    for args in ((10,), (0, 1, 0.1), (3, 50, 7), (-1.5, 2.25, 0.375)):
        assert_same(nt.arange(*args, device="cuda"), nt.arange(*args))
    for args in ((-1.3, 2.7, 11), (0, 1, 7), (5, 5, 1)):
        assert_same(nt.linspace(*args, device="cuda"), nt.linspace(*args))
        assert_same(nt.linspace(*args, dtype=nt.float64, device="cuda"),
                    nt.linspace(*args, dtype=nt.float64))
    assert_same(nt.eye(3, 5, device="cuda"), nt.eye(3, 5))


RANDOM = [lambda d: nt.rand(50, device=d), lambda d: nt.rand(3, 3, dtype=nt.float64, device=d),
          lambda d: nt.randint(0, 10, (20,), device=d), lambda d: nt.randperm(17, device=d),
          lambda d: nt.bernoulli(nt.full((30,), 0.3, device=d)),
          lambda d: nt.zeros(20, device=d).random_(0, 5),
          lambda d: nt.zeros(9, dtype=nt.bool, device=d).random_(),
          lambda d: nt.zeros(5, 4, device=d).uniform_(-2, 3),
          lambda d: nt.multinomial(nt.tensor([[0.2, 0.5, 0.3], [1.0, 0.0, 1.0]], device=d), 2),
          lambda d: nt.multinomial(nt.tensor([0.2, 0.5, 0.3], device=d), 6, replacement=True)]


@pytest.mark.parametrize("draw", RANDOM, ids=range(len(RANDOM)))
def test_random_draws_come_from_the_device_generator(draw):
    # as in PyTorch, the device has a generator of its own, which manual_seed seeds too:
    # the same seed gives the same draws, whatever the CPU's generator does in between
    nt.manual_seed(3)
    want = draw("cuda")
    nt.cuda.manual_seed(3)
    nt.rand(7)
    got = draw("cuda")
    assert_same(got, want.cpu())


def test_device_draws_are_the_counter_stream():
    # the values are the counter-based stream's (the conformance suite compares the
    # primitives of both backends): here the first 33 normals of seed 5, against the CPU
    # backend's primitive
    from numtensor._backends.cpu import cpu_backend
    nt.cuda.manual_seed(5)
    got = nt.randn(33, dtype=nt.float64, device="cuda")
    want = np.empty(33)
    cpu_backend.random_normal((want, 0), 33, np.uint64(5), np.int64(0), 0.0, 1.0)
    assert_same(got, nt.tensor(want), rtol=1e-14, atol=1e-14)
    g = nt.Generator(device="cuda").manual_seed(5)
    assert_same(nt.randn(33, dtype=nt.float64, device="cuda", generator=g), got.cpu())
    with pytest.raises(RuntimeError, match="Expected a 'cuda' device type for generator"):
        nt.rand(3, device="cuda", generator=nt.Generator())


def test_linalg_runs_through_the_host():
    a = rng().standard_normal((3, 4, 4))
    check(lambda x: (nt.linalg.inv(x), nt.linalg.det(x), nt.linalg.solve(x, x[..., :2]),
                     nt.linalg.svd(x)[1], nt.linalg.qr(x)[1], nt.linalg.slogdet(x)[1]), a,
          rtol=1e-10, atol=1e-10)
    s = a @ np.swapaxes(a, 1, 2) + np.eye(4)
    check(lambda x: (nt.linalg.eigh(x)[0], nt.linalg.cholesky(x), nt.linalg.eigvals(x).real),
          s, rtol=1e-10, atol=1e-10)
    b = rng().standard_normal((6, 3))
    check(lambda x: nt.linalg.lstsq(x, x[:, :2]).solution, b, rtol=1e-10, atol=1e-10)
    with pytest.raises(RuntimeError, match="singular"):
        nt.linalg.inv(nt.zeros(3, 3, device="cuda"))


def test_empty_tensors_take_every_path_without_launching_nonsense():
    e = np.zeros((0, 3))
    check(lambda x: (x + 1, x.sum(), x.sum(0), x.sum(1), x.prod(), x.t().contiguous(),
                     x[x > 0], (x > 0).nonzero(), x.cumsum(0), x.argsort(1),
                     nt.cat([x, x.new_ones(1, 3)]), x @ x.new_ones(3, 2)), e)
    check(lambda x: x[nt.tensor([], dtype=nt.int64, device=x.device)], e)
