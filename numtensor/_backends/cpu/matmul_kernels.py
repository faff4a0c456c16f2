"""Batched matrix multiply kernels: BLAS for floats and complex, blocked loops for integers.

Every kernel computes C[i] = A[i] @ B[i] for a batch of matrices living in flat 1-D
buffers.  a_offs / b_offs / c_offs hold the start offset of each batch element, so
broadcast batch dims (stride 0) need no copy: the same offset simply repeats.

Floating and complex dtypes: np.dot inside @njit calls BLAS gemm on 2-D arrays.  A
matrix arrives either row-major ("n": rows of length k are contiguous) or as the
transpose of a row-major matrix ("t": e.g. x.t() of a contiguous x); flags pick one of
the four np.dot calls for the pair of layouts, so transposed views are not copied (but
for the blocks of rows of a transposed A when a product is split over the threads,
below).  A batch of several products, or one big product split into blocks of rows,
runs on Numba's threads (gemm_par), with the BLAS itself on one thread (see
blas_threads.py and the comment above gemm_par).  One kernel for the four layout pairs
rather than one each: a parallel kernel costs 2-4 s to compile, and a model's forward
and backward use three of the pairs (x @ W.t(), g.t() @ x, g @ W).

Integers: BLAS has no integer gemm, so int_gemm is an i-p-j loop (the innermost loop
walks a contiguous row of B and of C, so it vectorises), tiled so that a block of B
stays in cache while a block of rows of A streams past it, parallel over row blocks.
"""
import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)

ROW_BLOCK = 16    # rows of C per parallel work item
COL_BLOCK = 512   # columns of B/C per tile
DEPTH_BLOCK = 64  # rows of B per tile (a tile of int64 B: 256 KiB, within L2)


@njit(**OPTS)
def _product_rows(a_t, b_t, a, a_off, b, b_off, c, c_off, m, k, n, r0, r1, copy_a_rows):
    """Rows r0:r1 of C = A @ B for one batch element.  a_t / b_t: the operand arrives as
    the transpose of a row-major matrix ("t" layout) rather than row-major ("n").
    copy_a_rows: a transposed A's block of rows (columns of the row-major matrix it
    transposes) is copied into a matrix of its own first, as np.dot wants each operand
    contiguous in one order or the other; False only when r0:r1 covers all m rows."""
    C = c[c_off:c_off + m * n].reshape((m, n))[r0:r1]
    if a_t:
        At = a[a_off:a_off + m * k].reshape((k, m))  # A transposed, row-major
        if copy_a_rows:
            At = np.ascontiguousarray(At[:, r0:r1])  # else rows r0:r1 are all m rows
        if b_t:
            np.dot(At.T, b[b_off:b_off + k * n].reshape((n, k)).T, C)
        else:
            np.dot(At.T, b[b_off:b_off + k * n].reshape((k, n)), C)
    else:
        A = a[a_off:a_off + m * k].reshape((m, k))[r0:r1]
        if b_t:
            np.dot(A, b[b_off:b_off + k * n].reshape((n, k)).T, C)
        else:
            np.dot(A, b[b_off:b_off + k * n].reshape((k, n)), C)


@njit(**OPTS)
def gemm(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n):
    for i in range(c_offs.size):
        _product_rows(a_t, b_t, a, a_offs[i], b, b_offs[i], c, c_offs[i], m, k, n, 0, m,
                      False)


# The same products with the work shared out over Numba's threads and the BLAS on one
# thread (the caller sets it: blas_threads): work item w is row block w % nblk of
# product w // nblk, so a batch runs one whole product per item (nblk = 1) and a lone
# big product is split into nblk blocks of rows.  That keeps every core on Numba's own
# threads: the BLAS's thread pool, spinning after a call, delays the parallel kernel
# that follows it (measured here: the lecture's second conv 7.3 ms -> 2.1 ms), and
# Numba's idle threads delay the BLAS.
@njit(parallel=True, **OPTS)
def gemm_par(a_t, b_t, a, a_offs, b, b_offs, c, c_offs, m, k, n, nblk):
    for w in prange(c_offs.size * nblk):
        i = w // nblk
        t = w % nblk
        _product_rows(a_t, b_t, a, a_offs[i], b, b_offs[i], c, c_offs[i], m, k, n,
                      t * m // nblk, (t + 1) * m // nblk, nblk > 1)


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
