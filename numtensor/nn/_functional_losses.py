"""The losses of nn.functional beyond the classification/regression basics: robust
regression (huber, smooth L1), divergences and likelihoods (kl_div, poisson and gaussian
NLL), margin and embedding losses, multilabel soft margin.

Huber, smooth L1 and soft margin are single ops with their own node in PyTorch
(HuberLossBackward0, ...) and sit inside `composite`; the others are compositions in
PyTorch too, and keep their composition's nodes (kl_div ends in SubBackward0 or
DivBackward0, a margin loss in ClampMinBackward0 or AddBackward0)."""
import math
import warnings

from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from .functional import _reduce, _reduction, _shape_list, _warn_size, _where, logsigmoid


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


# ---- robust regression --------------------------------------------------------------------
@composite("HuberLossBackward0", inputs=("input", "target"))
def _huber(input, target, reduction, delta):
    diff = input - target
    size = diff.abs()
    # the quadratic branch strictly inside delta; at |d| == delta both have slope delta
    loss = _where(size < delta, diff * diff * 0.5, (size - 0.5 * delta) * delta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d^2 for |d| < delta, delta (|d| - delta / 2) beyond, d = input - target."""
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    if weight is None:
        return _huber(input, target, reduction, delta)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    return _reduce(_huber(input, target, "none", delta) * weight, reduction)


@composite("SmoothL1LossBackward0", inputs=("input", "target"))
def _smooth_l1(input, target, reduction, beta):
    diff = input - target
    size = diff.abs()
    loss = _where(size < beta, diff * diff * (0.5 / beta), size - 0.5 * beta)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Huber loss divided by beta: 0.5 d^2 / beta for |d| < beta, |d| - beta / 2 beyond;
    beta == 0 is the L1 loss."""
    from .functional import l1_loss
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    _warn_size(input, target)
    return _smooth_l1(input, target, reduction, beta)


@composite("SoftMarginLossBackward0", nondifferentiable=("target",),
           kernel="soft_margin_loss")
def _soft_margin(input, target, reduction):
    return _reduce(-logsigmoid(input * target), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), for targets +1 / -1."""
    reduction = _reduction(size_average, reduce, reduction)
    return _soft_margin(input, target, reduction)


# ---- divergences and likelihoods ------------------------------------------------------------
_KL_MEAN_WARNING = ("reduction: 'mean' divides the total loss by both the batch size and the "
                    "support size.'batchmean' divides only by the batch size, and aligns with "
                    "the KL div math definition.'mean' will be changed to behave the same as "
                    "'batchmean' in the next major release.")


def _xlogx(t):
    """t log t with 0 log 0 = 0 (and its gradient log t + 1 where t != 0)."""
    zero = t == 0
    return _where(zero, 0.0, t * _where(zero, 1.0, t).log())


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Pointwise target (log target - input), input holding log-probabilities; target
    holds probabilities, or log-probabilities with log_target=True.  'batchmean' divides
    the sum by the batch size (the divergence's definition)."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, stacklevel=2)
    elif reduction != "batchmean":
        _check_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-08,
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps);
    full adds Stirling's approximation of log(target!) for targets > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        safe = _where(target > 1, target, 1.0)
        stirling = safe * safe.log() - safe + (safe * (2 * math.pi)).log() * 0.5
        loss = loss + _where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def _gaussian_variance(input, var):
    """var as a tensor broadcastable to input, by PyTorch's rules: input's shape, or one
    dim fewer (homoscedastic in the last dim), or size 1 in the last dim."""
    if not hasattr(var, "shape"):  # a number: the same variance everywhere
        if var < 0:
            raise ValueError("var has negative entry/entries")
        return input.new_full(input.shape, float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1):
            raise ValueError("var is of incorrect size")
    return var


def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    """0.5 (log var + (input - target)^2 / var) (+ 0.5 log(2 pi) with full); var is
    clamped at eps for the value but its gradient is the unclamped one, as in PyTorch."""
    var = _gaussian_variance(input, var)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    if var.numel() and bool((var.detach() < 0).any().item()):
        raise ValueError("var has negative entry/entries")
    with no_grad():
        lift = var.clamp(min=eps) - var
    var = var + lift
    diff = input - target
    loss = (var.log() + diff * diff / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---- margin and embedding losses ------------------------------------------------------------
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (input1 - input2) + margin), for targets +1 / -1."""
    reduction = _reduction(size_average, reduce, reduction)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension "
                           f"but got sizes: input1: {input1.shape}, input2: {input2.shape}, "
                           f"target: {target.shape} ")
    loss = (-target * (input1 - input2) + margin).clamp_min(0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1."""
    reduction = _reduction(size_average, reduce, reduction)
    below = _where(target != 1, (margin - input).clamp_min(0), 0.0)
    own = _where(target != -1, input, 0.0)
    return _reduce(below + own, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(input1, input2) where target == 1, max(0, cos - margin) where target == -1;
    the vectors are the last dim (rows of 2-D inputs, or two 1-D vectors)."""
    reduction = _reduction(size_average, reduce, reduction)
    dim = target.ndim
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.ndim != dim + 1 or input2.ndim != dim + 1:
        raise RuntimeError(f"{dim}D target tensor expects {dim + 1}D input tensors, but found "
                           f"inputs with sizes {_shape_list(input1.shape)} and "
                           f"{_shape_list(input2.shape)}.")
    eps = 1e-12  # keeps the magnitudes of zero vectors positive
    dot = (input1 * input2).sum(dim)
    squares = ((input1 * input1).sum(dim) + eps) * ((input2 * input2).sum(dim) + eps)
    cos = dot / squares.sqrt()
    same = _where(target == 1, 1.0 - cos, 0.0)
    apart = _where(target == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(same + apart, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(0, d(anchor, positive) - d(anchor, negative) + margin), d the p-norm distance;
    swap uses the smaller of d(anchor, negative) and d(positive, negative)."""
    from .. import minimum
    from ._functional_distances import pairwise_distance
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the "
                           f"same number of dimensions, but got: anchor {anchor.ndim}D, positive "
                           f"{positive.ndim}D, and negative {negative.ndim}D inputs")
    near = pairwise_distance(anchor, positive, p, eps)
    far = pairwise_distance(anchor, negative, p, eps)
    if swap:
        far = minimum(far, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + near - far).clamp_min(0), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Per sample, the mean over classes (the last dim) of the binary cross entropy of
    sigmoid(input) against the 0/1 target."""
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    classes = input.ndim - 1
    loss = loss.sum(classes) / input.shape[classes]
    return _reduce(loss, reduction)


__all__ = ["huber_loss", "smooth_l1_loss", "soft_margin_loss", "kl_div", "poisson_nll_loss",
           "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss",
           "cosine_embedding_loss", "triplet_margin_loss", "multilabel_soft_margin_loss"]
