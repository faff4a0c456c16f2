"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits, lgamma."""
import math
import numbers

from .._tensor import Tensor


def broadcast_all(*values):
    """Tensors (numbers become tensors of the first tensor's dtype, or the default dtype)
    expanded to one broadcast shape."""
    from .. import broadcast_shapes, get_default_dtype, tensor
    like = next((v for v in values if isinstance(v, Tensor)), None)
    for v in values:
        if not isinstance(v, (Tensor, numbers.Number)):
            raise ValueError("Input arguments must all be instances of numbers.Number, "
                             "torch.Tensor or objects implementing __torch_function__.")
    dtype = like.dtype if like is not None else get_default_dtype()
    device = like.device if like is not None else None
    tensors = [v if isinstance(v, Tensor) else tensor(v, dtype=dtype, device=device)
               for v in values]
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if tuple(t.shape) == tuple(shape) else t.expand(shape) for t in tensors)


def clamp_probs(probs):
    """Keep probabilities inside (0, 1) by the dtype's eps, so their logs are finite."""
    from .. import finfo
    eps = finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps = clamp_probs(probs)
    if is_binary:
        return ps.log() - (-ps).log1p()
    return ps.log()


def logits_to_probs(logits, is_binary=False):
    return logits.sigmoid() if is_binary else logits.softmax(-1)


# Stirling's series for log Gamma(y): (y - 1/2) log y - y + log(2 pi)/2 + sum_k c_k / y^(2k-1),
# with c_k = B_2k / (2k (2k - 1)) from the Bernoulli numbers
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156,
             -3617 / 122400)
_SHIFT = 10


def lgamma(x):
    """log Gamma(x) for 0.5 <= x < 1e30 (the distributions need it at counts + 1).

    Gamma(x) = Gamma(x + 10) / (x (x + 1) ... (x + 9)), and Stirling's series is accurate
    to double precision at x + 10 >= 10.5.  Computed in float64 from tensor ops (so it is
    differentiable) and cast back."""
    from .. import float64
    xd = x.to(float64)
    product = xd
    for k in range(1, _SHIFT):
        product = product * (xd + float(k))
    y = xd + float(_SHIFT)
    inv, inv_sq = y.reciprocal(), y.reciprocal() ** 2
    series = inv * _STIRLING[-1]
    for c in reversed(_STIRLING[:-1]):
        series = series * inv_sq + c * 1.0
    series = series * inv
    stirling = (y - 0.5) * y.log() - y + 0.5 * math.log(2 * math.pi) + series
    return (stirling - product.log()).to(x.dtype)


class lazy_property:
    """Computed on first access, then stored on the instance (PyTorch's probs/logits)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = self.wrapped(instance)
        instance.__dict__[self.wrapped.__name__] = value
        return value
