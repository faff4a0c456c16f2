"""More normalisations and the bilinear map, as functions: instance_norm, rms_norm,
local_response_norm and bilinear.

Each is composed of numtensor's differentiable ops the way PyTorch composes it (instance
norm is a batch norm over a (1, N*C, ...) view, rms_norm multiplies by an rsqrt, local
response norm divides by an average pool of the squares), so autograd supplies the
gradients and grad_fn reads as in PyTorch.
"""
from .. import _dtype
from ..autograd.derivatives import composite
from ..autograd.grad_mode import no_grad
from ..ops.out_args import CPP_TYPE_NAME
from .functional import _require_float, _shape_list, avg_pool2d, batch_norm, pad


# ---- instance norm ---------------------------------------------------------------------
def _verify_spatial_size(size):
    # one value per (sample, channel) has no variance to normalise by
    count = 1
    for s in size[2:]:
        count *= s
    if count == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size "
                         f"{size}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Normalise each (sample, channel) over its spatial dims.  With use_input_stats the
    running statistics (if given) move towards the batch average of the per-instance
    ones; without, they are what the input is normalised by."""
    if use_input_stats:
        _verify_spatial_size(input.shape)
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    b, c = input.size(0), input.size(1)
    _require_float(input, "batch_norm")
    # PyTorch's own construction: samples become channels of a single-sample batch norm,
    # with the per-channel tensors repeated once per sample
    shape = (1, b * c) + tuple(input.shape[2:])
    weight_ = None if weight is None else weight.repeat(b)
    bias_ = None if bias is None else bias.repeat(b)
    with no_grad():
        mean_ = None if running_mean is None else running_mean.repeat(b)
        var_ = None if running_var is None else running_var.repeat(b)
    out = batch_norm(input.contiguous().view(shape), mean_, var_, weight_, bias_,
                     use_input_stats, momentum, eps)
    with no_grad():
        # each channel's running statistic is the average over the samples' copies
        if running_mean is not None:
            running_mean.copy_(mean_.view(b, c).mean(0))
        if running_var is not None:
            running_var.copy_(var_.view(b, c).mean(0))
    return out.view(input.shape)


# ---- RMS norm --------------------------------------------------------------------------
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x**2 over the trailing normalized_shape dims) + eps), times weight.
    eps None is the machine epsilon of the computation type (float32 for half inputs)."""
    if not isinstance(normalized_shape, (tuple, list)):
        raise TypeError(f"rms_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        f"ints, not {type(normalized_shape).__name__}")
    normalized_shape = tuple(int(s) for s in normalized_shape)
    k = len(normalized_shape)
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {_shape_list(weight.shape)} and normalized_shape = "
                           f"{_shape_list(normalized_shape)}")
    if input.ndim < k:
        raise ValueError(f"Input tensor must have at least {k} dimensions, but got {input.ndim}")
    if tuple(input.shape[input.ndim - k:]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={_shape_list(normalized_shape)}, expected "
                           f"input with shape [*{', '.join(str(s) for s in normalized_shape)}], "
                           f"but got input of size{_shape_list(input.shape)}")
    _require_float(input, "rms_norm")
    # half precision is computed in float32 (PyTorch's opmath type) and rounded back
    compute = _dtype.float32 if input.dtype is _dtype.float16 else input.dtype
    if eps is None:
        from .. import finfo
        eps = finfo(compute).eps
    x = input.to(compute)
    dims = tuple(range(input.ndim - k, input.ndim))
    out = (x * (x.pow(2).mean(dims, keepdim=True) + eps).rsqrt()).to(input.dtype)
    if weight is not None:
        out = (out * weight).to(out.dtype)  # the input's dtype, whatever the weight's
    return out


# ---- local response norm ---------------------------------------------------------------
def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """x / (k + alpha * mean of x**2 over a window of `size` neighbouring channels)**beta,
    the window zero-padded at the ends of the channel dim."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality                          "
                         f"input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    sizes = input.shape
    # channels become the height of a one-channel image, everything after them its width
    # (PyTorch pools 5-D views with avg_pool3d; a (size, 1) window sums the same values)
    div = input.mul(input).reshape(sizes[0], 1, sizes[1], -1)
    div = pad(div, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(div, (size, 1), stride=1).reshape(sizes)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# ---- bilinear --------------------------------------------------------------------------
def _cpp_name(dt):
    return CPP_TYPE_NAME.get(dt.name, dt.name)


@composite("TrilinearBackward0")
def _trilinear(x1, weight, x2):
    """out[b, o] = sum_ij x1[b, i] weight[o, i, j] x2[b, j] for 2-D x1, x2."""
    o, i, j = weight.shape
    # one matmul for x1 against every output's matrix, then a batched matrix-vector
    # product with x2 per row (BLAS both ways, forward and backward)
    left = x1.matmul(weight.permute(1, 0, 2).reshape(i, o * j)).reshape(-1, o, j)
    return left.bmm(x2.unsqueeze(-1)).squeeze(-1)


def bilinear(input1, input2, weight, bias=None):
    """y = x1^T A x2 + b for each output feature: weight (out, in1, in2), inputs
    (*, in1) and (*, in2) with the same leading dims."""
    tensors = [("input1", input1), ("input2", input2), ("weight", weight)]
    if bias is not None:
        tensors.append(("bias", bias))
    if any(t.dtype is not input1.dtype for _, t in tensors):
        raise RuntimeError("All tensors must have the same dtype, got " + ", ".join(
            f"{name}: {_cpp_name(t.dtype)}" for name, t in tensors))
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for d in range(input1.ndim - 1):
        if input1.shape[d] != input2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: "
                               f"got {input1.shape[d]} and {input2.shape[d]}")
    if input1.size(-1) != weight.size(1):
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.size(-1)} but expected {weight.size(1)}")
    if input2.size(-1) != weight.size(2):
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.size(-1)} but expected {weight.size(2)}")
    if bias is not None:
        if bias.ndim == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        if bias.size(0) != weight.size(0):
            raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                               f"{bias.size(0)} but expected {weight.size(0)}")
    out_shape = tuple(input1.shape[:-1]) + (weight.size(0),)
    out = _trilinear(input1.reshape(-1, input1.size(-1)), weight,
                     input2.reshape(-1, input2.size(-1))).reshape(out_shape)
    return out if bias is None else out + bias


__all__ = ["instance_norm", "rms_norm", "local_response_norm", "bilinear"]
