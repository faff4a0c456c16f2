"""Vectorisable float32 exp, expm1, log, tanh and sigmoid for the element-wise kernels.

Numba lowers math.exp/log/tanh to scalar libm calls, one element at a time (this
llvmlite has no SVML), so a loop over them never vectorises.  The functions here are
plain arithmetic that LLVM turns into packed SIMD code:

  * range reduction: exp splits x = n*ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 in a
    short high part, so n*ln2_hi is exact, plus a low part); log splits x = 2^e * m
    with m in [sqrt(1/2), sqrt(2)) by reading the float32 exponent bits;
  * a minimax polynomial on the reduced argument (coefficients from
    fastmath_fit.py, which re-derives them);
  * exponent reconstruction through bit casts: 2^n is the float64 whose bits are
    (n + 1023) << 52;
  * special values (nan, +-inf, +-0, overflow, underflow, subnormals) by selects at the
    end, never by branches, so the loop stays one straight vector body.

The float32 argument is widened to float64 and everything runs there, to about 2^-50
relative error, before one final rounding to float32.  So the results are correctly
rounded for all but a handful of float32 inputs (tests/test_fastmath_accuracy.py sweeps
all of them): the same values glibc's expf/logf/tanhf give, which PyTorch's SLEEF
versions also give wherever they are correctly rounded themselves.  That matters more
than it seems: results are printed, and a printed tensor must read as PyTorch's.
(Float32 arithmetic throughout, measured: 1.2-1.9x faster on data in cache, within
1.3 ulp, but not correctly rounded for 2-8% of the inputs, 18% for sigmoid, and
different from PyTorch for 2-5% of exp, expm1 and tanh results, where these differ
for 0.1-1%.)  tanh is derived from expm1 with one division; sigmoid of x >= 0 rounds as PyTorch's
1 / (1 + exp(-x)) does in float32 (within 1 ulp; 1.0 where PyTorch's is 1.0).

Only float32 takes these paths: the public entry points (exp, expm1, log, tanh,
sigmoid) are overloaded by type and send every other type (float64, ...) to libm, so
one generated kernel serves every dtype.

The functions are small @njit functions that LLVM inlines into the kernel loop before
vectorising it (tests/test_fastmath_accuracy.py checks the machine code for packed
instructions).  Numba's own IR inlining (inline="always") is not used: inside the
branches of the strided kernels it trips Numba's SSA checks (NumbaIRAssumptionWarning).
Each element's evaluation is one long chain of dependent steps, so the element-wise
kernels that call these compile with four vectors of elements in flight per loop
iteration (elementwise_kernels.INTERLEAVED_CALLS).  Nothing here is compiled before a
kernel that uses it is.
"""
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

from .. import scalar_ops

# ---- bit casts and fused multiply-add --------------------------------------------------


def _float_to_bits(name, float_type, int_type, width):
    @intrinsic
    def to_bits(typingctx, x):
        if x != float_type:
            return None

        def codegen(context, builder, sig, args):
            return builder.bitcast(args[0], ir.IntType(width))
        return int_type(float_type), codegen
    to_bits.__doc__ = (f"The IEEE bit pattern of a {name}, as an int{width} (a free register "
                       f"reinterpretation).")
    return to_bits


float32_bits = _float_to_bits("float32", types.float32, types.int32, 32)
float64_bits = _float_to_bits("float64", types.float64, types.int64, 64)


def _bits_to_float(name, float_type, ir_float, width):
    @intrinsic
    def from_bits(typingctx, i):
        if not isinstance(i, types.Integer):
            return None

        def codegen(context, builder, sig, args):
            v = args[0]
            if v.type.width > width:
                v = builder.trunc(v, ir.IntType(width))
            elif v.type.width < width:
                v = builder.sext(v, ir.IntType(width))
            return builder.bitcast(v, ir_float)
        return float_type(i), codegen
    from_bits.__doc__ = f"The {name} whose bit pattern is the low {width} bits of integer i."
    return from_bits


float32_from_bits = _bits_to_float("float32", types.float32, ir.FloatType(), 32)
float64_from_bits = _bits_to_float("float64", types.float64, ir.DoubleType(), 64)


def _ternary_float_intrinsic(llvm_name, doc):
    """An intrinsic a(a, b, c) for three float32 or three float64 arguments that calls
    LLVM's `llvm_name`.f32/.f64."""
    @intrinsic
    def op(typingctx, a, b, c):
        if not (a == b == c and a in (types.float32, types.float64)):
            return None

        def codegen(context, builder, sig, args):
            t = args[0].type
            name = llvm_name + (".f32" if t == ir.FloatType() else ".f64")
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(t, [t, t, t]), name)
            return builder.call(fn, args)
        return a(a, a, a), codegen
    op.__doc__ = doc
    return op


mul_add = _ternary_float_intrinsic("llvm.fmuladd", """a * b + c, fused into one rounding where
    the CPU has FMA; a multiply and an add elsewhere.  The algorithms below are accurate
    either way.""")
fused_mul_add = _ternary_float_intrinsic("llvm.fma", """a * b + c rounded once on every CPU
    (an FMA instruction, or software where there is none): for code that must reproduce
    another library's fused arithmetic bit for bit.""")


# ---- constants -------------------------------------------------------------------------
# The float64 ones are plain Python floats; the few float32 ones are np.float32, so that
# comparisons with the float32 argument stay in float32.

_F = np.float32
_INF32, _NAN32, _ZERO32, _ONE32 = _F(np.inf), _F(np.nan), _F(0.0), _F(1.0)

_LOG2E = 1.4426950408889634
# ln 2 = _LN2_HI + _LN2_LO: _LN2_HI keeps 21 bits, so n * _LN2_HI is exact for |n| < 2^32
_LN2 = 0.6931471805599453
_LN2_HI = float((np.float64(_LN2).view(np.int64) & ~np.int64(2 ** 32 - 1)).view(np.float64))
_LN2_LO = _LN2 - _LN2_HI                         # exact; with _LN2's own error of 2^-54

# exp: beyond these the float32 result is inf / 0; clamping keeps n in [-150, 128]
_EXP_HI = 89.0
_EXP_LO = -104.0
# exp(r) = 1 + r + r^2 * Q(r) on |r| <= ln2/2, relative error 2^-51
_EXP_Q = (0.4999999999999833, 0.16666666666611615, 0.041666666668196226, 0.008333333370849775,
          0.0013888888496978219, 0.00019841185290897558, 2.480195141446432e-05,
          2.7634956247566703e-06, 2.7470649670218766e-07)
_Q0, _Q1, _Q2, _Q3, _Q4, _Q5, _Q6, _Q7, _Q8 = _EXP_Q

# expm1: below -30 the float32 result is -1
_EXPM1_LO = -30.0

# log(1 + f) = 2s + s * z * P(z), s = f / (2 + f), z = s^2, relative error 2^-52
_LOG_P = (0.6666666666658722, 0.40000000052252704, 0.28571417135147736, 0.2222337119946603,
          0.1812365972750329, 0.16819615773526425)
_P0, _P1, _P2, _P3, _P4, _P5 = _LOG_P
_SQRT_HALF_BITS = 0x3F3504F3       # float32 bits of sqrt(1/2): m is reduced into [sqrt(1/2), sqrt(2))
_MANTISSA_MASK = 0x007FFFFF
_SMALLEST_NORMAL = _F(2.0 ** -126)
_TWO_23 = _F(2.0 ** 23)

# tanh(x) rounds to +-1 in float32 from |x| = 9.01 on
_TANH_SAT = 10.0

# sigmoid: 0 at and below this, where exp(-x) overflows in float32 (as in PyTorch)
_SIGMOID_FLUSH = _F(-88.72284)


# ---- float64 cores --------------------------------------------------------------------


@njit(cache=True)
def _exp_reduce(x):
    """n (a float64 integer) and r with x = n * ln2 + r, |r| <= ln2/2."""
    n = np.rint(x * _LOG2E)
    r = mul_add(n, -_LN2_HI, x)                  # exact
    r = mul_add(n, -_LN2_LO, r)
    return n, r


@njit(cache=True)
def _expm1_reduced(r):
    """exp(r) - 1 for |r| <= ln2/2, relative error about 2^-51 (no cancellation)."""
    # Estrin's scheme, not Horner's: four steps of dependent multiply-adds instead of
    # nine, as the loops are bound by that chain's latency more than by the arithmetic
    # (float32 exp of 1e7: 5% faster).  exp, expm1, tanh and sigmoid give the same
    # float32 results as with Horner's for all 2^32 inputs.
    r2 = r * r
    r4 = r2 * r2
    q01 = mul_add(r, _Q1, _Q0)
    q23 = mul_add(r, _Q3, _Q2)
    q45 = mul_add(r, _Q5, _Q4)
    q67 = mul_add(r, _Q7, _Q6)
    q03 = mul_add(r2, q23, q01)
    q47 = mul_add(r2, q67, q45)
    q48 = mul_add(r4, _Q8, q47)
    q = mul_add(r4, q48, q03)
    return mul_add(r2, q, r)


# 1.5 * 2^52: adding it to a float64 integer n (|n| < 2^51) leaves n in the low bits of
# the sum's bit pattern, a two's-complement integer
_INT_IN_BITS = 6755399441055744.0


@njit(cache=True)
def _pow2(n):
    """2^n for a float64 integer n in [-1022, 1023]."""
    # Not np.int64(n): a packed float64 -> int64 conversion needs AVX-512, and without it
    # LLVM converts one lane at a time (float32 exp of 1e7 on an AVX2 core: 13.2 -> 12.3
    # ms).  The low 12 bits of n + 1023, shifted into the exponent field, are all it takes.
    return float64_from_bits((float64_bits(n + _INT_IN_BITS) + 1023) << 52)


@njit(cache=True)
def _exp64(x):
    """exp(x) for a float64 x in [_EXP_LO, _EXP_HI] (or nan: any result)."""
    n, r = _exp_reduce(x)
    return (_expm1_reduced(r) + 1.0) * _pow2(n)


@njit(cache=True)
def _expm1_64(x):
    """exp(x) - 1 for a float64 x in [_EXPM1_LO, _EXP_HI] (or nan: any result)."""
    n, r = _exp_reduce(x)
    s = _pow2(n)
    # 2^n (u + 1) - 1 = 2^n u + (2^n - 1): 2^n - 1 is exact for n <= 53, and the two
    # terms cancel at most a factor 2 (|u| <= 0.42), so the relative error stays ~2^-51
    return mul_add(s, _expm1_reduced(r), s - 1.0)


# ---- float32 functions ----------------------------------------------------------------


@njit(cache=True)
def exp_f32(x):
    xd = np.float64(x)
    xd = _EXP_HI if xd > _EXP_HI else xd        # comparisons are false for nan: it passes
    xd = _EXP_LO if xd < _EXP_LO else xd
    y = np.float32(_exp64(xd))                   # the one rounding (inf beyond FLT_MAX)
    return x if x != x else y


@njit(cache=True)
def expm1_f32(x):
    xd = np.float64(x)
    xd = _EXP_HI if xd > _EXP_HI else xd
    xd = _EXPM1_LO if xd < _EXPM1_LO else xd
    y = np.float32(_expm1_64(xd))
    return x if (x != x or x == _ZERO32) else y  # nan, and the sign of -0


@njit(cache=True)
def log_f32(x):
    # subnormals: scale into the normal range first, so the exponent bits mean what they say
    sub = x < _SMALLEST_NORMAL
    xs = x * _TWO_23 if sub else x
    # x = 2^e * m with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits moves the
    # exponent boundary there; the mantissa bits plus sqrt(1/2)'s rebuild m
    ix = float32_bits(xs) - _SQRT_HALF_BITS
    e = (ix >> 23) - (23 if sub else 0)
    m = np.float64(float32_from_bits((ix & _MANTISSA_MASK) + _SQRT_HALF_BITS))
    f = m - 1.0                                  # exact
    # log(1 + f) = 2 atanh(s), s = f / (2 + f), |s| <= 0.172: an odd series in s
    s = f / (2.0 + f)
    z = s * s
    p = mul_add(z, _P5, _P4)
    p = mul_add(z, p, _P3)
    p = mul_add(z, p, _P2)
    p = mul_add(z, p, _P1)
    p = mul_add(z, p, _P0)
    log1p_f = mul_add(s * z, p, s + s)
    y = np.float32(mul_add(np.float64(e), _LN2, log1p_f))
    y = x if x == _INF32 else y
    y = -_INF32 if x == _ZERO32 else y
    y = _NAN32 if x < _ZERO32 else y
    return x if x != x else y


@njit(cache=True)
def tanh_f32(x):
    # tanh(a) = expm1(2a) / (expm1(2a) + 2) for a = |x|: no cancellation anywhere, small
    # a included (expm1 keeps its relative accuracy there)
    a = abs(np.float64(x))
    a = _TANH_SAT if a > _TANH_SAT else a
    em1 = _expm1_64(a + a)
    y = np.float32(em1 / (em1 + 2.0))
    y = math.copysign(y, x)                      # odd, and tanh(-0) = -0
    return x if x != x else y


@njit(cache=True)
def sigmoid_f32(x):
    xd = np.float64(x)
    xd = -_EXP_LO if xd > -_EXP_LO else xd       # exp(-xd) then stays in [exp(-104), exp(104)]
    xd = _EXP_LO if xd < _EXP_LO else xd
    e64 = _exp64(-xd)
    # x >= 0: PyTorch's formula with its float32 roundings, exp(-x) rounded (as expf),
    # then 1 + e and the division in float32 (within 1 ulp).  So sigmoid(17) is 1.0
    # exactly, as in PyTorch, where the correctly rounded value is 0.99999994: a BCELoss
    # of a saturated sigmoid then clamps log(1 - y) at -100 as PyTorch's does, instead of
    # reading -16.6.  x < 0: correctly rounded, as there the float32 1 + e would lose up
    # to 2.5 ulp (near x = -16.6, where e passes 2^24)
    e = np.float32(e64)
    y = _ONE32 / (_ONE32 + e)
    y = np.float32(1.0 / (1.0 + e64)) if xd < 0.0 else y
    # 0 where exp(-x) overflows in float32 (the exact value is a subnormal below 3e-39)
    y = _ZERO32 if x <= _SIGMOID_FLUSH else y
    return x if x != x else y


# ---- entry points for the kernel expressions -------------------------------------------
# The scalar_ops expressions call fastmath.exp(a) and so on.  In a Numba kernel each is
# resolved by the argument's type: float32 gets the vectorisable version above, any
# other type libm's.  Called from Python they are plain Python (the libm versions).


@njit(cache=True)
def _sigmoid_libm(x):
    # PyTorch's formula: 0 where exp(-x) overflows
    return 1.0 / (1.0 + math.exp(-x))


# complex a / b (scalar_ops.complex_divide), compiled for the CPU kernels
complex_divide = njit(cache=True)(scalar_ops.complex_divide)


def _entry_point(name, fast, slow):
    python_version = getattr(slow, "py_func", slow)

    def entry(x):
        return python_version(x)
    entry.__name__ = entry.__qualname__ = name
    entry.__doc__ = (f"{name}(x): in a Numba kernel, a vectorisable float32 version for "
                     f"float32 x and libm for other types.")

    @overload(entry)
    def _typed(x):
        if x == types.float32:
            return lambda x: fast(x)
        return lambda x: slow(x)
    return entry


exp = _entry_point("exp", exp_f32, math.exp)
expm1 = _entry_point("expm1", expm1_f32, math.expm1)
log = _entry_point("log", log_f32, math.log)
tanh = _entry_point("tanh", tanh_f32, math.tanh)
sigmoid = _entry_point("sigmoid", sigmoid_f32, _sigmoid_libm)
