"""PyTorch's CPU random stream: the 32-bit Mersenne Twister (mt19937) and the transforms
PyTorch's CPU kernels apply to its words, so that manual_seed(s) followed by the same
calls gives the values PyTorch gives.

The engine state is host memory that a CPU Generator owns and seeds (see _random.py,
which keeps Numba out of `import numtensor`):
- `state`, uint32[624], the twister's words;
- `cursor`, int64[2]: PyTorch's own bookkeeping, words left before the next twist and
  the index of the next word, so that get_rng_state() can be PyTorch's bytes;
- `cache`, float64[2]: (valid, value) of the second normal of the last Box-Muller pair
  drawn one element at a time, which PyTorch keeps for the next such draw.

A 32-bit draw is one word; a 64-bit draw is two, the first one high.  Uniforms take the
low 24 (float32), 53 (float64), 11 (float16) or 8 (bfloat16) bits of a draw.  The
transforms and their order follow PyTorch's CPU kernels; where those compute with fused
multiply-adds (its AVX2 Box-Muller), so do these.  The draws are serial by nature, as in
PyTorch.
"""
import math

import numpy as np
from numba import njit
from .jit_options import NO_PYTHON_ENTRY

from .fastmath import float32_bits, float32_from_bits, fused_mul_add

OPTS = dict(cache=True, nogil=True)
HELPER = dict(OPTS, **NO_PYTHON_ENTRY)  # helpers called only from kernels

N = 624
_M = 397
_U32 = np.uint64(0xFFFFFFFF)
_UPPER = np.uint64(0x80000000)
_LOWER = np.uint64(0x7FFFFFFF)
_MATRIX_A = np.uint64(0x9908B0DF)
_TEMPER_B = np.uint64(0x9D2C5680)
_TEMPER_C = np.uint64(0xEFC60000)
_ONE = np.uint64(1)
_MASK53 = np.uint64((1 << 53) - 1)
_F = np.float32


@njit(**HELPER)
def _twist(state):
    for k in range(N):
        y = (np.uint64(state[k]) & _UPPER) | (np.uint64(state[(k + 1) % N]) & _LOWER)
        v = np.uint64(state[(k + _M) % N]) ^ (y >> _ONE)
        if y & _ONE:
            v ^= _MATRIX_A
        state[k] = np.uint32(v)


@njit(inline="always", **OPTS)
def random32(state, cursor):
    """The next 32-bit word, tempered (as a uint64)."""
    cursor[0] -= 1
    if cursor[0] == 0:
        _twist(state)
        cursor[0] = N
        cursor[1] = 0
    y = np.uint64(state[cursor[1]])
    cursor[1] += 1
    y ^= y >> np.uint64(11)
    y ^= (y << np.uint64(7)) & _TEMPER_B
    y ^= (y << np.uint64(15)) & _TEMPER_C
    y ^= y >> np.uint64(18)
    return y & _U32


@njit(inline="always", **OPTS)
def random64(state, cursor):
    hi = random32(state, cursor)
    return (hi << np.uint64(32)) | random32(state, cursor)


@njit(inline="always", **OPTS)
def _uniform53(state, cursor):
    return float(random64(state, cursor) & _MASK53) * 1.1102230246251565e-16  # 2**-53


@njit(inline="always", **OPTS)
def _uniform_f32(state, cursor, bits):
    # PyTorch's float accumulator: the masked word times 2**-bits, in float32
    word = random32(state, cursor) & ((_ONE << np.uint64(bits)) - _ONE)
    return _F(word) * _F(2.0 ** -bits)


# ---- uniform, integers ------------------------------------------------------------------
@njit(**OPTS)
def uniform(state, cursor, y, n, lo, hi, bits):
    """y[:n] = u * (hi - lo) + lo, u uniform in [0, 1) with `bits` bits: in float64 for
    53 bits (y float64), else in float32 (y float32; float16/bfloat16 round it later)."""
    if bits == 53:
        span = hi - lo
        for i in range(n):
            y[i] = fused_mul_add(_uniform53(state, cursor), span, lo)
    else:
        lo32 = _F(lo)
        span32 = _F(hi) - lo32
        for i in range(n):
            y[i] = fused_mul_add(_uniform_f32(state, cursor, bits), span32, lo32)


@njit(**OPTS)
def integers(state, cursor, y, n, lo, span, wide):
    """y[:n] = lo + draw % span, from 64-bit draws where `wide`, else 32-bit ones."""
    s = np.uint64(span)
    for i in range(n):
        word = random64(state, cursor) if wide else random32(state, cursor)
        y[i] = lo + np.int64(word % s)


@njit(**OPTS)
def randperm(state, cursor, y, n):
    """PyTorch's CPU shuffle of 0..n-1: for each i, swap y[i] with y[i + draw % (n - i)],
    from 32-bit draws; from n = 2**32 / 20 on, where their modulo would be visibly
    biased, the inside-out shuffle with 64-bit draws."""
    if n < 214748364:
        for i in range(n):
            y[i] = i
        for i in range(n - 1):
            z = np.int64(random32(state, cursor) % np.uint64(n - i))
            t = y[i]
            y[i] = y[z + i]
            y[z + i] = t
    else:
        for i in range(n):
            z = np.int64(random64(state, cursor) % np.uint64(i + 1))
            y[i] = y[z]
            y[z] = i


# ---- bernoulli, exponential, multinomial ------------------------------------------------
@njit(**OPTS)
def bernoulli_scalar(state, cursor, y, n, p):
    """y[:n] = (float64 uniform < p)."""
    for i in range(n):
        y[i] = _uniform53(state, cursor) < p


@njit(**OPTS)
def bernoulli_tensor(state, cursor, y, n, p, bits):
    """y[i] = (uniform < p[i]), the uniform of p's precision (24 or 53 bits)."""
    for i in range(n):
        if bits == 53:
            y[i] = _uniform53(state, cursor) < p[i]
        else:
            y[i] = _uniform_f32(state, cursor, 24) < p[i]


@njit(**OPTS)
def exponential(state, cursor, y, n, lambd):
    """y[:n] = -1 / lambd * log1p(-u) for float64 uniforms u."""
    for i in range(n):
        y[i] = -1.0 / lambd * math.log1p(-_uniform53(state, cursor))


@njit(**OPTS)
def multinomial_cdf(state, cursor, y, probs, nrows, ncat, nsamples):
    """Sampling with replacement: each row's running sum, divided by the total (in probs'
    dtype), then per sample a float64 uniform and a binary search for the first
    category whose cumulative probability is not below it."""
    cum = np.empty(ncat, probs.dtype)
    for r in range(nrows):
        total = probs[r * ncat]
        cum[0] = total
        for c in range(1, ncat):
            total += probs[r * ncat + c]
            cum[c] = total
        if total > 0:
            for c in range(ncat):
                cum[c] /= total
        for s in range(nsamples):
            u = _uniform53(state, cursor)
            left = 0
            right = ncat
            while right > left:
                mid = left + (right - left) // 2
                if cum[mid] < u:
                    left = mid + 1
                else:
                    right = mid
            y[r * nsamples + s] = left


# ---- normal -----------------------------------------------------------------------------
@njit(**OPTS)
def normal_each(state, cursor, cache, y, n, mean, std):
    """One element at a time (PyTorch's path below 16 elements): Box-Muller on two float64
    uniforms gives r cos(theta) now and keeps r sin(theta) in the cache for the next."""
    for i in range(n):
        if cache[0] != 0.0:
            z = cache[1]
            cache[0] = 0.0
        else:
            u1 = _uniform53(state, cursor)
            u2 = _uniform53(state, cursor)
            r = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            cache[0] = 1.0
            cache[1] = r * math.sin(theta)
            z = r * math.cos(theta)
        y[i] = fused_mul_add(z, std, mean)


@njit(inline="always", **OPTS)
def _fill_uniforms(state, cursor, y, start, stop, bits):
    for i in range(start, stop):
        if bits == 53:
            y[i] = _uniform53(state, cursor)
        else:
            y[i] = _uniform_f32(state, cursor, bits)


@njit(**OPTS)
def normal_fill(state, cursor, y, n, mean, std, bits):
    """PyTorch's path from 16 contiguous elements on: n uniforms, then Box-Muller in
    blocks of 16 pairing element j with j + 8; when 16 does not divide n, the last 16
    elements are drawn afresh and transformed again.  float64 (bits 53) uses libm;
    float32 reproduces PyTorch's AVX2 kernel (Cephes log and sincos with its fused
    multiply-adds)."""
    _fill_uniforms(state, cursor, y, 0, n, bits)
    for b in range(0, n - 15, 16):
        _box_muller_16(y, b, mean, std, bits)
    if n % 16:
        _fill_uniforms(state, cursor, y, n - 16, n, bits)
        _box_muller_16(y, n - 16, mean, std, bits)


@njit(inline="always", **OPTS)
def _box_muller_16(y, b, mean, std, bits):
    if bits == 53:
        for j in range(8):
            r = math.sqrt(-2.0 * math.log(1.0 - y[b + j]))
            theta = 2.0 * math.pi * y[b + j + 8]
            y[b + j] = fused_mul_add(r * math.cos(theta), std, mean)
            y[b + j + 8] = fused_mul_add(r * math.sin(theta), std, mean)
    else:
        two_pi = _F(2.0 * math.pi)
        mean32 = _F(mean)
        std32 = _F(std)
        for j in range(8):
            r = np.sqrt(_F(-2.0) * _cephes_log(_F(1.0) - _F(y[b + j])))
            s, c = _cephes_sincos(two_pi * _F(y[b + j + 8]))
            y[b + j] = fused_mul_add(r * c, std32, mean32)
            y[b + j + 8] = fused_mul_add(r * s, std32, mean32)


_LOG_P = tuple(_F(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1,
                               -1.2420140846E-1, 1.4249322787E-1, -1.6668057665E-1,
                               2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1))
_P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8 = _LOG_P


@njit(inline="always", **OPTS)
def _cephes_log(x):
    """Natural log of a float32 in (0, 1], Cephes' polynomial as PyTorch's AVX2 kernel
    evaluates it (the mantissa reduced to [sqrt(1/2), sqrt(2)), fused steps as compiled)."""
    bits = float32_bits(max(x, _F(1.1754943508222875e-38)))
    e = _F((bits >> 23) - 127) + _F(1.0)
    m = float32_from_bits((bits & ~0x7F800000) | 0x3F000000)
    if m < _F(0.707106781186547524):
        e = e - _F(1.0)
        m = (m - _F(1.0)) + m
    else:
        m = m - _F(1.0)
    z = m * m
    p = _P0
    p = fused_mul_add(p, m, _P1)
    p = fused_mul_add(p, m, _P2)
    p = fused_mul_add(p, m, _P3)
    p = fused_mul_add(p, m, _P4)
    p = fused_mul_add(p, m, _P5)
    p = fused_mul_add(p, m, _P6)
    p = fused_mul_add(p, m, _P7)
    p = fused_mul_add(p, m, _P8)
    p = p * m
    p = fused_mul_add(p, z, e * _F(-2.12194440e-4))
    p = fused_mul_add(z, _F(-0.5), p)
    return fused_mul_add(e, _F(0.693359375), m + p)


@njit(inline="always", **OPTS)
def _cephes_sincos(x):
    """(sin x, cos x) of a float32, Cephes' octant reduction and polynomials as PyTorch's
    AVX2 kernel evaluates them."""
    negative_sin = x < 0
    x = abs(x)
    j = np.int32(x * _F(1.27323954473516))  # 4/pi, truncated as the vector conversion does
    j = (j + 1) & ~1
    q = _F(j)
    negative_sin ^= (j & 4) != 0
    use_sin_poly = (j & 2) == 0
    negative_cos = ((~(j - 2)) & 4) != 0
    x = fused_mul_add(q, _F(-0.78515625), x)
    x = fused_mul_add(q, _F(-2.4187564849853515625e-4), x)
    x = fused_mul_add(q, _F(-3.77489497744594108e-8), x)
    z = x * x
    c = fused_mul_add(_F(2.443315711809948E-005), z, _F(-1.388731625493765E-003))
    c = fused_mul_add(c, z, _F(4.166664568298827E-002))
    c = c * z
    c = fused_mul_add(c, z, -(z * _F(0.5)))
    c = c + _F(1.0)
    s = fused_mul_add(_F(-1.9515295891E-4), z, _F(8.3321608736E-3))
    s = fused_mul_add(s, z, _F(-1.6666654611E-1))
    s = s * z
    s = fused_mul_add(s, x, x)
    sin_x, cos_x = (s, c) if use_sin_poly else (c, s)
    return (-sin_x if negative_sin else sin_x), (-cos_x if negative_cos else cos_x)
