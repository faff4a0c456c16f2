"""The losses of nn.functional beyond the classification/regression basics: robust
regression (huber, smooth L1), divergences and likelihoods (kl_div, poisson and gaussian
NLL), margin and embedding losses, multilabel soft margin.

Huber, smooth L1 and soft margin are single ops with their own node in PyTorch
(HuberLossBackward0, ...) and sit inside `composite`; the others are compositions in
PyTorch too, and keep their composition's nodes (kl_div ends in SubBackward0 or
DivBackward0, a margin loss in ClampMinBackward0 or AddBackward0)."""
import math
import warnings

from .. import _dtype
from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from ..ops._common import scalar_type_name
from .functional import _reduce, _reduction, _shape_list, _warn_size, _where, logsigmoid
from ..amp.autocast_mode import full_precision


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


# ---- PyTorch's dtype rules for the losses that are kernels of their own ---------------------
_NEG_BOOL = ("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
             "to invert a mask, use the `~` or `logical_not()` operator instead.")
_SUB_BOOL = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
             "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
# ATen's `1 - t` fills a tensor of t's dtype first: two bools
_SUB_TWO_BOOLS = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use "
                  "the `^` or `logical_xor()` operator instead.")


def no_kernel(kernel, dt):
    """The kernel has no version for dt (PyTorch's floating-only CPU kernels)."""
    raise NotImplementedError(f"\"{kernel}\" not implemented for '{scalar_type_name(dt)}'")


def check_cast(result, out):
    """An in-place step writes a `result`-typed value into an `out`-typed tensor."""
    if not _dtype.can_cast(result, out):
        raise RuntimeError(f"result type {scalar_type_name(result)} can't be cast to the "
                           f"desired output type {scalar_type_name(out)}")


def _as(t, dt):
    return t if t.dtype is dt else t.to(dt)


def floating_pair(input, target, kernel):
    """input and target in their common dtype, which must be floating: the kernels of
    mse, smooth L1 and huber loss promote their operands and exist for floats only."""
    dt = _dtype.promote_types(input.dtype, target.dtype)
    if not dt.is_floating_point:
        no_kernel(kernel, dt)
    return _as(input, dt), _as(target, dt)


def check_bce_dtypes(input, target):
    """binary_cross_entropy's kernel takes input and target of one floating dtype."""
    if target.dtype is not input.dtype:
        raise RuntimeError(f"Found dtype {scalar_type_name(target.dtype)} but expected "
                           f"{scalar_type_name(input.dtype)}")
    if not input.dtype.is_floating_point:
        no_kernel("binary_cross_entropy", input.dtype)


def check_bce_with_logits_dtypes(input, target):
    """PyTorch computes (1 - target).mul_(input).sub_(log_sigmoid(input)): log_sigmoid
    takes floats only, and the in-place steps keep target's dtype, which must hold the
    result (so an integer target fails, and the loss has target's dtype)."""
    if not input.dtype.is_floating_point:
        no_kernel("log_sigmoid_cpu", input.dtype)
    if target.dtype is _dtype.bool_:
        raise RuntimeError(_SUB_TWO_BOOLS)
    check_cast(_dtype.promote_types(target.dtype, input.dtype), target.dtype)


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
    input, target = full_precision(input, target)  # (autocast)
    _check_reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_size(input, target)
    if weight is not None and tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    # PyTorch's kernel computes in the common dtype and writes into one like input
    check_cast(_dtype.promote_types(input.dtype, target.dtype), input.dtype)
    common_input, common_target = floating_pair(input, target, "huber_cpu")
    if weight is None and common_input is input:
        return _huber(input, common_target, reduction, delta)
    loss = _as(_huber(common_input, common_target, "none", delta), input.dtype)
    return _reduce(loss if weight is None else loss * weight, reduction)


@composite("SmoothL1LossBackward0", inputs=("input", "target"))
def _smooth_l1(input, target, reduction, beta):
    diff = input - target
    size = diff.abs()
    loss = _where(size < beta, diff * diff * (0.5 / beta), size - 0.5 * beta)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Huber loss divided by beta: 0.5 d^2 / beta for |d| < beta, |d| - beta / 2 beyond;
    beta == 0 is the L1 loss."""
    input, target = full_precision(input, target)  # (autocast)
    from .functional import l1_loss
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        return l1_loss(input, target, reduction=reduction)
    _warn_size(input, target)
    return _smooth_l1(*floating_pair(input, target, "smooth_l1_cpu"), reduction, beta)


@composite("SoftMarginLossBackward0", nondifferentiable=("target",),
           kernel="soft_margin_loss")
def _soft_margin(input, target, reduction):
    return _reduce(-logsigmoid(input * target), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input)), for targets +1 / -1."""
    reduction = _reduction(size_average, reduce, reduction)
    _check_soft_margin_dtypes(input, target)
    return _soft_margin(input, _as(target, input.dtype), reduction)


def _check_soft_margin_dtypes(input, target):
    """PyTorch computes neg(input).mul_(target).exp_().log1p_() in input's dtype: a bool
    input cannot be negated, an integer one cannot hold the float result."""
    if input.dtype is _dtype.bool_:
        raise RuntimeError(_NEG_BOOL)
    if not input.dtype.is_floating_point:
        product = _dtype.promote_types(input.dtype, target.dtype)
        check_cast(product, input.dtype)
        check_cast(_dtype.get_default_dtype(), input.dtype)  # exp_ of an integer


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
    input, target = full_precision(input, target)  # (autocast)
    if size_average is not None or reduce is not None:
        reduction = _reduction(size_average, reduce, reduction)
    elif reduction == "mean":
        warnings.warn(_KL_MEAN_WARNING, stacklevel=2)
    elif reduction != "batchmean":
        _check_reduction(reduction)
    _check_kl_div_dtypes(input, target)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = _xlogx(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def _check_kl_div_dtypes(input, target):
    if input.is_complex() or target.is_complex():
        raise RuntimeError("kl_div: Complex inputs not supported.")
    if not (input.dtype.is_floating_point and target.dtype.is_floating_point):
        raise RuntimeError("kl_div: Integral inputs not supported.")


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
        if target.dtype is _dtype.bool_:  # PyTorch's Stirling term subtracts target
            raise RuntimeError(_SUB_BOOL)
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
    # ATen takes margin as a double, and forms input1 - input2 before negating target
    diff = input1 - input2
    loss = (-target * diff + float(margin)).clamp_min(0)
    return _reduce(loss, reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target == 1, max(0, margin - input) where target == -1.  As in ATen
    all of it stays in input's dtype: margin is filled into a tensor like input first
    (an integer input truncates it, and its loss is an integer one)."""
    from .. import zeros_like
    reduction = _reduction(size_average, reduce, reduction)
    zeros = zeros_like(input)
    margin_clamp = (input.new_full(input.shape, margin) - input).clamp_min(0)
    below = _where(target != 1, margin_clamp, zeros)
    own = _where(target != -1, input, zeros)
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
