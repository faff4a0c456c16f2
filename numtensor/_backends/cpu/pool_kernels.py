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
each output gradient at that position.  The maximum loop compares with `>` only and
notes whether it met a NaN; a window holding a NaN is scanned again for its last NaN
(testing `v != v` inside the main loop costs 4x).

Offsets are unsigned inside the loops (signed ones make Numba test every index for
wrap-around, several times slower); every offset formed there is >= 0.
"""
import numpy as np
from numba import njit, prange
from .jit_options import NO_PYTHON_ENTRY

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels
U = np.uint64


@njit(inline="always", **OPTS)
def _window_max(x, xb, xh, xw, h0, hn, w0, wn, DH, DW, W, lowest):
    """(maximum, its flat position) of one window; xw == 1 is the unit-stride fast path
    (a multiply per element costs 1.8x here)."""
    best = lowest
    where = h0 * W + w0
    nan = False
    for th in range(hn):
        ih = h0 + th * DH
        row = xb + U(ih * xh)
        if xw == 1 and DW == 1:
            start = row + U(w0)
            for t in range(U(wn)):
                v = x[start + t]
                nan |= v != v
                if v > best:
                    best = v
                    where = ih * W + w0 + np.int64(t)
        else:
            for tw in range(wn):
                iw = w0 + tw * DW
                v = x[row + U(iw * xw)]
                nan |= v != v
                if v > best:
                    best = v
                    where = ih * W + iw
    if nan:  # the last NaN of the window wins, as in PyTorch
        for th in range(hn):
            ih = h0 + th * DH
            row = xb + U(ih * xh)
            for tw in range(wn):
                iw = w0 + tw * DW
                v = x[row + U(iw * xw)]
                if v != v:
                    best = v
                    where = ih * W + iw
    return best, where


@njit(**HELPER)
def _max_plane(x, x_off, xs, g, fh, ch, fw, cw, y, y_off, ys, ind, i_off, lowest, n, c):
    OH, OW, DH, DW, W = g[4], g[5], g[6], g[7], g[3]
    xb = U(x_off + n * xs[0] + c * xs[1])
    yb = U(y_off + n * ys[0] + c * ys[1])
    ib = U(i_off + (n * g[1] + c) * OH * OW)
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            best, where = _window_max(x, xb, xs[2], xs[3], h0, hn, fw[ow], cw[ow], DH, DW, W,
                                      lowest)
            y[yb + U(oh * ys[2] + ow * ys[3])] = best
            ind[ib + U(oh * OW + ow)] = where


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
def _zero_plane(gx, xb, H, W, xh, xw):
    zero = gx.dtype.type(0)
    uw = U(xw)
    for ih in range(H):
        row = xb + U(ih * xh)
        for iw in range(U(W)):
            gx[row + iw * uw] = zero


@njit(**HELPER)
def _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, n, c):
    H, W, OH, OW = g[2], g[3], g[4], g[5]
    xb = U(gx_off + n * xs[0] + c * xs[1])
    yb = U(gy_off + n * ys[0] + c * ys[1])
    ib = U(i_off + (n * g[1] + c) * OH * OW)
    _zero_plane(gx, xb, H, W, xs[2], xs[3])
    for oh in range(OH):
        for ow in range(OW):
            where = ind[ib + U(oh * OW + ow)]
            ih = where // W
            iw = where - ih * W
            gx[xb + U(ih * xs[2] + iw * xs[3])] += gy[yb + U(oh * ys[2] + ow * ys[3])]


@njit(**OPTS)
def max_pool_backward(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs):
    for w in range(g[0] * g[1]):
        _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def max_pool_backward_par(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs):
    for w in prange(g[0] * g[1]):
        _max_back_plane(gy, gy_off, ys, ind, i_off, g, gx, gx_off, xs, w // g[1], w % g[1])


@njit(**HELPER)
def _avg_plane(x, x_off, xs, g, fh, ch, dh, fw, cw, dw, override, y, y_off, ys, integer, n, c):
    OH, OW = g[4], g[5]
    xb = U(x_off + n * xs[0] + c * xs[1])
    yb = U(y_off + n * ys[0] + c * ys[1])
    uw = U(xs[3])
    zero = y.dtype.type(0)
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            w0, wn = fw[ow], cw[ow]
            total = zero
            for ih in range(h0, h0 + hn):
                row = xb + U(ih * xs[2] + w0 * xs[3])
                for t in range(U(wn)):
                    total += x[row + t * uw]
            divisor = override if override != 0 else dh[oh] * dw[ow]
            at = yb + U(oh * ys[2] + ow * ys[3])
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


@njit(**HELPER)
def _avg_back_plane(gy, gy_off, ys, g, fh, ch, dh, fw, cw, dw, override, gx, gx_off, xs, n, c):
    H, W, OH, OW = g[2], g[3], g[4], g[5]
    xb = U(gx_off + n * xs[0] + c * xs[1])
    yb = U(gy_off + n * ys[0] + c * ys[1])
    uw = U(xs[3])
    _zero_plane(gx, xb, H, W, xs[2], xs[3])
    for oh in range(OH):
        h0, hn = fh[oh], ch[oh]
        for ow in range(OW):
            w0, wn = fw[ow], cw[ow]
            divisor = override if override != 0 else dh[oh] * dw[ow]
            share = gy[yb + U(oh * ys[2] + ow * ys[3])] / divisor
            for ih in range(h0, h0 + hn):
                row = xb + U(ih * xs[2] + w0 * xs[3])
                for t in range(U(wn)):
                    gx[row + t * uw] += share


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
