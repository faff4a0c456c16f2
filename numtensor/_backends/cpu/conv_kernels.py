"""im2col / col2im: a convolution as a matrix product (see plan.ConvPlan).

im2col copies every receptive field of x into a column buffer, so that a convolution
becomes BLAS GEMMs (weights (Cout, K) times columns (K, P)); col2im is its adjoint,
which sums columns back into an image-shaped gradient.

Work items follow the column layout so that the column buffer is walked in memory
order: with per-sample columns (n's stride the largest) one item is an (n, c) plane;
with batch-wide columns (K, N, P) one item is a channel c and its loop runs over the
samples.  Either way an item owns its rows of columns (im2col) or its planes of the
image (col2im), so no two threads write the same element.

Geometry arrives as int64 arrays (plan.ConvPlan.geometry, strides), so one compiled
kernel per dtype serves every shape, stride, padding and dilation.  For each kernel
tap (i, j) the range of output columns whose input column falls inside the image is
computed once; the inner loops then run without bounds tests (zeros to the left, a
copy, zeros to the right).  Offsets are unsigned inside the loops: with signed ones
Numba checks every index for wrap-around and the loops do not vectorise (measured
5-13x slower).  Every offset formed there is >= 0; uint64 never meets int64 in one
expression (Numba would compute that in float64).
"""
import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)
U = np.uint64


@njit(inline="always", **OPTS)
def _valid_range(j, out, stride, pad, dil, size):
    """[lo, hi): the output positions o with 0 <= o*stride - pad + j*dil < size."""
    shift = j * dil - pad             # input position of output 0
    lo = 0
    if shift < 0:
        lo = (-shift + stride - 1) // stride
    hi = 0
    if size - 1 - shift >= 0:
        hi = (size - 1 - shift) // stride + 1
    if hi > out:
        hi = out
    if lo > hi:
        lo = hi
    return lo, hi


@njit(inline="always", **OPTS)
def _fill_row(cols, start, count, step, value):
    for t in range(U(count)):
        cols[start + t * step] = value


@njit(inline="always", **OPTS)
def _im2col_tap(x, xbase, xh, xw, cols, rbase, cp, i, j, lo, hi, oh_lo, oh_hi, g):
    """Row k = tap (i, j) of one image plane (xbase: its first element) into the column
    row starting at rbase, elements cp apart.  Output rows oh_lo..oh_hi and columns
    lo..hi read the image, the rest is padding: the edge work is split off first, so the
    copy loops run branch-free."""
    OH, OW = g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    zero = cols.dtype.type(0)
    ucp = U(cp)
    rstep = OW * cp                             # from one output row to the next
    for oh in range(oh_lo):                     # rows in the top padding
        _fill_row(cols, U(rbase + oh * rstep), OW, ucp, zero)
    for oh in range(oh_hi, OH):                 # and in the bottom padding
        _fill_row(cols, U(rbase + oh * rstep), OW, ucp, zero)
    if lo > 0 or hi < OW:                       # columns in the side padding
        for oh in range(oh_lo, oh_hi):
            row = U(rbase + oh * rstep)
            _fill_row(cols, row, lo, ucp, zero)
            _fill_row(cols, row + U(hi * cp), OW - hi, ucp, zero)
    if hi <= lo:
        return
    n = U(hi - lo)
    first = xbase + (i * DH - PH) * xh + (lo * SW + j * DW - PW) * xw
    dst0 = rbase + lo * cp
    if cp == 1 and SW == 1 and xw == 1:
        for oh in range(oh_lo, oh_hi):
            src = U(first + oh * SH * xh)
            dst = U(dst0 + oh * rstep)
            for t in range(n):
                cols[dst + t] = x[src + t]
    else:
        step = U(SW * xw)
        for oh in range(oh_lo, oh_hi):
            src = U(first + oh * SH * xh)
            dst = U(dst0 + oh * rstep)
            for t in range(n):
                cols[dst + t * ucp] = x[src + t * step]


@njit(inline="always", **OPTS)
def _im2col_channel(x, xbase, xs, g, cols, cbase, cs, c, ns):
    """The KH*KW column rows of channel c for ns samples (xbase, cbase: the first
    sample's plane and columns); the samples are the inner loop, so batch-wide columns
    are written in memory order."""
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    for i in range(KH):
        oh_lo, oh_hi = _valid_range(i, OH, SH, PH, DH, H)
        for j in range(KW):
            k = (c * KH + i) * KW + j
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            for s in range(ns):
                _im2col_tap(x, xbase + s * xs[0], xs[2], xs[3], cols,
                            cbase + s * cs[0] + k * cs[1], cs[2], i, j, lo, hi, oh_lo, oh_hi, g)


@njit(inline="always", **OPTS)
def _im2col_item(x, x_off, xs, g, cols, c_off, cs, w):
    N, C = g[0], g[1]
    if cs[0] >= cs[1]:                          # per sample: item = (n, c) plane
        n, c = w // C, w % C
        _im2col_channel(x, x_off + n * xs[0] + c * xs[1], xs, g, cols, c_off + n * cs[0], cs,
                        c, 1)
    else:                                       # batch-wide: item = channel w, all samples
        _im2col_channel(x, x_off + w * xs[1], xs, g, cols, c_off, cs, w, N)


@njit(**OPTS)
def im2col(x, x_off, xs, g, cols, c_off, cs):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in range(items):
        _im2col_item(x, x_off, xs, g, cols, c_off, cs, w)


@njit(parallel=True, **OPTS)
def im2col_par(x, x_off, xs, g, cols, c_off, cs):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in prange(items):
        _im2col_item(x, x_off, xs, g, cols, c_off, cs, w)


@njit(inline="always", **OPTS)
def _col2im_tap(cols, src0, cp, out, first, oh_s, ow_s, n, oh_lo, oh_hi, g):
    """Add one tap's column row (src0: its element for output column lo, elements cp
    apart) into an image plane; first is the image offset that output position (0, lo)
    maps to (outside the plane when oh_lo > 0: rows before oh_lo are skipped)."""
    OW, SH, SW = g[7], g[8], g[9]
    rstep = OW * cp
    if cp == 1 and SW == 1 and ow_s == 1:
        for oh in range(oh_lo, oh_hi):
            src = U(src0 + oh * rstep)
            dst = U(first + oh * SH * oh_s)
            for t in range(n):
                out[dst + t] += cols[src + t]
    else:
        ucp = U(cp)
        step = U(SW * ow_s)
        for oh in range(oh_lo, oh_hi):
            src = U(src0 + oh * rstep)
            dst = U(first + oh * SH * oh_s)
            for t in range(n):
                out[dst + t * step] += cols[src + t * ucp]


@njit(inline="always", **OPTS)
def _col2im_channel(cols, cbase, cs, g, out, obase, os_, c, ns):
    """Sum the columns of channel c of ns samples into their image planes (obase: the
    first sample's), which are zeroed first."""
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    oh_s, ow_s = os_[2], os_[3]
    zero = out.dtype.type(0)
    for s in range(ns):
        for ih in range(H):
            _fill_row(out, U(obase + s * os_[0] + ih * oh_s), W, U(ow_s), zero)
    for i in range(KH):
        oh_lo, oh_hi = _valid_range(i, OH, SH, PH, DH, H)
        for j in range(KW):
            k = (c * KH + i) * KW + j
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            if hi <= lo:
                continue
            for s in range(ns):
                _col2im_tap(cols, cbase + s * cs[0] + k * cs[1] + lo * cs[2], cs[2], out,
                            obase + s * os_[0] + (i * DH - PH) * oh_s +
                            (lo * SW + j * DW - PW) * ow_s,
                            oh_s, ow_s, U(hi - lo), oh_lo, oh_hi, g)


@njit(inline="always", **OPTS)
def _col2im_item(cols, c_off, cs, g, out, o_off, os_, w):
    N, C = g[0], g[1]
    if cs[0] >= cs[1]:
        n, c = w // C, w % C
        _col2im_channel(cols, c_off + n * cs[0], cs, g, out, o_off + n * os_[0] + c * os_[1],
                        os_, c, 1)
    else:
        _col2im_channel(cols, c_off, cs, g, out, o_off + w * os_[1], os_, w, N)


@njit(**OPTS)
def col2im(cols, c_off, cs, g, out, o_off, os_):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in range(items):
        _col2im_item(cols, c_off, cs, g, out, o_off, os_, w)


@njit(parallel=True, **OPTS)
def col2im_par(cols, c_off, cs, g, out, o_off, os_):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in prange(items):
        _col2im_item(cols, c_off, cs, g, out, o_off, os_, w)
