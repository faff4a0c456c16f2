"""Element operations as Numba expressions, shared by the CPU and CUDA code generators.

Inputs are named a, b, c; p0 and p1 are scalar parameters already cast to the
compute dtype (clamp bounds, the zero of relu, ...).  Every expression must stay
in the compute dtype: the kernels are compiled once per dtype.

Besides math, cmath and np, an expression may call fastmath.exp, expm1, log, tanh and
sigmoid: each code generator provides them for its device.  The CPU's
(numtensor/_backends/cpu/fastmath.py) are vectorisable polynomials for float32 (and so
float16, computed in float32), correctly rounded but for a few inputs, and libm for
float64.
"""

UNARY = {
    "identity": "a",
    "neg": "-a",
    "abs": "abs(a)",
    "exp": "fastmath.exp(a)",
    "expm1": "fastmath.expm1(a)",
    "log": "fastmath.log(a)",
    "log2": "math.log2(a)",
    "log10": "math.log10(a)",
    "log1p": "math.log1p(a)",
    "sqrt": "math.sqrt(a)",
    "rsqrt": "1 / math.sqrt(a)",
    "sin": "math.sin(a)",
    "cos": "math.cos(a)",
    "tan": "math.tan(a)",
    "asin": "math.asin(a)",
    "acos": "math.acos(a)",
    "atan": "math.atan(a)",
    "sinh": "math.sinh(a)",
    "cosh": "math.cosh(a)",
    "tanh": "fastmath.tanh(a)",
    "sigmoid": "fastmath.sigmoid(a)",
    "relu": "a if (a > p0 or a != a) else p0",
    # min(max(a, lo), hi) as torch: with lo > hi every element becomes hi, and a NaN
    # (the input or a bound) propagates
    "clamp": "a if a != a else (p0 if p0 != p0 else (p1 if p1 != p1 else "
             "(p1 if a > p1 or p0 > p1 else (p0 if a < p0 else a))))",
    # np.floor keeps the float type (math.floor goes through int64: inf, NaN and 1e20
    # would come back as -2**63)
    "floor": "np.floor(a)",
    "ceil": "np.ceil(a)",
    "trunc": "np.trunc(a)",
    "round": "np.rint(a)",
    "sign": "(a > p0) - (a < p0)",
    "reciprocal": "1 / a",
    "square": "a * a",
    "logical_not": "a == p0",
    "bitwise_not": "~a",
    "isnan": "a != a",
    "isinf": "a == math.inf or a == -math.inf",
    "isfinite": "not (a != a or a == math.inf or a == -math.inf)",
    "nonzero_mask": "a != p0",
    # conversions the strided copy needs besides a plain store
    "real_part": "a.real",
    "nonzero": "a != 0",
    # float to an integer narrower than 32 bits: through int32, so that values beyond the
    # target's range wrap as PyTorch's casts do (a vectorised direct conversion saturates)
    "via_int32": "np.int32(a)",
    # backward helpers that would otherwise need several passes
    "sigmoid_grad": "a * (1 - a)",
    "conj": "a.conjugate()",
    "tanh_grad": "1 - a * a",
    "erf": "math.erf(a)",
    "erfc": "math.erfc(a)",
    "lgamma": "math.lgamma(a)",
    "asinh": "math.asinh(a)",
    "acosh": "math.acosh(a)",
    "atanh": "math.atanh(a)",
}

BINARY = {
    "add": "a + b",
    "sub": "a - b",
    "mul": "a * b",
    "div": "a / b",
    "floor_divide": "a // b",
    # Python's a % b, but a zero result keeps a's sign (PyTorch's fmod-based remainder:
    # remainder(-4., 2.) is -0., remainder(0., -2.) is 0.); a * 0 keeps ints exact
    "remainder": "(a % b) if (a % b) != 0 else a * 0",
    "fmod": "np.fmod(a, b)",
    "pow": "a ** b",
    "atan2": "math.atan2(a, b)",
    "maximum": "a if (a > b or a != a) else b",
    "minimum": "a if (a < b or a != a) else b",
    "eq": "a == b",
    "ne": "a != b",
    "lt": "a < b",
    "le": "a <= b",
    "gt": "a > b",
    "ge": "a >= b",
    "logical_and": "(a != 0) and (b != 0)",
    "logical_or": "(a != 0) or (b != 0)",
    "logical_xor": "(a != 0) != (b != 0)",
    "bitwise_and": "a & b",
    "bitwise_or": "a | b",
    "bitwise_xor": "a ^ b",
    # a*(b - p0): add with alpha, lerp-like helpers kept tiny
    "add_scaled": "a + p0 * b",
    "relu_grad": "p0 if a <= 0 else b",  # a NaN result passes the gradient, as in PyTorch
    "threshold_mask": "b if a > p0 else p1",
    "copysign": "math.copysign(a, b)",
    # NaN-ignoring max/min: a NaN operand gives the other one
    "fmax": "b if a != a else (a if (b != b or a >= b) else b)",
    "fmin": "b if a != a else (a if (b != b or a <= b) else b)",
    # integer shifts as PyTorch's CPU kernels: p0 is the bit width; a negative or
    # oversized count shifts every bit out (0, or -1 for a negative a shifted right)
    "lshift": "0 if (b < 0 or b >= p0) else a << b",
    "rshift": "(-1 if a < 0 else 0) if (b < 0 or b >= p0) else a >> b",
}

# A Python number operand of a float16 op is rounded to float16 first (PyTorch's wrapped
# number), but for these ops, whose PyTorch CPU kernels read it in their float32 opmath
# (measured against PyTorch 2.13: x * 4.12 rounds 0.96 * 4.12 once, not 0.96 * 4.121)
FLOAT16_NUMBER_UNROUNDED = frozenset({"mul", "div", "floor_divide"})

TERNARY = {
    "where": "b if a else c",
}

# Complex forms of the UNARY ops whose expression above uses real-only math.*: the
# op layer picks them (complex_variant) when the compute dtype is complex, so the
# float kernels stay as they are.  expm1/log1p keep their accuracy near zero by
# working on the real and imaginary parts.
COMPLEX_UNARY = {
    "exp": "cmath.exp(a)",
    "expm1": "complex(math.expm1(a.real) * math.cos(a.imag) - 2 * math.sin(a.imag / 2) ** 2, "
             "math.exp(a.real) * math.sin(a.imag))",
    "log": "cmath.log(a)",
    # scaled part by part: a complex division would turn an infinite real part into nan
    "log2": "complex(math.log(abs(a)) * 1.4426950408889634, cmath.phase(a) * 1.4426950408889634)",
    "log10": "cmath.log10(a)",
    "log1p": "complex(0.5 * math.log1p(a.real * (2 + a.real) + a.imag * a.imag), "
             "math.atan2(a.imag, 1 + a.real))",
    "sqrt": "cmath.sqrt(a)",
    # 1 / z through complex_divide (below): Numba's own raises for z == 0
    "rsqrt": "fastmath.complex_divide(complex(1, 0), cmath.sqrt(a))",
    "reciprocal": "fastmath.complex_divide(complex(1, 0), a)",
    "sin": "cmath.sin(a)",
    "cos": "cmath.cos(a)",
    "tan": "cmath.tan(a)",
    "asin": "cmath.asin(a)",
    "acos": "cmath.acos(a)",
    "atan": "cmath.atan(a)",
    "sinh": "cmath.sinh(a)",
    "cosh": "cmath.cosh(a)",
    "tanh": "cmath.tanh(a)",
    "sigmoid": "1 / (1 + cmath.exp(-a))",
    "isinf": "cmath.isinf(a)",
    "isfinite": "cmath.isfinite(a)",
}
UNARY.update({"complex_" + op: expr for op, expr in COMPLEX_UNARY.items()})
# complex a / b: Numba's own raises ZeroDivisionError for b == 0, where PyTorch gives inf/nan
COMPLEX_BINARY = {"div": "fastmath.complex_divide(a, b)"}


def complex_divide(a, b):
    """a / b for complex numbers, in the parts' own precision: Smith's algorithm as PyTorch's
    c10::complex divides (scaled by the larger part of b, so no square overflows), and a
    division by zero gives infinities or nans.  Plain Python, compiled by each backend
    (cpu/fastmath.py, cuda/device_functions.py) for its kernels."""
    c, d = b.real, b.imag
    abs_c, abs_d = abs(c), abs(d)
    if abs_c >= abs_d:
        if abs_c == 0 and abs_d == 0:
            return complex(a.real / abs_c, a.imag / abs_d)
        rat = d / c
        scl = 1 / (c + d * rat)
        return complex((a.real + a.imag * rat) * scl, (a.imag - a.real * rat) * scl)
    rat = c / d
    scl = 1 / (d + c * rat)
    return complex((a.real * rat + a.imag) * scl, (a.imag * rat - a.real) * scl)
BINARY.update({"complex_" + op: expr for op, expr in COMPLEX_BINARY.items()})


def complex_variant(op):
    """The op name to run when the compute dtype is complex."""
    return "complex_" + op if op in COMPLEX_UNARY or op in COMPLEX_BINARY else op


def conversion(src, dst):
    """The element op that casts NumPy dtype src to dst in a strided copy (the store
    converts the rest)."""
    if src.kind == "c" and dst.kind != "c":
        return "real_part" if dst.kind != "b" else "nonzero"
    if dst.kind == "b":
        return "nonzero"
    if src.kind == "f" and dst.kind in "iu" and dst.itemsize < 4:
        return "via_int32"
    return "identity"
