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


# Lanczos approximation (g = 7, 9 terms), relative error about 1e-15
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61503916999185, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7)


def lgamma(x):
    """log Gamma(x) for x >= 0.5 (the distributions need it at counts + 1), computed in
    float64 from tensor ops and cast back; differentiable."""
    from .. import float64
    xd = x.to(float64) - 1.0
    series = xd * 0.0 + _LANCZOS[0]
    for i, c in enumerate(_LANCZOS[1:], start=1):
        series = series + c / (xd + float(i))
    t = xd + (_LANCZOS_G + 0.5)
    result = (xd + 0.5) * t.log() - t + series.log() + 0.5 * math.log(2 * math.pi)
    return result.to(x.dtype)


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
