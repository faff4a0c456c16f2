"""Sorting kernels: a stable argsort of rows, and a binary search of rows.

Both work on flat 1-D buffers: row r of an operand starts at off + r * row_stride
and its elements are elem_stride apart (strides in elements), so one compiled
kernel per dtype serves every rank.  The ops layer hands them int64, float32 or
float64 buffers (narrower types are widened first; Numba has no float16).

NaN orders as torch orders it: a sort puts NaNs after every number (last ascending,
first descending), and a search places a NaN value after every element.  Each kernel has a serial and a parallel twin over
rows; the backend picks one by the amount of work.
"""
import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)


@njit(inline="always", **OPTS)
def _argsort_row(x, base, elem_stride, n, descending, out, o):
    # a descending stable sort = an ascending stable sort of the reversed row, read
    # backwards: equal elements keep their order, and NaNs (last ascending) come first
    row = np.empty(n, x.dtype)
    for i in range(n):
        k = n - 1 - i if descending else i
        row[i] = x[base + k * elem_stride]
    order = np.argsort(row, kind="mergesort")  # stable; NaNs last
    for i in range(n):
        if descending:
            out[o + i] = n - 1 - order[n - 1 - i]
        else:
            out[o + i] = order[i]


@njit(**OPTS)
def argsort_rows(x, off, row_stride, elem_stride, nrows, n, descending, out, out_off):
    for r in range(nrows):
        _argsort_row(x, off + r * row_stride, elem_stride, n, descending, out, out_off + r * n)


@njit(parallel=True, **OPTS)
def argsort_rows_par(x, off, row_stride, elem_stride, nrows, n, descending, out, out_off):
    for r in prange(nrows):
        _argsort_row(x, off + r * row_stride, elem_stride, n, descending, out, out_off + r * n)


@njit(inline="always", **OPTS)
def _search_row(seq, sbase, m, vals, vbase, nv, right, out, o):
    for j in range(nv):
        v = vals[vbase + j]
        lo, hi = 0, m
        while lo < hi:
            mid = (lo + hi) >> 1
            s = seq[sbase + mid]
            # left: the first position whose element is >= v; right: the first whose
            # element is > v.  Written as torch writes it, so a NaN value goes past
            # every element (NaNs included): not (s >= NaN) is true
            go_right = not (s > v) if right else not (s >= v)
            if go_right:
                lo = mid + 1
            else:
                hi = mid
        out[o + j] = lo


@njit(**OPTS)
def searchsorted_rows(seq, soff, srow, m, vals, voff, vrow, nv, nrows, right, out, out_off):
    for r in range(nrows):
        _search_row(seq, soff + r * srow, m, vals, voff + r * vrow, nv, right, out, out_off + r * nv)


@njit(parallel=True, **OPTS)
def searchsorted_rows_par(seq, soff, srow, m, vals, voff, vrow, nv, nrows, right, out, out_off):
    for r in prange(nrows):
        _search_row(seq, soff + r * srow, m, vals, voff + r * vrow, nv, right, out, out_off + r * nv)
