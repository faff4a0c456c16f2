"""Binomial(total_count, probs or logits): successes in total_count Bernoulli trials.

numtensor has no binomial kernel, so draws are composed from uniforms as PyTorch's
kernel draws them: counting geometric gaps (inversion) where count * p < 10, else
Hoermann's transformed rejection (BTRS), repeated on the rejected elements; p > 1/2 is
drawn as count minus a draw with 1 - p."""
from .._size import Size
from ..autograd.grad_mode import no_grad
from . import constraints
from .distribution import Distribution
from .gamma import lgamma
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits

# log k! - (Stirling's approximation of it), exact for k < 10
_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)


def _stirling_tail(k):
    from .. import tensor, where
    kp1sq = (k + 1) * (k + 1)
    series = (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)
    table = tensor(_STIRLING_TAIL, dtype=k.dtype, device=k.device)
    small = k < 10
    return where(small, table[where(small, k, 0.0).long()], series)


def _inversion_counts(count, prob):
    """Successes before the geometric gaps between them pass count (count * p < 10)."""
    from .. import arange, float64, int64, rand, zeros_like
    log_q = (-prob).log1p()
    gap_sum, successes = zeros_like(count), zeros_like(count)
    pending = arange(count.numel(), dtype=int64, device=count.device)
    while pending.numel():
        u = rand(pending.numel(), dtype=float64, device=count.device)
        gap_sum[pending] = gap_sum[pending] + (u.log() / log_q[pending]).ceil()
        inside = gap_sum[pending] <= count[pending]
        pending = pending[inside]
        successes[pending] = successes[pending] + 1.0
    return successes


def _btrs_counts(count, prob):
    """Hoermann's BTRS for count * p >= 10 (p <= 1/2)."""
    from .. import arange, empty_like, float64, int64, rand
    stddev = (count * prob * (1 - prob)).sqrt()
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = count * prob + 0.5
    v_r = 0.92 - 4.2 / b
    r = prob / (1 - prob)
    alpha = (2.83 + 5.1 / b) * stddev
    m = ((count + 1) * prob).floor()
    out = empty_like(count)
    pending = arange(count.numel(), dtype=int64, device=count.device)
    while pending.numel():
        n, ap, bp, rp, mp = count[pending], a[pending], b[pending], r[pending], m[pending]
        u = rand(pending.numel(), dtype=float64, device=count.device) - 0.5
        v = rand(pending.numel(), dtype=float64, device=count.device)
        us = 0.5 - u.abs()
        k = ((2 * ap / us + bp) * u + c[pending]).floor()
        valid = (k >= 0) & (k <= n)
        quick = valid & (us >= 0.07) & (v <= v_r[pending])
        kk = k.clamp(min=0).minimum(n)  # in range, for the bound below
        v_log = (v * alpha[pending] / (ap / (us * us) + bp)).log()
        bound = ((mp + 0.5) * ((mp + 1) / (rp * (n - mp + 1))).log()
                 + (n + 1) * ((n - mp + 1) / (n - kk + 1)).log()
                 + (kk + 0.5) * (rp * (n - kk + 1) / (kk + 1)).log()
                 + _stirling_tail(mp) + _stirling_tail(n - mp)
                 - _stirling_tail(kk) - _stirling_tail(n - kk))
        accept = quick | (valid & (v_log <= bound))
        out[pending[accept]] = k[accept]
        pending = pending[~accept]
    return out


def _sample_binomial(count, prob):
    """Binomial draws (float64, no history), one per element of count and prob."""
    from .. import float64, where
    with no_grad():
        n = count.detach().to(float64).reshape(-1)
        p = prob.detach().to(float64).reshape(-1)
        flip = p > 0.5
        q = where(flip, 1 - p, p)
        trivial = (n <= 0) | (q <= 0)
        q = where(trivial, 0.25, q)  # any valid value: the result is replaced below
        n_safe = where(trivial, 1.0, n)
        large = n_safe * q >= 10
        draws = n_safe * 0.0
        if bool(large.any()):
            draws[large] = _btrs_counts(n_safe[large], q[large])
        if bool((~large).any()):
            draws[~large] = _inversion_counts(n_safe[~large], q[~large])
        draws = where(trivial, 0.0, draws)
        draws = where(flip, n - draws, draws)
        draws = where(p != p, float("nan"), draws)
        return draws.reshape(count.shape)


def _clamp_by_zero(x):
    """clamp(x, min=0) with gradient 1/2 at 0 (as PyTorch's)."""
    return (x.clamp(min=0) + x - x.clamp(max=0)) / 2


class Binomial(Distribution):
    arg_constraints = {"total_count": constraints.nonnegative_integer,
                       "probs": constraints.unit_interval, "logits": constraints.real}
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Binomial, _instance)
        batch_shape = Size(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        if "probs" in self.__dict__:
            new.probs = self.probs.expand(batch_shape)
            new._param = new.probs
        if "logits" in self.__dict__:
            new.logits = self.logits.expand(batch_shape)
            new._param = new.logits
        return self._expanded(new, batch_shape)

    @property
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().minimum(self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.shape

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        with no_grad():
            draws = _sample_binomial(self.total_count.expand(shape), self.probs.expand(shape))
            return draws.to(self.probs.dtype)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        log_factorial_n = lgamma(self.total_count + 1)
        log_factorial_k = lgamma(value + 1)
        log_factorial_nmk = lgamma(self.total_count - value + 1)
        # k log p + (n - k) log(1 - p) = k logit - n max(logit, 0) - n log1p(e^-|logit|)
        normalize_term = (self.total_count * _clamp_by_zero(self.logits)
                          + self.total_count * (-self.logits.abs()).exp().log1p()
                          - log_factorial_n)
        return value * self.logits - log_factorial_k - log_factorial_nmk - normalize_term

    def _homogeneous_count(self, what):
        total_count = int(self.total_count.max())
        if not self.total_count.min() == total_count:
            raise NotImplementedError(f"Inhomogeneous total count not supported by `{what}`.")
        return total_count

    def entropy(self):
        self._homogeneous_count("entropy")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(log_prob.exp() * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        from .. import arange
        total_count = self._homogeneous_count("enumerate_support")
        values = arange(1 + total_count, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values
