"""Poisson(rate): counts of events at the given rate."""
import numbers

from .._size import Size
from ..autograd.grad_mode import no_grad
from . import constraints
from .distribution import Distribution
from .gamma import lgamma
from .utils import broadcast_all


def _small_rate_counts(rate):
    """Multiply uniforms until the product drops below exp(-rate); count the factors
    that kept it above (exact; for 0 < rate < 10, rate a float64 vector)."""
    from .. import arange, float64, int64, ones_like, rand, zeros_like
    limit = (-rate).exp()
    product, count = ones_like(rate), zeros_like(rate)
    pending = arange(rate.numel(), dtype=int64, device=rate.device)
    while pending.numel():
        p = product[pending] * rand(pending.numel(), dtype=float64, device=rate.device)
        product[pending] = p
        above = p > limit[pending]
        pending = pending[above]
        count[pending] = count[pending] + 1.0
    return count


def _large_rate_counts(rate):
    """Hoermann's transformed rejection with squeeze (PTRS), exact for rate >= 10;
    rejected elements are drawn again until all are accepted."""
    from .. import arange, empty_like, float64, int64, rand, where
    slam, loglam = rate.sqrt(), rate.log()
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    log_invalpha = (1.1239 + 1.1328 / (b - 3.4)).log()
    vr = 0.9277 - 3.6224 / (b - 2)
    out = empty_like(rate)
    pending = arange(rate.numel(), dtype=int64, device=rate.device)
    while pending.numel():
        m = pending.numel()
        lam, ap, bp = rate[pending], a[pending], b[pending]
        u = rand(m, dtype=float64, device=rate.device) - 0.5
        v = rand(m, dtype=float64, device=rate.device)
        us = 0.5 - u.abs()
        k = ((2 * ap / us + bp) * u + lam + 0.43).floor()
        quick = (us >= 0.07) & (v <= vr[pending])
        rejected = (k < 0) | ((us < 0.013) & (v > us))
        kk = where(k < 0, 0.0, k)
        bound = -lam + kk * loglam[pending] - lgamma(kk + 1)
        slow = ~rejected & (v.log() + log_invalpha[pending] - (ap / (us * us) + bp).log()
                            <= bound)
        accept = quick | slow
        out[pending[accept]] = k[accept]
        pending = pending[~accept]
    return out


def sample_poisson(rate):
    """Poisson draws of rate's shape and dtype (torch.poisson), without history."""
    from .. import float64, zeros
    with no_grad():
        r = rate.detach().to(float64).reshape(-1)
        out = zeros(r.shape, dtype=float64, device=r.device)
        small = ((r > 0) & (r < 10)).nonzero().reshape(-1)
        large = (r >= 10).nonzero().reshape(-1)
        if small.numel():
            out[small] = _small_rate_counts(r[small])
        if large.numel():
            out[large] = _large_rate_counts(r[large])
        return out.reshape(rate.shape).to(rate.dtype)


class Poisson(Distribution):
    arg_constraints = {"rate": constraints.nonnegative}
    support = constraints.nonnegative_integer

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        batch_shape = Size() if isinstance(rate, numbers.Number) else self.rate.shape
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Poisson, _instance)
        batch_shape = Size(batch_shape)
        new.rate = self.rate.expand(batch_shape)
        return self._expanded(new, batch_shape)

    @property
    def mean(self):
        return self.rate

    @property
    def mode(self):
        return self.rate.floor()

    @property
    def variance(self):
        return self.rate

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        return sample_poisson(self.rate.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        rate, value = broadcast_all(self.rate, value)
        return value.xlogy(rate) - rate - lgamma(value + 1)
