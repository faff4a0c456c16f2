"""Element-wise ops: each defined once with its dtype rule, kernel and gradient.

Dtype rules follow PyTorch: arithmetic promotes (result_type), true division and
transcendental functions move integers to the default float, comparisons give bool.
In-place forms (add_ ...) compute in the promoted dtype and store into self, which
must be able to hold it.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.grad_mode import is_grad_enabled
from ..autograd.graph import needs_grad, record
from ._common import (aliases_differently, check_no_internal_overlap, check_no_partial_overlap,
                      check_operand, is_scalar, scalar_for_dtype, scalar_type_name)
from .dispatch import cast, run_elementwise
from .inplace import apply_inplace, check_fits, check_leaf


def _float_dtype(dt):
    return dt if dt.category >= 2 else _dtype.get_default_dtype()


def _as_tensor_list(*xs):
    return [x for x in xs if isinstance(x, Tensor)]


# ---- unary ----------------------------------------------------------------------
def _unary(op, x, dtype, p0=0, p1=0):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    return run_elementwise(op, (x,), dtype, dtype, params=(p0, p1))


def _float_unary(op, name, grad_fn, saves="x"):
    """A function like exp: ints become the default float; grad_fn(g, x, out).

    saves: which tensor grad_fn reads ("x" or "out"), so that modifying the other one
    in place is allowed (as in PyTorch: exp saves its result, log its input)."""
    def fn(x):
        out = _unary(op, x, _float_dtype(x.dtype))
        if x._requires_grad:
            record(name, out, (x,), lambda g: (grad_fn(g, x, out),),
                   saved=(x,) if saves == "x" else (out,))
        return out
    fn.__name__ = op
    return fn


exp = _float_unary("exp", "ExpBackward0", lambda g, x, out: g * out, saves="out")
log = _float_unary("log", "LogBackward0", lambda g, x, out: g / x)
log2 = _float_unary("log2", "Log2Backward0", lambda g, x, out: g / (x * 0.6931471805599453))
log10 = _float_unary("log10", "Log10Backward0", lambda g, x, out: g / (x * 2.302585092994046))
log1p = _float_unary("log1p", "Log1PBackward0", lambda g, x, out: g / (x + 1))
expm1 = _float_unary("expm1", "Expm1Backward0", lambda g, x, out: g * (out + 1), saves="out")
sqrt = _float_unary("sqrt", "SqrtBackward0", lambda g, x, out: g / (out * 2), saves="out")
rsqrt = _float_unary("rsqrt", "RsqrtBackward0", lambda g, x, out: g * out * out * out * -0.5, saves="out")
sin = _float_unary("sin", "SinBackward0", lambda g, x, out: g * cos(x))
cos = _float_unary("cos", "CosBackward0", lambda g, x, out: -(g * sin(x)))
tan = _float_unary("tan", "TanBackward0", lambda g, x, out: g * (out * out + 1), saves="out")
asin = _float_unary("asin", "AsinBackward0", lambda g, x, out: g * rsqrt(-(x * x) + 1))
acos = _float_unary("acos", "AcosBackward0", lambda g, x, out: -(g * rsqrt(-(x * x) + 1)))
atan = _float_unary("atan", "AtanBackward0", lambda g, x, out: g / (x * x + 1))
sinh = _float_unary("sinh", "SinhBackward0", lambda g, x, out: g * cosh(x))
cosh = _float_unary("cosh", "CoshBackward0", lambda g, x, out: g * sinh(x))
tanh = _float_unary("tanh", "TanhBackward0",
                    lambda g, x, out: g * _derivative("tanh_grad", out, lambda: 1 - out * out),
                    saves="out")
sigmoid = _float_unary("sigmoid", "SigmoidBackward0",
                       lambda g, x, out: g * _derivative("sigmoid_grad", out,
                                                         lambda: out * (1 - out)),
                       saves="out")


def _derivative(kernel_op, out, differentiable):
    """f'(x) from f's output: one fused kernel, or (create_graph: backward is itself being
    recorded) the same formula in tensor ops, so that it can be differentiated again."""
    if is_grad_enabled():
        return differentiable()
    return _unary(kernel_op, out, out.dtype)


def _same_unary(op, name, grad_fn, allow_bool=True):
    """A dtype-preserving unary op (neg, abs, ...); grad_fn may be None (no gradient)."""
    def fn(x):
        if not allow_bool and isinstance(x, Tensor) and x.dtype is _dtype.bool_:
            _bool_error(op)
        out = _unary(op, x, x.dtype if isinstance(x, Tensor) else None)
        if grad_fn is not None and x.requires_grad:
            record(name, out, (x,), lambda g: (grad_fn(g, x, out),), saved=(x,))
        return out
    fn.__name__ = op
    return fn


def _bool_error(op):
    if op == "neg":
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.")
    if op == "relu":
        raise RuntimeError("Boolean inputs not supported for relu")
    # torch names the CPU kernel that lacks a bool version
    kernel = op + ("_vml_cpu" if op in ("floor", "ceil", "round", "trunc") else "_cpu")
    raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


neg = _same_unary("neg", "NegBackward0", lambda g, x, out: -g, allow_bool=False)
_abs_real = _same_unary("abs", "AbsBackward0", lambda g, x, out: g * sign(x), allow_bool=False)


def abs(x):
    if isinstance(x, Tensor) and x.dtype.is_complex:
        # |z| of a complex tensor is real (float32 for complex64), as in PyTorch
        return run_elementwise("abs", (x,), x.dtype, x.dtype.to_real())
    return _abs_real(x)


_square = _same_unary("square", "PowBackward0", lambda g, x, out: g * x * 2)


def square(x):
    if isinstance(x, Tensor) and x.dtype is _dtype.bool_:
        return _square(cast(x, _dtype.int64))  # torch: bool ** 2 is int64
    return _square(x)



_sign = _same_unary("sign", "SignBackward0", lambda g, x, out: g * 0)


def sign(x):
    if isinstance(x, Tensor) and x.dtype.is_complex:
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    return _sign(x)
def _real_only(fn):
    """floor/ceil/trunc: torch refuses complex inputs."""
    def real_fn(x):
        if isinstance(x, Tensor) and x.dtype.is_complex:
            raise NotImplementedError(f"{fn.__name__} is not supported for complex inputs")
        return fn(x)
    real_fn.__name__ = fn.__name__
    return real_fn


floor = _real_only(_same_unary("floor", "FloorBackward0", lambda g, x, out: g * 0,
                                allow_bool=False))
ceil = _real_only(_same_unary("ceil", "CeilBackward0", lambda g, x, out: g * 0,
                                allow_bool=False))
trunc = _real_only(_same_unary("trunc", "TruncBackward0", lambda g, x, out: g * 0,
                                allow_bool=False))
_bitwise_not = _same_unary("bitwise_not", None, None)


def bitwise_not(x):
    if isinstance(x, Tensor) and x.dtype.category >= 2:
        raise NotImplementedError(
            f"\"bitwise_not_cpu\" not implemented for '{scalar_type_name(x.dtype)}'")
    return _bitwise_not(x)
negative = neg
absolute = abs
fix = trunc


def round(x, decimals=0):
    if decimals:
        scale = 10.0 ** decimals
        return round(x * scale) / scale
    if x.dtype is _dtype.bool_:
        _bool_error("round")
    if x.dtype.is_complex:
        raise NotImplementedError(f"\"round_vml_cpu\" not implemented for '{scalar_type_name(x.dtype)}'")
    if x.dtype.category < 2:
        return x.clone()
    out = _unary("round", x, x.dtype)
    if x.requires_grad:
        record("RoundBackward0", out, (x,), lambda g: (g * 0,))
    return out


def reciprocal(x):
    out = _unary("reciprocal", x, _float_dtype(x.dtype))
    if x.requires_grad:
        record("ReciprocalBackward0", out, (x,), lambda g: (-(g * out * out),), saved=(out,))
    return out


def relu(x):
    if isinstance(x, Tensor) and x.dtype is _dtype.bool_:
        _bool_error("relu")
    if isinstance(x, Tensor) and x.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")
    out = _unary("relu", x, x.dtype)
    if x.requires_grad:
        record("ReluBackward0", out, (x,),
               lambda g: (run_elementwise("relu_grad", (out, g), g.dtype, g.dtype)
                          if not is_grad_enabled() else g * gt(out, 0),), saved=(out,))
    return out


def logical_not(x):
    return run_elementwise("logical_not", (x,), x.dtype, _dtype.bool_)


def isnan(x):
    return run_elementwise("isnan", (x,), x.dtype, _dtype.bool_)


def isinf(x):
    return run_elementwise("isinf", (x,), x.dtype, _dtype.bool_)


def isfinite(x):
    return run_elementwise("isfinite", (x,), x.dtype, _dtype.bool_)


def clamp(x, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(x, Tensor) and x.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        if not all(v is None or isinstance(v, Tensor) for v in (min, max)):
            raise TypeError("clamp() received an invalid combination of arguments: min and max "
                            "must both be Tensors (or None) when one of them is a Tensor")
        return _clamp_tensor(x, min, max)
    dt = _dtype.result_type(x, *[v for v in (min, max) if v is not None])
    lo, hi = _clamp_bounds(dt, min, max)
    out = run_elementwise("clamp", (x,), dt, dt, params=(lo, hi))
    if x.requires_grad:
        record("ClampBackward1", out, (x,), lambda g: (g * _in_range(x, min, max),), saved=(x,))
    return out


def _clamp_tensor(x, min, max):
    """clamp with tensor bounds: the value comes from x inside [min, max], else a bound."""
    from ..autograd.grad_mode import no_grad
    with no_grad():
        out = x
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        if out is x:
            out = x.clone()
    tensors = [v if isinstance(v, Tensor) else None for v in (x, min, max)]
    if any(t is not None and t.requires_grad for t in tensors):
        def backward(g):
            # ties go to x (x keeps the gradient where min <= x <= max); with min > max
            # the result is max, so max gets the gradient there
            below = lt(x, min) if min is not None else None
            above = gt(x, max) if max is not None else None
            if below is not None and above is not None:
                below = logical_and(below, lt(min, max))
                above = logical_or(above, lt(max, min))
            inside = _in_range(x, min, max)
            return (where(inside, g, 0.0),
                    where(below, g, 0.0) if below is not None else None,
                    where(above, g, 0.0) if above is not None else None)
        record("ClampBackward0", out, tensors, backward, saved=[t for t in tensors if t is not None])
    return out


def _clamp_bounds(dt, min, max):
    import numpy as np
    if dt.category >= 2:
        return (-np.inf if min is None else min), (np.inf if max is None else max)
    info = np.iinfo(dt.np) if dt is not _dtype.bool_ else None
    # bounds convert like any scalar (out of range raises; -1 wraps into uint8)
    min = None if min is None else scalar_for_dtype(min, dt)
    max = None if max is None else scalar_for_dtype(max, dt)
    lo = (info.min if info else 0) if min is None else min
    hi = (info.max if info else 1) if max is None else max
    return lo, hi


def _in_range(x, lo, hi):
    mask = None
    if lo is not None:
        mask = ge(x, lo)
    if hi is not None:
        m2 = le(x, hi)
        mask = m2 if mask is None else logical_and(mask, m2)
    return mask


clip = clamp


# ---- binary ---------------------------------------------------------------------
def _binary_dtype(a, b, opname):
    check_operand(a, opname)
    check_operand(b, opname)
    return _dtype.result_type(a, b)


def _tensor_first(a, b, name):
    if not isinstance(a, Tensor):
        if isinstance(b, Tensor):
            return
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(a).__name__}")


def add(input, other, *, alpha=1, out=None):
    a, b = input, other  # torch's parameter names, short local ones
    dt = _binary_dtype(a, b, "+")
    if alpha != 1:
        _check_alpha(dt, alpha)
        res = _emit("add_scaled", (a, b), dt, out, p0=alpha)
    else:
        res = _emit("add", (a, b), dt, out)
    if res is out:
        return out
    _record_binary("AddBackward0", res, a, b, lambda g: g, lambda g: g if alpha == 1 else g * alpha)
    return _maybe_out(res, out)


def _is_bool(v):
    """A bool tensor or a Python/NumPy bool."""
    return v.dtype is _dtype.bool_ if isinstance(v, Tensor) else isinstance(v, (bool, np.bool_))


def sub(input, other, *, alpha=1, out=None):
    a, b = input, other
    dt = _binary_dtype(a, b, "-")
    if dt is _dtype.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead.")
    if any(_is_bool(v) for v in (a, b)):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    if alpha != 1:
        _check_alpha(dt, alpha)
        res = _emit("add_scaled", (a, b), dt, out, p0=-alpha)
    else:
        res = _emit("sub", (a, b), dt, out)
    if res is out:
        return out
    # `2 - x` is torch's rsub with a scalar: RsubBackward1
    _record_binary("SubBackward0" if isinstance(a, Tensor) else "RsubBackward1", res, a, b,
                   lambda g: g, lambda g: -g if alpha == 1 else g * -alpha)
    return _maybe_out(res, out)


def rsub(a, b, alpha=1):
    return sub(b, a, alpha=alpha)


def _check_alpha(dt, alpha):
    if dt.category < 2 and isinstance(alpha, float) and not float(alpha).is_integer():
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def mul(input, other, *, out=None):
    a, b = input, other
    dt = _binary_dtype(a, b, "*")
    res = _emit("mul", (a, b), dt, out)
    if res is out:
        return out
    _record_binary("MulBackward0", res, a, b, lambda g: g * b, lambda g: g * a,
                   reads_a=(b,), reads_b=(a,))
    return _maybe_out(res, out)


def div(input, other, *, rounding_mode=None, out=None):
    a, b = input, other
    if rounding_mode == "floor":
        return floor_divide(a, b)
    if rounding_mode == "trunc":
        _check_integer_zero_division(b, _binary_dtype(a, b, "/"))
        return trunc(div(a, b)).to(_binary_dtype(a, b, "/"))
    dt = _float_dtype(_binary_dtype(a, b, "/"))
    res = _emit("div", (a, b), dt, out)
    if res is out:
        return out
    _record_binary("DivBackward0", res, a, b, lambda g: g / b, lambda g: -(g * a) / (b * b),
                   reads_a=(b,), reads_b=(a, b))
    return _maybe_out(res, out)


true_divide = divide = div
multiply = mul
subtract = sub


def _no_bool_kernel(dt, kernel):
    if dt is _dtype.bool_:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_integer_zero_division(b, dt):
    """Integer // and % by zero raise in torch (floats give inf/nan)."""
    if dt.category >= 2:
        return
    if isinstance(b, Tensor):
        from .reductions import any as any_
        zero = any_(eq(b, 0)).item()
    else:
        zero = b == 0
    if zero:
        raise RuntimeError("ZeroDivisionError")


def floor_divide(input, other):
    a, b = input, other
    dt = _binary_dtype(a, b, "//")
    _no_bool_kernel(dt, "div_floor_cpu")
    _check_integer_zero_division(b, dt)
    return run_elementwise("floor_divide", (a, b), dt, dt)


def remainder(input, other):
    a, b = input, other
    dt = _binary_dtype(a, b, "%")
    _no_bool_kernel(dt, "remainder_cpu")
    _check_integer_zero_division(b, dt)
    res = run_elementwise("remainder", (a, b), dt, dt)
    _record_binary("RemainderBackward0", res, a, b, lambda g: g,
                   lambda g: -(g * floor_divide(a, b)), reads_b=(a, b))
    return res


def fmod(input, other):
    a, b = input, other
    dt = _binary_dtype(a, b, "fmod")
    if dt.category < 2:
        # integers: the remainder with the sign of a (math.fmod is float-only in Numba)
        _check_integer_zero_division(b, dt)
        r = remainder(a, b)
        wrong_sign = logical_and(ne(r, 0), ne(lt(r, 0), lt(a, 0)))
        return where(wrong_sign, sub(r, b), r).to(dt)
    return run_elementwise("fmod", (a, b), dt, dt)


def pow(input, exponent):
    a, b = input, exponent
    dt = _binary_dtype(a, b, "**")
    _no_bool_kernel(dt, "pow")
    if isinstance(a, Tensor) and dt.category < 2 and isinstance(b, (int,)) and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if is_scalar(b) and b == 2:
        res = run_elementwise("square", (a,), dt, dt)
    else:
        res = run_elementwise("pow", (a, b), dt, dt)
    if not isinstance(b, Tensor):          # tensor ** scalar
        _record_binary("PowBackward0", res, a, b, lambda g: g * b * pow(a, b - 1) if b != 0 else g * 0,
                       None, reads_a=(a,))
    elif not isinstance(a, Tensor):        # scalar ** tensor
        _record_binary("PowBackward2", res, a, b, None, lambda g: _pow_exponent_grad(g, a, b, res),
                       reads_b=(b, res))
    else:
        _record_binary("PowBackward1", res, a, b,
                       lambda g: g * b * pow(a, b - 1),
                       lambda g: _pow_exponent_grad(g, a, b, res),
                       reads_a=(a, b), reads_b=(a, b, res))
    return res


def _pow_exponent_grad(g, base, exponent, res):
    """d(base ** exponent)/d exponent = res * log(base), taken as 0 where base == 0 and
    exponent >= 0 (torch's convention; a negative base gives nan)."""
    if isinstance(base, Tensor):
        grad = g * res * log(base)
        return where(logical_and(eq(base, 0), ge(exponent, 0)), 0.0, grad)
    import math
    log_base = math.log(base) if base > 0 else (-math.inf if base == 0 else math.nan)
    grad = g * res * log_base
    return where(ge(exponent, 0), 0.0, grad) if base == 0 else grad


def atan2(a, b):
    dt = _float_dtype(_binary_dtype(a, b, "atan2"))
    res = run_elementwise("atan2", (a, b), dt, dt)
    _record_binary("Atan2Backward0", res, a, b, lambda g: g * b / (a * a + b * b),
                   lambda g: -(g * a) / (a * a + b * b), reads_a=(a, b), reads_b=(a, b))
    return res


def _require_tensors(name, a, b):
    for pos, (arg, v) in enumerate((("input", a), ("other", b)), 1):
        if not isinstance(v, Tensor):
            raise TypeError(f"{name}(): argument '{arg}' (position {pos}) must be Tensor, "
                            f"not {type(v).__name__}")


def maximum(input, other):
    a, b = input, other
    _require_tensors("maximum", a, b)
    dt = _binary_dtype(a, b, "maximum")
    if dt.is_complex:
        raise RuntimeError("maximum not implemented for complex tensors.")
    res = run_elementwise("maximum", (a, b), dt, dt)
    _record_binary("MaximumBackward0", res, a, b, lambda g: _tie_split(g, a, b, gt),
                   lambda g: _tie_split(g, b, a, gt), reads_a=(a, b), reads_b=(a, b))
    return res


def minimum(input, other):
    a, b = input, other
    _require_tensors("minimum", a, b)
    dt = _binary_dtype(a, b, "minimum")
    if dt.is_complex:
        raise RuntimeError("minimum not implemented for complex tensors.")
    res = run_elementwise("minimum", (a, b), dt, dt)
    _record_binary("MinimumBackward0", res, a, b, lambda g: _tie_split(g, a, b, lt),
                   lambda g: _tie_split(g, b, a, lt), reads_a=(a, b), reads_b=(a, b))
    return res


def _tie_split(g, mine, other, wins):
    # PyTorch's rule: the winner gets the gradient, a tie splits it in half
    w = where(wins(mine, other), 1.0, where(eq(mine, other), 0.5, 0.0))
    return g * w


def _record_binary(name, res, a, b, grad_a, grad_b, reads_a=(), reads_b=()):
    """Record a binary op whose gradients are grad_a(g) and grad_b(g).

    reads_a / reads_b: the tensors (or scalars) grad_a / grad_b read.  Those are saved:
    modifying one in place before backward is then an error (add and sub read none)."""
    ra = isinstance(a, Tensor) and a._requires_grad
    rb = isinstance(b, Tensor) and b._requires_grad
    if not (ra or rb):
        return
    inputs = (a if isinstance(a, Tensor) else None, b if isinstance(b, Tensor) else None)
    reads = (reads_a if ra else ()) + (reads_b if rb else ())
    record(name, res, inputs,
           lambda g: (grad_a(g) if ra and grad_a else None, grad_b(g) if rb and grad_b else None),
           saved=[t for t in reads if isinstance(t, Tensor)])


def _emit(op, args, dt, out, p0=0):
    """The op's kernel into a fresh tensor, or straight into `out` when its shape fits.

    Writing into out is for callers that need no gradient (in-place ops without
    autograd, out= arguments); dtype rules are checked as for in-place ops.
    """
    if out is None or needs_grad(*args, out):
        return run_elementwise(op, args, dt, dt, params=(p0,))
    from .._backends.plan import broadcast_shapes
    shape = broadcast_shapes(*[x._shape for x in args if isinstance(x, Tensor)])
    if shape != tuple(out._shape):
        return run_elementwise(op, args, dt, dt, params=(p0,))
    check_leaf(out)
    check_fits(out, dt, shape)
    if any(isinstance(x, Tensor) and x is not out and aliases_differently(x, out) for x in args):
        return run_elementwise(op, args, dt, dt, params=(p0,))
    run_elementwise(op, args, dt, out.dtype, out=out, params=(p0,))
    out._storage._version += 1
    return out


def _maybe_out(res, out):
    if out is None:
        return res
    from .copy import resize_and_copy_out
    return resize_and_copy_out(out, res)


# ---- comparisons and logic --------------------------------------------------------
def _compare(op, sym):
    def fn(input, other):
        a, b = input, other
        dt = _binary_dtype(a, b, sym)
        if dt.is_complex and op in ("lt", "le", "gt", "ge"):
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{scalar_type_name(dt)}'")
        return run_elementwise(op, (a, b), dt, _dtype.bool_)
    fn.__name__ = op
    return fn


eq = _compare("eq", "==")
ne = _compare("ne", "!=")
lt = _compare("lt", "<")
le = _compare("le", "<=")
gt = _compare("gt", ">")
ge = _compare("ge", ">=")
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne
logical_and = _compare("logical_and", "logical_and")
logical_or = _compare("logical_or", "logical_or")
logical_xor = _compare("logical_xor", "logical_xor")


def _bitwise(op, sym):
    def fn(a, b):
        dt = _binary_dtype(a, b, sym)
        if dt.category >= 2:
            raise NotImplementedError(f"\"{op}_cpu\" not implemented for '{scalar_type_name(dt)}'")
        return run_elementwise(op, (a, b), dt, dt)
    fn.__name__ = op
    return fn


bitwise_and = _bitwise("bitwise_and", "&")
bitwise_or = _bitwise("bitwise_or", "|")
bitwise_xor = _bitwise("bitwise_xor", "^")


def where(condition, x=None, y=None):
    if x is None and y is None:
        from .joining import nonzero
        return nonzero(condition, as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError("where(): argument 'condition' must be Tensor")
    if condition.dtype is not _dtype.bool_:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor "
                           f"with dtype {scalar_type_name(condition.dtype)}")
    dt = _dtype.result_type(x, y)
    # the condition stays bool; x and y move to the promoted dtype
    res = run_elementwise("where", (condition, x, y), dt, dt, in_dtypes=(_dtype.bool_, dt, dt))
    ra = isinstance(x, Tensor) and x.requires_grad
    rb = isinstance(y, Tensor) and y.requires_grad
    if ra or rb:
        record("WhereBackward0", res, (x if isinstance(x, Tensor) else None,
                                       y if isinstance(y, Tensor) else None),
               lambda g: (where(condition, g, 0.0) if ra else None,
                          where(condition, 0.0, g) if rb else None))
    return res


# ---- in-place forms ----------------------------------------------------------------
def _inplace_binary(fn, sym, direct=False):
    """fn_(self, other): direct ops write into self when no gradient is involved."""
    def method(self, other, **kw):
        check_operand(other, sym)
        check_no_internal_overlap(self)
        check_no_partial_overlap(self, other)
        if direct and not needs_grad(self, other):
            return fn(self, other, out=self, **kw)
        return apply_inplace(self, lambda cur: fn(cur, other, **kw), (other,))
    method.__name__ = fn.__name__ + "_"
    return method


add_ = _inplace_binary(add, "+=", direct=True)
sub_ = _inplace_binary(sub, "-=", direct=True)
mul_ = _inplace_binary(mul, "*=", direct=True)
div_ = _inplace_binary(div, "/=", direct=True)
pow_ = _inplace_binary(pow, "**=")
remainder_ = _inplace_binary(remainder, "%=")
floor_divide_ = _inplace_binary(floor_divide, "//=")
maximum_ = _inplace_binary(maximum, "maximum")
minimum_ = _inplace_binary(minimum, "minimum")
bitwise_and_ = _inplace_binary(bitwise_and, "&=")
bitwise_or_ = _inplace_binary(bitwise_or, "|=")
bitwise_xor_ = _inplace_binary(bitwise_xor, "^=")


def _inplace_unary(fn):
    def method(self, *args, **kw):
        check_no_internal_overlap(self)
        return apply_inplace(self, lambda cur: fn(cur, *args, **kw), ())
    method.__name__ = fn.__name__ + "_"
    return method


neg_, abs_, exp_, log_, sqrt_, sin_, cos_, tanh_, sigmoid_, relu_, clamp_, floor_, ceil_, \
    round_, trunc_, reciprocal_, sign_, square_ = [
        _inplace_unary(f) for f in (neg, abs, exp, log, sqrt, sin, cos, tanh, sigmoid, relu, clamp,
                                    floor, ceil, round, trunc, reciprocal, sign, square)]
clip_ = clamp_
