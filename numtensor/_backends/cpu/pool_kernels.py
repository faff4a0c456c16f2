"""Max and average pooling over (H, W) planes, forward and backward (see plan.PoolPlan).

Windows come as per-output-row and per-output-column tables (first input row, number
of rows inside the input, divisor factor), so one kernel serves fixed windows (with
stride, padding, dilation and ceil mode) and adaptive ones, and the inner loops never
test bounds.  One work item is one (n, c) plane: the backward kernels own their plane
of the input gradient, so overlapping windows add up without races.

geometry g = [N, C, H, W, OH, OW, DH, DW]; x strides xs and output strides ys are
(N, C, H, W) element strides.

Max pooling keeps, for each output, the flat position ih*W + iw of the first maximum
of its window (a NaN counts as a maximum and propagates, as in PyTorch); backward adds
each output gradient at that position.
"""
import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)


@njit(inline="always", **OPTS)
def _max_plane(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest, n, c):
    OH, OW, DH, DW, W = g[4], g[5], g[6], g[7], g[3]
    xb = x_off + n * xs[0] + c * xs[1]
    yb = y_off + n * ys[0] + c * ys[1]
    ib = i_off + (n * g[1] + c) * OH * OW
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            w0, wn = fw[ow], cw[ow]
            best = lowest
            where = h0 * W + w0
            for th in range(hn):
                ih = h0 + th * DH
                row = xb + ih * xs[2]
                for tw in range(wn):
                    iw = w0 + tw * DW
                    v = x[row + iw * xs[3]]
                    if v > best or v != v:
                        best = v
                        where = ih * W + iw
            y[yb + oh * ys[2] + ow * ys[3]] = best
            ind[ib + oh * OW + ow] = where


@njit(**OPTS)
def max_pool(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest):
    for w in range(g[0] * g[1]):
        _max_plane(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest,
                   w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def max_pool_par(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest):
    for w in prange(g[0] * g[1]):
        _max_plane(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest,
                   w // g[1], w % g[1])


@njit(inline="always", **OPTS)
def _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, n, c):
    H, W, OH, OW = g[2], g[3], g[4], g[5]
    xb = gx_off + n * xs[0] + c * xs[1]
    yb = gy_off + n * ys[0] + c * ys[1]
    ib = i_off + (n * g[1] + c) * OH * OW
    zero = gx.dtype.type(0)
    for ih in range(H):
        for iw in range(W):
            gx[xb + ih * xs[2] + iw * xs[3]] = zero
    for oh in range(OH):
        for ow in range(OW):
            where = ind[ib + oh * OW + ow]
            ih = where // W
            iw = where - ih * W
            gx[xb + ih * xs[2] + iw * xs[3]] += gy[yb + oh * ys[2] + ow * ys[3]]


@njit(**OPTS)
def max_pool_backward(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs):
    for w in range(g[0] * g[1]):
        _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def max_pool_backward_par(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs):
    for w in prange(g[0] * g[1]):
        _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, w // g[1], w % g[1])


@njit(inline="always", **OPTS)
def _avg_plane(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer, n, c):
    OH, OW = g[4], g[5]
    xb = x_off + n * xs[0] + c * xs[1]
    yb = y_off + n * ys[0] + c * ys[1]
    zero = y.dtype.type(0)
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            w0, wn = fw[ow], cw[ow]
            total = zero
            for ih in range(h0, h0 + hn):
                row = xb + ih * xs[2]
                for iw in range(w0, w0 + wn):
                    total += x[row + iw * xs[3]]
            divisor = override if override != 0 else dh[oh] * dw[ow]
            at = yb + oh * ys[2] + ow * ys[3]
            if integer:  # C++ integer division: truncates toward zero
                q = abs(total) // divisor
                y[at] = -q if total < 0 else q
            else:
                y[at] = total / divisor


@njit(**OPTS)
def avg_pool(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer):
    for w in range(g[0] * g[1]):
        _avg_plane(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer,
                   w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def avg_pool_par(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer):
    for w in prange(g[0] * g[1]):
        _avg_plane(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer,
                   w // g[1], w % g[1])


@njit(inline="always", **OPTS)
def _avg_back_plane(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs, n, c):
    H, W, OH, OW = g[2], g[3], g[4], g[5]
    xb = gx_off + n * xs[0] + c * xs[1]
    yb = gy_off + n * ys[0] + c * ys[1]
    zero = gx.dtype.type(0)
    for ih in range(H):
        for iw in range(W):
            gx[xb + ih * xs[2] + iw * xs[3]] = zero
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            w0, wn = fw[ow], cw[ow]
            divisor = override if override != 0 else dh[oh] * dw[ow]
            share = gy[yb + oh * ys[2] + ow * ys[3]] / divisor
            for ih in range(h0, h0 + hn):
                row = xb + ih * xs[2]
                for iw in range(w0, w0 + wn):
                    gx[row + iw * xs[3]] += share


@njit(**OPTS)
def avg_pool_backward(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs):
    for w in range(g[0] * g[1]):
        _avg_back_plane(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs,
                        w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def avg_pool_backward_par(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs):
    for w in prange(g[0] * g[1]):
        _avg_back_plane(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs,
                        w // g[1], w % g[1])


def lowest_value(np_dtype):
    """The start of a running maximum: -inf for floats, the minimum for integers."""
    if np_dtype.kind == "f":
        return np_dtype.type(-np.inf)
    return np_dtype.type(np.iinfo(np_dtype).min)
