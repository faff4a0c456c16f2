"""Max and average pooling on CUDA, forward and backward (see plan.PoolPlan and
cpu/pool_kernels.py, whose results these kernels reproduce).

Forward: one thread per output element (grid-stride, in (n, c, oh, ow) order), which
walks its window through the plan's row and column tables exactly as the CPU does:
max pooling keeps the first maximum (`>`) and, if the window held a NaN, the last
NaN; average pooling sums rows then columns and divides as the CPU does (integers
truncating toward zero).

Backward: one thread per input element, which gathers the output gradients that
reach it, outputs in (oh, ow) order as the CPU's per-plane loop adds them, and
stores after every addition (`out[at] += ...`): the CPU's rounding, step by step,
whatever the dtype (average pooling's share is a float64 quotient added to the
element, as on the CPU).  Gathering needs no atomics and gives the CPU's bits.  The
candidate outputs of an input row are found by scanning the row table (windows
with dilation are not monotone in the input position, so there is no bisection),
then the columns of each output row that covers it: O(OH + OW) per input element.

geometry g = [N, C, H, W, OH, OW, DH, DW]; strides are (N, C, H, W) element strides;
the tables are those of the plan, on the device once per plan.
"""
import numpy as np
from numba import cuda

from . import launch
from .launch import THREADS


@cuda.jit(cache=True)
def max_pool_kernel(x, xo, xs, g, fh, ch, fw, cw, y, yo, ys, ind, io, lowest, total):
    C, W, OH, OW, DH, DW = g[1], g[3], g[4], g[5], g[6], g[7]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        ow = e % OW
        rest = e // OW
        oh = rest % OH
        rest //= OH
        c = rest % C
        n = rest // C
        xb = xo + n * xs[0] + c * xs[1]
        h0, hn, w0, wn = fh[oh], ch[oh], fw[ow], cw[ow]
        best = lowest
        where = h0 * W + w0
        nan = False
        for th in range(hn):
            ih = h0 + th * DH
            for tw in range(wn):
                iw = w0 + tw * DW
                v = x[xb + ih * xs[2] + iw * xs[3]]
                if v != v:
                    nan = True
                if v > best:
                    best = v
                    where = ih * W + iw
        if nan:  # the last NaN of the window wins, as on the CPU and in PyTorch
            for th in range(hn):
                ih = h0 + th * DH
                for tw in range(wn):
                    iw = w0 + tw * DW
                    v = x[xb + ih * xs[2] + iw * xs[3]]
                    if v != v:
                        best = v
                        where = ih * W + iw
        y[yo + n * ys[0] + c * ys[1] + oh * ys[2] + ow * ys[3]] = best
        ind[io + e] = where


@cuda.jit(device=True, inline=True)
def _covers(first, count, dil, i):
    """Whether a window of `count` taps from `first`, `dil` apart, reads position i."""
    d = i - first
    return d >= 0 and d % dil == 0 and d // dil < count


@cuda.jit(cache=True)
def max_pool_backward_kernel(gy, go, ys, ind, io, g, fh, ch, fw, cw, gx, xo, xs, total, zero):
    C, H, W, OH, OW, DH, DW = g[1], g[2], g[3], g[4], g[5], g[6], g[7]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        iw = e % W
        rest = e // W
        ih = rest % H
        rest //= H
        c = rest % C
        n = rest // C
        at = xo + n * xs[0] + c * xs[1] + ih * xs[2] + iw * xs[3]
        gx[at] = zero
        here = ih * W + iw
        plane = (n * C + c) * OH
        for oh in range(OH):
            if not _covers(fh[oh], ch[oh], DH, ih):
                continue
            for ow in range(OW):
                if _covers(fw[ow], cw[ow], DW, iw) and ind[io + (plane + oh) * OW + ow] == here:
                    gx[at] += gy[go + n * ys[0] + c * ys[1] + oh * ys[2] + ow * ys[3]]


@cuda.jit(cache=True)
def avg_pool_kernel(x, xo, xs, g, fh, ch, dh, fw, cw, dw, override, y, yo, ys, integer, total,
                    zero):
    C, OH, OW = g[1], g[4], g[5]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        ow = e % OW
        rest = e // OW
        oh = rest % OH
        rest //= OH
        c = rest % C
        n = rest // C
        xb = xo + n * xs[0] + c * xs[1]
        h0, hn, w0, wn = fh[oh], ch[oh], fw[ow], cw[ow]
        acc = zero
        for ih in range(h0, h0 + hn):
            for iw in range(w0, w0 + wn):
                acc += x[xb + ih * xs[2] + iw * xs[3]]
        divisor = override if override != 0 else dh[oh] * dw[ow]
        at = yo + n * ys[0] + c * ys[1] + oh * ys[2] + ow * ys[3]
        if integer:  # C++ integer division: truncates toward zero
            q = abs(acc) // divisor
            y[at] = -q if acc < 0 else q
        else:
            y[at] = acc / divisor


@cuda.jit(cache=True)
def avg_pool_backward_kernel(gy, go, ys, g, fh, ch, dh, fw, cw, dw, override, gx, xo, xs, total,
                             zero):
    C, H, W, OH, OW = g[1], g[2], g[3], g[4], g[5]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        iw = e % W
        rest = e // W
        ih = rest % H
        rest //= H
        c = rest % C
        n = rest // C
        at = xo + n * xs[0] + c * xs[1] + ih * xs[2] + iw * xs[3]
        gx[at] = zero
        for oh in range(OH):
            if not _covers(fh[oh], ch[oh], 1, ih):
                continue
            for ow in range(OW):
                if _covers(fw[ow], cw[ow], 1, iw):
                    divisor = override if override != 0 else dh[oh] * dw[ow]
                    gx[at] += gy[go + n * ys[0] + c * ys[1] + oh * ys[2] + ow * ys[3]] / divisor


def _arrays(plan):
    """The plan's geometry, tables and strides on the device."""
    g = launch.device_ints(plan, "geometry", lambda: plan.geometry)
    tables = tuple(launch.device_ints(plan, f"table{i}", lambda t=t: t)
                   for i, t in enumerate(plan.tables))
    xs = launch.device_ints(plan, "x_strides", lambda: plan.x_strides)
    ys = launch.device_ints(plan, "y_strides", lambda: plan.y_strides)
    return g, tables, xs, ys


def lowest_value(np_dtype):
    """The start of a running maximum: -inf for floats, the minimum for integers."""
    if np_dtype.kind == "f":
        return np_dtype.type(-np.inf)
    return np_dtype.type(np.iinfo(np_dtype).min)


def max_pool(plan, x, out, indices):
    if plan.nout == 0:
        return
    g, (fh, ch, _, fw, cw, _), xs, ys = _arrays(plan)
    launch.run(max_pool_kernel, launch.blocks_for(plan.nout), THREADS, x[0], x[1], xs, g, fh, ch,
               fw, cw, out[0], out[1], ys, indices[0], indices[1], lowest_value(x[0].dtype),
               plan.nout)


def max_pool_backward(plan, grad, indices, out):
    total = plan.n * plan.c * plan.h * plan.w
    if total == 0:
        return
    g, (fh, ch, _, fw, cw, _), xs, ys = _arrays(plan)
    launch.run(max_pool_backward_kernel, launch.blocks_for(total), THREADS, grad[0], grad[1], ys,
               indices[0], indices[1], g, fh, ch, fw, cw, out[0], out[1], xs, total,
               out[0].dtype.type(0))


def avg_pool(plan, x, out):
    if plan.nout == 0:
        return
    g, tables, xs, ys = _arrays(plan)
    launch.run(avg_pool_kernel, launch.blocks_for(plan.nout), THREADS, x[0], x[1], xs, g, *tables,
               int(plan.divisor), out[0], out[1], ys, out[0].dtype.kind != "f", plan.nout,
               out[0].dtype.type(0))


def avg_pool_backward(plan, grad, out):
    total = plan.n * plan.c * plan.h * plan.w
    if total == 0:
        return
    g, tables, xs, ys = _arrays(plan)
    launch.run(avg_pool_backward_kernel, launch.blocks_for(total), THREADS, grad[0], grad[1], ys,
               g, *tables, int(plan.divisor), out[0], out[1], xs, total, out[0].dtype.type(0))
