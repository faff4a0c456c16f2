"""im2col / col2im: a convolution as a matrix product (see plan.ConvPlan).

im2col copies every receptive field of x into a column buffer, so that a convolution
becomes one BLAS GEMM (weights (Cout, K) times columns (K, P)); col2im is its adjoint,
which sums columns back into an image-shaped gradient.  One work item is one (n, c)
plane of x: im2col writes the KH*KW rows that plane feeds, col2im owns that plane of
the output, so no two threads ever write the same element.

Geometry arrives as int64 arrays (plan.ConvPlan.geometry, strides), so one compiled
kernel per dtype serves every shape, stride, padding and dilation.  For each kernel
tap (i, j) the range of output columns whose input column falls inside the image is
computed once; the inner loops then run without bounds tests (zeros to the left,
a strided copy, zeros to the right), and the copy is a unit-stride loop in the usual
stride-1 case.
"""
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)


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
def _im2col_plane(x, x_off, xs, g, cols, c_off, cs, n, c):
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    xbase = x_off + n * xs[0] + c * xs[1]
    xh, xw = xs[2], xs[3]
    cn, ck, cp = cs[0], cs[1], cs[2]
    zero = cols.dtype.type(0)
    for i in range(KH):
        for j in range(KW):
            k = (c * KH + i) * KW + j
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            col0 = j * DW - PW
            for oh in range(OH):
                ih = oh * SH - PH + i * DH
                row = c_off + n * cn + k * ck + oh * OW * cp
                if ih < 0 or ih >= H:
                    for ow in range(OW):
                        cols[row + ow * cp] = zero
                    continue
                src = xbase + ih * xh
                for ow in range(lo):
                    cols[row + ow * cp] = zero
                if cp == 1 and SW == 1 and xw == 1:
                    shift = src + col0 - row
                    for t in range(row + lo, row + hi):
                        cols[t] = x[t + shift]
                else:
                    for ow in range(lo, hi):
                        cols[row + ow * cp] = x[src + (ow * SW + col0) * xw]
                for ow in range(hi, OW):
                    cols[row + ow * cp] = zero


@njit(**OPTS)
def im2col(x, x_off, xs, g, cols, c_off, cs):
    for w in range(g[0] * g[1]):
        _im2col_plane(x, x_off, xs, g, cols, c_off, cs, w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def im2col_par(x, x_off, xs, g, cols, c_off, cs):
    for w in prange(g[0] * g[1]):
        _im2col_plane(x, x_off, xs, g, cols, c_off, cs, w // g[1], w % g[1])


@njit(inline="always", **OPTS)
def _col2im_plane(cols, c_off, cs, g, out, o_off, os_, n, c):
    H, W, KH, KW, OH, OW = g[2], g[3], g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    obase = o_off + n * os_[0] + c * os_[1]
    oh_s, ow_s = os_[2], os_[3]
    cn, ck, cp = cs[0], cs[1], cs[2]
    zero = out.dtype.type(0)
    for ih in range(H):
        for iw in range(W):
            out[obase + ih * oh_s + iw * ow_s] = zero
    for i in range(KH):
        for j in range(KW):
            k = (c * KH + i) * KW + j
            lo, hi = _valid_range(j, OW, SW, PW, DW, W)
            col0 = j * DW - PW
            for oh in range(OH):
                ih = oh * SH - PH + i * DH
                if ih < 0 or ih >= H:
                    continue
                row = c_off + n * cn + k * ck + oh * OW * cp
                dst = obase + ih * oh_s
                if cp == 1 and SW == 1 and ow_s == 1:
                    shift = dst + col0 - row
                    for t in range(row + lo, row + hi):
                        out[t + shift] += cols[t]
                else:
                    for ow in range(lo, hi):
                        out[dst + (ow * SW + col0) * ow_s] += cols[row + ow * cp]


@njit(**OPTS)
def col2im(cols, c_off, cs, g, out, o_off, os_):
    for w in range(g[0] * g[1]):
        _col2im_plane(cols, c_off, cs, g, out, o_off, os_, w // g[1], w % g[1])


@njit(parallel=True, **OPTS)
def col2im_par(cols, c_off, cs, g, out, o_off, os_):
    for w in prange(g[0] * g[1]):
        _col2im_plane(cols, c_off, cs, g, out, o_off, os_, w // g[1], w % g[1])
