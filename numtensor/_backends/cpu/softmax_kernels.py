"""Softmax and log-softmax along one dim, fused, and their backward (see plan.SoftmaxPlan).

The tensor is contiguous and seen as (outer, n, inner); each line of n elements is
normalised in three passes: its maximum, the sum of exp(x - max) (softmax stores the
exponentials in the output on the way), then the output.  Subtracting the maximum
keeps exp from overflowing; log-softmax is (x - max) - log(sum), never log(exp(.)), so
it stays finite where softmax underflows to 0.  A NaN anywhere in a line makes the
whole line NaN, as in PyTorch.

With inner == 1 (the last dim) a line is a contiguous row, one work item per row
(the `rows` kernels).  With inner > 1 (softmax over the channels of an (N, C, H, W)
tensor, say) the lines are strided, so a work item takes a block of BLOCK neighbouring
lines and walks them together, the innermost loop over contiguous memory (the `blocks`
kernels).  The two are separate kernels so that a cold cache compiles only the one
in use.

Backward, with y the forward's output and g the incoming gradient:
  softmax:      dx = y * (g - sum(g * y))
  log_softmax:  dx = g - exp(y) * sum(g)
"""
import math

import numpy as np
from numba import njit, prange
from .jit_options import NO_PYTHON_ENTRY

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels
BLOCK = 64  # lines per work item when inner > 1
ROW_CHUNKS = 256  # parallel work items of the rows kernels: ranges of rows


@njit(inline="always", **OPTS)
def _row_forward(x, out, log):
    """One contiguous line (x and out: slices of n elements)."""
    n = x.shape[0]
    m = x[0]
    for r in range(1, n):
        v = x[r]
        if v > m or v != v:
            m = v
    s = out.dtype.type(0)
    if log:  # (x - m) - log(s): m + log(s) would round away log(s)'s digits when |m| is big
        for r in range(n):
            s += math.exp(x[r] - m)
        logs = math.log(s)
        for r in range(n):
            out[r] = (x[r] - m) - logs
    else:
        for r in range(n):
            e = math.exp(x[r] - m)
            out[r] = e
            s += e
        scale = 1 / s
        for r in range(n):
            out[r] *= scale


@njit(inline="always", **OPTS)
def _block_forward(x, out, base, n, inner, width, log):
    m = np.empty(width, x.dtype)
    s = np.zeros(width, x.dtype)
    for t in range(width):
        m[t] = x[base + t]
    for r in range(1, n):
        at = base + r * inner
        for t in range(width):
            v = x[at + t]
            if v > m[t] or v != v:
                m[t] = v
    for r in range(n):
        at = base + r * inner
        for t in range(width):
            e = math.exp(x[at + t] - m[t])
            if not log:
                out[at + t] = e
            s[t] += e
    if log:
        for t in range(width):
            s[t] = math.log(s[t])
        for r in range(n):
            at = base + r * inner
            for t in range(width):
                out[at + t] = (x[at + t] - m[t]) - s[t]
    else:
        for t in range(width):
            s[t] = 1 / s[t]
        for r in range(n):
            at = base + r * inner
            for t in range(width):
                out[at + t] *= s[t]


@njit(**HELPER)
def _row_forward_items(x, x_off, out, o_off, n, log, lo, hi):
    """Rows lo..hi-1: one call per kernel or per parallel chunk of rows (a call per row,
    with the arrays as arguments, cost a third of a short row's time)."""
    for w in range(lo, hi):
        a, b = x_off + w * n, o_off + w * n
        _row_forward(x[a:a + n], out[b:b + n], log)


@njit(**OPTS)
def rows(x, x_off, out, o_off, nrows, n, log):
    """softmax of nrows contiguous rows of n elements (the dim is the last one)."""
    _row_forward_items(x, x_off, out, o_off, n, log, np.int64(0), nrows)


@njit(parallel=True, **OPTS)
def rows_par(x, x_off, out, o_off, nrows, n, log):
    nchunks = min(nrows, ROW_CHUNKS)
    for c in prange(nchunks):
        _row_forward_items(x, x_off, out, o_off, n, log, c * nrows // nchunks,
                           (c + 1) * nrows // nchunks)


@njit(**HELPER)
def _block_forward_item(x, x_off, out, o_off, n, inner, log, w):
    nblocks = (inner + BLOCK - 1) // BLOCK
    o = w // nblocks
    t0 = (w - o * nblocks) * BLOCK
    width = min(BLOCK, inner - t0)
    _block_forward(x[x_off:], out[o_off:], o * n * inner + t0, n, inner, width, log)


@njit(**OPTS)
def blocks(x, x_off, out, o_off, outer, n, inner, log):
    """softmax along the middle axis of (outer, n, inner), BLOCK lines per work item."""
    for w in range(outer * ((inner + BLOCK - 1) // BLOCK)):
        _block_forward_item(x, x_off, out, o_off, n, inner, log, w)


@njit(parallel=True, **OPTS)
def blocks_par(x, x_off, out, o_off, outer, n, inner, log):
    for w in prange(outer * ((inner + BLOCK - 1) // BLOCK)):
        _block_forward_item(x, x_off, out, o_off, n, inner, log, np.int64(w))


@njit(inline="always", **OPTS)
def _block_backward(g, y, out, base, n, inner, width, log):
    s = np.zeros(width, g.dtype)
    for r in range(n):
        at = base + r * inner
        for t in range(width):
            s[t] += g[at + t] if log else g[at + t] * y[at + t]
    for r in range(n):
        at = base + r * inner
        for t in range(width):
            if log:
                out[at + t] = g[at + t] - math.exp(y[at + t]) * s[t]
            else:
                out[at + t] = y[at + t] * (g[at + t] - s[t])


@njit(inline="always", **OPTS)
def _row_backward(g, y, out, log):
    n = g.shape[0]
    s = g.dtype.type(0)
    if log:
        for r in range(n):
            s += g[r]
        for r in range(n):
            out[r] = g[r] - math.exp(y[r]) * s
    else:
        for r in range(n):
            s += g[r] * y[r]
        for r in range(n):
            out[r] = y[r] * (g[r] - s)


@njit(**HELPER)
def _row_backward_items(g, g_off, y, y_off, out, o_off, n, log, lo, hi):
    for w in range(lo, hi):
        a, b, c = g_off + w * n, y_off + w * n, o_off + w * n
        _row_backward(g[a:a + n], y[b:b + n], out[c:c + n], log)


@njit(**OPTS)
def rows_backward(g, g_off, y, y_off, out, o_off, nrows, n, log):
    _row_backward_items(g, g_off, y, y_off, out, o_off, n, log, np.int64(0), nrows)


@njit(parallel=True, **OPTS)
def rows_backward_par(g, g_off, y, y_off, out, o_off, nrows, n, log):
    nchunks = min(nrows, ROW_CHUNKS)
    for c in prange(nchunks):
        _row_backward_items(g, g_off, y, y_off, out, o_off, n, log, c * nrows // nchunks,
                            (c + 1) * nrows // nchunks)


@njit(**HELPER)
def _block_backward_item(g, g_off, y, y_off, out, o_off, n, inner, log, w):
    nblocks = (inner + BLOCK - 1) // BLOCK
    o = w // nblocks
    t0 = (w - o * nblocks) * BLOCK
    width = min(BLOCK, inner - t0)
    _block_backward(g[g_off:], y[y_off:], out[o_off:], o * n * inner + t0, n, inner, width,
                    log)


@njit(**OPTS)
def blocks_backward(g, g_off, y, y_off, out, o_off, outer, n, inner, log):
    for w in range(outer * ((inner + BLOCK - 1) // BLOCK)):
        _block_backward_item(g, g_off, y, y_off, out, o_off, n, inner, log, w)


@njit(parallel=True, **OPTS)
def blocks_backward_par(g, g_off, y, y_off, out, o_off, outer, n, inner, log):
    for w in prange(outer * ((inner + BLOCK - 1) // BLOCK)):
        _block_backward_item(g, g_off, y, y_off, out, o_off, n, inner, log, np.int64(w))
