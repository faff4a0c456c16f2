"""numtensor.nn.functional: layers and losses as functions of tensors.

Convolution, pooling and softmax/log_softmax are backend primitives with fused kernels
and registry gradients (numtensor/ops/convolution.py, pooling.py, softmax.py); the
rest is composed of numtensor's public tensor ops, so autograd supplies its gradient.
Compositions are chosen to be numerically stable (the logit losses use a log-sigmoid
without overflow) and to have the right slope at kinks (x == 0), where PyTorch's
kernels do.
"""
import math
import numbers
import warnings

import numpy as np

from .. import _dtype
from ..autograd.derivatives import attach, composite, derivative
from ..ops.elementwise import where as _where  # for the activations and losses
from ..ops import linalg_ops as _linalg
from ..autograd.grad_mode import is_grad_enabled, no_grad
from ..ops import losses as _loss_ops
from ..ops import softmax as _softmax_ops
from ..ops._common import require_tensor
from ..ops.convolution import conv1d, conv2d  # noqa: F401  (PyTorch's F.conv1d, F.conv2d)
from ..ops.conv_transpose import (conv_transpose1d, conv_transpose2d, fold,  # noqa: F401
                                  unfold)
from ..ops.conv_transpose import _int_list
from ..ops.pooling import (adaptive_avg_pool1d, adaptive_avg_pool2d,  # noqa: F401
                           adaptive_max_pool1d, adaptive_max_pool1d_with_indices,
                           adaptive_max_pool2d, adaptive_max_pool2d_with_indices, avg_pool1d,
                           avg_pool2d, max_pool1d, max_pool1d_with_indices, max_pool2d,
                           max_pool2d_with_indices)
from ._erf import erfc
from ..amp.autocast_mode import full_precision, lower_precision

__all__ = ["linear", "conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d", "unfold", "fold",
           "max_pool1d", "max_pool2d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices", "relu", "relu_", "leaky_relu", "gelu", "sigmoid", "tanh", "softmax",
           "log_softmax", "dropout", "batch_norm", "layer_norm", "group_norm", "embedding", "one_hot", "pad",
           "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "logsigmoid", "softplus", "softmin",
           "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout",
           "embedding_bag"]
# (extended at the end of the module by the families that live in their own modules)


# ---- helpers ------------------------------------------------------------------------
def _shape_list(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _wrap_dim(dim, ndim):
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], "
                         f"but got {dim})")
    return dim % max(ndim, 1)


def _reduction(size_average, reduce, reduction):
    """The reduction string, also from the deprecated size_average/reduce flags."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _require_float(x, kernel):
    if not x.dtype.is_floating_point:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(x.dtype)}\'')


# ---- linear ---------------------------------------------------------------------------
def linear(input, weight, bias=None):
    """input @ weight.T + bias, for input of shape (*, in_features)."""
    input, weight, bias = lower_precision(input, weight, bias)  # (autocast)
    require_tensor("linear", "input", 1, input)  # a NumPy batch fed to a layer, say
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{input.ndim}D and {weight.ndim}D")
    if input.dtype is not weight.dtype:  # e.g. float64 data into a float32 layer
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_type_name(input.dtype)} and {_type_name(weight.dtype)}")
    if weight.ndim == 2:
        # 2-D input: one mm (addmm with a bias, AddmmBackward0 as in PyTorch); other
        # ranks run on the rows and view the result back
        rows = input if input.ndim == 2 else input.reshape(-1, input.shape[-1])
        out = rows.mm(weight.t()) if bias is None or bias.ndim > 1 else \
            _linalg.addmm(bias, rows, weight.t())
        if bias is not None and bias.ndim > 1:
            out = out + bias
        if input.ndim != 2:
            out = out.reshape(*input.shape[:-1], weight.shape[0])
        return out
    out = input.matmul(weight)  # a 1-D weight: one output feature, no output dim
    return out if bias is None else out + bias


# ---- activations ----------------------------------------------------------------------
def relu(input, inplace=False):
    require_tensor("relu", "input", 1, input)
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def leaky_relu(input, negative_slope=0.01, inplace=False):
    require_tensor("leaky_relu", "input", 1, input)
    result = _leaky_relu(input, negative_slope)
    return input.copy_(result) if inplace else result


@composite("LeakyReluBackward0")
def _leaky_relu(input, negative_slope):
    from .. import where
    return where(input > 0, input, input * negative_slope)  # slope negative_slope at 0


@composite("GeluBackward0")
def gelu(input, approximate="none"):
    """x * Phi(x), exact (erf) or with PyTorch's tanh approximation."""
    require_tensor("gelu", "input", 1, input)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (inner.tanh() + 1.0)
    if approximate != "none":
        raise RuntimeError("approximate argument must be either none or tanh.")
    _require_float(input, "GeluKernelImpl")
    # 1 + erf(x / sqrt 2) = erfc(-x / sqrt 2), rounded as PyTorch's 1 + erf(..) is: erf
    # sits on the dtype's grid near -1, so far in the negative tail the sum is exactly 0
    # (gelu(-8.) is -0., not -5e-15, in float32); (t - 1) + 1 puts t on that grid
    return input * 0.5 * ((erfc(input * -math.sqrt(0.5)) - 1.0) + 1.0)


def sigmoid(input):
    require_tensor("sigmoid", "input", 1, input)
    return input.sigmoid()


def tanh(input):
    require_tensor("tanh", "input", 1, input)
    return input.tanh()


@composite("LogSigmoidBackward0")
def logsigmoid(input):
    """log(sigmoid(x)) without overflow: -log1p(exp(-x)) for x >= 0, x - log1p(exp(x))
    below.  The clamps keep exp's argument <= 0 in both branches, so the branch where()
    discards is finite and its zero gradient stays zero."""
    from .. import where
    _require_float(input, "log_sigmoid_cpu")
    positive = input >= 0
    upper = input.clamp(min=0)
    lower = input.clamp(max=0)
    return where(positive, -(-upper).exp().log1p(), lower - lower.exp().log1p())


@composite("SoftplusBackward0")
def softplus(input, beta=1.0, threshold=20.0):
    from .. import where
    _require_float(input, "softplus_cpu")
    scaled = input * beta
    smooth = -logsigmoid(-scaled) / beta
    return where(scaled > threshold, input, smooth)


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax_input(input, dim, dtype, kernel):
    if dtype is not None:
        input = input.to(_dtype.as_dtype(dtype))
    dim = _wrap_dim(dim, input.ndim)
    if not input.dtype.is_floating_point and input.numel():  # no kernel runs on nothing
        last = dim == input.ndim - 1 or input.ndim == 0
        raise NotImplementedError(f'"{kernel}_{"lastdim_" if last else ""}kernel_impl" not '
                                  f"implemented for '{_type_name(input.dtype)}'")
    return input, dim


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x - max) / sum(exp(x - max)) along dim, one fused kernel (SoftmaxBackward0)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    input, dim = _softmax_input(input, dim, dtype, "softmax")
    if not input.dtype.is_floating_point:  # empty (checked above): nothing to compute
        return input.detach().clone()
    return _softmax_ops.softmax(input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """x - max - log(sum(exp(x - max))) along dim, one fused kernel (LogSoftmaxBackward0)."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    input, dim = _softmax_input(input, dim, dtype, "log_softmax")
    if not input.dtype.is_floating_point:  # empty (checked above): nothing to compute
        return input.detach().clone()
    return _softmax_ops.log_softmax(input, dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return softmax(-input, dim, dtype=dtype)


# ---- dropout ---------------------------------------------------------------------------
def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only).
    The mask comes from numtensor's generator: manual_seed makes it reproducible."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    require_tensor("dropout", "input", 1, input)
    if not training or p == 0.0:
        return input
    with no_grad():
        if p == 1.0:
            noise = input.new_zeros(input.shape)
        else:
            noise = input.new_empty(input.shape).bernoulli_(1.0 - p)
            noise.div_(1.0 - p)
    return input.mul_(noise) if inplace else input * noise


def _feature_dropout(input, p, training, inplace):
    """PyTorch's feature_dropout: one Bernoulli draw per (dim 0, dim 1) pair, so a whole
    channel is kept (scaled by 1/(1-p)) or zeroed; the draw comes from the same generator
    as dropout's."""
    if not training or p == 0.0 or input.numel() == 0:
        return input
    with no_grad():
        if p == 1.0:
            # a product with 0 (not a fill), as PyTorch: inf and nan inputs give nan
            noise = input.new_zeros(())
        else:
            if input.ndim < 2:
                raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
            shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
            noise = input.new_empty(shape).bernoulli_(1.0 - p)
            noise.div_(1.0 - p)
    return input.mul_(noise) if inplace else input * noise


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _unbatched_feature_dropout(input, p, training, inplace):
    """feature dropout of an input without a batch dim: a batch of one, dropped back."""
    input = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
    result = _feature_dropout(input, p, training, inplace)
    return result.squeeze_(0) if inplace else result.squeeze(0)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, L) or (C, L) input with probability p, scaling the
    kept ones by 1/(1-p) (training only)."""
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D "
                           "input. Note that dropout1d exists to provide channel-wise dropout on "
                           "inputs with 1 spatial dimension, a channel dimension, and an optional "
                           "batch dimension (i.e. 2D or 3D inputs).")
    if input.dim() == 2:
        return _unbatched_feature_dropout(input, p, training, inplace)
    return _feature_dropout(input, p, training, inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, H, W) input with probability p, scaling the kept
    ones by 1/(1-p) (training only).  As in PyTorch, a 3-D input is read as (N, C, L)."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      "or 4D inputs).", stacklevel=2)
    if ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. This behavior will change in a future release "
                      "to interpret the input as one without a batch dimension, i.e. shape (C, "
                      "H, W). To maintain the 1D channel-wise dropout behavior, please switch to "
                      "using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of a (N, C, D, H, W) or (C, D, H, W) input with probability p,
    scaling the kept ones by 1/(1-p) (training only)."""
    _check_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated "
                      "and will result in an error in a future release. To retain the behavior "
                      "and silence this warning, please use dropout instead. Note that dropout3d "
                      "exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
                      "or 5D inputs).", stacklevel=2)
    if ndim != 5:  # PyTorch takes every other rank as unbatched
        return _unbatched_feature_dropout(input, p, training, inplace)
    return _feature_dropout(input, p, training, inplace)


_SELU_ALPHA = 1.7580993408473766  # -scale * alpha of SELU: the value a dropped unit takes


def _alpha_dropout(input, p, train, inplace, feature):
    """ATen's alpha dropout: a Bernoulli(1 - p) keep mask drawn as dropout draws its own
    (per element, or per (dim 0, dim 1) pair for the feature form), then the affine map
    a * (x * mask + alpha' * (1 - mask)) + b that keeps zero mean and unit variance,
    computed in the input's dtype in ATen's order so that the same seed gives PyTorch's
    values."""
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        zero = input.new_zeros(())
        return input.mul_(zero) if inplace else input * zero
    with no_grad():
        if feature:
            if input.ndim < 2:
                raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
            shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
        else:
            shape = tuple(input.shape)
        noise = input.new_empty(shape).bernoulli_(1.0 - p)
        a = 1.0 / math.sqrt((_SELU_ALPHA * _SELU_ALPHA * p + 1) * (1 - p))
        shift = noise.add(-1).mul_(_SELU_ALPHA * a).add_(_SELU_ALPHA * a * p)
        noise.mul_(a)
    if inplace:
        return input.mul_(noise).add_(shift)
    return (input * noise).add_(shift)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout (for SELU networks): each element is set, with probability p, to
    SELU's negative saturation value, then all are scaled and shifted to keep zero mean
    and unit variance (training only; the identity otherwise)."""
    _check_p(p)
    return _alpha_dropout(input, p, training, inplace, False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: one draw per (dim 0, dim 1) pair (training only;
    the identity otherwise)."""
    _check_p(p)
    return _alpha_dropout(input, p, training, inplace, True)


# ---- normalisation ---------------------------------------------------------------------
def _moments(x, dims):
    """(mean, biased variance) of x over dims, kept as size-1 dims, for layer and group
    norm.  The mean is corrected once by the mean of what is left, x - mean: as with the
    Welford-style moments PyTorch computes for these, a constant row gets its value back
    exactly, so it normalises to 0 rather than to the sum's rounding error over
    sqrt(eps) (4e-5 for five float32 1.73s)."""
    mean = x.mean(dims, keepdim=True)
    with no_grad():
        residue = (x - mean).mean(dims, keepdim=True)
    return mean + residue, x.var(dims, unbiased=False, keepdim=True)


@composite("NativeBatchNormBackward0", inputs=("input", "weight", "bias"))
def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalise over every dim but dim 1 (the channels).  Training uses the batch
    statistics (biased variance) and updates the running ones in place (unbiased variance);
    evaluation uses the running statistics."""
    channels = input.shape[1] if input.ndim > 1 else input.shape[0]
    for name, stat in (("running_mean", running_mean), ("running_var", running_var),
                       ("weight", weight), ("bias", bias)):
        if stat is not None and stat.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not {stat.numel()}")
    dims = tuple(d for d in range(input.ndim) if d != 1)
    stat_shape = [1] * input.ndim
    stat_shape[1] = channels
    if training:
        count = input.numel() // max(channels, 1)
        if count <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        # (not _moments: PyTorch's batch norm takes its mean from a sum, like this)
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, unbiased=False, keepdim=True)
        if running_mean is not None or running_var is not None:
            with no_grad():
                if running_mean is not None:
                    running_mean.mul_(1.0 - momentum).add_(mean.reshape(channels) * momentum)
                if running_var is not None:
                    unbiased = var.reshape(channels) * (count / (count - 1))
                    running_var.mul_(1.0 - momentum).add_(unbiased * momentum)
    else:
        mean = running_mean.reshape(stat_shape)
        var = running_var.reshape(stat_shape)
    out = (input - mean) * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(stat_shape)
    if bias is not None:
        out = out + bias.reshape(stat_shape)
    return out


@composite("NativeLayerNormBackward0", inputs=("input", "weight", "bias"))
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise over the last len(normalized_shape) dims (biased variance)."""
    require_tensor("layer_norm", "input", 1, input)
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    normalized_shape = tuple(normalized_shape)
    k = len(normalized_shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    if tuple(input.shape[input.ndim - k:]) != normalized_shape or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={_shape_list(normalized_shape)}, expected "
                           f"input with shape [*, {', '.join(str(s) for s in normalized_shape)}]"
                           f", but got input of size{_shape_list(input.shape)}")
    dims = tuple(range(input.ndim - k, input.ndim))
    mean, var = _moments(input, dims)
    out = (input - mean) * (var + eps).rsqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


@composite("NativeGroupNormBackward0", inputs=("input", "weight", "bias"))
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalise each sample's channels in num_groups groups (biased variance), then a
    per-channel affine map."""
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {_shape_list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{_shape_list(t.shape)} and input of shape "
                               f"{_shape_list(input.shape)}")
    grouped = input.reshape(n, num_groups, -1)
    mean, var = _moments(grouped, -1)
    out = ((grouped - mean) * (var + eps).rsqrt()).reshape(input.shape)
    per_channel = (c,) + (1,) * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(per_channel)
    if bias is not None:
        out = out + bias.reshape(per_channel)
    return out


# ---- embeddings and encodings -------------------------------------------------------
def _check_indices(indices, name):
    if indices.dtype not in (_dtype.int64, _dtype.int32):
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {indices.type()} instead "
                           f"(while checking arguments for {name})")


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of weight picked by the integer tensor input (any shape)."""
    if sparse:
        raise NotImplementedError("numtensor has no sparse tensors: use sparse=False")
    require_tensor("embedding", "indices", 2, input)
    _check_indices(input, "embedding")
    num = weight.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            assert padding_idx < num, "Padding_idx must be within num_embeddings"
        elif padding_idx < 0:
            assert padding_idx >= -num, "Padding_idx must be within num_embeddings"
            padding_idx = num + padding_idx
    flat = input.reshape(-1).long()
    if flat.numel() and (flat.min().item() < 0 or flat.max().item() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, flat, max_norm, norm_type)
    return _embedding_rows(weight, flat, tuple(input.shape), padding_idx, scale_grad_by_freq)


@composite("EmbeddingBackward0", inputs=("weight",))
def _embedding_rows(weight, flat, shape, padding_idx, scale_grad_by_freq):
    rows = weight.index_select(0, flat)
    if scale_grad_by_freq and flat.numel():
        # the value stays, the gradient of each row is divided by its count in the batch
        counts = one_hot(flat, weight.shape[0]).sum(0).index_select(0, flat).unsqueeze(1)
        rows = rows.detach() + (rows - rows.detach()) / counts.to(rows.dtype)
    if padding_idx is not None:
        from .. import where
        # the padding row gets no gradient (its value is still looked up)
        rows = where((flat == padding_idx).unsqueeze(1), rows.detach(), rows)
    return rows.reshape(*shape, weight.shape[1])


def _renorm_rows(weight, flat, max_norm, norm_type):
    """Rescale in place the looked-up rows whose norm exceeds max_norm (as torch does)."""
    from .. import where
    with no_grad():
        selected = weight.index_select(0, flat)
        norms = selected.norm(p=norm_type, dim=1, keepdim=True)
        scale = where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
        weight[flat] = selected * scale


_BAG_MODES = {"sum": 0, "mean": 1, "max": 2}


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """Sums, means or maxes of bags of rows of weight.  A 2-D input (B, N) is B bags of N
    indices; a 1-D input is the concatenation of the bags, which start at offsets (with
    include_last_offset, offsets also ends with the end of the last bag).  An empty bag
    gives zeros; the padding_idx rows are left out of every bag.  per_sample_weights
    (mode 'sum' only) scales each looked-up row.  Returns (B, embedding_dim)."""
    from .._tensor import Tensor
    if weight.dtype is _dtype.int64 and input.is_floating_point():
        warnings.warn("Argument order of nn.functional.embedding_bag was changed. Usage "
                      "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
                      "`embedding_bag(input, weight, ...)`.", stacklevel=2)
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
                         f"not None, then it must have the same shape as the input "
                         f"({input.shape})")
    if weight.dim() != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                         f"{weight.dim()}")
    if input.dim() == 2:
        if offsets is not None:
            type_str = "<class 'torch.Tensor'>" if isinstance(offsets, Tensor) \
                else str(type(offsets))
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type_str}")
        from .. import arange
        offsets = arange(0, input.numel(), input.size(1), dtype=input.dtype)
        include_last_offset = False
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor")
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if mode not in _BAG_MODES:
        raise ValueError("mode has to be one of sum, mean or max")
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            "embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            "GitHub.")
    if sparse:
        raise NotImplementedError("numtensor has no sparse tensors: use sparse=False")
    input, offsets, padding_idx = _check_bags(input, weight, offsets, per_sample_weights,
                                              include_last_offset, padding_idx)
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return _embedding_bag(weight, per_sample_weights, input, offsets, scale_grad_by_freq,
                          mode, include_last_offset, padding_idx)


def _check_bags(input, weight, offsets, per_sample_weights, include_last_offset, padding_idx):
    """ATen's checks of embedding_bag's tensors; returns int64 indices and offsets (PyTorch
    promotes the two to one type, which has to be Long or Int) and padding_idx in
    [0, num_embeddings) or None."""
    from .. import result_type
    from ..ops._common import scalar_type_name
    index_type = result_type(input, offsets)
    if index_type not in (_dtype.int64, _dtype.int32):
        name = f"torch.{scalar_type_name(index_type)}Tensor"
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {name} instead "
                           f"(while checking arguments for embedding_bag)")
    if not weight.dtype.is_floating_point or weight.dtype.is_complex:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have one of the "
                           f"following scalar types: Half, BFloat16, Float, Double; but got "
                           f"{weight.type()} instead (while checking arguments for "
                           f"embedding_bag)")
    if per_sample_weights is not None and per_sample_weights.dtype != weight.dtype:
        raise RuntimeError(f"Expected tensor for argument #1 'weight' to have the same type as "
                           f"tensor for argument #1 'per_sample_weights'; but type "
                           f"{weight.type()} does not equal {per_sample_weights.type()} (while "
                           f"checking arguments for embedding_bag)")
    input, offsets = input.long(), offsets.long()
    n, num = input.shape[0], weight.shape[0]
    if include_last_offset and offsets.shape[0] < 1:
        raise RuntimeError("include_last_offset: number of offset should be at least 1")
    if offsets.shape[0]:
        first, last = offsets[0].item(), offsets[-1].item()
        if first != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                               f"mini-batch has to start from position 0. However, got {first}"
                               f"\n[ torch.{scalar_type_name(index_type)}Tensor{{}} ]")
        if last > n:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {n} but "
                               f"got offsets[-1] of {last}")
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise RuntimeError(f"padding_idx must be within the number of embeddings, -{num} "
                               f"through {num - 1}, but got {padding_idx}")
        padding_idx = padding_idx % num
    if n:
        bad = ((input < 0) | (input >= num)).nonzero()
        if bad.numel():
            at = bad[0, 0].item()
            raise RuntimeError(f"Index {at} of input takes value {input[at].item()} which is "
                               f"not in the valid range [0, {num})")
    return input, offsets, padding_idx


@composite("EmbeddingBagBackward0", inputs=("weight", "per_sample_weights"))
def _embedding_bag(weight, per_sample_weights, input, offsets, scale_grad_by_freq, mode,
                   include_last_offset, padding_idx):
    """The bags' reductions, composed: each looked-up row goes to its bag's slot by an
    index_add (rows outside every bag, and padding rows, go to an extra slot that is cut
    off); max picks, per bag and column, the first position holding the maximum and
    gathers it, so that its gradient reaches that row only, as in PyTorch."""
    from .. import arange, cat, full, searchsorted, where, zeros
    n, dim = input.shape[0], weight.shape[1]
    bags = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
    pos = arange(n)
    # the bag of each position: the last bag that starts at or before it
    if bags:
        seg = searchsorted(offsets[:bags].contiguous(), pos, right=True) - 1
    else:
        seg = zeros(n, dtype=_dtype.int64)
    # as in PyTorch, with include_last_offset the last bag's sum stops at offsets[-1], but
    # its max, and the size its mean divides by, run on to the end of input
    kept = pos < (offsets[bags].item() if include_last_offset and mode == "sum" else n)
    counted = pos < n
    if padding_idx is not None:
        kept = kept & (input != padding_idx)
        counted = counted & (input != padding_idx)
    if mode == "mean" and include_last_offset:
        kept = kept & (pos < offsets[bags].item())
    full_seg = where(counted, seg, bags)
    seg = where(kept, seg, bags)
    rows = weight.index_select(0, input)
    if scale_grad_by_freq and n:
        # the value stays, the gradient of each row is divided by its count in the input
        counts = zeros(weight.shape[0], dtype=_dtype.int64).index_add_(
            0, input, input.new_ones(n)).index_select(0, input).unsqueeze(1)
        rows = rows.detach() + (rows - rows.detach()) / counts.to(rows.dtype)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    if mode == "max":
        with no_grad():
            slot = seg.unsqueeze(1).expand(n, dim)
            best = full((bags + 1, dim), -math.inf, dtype=weight.dtype).scatter_reduce(
                0, slot, rows, "amax")
            first = where(rows == best.gather(0, slot), pos.unsqueeze(1).expand(n, dim), n)
            arg = full((bags + 1, dim), n, dtype=_dtype.int64).scatter_reduce(
                0, slot, first, "amin")[:bags]
        return cat([rows, rows.new_zeros((1, dim))]).gather(0, arg)
    out = zeros((bags + 1, dim), dtype=weight.dtype).index_add(0, seg, rows)[:bags]
    if mode == "mean" and include_last_offset and bags and offsets[bags].item() < n:
        # PyTorch's backward gives the rows past offsets[-1] the last bag's gradient too
        every = zeros((bags + 1, dim), dtype=weight.dtype).index_add(0, full_seg, rows)[:bags]
        out = out.detach() + (every - every.detach())
    if mode == "mean":
        sizes = zeros(bags + 1, dtype=weight.dtype).index_add_(
            0, full_seg, counted.to(weight.dtype))[:bags]
        out = out / sizes.clamp(min=1).unsqueeze(1)
    return out


def one_hot(tensor, num_classes=-1):
    """(..., num_classes) int64 tensor with a 1 at each class index."""
    from .. import arange
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if tensor.numel() == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(tensor.max().item()) + 1
    if tensor.numel():
        if tensor.min().item() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if tensor.max().item() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


# ---- padding ----------------------------------------------------------------------------
_PAD_SUPPORT = ("Supported combinations for non-constant padding:\n"
                "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
                "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
                "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def pad(input, pad, mode="constant", value=None):
    """Pad (or crop, with negative amounts) the last len(pad)//2 dims: pad lists
    (left, right) for the last dim, then the one before, ...  Modes: constant, reflect,
    replicate, circular."""
    pad = list(_int_list("pad", "pad", 2, pad))  # PyTorch's parser: ints only, no floats
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input.ndim}")
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode == "constant":
        return _pad_constant(input, pad, 0.0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if k not in (1, 2, 3) or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {input.ndim}D "
                                  f"input tensor.\n{_PAD_SUPPORT}")
    _check_pad_sizes(input, pad, mode)
    for i in range(k):
        dim = input.ndim - 1 - i
        input = _pad_by_index(input, dim, pad[2 * i], pad[2 * i + 1], mode)
    return input


def _check_pad_sizes(input, pad, mode):
    """PyTorch's checks of the padded dims for reflect / replicate / circular, all made on
    the input's shape before any dim is padded, in PyTorch's order and words."""
    k = len(pad) // 2
    sizes = tuple(input.shape[input.ndim - k:])  # (D,) (H,) W
    pairs = [(pad[2 * (k - 1 - j)], pad[2 * (k - 1 - j) + 1]) for j in range(k)]  # as sizes
    out = [n + before + after for n, (before, after) in zip(sizes, pairs)]
    if mode == "circular":
        for n, (before, after), size in zip(sizes, pairs, out):
            if before > n or after > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if size < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return
    if mode == "reflect":
        for i in range(k):  # the last dim first: Argument #4, then #6 and #8
            n, (before, after) = sizes[k - 1 - i], pairs[k - 1 - i]
            if before >= n or after >= n:
                raise RuntimeError(
                    f"Argument #{4 + 2 * i}: Padding size should be less than the corresponding "
                    f"input dimension, but got: padding ({before}, {after}) at dimension "
                    f"{input.ndim - 1 - i} of input {_shape_list(input.shape)}")
    if all(size < 1 for size in out):
        if k == 1:
            shown = f"input (W: {sizes[0]})"
        elif k == 2:
            shown = f"input (H: {sizes[0]}, W: {sizes[1]}{' ' if mode == 'replicate' else ''})"
        else:
            shown = f"input (D: {sizes[0]} H: {sizes[1]}, W: {sizes[2]})"
        result = " ".join(f"{name}: {size}" for name, size in zip("DHW"[3 - k:], out))
        raise RuntimeError(f"{shown} is too small. Calculated output {result}")
    if min(out) < 0:  # one dim negative, another not: the result cannot be made
        shape = tuple(input.shape[:input.ndim - k]) + tuple(out)
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(out)}: "
                           f"{_shape_list(shape)}")


@composite("ConstantPadNdBackward0")
def _pad_constant(input, pad, value):
    from .. import cat, full
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        if before < 0:
            input = input.narrow(dim, -before, input.shape[dim] + before)
            before = 0
        if after < 0:
            input = input.narrow(dim, 0, input.shape[dim] + after)
            after = 0
        pieces = []
        for width in (before, None, after):
            if width is None:
                pieces.append(input)
            elif width:
                shape = list(input.shape)
                shape[dim] = width
                pieces.append(full(shape, value, dtype=input.dtype, device=input.device))
        input = cat(pieces, dim) if len(pieces) > 1 else input
    return input


def _pad_by_index(input, dim, before, after, mode):
    """reflect / replicate / circular as a gather of source positions along dim (the
    sizes were checked by _check_pad_sizes)."""
    from .. import arange
    n = input.shape[dim]
    if mode == "circular" and min(before, after) < 0:
        # PyTorch crops the negative amounts first and wraps around what is left
        start, stop = max(-before, 0), n - max(-after, 0)
        if stop <= start:  # nothing left to wrap around (PyTorch leaves the padding unwritten)
            widths = [0] * (2 * (input.ndim - 1 - dim)) + [n + before + after, 0]
            return _pad_constant(input.narrow(dim, 0, 0), widths, 0.0)
        input = input.narrow(dim, start, stop - start)
        n, before, after = stop - start, max(before, 0), max(after, 0)
    positions = arange(-before, n + after, device=input.device)
    if mode == "replicate":
        source = positions.clamp(0, n - 1)
    elif mode == "circular":
        source = positions.remainder(n)
    else:  # reflect about the edge elements (which are not repeated)
        period = 2 * (n - 1) if n > 1 else 1
        folded = positions.abs().remainder(period)
        source = (folded - (folded - (n - 1)).clamp(min=0) * 2)
    return input.index_select(dim, source)


# ---- losses -----------------------------------------------------------------------------
def _type_name(dt):
    """PyTorch's scalar type name in messages: Float, Double, Long, Int ..."""
    return dt._tensor_type[:-len("Tensor")]


def _check_target_dtype(target):
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{_type_name(target.dtype)}")


def _check_nll_shapes(input, target):
    if input.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    if input.ndim == 1:
        if target.ndim > 1 or (target.ndim == 1 and target.shape[0] != 1):
            raise ValueError("For 1D input, 1D target must have size 1, but got target size: "
                             f"{target.shape[0] if target.ndim == 1 else target.numel()}")
        return
    if target.ndim == 0 or target.shape[0] != input.shape[0]:
        got = target.shape[0] if target.ndim else 0
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({got}).")
    if input.ndim == 2:
        if target.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(target.shape) != expected:
        if target.ndim == input.ndim - 1:
            raise RuntimeError(f"size mismatch (got input: {_shape_list(input.shape)} , target: "
                               f"{_shape_list(target.shape)}")
        raise RuntimeError(f"Expected target size {_shape_list(expected)}, got "
                           f"{_shape_list(target.shape)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-input[n, target[n]] (times weight[target[n]]); input holds log-probabilities with
    the classes in dim 1 (dim 0 for a single sample).  'mean' divides by the total weight
    of the targets that are not ignore_index.  One backend kernel each way (ops/losses.py)."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    _check_target_dtype(target)
    _check_nll_shapes(input, target)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: "
                           f"{_shape_list(weight.shape)}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input.dtype)} but found "
                           f"{_type_name(weight.dtype)}")
    if weight is not None and weight.requires_grad and is_grad_enabled():
        raise RuntimeError("The function 'nll_loss_forward' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")
    if target.dtype is not _dtype.int64:
        target = target.long()
    return _loss_ops.nll_loss(input, target, weight, ignore_index, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """nll_loss(log_softmax(input, class dim)); target holds class indices (int64) or class
    probabilities (float, input's shape).  label_smoothing mixes the target with the
    uniform distribution."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    soft = tuple(target.shape) == tuple(input.shape)
    if soft:
        if not target.dtype.is_floating_point:
            raise RuntimeError("Expected floating point type for target with class "
                               f"probabilities, got {_type_name(target.dtype)}")
        if ignore_index != -100:
            raise RuntimeError("ignore_index is not supported for floating point target")
    else:
        _check_target_dtype(target)
        _check_nll_shapes(input, target)
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if soft:
        return _cross_entropy_soft(logp, target, weight, reduction, label_smoothing, class_dim)
    nll = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing == 0.0:
        return nll
    # the uniform part: -sum_c w_c log p_c, zero for ignored targets
    from .. import where
    ignored = target.long() == ignore_index
    scaled = logp if weight is None else logp * _class_view(weight, logp, class_dim)
    smooth = -scaled.sum(class_dim)
    smooth = where(ignored, 0.0, smooth)
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            safe = where(ignored, 0, target.long())
            smooth = smooth.sum() / (weight[safe] * (~ignored).to(weight.dtype)).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1.0 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _class_view(weight, like, class_dim):
    shape = [1] * like.ndim
    shape[class_dim] = weight.numel()
    return weight.to(like.dtype).reshape(shape)


def _cross_entropy_soft(logp, target, weight, reduction, label_smoothing, class_dim):
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0.0:
        target = target * (1.0 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        terms = terms * _class_view(weight, logp, class_dim)
    loss = -terms.sum(class_dim)
    if reduction == "mean":
        return loss.sum() / (logp.numel() // max(n_classes, 1)) if logp.numel() else \
            loss.sum() * math.nan
    return _reduce(loss, reduction)


def _warn_size(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size "
                      f"({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _pointwise_loss(values, input, weight, reduction):
    if weight is None:
        return _reduce(values, reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    weighted = values * weight
    if reduction == "mean":
        return weighted.sum() / weight.sum()
    return _reduce(weighted, reduction)


@composite("MseLossBackward0", inputs=("input", "target"))
def _mse(input, target, reduction):
    diff = input - target
    return _reduce(diff * diff, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """(input - target)**2, averaged or summed (target broadcasts, with a warning)."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    if weight is None:
        return _mse(*_functional_losses.floating_pair(input, target, "mse_cpu"), reduction)
    # torch composes the weighted loss from plain ops (no MseLossBackward0)
    return _pointwise_loss((input - target) ** 2, input, weight, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """|input - target|, averaged or summed."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    _warn_size(input, target)
    return _pointwise_loss((input - target).abs(), input, weight, reduction)


def _safe_log(x):
    """log(x) clamped at -100 as torch's BCE does; x == 0 gives -100 and a zero gradient
    (instead of 0 * inf = nan)."""
    from .. import where
    positive = x > 0
    return where(positive, where(positive, x, 1.0).log().clamp(min=-100.0), -100.0)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """-(t log x + (1 - t) log(1 - x)) for probabilities x in [0, 1] (logs clamped at -100).
    Its gradient is PyTorch's formula, not the clamped logs' (see _bce_backward)."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    _functional_losses.check_bce_dtypes(input, target)
    if getattr(weight, "requires_grad", False) and is_grad_enabled():
        raise RuntimeError("The function 'binary_cross_entropy' is not differentiable with "
                           "respect to argument 'weight'. This input cannot have "
                           "requires_grad True.")
    if input.numel() and (input.detach().min().item() < 0 or input.detach().max().item() > 1):
        raise RuntimeError("all elements of input should be between 0 and 1")
    with no_grad():
        loss = -(target * _safe_log(input) + (1.0 - target) * _safe_log(1.0 - input))
        if weight is not None:
            loss = (loss * weight).to(input.dtype)  # torch's loss.mul_(weight) keeps the dtype
        out = _reduce(loss, reduction)
    return attach(_bce_backward, out, (input, target), weight=weight, reduction=reduction)


# float32's 1e-12 (PyTorch's EPSILON is a float): where x (1 - x) is smaller, it divides by it
_BCE_EPSILON = float(np.float32(1e-12))


@derivative("BinaryCrossEntropyBackward0", inputs=("self", "target"),
            saves=("self", "target", "weight"))
def _bce_backward(ctx, g):
    """PyTorch's formulas: grad (x - t) / max(x (1 - x), eps) for the input, so that a
    probability of exactly 0 or 1 still gets its (large) gradient, and
    grad (log(1 - x) - log(x)) for the target; both times the weight."""
    x, t, w, need = ctx.self, ctx.target, ctx.weight, ctx.needs_input_grad
    if ctx.reduction == "mean":
        g = g / max(x.numel(), 1)
    if w is not None:
        g = g * w
    gx = g * (x - t) / (x * (1.0 - x)).clamp(min=_BCE_EPSILON) if need[0] else None
    gt = g * ((-x).log1p() - x.log()) if need[1] else None
    return gx, gt


@composite("BinaryCrossEntropyWithLogitsBackward0",
           nondifferentiable=("weight", "pos_weight"), inputs=("input", "target"))
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """binary_cross_entropy(sigmoid(input), target), computed stably from the logits:
    (1 - t) x - (1 + (pos_weight - 1) t) log sigmoid(x)."""
    input, target = full_precision(input, target)  # (autocast)
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    _functional_losses.check_bce_with_logits_dtypes(input, target)
    log_sig = logsigmoid(input)
    if pos_weight is None:
        loss = (1.0 - target) * input - log_sig
    else:
        loss = (1.0 - target) * input - ((pos_weight - 1.0) * target + 1.0) * log_sig
    if weight is not None:
        loss = loss * weight
    # torch's in-place steps ((1 - target).mul_(input).sub_(...).mul_(weight)) keep
    # target's dtype
    return _reduce(loss.to(target.dtype), reduction)


# ---- the families in their own modules (they use the helpers above) -------------------------
from . import (_functional_activations, _functional_distances,  # noqa: E402
               _functional_interpolate, _functional_losses, _functional_shuffle)
from ._functional_activations import (celu, celu_, elu, elu_, glu, hardshrink,  # noqa: E402,F401
                                      hardsigmoid, hardswish, hardtanh, hardtanh_, mish, prelu,
                                      relu6, rrelu, rrelu_, selu, selu_, silu, softshrink,
                                      softsign, tanhshrink, threshold, threshold_)
from ._functional_distances import (cosine_similarity, normalize,  # noqa: E402,F401
                                    pairwise_distance)
from ._functional_interpolate import (interpolate, upsample, upsample_bilinear,  # noqa: E402,F401
                                      upsample_nearest)
from ._functional_losses import (cosine_embedding_loss, gaussian_nll_loss,  # noqa: E402,F401
                                 hinge_embedding_loss, huber_loss, kl_div, margin_ranking_loss,
                                 multilabel_soft_margin_loss, poisson_nll_loss, smooth_l1_loss,
                                 soft_margin_loss, triplet_margin_loss)
from ._functional_shuffle import (channel_shuffle, pixel_shuffle,  # noqa: E402,F401
                                  pixel_unshuffle)

__all__ += (_functional_activations.__all__ + _functional_distances.__all__
            + _functional_interpolate.__all__ + _functional_losses.__all__
            + _functional_shuffle.__all__)
from ._functional_attention import (__all__ as _attention_all,  # noqa: E402,F401
                                    multi_head_attention_forward, scaled_dot_product_attention)
__all__ += _attention_all
from ._functional_norms import (__all__ as _norms_all, bilinear,  # noqa: E402,F401
                                instance_norm, local_response_norm, rms_norm)
__all__ += _norms_all
from ._functional_3d import (__all__ as _3d_all, adaptive_avg_pool3d,  # noqa: E402,F401
                             adaptive_max_pool3d, adaptive_max_pool3d_with_indices, avg_pool3d,
                             conv3d, max_pool3d, max_pool3d_with_indices)
__all__ += _3d_all
from ._functional_grid import (__all__ as _grid_all, affine_grid,  # noqa: E402,F401
                               grid_sample)
__all__ += _grid_all
