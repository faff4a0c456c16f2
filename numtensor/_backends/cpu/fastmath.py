"""Vectorisable float32 exp, expm1, log, tanh and sigmoid for the element-wise kernels.

Numba lowers math.exp/log/tanh to scalar libm calls, one element at a time (this
llvmlite has no SVML), so a loop over them never vectorises.  The functions here are
plain arithmetic that LLVM turns into packed SIMD code:

  * range reduction: exp splits x = n*ln2 + r with |r| <= ln2/2 (Cody-Waite: ln2 in a
    short high part, so n*ln2_hi is exact, plus a low part); log splits x = 2^e * m
    with m in [sqrt(1/2), sqrt(2)) by reading the exponent bits;
  * a minimax polynomial on the reduced argument (coefficients from
    fastmath_fit.py, which re-derives them);
  * exponent reconstruction through bit casts: 2^n is the float whose bits are
    (n + 127) << 23;
  * special values (nan, +-inf, +-0, overflow, underflow, subnormals) by selects at the
    end, never by branches, so the loop stays one straight vector body.

Every result is within 2 ulp of the correctly rounded one over all float32 inputs
(tests/test_fastmath_accuracy.py sweeps them).  Only float32 takes these paths: the
public entry points (exp, expm1, log, tanh, sigmoid) are overloaded by type and send
every other type (float64, ...) to libm, so one generated kernel serves every dtype.

All constants are np.float32: a Python float would promote the arithmetic to float64.
The functions are small @njit functions that LLVM inlines into the kernel loop before
vectorising it (tests/test_fastmath_accuracy.py checks the machine code for packed
instructions).  Numba's own IR inlining (inline="always") is not used: inside the
branches of the strided kernels it trips Numba's SSA checks (NumbaIRAssumptionWarning).
Nothing here is compiled before a kernel that uses it is.
"""
import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic, overload

# ---- bit casts and fused multiply-add --------------------------------------------------


@intrinsic
def float32_bits(typingctx, x):
    """The IEEE bit pattern of a float32, as an int32 (a free register reinterpretation)."""
    if x != types.float32:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], ir.IntType(32))
    return types.int32(types.float32), codegen


@intrinsic
def float32_from_bits(typingctx, i):
    """The float32 whose bit pattern is the low 32 bits of integer i."""
    if not isinstance(i, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        v = args[0]
        width = v.type.width
        if width > 32:
            v = builder.trunc(v, ir.IntType(32))
        elif width < 32:
            v = builder.sext(v, ir.IntType(32))
        return builder.bitcast(v, ir.FloatType())
    return types.float32(i), codegen


@intrinsic
def mul_add(typingctx, a, b, c):
    """a * b + c for float32, fused into one rounding where the CPU has FMA (llvm.fmuladd);
    a multiply and an add elsewhere.  The algorithms below are accurate either way."""
    if not (a == b == c == types.float32):
        return None

    def codegen(context, builder, sig, args):
        f32 = ir.FloatType()
        fnty = ir.FunctionType(f32, [f32, f32, f32])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.fmuladd.f32")
        return builder.call(fn, args)
    return types.float32(types.float32, types.float32, types.float32), codegen


# ---- constants -------------------------------------------------------------------------

_F = np.float32
_ZERO, _HALF, _ONE, _TWO = _F(0.0), _F(0.5), _F(1.0), _F(2.0)
_INF, _NAN = _F(np.inf), _F(np.nan)

_LOG2E = _F(1.4426950408889634)
# ln 2 = _LN2_HI + _LN2_LO; _LN2_HI has 9 significant bits, so n * _LN2_HI is exact
_LN2_HI = _F(0.693359375)
_LN2_LO = _F(-2.12194440e-4)

# exp: beyond these the result is inf / 0; clamping keeps n in [-150, 128]
_EXP_HI = _F(89.0)
_EXP_LO = _F(-104.0)
# exp(r) = 1 + r + r^2 * Q(r) on |r| <= ln2/2 (minimax for the relative error)
_EXP_Q0 = _F(0.4999999403953552)
_EXP_Q1 = _F(0.1666652113199234)
_EXP_Q2 = _F(0.04166827350854874)
_EXP_Q3 = _F(0.00836868304759264)
_EXP_Q4 = _F(0.0013820051681250334)

# expm1: below -30 the result rounds to -1; below 2^-25 in magnitude it rounds to x
_EXPM1_LO = _F(-30.0)
_EXPM1_TINY = _F(2.0 ** -25)

# log(1 + f) = f + f^2 * L(f) on f in [sqrt(1/2) - 1, sqrt(2) - 1]
_SQRT_HALF_BITS = 0x3F3504F3       # bits of sqrt(1/2): m is reduced into [sqrt(1/2), sqrt(2))
_MANTISSA_MASK = 0x007FFFFF
_SMALLEST_NORMAL = _F(2.0 ** -126)
_TWO_23 = _F(2.0 ** 23)
_L0 = _F(-0.49999988079071045)
_L1 = _F(0.33333325386047363)
_L2 = _F(-0.25001609325408936)
_L3 = _F(0.20002004504203796)
_L4 = _F(-0.16608411073684692)
_L5 = _F(0.14180853962898254)
_L6 = _F(-0.1324806809425354)
_L7 = _F(0.12912940979003906)
_L8 = _F(-0.0761905238032341)

# sigmoid: 0 at and below this, where exp(-x) overflows in float32 (as in PyTorch)
_SIGMOID_FLUSH = _F(-88.72284)

# tanh(x) = x + x^3 * T(x^2) on |x| < _TANH_SMALL
_TANH_SMALL = _F(0.625)
_T0 = _F(-0.3333328068256378)
_T1 = _F(0.13331405818462372)
_T2 = _F(-0.05373651534318924)
_T3 = _F(0.02062816731631756)
_T4 = _F(-0.005692296661436558)


# ---- float32 kernels ---------------------------------------------------------------------


@njit(cache=True)
def _exp_parts(x):
    """exp(x) = 2^n * (1 + r_hi + tail) for a clamped x: n (as a float), r_hi, tail.

    x = n * ln2 + r with |r| <= ln2/2.  r_hi = x - n * ln2_hi is exact; the small rest
    (n * ln2_lo plus the polynomial's r^2 * Q(r)) goes into tail, so that the callers can
    add 1 + r_hi without losing its rounding error (Fast2Sum)."""
    n = np.rint(x * _LOG2E)
    r_hi = mul_add(n, -_LN2_HI, x)
    r_lo = n * -_LN2_LO
    r = r_hi + r_lo
    q = mul_add(r, _EXP_Q4, _EXP_Q3)
    q = mul_add(r, q, _EXP_Q2)
    q = mul_add(r, q, _EXP_Q1)
    q = mul_add(r, q, _EXP_Q0)
    return n, r_hi, mul_add(r * r, q, r_lo)


@njit(cache=True)
def _pow2(n):
    """2^n as a float32 for an integer n in [-126, 127]."""
    return float32_from_bits((n + 127) << 23)


@njit(cache=True)
def _scale(p, n):
    """p * 2^n for n in [-151, 128], in two halves: n = 128 (overflow to inf) and
    n < -126 (a subnormal result, rounded once, by the last multiply) both work."""
    n1 = n >> 1
    return p * _pow2(n1) * _pow2(n - n1)


@njit(cache=True)
def _exp_hi_lo(x):
    """exp(x) = 2^n * (hi + lo) for a clamped x: n (int32), hi = exp(r) rounded once, and
    lo, below half an ulp of hi, what that rounding lost."""
    nf, r_hi, tail = _exp_parts(x)
    s = _ONE + r_hi
    rest = ((_ONE - s) + r_hi) + tail            # (1 - s) + r_hi: what s lost (Fast2Sum)
    hi = s + rest
    lo = (s - hi) + rest                         # what hi lost (Fast2Sum: |s| >= |rest|)
    return np.int32(nf), hi, lo


@njit(cache=True)
def exp_f32(x):
    xc = _EXP_HI if x > _EXP_HI else x          # comparisons are false for nan: it passes
    xc = _EXP_LO if xc < _EXP_LO else xc
    n, hi, _ = _exp_hi_lo(xc)
    y = _scale(hi, n)
    return x if x != x else y


@njit(cache=True)
def expm1_f32(x):
    xc = _EXP_HI if x > _EXP_HI else x
    xc = _EXPM1_LO if xc < _EXPM1_LO else xc
    nf, r_hi, tail = _exp_parts(xc)
    # n = 0: exp(r) - 1 = r_hi + tail directly (here r_hi = x: no cancellation)
    small = r_hi + tail
    # otherwise 2^n * (r_hi + tail) + (2^n - 1), as 2 * (h * r_hi + (h - 1/2) + h * tail)
    # with h = 2^(n-1), which stays representable for n = 128.  h * r_hi is exact, and so
    # is the rounding error of h - 1/2; |h - 1/2| >= |h * r_hi|, so the rounding error of
    # their sum is recovered too (Fast2Sum)
    h = _pow2(np.int32(nf) - 1)
    a = h * r_hi
    b = h - _HALF
    b_err = (h - b) - _HALF                      # nonzero once h > 2^23
    s = b + a
    err = (b - s) + a
    y = _TWO * (s + mul_add(h, tail, err + b_err))
    y = small if nf == _ZERO else y
    y = x if abs(x) < _EXPM1_TINY else y        # +-0 and subnormals: expm1(x) rounds to x
    return x if x != x else y


@njit(cache=True)
def log_f32(x):
    # subnormals: scale into the normal range first, so the exponent bits mean what they say
    sub = x < _SMALLEST_NORMAL
    xs = x * _TWO_23 if sub else x
    # x = 2^e * m with m in [sqrt(1/2), sqrt(2)): subtracting sqrt(1/2)'s bits moves the
    # exponent boundary there; the mantissa bits plus sqrt(1/2)'s rebuild m
    ix = float32_bits(xs) - _SQRT_HALF_BITS
    e = (ix >> 23) - (23 if sub else 0)
    m = float32_from_bits((ix & _MANTISSA_MASK) + _SQRT_HALF_BITS)
    f = m - _ONE                                 # exact: m is within a factor 2 of 1
    q = mul_add(f, _L8, _L7)
    q = mul_add(f, q, _L6)
    q = mul_add(f, q, _L5)
    q = mul_add(f, q, _L4)
    q = mul_add(f, q, _L3)
    q = mul_add(f, q, _L2)
    q = mul_add(f, q, _L1)
    q = mul_add(f, q, _L0)
    log1p_f = mul_add(f * f, q, f)
    ef = np.float32(e)
    y = mul_add(ef, _LN2_HI, mul_add(ef, _LN2_LO, log1p_f))
    y = x if x == _INF else y
    y = -_INF if x == _ZERO else y
    y = _NAN if x < _ZERO else y
    return x if x != x else y


@njit(cache=True)
def _logistic_of_negative(a):
    """1 / (1 + exp(a)) = e / (1 + e) with e = exp(-a), for a >= 0 (or inf, nan): in
    [0, 1/2], never overflowing, underflowing exactly to e for large a.

    e arrives as e_hi + e_lo and the rounding error of 1 + e is recovered, so that only
    the division and one final addition round (about 1 ulp in all)."""
    xc = -a
    xc = _EXP_LO if xc < _EXP_LO else xc
    n, hi, lo = _exp_hi_lo(xc)
    e_hi = _scale(hi, n)
    e_lo = _scale(lo, n)
    d = _ONE + e_hi
    d_err = (_ONE - d) + e_hi                    # what rounding 1 + e_hi lost (Fast2Sum)
    q = e_hi / d
    # (e_hi + e_lo) / (d + d_err) = q + (e_lo - q * d_err) / d, and 1 / d = 1 - q
    y = q + (e_lo - q * d_err) * (_ONE - q)
    return a if a != a else y


@njit(cache=True)
def sigmoid_f32(x):
    # one formula for both signs: sigmoid(x) = s for x < 0 and 1 - s for x >= 0, with
    # s = sigmoid(-|x|) in [0, 1/2]: 1 - s loses nothing, and nothing overflows
    s = _logistic_of_negative(abs(x))
    y = s if x < _ZERO else _ONE - s             # nan: s is nan
    # PyTorch's 1 / (1 + exp(-x)) is 0 where exp(-x) overflows; the exact value there is
    # a subnormal below 3e-39, and results (and their printing) follow PyTorch
    return _ZERO if x <= _SIGMOID_FLUSH else y


@njit(cache=True)
def tanh_f32(x):
    ax = abs(x)
    # small |x|: an odd polynomial (the formula below would cancel)
    x2 = ax * ax
    t = mul_add(x2, _T4, _T3)
    t = mul_add(x2, t, _T2)
    t = mul_add(x2, t, _T1)
    t = mul_add(x2, t, _T0)
    small = mul_add(ax * x2, t, ax)
    # tanh(a) = 1 - 2 / (1 + exp(2a)) = 1 - 2 * sigmoid(-2a), in [0.55, 1] here
    large = _ONE - _TWO * _logistic_of_negative(ax + ax)
    y = small if ax < _TANH_SMALL else large     # nan takes the second path and stays nan
    return math.copysign(y, x)


# ---- entry points for the kernel expressions -------------------------------------------
# The scalar_ops expressions call fastmath.exp(a) and so on.  In a Numba kernel each is
# resolved by the argument's type: float32 gets the vectorisable version above, any
# other type libm's.  Called from Python they are plain Python (the libm versions).


@njit(cache=True)
def _sigmoid_libm(x):
    # PyTorch's formula: 0 where exp(-x) overflows
    return 1.0 / (1.0 + math.exp(-x))


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
