"""Softmax and log-softmax along one dim on CUDA, and their backward (see
plan.SoftmaxPlan and cpu/softmax_kernels.py, whose formulas these kernels follow).

The tensor is contiguous and seen as (outer, n, inner).  One thread normalises one
line of n elements (grid-stride over the outer * inner lines) in the CPU's three
passes: the line's maximum (a NaN wins, so a NaN anywhere makes the line NaN), the
sum of exp(x - max), then the output; log-softmax is (x - max) - log(sum).
Neighbouring threads take neighbouring lines, which for inner > 1 (softmax over
channels) are neighbours in memory, so those reads are coalesced; for inner == 1
(rows) a block-per-row reduction would read faster for long rows, the typical
classifier rows of a few to a few hundred classes are served well enough by this.

Backward, with y the forward's output and g the incoming gradient:
  softmax:      dx = y * (g - sum(g * y))
  log_softmax:  dx = g - exp(y) * sum(g)

float32 lines compute in float32 (libdevice's expf/logf: within 2 ulp, so results
agree with the CPU's to rounding), float64 in float64.  `zero` is a kernel argument
of the dtype, so the sums start in it.
"""
import math

from numba import cuda

from . import launch
from .launch import THREADS


@cuda.jit(cache=True)
def softmax_kernel(x, xo, y, yo, outer, n, inner, log, zero):
    for line in range(cuda.grid(1), outer * inner, cuda.gridsize(1)):
        o = line // inner
        base = o * n * inner + (line - o * inner)
        m = x[xo + base]
        for r in range(1, n):
            v = x[xo + base + r * inner]
            if v > m or v != v:
                m = v
        s = zero
        if log:
            for r in range(n):
                s += math.exp(x[xo + base + r * inner] - m)
            logs = math.log(s)
            for r in range(n):
                y[yo + base + r * inner] = (x[xo + base + r * inner] - m) - logs
        else:
            for r in range(n):
                e = math.exp(x[xo + base + r * inner] - m)
                y[yo + base + r * inner] = e
                s += e
            scale = 1 / s
            for r in range(n):
                y[yo + base + r * inner] *= scale


@cuda.jit(cache=True)
def softmax_backward_kernel(g, go, y, yo, out, oo, outer, n, inner, log, zero):
    for line in range(cuda.grid(1), outer * inner, cuda.gridsize(1)):
        o = line // inner
        base = o * n * inner + (line - o * inner)
        s = zero
        if log:
            for r in range(n):
                s += g[go + base + r * inner]
            for r in range(n):
                at = base + r * inner
                out[oo + at] = g[go + at] - math.exp(y[yo + at]) * s
        else:
            for r in range(n):
                at = base + r * inner
                s += g[go + at] * y[yo + at]
            for r in range(n):
                at = base + r * inner
                out[oo + at] = y[yo + at] * (g[go + at] - s)


def softmax(plan, x, out, log):
    if plan.numel == 0:
        return
    lines = plan.outer * plan.inner
    launch.run(softmax_kernel, launch.blocks_for(lines), THREADS, x[0], x[1], out[0], out[1],
               plan.outer, plan.n, plan.inner, bool(log), out[0].dtype.type(0))


def softmax_backward(plan, grad, result, out, log):
    if plan.numel == 0:
        return
    lines = plan.outer * plan.inner
    launch.run(softmax_backward_kernel, launch.blocks_for(lines), THREADS, grad[0], grad[1],
               result[0], result[1], out[0], out[1], plan.outer, plan.n, plan.inner, bool(log),
               out[0].dtype.type(0))
