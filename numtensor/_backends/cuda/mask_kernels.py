"""Boolean masks on CUDA: count, compact, then move data in parallel.

mask_count runs two kernels around one host read, the sync PyTorch has too (the size
of x[mask] must be known on the host):
  1. counts: a block per chunk of CHUNK mask elements (each thread ITEMS consecutive
     ones) counts its true elements in a shared-memory tree;
  2. the host reads the per-chunk counts and turns them into each chunk's first
     output row (starts) and the total;
  3. compaction: each block scans its threads' counts in shared memory and every
     thread writes the flat mask positions of its true elements, in order, to
     `positions` (total int64 entries).
The gather, scatter and coordinate kernels then have one thread per output element:
position k of the compacted list, column q.
"""
import numpy as np
from numba import cuda

from . import launch
from .launch import MAX_THREADS, SIMULATOR, THREADS

ITEMS = 2 if SIMULATOR else 16   # consecutive mask elements per thread
CHUNK = THREADS * ITEMS          # mask elements per block


class MaskCount:
    """A counted mask: n elements, `total` true ones, their flat positions on the device."""
    __slots__ = ("n", "total", "positions")

    def __init__(self, n, total, positions):
        self.n, self.total, self.positions = n, total, positions


@cuda.jit(device=True, inline=True)
def _count_items(mask, moff, n, first):
    cnt = 0
    for i in range(first, min(first + ITEMS, n)):
        if mask[moff + i] != 0:
            cnt += 1
    return cnt


@cuda.jit(cache=True)
def count_chunks(nchunks, mask, moff, n, counts):
    sh = cuda.shared.array(MAX_THREADS, np.int64)
    t = cuda.threadIdx.x
    bd = cuda.blockDim.x
    for c in range(cuda.blockIdx.x, nchunks, cuda.gridDim.x):
        sh[t] = _count_items(mask, moff, n, c * bd * ITEMS + t * ITEMS)
        cuda.syncthreads()
        half = bd // 2
        while half > 0:
            if t < half:
                sh[t] += sh[t + half]
            cuda.syncthreads()
            half //= 2
        if t == 0:
            counts[c] = sh[0]
        cuda.syncthreads()


@cuda.jit(cache=True)
def compact(nchunks, mask, moff, n, starts, positions):
    sh = cuda.shared.array(MAX_THREADS, np.int64)
    t = cuda.threadIdx.x
    bd = cuda.blockDim.x
    for c in range(cuda.blockIdx.x, nchunks, cuda.gridDim.x):
        first = c * bd * ITEMS + t * ITEMS
        mine = _count_items(mask, moff, n, first)
        sh[t] = mine
        cuda.syncthreads()
        off = 1
        while off < bd:  # inclusive scan of the threads' counts
            left = sh[t - off] if t >= off else 0
            cuda.syncthreads()
            sh[t] += left
            cuda.syncthreads()
            off *= 2
        k = starts[c] + sh[t] - mine
        for i in range(first, min(first + ITEMS, n)):
            if mask[moff + i] != 0:
                positions[k] = i
                k += 1
        cuda.syncthreads()


@cuda.jit(device=True, inline=True)
def _row_offset(pos, nmd, meta):
    """Offset of flat mask position pos over the mask dims (meta: mshape, mstrides, ...)."""
    off = 0
    rem = pos
    for d in range(nmd - 1, -1, -1):
        size = meta[d]
        k = rem % size
        rem //= size
        off += k * meta[nmd + d]
    return off


@cuda.jit(device=True, inline=True)
def _col_offset(q, nmd, nqd, qstride, meta):
    if nqd == 0:
        return q * qstride
    off = 0
    rem = q
    base = 2 * nmd
    for d in range(nqd - 1, -1, -1):
        size = meta[base + d]
        k = rem % size
        rem //= size
        off += k * meta[base + nqd + d]
    return off


@cuda.jit(cache=True)
def gather_rows(total, nmd, nqd, meta, positions, src, soff, qstride, nq, out, oout):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        k = e // nq
        q = e - k * nq
        at = soff + _row_offset(positions[k], nmd, meta) + _col_offset(q, nmd, nqd, qstride, meta)
        out[oout + e] = src[at]


@cuda.jit(cache=True)
def scatter_rows(total, nmd, nqd, meta, positions, dst, doff, qstride, nq, val, voff, scalar,
                 use_scalar):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        k = e // nq
        q = e - k * nq
        at = doff + _row_offset(positions[k], nmd, meta) + _col_offset(q, nmd, nqd, qstride, meta)
        dst[at] = scalar if use_scalar else val[voff + e]


@cuda.jit(cache=True)
def coordinates(total, nd, shape, positions, out, oout):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        k = e // nd
        d = e - k * nd
        rem = positions[k]
        for dd in range(nd - 1, d, -1):
            rem //= shape[dd]
        out[oout + e] = rem % shape[d]


def mask_count(mask, n):
    from . import allocator
    if n == 0:
        return MaskCount(0, 0, None)
    nchunks = -(-n // CHUNK)
    counts = allocator.empty(nchunks, np.int64)
    mbuf = launch.movable(mask[0])
    launch.run(count_chunks, min(nchunks, launch.max_blocks()), THREADS, nchunks, mbuf, mask[1],
               n, counts)
    host = launch.read(counts)  # the sync: the result's size must be known here
    starts = np.zeros(nchunks + 1, np.int64)
    np.cumsum(host, out=starts[1:])
    total = int(starts[-1])
    if total == 0:
        return MaskCount(n, 0, None)
    positions = allocator.empty(total, np.int64)
    launch.run(compact, min(nchunks, launch.max_blocks()), THREADS, nchunks, mbuf, mask[1], n,
               launch.to_device_async(starts), positions)
    return MaskCount(n, total, positions)


def _meta(plan):
    return launch.device_ints(plan, "mask", lambda: launch.concat_ints(*plan.arrays))


def mask_gather(count, plan, src, out):
    total = count.total * plan.nq
    if total == 0:
        return
    nmd, nqd = len(plan.arrays[0]), len(plan.arrays[2])
    launch.run(gather_rows, launch.blocks_for(total), THREADS, total, nmd, nqd, _meta(plan),
               count.positions, launch.movable(src[0]), src[1], plan.qstride, plan.nq,
               launch.movable(out[0]), out[1])


def mask_scatter(count, plan, dst, value):
    from .index_kernels import value_args
    total = count.total * plan.nq
    if total == 0:
        return
    kbuf = launch.movable(dst[0])
    vals = value_args(kbuf, value, dst[0].dtype)
    nmd, nqd = len(plan.arrays[0]), len(plan.arrays[2])
    launch.run(scatter_rows, launch.blocks_for(total), THREADS, total, nmd, nqd, _meta(plan),
               count.positions, kbuf, dst[1], plan.qstride, plan.nq, *vals)


_shapes = launch.device_cache()  # shape tuple -> its int64 device array


def mask_coordinates(count, shape, out):
    if count.total == 0 or not shape:  # a 0-d mask's coordinates have no columns
        return
    shape = tuple(shape)
    dev_shape = _shapes.get(shape)
    if dev_shape is None:
        dev_shape = _shapes[shape] = launch.to_device_async(np.array(shape, np.int64))
    total = count.total * len(shape)
    launch.run(coordinates, launch.blocks_for(total), THREADS, total, len(shape), dev_shape,
               count.positions, out[0], out[1])
