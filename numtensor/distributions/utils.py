"""Helpers shared by the distributions: broadcasting parameters, probs <-> logits."""
import numbers

from .._tensor import Tensor


euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


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
