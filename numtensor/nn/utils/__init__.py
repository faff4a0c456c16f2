"""numtensor.nn.utils: gradient clipping, flattening parameters to one vector, (in rnn)
packed sequences, parametrizations (parametrize, parametrizations), pruning (prune) and the
hook-based weight_norm / spectral_norm."""
import math

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from . import rnn  # noqa: F401  (torch.nn.utils.rnn is reachable as an attribute too)
from . import parametrize  # noqa: F401
from . import parametrizations  # noqa: F401
from . import prune  # noqa: F401
# as in torch, the names weight_norm / spectral_norm are the functions (the modules stay
# importable as numtensor.nn.utils.weight_norm etc. through sys.modules)
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401


def _as_list(parameters):
    return [parameters] if isinstance(parameters, Tensor) else list(parameters)


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale the gradients so their joint norm (the norm of the per-tensor norms) is at
    most max_norm; returns that norm before clipping."""
    from ... import stack, tensor
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    norm_type = float(norm_type)
    if not grads:
        return tensor(0.0)
    with no_grad():
        if math.isinf(norm_type):
            total = stack([g.detach().abs().amax() for g in grads]).amax()
        else:
            total = stack([g.detach().norm(norm_type) for g in grads]).norm(norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(
                f"The total norm of order {norm_type} for gradients from `parameters` is "
                "non-finite, so it cannot be clipped. To disable this error and scale the "
                "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        factor = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(factor.to(g.dtype))
    return total


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value]."""
    clip_value = float(clip_value)
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.clamp_(min=-clip_value, max=clip_value)


def parameters_to_vector(parameters):
    from ... import cat
    return cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[offset:offset + n].reshape(p.shape))
            offset += n


__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters", "rnn", "parametrize", "parametrizations", "prune",
           "weight_norm", "remove_weight_norm", "spectral_norm", "remove_spectral_norm"]
