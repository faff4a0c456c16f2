"""Batched products large enough for the CPU backend to share the batch out over its
threads (one whole BLAS product per thread, the BLAS itself on one thread), and lone or
odd products big enough to be split into blocks of rows over the threads, against
real torch: every layout of both operands, broadcast batch dims, offset views, float and
complex dtypes, batches that are and are not shared out, and their gradients.  Also:
the BLAS thread count is restored after a batch."""
import numpy as np
import pytest

import numtensor as nt
from numtensor._backends.cpu import blas_threads

import torch  # noqa: E402  (required: CI fails without the oracle)

TOL = {"float16": 2e-2, "float32": 1e-4, "float64": 1e-10, "complex64": 1e-4,
       "complex128": 1e-10, "int64": 0}


def _array(rng, shape, dtype):
    if dtype == "int64":
        return rng.integers(-50, 50, shape).astype(dtype)
    x = rng.standard_normal(shape)
    if dtype.startswith("complex"):
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def _both(arr, layout):
    """arr as a numtensor and a torch tensor: contiguous ('n'), a transposed view of a
    contiguous tensor ('t'), or a view at an offset inside a larger tensor ('o')."""
    if layout == "t":
        base = np.ascontiguousarray(np.swapaxes(arr, -1, -2))
        return nt.from_numpy(base.copy()).mT, torch.from_numpy(base.copy()).mT
    if layout == "o":
        big = np.zeros(arr.shape[:-2] + (arr.shape[-2] + 1, arr.shape[-1] + 3), arr.dtype)
        big[..., 1:, 3:] = arr
        return nt.from_numpy(big.copy())[..., 1:, 3:], torch.from_numpy(big.copy())[..., 1:, 3:]
    return nt.from_numpy(arr.copy()), torch.from_numpy(arr.copy())


def _same(ours, theirs, dtype):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    tol = TOL[dtype]
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(),
                               rtol=tol, atol=tol * 10)


# (a shape, b shape): shared out (batch divisible by the threads, or many), left to the
# BLAS (a few products, odd), and broadcast batches (repeated operand offsets)
SHAPES = {
    "batch of 8": ((8, 24, 20), (8, 20, 16)),
    "batch of 9": ((9, 24, 20), (9, 20, 16)),
    "batch of 3": ((3, 40, 30), (3, 30, 40)),
    "batch of 32 square": ((32, 32, 32), (32, 32, 32)),
    "broadcast batch": ((4, 1, 24, 20), (1, 5, 20, 16)),
    "one matrix for the batch": ((6, 30, 20), (20, 40)),
}


@pytest.mark.parametrize("layout_b", ["n", "t", "o"])
@pytest.mark.parametrize("layout_a", ["n", "t", "o"])
@pytest.mark.parametrize("case", list(SHAPES))
def test_every_layout_float32(case, layout_a, layout_b):
    rng = np.random.default_rng(1)
    sa, sb = SHAPES[case]
    a, ta = _both(_array(rng, sa, "float32"), layout_a)
    b, tb = _both(_array(rng, sb, "float32"), layout_b)
    _same(a @ b, ta @ tb, "float32")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "complex64", "complex128",
                                   "int64"])
@pytest.mark.parametrize("case", ["batch of 8", "batch of 3", "broadcast batch"])
def test_every_dtype(case, dtype):
    rng = np.random.default_rng(2)
    sa, sb = SHAPES[case]
    a, ta = _both(_array(rng, sa, dtype), "t")
    b, tb = _both(_array(rng, sb, dtype), "n")
    _same(a @ b, ta @ tb, dtype)
    if len(sa) == 3 and len(sb) == 3:
        _same(nt.bmm(a, b), torch.bmm(ta, tb), dtype)


def test_expanded_operand_and_empty_batches():
    rng = np.random.default_rng(3)
    a, ta = _both(_array(rng, (16, 24, 20), "float64"), "n")
    w = _array(rng, (20, 16), "float64")
    b, tb = nt.from_numpy(w).expand(16, 20, 16), torch.from_numpy(w).expand(16, 20, 16)
    _same(nt.bmm(a, b), torch.bmm(ta, tb), "float64")
    for sa, sb in [((0, 24, 20), (0, 20, 16)), ((16, 24, 0), (16, 0, 16)),
                   ((16, 0, 20), (16, 20, 16))]:
        _same(nt.bmm(nt.ones(sa), nt.ones(sb)), torch.bmm(torch.ones(sa), torch.ones(sb)),
              "float32")


def test_gradients_of_a_shared_out_batch():
    rng = np.random.default_rng(4)
    a0, b0 = _array(rng, (8, 24, 20), "float64"), _array(rng, (8, 20, 16), "float64")
    a, b = nt.tensor(a0, requires_grad=True), nt.tensor(b0, requires_grad=True)
    ta, tb = torch.tensor(a0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    g = _array(rng, (8, 24, 16), "float64")
    nt.bmm(a, b).backward(nt.tensor(g))
    torch.bmm(ta, tb).backward(torch.tensor(g))
    _same(a.grad, ta.grad, "float64")
    _same(b.grad, tb.grad, "float64")


# products big enough to share out (cpu.SPLIT_FROM), split into blocks of rows or of
# columns (cpu._by_columns: both happen here, with either layout of A) over Numba's
# threads: odd row and column counts (uneven blocks), a lone matrix, a wide B, an odd
# batch, a batch broadcast from one matrix
SPLIT_SHAPES = {
    "lone": ((301, 97), (97, 167)),
    "lone, few columns": ((70, 4000), (4000, 17)),
    "lone, wide": ((40, 300), (300, 501)),
    "few rows, wide": ((5, 700), (700, 1299)),
    "batch of 3": ((3, 129, 64), (3, 64, 250)),
    "batch of 3, wide": ((3, 20, 64), (3, 64, 1301)),
    "broadcast": ((3, 1, 211, 50), (1, 50, 199)),
}


@pytest.mark.parametrize("layout_b", ["n", "t", "o"])
@pytest.mark.parametrize("layout_a", ["n", "t", "o"])
@pytest.mark.parametrize("case", list(SPLIT_SHAPES))
def test_products_split_into_blocks(case, layout_a, layout_b):
    from numtensor._backends import cpu
    sa, sb = SPLIT_SHAPES[case]
    assert np.prod(np.broadcast_shapes(sa[:-2], sb[:-2])) * sa[-2] * sa[-1] * sb[-1] \
        >= cpu.SPLIT_FROM
    rng = np.random.default_rng(5)
    for dtype in ("float32", "float64", "complex64"):
        a, ta = _both(_array(rng, sa, dtype), layout_a)
        b, tb = _both(_array(rng, sb, dtype), layout_b)
        _same(a @ b, ta @ tb, dtype)


def test_gradients_of_a_split_product():
    rng = np.random.default_rng(6)
    a0, b0 = _array(rng, (257, 120), "float64"), _array(rng, (120, 90), "float64")
    a, b = nt.tensor(a0, requires_grad=True), nt.tensor(b0, requires_grad=True)
    ta, tb = torch.tensor(a0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    g = _array(rng, (257, 90), "float64")
    (a @ b).backward(nt.tensor(g))
    (ta @ tb).backward(torch.tensor(g))
    _same(a.grad, ta.grad, "float64")
    _same(b.grad, tb.grad, "float64")


@pytest.mark.skipif(not blas_threads.available(), reason="the BLAS thread count is not ours to set")
def test_a_float_product_puts_the_blas_on_one_thread():
    """numtensor shares out the products big enough for the BLAS's own thread pool, so
    the first float product leaves that pool on one thread for good."""
    _, get = blas_threads._lookup()
    nt.ones(3, 4) @ nt.ones(4, 2)
    assert get() == 1
    big = nt.ones(300, 300)
    _same(big @ big, torch.ones(300, 300) @ torch.ones(300, 300), "float32")
    assert get() == 1
    # too few rows and columns to split: the BLAS's own threads for the call, then one
    # thread again
    rng = np.random.default_rng(7)
    for layout_b in ("n", "t"):
        a, ta = _both(_array(rng, (5, 200000), "float32"), "n")
        b, tb = _both(_array(rng, (200000, 7), "float32"), layout_b)
        _same(a @ b, ta @ tb, "float32")
        assert get() == 1


@pytest.mark.parametrize("parallel", [False, True])
def test_a_product_outside_its_buffers_is_refused(parallel):
    """The float kernels hand BLAS addresses, so they check every matrix of the plan
    against its buffer first: a plan that reaches past a buffer writes nothing."""
    from numtensor._backends import backend_for, plan
    a, b = nt.ones(4, 3), nt.ones(3, 5)
    out = nt.zeros(4, 5)
    be = backend_for(a.device)
    size = 20000 if parallel else 4  # 20000 rows: shared out over the threads
    for a_off, b_off in ((1, 0), (0, 1), (-1, 0)):
        p = plan.matmul((), size, 3, 5, a_off, (), 3, 1, b_off, (), 5, 1)
        with pytest.raises(RuntimeError, match="outside its buffer"):
            be.matmul(p, a._storage._buf, b._storage._buf, out._storage._buf)
        assert float(out.abs().sum()) == 0


@pytest.mark.skipif(not blas_threads.available(), reason="the BLAS thread count is not ours to set")
def test_the_blas_thread_count_is_restored():
    _, get = blas_threads._lookup()
    before = get()
    a = nt.ones((32, 64, 64))
    nt.bmm(a, a)
    assert get() == before
    with pytest.raises(ZeroDivisionError):
        with blas_threads.single_threaded():
            assert get() == 1
            1 / 0
    assert get() == before


# products just too big for OpenBLAS's small-matrix kernels, run as blocks of columns
# with B's columns copied side by side (cpu._packed_width): a bmm shared out one
# product per thread, a lone product on the calling thread, a column count that
# leaves a narrow last block, a batch broadcast from one B, and each of them with A
# transposed or at an offset (B must be untransposed for this path; 't' checks that
# the path is not taken)
PACKED_SHAPES = {
    "bmm (8,128,128)": ((8, 128, 128), (8, 128, 128)),
    "lone 128 x 128": ((128, 128), (128, 128)),
    "narrow last block": ((4, 96, 80), (4, 80, 200)),
    "one B for the batch": ((6, 100, 90), (90, 150)),
}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("layout_b", ["n", "o", "t"])
@pytest.mark.parametrize("layout_a", ["n", "t", "o"])
@pytest.mark.parametrize("case", list(PACKED_SHAPES))
def test_products_in_packed_blocks_of_columns(case, layout_a, layout_b, threads, monkeypatch):
    from numtensor._backends import cpu
    from numtensor.ops import linalg_ops
    # a batch goes one product per thread (gemm_packed_par) or on the calling thread
    # (gemm_packed) by the thread count the team reports, whatever the machine's load
    monkeypatch.setattr(cpu, "_threads", lambda: threads)
    sa, sb = PACKED_SHAPES[case]
    rng = np.random.default_rng(8)
    for dtype in ("float32", "float64", "complex64"):
        a, ta = _both(_array(rng, sa, dtype), layout_a)
        b, tb = _both(_array(rng, sb, dtype), layout_b)
        batch = tuple(np.broadcast_shapes(sa[:-2], sb[:-2]))
        width = cpu._packed_width(linalg_ops._plan(a, b, batch), np.dtype(dtype))
        expect_packed = (blas_threads.has_small_kernels() and layout_b != "t"
                         and dtype != "complex64")
        assert (width > 0) == expect_packed
        _same(a @ b, ta @ tb, dtype)
        # added to an output (addmm / baddbmm run the product with beta = 1)
        c0 = _array(rng, batch + (sa[-2], sb[-1]), dtype)
        c, tc = _both(c0, "n")
        if batch:
            _same(nt.baddbmm(c, a.expand(batch + sa[-2:]), b.expand(batch + sb[-2:])),
                  torch.baddbmm(tc, ta.expand(batch + sa[-2:]), tb.expand(batch + sb[-2:])),
                  dtype)
        else:
            _same(nt.addmm(c, a, b), torch.addmm(tc, ta, tb), dtype)


def test_packed_width_rule(monkeypatch):
    """Blocks as wide as OpenBLAS's small-kernel limit allows, widest first; none for a
    product small enough whole, or too deep for even the narrowest block; none at all
    where the BLAS has no small-matrix kernels (a core without AVX-512)."""
    from numtensor._backends import cpu, plan
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    product = plan.matmul((8,), 128, 128, 128, 0, (128 * 128,), 128, 1, 0, (128 * 128,), 128, 1)
    monkeypatch.setattr(blas_threads, "has_small_kernels", lambda: False)
    assert cpu._packed_width(product, f32) == 0
    monkeypatch.setattr(blas_threads, "has_small_kernels", lambda: True)
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)

    def width(m, k, n, dtype, layout_b="n"):
        b_strides = (n, 1) if layout_b == "n" else (1, k)
        return cpu._packed_width(plan.matmul((8,), m, k, n, 0, (m * k,), k, 1, 0, (k * n,),
                                             *b_strides), dtype)
    assert width(128, 128, 128, f32) == 32
    assert width(128, 128, 128, f64) == 32
    assert width(64, 64, 512, f32) == 64
    assert width(512, 64, 64, f32) == 16
    assert width(96, 96, 96, f32) == 0          # small enough whole
    assert width(512, 512, 512, f32) == 0       # a 16-column block is still too big
    assert width(128, 128, 128, f32, "t") == 0  # B transposed


# products with one column or one row of C: big ones run as the BLAS's matrix-vector
# products (cpu._vector_products: A @ column and row @ B, a lone product in blocks over
# the threads or on one, a batch a product per thread), small ones as gemm; either
# layout of the matrix and at an offset
VECTOR_SHAPES = {
    "column, small": ((30, 20), (20, 1)),
    "row, small": ((1, 20), (20, 30)),
    "column, shared out": ((700, 800), (800, 1)),
    "row, shared out": ((1, 800), (800, 700)),
    "row of few columns": ((1, 70000), (70000, 8)),
    "batch of columns": ((6, 90, 1000), (6, 1000, 1)),
    "batch of rows": ((6, 1, 1000), (6, 1000, 90)),
    "one row by one column": ((1, 5000), (5000, 1)),
    "broadcast matrix": ((3, 1, 400), (400, 300)),
}


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("layout_b", ["n", "t", "o"])
@pytest.mark.parametrize("layout_a", ["n", "t", "o"])
@pytest.mark.parametrize("case", list(VECTOR_SHAPES))
def test_matrix_vector_products(case, layout_a, layout_b, threads, monkeypatch):
    from numtensor._backends import cpu
    # the blocks per product follow the thread count the team reports, whatever the
    # machine's load: one, and three (uneven blocks)
    monkeypatch.setattr(cpu, "_threads", lambda: threads)
    sa, sb = VECTOR_SHAPES[case]
    rng = np.random.default_rng(9)
    for dtype in ("float32", "float64", "complex64"):
        a, ta = _both(_array(rng, sa, dtype), layout_a)
        b, tb = _both(_array(rng, sb, dtype), layout_b)
        _same(a @ b, ta @ tb, dtype)
    work = np.prod(np.broadcast_shapes(sa[:-2], sb[:-2])) * sa[-2] * sa[-1] * sb[-1]
    assert (work >= cpu.GEMV_SPLIT_FROM) == ("small" not in case and "one row" not in case
                                             and "broadcast" not in case)


def test_matrix_vector_products_added_to_an_output_and_their_gradients():
    rng = np.random.default_rng(10)
    m0, v0, c0 = (_array(rng, (600, 900), "float64"), _array(rng, (900,), "float64"),
                  _array(rng, (600,), "float64"))
    m, v, c = (nt.tensor(m0, requires_grad=True), nt.tensor(v0, requires_grad=True),
               nt.tensor(c0))
    tm_, tv, tc = (torch.tensor(m0, requires_grad=True), torch.tensor(v0, requires_grad=True),
                   torch.tensor(c0))
    _same(nt.addmv(c, m, v), torch.addmv(tc, tm_, tv), "float64")
    _same(nt.addmm(c[:, None], m, v[:, None]), torch.addmm(tc[:, None], tm_, tv[:, None]),
          "float64")
    g0 = _array(rng, (600,), "float64")
    (m @ v).backward(nt.tensor(g0))  # the gradients are an outer product and v^T-like rows
    (tm_ @ tv).backward(torch.tensor(g0))
    _same(m.grad, tm_.grad, "float64")
    _same(v.grad, tv.grad, "float64")
