"""Softmax and log-softmax along one dim, fused, and their backward (see plan.SoftmaxPlan).

The tensor is contiguous and seen as (outer, n, inner); each line of n elements is
normalised in three passes: its maximum, the sum of exp(x - max) (softmax stores the
exponentials in the output on the way), then the output.  Subtracting the maximum
keeps exp from overflowing; log-softmax is (x - max) - log(sum), never log(exp(.)), so
it stays finite where softmax underflows to 0.  A NaN anywhere in a line makes the
whole line NaN, as in PyTorch.

With inner == 1 a line is a contiguous row, one work item per row.  With inner > 1
(softmax over the channels of an (N, C, H, W) tensor, say) the lines are strided, so
a work item takes a block of BLOCK neighbouring lines and walks them together, the
innermost loop over contiguous memory.

Backward, with y the forward's output and g the incoming gradient:
  softmax:      dx = y * (g - sum(g * y))
  log_softmax:  dx = g - exp(y) * sum(g)
"""
import math

import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)
BLOCK = 64  # lines per work item when inner > 1


@njit(inline="always", **OPTS)
def _row_forward(x, out, base, n, log):
    m = x[base]
    for r in range(1, n):
        v = x[base + r]
        if v > m or v != v:
            m = v
    s = out.dtype.type(0)
    if log:  # (x - m) - log(s): m + log(s) would round away log(s)'s digits when |m| is big
        for r in range(n):
            s += math.exp(x[base + r] - m)
        logs = math.log(s)
        for r in range(n):
            out[base + r] = (x[base + r] - m) - logs
    else:
        for r in range(n):
            e = math.exp(x[base + r] - m)
            out[base + r] = e
            s += e
        scale = 1 / s
        for r in range(n):
            out[base + r] *= scale


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


@njit(**OPTS)
def _forward_item(x, x_off, out, o_off, outer, n, inner, log, w):
    if inner == 1:
        _row_forward(x[x_off:], out[o_off:], w * n, n, log)
        return
    blocks = (inner + BLOCK - 1) // BLOCK
    o = w // blocks
    t0 = (w - o * blocks) * BLOCK
    width = min(BLOCK, inner - t0)
    _block_forward(x[x_off:], out[o_off:], o * n * inner + t0, n, inner, width, log)


@njit(**OPTS)
def softmax(x, x_off, out, o_off, outer, n, inner, log):
    items = outer if inner == 1 else outer * ((inner + BLOCK - 1) // BLOCK)
    for w in range(items):
        _forward_item(x, x_off, out, o_off, outer, n, inner, log, w)


@njit(parallel=True, **OPTS)
def softmax_par(x, x_off, out, o_off, outer, n, inner, log):
    items = outer if inner == 1 else outer * ((inner + BLOCK - 1) // BLOCK)
    for w in prange(items):
        _forward_item(x, x_off, out, o_off, outer, n, inner, log, w)


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
def _row_backward(g, y, out, base, n, log):
    s = g.dtype.type(0)
    if log:
        for r in range(n):
            s += g[base + r]
        for r in range(n):
            out[base + r] = g[base + r] - math.exp(y[base + r]) * s
    else:
        for r in range(n):
            s += g[base + r] * y[base + r]
        for r in range(n):
            out[base + r] = y[base + r] * (g[base + r] - s)


@njit(**OPTS)
def _backward_item(g, g_off, y, y_off, out, o_off, outer, n, inner, log, w):
    if inner == 1:
        _row_backward(g[g_off:], y[y_off:], out[o_off:], w * n, n, log)
        return
    blocks = (inner + BLOCK - 1) // BLOCK
    o = w // blocks
    t0 = (w - o * blocks) * BLOCK
    width = min(BLOCK, inner - t0)
    _block_backward(g[g_off:], y[y_off:], out[o_off:], o * n * inner + t0, n, inner, width,
                    log)


@njit(**OPTS)
def softmax_backward(g, g_off, y, y_off, out, o_off, outer, n, inner, log):
    items = outer if inner == 1 else outer * ((inner + BLOCK - 1) // BLOCK)
    for w in range(items):
        _backward_item(g, g_off, y, y_off, out, o_off, outer, n, inner, log, w)


@njit(parallel=True, **OPTS)
def softmax_backward_par(g, g_off, y, y_off, out, o_off, outer, n, inner, log):
    items = outer if inner == 1 else outer * ((inner + BLOCK - 1) // BLOCK)
    for w in prange(items):
        _backward_item(g, g_off, y, y_off, out, o_off, outer, n, inner, log, w)
