"""float16 <-> float32 conversion, since Numba cannot load or store float16 itself.

float16 buffers are handed to kernels as their uint16 bit patterns; these two scalar
functions convert with plain arithmetic (round-half-to-even, as IEEE casts do).
"""
import math

import numpy as np
from numba import njit, prange

OPTS = dict(cache=True, nogil=True, error_model="numpy")


@njit(inline="always", **OPTS)
def half_bits_to_float(h):
    h = np.int64(h)
    sign = -1.0 if h & 0x8000 else 1.0
    e = (h >> 10) & 0x1F
    m = h & 0x3FF
    if e == 0:
        return sign * m * 2.0 ** -24
    if e == 31:
        return sign * math.inf if m == 0 else math.nan
    return sign * (1.0 + m / 1024.0) * 2.0 ** (e - 15)


@njit(inline="always", **OPTS)
def float_to_half_bits(x):
    x = np.float64(x)
    if x != x:
        return np.uint16(0x7E00)
    sign = 0x8000 if (x < 0 or (x == 0 and math.copysign(1.0, x) < 0)) else 0
    ax = abs(x)
    if ax >= 65520.0:
        return np.uint16(sign | 0x7C00)
    if ax < 2.0 ** -14:  # subnormal (or zero): units of 2**-24
        q = np.int64(np.rint(ax * 2.0 ** 24))
        return np.uint16(sign | q)
    m, e = math.frexp(ax)  # ax = m * 2**e, m in [0.5, 1)
    exp = e - 1 + 15
    mant = np.int64(np.rint((m * 2.0 - 1.0) * 1024.0))
    if mant == 1024:
        mant = 0
        exp += 1
    if exp >= 31:
        return np.uint16(sign | 0x7C00)
    return np.uint16(sign | (exp << 10) | mant)


@njit(parallel=True, **OPTS)
def from_half(shape, x, ox, sx, y, oy, sy):
    nd = shape.size
    total = 1
    for d in range(nd):
        total *= shape[d]
    for i in prange(total):
        rem = np.int64(i) + 0
        px = ox
        py = oy
        for d in range(nd - 1, -1, -1):
            k = rem % shape[d]
            rem //= shape[d]
            px += k * sx[d]
            py += k * sy[d]
        y[py] = half_bits_to_float(x[px])


@njit(parallel=True, **OPTS)
def to_half(shape, x, ox, sx, y, oy, sy):
    nd = shape.size
    total = 1
    for d in range(nd):
        total *= shape[d]
    for i in prange(total):
        rem = np.int64(i) + 0
        px = ox
        py = oy
        for d in range(nd - 1, -1, -1):
            k = rem % shape[d]
            rem //= shape[d]
            px += k * sx[d]
            py += k * sy[d]
        y[py] = float_to_half_bits(x[px])
