"""The negative log-likelihood loss and its gradient on CUDA (see Backend.nll_loss and
cpu/loss_kernels.py, whose formulas these kernels follow).

'none' gives each thread rows (grid-stride); a sum runs on one thread, in row order: a
classifier's batch is a few hundred rows, and one thread keeps the additions in one
order (PyTorch's CUDA kernel reduces in another, so sums agree with it to rounding).
A target out of range is reported as the first such row (atomic minimum) in a
one-element array the host reads, as the index kernels report a bad index.  The
backward writes every element of the (n, c) gradient, so it needs no zeroing first.
"""
import numpy as np
from numba import cuda

from . import launch
from .launch import THREADS

_NO_BAD_ROW = np.iinfo(np.int64).max


@cuda.jit(cache=True)
def nll_none_kernel(x, xo, t, to, w, wo, weighted, n, c, ignore_index, out, oo, bad):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        k = t[to + i]
        if k == ignore_index:
            out[oo + i] = 0
        elif k < 0 or k >= c:
            cuda.atomic.min(bad, 0, i)
        elif weighted:
            out[oo + i] = -x[xo + i * c + k] * w[wo + k]
        else:
            out[oo + i] = -x[xo + i * c + k]


@cuda.jit(cache=True)
def nll_sum_kernel(x, xo, t, to, w, wo, weighted, n, c, ignore_index, mean, out, oo, total,
                   tot_o, bad, zero):
    if cuda.grid(1) != 0:
        return
    loss = zero
    weight = zero
    kept = 0
    for b in range(n):
        k = t[to + b]
        if k == ignore_index:
            continue
        if k < 0 or k >= c:
            bad[0] = b
            return
        kept += 1
        v = x[xo + b * c + k]
        if weighted:
            weight += w[wo + k]
            loss -= v * w[wo + k]
        else:
            loss -= v
    if not weighted:
        weight = zero + kept
    if mean:
        loss /= weight
    out[oo] = loss
    total[tot_o] = weight


@cuda.jit(cache=True)
def nll_backward_kernel(g, go, per_row, t, to, w, wo, weighted, n, c, ignore_index, mean,
                        total, tot_o, out, oo):
    for e in range(cuda.grid(1), n * c, cuda.gridsize(1)):
        i = e // c
        k = t[to + i]
        if k != e - i * c or k == ignore_index:
            out[oo + e] = 0
        else:
            if per_row:
                v = -g[go + i]
            elif mean:
                v = -(g[go] / total[tot_o])
            else:
                v = -g[go]
            out[oo + e] = w[wo + k] * v if weighted else v


def nll_loss(x, target, weight, n, c, ignore_index, reduction, out, total_weight):
    w = weight if weight is not None else x
    bad = launch.to_device_async(np.array([_NO_BAD_ROW], np.int64))
    if reduction == "none":
        if n == 0:
            return None
        launch.run(nll_none_kernel, launch.blocks_for(n), THREADS, x[0], x[1], target[0],
                   target[1], w[0], w[1], weight is not None, n, c, ignore_index, out[0],
                   out[1], bad)
    else:
        launch.run(nll_sum_kernel, 1, 1, x[0], x[1], target[0], target[1], w[0], w[1],
                   weight is not None, n, c, ignore_index, reduction == "mean", out[0],
                   out[1], total_weight[0], total_weight[1], bad, out[0].dtype.type(0))
    row = int(launch.read(bad)[0])
    if row == _NO_BAD_ROW:
        return None
    return int(launch.read(target[0][target[1] + row:target[1] + row + 1])[0])


def nll_loss_backward(grad, target, weight, n, c, ignore_index, reduction, total_weight, out):
    if n * c == 0:
        return
    w = weight if weight is not None else out
    tw = total_weight if total_weight is not None else out
    launch.run(nll_backward_kernel, launch.blocks_for(n * c), THREADS, grad[0], grad[1],
               reduction == "none", target[0], target[1], w[0], w[1], weight is not None, n, c,
               ignore_index, reduction == "mean", tw[0], tw[1], out[0], out[1])
