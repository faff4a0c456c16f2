"""torch.special: special functions under their SciPy-style names, each delegating to
the numtensor function of the same meaning."""
import math as _math

from .ops import elementwise as _ew, more_math as _more_math, reductions as _red, \
    special_math as _sm, composite as _composite
from .ops.elementwise import _with_out
from .ops.out_args import castable as _castable

__all__ = ["erf", "erfc", "erfinv", "expit", "logit", "exp2", "expm1", "log1p", "gammaln",
           "digamma", "psi", "xlogy", "xlog1py", "sinc", "logsumexp", "softmax",
           "log_softmax", "ndtr", "round", "entr", "i0"]


def erf(input, *, out=None):
    """The error function."""
    return _sm.erf(input, out=out)


def erfc(input, *, out=None):
    """The complementary error function 1 - erf(x)."""
    return _sm.erfc(input, out=out)


def erfinv(input, *, out=None):
    """The inverse error function."""
    return _sm.erfinv(input, out=out)


def expit(input, *, out=None):
    """The logistic sigmoid 1 / (1 + exp(-x))."""
    if out is not None:
        return _with_out(expit, out, _castable, input)
    return _ew.sigmoid(input)


def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)), p clamped to [eps, 1 - eps] when eps is given."""
    return _more_math.logit(input, eps, out=out)


def exp2(input, *, out=None):
    """2 ** x."""
    return _composite.exp2(input, out=out)


def expm1(input, *, out=None):
    """exp(x) - 1, accurate near 0."""
    return _ew.expm1(input, out=out)


def log1p(input, *, out=None):
    """log(1 + x), accurate near 0."""
    return _ew.log1p(input, out=out)


def gammaln(input, *, out=None):
    """log|Gamma(x)| (torch.lgamma)."""
    return _sm.lgamma(input, out=out)


def digamma(input, *, out=None):
    """The logarithmic derivative of Gamma."""
    return _sm.digamma(input, out=out)


def psi(input, *, out=None):
    """Alias of digamma."""
    return _sm.digamma(input, out=out)


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0."""
    return _more_math.xlogy(input, other, out=out)


def xlog1py(input, other, *, out=None):
    """input * log1p(other), 0 where input is 0."""
    return _sm.xlog1py(input, other, out=out)


def sinc(input, *, out=None):
    """The normalised sinc sin(pi x) / (pi x)."""
    return _sm.sinc(input, out=out)


def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) along dim, without overflow."""
    if out is not None:
        return _more_math._into("logsumexp", out, _castable, _red.logsumexp, input, dim, keepdim)
    return _red.logsumexp(input, dim, keepdim)


def softmax(input, dim, *, dtype=None):
    """The softmax along dim, computed in dtype when given."""
    from .nn import functional as _F
    return _F.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """The log of the softmax along dim, computed in dtype when given."""
    from .nn import functional as _F
    return _F.log_softmax(input, dim, dtype=dtype)


def ndtr(input, *, out=None):
    """The standard normal distribution function 0.5 * erfc(-x / sqrt(2))."""
    if out is not None:
        return _with_out(ndtr, out, _castable, input)
    return _ew.mul(_sm.erfc(_ew.mul(input, -1.0 / _math.sqrt(2.0))), 0.5)


def round(input, *, decimals=0, out=None):
    """Rounds half to even, to `decimals` decimal places."""
    return _ew.round(input, decimals=decimals, out=out)


def entr(input, *, out=None):
    """-x * log(x) element-wise: 0 at 0, -inf below 0."""
    if out is not None:
        return _with_out(entr, out, _castable, input)
    x = input
    if x.dtype.category < 2:
        from . import _dtype
        x = x.to(_dtype.get_default_dtype())
    res = _ew.where(_ew.eq(x, 0), 0.0, _ew.neg(_ew.mul(x, _ew.log(x))))
    return _ew.where(_ew.lt(x, 0), -_math.inf, res)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind, order 0."""
    return _sm.i0(input, out=out)
