"""float16 <-> float32 conversion, since Numba cannot load or store float16 itself.

float16 buffers are handed to kernels as their uint16 bit patterns; these two scalar
functions convert them.  Where the CPU Numba compiles for has F16C (x86 since 2012),
they are LLVM's own half conversions (`fpext`/`fptrunc` on a bitcast), which become
the vcvtph2ps/vcvtps2ph instructions and vectorise: a float16 add of 1e7 elements
took 159 ms with the arithmetic versions below and is bandwidth-bound with these.
Elsewhere (another architecture, or NUMBA_CPU_NAME naming a portable target) LLVM
would need runtime-library calls that Numba's JIT may not have, so the arithmetic
versions serve.

Rounding, as PyTorch's casts: a float64 goes to float32 first, then to float16, both
round-half-to-even (PyTorch's c10::Half is built from a float, so a float64 is rounded
twice there too); float32 values, which is what float16 ops compute in, are rounded once.
"""
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import config
from numba.extending import intrinsic

OPTS = dict(cache=True, nogil=True, error_model="numpy")


def _host_has_f16c():
    if config.CPU_NAME:  # a named (portable) target: features are not the host's
        return False
    try:
        import llvmlite.binding as llvm
        return bool(llvm.get_host_cpu_features().get("f16c", False))
    except Exception:  # no feature map on this platform: the arithmetic versions
        return False


HARDWARE = _host_has_f16c()


# ---- hardware conversions (F16C) -------------------------------------------------------------
@intrinsic
def _bits_to_float32(typingctx, h):
    if not isinstance(h, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        bits = args[0]
        width = bits.type.width
        if width > 16:
            bits = builder.trunc(bits, ir.IntType(16))
        elif width < 16:
            bits = builder.zext(bits, ir.IntType(16))
        return builder.fpext(builder.bitcast(bits, ir.HalfType()), ir.FloatType())
    return types.float32(h), codegen


@intrinsic
def _float32_to_bits(typingctx, x):
    if x != types.float32:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(builder.fptrunc(args[0], ir.HalfType()), ir.IntType(16))
    return types.uint16(x), codegen


# ---- arithmetic conversions ------------------------------------------------------------------
@njit(inline="always", **OPTS)
def _arith_bits_to_float(h):
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
def _arith_float_to_bits(x):
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


# ---- what kernels call -----------------------------------------------------------------------
if HARDWARE:
    @njit(inline="always", **OPTS)
    def half_bits_to_float(h):
        return _bits_to_float32(h)

    @njit(inline="always", **OPTS)
    def float_to_half_bits(x):
        return _float32_to_bits(np.float32(x))
else:
    half_bits_to_float = _arith_bits_to_float
    float_to_half_bits = _arith_float_to_bits
