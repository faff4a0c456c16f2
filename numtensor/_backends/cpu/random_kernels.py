"""Counter-based random numbers: element i of a draw is a hash of (seed, counter + i).

The same stream on every thread count and on CUDA: a draw only needs the seed and
the generator's counter, which the host advances by the number of values used.
splitmix64 is the hash; uniforms take the top 24 (float32) or 53 (float64) bits so
that they stay strictly below 1 after rounding.
"""
import math

import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(inline="always", **OPTS)
def _mix(seed, counter):
    z = np.uint64(seed) + (np.uint64(counter) + np.uint64(1)) * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(inline="always", **OPTS)
def _uniform(seed, counter, bits):
    z = _mix(seed, counter)
    return float(z >> np.uint64(64 - bits)) * math.ldexp(1.0, -bits)


@njit(parallel=True, **OPTS)
def uniform(y, oy, n, seed, counter, bits, lo, hi, top):
    for i in prange(n):
        y[oy + i] = min(lo + (hi - lo) * _uniform(seed, counter + i, bits), top)


@njit(parallel=True, **OPTS)
def normal(y, oy, n, seed, counter, mean, std):
    # Box-Muller; each element uses the two uniforms at counters 2i and 2i+1
    for i in prange(n):
        u1 = _uniform(seed, counter + 2 * i, 53)
        u2 = _uniform(seed, counter + 2 * i + 1, 53)
        r = math.sqrt(-2.0 * math.log(1.0 - u1))
        y[oy + i] = mean + std * r * math.cos(2.0 * math.pi * u2)


@njit(parallel=True, **OPTS)
def randint(y, oy, n, seed, counter, lo, span):
    # 64 random bits modulo the span: the bias is below 2**-40 for any span < 2**24
    for i in prange(n):
        z = _mix(seed, counter + i)
        y[oy + i] = lo + np.int64(z % np.uint64(span))


@njit(parallel=True, **OPTS)
def bernoulli(y, oy, n, seed, counter, p, op, pt):
    # p is a probability buffer read at op + i * pt (pt = 0 for a scalar p)
    for i in prange(n):
        y[oy + i] = _uniform(seed, counter + i, 53) < p[op + i * pt]


@njit(**OPTS)
def randperm(y, n, seed, counter):
    # Fisher-Yates, serial by nature
    for i in range(n):
        y[i] = i
    for i in range(n - 1, 0, -1):
        j = np.int64(_mix(seed, counter + i) % np.uint64(i + 1))
        t = y[i]
        y[i] = y[j]
        y[j] = t


@njit(**OPTS)
def multinomial(y, probs, nrows, ncat, nsamples, replacement, seed, counter):
    # inverse-CDF sampling per row; without replacement the drawn weight is removed
    w = np.empty(ncat, np.float64)
    k = 0
    for r in range(nrows):
        for c in range(ncat):
            w[c] = probs[r * ncat + c]
        for s in range(nsamples):
            total = 0.0
            for c in range(ncat):
                total += w[c]
            u = _uniform(seed, counter + k, 53) * total
            k += 1
            acc = 0.0
            pick = ncat - 1
            for c in range(ncat):
                acc += w[c]
                if u < acc and w[c] > 0:
                    pick = c
                    break
            y[r * nsamples + s] = pick
            if not replacement:
                w[pick] = 0.0
