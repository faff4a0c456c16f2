"""Gather / scatter / mask kernels behind advanced indexing and the joining ops.

Every indexing problem arrives planned (plan.IndexPlan) in one shape of work:

    rows  r = p * J + j      for p < P (dims before the indexed ones) and j < J
                             (positions of the broadcast index)
    cols  q < Q              (dims after the indexed ones)
    element (r, q) lives at  base + pre(p) + offsets[j] + post(q)
    pre(p)  = p's coordinates in pre_shape times pre_strides
    post(q) = q * qstride    when the trailing dims merge into one stride
            = q's coordinates in post_shape times post_strides otherwise

The offsets come from index_offsets, a kernel over the index tensor itself, which
also checks the bounds: nothing about the data is computed on the host.  Masks
arrive as flat uint8 buffers over the mask dims; a first pass counts the true values
per chunk, the backend turns the counts into start positions (starts[c] .. starts[c+1]
are the output rows of chunk c; the last entry is the total), and a second pass moves
the data (or writes coordinates) chunk by chunk.

Scatter kernels split the work by rows of P and by column blocks, never by j, so each
destination element is written by one thread in index order: with repeated indices
the last write wins and sums are deterministic, serial or parallel.  scatter_dim
(torch.scatter) splits by lines along the scattered dim for the same reason.

float16 and bool move as their uint16/uint8 bit patterns; accumulation into float16
adds in float32 and rounds, into bool it saturates, so no value lands as raw bits.
"""
import numpy as np
from numba import njit, prange, types
from .jit_options import NO_PYTHON_ENTRY
from numba.extending import overload

# float16 scatter-add converts with half_kernels (F16C instructions where the CPU has them;
# Numba's cache does not see that module, so a change there must touch this file too)
from .half_kernels import float_to_half_bits, half_bits_to_float

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels
COL_BLOCK = 16  # columns per scatter work unit

# Offsets are unsigned inside the hot loops: with signed indices Numba checks every
# access for a negative (wrap-around) index, which stops vectorisation (measured 5-7x
# slower).  Every offset here is >= 0.  Never mix uint64 with int64 in one expression
# (Numba would compute it in float64).
U = np.uint64


@njit(inline="always", **OPTS)
def _offset_of(i, shape, strides):
    """The offset of row-major flat index i of (shape, strides)."""
    off = 0
    rem = np.int64(i) + 0
    for d in range(shape.shape[0] - 1, -1, -1):
        k = rem % shape[d]
        rem //= shape[d]
        off += k * strides[d]
    return off


@njit(inline="always", **OPTS)
def _post(q, qstride, post_shape, post_strides):
    if post_shape.shape[0] == 0:
        return q * qstride
    return _offset_of(q, post_shape, post_strides)


# ---- index offsets: out[j] (+)= wrap(index[j]) * stride, with a bounds check ----------------
@njit(inline="always", **OPTS)
def _offsets_run(j0, j1, shape, x, ox, sx, y, oy, size, low, stride, accumulate):
    """Offsets for flat positions j0..j1 of the index; returns the first bad position.
    Values in [low, size) are in range: low = -size wraps negative ones, 0 refuses them."""
    nd = shape.shape[0]
    if nd == 1 and not accumulate:  # a lone 1-D index (the common x[idx]): a loop of its own
        step = sx[0]  # (unsigned positions: no negative-index wraparound on each access)
        for j in range(j0, j1):
            v = np.int64(x[U(ox + j * step)])
            if v < low or v >= size:
                return j
            if v < 0:
                v += size
            y[U(oy + j)] = v * stride
        return -1
    for j in range(j0, j1):
        if nd == 1:  # a 1-D index: no division per element
            px = ox + j * sx[0]
        else:
            rem = np.int64(j) + 0
            px = ox
            for d in range(nd - 1, -1, -1):
                k = rem % shape[d]
                rem //= shape[d]
                px += k * sx[d]
        v = np.int64(x[px])
        if v < low or v >= size:
            return j
        if v < 0:
            v += size
        if accumulate:
            y[oy + j] += v * stride
        else:
            y[oy + j] = v * stride
    return -1


@njit(**OPTS)
def index_offsets(shape, x, ox, sx, y, oy, n, size, low, stride, accumulate):
    return _offsets_run(0, n, shape, x, ox, sx, y, oy, size, low, stride, accumulate)


@njit(parallel=True, **OPTS)
def index_offsets_par(shape, x, ox, sx, y, oy, n, size, low, stride, accumulate):
    chunk = 16384
    nchunk = (n + chunk - 1) // chunk
    first = np.full(nchunk, -1, np.int64)
    for c in prange(nchunk):
        first[c] = _offsets_run(c * chunk, min(n, c * chunk + chunk), shape, x, ox, sx,
                                y, oy, size, low, stride, accumulate)
    for c in range(nchunk):
        if first[c] >= 0:
            return first[c]
    return -1


# ---- gather: out[r, q] = src[...] ---------------------------------------------------------
# Row r of out is pre position r // nidx with index r % nidx.  A helper walks a range of
# rows (once per kernel, or per parallel chunk), each row's copy written in its loop: a
# helper called per row, with the arrays as arguments, cost ~0.1 us, ten times a
# one-element row's copy (x[idx] of 1e4 elements took 1 ms).
GATHER_CHUNKS = 256  # parallel work items: ranges of rows


@njit(inline="always", **OPTS)
def _gather_row(src, base, qstride, nq, post_shape, post_strides, out, o):
    """One row of a gather: out[o + q] = the q-th element after src[base]."""
    if post_shape.shape[0] == 0:
        b, o, n = U(base), U(o), U(nq)
        if qstride == 1:
            for q in range(n):
                out[o + q] = src[b + q]
        else:
            s = U(qstride)
            for q in range(n):
                out[o + q] = src[b + q * s]
    else:
        for q in range(nq):
            out[o + q] = src[base + _offset_of(q, post_shape, post_strides)]


@njit(**HELPER)
def _gather_rows(lo, hi, src, soff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq,
                 post_shape, post_strides, out, oout):
    one_pre = pre_shape.shape[0] == 0  # x[idx] with idx first: no division per row
    if one_pre and nq == 1:  # x[idx] of a 1-D x: one element per row, unsigned indices
        s, f, o = U(soff), U(ooffs + lo), U(oout + lo)  # (no negative-index wraparound)
        for r in range(U(hi - lo)):
            out[o + r] = src[s + U(offs[f + r])]
        return
    for r in range(lo, hi):
        if one_pre:
            base = soff + offs[ooffs + r]
        else:
            p = r // nidx
            base = soff + _offset_of(p, pre_shape, pre_strides) + offs[ooffs + r - p * nidx]
        o = oout + r * nq
        if nq == 1:  # one element per row (x[idx] of a 1-D x): no call
            out[o] = src[base]
        else:  # a call per row, paid back by the row's elements
            _gather_row(src, base, qstride, nq, post_shape, post_strides, out, o)


@njit(**OPTS)
def gather(src, soff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq, post_shape,
           post_strides, out, oout):
    npre = 1
    for d in range(pre_shape.shape[0]):
        npre *= pre_shape[d]
    _gather_rows(np.int64(0), npre * nidx, src, soff, pre_shape, pre_strides, offs, ooffs,
                 nidx, qstride, nq, post_shape, post_strides, out, oout)


@njit(parallel=True, **OPTS)
def gather_par(src, soff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq, post_shape,
               post_strides, out, oout):
    npre = 1
    for d in range(pre_shape.shape[0]):
        npre *= pre_shape[d]
    nrows = npre * nidx
    nchunks = min(nrows, GATHER_CHUNKS)
    for c in prange(nchunks):
        _gather_rows(c * nrows // nchunks, (c + 1) * nrows // nchunks, src, soff, pre_shape,
                     pre_strides, offs, ooffs, nidx, qstride, nq, post_shape, post_strides,
                     out, oout)


# ---- scatter: dst[...] = val[r, q]  /  dst[...] += val[r, q] ------------------------------
def accumulate(old, v):
    """old + v in the destination's element type (a stub; see the overload)."""
    raise NotImplementedError


@overload(accumulate)
def _accumulate_impl(old, v):
    # chosen by type when a kernel compiles, so no kernel holds a branch its dtype
    # cannot type: float16 moves as uint16 bits (add in float32 and round, as PyTorch),
    # bool saturates (True + True is True), everything else adds (integers wrap)
    if isinstance(old, types.Integer) and old.bitwidth == 16 and not old.signed:
        return lambda old, v: float_to_half_bits(np.float32(half_bits_to_float(old)) +
                                                 np.float32(half_bits_to_float(v)))
    if isinstance(old, types.Boolean):
        return lambda old, v: old or v
    return lambda old, v: old + v


@njit(inline="always", **OPTS)
def _scatter_unit(u, dst, doff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq,
                  post_shape, post_strides, val, voff, scalar, use_scalar, add):
    nblocks = (nq + COL_BLOCK - 1) // COL_BLOCK
    p = u // nblocks
    q0 = (u - p * nblocks) * COL_BLOCK
    q1 = min(q0 + COL_BLOCK, nq)
    pre = doff + _offset_of(p, pre_shape, pre_strides)
    for j in range(nidx):
        base = pre + offs[ooffs + j]
        vrow = voff + (p * nidx + j) * nq
        for q in range(q0, q1):
            at = base + _post(q, qstride, post_shape, post_strides)
            v = scalar if use_scalar else val[vrow + q]
            if add:
                dst[at] = accumulate(dst[at], v)
            else:
                dst[at] = v


@njit(**OPTS)
def scatter(dst, doff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq, post_shape,
            post_strides, val, voff, scalar, use_scalar, add):
    npre = 1
    for d in range(pre_shape.shape[0]):
        npre *= pre_shape[d]
    units = npre * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in range(units):
        _scatter_unit(u, dst, doff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq,
                      post_shape, post_strides, val, voff, scalar, use_scalar, add)


@njit(parallel=True, **OPTS)
def scatter_par(dst, doff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq, post_shape,
                post_strides, val, voff, scalar, use_scalar, add):
    npre = 1
    for d in range(pre_shape.shape[0]):
        npre *= pre_shape[d]
    units = npre * ((nq + COL_BLOCK - 1) // COL_BLOCK)
    for u in prange(units):
        _scatter_unit(u, dst, doff, pre_shape, pre_strides, offs, ooffs, nidx, qstride, nq,
                      post_shape, post_strides, val, voff, scalar, use_scalar, add)


# ---- torch.gather / torch.scatter along one dim -----------------------------------------------
# A line is every position along `dim` for fixed other coordinates (lines enumerate
# those row-major).  Indices are checked in a pass of their own first, so a bad index
# leaves the destination untouched, and the one reported is the first in the index's
# row-major order, as PyTorch reports it.
# Each helper walks a range of lines, called once per kernel or per parallel chunk: a
# helper called per line with the arrays as arguments cost ~0.2 us a call (the arrays'
# reference counts), ten times the line's own work in a loss's gather of one element
# per row.
LINE_CHUNKS = 256  # parallel work items: ranges of lines


@njit(inline="always", **OPTS)
def _line_base(line, shape, dim, strides):
    """Offset of the start of line `line` (all coordinates but dim, row-major)."""
    if shape.shape[0] == 2:  # one other dim, whose coordinate is the line: no division
        return line * strides[1 - dim]
    off = 0
    rem = line
    for d in range(shape.shape[0] - 1, -1, -1):
        if d == dim:
            continue
        k = rem % shape[d]
        rem //= shape[d]
        off += k * strides[d]
    return off


@njit(inline="always", **OPTS)
def _chunk(c, nchunks, nlines):
    """The range of lines of parallel work item c."""
    return c * nlines // nchunks, (c + 1) * nlines // nchunks


@njit(**HELPER)
def _first_bad_in_lines(lo, hi, shape, dim, size, idx, io, si):
    """(row-major flat position, value) of the first index outside [0, size) among lines
    lo..hi-1, or (-1, 0): torch.gather/scatter take no negative indices.  Row-major
    order interleaves lines when dim is not the last, so every line is looked at."""
    best, value = np.int64(-1), np.int64(0)
    for line in range(lo, hi):
        bi = io + _line_base(line, shape, dim, si)
        for k in range(shape[dim]):
            v = np.int64(idx[bi + k * si[dim]])
            if v < 0 or v >= size:
                # flat position: the line's other coordinates and k along dim, row-major
                flat = 0
                rem = line
                place = 1
                for d in range(shape.shape[0] - 1, -1, -1):
                    if d == dim:
                        c = k
                    else:
                        c = rem % shape[d]
                        rem //= shape[d]
                    flat += c * place
                    place *= shape[d]
                if best < 0 or flat < best:
                    best, value = flat, v
                break  # the line's later positions come later in row-major order too
    return best, value


@njit(**OPTS)
def check_dim_index(shape, dim, size, idx, io, si, nlines):
    """(True, value) for the first bad index in row-major order, else (False, 0)."""
    flat, value = _first_bad_in_lines(np.int64(0), nlines, shape, dim, size, idx, io, si)
    return flat >= 0, value


@njit(parallel=True, **OPTS)
def check_dim_index_par(shape, dim, size, idx, io, si, nlines):
    nchunks = min(nlines, LINE_CHUNKS)
    flats = np.empty(nchunks, np.int64)
    values = np.empty(nchunks, np.int64)
    for c in prange(nchunks):
        lo, hi = _chunk(c, nchunks, nlines)
        flats[c], values[c] = _first_bad_in_lines(lo, hi, shape, dim, size, idx, io, si)
    best, value = np.int64(-1), np.int64(0)
    for c in range(nchunks):
        if flats[c] >= 0 and (best < 0 or flats[c] < best):
            best, value = flats[c], values[c]
    return best >= 0, value


@njit(**HELPER)
def _gather_lines(lo, hi, shape, dim, size, src, so, ss, idx, io, si, out, oo, so_):
    for line in range(lo, hi):
        bs = so + _line_base(line, shape, dim, ss)
        bi = io + _line_base(line, shape, dim, si)
        bo = oo + _line_base(line, shape, dim, so_)
        for k in range(shape[dim]):
            v = np.int64(idx[bi + k * si[dim]])
            if v < 0:
                v += size
            out[bo + k * so_[dim]] = src[bs + v * ss[dim]]


@njit(**OPTS)
def gather_dim(shape, dim, size, src, so, ss, idx, io, si, out, oo, so_, nlines):
    _gather_lines(np.int64(0), nlines, shape, dim, size, src, so, ss, idx, io, si, out, oo, so_)


@njit(parallel=True, **OPTS)
def gather_dim_par(shape, dim, size, src, so, ss, idx, io, si, out, oo, so_, nlines):
    nchunks = min(nlines, LINE_CHUNKS)
    for c in prange(nchunks):
        lo, hi = _chunk(c, nchunks, nlines)
        _gather_lines(lo, hi, shape, dim, size, src, so, ss, idx, io, si, out, oo, so_)


@njit(**HELPER)
def _scatter_lines(lo, hi, shape, dim, size, dst, do, sd, idx, io, si, val, vo, sv, scalar,
                   use_scalar, add):
    for line in range(lo, hi):
        bd = do + _line_base(line, shape, dim, sd)
        bi = io + _line_base(line, shape, dim, si)
        bv = vo + _line_base(line, shape, dim, sv)
        for k in range(shape[dim]):
            v = np.int64(idx[bi + k * si[dim]])
            if v < 0:
                v += size
            at = bd + v * sd[dim]
            x = scalar if use_scalar else val[bv + k * sv[dim]]
            if add:
                dst[at] = accumulate(dst[at], x)
            else:
                dst[at] = x


@njit(**OPTS)
def scatter_dim(shape, dim, size, dst, do, sd, idx, io, si, val, vo, sv, scalar, use_scalar,
                add, nlines):
    _scatter_lines(np.int64(0), nlines, shape, dim, size, dst, do, sd, idx, io, si, val, vo,
                   sv, scalar, use_scalar, add)


@njit(parallel=True, **OPTS)
def scatter_dim_par(shape, dim, size, dst, do, sd, idx, io, si, val, vo, sv, scalar,
                    use_scalar, add, nlines):
    nchunks = min(nlines, LINE_CHUNKS)
    for c in prange(nchunks):
        lo, hi = _chunk(c, nchunks, nlines)
        _scatter_lines(lo, hi, shape, dim, size, dst, do, sd, idx, io, si, val, vo, sv,
                       scalar, use_scalar, add)


# ---- masks ----------------------------------------------------------------------------------
@njit(inline="always", **OPTS)
def _count_chunk(c, mask, moff, n, chunk):
    lo = U(c * chunk)
    hi = U(min(c * chunk + chunk, n))
    m = U(moff)
    s = U(0)
    for i in range(lo, hi):
        s += U(mask[m + i] != 0)   # any nonzero byte is true
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


# One function per pass (not one with a mode switch): each compiles only what it uses.
@njit(inline="always", **OPTS)
def _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, qstride, nq,
                  post_shape, post_strides, out, ooff):
    """out[k, :] = the row of src at the k-th true element of mask (chunk c)."""
    lo = c * chunk
    hi = min(lo + chunk, n)
    if lo >= hi:
        return
    nd = mshape.shape[0]
    k = starts[c]
    if nd == 1 and nq == 1 and post_shape.shape[0] == 0:
        # the commonest case (x[x > 0]) without a data-dependent branch: every element
        # is copied to slot k, which only advances past true ones (a false element's
        # value is overwritten by the next true one); k stays below this chunk's end
        kend = U(starts[c + 1])
        kk = U(k)
        st, s0, m, o = U(mstrides[0]), U(soff), U(moff), U(ooff)
        for i in range(U(lo), U(hi)):
            if kk < kend:
                out[o + kk] = src[s0 + i * st]
            kk += U(mask[m + i] != 0)
        return
    counter = np.empty(nd, np.int64)
    off = _unravel(lo, mshape, mstrides, counter)
    for i in range(lo, hi):
        if mask[moff + i] != 0:
            _gather_row(src, soff + off, qstride, nq, post_shape, post_strides, out,
                        ooff + k * nq)
            k += 1
        off = _advance(mshape, mstrides, counter, off)


@njit(inline="always", **OPTS)
def _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, qstride, nq,
                   post_shape, post_strides, val, voff, scalar, use_scalar):
    """The row of dst at the k-th true element of mask = val[k, :] (or the scalar)."""
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
            base = doff + off
            for q in range(nq):
                at = base + _post(q, qstride, post_shape, post_strides)
                dst[at] = scalar if use_scalar else val[voff + k * nq + q]
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
def mask_gather(mask, moff, n, chunk, starts, mshape, mstrides, src, soff, qstride, nq,
                post_shape, post_strides, out, ooff):
    for c in range(starts.shape[0] - 1):
        _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, qstride,
                      nq, post_shape, post_strides, out, ooff)


@njit(parallel=True, **OPTS)
def mask_gather_par(mask, moff, n, chunk, starts, mshape, mstrides, src, soff, qstride, nq,
                    post_shape, post_strides, out, ooff):
    for c in prange(starts.shape[0] - 1):
        _gather_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, src, soff, qstride,
                      nq, post_shape, post_strides, out, ooff)


@njit(**OPTS)
def mask_scatter(mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, qstride, nq,
                 post_shape, post_strides, val, voff, scalar, use_scalar):
    for c in range(starts.shape[0] - 1):
        _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, qstride,
                       nq, post_shape, post_strides, val, voff, scalar, use_scalar)


@njit(parallel=True, **OPTS)
def mask_scatter_par(mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, qstride, nq,
                     post_shape, post_strides, val, voff, scalar, use_scalar):
    for c in prange(starts.shape[0] - 1):
        _scatter_chunk(c, mask, moff, n, chunk, starts, mshape, mstrides, dst, doff, qstride,
                       nq, post_shape, post_strides, val, voff, scalar, use_scalar)


@njit(**OPTS)
def mask_coords(mask, moff, n, chunk, starts, mshape, out, ooff):
    for c in range(starts.shape[0] - 1):
        _coords_chunk(c, mask, moff, n, chunk, starts, mshape, out, ooff)


@njit(parallel=True, **OPTS)
def mask_coords_par(mask, moff, n, chunk, starts, mshape, out, ooff):
    for c in prange(starts.shape[0] - 1):
        _coords_chunk(c, mask, moff, n, chunk, starts, mshape, out, ooff)
