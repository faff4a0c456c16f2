"""Normal(loc, scale)."""
import math

from .._size import Size
from ..autograd.grad_mode import no_grad
from .distribution import LocationScale


class Normal(LocationScale):
    """The normal distribution with mean loc and standard deviation scale."""

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale.pow(2)

    def sample(self, sample_shape=Size()):
        from .. import normal
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return normal(self.loc.expand(shape), self.scale.expand(shape))

    def rsample(self, sample_shape=Size()):
        """loc + scale * eps with eps ~ N(0, 1): differentiable in loc and scale."""
        from .. import randn
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        log_scale = self.scale.log()
        return -((value - self.loc) ** 2) / (2 * var) - log_scale - math.log(math.sqrt(2 * math.pi))

    def cdf(self, value):
        from ..nn._erf import erfc
        if self._validate_args:
            self._validate_sample(value)
        return 0.5 * erfc((value - self.loc) * self.scale.reciprocal() * -math.sqrt(0.5))

    def icdf(self, value):
        from ..ops.special_math import erfinv
        return self.loc + self.scale * erfinv(2 * value - 1) * math.sqrt(2)

    def entropy(self):
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()
