"""The indexing kernels that need no per-dtype source (see index_kernels.py for the
schedules and the bounds-check protocol).  Numba compiles each once per argument
dtype signature; elements move as unsigned integers of their size."""
import numpy as np
from numba import cuda


@cuda.jit(device=True, inline=True)
def pre_offset(p, npd, meta):
    """Offset of flat index p over the pre dims (meta: pre_shape, pre_strides, ...)."""
    off = 0
    rem = p
    for d in range(npd - 1, -1, -1):
        size = meta[d]
        k = rem % size
        rem //= size
        off += k * meta[npd + d]
    return off


@cuda.jit(device=True, inline=True)
def post_offset(q, npd, nqd, qstride, meta):
    """Offset of column q: q * qstride, or over post_shape/post_strides after the pre dims."""
    if nqd == 0:
        return q * qstride
    off = 0
    rem = q
    base = 2 * npd
    for d in range(nqd - 1, -1, -1):
        size = meta[base + d]
        k = rem % size
        rem //= size
        off += k * meta[base + nqd + d]
    return off


@cuda.jit(cache=True)
def index_offsets(n, nd, meta, x, ox, y, oy, size, low, stride, accumulate, bad):
    """y[oy + j] (+)= wrap(x[j-th element of the planned walk]) * stride; values in
    [low, size) are in range (low = -size wraps negative ones, 0 refuses them)."""
    for j in range(cuda.grid(1), n, cuda.gridsize(1)):
        rem = j
        px = ox
        for d in range(nd - 1, -1, -1):
            s = meta[d]
            k = rem % s
            rem //= s
            px += k * meta[nd + d]
        v = np.int64(x[px])
        if v < low or v >= size:
            cuda.atomic.min(bad, 0, j)
            continue
        if v < 0:
            v += size
        if accumulate:
            y[oy + j] += v * stride
        else:
            y[oy + j] = v * stride


@cuda.jit(cache=True)
def gather(total, npd, nqd, meta, src, soff, offs, ooffs, nidx, qstride, nq, out, oout):
    """out[oout + e] = src[pre(p) + offsets[j] + post(q)] for e = (p * nidx + j) * nq + q."""
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        r = e // nq
        q = e - r * nq
        p = r // nidx
        j = r - p * nidx
        at = soff + offs[ooffs + j] + pre_offset(p, npd, meta) + \
            post_offset(q, npd, nqd, qstride, meta)
        out[oout + e] = src[at]


@cuda.jit(cache=True)
def fill_int64(y, n, value):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        y[i] = value


@cuda.jit(device=True, inline=True)
def _target(e, npd, nqd, meta, doff, offs, ooffs, nidx, qstride, nq):
    """(destination offset, j, value position) of work item e = (p * nidx + j) * nq + q."""
    r = e // nq
    q = e - r * nq
    p = r // nidx
    j = r - p * nidx
    at = doff + offs[ooffs + j] + pre_offset(p, npd, meta) + post_offset(q, npd, nqd, qstride, meta)
    return at, j


@cuda.jit(cache=True)
def scatter_winners(total, npd, nqd, meta, doff, offs, ooffs, nidx, qstride, nq, winner):
    """winner[destination - doff] = the largest j writing there (the last in order)."""
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        at, j = _target(e, npd, nqd, meta, doff, offs, ooffs, nidx, qstride, nq)
        cuda.atomic.max(winner, at - doff, j)


@cuda.jit(cache=True)
def scatter_winning(total, npd, nqd, meta, dst, doff, offs, ooffs, nidx, qstride, nq, val, voff,
                    scalar, use_scalar, winner):
    """Only the winning j of each destination writes it."""
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        at, j = _target(e, npd, nqd, meta, doff, offs, ooffs, nidx, qstride, nq)
        if winner[at - doff] == j:
            dst[at] = scalar if use_scalar else val[voff + e]


@cuda.jit(cache=True)
def scatter_atomic_add(total, npd, nqd, meta, dst, doff, offs, ooffs, nidx, qstride, nq, val, voff,
                       scalar, use_scalar):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        at, j = _target(e, npd, nqd, meta, doff, offs, ooffs, nidx, qstride, nq)
        cuda.atomic.add(dst, at, scalar if use_scalar else val[voff + e])


@cuda.jit(cache=True)
def gather_dim(total, nd, dim, size, meta, src, so, idx, io, out, oo, bad, sentinel):
    """torch.gather: meta holds shape, src strides, index strides, out strides.  Runs
    after check_dim, and writes nothing when that found a bad index."""
    if bad[0] != sentinel:
        return
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        rem = e
        ps = so
        pi = io
        po = oo
        for d in range(nd - 1, -1, -1):
            s = meta[d]
            k = rem % s
            rem //= s
            if d != dim:
                ps += k * meta[nd + d]
            pi += k * meta[2 * nd + d]
            po += k * meta[3 * nd + d]
        v = np.int64(idx[pi])
        if v < 0:
            v += size
        out[po] = src[ps + v * meta[nd + dim]]


@cuda.jit(cache=True)
def check_dim(total, nd, dim, size, meta, idx, io, bad):
    """The row-major position of the first bad index of torch.gather/scatter (meta:
    shape, then the strides of the three operands, the index's second), into bad[0]."""
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        rem = e
        pi = io
        for d in range(nd - 1, -1, -1):
            s = meta[d]
            k = rem % s
            rem //= s
            pi += k * meta[2 * nd + d]
        v = np.int64(idx[pi])
        if v < 0 or v >= size:  # torch.gather/scatter take no negative indices
            cuda.atomic.min(bad, 0, e)
