"""Gamma(concentration, rate), and the special functions the Gamma family needs.

numtensor has no gammainc kernel, so it is composed here from tensor ops in float64
(lgamma and digamma are numtensor's own).  Standard Gamma draws
use Marsaglia and Tsang's rejection method, repeated on the rejected elements until all
are accepted; their gradient with respect to the concentration is the implicit
reparameterisation gradient -(dF/dalpha) / f, with PyTorch's approximations of it (a
series for small draws, Rice's saddle point expansion for large alpha, a rational fit in
between), so rsample gives PyTorch's gradients."""
import numbers

from .._size import Size
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from . import constraints
from .distribution import Distribution
from ..ops.special_math import digamma, lgamma
from .utils import broadcast_all


# ---- the incomplete gamma function -------------------------------------------------------
def _gammainc_values(a, x):
    """The regularised lower incomplete gamma P(a, x) (a > 0, x >= 0), float64, without
    history: the power series where x < a + 1, else 1 - Q from Legendre's continued
    fraction (modified Lentz), each iterated until every element has converged."""
    from .. import finfo, float64, where
    with no_grad():
        a, x = a.to(float64), x.to(float64)
        eps, tiny = finfo(float64).eps, 1e-300
        use_series = x < a + 1
        log_front = a * x.log() - x - lgamma(a)  # log(x^a e^-x / Gamma(a))
        # series: P = front * sum_n x^n / (a (a+1) ... (a+n))
        xs = where(use_series, x, 0.0)
        term = a.reciprocal()
        total = term
        for n in range(1, 100000):
            term = term * xs / (a + float(n))
            total = total + term
            if n % 8 == 0 and not bool((term.abs() > total.abs() * eps).any()):
                break
        series = total * log_front.exp()
        # continued fraction for Q (on the other elements; x = a + 2 elsewhere, harmless)
        xc = where(use_series, a + 2.0, x)
        b = xc + 1.0 - a
        c = b * 0.0 + 1.0 / tiny
        d = b.reciprocal()
        h = d
        for i in range(1, 100000):
            an = -float(i) * (float(i) - a)
            b = b + 2.0
            d = an * d + b
            d = where(d.abs() < tiny, tiny, d)
            c = b + an / c
            c = where(c.abs() < tiny, tiny, c)
            d = d.reciprocal()
            delta = d * c
            h = h * delta
            if i % 8 == 0 and not bool(((delta - 1.0).abs() > eps).any()):
                break
        fraction = 1.0 - (a * xc.log() - xc - lgamma(a)).exp() * h
        result = where(use_series, series, fraction)
        result = where(x == 0, 0.0, result)
        return where(x == float("inf"), 1.0, result)


class _GammaInc(Function):
    """P(a, x) with its derivative in x (PyTorch has none in a)."""

    @staticmethod
    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return _gammainc_values(a, x).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        with no_grad():
            density = ((a - 1) * x.log() - x - lgamma(a)).exp()
        return None, grad * density


def gammainc(a, x):
    """The regularised lower incomplete gamma function P(a, x) (torch.special.gammainc)."""
    a, x = broadcast_all(a, x)
    return _GammaInc.apply(a, x)


# ---- standard Gamma draws ------------------------------------------------------------------
def _sample_standard_gamma(alpha):
    """Gamma(alpha, 1) draws (float64, no history), one per element of alpha."""
    from .. import arange, empty, float64, int64, rand, randn, where
    with no_grad():
        a = alpha.detach().to(float64).reshape(-1)
        n = a.numel()
        boosted = a < 1  # Gamma(a) = Gamma(a + 1) * U^(1/a)
        d = where(boosted, a + 1.0, a) - 1.0 / 3.0
        c = (9.0 * d).sqrt().reciprocal()
        out = empty((n,), dtype=float64, device=a.device)
        pending = arange(n, dtype=int64, device=a.device)
        while pending.numel():
            m = pending.numel()
            dp, cp = d[pending], c[pending]
            z = randn(m, dtype=float64, device=a.device)
            u = rand(m, dtype=float64, device=a.device)
            v = (1.0 + cp * z) ** 3
            positive = v > 0
            v = where(positive, v, 1.0)
            squeeze = u < 1.0 - 0.0331 * z ** 4
            full = u.log() < 0.5 * z * z + dp * (1.0 - v + v.log())
            accept = (positive & (squeeze | full)) | ~(dp.abs() < float("inf"))
            out[pending[accept]] = (dp * v)[accept]
            pending = pending[~accept]
        if bool(boosted.any()):
            u = rand(n, dtype=float64, device=a.device)
            out = where(boosted, out * (1.0 - u) ** a.reciprocal(), out)
        return out.reshape(alpha.shape)


# coefficients of PyTorch's bivariate rational fit to the gradient (rows: powers of
# u = log(x / alpha); columns: numerator then denominator powers of v = log(alpha))
_GRAD_FIT = ((0.16009398, -0.094634809, 0.025146376, -0.0030648343,
              1.0, 0.32668115, 0.10406089, 0.0014179084),
             (0.53487893, 0.1298071, 0.065735949, -0.0015649758,
              0.16639465, 0.020070113, -0.0035938915, -0.00058392623),
             (0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
              0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07))


def standard_gamma_grad(alpha, x):
    """d x / d alpha for a Gamma(alpha, 1) draw x, as torch._standard_gamma_grad."""
    from .. import float64, isnan, where
    with no_grad():
        a, xd = alpha.to(float64), x.to(float64)
        # small x: Taylor series of the CDF and its alpha derivative
        numer, denom = a * 0.0 + 1.0, a
        series1, series2 = denom.reciprocal(), (denom * denom).reciprocal()
        for i in range(1, 6):
            numer = numer * (-xd / float(i))
            denom = denom + 1.0
            series1 = series1 + numer / denom
            series2 = series2 + numer / (denom * denom)
        pow_x_alpha = xd ** a
        pdf = xd ** (a - 1.0) * (-xd).exp()
        cdf = pow_x_alpha * series1
        cdf_alpha = (xd.log() - digamma(a)) * cdf - pow_x_alpha * series2
        small = -cdf_alpha / pdf
        small = where(isnan(small), 0.0, small)
        # large alpha: Rice's saddle point expansion (a polynomial near the mode)
        near = (0.9 * a <= xd) & (xd <= 1.1 * a)
        poly = ((1.0 + 24.0 * a * (1.0 + 12.0 * a))
                * (1440.0 * a * a + 6.0 * xd * (53.0 - 120.0 * xd) - 65.0 * xd * xd / a
                   + a * (107.0 + 3600.0 * xd))
                / (1244160.0 * a ** 4))
        root = (8.0 * a).sqrt()
        term2 = root / (a - xd)
        term3 = (xd - a - a * (xd / a).log()) ** -1.5
        term23 = where(xd < a, term2 - term3, term2 + term3)
        term1 = (xd / a).log() * term23 - (2.0 / a).sqrt() * (a + xd) / ((a - xd) ** 2)
        stirling = 1.0 + (12.0 * a).reciprocal() * (1.0 + (24.0 * a).reciprocal())
        rice = where(near, poly, -stirling * xd * term1 / root)
        # otherwise: the rational fit in log space
        u, v = (xd / a).log(), a.log()
        coef = [r0 + u * (r1 + u * r2) for r0, r1, r2 in zip(*_GRAD_FIT)]
        p = coef[0] + v * (coef[1] + v * (coef[2] + v * coef[3]))
        q = coef[4] + v * (coef[5] + v * (coef[6] + v * coef[7]))
        rational = (p / q).exp()
        result = where(xd < 0.8, small, where(a > 8.0, rice, rational))
        return result.to(x.dtype)


class _StandardGamma(Function):
    """Gamma(alpha, 1) draws; backward: the implicit reparameterisation gradient."""

    @staticmethod
    def forward(ctx, alpha):
        from .. import finfo
        x = _sample_standard_gamma(alpha).to(alpha.dtype).clamp(min=finfo(alpha.dtype).tiny)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad):
        alpha, x = ctx.saved_tensors
        return grad * standard_gamma_grad(alpha, x)


def standard_gamma(alpha):
    """Gamma(alpha, 1) draws of alpha's shape (torch._standard_gamma), differentiable."""
    return _StandardGamma.apply(alpha)


# ---- the distribution ----------------------------------------------------------------------
class Gamma(Distribution):
    """Gamma with shape `concentration` and inverse scale `rate`."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        scalar = isinstance(concentration, numbers.Number) and isinstance(rate, numbers.Number)
        super().__init__(Size() if scalar else self.concentration.shape,
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Gamma, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        return self._expanded(new, batch_shape)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate.pow(2)

    def rsample(self, sample_shape=Size()):
        """A standard Gamma draw divided by rate: differentiable in both parameters."""
        from .. import finfo
        shape = self._extended_shape(sample_shape)
        value = standard_gamma(self.concentration.expand(shape)) / self.rate.expand(shape)
        with no_grad():
            value.detach().clamp_(min=finfo(value.dtype).tiny)
        return value

    def log_prob(self, value):
        from .. import as_tensor, xlogy
        value = as_tensor(value, dtype=self.rate.dtype, device=self.rate.device)
        if self._validate_args:
            self._validate_sample(value)
        return (xlogy(self.concentration, self.rate) + xlogy(self.concentration - 1, value)
                - self.rate * value - lgamma(self.concentration))

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return gammainc(self.concentration, self.rate * value)

    def entropy(self):
        c = self.concentration
        return c - self.rate.log() + lgamma(c) + (1.0 - c) * digamma(c)

