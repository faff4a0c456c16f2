"""Batched matrix multiply kernels: BLAS for floats and complex, blocked loops for integers.

Every kernel computes C[i] = A[i] @ B[i] for a batch of matrices living in flat 1-D
buffers.  a_offs / b_offs / c_offs hold the start offset of each batch element, so
broadcast batch dims (stride 0) need no copy: the same offset simply repeats.

Floating and complex dtypes call the gemm of SciPy's BLAS (the one Numba's np.dot
calls) directly, through symbols registered with LLVM when this module is imported,
rather than through np.dot:
  - a block of rows or of columns of a product is a pointer and a leading dimension,
    so a product can be shared out over the threads either way without copying (np.dot
    wants each operand whole and contiguous in one order or the other).  Which way
    matters: OpenBLAS packs the whole of the operand that is not split in every call,
    and 128x784 @ (256x784).T, a Linear layer's forward, took 0.55 ms a half by rows
    against 0.31 ms by columns on one thread here;
  - the kernels take the buffers as bytes, so one compiled kernel serves the four
    dtypes (np.dot's kernels, one per dtype, cost 5.6 s (parallel) and 1.7 s (serial)
    to compile for float32 alone; these 1.9 s and 0.3 s for all four).
A matrix arrives either row-major ("n": rows of length k are contiguous) or as the
transpose of a row-major matrix ("t": e.g. x.t() of a contiguous x).  BLAS is
column-major, so row-major C = A @ B is computed as column-major C^T = B^T @ A^T: the
memory of a row-major matrix read column-major is its transpose, so an "n" operand
goes in untransposed ('N') and a "t" one transposed ('T').

A big product with one row or one column of C runs as gemv, a matrix-vector product
(gemv_par; the backend decides: _vector_products there).

A product just too big for OpenBLAS's small-matrix kernels can instead run as blocks
of columns that fit them, each block's columns of B first copied side by side into a
scratch (_gemm_packed; the backend chooses the width: _packed_width there).

The kernels check that every matrix lies inside its buffer before anything runs; the
caller (the CPU backend) keeps the buffers alive during the call and checks that the
dimensions fit the BLAS's 32-bit integers.

Integers: BLAS has no integer gemm, so int_gemm is an i-p-j loop (the innermost loop
walks a contiguous row of B and of C, so it vectorises), tiled so that a block of B
stays in cache while a block of rows of A streams past it, parallel over row blocks.
"""
import ctypes

import llvmlite.binding as llvm
from llvmlite import ir
import numpy as np
from numba import njit, prange, types
from .jit_options import NO_PYTHON_ENTRY
from numba.extending import get_cython_function_address, intrinsic

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels

ROW_BLOCK = 16    # rows of C per parallel work item
COL_BLOCK = 512   # columns of B/C per tile
DEPTH_BLOCK = 64  # rows of B per tile (a tile of int64 B: 256 KiB, within L2)

# ?gemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc): Fortran, every
# argument by address.  Declared by symbol name (not as a ctypes pointer) so that
# the kernels calling them can be cached; the addresses are registered at each import.
KINDS = {np.dtype(np.float32): 0, np.dtype(np.float64): 1,
         np.dtype(np.complex64): 2, np.dtype(np.complex128): 3}
_GEMM_SIGNATURE = types.void(*([types.intp] * 13))
# ?gemv(trans, m, n, alpha, a, lda, x, incx, beta, y, incy): a product with one row or
# one column of C is a matrix-vector product, which gemm runs several times slower
_GEMV_SIGNATURE = types.void(*([types.intp] * 11))
for _name in ("sgemm", "dgemm", "cgemm", "zgemm", "sgemv", "dgemv", "cgemv", "zgemv"):
    llvm.add_symbol("numtensor_" + _name,
                    get_cython_function_address("scipy.linalg.cython_blas", _name))
_sgemm = types.ExternalFunction("numtensor_sgemm", _GEMM_SIGNATURE)
_dgemm = types.ExternalFunction("numtensor_dgemm", _GEMM_SIGNATURE)
_cgemm = types.ExternalFunction("numtensor_cgemm", _GEMM_SIGNATURE)
_zgemm = types.ExternalFunction("numtensor_zgemm", _GEMM_SIGNATURE)
_sgemv = types.ExternalFunction("numtensor_sgemv", _GEMV_SIGNATURE)
_dgemv = types.ExternalFunction("numtensor_dgemv", _GEMV_SIGNATURE)
_cgemv = types.ExternalFunction("numtensor_cgemv", _GEMV_SIGNATURE)
_zgemv = types.ExternalFunction("numtensor_zgemv", _GEMV_SIGNATURE)
# the C library's memmove(dst, src, nbytes), for the rows of _copy_columns that are not
# whole 64-byte lines: a vectorised byte loop copied as fast and cost 0.5 s more to compile
llvm.add_symbol("numtensor_memmove", ctypes.cast(ctypes.memmove, ctypes.c_void_p).value)
_memmove = types.ExternalFunction("numtensor_memmove", types.intp(types.intp, types.intp,
                                                                  types.intp))
LINE = 64  # bytes that _copy_line moves
_LINE_POINTER = ir.VectorType(ir.IntType(64), LINE // 8).as_pointer()


@intrinsic
def _copy_line(typingctx, dst, src):
    """Copy the 64 bytes at address src to address dst (neither need be aligned; they must
    not overlap): one vector load and store, inline.  The packed products copy their
    rows of B this way: a memmove call per row of 128 bytes cost about 4 ns, a tenth
    of a (32,128,128) bmm's time."""
    sig = types.void(types.intp, types.intp)

    def codegen(context, builder, signature, args):
        dst_address, src_address = args
        line = builder.load(builder.inttoptr(src_address, _LINE_POINTER), align=1)
        builder.store(line, builder.inttoptr(dst_address, _LINE_POINTER), align=1)
        return context.get_dummy_value()
    return sig, codegen


def gemm_constants(dtype, accumulate=False):
    """The constant arguments of a gemm call, as one small byte array: the letters 'N'
    and 'T' (bytes 0 and 1), alpha = 1 (from byte 16) and beta (from byte 32), in dtype:
    0, or 1 to add the product to C."""
    raw = np.zeros(48, np.uint8)
    raw[0], raw[1] = ord("N"), ord("T")
    raw[16:16 + dtype.itemsize].view(dtype)[0] = 1
    if accumulate:
        raw[32:32 + dtype.itemsize].view(dtype)[0] = 1
    return raw


@njit(**HELPER)
def _call_gemm(kind, ta, tb, consts, ints, rows, cols, depth, pa, lda, pb, ldb, pc, ldc):
    """The BLAS's column-major C[rows, cols] (+)= op(A) @ op(B) for addresses pa, pb, pc
    and leading dimensions lda, ldb, ldc; ta / tb: the letter ('N' or 'T') at byte 0
    or 1 of consts, the address of gemm_constants; ints: room for the six integer
    arguments (BLAS takes them by address)."""
    ints[0] = rows
    ints[1] = cols
    ints[2] = depth
    ints[3] = lda
    ints[4] = ldb
    ints[5] = ldc
    p = ints.ctypes.data
    transa = consts + ta
    transb = consts + tb
    alpha, beta = consts + 16, consts + 32
    if kind == 0:
        _sgemm(transa, transb, p, p + 4, p + 8, alpha, pa, p + 12, pb, p + 16, beta, pc, p + 20)
    elif kind == 1:
        _dgemm(transa, transb, p, p + 4, p + 8, alpha, pa, p + 12, pb, p + 16, beta, pc, p + 20)
    elif kind == 2:
        _cgemm(transa, transb, p, p + 4, p + 8, alpha, pa, p + 12, pb, p + 16, beta, pc, p + 20)
    else:
        _zgemm(transa, transb, p, p + 4, p + 8, alpha, pa, p + 12, pb, p + 16, beta, pc, p + 20)


@njit(**HELPER)
def _call_gemv(kind, trans, consts, ints, rows, cols, pa, lda, px, py):
    """The BLAS's y (+)= op(A) x for the column-major rows x cols matrix at pa (leading
    dimension lda) and contiguous vectors at px and py; trans: the letter's byte in
    consts, as for _call_gemm."""
    ints[0] = rows
    ints[1] = cols
    ints[2] = lda
    ints[3] = 1
    p = ints.ctypes.data
    letter = consts + trans
    alpha, beta = consts + 16, consts + 32
    if kind == 0:
        _sgemv(letter, p, p + 4, alpha, pa, p + 8, px, p + 12, beta, py, p + 12)
    elif kind == 1:
        _dgemv(letter, p, p + 4, alpha, pa, p + 8, px, p + 12, beta, py, p + 12)
    elif kind == 2:
        _cgemv(letter, p, p + 4, alpha, pa, p + 8, px, p + 12, beta, py, p + 12)
    else:
        _zgemv(letter, p, p + 4, alpha, pa, p + 8, px, p + 12, beta, py, p + 12)


@njit(**HELPER)
def _gemv_block(kind, a_t, b_t, a, b, c, size, consts, ints, m, k, n, j0, j1):
    """Elements j0:j1 of C = A @ B for one product with one column (n == 1: elements are
    rows) or one row (m == 1: elements are columns); addresses and layouts as for
    _gemm_block.  The vector operand and C are contiguous whatever their layout."""
    if n == 1:  # C[j] = A[j, :] . b
        if a_t:  # A^T row-major (k, m): column-major (m, k), its rows j0:j1
            _call_gemv(kind, 0, consts, ints, j1 - j0, k, a + j0 * size, m, b, c + j0 * size)
        else:  # A row-major (m, k): column-major (k, m), its columns j0:j1, transposed
            _call_gemv(kind, 1, consts, ints, k, j1 - j0, a + j0 * k * size, k, b,
                       c + j0 * size)
    else:  # C[j] = a . B[:, j]
        if b_t:  # B^T row-major (n, k): column-major (k, n), its columns j0:j1, transposed
            _call_gemv(kind, 1, consts, ints, k, j1 - j0, b + j0 * k * size, k, a,
                       c + j0 * size)
        else:  # B row-major (k, n): column-major (n, k), its rows j0:j1
            _call_gemv(kind, 0, consts, ints, j1 - j0, k, b + j0 * size, n, a, c + j0 * size)


@njit(**HELPER)
def _gemm_block(kind, a_t, b_t, a, b, c, size, consts, ints, m, k, n, r0, r1, c0, c1):
    """C[r0:r1, c0:c1] = (A @ B)[r0:r1, c0:c1] for one product whose row-major (m, k),
    (k, n) and (m, n) matrices start at addresses a, b and c (elements of `size`
    bytes); a_t / b_t: the operand is the transpose of a row-major matrix ("t")."""
    if b_t:  # B^T is row-major (n, k): its rows c0:c1
        ldb, pb = k, b + c0 * k * size
    else:
        ldb, pb = n, b + c0 * size
    if a_t:  # A^T is row-major (k, m): its columns r0:r1
        lda, pa = m, a + r0 * size
    else:
        lda, pa = k, a + r0 * k * size
    # column-major C^T block = B^T block @ A^T block
    _call_gemm(kind, 1 if b_t else 0, 1 if a_t else 0, consts, ints, c1 - c0, r1 - r0, k,
               pb, ldb, pa, lda, c + (r0 * n + c0) * size, n)


@njit(**HELPER)
def _gemm_packed(kind, a_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, width, w0,
                 w1, ints, scratch):
    """Work items w0:w1 of the batch's products (B not transposed) in blocks of `width`
    columns of C: item w is block w % blocks of product w // blocks.  Each block's
    columns of B are first copied into scratch, so that the BLAS reads them contiguous
    (see _packed_width in the CPU backend for why)."""
    pa, pb, pc = a.ctypes.data, b.ctypes.data, c.ctypes.data
    pk, ps = consts.ctypes.data, scratch.ctypes.data
    lda = m if a_t else k
    blocks = (n + width - 1) // width
    for w in range(w0, w1):
        i = w // blocks
        c0 = (w % blocks) * width
        cols = min(width, n - c0)
        _copy_columns(pb + b_offs[i] * size, k, n, c0, cols, size, ps)
        _call_gemm(kind, 0, 1 if a_t else 0, pk, ints, cols, m, k, ps, cols,
                   pa + a_offs[i] * size, lda, pc + (c_offs[i] + c0) * size, n)


@njit(**HELPER)
def _copy_columns(b, k, n, c0, cols, size, dst):
    """Columns c0:c0 + cols of the row-major (k, n) matrix at address b (elements of
    `size` bytes) to address dst, as a row-major (k, cols) matrix."""
    row = cols * size
    if row % LINE:  # (the last block of a product whose width is not a multiple)
        for p in range(k):
            _memmove(dst + p * row, b + (p * n + c0) * size, row)
        return
    for p in range(k):
        src, out = b + (p * n + c0) * size, dst + p * row
        for q in range(0, row, LINE):
            _copy_line(out + q, src + q)


@njit(**HELPER)
def _inside(offs, extent, size):
    """Whether every matrix of `extent` elements starting at offs lies in `size` elements."""
    for i in range(offs.size):
        if offs[i] < 0 or offs[i] + extent > size:
            return False
    return True


@njit(**HELPER)
def _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
    """Whether every matrix of the batch lies inside its byte buffer."""
    return _inside(a_offs, m * k, a.size // size) and \
        _inside(b_offs, k * n, b.size // size) and _inside(c_offs, m * n, c.size // size)


@njit(**OPTS)
def gemm(kind, a_t, b_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n):
    """Every product of the batch, one after another.  a, b, c: the buffers as bytes,
    offsets in elements of `size` bytes.  False, and nothing written, if a matrix would
    not lie inside its buffer."""
    if not _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
        return False
    pa, pb, pc, pk = a.ctypes.data, b.ctypes.data, c.ctypes.data, consts.ctypes.data
    ints = np.empty(8, np.int32)
    for i in range(c_offs.size):
        _gemm_block(kind, a_t, b_t, pa + a_offs[i] * size, pb + b_offs[i] * size,
                    pc + c_offs[i] * size, size, pk, ints, m, k, n, 0, m, 0, n)
    return True


# The same products with the work shared out over Numba's threads and the BLAS on one
# thread (the caller sets it: blas_threads): work item w is block w % nblk of product
# w // nblk, so a batch runs one whole product per item (nblk = 1) and a lone big
# product is split into nblk blocks of rows, or of columns (split_columns).  That keeps
# every core on Numba's own threads: the BLAS's thread pool, spinning after a call,
# delays the parallel kernel that follows it (measured here: the lecture's second conv
# 7.3 ms -> 2.1 ms), and Numba's idle threads delay the BLAS.
@njit(parallel=True, **OPTS)
def gemm_par(kind, a_t, b_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, nblk,
             split_columns):
    if not _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
        return False
    pa, pb, pc, pk = a.ctypes.data, b.ctypes.data, c.ctypes.data, consts.ctypes.data
    items = c_offs.size * nblk
    ints = np.empty((items, 8), np.int32)
    for w in prange(items):
        i = w // nblk
        t = w % nblk
        r0, r1, c0, c1 = 0, m, 0, n
        if split_columns:
            c0, c1 = t * n // nblk, (t + 1) * n // nblk
        else:
            r0, r1 = t * m // nblk, (t + 1) * m // nblk
        _gemm_block(kind, a_t, b_t, pa + a_offs[i] * size, pb + b_offs[i] * size,
                    pc + c_offs[i] * size, size, pk, ints[w], m, k, n, r0, r1, c0, c1)
    return True


# Products with one row or one column of C (m == 1 or n == 1) as matrix-vector
# products over Numba's threads (the BLAS on one thread, as for gemm_par): work item w
# is block w % nblk of product w // nblk's elements.
@njit(parallel=True, **OPTS)
def gemv_par(kind, a_t, b_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, nblk):
    if not _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
        return False
    pa, pb, pc, pk = a.ctypes.data, b.ctypes.data, c.ctypes.data, consts.ctypes.data
    items = c_offs.size * nblk
    ints = np.empty((items, 8), np.int32)
    length = m * n  # C's elements: one row or one column
    for w in prange(items):
        i = w // nblk
        t = w % nblk
        _gemv_block(kind, a_t, b_t, pa + a_offs[i] * size, pb + b_offs[i] * size,
                    pc + c_offs[i] * size, size, pk, ints[w], m, k, n, t * length // nblk,
                    (t + 1) * length // nblk)
    return True


# Products run as blocks of columns of packed B (the backend's _packed_width): kernels
# of their own, so that the plain products above do not compile this path.
@njit(**OPTS)
def gemm_packed(kind, a_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, width):
    """gemm's products (B not transposed), each `width` columns at a time."""
    if not _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
        return False
    items = c_offs.size * ((n + width - 1) // width)
    _gemm_packed(kind, a_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, width,
                 0, items, np.empty(8, np.int32), np.empty(k * width * size, np.uint8))
    return True


@njit(parallel=True, **OPTS)
def gemm_packed_par(kind, a_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, width,
                    threads):
    """gemm_packed's work shared out over Numba's threads (the BLAS on one thread, as for
    gemm_par): one contiguous run of blocks per thread, each run with its own scratch.
    threads: Numba's thread count (asked for in the kernel, it would keep the kernel out
    of the disk cache)."""
    if not _fit(a_offs, a, b_offs, b, c_offs, c, size, m, k, n):
        return False
    items = c_offs.size * ((n + width - 1) // width)
    runs = min(items, threads)
    ints = np.empty((runs, 8), np.int32)
    scratch = np.empty((runs, k * width * size), np.uint8)
    for t in prange(runs):
        _gemm_packed(kind, a_t, a, a_offs, b, b_offs, c, c_offs, size, consts, m, k, n, width,
                     t * items // runs, (t + 1) * items // runs, ints[t], scratch[t])
    return True


@njit(inline="always", **OPTS)
def _int_rows(a, a_off, a_rs, a_cs, b, b_off, b_rs, c, c_off, i0, i1, k, n):
    """C[i0:i1] = A[i0:i1] @ B for one batch element; B rows are contiguous.

    Tiles of DEPTH_BLOCK rows x COL_BLOCK columns of B stay in cache while every row
    of the block passes over them.  The innermost loop works on array slices: with
    plain offset arithmetic Numba cannot prove the indices non-negative and the loop
    does not vectorise (5-10x slower)."""
    for i in range(i0, i1):
        c[c_off + i * n:c_off + (i + 1) * n] = 0
    for j0 in range(0, n, COL_BLOCK):
        j1 = min(n, j0 + COL_BLOCK)
        for p0 in range(0, k, DEPTH_BLOCK):
            p1 = min(k, p0 + DEPTH_BLOCK)
            for i in range(i0, i1):
                crow = c[c_off + i * n + j0:c_off + i * n + j1]
                arow = a_off + i * a_rs
                for p in range(p0, p1):
                    av = a[arow + p * a_cs]
                    brow = b[b_off + p * b_rs + j0:b_off + p * b_rs + j1]
                    for j in range(j1 - j0):
                        # products wrap in the element type, as PyTorch's integer matmul does
                        crow[j] += av * brow[j]


@njit(parallel=True, **OPTS)
def int_gemm_par(a, a_offs, a_rs, a_cs, b, b_offs, b_rs, c, c_offs, m, k, n):
    mblocks = (m + ROW_BLOCK - 1) // ROW_BLOCK
    for w in prange(c_offs.size * mblocks):
        bi = w // mblocks
        i0 = (w - bi * mblocks) * ROW_BLOCK
        _int_rows(a, a_offs[bi], a_rs, a_cs, b, b_offs[bi], b_rs, c, c_offs[bi],
                  i0, min(m, i0 + ROW_BLOCK), k, n)


@njit(**OPTS)
def int_gemm(a, a_offs, a_rs, a_cs, b, b_offs, b_rs, c, c_offs, m, k, n):
    for bi in range(c_offs.size):
        _int_rows(a, a_offs[bi], a_rs, a_cs, b, b_offs[bi], b_rs, c, c_offs[bi], 0, m, k, n)
