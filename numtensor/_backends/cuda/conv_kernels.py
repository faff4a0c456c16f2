"""im2col / col2im on CUDA (see plan.ConvPlan and cpu/conv_columns.py).

im2col: one thread per column element (grid-stride), taken in the column buffer's
memory order (n, k, p for per-sample columns, k, n, p for batch-wide ones), so the
writes of neighbouring threads are neighbours.  A thread decodes its row k into a
channel and a kernel tap (or the group's row of ones) and copies one input element,
or writes 0 where the receptive field reaches into the padding.

col2im: one thread per image element, which gathers every column element im2col
would have copied from it, taps in the CPU's order (i, then j), into a running sum.
No two threads write one element, so no atomics are needed and the result has the
CPU's bits (the CPU adds the same values to 0 in the same order).

Geometry g = [N, C, H, W, KH, KW, OH, OW, SH, SW, PH, PW, DH, DW, CG, ONES] and the
stride arrays live on the device (launch.device_ints, once per plan); `zero` and
`one` are kernel arguments of the buffer's dtype, so one kernel per dtype serves
every shape.
"""
from numba import cuda

from . import launch
from .launch import THREADS


@cuda.jit(cache=True)
def im2col_kernel(x, xo, xs, g, cols, co, cs, total, zero, one):
    N, C, H, W = g[0], g[1], g[2], g[3]
    KH, KW, OH, OW = g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    CG, ONES = g[14], g[15]
    P = OH * OW
    taps = KH * KW
    rows_per_group = CG * taps + ONES
    K = (C // CG) * rows_per_group
    per_sample = cs[0] >= cs[1]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        p = e % P
        rest = e // P
        if per_sample:
            k = rest % K
            n = rest // K
        else:
            n = rest % N
            k = rest // N
        at = co + n * cs[0] + k * cs[1] + p * cs[2]
        grp = k // rows_per_group
        r = k - grp * rows_per_group
        if r == CG * taps:                  # the group's row of ones (ONES == 1 only)
            cols[at] = one
            continue
        c = grp * CG + r // taps
        t = r % taps
        i = t // KW
        j = t % KW
        ih = (p // OW) * SH - PH + i * DH
        iw = (p % OW) * SW - PW + j * DW
        if ih >= 0 and ih < H and iw >= 0 and iw < W:
            cols[at] = x[xo + n * xs[0] + c * xs[1] + ih * xs[2] + iw * xs[3]]
        else:
            cols[at] = zero


@cuda.jit(cache=True)
def col2im_kernel(cols, co, cs, g, out, oo, os_, total, zero):
    C, H, W = g[1], g[2], g[3]
    KH, KW, OH, OW = g[4], g[5], g[6], g[7]
    SH, SW, PH, PW, DH, DW = g[8], g[9], g[10], g[11], g[12], g[13]
    CG, ONES = g[14], g[15]
    for e in range(cuda.grid(1), total, cuda.gridsize(1)):
        iw = e % W
        rest = e // W
        ih = rest % H
        rest //= H
        c = rest % C
        n = rest // C
        acc = zero
        for i in range(KH):
            th = ih + PH - i * DH          # = oh * SH for the output row that reads (ih, tap i)
            if th < 0 or th % SH != 0 or th // SH >= OH:
                continue
            oh = th // SH
            for j in range(KW):
                tw = iw + PW - j * DW
                if tw < 0 or tw % SW != 0 or tw // SW >= OW:
                    continue
                k = (c * KH + i) * KW + j + ONES * (c // CG)
                acc += cols[co + n * cs[0] + k * cs[1] + (oh * OW + tw // SW) * cs[2]]
        out[oo + n * os_[0] + c * os_[1] + ih * os_[2] + iw * os_[3]] = acc


def _arrays(plan):
    return (launch.device_ints(plan, "geometry", lambda: plan.geometry),
            launch.device_ints(plan, "x_strides", lambda: plan.x_strides),
            launch.device_ints(plan, "cols_strides", lambda: plan.cols_strides))


def im2col(plan, x, out):
    if plan.ncols == 0:
        return
    g, xs, cs = _arrays(plan)
    kt = out[0].dtype.type
    launch.run(im2col_kernel, launch.blocks_for(plan.ncols), THREADS, x[0], x[1], xs, g,
               out[0], out[1], cs, plan.ncols, kt(0), kt(1))


def col2im(plan, cols, out):
    total = plan.n * plan.c * plan.h * plan.w
    if total == 0:
        return
    g, xs, cs = _arrays(plan)
    launch.run(col2im_kernel, launch.blocks_for(total), THREADS, cols[0], cols[1], cs, g,
               out[0], out[1], xs, total, out[0].dtype.type(0))
