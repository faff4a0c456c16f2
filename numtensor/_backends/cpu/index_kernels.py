"""Gather / scatter / mask kernels behind advanced indexing and the joining ops.

Every indexing problem is brought (on the host) into one shape of work:

    rows  r = p * N + n      for p < P (dims before the indexed ones) and n < N
                             (positions of the broadcast index)
    cols  q < Q              (dims after the indexed ones)
    element (r, q) lives at  base + pre[p] + idx[n] + col(q)
    col(q) = q * qstride     when the trailing dims merge into one stride (post empty)
           = post[q]         otherwise (a table of offsets, one per column)

pre/idx/post are int64 offset tables computed with NumPy; only the data movement
happens here, so one compiled kernel per dtype serves every rank.  Masks arrive as
flat uint8 buffers over the mask dims; a first pass counts the true values per
chunk, the host turns the counts into start positions (starts[c] .. starts[c+1] are
the output rows of chunk c; the last entry is the total), and a second pass moves the
data (or writes coordinates) chunk by chunk.

Scatter kernels split the work by rows of P and by column blocks, never by n, so
each destination element is written by one thread in index order: with repeated
indices the last write wins and sums are deterministic, serial or parallel.
"""
import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)
COL_BLOCK = 16  # columns per scatter work unit


# ---- gather: out[r, q] = src[...] ---------------------------------------------------
# Offsets are unsigned inside the loops: with signed indices Numba checks every access
# for a negative (wrap-around) index, which stops vectorisation (measured 5-7x slower).
# Every offset here is >= 0.  Never mix uint64 with int64 in one expression (Numba
# would compute it in float64).
U = np.uint64


@njit(inline="always", **OPTS)
def _gather_row(src, base, post, qstride, nq, out, o):
    b, o, n = U(base), U(o), U(nq)
    if post.shape[0] == 0:
        if qstride == 1:
            for q in range(n):
                out[o + q] = src[b + q]
        else:
            s = U(qstride)
            for q in range(n):
                out[o + q] = src[b + q * s]
    else:
        for q in range(n):
            out[o + q] = src[b + U(post[q])]


@njit(**OPTS)
def gather(src, soff, pre, idx, post, qstride, nq, out, ooff):
    n_idx = idx.shape[0]
    for r in range(pre.shape[0] * n_idx):
        p = r // n_idx
        base = soff + pre[p] + idx[r - p * n_idx]
        _gather_row(src, base, post, qstride, nq, out, ooff + r * nq)


@njit(parallel=True, **OPTS)
def gather_par(src, soff, pre, idx, post, qstride, nq, out, ooff):
    n_idx = idx.shape[0]
    for r in prange(pre.shape[0] * n_idx):
        p = r // n_idx
        base = soff + pre[p] + idx[r - p * n_idx]
        _gather_row(src, base, post, qstride, nq, out, ooff + r * nq)


# ---- scatter: dst[...] = val[r, q]  /  dst[...] += val[r, q] -----------------------
# val is read at voff + vstep * (r * Q + q): vstep 0 broadcasts one scalar.
@njit(inline="always", **OPTS)
def _scatter_unit(u, dst, doff, pre, idx, post, qstride, nq, val, voff, vstep, add):
    nblocks = (nq + COL_BLOCK - 1) // COL_BLOCK
    p = u // nblocks
    q0 = (u - p * nblocks) * COL_BLOCK
    q1 = min(q0 + COL_BLOCK, nq)
    n_idx = idx.shape[0]
    vs = U(vstep)
    for n in range(n_idx):
        base = U(doff + pre[p] + idx[n])
        vrow = U(voff + vstep * ((p * n_idx + n) * nq))
        for q in range(U(q0), U(q1)):
            at = base + (q * U(qstride) if post.shape[0] == 0 else U(post[q]))
            if add:
                dst[at] += val[vrow + vs * q]
            else:
                dst[at] = val[vrow + vs * q]


@njit(**OPTS)
def scatter(dst, doff, pre, idx, post, qstride, nq, val, voff, vstep):
    units = pre.shape[0] * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in range(units):
        _scatter_unit(u, dst, doff, pre, idx, post, qstride, nq, val, voff, vstep, False)


@njit(parallel=True, **OPTS)
def scatter_par(dst, doff, pre, idx, post, qstride, nq, val, voff, vstep):
    units = pre.shape[0] * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in prange(units):
        _scatter_unit(u, dst, doff, pre, idx, post, qstride, nq, val, voff, vstep, False)


@njit(**OPTS)
def scatter_add(dst, doff, pre, idx, post, qstride, nq, val, voff, vstep):
    units = pre.shape[0] * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in range(units):
        _scatter_unit(u, dst, doff, pre, idx, post, qstride, nq, val, voff, vstep, True)


@njit(parallel=True, **OPTS)
def scatter_add_par(dst, doff, pre, idx, post, qstride, nq, val, voff, vstep):
    units = pre.shape[0] * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in prange(units):
        _scatter_unit(u, dst, doff, pre, idx, post, qstride, nq, val, voff, vstep, True)


# ---- masks ----------------------------------------------------------------------------
@njit(inline="always", **OPTS)
def _count_chunk(c, mask, moff, n, chunk):
    lo = U(c * chunk)
    hi = U(min(c * chunk + chunk, n))
    m = U(moff)
    s = U(0)
    for i in range(lo, hi):
        s += U(mask[m + i])   # bools arrive as bytes 0/1
    return np.int64(s)


@njit(**OPTS)
def mask_counts(mask, moff, n, chunk, counts):
    """counts[c] = number of nonzero bytes in mask[c*chunk : (c+1)*chunk]."""
    for c in range(counts.shape[0]):
        counts[c] = _count_chunk(c, mask, moff, n, chunk)


@njit(parallel=True, **OPTS)
def mask_counts_par(mask, moff, n, chunk, counts):
    for c in prange(counts.shape[0]):
        counts[c] = _count_chunk(c, mask, moff, n, chunk)


@njit(inline="always", **OPTS)
def _unravel(i, shape, strides, counter):
    """Fill counter with the coordinates of flat index i; return their offset."""
    off = 0
    rem = np.int64(i) + 0
    for d in range(shape.shape[0] - 1, -1, -1):
        counter[d] = rem % shape[d]
        rem //= shape[d]
        off += counter[d] * strides[d]
    return off


@njit(inline="always", **OPTS)
def _advance(shape, strides, counter, off):
    """Step counter to the next flat index (row-major); return the new offset."""
    d = shape.shape[0] - 1
    while d >= 0:
        counter[d] += 1
        off += strides[d]
        if counter[d] < shape[d]:
            return off
        off -= counter[d] * strides[d]
        counter[d] = 0
        d -= 1
    return off


@njit(inline="always", **OPTS)
def _scatter_row(dst, base, post, qstride, nq, val, vrow, vstep):
    b, v, vs = U(base), U(vrow), U(vstep)
    if post.shape[0] == 0:
        s = U(qstride)
        for q in range(U(nq)):
            dst[b + q * s] = val[v + vs * q]
    else:
        for q in range(U(nq)):
            dst[b + U(post[q])] = val[v + vs * q]


# One function per pass (not one with a mode switch): each compiles only what it uses.
@njit(inline="always", **OPTS)
def _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, post, qstride,
                  nq, out, ooff):
    """out[k, :] = the row of src at the k-th true element of mask (chunk c)."""
    lo = c * chunk
    hi = min(lo + chunk, n)
    if lo >= hi:
        return
    nd = mshape.shape[0]
    k = starts[c]
    if nd == 1 and nq == 1 and post.shape[0] == 0:
        # the commonest case (x[x > 0]) without a data-dependent branch: every element
        # is copied to slot k, which only advances past true ones (a false element's
        # value is overwritten by the next true one); k stays below this chunk's end
        kend = U(starts[c + 1])
        kk = U(k)
        st, s0, m, o = U(mstrides[0]), U(soff), U(moff), U(ooff)
        for i in range(U(lo), U(hi)):
            if kk < kend:
                out[o + kk] = src[s0 + i * st]
            kk += U(mask[m + i])
        return
    counter = np.empty(nd, np.int64)
    off = _unravel(lo, mshape, mstrides, counter)
    for i in range(lo, hi):
        if mask[moff + i] != 0:
            _gather_row(src, soff + off, post, qstride, nq, out, ooff + k * nq)
            k += 1
        off = _advance(mshape, mstrides, counter, off)


@njit(inline="always", **OPTS)
def _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, post, qstride,
                   nq, val, voff, vstep):
    """The row of dst at the k-th true element of mask = val[k, :] (vstep 0: a scalar)."""
    lo = c * chunk
    hi = min(lo + chunk, n)
    if lo >= hi:
        return
    nd = mshape.shape[0]
    k = starts[c]
    counter = np.empty(nd, np.int64)
    off = _unravel(lo, mshape, mstrides, counter)
    for i in range(lo, hi):
        if mask[moff + i] != 0:
            _scatter_row(dst, doff + off, post, qstride, nq, val, voff + vstep * k * nq, vstep)
            k += 1
        off = _advance(mshape, mstrides, counter, off)


@njit(inline="always", **OPTS)
def _coords_chunk(c, mask, moff, n, chunk, starts, mshape, out, ooff):
    """out[k, :] = the coordinates of the k-th true element of mask (nonzero)."""
    lo = c * chunk
    hi = min(lo + chunk, n)
    if lo >= hi:
        return
    nd = mshape.shape[0]
    k = starts[c]
    counter = np.empty(nd, np.int64)
    _unravel(lo, mshape, mshape, counter)
    for i in range(lo, hi):
        if mask[moff + i] != 0:
            for d in range(nd):
                out[U(ooff + k * nd + d)] = counter[d]
            k += 1
        _advance(mshape, mshape, counter, 0)


@njit(**OPTS)
def mask_gather(mask, moff, n, chunk, starts, mshape, mstrides, src, soff, post, qstride, nq,
                out, ooff):
    for c in range(starts.shape[0] - 1):
        _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, post,
                      qstride, nq, out, ooff)


@njit(parallel=True, **OPTS)
def mask_gather_par(mask, moff, n, chunk, starts, mshape, mstrides, src, soff, post, qstride,
                    nq, out, ooff):
    for c in prange(starts.shape[0] - 1):
        _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, post,
                      qstride, nq, out, ooff)


@njit(**OPTS)
def mask_scatter(mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, post, qstride, nq,
                 val, voff, vstep):
    for c in range(starts.shape[0] - 1):
        _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, post,
                       qstride, nq, val, voff, vstep)


@njit(parallel=True, **OPTS)
def mask_scatter_par(mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, post, qstride,
                     nq, val, voff, vstep):
    for c in prange(starts.shape[0] - 1):
        _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, post,
                       qstride, nq, val, voff, vstep)


@njit(**OPTS)
def mask_coords(mask, moff, n, chunk, starts, mshape, out, ooff):
    for c in range(starts.shape[0] - 1):
        _coords_chunk(c, mask, moff, n, chunk, starts, mshape, out, ooff)


@njit(parallel=True, **OPTS)
def mask_coords_par(mask, moff, n, chunk, starts, mshape, out, ooff):
    for c in prange(starts.shape[0] - 1):
        _coords_chunk(c, mask, moff, n, chunk, starts, mshape, out, ooff)
