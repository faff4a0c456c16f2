"""Device functions the generated CUDA kernels call.

Every one is `inline=True`: Numba then inlines it into the kernel before compiling,
so a kernel compiles to PTX from its Python source alone (a non-inlined device
function asks the driver for the device's compute capability, which fails on a
machine without a GPU, and so does cmath.sin and a few other cmath functions in
numba.cuda; the complex functions below stand in for those).
"""
import math

import numpy as np
from numba import cuda

from .. import scalar_ops
from .launch import SIMULATOR

_LN10 = 2.302585092994046


# ---- complex functions numba.cuda implements out of line ---------------------------------------
@cuda.jit(device=True, inline=True)
def cphase(z):
    return math.atan2(z.imag, z.real)


@cuda.jit(device=True, inline=True)
def clog10(z):
    return complex(math.log(abs(z)) / _LN10, math.atan2(z.imag, z.real) / _LN10)


# complex a / b as the CPU's (scalar_ops.complex_divide)
cdiv = cuda.jit(device=True, inline=True)(scalar_ops.complex_divide)


@cuda.jit(device=True, inline=True)
def csin(z):
    x = z.real
    y = z.imag
    return complex(math.sin(x) * math.cosh(y), math.cos(x) * math.sinh(y))


@cuda.jit(device=True, inline=True)
def ccos(z):
    x = z.real
    y = z.imag
    return complex(math.cos(x) * math.cosh(y), -(math.sin(x) * math.sinh(y)))


@cuda.jit(device=True, inline=True)
def csinh(z):
    x = z.real
    y = z.imag
    return complex(math.sinh(x) * math.cos(y), math.cosh(x) * math.sin(y))


@cuda.jit(device=True, inline=True)
def ccosh(z):
    x = z.real
    y = z.imag
    return complex(math.cosh(x) * math.cos(y), math.sinh(x) * math.sin(y))


@cuda.jit(device=True, inline=True)
def ctanh(z):
    # Kahan's formula, which neither overflows nor cancels for large |x|
    x = float(z.real)
    y = float(z.imag)
    if abs(x) > 20.0:  # tanh(x) is +-1 in double precision; the imaginary part is tiny
        return complex(math.copysign(1.0, x),
                       4.0 * math.sin(y) * math.cos(y) * math.exp(-2.0 * abs(x)))
    t = math.tan(y)
    b = 1.0 + t * t
    s = math.sinh(x)
    r = math.sqrt(1.0 + s * s)
    d = 1.0 + b * s * s
    return complex(b * r * s / d, t / d)


@cuda.jit(device=True, inline=True)
def ctan(z):
    # tan(z) = -i tanh(i z)
    w = ctanh(complex(-z.imag, z.real))
    return complex(w.imag, -w.real)


# ---- float64 arithmetic that is never fused ------------------------------------------------------
# NVVM contracts a * b + c into one fused multiply-add, which rounds differently from
# the CPU's separate multiply and add.  Where CPU and GPU must give the same bits
# (arange, the uniform draws), the kernels spell the operations out.
if SIMULATOR:  # plain Python arithmetic is never fused (and the simulator has no libdevice)
    @cuda.jit(device=True, inline=True)
    def mul_rn(a, b):
        return a * b

    @cuda.jit(device=True, inline=True)
    def add_rn(a, b):
        return a + b
else:
    from numba.cuda import libdevice

    @cuda.jit(device=True, inline=True)
    def mul_rn(a, b):
        return libdevice.dmul_rn(a, b)

    @cuda.jit(device=True, inline=True)
    def add_rn(a, b):
        return libdevice.dadd_rn(a, b)


# ---- a multiply-add rounded once ---------------------------------------------------------------
if SIMULATOR:
    @cuda.jit(device=True, inline=True)
    def _split(a):
        # Veltkamp: a = hi + lo, each half holding 26 bits
        t = 134217729.0 * a
        hi = t - (t - a)
        return hi, a - hi

    @cuda.jit(device=True, inline=True)
    def fma(a, b, c):
        """a * b + c rounded once; the simulator's cuda.fma rounds twice, so the
        error-free product and sum stand in for the hardware instruction."""
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        perr = ((ah * bh - p) + ah * bl + al * bh) + al * bl
        s = p + c
        bb = s - p
        serr = (p - (s - bb)) + (c - bb)
        return s + (serr + perr)
else:
    @cuda.jit(device=True, inline=True)
    def fma(a, b, c):
        """a * b + c rounded once (the hardware's fused multiply-add)."""
        return cuda.fma(a, b, c)


# ---- the counter-based random stream (cpu/random_kernels.py) -------------------------------------
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB

if SIMULATOR:  # Python integers: NumPy's uint64 scalars would warn on every wrap-around
    _MASK = (1 << 64) - 1

    @cuda.jit(device=True, inline=True)
    def splitmix(seed, counter):
        z = (int(seed) + (int(counter) + 1) * _GOLDEN) & _MASK
        z = ((z ^ (z >> 30)) * _M1) & _MASK
        z = ((z ^ (z >> 27)) * _M2) & _MASK
        return np.uint64(z ^ (z >> 31))
else:
    _G = np.uint64(_GOLDEN)
    _U1 = np.uint64(_M1)
    _U2 = np.uint64(_M2)

    @cuda.jit(device=True, inline=True)
    def splitmix(seed, counter):
        """splitmix64 of (seed, counter): the hash behind every random draw."""
        z = np.uint64(seed) + (np.uint64(counter) + np.uint64(1)) * _G
        z = (z ^ (z >> np.uint64(30))) * _U1
        z = (z ^ (z >> np.uint64(27))) * _U2
        return z ^ (z >> np.uint64(31))


# ---- the CPU's float32 exp, expm1, log, tanh and sigmoid (cpu/fastmath.py) ---------------------
# The CPU evaluates these in float64 and rounds once to float32 (correctly rounded but
# for a handful of inputs; sigmoid of x >= 0 keeps PyTorch's float32 roundings); the same here, with libdevice's float64 functions, so both
# devices print the same digits.  float64 operands use the plain math functions (see
# elementwise_kernels.cuda_spelling).  Under the simulator NumPy's functions stand in
# for Python's, which raise where a GPU returns inf or NaN.
_SIGMOID_CLAMP = 104.0                  # exp(-x) stays finite in float64 inside +-104
_SIGMOID_FLUSH = np.float32(-88.72284)  # PyTorch's 1 / (1 + exp(-x)) is 0 below this

if SIMULATOR:
    _exp, _expm1, _log, _tanh = np.exp, np.expm1, np.log, np.tanh
else:
    _exp, _expm1, _log, _tanh = math.exp, math.expm1, math.log, math.tanh


@cuda.jit(device=True, inline=True)
def exp_f32(a):
    return np.float32(_exp(np.float64(a)))


@cuda.jit(device=True, inline=True)
def expm1_f32(a):
    return np.float32(_expm1(np.float64(a)))


@cuda.jit(device=True, inline=True)
def log_f32(a):
    return np.float32(_log(np.float64(a)))


@cuda.jit(device=True, inline=True)
def tanh_f32(a):
    return np.float32(_tanh(np.float64(a)))


@cuda.jit(device=True, inline=True)
def sigmoid_f32(a):
    xd = min(max(np.float64(a), -_SIGMOID_CLAMP), _SIGMOID_CLAMP)
    e64 = _exp(-xd)
    if xd < 0.0:
        y = np.float32(1.0 / (1.0 + e64))
    else:  # PyTorch's float32 roundings, as on the CPU (1.0 from x = 16.7 on)
        y = np.float32(1.0) / (np.float32(1.0) + np.float32(e64))
    if a <= _SIGMOID_FLUSH:
        y = np.float32(0.0)
    return a if a != a else y


@cuda.jit(device=True, inline=True)
def sigmoid_f64(a):
    return 1.0 / (1.0 + _exp(-a))
