"""Sorting and searching on CUDA: a stable argsort of rows, and a binary search of rows.

argsort_rows is a bottom-up merge sort that runs every row at once.  Rows are first
copied into a contiguous key array next to an index array (0 .. n-1); then each pass
merges neighbouring runs of `width` elements into runs of 2 * width, with a thread
per element: an element's place in the merged run is its rank in its own run plus
the number of elements of the other run that go before it, found by binary search.
Elements of the left run go before equal ones of the right run, so the sort is
stable.  ceil(log2 n) passes, each a grid-stride kernel over nrows * n elements.

Order: ascending puts NaN after every number; descending is the stable sort under
"greater first, NaN first", which keeps equal elements in their original order, as
PyTorch does (and as the CPU's reversed-ascending formulation does).

searchsorted_rows: a thread per value, the CPU's binary search.
"""
import numpy as np
from numba import cuda

from . import launch
from .launch import THREADS


@cuda.jit(device=True, inline=True)
def _before(a, b, descending):
    """True when a sorts strictly before b."""
    if descending:
        return a > b or (a != a and b == b)
    return a < b or (b != b and a == a)


@cuda.jit(cache=True)
def load_rows(total, n, x, off, row_stride, elem_stride, keys, idx):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        r = e // n
        i = e - r * n
        keys[e] = x[off + r * row_stride + i * elem_stride]
        idx[e] = i


@cuda.jit(cache=True)
def merge_pass(total, n, width, descending, keys, idx, keys_out, idx_out):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        r = e // n
        i = e - r * n
        row = r * n
        left = (i // (2 * width)) * 2 * width   # the pair of runs [left, mid) and [mid, end)
        mid = min(left + width, n)
        end = min(left + 2 * width, n)
        key = keys[e]
        if i < mid:  # left run: count right elements strictly before it
            lo = mid
            hi = end
            while lo < hi:
                m = (lo + hi) >> 1
                if _before(keys[row + m], key, descending):
                    lo = m + 1
                else:
                    hi = m
            place = left + (i - left) + (lo - mid)
        else:        # right run: count left elements not after it (ties: left first)
            lo = left
            hi = mid
            while lo < hi:
                m = (lo + hi) >> 1
                if not _before(key, keys[row + m], descending):
                    lo = m + 1
                else:
                    hi = m
            place = left + (i - mid) + (lo - left)
        keys_out[row + place] = key
        idx_out[row + place] = idx[e]


@cuda.jit(cache=True)
def search_rows(total, nv, seq, soff, srow, m, vals, voff, vrow, right, out, out_off):
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        r = e // nv
        j = e - r * nv
        v = vals[voff + r * vrow + j]
        base = soff + r * srow
        lo = 0
        hi = m
        while lo < hi:
            mid = (lo + hi) >> 1
            s = seq[base + mid]
            # as the CPU (and torch) write it, so a NaN value goes past every element
            go_right = not (s > v) if right else not (s >= v)
            if go_right:
                lo = mid + 1
            else:
                hi = mid
        out[out_off + e] = lo


def argsort_rows(x, row_stride, elem_stride, nrows, n, descending, out):
    from . import allocator
    total = nrows * n
    if total == 0:
        return
    keys = [allocator.empty(total, x[0].dtype), allocator.empty(total, x[0].dtype)]
    idx = [allocator.empty(total, np.int64), allocator.empty(total, np.int64)]
    blocks = launch.blocks_for(total)
    launch.run(load_rows, blocks, THREADS, total, n, x[0], x[1], row_stride, elem_stride,
               keys[0], idx[0])
    src, width = 0, 1
    while width < n:
        launch.run(merge_pass, blocks, THREADS, total, n, width, bool(descending), keys[src],
                   idx[src], keys[1 - src], idx[1 - src])
        src, width = 1 - src, 2 * width
    ob, oo = out
    ob[oo:oo + total].copy_to_device(idx[src])


def searchsorted_rows(seq, seq_row_stride, m, values, values_row_stride, nv, nrows, right, out):
    total = nrows * nv
    if total == 0:
        return
    launch.run(search_rows, launch.blocks_for(total), THREADS, total, nv, seq[0], seq[1],
               seq_row_stride, m, values[0], values[1], values_row_stride, bool(right), out[0],
               out[1])
