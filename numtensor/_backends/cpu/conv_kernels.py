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

The work item is a function of its own (not inlined): the serial kernel and its
parallel twin share one compilation of it, and the parallel kernel's body stays small
(inlining it there tripled the compile time of a cold cache).
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


@njit(**OPTS)
def _im2col_channel(x, xbase, xs, g, cols, cbase, cs, c, ns):
    """The KH*KW column rows of channel c for ns samples (xbase, cbase: the first
    sample's image plane and columns).  For each tap (i, j), output rows oh_lo..oh_hi
    and columns lo..hi read the image and the rest is padding (zeros), so the copy
    loops run without bounds tests; the samples are the inner loop, so batch-wide
    columns are written in memory order."""
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    CG, ONES = g[14], g[15]
    xh, xw = xs[2], xs[3]
    cp = cs[2]
    ucp = U(cp)
    zero = cols.dtype.type(0)
    shift = ONES * (c // CG)                    # the ones rows of the groups before c's
    rstep = OW * cp                             # from one output row to the next
    step = U(SW * xw)
    unit = cp == 1 and SW == 1 and xw == 1
    for i in range(KH):
        oh_lo, oh_hi = _valid_range(i, OH, SH, PH, DH, H)
        for j in range(KW):
            k = (c * KH + i) * KW + j + shift
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            for s in range(ns):
                rbase = cbase + s * cs[0] + k * cs[1]
                first = xbase + s * xs[0] + (i * DH - PH) * xh + (lo * SW + j * DW - PW) * xw
                for oh in range(OH):
                    row = U(rbase + oh * rstep)
                    a, b = lo, hi
                    if oh < oh_lo or oh >= oh_hi:   # a row in the top or bottom padding
                        a = b = 0
                    for t in range(U(a)):
                        cols[row + t * ucp] = zero
                    if b > a:
                        src = U(first + oh * SH * xh)
                        dst = row + U(a * cp)
                        if unit:
                            for t in range(U(b - a)):
                                cols[dst + t] = x[src + t]
                        else:
                            for t in range(U(b - a)):
                                cols[dst + t * ucp] = x[src + t * step]
                    for t in range(U(b), U(OW)):
                        cols[row + t * ucp] = zero
    if ONES and c % CG == CG - 1:               # the last channel of a group writes its ones
        k = (c + 1) * KH * KW + shift
        one = cols.dtype.type(1)
        for s in range(ns):
            row = U(cbase + s * cs[0] + k * cs[1])
            for t in range(U(OH * OW)):
                cols[row + t * ucp] = one


@njit(**OPTS)
def _im2col_item(x, x_off, xs, g, cols, c_off, cs, w):
    """Work item w: the (n, c) plane of per-sample columns, or channel c of every sample
    for batch-wide columns."""
    N, C = g[0], g[1]
    if cs[0] >= cs[1]:
        n0, c, ns = w // C, w % C, 1
    else:
        n0, c, ns = 0, w, N
    _im2col_channel(x, x_off + n0 * xs[0] + c * xs[1], xs, g, cols, c_off + n0 * cs[0], cs, c,
                    ns)


@njit(**OPTS)
def im2col(x, x_off, xs, g, cols, c_off, cs):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in range(items):
        _im2col_item(x, x_off, xs, g, cols, c_off, cs, w)


@njit(parallel=True, **OPTS)
def im2col_par(x, x_off, xs, g, cols, c_off, cs):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in prange(items):
        _im2col_item(x, x_off, xs, g, cols, c_off, cs, np.int64(w))


@njit(**OPTS)
def _col2im_channel(cols, cbase, cs, g, out, obase, os_, c, ns):
    """Sum the columns of channel c of ns samples into their image planes (obase: the
    first sample's), which are zeroed first."""
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    oh_s, ow_s = os_[2], os_[3]
    CG, ONES = g[14], g[15]
    cp = cs[2]
    ucp = U(cp)
    zero = out.dtype.type(0)
    rstep = OW * cp
    step = U(SW * ow_s)
    unit = cp == 1 and SW == 1 and ow_s == 1
    for s in range(ns):
        for ih in range(H):
            row = U(obase + s * os_[0] + ih * oh_s)
            for t in range(U(W)):
                out[row + t * U(ow_s)] = zero
    for i in range(KH):
        oh_lo, oh_hi = _valid_range(i, OH, SH, PH, DH, H)
        for j in range(KW):
            k = (c * KH + i) * KW + j + ONES * (c // CG)
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            if hi <= lo:
                continue
            n = U(hi - lo)
            for s in range(ns):
                src0 = cbase + s * cs[0] + k * cs[1] + lo * cp
                first = obase + s * os_[0] + (i * DH - PH) * oh_s + (lo * SW + j * DW - PW) * ow_s
                for oh in range(oh_lo, oh_hi):
                    src = U(src0 + oh * rstep)
                    dst = U(first + oh * SH * oh_s)
                    if unit:
                        for t in range(n):
                            out[dst + t] += cols[src + t]
                    else:
                        for t in range(n):
                            out[dst + t * step] += cols[src + t * ucp]


@njit(**OPTS)
def _col2im_item(cols, c_off, cs, g, out, o_off, os_, w):
    N, C = g[0], g[1]
    if cs[0] >= cs[1]:
        n0, c, ns = w // C, w % C, 1
    else:
        n0, c, ns = 0, w, N
    _col2im_channel(cols, c_off + n0 * cs[0], cs, g, out, o_off + n0 * os_[0] + c * os_[1], os_,
                    c, ns)


@njit(**OPTS)
def col2im(cols, c_off, cs, g, out, o_off, os_):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in range(items):
        _col2im_item(cols, c_off, cs, g, out, o_off, os_, w)


@njit(parallel=True, **OPTS)
def col2im_par(cols, c_off, cs, g, out, o_off, os_):
    items = g[0] * g[1] if cs[0] >= cs[1] else g[1]
    for w in prange(items):
        _col2im_item(cols, c_off, cs, g, out, o_off, os_, np.int64(w))
