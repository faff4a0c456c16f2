"""Beta(concentration1, concentration0), built on Dirichlet over (x, 1 - x) as in PyTorch.

Dirichlet draws are Gamma draws normalised to sum to one.  Their gradient with respect to
the concentrations is the implicit reparameterisation gradient of the Beta marginals,
with PyTorch's approximations of it (Taylor series near 0 and 1, Rice's saddle point
expansion when both parameters are large, a rational correction otherwise)."""
import numbers

from .._size import Size
from ..autograd.function import Function
from ..autograd.grad_mode import no_grad
from . import constraints
from .distribution import Distribution
from .gamma import _sample_standard_gamma, digamma, lgamma
from .utils import broadcast_all


# ---- reparameterisation gradient -----------------------------------------------------------
def _nan_to_zero(t):
    from .. import isnan, where
    return where(isnan(t), 0.0, t)


def _grad_alpha_small(x, alpha, beta):
    """d x / d alpha times 1 / (1 - x) for x near 0 (Taylor series)."""
    factor = digamma(alpha) - digamma(alpha + beta) - x.log()
    numer = x * 0.0 + 1.0
    series = numer / alpha * (factor + alpha.reciprocal())
    for i in range(1, 11):
        numer = numer * (float(i) - beta) * x / float(i)
        denom = alpha + float(i)
        series = series + numer / denom * (factor + denom.reciprocal())
    return _nan_to_zero(x * (1.0 - x) ** (-beta) * series)


def _grad_beta_small(x, alpha, beta):
    """The same for the second parameter, x near 0."""
    factor = digamma(alpha + beta) - digamma(beta)
    numer, betas, dbetas = x * 0.0 + 1.0, x * 0.0 + 1.0, x * 0.0
    series = factor / alpha
    for i in range(1, 9):
        numer = numer * (-x / float(i))
        dbetas = dbetas * (beta - float(i)) + betas
        betas = betas * (beta - float(i))
        series = series + numer / (alpha + float(i)) * (dbetas + factor * betas)
    return _nan_to_zero(-((1.0 - x) ** (1.0 - beta)) * series)


def _grad_alpha_mid(x, alpha, beta):
    """Both parameters large: Rice's saddle point expansion (a polynomial near the mean)."""
    from .. import where
    total = alpha + beta
    mean = alpha / total
    std = (alpha * beta / (total + 1.0)).sqrt() / total
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    b2 = beta * beta
    poly = 47.0 * x * b2 * b2 + alpha * (
        (43.0 + 20.0 * (16.0 + 27.0 * beta) * x) * b2 * beta + alpha * (
            3.0 * (59.0 + 180.0 * beta - 90.0 * x) * b2 + alpha * (
                (453.0 + 1620.0 * beta * (1.0 - x) - 455.0 * x) * beta + alpha * (
                    8.0 * (1.0 - x) * (135.0 * beta - 11.0)))))
    prefactor_num = (1.0 + 12.0 * alpha) * (1.0 + 12.0 * beta) / (total * total)
    prefactor_den = 12960.0 * alpha ** 3 * b2 * (1.0 + 12.0 * total)
    at_mean = prefactor_num / (1.0 - x) * poly / prefactor_den
    prefactor = -x / (2.0 * alpha * beta / total).sqrt()
    stirling = ((1.0 + (12.0 * alpha).reciprocal() + (288.0 * alpha * alpha).reciprocal())
                * (1.0 + (12.0 * beta).reciprocal() + (288.0 * b2).reciprocal())
                / (1.0 + (12.0 * total).reciprocal() + (288.0 * total * total).reciprocal()))
    term1_num = 2.0 * alpha * alpha * (x - 1.0) + alpha * beta * (x - 1.0) - x * b2
    axbx = alpha * (x - 1.0) + beta * x
    term1 = term1_num / ((2.0 * alpha / beta).sqrt() * total ** 1.5 * axbx * axbx)
    term2 = 0.5 * (alpha / (total * x)).log()
    term3 = (8.0 * alpha * beta / total).sqrt() / (beta * x + alpha * (x - 1.0))
    term4 = (beta * (beta / (total * (1.0 - x))).log()
             + alpha * (alpha / (total * x)).log()) ** -1.5
    away = stirling * prefactor * (term1 + term2 * (term3 + where(x < mean, term4, -term4)))
    return where(near, at_mean, away)


# PyTorch's rational correction: _RATIONAL[numerator/denominator][power of u][power of a]
# holds the coefficients of powers of b (u = log x, a = log alpha - u, b = log total - a)
_RATIONAL = (
    (((1.003668233, -0.01061107488, -0.0657888334, 0.01201642863),
      (0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033),
      (-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013)),
     ((0.221950385, -0.3187676331, 0.01799915743, 0.01074823814),
      (-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057),
      (0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05)),
     ((-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565),
      (0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181),
      (0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05))),
    (((1.0, -0.02924021934, -0.04438342661, 0.007285809825),
      (0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521),
      (-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149)),
     ((0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273),
      (0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956),
      (-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05)),
     ((0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05),
      (0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05),
      (-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06))))


def dirichlet_grad(x, alpha, total):
    """-(dF/dalpha) / f / (1 - x) for x ~ Beta(alpha, total - alpha), as
    torch._dirichlet_grad (computed in float64, cast back)."""
    from .. import float64, where
    with no_grad():
        xd, ad, td = x.to(float64), alpha.to(float64), total.to(float64)
        beta = td - ad
        boundary = td * xd * (1.0 - xd)
        u = xd.log()
        a = ad.log() - u
        b = td.log() - a
        p = q = xd * 0.0
        powers_u, powers_a = (1.0, u, u * u), (1.0, a, a * a)
        for i in range(3):
            for j in range(3):
                ua = powers_u[i] * powers_a[j]
                cp, cq = _RATIONAL[0][i][j], _RATIONAL[1][i][j]
                p = p + ua * (cp[0] + b * (cp[1] + b * (cp[2] + b * cp[3])))
                q = q + ua * (cq[0] + b * (cq[1] + b * (cq[2] + b * cq[3])))
        rational = p / q * (xd * (digamma(td) - digamma(ad)) / beta)
        result = where((ad > 6) & (beta > 6), _grad_alpha_mid(xd, ad, beta), rational)
        result = where((xd >= 0.5) & (boundary < 0.75),
                       -_grad_beta_small(1.0 - xd, beta, ad), result)
        result = where((xd <= 0.5) & (boundary < 2.5),
                       _grad_alpha_small(xd, ad, beta), result)
        return result.to(x.dtype)


class _DirichletSample(Function):
    """Dirichlet draws (normalised Gamma draws) with the implicit gradient."""

    @staticmethod
    def forward(ctx, concentration):
        from .. import finfo, float64
        gammas = _sample_standard_gamma(concentration).clamp(min=finfo(float64).tiny)
        x = (gammas / gammas.sum(-1, keepdim=True)).to(concentration.dtype)
        info = finfo(concentration.dtype)
        x = x.clamp(min=info.tiny, max=1.0 - info.eps / 2)
        ctx.save_for_backward(x, concentration)
        return x

    @staticmethod
    def backward(ctx, grad):
        x, concentration = ctx.saved_tensors
        with no_grad():
            total = concentration.sum(-1, keepdim=True).expand_as(concentration)
            g = dirichlet_grad(x, concentration, total)
            return g * (grad - (x * grad).sum(-1, keepdim=True))


# ---- distributions -----------------------------------------------------------------------
class Dirichlet(Distribution):
    """Dirichlet(concentration): points of the simplex over the last dim."""

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape + self.event_shape)
        return self._expanded(new, batch_shape)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return _DirichletSample.apply(self.concentration.expand(shape))

    def log_prob(self, value):
        from .. import xlogy
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return xlogy(c - 1.0, value).sum(-1) + lgamma(c.sum(-1)) - lgamma(c).sum(-1)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        from ..nn.functional import one_hot
        concentrationm1 = (self.concentration - 1).clamp(min=0.0)
        mode = concentrationm1 / concentrationm1.sum(-1, True)
        mask = (self.concentration < 1).all(dim=-1)
        mode[mask] = one_hot(mode[mask].argmax(dim=-1), concentrationm1.shape[-1]).to(mode)
        return mode

    @property
    def variance(self):
        con0 = self.concentration.sum(-1, True)
        return self.concentration * (con0 - self.concentration) / (con0.pow(2) * (con0 + 1))

    def entropy(self):
        c = self.concentration
        k = c.size(-1)
        a0 = c.sum(-1)
        return (lgamma(c).sum(-1) - lgamma(a0) - (k - a0) * digamma(a0)
                - ((c - 1.0) * digamma(c)).sum(-1))


class Beta(Distribution):
    """Beta on [0, 1] with concentration1 (alpha) and concentration0 (beta)."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, concentration1, concentration0, validate_args=None):
        from .. import stack, tensor
        if isinstance(concentration1, numbers.Number) and \
                isinstance(concentration0, numbers.Number):
            both = tensor([float(concentration1), float(concentration0)])
        else:
            concentration1, concentration0 = broadcast_all(concentration1, concentration0)
            both = stack([concentration1, concentration0], -1)
        self._dirichlet = Dirichlet(both, validate_args=validate_args)
        super().__init__(self._dirichlet._batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Beta, _instance)
        batch_shape = Size(batch_shape)
        new._dirichlet = self._dirichlet.expand(batch_shape)
        return self._expanded(new, batch_shape)

    @property
    def concentration1(self):
        return self._dirichlet.concentration[..., 0]

    @property
    def concentration0(self):
        return self._dirichlet.concentration[..., 1]

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def mode(self):
        return self._dirichlet.mode[..., 0]

    @property
    def variance(self):
        total = self.concentration1 + self.concentration0
        return self.concentration1 * self.concentration0 / (total.pow(2) * (total + 1))

    def rsample(self, sample_shape=()):
        return self._dirichlet.rsample(sample_shape).select(-1, 0)

    def log_prob(self, value):
        from .. import stack
        if self._validate_args:
            self._validate_sample(value)
        return self._dirichlet.log_prob(stack([value, 1.0 - value], -1))

    def entropy(self):
        return self._dirichlet.entropy()
