"""Special functions: erf, erfc, erfinv, lgamma, digamma, polygamma, i0, the inverse
hyperbolic functions, and the small element-wise helpers frac, sinc, copysign, fmax, fmin,
isposinf, isneginf, isreal and xlog1py.

erf, erfc, lgamma, asinh, acosh, atanh, copysign, fmax and fmin are one element kernel
each (scalar_ops).  erfinv, digamma, polygamma and i0 are composed from element ops and
computed in float64 (rounded once to the result dtype); their backward is recorded as
one node under PyTorch's name.
"""
import math

from .. import _dtype
from .._tensor import Tensor
from ..autograd.derivatives import attach, derivative
from ..autograd.grad_mode import no_grad
from . import elementwise as ew
from .dispatch import run_elementwise
from .elementwise import _float_dtype, _float_unary, _inplace_apply, _inplace_checks, \
    _inplace_unary, _with_out
from .inplace import apply_inplace
from ._common import require_tensor, scalar_type_name
from .out_args import castable

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _no_complex(fname, x):
    if x.dtype.is_complex:
        raise NotImplementedError(f"\"{fname}_cpu\" not implemented for "
                                  f"'{scalar_type_name(x.dtype)}'")


# ---- one kernel each -------------------------------------------------------------------
@derivative("ErfBackward0", saves=("self",))
def _erf_backward(ctx, g):
    x = ctx.self
    return (g * ew.exp(-(x * x)) * _TWO_OVER_SQRT_PI,)


@derivative("ErfcBackward0", saves=("self",))
def _erfc_backward(ctx, g):
    x = ctx.self
    return (g * ew.exp(-(x * x)) * -_TWO_OVER_SQRT_PI,)


@derivative("LgammaBackward0", saves=("self",))
def _lgamma_backward(ctx, g):
    return (g * digamma(ctx.self),)


@derivative("AsinhBackward0", saves=("self",))
def _asinh_backward(ctx, g):
    x = ctx.self
    return (g * ew.rsqrt(x * x + 1),)


@derivative("AcoshBackward0", saves=("self",))
def _acosh_backward(ctx, g):
    x = ctx.self
    return (g * ew.rsqrt(x * x - 1),)


@derivative("AtanhBackward0", saves=("self",))
def _atanh_backward(ctx, g):
    x = ctx.self
    return (g / (-(x * x) + 1),)


def _real_float_unary(op, d):
    """_float_unary, refusing complex inputs (these kernels are real-only)."""
    inner = _float_unary(op, d)

    def fn(input, *, out=None):
        if isinstance(input, Tensor):
            _no_complex(op, input)
        return inner(input, out=out)

    def method(self):
        _no_complex(op, self)
        return inner.method(self)
    fn.method = ew._named(method, op)
    fn.__doc__ = inner.__doc__
    return ew._named(fn, op)


erf = _real_float_unary("erf", _erf_backward)
erfc = _real_float_unary("erfc", _erfc_backward)
lgamma = _real_float_unary("lgamma", _lgamma_backward)
asinh = _real_float_unary("asinh", _asinh_backward)
acosh = _real_float_unary("acosh", _acosh_backward)
atanh = _real_float_unary("atanh", _atanh_backward)
erf.__doc__ = "The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x."
erfc.__doc__ = "The complementary error function 1 - erf(x), accurate where erf is near 1."
lgamma.__doc__ = "log|Gamma(x)|, element-wise (inf at the poles 0, -1, -2, ...)."
asinh.__doc__ = "Inverse hyperbolic sine, element-wise."
acosh.__doc__ = "Inverse hyperbolic cosine, element-wise (NaN below 1)."
atanh.__doc__ = "Inverse hyperbolic tangent, element-wise (+-inf at +-1, NaN beyond)."


def _alias(fn, name):
    def alias(input, *, out=None):
        return fn(input, out=out)
    alias.__doc__ = f"Alias of {fn.__name__}()."
    return ew._named(alias, name)


arcsinh, arccosh, arctanh = _alias(asinh, "arcsinh"), _alias(acosh, "arccosh"), \
    _alias(atanh, "arctanh")


# ---- composed from element ops --------------------------------------------------------
def _float_input(fname, x):
    """x in its float result dtype (ints and bool to the default float)."""
    require_tensor(fname, "input", 1, x)
    _no_complex(fname, x)
    dt = _float_dtype(x.dtype)
    return x if x.dtype is dt else x.to(dt)


@derivative("FracBackward0")
def _frac_backward(ctx, g):
    return (g,)


def frac(input, *, out=None):
    """x - trunc(x): the fractional part, with the sign of x."""
    if out is not None:
        return _with_out(frac, out, castable, input)
    require_tensor("frac", "input", 1, input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"frac_cpu\" not implemented for "
                                  f"'{scalar_type_name(input.dtype)}'")
    with no_grad():
        res = ew.sub(input, ew.trunc(input))
    return attach(_frac_backward, res, (input,))


@derivative("SincBackward0", saves=("self",))
def _sinc_backward(ctx, g):
    x = ctx.self
    px = x * math.pi
    d = (px * ew.cos(px) - ew.sin(px)) / (px * x)
    return (g * ew.where(ew.eq(x, 0), 0.0, d),)


def sinc(input, *, out=None):
    """sin(pi x) / (pi x), and 1 at x = 0."""
    if out is not None:
        return _with_out(sinc, out, castable, input)
    require_tensor("sinc", "input", 1, input)
    x = input
    dt = _float_dtype(x.dtype)
    with no_grad():
        # computed in float64 for float32 and float16: pi * x is then exact enough
        work = _dtype.float64 if dt.is_floating_point else dt
        xw = x.to(work)
        px = ew.mul(xw, math.pi)
        res = ew.where(ew.eq(xw, 0), 1.0, ew.div(ew.sin(px), px)).to(dt)
    return attach(_sinc_backward, res, (x,))


def _bool_out(name):
    def rule(want, got, fname):
        if got is not _dtype.bool_:
            raise RuntimeError(f"{name} does not support non-boolean outputs.")
    return rule


def _infinity_test(name, value):
    """isposinf / isneginf: True where input equals `value` (never for integers)."""
    def fn(input, *, out=None):
        if out is not None:
            return _with_out(fn, out, _bool_out(name), input)
        require_tensor(name, "input", 1, input)
        if input.dtype.is_complex:
            raise RuntimeError(f"{name} does not support complex inputs.")
        if not input.dtype.is_floating_point:
            return ew.ne(input.detach(), input.detach())
        return ew.eq(input.detach(), value)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"True where input is {'+' if value > 0 else '-'}inf."
    return fn


isposinf = _infinity_test("isposinf", math.inf)
isneginf = _infinity_test("isneginf", -math.inf)


def isreal(input):
    """True where the imaginary part is 0 (everywhere for a real tensor)."""
    require_tensor("isreal", "input", 1, input)
    x = input.detach()
    if not x.dtype.is_complex:
        return ew.eq(x, x) if not x.dtype.is_floating_point else ew.logical_or(ew.eq(x, x),
                                                                              ew.isnan(x))
    from .complex_views import imag
    return ew.eq(imag(x), 0)


def _float_result(a, b):
    dt = _dtype.result_type(a, b)
    return dt if dt.category >= 2 else _dtype.get_default_dtype()


def xlog1py(input, other, *, out=None):
    """input * log1p(other), and 0 where input is 0 (unless other is NaN)."""
    if out is not None:
        return _with_out(xlog1py, out, castable, input, other)
    x, y = input, other
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        raise TypeError(f"xlog1py() received an invalid combination of arguments - got "
                        f"({type(x).__name__}, {type(y).__name__})")
    dt = _float_result(x, y)
    if dt.is_complex:
        raise NotImplementedError(f"\"xlog1py_cpu\" not implemented for "
                                  f"'{scalar_type_name(dt)}'")
    device = next(v.device for v in (x, y) if isinstance(v, Tensor))
    from .._alloc import full
    with no_grad():
        xt = x.to(dt) if isinstance(x, Tensor) else full((), x, dt, device)
        yt = y.to(dt) if isinstance(y, Tensor) else full((), y, dt, device)
        res = ew.where(ew.eq(xt, 0), 0.0, ew.mul(xt, ew.log1p(yt)))
        res = ew.where(ew.isnan(yt), math.nan, res)
    node = None if isinstance(x, Tensor) and isinstance(y, Tensor) else \
        "SpecialXlog1PyBackward1" if isinstance(y, Tensor) else "SpecialXlog1PyBackward2"
    return attach(_xlog1py_backward, res, (x, y), node, self_value=xt, other_value=yt)


@derivative("SpecialXlog1PyBackward0", inputs=("self", "other"),
            saves=("self_value", "other_value"))
def _xlog1py_backward(ctx, g):
    x, y = ctx.self_value, ctx.other_value
    need = ctx.needs_input_grad
    gx = gy = None
    if need[0]:
        gx = ew.where(ew.logical_and(ew.eq(x, 0), ew.le(y, -1)), 0.0, xlog1py(g, y))
    if need[1]:
        gy = ew.div(ew.mul(g, x), ew.add(y, 1))
    return gx, gy


# ---- copysign, fmax, fmin ----------------------------------------------------------------
def copysign(input, other, *, out=None):
    """|input| with the sign of other (also of -0.0 and of a NaN's sign bit)."""
    if out is not None:
        return _with_out(copysign, out, castable, input, other)
    require_tensor("copysign", "input", 1, input)
    a, b = input, other
    dt = _float_dtype(ew._binary_dtype(a, b, "copysign"))
    if dt.is_complex:
        raise NotImplementedError(f"\"copysign_cpu\" not implemented for "
                                  f"'{scalar_type_name(dt)}'")
    res = run_elementwise("copysign", (a, b), dt, dt)
    node = None if isinstance(b, Tensor) else "CopysignBackward1"
    return attach(_copysign_backward, res, (a, b) if isinstance(b, Tensor) else (a, None),
                  node, self_value=a, res_value=res)


@derivative("CopysignBackward0", inputs=("self", "other"), saves=("self_value", "res_value"))
def _copysign_backward(ctx, g):
    need = ctx.needs_input_grad
    a, r = ctx.self_value, ctx.res_value
    ga = ew.where(ew.eq(a, 0), 0.0, g * ew.div(r, a)) if need[0] else None
    gb = ew.mul(g, 0) if need[1] else None
    return ga, gb


def _nan_ignoring(op):
    def fn(input, other, *, out=None):
        if out is not None:
            return _with_out(fn, out, castable, input, other)
        ew._require_tensors(op, input, other)
        a, b = input, other
        dt = ew._binary_dtype(a, b, op)
        if dt.is_complex:
            raise RuntimeError(f"{op} not implemented for complex tensors.")
        res = run_elementwise(op, (a, b), dt, dt)
        return attach(_fmax_backward if op == "fmax" else _fmin_backward, res, (a, b),
                      self_value=a, other_value=b)
    fn.__doc__ = f"Element-wise {op[1:]}imum that ignores NaN (NaN only when both are NaN)."
    return ew._named(fn, op)


def _nan_ignoring_grads(ctx, g, wins):
    a, b, need = ctx.self_value, ctx.other_value, ctx.needs_input_grad
    first = ew.logical_or(wins(a, b), ew.isnan(b))
    return (ew.where(first, g, 0.0) if need[0] else None,
            ew.where(first, 0.0, g) if need[1] else None)


@derivative("FmaxBackward0", inputs=("self", "other"), saves=("self_value", "other_value"))
def _fmax_backward(ctx, g):
    return _nan_ignoring_grads(ctx, g, ew.ge)


@derivative("FminBackward0", inputs=("self", "other"), saves=("self_value", "other_value"))
def _fmin_backward(ctx, g):
    return _nan_ignoring_grads(ctx, g, ew.le)


fmax = _nan_ignoring("fmax")
fmin = _nan_ignoring("fmin")


# ---- erfinv --------------------------------------------------------------------------------
# Giles' single-precision approximation (w = -log(1 - x^2)), then four Newton steps in float64 (the
# approximation was made for float32's range; float64's tail reaches further)
_ERFINV_LOW = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
               0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_HIGH = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _horner(coeffs, w):
    p = ew.add(ew.mul(w, 0.0), coeffs[0])
    for c in coeffs[1:]:
        p = ew.add(ew.mul(p, w), c)
    return p


def _erfinv64(x):
    """erfinv of a float64 tensor (no autograd)."""
    a = ew.abs(x)
    tail = ew.rsub(a, 1.0)  # exact for a >= 0.5
    w = ew.neg(ew.add(ew.log(tail), ew.log1p(a)))  # -log(1 - a^2) without a^2's rounding
    low = _horner(_ERFINV_LOW, ew.sub(w, 2.5))
    high = _horner(_ERFINV_HIGH, ew.sub(ew.sqrt(w), 3.0))
    y = ew.mul(ew.where(ew.lt(w, 5.0), low, high), a)
    central = ew.lt(a, 0.5)
    log_tail = ew.log(tail)
    for _ in range(4):
        slope = ew.mul(ew.exp(ew.neg(ew.mul(y, y))), _TWO_OVER_SQRT_PI)
        # Newton on erf(y) = a near 0; near 1 on log(erfc(y)) = log(1 - a), which is
        # nearly linear in y and keeps the digits erf(y) would lose
        rest = erfc(y)
        step = ew.where(central, ew.div(ew.sub(erf(y), a), slope),
                        ew.div(ew.mul(ew.sub(log_tail, ew.log(rest)), rest), slope))
        y = ew.where(ew.isfinite(step), ew.sub(y, step), y)
    y = ew.where(ew.eq(a, 1.0), math.inf, ew.where(ew.gt(a, 1.0), math.nan, y))
    return copysign(y, x)


@derivative("ErfinvBackward0", saves=("result",))
def _erfinv_backward(ctx, g):
    y = ctx.result
    return (g * ew.exp(y * y) * (math.sqrt(math.pi) / 2),)


def erfinv(input, *, out=None):
    """The inverse of erf on (-1, 1): +-inf at +-1, NaN outside."""
    if out is not None:
        return _with_out(erfinv, out, castable, input)
    x = _float_input("erfinv", input)
    with no_grad():
        res = _erfinv64(x.detach().to(_dtype.float64)).to(x.dtype)
    return attach(_erfinv_backward, res, (input,))


# ---- digamma, polygamma ------------------------------------------------------------------
# Bernoulli terms of the asymptotic series of digamma (B_2k / 2k) and trigamma (B_2k)
_PSI_SERIES = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)
_PSI1_SERIES = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
_SHIFT = 6


def _reflected(x):
    """x, or 1 - x where x < 0.5 (and the mask)."""
    left = ew.lt(x, 0.5)
    return left, ew.where(left, ew.rsub(x, 1.0), x)


def _digamma64(x):
    left, y = _reflected(x)
    acc = ew.mul(y, 0.0)
    for k in range(_SHIFT):
        acc = ew.add(acc, ew.reciprocal(ew.add(y, float(k))))
    z = ew.add(y, float(_SHIFT))
    iz2 = ew.reciprocal(ew.mul(z, z))
    series = ew.mul(ew.add(ew.mul(iz2, 0.0), _PSI_SERIES[-1]), iz2)
    for c in reversed(_PSI_SERIES[:-1]):
        series = ew.mul(ew.add(series, c), iz2)
    psi = ew.sub(ew.sub(ew.sub(ew.log(z), ew.div(0.5, z)), series), acc)
    # reflection: psi(x) = psi(1 - x) - pi / tan(pi x); the poles -1, -2, ... give NaN, and
    # +-0 gives -+inf, as PyTorch
    px = ew.mul(x, math.pi)
    refl = ew.sub(psi, ew.div(math.pi, ew.tan(px)))
    integer = ew.eq(x, ew.floor(x))
    refl = ew.where(integer, math.nan, refl)
    res = ew.where(left, refl, psi)
    res = ew.where(ew.eq(x, 0), ew.div(-1.0, x), res)
    res = ew.where(ew.eq(x, math.inf), math.inf, res)
    return ew.where(ew.eq(x, -math.inf), math.nan, res)


def _trigamma64(x):
    left, y = _reflected(x)
    acc = ew.mul(y, 0.0)
    for k in range(_SHIFT):
        t = ew.add(y, float(k))
        acc = ew.add(acc, ew.reciprocal(ew.mul(t, t)))
    z = ew.add(y, float(_SHIFT))
    iz = ew.reciprocal(z)
    iz2 = ew.mul(iz, iz)
    series = ew.mul(ew.add(ew.mul(iz2, 0.0), _PSI1_SERIES[-1]), iz2)
    for c in reversed(_PSI1_SERIES[:-1]):
        series = ew.mul(ew.add(series, c), iz2)
    # 1/z + 1/(2 z^2) + sum B_2k / z^(2k+1)
    psi1 = ew.add(ew.add(ew.add(iz, ew.mul(iz2, 0.5)), ew.mul(series, iz)), acc)
    s = ew.sin(ew.mul(x, math.pi))
    refl = ew.sub(ew.div(math.pi * math.pi, ew.mul(s, s)), psi1)
    res = ew.where(left, refl, psi1)
    return ew.where(ew.logical_and(ew.le(x, 0), ew.eq(x, ew.floor(x))), math.inf, res)


def _in_float64(fn, x):
    return fn(x.detach().to(_dtype.float64)).to(x.dtype)


@derivative("DigammaBackward0", saves=("self",))
def _digamma_backward(ctx, g):
    return (g * polygamma(1, ctx.self),)


def digamma(input, *, out=None):
    """The logarithmic derivative of Gamma (-inf at 0, NaN at the negative integers)."""
    if out is not None:
        return _with_out(digamma, out, castable, input)
    x = _float_input("digamma", input)
    with no_grad():
        res = _in_float64(_digamma64, x)
    return attach(_digamma_backward, res, (input,))


@derivative("PolygammaBackward0", saves=("self",))
def _polygamma_backward(ctx, g):
    return (g * polygamma(ctx.n + 1, ctx.self),)


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma; numtensor has n = 0 and n = 1."""
    if out is not None:
        return _with_out(polygamma, out, castable, n, input)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not "
                        f"{type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    if n > 1:
        raise NotImplementedError("numtensor's polygamma has n = 0 and n = 1 only")
    if n == 0:
        return digamma(input)
    x = _float_input("polygamma", input)
    with no_grad():
        res = _in_float64(_trigamma64, x)
    return attach(_polygamma_backward, res, (input,), n=n)


# ---- i0 --------------------------------------------------------------------------------------
_SERIES_TERMS = 64
_ASYMPTOTIC_FROM = 30.0
_ASYMPTOTIC_TERMS = 28


def _bessel_i64(nu, x):
    """The modified Bessel function I_nu (nu = 0 or 1) of a float64 tensor: the power
    series below 30, the asymptotic series from there on."""
    a = ew.abs(x)
    t = ew.mul(ew.mul(a, a), 0.25)
    s = ew.add(ew.mul(t, 0.0), 1.0)
    for k in range(_SERIES_TERMS, 0, -1):
        s = ew.add(ew.mul(s, ew.mul(t, 1.0 / (k * (k + nu)))), 1.0)
    if nu == 1:
        s = ew.mul(s, ew.mul(a, 0.5))
    big = ew.where(ew.lt(a, _ASYMPTOTIC_FROM), _ASYMPTOTIC_FROM, a)
    inv = ew.reciprocal(big)
    mu = 4.0 * nu * nu
    coeffs = [1.0]
    for k in range(1, _ASYMPTOTIC_TERMS):
        coeffs.append(coeffs[-1] * -(mu - (2 * k - 1) ** 2) / (8.0 * k))
    tail = ew.add(ew.mul(inv, 0.0), coeffs[-1])
    for c in reversed(coeffs[:-1]):
        tail = ew.add(ew.mul(tail, inv), c)
    scale = ew.exp(ew.sub(big, ew.mul(ew.log(ew.mul(big, 2 * math.pi)), 0.5)))
    res = ew.where(ew.lt(a, _ASYMPTOTIC_FROM), s, ew.mul(scale, tail))
    if nu == 1:
        res = copysign(res, x)
    return ew.where(ew.isnan(x), math.nan, res)


@derivative("I0Backward0", saves=("self",))
def _i0_backward(ctx, g):
    x = ctx.self
    with no_grad():
        i1 = _bessel_i64(1, x.detach().to(_dtype.float64)).to(x.dtype)
    return (g * i1,)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind, order 0."""
    if out is not None:
        return _with_out(i0, out, castable, input)
    x = _float_input("i0", input)
    with no_grad():
        res = _in_float64(lambda v: _bessel_i64(0, v), x)
    return attach(_i0_backward, res, (input,))


# ---- methods and in-place forms ----------------------------------------------------------
def _unary_method(fn, name):
    def method(self):
        return fn(self)
    method.__doc__ = f"See torch.{fn.__name__}()."
    return ew._named(method, name)


def _binary_inplace(fn, name):
    def method(self, other):
        _inplace_checks(self, other, name[:-1])
        return apply_inplace(self, lambda cur: fn(cur, other), (other,))
    method.__doc__ = f"In-place {fn.__name__}."
    return ew._named(method, name)


def _binary_method(fn, name):
    def method(self, other):
        return fn(self, other)
    method.__doc__ = f"See torch.{fn.__name__}()."
    return ew._named(method, name)


def _polygamma_method(self, n):
    """See torch.polygamma()."""
    return polygamma(n, self)


def _polygamma_inplace(self, n):
    """polygamma computed in place."""
    return _inplace_apply(self, lambda cur: polygamma(n, cur))


def _named_inplace(fn, name):
    m = _inplace_unary(fn)
    m.__doc__ = f"{name[:-1]} computed in place."
    return ew._named(m, name)


_UNARY_FNS = {"erf": erf, "erfc": erfc, "erfinv": erfinv, "lgamma": lgamma, "asinh": asinh,
              "acosh": acosh, "atanh": atanh, "arcsinh": asinh, "arccosh": acosh,
              "arctanh": atanh, "frac": frac, "sinc": sinc, "digamma": digamma, "i0": i0}

METHODS = {}
for _name, _fn in _UNARY_FNS.items():
    METHODS[_name] = _unary_method(_fn, _name)
    METHODS[_name + "_"] = _named_inplace(_fn, _name + "_")
for _name, _fn in {"isposinf": isposinf, "isneginf": isneginf, "isreal": isreal}.items():
    METHODS[_name] = _unary_method(_fn, _name)
for _name, _fn in {"copysign": copysign, "fmax": fmax, "fmin": fmin}.items():
    METHODS[_name] = _binary_method(_fn, _name)
METHODS["copysign_"] = _binary_inplace(copysign, "copysign_")
METHODS["polygamma"] = ew._named(_polygamma_method, "polygamma")
METHODS["polygamma_"] = ew._named(_polygamma_inplace, "polygamma_")


def _module_inplace(name):
    def fn(input):
        return getattr(input, name)()
    fn.__doc__ = f"input.{name}(): {name[:-1]} computed in place; returns input."
    return ew._named(fn, name)


FUNCTIONS = {
    "erf": erf, "erfc": erfc, "erfinv": erfinv, "lgamma": lgamma, "asinh": asinh,
    "acosh": acosh, "atanh": atanh, "arcsinh": arcsinh, "arccosh": arccosh,
    "arctanh": arctanh, "frac": frac, "sinc": sinc, "isposinf": isposinf,
    "isneginf": isneginf, "isreal": isreal, "copysign": copysign, "fmax": fmax, "fmin": fmin,
    "digamma": digamma, "polygamma": polygamma, "i0": i0,
}
# torch.erf_(x) ...: the module-level in-place spellings PyTorch has
for _name in ("erf_", "erfc_", "asinh_", "acosh_", "atanh_", "arcsinh_", "arccosh_",
              "arctanh_", "frac_", "sinc_", "i0_"):
    FUNCTIONS[_name] = _module_inplace(_name)
