"""Random draws on CUDA from the CPU's counter-based stream (cpu/random_kernels.py):
element i of a draw is splitmix64(seed, counter + i), so manual_seed gives the same
numbers on both devices.  Uniform and integer draws are bit-for-bit the CPU's (the
scaling is done without fused multiply-adds); normal draws go through log and cos,
whose CUDA versions may differ from the host's libm in the last bit.

randperm is Fisher-Yates, serial by nature: one thread (the same permutation as the
CPU).  multinomial draws with a thread per row (row r, sample s uses counter
r * nsamples + s, as the CPU's serial loop does).
"""
import math

import numpy as np
from numba import cuda

from . import launch
from .device_functions import add_rn, mul_rn, splitmix
from .launch import THREADS


@cuda.jit(device=True, inline=True)
def _uniform(seed, counter, shift, scale):
    """A uniform in [0, 1) from the top bits of the hash (shift = 64 - bits)."""
    return float(splitmix(seed, counter) >> shift) * scale


@cuda.jit(cache=True)
def uniform_kernel(y, oy, n, seed, counter, shift, scale, lo, width, top):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        y[oy + i] = min(add_rn(lo, mul_rn(width, _uniform(seed, counter + i, shift, scale))), top)


@cuda.jit(cache=True)
def normal_kernel(y, oy, n, seed, counter, mean, std):
    # Box-Muller; each element uses the two uniforms at counters 2i and 2i+1
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        u1 = _uniform(seed, counter + 2 * i, np.uint64(11), 2.0 ** -53)
        u2 = _uniform(seed, counter + 2 * i + 1, np.uint64(11), 2.0 ** -53)
        r = math.sqrt(-2.0 * math.log(1.0 - u1))
        y[oy + i] = add_rn(mean, mul_rn(mul_rn(std, r), math.cos(mul_rn(2.0 * math.pi, u2))))


@cuda.jit(cache=True)
def randint_kernel(y, oy, n, seed, counter, lo, span):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        y[oy + i] = lo + np.int64(splitmix(seed, counter + i) % span)


@cuda.jit(cache=True)
def bernoulli_kernel(y, oy, n, seed, counter, p, op, pt, pscalar, use_scalar):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        pi = pscalar if use_scalar else p[op + i * pt]
        y[oy + i] = _uniform(seed, counter + i, np.uint64(11), 2.0 ** -53) < pi


@cuda.jit(cache=True)
def randperm_kernel(y, oy, n, seed, counter):
    if cuda.grid(1) != 0:
        return
    for i in range(n):
        y[oy + i] = i
    for i in range(n - 1, 0, -1):
        j = np.int64(splitmix(seed, counter + i) % np.uint64(i + 1))
        t = y[oy + i]
        y[oy + i] = y[oy + j]
        y[oy + j] = t


@cuda.jit(cache=True)
def multinomial_kernel(y, oy, probs, po, w, nrows, ncat, nsamples, replacement, seed, counter):
    # inverse-CDF sampling per row; without replacement the drawn weight is removed
    for r in range(cuda.grid(1), nrows, cuda.gridsize(1)):
        base = r * ncat
        for c in range(ncat):
            w[base + c] = probs[po + base + c]
        for s in range(nsamples):
            total = 0.0
            for c in range(ncat):
                total += w[base + c]
            u = _uniform(seed, counter + r * nsamples + s, np.uint64(11), 2.0 ** -53) * total
            acc = 0.0
            pick = ncat - 1
            for c in range(ncat):
                acc += w[base + c]
                if u < acc and w[base + c] > 0:
                    pick = c
                    break
            y[oy + r * nsamples + s] = pick
            if not replacement:
                w[base + pick] = 0.0


def uniform(out, n, seed, counter, low, high):
    if not n:
        return
    dt = out[0].dtype
    bits = 53 if dt == np.float64 else 24
    # low + (high - low) * u can round up to high in the output's precision: draws stop
    # at the largest value below high (as on the CPU), so the interval stays half-open
    top = float(np.nextafter(dt.type(high), dt.type(-np.inf))) if high > low else float(low)
    launch.run(uniform_kernel, launch.blocks_for(n), THREADS, out[0], out[1], n, np.uint64(seed),
               np.int64(counter), np.uint64(64 - bits), 2.0 ** -bits, float(low),
               float(high) - float(low), top)


def normal(out, n, seed, counter, mean, std):
    if n:
        launch.run(normal_kernel, launch.blocks_for(n), THREADS, out[0], out[1], n,
                   np.uint64(seed), np.int64(counter), float(mean), float(std))


def integers(out, n, seed, counter, low, span):
    if n:
        buf = launch.movable(out[0]) if out[0].dtype == np.bool_ else out[0]
        launch.run(randint_kernel, launch.blocks_for(n), THREADS, buf, out[1], n,
                   np.uint64(seed), np.int64(counter), np.int64(low), np.uint64(span))


def bernoulli(out, n, seed, counter, p):
    if not n:
        return
    if type(p) is tuple:
        args = (p[0], p[1], 1, 0.0, False)
    else:
        args = (launch.dummy_of(np.float64), 0, 0, float(p), True)
    launch.run(bernoulli_kernel, launch.blocks_for(n), THREADS, out[0], out[1], n,
               np.uint64(seed), np.int64(counter), *args)


def randperm(out, n, seed, counter):
    if n:
        launch.run(randperm_kernel, 1, 1, out[0], out[1], n, np.uint64(seed), np.int64(counter))


def multinomial(probs, nrows, ncat, out, nsamples, replacement, seed, counter):
    from . import allocator
    if nrows * nsamples == 0:
        return
    w = allocator.empty(nrows * ncat, np.float64)
    launch.run(multinomial_kernel, launch.blocks_for(nrows), THREADS, out[0], out[1], probs[0],
               probs[1], w, nrows, ncat, nsamples, bool(replacement), np.uint64(seed),
               np.int64(counter))
