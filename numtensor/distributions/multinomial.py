"""Multinomial(total_count, probs or logits): counts of total_count categorical draws."""
import numbers

from .._size import Size
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from ..ops.special_math import lgamma
from .utils import broadcast_all


class Multinomial(Distribution):
    arg_constraints = {"probs": constraints.simplex,
                       "logits": constraints.independent(constraints.real, 1)}

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if not isinstance(total_count, numbers.Integral):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        batch_shape = self._categorical.batch_shape
        event_shape = self._categorical.param_shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Multinomial, _instance)
        new.total_count = self.total_count
        new._categorical = self._categorical.expand(batch_shape)
        return self._expanded(new, batch_shape)

    @property
    def support(self):
        return constraints.multinomial(self.total_count)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs * self.total_count

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        """Counts per category: total_count categorical draws, added up."""
        from .. import ones_like, zeros
        sample_shape = Size(sample_shape)
        draws = self._categorical.sample(Size((self.total_count,)) + sample_shape)
        draws = draws.movedim(0, -1)  # (*sample_shape, *batch_shape, total_count)
        counts = zeros(self._extended_shape(sample_shape), dtype=draws.dtype,
                       device=draws.device)
        counts.scatter_add_(-1, draws, ones_like(draws))
        return counts.type_as(self.probs)

    def log_prob(self, value):
        """log n! - sum log x_i! + sum x_i log p_i."""
        from .. import where
        if self._validate_args:
            self._validate_sample(value)
        logits, value = broadcast_all(self.logits, value)
        log_factorial_n = lgamma(value.sum(-1) + 1)
        log_factorial_xs = lgamma(value + 1).sum(-1)
        # a category with zero probability and zero count contributes 0 (not 0 * -inf)
        logits = where((value == 0) & (logits == float("-inf")), 0.0, logits)
        return log_factorial_n - log_factorial_xs + (logits * value).sum(-1)

    def entropy(self):
        """n H(p) - log n! + sum_i E[log x_i!], with x_i ~ Binomial(n, p_i) summed exactly
        over its support."""
        from .. import arange
        n = self.total_count
        probs = self.probs
        k = arange(1, n + 1, dtype=probs.dtype, device=probs.device)
        k = k.reshape((-1,) + (1,) * probs.dim())
        log_n_factorial = lgamma(k.new_full((), n + 1.0))
        log_binomial = (log_n_factorial - lgamma(k + 1) - lgamma(n - k + 1)
                        + k * _xlog(probs) + (n - k) * _xlog(1 - probs))
        expected = (log_binomial.exp() * lgamma(k + 1)).sum(0).sum(-1)
        return n * self._categorical.entropy() - log_n_factorial + expected


def _xlog(p):
    """log p with log 0 = -inf replaced by a huge negative number (its weight is then 0)."""
    from .. import finfo
    return p.log().clamp(min=finfo(p.dtype).min)
