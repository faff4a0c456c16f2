"""Batched matrix multiply kernels: BLAS for floats and complex, blocked loops for integers.

Every kernel computes C[i] = A[i] @ B[i] for a batch of matrices living in flat 1-D
buffers.  a_offs / b_offs / c_offs hold the start offset of each batch element, so
broadcast batch dims (stride 0) need no copy: the same offset simply repeats.

Floating and complex dtypes: np.dot inside @njit calls BLAS gemm on 2-D arrays.  A
matrix arrives either row-major ("n": rows of length k are contiguous) or as the
transpose of a row-major matrix ("t": e.g. x.t() of a contiguous x); the four gemm_xy
variants cover both layouts of both operands, so transposed views are not copied (but for
the blocks of rows of a transposed A when a product is split over the threads, below).
A batch of several products, or one big product split into blocks of rows, runs its
gemm_xy_par twin on Numba's threads, with the BLAS itself on one thread (see
blas_threads.py and the comment above the twins).
(Numba types a transposed array differently from a row-major one, hence one function
per combination instead of a flag.)

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
def gemm_nn(a, a_offs, b, b_offs, c, c_offs, m, k, n):
    for i in range(c_offs.size):
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((m, k))
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((k, n))
        np.dot(A, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n)))


@njit(**OPTS)
def gemm_tn(a, a_offs, b, b_offs, c, c_offs, m, k, n):
    for i in range(c_offs.size):
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((k, m)).T
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((k, n))
        np.dot(A, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n)))


@njit(**OPTS)
def gemm_nt(a, a_offs, b, b_offs, c, c_offs, m, k, n):
    for i in range(c_offs.size):
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((m, k))
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((n, k)).T
        np.dot(A, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n)))


@njit(**OPTS)
def gemm_tt(a, a_offs, b, b_offs, c, c_offs, m, k, n):
    for i in range(c_offs.size):
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((k, m)).T
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((n, k)).T
        np.dot(A, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n)))


# The same four products with the work shared out over Numba's threads and the BLAS on
# one thread (the caller sets it: blas_threads): work item w is row block w % nblk of
# product w // nblk, so a batch runs one whole product per item (nblk = 1) and a lone
# big product is split into nblk blocks of rows.  That keeps every core on Numba's own
# threads: the BLAS's thread pool, spinning after a call, delays the parallel kernel
# that follows it (measured here: the lecture's second conv 7.3 ms -> 2.1 ms), and
# Numba's idle threads delay the BLAS.  A transposed A's block of rows, columns of the
# row-major matrix it transposes, is copied into a matrix of its own first (np.dot wants
# each operand contiguous in one order or the other).
@njit(inline="always", **OPTS)
def _rows_of(w, nblk, m):
    """(product, first row, end row) of work item w."""
    t = w % nblk
    return w // nblk, t * m // nblk, (t + 1) * m // nblk


@njit(parallel=True, **OPTS)
def gemm_nn_par(a, a_offs, b, b_offs, c, c_offs, m, k, n, nblk):
    for w in prange(c_offs.size * nblk):
        i, r0, r1 = _rows_of(w, nblk, m)
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((m, k))
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((k, n))
        np.dot(A[r0:r1], B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n))[r0:r1])


@njit(parallel=True, **OPTS)
def gemm_tn_par(a, a_offs, b, b_offs, c, c_offs, m, k, n, nblk):
    for w in prange(c_offs.size * nblk):
        i, r0, r1 = _rows_of(w, nblk, m)
        At = a[a_offs[i]:a_offs[i] + m * k].reshape((k, m))  # A transposed, row-major
        if nblk > 1:
            At = np.ascontiguousarray(At[:, r0:r1])
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((k, n))
        np.dot(At.T, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n))[r0:r1])


@njit(parallel=True, **OPTS)
def gemm_nt_par(a, a_offs, b, b_offs, c, c_offs, m, k, n, nblk):
    for w in prange(c_offs.size * nblk):
        i, r0, r1 = _rows_of(w, nblk, m)
        A = a[a_offs[i]:a_offs[i] + m * k].reshape((m, k))
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((n, k)).T
        np.dot(A[r0:r1], B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n))[r0:r1])


@njit(parallel=True, **OPTS)
def gemm_tt_par(a, a_offs, b, b_offs, c, c_offs, m, k, n, nblk):
    for w in prange(c_offs.size * nblk):
        i, r0, r1 = _rows_of(w, nblk, m)
        At = a[a_offs[i]:a_offs[i] + m * k].reshape((k, m))  # A transposed, row-major
        if nblk > 1:
            At = np.ascontiguousarray(At[:, r0:r1])
        B = b[b_offs[i]:b_offs[i] + k * n].reshape((n, k)).T
        np.dot(At.T, B, c[c_offs[i]:c_offs[i] + m * n].reshape((m, n))[r0:r1])


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
